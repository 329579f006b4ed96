/* test_channels_model.c - the Channels lab's scene without a window (links the engine only): the
 * notes' 5x5x3 example (W0's first row 9 1 3), the partial sums of out0[0,0] by hand (6 + 2 +
 * 0 + b 1), every cell equal to the engine's whole conv_forward, stride and padding, the
 * timeline's order (filter, row, column), the names, sums and formulas it writes, the parsers. */
#include "labs/channels/model.h"
#include "test.h"

#include <stdlib.h>

static ChanScene *notes_scene(void)
{
    ChanScene *sc = calloc(1, sizeof *sc);
    chanscene_init(sc);
    chanscene_rebuild(sc);
    return sc;
}

/* Every output cell, computed one at a time, equals the whole convolution. */
static void check_against_forward(const ChanScene *sc)
{
    ConvGeom g = sc->sweep.g;
    float out[CHANLAB_O * CHANLAB_MAX_OUT * CHANLAB_MAX_OUT];
    conv_forward(out, sc->x, sc->w, sc->b, &g);
    CHECK_TENSOR_NEAR(out, sc->out, CHANLAB_O * g.oh * g.ow, 1e-6, 1e-6);
}

static void test_notes(void)
{
    ChanScene *sc = notes_scene();
    CHECK(sc->sweep.valid);
    CHECK_INT_EQ(2, sc->stride);
    CHECK_INT_EQ(1, sc->pad);
    CHECK_INT_EQ(3, sc->sweep.g.oh);
    CHECK_INT_EQ(18, sc->sweep.steps);
    CHECK_INT_EQ(-1, sc->force_r);
    /* the notes print W0's first row: 9, then 1 after the stride-2 move, then 3 */
    const float row0[3] = {9, 1, 3};
    CHECK_TENSOR_NEAR(row0, sc->out, 3, 0.0, 0.0);
    check_against_forward(sc);

    /* out0[0,0] by hand: the window at (-1,-1) meets each plane's top-left 2x2;
     * R: 2·1 + 1·1 + 1·1 + 2·1 = 6, G: 2·0 + 2·1 + 2·0 + 0·1 = 2, B: 0, plus b0 = 1 */
    char s[1200];
    float parts[CHANLAB_C];
    parts[0] = chanscene_partial_line(sc, 0, 0, 0, 0, 200, s, sizeof s);
    CHECK_NEAR(6.0f, parts[0], 0.0f);
    CHECK_CONTAINS(s, "R\xC2\xB7W0R:  0\xC3\x97"
                      "1 + ");
    CHECK_CONTAINS(s, "2\xC3\x97"
                      "1 + 1\xC3\x97"
                      "1 + ");
    CHECK_CONTAINS(s, " = 6");
    parts[1] = chanscene_partial_line(sc, 0, 1, 0, 0, 200, s, sizeof s);
    parts[2] = chanscene_partial_line(sc, 0, 2, 0, 0, 200, s, sizeof s);
    CHECK_NEAR(2.0f, parts[1], 0.0f);
    CHECK_NEAR(0.0f, parts[2], 0.0f);
    CHECK_CONTAINS(s, "B\xC2\xB7W0B:  ");
    chanscene_sum_line(sc, parts, 0, 0, 0, false, s, sizeof s);
    CHECK_STR_EQ("out0[0,0] = 6 + 2 + 0 + b 1 = 9", s);
    chanscene_sum_line(sc, parts, 0, 0, 0, true, s, sizeof s);
    CHECK_STR_EQ("out0[0,0] = R + G + B + b0 = 6 + 2 + 0 + b 1 = 9", s);
    /* out0[0,1]: R 1, G 0, B −1, plus 1 */
    float p1[CHANLAB_C];
    for (int c = 0; c < CHANLAB_C; c++)
        p1[c] = chanscene_partial_line(sc, 0, c, 0, 1, 200, s, sizeof s);
    const float want1[CHANLAB_C] = {1, 0, -1};
    CHECK_TENSOR_NEAR(want1, p1, CHANLAB_C, 0.0, 0.0);

    /* the text around the grids */
    chanscene_size_line(sc, true, s, sizeof s);
    CHECK_STR_EQ("size \xE2\x8C\x8A(5 + 1 + 1 \xE2\x88\x92 1\xC2\xB7(3\xE2\x88\x92"
                 "1) \xE2\x88\x92 1)/2\xE2\x8C\x8B + 1 = 3;  parameters per filter 3\xC2\xB7"
                 "3\xC2\xB7"
                 "3 + 1 = 28, two filters 56",
                 s);
    chanscene_params_line(s, sizeof s);
    CHECK_STR_EQ("parameters per filter 3\xC2\xB7"
                 "3\xC2\xB7"
                 "3 + 1 = 28, two filters 56",
                 s);
    chanscene_bias_label(sc, 1, s, sizeof s);
    CHECK_STR_EQ("+ b1 = 0", s);
    chanscene_input_name(1 * 25 + 1 * 5 + 3, s, sizeof s);
    CHECK_STR_EQ("G[1,3]", s);
    chanscene_weight_name((1 * 3 + 2) * 9 + 0 * 3 + 2, s, sizeof s);
    CHECK_STR_EQ("W1B[0,2]", s);
    CHECK_STR_EQ("R", chanscene_plane_name(0));

    /* the timeline: W0's nine cells first, then W1's */
    int o, oy, ox;
    CHECK(!chanscene_current(sc, 0, &o, &oy, &ox));
    CHECK_INT_EQ(-1, o);
    CHECK(chanscene_current(sc, 9, &o, &oy, &ox));
    CHECK_INT_EQ(0, o);
    CHECK_INT_EQ(2, oy);
    CHECK_INT_EQ(2, ox);
    CHECK(chanscene_current(sc, 10, &o, &oy, &ox));
    CHECK_INT_EQ(1, o);
    CHECK_INT_EQ(0, oy);
    CHECK_INT_EQ(0, ox);
    free(sc);
}

static void test_geometry_and_edits(void)
{
    ChanScene *sc = notes_scene();
    sc->stride = 1;
    chanscene_rebuild(sc);
    CHECK_INT_EQ(2 * 5 * 5, sc->sweep.steps);
    check_against_forward(sc);
    sc->pad = 0;
    chanscene_rebuild(sc);
    CHECK_INT_EQ(2 * 3 * 3, sc->sweep.steps);
    sc->stride = 3;
    sc->pad = 2;
    chanscene_rebuild(sc);
    CHECK_INT_EQ(2 * 3 * 3, sc->sweep.steps); /* (5 + 4 - 3)/3 + 1 = 3 */
    check_against_forward(sc);
    /* an edited weight changes exactly the cells whose windows hold that tap */
    sc->stride = 2;
    sc->pad = 1;
    chanscene_rebuild(sc);
    float before = sc->out[0];
    sc->w[4] += 1.0f; /* W0 R centre: meets R[0,0] = 2 in out0[0,0] */
    chanscene_rebuild(sc);
    CHECK_NEAR(before + 2.0f, sc->out[0], 0.0f);
    check_against_forward(sc);
    chanscene_load_notes(sc);
    CHECK(sc->dirty);
    chanscene_rebuild(sc);
    CHECK_NEAR(9.0f, sc->out[0], 0.0f);
    free(sc);
}

static void test_parsers(void)
{
    ChanScene *sc = notes_scene();
    char err[256] = "";
    float b[CHANLAB_O] = {0};
    CHECK(chanscene_parse_floats("bias", "2,-1", b, CHANLAB_O, err, sizeof err));
    CHECK_NEAR(2.0f, b[0], 0.0f);
    CHECK_NEAR(-1.0f, b[1], 0.0f);
    CHECK(!chanscene_parse_floats("bias", "2", b, CHANLAB_O, err, sizeof err));
    CHECK_STR_EQ("bias=2: expected 2 comma-separated numbers", err);
    CHECK(!chanscene_parse_floats("bias", "1,2,3", b, CHANLAB_O, err, sizeof err));
    CHECK(!chanscene_parse_floats("bias", "1,x", b, CHANLAB_O, err, sizeof err));

    int o = -1, oy = -1, ox = -1;
    CHECK(!chanscene_forced_hover(sc, &o, &oy, &ox));
    CHECK(chanscene_parse_hover(sc, "out:1,0,2", err, sizeof err));
    CHECK(chanscene_forced_hover(sc, &o, &oy, &ox));
    CHECK_INT_EQ(1, o);
    CHECK_INT_EQ(0, oy);
    CHECK_INT_EQ(2, ox);
    CHECK(chanscene_parse_hover(sc, "out:0,3,0", err, sizeof err)); /* outside the 3x3 */
    CHECK(!chanscene_forced_hover(sc, &o, &oy, &ox));
    CHECK(!chanscene_parse_hover(sc, "out:2,0,0", err, sizeof err));
    CHECK_STR_EQ("hover=out:2,0,0: expected out:FILTER,ROW,COL (filter 0 or 1)", err);
    CHECK(chanscene_parse_hover(sc, "none", err, sizeof err));
    CHECK_INT_EQ(-1, sc->force_r);
    free(sc);
}

int main(void)
{
    test_notes();
    test_geometry_and_edits();
    test_parsers();
    return test_summary();
}
