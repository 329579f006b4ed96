/* test_pool_model.c - the Pooling lab's scene without a window (links the engine only): the
 * notes' 4x4 map pooled 2x2 at stride 2 (max [7 3; 9 3] with its argmax, average [3 1; 4 2],
 * L2 by hand), the arithmetic and formulas it writes, a window that leaves a row and a column
 * out, one that does not fit, the three edge maps of a digit by hand, the option parsers. */
#include "labs/pool/model.h"
#include "test.h"

#include <math.h>
#include <stdlib.h>

static PoolScene *notes_scene(PoolKind kind)
{
    PoolScene *sc = calloc(1, sizeof *sc);
    poolscene_init(sc, NULL);
    sc->kind = kind;
    poolscene_rebuild(sc);
    return sc;
}

/* Lecture 002's 4x4 map 3 2 0 0 / 0 7 1 3 / 5 2 3 0 / 0 9 2 3, 2x2 windows at stride 2. */
static void test_notes(void)
{
    PoolScene *sc = notes_scene(POOL_MAX);
    CHECK(sc->valid);
    CHECK_INT_EQ(1, sc->nch);
    CHECK_INT_EQ(2, sc->g.oh);
    CHECK_INT_EQ(2, sc->g.ow);
    const float max[4] = {7, 3, 9, 3};
    CHECK_TENSOR_NEAR(max, sc->out, 4, 0.0, 0.0);
    /* the argmax as a flat index into the 4x4; the tie of the last window (3 at (2,2) and at
     * (3,3)) goes to the first in row-major order */
    CHECK_INT_EQ(1 * 4 + 1, sc->arg[0]);
    CHECK_INT_EQ(1 * 4 + 3, sc->arg[1]);
    CHECK_INT_EQ(3 * 4 + 1, sc->arg[2]);
    CHECK_INT_EQ(2 * 4 + 2, sc->arg[3]);
    char s[512];
    CHECK_INT_EQ(1, poolscene_equation(sc, 0, 0, 0, 80, 2, s, sizeof s));
    CHECK_STR_EQ("max(3, 2, 0, 7) = 7", s);
    poolscene_equation(sc, 0, 1, 0, 80, 2, s, sizeof s);
    CHECK_STR_EQ("max(5, 2, 0, 9) = 9", s);
    poolscene_rows_line(sc, s, sizeof s);
    CHECK_STR_EQ("rows     OH = \xE2\x8C\x8A(4 \xE2\x88\x92 2)/2\xE2\x8C\x8B + 1 = 2", s);
    poolscene_cols_line(sc, s, sizeof s);
    CHECK_STR_EQ("columns  OW = \xE2\x8C\x8A(4 \xE2\x88\x92 2)/2\xE2\x8C\x8B + 1 = 2", s);
    poolscene_kept_text(sc, s, sizeof s);
    CHECK_STR_EQ("(channels kept: 1 in, 1 out)", s);
    CHECK_STR_EQ("max pool", poolscene_kind_title(sc->kind));
    CHECK_STR_EQ("feature map", sc->ch_name[0]);
    int oy, ox;
    CHECK(!poolscene_current(sc, 0, &oy, &ox));
    CHECK(poolscene_current(sc, 3, &oy, &ox));
    CHECK_INT_EQ(1, oy);
    CHECK_INT_EQ(0, ox);
    free(sc);

    sc = notes_scene(POOL_AVG);
    const float avg[4] = {3, 1, 4, 2};
    CHECK_TENSOR_NEAR(avg, sc->out, 4, 0.0, 0.0);
    CHECK_INT_EQ(-1, sc->arg[0]);
    poolscene_equation(sc, 0, 0, 0, 80, 2, s, sizeof s);
    CHECK_STR_EQ("(3 + 2 + 0 + 7)/4 = 3", s);
    CHECK_STR_EQ("average pool", poolscene_kind_title(sc->kind));
    free(sc);

    sc = notes_scene(POOL_L2);
    const float l2[4] = {sqrtf(9 + 4 + 0 + 49), sqrtf(0 + 0 + 1 + 9), sqrtf(25 + 4 + 0 + 81),
                         sqrtf(9 + 0 + 4 + 9)};
    CHECK_TENSOR_NEAR(l2, sc->out, 4, 1e-6, 1e-6);
    poolscene_equation(sc, 0, 0, 0, 80, 2, s, sizeof s);
    CHECK_STR_EQ("\xE2\x88\x9A(3\xC2\xB2 + 2\xC2\xB2 + 0\xC2\xB2 + 7\xC2\xB2) = 7.874", s);
    /* a 3x3 window at stride 2: one output, √101 = 10.05, and row 3 and column 3 unreached */
    sc->kh = sc->kw = 3;
    poolscene_rebuild(sc);
    CHECK_INT_EQ(1, sc->g.oh * sc->g.ow);
    CHECK_NEAR(sqrtf(101.0f), sc->out[0], 1e-6);
    CHECK_INT_EQ(1, sc->rows.n_unreached);
    CHECK_INT_EQ(3, sc->rows.unreached[0]);
    CHECK_INT_EQ(1, sc->cols.n_unreached);
    /* a 5x5 window does not fit the 4x4 map: no output, and why */
    sc->kh = sc->kw = 5;
    poolscene_rebuild(sc);
    CHECK(!sc->valid);
    CHECK(sc->why[0] != '\0');
    CHECK(!poolscene_current(sc, 1, &oy, &ox));
    /* window and stride are kept within 1..6 */
    sc->kh = 9;
    sc->sw = 0;
    poolscene_rebuild(sc);
    CHECK_INT_EQ(POOLLAB_MAX_WIN, sc->kh);
    CHECK_INT_EQ(1, sc->sw);
    free(sc);
}

/* A digit of a vertical bar (column 14 bright): relu(Sobel x) is 4 right of it and 0 left of it,
 * relu(Sobel y) 0 inside, relu(Laplacian) 1 beside it and 0 on it (-2 before the ReLU). */
static void test_maps(void)
{
    static float pix[28 * 28];
    for (int y = 0; y < 28; y++)
        pix[y * 28 + 14] = 1.0f;
    uint8_t label = 1;
    Dataset ds = {0};
    ds.n = 1;
    ds.h = ds.w = 28;
    ds.fpixels = pix;
    ds.labels = &label;
    PoolScene *sc = calloc(1, sizeof *sc);
    poolscene_init(sc, &ds);
    sc->src = POOL_SRC_MAPS;
    poolscene_rebuild(sc);
    CHECK_INT_EQ(3, sc->nch);
    CHECK_STR_EQ("relu(Sobel x)", sc->ch_name[0]);
    CHECK_STR_EQ("relu(Laplacian)", sc->ch_name[2]);
    const float *m0 = sc->x, *m1 = sc->x + 28 * 28, *m2 = sc->x + 2 * 28 * 28;
    CHECK_NEAR(4.0f, m0[10 * 28 + 15], 0.0f);
    CHECK_NEAR(0.0f, m0[10 * 28 + 13], 0.0f);
    CHECK_NEAR(3.0f, m0[0 * 28 + 15], 0.0f); /* the top row sees the zero padding */
    CHECK_NEAR(0.0f, m1[10 * 28 + 14], 0.0f);
    CHECK_NEAR(1.0f, m2[10 * 28 + 13], 0.0f);
    CHECK_NEAR(1.0f, m2[10 * 28 + 15], 0.0f);
    CHECK_NEAR(0.0f, m2[10 * 28 + 14], 0.0f);
    /* max 2x2 at stride 2 on each map: 14x14; the window over columns 14..15 of relu(Sobel x)
     * holds the 4 */
    CHECK_INT_EQ(14, sc->g.oh);
    CHECK_NEAR(4.0f, sc->out[5 * 14 + 7], 0.0f);
    CHECK_NEAR(0.0f, sc->out[5 * 14 + 6], 0.0f);
    char s[512];
    poolscene_kept_text(sc, s, sizeof s);
    CHECK_STR_EQ("(channels kept: 3 in, 3 out)", s);
    /* the digit itself, one channel */
    sc->src = POOL_SRC_DIGIT;
    poolscene_rebuild(sc);
    CHECK_INT_EQ(1, sc->nch);
    CHECK_NEAR(1.0f, sc->out[3 * 14 + 7], 0.0f);
    /* a picture: named by its file */
    float img[28 * 28] = {0};
    img[0] = 0.5f;
    poolscene_set_file(sc, img, "bar.pgm");
    poolscene_rebuild(sc);
    CHECK_STR_EQ("bar.pgm", sc->ch_name[0]);
    CHECK_NEAR(0.5f, sc->out[0], 0.0f);
    free(sc);
}

/* The hover= option and the names the options use. */
static void test_parsers(void)
{
    PoolScene *sc = notes_scene(POOL_MAX);
    char err[256] = "";
    int ch = -1, oy = -1, ox = -1;
    CHECK(!poolscene_forced_hover(sc, &ch, &oy, &ox));
    CHECK(poolscene_parse_hover(sc, "out:0,1,1", err, sizeof err));
    CHECK(poolscene_forced_hover(sc, &ch, &oy, &ox));
    CHECK_INT_EQ(0, ch);
    CHECK_INT_EQ(1, oy);
    CHECK_INT_EQ(1, ox);
    CHECK(poolscene_parse_hover(sc, "out:0,2,0", err, sizeof err)); /* outside the 2x2 */
    CHECK(!poolscene_forced_hover(sc, &ch, &oy, &ox));
    CHECK(poolscene_parse_hover(sc, "out:2,0,0", err, sizeof err)); /* no channel 2 here */
    CHECK(!poolscene_forced_hover(sc, &ch, &oy, &ox));
    CHECK(!poolscene_parse_hover(sc, "out:3,0,0", err, sizeof err));
    CHECK_STR_EQ("hover=out:3,0,0: expected out:CHANNEL,ROW,COL or none", err);
    CHECK(poolscene_parse_hover(sc, "none", err, sizeof err));
    CHECK_INT_EQ(-1, sc->force_r);
    PoolKind k = POOL_MAX;
    CHECK(poolscene_kind_find("average", &k));
    CHECK_INT_EQ(POOL_AVG, k);
    CHECK(poolscene_kind_find("l2", &k));
    CHECK_INT_EQ(POOL_L2, k);
    CHECK(!poolscene_kind_find("median", &k));
    CHECK_INT_EQ(POOL_L2, k);
    PoolSource src = POOL_SRC_COUNT;
    CHECK(poolscene_source_find("pool4", &src));
    CHECK_INT_EQ(POOL_SRC_NOTES, src);
    CHECK(poolscene_source_find("maps", &src));
    CHECK_INT_EQ(POOL_SRC_MAPS, src);
    CHECK(!poolscene_source_find("nowhere", &src));
    /* the default matrix, 6x6 of (7i + 3) mod 10 */
    sc->src = POOL_SRC_MATRIX;
    poolscene_rebuild(sc);
    CHECK_INT_EQ(6, sc->h);
    CHECK_NEAR(3.0f, sc->x[0], 0.0f);
    CHECK_NEAR(0.0f, sc->x[1], 0.0f);
    CHECK_NEAR(5.0f, sc->out[0], 0.0f); /* max(3, 0, 5, 2): x[0], x[1], x[6], x[7] */
    free(sc);
}

int main(void)
{
    test_notes();
    test_maps();
    test_parsers();
    return test_summary();
}
