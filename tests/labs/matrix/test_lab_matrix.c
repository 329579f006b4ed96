/* test_lab_matrix.c - the Matrix lab's scene: every setting the controls allow builds a matrix
 * that IS the engine's operation, the transposed animation ends on deconv_forward's output,
 * and the flip side equals true convolution computed by its definition. Then the lab inside
 * the real app frame on the software renderer: the amber current row of M by its pixels, an
 * output's colour only once it is computed, and hover tooltips that give an equation only
 * for computed cells. */
#include "app/app.h"
#include "labs/matrix/model.h"
#include "engine/conv.h"
#include "test.h"
#include "labs/app_harness.h"
#include "labs/lab_help_check.h"
#include "viz/colormap.h"

#include <SDL.h>
#include <string.h>

/* (I * K)(i, j) = sum_m sum_n I(i - m, j - n) K(m, n), "valid" part, stride s, padding p:
 * output (oy, ox) sits at i = oy*s - p + k - 1. Computed here from the definition only. */
static float true_conv(const float *img, int n, const float *ker, int k, int s, int p, int oy,
                       int ox)
{
    int i = oy * s - p + k - 1, j = ox * s - p + k - 1;
    double sum = 0.0;
    for (int m = 0; m < k; m++)
        for (int q = 0; q < k; q++) {
            int y = i - m, x = j - q;
            if (y >= 0 && y < n && x >= 0 && x < n)
                sum += (double)img[y * n + x] * ker[m * k + q];
        }
    return (float)sum;
}

static void test_default_scene(void)
{
    MatScene s;
    matscene_init(&s);
    char err[200] = "";
    CHECK(matscene_rebuild(&s, err, sizeof err));
    CHECK_INT_EQ(4, s.m.rows);
    CHECK_INT_EQ(9, s.m.cols);
    CHECK_INT_EQ(4, matscene_steps(&s));
    const float y[4] = {19, 25, 37, 43};
    CHECK_TENSOR_NEAR(y, s.y, 4, 0.0, 0.0);
    CHECK_TENSOR_NEAR(y, s.ym, 4, 0.0, 0.0);
    CHECK_NEAR(0.0f, s.max_diff, 0.0);
    char eq[256];
    CHECK_STR_EQ("y₀₀ = 0×0 + 1×1 + 3×2 + 4×3 = 19", matscene_equation(&s, 0, eq, sizeof eq));
    CHECK_STR_EQ("y₁₁ = 4×0 + 5×1 + 7×2 + 8×3 = 43", matscene_equation(&s, 3, eq, sizeof eq));
    CHECK_INT_EQ(-1, matscene_current(&s, 0));
    CHECK_INT_EQ(1, matscene_current(&s, 2));

    /* after two steps the first two output cells exist, with the engine's values */
    float out[MATLAB_MAX_CELLS], out2[MATLAB_MAX_CELLS];
    uint8_t shown[MATLAB_MAX_CELLS];
    matscene_output_at(&s, 2, out, shown, out2);
    CHECK(shown[0] && shown[1] && !shown[2] && !shown[3]);
    CHECK_NEAR(19.0f, out[0], 0.0);
    CHECK_NEAR(25.0f, out[1], 0.0);
    /* the flipped kernel [3 2; 1 0] gives the true convolution 5 11 23 29 */
    CHECK_NEAR(5.0f, out2[0], 0.0);
    CHECK_NEAR(11.0f, out2[1], 0.0);
    const float yf[4] = {5, 11, 23, 29};
    CHECK_TENSOR_NEAR(yf, s.yflip, 4, 0.0, 0.0);
    CHECK_STR_EQ("(I∗K)₀₀ = 4×0 + 3×1 + 1×2 + 0×3 = 5",
                 matscene_flip_equation(&s, 0, eq, sizeof eq));
    matscene_free(&s);
}

static void test_transposed_worked_example(void)
{
    /* [[0, 1], [2, 3]] stamped with [[0, 1], [2, 3]]: stride 1 -> 3x3, stride 2 -> 4x4 */
    MatScene s;
    matscene_init(&s);
    s.mode = MATMODE_TRANSPOSED;
    s.n = 2;
    s.k = 2;
    matscene_fill_preset(&s);
    char err[200] = "";
    CHECK(matscene_rebuild(&s, err, sizeof err));
    CHECK_INT_EQ(3, s.out_h);
    CHECK_INT_EQ(4, matscene_steps(&s));
    CHECK_INT_EQ(4, s.m.rows); /* M is the 4x9 matrix of the notes; the deconv is its transpose */
    CHECK_INT_EQ(9, s.m.cols);
    const float y1[9] = {0, 0, 1, 0, 4, 6, 4, 12, 9};
    CHECK_TENSOR_NEAR(y1, s.y, 9, 0.0, 0.0);
    CHECK_TENSOR_NEAR(y1, s.ym, 9, 0.0, 0.0);
    float out[MATLAB_MAX_CELLS];
    uint8_t shown[MATLAB_MAX_CELLS];
    /* step by step: nothing, then x00 = 0 stamps zeros, then x01 = 1 stamps K at (0, 1) */
    matscene_output_at(&s, 0, out, shown, NULL);
    const float zero[9] = {0};
    CHECK_TENSOR_NEAR(zero, out, 9, 0.0, 0.0);
    matscene_output_at(&s, 2, out, shown, NULL);
    const float two[9] = {0, 0, 1, 0, 2, 3, 0, 0, 0};
    CHECK_TENSOR_NEAR(two, out, 9, 0.0, 0.0);
    matscene_output_at(&s, 4, out, shown, NULL);
    CHECK_TENSOR_NEAR(y1, out, 9, 0.0, 0.0);
    char eq[256];
    CHECK_STR_EQ("x₀₁ = 1: out rows 0…1, cols 1…2 += 1×K", matscene_equation(&s, 1, eq, sizeof eq));

    s.stride = 2;
    CHECK(matscene_rebuild(&s, err, sizeof err));
    CHECK_INT_EQ(4, s.out_h);
    const float y2[16] = {0, 0, 0, 1, 0, 0, 2, 3, 0, 2, 0, 3, 4, 6, 6, 9};
    CHECK_TENSOR_NEAR(y2, s.y, 16, 0.0, 0.0);
    matscene_output_at(&s, 4, out, shown, NULL);
    CHECK_TENSOR_NEAR(y2, out, 16, 0.0, 0.0);

    /* the last stamp, x11 = 3, lands on rows 2..3, cols 2..3 */
    CHECK_STR_EQ("x₁₁ = 3: out rows 2…3, cols 2…3 += 3×K", matscene_equation(&s, 3, eq, sizeof eq));
    /* with padding 1 the 4x4 of stamps is cropped to 2x2: x00's stamp loses its edge */
    s.pad = 1;
    CHECK(matscene_rebuild(&s, err, sizeof err));
    CHECK_INT_EQ(2, s.out_h);
    CHECK_STR_EQ("x₀₀ = 0: out rows −1…0, cols −1…0 += 0×K (edge cropped)",
                 matscene_equation(&s, 0, eq, sizeof eq));
    s.pad = 0;
    /* output padding 1 adds a row and a column that no stamp reaches */
    s.outpad = 1;
    CHECK(matscene_rebuild(&s, err, sizeof err));
    CHECK_INT_EQ(5, s.out_h);
    matscene_output_at(&s, 4, out, shown, NULL);
    CHECK_TENSOR_NEAR(s.y, out, 25, 0.0, 0.0);
    CHECK_NEAR(9.0f, out[3 * 5 + 3], 0.0);
    CHECK_NEAR(0.0f, out[4 * 5 + 4], 0.0);
    /* output padding is clamped below the stride */
    s.outpad = 5;
    CHECK(matscene_rebuild(&s, err, sizeof err));
    CHECK_INT_EQ(1, s.outpad);
    matscene_free(&s);
}

/* Every combination the controls allow, every preset: the matrix equals the operation. */
static void test_all_settings(void)
{
    int combos = 0, bad_build = 0, bad_diff = 0, bad_final = 0, bad_flip = 0, bad_def = 0;
    int bad_eq = 0;
    for (int mode = 0; mode < MATMODE_COUNT; mode++)
        for (int preset = 0; preset < MATPRESET_COUNT; preset++)
            for (int n = 2; n <= 4; n++)
                for (int k = 2; k <= 3; k++)
                    for (int st = 1; st <= 2; st++)
                        for (int p = 0; p <= 1; p++)
                            for (int op = 0; op < st; op++) {
                                MatScene s;
                                matscene_init(&s);
                                s.mode = (MatMode)mode;
                                s.preset = (MatPreset)preset;
                                s.n = n;
                                s.k = k;
                                s.stride = st;
                                s.pad = p;
                                s.outpad = op;
                                matscene_clamp(&s);
                                if (s.n != n || s.outpad != op)
                                    continue; /* not a setting of this mode */
                                matscene_fill_preset(&s);
                                char err[200] = "";
                                if (!matscene_rebuild(&s, err, sizeof err)) {
                                    bad_build++;
                                    fprintf(stderr, "%s\n", err);
                                    continue;
                                }
                                combos++;
                                bad_diff += s.max_diff > 1e-5f;
                                int steps = matscene_steps(&s);
                                float out[MATLAB_MAX_CELLS], out2[MATLAB_MAX_CELLS];
                                uint8_t shown[MATLAB_MAX_CELLS];
                                matscene_output_at(&s, steps, out, shown, out2);
                                int cells = s.out_h * s.out_w;
                                /* the last frame of the animation is the engine's output */
                                for (int i = 0; i < cells; i++)
                                    bad_final += !shown[i] || fabsf(out[i] - s.y[i]) > 1e-5f;
                                if (mode == MATMODE_TRANSPOSED) {
                                    /* independently: deconv_forward with the scene's geometry */
                                    float ref[MATLAB_MAX_CELLS];
                                    deconv_forward(ref, s.x, s.w, NULL, &s.gd);
                                    for (int i = 0; i < cells; i++)
                                        bad_final += fabsf(out[i] - ref[i]) > 1e-5f;
                                } else {
                                    for (int i = 0; i < cells; i++) {
                                        float d = true_conv(s.x, n, s.w, k, st, p, i / s.out_w,
                                                            i % s.out_w);
                                        bad_flip += fabsf(out2[i] - d) > 1e-5f;
                                        bad_def += fabsf(s.yflip[i] - d) > 1e-5f;
                                    }
                                }
                                for (int i = 0; i < steps; i++) {
                                    char eq[512];
                                    matscene_equation(&s, i, eq, sizeof eq);
                                    bad_eq += strlen(eq) < 8;
                                }
                                matscene_free(&s);
                            }
    CHECK_INT_EQ(0, bad_build);
    CHECK_INT_EQ(0, bad_diff);
    CHECK_INT_EQ(0, bad_final);
    CHECK_INT_EQ(0, bad_flip);
    CHECK_INT_EQ(0, bad_def);
    CHECK_INT_EQ(0, bad_eq);
    /* conv/flip: 3 presets x 2 n x 2 k x 2 strides x 2 pads = 48 each; transposed: 3 x 2 x 2
     * x (1 + 2 output paddings) x 2 = 72 */
    CHECK_INT_EQ(48 + 72 + 48, combos);
}

static void test_names(void)
{
    MatMode m;
    CHECK(matscene_mode_find("transposed", &m) && m == MATMODE_TRANSPOSED);
    CHECK(matscene_mode_find("FLIP", &m) && m == MATMODE_FLIP);
    CHECK(matscene_mode_find("matrix", &m) && m == MATMODE_CONV);
    CHECK(!matscene_mode_find("nonsense", &m));
    MatPreset p;
    CHECK(matscene_preset_find("edge", &p) && p == MATPRESET_EDGE);
    CHECK(!matscene_preset_find("x", &p));
    char sub[32];
    CHECK_STR_EQ("₁₂", matscene_subscript(1, 2, sub, sizeof sub));
}

/* ---- the lab in the app frame ------------------------------------------------------------ */

/* One frame: headless (no hover), or as the window draws it with the mouse at (mx, my). */
static void frame(Harness *h, bool headless)
{
    harness_frame(h, headless, 0.0);
}

/* The longest horizontal run of colour rgb inside rc; *row gets its y. */
static int longest_run(const Harness *h, Rect rc, uint32_t rgb, int *row)
{
    int best = 0;
    *row = -1;
    for (int y = rc.y; y < rc.y + rc.h; y++) {
        int run = 0;
        for (int x = rc.x; x < rc.x + rc.w; x++) {
            run = harness_pixel(h, x, y) == rgb ? run + 1 : 0;
            if (run > best) {
                best = run;
                *row = y;
            }
        }
    }
    return best;
}

static uint32_t rgb_of(Color c)
{
    return (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
}

static void *open_matrix(Harness *h, const LabDef **lab)
{
    int idx = -1;
    *lab = lab_find("matrix", &idx);
    CHECK(*lab != NULL && lab_is_built(*lab));
    CHECK(app_open_lab(h->app, idx));
    return app_lab_state(h->app);
}

static void seek(const LabDef *lab, void *st, int pos)
{
    timeline_seek(lab->timeline(st), pos);
}

/* Scans the stage with the mouse (every step px) for a tooltip starting with prefix; returns
 * whether one was found, with the position and the text. */
static bool find_tooltip(Harness *h, Rect stage, int step, const char *prefix, int *mx, int *my,
                         char *tip, size_t tip_size)
{
    for (int y = stage.y + step / 2; y < stage.y + stage.h; y += step)
        for (int x = stage.x + step / 2; x < stage.x + stage.w; x += step) {
            h->in.mx = x;
            h->in.my = y;
            frame(h, false);
            if (strncmp(h->app->ui.tooltip, prefix, strlen(prefix)) == 0) {
                *mx = x;
                *my = y;
                snprintf(tip, tip_size, "%s", h->app->ui.tooltip);
                return true;
            }
        }
    return false;
}

static void test_frame_default(void)
{
    Harness h;
    CHECK(harness_open(&h, 800, 600));
    const LabDef *lab = NULL;
    void *st = open_matrix(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    AppLayout L = app_layout(800, 600, 1.0f, 1.0f, true);
    const uint32_t amber = 0xffb000;
    /* default: step 2 of 4, the second row of M in amber: the longest amber run on the stage
     * is that row's outline, 9 cells wide (the input window and kernel are 2 cells) */
    frame(&h, true);
    int row2 = -1;
    int run2 = longest_run(&h, L.stage, amber, &row2);
    CHECK(run2 >= 200);
    /* y00 = 19 on the output scale 0..43 is drawn (in y and in the output grid) */
    ColorScale sy = colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, 43.0f);
    uint32_t c19 = rgb_of(colorscale_color(&sy, 19.0f));
    CHECK(harness_count_color(&h, L.stage, c19) > 100);
    CHECK(harness_count_color(&h, L.stage, 0x4cc9f0) == 0); /* no hover in a headless frame */

    /* one step on: the amber row moves down one row of M, as wide */
    seek(lab, st, 3);
    frame(&h, true);
    int row3 = -1;
    int run3 = longest_run(&h, L.stage, amber, &row3);
    CHECK_INT_EQ(run2, run3);
    CHECK(row3 > row2 + 10);

    /* step 0: nothing computed, so 19's colour is nowhere */
    seek(lab, st, 0);
    frame(&h, true);
    CHECK_INT_EQ(0, harness_count_color(&h, L.stage, c19));
    harness_close(&h);
}

static void test_frame_hover_uncomputed(void)
{
    Harness h;
    CHECK(harness_open(&h, 800, 600));
    const LabDef *lab = NULL;
    void *st = open_matrix(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    AppLayout L = app_layout(800, 600, 1.0f, 1.0f, true);
    char tip[UI_TOOLTIP_MAX];
    int mx = 0, my = 0;
    /* step 2: y10 (the third output cell) is not computed: its tooltip says so and when */
    seek(lab, st, 2);
    CHECK(find_tooltip(&h, L.stage, 12, "y₁₀", &mx, &my, tip, sizeof tip));
    CHECK_CONTAINS(tip, "not yet computed");
    CHECK_CONTAINS(tip, "step 3");
    CHECK(strstr(tip, "= 37") == NULL);
    /* once step 3 has run, the same place gives its equation with the engine's value */
    seek(lab, st, 3);
    h.in.mx = mx;
    h.in.my = my;
    frame(&h, false);
    CHECK_STR_EQ("y₁₀ = 3×0 + 4×1 + 6×2 + 7×3 = 37", h.app->ui.tooltip);

    /* cross-correlation beside convolution: the same rule for both bands */
    char err[256] = "";
    CHECK(lab->set_option(st, "mode", "flip", err, sizeof err));
    seek(lab, st, 1);
    CHECK(find_tooltip(&h, L.stage, 12, "output y₁₁", &mx, &my, tip, sizeof tip));
    CHECK_CONTAINS(tip, "not yet computed");
    CHECK_CONTAINS(tip, "step 4");
    seek(lab, st, 4);
    h.in.mx = mx;
    h.in.my = my;
    frame(&h, false);
    CHECK_CONTAINS(h.app->ui.tooltip, "= 43");

    /* transposed: an output cell part-way through its stamps says what is in so far */
    CHECK(lab->set_option(st, "mode", "transposed", err, sizeof err));
    seek(lab, st, 1);
    CHECK(find_tooltip(&h, L.stage, 8, "out₁₁ so far", &mx, &my, tip, sizeof tip));
    /* out11 gathers x00·K11 + x01·K10 + x10·K01 + x11·K00: only x00's stamp is in */
    CHECK_CONTAINS(tip, "so far = 0 (1 of 4 stamps in; the last at step 5)");
    seek(lab, st, 9);
    h.in.mx = mx;
    h.in.my = my;
    frame(&h, false);
    CHECK(strncmp(h.app->ui.tooltip, "out₁₁ = ", strlen("out₁₁ = ")) == 0);
    harness_close(&h);
}

/* The H overlay: the lab's rows after the global keys, every letter they name taken by the
 * lab's key callback, and the overlay drawn at 800x600 (amber key column). */
static void test_help(void)
{
    Harness h;
    CHECK(harness_open(&h, 800, 600));
    const LabDef *lab = NULL;
    void *st = open_matrix(&h, &lab);
    CHECK(st != NULL);
    if (st) {
        /* O (output padding) needs the transposed mode (M then Shift+M comes back to it) */
        char err[256] = "";
        CHECK(lab->set_option(st, "mode", "transposed", err, sizeof err));
        CHECK_INT_EQ(9, lab_help_check(h.app, lab, st));
        h.app->help_open = true;
        frame(&h, true);
        int amber = 0;
        for (int y = 0; y < 600; y++)
            for (int x = 0; x < 800; x++)
                amber += harness_pixel(&h, x, y) == 0xffb000;
        CHECK(amber > 300);
    }
    harness_close(&h);
}

int main(void)
{
    test_default_scene();
    test_transposed_worked_example();
    test_all_settings();
    test_names();
    if (SDL_Init(0) != 0)
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
    test_frame_default();
    test_frame_hover_uncomputed();
    test_help();
    SDL_Quit();
    return test_summary();
}
