/* labs/backprop/view_kernels.c - the Backprop lab's convolution phases and the update, drawn:
 * the kernel gradient as a sweep (the upstream map slides over the input), the bias gradient
 * as a sum over the map, ∂L/∂x collecting w × ∂L/∂z from every window that used a cell, and
 * before − η·gradient = after for up to four kernels (or the dense matrix).
 * Depends on: view_int.h, labs/backprop/model.h, labs/common/labkit.h. */
#include "labs/backprop/view_int.h"

#include <stdio.h>

/* The bias gradient: the whole upstream map o summed, ∂L/∂b = Σ. */
static void conv_bias(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    int i = ph->layer;
    const ConvGeom *g = &m->net->spec.layers[i].conv;
    long plane_out = (long)g->oh * g->ow;
    int o = (int)st->focus;
    const float *dz = m->acts->grad[i] + o * plane_out;
    char zn[32], kn[32], t[3][96], s[3][48], nm[128];
    bp_model_tensor_name(m, i, zn, sizeof zn);
    bp_model_weight_name(m, i, true, kn, sizeof kn);
    bp_model_shown(ph, done, L->shown_val, L->shown_mask, L->scratch_n);
    int gap = theme_px(th, 40);
    snprintf(t[0], sizeof t[0], "\xE2\x88\x82L/\xE2\x88\x82%s", zn);
    bp_model_plane_shape(m, i, o, s[0], sizeof s[0]);
    GridView vz = bpview_make_view(
        ctx, t[0], s[0], dz, g->oh, g->ow,
        colorscale_fit(COLORMAP_DIVERGING, m->acts->grad[i], (int)(plane_out * g->o)), 3);
    snprintf(t[1], sizeof t[1], "\xE2\x88\x82L/\xE2\x88\x82%s = \xCE\xA3", kn);
    snprintf(s[1], sizeof s[1], "(%d)", g->o);
    GridView vb = bpview_make_view(ctx, t[1], s[1], L->shown_val, g->o, 1,
                                   colorscale_fit(COLORMAP_DIVERGING, ph->val, g->o), 3);
    vb.shown = L->shown_mask;
    Rect rc[2];
    GridView *row[2] = {&vz, &vb};
    int cell = bpview_row_fit(ctx, area, row, 2, gap, rc);
    snprintf(nm, sizeof nm, "%.100s[%d,", t[0], o);
    GridLayout lz = bpview_draw_view(L, ctx, &vz, rc[0], cell, nm);
    snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[", kn);
    GridLayout lb = bpview_draw_view(L, ctx, &vb, rc[1], cell, nm);
    lsu_draw_operator(ctx->r, th, "\xCE\xA3", rc[0].x + rc[0].w + gap / 2,
                      lz.cells.y + lz.cells.h / 2);
    if (done > 0) {
        bpview_outline_range(ctx, &vz, &lz, 0, plane_out, th->accent);
        bpview_outline_range(ctx, &vb, &lb, st->cell0, st->cell1, th->accent);
    }
}

/* The kernel gradient as a sweep: the upstream map (o) slides over the input plane (c); each
 * position is one cell of ∂L/∂K[o, c]. Or the bias: the whole upstream map summed. */
void bpview_draw_conv_w(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    if (ph->kind == BP_CONV_B) {
        conv_bias(L, ctx, area, st, done);
        return;
    }
    int i = ph->layer;
    const Layer *l = &m->net->spec.layers[i];
    const ConvGeom *g = &l->conv;
    long kk = (long)g->kh * g->kw, plane_out = (long)g->oh * g->ow, plane_in = (long)g->h * g->w;
    int cg = g->c / conv_groups(g), og = g->o / conv_groups(g);
    int o = (int)(st->focus / (cg * kk)), j = (int)(st->focus / kk % cg);
    int c = (o / og) * cg + j; /* the input channel kernel channel j of o meets (its group's) */
    int ky = (int)(st->focus % kk / g->kw), kx = (int)(st->focus % g->kw);
    const float *x = (i > 0 ? m->acts->out[i - 1] : m->acts->x) + c * plane_in;
    const float *dz = m->acts->grad[i] + o * plane_out;
    char xn[32], zn[32], kn[32], t[3][96], s[3][48], nm[128];
    bp_model_tensor_name(m, i - 1, xn, sizeof xn);
    bp_model_tensor_name(m, i, zn, sizeof zn);
    bp_model_weight_name(m, i, false, kn, sizeof kn);
    bp_model_shown(ph, done, L->shown_val, L->shown_mask, L->scratch_n);
    int gap = theme_px(th, 40);
    snprintf(t[0], sizeof t[0], "%s (input)", i > 0 ? xn : "x");
    bp_model_plane_shape(m, i - 1, c, s[0], sizeof s[0]);
    bool neg = false;
    for (long k = 0; k < plane_in; k++)
        neg = neg || x[k] < 0.0f;
    GridView vx = bpview_make_view(
        ctx, t[0], s[0], x, g->h, g->w,
        colorscale_fit(neg ? COLORMAP_DIVERGING : COLORMAP_SEQUENTIAL, x, (int)plane_in), 2);
    vx.pad_top = g->pt;
    vx.pad_bottom = g->pb;
    vx.pad_left = g->pl;
    vx.pad_right = g->pr;
    snprintf(t[1], sizeof t[1], "\xE2\x88\x82L/\xE2\x88\x82%s slides", zn);
    bp_model_plane_shape(m, i, o, s[1], sizeof s[1]);
    GridView vz = bpview_make_view(
        ctx, t[1], s[1], dz, g->oh, g->ow,
        colorscale_fit(COLORMAP_DIVERGING, m->acts->grad[i], (int)(plane_out * g->o)), 3);
    snprintf(t[2], sizeof t[2], "\xE2\x88\x82L/\xE2\x88\x82%s[%d,%d]", kn, o, j);
    snprintf(s[2], sizeof s[2], "(%d\xC3\x97%d)", g->kh, g->kw);
    long base = ((long)o * cg + j) * kk;
    GridView vk = bpview_make_view(ctx, t[2], s[2], L->shown_val + base, g->kh, g->kw,
                                   colorscale_fit(COLORMAP_DIVERGING, ph->val, (int)ph->cells), 3);
    vk.shown = L->shown_mask + base;
    Rect rc[3];
    GridView *row[3] = {&vx, &vz, &vk};
    int cell = bpview_row_fit(ctx, area, row, 3, gap, rc);
    snprintf(nm, sizeof nm, "%.100s[%d,", i > 0 ? xn : "x", c);
    GridLayout lx = bpview_draw_view(L, ctx, &vx, rc[0], cell, nm);
    snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[%d,", zn, o);
    GridLayout lz = bpview_draw_view(L, ctx, &vz, rc[1], cell, nm);
    snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[%d,%d,", kn, o, j);
    GridLayout lk = bpview_draw_view(L, ctx, &vk, rc[2], cell, nm);
    int mid = lx.cells.y + lx.cells.h / 2;
    lsu_draw_operator(ctx->r, th, "\xE2\x8B\x86", rc[0].x + rc[0].w + gap / 2, mid);
    lsu_draw_operator(ctx->r, th, "=", rc[1].x + rc[1].w + gap / 2, mid);
    if (done > 0) {
        /* the cells of x that meet the upstream map for tap (ky, kx): its window, stride apart */
        int t3 = theme_px(th, 3);
        int iy0 = ky * g->dh - g->pt, ix0 = kx * g->dw - g->pl;
        int spany = (g->oh - 1) * g->sh + 1, spanx = (g->ow - 1) * g->sw + 1;
        Rect a0 = grid_cell_rect(&vx, &lx, iy0, ix0);
        render_rect_outline(
            ctx->r, rect_inset((Rect){a0.x, a0.y, spanx * cell + 1, spany * cell + 1}, -t3 / 2), t3,
            th->accent);
        if (g->sh > 1 || g->sw > 1)
            for (int oy = 0; oy < g->oh; oy++)
                for (int ox = 0; ox < g->ow; ox++) {
                    Rect cc = grid_cell_rect(&vx, &lx, iy0 + oy * g->sh, ix0 + ox * g->sw);
                    render_rect(ctx->r, rect_inset(cc, cc.w / 3), color_alpha(th->accent, 200));
                }
        bpview_outline_range(ctx, &vz, &lz, 0, plane_out, th->accent);
        bpview_outline_range(ctx, &vk, &lk, st->cell0 - base < 0 ? 0 : st->cell0 - base,
                             st->cell1 - base > kk ? kk : st->cell1 - base, th->accent);
    }
}

/* ∂L/∂x of a conv (not the first layer): the kernel, the upstream map, the input gradient. */
void bpview_draw_conv_x(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    int i = ph->layer;
    const Layer *l = &m->net->spec.layers[i];
    const ConvGeom *g = &l->conv;
    long plane_in = (long)g->h * g->w, plane_out = (long)g->oh * g->ow, kk = (long)g->kh * g->kw;
    int c = (int)(st->focus / plane_in);
    int cg = g->c / conv_groups(g), og = g->o / conv_groups(g);
    int o = (c / cg) * og, j = c % cg; /* the first output of c's group, its kernel channel */
    bp_model_shown(ph, done, L->shown_val, L->shown_mask, L->scratch_n);
    const float *w = m->net->params + l->w_off + ((long)o * cg + j) * kk;
    const float *dz = m->acts->grad[i] + o * plane_out;
    int gap = theme_px(th, 40);
    char zn[32], kn[32], t[3][80], s[3][48], nm[128];
    bp_model_tensor_name(m, i, zn, sizeof zn);
    bp_model_weight_name(m, i, false, kn, sizeof kn);
    snprintf(t[0], sizeof t[0], "\xE2\x88\x82L/\xE2\x88\x82%s", zn);
    bp_model_plane_shape(m, i, o, s[0], sizeof s[0]);
    GridView vz = bpview_make_view(
        ctx, t[0], s[0], dz, g->oh, g->ow,
        colorscale_fit(COLORMAP_DIVERGING, m->acts->grad[i], (int)(plane_out * g->o)), 3);
    snprintf(t[1], sizeof t[1], "%s[%d,%d]", kn, o, j);
    snprintf(s[1], sizeof s[1], "(%d\xC3\x97%d)", g->kh, g->kw);
    GridView vk = bpview_make_view(ctx, t[1], s[1], w, g->kh, g->kw,
                                   colorscale_fit(COLORMAP_DIVERGING, w, (int)kk), 3);
    bp_model_grad_name(m, i - 1, t[2], sizeof t[2]);
    bp_model_plane_shape(m, i - 1, c, s[2], sizeof s[2]);
    GridView vx = bpview_make_view(ctx, t[2], s[2], L->shown_val + c * plane_in, g->h, g->w,
                                   colorscale_fit(COLORMAP_DIVERGING, ph->val, (int)ph->cells), 3);
    vx.shown = L->shown_mask + c * plane_in;
    Rect rc[3];
    GridView *row[3] = {&vz, &vk, &vx};
    int cell = bpview_row_fit(ctx, area, row, 3, gap, rc);
    snprintf(nm, sizeof nm, "%.100s[%d,", t[0], o);
    GridLayout lz = bpview_draw_view(L, ctx, &vz, rc[0], cell, nm);
    bpview_draw_view(L, ctx, &vk, rc[1], cell, NULL);
    snprintf(nm, sizeof nm, "%.100s[%d,", t[2], c);
    GridLayout lx = bpview_draw_view(L, ctx, &vx, rc[2], cell, nm);
    lsu_draw_operator(ctx->r, th, "\xE2\x86\x92", rc[1].x + rc[1].w + gap / 2,
                      lz.cells.y + lz.cells.h / 2);
    if (done > 0) {
        long c0 = st->cell0 - c * plane_in, c1 = st->cell1 - c * plane_in;
        bpview_outline_range(ctx, &vx, &lx, c0 < 0 ? 0 : c0, c1 > plane_in ? plane_in : c1,
                             th->accent);
        /* the upstream cells of channel 0 whose windows used the focus cell */
        static ConvInputUse uses[BP_MAX_TERMS];
        int n = bp_model_conv_x_uses(m, st, uses, BP_MAX_TERMS);
        for (int k = 0; k < n && k < BP_MAX_TERMS; k++)
            if (uses[k].o == o)
                bpview_outline_cell(ctx, &vz, &lz, uses[k].oy, uses[k].ox, th->accent);
    }
}

/* The titles of one row of the update, before, ∂L/∂ and after, of the weights kn (a dense
 * matrix, or kernel [o, c]), and their shape kh×kw. */
static void update_titles(const char *kn, bool dense, int o, int c, int kh, int kw, char (*t)[96],
                          char *s, size_t s_size)
{
    if (dense) {
        snprintf(t[0], sizeof t[0], "%s before", kn);
        snprintf(t[1], sizeof t[1], "\xE2\x88\x82L/\xE2\x88\x82%s", kn);
        snprintf(t[2], sizeof t[2], "%s after", kn);
    } else {
        snprintf(t[0], sizeof t[0], "%s[%d,%d] before", kn, o, c);
        snprintf(t[1], sizeof t[1], "\xE2\x88\x82L/\xE2\x88\x82%s[%d,%d]", kn, o, c);
        snprintf(t[2], sizeof t[2], "%s[%d,%d] after", kn, o, c);
    }
    snprintf(s, s_size, "(%d\xC3\x97%d)", kh, kw);
}

/* The update: before − η·gradient = after, for up to four kernels (or the dense matrix). */
void bpview_draw_update(BpLab *L, LabContext *ctx, Rect area, const BpStep *st)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    int i = ph->layer;
    const Layer *l = &m->net->spec.layers[i];
    const float *before = m->net->params + l->w_off, *grad = m->net->grads + l->w_off;
    const float *after = m->after->params + l->w_off;
    char kn[32], eta[32], t[3][96], s[48], nm[128];
    bp_model_weight_name(m, i, false, kn, sizeof kn);
    snprintf(eta, sizeof eta, "%g", (double)m->lr);
    char op[48];
    snprintf(op, sizeof op, "\xE2\x88\x92 %s\xC2\xB7", eta);
    int opw = 0;
    render_text_size(ctx->r, FONT_MONO, theme_px(th, THEME_HEADING), op, &opw, NULL);
    int gap = opw + theme_px(th, 20);
    int nrows = 1, first = 0, kh, kw;
    /* the kernel's second axis: C/G (conv), O/G (deconv) */
    int ax = l->kind == LAYER_DECONV ? l->conv.o : l->conv.c;
    bool flat = l->kind == LAYER_DENSE || l->kind == LAYER_BATCHNORM;
    if (l->kind == LAYER_DENSE) {
        kh = l->units;
        kw = l->in.c;
    } else if (l->kind == LAYER_BATCHNORM) {
        kh = 1; /* γ, one per channel */
        kw = (int)l->n_w;
    } else {
        ax /= conv_groups(&l->conv);
        kh = l->conv.kh;
        kw = l->conv.kw;
        long kernels = l->n_w / ((long)kh * kw);
        nrows = kernels < 4 ? (int)kernels : 4;
        /* the rows from the focus's kernel on (the last four when it is near the end) */
        first = (int)(st->focus / ((long)kh * kw));
        first = first + nrows > kernels ? (int)kernels - nrows : first;
    }
    long kk = (long)kh * kw;
    ColorScale sw = colorscale_fit(COLORMAP_DIVERGING, before, (int)l->n_w);
    ColorScale sa = colorscale_fit(COLORMAP_DIVERGING, after, (int)l->n_w);
    if (sa.hi > sw.hi)
        sw = sa; /* before and after share one scale, so a change shows as a change of colour */
    ColorScale sg = colorscale_fit(COLORMAP_DIVERGING, grad, (int)l->n_w);
    int vgap = theme_px(th, 8);
    Rect row = {area.x, area.y, area.w, (area.h - (nrows - 1) * vgap) / nrows};
    /* the titles of every row alike: the first row decides the cell and where shapes go */
    int cell = 0;
    bool notes = false;
    for (int k = first; k < first + nrows; k++) {
        Rect rc[3];
        int o = flat ? 0 : k / ax, c = flat ? 0 : k % ax;
        update_titles(kn, flat, o, c, kh, kw, t, s, sizeof s);
        long base = (long)k * kk;
        GridView v0 = bpview_make_view(ctx, t[0], s, before + base, kh, kw, sw, 3);
        GridView v1 = bpview_make_view(ctx, t[1], s, grad + base, kh, kw, sg, 3);
        GridView v2 = bpview_make_view(ctx, t[2], s, after + base, kh, kw, sw, 3);
        GridView *trio[3] = {&v0, &v1, &v2};
        if (k == first) {
            cell = bpview_row_fit(ctx, row, trio, 3, gap, rc);
            notes = v0.note != NULL;
        } else {
            int cols[3] = {kw, kw, kw};
            bpview_row_rects(th, row, cols, 3, cell, gap, rc);
            for (int j = 0; notes && j < 3; j++) {
                trio[j]->note = trio[j]->shape;
                trio[j]->shape = "";
            }
        }
        snprintf(nm, sizeof nm, "%s before[%d,%d,", kn, o, c);
        GridLayout l0 = bpview_draw_view(L, ctx, &v0, rc[0], cell, nm);
        snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[%d,%d,", kn, o, c);
        GridLayout l1 = bpview_draw_view(L, ctx, &v1, rc[1], cell, nm);
        snprintf(nm, sizeof nm, "%s after[%d,%d,", kn, o, c);
        GridLayout l2 = bpview_draw_view(L, ctx, &v2, rc[2], cell, nm);
        int mid = l0.cells.y + l0.cells.h / 2;
        render_text(ctx->r, FONT_MONO, theme_px(th, THEME_HEADING), op, rc[0].x + rc[0].w + gap / 2,
                    mid, ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
        lsu_draw_operator(ctx->r, th, "=", rc[1].x + rc[1].w + gap / 2, mid);
        if (st->focus >= base && st->focus < base + kk) {
            int fr = (int)((st->focus - base) / kw), fc = (int)((st->focus - base) % kw);
            bpview_outline_cell(ctx, &v0, &l0, fr, fc, th->accent);
            bpview_outline_cell(ctx, &v1, &l1, fr, fc, th->accent);
            bpview_outline_cell(ctx, &v2, &l2, fr, fc, th->accent);
        }
        row.y += row.h + vgap;
    }
}
