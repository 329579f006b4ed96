/* lab_network_model.h - the Network lab's scene without any drawing: a real net (a file from
 * assets/nets) with its forward pass on one input, every layer's line, shape, parameter
 * formula and value range, the softmax arithmetic written out with the actual numbers, the
 * receptive field of any unit, and a one-epoch training run on a worker thread.
 * Depends on: engine (net, dense, receptive, trainer, idx, prep). Every number comes from
 * net_forward / softmax_forward / receptive_trace / trainer on the real net.
 *
 * Layer indices here count the input: L = 0 is the input (C, H, W), L = k >= 1 is the k-th layer
 * of the net file (spec.layers[k - 1]), so the timeline's step k is "layer k computed". */
#ifndef CONVSCOPE_LAB_NETWORK_MODEL_H
#define CONVSCOPE_LAB_NETWORK_MODEL_H

#include "engine/idx.h"
#include "engine/net.h"
#include "engine/receptive.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define NETLAB_MAX_CLASSES 32 /* outputs written out as bars (the rest are counted) */
#define NETLAB_SEED 1         /* weights of the initial net, and the training's shuffles */

/* What one layer (or the input) is and what it computed for the current input. */
typedef struct NetLabLayer {
    char line[96];    /* the net-file line, "conv 8 k=5 pad=2" ("input" for L = 0) */
    char shape[48];   /* "8×28×28" or "400" */
    char formula[96]; /* "8×1×5×5 + 8 = 208"; "" for a layer without parameters */
    long params;
    Shape out;
    float lo, hi;    /* smallest and largest output value */
    bool diverging;  /* signed values (lo < 0): the blue-white-orange map, else sequential */
} NetLabLayer;

typedef enum NetLabTrainState {
    NETLAB_INIT,     /* the initial weights from the seed */
    NETLAB_TRAINING, /* the worker is training a copy */
    NETLAB_TRAINED,  /* the worker's weights were taken over */
    NETLAB_FAILED,   /* training could not run (message in train_msg) */
} NetLabTrainState;

typedef struct NetLabModel {
    char name[64];   /* "lenet-tiny" */
    char path[1024]; /* the file it was read from */
    Net *net;
    NetActs *acts;   /* capacity 1: the one input */
    int n_layers;    /* layers after the input */
    NetLabLayer info[NET_MAX_LAYERS + 1]; /* [0] the input, [k] layer k */
    long total_params;
    float *input;    /* (C, H, W) the current input */

    /* the output: K values of the last layer; with a final softmax z are its inputs (the
     * logits) and p its outputs, and the arithmetic is written per class */
    int classes;
    bool softmax;
    const float *z; /* (K) logits (the last layer's input when softmax, else its output) */
    const float *p; /* (K) probabilities (== z without softmax) */
    double exps[NETLAB_MAX_CLASSES]; /* e^(z_k - shift) */
    double sum;                      /* sum of every e^(z_j - shift) */
    double shift;                    /* 0, or max z when e^z would overflow */
    char arith[NETLAB_MAX_CLASSES][96]; /* "e^3.10 / 25.6 = 0.87" */
    char sum_text[160];              /* "Σ e^z_j = 25.6" with its terms' count */
    int predicted;

    /* training: one epoch of the bundled digits on a worker thread, adopted when done */
    NetLabTrainState train;
    char train_msg[256];   /* what the state line says */
    float accuracy;        /* test accuracy after training */
    int train_images;      /* training images seen */
    double train_seconds;  /* time the worker spent */
    pthread_t thread;
    bool thread_live;
    atomic_int steps_done;
    atomic_bool cancel, finished;
    int steps_total;
    int train_limit;       /* 0: the whole training split; else its first train_limit */
    float *trained;        /* (n_params) the worker's result */
    char digits_dir[1024];
    const Dataset *test;   /* borrowed, read-only on both threads */
    char worker_err[256];
} NetLabModel;

/* Reads the net file at path (its name for titles is the file name without ".net"), builds it
 * with NETLAB_SEED and runs a zero input through it. false with "PATH:LINE: ..." in err; m is
 * then empty (netlab_model_free is still safe). m must be zero-initialised or freed. */
bool netlab_model_load(NetLabModel *m, const char *path, char *err, size_t err_size);
/* Stops any training and frees everything; m is zeroed. */
void netlab_model_free(NetLabModel *m);

/* Runs x (C, H, W) through the net and refreshes ranges, output arithmetic and prediction. */
void netlab_model_set_input(NetLabModel *m, const float *x);
/* Re-runs the current input (after the weights changed). */
void netlab_model_refresh(NetLabModel *m);
/* Back to the initial weights from the seed (stops a training run). */
void netlab_model_reset_weights(NetLabModel *m);

/* Fills x (C, H, W) from a 28x28 picture in [0, 1]: resampled to H x W when the net wants
 * another size, copied into every channel. */
void netlab_model_fit_picture(const NetLabModel *m, const float *pic /* (28, 28) */, float *x);

/* Layer L's output (L = 0: the input), one example: (C, H, W) or (K). */
const float *netlab_layer_data(const NetLabModel *m, int L);
/* The value of unit (c, y, x) of layer L. */
float netlab_unit_value(const NetLabModel *m, int L, int c, int y, int x);
/* The receptive field of unit (c, y, x) of layer L >= 1: out[0] in the input, out[l] in layer
 * l's output for l <= L (out holds L + 1 boxes). For L = 0 out[0] is the unit. false when the
 * unit is outside the net. */
bool netlab_model_trace(const NetLabModel *m, int L, int c, int y, int x, RfBox *out);

/* The arithmetic of p_k = e^(z_k) / Σ_j e^(z_j), written with the numbers:
 * "e^3.10 / 25.6 = 0.87" (U+2212 minus; with a shift: "e^(3.10−40.2) / 1.02 = 0.87"). */
void netlab_softmax_text(double z, double shift, double sum, float p, char *out, size_t size);
/* A number with `sig` significant digits, plain from 0.001 to 10^6 else d.dde−n, U+2212 minus. */
const char *netlab_format_sig(double v, int sig, char *out, size_t size);
/* A number with `dec` decimals (U+2212 minus, "-0.00" written as "0.00"). */
const char *netlab_format_fixed(double v, int dec, char *out, size_t size);
/* Copies s into out with every 'x' between digits written as '×' ("8x1x5x5" -> "8×1×5×5"). */
const char *netlab_times(const char *s, char *out, size_t size);

/* Starts training a copy of the net on the bundled digits in digits_dir (one epoch, or the
 * first train_limit images when m->train_limit > 0) with the trainer's defaults and
 * NETLAB_SEED, evaluating on test afterwards. false (state FAILED and the reason in
 * train_msg) when the net cannot train on 1x28x28 digits or the thread cannot start. */
bool netlab_train_start(NetLabModel *m, const char *digits_dir, const Dataset *test);
/* Takes over the worker's weights when it has finished (then refreshes the forward pass);
 * returns true when the state changed. Cheap; call every frame. */
bool netlab_train_poll(NetLabModel *m);
/* Waits for the worker and takes over its result (headless renders show the trained net). */
void netlab_train_wait(NetLabModel *m);
/* Fraction of the training steps done, 0..1. */
float netlab_train_progress(const NetLabModel *m);

#endif
