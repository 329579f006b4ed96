/* trainer.c - see trainer.h. Legend: N batch, P parameters, K classes, IN = C*H*W.
 *
 * Who owns what: the step state (net, activations, optimizer, data order, counters) belongs
 * to whoever runs steps - the caller (command line) or the worker thread (live) - and is
 * touched by nobody else while a step runs; the caller only touches it after trainer_pause
 * has waited for the worker to go idle. Settings, commands and the published copy that
 * snapshots read are guarded by tr->mu. */
#include "engine/trainer.h"

#include "engine/rng.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The order of the examples uses its own stream, so changing the net (and with it how many
 * numbers initialisation draws) does not change which examples come when. */
#define ORDER_SEED_SALT 0x6f72646572ULL /* "order" */
/* A finite loss above this many times the first step's loss (or above this many, when the
 * first was below 1) counts as divergence: weights that produce it rarely come back. */
#define DIVERGE_FACTOR 1000.0f
/* Evaluation runs in batches of this size. */
#define EVAL_BATCH 100

struct Trainer {
    /* fixed at create */
    char *net_text;
    char file[256];
    const Dataset *train, *test;
    TrainConfig cfg0; /* the configuration at create; reset keeps the current settings */
    long in_elems;    /* IN */
    int classes;      /* K */

    /* step state: owned by whoever runs steps */
    Net *net;
    NetActs *acts;
    int act_cap;
    Optim *opt;
    Rng order_rng;
    int *order;           /* (train->n) this epoch's order */
    int pos;              /* next index into order */
    int epoch;            /* completed epochs */
    long step;            /* steps taken */
    long images;          /* images seen */
    double train_seconds; /* inside steps */
    float last_loss;
    float first_loss; /* of the first step: the scale divergence is judged against */
    float last_acc;
    float *xbuf; /* (act_cap, IN) the batch's inputs */
    int *lbuf;   /* (act_cap) its labels */
    float *good; /* (P) the weights before the step in progress */
    /* (S) the running statistics before it (batchnorm; net.h) */
    float *good_state;

    /* guarded by mu */
    pthread_mutex_t mu;
    pthread_cond_t wake; /* to the worker: something to do */
    pthread_cond_t idle; /* from the worker: a step finished */
    bool thread_started;
    pthread_t thread;
    bool quit;
    TrainerState state;
    int step_requests; /* single steps asked for while paused */
    long stop_step;    /* running pauses itself when this many steps are taken (0: never) */
    bool busy;         /* the worker is inside a step */
    float lr;          /* settings for the next step */
    int batch;
    OptimKind optim;
    char message[TRAINER_MESSAGE];
    long pub_step; /* the published copy */
    int pub_epoch;
    float pub_epoch_pos;
    float *pub_params; /* (P) */
    float *pub_stats;  /* (S) the running statistics after the last step */
    int pub_n;
    float *pub_inputs;  /* (act_cap, IN) */
    int *pub_labels;    /* (act_cap) */
    int *pub_pred;      /* (act_cap) */
    float *pub_outputs; /* (act_cap, K) */
    long act_off[NET_MAX_LAYERS + 1];
    float *pub_acts; /* (act_off[n_layers]) example 0's layer outputs */
    TrainPoint *train_hist;
    int n_train_hist, cap_train_hist;
    TrainPoint *test_hist;
    int n_test_hist, cap_test_hist;
    long confusion[DATASET_CLASSES * DATASET_CLASSES]; /* of the last test evaluation */
    int n_test_pred;
    int *test_pred; /* (test subset) its predictions */
    int *eval_pred; /* (test subset) step-state scratch for the next evaluation */
    int eval_cap;
};

static void set_err(char *err, size_t err_size, const char *fmt, ...)
{
    if (!err || err_size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

TrainConfig trainer_default_config(void)
{
    TrainConfig c;
    memset(&c, 0, sizeof c);
    c.optim = OPTIM_ADAM;
    c.lr = 0.005f;
    c.lr_decay = 0.4f;
    c.momentum = 0.9f;
    c.batch = 16;
    c.seed = 1;
    c.threads = 1;
    c.test_every = 50;
    c.test_subset = 500;
    return c;
}

static int clamp_batch(int b)
{
    return b < 1 ? 1 : b > TRAINER_MAX_BATCH ? TRAINER_MAX_BATCH : b;
}

static Optim *make_optim(OptimKind kind, long n, float lr, float momentum)
{
    return kind == OPTIM_ADAM ? optim_create_adam(n, lr) : optim_create_sgd(n, lr, momentum);
}

/* Grows the batch buffers (step state and published copy) to hold cap examples. */
static bool ensure_batch_cap(Trainer *tr, int cap)
{
    if (cap <= tr->act_cap)
        return true;
    NetActs *a = net_acts_create(tr->net, cap);
    float *x = malloc(sizeof(float) * (size_t)cap * (size_t)tr->in_elems);
    int *l = malloc(sizeof(int) * (size_t)cap);
    float *pin = malloc(sizeof(float) * (size_t)cap * (size_t)tr->in_elems);
    int *pl = malloc(sizeof(int) * (size_t)cap);
    int *pp = malloc(sizeof(int) * (size_t)cap);
    float *po = malloc(sizeof(float) * (size_t)cap * (size_t)tr->classes);
    if (!a || !x || !l || !pin || !pl || !pp || !po) {
        net_acts_destroy(a);
        free(x);
        free(l);
        free(pin);
        free(pl);
        free(pp);
        free(po);
        return false;
    }
    net_acts_destroy(tr->acts);
    free(tr->xbuf);
    free(tr->lbuf);
    /* training never reads the gradient with respect to the images: not computing it saves
     * the first layer's input gradient, about a tenth of a step */
    a->skip_dx = true;
    tr->acts = a;
    tr->xbuf = x;
    tr->lbuf = l;
    /* the published copy is swapped under the lock, keeping what it held */
    pthread_mutex_lock(&tr->mu);
    if (tr->pub_n > 0) {
        memcpy(pin, tr->pub_inputs, sizeof(float) * (size_t)tr->pub_n * (size_t)tr->in_elems);
        memcpy(pl, tr->pub_labels, sizeof(int) * (size_t)tr->pub_n);
        memcpy(pp, tr->pub_pred, sizeof(int) * (size_t)tr->pub_n);
        memcpy(po, tr->pub_outputs, sizeof(float) * (size_t)tr->pub_n * (size_t)tr->classes);
    }
    free(tr->pub_inputs);
    free(tr->pub_labels);
    free(tr->pub_pred);
    free(tr->pub_outputs);
    tr->pub_inputs = pin;
    tr->pub_labels = pl;
    tr->pub_pred = pp;
    tr->pub_outputs = po;
    pthread_mutex_unlock(&tr->mu);
    tr->act_cap = cap;
    return true;
}

static void shuffle_epoch(Trainer *tr)
{
    for (int i = 0; i < tr->train->n; i++)
        tr->order[i] = i;
    rng_shuffle(&tr->order_rng, tr->order, tr->train->n);
    tr->pos = 0;
}

/* Back to the state right after create: weights from the seed, fresh optimizer, first order.
 * Called with no step running. */
static bool reinit(Trainer *tr, char *err, size_t err_size)
{
    Net *net = net_create(tr->net_text, tr->file, tr->cfg0.seed, err, err_size);
    if (!net)
        return false;
    if (tr->net && net->n_params != tr->net->n_params) {
        net_destroy(net);
        set_err(err, err_size, "%s: the net changed size", tr->file);
        return false;
    }
    if (tr->net) {
        memcpy(tr->net->params, net->params, sizeof(float) * (size_t)net->n_params);
        memcpy(tr->net->state, net->state, sizeof(float) * (size_t)net->n_state);
        net_zero_grad(tr->net);
        net_destroy(net);
    } else {
        if (!net_set_threads(net, tr->cfg0.threads)) {
            set_err(err, err_size, "cannot start %d threads", tr->cfg0.threads);
            net_destroy(net);
            return false;
        }
        tr->net = net;
    }
    optim_destroy(tr->opt);
    tr->opt = make_optim(tr->optim, tr->net->n_params, tr->lr, tr->cfg0.momentum);
    if (!tr->opt) {
        set_err(err, err_size, "out of memory for the optimizer");
        return false;
    }
    rng_seed(&tr->order_rng, tr->cfg0.seed ^ ORDER_SEED_SALT);
    shuffle_epoch(tr);
    tr->epoch = 0;
    tr->step = 0;
    tr->images = 0;
    tr->train_seconds = 0.0;
    tr->last_loss = NAN;
    tr->first_loss = NAN;
    memcpy(tr->good, tr->net->params, sizeof(float) * (size_t)tr->net->n_params);
    tr->last_acc = 0.0f;
    pthread_mutex_lock(&tr->mu);
    tr->message[0] = '\0';
    tr->pub_step = 0;
    tr->pub_epoch = 0;
    tr->pub_epoch_pos = 0.0f;
    tr->pub_n = 0;
    tr->n_train_hist = 0;
    tr->n_test_hist = 0;
    tr->n_test_pred = 0;
    memset(tr->confusion, 0, sizeof tr->confusion);
    memcpy(tr->pub_params, tr->net->params, sizeof(float) * (size_t)tr->net->n_params);
    if (tr->net->n_state > 0)
        memcpy(tr->pub_stats, tr->net->state, sizeof(float) * (size_t)tr->net->n_state);
    pthread_mutex_unlock(&tr->mu);
    return true;
}

Trainer *trainer_create(const char *net_text, const char *file, const Dataset *train,
                        const Dataset *test, const TrainConfig *cfg, char *err, size_t err_size)
{
    NetSpec spec;
    if (!net_parse(&spec, net_text, file, err, err_size))
        return NULL;
    if (spec.input.c != 1 || spec.input.h != train->h || spec.input.w != train->w) {
        char buf[64];
        set_err(err, err_size, "%s: the net wants %s inputs, but %s holds 1x%dx%d images", file,
                shape_format(spec.input, buf, sizeof buf), train->images_path, train->h, train->w);
        return NULL;
    }
    if (test && (test->h != train->h || test->w != train->w)) {
        set_err(err, err_size, "%s: %dx%d images, but the training images are %dx%d",
                test->images_path, test->h, test->w, train->h, train->w);
        return NULL;
    }
    long outputs = spec.n_layers < 1 ? 0 : shape_elems(spec.layers[spec.n_layers - 1].out);
    if (outputs != DATASET_CLASSES) {
        set_err(err, err_size, "%s: the last layer has %ld outputs; the data set has %d classes",
                file, outputs, DATASET_CLASSES);
        return NULL;
    }
    if (train->n < 1) {
        set_err(err, err_size, "%s: no training images", train->images_path);
        return NULL;
    }
    Trainer *tr = calloc(1, sizeof *tr);
    if (!tr) {
        set_err(err, err_size, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&tr->mu, NULL);
    pthread_cond_init(&tr->wake, NULL);
    pthread_cond_init(&tr->idle, NULL);
    tr->net_text = strdup(net_text);
    snprintf(tr->file, sizeof tr->file, "%s", file);
    tr->train = train;
    tr->test = test;
    tr->cfg0 = *cfg;
    tr->in_elems = shape_elems(spec.input);
    tr->classes = DATASET_CLASSES;
    tr->lr = cfg->lr;
    tr->batch = clamp_batch(cfg->batch);
    tr->optim = cfg->optim;
    tr->state = TRAINER_PAUSED;
    tr->order = malloc(sizeof(int) * (size_t)train->n);
    tr->pub_params = malloc(sizeof(float) * (size_t)(spec.n_params > 0 ? spec.n_params : 1));
    tr->good = malloc(sizeof(float) * (size_t)(spec.n_params > 0 ? spec.n_params : 1));
    tr->good_state = malloc(sizeof(float) * (size_t)(spec.n_state > 0 ? spec.n_state : 1));
    tr->pub_stats = malloc(sizeof(float) * (size_t)(spec.n_state > 0 ? spec.n_state : 1));
    long off = 0;
    for (int i = 0; i < spec.n_layers; i++) {
        tr->act_off[i] = off;
        off += shape_elems(spec.layers[i].out);
    }
    tr->act_off[spec.n_layers] = off;
    tr->pub_acts = malloc(sizeof(float) * (size_t)off);
    /* the periodic evaluation's subset: the first test_subset test images (all when <= 0) */
    tr->eval_cap = !test                                                 ? 0
                   : cfg->test_subset <= 0 || cfg->test_subset > test->n ? test->n
                                                                         : cfg->test_subset;
    tr->test_pred = malloc(sizeof(int) * (size_t)(tr->eval_cap + 1));
    tr->eval_pred = malloc(sizeof(int) * (size_t)(tr->eval_cap + 1));
    if (!tr->net_text || !tr->order || !tr->pub_params || !tr->good || !tr->good_state ||
        !tr->pub_stats || !tr->pub_acts || !tr->test_pred || !tr->eval_pred) {
        set_err(err, err_size, "out of memory");
        trainer_destroy(tr);
        return NULL;
    }
    if (!reinit(tr, err, err_size)) {
        trainer_destroy(tr);
        return NULL;
    }
    if (!ensure_batch_cap(tr, tr->batch)) {
        set_err(err, err_size, "out of memory for a batch of %d", tr->batch);
        trainer_destroy(tr);
        return NULL;
    }
    return tr;
}

static void stop_worker(Trainer *tr)
{
    pthread_mutex_lock(&tr->mu);
    bool started = tr->thread_started;
    tr->quit = true;
    pthread_cond_broadcast(&tr->wake);
    pthread_mutex_unlock(&tr->mu);
    if (started)
        pthread_join(tr->thread, NULL);
    tr->thread_started = false;
}

void trainer_destroy(Trainer *tr)
{
    if (!tr)
        return;
    stop_worker(tr);
    net_acts_destroy(tr->acts);
    net_destroy(tr->net);
    optim_destroy(tr->opt);
    free(tr->net_text);
    free(tr->order);
    free(tr->xbuf);
    free(tr->lbuf);
    free(tr->good);
    free(tr->good_state);
    free(tr->pub_params);
    free(tr->pub_stats);
    free(tr->pub_inputs);
    free(tr->pub_labels);
    free(tr->pub_pred);
    free(tr->pub_outputs);
    free(tr->pub_acts);
    free(tr->train_hist);
    free(tr->test_hist);
    free(tr->test_pred);
    free(tr->eval_pred);
    pthread_mutex_destroy(&tr->mu);
    pthread_cond_destroy(&tr->wake);
    pthread_cond_destroy(&tr->idle);
    free(tr);
}

static bool all_finite(const float *v, long n)
{
    for (long i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

static bool push_point(TrainPoint **arr, int *n, int *cap, TrainPoint p)
{
    if (*n == *cap) {
        int ncap = *cap ? *cap * 2 : 256;
        TrainPoint *na = realloc(*arr, sizeof(TrainPoint) * (size_t)ncap);
        if (!na)
            return false;
        *arr = na;
        *cap = ncap;
    }
    (*arr)[(*n)++] = p;
    return true;
}

float trainer_evaluate(const Net *net, const Dataset *ds, int n, long *confusion)
{
    return trainer_evaluate_detail(net, ds, n, confusion, NULL);
}

float trainer_evaluate_detail(const Net *net, const Dataset *ds, int n, long *confusion, int *pred)
{
    int total = n <= 0 || n > ds->n ? ds->n : n;
    int k = (int)shape_elems(net->spec.layers[net->spec.n_layers - 1].out);
    if (confusion)
        memset(confusion, 0, sizeof(long) * (size_t)k * (size_t)k);
    if (total == 0)
        return 0.0f;
    NetActs *a = net_acts_create(net, EVAL_BATCH);
    long hw = (long)ds->h * ds->w;
    float *x = malloc(sizeof(float) * (size_t)EVAL_BATCH * (size_t)hw);
    assert(a && x);
    long correct = 0;
    for (int start = 0; start < total; start += EVAL_BATCH) {
        int m = total - start < EVAL_BATCH ? total - start : EVAL_BATCH;
        for (int j = 0; j < m; j++)
            dataset_image(ds, start + j, x + (long)j * hw);
        net_forward(net, a, x, m);
        for (int j = 0; j < m; j++) {
            int p = net_predict_class(net, a, j);
            int t = ds->labels[start + j];
            correct += p == t;
            if (pred)
                pred[start + j] = p;
            if (confusion && t < k)
                confusion[t * k + p]++;
        }
    }
    net_acts_destroy(a);
    free(x);
    return (float)((double)correct / total);
}

/* One step with the given settings, in the thread that owns the step state. Returns false
 * when it diverged (then the weights are restored and the message set). */
static bool do_step(Trainer *tr, float lr, int batch, OptimKind optim)
{
    Net *net = tr->net;
    long P = net->n_params;
    if (optim != tr->opt->kind) {
        Optim *o = make_optim(optim, P, lr, tr->cfg0.momentum);
        assert(o);
        optim_destroy(tr->opt);
        tr->opt = o;
    }
    if (batch > tr->act_cap && !ensure_batch_cap(tr, batch)) {
        pthread_mutex_lock(&tr->mu);
        snprintf(tr->message, sizeof tr->message, "out of memory for a batch of %d", batch);
        pthread_mutex_unlock(&tr->mu);
        return false;
    }
    if (tr->pos >= tr->train->n) {
        tr->epoch++;
        shuffle_epoch(tr);
    }
    int n = tr->train->n - tr->pos < batch ? tr->train->n - tr->pos : batch;
    for (int j = 0; j < n; j++) {
        int idx = tr->order[tr->pos + j];
        dataset_image(tr->train, idx, tr->xbuf + (long)j * tr->in_elems);
        tr->lbuf[j] = tr->train->labels[idx];
    }
    float step_lr = lr * powf(tr->cfg0.lr_decay, (float)tr->epoch);
    tr->opt->lr = step_lr;
    double t0 = now_seconds();
    /* the loss of this batch measures the weights as they are (the update comes after); the
     * step runs in training mode (batchnorm: the batch's statistics, the running ones move),
     * everything else (the evaluations, a saved model) in evaluation mode */
    memcpy(tr->good_state, net->state, sizeof(float) * (size_t)net->n_state);
    net_set_training(net, true);
    float loss = net_train_step(net, tr->acts, tr->xbuf, tr->lbuf, n);
    net_set_training(net, false);
    float limit = DIVERGE_FACTOR *
                  (isfinite(tr->first_loss) && tr->first_loss > 1.0f ? tr->first_loss : 1.0f);
    bool loss_ok = isfinite(loss) && loss <= limit;
    bool ok = loss_ok;
    if (ok) {
        /* these weights gave a sane loss: they are the ones to come back to */
        memcpy(tr->good, net->params, sizeof(float) * (size_t)P);
        optim_step(tr->opt, net->params, net->grads);
        ok = all_finite(net->params, P);
    }
    tr->train_seconds += now_seconds() - t0;

    if (!ok) {
        /* undo: the last weights whose loss was sane, and a fresh optimizer (its moments
         * carry the blow-up) */
        memcpy(net->params, tr->good, sizeof(float) * (size_t)P);
        memcpy(net->state, tr->good_state, sizeof(float) * (size_t)net->n_state);
        optim_reset(tr->opt);
        pthread_mutex_lock(&tr->mu);
        if (loss_ok)
            snprintf(tr->message, sizeof tr->message,
                     "step %ld (learning rate %g) made a weight infinite or NaN: training "
                     "diverged; the weights from before it are restored; try a smaller "
                     "learning rate",
                     tr->step + 1, (double)step_lr);
        else if (isfinite(loss))
            snprintf(tr->message, sizeof tr->message,
                     "the loss jumped to %g at step %ld (learning rate %g; it started at %g): "
                     "training diverged; the last weights with a sane loss are restored; try a "
                     "smaller learning rate",
                     (double)loss, tr->step + 1, (double)step_lr, (double)tr->first_loss);
        else
            snprintf(tr->message, sizeof tr->message,
                     "the loss became %s at step %ld (learning rate %g): training diverged; the "
                     "last weights with a sane loss are restored; try a smaller learning rate",
                     isnan(loss) ? "NaN" : "infinite", tr->step + 1, (double)step_lr);
        memcpy(tr->pub_params, net->params, sizeof(float) * (size_t)P);
        if (net->n_state > 0)
            memcpy(tr->pub_stats, net->state, sizeof(float) * (size_t)net->n_state);
        pthread_mutex_unlock(&tr->mu);
        return false;
    }
    tr->pos += n;
    tr->step++;
    tr->images += n;
    tr->last_loss = loss;
    if (!isfinite(tr->first_loss))
        tr->first_loss = loss;
    int correct = 0;
    const NetSpec *s = &net->spec;
    int K = tr->classes;
    /* the periodic test evaluation, before publishing, so a snapshot sees both or neither */
    bool tested = tr->test && tr->cfg0.test_every > 0 && tr->step % tr->cfg0.test_every == 0;
    long cm[DATASET_CLASSES * DATASET_CLASSES];
    float test_acc =
        tested ? trainer_evaluate_detail(net, tr->test, tr->eval_cap, cm, tr->eval_pred) : 0.0f;

    pthread_mutex_lock(&tr->mu);
    memcpy(tr->pub_params, net->params, sizeof(float) * (size_t)P);
    if (net->n_state > 0)
        memcpy(tr->pub_stats, net->state, sizeof(float) * (size_t)net->n_state);
    tr->pub_n = n;
    memcpy(tr->pub_inputs, tr->xbuf, sizeof(float) * (size_t)n * (size_t)tr->in_elems);
    memcpy(tr->pub_labels, tr->lbuf, sizeof(int) * (size_t)n);
    for (int j = 0; j < n; j++) {
        int p = net_predict_class(net, tr->acts, j);
        tr->pub_pred[j] = p;
        correct += p == tr->lbuf[j];
        memcpy(tr->pub_outputs + (long)j * K, net_output(net, tr->acts, j),
               sizeof(float) * (size_t)K);
    }
    for (int i = 0; i < s->n_layers; i++)
        memcpy(tr->pub_acts + tr->act_off[i], tr->acts->out[i],
               sizeof(float) * (size_t)(tr->act_off[i + 1] - tr->act_off[i]));
    tr->pub_step = tr->step;
    tr->pub_epoch = tr->epoch;
    tr->pub_epoch_pos = (float)tr->epoch + (float)tr->pos / (float)tr->train->n;
    tr->last_acc = (float)correct / (float)n;
    TrainPoint pt = {tr->step, tr->pub_epoch_pos, loss, tr->last_acc};
    push_point(&tr->train_hist, &tr->n_train_hist, &tr->cap_train_hist, pt);
    if (tested) {
        TrainPoint tp = {tr->step, pt.epoch, loss, test_acc};
        push_point(&tr->test_hist, &tr->n_test_hist, &tr->cap_test_hist, tp);
        memcpy(tr->confusion, cm, sizeof cm);
        memcpy(tr->test_pred, tr->eval_pred, sizeof(int) * (size_t)tr->eval_cap);
        tr->n_test_pred = tr->eval_cap;
    }
    pthread_mutex_unlock(&tr->mu);
    return true;
}

bool trainer_step_now(Trainer *tr)
{
    pthread_mutex_lock(&tr->mu);
    assert(!tr->busy && tr->state == TRAINER_PAUSED);
    float lr = tr->lr;
    int batch = tr->batch;
    OptimKind optim = tr->optim;
    pthread_mutex_unlock(&tr->mu);
    return do_step(tr, lr, batch, optim);
}

double trainer_train_seconds(const Trainer *tr)
{
    return tr->train_seconds;
}

long trainer_images_seen(const Trainer *tr)
{
    return tr->images;
}

float trainer_last_loss(const Trainer *tr)
{
    return tr->last_loss;
}

float trainer_last_accuracy(const Trainer *tr)
{
    return tr->last_acc;
}

int trainer_steps_per_epoch(const Trainer *tr)
{
    return (tr->train->n + tr->batch - 1) / tr->batch;
}

const Net *trainer_net(const Trainer *tr)
{
    return tr->net;
}

/* ---------------------------------------------------------------- the worker thread */

static void *worker_main(void *arg)
{
    Trainer *tr = arg;
    pthread_mutex_lock(&tr->mu);
    while (!tr->quit) {
        if (tr->state != TRAINER_RUNNING && tr->step_requests == 0) {
            pthread_cond_wait(&tr->wake, &tr->mu);
            continue;
        }
        /* the planned end: the worker stops itself there, not a few steps later when the
         * window next looks (tr->step is read between steps, by its only writer) */
        if (tr->step_requests == 0 && tr->stop_step > 0 && tr->step >= tr->stop_step) {
            tr->state = TRAINER_PAUSED;
            pthread_cond_broadcast(&tr->idle);
            continue;
        }
        if (tr->step_requests > 0)
            tr->step_requests--;
        tr->busy = true;
        float lr = tr->lr;
        int batch = tr->batch;
        OptimKind optim = tr->optim;
        pthread_mutex_unlock(&tr->mu);
        bool ok = do_step(tr, lr, batch, optim);
        pthread_mutex_lock(&tr->mu);
        tr->busy = false;
        if (!ok) {
            tr->state = TRAINER_PAUSED;
            tr->step_requests = 0;
        }
        pthread_cond_broadcast(&tr->idle);
    }
    pthread_mutex_unlock(&tr->mu);
    return NULL;
}

/* With mu held: starts the worker if it is not running. */
static bool ensure_thread(Trainer *tr)
{
    if (tr->thread_started)
        return true;
    tr->quit = false;
    if (pthread_create(&tr->thread, NULL, worker_main, tr) != 0)
        return false;
    tr->thread_started = true;
    return true;
}

/* With mu held: pause and wait until no step is in progress. */
static void pause_locked(Trainer *tr)
{
    tr->state = TRAINER_PAUSED;
    tr->step_requests = 0;
    while (tr->busy)
        pthread_cond_wait(&tr->idle, &tr->mu);
}

bool trainer_start(Trainer *tr)
{
    pthread_mutex_lock(&tr->mu);
    bool ok = ensure_thread(tr);
    if (ok) {
        tr->state = TRAINER_RUNNING;
        tr->message[0] = '\0';
        pthread_cond_broadcast(&tr->wake);
    }
    pthread_mutex_unlock(&tr->mu);
    return ok;
}

void trainer_pause(Trainer *tr)
{
    pthread_mutex_lock(&tr->mu);
    pause_locked(tr);
    pthread_mutex_unlock(&tr->mu);
}

void trainer_single_step(Trainer *tr)
{
    pthread_mutex_lock(&tr->mu);
    pause_locked(tr);
    if (ensure_thread(tr)) {
        tr->step_requests = 1;
        pthread_cond_broadcast(&tr->wake);
        while (tr->step_requests > 0 || tr->busy)
            pthread_cond_wait(&tr->idle, &tr->mu);
    }
    pthread_mutex_unlock(&tr->mu);
}

void trainer_reset(Trainer *tr)
{
    pthread_mutex_lock(&tr->mu);
    pause_locked(tr);
    pthread_mutex_unlock(&tr->mu);
    /* the worker is idle and stays so until a command, so the step state is ours */
    char err[TRAINER_MESSAGE - 32];
    if (!reinit(tr, err, sizeof err)) {
        pthread_mutex_lock(&tr->mu);
        snprintf(tr->message, sizeof tr->message, "reset failed: %s", err);
        pthread_mutex_unlock(&tr->mu);
    }
}

void trainer_set_stop_step(Trainer *tr, long step)
{
    pthread_mutex_lock(&tr->mu);
    tr->stop_step = step > 0 ? step : 0;
    pthread_mutex_unlock(&tr->mu);
}

void trainer_set_lr(Trainer *tr, float lr)
{
    pthread_mutex_lock(&tr->mu);
    tr->lr = lr;
    pthread_mutex_unlock(&tr->mu);
}

void trainer_set_batch(Trainer *tr, int batch)
{
    pthread_mutex_lock(&tr->mu);
    tr->batch = clamp_batch(batch);
    pthread_mutex_unlock(&tr->mu);
}

void trainer_set_optimizer(Trainer *tr, OptimKind kind)
{
    pthread_mutex_lock(&tr->mu);
    tr->optim = kind;
    pthread_mutex_unlock(&tr->mu);
}

TrainerState trainer_state(Trainer *tr)
{
    pthread_mutex_lock(&tr->mu);
    TrainerState s = tr->state;
    pthread_mutex_unlock(&tr->mu);
    return s;
}

long trainer_steps(Trainer *tr)
{
    pthread_mutex_lock(&tr->mu);
    long s = tr->pub_step;
    pthread_mutex_unlock(&tr->mu);
    return s;
}

/* Grows *buf to hold n elements of size bytes; false when memory runs out. */
static bool grow(void **buf, size_t *cap, size_t n, size_t size)
{
    if (n <= *cap && *buf)
        return true;
    size_t ncap = n > 0 ? n : 1;
    void *nb = realloc(*buf, ncap * size);
    if (!nb)
        return false;
    *buf = nb;
    *cap = ncap;
    return true;
}

bool trainer_snapshot(Trainer *tr, TrainerSnapshot *snap)
{
    pthread_mutex_lock(&tr->mu);
    const NetSpec *s = &tr->net->spec;
    size_t P = (size_t)tr->net->n_params, n = (size_t)tr->pub_n, K = (size_t)tr->classes;
    size_t IN = (size_t)tr->in_elems, A = (size_t)tr->act_off[s->n_layers];
    size_t S = (size_t)tr->net->n_state;
    bool ok =
        grow((void **)&snap->params, &snap->cap_params, P, sizeof(float)) &&
        grow((void **)&snap->stats, &snap->cap_stats, S, sizeof(float)) &&
        grow((void **)&snap->inputs, &snap->cap_inputs, n * IN, sizeof(float)) &&
        grow((void **)&snap->labels, &snap->cap_labels, n, sizeof(int)) &&
        grow((void **)&snap->predicted, &snap->cap_pred, n, sizeof(int)) &&
        grow((void **)&snap->outputs, &snap->cap_outputs, n * K, sizeof(float)) &&
        grow((void **)&snap->acts, &snap->cap_acts, A, sizeof(float)) &&
        grow((void **)&snap->train_hist, &snap->cap_train, (size_t)tr->n_train_hist,
             sizeof(TrainPoint)) &&
        grow((void **)&snap->test_hist, &snap->cap_test, (size_t)tr->n_test_hist,
             sizeof(TrainPoint)) &&
        grow((void **)&snap->test_pred, &snap->cap_test_pred, (size_t)tr->n_test_pred, sizeof(int));
    if (ok) {
        snap->state = tr->state;
        snap->step = tr->pub_step;
        snap->epoch = tr->pub_epoch;
        snap->epoch_pos = tr->pub_epoch_pos;
        snap->lr = tr->lr;
        snap->lr_decay = tr->cfg0.lr_decay;
        /* the next step's epoch: the published position's whole part (a finished epoch's
         * last step leaves it at the next one) */
        snap->lr_epoch = (int)floorf(tr->pub_epoch_pos);
        snap->batch = tr->batch;
        snap->optim = tr->optim;
        snprintf(snap->message, sizeof snap->message, "%s", tr->message);
        snap->n_params = (long)P;
        memcpy(snap->params, tr->pub_params, P * sizeof(float));
        snap->n_stats = (long)S;
        memcpy(snap->stats, tr->pub_stats, S * sizeof(float));
        snap->n = (int)n;
        snap->in_elems = (int)IN;
        snap->classes = (int)K;
        memcpy(snap->inputs, tr->pub_inputs, n * IN * sizeof(float));
        memcpy(snap->labels, tr->pub_labels, n * sizeof(int));
        memcpy(snap->predicted, tr->pub_pred, n * sizeof(int));
        memcpy(snap->outputs, tr->pub_outputs, n * K * sizeof(float));
        snap->n_layers = s->n_layers;
        memcpy(snap->act_off, tr->act_off, sizeof snap->act_off);
        memcpy(snap->acts, tr->pub_acts, A * sizeof(float));
        snap->n_train = tr->n_train_hist;
        snap->n_test = tr->n_test_hist;
        /* the histories are NULL until their first point */
        if (tr->n_train_hist > 0)
            memcpy(snap->train_hist, tr->train_hist, (size_t)tr->n_train_hist * sizeof(TrainPoint));
        if (tr->n_test_hist > 0)
            memcpy(snap->test_hist, tr->test_hist, (size_t)tr->n_test_hist * sizeof(TrainPoint));
        memcpy(snap->confusion, tr->confusion, sizeof snap->confusion);
        snap->n_test_pred = tr->n_test_pred;
        if (tr->n_test_pred > 0)
            memcpy(snap->test_pred, tr->test_pred, (size_t)tr->n_test_pred * sizeof(int));
    }
    pthread_mutex_unlock(&tr->mu);
    return ok;
}

void trainer_snapshot_free(TrainerSnapshot *snap)
{
    free(snap->params);
    free(snap->stats);
    free(snap->inputs);
    free(snap->labels);
    free(snap->predicted);
    free(snap->outputs);
    free(snap->acts);
    free(snap->train_hist);
    free(snap->test_hist);
    free(snap->test_pred);
    memset(snap, 0, sizeof *snap);
}
