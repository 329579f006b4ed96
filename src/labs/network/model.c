/* lab_network_model.c - see lab_network_model.h. Legend: C channels, H/W height/width,
 * K classes, P parameters. */
#include "labs/network/model.h"

#include "engine/dense.h"
#include "engine/prep.h"
#include "engine/trainer.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- formatting --------------------------------------------------------------------------- */

/* Replaces a leading '-' of buf by U+2212 into out. */
static const char *minus_sign(const char *buf, char *out, size_t size)
{
    if (buf[0] == '-')
        snprintf(out, size, "\xE2\x88\x92%.60s", buf + 1);
    else
        snprintf(out, size, "%s", buf);
    return out;
}

const char *netlab_format_fixed(double v, int dec, char *out, size_t size)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", dec, v);
    /* "-0.00" is zero */
    bool zero = true;
    for (const char *p = buf; *p; p++)
        zero = zero && (*p == '-' || *p == '0' || *p == '.');
    return minus_sign(zero && buf[0] == '-' ? buf + 1 : buf, out, size);
}

const char *netlab_format_sig(double v, int sig, char *out, size_t size)
{
    char buf[64];
    double a = fabs(v);
    if (v == 0.0) {
        snprintf(out, size, "0");
        return out;
    }
    if (a >= 0.001 && a < 1e6) {
        /* plain: as many decimals as the significant digits need */
        int mag = (int)floor(log10(a));
        int dec = sig - 1 - mag;
        snprintf(buf, sizeof buf, "%.*f", dec < 0 ? 0 : dec, v);
        return minus_sign(buf, out, size);
    }
    snprintf(buf, sizeof buf, "%.*e", sig - 1, v);
    /* 2.10e-05 -> 2.10e−5 */
    char *e = strchr(buf, 'e');
    int ex = e ? atoi(e + 1) : 0;
    if (e)
        *e = '\0';
    char mant[64];
    minus_sign(buf, mant, sizeof mant);
    snprintf(out, size, "%se%s%d", mant, ex < 0 ? "\xE2\x88\x92" : "", ex < 0 ? -ex : ex);
    return out;
}

const char *netlab_times(const char *s, char *out, size_t size)
{
    size_t len = 0;
    for (size_t i = 0; s[i] && len + 3 < size; i++) {
        bool between = s[i] == 'x' && i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9' &&
                       s[i + 1] >= '0' && s[i + 1] <= '9';
        if (between) {
            memcpy(out + len, "\xC3\x97", 2);
            len += 2;
        } else {
            out[len++] = s[i];
        }
    }
    out[len] = '\0';
    return out;
}

/* A probability: 2 decimals from 0.01 up, else 2 significant digits (p = 0.0031). */
static const char *format_prob(double p, char *out, size_t size)
{
    if (p >= 0.01 || p == 0.0)
        return netlab_format_fixed(p, 2, out, size);
    return netlab_format_sig(p, 2, out, size);
}

void netlab_softmax_text(double z, double shift, double sum, float p, char *out, size_t size)
{
    char zs[48], ss[48], ps[48], ms[48];
    netlab_format_fixed(z, 2, zs, sizeof zs);
    netlab_format_sig(sum, 3, ss, sizeof ss);
    format_prob(p, ps, sizeof ps);
    if (shift != 0.0)
        snprintf(out, size, "e^(%s\xE2\x88\x92%s) / %s = %s", zs,
                 netlab_format_fixed(shift, 2, ms, sizeof ms), ss, ps);
    else
        snprintf(out, size, "e^%s / %s = %s", zs, ss, ps);
}

/* ---- the net and its forward pass --------------------------------------------------------- */

static void fill_info(NetLabModel *m)
{
    const NetSpec *sp = &m->net->spec;
    char raw[160];
    NetLabLayer *in = &m->info[0];
    memset(in, 0, sizeof *in);
    snprintf(in->line, sizeof in->line, "input");
    netlab_times(shape_format(sp->input, raw, sizeof raw), in->shape, sizeof in->shape);
    in->out = sp->input;
    m->total_params = 0;
    for (int k = 1; k <= m->n_layers; k++) {
        const Layer *l = &sp->layers[k - 1];
        NetLabLayer *li = &m->info[k];
        memset(li, 0, sizeof *li);
        layer_format(l, li->line, sizeof li->line);
        netlab_times(shape_format(l->out, raw, sizeof raw), li->shape, sizeof li->shape);
        li->out = l->out;
        li->params = layer_param_count(l);
        if (layer_has_params(l->kind))
            netlab_times(layer_param_formula(l, raw, sizeof raw), li->formula,
                         sizeof li->formula);
        m->total_params += li->params;
    }
}

bool netlab_model_load(NetLabModel *m, const char *path, char *err, size_t err_size)
{
    memset(m, 0, sizeof *m);
    m->net = net_load(path, NETLAB_SEED, err, err_size);
    if (!m->net)
        return false;
    m->acts = net_acts_create(m->net, 1);
    long n_in = shape_elems(m->net->spec.input);
    m->input = calloc((size_t)n_in, sizeof *m->input);
    m->trained = malloc(sizeof(float) * (size_t)m->net->n_params);
    if (!m->acts || !m->input || !m->trained) {
        snprintf(err, err_size, "%s: out of memory", path);
        netlab_model_free(m);
        return false;
    }
    snprintf(m->path, sizeof m->path, "%s", path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(m->name, sizeof m->name, "%s", base);
    char *dot = strrchr(m->name, '.');
    if (dot && strcmp(dot, ".net") == 0)
        *dot = '\0';
    m->n_layers = m->net->spec.n_layers;
    const Layer *last = &m->net->spec.layers[m->n_layers - 1];
    m->softmax = last->kind == LAYER_SOFTMAX;
    m->classes = last->out.c;
    m->train = NETLAB_INIT;
    atomic_init(&m->steps_done, 0);
    atomic_init(&m->cancel, false);
    atomic_init(&m->finished, false);
    snprintf(m->train_msg, sizeof m->train_msg, "initial weights (He/Xavier, seed %d)",
             NETLAB_SEED);
    fill_info(m);
    netlab_model_set_input(m, m->input);
    return true;
}

static void join_worker(NetLabModel *m)
{
    if (m->thread_live) {
        pthread_join(m->thread, NULL);
        m->thread_live = false;
    }
}

void netlab_model_free(NetLabModel *m)
{
    if (m->thread_live) {
        atomic_store(&m->cancel, true);
        join_worker(m);
    }
    net_acts_destroy(m->acts);
    net_destroy(m->net);
    free(m->input);
    free(m->trained);
    memset(m, 0, sizeof *m);
}

/* Value range of n values. */
static void range_of(const float *v, long n, float *lo, float *hi)
{
    float a = FLT_MAX, b = -FLT_MAX;
    for (long i = 0; i < n; i++) {
        a = v[i] < a ? v[i] : a;
        b = v[i] > b ? v[i] : b;
    }
    if (n <= 0)
        a = b = 0.0f;
    *lo = a;
    *hi = b;
}

static void compute_output(NetLabModel *m)
{
    int K = m->classes;
    int n = m->n_layers;
    m->p = m->acts->out[n - 1];
    m->z = m->softmax ? (n >= 2 ? m->acts->out[n - 2] : m->input) : m->p;
    m->predicted = net_predict_class(m->net, m->acts, 0);
    if (!m->softmax)
        return;
    /* p_k = e^(z_k) / Σ e^(z_j), in double; when e^z would overflow, every exponent is taken
     * relative to the largest logit (the same ratio: the engine's stable form) */
    double zmax = -DBL_MAX;
    for (int k = 0; k < K; k++)
        zmax = m->z[k] > zmax ? m->z[k] : zmax;
    m->shift = zmax > 80.0 ? zmax : 0.0;
    m->sum = 0.0;
    for (int k = 0; k < K; k++)
        m->sum += exp((double)m->z[k] - m->shift);
    for (int k = 0; k < K && k < NETLAB_MAX_CLASSES; k++) {
        m->exps[k] = exp((double)m->z[k] - m->shift);
        netlab_softmax_text(m->z[k], m->shift, m->sum, m->p[k], m->arith[k], sizeof m->arith[k]);
    }
    char ss[48];
    snprintf(m->sum_text, sizeof m->sum_text, "\xCE\xA3 e^z\xE2\xB1\xBC = %s (%d terms)",
             netlab_format_sig(m->sum, 3, ss, sizeof ss), K);
}

void netlab_model_set_input(NetLabModel *m, const float *x)
{
    long n_in = shape_elems(m->net->spec.input);
    if (x != m->input)
        memcpy(m->input, x, sizeof(float) * (size_t)n_in);
    net_forward(m->net, m->acts, m->input, 1);
    range_of(m->input, n_in, &m->info[0].lo, &m->info[0].hi);
    m->info[0].diverging = m->info[0].lo < 0.0f;
    for (int k = 1; k <= m->n_layers; k++) {
        NetLabLayer *li = &m->info[k];
        range_of(m->acts->out[k - 1], shape_elems(li->out), &li->lo, &li->hi);
        li->diverging = li->lo < 0.0f;
    }
    compute_output(m);
}

void netlab_model_refresh(NetLabModel *m)
{
    netlab_model_set_input(m, m->input);
}

void netlab_model_reset_weights(NetLabModel *m)
{
    if (m->thread_live) {
        atomic_store(&m->cancel, true);
        join_worker(m);
    }
    char err[256];
    Net *fresh = net_create(m->net->text, m->path, NETLAB_SEED, err, sizeof err);
    if (fresh) {
        memcpy(m->net->params, fresh->params, sizeof(float) * (size_t)m->net->n_params);
        net_destroy(fresh);
    }
    m->train = NETLAB_INIT;
    snprintf(m->train_msg, sizeof m->train_msg, "initial weights (He/Xavier, seed %d)",
             NETLAB_SEED);
    netlab_model_refresh(m);
}

void netlab_model_fit_picture(const NetLabModel *m, const float *pic, float *x)
{
    Shape s = m->net->spec.input;
    long plane = (long)s.h * s.w;
    if (s.h == PREP_SIZE && s.w == PREP_SIZE)
        memcpy(x, pic, sizeof(float) * (size_t)plane);
    else
        prep_resample(x, s.h, s.w, pic, PREP_SIZE, PREP_SIZE);
    for (int c = 1; c < s.c; c++)
        memcpy(x + c * plane, x, sizeof(float) * (size_t)plane);
}

const float *netlab_layer_data(const NetLabModel *m, int L)
{
    return L <= 0 ? m->input : m->acts->out[L - 1];
}

float netlab_unit_value(const NetLabModel *m, int L, int c, int y, int x)
{
    Shape s = m->info[L].out;
    return netlab_layer_data(m, L)[((long)c * s.h + y) * s.w + x];
}

bool netlab_model_trace(const NetLabModel *m, int L, int c, int y, int x, RfBox *out)
{
    if (L <= 0) {
        Shape s = m->info[0].out;
        if (c < 0 || c >= s.c || y < 0 || y >= s.h || x < 0 || x >= s.w)
            return false;
        out[0] = (RfBox){c, c, y, y, x, x, y, y, x, x, false};
        return true;
    }
    return receptive_trace(&m->net->spec, L - 1, c, y, x, out);
}

/* ---- training on a worker ---------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The worker: loads the training digits, trains one epoch (or train_limit images) of a copy
 * built from the same text and seed, evaluates it on the test digits, leaves the weights in
 * m->trained. It touches only its own objects, the read-only test set and the atomics. */
static void *train_worker(void *arg)
{
    NetLabModel *m = arg;
    double t0 = now_seconds();
    Dataset train;
    char err[512] = "";
    m->worker_err[0] = '\0';
    if (!dataset_load(&train, m->digits_dir, DATASET_TRAIN, err, sizeof err)) {
        snprintf(m->worker_err, sizeof m->worker_err, "%.250s", err);
        atomic_store(&m->finished, true);
        return NULL;
    }
    if (m->train_limit > 0 && m->train_limit < train.n)
        dataset_truncate(&train, m->train_limit);
    TrainConfig cfg = trainer_default_config();
    cfg.seed = NETLAB_SEED;
    cfg.test_every = 0;
    Trainer *tr = trainer_create(m->net->text, m->path, &train, NULL, &cfg, err, sizeof err);
    if (!tr) {
        snprintf(m->worker_err, sizeof m->worker_err, "%.250s", err);
        dataset_free(&train);
        atomic_store(&m->finished, true);
        return NULL;
    }
    int steps = trainer_steps_per_epoch(tr);
    for (int i = 0; i < steps && !atomic_load(&m->cancel); i++) {
        if (!trainer_step_now(tr)) {
            snprintf(m->worker_err, sizeof m->worker_err, "training diverged");
            break;
        }
        atomic_store(&m->steps_done, i + 1);
    }
    if (!atomic_load(&m->cancel) && !m->worker_err[0]) {
        const Net *net = trainer_net(tr);
        m->accuracy = trainer_evaluate(net, m->test, 0, NULL);
        memcpy(m->trained, net->params, sizeof(float) * (size_t)net->n_params);
        m->train_images = (int)trainer_images_seen(tr);
    }
    trainer_destroy(tr);
    dataset_free(&train);
    m->train_seconds = now_seconds() - t0;
    atomic_store(&m->finished, true);
    return NULL;
}

bool netlab_train_start(NetLabModel *m, const char *digits_dir, const Dataset *test)
{
    if (m->thread_live)
        return true;
    Shape s = m->net->spec.input;
    if (s.c != 1 || s.h != test->h || s.w != test->w || m->classes != DATASET_CLASSES) {
        m->train = NETLAB_FAILED;
        snprintf(m->train_msg, sizeof m->train_msg,
                 "initial weights: training on the digits needs a 1\xC3\x97%d\xC3\x97%d input "
                 "and 10 outputs",
                 test->h, test->w);
        return false;
    }
    snprintf(m->digits_dir, sizeof m->digits_dir, "%s", digits_dir);
    m->test = test;
    atomic_store(&m->steps_done, 0);
    atomic_store(&m->cancel, false);
    atomic_store(&m->finished, false);
    TrainConfig cfg = trainer_default_config();
    int n = m->train_limit > 0 ? m->train_limit : 8000;
    m->steps_total = (n + cfg.batch - 1) / cfg.batch;
    if (pthread_create(&m->thread, NULL, train_worker, m) != 0) {
        m->train = NETLAB_FAILED;
        snprintf(m->train_msg, sizeof m->train_msg, "initial weights: no thread for training");
        return false;
    }
    m->thread_live = true;
    m->train = NETLAB_TRAINING;
    snprintf(m->train_msg, sizeof m->train_msg, "training 1 epoch on the bundled digits\xE2\x80\xA6");
    return true;
}

/* After the worker finished and was joined: its weights (or its failure) become the model's. */
static void adopt_result(NetLabModel *m)
{
    if (m->worker_err[0]) {
        m->train = NETLAB_FAILED;
        snprintf(m->train_msg, sizeof m->train_msg, "initial weights: %.200s", m->worker_err);
        return;
    }
    if (atomic_load(&m->cancel))
        return;
    memcpy(m->net->params, m->trained, sizeof(float) * (size_t)m->net->n_params);
    m->train = NETLAB_TRAINED;
    char acc[32];
    snprintf(m->train_msg, sizeof m->train_msg,
             "trained 1 epoch on the bundled digits (%d images), test accuracy %s%%",
             m->train_images, netlab_format_fixed(100.0 * m->accuracy, 1, acc, sizeof acc));
    netlab_model_refresh(m);
}

bool netlab_train_poll(NetLabModel *m)
{
    if (!m->thread_live || !atomic_load(&m->finished))
        return false;
    join_worker(m);
    adopt_result(m);
    return true;
}

void netlab_train_wait(NetLabModel *m)
{
    if (!m->thread_live)
        return;
    join_worker(m);
    adopt_result(m);
}

float netlab_train_progress(const NetLabModel *m)
{
    if (m->train == NETLAB_TRAINED)
        return 1.0f;
    if (m->train != NETLAB_TRAINING || m->steps_total <= 0)
        return 0.0f;
    return (float)atomic_load(&((NetLabModel *)m)->steps_done) / (float)m->steps_total;
}
