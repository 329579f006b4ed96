/* test_matrix_model.c - the Matrix lab's model without a window: the matrix as the lab shows it
 * (M, or Mᵀ turned when tall) against the notes' 4x9 example, the options and their messages,
 * and the flip bands' equation lines. Links the model and the engine only. */
#include "labs/matrix/model.h"
#include "test.h"

#include <string.h>

/* The default 3x3 input and 2x2 kernel: M is 4x9, row r holds the kernel's taps 0..3 at the
 * columns of output r's window (notes: rows 0 1 _ 3 4, 1 2 _ 4 5, ...). */
static void test_display_conv(void)
{
    MatScene s;
    matscene_init(&s);
    char err[200] = "";
    CHECK(matscene_rebuild(&s, err, sizeof err));
    static MatDisplay d;
    matscene_display(&s, &d);
    CHECK_INT_EQ(4, d.drows);
    CHECK_INT_EQ(9, d.dcols);
    CHECK(!d.swap);
    static const int window[4][4] = {{0, 1, 3, 4}, {1, 2, 4, 5}, {3, 4, 6, 7}, {4, 5, 7, 8}};
    int nz = 0;
    for (int r = 0; r < 4; r++) {
        for (int c = 0; c < 9; c++)
            nz += d.nz[r * 9 + c];
        for (int t = 0; t < 4; t++) {
            int c = window[r][t];
            CHECK_INT_EQ(1, d.nz[r * 9 + c]);
            CHECK_INT_EQ(t, d.dtap[r * 9 + c]);
            /* the count-up kernel is 0 1 2 3: tap t holds t */
            CHECK_NEAR((float)t, d.dense[r * 9 + c], 0.0);
        }
    }
    CHECK_INT_EQ(16, nz);
    /* a structural zero: output 0's window does not reach input 2 */
    CHECK_INT_EQ(0, d.nz[2]);
    CHECK_INT_EQ(-1, d.dtap[2]);
    /* not turned: the screen order is the matrix order */
    CHECK(memcmp(d.dense, d.sdense, 36 * sizeof(float)) == 0);
    CHECK(memcmp(d.nz, d.snz, 36) == 0);
    matscene_free(&s);
}

/* Transposed, 3x3 input, 3x3 kernel, stride 2: the deconv's output is (3-1)*2 + 3 = 7 wide, so
 * Mᵀ is 49x9 and drawn turned; every input cell stamps all 9 taps inside the output. */
static void test_display_transposed(void)
{
    MatScene s;
    matscene_init(&s);
    char err[200] = "";
    bool refill = false;
    CHECK(matscene_set_option(&s, "mode", "transposed", &refill, err, sizeof err));
    CHECK(refill);
    CHECK(matscene_set_option(&s, "n", "3", &refill, err, sizeof err));
    CHECK(matscene_set_option(&s, "k", "3", &refill, err, sizeof err));
    CHECK(matscene_set_option(&s, "stride", "2", &refill, err, sizeof err));
    CHECK(!refill);
    matscene_clamp(&s);
    matscene_fill_preset(&s);
    CHECK(matscene_rebuild(&s, err, sizeof err));
    static MatDisplay d;
    matscene_display(&s, &d);
    CHECK_INT_EQ(49, d.drows);
    CHECK_INT_EQ(9, d.dcols);
    CHECK(d.swap);
    int nz = 0;
    for (int i = 0; i < 49 * 9; i++)
        nz += d.nz[i];
    CHECK_INT_EQ(81, nz);
    /* input x₁₁ (column 4) stamps tap (0,0) onto output (2,2) = row 16 */
    CHECK_INT_EQ(0, d.dtap[16 * 9 + 4]);
    /* turned: screen cell (c, r) shows matrix cell (r, c) */
    int checked = 0;
    for (int r = 0; r < 49; r++)
        for (int c = 0; c < 9; c++) {
            checked +=
                d.sdense[c * 49 + r] == d.dense[r * 9 + c] && d.snz[c * 49 + r] == d.nz[r * 9 + c];
        }
    CHECK_INT_EQ(49 * 9, checked);
    matscene_free(&s);
}

static void test_options(void)
{
    MatScene s;
    matscene_init(&s);
    char err[200] = "";
    bool refill = true;
    /* the words a teacher might type, and a mode given as a preset */
    CHECK(matscene_set_option(&s, "preset", "transposed", &refill, err, sizeof err));
    CHECK_INT_EQ(MATMODE_TRANSPOSED, s.mode);
    CHECK(refill);
    CHECK(matscene_set_option(&s, "preset", "edge", &refill, err, sizeof err));
    CHECK_INT_EQ(MATPRESET_EDGE, s.preset);
    CHECK(matscene_set_option(&s, "mode", "xcorr", &refill, err, sizeof err));
    CHECK_INT_EQ(MATMODE_FLIP, s.mode);
    CHECK(matscene_set_option(&s, "padding", "1", &refill, err, sizeof err));
    CHECK_INT_EQ(1, s.pad);
    CHECK(!refill);

    /* out of range: the message names the range of this mode, and nothing changes */
    int settings[7] = {s.mode, s.preset, s.n, s.k, s.stride, s.pad, s.outpad};
    CHECK(!matscene_set_option(&s, "n", "9", &refill, err, sizeof err));
    CHECK_STR_EQ("matrix: n=9 is not allowed (an integer 3..4)", err);
    CHECK(!matscene_set_option(&s, "k", "x", &refill, err, sizeof err));
    CHECK_STR_EQ("matrix: k=x is not allowed (an integer 2..3)", err);
    CHECK(!matscene_set_option(&s, "outpad", "1", &refill, err, sizeof err));
    CHECK_STR_EQ("matrix: outpad=1 needs mode=transposed and a stride larger than it (set mode "
                 "and stride first)",
                 err);
    CHECK(!matscene_set_option(&s, "mode", "spiral", &refill, err, sizeof err));
    CHECK_STR_EQ("matrix: mode=spiral is unknown (conv, transposed, flip)", err);
    CHECK(!matscene_set_option(&s, "zoom", "2", &refill, err, sizeof err));
    CHECK_STR_EQ("matrix: unknown option 'zoom' (mode, preset, n, k, stride, pad, outpad, step)",
                 err);
    int after[7] = {s.mode, s.preset, s.n, s.k, s.stride, s.pad, s.outpad};
    CHECK(memcmp(settings, after, sizeof settings) == 0);

    /* transposed takes the output padding below its stride */
    CHECK(matscene_set_option(&s, "mode", "transposed", &refill, err, sizeof err));
    CHECK(matscene_set_option(&s, "stride", "2", &refill, err, sizeof err));
    CHECK(matscene_set_option(&s, "output_padding", "1", &refill, err, sizeof err));
    CHECK_INT_EQ(1, s.outpad);
    matscene_free(&s);
}

/* The flip bands' equation lines in the default scene: y₀₀ = 19 by cross-correlation, 5 by true
 * convolution (the kernel 0 1 2 3 turned to 3 2 1 0), hand-computed in the notes. */
static void test_band_equations(void)
{
    MatScene s;
    matscene_init(&s);
    char err[200] = "", eq[400];
    bool refill = false;
    CHECK(matscene_set_option(&s, "mode", "flip", &refill, err, sizeof err));
    matscene_clamp(&s);
    matscene_fill_preset(&s);
    CHECK(matscene_rebuild(&s, err, sizeof err));
    CHECK_STR_EQ("y₀₀ = 0×0 + 1×1 + 3×2 + 4×3 = 19",
                 matscene_band_equation(&s, 0, 0, true, eq, sizeof eq));
    CHECK_STR_EQ("(I∗K)₀₀ = 4×0 + 3×1 + 1×2 + 0×3 = 5",
                 matscene_band_equation(&s, 1, 0, true, eq, sizeof eq));
    CHECK_STR_EQ("y₁₀: not yet computed (step 3)",
                 matscene_band_equation(&s, 0, 2, false, eq, sizeof eq));
    CHECK_STR_EQ("(I∗K)₁₀: not yet computed (step 3)",
                 matscene_band_equation(&s, 1, 2, false, eq, sizeof eq));
    CHECK_STR_EQ("K(0,0) (marked) meets the window's top-left cell",
                 matscene_band_equation(&s, 0, -1, false, eq, sizeof eq));
    CHECK_STR_EQ("K(0,0) (marked) meets the window's bottom-right cell",
                 matscene_band_equation(&s, 1, -1, false, eq, sizeof eq));
    matscene_free(&s);
}

static void test_labels(void)
{
    const char *const *labels = matscene_mode_labels();
    for (int m = 0; m < MATMODE_COUNT; m++)
        CHECK_STR_EQ(matscene_mode_label((MatMode)m), labels[m]);
    CHECK_STR_EQ("Transposed conv", labels[MATMODE_TRANSPOSED]);
}

int main(void)
{
    test_display_conv();
    test_display_transposed();
    test_options();
    test_band_equations();
    test_labels();
    return test_summary();
}
