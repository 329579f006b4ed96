/* fastgroup.h - the fast path of a grouped convolution (conv groups=G): G plain convolutions
 * of fastconv.h, one per group of channels, each example and group on its own, on the calling
 * thread. Same contracts as fastconv_forward_on / fastconv_backward_on, same results as
 * conv_forward / conv_backward within float rounding. Depends on: conv, fastconv.
 *
 * Legend: N batch, C input channels, O output channels, G groups, CG = C/G, OG = O/G,
 * KCG = CG*KH*KW (one kernel), P = OH*OW. */
#ifndef CONVSCOPE_FASTGROUP_H
#define CONVSCOPE_FASTGROUP_H

#include "engine/conv.h"

#include <stdbool.h>

/* Whether g is grouped (G > 1) and one group's plain convolution takes fastconv's path. */
bool fastgroup_supported(const ConvGeom *g);
/* Floats of scratch fastgroup_forward_on / fastgroup_backward_on need for g (any batch). */
long fastgroup_scratch_floats(const ConvGeom *g);
/* out (N, O, OH, OW) = conv(x (N, C, H, W), w (O, CG, KH, KW)) + b (O) for the g->n examples;
 * b may be NULL. Needs fastgroup_supported(g). */
void fastgroup_forward_on(float *scratch, float *out, const float *x, const float *w,
                          const float *b, const ConvGeom *g);
/* Over the g->n examples: ACCUMULATES dx (N, C, H, W); WRITES pw (O, CG, KH, KW) and pb (O),
 * the sums of the examples' kernel and bias gradients, added in example order. Any of dx, pw,
 * pb may be NULL. Needs fastgroup_supported(g). */
void fastgroup_backward_on(float *scratch, float *dx, float *pw, float *pb, const float *dout,
                           const float *x, const float *w, const ConvGeom *g);

#endif
