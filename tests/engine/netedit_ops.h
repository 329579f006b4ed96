/* netedit_ops.h - random edits of a NetDoc drawn from a byte source, and the invariants every
 * state of a document keeps; shared by test_netedit.c (bytes from a seeded Rng) and
 * tests/fuzz/fuzz_netedit.c (bytes from libFuzzer). Depends on: engine netedit, net, rng.
 *
 * Invariants checked after every edit (ops_check):
 *   - the text is within NET_MAX_TEXT and a fresh document made from it has the same analysis
 *     (every row's state, shapes, formula, costs, field, message; the totals);
 *   - net_parse on the text agrees: valid or not, the same message, the same shapes per row;
 *   - a refused edit leaves the text as it was and says why; an accepted one says nothing;
 *   - an edit of one row's words changes that line only and keeps its comment, except for
 *     shape comments (netdoc_is_shape_comment), which the editor rewrites on any line: with
 *     every shape comment's body masked, the texts before and after differ in that line only;
 *   - after an accepted edit (not undo or redo), every evaluated row's shape comment names the
 *     row's current output shape. */
#ifndef CONVSCOPE_NETEDIT_OPS_H
#define CONVSCOPE_NETEDIT_OPS_H

#include "engine/net.h"
#include "engine/netedit.h"
#include "engine/rng.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct OpSource {
    const uint8_t *data; /* fuzz bytes (used when rng is NULL); 0 once they run out */
    size_t size, pos;
    Rng *rng;
} OpSource;

static unsigned ops_byte(OpSource *s)
{
    if (s->rng)
        return (unsigned)(rng_next(s->rng) >> 56);
    return s->pos < s->size ? s->data[s->pos++] : 0u;
}

static const char *const ops_values[] = {
    "1",     "2", "3",   "5",   "0",  "-1", "2,3",  "1,2,3,4", "1,2,3", "0.5",     "abc",
    "65537", "",  "a b", "x#y", "7=", "28", "4096", "9999",    "1,1",   "0,1,0,1", "16",
};
static const char *const ops_lines[] = {
    "relu",
    "conv 4 k=3",
    "dense 10",
    "softmax",
    "flatten",
    "maxpool k=2 stride=1",
    "input 1 8 8",
    "bogus",
    "conv",
    "lrn size=3",
    "deconv 2 k=2 stride=2 outpad=1",
    "leaky alpha=0.2 # c",
    "  tanh   # spaced  ",
    "conv 2 k=3 dilation=2 pad=1,2,3,4",
    "avgpool k=3,2 stride=2,1",
    "",
    "a\nb",
    "dense 4096",
    "conv 8 k=5 pad=2 # same",
    "l2pool k=2",
    "softplus beta=2",
    "abs",
    "sigmoid",
    "k=3",
};
static const char *const ops_keys[] = {"foo", "k", "pad", "out", "units", "alpha", "c", "h"};

#define OPS_N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The n-th word of a space-separated list (n taken modulo the count) into buf; false if empty. */
static int ops_list_word(const char *list, unsigned n, char *buf, size_t size)
{
    int count = 0;
    for (const char *s = list; *s; s += strspn(s, " ")) {
        s += strcspn(s, " ");
        count++;
    }
    if (count == 0)
        return 0;
    const char *s = list;
    for (unsigned i = n % (unsigned)count; i > 0; i--) {
        s += strcspn(s, " ");
        s += strspn(s, " ");
    }
    snprintf(buf, size, "%.*s", (int)strcspn(s, " "), s);
    return 1;
}

/* The comment of a line (from its first '#'), "" when none. */
static const char *ops_comment(const char *line)
{
    const char *h = strchr(line, '#');
    return h ? h : "";
}

/* text with the body of every shape comment cut (each such line ends at its '#'), malloc'd;
 * the editor owns those comments and may rewrite them on any line. */
static char *ops_mask(const char *text)
{
    char *out = malloc(strlen(text) + 1);
    if (!out)
        abort();
    size_t k = 0;
    const char *p = text;
    for (;;) {
        size_t n = strcspn(p, "\n");
        char line[1100];
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1), p);
        size_t keep = n;
        if (n < sizeof line - 1 && netdoc_is_shape_comment(line))
            keep = (size_t)(strchr(line, '#') - line) + 1;
        memcpy(out + k, p, keep);
        k += keep;
        if (!p[n])
            break;
        out[k++] = '\n';
        p += n + 1;
    }
    out[k] = '\0';
    return out;
}

/* Every evaluated layer row's shape comment starts with the row's output shape, or is a formula
 * only (dense rows). 1, or 0 with why. */
static int ops_shape_comments_current(const NetDoc *doc, char *why, size_t why_size)
{
    for (int r = 0; r < netdoc_row_count(doc); r++) {
        const NetRowInfo *ri = netdoc_row(doc, r);
        const char *line = netdoc_row_line(doc, r);
        if (ri->is_input || ri->state != NETROW_OK || !netdoc_is_shape_comment(line))
            continue;
        const char *body = strchr(line, '#') + 1;
        body += strspn(body, " \t");
        char shape[64];
        const Shape *o = &ri->out;
        if (o->rank >= 3)
            snprintf(shape, sizeof shape, "%dx%dx%d", o->c, o->h, o->w);
        else
            snprintf(shape, sizeof shape, "%d", o->c);
        size_t sl = strlen(shape);
        bool shape_ok = strncmp(body, shape, sl) == 0 && (body[sl] == ',' || body[sl] == '\0' ||
                                                          body[sl] == ' ' || body[sl] == '\r');
        bool formula_only = strstr(body, " parameters") && !strchr(body, ',');
        char f[128];
        snprintf(f, sizeof f, "%s parameters", ri->params > 0 ? ri->formula : "0");
        if (formula_only ? strncmp(body, f, strlen(f)) != 0 : !shape_ok) {
            snprintf(why, why_size, "row %d's shape comment is stale: '%s' (the row gives %s, %s)",
                     r, line, shape, f);
            return 0;
        }
    }
    return 1;
}

/* One random edit; desc says which. Returns 1 when the text changed the way it should, 0 with
 * why when an invariant of the edit itself broke. */
static int ops_step(NetDoc *doc, OpSource *src, char *desc, size_t desc_size, char *why,
                    size_t why_size)
{
    size_t before_size = netdoc_text_size(doc);
    char *before = malloc(before_size + 1);
    if (!before)
        abort();
    memcpy(before, netdoc_text(doc), before_size + 1);
    int rows = netdoc_row_count(doc);
    int r = rows ? (int)(ops_byte(src) % (unsigned)(rows + 1)) : 0;
    if (r == rows && rows && ops_byte(src) % 4)
        r = rows - 1;
    unsigned op = ops_byte(src) % 12, b = ops_byte(src), c = ops_byte(src);
    char old_line[1100] = "", key[64] = "k";
    int single = 0; /* the edit rewrites row r's words only */
    bool ok = false;
    if (r < rows)
        snprintf(old_line, sizeof old_line, "%s", netdoc_row_line(doc, r));
    LayerKind kind = (LayerKind)(b % LAYER_KIND_COUNT);
    if (op == 4 || op == 5 || op == 6) {
        LayerKind k;
        bool known = r < rows && netdoc_row_kind(doc, r, &k);
        const char *keys = known ? netdoc_kind_keys(k) : "c h w";
        if (c % 5 == 0 || !ops_list_word(keys, c / 5, key, sizeof key))
            snprintf(key, sizeof key, "%s", ops_keys[c % OPS_N(ops_keys)]);
    }
    switch (op) {
    case 0:
        snprintf(desc, desc_size, "insert %s %s row %d", layer_kind_name(kind),
                 c & 1 ? "below" : "above", r);
        ok = netdoc_insert(doc, r, c & 1, kind);
        break;
    case 1: {
        const char *l = ops_lines[c % OPS_N(ops_lines)];
        snprintf(desc, desc_size, "insert line '%s' %s row %d", l, b & 1 ? "below" : "above", r);
        ok = netdoc_insert_line(doc, r, b & 1, l);
        break;
    }
    case 2:
        snprintf(desc, desc_size, "delete row %d", r);
        ok = netdoc_delete(doc, r);
        break;
    case 3:
        snprintf(desc, desc_size, "move row %d %s", r, b & 1 ? "down" : "up");
        ok = netdoc_move(doc, r, b & 1 ? 1 : -1);
        break;
    case 4: {
        const char *v = ops_values[b % OPS_N(ops_values)];
        snprintf(desc, desc_size, "set row %d %s=%s", r, key, v);
        ok = netdoc_set_key(doc, r, key, v);
        single = 1;
        break;
    }
    case 5:
        snprintf(desc, desc_size, "clear row %d %s", r, key);
        ok = netdoc_set_key(doc, r, key, NULL);
        single = 1;
        break;
    case 6: {
        int v[4] = {(int)(b % 4), (int)(b / 4 % 4), (int)(c % 3), (int)(c / 3 % 3)};
        int n = 1 + (int)(c / 9 % 4);
        snprintf(desc, desc_size, "set row %d %s to %d ints %d,%d,%d,%d", r, key, n, v[0], v[1],
                 v[2], v[3]);
        ok = netdoc_set_key_ints(doc, r, key, v, n);
        single = 1;
        break;
    }
    case 7:
        snprintf(desc, desc_size, "row %d becomes %s", r, layer_kind_name(kind));
        ok = netdoc_set_kind(doc, r, kind);
        single = 1;
        break;
    case 8: {
        const char *l = ops_lines[c % OPS_N(ops_lines)];
        snprintf(desc, desc_size, "row %d text '%s'", r, l);
        ok = netdoc_set_row_text(doc, r, l);
        single = strchr(l, '#') ? 2 : 1;
        break;
    }
    case 9:
    case 10:
        snprintf(desc, desc_size, "undo");
        ok = netdoc_undo(doc);
        break;
    default:
        snprintf(desc, desc_size, "redo");
        ok = netdoc_redo(doc);
        break;
    }
    int good = 1;
    if (!ok && strcmp(before, netdoc_text(doc)) != 0) {
        snprintf(why, why_size, "a refused edit changed the text");
        good = 0;
    } else if (!ok && netdoc_why(doc)[0] == '\0') {
        snprintf(why, why_size, "a refused edit gave no reason");
        good = 0;
    } else if (ok && netdoc_why(doc)[0] != '\0') {
        snprintf(why, why_size, "an accepted edit left a reason: %s", netdoc_why(doc));
        good = 0;
    } else if (ok && op < 9 && !ops_shape_comments_current(doc, why, why_size)) {
        good = 0;
    } else if (ok && single && r < rows) {
        /* only row r's line changed, and it kept its comment; shape comments (the editor's)
         * masked on every line */
        char *mb = ops_mask(before), *ma = ops_mask(netdoc_text(doc));
        char *ml_old = ops_mask(old_line), *ml_now = ops_mask(netdoc_row_line(doc, r));
        size_t lb = strlen(ml_old), ln = strlen(ml_now);
        if (netdoc_row_count(doc) != rows) {
            snprintf(why, why_size, "a row edit changed the number of rows");
            good = 0;
        } else if (strlen(ma) + lb != strlen(mb) + ln) {
            snprintf(why, why_size, "a row edit changed more than its line");
            good = 0;
        } else if (single == 1 && strcmp(ops_comment(ml_old), ops_comment(ml_now)) != 0) {
            snprintf(why, why_size, "the comment changed: '%s' -> '%s'", old_line,
                     netdoc_row_line(doc, r));
            good = 0;
        } else {
            /* the text before and after the line is the same bytes */
            size_t at = 0;
            for (int i = 0; i < netdoc_row(doc, r)->line - 1; i++)
                at += strcspn(ma + at, "\n") + 1;
            if (strncmp(mb, ma, at) != 0 || strcmp(mb + at + lb, ma + at + ln) != 0) {
                snprintf(why, why_size, "a row edit changed other lines");
                good = 0;
            }
        }
        free(mb);
        free(ma);
        free(ml_old);
        free(ml_now);
    }
    free(before);
    return good;
}

/* Two rows' analyses equal (error messages compared as text). */
static int ops_rows_equal(const NetRowInfo *a, const NetRowInfo *b)
{
    return a->line == b->line && a->is_input == b->is_input && a->state == b->state &&
           a->layer == b->layer && strcmp(a->error, b->error) == 0 &&
           memcmp(&a->in, &b->in, sizeof a->in) == 0 &&
           memcmp(&a->out, &b->out, sizeof a->out) == 0 && a->params == b->params &&
           strcmp(a->formula, b->formula) == 0 && a->macs == b->macs &&
           a->flops_fwd == b->flops_fwd && a->flops_bwd == b->flops_bwd &&
           a->flops_train == b->flops_train && a->param_bytes == b->param_bytes &&
           a->act_bytes == b->act_bytes && a->rf_h == b->rf_h && a->rf_w == b->rf_w &&
           a->rf_whole == b->rf_whole && a->jump_h.num == b->jump_h.num &&
           a->jump_h.den == b->jump_h.den && a->jump_w.num == b->jump_w.num &&
           a->jump_w.den == b->jump_w.den;
}

/* The invariants of one state (see the top); 0 with why when one breaks. */
static int ops_check(const NetDoc *doc, char *why, size_t why_size)
{
    const char *text = netdoc_text(doc);
    if (netdoc_text_size(doc) > NET_MAX_TEXT || strlen(text) != netdoc_text_size(doc)) {
        snprintf(why, why_size, "text size %zu", netdoc_text_size(doc));
        return 0;
    }
    char err[512] = "";
    NetDoc *fresh = netdoc_create(text, netdoc_name(doc), err, sizeof err);
    NetSpec *sp = malloc(sizeof *sp);
    if (!fresh || !sp)
        abort();
    int good = 1;
    bool valid = net_parse(sp, text, netdoc_name(doc), err, sizeof err);
    if (valid != netdoc_valid(doc) || strcmp(valid ? "" : err, netdoc_error(doc)) != 0) {
        snprintf(why, why_size, "parser says %s '%s', the doc %s '%s'", valid ? "valid" : "no", err,
                 netdoc_valid(doc) ? "valid" : "no", netdoc_error(doc));
        good = 0;
    } else if (netdoc_row_count(fresh) != netdoc_row_count(doc) ||
               netdoc_valid(fresh) != netdoc_valid(doc) ||
               memcmp(netdoc_totals(fresh), netdoc_totals(doc), sizeof(NetDocTotals)) != 0) {
        snprintf(why, why_size, "a fresh doc of the same text analyses differently (totals)");
        good = 0;
    }
    for (int r = 0; good && r < netdoc_row_count(doc); r++) {
        const NetRowInfo *a = netdoc_row(doc, r);
        if (!ops_rows_equal(a, netdoc_row(fresh, r))) {
            snprintf(why, why_size, "row %d analyses differently in a fresh doc", r);
            good = 0;
        } else if (valid && a->state != NETROW_OK) {
            snprintf(why, why_size, "row %d is not OK in a valid net", r);
            good = 0;
        } else if (valid && !a->is_input &&
                   (a->layer < 0 || memcmp(&sp->layers[a->layer].out, &a->out, sizeof a->out))) {
            snprintf(why, why_size, "row %d's shape is not the parser's", r);
            good = 0;
        } else if (a->state == NETROW_ERROR && !strstr(netdoc_error(doc), a->error)) {
            snprintf(why, why_size, "row %d's message is not the parser's", r);
            good = 0;
        } else if (a->state == NETROW_OK && !valid && netdoc_error_line(doc) &&
                   a->line > netdoc_error_line(doc)) {
            snprintf(why, why_size, "row %d below the error is evaluated", r);
            good = 0;
        }
    }
    if (good && valid && sp->n_layers + 1 != netdoc_row_count(doc)) {
        snprintf(why, why_size, "%d layers but %d rows", sp->n_layers, netdoc_row_count(doc));
        good = 0;
    }
    if (good && netdoc_last_valid_text(doc) &&
        !net_parse(sp, netdoc_last_valid_text(doc), "last", err, sizeof err)) {
        snprintf(why, why_size, "the last valid text does not parse: %s", err);
        good = 0;
    }
    free(sp);
    netdoc_destroy(fresh);
    return good;
}

#endif
