/* lab_train.c - the Train lab: lenet-tiny learns the bundled digits live on the trainer's
 * worker thread while the window draws from snapshots. Play, pause, one step, reset; learning
 * rate, batch size and optimizer applied between steps; loss and accuracy curves (train and
 * test); progress; the first layer's kernels evolving; the confusion matrix of the test subset
 * whose cells list their test digits; a stream of recent predictions marked right or wrong;
 * divergence detected, undone and explained.
 *
 * The timeline counts training steps: Space plays and pauses the trainer, → takes one step,
 * Home resets, scrubbing forward trains up to that step and scrubbing back replays from the
 * start (the same seed gives the same numbers). Numbers: lab_train_model.c over
 * engine/trainer. This file lays out and draws; every image is a texture refilled only when
 * its data changed. */
#include "labs/lab.h"
#include "labs/train/view.h"
#include "labs/train/model.h"
#include "engine/net.h"
#include "ui/ui.h"
#include "viz/colormap.h"
#include "viz/grid.h"
#include "viz/plot.h"
#include "viz/render.h"
#include "viz/theme.h"

#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A step budget per frame for multi-step jumps (scrubbing), so the window keeps drawing. */
#define JUMP_BUDGET_S 0.008
/* Paced play at speed 1x: steps per second (0.25x: 2.5, 16x: 160). */
#define PACE_1X 10.0

static const float lr_values[] = {0.0001f, 0.0003f, 0.001f, 0.003f, 0.01f,
                                  0.03f,   0.1f,    0.3f,   1.0f,   5.0f};
static const char *const lr_items_fixed[] = {"0.0001", "0.0003", "0.001", "0.003", "0.01",
                                             "0.03",   "0.1",    "0.3",   "1",     "5 (too big)"};
#define N_LR ((int)(sizeof lr_values / sizeof lr_values[0]))
static const int batch_values[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};
static const char *const batch_items_fixed[] = {"1", "2", "4", "8", "16", "32", "64", "128", "256"};
#define N_BATCH ((int)(sizeof batch_values / sizeof batch_values[0]))
static const char *const optim_items[] = {"SGD + momentum 0.9", "Adam"};

typedef struct TrainLab {
    TrainModel m; /* first: tests reach it through the state pointer */
    Timeline tl;
    bool tl_playing;  /* the timeline's playing flag as the lab last saw it */
    bool playing;     /* the lab trains: free-running worker (speed "instant") or paced steps */
    double pace;      /* paced play: steps owed so far (fractional) */
    int tl_pos;       /* its position as the lab last saw it */
    long pending;     /* steps still to take for a jump (scrub, End, --step) */
    bool replaying;   /* the jump replays from the start (scrubbed back) */

    /* the dropdowns: fixed items plus one slot for a value set by an option */
    const char *lr_items[N_LR + 1];
    char lr_custom[32];
    const char *batch_items[N_BATCH + 1];
    char batch_custom[32];

    /* textures, made with the Render the lab first draws with */
    Render *img_r;
    RenderImage *kimg[TRAINLAB_MAX_KERNELS];
    unsigned kimg_gen;
    bool kimg_valid;
    RenderImage *simg[TRAINLAB_STREAM];
    long simg_key[TRAINLAB_STREAM];  /* the serial of the stream item each shows (-1 none) */
    RenderImage *gimg[TRAINLAB_GALLERY];
    int gimg_index[TRAINLAB_GALLERY]; /* the test index each shows (-1 none) */
    uint32_t px[TRAINLAB_PIX];

    /* curve buffers in the units drawn */
    float acc_pct[TRAINLAB_BINS];
    float *test_pct;
    int test_pct_cap;
    /* the x of the curves: epochs, or training steps while the run is under an epoch */
    bool x_steps;
    float x_hi;
    float bin_x[TRAINLAB_BINS];
    float *test_x; /* (test_pct_cap) */

    /* text kept alive while drawn */
    char title_loss[128], title_acc[128], leg_train[96], leg_acc[96], leg_test[96];
    char tip[UI_TOOLTIP_MAX];
    char eq[512], eq2[512];
} TrainLab;

/* ---- state ------------------------------------------------------------------------------ */

static void sync_items(TrainLab *L)
{
    for (int i = 0; i < N_LR; i++)
        L->lr_items[i] = lr_items_fixed[i];
    snprintf(L->lr_custom, sizeof L->lr_custom, "%g", (double)L->m.snap.lr);
    L->lr_items[N_LR] = L->lr_custom;
    for (int i = 0; i < N_BATCH; i++)
        L->batch_items[i] = batch_items_fixed[i];
    snprintf(L->batch_custom, sizeof L->batch_custom, "%d", L->m.snap.batch);
    L->batch_items[N_BATCH] = L->batch_custom;
}

static int lr_index(float lr)
{
    for (int i = 0; i < N_LR; i++)
        if (lr_values[i] == lr)
            return i;
    return N_LR;
}

static int batch_index(int b)
{
    for (int i = 0; i < N_BATCH; i++)
        if (batch_values[i] == b)
            return i;
    return N_BATCH;
}

/* The timeline spans whole epochs: at least TRAINLAB_PLAN_EPOCHS, and always one step beyond
 * the trainer so that playing never meets the end (which would stop it). */
static void sync_timeline(TrainLab *L)
{
    long steps = L->m.snap.step;
    long spe = trainmodel_steps_per_epoch(&L->m);
    long count = TRAINLAB_PLAN_EPOCHS * spe;
    while (count <= steps + L->pending)
        count += spe;
    if (count > 0x3fffffff)
        count = 0x3fffffff;
    timeline_set_count(&L->tl, (int)count);
    /* during a jump the position follows the steps taken so far */
    L->tl.pos = (int)steps;
    L->tl.playing = L->playing;
    L->tl_playing = L->tl.playing;
    L->tl_pos = L->tl.pos;
}

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
    /* full speed on the worker by default (16x and "instant"); slower speeds pace the steps
     * so they can be watched: PACE_1X steps per second at 1x. The app's own advance of the
     * position is made negligible: the lab sets the position to the step count each frame. */
    L->tl.speed = TIMELINE_SPEED_INSTANT - 1;
    L->tl.rate = 1e-6f;
    sync_items(L);
    sync_timeline(L);
    return L;
}

static void destroy_images(TrainLab *L)
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

static void train_destroy(void *state)
{
    TrainLab *L = state;
    if (!L)
        return;
    /* stops the worker before anything it reads goes away */
    trainmodel_free(&L->m);
    destroy_images(L);
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

/* Play: the worker runs free at speed "instant"; slower speeds take paced single steps. */
static bool full_speed(const Timeline *tl)
{
    return tl->speed >= TIMELINE_SPEED_INSTANT - 1;
}

static void lab_play(TrainLab *L)
{
    L->playing = true;
    L->pace = 0.0;
    L->pending = 0;
    L->tl.playing = true;
    if (full_speed(&L->tl))
        trainmodel_play(&L->m);
    else
        trainmodel_pause(&L->m);
}

static void lab_pause(TrainLab *L)
{
    L->playing = false;
    L->tl.playing = false;
    trainmodel_pause(&L->m);
}

/* Paced play: steps per second at the timeline's speed (PACE_1X at 1x). */
static double pace_rate(const Timeline *tl)
{
    return PACE_1X * (double)timeline_speed_factor(tl);
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

static bool train_set_option(void *state, const char *key, const char *value, char *err,
                             size_t err_size)
{
    TrainLab *L = state;
    TrainModel *m = &L->m;
    double v = 0.0;
    if (strcmp(key, "steps") == 0 || strcmp(key, "epochs") == 0) {
        bool ep = key[0] == 'e';
        if (!parse_num(key, value, 0.0, ep ? 20.0 : 100000.0, &v, err, err_size,
                       ep ? "a number of epochs 0..20" : "a whole number of steps 0..100000") ||
            (!ep && v != floor(v)))
            return false;
        long n = ep ? (long)ceil(v * trainmodel_steps_per_epoch(m)) : (long)v;
        /* synchronously, in this thread: a render or a lesson shows exactly step n */
        trainmodel_run_steps(m, (int)n);
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
        if (!parse_num(key, value, 0.0, 4294967295.0, &v, err, err_size,
                       "a whole number 0..4294967295") ||
            v != floor(v))
            return false;
        char e2[400];
        if (!trainmodel_set_seed(m, (unsigned long long)v, e2, sizeof e2)) {
            snprintf(err, err_size, "train: seed=%s: %s", value, e2);
            return false;
        }
    } else if (strcmp(key, "cell") == 0) {
        int t = -1, p = -1;
        char extra = 0;
        if (strcmp(value, "none") == 0) {
            trainmodel_select_cell(m, -1, -1);
        } else if (sscanf(value, "%d,%d%c", &t, &p, &extra) == 2 && t >= 0 && t < 10 &&
                   p >= 0 && p < 10) {
            trainmodel_select_cell(m, t, p);
        } else {
            snprintf(err, err_size,
                     "train: cell=%s is not allowed (TRUE,PREDICTED with digits 0-9, e.g. "
                     "cell=4,9; or none)",
                     value);
            return false;
        }
    } else if (strcmp(key, "play") == 0) {
        /* lessons: start or stop the live training */
        if (strcmp(value, "on") == 0 || strcmp(value, "1") == 0)
            lab_play(L);
        else if (strcmp(value, "off") == 0 || strcmp(value, "0") == 0)
            lab_pause(L);
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
    /* at speed "instant" the app's timeline jumps to its end and stops; the lab keeps
     * training then (its position is the step count, always short of the end) */
    if (!tl->playing && tl->speed == TIMELINE_SPEED_INSTANT && tl->pos == tl->count &&
        L->tl_pos != tl->count)
        tl->playing = true; /* (from a pause: Space, or End, starts it) */
    if (tl->playing != L->tl_playing) {
        /* Space or the play button */
        if (tl->playing)
            lab_play(L);
        else
            lab_pause(L);
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
        bool instant = full_speed(tl);
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
            /* at most 4 steps a frame, so a slow frame does not snowball */
            L->pace += dt * pace_rate(tl);
            if (L->pace > 4.0)
                L->pace = 4.0;
            while (L->pace >= 1.0 && !m->message[0]) {
                trainmodel_step(m);
                L->pace -= 1.0;
            }
        }
    }
    trainmodel_refresh(m, dt);
    grow_test_pct(L);
    sync_items(L);
    sync_timeline(L);
    return L->playing || trainmodel_running(m) || L->pending > 0;
}

static void set_lr_index(TrainLab *L, int i)
{
    if (i >= 0 && i < N_LR)
        trainmodel_set_lr(&L->m, lr_values[i]);
}

static bool train_key(void *state, int key, bool ctrl, bool shift)
{
    TrainLab *L = state;
    TrainModel *m = &L->m;
    if (ctrl)
        return false;
    switch (key) {
    case SDLK_r:
        lab_pause(L);
        trainmodel_reset(m);
        trainmodel_select_cell(m, -1, -1);
        L->pending = 0;
        break;
    case SDLK_l: {
        int i = lr_index(m->snap.lr);
        if (i == N_LR) /* a custom value: to the nearest preset below or above */
            for (i = 0; i < N_LR - 1 && lr_values[i] < m->snap.lr; i++)
                ;
        set_lr_index(L, shift ? (i > 0 ? i - 1 : 0) : (i < N_LR - 1 ? i + 1 : i));
        break;
    }
    case SDLK_b: {
        int i = batch_index(m->snap.batch);
        if (i == N_BATCH)
            for (i = 0; i < N_BATCH - 1 && batch_values[i] < m->snap.batch; i++)
                ;
        i = shift ? (i > 0 ? i - 1 : 0) : (i < N_BATCH - 1 ? i + 1 : i);
        trainmodel_set_batch(m, batch_values[i]);
        break;
    }
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

/* ---- drawing helpers -------------------------------------------------------------------- */

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

static Color curve_train(const Theme *th)
{
    return th->kind == THEME_LIGHT ? COLOR_HEX(0x1f5fbf) : COLOR_HEX(0x6fa8ff);
}

static Color curve_test(const Theme *th)
{
    return th->kind == THEME_LIGHT ? COLOR_HEX(0xc0561a) : COLOR_HEX(0xf08a4b);
}

static Color right_color(const Theme *th)
{
    return th->hover; /* cyan */
}

static Color wrong_color(const Theme *th)
{
    return th->error; /* #ff5d5d */
}

/* The first of n texts that fits max_w at size (the last one when none does; the caller's
 * render_text_line shrinks or cuts it then). */
static const char *pick_fit(Render *r, FontFace face, int size, int max_w, int n,
                            const char *const *texts)
{
    for (int i = 0; i < n; i++) {
        int w = 0;
        render_text_size(r, face, size, texts[i], &w, NULL);
        if (w <= max_w)
            return texts[i];
    }
    return texts[n - 1];
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
        render_text_in(r, FONT_SANS, size, fit, (Rect){in.x, y + i * lh, in.w, lh},
                       ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
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

/* A heading line at the top of rc; returns the rect below it. */
static Rect heading_fit(Render *r, const Theme *th, Rect rc, int n, const char *const *texts)
{
    int size = theme_px(th, THEME_BODY);
    int lh = render_line_height(r, FONT_SANS_BOLD, size);
    const char *text = pick_fit(r, FONT_SANS_BOLD, size, rc.w, n, texts);
    render_text_line(r, FONT_SANS_BOLD, size, theme_px(th, 10), text, (Rect){rc.x, rc.y, rc.w, lh},
                     ALIGN_LEFT | ALIGN_TOP, th->text);
    int used = lh + theme_px(th, 4);
    return (Rect){rc.x, rc.y + used, rc.w, rc.h - used};
}


/* Wrapped dim text at the top of rc. */
static int note(Render *r, const Theme *th, Rect rc, const char *text, Color c)
{
    if (rc.w <= 0 || rc.h <= 0)
        return 0;
    return render_text_wrap(r, FONT_SANS, theme_px(th, THEME_SMALL), text, rc, c, true);
}

/* "12,345" */
static const char *thousands(long v, char *out, size_t size)
{
    char d[32];
    snprintf(d, sizeof d, "%ld", v < 0 ? -v : v);
    size_t n = strlen(d), k = 0;
    char buf[48];
    if (v < 0)
        buf[k++] = '-';
    for (size_t i = 0; i < n; i++) {
        buf[k++] = d[i];
        if ((n - 1 - i) % 3 == 0 && i + 1 < n)
            buf[k++] = ',';
    }
    buf[k] = '\0';
    snprintf(out, size, "%s", buf);
    return out;
}

/* ---- the control column ---------------------------------------------------------------- */

static void labelled_row(Ui *ui, Rect row, const char *label, Rect *field)
{
    const Theme *th = ui->th;
    int lw = row.w * 42 / 100;
    render_text_line(ui->r, FONT_SANS, theme_px(th, THEME_BODY), theme_px(th, 10), label,
                     (Rect){row.x, row.y, lw - theme_px(th, 4), row.h}, ALIGN_LEFT | ALIGN_MIDDLE,
                     th->text);
    *field = (Rect){row.x + lw, row.y, row.w - lw, row.h};
}

static void draw_controls(TrainLab *L, LabContext *ctx)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    TrainModel *m = &L->m;
    const TrainerSnapshot *s = &m->snap;
    UiColumn col = ui_column(ctx->controls, th);
    ui_column_heading(ui, &col, "Training");
    Rect row = ui_column_next(&col, 1);
    if (row.w > 0) {
        int g = theme_px(th, 6);
        int bw = (row.w - 2 * g) / 3;
        bool running = L->playing;
        Rect b1 = {row.x, row.y, bw, row.h};
        Rect b2 = {row.x + bw + g, row.y, bw, row.h};
        Rect b3 = {row.x + 2 * (bw + g), row.y, row.w - 2 * (bw + g), row.h};
        if (ui_button(ui, ui_id("train.play"), b1, running ? "Pause" : "Play")) {
            if (running)
                lab_pause(L);
            else
                lab_play(L);
        }
        if (ui_button(ui, ui_id("train.step"), b2, "Step")) {
            lab_pause(L);
            trainmodel_step(m);
        }
        if (ui_button(ui, ui_id("train.reset"), b3, "Reset")) {
            lab_pause(L);
            L->pending = 0;
            trainmodel_reset(m);
            trainmodel_select_cell(m, -1, -1);
        }
        if (running)
            render_round_rect_outline(r, b1, theme_px(th, 6), theme_px(th, 2), th->accent);
    }
    ui_column_heading(ui, &col, "Settings");
    Rect f;
    row = ui_column_next(&col, 1);
    if (row.w > 0) {
        labelled_row(ui, row, "Learning rate \xCE\xB7", &f);
        int sel = lr_index(s->lr);
        if (ui_dropdown(ui, ui_id("train.lr"), f, L->lr_items, sel == N_LR ? N_LR + 1 : N_LR,
                        &sel))
            set_lr_index(L, sel);
    }
    row = ui_column_next(&col, 1);
    if (row.w > 0) {
        labelled_row(ui, row, "Batch size", &f);
        int sel = batch_index(s->batch);
        if (ui_dropdown(ui, ui_id("train.batch"), f, L->batch_items,
                        sel == N_BATCH ? N_BATCH + 1 : N_BATCH, &sel) &&
            sel < N_BATCH)
            trainmodel_set_batch(m, batch_values[sel]);
    }
    row = ui_column_next(&col, 1);
    if (row.w > 0) {
        int sel = s->optim == OPTIM_ADAM ? 1 : 0;
        if (ui_dropdown(ui, ui_id("train.optim"), row, optim_items, 2, &sel))
            trainmodel_set_optimizer(m, sel == 1 ? OPTIM_ADAM : OPTIM_SGD);
    }
    ui_column_heading(ui, &col, "Progress");
    char a[32], b[32], line[160];
    int size = theme_px(th, THEME_BODY);
    int lh = render_line_height(r, FONT_MONO, size);
    const char *lines[6];
    char l0[160], l1[160], l2[160], l3[160], l4[160];
    snprintf(l0, sizeof l0, "step    %s", thousands(s->step, a, sizeof a));
    snprintf(l1, sizeof l1, "epoch   %.2f (%d done)", (double)s->epoch_pos, s->epoch);
    snprintf(l2, sizeof l2, "images  %s", thousands(trainmodel_images_seen(m), a, sizeof a));
    if (L->playing && !full_speed(&L->tl))
        snprintf(l3, sizeof l3, "paced: %g steps/s", pace_rate(&L->tl));
    else if (s->state == TRAINER_RUNNING && m->rate > 0.0)
        snprintf(l3, sizeof l3, "images/s %s", thousands((long)llround(m->rate), b, sizeof b));
    else if (L->pending > 0)
        snprintf(l3, sizeof l3, "%s to step %ld", L->replaying ? "replaying" : "training",
                 s->step + L->pending);
    else
        snprintf(l3, sizeof l3, "images/s \xE2\x80\x94 (%s)",
                 s->state == TRAINER_RUNNING ? "starting" : "paused");
    if (m->n_test_pts > 0)
        snprintf(l4, sizeof l4, "test    %.1f %% of %d", 100.0 * (double)m->test_acc[m->n_test_pts - 1],
                 s->n_test_pred);
    else
        snprintf(l4, sizeof l4, "test    at step %d", TRAINLAB_TEST_EVERY);
    lines[0] = l0;
    lines[1] = l1;
    lines[2] = l2;
    lines[3] = l3;
    lines[4] = l4;
    for (int i = 0; i < 5; i++) {
        if (col.y + lh > col.area.y + col.area.h)
            break;
        render_text_line(r, FONT_MONO, size, theme_px(th, 9), lines[i],
                         (Rect){col.area.x, col.y, col.area.w, lh}, ALIGN_LEFT | ALIGN_TOP,
                         i == 3 && L->playing ? th->accent : th->text);
        col.y += lh;
    }
    col.y += col.gap;
    /* the keys, when they fit */
    static const char *const keys[] = {"Space play/pause  \xE2\x86\x92 step", "Home or R reset",
                                       "L / Shift+L learning rate", "B / Shift+B batch", "O optimizer",
                                       "click a confusion cell;", "C clears it"};
    int ks = theme_px(th, THEME_SMALL);
    int klh = render_line_height(r, FONT_MONO, ks);
    int n_keys = (int)(sizeof keys / sizeof keys[0]);
    if (col.y + col.row_h + n_keys * klh <= col.area.y + col.area.h) {
        ui_column_heading(ui, &col, "Keys");
        for (int i = 0; i < n_keys; i++) {
            render_text_line(r, FONT_MONO, ks, theme_px(th, 9), keys[i],
                             (Rect){col.area.x, col.y, col.area.w, klh}, ALIGN_LEFT | ALIGN_TOP,
                             th->text_dim);
            col.y += klh;
        }
    }
    (void)line;
}

/* ---- the stage --------------------------------------------------------------------------- */

/* The curves' x: in epochs, or in steps while the run is shorter than one epoch (an epoch
 * axis over 0..0.4 has no tick but 0 in a narrow plot; 0, 100, 200 steps read at once). Fills
 * L->bin_x and L->test_x and returns the axis' right end, a little beyond where training is. */
static float plot_x(TrainLab *L)
{
    TrainModel *m = &L->m;
    float e = m->snap.epoch_pos;
    float spe = (float)trainmodel_steps_per_epoch(m);
    L->x_steps = e < 1.0f && spe > 0.0f;
    float k = L->x_steps ? spe : 1.0f;
    for (int i = 0; i < m->n_bins; i++)
        L->bin_x[i] = m->bin_epoch[i] * k;
    int nt = m->n_test_pts < L->test_pct_cap ? m->n_test_pts : L->test_pct_cap;
    for (int i = 0; i < nt; i++)
        L->test_x[i] = m->test_epoch[i] * k;
    float hi = e * k * 1.05f, least = L->x_steps ? 10.0f : 0.05f;
    L->x_hi = hi < least ? least : hi;
    return L->x_hi;
}

static void draw_loss_plot(TrainLab *L, LabContext *ctx, Rect area)
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
    v.title = pick_fit(ctx->r, FONT_SANS_BOLD, lay.title_size, lay.title.w, 2, titles);
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

static void draw_acc_plot(TrainLab *L, LabContext *ctx, Rect area)
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
    PlotCurve *c = plot_add_curve(&v, L->bin_x, L->acc_pct, m->n_bins, curve_train(th),
                                  L->leg_acc);
    if (c && m->n_bins < 12)
        c->dots = true;
    c = plot_add_curve(&v, L->test_x, L->test_pct, nt, curve_test(th), L->leg_test);
    if (c)
        c->dots = true;
    PlotLayout lay = plot_layout(&v, area, th);
    if (!legend_fits(ctx->r, th, &v, &lay)) {
        v.y_label = "%";
        if (!legend_fits(ctx->r, th, &v, &lay))
            snprintf(L->leg_test, sizeof L->leg_test, "test");
    }
    plot_draw(ctx->r, th, &v, &lay);
    if (nt == 0 && m->n_bins == 0) {
        static const char *const notes[] = {"the test digits are scored every 50 steps",
                                            "test: every 50 steps"};
        plot_hint(ctx->r, th, lay.area, 2, notes, "test digits", "every 50 steps");
    }
}

static void draw_confusion(TrainLab *L, LabContext *ctx, Rect area)
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
    Rect body = heading_fit(r, th, area, 3, titles);
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
                render_rect_outline(r, rect_inset(rc, 1), theme_px(th, 2), wrong_color(th));
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
        note(r, th, lg, "empty until the first test evaluation (step 50)", th->text_dim);
}

/* Makes the textures on the first draw (or for a new Render). */
static bool ensure_images(TrainLab *L, Render *r)
{
    if (L->img_r != r) {
        destroy_images(L);
        L->img_r = r;
        for (int i = 0; i < TRAINLAB_MAX_KERNELS; i++)
            L->kimg[i] = render_image_create(r, TRAINLAB_KSIDE, TRAINLAB_KSIDE);
        for (int i = 0; i < TRAINLAB_STREAM; i++)
            L->simg[i] = render_image_create(r, TRAINLAB_SIDE, TRAINLAB_SIDE);
        for (int i = 0; i < TRAINLAB_GALLERY; i++)
            L->gimg[i] = render_image_create(r, TRAINLAB_SIDE, TRAINLAB_SIDE);
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

static void draw_kernels(TrainLab *L, LabContext *ctx, Rect area, bool images)
{
    TrainModel *m = &L->m;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    Ui *ui = ctx->ui;
    char t0[128], t1[128];
    int nk = m->n_kernels;
    snprintf(t0, sizeof t0, "First-layer kernels %d\xC3\x97" "1\xC3\x97" "5\xC3\x97" "5", nk);
    snprintf(t1, sizeof t1, "Kernels %d\xC3\x97" "1\xC3\x97" "5\xC3\x97" "5", nk);
    const char *titles[3] = {t0, t1, "Kernels"};
    Rect body = heading_fit(r, th, area, 3, titles);
    if (nk == 0) {
        note(r, th, body, "the net has no 5\xC3\x97" "5 first convolution", th->text_dim);
        return;
    }
    ColorScale sc = colorscale_make(COLORMAP_DIVERGING, -m->kernel_absmax, m->kernel_absmax);
    if (images && (!L->kimg_valid || L->kimg_gen != m->gen)) {
        uint32_t px[TRAINLAB_KSIDE * TRAINLAB_KSIDE];
        for (int k = 0; k < nk; k++) {
            for (int i = 0; i < TRAINLAB_KSIDE * TRAINLAB_KSIDE; i++)
                px[i] = rgba(colorscale_color(&sc, m->kernels[k * 25 + i]));
            render_image_update(r, L->kimg[k], px);
        }
        L->kimg_gen = m->gen;
        L->kimg_valid = true;
    }
    int legend_h = colormap_legend_height(th);
    int gap = theme_px(th, 8);
    int lab_h = render_line_height(r, FONT_MONO, theme_px(th, THEME_SMALL));
    /* the arrangement with the largest kernels: 1, 2 or 4 rows */
    int best_side = 0, best_cols = nk;
    for (int rows = 1; rows <= 4; rows *= 2) {
        int cols = (nk + rows - 1) / rows;
        int side_w = (body.w - (cols - 1) * gap) / cols;
        int side_h = (body.h - legend_h - gap - rows * (lab_h + gap)) / rows;
        int side = side_w < side_h ? side_w : side_h;
        if (side > best_side) {
            best_side = side;
            best_cols = cols;
        }
    }
    int side = best_side > theme_px(th, 96) ? theme_px(th, 96) : best_side;
    side -= side % TRAINLAB_KSIDE;
    if (side < TRAINLAB_KSIDE)
        return;
    int cols = best_cols, rows = (nk + cols - 1) / cols;
    int bw = cols * side + (cols - 1) * gap;
    int x0 = body.x + (body.w - bw) / 2, y0 = body.y;
    int cs = side / TRAINLAB_KSIDE;
    int hov = -1, hr = 0, hc = 0;
    for (int k = 0; k < nk; k++) {
        int cx = x0 + (k % cols) * (side + gap);
        int cy = y0 + (k / cols) * (side + lab_h + gap);
        Rect rc = {cx, cy, side, side};
        char kl[16];
        snprintf(kl, sizeof kl, "k%d", k);
        render_text(r, FONT_MONO, theme_px(th, THEME_SMALL), kl, cx + side / 2, cy + side,
                    ALIGN_CENTER | ALIGN_TOP, th->text_dim);
        if (ctx->show_values && cs >= theme_px(th, 18)) {
            GridView gv = grid_view_make(NULL, m->kernels + k * 25, TRAINLAB_KSIDE,
                                         TRAINLAB_KSIDE, COLORMAP_DIVERGING);
            gv.scale = sc;
            gv.show_legend = false;
            gv.show_values = true;
            gv.decimals = 2;
            GridLayout gl = grid_layout(&gv, rc, th, 0);
            grid_draw(r, th, &gv, &gl);
        } else if (images) {
            render_image_draw(r, L->kimg[k], rc, false);
        } else {
            for (int i = 0; i < 25; i++)
                render_rect(r, (Rect){cx + (i % 5) * cs, cy + (i / 5) * cs, cs, cs},
                            colorscale_color(&sc, m->kernels[k * 25 + i]));
        }
        render_rect_outline(r, rect_inset(rc, -1), 1, th->border);
        if (!ctx->headless && rect_contains(rc, ui->in.mx, ui->in.my)) {
            hov = k;
            hr = (ui->in.my - cy) / cs;
            hc = (ui->in.mx - cx) / cs;
            if (hr > 4)
                hr = 4;
            if (hc > 4)
                hc = 4;
        }
    }
    if (hov >= 0) {
        int cx = x0 + (hov % cols) * (side + gap), cy = y0 + (hov / cols) * (side + lab_h + gap);
        render_rect_outline(r, (Rect){cx + hc * cs, cy + hr * cs, cs, cs}, theme_px(th, 2),
                            th->hover);
        snprintf(L->tip, sizeof L->tip,
                 "kernel k%d, row %d, col %d\nw = %.4f (step %ld)\nwhite 0, orange +, blue \xE2\x88\x92", hov,
                 hr, hc, (double)m->kernels[hov * 25 + hr * 5 + hc], m->snap.step);
        ui_tooltip(ui, L->tip);
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

static void draw_stream(TrainLab *L, LabContext *ctx, Rect area, bool images)
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
    Rect body = heading_fit(r, th, area, 3, titles);
    if (m->n_stream == 0 || !images) {
        note(r, th, body,
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
        draw_thumb(r, th, L->simg[slot], rc, c, ok ? th->text : wrong_color(th),
                   ok ? right_color(th) : wrong_color(th));
        if (!ctx->headless && rect_contains(rc, ui->in.mx, ui->in.my)) {
            snprintf(L->tip, sizeof L->tip,
                     "step %ld: true %d, predicted %d (p = %.3f)\n%s", it->step, it->label,
                     it->predicted, (double)it->prob, ok ? "right" : "wrong");
            ui_tooltip(ui, L->tip);
        }
    }
}

static void draw_gallery(TrainLab *L, LabContext *ctx, Rect area, bool images)
{
    TrainModel *m = &L->m;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    Ui *ui = ctx->ui;
    char title[160];
    if (m->sel_true < 0) {
        static const char *const titles[] = {"Test digits of a confusion cell", "A cell's digits"};
        Rect body = heading_fit(r, th, area, 2, titles);
        note(r, th, body,
             "Click a cell of the confusion matrix: its test digits appear here. Off the "
             "diagonal (outlined red) are the mistakes: true digit in the row, the net's answer "
             "in the column.",
             th->text_dim);
        return;
    }
    char t1[96];
    if (m->sel_true == m->sel_pred)
        snprintf(title, sizeof title, "True %d, predicted %d: %d right", m->sel_true,
                 m->sel_pred, m->gallery_total);
    else
        snprintf(title, sizeof title, "True %d, predicted %d: %d mistake%s", m->sel_true,
                 m->sel_pred, m->gallery_total, m->gallery_total == 1 ? "" : "s");
    snprintf(t1, sizeof t1, "%d \xE2\x86\x92 %d: %d digit%s", m->sel_true, m->sel_pred,
             m->gallery_total, m->gallery_total == 1 ? "" : "s");
    const char *titles[2] = {title, t1};
    Rect body = heading_fit(r, th, area, 2, titles);
    if (m->gallery_total == 0) {
        char t[200];
        if (m->n_test_pts == 0)
            snprintf(t, sizeof t, "No evaluation yet: the test digits are scored at step %d.",
                     TRAINLAB_TEST_EVERY);
        else
            snprintf(t, sizeof t, "No test digit %d was taken for a %d at step %ld.",
                     m->sel_true, m->sel_pred, m->snap.test_hist[m->snap.n_test - 1].step);
        note(r, th, body, t, th->text_dim);
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
                   wrong ? wrong_color(th) : right_color(th));
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
static void draw_divergence(TrainLab *L, LabContext *ctx, Rect area)
{
    TrainModel *m = &L->m;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    render_round_rect(r, area, theme_px(th, 8), color_alpha(th->error, 28));
    render_round_rect_outline(r, area, theme_px(th, 8), theme_px(th, 2), th->error);
    Rect in = rect_inset(area, theme_px(th, 12));
    int hs = theme_px(th, THEME_HEADING);
    int hl = render_line_height(r, FONT_SANS_BOLD, hs);
    render_text_line(r, FONT_SANS_BOLD, hs, theme_px(th, 10), "Training diverged \xE2\x80\x94 undone",
                     (Rect){in.x, in.y, in.w, hl}, ALIGN_LEFT | ALIGN_TOP, th->error);
    int y = in.y + hl + theme_px(th, 6);
    int bs = theme_px(th, THEME_BODY);
    char why[1000];
    if (m->snap.optim == OPTIM_ADAM)
        snprintf(why, sizeof why,
                 "%s.\n\nWhy: Adam moves every weight by about \xCE\xB7 per step, whatever the "
                 "size of its gradient (\xCE\xB7 = %g). The weights start near \xC2\xB1" "0.2, "
                 "so a step that large throws them far from any sensible value: the outputs "
                 "saturate, the softmax gives the right class a probability near 0 and the loss "
                 "explodes. Choose a smaller learning rate (0.001 to 0.003 for Adam) and press "
                 "Play.",
                 m->message, (double)m->snap.lr);
    else
        snprintf(why, sizeof why,
                 "%s.\n\nWhy: SGD moves every weight by \xCE\xB7 times its gradient (\xCE\xB7 = "
                 "%g). When that step is wider than the valley the loss sits in, it lands higher "
                 "up the other side, where the gradient is larger still; each step overshoots "
                 "more and the loss grows until the numbers overflow. Choose a smaller learning "
                 "rate (0.01 to 0.1 for SGD) and press Play.",
                 m->message, (double)m->snap.lr);
    render_text_wrap(r, FONT_SANS, bs, why, (Rect){in.x, y, in.w, in.y + in.h - y}, th->text, true);
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
    draw_controls(L, ctx);
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    bool images = ensure_images(L, r);
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
    draw_loss_plot(L, ctx, loss);
    draw_acc_plot(L, ctx, acc);
    draw_confusion(L, ctx, conf);
    draw_kernels(L, ctx, kern, images);
    if (m->message[0]) {
        draw_divergence(L, ctx, (Rect){stream.x, by, rest, bh});
    } else {
        draw_stream(L, ctx, stream, images);
        draw_gallery(L, ctx, gal, images);
    }

    /* the equation strip: the update rule with this step's numbers */
    Rect e = ctx->equation;
    if (e.w > 0 && e.h > 0) {
        const TrainerSnapshot *s = &m->snap;
        int size = theme_px(th, THEME_BODY);
        int lh = render_line_height(r, FONT_MONO, size);
        char eq_short[256];
        if (s->optim == OPTIM_ADAM) {
            snprintf(eq_short, sizeof eq_short,
                     "Adam: w \xE2\x86\x90 w \xE2\x88\x92 \xCE\xB7\xC2\xB7m/(\xE2\x88\x9Av + \xCE\xB5),  \xCE\xB7 = %g",
                     (double)s->lr);
            snprintf(L->eq, sizeof L->eq,
                     "Adam: w \xE2\x86\x90 w \xE2\x88\x92 \xCE\xB7\xC2\xB7m/(\xE2\x88\x9Av + \xCE\xB5)  (m, v: running means of g, g\xC2\xB2),  \xCE\xB7 = %g",
                     (double)s->lr);
        } else {
            snprintf(eq_short, sizeof eq_short,
                     "SGD: w \xE2\x86\x90 w \xE2\x88\x92 \xCE\xB7\xC2\xB7v,  \xCE\xB7 = %g", (double)s->lr);
            snprintf(L->eq, sizeof L->eq,
                     "SGD: v \xE2\x86\x90 0.9\xC2\xB7v + \xE2\x88\x82L/\xE2\x88\x82w,  w \xE2\x86\x90 w \xE2\x88\x92 \xCE\xB7\xC2\xB7v,  \xCE\xB7 = %g",
                     (double)s->lr);
        }
        const char *eqs[2] = {L->eq, eq_short};
        const char *eq_line = pick_fit(r, FONT_MONO, size, e.w, 2, eqs);
        if (s->n_train > 0)
            snprintf(L->eq2, sizeof L->eq2,
                     "step %ld: loss %.4f on a batch of %d, %d of %d right", s->step,
                     (double)s->train_hist[s->n_train - 1].loss, s->n,
                     (int)llroundf(s->train_hist[s->n_train - 1].accuracy * (float)s->n), s->n);
        else
            snprintf(L->eq2, sizeof L->eq2, "step 0: the weights from seed %llu, not trained yet",
                     (unsigned long long)m->cfg.seed);
        bool two = 2 * lh <= e.h;
        int y = e.y + (e.h - (two ? 2 : 1) * lh) / 2;
        render_text_line(r, FONT_MONO, size, theme_px(th, 9), eq_line, (Rect){e.x, y, e.w, lh},
                         ALIGN_LEFT | ALIGN_TOP, th->text);
        if (two)
            render_text_line(r, FONT_MONO, size, theme_px(th, 9), L->eq2,
                             (Rect){e.x, y + lh, e.w, lh}, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    }
}

/* The H overlay's rows for this lab (train_key, the timeline and the confusion matrix). */
static const UiHelpRow train_help[] = {
    {"Space", "train / pause (the timeline counts training steps)"},
    {"\xE2\x86\x92", "one training step"},
    {"Home  R", "reset: fresh weights from the seed, step 0"},
    {"L  \xE2\x87\xA7L", "learning rate one preset up / down"},
    {"B  \xE2\x87\xA7" "B", "batch size doubled / halved"},
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

/* ---- test-facing reads (lab_train.h) ------------------------------------------------------ */

bool lab_train_x_in_steps(void *state, float *x_hi)
{
    const TrainLab *L = state;
    if (x_hi)
        *x_hi = L->x_hi;
    return L->x_steps;
}
