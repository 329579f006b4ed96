/* test_conv_model.c - the Convolution lab's scene without a window (links the engine only):
 * the notes' worked examples through the model (19 25 37 43; the 90s under the box filter,
 * rows 0, 3 and 7 of the printed 8x8), padding and stride by hand, coverage counts, an
 * impossible kernel explained, kernel resizing and presets, the canvas brush, dragged values,
 * the option parsers, the 1-D signal, and the text the lab writes (equation, formulas,
 * titles, tooltips). */
#include "labs/conv/model.h"
#include "test.h"

#include <stdlib.h>

static ConvScene *scene_with(ConvSource src)
{
    ConvScene *sc = calloc(1, sizeof *sc);
    convscene_init(sc, NULL);
    convscene_choose_source(sc, src);
    convscene_rebuild(sc);
    return sc;
}

/* Lecture 002: the 3x3 input 0..8 under the 2x2 kernel [0 1; 2 3], stride 1. */
static void test_grid3(void)
{
    ConvScene *sc = scene_with(CONV_SRC_GRID3);
    CHECK(sc->sweep.valid);
    CHECK_INT_EQ(2, sc->sweep.g.oh);
    CHECK_INT_EQ(2, sc->sweep.g.ow);
    CHECK_INT_EQ(4, sc->sweep.steps);
    const float want[4] = {19, 25, 37, 43};
    CHECK_TENSOR_NEAR(want, sc->out, 4, 0.0, 0.0);

    char s[512];
    int lines = convscene_equation(sc, 0, 0, 80, 2, s, sizeof s);
    CHECK_INT_EQ(1, lines);
    CHECK_STR_EQ("0\xC3\x97"
                 "0 + 1\xC3\x97"
                 "1 + 3\xC3\x97"
                 "2 + 4\xC3\x97"
                 "3 + b 0 = 19",
                 s);
    convscene_equation(sc, 1, 1, 80, 2, s, sizeof s);
    CHECK_STR_EQ("4\xC3\x97"
                 "0 + 5\xC3\x97"
                 "1 + 7\xC3\x97"
                 "2 + 8\xC3\x97"
                 "3 + b 0 = 43",
                 s);
    convscene_out_name(sc, 1, 0, s, sizeof s);
    CHECK_STR_EQ("out[1,0]", s);
    convscene_rows_line(sc, s, sizeof s);
    CHECK_STR_EQ("rows     OH = \xE2\x8C\x8A(3 + 0 + 0 \xE2\x88\x92 1\xC2\xB7(2\xE2\x88\x92"
                 "1) \xE2\x88\x92 1)/1\xE2\x8C\x8B + 1 = 2",
                 s);
    convscene_cols_line(sc, s, sizeof s);
    CHECK_CONTAINS(s, "columns OW = ");
    CHECK_CONTAINS(s, " = 2");
    convscene_windows_line(sc, s, sizeof s);
    CHECK_STR_EQ("4 windows; parameters 2\xC2\xB7"
                 "2 + 1 = 5 (weights + bias)",
                 s);

    /* the timeline: position 0 waits before the first window, position 3 computed (1,0) */
    int oy, ox;
    CHECK(!convscene_current(sc, 0, &oy, &ox));
    CHECK_INT_EQ(-1, oy);
    CHECK(convscene_current(sc, 3, &oy, &ox));
    CHECK_INT_EQ(1, oy);
    CHECK_INT_EQ(0, ox);

    free(sc);
}

/* The same scene's coverage counts and what hovering its cells says. */
static void test_grid3_visits(void)
{
    ConvScene *sc = scene_with(CONV_SRC_GRID3);
    char s[512];
    /* coverage: a 2x2 window at stride 1 visits the centre 4 times, an edge 2, a corner 1 */
    const int cov[9] = {1, 2, 1, 2, 4, 2, 1, 2, 1};
    int bad = 0;
    for (int i = 0; i < 9; i++)
        bad += sc->cov[i] != cov[i] || sc->covf[i] != (float)cov[i];
    CHECK_INT_EQ(0, bad);
    ConvInputUse uses[CONVLAB_MAX_K * CONVLAB_MAX_K];
    CHECK_INT_EQ(4, convscene_input_uses(sc, 1, 1, uses, CONVLAB_MAX_K * CONVLAB_MAX_K));
    CHECK_INT_EQ(1, convscene_input_uses(sc, 2, 2, uses, CONVLAB_MAX_K * CONVLAB_MAX_K));
    CHECK_INT_EQ(1, uses[0].oy);
    CHECK_INT_EQ(1, uses[0].ox);

    /* what a hover says */
    ConvHover h = {CONV_HOVER_INPUT, 1, 1};
    convscene_hover_text(sc, h, s, sizeof s);
    CHECK_STR_EQ("input[1,1] = 4\nvisited by 4 windows (feeds 4 outputs)", s);
    h = (ConvHover){CONV_HOVER_OUTPUT, 0, 1};
    convscene_hover_text(sc, h, s, sizeof s);
    CHECK_STR_EQ("out[0,1] = 25\nits receptive field is outlined in cyan", s);
    h = (ConvHover){CONV_HOVER_KERNEL, 1, 0};
    convscene_hover_text(sc, h, s, sizeof s);
    CHECK_CONTAINS(s, "w[1,0] = 2\n");
    h = (ConvHover){CONV_HOVER_NONE, 0, 0};
    convscene_hover_text(sc, h, s, sizeof s);
    CHECK_STR_EQ("", s);
    /* a hover outside its grid is none */
    CHECK_INT_EQ(CONV_HOVER_NONE,
                 convscene_hover_check(sc, (ConvHover){CONV_HOVER_OUTPUT, 2, 0}).kind);
    CHECK_INT_EQ(CONV_HOVER_NONE,
                 convscene_hover_check(sc, (ConvHover){CONV_HOVER_INPUT, 0, 3}).kind);
    CHECK_INT_EQ(CONV_HOVER_NONE,
                 convscene_hover_check(sc, (ConvHover){CONV_HOVER_KERNEL, -1, 0}).kind);
    CHECK_INT_EQ(CONV_HOVER_INPUT,
                 convscene_hover_check(sc, (ConvHover){CONV_HOVER_INPUT, 2, 2}).kind);

    free(sc);
}

/* Padding and stride by hand, and a kernel too large for the input. */
static void test_grid3_padding(void)
{
    ConvScene *sc = scene_with(CONV_SRC_GRID3);
    int oy, ox;
    /* padding 1, stride 2, by hand on the padded 5x5: windows at (-1,-1), (-1,1), (1,-1), (1,1)
     * give 0·0+0·1+0·2+0·3 = 0, 0·0+0·1+1·2+2·3 = 8, 0·0+3·1+0·2+6·3 = 21, 4·0+5·1+7·2+8·3 = 43 */
    sc->pt = sc->pb = sc->pl = sc->pr = 1;
    sc->sh = sc->sw = 2;
    convscene_rebuild(sc);
    const float padded[4] = {0, 8, 21, 43};
    CHECK_INT_EQ(4, sc->sweep.steps);
    CHECK_TENSOR_NEAR(padded, sc->out, 4, 0.0, 0.0);
    ConvTitles t;
    convscene_titles(sc, &t);
    CHECK_STR_EQ("input", t.in_title);
    CHECK_STR_EQ("1\xC3\x97"
                 "3\xC3\x97"
                 "3",
                 t.in_shape);
    CHECK_STR_EQ("(padding 1)", t.in_note);
    CHECK_STR_EQ("2\xC3\x97"
                 "2",
                 t.k_shape);
    CHECK_STR_EQ("", t.k_note);
    CHECK_STR_EQ("1\xC3\x97"
                 "2\xC3\x97"
                 "2",
                 t.out_shape);
    /* with padding 1 every window touches the corner cells once, the centre once */
    CHECK_INT_EQ(1, sc->cov[4]);
    CHECK_INT_EQ(1, sc->cov[0]);

    /* impossible: a 5x5 kernel on the 3x3 input (padding 0) leaves no window */
    sc->pt = sc->pb = sc->pl = sc->pr = 0;
    sc->sh = sc->sw = 1;
    sc->kh = sc->kw = 5;
    convscene_rebuild(sc);
    CHECK(!sc->sweep.valid);
    CHECK_INT_EQ(0, sc->sweep.steps);
    CHECK(sc->why[0] != '\0');
    convscene_titles(sc, &t);
    CHECK_STR_EQ("", t.out_shape);
    CHECK(!convscene_current(sc, 1, &oy, &ox));
    free(sc);
}

/* Lecture 001: the 10x10 image of 90s under the 3x3 box filter (the default scene); rows 0, 3
 * and 7 of the 8x8 the notes print. */
static void test_nineties(void)
{
    ConvScene *sc = calloc(1, sizeof *sc);
    convscene_init(sc, NULL);
    convscene_rebuild(sc);
    CHECK_INT_EQ(CONV_SRC_NINETIES, sc->src);
    CHECK_INT_EQ(KERNELS_BOX, sc->preset);
    CHECK_INT_EQ(64, sc->sweep.steps);
    const float row0[8] = {0, 10, 20, 30, 30, 30, 20, 10};
    const float row3[8] = {0, 30, 50, 80, 80, 90, 60, 30};
    const float row7[8] = {10, 10, 10, 0, 0, 0, 0, 0};
    CHECK_TENSOR_NEAR(row0, sc->out, 8, 1e-4, 1e-5);
    CHECK_TENSOR_NEAR(row3, sc->out + 3 * 8, 8, 1e-4, 1e-5);
    CHECK_TENSOR_NEAR(row7, sc->out + 7 * 8, 8, 1e-4, 1e-5);
    /* the box at 5x5 is rebuilt at that size (1/25 each), the output 6x6 */
    int old_kh = sc->kh, old_kw = sc->kw;
    sc->kh = sc->kw = 5;
    convscene_clamp(sc);
    convscene_resize_kernel(sc, old_kh, old_kw);
    convscene_rebuild(sc);
    CHECK_INT_EQ(KERNELS_BOX, sc->preset);
    CHECK_NEAR(1.0f / 25.0f, sc->k[24], 0.0f);
    CHECK_INT_EQ(36, sc->sweep.steps);
    /* dilation 2 on the kernel's second title line */
    sc->kh = sc->kw = 3;
    sc->dh = sc->dw = 2;
    convscene_resize_kernel(sc, 5, 5);
    convscene_rebuild(sc);
    ConvTitles t;
    convscene_titles(sc, &t);
    CHECK_STR_EQ("(dilation 2,2)", t.k_note);
    CHECK_INT_EQ(6 * 6, sc->sweep.steps); /* 10 - 2·2 - 1 + 1 = 6 */
    free(sc);
}

/* A hand-made kernel keeps its values top-left when it grows, and the weights= parser. */
static void test_kernel_edits(void)
{
    ConvScene *sc = scene_with(CONV_SRC_GRID3);
    CHECK_INT_EQ(-1, sc->preset);
    sc->kh = sc->kw = 3;
    convscene_resize_kernel(sc, 2, 2);
    const float grown[9] = {0, 1, 0, 2, 3, 0, 0, 0, 0};
    CHECK_TENSOR_NEAR(grown, sc->k, 9, 0.0, 0.0);
    CHECK_INT_EQ(-1, sc->preset);
    convscene_set_preset(sc, KERNELS_SOBEL_X);
    const float sobel[9] = {1, 0, -1, 2, 0, -2, 1, 0, -1};
    CHECK_TENSOR_NEAR(sobel, sc->k, 9, 0.0, 0.0);
    convscene_set_weight(sc, 4, 0.5f);
    CHECK_INT_EQ(-1, sc->preset);
    CHECK(sc->dirty);

    char err[256] = "";
    CHECK(convscene_parse_weights(sc, "1,2,3,4,5,6,7,8,9", err, sizeof err));
    CHECK_NEAR(9.0f, sc->k[8], 0.0f);
    CHECK(!convscene_parse_weights(sc, "1,2", err, sizeof err));
    CHECK_STR_EQ("weights=1,2: expected 9 numbers (KH\xC3\x97KW = 3\xC3\x97"
                 "3)",
                 err);
    CHECK(!convscene_parse_weights(sc, "1,2,3,4,5,6,7,8,9,10", err, sizeof err));
    /* with the input the 3x3 grid and the kernel 1..9 (one window), out = Σ i·(i+1) = 240 */
    convscene_rebuild(sc);
    CHECK_INT_EQ(1, sc->sweep.steps);
    CHECK_NEAR(240.0f, sc->out[0], 0.0f);

    /* dragged values: steps of 0.1, rounded to one decimal */
    CHECK_NEAR(0.3f, convscene_drag_value(0.111f, 2), 1e-7);
    CHECK_NEAR(-0.2f, convscene_drag_value(0.5f, -7), 1e-7);
    CHECK_NEAR(1.0f, convscene_drag_value(1.0f, 0), 0.0f);
    free(sc);
}

/* The canvas brush: 1 where the mouse is, 0.5 around it, never darkening; erase the cell. */
static void test_canvas(void)
{
    ConvScene *sc = scene_with(CONV_SRC_CANVAS);
    CHECK_INT_EQ(28, sc->h);
    int n = sc->csize;
    convscene_paint(sc, 0, 0, false);
    CHECK_NEAR(1.0f, sc->canvas[0], 0.0f);
    CHECK_NEAR(0.5f, sc->canvas[1], 0.0f);
    CHECK_NEAR(0.5f, sc->canvas[n + 1], 0.0f);
    CHECK_NEAR(0.0f, sc->canvas[2], 0.0f);
    convscene_paint(sc, 1, 1, false); /* (0,0) keeps its 1 */
    CHECK_NEAR(1.0f, sc->canvas[0], 0.0f);
    CHECK_NEAR(1.0f, sc->canvas[n + 1], 0.0f);
    convscene_paint(sc, 0, 0, true);
    CHECK_NEAR(0.0f, sc->canvas[0], 0.0f);
    CHECK_NEAR(0.5f, sc->canvas[1], 0.0f);
    convscene_rebuild(sc);
    CHECK_NEAR(0.5f, sc->x[1], 0.0f);
    convscene_clear_canvas(sc);
    float sum = 0.0f;
    for (int i = 0; i < n * n; i++)
        sum += sc->canvas[i];
    CHECK_NEAR(0.0f, sum, 0.0f);
    /* the default matrix: a vertical edge, dark left half, bright right half */
    convscene_choose_source(sc, CONV_SRC_MATRIX);
    convscene_rebuild(sc);
    CHECK_INT_EQ(6, sc->h);
    CHECK_NEAR(0.0f, sc->x[2], 0.0f);
    CHECK_NEAR(1.0f, sc->x[3], 0.0f);
    /* no digits given: the digit input is blank, not a crash */
    convscene_choose_source(sc, CONV_SRC_DIGIT);
    convscene_rebuild(sc);
    CHECK_INT_EQ(28, sc->w);
    CHECK_NEAR(0.0f, sc->x[14 * 28 + 14], 0.0f);
    /* a picture: named by its file, the input from then on */
    float img[28 * 28] = {0};
    img[5] = 0.75f;
    convscene_set_file(sc, img, "seven.png");
    convscene_rebuild(sc);
    CHECK_STR_EQ("seven.png", sc->file_name);
    CHECK(sc->have_file);
    CHECK_INT_EQ(CONV_SRC_FILE, sc->src);
    CHECK_NEAR(0.75f, sc->x[5], 0.0f);
    free(sc);
}

/* The hover= and source names the options use. */
static void test_parsers(void)
{
    ConvHover h = {CONV_HOVER_NONE, 0, 0};
    char err[256] = "";
    CHECK(convscene_parse_hover("out:1,2", &h, err, sizeof err));
    CHECK_INT_EQ(CONV_HOVER_OUTPUT, h.kind);
    CHECK_INT_EQ(1, h.r);
    CHECK_INT_EQ(2, h.c);
    CHECK(convscene_parse_hover("kernel:0,1", &h, err, sizeof err));
    CHECK_INT_EQ(CONV_HOVER_KERNEL, h.kind);
    CHECK(!convscene_parse_hover("x:1,2", &h, err, sizeof err));
    CHECK_STR_EQ("hover=x:1,2: expected in, out or kernel before ':'", err);
    CHECK_INT_EQ(CONV_HOVER_KERNEL, h.kind); /* unchanged */
    CHECK(!convscene_parse_hover("somewhere", &h, err, sizeof err));
    CHECK_CONTAINS(err, "hover=somewhere");
    CHECK(convscene_parse_hover("none", &h, err, sizeof err));
    CHECK_INT_EQ(CONV_HOVER_NONE, h.kind);
    ConvSource s = CONV_SRC_COUNT;
    CHECK(convscene_source_find("signal", &s));
    CHECK_INT_EQ(CONV_SRC_SIGNAL, s);
    CHECK(convscene_source_find("grid3", &s));
    CHECK_INT_EQ(CONV_SRC_GRID3, s);
    CHECK(!convscene_source_find("nowhere", &s));
}

/* The 1-D signal 1 3 2 5 4 1 0 2 under W = 1 2 −1: O1 = 1 + 6 − 2 = 5, O2 = 3 + 4 − 5 = 2, ...
 * six outputs. */
static void test_signal(void)
{
    ConvScene *sc = scene_with(CONV_SRC_SIGNAL);
    CHECK_INT_EQ(1, sc->h);
    CHECK_INT_EQ(8, sc->w);
    CHECK_INT_EQ(1, sc->kh);
    CHECK_INT_EQ(6, sc->sweep.steps);
    const float want[6] = {5, 2, 8, 12, 6, -1};
    CHECK_TENSOR_NEAR(want, sc->out, 6, 0.0, 0.0);
    char s[512];
    convscene_out_name(sc, 0, 3, s, sizeof s);
    CHECK_STR_EQ("O4", s);
    convscene_shared_weights_line(sc, 0, s, sizeof s);
    CHECK_STR_EQ("shared weights:  S1\xC2\xB7W1 + S2\xC2\xB7W2 + S3\xC2\xB7W3 = O1", s);
    convscene_cols_line(sc, s, sizeof s);
    CHECK_CONTAINS(s, "length OW = ");
    CHECK_CONTAINS(s, " = 6");
    /* padding above and below is not for a signal; a kernel keeps one row */
    sc->pt = sc->pb = 2;
    sc->kh = 3;
    convscene_clamp(sc);
    CHECK_INT_EQ(0, sc->pt);
    CHECK_INT_EQ(1, sc->kh);
    free(sc);
}

int main(void)
{
    test_grid3();
    test_grid3_visits();
    test_grid3_padding();
    test_nineties();
    test_kernel_edits();
    test_canvas();
    test_parsers();
    test_signal();
    return test_summary();
}
