/* labs/backprop/view_grids.c - how the Backprop lab lays out and draws its grids: a row of
 * grids side by side sharing one cell size (titles' shapes moved to a second line alike when
 * one does not fit), amber outlines of cell ranges, arrows; every grid drawn is remembered for
 * the hover tooltip.
 * Depends on: view_int.h, labs/common/labkit.h, viz (grid, colormap). */
#include "labs/backprop/view_int.h"

#include <math.h>
#include <stdio.h>

int bpview_body_px(const Theme *th)
{
    return theme_px(th, THEME_BODY);
}

/* The height a grid needs above and below its cells (title and legend). */
int bpview_grid_chrome_h(Render *r, const Theme *th)
{
    int lh = render_line_height(r, FONT_SANS_BOLD, bpview_body_px(th));
    return lh + theme_px(th, 4) + colormap_legend_height(th) + theme_px(th, 6);
}

/* The narrowest column a grid may have: its legend's minimum width. */
static int bpview_grid_min_w(const Theme *th)
{
    return theme_px(th, 168);
}

/* A grid view of data (rows, cols) with a title and shape, values as the V key says. */
GridView bpview_make_view(LabContext *ctx, const char *title, const char *shape, const float *data,
                          int rows, int cols, ColorScale scale, int decimals)
{
    GridView v = grid_view_make(title, data, rows, cols, scale.kind);
    v.shape = shape;
    v.scale = scale;
    v.show_values = ctx->show_values;
    v.decimals = decimals;
    return v;
}

/* Lays the view out in avail with cells of at most cell px, draws it, and remembers it for the
 * hover tooltip under name. */
GridLayout bpview_draw_view(BpLab *L, LabContext *ctx, GridView *v, Rect avail, int cell,
                            const char *name)
{
    const Theme *th = ctx->th;
    v->max_cell = (int)floorf((float)cell / th->scale);
    if (v->max_cell < 1)
        v->max_cell = 1;
    GridLayout lay = lsu_grid_layout(ctx->r, th, v, avail);
    /* automatic values: fewer decimals before none at all */
    if (v->show_values && lay.value_size == 0 && v->decimals > 1) {
        v->decimals = 2;
        lay = lsu_grid_layout(ctx->r, th, v, avail);
    }
    /* a vector whose cells are too small for its values: without the legend (its values are
     * in the cells) the cells may grow to the room there is, up to GRID_MAX_CELL */
    if (v->show_values && lay.value_size == 0 && v->show_legend && (v->rows == 1 || v->cols == 1)) {
        GridView w = *v;
        w.show_legend = false;
        w.max_cell = 0;
        GridLayout wl = lsu_grid_layout(ctx->r, th, &w, avail);
        if (wl.value_size == 0 && w.decimals > 1) {
            w.decimals = 2;
            wl = lsu_grid_layout(ctx->r, th, &w, avail);
        }
        if (wl.value_size > 0) {
            *v = w;
            lay = wl;
        }
    }
    grid_draw(ctx->r, th, v, &lay);
    if (L->n_hov < MAX_HOVER && name) {
        HoverGrid *h = &L->hov[L->n_hov++];
        h->v = *v;
        h->lay = lay;
        snprintf(h->name, sizeof h->name, "%s", name);
        h->vector = v->rows == 1 || v->cols == 1;
    }
    return lay;
}

/* The narrowest column for n grids in width w: the legend's width, or less when the window
 * is too narrow for that. */
int bpview_eff_min_w(const Theme *th, int w, int n, int gap)
{
    int minw = bpview_grid_min_w(th), fit = (w - (n - 1) * gap) / (n > 0 ? n : 1);
    return fit < minw ? (fit > 8 ? fit : 8) : minw;
}

int bpview_row_cell(Render *r, const Theme *th, Rect area, const int *rows, const int *cols, int n,
                    int gap)
{
    int chrome = bpview_grid_chrome_h(r, th), minw = bpview_eff_min_w(th, area.w, n, gap);
    int cell = theme_px(th, GRID_MAX_CELL);
    for (; cell > 2; cell--) {
        int w = 0, h = 0;
        for (int i = 0; i < n; i++) {
            int cw = cols[i] * cell;
            w += (cw > minw ? cw : minw) + (i ? gap : 0);
            h = rows[i] * cell + chrome > h ? rows[i] * cell + chrome : h;
        }
        if (w <= area.w && h <= area.h)
            break;
    }
    return cell;
}

/* The column rects of n grids side by side (centred in area, widths by content). */
void bpview_row_rects(const Theme *th, Rect area, const int *cols, int n, int cell, int gap,
                      Rect *out)
{
    int minw = bpview_eff_min_w(th, area.w, n, gap), total = 0;
    int w[8];
    for (int i = 0; i < n; i++) {
        w[i] = cols[i] * cell > minw ? cols[i] * cell : minw;
        total += w[i] + (i ? gap : 0);
    }
    int x = area.x + (area.w - total) / 2;
    for (int i = 0; i < n; i++) {
        out[i] = (Rect){x, area.y, w[i], area.h};
        x += w[i] + gap;
    }
}

/* Cell size and column rects for the n grids v side by side in area (row_cell, row_rects;
 * each grid's padding ring counts). When a grid's "title shape" would not fit its column at
 * the body size, every grid of the row moves its shape to the second title line (all alike,
 * so the grids stay level) and the cells give that line room, rather than the titles
 * shrinking to 10 px. */
int bpview_row_fit(LabContext *ctx, Rect area, GridView **v, int n, int gap, Rect *rc)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    int rows[8] = {0}, cols[8] = {0};
    n = n < 8 ? n : 8;
    for (int k = 0; k < n; k++) {
        rows[k] = v[k]->rows + v[k]->pad_top + v[k]->pad_bottom;
        cols[k] = v[k]->cols + v[k]->pad_left + v[k]->pad_right;
    }
    int cell = bpview_row_cell(r, th, area, rows, cols, n, gap);
    bpview_row_rects(th, area, cols, n, cell, gap, rc);
    bool below = false;
    for (int k = 0; k < n; k++)
        below |= v[k]->title && v[k]->shape && v[k]->shape[0] &&
                 !grid_title_fits(r, th, v[k]->title, v[k]->shape, rc[k].w);
    if (!below)
        return cell;
    for (int k = 0; k < n; k++)
        if (v[k]->shape && v[k]->shape[0]) {
            v[k]->note = v[k]->shape;
            v[k]->shape = "";
        }
    Rect shorter = area;
    shorter.h -= render_line_height(r, FONT_SANS_BOLD, bpview_body_px(th));
    cell = bpview_row_cell(r, th, shorter, rows, cols, n, gap);
    bpview_row_rects(th, area, cols, n, cell, gap, rc);
    return cell;
}

/* Amber outlines of the cells [c0, c1) (flat indices of a rows×cols view), as at most three
 * boxes: the partial first row, the full rows, the partial last row. */
void bpview_outline_range(LabContext *ctx, const GridView *v, const GridLayout *lay, long c0,
                          long c1, Color col)
{
    if (c1 <= c0)
        return;
    int t = theme_px(ctx->th, 3);
    long w = v->cols;
    long r0 = c0 / w, r1 = (c1 - 1) / w;
    Rect boxes[3];
    int nb = 0;
    if (r0 == r1) {
        boxes[nb++] = (Rect){(int)(c0 % w), (int)r0, (int)(c1 - c0), 1};
    } else {
        long full0 = c0 % w == 0 ? r0 : r0 + 1, full1 = c1 % w == 0 ? r1 : r1 - 1;
        if (c0 % w)
            boxes[nb++] = (Rect){(int)(c0 % w), (int)r0, (int)(w - c0 % w), 1};
        if (full1 >= full0)
            boxes[nb++] = (Rect){0, (int)full0, (int)w, (int)(full1 - full0 + 1)};
        if (c1 % w)
            boxes[nb++] = (Rect){0, (int)r1, (int)(c1 % w), 1};
    }
    for (int b = 0; b < nb; b++) {
        Rect a = grid_cell_rect(v, lay, boxes[b].y, boxes[b].x);
        Rect box = {a.x, a.y, boxes[b].w * lay->cell + 1, boxes[b].h * lay->cell + 1};
        render_rect_outline(ctx->r, rect_inset(box, -t / 2), t, col);
    }
}

void bpview_outline_cell(LabContext *ctx, const GridView *v, const GridLayout *lay, int row,
                         int col, Color c)
{
    bpview_outline_range(ctx, v, lay, (long)row * v->cols + col, (long)row * v->cols + col + 1, c);
}

/* An arrow from (x0, y0) to (x1, y1) with a head at the end. */
void bpview_draw_arrow(Render *r, const Theme *th, float x0, float y0, float x1, float y1, Color c)
{
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len < 1.0f)
        return;
    dx /= len;
    dy /= len;
    float head = (float)theme_px(th, 10);
    render_line(r, x0, y0, x1 - dx * head * 0.8f, y1 - dy * head * 0.8f, (float)theme_px(th, 2), c);
    render_triangle(r, x1, y1, x1 - dx * head - dy * head * 0.5f, y1 - dy * head + dx * head * 0.5f,
                    x1 - dx * head + dy * head * 0.5f, y1 - dy * head - dx * head * 0.5f, c);
}

void bpview_cell_centre(const GridView *v, const GridLayout *lay, int row, int col, float *x,
                        float *y)
{
    Rect c = grid_cell_rect(v, lay, row, col);
    *x = (float)c.x + (float)c.w / 2.0f;
    *y = (float)c.y + (float)c.h / 2.0f;
}
