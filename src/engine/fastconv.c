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
 * count or on which thread ran what.
 *
 * This file: the convolution's drivers (scratch, prepared weights, one example's forward and
 * backward, the pool's tasks), the transposed convolution and the dense layer. The kernels
 * they call: fastcols.c (im2col, col2im, implicit im2col), fastdirect.c (direct convolution);
 * pooling: fastpool.c; activations, lrn, softmax: fastact.c; what they share: fastconv_int.h. */
#include "engine/fastconv.h"

#include "engine/fastconv_int.h"

#include "engine/gemm.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Refuse the im2col path when one example's column matrix would pass this many floats
 * (64 MiB): such a layer is not what the fast path is for, and the reference copes. */
#define MAX_COL_FLOATS (16L * 1024 * 1024)

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

bool fc_use_avx512(void)
{
    return !simd_off && gemm_kernel_best() == GEMM_AVX512;
}

void fastconv_set_simd(bool on)
{
    simd_off = !on;
}

/* Sum of v (n) by 16 running lanes, then a fixed tree: the same bits on every CPU and
 * every thread count (the reference's one running sum would be a long dependency chain). */
float fc_sum_lanes(const float *v, long n)
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
    return kc * p + 16 + p * g->o + FASTCONV_GROUP * fc_padded_elems(g) +
           fc_direct_weight_floats(g);
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
    return scratch_xpad(scratch, g) + FASTCONV_GROUP * fc_padded_elems(g);
}

long fastconv_prepared_floats(const ConvGeom *g)
{
    if (fc_use_implicit(g))
        return (long)g->c * g->kh * g->kw * g->o;
    return fc_use_direct(g) ? fc_direct_weight_floats(g) : 0;
}

void fastconv_prepare_weights(float *wt, const float *w, const ConvGeom *g)
{
    const long kc = (long)g->c * g->kh * g->kw;
    if (!fc_use_implicit(g)) {
        fc_direct_prepare(wt, w, g);
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
    if (fc_use_avx512()) {
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
    if (fc_use_implicit(g)) {
        /* out^T (P, O) = col^T . w^T, gathered from the padded input; then out = (out^T)^T + b */
        float *outt = scratch;               /* (P, O) */
        float *xpad = outt + (long)p * g->o; /* (C, HP, WP) */
        const float *xp = fc_pad_input(xpad, xn, g);
        if (g->sw == 1)
            fc_row_product(outt, xp, wt, g);
        else
            fc_gather_product(p, kc, g->o, xp, base, off, wt, outt, false);
        transpose_bias(on, relu, outt, b, p, g->o);
        return;
    }
    if (fc_use_direct(g)) {
        fc_direct_forward(on, relu, fc_pad_input(scratch_xpad(scratch, g), xn, g), wt, b, g);
        return;
    }
#else
    (void)wt, (void)base, (void)off;
#endif
    const float *col = xn; /* (KC, P) */
    if (!is_pointwise(g)) {
        fc_im2col(scratch, xn, g);
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
    if (fc_use_implicit(g))
        fc_implicit_tables(base, off, g);
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
    const bool implicit = fc_use_implicit(g);
    int base[IMPLICIT_MAX], off[IMPLICIT_MAX];
    if (pw && implicit)
        fc_implicit_tables(base, off, g);
    for (int n = 0; n < g->n; n++) {
        const float *xn = x + (long)n * g->c * g->h * g->w; /* (C, H, W) */
        const float *dn = dout + (long)n * g->o * p;        /* (O, P) */
        if (pb)
            for (int o = 0; o < g->o; o++)
                pb[o] = (n == 0 ? 0.0f : pb[o]) + fc_sum_lanes(dn + (long)o * p, p);
        if (pw && implicit) {
            /* dw^T (KC, O) = col . dout_n^T, gathered from the padded input */
            transpose(dt, g->o, dn, p, g->o, p);
            const float *xp = fc_pad_input(xpad, xn, g);
#if FAST_X86
            if (fc_channel_tiles(g))
                fc_channel_product(pw, xp, dt, g, n != 0);
            else
#endif
                fc_gather_product(kc, p, g->o, xp, off, base, dt, pw, n != 0);
#if FAST_X86
        } else if (pw && fc_use_direct(g)) {
            /* the examples of a group at once, in the call of its first */
            const int e0 = n / FASTCONV_GROUP * FASTCONV_GROUP;
            if (n == e0) {
                const int m = g->n - e0 < FASTCONV_GROUP ? g->n - e0 : FASTCONV_GROUP;
                for (int e = 0; e < m; e++) {
                    const float *xe = x + (long)(e0 + e) * g->c * g->h * g->w; /* (C, H, W) */
                    float *xp = xpad + e * fc_padded_elems(g);                 /* (C, HP, WP) */
                    if (fc_pad_input(xp, xe, g) == xe)
                        memcpy(xp, xe, (size_t)fc_padded_elems(g) * sizeof *xp);
                }
                fc_direct_dw(pw, dn, xpad, m, g, n != 0);
            }
#endif
        } else if (pw) {
            /* dw(o, (c,ky,kx)) = sum over positions of dout(o, pos) * x at that tap */
            const float *col = xn; /* (KC, P) */
            if (!is_pointwise(g)) {
                fc_im2col(buf, xn, g);
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
            fc_col2im_add(dx + (long)n * g->c * g->h * g->w, buf, g);
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
    if (fc_use_implicit(g))
        fc_implicit_tables(base, off, g);
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
                pb[o] = (n == 0 ? 0.0f : pb[o]) + fc_sum_lanes(dout + ((long)n * g->o + o) * p, p);
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
