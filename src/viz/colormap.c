/* colormap.c - colour maps as piecewise-linear interpolation between stops. The sequential
 * stops are viridis (perceptually uniform, colour-blind safe, lightness rising); the diverging
 * map runs linearly in sRGB from blue through near-white to orange, so every channel rises
 * toward 0 and lightness falls monotonically with |t| on each side. */
#include "viz/colormap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t viridis[9] = {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c,
                                    0x28ae80, 0x5ec962, 0xaddc30, 0xfde725};

static float clamp01(float t)
{
    if (!(t >= 0.0f)) /* NaN lands here too */
        return 0.0f;
    return t > 1.0f ? 1.0f : t;
}

Color color_mix(Color a, Color b, float t)
{
    t = clamp01(t);
    Color c = {(uint8_t)lroundf(a.r + (b.r - a.r) * t), (uint8_t)lroundf(a.g + (b.g - a.g) * t),
               (uint8_t)lroundf(a.b + (b.b - a.b) * t), (uint8_t)lroundf(a.a + (b.a - a.a) * t)};
    return c;
}

Color color_alpha(Color c, uint8_t a)
{
    c.a = a;
    return c;
}

Color colormap_sequential(float t)
{
    t = clamp01(t) * 8.0f;
    int i = (int)t;
    if (i >= 8)
        return COLOR_HEX(viridis[8]);
    return color_mix(COLOR_HEX(viridis[i]), COLOR_HEX(viridis[i + 1]), t - (float)i);
}

Color colormap_diverging(float t)
{
    static const Color blue = {0x3b, 0x6f, 0xd8, 255};
    static const Color white = {0xf7, 0xf7, 0xf4, 255};
    static const Color orange = {0xe8, 0x77, 0x2e, 255};
    if (!(t == t))
        t = 0.0f;
    if (t < 0.0f)
        return color_mix(white, blue, -t);
    return color_mix(white, orange, t);
}

Color colormap_gray(float t)
{
    uint8_t v = (uint8_t)lroundf(clamp01(t) * 255.0f);
    return (Color){v, v, v, 255};
}

ColorScale colorscale_make(ColormapKind kind, float lo, float hi)
{
    ColorScale s = {kind, lo, hi, false};
    if (!(lo == lo) || !(hi == hi))
        s.lo = 0.0f, s.hi = 1.0f;
    if (kind == COLORMAP_DIVERGING) {
        float m = fmaxf(fabsf(s.lo), fabsf(s.hi));
        if (!(m > 0.0f) || isinf(m))
            m = 1.0f;
        s.lo = -m;
        s.hi = m;
        return s;
    }
    if (s.hi < s.lo) {
        float t = s.lo;
        s.lo = s.hi;
        s.hi = t;
    }
    if (!(s.hi > s.lo)) {
        /* a flat map: a unit span above it, so the value shows as the low end */
        s.hi = s.lo + 1.0f;
    }
    return s;
}

ColorScale colorscale_fit(ColormapKind kind, const float *v, int n)
{
    float lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        lo = fminf(lo, v[i]);
        hi = fmaxf(hi, v[i]);
    }
    if (lo > hi)
        lo = 0.0f, hi = 1.0f;
    return colorscale_make(kind, lo, hi);
}

float colormap_abs_quantile(const float *v, long n, float q, float *scratch)
{
    long m = 0;
    for (long i = 0; i < n; i++)
        if (isfinite(v[i]))
            scratch[m++] = fabsf(v[i]);
    if (m == 0)
        return 0.0f;
    if (!(q > 0.0f))
        q = 0.0f;
    long k = (long)ceil((double)q * (double)m) - 1;
    k = k < 0 ? 0 : k >= m ? m - 1 : k;
    /* quickselect (Hoare partition around the middle element) for the k-th smallest */
    long lo = 0, hi = m - 1;
    while (lo < hi) {
        float pivot = scratch[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (scratch[i] < pivot)
                i++;
            while (scratch[j] > pivot)
                j--;
            if (i <= j) {
                float t = scratch[i];
                scratch[i++] = scratch[j];
                scratch[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return scratch[k];
}

/* x rounded up to 2 significant digits (6.19 -> 6.2, 0.1234 -> 0.13); x > 0. */
static float round_up_2sig(float x)
{
    double e = pow(10.0, floor(log10((double)x)) - 1.0);
    double r = ceil((double)x / e - 1e-9) * e;
    return (float)r;
}

ColorScale colorscale_fit_robust(ColormapKind kind, const float *v, long n, float q)
{
    if (kind != COLORMAP_DIVERGING || n <= 0 || n > (1L << 28))
        return colorscale_fit(kind, v, (int)(n > (1L << 28) ? 0 : n));
    float *scratch = malloc(sizeof(float) * (size_t)n);
    if (!scratch)
        return colorscale_fit(kind, v, (int)n);
    float mx = colormap_abs_quantile(v, n, 1.0f, scratch);
    float m = colormap_abs_quantile(v, n, q, scratch);
    free(scratch);
    if (!(m > 0.0f) || isinf(m))
        return colorscale_make(kind, -mx, mx);
    m = round_up_2sig(m);
    ColorScale s = colorscale_make(kind, -m, m);
    s.clipped = mx > m;
    return s;
}

Color colorscale_color(const ColorScale *s, float v)
{
    float span = s->hi - s->lo;
    switch (s->kind) {
    case COLORMAP_DIVERGING:
        return colormap_diverging(v / s->hi);
    case COLORMAP_GRAY:
        return colormap_gray((v - s->lo) / span);
    default:
        return colormap_sequential((v - s->lo) / span);
    }
}

static double srgb_to_linear(double c)
{
    c /= 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

float color_lightness(Color c)
{
    double y =
        0.2126 * srgb_to_linear(c.r) + 0.7152 * srgb_to_linear(c.g) + 0.0722 * srgb_to_linear(c.b);
    double f = y > 216.0 / 24389.0 ? cbrt(y) : (24389.0 / 27.0 * y + 16.0) / 116.0;
    return (float)(116.0 * f - 16.0);
}

static double luminance_of(Color c)
{
    return 0.2126 * srgb_to_linear(c.r) + 0.7152 * srgb_to_linear(c.g) +
           0.0722 * srgb_to_linear(c.b);
}

float color_contrast(Color a, Color b)
{
    double la = luminance_of(a), lb = luminance_of(b);
    return (float)(la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05));
}

Color color_readable_on(Color fg, Color bg, float need)
{
    if (color_contrast(fg, bg) >= need)
        return fg;
    Color to = color_text_on(bg);
    to.a = fg.a;
    /* the contrast rises monotonically toward black or white: 20 steps of 5% */
    for (int i = 1; i <= 20; i++) {
        Color c = color_mix(fg, to, (float)i / 20.0f);
        if (color_contrast(c, bg) >= need)
            return c;
    }
    return to;
}

Color color_text_on(Color bg)
{
    /* WCAG contrast of black, (Y + 0.05) / 0.05, against white's, 1.05 / (Y + 0.05): black
     * wins from Y = sqrt(1.05 * 0.05) - 0.05 = 0.179 (L* 49.5) up. Viridis' teal #21918c
     * (Y 0.22) reads 5.5:1 in black but 3.8:1 in white. */
    double y = luminance_of(bg);
    return (y + 0.05) / 0.05 >= 1.05 / (y + 0.05) ? (Color){0, 0, 0, 255}
                                                  : (Color){255, 255, 255, 255};
}

const char *colormap_format_value(float v, int decimals, char *out, size_t out_size)
{
    if (out_size == 0)
        return out;
    if (isnan(v)) {
        snprintf(out, out_size, "NaN");
        return out;
    }
    if (isinf(v)) {
        snprintf(out, out_size, "%s\xE2\x88\x9E", v < 0 ? "\xE2\x88\x92" : "");
        return out;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    char buf[64];
    double a = fabs((double)v);
    if (fabs(a - round(a)) < 1e-6 * fmax(1.0, a) || decimals == 0)
        snprintf(buf, sizeof buf, "%.0f", a);
    else {
        snprintf(buf, sizeof buf, "%.*f", decimals, a);
        /* trim trailing zeros so 0.50 reads 0.5 */
        size_t n = strlen(buf);
        while (n > 0 && buf[n - 1] == '0')
            buf[--n] = '\0';
        if (n > 0 && buf[n - 1] == '.')
            buf[--n] = '\0';
    }
    /* no "-0": only say minus when the printed magnitude is not zero */
    bool neg = v < 0.0f && strspn(buf, "0.") != strlen(buf);
    snprintf(out, out_size, "%s%s", neg ? "\xE2\x88\x92" : "", buf);
    return out;
}

const char *colormap_format_fixed(float v, int decimals, char *out, size_t out_size)
{
    if (out_size == 0)
        return out;
    if (!isfinite(v))
        return colormap_format_value(v, 0, out, out_size);
    decimals = decimals < 0 ? 0 : decimals > 6 ? 6 : decimals;
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, fabs((double)v));
    bool neg = v < 0.0f && strspn(buf, "0.") != strlen(buf);
    snprintf(out, out_size, "%s%s", neg ? "\xE2\x88\x92" : "", buf);
    return out;
}

void colormap_legend_ends(const ColorScale *s, int decimals, char *lo, char *hi, size_t size)
{
    char a[32], b[32];
    colormap_format_value(s->lo, decimals, a, sizeof a);
    colormap_format_value(s->hi, decimals, b, sizeof b);
    snprintf(lo, size, "%s%s", s->clipped ? "\xE2\x89\xA4" : "", a);
    snprintf(hi, size, "%s%s", s->clipped ? "\xE2\x89\xA5" : "", b);
}

int colormap_legend_decimals(const ColorScale *s)
{
    int dec = fabsf(s->hi - s->lo) >= 10.0f ? 1 : 2;
    float m = fmaxf(fabsf(s->lo), fabsf(s->hi));
    if (m > 0.0f && m < 0.1f) {
        /* two significant digits of the larger end: ±0.000015, not "0  0  0" */
        int need = (int)ceil(-log10((double)m)) + 1;
        need = need > 6 ? 6 : need;
        dec = need > dec ? need : dec;
    }
    return dec;
}

int colormap_legend_height(const Theme *th)
{
    return theme_px(th, 10) + theme_px(th, 3) + theme_px(th, THEME_SMALL * 1.25f);
}

void colormap_draw_legend(Render *r, const Theme *th, Rect rc, const ColorScale *s)
{
    int bar_h = theme_px(th, 10);
    if (rc.w < 8 || rc.h < bar_h)
        return;
    /* the gradient, in strips of 2 px (plenty for a smooth look, few rectangles) */
    int step = 2;
    for (int x = 0; x < rc.w; x += step) {
        float t = ((float)x + 0.5f * (float)step) / (float)rc.w;
        float v = s->lo + (s->hi - s->lo) * t;
        int w = x + step > rc.w ? rc.w - x : step;
        render_rect(r, (Rect){rc.x + x, rc.y, w, bar_h}, colorscale_color(s, v));
    }
    render_rect_outline(r, (Rect){rc.x, rc.y, rc.w, bar_h}, 1, th->border);
    int size = theme_px(th, THEME_SMALL);
    int ty = rc.y + bar_h + theme_px(th, 3);
    char lo[32], hi[32];
    colormap_legend_ends(s, colormap_legend_decimals(s), lo, hi, sizeof lo);
    /* labels that would collide give way: first the "0", then the max (the bar still shows it) */
    int lw = 0, hw = 0, zw = 0, gap = theme_px(th, 6);
    render_text_size(r, FONT_MONO, size, lo, &lw, NULL);
    render_text_size(r, FONT_MONO, size, hi, &hw, NULL);
    render_text_size(r, FONT_MONO, size, "0", &zw, NULL);
    bool zero = s->kind == COLORMAP_DIVERGING;
    int mx = rc.x + rc.w / 2;
    if (zero && (rc.x + lw + gap > mx - zw / 2 || mx + zw / 2 + gap > rc.x + rc.w - hw))
        zero = false;
    bool both = lw + gap + hw <= rc.w;
    render_text(r, FONT_MONO, size, lo, rc.x, ty, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    if (both)
        render_text(r, FONT_MONO, size, hi, rc.x + rc.w, ty, ALIGN_RIGHT | ALIGN_TOP, th->text_dim);
    if (s->kind == COLORMAP_DIVERGING)
        render_rect(r, (Rect){mx, rc.y + bar_h, 1, theme_px(th, 3)}, th->text_dim);
    if (zero)
        render_text(r, FONT_MONO, size, "0", mx, ty, ALIGN_CENTER | ALIGN_TOP, th->text_dim);
}
