/* test_lab_act.c - the Activations lab's scene: plotted samples are the engine's values, the
 * 0.25^k table, the chain through stacked sigmoids, and the feature maps before/after. Then
 * the lab inside the real app frame on the software renderer: the amber probe line follows
 * the probe, both curves in their colours, the maps' images in the colour map's colours,
 * legends running from their minimum to their maximum colour, and a hovered map cell that is
 * the cell the tooltip's numbers come from. The stack plot's ticks at both ends of both axes,
 * apart from each other and off the data, at three window sizes. */
#include "app/app.h"
#include "labs/act/model.h"
#include "labs/act/view_int.h"
#include "engine/assets.h"
#include "engine/conv.h"
#include "engine/idx.h"
#include "test.h"
#include "labs/app_harness.h"
#include "labs/lab_help_check.h"
#include "labs/text_seen.h"
#include "viz/plot.h"
#include "viz/colormap.h"
#include "viz/kernels.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_samples_equal_engine(void)
{
    ActScene s;
    actscene_init(&s);
    int bad = 0, checked = 0;
    for (int kind = 0; kind < ACTLAB_KINDS; kind++) {
        s.kind = (ActKind)kind;
        actscene_rebuild(&s);
        float p = actscene_param(&s);
        for (int i = 0; i < ACTLAB_SAMPLES; i++) {
            bad += s.fy[i] != act_value(s.kind, p, s.xs[i]);
            bad += s.dy[i] != act_deriv(s.kind, p, s.xs[i]);
            checked++;
        }
    }
    CHECK_INT_EQ(0, bad);
    CHECK_INT_EQ(6 * ACTLAB_SAMPLES, checked);
    /* the samples span [-4, 4] every 0.025 and hit 0 */
    CHECK_NEAR(-4.0f, s.xs[0], 0.0);
    CHECK_NEAR(4.0f, s.xs[ACTLAB_SAMPLES - 1], 0.0);
    CHECK_NEAR(0.0f, s.xs[160], 1e-6);
    CHECK_NEAR(0.025f, s.xs[161] - s.xs[160], 1e-6);
}

/* Values at the probe, against hand-computed numbers. */
static void test_probe_values(void)
{
    ActScene s;
    actscene_init(&s);
    s.probe = 1.5f;
    s.kind = ACT_SIGMOID;
    actscene_rebuild(&s);
    /* s(1.5) = 1/(1+e^-1.5) = 0.8175745, s' = s(1-s) = 0.1491465 */
    CHECK_NEAR(0.8175745f, s.probe_value, 1e-6);
    CHECK_NEAR(0.1491465f, s.probe_deriv, 1e-6);
    s.kind = ACT_TANH;
    actscene_rebuild(&s);
    /* tanh(1.5) = 0.9051483, 1 - tanh^2 = 0.1807066 */
    CHECK_NEAR(0.9051483f, s.probe_value, 1e-6);
    CHECK_NEAR(0.1807066f, s.probe_deriv, 1e-6);
    s.kind = ACT_LEAKY;
    s.probe = -2.0f;
    actscene_rebuild(&s);
    CHECK_NEAR(-0.2f, s.probe_value, 1e-7);
    CHECK_NEAR(0.1f, s.probe_deriv, 1e-7);
    s.kind = ACT_SOFTPLUS;
    s.probe = 0.0f;
    actscene_rebuild(&s);
    /* ln 2 and 1/2 at 0 */
    CHECK_NEAR(0.6931472f, s.probe_value, 1e-6);
    CHECK_NEAR(0.5f, s.probe_deriv, 1e-7);
    s.beta = 4.0f;
    s.probe = 1.0f;
    actscene_rebuild(&s);
    /* ln(1 + e^4)/4 = 1.0045375, slope 1/(1+e^-4) = 0.9820138: sharper, closer to relu */
    CHECK_NEAR(1.0045375f, s.probe_value, 1e-5);
    CHECK_NEAR(0.9820138f, s.probe_deriv, 1e-6);
    s.kind = ACT_ABS;
    s.probe = -3.0f;
    actscene_rebuild(&s);
    CHECK_NEAR(3.0f, s.probe_value, 0.0);
    CHECK_NEAR(-1.0f, s.probe_deriv, 0.0);
    s.kind = ACT_RELU;
    s.probe = 0.0f;
    actscene_rebuild(&s);
    CHECK_NEAR(0.0f, s.probe_deriv, 0.0); /* the convention at exactly 0 */
    /* the probe is clamped to the plot */
    s.probe = 9.0f;
    actscene_update_probe(&s);
    CHECK_NEAR(4.0f, s.probe, 0.0);
}

static void test_vanishing(void)
{
    ActScene s;
    actscene_init(&s);
    actscene_rebuild(&s);
    /* 0.25^k for k = 1..10: exact in float (powers of two) */
    const float expected[10] = {0.25f,
                                0.0625f,
                                0.015625f,
                                0.00390625f,
                                0.0009765625f,
                                0.000244140625f,
                                6.103515625e-05f,
                                1.52587890625e-05f,
                                3.814697265625e-06f,
                                9.5367431640625e-07f};
    CHECK_TENSOR_NEAR(expected, s.bound, 10, 0.0, 0.0);
    /* through real stacked sigmoids the inputs drift off 0, so the product is smaller still:
     * s'(0) = 0.25, then s'(s(0)) = s'(0.5) = 0.2350037 */
    CHECK_NEAR(0.25f, s.chain[0], 1e-7);
    CHECK_NEAR(0.25f * 0.2350037f, s.chain[1], 1e-7);
    int above = 0;
    for (int probe10 = -40; probe10 <= 40; probe10 += 5) {
        s.probe = (float)probe10 / 10.0f;
        actscene_update_probe(&s);
        for (int j = 0; j < ACTLAB_MAX_K; j++)
            above += s.chain[j] > s.bound[j] * (1.0f + 1e-6f);
    }
    CHECK_INT_EQ(0, above);
    CHECK_NEAR(10.0f, s.ks[9], 0.0);
}

/* The stack follows the selected function: its own bound (max f')^k and its own chain from
 * the probe; the sigmoid's 0.25^k stays beside it as the reference. */
static void test_vanishing_follows_kind(void)
{
    CHECK_NEAR(0.25f, actscene_max_deriv(ACT_SIGMOID, 0.0f), 0.0);
    CHECK_NEAR(1.0f, actscene_max_deriv(ACT_TANH, 0.0f), 0.0);
    CHECK_NEAR(1.0f, actscene_max_deriv(ACT_RELU, 0.0f), 0.0);
    CHECK_NEAR(1.0f, actscene_max_deriv(ACT_LEAKY, 0.1f), 0.0);
    CHECK_NEAR(1.0f, actscene_max_deriv(ACT_ABS, 0.0f), 0.0);
    CHECK_NEAR(1.0f, actscene_max_deriv(ACT_SOFTPLUS, 2.0f), 0.0);

    ActScene s;
    actscene_init(&s);
    s.probe = 1.95f;
    actscene_rebuild(&s);
    /* the tester's numbers: sigmoid'(1.95) = s(1 - s) with s = 1/(1 + e^-1.95) = 0.87545 */
    double sg = 1.0 / (1.0 + exp(-1.95));
    CHECK_NEAR(sg * (1.0 - sg), s.chain[0], 1e-6);
    CHECK_NEAR(0.109f, s.chain[0], 5e-4);

    /* tanh: tanh'(1.95) = 1 - tanh^2(1.95) = 0.07779, then at tanh(1.95) = 0.96032 */
    s.kind = ACT_TANH;
    actscene_rebuild(&s);
    double t0 = tanh(1.95), d0 = 1.0 - t0 * t0, t1 = tanh(t0), d1 = 1.0 - t1 * t1;
    CHECK_NEAR(d0, s.chain[0], 1e-6);
    CHECK_NEAR(0.07779f, s.chain[0], 1e-5);
    CHECK_NEAR(d0 * d1, s.chain[1], 1e-6);
    CHECK_NEAR(1.0f, s.max_deriv, 0.0);
    for (int j = 0; j < ACTLAB_MAX_K; j++) {
        CHECK_NEAR(1.0f, s.bound[j], 0.0);
        CHECK_NEAR(powf(0.25f, (float)(j + 1)), s.sig_bound[j], 0.0);
    }

    /* relu: slope 1 keeps a positive input's gradient whole, slope 0 kills a negative one */
    s.kind = ACT_RELU;
    actscene_rebuild(&s);
    CHECK_NEAR(1.0f, s.chain[9], 0.0);
    s.probe = -0.5f;
    actscene_update_probe(&s);
    CHECK_NEAR(0.0f, s.chain[0], 0.0);

    /* leaky at x = -1: each layer multiplies by alpha and the input stays negative */
    s.kind = ACT_LEAKY;
    s.alpha = 0.1f;
    s.probe = -1.0f;
    actscene_rebuild(&s);
    CHECK_NEAR(0.1f, s.chain[0], 1e-7);
    CHECK_NEAR(1e-3f, s.chain[2], 1e-9);

    /* no function's chain ever beats its own bound */
    int above = 0;
    for (int k = 0; k < ACTLAB_KINDS; k++) {
        s.kind = (ActKind)k;
        for (int probe10 = -40; probe10 <= 40; probe10 += 5) {
            s.probe = (float)probe10 / 10.0f;
            actscene_rebuild(&s);
            for (int j = 0; j < ACTLAB_MAX_K; j++)
                above += s.chain[j] > s.bound[j] * (1.0f + 1e-6f);
        }
    }
    CHECK_INT_EQ(0, above);
}

static void test_feature_map(void)
{
    ActScene s;
    actscene_init(&s);
    float digit[ACTLAB_MAP * ACTLAB_MAP];
    /* a vertical bar at columns 12..15 */
    for (int r = 0; r < ACTLAB_MAP; r++)
        for (int c = 0; c < ACTLAB_MAP; c++)
            digit[r * ACTLAB_MAP + c] = (r >= 4 && r < 24 && c >= 12 && c < 16) ? 1.0f : 0.0f;
    actscene_set_digit(&s, digit, 1, 5);
    s.kind = ACT_RELU;
    actscene_rebuild(&s);
    /* Sobel x [1 0 -1; 2 0 -2; 1 0 -1] on the bar's left edge: column 11 sees 0 on its left
     * and 1 on its right: z = -(1 + 2 + 1) = -4; the right edge column 16 gives +4 */
    CHECK_NEAR(-4.0f, s.z[10 * ACTLAB_MAP + 11], 1e-6);
    CHECK_NEAR(4.0f, s.z[10 * ACTLAB_MAP + 16], 1e-6);
    CHECK_NEAR(0.0f, s.fz[10 * ACTLAB_MAP + 11], 0.0);
    CHECK_NEAR(4.0f, s.fz[10 * ACTLAB_MAP + 16], 0.0);
    CHECK_NEAR(0.0f, s.dz[10 * ACTLAB_MAP + 11], 0.0);
    CHECK_NEAR(1.0f, s.dz[10 * ACTLAB_MAP + 16], 0.0);
    CHECK_NEAR(-4.0f, s.z_min, 1e-6);
    CHECK_NEAR(4.0f, s.z_max, 1e-6);
    CHECK(s.z_negative > 0);
    /* against the engine directly */
    ConvGeom g = {.n = 1,
                  .c = 1,
                  .h = 28,
                  .w = 28,
                  .o = 1,
                  .kh = 3,
                  .kw = 3,
                  .sh = 1,
                  .sw = 1,
                  .pt = 1,
                  .pb = 1,
                  .pl = 1,
                  .pr = 1,
                  .dh = 1,
                  .dw = 1};
    CHECK(conv_geom_finish(&g));
    float z[28 * 28], f[28 * 28];
    conv_forward(z, digit, s.kernel, NULL, &g);
    CHECK_TENSOR_NEAR(z, s.z, 28 * 28, 0.0, 0.0);
    s.kind = ACT_TANH;
    actscene_rebuild(&s);
    act_forward(f, z, 28 * 28, ACT_TANH, 0.0f);
    CHECK_TENSOR_NEAR(f, s.fz, 28 * 28, 0.0, 0.0);
}

static void test_names_and_steps(void)
{
    ActKind k;
    CHECK(actscene_kind_find("softplus", &k) && k == ACT_SOFTPLUS);
    CHECK(actscene_kind_find("Leaky", &k) && k == ACT_LEAKY);
    CHECK(!actscene_kind_find("gelu", &k));
    CHECK_STR_EQ("abs", actscene_kind_name(ACT_ABS));
    CHECK_NEAR(-4.0f, actscene_probe_at(0), 0.0);
    CHECK_NEAR(0.0f, actscene_probe_at(40), 1e-6);
    CHECK_NEAR(1.5f, actscene_probe_at(55), 1e-6);
    CHECK_INT_EQ(55, actscene_step_of(1.5f));
    CHECK_INT_EQ(80, actscene_step_of(7.0f));
    float lo, hi;
    actscene_y_range(ACT_SIGMOID, &lo, &hi);
    CHECK(lo < 0.0f && hi > 1.0f);
}

/* ---- the lab in the app frame ------------------------------------------------------------ */

static void frame(Harness *h, bool headless)
{
    harness_frame(h, headless, 0.0);
}

/* The x of the column holding the most pixels of rgb in rc (their count in *n): a vertical
 * line, even where marks sit on it. */
static int fullest_column(const Harness *h, Rect rc, uint32_t rgb, int *n)
{
    int best = 0, bx = -1;
    for (int x = rc.x; x < rc.x + rc.w; x++) {
        int k = 0;
        for (int y = rc.y; y < rc.y + rc.h; y++)
            k += harness_pixel(h, x, y) == rgb;
        if (k > best) {
            best = k;
            bx = x;
        }
    }
    *n = best;
    return bx;
}

#define R_OF(p) ((int)((p) >> 16 & 0xff))
#define G_OF(p) ((int)((p) >> 8 & 0xff))
#define B_OF(p) ((int)((p)&0xff))

/* Finds a legend bar by one pixel row: a run of at least min_len pixels that are all gray
 * (r = g = b) with non-decreasing brightness (the digit's 0..1 legend), or that goes from
 * blue through near-white to orange (a diverging legend). Returns whether one was found and
 * its first and last pixels. */
static bool find_ramp(const Harness *h, Rect rc, bool diverging, int min_len, uint32_t *first,
                      uint32_t *last)
{
    for (int y = rc.y; y < rc.y + rc.h; y++) {
        int start = -1;
        for (int x = rc.x; x <= rc.x + rc.w; x++) {
            bool ok = x < rc.x + rc.w;
            if (ok) {
                uint32_t p = harness_pixel(h, x, y);
                if (!diverging) {
                    ok = R_OF(p) == G_OF(p) && G_OF(p) == B_OF(p);
                    if (ok && start >= 0 && x > start)
                        ok = R_OF(p) >= R_OF(harness_pixel(h, x - 1, y));
                } else {
                    /* left half blue-leaning (b >= r), right half orange-leaning */
                    ok = R_OF(p) > 50 && B_OF(p) > 40;
                }
            }
            if (ok && start < 0)
                start = x;
            if (!ok && start >= 0) {
                int len = x - start;
                uint32_t a = harness_pixel(h, start, y), b = harness_pixel(h, x - 1, y);
                uint32_t mid = harness_pixel(h, start + len / 2, y);
                bool shape = !diverging ? (R_OF(a) <= 40 && R_OF(b) >= 215)
                                        : (B_OF(a) > R_OF(a) + 60 && R_OF(b) > B_OF(b) + 60 &&
                                           R_OF(mid) > 215 && G_OF(mid) > 215 && B_OF(mid) > 215);
                if (len >= min_len && shape) {
                    *first = a;
                    *last = b;
                    return true;
                }
                start = -1;
            }
        }
    }
    return false;
}

static void *open_act(Harness *h, const LabDef **lab)
{
    int idx = -1;
    *lab = lab_find("activations", &idx);
    CHECK(*lab != NULL && lab_is_built(*lab));
    CHECK(app_open_lab(h->app, idx));
    return app_lab_state(h->app);
}

/* The default scene as the lab builds it: test digit #0 under Sobel x, sigmoid. */
static bool default_scene(ActScene *s)
{
    char dir[1024], err[512] = "";
    assets_path(dir, sizeof dir, "assets/digits");
    Dataset ds;
    if (!dataset_load(&ds, dir, DATASET_TEST, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return false;
    }
    float px[ACTLAB_MAP * ACTLAB_MAP], w[9];
    dataset_image(&ds, 0, px);
    actscene_init(s);
    actscene_set_digit(s, px, ds.labels[0], 0);
    int kh = 3, kw = 3;
    kernels_preset_fill(KERNELS_SOBEL_X, 3, 3, w, &kh, &kw);
    actscene_set_kernel(s, w, "Sobel x");
    actscene_rebuild(s);
    dataset_free(&ds);
    return true;
}

static void test_frame_default(void)
{
    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    const LabDef *lab = NULL;
    void *st = open_act(&h, &lab);
    ActScene *sc = malloc(sizeof *sc);
    if (!st || !sc || !default_scene(sc)) {
        CHECK(false);
        free(sc);
        harness_close(&h);
        return;
    }
    AppLayout L = app_layout(1280, 800, 1.0f, 1.0f, true);
    frame(&h, true);
    /* the probe: an amber vertical line through the function plot, in the left 70 % of the
     * stage (the stack's plot on the right has its own line at k), near the middle at x = 0 */
    Rect left = {L.stage.x, L.stage.y, L.stage.w * 68 / 100, L.stage.h};
    int len0 = 0;
    int x0 = fullest_column(&h, left, 0xffb000, &len0);
    CHECK(len0 >= 150);
    CHECK(x0 > left.x + left.w / 4 && x0 < left.x + left.w * 3 / 4);
    /* both curves in their colours */
    CHECK(harness_count_color(&h, L.stage, 0x6fa8ff) > 300);
    CHECK(harness_count_color(&h, L.stage, 0xf08a4b) > 300);
    /* the digit's image: every 0 pixel of the digit is black, drawn as a block of pixels */
    int zeros = 0;
    for (int i = 0; i < ACTLAB_MAP * ACTLAB_MAP; i++)
        zeros += sc->digit[i] == 0.0f;
    CHECK(zeros > 400);
    CHECK(harness_count_color(&h, L.stage, 0x000000) >= 9 * zeros);
    /* z's image: its zero cells in the diverging map's colour for 0 */
    ColorScale zs = colorscale_make(COLORMAP_DIVERGING, -4.0f, 4.0f);
    Color c0 = colorscale_color(&zs, 0.0f);
    int zz = 0;
    for (int i = 0; i < ACTLAB_MAP * ACTLAB_MAP; i++)
        zz += sc->z[i] == 0.0f;
    CHECK(zz > 300);
    CHECK(harness_count_color(&h, L.stage, (uint32_t)c0.r << 16 | (uint32_t)c0.g << 8 | c0.b) >=
          9 * zz);
    /* legends: the digit's from black to white, z's from blue through white to orange */
    uint32_t a = 0, b = 0;
    CHECK(find_ramp(&h, L.stage, false, 60, &a, &b));
    CHECK(R_OF(a) <= 10 && R_OF(b) >= 245);
    CHECK(find_ramp(&h, L.stage, true, 60, &a, &b));

    /* the probe moves: x = 2 is a quarter of the plot's width right of x = 0 */
    char err[256] = "";
    CHECK(lab->set_option(st, "probe", "2", err, sizeof err));
    frame(&h, true);
    int len2 = 0;
    int x2 = fullest_column(&h, left, 0xffb000, &len2);
    CHECK(len2 >= 150);
    CHECK(x2 - x0 > 100);
    free(sc);
    harness_close(&h);
}

static void test_frame_hover_map(void)
{
    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    const LabDef *lab = NULL;
    void *st = open_act(&h, &lab);
    ActScene *sc = malloc(sizeof *sc);
    if (!st || !sc || !default_scene(sc)) {
        CHECK(false);
        free(sc);
        harness_close(&h);
        return;
    }
    AppLayout L = app_layout(1280, 800, 1.0f, 1.0f, true);
    /* down the lower half of the stage until the mouse is on a map */
    int found = 0;
    for (int y = L.stage.y + L.stage.h / 2; y < L.stage.y + L.stage.h && !found; y += 7)
        for (int x = L.stage.x; x < L.stage.x + L.stage.w / 3 && !found; x += 7) {
            h.in.mx = x;
            h.in.my = y;
            frame(&h, false);
            int r = -1, c = -1;
            if (sscanf(h.app->ui.tooltip, "row %d, col %d", &r, &c) == 2 && r >= 4 && r < 24 &&
                c >= 4 && c < 24) {
                found = 1;
                /* the tooltip's z is the cell's conv value (4 decimals, U+2212 minus) */
                char want[64], num[48];
                snprintf(num, sizeof num, "%.4f", (double)sc->z[r * ACTLAB_MAP + c]);
                if (strcmp(num, "-0.0000") == 0)
                    snprintf(num, sizeof num, "0.0000");
                snprintf(want, sizeof want, "z = %s%s", num[0] == '-' ? "−" : "",
                         num[0] == '-' ? num + 1 : num);
                CHECK_CONTAINS(h.app->ui.tooltip, want);
                /* the cell is outlined in cyan on all four maps */
                CHECK(harness_count_color(&h, L.stage, 0x4cc9f0) >= 4 * 4 * 5);
            }
        }
    CHECK(found);
    free(sc);
    harness_close(&h);
}

/* The H overlay: the lab's rows after the global keys, every letter they name taken by the
 * lab's key callback, and the overlay drawn at 800x600 (amber key column). */
static void test_help(void)
{
    Harness h;
    CHECK(harness_open(&h, 800, 600));
    const LabDef *lab = NULL;
    void *st = open_act(&h, &lab);
    CHECK(st != NULL);
    if (st) {
        CHECK_INT_EQ(8, lab_help_check(h.app, lab, st));
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

/* The stack plot at 800x600, 1280x800 and 1920x1080 x2, sigmoid (y up to 1) and ReLU (up to
 * 10): the y ticks (texts left of the data area) include the axis' bottom 10⁻⁸ and its top, the
 * x ticks (under the area) the first and last layer 1 and 10; no two tick labels share a pixel
 * and none lies on the data area. */
static void test_stack_ticks(void)
{
    static const struct {
        int w, h;
        float scale;
    } sizes[] = {{800, 600, 1.0f}, {1280, 800, 1.0f}, {1920, 1080, 2.0f}};
    static const char *const fns[2] = {"sigmoid", "relu"}, *const tops[2] = {"1", "10"};
    TextsSeen *ts = malloc(sizeof *ts);
    CHECK(ts != NULL);
    for (int z = 0; z < 3 && ts; z++) {
        Harness h;
        CHECK(harness_open_scaled(&h, sizes[z].w, sizes[z].h, sizes[z].scale));
        const LabDef *lab = NULL;
        ActLab *L = open_act(&h, &lab);
        for (int f = 0; f < 2 && L; f++) {
            char err[256] = "";
            CHECK(lab->set_option(L, "function", fns[f], err, sizeof err));
            frame(&h, true);
            text_seen_frame(&h, ts);
            Rect a = L->van_area, b = L->van_bounds;
            const SeenText *tick[2 * PLOT_MAX_TICKS];
            int n = 0, ny = 0, nx = 0;
            bool bottom = false, top = false, first = false, last = false;
            for (int i = 0; i < ts->n && n < 2 * PLOT_MAX_TICKS; i++) {
                Rect rc = ts->t[i].rc;
                int cy = rc.y + rc.h / 2;
                if (!rects_meet(rc, b))
                    continue;
                bool y_tick = rc.x + rc.w <= a.x && cy >= a.y - rc.h && cy <= a.y + a.h + rc.h;
                bool x_tick = rc.y >= a.y + a.h && rc.y < a.y + a.h + 2 * rc.h &&
                              strcmp(ts->t[i].s, "k (layers)") != 0;
                if (!y_tick && !x_tick)
                    continue;
                tick[n++] = &ts->t[i];
                ny += y_tick;
                nx += x_tick;
                bottom = bottom ||
                         (y_tick && strcmp(ts->t[i].s, "10⁻⁸") == 0 && abs(cy - (a.y + a.h)) <= 2);
                top = top || (y_tick && strcmp(ts->t[i].s, tops[f]) == 0 && abs(cy - a.y) <= 2);
                first = first || (x_tick && strcmp(ts->t[i].s, "1") == 0);
                last = last || (x_tick && strcmp(ts->t[i].s, "10") == 0);
            }
            if (!(bottom && top && first && last))
                fprintf(stderr, "%s %dx%d: y ends %d %d, x ends %d %d\n", fns[f], sizes[z].w,
                        sizes[z].h, bottom, top, first, last);
            CHECK(bottom && top && first && last);
            CHECK(ny >= 3 && nx >= 2);
            int overlaps = 0, on_data = 0;
            for (int i = 0; i < n; i++) {
                on_data += rects_meet(tick[i]->rc, a);
                for (int j = i + 1; j < n; j++)
                    overlaps += rects_meet(tick[i]->rc, tick[j]->rc);
            }
            CHECK_INT_EQ(0, overlaps);
            CHECK_INT_EQ(0, on_data);
        }
        harness_close(&h);
    }
    free(ts);
}

int main(void)
{
    test_samples_equal_engine();
    test_probe_values();
    test_vanishing();
    test_vanishing_follows_kind();
    test_feature_map();
    test_names_and_steps();
    if (SDL_Init(0) != 0)
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
    test_frame_default();
    test_frame_hover_map();
    test_help();
    test_stack_ticks();
    SDL_Quit();
    return test_summary();
}
