/* labs/network/model_train.c - the Network lab's one-epoch training run on a worker thread
 * (see model.h): a copy of the net built from the same text and seed trains on the bundled
 * digits; the window adopts its weights when it has finished. */
#include "labs/network/model.h"

#include "engine/trainer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void join_worker(NetLabModel *m)
{
    if (m->thread_live) {
        pthread_join(m->thread, NULL);
        m->thread_live = false;
    }
}

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
    if (!dataset_load_part(&train, m->digits_dir, DATASET_TRAIN, DATASET_WINDOW_LIMIT, err,
                           sizeof err)) {
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
    snprintf(m->train_msg, sizeof m->train_msg,
             "training 1 epoch on the bundled digits\xE2\x80\xA6");
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

void netlab_train_cancel(NetLabModel *m)
{
    if (m->thread_live) {
        atomic_store(&m->cancel, true);
        join_worker(m);
    }
}
