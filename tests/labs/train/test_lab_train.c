/* test_lab_train.c - the Train lab: its model after N steps is a direct trainer run with the
 * same seed (the same losses, bit for bit, and the same weights); reset replays the same
 * numbers; the confusion matrix sums to the test subset and equals both a recount from the
 * per-image predictions and an independent evaluation of the snapshot's weights; a confusion
 * cell lists exactly the test digits with that (true, predicted); pause / step / play / reset
 * through the app's keys and timeline; a huge learning rate gives the divergence message in
 * the banner and on the stage; the headless frame shows both curve colours, the diverging
 * kernel legend and the headings; a click on a confusion cell selects it; frame times while
 * the worker trains; the settings' presets, the plots' x axis and the lab's texts. */
#include "app/app.h"
#include "labs/train/view.h"
#include "labs/train/model.h"
#include "app/lesson_host.h"
#include "engine/net.h"
#include "engine/trainer.h"
#include "test.h"
#include "labs/app_harness.h"
#include "viz/colormap.h"
#include "viz/plot.h"

#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- the model against the engine --------------------------------------------------------- */

static void test_model_matches_trainer(void)
{
    TrainModel *m = calloc(1, sizeof *m);
    char err[600] = "";
    TrainConfig cfg = trainmodel_default_config();
    CHECK(trainmodel_init(m, &cfg, err, sizeof err));
    if (err[0])
        fprintf(stderr, "%s\n", err);
    CHECK_INT_EQ(8000, m->train.n);
    CHECK_INT_EQ(2000, m->test.n);
    CHECK_INT_EQ(0, (int)m->snap.step);
    CHECK_INT_EQ(30, trainmodel_run_steps(m, 30));
    CHECK_INT_EQ(30, (int)m->snap.step);
    CHECK_INT_EQ(30, m->snap.n_train);
    CHECK_INT_EQ(480, (int)trainmodel_images_seen(m));

    /* the same seed and settings, stepped directly */
    Trainer *tr =
        trainer_create(m->net_text, m->net_file, &m->train, &m->test, &cfg, err, sizeof err);
    CHECK(tr != NULL);
    int same = 0;
    for (int i = 0; i < 30 && tr; i++) {
        CHECK(trainer_step_now(tr));
        same += trainer_last_loss(tr) == m->snap.train_hist[i].loss;
    }
    CHECK_INT_EQ(30, same);
    if (tr) {
        const Net *net = trainer_net(tr);
        CHECK_INT_EQ((int)net->n_params, (int)m->snap.n_params);
        CHECK_TENSOR_NEAR(net->params, m->snap.params, (int)net->n_params, 0.0, 0.0);
        /* lenet-tiny: 208 + 3216 + 4010 parameters */
        CHECK_INT_EQ(7434, (int)net->n_params);
    }
    /* the kernels shown are the first layer's weights (8, 1, 5, 5) */
    CHECK_INT_EQ(8, m->n_kernels);
    CHECK_TENSOR_NEAR(m->snap.params, m->kernels, 200, 0.0, 0.0);
    /* the stream holds the last 6 steps' first 4 digits, newest last */
    CHECK_INT_EQ(TRAINLAB_STREAM, m->n_stream);
    const TrainStreamItem *last = trainmodel_stream_item(m, TRAINLAB_STREAM - 1);
    CHECK_INT_EQ(30, (int)last->step);
    CHECK_INT_EQ(m->snap.labels[3], last->label);
    CHECK_INT_EQ(m->snap.predicted[3], last->predicted);
    CHECK_INT_EQ(25, (int)trainmodel_stream_item(m, 0)->step);

    /* reset replays the same numbers */
    float first[30];
    for (int i = 0; i < 30; i++)
        first[i] = m->snap.train_hist[i].loss;
    trainmodel_reset(m);
    CHECK_INT_EQ(0, (int)m->snap.step);
    CHECK_INT_EQ(0, m->snap.n_train);
    CHECK_INT_EQ(0, m->n_stream);
    trainmodel_run_steps(m, 30);
    float again[30];
    for (int i = 0; i < 30; i++)
        again[i] = m->snap.train_hist[i].loss;
    CHECK_TENSOR_NEAR(first, again, 30, 0.0, 0.0);
    /* the first loss is about ln 10 = 2.30 (ten classes, random weights); 30 steps of Adam
     * bring the binned loss down */
    CHECK(first[0] > 1.5f && first[0] < 4.0f);
    CHECK(m->bin_loss[m->n_bins - 1] < first[0]);

    /* a worker step equals a step in this thread */
    trainmodel_reset(m);
    for (int i = 0; i < 3; i++)
        trainmodel_step(m);
    CHECK_INT_EQ(3, (int)m->snap.step);
    float worker[3];
    for (int i = 0; i < 3; i++)
        worker[i] = m->snap.train_hist[i].loss;
    CHECK_TENSOR_NEAR(first, worker, 3, 0.0, 0.0);
    trainer_destroy(tr);
    trainmodel_free(m);
    free(m);
}

static void test_confusion_and_cells(void)
{
    TrainModel *m = calloc(1, sizeof *m);
    char err[600] = "";
    TrainConfig cfg = trainmodel_default_config();
    CHECK(trainmodel_init(m, &cfg, err, sizeof err));
    /* no evaluation before step 50 */
    trainmodel_run_steps(m, 49);
    CHECK_INT_EQ(0, m->n_test_pts);
    CHECK_INT_EQ(0, (int)trainmodel_confusion_total(m));
    trainmodel_run_steps(m, 1);
    CHECK_INT_EQ(1, m->n_test_pts);
    CHECK_INT_EQ(TRAINLAB_TEST_SUBSET, m->snap.n_test_pred);
    CHECK_INT_EQ(TRAINLAB_TEST_SUBSET, (int)trainmodel_confusion_total(m));
    /* a recount from the per-image predictions */
    long cm[100] = {0};
    int right = 0;
    for (int i = 0; i < m->snap.n_test_pred; i++) {
        cm[m->test.labels[i] * 10 + m->snap.test_pred[i]]++;
        right += m->test.labels[i] == m->snap.test_pred[i];
    }
    int same = 0;
    for (int i = 0; i < 100; i++)
        same += cm[i] == m->snap.confusion[i];
    CHECK_INT_EQ(100, same);
    CHECK_NEAR((float)right / 500.0f, m->test_acc[0], 1e-6);
    /* and an evaluation of the snapshot's weights by a net of our own */
    Net *net = net_create(m->net_text, m->net_file, 1, err, sizeof err);
    CHECK(net != NULL);
    if (net) {
        memcpy(net->params, m->snap.params, sizeof(float) * (size_t)net->n_params);
        long cm2[100];
        float acc = trainer_evaluate(net, &m->test, TRAINLAB_TEST_SUBSET, cm2);
        CHECK_NEAR(m->test_acc[0], acc, 1e-6);
        same = 0;
        for (int i = 0; i < 100; i++)
            same += cm2[i] == m->snap.confusion[i];
        CHECK_INT_EQ(100, same);
        net_destroy(net);
    }
    /* the off-diagonal cell with the most mistakes lists exactly its digits */
    int bt = -1, bp = -1;
    long best = 0;
    for (int t = 0; t < 10; t++)
        for (int p = 0; p < 10; p++)
            if (t != p && m->snap.confusion[t * 10 + p] > best) {
                best = m->snap.confusion[t * 10 + p];
                bt = t;
                bp = p;
            }
    CHECK(best > 0);
    trainmodel_select_cell(m, bt, bp);
    CHECK_INT_EQ((int)best, m->gallery_total);
    CHECK_INT_EQ((int)best, m->n_gallery);
    int k = 0, match = 0;
    for (int i = 0; i < m->snap.n_test_pred; i++)
        if (m->test.labels[i] == bt && m->snap.test_pred[i] == bp)
            match += k < m->n_gallery && m->gallery[k++] == i;
    CHECK_INT_EQ((int)best, match);
    /* a diagonal cell lists the right ones, capped at TRAINLAB_GALLERY */
    trainmodel_select_cell(m, 1, 1);
    CHECK_INT_EQ((int)m->snap.confusion[11], m->gallery_total);
    CHECK(m->n_gallery ==
          (m->gallery_total < TRAINLAB_GALLERY ? m->gallery_total : TRAINLAB_GALLERY));
    trainmodel_select_cell(m, -1, -1);
    CHECK_INT_EQ(0, m->n_gallery);
    CHECK_INT_EQ(-1, m->sel_true);
    trainmodel_free(m);
    free(m);
}

static void test_divergence_model(void)
{
    TrainModel *m = calloc(1, sizeof *m);
    char err[600] = "";
    TrainConfig cfg = trainmodel_default_config();
    CHECK(trainmodel_init(m, &cfg, err, sizeof err));
    trainmodel_set_lr(m, 5.0f);
    int done = trainmodel_run_steps(m, 20);
    CHECK(done < 20);
    CHECK_CONTAINS(m->message, "diverged");
    CHECK_CONTAINS(m->message, "learning rate 5");
    const char *msg = trainmodel_take_message(m);
    CHECK(msg != NULL);
    CHECK(trainmodel_take_message(m) == NULL);
    /* the weights are the last sane ones: all finite */
    int finite = 0;
    for (long i = 0; i < m->snap.n_params; i++)
        finite += isfinite(m->snap.params[i]) != 0;
    CHECK_INT_EQ((int)m->snap.n_params, finite);
    trainmodel_free(m);
    free(m);
}

/* ---- the lab in the app frame -------------------------------------------------------------- */

#define R_OF(p) ((int)((p) >> 16 & 0xff))
#define G_OF(p) ((int)((p) >> 8 & 0xff))
#define B_OF(p) ((int)((p)&0xff))

/* A pixel row in rc running from blue (left) through near-white to orange (right), at least
 * min_len long: the diverging legend. */
static bool find_diverging_ramp(const Harness *h, Rect rc, int min_len)
{
    for (int y = rc.y; y < rc.y + rc.h; y++) {
        int start = -1;
        for (int x = rc.x; x <= rc.x + rc.w; x++) {
            bool ok = false;
            if (x < rc.x + rc.w) {
                uint32_t p = harness_pixel(h, x, y);
                ok = R_OF(p) > 50 && B_OF(p) > 40;
            }
            if (ok && start < 0)
                start = x;
            if (!ok && start >= 0) {
                int len = x - start;
                uint32_t a = harness_pixel(h, start, y), b = harness_pixel(h, x - 1, y);
                uint32_t mid = harness_pixel(h, start + len / 2, y);
                if (len >= min_len && B_OF(a) > R_OF(a) + 60 && R_OF(b) > B_OF(b) + 60 &&
                    R_OF(mid) > 215 && G_OF(mid) > 215 && B_OF(mid) > 215)
                    return true;
                start = -1;
            }
        }
    }
    return false;
}

static TrainModel *open_train(Harness *h, const LabDef **lab)
{
    int idx = -1;
    *lab = lab_find("train", &idx);
    CHECK(*lab != NULL && lab_is_built(*lab));
    CHECK_INT_EQ(4, idx);
    CHECK(app_open_lab(h->app, idx));
    /* lab_train.c keeps its TrainModel first in its state */
    return app_lab_state(h->app);
}

/* The settings' presets and the L / B keys' next preset, the plots' x axis and the texts the
 * lab writes, on a model filled by hand (no trainer needed). */
static void test_presets_and_texts(void)
{
    CHECK_INT_EQ(3, trainmodel_lr_index(0.003f));
    CHECK_INT_EQ(TRAINLAB_N_LR, trainmodel_lr_index(0.002f));
    CHECK_NEAR(0.01f, trainmodel_lr_next(0.003f, 1), 0.0);
    CHECK_NEAR(0.001f, trainmodel_lr_next(0.003f, -1), 0.0);
    CHECK_NEAR(0.0001f, trainmodel_lr_next(0.0001f, -1), 0.0);
    CHECK_NEAR(5.0f, trainmodel_lr_next(5.0f, 1), 0.0);
    /* another value: the nearest preset on that side (the lab's default 0.005 is one; it used
     * to go from the first preset not below it, which skipped 0.01 going up) */
    CHECK_NEAR(0.003f, trainmodel_lr_next(0.002f, 1), 0.0);
    CHECK_NEAR(0.001f, trainmodel_lr_next(0.002f, -1), 0.0);
    CHECK_NEAR(0.01f, trainmodel_lr_next(0.005f, 1), 0.0);
    CHECK_NEAR(0.003f, trainmodel_lr_next(0.005f, -1), 0.0);
    CHECK_NEAR(5.0f, trainmodel_lr_next(50.0f, -1), 0.0);
    CHECK_NEAR(5.0f, trainmodel_lr_next(50.0f, 1), 0.0);
    CHECK_NEAR(0.0001f, trainmodel_lr_next(0.00001f, -1), 0.0);
    CHECK_INT_EQ(4, trainmodel_batch_index(16));
    CHECK_INT_EQ(32, trainmodel_batch_next(16, 1));
    CHECK_INT_EQ(256, trainmodel_batch_next(256, 1));
    CHECK_INT_EQ(1, trainmodel_batch_next(1, -1));
    CHECK_INT_EQ(16, trainmodel_batch_next(20, -1));
    CHECK_INT_EQ(32, trainmodel_batch_next(20, 1));

    char t[1000];
    CHECK_STR_EQ("1,234,567", trainmodel_thousands(1234567, t, sizeof t));
    CHECK_STR_EQ("-1,234", trainmodel_thousands(-1234, t, sizeof t));
    CHECK_STR_EQ("999", trainmodel_thousands(999, t, sizeof t));
    CHECK_STR_EQ("0", trainmodel_thousands(0, t, sizeof t));

    TrainModel *m = calloc(1, sizeof *m);
    if (!m) {
        CHECK(false);
        return;
    }
    /* 8000 images at batch 16: 500 steps an epoch; under one epoch the x axis counts steps */
    m->train.n = 8000;
    m->snap.batch = 16;
    m->snap.epoch_pos = 0.2f;
    bool steps = false;
    float k = 0.0f;
    CHECK_NEAR(105.0f, trainmodel_plot_x(m, &steps, &k), 1e-3);
    CHECK(steps);
    CHECK_NEAR(500.0f, k, 0.0);
    m->snap.epoch_pos = 0.0f;
    CHECK_NEAR(10.0f, trainmodel_plot_x(m, &steps, &k), 0.0);
    m->snap.epoch_pos = 2.0f;
    CHECK_NEAR(2.1f, trainmodel_plot_x(m, &steps, &k), 1e-6);
    CHECK(!steps);
    CHECK_NEAR(1.0f, k, 0.0);

    m->snap.optim = OPTIM_SGD;
    m->snap.lr = 0.1f;
    CHECK_STR_EQ("SGD: w \xE2\x86\x90 w \xE2\x88\x92 \xCE\xB7\xC2\xB7v,  \xCE\xB7 = 0.1",
                 trainmodel_rule_text(m, false, t, sizeof t));
    CHECK_CONTAINS(trainmodel_rule_text(m, true, t, sizeof t), "v \xE2\x86\x90 0.9\xC2\xB7v");
    m->snap.optim = OPTIM_ADAM;
    m->snap.lr = 0.003f;
    CHECK_CONTAINS(trainmodel_rule_text(m, true, t, sizeof t), "running means of g");
    CHECK_CONTAINS(trainmodel_rule_text(m, false, t, sizeof t), "\xCE\xB7 = 0.003");
    m->cfg.seed = 7;
    CHECK_STR_EQ("step 0: the weights from seed 7, not trained yet",
                 trainmodel_step_text(m, t, sizeof t));
    TrainPoint hist[2] = {{1, 0.002f, 2.5f, 0.25f}, {2, 0.004f, 1.23456f, 0.75f}};
    m->snap.train_hist = hist;
    m->snap.n_train = 2;
    m->snap.step = 2;
    m->snap.n = 16;
    CHECK_STR_EQ("step 2: loss 1.2346 on a batch of 16, 12 of 16 right",
                 trainmodel_step_text(m, t, sizeof t));
    snprintf(m->message, sizeof m->message, "loss is NaN at step 2");
    trainmodel_divergence_text(m, t, sizeof t);
    CHECK_CONTAINS(t, "loss is NaN at step 2.\n\nWhy: Adam");
    CHECK_CONTAINS(t, "(0.001 to 0.003 for Adam)");
    m->snap.optim = OPTIM_SGD;
    trainmodel_divergence_text(m, t, sizeof t);
    CHECK_CONTAINS(t, "Why: SGD moves every weight by");
    free(m);
}

static void test_frame_pixels(void)
{
    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    const LabDef *lab = NULL;
    TrainModel *m = open_train(&h, &lab);
    if (!m) {
        harness_close(&h);
        return;
    }
    char err[256] = "";
    void *st = app_lab_state(h.app);
    CHECK(lab->set_option(st, "steps", "300", err, sizeof err));
    CHECK(lab->set_option(st, "cell", "4,9", err, sizeof err));
    CHECK(!lab->set_option(st, "cell", "4;9", err, sizeof err));
    CHECK_CONTAINS(err, "cell=4;9");
    CHECK(!lab->set_option(st, "optimizer", "rmsprop", err, sizeof err));
    CHECK_CONTAINS(err, "sgd or adam");
    CHECK(!lab->set_option(st, "wobble", "1", err, sizeof err));
    CHECK_CONTAINS(err, "unknown option 'wobble'");
    /* a setting trains before the frame: 2049 steps of 16 (32,784 images) and 20 epochs are
     * refused with the limit, nothing trained */
    CHECK(!lab->set_option(st, "steps", "2049", err, sizeof err));
    CHECK_CONTAINS(err, "32784 images; a setting trains at most 32768");
    CHECK_CONTAINS(err, "press Play");
    CHECK(!lab->set_option(st, "epochs", "20", err, sizeof err));
    CHECK_CONTAINS(err, "epochs=20");
    CHECK_INT_EQ(300, (int)m->snap.step);
    CHECK_INT_EQ(6, m->n_test_pts);
    CHECK_INT_EQ(4, m->sel_true);
    harness_frame(&h, true, 0.0);
    harness_frame(&h, true, 1.0);
    /* the timeline counts training steps */
    Timeline *tl = lab->timeline(st);
    CHECK_INT_EQ(300, tl->pos);
    CHECK_INT_EQ(1500, tl->count); /* 3 epochs of 500 steps */
    AppLayout L = h.app->lay;
    /* the train curve (both plots) and the test points in their colours */
    int train_px = harness_count_color(&h, L.stage, 0x6fa8ff);
    int test_px = harness_count_color(&h, L.stage, 0xf08a4b);
    CHECK(train_px > 400);
    CHECK(test_px > 60);
    /* the diverging legend of the kernels, and the red outline of at least one mistake */
    CHECK(find_diverging_ramp(&h, L.stage, 100));
    CHECK(harness_count_color(&h, L.stage, 0xff5d5d) > 20);
    /* the selected cell in amber */
    CHECK(m->conf_cell > 0);
    CHECK(harness_count_color(&h, L.stage, 0xffb000) > 4 * m->conf_cell);
    /* headings in the text colour above each of the six panels: the stage's top line and the
     * line above the bottom row have text pixels */
    int text_top = 0;
    for (int y = L.stage.y; y < L.stage.y + 24; y++)
        for (int x = L.stage.x; x < L.stage.x + L.stage.w; x++)
            text_top += harness_pixel(&h, x, y) == 0xe8eaf0;
    CHECK(text_top > 200);
    /* the same options give the same picture: a second lab, same frame, same pixels */
    size_t bytes = (size_t)h.s->pitch * (size_t)h.s->h;
    uint32_t *copy = malloc(bytes);
    memcpy(copy, h.s->pixels, bytes);
    Harness h2;
    CHECK(harness_open(&h2, 1280, 800));
    const LabDef *lab2 = NULL;
    TrainModel *m2 = open_train(&h2, &lab2);
    if (m2) {
        void *st2 = app_lab_state(h2.app);
        CHECK(lab2->set_option(st2, "steps", "300", err, sizeof err));
        CHECK(lab2->set_option(st2, "cell", "4,9", err, sizeof err));
        harness_frame(&h2, true, 0.0);
        harness_frame(&h2, true, 1.0);
        CHECK(memcmp(copy, h2.s->pixels, bytes) == 0);
    }
    free(copy);
    harness_close(&h2);

    /* a click on a confusion cell selects it */
    int t = 7, p = 2;
    h.in.mx = m->conf_x + p * m->conf_cell + m->conf_cell / 2;
    h.in.my = m->conf_y + t * m->conf_cell + m->conf_cell / 2;
    h.in.mouse_pressed = h.in.mouse_down = true;
    harness_frame(&h, false, 0.0);
    h.in.mouse_pressed = h.in.mouse_down = false;
    h.in.mouse_released = true;
    harness_frame(&h, false, 0.0);
    h.in.mouse_released = false;
    CHECK_INT_EQ(7, m->sel_true);
    CHECK_INT_EQ(2, m->sel_pred);
    CHECK_INT_EQ((int)m->snap.confusion[72], m->gallery_total);
    CHECK_CONTAINS(h.app->ui.tooltip, "true 7, predicted 2");
    /* R resets: the emptied matrix keeps no amber box on the cell that was selected */
    h.in.mouse_released = false;
    h.in.mx = h.in.my = -1;
    CHECK(app_key(h.app, SDLK_r, false, false));
    harness_frame(&h, true, 0.0);
    harness_frame(&h, true, 1.0);
    CHECK_INT_EQ(-1, m->sel_true);
    CHECK_INT_EQ(0, m->gallery_total);
    CHECK_INT_EQ(
        0, harness_count_color(
               &h, (Rect){m->conf_x, m->conf_y, 10 * m->conf_cell, 10 * m->conf_cell}, 0xffb000));
    harness_close(&h);
}

static void test_keys_and_timeline(void)
{
    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    const LabDef *lab = NULL;
    TrainModel *m = open_train(&h, &lab);
    if (!m) {
        harness_close(&h);
        return;
    }
    harness_frame(&h, false, 0.0);
    CHECK_INT_EQ(0, (int)m->snap.step);
    /* → : exactly one step */
    CHECK(app_key(h.app, SDLK_RIGHT, false, false));
    harness_frame(&h, false, 0.016);
    CHECK_INT_EQ(1, (int)m->snap.step);
    CHECK(app_key(h.app, SDLK_RIGHT, false, false));
    harness_frame(&h, false, 0.016);
    CHECK_INT_EQ(2, (int)m->snap.step);
    CHECK(m->snap.state == TRAINER_PAUSED);
    /* Space at 16x: the worker trains while the frames go on */
    Timeline *tl = lab->timeline(app_lab_state(h.app));
    CHECK_INT_EQ(TIMELINE_SPEED_1X, tl->speed); /* a narratable pace by default */
    tl->speed = TIMELINE_SPEED_INSTANT - 1;
    CHECK(app_key(h.app, SDLK_SPACE, false, false));
    harness_frame(&h, false, 0.016);
    CHECK(m->snap.state == TRAINER_RUNNING);
    long before = m->snap.step;
    for (int i = 0; i < 40 && m->snap.step < before + 5; i++) {
        sleep_ms(10);
        harness_frame(&h, false, 0.016);
    }
    CHECK(m->snap.step >= before + 5);
    /* Space again: paused, and nothing moves any more */
    CHECK(app_key(h.app, SDLK_SPACE, false, false));
    harness_frame(&h, false, 0.016);
    CHECK(m->snap.state == TRAINER_PAUSED);
    long paused_at = m->snap.step;
    sleep_ms(30);
    harness_frame(&h, false, 0.016);
    CHECK_INT_EQ((int)paused_at, (int)m->snap.step);
    CHECK_INT_EQ((int)paused_at, lab->timeline(app_lab_state(h.app))->pos);
    /* Home: reset to step 0 */
    CHECK(app_key(h.app, SDLK_HOME, false, false));
    harness_frame(&h, false, 0.016);
    CHECK_INT_EQ(0, (int)m->snap.step);
    CHECK_INT_EQ(0, m->snap.n_train);
    /* paced play at 0.25x: 8000/30/16/4 = 4.17 steps a second of frames, in the window's
     * thread: 12.1 s of frames take 50 steps (50.4 owed) */
    tl->speed = 0;
    CHECK(app_key(h.app, SDLK_SPACE, false, false));
    for (int i = 0; i < 121; i++)
        harness_frame(&h, false, 0.1);
    CHECK_INT_EQ(50, (int)m->snap.step);
    CHECK(m->snap.state == TRAINER_PAUSED); /* the worker only takes the paced steps */
    CHECK(tl->playing);
    CHECK(app_key(h.app, SDLK_SPACE, false, false));
    harness_frame(&h, false, 0.5);
    CHECK_INT_EQ(50, (int)m->snap.step);
    /* "instant": the worker runs free, though the app's timeline jumps to its end */
    tl->speed = TIMELINE_SPEED_INSTANT;
    CHECK(app_key(h.app, SDLK_SPACE, false, false));
    harness_frame(&h, false, 0.016);
    CHECK(m->snap.state == TRAINER_RUNNING);
    CHECK(tl->playing);
    CHECK(tl->pos < tl->count);
    CHECK(app_key(h.app, SDLK_SPACE, false, false));
    harness_frame(&h, false, 0.016);
    CHECK(m->snap.state == TRAINER_PAUSED);
    /* R resets too; L raises the learning rate one preset, O switches the optimizer */
    CHECK(app_key(h.app, SDLK_l, false, false));
    CHECK_NEAR(0.01f, m->snap.lr, 0.0);
    CHECK(app_key(h.app, SDLK_o, false, false));
    CHECK(m->snap.optim == OPTIM_SGD);
    CHECK(app_key(h.app, SDLK_b, false, false));
    CHECK_INT_EQ(32, m->snap.batch);
    harness_close(&h);
}

static void test_divergence_banner(void)
{
    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    const LabDef *lab = NULL;
    TrainModel *m = open_train(&h, &lab);
    if (!m) {
        harness_close(&h);
        return;
    }
    char err[256] = "";
    void *st = app_lab_state(h.app);
    CHECK(lab->set_option(st, "lr", "5", err, sizeof err));
    CHECK(lab->set_option(st, "steps", "10", err, sizeof err));
    harness_frame(&h, true, 0.0);
    CHECK_CONTAINS(h.app->banner, "Train: ");
    CHECK_CONTAINS(h.app->banner, "diverged");
    CHECK_CONTAINS(h.app->banner, "smaller learning rate");
    /* on the stage: the red-outlined explanation */
    harness_frame(&h, true, 0.0);
    CHECK(harness_count_color(&h, h.app->lay.stage, 0xff5d5d) > 1000);
    /* Play clears it: the trainer starts again (and diverges again at lr 5) */
    harness_close(&h);
}

/* Lesson 13 beside its sidebar at 1280x800: the confusion cells (about 19 px) show their
 * counts, and a run of 200 steps (0.4 epoch) has its plots' x axis in steps, where ticks 0
 * and 200 fit (an epoch axis over 0..0.42 had only "0.0"); one epoch back in epochs. */
static void test_lesson_sidebar(void)
{
    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    const LabDef *lab = NULL;
    TrainModel *m = open_train(&h, &lab);
    if (!m) {
        harness_close(&h);
        return;
    }
    char err[1024] = "";
    CHECK(lesson_host_open(h.app, CONVSCOPE_SOURCE_ROOT "/lessons/13-training.lesson", 4, err,
                           sizeof err));
    harness_frame(&h, true, 0.0);
    harness_frame(&h, true, 1.0);
    /* a lesson step starts the lab afresh: its state (the TrainModel first) is a new one */
    void *st = app_lab_state(h.app);
    m = st;
    CHECK_INT_EQ(200, (int)m->snap.step);
    CHECK(m->n_test_pts > 0);
    CHECK(m->conf_cell >= 18);
    /* every diagonal cell has ink of another colour than its own: its count */
    long maxc = 1;
    for (int i = 0; i < 100; i++)
        maxc = m->snap.confusion[i] > maxc ? m->snap.confusion[i] : maxc;
    ColorScale sc = colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, (float)maxc);
    int cells_with_text = 0;
    for (int t = 0; t < 10; t++) {
        Color bg = colorscale_color(&sc, (float)m->snap.confusion[t * 11]);
        uint32_t want = (uint32_t)bg.r << 16 | (uint32_t)bg.g << 8 | bg.b;
        int ink = 0, c = m->conf_cell;
        for (int y = m->conf_y + t * c + 3; y < m->conf_y + (t + 1) * c - 3; y++)
            for (int x = m->conf_x + t * c + 3; x < m->conf_x + (t + 1) * c - 3; x++)
                ink += harness_pixel(&h, x, y) != want;
        cells_with_text += ink > 8;
    }
    CHECK_INT_EQ(10, cells_with_text);
    /* the plots' x axis: steps, 0 to a little past 200, with at least two ticks */
    float x_hi = 0.0f;
    CHECK(lab_train_x_in_steps(st, &x_hi));
    CHECK_NEAR(210.0f, x_hi, 1.0f);
    CHECK(plot_ticks_linear(0.0f, x_hi, 2).n >= 2);
    CHECK_INT_EQ(1, plot_ticks_linear(0.0f, 0.42f, 2).n); /* what the epoch axis had */
    /* step 3: 500 steps are one epoch, and the axis is in epochs again */
    CHECK(lesson_host_open(h.app, CONVSCOPE_SOURCE_ROOT "/lessons/13-training.lesson", 3, err,
                           sizeof err));
    harness_frame(&h, true, 0.0);
    harness_frame(&h, true, 1.0);
    st = app_lab_state(h.app);
    m = st;
    CHECK_INT_EQ(500, (int)m->snap.step);
    CHECK(!lab_train_x_in_steps(st, &x_hi));
    CHECK_NEAR(1.05f, x_hi, 1e-3f);
    lesson_host_close(h.app);
    harness_close(&h);
}

/* Frame times while the worker trains (1280x800, software renderer): printed, and well
 * under a 60 Hz frame's 16.7 ms in a release build. */
static void test_frame_time_training(void)
{
    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    const LabDef *lab = NULL;
    TrainModel *m = open_train(&h, &lab);
    if (!m) {
        harness_close(&h);
        return;
    }
    AppLayout L = app_layout(1280, 800, 1.0f, 1.0f, true);
    h.in.mx = L.stage.x + L.stage.w / 2;
    h.in.my = L.stage.y + L.stage.h / 2;
    harness_frame(&h, false, 0.0);
    CHECK(app_key(h.app, SDLK_SPACE, false, false));
    enum { N = 120 };
    double ms[N];
    double freq = (double)SDL_GetPerformanceFrequency();
    for (int i = 0; i < N; i++) {
        Uint64 t0 = SDL_GetPerformanceCounter();
        harness_frame(&h, false, 1.0 / 60.0);
        ms[i] = (double)(SDL_GetPerformanceCounter() - t0) * 1000.0 / freq;
        sleep_ms(4);
    }
    long steps = m->snap.step;
    CHECK(app_key(h.app, SDLK_SPACE, false, false));
    harness_frame(&h, false, 0.0);
    for (int i = 1; i < N; i++)
        for (int j = i; j > 0 && ms[j - 1] > ms[j]; j--) {
            double t = ms[j];
            ms[j] = ms[j - 1];
            ms[j - 1] = t;
        }
    printf("frames while training at 1280x800: median %.2f ms, p99 %.2f ms, max %.2f ms "
           "(%ld steps trained meanwhile)\n",
           0.5 * (ms[N / 2 - 1] + ms[N / 2]), ms[(int)ceil(0.99 * N) - 1], ms[N - 1], steps);
    CHECK(steps > 20);
    harness_close(&h);
}

int main(void)
{
    if (SDL_Init(0) != 0)
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
    test_model_matches_trainer();
    test_confusion_and_cells();
    test_divergence_model();
    test_presets_and_texts();
    test_frame_pixels();
    test_keys_and_timeline();
    test_divergence_banner();
    test_lesson_sidebar();
    test_frame_time_training();
    SDL_Quit();
    return test_summary();
}
