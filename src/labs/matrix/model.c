/* labs/matrix/model.c - see model.h. Every number comes from engine/conv and engine/convmat;
 * this file only arranges and words them, and reads the lab's options.
 * Depends on: engine (conv, convmat, rng). */
#include "labs/matrix/model.h"

#include "engine/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const mode_names[MATMODE_COUNT] = {"conv", "transposed", "flip"};
static const char *const mode_labels[MATMODE_COUNT] = {"Conv as matrix", "Transposed conv",
                                                       "Conv vs cross-corr"};
static const char *const preset_names[MATPRESET_COUNT] = {"count", "edge", "random"};

const char *matscene_mode_name(MatMode m)
{
    return m >= 0 && m < MATMODE_COUNT ? mode_names[m] : "?";
}

const char *matscene_mode_label(MatMode m)
{
    return m >= 0 && m < MATMODE_COUNT ? mode_labels[m] : "?";
}

const char *const *matscene_mode_labels(void)
{
    return mode_labels;
}

bool matscene_mode_find(const char *name, MatMode *m)
{
    for (int i = 0; i < MATMODE_COUNT; i++)
        if (strcasecmp(name, mode_names[i]) == 0) {
            *m = (MatMode)i;
            return true;
        }
    /* the words a teacher might type */
    if (strcasecmp(name, "matrix") == 0 || strcasecmp(name, "toeplitz") == 0) {
        *m = MATMODE_CONV;
        return true;
    }
    if (strcasecmp(name, "deconv") == 0 || strcasecmp(name, "transpose") == 0) {
        *m = MATMODE_TRANSPOSED;
        return true;
    }
    if (strcasecmp(name, "correlation") == 0 || strcasecmp(name, "xcorr") == 0) {
        *m = MATMODE_FLIP;
        return true;
    }
    return false;
}

const char *matscene_preset_name(MatPreset p)
{
    return p >= 0 && p < MATPRESET_COUNT ? preset_names[p] : "?";
}

bool matscene_preset_find(const char *name, MatPreset *p)
{
    for (int i = 0; i < MATPRESET_COUNT; i++)
        if (strcasecmp(name, preset_names[i]) == 0) {
            *p = (MatPreset)i;
            return true;
        }
    return false;
}

void matscene_range_n(const MatScene *s, int *lo, int *hi)
{
    /* transposed goes from small to large, so its input is the small side */
    *lo = s->mode == MATMODE_TRANSPOSED ? 2 : 3;
    *hi = s->mode == MATMODE_TRANSPOSED ? 3 : 4;
}

void matscene_range_stride(const MatScene *s, int *lo, int *hi)
{
    (void)s;
    *lo = 1;
    *hi = 2;
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void matscene_clamp(MatScene *s)
{
    int lo, hi;
    if (s->mode < 0 || s->mode >= MATMODE_COUNT)
        s->mode = MATMODE_CONV;
    if (s->preset < 0 || s->preset >= MATPRESET_COUNT)
        s->preset = MATPRESET_COUNT_UP;
    matscene_range_n(s, &lo, &hi);
    s->n = clampi(s->n, lo, hi);
    s->k = clampi(s->k, 2, MATLAB_MAX_K);
    matscene_range_stride(s, &lo, &hi);
    s->stride = clampi(s->stride, lo, hi);
    s->pad = clampi(s->pad, 0, 1);
    /* output padding only exists for the transposed conv, and PyTorch wants it < stride */
    s->outpad = s->mode == MATMODE_TRANSPOSED ? clampi(s->outpad, 0, s->stride - 1) : 0;
}

void matscene_init(MatScene *s)
{
    memset(s, 0, sizeof *s);
    s->mode = MATMODE_CONV;
    s->preset = MATPRESET_COUNT_UP;
    s->n = 3;
    s->k = 2;
    s->stride = 1;
    matscene_fill_preset(s);
}

void matscene_free(MatScene *s)
{
    convmat_free(&s->m);
}

void matscene_fill_preset(MatScene *s)
{
    int n = s->n, k = s->k;
    switch (s->preset) {
    case MATPRESET_COUNT_UP:
        for (int i = 0; i < n * n; i++)
            s->x[i] = (float)i;
        for (int i = 0; i < k * k; i++)
            s->w[i] = (float)i;
        break;
    case MATPRESET_EDGE: {
        /* dark left half, bright right half: a vertical edge the kernel responds to */
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                s->x[r * n + c] = c >= n / 2 ? 9.0f : 1.0f;
        static const float sobel3[9] = {1, 0, -1, 2, 0, -2, 1, 0, -1};
        static const float edge2[4] = {1, -1, 2, -2};
        memcpy(s->w, k == 3 ? sobel3 : edge2, (size_t)(k * k) * sizeof(float));
        break;
    }
    case MATPRESET_RANDOM:
    default: {
        Rng rng;
        rng_seed(&rng, 2024u + (uint64_t)(n * 10 + k));
        for (int i = 0; i < n * n; i++)
            s->x[i] = (float)((int)rng_below(&rng, 7) - 3);
        for (int i = 0; i < k * k; i++)
            s->w[i] = (float)((int)rng_below(&rng, 7) - 3);
        break;
    }
    }
}

bool matscene_rebuild(MatScene *s, char *err, size_t err_size)
{
    matscene_clamp(s);
    ConvGeom g = {.n = 1,
                  .c = 1,
                  .o = 1,
                  .kh = s->k,
                  .kw = s->k,
                  .sh = s->stride,
                  .sw = s->stride,
                  .pt = s->pad,
                  .pb = s->pad,
                  .pl = s->pad,
                  .pr = s->pad,
                  .dh = 1,
                  .dw = 1};
    ConvGeom gd = g;
    if (s->mode == MATMODE_TRANSPOSED) {
        gd.h = gd.w = s->n;
        gd.oph = gd.opw = s->outpad;
        if (!deconv_geom_finish(&gd) || !convmat_geom_of_deconv(&gd, &g)) {
            snprintf(err, err_size,
                     "transposed conv: input %d×%d, kernel %d, stride %d, padding %d, output "
                     "padding %d gives no output",
                     s->n, s->n, s->k, s->stride, s->pad, s->outpad);
            return false;
        }
    } else {
        g.h = g.w = s->n;
        if (!conv_geom_finish(&g)) {
            snprintf(err, err_size, "conv: kernel %d is larger than the padded input %d×%d", s->k,
                     s->n + 2 * s->pad, s->n + 2 * s->pad);
            return false;
        }
    }
    ConvMat m;
    if (!convmat_build(&m, &g, s->w, err, err_size))
        return false;
    convmat_free(&s->m);
    s->m = m;
    s->g = g;
    s->gd = gd;
    convmat_flip_kernel(s->wflip, s->w, 1, 1, s->k, s->k);
    if (s->mode == MATMODE_TRANSPOSED) {
        s->out_h = gd.oh;
        s->out_w = gd.ow;
        deconv_forward(s->y, s->x, s->w, NULL, &gd);
        convmat_apply_transposed(&s->m, s->ym, s->x);
    } else {
        s->out_h = g.oh;
        s->out_w = g.ow;
        conv_forward(s->y, s->x, s->w, NULL, &g);
        convmat_apply(&s->m, s->ym, s->x);
        conv_forward(s->yflip, s->x, s->wflip, NULL, &g);
    }
    float d = 0.0f;
    for (int i = 0; i < s->out_h * s->out_w; i++)
        d = fmaxf(d, fabsf(s->ym[i] - s->y[i]));
    s->max_diff = d;
    return true;
}

static bool parse_int(const char *key, const char *value, int lo, int hi, int *out, char *err,
                      size_t err_size)
{
    char *end = NULL;
    long v = strtol(value, &end, 10);
    if (!value[0] || *end || v < lo || v > hi) {
        snprintf(err, err_size, "matrix: %s=%s is not allowed (an integer %d..%d)", key, value, lo,
                 hi);
        return false;
    }
    *out = (int)v;
    return true;
}

bool matscene_set_option(MatScene *s, const char *key, const char *value, bool *refill, char *err,
                         size_t err_size)
{
    int v = 0, lo = 0, hi = 0;
    *refill = false;
    if (strcmp(key, "mode") == 0) {
        MatMode m;
        if (!matscene_mode_find(value, &m)) {
            snprintf(err, err_size, "matrix: mode=%s is unknown (conv, transposed, flip)", value);
            return false;
        }
        s->mode = m;
        *refill = true;
    } else if (strcmp(key, "preset") == 0) {
        MatPreset p;
        MatMode m;
        /* a mode name is accepted as a preset too: `--preset transposed` reads naturally */
        if (matscene_mode_find(value, &m)) {
            s->mode = m;
        } else if (matscene_preset_find(value, &p)) {
            s->preset = p;
        } else {
            snprintf(err, err_size,
                     "matrix: preset=%s is unknown (count, edge, random; or a mode: conv, "
                     "transposed, flip)",
                     value);
            return false;
        }
        *refill = true;
    } else if (strcmp(key, "n") == 0 || strcmp(key, "size") == 0 || strcmp(key, "input") == 0) {
        matscene_range_n(s, &lo, &hi);
        if (!parse_int(key, value, lo, hi, &v, err, err_size))
            return false;
        s->n = v;
        *refill = true;
    } else if (strcmp(key, "k") == 0 || strcmp(key, "kernel") == 0) {
        if (!parse_int(key, value, 2, MATLAB_MAX_K, &v, err, err_size))
            return false;
        s->k = v;
        *refill = true;
    } else if (strcmp(key, "stride") == 0) {
        matscene_range_stride(s, &lo, &hi);
        if (!parse_int(key, value, lo, hi, &v, err, err_size))
            return false;
        s->stride = v;
    } else if (strcmp(key, "pad") == 0 || strcmp(key, "padding") == 0) {
        if (!parse_int(key, value, 0, 1, &v, err, err_size))
            return false;
        s->pad = v;
    } else if (strcmp(key, "outpad") == 0 || strcmp(key, "output_padding") == 0) {
        if (!parse_int(key, value, 0, 1, &v, err, err_size))
            return false;
        if (s->mode != MATMODE_TRANSPOSED || v >= s->stride) {
            snprintf(err, err_size,
                     "matrix: outpad=%s needs mode=transposed and a stride larger than it "
                     "(set mode and stride first)",
                     value);
            return false;
        }
        s->outpad = v;
    } else {
        snprintf(err, err_size,
                 "matrix: unknown option '%s' (mode, preset, n, k, stride, pad, outpad, step)",
                 key);
        return false;
    }
    return true;
}

void matscene_display(const MatScene *s, MatDisplay *d)
{
    const ConvMat *m = &s->m;
    bool tr = s->mode == MATMODE_TRANSPOSED;
    d->drows = tr ? m->cols : m->rows;
    d->dcols = tr ? m->rows : m->cols;
    int n = d->drows * d->dcols;
    memset(d->dense, 0, (size_t)n * sizeof d->dense[0]);
    memset(d->nz, 0, (size_t)n);
    for (int i = 0; i < n; i++)
        d->dtap[i] = -1;
    for (int e = 0; e < m->n_entries; e++) {
        const ConvMatEntry *en = &m->entries[e];
        int r = tr ? en->col : en->row, c = tr ? en->row : en->col;
        d->dense[r * d->dcols + c] = en->w;
        d->nz[r * d->dcols + c] = 1;
        d->dtap[r * d->dcols + c] = en->ky * s->k + en->kx;
    }
    d->swap = tr && d->drows > 12;
    for (int r = 0; r < d->drows; r++)
        for (int c = 0; c < d->dcols; c++) {
            int si = d->swap ? c * d->drows + r : r * d->dcols + c;
            d->sdense[si] = d->dense[r * d->dcols + c];
            d->snz[si] = d->nz[r * d->dcols + c];
        }
}

int matscene_steps(const MatScene *s)
{
    if (s->mode == MATMODE_TRANSPOSED)
        return s->n * s->n; /* = the rows of M: one stamp per deconv input cell */
    return s->out_h * s->out_w;
}

int matscene_current(const MatScene *s, int pos)
{
    int steps = matscene_steps(s);
    if (pos > steps)
        pos = steps;
    return pos - 1;
}

void matscene_output_at(const MatScene *s, int pos, float *out, uint8_t *shown, float *out2)
{
    int cells = s->out_h * s->out_w;
    int steps = matscene_steps(s);
    pos = clampi(pos, 0, steps);
    if (s->mode == MATMODE_TRANSPOSED) {
        /* the first pos input cells have stamped their scaled kernel copies */
        convmat_apply_transposed_partial(&s->m, out, s->x, pos);
        memset(shown, 1, (size_t)cells);
        return;
    }
    for (int i = 0; i < cells; i++) {
        bool done = i < pos;
        shown[i] = done;
        int oy = i / s->out_w, ox = i % s->out_w;
        /* the single-cell query the sweep shows; tests prove it equals the full op */
        out[i] = done ? conv_cell(&s->g, s->x, s->w, NULL, 0, oy, ox, NULL, 0, NULL) : 0.0f;
        if (out2)
            out2[i] =
                done ? conv_cell(&s->g, s->x, s->wflip, NULL, 0, oy, ox, NULL, 0, NULL) : 0.0f;
    }
}

/* ---- wording ---------------------------------------------------------------------------- */

static const char *const sub_digits[10] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};

static size_t append(char *out, size_t out_size, size_t len, const char *fmt_s)
{
    if (len >= out_size)
        return len;
    int n = snprintf(out + len, out_size - len, "%s", fmt_s);
    if (n < 0)
        return len;
    len += (size_t)n;
    return len < out_size ? len : out_size - 1;
}

static size_t append_sub_int(char *out, size_t out_size, size_t len, int v)
{
    char d[16];
    snprintf(d, sizeof d, "%d", v < 0 ? -v : v);
    if (v < 0)
        len = append(out, out_size, len, "₋");
    for (const char *p = d; *p; p++)
        len = append(out, out_size, len, sub_digits[*p - '0']);
    return len;
}

const char *matscene_subscript(int a, int b, char *out, size_t out_size)
{
    if (out_size == 0)
        return out;
    out[0] = '\0';
    size_t len = append_sub_int(out, out_size, 0, a);
    append_sub_int(out, out_size, len, b);
    return out;
}

/* A value for an equation: integers plainly, else up to 2 decimals; U+2212 minus. */
static const char *num(float v, char *buf, size_t size)
{
    if (fabsf(v) < 5e-7f)
        v = 0.0f;
    if (fabsf(v - roundf(v)) < 1e-4f)
        snprintf(buf, size, "%s%d", v < 0.0f ? "−" : "", (int)fabsf(roundf(v)));
    else {
        snprintf(buf, size, "%s%.2f", v < 0.0f ? "−" : "", (double)fabsf(v));
        /* trim trailing zeros: 0.50 -> 0.5 */
        size_t l = strlen(buf);
        while (l > 0 && buf[l - 1] == '0')
            buf[--l] = '\0';
    }
    return buf;
}

const char *matscene_equation(const MatScene *s, int i, char *out, size_t out_size)
{
    if (out_size == 0)
        return out;
    out[0] = '\0';
    int steps = matscene_steps(s);
    if (i < 0 || i >= steps)
        return out;
    char a[24], b[24], sub[24];
    size_t len = 0;
    if (s->mode == MATMODE_TRANSPOSED) {
        int iy = i / s->n, ix = i % s->n;
        int oy0 = iy * s->stride - s->pad, ox0 = ix * s->stride - s->pad;
        char tmp[160];
        char r0[16], r1[16], c0[16], c1[16];
        snprintf(tmp, sizeof tmp, "x%s = %s: out rows %s…%s, cols %s…%s += %s×K",
                 matscene_subscript(iy, ix, sub, sizeof sub), num(s->x[i], a, sizeof a),
                 num((float)oy0, r0, sizeof r0), num((float)(oy0 + s->k - 1), r1, sizeof r1),
                 num((float)ox0, c0, sizeof c0), num((float)(ox0 + s->k - 1), c1, sizeof c1),
                 num(s->x[i], b, sizeof b));
        len = append(out, out_size, len, tmp);
        /* a stamp reaching past the output's edge (padding) loses those cells */
        if (oy0 < 0 || ox0 < 0 || oy0 + s->k > s->out_h || ox0 + s->k > s->out_w)
            append(out, out_size, len, " (edge cropped)");
        return out;
    }
    int oy = i / s->out_w, ox = i % s->out_w;
    ConvTerm terms[MATLAB_MAX_K * MATLAB_MAX_K];
    int nt = 0;
    float v =
        conv_cell(&s->g, s->x, s->w, NULL, 0, oy, ox, terms, MATLAB_MAX_K * MATLAB_MAX_K, &nt);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "y%s = ", matscene_subscript(oy, ox, sub, sizeof sub));
    len = append(out, out_size, len, tmp);
    int shown = 0;
    for (int t = 0; t < nt; t++) {
        /* padding cells have no column in M: their products are 0 and M leaves them out */
        if (terms[t].pad)
            continue;
        snprintf(tmp, sizeof tmp, "%s%s×%s", shown ? " + " : "", num(terms[t].x, a, sizeof a),
                 num(terms[t].w, b, sizeof b));
        len = append(out, out_size, len, tmp);
        shown++;
    }
    if (shown == 0)
        len = append(out, out_size, len, "0");
    snprintf(tmp, sizeof tmp, " = %s", num(v, a, sizeof a));
    append(out, out_size, len, tmp);
    return out;
}

const char *matscene_flip_equation(const MatScene *s, int i, char *out, size_t out_size)
{
    if (out_size == 0)
        return out;
    out[0] = '\0';
    if (s->mode == MATMODE_TRANSPOSED || i < 0 || i >= s->out_h * s->out_w)
        return out;
    int oy = i / s->out_w, ox = i % s->out_w;
    ConvTerm terms[MATLAB_MAX_K * MATLAB_MAX_K];
    int nt = 0;
    float v = convmat_true_conv_cell(&s->g, s->x, s->w, 0, oy, ox, terms,
                                     MATLAB_MAX_K * MATLAB_MAX_K, &nt);
    char a[24], b[24], sub[24], tmp[96];
    size_t len = 0;
    snprintf(tmp, sizeof tmp, "(I∗K)%s = ", matscene_subscript(oy, ox, sub, sizeof sub));
    len = append(out, out_size, len, tmp);
    int shown = 0;
    for (int t = 0; t < nt; t++) {
        /* padding cells are 0, left out as in the cross-correlation line */
        if (terms[t].pad)
            continue;
        snprintf(tmp, sizeof tmp, "%s%s×%s", shown ? " + " : "", num(terms[t].x, a, sizeof a),
                 num(terms[t].w, b, sizeof b));
        len = append(out, out_size, len, tmp);
        shown++;
    }
    if (shown == 0)
        len = append(out, out_size, len, "0");
    snprintf(tmp, sizeof tmp, " = %s", num(v, a, sizeof a));
    append(out, out_size, len, tmp);
    return out;
}

const char *matscene_band_equation(const MatScene *s, int band, int i, bool computed, char *out,
                                   size_t out_size)
{
    if (i >= 0 && !computed) {
        char sub[24];
        snprintf(out, out_size, "%s%s: not yet computed (step %d)", band == 0 ? "y" : "(I∗K)",
                 matscene_subscript(i / s->out_w, i % s->out_w, sub, sizeof sub), i + 1);
    } else if (i >= 0) {
        if (band == 0)
            matscene_equation(s, i, out, out_size);
        else
            matscene_flip_equation(s, i, out, out_size);
    } else {
        snprintf(out, out_size, "%s",
                 band == 0 ? "K(0,0) (marked) meets the window's top-left cell"
                           : "K(0,0) (marked) meets the window's bottom-right cell");
    }
    return out;
}
