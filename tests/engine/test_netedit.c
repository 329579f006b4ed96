/* test_netedit.c - the net editor's document: lenet-tiny's analysis against hand-computed
 * shapes, formulas, totals, FLOPs, memory and receptive fields; byte-identical round trips and
 * undo/redo; comments kept; the parser's messages on error rows with the last valid net kept;
 * the limits; every preset; and seeded random edit sequences under the invariants of
 * netedit_ops.h (the same the fuzz target checks). */
#include "engine/assets.h"
#include "engine/net.h"
#include "engine/netedit.h"
#include "engine/rng.h"
#include "netedit_ops.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *read_file(const char *rel)
{
    char path[1024];
    assets_path(path, sizeof path, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, NET_MAX_TEXT + 1);
    size_t n = buf ? fread(buf, 1, NET_MAX_TEXT, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

static NetDoc *doc_of(const char *text, const char *name)
{
    char err[512] = "";
    NetDoc *doc = netdoc_create(text, name, err, sizeof err);
    if (!doc)
        fprintf(stderr, "netdoc_create: %s\n", err);
    CHECK(doc != NULL);
    return doc;
}

static NetDoc *preset(const char *name)
{
    for (int i = 0; i < netdoc_preset_count(); i++) {
        if (strcmp(netdoc_preset_name(i), name) != 0)
            continue;
        char err[512] = "";
        NetDoc *doc = netdoc_load_preset(i, err, sizeof err);
        if (!doc)
            fprintf(stderr, "%s: %s\n", name, err);
        CHECK(doc != NULL);
        return doc;
    }
    CHECK(!"preset not found");
    return NULL;
}

static void check_shape(Shape s, int rank, int c, int h, int w, int line)
{
    bool ok = s.rank == rank && s.c == c && (rank == 1 || (s.h == h && s.w == w));
    if (!ok)
        fprintf(stderr, "  line %d: shape rank %d %dx%dx%d\n", line, s.rank, s.c, s.h, s.w);
    CHECK(ok);
}

/* ---------------------------------------------------------------- lenet-tiny by hand */

static void test_lenet_analysis(void)
{
    NetDoc *doc = preset("lenet-tiny");
    if (!doc)
        return;
    CHECK(netdoc_valid(doc));
    CHECK_STR_EQ("", netdoc_error(doc));
    CHECK_INT_EQ(10, netdoc_row_count(doc)); /* input + 9 layers */
    /* rows: 0 input, 1 conv 8 k=5 pad=2, 2 relu, 3 maxpool, 4 conv 16 k=5, 5 relu, 6 maxpool,
     * 7 flatten, 8 dense 10, 9 softmax; the file's lines 3..12 */
    const NetRowInfo *r[10];
    for (int i = 0; i < 10; i++) {
        r[i] = netdoc_row(doc, i);
        CHECK_INT_EQ(NETROW_OK, r[i]->state);
        CHECK_INT_EQ(i + 3, r[i]->line);
        CHECK_INT_EQ(i - 1, r[i]->layer);
    }
    CHECK(r[0]->is_input && !r[1]->is_input);
    check_shape(r[0]->out, 3, 1, 28, 28, __LINE__);
    check_shape(r[1]->out, 3, 8, 28, 28, __LINE__);
    check_shape(r[3]->out, 3, 8, 14, 14, __LINE__);
    check_shape(r[4]->in, 3, 8, 14, 14, __LINE__);
    check_shape(r[4]->out, 3, 16, 10, 10, __LINE__);
    check_shape(r[6]->out, 3, 16, 5, 5, __LINE__);
    check_shape(r[7]->out, 1, 400, 1, 1, __LINE__);
    check_shape(r[8]->out, 1, 10, 1, 1, __LINE__);
    check_shape(r[9]->out, 1, 10, 1, 1, __LINE__);
    CHECK_STR_EQ("8x1x5x5 + 8 = 208", r[1]->formula);
    CHECK_STR_EQ("16x8x5x5 + 16 = 3216", r[4]->formula);
    CHECK_STR_EQ("10x400 + 10 = 4010", r[8]->formula);
    CHECK_STR_EQ("0", r[2]->formula);
    CHECK_INT_EQ(3216, r[4]->params);
    CHECK_INT_EQ(4 * 3216, r[4]->param_bytes);

    /* MACs: conv1 200 weights x 28*28 = 156800; conv2 3200 x 10*10 = 320000; dense 4000 */
    CHECK_INT_EQ(156800, r[1]->macs);
    CHECK_INT_EQ(320000, r[4]->macs);
    CHECK_INT_EQ(4000, r[8]->macs);
    /* forward: 2*MACs + a bias add per output; pool 2x2 = 4 per output; relu 1; softmax 3 */
    CHECK_INT_EQ(2 * 156800 + 6272, r[1]->flops_fwd);
    CHECK_INT_EQ(6272, r[2]->flops_fwd);
    CHECK_INT_EQ(4 * 1568, r[3]->flops_fwd);
    CHECK_INT_EQ(2 * 320000 + 1600, r[4]->flops_fwd);
    CHECK_INT_EQ(0, r[7]->flops_fwd);
    CHECK_INT_EQ(8010, r[8]->flops_fwd);
    CHECK_INT_EQ(30, r[9]->flops_fwd);
    /* backward: the first conv computes no input gradient; conv2 and dense do */
    CHECK_INT_EQ(2 * 156800 + 6272, r[1]->flops_bwd);
    CHECK_INT_EQ(4 * 320000 + 1600, r[4]->flops_bwd);
    CHECK_INT_EQ(4 * 4000 + 10, r[8]->flops_bwd);
    CHECK_INT_EQ(r[4]->flops_fwd + r[4]->flops_bwd, r[4]->flops_train);

    const NetDocTotals *t = netdoc_totals(doc);
    CHECK(t->complete);
    CHECK_INT_EQ(7434, t->params); /* 208 + 3216 + 4010 */
    CHECK_INT_EQ(480800, t->macs);
    /* 319872 + 6272 + 6272 + 641600 + 1600 + 1600 + 0 + 8010 + 30 */
    CHECK_INT_EQ(985256, t->flops_fwd);
    /* 319872 + 6272 + 6272 + 1281600 + 1600 + 1600 + 0 + 16010 + 30 */
    CHECK_INT_EQ(1633256, t->flops_bwd);
    CHECK_INT_EQ(2618512, t->flops_train);
    /* MACs only, as `convscope bench` counts: 2*(3*480800 - 156800) = 2.5712 MFLOP */
    CHECK_INT_EQ(2571200, 2 * (3 * t->macs - r[1]->macs));
    /* memory: 7434 params; 784 + 6272 + 6272 + 1568 + 1600 + 1600 + 400 + 400 + 10 + 10
     * = 18916 activations per image */
    CHECK_INT_EQ(29736, t->param_bytes);
    CHECK_INT_EQ(75664, t->act_bytes);
    CHECK_INT_EQ(105400, t->mem_fwd);
    CHECK_INT_EQ(210800, t->mem_train);
    CHECK_INT_EQ(4 * 6272, r[1]->act_bytes);

    /* receptive fields (textbook, padding counted): 5, 5, 6, 6 + 2*4 = 14, 14, 16; jumps
     * 1, 1, 2, 2, 2, 4; flatten's element 0 is a corner unit of the 16x5x5 maps (16x16) */
    int rf[10] = {1, 5, 5, 6, 14, 14, 16, 16, 32, 32};
    int jump[7] = {1, 1, 1, 2, 2, 2, 4};
    for (int i = 0; i < 10; i++) {
        CHECK_INT_EQ(rf[i], r[i]->rf_h);
        CHECK_INT_EQ(rf[i], r[i]->rf_w);
        if (i < 7) {
            CHECK_INT_EQ(jump[i], r[i]->jump_h.num);
            CHECK_INT_EQ(1, r[i]->jump_h.den);
            CHECK_INT_EQ(jump[i], r[i]->jump_w.num);
        } else {
            CHECK_INT_EQ(0, r[i]->jump_h.den); /* no grid after flatten */
        }
    }
    CHECK(!r[4]->rf_whole);
    CHECK(r[8]->rf_whole && r[9]->rf_whole && t->rf_whole);
    CHECK_INT_EQ(32, t->rf_h);
    netdoc_destroy(doc);
}

/* the other presets: every one parses, with the figures their comments promise */
static void test_presets(void)
{
    static const struct {
        const char *name;
        long params;
        int last_grid_row, rf, jump;
    } want[] = {
        {"lenet-tiny", 7434, 6, 16, 4},
        {"one-conv", 208 + 11530, 3, 6, 2},
        {"mlp", 50240 + 650, 0, 1, 1},
        {"dilated", 80 + 584 + 1168 + 7850, 7, 18, 4},
        {"strided", 208 + 3216 + 7850, 4, 1 + 4 + 4 * 2, 4},
    };
    CHECK_INT_EQ(5, netdoc_preset_count());
    for (int i = 0; i < netdoc_preset_count(); i++) {
        CHECK_STR_EQ(want[i].name, netdoc_preset_name(i));
        CHECK(strlen(netdoc_preset_about(i)) > 20);
        NetDoc *doc = preset(want[i].name);
        if (!doc)
            continue;
        char *bytes = read_file(netdoc_preset_file(i));
        CHECK(bytes != NULL);
        CHECK_STR_EQ(bytes, netdoc_text(doc));
        CHECK(netdoc_valid(doc));
        CHECK_INT_EQ(want[i].params, netdoc_totals(doc)->params);
        const NetRowInfo *g = netdoc_row(doc, want[i].last_grid_row);
        CHECK_INT_EQ(want[i].rf, g->rf_h);
        CHECK_INT_EQ(want[i].jump, g->jump_h.num);
        CHECK(!netdoc_modified(doc));
        free(bytes);
        netdoc_destroy(doc);
    }
    /* the dilated net's fields grow 3, 7, 15 with every map 28x28 */
    NetDoc *doc = preset("dilated");
    if (doc) {
        CHECK_INT_EQ(3, netdoc_row(doc, 1)->rf_h);
        CHECK_INT_EQ(7, netdoc_row(doc, 3)->rf_h);
        CHECK_INT_EQ(15, netdoc_row(doc, 5)->rf_w);
        check_shape(netdoc_row(doc, 5)->out, 3, 16, 28, 28, __LINE__);
        netdoc_destroy(doc);
    }
    /* the mlp has 6.8 times lenet-tiny's parameters */
    doc = preset("mlp");
    if (doc) {
        CHECK_STR_EQ("64x784 + 64 = 50240", netdoc_row(doc, 2)->formula);
        CHECK_INT_EQ(50176, netdoc_row(doc, 2)->macs);
        netdoc_destroy(doc);
    }
}

/* ---------------------------------------------------------------- editing */

static const char *const commented = "# a commented net\n"
                                     "\n"
                                     "input 1 8 8   # the digit\n"
                                     "  conv 2 k=3              # 2x6x6\n"
                                     "relu\n"
                                     "# pooling next\n"
                                     "maxpool k=2\t# tab before\n"
                                     "flatten\n"
                                     "dense 10 # classes\n"
                                     "softmax";

static void test_edits_and_undo(void)
{
    NetDoc *doc = doc_of(commented, "c.net");
    if (!doc)
        return;
    CHECK_STR_EQ(commented, netdoc_text(doc));
    CHECK(netdoc_valid(doc));
    CHECK_INT_EQ(7, netdoc_row_count(doc));
    CHECK_INT_EQ(4, netdoc_row(doc, 1)->line);

    /* a key edit keeps the indentation and the comment's column; "# 2x6x6" is a shape
     * comment (the editor's, netdoc_is_shape_comment): it follows the row's shape */
    CHECK(netdoc_set_key(doc, 1, "k", "5"));
    CHECK_STR_EQ("  conv 2 k=5              # 2x4x4", netdoc_row_line(doc, 1));
    check_shape(netdoc_row(doc, 1)->out, 3, 2, 4, 4, __LINE__);
    CHECK(netdoc_modified(doc));
    /* longer words take the spaces before the comment: 11 more characters, 11 of 14 spaces;
     * then 6 more push it out, one space after the words, where it then stays */
    CHECK(netdoc_set_key(doc, 1, "stride", "1,2"));
    CHECK_STR_EQ("  conv 2 k=5 stride=1,2   # 2x4x2", netdoc_row_line(doc, 1));
    CHECK(netdoc_set_key(doc, 1, "pad", "1"));
    CHECK_STR_EQ("  conv 2 k=5 stride=1,2 pad=1 # 2x6x3", netdoc_row_line(doc, 1));
    CHECK(netdoc_set_key(doc, 1, "dilation", "1"));
    CHECK_STR_EQ("  conv 2 k=5 stride=1,2 pad=1 dilation=1 # 2x6x3", netdoc_row_line(doc, 1));
    CHECK(netdoc_set_key(doc, 1, "dilation", NULL));
    CHECK_STR_EQ("  conv 2 k=5 stride=1,2 pad=1 # 2x6x3", netdoc_row_line(doc, 1));
    /* the count and the per-side padding in its shortest form */
    CHECK(netdoc_set_key(doc, 1, "out", "4"));
    int pad[4] = {1, 1, 2, 2};
    CHECK(netdoc_set_key_ints(doc, 1, "pad", pad, 4));
    CHECK_STR_EQ("  conv 4 k=5 stride=1,2 pad=1,2 # 4x6x4", netdoc_row_line(doc, 1));
    int pad4[4] = {0, 1, 2, 3};
    CHECK(netdoc_set_key_ints(doc, 1, "pad", pad4, 4));
    CHECK_STR_EQ("  conv 4 k=5 stride=1,2 pad=0,1,2,3 # 4x5x5", netdoc_row_line(doc, 1));
    int k2[2] = {3, 3};
    CHECK(netdoc_set_key_ints(doc, 1, "k", k2, 2));
    char v[64] = "";
    CHECK(netdoc_row_value(doc, 1, "k", v, sizeof v));
    CHECK_STR_EQ("3", v);
    CHECK(netdoc_row_value(doc, 1, "out", v, sizeof v));
    CHECK_STR_EQ("4", v);
    CHECK(!netdoc_row_value(doc, 1, "dilation", v, sizeof v));
    check_shape(netdoc_row(doc, 1)->out, 3, 4, 7, 6, __LINE__); /* (8+1-2-1)+1, (8+5-2-1)/2+1 */
    /* the input's numbers */
    CHECK(netdoc_set_key(doc, 0, "h", "12"));
    CHECK_STR_EQ("input 1 12 8  # the digit", netdoc_row_line(doc, 0));
    CHECK(netdoc_set_key(doc, 0, "w", "12"));
    check_shape(netdoc_row(doc, 0)->out, 3, 1, 12, 12, __LINE__);

    /* kind switches: pool kinds keep k; relu -> leaky gets alpha; conv -> deconv keeps keys */
    CHECK(netdoc_set_kind(doc, 3, LAYER_AVGPOOL));
    CHECK_STR_EQ("avgpool k=2\t# tab before", netdoc_row_line(doc, 3));
    CHECK(netdoc_set_kind(doc, 2, LAYER_LEAKY));
    CHECK_STR_EQ("leaky alpha=0.01", netdoc_row_line(doc, 2));
    CHECK(netdoc_set_key(doc, 2, "alpha", "0.2"));
    CHECK(netdoc_valid(doc));
    CHECK(netdoc_set_kind(doc, 2, LAYER_SOFTPLUS));
    CHECK_STR_EQ("softplus beta=1", netdoc_row_line(doc, 2));
    CHECK(netdoc_set_kind(doc, 2, LAYER_RELU));
    CHECK_STR_EQ("relu", netdoc_row_line(doc, 2));
    CHECK(netdoc_set_kind(doc, 1, LAYER_DECONV));
    CHECK_STR_EQ("  deconv 4 k=3 stride=1,2 pad=0,1,2,3 # 4x13x20", netdoc_row_line(doc, 1));
    CHECK(netdoc_set_kind(doc, 1, LAYER_MAXPOOL));
    CHECK_STR_EQ("  maxpool k=3 stride=1,2 # 1x10x5", netdoc_row_line(doc, 1));
    CHECK(netdoc_set_kind(doc, 1, LAYER_CONV));
    CHECK_STR_EQ("  conv 8 k=3 stride=1,2 # 8x10x5", netdoc_row_line(doc, 1));

    /* insert, move, delete, replace */
    CHECK(netdoc_insert(doc, 1, true, LAYER_LRN));
    CHECK_STR_EQ("lrn size=5 alpha=0.0001 beta=0.75 k=1", netdoc_row_line(doc, 2));
    CHECK_INT_EQ(5, netdoc_row(doc, 2)->line);
    CHECK(netdoc_insert(doc, 1, false, LAYER_CONV));
    CHECK_STR_EQ("conv 8 k=3 pad=1", netdoc_row_line(doc, 1));
    CHECK_INT_EQ(4, netdoc_row(doc, 1)->line); /* directly above the row, below the comments */
    CHECK(netdoc_move(doc, 3, -1));            /* lrn above the second conv */
    CHECK_STR_EQ("lrn size=5 alpha=0.0001 beta=0.75 k=1", netdoc_row_line(doc, 2));
    CHECK(netdoc_move(doc, 4, 1)); /* relu below the pool: lines 6 and 8, the comment stays */
    CHECK_STR_EQ("relu", netdoc_row_line(doc, 5));
    CHECK(netdoc_delete(doc, 2));
    CHECK(netdoc_set_row_text(doc, 6, "dense 12"));
    CHECK_STR_EQ("dense 12 # classes", netdoc_row_line(doc, 6));
    CHECK(netdoc_set_row_text(doc, 6, "  dense 10   # new comment"));
    CHECK_STR_EQ("  dense 10   # new comment", netdoc_row_line(doc, 6));
    CHECK(netdoc_valid(doc));
    const char *expect = "# a commented net\n"
                         "\n"
                         "input 1 12 12 # the digit\n"
                         "conv 8 k=3 pad=1\n"
                         "  conv 8 k=3 stride=1,2 # 8x10x5\n"
                         "avgpool k=2\t# tab before\n"
                         "# pooling next\n"
                         "relu\n"
                         "flatten\n"
                         "  dense 10   # new comment\n"
                         "softmax";
    CHECK_STR_EQ(expect, netdoc_text(doc));
    char *final_text = strdup(netdoc_text(doc));
    int depth = netdoc_undo_depth(doc);
    CHECK_INT_EQ(26, depth);
    /* undo everything: the original bytes; redo everything: the final bytes */
    for (int i = 0; i < depth; i++)
        CHECK(netdoc_undo(doc));
    CHECK(!netdoc_can_undo(doc));
    CHECK(!netdoc_undo(doc));
    CHECK_STR_EQ("nothing to undo", netdoc_why(doc));
    CHECK_STR_EQ(commented, netdoc_text(doc));
    CHECK(!netdoc_modified(doc));
    for (int i = 0; i < depth; i++)
        CHECK(netdoc_redo(doc));
    CHECK(!netdoc_redo(doc));
    CHECK_STR_EQ(final_text, netdoc_text(doc));
    /* a new edit after undo drops what could be redone */
    CHECK(netdoc_undo(doc));
    CHECK(netdoc_can_redo(doc));
    CHECK(netdoc_set_key(doc, 0, "c", "3"));
    CHECK(!netdoc_can_redo(doc));
    /* an edit that changes nothing is no step */
    depth = netdoc_undo_depth(doc);
    CHECK(netdoc_set_key(doc, 0, "c", "3"));
    CHECK(netdoc_set_key(doc, 1, "dilation", NULL));
    CHECK(netdoc_set_kind(doc, 2, LAYER_CONV));
    CHECK_INT_EQ(depth, netdoc_undo_depth(doc));
    free(final_text);
    netdoc_destroy(doc);
}

/* line endings, a missing final newline, tabs and blank lines come back byte for byte */
static void test_bytes_kept(void)
{
    const char *texts[] = {
        "input 1 8 8\r\nconv 2 k=3 # c\r\nrelu\r\nflatten\r\ndense 10\r\n",
        "\n\n\tinput 1 8 8\n\n\nflatten   \n  dense 3\t\n\n",
        "input 1 8 8\nflatten\ndense 10",
        "",
        "# only a comment\n",
        "garbage here\nmore",
    };
    for (int i = 0; i < (int)(sizeof texts / sizeof texts[0]); i++) {
        NetDoc *doc = doc_of(texts[i], "b.net");
        if (!doc)
            continue;
        CHECK_STR_EQ(texts[i], netdoc_text(doc));
        CHECK_INT_EQ(strlen(texts[i]), netdoc_text_size(doc));
        netdoc_destroy(doc);
    }
    /* CRLF: an edited line keeps its '\r', a new line gets one */
    NetDoc *doc = doc_of(texts[0], "crlf.net");
    if (doc) {
        CHECK(netdoc_set_key(doc, 1, "k", "5"));
        CHECK(netdoc_insert(doc, 2, true, LAYER_MAXPOOL));
        CHECK_STR_EQ("input 1 8 8\r\nconv 2 k=5 # c\r\nrelu\r\nmaxpool k=2\r\nflatten\r\n"
                     "dense 10\r\n",
                     netdoc_text(doc));
        CHECK(netdoc_valid(doc));
        netdoc_destroy(doc);
    }
    /* appending to a text that ends in a newline keeps the newline last */
    doc = doc_of("input 1 4 4\nflatten\n", "a.net");
    if (doc) {
        CHECK(netdoc_insert(doc, netdoc_row_count(doc), false, LAYER_DENSE));
        CHECK_STR_EQ("input 1 4 4\nflatten\ndense 10\n", netdoc_text(doc));
        netdoc_destroy(doc);
    }
    /* an empty doc: appending starts it, with a newline after each line */
    doc = doc_of("", "e.net");
    if (doc) {
        CHECK_INT_EQ(0, netdoc_row_count(doc));
        CHECK(!netdoc_valid(doc));
        CHECK_STR_EQ("e.net: empty net: the first line must be 'input C H W'", netdoc_error(doc));
        CHECK_INT_EQ(-1, netdoc_error_row(doc));
        CHECK(netdoc_insert_line(doc, 0, false, "input 1 6 6"));
        CHECK(netdoc_insert(doc, 1, false, LAYER_FLATTEN));
        CHECK_STR_EQ("input 1 6 6\nflatten\n", netdoc_text(doc));
        CHECK(netdoc_valid(doc));
        netdoc_destroy(doc);
    }
}

/* save writes the same bytes, atomically, and clears the modified mark */
static void test_save(void)
{
    NetDoc *doc = doc_of(commented, "c.net");
    if (!doc)
        return;
    char path[64];
    snprintf(path, sizeof path, "/tmp/convscope_test_netedit_%ld.net", (long)getpid());
    char err[512] = "";
    CHECK(netdoc_save(doc, path, err, sizeof err));
    NetDoc *again = netdoc_load(path, err, sizeof err);
    CHECK(again != NULL);
    if (again) {
        CHECK_STR_EQ(commented, netdoc_text(again));
        CHECK_STR_EQ(path + 5, netdoc_name(again));
        netdoc_destroy(again);
    }
    CHECK(netdoc_set_key(doc, 1, "k", "5"));
    CHECK(netdoc_modified(doc));
    CHECK(netdoc_save(doc, path, err, sizeof err));
    CHECK(!netdoc_modified(doc));
    CHECK(netdoc_undo(doc));
    CHECK(netdoc_modified(doc));
    CHECK(netdoc_redo(doc));
    CHECK(!netdoc_modified(doc));
    unlink(path);
    CHECK(!netdoc_save(doc, "/nonexistent-dir/x.net", err, sizeof err));
    CHECK_CONTAINS(err, "/nonexistent-dir/x.net: cannot create a temporary file beside it");
    CHECK(netdoc_load("/nonexistent-dir/x.net", err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "/nonexistent-dir/x.net: cannot open");
    netdoc_destroy(doc);
}

/* ---------------------------------------------------------------- errors */

/* The parser's own message for text, without "NAME:LINE: ". */
static const char *parser_message(const char *text, const char *name, char *err, size_t size)
{
    NetSpec *sp = malloc(sizeof *sp);
    bool ok = net_parse(sp, text, name, err, size);
    free(sp);
    CHECK(!ok);
    const char *m = strchr(err, ':');
    m = m ? strchr(m + 1, ':') : NULL;
    return m ? m + 2 : err;
}

static void test_error_rows(void)
{
    const char *tiny = "input 1 5 5\nconv 4 k=7 # too big\nrelu\nflatten\ndense 10\n";
    NetDoc *doc = doc_of(tiny, "tiny.net");
    if (!doc)
        return;
    CHECK(!netdoc_valid(doc));
    CHECK(netdoc_last_valid(doc) == NULL);
    CHECK_STR_EQ("tiny.net:2: conv k=7 on input 1x5x5 (padding 0) gives an empty output: "
                 "floor((5 + 0 + 0 - 1*(7-1) - 1)/1) + 1 = -1 (height)",
                 netdoc_error(doc));
    CHECK_INT_EQ(2, netdoc_error_line(doc));
    CHECK_INT_EQ(1, netdoc_error_row(doc));
    const NetRowInfo *r = netdoc_row(doc, 1);
    CHECK_INT_EQ(NETROW_ERROR, r->state);
    CHECK_STR_EQ("conv k=7 on input 1x5x5 (padding 0) gives an empty output: "
                 "floor((5 + 0 + 0 - 1*(7-1) - 1)/1) + 1 = -1 (height)",
                 r->error);
    check_shape(r->in, 3, 1, 5, 5, __LINE__);
    /* the input row above is evaluated (the prefix is the input line alone) */
    CHECK_INT_EQ(NETROW_OK, netdoc_row(doc, 0)->state);
    check_shape(netdoc_row(doc, 0)->out, 3, 1, 5, 5, __LINE__);
    for (int i = 2; i < 5; i++)
        CHECK_INT_EQ(NETROW_SKIPPED, netdoc_row(doc, i)->state);
    CHECK(!netdoc_totals(doc)->complete);

    /* fixed: valid, and now the last valid net */
    CHECK(netdoc_set_key(doc, 1, "k", "3"));
    CHECK(netdoc_valid(doc));
    CHECK_STR_EQ("conv 4 k=3 # too big", netdoc_row_line(doc, 1));
    char *good = strdup(netdoc_text(doc));
    /* k=0 is written (the API does not judge numbers) and the parser's message shows */
    char err[512];
    CHECK(netdoc_set_key(doc, 1, "k", "0"));
    CHECK(!netdoc_valid(doc));
    CHECK_STR_EQ("k=0 is too small (at least 1)", netdoc_row(doc, 1)->error);
    CHECK_STR_EQ(parser_message(netdoc_text(doc), "tiny.net", err, sizeof err),
                 netdoc_row(doc, 1)->error);
    CHECK(netdoc_last_valid(doc) != NULL);
    CHECK_STR_EQ(good, netdoc_last_valid_text(doc));
    check_shape(netdoc_last_valid(doc)->layers[0].out, 3, 4, 3, 3, __LINE__);
    CHECK(netdoc_undo(doc));
    CHECK(netdoc_set_key(doc, 1, "pad", "-1"));
    CHECK_STR_EQ("pad=-1 is too small (at least 0)", netdoc_row(doc, 1)->error);
    CHECK(netdoc_undo(doc));
    CHECK(netdoc_valid(doc));
    free(good);
    netdoc_destroy(doc);

    /* softmax moved up: the message is on the row after it; the rows above keep their shapes */
    doc = preset("lenet-tiny");
    if (!doc)
        return;
    CHECK(netdoc_move(doc, 9, -1));
    CHECK(!netdoc_valid(doc));
    CHECK_INT_EQ(9, netdoc_error_row(doc));
    CHECK_STR_EQ("softmax (line 11) must be the last layer, but 'dense' follows it",
                 netdoc_row(doc, 9)->error);
    CHECK_INT_EQ(NETROW_OK, netdoc_row(doc, 8)->state);
    check_shape(netdoc_row(doc, 8)->out, 1, 400, 1, 1, __LINE__);
    CHECK(netdoc_undo(doc));
    /* a kernel too large for the second conv: rows 0..3 evaluated, 5..9 not */
    CHECK(netdoc_set_key(doc, 4, "k", "20"));
    CHECK_INT_EQ(4, netdoc_error_row(doc));
    CHECK_STR_EQ(parser_message(netdoc_text(doc), "lenet-tiny.net", err, sizeof err),
                 netdoc_row(doc, 4)->error);
    CHECK_CONTAINS(netdoc_row(doc, 4)->error, "conv k=20 on input 8x14x14");
    for (int i = 0; i < 4; i++)
        CHECK_INT_EQ(NETROW_OK, netdoc_row(doc, i)->state);
    check_shape(netdoc_row(doc, 3)->out, 3, 8, 14, 14, __LINE__);
    for (int i = 5; i < 10; i++)
        CHECK_INT_EQ(NETROW_SKIPPED, netdoc_row(doc, i)->state);
    const NetDocTotals *t = netdoc_totals(doc);
    CHECK(!t->complete);
    CHECK_INT_EQ(208, t->params);
    CHECK_INT_EQ(6, t->rf_h);
    CHECK_INT_EQ(9, netdoc_last_valid(doc)->n_layers); /* lenet-tiny as loaded */
    CHECK_INT_EQ(7434, netdoc_last_valid(doc)->n_params);
    CHECK_INT_EQ(3, netdoc_spec(doc)->n_layers); /* the rows above the error */
    /* an unknown layer word, replaced as text */
    CHECK(netdoc_set_row_text(doc, 4, "convv 16 k=5"));
    CHECK_CONTAINS(netdoc_row(doc, 4)->error, "unknown layer 'convv'");
    CHECK(!netdoc_set_key(doc, 4, "k", "5"));
    CHECK_CONTAINS(netdoc_why(doc), "unknown word");
    netdoc_destroy(doc);

    /* no layers: a message without a line; the input row still has its shape */
    doc = doc_of("input 2 3 4\n", "n.net");
    if (doc) {
        CHECK_STR_EQ("n.net: no layers after the input line", netdoc_error(doc));
        CHECK_INT_EQ(0, netdoc_error_line(doc));
        CHECK_INT_EQ(-1, netdoc_error_row(doc));
        CHECK_INT_EQ(NETROW_OK, netdoc_row(doc, 0)->state);
        check_shape(netdoc_row(doc, 0)->out, 3, 2, 3, 4, __LINE__);
        netdoc_destroy(doc);
    }
    /* an error on the input line itself */
    doc = doc_of("input 1 0 4\nflatten\n", "z.net");
    if (doc) {
        CHECK_INT_EQ(0, netdoc_error_row(doc));
        CHECK_STR_EQ("input H=0 is too small (at least 1)", netdoc_row(doc, 0)->error);
        CHECK_INT_EQ(NETROW_SKIPPED, netdoc_row(doc, 1)->state);
        netdoc_destroy(doc);
    }
}

/* what the API refuses itself, with the reason, and leaves the text alone */
static void test_refusals(void)
{
    NetDoc *doc = preset("lenet-tiny");
    if (!doc)
        return;
    char *before = strdup(netdoc_text(doc));
    CHECK(!netdoc_set_key(doc, 2, "alpha", "0.1"));
    CHECK_STR_EQ("relu takes no options", netdoc_why(doc));
    CHECK(!netdoc_set_key(doc, 1, "foo", "1"));
    char want[256];
    snprintf(want, sizeof want, "unknown key 'foo' for conv (known: %s)",
             netdoc_kind_keys(LAYER_CONV));
    CHECK_STR_EQ(want, netdoc_why(doc));
    CHECK(!netdoc_set_key(doc, 1, "k", "3 5"));
    CHECK_CONTAINS(netdoc_why(doc), "holds ' '");
    CHECK(!netdoc_set_key(doc, 1, "k", "3#"));
    CHECK(!netdoc_set_key(doc, 1, "k", "k=3"));
    CHECK(!netdoc_set_key(doc, 1, "k", ""));
    CHECK(!netdoc_set_key(doc, 0, "w", NULL));
    CHECK(!netdoc_set_key(doc, 42, "k", "3"));
    CHECK_STR_EQ("there is no row 42 (the net has 10 rows)", netdoc_why(doc));
    CHECK(!netdoc_insert(doc, 0, false, LAYER_RELU));
    CHECK_CONTAINS(netdoc_why(doc), "nothing goes above the input line");
    CHECK(!netdoc_delete(doc, 0));
    CHECK(!netdoc_move(doc, 0, 1));
    CHECK(!netdoc_move(doc, 1, -1));
    CHECK(!netdoc_move(doc, 9, 1));
    CHECK(!netdoc_set_kind(doc, 0, LAYER_RELU));
    CHECK(!netdoc_set_row_text(doc, 1, "conv 8\nk=5"));
    CHECK(!netdoc_set_row_text(doc, 1, "   # just a comment"));
    CHECK(!netdoc_insert_line(doc, 1, true, ""));
    CHECK_STR_EQ(before, netdoc_text(doc));
    CHECK_INT_EQ(0, netdoc_undo_depth(doc));
    /* keys the lists name are the ones set_key takes */
    /* (prefixes: keys a newer parser adds, e.g. groups, come after these) */
    CHECK(strncmp(netdoc_kind_keys(LAYER_CONV), "out k stride pad dilation", 25) == 0);
    CHECK(strncmp(netdoc_kind_keys(LAYER_DENSE), "units", 5) == 0);
    CHECK_STR_EQ("c h w", netdoc_kind_keys(LAYER_KIND_COUNT));
    CHECK_STR_EQ("", netdoc_kind_keys(LAYER_RELU));
    CHECK_STR_EQ("conv 8 k=3 pad=1", netdoc_default_line(LAYER_CONV));
    CHECK_STR_EQ("flatten", netdoc_default_line(LAYER_FLATTEN));
    /* every default line parses where it is put (a flat input for dense and softmax) */
    for (int k = 0; k < LAYER_KIND_COUNT; k++) {
        char text[256];
        bool flat = k == LAYER_DENSE || k == LAYER_SOFTMAX;
        snprintf(text, sizeof text, "input 3 16 16\n%s%s\n", flat ? "flatten\n" : "",
                 netdoc_default_line((LayerKind)k));
        NetDoc *d = doc_of(text, "d.net");
        if (d) {
            if (!netdoc_valid(d))
                fprintf(stderr, "  default of %s: %s\n", layer_kind_name((LayerKind)k),
                        netdoc_error(d));
            CHECK(netdoc_valid(d));
            netdoc_destroy(d);
        }
    }
    free(before);
    netdoc_destroy(doc);
}

/* ---------------------------------------------------------------- limits */

static void test_limits(void)
{
    /* 64 layers is the parser's limit: the 65th is refused by the API, and a text that has it
     * anyway shows the parser's message on that row */
    char *text = malloc(NET_MAX_TEXT + 2);
    size_t len = (size_t)snprintf(text, 64, "input 1 4 4\n");
    for (int i = 0; i < NET_MAX_LAYERS; i++)
        len += (size_t)snprintf(text + len, 16, "relu\n");
    NetDoc *doc = doc_of(text, "l.net");
    if (doc) {
        CHECK(netdoc_valid(doc));
        CHECK(!netdoc_insert(doc, 3, true, LAYER_RELU));
        CHECK_STR_EQ("a net has at most 64 layers after the input line (the parser's limit)",
                     netdoc_why(doc));
        CHECK(netdoc_delete(doc, 3));
        CHECK(netdoc_insert(doc, 3, true, LAYER_TANH));
        netdoc_destroy(doc);
    }
    snprintf(text + len, 16, "relu\n");
    doc = doc_of(text, "l.net");
    if (doc) {
        CHECK_INT_EQ(65, netdoc_error_row(doc));
        CHECK_STR_EQ("more than 64 layers (the limit)", netdoc_row(doc, 65)->error);
        CHECK_INT_EQ(64, netdoc_spec(doc)->n_layers);
        CHECK_INT_EQ(NETROW_OK, netdoc_row(doc, 64)->state);
        netdoc_destroy(doc);
    }
    /* 64 KiB of text: a longer text is no document, and no edit makes one */
    memset(text, '#', NET_MAX_TEXT + 1);
    text[NET_MAX_TEXT + 1] = '\0';
    char err[512] = "";
    CHECK(netdoc_create(text, "big.net", err, sizeof err) == NULL);
    CHECK_STR_EQ("big.net: the net text has 65537 bytes, more than the limit of 65536", err);
    len = (size_t)snprintf(text, 64, "input 1 4 4\nflatten\n");
    memset(text + len, '#', NET_MAX_TEXT - len - 4);
    text[NET_MAX_TEXT - 4] = '\0'; /* 65532 bytes: 4 to spare */
    doc = doc_of(text, "big.net");
    if (doc) {
        CHECK(netdoc_insert_line(doc, 1, true, "abs"));
        CHECK_INT_EQ(NET_MAX_TEXT, netdoc_text_size(doc));
        CHECK(!netdoc_insert_line(doc, 1, true, "abs"));
        CHECK_STR_EQ("the net text would have 65540 bytes, more than the limit of 65536",
                     netdoc_why(doc));
        CHECK(!netdoc_set_key(doc, 0, "c", "10"));   /* one byte more */
        CHECK(!netdoc_set_kind(doc, 2, LAYER_TANH)); /* "abs" -> "tanh": one byte more */
        CHECK(netdoc_set_row_text(doc, 2, "tan"));   /* as many bytes: accepted (and refused by
                                                      * the parser: unknown layer 'tan') */
        CHECK_INT_EQ(NET_MAX_TEXT, netdoc_text_size(doc));
        netdoc_destroy(doc);
    }
    free(text);

    /* the history keeps NETDOC_MAX_UNDO steps */
    doc = doc_of("input 1 8 8\nflatten\ndense 1\n", "u.net");
    if (doc) {
        char v[16];
        for (int i = 2; i < 2 + 300; i++) {
            snprintf(v, sizeof v, "%d", i);
            CHECK(netdoc_set_key(doc, 2, "units", v));
        }
        CHECK_INT_EQ(NETDOC_MAX_UNDO, netdoc_undo_depth(doc));
        while (netdoc_can_undo(doc))
            netdoc_undo(doc);
        CHECK_STR_EQ("input 1 8 8\nflatten\ndense 45\n", netdoc_text(doc)); /* 301 - 256 */
        netdoc_destroy(doc);
    }
}

/* ---------------------------------------------------------------- random sequences */

static void test_random_sequences(void)
{
    Rng rng;
    rng_seed(&rng, 20240601);
    int edits = 0, refused = 0, invalid = 0;
    for (int seq = 0; seq < 60; seq++) {
        NetDoc *doc = NULL;
        if (seq % 6 == 5) {
            doc = doc_of(commented, "c.net");
        } else {
            char err[512];
            doc = netdoc_load_preset(seq % netdoc_preset_count(), err, sizeof err);
        }
        CHECK(doc != NULL);
        if (!doc)
            continue;
        char *original = strdup(netdoc_text(doc)), *tip = strdup(original);
        OpSource src = {NULL, 0, 0, &rng};
        char desc[256], why[256];
        int good = 1;
        for (int step = 0; good && step < 120; step++) {
            int depth = netdoc_undo_depth(doc);
            good = ops_step(doc, &src, desc, sizeof desc, why, sizeof why) &&
                   ops_check(doc, why, sizeof why);
            if (!good)
                fprintf(stderr, "  sequence %d step %d: %s: %s\n%s\n", seq, step, desc, why,
                        netdoc_text(doc));
            CHECK(good);
            edits++;
            refused += netdoc_why(doc)[0] != '\0';
            invalid += !netdoc_valid(doc);
            /* a new step (not a redo): redoing everything at the end comes back here */
            if (netdoc_undo_depth(doc) > depth && strncmp(desc, "redo", 4) != 0) {
                free(tip);
                tip = strdup(netdoc_text(doc));
            }
            /* half the time a refused net is undone, so that valid nets get edited too */
            if (good && !netdoc_valid(doc) && rng_below(&rng, 2) == 0 && netdoc_can_undo(doc)) {
                CHECK(netdoc_undo(doc));
                good = ops_check(doc, why, sizeof why);
                CHECK(good);
            }
        }
        while (netdoc_can_undo(doc))
            CHECK(netdoc_undo(doc));
        CHECK_STR_EQ(original, netdoc_text(doc));
        while (netdoc_can_redo(doc))
            CHECK(netdoc_redo(doc));
        CHECK_STR_EQ(tip, netdoc_text(doc));
        free(original);
        free(tip);
        netdoc_destroy(doc);
    }
    /* the sequences do reach refusals and parser errors, not only easy edits */
    printf("random edits: %d, refused %d, leaving an invalid net %d\n", edits, refused, invalid);
    CHECK(refused > edits / 20);
    CHECK(invalid > edits / 10);
    CHECK(edits - refused > edits / 2);
    CHECK(edits - invalid > edits / 5);
}

/* Issue 8's stale comments: lenet-tiny's first conv made "valid" (pad 0): the shape comments on
 * every row below follow (8x24x24, 8x12x12, 16x8x8, 16x4x4, 256, 10x256 + 10); its header
 * comments and a user's comment stay byte for byte; one undo puts all of it back. */
static void test_shape_comments(void)
{
    const char *text = "# lenet-tiny\n"
                       "input 1 28 28\n"
                       "conv 8 k=5 pad=2        # 8x28x28, 8x1x5x5 + 8 = 208 parameters\n"
                       "relu\n"
                       "maxpool k=2             # 8x14x14\n"
                       "conv 16 k=5             # 16x10x10, 16x8x5x5 + 16 = 3216 parameters\n"
                       "relu                    # 16x10x10 maps, my note\n"
                       "maxpool k=2             # 16x5x5\n"
                       "flatten                 # 400\n"
                       "dense 10                # 10x400 + 10 = 4010 parameters\n"
                       "softmax\n";
    NetDoc *doc = doc_of(text, "l.net");
    if (!doc)
        return;
    CHECK(
        netdoc_is_shape_comment("conv 8 k=5 pad=2        # 8x28x28, 8x1x5x5 + 8 = 208 parameters"));
    CHECK(netdoc_is_shape_comment("flatten # 400"));
    CHECK(netdoc_is_shape_comment("dense 10 # 10x400 + 10 = 4010 parameters\r"));
    CHECK(!netdoc_is_shape_comment("relu # 16x10x10 maps, my note"));
    CHECK(!netdoc_is_shape_comment("conv 32 k=3 pad=1 groups=4    # 32x5x5, each output reads"));
    CHECK(!netdoc_is_shape_comment("# 28x28 -> conv 5x5"));
    CHECK(!netdoc_is_shape_comment("relu"));
    CHECK(netdoc_set_key(doc, 1, "pad", NULL));
    const char *expect = "# lenet-tiny\n"
                         "input 1 28 28\n"
                         "conv 8 k=5              # 8x24x24, 8x1x5x5 + 8 = 208 parameters\n"
                         "relu\n"
                         "maxpool k=2             # 8x12x12\n"
                         "conv 16 k=5             # 16x8x8, 16x8x5x5 + 16 = 3216 parameters\n"
                         "relu                    # 16x10x10 maps, my note\n"
                         "maxpool k=2             # 16x4x4\n"
                         "flatten                 # 256\n"
                         "dense 10                # 10x256 + 10 = 2570 parameters\n"
                         "softmax\n";
    CHECK_STR_EQ(expect, netdoc_text(doc));
    CHECK_INT_EQ(1, netdoc_undo_depth(doc));
    CHECK(netdoc_undo(doc));
    CHECK_STR_EQ(text, netdoc_text(doc));
    CHECK(netdoc_redo(doc));
    CHECK_STR_EQ(expect, netdoc_text(doc));
    /* a row below an error keeps its comment (not evaluated); text set whole is kept as given */
    CHECK(netdoc_set_key(doc, 3, "k", "99"));
    CHECK(!netdoc_valid(doc));
    CHECK_STR_EQ("flatten                 # 256", netdoc_row_line(doc, 7));
    CHECK(netdoc_set_text(doc, text));
    CHECK_STR_EQ(text, netdoc_text(doc));
    netdoc_destroy(doc);
}

int main(void)
{
    test_shape_comments();
    test_lenet_analysis();
    test_presets();
    test_edits_and_undo();
    test_bytes_kept();
    test_save();
    test_error_rows();
    test_refusals();
    test_limits();
    test_random_sequences();
    return test_summary();
}
