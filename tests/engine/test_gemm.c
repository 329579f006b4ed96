/* test_gemm.c - every available sgemm kernel equals a plain double-precision triple loop on
 * random shapes (both transposes, alpha/beta, edges smaller than a tile, K longer than one
 * block), never reads C when beta is 0, and gives bit-identical elements however M and N are
 * split (what makes the fast path's results independent of the thread count). */
#include "engine/gemm.h"
#include "engine/rng.h"
#include "test.h"

#include <stdlib.h>

/* C (m, n) = alpha * op(A) op(B) + beta * C in double: the naive loop the kernels must match */
static void naive(bool ta, bool tb, int m, int n, int k, float alpha, const float *a, int lda,
                  const float *b, int ldb, float beta, float *c, int ldc)
{
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int p = 0; p < k; p++) {
                double av = ta ? a[(long)p * lda + i] : a[(long)i * lda + p];
                double bv = tb ? b[(long)j * ldb + p] : b[(long)p * ldb + j];
                s += av * bv;
            }
            double old = beta != 0.0f ? (double)beta * c[(long)i * ldc + j] : 0.0;
            c[(long)i * ldc + j] = (float)(alpha * s + old);
        }
}

static float *random_floats(Rng *rng, long n)
{
    float *v = malloc((size_t)n * sizeof *v);
    for (long i = 0; i < n; i++)
        v[i] = rng_uniform(rng) * 2.0f - 1.0f;
    return v;
}

/* One random case on kernel kern: returns 1 when within tolerance. */
static void check_case(GemmKernel kern, Rng *rng, int m, int n, int k, bool ta, bool tb,
                       float alpha, float beta)
{
    int lda = (ta ? m : k) + (int)rng_below(rng, 3); /* padded leading dimensions */
    int ldb = (tb ? k : n) + (int)rng_below(rng, 3);
    int ldc = n + (int)rng_below(rng, 3);
    float *a = random_floats(rng, (long)(ta ? k : m) * lda);
    float *b = random_floats(rng, (long)(tb ? n : k) * ldb);
    float *c0 = random_floats(rng, (long)m * ldc);
    float *c1 = malloc((size_t)m * ldc * sizeof *c1);
    for (long i = 0; i < (long)m * ldc; i++)
        c1[i] = beta != 0.0f ? c0[i] : NAN; /* beta 0 must not read C */
    naive(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
    gemm_sgemm_with(kern, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c1, ldc);
    /* compare only the m x n window; the padding columns are untouched by both */
    float *e = malloc((size_t)m * n * sizeof *e), *g = malloc((size_t)m * n * sizeof *g);
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            e[(long)i * n + j] = c0[(long)i * ldc + j];
            g[(long)i * n + j] = c1[(long)i * ldc + j];
        }
    if (!CHECK_TENSOR_NEAR(e, g, (long)m * n, 1e-5 * (k + 1), 1e-5))
        fprintf(stderr, "  kernel %s m=%d n=%d k=%d ta=%d tb=%d alpha=%g beta=%g\n",
                gemm_kernel_name(kern), m, n, k, ta, tb, (double)alpha, (double)beta);
    free(a);
    free(b);
    free(c0);
    free(c1);
    free(e);
    free(g);
}

/* Splitting the rows and columns of C into arbitrary pieces gives the same bits. */
static void check_split(GemmKernel kern, Rng *rng, bool ta, bool tb)
{
    int m = 37, n = 71, k = 300;
    int lda = ta ? m : k, ldb = tb ? k : n;
    float *a = random_floats(rng, (long)m * k);
    float *b = random_floats(rng, (long)k * n);
    float *whole = malloc((size_t)m * n * sizeof *whole);
    float *parts = malloc((size_t)m * n * sizeof *parts);
    gemm_sgemm_with(kern, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, whole, n);
    int cuts_m[] = {0, 5, 6, 19, m}, cuts_n[] = {0, 3, 40, 41, n};
    for (int bi = 0; bi < 4; bi++)
        for (int bj = 0; bj < 4; bj++) {
            int i0 = cuts_m[bi], i1 = cuts_m[bi + 1], j0 = cuts_n[bj], j1 = cuts_n[bj + 1];
            const float *ap = ta ? a + i0 : a + (long)i0 * lda;
            const float *bp = tb ? b + (long)j0 * ldb : b + j0;
            gemm_sgemm_with(kern, ta, tb, i1 - i0, j1 - j0, k, 1.0f, ap, lda, bp, ldb, 0.0f,
                            parts + (long)i0 * n + j0, n);
        }
    CHECK(memcmp(whole, parts, (size_t)m * n * sizeof *whole) == 0);
    free(a);
    free(b);
    free(whole);
    free(parts);
}

int main(void)
{
    Rng rng;
    rng_seed(&rng, 7);
    CHECK(gemm_kernel_available(GEMM_PORTABLE));
    CHECK(gemm_kernel_available(gemm_kernel_best()));
    CHECK_STR_EQ("avx512", gemm_kernel_name(GEMM_AVX512));

    /* a hand-computed 2x2 example: [1 2; 3 4] [5 6; 7 8] = [19 22; 43 50] */
    float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8}, c[4];
    gemm_sgemm(false, false, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
    CHECK_NEAR(19.0, c[0], 0.0);
    CHECK_NEAR(22.0, c[1], 0.0);
    CHECK_NEAR(43.0, c[2], 0.0);
    CHECK_NEAR(50.0, c[3], 0.0);
    /* A^T B: [1 3; 2 4] [5 6; 7 8] = [26 30; 38 44]; then beta = 1 adds it again */
    gemm_sgemm(true, false, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
    gemm_sgemm(true, false, 2, 2, 2, 1.0f, a, 2, b, 2, 1.0f, c, 2);
    CHECK_NEAR(52.0, c[0], 0.0);
    CHECK_NEAR(88.0, c[3], 0.0);

    for (int kern = 0; kern < GEMM_KERNEL_COUNT; kern++) {
        if (!gemm_kernel_available((GemmKernel)kern))
            continue;
        /* shapes that hit every edge: tiny, not multiples of any tile, K over one block */
        int shapes[][3] = {{1, 1, 1},    {1, 17, 3},    {7, 1, 5},      {8, 32, 25}, {16, 100, 200},
                           {9, 33, 257}, {13, 47, 600}, {200, 100, 16}, {3, 5, 0},   {64, 64, 64}};
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
            for (int t = 0; t < 4; t++) {
                float beta = t == 0 ? 0.0f : t == 1 ? 1.0f : 0.5f;
                check_case((GemmKernel)kern, &rng, shapes[s][0], shapes[s][1], shapes[s][2], t & 1,
                           t & 2, t == 3 ? -0.75f : 1.0f, beta);
            }
        for (int r = 0; r < 30; r++) {
            int m = 1 + (int)rng_below(&rng, 40), n = 1 + (int)rng_below(&rng, 70);
            int k = 1 + (int)rng_below(&rng, 300);
            check_case((GemmKernel)kern, &rng, m, n, k, rng_below(&rng, 2), rng_below(&rng, 2),
                       1.0f, rng_below(&rng, 2) ? 1.0f : 0.0f);
        }
        for (int t = 0; t < 4; t++)
            check_split((GemmKernel)kern, &rng, t & 1, t & 2);
    }
    return test_summary();
}
