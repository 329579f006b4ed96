/* labs/train/view.c - the Train lab: lenet-tiny learns the bundled digits live on the
 * trainer's worker thread while the window draws from snapshots. Play, pause, one step, reset;
 * learning rate, batch size and optimizer applied between steps; loss and accuracy curves
 * (train and test); progress; the first layer's kernels evolving; the confusion matrix of the
 * test subset whose cells list their test digits; a stream of recent predictions marked right
 * or wrong; divergence detected, undone and explained.
 *
 * The net is the shared one (labs/common/netshare.h): a new one resets the training and the
 * note says so; one the digits cannot train is refused there. The weights are published to the
 * share at a pause, on Step and at each epoch's end. At 1x the steps are paced at
 * TRAINVIEW_PACE_IMAGES images a second (30 s an epoch); 16x and "instant" run the worker free.
 * Playing stops after plan_epochs (3; Play goes on one more).
 * The timeline counts training steps: Space plays and pauses the trainer, → takes one step,
 * Home resets, scrubbing forward trains up to that step and scrubbing back replays from the
 * start (the same seed gives the same numbers). Numbers and texts: model.c and model_text.c
 * over engine/trainer. This file: the lab's life cycle, playing and jumps, options, keys, the
 * frame and its equation strip; the panels are view_controls.c, view_plots.c,
 * view_confusion.c and view_images.c (view_int.h). Every image is a texture refilled only when
 * its data changed.
 * Depends on: view_int.h, labs/train/view.h, labs/train/model.h, ui, viz. */
#include "labs/train/view_int.h"
#include "labs/common/netshare.h"
#include "labs/train/view.h"

#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A step budget per frame for multi-step jumps (scrubbing), so the window keeps drawing. */
#define JUMP_BUDGET_S 0.008

/* the dropdowns' items for trainmodel_lr_presets and trainmodel_batch_presets */
static const char *const lr_items_fixed[TRAINLAB_N_LR] = {
    "0.0001", "0.0003", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "5 (too big)"};
static const char *const batch_items_fixed[TRAINLAB_N_BATCH] = {"1",  "2",  "4",   "8",  "16",
                                                                "32", "64", "128", "256"};

/* ---- state ------------------------------------------------------------------------------ */

static void sync_items(TrainLab *L)
{
    for (int i = 0; i < TRAINLAB_N_LR; i++)
        L->lr_items[i] = lr_items_fixed[i];
    snprintf(L->lr_custom, sizeof L->lr_custom, "%g", (double)L->m.snap.lr);
    L->lr_items[TRAINLAB_N_LR] = L->lr_custom;
    for (int i = 0; i < TRAINLAB_N_BATCH; i++)
        L->batch_items[i] = batch_items_fixed[i];
    snprintf(L->batch_custom, sizeof L->batch_custom, "%d", L->m.snap.batch);
    L->batch_items[TRAINLAB_N_BATCH] = L->batch_custom;
}

/* The timeline spans the planned epochs (plan_epochs, where playing stops), and one step beyond
 * the trainer when that reaches them: it grows by an epoch when the plan does (Play at the
 * stop), by the steps taken past the plan (→, the free worker's last steps), and with the
 * batch size (the steps an epoch takes); never by surprise while playing. */
static void sync_timeline(TrainLab *L)
{
    long steps = L->m.snap.step;
    long spe = trainmodel_steps_per_epoch(&L->m);
    long count = L->plan_epochs * spe;
    if (count <= steps + L->pending)
        count = steps + L->pending + 1; /* one beyond, so that → can take another step */
    if (count > 0x3fffffff)
        count = 0x3fffffff;
    timeline_set_count(&L->tl, (int)count);
    /* during a jump the position follows the steps taken so far */
    L->tl.pos = (int)steps;
    L->tl.playing = L->playing;
    L->tl_playing = L->tl.playing;
    L->tl_pos = L->tl.pos;
}

/* Whole epochs done, counted from the steps (the trainer's epoch counter moves only when the
 * next epoch's first step is taken). */
static int epochs_done(const TrainModel *m)
{
    return (int)(m->snap.step / trainmodel_steps_per_epoch(m));
}

/* Publishes the trained weights to the share (the Network and Backprop labs show them), when
 * they belong to the shared net and are not the ones last published. */
static void publish_weights(TrainLab *L)
{
    TrainModel *m = &L->m;
    if (L->net_refused || L->net_gen != netshare_get()->net_gen || m->snap.step <= 0 ||
        m->snap.step == L->pub_step || !m->snap.params)
        return;
    char from[96];
    snprintf(from, sizeof from, "Train lab, epoch %.2f", (double)m->snap.epoch_pos);
    if (netshare_set_model(m->snap.params, m->snap.n_params, m->snap.stats, m->snap.n_stats,
                           from)) {
        L->pub_step = m->snap.step;
        L->pub_epoch = epochs_done(m);
    }
}

static void follow_share(TrainLab *L);

static void *train_create(char *err, size_t err_size)
{
    TrainLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "train lab: out of memory");
        return NULL;
    }
    TrainConfig cfg = trainmodel_default_config();
    if (!trainmodel_init(&L->m, &cfg, err, err_size)) {
        free(L);
        return NULL;
    }
    for (int i = 0; i < TRAINLAB_GALLERY; i++)
        L->gimg_index[i] = -1;
    for (int i = 0; i < TRAINLAB_STREAM; i++)
        L->simg_key[i] = -1;
    timeline_init(&L->tl, 1);
    /* 1x by default: paced steps a teacher can narrate (TRAINVIEW_PACE_IMAGES images a
     * second, 30 s an epoch); 16x and "instant" run the worker free. The app's own advance of
     * the position is made negligible: the lab sets the position to the step count each
     * frame. */
    L->tl.speed = TIMELINE_SPEED_1X;
    L->tl.rate = 1e-6f;
    L->plan_epochs = TRAINLAB_PLAN_EPOCHS;
    L->pub_step = -1;
    /* the lab starts on the bundled lenet-tiny; a different shared net is taken now, before
     * any option (a lesson's steps) applies */
    L->net_gen = 0;
    follow_share(L);
    sync_items(L);
    sync_timeline(L);
    return L;
}

static void train_destroy(void *state)
{
    TrainLab *L = state;
    if (!L)
        return;
    /* stops the worker before anything it reads goes away */
    trainmodel_free(&L->m);
    trainview_destroy_images(L);
    free(L->test_pct);
    free(L->test_x);
    free(L);
}

/* Runs the pending jump for at most budget seconds (all of it when budget < 0). */
static void run_pending(TrainLab *L, double budget)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (L->pending > 0) {
        if (trainmodel_run_steps(&L->m, 1) < 1) {
            /* diverged: the jump ends here, the message explains */
            L->pending = 0;
            break;
        }
        L->pending--;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double el = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        if (budget >= 0.0 && el >= budget)
            break;
    }
    if (L->pending == 0)
        L->replaying = false;
}

/* The test curve's buffer in percent grows here, not in draw (which must not allocate). */
static void grow_test_pct(TrainLab *L)
{
    if (L->m.n_test_pts > L->test_pct_cap) {
        float *p = realloc(L->test_pct, sizeof(float) * (size_t)L->m.test_cap);
        if (p)
            L->test_pct = p;
        float *q = realloc(L->test_x, sizeof(float) * (size_t)L->m.test_cap);
        if (q)
            L->test_x = q;
        if (p && q)
            L->test_pct_cap = L->m.test_cap;
    }
}

bool trainview_full_speed(const Timeline *tl)
{
    return tl->speed >= TIMELINE_SPEED_INSTANT - 1;
}

void trainview_play(TrainLab *L)
{
    /* at (or past) the planned epochs, Play goes on for one more */
    long spe = trainmodel_steps_per_epoch(&L->m);
    while (L->m.snap.step >= (long)L->plan_epochs * spe)
        L->plan_epochs++;
    L->stopped = false;
    L->playing = true;
    L->pace = 0.0;
    L->pending = 0;
    L->tl.playing = true;
    trainmodel_set_stop(&L->m, (long)L->plan_epochs * spe);
    if (trainview_full_speed(&L->tl))
        trainmodel_play(&L->m);
    else
        trainmodel_pause(&L->m);
}

void trainview_pause(TrainLab *L)
{
    L->playing = false;
    L->tl.playing = false;
    trainmodel_pause(&L->m);
}

double trainview_pace_rate(const Timeline *tl, int batch)
{
    return TRAINVIEW_PACE_IMAGES / (batch > 0 ? batch : 1) * (double)timeline_speed_factor(tl);
}

const char *trainview_note_text(const TrainLab *L, bool *warn)
{
    *warn = false;
    if (L->stopped)
        return L->stop_note;
    if (L->net_note[0]) {
        *warn = L->net_refused;
        return L->net_note;
    }
    return "";
}

/* Follows the shared net: a new text gets a fresh trainer and the curves start over, said in
 * the note; a net the digits cannot train is refused there and the last good one kept. */
static void follow_share(TrainLab *L)
{
    const NetShare *sh = netshare_get();
    if (sh->net_gen == L->net_gen)
        return;
    bool first = L->net_gen == 0;
    L->net_gen = sh->net_gen;
    if (first && strcmp(sh->text, L->m.net_text) == 0)
        return; /* the bundled net the lab started with */
    char err[400];
    trainview_pause(L);
    L->pending = 0;
    if (!trainmodel_set_net(&L->m, sh->text, sh->file, err, sizeof err)) {
        /* the name says which net: the file's "FILE: " prefix is left out */
        size_t fl = strlen(sh->file);
        const char *why =
            strncmp(err, sh->file, fl) == 0 && strncmp(err + fl, ": ", 2) == 0 ? err + fl + 2 : err;
        snprintf(L->net_note, sizeof L->net_note,
                 "Net (%.60s) refused: %.300s. Still training the last good net.", sh->name, why);
        L->net_refused = true;
        return;
    }
    snprintf(L->net_note, sizeof L->net_note,
             "New net from the Network lab (%.60s): training reset", sh->name);
    L->net_refused = false;
    L->stopped = false;
    L->plan_epochs = TRAINLAB_PLAN_EPOCHS;
    L->pub_step = -1;
    L->pub_epoch = 0;
}

static bool parse_num(const char *key, const char *value, double lo, double hi, double *out,
                      char *err, size_t err_size, const char *what)
{
    char *end = NULL;
    double v = strtod(value, &end);
    if (!value[0] || *end || !(v >= lo && v <= hi)) {
        snprintf(err, err_size, "train: %s=%s is not allowed (%s)", key, value, what);
        return false;
    }
    *out = v;
    return true;
}

/* A `steps` or `epochs` setting (a lesson's scene, `render`, `check`) trains before the frame
 * is drawn: at most this many images (steps x batch; about 4 epochs of the bundled digits at
 * batch 16; lesson 13's longest scene trains 7,200). */
enum { TRAIN_SETTING_MAX_IMAGES = 32768 };

/* steps=N or epochs=E: trains that far synchronously, in this thread (a render or a lesson
 * shows exactly step n). */
static bool option_steps(TrainModel *m, const char *key, const char *value, char *err,
                         size_t err_size)
{
    double v = 0.0;
    bool ep = key[0] == 'e';
    if (!parse_num(key, value, 0.0, ep ? 20.0 : 100000.0, &v, err, err_size,
                   ep ? "a number of epochs 0..20" : "a whole number of steps 0..100000") ||
        (!ep && v != floor(v)))
        return false;
    long n = ep ? (long)ceil(v * trainmodel_steps_per_epoch(m)) : (long)v;
    long batch = m->snap.batch > 0 ? m->snap.batch : 1;
    if (n * batch > TRAIN_SETTING_MAX_IMAGES) {
        snprintf(err, err_size,
                 "train: %s=%s is %ld steps of %ld images, %ld images; a setting trains at most "
                 "%d (a few seconds, the window waits for it): press Play to train longer",
                 key, value, n, batch, n * batch, TRAIN_SETTING_MAX_IMAGES);
        return false;
    }
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    n = n < 1 ? n : 1; /* the fuzzer checks the setting, not the training (2 s an input) */
#endif
    trainmodel_run_steps(m, (int)n);
    return true;
}

/* seed=S: a new trainer from that seed (a new start). */
static bool option_seed(TrainModel *m, const char *key, const char *value, char *err,
                        size_t err_size)
{
    double v = 0.0;
    if (!parse_num(key, value, 0.0, 4294967295.0, &v, err, err_size,
                   "a whole number 0..4294967295") ||
        v != floor(v))
        return false;
    char e2[400];
    if (!trainmodel_set_seed(m, (unsigned long long)v, e2, sizeof e2)) {
        snprintf(err, err_size, "train: seed=%s: %s", value, e2);
        return false;
    }
    return true;
}

/* cell=TRUE,PREDICTED (or none): the confusion cell whose digits are listed. */
static bool option_cell(TrainModel *m, const char *value, char *err, size_t err_size)
{
    int t = -1, p = -1;
    char extra = 0;
    if (strcmp(value, "none") == 0) {
        trainmodel_select_cell(m, -1, -1);
    } else if (sscanf(value, "%d,%d%c", &t, &p, &extra) == 2 && t >= 0 && t < 10 && p >= 0 &&
               p < 10) {
        trainmodel_select_cell(m, t, p);
    } else {
        snprintf(err, err_size,
                 "train: cell=%s is not allowed (TRUE,PREDICTED with digits 0-9, e.g. "
                 "cell=4,9; or none)",
                 value);
        return false;
    }
    return true;
}

static bool train_set_option(void *state, const char *key, const char *value, char *err,
                             size_t err_size)
{
    TrainLab *L = state;
    TrainModel *m = &L->m;
    double v = 0.0;
    if (strcmp(key, "steps") == 0 || strcmp(key, "epochs") == 0) {
        if (!option_steps(m, key, value, err, err_size))
            return false;
    } else if (strcmp(key, "lr") == 0) {
        if (!parse_num(key, value, 1e-6, 100.0, &v, err, err_size, "a learning rate 1e-6..100"))
            return false;
        trainmodel_set_lr(m, (float)v);
    } else if (strcmp(key, "batch") == 0) {
        if (!parse_num(key, value, 1.0, TRAINER_MAX_BATCH, &v, err, err_size,
                       "a batch size 1..1024") ||
            v != floor(v))
            return false;
        trainmodel_set_batch(m, (int)v);
    } else if (strcmp(key, "optimizer") == 0 || strcmp(key, "optim") == 0) {
        if (strcmp(value, "sgd") == 0) {
            trainmodel_set_optimizer(m, OPTIM_SGD);
        } else if (strcmp(value, "adam") == 0) {
            trainmodel_set_optimizer(m, OPTIM_ADAM);
        } else {
            snprintf(err, err_size, "train: %s=%s is unknown (sgd or adam)", key, value);
            return false;
        }
    } else if (strcmp(key, "seed") == 0) {
        if (!option_seed(m, key, value, err, err_size))
            return false;
    } else if (strcmp(key, "cell") == 0) {
        if (!option_cell(m, value, err, err_size))
            return false;
    } else if (strcmp(key, "play") == 0) {
        /* lessons: start or stop the live training */
        if (strcmp(value, "on") == 0 || strcmp(value, "1") == 0)
            trainview_play(L);
        else if (strcmp(value, "off") == 0 || strcmp(value, "0") == 0)
            trainview_pause(L);
        else {
            snprintf(err, err_size, "train: play=%s is not allowed (on or off)", value);
            return false;
        }
    } else if (strcmp(key, "reset") == 0) {
        trainmodel_reset(m);
        trainmodel_select_cell(m, -1, -1); /* an empty matrix has no cell to show */
    } else {
        snprintf(err, err_size,
                 "train: unknown option '%s' (steps, epochs, lr, batch, optimizer, seed, cell, "
                 "play, reset, step)",
                 key);
        return false;
    }
    trainmodel_refresh(m, 0.0);
    grow_test_pct(L);
    sync_items(L);
    L->pending = 0;
    if (!L->playing)
        publish_weights(L);
    sync_timeline(L);
    return true;
}

static Timeline *train_timeline(void *state)
{
    return &((TrainLab *)state)->tl;
}

static bool train_update(void *state, double dt)
{
    TrainLab *L = state;
    TrainModel *m = &L->m;
    Timeline *tl = &L->tl;
    follow_share(L);
    /* at speed "instant" the app's timeline jumps to its end and stops; the lab keeps
     * training then (its position is the step count, always short of the end) */
    if (!tl->playing && tl->speed == TIMELINE_SPEED_INSTANT && tl->pos == tl->count &&
        L->tl_pos != tl->count)
        tl->playing = true; /* (from a pause: Space, or End, starts it) */
    if (tl->playing != L->tl_playing) {
        /* Space or the play button */
        if (tl->playing)
            trainview_play(L);
        else
            trainview_pause(L);
    } else if (!tl->playing && tl->pos != L->tl_pos) {
        long steps = m->snap.step;
        if (tl->pos == 0) {
            /* a reset (not a replay): the emptied matrix keeps no selected cell */
            trainmodel_reset(m);
            trainmodel_select_cell(m, -1, -1);
            L->pending = 0;
        } else if (tl->pos == steps + 1) {
            trainmodel_step(m); /* → : exactly one step */
            L->pending = 0;
        } else if (tl->pos > steps) {
            L->pending = tl->pos - steps;
            L->replaying = false;
        } else if (tl->pos < steps) {
            /* back: training cannot run backwards, so it replays from the start */
            trainmodel_reset(m);
            L->pending = tl->pos;
            L->replaying = true;
        }
    }
    if (L->pending > 0)
        run_pending(L, JUMP_BUDGET_S);
    if (L->playing) {
        bool instant = trainview_full_speed(tl);
        /* the free worker stops itself at the planned epochs (not a few steps past them) */
        trainmodel_set_stop(m, (long)L->plan_epochs * trainmodel_steps_per_epoch(m));
        bool running = trainmodel_running(m);
        if (m->message[0] || m->snap.message[0]) {
            /* diverged: the trainer paused itself */
            if (!running)
                L->playing = false;
        } else if (instant && !running) {
            trainmodel_play(m);
        } else if (!instant) {
            if (running)
                trainmodel_pause(m);
            /* at most a twentieth of a second's steps (4 at least) a frame, so a slow frame
             * does not snowball */
            double rate = trainview_pace_rate(tl, m->snap.batch);
            double most = rate / 20.0 > 4.0 ? rate / 20.0 : 4.0;
            L->pace += dt * rate;
            if (L->pace > most)
                L->pace = most;
            long stop_at = (long)L->plan_epochs * trainmodel_steps_per_epoch(m);
            while (L->pace >= 1.0 && !m->message[0] && m->snap.step < stop_at) {
                trainmodel_step(m);
                L->pace -= 1.0;
            }
        }
    }
    trainmodel_refresh(m, dt);
    if (L->playing && epochs_done(m) >= L->plan_epochs) {
        /* the set number of epochs: stop and say so (the free worker may be a few steps on) */
        trainview_pause(L);
        L->stopped = true;
        if (L->plan_epochs == TRAINLAB_PLAN_EPOCHS)
            snprintf(L->stop_note, sizeof L->stop_note,
                     "Stopped after %d epochs (the set number); press Play to go on",
                     L->plan_epochs);
        else
            snprintf(L->stop_note, sizeof L->stop_note,
                     "Stopped after %d epochs; press Play for one more", L->plan_epochs);
    }
    if (!L->playing || epochs_done(m) > L->pub_epoch)
        publish_weights(L); /* paused (Step, a jump, the stop), or an epoch ended */
    grow_test_pct(L);
    sync_items(L);
    sync_timeline(L);
    return L->playing || trainmodel_running(m) || L->pending > 0;
}

static bool train_key(void *state, int key, bool ctrl, bool shift)
{
    TrainLab *L = state;
    TrainModel *m = &L->m;
    if (ctrl)
        return false;
    switch (key) {
    case SDLK_r:
        trainview_pause(L);
        trainmodel_reset(m);
        trainmodel_select_cell(m, -1, -1);
        L->pending = 0;
        break;
    case SDLK_l:
        trainmodel_set_lr(m, trainmodel_lr_next(m->snap.lr, shift ? -1 : 1));
        break;
    case SDLK_b:
        trainmodel_set_batch(m, trainmodel_batch_next(m->snap.batch, shift ? -1 : 1));
        break;
    case SDLK_o:
        trainmodel_set_optimizer(m, m->snap.optim == OPTIM_ADAM ? OPTIM_SGD : OPTIM_ADAM);
        break;
    case SDLK_c:
        trainmodel_select_cell(m, -1, -1);
        break;
    default:
        return false;
    }
    trainmodel_refresh(m, 0.0);
    sync_items(L);
    sync_timeline(L);
    return true;
}

/* ---- the frame ---------------------------------------------------------------------------- */

/* The equation strip: the update rule with this step's numbers. */
static void draw_equation(TrainLab *L, LabContext *ctx)
{
    TrainModel *m = &L->m;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    Rect e = ctx->equation;
    if (e.w > 0 && e.h > 0) {
        int size = theme_px(th, THEME_BODY);
        int lh = render_line_height(r, FONT_MONO, size);
        char eq_short[256];
        trainmodel_rule_text(m, true, L->eq, sizeof L->eq);
        trainmodel_rule_text(m, false, eq_short, sizeof eq_short);
        const char *eqs[2] = {L->eq, eq_short};
        const char *eq_line = trainview_pick_fit(r, FONT_MONO, size, e.w, 2, eqs);
        trainmodel_step_text(m, L->eq2, sizeof L->eq2);
        bool two = 2 * lh <= e.h;
        int y = e.y + (e.h - (two ? 2 : 1) * lh) / 2;
        render_text_line(r, FONT_MONO, size, theme_px(th, 9), eq_line, (Rect){e.x, y, e.w, lh},
                         ALIGN_LEFT | ALIGN_TOP, th->text);
        if (two)
            render_text_line(r, FONT_MONO, size, theme_px(th, 9), L->eq2,
                             (Rect){e.x, y + lh, e.w, lh}, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    }
}

static void train_draw(void *state, LabContext *ctx)
{
    TrainLab *L = state;
    TrainModel *m = &L->m;
    /* a headless frame shows the end of a jump (render --step N) */
    if (ctx->headless && L->pending > 0) {
        run_pending(L, -1.0);
        trainmodel_refresh(m, 0.0);
        grow_test_pct(L);
        sync_timeline(L);
    }
    const char *msg = trainmodel_take_message(m);
    if (msg) {
        char b[TRAINER_MESSAGE + 16];
        snprintf(b, sizeof b, "Train: %s", msg);
        lab_report_error(ctx, b);
    }
    trainview_notes_cut(); /* counts this frame's */
    trainview_draw_controls(L, ctx);
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    bool images = trainview_ensure_images(L, r);
    Rect st = ctx->stage;
    int gap = theme_px(th, 16);
    int top_h = (st.h - gap) * 56 / 100;
    int conf_w = top_h + theme_px(th, 40);
    if (conf_w > st.w * 40 / 100)
        conf_w = st.w * 40 / 100;
    int plots_w = st.w - conf_w - gap;
    int pw = (plots_w - gap) / 2;
    Rect loss = {st.x, st.y, pw, top_h};
    Rect acc = {st.x + pw + gap, st.y, plots_w - pw - gap, top_h};
    Rect conf = {st.x + plots_w + gap, st.y, conf_w, top_h};
    int by = st.y + top_h + gap;
    int bh = st.y + st.h - by;
    int kw = st.w * 30 / 100;
    Rect kern = {st.x, by, kw, bh};
    int rest = st.w - kw - gap;
    Rect stream = {st.x + kw + gap, by, (rest - gap) / 2, bh};
    Rect gal = {stream.x + stream.w + gap, by, rest - stream.w - gap, bh};
    trainview_draw_loss_plot(L, ctx, loss);
    trainview_draw_acc_plot(L, ctx, acc);
    trainview_draw_confusion(L, ctx, conf);
    trainview_draw_kernels(L, ctx, kern, images);
    if (m->message[0]) {
        trainview_draw_divergence(L, ctx, (Rect){stream.x, by, rest, bh});
    } else {
        trainview_draw_stream(L, ctx, stream, images);
        trainview_draw_gallery(L, ctx, gal, images);
    }

    draw_equation(L, ctx);
    L->notes_cut = trainview_notes_cut();
}

/* The H overlay's rows for this lab (train_key, the timeline and the confusion matrix). */
static const UiHelpRow train_help[] = {
    {"Space", "train / pause (the timeline counts training steps)"},
    {"\xE2\x86\x92", "one training step"},
    {"Home  R", "reset: fresh weights from the seed, step 0"},
    {"L  \xE2\x87\xA7L", "learning rate one preset up / down"},
    {"B  \xE2\x87\xA7"
     "B",
     "batch size doubled / halved"},
    {"O", "optimizer SGD \xE2\x86\x94 Adam"},
    {"click", "a confusion cell: its test digits appear"},
    {"C", "clear the chosen confusion cell"},
    {NULL, NULL},
};

const LabDef lab_train = {
    .name = "train",
    .title = "Train",
    .blurb = "Live training: loss and accuracy curves, kernels evolving, confusion matrix.",
    .create = train_create,
    .destroy = train_destroy,
    .set_option = train_set_option,
    .update = train_update,
    .draw = train_draw,
    .timeline = train_timeline,
    .key = train_key,
    .help = train_help,
};

/* ---- test-facing reads (view.h) ------------------------------------------------------ */

int lab_train_notes_cut(void *state)
{
    return ((const TrainLab *)state)->notes_cut;
}

int lab_train_acc_legend(void *state, bool *fits)
{
    const TrainLab *L = state;
    if (fits)
        *fits = L->acc_legend_fits;
    return L->acc_legend_n;
}

const char *lab_train_note(void *state)
{
    bool warn = false;
    return trainview_note_text(state, &warn);
}

bool lab_train_x_in_steps(void *state, float *x_hi)
{
    const TrainLab *L = state;
    if (x_hi)
        *x_hi = L->x_hi;
    return L->x_steps;
}
