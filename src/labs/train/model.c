/* labs/train/model.c - the Train lab's state (see model.h). Every number here is read from the
 * trainer's snapshots (engine/trainer.c computes them); this file only bins, copies and counts. */
#include "labs/train/model.h"

#include "engine/assets.h"
#include "engine/net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

TrainConfig trainmodel_default_config(void)
{
    /* the command line's optimizer, learning rate and its decay per epoch, batch and seed:
     * the same net trains to the same weights in the window and on the command line */
    TrainConfig c = trainer_default_config();
    /* one worker thread: the window keeps the other core */
    c.threads = 1;
    c.test_every = TRAINLAB_TEST_EVERY;
    c.test_subset = TRAINLAB_TEST_SUBSET;
    return c;
}

/* Reads a whole text file; NULL with err when it cannot. */
static char *read_text(const char *path, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "%.500s: cannot open the net file", path);
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                snprintf(err, err_size, "%.500s: out of memory", path);
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, 4096, f);
        len += got;
        if (got < 4096)
            break;
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Forgets everything derived from snapshots (after a reset or a new trainer). */
static void clear_derived(TrainModel *m)
{
    m->snap_step = -1;
    m->n_bins = 0;
    m->bin_steps = 1;
    m->loss_max = 0.0f;
    m->n_test_pts = 0;
    m->n_stream = 0;
    m->stream_head = 0;
    m->stream_gen++;
    m->n_gallery = 0;
    m->gallery_total = 0;
    m->rate = 0.0;
    m->rate_clock = 0.0;
    m->rate_images = 0;
    m->message[0] = '\0';
    m->message_new = false;
}

/* The layer whose weights the kernel panel shows: the first convolution (its kernels on the
 * first input channel), or with none the first dense layer when it reads the 28x28 digit
 * directly (each unit's weights are a 28x28 picture). */
static void find_conv_layer(TrainModel *m)
{
    const NetSpec *s = &trainer_net(m->tr)->spec;
    m->conv_layer = -1;
    m->conv_dense = false;
    m->kh = m->kw = m->k_in_c = m->k_units = 0;
    for (int i = 0; i < s->n_layers; i++) {
        const Layer *l = &s->layers[i];
        if (l->kind == LAYER_CONV && l->conv.kh <= TRAINLAB_KMAX && l->conv.kw <= TRAINLAB_KMAX) {
            m->conv_layer = i;
            m->kh = l->conv.kh;
            m->kw = l->conv.kw;
            m->k_in_c = l->in.c;
            m->k_units = l->units;
            return;
        }
    }
    for (int i = 0; i < s->n_layers; i++) {
        const Layer *l = &s->layers[i];
        if (l->kind == LAYER_DENSE) {
            if (l->units > 0 && l->n_w == (long)l->units * TRAINLAB_PIX) {
                m->conv_layer = i;
                m->conv_dense = true;
                m->kh = m->kw = TRAINLAB_SIDE;
                m->k_in_c = 1;
                m->k_units = l->units;
            }
            return;
        }
    }
}

static bool make_trainer(TrainModel *m, char *err, size_t err_size)
{
    m->tr = trainer_create(m->net_text, m->net_file, &m->train, &m->test, &m->cfg, err, err_size);
    if (!m->tr)
        return false;
    /* the net is only read here, before any worker step */
    find_conv_layer(m);
    clear_derived(m);
    m->dirty = true;
    trainmodel_refresh(m, 0.0);
    return true;
}

bool trainmodel_init(TrainModel *m, const TrainConfig *cfg, char *err, size_t err_size)
{
    memset(m, 0, sizeof *m);
    m->sel_true = m->sel_pred = -1;
    m->cfg = *cfg;
    char dir[1024], derr[600] = "";
    assets_path(dir, sizeof dir, "assets/digits");
    if (!dataset_load_part(&m->train, dir, DATASET_TRAIN, DATASET_WINDOW_LIMIT, derr,
                           sizeof derr)) {
        snprintf(err, err_size, "train lab: %.560s", derr);
        return false;
    }
    if (!dataset_load_part(&m->test, dir, DATASET_TEST, DATASET_WINDOW_LIMIT, derr, sizeof derr)) {
        snprintf(err, err_size, "train lab: %.560s", derr);
        dataset_free(&m->train);
        return false;
    }
    if (m->train.h != TRAINLAB_SIDE || m->train.w != TRAINLAB_SIDE) {
        snprintf(err, err_size, "train lab: %s: digits are %dx%d, expected 28x28",
                 m->train.images_path, m->train.h, m->train.w);
        trainmodel_free(m);
        return false;
    }
    assets_path(m->net_file, sizeof m->net_file, "assets/nets/lenet-tiny.net");
    m->net_text = read_text(m->net_file, derr, sizeof derr);
    if (!m->net_text) {
        snprintf(err, err_size, "train lab: %.560s", derr);
        trainmodel_free(m);
        return false;
    }
    if (!make_trainer(m, derr, sizeof derr)) {
        snprintf(err, err_size, "train lab: %.560s", derr);
        trainmodel_free(m);
        return false;
    }
    return true;
}

void trainmodel_free(TrainModel *m)
{
    trainer_destroy(m->tr);
    trainer_snapshot_free(&m->snap);
    dataset_free(&m->train);
    dataset_free(&m->test);
    free(m->net_text);
    free(m->test_epoch);
    free(m->test_acc);
    memset(m, 0, sizeof *m);
}

/* The training history in at most TRAINLAB_BINS bins of bin_steps consecutive steps each:
 * the batch losses are noisy, their mean over a bin shows the trend. */
static void rebuild_bins(TrainModel *m)
{
    const TrainerSnapshot *s = &m->snap;
    int n = s->n_train;
    m->bin_steps = n <= TRAINLAB_BINS ? 1 : (n + TRAINLAB_BINS - 1) / TRAINLAB_BINS;
    m->n_bins = 0;
    m->loss_max = 0.0f;
    for (int start = 0; start < n; start += m->bin_steps) {
        int end = start + m->bin_steps < n ? start + m->bin_steps : n;
        double loss = 0.0, acc = 0.0;
        for (int i = start; i < end; i++) {
            loss += s->train_hist[i].loss;
            acc += s->train_hist[i].accuracy;
        }
        int k = m->n_bins++;
        /* the bin is drawn where it ends: the curve reaches the latest step */
        m->bin_epoch[k] = s->train_hist[end - 1].epoch;
        m->bin_loss[k] = (float)(loss / (end - start));
        m->bin_acc[k] = (float)(acc / (end - start));
        if (m->bin_loss[k] > m->loss_max)
            m->loss_max = m->bin_loss[k];
    }
    if (s->n_test > m->test_cap) {
        int cap = s->n_test * 2;
        float *e = realloc(m->test_epoch, sizeof(float) * (size_t)cap);
        if (e)
            m->test_epoch = e;
        float *a = realloc(m->test_acc, sizeof(float) * (size_t)cap);
        if (a)
            m->test_acc = a;
        if (e && a)
            m->test_cap = cap;
    }
    m->n_test_pts = s->n_test < m->test_cap ? s->n_test : m->test_cap;
    for (int i = 0; i < m->n_test_pts; i++) {
        m->test_epoch[i] = s->test_hist[i].epoch;
        m->test_acc[i] = s->test_hist[i].accuracy;
    }
}

static void rebuild_kernels(TrainModel *m)
{
    m->n_kernels = 0;
    m->kernel_absmax = 0.0f;
    if (m->conv_layer < 0 || !m->snap.params)
        return;
    const Layer *l = &trainer_net(m->tr)->spec.layers[m->conv_layer];
    /* conv: (O, C/G, kh, kw), kernel o on input channel 0 at o * C/G*kh*kw; dense: (U, 784) */
    long kk = (long)m->kh * m->kw;
    long per_unit = l->n_w / (m->k_units > 0 ? m->k_units : 1);
    m->n_kernels = m->k_units < TRAINLAB_MAX_KERNELS ? m->k_units : TRAINLAB_MAX_KERNELS;
    for (int o = 0; o < m->n_kernels; o++) {
        const float *w = m->snap.params + l->w_off + (long)o * per_unit;
        for (long i = 0; i < kk; i++) {
            m->kernels[o * kk + i] = w[i];
            if (fabsf(w[i]) > m->kernel_absmax)
                m->kernel_absmax = fabsf(w[i]);
        }
    }
}

static void push_stream(TrainModel *m)
{
    const TrainerSnapshot *s = &m->snap;
    int take = s->n < TRAINLAB_STREAM_PER_STEP ? s->n : TRAINLAB_STREAM_PER_STEP;
    if (s->in_elems != TRAINLAB_PIX)
        return;
    for (int j = 0; j < take; j++) {
        TrainStreamItem *it;
        if (m->n_stream < TRAINLAB_STREAM) {
            it = &m->stream[(m->stream_head + m->n_stream) % TRAINLAB_STREAM];
            m->n_stream++;
        } else {
            it = &m->stream[m->stream_head];
            m->stream_head = (m->stream_head + 1) % TRAINLAB_STREAM;
        }
        memcpy(it->px, s->inputs + (long)j * TRAINLAB_PIX, sizeof it->px);
        it->label = s->labels[j];
        it->predicted = s->predicted[j];
        it->step = s->step;
        it->prob = s->outputs[(long)j * s->classes + it->predicted];
        it->serial = m->next_serial++;
    }
    m->stream_gen++;
}

static void rebuild_gallery(TrainModel *m)
{
    m->n_gallery = 0;
    m->gallery_total = 0;
    if (m->sel_true < 0)
        return;
    const TrainerSnapshot *s = &m->snap;
    for (int i = 0; i < s->n_test_pred && i < m->test.n; i++) {
        if (m->test.labels[i] == m->sel_true && s->test_pred[i] == m->sel_pred) {
            if (m->n_gallery < TRAINLAB_GALLERY)
                m->gallery[m->n_gallery++] = i;
            m->gallery_total++;
        }
    }
}

long trainmodel_images_seen(const TrainModel *m)
{
    return (long)llround((double)m->snap.epoch_pos * (double)m->train.n);
}

bool trainmodel_refresh(TrainModel *m, double dt)
{
    bool changed = false;
    long steps = trainer_steps(m->tr);
    TrainerState st = trainer_state(m->tr);
    if (m->dirty || steps != m->snap_step || st != m->snap.state) {
        m->dirty = false;
        if (trainer_snapshot(m->tr, &m->snap)) {
            long prev = m->snap_step;
            if (m->snap.step < prev) {
                /* a reset: the stream and the rate start over */
                m->n_stream = 0;
                m->stream_head = 0;
                m->stream_gen++;
                m->rate_images = 0;
            }
            if (m->snap.step > prev && m->snap.n > 0 && m->snap.step > 0)
                push_stream(m);
            m->snap_step = m->snap.step;
            rebuild_bins(m);
            rebuild_kernels(m);
            rebuild_gallery(m);
            if (strcmp(m->message, m->snap.message) != 0) {
                snprintf(m->message, sizeof m->message, "%s", m->snap.message);
                m->message_new = m->message[0] != '\0';
            }
            m->gen++;
            changed = true;
        }
    }
    /* images per second over at least the last half second of running, on the wall clock:
     * while the lab is hidden the worker trains and no refresh comes, and the next sample
     * spans that time too */
    (void)dt;
    long images = trainmodel_images_seen(m);
    double now = monotonic_seconds();
    if (m->snap.state == TRAINER_RUNNING && m->rate_clock > 0.0) {
        if (now - m->rate_clock >= 0.5) {
            m->rate = (double)(images - m->rate_images) / (now - m->rate_clock);
            m->rate_clock = now;
            m->rate_images = images;
        }
    } else {
        if (m->snap.state != TRAINER_RUNNING)
            m->rate = 0.0;
        m->rate_clock = now;
        m->rate_images = images;
    }
    return changed;
}

bool trainmodel_play(TrainModel *m)
{
    bool ok = trainer_start(m->tr);
    m->message[0] = '\0';
    m->message_new = false;
    m->rate_clock = monotonic_seconds();
    m->rate_images = trainmodel_images_seen(m);
    m->dirty = true;
    return ok;
}

void trainmodel_pause(TrainModel *m)
{
    trainer_pause(m->tr);
    m->dirty = true;
    trainmodel_refresh(m, 0.0);
}

void trainmodel_step(TrainModel *m)
{
    trainer_single_step(m->tr);
    m->dirty = true;
    trainmodel_refresh(m, 0.0);
}

void trainmodel_reset(TrainModel *m)
{
    trainer_reset(m->tr);
    clear_derived(m);
    m->dirty = true;
    trainmodel_refresh(m, 0.0);
}

bool trainmodel_running(TrainModel *m)
{
    return trainer_state(m->tr) == TRAINER_RUNNING;
}

void trainmodel_set_stop(TrainModel *m, long step)
{
    trainer_set_stop_step(m->tr, step);
}

int trainmodel_run_steps(TrainModel *m, int n)
{
    trainer_pause(m->tr);
    int done = 0;
    for (; done < n; done++) {
        bool ok = trainer_step_now(m->tr);
        m->dirty = true;
        trainmodel_refresh(m, 0.0);
        if (!ok)
            break;
    }
    return done;
}

void trainmodel_set_lr(TrainModel *m, float lr)
{
    trainer_set_lr(m->tr, lr);
    m->dirty = true;
}

void trainmodel_set_batch(TrainModel *m, int batch)
{
    trainer_set_batch(m->tr, batch);
    m->dirty = true;
}

void trainmodel_set_optimizer(TrainModel *m, OptimKind kind)
{
    trainer_set_optimizer(m->tr, kind);
    m->dirty = true;
}

bool trainmodel_set_seed(TrainModel *m, unsigned long long seed, char *err, size_t err_size)
{
    Trainer *old = m->tr;
    trainer_pause(old);
    TrainConfig keep = m->cfg;
    /* the new trainer starts with the settings the old one had reached */
    m->cfg.seed = (uint64_t)seed;
    m->cfg.lr = m->snap.lr;
    m->cfg.batch = m->snap.batch;
    m->cfg.optim = m->snap.optim;
    if (!make_trainer(m, err, err_size)) {
        m->cfg = keep;
        m->tr = old;
        m->dirty = true;
        trainmodel_refresh(m, 0.0);
        return false;
    }
    trainer_destroy(old);
    return true;
}

bool trainmodel_set_net(TrainModel *m, const char *text, const char *file, char *err,
                        size_t err_size)
{
    static NetSpec spec; /* large; parsed on the window's thread only */
    if (!net_parse(&spec, text, file, err, err_size))
        return false;
    const Shape *in = &spec.input;
    const Shape *out = spec.n_layers > 0 ? &spec.layers[spec.n_layers - 1].out : in;
    long out_elems = (long)out->c * (out->rank > 1 ? out->h : 1) * (out->rank > 2 ? out->w : 1);
    if (in->c != 1 || in->h != TRAINLAB_SIDE || in->w != TRAINLAB_SIDE ||
        out_elems != TRAINLAB_CLASSES) {
        char got[64];
        if (out->rank == 1)
            snprintf(got, sizeof got, "%d", out->c);
        else
            snprintf(got, sizeof got, "%dx%dx%d", out->c, out->h, out->w);
        snprintf(err, err_size,
                 "%.500s: it takes %dx%dx%d and gives %s outputs; the digits need 1x28x28 in "
                 "and 10 out",
                 file, in->c, in->h, in->w, got);
        return false;
    }
    char *copy = malloc(strlen(text) + 1);
    if (!copy) {
        snprintf(err, err_size, "%.500s: out of memory", file);
        return false;
    }
    strcpy(copy, text);
    Trainer *old = m->tr;
    trainer_pause(old);
    char *old_text = m->net_text;
    char old_file[sizeof m->net_file];
    snprintf(old_file, sizeof old_file, "%s", m->net_file);
    TrainConfig keep = m->cfg;
    m->cfg.lr = m->snap.lr;
    m->cfg.batch = m->snap.batch;
    m->cfg.optim = m->snap.optim;
    m->net_text = copy;
    snprintf(m->net_file, sizeof m->net_file, "%s", file);
    if (!make_trainer(m, err, err_size)) {
        free(copy);
        m->net_text = old_text;
        snprintf(m->net_file, sizeof m->net_file, "%s", old_file);
        m->cfg = keep;
        m->tr = old;
        m->dirty = true;
        trainmodel_refresh(m, 0.0);
        return false;
    }
    trainer_destroy(old);
    free(old_text);
    trainmodel_select_cell(m, -1, -1);
    return true;
}

void trainmodel_select_cell(TrainModel *m, int t, int p)
{
    if (t < 0 || p < 0 || t >= DATASET_CLASSES || p >= DATASET_CLASSES) {
        m->sel_true = m->sel_pred = -1;
    } else {
        m->sel_true = t;
        m->sel_pred = p;
    }
    rebuild_gallery(m);
    m->gen++;
}

int trainmodel_steps_per_epoch(const TrainModel *m)
{
    int b = m->snap.batch > 0 ? m->snap.batch : 1;
    return (m->train.n + b - 1) / b;
}

const TrainStreamItem *trainmodel_stream_item(const TrainModel *m, int i)
{
    if (i < 0 || i >= m->n_stream)
        return NULL;
    return &m->stream[(m->stream_head + i) % TRAINLAB_STREAM];
}

const char *trainmodel_take_message(TrainModel *m)
{
    if (!m->message_new)
        return NULL;
    m->message_new = false;
    return m->message;
}

long trainmodel_confusion_total(const TrainModel *m)
{
    long t = 0;
    for (int i = 0; i < DATASET_CLASSES * DATASET_CLASSES; i++)
        t += m->snap.confusion[i];
    return t;
}

float trainmodel_plot_x(const TrainModel *m, bool *in_steps, float *per_epoch)
{
    float e = m->snap.epoch_pos;
    float spe = (float)trainmodel_steps_per_epoch(m);
    *in_steps = e < 1.0f && spe > 0.0f;
    float k = *in_steps ? spe : 1.0f;
    *per_epoch = k;
    float hi = e * k * 1.05f, least = *in_steps ? 10.0f : 0.05f;
    return hi < least ? least : hi;
}

/* ---- the settings' presets ------------------------------------------------------------------ */

const float trainmodel_lr_presets[TRAINLAB_N_LR] = {0.0001f, 0.0003f, 0.001f, 0.003f, 0.01f,
                                                    0.03f,   0.1f,    0.3f,   1.0f,   5.0f};
const int trainmodel_batch_presets[TRAINLAB_N_BATCH] = {1, 2, 4, 8, 16, 32, 64, 128, 256};

static double lr_value(int i)
{
    return trainmodel_lr_presets[i];
}

static double batch_value(int i)
{
    return trainmodel_batch_presets[i];
}

/* The index of v among the n ascending presets value(0 .. n-1), n when it is none of them. */
static int preset_index(int n, double v, double (*value)(int))
{
    for (int i = 0; i < n; i++)
        if (value(i) == v)
            return i;
    return n;
}

/* The preset one up (dir > 0) or down from v, clamped at the ends; from another value, the
 * nearest preset on that side of it (0.005 up: 0.01, down: 0.003). */
static int preset_next(int n, double v, double (*value)(int), int dir)
{
    int i = preset_index(n, v, value);
    if (i == n) {
        if (dir < 0) {
            for (i = n - 1; i > 0 && value(i) > v; i--)
                ;
        } else {
            for (i = 0; i < n - 1 && value(i) < v; i++)
                ;
        }
        return i;
    }
    return dir < 0 ? (i > 0 ? i - 1 : 0) : (i < n - 1 ? i + 1 : i);
}

int trainmodel_lr_index(float lr)
{
    return preset_index(TRAINLAB_N_LR, lr, lr_value);
}

int trainmodel_batch_index(int batch)
{
    return preset_index(TRAINLAB_N_BATCH, batch, batch_value);
}

float trainmodel_lr_next(float lr, int dir)
{
    return trainmodel_lr_presets[preset_next(TRAINLAB_N_LR, lr, lr_value, dir)];
}

int trainmodel_batch_next(int batch, int dir)
{
    return trainmodel_batch_presets[preset_next(TRAINLAB_N_BATCH, batch, batch_value, dir)];
}
