/* test_sweep.c - the sweep model against the engine and the notes' worked examples:
 * every number a sweep shows equals the full operation there, for settings the labs allow;
 * equation and formula strings exactly; coverage counts; impossible combinations explained. */
#include "test.h"

#include "engine/conv.h"
#include "engine/pool.h"
#include "engine/rng.h"
#include "viz/kernels.h"
#include "viz/sweep.h"

#include <stdlib.h>

/* The strings here are long; passing them through an opaque call keeps GCC from warning that
 * test.h's fixed message buffer could truncate them (the message is only for failures). */
__attribute__((noinline)) static const char *opaque(const char *s)
{
    return s;
}
#define STR_EQ(e, g)   CHECK_STR_EQ(opaque(e), opaque(g))
#define CONTAINS(h, n) CHECK_CONTAINS(opaque(h), opaque(n))

static ConvGeom geom(int c, int h, int w, int o, int kh, int kw, int sh, int sw, int pt, int pb,
                     int pl, int pr, int dh, int dw)
{
    ConvGeom g = {0};
    g.n = 1;
    g.c = c;
    g.h = h;
    g.w = w;
    g.o = o;
    g.kh = kh;
    g.kw = kw;
    g.sh = sh;
    g.sw = sw;
    g.pt = pt;
    g.pb = pb;
    g.pl = pl;
    g.pr = pr;
    g.dh = dh;
    g.dw = dw;
    return g;
}

/* Lecture 002: 3x3 input 0..8, 2x2 kernel 0..3 -> 19 25 37 43, each equation word for word. */
static void test_notes_grid3(void)
{
    const KernelsExampleData *ex = kernels_example(KERNELS_EX_GRID3);
    ConvGeom g = geom(1, 3, 3, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1);
    Sweep s;
    char why[256];
    CHECK(sweep_init(&s, &g, why, sizeof why));
    CHECK_INT_EQ(4, s.steps);
    const float bias = 0.0f;
    const char *expected[4] = {
        "0×0 + 1×1 + 3×2 + 4×3 + b 0 = 19",
        "1×0 + 2×1 + 4×2 + 5×3 + b 0 = 25",
        "3×0 + 4×1 + 6×2 + 7×3 + b 0 = 37",
        "4×0 + 5×1 + 7×2 + 8×3 + b 0 = 43",
    };
    const float values[4] = {19, 25, 37, 43};
    for (int step = 0; step < 4; step++) {
        int o, oy, ox, n = 0;
        sweep_step_cell(&s, step, &o, &oy, &ox);
        CHECK_INT_EQ(step, sweep_cell_step(&s, o, oy, ox));
        ConvTerm terms[SWEEP_MAX_TERMS];
        float v = conv_cell(&s.g, ex->x, ex->k, &bias, o, oy, ox, terms, SWEEP_MAX_TERMS, &n);
        CHECK_NEAR(values[step], v, 0.0);
        char eq[512];
        int lines = sweep_format_equation(terms, n, true, bias, v, 80, 4, eq, sizeof eq);
        CHECK_INT_EQ(1, lines);
        STR_EQ(expected[step], eq);
    }
    /* Without the bias part: the notes' own form. */
    int n = 0;
    ConvTerm terms[8];
    float v = conv_cell(&s.g, ex->x, ex->k, NULL, 0, 0, 0, terms, 8, &n);
    char eq[256];
    sweep_format_equation(terms, n, false, 0.0f, v, 80, 4, eq, sizeof eq);
    STR_EQ("0×0 + 1×1 + 3×2 + 4×3 = 19", eq);

    char f[256];
    sweep_axis_formula(&s.rows, f, sizeof f);
    STR_EQ("⌊(3 + 0 + 0 − 1·(2−1) − 1)/1⌋ + 1 = 2", f);
    sweep_axis_formula(&s.cols, f, sizeof f);
    STR_EQ("⌊(3 + 0 + 0 − 1·(2−1) − 1)/1⌋ + 1 = 2", f);
    sweep_axis_unreached_text(&s.rows, "row", "rows", f, sizeof f);
    STR_EQ("", f);

    /* Window of step 3 (bottom right): top-left (1, 1), 2x2. */
    int iy0, ix0, wr, wc;
    sweep_window(&s, 1, 1, &iy0, &ix0, &wr, &wc);
    CHECK_INT_EQ(1, iy0);
    CHECK_INT_EQ(1, ix0);
    CHECK_INT_EQ(2, wr);
    CHECK_INT_EQ(2, wc);

    /* Coverage without padding: corners once, edges twice, the centre four times (the notes:
     * "count how many times the kernel is passing through" the edges); with padding 1, all 4. */
    int cov[9];
    sweep_coverage(&s, ex->k, cov);
    const int expect0[9] = {1, 2, 1, 2, 4, 2, 1, 2, 1};
    for (int i = 0; i < 9; i++)
        CHECK_INT_EQ(expect0[i], cov[i]);
    ConvGeom gp = geom(1, 3, 3, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1);
    CHECK(sweep_init(&s, &gp, why, sizeof why));
    sweep_coverage(&s, ex->k, cov);
    for (int i = 0; i < 9; i++)
        CHECK_INT_EQ(4, cov[i]);
    sweep_axis_formula(&s.rows, f, sizeof f);
    STR_EQ("⌊(3 + 1 + 1 − 1·(2−1) − 1)/1⌋ + 1 = 4", f);
}

/* Lecture 001: the 10x10 image of 90s under the 3x3 box filter gives the printed 8x8. */
static void test_notes_nineties(void)
{
    const KernelsExampleData *ex = kernels_example(KERNELS_EX_NINETIES);
    static const float printed[64] = {
        0,  10, 20, 30, 30, 30, 20, 10, //
        0,  20, 40, 60, 60, 60, 40, 20, //
        0,  30, 60, 90, 90, 90, 60, 30, //
        0,  30, 50, 80, 80, 90, 60, 30, //
        0,  30, 50, 80, 80, 90, 60, 30, //
        0,  20, 30, 50, 50, 60, 40, 20, //
        10, 20, 30, 30, 30, 30, 20, 10, //
        10, 10, 10, 0,  0,  0,  0,  0,
    };
    ConvGeom g = geom(1, 10, 10, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1);
    Sweep s;
    char why[256];
    CHECK(sweep_init(&s, &g, why, sizeof why));
    CHECK_INT_EQ(64, s.steps);
    float out[64];
    conv_forward(out, ex->x, ex->k, NULL, &s.g);
    CHECK_TENSOR_NEAR(printed, out, 64, 1e-3, 0.0);
    /* The step-by-step value is the full operation's, bit for bit. */
    for (int step = 0; step < s.steps; step++) {
        int o, oy, ox;
        sweep_step_cell(&s, step, &o, &oy, &ox);
        float v = conv_cell(&s.g, ex->x, ex->k, NULL, o, oy, ox, NULL, 0, NULL);
        CHECK(v == out[step]);
    }
    /* The equation of output (0, 1): one 90 in the window; weights print as 0.111. */
    ConvTerm terms[9];
    int n = 0;
    float v = conv_cell(&s.g, ex->x, ex->k, NULL, 0, 0, 1, terms, 9, &n);
    char eq[512];
    sweep_format_equation(terms, n, false, 0.0f, v, 200, 4, eq, sizeof eq);
    STR_EQ("0×0.111 + 0×0.111 + 0×0.111 + 0×0.111 + 0×0.111 + 0×0.111 + 0×0.111 + "
           "0×0.111 + 90×0.111 = 10",
           eq);
    /* Folded to 36 characters: every line fits, continuation lines start with "+ ". */
    int lines = sweep_format_equation(terms, n, false, 0.0f, v, 36, 10, eq, sizeof eq);
    CHECK(lines >= 3);
    int line_count = 1;
    char copy[512];
    snprintf(copy, sizeof copy, "%s", eq);
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
        CHECK(sweep_text_width(line) <= 36);
        if (line != copy)
            CHECK(strncmp(line, "+ ", 2) == 0 || strncmp(line, "= ", 2) == 0);
    }
    for (const char *p = eq; *p; p++)
        line_count += *p == '\n';
    CHECK_INT_EQ(lines, line_count);
    /* Limited to 2 lines: the middle terms become "+ …", the end stays. */
    lines = sweep_format_equation(terms, n, true, 0.0f, v, 36, 2, eq, sizeof eq);
    CHECK_INT_EQ(2, lines);
    CONTAINS(eq, "+ …");
    CONTAINS(eq, "0×0.111 + 0×0.111");
    CONTAINS(eq, "+ 90×0.111 + b 0 = 10");

    /* 10 rows, 3x3, stride 2: 7 is odd, so row 9 is never reached. */
    ConvGeom g2 = geom(1, 10, 10, 1, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1);
    CHECK(sweep_init(&s, &g2, why, sizeof why));
    CHECK_INT_EQ(4, s.rows.out);
    CHECK_INT_EQ(1, s.rows.leftover);
    CHECK_INT_EQ(1, s.rows.n_unreached);
    CHECK_INT_EQ(9, s.rows.unreached[0]);
    char txt[512];
    sweep_axis_unreached_text(&s.rows, "row", "rows", txt, sizeof txt);
    STR_EQ("Never reached: row 9. The stride 2 does not divide 7 evenly, so 1 row is left "
           "over after the last window.",
           txt);
    sweep_axis_formula(&s.cols, txt, sizeof txt);
    STR_EQ("⌊(10 + 0 + 0 − 1·(3−1) − 1)/2⌋ + 1 = 4", txt);
    /* With one row of padding at the bottom the left-over row is padding: nothing is lost. */
    ConvGeom g3 = geom(1, 10, 10, 1, 3, 3, 2, 2, 0, 1, 0, 0, 1, 1);
    CHECK(sweep_init(&s, &g3, why, sizeof why));
    sweep_axis_unreached_text(&s.rows, "row", "rows", txt, sizeof txt);
    CHECK_INT_EQ(0, s.rows.n_unreached);
    CHECK_INT_EQ(5, s.rows.out);
    CHECK_INT_EQ(0, s.rows.leftover);
    /* Stride 4 with a 1-wide kernel steps past cells: gaps, not a remainder. */
    ConvGeom g4 = geom(1, 7, 7, 1, 1, 1, 3, 3, 0, 0, 0, 0, 1, 1);
    CHECK(sweep_init(&s, &g4, why, sizeof why));
    sweep_axis_unreached_text(&s.cols, "column", "columns", txt, sizeof txt);
    STR_EQ("Never reached: columns 1, 2, 4, 5. The stride 3 is longer than the window (1 "
           "column), so it steps past them.",
           txt);
}

/* Impossible combinations come with a sentence, and the formula still shows its numbers. */
static void test_impossible(void)
{
    Sweep s;
    char why[512];
    ConvGeom g = geom(1, 3, 3, 1, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1);
    CHECK(!sweep_init(&s, &g, why, sizeof why));
    CHECK(!s.valid);
    CHECK_INT_EQ(0, s.steps);
    STR_EQ("No window fits: the kernel spans 5 rows but the input has only 3, and the "
           "kernel spans 5 columns but the input has only 3. Make the kernel smaller or "
           "add padding.",
           why);
    char f[256];
    sweep_axis_formula(&s.rows, f, sizeof f);
    STR_EQ("⌊(3 + 0 + 0 − 1·(5−1) − 1)/1⌋ + 1 = −1", f);
    /* Dilation: only the rows fail. */
    ConvGeom g2 = geom(1, 3, 8, 1, 4, 2, 1, 1, 1, 1, 0, 0, 2, 1);
    CHECK(!sweep_init(&s, &g2, why, sizeof why));
    STR_EQ("No window fits: the kernel spans 7 rows (dilation 2·(4−1) + 1) but the padded "
           "input has only 5 (3 + 1 + 1). Make the kernel smaller, lower the dilation or "
           "add padding.",
           why);
    CHECK_INT_EQ(0, conv_out_size(3, 1, 1, 4, 1, 2));
    /* Negative numerator with stride > 1 still floors: ⌊−1/2⌋ + 1 = 0. */
    SweepAxis a;
    sweep_axis_init(&a, 3, 0, 0, 4, 2, 1);
    CHECK_INT_EQ(0, a.out);
    /* Pooling words it for a window. */
    SweepAxis r, c;
    sweep_axis_init(&r, 4, 0, 0, 5, 2, 1);
    sweep_axis_init(&c, 4, 0, 0, 2, 2, 1);
    CHECK(!sweep_explain(&r, &c, "window", why, sizeof why));
    STR_EQ("No window fits: the window spans 5 rows but the input has only 4. Make the "
           "window smaller or use a larger input.",
           why);
}

/* Every combination of the controls' ranges we sample: the sweep's cells equal the full
 * convolution, its sizes equal the engine's, its coverage equals a count over the windows. */
static void test_sampled_settings(void)
{
    Rng rng;
    rng_seed(&rng, 42);
    int valid = 0, invalid = 0;
    float *x = malloc(sizeof *x * 32 * 32);
    float *w = malloc(sizeof *w * 11 * 11);
    float *out = malloc(sizeof *out * 64 * 64);
    int *cov = malloc(sizeof *cov * 32 * 32);
    int *brute = malloc(sizeof *brute * 32 * 32);
    for (int trial = 0; trial < 400; trial++) {
        int h = 3 + (int)rng_below(&rng, 30), wd = 3 + (int)rng_below(&rng, 30);
        if (trial % 7 == 0)
            h = wd = 28; /* the digit */
        int kh = 1 + (int)rng_below(&rng, 11), kw = 1 + (int)rng_below(&rng, 11);
        if (trial % 3 == 0)
            kw = kh;
        int sh = 1 + (int)rng_below(&rng, 8), sw = 1 + (int)rng_below(&rng, 8);
        int dh = 1 + (int)rng_below(&rng, 4), dw = 1 + (int)rng_below(&rng, 4);
        int pt = (int)rng_below(&rng, (uint32_t)kh + 1), pb = pt;
        int pl = (int)rng_below(&rng, (uint32_t)kw + 1), pr = pl;
        if (trial % 2 == 1) {
            pb = (int)rng_below(&rng, (uint32_t)kh + 1);
            pr = (int)rng_below(&rng, (uint32_t)kw + 1);
        }
        for (int i = 0; i < h * wd; i++)
            x[i] = (float)(int)rng_below(&rng, 256);
        for (int i = 0; i < kh * kw; i++)
            w[i] = rng_uniform(&rng) * 2.0f - 1.0f;
        float b = rng_uniform(&rng) - 0.5f;
        ConvGeom g = geom(1, h, wd, 1, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw);
        Sweep s;
        char why[512];
        bool ok = sweep_init(&s, &g, why, sizeof why);
        CHECK_INT_EQ(conv_out_size(h, pt, pb, kh, sh, dh) > 0 &&
                         conv_out_size(wd, pl, pr, kw, sw, dw) > 0,
                     ok);
        if (!ok) {
            invalid++;
            CHECK(strncmp(why, "No window fits: ", 16) == 0);
            CHECK(s.rows.out <= 0 || s.cols.out <= 0);
            continue;
        }
        valid++;
        CHECK_INT_EQ(conv_out_size(h, pt, pb, kh, sh, dh), s.rows.out);
        CHECK_INT_EQ(conv_out_size(wd, pl, pr, kw, sw, dw), s.cols.out);
        conv_forward(out, x, w, &b, &s.g);
        int mismatches = 0, term_mismatches = 0;
        for (int step = 0; step < s.steps; step++) {
            int o, oy, ox, n = 0;
            sweep_step_cell(&s, step, &o, &oy, &ox);
            ConvTerm terms[SWEEP_MAX_TERMS];
            float v = conv_cell(&s.g, x, w, &b, o, oy, ox, terms, SWEEP_MAX_TERMS, &n);
            mismatches += v != out[step];
            /* The terms are the window the sweep outlines. */
            int iy0, ix0, rows, cols;
            sweep_window(&s, oy, ox, &iy0, &ix0, &rows, &cols);
            term_mismatches += n != kh * kw;
            for (int t = 0; t < n && t < SWEEP_MAX_TERMS; t++) {
                int ky = t / kw, kx = t % kw;
                term_mismatches += terms[t].iy != iy0 + ky * dh || terms[t].ix != ix0 + kx * dw;
                term_mismatches += terms[t].iy > iy0 + rows - 1 || terms[t].ix > ix0 + cols - 1;
                term_mismatches += terms[t].pad != (terms[t].iy < 0 || terms[t].iy >= h ||
                                                    terms[t].ix < 0 || terms[t].ix >= wd);
            }
        }
        CHECK_INT_EQ(0, mismatches);
        CHECK_INT_EQ(0, term_mismatches);
        /* Coverage: the engine's use count equals a plain count over every window's taps. */
        memset(brute, 0, sizeof *brute * (size_t)(h * wd));
        for (int oy = 0; oy < s.rows.out; oy++)
            for (int ox = 0; ox < s.cols.out; ox++)
                for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++) {
                        int iy = oy * sh - pt + ky * dh, ix = ox * sw - pl + kx * dw;
                        if (iy >= 0 && iy < h && ix >= 0 && ix < wd)
                            brute[iy * wd + ix]++;
                    }
        sweep_coverage(&s, w, cov);
        int cov_mismatch = 0;
        for (int i = 0; i < h * wd; i++)
            cov_mismatch += cov[i] != brute[i];
        CHECK_INT_EQ(0, cov_mismatch);
        /* A row is "never reached" exactly when its coverage is 0 everywhere. */
        int unreached_mismatch = 0;
        for (int iy = 0; iy < h; iy++) {
            int sum = 0;
            for (int ix = 0; ix < wd; ix++)
                sum += cov[iy * wd + ix];
            bool listed = false;
            for (int j = 0; j < s.rows.n_unreached; j++)
                listed = listed || s.rows.unreached[j] == iy;
            /* (when every window column lies in the padding, every sum is 0 whatever the row) */
            if (s.cols.n_unreached < wd)
                unreached_mismatch += listed != (sum == 0);
        }
        CHECK_INT_EQ(0, unreached_mismatch);
        char txt[512];
        int len = sweep_axis_unreached_text(&s.cols, "column", "columns", txt, sizeof txt);
        CHECK_INT_EQ(s.cols.n_unreached > 0 || s.cols.leftover > 0, len > 0);
    }
    CHECK(valid > 150);
    CHECK(invalid > 20);
    free(x);
    free(w);
    free(out);
    free(cov);
    free(brute);
}

/* Lecture 002's pooling example: max [7 3; 9 3], average [3 1; 4 2]; arithmetic written out. */
static void test_notes_pool(void)
{
    const KernelsExampleData *ex = kernels_example(KERNELS_EX_POOL4);
    PoolGeom g = {.n = 1, .c = 1, .h = 4, .w = 4, .kh = 2, .kw = 2, .sh = 2, .sw = 2};
    CHECK(pool_geom_finish(&g));
    float mx[4], av[4];
    pool_forward(mx, ex->x, POOL_MAX, &g);
    pool_forward(av, ex->x, POOL_AVG, &g);
    const float want_max[4] = {7, 3, 9, 3}, want_avg[4] = {3, 1, 4, 2};
    CHECK_TENSOR_NEAR(want_max, mx, 4, 0.0, 0.0);
    CHECK_TENSOR_NEAR(want_avg, av, 4, 1e-6, 0.0);
    int argmax = -1;
    float v = pool_cell(&g, POOL_MAX, ex->x, 1, 0, &argmax);
    CHECK_NEAR(9, v, 0);
    CHECK_INT_EQ(3 * 4 + 1, argmax);
    const float win[4] = {3, 2, 0, 7};
    char s[256];
    sweep_format_pool(POOL_MAX, win, 4, pool_cell(&g, POOL_MAX, ex->x, 0, 0, NULL), 80, 3, s,
                      sizeof s);
    STR_EQ("max(3, 2, 0, 7) = 7", s);
    sweep_format_pool(POOL_AVG, win, 4, pool_cell(&g, POOL_AVG, ex->x, 0, 0, NULL), 80, 3, s,
                      sizeof s);
    STR_EQ("(3 + 2 + 0 + 7)/4 = 3", s);
    sweep_format_pool(POOL_L2, win, 4, pool_cell(&g, POOL_L2, ex->x, 0, 0, NULL), 80, 3, s,
                      sizeof s);
    STR_EQ("√(3² + 2² + 0² + 7²) = 7.874", s);
    const float neg[2] = {-2, 1};
    sweep_format_pool(POOL_L2, neg, 2, 2.236068f, 80, 3, s, sizeof s);
    STR_EQ("√((−2)² + 1²) = 2.236", s);
    const float one[1] = {5};
    sweep_format_pool(POOL_AVG, one, 1, 5, 80, 3, s, sizeof s);
    STR_EQ("(5)/1 = 5", s);
    /* Folded: 9 values of a 3x3 window in 20 columns keep "max(" on the first line. */
    const float nine[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    int lines = sweep_format_pool(POOL_MAX, nine, 9, 9, 20, 5, s, sizeof s);
    CHECK(lines >= 2);
    CHECK(strncmp(s, "max(1, 2,", 9) == 0);
    CONTAINS(s, "9) = 9");
    lines = sweep_format_pool(POOL_MAX, nine, 9, 9, 16, 1, s, sizeof s);
    CHECK_INT_EQ(1, lines);
    STR_EQ("max(1, …, 9) = 9", s);

    SweepAxis a;
    sweep_axis_init(&a, 4, 0, 0, 2, 2, 1);
    sweep_axis_pool_formula(&a, s, sizeof s);
    STR_EQ("⌊(4 − 2)/2⌋ + 1 = 2", s);
    /* 5 wide, 2x2 stride 2: column 4 left over. */
    sweep_axis_init(&a, 5, 0, 0, 2, 2, 1);
    CHECK_INT_EQ(g.oh, 2);
    sweep_axis_unreached_text(&a, "column", "columns", s, sizeof s);
    STR_EQ("Never reached: column 4. The stride 2 does not divide 3 evenly, so 1 column is "
           "left over after the last window.",
           s);
}

/* Lecture 000's RGB example: 5x5x3, pad 1, two 3x3x3 filters, stride 2 -> 3x3x2; W0's map
 * starts 9, 1, 3 as the notes say; per-plane partial sums plus the bias give each total. */
static void test_notes_rgb(void)
{
    const KernelsExampleData *ex = kernels_example(KERNELS_EX_RGB5);
    ConvGeom g = geom(3, 5, 5, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
    Sweep s;
    char why[256];
    CHECK(sweep_init(&s, &g, why, sizeof why));
    CHECK_INT_EQ(3, s.g.oh);
    CHECK_INT_EQ(3, s.g.ow);
    CHECK_INT_EQ(18, s.steps);
    float out[18];
    conv_forward(out, ex->x, ex->k, ex->b, &s.g);
    CHECK_NEAR(9, out[0], 0);
    CHECK_NEAR(1, out[1], 0);
    CHECK_NEAR(3, out[2], 0);
    char f[256];
    sweep_axis_formula(&s.rows, f, sizeof f);
    STR_EQ("⌊(5 + 1 + 1 − 1·(3−1) − 1)/2⌋ + 1 = 3", f);
    int bad = 0;
    for (int step = 0; step < s.steps; step++) {
        int o, oy, ox;
        sweep_step_cell(&s, step, &o, &oy, &ox);
        float total = conv_cell(&s.g, ex->x, ex->k, ex->b, o, oy, ox, NULL, 0, NULL);
        bad += total != out[step];
        float parts = 0.0f;
        for (int c = 0; c < 3; c++) {
            ConvTerm terms[9];
            int n = 0;
            parts += sweep_plane_partial(&s, ex->x, ex->k, o, c, oy, ox, terms, 9, &n);
            bad += n != 9 || terms[0].c != c;
        }
        bad += parts + ex->b[o] != total;
    }
    CHECK_INT_EQ(0, bad);
    /* The first cell written out: R, G, B partials and the total with bias 1. */
    float p[3];
    ConvTerm terms[9];
    int n = 0;
    for (int c = 0; c < 3; c++)
        p[c] = sweep_plane_partial(&s, ex->x, ex->k, 0, c, 0, 0, terms, 9, &n);
    char sum[256];
    sweep_format_sum(NULL, p, 3, true, ex->b[0], out[0], 80, 2, sum, sizeof sum);
    char want[256];
    char a[32], b[32], c[32];
    sweep_format_value(p[0], a, sizeof a);
    sweep_format_value(p[1], b, sizeof b);
    sweep_format_value(p[2], c, sizeof c);
    snprintf(want, sizeof want, "%s + %s + %s + b 1 = 9", a, b, c);
    STR_EQ(want, sum);
    sweep_plane_partial(&s, ex->x, ex->k, 0, 0, 0, 0, terms, 9, &n);
    char eq[512];
    sweep_format_equation(terms, n, false, 0, p[0], 200, 2, eq, sizeof eq);
    STR_EQ("0×1 + 0×1 + 0×−1 + 0×1 + 2×1 + 1×1 + 0×0 + 1×1 + 2×1 = 6", eq);
    CHECK_NEAR(6, p[0], 0);
}

static void test_format_and_1d(void)
{
    char s[64];
    sweep_format_value(19.0f, s, sizeof s);
    STR_EQ("19", s);
    sweep_format_value(-2.0f, s, sizeof s);
    STR_EQ("−2", s);
    sweep_format_value(1.0f / 9.0f, s, sizeof s);
    STR_EQ("0.111", s);
    sweep_format_value(90.0f * (1.0f / 9.0f), s, sizeof s);
    STR_EQ("10", s);
    sweep_format_value(-0.25f, s, sizeof s);
    STR_EQ("−0.25", s);
    sweep_format_value(-0.0f, s, sizeof s);
    STR_EQ("0", s);
    sweep_format_value(0.0004f, s, sizeof s);
    STR_EQ("0.0004", s);
    sweep_format_value(-0.00001f, s, sizeof s);
    STR_EQ("−1e-05", s);
    CHECK_INT_EQ(5, sweep_text_width("⌊a×b⌋"));

    /* Lecture 000's 1-D layer: S1·W1 + S2·W2 + S3·W3 = O1, then shifted by one sample. */
    const KernelsExampleData *ex = kernels_example(KERNELS_EX_SIGNAL);
    ConvGeom g = geom(1, 1, 8, 1, 1, 3, 1, 1, 0, 0, 0, 0, 1, 1);
    Sweep sw;
    char why[256];
    CHECK(sweep_init(&sw, &g, why, sizeof why));
    CHECK_INT_EQ(6, sw.steps);
    sweep_format_symbolic_1d(&sw, 0, s, sizeof s);
    STR_EQ("S1·W1 + S2·W2 + S3·W3 = O1", s);
    sweep_format_symbolic_1d(&sw, 1, s, sizeof s);
    STR_EQ("S2·W1 + S3·W2 + S4·W3 = O2", s);
    ConvTerm terms[3];
    int n = 0;
    float v = conv_cell(&sw.g, ex->x, ex->k, NULL, 0, 0, 0, terms, 3, &n);
    char eq[128];
    sweep_format_equation(terms, n, false, 0, v, 80, 1, eq, sizeof eq);
    STR_EQ("1×1 + 3×2 + 2×−1 = 5", eq);
    ConvGeom gp = geom(1, 1, 8, 1, 1, 3, 1, 1, 0, 0, 1, 1, 1, 1);
    CHECK(sweep_init(&sw, &gp, why, sizeof why));
    sweep_format_symbolic_1d(&sw, 0, s, sizeof s);
    STR_EQ("0·W1 + S1·W2 + S2·W3 = O1", s);
}

static void test_presets(void)
{
    float w[KERNELS_MAX_SIDE * KERNELS_MAX_SIDE];
    int kh, kw;
    kernels_preset_fill(KERNELS_BOX, 3, 3, w, &kh, &kw);
    CHECK_INT_EQ(3, kh);
    CHECK_NEAR(1.0f / 9.0f, w[4], 0);
    kernels_preset_fill(KERNELS_GAUSSIAN, 3, 3, w, &kh, &kw);
    CHECK_INT_EQ(5, kh);
    CHECK_INT_EQ(5, kw);
    float sum = 0;
    for (int i = 0; i < 25; i++)
        sum += w[i];
    CHECK_NEAR(1.0, sum, 1e-5);
    CHECK_NEAR(9.0f / 56.0f, w[12], 1e-7);
    kernels_preset_fill(KERNELS_IDENTITY, 5, 3, w, &kh, &kw);
    CHECK_INT_EQ(5, kh);
    CHECK_INT_EQ(3, kw);
    CHECK_NEAR(1, w[2 * 3 + 1], 0);
    kernels_preset_fill(KERNELS_SOBEL_X, 7, 7, w, &kh, &kw);
    CHECK_INT_EQ(3, kh);
    CHECK_NEAR(-2, w[5], 0);
    KernelsPreset p;
    CHECK(kernels_preset_find("Sobel_X", &p) && p == KERNELS_SOBEL_X);
    CHECK(kernels_preset_find("laplacian", &p) && p == KERNELS_LAPLACIAN);
    CHECK(!kernels_preset_find("blur", &p));
    for (int i = 0; i < KERNELS_PRESET_COUNT; i++) {
        CHECK(kernels_preset_find(kernels_preset_name((KernelsPreset)i), &p));
        CHECK_INT_EQ(i, p);
    }
    /* Identity copies the input; sharpen and Laplacian keep a flat image at 1x and 0x. */
    const float flat[25] = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
                            5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5};
    ConvGeom g = geom(1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1);
    CHECK(conv_geom_finish(&g));
    float out[9];
    kernels_preset_fill(KERNELS_SHARPEN, 3, 3, w, &kh, &kw);
    conv_forward(out, flat, w, NULL, &g);
    CHECK_NEAR(5, out[4], 1e-6);
    kernels_preset_fill(KERNELS_LAPLACIAN, 3, 3, w, &kh, &kw);
    conv_forward(out, flat, w, NULL, &g);
    CHECK_NEAR(0, out[4], 1e-6);
    KernelsExample e;
    CHECK(kernels_example_find("nineties", &e) && e == KERNELS_EX_NINETIES);
    CHECK(!kernels_example_find("eighties", &e));
}

int main(void)
{
    test_notes_grid3();
    test_notes_nineties();
    test_impossible();
    test_sampled_settings();
    test_notes_pool();
    test_notes_rgb();
    test_format_and_1d();
    test_presets();
    return test_summary();
}
