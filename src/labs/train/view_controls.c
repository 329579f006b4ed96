/* labs/train/view_controls.c - the Train lab's control column: Play / Step / Reset, the
 * settings (learning rate, batch size, optimizer), the progress and the keys when they fit.
 * Depends on: view_int.h, labs/train/model.h, ui. */
#include "labs/train/view_int.h"

#include <math.h>
#include <stdio.h>

static const char *const optim_items[] = {"SGD + momentum 0.9", "Adam"};

static void labelled_row(Ui *ui, Rect row, const char *label, Rect *field)
{
    const Theme *th = ui->th;
    int lw = row.w * 42 / 100;
    render_text_line(ui->r, FONT_SANS, theme_px(th, THEME_BODY), theme_px(th, 10), label,
                     (Rect){row.x, row.y, lw - theme_px(th, 4), row.h}, ALIGN_LEFT | ALIGN_MIDDLE,
                     th->text);
    *field = (Rect){row.x + lw, row.y, row.w - lw, row.h};
}

/* Step and Reset in a row (play and pause are the transport bar's), then the note: the stop
 * at the set epochs, a new net from the Network lab or a refused one, wrapped. */
static void controls_buttons(TrainLab *L, LabContext *ctx, UiColumn *col)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    TrainModel *m = &L->m;
    ui_column_heading(ui, col, "Training");
    Rect row = ui_column_next(col, 1);
    if (row.w > 0) {
        int g = theme_px(th, 6);
        int bw = (row.w - g) / 2;
        Rect b1 = {row.x, row.y, bw, row.h};
        Rect b2 = {row.x + bw + g, row.y, row.w - bw - g, row.h};
        if (ui_button(ui, ui_id("train.step"), b1, "Step")) {
            trainview_pause(L);
            trainmodel_step(m);
        }
        if (ui_button(ui, ui_id("train.reset"), b2, "Reset")) {
            trainview_pause(L);
            L->pending = 0;
            L->stopped = false;
            trainmodel_reset(m);
            trainmodel_select_cell(m, -1, -1);
        }
    }
    bool warn = false;
    const char *note = trainview_note_text(L, &warn);
    if (note[0]) {
        Rect rest = {col->area.x, col->y, col->area.w, col->area.y + col->area.h - col->y};
        col->y += trainview_note(r, th, rest, note, warn ? th->error : th->accent) + col->gap;
    }
}

/* The learning rate and batch size (presets, or the value an option set) and the optimizer. */
static void controls_settings(TrainLab *L, LabContext *ctx, UiColumn *col)
{
    Ui *ui = ctx->ui;
    TrainModel *m = &L->m;
    const TrainerSnapshot *s = &m->snap;
    ui_column_heading(ui, col, "Settings");
    Rect f;
    Rect row = ui_column_next(col, 1);
    if (row.w > 0) {
        labelled_row(ui, row, "Learning rate \xCE\xB7", &f);
        int sel = trainmodel_lr_index(s->lr);
        if (ui_dropdown(ui, ui_id("train.lr"), f, L->lr_items,
                        sel == TRAINLAB_N_LR ? TRAINLAB_N_LR + 1 : TRAINLAB_N_LR, &sel) &&
            sel < TRAINLAB_N_LR)
            trainmodel_set_lr(m, trainmodel_lr_presets[sel]);
    }
    row = ui_column_next(col, 1);
    if (row.w > 0) {
        labelled_row(ui, row, "Batch size", &f);
        int sel = trainmodel_batch_index(s->batch);
        if (ui_dropdown(ui, ui_id("train.batch"), f, L->batch_items,
                        sel == TRAINLAB_N_BATCH ? TRAINLAB_N_BATCH + 1 : TRAINLAB_N_BATCH, &sel) &&
            sel < TRAINLAB_N_BATCH)
            trainmodel_set_batch(m, trainmodel_batch_presets[sel]);
    }
    row = ui_column_next(col, 1);
    if (row.w > 0) {
        int sel = s->optim == OPTIM_ADAM ? 1 : 0;
        if (ui_dropdown(ui, ui_id("train.optim"), row, optim_items, 2, &sel))
            trainmodel_set_optimizer(m, sel == 1 ? OPTIM_ADAM : OPTIM_SGD);
    }
}

/* Step, epoch, images seen, the pace or rate (or the jump under way) and the last test score. */
static void controls_progress(TrainLab *L, LabContext *ctx, UiColumn *col)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    TrainModel *m = &L->m;
    const TrainerSnapshot *s = &m->snap;
    ui_column_heading(ui, col, "Progress");
    char a[32], b[32];
    int size = theme_px(th, THEME_BODY);
    int lh = render_line_height(r, FONT_MONO, size);
    const char *lines[6];
    char l0[160], l1[160], l2[160], l3[160], l4[160];
    snprintf(l0, sizeof l0, "step    %s", trainmodel_thousands(s->step, a, sizeof a));
    snprintf(l1, sizeof l1, "epoch   %.2f / %d", (double)s->epoch_pos, L->plan_epochs);
    snprintf(l2, sizeof l2, "images  %s",
             trainmodel_thousands(trainmodel_images_seen(m), a, sizeof a));
    if (L->playing && !trainview_full_speed(&L->tl))
        snprintf(l3, sizeof l3, "paced: %s img/s",
                 trainmodel_thousands(
                     (long)llround(trainview_pace_rate(&L->tl, s->batch) * s->batch), b, sizeof b));
    else if (s->state == TRAINER_RUNNING && m->rate > 0.0)
        snprintf(l3, sizeof l3, "images/s %s",
                 trainmodel_thousands((long)llround(m->rate), b, sizeof b));
    else if (L->pending > 0)
        snprintf(l3, sizeof l3, "%s to step %ld", L->replaying ? "replaying" : "training",
                 s->step + L->pending);
    else
        snprintf(l3, sizeof l3, "images/s \xE2\x80\x94 (%s)",
                 s->state == TRAINER_RUNNING ? "starting" : "paused");
    if (m->n_test_pts > 0)
        snprintf(l4, sizeof l4, "test    %.1f %% of %d",
                 100.0 * (double)m->test_acc[m->n_test_pts - 1], s->n_test_pred);
    else
        snprintf(l4, sizeof l4, "test    at step %d", TRAINLAB_TEST_EVERY);
    /* when the column cannot hold all five (800x600 under a two-line note), the rate and then
     * the images seen give way: the test score stays */
    int room = lh > 0 ? (col->area.y + col->area.h - col->y) / lh : 0;
    int n = 0, rate_at = -1;
    lines[n++] = l0;
    lines[n++] = l1;
    if (room >= 4)
        lines[n++] = l2;
    if (room >= 5) {
        rate_at = n;
        lines[n++] = l3;
    }
    lines[n++] = l4;
    for (int i = 0; i < n; i++) {
        if (col->y + lh > col->area.y + col->area.h)
            break;
        render_text_line(r, FONT_MONO, size, theme_px(th, 9), lines[i],
                         (Rect){col->area.x, col->y, col->area.w, lh}, ALIGN_LEFT | ALIGN_TOP,
                         i == rate_at && L->playing ? th->accent : th->text);
        col->y += lh;
    }
    col->y += col->gap;
}

/* The keys, when they fit. */
static void controls_keys(LabContext *ctx, UiColumn *col)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    static const char *const keys[] = {"Space play/pause  \xE2\x86\x92 step",
                                       "[ ] slower / faster",
                                       "Home or R reset",
                                       "L / Shift+L learning rate",
                                       "B / Shift+B batch",
                                       "O optimizer",
                                       "click a confusion cell;",
                                       "C clears it"};
    int ks = theme_px(th, THEME_SMALL);
    int klh = render_line_height(r, FONT_MONO, ks);
    int n_keys = (int)(sizeof keys / sizeof keys[0]);
    if (col->y + col->row_h + n_keys * klh <= col->area.y + col->area.h) {
        ui_column_heading(ui, col, "Keys");
        for (int i = 0; i < n_keys; i++) {
            /* a rect a little taller than the line: descenders are not clipped */
            render_text_line(r, FONT_MONO, ks, theme_px(th, 9), keys[i],
                             (Rect){col->area.x, col->y, col->area.w, klh + theme_px(th, 3)},
                             ALIGN_LEFT | ALIGN_TOP, th->text_dim);
            col->y += klh;
        }
    }
}

void trainview_draw_controls(TrainLab *L, LabContext *ctx)
{
    UiColumn col = ui_column(ctx->controls, ctx->th);
    controls_buttons(L, ctx, &col);
    controls_settings(L, ctx, &col);
    controls_progress(L, ctx, &col);
    controls_keys(ctx, &col);
}
