/* labs/channels/view_stage.c - the Channels lab's stage and strip: a column per plane (its
 * padded input over its W0 and W1 planes, all at one cell size), the two output maps with
 * their biases on the right, the amber window on all three planes, the cyan hover, values
 * edited by click and drag, the shared legends, the per-plane partial sums with their total,
 * the size formula and the parameter count.
 * Depends on: labs/channels/view_int.h, labs/common (captions, grids, strip, text), viz, ui. */
#include "labs/channels/view_int.h"
#include "labs/common/captions.h"
#include "labs/common/grids.h"
#include "labs/common/strip.h"
#include "labs/common/text.h"
#include "viz/grid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    /* a column per plane (its input over its W0 and W1 planes), the output maps on the right;
     * inputs and weights share one cell size */
    int op_w, cell, col_w, col_gap, wo, x0, x3;
    int ry[3], rh[3]; /* the rows: inputs, W0's planes, W1's planes */
    int legend_y;     /* the legends' row under them */
    GridView vx[CHANLAB_C], vw[CHANLAB_O][CHANLAB_C], vo[CHANLAB_O];
    GridLayout lx[CHANLAB_C], lw[CHANLAB_O][CHANLAB_C], lo[CHANLAB_O];
    char tx[CHANLAB_C][48], to[CHANLAB_O][48], so[CHANLAB_O][24];
    char bo[CHANLAB_O][32]; /* "+ b0 = 1", under output o's title */
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
        vx->max_cell = s->cell;
        if (sc->sweep.valid) {
            lsu_highlight_eased(vx, &L->e_win, win_y, win_x, CHANLAB_K, CHANLAB_K, GRID_HL_CURRENT,
                                L->clock, (float)sc->stride + 1.0f);
            if (s->ho >= 0) {
                int y0, xx0, s1, s2;
                sweep_window(&sc->sweep, s->hy, s->hx, &y0, &xx0, &s1, &s2);
                grid_add_highlight(vx, y0, xx0, CHANLAB_K, CHANLAB_K, GRID_HL_HOVER);
            }
        }
        int cx = s->x0 + c * (s->col_w + s->col_gap);
        s->lx[c] = lsu_grid_layout(r, th, vx, (Rect){cx, s->ry[0], s->col_w, s->rh[0]});
        for (int o = 0; o < CHANLAB_O; o++) {
            GridView *vw = &s->vw[o][c];
            /* untitled: the column's input names the plane, the row's label the filter */
            *vw = grid_view_make(NULL, sc->w + (o * CHANLAB_C + c) * CHANLAB_K * CHANLAB_K,
                                 CHANLAB_K, CHANLAB_K, COLORMAP_DIVERGING);
            vw->scale = L->w_scale;
            vw->show_values = ctx->show_values;
            vw->show_legend = false;
            vw->max_cell = s->cell;
            if (sc->sweep.valid && o == cur_o && s->co >= 0)
                grid_add_highlight(vw, 0, 0, CHANLAB_K, CHANLAB_K, GRID_HL_CURRENT);
            if (s->ho == o)
                grid_add_highlight(vw, 0, 0, CHANLAB_K, CHANLAB_K, GRID_HL_HOVER);
            s->lw[o][c] =
                lsu_grid_layout(r, th, vw, (Rect){cx, s->ry[1 + o], s->col_w, s->rh[1 + o]});
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
    int op_w = s->op_w = theme_px(th, 26);
    /* one cell size for the padded inputs and the weights: a column per plane holds its
     * input (n_in cells tall) over its two 3x3 planes, under three title lines, above the
     * legends' row; the output maps take the rest of the width after "=" */
    int n_in = CHANLAB_N + 2 * L->sc.pad;
    int title_h = render_line_height(r, FONT_SANS_BOLD, s->body) + theme_px(th, 4);
    int vgap = theme_px(th, 4), leg_h = colormap_legend_height(th) + theme_px(th, 6);
    s->col_gap = theme_px(th, 6);
    s->wo = area.w * 21 / 100 > theme_px(th, 108) ? area.w * 21 / 100 : theme_px(th, 108);
    int by_h = (area.h - title_h - 2 * vgap - leg_h) / (n_in + 2 * CHANLAB_K);
    int by_w = (area.w - 2 * op_w - s->wo - 2 * s->col_gap) / (CHANLAB_C * n_in);
    int cell = by_h < by_w ? by_h : by_w;
    cell = cell < theme_px(th, GRID_MAX_CELL) ? cell : theme_px(th, GRID_MAX_CELL);
    /* the grids' max_cell is at scale 1.0: the largest whose scaled size is at most cell */
    s->cell = (int)((float)cell / th->scale);
    while (s->cell > 1 && theme_px(th, (float)s->cell) > cell)
        s->cell--;
    s->cell = s->cell > 1 ? s->cell : 1;
    cell = theme_px(th, (float)s->cell);
    s->col_w = n_in * cell > theme_px(th, 84) ? n_in * cell : theme_px(th, 84);
    s->x0 = area.x + op_w;
    s->x3 = s->x0 + CHANLAB_C * s->col_w + (CHANLAB_C - 1) * s->col_gap + op_w;
    s->wo = area.x + area.w - s->x3;
    s->rh[0] = title_h + n_in * cell;
    s->rh[1] = s->rh[2] = CHANLAB_K * cell;
    s->ry[0] = area.y;
    s->ry[1] = s->ry[0] + s->rh[0] + vgap;
    s->ry[2] = s->ry[1] + s->rh[1] + vgap;
    s->legend_y = s->ry[2] + s->rh[2] + theme_px(th, 4);
    make_planes(L, ctx, s);
    for (int o = 0; o < CHANLAB_O; o++) {
        GridView *vo = &s->vo[o];
        snprintf(s->to[o], sizeof s->to[o], "output %d (W%d)", o, o);
        snprintf(s->so[o], sizeof s->so[o], "%d\xC3\x97%d", oh, ow);
        *vo = grid_view_make(s->to[o], L->sc.out + o * oh * ow, oh > 0 ? oh : 1, ow > 0 ? ow : 1,
                             COLORMAP_DIVERGING);
        vo->shape = s->so[o];
        chanscene_bias_label(&L->sc, o, s->bo[o], sizeof s->bo[o]);
        vo->note = s->bo[o];
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
    }
    /* each filter's row, named on its left, is convolved with the inputs above it */
    for (int o = 0; o < CHANLAB_O; o++) {
        Rect row = s->lw[o][0].cells;
        char name[8];
        snprintf(name, sizeof name, "W%d", o);
        render_text(r, FONT_SANS_BOLD, s->body, name, area.x + op_w / 2, row.y,
                    ALIGN_CENTER | ALIGN_TOP, th->text);
        lsu_draw_operator(r, th, "\xE2\x88\x97", area.x + op_w / 2, row.y + row.h * 3 / 4);
    }
    /* the shared legends: the inputs' under the first plane, the weights' under the others */
    int ly = s->legend_y, lh = colormap_legend_height(th);
    Rect lxr = {s->x0, ly, s->col_w, lh};
    colormap_draw_legend(r, th, lxr, &L->x_scale);
    Rect lwr = {s->x0 + s->col_w + s->col_gap, ly,
                (CHANLAB_C - 1) * s->col_w + (CHANLAB_C - 2) * s->col_gap, lh};
    colormap_draw_legend(r, th, lwr, &L->w_scale);
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
    memcpy(L->drawn_x, s.lx, sizeof L->drawn_x);
    memcpy(L->drawn_w, s.lw, sizeof L->drawn_w);

    int eo = s.ho >= 0 ? s.ho : s.co, ey = s.ho >= 0 ? s.hy : s.cy, ex = s.ho >= 0 ? s.hx : s.cx;
    Color ec = s.ho >= 0 ? ctx->th->hover : ctx->th->accent_text;
    draw_sums(L, ctx, &s, eo, ey, ex, ec);
    draw_strip(L, ctx, &s, eo, ey, ex, ec);
}
