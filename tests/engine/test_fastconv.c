/* test_fastconv.c - the fast path equals the reference ops of conv.h, pool.h, act.h and
 * dense.h within float rounding on random shapes (stride, asymmetric padding, dilation,
 * non-square kernels, batches 1..33, odd channel counts), accumulates (+=) as they do, and
 * gives bit-identical outputs and gradients with 1, 2 and 3 threads; so does a whole net's
 * training step through net.c, whose fast path runs fixed groups of examples per task. */
#include "engine/dense.h"
#include "engine/fastconv.h"
#include "engine/net.h"
#include "engine/rng.h"
#include "engine/workers.h"
#include "test.h"

#include <stdlib.h>

static float *random_floats(Rng *rng, long n)
{
    float *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
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

static int rnd(Rng *rng, int lo, int hi)
{
    return lo + (int)rng_below(rng, (uint32_t)(hi - lo + 1));
}

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

static void describe(const ConvGeom *g)
{
    fprintf(stderr,
            "  geometry n=%d c=%d h=%d w=%d o=%d k=%dx%d s=%d,%d pad=%d,%d,%d,%d dil=%d,%d\n", g->n,
            g->c, g->h, g->w, g->o, g->kh, g->kw, g->sh, g->sw, g->pt, g->pb, g->pl, g->pr, g->dh,
            g->dw);
}

/* Fast forward and backward on pool wk equal the reference on geometry g. */
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
        describe(g);
    free(x);
    free(w);
    free(b);
    free(dout);
    free(ref);
    free(got);
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
    CHECK_TENSOR_NEAR(ref, got, no, 1e-6, 1e-6);
    float *dout = random_floats(rng, no), *dx0 = random_floats(rng, nx);
    float *dx1 = copy_floats(dx0, nx);
    pool_backward(dx0, dout, x, ref, kind, &g);
    fastconv_pool_backward(wk, dx1, dout, x, ref, kind, &g);
    CHECK_TENSOR_NEAR(dx0, dx1, nx, 1e-6, 1e-6);
    /* the writing variant ignores what dx held: equal to the reference from zero */
    float *dx2 = calloc((size_t)nx, sizeof *dx2), *dx3 = random_floats(rng, nx);
    pool_backward(dx2, dout, x, ref, kind, &g);
    fastconv_pool_backward_set(dx3, dout, x, ref, kind, &g);
    CHECK_TENSOR_NEAR(dx2, dx3, nx, 1e-6, 1e-6);
    free(dx2);
    free(dx3);
    free(x);
    free(ref);
    free(got);
    free(dout);
    free(dx0);
    free(dx1);
}

/* A training step of the net in `text` (input 1 x side x side) through net.c's dispatch: on
 * the reference ops (threads 0) and on the fast path with 1, 2 and 3 threads; the fast runs
 * agree bit for bit, and with the reference within float rounding. On the fast path the
 * fused net_train_step equals net_forward + net_loss + net_backward bit for bit, and
 * skip_dx leaves dx alone without changing anything else. */
static void check_net(Rng *rng, const char *text, int side, int n)
{
    const long in = (long)side * side;
    float *x = malloc((size_t)(n * in) * sizeof *x);
    int *labels = malloc((size_t)n * sizeof *labels);
    for (long i = 0; i < n * in; i++)
        x[i] = rng_uniform(rng);
    for (int i = 0; i < n; i++)
        labels[i] = (int)rng_below(rng, 10);
    char err[256];
    float *grads[4] = {NULL}, *dx[4] = {NULL}, *out[4] = {NULL}, loss[4] = {0};
    long np = 0;
    for (int t = 0; t < 4; t++) {
        Net *net = net_create(text, "test", 5, err, sizeof err);
        CHECK(net != NULL);
        if (!net)
            return;
        CHECK(net_set_threads(net, t));
        CHECK_INT_EQ(t, net_threads(net));
        NetActs *a = net_acts_create(net, n + 3);
        loss[t] = net_train_step(net, a, x, labels, n);
        np = net->n_params;
        grads[t] = copy_floats(net->grads, np);
        dx[t] = copy_floats(a->dx, (long)n * in);
        out[t] = copy_floats(a->out[net->spec.n_layers - 1], (long)n * 10);
        /* the same step in three calls: the same bits */
        net_zero_grad(net);
        net_forward(net, a, x, n);
        CHECK(net_loss(net, a, labels) == loss[t]);
        net_backward(net, a);
        CHECK(memcmp(grads[t], net->grads, (size_t)np * sizeof(float)) == 0);
        CHECK(memcmp(dx[t], a->dx, (size_t)(n * in) * sizeof(float)) == 0);
        /* without the input gradient: dx untouched when the first layer has parameters
         * (else still computed), the rest the same */
        a->skip_dx = true;
        for (long i = 0; i < n * in; i++)
            a->dx[i] = 7.0f;
        CHECK(net_train_step(net, a, x, labels, n) == loss[t]);
        CHECK(memcmp(grads[t], net->grads, (size_t)np * sizeof(float)) == 0);
        if (layer_has_params(net->spec.layers[0].kind)) {
            CHECK_NEAR(7.0, a->dx[0], 0.0);
            CHECK_NEAR(7.0, a->dx[n * in - 1], 0.0);
        } else {
            CHECK(memcmp(dx[t], a->dx, (size_t)(n * in) * sizeof(float)) == 0);
        }
        net_acts_destroy(a);
        net_destroy(net);
    }
    for (int t = 2; t < 4; t++) {
        CHECK(memcmp(grads[1], grads[t], (size_t)np * sizeof(float)) == 0);
        CHECK(memcmp(dx[1], dx[t], (size_t)(n * in) * sizeof(float)) == 0);
        CHECK(memcmp(out[1], out[t], (size_t)n * 10 * sizeof(float)) == 0);
        CHECK(loss[1] == loss[t]);
    }
    CHECK_NEAR(loss[0], loss[1], 1e-5);
    CHECK_TENSOR_NEAR(out[0], out[1], (long)n * 10, 1e-6, 1e-5);
    CHECK_TENSOR_NEAR(grads[0], grads[1], np, 1e-5, 1e-4);
    CHECK_TENSOR_NEAR(dx[0], dx[1], (long)n * in, 1e-6, 1e-4);
    for (int t = 0; t < 4; t++) {
        free(grads[t]);
        free(dx[t]);
        free(out[t]);
    }
    free(x);
    free(labels);
}

int main(void)
{
    Rng rng;
    rng_seed(&rng, 2024);
    Workers *pools[3] = {workers_create(1), workers_create(2), workers_create(3)};
    CHECK(pools[0] && pools[1] && pools[2]);
    CHECK_INT_EQ(3, workers_count(pools[2]));
    CHECK_INT_EQ(1, workers_count(NULL));

    /* a hand-computed case (the notes' 3x3 input, 2x2 kernel of 0..3):
     * [0 1 2; 3 4 5; 6 7 8] * [0 1; 2 3] = [19 25; 37 43] */
    {
        ConvGeom g = {.n = 1,
                      .c = 1,
                      .h = 3,
                      .w = 3,
                      .o = 1,
                      .kh = 2,
                      .kw = 2,
                      .sh = 1,
                      .sw = 1,
                      .dh = 1,
                      .dw = 1};
        CHECK(conv_geom_finish(&g));
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
        ConvGeom g = {.n = 1,
                      .c = 1,
                      .h = 3,
                      .w = 3,
                      .o = 1,
                      .kh = 5,
                      .kw = 5,
                      .sh = 1,
                      .sw = 1,
                      .dh = 1,
                      .dw = 1};
        CHECK(!conv_geom_finish(&g));
        CHECK(!fastconv_supported(&g));
    }

    /* the default net's two layers, then random geometries on every pool size */
    ConvGeom c1 = {.n = 5,
                   .c = 1,
                   .h = 28,
                   .w = 28,
                   .o = 8,
                   .kh = 5,
                   .kw = 5,
                   .sh = 1,
                   .sw = 1,
                   .pt = 2,
                   .pb = 2,
                   .pl = 2,
                   .pr = 2,
                   .dh = 1,
                   .dw = 1};
    ConvGeom c2 = {.n = 6,
                   .c = 8,
                   .h = 14,
                   .w = 14,
                   .o = 16,
                   .kh = 5,
                   .kw = 5,
                   .sh = 1,
                   .sw = 1,
                   .dh = 1,
                   .dw = 1};
    CHECK(conv_geom_finish(&c1) && conv_geom_finish(&c2));
    check_conv(pools[1], &rng, &c1);
    check_conv(pools[2], &rng, &c2);
    /* a 1x1 convolution reads x in place */
    ConvGeom c3 = {.n = 3,
                   .c = 7,
                   .h = 5,
                   .w = 6,
                   .o = 3,
                   .kh = 1,
                   .kw = 1,
                   .sh = 1,
                   .sw = 1,
                   .dh = 1,
                   .dw = 1};
    CHECK(conv_geom_finish(&c3));
    check_conv(pools[0], &rng, &c3);
    for (int r = 0; r < 60; r++) {
        ConvGeom g = random_geom(&rng);
        /* a third with whole vectors of output channels (the transposed kernel gradient) */
        if (r % 3 == 2)
            g.o = 16 * (1 + r % 2);
        check_conv(pools[r % 3], &rng, &g);
    }
    /* wide rows (the direct path when O is not whole vectors: up to three 16-column chunks,
     * channel counts around its blocks of 8 and 4, strided rows, dilation) */
    for (int r = 0; r < 12; r++) {
        ConvGeom g = random_geom(&rng);
        g.w = rnd(&rng, 12, 44);
        g.sw = 1;
        g.o = rnd(&rng, 1, 13);
        g.n = rnd(&rng, 1, 6);
        if (!conv_geom_finish(&g))
            continue;
        check_conv(pools[r % 3], &rng, &g);
    }
    /* without a pool, the reference itself runs */
    check_conv(NULL, &rng, &c2);

    check_thread_independence(pools, &rng, &c1);
    check_thread_independence(pools, &rng, &c2);
    for (int r = 0; r < 10; r++) {
        ConvGeom g = random_geom(&rng);
        if (r % 2)
            g.o = 16;
        if (r % 3 == 0) {
            g.w = rnd(&rng, 12, 40);
            g.sw = 1;
        }
        if (!conv_geom_finish(&g))
            continue;
        check_thread_independence(pools, &rng, &g);
    }

    /* pooling: the default 2x2, overlapping and ragged windows, ties, average */
    check_pool(pools[1], &rng, POOL_MAX, 7, 3, 28, 28, 2, 2, 2, 2, true);
    check_pool(pools[2], &rng, POOL_MAX, 4, 5, 9, 7, 3, 2, 2, 1, true);
    check_pool(pools[0], &rng, POOL_MAX, 2, 3, 11, 10, 2, 3, 3, 2, false);
    check_pool(pools[1], &rng, POOL_MAX, 3, 2, 9, 11, 2, 2, 2, 2, true); /* a row, a column left */
    check_pool(pools[2], &rng, POOL_MAX, 2, 2, 10, 40, 2, 2, 2, 2, false); /* two vectors a row */
    check_pool(pools[1], &rng, POOL_AVG, 3, 2, 8, 9, 2, 2, 2, 2, false);
    check_pool(pools[2], &rng, POOL_AVG, 3, 3, 7, 9, 3, 2, 1, 2, false);
    check_pool(pools[1], &rng, POOL_L2, 2, 2, 6, 6, 2, 2, 2, 2, false);

    /* relu (with exact zeros, whose derivative is 0) and a non-relu fallback */
    {
        long n = 100003;
        float *x = random_floats(&rng, n);
        for (long i = 0; i < n; i += 7)
            x[i] = 0.0f;
        float *dy = random_floats(&rng, n);
        float *y0 = malloc((size_t)n * sizeof *y0), *y1 = malloc((size_t)n * sizeof *y1);
        float *d0 = random_floats(&rng, n), *d1 = copy_floats(d0, n);
        for (int k = 0; k < 2; k++) {
            ActKind kind = k == 0 ? ACT_RELU : ACT_TANH;
            act_forward(y0, x, n, kind, 0.0f);
            fastconv_act_forward(pools[2], y1, x, n, kind, 0.0f);
            CHECK(memcmp(y0, y1, (size_t)n * sizeof *y0) == 0);
            act_backward(d0, dy, x, n, kind, 0.0f);
            fastconv_act_backward(pools[1], d1, dy, x, n, kind, 0.0f);
            CHECK_TENSOR_NEAR(d0, d1, n, 0.0, 0.0);
            /* the writing variant: dy * f'(x), whatever y1 held */
            fastconv_act_backward_set(y1, dy, x, n, kind, 0.0f);
            for (long i = 0; i < n; i++)
                y0[i] = 0.0f;
            act_backward(y0, dy, x, n, kind, 0.0f);
            CHECK_TENSOR_NEAR(y0, y1, n, 0.0, 0.0);
        }
        free(x);
        free(dy);
        free(y0);
        free(y1);
        free(d0);
        free(d1);
    }

    /* dense: the default net's 400 -> 10 and a ragged one */
    int dense_shapes[][3] = {{32, 400, 10}, {33, 17, 3}, {1, 5, 9}};
    for (int s = 0; s < 3; s++) {
        int n = dense_shapes[s][0], in = dense_shapes[s][1], out = dense_shapes[s][2];
        float *x = random_floats(&rng, (long)n * in), *w = random_floats(&rng, (long)out * in);
        float *b = random_floats(&rng, out), *dy = random_floats(&rng, (long)n * out);
        float *y0 = malloc((size_t)n * out * sizeof *y0),
              *y1 = malloc((size_t)n * out * sizeof *y1);
        dense_forward(y0, x, w, b, n, in, out);
        fastconv_dense_forward(pools[1], y1, x, w, b, n, in, out);
        CHECK_TENSOR_NEAR(y0, y1, (long)n * out, 1e-4, 1e-5);
        float *dx0 = random_floats(&rng, (long)n * in), *dw0 = random_floats(&rng, (long)out * in);
        float *db0 = random_floats(&rng, out);
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

    /* the default net, with an odd batch that is not a multiple of the gradient group */
    check_net(&rng,
              "input 1 28 28\nconv 8 k=5 pad=2\nrelu\nmaxpool k=2\nconv 16 k=5\nrelu\n"
              "maxpool k=2\nflatten\ndense 10\nsoftmax\n",
              28, 13);
    /* layers the fast path hands to the reference ops inside its groups (deconv, lrn, l2pool,
     * tanh), average pooling, a first layer without parameters, and the squared-error loss */
    check_net(&rng,
              "input 1 12 12\ntanh\nconv 16 k=3 pad=1\nleaky\nl2pool k=2\nlrn size=3\n"
              "deconv 4 k=3 stride=2 pad=1 outpad=1\navgpool k=2\nconv 5 k=3 stride=2 "
              "dilation=2 pad=2\nsigmoid\nflatten\ndense 10\n",
              12, 9);

    for (int t = 0; t < 3; t++)
        workers_destroy(pools[t]);
    return test_summary();
}
