/* labs/channels/view_stage.c - the Channels lab's stage and strip: four columns (the input
 * planes, W0's planes, W1's planes, the two output maps), the amber window on all three
 * planes, the cyan hover, values edited by click and drag, the shared legends and the biases,
 * the per-plane partial sums with their total, the size formula and the parameter count.
 * Depends on: labs/channels/view_int.h, labs/common (captions, grids, strip, text), viz, ui. */
#include "labs/channels/view_int.h"
#include "labs/common/captions.h"
#include "labs/common/grids.h"
#include "labs/common/strip.h"
#include "labs/common/text.h"
#include "viz/grid.h"

#include <stdio.h>
#include <stdlib.h>

/* One frame of the stage: where everything goes, what is current and what the mouse is on. */
typedef struct Stage {
    Rect st; /* the whole stage */
    int pad, body, line;
    char size_line[400], param_line[160]; /* param_line "" when size_line holds it */
    int info_h;                           /* the lines at the bottom */
    Rect area;                            /* the room of the grids */
    int oh, ow;                           /* output size (0 without output) */
    int co, cy, cx;                       /* the current step's cell, co -1 at step 0 */
    int ho, hy, hx;                       /* the hovered output cell, ho -1: none */
    int mouse_hover;                      /* the map the mouse is over, or -1 */
    /* four columns: input planes | W0 planes | W1 planes | output maps */
    int op_w, wx, ww, wo, x0, x1, x2, x3, rows_h;
    GridView vx[CHANLAB_C], vw[CHANLAB_O][CHANLAB_C], vo[CHANLAB_O];
    GridLayout lx[CHANLAB_C], lw[CHANLAB_O][CHANLAB_C], lo[CHANLAB_O];
    char tx[CHANLAB_C][48], tw[CHANLAB_O][CHANLAB_C][48], to[CHANLAB_O][48], so[CHANLAB_O][24];
    float parts[CHANLAB_C]; /* the partial sums of the cell shown */
} Stage;

/* The size and parameter line: the long form when it fits the stage, else the size formula and
 * the parameter count on two lines; the current step and the forced hover. */
static void plan_info(ChanLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect st = s->st = ctx->stage;
    int pad = s->pad = theme_px(th, 8), body = s->body = theme_px(th, THEME_BODY);
    int line = s->line = render_line_height(r, FONT_MONO, body) + theme_px(th, 3);
    s->param_line[0] = '\0';
    chanscene_size_line(&L->sc, true, s->size_line, sizeof s->size_line);
    if (lsu_widest_line(r, FONT_MONO, body, s->size_line) > st.w - 2 * pad) {
        chanscene_size_line(&L->sc, false, s->size_line, sizeof s->size_line);
        chanscene_params_line(s->param_line, sizeof s->param_line);
    }
    s->info_h = (s->param_line[0] ? 6 : 5) * line + pad;
    s->area = (Rect){st.x, st.y, st.w, st.h - s->info_h};
    s->oh = L->sc.sweep.valid ? L->sc.sweep.g.oh : 0;
    s->ow = L->sc.sweep.valid ? L->sc.sweep.g.ow : 0;

    /* current step and hover */
    chanscene_current(&L->sc, L->tl.pos, &s->co, &s->cy, &s->cx);
    s->ho = s->hy = s->hx = -1;
    chanscene_forced_hover(&L->sc, &s->ho, &s->hy, &s->hx);
}

/* The three input planes and the two filters' planes beside them, row by row. */
static void make_planes(ChanLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const ChanScene *sc = &L->sc;
    Rect area = s->area;
    int win_y = 0, win_x = 0, span = CHANLAB_K;
    int wo_y = s->co >= 0 ? s->cy : 0, wo_x = s->co >= 0 ? s->cx : 0,
        cur_o = s->co >= 0 ? s->co : 0;
    if (sc->sweep.valid)
        sweep_window(&sc->sweep, wo_y, wo_x, &win_y, &win_x, &span, &span);
    for (int c = 0; c < CHANLAB_C; c++) {
        GridView *vx = &s->vx[c];
        snprintf(s->tx[c], sizeof s->tx[c], "input %s", chanscene_plane_name(c));
        *vx = grid_view_make(s->tx[c], sc->x + c * CHANLAB_N * CHANLAB_N, CHANLAB_N, CHANLAB_N,
                             COLORMAP_SEQUENTIAL);
        vx->scale = L->x_scale;
        vx->pad_top = vx->pad_bottom = vx->pad_left = vx->pad_right = sc->pad;
        vx->show_values = ctx->show_values;
        vx->show_legend = false;
        if (sc->sweep.valid) {
            lsu_highlight_eased(vx, &L->e_win, win_y, win_x, CHANLAB_K, CHANLAB_K, GRID_HL_CURRENT,
                                L->clock, (float)sc->stride + 1.0f);
            if (s->ho >= 0) {
                int y0, xx0, s1, s2;
                sweep_window(&sc->sweep, s->hy, s->hx, &y0, &xx0, &s1, &s2);
                grid_add_highlight(vx, y0, xx0, CHANLAB_K, CHANLAB_K, GRID_HL_HOVER);
            }
        }
        s->lx[c] =
            lsu_grid_layout(r, th, vx, (Rect){s->x0, area.y + c * s->rows_h, s->wx, s->rows_h});
        for (int o = 0; o < CHANLAB_O; o++) {
            GridView *vw = &s->vw[o][c];
            snprintf(s->tw[o][c], sizeof s->tw[o][c], "W%d %s", o, chanscene_plane_name(c));
            *vw = grid_view_make(s->tw[o][c], sc->w + (o * CHANLAB_C + c) * CHANLAB_K * CHANLAB_K,
                                 CHANLAB_K, CHANLAB_K, COLORMAP_DIVERGING);
            vw->scale = L->w_scale;
            vw->show_values = ctx->show_values;
            vw->show_legend = false;
            if (sc->sweep.valid && o == cur_o && s->co >= 0)
                grid_add_highlight(vw, 0, 0, CHANLAB_K, CHANLAB_K, GRID_HL_CURRENT);
            if (s->ho == o)
                grid_add_highlight(vw, 0, 0, CHANLAB_K, CHANLAB_K, GRID_HL_HOVER);
            s->lw[o][c] = lsu_grid_layout(
                r, th, vw,
                (Rect){o == 0 ? s->x1 : s->x2, area.y + c * s->rows_h, s->ww, s->rows_h});
        }
    }
}

/* The columns, the planes and the two output maps. */
static void make_grids(ChanLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect area = s->area;
    int oh = s->oh, ow = s->ow;
    int op_w = s->op_w = theme_px(th, 28);
    int cols_w = area.w - 3 * op_w;
    s->wx = cols_w * 30 / 100;
    s->ww = cols_w * 20 / 100;
    s->wo = cols_w - s->wx - 2 * s->ww;
    s->x0 = area.x;
    s->x1 = s->x0 + s->wx + op_w;
    s->x2 = s->x1 + s->ww + op_w / 2;
    s->x3 = s->x2 + s->ww + op_w * 3 / 2;
    /* the three plane rows share one legend row (and the biases) at the bottom */
    int leg_h = colormap_legend_height(th) + s->line + theme_px(th, 6);
    s->rows_h = (area.h - leg_h) / CHANLAB_C;
    make_planes(L, ctx, s);
    for (int o = 0; o < CHANLAB_O; o++) {
        GridView *vo = &s->vo[o];
        snprintf(s->to[o], sizeof s->to[o], "output %d (W%d)", o, o);
        snprintf(s->so[o], sizeof s->so[o], "%d\xC3\x97%d", oh, ow);
        *vo = grid_view_make(s->to[o], L->sc.out + o * oh * ow, oh > 0 ? oh : 1, ow > 0 ? ow : 1,
                             COLORMAP_DIVERGING);
        vo->shape = s->so[o];
        vo->scale = L->out_scale;
        vo->shown = L->shown[o];
        vo->show_values = ctx->show_values;
        if (s->co == o)
            lsu_highlight_eased(vo, &L->e_cell[o], s->cy, s->cx, 1, 1, GRID_HL_CURRENT, L->clock,
                                2.0f);
        else
            ease_rect_reset(&L->e_cell[o]);
        if (s->ho == o)
            grid_add_highlight(vo, s->hy, s->hx, 1, 1, GRID_HL_HOVER);
        int hh = area.h / 2;
        s->lo[o] = lsu_grid_layout(r, th, vo, (Rect){s->x3, area.y + o * hh, s->wo, hh});
    }
}

/* Mouse: hover an output cell; click a value to edit it, drag it up/down. */
static void use_mouse(ChanLab *L, LabContext *ctx, Stage *s)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    ChanScene *sc = &L->sc;
    for (int o = 0; o < CHANLAB_O && sc->sweep.valid; o++) {
        GridHit h = grid_hit_test(&s->vo[o], &s->lo[o], ui->in.mx, ui->in.my);
        if (h.inside) {
            s->ho = o;
            s->hy = h.row;
            s->hx = h.col;
            int y0, xx0, s1, s2;
            sweep_window(&sc->sweep, s->hy, s->hx, &y0, &xx0, &s1, &s2);
            for (int c = 0; c < CHANLAB_C; c++)
                lsu_highlight_eased(&s->vx[c], &L->e_hwin, y0, xx0, CHANLAB_K, CHANLAB_K,
                                    GRID_HL_HOVER, L->clock, (float)sc->stride + 1.0f);
            for (int c = 0; c < CHANLAB_C; c++)
                grid_add_highlight(&s->vw[o][c], 0, 0, CHANLAB_K, CHANLAB_K, GRID_HL_HOVER);
            lsu_highlight_eased(&s->vo[o], &L->e_hcell[o], s->hy, s->hx, 1, 1, GRID_HL_HOVER,
                                L->clock, 2.0f);
            s->mouse_hover = o;
        }
    }
    if (ui->in.mouse_pressed) {
        for (int c = 0; c < CHANLAB_C; c++) {
            GridHit h = grid_hit_test(&s->vx[c], &s->lx[c], ui->in.mx, ui->in.my);
            if (h.inside && !h.in_padding) {
                L->sel = CHAN_SEL_INPUT;
                L->sel_index = c * CHANLAB_N * CHANLAB_N + h.row * CHANLAB_N + h.col;
            }
            for (int o = 0; o < CHANLAB_O; o++) {
                GridHit hw = grid_hit_test(&s->vw[o][c], &s->lw[o][c], ui->in.mx, ui->in.my);
                if (hw.inside) {
                    L->sel = CHAN_SEL_WEIGHT;
                    L->sel_index =
                        (o * CHANLAB_C + c) * CHANLAB_K * CHANLAB_K + hw.row * CHANLAB_K + hw.col;
                }
            }
        }
        if (L->sel != CHAN_SEL_NONE) {
            L->dragging = true;
            L->drag_y = ui->in.my;
            L->drag_from = L->sel == CHAN_SEL_INPUT ? sc->x[L->sel_index] : sc->w[L->sel_index];
        }
    }
    if (!ui->in.mouse_down)
        L->dragging = false;
    if (L->dragging && L->sel != CHAN_SEL_NONE) {
        int dy = L->drag_y - ui->in.my, unit = theme_px(th, 8);
        if (abs(dy) >= unit) {
            float *p = L->sel == CHAN_SEL_INPUT ? &sc->x[L->sel_index] : &sc->w[L->sel_index];
            *p = L->drag_from + (float)(dy / unit);
            sc->dirty = true;
        }
        ui->mouse_used = true;
    }
    if (sc->dirty) {
        chanlab_recompute(L);
        for (int c = 0; c < CHANLAB_C; c++) {
            s->vx[c].scale = L->x_scale;
            for (int o = 0; o < CHANLAB_O; o++)
                s->vw[o][c].scale = L->w_scale;
        }
        for (int o = 0; o < CHANLAB_O; o++)
            s->vo[o].scale = L->out_scale;
    }
}

/* The selected value outlined in cyan. */
static void mark_selection(ChanLab *L, Stage *s)
{
    if (L->sel == CHAN_SEL_INPUT) {
        int c = L->sel_index / (CHANLAB_N * CHANLAB_N),
            rest = L->sel_index % (CHANLAB_N * CHANLAB_N);
        grid_add_highlight(&s->vx[c], rest / CHANLAB_N, rest % CHANLAB_N, 1, 1, GRID_HL_HOVER);
    } else if (L->sel == CHAN_SEL_WEIGHT) {
        int o = L->sel_index / (CHANLAB_C * CHANLAB_K * CHANLAB_K),
            c = (L->sel_index / (CHANLAB_K * CHANLAB_K)) % CHANLAB_C,
            t = L->sel_index % (CHANLAB_K * CHANLAB_K);
        grid_add_highlight(&s->vw[o][c], t / CHANLAB_K, t % CHANLAB_K, 1, 1, GRID_HL_HOVER);
    }
}

/* The planes with "∗" before the filters, the shared legends, the biases under their filters,
 * the output maps after "=" (or the problem panel). */
static void draw_grids(ChanLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect area = s->area;
    int op_w = s->op_w;
    for (int c = 0; c < CHANLAB_C; c++) {
        grid_draw(r, th, &s->vx[c], &s->lx[c]);
        for (int o = 0; o < CHANLAB_O; o++)
            grid_draw(r, th, &s->vw[o][c], &s->lw[o][c]);
        int mid = s->lx[c].cells.y + s->lx[c].cells.h / 2;
        lsu_draw_operator(r, th, "\xE2\x88\x97", s->x1 - op_w / 2, mid);
    }
    /* the shared legends, and the biases under their filters */
    int ly = area.y + CHANLAB_C * s->rows_h + theme_px(th, 4);
    int lh = colormap_legend_height(th);
    Rect lxr = {s->lx[0].cells.x, ly, s->lx[0].cells.w, lh};
    colormap_draw_legend(r, th, lxr, &L->x_scale);
    Rect lwr = {s->lw[0][0].cells.x, ly,
                s->lw[1][0].cells.x + s->lw[1][0].cells.w - s->lw[0][0].cells.x, lh};
    colormap_draw_legend(r, th, lwr, &L->w_scale);
    int cur_o = s->co >= 0 ? s->co : 0;
    for (int o = 0; o < CHANLAB_O; o++) {
        char bl[32];
        chanscene_bias_label(&L->sc, o, bl, sizeof bl);
        Rect last = s->lw[o][CHANLAB_C - 1].cells;
        render_text(r, FONT_MONO, s->body, bl, last.x + last.w / 2, ly + lh + theme_px(th, 2),
                    ALIGN_CENTER | ALIGN_TOP,
                    o == cur_o && s->co >= 0 ? th->accent_text : th->text);
    }
    if (L->sc.sweep.valid) {
        for (int o = 0; o < CHANLAB_O; o++) {
            grid_draw(r, th, &s->vo[o], &s->lo[o]);
            lsu_draw_operator(r, th, "=", s->x3 - op_w * 3 / 4,
                              s->lo[o].cells.y + s->lo[o].cells.h / 2);
        }
    } else {
        lsu_draw_problem(r, th, (Rect){s->x3, area.y + area.h / 4, s->wo, area.h / 2}, "No output",
                         L->sc.why);
    }
}

/* Below: the per-plane partial sums of the hovered or current cell, the parameter count and
 * the size formula. */
static void draw_sums(ChanLab *L, LabContext *ctx, Stage *s, int eo, int ey, int ex, Color ec)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect st = s->st;
    int pad = s->pad, line = s->line, body = s->body;
    int y = st.y + st.h - s->info_h + pad / 2;
    int size, chars, lines;
    Rect er = {st.x + pad, y, st.w - 2 * pad, 4 * line};
    lsu_equation_metrics(r, th, (Rect){er.x, er.y, er.w, line}, THEME_BODY, 10, 1, &size, &chars,
                         &lines);
    for (int c = 0; c < CHANLAB_C; c++)
        s->parts[c] = 0.0f;
    if (L->sc.sweep.valid && eo >= 0) {
        for (int c = 0; c < CHANLAB_C; c++) {
            char full[1100];
            for (int tries = 0; tries < 6; tries++) {
                s->parts[c] = chanscene_partial_line(&L->sc, eo, c, ey, ex, chars - 8 - tries, full,
                                                     sizeof full);
                if (lsu_widest_line(r, FONT_MONO, size, full) <= er.w)
                    break;
            }
            lsu_draw_fit_line(r, th, FONT_MONO, size, full, er.x, y, er.w, th->text);
            y += line;
        }
        char full[600];
        chanscene_sum_line(&L->sc, s->parts, eo, ey, ex, false, full, sizeof full);
        lsu_draw_fit_line(r, th, FONT_MONO, size, full, er.x, y, er.w, ec);
    } else if (L->sc.sweep.valid) {
        render_text_wrap(r, FONT_SANS, body,
                         "Step 0: press \xE2\x86\x92 to compute the first cell of output 0 "
                         "(three planes, one filter, one bias).",
                         (Rect){er.x, y, er.w, 4 * line}, th->text_dim, true);
    }
    y = st.y + st.h - s->info_h + pad / 2 + 4 * line;
    lsu_draw_fit_line(r, th, FONT_MONO, body, s->size_line, st.x + pad, y, st.w - 2 * pad,
                      L->sc.sweep.valid ? th->text : th->error);
    if (s->param_line[0])
        lsu_draw_fit_line(r, th, FONT_MONO, body, s->param_line, st.x + pad, y + line,
                          st.w - 2 * pad, th->text_dim);
}

/* The strip: the total of the current (or hovered) cell. */
static void draw_strip(ChanLab *L, LabContext *ctx, Stage *s, int eo, int ey, int ex, Color ec)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect sr = rect_inset(ctx->equation, theme_px(th, 4));
    render_clip_push(r, ctx->equation);
    if (L->sc.sweep.valid && eo >= 0) {
        char full[600];
        chanscene_sum_line(&L->sc, s->parts, eo, ey, ex, true, full, sizeof full);
        /* the long form when it fits, else the numbers alone */
        if (lsu_widest_line(r, FONT_MONO, theme_px(th, THEME_HEADING), full) > sr.w)
            chanscene_sum_line(&L->sc, s->parts, eo, ey, ex, false, full, sizeof full);
        render_text_in(r, FONT_MONO, theme_px(th, THEME_HEADING), full, sr,
                       ALIGN_LEFT | ALIGN_MIDDLE, ec);
    } else if (!L->sc.sweep.valid) {
        lsu_draw_note(r, th, sr, "No output: see the stage.", th->error);
    } else {
        lsu_draw_note(r, th, sr, "Step 0: the window waits at the top left of all three planes.",
                      th->text_dim);
    }
    render_clip_pop(r);
}

void chanlab_draw_stage(ChanLab *L, LabContext *ctx)
{
    Stage s = {0};
    plan_info(L, ctx, &s);
    make_grids(L, ctx, &s);
    s.mouse_hover = -1;
    if (!ctx->headless && !ctx->ui->mouse_used)
        use_mouse(L, ctx, &s);
    /* a hover that ended (or moved to the other map) starts afresh where it next appears */
    if (s.mouse_hover < 0)
        ease_rect_reset(&L->e_hwin);
    for (int o = 0; o < CHANLAB_O; o++)
        if (s.mouse_hover != o)
            ease_rect_reset(&L->e_hcell[o]);
    mark_selection(L, &s);
    draw_grids(L, ctx, &s);

    int eo = s.ho >= 0 ? s.ho : s.co, ey = s.ho >= 0 ? s.hy : s.cy, ex = s.ho >= 0 ? s.hx : s.cx;
    Color ec = s.ho >= 0 ? ctx->th->hover : ctx->th->accent_text;
    draw_sums(L, ctx, &s, eo, ey, ex, ec);
    draw_strip(L, ctx, &s, eo, ey, ex, ec);
}
