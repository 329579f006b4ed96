/* test_layout.c - the classroom layout rules of issue 10, measured in the headless app frame:
 * the Channels lab's padded inputs drawn with cells at least as large as its weights' (and the
 * values in both at 800x600); a tooltip beside its anchor, inside the window, for anchors at
 * every edge; the Train lab's texts inside the window and the Convolution kernel's values at
 * 800x600; the help overlay's lines inside the window at 800x600 for every lab. */
#include "app/app.h"
#include "labs/app_harness.h"
#include "labs/channels/view_int.h"
#include "labs/conv/view_int.h"
#include "labs/lab.h"
#include "labs/text_seen.h"
#include "test.h"
#include "ui/ui.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    int w, h;
    float scale;
} sizes[] = {{800, 600, 1.0f}, {1280, 800, 1.0f}, {1920, 1080, 1.0f}, {1920, 1080, 2.0f}};
#define N_SIZES ((int)(sizeof sizes / sizeof sizes[0]))

static void *open_lab(Harness *h, const char *name, const LabDef **lab)
{
    int idx = -1;
    *lab = lab_find(name, &idx);
    CHECK(*lab != NULL && lab_is_built(*lab));
    CHECK(app_open_lab(h->app, idx));
    return app_lab_state(h->app);
}

static bool opt(const LabDef *lab, void *st, const char *key, const char *value)
{
    char err[512] = "";
    bool ok = lab->set_option(st, key, value, err, sizeof err);
    if (!ok)
        fprintf(stderr, "option %s %s: %s\n", key, value, err);
    return ok;
}

/* Channels: at every size the padded inputs' cells are at least the weights' cells (the 5x5
 * planes with padding 1 are 7 cells a side, the weights 3), all drawn inside the window; at
 * 800x600 both show their values (the padding's zeros too: they are drawn at the same size). */
static void test_channels_cells(void)
{
    for (int z = 0; z < N_SIZES; z++) {
        Harness h;
        CHECK(harness_open_scaled(&h, sizes[z].w, sizes[z].h, sizes[z].scale));
        const LabDef *lab = NULL;
        ChanLab *L = open_lab(&h, "channels", &lab);
        if (!L) {
            harness_close(&h);
            continue;
        }
        CHECK(opt(lab, L, "pad", "1"));
        harness_frame(&h, true, 0.0);
        int worst = 1 << 30, x_cell = 0, w_cell = 0;
        for (int c = 0; c < CHANLAB_C; c++) {
            GridLayout lx = L->drawn_x[c];
            CHECK_INT_EQ(CHANLAB_N + 2, lx.total_cols);
            CHECK(rect_in_window(lx.cells, sizes[z].w, sizes[z].h));
            for (int o = 0; o < CHANLAB_O; o++) {
                GridLayout lw = L->drawn_w[o][c];
                CHECK(rect_in_window(lw.cells, sizes[z].w, sizes[z].h));
                if (lx.cell - lw.cell < worst) {
                    worst = lx.cell - lw.cell;
                    x_cell = lx.cell;
                    w_cell = lw.cell;
                }
                /* no input plane overlaps a weight plane */
                CHECK(!rects_meet(lx.cells, lw.cells));
            }
        }
        if (worst < 0)
            fprintf(stderr, "channels %dx%d x%.0f: input cell %d < weight cell %d\n", sizes[z].w,
                    sizes[z].h, sizes[z].scale, x_cell, w_cell);
        CHECK(worst >= 0);
        if (z == 0) {
            CHECK(L->drawn_x[0].cell >= 16);
            CHECK(L->drawn_x[0].value_size > 0);
            CHECK(L->drawn_w[0][0].value_size > 0);
        }
        harness_close(&h);
    }
}

/* ui_tooltip_place: anchors at the corners, along every edge and in the middle of an 800x600
 * window, small and as bands across the window, for a small and a large tooltip: the tooltip
 * inside the window, never on its anchor, on the side asked for first when it has room. */
static void test_tooltip_place(void)
{
    Rect win = {0, 0, 800, 600};
    int gap = 6;
    static const int tips[3][2] = {{160, 40}, {320, 130}, {360, 250}};
    int xs[5] = {0, 30, 380, 730, 760}, ys[5] = {0, 30, 280, 530, 560};
    int bad_inside = 0, bad_meet = 0, cases = 0;
    for (int t = 0; t < 3; t++)
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++) {
                Rect anchors[3] = {{xs[i], ys[j], 40, 40},
                                   {0, ys[j], 800, 40},  /* a band across */
                                   {xs[i], 0, 40, 600}}; /* a band down */
                for (int a = 0; a < 3; a++) {
                    Rect b = ui_tooltip_place(tips[t][0], tips[t][1], anchors[a], win, gap);
                    cases++;
                    CHECK_INT_EQ(tips[t][0], b.w);
                    CHECK_INT_EQ(tips[t][1], b.h);
                    bad_inside += !rect_in_window(b, 800, 600);
                    bad_meet += rects_meet(b, anchors[a]);
                    if (rects_meet(b, anchors[a]))
                        fprintf(stderr, "tip %dx%d on anchor %d,%d %dx%d at %d,%d\n", b.w, b.h,
                                anchors[a].x, anchors[a].y, anchors[a].w, anchors[a].h, b.x, b.y);
                }
            }
    CHECK_INT_EQ(3 * 5 * 5 * 3, cases);
    CHECK_INT_EQ(0, bad_inside);
    CHECK_INT_EQ(0, bad_meet);
    /* the order: below when there is room, above at the bottom edge, right of a band down the
     * left edge, left of a band down the right edge */
    Rect b = ui_tooltip_place(160, 40, (Rect){100, 100, 40, 40}, win, gap);
    CHECK_INT_EQ(100, b.x);
    CHECK_INT_EQ(146, b.y);
    b = ui_tooltip_place(160, 40, (Rect){100, 540, 40, 40}, win, gap);
    CHECK_INT_EQ(540 - 6 - 40, b.y);
    b = ui_tooltip_place(160, 40, (Rect){0, 0, 40, 600}, win, gap);
    CHECK_INT_EQ(46, b.x);
    b = ui_tooltip_place(160, 40, (Rect){760, 0, 40, 600}, win, gap);
    CHECK_INT_EQ(760 - 6 - 160, b.x);
    /* near the right edge the tooltip slides left to stay inside, still below */
    b = ui_tooltip_place(160, 40, (Rect){780, 100, 10, 10}, win, gap);
    CHECK_INT_EQ(640, b.x);
    CHECK_INT_EQ(116, b.y);
}

/* The Convolution lab's hover tooltip, for output cells at the four corners of the output, the
 * input's corners and every kernel cell, at 800x600 and 1280x800: drawn inside the window and
 * never over the kernel it explains. */
static void test_conv_tooltip(void)
{
    for (int z = 0; z < 2; z++) {
        int W = sizes[z].w, H = sizes[z].h;
        Harness h;
        CHECK(harness_open_scaled(&h, W, H, sizes[z].scale));
        const LabDef *lab = NULL;
        ConvLab *L = open_lab(&h, "convolution", &lab);
        if (!L) {
            harness_close(&h);
            continue;
        }
        harness_frame(&h, true, 0.0);
        int oh = L->sc.sweep.g.oh, ow = L->sc.sweep.g.ow;
        int ih = L->sc.h, iw = L->sc.w;
        CHECK(oh >= 2 && ow >= 2);
        char hovers[16][32];
        int n = 0;
        snprintf(hovers[n++], 32, "out:0,0");
        snprintf(hovers[n++], 32, "out:0,%d", ow - 1);
        snprintf(hovers[n++], 32, "out:%d,0", oh - 1);
        snprintf(hovers[n++], 32, "out:%d,%d", oh - 1, ow - 1);
        snprintf(hovers[n++], 32, "in:0,0");
        snprintf(hovers[n++], 32, "in:%d,%d", ih - 1, iw - 1);
        for (int k = 0; k < 9; k++)
            snprintf(hovers[n++], 32, "kernel:%d,%d", k / 3, k % 3);
        for (int i = 0; i < n; i++) {
            CHECK(opt(lab, L, "hover", hovers[i]));
            harness_frame(&h, false, 0.0);
            Rect box = h.app->ui.tooltip_box;
            CHECK(h.app->ui.tooltip[0] != '\0');
            bool inside = rect_in_window(box, W, H), over = rects_meet(box, L->drawn_kernel);
            if (!inside || over)
                fprintf(stderr, "conv %dx%d hover %s: tip %d,%d %dx%d, kernel %d,%d %dx%d\n", W, H,
                        hovers[i], box.x, box.y, box.w, box.h, L->drawn_kernel.x, L->drawn_kernel.y,
                        L->drawn_kernel.w, L->drawn_kernel.h);
            CHECK(inside);
            CHECK(!over);
            /* LAYOUT_SHOTS=dir: the frames as BMPs, to look at */
            const char *dir = getenv("LAYOUT_SHOTS");
            if (dir && (i == 0 || i == 3 || i == 8)) {
                char path[512];
                snprintf(path, sizeof path, "%s/conv_tip_%dx%d_%d.bmp", dir, W, H, i);
                SDL_SaveBMP(h.s, path);
            }
        }
        harness_close(&h);
    }
}

/* Whether the text t is fully shown: inside the window and its clip, and not shortened. */
static bool text_whole(const SeenText *t, int w, int h)
{
    Rect vis = rect_intersect(t->rc, t->clip);
    return rect_in_window(t->rc, w, h) && !t->shortened && vis.w == t->rc.w && vis.h == t->rc.h;
}

/* The Train lab at 800x600 and 1280x800, untrained and after 150 steps: every text whole (in
 * the window, not cut by its clip, not shortened), and the test score written in full, "test"
 * with its percentage, once there is one. */
static void test_train_texts(void)
{
    TextsSeen *ts = malloc(sizeof *ts);
    CHECK(ts != NULL);
    for (int z = 0; z < 2 && ts; z++) {
        int W = sizes[z].w, H = sizes[z].h;
        Harness h;
        CHECK(harness_open_scaled(&h, W, H, sizes[z].scale));
        const LabDef *lab = NULL;
        void *st = open_lab(&h, "train", &lab);
        for (int k = 0; k < 2 && st; k++) {
            if (k == 1)
                CHECK(opt(lab, st, "steps", "150"));
            harness_frame(&h, true, 0.0);
            text_seen_frame(&h, ts);
            int cut = 0, score = 0;
            for (int i = 0; i < ts->n; i++) {
                const SeenText *t = &ts->t[i];
                if (!text_whole(t, W, H)) {
                    fprintf(stderr,
                            "train %dx%d step %d: '%s' cut (%d,%d %dx%d%s) clip %d,%d %dx%d\n", W,
                            H, k ? 150 : 0, t->s, t->rc.x, t->rc.y, t->rc.w, t->rc.h,
                            t->shortened ? ", shortened" : "", t->clip.x, t->clip.y, t->clip.w,
                            t->clip.h);
                    cut++;
                }
                score += strstr(t->s, "test") && strstr(t->s, "%");
            }
            CHECK_INT_EQ(0, cut);
            if (k == 1)
                CHECK(score >= 1);
        }
        harness_close(&h);
    }
    free(ts);
}

/* The Convolution lab's kernel (Box 1/n, 0.111 in each cell) at 800x600, 1280x800 and
 * 1920x1080 x2: cells of at least 28 px at scale 1 and its nine values written in them. */
static void test_conv_kernel_values(void)
{
    TextsSeen *ts = malloc(sizeof *ts);
    CHECK(ts != NULL);
    for (int z = 0; z < N_SIZES && ts; z++) {
        int W = sizes[z].w, H = sizes[z].h;
        Harness h;
        CHECK(harness_open_scaled(&h, W, H, sizes[z].scale));
        const LabDef *lab = NULL;
        ConvLab *L = open_lab(&h, "convolution", &lab);
        if (L) {
            CHECK(opt(lab, L, "preset", "box"));
            harness_frame(&h, true, 0.0);
            text_seen_frame(&h, ts);
            Rect k = L->drawn_kernel;
            int in_kernel = 0;
            for (int i = 0; i < ts->n; i++)
                in_kernel += strcmp(ts->t[i].s, "0.111") == 0 && rects_meet(ts->t[i].rc, k) &&
                             text_whole(&ts->t[i], W, H);
            if (in_kernel != 9 || k.w < 3 * 28 * (int)sizes[z].scale)
                fprintf(stderr, "conv %dx%d x%.0f: kernel %dx%d px, %d values in it\n", W, H,
                        sizes[z].scale, k.w, k.h, in_kernel);
            CHECK(k.w >= 3 * 28 * (int)sizes[z].scale);
            CHECK_INT_EQ(9, in_kernel);
        }
        harness_close(&h);
    }
    free(ts);
}

/* The help overlay (H, F1, ?) over every lab and over home, at 800x600, 1280x800 and
 * 1920x1080 x1 and x2: every line of it whole (inside the window, not clipped, not shortened),
 * and its key column there (the amber keys drawn). */
static void test_help_fits(void)
{
    TextsSeen *ts = malloc(sizeof *ts);
    CHECK(ts != NULL);
    for (int z = 0; z < N_SIZES && ts; z++) {
        int W = sizes[z].w, H = sizes[z].h;
        Harness h;
        CHECK(harness_open_scaled(&h, W, H, sizes[z].scale));
        for (int i = -1; i < LAB_COUNT; i++) {
            if (i >= 0)
                CHECK(app_open_lab(h.app, i));
            else
                app_go_home(h.app);
            /* the same frame without the overlay: the overlay's texts are the ones after */
            h.app->help_open = false;
            harness_frame(&h, true, 0.0);
            text_seen_frame(&h, ts);
            int under = ts->n;
            h.app->help_open = true;
            harness_frame(&h, true, 0.0);
            text_seen_frame(&h, ts);
            CHECK(ts->n > under + 20);
            int cut = 0, keys = 0;
            for (int j = under; j < ts->n; j++) {
                const SeenText *t = &ts->t[j];
                keys += strcmp(t->s, "Esc") == 0;
                /* a wrapped description cut to its lines ends in "…" with no line under it
                 * (a line ending in the text's own "…", as in "(1.0 …", goes on below) */
                size_t len = strlen(t->s);
                const SeenText *next = j + 1 < ts->n ? &ts->t[j + 1] : NULL;
                bool goes_on = next && next->rc.x == t->rc.x && next->rc.y > t->rc.y &&
                               next->rc.y <= t->rc.y + 2 * t->rc.h;
                bool ellipsis = len >= 3 && strcmp(t->s + len - 3, "\xE2\x80\xA6") == 0 && !goes_on;
                if (!text_whole(t, W, H) || ellipsis) {
                    if (cut < 3)
                        fprintf(stderr, "help over %s %dx%d x%.0f: '%s' cut (%d,%d %dx%d)\n",
                                i >= 0 ? lab_get(i)->title : "home", W, H, sizes[z].scale, t->s,
                                t->rc.x, t->rc.y, t->rc.w, t->rc.h);
                    cut++;
                }
            }
            CHECK_INT_EQ(0, cut);
            CHECK_INT_EQ(1, keys);
            h.app->help_open = false;
        }
        harness_close(&h);
    }
    /* too small a window for every row: the overlay says so, in a line of its own */
    Harness h;
    CHECK(harness_open(&h, 480, 360));
    int idx = -1;
    CHECK(lab_find("network", &idx) != NULL);
    CHECK(app_open_lab(h.app, idx));
    h.app->help_open = true;
    harness_frame(&h, true, 0.0);
    text_seen_frame(&h, ts);
    int said = 0;
    for (int j = 0; j < ts->n; j++)
        said += strncmp(ts->t[j].s, "more \xE2\x86\x93", 7) == 0 && text_whole(&ts->t[j], 480, 360);
    for (int j = 0; j < ts->n && !said; j++)
        if (strncmp(ts->t[j].s, "more", 4) == 0)
            fprintf(stderr, "hint '%s' at %d,%d %dx%d clip %d,%d %dx%d%s\n", ts->t[j].s,
                    ts->t[j].rc.x, ts->t[j].rc.y, ts->t[j].rc.w, ts->t[j].rc.h, ts->t[j].clip.x,
                    ts->t[j].clip.y, ts->t[j].clip.w, ts->t[j].clip.h,
                    ts->t[j].shortened ? " shortened" : "");
    CHECK_INT_EQ(1, said);
    harness_close(&h);
    free(ts);
}

int main(void)
{
    if (SDL_Init(0) != 0)
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
    test_channels_cells();
    test_tooltip_place();
    test_conv_tooltip();
    test_train_texts();
    test_conv_kernel_values();
    test_help_fits();
    SDL_Quit();
    return test_summary();
}
