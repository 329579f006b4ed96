/* labs/train/view_confusion.c - the Train lab's confusion matrix of the last test evaluation:
 * counts coloured by size, the mistakes outlined red, the selected cell amber; hovering a cell
 * explains it and a click lists its test digits (view_images.c).
 * Depends on: view_int.h, labs/train/model.h, viz/colormap.h. */
#include "labs/train/view_int.h"
#include "viz/colormap.h"

#include <stdio.h>

/* The matrix' cells on screen: top-left corner (x, y), cell side in px. */
typedef struct ConfGrid {
    int x, y, cell;
} ConfGrid;

/* The heading: the evaluation's step and score, shortened to fit; returns the rect below. */
static Rect draw_title(TrainLab *L, Render *r, const Theme *th, Rect area)
{
    TrainModel *m = &L->m;
    const TrainerSnapshot *s = &m->snap;
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
    return trainview_heading_fit(r, th, area, 3, titles);
}

/* The size of the counts in the cells: as large as the widest count (maxc) allows, at most
 * 16 px and never under 9; *values says whether they are written at all (from 18 px cells up:
 * the notes' 500 test digits have up to 3 digits). */
static int count_size(Render *r, const Theme *th, int cell, long maxc, bool *values)
{
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
    *values = cell >= theme_px(th, 18) && vs >= theme_px(th, 9) && widest_w <= cell - 2;
    return vs;
}

/* The digits 0-9 above the columns (predicted) and left of the rows (true). */
static void draw_digits(Render *r, const Theme *th, ConfGrid g)
{
    int small = theme_px(th, THEME_SMALL);
    for (int t = 0; t < DATASET_CLASSES; t++) {
        char d[4];
        snprintf(d, sizeof d, "%d", t);
        render_text(r, FONT_MONO, small, d, g.x + t * g.cell + g.cell / 2, g.y - theme_px(th, 2),
                    ALIGN_CENTER | ALIGN_BOTTOM, th->text_dim);
        render_text(r, FONT_MONO, small, d, g.x - theme_px(th, 4), g.y + t * g.cell + g.cell / 2,
                    ALIGN_RIGHT | ALIGN_MIDDLE, th->text_dim);
    }
}

/* The hovered cell (true t, predicted p): outlined, explained in a tooltip, selected by a
 * click. */
static void hover_cell(TrainLab *L, LabContext *ctx, ConfGrid g, int hov_t, int hov_p)
{
    TrainModel *m = &L->m;
    const Theme *th = ctx->th;
    Ui *ui = ctx->ui;
    Rect rc = {g.x + hov_p * g.cell, g.y + hov_t * g.cell, g.cell, g.cell};
    render_rect_outline(ctx->r, rect_inset(rc, -1), theme_px(th, 2), th->hover);
    long c = m->snap.confusion[hov_t * DATASET_CLASSES + hov_p];
    if (m->n_test_pts > 0)
        snprintf(L->tip, sizeof L->tip,
                 "true %d, predicted %d: %ld test digit%s\n%s\nclick to list them", hov_t, hov_p, c,
                 c == 1 ? "" : "s", hov_t == hov_p ? "right (the diagonal)" : "wrong: a mistake");
    else
        snprintf(L->tip, sizeof L->tip,
                 "true %d, predicted %d: no evaluation yet "
                 "(the first comes at step %d)",
                 hov_t, hov_p, TRAINLAB_TEST_EVERY);
    ui_tooltip(ui, L->tip);
    if (ui->in.mouse_pressed) {
        trainmodel_select_cell(m, hov_t, hov_p);
        ui->mouse_used = true;
    }
}

void trainview_draw_confusion(TrainLab *L, LabContext *ctx, Rect area)
{
    TrainModel *m = &L->m;
    const TrainerSnapshot *s = &m->snap;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    Ui *ui = ctx->ui;
    Rect body = draw_title(L, r, th, area);
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
    bool values = false;
    int vs = count_size(r, th, cell, maxc, &values);
    ConfGrid g = {gx, gy, cell};
    int hov_t = -1, hov_p = -1;
    draw_digits(r, th, g);
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
                render_rect_outline(r, rect_inset(rc, 1), theme_px(th, 2),
                                    trainview_wrong_color(th));
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
    if (hov_t >= 0)
        hover_cell(L, ctx, g, hov_t, hov_p);
    Rect lg = {gx, gy + gw + theme_px(th, 6), gw, legend_h};
    if (m->n_test_pts > 0)
        colormap_draw_legend(r, th, lg, &sc);
    else
        trainview_note(r, th, (Rect){gx, lg.y, gw, area.y + area.h - lg.y},
                       "empty until the first test (step 50)", th->text_dim);
}
