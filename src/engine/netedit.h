/* netedit.h - the net editor's document: a net file as editable lines (comments, blank lines and
 * the order of everything not touched are kept), edits of one layer line at a time with undo and
 * redo, and after every edit the analysis of every row by the net parser itself.
 * Depends on: net (the parser, layer names and keys), receptive, assets (libc, POSIX). No SDL.
 *
 * Rows are the lines that hold words once the `#` comment is cut (row 0 is normally the input
 * line); blank and comment-only lines are kept but are not rows. An edit rewrites only its own
 * line (or, for a move, exchanges two lines), keeps that line's trailing comment at its column,
 * and is one undo step.
 *
 * Shape comments: a trailing comment that is only a shape and/or a parameter formula in the
 * form the bundled nets and this editor write ("# 8x28x28", "# 400", "# 8x28x28, 8x1x5x5 + 8 =
 * 208 parameters", "# 10x400 + 10 = 4010 parameters"; netdoc_is_shape_comment) is the
 * editor's: after every edit, each evaluated row's shape comment is rewritten to the row's
 * current output shape and formula, in the same undo step (a conv made wider updates "# 8x24x24"
 * on the rows below it). Every other comment is the user's and is kept byte for byte, and so
 * are shape comments of rows not evaluated (at or below an error). netdoc_set_text and a
 * document just created keep the text as given. netdoc_text() is the document; a doc created from a
 * text and not edited gives back the same bytes.
 *
 * Analysis, after every edit (net_parse on the whole text; the parser is the only judge):
 *   valid    every row is NETROW_OK with its output shape, parameters, cost and receptive field.
 *   refused  the row on the parser's error line is NETROW_ERROR and carries the parser's message
 *            without its "FILE:LINE: " prefix (same words); the rows above it are parsed as a net
 *            of their own (the lines before the error) and are NETROW_OK; the rows below are
 *            NETROW_SKIPPED (not evaluated). The last text that parsed stays available as
 *            netdoc_last_valid(), so a view keeps showing it.
 *
 * How the costs are counted, per image (one example), exactly:
 *   MACs (multiply-adds): conv n_w*OH*OW, deconv n_w*H*W (every input cell stamps its kernel),
 *   dense n_w; 0 for the rest. FLOPs count a multiply-add as 2.
 *   forward FLOPs:  conv, deconv, dense  2*MACs + one bias add per output element
 *                   maxpool, avgpool     KH*KW per output element (a compare or an add per cell)
 *                   l2pool               2*KH*KW per output element (square and add)
 *                   relu .. softplus     1 per element (exp, tanh, ... count as one)
 *                   lrn                  2*size per element (the window's sum of squares)
 *                   softmax              3 per element (exp, add to the sum, divide)
 *                   flatten              0
 *                   any other kind       2 per output element (a scale and shift)
 *   backward FLOPs: conv, deconv, dense  weight gradient 2*MACs + bias gradient (one add per
 *                   output element) + input gradient 2*MACs, except for layer 0, whose input
 *                   gradient nothing needs (the trainer skips it, NetActs.skip_dx)
 *                   every other layer    as its forward
 *   training FLOPs = forward + backward. Counting only the MACs, training is
 *   2*(3*MACs - MACs of layer 0), the figure `convscope bench` divides by (2.57 MFLOP for
 *   lenet-tiny); the totals here add the bias, pooling and activation work on top (2.62).
 * Memory, bytes per image, 4 bytes a float:
 *   parameters  4*n_params;  activations  4*(input + every layer's output elements);
 *   forward = parameters + activations; training = 2*forward (each weight and each activation
 *   gets its gradient, as Net.grads and NetActs.grad hold them; optimizer state is extra:
 *   momentum 1x, Adam 2x the parameters).
 * Receptive field of a unit of a row's output, on the input: the unclipped (textbook) extent of
 * the centre unit's traced box (receptive.h; padding counted as input), e.g. 14x14 for
 * lenet-tiny's second conv; `whole` when its real box covers the whole input (after dense).
 * Jump: how far apart, in input pixels, two neighbouring units' fields start: the product of the
 * strides of conv and pooling layers divided by the strides of deconv layers, as a fraction per
 * axis (0/0 after flatten, where neighbours are not a grid). */
#ifndef CONVSCOPE_NETEDIT_H
#define CONVSCOPE_NETEDIT_H

#include "engine/net.h"

#include <stdbool.h>
#include <stddef.h>

#define NETDOC_MAX_UNDO  256 /* edits kept for undo; older ones are forgotten */
#define NETDOC_MAX_VALUE 64  /* characters of one key value */

typedef struct NetDoc NetDoc;

typedef enum NetRowState {
    NETROW_OK,      /* evaluated: shape, parameters, cost, receptive field */
    NETROW_ERROR,   /* the parser refused this line: error holds its message */
    NETROW_SKIPPED, /* below the error: not evaluated (drawn greyed) */
} NetRowState;

typedef struct NetFraction {
    int num, den; /* den 0: not defined */
} NetFraction;

/* One row's analysis. Valid until the next edit or undo/redo. */
typedef struct NetRowInfo {
    int line;          /* 1-based line of the text */
    bool is_input;     /* the `input C H W` line */
    NetRowState state; /* see the top of this file */
    int layer;         /* index into netdoc_spec()->layers; -1 for the input and not-OK rows */
    const char *error; /* NETROW_ERROR: the parser's message, no "FILE:LINE: "; else "" */
    Shape in, out;     /* OK rows (in also on the error row when known); rank 0: unknown */
    long params;       /* weights + biases */
    char formula[96];  /* layer_param_formula: "16x8x5x5 + 16 = 3216", "0" */
    long long macs, flops_fwd, flops_bwd, flops_train; /* per image, see the top */
    long param_bytes, act_bytes;                       /* 4*params, 4*out elements */
    int rf_h, rf_w;                                    /* receptive field of one unit, input px */
    bool rf_whole;                                     /* the unit sees the whole input */
    NetFraction jump_h, jump_w;                        /* input px between neighbouring units */
} NetRowInfo;

/* The whole net (valid), or the rows above the error (complete false). */
typedef struct NetDocTotals {
    bool complete;
    long params;
    long long macs, flops_fwd, flops_bwd, flops_train;
    long param_bytes, act_bytes; /* act_bytes counts the input too */
    long mem_fwd, mem_train;     /* bytes per image, see the top */
    int rf_h, rf_w;              /* of the last evaluated row */
    bool rf_whole;
} NetDocTotals;

/* ---- documents ---- */

/* A document of text (which must be within NET_MAX_TEXT bytes); name is the file name the
 * parser's messages start with (e.g. "lenet-tiny.net"). The text need not parse. NULL with err
 * when it is too large or memory runs out. Free with netdoc_destroy. */
NetDoc *netdoc_create(const char *text, const char *name, char *err, size_t err_size);
/* Reads a net file (plain text, at most NET_MAX_TEXT bytes, no NUL) into a document named by
 * the path's last component. NULL with "PATH: why" in err. */
NetDoc *netdoc_load(const char *path, char *err, size_t err_size);
/* Writes the text to path atomically (a temporary file beside it, then rename) and marks the
 * doc saved. false with "PATH: why" in err. */
bool netdoc_save(NetDoc *doc, const char *path, char *err, size_t err_size);
void netdoc_destroy(NetDoc *doc);

/* The document's text (NUL-terminated, owned by the doc, valid until the next edit) and size. */
const char *netdoc_text(const NetDoc *doc);
size_t netdoc_text_size(const NetDoc *doc);
const char *netdoc_name(const NetDoc *doc);
/* True when the text differs from the loaded or last saved one by some edit not undone. */
bool netdoc_modified(const NetDoc *doc);

/* ---- presets: bundled nets to start from (assets/nets/) ---- */

int netdoc_preset_count(void);
const char *netdoc_preset_name(int i);  /* "lenet-tiny", "one-conv", ... */
const char *netdoc_preset_about(int i); /* one line saying what it shows */
const char *netdoc_preset_file(int i);  /* "assets/nets/lenet-tiny.net" */
NetDoc *netdoc_load_preset(int i, char *err, size_t err_size);

/* ---- rows ---- */

int netdoc_row_count(const NetDoc *doc);
/* Row r's analysis; r in [0, netdoc_row_count). */
const NetRowInfo *netdoc_row(const NetDoc *doc, int r);
/* The row's whole line, comment included (no newline). */
const char *netdoc_row_line(const NetDoc *doc, int r);
/* The row's layer kind from its first word; false for the input line and unknown words. */
bool netdoc_row_kind(const NetDoc *doc, int r, LayerKind *kind);
/* The text of key `key` on row r (a name of netdoc_kind_keys, positional ones included) into
 * buf; false when the line does not write it (the parser's default applies). */
bool netdoc_row_value(const NetDoc *doc, int r, const char *key, char *buf, size_t size);
/* Every key an edit may set on a kind: its positional numbers first ("out" for conv and deconv,
 * "units" for dense), then the parser's keys (layer_kind_keys). Space-separated. "c h w" is the
 * input line's (kind LAYER_KIND_COUNT). */
const char *netdoc_kind_keys(LayerKind kind);
/* The line a new layer of that kind starts as: "conv 8 k=3 pad=1", "maxpool k=2", "dense 10". */
const char *netdoc_default_line(LayerKind kind);

/* ---- analysis (see the top of this file) ---- */

/* True when the whole text parses. */
bool netdoc_valid(const NetDoc *doc);
/* The parsed net of the rows shown as OK: the whole net when valid, else the rows above the
 * error (n_layers may be 0). */
const NetSpec *netdoc_spec(const NetDoc *doc);
/* The last text that parsed (NULL if none ever did) and its spec. */
const NetSpec *netdoc_last_valid(const NetDoc *doc);
const char *netdoc_last_valid_text(const NetDoc *doc);
/* The parser's whole message "NAME:LINE: ..." ("" when valid), its line (0 when the message
 * names no line, e.g. "no layers after the input line") and its row (-1 when none). */
const char *netdoc_error(const NetDoc *doc);
int netdoc_error_line(const NetDoc *doc);
int netdoc_error_row(const NetDoc *doc);
const NetDocTotals *netdoc_totals(const NetDoc *doc);

/* ---- edits: each returns false and leaves the doc unchanged when refused, with the reason in
 * netdoc_why(doc); true (and one undo step, unless nothing changed) otherwise. What an edit may
 * write and the parser then refuses (k=0, pad=-1, softmax above a layer, a kernel larger than
 * its input) is not refused here: it shows on the row as the parser's message. Refused here:
 * rows out of range, a layer above the input line, deleting or moving the input line, keys the
 * kind does not have, values that would change the line's structure (empty, spaces, '#', '='),
 * more than NET_MAX_LAYERS layers, text beyond NET_MAX_TEXT bytes. ---- */

/* Inserts a new layer line (netdoc_default_line(kind)) above or below row r. Above row 0 is
 * refused when row 0 is the input line; r == netdoc_row_count (or an empty doc) appends. */
bool netdoc_insert(NetDoc *doc, int r, bool below, LayerKind kind);
/* Inserts a line of any text (one line, words required) above or below row r. */
bool netdoc_insert_line(NetDoc *doc, int r, bool below, const char *line);
bool netdoc_delete(NetDoc *doc, int r);
/* Exchanges row r's line with the row above (dir -1) or below (+1); the lines between stay. */
bool netdoc_move(NetDoc *doc, int r, int dir);
/* Sets key to value ("5", "2,3", "0.1"), replacing its text or appending " key=value";
 * positional keys ("out", "units", "c", "h", "w") replace their number. value NULL clears the
 * key (the parser's default applies; a positional number of the input cannot be cleared). */
bool netdoc_set_key(NetDoc *doc, int r, const char *key, const char *value);
/* set_key with n integers written in the shortest form the parser reads the same: "3" for
 * (3, 3); for pad (T, B, L, R) also "1,2" for (1, 1, 2, 2). */
bool netdoc_set_key_ints(NetDoc *doc, int r, const char *key, const int *v, int n);
/* Switches row r's kind (maxpool -> avgpool, relu -> leaky, conv -> deconv, ...): keeps the
 * count and every key the new kind accepts; when none carries over, the default line's keys. */
bool netdoc_set_kind(NetDoc *doc, int r, LayerKind kind);
/* Whether line's trailing comment is a shape comment (see the top). */
bool netdoc_is_shape_comment(const char *line);
/* Replaces row r's words with text (one line); the trailing comment stays unless text has one. */
bool netdoc_set_row_text(NetDoc *doc, int r, const char *text);
/* Replaces the whole document (e.g. with a preset's text) as one undo step. */
bool netdoc_set_text(NetDoc *doc, const char *text);
/* The reason of the last refused edit ("" after one that was not). */
const char *netdoc_why(const NetDoc *doc);

/* ---- history ---- */

bool netdoc_can_undo(const NetDoc *doc);
bool netdoc_can_redo(const NetDoc *doc);
bool netdoc_undo(NetDoc *doc);
bool netdoc_redo(NetDoc *doc);
int netdoc_undo_depth(const NetDoc *doc); /* steps that can be undone now */

#endif
