/* labs/train/view_confusion.c - the Train lab's confusion matrix of the last test evaluation:
 * counts coloured by size, the mistakes outlined red, the selected cell amber; hovering a cell
 * explains it and a click lists its test digits (view_images.c).
 * Depends on: view_int.h, labs/train/model.h, viz/colormap.h. */
#include "labs/train/view_int.h"
#include "viz/colormap.h"

#include <stdio.h>

void trainview_draw_confusion(TrainLab *L, LabContext *ctx, Rect area)
{
    TrainModel *m = &L->m;
    const TrainerSnapshot *s = &m->snap;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    Ui *ui = ctx->ui;
    char t0[160], t1[160], t2[64] = "Confusion";
    long total = trainmodel_confusion_total(m);
    if (m->n_test_pts > 0) {
        const TrainPoint *tp = &s->test_hist[s->n_test - 1];
        snprintf(t0, sizeof t0, "Confusion: %ld test digits at step %ld, %.1f %% right", total,
                 tp->step, 100.0 * (double)tp->accuracy);
        snprintf(t1, sizeof t1, "Confusion (step %ld, %.1f %%)", tp->step,
                 100.0 * (double)tp->accuracy);
    } else {
        snprintf(t0, sizeof t0, "Confusion on %d test digits", TRAINLAB_TEST_SUBSET);
        snprintf(t1, sizeof t1, "Confusion (%d digits)", TRAINLAB_TEST_SUBSET);
    }
    const char *titles[3] = {t0, t1, t2};
    Rect body = trainview_heading_fit(r, th, area, 3, titles);
    int small = theme_px(th, THEME_SMALL);
    int slh = render_line_height(r, FONT_SANS, small);
    int legend_h = colormap_legend_height(th);
    /* the axis captions: "predicted →" above, "true ↓" at the left, digits beside the cells */
    int lab_w = 0;
    render_text_size(r, FONT_SANS, small, "true", &lab_w, NULL);
    int dig_w = slh;
    int avail_w = body.w - lab_w - dig_w - theme_px(th, 8);
    int avail_h = body.h - 2 * slh - legend_h - theme_px(th, 8);
    int cell = (avail_w < avail_h ? avail_w : avail_h) / DATASET_CLASSES;
    if (cell > theme_px(th, 40))
        cell = theme_px(th, 40);
    m->conf_cell = 0;
    if (cell < 4)
        return;
    int gw = cell * DATASET_CLASSES;
    int gx = body.x + lab_w + dig_w + theme_px(th, 8) + (avail_w - gw) / 2;
    int gy = body.y + 2 * slh;
    render_text(r, FONT_SANS, small, "predicted \xE2\x86\x92", gx + gw / 2, body.y,
                ALIGN_CENTER | ALIGN_TOP, th->text_dim);
    render_text(r, FONT_SANS, small, "true", gx - dig_w - theme_px(th, 6), gy + gw / 2,
                ALIGN_RIGHT | ALIGN_BOTTOM, th->text_dim);
    render_text(r, FONT_SANS, small, "\xE2\x86\x93", gx - dig_w - theme_px(th, 6) - lab_w / 2,
                gy + gw / 2, ALIGN_CENTER | ALIGN_TOP, th->text_dim);
    long maxc = 1;
    for (int i = 0; i < 100; i++)
        if (s->confusion[i] > maxc)
            maxc = s->confusion[i];
    ColorScale sc = colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, (float)maxc);
    /* counts in the cells from 18 px cells up (the notes' 500 test digits: up to 3 digits),
     * in a font as large as the widest count allows, at most 16 px and never under 9 */
    char widest[24];
    snprintf(widest, sizeof widest, "%ld", maxc);
    int vs = cell * 6 / 10;
    if (vs > theme_px(th, 16))
        vs = theme_px(th, 16);
    for (; vs > theme_px(th, 9); vs--) {
        int tw = 0;
        render_text_size(r, FONT_MONO, vs, widest, &tw, NULL);
        /* the mistakes' red outline takes 3 px of each side */
        if (tw <= cell - 2 * theme_px(th, 3))
            break;
    }
    int widest_w = 0;
    render_text_size(r, FONT_MONO, vs, widest, &widest_w, NULL);
    bool values = cell >= theme_px(th, 18) && vs >= theme_px(th, 9) && widest_w <= cell - 2;
    int hov_t = -1, hov_p = -1;
    for (int t = 0; t < DATASET_CLASSES; t++) {
        char d[4];
        snprintf(d, sizeof d, "%d", t);
        render_text(r, FONT_MONO, small, d, gx + t * cell + cell / 2, gy - theme_px(th, 2),
                    ALIGN_CENTER | ALIGN_BOTTOM, th->text_dim);
        render_text(r, FONT_MONO, small, d, gx - theme_px(th, 4), gy + t * cell + cell / 2,
                    ALIGN_RIGHT | ALIGN_MIDDLE, th->text_dim);
    }
    for (int t = 0; t < DATASET_CLASSES; t++) {
        for (int p = 0; p < DATASET_CLASSES; p++) {
            long c = s->confusion[t * DATASET_CLASSES + p];
            Rect rc = {gx + p * cell, gy + t * cell, cell, cell};
            Color bg = m->n_test_pts > 0 ? colorscale_color(&sc, (float)c) : th->panel;
            render_rect(r, rc, bg);
            if (values && m->n_test_pts > 0) {
                char txt[16];
                snprintf(txt, sizeof txt, "%ld", c);
                render_text_in(r, FONT_MONO, vs, txt, rc, ALIGN_CENTER | ALIGN_MIDDLE,
                               color_text_on(bg));
            }
            /* the mistakes: off the diagonal and not empty */
            if (t != p && c > 0)
                render_rect_outline(r, rect_inset(rc, 1), theme_px(th, 2), trainview_wrong_color(th));
            if (!ctx->headless && !ui->mouse_used && rect_contains(rc, ui->in.mx, ui->in.my)) {
                hov_t = t;
                hov_p = p;
            }
        }
    }
    render_rect_outline(r, (Rect){gx - 1, gy - 1, gw + 2, gw + 2}, 1, th->border);
    m->conf_x = gx;
    m->conf_y = gy;
    m->conf_cell = cell;
    if (m->sel_true >= 0) {
        Rect rc = {gx + m->sel_pred * cell, gy + m->sel_true * cell, cell, cell};
        render_rect_outline(r, rect_inset(rc, -2), theme_px(th, 3), th->accent);
    }
    if (hov_t >= 0) {
        Rect rc = {gx + hov_p * cell, gy + hov_t * cell, cell, cell};
        render_rect_outline(r, rect_inset(rc, -1), theme_px(th, 2), th->hover);
        long c = s->confusion[hov_t * DATASET_CLASSES + hov_p];
        if (m->n_test_pts > 0)
            snprintf(L->tip, sizeof L->tip,
                     "true %d, predicted %d: %ld test digit%s\n%s\nclick to list them", hov_t,
                     hov_p, c, c == 1 ? "" : "s",
                     hov_t == hov_p ? "right (the diagonal)" : "wrong: a mistake");
        else
            snprintf(L->tip, sizeof L->tip, "true %d, predicted %d: no evaluation yet "
                     "(the first comes at step %d)", hov_t, hov_p, TRAINLAB_TEST_EVERY);
        ui_tooltip(ui, L->tip);
        if (ui->in.mouse_pressed) {
            trainmodel_select_cell(m, hov_t, hov_p);
            ui->mouse_used = true;
        }
    }
    Rect lg = {gx, gy + gw + theme_px(th, 6), gw, legend_h};
    if (m->n_test_pts > 0)
        colormap_draw_legend(r, th, lg, &sc);
    else
        trainview_note(r, th, lg, "empty until the first test evaluation (step 50)", th->text_dim);
}
