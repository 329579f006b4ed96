/* gradcheck.h - central finite differences of the loss, the independent check of backprop's
 * numbers: dL/dθ ≈ (L(θ + h) − L(θ − h)) / 2h, for one parameter of a net or for one cell of a
 * layer's output (the rest of the forward rerun from that layer with the reference ops).
 * Depends on: net, conv, pool, act, dense, batchnorm (libc, libm).
 *
 * Legend: one example x (C, H, W) with its label; P parameters; E elements of a layer's output.
 * A GradCheck owns its scratch (activations for one example, two ping-pong buffers), allocated
 * once per net, so checking a cell allocates nothing. Nothing here changes the caller's
 * NetActs; gradcheck_param perturbs one parameter of the net and restores it exactly. */
#ifndef CONVSCOPE_GRADCHECK_H
#define CONVSCOPE_GRADCHECK_H

#include "engine/net.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct GradCheck GradCheck;

/* One central difference, with its parts, so the labs can write it out. */
typedef struct GradCheckResult {
    float h;      /* the step */
    float l0;     /* L at the value itself */
    float lplus;  /* L with the value + h */
    float lminus; /* L with the value − h */
    float fd;     /* (lplus − lminus) / (2h) */
    float left;   /* one-sided slopes (l0 − lminus)/h and (lplus − l0)/h: they part at a kink */
    float right;
} GradCheckResult;

/* Scratch for checking net (which must keep its shapes); NULL with a message when memory
 * runs out. Free with gradcheck_destroy. */
GradCheck *gradcheck_create(const Net *net, char *err, size_t err_size);
void gradcheck_destroy(GradCheck *gc);

/* dL/dparams[index] by central difference at x (C, H, W) with label: params[index] ± h, a full
 * net_forward and net_loss each (reference or fast path, as the net is set), then the exact old
 * value is put back. index in [0, P). */
GradCheckResult gradcheck_param(GradCheck *gc, Net *net, const float *x, int label, long index,
                                float h);

/* dL/d out[layer][index] by central difference: layer's output out (E) of the example (from a
 * forward of x), with cell index ± h, is run through layers layer+1 .. last with the reference
 * ops and scored like net_loss (cross-entropy from the logits when the net ends in softmax,
 * else 1/2·Σ(y − t)²). When the net ends in softmax, layer may not be the last (L is a function
 * of the logits there, as net_loss computes it). */
GradCheckResult gradcheck_output(GradCheck *gc, const Net *net, int layer, const float *out,
                                 int label, long index, float h);

/* The loss of one example whose layer `layer` output is out (E): layers layer+1 .. last run
 * with the reference ops, scored as above. layer = -1 means out is the input x. */
float gradcheck_loss_from(GradCheck *gc, const Net *net, int layer, const float *out, int label);

/* Whether r straddles a kink (ReLU at exactly 0, a tie in a max pool): the one-sided slopes
 * disagree by more than smooth curvature and float rounding explain (2e-3 + 10 %). There the
 * derivative does not exist, and backprop's value is a convention (ReLU′(0) = 0, the first
 * cell of a tie wins), equal to one of the one-sided slopes. */
bool gradcheck_kink(const GradCheckResult *r);

/* Whether a finite difference fd agrees with a backprop value bp in float32 arithmetic:
 * |fd − bp| <= atol + rtol·max(|fd|, |bp|). */
bool gradcheck_agrees(float fd, float bp, float atol, float rtol);

#endif
