/* test_trainer.c - the training loop: step counts, epochs and the data order, determinism
 * (the same steps give the same weights whether run in the caller or on the worker thread),
 * pause / single step / start / reset, settings between steps, snapshots that agree with
 * themselves, and divergence undone with its reason. Small data and a small net keep it fast. */
#include "engine/assets.h"
#include "engine/idx.h"
#include "engine/trainer.h"
#include "test.h"

#include <stdlib.h>
#include <time.h>

/* A small net: 28x28 -> conv 4 k=5 stride 3 (4x8x8) -> relu -> dense 10 -> softmax. */
static const char *const small_net = "input 1 28 28\n"
                                     "conv 4 k=5 stride=3\n"
                                     "relu\n"
                                     "flatten\n"
                                     "dense 10\n"
                                     "softmax\n";

static Dataset train_set, test_set;

static TrainConfig config(void)
{
    TrainConfig c = trainer_default_config();
    c.batch = 16;
    c.seed = 7;
    c.test_every = 0;
    return c;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static Trainer *make(const TrainConfig *c)
{
    char err[256] = "";
    Trainer *tr = trainer_create(small_net, "small.net", &train_set, &test_set, c, err, sizeof err);
    CHECK_STR_EQ("", err);
    return tr;
}

static bool same_params(const Trainer *a, const float *b)
{
    const Net *n = trainer_net(a);
    return memcmp(n->params, b, sizeof(float) * (size_t)n->n_params) == 0;
}

static void test_steps_and_epochs(void)
{
    TrainConfig c = config();
    Trainer *tr = make(&c);
    if (!tr)
        return;
    /* 64 training images in batches of 16: 4 steps an epoch */
    CHECK_INT_EQ(4, trainer_steps_per_epoch(tr));
    for (int i = 0; i < 5; i++)
        CHECK(trainer_step_now(tr));
    CHECK_INT_EQ(5, trainer_steps(tr));
    CHECK_INT_EQ(80, trainer_images_seen(tr));
    CHECK(trainer_train_seconds(tr) > 0.0);
    CHECK(isfinite(trainer_last_loss(tr)));
    TrainerSnapshot s;
    memset(&s, 0, sizeof s);
    CHECK(trainer_snapshot(tr, &s));
    CHECK_INT_EQ(5, s.step);
    CHECK_INT_EQ(1, s.epoch);
    CHECK_NEAR(1.25, s.epoch_pos, 1e-6);
    CHECK_INT_EQ(5, s.n_train);
    CHECK_INT_EQ(0, s.n_test);
    CHECK_INT_EQ(16, s.n);
    CHECK_INT_EQ(784, s.in_elems);
    CHECK_INT_EQ(10, s.classes);
    CHECK_INT_EQ(4 * 1 * 5 * 5 + 4 + 10 * 256 + 10, s.n_params);
    CHECK_STR_EQ("", s.message);
    CHECK(s.state == TRAINER_PAUSED);
    /* the history: steps 1..5, epochs 0.25 .. 1.25, the last loss is the trainer's */
    for (int i = 0; i < 5; i++) {
        CHECK_INT_EQ(i + 1, s.train_hist[i].step);
        CHECK_NEAR(0.25 * (i + 1), s.train_hist[i].epoch, 1e-6);
    }
    CHECK_NEAR(trainer_last_loss(tr), s.train_hist[4].loss, 0.0);
    CHECK_NEAR(trainer_last_accuracy(tr), s.train_hist[4].accuracy, 0.0);
    /* every example of the last batch: its input is a training image with its label, its
     * outputs are probabilities, the prediction is their argmax */
    float img[784];
    int found = 0;
    for (int j = 0; j < s.n; j++) {
        for (int i = 0; i < train_set.n; i++) {
            dataset_image(&train_set, i, img);
            if (memcmp(img, s.inputs + (long)j * 784, sizeof img) == 0 &&
                train_set.labels[i] == s.labels[j]) {
                found++;
                break;
            }
        }
        double sum = 0.0;
        int best = 0;
        for (int k = 0; k < 10; k++) {
            sum += s.outputs[j * 10 + k];
            if (s.outputs[j * 10 + k] > s.outputs[j * 10 + best])
                best = k;
        }
        CHECK_NEAR(1.0, sum, 1e-5);
        CHECK_INT_EQ(best, s.predicted[j]);
    }
    CHECK_INT_EQ(s.n, found);
    /* example 0's layer outputs: 5 layers, the last one is its probabilities */
    CHECK_INT_EQ(5, s.n_layers);
    CHECK_INT_EQ(4 * 8 * 8, s.act_off[1]);
    CHECK_TENSOR_NEAR(s.outputs, s.acts + s.act_off[4], 10, 0.0, 0.0);
    /* the published weights are the net's */
    CHECK(same_params(tr, s.params));
    trainer_snapshot_free(&s);
    trainer_destroy(tr);
}

static void test_determinism_and_threads(void)
{
    TrainConfig c = config();
    Trainer *a = make(&c);
    Trainer *b = make(&c);
    if (!a || !b)
        return;
    CHECK(same_params(a, trainer_net(b)->params));
    for (int i = 0; i < 7; i++) {
        trainer_step_now(a);
        trainer_step_now(b);
    }
    CHECK(same_params(a, trainer_net(b)->params));
    /* the same 7 steps on the worker thread, one at a time */
    Trainer *w = make(&c);
    for (int i = 0; i < 7; i++)
        trainer_single_step(w);
    CHECK_INT_EQ(7, trainer_steps(w));
    CHECK(trainer_state(w) == TRAINER_PAUSED);
    CHECK(same_params(a, trainer_net(w)->params));
    /* a different seed gives different weights */
    TrainConfig c2 = c;
    c2.seed = 8;
    Trainer *d = make(&c2);
    CHECK(!same_params(a, trainer_net(d)->params));
    /* the reference ops (threads 0) agree with the fast path within rounding */
    TrainConfig c0 = c;
    c0.threads = 0;
    Trainer *r = make(&c0);
    for (int i = 0; i < 7; i++)
        trainer_step_now(r);
    CHECK_TENSOR_NEAR(trainer_net(a)->params, trainer_net(r)->params, trainer_net(a)->n_params,
                      1e-4, 1e-3);
    trainer_destroy(a);
    trainer_destroy(b);
    trainer_destroy(w);
    trainer_destroy(d);
    trainer_destroy(r);
}

static void test_live_controls(void)
{
    TrainConfig c = config();
    c.test_every = 2;
    c.test_subset = 50;
    Trainer *tr = make(&c);
    if (!tr)
        return;
    float *initial = malloc(sizeof(float) * (size_t)trainer_net(tr)->n_params);
    memcpy(initial, trainer_net(tr)->params, sizeof(float) * (size_t)trainer_net(tr)->n_params);

    /* single steps while paused */
    for (int i = 0; i < 3; i++)
        trainer_single_step(tr);
    CHECK_INT_EQ(3, trainer_steps(tr));
    CHECK(trainer_state(tr) == TRAINER_PAUSED);

    /* run, then pause: the count stops moving */
    CHECK(trainer_start(tr));
    CHECK(trainer_state(tr) == TRAINER_RUNNING);
    for (int i = 0; i < 2000 && trainer_steps(tr) < 12; i++)
        sleep_ms(1);
    trainer_pause(tr);
    long n = trainer_steps(tr);
    CHECK(n >= 12);
    sleep_ms(20);
    CHECK_INT_EQ(n, trainer_steps(tr));
    CHECK(trainer_state(tr) == TRAINER_PAUSED);

    /* snapshots while it runs are consistent copies */
    CHECK(trainer_start(tr));
    TrainerSnapshot s;
    memset(&s, 0, sizeof s);
    for (int k = 0; k < 5; k++) {
        CHECK(trainer_snapshot(tr, &s));
        CHECK_INT_EQ(s.step, s.n_train);
        CHECK_INT_EQ(s.step / 2, s.n_test);
        CHECK_NEAR(s.train_hist[s.n_train - 1].loss, s.train_hist[s.n_train - 1].loss, 0.0);
        sleep_ms(2);
    }
    trainer_pause(tr);
    CHECK(trainer_snapshot(tr, &s));
    if (s.step % 2 == 1) {
        /* one more, so the last step is an evaluation step */
        trainer_single_step(tr);
        CHECK(trainer_snapshot(tr, &s));
    }
    CHECK_INT_EQ(0, s.step % 2);
    CHECK(s.n_test >= 1);
    for (int i = 0; i < s.n_test; i++) {
        CHECK_INT_EQ(2 * (i + 1), s.test_hist[i].step);
        CHECK(s.test_hist[i].accuracy >= 0.0f && s.test_hist[i].accuracy <= 1.0f);
    }
    /* the last test point is the accuracy of those weights on the first 50 test images */
    {
        long cm[100];
        int pred[50];
        float acc = trainer_evaluate_detail(trainer_net(tr), &test_set, 50, cm, pred);
        CHECK_NEAR(acc, s.test_hist[s.n_test - 1].accuracy, 0.0);
        CHECK(memcmp(cm, s.confusion, sizeof cm) == 0);
        CHECK_INT_EQ(50, s.n_test_pred);
        CHECK(memcmp(pred, s.test_pred, sizeof pred) == 0);
    }
    /* the confusion matrix and the predictions tell the same story */
    long right = 0, diag = 0, cells = 0;
    for (int i = 0; i < s.n_test_pred; i++)
        right += s.test_pred[i] == test_set.labels[i];
    for (int k = 0; k < 100; k++)
        cells += s.confusion[k];
    for (int k = 0; k < 10; k++)
        diag += s.confusion[k * 10 + k];
    CHECK_INT_EQ(50, cells);
    CHECK_INT_EQ(right, diag);

    /* settings between steps */
    trainer_set_batch(tr, 8);
    trainer_set_lr(tr, 0.001f);
    trainer_set_optimizer(tr, OPTIM_SGD);
    trainer_single_step(tr);
    CHECK(trainer_snapshot(tr, &s));
    CHECK_INT_EQ(8, s.n);
    CHECK_INT_EQ(8, s.batch);
    CHECK_NEAR(0.001, s.lr, 1e-9);
    CHECK(s.optim == OPTIM_SGD);
    trainer_set_batch(tr, 100000);
    CHECK(trainer_snapshot(tr, &s));
    CHECK_INT_EQ(TRAINER_MAX_BATCH, s.batch);
    trainer_set_batch(tr, 16);

    /* reset: as freshly created, with the current settings */
    trainer_reset(tr);
    CHECK_INT_EQ(0, trainer_steps(tr));
    CHECK(same_params(tr, initial));
    CHECK(trainer_snapshot(tr, &s));
    CHECK_INT_EQ(0, s.n_train);
    CHECK_INT_EQ(0, s.n_test);
    CHECK_INT_EQ(0, s.n);
    CHECK(s.optim == OPTIM_SGD);
    CHECK(memcmp(s.params, initial, sizeof(float) * (size_t)s.n_params) == 0);
    trainer_snapshot_free(&s);
    free(initial);
    /* destroying a running trainer stops its worker */
    CHECK(trainer_start(tr));
    sleep_ms(5);
    trainer_destroy(tr);
}

static void test_divergence(void)
{
    /* SGD with a learning rate of 1e30: the first update blows the weights up (to infinity,
     * or to a loss of astronomical size at the next step); either way the weights that come
     * back are the initial ones, the last with a sane loss */
    TrainConfig c = config();
    c.optim = OPTIM_SGD;
    c.lr = 1e30f;
    Trainer *tr = make(&c);
    if (!tr)
        return;
    long P = trainer_net(tr)->n_params;
    float *before = malloc(sizeof(float) * (size_t)P);
    memcpy(before, trainer_net(tr)->params, sizeof(float) * (size_t)P);
    bool diverged = false;
    int tries = 0;
    for (int i = 0; i < 5 && !diverged; i++, tries++)
        diverged = !trainer_step_now(tr);
    CHECK(diverged);
    CHECK(tries <= 2);
    CHECK(same_params(tr, before));
    bool finite = true;
    for (long i = 0; i < P; i++)
        finite = finite && isfinite(trainer_net(tr)->params[i]);
    CHECK(finite);
    TrainerSnapshot s;
    memset(&s, 0, sizeof s);
    CHECK(trainer_snapshot(tr, &s));
    CHECK_CONTAINS(s.message, "learning rate 1e+30");
    CHECK_CONTAINS(s.message, "training diverged");
    CHECK_CONTAINS(s.message, "restored");
    CHECK(memcmp(s.params, before, sizeof(float) * (size_t)P) == 0);

    /* live: the worker stops by itself, restores and says why; a smaller rate trains on */
    trainer_reset(tr);
    CHECK(trainer_snapshot(tr, &s));
    CHECK_STR_EQ("", s.message);
    CHECK(trainer_start(tr));
    for (int i = 0; i < 2000 && trainer_state(tr) == TRAINER_RUNNING; i++)
        sleep_ms(1);
    CHECK(trainer_state(tr) == TRAINER_PAUSED);
    CHECK(trainer_snapshot(tr, &s));
    CHECK_CONTAINS(s.message, "try a smaller learning rate");
    CHECK(memcmp(s.params, before, sizeof(float) * (size_t)P) == 0);
    CHECK(same_params(tr, before));
    trainer_set_lr(tr, 0.01f);
    long steps = trainer_steps(tr);
    trainer_single_step(tr);
    CHECK_INT_EQ(steps + 1, trainer_steps(tr));
    CHECK(trainer_snapshot(tr, &s));
    CHECK(isfinite(s.train_hist[s.n_train - 1].loss));
    trainer_snapshot_free(&s);
    free(before);
    trainer_destroy(tr);
}

/* A net with batchnorm: steps in training mode move the running statistics, the net rests in
 * evaluation mode (so evaluation is per example, whatever the batch), a divergence restores
 * the statistics with the weights, a reset starts them again at (0, 1). */
static void test_batchnorm(void)
{
    const char *text = "input 1 28 28\nconv 4 k=5 stride=3\nbatchnorm\nrelu\nflatten\n"
                       "dense 10\nbatchnorm momentum=0.2\nsoftmax\n";
    TrainConfig c = config();
    char err[256] = "";
    Trainer *tr = trainer_create(text, "bn.net", &train_set, &test_set, &c, err, sizeof err);
    CHECK_STR_EQ("", err);
    if (!tr)
        return;
    const Net *net = trainer_net(tr);
    CHECK_INT_EQ(28, net->n_state);
    for (int i = 0; i < 6; i++)
        CHECK(trainer_step_now(tr));
    CHECK(!net_training(net));
    CHECK(net->state[0] != 0.0f && net->state[4] != 1.0f);
    /* evaluation: each image alone gives the class the batched evaluation gives */
    int pred[100];
    float acc = trainer_evaluate_detail(net, &test_set, 100, NULL, pred);
    NetActs *one = net_acts_create(net, 1);
    float img[784];
    int same = 0, correct = 0;
    for (int i = 0; i < 100; i++) {
        dataset_image(&test_set, i, img);
        net_forward(net, one, img, 1);
        same += net_predict_class(net, one, 0) == pred[i];
        correct += pred[i] == test_set.labels[i];
    }
    CHECK_INT_EQ(100, same);
    CHECK_NEAR(correct / 100.0, acc, 1e-6);
    net_acts_destroy(one);
    /* a divergence: the statistics from before the step come back, finite */
    float before[28];
    memcpy(before, net->state, sizeof before);
    trainer_set_lr(tr, 1e30f);
    bool diverged = false;
    for (int i = 0; i < 5 && !diverged; i++) {
        memcpy(before, net->state, sizeof before);
        diverged = !trainer_step_now(tr);
    }
    CHECK(diverged);
    CHECK(memcmp(before, net->state, sizeof before) == 0);
    trainer_reset(tr);
    CHECK_NEAR(0.0, net->state[3], 0.0);
    CHECK_NEAR(1.0, net->state[4], 0.0);
    CHECK_NEAR(1.0, net->state[27], 0.0);
    trainer_destroy(tr);
}

static void test_evaluate_and_errors(void)
{
    TrainConfig c = config();
    Trainer *tr = make(&c);
    if (!tr)
        return;
    for (int i = 0; i < 8; i++)
        trainer_step_now(tr);
    long cm[100];
    float acc = trainer_evaluate(trainer_net(tr), &test_set, 0, cm);
    long total = 0, diag = 0;
    for (int t = 0; t < 10; t++) {
        for (int p = 0; p < 10; p++)
            total += cm[t * 10 + p];
        diag += cm[t * 10 + t];
    }
    CHECK_INT_EQ(test_set.n, total);
    CHECK_NEAR((double)diag / test_set.n, acc, 1e-6);
    /* the first 30: rows add up to the label counts of those images */
    trainer_evaluate(trainer_net(tr), &test_set, 30, cm);
    int count3 = 0;
    long row3 = 0;
    for (int i = 0; i < 30; i++)
        count3 += test_set.labels[i] == 3;
    for (int p = 0; p < 10; p++)
        row3 += cm[3 * 10 + p];
    CHECK_INT_EQ(count3, row3);
    trainer_destroy(tr);

    char err[256] = "";
    CHECK(!trainer_create("input 1 14 14\nflatten\ndense 10\nsoftmax\n", "half.net", &train_set,
                          NULL, &c, err, sizeof err));
    CHECK_CONTAINS(err, "half.net: the net wants 1x14x14 inputs, but ");
    CHECK_CONTAINS(err, "holds 1x28x28 images");
    CHECK(!trainer_create("input 1 28 28\nflatten\ndense 5\nsoftmax\n", "five.net", &train_set,
                          NULL, &c, err, sizeof err));
    CHECK_STR_EQ("five.net: the last layer has 5 outputs; the data set has 10 classes", err);
    CHECK(!trainer_create("input 1 28 28\nbogus 3\n", "bad.net", &train_set, NULL, &c, err,
                          sizeof err));
    CHECK_CONTAINS(err, "bad.net:2:");
}

int main(void)
{
    char dir[512], err[256];
    CHECK(assets_path(dir, sizeof dir, "assets/digits"));
    if (!dataset_load(&train_set, dir, DATASET_TRAIN, err, sizeof err) ||
        !dataset_load(&test_set, dir, DATASET_TEST, err, sizeof err)) {
        CHECK_STR_EQ("", err);
        return test_summary();
    }
    dataset_truncate(&train_set, 64);
    dataset_truncate(&test_set, 100);
    test_steps_and_epochs();
    test_determinism_and_threads();
    test_live_controls();
    test_divergence();
    test_evaluate_and_errors();
    test_batchnorm();
    dataset_free(&train_set);
    dataset_free(&test_set);
    return test_summary();
}
