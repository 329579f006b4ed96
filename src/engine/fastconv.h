/* fastconv.h - the fast path of the training loop, for every layer kind: convolution (im2col
 * + sgemm, or straight from the input on AVX-512) and transposed convolution, max / average /
 * L2 pooling, every activation, lrn, softmax and the dense layer, on the calling thread or
 * spread over a Workers pool. Each function has the same contract as its reference op in
 * conv.h, pool.h, act.h, dense.h (same arguments, same accumulation) unless it says it writes,
 * and equals it within float rounding (tests/engine/test_fastconv.c); a convolution too large
 * for its scratch (fastconv_supported) is left to the reference op. Depends on: conv, pool,
 * act, dense, gemm, workers (libc, libm, pthreads).
 *
 * Legend: N batch, C input channels, H/W input, O output channels, KH/KW kernel,
 * OH/OW output, P = OH*OW output positions, KC = C*KH*KW (one column of im2col).
 *
 * Results never depend on the thread count: forward and input gradients are split by example
 * (each example computed whole by one thread); kernel and bias gradients are summed per fixed
 * group of FASTCONV_GROUP examples and the group sums are added in group order.
 *
 * wk may be NULL: then convolution runs on the reference ops (its fast path needs the pool's
 * scratch memory) and the rest runs on the caller's thread. */
#ifndef CONVSCOPE_FASTCONV_H
#define CONVSCOPE_FASTCONV_H

#include "engine/act.h"
#include "engine/conv.h"
#include "engine/pool.h"
#include "engine/workers.h"

#include <stdbool.h>

/* Examples per partial sum of the kernel gradient (a constant, so sums do not depend on the
 * number of threads). */
#define FASTCONV_GROUP 8

/* false: the portable loops run even where the AVX-512 ones could (for tests; set it between
 * steps, not during one). true, the default: the fastest this CPU has. */
void fastconv_set_simd(bool on);

/* Whether fastconv_forward/backward take the im2col path for g (else they call conv.h). */
bool fastconv_supported(const ConvGeom *g);

/* out (N, O, OH, OW) = conv(x (N, C, H, W), w (O, C, KH, KW)) + b (O); b may be NULL. */
void fastconv_forward(Workers *wk, float *out, const float *x, const float *w, const float *b,
                      const ConvGeom *g);
/* Accumulates (+=) dx (N, C, H, W), dw (O, C, KH, KW), db (O) from dout (N, O, OH, OW); any
 * of dx, dw, db may be NULL. */
void fastconv_backward(Workers *wk, float *dx, float *dw, float *db, const float *dout,
                       const float *x, const float *w, const ConvGeom *g);

/* ---- the same convolution on the calling thread, for a caller that spreads the work itself
 * (netrun.c runs each fixed group of examples through every layer in one task). The pool
 * functions above run exactly these, so every path computes the same bits. ---- */

/* Floats of scratch fastconv_forward_on / fastconv_backward_on need for g (any batch size). */
long fastconv_scratch_floats(const ConvGeom *g);
/* Floats of the prepared weights the forward reads for g; 0 when it reads w itself. */
long fastconv_prepared_floats(const ConvGeom *g);
/* wt = w (O, KC) rearranged for the forward's register tiles (transposed, (KC, O), on the
 * implicit path; tap-major by blocks of 8 channels on the direct one): what the forward reads
 * when fastconv_prepared_floats > 0, prepared once per step rather than once per group. */
void fastconv_prepare_weights(float *wt, const float *w, const ConvGeom *g);
/* out (N, O, OH, OW) = conv(x (N, C, H, W), w) + b (O) for the g->n examples, on this thread;
 * scratch (fastconv_scratch_floats(g)); wt from fastconv_prepare_weights or NULL; b may be
 * NULL. Needs fastconv_supported(g). */
void fastconv_forward_on(float *scratch, float *out, const float *x, const float *w,
                         const float *wt, const float *b, const ConvGeom *g);
/* fastconv_forward_on, and relu (N, O, OH, OW) = max(out, 0) as well when not NULL: a conv
 * layer and the relu after it in one pass over the output. */
void fastconv_forward_relu_on(float *scratch, float *out, float *relu, const float *x,
                              const float *w, const float *wt, const float *b, const ConvGeom *g);
/* Whether kernel-gradient sums are laid out transposed, (KC, O), rather than (O, KC). */
bool fastconv_dw_transposed(const ConvGeom *g);
/* Over the g->n examples, on this thread: ACCUMULATES dx (N, C, H, W); WRITES pw = the sum of
 * the examples' kernel gradients, (O, KC) or (KC, O) when fastconv_dw_transposed(g), and
 * pb (O) = the sum of their bias gradients (each in a fixed order given g->n). Any of dx, pw,
 * pb may be NULL. Needs fastconv_supported(g). */
void fastconv_backward_on(float *scratch, float *dx, float *pw, float *pb, const float *dout,
                          const float *x, const float *w, const ConvGeom *g);
/* dst (len) += parts[0] + parts[1] + ... + parts[groups-1], added in that order, where part
 * gi (len) starts at parts + gi * stride. */
void fastconv_reduce(float *dst, const float *parts, int groups, long stride, long len);
/* dw (O, KC) += the groups' sums as fastconv_reduce, each part laid out as
 * fastconv_backward_on's pw. */
void fastconv_reduce_dw(float *dw, const float *parts, int groups, long stride, const ConvGeom *g);

/* ---- transposed convolution (deconv), through the convolution above on the calling thread.
 * Weights (C, O, KH, KW) as conv.h's deconv. ---- */

/* Whether the fastconv_deconv_* functions take g (else the caller runs conv.h's deconv). */
bool fastconv_deconv_supported(const ConvGeom *g);
/* Floats of scratch they need for g (any batch size). */
long fastconv_deconv_scratch_floats(const ConvGeom *g);
/* out (N, O, OH, OW) = deconv(x (N, C, H, W), w) + b (O), b may be NULL, as deconv_forward. */
void fastconv_deconv_forward_on(float *scratch, float *out, const float *x, const float *w,
                                const float *b, const ConvGeom *g);
/* Over the g->n examples: WRITES dx (N, C, H, W) (not added to), pw (C, O, KH, KW) and pb (O),
 * the sums of the examples' kernel and bias gradients; any may be NULL. */
void fastconv_deconv_backward_on(float *scratch, float *dx, float *pw, float *pb, const float *dout,
                                 const float *x, const float *w, const ConvGeom *g);

/* out (N, C, OH, OW) = pool(x (N, C, H, W)) as pool_forward: max, average and L2, any window
 * and stride. */
void fastconv_pool_forward(Workers *wk, float *out, const float *x, PoolKind kind,
                           const PoolGeom *g);
/* Accumulates dx (N, C, H, W) as pool_backward (max routes to the first max of the window). */
void fastconv_pool_backward(Workers *wk, float *dx, const float *dout, const float *x,
                            const float *out, PoolKind kind, const PoolGeom *g);

/* The same on the calling thread, WRITING dx (=) rather than adding to it: what dx held does
 * not matter (so it needs no clearing). */
void fastconv_pool_backward_set(float *dx, const float *dout, const float *x, const float *out,
                                PoolKind kind, const PoolGeom *g);

/* The backward of a relu followed by a max pool, on the calling thread: WRITES dconv
 * (N, C, H, W), the gradient with respect to the relu's input (dout routed to each window's
 * first maximum where that maximum is > 0, else 0: relu'(v) = 1 exactly where relu(v) > 0),
 * and, when not NULL, drelu (N, C, H, W), the gradient with respect to the pool's input x,
 * the relu's output, as fastconv_pool_backward_set; y (N, C, OH, OW) is the pool's output.
 * One pass for the two layers. */
void fastconv_relu_maxpool_backward_set(float *dconv, float *drelu, const float *dout,
                                        const float *x, const float *y, const PoolGeom *g);

/* y[i] = f(x[i]) for i < n as act_forward, every kind (exp and log within 2 ulp of libm's). */
void fastconv_act_forward(Workers *wk, float *y, const float *x, long n, ActKind kind, float param);
/* dx[i] += dy[i] * f'(x[i]) as act_backward. */
void fastconv_act_backward(Workers *wk, float *dx, const float *dy, const float *x, long n,
                           ActKind kind, float param);
/* dx[i] = dy[i] * f'(x[i]) on the calling thread: written, not added. */
void fastconv_act_backward_set(float *dx, const float *dy, const float *x, long n, ActKind kind,
                               float param);

/* Local response normalisation on the calling thread, as act.h's lrn_forward and (adding to
 * dx) lrn_backward; the backward needs fastconv_lrn_scratch_floats(c) floats of scratch. */
long fastconv_lrn_scratch_floats(int c);
void fastconv_lrn_forward(float *y, const float *x, int n, int c, int h, int w, int size,
                          float alpha, float beta, float k);
void fastconv_lrn_backward(float *scratch, float *dx, const float *dy, const float *x, int n, int c,
                           int h, int w, int size, float alpha, float beta, float k);

/* p (N, K) = softmax(z (N, K)) as softmax_forward. */
void fastconv_softmax_forward(float *p, const float *z, int n, int k);

/* y (N, O) = x (N, I) * w^T + b (O) as dense_forward, through sgemm. */
void fastconv_dense_forward(Workers *wk, float *y, const float *x, const float *w, const float *b,
                            int n, int in, int out);
/* Accumulates dx (N, I), dw (O, I), db (O) from dy (N, O) as dense_backward. */
void fastconv_dense_backward(Workers *wk, float *dx, float *dw, float *db, const float *dy,
                             const float *x, const float *w, int n, int in, int out);

#endif
