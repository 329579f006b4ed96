/* sweep.c - the pure sweep model: axes, formulas, coverage and equations (see sweep.h). */
#include "engine/sweep.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MINUS    "\xE2\x88\x92" /* − U+2212 */
#define TIMES    "\xC3\x97"     /* × */
#define CDOT     "\xC2\xB7"     /* · */
#define FLOOR_L  "\xE2\x8C\x8A" /* ⌊ */
#define FLOOR_R  "\xE2\x8C\x8B" /* ⌋ */
#define ELLIPSIS "\xE2\x80\xA6" /* … */
#define SQRT     "\xE2\x88\x9A" /* √ */
#define SQUARED  "\xC2\xB2"     /* ² */

/* Appends printf-style text at *len, never past cap (the result stays NUL-terminated). */
static void append(char *out, size_t cap, int *len, const char *fmt, ...)
{
    if (cap == 0 || (size_t)*len >= cap - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + *len, cap - (size_t)*len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    *len += n;
    if ((size_t)*len > cap - 1)
        *len = (int)(cap - 1);
}

/* floor(a / b) for b > 0, also for negative a (C division truncates toward zero). */
static int floor_div(int a, int b)
{
    int q = a / b;
    if (a % b != 0 && a < 0)
        q--;
    return q;
}

int sweep_text_width(const char *s)
{
    int n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

void sweep_axis_init(SweepAxis *a, int in, int pad_lo, int pad_hi, int k, int stride, int dil)
{
    assert(in >= 1 && in <= SWEEP_MAX_SIDE);
    assert(k >= 1 && stride >= 1 && dil >= 1 && pad_lo >= 0 && pad_hi >= 0);
    memset(a, 0, sizeof *a);
    a->in = in;
    a->pad_lo = pad_lo;
    a->pad_hi = pad_hi;
    a->k = k;
    a->stride = stride;
    a->dil = dil;
    a->span = dil * (k - 1) + 1;
    a->padded = in + pad_lo + pad_hi;
    a->numer = a->padded - dil * (k - 1) - 1;
    a->out = floor_div(a->numer, stride) + 1;
    a->leftover = a->out > 0 ? a->numer % stride : 0;

    /* Mark every real cell some tap of some window lands on; the rest is never reached. */
    bool reached[SWEEP_MAX_SIDE] = {false};
    for (int o = 0; o < a->out; o++) {
        for (int t = 0; t < k; t++) {
            int i = o * stride - pad_lo + t * dil;
            if (i >= 0 && i < in)
                reached[i] = true;
        }
    }
    for (int i = 0; i < in; i++)
        if (!reached[i])
            a->unreached[a->n_unreached++] = i;
}

/* An integer with a true minus sign. */
static void append_int(char *out, size_t cap, int *len, int v)
{
    if (v < 0)
        append(out, cap, len, MINUS "%d", -v);
    else
        append(out, cap, len, "%d", v);
}

int sweep_axis_formula(const SweepAxis *a, char *out, size_t cap)
{
    int len = 0;
    if (cap)
        out[0] = 0;
    append(out, cap, &len,
           FLOOR_L "(%d + %d + %d " MINUS " %d" CDOT "(%d" MINUS "1) " MINUS " 1)/%d" FLOOR_R
                   " + 1 = ",
           a->in, a->pad_lo, a->pad_hi, a->dil, a->k, a->stride);
    append_int(out, cap, &len, a->out);
    return len;
}

int sweep_axis_pool_formula(const SweepAxis *a, char *out, size_t cap)
{
    int len = 0;
    if (cap)
        out[0] = 0;
    append(out, cap, &len, FLOOR_L "(%d " MINUS " %d)/%d" FLOOR_R " + 1 = ", a->in, a->k,
           a->stride);
    append_int(out, cap, &len, a->out);
    return len;
}

int sweep_axis_unreached_text(const SweepAxis *a, const char *noun, const char *nouns, char *out,
                              size_t cap)
{
    int len = 0;
    if (cap)
        out[0] = 0;
    if (a->out <= 0 || (a->n_unreached == 0 && a->leftover == 0))
        return 0;
    if (a->n_unreached == 0) {
        /* The left-over cells past the last window are all padding: nothing real is lost. */
        append(out, cap, &len,
               "Stride %d does not divide %d evenly: %d padding %s past the last window %s "
               "unused; every input %s is reached.",
               a->stride, a->numer, a->leftover, a->leftover == 1 ? noun : nouns,
               a->leftover == 1 ? "is" : "are", noun);
        return len;
    }
    append(out, cap, &len, "Never reached: %s ", a->n_unreached == 1 ? noun : nouns);
    const int shown = 8;
    for (int i = 0; i < a->n_unreached && i < shown; i++)
        append(out, cap, &len, "%s%d", i ? ", " : "", a->unreached[i]);
    if (a->n_unreached > shown)
        append(out, cap, &len, ", " ELLIPSIS " (%d in all)", a->n_unreached);
    append(out, cap, &len, ".");

    /* Real cells lost at the end come from the remainder of the division; cells lost between
     * reached ones come from a stride longer than what one window touches. */
    int last_reached = -1;
    for (int i = a->in - 1; i >= 0 && last_reached < 0; i--) {
        bool lost = false;
        for (int j = 0; j < a->n_unreached; j++)
            lost = lost || a->unreached[j] == i;
        if (!lost)
            last_reached = i;
    }
    int trailing = a->in - 1 - last_reached;
    bool gaps = a->n_unreached > trailing;
    if (trailing > 0)
        append(out, cap, &len,
               " The stride %d does not divide %d evenly, so %d %s %s left over after the "
               "last window.",
               a->stride, a->numer, a->leftover, a->leftover == 1 ? noun : nouns,
               a->leftover == 1 ? "is" : "are");
    if (gaps) {
        if (a->dil > 1)
            append(out, cap, &len,
                   " The dilated window touches every %d%s %s and the stride %d steps past "
                   "the others.",
                   a->dil,
                   a->dil == 2   ? "nd"
                   : a->dil == 3 ? "rd"
                                 : "th",
                   noun, a->stride);
        else
            append(out, cap, &len,
                   " The stride %d is longer than the window (%d %s), so it steps past them.",
                   a->stride, a->span, a->span == 1 ? noun : nouns);
    }
    return len;
}

/* One axis' reason, e.g. "the kernel spans 7 rows (2·(4−1) + 1) but the padded input has
 * only 5 (3 + 1 + 1)". */
static void explain_axis(const SweepAxis *a, const char *what, const char *nouns, char *out,
                         size_t cap, int *len)
{
    append(out, cap, len, "the %s spans %d %s", what, a->span, nouns);
    if (a->dil > 1)
        append(out, cap, len, " (dilation %d" CDOT "(%d" MINUS "1) + 1)", a->dil, a->k);
    if (a->pad_lo + a->pad_hi > 0)
        append(out, cap, len, " but the padded input has only %d (%d + %d + %d)", a->padded, a->in,
               a->pad_lo, a->pad_hi);
    else
        append(out, cap, len, " but the input has only %d", a->in);
}

bool sweep_explain(const SweepAxis *rows, const SweepAxis *cols, const char *what, char *why,
                   size_t cap)
{
    int len = 0;
    if (cap)
        why[0] = 0;
    bool bad_r = rows->out <= 0, bad_c = cols->out <= 0;
    if (!bad_r && !bad_c)
        return true;
    append(why, cap, &len, "No window fits: ");
    if (bad_r)
        explain_axis(rows, what, "rows", why, cap, &len);
    if (bad_r && bad_c)
        append(why, cap, &len, ", and ");
    if (bad_c)
        explain_axis(cols, what, "columns", why, cap, &len);
    bool dilated = (bad_r && rows->dil > 1) || (bad_c && cols->dil > 1);
    append(why, cap, &len, ". Make the %s smaller%s%s.", what,
           dilated ? ", lower the dilation" : "",
           strcmp(what, "kernel") == 0 ? " or add padding" : " or use a larger input");
    return false;
}

bool sweep_init(Sweep *s, const ConvGeom *g, char *why, size_t cap)
{
    memset(s, 0, sizeof *s);
    s->g = *g;
    s->g.n = 1;
    s->g.oph = s->g.opw = 0;
    sweep_axis_init(&s->rows, g->h, g->pt, g->pb, g->kh, g->sh, g->dh);
    sweep_axis_init(&s->cols, g->w, g->pl, g->pr, g->kw, g->sw, g->dw);
    s->valid = sweep_explain(&s->rows, &s->cols, "kernel", why, cap);
    if (!s->valid)
        return false;
    /* The engine's own size function decides; the formula shown must agree with it. */
    bool ok = conv_geom_finish(&s->g);
    assert(ok && s->g.oh == s->rows.out && s->g.ow == s->cols.out);
    (void)ok;
    s->steps = s->g.o * s->g.oh * s->g.ow;
    return true;
}

void sweep_step_cell(const Sweep *s, int step, int *o, int *oy, int *ox)
{
    assert(s->valid && step >= 0 && step < s->steps);
    int per = s->g.oh * s->g.ow;
    *o = step / per;
    *oy = (step % per) / s->g.ow;
    *ox = step % s->g.ow;
}

int sweep_cell_step(const Sweep *s, int o, int oy, int ox)
{
    return (o * s->g.oh + oy) * s->g.ow + ox;
}

void sweep_window(const Sweep *s, int oy, int ox, int *iy0, int *ix0, int *rows, int *cols)
{
    *iy0 = oy * s->g.sh - s->g.pt;
    *ix0 = ox * s->g.sw - s->g.pl;
    *rows = s->rows.span;
    *cols = s->cols.span;
}

void sweep_coverage(const Sweep *s, const float *w, int *count)
{
    int h = s->g.h, wd = s->g.w;
    if (!s->valid) {
        memset(count, 0, sizeof *count * (size_t)(h * wd));
        return;
    }
    for (int iy = 0; iy < h; iy++) {
        for (int ix = 0; ix < wd; ix++) {
            int n = 0;
            conv_dx_cell(&s->g, NULL, w, 0, iy, ix, NULL, 0, &n);
            count[iy * wd + ix] = n;
        }
    }
}

float sweep_plane_partial(const Sweep *s, const float *x, const float *w, int o, int c, int oy,
                          int ox, ConvTerm *terms, int max_terms, int *n_terms)
{
    assert(s->valid && c >= 0 && c < s->g.c && o >= 0 && o < s->g.o);
    ConvGeom p = s->g;
    p.c = 1;
    p.o = 1;
    int plane = s->g.h * s->g.w, taps = s->g.kh * s->g.kw;
    float v = conv_cell(&p, x + (size_t)c * plane, w + ((size_t)o * s->g.c + c) * taps, NULL, 0, oy,
                        ox, terms, max_terms, n_terms);
    if (terms) {
        int n = n_terms && *n_terms < max_terms ? *n_terms : max_terms;
        for (int i = 0; i < n; i++)
            terms[i].c = c;
    }
    return v;
}

int sweep_format_value(float v, char *out, size_t cap)
{
    int len = 0;
    if (cap)
        out[0] = 0;
    if (isnan(v))
        append(out, cap, &len, "NaN");
    else if (isinf(v))
        append(out, cap, &len, v < 0 ? MINUS "\xE2\x88\x9E" : "\xE2\x88\x9E");
    if (len)
        return len;
    double a = fabs((double)v);
    char num[48];
    /* Products like 90 × 1/9 land a rounding error away from an integer; print the integer. */
    if (fabs(a - floor(a + 0.5)) < 5e-4 * (a > 1.0 ? a : 1.0) && (a >= 5e-4 || a == 0.0)) {
        snprintf(num, sizeof num, "%.0f", floor(a + 0.5));
    } else if (a < 5e-4) {
        snprintf(num, sizeof num, "%.2g", a);
    } else {
        snprintf(num, sizeof num, "%.3f", a);
        char *end = num + strlen(num) - 1;
        while (*end == '0')
            *end-- = 0;
        if (*end == '.')
            *end = 0;
    }
    bool negative = v < 0 && strcmp(num, "0") != 0;
    append(out, cap, &len, "%s%s", negative ? MINUS : "", num);
    return len;
}

/* Tokens of an equation, packed in one buffer; each token is placed whole on a line. */
#define TOKEN_BYTES 64
typedef struct Tokens {
    int n;
    char text[SWEEP_MAX_TERMS + 8][TOKEN_BYTES];
} Tokens;

static void token_add(Tokens *t, const char *fmt, ...)
{
    assert(t->n < SWEEP_MAX_TERMS + 8);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->text[t->n], TOKEN_BYTES, fmt, ap);
    va_end(ap);
    t->n++;
}

/* Greedy layout of the chosen tokens (idx[0..n)) into lines of at most width characters;
 * writes when out is not NULL and returns the number of lines. */
static int layout(const Tokens *t, const int *idx, int n, int width, char *out, size_t cap)
{
    int lines = n > 0 ? 1 : 0, line_w = 0, len = 0;
    if (out && cap)
        out[0] = 0;
    for (int i = 0; i < n; i++) {
        const char *tok = t->text[idx[i]];
        int w = sweep_text_width(tok);
        if (line_w == 0) {
            line_w = w;
        } else if (line_w + 1 + w <= width) {
            line_w += 1 + w;
            if (out)
                append(out, cap, &len, " ");
        } else {
            lines++;
            line_w = w;
            if (out)
                append(out, cap, &len, "\n");
        }
        if (out)
            append(out, cap, &len, "%s", tok);
    }
    return lines;
}

/* Lays out all tokens; when that takes more than max_lines, keeps the first tokens and the
 * last n_tail, with the ellipsis token (t->text[ell]) between, as many first ones as fit. */
static int fold(const Tokens *t, int ell, int n_tail, int width, int max_lines, char *out,
                size_t cap)
{
    int n_body = ell; /* tokens before the ellipsis token are the equation itself */
    static _Thread_local int idx[SWEEP_MAX_TERMS + 8];
    for (int i = 0; i < n_body; i++)
        idx[i] = i;
    if (width < 1)
        width = 1;
    if (max_lines < 1)
        max_lines = 1;
    if (layout(t, idx, n_body, width, NULL, 0) <= max_lines)
        return layout(t, idx, n_body, width, out, cap);
    for (int head = n_body - n_tail - 1; head >= 1; head--) {
        int n = 0;
        for (int i = 0; i < head; i++)
            idx[n++] = i;
        idx[n++] = ell;
        for (int i = n_body - n_tail; i < n_body; i++)
            idx[n++] = i;
        if (layout(t, idx, n, width, NULL, 0) <= max_lines || head == 1)
            return layout(t, idx, n, width, out, cap);
    }
    return layout(t, idx, n_body, width, out, cap);
}

int sweep_format_equation(const ConvTerm *terms, int n_terms, bool with_bias, float bias,
                          float value, int width, int max_lines, char *out, size_t cap)
{
    static _Thread_local Tokens t;
    t.n = 0;
    char xs[32], ws[32];
    for (int i = 0; i < n_terms; i++) {
        sweep_format_value(terms[i].pad ? 0.0f : terms[i].x, xs, sizeof xs);
        sweep_format_value(terms[i].w, ws, sizeof ws);
        token_add(&t, "%s%s" TIMES "%s", i ? "+ " : "", xs, ws);
    }
    if (with_bias) {
        sweep_format_value(bias, xs, sizeof xs);
        token_add(&t, "%sb %s", n_terms ? "+ " : "", xs);
    }
    sweep_format_value(value, xs, sizeof xs);
    token_add(&t, "= %s", xs);
    int ell = t.n;
    token_add(&t, "+ " ELLIPSIS);
    return fold(&t, ell, with_bias ? 3 : 2, width, max_lines, out, cap);
}

int sweep_format_sum(const char *label, const float *parts, int n, bool with_bias, float bias,
                     float value, int width, int max_lines, char *out, size_t cap)
{
    static _Thread_local Tokens t;
    t.n = 0;
    char vs[32];
    for (int i = 0; i < n; i++) {
        sweep_format_value(parts[i], vs, sizeof vs);
        token_add(&t, "%s%s%s", i == 0 && label ? label : "", i ? "+ " : "", vs);
    }
    if (with_bias) {
        sweep_format_value(bias, vs, sizeof vs);
        token_add(&t, "%s%sb %s", n == 0 && label ? label : "", n ? "+ " : "", vs);
    }
    sweep_format_value(value, vs, sizeof vs);
    token_add(&t, "= %s", vs);
    int ell = t.n;
    token_add(&t, "+ " ELLIPSIS);
    return fold(&t, ell, with_bias ? 3 : 2, width, max_lines, out, cap);
}

int sweep_format_pool(PoolKind kind, const float *vals, int n, float value, int width,
                      int max_lines, char *out, size_t cap)
{
    static _Thread_local Tokens t;
    t.n = 0;
    char vs[32];
    /* open and close wrap the list; sep joins the items: max(a, b), (a + b)/n, √(a² + b²). */
    const char *open = kind == POOL_MAX ? "max(" : kind == POOL_AVG ? "(" : SQRT "(";
    const char *sq = kind == POOL_L2 ? SQUARED : "";
    for (int i = 0; i < n; i++) {
        sweep_format_value(vals[i], vs, sizeof vs);
        /* a negative value squared needs brackets: (−2)² */
        bool paren = kind == POOL_L2 && vals[i] < 0 && vs[0] != '0';
        char item[48];
        snprintf(item, sizeof item, "%s%s%s%s", paren ? "(" : "", vs, paren ? ")" : "", sq);
        const char *lead = i == 0 ? open : kind == POOL_MAX ? "" : "+ ";
        char close[16] = "";
        if (i == n - 1) {
            if (kind == POOL_AVG)
                snprintf(close, sizeof close, ")/%d", n);
            else
                snprintf(close, sizeof close, ")");
        } else if (kind == POOL_MAX) {
            snprintf(close, sizeof close, ",");
        }
        token_add(&t, "%s%s%s", lead, item, close);
    }
    sweep_format_value(value, vs, sizeof vs);
    token_add(&t, "= %s", vs);
    int ell = t.n;
    token_add(&t, kind == POOL_MAX ? ELLIPSIS "," : "+ " ELLIPSIS);
    return fold(&t, ell, 2, width, max_lines, out, cap);
}

int sweep_format_symbolic_1d(const Sweep *s, int ox, char *out, size_t cap)
{
    int len = 0;
    if (cap)
        out[0] = 0;
    for (int kx = 0; kx < s->g.kw; kx++) {
        int ix = ox * s->g.sw - s->g.pl + kx * s->g.dw;
        if (kx)
            append(out, cap, &len, " + ");
        if (ix >= 0 && ix < s->g.w)
            append(out, cap, &len, "S%d" CDOT "W%d", ix + 1, kx + 1);
        else
            append(out, cap, &len, "0" CDOT "W%d", kx + 1);
    }
    append(out, cap, &len, " = O%d", ox + 1);
    return len;
}
