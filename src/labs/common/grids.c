/* grids.c - the sweep labs' grid helpers (see grids.h). */
#include "labs/common/grids.h"

#include <math.h>

GridLayout lsu_grid_layout(Render *r, const Theme *th, const GridView *v, Rect avail)
{
    int lh = render_line_height(r, FONT_SANS_BOLD, theme_px(th, THEME_BODY));
    return grid_layout(v, avail, th, lh);
}

void lsu_highlight_eased(GridView *v, EaseRect *e, int row, int col, int rows, int cols,
                         GridHighlightKind kind, double now, float max_jump)
{
    ease_rect_target(e, (float)row, (float)col, (float)rows, (float)cols, now,
                     EASE_HIGHLIGHT_SECONDS, max_jump);
    float at[4];
    ease_rect_at(e, now, at);
    grid_add_highlight_eased(v, row, col, rows, cols, kind, at);
}

void lsu_outline_cell(Render *r, const Theme *th, Rect cell, Color c, int thickness)
{
    (void)th;
    render_rect_outline(r, cell, thickness, c);
}

void lsu_mark_unreached(Render *r, const Theme *th, const GridView *v, const GridLayout *lay,
                        const SweepAxis *rows, const SweepAxis *cols)
{
    Color tint = color_alpha(th->warning, 90);
    for (int i = 0; i < rows->n_unreached; i++) {
        Rect a = grid_cell_rect(v, lay, rows->unreached[i], 0);
        render_rect(r, (Rect){a.x, a.y, v->cols * lay->cell, lay->cell}, tint);
    }
    for (int i = 0; i < cols->n_unreached; i++) {
        Rect a = grid_cell_rect(v, lay, 0, cols->unreached[i]);
        render_rect(r, (Rect){a.x, a.y, lay->cell, v->rows * lay->cell}, tint);
    }
}

/* The half-width of the range lsu_scale_fit gives a constant map around its value: far
 * below what two decimals show, far above float rounding. */
static float flat_hair(float v)
{
    return 1e-4f * fmaxf(1.0f, fabsf(v));
}

ColorScale lsu_scale_fit(ColormapKind kind, const float *v, int n)
{
    ColorScale s = colorscale_fit(kind, v, n);
    if (kind != COLORMAP_SEQUENTIAL || n <= 0)
        return s;
    float lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        lo = fminf(lo, v[i]);
        hi = fmaxf(hi, v[i]);
    }
    if (lo == hi)
        s = colorscale_make(kind, lo - flat_hair(lo), lo + flat_hair(lo));
    return s;
}

int lsu_value_decimals(const float *v, int n)
{
    bool ints = true;
    float m = 0.0f;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        if (fabsf(v[i] - roundf(v[i])) > 1e-6f * fmaxf(1.0f, fabsf(v[i])))
            ints = false;
        m = fmaxf(m, fabsf(v[i]));
    }
    return ints ? 0 : m >= 100.0f ? 1 : 2;
}

void lsu_grid_draw(Render *r, const Theme *th, const GridView *v, const GridLayout *lay)
{
    grid_draw(r, th, v, lay);
    const ColorScale *s = &v->scale;
    float mid = 0.5f * (s->lo + s->hi);
    bool flat = s->kind == COLORMAP_SEQUENTIAL && s->hi - s->lo <= 2.5f * flat_hair(mid);
    if (!flat || !v->show_legend || lay->legend.w <= 0)
        return;
    Rect bar = {lay->legend.x, lay->legend.y, lay->legend.w, theme_px(th, 10)};
    render_rect(r, bar, colorscale_color(s, mid));
    render_rect_outline(r, bar, 1, th->border);
}
