/* labs/network/view_layout.c - where the Network lab's stage puts things this frame: a column
 * of feature maps per C x H x W layer (the input a little wider), a full-width strip per vector
 * layer, the output table below; and which unit the mouse is over.
 * Depends on: view_int.h, labs/network/model.h, viz/render.h. */
#include "labs/network/view_int.h"

#include <math.h>
#include <stdio.h>

/* ---- layout --------------------------------------------------------------------------------- */

/* Tiles n maps of h x w (data cells) into area: the column count that gives the largest cells
 * (at most max_cell px), top-aligned and centred; out gets the maps' rectangles. */
static void tile_maps(Rect area, int n, int h, int w, int gap, float max_cell, Rect *out)
{
    float best = 0.0f;
    int best_k = 1;
    for (int k = 1; k <= n; k++) {
        int rows = (n + k - 1) / k;
        float sw = (float)(area.w - (k - 1) * gap) / (float)(k * w);
        float sh = (float)(area.h - (rows - 1) * gap) / (float)(rows * h);
        float s = sw < sh ? sw : sh;
        if (s > best + 0.01f) {
            best = s;
            best_k = k;
        }
    }
    float s = best < max_cell ? best : max_cell;
    /* whole pixels per cell when there is room: crisp, even cells */
    if (s >= 2.0f)
        s = floorf(s);
    int mw = (int)(s * (float)w), mh = (int)(s * (float)h);
    if (mw < 1)
        mw = 1;
    if (mh < 1)
        mh = 1;
    int k = best_k, rows = (n + k - 1) / k;
    int block_w = k * mw + (k - 1) * gap;
    int x0 = area.x + (area.w - block_w) / 2;
    (void)rows;
    for (int i = 0; i < n; i++) {
        int cx = i % k, cy = i / k;
        out[i] = (Rect){x0 + cx * (mw + gap), area.y + cy * (mh + gap), mw, mh};
    }
}

Rect netview_cell_rect(Rect rc, int h, int w, int y0, int y1, int x0, int x1)
{
    int ax = rc.x + (int)floorf((float)x0 * (float)rc.w / (float)w);
    int bx = rc.x + (int)floorf((float)(x1 + 1) * (float)rc.w / (float)w);
    int ay = rc.y + (int)floorf((float)y0 * (float)rc.h / (float)h);
    int by = rc.y + (int)floorf((float)(y1 + 1) * (float)rc.h / (float)h);
    return (Rect){ax, ay, bx - ax, by - ay};
}

/* Which layers are maps (spatial) and which vectors (vec, less the output table's logits and
 * bars); sets the output table's layers. Returns the count of vectors left for strips. */
static int split_layers(NetLab *L, int *spatial, int *n_sp, int *vec)
{
    const NetLabModel *m = &L->m;
    int n_vec = 0;
    *n_sp = 0;
    for (int k = 0; k <= m->n_layers; k++) {
        if (m->info[k].out.rank == 3)
            spatial[(*n_sp)++] = k;
        else
            vec[n_vec++] = k;
    }
    L->has_out = n_vec > 0 && m->classes <= NETLAB_MAX_CLASSES;
    OutTable *o = &L->out;
    if (L->has_out) {
        o->pL = m->n_layers;
        o->zL = m->softmax && m->n_layers >= 2 && m->info[m->n_layers - 1].out.rank == 1
                    ? m->n_layers - 1
                    : m->n_layers;
        n_vec -= o->zL == o->pL ? 1 : 2;
    }
    return n_vec;
}

/* Map column c at x, w px wide: its header (head_h), its maps tiled, the legend under them.
 * Returns how far below st.y it reaches. */
static int layout_col(NetLab *L, LabContext *ctx, MapCol *c, Rect st, int x, int w, int head_h,
                      int maps_h)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    int leg_h = netview_legend_height(r, th);
    c->head = (Rect){x, st.y, w, head_h};
    /* a column too narrow for "min max" on one line stacks them: a taller legend */
    ColorScale cs = netview_layer_scale(L, c->L);
    int c_leg_h = netview_legend_height_for(r, th, &cs, w * 3 / 4);
    c_leg_h = c_leg_h > leg_h ? c_leg_h : leg_h;
    c->maps = (Rect){x, st.y + head_h, w, maps_h - head_h - c_leg_h - theme_px(th, 6)};
    Shape s = L->m.info[c->L].out;
    c->n_maps = s.c < MAX_MAPS ? s.c : MAX_MAPS;
    float max_cell = (float)theme_px(th, c->L == 0 ? 16 : 12);
    tile_maps(c->maps, c->n_maps, s.h, s.w, theme_px(th, 3), max_cell, c->map);
    /* the legend sits under the maps, as wide as their block (at least 3/4 of the column) */
    int bottom = c->map[0].y, left = c->map[0].x, right = left;
    for (int k = 0; k < c->n_maps; k++) {
        Rect rc = c->map[k];
        bottom = rc.y + rc.h > bottom ? rc.y + rc.h : bottom;
        left = rc.x < left ? rc.x : left;
        right = rc.x + rc.w > right ? rc.x + rc.w : right;
    }
    int lw = right - left;
    int min_lw = w * 3 / 4;
    if (lw < min_lw) {
        left = x + (w - min_lw) / 2;
        lw = min_lw;
    }
    c->legend = (Rect){left, bottom + theme_px(th, 6), lw, c_leg_h};
    return c->legend.y + c_leg_h - st.y;
}

/* The map columns of the n_sp spatial layers side by side in st, maps_h tall at most: the
 * input a little wider (it is also the drawing canvas). Returns the height they use. */
static int layout_cols(NetLab *L, LabContext *ctx, Rect st, const int *spatial, int n_sp,
                       int maps_h)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const NetLabModel *m = &L->m;
    int gap = theme_px(th, 12);
    int lh = render_line_height(r, FONT_MONO, theme_px(th, THEME_SMALL));
    L->n_cols = n_sp;
    L->head_lines = 3;
    for (int i = 0; i < n_sp && n_sp > 1; i++) {
        /* a header line that does not fit at 10 px breaks in two */
        int w = 0;
        char t[160];
        snprintf(t, sizeof t, "%d %s", spatial[i], m->info[spatial[i]].line);
        render_text_size(r, FONT_SANS_BOLD, theme_px(th, 10), t, &w, NULL);
        if (w > (st.w - (n_sp - 1) * gap) / n_sp)
            L->head_lines = 4;
    }
    int head_h = L->head_lines * lh + theme_px(th, 4);
    float weights = 0.0f;
    for (int i = 0; i < n_sp; i++)
        weights += spatial[i] == 0 ? 1.5f : 1.0f;
    int x = st.x;
    int total_w = st.w - (n_sp - 1) * gap;
    if (n_sp == 1 && total_w > maps_h)
        total_w = maps_h;
    int used = 0;
    for (int i = 0; i < n_sp; i++) {
        MapCol *c = &L->cols[i];
        c->L = spatial[i];
        int w = (int)((float)total_w * (spatial[i] == 0 ? 1.5f : 1.0f) / weights);
        if (i == n_sp - 1 && n_sp > 1)
            w = st.x + st.w - x;
        int u = layout_col(L, ctx, c, st, x, w, head_h, maps_h);
        used = u > used ? u : used;
        x += w + gap;
    }
    if (n_sp > 0 && used < maps_h)
        maps_h = used;
    for (int i = 0; i < n_sp; i++)
        L->cols[i].col = (Rect){L->cols[i].head.x, st.y, L->cols[i].head.w, maps_h};
    return maps_h;
}

/* The output table from y down to the bottom of st: its two-line head (out_head), then a row
 * of row_h per class: the label, the logit's cell, the bar and the arithmetic. */
static void layout_out(NetLab *L, LabContext *ctx, Rect st, int y, int rows, int row_h,
                       int out_head)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const NetLabModel *m = &L->m;
    OutTable *o = &L->out;
    int gap = theme_px(th, 12);
    int small = theme_px(th, THEME_SMALL);
    o->area = (Rect){st.x, y, st.w, st.y + st.h - y};
    o->head = (Rect){st.x, y, st.w, out_head};
    o->rows = rows;
    int label_w = theme_px(th, 28);
    int z_w = theme_px(th, 64);
    int arith_w = 0;
    if (m->softmax) {
        int w = 0;
        for (int k = 0; k < rows; k++) {
            int tw = 0;
            render_text_size(r, FONT_MONO, small, m->arith[k], &tw, NULL);
            w = tw > w ? tw : w;
        }
        arith_w = w + theme_px(th, 8);
        if (arith_w > st.w * 45 / 100)
            arith_w = st.w * 45 / 100;
    }
    /* the bar's value in a column of its own right of the bar, so it is always read on the
     * row's ground: "0.99" (softmax) or the widest "−0.123" */
    int val_w = 0;
    for (int k = 0; k < rows; k++) {
        char v[32];
        int tw = 0;
        netlab_format_fixed(m->p[k], m->softmax ? 2 : 3, v, sizeof v);
        render_text_size(r, FONT_MONO, small, v, &tw, NULL);
        val_w = tw > val_w ? tw : val_w;
    }
    val_w += theme_px(th, 6);
    int bar_x = st.x + label_w + z_w + gap;
    int bar_w = st.w - label_w - z_w - gap - val_w - arith_w - gap;
    for (int k = 0; k < rows; k++) {
        int ry = y + out_head + k * row_h;
        o->row[k] = (Rect){st.x, ry, st.w, row_h};
        o->zcell[k] = (Rect){st.x + label_w, ry + 1, z_w, row_h - 2};
        o->bar[k] = (Rect){bar_x, ry + 2, bar_w, row_h - 4};
        o->val[k] = (Rect){bar_x + bar_w, ry, val_w, row_h};
        o->arith[k] = (Rect){st.x + st.w - arith_w, ry, arith_w, row_h};
    }
}

void netview_layout(NetLab *L, LabContext *ctx, Rect st)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const NetLabModel *m = &L->m;
    int gap = theme_px(th, 12);
    int small = theme_px(th, THEME_SMALL);
    int lh = render_line_height(r, FONT_MONO, small);
    int leg_h = netview_legend_height(r, th);

    /* which layers are maps, which vectors, which form the output table */
    int spatial[MAX_COLS], n_sp = 0, vec[MAX_COLS];
    int n_vec = split_layers(L, spatial, &n_sp, vec);
    L->n_strips = n_vec;

    /* vertical budget: the maps first (as large as the columns' width allows, the table's rows
     * at their smallest), then whatever the maps leave goes to the table's rows */
    int strip_h = lh + theme_px(th, 14) + theme_px(th, 6);
    int rows = L->has_out ? (m->classes < NETLAB_MAX_CLASSES ? m->classes : NETLAB_MAX_CLASSES) : 0;
    int out_head = 2 * lh + theme_px(th, 6);
    int row_min = theme_px(th, 15), row_max = theme_px(th, 22);
    int below = n_vec * (strip_h + gap / 2) + (L->has_out ? out_head + rows * row_min : 0);
    int maps_h = n_sp > 0 ? st.h - below - gap / 2 : 0;
    /* a lone input column stays a picture, not a poster */
    if (n_sp == 1 && maps_h > st.h * 45 / 100)
        maps_h = st.h * 45 / 100;
    maps_h = layout_cols(L, ctx, st, spatial, n_sp, maps_h);
    int row_h =
        rows > 0 ? (st.h - maps_h - gap / 2 - n_vec * (strip_h + gap / 2) - out_head) / rows : 0;
    row_h = row_h < row_min ? row_min : row_h > row_max ? row_max : row_h;

    /* the vector strips, full width */
    int y = st.y + maps_h + (n_sp > 0 ? gap / 2 : 0);
    for (int i = 0; i < n_vec; i++) {
        Strip *s = &L->strips[i];
        s->L = vec[i];
        s->head = (Rect){st.x, y, st.w, lh};
        int lw = st.w / 5;
        s->cells = (Rect){st.x, y + lh + theme_px(th, 2), st.w - lw - gap, theme_px(th, 14)};
        s->legend = (Rect){st.x + st.w - lw, y + lh + theme_px(th, 2), lw, leg_h};
        y += strip_h + gap / 2;
    }
    if (L->has_out)
        layout_out(L, ctx, st, y, rows, row_h, out_head);
}

/* ---- hover ---------------------------------------------------------------------------------- */

NetLabUnit netview_unit_at(const NetLab *L, int mx, int my)
{
    NetLabUnit u = {false, 0, 0, 0, 0};
    for (int i = 0; i < L->n_cols; i++) {
        const MapCol *c = &L->cols[i];
        Shape s = L->m.info[c->L].out;
        for (int k = 0; k < c->n_maps; k++) {
            Rect rc = c->map[k];
            if (rect_contains(rc, mx, my)) {
                u = (NetLabUnit){true, c->L, k, (my - rc.y) * s.h / rc.h, (mx - rc.x) * s.w / rc.w};
                return u;
            }
        }
    }
    for (int i = 0; i < L->n_strips; i++) {
        const Strip *s = &L->strips[i];
        if (rect_contains(s->cells, mx, my)) {
            int n = L->m.info[s->L].out.c;
            u = (NetLabUnit){true, s->L, (mx - s->cells.x) * n / s->cells.w, 0, 0};
            return u;
        }
    }
    if (L->has_out) {
        const OutTable *o = &L->out;
        for (int k = 0; k < o->rows; k++) {
            if (rect_contains(o->zcell[k], mx, my))
                return (NetLabUnit){true, o->zL, k, 0, 0};
            if (rect_contains(o->bar[k], mx, my) || rect_contains(o->arith[k], mx, my))
                return (NetLabUnit){true, o->pL, k, 0, 0};
        }
    }
    return u;
}

const MapCol *netview_col_of(const NetLab *L, int Lx)
{
    for (int i = 0; i < L->n_cols; i++)
        if (L->cols[i].L == Lx)
            return &L->cols[i];
    return NULL;
}
