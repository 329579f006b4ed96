/* pool.h - max, average and L2 pooling over each channel plane, forward, backward and the
 * single-cell query. Depends on: libc, libm.
 *
 * Legend: N batch, C channels, H/W input, KH/KW window, SH/SW stride, OH/OW output.
 * No padding. A max-pool tie goes to the first cell in row-major order of the window.
 * L2 pooling is sqrt(sum x^2) over the window (PyTorch lp_pool2d with p = 2). */
#ifndef CONVSCOPE_POOL_H
#define CONVSCOPE_POOL_H

#include <stdbool.h>

typedef enum PoolKind { POOL_MAX, POOL_AVG, POOL_L2 } PoolKind;

typedef struct PoolGeom {
    int n, c, h, w;
    int kh, kw;
    int sh, sw;
    int oh, ow; /* filled by pool_geom_finish */
} PoolGeom;

/* oh = floor((H - KH)/SH) + 1 (likewise ow); false when the window is larger than the input. */
bool pool_geom_finish(PoolGeom *g);

/* The value of one output cell (oy, ox) of ONE plane x (H, W). *argmax (may be NULL) receives
 * the flat index iy*W + ix of the max cell (for POOL_MAX; -1 otherwise). The window is rows
 * oy*SH .. oy*SH+KH-1, columns ox*SW .. ox*SW+KW-1. */
float pool_cell(const PoolGeom *g, PoolKind kind, const float *x, int oy, int ox, int *argmax);

/* out (N, C, OH, OW) = pool(x (N, C, H, W)); computes every cell through pool_cell. */
void pool_forward(float *out, const float *x, PoolKind kind, const PoolGeom *g);

/* Backward, accumulating (+=) into dx (N, C, H, W): max routes dout to the argmax, avg spreads
 * dout/(KH*KW), L2 gives dout * x / out (0 where out == 0). out is pool_forward's result. */
void pool_backward(float *dx, const float *dout, const float *x, const float *out, PoolKind kind,
                   const PoolGeom *g);

#endif
