/* fastconv_int.h - what the files of the fast path (fastconv.c, fastcols.c, fastdirect.c,
 * fastpool.c, fastact.c) share and nobody else sees: the AVX-512 switch, lane masks, and the
 * convolution kernels the drivers of fastconv.c call (prefix fc_). Not part of fastconv.h.
 * Depends on: conv, gemm (libc).
 *
 * Legend: C input channels, H/W input, O output channels, KH/KW kernel, OH/OW output,
 * P = OH*OW, KC = C*KH*KW. */
#ifndef CONVSCOPE_FASTCONV_INT_H
#define CONVSCOPE_FASTCONV_INT_H

#include "engine/conv.h"
#include "engine/gemm.h"

#include <stdbool.h>
#include <stdint.h>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define FAST_X86 1
#include <immintrin.h>
#else
#define FAST_X86 0
#endif

#if FAST_X86
/* lanes lo..hi-1 of 16 (either bound may lie outside 0..16) */
__attribute__((target("avx512f"))) static inline __mmask16 lanes(int lo, int hi)
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

/* ---- fastconv.c ---- */

/* Whether the AVX-512 loops run: sgemm runs its AVX-512 kernel and fastconv_set_simd left them
 * on. */
bool fc_use_avx512(void);
/* Sum of v (n) by 16 running lanes, then a fixed tree (the same bits everywhere). */
float fc_sum_lanes(const float *v, long n);

/* ---- fastcols.c: the column matrix ---- */

/* col (KC, P) = the unrolled windows of x (C, H, W). */
void fc_im2col(float *col, const float *x, const ConvGeom *g);
/* dx (C, H, W) += each column of dcol (KC, P) put back on its window. */
void fc_col2im_add(float *dx, const float *dcol, const ConvGeom *g);

/* Largest P and KC the implicit path's offset tables hold (on the stack). */
#define IMPLICIT_MAX GEMM_KC

/* Whether g takes the implicit im2col path (AVX-512, O a multiple of 16). */
bool fc_use_implicit(const ConvGeom *g);
/* Elements of the zero-padded input (C, HP, WP). */
long fc_padded_elems(const ConvGeom *g);
/* The zero-padded input's size (C, HP, WP). */
void fc_padded_size(const ConvGeom *g, int *hp, int *wp);
/* xp (C, HP, WP) = x (C, H, W) with the padding ring of zeros; returns x itself when there is
 * no padding. */
const float *fc_pad_input(float *xp, const float *x, const ConvGeom *g);
/* base[pos] = the padded index of window pos's top-left; off[tap] = tap (c, ky, kx)'s offset
 * from it. */
void fc_implicit_tables(int *base, int *off, const ConvGeom *g);
/* C (m, O) = [C +] gathered (m, kc) . b (kc, O), O a multiple of 16, in tiles of 8 rows. */
void fc_gather_product(int m, int kc, int o, const float *xp, const int *rows, const int *ks,
                       const float *b, float *c, bool add);
#if FAST_X86
/* Whether fc_channel_product takes g: a 5x5 kernel, stride and dilation 1 along x. */
bool fc_channel_tiles(const ConvGeom *g);
/* pw (KC, O) = [pw +] col . dt (P, O) by channel tiles, from the padded input xp */
void fc_channel_product(float *pw, const float *xp, const float *dt, const ConvGeom *g, bool add);
/* outt (P, O) = col^T . wt by row tiles, from the padded input xp */
__attribute__((target("avx512f"))) void fc_row_product(float *outt, const float *xp,
                                                       const float *wt, const ConvGeom *g);
#endif

/* ---- fastdirect.c: direct convolution ---- */

/* Whether g takes the direct path (AVX-512, SW == 1, OW >= 8, not implicit). */
bool fc_use_direct(const ConvGeom *g);
/* Floats of fc_direct_prepare's weights for g: KC rows of 8 per block of 8 output channels. */
long fc_direct_weight_floats(const ConvGeom *g);
/* wd (O/8, KC, 8) = w (O, KC) by blocks of 8 output channels, tap after tap. */
void fc_direct_prepare(float *wd, const float *w, const ConvGeom *g);
#if FAST_X86
/* on (O, OH, OW) = conv(xp (C, HP, WP)) + b, and relu (O, OH, OW) = max(on, 0) when not NULL */
__attribute__((target("avx512f"))) void fc_direct_forward(float *on, float *relu, const float *xp,
                                                          const float *wd, const float *b,
                                                          const ConvGeom *g);
/* pw (O, KC) = [pw +] the kernel gradient of n examples' padded inputs xps (n, C, HP, WP) */
__attribute__((target("avx512f"))) void fc_direct_dw(float *pw, const float *dout, const float *xps,
                                                     int n, const ConvGeom *g, bool add);
#endif

#endif
