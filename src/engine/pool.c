/* pool.c - see pool.h. The reference loops of max, average and L2 pooling.
 *
 * Legend: N batch, C channels, H/W input, KH/KW window, SH/SW stride, OH/OW output.
 * Forward line every backward differentiates, for the window of (oy, ox):
 *   max  out = x[argmax]              (first maximum in row-major order)
 *   avg  out = sum x / (KH*KW)
 *   l2   out = sqrt(sum x^2)          (PyTorch lp_pool2d, p = 2) */
#include "engine/pool.h"

#include <math.h>
#include <stddef.h>

bool pool_geom_finish(PoolGeom *g)
{
    g->oh = g->ow = 0;
    if (g->kh < 1 || g->kw < 1 || g->sh < 1 || g->sw < 1 || g->kh > g->h || g->kw > g->w)
        return false;
    g->oh = (g->h - g->kh) / g->sh + 1;
    g->ow = (g->w - g->kw) / g->sw + 1;
    return true;
}

float pool_cell(const PoolGeom *g, PoolKind kind, const float *x, int oy, int ox, int *argmax)
{
    const int iy0 = oy * g->sh, ix0 = ox * g->sw; /* top-left of the window */
    float best = x[(size_t)iy0 * g->w + ix0];
    int best_i = iy0 * g->w + ix0;
    float sum = 0.0f; /* sum x (avg) or sum x^2 (l2) */
    for (int ky = 0; ky < g->kh; ky++)
        for (int kx = 0; kx < g->kw; kx++) {
            const int i = (iy0 + ky) * g->w + ix0 + kx;
            const float v = x[i];
            /* Strictly greater: a tie keeps the earlier cell. */
            if (v > best) {
                best = v;
                best_i = i;
            }
            sum += kind == POOL_L2 ? v * v : v;
        }
    if (argmax)
        *argmax = kind == POOL_MAX ? best_i : -1;
    switch (kind) {
    case POOL_MAX:
        return best;
    case POOL_AVG:
        return sum / (float)(g->kh * g->kw);
    case POOL_L2:
        return sqrtf(sum);
    }
    return 0.0f;
}

void pool_forward(float *out, const float *x, PoolKind kind, const PoolGeom *g)
{
    const size_t in_plane = (size_t)g->h * g->w, out_plane = (size_t)g->oh * g->ow;
    for (size_t p = 0; p < (size_t)g->n * g->c; p++) {
        const float *xp = x + p * in_plane; /* (H, W) */
        float *op = out + p * out_plane;    /* (OH, OW) */
        for (int oy = 0; oy < g->oh; oy++)
            for (int ox = 0; ox < g->ow; ox++)
                op[(size_t)oy * g->ow + ox] = pool_cell(g, kind, xp, oy, ox, NULL);
    }
}

void pool_backward(float *dx, const float *dout, const float *x, const float *out, PoolKind kind,
                   const PoolGeom *g)
{
    const size_t in_plane = (size_t)g->h * g->w, out_plane = (size_t)g->oh * g->ow;
    const float inv_area = 1.0f / (float)(g->kh * g->kw);
    for (size_t p = 0; p < (size_t)g->n * g->c; p++) {
        const float *xp = x + p * in_plane;     /* (H, W) */
        float *dxp = dx + p * in_plane;         /* (H, W) */
        const float *dp = dout + p * out_plane; /* (OH, OW) */
        const float *op = out + p * out_plane;  /* (OH, OW) */
        for (int oy = 0; oy < g->oh; oy++)
            for (int ox = 0; ox < g->ow; ox++) {
                const float d = dp[(size_t)oy * g->ow + ox];
                if (kind == POOL_MAX) {
                    /* out = x[argmax]: the whole gradient goes to the argmax, found by the
                     * same pool_cell the forward used, so routing matches the forward pick. */
                    int arg = -1;
                    pool_cell(g, kind, xp, oy, ox, &arg);
                    dxp[arg] += d;
                    continue;
                }
                /* avg: d out / d x = 1/(KH*KW); l2: d sqrt(s) / d x = x / out (0 at out = 0). */
                const float o = op[(size_t)oy * g->ow + ox];
                const float scale = kind == POOL_AVG ? d * inv_area : (o > 0.0f ? d / o : 0.0f);
                for (int ky = 0; ky < g->kh; ky++)
                    for (int kx = 0; kx < g->kw; kx++) {
                        const size_t i = (size_t)(oy * g->sh + ky) * g->w + ox * g->sw + kx;
                        dxp[i] += kind == POOL_AVG ? scale : scale * xp[i];
                    }
            }
    }
}
