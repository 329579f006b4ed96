/* test_conv.c - convolution and transposed convolution: the notes' worked examples, output
 * sizes, every cell query against the full operation on random geometries, coverage counts,
 * finite-difference gradients of x, w and b, the deconv/conv adjoint identity, grouped
 * convolution (against G separate plain ones, its cell queries, finite differences), and
 * PyTorch reference values (tests/engine/torch_ref.h, made by tests/torch/check_ops.py). */
#include "engine/conv.h"
#include "engine/rng.h"
#include "test.h"
#include "torch_ref.h"

#include <stdlib.h>
#include <string.h>

static float *fill_random(Rng *rng, float *a, long n)
{
    for (long i = 0; i < n; i++)
        a[i] = rng_uniform(rng) * 2.0f - 1.0f;
    return a;
}

static float *alloc_zero(long n)
{
    float *a = calloc((size_t)(n > 0 ? n : 1), sizeof(float));
    if (!a)
        abort();
    return a;
}

static long x_count(const ConvGeom *g)
{
    return (long)g->n * g->c * g->h * g->w;
}
static long out_count(const ConvGeom *g)
{
    return (long)g->n * g->o * g->oh * g->ow;
}
/* conv (O, C/G, KH, KW) and deconv (C, O/G, KH, KW) hold the same count */
static long conv_w_count(const ConvGeom *g)
{
    return (long)g->o * (g->c / conv_groups(g)) * g->kh * g->kw;
}

static ConvGeom geom(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int pt,
                     int pb, int pl, int pr, int dh, int dw, int oph, int opw)
{
    ConvGeom g = {n, c, h, w, o, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, oph, opw, 0, 0, 1};
    return g;
}

/* ---- the notes' worked examples ------------------------------------------------------- */

static void test_notes_2x2_kernel(void)
{
    /* 3x3 input 0..8, kernel [0 1; 2 3] -> [19 25; 37 43]. */
    const float x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    const float w[4] = {0, 1, 2, 3};
    ConvGeom g = geom(1, 1, 3, 3, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0);
    CHECK(conv_geom_finish(&g));
    CHECK_INT_EQ(2, g.oh);
    CHECK_INT_EQ(2, g.ow);
    float out[4];
    conv_forward(out, x, w, NULL, &g);
    const float expect[4] = {19, 25, 37, 43};
    CHECK_TENSOR_NEAR(expect, out, 4, 0.0, 0.0);

    /* (0x0) + (1x1) + (3x2) + (4x3) = 19, term by term and in that order. */
    ConvTerm t[8];
    int nt = -1;
    CHECK_NEAR(19.0f, conv_cell(&g, x, w, NULL, 0, 0, 0, t, 8, &nt), 0.0);
    CHECK_INT_EQ(4, nt);
    const float tx[4] = {0, 1, 3, 4}, tw[4] = {0, 1, 2, 3};
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(tx[i], t[i].x, 0.0);
        CHECK_NEAR(tw[i], t[i].w, 0.0);
        CHECK(!t[i].pad);
        CHECK_INT_EQ(i / 2, t[i].iy);
        CHECK_INT_EQ(i % 2, t[i].ix);
    }
    /* (4x0) + (5x1) + (7x2) + (8x3) = 43 */
    CHECK_NEAR(43.0f, conv_cell(&g, x, w, NULL, 0, 1, 1, t, 8, &nt), 0.0);
    const float tx43[4] = {4, 5, 7, 8};
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(tx43[i], t[i].x, 0.0);
    /* With a bias, the cell is the sum of its terms plus b. */
    const float b = 0.5f;
    CHECK_NEAR(25.5f, conv_cell(&g, x, w, &b, 0, 0, 1, NULL, 0, NULL), 0.0);
}

static void test_notes_output_sizes(void)
{
    /* 5x5 with 3x3: no padding -> 3, padding 1 -> 5, stride 2 -> 2. */
    CHECK_INT_EQ(3, conv_out_size(5, 0, 0, 3, 1, 1));
    CHECK_INT_EQ(5, conv_out_size(5, 1, 1, 3, 1, 1));
    CHECK_INT_EQ(2, conv_out_size(5, 0, 0, 3, 2, 1));
    /* 1-channel 32x32 with a 6x6(x3) filter -> (n + 1 - m) = 27. */
    CHECK_INT_EQ(27, conv_out_size(32, 0, 0, 6, 1, 1));
    /* The brief's filled-in formula: floor((28 + 2*2 - 1*(5-1) - 1)/1) + 1 = 28. */
    CHECK_INT_EQ(28, conv_out_size(28, 2, 2, 5, 1, 1));
    /* Dilation 2 makes a 3-tap kernel span 5: 7 -> 3. Asymmetric padding adds per side. */
    CHECK_INT_EQ(3, conv_out_size(7, 0, 0, 3, 1, 2));
    CHECK_INT_EQ(4, conv_out_size(5, 1, 0, 3, 1, 1));
    /* Kernel larger than the padded input: no output, and geom_finish refuses it. */
    CHECK(conv_out_size(3, 0, 0, 5, 1, 1) <= 0);
    CHECK(conv_out_size(3, 1, 0, 3, 1, 2) <= 0);
    ConvGeom g = geom(1, 1, 3, 3, 1, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0);
    CHECK(!conv_geom_finish(&g));
    g.pt = g.pb = g.pl = g.pr = 1;
    CHECK(conv_geom_finish(&g));
    CHECK_INT_EQ(1, g.oh);
    /* ConvTranspose2d: (in-1)*s - 2p + d*(k-1) + op + 1. 4 -> 8 with k4 s2 p1; 3 -> 6 with
     * k3 s2 p1 op1. */
    CHECK_INT_EQ(8, deconv_out_size(4, 1, 1, 4, 2, 1, 0));
    CHECK_INT_EQ(6, deconv_out_size(3, 1, 1, 3, 2, 1, 1));
    CHECK_INT_EQ(9, deconv_out_size(4, 1, 2, 3, 2, 2, 1));
}

static void test_notes_1d(void)
{
    /* The three-weight filter F = [W1 W2 W3] on a signal S1..S5 (an H = 1 convolution):
     * O1 = S1W1 + S2W2 + S3W3, O2 = S2W1 + S3W2 + S4W3, O3 = S3W1 + S4W2 + S5W3. */
    const float s[5] = {2.0f, -1.0f, 3.0f, 0.5f, 4.0f};
    const float f[3] = {0.5f, -1.0f, 2.0f};
    ConvGeom g = geom(1, 1, 1, 5, 1, 1, 3, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0);
    CHECK(conv_geom_finish(&g));
    CHECK_INT_EQ(3, g.ow);
    float o[3];
    conv_forward(o, s, f, NULL, &g);
    const float expect[3] = {2.0f * 0.5f + -1.0f * -1.0f + 3.0f * 2.0f,
                             -1.0f * 0.5f + 3.0f * -1.0f + 0.5f * 2.0f,
                             3.0f * 0.5f + 0.5f * -1.0f + 4.0f * 2.0f};
    CHECK_TENSOR_NEAR(expect, o, 3, 1e-6, 0.0);
    CHECK_NEAR(8.0f, o[0], 1e-6);
    CHECK_NEAR(-2.5f, o[1], 1e-6);
    CHECK_NEAR(9.0f, o[2], 1e-6);
    /* Shared weights: S3 feeds all three neurons, each through a different weight; S1 one. */
    ConvInputUse u[4];
    int nu = -1;
    conv_dx_cell(&g, NULL, f, 0, 0, 2, u, 4, &nu);
    CHECK_INT_EQ(3, nu);
    CHECK_INT_EQ(0, u[0].ox);
    CHECK_INT_EQ(2, u[0].kx); /* O1 uses S3 through W3 */
    CHECK_INT_EQ(2, u[2].ox);
    CHECK_INT_EQ(0, u[2].kx); /* O3 uses S3 through W1 */
    conv_dx_cell(&g, NULL, f, 0, 0, 0, NULL, 0, &nu);
    CHECK_INT_EQ(1, nu);
}

static void test_notes_box_filter(void)
{
    /* The notes' 10x10 image of 90s and the 3x3 box filter K = 1/9 [1 1 1; 1 1 1; 1 1 1]. */
    const float img[100] = {
        0, 0, 0,  0,  0,  0,  0,  0,  0, 0, /* */
        0, 0, 0,  0,  0,  0,  0,  0,  0, 0, /* */
        0, 0, 0,  90, 90, 90, 90, 90, 0, 0, /* */
        0, 0, 0,  90, 90, 90, 90, 90, 0, 0, /* */
        0, 0, 0,  90, 90, 90, 90, 90, 0, 0, /* */
        0, 0, 0,  90, 0,  90, 90, 90, 0, 0, /* */
        0, 0, 0,  90, 90, 90, 90, 90, 0, 0, /* */
        0, 0, 0,  0,  0,  0,  0,  0,  0, 0, /* */
        0, 0, 90, 0,  0,  0,  0,  0,  0, 0, /* */
        0, 0, 0,  0,  0,  0,  0,  0,  0, 0,
    };
    const float expect[64] = {
        0,  10, 20, 30, 30, 30, 20, 10, /* */
        0,  20, 40, 60, 60, 60, 40, 20, /* */
        0,  30, 60, 90, 90, 90, 60, 30, /* */
        0,  30, 50, 80, 80, 90, 60, 30, /* */
        0,  30, 50, 80, 80, 90, 60, 30, /* */
        0,  20, 30, 50, 50, 60, 40, 20, /* */
        10, 20, 30, 30, 30, 30, 20, 10, /* */
        10, 10, 10, 0,  0,  0,  0,  0,
    };
    float box[9];
    for (int i = 0; i < 9; i++)
        box[i] = 1.0f / 9.0f;
    ConvGeom g = geom(1, 1, 10, 10, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0);
    CHECK(conv_geom_finish(&g));
    CHECK_INT_EQ(8, g.oh);
    float out[64];
    conv_forward(out, img, box, NULL, &g);
    CHECK_TENSOR_NEAR(expect, out, 64, 1e-4, 0.0);
}

static void test_coverage_counts(void)
{
    /* 3x3 kernel on 5x5. Without padding a corner is visited once, the centre 9 times; with
     * padding 1 the corner is visited 4 times, an edge cell 6 and the centre 9. */
    float w[9];
    for (int i = 0; i < 9; i++)
        w[i] = 1.0f;
    int nu = -1;
    ConvGeom g = geom(1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0);
    CHECK(conv_geom_finish(&g));
    conv_dx_cell(&g, NULL, w, 0, 0, 0, NULL, 0, &nu);
    CHECK_INT_EQ(1, nu);
    conv_dx_cell(&g, NULL, w, 0, 0, 2, NULL, 0, &nu);
    CHECK_INT_EQ(3, nu);
    conv_dx_cell(&g, NULL, w, 0, 2, 2, NULL, 0, &nu);
    CHECK_INT_EQ(9, nu);
    g = geom(1, 1, 5, 5, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
    CHECK(conv_geom_finish(&g));
    ConvInputUse u[9];
    CHECK_NEAR(0.0f, conv_dx_cell(&g, NULL, w, 0, 0, 0, u, 9, &nu), 0.0);
    CHECK_INT_EQ(4, nu);
    /* In (oy, ox) order: (0,0) through tap (1,1), (0,1) through (1,0), (1,0), (1,1). */
    CHECK(u[0].oy == 0 && u[0].ox == 0 && u[0].ky == 1 && u[0].kx == 1);
    CHECK(u[1].oy == 0 && u[1].ox == 1 && u[1].ky == 1 && u[1].kx == 0);
    CHECK(u[2].oy == 1 && u[2].ox == 0 && u[2].ky == 0 && u[2].kx == 1);
    CHECK(u[3].oy == 1 && u[3].ox == 1 && u[3].ky == 0 && u[3].kx == 0);
    conv_dx_cell(&g, NULL, w, 0, 0, 2, NULL, 0, &nu);
    CHECK_INT_EQ(6, nu);
    conv_dx_cell(&g, NULL, w, 0, 2, 2, NULL, 0, &nu);
    CHECK_INT_EQ(9, nu);
    /* Stride 2 without padding: the centre of 5x5 is met by all four windows, (1,1) by one. */
    g = geom(1, 1, 5, 5, 1, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 0, 0);
    CHECK(conv_geom_finish(&g));
    conv_dx_cell(&g, NULL, w, 0, 2, 2, NULL, 0, &nu);
    CHECK_INT_EQ(4, nu);
    conv_dx_cell(&g, NULL, w, 0, 1, 1, NULL, 0, &nu);
    CHECK_INT_EQ(1, nu);
}

static void test_channels_example(void)
{
    /* The notes' channels demo: 5x5x3 input, two 3x3x3 filters with biases, padding 1,
     * stride 2 -> 3x3x2; each output is the three per-plane partial sums plus the bias. */
    Rng rng;
    rng_seed(&rng, 7);
    float x[75], w[54], b[2] = {1.0f, 0.0f}, out[18];
    for (int i = 0; i < 75; i++)
        x[i] = (float)rng_below(&rng, 3); /* the demo's 0/1/2 pixels */
    for (int i = 0; i < 54; i++)
        w[i] = (float)rng_below(&rng, 3) - 1.0f; /* -1/0/1 weights */
    ConvGeom g = geom(1, 3, 5, 5, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0);
    CHECK(conv_geom_finish(&g));
    CHECK_INT_EQ(3, g.oh);
    CHECK_INT_EQ(3, g.ow);
    conv_forward(out, x, w, b, &g);
    int ok = 1;
    for (int o = 0; o < 2; o++)
        for (int oy = 0; oy < 3; oy++)
            for (int ox = 0; ox < 3; ox++) {
                ConvTerm t[27];
                int nt = 0;
                conv_cell(&g, x, w, b, o, oy, ox, t, 27, &nt);
                float plane[3] = {0, 0, 0};
                for (int i = 0; i < nt; i++)
                    plane[t[i].c] += t[i].x * t[i].w;
                /* integers: exact */
                ok &=
                    nt == 27 && plane[0] + plane[1] + plane[2] + b[o] == out[(o * 3 + oy) * 3 + ox];
            }
    CHECK(ok);
    /* The corner window (0,0) reaches into the padding ring: its first row and column. */
    ConvTerm t[27];
    conv_cell(&g, x, w, b, 0, 0, 0, t, 27, NULL);
    CHECK(t[0].pad && t[0].iy == -1 && t[0].ix == -1 && t[0].x == 0.0f);
    CHECK(!t[4].pad && t[4].iy == 0 && t[4].ix == 0);
}

/* ---- cell queries equal the full operation ------------------------------------------- */

/* Independent count of the uses of input (c, iy, ix): brute force over every output cell and
 * tap of the forward index map, for each of the O/G outputs of c's group. */
static int brute_uses(const ConvGeom *g, int iy, int ix)
{
    int count = 0;
    for (int oy = 0; oy < g->oh; oy++)
        for (int ox = 0; ox < g->ow; ox++)
            for (int ky = 0; ky < g->kh; ky++)
                for (int kx = 0; kx < g->kw; kx++)
                    count += oy * g->sh - g->pt + ky * g->dh == iy &&
                             ox * g->sw - g->pl + kx * g->dw == ix;
    return count * (g->o / conv_groups(g));
}

/* Independent transposed convolution in the scatter form of the header: each input cell
 * stamps x*w into the output. out (N, O, OH, OW) is overwritten. */
static void deconv_scatter(float *out, const float *x, const float *w, const float *b,
                           const ConvGeom *g)
{
    for (int n = 0; n < g->n; n++)
        for (int o = 0; o < g->o; o++)
            for (int i = 0; i < g->oh * g->ow; i++)
                out[((long)n * g->o + o) * g->oh * g->ow + i] = b ? b[o] : 0.0f;
    for (int n = 0; n < g->n; n++)
        for (int c = 0; c < g->c; c++)
            for (int iy = 0; iy < g->h; iy++)
                for (int ix = 0; ix < g->w; ix++)
                    for (int o = 0; o < g->o; o++)
                        for (int ky = 0; ky < g->kh; ky++)
                            for (int kx = 0; kx < g->kw; kx++) {
                                int oy = iy * g->sh - g->pt + ky * g->dh;
                                int ox = ix * g->sw - g->pl + kx * g->dw;
                                if (oy < 0 || oy >= g->oh || ox < 0 || ox >= g->ow)
                                    continue;
                                out[(((long)n * g->o + o) * g->oh + oy) * g->ow + ox] +=
                                    x[(((long)n * g->c + c) * g->h + iy) * g->w + ix] *
                                    w[(((long)c * g->o + o) * g->kh + ky) * g->kw + kx];
                            }
}

/* One draw per statement: the order of evaluation of function arguments is unspecified, and
 * the sampled geometries must be the same with every compiler. */
static ConvGeom random_geom(Rng *rng)
{
    ConvGeom g = {0};
    g.n = 1 + (int)rng_below(rng, 3);
    g.c = 1 + (int)rng_below(rng, 3);
    g.h = 1 + (int)rng_below(rng, 9);
    g.w = 1 + (int)rng_below(rng, 9);
    g.o = 1 + (int)rng_below(rng, 3);
    g.kh = 1 + (int)rng_below(rng, 4);
    g.kw = 1 + (int)rng_below(rng, 4);
    g.sh = 1 + (int)rng_below(rng, 3);
    g.sw = 1 + (int)rng_below(rng, 3);
    g.pt = (int)rng_below(rng, 3);
    g.pb = (int)rng_below(rng, 3);
    g.pl = (int)rng_below(rng, 3);
    g.pr = (int)rng_below(rng, 3);
    g.dh = 1 + (int)rng_below(rng, 3);
    g.dw = 1 + (int)rng_below(rng, 3);
    return g;
}

static void test_conv_cells_random(void)
{
    Rng rng;
    rng_seed(&rng, 2024);
    int tried = 0, cells_ok = 1, terms_ok = 1, dw_ok = 1, dx_ok = 1, uses_ok = 1, order_ok = 1;
    int dwterms_ok = 1;
    while (tried < 90) {
        ConvGeom g = random_geom(&rng);
        if (tried % 3 == 2) {
            /* every third one grouped: G of 2 or 3 (depthwise when C = G) */
            g.groups = 2 + (int)rng_below(&rng, 2);
            g.c = g.groups * (1 + (int)rng_below(&rng, 2));
            g.o = g.groups * (1 + (int)rng_below(&rng, 2));
        }
        if (!conv_geom_finish(&g))
            continue;
        tried++;
        const int cg = g.c / conv_groups(&g), og = g.o / conv_groups(&g);
        float *x = fill_random(&rng, alloc_zero(x_count(&g)), x_count(&g));
        float *w = fill_random(&rng, alloc_zero(conv_w_count(&g)), conv_w_count(&g));
        float b[6];
        fill_random(&rng, b, 6);
        float *out = alloc_zero(out_count(&g));
        float *dout = fill_random(&rng, alloc_zero(out_count(&g)), out_count(&g));
        float *dx = alloc_zero(x_count(&g)), *dw = alloc_zero(conv_w_count(&g));
        conv_forward(out, x, w, b, &g);
        conv_backward(dx, dw, NULL, dout, x, w, &g);
        const int nterm = cg * g.kh * g.kw;
        ConvTerm *terms = malloc(sizeof(ConvTerm) * (size_t)nterm);
        const long xs = (long)g.c * g.h * g.w, os = (long)g.o * g.oh * g.ow;
        for (int n = 0; n < g.n; n++)
            for (int o = 0; o < g.o; o++)
                for (int oy = 0; oy < g.oh; oy++)
                    for (int ox = 0; ox < g.ow; ox++) {
                        int nt = -1;
                        float v = conv_cell(&g, x + n * xs, w, b, o, oy, ox, terms, nterm, &nt);
                        cells_ok &= v == out[n * os + ((long)o * g.oh + oy) * g.ow + ox];
                        double s = b[o];
                        for (int i = 0; i < nt; i++) {
                            const ConvTerm *t = &terms[i];
                            int in = t->iy >= 0 && t->iy < g.h && t->ix >= 0 && t->ix < g.w;
                            terms_ok &= t->pad == !in && (in || t->x == 0.0f);
                            terms_ok &= t->iy == oy * g.sh - g.pt + t->ky * g.dh;
                            terms_ok &= t->c / cg == o / og; /* only its group's channels */
                            s += (double)t->x * t->w;
                        }
                        terms_ok &= nt == nterm && fabs(s - v) < 1e-5;
                    }
        const int ngrad = g.n * g.oh * g.ow;
        ConvGradTerm *gt = malloc(sizeof(ConvGradTerm) * (size_t)ngrad);
        for (int o = 0; o < g.o; o++)
            for (int c = 0; c < cg; c++)
                for (int ky = 0; ky < g.kh; ky++)
                    for (int kx = 0; kx < g.kw; kx++) {
                        int nt = -1;
                        float v = conv_dw_cell(&g, dout, x, o, c, ky, kx, gt, ngrad, &nt);
                        dw_ok &= v == dw[(((long)o * cg + c) * g.kh + ky) * g.kw + kx];
                        double s = 0.0;
                        for (int i = 0; i < nt; i++)
                            s += (double)gt[i].dout * gt[i].x;
                        dwterms_ok &= nt == ngrad && fabs(s - v) < 1e-5;
                    }
        const int maxu = g.o * g.kh * g.kw;
        ConvInputUse *u = malloc(sizeof(ConvInputUse) * (size_t)maxu);
        for (int n = 0; n < g.n; n++)
            for (int c = 0; c < g.c; c++)
                for (int iy = 0; iy < g.h; iy++)
                    for (int ix = 0; ix < g.w; ix++) {
                        int nu = -1;
                        float v = conv_dx_cell(&g, dout + n * os, w, c, iy, ix, u, maxu, &nu);
                        dx_ok &= v == dx[n * xs + ((long)c * g.h + iy) * g.w + ix];
                        uses_ok &= nu == brute_uses(&g, iy, ix);
                        for (int i = 0; i < nu; i++) {
                            uses_ok &= u[i].o / og == c / cg;
                            uses_ok &= u[i].oy * g.sh - g.pt + u[i].ky * g.dh == iy;
                            uses_ok &= u[i].ox * g.sw - g.pl + u[i].kx * g.dw == ix;
                            if (i > 0) {
                                long prev =
                                    ((long)u[i - 1].o * g.oh + u[i - 1].oy) * g.ow + u[i - 1].ox;
                                long cur = ((long)u[i].o * g.oh + u[i].oy) * g.ow + u[i].ox;
                                order_ok &= cur > prev;
                            }
                        }
                    }
        free(u);
        free(gt);
        free(terms);
        free(x);
        free(w);
        free(out);
        free(dout);
        free(dx);
        free(dw);
    }
    CHECK(cells_ok);
    CHECK(terms_ok);
    CHECK(dw_ok);
    CHECK(dwterms_ok);
    CHECK(dx_ok);
    CHECK(uses_ok);
    CHECK(order_ok);
}

static void test_deconv_cells_random(void)
{
    Rng rng;
    rng_seed(&rng, 99);
    int tried = 0, cells_ok = 1, scatter_ok = 1, terms_ok = 1;
    while (tried < 60) {
        ConvGeom g = random_geom(&rng);
        /* output padding must stay below stride or dilation, as PyTorch demands */
        int lim_h = g.sh > g.dh ? g.sh : g.dh, lim_w = g.sw > g.dw ? g.sw : g.dw;
        g.oph = (int)rng_below(&rng, (uint32_t)lim_h);
        g.opw = (int)rng_below(&rng, (uint32_t)lim_w);
        if (!deconv_geom_finish(&g))
            continue;
        tried++;
        const long wn = (long)g.c * g.o * g.kh * g.kw;
        float *x = fill_random(&rng, alloc_zero(x_count(&g)), x_count(&g));
        float *w = fill_random(&rng, alloc_zero(wn), wn);
        float b[3];
        fill_random(&rng, b, 3);
        float *out = alloc_zero(out_count(&g)), *ref = alloc_zero(out_count(&g));
        deconv_forward(out, x, w, b, &g);
        deconv_scatter(ref, x, w, b, &g);
        scatter_ok &= test_tensor_near(ref, out, out_count(&g), 1e-5, 1e-5, __FILE__, __LINE__,
                                       "deconv_forward ~ scatter");
        const int maxt = g.c * g.kh * g.kw;
        ConvTerm *t = malloc(sizeof(ConvTerm) * (size_t)maxt);
        const long xs = (long)g.c * g.h * g.w, os = (long)g.o * g.oh * g.ow;
        for (int n = 0; n < g.n; n++)
            for (int o = 0; o < g.o; o++)
                for (int oy = 0; oy < g.oh; oy++)
                    for (int ox = 0; ox < g.ow; ox++) {
                        int nt = -1;
                        float v = deconv_cell(&g, x + n * xs, w, b, o, oy, ox, t, maxt, &nt);
                        cells_ok &= v == out[n * os + ((long)o * g.oh + oy) * g.ow + ox];
                        double s = b[o];
                        for (int i = 0; i < nt; i++) {
                            terms_ok &= t[i].iy * g.sh - g.pt + t[i].ky * g.dh == oy;
                            terms_ok &= t[i].ix * g.sw - g.pl + t[i].kx * g.dw == ox;
                            terms_ok &= t[i].x ==
                                        x[n * xs + ((long)t[i].c * g.h + t[i].iy) * g.w + t[i].ix];
                            s += (double)t[i].x * t[i].w;
                        }
                        terms_ok &= nt <= maxt && fabs(s - v) < 1e-5;
                    }
        free(t);
        free(x);
        free(w);
        free(out);
        free(ref);
    }
    CHECK(scatter_ok);
    CHECK(cells_ok);
    CHECK(terms_ok);
}

static void test_deconv_is_adjoint(void)
{
    /* <conv(x), y> = <x, deconv(y)> with the same weight array: the transpose of the notes'
     * Toeplitz matrix. The deconv's output padding gives back the rows the conv dropped. */
    Rng rng;
    rng_seed(&rng, 5);
    int tried = 0, ok = 1;
    while (tried < 30) {
        ConvGeom g = random_geom(&rng);
        if (!conv_geom_finish(&g))
            continue;
        ConvGeom t = geom(g.n, g.o, g.oh, g.ow, g.c, g.kh, g.kw, g.sh, g.sw, g.pt, g.pb, g.pl, g.pr,
                          g.dh, g.dw, 0, 0);
        t.oph = g.h - deconv_out_size(g.oh, g.pt, g.pb, g.kh, g.sh, g.dh, 0);
        t.opw = g.w - deconv_out_size(g.ow, g.pl, g.pr, g.kw, g.sw, g.dw, 0);
        if (!deconv_geom_finish(&t) || t.oh != g.h || t.ow != g.w || t.oph < 0 || t.opw < 0) {
            ok = 0;
            break;
        }
        tried++;
        float *x = fill_random(&rng, alloc_zero(x_count(&g)), x_count(&g));
        float *w = fill_random(&rng, alloc_zero(conv_w_count(&g)), conv_w_count(&g));
        float *y = fill_random(&rng, alloc_zero(out_count(&g)), out_count(&g));
        float *cx = alloc_zero(out_count(&g)), *dy = alloc_zero(x_count(&g));
        conv_forward(cx, x, w, NULL, &g);
        deconv_forward(dy, y, w, NULL, &t);
        double a = 0.0, b = 0.0;
        for (long i = 0; i < out_count(&g); i++)
            a += (double)cx[i] * y[i];
        for (long i = 0; i < x_count(&g); i++)
            b += (double)x[i] * dy[i];
        ok &= fabs(a - b) < 1e-4 * (1.0 + fabs(a));
        free(x);
        free(w);
        free(y);
        free(cx);
        free(dy);
    }
    CHECK(ok);
}

/* ---- groups ------------------------------------------------------------------------------ */

static ConvGeom grouped(ConvGeom g, int groups)
{
    g.groups = groups;
    return g;
}

/* Channels lo .. lo + count - 1 of every example of t (N, C, P) into a new (N, count, P). */
static float *take_channels(const float *t, int n, int c, long p, int lo, int count)
{
    float *out = alloc_zero((long)n * count * p);
    for (int i = 0; i < n; i++)
        memcpy(out + (long)i * count * p, t + ((long)i * c + lo) * p,
               sizeof(float) * (size_t)(count * p));
    return out;
}

/* Whether channels lo .. of every example of big (N, C, P) equal small (N, count, P) to tol. */
static int same_channels(const float *big, const float *small, int n, int c, long p, int lo,
                         int count, double tol)
{
    int ok = 1;
    for (int i = 0; i < n; i++)
        for (long e = 0; e < count * p; e++)
            ok &= fabs((double)big[((long)i * c + lo) * p + e] - small[(long)i * count * p + e]) <=
                  tol * (1.0 + fabs((double)small[(long)i * count * p + e]));
    return ok;
}

/* A grouped conv (deconv when transposed) equals G plain ones on the group's channels: out,
 * dx, dw and db. (Its cell queries are checked with the others in test_conv_cells_random.) */
static int group_case(bool transposed, ConvGeom g, Rng *rng)
{
    const int groups = conv_groups(&g), cg = g.c / groups, og = g.o / groups;
    const long hw = (long)g.h * g.w, ohw = (long)g.oh * g.ow, wn = conv_w_count(&g);
    float *x = fill_random(rng, alloc_zero(x_count(&g)), x_count(&g));
    float *w = fill_random(rng, alloc_zero(wn), wn);
    float *b = fill_random(rng, alloc_zero(g.o), g.o);
    float *dout = fill_random(rng, alloc_zero(out_count(&g)), out_count(&g));
    float *out = alloc_zero(out_count(&g)), *dx = alloc_zero(x_count(&g));
    float *dw = alloc_zero(wn), *db = alloc_zero(g.o);
    if (transposed) {
        deconv_forward(out, x, w, b, &g);
        deconv_backward(dx, dw, db, dout, x, w, &g);
    } else {
        conv_forward(out, x, w, b, &g);
        conv_backward(dx, dw, db, dout, x, w, &g);
    }
    int ok = 1;
    ConvGeom s = g; /* one group as a plain convolution */
    s.c = cg;
    s.o = og;
    s.groups = 1;
    const long wg = wn / groups; /* one group's weights: contiguous in both layouts */
    for (int gi = 0; gi < groups; gi++) {
        float *xs = take_channels(x, g.n, g.c, hw, gi * cg, cg);
        float *ds = take_channels(dout, g.n, g.o, ohw, gi * og, og);
        float *os = alloc_zero(out_count(&s)), *dxs = alloc_zero(x_count(&s));
        float *dws = alloc_zero(wg), *dbs = alloc_zero(og);
        if (transposed) {
            deconv_forward(os, xs, w + gi * wg, b + gi * og, &s);
            deconv_backward(dxs, dws, dbs, ds, xs, w + gi * wg, &s);
        } else {
            conv_forward(os, xs, w + gi * wg, b + gi * og, &s);
            conv_backward(dxs, dws, dbs, ds, xs, w + gi * wg, &s);
        }
        ok &= same_channels(out, os, g.n, g.o, ohw, gi * og, og, 1e-5);
        ok &= same_channels(dx, dxs, g.n, g.c, hw, gi * cg, cg, 1e-5);
        for (long e = 0; e < wg; e++)
            ok &= fabs((double)dw[gi * wg + e] - dws[e]) <= 1e-5 * (1.0 + fabs((double)dws[e]));
        for (int o = 0; o < og; o++)
            ok &= fabs((double)db[gi * og + o] - dbs[o]) <= 1e-5 * (1.0 + fabs((double)dbs[o]));
        free(xs);
        free(ds);
        free(os);
        free(dxs);
        free(dws);
        free(dbs);
    }
    free(x);
    free(w);
    free(b);
    free(dout);
    free(out);
    free(dx);
    free(dw);
    free(db);
    return ok;
}

static void test_groups_random(void)
{
    Rng rng;
    rng_seed(&rng, 808);
    int tried = 0, ok_conv = 1, ok_deconv = 1;
    while (tried < 80) {
        ConvGeom g = random_geom(&rng);
        /* G from 1 to 4 (depthwise when it equals C); channels are multiples of it */
        int groups = 1 + (int)rng_below(&rng, 4);
        int cm = 1 + (int)rng_below(&rng, 2), om = 1 + (int)rng_below(&rng, 3);
        g.groups = groups;
        g.c = groups * cm;
        g.o = groups * om;
        bool transposed = tried % 3 == 2;
        if (transposed) {
            g.oph = (int)rng_below(&rng, (uint32_t)(g.sh > g.dh ? g.sh : g.dh));
            g.opw = (int)rng_below(&rng, (uint32_t)(g.sw > g.dw ? g.sw : g.dw));
        }
        if (!(transposed ? deconv_geom_finish(&g) : conv_geom_finish(&g)))
            continue;
        tried++;
        if (transposed)
            ok_deconv &= group_case(true, g, &rng);
        else
            ok_conv &= group_case(false, g, &rng);
    }
    CHECK(ok_conv);
    CHECK(ok_deconv);
    /* C or O not a multiple of G: the geometry is refused */
    ConvGeom g = grouped(geom(1, 4, 5, 5, 6, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0), 4);
    CHECK(!conv_geom_finish(&g));
    g = grouped(geom(1, 6, 5, 5, 4, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0), 4);
    CHECK(!deconv_geom_finish(&g));
    g = grouped(geom(1, 6, 5, 5, 4, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0), 2);
    CHECK(conv_geom_finish(&g));
    CHECK_INT_EQ(1, conv_groups(&(ConvGeom){0}));
}

/* ---- finite differences --------------------------------------------------------------- */

/* L = sum(out * r) in double, for conv (deconv when transposed). */
static double loss_of(bool transposed, const float *x, const float *w, const float *b,
                      const float *r, float *out, const ConvGeom *g)
{
    if (transposed)
        deconv_forward(out, x, w, b, g);
    else
        conv_forward(out, x, w, b, g);
    double s = 0.0;
    for (long i = 0; i < out_count(g); i++)
        s += (double)out[i] * r[i];
    return s;
}

/* Central differences of L for every element of p (n of them), compared to grad. */
static void check_fd(bool transposed, float *x, float *w, float *b, const float *r, float *out,
                     const ConvGeom *g, float *p, long n, const float *grad, const char *what)
{
    /* The loss is linear in each of x, w and b, so a large step loses nothing to truncation
     * and keeps float rounding small relative to the difference. */
    const float eps = 0.05f;
    float *fd = alloc_zero(n);
    for (long i = 0; i < n; i++) {
        const float keep = p[i];
        p[i] = keep + eps;
        double lp = loss_of(transposed, x, w, b, r, out, g);
        p[i] = keep - eps;
        double lm = loss_of(transposed, x, w, b, r, out, g);
        p[i] = keep;
        fd[i] = (float)((lp - lm) / (2.0 * eps));
    }
    test_tensor_near(fd, grad, n, 2e-4, 1e-3, __FILE__, __LINE__, what);
    free(fd);
}

static void fd_case(bool transposed, ConvGeom g, uint64_t seed)
{
    if (!(transposed ? deconv_geom_finish(&g) : conv_geom_finish(&g))) {
        CHECK(!"finite-difference geometry is invalid");
        return;
    }
    Rng rng;
    rng_seed(&rng, seed);
    const long wn = conv_w_count(&g);
    float *x = fill_random(&rng, alloc_zero(x_count(&g)), x_count(&g));
    float *w = fill_random(&rng, alloc_zero(wn), wn);
    float *b = fill_random(&rng, alloc_zero(g.o), g.o);
    float *r = fill_random(&rng, alloc_zero(out_count(&g)), out_count(&g));
    float *out = alloc_zero(out_count(&g));
    float *dx = alloc_zero(x_count(&g)), *dw = alloc_zero(wn), *db = alloc_zero(g.o);
    /* Start the accumulators at 1 to prove backward adds rather than overwrites. */
    for (long i = 0; i < x_count(&g); i++)
        dx[i] = 1.0f;
    if (transposed)
        deconv_backward(dx, dw, db, r, x, w, &g);
    else
        conv_backward(dx, dw, db, r, x, w, &g);
    for (long i = 0; i < x_count(&g); i++)
        dx[i] -= 1.0f;
    check_fd(transposed, x, w, b, r, out, &g, x, x_count(&g), dx,
             transposed ? "deconv dx" : "conv dx");
    check_fd(transposed, x, w, b, r, out, &g, w, wn, dw, transposed ? "deconv dw" : "conv dw");
    check_fd(transposed, x, w, b, r, out, &g, b, g.o, db, transposed ? "deconv db" : "conv db");
    free(x);
    free(w);
    free(b);
    free(r);
    free(out);
    free(dx);
    free(dw);
    free(db);
}

static void test_finite_differences(void)
{
    /* conv: non-square kernels, per-axis stride, asymmetric padding, dilation, batch > 1 */
    fd_case(false, geom(2, 2, 6, 5, 3, 3, 2, 2, 1, 1, 0, 2, 1, 1, 2, 0, 0), 11);
    fd_case(false, geom(1, 1, 7, 7, 2, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2, 0, 0), 12);
    fd_case(false, geom(3, 2, 5, 8, 1, 1, 4, 1, 3, 0, 2, 0, 0, 1, 1, 0, 0), 13);
    fd_case(false, geom(2, 3, 5, 5, 2, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 0, 0), 14);
    /* deconv: output padding (below stride, or below dilation), asymmetric padding */
    fd_case(true, geom(2, 2, 3, 4, 3, 3, 2, 2, 3, 1, 0, 0, 1, 1, 2, 1, 2), 21);
    fd_case(true, geom(1, 1, 4, 4, 1, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0), 22);
    fd_case(true, geom(2, 3, 2, 3, 2, 2, 3, 1, 1, 0, 0, 0, 0, 3, 3, 2, 1), 23);
    /* grouped: 2 and 3 groups, depthwise (G = C) with and without a channel multiplier, with
     * strides, per-side padding and dilation; deconv with groups and output padding */
    fd_case(false, grouped(geom(2, 4, 6, 5, 6, 3, 2, 2, 1, 1, 0, 2, 1, 1, 2, 0, 0), 2), 31);
    fd_case(false, grouped(geom(1, 6, 7, 7, 3, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2, 0, 0), 3), 32);
    fd_case(false, grouped(geom(2, 3, 5, 6, 3, 3, 3, 1, 2, 1, 2, 0, 1, 1, 1, 0, 0), 3), 33);
    fd_case(false, grouped(geom(1, 2, 6, 6, 6, 2, 3, 3, 1, 0, 1, 2, 2, 2, 1, 0, 0), 2), 34);
    fd_case(true, grouped(geom(2, 4, 3, 4, 6, 3, 2, 2, 3, 1, 0, 0, 1, 1, 2, 1, 2), 2), 41);
    fd_case(true, grouped(geom(1, 3, 3, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1), 3), 42);
}

/* ---- PyTorch ---------------------------------------------------------------------------- */

static double max_abs_diff(const float *a, const float *b, long n)
{
    double m = 0.0;
    for (long i = 0; i < n; i++)
        m = fabs((double)a[i] - b[i]) > m ? fabs((double)a[i] - b[i]) : m;
    return m;
}

/* One PyTorch case of torch_ref.h: the arrays P_X .. P_DB with their sizes. */
typedef struct TorchRef {
    const float *x, *w, *b, *dout, *out, *dx, *dw, *db;
    long nx, nw, nb, nout;
} TorchRef;

#define TORCH_REFS(P)                                                                              \
    (TorchRef)                                                                                     \
    {                                                                                              \
        TORCH_##P##_X, TORCH_##P##_W, TORCH_##P##_B, TORCH_##P##_DOUT, TORCH_##P##_OUT,            \
            TORCH_##P##_DX, TORCH_##P##_DW, TORCH_##P##_DB,                                        \
            (long)(sizeof TORCH_##P##_X / sizeof(float)),                                          \
            (long)(sizeof TORCH_##P##_W / sizeof(float)),                                          \
            (long)(sizeof TORCH_##P##_B / sizeof(float)),                                          \
            (long)(sizeof TORCH_##P##_OUT / sizeof(float))                                         \
    }

/* The conv (deconv when transposed) of geometry g against PyTorch's out, dx, dw and db; returns
 * the max abs difference of out, dx and dw. */
static double torch_case(bool transposed, ConvGeom g, TorchRef r)
{
    CHECK(transposed ? deconv_geom_finish(&g) : conv_geom_finish(&g));
    CHECK_INT_EQ(r.nout, out_count(&g));
    CHECK_INT_EQ(r.nx, x_count(&g));
    CHECK_INT_EQ(r.nw, conv_w_count(&g));
    if (r.nout != out_count(&g) || r.nx != x_count(&g) || r.nw != conv_w_count(&g))
        return INFINITY;
    float *out = alloc_zero(r.nout), *dx = alloc_zero(r.nx), *dw = alloc_zero(r.nw);
    float *db = alloc_zero(r.nb);
    if (transposed) {
        deconv_forward(out, r.x, r.w, r.b, &g);
        deconv_backward(dx, dw, db, r.dout, r.x, r.w, &g);
    } else {
        conv_forward(out, r.x, r.w, r.b, &g);
        conv_backward(dx, dw, db, r.dout, r.x, r.w, &g);
    }
    CHECK_TENSOR_NEAR(r.out, out, r.nout, 1e-5, 1e-5);
    CHECK_TENSOR_NEAR(r.dx, dx, r.nx, 1e-5, 1e-5);
    CHECK_TENSOR_NEAR(r.dw, dw, r.nw, 1e-5, 1e-5);
    CHECK_TENSOR_NEAR(r.db, db, r.nb, 1e-5, 1e-5);
    double m = fmax(max_abs_diff(r.out, out, r.nout), max_abs_diff(r.dx, dx, r.nx));
    m = fmax(m, max_abs_diff(r.dw, dw, r.nw));
    free(out);
    free(dx);
    free(dw);
    free(db);
    return m;
}

static void test_torch_reference(void)
{
    /* conv: N2 C3 O2 H7 W6, k 3x2, stride (2,1), padding T1 B0 L2 R1, dilation (1,2) */
    ConvGeom g = geom(2, 3, 7, 6, 2, 3, 2, 2, 1, 1, 0, 2, 1, 1, 2, 0, 0);
    CHECK(conv_geom_finish(&g));
    CHECK_INT_EQ((long)(sizeof TORCH_CONV_OUT / sizeof(float)), out_count(&g));
    float out[84], dx[252] = {0}, dw[36] = {0}, db[2] = {0};
    conv_forward(out, TORCH_CONV_X, TORCH_CONV_W, TORCH_CONV_B, &g);
    conv_backward(dx, dw, db, TORCH_CONV_DOUT, TORCH_CONV_X, TORCH_CONV_W, &g);
    CHECK_TENSOR_NEAR(TORCH_CONV_OUT, out, 84, 1e-5, 1e-5);
    CHECK_TENSOR_NEAR(TORCH_CONV_DX, dx, 252, 1e-5, 1e-5);
    CHECK_TENSOR_NEAR(TORCH_CONV_DW, dw, 36, 1e-5, 1e-5);
    CHECK_TENSOR_NEAR(TORCH_CONV_DB, db, 2, 1e-5, 1e-5);
    double m = max_abs_diff(TORCH_CONV_OUT, out, 84);
    m = fmax(m, max_abs_diff(TORCH_CONV_DX, dx, 252));
    m = fmax(m, max_abs_diff(TORCH_CONV_DW, dw, 36));
    printf("torch conv: max abs diff %.3g\n", m);

    /* deconv: N2 C2 O3 H4 W3, k 3x2, stride (2,3), padding T1 B2 L0 R1, dilation (2,1),
     * output padding (1,2) */
    g = geom(2, 2, 4, 3, 3, 3, 2, 2, 3, 1, 2, 0, 1, 2, 1, 1, 2);
    CHECK(deconv_geom_finish(&g));
    CHECK_INT_EQ(TORCH_DECONV_OH, g.oh);
    CHECK_INT_EQ(TORCH_DECONV_OW, g.ow);
    float dout[2 * 3 * 9 * 9], ddx[48] = {0}, ddw[36] = {0}, ddb[3] = {0};
    CHECK_INT_EQ((long)(sizeof TORCH_DECONV_OUT / sizeof(float)), out_count(&g));
    deconv_forward(dout, TORCH_DECONV_X, TORCH_DECONV_W, TORCH_DECONV_B, &g);
    deconv_backward(ddx, ddw, ddb, TORCH_DECONV_DOUT, TORCH_DECONV_X, TORCH_DECONV_W, &g);
    CHECK_TENSOR_NEAR(TORCH_DECONV_OUT, dout, out_count(&g), 1e-5, 1e-5);
    CHECK_TENSOR_NEAR(TORCH_DECONV_DX, ddx, 48, 1e-5, 1e-5);
    CHECK_TENSOR_NEAR(TORCH_DECONV_DW, ddw, 36, 1e-5, 1e-5);
    CHECK_TENSOR_NEAR(TORCH_DECONV_DB, ddb, 3, 1e-5, 1e-5);
    m = max_abs_diff(TORCH_DECONV_OUT, dout, out_count(&g));
    m = fmax(m, max_abs_diff(TORCH_DECONV_DX, ddx, 48));
    m = fmax(m, max_abs_diff(TORCH_DECONV_DW, ddw, 36));

    /* deconv with PyTorch's own symmetric padding: k3 s2 p1 outpad 1, 3x4 -> 6x8 */
    g = geom(1, 2, 3, 4, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1);
    CHECK(deconv_geom_finish(&g));
    CHECK_INT_EQ(6, g.oh);
    CHECK_INT_EQ(8, g.ow);
    float d2[96];
    deconv_forward(d2, TORCH_DECONV2_X, TORCH_DECONV2_W, TORCH_DECONV2_B, &g);
    CHECK_TENSOR_NEAR(TORCH_DECONV2_OUT, d2, 96, 1e-5, 1e-5);
    m = fmax(m, max_abs_diff(TORCH_DECONV2_OUT, d2, 96));
    printf("torch deconv: max abs diff %.3g\n", m);

    /* grouped conv: N2 C4 O6 groups 2, k 3x2, stride (1,2), padding T1 B2 L0 R1, dilation (2,1) */
    m = torch_case(false, grouped(geom(2, 4, 6, 5, 6, 3, 2, 1, 2, 1, 2, 0, 1, 2, 1, 0, 0), 2),
                   TORCH_REFS(GCONV));
    /* depthwise with a channel multiplier: C3 O6 groups 3, k3 stride 2 pad 1 */
    m = fmax(m,
             torch_case(false, grouped(geom(1, 3, 5, 5, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0), 3),
                        TORCH_REFS(DWCONV)));
    /* grouped deconv: C4 O6 groups 2, k3 stride 2 pad 1 outpad 1, 3x4 -> 6x8 */
    m = fmax(m,
             torch_case(true, grouped(geom(2, 4, 3, 4, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1), 2),
                        TORCH_REFS(GDECONV)));
    printf("torch grouped conv, depthwise conv, grouped deconv: max abs diff %.3g\n", m);
}

int main(void)
{
    test_notes_2x2_kernel();
    test_notes_output_sizes();
    test_notes_1d();
    test_notes_box_filter();
    test_coverage_counts();
    test_channels_example();
    test_conv_cells_random();
    test_deconv_cells_random();
    test_deconv_is_adjoint();
    test_groups_random();
    test_finite_differences();
    test_torch_reference();
    return test_summary();
}
