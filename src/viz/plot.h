/* plot.h - a function plot: a title, a legend of curves, axes with "nice" ticks and labels,
 * curves drawn as polylines (or dots), a movable probe line with marked points.
 * Depends on: viz/render.h, viz/theme.h, viz/colormap.h. Reads samples, never computes them:
 * the caller fills the curves from the engine (act_value, act_deriv, ...).
 *
 * As with grid.h, layout, mapping and hit-testing are pure and tested without SDL:
 *   PlotLayout lay = plot_layout(&view, avail, th);   (pure)
 *   float x = plot_px_to_x(&view, &lay, mx);          (pure)
 *   plot_draw(r, th, &view, &lay);                    (draws) */
#ifndef CONVSCOPE_PLOT_H
#define CONVSCOPE_PLOT_H

#include "viz/render.h"
#include "viz/theme.h"

#include <stdbool.h>
#include <stddef.h>

#define PLOT_MAX_CURVES 6
#define PLOT_MAX_MARKS 8
#define PLOT_MAX_TICKS 16

/* Tick positions for one axis. */
typedef struct PlotTicks {
    int n;
    float v[PLOT_MAX_TICKS];
    float step;   /* linear spacing (1-2-5 times a power of ten); log axes: decades */
    int decimals; /* places that print every tick exactly */
} PlotTicks;

/* "Nice" linear ticks: every multiple of step in [lo, hi], step the smallest of 1, 2, 5 times
 * a power of ten giving at most max_ticks ticks (2 <= max_ticks <= PLOT_MAX_TICKS). */
PlotTicks plot_ticks_linear(float lo, float hi, int max_ticks);
/* Log ticks: the powers of ten in [lo, hi] (lo > 0), thinned to every 2nd, 3rd... decade so
 * at most max_ticks remain. */
PlotTicks plot_ticks_log(float lo, float hi, int max_ticks);
/* A tick label: linear with the given decimals and U+2212 minus ("−0.5", "2"); log axes as a
 * power of ten with superscripts ("10⁻³", "1"). Returns out. */
const char *plot_format_tick(float v, int decimals, bool log_axis, char *out, size_t out_size);

typedef struct PlotCurve {
    const float *xs, *ys; /* (n) samples, borrowed; xs increasing */
    int n;
    Color color;
    const char *label;    /* legend text ("relu(x)"); NULL: not in the legend */
    float thickness;      /* px at scale 1.0 (0: 2.5) */
    bool dots;            /* a dot at each sample as well as the line */
    bool no_line;         /* dots only */
} PlotCurve;

/* A labelled point: the probe's value on each curve, or a named value like (0, 0.25). */
typedef struct PlotMark {
    float x, y;
    Color color;
    const char *label; /* written beside the point; NULL: none */
} PlotMark;

typedef struct PlotView {
    const char *title;   /* above the plot; NULL: none */
    const char *x_label; /* under the x ticks ("x") */
    const char *y_label; /* above the y axis ("f(x)") */
    float x_lo, x_hi, y_lo, y_hi;
    bool log_y;          /* y on a log scale (y_lo > 0) */
    PlotCurve curves[PLOT_MAX_CURVES];
    int n_curves;
    bool show_probe;     /* an amber vertical line at probe_x with a handle */
    float probe_x;
    PlotMark marks[PLOT_MAX_MARKS];
    int n_marks;
} PlotView;

/* An empty view over [x_lo, x_hi] x [y_lo, y_hi]. */
PlotView plot_view_make(const char *title, float x_lo, float x_hi, float y_lo, float y_hi);
/* Appends a curve / a mark; ignored when full. Returns the curve (NULL when full). */
PlotCurve *plot_add_curve(PlotView *v, const float *xs, const float *ys, int n, Color color,
                          const char *label);
void plot_add_mark(PlotView *v, float x, float y, Color color, const char *label);

typedef struct PlotLayout {
    Rect bounds; /* everything drawn */
    Rect title;  /* title line (h 0 without) */
    Rect legend; /* legend line (h 0 without labelled curves) */
    Rect area;   /* the data rectangle; the axes run along its left and bottom edges */
    PlotTicks xt, yt;
    int tick_size;   /* font px of tick labels */
    int label_size;  /* font px of the axis labels and legend */
    int title_size;
} PlotLayout;

/* Pure layout in avail at the theme's scale: room for the title, legend, y tick labels (their
 * widest label estimated from the mono font's advance, 0.6 em), x tick labels and the x label.
 * The area is at least 1x1 px. */
PlotLayout plot_layout(const PlotView *v, Rect avail, const Theme *th);

/* Data to pixels and back (pure). Log y maps log10(y); y <= 0 maps below the area. */
float plot_x_to_px(const PlotView *v, const PlotLayout *lay, float x);
float plot_y_to_px(const PlotView *v, const PlotLayout *lay, float y);
float plot_px_to_x(const PlotView *v, const PlotLayout *lay, float px);
float plot_px_to_y(const PlotView *v, const PlotLayout *lay, float py);

/* Whether (x, y) is close enough to the probe line to grab it (within 10 px at scale 1). */
bool plot_hit_probe(const PlotView *v, const PlotLayout *lay, const Theme *th, int x, int y);

/* Draws the plot as laid out. */
void plot_draw(Render *r, const Theme *th, const PlotView *v, const PlotLayout *lay);

#endif
