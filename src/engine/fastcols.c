/* fastcols.c - the column matrix of fastconv.c's convolution: im2col and col2im (AVX-512 where
 * a row is one shifted run), and the implicit im2col that never writes it (offset-table
 * gathers, channel tiles of the 5x5 kernel gradient, row tiles of the forward).
 * Depends on: fastconv_int.h, conv, gemm (libc).
 *
 * Legend: N batch, C input channels, H/W input, O output channels, KH/KW kernel, OH/OW output,
 * P = OH*OW, KC = C*KH*KW. */
#include "engine/fastconv.h"

#include "engine/fastconv_int.h"

#include "engine/gemm.h"

#include <stdint.h>
#include <string.h>

/* The widest kernel the vectorised col2im takes (its masks live on the stack). */
#define COL2IM_MAX_KW 32

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

/* col (KC, P) = fc_im2col(x (C, H, W)): col[(c, ky, kx)][(oy, ox)] = x[c][iy][ix], 0 in padding. */
void fc_im2col(float *col, const float *x, const ConvGeom *g)
{
#if FAST_X86
    if (g->sw == 1 && g->ow <= 64 && fc_use_avx512()) {
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
void fc_col2im_add(float *dx, const float *dcol, const ConvGeom *g)
{
#if FAST_X86
    if (g->sw == 1 && g->kw <= COL2IM_MAX_KW && fc_use_avx512()) {
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

bool fc_use_implicit(const ConvGeom *g)
{
    long kc = (long)g->c * g->kh * g->kw, p = (long)g->oh * g->ow;
    return FAST_X86 && g->o % 16 == 0 && kc <= GEMM_KC && p <= GEMM_KC && fc_use_avx512();
}

/* Elements of the zero-padded input (C, HP, WP). */
long fc_padded_elems(const ConvGeom *g)
{
    return (long)g->c * (g->h + g->pt + g->pb) * (g->w + g->pl + g->pr);
}

/* The zero-padded input's size (C, HP, WP). */
void fc_padded_size(const ConvGeom *g, int *hp, int *wp)
{
    *hp = g->h + g->pt + g->pb;
    *wp = g->w + g->pl + g->pr;
}

/* xp (C, HP, WP) = x (C, H, W) with the padding ring of zeros; returns x itself when there
 * is no padding. */
const float *fc_pad_input(float *xp, const float *x, const ConvGeom *g)
{
    if (g->pt == 0 && g->pb == 0 && g->pl == 0 && g->pr == 0)
        return x;
    int hp, wp;
    fc_padded_size(g, &hp, &wp);
    memset(xp, 0, (size_t)g->c * hp * wp * sizeof *xp);
    for (int c = 0; c < g->c; c++)
        for (int iy = 0; iy < g->h; iy++)
            memcpy(xp + ((long)c * hp + iy + g->pt) * wp + g->pl, x + ((long)c * g->h + iy) * g->w,
                   (size_t)g->w * sizeof *xp);
    return xp;
}

/* base[pos] = the padded index of window pos's top-left; off[tap] = tap (c, ky, kx)'s offset
 * from it. */
void fc_implicit_tables(int *base, int *off, const ConvGeom *g)
{
    int hp, wp;
    fc_padded_size(g, &hp, &wp);
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
void fc_gather_product(int m, int kc, int o, const float *xp, const int *rows, const int *ks,
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
bool fc_channel_tiles(const ConvGeom *g)
{
    return g->kh == 5 && g->kw == 5 && g->sw == 1 && g->dw == 1;
}

/* pw (KC, O) = [pw +] col . dt (P, O) by channel tiles, from the padded input xp */
void fc_channel_product(float *pw, const float *xp, const float *dt, const ConvGeom *g, bool add)
{
    int hp, wp;
    fc_padded_size(g, &hp, &wp);
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
__attribute__((target("avx512f"))) void fc_row_product(float *outt, const float *xp,
                                                       const float *wt, const ConvGeom *g)
{
    int hp, wp;
    fc_padded_size(g, &hp, &wp);
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
