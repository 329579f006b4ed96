/* labs/matrix/model.h - the Matrix lab's scene without any drawing: the small input and kernel,
 * the conv geometry, the sparse matrix M (engine/convmat) and the matrix as shown, everything a
 * timeline position shows (which row of M, the partial outputs, the written-out equation), and
 * the lab's options. Depends on: engine.
 *
 * Three modes:
 *   conv        y = M · unroll(x): one step per row of M (one output cell).
 *   transposed  out = Mᵀ · unroll(x) = deconv_forward(x): one step per input cell, which
 *               stamps x·kernel into the output (a column of Mᵀ); overlaps sum.
 *   flip        cross-correlation (conv_forward with K) beside true convolution
 *               (conv_forward with the flipped K), one step per output cell. */
#ifndef CONVSCOPE_LAB_MATRIX_MODEL_H
#define CONVSCOPE_LAB_MATRIX_MODEL_H

#include "engine/conv.h"
#include "engine/convmat.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MATLAB_MAX_IN    4 /* input side (conv, flip: 3-4; transposed: 2-3) */
#define MATLAB_MAX_K     3 /* kernel side 2-3 */
#define MATLAB_MAX_OUT   8 /* output side: transposed 3 -> (3-1)*2 + 3 + 1 = 8 */
#define MATLAB_MAX_CELLS (MATLAB_MAX_OUT * MATLAB_MAX_OUT)

typedef enum MatMode { MATMODE_CONV, MATMODE_TRANSPOSED, MATMODE_FLIP, MATMODE_COUNT } MatMode;

typedef enum MatPreset {
    MATPRESET_COUNT_UP, /* x = 0, 1, 2, ...; kernel 0, 1, 2, ...: the notes' 19 25 37 43 */
    MATPRESET_EDGE,     /* a vertical step edge and a Sobel-like kernel */
    MATPRESET_RANDOM,   /* seeded small integers -3..3 */
    MATPRESET_COUNT
} MatPreset;

typedef struct MatScene {
    MatMode mode;
    MatPreset preset;
    int n;      /* input side */
    int k;      /* kernel side */
    int stride; /* both axes */
    int pad;    /* every side */
    int outpad; /* transposed only, < stride */

    float x[MATLAB_MAX_IN * MATLAB_MAX_IN];   /* (n, n) the input (transposed: the deconv's) */
    float w[MATLAB_MAX_K * MATLAB_MAX_K];     /* (k, k) the kernel */
    float wflip[MATLAB_MAX_K * MATLAB_MAX_K]; /* (k, k) the kernel turned 180 degrees */

    /* The conv geometry whose matrix M is built. conv, flip: input n x n -> output.
     * transposed: the conv from the deconv's output back to its n x n input, so that the
     * deconv is Mᵀ (convmat_geom_of_deconv). */
    ConvGeom g;
    ConvGeom gd; /* transposed only: the deconv geometry (input n x n, output gd.oh x gd.ow) */
    ConvMat m;

    /* The engine's full results. conv, flip: y = conv_forward(x, w) (g.oh, g.ow);
     * transposed: y = deconv_forward(x, w) (gd.oh, gd.ow). */
    float y[MATLAB_MAX_CELLS];
    float ym[MATLAB_MAX_CELLS];    /* M·unroll(x) (conv, flip) or Mᵀ·unroll(x) (transposed) */
    float yflip[MATLAB_MAX_CELLS]; /* flip: conv_forward(x, wflip) = true convolution */
    float max_diff;                /* max |ym - y|: 0 shows the matrix IS the operation */
    int out_h, out_w;              /* the shown output's size */
} MatScene;

/* The default scene: conv mode, count-up preset, 3x3 input, 2x2 kernel, stride 1, pad 0
 * (the notes' 4x9 matrix). Call matscene_rebuild after. */
void matscene_init(MatScene *s);
void matscene_free(MatScene *s);

/* Refills x and w from the preset at the current n and k (deterministic). */
void matscene_fill_preset(MatScene *s);
/* Clamps the settings to what the mode allows (n, k, stride, pad, outpad). */
void matscene_clamp(MatScene *s);
/* Recomputes the geometry, M and every engine result from the settings and x, w. false with a
 * message when the geometry has no output (the scene keeps its previous matrix then). */
bool matscene_rebuild(MatScene *s, char *err, size_t err_size);

/* Applies the option key=value to the settings: mode, preset (a mode's name works too), n (size,
 * input), k (kernel), stride, pad (padding), outpad (output_padding; transposed mode, below the
 * stride). *refill is set when the values must come fresh from the preset (sizes or values
 * changed). false with `matrix: ...` in err for an unknown key or a value out of range; the
 * settings are unchanged then. Call matscene_rebuild after. */
bool matscene_set_option(MatScene *s, const char *key, const char *value, bool *refill, char *err,
                         size_t err_size);

/* Timeline steps: rows of M (conv), input cells (transposed), output cells (flip). */
int matscene_steps(const MatScene *s);

/* The output as it stands after pos steps (0..steps): out (out_h, out_w) and shown (1 where a
 * value exists). conv/flip: the first pos output cells from the engine (conv_cell);
 * transposed: Mᵀ·x over the first pos input cells (convmat_apply_transposed_partial), every
 * cell shown. flip writes the cross-correlation into out and the true convolution into out2
 * (may be NULL). */
void matscene_output_at(const MatScene *s, int pos, float *out, uint8_t *shown, float *out2);

/* The step a timeline position highlights: pos-1, or -1 at pos 0. */
int matscene_current(const MatScene *s, int pos);

/* The equation of step i (0..steps-1), written out with the actual numbers, one line:
 *   conv:       "y₁₁ = 4×0 + 5×1 + 7×2 + 8×3 = 43" (input × kernel, the non-zeros of row 3 of M)
 *   transposed: "x₁₀ = 2 stamps 2×kernel into out rows 0–1, cols 2–3"
 *   flip:       the cross-correlation line; matscene_flip_equation gives the other.
 * Returns out. */
const char *matscene_equation(const MatScene *s, int i, char *out, size_t out_size);
/* flip mode, output cell i: the true convolution by definition,
 * "Σ I(i−m, j−n)·K(m,n) = 4×0 + 3×1 + 1×2 + 0×3 = 5". */
const char *matscene_flip_equation(const MatScene *s, int i, char *out, size_t out_size);

/* flip mode, band 0 (cross-correlation) or 1 (true convolution): the equation line of output
 * cell i once computed (matscene_equation / matscene_flip_equation), "... not yet computed (step
 * i+1)" before, and for i = -1 which cell of the window K(0,0) meets. Returns out. */
const char *matscene_band_equation(const MatScene *s, int band, int i, bool computed, char *out,
                                   size_t out_size);

/* Names for options and buttons. */
const char *matscene_mode_name(MatMode m);     /* "conv", "transposed", "flip" */
const char *matscene_mode_label(MatMode m);    /* "Conv as matrix", ... */
const char *const *matscene_mode_labels(void); /* every mode's label, in MatMode order */
bool matscene_mode_find(const char *name, MatMode *m);
const char *matscene_preset_name(MatPreset p); /* "count", "edge", "random" */
bool matscene_preset_find(const char *name, MatPreset *p);

/* Allowed ranges of the settings in the current mode. */
void matscene_range_n(const MatScene *s, int *lo, int *hi);
void matscene_range_stride(const MatScene *s, int *lo, int *hi);

/* The matrix as the lab shows it, A · v = u: conv and flip show M (v = unroll(x), u = y);
 * transposed shows Mᵀ (v = unroll(x) of the deconv, u = its output). */
#define MATLAB_MAX_DISPLAY (MATLAB_MAX_CELLS * MATLAB_MAX_IN * MATLAB_MAX_IN) /* 64 x 16 */
typedef struct MatDisplay {
    int drows, dcols;
    float dense[MATLAB_MAX_DISPLAY]; /* (drows, dcols) */
    uint8_t nz[MATLAB_MAX_DISPLAY];  /* (drows, dcols) 1 where the matrix has a kernel tap */
    int dtap[MATLAB_MAX_DISPLAY];    /* (drows, dcols) ky*k + kx of the tap, -1 for zeros */
    /* A tall Mᵀ is drawn turned (as M, x as a column, out as a row below: outᵀ = xᵀ·M) so its
     * cells stay readable; sdense/snz hold the picture in screen order. */
    bool swap;
    float sdense[MATLAB_MAX_DISPLAY];
    uint8_t snz[MATLAB_MAX_DISPLAY];
} MatDisplay;

/* Fills d from the scene's matrix (after matscene_rebuild): M, or Mᵀ in transposed mode, turned
 * when it has more than 12 rows. */
void matscene_display(const MatScene *s, MatDisplay *d);

/* Writes a subscript index like "₁₀" (row, col) into out. */
const char *matscene_subscript(int a, int b, char *out, size_t out_size);

#endif
