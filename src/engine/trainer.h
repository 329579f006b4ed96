/* trainer.h - the training loop over a Dataset, both for the command line (steps run in the
 * caller's thread) and for the live Train lab (steps run on the trainer's own worker thread
 * while the window draws from snapshots). Depends on: net, optim, idx, rng (libc, libm,
 * pthreads).
 *
 * Legend: N batch, P parameters, K classes, IN = C*H*W of one input.
 *
 * One step: take the next N indices of the epoch's shuffled order, convert those images to
 * floats in [0, 1], net_train_step, optim_step. The order of every epoch comes from the seed,
 * so the same seed and the same sequence of commands give the same weights, bit for bit.
 * The learning rate of epoch e is lr * lr_decay^e. The step runs in the net's training mode
 * (a batchnorm normalises with the batch's statistics and moves its running ones); between
 * steps the net is in evaluation mode, so evaluations and saved models use the running ones.
 *
 * Divergence: a step whose loss is NaN, infinite or above 1000 times the first step's loss
 * (at least 1000), or whose update leaves a weight that is not finite, is undone: the last
 * weights whose loss was sane come back (those from before the step, or from before the one
 * before, when it is this step's loss that shows the damage), the running statistics from
 * before the step come back, the optimizer's state is
 * forgotten, training pauses, and the snapshot's message says what happened.
 *
 * Threads: every public function may be called from any one thread (the window's) while the
 * worker runs; the shared state is guarded by one mutex, held only to copy. */
#ifndef CONVSCOPE_TRAINER_H
#define CONVSCOPE_TRAINER_H

#include "engine/idx.h"
#include "engine/net.h"
#include "engine/optim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRAINER_MAX_BATCH 1024
#define TRAINER_MESSAGE   256

typedef struct TrainConfig {
    OptimKind optim; /* OPTIM_SGD or OPTIM_ADAM */
    float lr;        /* learning rate of epoch 0 */
    float lr_decay;  /* multiplier of the learning rate per epoch (1: constant) */
    float momentum;  /* SGD only */
    int batch;       /* examples per step, 1..TRAINER_MAX_BATCH */
    uint64_t seed;   /* weights and shuffling */
    int threads;     /* 0: the reference ops; >= 1: the fast path on that many threads */
    int test_every;  /* live: steps between test evaluations (0: never) */
    int test_subset; /* live: how many test images (from the first) those evaluations use */
} TrainConfig;

/* The defaults `convscope train` and the Train lab use: Adam, lr 0.005 decaying by 0.4 per
 * epoch, batch 16, seed 1, the fast path on 1 thread, a test evaluation of 500 images every 50
 * steps. (Chosen to pass 97 % on all 2,000 bundled test digits within 3 epochs with lenet-tiny,
 * lenet-bn and learners' variants of it with a third conv and a batchnorm, for every seed we
 * tried: 97.4-98.3 %, 2026-12-06.) */
TrainConfig trainer_default_config(void);

/* One point of the history: after step `step` (1-based), at epoch position `epoch`
 * (a fraction: 1.5 = half-way through the second epoch). */
typedef struct TrainPoint {
    long step;
    float epoch;
    float loss;     /* the batch's loss */
    float accuracy; /* train: fraction of the batch right; test: of the test subset */
} TrainPoint;

typedef enum TrainerState {
    TRAINER_PAUSED,
    TRAINER_RUNNING,
} TrainerState;

/* A consistent copy of what the window draws; buffers are owned by the snapshot and grown as
 * needed by trainer_snapshot, released by trainer_snapshot_free. Zero-initialise it first. */
typedef struct TrainerSnapshot {
    TrainerState state;
    long step;       /* steps taken since create / reset */
    int epoch;       /* completed epochs */
    float epoch_pos; /* epochs as a fraction */
    float lr;        /* the learning rate set (of epoch 0; the lab's control) */
    float lr_decay;  /* the configuration's decay per epoch (1: constant) */
    int lr_epoch;    /* the next step's epoch (0-based): it uses lr * lr_decay^lr_epoch */
    int batch;       /* the batch size the next step uses */
    OptimKind optim;
    char message[TRAINER_MESSAGE]; /* why training stopped ("" when it did not) */
    long n_params;
    float *params;  /* (P) the weights after the last step */
    long n_stats;   /* S: the net's batchnorm running statistics (net.h's n_state) */
    float *stats;   /* (S) their values after the last step */
    int n;          /* examples in the last batch (0 before the first step) */
    int in_elems;   /* IN */
    int classes;    /* K */
    float *inputs;  /* (n, IN) the last batch's inputs */
    int *labels;    /* (n) */
    int *predicted; /* (n) the class each got in that step's forward */
    float *outputs; /* (n, K) the last layer's outputs (probabilities with softmax) */
    int n_layers;
    long act_off[NET_MAX_LAYERS + 1]; /* example 0's layer i output at acts + act_off[i] */
    float *acts;                      /* every layer's output for example 0 of the last batch */
    int n_train, n_test;              /* points in the histories */
    TrainPoint *train_hist;           /* (n_train) one per step */
    TrainPoint *test_hist;            /* (n_test) one per test evaluation */
    long confusion[DATASET_CLASSES * DATASET_CLASSES]; /* [true][predicted] counts of the
                                                        * last test evaluation */
    int n_test_pred; /* test images in it (the first n_test_pred of the test set) */
    int *test_pred;  /* (n_test_pred) the class each got: the misclassified ones
                      * are those whose label differs */
    size_t cap_params, cap_inputs, cap_labels, cap_pred, cap_outputs, cap_acts; /* capacities */
    size_t cap_train, cap_test, cap_test_pred, cap_stats;
} TrainerSnapshot;

typedef struct Trainer Trainer;

/* A trainer for the net built from net_text (file names it in messages) on train, with test
 * for the periodic evaluations (may be NULL). The data sets are borrowed and must outlive it.
 * The images must have the net's input size (1 channel, H x W). NULL with err on a mistake. */
Trainer *trainer_create(const char *net_text, const char *file, const Dataset *train,
                        const Dataset *test, const TrainConfig *cfg, char *err, size_t err_size);
/* Stops the worker (if any) and frees everything. */
void trainer_destroy(Trainer *tr);

/* --- the command line: steps in the caller's thread (not while the worker runs) --- */

/* Takes one step. Returns false when it diverged (see the top; the message says why). */
bool trainer_step_now(Trainer *tr);
/* Seconds spent inside steps (forward, backward, update) since create or reset. */
double trainer_train_seconds(const Trainer *tr);
/* Images seen since create or reset. */
long trainer_images_seen(const Trainer *tr);
/* The loss of the last step (NaN before the first). */
float trainer_last_loss(const Trainer *tr);
/* The fraction of the last step's batch the net got right (before that step's update). */
float trainer_last_accuracy(const Trainer *tr);
/* Steps per epoch: ceil(n_train / batch) with the current batch. */
int trainer_steps_per_epoch(const Trainer *tr);
/* The net being trained (read it only while no worker step is running). */
const Net *trainer_net(const Trainer *tr);

/* Accuracy of net on the first n images of ds (n <= ds->n; n <= 0 means all), on the net's
 * own ops (net_set_threads); fills confusion[true][predicted] (K x K, may be NULL) with
 * counts. */
float trainer_evaluate(const Net *net, const Dataset *ds, int n, long *confusion);
/* The same, also writing each image's predicted class into pred (n or ds->n, may be NULL). */
float trainer_evaluate_detail(const Net *net, const Dataset *ds, int n, long *confusion, int *pred);

/* --- the live trainer: a worker thread runs the steps --- */

/* Starts the worker thread if needed and sets it running. false when it cannot start. */
bool trainer_start(Trainer *tr);
/* Asks the worker to pause and waits until the step in progress (if any) has finished. */
void trainer_pause(Trainer *tr);
/* While paused: takes exactly one step on the worker and waits for it. */
void trainer_single_step(Trainer *tr);
/* Pauses, then re-initialises the weights from the seed, forgets the optimizer's state, the
 * histories, the message and the data order: as freshly created (with the current settings). */
void trainer_reset(Trainer *tr);
/* Where running stops by itself: the worker pauses before a step when `step` steps have been
 * taken (0: never), exactly there however fast it runs. Single steps are not stopped. */
void trainer_set_stop_step(Trainer *tr, long step);
/* New settings, taken by the next step (the step in progress finishes with the old ones).
 * batch is clamped to 1..TRAINER_MAX_BATCH; changing the optimizer starts its state afresh. */
void trainer_set_lr(Trainer *tr, float lr);
void trainer_set_batch(Trainer *tr, int batch);
void trainer_set_optimizer(Trainer *tr, OptimKind kind);
/* The running state now. */
TrainerState trainer_state(Trainer *tr);
/* Steps taken so far. */
long trainer_steps(Trainer *tr);
/* Copies the state for drawing (see TrainerSnapshot). false when memory runs out. */
bool trainer_snapshot(Trainer *tr, TrainerSnapshot *snap);
void trainer_snapshot_free(TrainerSnapshot *snap);

#endif
