/* test_pool.c - max, average and L2 pooling: the notes' 4x4 example, ties, pool_cell against
 * pool_forward on random geometries, finite-difference gradients with overlapping windows,
 * and PyTorch reference values (tests/engine/torch_ref.h). */
#include "engine/pool.h"
#include "engine/rng.h"
#include "test.h"
#include "torch_ref.h"

#include <stdlib.h>

static PoolGeom pgeom(int n, int c, int h, int w, int kh, int kw, int sh, int sw)
{
    PoolGeom g = {n, c, h, w, kh, kw, sh, sw, 0, 0};
    return g;
}

static long in_count(const PoolGeom *g)
{
    return (long)g->n * g->c * g->h * g->w;
}
static long out_count(const PoolGeom *g)
{
    return (long)g->n * g->c * g->oh * g->ow;
}

static float *alloc_zero(long n)
{
    float *a = calloc((size_t)(n > 0 ? n : 1), sizeof(float));
    if (!a)
        abort();
    return a;
}

/* The notes' pooling example: kernel 2x2, stride (2,2). */
static const float NOTES_X[16] = {3, 2, 0, 0, /* */
                                  0, 7, 1, 3, /* */
                                  5, 2, 3, 0, /* */
                                  0, 9, 2, 3};

static void test_notes_example(void)
{
    PoolGeom g = pgeom(1, 1, 4, 4, 2, 2, 2, 2);
    CHECK(pool_geom_finish(&g));
    CHECK_INT_EQ(2, g.oh);
    CHECK_INT_EQ(2, g.ow);
    float out[4];
    pool_forward(out, NOTES_X, POOL_MAX, &g);
    const float max_expect[4] = {7, 3, 9, 3};
    CHECK_TENSOR_NEAR(max_expect, out, 4, 0.0, 0.0);
    pool_forward(out, NOTES_X, POOL_AVG, &g);
    const float avg_expect[4] = {3, 1, 4, 2};
    CHECK_TENSOR_NEAR(avg_expect, out, 4, 0.0, 0.0);
    /* L2 of the first window: sqrt(9 + 4 + 0 + 49) */
    pool_forward(out, NOTES_X, POOL_L2, &g);
    CHECK_NEAR(sqrtf(62.0f), out[0], 1e-6);
    CHECK_NEAR(sqrtf(9.0f + 0.0f + 4.0f + 9.0f), out[3], 1e-6); /* [3 0; 2 3] */

    /* argmax as flat index iy*W + ix; the last window [3 0; 2 3] ties 3 and 3: the first
     * in row-major order, (2,2), wins. */
    int arg = -2;
    CHECK_NEAR(7.0f, pool_cell(&g, POOL_MAX, NOTES_X, 0, 0, &arg), 0.0);
    CHECK_INT_EQ(1 * 4 + 1, arg);
    pool_cell(&g, POOL_MAX, NOTES_X, 0, 1, &arg);
    CHECK_INT_EQ(1 * 4 + 3, arg);
    pool_cell(&g, POOL_MAX, NOTES_X, 1, 0, &arg);
    CHECK_INT_EQ(3 * 4 + 1, arg);
    pool_cell(&g, POOL_MAX, NOTES_X, 1, 1, &arg);
    CHECK_INT_EQ(2 * 4 + 2, arg);
    pool_cell(&g, POOL_AVG, NOTES_X, 1, 1, &arg);
    CHECK_INT_EQ(-1, arg);

    /* Max-pool backward routes each dout to its argmax only. */
    const float dout[4] = {1, 2, 3, 4};
    float mx[4], dx[16] = {0};
    pool_forward(mx, NOTES_X, POOL_MAX, &g);
    pool_backward(dx, dout, NOTES_X, mx, POOL_MAX, &g);
    const float route[16] = {0, 0, 0, 0, /* */
                             0, 1, 0, 2, /* */
                             0, 0, 4, 0, /* */
                             0, 3, 0, 0};
    CHECK_TENSOR_NEAR(route, dx, 16, 0.0, 0.0);
    /* Average spreads dout / 4 over the window. */
    float av[4], dxa[16] = {0};
    pool_forward(av, NOTES_X, POOL_AVG, &g);
    pool_backward(dxa, dout, NOTES_X, av, POOL_AVG, &g);
    CHECK_NEAR(0.25f, dxa[0], 0.0);
    CHECK_NEAR(1.0f, dxa[15], 0.0);
}

static void test_geometry_and_ties(void)
{
    PoolGeom g = pgeom(1, 1, 7, 6, 3, 3, 2, 2);
    CHECK(pool_geom_finish(&g));
    CHECK_INT_EQ(3, g.oh);
    CHECK_INT_EQ(2, g.ow);
    g = pgeom(1, 1, 2, 5, 3, 2, 1, 1);
    CHECK(!pool_geom_finish(&g));
    g = pgeom(1, 1, 5, 5, 2, 2, 0, 1);
    CHECK(!pool_geom_finish(&g));
    /* An all-equal window picks its top-left cell. */
    const float flat[9] = {4, 4, 4, 4, 4, 4, 4, 4, 4};
    g = pgeom(1, 1, 3, 3, 2, 2, 1, 1);
    CHECK(pool_geom_finish(&g));
    int arg = -1;
    pool_cell(&g, POOL_MAX, flat, 1, 1, &arg);
    CHECK_INT_EQ(4, arg);
    /* L2 of an all-zero window is 0 and its gradient 0, not NaN. */
    const float zero[9] = {0}, ones[4] = {1, 1, 1, 1};
    float out[4], dx[9] = {0};
    pool_forward(out, zero, POOL_L2, &g);
    pool_backward(dx, ones, zero, out, POOL_L2, &g);
    int ok = 1;
    for (int i = 0; i < 9; i++)
        ok &= dx[i] == 0.0f;
    CHECK(ok);
    CHECK_NEAR(0.0f, out[0], 0.0);
}

static void test_cells_random(void)
{
    Rng rng;
    rng_seed(&rng, 31);
    int tried = 0, ok = 1, arg_ok = 1;
    while (tried < 60) {
        /* one draw per statement: argument evaluation order is unspecified */
        PoolGeom g = {0};
        g.n = 1 + (int)rng_below(&rng, 2);
        g.c = 1 + (int)rng_below(&rng, 3);
        g.h = 1 + (int)rng_below(&rng, 9);
        g.w = 1 + (int)rng_below(&rng, 9);
        g.kh = 1 + (int)rng_below(&rng, 4);
        g.kw = 1 + (int)rng_below(&rng, 4);
        g.sh = 1 + (int)rng_below(&rng, 3);
        g.sw = 1 + (int)rng_below(&rng, 3);
        if (!pool_geom_finish(&g))
            continue;
        tried++;
        float *x = alloc_zero(in_count(&g)), *out = alloc_zero(out_count(&g));
        /* small integers so ties happen often */
        for (long i = 0; i < in_count(&g); i++)
            x[i] = (float)rng_below(&rng, 4) - 1.0f;
        for (int kind = POOL_MAX; kind <= POOL_L2; kind++) {
            pool_forward(out, x, (PoolKind)kind, &g);
            for (int p = 0; p < g.n * g.c; p++) {
                const float *xp = x + (long)p * g.h * g.w;
                for (int oy = 0; oy < g.oh; oy++)
                    for (int ox = 0; ox < g.ow; ox++) {
                        int arg = -7;
                        float v = pool_cell(&g, (PoolKind)kind, xp, oy, ox, &arg);
                        ok &= v == out[((long)p * g.oh + oy) * g.ow + ox];
                        if (kind != POOL_MAX) {
                            arg_ok &= arg == -1;
                            continue;
                        }
                        /* the argmax is in the window, holds the max, and nothing earlier
                         * in row-major order holds it too */
                        int ay = arg / g.w, ax = arg % g.w;
                        arg_ok &= ay >= oy * g.sh && ay < oy * g.sh + g.kh;
                        arg_ok &= ax >= ox * g.sw && ax < ox * g.sw + g.kw;
                        arg_ok &= xp[arg] == v;
                        for (int ky = 0; ky < g.kh; ky++)
                            for (int kx = 0; kx < g.kw; kx++) {
                                int iy = oy * g.sh + ky, ix = ox * g.sw + kx;
                                arg_ok &= xp[iy * g.w + ix] <= v;
                                /* flat order inside a window is its row-major order */
                                if (iy * g.w + ix < arg)
                                    arg_ok &= xp[iy * g.w + ix] < v;
                            }
                    }
            }
        }
        free(x);
        free(out);
    }
    CHECK(ok);
    CHECK(arg_ok);
}

static double loss_of(const float *x, const float *r, float *out, PoolKind kind, const PoolGeom *g)
{
    pool_forward(out, x, kind, g);
    double s = 0.0;
    for (long i = 0; i < out_count(g); i++)
        s += (double)out[i] * r[i];
    return s;
}

static void fd_case(PoolGeom g, PoolKind kind, uint64_t seed, const char *what)
{
    CHECK(pool_geom_finish(&g));
    Rng rng;
    rng_seed(&rng, seed);
    const long n = in_count(&g);
    float *x = alloc_zero(n), *r = alloc_zero(out_count(&g)), *out = alloc_zero(out_count(&g));
    float *dx = alloc_zero(n), *fd = alloc_zero(n);
    /* Distinct values 0.013 apart (a shuffled ramp) keep every max away from a tie, so the
     * max is differentiable at x and the central difference sees one branch. */
    int *idx = malloc(sizeof(int) * (size_t)n);
    for (long i = 0; i < n; i++)
        idx[i] = (int)i;
    rng_shuffle(&rng, idx, (int)n);
    for (long i = 0; i < n; i++)
        x[i] = 0.2f + 0.013f * (float)idx[i] * (rng_below(&rng, 2) ? 1.0f : -1.0f);
    for (long i = 0; i < out_count(&g); i++)
        r[i] = rng_uniform(&rng) * 2.0f - 1.0f;
    pool_forward(out, x, kind, &g);
    for (long i = 0; i < n; i++)
        dx[i] = 1.0f; /* backward must accumulate */
    pool_backward(dx, r, x, out, kind, &g);
    for (long i = 0; i < n; i++)
        dx[i] -= 1.0f;
    const float eps = 1e-3f;
    for (long i = 0; i < n; i++) {
        const float keep = x[i];
        x[i] = keep + eps;
        double lp = loss_of(x, r, out, kind, &g);
        x[i] = keep - eps;
        double lm = loss_of(x, r, out, kind, &g);
        x[i] = keep;
        fd[i] = (float)((lp - lm) / (2.0 * eps));
    }
    test_tensor_near(fd, dx, n, 2e-3, 1e-2, __FILE__, __LINE__, what);
    free(idx);
    free(x);
    free(r);
    free(out);
    free(dx);
    free(fd);
}

static void test_finite_differences(void)
{
    /* overlapping 3x3 stride 2, non-square 3x2 stride (1,2), batch 2, two channels */
    fd_case(pgeom(2, 2, 7, 6, 3, 3, 2, 2), POOL_MAX, 1, "max 3x3 s2");
    fd_case(pgeom(2, 2, 7, 6, 3, 3, 2, 2), POOL_AVG, 2, "avg 3x3 s2");
    fd_case(pgeom(2, 2, 7, 6, 3, 3, 2, 2), POOL_L2, 3, "l2 3x3 s2");
    fd_case(pgeom(2, 1, 6, 7, 3, 2, 1, 2), POOL_MAX, 4, "max 3x2 s(1,2)");
    fd_case(pgeom(2, 1, 6, 7, 3, 2, 1, 2), POOL_AVG, 5, "avg 3x2 s(1,2)");
    fd_case(pgeom(2, 1, 6, 7, 3, 2, 1, 2), POOL_L2, 6, "l2 3x2 s(1,2)");
    fd_case(pgeom(1, 3, 4, 4, 2, 2, 2, 2), POOL_MAX, 7, "max 2x2 s2");
}

static void torch_case(PoolKind kind, int kh, int kw, const float *x, const float *ref_out,
                       const float *dout, const float *ref_dx, long n_out, const char *name)
{
    PoolGeom g = pgeom(2, 2, 7, 6, kh, kw, 2, 2);
    CHECK(pool_geom_finish(&g));
    CHECK_INT_EQ(n_out, out_count(&g));
    float out[64], dx[168] = {0};
    pool_forward(out, x, kind, &g);
    pool_backward(dx, dout, x, out, kind, &g);
    CHECK_TENSOR_NEAR(ref_out, out, n_out, 1e-6, 1e-5);
    CHECK_TENSOR_NEAR(ref_dx, dx, 168, 1e-6, 1e-5);
    double m = 0.0;
    for (long i = 0; i < n_out; i++)
        m = fmax(m, fabs((double)out[i] - ref_out[i]));
    for (long i = 0; i < 168; i++)
        m = fmax(m, fabs((double)dx[i] - ref_dx[i]));
    printf("torch %s: max abs diff %.3g\n", name, m);
}

static void test_torch_reference(void)
{
    /* N2 C2 H7 W6: max and avg 3x3 stride 2 (overlapping), L2 3x2 stride 2 */
    torch_case(POOL_MAX, 3, 3, TORCH_MAXPOOL_X, TORCH_MAXPOOL_OUT, TORCH_MAXPOOL_DOUT,
               TORCH_MAXPOOL_DX, (long)(sizeof TORCH_MAXPOOL_OUT / sizeof(float)), "maxpool");
    torch_case(POOL_AVG, 3, 3, TORCH_AVGPOOL_X, TORCH_AVGPOOL_OUT, TORCH_AVGPOOL_DOUT,
               TORCH_AVGPOOL_DX, (long)(sizeof TORCH_AVGPOOL_OUT / sizeof(float)), "avgpool");
    torch_case(POOL_L2, 3, 2, TORCH_L2POOL_X, TORCH_L2POOL_OUT, TORCH_L2POOL_DOUT, TORCH_L2POOL_DX,
               (long)(sizeof TORCH_L2POOL_OUT / sizeof(float)), "l2pool");
}

int main(void)
{
    test_notes_example();
    test_geometry_and_ties();
    test_cells_random();
    test_finite_differences();
    test_torch_reference();
    return test_summary();
}
