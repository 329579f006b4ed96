/* convmat.h - convolution as a sparse (doubly block Toeplitz) matrix, its transpose as the
 * transposed convolution, and the flipped kernel that turns cross-correlation into true
 * convolution. What the Matrix lab draws. Depends on: engine/conv.h, libc.
 *
 * Legend: C input channels, H/W input height/width, O output channels, KH/KW kernel,
 * OH/OW output height/width, as in conv.h.
 *
 * Unrolling: a (C, H, W) tensor is read as a column vector of C*H*W entries in C order
 * (row after row), index (c*H + iy)*W + ix. The notes' picture: a 3x3 image becomes
 * (i00 i01 i02 i10 ... i22)^T.
 *
 * The matrix M of a conv geometry g (n ignored, one example) has O*OH*OW rows and C*H*W
 * columns, and M[(o, oy, ox)][(c, iy, ix)] = w[o][c][ky][kx] when
 *     iy = oy*SH - PT + ky*DH  and  ix = ox*SW - PL + kx*DW,
 * and 0 otherwise; padding cells have no column because they are 0. So
 *     M . unroll(x) = unroll(conv_forward(x, w))   (no bias).
 *
 * The transpose. M^T maps O*OH*OW entries back to C*H*W, and
 *     M^T . unroll(y) = unroll(deconv_forward(y, w, gt))
 * where gt = convmat_geom_transpose(g): input (O, OH, OW), output (C, H, W), the SAME weight
 * array (conv's (O, C, KH, KW) is deconv's (IN, OUT, KH, KW)), the same stride, padding and
 * dilation, and output padding = (H + PT + PB - DH*(KH-1) - 1) mod SH (likewise for W): the
 * rows the conv's floor division dropped, which the transpose must give back to reach H. */
#ifndef CONVSCOPE_CONVMAT_H
#define CONVSCOPE_CONVMAT_H

#include "engine/conv.h"

#include <stdbool.h>
#include <stddef.h>

/* One non-zero of M: row (o, oy, ox), column (c, iy, ix), the kernel tap it holds. */
typedef struct ConvMatEntry {
    int row, col;
    int o, oy, ox;
    int c, iy, ix;
    int ky, kx;
    float w;
} ConvMatEntry;

/* A sparse M. entries are sorted by row, then by column; row r's entries are
 * entries[row_start[r] .. row_start[r + 1]). Owns its arrays. */
typedef struct ConvMat {
    int rows, cols;         /* O*OH*OW, C*H*W */
    int c, h, w, o, oh, ow; /* the shapes the rows and columns unroll */
    int n_entries;
    ConvMatEntry *entries; /* (n_entries) */
    int *row_start;        /* (rows + 1) */
} ConvMat;

/* Builds M for geometry g (oh/ow must be filled: conv_geom_finish) and weights
 * w (O, C, KH, KW). Returns false with "what is wrong" in err (may be NULL) for a bad geometry
 * or out of memory; m is then empty and safe to free. */
bool convmat_build(ConvMat *m, const ConvGeom *g, const float *w, char *err, size_t err_size);
/* Frees m's arrays and empties it (idempotent). */
void convmat_free(ConvMat *m);

/* M[row][col] (0 for a structural zero). */
float convmat_at(const ConvMat *m, int row, int col);
/* The entry of M at (row, col), or NULL for a structural zero. */
const ConvMatEntry *convmat_find(const ConvMat *m, int row, int col);

/* y (rows) = M . x (cols) */
void convmat_apply(const ConvMat *m, float *y, const float *x);
/* x (cols) = M^T . y (rows); x is overwritten. */
void convmat_apply_transposed(const ConvMat *m, float *x, const float *y);
/* x (cols) = M^T . y restricted to the first `count` rows (the others taken as 0): the
 * transposed convolution after `count` input cells have stamped their kernel copy. */
void convmat_apply_transposed_partial(const ConvMat *m, float *x, const float *y, int count);

/* The deconv geometry whose deconv_forward equals M^T (see the top of this file): c and o
 * swapped, h/w = g's oh/ow, oh/ow = g's h/w, output padding as stated. False when g is bad. */
bool convmat_geom_transpose(const ConvGeom *g, ConvGeom *gt);
/* The conv geometry whose matrix M has M^T = the deconv of geometry gd (filled by
 * deconv_geom_finish): input (OUT, OH, OW) of the deconv, output (IN, H, W). False when the
 * output padding is not smaller than the stride (then no conv maps back onto the input size). */
bool convmat_geom_of_deconv(const ConvGeom *gd, ConvGeom *g);

/* out[o][c][ky][kx] = w[o][c][KH-1-ky][KW-1-kx]: the kernel turned by 180 degrees.
 * out and w (O, C, KH, KW) must not overlap. */
void convmat_flip_kernel(float *out, const float *w, int o, int c, int kh, int kw);

/* True convolution by its definition, (I * K)(i, j) = sum_m sum_n I(i - m, j - n) K(m, n),
 * evaluated for ONE output cell (o, oy, ox) of geometry g with i = oy*SH - PT + (KH-1)*DH
 * (and likewise j), so that the output grid is the one conv_forward gives; dilation scales
 * m and n. terms (may be NULL) receives up to max_terms products in (c, m, n) order, with
 * ConvTerm.ky/kx = m, n (the kernel index, running forward) and iy/ix = the image cell
 * (running backward); *n_terms gets C*KH*KW. Equals conv_cell with the flipped kernel. */
float convmat_true_conv_cell(const ConvGeom *g, const float *x, const float *w, int o, int oy,
                             int ox, ConvTerm *terms, int max_terms, int *n_terms);

#endif
