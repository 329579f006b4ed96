/* lab_channels.c - the Channels lab: the notes' 5x5x3 input as three planes (R, G, B) with
 * zero padding, two 3x3x3 filters W0 and W1 with their biases, stride 2 -> 3x3x2. Each step
 * is one output cell: the three per-plane partial sums (each asked of the engine on its
 * plane alone), their total plus the bias (conv_cell), and both output maps filling in.
 * Every input value, weight and bias is editable. */
#include "labs/lab.h"
#include "labs/common/labkit.h"
#include "engine/conv.h"
#include "viz/colormap.h"
#include "viz/grid.h"
#include "viz/kernels.h"
#include "viz/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CH      3
#define N       5
#define O       2
#define K       3
#define MAX_OUT 8 /* 5 + 2*2 padding - 3 + 1 at stride 1 */

static const char *const plane_names[CH] = {"R", "G", "B"};

typedef enum SelKind { SEL_NONE, SEL_INPUT, SEL_WEIGHT } SelKind;

typedef struct ChanLab {
    float x[CH * N * N];     /* (C, H, W) */
    float w[O * CH * K * K]; /* (O, C, KH, KW) */
    float b[O];
    int stride, pad;
    bool dirty;
    Sweep sw_;
    char why[512];
    float out[O * MAX_OUT * MAX_OUT]; /* (O, OH, OW) each cell from conv_cell */
    uint8_t shown[O][MAX_OUT * MAX_OUT];
    int shown_pos;
    ColorScale x_scale, w_scale, out_scale;
    Timeline tl;
    SelKind sel;
    int sel_index; /* into x or w */
    bool dragging;
    int drag_y;
    float drag_from;
    int force_o, force_r, force_c; /* hover=out:O,R,C; force_r < 0: none */
    /* eased highlights: the window on all three planes, the current and hovered cells */
    double clock; /* seconds of update() so far */
    EaseRect e_win, e_cell[O], e_hwin, e_hcell[O];
} ChanLab;

static void load_notes(ChanLab *L)
{
    const KernelsExampleData *ex = kernels_example(KERNELS_EX_RGB5);
    memcpy(L->x, ex->x, sizeof L->x);
    memcpy(L->w, ex->k, sizeof L->w);
    memcpy(L->b, ex->b, sizeof L->b);
    L->stride = ex->stride;
    L->pad = ex->pad;
    L->dirty = true;
}

static void recompute(ChanLab *L)
{
    ConvGeom g = {0};
    g.n = 1;
    g.c = CH;
    g.h = g.w = N;
    g.o = O;
    g.kh = g.kw = K;
    g.sh = g.sw = L->stride;
    g.pt = g.pb = g.pl = g.pr = L->pad;
    g.dh = g.dw = 1;
    sweep_init(&L->sw_, &g, L->why, sizeof L->why);
    if (L->sw_.valid) {
        for (int s = 0; s < L->sw_.steps; s++) {
            int o, oy, ox;
            sweep_step_cell(&L->sw_, s, &o, &oy, &ox);
            L->out[s] = conv_cell(&L->sw_.g, L->x, L->w, L->b, o, oy, ox, NULL, 0, NULL);
        }
        L->out_scale = colorscale_fit(COLORMAP_DIVERGING, L->out, L->sw_.steps);
    }
    L->x_scale = colorscale_fit(COLORMAP_SEQUENTIAL, L->x, CH * N * N);
    L->w_scale = colorscale_fit(COLORMAP_DIVERGING, L->w, O * CH * K * K);
    timeline_set_count(&L->tl, L->sw_.steps);
    L->shown_pos = -1;
    L->dirty = false;
}

static void *chan_create(char *err, size_t err_size)
{
    ChanLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "channels lab: out of memory");
        return NULL;
    }
    load_notes(L);
    L->force_r = -1;
    L->sel_index = -1;
    timeline_init(&L->tl, 0);
    recompute(L);
    /* W0's first output is done: the notes' 9 */
    timeline_seek(&L->tl, 1);
    return L;
}

static void chan_destroy(void *state)
{
    free(state);
}

/* Comma-separated floats into v[n]; false with a message when the count or a number is off. */
static bool parse_floats(const char *key, const char *value, float *v, int n, char *err,
                         size_t err_size)
{
    const char *p = value;
    int i = 0;
    while (*p && i < n) {
        char *end = NULL;
        float f = strtof(p, &end);
        if (end == p)
            break;
        v[i++] = f;
        p = *end == ',' ? end + 1 : end;
    }
    if (i != n || *p) {
        snprintf(err, err_size, "%s=%s: expected %d comma-separated numbers", key, value, n);
        return false;
    }
    return true;
}

static bool chan_set_option(void *state, const char *key, const char *value, char *err,
                            size_t err_size)
{
    ChanLab *L = state;
    int v[3];
    if (strcmp(key, "preset") == 0 || strcmp(key, "input") == 0) {
        if (strcmp(value, "rgb5") != 0 && strcmp(value, "notes") != 0) {
            snprintf(err, err_size, "%s=%s: expected rgb5 (the notes' 5x5x3 example)", key, value);
            return false;
        }
        load_notes(L);
    } else if (strcmp(key, "stride") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 1, 3, err, err_size))
            return false;
        L->stride = v[0];
    } else if (strcmp(key, "pad") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 0, 2, err, err_size))
            return false;
        L->pad = v[0];
    } else if (strcmp(key, "bias") == 0) {
        if (!parse_floats(key, value, L->b, O, err, err_size))
            return false;
    } else if (strcmp(key, "x") == 0) {
        if (!parse_floats(key, value, L->x, CH * N * N, err, err_size))
            return false;
    } else if (strcmp(key, "w") == 0) {
        if (!parse_floats(key, value, L->w, O * CH * K * K, err, err_size))
            return false;
    } else if (strcmp(key, "hover") == 0) {
        if (strcmp(value, "none") == 0) {
            L->force_r = -1;
            return true;
        }
        if (sscanf(value, "out:%d,%d,%d", &v[0], &v[1], &v[2]) != 3 || v[0] < 0 || v[0] >= O) {
            snprintf(err, err_size, "hover=%s: expected out:FILTER,ROW,COL (filter 0 or 1)", value);
            return false;
        }
        L->force_o = v[0];
        L->force_r = v[1];
        L->force_c = v[2];
        return true;
    } else {
        snprintf(err, err_size,
                 "channels: unknown option '%s' (preset, stride, pad, bias, x, w, hover, step)",
                 key);
        return false;
    }
    recompute(L);
    return true;
}

static Timeline *chan_timeline(void *state)
{
    ChanLab *L = state;
    if (L->dirty)
        recompute(L);
    return &L->tl;
}

static bool chan_update(void *state, double dt)
{
    ChanLab *L = state;
    L->clock += dt;
    bool gliding = ease_rect_moving(&L->e_win, L->clock) || ease_rect_moving(&L->e_hwin, L->clock);
    for (int o = 0; o < O; o++)
        gliding = gliding || ease_rect_moving(&L->e_cell[o], L->clock) ||
                  ease_rect_moving(&L->e_hcell[o], L->clock);
    return L->tl.playing || L->dragging || gliding;
}

static void draw_controls(ChanLab *L, LabContext *ctx)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    UiColumn col = ui_column(ctx->controls, th);
    int gap = ui_gap(th), label_w = theme_px(th, 74);
    if (ui_button(ui, ui_id("chan.reset"), ui_column_next(&col, 1), "The notes' example")) {
        load_notes(L);
        L->sel = SEL_NONE;
    }
    struct {
        const char *label;
        int *v;
        int lo, hi;
    } ints[2] = {{"Stride", &L->stride, 1, 3}, {"Padding", &L->pad, 0, 2}};
    for (int i = 0; i < 2; i++) {
        Rect rr = ui_column_next(&col, 1);
        if (rr.w <= 0)
            return;
        ui_label(ui, (Rect){rr.x, rr.y, label_w, rr.h}, ints[i].label, FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        if (ui_number_int(ui, ui_id_index(ui_id("chan.int"), i),
                          (Rect){rr.x + label_w, rr.y, (rr.w - label_w - gap) / 2, rr.h}, ints[i].v,
                          ints[i].lo, ints[i].hi))
            L->dirty = true;
    }
    for (int o = 0; o < O; o++) {
        Rect rr = ui_column_next(&col, 1);
        if (rr.w <= 0)
            return;
        char lbl[16];
        snprintf(lbl, sizeof lbl, "Bias b%d", o);
        ui_label(ui, (Rect){rr.x, rr.y, label_w, rr.h}, lbl, FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        if (ui_number(ui, ui_id_index(ui_id("chan.bias"), o),
                      (Rect){rr.x + label_w, rr.y, (rr.w - label_w - gap) / 2, rr.h}, &L->b[o],
                      -100.0f, 100.0f, 1.0f, 2))
            L->dirty = true;
    }
    Rect rr = ui_column_next(&col, 1);
    if (rr.w <= 0)
        return;
    if (L->sel == SEL_NONE) {
        ui_label(ui, rr, "Click a cell to edit it", FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
        return;
    }
    char lbl[32];
    float *v;
    if (L->sel == SEL_INPUT) {
        int c = L->sel_index / (N * N), rest = L->sel_index % (N * N);
        snprintf(lbl, sizeof lbl, "%s[%d,%d]", plane_names[c], rest / N, rest % N);
        v = &L->x[L->sel_index];
    } else {
        int o = L->sel_index / (CH * K * K), c = (L->sel_index / (K * K)) % CH,
            t = L->sel_index % (K * K);
        snprintf(lbl, sizeof lbl, "W%d%s[%d,%d]", o, plane_names[c], t / K, t % K);
        v = &L->w[L->sel_index];
    }
    ui_label(ui, (Rect){rr.x, rr.y, label_w, rr.h}, lbl, FONT_MONO, THEME_BODY,
             ALIGN_LEFT | ALIGN_MIDDLE, th->accent);
    if (ui_number(ui, ui_id("chan.sel"),
                  (Rect){rr.x + label_w, rr.y, (rr.w - label_w - gap) / 2, rr.h}, v, -100.0f,
                  100.0f, 1.0f, 2))
        L->dirty = true;
}

static void chan_draw(void *state, LabContext *ctx)
{
    ChanLab *L = state;
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Ui *ui = ctx->ui;
    if (L->dirty)
        recompute(L);
    draw_controls(L, ctx);
    if (L->dirty)
        recompute(L);
    int oh = L->sw_.valid ? L->sw_.g.oh : 0, ow = L->sw_.valid ? L->sw_.g.ow : 0;
    if (L->shown_pos != L->tl.pos && L->sw_.valid) {
        for (int o = 0; o < O; o++)
            for (int i = 0; i < oh * ow; i++)
                L->shown[o][i] = o * oh * ow + i < L->tl.pos;
        L->shown_pos = L->tl.pos;
    }

    Rect st = ctx->stage;
    int pad = theme_px(th, 8), body = theme_px(th, THEME_BODY);
    int line = render_line_height(r, FONT_MONO, body) + theme_px(th, 3);
    /* the size and parameter line: the long form when it fits the stage, else the size
     * formula and the parameter count on two lines */
    char f_size[256], size_line[400], param_line[160] = "";
    sweep_axis_formula(&L->sw_.rows, f_size, sizeof f_size);
    snprintf(size_line, sizeof size_line,
             "size %s;  parameters per filter 3\xC2\xB7"
             "3\xC2\xB7"
             "3 + 1 = 28, two filters 56",
             f_size);
    if (lsu_widest_line(r, FONT_MONO, body, size_line) > st.w - 2 * pad) {
        snprintf(size_line, sizeof size_line, "size %s", f_size);
        snprintf(param_line, sizeof param_line,
                 "parameters per filter 3\xC2\xB7"
                 "3\xC2\xB7"
                 "3 + 1 = 28, two filters 56");
    }
    int info_h = (param_line[0] ? 6 : 5) * line + pad;
    Rect area = {st.x, st.y, st.w, st.h - info_h};

    /* current step and hover */
    int co = -1, cy = -1, cx = -1;
    if (L->sw_.valid && L->tl.pos > 0)
        sweep_step_cell(&L->sw_, L->tl.pos - 1, &co, &cy, &cx);
    int ho = -1, hy = -1, hx = -1;
    if (L->force_r >= 0 && L->sw_.valid && L->force_r < oh && L->force_c < ow) {
        ho = L->force_o;
        hy = L->force_r;
        hx = L->force_c;
    }

    /* four columns: input planes | W0 planes | W1 planes | output maps */
    int op_w = theme_px(th, 28);
    int cols_w = area.w - 3 * op_w;
    int wx = cols_w * 30 / 100, ww = cols_w * 20 / 100, wo = cols_w - wx - 2 * ww;
    int x0 = area.x, x1 = x0 + wx + op_w, x2 = x1 + ww + op_w / 2, x3 = x2 + ww + op_w * 3 / 2;
    /* the three plane rows share one legend row (and the biases) at the bottom */
    int leg_h = colormap_legend_height(th) + line + theme_px(th, 6);
    int rows_h = (area.h - leg_h) / CH;

    GridView vx[CH], vw[O][CH], vo[O];
    GridLayout lx[CH], lw[O][CH], lo[O];
    char tx[CH][48], tw[O][CH][48], to[O][48], so[O][24];
    int win_y = 0, win_x = 0, span = K;
    int wo_y = co >= 0 ? cy : 0, wo_x = co >= 0 ? cx : 0, cur_o = co >= 0 ? co : 0;
    if (L->sw_.valid)
        sweep_window(&L->sw_, wo_y, wo_x, &win_y, &win_x, &span, &span);
    for (int c = 0; c < CH; c++) {
        snprintf(tx[c], sizeof tx[c], "input %s", plane_names[c]);
        vx[c] = grid_view_make(tx[c], L->x + c * N * N, N, N, COLORMAP_SEQUENTIAL);
        vx[c].scale = L->x_scale;
        vx[c].pad_top = vx[c].pad_bottom = vx[c].pad_left = vx[c].pad_right = L->pad;
        vx[c].show_values = ctx->show_values;
        vx[c].show_legend = false;
        if (L->sw_.valid) {
            lsu_highlight_eased(&vx[c], &L->e_win, win_y, win_x, K, K, GRID_HL_CURRENT, L->clock,
                                (float)L->stride + 1.0f);
            if (ho >= 0) {
                int y0, xx0, s1, s2;
                sweep_window(&L->sw_, hy, hx, &y0, &xx0, &s1, &s2);
                grid_add_highlight(&vx[c], y0, xx0, K, K, GRID_HL_HOVER);
            }
        }
        lx[c] = lsu_grid_layout(r, th, &vx[c], (Rect){x0, area.y + c * rows_h, wx, rows_h});
        for (int o = 0; o < O; o++) {
            snprintf(tw[o][c], sizeof tw[o][c], "W%d %s", o, plane_names[c]);
            vw[o][c] =
                grid_view_make(tw[o][c], L->w + (o * CH + c) * K * K, K, K, COLORMAP_DIVERGING);
            vw[o][c].scale = L->w_scale;
            vw[o][c].show_values = ctx->show_values;
            vw[o][c].show_legend = false;
            if (L->sw_.valid && o == cur_o && co >= 0)
                grid_add_highlight(&vw[o][c], 0, 0, K, K, GRID_HL_CURRENT);
            if (ho == o)
                grid_add_highlight(&vw[o][c], 0, 0, K, K, GRID_HL_HOVER);
            lw[o][c] = lsu_grid_layout(r, th, &vw[o][c],
                                       (Rect){o == 0 ? x1 : x2, area.y + c * rows_h, ww, rows_h});
        }
    }
    for (int o = 0; o < O; o++) {
        snprintf(to[o], sizeof to[o], "output %d (W%d)", o, o);
        snprintf(so[o], sizeof so[o], "%d\xC3\x97%d", oh, ow);
        vo[o] = grid_view_make(to[o], L->out + o * oh * ow, oh > 0 ? oh : 1, ow > 0 ? ow : 1,
                               COLORMAP_DIVERGING);
        vo[o].shape = so[o];
        vo[o].scale = L->out_scale;
        vo[o].shown = L->shown[o];
        vo[o].show_values = ctx->show_values;
        if (co == o)
            lsu_highlight_eased(&vo[o], &L->e_cell[o], cy, cx, 1, 1, GRID_HL_CURRENT, L->clock,
                                2.0f);
        else
            ease_rect_reset(&L->e_cell[o]);
        if (ho == o)
            grid_add_highlight(&vo[o], hy, hx, 1, 1, GRID_HL_HOVER);
        int hh = area.h / 2;
        lo[o] = lsu_grid_layout(r, th, &vo[o], (Rect){x3, area.y + o * hh, wo, hh});
    }

    /* mouse: hover an output cell; click a value to edit it, drag it up/down */
    int mouse_hover = -1;
    if (!ctx->headless && !ui->mouse_used) {
        for (int o = 0; o < O && L->sw_.valid; o++) {
            GridHit h = grid_hit_test(&vo[o], &lo[o], ui->in.mx, ui->in.my);
            if (h.inside) {
                ho = o;
                hy = h.row;
                hx = h.col;
                int y0, xx0, s1, s2;
                sweep_window(&L->sw_, hy, hx, &y0, &xx0, &s1, &s2);
                for (int c = 0; c < CH; c++)
                    lsu_highlight_eased(&vx[c], &L->e_hwin, y0, xx0, K, K, GRID_HL_HOVER, L->clock,
                                        (float)L->stride + 1.0f);
                for (int c = 0; c < CH; c++)
                    grid_add_highlight(&vw[o][c], 0, 0, K, K, GRID_HL_HOVER);
                lsu_highlight_eased(&vo[o], &L->e_hcell[o], hy, hx, 1, 1, GRID_HL_HOVER, L->clock,
                                    2.0f);
                mouse_hover = o;
            }
        }
        if (ui->in.mouse_pressed) {
            for (int c = 0; c < CH; c++) {
                GridHit h = grid_hit_test(&vx[c], &lx[c], ui->in.mx, ui->in.my);
                if (h.inside && !h.in_padding) {
                    L->sel = SEL_INPUT;
                    L->sel_index = c * N * N + h.row * N + h.col;
                }
                for (int o = 0; o < O; o++) {
                    GridHit hw = grid_hit_test(&vw[o][c], &lw[o][c], ui->in.mx, ui->in.my);
                    if (hw.inside) {
                        L->sel = SEL_WEIGHT;
                        L->sel_index = (o * CH + c) * K * K + hw.row * K + hw.col;
                    }
                }
            }
            if (L->sel != SEL_NONE) {
                L->dragging = true;
                L->drag_y = ui->in.my;
                L->drag_from = L->sel == SEL_INPUT ? L->x[L->sel_index] : L->w[L->sel_index];
            }
        }
        if (!ui->in.mouse_down)
            L->dragging = false;
        if (L->dragging && L->sel != SEL_NONE) {
            int dy = L->drag_y - ui->in.my, unit = theme_px(th, 8);
            if (abs(dy) >= unit) {
                float *p = L->sel == SEL_INPUT ? &L->x[L->sel_index] : &L->w[L->sel_index];
                *p = L->drag_from + (float)(dy / unit);
                L->dirty = true;
            }
            ui->mouse_used = true;
        }
        if (L->dirty) {
            recompute(L);
            for (int c = 0; c < CH; c++) {
                vx[c].scale = L->x_scale;
                for (int o = 0; o < O; o++)
                    vw[o][c].scale = L->w_scale;
            }
            for (int o = 0; o < O; o++)
                vo[o].scale = L->out_scale;
        }
    }
    /* a hover that ended (or moved to the other map) starts afresh where it next appears */
    if (mouse_hover < 0)
        ease_rect_reset(&L->e_hwin);
    for (int o = 0; o < O; o++)
        if (mouse_hover != o)
            ease_rect_reset(&L->e_hcell[o]);
    if (L->sel == SEL_INPUT) {
        int c = L->sel_index / (N * N), rest = L->sel_index % (N * N);
        grid_add_highlight(&vx[c], rest / N, rest % N, 1, 1, GRID_HL_HOVER);
    } else if (L->sel == SEL_WEIGHT) {
        int o = L->sel_index / (CH * K * K), c = (L->sel_index / (K * K)) % CH,
            t = L->sel_index % (K * K);
        grid_add_highlight(&vw[o][c], t / K, t % K, 1, 1, GRID_HL_HOVER);
    }

    for (int c = 0; c < CH; c++) {
        grid_draw(r, th, &vx[c], &lx[c]);
        for (int o = 0; o < O; o++)
            grid_draw(r, th, &vw[o][c], &lw[o][c]);
        int mid = lx[c].cells.y + lx[c].cells.h / 2;
        lsu_draw_operator(r, th, "\xE2\x88\x97", x1 - op_w / 2, mid);
    }
    /* the shared legends, and the biases under their filters */
    int ly = area.y + CH * rows_h + theme_px(th, 4);
    int lh = colormap_legend_height(th);
    Rect lxr = {lx[0].cells.x, ly, lx[0].cells.w, lh};
    colormap_draw_legend(r, th, lxr, &L->x_scale);
    Rect lwr = {lw[0][0].cells.x, ly, lw[1][0].cells.x + lw[1][0].cells.w - lw[0][0].cells.x, lh};
    colormap_draw_legend(r, th, lwr, &L->w_scale);
    for (int o = 0; o < O; o++) {
        char bl[32], bv[24];
        sweep_format_value(L->b[o], bv, sizeof bv);
        snprintf(bl, sizeof bl, "+ b%d = %s", o, bv);
        Rect last = lw[o][CH - 1].cells;
        render_text(r, FONT_MONO, body, bl, last.x + last.w / 2, ly + lh + theme_px(th, 2),
                    ALIGN_CENTER | ALIGN_TOP, o == cur_o && co >= 0 ? th->accent : th->text);
    }
    if (L->sw_.valid) {
        for (int o = 0; o < O; o++) {
            grid_draw(r, th, &vo[o], &lo[o]);
            lsu_draw_operator(r, th, "=", x3 - op_w * 3 / 4, lo[o].cells.y + lo[o].cells.h / 2);
        }
    } else {
        lsu_draw_problem(r, th, (Rect){x3, area.y + area.h / 4, wo, area.h / 2}, "No output",
                         L->why);
    }

    /* Below: the per-plane partial sums of the hovered or current cell, the parameter count
     * and the size formula. */
    int y = st.y + st.h - info_h + pad / 2;
    int eo = ho >= 0 ? ho : co, ey = ho >= 0 ? hy : cy, ex = ho >= 0 ? hx : cx;
    Color ec = ho >= 0 ? th->hover : th->accent;
    int size, chars, lines;
    Rect er = {st.x + pad, y, st.w - 2 * pad, 4 * line};
    lsu_equation_metrics(r, th, (Rect){er.x, er.y, er.w, line}, THEME_BODY, 10, 1, &size, &chars,
                         &lines);
    float parts[CH] = {0.0f, 0.0f, 0.0f};
    if (L->sw_.valid && eo >= 0) {
        for (int c = 0; c < CH; c++) {
            ConvTerm terms[K * K];
            int n = 0;
            parts[c] = sweep_plane_partial(&L->sw_, L->x, L->w, eo, c, ey, ex, terms, K * K, &n);
            char eq[1024], full[1100];
            for (int tries = 0; tries < 6; tries++) {
                sweep_format_equation(terms, n, false, 0.0f, parts[c], chars - 8 - tries, 1, eq,
                                      sizeof eq);
                snprintf(full, sizeof full, "%s\xC2\xB7W%d%s:  %s", plane_names[c], eo,
                         plane_names[c], eq);
                if (lsu_widest_line(r, FONT_MONO, size, full) <= er.w)
                    break;
            }
            lsu_draw_fit_line(r, th, FONT_MONO, size, full, er.x, y, er.w, th->text);
            y += line;
        }
        float total = conv_cell(&L->sw_.g, L->x, L->w, L->b, eo, ey, ex, NULL, 0, NULL);
        char sum[512], full[600];
        sweep_format_sum(NULL, parts, CH, true, L->b[eo], total, 200, 1, sum, sizeof sum);
        snprintf(full, sizeof full, "out%d[%d,%d] = %s", eo, ey, ex, sum);
        lsu_draw_fit_line(r, th, FONT_MONO, size, full, er.x, y, er.w, ec);
    } else if (L->sw_.valid) {
        render_text_wrap(r, FONT_SANS, body,
                         "Step 0: press \xE2\x86\x92 to compute the first cell of output 0 "
                         "(three planes, one filter, one bias).",
                         (Rect){er.x, y, er.w, 4 * line}, th->text_dim, true);
    }
    y = st.y + st.h - info_h + pad / 2 + 4 * line;
    lsu_draw_fit_line(r, th, FONT_MONO, body, size_line, st.x + pad, y, st.w - 2 * pad,
                      L->sw_.valid ? th->text : th->error);
    if (param_line[0])
        lsu_draw_fit_line(r, th, FONT_MONO, body, param_line, st.x + pad, y + line, st.w - 2 * pad,
                          th->text_dim);

    /* The strip: the total of the current (or hovered) cell. */
    Rect sr = rect_inset(ctx->equation, theme_px(th, 4));
    render_clip_push(r, ctx->equation);
    if (L->sw_.valid && eo >= 0) {
        float total = conv_cell(&L->sw_.g, L->x, L->w, L->b, eo, ey, ex, NULL, 0, NULL);
        char sum[512], full[600];
        sweep_format_sum(NULL, parts, CH, true, L->b[eo], total, 200, 1, sum, sizeof sum);
        snprintf(full, sizeof full, "out%d[%d,%d] = R + G + B + b%d = %s", eo, ey, ex, eo, sum);
        /* the long form when it fits, else the numbers alone */
        if (lsu_widest_line(r, FONT_MONO, theme_px(th, THEME_HEADING), full) > sr.w)
            snprintf(full, sizeof full, "out%d[%d,%d] = %s", eo, ey, ex, sum);
        render_text_in(r, FONT_MONO, theme_px(th, THEME_HEADING), full, sr,
                       ALIGN_LEFT | ALIGN_MIDDLE, ec);
    } else if (!L->sw_.valid) {
        lsu_draw_note(r, th, sr, "No output: see the stage.", th->error);
    } else {
        lsu_draw_note(r, th, sr, "Step 0: the window waits at the top left of all three planes.",
                      th->text_dim);
    }
    render_clip_pop(r);
}

/* The H overlay's rows for this lab (the mouse in chan_draw; the lab has no keys of its own). */
static const UiHelpRow chan_help[] = {
    {"hover", "an output cell: its window on all three planes and the partial sums"},
    {"click", "an input or weight value: edit it in the Selected field"},
    {"drag \xE2\x86\x95", "an input or weight value: \xC2\xB1" "1 per 8 px"},
    {"fields", "biases and the selected value: type, drag sideways, wheel"},
    {NULL, NULL},
};

const LabDef lab_channels = {
    .name = "channels",
    .title = "Channels",
    .blurb = "An RGB input as three planes, two 3\xC3\x97"
             "3\xC3\x97"
             "3 filters: partial sums, bias, two maps.",
    .create = chan_create,
    .destroy = chan_destroy,
    .set_option = chan_set_option,
    .update = chan_update,
    .draw = chan_draw,
    .timeline = chan_timeline,
    .help = chan_help,
};
