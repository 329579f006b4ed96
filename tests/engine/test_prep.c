/* test_prep.c - MNIST-like preprocessing: resampling by hand-computed values, synthetic
 * squares and bars placed where the rule says, inversion of dark-on-light pictures, and a
 * real digit surviving an enlarge-and-invert round trip. */
#include "engine/assets.h"
#include "engine/idx.h"
#include "engine/prep.h"
#include "test.h"

#include <stdlib.h>

static void test_resample(void)
{
    /* shrinking 4 -> 2 averages pairs */
    const float a[4] = {1.0f, 2.0f, 3.0f, 4.0f};
    float b[4];
    prep_resample(b, 1, 2, a, 1, 4);
    CHECK_NEAR(1.5, b[0], 1e-6);
    CHECK_NEAR(3.5, b[1], 1e-6);
    /* 3 -> 2: each output covers 1.5 source pixels: (0 + 0.5*3)/1.5 = 1, (0.5*3 + 6)/1.5 = 5 */
    const float c[3] = {0.0f, 3.0f, 6.0f};
    prep_resample(b, 1, 2, c, 1, 3);
    CHECK_NEAR(1.0, b[0], 1e-6);
    CHECK_NEAR(5.0, b[1], 1e-6);
    /* enlarging 2 -> 4 interpolates between centres: x = (i + 0.5)/2 - 0.5, clamped */
    const float d[2] = {0.0f, 1.0f};
    prep_resample(b, 1, 4, d, 1, 2);
    const float want[4] = {0.0f, 0.25f, 0.75f, 1.0f};
    CHECK_TENSOR_NEAR(want, b, 4, 1e-6, 0.0);
    /* the same along columns */
    prep_resample(b, 4, 1, d, 2, 1);
    CHECK_TENSOR_NEAR(want, b, 4, 1e-6, 0.0);
    /* same size is the identity */
    prep_resample(b, 1, 3, c, 1, 3);
    CHECK_TENSOR_NEAR(c, b, 3, 0.0, 0.0);
    /* 2-D shrink 4x4 -> 2x2 averages blocks */
    float e[16], f[4];
    for (int k = 0; k < 16; k++)
        e[k] = (float)k;
    prep_resample(f, 2, 2, e, 4, 4);
    const float blocks[4] = {2.5f, 4.5f, 10.5f, 12.5f};
    CHECK_TENSOR_NEAR(blocks, f, 4, 1e-5, 0.0);
}

/* A w x h picture of value bg with a rectangle of value fg at (rx, ry) of rw x rh. */
static float *rect_image(int h, int w, float bg, float fg, int ry, int rx, int rh, int rw)
{
    float *img = malloc(sizeof(float) * (size_t)h * (size_t)w);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            img[y * w + x] = (y >= ry && y < ry + rh && x >= rx && x < rx + rw) ? fg : bg;
    return img;
}

static void check_square_centred(const float *out)
{
    /* a 20x20 square of ones at rows/columns 5..24: its centre of mass, index 9.5 inside
     * the square, lands at lround(14 - 9.5) + 9.5 = 14.5, the nearest whole-pixel shift to
     * MNIST's centre (index 14) */
    float want[28 * 28];
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++)
            want[y * 28 + x] = (y >= 5 && y < 25 && x >= 5 && x < 25) ? 1.0f : 0.0f;
    CHECK_TENSOR_NEAR(want, out, 28 * 28, 1e-6, 0.0);
}

static void test_square(void)
{
    float out[28 * 28];
    PrepInfo info;
    /* a white 30x30 square off in the corner of a 60x100 black picture */
    float *img = rect_image(60, 100, 0.0f, 1.0f, 5, 60, 30, 30);
    prep_mnist(out, img, 60, 100, &info);
    CHECK(!info.inverted);
    CHECK(!info.empty);
    CHECK_INT_EQ(60, info.box_x);
    CHECK_INT_EQ(5, info.box_y);
    CHECK_INT_EQ(30, info.box_w);
    CHECK_INT_EQ(30, info.box_h);
    CHECK_INT_EQ(20, info.fit_w);
    CHECK_INT_EQ(5, info.off_x);
    CHECK_INT_EQ(5, info.off_y);
    check_square_centred(out);
    free(img);

    /* dark ink on light paper (a grey square on white) is inverted and stretched the same */
    img = rect_image(60, 100, 1.0f, 0.2f, 5, 60, 30, 30);
    prep_mnist(out, img, 60, 100, &info);
    CHECK(info.inverted);
    CHECK_NEAR(1.0, info.background, 1e-6);
    check_square_centred(out);
    free(img);

    /* a tiny 5x5 square is enlarged to 20x20 */
    img = rect_image(40, 40, 0.0f, 0.8f, 30, 2, 5, 5);
    prep_mnist(out, img, 40, 40, &info);
    CHECK_INT_EQ(20, info.fit_h);
    check_square_centred(out);
    free(img);
}

static void test_bar(void)
{
    /* a 40 wide, 10 tall bar: fitted to 20x5, centre of mass (row 2, column 9.5) moved to
     * (14, 14): rows 12 .. 16, columns lround(4.5) = 5 .. 24 */
    float out[28 * 28];
    PrepInfo info;
    float *img = rect_image(50, 80, 0.0f, 1.0f, 20, 10, 10, 40);
    prep_mnist(out, img, 50, 80, &info);
    CHECK_INT_EQ(20, info.fit_w);
    CHECK_INT_EQ(5, info.fit_h);
    CHECK_INT_EQ(5, info.off_x);
    CHECK_INT_EQ(12, info.off_y);
    double sum = 0.0;
    for (int k = 0; k < 28 * 28; k++)
        sum += out[k];
    CHECK_NEAR(100.0, sum, 1e-4);
    CHECK_NEAR(1.0, out[12 * 28 + 5], 1e-6);
    CHECK_NEAR(1.0, out[16 * 28 + 24], 1e-6);
    CHECK_NEAR(0.0, out[11 * 28 + 5], 1e-6);
    CHECK_NEAR(0.0, out[14 * 28 + 4], 1e-6);
    CHECK_NEAR(0.0, out[17 * 28 + 24], 1e-6);
    free(img);
}

static void test_empty(void)
{
    float out[28 * 28];
    PrepInfo info;
    float *img = rect_image(10, 10, 0.4f, 0.42f, 3, 3, 2, 2); /* contrast 0.02: no ink */
    prep_mnist(out, img, 10, 10, &info);
    CHECK(info.empty);
    float zeros[28 * 28] = {0};
    CHECK_TENSOR_NEAR(zeros, out, 28 * 28, 0.0, 0.0);
    free(img);
    /* one pixel picture */
    float one = 1.0f;
    prep_mnist(out, &one, 1, 1, &info);
    CHECK(info.inverted);
    CHECK(info.empty);
}

static void test_real_digit(void)
{
    /* A bundled digit, enlarged 3x (nearest) and printed dark on white, comes back close to
     * itself: MNIST digits were made by this very rule. */
    char dir[512], err[256];
    CHECK(assets_path(dir, sizeof dir, "assets/digits"));
    Dataset ds;
    if (!dataset_load(&ds, dir, DATASET_TEST, err, sizeof err)) {
        CHECK_STR_EQ("", err);
        return;
    }
    for (int i = 0; i < 5; i++) {
        float src[28 * 28], out[28 * 28];
        dataset_image(&ds, i, src);
        float *big = malloc(sizeof(float) * 84 * 84);
        for (int y = 0; y < 84; y++)
            for (int x = 0; x < 84; x++)
                big[y * 84 + x] = 1.0f - src[(y / 3) * 28 + x / 3];
        PrepInfo info;
        prep_mnist(out, big, 84, 84, &info);
        CHECK(info.inverted);
        double diff = 0.0, ink = 0.0;
        for (int k = 0; k < 28 * 28; k++) {
            diff += fabs(out[k] - src[k]);
            ink += src[k];
        }
        /* the same box and place: the total absolute difference is under 2 % of the ink
         * (measured: 0.0 to 0.8 against 66 to 127) */
        if (!(diff < 0.02 * ink))
            fprintf(stderr, "digit %d: difference %.2f, ink %.2f\n", i, diff, ink);
        CHECK(diff < 0.02 * ink);
        free(big);
    }
    dataset_free(&ds);
}

int main(void)
{
    test_resample();
    test_square();
    test_bar();
    test_empty();
    test_real_digit();
    return test_summary();
}
