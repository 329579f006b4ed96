/* colormap.h - the colour maps of LOOK.md: a viridis-like sequential map for magnitudes and a
 * blue #3b6fd8 -> near-white -> orange #e8772e diverging map (0 at white) for signed values;
 * text colour by lightness; the legend widget. Depends on: viz/render.h, viz/theme.h.
 * Everything except colormap_draw_legend is a pure function. */
#ifndef CONVSCOPE_COLORMAP_H
#define CONVSCOPE_COLORMAP_H

#include "viz/render.h"
#include "viz/theme.h"

typedef enum ColormapKind {
    COLORMAP_SEQUENTIAL, /* viridis-like: dark purple (low) -> yellow (high) */
    COLORMAP_DIVERGING,  /* blue (negative) -> white (0) -> orange (positive) */
    COLORMAP_GRAY        /* black -> white: raw pixels when asked for */
} ColormapKind;

/* A map and the value range it spans. For DIVERGING the range is symmetric about 0 so that 0
 * is white: hi = -lo = max|value|. */
typedef struct ColorScale {
    ColormapKind kind;
    float lo, hi;
    bool clipped; /* some values lie beyond lo..hi and take the end colours (the legend then
                   * labels its ends "≤lo" and "≥hi"); see colorscale_fit_robust */
} ColorScale;

/* Sequential colour at t in [0, 1] (clamped; NaN -> t = 0). Lightness rises with t. */
Color colormap_sequential(float t);
/* Diverging colour at t in [-1, 1] (clamped; NaN -> 0): -1 blue, 0 near-white, +1 orange. */
Color colormap_diverging(float t);
/* Gray at t in [0, 1] (clamped). */
Color colormap_gray(float t);

/* The scale covering n values: SEQUENTIAL/GRAY [min, max], DIVERGING [-m, m] with
 * m = max|v|. A flat or empty range widens to a unit span so no division by 0 happens. */
ColorScale colorscale_fit(ColormapKind kind, const float *v /* (n) */, int n);
/* A scale a class can read on a map whose few large values would wash the rest out to
 * near-white: DIVERGING [-m, m] with m the q-quantile of |v| (q in (0, 1], e.g. 0.98) rounded
 * up to 2 significant digits, .clipped when some |v| exceed m; other kinds as colorscale_fit.
 * Allocates scratch for n floats (falls back to colorscale_fit when that fails). */
ColorScale colorscale_fit_robust(ColormapKind kind, const float *v /* (n) */, long n, float q);
/* The q-quantile (q in [0, 1]) of |v| over the finite values of v: the k-th smallest with
 * k = ceil(q * count) - 1 (q = 1: the maximum); 0 when none is finite. scratch holds n floats. */
float colormap_abs_quantile(const float *v, long n, float q, float *scratch);
/* A fixed scale (lo == hi widens as above; DIVERGING symmetrises). */
ColorScale colorscale_make(ColormapKind kind, float lo, float hi);
/* Colour of value v on scale s (outside the range clamps to the ends). */
Color colorscale_color(const ColorScale *s, float v);

/* CIE L* lightness of an sRGB colour, 0 (black) .. 100 (white). */
float color_lightness(Color c);
/* Black or white text, whichever has the higher WCAG contrast on bg (black from relative
 * luminance 0.179, L* 49.5, up). */
Color color_text_on(Color bg);
/* WCAG 2 contrast ratio of two opaque colours, 1 (equal) .. 21 (black on white). */
float color_contrast(Color a, Color b);
/* fg, or fg mixed toward black or white (whichever bg contrasts with more) just far enough to
 * reach `need`:1 contrast on bg: a curve's colour kept for its label where it reads, darkened
 * (light theme) where it would be too faint. */
Color color_readable_on(Color fg, Color bg, float need);
/* Linear mix a*(1-t) + b*t, t clamped to [0, 1]; alpha mixed too. */
Color color_mix(Color a, Color b, float t);
/* c with alpha replaced. */
Color color_alpha(Color c, uint8_t a);

/* Formats v compactly for labels: integers without decimals, else up to `decimals` places
 * with trailing zeros trimmed; U+2212 minus sign. Returns out. */
const char *colormap_format_value(float v, int decimals, char *out, size_t out_size);

/* v with exactly `decimals` places (no trimming: a grid's cells all read alike, "0.090" beside
 * "0.101"), U+2212 minus, no "-0"; NaN and ±∞ as colormap_format_value. Returns out. */
const char *colormap_format_fixed(float v, int decimals, char *out, size_t out_size);
/* The legend's end labels of s at `decimals` (trimmed as colormap_format_value), with "≤" and
 * "≥" in front when s.clipped. */
void colormap_legend_ends(const ColorScale *s, int decimals, char *lo, char *hi, size_t size);
/* The decimals colormap_draw_legend writes s's ends with: 1 for a span of 10 or more, else 2, and
 * more (up to 6) when the larger end is under 0.1, so that it keeps two significant digits. */
int colormap_legend_decimals(const ColorScale *s);

/* A horizontal legend bar in rc: the gradient, with min, 0 (diverging) and max written
 * underneath in the mono font ("≤min" / "≥max" when the scale is clipped). Needs rc.h of about 2.5
 * lines of small text. */
void colormap_draw_legend(Render *r, const Theme *th, Rect rc, const ColorScale *s);
/* The height colormap_draw_legend wants at the theme's scale. */
int colormap_legend_height(const Theme *th);

#endif
