/* labs/pool/view_stage.c - the Pooling lab's stage and equation strip: input and output side by
 * side (one channel) or a column per channel, the amber window, its output cell and the
 * argmax, the cyan hover, the rows and columns no window reaches, the size formulas, and the
 * arithmetic of the current (or hovered) cell on every channel.
 * Depends on: labs/pool/view_int.h, labs/common (captions, grids, strip, text), viz, ui. */
#include "labs/pool/view_int.h"
#include "labs/common/captions.h"
#include "labs/common/grids.h"
#include "labs/common/strip.h"
#include "labs/common/text.h"
#include "viz/grid.h"

#include <stdio.h>

/* One frame of the stage: where everything goes, what is current and what the mouse is on. */
typedef struct Stage {
    Rect st; /* the whole stage */
    int pad, body, line;
    char cols_line[400], kept[96]; /* the columns formula, "(channels kept: …)" */
    bool kept_apart;               /* kept on a line of its own */
    char wr_r[1024], wr_c[1024];   /* the unreached rows and columns, wrapped */
    int info_h;                    /* the formulas' lines at the bottom */
    Rect area;                     /* the room of the grids */
    int op_w;
    int cur_oy, cur_ox; /* the output cell of the current step, -1 at step 0 */
    int win_oy, win_ox; /* the window shown: the current one, or the first at step 0 */
    GridView vin[POOLLAB_MAX_CH], vout[POOLLAB_MAX_CH];
    GridLayout lin[POOLLAB_MAX_CH], lout[POOLLAB_MAX_CH];
    char in_t[POOLLAB_MAX_CH][64], in_s[POOLLAB_MAX_CH][32], out_s[POOLLAB_MAX_CH][32];
    int hch, hy, hx; /* the hovered output cell (channel, row, column), hch -1: none */
} Stage;

/* The bottom of the stage: the two size formulas and what the stride leaves out. */
static void plan_info(PoolLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect st = s->st = ctx->stage;
    int pad = s->pad = theme_px(th, 8), body = s->body = theme_px(th, THEME_BODY);
    int line = s->line = render_line_height(r, FONT_MONO, body);
    char unr_r[512] = "", unr_c[512] = "";
    s->wr_r[0] = s->wr_c[0] = '\0';
    int info_lines = 2;
    /* "(channels kept: …)" follows the columns formula when both fit one line, else it gets a
     * line of its own */
    char cols[300]; /* "columns  OW = " and the formula (256) */
    poolscene_cols_line(&L->sc, cols, sizeof cols);
    poolscene_kept_text(&L->sc, s->kept, sizeof s->kept);
    snprintf(s->cols_line, sizeof s->cols_line, "%s     %s", cols, s->kept);
    s->kept_apart = lsu_widest_line(r, FONT_MONO, body, s->cols_line) > st.w - 2 * pad;
    if (s->kept_apart) {
        snprintf(s->cols_line, sizeof s->cols_line, "%s", cols);
        info_lines++;
    }
    if (L->sc.valid) {
        sweep_axis_unreached_text(&L->sc.rows, "row", "rows", unr_r, sizeof unr_r);
        sweep_axis_unreached_text(&L->sc.cols, "column", "columns", unr_c, sizeof unr_c);
        if (unr_r[0])
            info_lines +=
                lsu_wrap(r, FONT_SANS, body, unr_r, st.w - 2 * pad, s->wr_r, sizeof s->wr_r);
        if (unr_c[0])
            info_lines +=
                lsu_wrap(r, FONT_SANS, body, unr_c, st.w - 2 * pad, s->wr_c, sizeof s->wr_c);
    }
    s->info_h = info_lines * (line + theme_px(th, 3)) + pad;
    s->area = (Rect){st.x, st.y, st.w, st.h - s->info_h};
}

/* Channel c's input and output views: titles, scales, the amber window and cell, the argmax. */
static void make_channel(PoolLab *L, LabContext *ctx, Stage *s, int c, bool names_below)
{
    const PoolScene *sc = &L->sc;
    GridView *vin = &s->vin[c], *vout = &s->vout[c];
    snprintf(s->in_t[c], sizeof s->in_t[c], names_below ? "ch %d" : "ch %d: %s", c, sc->ch_name[c]);
    snprintf(s->in_s[c], sizeof s->in_s[c], "%d\xC3\x97%d", sc->h, sc->w);
    *vin = grid_view_make(sc->nch > 1 ? s->in_t[c] : "input", sc->x + c * sc->h * sc->w, sc->h,
                          sc->w, COLORMAP_SEQUENTIAL);
    vin->shape = sc->nch > 1 ? s->in_s[c] : NULL;
    vin->note = sc->nch > 1 && names_below ? sc->ch_name[c] : NULL;
    if (sc->nch == 1) {
        snprintf(s->in_s[c], sizeof s->in_s[c], "1\xC3\x97%d\xC3\x97%d", sc->h, sc->w);
        vin->shape = s->in_s[c];
    }
    vin->scale = L->in_scale[c];
    vin->show_values = ctx->show_values;
    int oh = sc->valid ? sc->g.oh : 1, ow = sc->valid ? sc->g.ow : 1;
    if (sc->valid)
        snprintf(s->out_s[c], sizeof s->out_s[c], "%s%d\xC3\x97%d", sc->nch == 1 ? "1\xC3\x97" : "",
                 oh, ow);
    else
        snprintf(s->out_s[c], sizeof s->out_s[c], "none");
    *vout = grid_view_make(poolscene_kind_title(sc->kind), sc->out + c * oh * ow, oh, ow,
                           COLORMAP_SEQUENTIAL);
    vout->shape = s->out_s[c];
    vout->scale = L->out_scale[c];
    /* an L2 or average of 10.05 must not read "10" */
    vout->decimals = lsu_value_decimals(sc->out + c * oh * ow, oh * ow);
    vout->shown = L->shown;
    vout->show_values = ctx->show_values;
    if (sc->valid) {
        int rr = sc->kh, cc = sc->kw;
        float jump = (float)(sc->sh > sc->sw ? sc->sh : sc->sw) + 1.0f;
        lsu_highlight_eased(vin, &L->e_win, s->win_oy * sc->sh, s->win_ox * sc->sw, rr, cc,
                            GRID_HL_CURRENT, L->clock, jump);
        if (s->cur_oy < 0)
            ease_rect_reset(&L->e_cell);
        if (s->cur_oy >= 0) {
            lsu_highlight_eased(vout, &L->e_cell, s->cur_oy, s->cur_ox, 1, 1, GRID_HL_CURRENT,
                                L->clock, 2.0f);
            int a = sc->arg[c * oh * ow + s->cur_oy * ow + s->cur_ox];
            if (sc->kind == POOL_MAX && a >= 0)
                grid_add_highlight(vin, a / sc->w, a % sc->w, 1, 1, GRID_HL_MARK);
        }
    }
}

/* One channel: input and output side by side; several: a column per channel. */
static void make_grids(PoolLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const PoolScene *sc = &L->sc;
    Rect area = s->area;
    int pad = s->pad;
    s->win_oy = s->win_ox = 0;
    if (poolscene_current(sc, L->tl.pos, &s->cur_oy, &s->cur_ox)) {
        s->win_oy = s->cur_oy;
        s->win_ox = s->cur_ox;
    }
    int op_w = s->op_w = theme_px(th, 36);
    int colw = (area.w - (sc->nch - 1) * pad) / sc->nch;
    /* "ch 2: relu(Laplacian) 28×28" at the body size when every channel's fits its column;
     * else the map's name goes to a second line under "ch 2 28×28" (all channels alike, so the
     * grids stay level) rather than the titles shrinking */
    bool names_below = false;
    for (int c = 0; c < sc->nch && sc->nch > 1; c++) {
        snprintf(s->in_t[c], sizeof s->in_t[c], "ch %d: %s", c, sc->ch_name[c]);
        snprintf(s->in_s[c], sizeof s->in_s[c], "%d\xC3\x97%d", sc->h, sc->w);
        names_below |= !grid_title_fits(r, th, s->in_t[c], s->in_s[c], colw);
    }
    for (int c = 0; c < sc->nch; c++) {
        make_channel(L, ctx, s, c, names_below);
        Rect ai, ao;
        if (sc->nch == 1) {
            int half = (area.w - op_w) * 55 / 100;
            ai = (Rect){area.x, area.y, half, area.h};
            ao = (Rect){area.x + half + op_w, area.y, area.w - half - op_w, area.h};
        } else {
            int x0 = area.x + c * (colw + pad);
            int top = area.h * 62 / 100;
            ai = (Rect){x0, area.y, colw, top};
            ao = (Rect){x0, area.y + top + pad, colw, area.h - top - pad};
        }
        s->lin[c] = lsu_grid_layout(r, th, &s->vin[c], ai);
        s->lout[c] = lsu_grid_layout(r, th, &s->vout[c], ao);
    }
}

/* Hover: an output cell shows its window on its channel's map and its arithmetic; an input
 * cell its value in a tooltip (a click on a matrix cell selects it for editing). */
static void find_hover(PoolLab *L, LabContext *ctx, Stage *s)
{
    Ui *ui = ctx->ui;
    const PoolScene *sc = &L->sc;
    s->hch = s->hy = s->hx = -1;
    poolscene_forced_hover(sc, &s->hch, &s->hy, &s->hx);
    for (int c = 0; c < sc->nch && !ctx->headless && !ui->mouse_used && sc->valid; c++) {
        GridHit h = grid_hit_test(&s->vout[c], &s->lout[c], ui->in.mx, ui->in.my);
        if (h.inside && !h.in_padding) {
            s->hch = c;
            s->hy = h.row;
            s->hx = h.col;
        }
        GridHit hi = grid_hit_test(&s->vin[c], &s->lin[c], ui->in.mx, ui->in.my);
        if (hi.inside && sc->src == POOL_SRC_MATRIX && ui->in.mouse_pressed)
            L->sel_input = hi.row * sc->w + hi.col;
        if (hi.inside) {
            char tip[160], vs[32];
            sweep_format_value(hi.value, vs, sizeof vs);
            snprintf(tip, sizeof tip, "ch %d [%d,%d] = %s", c, hi.row, hi.col, vs);
            ui_tooltip(ui, tip);
        }
    }
    if (s->hch >= 0) {
        float jump = (float)(sc->sh > sc->sw ? sc->sh : sc->sw) + 1.0f;
        lsu_highlight_eased(&s->vin[s->hch], &L->e_hwin, s->hy * sc->sh, s->hx * sc->sw, sc->kh,
                            sc->kw, GRID_HL_HOVER, L->clock, jump);
        lsu_highlight_eased(&s->vout[s->hch], &L->e_hcell, s->hy, s->hx, 1, 1, GRID_HL_HOVER,
                            L->clock, 2.0f);
    } else {
        ease_rect_reset(&L->e_hwin);
        ease_rect_reset(&L->e_hcell);
    }
}

/* The grids and the arrow between them, the problem panel without output, and the value field
 * of the selected matrix cell. */
static void draw_grids(PoolLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Ui *ui = ctx->ui;
    PoolScene *sc = &L->sc;
    Rect area = s->area;
    int op_w = s->op_w;
    for (int c = 0; c < sc->nch; c++) {
        lsu_grid_draw(r, th, &s->vin[c], &s->lin[c]);
        if (sc->valid)
            lsu_mark_unreached(r, th, &s->vin[c], &s->lin[c], &sc->rows, &sc->cols);
        if (sc->valid)
            lsu_grid_draw(r, th, &s->vout[c], &s->lout[c]);
        if (sc->nch == 1)
            lsu_draw_operator(r, th, "\xE2\x86\x92",
                              s->lin[c].bounds.x + s->lin[c].bounds.w + op_w / 2,
                              s->lin[c].cells.y + s->lin[c].cells.h / 2);
    }
    if (!sc->valid) {
        Rect prc = sc->nch == 1
                       ? s->lout[0].bounds
                       : (Rect){area.x, area.y + area.h * 64 / 100, area.w, area.h * 36 / 100};
        if (sc->nch == 1)
            prc = (Rect){area.x + (area.w - op_w) * 55 / 100 + op_w, area.y + area.h / 5,
                         area.w - (area.w - op_w) * 55 / 100 - op_w, area.h * 3 / 5};
        lsu_draw_problem(r, th, prc, "No output", sc->why);
    }
    if (!ctx->headless && sc->src == POOL_SRC_MATRIX && L->sel_input >= 0 &&
        L->sel_input < sc->msize * sc->msize) {
        Rect f = {s->lin[0].cells.x, s->lin[0].legend.y + s->lin[0].legend.h + theme_px(th, 6),
                  theme_px(th, 80), ui_row_height(th)};
        char lbl[32];
        snprintf(lbl, sizeof lbl, "[%d,%d]", L->sel_input / sc->msize, L->sel_input % sc->msize);
        render_text(r, FONT_MONO, s->body, lbl, f.x + f.w + s->pad, f.y + f.h / 2,
                    ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
        if (ui_number(ui, ui_id("pool.xval"), f, &sc->matrix[L->sel_input], -1000.0f, 1000.0f, 1.0f,
                      2))
            sc->dirty = true;
    }
}

/* formulas and leftovers */
static void draw_info(PoolLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect st = s->st;
    int pad = s->pad, body = s->body, line = s->line;
    int y = st.y + st.h - s->info_h + pad / 2;
    char text[400];
    poolscene_rows_line(&L->sc, text, sizeof text);
    int max_w = st.w - 2 * pad;
    lsu_draw_fit_line(r, th, FONT_MONO, body, text, st.x + pad, y, max_w,
                      L->sc.rows.out > 0 ? th->text : th->error);
    y += line + theme_px(th, 3);
    lsu_draw_fit_line(r, th, FONT_MONO, body, s->cols_line, st.x + pad, y, max_w,
                      L->sc.cols.out > 0 ? th->text : th->error);
    y += line + theme_px(th, 3);
    if (s->kept_apart) {
        lsu_draw_fit_line(r, th, FONT_MONO, body, s->kept, st.x + pad, y, max_w, th->text_dim);
        y += line + theme_px(th, 3);
    }
    if (s->wr_r[0])
        y += lsu_draw_lines(r, FONT_SANS, body, s->wr_r, st.x + pad, y, theme_px(th, 3),
                            th->warning);
    if (s->wr_c[0])
        lsu_draw_lines(r, FONT_SANS, body, s->wr_c, st.x + pad, y, theme_px(th, 3), th->warning);
}

/* The arithmetic of (eq_oy, eq_ox) on channels first..last, one block of lines in rc. */
static void draw_arithmetic(PoolLab *L, LabContext *ctx, Rect rc, int first, int last, int eq_oy,
                            int eq_ox)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    int nl = last - first + 1;
    int size, chars, lines;
    lsu_equation_metrics(r, th, rc, THEME_HEADING, 10, nl, &size, &chars, &lines);
    int lh = render_line_height(r, FONT_MONO, size);
    int per = lines / nl < 1 ? 1 : lines / nl;
    /* format every channel's line(s) first, then centre the block vertically */
    static char block[POOLLAB_MAX_CH * 2200];
    block[0] = 0;
    int total_lines = 0;
    size_t len = 0;
    for (int c = first; c <= last; c++) {
        char eq[2048];
        char pre[16] = "";
        if (L->sc.nch > 1)
            snprintf(pre, sizeof pre, "ch %d: ", c);
        int pw = sweep_text_width(pre), used = 0;
        for (int tries = 0; tries < 6; tries++) {
            used =
                poolscene_equation(&L->sc, c, eq_oy, eq_ox, chars - pw - tries, per, eq, sizeof eq);
            char probe[2100];
            snprintf(probe, sizeof probe, "%s%s", pre, eq);
            if (lsu_widest_line(r, FONT_MONO, size, probe) <= rc.w)
                break;
        }
        len += (size_t)snprintf(block + len, sizeof block - len, "%s%s%s", total_lines ? "\n" : "",
                                pre, eq);
        if (len >= sizeof block)
            len = sizeof block - 1;
        total_lines += used;
    }
    int yy = rc.y + (rc.h - total_lines * lh) / 2;
    lsu_draw_lines(r, FONT_MONO, size, block, rc.x, yy, 0, th->text);
}

/* The equation strip: one line per channel for the hovered or current cell. */
static void draw_strip(PoolLab *L, LabContext *ctx, Stage *s)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    int hch = s->hch;
    Rect er = rect_inset(ctx->equation, theme_px(th, 4));
    render_clip_push(r, ctx->equation);
    int eq_oy = hch >= 0 ? s->hy : s->cur_oy, eq_ox = hch >= 0 ? s->hx : s->cur_ox;
    if (!L->sc.valid) {
        lsu_draw_note(r, th, er, "No output: the window does not fit (see the stage).", th->error);
    } else if (eq_oy < 0) {
        lsu_draw_note(r, th, er,
                      "Step 0: the first window is outlined in amber. Press \xE2\x96\xB6 (Space) "
                      "to play or \xE2\x86\x92 to pool one window.",
                      th->text_dim);
    } else {
        int first = hch >= 0 ? hch : 0, last = hch >= 0 ? hch : L->sc.nch - 1;
        char name[48];
        snprintf(name, sizeof name, "out[%d,%d]", eq_oy, eq_ox);
        int nw = 0, hs = theme_px(th, THEME_HEADING);
        render_text_size(r, FONT_MONO, hs, name, &nw, NULL);
        render_text(r, FONT_MONO, hs, name, er.x, er.y + er.h / 2, ALIGN_LEFT | ALIGN_MIDDLE,
                    hch >= 0 ? th->hover : th->accent_text);
        Rect rc = {er.x + nw + theme_px(th, 12), er.y, er.w - nw - theme_px(th, 12), er.h};
        draw_arithmetic(L, ctx, rc, first, last, eq_oy, eq_ox);
    }
    render_clip_pop(r);
}

void poollab_draw_stage(PoolLab *L, LabContext *ctx)
{
    Stage s = {0};
    plan_info(L, ctx, &s);
    make_grids(L, ctx, &s);
    find_hover(L, ctx, &s);
    draw_grids(L, ctx, &s);
    draw_info(L, ctx, &s);
    draw_strip(L, ctx, &s);
}
