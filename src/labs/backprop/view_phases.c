/* labs/backprop/view_phases.c - the Backprop lab's phases before the convolutions, drawn:
 * p − y (or y − t) at the output, the dense layer as an outer product (∂L/∂W = δ·xᵀ, ∂L/∂b = δ,
 * ∂L/∂x = Wᵀδ), flatten folded back into maps, pooling routed to the argmax (or shared), the
 * activation's mask or slope; each filling in cell by cell with the current step in amber.
 * Depends on: view_int.h, labs/backprop/model.h, labs/common/labkit.h. */
#include "labs/backprop/view_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* p − y (or y − t): three vectors stacked, p (y), the one-hot y (t) and the gradient filling
 * in, with what its entries add up to on the gradient's second title line. */
void bpview_draw_loss(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    int last = m->net->spec.n_layers - 1;
    bool xent = ph->kind == BP_LOSS_XENT;
    static float onehot[DATASET_CLASSES];
    for (int k = 0; k < DATASET_CLASSES; k++)
        onehot[k] = k == m->label ? 1.0f : 0.0f;
    const float *p = m->acts->out[last];
    int k = (int)ph->cells;
    int rows[1] = {1}, cols[1] = {k};
    int gap = theme_px(ctx->th, 8);
    /* the gradient's third is a line taller: its second title line says what it sums to */
    int note_h = render_line_height(ctx->r, FONT_SANS_BOLD, bpview_body_px(ctx->th));
    Rect third = {area.x, area.y, area.w, (area.h - 2 * gap - note_h) / 3};
    int cell = bpview_row_cell(ctx->r, ctx->th, third, rows, cols, 1, gap);
    char t1[64], t2[64], t3[96], n3[48], logits[32], out[32], note[128];
    bp_model_tensor_name(m, last, out, sizeof out);
    if (xent)
        snprintf(t1, sizeof t1, "p = softmax(z)");
    else
        snprintf(t1, sizeof t1, "y = %s, the output", out);
    snprintf(t2, sizeof t2, "%s one-hot, label %d", xent ? "y" : "t", m->label);
    bp_model_tensor_name(m, xent ? last - 1 : last, logits, sizeof logits);
    snprintf(t3, sizeof t3, "\xE2\x88\x82L/\xE2\x88\x82%s = %s", logits,
             xent ? "p \xE2\x88\x92 y" : "y \xE2\x88\x92 t");
    char shape[16];
    snprintf(shape, sizeof shape, "(%d)", k);
    GridView vp = bpview_make_view(ctx, t1, shape, p, 1, k,
                                   colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, 1.0f), 3);
    GridView vy = bpview_make_view(ctx, t2, shape, onehot, 1, k,
                                   colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, 1.0f), 0);
    bp_model_shown(ph, done, L->shown_val, L->shown_mask, L->scratch_n);
    GridView vg = bpview_make_view(ctx, t3, shape, L->shown_val, 1, k,
                                   colorscale_fit(COLORMAP_DIVERGING, ph->val, k), 3);
    vg.shown = L->shown_mask;
    bp_model_loss_note(ph, done, note, sizeof note);
    vg.note = note;
    char np[16];
    snprintf(np, sizeof np, "%s[", xent ? "p" : "y");
    GridLayout lp = bpview_draw_view(L, ctx, &vp, third, cell, np);
    third.y += third.h + gap;
    GridLayout ly = bpview_draw_view(L, ctx, &vy, third, cell, xent ? "y[" : "t[");
    third.y += third.h + gap;
    third.h += note_h;
    snprintf(n3, sizeof n3, "\xE2\x88\x82L/\xE2\x88\x82%s[", logits);
    GridLayout lg = bpview_draw_view(L, ctx, &vg, third, cell, n3);
    if (done > 0) {
        bpview_outline_cell(ctx, &vp, &lp, 0, (int)st->focus, ctx->th->accent);
        bpview_outline_cell(ctx, &vy, &ly, 0, (int)st->focus, ctx->th->accent);
        bpview_outline_range(ctx, &vg, &lg, st->cell0, st->cell1, ctx->th->accent);
    }
}

/* The dense layer's scene: where its grids go (the vector row: x, or ∂L/∂x below; the matrix;
 * δ on the left, ∂L/∂b on the right) and the cell size they share; its sizes and names; the δ
 * grid as drawn. */
typedef struct DenseLayout {
    Rect vec, mat, left, right;
    int cell;
    int O, I;
    char wn[32], bn[32], xn[32]; /* W₂, b₂, and what the layer reads (f) */
    GridView vd;
    GridLayout ld;
} DenseLayout;

/* The cell: the matrix plus a vector row (above for ∂L/∂W, below for ∂L/∂x) in height; δ, the
 * matrix and b in width. */
static DenseLayout dense_layout(LabContext *ctx, Rect area, int O, int I, bool wphase)
{
    const Theme *th = ctx->th;
    int gap = theme_px(th, 24), chrome = bpview_grid_chrome_h(ctx->r, th);
    int minw = bpview_eff_min_w(th, area.w / 2, 2, gap);
    int cell = theme_px(th, GRID_MAX_CELL);
    for (; cell > 2; cell--) {
        int w = (I * cell > minw ? I * cell : minw) + 2 * gap + 2 * (cell > minw ? cell : minw);
        int h = 2 * chrome + (O + 1) * cell + theme_px(th, 8);
        if (w <= area.w && h <= area.h)
            break;
    }
    int mw = I * cell > minw ? I * cell : minw;
    int total_w = mw + 2 * gap + 2 * minw;
    int x0 = area.x + (area.w - total_w) / 2;
    int vec_h = chrome + cell + theme_px(th, 8);
    int mat_h = area.h - vec_h;
    DenseLayout d;
    d.vec = (Rect){x0 + minw + gap, wphase ? area.y : area.y + mat_h, mw, vec_h};
    d.mat = (Rect){x0 + minw + gap, wphase ? area.y + vec_h : area.y, mw, mat_h};
    d.left = (Rect){x0, d.mat.y, minw, mat_h};
    d.right = (Rect){x0 + minw + gap + mw + gap, d.mat.y, minw, mat_h};
    d.cell = cell;
    return d;
}

/* ∂L/∂W: x along the top, ∂L/∂W filling row by row, ∂L/∂b = δ on the right; vd / ld the δ grid
 * drawn on the left. */
static void dense_weights(BpLab *L, LabContext *ctx, const BpStep *st, long done,
                          const DenseLayout *dl)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    int i = ph->layer, O = dl->O, I = dl->I, cell = dl->cell;
    const float *x = i > 0 ? m->acts->out[i - 1] : m->acts->x;
    const float *g = m->net->grads + m->net->spec.layers[i].b_off;
    const char *wn = dl->wn, *bn = dl->bn, *xn = dl->xn;
    char t[96], sh[32], nm[128];
    int f_o = (int)(st->focus / I), f_i = (int)(st->focus % I);
    /* x along the top, ∂L/∂W filling row by row, ∂L/∂b = δ on the right */
    snprintf(t, sizeof t, "x = %s", xn);
    snprintf(sh, sizeof sh, "(%d)", I);
    bool neg = false;
    for (int k = 0; k < I; k++)
        neg = neg || x[k] < 0.0f;
    GridView vx =
        bpview_make_view(ctx, t, sh, x, 1, I,
                         colorscale_fit(neg ? COLORMAP_DIVERGING : COLORMAP_SEQUENTIAL, x, I), 3);
    snprintf(nm, sizeof nm, "%s[", xn);
    GridLayout lx = bpview_draw_view(L, ctx, &vx, dl->vec, cell, nm);
    bp_model_shown(ph, done, L->shown_val, L->shown_mask, L->scratch_n);
    snprintf(t, sizeof t, "\xE2\x88\x82L/\xE2\x88\x82%s = \xCE\xB4\xC2\xB7x\xE1\xB5\x80", wn);
    snprintf(sh, sizeof sh, "(%d\xC3\x97%d)", O, I);
    GridView vw = bpview_make_view(ctx, t, sh, L->shown_val, O, I,
                                   colorscale_fit(COLORMAP_DIVERGING, ph->val, (int)ph->cells), 3);
    vw.shown = L->shown_mask;
    snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[", wn);
    GridLayout lw = bpview_draw_view(L, ctx, &vw, dl->mat, cell, nm);
    /* ∂L/∂b = δ, row by row with W */
    static float db[NET_MAX_CHANNELS];
    static uint8_t dbm[NET_MAX_CHANNELS];
    bp_model_dense_bias_shown(m, ph, done, db, dbm);
    snprintf(t, sizeof t, "\xE2\x88\x82L/\xE2\x88\x82%s = \xCE\xB4", bn);
    snprintf(sh, sizeof sh, "(%d)", O);
    GridView vb =
        bpview_make_view(ctx, t, sh, db, O, 1, colorscale_fit(COLORMAP_DIVERGING, g, O), 3);
    vb.shown = dbm;
    snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[", bn);
    GridLayout lb = bpview_draw_view(L, ctx, &vb, dl->right, cell, nm);
    if (done > 0) {
        bpview_outline_range(ctx, &vw, &lw, st->cell0, st->cell1, th->accent);
        bpview_outline_cell(ctx, &dl->vd, &dl->ld, f_o, 0, th->accent);
        bpview_outline_cell(ctx, &vb, &lb, f_o, 0, th->accent);
        bpview_outline_range(ctx, &vx, &lx, 0, I, th->accent);
        /* the product written out below: amber inside the amber row */
        Rect c = grid_cell_rect(&vw, &lw, f_o, f_i);
        render_rect_outline(ctx->r, rect_inset(c, theme_px(th, 3)), theme_px(th, 2), th->accent);
        bpview_outline_cell(ctx, &vx, &lx, 0, f_i, th->accent);
    }
}

/* ∂L/∂x: W in the middle, the column of the current input amber; ∂L/∂x = Wᵀδ filling below. */
static void dense_inputs(BpLab *L, LabContext *ctx, const BpStep *st, long done,
                         const DenseLayout *dl)
{
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    const float *w = L->m.net->params + L->m.net->spec.layers[ph->layer].w_off;
    int O = dl->O, I = dl->I, cell = dl->cell;
    const char *wn = dl->wn, *xn = dl->xn;
    char t[96], sh[32], nm[128];
    snprintf(t, sizeof t, "%s", wn);
    snprintf(sh, sizeof sh, "(%d\xC3\x97%d)", O, I);
    GridView vw =
        bpview_make_view(ctx, t, sh, w, O, I, colorscale_fit(COLORMAP_DIVERGING, w, O * I), 3);
    snprintf(nm, sizeof nm, "%s[", wn);
    GridLayout lw = bpview_draw_view(L, ctx, &vw, dl->mat, cell, nm);
    bp_model_shown(ph, done, L->shown_val, L->shown_mask, L->scratch_n);
    snprintf(t, sizeof t, "\xE2\x88\x82L/\xE2\x88\x82%s = W\xE1\xB5\x80\xCE\xB4", xn);
    snprintf(sh, sizeof sh, "(%d)", I);
    GridView vx = bpview_make_view(ctx, t, sh, L->shown_val, 1, I,
                                   colorscale_fit(COLORMAP_DIVERGING, ph->val, I), 3);
    vx.shown = L->shown_mask;
    snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[", xn);
    GridLayout lx = bpview_draw_view(L, ctx, &vx, dl->vec, cell, nm);
    if (done > 0) {
        int fi = (int)st->focus;
        Rect a = grid_cell_rect(&vw, &lw, 0, fi);
        int t3 = theme_px(th, 3);
        render_rect_outline(ctx->r, rect_inset((Rect){a.x, a.y, cell + 1, O * cell + 1}, -t3 / 2),
                            t3, th->accent);
        bpview_outline_range(ctx, &dl->vd, &dl->ld, 0, O, th->accent);
        bpview_outline_range(ctx, &vx, &lx, st->cell0, st->cell1, th->accent);
    }
}

/* The dense layer as an outer product: δ down the left, x (or the result) along the top or
 * bottom, the matrix in the middle, the bias gradient on the right. */
void bpview_draw_dense(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    int i = ph->layer;
    const Layer *l = &m->net->spec.layers[i];
    bool wphase = ph->kind == BP_DENSE_W;
    const float *delta = m->acts->grad[i];
    DenseLayout dl = dense_layout(ctx, area, l->units, l->in.c, wphase);
    dl.O = l->units;
    dl.I = l->in.c;
    bp_model_weight_name(m, i, false, dl.wn, sizeof dl.wn);
    bp_model_weight_name(m, i, true, dl.bn, sizeof dl.bn);
    bp_model_tensor_name(m, i - 1, dl.xn, sizeof dl.xn);
    char zn[32], t[96], sh[32], nm[128];
    bp_model_tensor_name(m, i, zn, sizeof zn);
    /* δ = ∂L/∂z down the left */
    snprintf(t, sizeof t, "\xCE\xB4 = \xE2\x88\x82L/\xE2\x88\x82%s", zn);
    snprintf(sh, sizeof sh, "(%d)", dl.O);
    dl.vd = bpview_make_view(ctx, t, sh, delta, dl.O, 1,
                             colorscale_fit(COLORMAP_DIVERGING, delta, dl.O), 3);
    snprintf(nm, sizeof nm, "\xCE\xB4[");
    dl.ld = bpview_draw_view(L, ctx, &dl.vd, dl.left, dl.cell, nm);
    if (wphase)
        dense_weights(L, ctx, st, done, &dl);
    else
        dense_inputs(L, ctx, st, done, &dl);
}

/* Flatten: the vector above, the maps it folds back into below. */
void bpview_draw_flatten(BpLab *L, LabContext *ctx, Rect area, const BpStep *st)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    int i = ph->layer;
    Shape s = m->net->spec.layers[i].in;
    const float *g = m->acts->grad[i]; /* (N) the flat gradient */
    int n = (int)ph->cells;
    char t[96], sh[48], nm[128], fn[32];
    bp_model_tensor_name(m, i, fn, sizeof fn);
    int gap = theme_px(ctx->th, 16);
    Rect top = {area.x, area.y, area.w, area.h / 3};
    Rect bot = {area.x, area.y + area.h / 3 + gap, area.w, area.h - area.h / 3 - gap};
    int rows1[1] = {1}, cols1[1] = {n};
    int cell = bpview_row_cell(ctx->r, ctx->th, top, rows1, cols1, 1, gap);
    ColorScale sc = colorscale_fit(COLORMAP_DIVERGING, g, n);
    snprintf(t, sizeof t, "\xE2\x88\x82L/\xE2\x88\x82%s", fn);
    snprintf(sh, sizeof sh, "(%d)", n);
    GridView vf = bpview_make_view(ctx, t, sh, g, 1, n, sc, 3);
    snprintf(nm, sizeof nm, "%s[", t);
    GridLayout lf = bpview_draw_view(L, ctx, &vf, top, cell, nm);
    /* the written-out cell, in the vector and where it lands in the maps */
    bpview_outline_cell(ctx, &vf, &lf, 0, (int)st->focus, ctx->th->accent);
    /* up to 4 planes side by side */
    int planes = s.c < 4 ? s.c : 4;
    char dn[48], shp[4][48];
    bp_model_grad_name(m, i - 1, dn, sizeof dn);
    GridView vm[4];
    GridView *row[4];
    for (int c = 0; c < planes; c++) {
        bp_model_plane_shape(m, i - 1, c, shp[c], sizeof shp[c]);
        vm[c] = bpview_make_view(ctx, dn, shp[c], g + (long)c * s.h * s.w, s.h, s.w, sc, 3);
        row[c] = &vm[c];
    }
    Rect rc[4];
    int pc = bpview_row_fit(ctx, bot, row, planes, gap, rc);
    for (int c = 0; c < planes; c++) {
        GridLayout lm = bpview_draw_view(L, ctx, &vm[c], rc[c], pc, NULL);
        long plane = (long)s.h * s.w;
        if (s.rank == 3 && st->focus / plane == c)
            bpview_outline_cell(ctx, &vm[c], &lm, (int)(st->focus % plane / s.w),
                                (int)(st->focus % s.w), ctx->th->accent);
    }
}

/* Amber dots on the max pool's winners routed so far (before done) in plane ch: in the
 * forward map va and in the result vr, both (H, W); plane_out pooled cells a plane. */
static void mark_winners(LabContext *ctx, const BpPhase *ph, int ch, long done, int cell,
                         long plane_out, const GridView *va, const GridLayout *la,
                         const GridView *vr, const GridLayout *lr)
{
    int w_in = va->cols;
    long plane_in = (long)va->rows * va->cols;
    float rad = fmaxf(2.0f, (float)cell * 0.12f);
    for (long c = ch * plane_out; c < (ch + 1) * plane_out && c < done; c++) {
        long w = ph->route[c] - ch * plane_in;
        Rect cr = grid_cell_rect(va, la, (int)(w / w_in), (int)(w % w_in));
        render_circle(ctx->r, (float)(cr.x + cr.w) - rad - 2.0f, (float)cr.y + rad + 2.0f, rad,
                      ctx->th->accent);
        cr = grid_cell_rect(vr, lr, (int)(w / w_in), (int)(w % w_in));
        render_circle(ctx->r, (float)(cr.x + cr.w) - rad - 2.0f, (float)cr.y + rad + 2.0f, rad,
                      ctx->th->accent);
    }
}

/* Max pooling: the forward map with its windows, the upstream gradient, the routed result. */
void bpview_draw_pool(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    int i = ph->layer;
    const Layer *l = &m->net->spec.layers[i];
    const PoolGeom *g = &l->pool;
    long plane_out = (long)g->oh * g->ow, plane_in = (long)g->h * g->w;
    int ch = (int)(st->focus / plane_out);
    const float *a = m->acts->out[i - 1] + ch * plane_in; /* (H, W) forward */
    const float *up = m->acts->grad[i] + ch * plane_out;  /* (OH, OW) upstream */
    /* the routed map, accumulated over the pooled cells done so far in this plane */
    float *res = L->shown_val;
    uint8_t *mask = L->shown_mask;
    bp_model_pool_shown(m, ph, ch, done, res, mask);
    int gap = theme_px(th, 40);
    char an[32], t1[64], t2[64], t3[64], s1[48], s2[48], nm[128];
    bp_model_tensor_name(m, i - 1, an, sizeof an);
    snprintf(t1, sizeof t1, "%s (forward)", an);
    bp_model_plane_shape(m, i - 1, ch, s1, sizeof s1);
    bool neg = false;
    for (long k = 0; k < plane_in; k++)
        neg = neg || a[k] < 0.0f;
    GridView va = bpview_make_view(ctx, t1, s1, a, g->h, g->w,
                                   colorscale_fit(neg ? COLORMAP_DIVERGING : COLORMAP_SEQUENTIAL,
                                                  m->acts->out[i - 1], (int)(plane_in * g->c)),
                                   2);
    bp_model_grad_name(m, i, t2, sizeof t2);
    bp_model_plane_shape(m, i, ch, s2, sizeof s2);
    GridView vu = bpview_make_view(
        ctx, t2, s2, up, g->oh, g->ow,
        colorscale_fit(COLORMAP_DIVERGING, m->acts->grad[i], (int)(plane_out * g->c)), 3);
    bp_model_grad_name(m, i - 1, t3, sizeof t3);
    GridView vr = bpview_make_view(
        ctx, t3, s1, res, g->h, g->w,
        colorscale_fit(COLORMAP_DIVERGING, m->acts->grad[i - 1], (int)(plane_in * g->c)), 3);
    vr.shown = mask;
    Rect rc[3];
    GridView *row[3] = {&va, &vu, &vr};
    int cell = bpview_row_fit(ctx, area, row, 3, gap, rc);
    snprintf(nm, sizeof nm, "%.100s[%d,", an, ch);
    GridLayout la = bpview_draw_view(L, ctx, &va, rc[0], cell, nm);
    snprintf(nm, sizeof nm, "%.100s[%d,", t2, ch);
    GridLayout lu = bpview_draw_view(L, ctx, &vu, rc[1], cell, nm);
    snprintf(nm, sizeof nm, "%.100s[%d,", t3, ch);
    GridLayout lr = bpview_draw_view(L, ctx, &vr, rc[2], cell, nm);
    lsu_draw_operator(ctx->r, th, "\xE2\x86\x92", rc[1].x + rc[1].w + gap / 2,
                      lu.cells.y + lu.cells.h / 2);

    if (l->kind == LAYER_MAXPOOL)
        mark_winners(ctx, ph, ch, done, cell, plane_out, &va, &la, &vr, &lr);
    if (done > 0 && st->focus / plane_out == ch) {
        long c = st->focus;
        int oy = (int)(c % plane_out / g->ow), ox = (int)(c % g->ow);
        Rect a0 = grid_cell_rect(&va, &la, oy * g->sh, ox * g->sw);
        int t = theme_px(th, 3);
        render_rect_outline(
            ctx->r, rect_inset((Rect){a0.x, a0.y, g->kw * cell + 1, g->kh * cell + 1}, -t / 2), t,
            th->accent);
        bpview_outline_cell(ctx, &vu, &lu, oy, ox, th->accent);
        if (l->kind == LAYER_MAXPOOL) {
            long w = ph->route[c] - ch * plane_in;
            bpview_outline_cell(ctx, &vr, &lr, (int)(w / g->w), (int)(w % g->w), th->accent);
            float xa, ya, xb, yb;
            bpview_cell_centre(&vu, &lu, oy, ox, &xa, &ya);
            bpview_cell_centre(&vr, &lr, (int)(w / g->w), (int)(w % g->w), &xb, &yb);
            bpview_draw_arrow(ctx->r, th, xa + (float)cell / 2.0f, ya, xb - (float)cell / 2.0f, yb,
                              th->accent);
        } else {
            Rect r0 = grid_cell_rect(&vr, &lr, oy * g->sh, ox * g->sw);
            render_rect_outline(
                ctx->r, rect_inset((Rect){r0.x, r0.y, g->kw * cell + 1, g->kh * cell + 1}, -t / 2),
                t, th->accent);
        }
    }
}

/* An activation: z, the mask f′(z), the upstream gradient, their product. */
void bpview_draw_act(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    int i = ph->layer;
    const Layer *l = &m->net->spec.layers[i];
    Shape s = l->in;
    long plane = s.rank == 3 ? (long)s.h * s.w : s.c;
    int h = s.rank == 3 ? s.h : 1, w = s.rank == 3 ? s.w : s.c;
    int ch = (int)(st->focus / plane);
    const float *z = m->acts->out[i - 1] + ch * plane;
    const float *up = m->acts->grad[i] + ch * plane;
    bp_model_act_slopes(m, ph, ch, L->mask, BP_MAX_TERMS);
    bp_model_shown(ph, done, L->shown_val, L->shown_mask, L->scratch_n);
    long total = shape_elems(s);
    int gap = theme_px(th, 32);
    char zn[32], an[32], t[4][80], shp[48], nm[128];
    bp_model_tensor_name(m, i - 1, zn, sizeof zn);
    bp_model_tensor_name(m, i, an, sizeof an);
    bp_model_plane_shape(m, i - 1, ch, shp, sizeof shp);
    snprintf(t[0], sizeof t[0], "%s (forward)", zn);
    snprintf(t[1], sizeof t[1], "%s f\xE2\x80\xB2(%s)", l->kind == LAYER_RELU ? "mask" : "slope",
             zn);
    snprintf(t[2], sizeof t[2], "\xE2\x88\x82L/\xE2\x88\x82%s", an);
    snprintf(t[3], sizeof t[3], "\xE2\x88\x82L/\xE2\x88\x82%s", zn);
    GridView v[4];
    v[0] = bpview_make_view(ctx, t[0], shp, z, h, w,
                            colorscale_fit(COLORMAP_DIVERGING, m->acts->out[i - 1], (int)total), 2);
    v[1] = bpview_make_view(ctx, t[1], shp, L->mask, h, w,
                            l->kind == LAYER_RELU
                                ? colorscale_make(COLORMAP_GRAY, 0.0f, 1.0f)
                                : colorscale_fit(COLORMAP_SEQUENTIAL, L->mask, (int)plane),
                            l->kind == LAYER_RELU ? 0 : 3);
    v[2] = bpview_make_view(ctx, t[2], shp, up, h, w,
                            colorscale_fit(COLORMAP_DIVERGING, m->acts->grad[i], (int)total), 3);
    v[3] = bpview_make_view(ctx, t[3], shp, L->shown_val + ch * plane, h, w,
                            colorscale_fit(COLORMAP_DIVERGING, ph->val, (int)total), 3);
    v[3].shown = L->shown_mask + ch * plane;
    Rect rc[4];
    GridView *row[4] = {&v[0], &v[1], &v[2], &v[3]};
    int cell = bpview_row_fit(ctx, area, row, 4, gap, rc);
    GridLayout lay[4];
    for (int k = 0; k < 4; k++) {
        if (k == 1)
            snprintf(nm, sizeof nm, "f\xE2\x80\xB2(%s)[%d,", zn, ch);
        else
            snprintf(nm, sizeof nm, "%.100s[%d,", k == 0 ? zn : t[k], ch);
        lay[k] = bpview_draw_view(L, ctx, &v[k], rc[k], cell, nm);
    }
    int mid = lay[0].cells.y + lay[0].cells.h / 2;
    lsu_draw_operator(ctx->r, th, "\xE2\x86\x92", rc[0].x + rc[0].w + gap / 2, mid);
    lsu_draw_operator(ctx->r, th, "\xC3\x97", rc[1].x + rc[1].w + gap / 2, mid);
    lsu_draw_operator(ctx->r, th, "=", rc[2].x + rc[2].w + gap / 2, mid);
    if (done > 0) {
        long c0 = st->cell0 - ch * plane, c1 = st->cell1 - ch * plane;
        c0 = c0 < 0 ? 0 : c0;
        c1 = c1 > plane ? plane : c1;
        for (int k = 0; k < 4; k++)
            bpview_outline_range(ctx, &v[k], &lay[k], c0, c1, th->accent);
    }
}

/* Up to four planes of a tensor of shape s (a vector: one row) side by side in area, titled
 * title, on one scale; the cell focus (an index into data, -1: none) outlined. */
static void draw_planes(BpLab *L, LabContext *ctx, Rect area, const char *title, int layer, Shape s,
                        const float *data, long focus, int most)
{
    long n = shape_elems(s);
    ColorScale sc = colorscale_fit(COLORMAP_DIVERGING, data, (int)n);
    int gap = theme_px(ctx->th, 16);
    bool maps = s.rank == 3;
    int planes = maps ? (s.c < most ? s.c : most) : 1;
    if (maps && focus >= 0 && focus / ((long)s.h * s.w) >= planes)
        focus = -1; /* its plane is not among those shown */
    long plane = maps ? (long)s.h * s.w : n;
    char shp[4][48], nm[4][128];
    GridView vm[4];
    GridView *row[4];
    for (int c = 0; c < planes; c++) {
        bp_model_plane_shape(&L->m, layer, c, shp[c], sizeof shp[c]);
        vm[c] = bpview_make_view(ctx, title, shp[c], data + c * plane, maps ? s.h : 1,
                                 maps ? s.w : (int)n, sc, 3);
        row[c] = &vm[c];
        snprintf(nm[c], sizeof nm[c], maps ? "%.100s[%d," : "%.100s[", title, c);
    }
    Rect rc[4];
    int cell = bpview_row_fit(ctx, area, row, planes, gap, rc);
    for (int c = 0; c < planes; c++) {
        GridLayout lm = bpview_draw_view(L, ctx, &vm[c], rc[c], cell, nm[c]);
        if (focus >= 0 && focus / plane == c)
            bpview_outline_cell(ctx, &vm[c], &lm, maps ? (int)(focus % plane / s.w) : 0,
                                maps ? (int)(focus % s.w) : (int)focus, ctx->th->accent);
    }
}

void bpview_draw_other(BpLab *L, LabContext *ctx, Rect area, const BpStep *st)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    int i = ph->layer;
    const Layer *l = &m->net->spec.layers[i];
    const Theme *th = ctx->th;
    int gap = theme_px(th, 16), note_h = render_line_height(ctx->r, FONT_SANS, bpview_body_px(th));
    char t[2][64], note[256];
    bp_model_grad_name(m, i, t[0], sizeof t[0]);
    bp_model_grad_name(m, i - 1, t[1], sizeof t[1]);
    /* the arriving gradient above the engine's result; side by side, two planes each, when
     * the stage is too low for two rows of grids */
    bool one_row =
        (area.h - note_h - 2 * gap) / 2 - bpview_grid_chrome_h(ctx->r, th) < theme_px(th, 90);
    Rect mid = {area.x, area.y, area.w, note_h};
    Rect grids = {area.x, area.y + note_h + gap, area.w, area.h - note_h - gap};
    Rect top = grids, bot = grids;
    if (one_row) {
        top.w = (grids.w - gap) / 2;
        bot.x = top.x + top.w + gap;
        bot.w = grids.w - top.w - gap;
    } else {
        top.h = (grids.h - gap) / 2;
        bot.y = top.y + top.h + gap;
        bot.h = grids.h - top.h - gap;
    }
    draw_planes(L, ctx, top, t[0], i, l->out, m->acts->grad[i], -1, one_row ? 2 : 4);
    snprintf(note, sizeof note,
             "%s \xE2\x86\x92 %s: the engine's %s backward, all at once (not stepped cell by "
             "cell)",
             t[0], t[1], layer_kind_name(l->kind));
    lsu_draw_fit_line(ctx->r, th, FONT_SANS, bpview_body_px(th), note, mid.x, mid.y, mid.w,
                      th->text_dim);
    long n = 0;
    const float *res = bp_model_result(m, ph, &n);
    draw_planes(L, ctx, bot, t[1], i - 1, l->in, res, st->focus, one_row ? 2 : 4);
}
