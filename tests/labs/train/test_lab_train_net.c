/* test_lab_train_net.c - the Train lab and the shared net (labs/common/netshare.h), its pace
 * and its stop: a new net from the share resets the training and says so; a net the digits
 * cannot train (another input or class count) is refused with the message and the last good net
 * kept; the trained weights are published on Step, at a pause and at the stop; the kernel panel
 * shows a 3x3 first conv's kernels (equal to the weights) and a net without conv's first dense
 * layer; the default pace makes an epoch of the 8,000 digits take 20-60 s; playing stops at 3
 * epochs with the note and a timeline that did not grow; the accuracy plot's legend has train and
 * test; no note is cut at 800x600. The model alone: a batchnorm net trains in training mode and
 * is evaluated in evaluation mode; lenet-tiny and a learner's 3-conv batchnorm net at the lab's
 * settings pass 97 % in 3 epochs. At 16x the free worker stops exactly at 3 epochs; images/s
 * counts time the lab was not refreshed; the batchnorm running statistics are published. */
#include "app/app.h"
#include "engine/net.h"
#include "engine/trainer.h"
#include "labs/common/netshare.h"
#include "labs/train/model.h"
#include "labs/train/view.h"
#include "test.h"
#include "labs/app_harness.h"
#include "labs/text_seen.h"

#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const net_k3 = "input 1 28 28\n"
                                  "conv 6 k=3\n"
                                  "relu\n"
                                  "maxpool k=2\n"
                                  "flatten\n"
                                  "dense 10\n"
                                  "softmax\n";
static const char *const net_5classes = "input 1 28 28\n"
                                        "flatten\n"
                                        "dense 5\n"
                                        "softmax\n";

static TrainModel *open_train(Harness *h, const LabDef **lab)
{
    int idx = -1;
    *lab = lab_find("train", &idx);
    CHECK(*lab != NULL && lab_is_built(*lab));
    CHECK(app_open_lab(h->app, idx));
    return app_lab_state(h->app); /* the TrainModel is the state's first member */
}

/* With TRAIN_SHOTS=DIR set: the frame as DIR/NAME-WxH.bmp, to look at. */
static void shot(const Harness *h, const char *name)
{
    const char *dir = getenv("TRAIN_SHOTS");
    if (!dir)
        return;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s-%dx%d.bmp", dir, name, h->s->w, h->s->h);
    SDL_SaveBMP(h->s, path);
}

/* Reads an asset net into a buffer of NET_MAX_TEXT + 1. */
static bool read_net(const char *name, char *buf)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/assets/nets/%s", CONVSCOPE_SOURCE_ROOT, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(buf, 1, NET_MAX_TEXT, f);
    buf[n] = '\0';
    fclose(f);
    return n > 0;
}

/* A new shared net resets the training and says so; weights are published on Step; the 3x3
 * kernels are the first conv's weights; a 5-class net is refused and the 3x3 net kept; a net
 * without conv shows its first dense layer. */
static void test_share(int w, int ht)
{
    netshare_reset();
    Harness h;
    CHECK(harness_open(&h, w, ht));
    const LabDef *lab = NULL;
    TrainModel *m = open_train(&h, &lab);
    if (!m) {
        harness_close(&h);
        return;
    }
    void *st = app_lab_state(h.app);
    harness_frame(&h, false, 0.0);
    CHECK_INT_EQ(5, m->kh); /* lenet-tiny */
    CHECK_STR_EQ("", lab_train_note(st));
    CHECK(app_key(h.app, SDLK_RIGHT, false, false));
    harness_frame(&h, false, 0.016);
    CHECK(app_key(h.app, SDLK_RIGHT, false, false));
    harness_frame(&h, false, 0.016);
    CHECK_INT_EQ(2, (int)m->snap.step);
    /* Step published lenet-tiny's weights at step 2 */
    const NetShare *sh = netshare_get();
    CHECK(sh->weights_gen >= 1);
    CHECK_INT_EQ((int)m->snap.n_params, (int)sh->n_weights);
    CHECK(sh->weights &&
          memcmp(sh->weights, m->snap.params, sizeof(float) * (size_t)m->snap.n_params) == 0);
    CHECK_CONTAINS(sh->weights_from, "Train lab, epoch 0.00");

    /* the Network lab publishes another net: reset, said in the note */
    char err[600] = "";
    CHECK(netshare_set_net(net_k3, "my-net.net", "my-net", err, sizeof err));
    harness_frame(&h, true, 0.016);
    CHECK_INT_EQ(0, (int)m->snap.step);
    CHECK_INT_EQ(0, m->snap.n_train);
    CHECK_STR_EQ(net_k3, m->net_text);
    shot(&h, "k3");
    CHECK_STR_EQ("New net from the Network lab (my-net): training reset", lab_train_note(st));
    CHECK_INT_EQ(0, lab_train_notes_cut(st));
    /* its kernels: 6 of 3x3, equal to the first conv's weights */
    CHECK_INT_EQ(3, m->kh);
    CHECK_INT_EQ(3, m->kw);
    CHECK_INT_EQ(6, m->n_kernels);
    CHECK(!m->conv_dense);
    const Layer *l = &trainer_net(m->tr)->spec.layers[m->conv_layer];
    CHECK_INT_EQ(LAYER_CONV, l->kind);
    int same = 0;
    for (int i = 0; i < 6 * 9; i++)
        same += m->kernels[i] == m->snap.params[l->w_off + i];
    CHECK_INT_EQ(54, same);
    unsigned wg = sh->weights_gen;
    CHECK(app_key(h.app, SDLK_RIGHT, false, false));
    harness_frame(&h, false, 0.016);
    CHECK_INT_EQ(1, (int)m->snap.step);
    CHECK_INT_EQ((int)wg + 1, (int)sh->weights_gen);
    CHECK_INT_EQ((int)m->snap.n_params, (int)sh->n_weights);
    /* the kernels moved with the step and still equal the weights */
    same = 0;
    for (int i = 0; i < 6 * 9; i++)
        same += m->kernels[i] == m->snap.params[l->w_off + i];
    CHECK_INT_EQ(54, same);

    /* a 5-class net: refused, with the message; the 3x3 net kept and still trains */
    CHECK(netshare_set_net(net_5classes, "five.net", "five", err, sizeof err));
    harness_frame(&h, true, 0.016);
    CHECK_STR_EQ(net_k3, m->net_text);
    shot(&h, "refused");
    CHECK_CONTAINS(lab_train_note(st), "(five) refused");
    CHECK_CONTAINS(lab_train_note(st), "10 out.");
    CHECK_CONTAINS(lab_train_note(st), "gives 5 outputs");
    CHECK_INT_EQ(0, lab_train_notes_cut(st));
    CHECK_INT_EQ(1, (int)m->snap.step); /* the old net's training goes on where it was */
    wg = sh->weights_gen;
    CHECK(app_key(h.app, SDLK_RIGHT, false, false));
    harness_frame(&h, false, 0.016);
    CHECK_INT_EQ(2, (int)m->snap.step);
    CHECK_INT_EQ((int)wg, (int)sh->weights_gen); /* not published for the refused net */
    /* another input size: refused too */
    CHECK(netshare_set_net("input 1 32 32\nflatten\ndense 10\nsoftmax\n", "big.net", "big", err,
                           sizeof err));
    harness_frame(&h, false, 0.016);
    CHECK_STR_EQ("Net (big) refused: it takes 1x32x32 and gives 10 outputs; the digits need "
                 "1x28x28 in and 10 out. Still training the last good net.",
                 lab_train_note(st));
    CHECK_STR_EQ(net_k3, m->net_text);

    /* the mlp: no conv, its first dense layer's 64 units, 16 of them as 28x28 pictures */
    char text[NET_MAX_TEXT + 1];
    CHECK(read_net("mlp.net", text));
    CHECK(netshare_set_net(text, "mlp.net", "mlp", err, sizeof err));
    harness_frame(&h, true, 0.016);
    shot(&h, "mlp");
    CHECK_CONTAINS(lab_train_note(st), "(mlp): training reset");
    CHECK_INT_EQ(0, lab_train_notes_cut(st));
    CHECK(m->conv_dense);
    CHECK_INT_EQ(28, m->kh);
    CHECK_INT_EQ(16, m->n_kernels);
    CHECK_INT_EQ(64, m->k_units);
    l = &trainer_net(m->tr)->spec.layers[m->conv_layer];
    CHECK_INT_EQ(LAYER_DENSE, l->kind);
    /* unit 3's weights: row 3 of the (64, 784) matrix */
    CHECK(m->kernels[3 * 784 + 400] == m->snap.params[l->w_off + 3 * 784 + 400]);
    /* the lab opened again (a lesson step, another visit) starts on the shared net */
    int idx = -1;
    lab_find("network", &idx);
    CHECK(app_open_lab(h.app, idx));
    m = open_train(&h, &lab);
    harness_frame(&h, false, 0.016);
    CHECK_STR_EQ(text, m->net_text);
    CHECK(m->conv_dense);
    harness_close(&h);
    netshare_reset();
}

/* The default pace: 1x, an epoch of the 8,000 digits in 20-60 s of frames, measured; playing
 * stops at 3 epochs (the timeline did not grow), says so, publishes; Play goes on one more. */
static void test_pace_and_stop(void)
{
    netshare_reset();
    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    const LabDef *lab = NULL;
    TrainModel *m = open_train(&h, &lab);
    if (!m) {
        harness_close(&h);
        return;
    }
    void *st = app_lab_state(h.app);
    Timeline *tl = lab->timeline(st);
    harness_frame(&h, false, 0.0);
    CHECK_INT_EQ(TIMELINE_SPEED_1X, tl->speed);
    CHECK_INT_EQ(1500, tl->count); /* 3 epochs of 500 steps */
    CHECK(app_key(h.app, SDLK_SPACE, false, false));
    for (int i = 0; i < 20; i++) /* 2 s of 0.1 s frames */
        harness_frame(&h, false, 0.1);
    CHECK(m->snap.state == TRAINER_PAUSED); /* paced: the window takes the steps */
    double per_s = (double)m->snap.step / 2.0;
    double epoch_s = trainmodel_steps_per_epoch(m) / per_s;
    printf("default pace: %.1f steps/s (%.0f images/s), an epoch in %.1f s\n", per_s,
           per_s * m->snap.batch, epoch_s);
    CHECK(epoch_s >= 20.0 && epoch_s <= 60.0);
    CHECK_INT_EQ(1500, tl->count);
    /* the stop: train to 1496 synchronously, then play the last steps */
    CHECK(app_key(h.app, SDLK_SPACE, false, false));
    harness_frame(&h, false, 0.0);
    char err[300] = "";
    char steps[32];
    snprintf(steps, sizeof steps, "%ld", 1496 - m->snap.step);
    CHECK(lab->set_option(st, "steps", steps, err, sizeof err));
    CHECK_INT_EQ(1496, (int)m->snap.step);
    unsigned wg = netshare_get()->weights_gen;
    CHECK(app_key(h.app, SDLK_SPACE, false, false));
    for (int i = 0; i < 10; i++) {
        harness_frame(&h, false, 0.1);
        CHECK(tl->count == 1500 || (tl->count == 1501 && !tl->playing)); /* 1 beyond at the stop */
    }
    CHECK_INT_EQ(1500, (int)m->snap.step);
    CHECK_NEAR(3.0f, m->snap.epoch_pos, 1e-6f);
    CHECK(!tl->playing);
    CHECK_STR_EQ("Stopped after 3 epochs (the set number); press Play to go on",
                 lab_train_note(st));
    CHECK(netshare_get()->weights_gen > wg);
    CHECK_CONTAINS(netshare_get()->weights_from, "epoch 3.00");
    /* → still takes one step there */
    CHECK(app_key(h.app, SDLK_RIGHT, false, false));
    harness_frame(&h, false, 0.016);
    CHECK_INT_EQ(1501, (int)m->snap.step);
    CHECK_INT_EQ(1502, tl->count);
    /* Play goes on: one more epoch on the timeline */
    CHECK(app_key(h.app, SDLK_SPACE, false, false));
    harness_frame(&h, false, 0.1);
    CHECK(tl->playing);
    CHECK_INT_EQ(2000, tl->count); /* 4 epochs */
    CHECK(m->snap.step > 1501);
    CHECK_STR_EQ("", lab_train_note(st));
    harness_close(&h);
    netshare_reset();
}

/* The accuracy plot's legend (train and test) and no note cut, at 800x600 and 1280x800, before
 * training and after 700 steps. */
static void test_fit(void)
{
    static const int sizes[2][2] = {{800, 600}, {1280, 800}};
    for (int s = 0; s < 2; s++) {
        netshare_reset();
        Harness h;
        CHECK(harness_open(&h, sizes[s][0], sizes[s][1]));
        const LabDef *lab = NULL;
        TrainModel *m = open_train(&h, &lab);
        if (!m) {
            harness_close(&h);
            return;
        }
        void *st = app_lab_state(h.app);
        for (int k = 0; k < 2; k++) {
            char err[300] = "";
            if (k == 1)
                CHECK(lab->set_option(st, "steps", "700", err, sizeof err));
            harness_frame(&h, true, 0.0);
            bool fits = false;
            CHECK_INT_EQ(2, lab_train_acc_legend(st, &fits));
            CHECK(fits);
            if (lab_train_notes_cut(st) != 0)
                printf("  %dx%d, step %ld: %d notes cut\n", sizes[s][0], sizes[s][1], m->snap.step,
                       lab_train_notes_cut(st));
            CHECK_INT_EQ(0, lab_train_notes_cut(st));
        }
        harness_close(&h);
    }
}

/* A batchnorm net: the steps run in training mode (the running statistics move), the
 * evaluations in evaluation mode: the step-50 test score equals an evaluation with the running
 * statistics, and the net is left in evaluation mode. */
static void test_batchnorm_modes(void)
{
    TrainModel *m = calloc(1, sizeof *m);
    char err[600] = "", text[NET_MAX_TEXT + 1];
    TrainConfig cfg = trainmodel_default_config();
    CHECK(m && trainmodel_init(m, &cfg, err, sizeof err));
    CHECK(read_net("lenet-bn.net", text));
    CHECK(trainmodel_set_net(m, text, "lenet-bn.net", err, sizeof err));
    const Net *net = trainer_net(m->tr);
    CHECK(net->spec.n_state > 0);
    CHECK_INT_EQ(50, trainmodel_run_steps(m, 50));
    CHECK(!net->training);
    /* the running means (first half of each batchnorm's state) left 0 */
    int moved = 0;
    for (long i = 0; i < net->spec.n_state; i++)
        moved += net->state[i] != 0.0f && net->state[i] != 1.0f;
    CHECK(moved > net->spec.n_state / 2);
    CHECK_INT_EQ(1, m->n_test_pts);
    float eval = trainer_evaluate((Net *)net, &m->test, TRAINLAB_TEST_SUBSET, NULL);
    CHECK_NEAR(eval, m->test_acc[0], 0.0);
    /* in training mode (the test batch's own statistics) the score is another one */
    net_set_training((Net *)net, true);
    float as_train = trainer_evaluate((Net *)net, &m->test, TRAINLAB_TEST_SUBSET, NULL);
    net_set_training((Net *)net, false);
    printf("lenet-bn after 50 steps: test %.1f %% in evaluation mode, %.1f %% with batch "
           "statistics\n",
           100.0 * eval, 100.0 * as_train);
    trainmodel_free(m);
    free(m);
}

/* A learner's own net as issue 8's acceptance makes it: lenet-tiny with a third conv (16 -> 32,
 * k=3, pad=1) and a batchnorm after the second pool, no pool after it. */
static const char *const net_own = "input 1 28 28\n"
                                   "conv 8 k=5 pad=2\n"
                                   "relu\n"
                                   "maxpool k=2\n"
                                   "conv 16 k=5\n"
                                   "relu\n"
                                   "maxpool k=2\n"
                                   "conv 32 k=3 pad=1\n"
                                   "batchnorm\n"
                                   "relu\n"
                                   "flatten\n"
                                   "dense 10\n"
                                   "softmax\n";

/* A net (NULL: the lab's lenet-tiny) trained live at the lab's defaults for 3 epochs: the
 * whole test set after each epoch, and the learning rate each epoch used. */
static float three_epochs(const char *text, const char *name)
{
    TrainModel *m = calloc(1, sizeof *m);
    char err[600] = "";
    TrainConfig cfg = trainmodel_default_config();
    CHECK(m && trainmodel_init(m, &cfg, err, sizeof err));
    if (!m || !m->tr) {
        free(m);
        return 0.0f;
    }
    if (text)
        CHECK(trainmodel_set_net(m, text, name, err, sizeof err));
    int n = 3 * trainmodel_steps_per_epoch(m);
    CHECK_INT_EQ(1500, n);
    float per_epoch[3];
    char rule[3][200];
    for (int e = 0; e < 3; e++) {
        trainmodel_rule_text(m, false, rule[e], sizeof rule[e]);
        CHECK_INT_EQ(n / 3, trainmodel_run_steps(m, n / 3));
        per_epoch[e] = trainer_evaluate((Net *)trainer_net(m->tr), &m->test, 0, NULL);
    }
    printf("%s, lab defaults (Adam 0.005 x0.4 per epoch, batch 16, seed 1): whole test set "
           "%.2f / %.2f / %.2f %% after epochs 1 / 2 / 3; the lab's 500-digit subset %.1f %%\n",
           name, 100.0 * per_epoch[0], 100.0 * per_epoch[1], 100.0 * per_epoch[2],
           100.0 * m->test_acc[m->n_test_pts - 1]);
    /* the rule shows the learning rate each epoch uses */
    CHECK_CONTAINS(rule[0], "\xCE\xB7 = 0.005");
    CHECK_CONTAINS(rule[1], "\xCE\xB7 = 0.005\xC2\xB7"
                            "0.4 = 0.002");
    CHECK_CONTAINS(rule[2], "\xCE\xB7 = 0.005\xC2\xB7"
                            "0.4\xC2\xB2 = 0.0008");
    trainmodel_free(m);
    free(m);
    return per_epoch[2];
}

/* The acceptance figure: > 97 % on all 2,000 test digits within the 3 epochs the lab stops
 * at, for lenet-tiny and for a learner's own 3-conv batchnorm net. Measured 97.70 % and
 * 97.95 % (seed 1; over seeds 1-3 and four such nets 97.40-98.25 %; the lab's old constant
 * 0.003 gave 96.35-97.65 %). */
static void test_three_epochs(void)
{
    CHECK(three_epochs(NULL, "lenet-tiny") > 0.97f);
    CHECK(three_epochs(net_own, "own.net") > 0.97f);
}

/* At 16x the worker runs free; it stops itself at the planned 3 epochs, exactly: the window
 * looking only every 0.2 s (a slow frame, a hidden lab) does not let it run on. At w x ht the
 * progress lines keep the test score under the two-line stop note (800x600 dropped it). */
static void test_fast_stop(int w, int ht)
{
    netshare_reset();
    Harness h;
    CHECK(harness_open(&h, w, ht));
    const LabDef *lab = NULL;
    TrainModel *m = open_train(&h, &lab);
    if (!m) {
        harness_close(&h);
        return;
    }
    void *st = app_lab_state(h.app);
    Timeline *tl = lab->timeline(st);
    harness_frame(&h, false, 0.0);
    char err[300] = "";
    CHECK(lab->set_option(st, "steps", "1490", err, sizeof err));
    CHECK_INT_EQ(1490, (int)m->snap.step);
    tl->speed = TIMELINE_SPEED_INSTANT - 1; /* 16x: the free worker */
    CHECK(app_key(h.app, SDLK_SPACE, false, false));
    harness_frame(&h, false, 0.016);
    for (int i = 0; i < 40 && (tl->playing || trainmodel_running(m)); i++) {
        SDL_Delay(200);
        harness_frame(&h, false, 0.2);
    }
    CHECK(!tl->playing && !trainmodel_running(m));
    CHECK_INT_EQ(1500, (int)m->snap.step);
    CHECK_INT_EQ(1500, (int)trainer_steps(m->tr));
    CHECK_NEAR(3.0f, m->snap.epoch_pos, 1e-6f);
    CHECK_STR_EQ("Stopped after 3 epochs (the set number); press Play to go on",
                 lab_train_note(st));
    static TextsSeen ts;
    text_seen_frame(&h, &ts);
    bool test_line = false;
    for (int i = 0; i < ts.n; i++)
        test_line |= strncmp(ts.t[i].s, "test ", 5) == 0 && strstr(ts.t[i].s, "% of 500") &&
                     !ts.t[i].shortened && rect_in_window(ts.t[i].rc, w, ht);
    CHECK(test_line);
    harness_close(&h);
    netshare_reset();
}

/* images/s is images over wall-clock time: a second without refreshes (the lab hidden while
 * the worker trains) counts as the second it was, not as the 0.5 s of dt the next frames
 * bring. */
static void test_rate_honest(void)
{
    TrainModel *m = calloc(1, sizeof *m);
    char err[600] = "";
    TrainConfig cfg = trainmodel_default_config();
    CHECK(m && trainmodel_init(m, &cfg, err, sizeof err));
    CHECK(trainmodel_play(m));
    trainmodel_refresh(m, 0.0);
    long i0 = trainmodel_images_seen(m);
    double t0 = m->rate_clock;
    SDL_Delay(1000);            /* hidden: no refresh */
    trainmodel_refresh(m, 0.5); /* the next frames: half a second of dt */
    long i1 = trainmodel_images_seen(m);
    double t1 = m->rate_clock, rate = m->rate;
    trainmodel_pause(m);
    CHECK(m->rate == 0.0); /* paused: no figure */
    CHECK(i1 > i0);
    CHECK(t1 - t0 >= 0.99);
    double honest = (double)(i1 - i0) / (t1 - t0);
    CHECK_NEAR(honest, rate, honest * 1e-9 + 1e-9);
    /* the old figure, images over the dt summed while visible, was twice this */
    CHECK(rate < 0.6 * (double)(i1 - i0) / 0.5);
    printf("images/s over a hidden second: %.0f (images over the visible dt would say %.0f)\n",
           rate, (double)(i1 - i0) / 0.5);
    trainmodel_free(m);
    free(m);
}

/* The Train lab publishes its batchnorm running statistics with the weights: the share's
 * state equals the trainer's, so the other labs evaluate the trained net as it is. */
static void test_publish_stats(void)
{
    netshare_reset();
    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    const LabDef *lab = NULL;
    TrainModel *m = open_train(&h, &lab);
    if (!m) {
        harness_close(&h);
        return;
    }
    void *st = app_lab_state(h.app);
    char err[600] = "", text[NET_MAX_TEXT + 1];
    CHECK(read_net("lenet-bn.net", text));
    CHECK(netshare_set_net(text, "lenet-bn.net", "lenet-bn", err, sizeof err));
    harness_frame(&h, false, 0.0);
    CHECK(lab->set_option(st, "steps", "30", err, sizeof err));
    harness_frame(&h, false, 0.0);
    const NetShare *sh = netshare_get();
    const Net *net = trainer_net(m->tr);
    CHECK(net->n_state > 0);
    CHECK(sh->weights && sh->state && sh->n_state == net->n_state);
    if (sh->state && sh->n_state == net->n_state)
        CHECK(memcmp(sh->state, net->state, sizeof(float) * (size_t)net->n_state) == 0);
    /* moved from the start (mean 0, variance 1) */
    CHECK(sh->state && sh->state[0] != 0.0f);
    harness_close(&h);
    netshare_reset();
}

int main(void)
{
    if (SDL_Init(0) != 0)
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
    test_share(1280, 800);
    test_share(800, 600);
    test_pace_and_stop();
    test_fast_stop(1280, 800);
    test_fast_stop(800, 600);
    test_rate_honest();
    test_publish_stats();
    test_fit();
    test_batchnorm_modes();
    test_three_epochs();
    SDL_Quit();
    return test_summary();
}
