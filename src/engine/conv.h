/* conv.h - 2-D convolution (cross-correlation, as in every CNN framework) and transposed
 * convolution, forward and backward, plus the single-cell queries the labs draw from.
 * Depends on: libc, libm.
 *
 * Legend: N batch, C input channels, H/W input height/width, O output channels,
 * KH/KW kernel, SH/SW stride, PT/PB/PL/PR padding (top, bottom, left, right),
 * DH/DW dilation, OH/OW output height/width, G groups, CG = C/G and OG = O/G the channels of
 * one group. All tensors NCHW float32, C order. Weight layouts follow PyTorch: conv
 * w (O, CG, KH, KW); deconv w (C, OG, KH, KW); bias (O). With G = 1 (the usual case) CG = C and
 * OG = O.
 *
 * Groups (PyTorch's `groups`): the channels are cut into G consecutive blocks, and output
 * channel o of group o / OG reads only the CG input channels of the same group,
 * (o / OG)*CG .. (o / OG)*CG + CG - 1, through its kernel w[o] (CG, KH, KW); G = C is a
 * depthwise convolution. A transposed convolution groups the same way: input channel c of
 * group c / CG stamps only into the OG outputs of its group, through w[c] (OG, KH, KW).
 *
 * Reference first: conv_forward/conv_backward are the plain loops, and they compute every
 * output cell through the same function as conv_cell (one code path), so what the
 * step-through shows is, by construction, what the full operation computes. */
#ifndef CONVSCOPE_CONV_H
#define CONVSCOPE_CONV_H

#include <stdbool.h>

typedef struct ConvGeom {
    int n;              /* batch */
    int c, h, w;        /* input channels, height, width */
    int o;              /* output channels */
    int kh, kw;         /* kernel */
    int sh, sw;         /* stride, >= 1 */
    int pt, pb, pl, pr; /* padding per side, >= 0 */
    int dh, dw;         /* dilation, >= 1 */
    int oph, opw;       /* output padding (deconv only; 0 for conv) */
    int oh, ow;         /* output size: filled by conv_geom_finish / deconv_geom_finish */
    int groups;         /* G; 0 counts as 1 (so a geometry written without it is ungrouped) */
} ConvGeom;

/* G of g: g->groups, or 1 when it is 0. C and O must be multiples of it. */
int conv_groups(const ConvGeom *g);

/* out = floor((in + pad_lo + pad_hi - dil*(k-1) - 1) / stride) + 1; a result <= 0 means the
 * (dilated) kernel is larger than the padded input. */
int conv_out_size(int in, int pad_lo, int pad_hi, int k, int stride, int dil);
/* out = (in - 1)*stride - pad_lo - pad_hi + dil*(k-1) + outpad + 1 (PyTorch ConvTranspose2d). */
int deconv_out_size(int in, int pad_lo, int pad_hi, int k, int stride, int dil, int outpad);
/* Fill g->oh, g->ow from the rest; false when either is <= 0 (or when C or O is not a multiple
 * of the groups). */
bool conv_geom_finish(ConvGeom *g);
bool deconv_geom_finish(ConvGeom *g);

/* One product of a convolution sum: input (c, iy, ix) times kernel (o, c mod CG, ky, kx).
 * c is the input channel; iy/ix are in unpadded input coordinates, so a padding cell has
 * iy < 0, iy >= H, etc. */
typedef struct ConvTerm {
    int c, iy, ix;
    int ky, kx;
    float x, w; /* x is 0 for a padding cell */
    bool pad;
} ConvTerm;

/* The value of out[o][oy][ox] for ONE example x (C, H, W): b[o] + sum of x*w over the window
 * (the CG input channels of o's group). terms (may be NULL) receives up to max_terms products
 * in (c, ky, kx) order, padding cells included; *n_terms (may be NULL) gets the full count
 * CG*KH*KW. b may be NULL. */
float conv_cell(const ConvGeom *g, const float *x, const float *w, const float *b, int o, int oy,
                int ox, ConvTerm *terms, int max_terms, int *n_terms);

/* out (N, O, OH, OW) = conv(x (N, C, H, W), w (O, CG, KH, KW)) + b (O). b may be NULL. */
void conv_forward(float *out, const float *x, const float *w, const float *b, const ConvGeom *g);

/* Backward of conv_forward, accumulating (+=) into dx (N, C, H, W), dw (O, CG, KH, KW) and
 * db (O) from dout (N, O, OH, OW). Any of dx, dw, db may be NULL to skip it. */
void conv_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                   const float *w, const ConvGeom *g);

/* One product of a kernel-gradient sum: dL/dw[o][c][ky][kx] = sum over n, oy, ox of
 * dout[n][o][oy][ox] * x[n][(o / OG)*CG + c][iy][ix] with iy = oy*SH - PT + ky*DH (likewise
 * ix); c < CG indexes the kernel's channel axis. */
typedef struct ConvGradTerm {
    int n, oy, ox; /* the upstream gradient cell */
    int iy, ix;    /* the input cell it meets (may be padding) */
    float dout, x;
    bool pad;
} ConvGradTerm;

/* The value of dL/dw[o][c][ky][kx] over the batch, with its terms (in n, oy, ox order) as
 * conv_cell does; the sweep of the kernel gradient is exactly like the forward sweep. */
float conv_dw_cell(const ConvGeom *g, const float *dout, const float *x, int o, int c, int ky,
                   int kx, ConvGradTerm *terms, int max_terms, int *n_terms);

/* One use of an input cell: it meets kernel (o, c, ky, kx) in the window of out (o, oy, ox). */
typedef struct ConvInputUse {
    int o, oy, ox;
    int ky, kx;
    float w, dout; /* dout is 0 when dout == NULL */
} ConvInputUse;

/* For ONE example: every output cell that input (c, iy, ix) feeds (how often the kernel visits
 * it: the coverage count), in (o, oy, ox) order over the OG outputs of c's group, and the
 * value of dL/dx[c][iy][ix] = sum of w*dout over those uses (0 when dout (O, OH, OW) is
 * NULL). */
float conv_dx_cell(const ConvGeom *g, const float *dout, const float *w, int c, int iy, int ix,
                   ConvInputUse *uses, int max_uses, int *n_uses);

/* Transposed convolution (PyTorch ConvTranspose2d): x (N, C, H, W), w (C, OG, KH, KW),
 * out (N, O, OH, OW) with OH from deconv_out_size. Each input cell stamps x*w(c, o mod OG, :, :)
 * into output o of its group at (iy*SH - PT + ky*DH, ix*SW - PL + kx*DW); overlaps sum. */
void deconv_forward(float *out, const float *x, const float *w, const float *b, const ConvGeom *g);
/* Backward of deconv_forward; accumulates (+=); any of dx, dw, db may be NULL. */
void deconv_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                     const float *w, const ConvGeom *g);
/* The value of deconv out[o][oy][ox] for ONE example with its terms (which input cells and
 * kernel taps stamp into it); ConvTerm.iy/ix name the input cell. */
float deconv_cell(const ConvGeom *g, const float *x, const float *w, const float *b, int o, int oy,
                  int ox, ConvTerm *terms, int max_terms, int *n_terms);

#endif
