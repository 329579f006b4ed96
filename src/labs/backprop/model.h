/* labs/backprop/model.h - the Backprop lab's scene without any drawing: one example through a
 * small net, forward once and backward once by the engine, and the backward cut into phases
 * and steps (one gradient cell, or a row, a step) that the timeline walks, last layer first;
 * what each step shows and the texts the lab writes about it.
 * Depends on: engine (net, conv, pool, act, dense, optim, gradcheck, prep, idx, assets).
 * Files: model.c (the scene), model_cell.c (one cell two ways, the step, the check, what a step
 * shows), model_names.c (names, shapes, coordinates), model_text.c (equations, captions,
 * notes); model_int.h their shared helpers.
 *
 * The net: BpModel.net (a Net: its text in net->text, its weights from `seed` in net->params,
 * net->grads the one backward) is owned by the model; `after` is a second Net built from the
 * same text, holding the weights after the SGD step. bp_model_build reads a bundled net from
 * its file by name, bp_model_build_net takes any net's text (the learner's own, with weights
 * someone published) and checks the lab can take it; both hand it to the rest of the build
 * (build_scene in model.c), which works on whatever m->net holds; another net is swapped in by
 * building a fresh BpModel (the view's rebuild) and freeing the old one.
 *
 * Every number comes from the engine. The full backward is net_backward's (acts->grad[i],
 * net->grads); each step's value is asked again of the engine's single-cell queries
 * (conv_dw_cell, conv_dx_cell, pool_cell's argmax, act_deriv, dense_cell over Wᵀ) and the
 * tests prove both agree at every position. The update is the engine's SGD step (optim) on a
 * copy of the net, and the loss after it the engine's forward of that copy.
 *
 * Timeline: position 0 is "forward done, nothing back yet"; position s shows steps 0..s-1
 * done, step s-1 current. Phases, for the layers from last to first:
 *   loss       p − y at the softmax's input (or y − t for the sum of squares)
 *   dense      ∂L/∂W = δ·xᵀ and ∂L/∂b = δ, one row a step; then ∂L/∂x = Wᵀδ, a cell a step
 *   flatten    the vector folded back into maps (one step)
 *   maxpool    each pooled cell's gradient routed to its argmax (zeros elsewhere)
 *   act        ∂L/∂z = ∂L/∂a · f'(z): for ReLU the mask z > 0
 *   conv       the kernel gradient as a sweep (the upstream map slides over the input), the
 *              bias gradient, and (not for the first layer) ∂L/∂x; grouped convs too (the
 *              kernel's channel axis is C/G, channel j of kernel o meets input channel
 *              (o / (O/G))·(C/G) + j)
 *   other      deconv, l2pool, lrn, batchnorm, a softmax before the end: one step showing the
 *              engine's full result and why it is not stepped (for a layer with parameters
 *              also when it is the first layer)
 * then one update step per layer with parameters, in forward order. A phase with more than
 * BP_MAX_PHASE_STEPS cells steps a row, a plane or several planes at a time. */
#ifndef CONVSCOPE_LAB_BACKPROP_MODEL_H
#define CONVSCOPE_LAB_BACKPROP_MODEL_H

#include "engine/conv.h"
#include "engine/dense.h"
#include "engine/gradcheck.h"
#include "engine/idx.h"
#include "engine/net.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BP_MAX_PHASES      (3 * NET_MAX_LAYERS + 8)
#define BP_MAX_PHASE_STEPS 72    /* the ReLU of the tiny net: 2x6x6 cells, one a step */
#define BP_MAX_TERMS       1024  /* terms of one written-out sum (28x28 upstream map: 784) */
#define BP_FD_H            1e-3f /* the finite-difference step */
#define BP_FD_ATOL         4e-4f /* agreement in float32 (see engine/gradcheck.h) */
#define BP_FD_RTOL         2e-2f
/* The largest net the lab takes (the learner's own, "yours"): steps on the timeline,
 * parameters, floats of one example's activations, input height and width. */
#define BP_MAX_STEPS      4000
#define BP_MAX_NET_PARAMS 250000L
#define BP_MAX_NET_ACTS   1000000L
#define BP_MAX_INPUT_HW   64

typedef enum BpPhaseKind {
    BP_LOSS_XENT, /* ∂L/∂z = p − y at the logits, cells K */
    BP_LOSS_SSE,  /* ∂L/∂y = y − t at the output, cells K */
    BP_DENSE_W,   /* ∂L/∂W = δ·xᵀ, ∂L/∂b = δ; cells O·I, a row (I cells) a step */
    BP_DENSE_X,   /* ∂L/∂x = Wᵀδ, cells I */
    BP_FLATTEN,   /* ∂L/∂(maps) = the vector reshaped; cells C·H·W in one step */
    BP_POOL,      /* max: routed to the argmax; avg: spread evenly; cells = pooled cells */
    BP_ACT,       /* ∂L/∂z = ∂L/∂a · f'(z), cells C·H·W */
    BP_CONV_W,    /* kernel gradient, cells O·C·KH·KW */
    BP_CONV_B,    /* bias gradient Σ ∂L/∂z over the map, cells O */
    BP_CONV_X,    /* ∂L/∂x of a conv, cells C·H·W of its input */
    BP_OTHER,     /* a layer the lab does not step (deconv, l2pool, lrn, batchnorm, a softmax
                   * before the end): the engine's result and why (bp_model_other_reason) */
    BP_UPDATE,    /* W ← W − η·∂L/∂W for one layer, one step */
    BP_PHASE_KIND_COUNT
} BpPhaseKind;

typedef struct BpPhase {
    BpPhaseKind kind;
    int layer;  /* the layer it differentiates (index into spec.layers) */
    long cells; /* positions in the phase */
    long chunk; /* cells per step */
    int steps;  /* ceil(cells / chunk) */
    int first;  /* global index of its first step */
    float *val; /* (cells) the step-through value of each cell (from the cell queries) */
    int *route; /* BP_POOL max: (cells) flat index in the pool's input plane set of the argmax */
} BpPhase;

typedef struct BpModel {
    char net_name[64];  /* "tiny", "sse", "lenet-tiny" or the learner's net's name */
    char net_file[512]; /* the path it was read from (or names in messages) */
    /* who made the weights ("Train lab, epoch 1.50"); "" for the seeded initial weights */
    char weights_from[96];
    uint64_t seed;
    int digit; /* index into the bundled test digits */
    int label;
    float lr; /* η */

    Net *net;      /* weights from the seed; grads = one backward of the example */
    NetActs *acts; /* the forward and backward of the example */
    Net *after;    /* the same net after one SGD step (engine optim) */
    NetActs *acts_after;
    GradCheck *gc;
    float *x;    /* (C, H, W) the example as the net sees it */
    float *wt;   /* scratch for Wᵀ of one dense layer (I, O) */
    float *ones; /* (largest map) ones, for Σ as a dense_cell */
    float loss, loss_after;
    int predicted, predicted_after;

    BpPhase phases[BP_MAX_PHASES];
    int n_phases;
    int steps; /* total steps; the timeline has steps + 1 positions */
} BpModel;

/* One term of a written-out sum: a × b. */
typedef struct BpTerm {
    float a, b;
} BpTerm;

/* What one step computes, ready to draw. */
typedef struct BpStep {
    int phase; /* index into phases */
    const BpPhase *ph;
    long cell0, cell1; /* cells [cell0, cell1) of the phase done in this step */
    long focus;        /* the cell written out (and checked by finite differences) */
    float value;       /* the step-through value at focus */
    float full;        /* the engine's full backward at the same position */
} BpStep;

/* Builds the scene: net "tiny" (assets/nets/backprop-tiny.net, softmax and cross-entropy),
 * "sse" (assets/nets/backprop-sse.net, sigmoid outputs on ½·Σ(y − t)²) or "lenet-tiny", weights
 * from seed, digit index of ds (resampled to the net's input), η = lr; runs forward, loss,
 * backward, the update and every step-through value. False with a message (the model is then empty
 * but safe to free). */
bool bp_model_build(BpModel *m, const char *net_name, const Dataset *ds, int digit, float lr,
                    uint64_t seed, char *err, size_t err_size);
/* The same scene for any net given as text (file names it in messages, name for titles), with
 * weights (n_weights of them, equal to the net's parameter count) when not NULL, else the
 * initial weights from seed; state (n_state, the net's count of batchnorm running statistics)
 * the running statistics that came with them, or NULL for the start (mean 0, variance 1);
 * weights_from says who made them (NULL or "" for none);
 * bn_training: the net in training mode (its batchnorm layers normalise with the example's
 * own statistics, and the backward goes through them), else evaluation mode. Refused
 * with a message when the lab cannot take the net: not a C×H×W input of at most
 * BP_MAX_INPUT_HW a side, not 10 outputs, more than BP_MAX_STEPS steps, BP_MAX_NET_PARAMS
 * parameters or BP_MAX_NET_ACTS activations. */
bool bp_model_build_net(BpModel *m, const char *name, const char *text, const char *file,
                        const float *weights, long n_weights, const float *state, long n_state,
                        const char *weights_from, bool bn_training, const Dataset *ds, int digit,
                        float lr, uint64_t seed, char *err, size_t err_size);
/* Frees everything; the model is zeroed. */
void bp_model_free(BpModel *m);

/* The step at global index s (0 <= s < m->steps). */
BpStep bp_model_step(const BpModel *m, int s);

/* The step-through value of cell `cell` of phase ph, computed by the engine's single-cell
 * queries; terms (may be NULL) receive the products of its sum (up to max_terms), *n_terms
 * their count (0 when the value is not a sum). For BP_POOL it is the gradient routed from the
 * pooled cell (its argmax in *route_to when not NULL). For BP_UPDATE, the weight after. */
float bp_model_cell(const BpModel *m, const BpPhase *ph, long cell, BpTerm *terms, int max_terms,
                    int *n_terms, int *route_to);
/* The engine's full backward at the position of that cell (for BP_POOL: at its argmax; for
 * BP_UPDATE: the updated net's parameter). */
float bp_model_full(const BpModel *m, const BpPhase *ph, long cell);

/* The gradient array a phase produces and its length: acts->grad[...] or net->grads + off
 * (for BP_DENSE_W the weight gradients; BP_UPDATE the updated weights). */
const float *bp_model_result(const BpModel *m, const BpPhase *ph, long *n);

/* The finite-difference check of a step's focus cell: false when the step has none
 * (BP_UPDATE). *bp receives the backprop value it is compared with. */
bool bp_model_fd(BpModel *m, const BpStep *st, GradCheckResult *fd, float *bp);

/* Names as the lab writes them: the tensor that layer i outputs (i = -1: the input x), e.g.
 * "z₁", "a₁", "m₁", "f", "z₂", "p"; and the weight / bias of a layer with parameters, "K₁",
 * "b₁", "W₂", "b₂". Return buf. */
const char *bp_model_tensor_name(const BpModel *m, int layer, char *buf, size_t size);
const char *bp_model_weight_name(const BpModel *m, int layer, bool bias, char *buf, size_t size);
/* The shape of layer i's output (i = -1: the input) as "2×6×6" or "18". */
const char *bp_model_shape(const BpModel *m, int layer, char *buf, size_t size);

/* A cell index written as its coordinates "[0,3,4]" (maps: c,y,x; vectors: i; kernels:
 * o,c,ky,kx; dense weights o,i) for the phase's result. Returns buf. */
const char *bp_model_cell_coords(const BpModel *m, const BpPhase *ph, long cell, char *buf,
                                 size_t size);

/* The written-out equation of a step, with the actual numbers, folded into lines of at most
 * width characters and max_lines lines (middle terms "+ …"), e.g.
 * "∂L/∂K₁[0,0,0,1] = 0.12×0.5 + … = 0.031". Returns the number of lines. */
int bp_model_equation(const BpModel *m, const BpStep *st, int width, int max_lines, char *out,
                      size_t cap);

/* One sentence saying what the phase does, for the stage heading. */
const char *bp_model_phase_caption(const BpModel *m, const BpPhase *ph, char *buf, size_t size);
/* The caption before the first step: the example, its label and loss. Returns buf. */
const char *bp_model_intro_caption(const BpModel *m, char *buf, size_t size);
/* For a BP_OTHER phase: one sentence naming the layer and why the lab does not step it cell by
 * cell, e.g. "batchnorm (evaluation mode): ..."; "" for other phases. Returns buf. */
const char *bp_model_other_reason(const BpModel *m, const BpPhase *ph, char *buf, size_t size);
/* A phase's short name for the list of phases ("p − y at the softmax", "∂L/∂K₁ sweep"). */
const char *bp_model_phase_short(const BpModel *m, const BpPhase *ph, char *buf, size_t size);
/* "∂L/∂z₁": the gradient of what layer outputs (layer = -1: the input x). Returns buf. */
const char *bp_model_grad_name(const BpModel *m, int layer, char *buf, size_t size);
/* Layer's output shape for one plane's grid: "(2×6×6) ch 1" when it has several channels, else
 * "(18)" or "(1×8×8)". Returns buf. */
const char *bp_model_plane_shape(const BpModel *m, int layer, int c, char *buf, size_t size);
/* What the entries of a loss phase filled in so far (cells before done) add up to: for
 * cross-entropy Σ(p − y), which ends at 0; for the sum of squared errors ½·Σ(y − t)², which ends
 * at the loss L. Returns buf. */
const char *bp_model_loss_note(const BpPhase *ph, long done, char *buf, size_t size);
/* The check beside the equation, with true minus signs: for the update the loss and the
 * prediction before and after the step; else the finite-difference check fd (have: the step
 * has one) against backprop's bp, with its verdict. false when they disagree. */
bool bp_model_check_text(const BpModel *m, const BpStep *st, bool have, const GradCheckResult *fd,
                         float bp, char *out, size_t size);

/* ---- what a step shows (model_cell.c) ------------------------------------------------------ */

/* Phase ph's values as filled in so far: val[c] every cell's value (ph->cells of them), mask[c]
 * whether cell c (c < done) is computed; mask is cleared over n cells first. */
void bp_model_shown(const BpPhase *ph, long done, float *val, uint8_t *mask, long n);
/* A pool phase's result in channel ch, (H, W) of the pool's input: the gradients routed by the
 * pooled cells before done (to the argmax, or shared over the window); mask 0 on the windows
 * not reached yet. */
void bp_model_pool_shown(const BpModel *m, const BpPhase *ph, int ch, long done, float *res,
                         uint8_t *mask);
/* An activation phase's slopes f′(z) over channel ch of its input (at most max of them). */
void bp_model_act_slopes(const BpModel *m, const BpPhase *ph, int ch, float *out, long max);
/* A dense layer's bias gradient ∂L/∂b = δ (units values), shown row by row with ∂L/∂W: mask[o]
 * once row o is before done. */
void bp_model_dense_bias_shown(const BpModel *m, const BpPhase *ph, long done, float *db,
                               uint8_t *mask);
/* The upstream cells (o, oy, ox) whose windows used the focus cell of a BP_CONV_X step, at most
 * max (conv_dx_cell); returns their count. */
int bp_model_conv_x_uses(const BpModel *m, const BpStep *st, ConvInputUse *uses, int max);

#endif
