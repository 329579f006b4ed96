/* conv.h - 2-D convolution (cross-correlation, as in every CNN framework) and transposed
 * convolution, forward and backward, plus the single-cell queries the labs draw from.
 * Depends on: libc, libm.
 *
 * Legend: N batch, C input channels, H/W input height/width, O output channels,
 * KH/KW kernel, SH/SW stride, PT/PB/PL/PR padding (top, bottom, left, right),
 * DH/DW dilation, OH/OW output height/width. All tensors NCHW float32, C order.
 * Weight layouts follow PyTorch: conv w (O, C, KH, KW); deconv w (C, O, KH, KW); bias (O).
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
} ConvGeom;

/* out = floor((in + pad_lo + pad_hi - dil*(k-1) - 1) / stride) + 1; a result <= 0 means the
 * (dilated) kernel is larger than the padded input. */
int conv_out_size(int in, int pad_lo, int pad_hi, int k, int stride, int dil);
/* out = (in - 1)*stride - pad_lo - pad_hi + dil*(k-1) + outpad + 1 (PyTorch ConvTranspose2d). */
int deconv_out_size(int in, int pad_lo, int pad_hi, int k, int stride, int dil, int outpad);
/* Fill g->oh, g->ow from the rest; false when either is <= 0. */
bool conv_geom_finish(ConvGeom *g);
bool deconv_geom_finish(ConvGeom *g);

/* One product of a convolution sum: input (c, iy, ix) times kernel (o, c, ky, kx).
 * iy/ix are in unpadded input coordinates, so a padding cell has iy < 0, iy >= H, etc. */
typedef struct ConvTerm {
    int c, iy, ix;
    int ky, kx;
    float x, w; /* x is 0 for a padding cell */
    bool pad;
} ConvTerm;

/* The value of out[o][oy][ox] for ONE example x (C, H, W): b[o] + sum of x*w over the window.
 * terms (may be NULL) receives up to max_terms products in (c, ky, kx) order, padding cells
 * included; *n_terms (may be NULL) gets the full count C*KH*KW. b may be NULL. */
float conv_cell(const ConvGeom *g, const float *x, const float *w, const float *b, int o, int oy,
                int ox, ConvTerm *terms, int max_terms, int *n_terms);

/* out (N, O, OH, OW) = conv(x (N, C, H, W), w (O, C, KH, KW)) + b (O). b may be NULL. */
void conv_forward(float *out, const float *x, const float *w, const float *b, const ConvGeom *g);

/* Backward of conv_forward, accumulating (+=) into dx (N, C, H, W), dw (O, C, KH, KW) and
 * db (O) from dout (N, O, OH, OW). Any of dx, dw, db may be NULL to skip it. */
void conv_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                   const float *w, const ConvGeom *g);

/* One product of a kernel-gradient sum: dL/dw[o][c][ky][kx] = sum over n, oy, ox of
 * dout[n][o][oy][ox] * x[n][c][iy][ix] with iy = oy*SH - PT + ky*DH (likewise ix). */
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
 * it: the coverage count), in (o, oy, ox) order, and the value of dL/dx[c][iy][ix] =
 * sum of w*dout over those uses (0 when dout (O, OH, OW) is NULL). */
float conv_dx_cell(const ConvGeom *g, const float *dout, const float *w, int c, int iy, int ix,
                   ConvInputUse *uses, int max_uses, int *n_uses);

/* Transposed convolution (PyTorch ConvTranspose2d): x (N, C, H, W), w (C, O, KH, KW),
 * out (N, O, OH, OW) with OH from deconv_out_size. Each input cell stamps x*w(c, o, :, :) into
 * the output at (iy*SH - PT + ky*DH, ix*SW - PL + kx*DW); overlaps sum. */
void deconv_forward(float *out, const float *x, const float *w, const float *b, const ConvGeom *g);
/* Backward of deconv_forward; accumulates (+=); any of dx, dw, db may be NULL. */
void deconv_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                     const float *w, const ConvGeom *g);
/* The value of deconv out[o][oy][ox] for ONE example with its terms (which input cells and
 * kernel taps stamp into it); ConvTerm.iy/ix name the input cell. */
float deconv_cell(const ConvGeom *g, const float *x, const float *w, const float *b, int o, int oy,
                  int ox, ConvTerm *terms, int max_terms, int *n_terms);

#endif
