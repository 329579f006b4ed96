/* test_lab_network.c - the Network lab. Its model: lenet-tiny's lines, shapes and parameter
 * formulas as the labs show them, the forward pass equal to the engine's, the softmax
 * arithmetic strings against softmax_forward, receptive fields, one training run, the catalogue
 * of nets, the input (digits by index and class, the canvas brush) and the equation strip's
 * texts. Then the lab in the real app frame on the software renderer: every column's header
 * drawn, map pixels in their colour maps' colours, a pinned unit's receptive field as a cyan box
 * of the right size on the input, layers after the timeline's step left blank, a hovered unit's
 * tooltip, and the options. */
#include "app/app.h"
#include "labs/network/view.h"
#include "labs/network/model.h"
#include "labs/common/netshare.h"
#include "engine/assets.h"
#include "engine/dense.h"
#include "engine/idx.h"
#include "engine/trainer.h"
#include "test.h"
#include "labs/app_harness.h"
#include "viz/colormap.h"

#include "labs/lab_help_check.h"

#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool load_lenet(NetLabModel *m)
{
    char path[1024], err[512] = "";
    assets_path(path, sizeof path, "assets/nets/lenet-tiny.net");
    if (!netlab_model_load(m, path, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return false;
    }
    return true;
}

static bool load_test_digits(Dataset *ds)
{
    char dir[1024], err[512] = "";
    assets_path(dir, sizeof dir, "assets/digits");
    if (!dataset_load(ds, dir, DATASET_TEST, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return false;
    }
    return true;
}

static void test_formatting(void)
{
    char buf[96];
    /* the brief's example, written as the lab writes it */
    netlab_softmax_text(3.10, 0.0, 25.6, 0.87f, buf, sizeof buf);
    CHECK_STR_EQ("e^3.10 / 25.6 = 0.87", buf);
    netlab_softmax_text(-11.76, 0.0, 5053.0, 1.5e-9f, buf, sizeof buf);
    CHECK_STR_EQ("e^\xE2\x88\x92" "11.76 / 5053 = 1.5e\xE2\x88\x92" "9", buf);
    netlab_softmax_text(90.5, 90.5, 1.02, 0.98f, buf, sizeof buf);
    CHECK_STR_EQ("e^(90.50\xE2\x88\x92" "90.50) / 1.02 = 0.98", buf);
    CHECK_STR_EQ("0.0070", netlab_format_sig(0.007, 2, buf, sizeof buf));
    CHECK_STR_EQ("25.6", netlab_format_sig(25.6, 3, buf, sizeof buf));
    CHECK_STR_EQ("\xE2\x88\x92" "2.50", netlab_format_fixed(-2.5, 2, buf, sizeof buf));
    CHECK_STR_EQ("0.00", netlab_format_fixed(-0.001, 2, buf, sizeof buf));
    CHECK_STR_EQ("8\xC3\x97" "1\xC3\x97" "5\xC3\x97" "5 + 8 = 208",
                 netlab_times("8x1x5x5 + 8 = 208", buf, sizeof buf));
    CHECK_STR_EQ("maxpool k=2", netlab_times("maxpool k=2", buf, sizeof buf));
}

static void test_layer_info(void)
{
    NetLabModel m;
    if (!load_lenet(&m)) {
        CHECK(false);
        return;
    }
    CHECK_INT_EQ(9, m.n_layers);
    CHECK_STR_EQ("input", m.info[0].line);
    CHECK_STR_EQ("1\xC3\x97" "28\xC3\x97" "28", m.info[0].shape);
    CHECK_STR_EQ("conv 8 k=5 pad=2", m.info[1].line);
    CHECK_STR_EQ("8\xC3\x97" "28\xC3\x97" "28", m.info[1].shape);
    CHECK_STR_EQ("8\xC3\x97" "1\xC3\x97" "5\xC3\x97" "5 + 8 = 208", m.info[1].formula);
    CHECK_STR_EQ("maxpool k=2", m.info[3].line);
    CHECK_STR_EQ("8\xC3\x97" "14\xC3\x97" "14", m.info[3].shape);
    CHECK_STR_EQ("", m.info[3].formula);
    CHECK_STR_EQ("16\xC3\x97" "8\xC3\x97" "5\xC3\x97" "5 + 16 = 3216", m.info[4].formula);
    CHECK_STR_EQ("400", m.info[7].shape);
    CHECK_STR_EQ("10\xC3\x97" "400 + 10 = 4010", m.info[8].formula);
    /* 208 + 3216 + 4010 */
    CHECK_INT_EQ(7434, m.total_params);
    CHECK_INT_EQ(7434, m.net->n_params);
    CHECK(m.softmax);
    CHECK_INT_EQ(10, m.classes);
    netlab_model_free(&m);
}

/* The forward pass on a real digit equals net_forward on an independently built net, and the
 * arithmetic strings carry softmax_forward's values. */
static void test_forward_and_softmax(void)
{
    NetLabModel m;
    Dataset ds;
    if (!load_lenet(&m) || !load_test_digits(&ds)) {
        CHECK(false);
        return;
    }
    float x[28 * 28];
    dataset_image(&ds, 3, x);
    netlab_model_set_input(&m, x);
    char path[1024], err[256];
    assets_path(path, sizeof path, "assets/nets/lenet-tiny.net");
    Net *ref = net_load(path, NETLAB_SEED, err, sizeof err);
    NetActs *a = net_acts_create(ref, 1);
    net_forward(ref, a, x, 1);
    for (int k = 1; k <= 9; k++)
        CHECK_TENSOR_NEAR(a->out[k - 1], netlab_layer_data(&m, k),
                          shape_elems(m.info[k].out), 0.0, 0.0);
    /* the softmax layer's input are the logits */
    CHECK(m.z == netlab_layer_data(&m, 8));
    float p[10];
    softmax_forward(p, m.z, 1, 10);
    CHECK_TENSOR_NEAR(p, m.p, 10, 1e-7, 0.0);
    double sum = 0.0;
    for (int k = 0; k < 10; k++)
        sum += exp((double)m.z[k]);
    CHECK_NEAR(sum, m.sum, 1e-9 * sum);
    for (int k = 0; k < 10; k++) {
        /* "e^Z / S = P": the numbers in the string are z, the sum and softmax_forward's p */
        char want[96];
        netlab_softmax_text(m.z[k], 0.0, sum, p[k], want, sizeof want);
        CHECK_STR_EQ(want, m.arith[k]);
        char zs[32], ss[32];
        netlab_format_fixed(m.z[k], 2, zs, sizeof zs);
        netlab_format_sig(sum, 3, ss, sizeof ss);
        CHECK(strncmp(m.arith[k], "e^", 2) == 0);
        CHECK(strstr(m.arith[k], zs) == m.arith[k] + 2);
        CHECK(strstr(m.arith[k], ss) != NULL);
        /* e^z / sum is p itself */
        CHECK_NEAR(p[k], exp((double)m.z[k]) / sum, 1e-6);
    }
    int best = 0;
    for (int k = 1; k < 10; k++)
        best = p[k] > p[best] ? k : best;
    CHECK_INT_EQ(best, m.predicted);
    CHECK_CONTAINS(m.sum_text, "(10 terms)");
    net_acts_destroy(a);
    net_destroy(ref);
    dataset_free(&ds);
    netlab_model_free(&m);
}

static void test_trace(void)
{
    NetLabModel m;
    if (!load_lenet(&m)) {
        CHECK(false);
        return;
    }
    RfBox b[NET_MAX_LAYERS + 2];
    /* layer 4 (the second conv) unit (7, 5, 5): 14x14 of the input, rows 8..21 */
    CHECK(netlab_model_trace(&m, 4, 7, 5, 5, b));
    CHECK_INT_EQ(8, b[0].y0);
    CHECK_INT_EQ(21, b[0].y1);
    CHECK_INT_EQ(14, rf_cols(&b[0]));
    CHECK_INT_EQ(8, rf_channels(&b[3]));
    /* an input pixel is its own field */
    CHECK(netlab_model_trace(&m, 0, 0, 3, 4, b));
    CHECK_INT_EQ(3, b[0].y0);
    CHECK_INT_EQ(1, rf_rows(&b[0]));
    CHECK(!netlab_model_trace(&m, 4, 16, 0, 0, b));
    netlab_model_free(&m);
}

/* Training on a worker: the first 2,000 training digits (125 steps), then the weights taken
 * over are the ones whose test accuracy the message states. */
static void test_training(void)
{
    NetLabModel m;
    Dataset ds;
    if (!load_lenet(&m) || !load_test_digits(&ds)) {
        CHECK(false);
        return;
    }
    char dir[1024];
    assets_path(dir, sizeof dir, "assets/digits");
    m.train_limit = 2000;
    /* evaluations on the fast path, as the worker's (the reference loops take seconds) */
    CHECK(net_set_threads(m.net, 1));
    float before = trainer_evaluate(m.net, &ds, 0, NULL);
    CHECK(netlab_train_start(&m, dir, &ds));
    CHECK(m.train == NETLAB_TRAINING);
    netlab_train_wait(&m);
    CHECK(m.train == NETLAB_TRAINED);
    CHECK_INT_EQ(2000, m.train_images);
    float after = trainer_evaluate(m.net, &ds, 0, NULL);
    CHECK_NEAR(m.accuracy, after, 0.0);
    CHECK(after > 0.85f);
    CHECK(before < 0.3f);
    CHECK_CONTAINS(m.train_msg, "test accuracy");
    char acc[32], want[64];
    snprintf(want, sizeof want, "%s%%", netlab_format_fixed(100.0 * after, 1, acc, sizeof acc));
    CHECK_CONTAINS(m.train_msg, want);
    CHECK_NEAR(1.0f, netlab_train_progress(&m), 0.0);
    /* back to the seed's weights */
    netlab_model_reset_weights(&m);
    CHECK(m.train == NETLAB_INIT);
    CHECK_NEAR(before, trainer_evaluate(m.net, &ds, 0, NULL), 0.0);
    /* a net that cannot read the digits says so */
    dataset_free(&ds);
    netlab_model_free(&m);
}

/* ---- the lab in the app frame ------------------------------------------------------------ */

static void frame(Harness *h, bool headless)
{
    harness_frame(h, headless, 0.0);
}

static uint32_t rgb(Color c)
{
    return (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
}

/* Pixels of rc brighter than the panel: drawn text. */
static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

/* A signed layer's colour scale, worked out here: the 95th percentile of |value| (the
 * ceil(0.95 n)-th smallest, by sorting), rounded up to two significant digits; the few values
 * beyond it clip to the end colours. */
static ColorScale signed_scale(const float *d, long n)
{
    float *a = malloc(sizeof(float) * (size_t)n);
    for (long i = 0; i < n; i++)
        a[i] = fabsf(d[i]);
    qsort(a, (size_t)n, sizeof(float), cmp_float);
    float q = a[(long)ceil(0.95 * (double)n) - 1], mx = a[n - 1];
    free(a);
    double unit = 1.0;
    while (q / unit >= 100.0)
        unit *= 10.0;
    while (q / unit < 10.0)
        unit /= 10.0;
    float m = (float)(ceil(q / unit - 1e-9) * unit);
    CHECK(m >= q && m <= q * 1.1f + 1e-6f);
    /* at most 5% of the values lie beyond the scale */
    long beyond = 0;
    for (long i = 0; i < n; i++)
        beyond += fabsf(d[i]) > m;
    CHECK(beyond <= n / 20);
    ColorScale cs = colorscale_make(COLORMAP_DIVERGING, -m, m);
    cs.clipped = mx > m;
    return cs;
}

static int bright_pixels(const Harness *h, Rect rc)
{
    int n = 0;
    for (int y = rc.y; y < rc.y + rc.h; y++)
        for (int x = rc.x; x < rc.x + rc.w; x++) {
            uint32_t p = harness_pixel(h, x, y);
            n += ((p >> 16 & 0xff) + (p >> 8 & 0xff) + (p & 0xff)) > 3 * 140;
        }
    return n;
}

static void *open_net(Harness *h, const LabDef **lab)
{
    /* the learner's net is process-wide (netshare) and the lab follows it: each test's app
     * starts from the bundled lenet-tiny */
    netshare_reset();
    int idx = -1;
    *lab = lab_find("network", &idx);
    CHECK(*lab != NULL && lab_is_built(*lab));
    CHECK(app_open_lab(h->app, idx));
    return app_lab_state(h->app);
}

static bool set(const LabDef *lab, void *st, const char *k, const char *v)
{
    char err[512] = "";
    bool ok = lab->set_option(st, k, v, err, sizeof err);
    if (!ok)
        fprintf(stderr, "set %s=%s: %s\n", k, v, err);
    return ok;
}

/* Initial weights (no training) keep these frames quick; every number is still the net's. */
static void test_frame_maps(void)
{
    Harness h;
    CHECK(harness_open_scaled(&h, 1280, 800, 1.0f));
    const LabDef *lab = NULL;
    void *st = open_net(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    CHECK(set(lab, st, "weights", "init"));
    CHECK(set(lab, st, "digit", "0"));
    frame(&h, true);
    frame(&h, true);
    const NetLabModel *m = lab_network_model(st);
    CHECK(m->train == NETLAB_INIT);
    /* every map column has its header written: input and the six C x H x W layers */
    int cols = 0;
    for (int L = 0; L <= 6; L++) {
        Rect head;
        if (!lab_network_head_rect(st, L, &head))
            continue;
        cols++;
        CHECK(bright_pixels(&h, head) > 40);
    }
    CHECK_INT_EQ(7, cols);
    /* the input map: each pixel's cell in gray (black 0 to white 1) */
    Rect in;
    CHECK(lab_network_map_rect(st, 0, 0, &in));
    CHECK(in.w >= 28 * 4);
    int bad = 0;
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++) {
            int px = in.x + (2 * x + 1) * in.w / 56, py = in.y + (2 * y + 1) * in.h / 56;
            Color c = colormap_gray(m->input[y * 28 + x]);
            uint32_t got = harness_pixel(&h, px, py);
            bad += abs((int)(got >> 16 & 0xff) - c.r) > 1;
        }
    CHECK_INT_EQ(0, bad);
    /* the first conv map 3: its cells in the diverging map of the layer's 95th percentile of
     * |value| (not its max: a few large values would wash the rest out to near-white) */
    Rect c3;
    CHECK(lab_network_map_rect(st, 1, 3, &c3));
    float mx = fmaxf(fabsf(m->info[1].lo), fabsf(m->info[1].hi));
    ColorScale cs = signed_scale(netlab_layer_data(m, 1), 8 * 28 * 28);
    CHECK(cs.hi < mx && cs.clipped);
    const float *d = netlab_layer_data(m, 1) + 3 * 28 * 28;
    int checked = 0;
    bad = 0;
    for (int y = 0; y < 28; y += 3)
        for (int x = 0; x < 28; x += 3) {
            int px = c3.x + (2 * x + 1) * c3.w / 56, py = c3.y + (2 * y + 1) * c3.h / 56;
            bad += harness_pixel(&h, px, py) != rgb(colorscale_color(&cs, d[y * 28 + x]));
            checked++;
        }
    CHECK(checked >= 90);
    CHECK_INT_EQ(0, bad);
    CHECK(m->info[1].diverging);
    CHECK(!m->info[2].diverging); /* after relu: sequential from 0 */
    /* the flatten strip and the bars are laid out */
    Rect fl, bar;
    CHECK(lab_network_strip_rect(st, 7, &fl));
    CHECK(fl.w > 400);
    CHECK(lab_network_bar_rect(st, 9, &bar));
    /* the predicted class's bar: amber, as long as p of the bar's width */
    Rect pb;
    CHECK(lab_network_bar_rect(st, m->predicted, &pb));
    int amber = 0;
    for (int x = pb.x; x < pb.x + pb.w; x++)
        amber += harness_pixel(&h, x, pb.y + pb.h / 2) == 0xffb000;
    CHECK_NEAR(m->p[m->predicted] * (float)pb.w, (float)amber, 2.0f);
    /* at the end of the timeline the strip shows the predicted class's arithmetic */
    char want[160];
    snprintf(want, sizeof want, " = %s", m->arith[m->predicted]);
    CHECK_CONTAINS(lab_network_equation(st, 1), want);
    harness_close(&h);
}

/* A pinned unit of the second conv: a cyan 14x14 box on the input, 10x10 on the first conv's
 * maps, 5x5 on the pool's. */
static void test_frame_receptive_field(void)
{
    Harness h;
    CHECK(harness_open_scaled(&h, 1280, 800, 1.0f));
    const LabDef *lab = NULL;
    void *st = open_net(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    CHECK(set(lab, st, "weights", "init"));
    CHECK(set(lab, st, "hover", "4,7,5,5"));
    frame(&h, true);
    Rect in;
    CHECK(lab_network_map_rect(st, 0, 0, &in));
    /* the cyan pixels' bounding box inside the input map (plus the outline's width) */
    int x0 = 99999, y0 = 99999, x1 = -1, y1 = -1, n = 0;
    Rect area = rect_inset(in, -4);
    for (int y = area.y; y < area.y + area.h; y++)
        for (int x = area.x; x < area.x + area.w; x++)
            if (harness_pixel(&h, x, y) == 0x4cc9f0) {
                n++;
                x0 = x < x0 ? x : x0;
                y0 = y < y0 ? y : y0;
                x1 = x > x1 ? x : x1;
                y1 = y > y1 ? y : y1;
            }
    float cell = (float)in.w / 28.0f;
    CHECK(n > 4 * 14 * (int)cell);
    /* rows and columns 8..21: from 8 cells in to 22 cells in, within the 2 px outline */
    CHECK_NEAR(in.x + 8.0f * cell, (float)x0, 2.5f);
    CHECK_NEAR(in.x + 22.0f * cell, (float)x1 + 1.0f, 2.5f);
    CHECK_NEAR(in.y + 8.0f * cell, (float)y0, 2.5f);
    CHECK_NEAR(in.y + 22.0f * cell, (float)y1 + 1.0f, 2.5f);
    /* every first-conv map (all 8 channels feed the unit) has its box */
    for (int c = 0; c < 8; c++) {
        Rect mr;
        CHECK(lab_network_map_rect(st, 1, c, &mr));
        int k = 0;
        for (int y = mr.y - 2; y < mr.y + mr.h + 2; y++)
            for (int x = mr.x - 2; x < mr.x + mr.w + 2; x++)
                k += harness_pixel(&h, x, y) == 0x4cc9f0;
        CHECK(k > 20);
    }
    /* the equation strip names the field */
    CHECK_CONTAINS(lab_network_equation(st, 0), "receptive field 14\xC3\x97" "14");
    CHECK_CONTAINS(lab_network_equation(st, 0), "rows 8\xE2\x80\x93" "21");
    /* bad units are refused */
    char err[256] = "";
    CHECK(!lab->set_option(st, "hover", "4,16,0,0", err, sizeof err));
    CHECK_CONTAINS(err, "hover=4,16,0,0");
    CHECK(!lab->set_option(st, "hover", "7,5,5", err, sizeof err)); /* flatten is a vector */
    CHECK(set(lab, st, "hover", "8,3"));
    harness_close(&h);
}

/* Mouse hover on a map cell: its tooltip; the timeline's step leaves later layers blank. */
static void test_frame_hover_and_step(void)
{
    Harness h;
    CHECK(harness_open_scaled(&h, 1280, 800, 1.0f));
    const LabDef *lab = NULL;
    void *st = open_net(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    CHECK(set(lab, st, "weights", "init"));
    frame(&h, false);
    Rect mr;
    CHECK(lab_network_map_rect(st, 4, 2, &mr));
    /* the middle of cell (5, 5) of map 2 of the second conv */
    h.in.mx = mr.x + (2 * 5 + 1) * mr.w / 20;
    h.in.my = mr.y + (2 * 5 + 1) * mr.h / 20;
    frame(&h, false);
    frame(&h, false);
    const NetLabModel *m = lab_network_model(st);
    CHECK_CONTAINS(h.app->ui.tooltip, "[c 2, y 5, x 5]");
    CHECK_CONTAINS(h.app->ui.tooltip, "receptive field 14\xC3\x97" "14");
    char v[48];
    netlab_format_fixed(netlab_unit_value(m, 4, 2, 5, 5), 4, v, sizeof v);
    CHECK_CONTAINS(h.app->ui.tooltip, v);
    /* the value is the engine's single-cell query's */
    CHECK_CONTAINS(lab_network_equation(st, 1), "200 products");
    CHECK_CONTAINS(lab_network_equation(st, 1), v);
    /* step 3: the first conv, relu and pool are computed, the second conv is not */
    h.in.mx = h.in.my = -1;
    Timeline *tl = lab->timeline(st);
    timeline_seek(tl, 3);
    frame(&h, true);
    Rect c4;
    CHECK(lab_network_map_rect(st, 4, 0, &c4));
    uint32_t panel = rgb(theme_make(THEME_DARK, 1.0f).panel);
    CHECK(harness_pixel(&h, c4.x + c4.w / 2, c4.y + c4.h / 2) == panel);
    Rect c3;
    CHECK(lab_network_map_rect(st, 3, 0, &c3));
    CHECK(harness_pixel(&h, c3.x + c3.w / 2, c3.y + c3.h / 2) != panel);
    CHECK_CONTAINS(lab_network_equation(st, 0), "layer 3/9: maxpool k=2");
    CHECK_CONTAINS(lab_network_equation(st, 0), "= 14");
    harness_close(&h);
}

static void test_options_and_sizes(void)
{
    Harness h;
    CHECK(harness_open_scaled(&h, 800, 600, 1.0f));
    const LabDef *lab = NULL;
    void *st = open_net(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    char err[512] = "";
    CHECK(set(lab, st, "weights", "init"));
    CHECK(!lab->set_option(st, "net", "nope", err, sizeof err));
    CHECK_CONTAINS(err, "lenet-tiny");
    CHECK(!lab->set_option(st, "digit", "5000", err, sizeof err));
    CHECK(!lab->set_option(st, "class", "10", err, sizeof err));
    CHECK(!lab->set_option(st, "colour", "red", err, sizeof err));
    CHECK_CONTAINS(err, "unknown option");
    /* class 3: a test digit labelled 3 */
    CHECK(set(lab, st, "class", "3"));
    frame(&h, true);
    CHECK_CONTAINS(lab_network_equation(st, 1), "p");
    /* the fully connected net: its vectors as strips */
    CHECK(set(lab, st, "net", "mlp"));
    frame(&h, true);
    const NetLabModel *m = lab_network_model(st);
    CHECK_INT_EQ(50890, m->total_params);
    Rect s;
    CHECK(lab_network_strip_rect(st, 2, &s));
    CHECK(s.w > 200);
    CHECK(!lab->set_option(st, "hover", "4,2,2", err, sizeof err));
    harness_close(&h);
    /* a large UI scale at 1920x1080 still lays every column out */
    CHECK(harness_open_scaled(&h, 1920, 1080, 2.0f));
    st = open_net(&h, &lab);
    if (st) {
        CHECK(set(lab, st, "weights", "init"));
        frame(&h, true);
        for (int L = 0; L <= 6; L++) {
            Rect head;
            CHECK(lab_network_head_rect(st, L, &head));
            CHECK(head.x + head.w <= 1920);
        }
    }
    harness_close(&h);
}

/* The default scene trains one epoch; a headless frame waits for it. */
static void test_frame_trained(void)
{
    Harness h;
    CHECK(harness_open_scaled(&h, 1280, 800, 1.0f));
    const LabDef *lab = NULL;
    void *st = open_net(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    frame(&h, true);
    const NetLabModel *m = lab_network_model(st);
    CHECK(m->train == NETLAB_TRAINED);
    CHECK_INT_EQ(8000, m->train_images);
    CHECK(m->accuracy > 0.93f);
    CHECK_CONTAINS(m->train_msg, "trained 1 epoch on the bundled digits");
    /* test digit 0 is a 7, and the trained net says so */
    CHECK_INT_EQ(7, m->predicted);
    harness_close(&h);
}

/* The default scene's Class menu names the default digit's class (test digit #0 is a 7); a
 * pinned unit has a 2 px cyan outline just outside its cell, which keeps its own colour; the
 * H overlay lists the lab's keys and each letter is one the lab takes. */
static void test_frame_class_outline_help(void)
{
    Harness h;
    CHECK(harness_open_scaled(&h, 1280, 800, 1.0f));
    const LabDef *lab = NULL;
    void *st = open_net(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    CHECK_INT_EQ(7, lab_network_class(st));
    CHECK(set(lab, st, "weights", "init"));
    CHECK(set(lab, st, "digit", "1"));
    CHECK_INT_EQ(6, lab_network_class(st)); /* test digit #1 is a 6 */
    CHECK(set(lab, st, "hover", "4,7,5,5"));
    frame(&h, true);
    Rect mr;
    CHECK(lab_network_map_rect(st, 4, 7, &mr));
    /* cell (5, 5) of the 10x10 map */
    int ax = mr.x + 5 * mr.w / 10, bx = mr.x + 6 * mr.w / 10;
    int ay = mr.y + 5 * mr.h / 10, by = mr.y + 6 * mr.h / 10;
    CHECK(bx - ax >= 3);
    const NetLabModel *m = lab_network_model(st);
    ColorScale cs = signed_scale(netlab_layer_data(m, 4), 16 * 10 * 10);
    float v = netlab_unit_value(m, 4, 7, 5, 5);
    /* the cell's middle keeps the map's colour */
    CHECK(harness_pixel(&h, (ax + bx) / 2, (ay + by) / 2) == rgb(colorscale_color(&cs, v)));
    /* both rows of the outline above and below the cell, and both columns beside it */
    int ring = 0, want = 0;
    for (int t = 1; t <= 2; t++) {
        for (int x = ax; x < bx; x++) {
            ring += harness_pixel(&h, x, ay - t) == 0x4cc9f0;
            ring += harness_pixel(&h, x, by + t - 1) == 0x4cc9f0;
            want += 2;
        }
        for (int y = ay; y < by; y++) {
            ring += harness_pixel(&h, ax - t, y) == 0x4cc9f0;
            ring += harness_pixel(&h, bx + t - 1, y) == 0x4cc9f0;
            want += 2;
        }
    }
    CHECK_INT_EQ(want, ring);
    /* the keys: D, K, W, N, C, their shifted forms, E (the editor) and X (export) */
    CHECK_INT_EQ(10, lab_help_check(h.app, lab, st));
    harness_close(&h);
}

/* A column too narrow for "min max" on one line (800x600 at UI scale 1.5, which the app caps
 * at about 1.1: the second conv's legend is about 53 px wide) still shows both: the min on the first line under the bar's
 * left end, the max on the second at its right end, both inside the legend's rect. */
static void test_frame_narrow_legends(void)
{
    Harness h;
    CHECK(harness_open_scaled(&h, 800, 600, 1.5f));
    const LabDef *lab = NULL;
    void *st = open_net(&h, &lab);
    if (!st) {
        harness_close(&h);
        return;
    }
    CHECK(set(lab, st, "weights", "init"));
    frame(&h, true);
    frame(&h, true);
    Rect m0, leg;
    CHECK(lab_network_map_rect(st, 1, 0, &m0));
    CHECK(lab_network_legend_rect(st, 1, &leg));
    CHECK(leg.y >= m0.y + m0.h);
    CHECK(leg.y + leg.h <= 600);
    /* the app caps the scale at 800x600 (about 1.1): the legend's sizes at the scale used */
    const Theme *th = &h.app->th;
    CHECK(th->scale > 1.05f);
    int bar = theme_px(th, 6) + theme_px(th, 1);
    int lh = render_line_height(h.r, FONT_MONO, theme_px(th, 9));
    CHECK(leg.h >= bar + 2 * lh);
    Rect first = {leg.x, leg.y + bar, leg.w, lh};
    Rect second_right = {leg.x + leg.w / 2, leg.y + bar + lh, leg.w - leg.w / 2, lh};
    CHECK(bright_pixels(&h, first) > 10);
    CHECK(bright_pixels(&h, second_right) > 10);
    /* a wide column (the second conv's relu at 1280x800) keeps one line */
    harness_close(&h);
    CHECK(harness_open_scaled(&h, 1280, 800, 1.0f));
    st = open_net(&h, &lab);
    if (st) {
        CHECK(set(lab, st, "weights", "init"));
        frame(&h, true);
        CHECK(lab_network_legend_rect(st, 5, &leg));
        int lh1 = render_line_height(h.r, FONT_MONO, 12);
        CHECK(leg.h < 6 + 1 + 2 * lh1);
        Rect right = {leg.x + leg.w / 2, leg.y + 7, leg.w - leg.w / 2, lh1};
        CHECK(bright_pixels(&h, right) > 10);
    }
    harness_close(&h);
}

/* The model's catalogue of nets, its input (digits by index and class, the canvas brush) and
 * the equation strip's texts, without a window. */
static void test_input_and_texts(void)
{
    NetLabCatalog cat;
    netlab_catalog_scan(&cat);
    int lenet = netlab_catalog_find(&cat, "lenet-tiny.net");
    CHECK(lenet >= 0);
    CHECK_INT_EQ(lenet, netlab_catalog_find(&cat, "lenet-tiny"));
    CHECK_INT_EQ(-1, netlab_catalog_find(&cat, "no-such-net"));
    for (int i = 1; i < cat.n; i++)
        CHECK(strcmp(cat.names[i - 1], cat.names[i]) < 0);
    char list[512], path[1024];
    netlab_catalog_list(&cat, list, sizeof list);
    CHECK_CONTAINS(list, "backprop-tiny, dilated, lenet-bn, lenet-tiny, mlp");
    netlab_catalog_path(&cat, lenet, path, sizeof path);
    CHECK_CONTAINS(path, "assets/nets/lenet-tiny.net");

    NetLabInput in;
    memset(&in, 0, sizeof in);
    char err[512] = "";
    if (!netlab_input_init(&in, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        CHECK(false);
        return;
    }
    char t[256];
    /* test digit #0 is a 7; the next 7 after it is the first 7 past index 0 */
    CHECK_INT_EQ(7, in.class_sel);
    CHECK_STR_EQ("test digit #0 (a 7)", netlab_input_text(&in, t, sizeof t));
    CHECK(netlab_input_pick_class(&in, 7));
    CHECK(in.digit_index > 0);
    CHECK_INT_EQ(7, in.digits.labels[in.digit_index]);
    int other = 0;
    for (int i = 1; i < in.digit_index; i++)
        other += in.digits.labels[i] != 7;
    CHECK_INT_EQ(in.digit_index - 1, other);
    netlab_input_pick_digit(&in, -1);
    CHECK_INT_EQ(in.digits.n - 1, in.digit_index);
    CHECK_INT_EQ(in.digits.labels[in.digits.n - 1], in.class_sel);
    /* a stroke at the canvas' centre (14, 14): 4 cells within 1 of it at full ink, 8 within
     * sqrt(2.6) at 0.6; erasing there clears them all */
    netlab_input_paint(&in, 14.0f, 14.0f, false);
    double ink = 0.0;
    int inked = 0;
    for (int i = 0; i < NETLAB_CANVAS * NETLAB_CANVAS; i++) {
        ink += in.canvas[i];
        inked += in.canvas[i] > 0.0f;
    }
    CHECK_INT_EQ(12, inked);
    CHECK_NEAR(8.8, ink, 1e-5);
    CHECK_NEAR(1.0f, in.canvas[13 * NETLAB_CANVAS + 13], 0.0);
    CHECK_NEAR(0.6f, in.canvas[12 * NETLAB_CANVAS + 13], 0.0);
    netlab_input_paint(&in, 14.0f, 14.0f, true);
    ink = 0.0;
    for (int i = 0; i < NETLAB_CANVAS * NETLAB_CANVAS; i++)
        ink += in.canvas[i];
    CHECK_NEAR(0.0, ink, 0.0);
    in.src = NETLAB_SRC_FILE;
    CHECK_STR_EQ("no file yet", netlab_input_text(&in, t, sizeof t));

    NetLabModel m;
    if (!load_lenet(&m)) {
        CHECK(false);
        netlab_input_free(&in);
        return;
    }
    /* the drawing becomes the input as it is (lenet-tiny takes 1x28x28) */
    netlab_input_paint(&in, 10.0f, 20.0f, false);
    in.src = NETLAB_SRC_CANVAS;
    netlab_input_apply(&in, &m);
    CHECK_TENSOR_NEAR(in.canvas, m.input, NETLAB_CANVAS * NETLAB_CANVAS, 0.0f, 0.0f);
    netlab_input_pick_digit(&in, 0);
    netlab_input_apply(&in, &m);
    char pv[32], want[128];
    netlab_format_fixed(m.p[m.predicted], 2, pv, sizeof pv);
    snprintf(want, sizeof want, "prediction %d (p %s)  label 7 %s", m.predicted, pv,
             m.predicted == 7 ? "\xE2\x9C\x93" : "\xE2\x9C\x97");
    CHECK_STR_EQ(want, netlab_prediction_text(&m, &in, t, sizeof t));

    /* units of lenet-tiny: maps L,C,Y,X or L,Y,X; the flatten's elements L,I */
    NetLabUnit u;
    CHECK(netlab_parse_unit(&m, "4,7,5,5", &u));
    CHECK(u.valid && u.L == 4 && u.c == 7 && u.y == 5 && u.x == 5);
    CHECK(netlab_parse_unit(&m, "1,3,4", &u));
    CHECK(u.L == 1 && u.c == 0 && u.y == 3 && u.x == 4);
    CHECK(netlab_parse_unit(&m, "7,399", &u));
    CHECK(u.L == 7 && u.c == 399);
    CHECK(!netlab_parse_unit(&m, "7,400", &u));
    CHECK(!netlab_parse_unit(&m, "4,16,0,0", &u));
    CHECK(!netlab_parse_unit(&m, "10,0", &u));
    CHECK(!netlab_parse_unit(&m, "1,2", &u));
    CHECK(!netlab_parse_unit(&m, "1,2,x", &u));

    /* the equation strip: step 0 the input, step 3 the first pool (28 -> 14) */
    char eq1[512], eq2[512];
    netlab_step_text(&m, &in, 0, eq1, sizeof eq1, eq2, sizeof eq2);
    CHECK_STR_EQ("step 0: the input 1\xC3\x97" "28\xC3\x97" "28, test digit #0 (a 7)", eq1);
    CHECK_CONTAINS(eq2, "7434 parameters in all");
    netlab_step_text(&m, &in, 3, eq1, sizeof eq1, eq2, sizeof eq2);
    CHECK_CONTAINS(eq1, "layer 3/9: maxpool k=2");
    CHECK_CONTAINS(eq1, "(28 \xE2\x88\x92 2)/2\xE2\x8C\x8B + 1 = 14");
    CHECK_STR_EQ("the largest value of each window, per channel; no parameters", eq2);
    netlab_step_text(&m, &in, 1, eq1, sizeof eq1, eq2, sizeof eq2);
    CHECK_STR_EQ("parameters 8\xC3\x97" "1\xC3\x97" "5\xC3\x97" "5 + 8 = 208;  total 7434",
                 eq2);
    netlab_model_free(&m);
    netlab_input_free(&in);
}

int main(void)
{
    test_formatting();
    test_layer_info();
    test_forward_and_softmax();
    test_trace();
    test_training();
    test_input_and_texts();
    if (SDL_Init(0) != 0)
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
    test_frame_maps();
    test_frame_receptive_field();
    test_frame_hover_and_step();
    test_options_and_sizes();
    test_frame_trained();
    test_frame_class_outline_help();
    test_frame_narrow_legends();
    SDL_Quit();
    return test_summary();
}
