/* fastpool.c - pooling of fastconv.h (max, average, L2; forward and backward, and the relu
 * before a max pool folded in), one task per example, AVX-512 for 2x2 windows and stride 1.
 * Depends on: fastconv_int.h, pool, workers (libc, libm).
 *
 * Legend: N batch, C channels, H/W input, OH/OW output. */
#include "engine/fastconv.h"

#include "engine/fastconv_int.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* ---- pooling: one task per example ---- */

typedef struct PoolJob {
    const PoolGeom *g;
    PoolKind kind;
    float *out;        /* (N, C, OH, OW) */
    const float *y;    /* (N, C, OH, OW) the forward's output, for the L2 backward */
    float *dx;         /* (N, C, H, W) */
    const float *x;    /* (N, C, H, W) */
    const float *dout; /* (N, C, OH, OW) */
    bool set;          /* backward: write dx rather than add to it */
    float *dx2;        /* max backward, set: the relu before the pool's input gradient, or NULL */
} PoolJob;

/* Flat index (in the plane) of the first maximum of window (oy, ox) of plane x (H, W): the
 * same strict comparison in the same row-major order as pool_cell. */
static inline int window_argmax(const PoolGeom *g, const float *x, int oy, int ox)
{
    const int iy0 = oy * g->sh, ix0 = ox * g->sw;
    int best_i = iy0 * g->w + ix0;
    float best = x[best_i];
    for (int ky = 0; ky < g->kh; ky++) {
        const float *r = x + (iy0 + ky) * g->w + ix0; /* (KW) */
        for (int kx = 0; kx < g->kw; kx++) {
            /* selects rather than a branch: the winner is data, unpredictable */
            bool gt = r[kx] > best;
            best = gt ? r[kx] : best;
            best_i = gt ? (iy0 + ky) * g->w + ix0 + kx : best_i;
        }
    }
    return best_i;
}

#if FAST_X86
/* The lane indices 0, 2, 4, ..., 30: the even columns of two vectors, for permutes. */
__attribute__((target("avx512f"))) static inline __m512i lanes_even(void)
{
    return _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
}

/* 0, 0, 1, 1, ..., 7, 7: each of 8 lanes spread to two, for permutes. */
__attribute__((target("avx512f"))) static inline __m512i lanes_halved(void)
{
    return _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
}

/* The 2x2, stride-2 max pool of one plane x (H, W) into out (OH, OW), 16 windows at a time:
 * the even and odd columns of two rows are the four cells of 16 windows, compared in
 * pool_cell's order with the same strict '>' (a tie keeps the earlier cell). */
#define POOL22_LOAD                                                                                \
    int cnt = ow - ox < 16 ? ow - ox : 16;                                                         \
    __mmask16 mlo = lanes(0, 2 * cnt), mhi = lanes(0, 2 * cnt - 16), mout = lanes(0, cnt);         \
    __m512 lo0 = _mm512_maskz_loadu_ps(mlo, r0 + 2 * ox);                                          \
    __m512 hi0 = _mm512_maskz_loadu_ps(mhi, addr_of(r0, 2L * ox + 16));                            \
    __m512 lo1 = _mm512_maskz_loadu_ps(mlo, r1 + 2 * ox);                                          \
    __m512 hi1 = _mm512_maskz_loadu_ps(mhi, addr_of(r1, 2L * ox + 16));                            \
    __m512 v00 = _mm512_permutex2var_ps(lo0, even, hi0);                                           \
    __m512 v01 = _mm512_permutex2var_ps(lo0, odd, hi0);                                            \
    __m512 v10 = _mm512_permutex2var_ps(lo1, even, hi1);                                           \
    __m512 v11 = _mm512_permutex2var_ps(lo1, odd, hi1);                                            \
    __mmask16 s1 = _mm512_cmp_ps_mask(v01, v00, _CMP_GT_OQ);                                       \
    __m512 best = _mm512_mask_mov_ps(v00, s1, v01);                                                \
    __mmask16 s2 = _mm512_cmp_ps_mask(v10, best, _CMP_GT_OQ);                                      \
    best = _mm512_mask_mov_ps(best, s2, v10);                                                      \
    __mmask16 s3 = _mm512_cmp_ps_mask(v11, best, _CMP_GT_OQ);                                      \
    best = _mm512_mask_mov_ps(best, s3, v11);

__attribute__((target("avx512f"))) static void maxpool22_forward_avx512(float *out, const float *x,
                                                                        int w, int oh, int ow)
{
    const __m512i even = lanes_even();
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    for (int oy = 0; oy < oh; oy++) {
        const float *r0 = x + 2L * oy * w, *r1 = r0 + w; /* (W) */
        for (int ox = 0; ox < ow; ox += 16) {
            POOL22_LOAD;
            (void)s3;
            _mm512_mask_storeu_ps(out + (long)oy * ow + ox, mout, best);
        }
    }
}

/* Its backward: each window's gradient to the cell that won (the last strict improvement),
 * added to dx, or, when set (and the windows tile the plane: W == 2 OW, H == 2 OH), written
 * over it, so the plane needs no clearing and is not read. With dx2 (set only), the gradient
 * of the relu whose output x is is written there as well; dx may then be NULL. */
__attribute__((target("avx512f"))) static void maxpool22_backward_avx512(float *dx, float *dx2,
                                                                         const float *dout,
                                                                         const float *x, int w,
                                                                         int oh, int ow, bool set)
{
    const __m512i even = lanes_even();
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    /* interleave two 16-lane vectors back into 32 consecutive columns */
    const __m512i ilo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i ihi =
        _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    for (int oy = 0; oy < oh; oy++) {
        const float *r0 = x + 2L * oy * w, *r1 = r0 + w; /* (W) */
        float *d0 = dx + 2L * oy * w, *d1 = d0 + w;      /* (W) */
        for (int ox = 0; ox < ow; ox += 16) {
            POOL22_LOAD;
            __m512 g = _mm512_maskz_loadu_ps(mout, dout + (long)oy * ow + ox);
            if (dx2) {
                /* the relu before the pool: its gradient is the pool's where the winner
                 * (= the relu's output there) is > 0, else 0 */
                __m512 gr = _mm512_maskz_mov_ps(
                    _mm512_cmp_ps_mask(best, _mm512_setzero_ps(), _CMP_GT_OQ), g);
                __m512 r00 = _mm512_maskz_mov_ps((__mmask16) ~(s1 | s2 | s3), gr);
                __m512 r01 = _mm512_maskz_mov_ps(s1 & ~s2 & ~s3, gr);
                __m512 r10 = _mm512_maskz_mov_ps(s2 & ~s3, gr), r11 = _mm512_maskz_mov_ps(s3, gr);
                float *e0 = dx2 + 2L * oy * w, *e1 = e0 + w; /* (W) */
                _mm512_mask_storeu_ps(e0 + 2 * ox, mlo, _mm512_permutex2var_ps(r00, ilo, r01));
                _mm512_mask_storeu_ps((float *)addr_of(e0, 2L * ox + 16), mhi,
                                      _mm512_permutex2var_ps(r00, ihi, r01));
                _mm512_mask_storeu_ps(e1 + 2 * ox, mlo, _mm512_permutex2var_ps(r10, ilo, r11));
                _mm512_mask_storeu_ps((float *)addr_of(e1, 2L * ox + 16), mhi,
                                      _mm512_permutex2var_ps(r10, ihi, r11));
            }
            if (!dx)
                continue;
            __mmask16 w11 = s3, w10 = s2 & ~s3, w01 = s1 & ~s2 & ~s3;
            __mmask16 w00 = (__mmask16) ~(s1 | s2 | s3);
            __m512 g00 = _mm512_maskz_mov_ps(w00, g), g01 = _mm512_maskz_mov_ps(w01, g);
            __m512 g10 = _mm512_maskz_mov_ps(w10, g), g11 = _mm512_maskz_mov_ps(w11, g);
            float *d0h = (float *)addr_of(d0, 2L * ox + 16),
                  *d1h = (float *)addr_of(d1, 2L * ox + 16);
            if (set) {
                _mm512_mask_storeu_ps(d0 + 2 * ox, mlo, _mm512_permutex2var_ps(g00, ilo, g01));
                _mm512_mask_storeu_ps(d0h, mhi, _mm512_permutex2var_ps(g00, ihi, g01));
                _mm512_mask_storeu_ps(d1 + 2 * ox, mlo, _mm512_permutex2var_ps(g10, ilo, g11));
                _mm512_mask_storeu_ps(d1h, mhi, _mm512_permutex2var_ps(g10, ihi, g11));
                continue;
            }
            _mm512_mask_storeu_ps(d0 + 2 * ox, mlo,
                                  _mm512_add_ps(_mm512_maskz_loadu_ps(mlo, d0 + 2 * ox),
                                                _mm512_permutex2var_ps(g00, ilo, g01)));
            _mm512_mask_storeu_ps(d0h, mhi,
                                  _mm512_add_ps(_mm512_maskz_loadu_ps(mhi, d0h),
                                                _mm512_permutex2var_ps(g00, ihi, g01)));
            _mm512_mask_storeu_ps(d1 + 2 * ox, mlo,
                                  _mm512_add_ps(_mm512_maskz_loadu_ps(mlo, d1 + 2 * ox),
                                                _mm512_permutex2var_ps(g10, ilo, g11)));
            _mm512_mask_storeu_ps(d1h, mhi,
                                  _mm512_add_ps(_mm512_maskz_loadu_ps(mhi, d1h),
                                                _mm512_permutex2var_ps(g10, ihi, g11)));
        }
    }
}
#undef POOL22_LOAD

/* The 2x2, stride-2 average and L2 pools of one plane x (H, W) into out (OH, OW), 16 windows
 * at a time: the sum in pool_cell's order (c00 + c01 + c10 + c11, or of their squares), then
 * its division by 4 or square root as it does: the same bits. */
__attribute__((target("avx512f"))) static void
sumpool22_forward_avx512(float *out, const float *x, int w, int oh, int ow, bool l2)
{
    const __m512i even = lanes_even();
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    for (int oy = 0; oy < oh; oy++) {
        const float *r0 = x + 2L * oy * w, *r1 = r0 + w; /* (W) */
        for (int ox = 0; ox < ow; ox += 16) {
            const int cnt = ow - ox < 16 ? ow - ox : 16;
            const __mmask16 mlo = lanes(0, 2 * cnt), mhi = lanes(0, 2 * cnt - 16);
            __m512 c[4];
            for (int r = 0; r < 2; r++) {
                const float *row = r ? r1 : r0;
                __m512 lo = _mm512_maskz_loadu_ps(mlo, row + 2 * ox);
                __m512 hi = _mm512_maskz_loadu_ps(mhi, addr_of(row, 2L * ox + 16));
                c[2 * r] = _mm512_permutex2var_ps(lo, even, hi);
                c[2 * r + 1] = _mm512_permutex2var_ps(lo, odd, hi);
            }
            __m512 sum = l2 ? _mm512_mul_ps(c[0], c[0]) : c[0];
            for (int k = 1; k < 4; k++)
                sum = _mm512_add_ps(sum, l2 ? _mm512_mul_ps(c[k], c[k]) : c[k]);
            _mm512_mask_storeu_ps(out + (long)oy * ow + ox, lanes(0, cnt),
                                  l2 ? _mm512_sqrt_ps(sum)
                                     : _mm512_div_ps(sum, _mm512_set1_ps(4.0f)));
        }
    }
}

/* Their backward into dx (H, W), added, or written when set (the windows tiling the plane):
 * every cell of a window gets dout / 4 (average), or dout / out times itself, 0 where out is
 * 0 (L2), as pool_backward. The window's value is spread to its two columns by a permute. */
__attribute__((target("avx512f"))) static void
sumpool22_backward_avx512(float *dx, const float *dout, const float *x, const float *y, int w,
                          int oh, int ow, bool l2, bool set)
{
    const __m512i duplo = lanes_halved(), duphi = _mm512_add_epi32(duplo, _mm512_set1_epi32(8));
    for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox += 16) {
            const int cnt = ow - ox < 16 ? ow - ox : 16;
            const __mmask16 mlo = lanes(0, 2 * cnt), mhi = lanes(0, 2 * cnt - 16);
            const __mmask16 mout = lanes(0, cnt);
            const __m512 d = _mm512_maskz_loadu_ps(mout, dout + (long)oy * ow + ox);
            __m512 s; /* per window: what multiplies each cell (or is its gradient) */
            if (l2) {
                const __m512 o = _mm512_maskz_loadu_ps(mout, y + (long)oy * ow + ox);
                s = _mm512_maskz_div_ps(_mm512_cmp_ps_mask(o, _mm512_setzero_ps(), _CMP_GT_OQ), d,
                                        o);
            } else {
                s = _mm512_mul_ps(d, _mm512_set1_ps(0.25f));
            }
            const __m512 slo = _mm512_permutexvar_ps(duplo, s),
                         shi = _mm512_permutexvar_ps(duphi, s);
            for (int r = 0; r < 2; r++) {
                const long at = (2L * oy + r) * w + 2L * ox; /* the window row's first cell */
                float *dlo = dx + at, *dhi = (float *)addr_of(dx + at, 16);
                __m512 glo = slo, ghi = shi;
                if (l2) {
                    glo = _mm512_mul_ps(slo, _mm512_maskz_loadu_ps(mlo, x + at));
                    ghi = _mm512_mul_ps(shi, _mm512_maskz_loadu_ps(mhi, addr_of(x + at, 16)));
                }
                if (!set) {
                    glo = _mm512_add_ps(_mm512_maskz_loadu_ps(mlo, dlo), glo);
                    ghi = _mm512_add_ps(_mm512_maskz_loadu_ps(mhi, dhi), ghi);
                }
                _mm512_mask_storeu_ps(dlo, mlo, glo);
                _mm512_mask_storeu_ps(dhi, mhi, ghi);
            }
        }
}

/* The backward of the 2x2, stride-2 max pool on a tiled plane (H == 2 OH, W == 2 OW), WRITING
 * dx (the pool's input gradient) and dx2 (that of a relu before it, whose output x is), either
 * may be NULL. The winner of a window is its first cell, in pool_cell's order, equal to the
 * window's maximum y (the forward's output, a copy of that cell): the cell the strict '>' scan
 * keeps. The windows' y and dout are spread to the window's two columns (one permute per 8
 * windows), the cells compared with them, and the winners of 16 windows worked out on 32-bit
 * masks: no compare chain, and no interleaving back. */
__attribute__((target("avx512f"))) static void
maxpool22_tiled_backward_avx512(float *dx, float *dx2, const float *dout, const float *x,
                                const float *y, int w, int oh, int ow)
{
    const __m512i duplo = lanes_halved(), duphi = _mm512_add_epi32(duplo, _mm512_set1_epi32(8));
    const __m512 zero = _mm512_setzero_ps();
    for (int oy = 0; oy < oh; oy++) {
        const float *r0 = x + 2L * oy * w, *r1 = r0 + w; /* (W) */
        for (int ox = 0; ox < ow; ox += 16) {
            const int cnt = ow - ox < 16 ? ow - ox : 16;
            const __mmask16 mlo = lanes(0, 2 * cnt), mhi = lanes(0, 2 * cnt - 16),
                            mout = lanes(0, cnt);
            const __m512 yv = _mm512_maskz_loadu_ps(mout, y + (long)oy * ow + ox);
            const __m512 gv = _mm512_maskz_loadu_ps(mout, dout + (long)oy * ow + ox);
            const __m512 ylo = _mm512_permutexvar_ps(duplo, yv),
                         yhi = _mm512_permutexvar_ps(duphi, yv);
            const __m512 glo = _mm512_permutexvar_ps(duplo, gv),
                         ghi = _mm512_permutexvar_ps(duphi, gv);
            /* the cells equal to their window's maximum, 32 columns a row */
            const uint32_t e0 =
                (uint32_t)_mm512_mask_cmp_ps_mask(mlo, _mm512_maskz_loadu_ps(mlo, r0 + 2 * ox), ylo,
                                                  _CMP_EQ_OQ) |
                (uint32_t)_mm512_mask_cmp_ps_mask(
                    mhi, _mm512_maskz_loadu_ps(mhi, addr_of(r0, 2L * ox + 16)), yhi, _CMP_EQ_OQ)
                    << 16;
            const uint32_t e1 =
                (uint32_t)_mm512_mask_cmp_ps_mask(mlo, _mm512_maskz_loadu_ps(mlo, r1 + 2 * ox), ylo,
                                                  _CMP_EQ_OQ) |
                (uint32_t)_mm512_mask_cmp_ps_mask(
                    mhi, _mm512_maskz_loadu_ps(mhi, addr_of(r1, 2L * ox + 16)), yhi, _CMP_EQ_OQ)
                    << 16;
            /* even bits: a window's left column; a right cell loses to its left one, a cell of
             * the second row to any of the first */
            const uint32_t even = 0x55555555u;
            const uint32_t any0 = e0 | ((e0 >> 1) & even) | ((e0 & even) << 1);
            const uint32_t win0 = e0 & ~((e0 & even) << 1);
            const uint32_t win1 = e1 & ~any0 & ~((e1 & even) << 1);
            float *d0 = dx ? dx + 2L * oy * w : NULL, *d1 = d0 ? d0 + w : NULL; /* (W) */
            if (dx) {
                _mm512_mask_storeu_ps(d0 + 2 * ox, mlo, _mm512_maskz_mov_ps((__mmask16)win0, glo));
                _mm512_mask_storeu_ps((float *)addr_of(d0, 2L * ox + 16), mhi,
                                      _mm512_maskz_mov_ps((__mmask16)(win0 >> 16), ghi));
                _mm512_mask_storeu_ps(d1 + 2 * ox, mlo, _mm512_maskz_mov_ps((__mmask16)win1, glo));
                _mm512_mask_storeu_ps((float *)addr_of(d1, 2L * ox + 16), mhi,
                                      _mm512_maskz_mov_ps((__mmask16)(win1 >> 16), ghi));
            }
            if (dx2) {
                /* the relu's: where the winner, the relu's output there, is > 0 */
                const uint32_t pos = (uint32_t)_mm512_cmp_ps_mask(ylo, zero, _CMP_GT_OQ) |
                                     (uint32_t)_mm512_cmp_ps_mask(yhi, zero, _CMP_GT_OQ) << 16;
                const uint32_t p0 = win0 & pos, p1 = win1 & pos;
                float *f0 = dx2 + 2L * oy * w, *f1 = f0 + w; /* (W) */
                _mm512_mask_storeu_ps(f0 + 2 * ox, mlo, _mm512_maskz_mov_ps((__mmask16)p0, glo));
                _mm512_mask_storeu_ps((float *)addr_of(f0, 2L * ox + 16), mhi,
                                      _mm512_maskz_mov_ps((__mmask16)(p0 >> 16), ghi));
                _mm512_mask_storeu_ps(f1 + 2 * ox, mlo, _mm512_maskz_mov_ps((__mmask16)p1, glo));
                _mm512_mask_storeu_ps((float *)addr_of(f1, 2L * ox + 16), mhi,
                                      _mm512_maskz_mov_ps((__mmask16)(p1 >> 16), ghi));
            }
        }
    }
}

/* Any window with column stride 1 (overlapping windows, such as 3x3 stride 1), 16 windows of
 * an output row at a time, the cells in pool_cell's order: the forward's maximum (the same
 * strict '>'), sum or sum of squares, then its division or square root: the same bits. */
__attribute__((target("avx512f"))) static void
pool_s1_forward_avx512(float *out, const float *x, const PoolGeom *g, PoolKind kind)
{
    const __m512 area = _mm512_set1_ps((float)(g->kh * g->kw));
    for (int oy = 0; oy < g->oh; oy++)
        for (int ox = 0; ox < g->ow; ox += 16) {
            const __mmask16 m = lanes(0, g->ow - ox);
            const float *w0 = x + (long)oy * g->sh * g->w + ox; /* the windows' first cells */
            __m512 acc = kind == POOL_MAX ? _mm512_maskz_loadu_ps(m, w0) : _mm512_setzero_ps();
            for (int ky = 0; ky < g->kh; ky++)
                for (int kx = 0; kx < g->kw; kx++) {
                    const __m512 v = _mm512_maskz_loadu_ps(m, w0 + (long)ky * g->w + kx);
                    if (kind == POOL_MAX)
                        acc = _mm512_mask_mov_ps(acc, _mm512_cmp_ps_mask(v, acc, _CMP_GT_OQ), v);
                    else
                        acc = _mm512_add_ps(acc, kind == POOL_L2 ? _mm512_mul_ps(v, v) : v);
                }
            if (kind == POOL_AVG)
                acc = _mm512_div_ps(acc, area);
            else if (kind == POOL_L2)
                acc = _mm512_sqrt_ps(acc);
            _mm512_mask_storeu_ps(out + (long)oy * g->ow + ox, m, acc);
        }
}

/* The backward of the max pool with column stride 1, adding to dx: each window's first
 * maximum found 16 windows at a time as in the forward (its index in the plane kept beside
 * the value), then the gradients added in window order as pool_backward adds them. */
__attribute__((target("avx512f"))) static void maxpool_s1_backward_avx512(float *dx, float *dx2,
                                                                          const float *dout,
                                                                          const float *x,
                                                                          const PoolGeom *g)
{
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (int oy = 0; oy < g->oh; oy++)
        for (int ox = 0; ox < g->ow; ox += 16) {
            const __mmask16 m = lanes(0, g->ow - ox);
            const int first = oy * g->sh * g->w + ox; /* window ox's first cell in the plane */
            __m512 best = _mm512_maskz_loadu_ps(m, x + first);
            __m512i arg = _mm512_add_epi32(lane, _mm512_set1_epi32(first));
            for (int ky = 0; ky < g->kh; ky++)
                for (int kx = 0; kx < g->kw; kx++) {
                    const int at = first + ky * g->w + kx;
                    const __m512 v = _mm512_maskz_loadu_ps(m, x + at);
                    const __mmask16 gt = _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ);
                    best = _mm512_mask_mov_ps(best, gt, v);
                    arg = _mm512_mask_mov_epi32(arg, gt,
                                                _mm512_add_epi32(lane, _mm512_set1_epi32(at)));
                }
            int idx[16];
            float d[16];
            _mm512_storeu_si512(idx, arg);
            _mm512_storeu_ps(d, _mm512_maskz_loadu_ps(m, dout + (long)oy * g->ow + ox));
            const int cnt = g->ow - ox < 16 ? g->ow - ox : 16;
            for (int l = 0; l < cnt; l++) {
                if (dx)
                    dx[idx[l]] += d[l];
                /* the relu's gradient: the pool's where its output x is > 0 */
                if (dx2)
                    dx2[idx[l]] += x[idx[l]] > 0.0f ? d[l] : 0.0f;
            }
        }
}

/* The backward of the average and L2 pools with column stride 1, adding to dx: for one cell
 * (ky, kx) of the windows at a time, every window's share (dout / area, or dout / out times
 * the cell) added to that cell, 16 windows of a row at once. */
__attribute__((target("avx512f"))) static void
sumpool_s1_backward_avx512(float *dx, const float *dout, const float *x, const float *y,
                           const PoolGeom *g, bool l2)
{
    const __m512 inv_area = _mm512_set1_ps(1.0f / (float)(g->kh * g->kw));
    for (int ky = 0; ky < g->kh; ky++)
        for (int kx = 0; kx < g->kw; kx++)
            for (int oy = 0; oy < g->oh; oy++)
                for (int ox = 0; ox < g->ow; ox += 16) {
                    const __mmask16 m = lanes(0, g->ow - ox);
                    const long o = (long)oy * g->ow + ox;
                    const long at = (long)(oy * g->sh + ky) * g->w + ox + kx;
                    const __m512 d = _mm512_maskz_loadu_ps(m, dout + o);
                    __m512 add;
                    if (l2) {
                        const __m512 yv = _mm512_maskz_loadu_ps(m, y + o);
                        const __m512 sc = _mm512_maskz_div_ps(
                            _mm512_cmp_ps_mask(yv, _mm512_setzero_ps(), _CMP_GT_OQ), d, yv);
                        add = _mm512_mul_ps(sc, _mm512_maskz_loadu_ps(m, x + at));
                    } else {
                        add = _mm512_mul_ps(d, inv_area);
                    }
                    _mm512_mask_storeu_ps(dx + at, m,
                                          _mm512_add_ps(_mm512_maskz_loadu_ps(m, dx + at), add));
                }
}
#endif

static bool is_pool22(const PoolGeom *g, PoolKind kind)
{
    return kind == POOL_MAX && g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2;
}

#if FAST_X86
/* The 2x2, stride-2 average or L2 pool. */
static bool is_sumpool22(const PoolGeom *g, PoolKind kind)
{
    return kind != POOL_MAX && g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2;
}

/* A 2x2, stride-2 pool on AVX-512 whose planes stack into one (H = 2 OH). */
static bool stacks22(const PoolGeom *g, PoolKind kind)
{
    return (is_pool22(g, kind) || is_sumpool22(g, kind)) && g->h == 2 * g->oh && fc_use_avx512();
}
#endif

static void pool_forward_task(void *ctx, int n, int thread)
{
    (void)thread;
    const PoolJob *job = ctx;
    const PoolGeom *g = job->g;
    const long in_plane = (long)g->h * g->w, out_plane = (long)g->oh * g->ow;
    const float area = (float)(g->kh * g->kw);
#if FAST_X86
    if (stacks22(g, job->kind)) {
        /* the planes one under the other are one plane of C*OH output rows (H = 2 OH: no
         * window straddles two planes), so small planes cost one call, not one each */
        const float *xn = job->x + (long)n * g->c * in_plane; /* (C*H, W) */
        float *on = job->out + (long)n * g->c * out_plane;    /* (C*OH, OW) */
        if (job->kind == POOL_MAX)
            maxpool22_forward_avx512(on, xn, g->w, g->c * g->oh, g->ow);
        else
            sumpool22_forward_avx512(on, xn, g->w, g->c * g->oh, g->ow, job->kind == POOL_L2);
        return;
    }
#endif
    for (int c = 0; c < g->c; c++) {
        const float *xp = job->x + ((long)n * g->c + c) * in_plane; /* (H, W) */
        float *op = job->out + ((long)n * g->c + c) * out_plane;    /* (OH, OW) */
#if FAST_X86
        if (is_pool22(g, job->kind) && fc_use_avx512()) {
            maxpool22_forward_avx512(op, xp, g->w, g->oh, g->ow);
            continue;
        }
        if (is_sumpool22(g, job->kind) && fc_use_avx512()) {
            sumpool22_forward_avx512(op, xp, g->w, g->oh, g->ow, job->kind == POOL_L2);
            continue;
        }
        if (g->sw == 1 && fc_use_avx512()) {
            pool_s1_forward_avx512(op, xp, g, job->kind);
            continue;
        }
#endif
        if (is_pool22(g, job->kind)) {
            /* the default nets' 2x2 window, comparisons in pool_cell's order */
            for (int oy = 0; oy < g->oh; oy++) {
                const float *r0 = xp + (long)(2 * oy) * g->w, *r1 = r0 + g->w;
                for (int ox = 0; ox < g->ow; ox++) {
                    float m = r0[2 * ox];
                    m = r0[2 * ox + 1] > m ? r0[2 * ox + 1] : m;
                    m = r1[2 * ox] > m ? r1[2 * ox] : m;
                    m = r1[2 * ox + 1] > m ? r1[2 * ox + 1] : m;
                    op[(long)oy * g->ow + ox] = m;
                }
            }
            continue;
        }
        for (int oy = 0; oy < g->oh; oy++)
            for (int ox = 0; ox < g->ow; ox++) {
                if (job->kind == POOL_MAX) {
                    op[(long)oy * g->ow + ox] = xp[window_argmax(g, xp, oy, ox)];
                    continue;
                }
                /* average and L2: the sum in pool_cell's order, then one division or square
                 * root as it does (the same bits) */
                float s = 0.0f;
                for (int ky = 0; ky < g->kh; ky++) {
                    const float *r = xp + (long)(oy * g->sh + ky) * g->w + ox * g->sw; /* (KW) */
                    if (job->kind == POOL_L2)
                        for (int kx = 0; kx < g->kw; kx++)
                            s += r[kx] * r[kx];
                    else
                        for (int kx = 0; kx < g->kw; kx++)
                            s += r[kx];
                }
                op[(long)oy * g->ow + ox] = job->kind == POOL_L2 ? sqrtf(s) : s / area;
            }
    }
}

static void pool_backward_task(void *ctx, int n, int thread)
{
    (void)thread;
    const PoolJob *job = ctx;
    const PoolGeom *g = job->g;
    const long in_plane = (long)g->h * g->w, out_plane = (long)g->oh * g->ow;
    const float inv_area = 1.0f / (float)(g->kh * g->kw);
#if FAST_X86
    if (stacks22(g, job->kind)) {
        /* the planes one under the other, as in the forward */
        const long at = (long)n * g->c * in_plane, ot = (long)n * g->c * out_plane;
        const int rows = g->c * g->oh;
        const size_t block = (size_t)g->c * (size_t)in_plane;
        float *dxn = job->dx ? job->dx + at : NULL, *dx2 = job->dx2 ? job->dx2 + at : NULL;
        const float *yn = job->y ? job->y + ot : NULL;
        const bool tiled = g->w == 2 * g->ow; /* every cell in a window */
        if (job->kind == POOL_MAX && job->set && tiled && yn) {
            maxpool22_tiled_backward_avx512(dxn, dx2, job->dout + ot, job->x + at, yn, g->w, rows,
                                            g->ow);
            return;
        }
        if (job->set && !tiled && dxn)
            memset(dxn, 0, block * sizeof *dxn);
        if (job->set && !tiled && dx2)
            memset(dx2, 0, block * sizeof *dx2);
        if (job->kind == POOL_MAX)
            maxpool22_backward_avx512(dxn, dx2, job->dout + ot, job->x + at, g->w, rows, g->ow,
                                      job->set && tiled);
        else
            sumpool22_backward_avx512(dxn, job->dout + ot, job->x + at, yn, g->w, rows, g->ow,
                                      job->kind == POOL_L2, job->set && tiled);
        return;
    }
#endif
    for (int c = 0; c < g->c; c++) {
        const float *xp = job->x + ((long)n * g->c + c) * in_plane;                  /* (H, W) */
        float *dxp = job->dx ? job->dx + ((long)n * g->c + c) * in_plane : NULL;     /* (H, W) */
        float *dx2 = job->dx2 ? job->dx2 + ((long)n * g->c + c) * in_plane : NULL;   /* (H, W) */
        const float *dp = job->dout + ((long)n * g->c + c) * out_plane;              /* (OH, OW) */
        const float *op = job->y ? job->y + ((long)n * g->c + c) * out_plane : NULL; /* (OH, OW) */
#if FAST_X86
        if (is_pool22(g, job->kind) && fc_use_avx512()) {
            bool tiled = g->h == 2 * g->oh && g->w == 2 * g->ow;
            if (job->set && tiled && op) {
                maxpool22_tiled_backward_avx512(dxp, dx2, dp, xp, op, g->w, g->oh, g->ow);
                continue;
            }
            if (job->set && !tiled && dxp)
                memset(dxp, 0, (size_t)in_plane * sizeof *dxp);
            if (job->set && !tiled && dx2)
                memset(dx2, 0, (size_t)in_plane * sizeof *dx2);
            maxpool22_backward_avx512(dxp, dx2, dp, xp, g->w, g->oh, g->ow, job->set && tiled);
            continue;
        }
        if (is_sumpool22(g, job->kind) && fc_use_avx512()) {
            bool tiled = g->h == 2 * g->oh && g->w == 2 * g->ow;
            if (job->set && !tiled)
                memset(dxp, 0, (size_t)in_plane * sizeof *dxp);
            sumpool22_backward_avx512(dxp, dp, xp, op, g->w, g->oh, g->ow, job->kind == POOL_L2,
                                      job->set && tiled);
            continue;
        }
        if (g->sw == 1 && fc_use_avx512()) {
            if (job->set && dxp)
                memset(dxp, 0, (size_t)in_plane * sizeof *dxp);
            if (dx2)
                memset(dx2, 0, (size_t)in_plane * sizeof *dx2);
            if (job->kind == POOL_MAX)
                maxpool_s1_backward_avx512(dxp, dx2, dp, xp, g);
            else
                sumpool_s1_backward_avx512(dxp, dp, xp, op, g, job->kind == POOL_L2);
            continue;
        }
#endif
        if (job->set && dxp)
            memset(dxp, 0, (size_t)in_plane * sizeof *dxp);
        if (dx2)
            memset(dx2, 0, (size_t)in_plane * sizeof *dx2);
        for (int oy = 0; oy < g->oh; oy++)
            for (int ox = 0; ox < g->ow; ox++) {
                const float d = dp[(long)oy * g->ow + ox];
                if (job->kind == POOL_MAX) {
                    const int arg = window_argmax(g, xp, oy, ox);
                    if (dxp)
                        dxp[arg] += d;
                    /* the relu's gradient: the pool's where its output x is > 0 */
                    if (dx2)
                        dx2[arg] += xp[arg] > 0.0f ? d : 0.0f;
                    continue;
                }
                if (job->kind == POOL_AVG) {
                    const float s = d * inv_area;
                    for (int ky = 0; ky < g->kh; ky++)
                        for (int kx = 0; kx < g->kw; kx++)
                            dxp[(long)(oy * g->sh + ky) * g->w + ox * g->sw + kx] += s;
                    continue;
                }
                /* L2: d sqrt(s) / dx = x / out, 0 where out is 0, as pool_backward */
                const float o = op[(long)oy * g->ow + ox];
                const float s = o > 0.0f ? d / o : 0.0f;
                for (int ky = 0; ky < g->kh; ky++)
                    for (int kx = 0; kx < g->kw; kx++) {
                        const long i = (long)(oy * g->sh + ky) * g->w + ox * g->sw + kx;
                        dxp[i] += s * xp[i];
                    }
            }
    }
}

void fastconv_pool_forward(Workers *wk, float *out, const float *x, PoolKind kind,
                           const PoolGeom *g)
{
    PoolJob job = {.g = g, .kind = kind, .out = out, .x = x};
    workers_run(wk, g->n, pool_forward_task, &job);
}

void fastconv_pool_backward(Workers *wk, float *dx, const float *dout, const float *x,
                            const float *out, PoolKind kind, const PoolGeom *g)
{
    PoolJob job = {.g = g, .kind = kind, .dx = dx, .x = x, .dout = dout, .y = out};
    workers_run(wk, g->n, pool_backward_task, &job);
}

void fastconv_pool_backward_set(float *dx, const float *dout, const float *x, const float *out,
                                PoolKind kind, const PoolGeom *g)
{
    PoolJob job = {.g = g, .kind = kind, .dx = dx, .x = x, .dout = dout, .y = out, .set = true};
    workers_run(NULL, g->n, pool_backward_task, &job);
}

void fastconv_relu_maxpool_backward_set(float *dconv, float *drelu, const float *dout,
                                        const float *x, const float *y, const PoolGeom *g)
{
    PoolJob job = {.g = g,
                   .kind = POOL_MAX,
                   .dx = drelu,
                   .dx2 = dconv,
                   .x = x,
                   .y = y,
                   .dout = dout,
                   .set = true};
    workers_run(NULL, g->n, pool_backward_task, &job);
}
