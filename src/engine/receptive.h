/* receptive.h - receptive fields: which units of the input and of every earlier layer one unit
 * of a net depends on, traced back from the layers' geometry alone (no weights, no values).
 * Depends on: net (shapes and layer geometry).
 *
 * Legend: C channels, H/W height/width of one layer's output. A rank-1 tensor (after flatten
 * or dense) is addressed as channel c = the element's index, with y = x = 0.
 *
 * A region is a box: channels c0..c1, rows y0..y1, columns x0..x1 (inclusive), the smallest
 * box holding every unit the traced unit reads through some chain of windows. Per layer:
 *   conv    out (o, oy, ox) reads every input channel (with groups=G, the C/G channels of o's
 *           group) at rows oy*SH - PT + ky*DH, ky < KH (likewise columns); rows in the
 *           padding are constants, not units, so they drop out
 *   deconv  out row oy is stamped by input row iy when oy = iy*SH - PT + ky*DH for some ky
 *           (from every input channel, or those of o's group)
 *   pool    the same channel, rows oy*SH .. oy*SH + KH - 1
 *   act     the same unit;  lrn  the channel window [c - size/2, c + (size-1)/2], same place
 *   batchnorm  the same unit: a trained net's evaluation mode (in training mode a unit also
 *           reads, through the batch's statistics, its whole channel in every example)
 *   flatten element i is (i / (H*W), (i / W) % H, i % W) of its input
 *   dense, softmax  every input element
 * The unclipped box (u*) is the same trace with the padding counted as if it were input: its
 * size is the textbook receptive field (14x14 for a unit of lenet-tiny's second conv), even at
 * the border where the real box (y0..x1) is cut by the image's edge. */
#ifndef CONVSCOPE_RECEPTIVE_H
#define CONVSCOPE_RECEPTIVE_H

#include "engine/net.h"

#include <stdbool.h>

typedef struct RfBox {
    int c0, c1;             /* channels (rank 1: element indices), inclusive */
    int y0, y1, x0, x1;     /* rows and columns, inclusive, inside the tensor */
    int uy0, uy1, ux0, ux1; /* unclipped rows and columns: may reach into the padding */
    bool empty;             /* no unit at all (a window that lies wholly in the padding) */
} RfBox;

/* Traces unit (c, y, x) of layer `layer`'s output (0-based index into spec->layers) back to the
 * input: out[0] is the region of the input, out[l + 1] the region of layer l's output for
 * l = 0..layer, and out[layer + 1] is the unit itself. out holds layer + 2 boxes. Returns false
 * (out untouched) when layer or the unit is outside the net. */
bool receptive_trace(const NetSpec *spec, int layer, int c, int y, int x, RfBox *out);

/* Rows / columns / channels of a box (0 when empty), and of its unclipped extent. */
int rf_rows(const RfBox *b);
int rf_cols(const RfBox *b);
int rf_channels(const RfBox *b);
int rf_unclipped_rows(const RfBox *b);
int rf_unclipped_cols(const RfBox *b);
/* True when the box covers every unit of a tensor of shape s. */
bool rf_covers(const RfBox *b, Shape s);
/* True when unit (c, y, x) lies inside the box. */
bool rf_contains(const RfBox *b, int c, int y, int x);

#endif
