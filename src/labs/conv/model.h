/* labs/conv/model.h - the Convolution lab's scene without any drawing: the input (the notes'
 * examples, a digit, an editable matrix, a canvas, a picture, the 1-D signal), the kernel and
 * its geometry, every output cell asked of the engine (conv_cell) as the sweep shows it, how
 * often each input cell is visited, and the text the lab writes: the equation of an output
 * cell, the size formulas, the grids' titles and what a hover says.
 * Depends on: engine (conv, sweep, kernels, idx). */
#ifndef CONVSCOPE_LAB_CONV_MODEL_H
#define CONVSCOPE_LAB_CONV_MODEL_H

#include "engine/conv.h"
#include "engine/idx.h"
#include "engine/kernels.h"
#include "engine/sweep.h"

#include <stdbool.h>
#include <stddef.h>

#define CONVLAB_MAX_IN  32                                   /* input side (the digit is 28) */
#define CONVLAB_MAX_K   KERNELS_MAX_SIDE                     /* kernel side */
#define CONVLAB_MAX_OUT (CONVLAB_MAX_IN + 2 * CONVLAB_MAX_K) /* stride 1, kernel 1, pad k */

typedef enum ConvSource {
    CONV_SRC_GRID3,    /* the notes' 3x3 input 0..8 */
    CONV_SRC_NINETIES, /* the notes' 10x10 image of 90s */
    CONV_SRC_DIGIT,    /* a bundled MNIST digit */
    CONV_SRC_MATRIX,   /* a small matrix the user edits */
    CONV_SRC_CANVAS,   /* a 28x28 canvas to draw on */
    CONV_SRC_FILE,     /* a picture from a file, made MNIST-like */
    CONV_SRC_SIGNAL,   /* the 1-D signal S1..S8 */
    CONV_SRC_COUNT
} ConvSource;

typedef enum ConvHoverKind {
    CONV_HOVER_NONE,
    CONV_HOVER_INPUT,
    CONV_HOVER_KERNEL,
    CONV_HOVER_OUTPUT
} ConvHoverKind;

/* A cell the mouse (or the hover= option) points at: (r, c) in the input, kernel or output. */
typedef struct ConvHover {
    ConvHoverKind kind;
    int r, c;
} ConvHover;

typedef struct ConvScene {
    ConvSource src;
    int h, w;
    float x[CONVLAB_MAX_IN * CONVLAB_MAX_IN]; /* (H, W) the input in use */
    int msize;
    float matrix[CONVLAB_MAX_IN * CONVLAB_MAX_IN]; /* (msize, msize) the editable matrix */
    int csize;
    float canvas[CONVLAB_MAX_IN * CONVLAB_MAX_IN]; /* (csize, csize) the drawing */
    float file_img[28 * 28];                       /* (28, 28) the picture, MNIST-like */
    char file_name[256];
    bool have_file;
    const Dataset *digits; /* borrowed; NULL when the bundled digits could not be read */
    int digit_index, digit_class;

    int kh, kw, sh, sw, pt, pb, pl, pr, dh, dw;
    bool pad_sides; /* per-side padding fields instead of one */
    float bias;
    int preset;                             /* KernelsPreset, or -1 when edited by hand */
    float k[CONVLAB_MAX_K * CONVLAB_MAX_K]; /* (KH, KW) */

    bool coverage;   /* the input grid shows visits per cell instead of values */
    ConvHover force; /* a hover forced by the hover= option (headless renders, lessons) */

    /* derived by convscene_rebuild when dirty */
    bool dirty;
    Sweep sweep;
    char why[512];                                /* why there is no output, when invalid */
    float out[CONVLAB_MAX_OUT * CONVLAB_MAX_OUT]; /* (OH, OW) each cell from conv_cell */
    int cov[CONVLAB_MAX_IN * CONVLAB_MAX_IN];     /* (H, W) windows visiting each cell */
    float covf[CONVLAB_MAX_IN * CONVLAB_MAX_IN];  /* cov as floats, for the grid */
} ConvScene;

/* The grids' title lines: input (title, shape and a padding note), kernel (shape and a
 * dilation note) and output (shape, "" when there is none). */
typedef struct ConvTitles {
    char in_title[64], in_shape[128], in_note[64];
    char k_shape[32], k_note[48];
    char out_shape[32];
} ConvTitles;

/* The default scene: the notes' 10x10 image of 90s under the 3x3 box filter, a 6x6 matrix
 * with a vertical edge, a blank 28x28 canvas; digits (may be NULL) is borrowed. Call
 * convscene_rebuild after. */
void convscene_init(ConvScene *sc, const Dataset *digits);
/* Recomputes the sweep, every output cell and the coverage from the settings (clamped). */
void convscene_rebuild(ConvScene *sc);

/* The source an option names ("grid3", "nineties", "digit", "matrix", "canvas", "file",
 * "signal"); false if none. */
bool convscene_source_find(const char *name, ConvSource *src);
/* Makes src the input; the notes' examples bring their kernel, stride and padding along. */
void convscene_choose_source(ConvScene *sc, ConvSource src);
/* The preset's kernel (identity and box at the current size). */
void convscene_set_preset(ConvScene *sc, KernelsPreset p);
/* Keeps kernel, stride, dilation and padding in their ranges (a 1-D signal: one row, no
 * padding above or below). */
void convscene_clamp(ConvScene *sc);
/* After the kernel size changed from old_kh x old_kw: identity and box are rebuilt at the
 * new size; any other kernel keeps the values that still fit (top-left aligned), zeros
 * elsewhere, and becomes "custom". */
void convscene_resize_kernel(ConvScene *sc, int old_kh, int old_kw);
/* Weight i (ky*KW + kx) set to v by hand: the kernel becomes "custom". */
void convscene_set_weight(ConvScene *sc, int i, float v);
/* A value dragged by the mouse: from, notches steps of 0.1 up (negative: down), rounded to
 * one decimal. */
float convscene_drag_value(float from, int notches);
/* Draws on the canvas around (row, col): ink 1 at the cell, 0.5 around it (never darkening);
 * erase clears the cell itself. */
void convscene_paint(ConvScene *sc, int row, int col, bool erase);
/* Blanks the canvas. */
void convscene_clear_canvas(ConvScene *sc);
/* A picture img (28, 28) in [0, 1] becomes the input; name is its file's name. */
void convscene_set_file(ConvScene *sc, const float *img, const char *name);

/* Parses the weights= option: KH*KW comma-separated values, row by row, into the kernel
 * (which becomes "custom"); false with a message naming the count wanted. */
bool convscene_parse_weights(ConvScene *sc, const char *value, char *err, size_t err_size);
/* Parses the hover= option: "in:R,C", "out:R,C", "kernel:R,C" or "none"; false with a
 * message (and h unchanged) otherwise. */
bool convscene_parse_hover(const char *value, ConvHover *h, char *err, size_t err_size);

/* The output cell computed at timeline position pos (pos steps taken): cell pos-1 of the
 * sweep; false (and -1, -1) at position 0, before the first window, or without output. */
bool convscene_current(const ConvScene *sc, int pos, int *oy, int *ox);
/* h, or no hover when its cell lies outside the grid it names (or there is no output). */
ConvHover convscene_hover_check(const ConvScene *sc, ConvHover h);
/* The output cells input (r, c) feeds, in (oy, ox) order, up to max in uses; returns how many
 * there are (the visits of that cell). */
int convscene_input_uses(const ConvScene *sc, int r, int c, ConvInputUse *uses, int max);
/* What a hover says: the input cell's value and the windows visiting it, the output cell's
 * value, or the weight and how to change it; "" for no hover. */
void convscene_hover_text(const ConvScene *sc, ConvHover h, char *out, size_t cap);

/* The output cell's name: "out[1,3]", or "O4" in 1-D. */
void convscene_out_name(const ConvScene *sc, int oy, int ox, char *out, size_t cap);
/* The equation of output (oy, ox) with its numbers, folded into lines of at most width
 * characters and max_lines lines ("0×0 + 1×1 + 3×2 + 4×3 + b 0 = 19"); returns the lines. */
int convscene_equation(const ConvScene *sc, int oy, int ox, int width, int max_lines, char *out,
                       size_t cap);
/* The size formulas filled in: "rows     OH = ⌊(…)/1⌋ + 1 = 8" and "columns OW = …" (in
 * 1-D "length OW = …"). */
void convscene_rows_line(const ConvScene *sc, char *out, size_t cap);
void convscene_cols_line(const ConvScene *sc, char *out, size_t cap);
/* "64 windows; parameters 3·3 + 1 = 10 (weights + bias)". */
void convscene_windows_line(const ConvScene *sc, char *out, size_t cap);
/* 1-D: "shared weights:  S1·W1 + S2·W2 + S3·W3 = O1" for output ox. */
void convscene_shared_weights_line(const ConvScene *sc, int ox, char *out, size_t cap);
/* The grids' titles for the scene as it is (the view may move the padding note up). */
void convscene_titles(const ConvScene *sc, ConvTitles *t);

#endif
