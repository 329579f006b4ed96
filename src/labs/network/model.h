/* labs/network/model.h - the Network lab's scene without any drawing: a real net (a file from
 * assets/nets) with its forward pass on one input, every layer's line, shape, parameter
 * formula and value range, the softmax arithmetic written out with the actual numbers, the
 * receptive field of any unit, and a one-epoch training run on a worker thread; beside it the
 * catalogue of nets to pick from, the input (a test digit, a drawing, a picture) and the
 * equation strip's texts.
 * Depends on: engine (net, dense, conv, pool, receptive, trainer, idx, prep, assets). Every
 * number comes from net_forward / softmax_forward / receptive_trace / trainer on the real net.
 * Files: model.c (the net and its forward pass), model_train.c (the training worker),
 * model_text.c (numbers and explanations as text), model_input.c (catalogue and input).
 *
 * The net: NetLabModel.net (a Net: its text in net->text, its weights in net->params) is owned
 * by the model and read from a file by netlab_model_load; another net is swapped in by loading
 * a fresh NetLabModel and freeing the old one (the input stays: netlab_input_apply refills it).
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
#define NETLAB_SEED        1  /* weights of the initial net, and the training's shuffles */
#define NETLAB_MAX_NETS    16 /* nets listed from assets/nets */
#define NETLAB_CANVAS      28 /* the drawing canvas and the bundled digits are 28x28 */

/* What one layer (or the input) is and what it computed for the current input. */
typedef struct NetLabLayer {
    char line[96];    /* the net-file line, "conv 8 k=5 pad=2" ("input" for L = 0) */
    char shape[48];   /* "8×28×28" or "400" */
    char formula[96]; /* "8×1×5×5 + 8 = 208"; "" for a layer without parameters */
    long params;
    Shape out;
    float lo, hi;   /* smallest and largest output value */
    bool diverging; /* signed values (lo < 0): the blue-white-orange map, else sequential */
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
    NetActs *acts;                        /* capacity 1: the one input */
    int n_layers;                         /* layers after the input */
    NetLabLayer info[NET_MAX_LAYERS + 1]; /* [0] the input, [k] layer k */
    long total_params;
    float *input; /* (C, H, W) the current input */

    /* the output: K values of the last layer; with a final softmax z are its inputs (the
     * logits) and p its outputs, and the arithmetic is written per class */
    int classes;
    bool softmax;
    const float *z; /* (K) logits (the last layer's input when softmax, else its output) */
    const float *p; /* (K) probabilities (== z without softmax) */
    double exps[NETLAB_MAX_CLASSES];    /* e^(z_k - shift) */
    double sum;                         /* sum of every e^(z_j - shift) */
    double shift;                       /* 0, or max z when e^z would overflow */
    char arith[NETLAB_MAX_CLASSES][96]; /* "e^3.10 / 25.6 = 0.87" */
    char sum_text[160];                 /* "Σ e^z_j = 25.6" with its terms' count */
    int predicted;

    /* training: one epoch of the bundled digits on a worker thread, adopted when done */
    NetLabTrainState train;
    char train_msg[256];  /* what the state line says */
    float accuracy;       /* test accuracy after training */
    int train_images;     /* training images seen */
    double train_seconds; /* time the worker spent */
    pthread_t thread;
    bool thread_live;
    atomic_int steps_done;
    atomic_bool cancel, finished;
    int steps_total;
    int train_limit; /* 0: the whole training split; else its first train_limit */
    float *trained;  /* (n_params) the worker's result */
    char digits_dir[1024];
    const Dataset *test; /* borrowed, read-only on both threads */
    char worker_err[256];
} NetLabModel;

/* Reads the net file at path (its name for titles is the file name without ".net"), builds it
 * with NETLAB_SEED and runs a zero input through it. false with "PATH:LINE: ..." in err; m is
 * then empty (netlab_model_free is still safe). m must be zero-initialised or freed. */
bool netlab_model_load(NetLabModel *m, const char *path, char *err, size_t err_size);
/* The same from a net text (file names it in messages and titles). */
bool netlab_model_load_text(NetLabModel *m, const char *text, const char *file, char *err,
                            size_t err_size);
/* Takes over n weights made elsewhere (a Train lab run, a .cnn file) when n is the net's
 * parameter count (false otherwise): stops a training run, the state becomes TRAINED with
 * "weights: FROM" as its line, and the forward pass is re-run. */
bool netlab_model_set_weights(NetLabModel *m, const float *w, long n, const char *from);
/* The same with the batchnorm running statistics (n_state of them, the net's count; NULL: they
 * start afresh, mean 0 and variance 1). */
bool netlab_model_set_model(NetLabModel *m, const float *w, long n, const float *state,
                            long n_state, const char *from);
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
/* Stops a training run (its result is dropped) and waits for the worker; nothing when none. */
void netlab_train_cancel(NetLabModel *m);

/* ---- the nets to pick from (model_input.c) ---------------------------------------------- */

/* The .net files of assets/nets by name (the file name without ".net"), sorted. */
typedef struct NetLabCatalog {
    char names[NETLAB_MAX_NETS][64];
    int n;
} NetLabCatalog;

/* Lists assets/nets; "lenet-tiny" alone when the folder has none. */
void netlab_catalog_scan(NetLabCatalog *cat);
/* The index of the net called name (".net" may follow it), or -1. */
int netlab_catalog_find(const NetLabCatalog *cat, const char *name);
/* The file of net i ("assets/nets/NAME.net" under the assets folder). */
void netlab_catalog_path(const NetLabCatalog *cat, int i, char *out, size_t size);
/* The names separated by ", " (as many as fit size), for messages. */
void netlab_catalog_list(const NetLabCatalog *cat, char *out, size_t size);

/* ---- the input (model_input.c) ------------------------------------------------------------ */

typedef enum NetLabSource {
    NETLAB_SRC_DIGIT,  /* a bundled test digit */
    NETLAB_SRC_CANVAS, /* the drawing */
    NETLAB_SRC_FILE,   /* a picture file */
    NETLAB_SRC_COUNT
} NetLabSource;

/* What the net is shown: a test digit picked by index or class, a drawing, a picture file. It
 * outlives the net (a new net takes the same input, resampled to its size). */
typedef struct NetLabInput {
    Dataset digits; /* the bundled test digits */
    char digits_dir[1024];
    NetLabSource src;
    int digit_index, class_sel;                  /* the test digit and the class its menu shows */
    float canvas[NETLAB_CANVAS * NETLAB_CANVAS]; /* (28, 28) the drawing */
    float *file_x;       /* (C, H, W) the loaded picture as the net's input, or NULL */
    char file_name[256]; /* its file name, without the folder */
} NetLabInput;

/* Loads the bundled test digits (28x28); the input is test digit #0. false with
 * "PATH: ..." in err. in must be zero-initialised. */
bool netlab_input_init(NetLabInput *in, char *err, size_t err_size);
void netlab_input_free(NetLabInput *in);
/* Fills m's input from the current source (resampled to the net's size) and runs the forward
 * pass. A picture file source without a picture keeps m's input. */
void netlab_input_apply(const NetLabInput *in, NetLabModel *m);
/* Test digit index (wrapping) becomes the input; the class menu follows its label. */
void netlab_input_pick_digit(NetLabInput *in, int index);
/* The next test digit of class k after the current one (wrapping); false when there is none. */
bool netlab_input_pick_class(NetLabInput *in, int k);
/* A brush stroke on the canvas at (fy, fx) in canvas cells: a soft round brush about two
 * pixels wide, like a pen stroke in MNIST; erase clears under it instead. */
void netlab_input_paint(NetLabInput *in, float fy, float fx, bool erase);
/* Takes over x (C, H, W, malloc'd) as the picture read from path and makes it the source. */
void netlab_input_set_file(NetLabInput *in, float *x, const char *path);
/* Drops the picture (its size was the old net's); a picture source goes back to the digit. */
void netlab_input_forget_file(NetLabInput *in);
/* "test digit #3 (a 5)", "your drawing" or the picture's name ("no file yet" without one). */
const char *netlab_input_text(const NetLabInput *in, char *out, size_t size);

/* ---- units and the equation strip (model_text.c) -------------------------------------- */

/* A unit: layer L (0 = input), channel (or element) c, row y, column x. */
typedef struct NetLabUnit {
    bool valid;
    int L, c, y, x;
} NetLabUnit;

/* "L,C,Y,X", "L,Y,X" (channel 0) or "L,I" (an element of a vector layer) of m's net; false
 * when it is not a unit of the net. */
bool netlab_parse_unit(const NetLabModel *m, const char *value, NetLabUnit *u);
/* The equation strip at timeline step `step` (no unit hovered): line 1 what the layer computes
 * and its output size, line 2 its parameters or what it does (step 0: the input). */
void netlab_step_text(const NetLabModel *m, const NetLabInput *in, int step, char *eq1,
                      size_t eq1_size, char *eq2, size_t eq2_size);
/* "prediction 7 (p 0.98)", with "  label 7 ✓" (or ✗) for a test digit ("y" for p without a
 * softmax). */
const char *netlab_prediction_text(const NetLabModel *m, const NetLabInput *in, char *out,
                                   size_t size);
/* A hovered unit u with its receptive field rf (netlab_model_trace): line 1 its value and
 * field, line 2 the engine's own account of it (asked again of the single-cell query where
 * there is one: conv_cell, pool_cell, dense_cell), and the tooltip with both. */
void netlab_unit_text(const NetLabModel *m, const NetLabUnit *u, const RfBox *rf, char *eq1,
                      size_t eq1_size, char *eq2, size_t eq2_size, char *tip, size_t tip_size);

#endif
