/* net.h - a network: the net-file parser, the layer list with its shapes, one flat parameter
 * buffer and one flat gradient buffer, and forward / loss / backward over a batch.
 * Depends on: conv, pool, act, dense, batchnorm, rng (libc, libm).
 *
 * Legend: N batch, C channels, H/W height/width, K classes (the last layer's length).
 * Every tensor is float32, NCHW, C order. A flat tensor (after flatten or dense) is (N, K).
 *
 * Life of a training step (the trainer's loop):
 *
 *     Net *net = net_load("assets/nets/lenet-tiny.net", seed, err, sizeof err);
 *     NetActs *a = net_acts_create(net, batch);       // once per net and batch capacity
 *     Optim *opt = optim_create_sgd(net->n_params, lr, momentum);
 *     for each batch x (N, C, H, W), labels (N):
 *         float loss = net_train_step(net, a, x, labels, n);   // zero grads, fwd, loss, bwd
 *         optim_step(opt, net->params, net->grads);
 *
 * Parameters of layer i are views into the flat buffers: weights at
 * net->params + layer->w_off (layout of the layer's PyTorch module: conv (O, C/G, KH, KW),
 * deconv (C, O/G, KH, KW) with G the groups, dense (O, I), batchnorm gamma (C)), bias at
 * net->params + layer->b_off (O; batchnorm beta (C)); the gradients at the same offsets in
 * net->grads. Zeroing every gradient is one memset (net_zero_grad).
 *
 * Initialisation (from the seed, through the explicit Rng, layers in order, weights then bias):
 * He normal, w ~ N(0, 2/fan_in), when the next layer that is not a pooling, lrn, batchnorm or
 * flatten layer is relu, leaky or abs (the rectifiers, which halve the variance); Xavier
 * uniform, w ~ U(-a, a) with a = sqrt(6/(fan_in + fan_out)), otherwise. Biases start at 0.
 * fan_in = (C/G)*KH*KW (conv and deconv), I (dense); fan_out = O*KH*KW or O. Batchnorm starts
 * as PyTorch's: gamma 1, beta 0 (no random draw), running mean 0, running variance 1.
 *
 * Batchnorm (batchnorm.h) keeps running statistics that are not trained: they live in
 * net->state (running mean (C) then running variance (C) of each batchnorm layer at
 * layer->s_off), are saved in model files, and are not touched by the optimizer. The net has a
 * mode (net_set_training): in training mode a batchnorm normalises with the statistics of the
 * batch, and net_train_step moves the running statistics toward them; in evaluation mode (the
 * mode a net starts in: what predict, eval, the labs and a loaded model want) it normalises
 * with the running statistics, so each example's answer does not depend on the rest of its
 * batch. The trainer switches to training mode for its steps only. A training-mode batch with
 * one value per channel (a flat batchnorm on one example) normalises every value to beta and
 * leaves the running variance as it was (see batchnorm.h; PyTorch refuses such a batch).
 *
 * Loss (BRIEF): when the last layer is softmax, the mean over the batch of -log p[label]
 * (cross-entropy); otherwise the notes' E = 1/2 * sum (y - t)^2 over the flattened output,
 * with t the one-hot vector of the label, averaged over the batch. */
#ifndef CONVSCOPE_NET_H
#define CONVSCOPE_NET_H

#include "engine/act.h"
#include "engine/conv.h"
#include "engine/pool.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits that protect memory; a net file beyond them is refused with the limit named. */
#define NET_MAX_LAYERS   64         /* layers after the input line */
#define NET_MAX_CHANNELS 4096       /* channels of any C,H,W tensor; units of a dense layer */
#define NET_MAX_ELEMS    16777216L  /* elements of one example's tensor (64 MiB of floats) */
#define NET_MAX_PARAMS   100000000L /* weights + biases of the whole net (400 MB of floats) */
#define NET_MAX_TEXT     65536      /* bytes of net text */

typedef enum LayerKind {
    LAYER_CONV,
    LAYER_DECONV,
    LAYER_MAXPOOL,
    LAYER_AVGPOOL,
    LAYER_L2POOL,
    LAYER_RELU,
    LAYER_LEAKY,
    LAYER_SIGMOID,
    LAYER_TANH,
    LAYER_ABS,
    LAYER_SOFTPLUS,
    LAYER_LRN,
    LAYER_FLATTEN,
    LAYER_DENSE,
    LAYER_SOFTMAX,
    LAYER_BATCHNORM,
    LAYER_KIND_COUNT
} LayerKind;

/* The shape of one example's tensor: rank 3 is (C, H, W); rank 1 is (c) with h = w = 1. */
typedef struct Shape {
    int rank;
    int c, h, w;
} Shape;

typedef struct Layer {
    LayerKind kind;
    int line;      /* line of the net text it came from (1-based) */
    Shape in, out; /* one example's input and output shapes */
    ConvGeom conv; /* conv, deconv: full geometry, with n = 1 (set n per batch) */
    PoolGeom pool; /* maxpool, avgpool, l2pool: geometry with n = 1 */
    ActKind act;   /* relu .. softplus: which function */
    float param;   /* leaky: alpha; softplus: beta; 0 otherwise */
    int lrn_size;  /* lrn: channels in the window */
    float lrn_alpha, lrn_beta, lrn_k;
    int units;         /* dense: outputs; conv/deconv: output channels */
    long n_w, n_b;     /* number of weights and biases (0 for layers without parameters) */
    long w_off, b_off; /* offsets of the weights and biases in Net.params / Net.grads */
    /* batchnorm: eps is added to the variance, momentum is the running statistics' step; its
     * n_s = 2C running statistics are at Net.state + s_off */
    float bn_eps, bn_momentum;
    long n_s, s_off;
} Layer;

/* A parsed net file: shapes and parameter counts, no weights (so a huge net can be counted). */
typedef struct NetSpec {
    Shape input;
    int n_layers;
    Layer layers[NET_MAX_LAYERS];
    long n_params; /* sum of n_w + n_b */
    long n_state;  /* sum of n_s: the running statistics of the batchnorm layers */
    bool xent;     /* last layer is softmax: cross-entropy loss; else sum of squares */
} NetSpec;

typedef struct Workers Workers; /* engine/workers.h */

typedef struct Net {
    NetSpec spec;
    char *text;    /* the net text it was built from (saved in .cnn model files) */
    long n_params; /* == spec.n_params */
    float *params; /* (n_params) every weight and bias, layer after layer */
    float *grads;  /* (n_params) dL/dparams, same layout; accumulated by net_backward */
    long n_state;  /* == spec.n_state */
    float *state;  /* (n_state) running statistics, not trained (see the top of this file) */
    bool training; /* the mode: batch statistics (true) or running statistics (false, default) */
    /* fast path (engine/fastconv.h): NULL runs the reference ops; set by net_set_threads */
    Workers *workers;
} Net;

/* Activation buffers for batches of up to `cap` examples; allocated once, reused each step. */
typedef struct NetActs {
    int cap;                     /* batch capacity */
    int n;                       /* batch size of the last forward */
    float *x;                    /* (cap, input) copy of the last input */
    float *dx;                   /* (cap, input) dL/dx after net_backward */
    float *out[NET_MAX_LAYERS];  /* (cap, layer i's output) */
    float *grad[NET_MAX_LAYERS]; /* (cap, layer i's output) dL/d out[i] after net_backward */
    float *scratch;              /* (cap, K) loss workspace */
    int *labels;                 /* (cap) labels of the last net_loss */
    double *loss_terms;          /* (cap) the fast path's per-example loss terms */
    float loss;                  /* the last net_loss */
    bool have_loss;              /* net_loss ran since the last forward */
    /* false (the default): net_backward fills dx. true: it may leave dx unwritten when the first
     * layer is conv, deconv or dense, whose input gradient then is not computed (training needs
     * none; the trainer and the benchmark set it, `convscope dump` needs dx and does not); and
     * on the fast path net_train_step leaves grad[] alone (training needs only the parameter
     * gradients: it keeps the others in cache-sized scratch memory), and net_backward may leave
     * grad[i] unwritten for a relu i followed by a max pool, whose backward it runs in one pass
     * with the pool's. */
    bool skip_dx;
    /* batchnorm layer i: (4, C) the mean and variance the last forward normalised with (the
     * batch's in training mode, the running ones in evaluation mode), then the training-mode
     * backward's batch sums Sdy and Sdyx, in double (batchnorm.h); NULL for other layers */
    double *bn[NET_MAX_LAYERS];
    /* the net's mode at the last forward (what the backward follows) */
    bool training;
} NetActs;

/* Elements of one example's tensor of shape s. */
long shape_elems(Shape s);
/* Writes "8x28x28" (rank 3) or "10" (rank 1) into buf; returns buf. */
char *shape_format(Shape s, char *buf, size_t size);

/* The net-file keyword of a kind ("conv", "maxpool", ...). */
const char *layer_kind_name(LayerKind kind);
/* The keys a kind accepts after its name (and count), space-separated as the parser's "known:"
 * list says them: "k stride pad dilation" for conv, "" for relu. */
const char *layer_kind_keys(LayerKind kind);
/* True for conv, deconv, dense and batchnorm: the layers with a weight and a bias. */
bool layer_has_params(LayerKind kind);
/* Weights + biases of a layer (n_w + n_b). */
long layer_param_count(const Layer *layer);
/* The count written out as the labs show it, "8x1x5x5 + 8 = 208" (grouped conv
 * "16x4x5x5 + 16 = 1616", the kernel's channel axis C/G; dense "10x256 + 10 = 2570";
 * batchnorm "16 + 16 = 32", gamma and beta; "0" for a layer without parameters). Returns buf. */
char *layer_param_formula(const Layer *layer, char *buf, size_t size);
/* The layer as one canonical net-file line, e.g. "conv 8 k=5 pad=2" (defaults omitted). */
char *layer_format(const Layer *layer, char *buf, size_t size);

/* Parses net text (see BRIEF "Net files"). On a mistake returns false and writes
 * "FILE:LINE: what is wrong" (with the shapes involved) into err. Allocates nothing. */
bool net_parse(NetSpec *spec, const char *text, const char *file, char *err, size_t err_size);

/* Builds a net from text, weights initialised from seed (see the top of this file).
 * NULL with err on a parse mistake or when memory runs out. Free with net_destroy. */
Net *net_create(const char *text, const char *file, uint64_t seed, char *err, size_t err_size);
/* Reads a net file and builds it as net_create; err starts with the path. */
Net *net_load(const char *path, uint64_t seed, char *err, size_t err_size);
void net_destroy(Net *net);

/* ---- fast path (engineers "fast", "fast2"): which ops the layer dispatch runs ----
 * threads == 0: the reference ops of conv.h, pool.h, act.h, dense.h (the default, what the
 * step-through shows). threads >= 1: the fast path of fastconv.h on that many threads
 * (counting the caller), equal to the reference within float rounding, and bit-identical
 * whatever the thread count: the batch is cut into fixed groups of FASTCONV_GROUP examples,
 * each group runs through every layer in one task (net_train_step: forward, loss and
 * backward in one task, so one fork and one join per step), and the parameter gradients are
 * summed per group, then the groups in order. A grouped conv runs as G plain convolutions
 * (fastgroup.h). A training-mode batchnorm needs the whole batch: the groups stop before it
 * (a join), its batch statistics are computed one channel per task over every example in a
 * fixed order, and the groups go on; the backward likewise stops above it for its two sums
 * (batchnorm.h). So the bits still do not depend on the thread count, and the statistics are
 * those of the reference ops. False (and the net unchanged) when threads are out of
 * [0, WORKERS_MAX] or cannot be started. Call it between steps, not during one. */
bool net_set_threads(Net *net, int threads);
/* 0 for the reference ops, else the fast path's thread count. */
int net_threads(const Net *net);

/* The mode (see the top of this file): true for training (batchnorm uses and updates batch
 * statistics), false for evaluation (running statistics; the mode a net starts in). Only
 * batchnorm layers behave differently. Call it between steps, not during one. */
void net_set_training(Net *net, bool training);
bool net_training(const Net *net);
/* Running mean / running variance (C) of batchnorm layer i; NULL for other layers. */
float *net_running_mean(const Net *net, int i);
float *net_running_var(const Net *net, int i);
/* Sets every running statistic to its start (mean 0, variance 1). */
void net_reset_running_stats(Net *net);
/* After a training-mode forward of a batch: moves each batchnorm's running statistics toward
 * the batch's (momentum, unbiased variance; batchnorm.h). net_train_step calls it; a caller
 * that runs net_forward itself calls it once per batch if it wants PyTorch's behaviour. No
 * effect after an evaluation-mode forward. */
void net_update_running_stats(Net *net, const NetActs *a);

/* View of layer i's weights / biases (or their gradients); NULL when it has none. */
float *net_weights(const Net *net, int i);
float *net_bias(const Net *net, int i);
float *net_dweights(const Net *net, int i);
float *net_dbias(const Net *net, int i);

/* Activation buffers for batches of up to cap examples; NULL when memory runs out. */
NetActs *net_acts_create(const Net *net, int cap);
void net_acts_destroy(NetActs *a);

/* Runs x (N, C, H, W) through every layer in the net's mode, N <= a->cap; a->out[i] holds
 * layer i's output. Changes nothing in the net (the running statistics move only in
 * net_update_running_stats). */
void net_forward(const Net *net, NetActs *a, const float *x, int n);
/* The loss of the last forward against labels (N) (see the top of this file); also writes
 * a->grad[last] = dL/d(last output). Every label must be in [0, K). */
float net_loss(const Net *net, NetActs *a, const int *labels);
/* Backward through the layers in reverse order after net_loss: fills a->grad[i] and a->dx and
 * ACCUMULATES (+=) dL/dparams into net->grads (call net_zero_grad first). */
void net_backward(Net *net, NetActs *a);
/* Sets every gradient to 0 (one memset). */
void net_zero_grad(Net *net);
/* net_zero_grad, net_forward, net_loss, net_backward, net_update_running_stats; returns the
 * loss. */
float net_train_step(Net *net, NetActs *a, const float *x, const int *labels, int n);
/* The last layer's output of example j of the last forward: (K) values. */
const float *net_output(const Net *net, const NetActs *a, int j);
/* Index of the largest output of example j (the predicted class). */
int net_predict_class(const Net *net, const NetActs *a, int j);

#endif
