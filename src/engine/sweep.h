/* sweep.h - the pure model behind the convolution and pooling sweeps: which window a timeline
 * step shows, the filled-in output-size formula of each axis, the rows and columns a window
 * never reaches, why a combination is impossible, how often each input cell is visited, and
 * the equation of one output cell written with its actual numbers, folded into lines.
 * Depends on: engine (conv.h, pool.h), libc. No SDL: everything here is tested as plain data;
 * it lives in the engine so that the labs' models (which see the engine only) build on it.
 *
 * The numbers come from the engine: a sweep asks conv_cell / pool_cell / conv_dx_cell for one
 * position and only formats what they return. Equations multiply input × weight, in the
 * order of the notes: (0 × 0) + (1 × 1) + (3 × 2) + (4 × 3) = 19. Strings are UTF-8 and use
 * the true minus sign (−), × and ·; widths count characters (code points), not bytes. */
#ifndef CONVSCOPE_SWEEP_H
#define CONVSCOPE_SWEEP_H

#include "engine/conv.h"
#include "engine/pool.h"

#include <stdbool.h>
#include <stddef.h>

/* The largest input side a sweep describes (the labs allow 32; digits are 28). */
#define SWEEP_MAX_SIDE 64
/* The most terms one output cell can have in the labs: 3 planes of an 11x11 kernel. */
#define SWEEP_MAX_TERMS (3 * 11 * 11)

/* One axis (rows or columns) of a convolution or pooling sweep. */
typedef struct SweepAxis {
    int in;             /* input cells along the axis */
    int pad_lo, pad_hi; /* zero padding before and after */
    int k, stride, dil; /* kernel (or window) size, stride >= 1, dilation >= 1 */
    int span;           /* dil*(k-1) + 1: how many cells one window covers */
    int padded;         /* in + pad_lo + pad_hi */
    int numer;          /* in + pad_lo + pad_hi - dil*(k-1) - 1: the formula's numerator */
    int out;            /* floor(numer / stride) + 1, exactly as the formula says (<= 0: none) */
    int leftover;       /* numer mod stride when out > 0: padded cells past the last window */
    int n_unreached;    /* real input cells (0..in-1) that no window touches */
    int unreached[SWEEP_MAX_SIDE];
} SweepAxis;

/* Fills a from the sizes; in 1..SWEEP_MAX_SIDE, k >= 1, stride >= 1, dil >= 1, pads >= 0. */
void sweep_axis_init(SweepAxis *a, int in, int pad_lo, int pad_hi, int k, int stride, int dil);

/* The output-size formula with this axis' numbers, e.g. for the notes' 3x3 input and 2x2
 * kernel "⌊(3 + 0 + 0 − 1·(2−1) − 1)/1⌋ + 1 = 2". Returns the length written. */
int sweep_axis_formula(const SweepAxis *a, char *out, size_t cap);

/* The pooling form of the formula (no padding, no dilation): "⌊(4 − 2)/2⌋ + 1 = 2". */
int sweep_axis_pool_formula(const SweepAxis *a, char *out, size_t cap);

/* What the stride leaves out along this axis, for a caption: empty ("") when the stride
 * divides evenly and every input cell is reached; otherwise which cells are never reached
 * (0-based; "row"/"column" from the noun) and why. Returns the length written. */
int sweep_axis_unreached_text(const SweepAxis *a, const char *noun, const char *nouns, char *out,
                              size_t cap);

/* True when both axes have at least one window. Otherwise false, and why holds a sentence
 * that explains the combination in the user's terms, with the numbers (the kernel or window,
 * named by what, spans more cells than the padded input has) and what to change. */
bool sweep_explain(const SweepAxis *rows, const SweepAxis *cols, const char *what, char *why,
                   size_t cap);

/* A convolution sweep over ONE example: geometry plus its axes. Steps run over the output
 * cells in (o, oy, ox) order; step i is the i-th window, and cells 0..i are filled in. */
typedef struct Sweep {
    ConvGeom g;           /* n = 1; oh, ow filled when valid */
    SweepAxis rows, cols; /* the H and W axes */
    bool valid;           /* at least one window fits */
    int steps;            /* o * oh * ow, 0 when not valid */
} Sweep;

/* Sets up a sweep from g (n is forced to 1). Returns s->valid; when false, why explains. */
bool sweep_init(Sweep *s, const ConvGeom *g, char *why, size_t cap);
/* The output cell of step (0 <= step < s->steps). */
void sweep_step_cell(const Sweep *s, int step, int *o, int *oy, int *ox);
/* The step that computes output cell (o, oy, ox). */
int sweep_cell_step(const Sweep *s, int o, int oy, int ox);
/* The window of output (oy, ox) in input coordinates: its top-left (iy0, ix0), which may lie
 * in the padding (negative), and its extent (span rows, span cols). Tap (ky, kx) sits at
 * (iy0 + ky*DH, ix0 + kx*DW). */
void sweep_window(const Sweep *s, int oy, int ox, int *iy0, int *ix0, int *rows, int *cols);

/* count (H, W): how many windows visit each input cell of plane 0 (summed over output
 * channels), as conv_dx_cell counts its uses. This is the coverage the notes ask you to
 * count at the edges, and padding raises it. */
void sweep_coverage(const Sweep *s, const float *w, int *count);

/* The part of out[o][oy][ox] that input plane c contributes: sum of x*w over that plane's
 * window, computed by the engine on the plane alone (no bias). terms as in conv_cell.
 * x (C, H, W), w (O, C, KH, KW). */
float sweep_plane_partial(const Sweep *s, const float *x, const float *w, int o, int c, int oy,
                          int ox, ConvTerm *terms, int max_terms, int *n_terms);

/* A number as the labs print it: integers without decimals ("19"), others with up to three
 * decimals and no trailing zeros ("0.111"), a true minus sign ("−2"). Returns the length. */
int sweep_format_value(float v, char *out, size_t cap);

/* The equation of one output cell: "0×0 + 1×1 + 3×2 + 4×3 + b 0 = 19" (input × weight for
 * every term, padding cells as 0), without the bias part when with_bias is false. Folded at
 * spaces into lines of at most width characters, joined by '\n', continuation lines starting
 * with "+ "; when more than max_lines lines would be needed, middle terms become "+ …".
 * Returns the number of lines. */
int sweep_format_equation(const ConvTerm *terms, int n_terms, bool with_bias, float bias,
                          float value, int width, int max_lines, char *out, size_t cap);

/* A plain sum of parts, folded like an equation: "3 + −2 + 5 + b 1 = 7" (the per-plane
 * partial sums plus the bias). label, when not NULL, opens the first line ("total: "). */
int sweep_format_sum(const char *label, const float *parts, int n, bool with_bias, float bias,
                     float value, int width, int max_lines, char *out, size_t cap);

/* The arithmetic of one pooling cell over its window values vals[n] (row-major):
 * max "max(3, 2, 0, 7) = 7", average "(3 + 2 + 0 + 7)/4 = 3", L2 "√(3² + 2² + 0² + 7²) = 7.874",
 * folded like an equation. Returns the number of lines. */
int sweep_format_pool(PoolKind kind, const float *vals, int n, float value, int width,
                      int max_lines, char *out, size_t cap);

/* The symbolic 1-D form of output ox (0-based) of a 1-row sweep, the notes' notation with
 * 1-based names: "S1·W1 + S2·W2 + S3·W3 = O1"; a padding sample is written 0. */
int sweep_format_symbolic_1d(const Sweep *s, int ox, char *out, size_t cap);

/* Characters (code points) in a UTF-8 string. */
int sweep_text_width(const char *s);

#endif
