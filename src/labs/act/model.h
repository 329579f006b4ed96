/* labs/act/model.h - the Activations lab's scene without any drawing: each activation and its
 * derivative sampled for the plot, the value and slope at the probe, the feature map of a digit
 * before and after the activation, and the vanishing gradient through k stacked copies of it;
 * the scene's options, and its numbers written out for the view.
 * Depends on: engine (act, conv). Every number comes from act_value / act_deriv /
 * act_forward / conv_forward. */
#ifndef CONVSCOPE_LAB_ACT_MODEL_H
#define CONVSCOPE_LAB_ACT_MODEL_H

#include "engine/act.h"

#include <stdbool.h>
#include <stddef.h>

#define ACTLAB_X_LO        (-4.0f)
#define ACTLAB_X_HI        4.0f
#define ACTLAB_SAMPLES     321 /* every 0.025 over [-4, 4] */
#define ACTLAB_PROBE_STEPS 80  /* the timeline sweeps the probe in 0.1 steps: 81 positions */
#define ACTLAB_MAX_K       10
#define ACTLAB_KINDS       6
#define ACTLAB_MAP         28 /* the digit and its feature maps are 28x28 */

typedef struct ActScene {
    ActKind kind;
    float alpha; /* leaky slope for x < 0 */
    float beta;  /* softplus sharpness (the notes' k) */
    float probe; /* x of the probe, in [ACTLAB_X_LO, ACTLAB_X_HI] */
    int k;       /* stacked layers shown, 1..ACTLAB_MAX_K */

    float xs[ACTLAB_SAMPLES]; /* sample positions */
    float fy[ACTLAB_SAMPLES]; /* act_value at xs */
    float dy[ACTLAB_SAMPLES]; /* act_deriv at xs */
    float probe_value, probe_deriv;

    /* Vanishing gradient through j stacked copies of the selected f: bound[j-1] = m^j with
     * m = max f' (actscene_max_deriv: 0.25 for the sigmoid, 1 for tanh, relu, abs, softplus);
     * chain[j-1] = d/dx of f(f(...f(x))) at x = probe, the product f'(a_0) ... f'(a_{j-1})
     * with a_0 = probe, a_i = f(a_{i-1}); sig_bound[j-1] = 0.25^j, the sigmoid's, kept as
     * the reference every other function is compared with. */
    float ks[ACTLAB_MAX_K]; /* 1..10 as floats, the plot's x */
    float max_deriv;
    float bound[ACTLAB_MAX_K];
    float chain[ACTLAB_MAX_K];
    float sig_bound[ACTLAB_MAX_K];

    /* The feature map: digit (28, 28) in [0, 1], z = conv(digit, kernel 3x3, pad 1),
     * fz = f(z), dz = f'(z) (what backprop multiplies the incoming gradient by). */
    float digit[ACTLAB_MAP * ACTLAB_MAP];
    int digit_label; /* -1 unknown */
    int digit_index;
    float kernel[9]; /* (3, 3) */
    const char *kernel_name;
    float z[ACTLAB_MAP * ACTLAB_MAP];
    float fz[ACTLAB_MAP * ACTLAB_MAP];
    float dz[ACTLAB_MAP * ACTLAB_MAP];
    float z_min, z_max;
    int z_negative; /* cells with z < 0: what relu zeroes */
} ActScene;

/* Defaults: sigmoid, alpha 0.1, beta 1, probe 0, k 10, Sobel x kernel, a blank digit.
 * Call actscene_set_digit and actscene_rebuild after. */
void actscene_init(ActScene *s);
/* Copies a 28x28 digit (values in [0, 1]) and its label (-1 unknown). */
void actscene_set_digit(ActScene *s, const float *pixels /* (28, 28) */, int label, int index);
/* Sets the 3x3 kernel the feature map is computed with, and its name for the title. */
void actscene_set_kernel(ActScene *s, const float *w /* (3, 3) */, const char *name);
/* Recomputes every sample, the probe values, the stack and the feature maps. */
void actscene_rebuild(ActScene *s);
/* Only the probe values and the stack's chain (cheap; for dragging the probe). */
void actscene_update_probe(ActScene *s);

/* The largest slope f' reaches (its supremum for softplus, approached as x grows): sigmoid
 * 0.25, tanh 1, relu 1, leaky max(1, alpha), abs 1, softplus 1. */
float actscene_max_deriv(ActKind kind, float param);
/* The activation's parameter: alpha for leaky, beta for softplus, 0 otherwise. */
float actscene_param(const ActScene *s);
/* The probe position for timeline step pos (0..ACTLAB_PROBE_STEPS): -4 + 0.1*pos. */
float actscene_probe_at(int pos);
/* The nearest timeline step to probe x. */
int actscene_step_of(float x);
/* The plot's y range for the kind (fits f and f' over [-4, 4] with a margin). */
void actscene_y_range(ActKind kind, float *lo, float *hi);

/* Names: "relu", "leaky", "sigmoid", "tanh", "abs", "softplus"; labels "ReLU", ...;
 * formulas "max(0, x)" and their derivatives' "1 if x > 0, else 0". */
const char *actscene_kind_name(ActKind k);
const char *actscene_kind_label(ActKind k);
const char *actscene_formula(ActKind k);
const char *actscene_deriv_formula(ActKind k);
bool actscene_kind_find(const char *name, ActKind *k);
/* Every kind's label, in ActKind order (for a dropdown). */
const char *const *actscene_kind_labels(void);

/* Reads value as a number in lo..hi for option key; false with `activations: key=value is not
 * allowed (a number lo..hi)` in err. */
bool actscene_parse_number(const char *key, const char *value, float lo, float hi, float *out,
                           char *err, size_t err_size);
/* Applies the scene's option key=value: function (mode, act, preset) by name, probe (x), k
 * (1..ACTLAB_MAX_K), alpha (0..1), beta (0.25..10). false with `activations: ...` in err for a
 * bad value or any other key (the view takes digit and kernel itself); the scene is unchanged
 * then. Call actscene_rebuild after. */
bool actscene_set_option(ActScene *s, const char *key, const char *value, char *err,
                         size_t err_size);

/* ---- the numbers written out (U+2212 minus) ---------------------------------------------- */

/* 4 significant digits, plain for >= 0.01, else d.ddd e−n. */
const char *actscene_sig4(float v, char *out, size_t size);
/* v with 2 decimals (the probe snaps to 0.01), and with 4; never "−0.00". */
const char *actscene_fixed2(float v, char *out, size_t size);
const char *actscene_fixed4(float v, char *out, size_t size);
/* n as superscript digits ("¹⁰"). */
const char *actscene_superscript(int n, char *out, size_t size);
/* The stack's bound base, max f' written short ("0.25", "1"). */
const char *actscene_bound_base(const ActScene *s, char *out, size_t size);
/* The value and slope at the probe, "sigmoid(0.50) = 0.6225    sigmoid′(0.50) = 0.2350", or
 * brief: "sigmoid(0.50) = 0.6225   f′ = 0.2350". */
const char *actscene_probe_line(const ActScene *s, bool brief, char *out, size_t size);
/* The stack at k, "k = 10 sigmoid: ∂out/∂in ≤ 0.25¹⁰ = 9.537e−7;  from x: 3.875e−7", or brief
 * without the "k = 10 sigmoid: ∂out/∂in ≤ ". */
const char *actscene_stack_line(const ActScene *s, bool brief, char *out, size_t size);
/* Row j (0-based) of the stack's table: k, the bound and the chain from the probe,
 * "%2d  %-9s  %s". */
const char *actscene_stack_row(const ActScene *s, int j, char *out, size_t size);
/* Feature-map cell i (row-major in 28x28): its row and column, z, f(z) and f'(z), one a line. */
const char *actscene_cell_text(const ActScene *s, int i, char *out, size_t size);

#endif
