/* test_fastconv.c - the fast path equals the reference ops of conv.h, pool.h, act.h and
 * dense.h within float rounding, for every layer kind, on random shapes and options:
 * convolution (stride, asymmetric padding, dilation, non-square kernels, batches 1..33, odd
 * and whole-vector channel counts, and its fusion with the relu after it), transposed
 * convolution (output padding too), max / average / L2 pooling (overlapping and ragged
 * windows, ties, and the relu + max pool backward in one pass), every activation with its
 * parameter, lrn, softmax and dense; forward and backward, accumulating (+=) or writing as
 * each contract says. Pool-level ops give bit-identical results on 1, 2 and 3 threads; so do
 * whole nets through netrun.c (the default net, one with every kind, and random nets), whose
 * fast path also agrees with the reference ops. */
#include "engine/dense.h"
#include "engine/fastconv.h"
#include "engine/net.h"
#include "engine/rng.h"
#include "engine/workers.h"
#include "test.h"

#include <stdarg.h>
#include <stdlib.h>

/* CHECK that also gives its verdict, to collect into one */
static int check_ok(int ok, const char *file, int line, const char *expr)
{
    test_record(ok, file, line, expr, "");
    return ok;
}
#define CHECK_OK(expr) check_ok(!!(expr), __FILE__, __LINE__, #expr)

static float *random_floats(Rng *rng, long n)
{
    float *v = calloc((size_t)(n > 0 ? n : 1), sizeof *v);
    for (long i = 0; i < n; i++)
        v[i] = rng_uniform(rng) * 2.0f - 1.0f;
    return v;
}

static float *copy_floats(const float *src, long n)
{
    float *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    memcpy(v, src, (size_t)n * sizeof *v);
    return v;
}

/* 64-byte aligned scratch of n floats filled with garbage (the ops must not read it first) */
static float *scratch_floats(long n)
{
    size_t bytes = ((size_t)(n > 0 ? n : 1) * sizeof(float) + 63) / 64 * 64;
    float *v = aligned_alloc(64, bytes);
    memset(v, 0x7f, bytes);
    return v;
}

static int rnd(Rng *rng, int lo, int hi)
{
    return lo + (int)rng_below(rng, (uint32_t)(hi - lo + 1));
}

/* the largest |v| of n values, at least 1: tolerances scale with it */
static double magnitude(const float *v, long n)
{
    double m = 1.0;
    for (long i = 0; i < n; i++)
        m = fabs((double)v[i]) > m ? fabs((double)v[i]) : m;
    return m;
}

/* ---------------------------------------------------------------- convolution */

/* A random conv geometry with a valid output. */
static ConvGeom random_geom(Rng *rng)
{
    for (;;) {
        ConvGeom g = {0};
        g.n = rnd(rng, 1, 33);
        g.c = rnd(rng, 1, 5);
        g.h = rnd(rng, 1, 11);
        g.w = rnd(rng, 1, 11);
        g.o = rnd(rng, 1, 9);
        g.kh = rnd(rng, 1, 5);
        g.kw = rnd(rng, 1, 5);
        g.sh = rnd(rng, 1, 3);
        g.sw = rnd(rng, 1, 3);
        g.pt = rnd(rng, 0, 2);
        g.pb = rnd(rng, 0, 3);
        g.pl = rnd(rng, 0, 2);
        g.pr = rnd(rng, 0, 1);
        g.dh = rnd(rng, 1, 2);
        g.dw = rnd(rng, 1, 3);
        if (conv_geom_finish(&g))
            return g;
    }
}

static void describe(const char *what, const ConvGeom *g)
{
    fprintf(
        stderr,
        "  %s n=%d c=%d h=%d w=%d o=%d k=%dx%d s=%d,%d pad=%d,%d,%d,%d dil=%d,%d outpad=%d,%d\n",
        what, g->n, g->c, g->h, g->w, g->o, g->kh, g->kw, g->sh, g->sw, g->pt, g->pb, g->pl, g->pr,
        g->dh, g->dw, g->oph, g->opw);
}

/* Fast forward and backward on pool wk equal the reference on geometry g; the conv + relu
 * pass writes the same output and its relu. */
static void check_conv(Workers *wk, Rng *rng, const ConvGeom *g)
{
    long nx = (long)g->n * g->c * g->h * g->w, nw = (long)g->o * g->c * g->kh * g->kw;
    long no = (long)g->n * g->o * g->oh * g->ow;
    float *x = random_floats(rng, nx), *w = random_floats(rng, nw), *b = random_floats(rng, g->o);
    float *dout = random_floats(rng, no);
    float *ref = random_floats(rng, no), *got = random_floats(rng, no);
    conv_forward(ref, x, w, b, g);
    fastconv_forward(wk, got, x, w, b, g);
    int ok = CHECK_TENSOR_NEAR(ref, got, no, 1e-5, 1e-5);
    /* the same on the calling thread, with its relu */
    float *scratch = scratch_floats(fastconv_scratch_floats(g)), *relu = random_floats(rng, no);
    fastconv_forward_relu_on(scratch, got, relu, x, w, NULL, b, g);
    ok &= CHECK_TENSOR_NEAR(ref, got, no, 1e-5, 1e-5);
    for (long i = 0; i < no; i++)
        ref[i] = ref[i] > 0.0f ? ref[i] : 0.0f;
    ok &= CHECK_TENSOR_NEAR(ref, relu, no, 1e-5, 1e-5);
    free(scratch);
    conv_forward(ref, x, w, NULL, g);
    fastconv_forward(wk, got, x, w, NULL, g);
    ok &= CHECK_TENSOR_NEAR(ref, got, no, 1e-5, 1e-5);
    /* gradients start non-zero: both must add to what is there */
    float *dx0 = random_floats(rng, nx), *dw0 = random_floats(rng, nw);
    float *db0 = random_floats(rng, g->o);
    float *dx1 = copy_floats(dx0, nx), *dw1 = copy_floats(dw0, nw), *db1 = copy_floats(db0, g->o);
    conv_backward(dx0, dw0, db0, dout, x, w, g);
    fastconv_backward(wk, dx1, dw1, db1, dout, x, w, g);
    double tol = 1e-5 * (g->n * g->oh * g->ow + 1);
    ok &= CHECK_TENSOR_NEAR(dx0, dx1, nx, 1e-5 * (g->o * g->kh * g->kw + 1), 1e-5);
    ok &= CHECK_TENSOR_NEAR(dw0, dw1, nw, tol, 1e-5);
    ok &= CHECK_TENSOR_NEAR(db0, db1, g->o, tol, 1e-5);
    /* each gradient alone (the others NULL) is the same again */
    memcpy(dw0, dw1, (size_t)nw * sizeof *dw0);
    fastconv_backward(wk, NULL, dw1, NULL, dout, x, w, g);
    conv_backward(NULL, dw0, NULL, dout, x, w, g);
    ok &= CHECK_TENSOR_NEAR(dw0, dw1, nw, 2 * tol, 1e-5);
    if (!ok)
        describe("conv", g);
    free(x);
    free(w);
    free(b);
    free(dout);
    free(ref);
    free(got);
    free(relu);
    free(dx0);
    free(dw0);
    free(db0);
    free(dx1);
    free(dw1);
    free(db1);
}

/* The same geometry on 1, 2 and 3 threads: every output and gradient bit-identical. */
static void check_thread_independence(Workers **pools, Rng *rng, const ConvGeom *g)
{
    long nx = (long)g->n * g->c * g->h * g->w, nw = (long)g->o * g->c * g->kh * g->kw;
    long no = (long)g->n * g->o * g->oh * g->ow;
    float *x = random_floats(rng, nx), *w = random_floats(rng, nw), *b = random_floats(rng, g->o);
    float *dout = random_floats(rng, no);
    float *out[3], *dx[3], *dw[3], *db[3];
    for (int t = 0; t < 3; t++) {
        out[t] = malloc((size_t)no * sizeof(float));
        dx[t] = calloc((size_t)nx, sizeof(float));
        dw[t] = calloc((size_t)nw, sizeof(float));
        db[t] = calloc((size_t)g->o, sizeof(float));
        fastconv_forward(pools[t], out[t], x, w, b, g);
        fastconv_backward(pools[t], dx[t], dw[t], db[t], dout, x, w, g);
    }
    for (int t = 1; t < 3; t++) {
        CHECK(memcmp(out[0], out[t], (size_t)no * sizeof(float)) == 0);
        CHECK(memcmp(dx[0], dx[t], (size_t)nx * sizeof(float)) == 0);
        CHECK(memcmp(dw[0], dw[t], (size_t)nw * sizeof(float)) == 0);
        CHECK(memcmp(db[0], db[t], (size_t)g->o * sizeof(float)) == 0);
    }
    for (int t = 0; t < 3; t++) {
        free(out[t]);
        free(dx[t]);
        free(dw[t]);
        free(db[t]);
    }
    free(x);
    free(w);
    free(b);
    free(dout);
}

static ConvGeom conv_geom(int n, int c, int h, int w, int o, int k, int pad)
{
    ConvGeom g = {.n = n,
                  .c = c,
                  .h = h,
                  .w = w,
                  .o = o,
                  .kh = k,
                  .kw = k,
                  .sh = 1,
                  .sw = 1,
                  .pt = pad,
                  .pb = pad,
                  .pl = pad,
                  .pr = pad,
                  .dh = 1,
                  .dw = 1};
    CHECK(conv_geom_finish(&g));
    return g;
}

static void test_conv(Workers **pools, Rng *rng)
{
    /* a hand-computed case (the notes' 3x3 input, 2x2 kernel of 0..3):
     * [0 1 2; 3 4 5; 6 7 8] * [0 1; 2 3] = [19 25; 37 43] */
    {
        ConvGeom g = conv_geom(1, 1, 3, 3, 1, 2, 0);
        CHECK(fastconv_supported(&g));
        float x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8}, w[4] = {0, 1, 2, 3}, out[4];
        fastconv_forward(pools[1], out, x, w, NULL, &g);
        CHECK_NEAR(19.0, out[0], 0.0);
        CHECK_NEAR(25.0, out[1], 0.0);
        CHECK_NEAR(37.0, out[2], 0.0);
        CHECK_NEAR(43.0, out[3], 0.0);
        /* dout of ones: dw[ky][kx] sums the 2x2 block of x at that offset: 8 12 20 24 */
        float dout[4] = {1, 1, 1, 1}, dw[4] = {0}, db[1] = {0}, dx[9] = {0};
        fastconv_backward(pools[1], dx, dw, db, dout, x, w, &g);
        CHECK_NEAR(8.0, dw[0], 0.0);
        CHECK_NEAR(12.0, dw[1], 0.0);
        CHECK_NEAR(20.0, dw[2], 0.0);
        CHECK_NEAR(24.0, dw[3], 0.0);
        CHECK_NEAR(4.0, db[0], 0.0);
        /* the centre input cell is visited by all four taps: 0+1+2+3 */
        CHECK_NEAR(6.0, dx[4], 0.0);
        CHECK_NEAR(0.0, dx[0], 0.0);
    }
    /* invalid geometry is not for the fast path */
    {
        ConvGeom g = {.n = 1, .c = 1, .h = 3, .w = 3, .o = 1, .kh = 5, .kw = 5};
        g.sh = g.sw = g.dh = g.dw = 1;
        CHECK(!conv_geom_finish(&g));
        CHECK(!fastconv_supported(&g));
    }
    /* the default net's two layers (its direct and implicit paths), a 1x1 convolution that
     * reads x in place, then random geometries on every pool size */
    ConvGeom c1 = conv_geom(5, 1, 28, 28, 8, 5, 2), c2 = conv_geom(6, 8, 14, 14, 16, 5, 0);
    ConvGeom c3 = conv_geom(3, 7, 5, 6, 3, 1, 0);
    check_conv(pools[1], rng, &c1);
    check_conv(pools[2], rng, &c2);
    check_conv(pools[0], rng, &c3);
    for (int r = 0; r < 60; r++) {
        ConvGeom g = random_geom(rng);
        /* a third with whole vectors of output channels (the implicit path) */
        if (r % 3 == 2)
            g.o = 16 * (1 + r % 2);
        check_conv(pools[r % 3], rng, &g);
    }
    /* wide rows (the direct path when O is not whole vectors: up to three 16-column chunks,
     * rows in pairs when they fit one vector, channel counts around its blocks of 8 and 4,
     * strided rows, dilation, the kernel widths it unrolls and others) */
    for (int r = 0; r < 16; r++) {
        ConvGeom g = random_geom(rng);
        g.w = rnd(rng, 12, 44);
        g.sw = 1;
        g.o = rnd(rng, 1, 13);
        g.n = rnd(rng, 1, 9);
        g.kw = r % 4 == 0 ? 5 : r % 4 == 1 ? 3 : g.kw;
        if (!conv_geom_finish(&g))
            continue;
        check_conv(pools[r % 3], rng, &g);
    }
    /* 5x5 kernels onto whole vectors of output channels (the implicit paths' tiles by input
     * channel and by output row), with row strides, row dilation and padding */
    for (int r = 0; r < 8; r++) {
        ConvGeom g = random_geom(rng);
        g.kh = g.kw = 5;
        g.sw = g.dw = 1;
        g.h = rnd(rng, 5, 16);
        g.w = rnd(rng, 5, 16);
        g.o = 16 * (1 + r % 2);
        if (!conv_geom_finish(&g))
            continue;
        check_conv(pools[r % 3], rng, &g);
    }
    /* without a pool, the reference itself runs */
    check_conv(NULL, rng, &c2);

    check_thread_independence(pools, rng, &c1);
    check_thread_independence(pools, rng, &c2);
    for (int r = 0; r < 10; r++) {
        ConvGeom g = random_geom(rng);
        if (r % 2)
            g.o = 16;
        if (r % 3 == 0) {
            g.w = rnd(rng, 12, 40);
            g.sw = 1;
        }
        if (!conv_geom_finish(&g))
            continue;
        check_thread_independence(pools, rng, &g);
    }
}

/* ---------------------------------------------------------------- transposed convolution */

/* The fast deconv on the calling thread equals deconv_forward / deconv_backward on g: the
 * output, and the input, kernel and bias gradients, which it writes (whatever the buffers
 * held). */
static void check_deconv(Rng *rng, const ConvGeom *g)
{
    long nx = (long)g->n * g->c * g->h * g->w, nw = (long)g->c * g->o * g->kh * g->kw;
    long no = (long)g->n * g->o * g->oh * g->ow;
    CHECK(fastconv_deconv_supported(g));
    float *x = random_floats(rng, nx), *w = random_floats(rng, nw), *b = random_floats(rng, g->o);
    float *dout = random_floats(rng, no), *ref = random_floats(rng, no);
    float *got = random_floats(rng, no);
    float *scratch = scratch_floats(fastconv_deconv_scratch_floats(g));
    deconv_forward(ref, x, w, b, g);
    fastconv_deconv_forward_on(scratch, got, x, w, b, g);
    double tol = 1e-5 * (g->c * g->kh * g->kw + 1);
    int ok = CHECK_TENSOR_NEAR(ref, got, no, tol, 1e-5);
    deconv_forward(ref, x, w, NULL, g);
    fastconv_deconv_forward_on(scratch, got, x, w, NULL, g);
    ok &= CHECK_TENSOR_NEAR(ref, got, no, tol, 1e-5);
    float *dx0 = calloc((size_t)nx, sizeof(float)), *dw0 = calloc((size_t)nw, sizeof(float));
    float *db0 = calloc((size_t)g->o, sizeof(float));
    float *dx1 = random_floats(rng, nx), *dw1 = random_floats(rng, nw);
    float *db1 = random_floats(rng, g->o);
    deconv_backward(dx0, dw0, db0, dout, x, w, g);
    fastconv_deconv_backward_on(scratch, dx1, dw1, db1, dout, x, w, g);
    ok &= CHECK_TENSOR_NEAR(dx0, dx1, nx, 1e-5 * (g->o * g->kh * g->kw + 1), 1e-5);
    ok &= CHECK_TENSOR_NEAR(dw0, dw1, nw, 1e-5 * (g->n * g->h * g->w + 1), 1e-5);
    ok &= CHECK_TENSOR_NEAR(db0, db1, g->o, 1e-5 * (g->n * g->oh * g->ow + 1), 1e-5);
    /* the kernel gradient alone */
    float *dw2 = random_floats(rng, nw);
    fastconv_deconv_backward_on(scratch, NULL, dw2, NULL, dout, x, w, g);
    ok &= CHECK_OK(memcmp(dw1, dw2, (size_t)nw * sizeof(float)) == 0);
    if (!ok)
        describe("deconv", g);
    free(x);
    free(w);
    free(b);
    free(dout);
    free(ref);
    free(got);
    free(scratch);
    free(dx0);
    free(dw0);
    free(db0);
    free(dx1);
    free(dw1);
    free(db1);
    free(dw2);
}

static void test_deconv(Rng *rng)
{
    /* a hand-computed case: one input cell of 2 stamps the 2x2 kernel 1 2 3 4 twice as large,
     * at stride 2 with the bias 0.5; the other cell (0) stamps nothing but the bias */
    {
        ConvGeom g = {.n = 1, .c = 1, .h = 1, .w = 2, .o = 1, .kh = 2, .kw = 2};
        g.sh = g.sw = 2;
        g.dh = g.dw = 1;
        CHECK(deconv_geom_finish(&g));
        CHECK_INT_EQ(2, g.oh);
        CHECK_INT_EQ(4, g.ow);
        float x[2] = {2, 0}, w[4] = {1, 2, 3, 4}, b[1] = {0.5f}, out[8];
        float *scratch = scratch_floats(fastconv_deconv_scratch_floats(&g));
        fastconv_deconv_forward_on(scratch, out, x, w, b, &g);
        const float want[8] = {2.5f, 4.5f, 0.5f, 0.5f, 6.5f, 8.5f, 0.5f, 0.5f};
        CHECK_TENSOR_NEAR(want, out, 8, 0.0, 0.0);
        free(scratch);
    }
    for (int r = 0; r < 50; r++) {
        ConvGeom g = random_geom(rng);
        g.n = rnd(rng, 1, 9);
        g.h = rnd(rng, 1, 8);
        g.w = rnd(rng, 1, r % 4 == 0 ? 30 : 8);
        /* output padding below the stride or the dilation (PyTorch's rule) */
        g.oph = rnd(rng, 0, (g.sh > g.dh ? g.sh : g.dh) - 1);
        g.opw = rnd(rng, 0, (g.sw > g.dw ? g.sw : g.dw) - 1);
        /* input channels in whole vectors too (the kernel gradient comes transposed), and
         * output channels in whole vectors (the implicit path of its input gradient) */
        if (r % 5 == 1)
            g.c = 16;
        if (r % 5 == 2)
            g.o = 16;
        if (!deconv_geom_finish(&g))
            continue;
        check_deconv(rng, &g);
    }
}

/* ---------------------------------------------------------------- pooling */

static void check_pool(Workers *wk, Rng *rng, PoolKind kind, int n, int c, int h, int w, int kh,
                       int kw, int sh, int sw, bool ties)
{
    PoolGeom g = {.n = n, .c = c, .h = h, .w = w, .kh = kh, .kw = kw, .sh = sh, .sw = sw};
    CHECK(pool_geom_finish(&g));
    long nx = (long)n * c * h * w, no = (long)n * c * g.oh * g.ow;
    float *x = random_floats(rng, nx);
    if (ties) /* few distinct values (like relu's zeros): the first maximum must win */
        for (long i = 0; i < nx; i++)
            x[i] = (float)(int)(x[i] * 2.0f);
    float *ref = malloc((size_t)no * sizeof *ref), *got = malloc((size_t)no * sizeof *got);
    pool_forward(ref, x, kind, &g);
    fastconv_pool_forward(wk, got, x, kind, &g);
    int ok = CHECK_TENSOR_NEAR(ref, got, no, 1e-6, 1e-6);
    float *dout = random_floats(rng, no), *dx0 = random_floats(rng, nx);
    float *dx1 = copy_floats(dx0, nx);
    pool_backward(dx0, dout, x, ref, kind, &g);
    fastconv_pool_backward(wk, dx1, dout, x, ref, kind, &g);
    ok &= CHECK_TENSOR_NEAR(dx0, dx1, nx, 1e-6, 1e-6);
    /* the writing variant ignores what dx held: equal to the reference from zero */
    float *dx2 = calloc((size_t)nx, sizeof *dx2), *dx3 = random_floats(rng, nx);
    pool_backward(dx2, dout, x, ref, kind, &g);
    fastconv_pool_backward_set(dx3, dout, x, ref, kind, &g);
    ok &= CHECK_TENSOR_NEAR(dx2, dx3, nx, 1e-6, 1e-6);
    if (kind == POOL_MAX) {
        /* a relu and this pool backward in one pass: x is the relu's output (>= 0, ties at
         * 0), v its input; the relu's gradient is the pool's masked by v > 0 */
        float *v = copy_floats(x, nx), *xr = malloc((size_t)nx * sizeof *xr);
        act_forward(xr, v, nx, ACT_RELU, 0.0f);
        pool_forward(ref, xr, POOL_MAX, &g);
        float *dp = calloc((size_t)nx, sizeof *dp), *dv = calloc((size_t)nx, sizeof *dv);
        pool_backward(dp, dout, xr, ref, POOL_MAX, &g);
        act_backward(dv, dp, v, nx, ACT_RELU, 0.0f);
        float *dp1 = random_floats(rng, nx), *dv1 = random_floats(rng, nx);
        fastconv_relu_maxpool_backward_set(dv1, dp1, dout, xr, ref, &g);
        ok &= CHECK_TENSOR_NEAR(dp, dp1, nx, 0.0, 0.0);
        ok &= CHECK_TENSOR_NEAR(dv, dv1, nx, 0.0, 0.0);
        /* without the pool's gradient */
        memset(dv1, 0x7f, (size_t)nx * sizeof *dv1);
        fastconv_relu_maxpool_backward_set(dv1, NULL, dout, xr, ref, &g);
        ok &= CHECK_TENSOR_NEAR(dv, dv1, nx, 0.0, 0.0);
        free(v);
        free(xr);
        free(dp);
        free(dv);
        free(dp1);
        free(dv1);
    }
    if (!ok)
        fprintf(stderr, "  pool kind %d n=%d c=%d h=%d w=%d k=%dx%d s=%d,%d\n", (int)kind, n, c, h,
                w, kh, kw, sh, sw);
    free(dx2);
    free(dx3);
    free(x);
    free(ref);
    free(got);
    free(dout);
    free(dx0);
    free(dx1);
}

/* One pool-level op on 1, 2 and 3 threads: the same bits. */
static void check_pool_threads(Workers **pools, Rng *rng, PoolKind kind, const PoolGeom *g)
{
    long nx = (long)g->n * g->c * g->h * g->w, no = (long)g->n * g->c * g->oh * g->ow;
    float *x = random_floats(rng, nx), *dout = random_floats(rng, no);
    float *y[3], *dx[3];
    for (int t = 0; t < 3; t++) {
        y[t] = malloc((size_t)no * sizeof(float));
        dx[t] = calloc((size_t)nx, sizeof(float));
        fastconv_pool_forward(pools[t], y[t], x, kind, g);
        fastconv_pool_backward(pools[t], dx[t], dout, x, y[t], kind, g);
    }
    for (int t = 1; t < 3; t++) {
        CHECK(memcmp(y[0], y[t], (size_t)no * sizeof(float)) == 0);
        CHECK(memcmp(dx[0], dx[t], (size_t)nx * sizeof(float)) == 0);
    }
    for (int t = 0; t < 3; t++) {
        free(y[t]);
        free(dx[t]);
    }
    free(x);
    free(dout);
}

static void test_pool(Workers **pools, Rng *rng)
{
    /* hand-computed: the 2x2 window of 1 -3; 2 0 gives max 2, average 0, L2 sqrt(14) */
    {
        PoolGeom g = {.n = 1, .c = 1, .h = 2, .w = 2, .kh = 2, .kw = 2, .sh = 2, .sw = 2};
        CHECK(pool_geom_finish(&g));
        const float x[4] = {1, -3, 2, 0};
        float y[3], dx[4];
        fastconv_pool_forward(pools[0], &y[0], x, POOL_MAX, &g);
        fastconv_pool_forward(pools[0], &y[1], x, POOL_AVG, &g);
        fastconv_pool_forward(pools[0], &y[2], x, POOL_L2, &g);
        CHECK_NEAR(2.0, y[0], 0.0);
        CHECK_NEAR(0.0, y[1], 0.0);
        CHECK_NEAR(sqrt(14.0), y[2], 1e-6);
        /* L2's gradient for dout 1: x / out */
        const float one = 1.0f;
        fastconv_pool_backward_set(dx, &one, x, &y[2], POOL_L2, &g);
        CHECK_NEAR(-3.0 / sqrt(14.0), dx[1], 1e-6);
    }
    /* the default 2x2, overlapping and ragged windows, ties, all three kinds */
    static const PoolKind kinds[3] = {POOL_MAX, POOL_AVG, POOL_L2};
    for (int k = 0; k < 3; k++) {
        check_pool(pools[1], rng, kinds[k], 7, 3, 28, 28, 2, 2, 2, 2, true);
        check_pool(pools[2], rng, kinds[k], 4, 5, 9, 7, 3, 2, 2, 1, true);
        check_pool(pools[0], rng, kinds[k], 2, 3, 11, 10, 2, 3, 3, 2, false);
        check_pool(pools[1], rng, kinds[k], 3, 2, 9, 11, 2, 2, 2, 2, true); /* ragged edges */
        check_pool(pools[2], rng, kinds[k], 2, 2, 10, 40, 2, 2, 2, 2, false);
        check_pool(pools[1], rng, kinds[k], 3, 2, 6, 6, 3, 3, 1, 1, false); /* 3x3 stride 1 */
    }
    for (int r = 0; r < 45; r++) {
        int h = rnd(rng, 1, 12), w = rnd(rng, 1, 12);
        int kh = rnd(rng, 1, h < 4 ? h : 4), kw = rnd(rng, 1, w < 4 ? w : 4);
        check_pool(pools[r % 3], rng, kinds[r % 3], rnd(rng, 1, 6), rnd(rng, 1, 4), h, w, kh, kw,
                   rnd(rng, 1, 3), rnd(rng, 1, 3), r % 2 == 0);
    }
    for (int k = 0; k < 3; k++) {
        PoolGeom g = {.n = 5, .c = 3, .h = 12, .w = 9, .kh = 3, .kw = 2, .sh = 2, .sw = 1};
        CHECK(pool_geom_finish(&g));
        check_pool_threads(pools, rng, kinds[k], &g);
        PoolGeom g2 = {.n = 9, .c = 4, .h = 20, .w = 20, .kh = 2, .kw = 2, .sh = 2, .sw = 2};
        CHECK(pool_geom_finish(&g2));
        check_pool_threads(pools, rng, kinds[k], &g2);
    }
}

/* ---------------------------------------------------------------- activations */

/* Every kind on n values (exact zeros, the softplus threshold, large magnitudes): forward,
 * backward adding and writing, equal to act.h within a few float roundings; and the same bits
 * on 1, 2 and 3 threads. */
static void check_act(Workers **pools, Rng *rng, ActKind kind, float param, long n)
{
    float *x = random_floats(rng, n), *dy = random_floats(rng, n);
    for (long i = 0; i < n; i++) {
        if (i % 7 == 0)
            x[i] = 0.0f;
        else if (i % 5 == 0)
            x[i] *= 40.0f;
        else if (i % 3 == 0)
            /* softplus switches to the identity here */
            x[i] = 20.0f / (param > 0.0f ? param : 1.0f) + x[i] * 1e-3f;
        else
            x[i] *= 4.0f;
    }
    float *y0 = malloc((size_t)n * sizeof *y0), *y[3];
    act_forward(y0, x, n, kind, param);
    int ok = 1;
    for (int t = 0; t < 3; t++) {
        y[t] = malloc((size_t)n * sizeof *y[t]);
        fastconv_act_forward(pools[t], y[t], x, n, kind, param);
        ok &= t == 0 ? CHECK_TENSOR_NEAR(y0, y[0], n, 1e-6, 4e-7)
                     : CHECK_OK(memcmp(y[0], y[t], (size_t)n * sizeof(float)) == 0);
    }
    float *d0 = random_floats(rng, n), *d1 = copy_floats(d0, n), *d2 = copy_floats(d0, n);
    act_backward(d0, dy, x, n, kind, param);
    fastconv_act_backward(pools[1], d1, dy, x, n, kind, param);
    fastconv_act_backward(pools[2], d2, dy, x, n, kind, param);
    ok &= CHECK_TENSOR_NEAR(d0, d1, n, 1e-6, 1e-6);
    ok &= CHECK_OK(memcmp(d1, d2, (size_t)n * sizeof(float)) == 0);
    /* the writing variant: dy * f'(x), whatever the buffer held */
    for (long i = 0; i < n; i++)
        d0[i] = 0.0f;
    act_backward(d0, dy, x, n, kind, param);
    fastconv_act_backward_set(d1, dy, x, n, kind, param);
    ok &= CHECK_TENSOR_NEAR(d0, d1, n, 1e-6, 1e-6);
    if (!ok)
        fprintf(stderr, "  activation %d param %g\n", (int)kind, (double)param);
    free(x);
    free(dy);
    free(y0);
    for (int t = 0; t < 3; t++)
        free(y[t]);
    free(d0);
    free(d1);
    free(d2);
}

static void test_act(Workers **pools, Rng *rng)
{
    /* hand-computed values: sigmoid(0) = 1/2 with slope 1/4, tanh(1) = 0.7615942, leaky
     * alpha 0.1 at -2 gives -0.2, softplus(0) = ln 2 with slope 1/2, and |-3| = 3 */
    {
        const float x[5] = {0.0f, 1.0f, -2.0f, 0.0f, -3.0f}, dy[1] = {1.0f};
        float y[5], d[5];
        static const ActKind kinds[5] = {ACT_SIGMOID, ACT_TANH, ACT_LEAKY, ACT_SOFTPLUS, ACT_ABS};
        const float params[5] = {0.0f, 0.0f, 0.1f, 1.0f, 0.0f};
        for (int k = 0; k < 5; k++) {
            fastconv_act_forward(pools[0], &y[k], &x[k], 1, kinds[k], params[k]);
            fastconv_act_backward_set(&d[k], dy, &x[k], 1, kinds[k], params[k]);
        }
        CHECK_NEAR(0.5, y[0], 1e-7);
        CHECK_NEAR(0.25, d[0], 1e-7);
        CHECK_NEAR(0.76159416, y[1], 1e-7);
        CHECK_NEAR(1.0 - 0.76159416 * 0.76159416, d[1], 1e-6);
        CHECK_NEAR(-0.2, y[2], 1e-7);
        CHECK_NEAR(0.1, d[2], 1e-7);
        CHECK_NEAR(0.69314718, y[3], 1e-7);
        CHECK_NEAR(0.5, d[3], 1e-7);
        CHECK_NEAR(3.0, y[4], 0.0);
        CHECK_NEAR(-1.0, d[4], 0.0);
    }
    /* lengths around the 16 lanes and the pool's chunks */
    const long lens[4] = {1, 17, 1000, 100003};
    for (int r = 0; r < 4; r++) {
        check_act(pools, rng, ACT_RELU, 0.0f, lens[r]);
        check_act(pools, rng, ACT_LEAKY, 0.01f + rng_uniform(rng) * 0.3f, lens[r]);
        check_act(pools, rng, ACT_SIGMOID, 0.0f, lens[r]);
        check_act(pools, rng, ACT_TANH, 0.0f, lens[r]);
        check_act(pools, rng, ACT_ABS, 0.0f, lens[r]);
        check_act(pools, rng, ACT_SOFTPLUS, 1.0f, lens[r]);
        check_act(pools, rng, ACT_SOFTPLUS, 0.2f + rng_uniform(rng) * 3.0f, lens[r]);
    }
}

/* ---------------------------------------------------------------- lrn, softmax, dense */

static void check_lrn(Rng *rng, int n, int c, int h, int w, int size, float alpha, float beta,
                      float k)
{
    long e = (long)n * c * h * w;
    float *x = random_floats(rng, e), *dy = random_floats(rng, e);
    for (long i = 0; i < e; i++)
        x[i] *= 3.0f;
    float *y0 = malloc((size_t)e * sizeof *y0), *y1 = random_floats(rng, e);
    lrn_forward(y0, x, n, c, h, w, size, alpha, beta, k);
    fastconv_lrn_forward(y1, x, n, c, h, w, size, alpha, beta, k);
    int ok = CHECK_TENSOR_NEAR(y0, y1, e, 1e-6, 1e-5);
    float *d0 = random_floats(rng, e), *d1 = copy_floats(d0, e);
    float *scratch = scratch_floats(fastconv_lrn_scratch_floats(c));
    lrn_backward(d0, dy, x, n, c, h, w, size, alpha, beta, k);
    fastconv_lrn_backward(scratch, d1, dy, x, n, c, h, w, size, alpha, beta, k);
    ok &= CHECK_TENSOR_NEAR(d0, d1, e, 1e-6, 1e-5);
    if (!ok)
        fprintf(stderr, "  lrn n=%d c=%d %dx%d size=%d alpha=%g beta=%g k=%g\n", n, c, h, w, size,
                (double)alpha, (double)beta, (double)k);
    free(x);
    free(dy);
    free(y0);
    free(y1);
    free(d0);
    free(d1);
    free(scratch);
}

static void test_lrn_softmax_dense(Workers **pools, Rng *rng)
{
    /* hand-computed lrn: one channel, size 1, alpha 1, beta 1/2, k 1: y = x / sqrt(1 + x^2) */
    {
        const float x[2] = {2.0f, -1.0f};
        float y[2];
        fastconv_lrn_forward(y, x, 1, 1, 1, 2, 1, 1.0f, 0.5f, 1.0f);
        CHECK_NEAR(2.0 / sqrt(5.0), y[0], 1e-6);
        CHECK_NEAR(-1.0 / sqrt(2.0), y[1], 1e-6);
    }
    /* the defaults, even and odd windows, a window wider than the channels, pixels around the
     * 16 lanes */
    check_lrn(rng, 2, 8, 5, 5, 5, 1e-4f, 0.75f, 1.0f);
    check_lrn(rng, 3, 6, 3, 7, 4, 0.5f, 0.75f, 2.0f);
    check_lrn(rng, 1, 3, 4, 4, 7, 0.3f, 1.5f, 0.5f);
    check_lrn(rng, 2, 1, 1, 17, 1, 1.0f, 0.5f, 1.0f);
    for (int r = 0; r < 12; r++)
        check_lrn(rng, rnd(rng, 1, 3), rnd(rng, 1, 20), rnd(rng, 1, 6), rnd(rng, 1, 19),
                  rnd(rng, 1, 9), 0.01f + rng_uniform(rng), 0.1f + rng_uniform(rng) * 1.5f,
                  0.5f + rng_uniform(rng) * 2.0f);

    /* softmax: hand-computed [0, ln 3] -> [1/4, 3/4], then random rows */
    {
        const float z[2] = {0.0f, logf(3.0f)};
        float p[2];
        fastconv_softmax_forward(p, z, 1, 2);
        CHECK_NEAR(0.25, p[0], 1e-7);
        CHECK_NEAR(0.75, p[1], 1e-7);
    }
    const int ks[4] = {1, 10, 17, 40};
    for (int r = 0; r < 4; r++) {
        int n = 3 + r, k = ks[r];
        float *z = random_floats(rng, (long)n * k), *p0 = malloc((size_t)n * k * sizeof(float));
        float *p1 = malloc((size_t)n * k * sizeof(float));
        for (long i = 0; i < (long)n * k; i++)
            z[i] *= 30.0f;
        softmax_forward(p0, z, n, k);
        fastconv_softmax_forward(p1, z, n, k);
        CHECK_TENSOR_NEAR(p0, p1, (long)n * k, 1e-7, 1e-5);
        free(z);
        free(p0);
        free(p1);
    }

    /* dense: the default net's 400 -> 10 and ragged ones */
    int dense_shapes[][3] = {{32, 400, 10}, {33, 17, 3}, {1, 5, 9}};
    for (int s = 0; s < 3; s++) {
        int n = dense_shapes[s][0], in = dense_shapes[s][1], out = dense_shapes[s][2];
        float *x = random_floats(rng, (long)n * in), *w = random_floats(rng, (long)out * in);
        float *b = random_floats(rng, out), *dy = random_floats(rng, (long)n * out);
        float *y0 = malloc((size_t)n * out * sizeof *y0),
              *y1 = malloc((size_t)n * out * sizeof *y1);
        dense_forward(y0, x, w, b, n, in, out);
        fastconv_dense_forward(pools[1], y1, x, w, b, n, in, out);
        CHECK_TENSOR_NEAR(y0, y1, (long)n * out, 1e-4, 1e-5);
        float *dx0 = random_floats(rng, (long)n * in), *dw0 = random_floats(rng, (long)out * in);
        float *db0 = random_floats(rng, out);
        float *dx1 = copy_floats(dx0, (long)n * in), *dw1 = copy_floats(dw0, (long)out * in);
        float *db1 = copy_floats(db0, out);
        dense_backward(dx0, dw0, db0, dy, x, w, n, in, out);
        fastconv_dense_backward(pools[1], dx1, dw1, db1, dy, x, w, n, in, out);
        CHECK_TENSOR_NEAR(dx0, dx1, (long)n * in, 1e-4, 1e-5);
        CHECK_TENSOR_NEAR(dw0, dw1, (long)out * in, 1e-4, 1e-5);
        CHECK_TENSOR_NEAR(db0, db1, out, 1e-5, 1e-5);
        free(x);
        free(w);
        free(b);
        free(dy);
        free(y0);
        free(y1);
        free(dx0);
        free(dw0);
        free(db0);
        free(dx1);
        free(dw1);
        free(db1);
    }
}

/* ---------------------------------------------------------------- whole nets */

/* A training step of the net in `text` through netrun.c's dispatch: on the reference ops
 * (threads 0) and on the fast path with 1, 2 and 3 threads. The fast runs agree bit for bit
 * (outputs, loss, parameter and input gradients), and with the reference within float
 * rounding (relative to the largest value of each tensor). On the fast path the fused
 * net_train_step equals net_forward + net_loss + net_backward bit for bit, and skip_dx leaves
 * dx alone without changing anything else. Returns whether all held. */
static int check_net(Rng *rng, const char *text, int n)
{
    char err[256];
    NetSpec spec;
    if (!net_parse(&spec, text, "test", err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return CHECK_OK(!"the test net parses");
    }
    const long in = shape_elems(spec.input);
    const int k = (int)shape_elems(spec.layers[spec.n_layers - 1].out);
    float *x = malloc((size_t)(n * in) * sizeof *x);
    int *labels = malloc((size_t)n * sizeof *labels);
    for (long i = 0; i < n * in; i++)
        x[i] = rng_uniform(rng);
    for (int i = 0; i < n; i++)
        labels[i] = (int)rng_below(rng, (uint32_t)k);
    float *grads[4] = {NULL}, *dx[4] = {NULL}, *out[4] = {NULL}, loss[4] = {0};
    long np = 0;
    int ok = 1;
    for (int t = 0; t < 4; t++) {
        Net *net = net_create(text, "test", 5, err, sizeof err);
        ok &= CHECK_OK(net != NULL);
        if (!net)
            return 0;
        ok &= CHECK_OK(net_set_threads(net, t));
        CHECK_INT_EQ(t, net_threads(net));
        NetActs *a = net_acts_create(net, n + 3);
        loss[t] = net_train_step(net, a, x, labels, n);
        np = net->n_params;
        grads[t] = copy_floats(net->grads, np);
        dx[t] = copy_floats(a->dx, (long)n * in);
        out[t] = copy_floats(a->out[net->spec.n_layers - 1], (long)n * k);
        /* the same step in three calls: the same bits */
        net_zero_grad(net);
        net_forward(net, a, x, n);
        ok &= CHECK_OK(net_loss(net, a, labels) == loss[t]);
        net_backward(net, a);
        ok &= CHECK_OK(memcmp(grads[t], net->grads, (size_t)np * sizeof(float)) == 0);
        ok &= CHECK_OK(memcmp(dx[t], a->dx, (size_t)(n * in) * sizeof(float)) == 0);
        /* without the input gradient: dx untouched when the first layer has parameters
         * (else still computed), the rest the same */
        a->skip_dx = true;
        for (long i = 0; i < n * in; i++)
            a->dx[i] = 7.0f;
        ok &= CHECK_OK(net_train_step(net, a, x, labels, n) == loss[t]);
        ok &= CHECK_OK(memcmp(grads[t], net->grads, (size_t)np * sizeof(float)) == 0);
        if (layer_has_params(net->spec.layers[0].kind)) {
            ok &= CHECK_OK(a->dx[0] == 7.0f && a->dx[n * in - 1] == 7.0f);
        } else {
            ok &= CHECK_OK(memcmp(dx[t], a->dx, (size_t)(n * in) * sizeof(float)) == 0);
        }
        net_acts_destroy(a);
        net_destroy(net);
    }
    for (int t = 2; t < 4; t++) {
        ok &= CHECK_OK(memcmp(grads[1], grads[t], (size_t)np * sizeof(float)) == 0);
        ok &= CHECK_OK(memcmp(dx[1], dx[t], (size_t)(n * in) * sizeof(float)) == 0);
        ok &= CHECK_OK(memcmp(out[1], out[t], (size_t)n * k * sizeof(float)) == 0);
        ok &= CHECK_OK(loss[1] == loss[t]);
    }
    ok &= CHECK_TENSOR_NEAR(&loss[0], &loss[1], 1, 1e-5, 1e-4);
    ok &=
        CHECK_TENSOR_NEAR(out[0], out[1], (long)n * k, 1e-5 * magnitude(out[0], (long)n * k), 1e-4);
    ok &= CHECK_TENSOR_NEAR(grads[0], grads[1], np, 1e-5 * magnitude(grads[0], np), 1e-3);
    ok &=
        CHECK_TENSOR_NEAR(dx[0], dx[1], (long)n * in, 1e-5 * magnitude(dx[0], (long)n * in), 1e-3);
    if (!ok)
        fprintf(stderr, "  the net:\n%s", text);
    for (int t = 0; t < 4; t++) {
        free(grads[t]);
        free(dx[t]);
        free(out[t]);
    }
    free(x);
    free(labels);
    return ok;
}

/* Appends a printf line to the net text buf (size 4096). */
static void line(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(char *buf, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, 4096 - len, fmt, ap);
    va_end(ap);
}

/* A random net text: an image input, then up to 7 layers of every kind with random options
 * (kept small), a flatten and a dense layer, and a softmax or the squared error. The layers
 * are chosen from what the current shape allows; net_parse has the last word (the caller
 * retries when it refuses). */
static void random_net(Rng *rng, char *buf)
{
    int c = rnd(rng, 1, 4), h = rnd(rng, 5, 14), w = rnd(rng, 5, 14);
    buf[0] = '\0';
    line(buf, "input %d %d %d\n", c, h, w);
    int layers = rnd(rng, 1, 7);
    for (int i = 0; i < layers; i++) {
        int pick = rnd(rng, 0, 11);
        if (pick <= 2) {
            /* conv: sometimes 16 channels (the implicit path), sometimes wide rows */
            int o = rnd(rng, 0, 3) == 0 ? 16 : rnd(rng, 1, 9), k = rnd(rng, 1, 4);
            int s = rnd(rng, 1, 2), d = rnd(rng, 1, 2), p = rnd(rng, 0, 2);
            line(buf, "conv %d k=%d stride=%d pad=%d dilation=%d\n", o, k, s, p, d);
            h = (h + 2 * p - d * (k - 1) - 1) / s + 1;
            w = (w + 2 * p - d * (k - 1) - 1) / s + 1;
            c = o;
        } else if (pick == 3) {
            int o = rnd(rng, 1, 6), k = rnd(rng, 1, 3), s = rnd(rng, 1, 2), p = rnd(rng, 0, k - 1);
            int op = rnd(rng, 0, s - 1);
            if (h * s > 24 || w * s > 24)
                continue;
            line(buf, "deconv %d k=%d stride=%d pad=%d outpad=%d\n", o, k, s, p, op);
            h = (h - 1) * s - 2 * p + (k - 1) + op + 1;
            w = (w - 1) * s - 2 * p + (k - 1) + op + 1;
            c = o;
        } else if (pick <= 5) {
            static const char *kinds[3] = {"maxpool", "avgpool", "l2pool"};
            int kh = rnd(rng, 1, 3), kw = rnd(rng, 1, 3), s = rnd(rng, 1, 3);
            if (kh > h || kw > w)
                continue;
            line(buf, "%s k=%d,%d stride=%d\n", kinds[rnd(rng, 0, 2)], kh, kw, s);
            h = (h - kh) / s + 1;
            w = (w - kw) / s + 1;
        } else if (pick <= 10) {
            static const char *acts[6] = {"relu", "leaky alpha=0.2", "sigmoid", "tanh",
                                          "abs",  "softplus beta=2"};
            line(buf, "%s\n", acts[rnd(rng, 0, 5)]);
        } else {
            line(buf, "lrn size=%d alpha=0.1 beta=0.75 k=2\n", rnd(rng, 1, 5));
        }
        if (h < 1 || w < 1)
            return; /* net_parse refuses it; the caller draws another */
    }
    line(buf, "flatten\ndense %d\n%s", rnd(rng, 2, 12), rnd(rng, 0, 2) ? "softmax\n" : "");
}

static void test_nets(Rng *rng)
{
    /* the default net, with an odd batch that is not a multiple of the gradient group */
    check_net(rng,
              "input 1 28 28\nconv 8 k=5 pad=2\nrelu\nmaxpool k=2\nconv 16 k=5\nrelu\n"
              "maxpool k=2\nflatten\ndense 10\nsoftmax\n",
              13);
    /* every kind: deconv, lrn, l2pool, each activation, average pooling, a first layer
     * without parameters, and the squared-error loss */
    check_net(rng,
              "input 1 12 12\ntanh\nconv 16 k=3 pad=1\nleaky\nl2pool k=2\nlrn size=3\n"
              "deconv 4 k=3 stride=2 pad=1 outpad=1\nrelu\nmaxpool k=3 stride=1\nabs\n"
              "avgpool k=2\nconv 5 k=3 stride=2 dilation=2 pad=2\nsigmoid\nsoftplus\n"
              "flatten\ndense 10\n",
              9);
    /* random nets, batches around the groups of FASTCONV_GROUP */
    char text[4096];
    NetSpec spec;
    char err[256];
    int made = 0;
    for (int tries = 0; made < 40 && tries < 400; tries++) {
        random_net(rng, text);
        if (!net_parse(&spec, text, "random", err, sizeof err))
            continue;
        made++;
        check_net(rng, text, rnd(rng, 1, 11));
    }
    CHECK_INT_EQ(40, made);
}

/* The activations, lrn and softmax compute exp and log from the same operations in their
 * AVX-512 and portable loops: the same bits either way. */
static void test_same_bits(Rng *rng)
{
    const long n = 3001;
    float *x = random_floats(rng, n), *dy = random_floats(rng, n);
    for (long i = 0; i < n; i++)
        x[i] *= i % 2 ? 30.0f : 3.0f;
    float *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    static const ActKind kinds[6] = {ACT_RELU, ACT_LEAKY,    ACT_SIGMOID,
                                     ACT_TANH, ACT_SOFTPLUS, ACT_ABS};
    for (int k = 0; k < 6; k++)
        for (int pass = 0; pass < 2; pass++) {
            for (int simd = 1; simd >= 0; simd--) {
                fastconv_set_simd(simd);
                float *y = simd ? a : b;
                if (pass == 0)
                    fastconv_act_forward(NULL, y, x, n, kinds[k], 0.7f);
                else
                    fastconv_act_backward_set(y, dy, x, n, kinds[k], 0.7f);
            }
            CHECK(memcmp(a, b, (size_t)n * sizeof *a) == 0);
        }
    /* lrn over 3 x 23 x 29 pixels (ragged 16-lane chunks), softmax over rows of 27 */
    float *scratch = scratch_floats(fastconv_lrn_scratch_floats(3));
    for (int simd = 1; simd >= 0; simd--) {
        fastconv_set_simd(simd);
        fastconv_lrn_forward(simd ? a : b, x, 1, 3, 23, 29, 3, 0.2f, 0.75f, 1.5f);
    }
    CHECK(memcmp(a, b, (size_t)(3 * 23 * 29) * sizeof *a) == 0);
    for (int simd = 1; simd >= 0; simd--) {
        fastconv_set_simd(simd);
        float *d = simd ? a : b;
        memset(d, 0, (size_t)n * sizeof *d);
        fastconv_lrn_backward(scratch, d, dy, x, 1, 3, 23, 29, 3, 0.2f, 0.75f, 1.5f);
    }
    CHECK(memcmp(a, b, (size_t)(3 * 23 * 29) * sizeof *a) == 0);
    for (int simd = 1; simd >= 0; simd--) {
        fastconv_set_simd(simd);
        fastconv_softmax_forward(simd ? a : b, x, 111, 27);
    }
    CHECK(memcmp(a, b, (size_t)(111 * 27) * sizeof *a) == 0);
    fastconv_set_simd(true);
    free(x);
    free(dy);
    free(a);
    free(b);
    free(scratch);
}

int main(void)
{
    Rng rng;
    rng_seed(&rng, 2024);
    Workers *pools[3] = {workers_create(1), workers_create(2), workers_create(3)};
    CHECK(pools[0] && pools[1] && pools[2]);
    CHECK_INT_EQ(3, workers_count(pools[2]));
    CHECK_INT_EQ(1, workers_count(NULL));
    test_conv(pools, &rng);
    test_deconv(&rng);
    test_pool(pools, &rng);
    test_act(pools, &rng);
    test_lrn_softmax_dense(pools, &rng);
    test_nets(&rng);
    test_same_bits(&rng);
    /* again on the portable loops (the same where the CPU has no AVX-512) */
    fastconv_set_simd(false);
    test_conv(pools, &rng);
    test_deconv(&rng);
    test_pool(pools, &rng);
    test_act(pools, &rng);
    test_lrn_softmax_dense(pools, &rng);
    test_nets(&rng);
    fastconv_set_simd(true);
    for (int t = 0; t < 3; t++)
        workers_destroy(pools[t]);
    return test_summary();
}
