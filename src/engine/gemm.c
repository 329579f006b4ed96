/* gemm.c - sgemm: one blocked driver and three register-tile kernels (portable, AVX2/FMA,
 * AVX-512), picked at run time with __builtin_cpu_supports.
 *
 * Legend: M, N, K as in gemm.h; MR x NR the register tile of a kernel; KC the K block.
 *
 * The driver walks K in blocks of KC (so the B panel of one block stays in L1/L2), and for
 * each block N in panels of NR and M in tiles of MR. A is never packed: a tile broadcasts
 * A elements straight from memory through a row stride and a column stride, which serves
 * A and A^T alike. B is read in place when it is (K, N); only a transposed B is packed, one
 * KC x NR panel at a time, into a small stack buffer. The matrices of a small CNN fit in
 * L2, so skipping the packing of BLIS-style libraries is the cheaper choice here. */
#include "engine/gemm.h"

#include <string.h>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define GEMM_X86 1
#include <immintrin.h>
#else
#define GEMM_X86 0
#endif

/* The widest register tile of any kernel: the size of the packing buffer's panel. */
#define NR_MAX 32

/* One register tile: C (mr, nr) = alpha * acc + beta * C, where acc = sum over kc terms of
 * A(i, p) * B(p, j); A(i, p) = a[i*ars + p*acs], B(p, j) = b[p*ldb + j]. mr <= MR, nr <= NR.
 * beta == 0 means C is not read. */
typedef void (*TileFn)(int mr, int nr, int kc, const float *a, long ars, long acs, const float *b,
                       long ldb, float *c, long ldc, float alpha, float beta);

typedef struct KernelDesc {
    int mr, nr;
    TileFn tile;
} KernelDesc;

/* ---- portable: plain C, the reference for what a tile computes ---- */

#define P_MR 4
#define P_NR 8

static void tile_portable(int mr, int nr, int kc, const float *a, long ars, long acs,
                          const float *b, long ldb, float *c, long ldc, float alpha, float beta)
{
    float acc[P_MR][P_NR];
    memset(acc, 0, sizeof acc);
    for (int p = 0; p < kc; p++) {
        const float *bp = b + (long)p * ldb; /* (nr) */
        for (int i = 0; i < mr; i++) {
            float ai = a[(long)i * ars + (long)p * acs];
            for (int j = 0; j < nr; j++)
                acc[i][j] += ai * bp[j];
        }
    }
    for (int i = 0; i < mr; i++) {
        float *ci = c + (long)i * ldc; /* (nr) */
        for (int j = 0; j < nr; j++) {
            float t = alpha * acc[i][j];
            ci[j] = beta != 0.0f ? t + beta * ci[j] : t;
        }
    }
}

#if GEMM_X86

/* ---- AVX2 + FMA: 6 rows x 16 columns (two ymm) per tile, 12 accumulators ---- */

#define A2_MR 6
#define A2_NR 16

__attribute__((target("avx2,fma"))) static __m256i mask8(int n)
{
    /* lanes 0..n-1 set; n may be <= 0 or >= 8 */
    __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), idx);
}

__attribute__((target("avx2,fma"))) static void tile_avx2(int mr, int nr, int kc, const float *a,
                                                          long ars, long acs, const float *b,
                                                          long ldb, float *c, long ldc, float alpha,
                                                          float beta)
{
    /* rows past mr repeat the last row: wasted work, but no branch in the inner loop */
    const float *a0 = a;
    const float *a1 = a + (mr > 1 ? 1 : 0) * ars;
    const float *a2 = a + (mr > 2 ? 2 : mr - 1) * ars;
    const float *a3 = a + (mr > 3 ? 3 : mr - 1) * ars;
    const float *a4 = a + (mr > 4 ? 4 : mr - 1) * ars;
    const float *a5 = a + (mr > 5 ? 5 : mr - 1) * ars;
    __m256i m0 = mask8(nr), m1 = mask8(nr - 8);
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (int p = 0; p < kc; p++) {
        const float *bp = b + (long)p * ldb;
        __m256 b0 = _mm256_maskload_ps(bp, m0);
        __m256 b1 = _mm256_maskload_ps(bp + 8, m1);
        long ap = (long)p * acs;
        __m256 t;
        t = _mm256_broadcast_ss(a0 + ap);
        c00 = _mm256_fmadd_ps(t, b0, c00);
        c01 = _mm256_fmadd_ps(t, b1, c01);
        t = _mm256_broadcast_ss(a1 + ap);
        c10 = _mm256_fmadd_ps(t, b0, c10);
        c11 = _mm256_fmadd_ps(t, b1, c11);
        t = _mm256_broadcast_ss(a2 + ap);
        c20 = _mm256_fmadd_ps(t, b0, c20);
        c21 = _mm256_fmadd_ps(t, b1, c21);
        t = _mm256_broadcast_ss(a3 + ap);
        c30 = _mm256_fmadd_ps(t, b0, c30);
        c31 = _mm256_fmadd_ps(t, b1, c31);
        t = _mm256_broadcast_ss(a4 + ap);
        c40 = _mm256_fmadd_ps(t, b0, c40);
        c41 = _mm256_fmadd_ps(t, b1, c41);
        t = _mm256_broadcast_ss(a5 + ap);
        c50 = _mm256_fmadd_ps(t, b0, c50);
        c51 = _mm256_fmadd_ps(t, b1, c51);
    }
    __m256 acc[2 * A2_MR] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
    __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    for (int i = 0; i < mr; i++) {
        float *ci = c + (long)i * ldc;
        __m256 t0 = _mm256_mul_ps(va, acc[2 * i]);
        __m256 t1 = _mm256_mul_ps(va, acc[2 * i + 1]);
        if (beta != 0.0f) {
            t0 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(ci, m0), t0);
            t1 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(ci + 8, m1), t1);
        }
        _mm256_maskstore_ps(ci, m0, t0);
        _mm256_maskstore_ps(ci + 8, m1, t1);
    }
}

/* ---- AVX-512: 8 rows x 32 columns (two zmm) per tile, 16 accumulators; a 16-column variant
 * for narrow edges computes each element with exactly the same instructions ---- */

#define A5_MR 8
#define A5_NR 32

__attribute__((target("avx512f"))) static __mmask16 mask16(int n)
{
    if (n <= 0)
        return 0;
    if (n >= 16)
        return 0xFFFF;
    return (__mmask16)((1u << n) - 1u);
}

#define A5_ROWS                                                                                    \
    const float *a0 = a;                                                                           \
    const float *a1 = a + (mr > 1 ? 1 : 0) * ars;                                                  \
    const float *a2 = a + (mr > 2 ? 2 : mr - 1) * ars;                                             \
    const float *a3 = a + (mr > 3 ? 3 : mr - 1) * ars;                                             \
    const float *a4 = a + (mr > 4 ? 4 : mr - 1) * ars;                                             \
    const float *a5 = a + (mr > 5 ? 5 : mr - 1) * ars;                                             \
    const float *a6 = a + (mr > 6 ? 6 : mr - 1) * ars;                                             \
    const float *a7 = a + (mr > 7 ? 7 : mr - 1) * ars

__attribute__((target("avx512f"))) static void tile_avx512_16(int mr, int nr, int kc,
                                                              const float *a, long ars, long acs,
                                                              const float *b, long ldb, float *c,
                                                              long ldc, float alpha, float beta)
{
    A5_ROWS;
    __mmask16 m0 = mask16(nr);
    __m512 c0 = _mm512_setzero_ps(), c1 = _mm512_setzero_ps(), c2 = _mm512_setzero_ps();
    __m512 c3 = _mm512_setzero_ps(), c4 = _mm512_setzero_ps(), c5 = _mm512_setzero_ps();
    __m512 c6 = _mm512_setzero_ps(), c7 = _mm512_setzero_ps();
    for (int p = 0; p < kc; p++) {
        __m512 b0 = _mm512_maskz_loadu_ps(m0, b + (long)p * ldb);
        long ap = (long)p * acs;
        c0 = _mm512_fmadd_ps(_mm512_set1_ps(a0[ap]), b0, c0);
        c1 = _mm512_fmadd_ps(_mm512_set1_ps(a1[ap]), b0, c1);
        c2 = _mm512_fmadd_ps(_mm512_set1_ps(a2[ap]), b0, c2);
        c3 = _mm512_fmadd_ps(_mm512_set1_ps(a3[ap]), b0, c3);
        c4 = _mm512_fmadd_ps(_mm512_set1_ps(a4[ap]), b0, c4);
        c5 = _mm512_fmadd_ps(_mm512_set1_ps(a5[ap]), b0, c5);
        c6 = _mm512_fmadd_ps(_mm512_set1_ps(a6[ap]), b0, c6);
        c7 = _mm512_fmadd_ps(_mm512_set1_ps(a7[ap]), b0, c7);
    }
    __m512 acc[A5_MR] = {c0, c1, c2, c3, c4, c5, c6, c7};
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int i = 0; i < mr; i++) {
        float *ci = c + (long)i * ldc;
        __m512 t0 = _mm512_mul_ps(va, acc[i]);
        if (beta != 0.0f)
            t0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, ci), t0);
        _mm512_mask_storeu_ps(ci, m0, t0);
    }
}

__attribute__((target("avx512f"))) static void tile_avx512(int mr, int nr, int kc, const float *a,
                                                           long ars, long acs, const float *b,
                                                           long ldb, float *c, long ldc,
                                                           float alpha, float beta)
{
    if (nr <= 16) {
        tile_avx512_16(mr, nr, kc, a, ars, acs, b, ldb, c, ldc, alpha, beta);
        return;
    }
    A5_ROWS;
    __mmask16 m1 = mask16(nr - 16); /* the first 16 columns are all there */
    __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps();
    __m512 c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
    __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps();
    __m512 c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
    __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps();
    __m512 c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
    __m512 c60 = _mm512_setzero_ps(), c61 = _mm512_setzero_ps();
    __m512 c70 = _mm512_setzero_ps(), c71 = _mm512_setzero_ps();
    for (int p = 0; p < kc; p++) {
        const float *bp = b + (long)p * ldb;
        __m512 b0 = _mm512_loadu_ps(bp);
        __m512 b1 = _mm512_maskz_loadu_ps(m1, bp + 16);
        long ap = (long)p * acs;
        __m512 t;
        t = _mm512_set1_ps(a0[ap]);
        c00 = _mm512_fmadd_ps(t, b0, c00);
        c01 = _mm512_fmadd_ps(t, b1, c01);
        t = _mm512_set1_ps(a1[ap]);
        c10 = _mm512_fmadd_ps(t, b0, c10);
        c11 = _mm512_fmadd_ps(t, b1, c11);
        t = _mm512_set1_ps(a2[ap]);
        c20 = _mm512_fmadd_ps(t, b0, c20);
        c21 = _mm512_fmadd_ps(t, b1, c21);
        t = _mm512_set1_ps(a3[ap]);
        c30 = _mm512_fmadd_ps(t, b0, c30);
        c31 = _mm512_fmadd_ps(t, b1, c31);
        t = _mm512_set1_ps(a4[ap]);
        c40 = _mm512_fmadd_ps(t, b0, c40);
        c41 = _mm512_fmadd_ps(t, b1, c41);
        t = _mm512_set1_ps(a5[ap]);
        c50 = _mm512_fmadd_ps(t, b0, c50);
        c51 = _mm512_fmadd_ps(t, b1, c51);
        t = _mm512_set1_ps(a6[ap]);
        c60 = _mm512_fmadd_ps(t, b0, c60);
        c61 = _mm512_fmadd_ps(t, b1, c61);
        t = _mm512_set1_ps(a7[ap]);
        c70 = _mm512_fmadd_ps(t, b0, c70);
        c71 = _mm512_fmadd_ps(t, b1, c71);
    }
    __m512 acc[2 * A5_MR] = {c00, c01, c10, c11, c20, c21, c30, c31,
                             c40, c41, c50, c51, c60, c61, c70, c71};
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int i = 0; i < mr; i++) {
        float *ci = c + (long)i * ldc;
        __m512 t0 = _mm512_mul_ps(va, acc[2 * i]);
        __m512 t1 = _mm512_mul_ps(va, acc[2 * i + 1]);
        if (beta != 0.0f) {
            t0 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(ci), t0);
            t1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, ci + 16), t1);
        }
        _mm512_storeu_ps(ci, t0);
        _mm512_mask_storeu_ps(ci + 16, m1, t1);
    }
}

/* ---- AVX-512 dot tile for C = A . B^T (both stored with K contiguous): 4 rows of A against
 * 4 rows of B, 16 accumulators along K, then one horizontal reduction per element. Used
 * instead of transposing B into panels: the kernel gradient of a convolution (dout . col^T)
 * and the dense layer's forward are this shape. ---- */

#define DOT_MR 4
#define DOT_NR 4

/* (sum x, sum y, sum z, sum w) of four vectors, by a fixed tree */
__attribute__((target("avx512f"))) static __m128 hsum4(__m512 x, __m512 y, __m512 z, __m512 w)
{
#define HALVES(v)                                                                                  \
    _mm256_add_ps(_mm512_castps512_ps256(v),                                                       \
                  _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)))
    __m256 x2 = HALVES(x), y2 = HALVES(y), z2 = HALVES(z), w2 = HALVES(w);
#undef HALVES
    __m256 t0 = _mm256_hadd_ps(x2, y2);
    __m256 t1 = _mm256_hadd_ps(z2, w2);
    __m256 t2 = _mm256_hadd_ps(t0, t1);
    return _mm_add_ps(_mm256_castps256_ps128(t2), _mm256_extractf128_ps(t2, 1));
}

__attribute__((target("avx512f"))) static void dot_avx512(int mr, int nr, int k, const float *a,
                                                          long lda, const float *b, long ldb,
                                                          float *c, long ldc, float alpha,
                                                          float beta)
{
    /* rows past mr / nr repeat the last one; their sums are not stored */
    const float *a0 = a, *a1 = a + (mr > 1 ? 1 : 0) * lda;
    const float *a2 = a + (mr > 2 ? 2 : mr - 1) * lda, *a3 = a + (mr > 3 ? 3 : mr - 1) * lda;
    const float *b0 = b, *b1 = b + (nr > 1 ? 1 : 0) * ldb;
    const float *b2 = b + (nr > 2 ? 2 : nr - 1) * ldb, *b3 = b + (nr > 3 ? 3 : nr - 1) * ldb;
    __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps(), c02 = _mm512_setzero_ps();
    __m512 c03 = _mm512_setzero_ps(), c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
    __m512 c12 = _mm512_setzero_ps(), c13 = _mm512_setzero_ps(), c20 = _mm512_setzero_ps();
    __m512 c21 = _mm512_setzero_ps(), c22 = _mm512_setzero_ps(), c23 = _mm512_setzero_ps();
    __m512 c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps(), c32 = _mm512_setzero_ps();
    __m512 c33 = _mm512_setzero_ps();
    for (int p = 0; p < k; p += 16) {
        /* the last step masks the lanes past k: they load 0 and add 0 */
        __mmask16 m = mask16(k - p);
        __m512 va0 = _mm512_maskz_loadu_ps(m, a0 + p), va1 = _mm512_maskz_loadu_ps(m, a1 + p);
        __m512 va2 = _mm512_maskz_loadu_ps(m, a2 + p), va3 = _mm512_maskz_loadu_ps(m, a3 + p);
        __m512 vb = _mm512_maskz_loadu_ps(m, b0 + p);
        c00 = _mm512_fmadd_ps(va0, vb, c00);
        c10 = _mm512_fmadd_ps(va1, vb, c10);
        c20 = _mm512_fmadd_ps(va2, vb, c20);
        c30 = _mm512_fmadd_ps(va3, vb, c30);
        vb = _mm512_maskz_loadu_ps(m, b1 + p);
        c01 = _mm512_fmadd_ps(va0, vb, c01);
        c11 = _mm512_fmadd_ps(va1, vb, c11);
        c21 = _mm512_fmadd_ps(va2, vb, c21);
        c31 = _mm512_fmadd_ps(va3, vb, c31);
        vb = _mm512_maskz_loadu_ps(m, b2 + p);
        c02 = _mm512_fmadd_ps(va0, vb, c02);
        c12 = _mm512_fmadd_ps(va1, vb, c12);
        c22 = _mm512_fmadd_ps(va2, vb, c22);
        c32 = _mm512_fmadd_ps(va3, vb, c32);
        vb = _mm512_maskz_loadu_ps(m, b3 + p);
        c03 = _mm512_fmadd_ps(va0, vb, c03);
        c13 = _mm512_fmadd_ps(va1, vb, c13);
        c23 = _mm512_fmadd_ps(va2, vb, c23);
        c33 = _mm512_fmadd_ps(va3, vb, c33);
    }
    float sums[DOT_MR][4];
    _mm_storeu_ps(sums[0], hsum4(c00, c01, c02, c03));
    _mm_storeu_ps(sums[1], hsum4(c10, c11, c12, c13));
    _mm_storeu_ps(sums[2], hsum4(c20, c21, c22, c23));
    _mm_storeu_ps(sums[3], hsum4(c30, c31, c32, c33));
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < nr; j++) {
            float t = alpha * sums[i][j];
            float *cij = c + (long)i * ldc + j;
            *cij = beta != 0.0f ? t + beta * *cij : t;
        }
}

/* C (m, n) = alpha * A (m, k) . B (n, k)^T + beta * C with the dot tile. */
static void sgemm_nt_avx512(int m, int n, int k, float alpha, const float *a, int lda,
                            const float *b, int ldb, float beta, float *c, int ldc)
{
    for (int ir = 0; ir < m; ir += DOT_MR)
        for (int jr = 0; jr < n; jr += DOT_NR)
            dot_avx512(m - ir < DOT_MR ? m - ir : DOT_MR, n - jr < DOT_NR ? n - jr : DOT_NR, k,
                       a + (long)ir * lda, lda, b + (long)jr * ldb, ldb, c + (long)ir * ldc + jr,
                       ldc, alpha, beta);
}

#endif /* GEMM_X86 */

static const KernelDesc kernels[GEMM_KERNEL_COUNT] = {
    [GEMM_PORTABLE] = {P_MR, P_NR, tile_portable},
#if GEMM_X86
    [GEMM_AVX2] = {A2_MR, A2_NR, tile_avx2},
    [GEMM_AVX512] = {A5_MR, A5_NR, tile_avx512},
#else
    [GEMM_AVX2] = {P_MR, P_NR, tile_portable},
    [GEMM_AVX512] = {P_MR, P_NR, tile_portable},
#endif
};

bool gemm_kernel_available(GemmKernel k)
{
    switch (k) {
    case GEMM_PORTABLE:
        return true;
#if GEMM_X86
    case GEMM_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case GEMM_AVX512:
        return __builtin_cpu_supports("avx512f");
#endif
    default:
        return false;
    }
}

GemmKernel gemm_kernel_best(void)
{
    if (gemm_kernel_available(GEMM_AVX512))
        return GEMM_AVX512;
    if (gemm_kernel_available(GEMM_AVX2))
        return GEMM_AVX2;
    return GEMM_PORTABLE;
}

const char *gemm_kernel_name(GemmKernel k)
{
    switch (k) {
    case GEMM_PORTABLE:
        return "portable";
    case GEMM_AVX2:
        return "avx2";
    case GEMM_AVX512:
        return "avx512";
    default:
        return "?";
    }
}

void gemm_sgemm_with(GemmKernel kern, bool ta, bool tb, int m, int n, int k, float alpha,
                     const float *a, int lda, const float *b, int ldb, float beta, float *c,
                     int ldc)
{
    if (m <= 0 || n <= 0)
        return;
    if (k <= 0 || alpha == 0.0f) {
        /* nothing to sum: C = beta * C, without reading C when beta is 0 */
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                c[(long)i * ldc + j] = beta != 0.0f ? beta * c[(long)i * ldc + j] : 0.0f;
        return;
    }
#if GEMM_X86
    if (kern == GEMM_AVX512 && !ta && tb) {
        sgemm_nt_avx512(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
#endif
    const KernelDesc *kd = &kernels[kern];
    long ars = ta ? 1 : lda; /* A(i, p) = a[i*ars + p*acs] */
    long acs = ta ? lda : 1;
    float pack[GEMM_KC * NR_MAX]; /* a transposed B panel (kc, nr), row stride kd->nr */
    for (int pc = 0; pc < k; pc += GEMM_KC) {
        int kc = k - pc < GEMM_KC ? k - pc : GEMM_KC;
        /* the first K block applies beta; later blocks add to what C holds */
        float beff = pc == 0 ? beta : 1.0f;
        for (int jr = 0; jr < n; jr += kd->nr) {
            int nr = n - jr < kd->nr ? n - jr : kd->nr;
            const float *bp; /* (kc, nr) with row stride ldbp */
            long ldbp;
            if (tb) {
                for (int p = 0; p < kc; p++)
                    for (int j = 0; j < nr; j++)
                        pack[p * kd->nr + j] = b[(long)(jr + j) * ldb + pc + p];
                bp = pack;
                ldbp = kd->nr;
            } else {
                bp = b + (long)pc * ldb + jr;
                ldbp = ldb;
            }
            for (int ir = 0; ir < m; ir += kd->mr) {
                int mr = m - ir < kd->mr ? m - ir : kd->mr;
                kd->tile(mr, nr, kc, a + ir * ars + pc * acs, ars, acs, bp, ldbp,
                         c + (long)ir * ldc + jr, ldc, alpha, beff);
            }
        }
    }
}

void gemm_sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc)
{
    gemm_sgemm_with(gemm_kernel_best(), ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
