/* gemm.h - single-precision matrix multiply for the fast path: a portable reference kernel,
 * an AVX2/FMA kernel and an AVX-512 kernel, chosen at run time from what the CPU supports.
 * Depends on: libc.
 *
 * Legend: M rows of C, N columns of C, K the summed dimension. Row-major (C order) matrices
 * with leading dimensions lda/ldb/ldc (elements between the starts of consecutive rows).
 *
 * Determinism: every element of C is computed by the same instruction sequence wherever it
 * lies (edge tiles use masked loads, not a different code path), with K summed in fixed
 * blocks of GEMM_KC in ascending order (A . B^T on AVX-512: 16 lanes along K, reduced by a
 * fixed tree). So a given kernel gives bit-identical results however a caller splits M or N
 * between threads. Different kernels may differ in the last bits. */
#ifndef CONVSCOPE_GEMM_H
#define CONVSCOPE_GEMM_H

#include <stdbool.h>

/* K is summed in blocks of this many terms; each block's sum is added to C in order. */
#define GEMM_KC 256

typedef enum GemmKernel {
    GEMM_PORTABLE, /* plain C, any CPU */
    GEMM_AVX2,     /* AVX2 + FMA, 6x16 register tile */
    GEMM_AVX512,   /* AVX-512F, 8x32 register tile */
    GEMM_KERNEL_COUNT
} GemmKernel;

/* The fastest kernel this CPU (and OS) supports. */
GemmKernel gemm_kernel_best(void);
/* Whether this CPU can run kernel k. */
bool gemm_kernel_available(GemmKernel k);
/* "portable", "avx2", "avx512". */
const char *gemm_kernel_name(GemmKernel k);

/* C (M, N) = alpha * op(A) * op(B) + beta * C, where op(A) is A (M, K) or, when ta, the
 * transpose of A stored as (K, M); op(B) is B (K, N) or, when tb, B stored as (N, K).
 * With beta == 0, C is not read (it may hold garbage). Uses gemm_kernel_best(). */
void gemm_sgemm(bool ta, bool tb, int m, int n, int k, float alpha, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc);

/* The same with an explicit kernel (which must be available): for tests and benchmarks. */
void gemm_sgemm_with(GemmKernel kern, bool ta, bool tb, int m, int n, int k, float alpha,
                     const float *a, int lda, const float *b, int ldb, float beta, float *c,
                     int ldc);

#endif
