/* fastconv.c - see fastconv.h.
 *
 * Legend: N batch, C input channels, H/W input, O output channels, KH/KW kernel, OH/OW output,
 * P = OH*OW, KC = C*KH*KW.
 *
 * Convolution as matrix products (the Matrix lab's picture, computed densely):
 *   forward       out_n (O, P)   = w (O, KC) . col_n (KC, P)          col = im2col(x_n)
 *   kernel grad   dw    (O, KC) += dout_n (O, P) . col_n^T (P, KC)   dot products along P
 *                 (or dw^T (KC, O) += col_n . dout_n^T when O fills whole vectors)
 *   input grad    dcol  (KC, P)  = w^T (KC, O) . dout_n (O, P)        dx_n += col2im(dcol)
 * so every multiply-add runs in register tiles. The gathers (im2col) cost one copy of the
 * input per kernel tap, so on AVX-512 two paths skip it: when O is a multiple of 16 the
 * forward and the kernel gradient broadcast the taps straight from the padded input
 * ("implicit im2col"), and for wide rows with other O a direct convolution takes 16 output
 * columns as a vector. The transposed convolution is the convolution read backwards; pooling,
 * the activations (with their own exp and log), lrn and softmax follow; the relu after a
 * convolution and the relu before a max pool are folded into those layers' passes.
 *
 * Every element is computed by the same instructions wherever it lies (edges take masked
 * loads, not another code path), so results depend on the geometry, never on the thread
 * count or on which thread ran what. */
#include "engine/fastconv.h"

#include "engine/gemm.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define FAST_X86 1
#include <immintrin.h>
#else
#define FAST_X86 0
#endif

/* Refuse the im2col path when one example's column matrix would pass this many floats
 * (64 MiB): such a layer is not what the fast path is for, and the reference copes. */
#define MAX_COL_FLOATS (16L * 1024 * 1024)

/* The widest kernel the vectorised col2im takes (its masks live on the stack). */
#define COL2IM_MAX_KW 32

/* Elements of pointwise work per task: large enough to hide the dispatch. */
#define ACT_CHUNK 32768L

/* softplus is the identity where beta x passes this (PyTorch's threshold, as act.c) */
#define SOFTPLUS_LINEAR 20.0f

bool fastconv_supported(const ConvGeom *g)
{
    if (g->n < 1 || g->c < 1 || g->o < 1 || g->kh < 1 || g->kw < 1 || g->sh < 1 || g->sw < 1 ||
        g->dh < 1 || g->dw < 1 || g->oh < 1 || g->ow < 1 || g->pt < 0 || g->pb < 0 || g->pl < 0 ||
        g->pr < 0 || conv_groups(g) > 1) /* grouped: fastgroup.h cuts it into plain convs */
        return false;
    long kc = (long)g->c * g->kh * g->kw, p = (long)g->oh * g->ow;
    /* sgemm takes int sizes; the col matrix lives in per-thread scratch */
    return kc * p <= MAX_COL_FLOATS && (long)g->o * kc <= MAX_COL_FLOATS;
}

/* The AVX-512 helpers below run where sgemm runs its AVX-512 kernel. They compute every
 * element exactly as the portable loops do (one copy, one add, one comparison), so the
 * choice changes speed, not results. */
static bool simd_off; /* fastconv_set_simd(false): tests of the portable loops */

static bool use_avx512(void)
{
    return !simd_off && gemm_kernel_best() == GEMM_AVX512;
}

void fastconv_set_simd(bool on)
{
    simd_off = !on;
}

#if FAST_X86
/* lanes lo..hi-1 of 16 (either bound may lie outside 0..16) */
__attribute__((target("avx512f"))) static __mmask16 lanes(int lo, int hi)
{
    lo = lo < 0 ? 0 : lo > 16 ? 16 : lo;
    hi = hi < 0 ? 0 : hi > 16 ? 16 : hi;
    if (hi <= lo)
        return 0;
    return (__mmask16)(((1u << hi) - 1u) & ~((1u << lo) - 1u));
}

/* x + i as an address only: i may point before x, for a masked load that skips those lanes */
static inline const float *addr_of(const float *x, long i)
{
    return (const float *)((uintptr_t)x + (uintptr_t)(i * (long)sizeof(float)));
}
#endif

/* Sum of v (n) by 16 running lanes, then a fixed tree: the same bits on every CPU and
 * every thread count (the reference's one running sum would be a long dependency chain). */
static float sum_lanes(const float *v, long n)
{
    float acc[16] = {0};
    long i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++)
            acc[l] += v[i + l];
    for (int l = 0; i + l < n; l++)
        acc[l] += v[i + l];
    for (int w = 8; w >= 1; w /= 2)
        for (int l = 0; l < w; l++)
            acc[l] += acc[l + w];
    return acc[0];
}

/* The columns ox whose input column ix = ox*S - pad + k*dil lies in [0, size): [*lo, *hi). */
static void valid_range(int out, int size, int s, int pad, int off, int *lo, int *hi)
{
    /* ix = ox*s + base with base = off - pad; need 0 <= ix < size */
    int base = off - pad;
    int a = base >= 0 ? 0 : (-base + s - 1) / s;
    int b = size - base <= 0 ? 0 : (size - base - 1) / s + 1;
    *lo = a < out ? a : out;
    *hi = b < out ? b : out;
    if (*hi < *lo)
        *hi = *lo;
}

#if FAST_X86
/* im2col for SW == 1 and OW <= 64: each output row is one shifted run of an input row,
 * copied 16 lanes at a time with the padding lanes masked to 0; the masks depend only on the
 * tap's column, so they are worked out once per tap. */
__attribute__((target("avx512f"))) static void im2col_avx512(float *col, const float *x,
                                                             const ConvGeom *g)
{
    const int p = g->oh * g->ow, chunks = (g->ow + 15) / 16;
    for (int c = 0; c < g->c; c++)
        for (int ky = 0; ky < g->kh; ky++)
            for (int kx = 0; kx < g->kw; kx++) {
                float *dst = col + (long)((c * g->kh + ky) * g->kw + kx) * p; /* (OH, OW) */
                int lo, hi;
                valid_range(g->ow, g->w, 1, g->pl, kx * g->dw, &lo, &hi);
                __mmask16 ld[4];
                for (int j = 0; j < chunks; j++)
                    ld[j] = lanes(0, g->ow - 16 * j) & lanes(lo - 16 * j, hi - 16 * j);
                /* whole 16-lane stores: the lanes past a row's end land in the next row (or
                 * in the buffer's 16-float tail) and are overwritten by it, because the rows
                 * are written in address order; partial stores would cost several times more */
                /* iy and the x index of the row's column 0 step by SH rows */
                int iy = -g->pt + ky * g->dh;
                long base = ((long)c * g->h + iy) * g->w - g->pl + kx * g->dw;
                const long step = (long)g->sh * g->w;
                float *d = dst; /* (OW) row oy */
                if (chunks == 1) {
                    /* the common small map (OW <= 16): one load and one store per row */
                    const __mmask16 l0 = ld[0];
                    for (int oy = 0; oy < g->oh; oy++, iy += g->sh, base += step, d += g->ow) {
                        __mmask16 m = (unsigned)iy < (unsigned)g->h ? l0 : 0;
                        _mm512_storeu_ps(d, _mm512_maskz_loadu_ps(m, addr_of(x, base)));
                    }
                    continue;
                }
                for (int oy = 0; oy < g->oh; oy++, iy += g->sh, base += step, d += g->ow) {
                    bool row_in = (unsigned)iy < (unsigned)g->h;
                    for (int j = 0; j < chunks; j++)
                        _mm512_storeu_ps(
                            d + 16 * j,
                            _mm512_maskz_loadu_ps(row_in ? ld[j] : 0, addr_of(x, base + 16 * j)));
                }
            }
}

/* col2im_add for SW == 1, gathered per input row: every tap that reaches row iy of dx loads
 * its shifted run of dcol and adds it in a register, and the row is stored once (scattering
 * instead would store rows that the next tap reloads shifted by one, which stalls store
 * forwarding). The lanes of tap column kx depend only on kx, so their masks are worked out
 * once per 16 columns. The taps of a tap row go to four running sums by kx % 4, added up at
 * the end by a fixed tree. Loops run over tap rows, then a fixed KW taps: a loop whose trip
 * count changed from row to row inside would cost a mispredicted branch per tap column. */
__attribute__((target("avx512f"), always_inline)) static inline void
col2im_add_with(float *dx, const float *dcol, const ConvGeom *g, const int kh, const int kw,
                const int sh, const int dh)
{
    const int p = g->oh * g->ow, oh = g->oh;
    const long tap_step = (long)p - g->dw; /* tap (ky, kx) to (ky, kx + 1) */
    __mmask16 mv[COL2IM_MAX_KW];           /* per tap column: the lanes that have a dcol column */
    for (int c = 0; c < g->c; c++)
        for (int ix = 0; ix < g->w; ix += 16) {
            const __mmask16 m = lanes(0, g->w - ix);
            /* dx column ix' takes dcol column ox = ix' + PL - kx*DW, 0 <= ox < OW */
            for (int kx = 0; kx < kw; kx++) {
                int shift = g->pl - kx * g->dw;
                mv[kx] = m & lanes(-shift - ix, g->ow - shift - ix);
            }
            /* row iy + 1 of dx is loaded before row iy is stored: loaded after, it would
             * wait for that store (the hardware sees the two masked runs overlap) */
            __m512 next = _mm512_maskz_loadu_ps(m, dx + (long)c * g->h * g->w + ix);
            for (int iy = 0; iy < g->h; iy++) {
                float *d = dx + ((long)c * g->h + iy) * g->w + ix; /* (16) of row iy */
                __m512 a0 = next, a1 = _mm512_setzero_ps(), a2 = a1, a3 = a1;
                if (iy + 1 < g->h)
                    next = _mm512_maskz_loadu_ps(m, d + g->w);
                /* tap row ky reaches row iy from dcol row oy when iy + PT - ky*DH = oy*SH */
                const int t0 = iy + g->pt;
                const int ky_hi = t0 / dh < kh - 1 ? t0 / dh : kh - 1;
                for (int ky = 0; ky <= ky_hi; ky++) {
                    const int t = t0 - ky * dh;
                    /* no division for the common stride 1 (it cost more than the adds) */
                    const int oy = sh == 1 ? t : t / sh;
                    if (oy >= oh || (sh != 1 && t % sh != 0))
                        continue;
                    /* tap (ky, 0)'s run at dx column ix (column ix + PL of the dcol row) */
                    const float *sr =
                        dcol + ((long)c * kh + ky) * kw * p + (long)oy * g->ow + ix + g->pl;
                    int kx = 0;
                    for (; kx + 4 <= kw; kx += 4) {
                        a0 = _mm512_add_ps(
                            a0, _mm512_maskz_loadu_ps(mv[kx], addr_of(sr, kx * tap_step)));
                        a1 = _mm512_add_ps(a1, _mm512_maskz_loadu_ps(
                                                   mv[kx + 1], addr_of(sr, (kx + 1) * tap_step)));
                        a2 = _mm512_add_ps(a2, _mm512_maskz_loadu_ps(
                                                   mv[kx + 2], addr_of(sr, (kx + 2) * tap_step)));
                        a3 = _mm512_add_ps(a3, _mm512_maskz_loadu_ps(
                                                   mv[kx + 3], addr_of(sr, (kx + 3) * tap_step)));
                    }
                    if (kx < kw)
                        a0 = _mm512_add_ps(
                            a0, _mm512_maskz_loadu_ps(mv[kx], addr_of(sr, kx * tap_step)));
                    if (kx + 1 < kw)
                        a1 = _mm512_add_ps(a1, _mm512_maskz_loadu_ps(
                                                   mv[kx + 1], addr_of(sr, (kx + 1) * tap_step)));
                    if (kx + 2 < kw)
                        a2 = _mm512_add_ps(a2, _mm512_maskz_loadu_ps(
                                                   mv[kx + 2], addr_of(sr, (kx + 2) * tap_step)));
                }
                _mm512_mask_storeu_ps(d, m,
                                      _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
            }
        }
}

/* col2im_add_with with the common kernels' sizes as constants, so that the compiler unrolls
 * the taps of a row and keeps their masks in registers (a third less time than the generic) */
__attribute__((target("avx512f"))) static void col2im_add_avx512(float *dx, const float *dcol,
                                                                 const ConvGeom *g)
{
    if (g->sh == 1 && g->dh == 1 && g->kh == 5 && g->kw == 5)
        col2im_add_with(dx, dcol, g, 5, 5, 1, 1);
    else if (g->sh == 1 && g->dh == 1 && g->kh == 3 && g->kw == 3)
        col2im_add_with(dx, dcol, g, 3, 3, 1, 1);
    else
        col2im_add_with(dx, dcol, g, g->kh, g->kw, g->sh, g->dh);
}
#endif

/* col (KC, P) = im2col(x (C, H, W)): col[(c, ky, kx)][(oy, ox)] = x[c][iy][ix], 0 in padding. */
static void im2col(float *col, const float *x, const ConvGeom *g)
{
#if FAST_X86
    if (g->sw == 1 && g->ow <= 64 && use_avx512()) {
        im2col_avx512(col, x, g);
        return;
    }
#endif
    const int p = g->oh * g->ow;
    for (int c = 0; c < g->c; c++)
        for (int ky = 0; ky < g->kh; ky++)
            for (int kx = 0; kx < g->kw; kx++) {
                float *dst = col + (long)((c * g->kh + ky) * g->kw + kx) * p; /* (OH, OW) */
                int lo, hi;
                valid_range(g->ow, g->w, g->sw, g->pl, kx * g->dw, &lo, &hi);
                for (int oy = 0; oy < g->oh; oy++) {
                    float *d = dst + (long)oy * g->ow; /* (OW) */
                    int iy = oy * g->sh - g->pt + ky * g->dh;
                    if (iy < 0 || iy >= g->h) {
                        memset(d, 0, (size_t)g->ow * sizeof *d);
                        continue;
                    }
                    /* x index of column ox is base + ox*SW (an index, as base may be < 0) */
                    long base = ((long)c * g->h + iy) * g->w - g->pl + kx * g->dw;
                    for (int ox = 0; ox < lo; ox++)
                        d[ox] = 0.0f;
                    if (g->sw == 1)
                        memcpy(d + lo, x + base + lo, (size_t)(hi - lo) * sizeof *d);
                    else
                        for (int ox = lo; ox < hi; ox++)
                            d[ox] = x[base + (long)ox * g->sw];
                    for (int ox = hi; ox < g->ow; ox++)
                        d[ox] = 0.0f;
                }
            }
}

/* dx (C, H, W) += col2im(dcol (KC, P)): the transpose of im2col, padding cells dropped. */
static void col2im_add(float *dx, const float *dcol, const ConvGeom *g)
{
#if FAST_X86
    if (g->sw == 1 && g->kw <= COL2IM_MAX_KW && use_avx512()) {
        col2im_add_avx512(dx, dcol, g);
        return;
    }
#endif
    const int p = g->oh * g->ow;
    for (int c = 0; c < g->c; c++)
        for (int ky = 0; ky < g->kh; ky++)
            for (int kx = 0; kx < g->kw; kx++) {
                const float *s = dcol + (long)((c * g->kh + ky) * g->kw + kx) * p; /* (OH, OW) */
                int lo, hi;
                valid_range(g->ow, g->w, g->sw, g->pl, kx * g->dw, &lo, &hi);
                for (int oy = 0; oy < g->oh; oy++) {
                    int iy = oy * g->sh - g->pt + ky * g->dh;
                    if (iy < 0 || iy >= g->h)
                        continue;
                    long base = ((long)c * g->h + iy) * g->w - g->pl + kx * g->dw;
                    const float *sr = s + (long)oy * g->ow; /* (OW) */
                    if (g->sw == 1)
                        for (int ox = lo; ox < hi; ox++)
                            dx[base + ox] += sr[ox];
                    else
                        for (int ox = lo; ox < hi; ox++)
                            dx[base + (long)ox * g->sw] += sr[ox];
                }
            }
}

/* ---- implicit im2col (AVX-512, O a multiple of 16): the column matrix is never written.
 * Entry (tap, position) of col is xp[off[tap] + base[pos]] in the zero-padded input xp, so a
 * register tile broadcasts it straight from the input: the forward as out^T (P, O) =
 * col^T . w^T (KC, O) and the kernel gradient as dw^T (KC, O) = col . dout^T (P, O), both with
 * O in whole vectors. What is saved is the im2col copy, which costs as much as the product
 * here. The sums run in two sets (even and odd taps or positions), so the results differ from
 * the im2col + sgemm path's in the last bits; a given geometry always takes the same path. ---- */

/* Largest P and KC the offset tables hold (on the stack). */
#define IMPLICIT_MAX GEMM_KC

static bool use_implicit(const ConvGeom *g)
{
    long kc = (long)g->c * g->kh * g->kw, p = (long)g->oh * g->ow;
    return FAST_X86 && g->o % 16 == 0 && kc <= GEMM_KC && p <= GEMM_KC && use_avx512();
}

/* Elements of the zero-padded input (C, HP, WP). */
static long padded_elems(const ConvGeom *g)
{
    return (long)g->c * (g->h + g->pt + g->pb) * (g->w + g->pl + g->pr);
}

/* The zero-padded input's size (C, HP, WP). */
static void padded_size(const ConvGeom *g, int *hp, int *wp)
{
    *hp = g->h + g->pt + g->pb;
    *wp = g->w + g->pl + g->pr;
}

/* xp (C, HP, WP) = x (C, H, W) with the padding ring of zeros; returns x itself when there
 * is no padding. */
static const float *pad_input(float *xp, const float *x, const ConvGeom *g)
{
    if (g->pt == 0 && g->pb == 0 && g->pl == 0 && g->pr == 0)
        return x;
    int hp, wp;
    padded_size(g, &hp, &wp);
    memset(xp, 0, (size_t)g->c * hp * wp * sizeof *xp);
    for (int c = 0; c < g->c; c++)
        for (int iy = 0; iy < g->h; iy++)
            memcpy(xp + ((long)c * hp + iy + g->pt) * wp + g->pl, x + ((long)c * g->h + iy) * g->w,
                   (size_t)g->w * sizeof *xp);
    return xp;
}

/* base[pos] = the padded index of window pos's top-left; off[tap] = tap (c, ky, kx)'s offset
 * from it. */
static void implicit_tables(int *base, int *off, const ConvGeom *g)
{
    int hp, wp;
    padded_size(g, &hp, &wp);
    for (int oy = 0; oy < g->oh; oy++)
        for (int ox = 0; ox < g->ow; ox++)
            base[oy * g->ow + ox] = oy * g->sh * wp + ox * g->sw;
    for (int c = 0; c < g->c; c++)
        for (int ky = 0; ky < g->kh; ky++)
            for (int kx = 0; kx < g->kw; kx++)
                off[(c * g->kh + ky) * g->kw + kx] = (c * hp + ky * g->dh) * wp + kx * g->dw;
}

#if FAST_X86
/* C (mr, 16) = [C +] sum over k < kc of xp[rows[i] + ks[k]] * b[k][0..15]; mr <= 8. */
__attribute__((target("avx512f"))) static void gather_tile(int mr, int kc, const float *xp,
                                                           const int *rows, const int *ks,
                                                           const float *b, long ldb, float *c,
                                                           long ldc, bool add)
{
    const float *p0 = xp + rows[0], *p1 = xp + rows[mr > 1 ? 1 : 0];
    const float *p2 = xp + rows[mr > 2 ? 2 : mr - 1], *p3 = xp + rows[mr > 3 ? 3 : mr - 1];
    const float *p4 = xp + rows[mr > 4 ? 4 : mr - 1], *p5 = xp + rows[mr > 5 ? 5 : mr - 1];
    const float *p6 = xp + rows[mr > 6 ? 6 : mr - 1], *p7 = xp + rows[mr > 7 ? 7 : mr - 1];
    /* opaque to the compiler: it would otherwise fold rows[i] into every address and spend
     * an lea per multiply-add on the sum; this way each is one FMA with a memory operand */
    __asm__("" : "+r"(p0), "+r"(p1), "+r"(p2), "+r"(p3), "+r"(p4), "+r"(p5), "+r"(p6), "+r"(p7));
    /* two sets of running sums, for even and odd k: sixteen chains of multiply-adds in
     * flight rather than eight, which is what keeps both FMA units busy */
    __m512 c0 = _mm512_setzero_ps(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    __m512 d0 = c0, d1 = c0, d2 = c0, d3 = c0, d4 = c0, d5 = c0, d6 = c0, d7 = c0;
#define GATHER_STEP(c, k)                                                                          \
    do {                                                                                           \
        const long o = ks[k];                                                                      \
        const __m512 bv = _mm512_loadu_ps(b + (long)(k)*ldb);                                      \
        c##0 = _mm512_fmadd_ps(_mm512_set1_ps(p0[o]), bv, c##0);                                   \
        c##1 = _mm512_fmadd_ps(_mm512_set1_ps(p1[o]), bv, c##1);                                   \
        c##2 = _mm512_fmadd_ps(_mm512_set1_ps(p2[o]), bv, c##2);                                   \
        c##3 = _mm512_fmadd_ps(_mm512_set1_ps(p3[o]), bv, c##3);                                   \
        c##4 = _mm512_fmadd_ps(_mm512_set1_ps(p4[o]), bv, c##4);                                   \
        c##5 = _mm512_fmadd_ps(_mm512_set1_ps(p5[o]), bv, c##5);                                   \
        c##6 = _mm512_fmadd_ps(_mm512_set1_ps(p6[o]), bv, c##6);                                   \
        c##7 = _mm512_fmadd_ps(_mm512_set1_ps(p7[o]), bv, c##7);                                   \
    } while (0)
    int k = 0;
    for (; k + 2 <= kc; k += 2) {
        GATHER_STEP(c, k);
        GATHER_STEP(d, k + 1);
    }
    if (k < kc)
        GATHER_STEP(c, k);
#undef GATHER_STEP
    c0 = _mm512_add_ps(c0, d0);
    c1 = _mm512_add_ps(c1, d1);
    c2 = _mm512_add_ps(c2, d2);
    c3 = _mm512_add_ps(c3, d3);
    c4 = _mm512_add_ps(c4, d4);
    c5 = _mm512_add_ps(c5, d5);
    c6 = _mm512_add_ps(c6, d6);
    c7 = _mm512_add_ps(c7, d7);
    __m512 acc[8] = {c0, c1, c2, c3, c4, c5, c6, c7};
    for (int i = 0; i < mr; i++) {
        float *ci = c + (long)i * ldc;
        /* the sgemm tile's epilogue with alpha 1: acc, or acc + C */
        __m512 v = _mm512_mul_ps(_mm512_set1_ps(1.0f), acc[i]);
        if (add)
            v = _mm512_fmadd_ps(_mm512_set1_ps(1.0f), _mm512_loadu_ps(ci), v);
        _mm512_storeu_ps(ci, v);
    }
}
#endif

/* C (m, O) = [C +] gathered (m, kc) . b (kc, O), O a multiple of 16, in tiles of 8 rows. */
static void gather_product(int m, int kc, int o, const float *xp, const int *rows, const int *ks,
                           const float *b, float *c, bool add)
{
#if FAST_X86
    for (int j = 0; j < o; j += 16)
        for (int i = 0; i < m; i += 8)
            gather_tile(m - i < 8 ? m - i : 8, kc, xp, rows + i, ks, b + j, o, c + (long)i * o + j,
                        o, add);
#else
    (void)m, (void)kc, (void)o, (void)xp, (void)rows, (void)ks, (void)b, (void)c, (void)add;
#endif
}

/* ---- the implicit forward by output rows (SW == 1): a tile is R <= ROW_TILE_MAX positions of
 * one output row, (oy, ox0 .. ox0+R-1), by 16 output channels; the input value of tap
 * (c, ky, kx) at position i of the tile is xp[(c*HP + oy*SH + ky*DH)*WP + ox0 + kx*DW + i], so
 * each multiply-add takes it straight from memory at a constant offset from one pointer: no
 * offset table, and no tile row wasted on a row's end. The taps go to two sets of sums (even
 * and odd kx), added at the end. ---- */

#if FAST_X86
/* ---- the implicit kernel gradient of a 5x5 kernel by input channels (stride and dilation 1
 * along x): a tile is the 25 taps of one input channel by 16 output channels, summed over the
 * positions in order; tap (ky, kx) at position (oy, ox) is row_ky[ox + kx], one pointer per
 * kernel row and a constant offset per tap, and each position's 16 output gradients are one
 * load shared by the 25 taps (the offset-table tiles load it once per 8). ---- */

/* M(ky, kx) for the 5 taps of kernel row ky */
#define CT_FIVE(M, ky)                                                                             \
    M(ky, 0);                                                                                      \
    M(ky, 1);                                                                                      \
    M(ky, 2);                                                                                      \
    M(ky, 3);                                                                                      \
    M(ky, 4)
#define CT_FMA(ky, kx) c##ky##kx = _mm512_fmadd_ps(_mm512_set1_ps(r##ky[kx]), b, c##ky##kx)
#define CT_PUT(ky, kx)                                                                             \
    do {                                                                                           \
        float *d = c + (long)((ky)*5 + (kx)) * ldc;                                                \
        _mm512_storeu_ps(d, add ? _mm512_add_ps(_mm512_loadu_ps(d), c##ky##kx) : c##ky##kx);       \
    } while (0)

/* c (25, 16) row stride ldc = [c +] sum over positions of the taps of channel plane xc
 * (HP, WP) times dt (P, 16) row stride ldt */
__attribute__((target("avx512f"))) static void channel_tile5(float *c, long ldc, const float *xc,
                                                             const float *dt, long ldt,
                                                             const ConvGeom *g, long wp, bool add)
{
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c02 = c00, c03 = c00, c04 = c00;
    __m512 c10 = c00, c11 = c00, c12 = c00, c13 = c00, c14 = c00;
    __m512 c20 = c00, c21 = c00, c22 = c00, c23 = c00, c24 = c00;
    __m512 c30 = c00, c31 = c00, c32 = c00, c33 = c00, c34 = c00;
    __m512 c40 = c00, c41 = c00, c42 = c00, c43 = c00, c44 = c00;
    const long kstep = (long)g->dh * wp;
    for (int oy = 0; oy < g->oh; oy++) {
        const float *r0 = xc + (long)oy * g->sh * wp, *r1 = r0 + kstep, *r2 = r1 + kstep;
        const float *r3 = r2 + kstep, *r4 = r3 + kstep;
        const float *bp = dt + (long)oy * g->ow * ldt;
        for (int ox = 0; ox < g->ow; ox++, bp += ldt) {
            /* opaque to the compiler, which would otherwise juggle the values between
             * registers across positions */
            __asm__("" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4));
            const __m512 b = _mm512_loadu_ps(bp);
            CT_FIVE(CT_FMA, 0);
            CT_FIVE(CT_FMA, 1);
            CT_FIVE(CT_FMA, 2);
            CT_FIVE(CT_FMA, 3);
            CT_FIVE(CT_FMA, 4);
            r0++, r1++, r2++, r3++, r4++;
        }
    }
    CT_FIVE(CT_PUT, 0);
    CT_FIVE(CT_PUT, 1);
    CT_FIVE(CT_PUT, 2);
    CT_FIVE(CT_PUT, 3);
    CT_FIVE(CT_PUT, 4);
}
#undef CT_FIVE
#undef CT_FMA
#undef CT_PUT

/* Whether channel_product takes g: a 5x5 kernel, stride and dilation 1 along x. */
static bool channel_tiles(const ConvGeom *g)
{
    return g->kh == 5 && g->kw == 5 && g->sw == 1 && g->dw == 1;
}

/* pw (KC, O) = [pw +] col . dt (P, O) by channel tiles, from the padded input xp */
static void channel_product(float *pw, const float *xp, const float *dt, const ConvGeom *g,
                            bool add)
{
    int hp, wp;
    padded_size(g, &hp, &wp);
    for (int c = 0; c < g->c; c++)
        for (int j = 0; j < g->o; j += 16)
            channel_tile5(pw + (long)c * 25 * g->o + j, g->o, xp + (long)c * hp * wp, dt + j, g->o,
                          g, wp, add);
}

#define ROW_TILE_MAX 12

__attribute__((target("avx512f"), always_inline)) static inline void
row_tile_with(float *c, long ldc, const float *x0, const float *b, long ldb, const ConvGeom *g,
              long crow, long krow, const int R, const int KW)
{
    __m512 s0[ROW_TILE_MAX], s1[ROW_TILE_MAX];
#pragma GCC unroll 12
    for (int i = 0; i < R; i++)
        s0[i] = s1[i] = _mm512_setzero_ps();
    const float *bp = b; /* (16) the weights of the tap */
    for (int ci = 0; ci < g->c; ci++)
        for (int ky = 0; ky < g->kh; ky++) {
            const float *q = x0 + ci * crow + ky * krow; /* (R) at tap kx = 0 */
#pragma GCC unroll 8
            for (int kx = 0; kx < KW; kx++) {
                const __m512 bv = _mm512_loadu_ps(bp + (long)kx * ldb);
                const float *qk = q + kx * g->dw;
                if (kx % 2 == 0) {
#pragma GCC unroll 12
                    for (int i = 0; i < R; i++)
                        s0[i] = _mm512_fmadd_ps(_mm512_set1_ps(qk[i]), bv, s0[i]);
                } else {
#pragma GCC unroll 12
                    for (int i = 0; i < R; i++)
                        s1[i] = _mm512_fmadd_ps(_mm512_set1_ps(qk[i]), bv, s1[i]);
                }
            }
            bp += (long)KW * ldb;
        }
#pragma GCC unroll 12
    for (int i = 0; i < R; i++)
        _mm512_storeu_ps(c + (long)i * ldc, _mm512_add_ps(s0[i], s1[i]));
}

#define ROW_TILE_CASE(R, KW)                                                                       \
    case R:                                                                                        \
        row_tile_with(c, ldc, x0, b, ldb, g, crow, krow, R, KW);                                   \
        break;
#define ROW_TILE_SWITCH(KW)                                                                        \
    switch (r) {                                                                                   \
        ROW_TILE_CASE(1, KW)                                                                       \
        ROW_TILE_CASE(2, KW)                                                                       \
        ROW_TILE_CASE(3, KW)                                                                       \
        ROW_TILE_CASE(4, KW)                                                                       \
        ROW_TILE_CASE(5, KW)                                                                       \
        ROW_TILE_CASE(6, KW)                                                                       \
        ROW_TILE_CASE(7, KW)                                                                       \
        ROW_TILE_CASE(8, KW)                                                                       \
        ROW_TILE_CASE(9, KW)                                                                       \
        ROW_TILE_CASE(10, KW)                                                                      \
        ROW_TILE_CASE(11, KW)                                                                      \
        ROW_TILE_CASE(12, KW)                                                                      \
    }

/* c (r, 16) as row_tile_with, with the tile's length and the common kernel widths constants
 * (so that the taps of a kernel row unroll) */
__attribute__((target("avx512f"))) static void row_tile(int r, float *c, long ldc, const float *x0,
                                                        const float *b, long ldb, const ConvGeom *g,
                                                        long crow, long krow)
{
    if (g->kw == 5)
        ROW_TILE_SWITCH(5)
    else if (g->kw == 3)
        ROW_TILE_SWITCH(3)
    else
        ROW_TILE_SWITCH(g->kw)
}
#undef ROW_TILE_CASE
#undef ROW_TILE_SWITCH

/* outt (P, O) = col^T . wt by row tiles, from the padded input xp */
__attribute__((target("avx512f"))) static void row_product(float *outt, const float *xp,
                                                           const float *wt, const ConvGeom *g)
{
    int hp, wp;
    padded_size(g, &hp, &wp);
    const long crow = (long)hp * wp, krow = (long)g->dh * wp;
    /* a row in tiles of near-equal length */
    const int tiles = (g->ow + ROW_TILE_MAX - 1) / ROW_TILE_MAX;
    for (int o0 = 0; o0 < g->o; o0 += 16)
        for (int oy = 0; oy < g->oh; oy++)
            for (int t = 0; t < tiles; t++) {
                const int ox0 = g->ow * t / tiles, ox1 = g->ow * (t + 1) / tiles;
                const float *x0 = xp + (long)oy * g->sh * wp + ox0;
                row_tile(ox1 - ox0, outt + ((long)oy * g->ow + ox0) * g->o + o0, g->o, x0, wt + o0,
                         g->o, g, crow, krow);
            }
}
#endif

/* ---- direct convolution (AVX-512, SW == 1, rows of 8 columns or more, O not in whole vectors:
 * the default net's first layer, 1 -> 8 channels on 28x28). 16 output columns are one vector; each
 * tap's run of the padded input is loaded once and multiplied into 8 output channels, the weights
 * broadcast; the kernel gradient is the same loop with the sums kept per (channel, tap) and
 * reduced across the lanes at the end. No column matrix is written. ---- */

static bool use_direct(const ConvGeom *g)
{
    return FAST_X86 && g->sw == 1 && g->ow >= 8 && !use_implicit(g) && use_avx512();
}

/* Floats of direct_prepare's weights for g: KC rows of 8 per block of 8 output channels. */
static long direct_weight_floats(const ConvGeom *g)
{
    return (long)g->c * g->kh * g->kw * ((g->o + 7) / 8 * 8);
}

/* wd (O/8, KC, 8) = w (O, KC) by blocks of 8 output channels, tap after tap, so the weights of
 * one tap for the 8 channels of a block are one run of 8 floats; 0 past the last channel. */
static void direct_prepare(float *wd, const float *w, const ConvGeom *g)
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
    padded_size(g, &hp, &wpad);
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
__attribute__((target("avx512f"))) static void direct_forward(float *on, float *relu,
                                                              const float *xp, const float *wd,
                                                              const float *b, const ConvGeom *g)
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
    padded_size(g, &hp, &wpad);
    const int kc = g->c * g->kh * kw, p = g->oh * g->ow, dw = g->dw;
    const long xstep = padded_elems(g), dstep = (long)g->o * p;
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

__attribute__((target("avx512f"))) static void
direct_dw(float *pw, const float *dout, const float *xps, int n, const ConvGeom *g, bool add)
{
    if (g->kw == 5)
        direct_dw_with(pw, dout, xps, n, g, add, 5);
    else if (g->kw == 3)
        direct_dw_with(pw, dout, xps, n, g, add, 3);
    else
        direct_dw_with(pw, dout, xps, n, g, add, g->kw);
}
#endif

/* ---- convolution on the calling thread: the pieces every path runs ---- */

static bool is_pointwise(const ConvGeom *g)
{
    /* a 1x1 kernel with stride 1 and no padding: col is x itself */
    return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 && g->pb == 0 &&
           g->pl == 0 && g->pr == 0;
}

long fastconv_scratch_floats(const ConvGeom *g)
{
    long kc = (long)g->c * g->kh * g->kw, p = (long)g->oh * g->ow;
    /* col or dcol (KC, P) + 16 for the tail of im2col's whole-vector stores, then out^T or
     * dout^T (P, O), then the padded inputs of a group of examples, then the direct path's
     * weights */
    return kc * p + 16 + p * g->o + FASTCONV_GROUP * padded_elems(g) + direct_weight_floats(g);
}

/* Where fastconv_scratch_floats' padded inputs start in scratch. */
static float *scratch_xpad(float *scratch, const ConvGeom *g)
{
    long kc = (long)g->c * g->kh * g->kw, p = (long)g->oh * g->ow;
    return scratch + kc * p + 16 + p * g->o;
}

/* Where fastconv_scratch_floats' direct weights start in scratch. */
static float *scratch_wdir(float *scratch, const ConvGeom *g)
{
    return scratch_xpad(scratch, g) + FASTCONV_GROUP * padded_elems(g);
}

long fastconv_prepared_floats(const ConvGeom *g)
{
    if (use_implicit(g))
        return (long)g->c * g->kh * g->kw * g->o;
    return use_direct(g) ? direct_weight_floats(g) : 0;
}

void fastconv_prepare_weights(float *wt, const float *w, const ConvGeom *g)
{
    const long kc = (long)g->c * g->kh * g->kw;
    if (!use_implicit(g)) {
        direct_prepare(wt, w, g);
        return;
    }
    for (int o = 0; o < g->o; o++)
        for (long k = 0; k < kc; k++)
            wt[k * g->o + o] = w[o * kc + k];
}

bool fastconv_dw_transposed(const ConvGeom *g)
{
    /* dw^T (KC, O) = col . dout^T is a plain product whose rows are whole vectors when O is a
     * multiple of 16; the dot products of dout . col^T spend a reduction per element, which
     * costs more when P is short */
    return g->o % 16 == 0;
}

/* y (n) = x when > 0, else 0 (written so that the compiler vectorises it) */
static void relu_plain(float *y, const float *x, long n)
{
    for (long i = 0; i < n; i++)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

#if FAST_X86
/* After the transpose below, register k holds channel k with bits 0 and 1 swapped (the
 * unpacks interleave pairs in the order 0, 2, 1, 3). */
#define TRANSPOSE_CHANNEL(k) (((k)&12) | (((k)&1) << 1) | (((k) >> 1) & 1))

/* The block src (rows, cols) (rows, cols <= 16, row stride lds) transposed: out[k] holds
 * column TRANSPOSE_CHANNEL(k) of the block in its first `rows` lanes (0 past them; columns past
 * cols are 0). */
__attribute__((target("avx512f"), always_inline)) static inline void
transpose16(__m512 out[16], const float *src, long lds, int rows, int cols)
{
    const __m512i lo2 = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
    const __m512i hi2 =
        _mm512_setr_epi32(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
    const __m512i lo4 = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    const __m512i hi4 =
        _mm512_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    const __mmask16 mc = lanes(0, cols);
    __m512 r[16], t[16];
    for (int i = 0; i < 16; i++)
        r[i] = _mm512_maskz_loadu_ps(i < rows ? mc : 0, src + (long)(i < rows ? i : 0) * lds);
    /* the classic transpose: interleave single floats, then pairs, quads and octets */
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4)
        for (int j = 0; j < 2; j++) {
            __m512d a = _mm512_castps_pd(t[i + j]), c = _mm512_castps_pd(t[i + j + 2]);
            r[i + j] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
            r[i + j + 2] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
        }
    for (int i = 0; i < 16; i += 8)
        for (int j = 0; j < 4; j++) {
            t[i + j] = _mm512_permutex2var_ps(r[i + j], lo2, r[i + j + 4]);
            t[i + j + 4] = _mm512_permutex2var_ps(r[i + j], hi2, r[i + j + 4]);
        }
    for (int j = 0; j < 8; j++) {
        out[j] = _mm512_permutex2var_ps(t[j], lo4, t[j + 8]);
        out[j + 8] = _mm512_permutex2var_ps(t[j], hi4, t[j + 8]);
    }
}

/* dst (C, R) = src^T for src (R, C), row strides lds and ldd, by 16 x 16 blocks. */
__attribute__((target("avx512f"))) static void
transpose_avx512(float *dst, long ldd, const float *src, long lds, int r, int c)
{
    for (int c0 = 0; c0 < c; c0 += 16)
        for (int r0 = 0; r0 < r; r0 += 16) {
            const int rows = r - r0 < 16 ? r - r0 : 16, cols = c - c0 < 16 ? c - c0 : 16;
            __m512 t[16];
            transpose16(t, src + (long)r0 * lds + c0, lds, rows, cols);
            for (int k = 0; k < 16; k++)
                if (TRANSPOSE_CHANNEL(k) < cols)
                    _mm512_mask_storeu_ps(dst + (long)(c0 + TRANSPOSE_CHANNEL(k)) * ldd + r0,
                                          lanes(0, rows), t[k]);
        }
}

/* on (O, P) = outt^T + b, and relu (O, P) = max(on, 0) when not NULL, from outt (P, O), O a
 * multiple of 16, by 16 x 16 blocks transposed in registers. Each element: the product, then
 * the bias added to it, as the sgemm path. */
__attribute__((target("avx512f"))) static void
transpose_bias(float *on, float *relu, const float *outt, const float *b, int p, int o)
{
    const __m512 zero = _mm512_setzero_ps();
    for (int o0 = 0; o0 < o; o0 += 16)
        for (int i0 = 0; i0 < p; i0 += 16) {
            const int rows = p - i0 < 16 ? p - i0 : 16;
            const __mmask16 m = lanes(0, rows);
            __m512 t[16];
            transpose16(t, outt + (long)i0 * o + o0, o, rows, 16);
            for (int k = 0; k < 16; k++) {
                const int oc = o0 + TRANSPOSE_CHANNEL(k);
                __m512 y = b ? _mm512_add_ps(t[k], _mm512_set1_ps(b[oc])) : t[k];
                _mm512_mask_storeu_ps(on + (long)oc * p + i0, m, y);
                if (relu)
                    _mm512_mask_storeu_ps(relu + (long)oc * p + i0, m, _mm512_max_ps(y, zero));
            }
        }
}
#endif

/* dst (C, R) = src^T for src (R, C), with row strides ldd and lds. */
static void transpose(float *dst, long ldd, const float *src, long lds, int r, int c)
{
#if FAST_X86
    if (use_avx512()) {
        transpose_avx512(dst, ldd, src, lds, r, c);
        return;
    }
#endif
    for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++)
            dst[(long)j * ldd + i] = src[(long)i * lds + j];
}

/* out_n (O, OH, OW) = conv(x_n (C, H, W)) + b for one example, and relu_n = max(out_n, 0) when
 * not NULL; scratch as fastconv_scratch_floats; wt from fastconv_prepare_weights when
 * fastconv_prepared_floats(g) > 0 (else unused), with base and off from implicit_tables on
 * the implicit path. */
static void forward_one(float *scratch, float *on, float *relu, const float *xn, const float *w,
                        const float *wt, const int *base, const int *off, const float *b,
                        const ConvGeom *g)
{
    const int p = g->oh * g->ow, kc = g->c * g->kh * g->kw;
#if FAST_X86
    if (use_implicit(g)) {
        /* out^T (P, O) = col^T . w^T, gathered from the padded input; then out = (out^T)^T + b */
        float *outt = scratch;               /* (P, O) */
        float *xpad = outt + (long)p * g->o; /* (C, HP, WP) */
        const float *xp = pad_input(xpad, xn, g);
        if (g->sw == 1)
            row_product(outt, xp, wt, g);
        else
            gather_product(p, kc, g->o, xp, base, off, wt, outt, false);
        transpose_bias(on, relu, outt, b, p, g->o);
        return;
    }
    if (use_direct(g)) {
        direct_forward(on, relu, pad_input(scratch_xpad(scratch, g), xn, g), wt, b, g);
        return;
    }
#else
    (void)wt, (void)base, (void)off;
#endif
    const float *col = xn; /* (KC, P) */
    if (!is_pointwise(g)) {
        im2col(scratch, xn, g);
        col = scratch;
    }
    float beta = 0.0f;
    if (b) {
        /* start every map at its bias; the product is added on top */
        for (int o = 0; o < g->o; o++)
            for (int i = 0; i < p; i++)
                on[(long)o * p + i] = b[o];
        beta = 1.0f;
    }
    gemm_sgemm(false, false, g->o, p, kc, 1.0f, w, kc, col, p, beta, on, p);
    if (relu)
        relu_plain(relu, on, (long)g->o * p);
}

void fastconv_forward_relu_on(float *scratch, float *out, float *relu, const float *x,
                              const float *w, const float *wt, const float *b, const ConvGeom *g)
{
    const long in = (long)g->c * g->h * g->w, outn = (long)g->o * g->oh * g->ow;
    int base[IMPLICIT_MAX], off[IMPLICIT_MAX];
    if (!wt && fastconv_prepared_floats(g) > 0) {
        fastconv_prepare_weights(scratch_wdir(scratch, g), w, g);
        wt = scratch_wdir(scratch, g);
    }
    if (use_implicit(g))
        implicit_tables(base, off, g);
    for (int n = 0; n < g->n; n++)
        forward_one(scratch, out + n * outn, relu ? relu + n * outn : NULL, x + n * in, w, wt, base,
                    off, b, g);
}

void fastconv_forward_on(float *scratch, float *out, const float *x, const float *w,
                         const float *wt, const float *b, const ConvGeom *g)
{
    fastconv_forward_relu_on(scratch, out, NULL, x, w, wt, b, g);
}

void fastconv_backward_on(float *scratch, float *dx, float *pw, float *pb, const float *dout,
                          const float *x, const float *w, const ConvGeom *g)
{
    const int p = g->oh * g->ow, kc = g->c * g->kh * g->kw;
    float *buf = scratch;                /* (KC, P): col, then dcol */
    float *dt = buf + (long)kc * p + 16; /* (P, O) dout_n transposed */
    float *xpad = dt + (long)p * g->o;   /* (C, HP, WP) */
    const bool implicit = use_implicit(g);
    int base[IMPLICIT_MAX], off[IMPLICIT_MAX];
    if (pw && implicit)
        implicit_tables(base, off, g);
    for (int n = 0; n < g->n; n++) {
        const float *xn = x + (long)n * g->c * g->h * g->w; /* (C, H, W) */
        const float *dn = dout + (long)n * g->o * p;        /* (O, P) */
        if (pb)
            for (int o = 0; o < g->o; o++)
                pb[o] = (n == 0 ? 0.0f : pb[o]) + sum_lanes(dn + (long)o * p, p);
        if (pw && implicit) {
            /* dw^T (KC, O) = col . dout_n^T, gathered from the padded input */
            transpose(dt, g->o, dn, p, g->o, p);
            const float *xp = pad_input(xpad, xn, g);
#if FAST_X86
            if (channel_tiles(g))
                channel_product(pw, xp, dt, g, n != 0);
            else
#endif
                gather_product(kc, p, g->o, xp, off, base, dt, pw, n != 0);
#if FAST_X86
        } else if (pw && use_direct(g)) {
            /* the examples of a group at once, in the call of its first */
            const int e0 = n / FASTCONV_GROUP * FASTCONV_GROUP;
            if (n == e0) {
                const int m = g->n - e0 < FASTCONV_GROUP ? g->n - e0 : FASTCONV_GROUP;
                for (int e = 0; e < m; e++) {
                    const float *xe = x + (long)(e0 + e) * g->c * g->h * g->w; /* (C, H, W) */
                    float *xp = xpad + e * padded_elems(g);                    /* (C, HP, WP) */
                    if (pad_input(xp, xe, g) == xe)
                        memcpy(xp, xe, (size_t)padded_elems(g) * sizeof *xp);
                }
                direct_dw(pw, dn, xpad, m, g, n != 0);
            }
#endif
        } else if (pw) {
            /* dw(o, (c,ky,kx)) = sum over positions of dout(o, pos) * x at that tap */
            const float *col = xn; /* (KC, P) */
            if (!is_pointwise(g)) {
                im2col(buf, xn, g);
                col = buf;
            }
            float beta = n == 0 ? 0.0f : 1.0f;
            if (fastconv_dw_transposed(g)) {
                /* dw^T (KC, O) = col (KC, P) . dout_n^T (P, O): whole vectors of O lanes */
                transpose(dt, g->o, dn, p, g->o, p);
                gemm_sgemm(false, false, kc, g->o, p, 1.0f, col, p, dt, g->o, beta, pw, g->o);
            } else {
                /* dw (O, KC) = dout_n (O, P) . col^T: each element a dot product along P */
                gemm_sgemm(false, true, g->o, kc, p, 1.0f, dn, p, col, p, beta, pw, kc);
            }
        }
        if (dx) {
            /* each column of the input's unrolled windows receives w^T . dout */
            gemm_sgemm(true, false, kc, p, g->o, 1.0f, w, kc, dn, p, 0.0f, buf, p);
            col2im_add(dx + (long)n * g->c * g->h * g->w, buf, g);
        }
    }
}

/* ---- convolution over a pool: forward one task per example, backward one per group ---- */

typedef struct ConvJob {
    const ConvGeom *g;
    float *out;        /* (N, O, OH, OW) */
    float *dx;         /* (N, C, H, W) or NULL */
    float *partial_w;  /* (groups, O, KC) kernel-gradient sums per group, or NULL */
    float *partial_b;  /* (groups, O) bias-gradient sums per group, or NULL */
    const float *x;    /* (N, C, H, W) */
    const float *w;    /* (O, C, KH, KW) */
    const float *b;    /* (O) or NULL */
    const float *dout; /* (N, O, OH, OW) */
    const float *wt;   /* prepared weights (fastconv_prepare_weights) or NULL */
    Workers *wk;
} ConvJob;

static void conv_forward_task(void *ctx, int n, int thread)
{
    const ConvJob *job = ctx;
    const ConvGeom *g = job->g;
    int base[IMPLICIT_MAX], off[IMPLICIT_MAX];
    if (use_implicit(g))
        implicit_tables(base, off, g);
    forward_one(workers_scratch(job->wk, thread), job->out + (long)n * g->o * g->oh * g->ow, NULL,
                job->x + (long)n * g->c * g->h * g->w, job->w, job->wt, base, off, job->b, g);
}

void fastconv_forward(Workers *wk, float *out, const float *x, const float *w, const float *b,
                      const ConvGeom *g)
{
    if (!wk || !fastconv_supported(g) ||
        !workers_reserve(wk, (size_t)fastconv_scratch_floats(g),
                         (size_t)fastconv_prepared_floats(g))) {
        conv_forward(out, x, w, b, g);
        return;
    }
    ConvJob job = {.g = g, .out = out, .x = x, .w = w, .b = b, .wk = wk};
    if (fastconv_prepared_floats(g) > 0) {
        /* w^T (KC, O), once for the whole batch */
        fastconv_prepare_weights(workers_shared(wk), w, g);
        job.wt = workers_shared(wk);
    }
    workers_run(wk, g->n, conv_forward_task, &job);
}

static void conv_backward_task(void *ctx, int group, int thread)
{
    const ConvJob *job = ctx;
    ConvGeom g = *job->g;
    const long kc = (long)g.c * g.kh * g.kw;
    int n0 = group * FASTCONV_GROUP;
    int n1 = n0 + FASTCONV_GROUP < g.n ? n0 + FASTCONV_GROUP : g.n;
    g.n = n1 - n0;
    fastconv_backward_on(
        workers_scratch(job->wk, thread), job->dx ? job->dx + (long)n0 * g.c * g.h * g.w : NULL,
        job->partial_w ? job->partial_w + (long)group * g.o * kc : NULL,
        job->partial_b ? job->partial_b + (long)group * g.o : NULL,
        job->dout + (long)n0 * g.o * g.oh * g.ow, job->x + (long)n0 * g.c * g.h * g.w, job->w, &g);
}

void fastconv_reduce(float *dst, const float *parts, int groups, long stride, long len)
{
    /* groups in order for every element: s = p0 + p1 + ..., then dst += s */
    enum { CHUNK = 256 };
    float s[CHUNK];
    for (long i0 = 0; i0 < len; i0 += CHUNK) {
        int m = len - i0 < CHUNK ? (int)(len - i0) : CHUNK;
        for (int i = 0; i < m; i++)
            s[i] = parts[i0 + i];
        for (int gi = 1; gi < groups; gi++)
            for (int i = 0; i < m; i++)
                s[i] += parts[(long)gi * stride + i0 + i];
        for (int i = 0; i < m; i++)
            dst[i0 + i] += s[i];
    }
}

void fastconv_reduce_dw(float *dw, const float *parts, int groups, long stride, const ConvGeom *g)
{
    const long kc = (long)g->c * g->kh * g->kw;
    if (!fastconv_dw_transposed(g)) {
        fastconv_reduce(dw, parts, groups, stride, kc * g->o);
        return;
    }
    /* parts are (KC, O): the groups' sums of one row of O, then added to a column of dw */
    enum { CHUNK = 64 };
    float row[CHUNK];
    for (long k = 0; k < kc; k++)
        for (int o0 = 0; o0 < g->o; o0 += CHUNK) {
            int m = g->o - o0 < CHUNK ? g->o - o0 : CHUNK;
            const float *p0 = parts + k * g->o + o0;
            for (int o = 0; o < m; o++)
                row[o] = p0[o];
            for (int gi = 1; gi < groups; gi++)
                for (int o = 0; o < m; o++)
                    row[o] += p0[(long)gi * stride + o];
            for (int o = 0; o < m; o++)
                dw[(long)(o0 + o) * kc + k] += row[o];
        }
}

void fastconv_backward(Workers *wk, float *dx, float *dw, float *db, const float *dout,
                       const float *x, const float *w, const ConvGeom *g)
{
    long kc = (long)g->c * g->kh * g->kw;
    int groups = (g->n + FASTCONV_GROUP - 1) / FASTCONV_GROUP;
    long shared = (long)groups * g->o * (kc + 1);
    if (!wk || !fastconv_supported(g) ||
        !workers_reserve(wk, (size_t)fastconv_scratch_floats(g), (size_t)shared)) {
        conv_backward(dx, dw, db, dout, x, w, g);
        return;
    }
    if (!dx && !dw && !db)
        return;
    float *sh = workers_shared(wk);
    ConvJob job = {.g = g,
                   .dx = dx,
                   .partial_w = dw ? sh : NULL,
                   .partial_b = db ? sh + (long)groups * g->o * kc : NULL,
                   .x = x,
                   .w = w,
                   .dout = dout,
                   .wk = wk};
    workers_run(wk, groups, conv_backward_task, &job);
    if (dw)
        fastconv_reduce_dw(dw, job.partial_w, groups, (long)g->o * kc, g);
    if (db)
        fastconv_reduce(db, job.partial_b, groups, g->o, g->o);
}

/* ---- transposed convolution through the convolution above: its forward is the input
 * gradient of the convolution that maps its output back to its input (conv.c's
 * deconv_as_conv), its input gradient that convolution's forward, and its kernel gradient
 * that convolution's kernel gradient with the roles of input and output gradient swapped.
 * The weights (C, O, KH, KW) are already that convolution's (out C, in O). ---- */

/* The convolution from a deconv's output (O, OH, OW) to its input (C, H, W). */
static ConvGeom deconv_conv(const ConvGeom *g)
{
    /* input and output swap places; kernel, stride, padding and dilation stay */
    ConvGeom t = *g;
    int in[3] = {g->c, g->h, g->w}, out[3] = {g->o, g->oh, g->ow};
    t.o = in[0], t.oh = in[1], t.ow = in[2];
    t.c = out[0], t.h = out[1], t.w = out[2];
    t.oph = t.opw = 0;
    return t;
}

bool fastconv_deconv_supported(const ConvGeom *g)
{
    if (conv_groups(g) > 1) /* a grouped deconv runs the reference ops */
        return false;
    const ConvGeom t = deconv_conv(g);
    return fastconv_supported(&t);
}

long fastconv_deconv_scratch_floats(const ConvGeom *g)
{
    const ConvGeom t = deconv_conv(g);
    /* the convolution's, then the kernel gradient when it comes transposed */
    return fastconv_scratch_floats(&t) + (long)g->c * g->o * g->kh * g->kw;
}

void fastconv_deconv_forward_on(float *scratch, float *out, const float *x, const float *w,
                                const float *b, const ConvGeom *g)
{
    const ConvGeom t = deconv_conv(g);
    const long p = (long)g->oh * g->ow;
    /* every map starts at its bias; each input cell's stamps are added on top */
    for (int n = 0; n < g->n; n++)
        for (int o = 0; o < g->o; o++) {
            float *d = out + ((long)n * g->o + o) * p; /* (OH, OW) */
            const float v = b ? b[o] : 0.0f;
            for (long i = 0; i < p; i++)
                d[i] = v;
        }
    fastconv_backward_on(scratch, out, NULL, NULL, x, out, w, &t);
}

void fastconv_deconv_backward_on(float *scratch, float *dx, float *pw, float *pb, const float *dout,
                                 const float *x, const float *w, const ConvGeom *g)
{
    const ConvGeom t = deconv_conv(g);
    const long p = (long)g->oh * g->ow;
    if (pb)
        for (int n = 0; n < g->n; n++)
            for (int o = 0; o < g->o; o++)
                pb[o] = (n == 0 ? 0.0f : pb[o]) + sum_lanes(dout + ((long)n * g->o + o) * p, p);
    if (pw) {
        /* the convolution's kernel gradient with x as its output gradient and dout as its
         * input; laid out (C, O*KH*KW) = the deconv's (C, O, KH, KW), or transposed */
        const long kc = (long)g->o * g->kh * g->kw;
        float *sums = fastconv_dw_transposed(&t) ? scratch + fastconv_scratch_floats(&t) : pw;
        fastconv_backward_on(scratch, NULL, sums, NULL, x, dout, w, &t);
        if (sums != pw)
            transpose(pw, kc, sums, g->c, (int)kc, g->c);
    }
    if (dx)
        fastconv_forward_on(scratch, dx, dout, w, NULL, NULL, &t);
}

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
    return (is_pool22(g, kind) || is_sumpool22(g, kind)) && g->h == 2 * g->oh && use_avx512();
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
        if (is_pool22(g, job->kind) && use_avx512()) {
            maxpool22_forward_avx512(op, xp, g->w, g->oh, g->ow);
            continue;
        }
        if (is_sumpool22(g, job->kind) && use_avx512()) {
            sumpool22_forward_avx512(op, xp, g->w, g->oh, g->ow, job->kind == POOL_L2);
            continue;
        }
        if (g->sw == 1 && use_avx512()) {
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
        if (is_pool22(g, job->kind) && use_avx512()) {
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
        if (is_sumpool22(g, job->kind) && use_avx512()) {
            bool tiled = g->h == 2 * g->oh && g->w == 2 * g->ow;
            if (job->set && !tiled)
                memset(dxp, 0, (size_t)in_plane * sizeof *dxp);
            sumpool22_backward_avx512(dxp, dp, xp, op, g->w, g->oh, g->ow, job->kind == POOL_L2,
                                      job->set && tiled);
            continue;
        }
        if (g->sw == 1 && use_avx512()) {
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

/* ---- elementwise math. exp and log as the Cephes library computes them in single precision
 * (a range reduction and a polynomial, within 2 ulp), from +, -, *, / and bit moves only, so
 * the AVX-512 loops and the plain C below compute the same bits on every element and every
 * CPU; libm's expf, log1pf and powf, which the reference ops call, round differently in the
 * last bits. ---- */

/* Where exp saturates: e^88.376 is near the largest float, e^-87.337 near the smallest
 * normal one (exp returns that instead of a subnormal or 0). */
#define EXP_HI     88.3762626647949f
#define EXP_LO     -87.3365447504f
#define LOG2E      1.44269504088896341f
#define LN2_HI     0.693359375f /* ln 2 = LN2_HI + LN2_LO, LN2_HI exact in a few bits */
#define LN2_LO     -2.12194440e-4f
#define SQRT_HALF  0.707106781186547524f
#define TANH_SMALL 0.625f /* below: tanh's own odd polynomial, above: from exp */

static inline float float_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline uint32_t bits_float(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* The polynomials' coefficients, highest power first (Cephes expf, logf, tanhf). */
static const float EXP_POLY[6] = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
                                  4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};
static const float LOG_POLY[9] = {7.0376836292e-2f,  -1.1514610310e-1f, 1.1676998740e-1f,
                                  -1.2420140846e-1f, 1.4249322787e-1f,  -1.6668057665e-1f,
                                  2.0000714765e-1f,  -2.4999993993e-1f, 3.3333331174e-1f};
static const float TANH_POLY[5] = {-5.70498872745e-3f, 2.06390887954e-2f, -5.37397155531e-2f,
                                   1.33314422036e-1f, -3.33332819422e-1f};

/* c[0] x^(n-1) + ... + c[n-1] by Horner's rule: a multiply, then an add, per coefficient */
static inline float horner_ss(float x, const float *c, int n)
{
    float y = c[0];
    for (int i = 1; i < n; i++)
        y = y * x + c[i];
    return y;
}

/* e^x */
static inline float exp_ss(float x)
{
    x = x > EXP_HI ? EXP_HI : x;
    x = x < EXP_LO ? EXP_LO : x;
    /* x = n ln 2 + r, |r| <= ln2 / 2 */
    const float fx = floorf(x * LOG2E + 0.5f);
    x = x - fx * LN2_HI;
    x = x - fx * LN2_LO;
    const float z = x * x;
    const float y = horner_ss(x, EXP_POLY, 6) * z + x + 1.0f;
    /* times 2^n, built in the exponent bits */
    return y * float_bits((uint32_t)((int)fx + 127) << 23);
}

/* ln x for a positive normal x */
static inline float log_ss(float x)
{
    const uint32_t u = bits_float(x);
    /* x = m 2^e with m in [0.5, 1), then m in [sqrt(1/2), sqrt(2)) - 1 */
    int e = (int)(u >> 23) - 126;
    float m = float_bits((u & 0x007fffffu) | 0x3f000000u);
    if (m < SQRT_HALF) {
        e = e - 1;
        m = m + m - 1.0f;
    } else {
        m = m - 1.0f;
    }
    const float z = m * m;
    float y = horner_ss(m, LOG_POLY, 9) * m * z;
    const float fe = (float)e;
    y = y + fe * LN2_LO;
    y = y - 0.5f * z;
    return m + y + fe * LN2_HI;
}

/* 1 / (1 + e^-x) from e^-|x|, without overflow */
static inline float sigmoid_ss(float x)
{
    const float e = exp_ss(-fabsf(x)), d = 1.0f + e;
    return x >= 0.0f ? 1.0f / d : e / d;
}

static inline float tanh_ss(float x)
{
    const float ax = fabsf(x);
    if (ax < TANH_SMALL) {
        const float z = x * x;
        return horner_ss(z, TANH_POLY, 5) * z * x + x;
    }
    const float t = 1.0f - 2.0f / (exp_ss(ax + ax) + 1.0f);
    return x < 0.0f ? -t : t;
}

/* ln(1 + u) for u >= 0: ln w * u / (w - 1) with w = 1 + u rounded, which cancels w's rounding */
static inline float log1p_ss(float u)
{
    const float w = 1.0f + u;
    return w == 1.0f ? u : log_ss(w) * u / (w - 1.0f);
}

/* The activations of act.h: f(x) and f'(x); the piecewise linear ones are act.c's own. */
static inline float act_f_ss(ActKind kind, float param, float x)
{
    switch (kind) {
    case ACT_SIGMOID:
        return sigmoid_ss(x);
    case ACT_TANH:
        return tanh_ss(x);
    case ACT_SOFTPLUS:
        /* PyTorch's threshold: the identity where beta x > 20 */
        return param * x > SOFTPLUS_LINEAR ? x : log1p_ss(exp_ss(param * x)) / param;
    default:
        return act_value(kind, param, x);
    }
}

static inline float act_d_ss(ActKind kind, float param, float x)
{
    switch (kind) {
    case ACT_SIGMOID: {
        const float s = sigmoid_ss(x);
        return s * (1.0f - s);
    }
    case ACT_TANH: {
        const float t = tanh_ss(x);
        return 1.0f - t * t;
    }
    case ACT_SOFTPLUS:
        return param * x > SOFTPLUS_LINEAR ? 1.0f : sigmoid_ss(param * x);
    default:
        return act_deriv(kind, param, x);
    }
}

#if FAST_X86
/* The same on 16 lanes, operation for operation. */
__attribute__((target("avx512f"), always_inline)) static inline __m512
horner_ps(__m512 x, const float *c, int n)
{
    __m512 y = _mm512_set1_ps(c[0]);
    for (int i = 1; i < n; i++)
        y = _mm512_add_ps(_mm512_mul_ps(y, x), _mm512_set1_ps(c[i]));
    return y;
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 exp_ps(__m512 x)
{
    x = _mm512_min_ps(x, _mm512_set1_ps(EXP_HI));
    x = _mm512_max_ps(x, _mm512_set1_ps(EXP_LO));
    const __m512 fx = _mm512_roundscale_ps(
        _mm512_add_ps(_mm512_mul_ps(x, _mm512_set1_ps(LOG2E)), _mm512_set1_ps(0.5f)),
        _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    x = _mm512_sub_ps(x, _mm512_mul_ps(fx, _mm512_set1_ps(LN2_HI)));
    x = _mm512_sub_ps(x, _mm512_mul_ps(fx, _mm512_set1_ps(LN2_LO)));
    const __m512 z = _mm512_mul_ps(x, x);
    const __m512 y = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(horner_ps(x, EXP_POLY, 6), z), x),
                                   _mm512_set1_ps(1.0f));
    const __m512i n = _mm512_cvttps_epi32(fx);
    const __m512 p2 =
        _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(n, _mm512_set1_epi32(127)), 23));
    return _mm512_mul_ps(y, p2);
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 log_ps(__m512 x)
{
    const __m512i u = _mm512_castps_si512(x);
    __m512i e = _mm512_sub_epi32(_mm512_srli_epi32(u, 23), _mm512_set1_epi32(126));
    __m512 m = _mm512_castsi512_ps(_mm512_or_si512(
        _mm512_and_si512(u, _mm512_set1_epi32(0x007fffff)), _mm512_set1_epi32(0x3f000000)));
    const __mmask16 lo = _mm512_cmp_ps_mask(m, _mm512_set1_ps(SQRT_HALF), _CMP_LT_OQ);
    e = _mm512_mask_sub_epi32(e, lo, e, _mm512_set1_epi32(1));
    m = _mm512_mask_add_ps(m, lo, m, m);
    m = _mm512_sub_ps(m, _mm512_set1_ps(1.0f));
    const __m512 z = _mm512_mul_ps(m, m);
    __m512 y = _mm512_mul_ps(_mm512_mul_ps(horner_ps(m, LOG_POLY, 9), m), z);
    const __m512 fe = _mm512_cvtepi32_ps(e);
    y = _mm512_add_ps(y, _mm512_mul_ps(fe, _mm512_set1_ps(LN2_LO)));
    y = _mm512_sub_ps(y, _mm512_mul_ps(_mm512_set1_ps(0.5f), z));
    return _mm512_add_ps(_mm512_add_ps(m, y), _mm512_mul_ps(fe, _mm512_set1_ps(LN2_HI)));
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 abs_ps(__m512 x)
{
    return _mm512_castsi512_ps(
        _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7fffffff)));
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 sigmoid_ps(__m512 x)
{
    const __m512 e = exp_ps(_mm512_sub_ps(_mm512_setzero_ps(), abs_ps(x)));
    const __m512 d = _mm512_add_ps(_mm512_set1_ps(1.0f), e);
    const __mmask16 pos = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
    return _mm512_mask_div_ps(_mm512_div_ps(e, d), pos, _mm512_set1_ps(1.0f), d);
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 tanh_ps(__m512 x)
{
    const __m512 ax = abs_ps(x), z = _mm512_mul_ps(x, x);
    const __m512 small =
        _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(horner_ps(z, TANH_POLY, 5), z), x), x);
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 t = _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f),
                                                _mm512_add_ps(exp_ps(_mm512_add_ps(ax, ax)), one)));
    t = _mm512_mask_sub_ps(t, _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ),
                           _mm512_setzero_ps(), t);
    return _mm512_mask_mov_ps(t, _mm512_cmp_ps_mask(ax, _mm512_set1_ps(TANH_SMALL), _CMP_LT_OQ),
                              small);
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 log1p_ps(__m512 u)
{
    const __m512 one = _mm512_set1_ps(1.0f), w = _mm512_add_ps(one, u);
    const __m512 r = _mm512_div_ps(_mm512_mul_ps(log_ps(w), u), _mm512_sub_ps(w, one));
    return _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(w, one, _CMP_EQ_OQ), u);
}

/* f(x) and f'(x) of one kind on 16 lanes (kind is a constant where these are inlined) */
__attribute__((target("avx512f"), always_inline)) static inline __m512 act_f_ps(ActKind kind,
                                                                                __m512 p, __m512 x)
{
    const __m512 zero = _mm512_setzero_ps();
    const __mmask16 pos = _mm512_cmp_ps_mask(x, zero, _CMP_GT_OQ);
    switch (kind) {
    case ACT_RELU:
        return _mm512_maskz_mov_ps(pos, x);
    case ACT_LEAKY:
        return _mm512_mask_mov_ps(_mm512_mul_ps(p, x), pos, x);
    case ACT_SIGMOID:
        return sigmoid_ps(x);
    case ACT_TANH:
        return tanh_ps(x);
    case ACT_ABS:
        return abs_ps(x);
    case ACT_SOFTPLUS: {
        const __m512 z = _mm512_mul_ps(p, x);
        const __m512 y = _mm512_div_ps(log1p_ps(exp_ps(z)), p);
        return _mm512_mask_mov_ps(
            y, _mm512_cmp_ps_mask(z, _mm512_set1_ps(SOFTPLUS_LINEAR), _CMP_GT_OQ), x);
    }
    }
    return zero;
}

__attribute__((target("avx512f"), always_inline)) static inline __m512 act_d_ps(ActKind kind,
                                                                                __m512 p, __m512 x)
{
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
    const __mmask16 pos = _mm512_cmp_ps_mask(x, zero, _CMP_GT_OQ);
    switch (kind) {
    case ACT_RELU:
        return _mm512_maskz_mov_ps(pos, one);
    case ACT_LEAKY:
        return _mm512_mask_mov_ps(p, pos, one);
    case ACT_SIGMOID: {
        const __m512 s = sigmoid_ps(x);
        return _mm512_mul_ps(s, _mm512_sub_ps(one, s));
    }
    case ACT_TANH: {
        const __m512 t = tanh_ps(x);
        return _mm512_sub_ps(one, _mm512_mul_ps(t, t));
    }
    case ACT_ABS: {
        const __mmask16 neg = _mm512_cmp_ps_mask(x, zero, _CMP_LT_OQ);
        return _mm512_mask_mov_ps(_mm512_maskz_mov_ps(pos, one), neg, _mm512_set1_ps(-1.0f));
    }
    case ACT_SOFTPLUS: {
        const __m512 z = _mm512_mul_ps(p, x);
        return _mm512_mask_mov_ps(
            sigmoid_ps(z), _mm512_cmp_ps_mask(z, _mm512_set1_ps(SOFTPLUS_LINEAR), _CMP_GT_OQ), one);
    }
    }
    return zero;
}

/* y = f(x), or dx (=|+=) dy * f'(x), over n elements by 16 lanes, the last vector masked (so
 * every element goes through the same instructions wherever it lies) */
#define ACT_LOOPS(K)                                                                               \
    case K:                                                                                        \
        for (long i = 0; i < n; i += 16) {                                                         \
            const __mmask16 m = lanes(0, n - i < 16 ? (int)(n - i) : 16);                          \
            const __m512 v = _mm512_maskz_loadu_ps(m, x + i);                                      \
            if (!dy) {                                                                             \
                _mm512_mask_storeu_ps(y + i, m, act_f_ps(K, p, v));                                \
                continue;                                                                          \
            }                                                                                      \
            __m512 d = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, dy + i), act_d_ps(K, p, v));         \
            if (!set)                                                                              \
                d = _mm512_add_ps(_mm512_maskz_loadu_ps(m, y + i), d);                             \
            _mm512_mask_storeu_ps(y + i, m, d);                                                    \
        }                                                                                          \
        break;

__attribute__((target("avx512f"))) static void
act_avx512(float *y, const float *dy, const float *x, long n, ActKind kind, float param, bool set)
{
    const __m512 p = _mm512_set1_ps(param);
    switch (kind) {
        ACT_LOOPS(ACT_RELU)
        ACT_LOOPS(ACT_LEAKY)
        ACT_LOOPS(ACT_SIGMOID)
        ACT_LOOPS(ACT_TANH)
        ACT_LOOPS(ACT_ABS)
        ACT_LOOPS(ACT_SOFTPLUS)
    }
}
#undef ACT_LOOPS
#endif

/* ---- activations: in chunks on the pool ---- */

typedef struct ActJob {
    float *y;        /* forward: (n) output; backward: dx (n) */
    const float *x;  /* (n) */
    const float *dy; /* (n), backward only (NULL: the forward) */
    long n;
    ActKind kind;
    float param;
    bool set; /* backward: write dx rather than add to it */
} ActJob;

/* The job's elements i0 .. i1-1. */
static void act_range(const ActJob *job, long i0, long i1)
{
    float *y = job->y + i0;
    const float *x = job->x + i0, *dy = job->dy ? job->dy + i0 : NULL;
    const long n = i1 - i0;
#if FAST_X86
    if (use_avx512()) {
        act_avx512(y, dy, x, n, job->kind, job->param, job->set);
        return;
    }
#endif
    for (long i = 0; i < n; i++) {
        if (!dy)
            y[i] = act_f_ss(job->kind, job->param, x[i]);
        else if (job->set)
            y[i] = dy[i] * act_d_ss(job->kind, job->param, x[i]);
        else
            y[i] = y[i] + dy[i] * act_d_ss(job->kind, job->param, x[i]);
    }
}

static void act_task(void *ctx, int t, int thread)
{
    (void)thread;
    const ActJob *job = ctx;
    long i0 = (long)t * ACT_CHUNK, i1 = i0 + ACT_CHUNK < job->n ? i0 + ACT_CHUNK : job->n;
    act_range(job, i0, i1);
}

void fastconv_act_forward(Workers *wk, float *y, const float *x, long n, ActKind kind, float param)
{
    ActJob job = {.y = y, .x = x, .n = n, .kind = kind, .param = param};
    workers_run(wk, (int)((n + ACT_CHUNK - 1) / ACT_CHUNK), act_task, &job);
}

void fastconv_act_backward(Workers *wk, float *dx, const float *dy, const float *x, long n,
                           ActKind kind, float param)
{
    ActJob job = {.y = dx, .x = x, .dy = dy, .n = n, .kind = kind, .param = param};
    workers_run(wk, (int)((n + ACT_CHUNK - 1) / ACT_CHUNK), act_task, &job);
}

void fastconv_act_backward_set(float *dx, const float *dy, const float *x, long n, ActKind kind,
                               float param)
{
    ActJob job = {.y = dx, .x = x, .dy = dy, .n = n, .kind = kind, .param = param, .set = true};
    act_range(&job, 0, n);
}

/* ---- local response normalisation: 16 pixels at a time (the channels of a pixel are a
 * plane apart, the pixels of a channel side by side), the scale of each channel worked out
 * once, and the power s^-beta = e^(-beta ln s) from exp and log above ---- */

/* The channel window of channel c: [c - size/2, c + (size-1)/2] clipped to [0, C) (act.h). */
static void lrn_window(int c, int channels, int size, int *lo, int *hi)
{
    *lo = c - size / 2 < 0 ? 0 : c - size / 2;
    *hi = c + (size - 1) / 2 >= channels ? channels - 1 : c + (size - 1) / 2;
}

long fastconv_lrn_scratch_floats(int c)
{
    /* s^-beta and the backward's terms, for 16 pixels of every channel */
    return 2L * c * 16;
}

typedef struct LrnGeom {
    int c;
    long plane;
    int size;
    float alpha, beta, k;
} LrnGeom;

/* s_c = k + alpha/size * sum of x^2 over the window of c, at `lanes` pixels from xp (channel
 * 0; channels a plane apart): the sum in the window's order, as act.c's lrn_scale */
static void lrn_scale_ss(float *s, const float *xp, int c, int lanes_n, const LrnGeom *lg)
{
    int lo, hi;
    lrn_window(c, lg->c, lg->size, &lo, &hi);
    for (int l = 0; l < lanes_n; l++) {
        float sum = 0.0f;
        for (int j = lo; j <= hi; j++) {
            const float v = xp[(long)j * lg->plane + l];
            sum += v * v;
        }
        s[l] = lg->k + lg->alpha * sum / (float)lg->size;
    }
}

#if FAST_X86
__attribute__((target("avx512f"), always_inline)) static inline __m512
lrn_scale_ps(const float *xp, int c, __mmask16 m, const LrnGeom *lg)
{
    int lo, hi;
    lrn_window(c, lg->c, lg->size, &lo, &hi);
    __m512 sum = _mm512_setzero_ps();
    for (int j = lo; j <= hi; j++) {
        const __m512 v = _mm512_maskz_loadu_ps(m, xp + (long)j * lg->plane);
        sum = _mm512_add_ps(sum, _mm512_mul_ps(v, v));
    }
    return _mm512_add_ps(_mm512_set1_ps(lg->k),
                         _mm512_div_ps(_mm512_mul_ps(_mm512_set1_ps(lg->alpha), sum),
                                       _mm512_set1_ps((float)lg->size)));
}

/* s^-beta */
__attribute__((target("avx512f"), always_inline)) static inline __m512 lrn_pow_ps(__m512 s,
                                                                                  float beta)
{
    return exp_ps(_mm512_mul_ps(_mm512_set1_ps(-beta), log_ps(s)));
}

/* y = x * s^-beta for the 16 pixels at p of one example (x, y at channel 0) */
__attribute__((target("avx512f"))) static void lrn_forward_avx512(float *y, const float *x, long p,
                                                                  __mmask16 m, const LrnGeom *lg)
{
    for (int c = 0; c < lg->c; c++) {
        const __m512 s = lrn_scale_ps(x + p, c, m, lg);
        const __m512 xv = _mm512_maskz_loadu_ps(m, x + (long)c * lg->plane + p);
        _mm512_mask_storeu_ps(y + (long)c * lg->plane + p, m,
                              _mm512_mul_ps(xv, lrn_pow_ps(s, lg->beta)));
    }
}

/* the backward at the 16 pixels at p: pw (C, 16) and q (C, 16) scratch */
__attribute__((target("avx512f"))) static void lrn_backward_avx512(float *dx, const float *dy,
                                                                   const float *x, long p,
                                                                   __mmask16 m, const LrnGeom *lg,
                                                                   float *pw, float *q)
{
    const long pl = lg->plane;
    for (int j = 0; j < lg->c; j++) {
        const __m512 s = lrn_scale_ps(x + p, j, m, lg), pj = lrn_pow_ps(s, lg->beta);
        const __m512 xv = _mm512_maskz_loadu_ps(m, x + (long)j * pl + p);
        const __m512 dv = _mm512_maskz_loadu_ps(m, dy + (long)j * pl + p);
        _mm512_storeu_ps(pw + 16L * j, pj);
        /* dy_j x_j s_j^(-beta-1) */
        _mm512_storeu_ps(q + 16L * j, _mm512_div_ps(_mm512_mul_ps(_mm512_mul_ps(dv, xv), pj), s));
    }
    const __m512 coef = _mm512_set1_ps(2.0f * lg->alpha * lg->beta / (float)lg->size);
    for (int i = 0; i < lg->c; i++) {
        /* the channels j whose window holds i: [i - (size-1)/2, i + size/2] */
        const int lo = i - (lg->size - 1) / 2 < 0 ? 0 : i - (lg->size - 1) / 2;
        const int hi = i + lg->size / 2 >= lg->c ? lg->c - 1 : i + lg->size / 2;
        __m512 cross = _mm512_setzero_ps();
        for (int j = lo; j <= hi; j++)
            cross = _mm512_add_ps(cross, _mm512_loadu_ps(q + 16L * j));
        const __m512 xv = _mm512_maskz_loadu_ps(m, x + (long)i * pl + p);
        const __m512 dv = _mm512_maskz_loadu_ps(m, dy + (long)i * pl + p);
        float *d = dx + (long)i * pl + p;
        const __m512 g = _mm512_sub_ps(_mm512_mul_ps(dv, _mm512_loadu_ps(pw + 16L * i)),
                                       _mm512_mul_ps(_mm512_mul_ps(coef, xv), cross));
        _mm512_mask_storeu_ps(d, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, d), g));
    }
}
#endif

/* The 16 pixels at p of one example (x, dy and out at channel 0): y = x * s^-beta into out
 * (dy NULL), or the backward added into out (pw and q (C, 16) scratch), as the AVX-512 ones */
static void lrn_pixels_ss(float *out, const float *dy, const float *x, long p, int nl,
                          const LrnGeom *lg, float *pw, float *q)
{
    const long pl = lg->plane;
    for (int j = 0; j < lg->c; j++) {
        float s[16];
        lrn_scale_ss(s, x + p, j, nl, lg);
        for (int l = 0; l < nl; l++) {
            const long i = (long)j * pl + p + l;
            const float pj = exp_ss(-lg->beta * log_ss(s[l]));
            if (!dy) {
                out[i] = x[i] * pj;
                continue;
            }
            pw[16L * j + l] = pj;
            q[16L * j + l] = dy[i] * x[i] * pj / s[l];
        }
    }
    const float coef = 2.0f * lg->alpha * lg->beta / (float)lg->size;
    for (int i = 0; dy && i < lg->c; i++) {
        const int lo = i - (lg->size - 1) / 2 < 0 ? 0 : i - (lg->size - 1) / 2;
        const int hi = i + lg->size / 2 >= lg->c ? lg->c - 1 : i + lg->size / 2;
        for (int l = 0; l < nl; l++) {
            float cross = 0.0f;
            for (int j = lo; j <= hi; j++)
                cross += q[16L * j + l];
            const long e = (long)i * pl + p + l;
            out[e] += dy[e] * pw[16L * i + l] - coef * x[e] * cross;
        }
    }
}

/* The forward (dy NULL: out = y) or the backward (out = dx, added to) of n examples, 16
 * pixels at a time. */
static void lrn_run(float *scratch, float *out, const float *dy, const float *x, int n,
                    const LrnGeom *lg)
{
    float *pw = scratch, *q = scratch ? scratch + 16L * lg->c : NULL; /* (C, 16) each */
    for (int b = 0; b < n; b++) {
        const long off = (long)b * lg->c * lg->plane; /* example b (C, H, W) */
        for (long p = 0; p < lg->plane; p += 16) {
            const int nl = lg->plane - p < 16 ? (int)(lg->plane - p) : 16;
#if FAST_X86
            if (use_avx512() && dy) {
                lrn_backward_avx512(out + off, dy + off, x + off, p, lanes(0, nl), lg, pw, q);
                continue;
            }
            if (use_avx512()) {
                lrn_forward_avx512(out + off, x + off, p, lanes(0, nl), lg);
                continue;
            }
#endif
            lrn_pixels_ss(out + off, dy ? dy + off : NULL, x + off, p, nl, lg, pw, q);
        }
    }
}

void fastconv_lrn_forward(float *y, const float *x, int n, int c, int h, int w, int size,
                          float alpha, float beta, float k)
{
    const LrnGeom lg = {c, (long)h * w, size, alpha, beta, k};
    lrn_run(NULL, y, NULL, x, n, &lg);
}

void fastconv_lrn_backward(float *scratch, float *dx, const float *dy, const float *x, int n, int c,
                           int h, int w, int size, float alpha, float beta, float k)
{
    /* Differentiates y_j = x_j * s_j^-beta (act.c's lrn_backward):
     *   dx_i += dy_i * s_i^-beta - 2 alpha beta / size * x_i * sum_{j : i in win(j)} q_j,
     *   q_j = dy_j x_j s_j^(-beta-1) */
    const LrnGeom lg = {c, (long)h * w, size, alpha, beta, k};
    lrn_run(scratch, dx, dy, x, n, &lg);
}

/* ---- softmax: p = e^(z - max) / sum, by 16 classes at a time ---- */

void fastconv_softmax_forward(float *p, const float *z, int n, int k)
{
    for (int s = 0; s < n; s++) {
        const float *zs = z + (long)s * k; /* (K) */
        float *ps = p + (long)s * k;       /* (K) */
        float m = zs[0];
        for (int j = 1; j < k; j++)
            m = zs[j] > m ? zs[j] : m;
        /* the sum in 16 running lanes, then a fixed tree (sum_lanes) */
        for (int j = 0; j < k; j++)
            ps[j] = exp_ss(zs[j] - m);
        const float sum = sum_lanes(ps, k);
        for (int j = 0; j < k; j++)
            ps[j] = ps[j] / sum;
    }
}

/* ---- dense: three products on the caller's thread (the default net's dense layer is
 * 1% of the work; splitting it would cost more in dispatch than it saves) ---- */

void fastconv_dense_forward(Workers *wk, float *y, const float *x, const float *w, const float *b,
                            int n, int in, int out)
{
    (void)wk;
    float beta = 0.0f;
    if (b) {
        for (int s = 0; s < n; s++)
            memcpy(y + (long)s * out, b, (size_t)out * sizeof *y);
        beta = 1.0f;
    }
    /* y (N, O) = x (N, I) . w^T (I, O) */
    gemm_sgemm(false, true, n, out, in, 1.0f, x, in, w, in, beta, y, out);
}

void fastconv_dense_backward(Workers *wk, float *dx, float *dw, float *db, const float *dy,
                             const float *x, const float *w, int n, int in, int out)
{
    (void)wk;
    if (db)
        for (int s = 0; s < n; s++)
            for (int o = 0; o < out; o++)
                db[o] += dy[(long)s * out + o];
    /* dw (O, I) += dy^T (O, N) . x (N, I) */
    if (dw)
        gemm_sgemm(true, false, out, in, n, 1.0f, dy, out, x, in, 1.0f, dw, in);
    /* dx (N, I) += dy (N, O) . w (O, I) */
    if (dx)
        gemm_sgemm(false, false, n, in, out, 1.0f, dy, out, w, in, 1.0f, dx, in);
}
