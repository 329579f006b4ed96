/* fastdirect.c - direct convolution for fastconv.c (AVX-512, stride 1 along x, rows of 8
 * columns or more, O not in whole vectors): the forward and the kernel gradient straight from
 * the padded input, 16 output columns a vector. Depends on: fastconv_int.h, conv (libc).
 *
 * Legend: N batch, C input channels, H/W input, O output channels, KH/KW kernel, OH/OW output,
 * P = OH*OW, KC = C*KH*KW. */
#include "engine/fastconv.h"

#include "engine/fastconv_int.h"

#include <stdint.h>
#include <string.h>

/* ---- direct convolution (AVX-512, SW == 1, rows of 8 columns or more, O not in whole vectors:
 * the default net's first layer, 1 -> 8 channels on 28x28). 16 output columns are one vector; each
 * tap's run of the padded input is loaded once and multiplied into 8 output channels, the weights
 * broadcast; the kernel gradient is the same loop with the sums kept per (channel, tap) and
 * reduced across the lanes at the end. No column matrix is written. ---- */

bool fc_use_direct(const ConvGeom *g)
{
    return FAST_X86 && g->sw == 1 && g->ow >= 8 && !fc_use_implicit(g) && fc_use_avx512();
}

/* Floats of direct_prepare's weights for g: KC rows of 8 per block of 8 output channels. */
long fc_direct_weight_floats(const ConvGeom *g)
{
    return (long)g->c * g->kh * g->kw * ((g->o + 7) / 8 * 8);
}

/* wd (O/8, KC, 8) = w (O, KC) by blocks of 8 output channels, tap after tap, so the weights of
 * one tap for the 8 channels of a block are one run of 8 floats; 0 past the last channel. */
void fc_direct_prepare(float *wd, const float *w, const ConvGeom *g)
{
    const long kc = (long)g->c * g->kh * g->kw;
    for (int o0 = 0; o0 < g->o; o0 += 8)
        for (long t = 0; t < kc; t++)
            for (int o = 0; o < 8; o++)
                *wd++ = o0 + o < g->o ? w[(long)(o0 + o) * kc + t] : 0.0f;
}

#if FAST_X86
/* The accumulators are named variables, not arrays: GCC keeps arrays of vectors indexed in
 * loops on the stack, which costs a store per multiply-add. */
#define DIRECT_FMA2(o)                                                                             \
    do {                                                                                           \
        __m512 wv = _mm512_set1_ps(wt[o]);                                                         \
        a0##o = _mm512_fmadd_ps(v0, wv, a0##o);                                                    \
        a1##o = _mm512_fmadd_ps(v1, wv, a1##o);                                                    \
    } while (0)
#define DIRECT_STORE(o)                                                                            \
    if (o < mo) {                                                                                  \
        const long at = (long)(o0 + o) * p + (long)oy * g->ow + ox; /* (OW) in the map */          \
        __m512 bv = _mm512_set1_ps(b ? b[o0 + o] : 0.0f);                                          \
        __m512 y0 = b ? _mm512_add_ps(a0##o, bv) : a0##o,                                          \
               y1 = b ? _mm512_add_ps(a1##o, bv) : a1##o;                                          \
        _mm512_mask_storeu_ps(on + at, m0, y0);                                                    \
        _mm512_mask_storeu_ps((float *)addr_of(on + at, out1), m1, y1);                            \
        if (relu) {                                                                                \
            _mm512_mask_storeu_ps(relu + at, m0, _mm512_max_ps(y0, zero));                         \
            _mm512_mask_storeu_ps((float *)addr_of(relu + at, out1), m1, _mm512_max_ps(y1, zero)); \
        }                                                                                          \
    }

/* out_n (O, OH, OW) = conv + b (b may be NULL), and relu (O, OH, OW) = max(out_n, 0) when not
 * NULL, from xp (C, HP, WP), the padded input, and wd from direct_prepare, by 8 channels and two
 * vectors of 16 columns: 32 columns of a row, or, when a row fits in one vector, 16 columns of two
 * rows. Each element: the taps in (c, ky, kx) order from 0, then + b. The kernel width is a
 * constant for the common kernels, so that the taps of a kernel row unroll. */
__attribute__((target("avx512f"), always_inline)) static inline void
direct_forward_with(float *on, float *relu, const float *xp, const float *wd, const float *b,
                    const ConvGeom *g, const int kw)
{
    const __m512 zero = _mm512_setzero_ps();
    int hp, wpad;
    fc_padded_size(g, &hp, &wpad);
    const int kc = g->c * g->kh * kw, p = g->oh * g->ow, dw = g->dw;
    /* the second vector: 16 columns on, or the next row */
    const bool pairs = g->ow <= 16;
    const long in1 = pairs ? (long)g->sh * wpad : 16, out1 = pairs ? g->ow : 16;
    const int row_step = pairs ? 2 : 1, col_step = pairs ? g->ow : 32;
    for (int o0 = 0; o0 < g->o; o0 += 8) {
        const int mo = g->o - o0 < 8 ? g->o - o0 : 8;
        const float *wo = wd + (long)o0 * kc; /* (KC, 8) */
        for (int oy = 0; oy < g->oh; oy += row_step)
            for (int ox = 0; ox < g->ow; ox += col_step) {
                const __mmask16 m0 = lanes(0, g->ow - ox);
                const __mmask16 m1 = pairs ? (oy + 1 < g->oh ? m0 : 0) : lanes(0, g->ow - ox - 16);
                __m512 a00 = _mm512_setzero_ps(), a01 = a00, a02 = a00, a03 = a00, a04 = a00,
                       a05 = a00, a06 = a00, a07 = a00;
                __m512 a10 = a00, a11 = a00, a12 = a00, a13 = a00, a14 = a00, a15 = a00, a16 = a00,
                       a17 = a00;
                const float *wt = wo; /* (8) the weights of tap (c, ky, kx) */
                for (int c = 0; c < g->c; c++)
                    for (int ky = 0; ky < g->kh; ky++) {
                        const float *row =
                            xp + ((long)c * hp + oy * g->sh + ky * g->dh) * wpad + ox;
                        for (int kx = 0; kx < kw; kx++, wt += 8) {
                            const float *r = row + kx * dw;
                            __m512 v0 = _mm512_maskz_loadu_ps(m0, r);
                            __m512 v1 = _mm512_maskz_loadu_ps(m1, addr_of(r, in1));
                            DIRECT_FMA2(0);
                            DIRECT_FMA2(1);
                            DIRECT_FMA2(2);
                            DIRECT_FMA2(3);
                            DIRECT_FMA2(4);
                            DIRECT_FMA2(5);
                            DIRECT_FMA2(6);
                            DIRECT_FMA2(7);
                        }
                    }
                DIRECT_STORE(0)
                DIRECT_STORE(1)
                DIRECT_STORE(2)
                DIRECT_STORE(3)
                DIRECT_STORE(4)
                DIRECT_STORE(5)
                DIRECT_STORE(6)
                DIRECT_STORE(7)
            }
    }
}
#undef DIRECT_FMA2
#undef DIRECT_STORE

/* relu (O, OH, OW) = max(out, 0) as well when not NULL */
__attribute__((target("avx512f"))) void fc_direct_forward(float *on, float *relu, const float *xp,
                                                          const float *wd, const float *b,
                                                          const ConvGeom *g)
{
    if (g->kw == 5)
        direct_forward_with(on, relu, xp, wd, b, g, 5);
    else if (g->kw == 3)
        direct_forward_with(on, relu, xp, wd, b, g, 3);
    else
        direct_forward_with(on, relu, xp, wd, b, g, g->kw);
}

#define DW_ROW(o)                                                                                  \
    do {                                                                                           \
        __m512 d = DW_LOAD_X(d##o + ox);                                                           \
        c##o##0 = _mm512_fmadd_ps(d, v0, c##o##0);                                                 \
        c##o##1 = _mm512_fmadd_ps(d, v1, c##o##1);                                                 \
        c##o##2 = _mm512_fmadd_ps(d, v2, c##o##2);                                                 \
        c##o##3 = _mm512_fmadd_ps(d, v3, c##o##3);                                                 \
        c##o##4 = _mm512_fmadd_ps(d, v4, c##o##4);                                                 \
    } while (0)
/* the 20 running sums of a block from / to its place in lanes (20 x 16) */
/* clang-format off */
#define DW_ACC(X)                                                                                  \
    X(c00, 0) X(c01, 1) X(c02, 2) X(c03, 3) X(c04, 4)                                              \
    X(c10, 5) X(c11, 6) X(c12, 7) X(c13, 8) X(c14, 9)                                              \
    X(c20, 10) X(c21, 11) X(c22, 12) X(c23, 13) X(c24, 14)                                         \
    X(c30, 15) X(c31, 16) X(c32, 17) X(c33, 18) X(c34, 19)
/* clang-format on */
#define DW_LOAD(v, i)  __m512 v = first ? _mm512_setzero_ps() : _mm512_load_ps(ls + 16 * (i));
#define DW_STORE(v, i) _mm512_store_ps(ls + 16 * (i), v);

/* Blocks of the kernel gradient whose running lanes are kept at a time (12 x 20 vectors,
 * 15 KiB on the stack). */
#define DW_BATCH 12

/* pw (O, KC), or (KC, O) when fastconv_dw_transposed(g), = [pw +] the kernel gradient summed over n
 * examples: over their positions, dout (n, O, OH, OW) times xps (n, C, HP, WP) (the padded
 * inputs, one after the other) at each tap, by 16 columns in running lanes (examples and rows
 * in order), then the lanes reduced by a fixed tree; blocks of 4 channels x 5 taps. The
 * lanes run on across the examples, so a group of examples costs one reduction per
 * element; and the blocks take one example after the other (their running lanes parked in
 * between), so that an example's output gradient stays in L1 while every block reads it. */
__attribute__((target("avx512f"), always_inline)) static inline void
direct_dw_with(float *pw, const float *dout, const float *xps, int n, const ConvGeom *g, bool add,
               const int kw)
{
    int hp, wpad;
    fc_padded_size(g, &hp, &wpad);
    const int kc = g->c * g->kh * kw, p = g->oh * g->ow, dw = g->dw;
    const long xstep = fc_padded_elems(g), dstep = (long)g->o * p;
    const bool tr = fastconv_dw_transposed(g);
    const int nkb = (kw + 4) / 5, nob = (g->o + 3) / 4;
    const int blocks = g->c * g->kh * nkb * nob;
    const __mmask16 m = lanes(0, g->ow % 16); /* the columns after the whole vectors */
    float lanes_sum[DW_BATCH * 20 * 16] __attribute__((aligned(64)));
    for (int b0 = 0; b0 < blocks; b0 += DW_BATCH) {
        const int nb = blocks - b0 < DW_BATCH ? blocks - b0 : DW_BATCH;
        for (int e = 0; e < n; e++)
            for (int j = 0; j < nb; j++) {
                /* block b0 + j: tap row (c, ky), taps kx0.., channels o0.. */
                const int b = b0 + j, ob = b % nob, kb = b / nob % nkb, cky = b / nob / nkb;
                const int c = cky / g->kh, ky = cky % g->kh, kx0 = 5 * kb, o0 = 4 * ob;
                const int nk = kw - kx0 < 5 ? kw - kx0 : 5, mo = g->o - o0 < 4 ? g->o - o0 : 4;
                /* taps past the last one read the last one again (results unused) */
                const int k1 = (nk > 1 ? 1 : 0) * dw, k2 = (nk > 2 ? 2 : 0) * dw;
                const int k3 = (nk > 3 ? 3 : 0) * dw, k4 = (nk > 4 ? 4 : 0) * dw;
                float *ls = lanes_sum + j * 20 * 16;
                const bool first = e == 0;
                DW_ACC(DW_LOAD)
                /* dout rows of the 4 channels (past the last: the last, unused) */
                const float *dn = dout + e * dstep + (long)o0 * p; /* (4, OH, OW) */
                const float *d0 = dn, *d1 = dn + (long)(mo > 1 ? 1 : 0) * p;
                const float *d2 = dn + (long)(mo > 2 ? 2 : mo - 1) * p;
                const float *d3 = dn + (long)(mo > 3 ? 3 : mo - 1) * p;
                /* (WP) from tap kx0 */
                const float *row = xps + e * xstep + ((long)c * hp + ky * g->dh) * wpad + kx0 * dw;
                for (int oy = 0; oy < g->oh; oy++, row += (long)g->sh * wpad, d0 += g->ow,
                         d1 += g->ow, d2 += g->ow, d3 += g->ow) {
                    /* whole vectors of 16 columns, then the rest masked (masked loads in
                     * every step cost a fifth more) */
                    int ox = 0;
#define DW_STEP                                                                                    \
    do {                                                                                           \
        const float *r = row + ox;                                                                 \
        __m512 v0 = DW_LOAD_X(r), v1 = DW_LOAD_X(r + k1), v2 = DW_LOAD_X(r + k2);                  \
        __m512 v3 = DW_LOAD_X(r + k3), v4 = DW_LOAD_X(r + k4);                                     \
        DW_ROW(0);                                                                                 \
        DW_ROW(1);                                                                                 \
        DW_ROW(2);                                                                                 \
        DW_ROW(3);                                                                                 \
    } while (0)
#define DW_LOAD_X(a) _mm512_loadu_ps(a)
                    if (dw == 1 && nk == 5)
                        /* taps 1..4 shifted in registers from two loads, not loaded again */
                        for (; ox + 16 <= g->ow; ox += 16) {
                            const float *r = row + ox;
                            const __m512i a = _mm512_castps_si512(_mm512_loadu_ps(r));
                            const __m512i b =
                                _mm512_castps_si512(_mm512_maskz_loadu_ps(0x000f, r + 16));
                            __m512 v0 = _mm512_castsi512_ps(a);
                            __m512 v1 = _mm512_castsi512_ps(_mm512_alignr_epi32(b, a, 1));
                            __m512 v2 = _mm512_castsi512_ps(_mm512_alignr_epi32(b, a, 2));
                            __m512 v3 = _mm512_castsi512_ps(_mm512_alignr_epi32(b, a, 3));
                            __m512 v4 = _mm512_castsi512_ps(_mm512_alignr_epi32(b, a, 4));
                            DW_ROW(0);
                            DW_ROW(1);
                            DW_ROW(2);
                            DW_ROW(3);
                        }
                    for (; ox + 16 <= g->ow; ox += 16)
                        DW_STEP;
#undef DW_LOAD_X
#define DW_LOAD_X(a) _mm512_maskz_loadu_ps(m, a)
                    if (ox < g->ow)
                        DW_STEP;
#undef DW_LOAD_X
#undef DW_STEP
                }
                DW_ACC(DW_STORE)
            }
        /* each sum: its 16 lanes by a fixed tree */
        for (int j = 0; j < nb; j++) {
            const int b = b0 + j, ob = b % nob, kb = b / nob % nkb, cky = b / nob / nkb;
            const int o0 = 4 * ob, mo = g->o - o0 < 4 ? g->o - o0 : 4;
            const int kx0 = 5 * kb, nk = kw - kx0 < 5 ? kw - kx0 : 5;
            for (int oi = 0; oi < mo; oi++)
                for (int ki = 0; ki < nk; ki++) {
                    const long tap = (long)cky * kw + kx0 + ki;
                    float *dst = tr ? pw + tap * g->o + o0 + oi : pw + (long)(o0 + oi) * kc + tap;
                    const float sum = _mm512_reduce_add_ps(
                        _mm512_load_ps(lanes_sum + (j * 20 + oi * 5 + ki) * 16));
                    *dst = add ? *dst + sum : sum;
                }
        }
    }
}
#undef DW_ROW
#undef DW_ACC
#undef DW_LOAD
#undef DW_STORE

__attribute__((target("avx512f"))) void fc_direct_dw(float *pw, const float *dout, const float *xps,
                                                     int n, const ConvGeom *g, bool add)
{
    if (g->kw == 5)
        direct_dw_with(pw, dout, xps, n, g, add, 5);
    else if (g->kw == 3)
        direct_dw_with(pw, dout, xps, n, g, add, 3);
    else
        direct_dw_with(pw, dout, xps, n, g, add, g->kw);
}
#endif
