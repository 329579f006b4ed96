/* labs/act/model.c - see model.h.
 * Depends on: engine (act, conv). */
#include "labs/act/model.h"

#include "engine/conv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const kind_names[ACTLAB_KINDS] = {"relu", "leaky", "sigmoid",
                                                     "tanh", "abs",   "softplus"};
static const char *const kind_labels[ACTLAB_KINDS] = {"ReLU", "Leaky ReLU", "Sigmoid",
                                                      "tanh", "abs |x|",    "Softplus"};
static const char *const formulas[ACTLAB_KINDS] = {
    "f(x) = max(0, x)", "f(x) = max(x, α·x)", "f(x) = 1 / (1 + e⁻ˣ)",
    "f(x) = tanh x",    "f(x) = |x|",         "f(x) = ln(1 + e^(βx)) / β",
};
static const char *const deriv_formulas[ACTLAB_KINDS] = {
    "f′(x) = x > 0 ? 1 : 0", "f′(x) = x > 0 ? 1 : α", "f′(x) = f·(1 − f) ≤ 0.25",
    "f′(x) = 1 − tanh² x",   "f′(x) = sgn x",         "f′(x) = 1 / (1 + e^(−βx))",
};

const char *actscene_kind_name(ActKind k)
{
    return (int)k >= 0 && (int)k < ACTLAB_KINDS ? kind_names[k] : "?";
}

const char *actscene_kind_label(ActKind k)
{
    return (int)k >= 0 && (int)k < ACTLAB_KINDS ? kind_labels[k] : "?";
}

const char *actscene_formula(ActKind k)
{
    return (int)k >= 0 && (int)k < ACTLAB_KINDS ? formulas[k] : "";
}

const char *actscene_deriv_formula(ActKind k)
{
    return (int)k >= 0 && (int)k < ACTLAB_KINDS ? deriv_formulas[k] : "";
}

bool actscene_kind_find(const char *name, ActKind *k)
{
    for (int i = 0; i < ACTLAB_KINDS; i++)
        if (strcasecmp(name, kind_names[i]) == 0) {
            *k = (ActKind)i;
            return true;
        }
    if (strcasecmp(name, "leaky-relu") == 0 || strcasecmp(name, "leaky_relu") == 0) {
        *k = ACT_LEAKY;
        return true;
    }
    if (strcasecmp(name, "rectify") == 0 || strcasecmp(name, "rectification") == 0) {
        *k = ACT_ABS;
        return true;
    }
    return false;
}

const char *const *actscene_kind_labels(void)
{
    return kind_labels;
}

float actscene_param(const ActScene *s)
{
    if (s->kind == ACT_LEAKY)
        return s->alpha;
    if (s->kind == ACT_SOFTPLUS)
        return s->beta;
    return 0.0f;
}

float actscene_probe_at(int pos)
{
    if (pos < 0)
        pos = 0;
    if (pos > ACTLAB_PROBE_STEPS)
        pos = ACTLAB_PROBE_STEPS;
    return ACTLAB_X_LO + (ACTLAB_X_HI - ACTLAB_X_LO) * (float)pos / (float)ACTLAB_PROBE_STEPS;
}

int actscene_step_of(float x)
{
    float t = (x - ACTLAB_X_LO) / (ACTLAB_X_HI - ACTLAB_X_LO) * (float)ACTLAB_PROBE_STEPS;
    int pos = (int)lroundf(t);
    return pos < 0 ? 0 : pos > ACTLAB_PROBE_STEPS ? ACTLAB_PROBE_STEPS : pos;
}

void actscene_y_range(ActKind kind, float *lo, float *hi)
{
    switch (kind) {
    case ACT_SIGMOID:
        *lo = -0.25f;
        *hi = 1.25f;
        break;
    case ACT_TANH:
        *lo = -1.25f;
        *hi = 1.25f;
        break;
    case ACT_ABS:
        /* the derivative goes down to -1 */
        *lo = -1.5f;
        *hi = 4.5f;
        break;
    default:
        *lo = -1.0f;
        *hi = 4.5f;
        break;
    }
}

void actscene_init(ActScene *s)
{
    memset(s, 0, sizeof *s);
    s->kind = ACT_SIGMOID;
    s->alpha = 0.1f;
    s->beta = 1.0f;
    s->probe = 0.0f;
    s->k = ACTLAB_MAX_K;
    s->digit_label = -1;
    /* Sobel x: signed responses on the left and right edges of every stroke */
    static const float sobel_x[9] = {1, 0, -1, 2, 0, -2, 1, 0, -1};
    memcpy(s->kernel, sobel_x, sizeof s->kernel);
    s->kernel_name = "Sobel x";
    for (int i = 0; i < ACTLAB_SAMPLES; i++)
        s->xs[i] = ACTLAB_X_LO + (ACTLAB_X_HI - ACTLAB_X_LO) * (float)i / (ACTLAB_SAMPLES - 1);
    for (int j = 0; j < ACTLAB_MAX_K; j++)
        s->ks[j] = (float)(j + 1);
}

void actscene_set_digit(ActScene *s, const float *pixels, int label, int index)
{
    memcpy(s->digit, pixels, sizeof s->digit);
    s->digit_label = label;
    s->digit_index = index;
}

void actscene_set_kernel(ActScene *s, const float *w, const char *name)
{
    memcpy(s->kernel, w, sizeof s->kernel);
    s->kernel_name = name;
}

void actscene_update_probe(ActScene *s)
{
    float p = actscene_param(s);
    if (s->probe < ACTLAB_X_LO)
        s->probe = ACTLAB_X_LO;
    if (s->probe > ACTLAB_X_HI)
        s->probe = ACTLAB_X_HI;
    s->probe_value = act_value(s->kind, p, s->probe);
    s->probe_deriv = act_deriv(s->kind, p, s->probe);
    /* the chain rule through j stacked copies of f: each layer multiplies by its own slope,
     * taken where that layer's input lands; max f' is the best any of them can do */
    float a = s->probe, prod = 1.0f, best = 1.0f, sig = 1.0f;
    s->max_deriv = actscene_max_deriv(s->kind, p);
    float sig_top = actscene_max_deriv(ACT_SIGMOID, 0.0f);
    for (int j = 0; j < ACTLAB_MAX_K; j++) {
        prod *= act_deriv(s->kind, p, a);
        a = act_value(s->kind, p, a);
        best *= s->max_deriv;
        sig *= sig_top;
        s->chain[j] = prod;
        s->bound[j] = best;
        s->sig_bound[j] = sig;
    }
}

float actscene_max_deriv(ActKind kind, float param)
{
    switch (kind) {
    case ACT_SIGMOID:
    case ACT_TANH:
        /* both are steepest at 0: s'(0) = 1/4, tanh'(0) = 1 */
        return act_deriv(kind, param, 0.0f);
    case ACT_LEAKY:
        return fmaxf(1.0f, param);
    default:
        /* relu and abs: slope 1 (or 0); softplus: sigmoid(beta x) tends to 1 */
        return 1.0f;
    }
}

void actscene_rebuild(ActScene *s)
{
    if (s->k < 1)
        s->k = 1;
    if (s->k > ACTLAB_MAX_K)
        s->k = ACTLAB_MAX_K;
    float p = actscene_param(s);
    for (int i = 0; i < ACTLAB_SAMPLES; i++) {
        s->fy[i] = act_value(s->kind, p, s->xs[i]);
        s->dy[i] = act_deriv(s->kind, p, s->xs[i]);
    }
    actscene_update_probe(s);

    /* the feature map: the conv layer's output, then the activation applied cell by cell */
    ConvGeom g = {.n = 1,
                  .c = 1,
                  .h = ACTLAB_MAP,
                  .w = ACTLAB_MAP,
                  .o = 1,
                  .kh = 3,
                  .kw = 3,
                  .sh = 1,
                  .sw = 1,
                  .pt = 1,
                  .pb = 1,
                  .pl = 1,
                  .pr = 1,
                  .dh = 1,
                  .dw = 1};
    conv_geom_finish(&g);
    conv_forward(s->z, s->digit, s->kernel, NULL, &g);
    long n = (long)ACTLAB_MAP * ACTLAB_MAP;
    act_forward(s->fz, s->z, n, s->kind, p);
    /* f'(z) as act_backward gives it for an upstream gradient of all ones */
    for (long i = 0; i < n; i++)
        s->dz[i] = act_deriv(s->kind, p, s->z[i]);
    s->z_min = s->z[0];
    s->z_max = s->z[0];
    s->z_negative = 0;
    for (long i = 0; i < n; i++) {
        s->z_min = fminf(s->z_min, s->z[i]);
        s->z_max = fmaxf(s->z_max, s->z[i]);
        s->z_negative += s->z[i] < 0.0f;
    }
}

/* ==== options ================================================================================ */

bool actscene_parse_number(const char *key, const char *value, float lo, float hi, float *out,
                           char *err, size_t err_size)
{
    char *end = NULL;
    double v = strtod(value, &end);
    if (!value[0] || *end || !(v >= lo && v <= hi)) {
        snprintf(err, err_size, "activations: %s=%s is not allowed (a number %g..%g)", key, value,
                 (double)lo, (double)hi);
        return false;
    }
    *out = (float)v;
    return true;
}

bool actscene_set_option(ActScene *s, const char *key, const char *value, char *err,
                         size_t err_size)
{
    float f = 0.0f;
    if (strcmp(key, "function") == 0 || strcmp(key, "mode") == 0 || strcmp(key, "act") == 0 ||
        strcmp(key, "preset") == 0) {
        ActKind k;
        if (!actscene_kind_find(value, &k)) {
            snprintf(err, err_size,
                     "activations: %s=%s is unknown (relu, leaky, sigmoid, tanh, abs, softplus)",
                     key, value);
            return false;
        }
        s->kind = k;
    } else if (strcmp(key, "probe") == 0 || strcmp(key, "x") == 0) {
        if (!actscene_parse_number(key, value, ACTLAB_X_LO, ACTLAB_X_HI, &f, err, err_size))
            return false;
        s->probe = f;
    } else if (strcmp(key, "k") == 0) {
        if (!actscene_parse_number(key, value, 1.0f, (float)ACTLAB_MAX_K, &f, err, err_size) ||
            f != floorf(f)) {
            snprintf(err, err_size, "activations: k=%s is not allowed (an integer 1..%d)", value,
                     ACTLAB_MAX_K);
            return false;
        }
        s->k = (int)f;
    } else if (strcmp(key, "alpha") == 0) {
        if (!actscene_parse_number(key, value, 0.0f, 1.0f, &f, err, err_size))
            return false;
        s->alpha = f;
    } else if (strcmp(key, "beta") == 0) {
        if (!actscene_parse_number(key, value, 0.25f, 10.0f, &f, err, err_size))
            return false;
        s->beta = f;
    } else {
        snprintf(err, err_size,
                 "activations: unknown option '%s' (function, probe, k, alpha, beta, digit, "
                 "kernel, step)",
                 key);
        return false;
    }
    return true;
}

/* ==== the numbers written out ================================================================ */

const char *actscene_sig4(float v, char *out, size_t size)
{
    if (v == 0.0f) {
        snprintf(out, size, "0");
        return out;
    }
    char buf[48];
    if (fabsf(v) >= 0.01f)
        snprintf(buf, sizeof buf, "%.4g", (double)v);
    else
        snprintf(buf, sizeof buf, "%.3e", (double)v);
    /* 9.537e-07 -> 9.537e−7 */
    char *e = strchr(buf, 'e');
    if (e) {
        int ex = atoi(e + 1);
        *e = '\0';
        snprintf(out, size, "%s%.12se%s%d", buf[0] == '-' ? "−" : "", buf[0] == '-' ? buf + 1 : buf,
                 ex < 0 ? "−" : "", ex < 0 ? -ex : ex);
    } else {
        snprintf(out, size, "%s%.16s", buf[0] == '-' ? "−" : "", buf[0] == '-' ? buf + 1 : buf);
    }
    return out;
}

/* v with decimals places, U+2212 minus, a negative zero written as zero. */
static const char *fixed(float v, int decimals, char *out, size_t size)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%.*f", decimals, (double)v);
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
    snprintf(out, size, "%s%.24s", buf[0] == '-' ? "−" : "", buf[0] == '-' ? buf + 1 : buf);
    return out;
}

const char *actscene_fixed2(float v, char *out, size_t size)
{
    return fixed(v, 2, out, size);
}

const char *actscene_fixed4(float v, char *out, size_t size)
{
    return fixed(v, 4, out, size);
}

const char *actscene_superscript(int n, char *out, size_t size)
{
    static const char *const sup[10] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    char d[16];
    snprintf(d, sizeof d, "%d", n < 0 ? -n : n);
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = d; *p && len + 4 < size; p++)
        len += (size_t)snprintf(out + len, size - len, "%s", sup[*p - '0']);
    return out;
}

const char *actscene_bound_base(const ActScene *s, char *out, size_t size)
{
    snprintf(out, size, "%g", (double)s->max_deriv);
    return out;
}

const char *actscene_probe_line(const ActScene *s, bool brief, char *out, size_t size)
{
    char a[32], b[32], px[32];
    const char *name = actscene_kind_name(s->kind);
    actscene_fixed2(s->probe, px, sizeof px);
    if (brief)
        snprintf(out, size, "%s(%s) = %s   f′ = %s", name, px,
                 actscene_fixed4(s->probe_value, a, sizeof a),
                 actscene_fixed4(s->probe_deriv, b, sizeof b));
    else
        snprintf(out, size, "%s(%s) = %s    %s′(%s) = %s", name, px,
                 actscene_fixed4(s->probe_value, a, sizeof a), name, px,
                 actscene_fixed4(s->probe_deriv, b, sizeof b));
    return out;
}

const char *actscene_stack_line(const ActScene *s, bool brief, char *out, size_t size)
{
    char a[32], c[32], sup[32], base[16];
    actscene_bound_base(s, base, sizeof base);
    if (brief)
        snprintf(out, size, "%s%s = %s;  from x: %s", base,
                 actscene_superscript(s->k, sup, sizeof sup),
                 actscene_sig4(s->bound[s->k - 1], a, sizeof a),
                 actscene_sig4(s->chain[s->k - 1], c, sizeof c));
    else
        snprintf(out, size, "k = %d %s: ∂out/∂in ≤ %s%s = %s;  from x: %s", s->k,
                 actscene_kind_name(s->kind), base, actscene_superscript(s->k, sup, sizeof sup),
                 actscene_sig4(s->bound[s->k - 1], a, sizeof a),
                 actscene_sig4(s->chain[s->k - 1], c, sizeof c));
    return out;
}

const char *actscene_stack_row(const ActScene *s, int j, char *out, size_t size)
{
    char b1[32], b2[32];
    snprintf(out, size, "%2d  %-9s  %s", j + 1, actscene_sig4(s->bound[j], b1, sizeof b1),
             actscene_sig4(s->chain[j], b2, sizeof b2));
    return out;
}

const char *actscene_cell_text(const ActScene *s, int i, char *out, size_t size)
{
    char a[32], b[32], c[32];
    const char *name = actscene_kind_name(s->kind);
    snprintf(out, size, "row %d, col %d\nz = %s\n%s(z) = %s\n%s′(z) = %s", i / ACTLAB_MAP,
             i % ACTLAB_MAP, actscene_fixed4(s->z[i], a, sizeof a), name,
             actscene_fixed4(s->fz[i], b, sizeof b), name, actscene_fixed4(s->dz[i], c, sizeof c));
    return out;
}
