/* labs/train/model.h - the Train lab's state without any drawing: the bundled digits, the live
 * trainer (engine/trainer.h) training assets/nets/lenet-tiny.net on them, the last snapshot
 * the window draws from, and what is derived from it: the binned curves and their x axis, the
 * stream of recent predictions, the first layer's kernels, the test examples of one confusion
 * cell, the images/s rate; the settings' presets and the texts the lab writes (model_text.c).
 * Depends on: engine (trainer, net, idx, assets). No SDL.
 *
 * The net: its text (net_text, read from net_file) is the recipe; the Trainer (tr) builds the
 * Net from it with cfg.seed and owns it and its weights (trainer_net(tr)); the window reads
 * only the snapshot's copy (snap.params). Another net is swapped in by trainmodel_set_net (the
 * view follows the shared net, labs/common/netshare.h): checked for the digits' shape (1x28x28
 * in, 10 out), then make_trainer (model.c) builds a fresh Trainer and the derived data start
 * over; the kernel panel follows find_conv_layer (the first conv of any kernel size, its first
 * input channel; with no conv the first dense layer on the 28x28 input).
 *
 * Threads: every function is called from one thread (the window's); the trainer's worker runs
 * the steps and the model only reads its snapshots. Deterministic: the same seed and the same
 * sequence of commands give the same numbers (reset replays them).
 *
 * The view (view.c) keeps its TrainModel as the FIRST member of its state, so a test can reach
 * the model from app_lab_state(). */
#ifndef CONVSCOPE_LAB_TRAIN_MODEL_H
#define CONVSCOPE_LAB_TRAIN_MODEL_H

#include "engine/idx.h"
#include "engine/trainer.h"

#include <stdbool.h>
#include <stddef.h>

#define TRAINLAB_SIDE            28 /* digits are 28x28 */
#define TRAINLAB_PIX             (TRAINLAB_SIDE * TRAINLAB_SIDE)
#define TRAINLAB_BINS            200 /* the curves are drawn with at most this many points */
#define TRAINLAB_STREAM          24  /* recent predictions kept */
#define TRAINLAB_STREAM_PER_STEP 4   /* examples of each seen step that enter the stream */
#define TRAINLAB_GALLERY         48  /* test examples listed for a confusion cell */
#define TRAINLAB_MAX_KERNELS     16
#define TRAINLAB_KMAX            28 /* kernels up to 28x28 (a dense unit's weights on a digit) */
#define TRAINLAB_TEST_SUBSET     500
#define TRAINLAB_TEST_EVERY      50
#define TRAINLAB_PLAN_EPOCHS     3  /* training stops after this many epochs (Play goes on) */
#define TRAINLAB_CLASSES         10 /* the bundled digits' classes */
#define TRAINLAB_N_LR            10 /* learning-rate presets */
#define TRAINLAB_N_BATCH         9  /* batch-size presets */

/* One example in the prediction stream. */
typedef struct TrainStreamItem {
    float px[TRAINLAB_PIX]; /* (28, 28) in [0, 1] */
    int label, predicted;
    long step;   /* the step whose forward pass predicted it */
    float prob;  /* the probability given to the predicted class */
    long serial; /* unique per pushed item (textures know what they hold) */
} TrainStreamItem;

typedef struct TrainModel {
    Dataset train, test; /* the bundled digits: 8,000 and 2,000 */
    char net_file[1024];
    char *net_text;
    TrainConfig cfg; /* the settings the trainer was created with (seed etc.) */
    Trainer *tr;
    TrainerSnapshot snap; /* the last snapshot (drawn from) */
    long snap_step;       /* snap.step when the derived data were last rebuilt */
    unsigned gen;         /* counts rebuilds of the derived data (textures follow it) */
    bool dirty;           /* a command was given: the next refresh takes a snapshot */

    /* curves: the training history averaged over bins of equal step counts */
    int n_bins;
    float bin_epoch[TRAINLAB_BINS], bin_loss[TRAINLAB_BINS], bin_acc[TRAINLAB_BINS];
    int bin_steps;  /* steps per bin */
    float loss_max; /* the largest binned loss (the plot's top) */
    int n_test_pts;
    float *test_epoch, *test_acc; /* (n_test_pts) the test evaluations */
    int test_cap;

    /* the first conv layer's kernels on its first input channel, (n_kernels, kh, kw), or with
     * no conv the first dense layer's weights on the 28x28 input (kh = kw = 28); max |w| */
    int n_kernels;
    float kernels[TRAINLAB_MAX_KERNELS * TRAINLAB_KMAX * TRAINLAB_KMAX];
    float kernel_absmax;
    int conv_layer;  /* index of that layer in the net, -1 when there is none */
    bool conv_dense; /* the layer is dense (the net has no conv) */
    int kh, kw;      /* the kernels' side (0 with no layer shown) */
    int k_in_c;      /* the conv's input channels (only the first is shown) */
    int k_units;     /* its output channels or units (the first TRAINLAB_MAX_KERNELS shown) */

    /* the stream: newest last; stream_gen counts pushes */
    TrainStreamItem stream[TRAINLAB_STREAM];
    int n_stream, stream_head; /* ring buffer: oldest at stream_head when full */
    unsigned stream_gen;
    long next_serial;

    /* the selected confusion cell (-1: none) and its test examples */
    int sel_true, sel_pred;
    int gallery[TRAINLAB_GALLERY]; /* test indices with that (true, predicted) */
    int n_gallery;                 /* listed (<= TRAINLAB_GALLERY) */
    int gallery_total;             /* all of them (the confusion cell's count) */

    /* images per second while running: images trained between two samples at least half a
     * second apart over the wall-clock (monotonic) time between them, so frames not drawn
     * (the lab hidden, a slow frame) count as the time they took */
    double rate;       /* 0 while paused */
    double rate_clock; /* the monotonic clock (s) at the last rate sample; 0: none yet */
    long rate_images;  /* images seen at the last rate sample */

    /* where the lab last drew the confusion matrix: its top-left cell's corner and the cell
     * side in pixels (cell 0: not drawn), so tests can click a cell */
    int conf_x, conf_y, conf_cell;

    char message[TRAINER_MESSAGE]; /* the divergence message of the snapshot ("" none) */
    bool message_new;              /* a message appeared since trainmodel_take_message */
} TrainModel;

/* The lab's training settings: the command line's (trainer_default_config: Adam, lr 0.005
 * multiplied by 0.4 at each epoch's start, batch 16, seed 1), the fast path on 1 thread, a
 * test evaluation of the first 500 test digits every 50 steps. The decay is what takes a
 * learner's own net (lenet-tiny with a third conv and a batchnorm) past 97 % on all 2,000 test
 * digits within the 3 epochs; the constant 0.003 the lab had stayed at 96-97 % (the figures:
 * tests/labs/train/test_lab_train_net.c). The rule text shows the decayed η in use. */
TrainConfig trainmodel_default_config(void);

/* Loads the digits and the net and creates the trainer with cfg. false with err on failure
 * (everything released). */
bool trainmodel_init(TrainModel *m, const TrainConfig *cfg, char *err, size_t err_size);
void trainmodel_free(TrainModel *m);

/* Takes a snapshot and rebuilds what is derived from it when the trainer moved, and samples
 * the images/s rate (on the monotonic clock, not dt: dt (seconds since the last call) is not
 * used). Returns true when something new arrived. */
bool trainmodel_refresh(TrainModel *m, double dt);

/* Live commands (see trainer.h). step: exactly one step on the worker, then a refresh. */
bool trainmodel_play(TrainModel *m);
void trainmodel_pause(TrainModel *m);
void trainmodel_step(TrainModel *m);
/* Reset: the weights from the seed, empty histories and stream; settings kept. */
void trainmodel_reset(TrainModel *m);
bool trainmodel_running(TrainModel *m);
/* Where a free run (trainmodel_play) stops by itself: after `step` steps (0: never); see
 * trainer_set_stop_step. */
void trainmodel_set_stop(TrainModel *m, long step);

/* n steps in this thread while paused, each followed by a refresh (so the stream is filled as
 * it would be when watching one step at a time). Stops at a divergence; returns the steps
 * taken. */
int trainmodel_run_steps(TrainModel *m, int n);

/* Settings taken by the next step. set_seed recreates the trainer (a new seed is a new start):
 * false with err when that fails (the old trainer is kept). */
void trainmodel_set_lr(TrainModel *m, float lr);
void trainmodel_set_batch(TrainModel *m, int batch);
void trainmodel_set_optimizer(TrainModel *m, OptimKind kind);
bool trainmodel_set_seed(TrainModel *m, unsigned long long seed, char *err, size_t err_size);

/* Another net (its text; file names it in messages): checked first, the digits need an input
 * of 1x28x28 and 10 outputs; then a fresh trainer (the current settings, the seed) and
 * everything derived starts over. false with err and the old net kept when the text does not
 * parse, has another shape, or the trainer cannot be made. */
bool trainmodel_set_net(TrainModel *m, const char *text, const char *file, char *err,
                        size_t err_size);

/* Selects the confusion cell (true t, predicted p) and lists its test examples from the last
 * evaluation's per-image predictions; t < 0 clears. Kept up to date on every refresh. */
void trainmodel_select_cell(TrainModel *m, int t, int p);

/* Images seen since the start (epochs as a fraction times the training set's size). */
long trainmodel_images_seen(const TrainModel *m);
/* Steps in one epoch at the batch size the next step uses. */
int trainmodel_steps_per_epoch(const TrainModel *m);
/* The stream's i-th item, 0 the oldest. */
const TrainStreamItem *trainmodel_stream_item(const TrainModel *m, int i);
/* The divergence message once: returns it (and clears message_new) when new, else NULL. */
const char *trainmodel_take_message(TrainModel *m);
/* The sum of the confusion counts (the test subset's size after the first evaluation). */
long trainmodel_confusion_total(const TrainModel *m);

/* The curves' x: in epochs, or in training steps while the run is shorter than one epoch.
 * *in_steps says which, *per_epoch gets x units per epoch (the steps per epoch, or 1); returns
 * the axis' right end, a little beyond where training is. */
float trainmodel_plot_x(const TrainModel *m, bool *in_steps, float *per_epoch);

/* ---- the settings' presets -------------------------------------------------------------- */

/* Learning rates 0.0001 .. 1 and 5 (too big: it diverges); batch sizes 1, 2, 4, .. 256. */
extern const float trainmodel_lr_presets[TRAINLAB_N_LR];
extern const int trainmodel_batch_presets[TRAINLAB_N_BATCH];
/* The preset index of lr (batch), or TRAINLAB_N_LR (TRAINLAB_N_BATCH) for another value. */
int trainmodel_lr_index(float lr);
int trainmodel_batch_index(int batch);
/* The preset one up (dir > 0) or one down from lr (batch), clamped at the ends; from another
 * value, the nearest preset on that side of it (the lab's default lr 0.005: up 0.01, down
 * 0.003). */
float trainmodel_lr_next(float lr, int dir);
int trainmodel_batch_next(int batch, int dir);

/* ---- texts (model_text.c) ------------------------------------------------------------------ */

/* "12,345". Returns out. */
const char *trainmodel_thousands(long v, char *out, size_t size);
/* The optimizer's update rule with the snapshot's learning rate: full, with the momentum or
 * Adam's running means, or short (w ← w − η·v). Returns out. */
const char *trainmodel_rule_text(const TrainModel *m, bool full, char *out, size_t size);
/* The last step's numbers ("step 120: loss 0.4321 on a batch of 16, 14 of 16 right"), or step
 * 0's seed. Returns out. */
const char *trainmodel_step_text(const TrainModel *m, char *out, size_t size);
/* The divergence explained: the trainer's message, then why this optimizer at this learning
 * rate overshot and what to choose instead. Returns out. */
const char *trainmodel_divergence_text(const TrainModel *m, char *out, size_t size);

#endif
