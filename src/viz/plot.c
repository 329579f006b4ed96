/* plot.c - see plot.h. */
#include "viz/plot.h"

#include "viz/colormap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The mono font's advance is 0.602 em (DejaVu Sans Mono); layout estimates with it. */
#define MONO_ADVANCE 0.61f

PlotTicks plot_ticks_linear(float lo, float hi, int max_ticks)
{
    PlotTicks t;
    memset(&t, 0, sizeof t);
    if (max_ticks < 2)
        max_ticks = 2;
    if (max_ticks > PLOT_MAX_TICKS)
        max_ticks = PLOT_MAX_TICKS;
    if (!(hi > lo) || !isfinite(lo) || !isfinite(hi)) {
        t.n = 1;
        t.v[0] = lo;
        t.step = 1.0f;
        return t;
    }
    double range = (double)hi - (double)lo;
    static const double mult[3] = {1.0, 2.0, 5.0};
    /* walk 1, 2, 5, 10, 20, ... from well below the range until the count fits */
    int e = (int)floor(log10(range)) - 3;
    for (int guard = 0; guard < 40; guard++, e++) {
        for (int k = 0; k < 3; k++) {
            double step = mult[k] * pow(10.0, e);
            double first = ceil((double)lo / step - 1e-6);
            double last = floor((double)hi / step + 1e-6);
            if (last - first + 1.0 > (double)max_ticks)
                continue;
            t.step = (float)step;
            t.decimals = e < 0 ? -e : 0;
            for (double i = first; i <= last && t.n < PLOT_MAX_TICKS; i += 1.0) {
                double v = i * step;
                /* -0 and 1e-17 print as 0 */
                t.v[t.n++] = fabs(v) < step * 1e-6 ? 0.0f : (float)v;
            }
            return t;
        }
    }
    t.n = 2;
    t.v[0] = lo;
    t.v[1] = hi;
    t.step = hi - lo;
    return t;
}

PlotTicks plot_ticks_log(float lo, float hi, int max_ticks)
{
    PlotTicks t;
    memset(&t, 0, sizeof t);
    if (max_ticks < 2)
        max_ticks = 2;
    if (max_ticks > PLOT_MAX_TICKS)
        max_ticks = PLOT_MAX_TICKS;
    if (!(lo > 0.0f) || !(hi > lo))
        return t;
    int e0 = (int)ceil(log10((double)lo) - 1e-6);
    int e1 = (int)floor(log10((double)hi) + 1e-6);
    int count = e1 - e0 + 1;
    int every = (count + max_ticks - 1) / max_ticks;
    if (every < 1)
        every = 1;
    /* keep 10^0 = 1 on the grid when it is in range, so thinning stays aligned to it */
    int start = e0;
    while (start % every != 0)
        start++;
    for (int e = start; e <= e1 && t.n < PLOT_MAX_TICKS; e += every)
        t.v[t.n++] = (float)pow(10.0, e);
    t.step = (float)every;
    return t;
}

static const char *const superscripts[10] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};

const char *plot_format_tick(float v, int decimals, bool log_axis, char *out, size_t out_size)
{
    if (out_size == 0)
        return out;
    out[0] = '\0';
    if (log_axis && v > 0.0f) {
        int e = (int)lround(log10((double)v));
        if (e == 0) {
            snprintf(out, out_size, "1");
            return out;
        }
        if (e == 1) {
            snprintf(out, out_size, "10");
            return out;
        }
        char digits[16];
        snprintf(digits, sizeof digits, "%d", e < 0 ? -e : e);
        size_t len = (size_t)snprintf(out, out_size, "10%s", e < 0 ? "⁻" : "");
        for (const char *d = digits; *d && len < out_size; d++)
            len += (size_t)snprintf(out + len, out_size - len, "%s", superscripts[*d - '0']);
        return out;
    }
    if (decimals < 0)
        decimals = 0;
    char buf[48];
    snprintf(buf, sizeof buf, "%.*f", decimals, (double)v);
    /* "-0.0" is 0; a minus sign is U+2212 */
    bool all_zero = true;
    for (const char *p = buf; *p; p++)
        if (*p >= '1' && *p <= '9')
            all_zero = false;
    const char *body = buf[0] == '-' ? buf + 1 : buf;
    snprintf(out, out_size, "%s%s", buf[0] == '-' && !all_zero ? "−" : "", body);
    return out;
}

PlotView plot_view_make(const char *title, float x_lo, float x_hi, float y_lo, float y_hi)
{
    PlotView v;
    memset(&v, 0, sizeof v);
    v.title = title;
    v.x_lo = x_lo;
    v.x_hi = x_hi;
    v.y_lo = y_lo;
    v.y_hi = y_hi;
    return v;
}

PlotCurve *plot_add_curve(PlotView *v, const float *xs, const float *ys, int n, Color color,
                          const char *label)
{
    if (v->n_curves >= PLOT_MAX_CURVES)
        return NULL;
    PlotCurve *c = &v->curves[v->n_curves++];
    memset(c, 0, sizeof *c);
    c->xs = xs;
    c->ys = ys;
    c->n = n;
    c->color = color;
    c->label = label;
    return c;
}

void plot_add_mark(PlotView *v, float x, float y, Color color, const char *label)
{
    if (v->n_marks >= PLOT_MAX_MARKS)
        return;
    PlotMark *m = &v->marks[v->n_marks++];
    m->x = x;
    m->y = y;
    m->color = color;
    m->label = label;
}

/* Columns a tick label takes (UTF-8 characters, each one mono advance). */
static int utf8_chars(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static PlotTicks y_ticks(const PlotView *v, int max_ticks)
{
    return v->log_y ? plot_ticks_log(v->y_lo, v->y_hi, max_ticks)
                    : plot_ticks_linear(v->y_lo, v->y_hi, max_ticks);
}

PlotLayout plot_layout(const PlotView *v, Rect avail, const Theme *th)
{
    PlotLayout lay;
    memset(&lay, 0, sizeof lay);
    lay.bounds = avail;
    lay.title_size = theme_px(th, THEME_HEADING);
    lay.label_size = theme_px(th, THEME_BODY);
    lay.tick_size = theme_px(th, THEME_SMALL + 1);
    int gap = theme_px(th, 6);
    int y = avail.y;
    if (v->title) {
        int h = (int)lroundf((float)lay.title_size * 1.4f);
        lay.title = (Rect){avail.x, y, avail.w, h};
        y += h;
    }
    bool has_legend = v->y_label != NULL;
    for (int i = 0; i < v->n_curves; i++)
        has_legend = has_legend || v->curves[i].label != NULL;
    if (has_legend) {
        int h = (int)lroundf((float)lay.label_size * 1.5f);
        lay.legend = (Rect){avail.x, y, avail.w, h};
        y += h;
    }
    int tick_line = (int)lroundf((float)lay.tick_size * 1.4f);
    int bottom = tick_line + gap; /* x tick labels under the axis */
    if (v->x_label)
        bottom += (int)lroundf((float)lay.label_size * 1.4f);
    int area_h = avail.y + avail.h - bottom - y - gap;
    if (area_h < 1)
        area_h = 1;
    /* y ticks about 2.5 lines apart at least */
    int max_y = area_h / (tick_line * 2);
    lay.yt = y_ticks(v, max_y < 3 ? 3 : max_y);
    int widest = 1;
    for (int i = 0; i < lay.yt.n; i++) {
        char buf[32];
        plot_format_tick(lay.yt.v[i], lay.yt.decimals, v->log_y, buf, sizeof buf);
        int n = utf8_chars(buf);
        widest = n > widest ? n : widest;
    }
    int left = (int)ceilf((float)widest * MONO_ADVANCE * (float)lay.tick_size) + 2 * gap;
    /* half a tick label may stick out to the right of the last x tick */
    int right = (int)ceilf(2.5f * MONO_ADVANCE * (float)lay.tick_size);
    int area_w = avail.w - left - right;
    if (area_w < 1)
        area_w = 1;
    lay.area = (Rect){avail.x + left, y + gap, area_w, area_h};
    /* x tick labels about 6 characters apart at least */
    int max_x = (int)((float)area_w / (6.0f * MONO_ADVANCE * (float)lay.tick_size));
    lay.xt = plot_ticks_linear(v->x_lo, v->x_hi, max_x < 2 ? 2 : max_x);
    return lay;
}

float plot_x_to_px(const PlotView *v, const PlotLayout *lay, float x)
{
    float span = v->x_hi - v->x_lo;
    if (!(span != 0.0f))
        return (float)lay->area.x;
    return (float)lay->area.x + (x - v->x_lo) / span * (float)lay->area.w;
}

float plot_px_to_x(const PlotView *v, const PlotLayout *lay, float px)
{
    if (lay->area.w <= 0)
        return v->x_lo;
    return v->x_lo + (px - (float)lay->area.x) / (float)lay->area.w * (v->x_hi - v->x_lo);
}

float plot_y_to_px(const PlotView *v, const PlotLayout *lay, float y)
{
    float bottom = (float)(lay->area.y + lay->area.h);
    if (v->log_y) {
        if (!(y > 0.0f) || !(v->y_lo > 0.0f))
            return bottom + (float)lay->area.h; /* off the bottom */
        double l0 = log10((double)v->y_lo), l1 = log10((double)v->y_hi);
        return bottom - (float)((log10((double)y) - l0) / (l1 - l0)) * (float)lay->area.h;
    }
    float span = v->y_hi - v->y_lo;
    if (!(span != 0.0f))
        return bottom;
    return bottom - (y - v->y_lo) / span * (float)lay->area.h;
}

float plot_px_to_y(const PlotView *v, const PlotLayout *lay, float py)
{
    float bottom = (float)(lay->area.y + lay->area.h);
    float t = lay->area.h > 0 ? (bottom - py) / (float)lay->area.h : 0.0f;
    if (v->log_y) {
        double l0 = log10((double)v->y_lo), l1 = log10((double)v->y_hi);
        return (float)pow(10.0, l0 + t * (l1 - l0));
    }
    return v->y_lo + t * (v->y_hi - v->y_lo);
}

bool plot_hit_probe(const PlotView *v, const PlotLayout *lay, const Theme *th, int x, int y)
{
    if (!v->show_probe)
        return false;
    Rect grab = rect_inset(lay->area, -theme_px(th, 4));
    if (!rect_contains(grab, x, y))
        return false;
    float px = plot_x_to_px(v, lay, v->probe_x);
    return fabsf((float)x - px) <= (float)theme_px(th, 10);
}

void plot_draw(Render *r, const Theme *th, const PlotView *v, const PlotLayout *lay)
{
    Rect a = lay->area;
    int gap = theme_px(th, 6);
    char buf[48];
    if (v->title && lay->title.h > 0) {
        /* a narrow plot writes its title smaller (down to the label size), then cuts it */
        int size = lay->title_size, w = 0;
        for (; size > lay->label_size; size--) {
            render_text_size(r, FONT_SANS_BOLD, size, v->title, &w, NULL);
            if (w <= lay->title.w)
                break;
        }
        char fit[256];
        render_text_fit(r, FONT_SANS_BOLD, size, v->title, lay->title.w, fit, sizeof fit);
        render_text_in(r, FONT_SANS_BOLD, size, fit, lay->title, ALIGN_LEFT | ALIGN_MIDDLE,
                       th->text);
    }

    /* legend: the y label on the left, then a swatch and label per curve; when that is wider
     * than the plot, it starts at the plot's left edge with tick-size labels, then clips */
    if (lay->legend.h > 0) {
        int size = lay->label_size, sw = theme_px(th, 18);
        int total = 0, w = 0;
        if (v->y_label) {
            render_text_size(r, FONT_SANS, size, v->y_label, &w, NULL);
            total += w + 3 * gap;
        }
        for (int i = 0; i < v->n_curves; i++)
            if (v->curves[i].label) {
                render_text_size(r, FONT_SANS, size, v->curves[i].label, &w, NULL);
                total += sw + gap + w + 3 * gap;
            }
        int x = a.x;
        if (x + total - 3 * gap > lay->legend.x + lay->legend.w) {
            x = lay->legend.x;
            size = lay->tick_size;
            sw = theme_px(th, 12);
        }
        render_clip_push(r, lay->legend);
        int cy = lay->legend.y + lay->legend.h / 2;
        if (v->y_label) {
            int yw = render_text(r, FONT_SANS, size, v->y_label, x, cy,
                                 ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
            x += yw + 3 * gap;
        }
        for (int i = 0; i < v->n_curves; i++) {
            const PlotCurve *c = &v->curves[i];
            if (!c->label)
                continue;
            if (c->no_line)
                render_circle(r, (float)x + (float)sw / 2.0f, (float)cy, (float)theme_px(th, 4),
                              c->color);
            else
                render_line(r, (float)x, (float)cy, (float)(x + sw), (float)cy,
                            (float)theme_px(th, 3), c->color);
            x += sw + gap;
            int lw = render_text(r, FONT_SANS, size, c->label, x, cy, ALIGN_LEFT | ALIGN_MIDDLE,
                                 th->text);
            x += lw + 3 * gap;
        }
        render_clip_pop(r);
    }

    /* grid lines and tick labels */
    Color grid = th->border;
    for (int i = 0; i < lay->xt.n; i++) {
        float px = plot_x_to_px(v, lay, lay->xt.v[i]);
        if (px < (float)a.x - 0.5f || px > (float)(a.x + a.w) + 0.5f)
            continue;
        render_line(r, px, (float)a.y, px, (float)(a.y + a.h), 1.0f, grid);
        plot_format_tick(lay->xt.v[i], lay->xt.decimals, false, buf, sizeof buf);
        render_text(r, FONT_MONO, lay->tick_size, buf, (int)lroundf(px), a.y + a.h + gap / 2,
                    ALIGN_CENTER | ALIGN_TOP, th->text_dim);
    }
    for (int i = 0; i < lay->yt.n; i++) {
        float py = plot_y_to_px(v, lay, lay->yt.v[i]);
        if (py < (float)a.y - 0.5f || py > (float)(a.y + a.h) + 0.5f)
            continue;
        render_line(r, (float)a.x, py, (float)(a.x + a.w), py, 1.0f, grid);
        plot_format_tick(lay->yt.v[i], lay->yt.decimals, v->log_y, buf, sizeof buf);
        render_text(r, FONT_MONO, lay->tick_size, buf, a.x - gap, (int)lroundf(py),
                    ALIGN_RIGHT | ALIGN_MIDDLE, th->text_dim);
    }
    if (v->x_label)
        render_text(r, FONT_SANS, lay->label_size, v->x_label, a.x + a.w / 2,
                    a.y + a.h + gap / 2 + (int)lroundf((float)lay->tick_size * 1.4f),
                    ALIGN_CENTER | ALIGN_TOP, th->text_dim);

    /* the zero axes, brighter than the grid, and the frame's left and bottom edges */
    float axis_w = (float)theme_px(th, 1.5f);
    if (v->x_lo < 0.0f && v->x_hi > 0.0f) {
        float px = plot_x_to_px(v, lay, 0.0f);
        render_line(r, px, (float)a.y, px, (float)(a.y + a.h), axis_w, th->text_dim);
    }
    if (!v->log_y && v->y_lo < 0.0f && v->y_hi > 0.0f) {
        float py = plot_y_to_px(v, lay, 0.0f);
        render_line(r, (float)a.x, py, (float)(a.x + a.w), py, axis_w, th->text_dim);
    }
    render_line(r, (float)a.x, (float)a.y, (float)a.x, (float)(a.y + a.h), axis_w, th->text_dim);
    render_line(r, (float)a.x, (float)(a.y + a.h), (float)(a.x + a.w), (float)(a.y + a.h),
                axis_w, th->text_dim);

    /* curves, clipped to the area (a steep curve leaves it rather than smearing the labels) */
    render_clip_push(r, rect_inset(a, -theme_px(th, 2)));
    for (int i = 0; i < v->n_curves; i++) {
        const PlotCurve *c = &v->curves[i];
        float thick = (float)theme_px(th, c->thickness > 0.0f ? c->thickness : 2.5f);
        bool have_prev = false;
        float px0 = 0.0f, py0 = 0.0f;
        for (int k = 0; k < c->n; k++) {
            float y = c->ys[k];
            if (!isfinite(y) || (v->log_y && !(y > 0.0f))) {
                have_prev = false;
                continue;
            }
            float px = plot_x_to_px(v, lay, c->xs[k]);
            float py = plot_y_to_px(v, lay, y);
            if (have_prev && !c->no_line)
                render_line(r, px0, py0, px, py, thick, c->color);
            if (c->dots || c->no_line)
                render_circle(r, px, py, thick * 1.6f, c->color);
            px0 = px;
            py0 = py;
            have_prev = true;
        }
    }

    /* the probe: an amber line across the area with a handle at the top and its x written */
    if (v->show_probe && v->probe_x >= v->x_lo && v->probe_x <= v->x_hi) {
        float px = plot_x_to_px(v, lay, v->probe_x);
        render_line(r, px, (float)a.y, px, (float)(a.y + a.h), (float)theme_px(th, 2),
                    th->accent);
        float hs = (float)theme_px(th, 7);
        render_triangle(r, px - hs, (float)a.y, px + hs, (float)a.y, px, (float)a.y + hs * 1.4f,
                        th->accent);
    }
    /* marks, then their labels; a label that would cover an earlier one moves to the other
     * side of its point, then below it */
    Rect placed[PLOT_MAX_MARKS];
    int n_placed = 0;
    for (int i = 0; i < v->n_marks; i++) {
        const PlotMark *m = &v->marks[i];
        if (!isfinite(m->y) || (v->log_y && !(m->y > 0.0f)))
            continue;
        float px = plot_x_to_px(v, lay, m->x), py = plot_y_to_px(v, lay, m->y);
        float rad = (float)theme_px(th, 5);
        render_circle(r, px, py, rad + (float)theme_px(th, 1.5f), th->bg);
        render_circle(r, px, py, rad, m->color);
    }
    for (int i = 0; i < v->n_marks; i++) {
        const PlotMark *m = &v->marks[i];
        if (!m->label || !isfinite(m->y) || (v->log_y && !(m->y > 0.0f)))
            continue;
        float px = plot_x_to_px(v, lay, m->x), py = plot_y_to_px(v, lay, m->y);
        float rad = (float)theme_px(th, 5);
        int tw = 0, thh = 0;
        render_text_size(r, FONT_MONO, lay->tick_size, m->label, &tw, &thh);
        int pad = theme_px(th, 3);
        int off = (int)(rad * 2.0f);
        bool fits_right = px + (float)off + (float)tw <= (float)(a.x + a.w);
        bool fits_left = px - (float)off - (float)tw >= (float)a.x;
        Rect best = {0, 0, 0, 0};
        bool found = false;
        for (int attempt = 0; attempt < 6 && !found; attempt++) {
            /* right, left, then both sides one and two lines lower; a side the label does
             * not fit on is skipped */
            bool left = attempt % 2 == 1;
            if (!fits_right && fits_left)
                left = true;
            else if (!fits_left)
                left = false;
            int dy = (attempt / 2) * (thh + pad);
            int ty = (int)py + dy;
            if (ty - thh / 2 < a.y)
                ty = a.y + thh / 2 + 2;
            if (ty + thh / 2 > a.y + a.h)
                ty = a.y + a.h - thh / 2 - 2 - dy;
            int tx = left ? (int)px - off - tw : (int)px + off;
            Rect box = {tx - pad, ty - thh / 2 - pad / 2, tw + 2 * pad, thh + pad};
            bool clash = false;
            for (int k = 0; k < n_placed; k++)
                if (rect_intersect(box, placed[k]).w > 0 && rect_intersect(box, placed[k]).h > 0)
                    clash = true;
            if (!clash || attempt == 5) {
                best = box;
                found = true;
            }
        }
        if (n_placed < PLOT_MAX_MARKS)
            placed[n_placed++] = best;
        render_round_rect(r, best, pad, color_alpha(th->bg, 225));
        /* in the mark's colour where it reads as text (4.5:1, aimed at 4.7: the box is the ground
         * at 88% over the plot, a shade off th->bg), else darkened */
        render_text(r, FONT_MONO, lay->tick_size, m->label, best.x + pad, best.y + pad / 2,
                    ALIGN_LEFT | ALIGN_TOP, color_readable_on(m->color, th->bg, 4.7f));
    }
    render_clip_pop(r);
}
