/* test_convmat.c - the conv matrix M against the engine's conv_forward, its transpose against
 * deconv_forward, and the flipped kernel against true convolution computed by definition. */
#include "engine/conv.h"
#include "engine/convmat.h"
#include "engine/rng.h"
#include "test.h"

#include <stdlib.h>

/* The notes' example: a 3x3 image unrolled to 9 entries, a 2x2 mask, no padding: M is the
 * 4x9 matrix
 *   w00 w01 0   w10 w11 0   0   0   0
 *   0   w00 w01 0   w10 w11 0   0   0
 *   0   0   0   w00 w01 0   w10 w11 0
 *   0   0   0   0   w00 w01 0   w10 w11 */
static void test_notes_matrix(void)
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
    float w[4] = {10, 20, 30, 40}; /* w00 w01 w10 w11 */
    ConvMat m;
    char err[128] = "";
    CHECK(convmat_build(&m, &g, w, err, sizeof err));
    CHECK_INT_EQ(4, m.rows);
    CHECK_INT_EQ(9, m.cols);
    CHECK_INT_EQ(16, m.n_entries);
    const float expected[4][9] = {
        {10, 20, 0, 30, 40, 0, 0, 0, 0},
        {0, 10, 20, 0, 30, 40, 0, 0, 0},
        {0, 0, 0, 10, 20, 0, 30, 40, 0},
        {0, 0, 0, 0, 10, 20, 0, 30, 40},
    };
    int mismatches = 0;
    for (int r = 0; r < 4; r++)
        for (int col = 0; col < 9; col++)
            mismatches += convmat_at(&m, r, col) != expected[r][col];
    CHECK_INT_EQ(0, mismatches);
    /* row 3 is output (1, 1): its first tap is w00 at input (1, 1), column 4 */
    const ConvMatEntry *e = convmat_find(&m, 3, 4);
    CHECK(e != NULL);
    if (e) {
        CHECK_INT_EQ(1, e->oy);
        CHECK_INT_EQ(1, e->ox);
        CHECK_INT_EQ(1, e->iy);
        CHECK_INT_EQ(1, e->ix);
        CHECK_INT_EQ(0, e->ky);
        CHECK_INT_EQ(0, e->kx);
    }
    CHECK(convmat_find(&m, 3, 0) == NULL);

    /* the worked example 0x0 + 1x1 + 3x2 + 4x3 = 19 */
    float x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    float k[4] = {0, 1, 2, 3};
    ConvMat mk;
    CHECK(convmat_build(&mk, &g, k, err, sizeof err));
    float y[4];
    convmat_apply(&mk, y, x);
    const float y_expected[4] = {19, 25, 37, 43};
    CHECK_TENSOR_NEAR(y_expected, y, 4, 0.0, 0.0);

    /* M^T times the 2x2 [[0, 1], [2, 3]]: the transposed convolution stamps each input
     * cell's copy of the kernel: [[0, 0, 1], [0, 4, 6], [4, 12, 9]] */
    float yin[4] = {0, 1, 2, 3};
    float xt[9];
    convmat_apply_transposed(&mk, xt, yin);
    const float xt_expected[9] = {0, 0, 1, 0, 4, 6, 4, 12, 9};
    CHECK_TENSOR_NEAR(xt_expected, xt, 9, 0.0, 0.0);
    /* after two stamps only cells (0,0) and (0,1) of the input have contributed */
    convmat_apply_transposed_partial(&mk, xt, yin, 2);
    const float xt2[9] = {0, 0, 1, 0, 2, 3, 0, 0, 0};
    CHECK_TENSOR_NEAR(xt2, xt, 9, 0.0, 0.0);
    convmat_free(&m);
    convmat_free(&mk);
    convmat_free(&mk); /* idempotent */
}

static void fill_random(Rng *rng, float *v, long n)
{
    for (long i = 0; i < n; i++)
        v[i] = rng_uniform(rng) * 2.0f - 1.0f;
}

/* A random small geometry; false when it has no output. */
static bool random_geom(Rng *rng, ConvGeom *g)
{
    ConvGeom t = {.n = 1};
    t.c = 1 + (int)rng_below(rng, 2);
    t.o = 1 + (int)rng_below(rng, 2);
    t.h = 2 + (int)rng_below(rng, 6);
    t.w = 2 + (int)rng_below(rng, 6);
    t.kh = 1 + (int)rng_below(rng, 3);
    t.kw = 1 + (int)rng_below(rng, 3);
    t.sh = 1 + (int)rng_below(rng, 3);
    t.sw = 1 + (int)rng_below(rng, 3);
    t.pt = (int)rng_below(rng, 3);
    t.pb = (int)rng_below(rng, 3);
    t.pl = (int)rng_below(rng, 3);
    t.pr = (int)rng_below(rng, 3);
    t.dh = 1 + (int)rng_below(rng, 2);
    t.dw = 1 + (int)rng_below(rng, 2);
    if (!conv_geom_finish(&t))
        return false;
    *g = t;
    return true;
}

/* M . x == conv_forward and M^T . y == deconv_forward for many random geometries. */
static void test_random_geometries(void)
{
    Rng rng;
    rng_seed(&rng, 20240611);
    int tried = 0, strided = 0, dilated = 0, outpadded = 0;
    int bad_conv = 0, bad_deconv = 0, bad_shape = 0;
    while (tried < 300) {
        ConvGeom g;
        if (!random_geom(&rng, &g))
            continue;
        tried++;
        strided += g.sh > 1 || g.sw > 1;
        dilated += g.dh > 1 || g.dw > 1;
        long nx = (long)g.c * g.h * g.w, ny = (long)g.o * g.oh * g.ow;
        long nw = (long)g.o * g.c * g.kh * g.kw;
        float *x = malloc((size_t)nx * sizeof *x);       /* (C, H, W) */
        float *w = malloc((size_t)nw * sizeof *w);       /* (O, C, KH, KW) */
        float *y = malloc((size_t)ny * sizeof *y);       /* (O, OH, OW) */
        float *ref = malloc((size_t)ny * sizeof *ref);   /* (O, OH, OW) */
        float *xt = malloc((size_t)nx * sizeof *xt);     /* (C, H, W) */
        float *xref = malloc((size_t)nx * sizeof *xref); /* (C, H, W) */
        fill_random(&rng, x, nx);
        fill_random(&rng, w, nw);
        ConvMat m;
        CHECK(convmat_build(&m, &g, w, NULL, 0));
        convmat_apply(&m, y, x);
        conv_forward(ref, x, w, NULL, &g);
        for (long i = 0; i < ny; i++)
            bad_conv += fabsf(y[i] - ref[i]) > 1e-5f;

        /* the transpose: a deconv of the conv's output shape back to its input shape,
         * with the same weight array */
        ConvGeom gt;
        CHECK(convmat_geom_transpose(&g, &gt));
        outpadded += gt.oph > 0 || gt.opw > 0;
        ConvGeom gd = gt;
        CHECK(deconv_geom_finish(&gd));
        bad_shape += gd.oh != g.h || gd.ow != g.w;
        convmat_apply_transposed(&m, xt, ref);
        deconv_forward(xref, ref, w, NULL, &gt);
        for (long i = 0; i < nx; i++)
            bad_deconv += fabsf(xt[i] - xref[i]) > 1e-5f;
        convmat_free(&m);
        free(x);
        free(w);
        free(y);
        free(ref);
        free(xt);
        free(xref);
    }
    CHECK_INT_EQ(0, bad_conv);
    CHECK_INT_EQ(0, bad_deconv);
    CHECK_INT_EQ(0, bad_shape);
    /* the sample really covered strides, dilation and output padding */
    CHECK(strided > 50);
    CHECK(dilated > 50);
    CHECK(outpadded > 20);
}

/* Starting from a deconv (what the lab's transposed mode sets): stride 2 and output padding
 * 1; the transposed animation's final output (M^T y, all stamps) equals deconv_forward. */
static void test_deconv_side(void)
{
    /* d2l's example: [[0, 1], [2, 3]] stamped with [[0, 1], [2, 3]] at stride 2 gives
     * [[0,0,0,1],[0,0,2,3],[0,2,0,3],[4,6,6,9]] */
    ConvGeom gd = {.n = 1,
                   .c = 1,
                   .h = 2,
                   .w = 2,
                   .o = 1,
                   .kh = 2,
                   .kw = 2,
                   .sh = 2,
                   .sw = 2,
                   .dh = 1,
                   .dw = 1};
    CHECK(deconv_geom_finish(&gd));
    CHECK_INT_EQ(4, gd.oh);
    ConvGeom g;
    CHECK(convmat_geom_of_deconv(&gd, &g));
    CHECK_INT_EQ(4, g.h);
    CHECK_INT_EQ(2, g.oh);
    float k[4] = {0, 1, 2, 3};
    float yin[4] = {0, 1, 2, 3};
    ConvMat m;
    CHECK(convmat_build(&m, &g, k, NULL, 0));
    CHECK_INT_EQ(4, m.rows);
    CHECK_INT_EQ(16, m.cols);
    float out[16], ref[16];
    convmat_apply_transposed(&m, out, yin);
    deconv_forward(ref, yin, k, NULL, &gd);
    const float expected[16] = {0, 0, 0, 1, 0, 0, 2, 3, 0, 2, 0, 3, 4, 6, 6, 9};
    CHECK_TENSOR_NEAR(expected, out, 16, 0.0, 0.0);
    CHECK_TENSOR_NEAR(ref, out, 16, 0.0, 0.0);
    convmat_free(&m);

    /* stride 2, padding 1, output padding 1, 3x3 kernel on 3x3 input: 6x6 output */
    Rng rng;
    rng_seed(&rng, 7);
    for (int op = 0; op <= 1; op++) {
        ConvGeom d = {.n = 1,
                      .c = 1,
                      .h = 3,
                      .w = 3,
                      .o = 1,
                      .kh = 3,
                      .kw = 3,
                      .sh = 2,
                      .sw = 2,
                      .pt = 1,
                      .pb = 1,
                      .pl = 1,
                      .pr = 1,
                      .dh = 1,
                      .dw = 1,
                      .oph = op,
                      .opw = op};
        CHECK(deconv_geom_finish(&d));
        CHECK_INT_EQ(5 + op, d.oh);
        ConvGeom c;
        CHECK(convmat_geom_of_deconv(&d, &c));
        float x[9], w[9], o1[36], o2[36], part[36];
        fill_random(&rng, x, 9);
        fill_random(&rng, w, 9);
        CHECK(convmat_build(&m, &c, w, NULL, 0));
        CHECK_INT_EQ(9, m.rows);
        CHECK_INT_EQ(d.oh * d.ow, m.cols);
        convmat_apply_transposed(&m, o1, x);
        deconv_forward(o2, x, w, NULL, &d);
        CHECK_TENSOR_NEAR(o2, o1, d.oh * d.ow, 1e-6, 1e-6);
        /* the animation's last frame is the whole sum */
        convmat_apply_transposed_partial(&m, part, x, 9);
        CHECK_TENSOR_NEAR(o2, part, d.oh * d.ow, 1e-6, 1e-6);
        /* and the conv of the deconv's output size returns to the deconv's input size */
        ConvGeom back;
        CHECK(convmat_geom_transpose(&c, &back));
        CHECK_INT_EQ(op, back.oph);
        CHECK_INT_EQ(3, back.h);
        convmat_free(&m);
    }
    /* output padding must stay below the stride */
    ConvGeom bad = {.n = 1,
                    .c = 1,
                    .h = 2,
                    .w = 2,
                    .o = 1,
                    .kh = 2,
                    .kw = 2,
                    .sh = 2,
                    .sw = 2,
                    .dh = 1,
                    .dw = 1,
                    .oph = 2,
                    .opw = 0};
    CHECK(deconv_geom_finish(&bad));
    CHECK(!convmat_geom_of_deconv(&bad, &g));
}

/* True convolution by the definition (I * K)(i, j) = sum_m sum_n I(i-m, j-n) K(m, n), over
 * every (i, j) where the sum is not empty ("full"), zero outside the image. */
static void full_convolution(float *out /* (H+KH-1, W+KW-1) */, const float *img /* (H, W) */,
                             int h, int w, const float *k /* (KH, KW) */, int kh, int kw)
{
    for (int i = 0; i < h + kh - 1; i++) {
        for (int j = 0; j < w + kw - 1; j++) {
            double s = 0.0;
            for (int m = 0; m < kh; m++)
                for (int n = 0; n < kw; n++) {
                    int y = i - m, x = j - n;
                    if (y >= 0 && y < h && x >= 0 && x < w)
                        s += (double)img[y * w + x] * k[m * kw + n];
                }
            out[i * (w + kw - 1) + j] = (float)s;
        }
    }
}

static void test_flip(void)
{
    const float k[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float f[9], ff[9];
    convmat_flip_kernel(f, k, 1, 1, 3, 3);
    const float f_expected[9] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
    CHECK_TENSOR_NEAR(f_expected, f, 9, 0.0, 0.0);
    convmat_flip_kernel(ff, f, 1, 1, 3, 3);
    CHECK_TENSOR_NEAR(k, ff, 9, 0.0, 0.0);
    /* a 2x3 kernel per (o, c) pair, two pairs */
    const float k2[12] = {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6};
    float f2[12];
    convmat_flip_kernel(f2, k2, 2, 1, 2, 3);
    const float f2_expected[12] = {6, 5, 4, 3, 2, 1, -6, -5, -4, -3, -2, -1};
    CHECK_TENSOR_NEAR(f2_expected, f2, 12, 0.0, 0.0);

    /* the worked example: cross-correlation of [[0,1,2],[3,4,5],[6,7,8]] with [[0,1],[2,3]]
     * is [[19,25],[37,43]]; true convolution is the same sweep with [[3,2],[1,0]]:
     * [[5,11],[23,29]] */
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
    const float x[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    const float kk[4] = {0, 1, 2, 3};
    float kf[4], xc[4], tc[4];
    convmat_flip_kernel(kf, kk, 1, 1, 2, 2);
    conv_forward(xc, x, kk, NULL, &g);
    conv_forward(tc, x, kf, NULL, &g);
    const float xc_expected[4] = {19, 25, 37, 43};
    const float tc_expected[4] = {5, 11, 23, 29};
    CHECK_TENSOR_NEAR(xc_expected, xc, 4, 0.0, 0.0);
    CHECK_TENSOR_NEAR(tc_expected, tc, 4, 0.0, 0.0);
    ConvTerm terms[4];
    int nt = 0;
    float v = convmat_true_conv_cell(&g, x, kk, 0, 0, 0, terms, 4, &nt);
    CHECK_NEAR(5.0f, v, 0.0);
    CHECK_INT_EQ(4, nt);
    /* first term: K(0,0) meets I(1,1) (the image index runs backward) */
    CHECK_INT_EQ(0, terms[0].ky);
    CHECK_INT_EQ(1, terms[0].iy);
    CHECK_INT_EQ(1, terms[0].ix);
    CHECK_NEAR(4.0f, terms[0].x, 0.0);
    CHECK_NEAR(0.0f, terms[0].w, 0.0);
    CHECK_INT_EQ(0, terms[3].iy);
    CHECK_NEAR(3.0f, terms[3].w, 0.0);

    /* random images and kernels: the full true convolution by definition equals the
     * cross-correlation with the flipped kernel and KH-1 / KW-1 zero padding */
    Rng rng;
    rng_seed(&rng, 99);
    int bad = 0, bad_cell = 0;
    for (int trial = 0; trial < 60; trial++) {
        int h = 2 + (int)rng_below(&rng, 5), w = 2 + (int)rng_below(&rng, 5);
        int kh = 1 + (int)rng_below(&rng, 3), kw = 1 + (int)rng_below(&rng, 3);
        float img[36], ker[9], kflip[9], full[64], xcorr[64];
        fill_random(&rng, img, h * w);
        fill_random(&rng, ker, kh * kw);
        full_convolution(full, img, h, w, ker, kh, kw);
        convmat_flip_kernel(kflip, ker, 1, 1, kh, kw);
        ConvGeom gf = {.n = 1,
                       .c = 1,
                       .h = h,
                       .w = w,
                       .o = 1,
                       .kh = kh,
                       .kw = kw,
                       .sh = 1,
                       .sw = 1,
                       .pt = kh - 1,
                       .pb = kh - 1,
                       .pl = kw - 1,
                       .pr = kw - 1,
                       .dh = 1,
                       .dw = 1};
        CHECK(conv_geom_finish(&gf));
        conv_forward(xcorr, img, kflip, NULL, &gf);
        for (int i = 0; i < gf.oh * gf.ow; i++)
            bad += fabsf(full[i] - xcorr[i]) > 1e-5f;
        /* the single-cell definition agrees with conv_cell on the flipped kernel */
        for (int oy = 0; oy < gf.oh; oy++)
            for (int ox = 0; ox < gf.ow; ox++) {
                float a = convmat_true_conv_cell(&gf, img, ker, 0, oy, ox, NULL, 0, NULL);
                float b = conv_cell(&gf, img, kflip, NULL, 0, oy, ox, NULL, 0, NULL);
                bad_cell += fabsf(a - b) > 1e-5f;
            }
    }
    CHECK_INT_EQ(0, bad);
    CHECK_INT_EQ(0, bad_cell);
}

static void test_errors(void)
{
    ConvGeom g = {.n = 1,
                  .c = 1,
                  .h = 3,
                  .w = 3,
                  .o = 1,
                  .kh = 2,
                  .kw = 2,
                  .sh = 0,
                  .sw = 1,
                  .dh = 1,
                  .dw = 1,
                  .oh = 2,
                  .ow = 2};
    float w[4] = {0};
    ConvMat m;
    char err[160] = "";
    CHECK(!convmat_build(&m, &g, w, err, sizeof err));
    CHECK_CONTAINS(err, "stride");
    CHECK(m.entries == NULL && m.rows == 0);
    convmat_free(&m);
    ConvGeom gt;
    CHECK(!convmat_geom_transpose(&g, &gt));
}

int main(void)
{
    test_notes_matrix();
    test_random_geometries();
    test_deconv_side();
    test_flip();
    test_errors();
    return test_summary();
}
