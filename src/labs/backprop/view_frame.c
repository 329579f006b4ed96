/* labs/backprop/view_frame.c - the frame around the Backprop lab's phases: the control column
 * (the net, the digit and η, the example's numbers, a button per phase), the net as a strip of
 * boxes, the step's equation written out and the finite-difference check beside it.
 * Depends on: view_int.h, labs/backprop/model.h, labs/common/labkit.h, ui. */
#include "labs/backprop/view_int.h"

#include <stdio.h>
#include <string.h>

static const char *const net_items[BPVIEW_N_NETS] = {
    "tiny (1\xC3\x97"
    "8\xC3\x97"
    "8)",
    "sse: sigmoid, \xC2\xBD\xC2\xB7\xCE\xA3(y\xE2\x88\x92t)\xC2\xB2",
    "lenet-tiny (28\xC3\x97"
    "28)",
    "your net (Network lab)"};

void bpview_draw_controls(BpLab *L, LabContext *ctx, int cur_phase)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    UiColumn col = ui_column(ctx->controls, th);
    int gap = ui_gap(th), label_w = theme_px(th, 64);
    Rect row = ui_column_next(&col, 1);
    int net = bpview_net_index(L);
    if (ui_dropdown(ui, ui_id("bp.net"), row, net_items, BPVIEW_N_NETS, &net))
        bpview_set_net(L, net);
    row = ui_column_next(&col, 1);
    if (row.w > 0) {
        ui_label(ui, (Rect){row.x, row.y, label_w, row.h}, "Digit #", FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        int fw = (row.w - label_w - gap) / 2;
        if (ui_number_int(ui, ui_id("bp.digit"), (Rect){row.x + label_w, row.y, fw, row.h},
                          &L->digit, 0, L->digits->n - 1))
            L->dirty = true;
        float lr = L->lr;
        Rect er = {row.x + label_w + fw + gap, row.y, row.w - label_w - fw - gap, row.h};
        int ew = theme_px(th, 20);
        ui_label(ui, (Rect){er.x, er.y, ew, er.h}, "\xCE\xB7", FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        if (ui_number(ui, ui_id("bp.lr"), (Rect){er.x + ew, er.y, er.w - ew, er.h}, &lr, 0.001f,
                      10.0f, 0.01f, 3)) {
            L->lr = lr;
            L->dirty = true;
        }
    }
    if (!L->ok)
        return;
    BpModel *m = &L->m;
    row = ui_column_next(&col, 1);
    if (row.w > 0) {
        char s[128];
        snprintf(s, sizeof s, "label %d \xC2\xB7 predicted %d \xC2\xB7 L = %.4f", m->label,
                 m->predicted, (double)m->loss);
        lsu_draw_fit_line(ctx->r, th, FONT_SANS, bpview_body_px(th), s, row.x,
                          row.y + row.h / 2 - bpview_body_px(th) * 2 / 3, row.w, th->text_dim);
    }
    /* your net: whose weights; a rebuild or a refusal */
    const char *lines[2] = {NULL, L->note[0] ? L->note : NULL};
    char wl[160];
    if (strcmp(L->shown_name, "yours") == 0) {
        snprintf(wl, sizeof wl, "%s \xC2\xB7 weights: %s", m->net_name,
                 m->weights_from[0] ? m->weights_from : "seeded initial");
        lines[0] = wl;
    }
    /* ...only where the phase list keeps rows of at least 12 px below them (the intro caption
     * names the weights too; the note goes last) */
    int list_h = m->n_phases * theme_px(th, 14), free_h = col.area.y + col.area.h - col.y;
    for (int k = 0; k < 2 && list_h <= free_h - (col.row_h + col.gap); k++) {
        int rows = (lines[0] != NULL) + (lines[1] != NULL) + 1; /* and the heading */
        if (list_h > free_h - rows * (col.row_h + col.gap))
            lines[lines[0] ? 0 : 1] = NULL;
    }
    for (int k = 0; k < 2; k++) {
        if (!lines[k])
            continue;
        row = ui_column_next(&col, 1);
        if (row.w > 0)
            lsu_draw_fit_line(ctx->r, th, FONT_SANS, bpview_body_px(th), lines[k], row.x,
                              row.y + row.h / 2 - bpview_body_px(th) * 2 / 3, row.w,
                              k == 1 ? th->accent : th->text_dim);
    }
    ui_column_heading(ui, &col, "Backward, step by step");
    /* every phase gets a row, shorter when the column is short, but not below a readable
     * height: then a window of the rows that fit, around the current phase, its ends showing
     * how many phases are above and below (a click there moves one phase on) */
    int avail = col.area.y + col.area.h - col.y;
    int rh = col.row_h, rg = col.gap, least = theme_px(th, 22); /* text 13-14 px */
    int first = 0, shown = m->n_phases;
    if (m->n_phases * (rh + rg) > avail) {
        rg = theme_px(th, 2);
        rh = avail / (m->n_phases > 0 ? m->n_phases : 1) - rg;
        if (rh < least) {
            rh = least;
            shown = avail / (rh + rg);
        }
    }
    if (shown < 1)
        return;
    if (shown < m->n_phases) {
        int cur = cur_phase >= 0 ? cur_phase : 0;
        first = cur - shown / 2;
        if (first > m->n_phases - shown)
            first = m->n_phases - shown;
        if (first < 0)
            first = 0;
    }
    L->phase_first = first;
    L->phase_shown = shown;
    for (int i = 0; i < shown; i++) {
        int p = first + i;
        Rect r = {col.area.x, col.y + i * (rh + rg), col.area.w, rh};
        char s[96], lab[112];
        /* the window's ends, when phases are hidden beyond them */
        bool up = i == 0 && first > 0 && shown >= 3;
        bool down = i == shown - 1 && first + shown < m->n_phases && shown >= 3;
        if (up)
            snprintf(lab, sizeof lab, "\xE2\x96\xB2 %d more above", first + 1);
        else if (down)
            snprintf(lab, sizeof lab, "\xE2\x96\xBC %d more below", m->n_phases - p);
        else {
            bp_model_phase_short(m, &m->phases[p], s, sizeof s);
            snprintf(lab, sizeof lab, "%d  %s", p + 1, s);
        }
        /* a button whose label shrinks with the row, so a short column cuts nothing */
        UiId id = ui_id_index(ui_id("bp.phase"), p);
        UiResult res = ui_button_behavior(&ui->st, id, r, &ui->in);
        render_round_rect(ctx->r, r, theme_px(th, 4), res.hovered ? th->control_hot : th->control);
        int ts = bpview_body_px(th), lim = rh * 62 / 100;
        render_text_line(ctx->r, FONT_SANS, ts < lim ? ts : lim, theme_px(th, 8), lab,
                         rect_inset(r, theme_px(th, 4)), ALIGN_CENTER | ALIGN_MIDDLE,
                         up || down ? th->text_dim : th->text);
        if (res.submitted)
            timeline_seek(&L->tl, m->phases[p].first + 1);
        if (p == cur_phase)
            render_round_rect_outline(ctx->r, r, theme_px(th, 4), theme_px(th, 2), th->accent);
    }
}

/* The net as a row of boxes, x → … → L, the layer being differentiated in amber, the layers
 * already passed on the way back marked done. */
void bpview_draw_net_strip(BpLab *L, LabContext *ctx, Rect rc, int cur_layer, bool all_done)
{
    BpModel *m = &L->m;
    const Theme *th = ctx->th;
    const NetSpec *sp = &m->net->spec;
    int n = sp->n_layers + 2; /* x, every layer, L */
    int gap = theme_px(th, 14);
    int bw = (rc.w - (n - 1) * gap) / n;
    int size = theme_px(th, THEME_SMALL);
    for (int k = 0; k < n; k++) {
        Rect b = {rc.x + k * (bw + gap), rc.y, bw, rc.h};
        int layer = k - 1;
        char l1[48], l2[48];
        bool done = all_done || (layer > cur_layer && layer < sp->n_layers) || k == n - 1;
        bool cur = layer == cur_layer && !all_done;
        if (k == n - 1) {
            snprintf(l1, sizeof l1, "L");
            snprintf(l2, sizeof l2, "%.4f", (double)m->loss);
        } else {
            char nm[32], shp[32];
            bp_model_tensor_name(m, layer, nm, sizeof nm);
            bp_model_shape(m, layer, shp, sizeof shp);
            /* "maxpool m₁", else "max m₁", else "m₁": a shorter name before a smaller size, so
             * the strip keeps the small size beside the lesson sidebar */
            static const char *const short_kind[LAYER_KIND_COUNT] = {
                "conv", "deconv", "max", "avg", "l2",   "relu",  "leaky", "\xCF\x83",
                "tanh", "abs",    "s+",  "lrn", "flat", "dense", "smax",  "bn",
            };
            const char *kind = layer < 0 ? "input" : layer_kind_name(sp->layers[layer].kind);
            const char *brief = layer < 0 ? "in" : short_kind[sp->layers[layer].kind];
            char full[48], mid[48];
            snprintf(full, sizeof full, "%s %s", kind, nm);
            snprintf(mid, sizeof mid, "%s %s", brief, nm);
            const char *const names[3] = {full, mid, nm};
            snprintf(l1, sizeof l1, "%s", names[2]);
            for (int c = 0; c < 3; c++) {
                int tw = 0;
                render_text_size(ctx->r, FONT_SANS, size, names[c], &tw, NULL);
                if (tw <= bw - 4) {
                    snprintf(l1, sizeof l1, "%s", names[c]);
                    break;
                }
            }
            snprintf(l2, sizeof l2, "%s", shp);
        }
        render_round_rect(ctx->r, b, theme_px(th, 6),
                          done ? color_mix(th->panel, th->accent, 0.12f) : th->panel);
        render_round_rect_outline(ctx->r, b, theme_px(th, 6), cur ? theme_px(th, 3) : 1,
                                  cur ? th->accent : th->border);
        Rect t1 = {b.x + 2, b.y + 2, b.w - 4, b.h / 2 - 2};
        Rect t2 = {b.x + 2, b.y + b.h / 2, b.w - 4, b.h / 2 - 2};
        render_text_line(ctx->r, FONT_SANS, size, theme_px(th, 9), l1, t1,
                         ALIGN_CENTER | ALIGN_MIDDLE, done || cur ? th->text : th->text_dim);
        render_text_line(ctx->r, FONT_MONO, size, theme_px(th, 9), l2, t2,
                         ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
        if (k < n - 1) {
            /* forward → above, backward ← below */
            float x0 = (float)(b.x + b.w + 2), x1 = (float)(b.x + b.w + gap - 2);
            float y = (float)(b.y + b.h / 2);
            render_line(ctx->r, x0, y, x1, y, 1.0f, th->text_dim);
            /* the gradient has come back into box k from box k+1 (layer k) */
            if (all_done || k + 1 == n - 1 || k > cur_layer)
                render_triangle(ctx->r, x0, y, x0 + 6.0f, y - 4.0f, x0 + 6.0f, y + 4.0f,
                                th->accent);
        }
    }
}

void bpview_draw_fd(BpLab *L, LabContext *ctx, Rect rc, const BpStep *st, int step)
{
    BpModel *m = &L->m;
    const Theme *th = ctx->th;
    render_round_rect(ctx->r, rc, theme_px(th, THEME_RADIUS), th->panel);
    render_round_rect_outline(ctx->r, rc, theme_px(th, THEME_RADIUS), 1, th->border);
    Rect in = rect_inset(rc, theme_px(th, 8));
    int size = theme_px(th, THEME_SMALL) + (th->scale >= 1.5f ? 0 : 1);
    if (!(st->ph && st->ph->kind == BP_UPDATE) && L->fd_step != step) {
        L->fd_have = bp_model_fd(m, st, &L->fd, &L->fd_bp);
        L->fd_step = step;
    }
    char fixed[900];
    bool agree = bp_model_check_text(m, st, L->fd_have, &L->fd, L->fd_bp, fixed, sizeof fixed);
    Color col = agree ? th->text : th->warning;
    /* shrink until it fits the panel */
    char wrapped[1024];
    int lines = 0, lh = 0;
    for (; size > theme_px(th, 9); size--) {
        lines = lsu_wrap(ctx->r, FONT_MONO, size, fixed, in.w, wrapped, sizeof wrapped);
        lh = render_line_height(ctx->r, FONT_MONO, size);
        if (lines * lh <= in.h)
            break;
    }
    render_clip_push(ctx->r, rc);
    lsu_draw_lines(ctx->r, FONT_MONO, size, wrapped, in.x, in.y, 0, col);
    render_clip_pop(ctx->r);
}

void bpview_draw_equation_in(BpLab *L, LabContext *ctx, Rect rc, const BpStep *st, int want,
                             int min_lines, Color c)
{
    const Theme *th = ctx->th;
    int size, chars, lines;
    lsu_equation_metrics(ctx->r, th, rc, want, 10, min_lines, &size, &chars, &lines);
    static char eq[8192];
    int used = 0;
    for (int tries = 0; tries < 8; tries++, chars--) {
        used = bp_model_equation(&L->m, st, chars, lines, eq, sizeof eq);
        if (lsu_widest_line(ctx->r, FONT_MONO, size, eq) <= rc.w)
            break;
    }
    int lh = render_line_height(ctx->r, FONT_MONO, size);
    render_clip_push(ctx->r, rc);
    lsu_draw_lines(ctx->r, FONT_MONO, size, eq, rc.x, rc.y + (rc.h - used * lh) / 2, 0, c);
    render_clip_pop(ctx->r);
    /* folded ("+ …"): the mouse over it shows the sum as far as a tooltip holds it */
    if (!ctx->headless && strstr(eq, "\xE2\x80\xA6") &&
        rect_contains(rc, ctx->ui->in.mx, ctx->ui->in.my)) {
        static char full[UI_TOOLTIP_MAX];
        bp_model_equation(&L->m, st, 56, 8, full, sizeof full);
        ui_tooltip(ctx->ui, full);
    }
}
