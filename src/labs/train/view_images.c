/* labs/train/view_images.c - the Train lab's panels drawn from textures: the first layer's
 * kernels evolving (values in the cells when V asks and they fit), the stream of recent
 * predictions marked right or wrong, the test digits of the selected confusion cell; and the
 * divergence notice in the place of the last two. Every texture is refilled only when its data
 * changed.
 * Depends on: view_int.h, labs/train/model.h, viz (colormap, grid). */
#include "labs/train/view_int.h"
#include "viz/colormap.h"
#include "viz/grid.h"

#include <stdio.h>

static uint32_t rgba(Color c)
{
    return (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a;
}

/* The digits are drawn as MNIST stores them: ink white on black. */
static void fill_digit(uint32_t *px, const float *v /* (28, 28) */)
{
    for (int i = 0; i < TRAINLAB_PIX; i++)
        px[i] = rgba(colormap_gray(v[i]));
}

void trainview_destroy_images(TrainLab *L)
{
    for (int i = 0; i < TRAINLAB_MAX_KERNELS; i++) {
        render_image_destroy(L->kimg[i]);
        L->kimg[i] = NULL;
    }
    for (int i = 0; i < TRAINLAB_STREAM; i++) {
        render_image_destroy(L->simg[i]);
        L->simg[i] = NULL;
        L->simg_key[i] = -1;
    }
    for (int i = 0; i < TRAINLAB_GALLERY; i++) {
        render_image_destroy(L->gimg[i]);
        L->gimg[i] = NULL;
        L->gimg_index[i] = -1;
    }
    L->kimg_valid = false;
}

/* Makes the textures on the first draw (or for a new Render). */
bool trainview_ensure_images(TrainLab *L, Render *r)
{
    if (L->img_r != r) {
        trainview_destroy_images(L);
        L->img_r = r;
        for (int i = 0; i < TRAINLAB_STREAM; i++)
            L->simg[i] = render_image_create(r, TRAINLAB_SIDE, TRAINLAB_SIDE);
        for (int i = 0; i < TRAINLAB_GALLERY; i++)
            L->gimg[i] = render_image_create(r, TRAINLAB_SIDE, TRAINLAB_SIDE);
    }
    /* the kernels' textures follow the kernels' side (a new net may have another) */
    int kh = L->m.kh > 0 ? L->m.kh : 1, kw = L->m.kw > 0 ? L->m.kw : 1;
    if (L->kimg_h != kh || L->kimg_w != kw || !L->kimg[0]) {
        for (int i = 0; i < TRAINLAB_MAX_KERNELS; i++) {
            render_image_destroy(L->kimg[i]);
            L->kimg[i] = render_image_create(r, kw, kh);
        }
        L->kimg_h = kh;
        L->kimg_w = kw;
        L->kimg_valid = false;
    }
    for (int i = 0; i < TRAINLAB_MAX_KERNELS; i++)
        if (!L->kimg[i])
            return false;
    for (int i = 0; i < TRAINLAB_STREAM; i++)
        if (!L->simg[i])
            return false;
    for (int i = 0; i < TRAINLAB_GALLERY; i++)
        if (!L->gimg[i])
            return false;
    return true;
}

/* Refills the kernels' textures (kh x kw each) in the diverging scale sc. */
static void refill_kernels(TrainLab *L, Render *r, const ColorScale *sc)
{
    TrainModel *m = &L->m;
    static uint32_t px[TRAINLAB_KMAX * TRAINLAB_KMAX];
    int kk = m->kh * m->kw;
    for (int k = 0; k < m->n_kernels; k++) {
        for (int i = 0; i < kk; i++)
            px[i] = rgba(colorscale_color(sc, m->kernels[k * kk + i]));
        render_image_update(r, L->kimg[k], px);
    }
    L->kimg_gen = m->gen;
    L->kimg_valid = true;
}

/* The arrangement of nk kernels in body with the largest kernels: 1, 2 or 4 rows, each kernel
 * with its label (lab_h) under it and the legend (legend_h) at the bottom. Returns the side,
 * *best_cols the columns. */
static int arrange_kernels(const Theme *th, Rect body, int nk, int legend_h, int lab_h,
                           int *best_cols)
{
    int gap = theme_px(th, 8);
    int best_side = 0;
    *best_cols = nk;
    for (int rows = 1; rows <= 4; rows *= 2) {
        int cols = (nk + rows - 1) / rows;
        int side_w = (body.w - (cols - 1) * gap) / cols;
        int side_h = (body.h - legend_h - gap - rows * (lab_h + gap)) / rows;
        int side = side_w < side_h ? side_w : side_h;
        if (side > best_side) {
            best_side = side;
            *best_cols = cols;
        }
    }
    return best_side;
}

/* Kernel k in rc: its values in the cells when V asks and they fit, else its texture (or, with
 * no textures, a rectangle per weight). */
static void draw_kernel(TrainLab *L, LabContext *ctx, int k, Rect rc, const ColorScale *sc,
                        bool images)
{
    TrainModel *m = &L->m;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    int kk = m->kh * m->kw;
    int cs = rc.w / m->kw, cx = rc.x, cy = rc.y;
    if (ctx->show_values && cs >= theme_px(th, 18)) {
        GridView gv = grid_view_make(NULL, m->kernels + k * kk, m->kh, m->kw, COLORMAP_DIVERGING);
        gv.scale = *sc;
        gv.show_legend = false;
        gv.show_values = true;
        gv.decimals = 2;
        GridLayout gl = grid_layout(&gv, rc, th, 0);
        grid_draw(r, th, &gv, &gl);
    } else if (images) {
        render_image_draw(r, L->kimg[k], rc, false);
    } else {
        for (int i = 0; i < kk; i++)
            render_rect(r, (Rect){cx + (i % m->kw) * cs, cy + (i / m->kw) * cs, cs, cs},
                        colorscale_color(sc, m->kernels[k * kk + i]));
    }
}

/* The hovered weight (row hr, col hc) of kernel k, its cell at rc: outlined, its value in a
 * tooltip. */
static void hover_weight(TrainLab *L, LabContext *ctx, int k, int hr, int hc, Rect rc)
{
    const TrainModel *m = &L->m;
    render_rect_outline(ctx->r, rc, theme_px(ctx->th, 2), ctx->th->hover);
    snprintf(L->tip, sizeof L->tip,
             "%s %d, row %d, col %d\nw = %.4f (step %ld)\nwhite 0, orange +, blue \xE2\x88\x92",
             m->conv_dense ? "unit" : "kernel k", k, hr, hc,
             (double)m->kernels[k * m->kh * m->kw + hr * m->kw + hc], m->snap.step);
    ui_tooltip(ctx->ui, L->tip);
}

/* The panel's titles, longest first: what the kernels are (the first conv's on its first input
 * channel, or a dense layer's units as pictures) and how many of how many. */
static void kernel_titles(const TrainModel *m, char *t0, char *t1, size_t size)
{
    if (m->conv_dense) {
        snprintf(t0, size,
                 "No convolution: first dense layer's weights, %d of %d units as 28\xC3\x97"
                 "28",
                 m->n_kernels, m->k_units);
        snprintf(t1, size, "No conv: dense weights (%d units)", m->n_kernels);
        return;
    }
    char of[48] = "";
    if (m->k_units > m->n_kernels)
        snprintf(of, sizeof of, " (first %d of %d)", m->n_kernels, m->k_units);
    if (m->k_in_c > 1)
        snprintf(t0, size, "First-layer kernels %d\xC3\x97%d\xC3\x97%d, input channel 0 of %d%s",
                 m->n_kernels, m->kh, m->kw, m->k_in_c, of);
    else
        snprintf(t0, size,
                 "First-layer kernels %d\xC3\x97"
                 "1\xC3\x97%d\xC3\x97%d%s",
                 m->n_kernels, m->kh, m->kw, of);
    snprintf(t1, size, "Kernels %d\xC3\x97%d\xC3\x97%d", m->n_kernels, m->kh, m->kw);
}

void trainview_draw_kernels(TrainLab *L, LabContext *ctx, Rect area, bool images)
{
    TrainModel *m = &L->m;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    Ui *ui = ctx->ui;
    char t0[160], t1[160];
    int nk = m->n_kernels;
    kernel_titles(m, t0, t1, sizeof t0);
    const char *titles[3] = {t0, t1, "Kernels"};
    Rect body = trainview_heading_fit(r, th, area, 3, titles);
    if (nk == 0) {
        trainview_note(r, th, body,
                       "no convolution, and no dense layer reading the 28\xC3\x97"
                       "28 digit: no weights to show as pictures",
                       th->text_dim);
        return;
    }
    ColorScale sc = colorscale_make(COLORMAP_DIVERGING, -m->kernel_absmax, m->kernel_absmax);
    if (images && (!L->kimg_valid || L->kimg_gen != m->gen))
        refill_kernels(L, r, &sc);
    int legend_h = colormap_legend_height(th);
    int gap = theme_px(th, 8);
    int lab_h = render_line_height(r, FONT_MONO, theme_px(th, THEME_SMALL));
    int best_cols = nk;
    int best_side = arrange_kernels(th, body, nk, legend_h, lab_h, &best_cols);
    int side = best_side > theme_px(th, 96) ? theme_px(th, 96) : best_side;
    int kmax = m->kh > m->kw ? m->kh : m->kw;
    if (side < kmax)
        side = best_side; /* big kernels (28x28) may be drawn a little under a pixel a weight */
    else
        side -= side % kmax;
    if (side < 2)
        return;
    int cols = best_cols, rows = (nk + cols - 1) / cols;
    int bw = cols * side + (cols - 1) * gap;
    int x0 = body.x + (body.w - bw) / 2, y0 = body.y;
    int cs = side / kmax > 0 ? side / kmax : 1;
    int hov = -1, hr = 0, hc = 0;
    for (int k = 0; k < nk; k++) {
        int cx = x0 + (k % cols) * (side + gap);
        int cy = y0 + (k / cols) * (side + lab_h + gap);
        Rect rc = {cx, cy, side, side};
        char kl[16];
        snprintf(kl, sizeof kl, "k%d", k);
        render_text(r, FONT_MONO, theme_px(th, THEME_SMALL), kl, cx + side / 2, cy + side,
                    ALIGN_CENTER | ALIGN_TOP, th->text_dim);
        draw_kernel(L, ctx, k, rc, &sc, images);
        render_rect_outline(r, rect_inset(rc, -1), 1, th->border);
        if (!ctx->headless && rect_contains(rc, ui->in.mx, ui->in.my)) {
            hov = k;
            hr = (ui->in.my - cy) / cs;
            hc = (ui->in.mx - cx) / cs;
            if (hr > m->kh - 1)
                hr = m->kh - 1;
            if (hc > m->kw - 1)
                hc = m->kw - 1;
        }
    }
    if (hov >= 0) {
        int cx = x0 + (hov % cols) * (side + gap), cy = y0 + (hov / cols) * (side + lab_h + gap);
        hover_weight(L, ctx, hov, hr, hc, (Rect){cx + hc * cs, cy + hr * cs, cs, cs});
    }
    int ly = y0 + rows * (side + lab_h + gap);
    int lw = bw < theme_px(th, 160) ? theme_px(th, 160) : bw;
    if (lw > body.w)
        lw = body.w;
    colormap_draw_legend(r, th, (Rect){body.x + (body.w - lw) / 2, ly, lw, legend_h}, &sc);
}

/* One digit thumbnail with its caption under it; key tells whether the texture holds it. */
static void draw_thumb(Render *r, const Theme *th, RenderImage *img, Rect rc, const char *cap,
                       Color cap_c, Color outline)
{
    render_image_draw(r, img, rc, false);
    render_rect_outline(r, rect_inset(rc, -2), theme_px(th, 2), outline);
    render_text_line(r, FONT_MONO, theme_px(th, THEME_SMALL), theme_px(th, 9), cap,
                     (Rect){rc.x - theme_px(th, 4), rc.y + rc.h + theme_px(th, 3),
                            rc.w + theme_px(th, 8), theme_px(th, 16)},
                     ALIGN_CENTER | ALIGN_TOP, cap_c);
}

/* Thumbnail side and columns for n items in body (captions under each). */
static void thumb_grid(const Theme *th, Rect body, int n, int *side, int *cols, int *rows)
{
    int gap = theme_px(th, 10), cap = theme_px(th, 20);
    int best = 0, bc = 1;
    for (int c = 1; c <= n; c++) {
        int rr = (n + c - 1) / c;
        int sw = (body.w - (c - 1) * gap) / c;
        int sh = (body.h - rr * (cap + gap)) / rr;
        int s = sw < sh ? sw : sh;
        if (s > theme_px(th, 56))
            s = theme_px(th, 56);
        if (s > best) {
            best = s;
            bc = c;
        }
    }
    *side = best;
    *cols = bc;
    *rows = (n + bc - 1) / bc;
}

void trainview_draw_stream(TrainLab *L, LabContext *ctx, Rect area, bool images)
{
    TrainModel *m = &L->m;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    Ui *ui = ctx->ui;
    int right = 0;
    for (int i = 0; i < m->n_stream; i++) {
        const TrainStreamItem *it = trainmodel_stream_item(m, i);
        right += it->label == it->predicted;
    }
    char t0[160], t1[160];
    if (m->n_stream > 0) {
        snprintf(t0, sizeof t0, "Recent predictions: %d of %d right", right, m->n_stream);
        snprintf(t1, sizeof t1, "Predictions: %d/%d right", right, m->n_stream);
    } else {
        snprintf(t0, sizeof t0, "Recent predictions");
        snprintf(t1, sizeof t1, "Predictions");
    }
    const char *titles[3] = {t0, t1, "Predictions"};
    Rect body = trainview_heading_fit(r, th, area, 3, titles);
    if (m->n_stream == 0 || !images) {
        trainview_note(
            r, th, body,
            "Each step's first digits appear here with the class the net gave them, outlined "
            "cyan when right and red when wrong.",
            th->text_dim);
        return;
    }
    /* at least 30 px thumbnails: fewer items when the panel is small, the newest kept */
    int n = m->n_stream, side = 0, cols = 1, rows = 1;
    for (;;) {
        thumb_grid(th, body, n, &side, &cols, &rows);
        if (side >= theme_px(th, 30) || n <= 4)
            break;
        n--;
    }
    if (side < 8)
        return;
    int gap = theme_px(th, 10), cap = theme_px(th, 20);
    int first = m->n_stream - n;
    for (int i = 0; i < n; i++) {
        const TrainStreamItem *it = trainmodel_stream_item(m, first + i);
        /* texture slot = ring slot; refilled only when another item sits there */
        int slot = (m->stream_head + first + i) % TRAINLAB_STREAM;
        long key = it->serial;
        if (L->simg_key[slot] != key) {
            fill_digit(L->px, it->px);
            render_image_update(r, L->simg[slot], L->px);
            L->simg_key[slot] = key;
        }
        Rect rc = {body.x + (i % cols) * (side + gap) + gap / 2,
                   body.y + (i / cols) * (side + cap + gap) + theme_px(th, 2), side, side};
        bool ok = it->label == it->predicted;
        char c[32];
        if (ok)
            snprintf(c, sizeof c, "%d \xE2\x9C\x93", it->predicted);
        else
            snprintf(c, sizeof c, "%d \xE2\x9C\x97", it->predicted);
        draw_thumb(r, th, L->simg[slot], rc, c, ok ? th->text : trainview_wrong_color(th),
                   ok ? trainview_right_color(th) : trainview_wrong_color(th));
        if (!ctx->headless && rect_contains(rc, ui->in.mx, ui->in.my)) {
            snprintf(L->tip, sizeof L->tip, "step %ld: true %d, predicted %d (p = %.3f)\n%s",
                     it->step, it->label, it->predicted, (double)it->prob, ok ? "right" : "wrong");
            ui_tooltip(ui, L->tip);
        }
    }
}

/* The heading of the selected cell (true, predicted): its count, right or mistakes; returns
 * the rect below it. */
static Rect gallery_title(TrainLab *L, Render *r, const Theme *th, Rect area)
{
    TrainModel *m = &L->m;
    char title[160];
    char t1[96];
    if (m->sel_true == m->sel_pred)
        snprintf(title, sizeof title, "True %d, predicted %d: %d right", m->sel_true, m->sel_pred,
                 m->gallery_total);
    else
        snprintf(title, sizeof title, "True %d, predicted %d: %d mistake%s", m->sel_true,
                 m->sel_pred, m->gallery_total, m->gallery_total == 1 ? "" : "s");
    snprintf(t1, sizeof t1, "%d \xE2\x86\x92 %d: %d digit%s", m->sel_true, m->sel_pred,
             m->gallery_total, m->gallery_total == 1 ? "" : "s");
    const char *titles[2] = {title, t1};
    return trainview_heading_fit(r, th, area, 2, titles);
}

void trainview_draw_gallery(TrainLab *L, LabContext *ctx, Rect area, bool images)
{
    TrainModel *m = &L->m;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    Ui *ui = ctx->ui;
    if (m->sel_true < 0) {
        static const char *const titles[] = {"Test digits of a confusion cell", "A cell's digits"};
        Rect body = trainview_heading_fit(r, th, area, 2, titles);
        trainview_note(
            r, th, body,
            "Click a cell of the confusion matrix: its test digits appear here. Off the "
            "diagonal (outlined red) are the mistakes: true digit in the row, the net's answer "
            "in the column.",
            th->text_dim);
        return;
    }
    Rect body = gallery_title(L, r, th, area);
    if (m->gallery_total == 0) {
        char t[200];
        if (m->n_test_pts == 0)
            snprintf(t, sizeof t, "No evaluation yet: the test digits are scored at step %d.",
                     TRAINLAB_TEST_EVERY);
        else
            snprintf(t, sizeof t, "No test digit %d was taken for a %d at step %ld.", m->sel_true,
                     m->sel_pred, m->snap.test_hist[m->snap.n_test - 1].step);
        trainview_note(r, th, body, t, th->text_dim);
        return;
    }
    if (!images)
        return;
    int more_h = render_line_height(r, FONT_SANS, theme_px(th, THEME_SMALL));
    Rect grid = {body.x, body.y, body.w, body.h - more_h};
    int n = m->n_gallery, side = 0, cols = 1, rows = 1;
    for (;;) {
        thumb_grid(th, grid, n, &side, &cols, &rows);
        if (side >= theme_px(th, 30) || n <= 1)
            break;
        n--;
    }
    if (side < 8)
        return;
    int gap = theme_px(th, 10), cap = theme_px(th, 20);
    bool wrong = m->sel_true != m->sel_pred;
    for (int i = 0; i < n; i++) {
        int idx = m->gallery[i];
        if (L->gimg_index[i] != idx) {
            float v[TRAINLAB_PIX];
            dataset_image(&m->test, idx, v);
            fill_digit(L->px, v);
            render_image_update(r, L->gimg[i], L->px);
            L->gimg_index[i] = idx;
        }
        Rect rc = {grid.x + (i % cols) * (side + gap) + gap / 2,
                   grid.y + (i / cols) * (side + cap + gap) + theme_px(th, 2), side, side};
        char c[32];
        snprintf(c, sizeof c, "#%d", idx);
        draw_thumb(r, th, L->gimg[i], rc, c, th->text_dim,
                   wrong ? trainview_wrong_color(th) : trainview_right_color(th));
        if (!ctx->headless && rect_contains(rc, ui->in.mx, ui->in.my)) {
            snprintf(L->tip, sizeof L->tip, "test digit #%d: true %d, the net said %d", idx,
                     m->sel_true, m->sel_pred);
            ui_tooltip(ui, L->tip);
        }
    }
    if (n < m->gallery_total) {
        char t[96];
        snprintf(t, sizeof t, "%d of %d shown", n, m->gallery_total);
        render_text_line(r, FONT_SANS, theme_px(th, THEME_SMALL), theme_px(th, 9), t,
                         (Rect){body.x, body.y + body.h - more_h, body.w, more_h},
                         ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    }
}

/* The divergence, on screen: what happened (the trainer's message) and why. */
void trainview_draw_divergence(TrainLab *L, LabContext *ctx, Rect area)
{
    TrainModel *m = &L->m;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    render_round_rect(r, area, theme_px(th, 8), color_alpha(th->error, 28));
    render_round_rect_outline(r, area, theme_px(th, 8), theme_px(th, 2), th->error);
    Rect in = rect_inset(area, theme_px(th, 12));
    int hs = theme_px(th, THEME_HEADING);
    int hl = render_line_height(r, FONT_SANS_BOLD, hs);
    render_text_line(r, FONT_SANS_BOLD, hs, theme_px(th, 10),
                     "Training diverged \xE2\x80\x94 undone", (Rect){in.x, in.y, in.w, hl},
                     ALIGN_LEFT | ALIGN_TOP, th->error);
    int y = in.y + hl + theme_px(th, 6);
    int bs = theme_px(th, THEME_BODY);
    char why[1000];
    trainmodel_divergence_text(m, why, sizeof why);
    render_text_wrap(r, FONT_SANS, bs, why, (Rect){in.x, y, in.w, in.y + in.h - y}, th->text, true);
}
