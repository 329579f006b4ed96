/* labs/train/view_plots.c - the Train lab's loss and accuracy plots: the binned training
 * curves and the test evaluations, over epochs (or steps while the run is under an epoch), with
 * a hint in an empty plot and legends that shorten rather than clip.
 * Depends on: view_int.h, labs/train/model.h, viz/plot.h. */
#include "labs/train/view_int.h"
#include "viz/plot.h"

#include <stdio.h>

static Color curve_train(const Theme *th)
{
    return th->kind == THEME_LIGHT ? COLOR_HEX(0x1f5fbf) : COLOR_HEX(0x6fa8ff);
}

static Color curve_test(const Theme *th)
{
    return th->kind == THEME_LIGHT ? COLOR_HEX(0xc0561a) : COLOR_HEX(0xf08a4b);
}

/* A hint inside an empty plot's data area, never past it (over the axis labels): the first of
 * one_line that fits on one line, else the two lines l1 and l2 stacked in the middle, at the
 * small size or smaller down to 9 px, each line cut only when even that is too wide. */
static void plot_hint(Render *r, const Theme *th, Rect area, int n, const char *const *one_line,
                      const char *l1, const char *l2)
{
    int pad = theme_px(th, 4);
    Rect in = {area.x + pad, area.y, area.w - 2 * pad, area.h};
    if (in.w <= 0)
        return;
    int size = theme_px(th, THEME_SMALL), least = theme_px(th, 9);
    for (int i = 0; i < n; i++) {
        int w = 0;
        render_text_size(r, FONT_SANS, size, one_line[i], &w, NULL);
        if (w <= in.w) {
            render_text_in(r, FONT_SANS, size, one_line[i], in, ALIGN_CENTER | ALIGN_MIDDLE,
                           th->text_dim);
            return;
        }
    }
    for (; size > least; size--) {
        int w1 = 0, w2 = 0;
        render_text_size(r, FONT_SANS, size, l1, &w1, NULL);
        render_text_size(r, FONT_SANS, size, l2, &w2, NULL);
        if (w1 <= in.w && w2 <= in.w)
            break;
    }
    int lh = render_line_height(r, FONT_SANS, size);
    int y = in.y + in.h / 2 - lh;
    char fit[128];
    const char *lines[2] = {l1, l2};
    for (int i = 0; i < 2; i++) {
        render_text_fit(r, FONT_SANS, size, lines[i], in.w, fit, sizeof fit);
        /* top-aligned in a rect a little taller than the line: descenders are not clipped */
        render_text_in(r, FONT_SANS, size, fit, (Rect){in.x, y + i * lh, in.w, lh + 2 * pad},
                       ALIGN_CENTER | ALIGN_TOP, th->text_dim);
    }
}

/* Whether plot_draw's legend line (y label, then a swatch and label per curve) fits without
 * clipping, measured the way plot.c lays it out at its smaller (tick) size. */
static bool legend_fits(Render *r, const Theme *th, const PlotView *v, const PlotLayout *lay)
{
    int gap = theme_px(th, 6), sw = theme_px(th, 12), size = lay->tick_size;
    int total = 0, w = 0;
    if (v->y_label) {
        render_text_size(r, FONT_SANS, size, v->y_label, &w, NULL);
        total += w + 3 * gap;
    }
    for (int i = 0; i < v->n_curves; i++)
        if (v->curves[i].label) {
            render_text_size(r, FONT_SANS, size, v->curves[i].label, &w, NULL);
            total += sw + gap + w + 3 * gap;
        }
    return total - 3 * gap <= lay->legend.w;
}

/* The curves' x: in epochs, or in steps while the run is shorter than one epoch (an epoch
 * axis over 0..0.4 has no tick but 0 in a narrow plot; 0, 100, 200 steps read at once). Fills
 * L->bin_x and L->test_x and returns the axis' right end (trainmodel_plot_x). */
static float plot_x(TrainLab *L)
{
    TrainModel *m = &L->m;
    float k = 1.0f;
    L->x_hi = trainmodel_plot_x(m, &L->x_steps, &k);
    for (int i = 0; i < m->n_bins; i++)
        L->bin_x[i] = m->bin_epoch[i] * k;
    int nt = m->n_test_pts < L->test_pct_cap ? m->n_test_pts : L->test_pct_cap;
    for (int i = 0; i < nt; i++)
        L->test_x[i] = m->test_epoch[i] * k;
    return L->x_hi;
}

void trainview_draw_loss_plot(TrainLab *L, LabContext *ctx, Rect area)
{
    TrainModel *m = &L->m;
    const Theme *th = ctx->th;
    float top = m->loss_max > 0.0f ? m->loss_max * 1.1f : 2.5f;
    snprintf(L->title_loss, sizeof L->title_loss, "Loss (cross-entropy)");
    PlotView v = plot_view_make(L->title_loss, 0.0f, plot_x(L), 0.0f, top);
    v.x_label = L->x_steps ? "step" : "epoch";
    v.y_label = "loss";
    if (m->bin_steps > 1)
        snprintf(L->leg_train, sizeof L->leg_train, "train (mean of %d steps)", m->bin_steps);
    else
        snprintf(L->leg_train, sizeof L->leg_train, "train (batch loss)");
    if (m->n_bins > 0) {
        PlotCurve *c =
            plot_add_curve(&v, L->bin_x, m->bin_loss, m->n_bins, curve_train(th), L->leg_train);
        if (c && m->n_bins < 12)
            c->dots = true;
    }
    PlotLayout lay = plot_layout(&v, area, th);
    static const char *const titles[] = {"Loss (cross-entropy)", "Loss"};
    v.title = trainview_pick_fit(ctx->r, FONT_SANS_BOLD, lay.title_size, lay.title.w, 2, titles);
    if (v.n_curves > 0 && !legend_fits(ctx->r, th, &v, &lay)) {
        snprintf(L->leg_train, sizeof L->leg_train, "train");
        if (!legend_fits(ctx->r, th, &v, &lay))
            v.y_label = NULL;
    }
    plot_draw(ctx->r, th, &v, &lay);
    if (m->n_bins == 0) {
        static const char *const hint[] = {"press Play or \xE2\x86\x92 to train"};
        plot_hint(ctx->r, th, lay.area, 1, hint, "press Play", "or \xE2\x86\x92 to train");
    }
}

void trainview_draw_acc_plot(TrainLab *L, LabContext *ctx, Rect area)
{
    TrainModel *m = &L->m;
    const Theme *th = ctx->th;
    for (int i = 0; i < m->n_bins; i++)
        L->acc_pct[i] = 100.0f * m->bin_acc[i];
    int nt = m->n_test_pts < L->test_pct_cap ? m->n_test_pts : L->test_pct_cap;
    for (int i = 0; i < nt; i++)
        L->test_pct[i] = 100.0f * m->test_acc[i];
    snprintf(L->title_acc, sizeof L->title_acc, "Accuracy");
    PlotView v = plot_view_make(L->title_acc, 0.0f, plot_x(L), 0.0f, 100.0f);
    v.x_label = L->x_steps ? "step" : "epoch";
    v.y_label = "% right";
    snprintf(L->leg_acc, sizeof L->leg_acc, "train");
    snprintf(L->leg_test, sizeof L->leg_test, "test (%d)", TRAINLAB_TEST_SUBSET);
    /* train a solid line under, test markers only (a dot per evaluation, no line) over it: the
     * markers never hide more of the train line than their own dots, and the busy train line
     * never hides a test score */
    PlotCurve *c = plot_add_curve(&v, L->bin_x, L->acc_pct, m->n_bins, curve_train(th), L->leg_acc);
    if (c && m->n_bins < 12)
        c->dots = true;
    c = plot_add_curve(&v, L->test_x, L->test_pct, nt, curve_test(th), L->leg_test);
    if (c) {
        c->no_line = true;
        c->thickness = 2.2f;
    }
    PlotLayout lay = plot_layout(&v, area, th);
    if (!legend_fits(ctx->r, th, &v, &lay)) {
        v.y_label = "%";
        if (!legend_fits(ctx->r, th, &v, &lay))
            snprintf(L->leg_test, sizeof L->leg_test, "test");
    }
    L->acc_legend_n = 0;
    for (int i = 0; i < v.n_curves; i++)
        L->acc_legend_n += v.curves[i].label != NULL;
    L->acc_legend_fits = legend_fits(ctx->r, th, &v, &lay);
    plot_draw(ctx->r, th, &v, &lay);
    if (nt == 0 && m->n_bins == 0) {
        static const char *const notes[] = {"the test digits are scored every 50 steps",
                                            "test: every 50 steps"};
        plot_hint(ctx->r, th, lay.area, 2, notes, "test digits", "every 50 steps");
    }
}
