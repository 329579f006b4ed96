/* net.h - a network: the net-file parser, the layer list with its shapes, one flat parameter
 * buffer and one flat gradient buffer, and forward / loss / backward over a batch.
 * Depends on: conv, pool, act, dense, rng (libc, libm).
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
 * net->params + layer->w_off (layout of the layer's PyTorch module: conv (O, C, KH, KW),
 * deconv (C, O, KH, KW), dense (O, I)), bias at net->params + layer->b_off (O); the gradients
 * at the same offsets in net->grads. Zeroing every gradient is one memset (net_zero_grad).
 *
 * Initialisation (from the seed, through the explicit Rng, layers in order, weights then bias):
 * He normal, w ~ N(0, 2/fan_in), when the next layer that is not a pooling, lrn or flatten
 * layer is relu, leaky or abs (the rectifiers, which halve the variance); Xavier uniform,
 * w ~ U(-a, a) with a = sqrt(6/(fan_in + fan_out)), otherwise. Biases start at 0.
 * fan_in = C*KH*KW (conv), C*KH*KW (deconv), I (dense); fan_out = O*KH*KW or O.
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
} Layer;

/* A parsed net file: shapes and parameter counts, no weights (so a huge net can be counted). */
typedef struct NetSpec {
    Shape input;
    int n_layers;
    Layer layers[NET_MAX_LAYERS];
    long n_params; /* sum of n_w + n_b */
    bool xent;     /* last layer is softmax: cross-entropy loss; else sum of squares */
} NetSpec;

typedef struct Workers Workers; /* engine/workers.h */

typedef struct Net {
    NetSpec spec;
    char *text;    /* the net text it was built from (saved in .cnn model files) */
    long n_params; /* == spec.n_params */
    float *params; /* (n_params) every weight and bias, layer after layer */
    float *grads;  /* (n_params) dL/dparams, same layout; accumulated by net_backward */
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
} NetActs;

/* Elements of one example's tensor of shape s. */
long shape_elems(Shape s);
/* Writes "8x28x28" (rank 3) or "10" (rank 1) into buf; returns buf. */
char *shape_format(Shape s, char *buf, size_t size);

/* The net-file keyword of a kind ("conv", "maxpool", ...). */
const char *layer_kind_name(LayerKind kind);
/* True for conv, deconv and dense: the layers with a weight and a bias. */
bool layer_has_params(LayerKind kind);
/* Weights + biases of a layer (n_w + n_b). */
long layer_param_count(const Layer *layer);
/* The count written out as the labs show it, "8x1x5x5 + 8 = 208" (dense "10x256 + 10 = 2570";
 * "0" for a layer without parameters). Returns buf. */
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
 * summed per group, then the groups in order. False (and the net unchanged) when threads are
 * out of [0, WORKERS_MAX] or cannot be started. Call it between steps, not during one. */
bool net_set_threads(Net *net, int threads);
/* 0 for the reference ops, else the fast path's thread count. */
int net_threads(const Net *net);

/* View of layer i's weights / biases (or their gradients); NULL when it has none. */
float *net_weights(const Net *net, int i);
float *net_bias(const Net *net, int i);
float *net_dweights(const Net *net, int i);
float *net_dbias(const Net *net, int i);

/* Activation buffers for batches of up to cap examples; NULL when memory runs out. */
NetActs *net_acts_create(const Net *net, int cap);
void net_acts_destroy(NetActs *a);

/* Runs x (N, C, H, W) through every layer, N <= a->cap; a->out[i] holds layer i's output. */
void net_forward(const Net *net, NetActs *a, const float *x, int n);
/* The loss of the last forward against labels (N) (see the top of this file); also writes
 * a->grad[last] = dL/d(last output). Every label must be in [0, K). */
float net_loss(const Net *net, NetActs *a, const int *labels);
/* Backward through the layers in reverse order after net_loss: fills a->grad[i] and a->dx and
 * ACCUMULATES (+=) dL/dparams into net->grads (call net_zero_grad first). */
void net_backward(Net *net, NetActs *a);
/* Sets every gradient to 0 (one memset). */
void net_zero_grad(Net *net);
/* net_zero_grad, net_forward, net_loss, net_backward; returns the loss. */
float net_train_step(Net *net, NetActs *a, const float *x, const int *labels, int n);
/* The last layer's output of example j of the last forward: (K) values. */
const float *net_output(const Net *net, const NetActs *a, int j);
/* Index of the largest output of example j (the predicted class). */
int net_predict_class(const Net *net, const NetActs *a, int j);

#endif
