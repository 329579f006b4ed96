/* labs/conv/view_stage.c - the Convolution lab's stage: input ∗ kernel = output placed together
 * (lsu_layout_trio), the amber window and cell gliding with the timeline, the cyan hover (an
 * output's receptive field, the outputs an input cell feeds), editing by mouse (kernel and
 * matrix values dragged or typed, the canvas drawn), the 1-D picture of shared weights, and
 * the size formulas with what the stride leaves out. Depends on: labs/conv/view_int.h,
 * labs/common (captions, grids, text, trio), viz, ui. */
#include "labs/conv/view_int.h"
#include "labs/common/captions.h"
#include "labs/common/grids.h"
#include "labs/common/text.h"
#include "labs/common/trio.h"
#include "viz/grid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* One frame of the stage: where everything goes, what is current and what the mouse is on. */
typedef struct Stage {
    Rect st; /* the whole stage */
    int pad, body, line;
    bool one_d;
    char wrapped_r[1024], wrapped_c[1024]; /* the unreached rows and columns, wrapped */
    int info_h;                            /* the formulas' lines at the bottom */
    Rect grids;                            /* the room of the three grids */
    ConvTitles t;
    LsuTrio trio;
    GridView vin, vk, vo;
    GridLayout lin, lk, lo;
    int cur_oy, cur_ox; /* the output cell of the current step, -1 at step 0 */
    int win_oy, win_ox; /* the window shown: the current one, or the first at step 0 */
    ConvHover hover;
    int iy0, ix0; /* the current window's top-left in the input */
    int hy0, hx0; /* the hovered output's window's top-left */
    bool dilated;
} Stage;

/* The bottom of the stage: the two size formulas and what the stride leaves out. */
static void plan_info(ConvLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect st = s->st = ctx->stage;
    int pad = s->pad = theme_px(th, 8);
    int body = s->body = theme_px(th, THEME_BODY);
    int line = s->line = render_line_height(r, FONT_MONO, body);
    bool one_d = s->one_d = L->sc.src == CONV_SRC_SIGNAL;

    char unr_r[512] = "", unr_c[512] = "";
    s->wrapped_r[0] = s->wrapped_c[0] = '\0';
    int info_lines = one_d ? 2 : 3;
    if (L->sc.sweep.valid) {
        sweep_axis_unreached_text(&L->sc.sweep.rows, "row", "rows", unr_r, sizeof unr_r);
        sweep_axis_unreached_text(&L->sc.sweep.cols, "column", "columns", unr_c, sizeof unr_c);
        if (unr_r[0])
            info_lines += lsu_wrap(r, FONT_SANS, body, unr_r, st.w - 2 * pad, s->wrapped_r,
                                   sizeof s->wrapped_r);
        if (unr_c[0])
            info_lines += lsu_wrap(r, FONT_SANS, body, unr_c, st.w - 2 * pad, s->wrapped_c,
                                   sizeof s->wrapped_c);
    }
    s->info_h = info_lines * (line + theme_px(th, 3)) + pad;
    s->grids = (Rect){st.x, st.y, st.w, st.h - s->info_h};
    if (one_d) {
        /* the grids take the top half, the neuron picture the rest */
        s->grids.h = (st.h - s->info_h) * 55 / 100;
    }
}

/* GridView.max_cell (px at scale 1.0) that gives cells of at most px pixels. */
static int trio_max_cell(const Theme *th, int px)
{
    int m = (int)((float)px / th->scale);
    while (m > 1 && theme_px(th, (float)m) > px)
        m--;
    return m > 0 ? m : 1;
}

/* The kernel's values at three places, as the equation prints them (0.111). */
#define KERNEL_DECIMALS 3

/* The kernel cell that holds its widest value at the smallest value size (grid_layout's rule:
 * a mono digit 0.62 em wide, 2 px each side), and at most 36 px at scale 1: the cell the trio
 * gives the kernel when the input stays larger. */
static int kernel_read_cell(const ConvScene *sc, const Theme *th)
{
    int chars = 1;
    char buf[48];
    for (int i = 0; i < sc->kh * sc->kw; i++) {
        colormap_format_value(sc->k[i], KERNEL_DECIMALS, buf, sizeof buf);
        int n = 0;
        for (const char *p = buf; *p; p++)
            n += ((unsigned char)*p & 0xc0) != 0x80;
        chars = n > chars ? n : chars;
    }
    int need = (int)ceilf(4.0f + 0.62f * (float)chars * (float)theme_px(th, 9)) + 1;
    int floor_px = theme_px(th, 16), most = theme_px(th, 36);
    need = need > floor_px ? need : floor_px;
    return need < most ? need : most;
}

/* Input, kernel and output placed together: one cell size for input and output, the
 * kernel's at most 1.5 times it (or legible while the input stays larger), side by side
 * or stacked, whichever shows the input largest; all three always show. */
static void place_trio(ConvLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    int body = s->body;
    ConvTitles *t = &s->t;
    int title_line = render_line_height(r, FONT_SANS_BOLD, body);
    int legend_h = colormap_legend_height(th) + theme_px(th, 6);
    const char *titles[3] = {t->in_title, "kernel", "output"};
    const char *shapes[3] = {t->in_shape, t->k_shape, t->out_shape};
    const char *notes[3] = {t->in_note, t->k_note, ""};
    LsuTrioGrid tg[3] = {
        {L->sc.w + L->sc.pl + L->sc.pr, L->sc.h + L->sc.pt + L->sc.pb, 0, 0},
        {L->sc.kw, L->sc.kh, 0, 0},
        {L->sc.sweep.valid ? L->sc.sweep.g.ow : 1, L->sc.sweep.valid ? L->sc.sweep.g.oh : 1, 0, 0},
    };
    for (int i = 0; i < 3; i++) {
        int tw = 0, sw = 0, nw = 0;
        render_text_size(r, FONT_SANS_BOLD, body, titles[i], &tw, NULL);
        render_text_size(r, FONT_MONO, body, shapes[i], &sw, NULL);
        render_text_size(r, FONT_SANS, body, notes[i], &nw, NULL);
        tg[i].min_w = tw + theme_px(th, 6) + sw;
        if (nw > tg[i].min_w)
            tg[i].min_w = nw;
        /* the legend's min, zero and max stay apart */
        if (tg[i].min_w < theme_px(th, 88))
            tg[i].min_w = theme_px(th, 88);
        tg[i].text_h = (notes[i][0] ? 2 : 1) * title_line + theme_px(th, 4) + legend_h;
    }
    if (!L->sc.sweep.valid) {
        /* room for the panel that explains why there is no output */
        tg[2].min_w = theme_px(th, 200);
        tg[2].text_h = theme_px(th, 160);
    }
    int op_w = theme_px(th, 28);
    s->trio = lsu_layout_trio(s->grids, tg, op_w, theme_px(th, GRID_MAX_CELL),
                              kernel_read_cell(&L->sc, th));
}

/* The three grid views in the places the trio gave them, and their layouts. */
static void make_grids(ConvLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    ConvTitles *t = &s->t;
    LsuTrio *trio = &s->trio;
    Rect a_in = trio->area[0], a_k = trio->area[1], a_out = trio->area[2];
    if (t->in_note[0]) {
        /* "input 1×7×7  (padding 1)" on one line when it fits at the body size; else the
         * padding stays on the second line rather than the whole title shrinking */
        char one[128];
        snprintf(one, sizeof one, "%.40s  %.60s", t->in_shape, t->in_note);
        if (grid_title_fits(r, th, t->in_title, one, a_in.w)) {
            snprintf(t->in_shape, sizeof t->in_shape, "%s", one);
            t->in_note[0] = '\0';
        }
    }
    if (!grid_title_fits(r, th, t->in_title, t->in_shape, a_in.w) && L->sc.coverage)
        snprintf(t->in_title, sizeof t->in_title, "visits");
    GridView *vin = &s->vin, *vk = &s->vk, *vo = &s->vo;
    *vin = grid_view_make(t->in_title, L->sc.coverage ? L->sc.covf : L->sc.x, L->sc.h, L->sc.w,
                          COLORMAP_SEQUENTIAL);
    vin->shape = t->in_shape;
    vin->note = t->in_note[0] ? t->in_note : NULL;
    vin->scale = L->sc.coverage ? colorscale_fit(COLORMAP_SEQUENTIAL, L->sc.covf, L->sc.h * L->sc.w)
                                : L->in_scale;
    vin->pad_top = L->sc.pt;
    vin->pad_bottom = L->sc.pb;
    vin->pad_left = L->sc.pl;
    vin->pad_right = L->sc.pr;
    vin->show_values = ctx->show_values;
    /* the cell sizes chosen together, not as large as each column alone would allow */
    vin->max_cell = trio_max_cell(th, trio->cell[0]);

    *vk = grid_view_make("kernel", L->sc.k, L->sc.kh, L->sc.kw, COLORMAP_DIVERGING);
    vk->shape = t->k_shape;
    vk->note = t->k_note[0] ? t->k_note : NULL;
    vk->scale = L->k_scale;
    vk->show_values = ctx->show_values;
    vk->decimals = KERNEL_DECIMALS; /* as the equation prints the weights (0.111) */
    vk->max_cell = trio_max_cell(th, trio->cell[1]);

    *vo = grid_view_make("output", L->sc.out, L->sc.sweep.valid ? L->sc.sweep.g.oh : 1,
                         L->sc.sweep.valid ? L->sc.sweep.g.ow : 1, COLORMAP_SEQUENTIAL);
    vo->shape = t->out_shape;
    vo->max_cell = trio_max_cell(th, trio->cell[2]);
    vo->scale = L->out_scale;
    vo->shown = L->shown;
    vo->show_values = ctx->show_values;

    /* The current step: cell pos-1 (none at pos 0, when the first window waits, outlined). */
    s->win_oy = s->win_ox = 0;
    if (convscene_current(&L->sc, L->tl.pos, &s->cur_oy, &s->cur_ox)) {
        s->win_oy = s->cur_oy;
        s->win_ox = s->cur_ox;
    }

    s->lin = lsu_grid_layout(r, th, vin, a_in);
    s->lk = lsu_grid_layout(r, th, vk, a_k);
    s->lo = lsu_grid_layout(r, th, vo, a_out);
}

/* Hover: the mouse (window) or the hover= option (headless renders, lessons). */
static ConvHover find_hover(ConvLab *L, LabContext *ctx, Stage *s)
{
    Ui *ui = ctx->ui;
    ConvHover h = {CONV_HOVER_NONE, 0, 0};
    if (ctx->headless || L->sc.force.kind != CONV_HOVER_NONE)
        h = L->sc.force;
    if (!ctx->headless && !ui->mouse_used) {
        GridHit g;
        if ((g = grid_hit_test(&s->vo, &s->lo, ui->in.mx, ui->in.my)).inside && L->sc.sweep.valid)
            h = (ConvHover){CONV_HOVER_OUTPUT, g.row, g.col};
        else if ((g = grid_hit_test(&s->vin, &s->lin, ui->in.mx, ui->in.my)).inside &&
                 !g.in_padding)
            h = (ConvHover){CONV_HOVER_INPUT, g.row, g.col};
        else if ((g = grid_hit_test(&s->vk, &s->lk, ui->in.mx, ui->in.my)).inside)
            h = (ConvHover){CONV_HOVER_KERNEL, g.row, g.col};
    }
    return convscene_hover_check(&L->sc, h);
}

/* Editing: drag a kernel value up/down; click a kernel cell to type into it; in the
 * matrix, the same for input cells; on the canvas, drag to draw (Shift erases). */
static void edit_by_mouse(ConvLab *L, LabContext *ctx, Stage *s)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    ConvScene *sc = &L->sc;
    GridHit hkit = grid_hit_test(&s->vk, &s->lk, ui->in.mx, ui->in.my);
    GridHit hin = grid_hit_test(&s->vin, &s->lin, ui->in.mx, ui->in.my);
    if (ui->in.mouse_pressed && hkit.inside) {
        L->sel_kernel = hkit.row * sc->kw + hkit.col;
        L->dragging_k = true;
        L->drag_y = ui->in.my;
        L->drag_from = sc->k[L->sel_kernel];
    } else if (ui->in.mouse_pressed && hin.inside && !hin.in_padding && !sc->coverage &&
               (sc->src == CONV_SRC_MATRIX || sc->src == CONV_SRC_CANVAS)) {
        if (sc->src == CONV_SRC_MATRIX) {
            L->sel_input = hin.row * sc->w + hin.col;
            L->dragging_x = true;
            L->drag_y = ui->in.my;
            L->drag_from = sc->matrix[L->sel_input];
        } else {
            L->painting = true;
        }
    }
    if (!ui->in.mouse_down) {
        L->dragging_k = L->dragging_x = L->painting = false;
    }
    int notch = theme_px(th, 6);
    if (L->dragging_k && L->sel_kernel >= 0 && L->sel_kernel < sc->kh * sc->kw) {
        int dy = L->drag_y - ui->in.my;
        if (dy != 0) {
            float nv = convscene_drag_value(L->drag_from, dy / notch);
            if (nv != sc->k[L->sel_kernel] && abs(dy) >= notch)
                convscene_set_weight(sc, L->sel_kernel, nv);
        }
        ui->mouse_used = true;
    }
    if (L->dragging_x && L->sel_input >= 0) {
        int dy = L->drag_y - ui->in.my;
        if (abs(dy) >= notch) {
            sc->matrix[L->sel_input] = convscene_drag_value(L->drag_from, dy / notch);
            sc->dirty = true;
        }
        ui->mouse_used = true;
    }
    if (L->painting && hin.inside && !hin.in_padding) {
        convscene_paint(sc, hin.row, hin.col, ui->in.shift);
        ui->mouse_used = true;
    }
    if (sc->dirty) {
        convlab_recompute(L);
        s->vin.data = sc->coverage ? sc->covf : sc->x;
        s->vin.scale = sc->coverage ? colorscale_fit(COLORMAP_SEQUENTIAL, sc->covf, sc->h * sc->w)
                                    : L->in_scale;
        s->vk.scale = L->k_scale;
        s->vo.scale = L->out_scale;
        convlab_refresh_shown(L);
    }
}

/* Highlights: the current window and cell in amber; the hovered links in cyan. */
static void add_highlights(ConvLab *L, Stage *s)
{
    ConvScene *sc = &L->sc;
    ConvHover h = s->hover;
    int wr = 0, wc = 0;
    s->iy0 = s->ix0 = 0;
    if (sc->sweep.valid) {
        sweep_window(&sc->sweep, s->win_oy, s->win_ox, &s->iy0, &s->ix0, &wr, &wc);
        /* one step glides; a wrap to the next row or a scrub jumps */
        float jump = (float)(sc->sh > sc->sw ? sc->sh : sc->sw) + 1.0f;
        lsu_highlight_eased(&s->vin, &L->e_win, s->iy0, s->ix0, wr, wc, GRID_HL_CURRENT, L->clock,
                            jump);
        if (s->cur_oy >= 0)
            lsu_highlight_eased(&s->vo, &L->e_cell, s->cur_oy, s->cur_ox, 1, 1, GRID_HL_CURRENT,
                                L->clock, 2.0f);
        else
            ease_rect_reset(&L->e_cell);
        grid_add_highlight(&s->vk, 0, 0, sc->kh, sc->kw, GRID_HL_CURRENT);
    }
    if (h.kind != CONV_HOVER_OUTPUT) {
        /* the next hover appears where it is, without gliding in from the last one */
        ease_rect_reset(&L->e_hwin);
        ease_rect_reset(&L->e_hcell);
    }
    s->dilated = sc->dh > 1 || sc->dw > 1;
    s->hy0 = s->hx0 = 0;
    if (h.kind == CONV_HOVER_OUTPUT) {
        int rr, cc;
        sweep_window(&sc->sweep, h.r, h.c, &s->hy0, &s->hx0, &rr, &cc);
        float jump = (float)(sc->sh > sc->sw ? sc->sh : sc->sw) + 1.0f;
        /* dilated: the receptive field is the taps alone (outlined after drawing), not the
         * box around them with the rows and columns it skips */
        if (!s->dilated)
            lsu_highlight_eased(&s->vin, &L->e_hwin, s->hy0, s->hx0, rr, cc, GRID_HL_HOVER,
                                L->clock, jump);
        lsu_highlight_eased(&s->vo, &L->e_hcell, h.r, h.c, 1, 1, GRID_HL_HOVER, L->clock, 2.0f);
    } else if (h.kind == CONV_HOVER_INPUT) {
        grid_add_highlight(&s->vin, h.r, h.c, 1, 1, GRID_HL_HOVER);
    } else if (h.kind == CONV_HOVER_KERNEL) {
        grid_add_highlight(&s->vk, h.r, h.c, 1, 1, GRID_HL_HOVER);
    }
}

/* The grids with the operators between them, or the problem panel where the output would be. */
static void draw_grids(ConvLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    ConvScene *sc = &L->sc;
    LsuTrio *trio = &s->trio;
    grid_draw(r, th, &s->vin, &s->lin);
    if (sc->sweep.valid)
        lsu_mark_unreached(r, th, &s->vin, &s->lin, &sc->sweep.rows, &sc->sweep.cols);
    grid_draw(r, th, &s->vk, &s->lk);
    /* the dilated kernel's taps inside the window, outlined so the values multiplied stay
     * readable; the hovered output's taps in cyan */
    if (sc->sweep.valid && s->dilated) {
        int t = s->lin.cell >= theme_px(th, 12) ? theme_px(th, 2) : 1;
        for (int ky = 0; ky < sc->kh; ky++)
            for (int kx = 0; kx < sc->kw; kx++) {
                Rect c =
                    grid_cell_rect(&s->vin, &s->lin, s->iy0 + ky * sc->dh, s->ix0 + kx * sc->dw);
                lsu_outline_cell(r, th, rect_inset(c, t), th->accent, t);
                if (s->hover.kind == CONV_HOVER_OUTPUT) {
                    Rect hcell = grid_cell_rect(&s->vin, &s->lin, s->hy0 + ky * sc->dh,
                                                s->hx0 + kx * sc->dw);
                    lsu_outline_cell(r, th, hcell, th->hover, t);
                }
            }
    }
    int cells_mid = s->lin.cells.y + s->lin.cells.h / 2;
    lsu_draw_operator(r, th, "\xE2\x88\x97", trio->op_x[0],
                      trio->op_y[0] >= 0 ? trio->op_y[0] : cells_mid);
    int eq_y = trio->op_y[1] >= 0 ? trio->op_y[1] : cells_mid;
    if (trio->arrange == LSU_TRIO_TWO_ROWS && sc->sweep.valid)
        eq_y = s->lo.cells.y + s->lo.cells.h / 2;
    lsu_draw_operator(r, th, "=", trio->op_x[1], eq_y);
    if (sc->sweep.valid) {
        grid_draw(r, th, &s->vo, &s->lo);
    } else {
        Rect a_out = trio->area[2];
        Rect pr = a_out;
        if (trio->arrange == LSU_TRIO_ROW)
            pr = (Rect){a_out.x, s->grids.y + s->grids.h / 6, a_out.w, s->grids.h * 2 / 3};
        lsu_draw_problem(r, th, pr, "No output", sc->why);
    }
}

/* The smallest rectangle holding a and b. */
static Rect rect_span(Rect a, Rect b)
{
    int x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
    int x1 = a.x + a.w > b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;
    return (Rect){x0, y0, x1 - x0, y1 - y0};
}

/* What the hover's tooltip explains, which it must leave in view: the whole kernel, the hovered
 * cell (for an output, also its window in the input). */
static Rect hover_anchor(const ConvLab *L, const Stage *s)
{
    const ConvScene *sc = &L->sc;
    ConvHover h = s->hover;
    Rect a = s->lk.cells;
    if (h.kind == CONV_HOVER_INPUT)
        return rect_span(a, grid_cell_rect(&s->vin, &s->lin, h.r, h.c));
    if (h.kind == CONV_HOVER_OUTPUT && sc->sweep.valid) {
        a = rect_span(a, grid_cell_rect(&s->vo, &s->lo, h.r, h.c));
        a = rect_span(a, grid_cell_rect(&s->vin, &s->lin, s->hy0, s->hx0));
        a = rect_span(a, grid_cell_rect(&s->vin, &s->lin, s->hy0 + (sc->kh - 1) * sc->dh,
                                        s->hx0 + (sc->kw - 1) * sc->dw));
    }
    return a;
}

/* Hovering an input cell: every output it feeds outlined; any hover: its tooltip. */
static void draw_hover(ConvLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    ConvHover h = s->hover;
    if (h.kind == CONV_HOVER_INPUT && L->sc.sweep.valid) {
        static ConvInputUse uses[CONVLAB_MAX_K * CONVLAB_MAX_K];
        int n = convscene_input_uses(&L->sc, h.r, h.c, uses, CONVLAB_MAX_K * CONVLAB_MAX_K);
        for (int i = 0; i < n && i < CONVLAB_MAX_K * CONVLAB_MAX_K; i++)
            lsu_outline_cell(r, th,
                             rect_inset(grid_cell_rect(&s->vo, &s->lo, uses[i].oy, uses[i].ox), -1),
                             th->hover, theme_px(th, 2));
    }
    char tip[UI_TOOLTIP_MAX];
    convscene_hover_text(&L->sc, h, tip, sizeof tip);
    if (tip[0] && !ctx->headless)
        ui_tooltip_at(ctx->ui, tip, hover_anchor(L, s));
}

/* A number field on the selected kernel (or matrix) cell for typing its value. */
static void draw_value_fields(ConvLab *L, LabContext *ctx, Stage *s)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    ConvScene *sc = &L->sc;
    if (!ctx->headless && L->sel_kernel >= 0 && L->sel_kernel < sc->kh * sc->kw) {
        Rect c = grid_cell_rect(&s->vk, &s->lk, L->sel_kernel / sc->kw, L->sel_kernel % sc->kw);
        int fw = c.w > theme_px(th, 64) ? c.w : theme_px(th, 64);
        Rect f = {c.x + c.w / 2 - fw / 2, s->lk.cells.y + s->lk.cells.h + theme_px(th, 4), fw,
                  ui_row_height(th)};
        f.y = s->lk.legend.y + s->lk.legend.h + theme_px(th, 6);
        if (ui_number(ui, ui_id("conv.kval"), f, &sc->k[L->sel_kernel], -100.0f, 100.0f, 0.1f, 3)) {
            sc->preset = -1;
            sc->dirty = true;
        }
    }
    if (!ctx->headless && sc->src == CONV_SRC_MATRIX && L->sel_input >= 0 &&
        L->sel_input < sc->msize * sc->msize) {
        Rect f = {s->lin.cells.x, s->lin.legend.y + s->lin.legend.h + theme_px(th, 6),
                  theme_px(th, 80), ui_row_height(th)};
        if (ui_number(ui, ui_id("conv.xval"), f, &sc->matrix[L->sel_input], -1000.0f, 1000.0f, 0.1f,
                      3))
            sc->dirty = true;
    }
}

/* The 1-D picture: samples S1..Sn above, outputs O1..Om below, every connection coloured by
 * the weight it carries: W1, W2, W3 are the same three colours under every output. */
static void draw_network_1d(ConvLab *L, LabContext *ctx, Rect area, int cur_ox)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const ConvScene *sc = &L->sc;
    static const Color wcol[4] = {{0x4c, 0xc9, 0xf0, 255},
                                  {0xe8, 0x77, 0x2e, 255},
                                  {0xb3, 0x8c, 0xf2, 255},
                                  {0x7c, 0xd9, 0x7c, 255}};
    int n_in = sc->w, n_out = sc->sweep.valid ? sc->sweep.g.ow : 0;
    int total = n_in + sc->pl + sc->pr;
    float dx = (float)area.w / (float)(total + 1);
    float rad = fminf(dx * 0.32f, (float)theme_px(th, 16));
    int legend_h = render_line_height(r, FONT_MONO, theme_px(th, THEME_SMALL)) + theme_px(th, 8);
    float y_in = (float)(area.y + legend_h) + rad + (float)theme_px(th, 4);
    float y_out = (float)(area.y + area.h) - rad - (float)theme_px(th, 4);
    int size = theme_px(th, THEME_SMALL);
    char s[32];
    for (int ox = 0; ox < n_out; ox++) {
        float xo = (float)area.x + dx * (float)(1 + ox * sc->sw + (sc->kw - 1) * sc->dw / 2.0f);
        for (int kx = 0; kx < sc->kw; kx++) {
            int t = ox * sc->sw + kx * sc->dw; /* padded index */
            float xi = (float)area.x + dx * (float)(1 + t);
            Color c = wcol[kx % 4];
            bool cur = ox == cur_ox;
            if (!cur)
                c = color_alpha(c, 110);
            render_line(r, xi, y_in + rad, xo, y_out - rad,
                        cur ? 3.0f * th->scale : 1.5f * th->scale, c);
        }
    }
    for (int t = 0; t < total; t++) {
        float xi = (float)area.x + dx * (float)(1 + t);
        int ix = t - sc->pl;
        bool pad = ix < 0 || ix >= n_in;
        render_circle(r, xi, y_in, rad, pad ? th->padding : th->panel);
        render_circle_outline(r, xi, y_in, rad, 2.0f, pad ? th->border : th->text_dim);
        if (pad)
            snprintf(s, sizeof s, "0");
        else
            snprintf(s, sizeof s, "S%d", ix + 1);
        render_text(r, FONT_MONO, size, s, (int)xi, (int)y_in, ALIGN_CENTER | ALIGN_MIDDLE,
                    pad ? th->padding_text : th->text);
    }
    for (int ox = 0; ox < n_out; ox++) {
        float xo = (float)area.x + dx * (float)(1 + ox * sc->sw + (sc->kw - 1) * sc->dw / 2.0f);
        bool done = ox < L->tl.pos, cur = ox == cur_ox;
        render_circle(r, xo, y_out, rad, th->panel);
        render_circle_outline(r, xo, y_out, rad, cur ? 3.0f : 2.0f,
                              cur    ? th->accent
                              : done ? th->text
                                     : th->text_dim);
        snprintf(s, sizeof s, "O%d", ox + 1);
        render_text(r, FONT_MONO, size, s, (int)xo, (int)y_out, ALIGN_CENTER | ALIGN_MIDDLE,
                    th->text);
    }
    /* the weight legend above the samples: one colour per shared weight */
    int lx = area.x, ly = area.y + legend_h / 2;
    for (int kx = 0; kx < sc->kw && kx < 11; kx++) {
        char ws[48], vs[24];
        sweep_format_value(sc->k[kx], vs, sizeof vs);
        snprintf(ws, sizeof ws, "W%d = %s", kx + 1, vs);
        render_rect(r, (Rect){lx, ly - theme_px(th, 3), theme_px(th, 18), theme_px(th, 6)},
                    wcol[kx % 4]);
        int w = render_text(r, FONT_MONO, size, ws, lx + theme_px(th, 24), ly,
                            ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        lx += w + theme_px(th, 40);
    }
}

/* The size formulas, filled in, and the stride's leftovers. */
static void draw_info(ConvLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const ConvScene *sc = &L->sc;
    Rect st = s->st;
    int pad = s->pad, body = s->body, line = s->line;
    int y = st.y + st.h - s->info_h + pad / 2;
    char text[400];
    if (!s->one_d) {
        convscene_rows_line(sc, text, sizeof text);
        lsu_draw_fit_line(r, th, FONT_MONO, body, text, st.x + pad, y, st.w - 2 * pad,
                          sc->sweep.rows.out > 0 ? th->text : th->error);
        y += line + theme_px(th, 3);
    }
    convscene_cols_line(sc, text, sizeof text);
    lsu_draw_fit_line(r, th, FONT_MONO, body, text, st.x + pad, y, st.w - 2 * pad,
                      sc->sweep.cols.out > 0 ? th->text : th->error);
    y += line + theme_px(th, 3);
    if (s->one_d && sc->sweep.valid && s->cur_ox >= 0) {
        convscene_shared_weights_line(sc, s->cur_ox, text, sizeof text);
        lsu_draw_fit_line(r, th, FONT_MONO, body, text, st.x + pad, y, st.w - 2 * pad,
                          th->accent_text);
        y += line + theme_px(th, 3);
    } else if (!s->one_d) {
        convscene_windows_line(sc, text, sizeof text);
        lsu_draw_fit_line(r, th, FONT_SANS, body, text, st.x + pad, y, st.w - 2 * pad,
                          th->text_dim);
        y += line + theme_px(th, 3);
    }
    if (s->wrapped_r[0])
        y += lsu_draw_lines(r, FONT_SANS, body, s->wrapped_r, st.x + pad, y, theme_px(th, 3),
                            th->warning);
    if (s->wrapped_c[0])
        lsu_draw_lines(r, FONT_SANS, body, s->wrapped_c, st.x + pad, y, theme_px(th, 3),
                       th->warning);
}

void convlab_draw_stage(ConvLab *L, LabContext *ctx)
{
    Stage s = {0};
    plan_info(L, ctx, &s);
    convscene_titles(&L->sc, &s.t);
    place_trio(L, ctx, &s);
    make_grids(L, ctx, &s);
    s.hover = find_hover(L, ctx, &s);
    if (!ctx->headless && !ctx->ui->mouse_used)
        edit_by_mouse(L, ctx, &s);
    add_highlights(L, &s);
    draw_grids(L, ctx, &s);
    L->drawn_kernel = s.lk.cells;
    draw_hover(L, ctx, &s);
    draw_value_fields(L, ctx, &s);

    /* 1-D: the neurons and their shared weights. */
    if (s.one_d && L->sc.sweep.valid) {
        Rect net = {s.st.x + s.pad, s.grids.y + s.grids.h + s.pad, s.st.w - 2 * s.pad,
                    s.st.h - s.info_h - s.grids.h - 2 * s.pad};
        draw_network_1d(L, ctx, net, s.cur_ox);
    }
    draw_info(L, ctx, &s);

    if (s.hover.kind == CONV_HOVER_OUTPUT)
        convlab_draw_equation(L, ctx, s.hover.r, s.hover.c, true);
    else
        convlab_draw_equation(L, ctx, s.cur_oy, s.cur_ox, false);
}
