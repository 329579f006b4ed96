/* test_lab_conv.c - the Convolution, Pooling and Channels labs inside the real app frame,
 * drawn headless on the software renderer: options and their errors, step counts equal to the
 * engine's output sizes for sampled settings the controls allow, impossible settings
 * explained (error-coloured panel, never a crash), the amber window and cyan hover by their
 * pixels, and the frame time of each lab. */
#include "app/app.h"
#include "labs/common/labkit.h"
#include "app/lesson_host.h"
#include "engine/conv.h"
#include "viz/grid.h"
#include "engine/kernels.h"
#include "test.h"
#include "labs/app_harness.h"

#include "labs/lab_help_check.h"

#include <SDL.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void frame(Harness *h)
{
    harness_frame(h, true, 0.0);
}

/* Pixels of exactly colour rgb inside rc. */
static const LabDef *open_lab(Harness *h, const char *name, void **st)
{
    int idx = -1;
    const LabDef *lab = lab_find(name, &idx);
    CHECK(lab != NULL && lab_is_built(lab));
    CHECK(app_open_lab(h->app, idx));
    *st = app_lab_state(h->app);
    CHECK(*st != NULL);
    return lab;
}

static bool opt(const LabDef *lab, void *st, const char *key, const char *value)
{
    char err[512] = "";
    bool ok = lab->set_option(st, key, value, err, sizeof err);
    if (!ok)
        CHECK(strstr(err, key) != NULL || strstr(err, value) != NULL);
    return ok;
}

static void test_conv(Harness *h)
{
    void *st;
    const LabDef *lab = open_lab(h, "convolution", &st);
    Timeline *tl = lab->timeline(st);
    /* the default: the notes' 10x10 image of 90s and the box filter, 8x8 windows */
    CHECK_INT_EQ(64, tl->count);
    CHECK_INT_EQ(12, tl->pos);
    frame(h);
    Rect stage = h->app->lay.stage;
    CHECK(harness_count_color(h, stage, 0xffb000) > 300); /* the amber window, kernel and cell */
    CHECK(harness_count_color(h, stage, 0x4cc9f0) == 0);  /* no hover in a headless frame */
    CHECK(harness_count_color(h, stage, 0xff5d5d) == 0);
    /* a forced hover: an input cell and every output it feeds in cyan */
    CHECK(opt(lab, st, "hover", "in:4,4"));
    frame(h);
    CHECK(harness_count_color(h, stage, 0x4cc9f0) > 9 * 40);
    CHECK(opt(lab, st, "hover", "none"));
    /* dilated: the hovered receptive field is its nine taps outlined (2 px around 48 px cells),
     * not the 5x5 box around them (about 2,300 px of cyan with the output cell) */
    CHECK(opt(lab, st, "dilation", "2"));
    CHECK(opt(lab, st, "hover", "out:1,1"));
    frame(h);
    CHECK(harness_count_color(h, stage, 0x4cc9f0) > 9 * 4 * 40 * 2);
    CHECK(opt(lab, st, "hover", "none"));
    CHECK(opt(lab, st, "dilation", "1"));

    CHECK(opt(lab, st, "k", "5"));
    CHECK_INT_EQ(36, lab->timeline(st)->count);
    CHECK(opt(lab, st, "stride", "2"));
    CHECK_INT_EQ(9, lab->timeline(st)->count);
    CHECK(opt(lab, st, "pad", "2"));
    CHECK_INT_EQ(25, lab->timeline(st)->count);
    CHECK(opt(lab, st, "pad", "0,1,2,3"));
    CHECK_INT_EQ(conv_out_size(10, 0, 1, 5, 2, 1) * conv_out_size(10, 2, 3, 5, 2, 1),
                 lab->timeline(st)->count);
    CHECK(opt(lab, st, "k", "3,5"));
    CHECK(opt(lab, st, "dilation", "2,1"));
    CHECK(opt(lab, st, "stride", "1,3"));
    CHECK_INT_EQ(conv_out_size(10, 0, 1, 3, 1, 2) * conv_out_size(10, 2, 3, 5, 3, 1),
                 lab->timeline(st)->count);
    /* presets, inputs, errors */
    CHECK(opt(lab, st, "preset", "gaussian"));
    CHECK(opt(lab, st, "preset", "sobel-y"));
    CHECK(opt(lab, st, "input", "digit:7"));
    CHECK(opt(lab, st, "input", "class:3"));
    CHECK(opt(lab, st, "input", "canvas"));
    CHECK(opt(lab, st, "input", "matrix"));
    CHECK(opt(lab, st, "input", "signal"));
    CHECK(opt(lab, st, "bias", "0.5"));
    CHECK(opt(lab, st, "coverage", "on"));
    frame(h);
    CHECK(!opt(lab, st, "k", "12"));
    CHECK(!opt(lab, st, "stride", "0"));
    CHECK(!opt(lab, st, "pad", "1,2,3"));
    CHECK(!opt(lab, st, "dilation", "5"));
    CHECK(!opt(lab, st, "preset", "blur"));
    CHECK(!opt(lab, st, "input", "file"));
    CHECK(!opt(lab, st, "input", "/nonexistent/picture.png"));
    CHECK(!opt(lab, st, "colour", "red"));
    CHECK(!opt(lab, st, "hover", "somewhere"));

    /* impossible: the notes' 3x3 input under a 5x5 kernel; explained in place */
    CHECK(opt(lab, st, "preset", "grid3"));
    CHECK_INT_EQ(4, lab->timeline(st)->count);
    CHECK(opt(lab, st, "k", "5"));
    CHECK_INT_EQ(0, lab->timeline(st)->count);
    frame(h);
    CHECK(harness_count_color(h, stage, 0xff5d5d) > 200);

    /* sampled settings the controls allow: the step count is the engine's output size and
     * every frame draws (under ASan: no overflow anywhere) */
    CHECK(opt(lab, st, "input", "digit:0"));
    int mismatch = 0, drawn = 0;
    char v[32], v2[32];
    for (int k = 1; k <= 11; k += 2) {
        for (int s = 1; s <= 8; s += 3) {
            for (int d = 1; d <= 4; d += 3) {
                int p = (k + s + d) % (k + 1);
                snprintf(v, sizeof v, "%d,%d", k, k > 2 ? k - 2 : k);
                CHECK(opt(lab, st, "k", v));
                snprintf(v, sizeof v, "%d,%d", s, 1 + (s + 1) % 8);
                CHECK(opt(lab, st, "stride", v));
                int pw = p < k - 2 ? p : (k > 2 ? k - 2 : k);
                snprintf(v2, sizeof v2, "%d,%d,%d,%d", p, k - p, pw, 0);
                CHECK(opt(lab, st, "pad", v2));
                snprintf(v, sizeof v, "%d,%d", d, 5 - d);
                CHECK(opt(lab, st, "dilation", v));
                int kw = k > 2 ? k - 2 : k;
                int oh = conv_out_size(28, p, k - p, k, s, d);
                int ow = conv_out_size(28, pw, 0, kw, 1 + (s + 1) % 8, 5 - d);
                int want = oh > 0 && ow > 0 ? oh * ow : 0;
                mismatch += lab->timeline(st)->count != want;
                timeline_seek(lab->timeline(st), lab->timeline(st)->count / 2);
                frame(h);
                drawn++;
            }
        }
    }
    CHECK_INT_EQ(0, mismatch);
    CHECK(drawn >= 30);
}

static void test_pool(Harness *h)
{
    void *st;
    const LabDef *lab = open_lab(h, "pooling", &st);
    CHECK_INT_EQ(4, lab->timeline(st)->count);
    frame(h);
    Rect stage = h->app->lay.stage;
    CHECK(harness_count_color(h, stage, 0xffb000) > 100); /* window, cell and argmax mark */
    CHECK(opt(lab, st, "kind", "avg"));
    CHECK(opt(lab, st, "kind", "l2"));
    {
        /* the notes' 4x4 map, L2 over the 3x3 window at (0,0): sqrt(101) = 10.05, shown with
         * its two decimals, and a one-value map's legend reading 10.05 at both ends */
        float one[1] = {sqrtf(101.0f)};
        CHECK_INT_EQ(2, lsu_value_decimals(one, 1));
        float ints[3] = {3.0f, 9.0f, -2.0f}, big[2] = {150.25f, 3.0f};
        CHECK_INT_EQ(0, lsu_value_decimals(ints, 3));
        CHECK_INT_EQ(1, lsu_value_decimals(big, 2));
        ColorScale fs = lsu_scale_fit(COLORMAP_SEQUENTIAL, one, 1);
        char lo[32], hi[32];
        CHECK_STR_EQ("10.05", colormap_format_value(fs.lo, 2, lo, sizeof lo));
        CHECK_STR_EQ("10.05", colormap_format_value(fs.hi, 2, hi, sizeof hi));
        CHECK(fs.hi > fs.lo);
        ColorScale vs = lsu_scale_fit(COLORMAP_SEQUENTIAL, ints, 3);
        CHECK_NEAR(-2.0f, vs.lo, 0.0f);
        CHECK_NEAR(9.0f, vs.hi, 0.0f);
    }
    CHECK(!opt(lab, st, "kind", "median"));
    CHECK(opt(lab, st, "hover", "out:0,1,1"));
    frame(h);
    CHECK(harness_count_color(h, stage, 0x4cc9f0) > 100);
    CHECK(opt(lab, st, "k", "5"));
    CHECK_INT_EQ(0, lab->timeline(st)->count);
    frame(h);
    CHECK(harness_count_color(h, stage, 0xff5d5d) > 200);
    CHECK(opt(lab, st, "input", "maps"));
    CHECK(opt(lab, st, "k", "3"));
    CHECK(opt(lab, st, "stride", "2"));
    CHECK_INT_EQ(13 * 13, lab->timeline(st)->count);
    timeline_seek(lab->timeline(st), 100);
    frame(h);
    CHECK(opt(lab, st, "input", "matrix"));
    CHECK(opt(lab, st, "size", "7"));
    CHECK(opt(lab, st, "k", "2,3"));
    CHECK_INT_EQ(3 * 3, lab->timeline(st)->count);
    frame(h);
    CHECK(!opt(lab, st, "input", "nowhere"));
}

static void test_channels(Harness *h)
{
    void *st;
    const LabDef *lab = open_lab(h, "channels", &st);
    CHECK_INT_EQ(18, lab->timeline(st)->count);
    CHECK_INT_EQ(1, lab->timeline(st)->pos);
    frame(h);
    Rect stage = h->app->lay.stage;
    CHECK(harness_count_color(h, stage, 0xffb000) > 200);
    CHECK(opt(lab, st, "stride", "1"));
    CHECK_INT_EQ(2 * 5 * 5, lab->timeline(st)->count);
    CHECK(opt(lab, st, "pad", "0"));
    CHECK_INT_EQ(2 * 3 * 3, lab->timeline(st)->count);
    CHECK(opt(lab, st, "bias", "2,-1"));
    CHECK(!opt(lab, st, "bias", "2"));
    CHECK(opt(lab, st, "hover", "out:1,0,2"));
    frame(h);
    CHECK(harness_count_color(h, stage, 0x4cc9f0) > 100);
    CHECK(opt(lab, st, "preset", "rgb5"));
    CHECK_INT_EQ(18, lab->timeline(st)->count);
    CHECK(!opt(lab, st, "stride", "4"));
}

/* A picture dropped on the window (SDL_DROPFILE goes to app_drop_file) becomes the input of
 * the Convolution and Pooling labs; a bad file is reported in the banner with its name and the
 * lab keeps its input; a lab without pictures says where to drop instead. */
static void test_drop(Harness *h)
{
    char good[64], bad[64];
    snprintf(good, sizeof good, "/tmp/convscope-drop-%d.pgm", (int)getpid());
    snprintf(bad, sizeof bad, "/tmp/convscope-drop-%d-bad.pgm", (int)getpid());
    /* an 8x8 PGM: a bright vertical bar on black */
    FILE *f = fopen(good, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    fprintf(f, "P5\n8 8\n255\n");
    for (int i = 0; i < 64; i++)
        fputc((i % 8 == 3 || i % 8 == 4) ? 255 : 0, f);
    fclose(f);
    f = fopen(bad, "wb");
    fprintf(f, "P5\n8 8\n255\n\x01\x02"); /* 2 of 64 pixels */
    fclose(f);

    void *st;
    const LabDef *lab = open_lab(h, "convolution", &st);
    h->app->banner[0] = '\0';
    CHECK(app_drop_file(h->app, good));
    CHECK_STR_EQ("", h->app->banner);
    CHECK_CONTAINS(h->app->toast, "convscope-drop-");
    /* the picture, made MNIST-like, is the 28x28 input now: 26x26 outputs for a 3x3 kernel */
    CHECK(opt(lab, st, "k", "3"));
    CHECK(opt(lab, st, "stride", "1"));
    CHECK(opt(lab, st, "pad", "0"));
    CHECK(opt(lab, st, "dilation", "1"));
    CHECK_INT_EQ(26 * 26, lab->timeline(st)->count);
    CHECK(opt(lab, st, "input", "file")); /* known now */
    frame(h);
    CHECK(harness_count_color(h, h->app->lay.stage, 0xffb000) > 100);
    /* a broken file: banner with the file's name, the app and the picture stay */
    CHECK(!app_drop_file(h->app, bad));
    CHECK_CONTAINS(h->app->banner, bad);
    CHECK_INT_EQ(26 * 26, lab->timeline(st)->count);
    frame(h);
    h->app->banner[0] = '\0';
    CHECK(!app_drop_file(h->app, "/nonexistent/picture.png"));
    CHECK_CONTAINS(h->app->banner, "/nonexistent/picture.png");
    h->app->banner[0] = '\0';

    /* the Pooling lab takes it as a one-channel 28x28 map: 14x14 windows of 2x2 */
    lab = open_lab(h, "pooling", &st);
    CHECK(opt(lab, st, "k", "2"));
    CHECK(opt(lab, st, "stride", "2"));
    CHECK(app_drop_file(h->app, good));
    CHECK_INT_EQ(14 * 14, lab->timeline(st)->count);
    CHECK(opt(lab, st, "input", "pool4"));
    CHECK(opt(lab, st, "input", good)); /* the same through an option (lessons, render) */
    CHECK_INT_EQ(14 * 14, lab->timeline(st)->count);
    CHECK(!opt(lab, st, "input", bad));
    frame(h);

    /* a lab without pictures, and home, say where pictures go */
    h->app->banner[0] = '\0';
    open_lab(h, "channels", &st);
    CHECK(!app_drop_file(h->app, good));
    CHECK_CONTAINS(h->app->banner, "Convolution");
    h->app->banner[0] = '\0';
    app_go_home(h->app);
    CHECK(!app_drop_file(h->app, good));
    CHECK_CONTAINS(h->app->banner, "home");
    h->app->banner[0] = '\0';
    h->app->banner_extra = 0;
    remove(good);
    remove(bad);
}

/* The leftmost column with an amber pixel inside rc, or -1. */
static int amber_left(const Harness *h, Rect rc)
{
    const uint32_t *p = h->s->pixels;
    int pitch = h->s->pitch / 4;
    for (int x = rc.x; x < rc.x + rc.w; x++)
        for (int y = rc.y; y < rc.y + rc.h; y++)
            if ((p[y * pitch + x] & 0xffffff) == 0xffb000)
                return x;
    return -1;
}

/* LOOK.md: the amber window glides to its next position in 160 ms (ease-out) instead of
 * jumping, and input is never blocked: the step itself is taken at once. */
static void test_easing(Harness *h)
{
    void *st;
    const LabDef *lab = open_lab(h, "convolution", &st);
    CHECK(opt(lab, st, "input", "nineties"));
    Timeline *tl = lab->timeline(st);
    timeline_seek(tl, 12); /* output (1,3): the window's left edge at input column 3 */
    frame(h);
    Rect stage = h->app->lay.stage;
    Rect in_area = {stage.x, stage.y, stage.w * 2 / 5, stage.h};
    int x0 = amber_left(h, in_area);
    timeline_step(tl, 1); /* output (1,4) */
    CHECK_INT_EQ(13, tl->pos);
    app_frame(h->app, h->r, &h->in, 0.0, true); /* the motion starts where the window was */
    SDL_RenderFlush(h->sdl);
    CHECK_INT_EQ(x0, amber_left(h, in_area));
    bool moving = app_frame(h->app, h->r, &h->in, 0.05, true); /* 5/16 of the way in time */
    SDL_RenderFlush(h->sdl);
    int xm = amber_left(h, in_area);
    CHECK(moving); /* the window keeps drawing frames while it glides */
    app_frame(h->app, h->r, &h->in, 0.5, true);
    SDL_RenderFlush(h->sdl);
    int x1 = amber_left(h, in_area);
    CHECK(x0 > 0 && x0 < xm && xm < x1);
    /* ease-out: 1 - (11/16)^3 = 67.5 % of the way after 50 ms */
    CHECK_NEAR(0.675, (double)(xm - x0) / (double)(x1 - x0), 0.06);
    CHECK(!app_frame(h->app, h->r, &h->in, 0.5, true)); /* settled: the window may idle */
}

/* Frame time of each lab while its timeline plays (software renderer, 1280x800). */
static void test_frame_time(Harness *h)
{
    const char *names[3] = {"convolution", "pooling", "channels"};
    for (int i = 0; i < 3; i++) {
        void *st;
        const LabDef *lab = open_lab(h, names[i], &st);
        if (i == 1)
            opt(lab, st, "input", "maps");
        if (i == 0)
            opt(lab, st, "input", "digit:3");
        Timeline *tl = lab->timeline(st);
        timeline_seek(tl, 0);
        double worst = 0.0, total = 0.0;
        const int frames = 30;
        for (int f = 0; f < frames; f++) {
            timeline_step(tl, 1);
            struct timespec a, b;
            clock_gettime(CLOCK_MONOTONIC, &a);
            frame(h);
            clock_gettime(CLOCK_MONOTONIC, &b);
            double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
            total += ms;
            if (ms > worst && f > 0)
                worst = ms;
        }
        printf("%s: mean %.2f ms, worst %.2f ms per frame\n", names[i], total / frames, worst);
        /* generous: sanitizer builds are several times slower than release */
        CHECK(worst < 100.0);
    }
}

/* Grid titles at 1280x800 stay at the body size (14 px): the Visits view with padding moves
 * "(padding 1)" to a second line instead of shrinking "visits per input cell 1×5×5". */
static void test_title_sizes(Harness *h)
{
    static const char *const scenes[][2][2] = {
        {{"input", "matrix"}, {"pad", "1"}},
        {{"coverage", "on"}, {"size", "5"}},
        {{"input", "digit"}, {"pad", "2"}},
        {{"k", "5"}, {"pad", "1,0,2,1"}},
        {{"coverage", "off"}, {"pad", "2"}},
    };
    void *st;
    const LabDef *lab = open_lab(h, "convolution", &st);
    for (size_t i = 0; i < sizeof scenes / sizeof scenes[0]; i++) {
        for (int k = 0; k < 2; k++)
            CHECK(opt(lab, st, scenes[i][k][0], scenes[i][k][1]));
        grid_title_min_size(); /* from here on: this scene's titles only */
        frame(h);
        int least = grid_title_min_size();
        if (least < 14)
            fprintf(stderr, "convolution scene %zu: a title at %d px\n", i, least);
        CHECK(least >= 14);
    }
    CHECK(opt(lab, st, "input", "nineties"));
    CHECK(opt(lab, st, "pad", "0"));
    CHECK(opt(lab, st, "k", "3"));
    const char *others[] = {"pooling", "channels"};
    for (int i = 0; i < 2; i++) {
        open_lab(h, others[i], &st);
        grid_title_min_size();
        frame(h);
        int least = grid_title_min_size();
        if (least < 14)
            fprintf(stderr, "%s: a title at %d px\n", others[i], least);
        CHECK(least >= 14);
    }
}

/* The H overlay of each lab: its section after the global keys, every letter it names taken by
 * the lab, and the overlay drawn (amber key column) at 1280x800. */
static void test_help(Harness *h)
{
    void *st;
    const LabDef *lab = open_lab(h, "convolution", &st);
    CHECK_INT_EQ(2, lab_help_check(h->app, lab, st)); /* C, O */
    lab = open_lab(h, "pooling", &st);
    CHECK_INT_EQ(1, lab_help_check(h->app, lab, st)); /* O */
    /* O made the picture-file input current; back to the default for the next tests */
    CHECK(opt(lab, st, "input", "pool4"));
    lab = open_lab(h, "channels", &st);
    CHECK_INT_EQ(0, lab_help_check(h->app, lab, st)); /* mouse only */
    h->app->help_open = true;
    frame(h);
    CHECK(harness_count_color(h, h->app->lay.window, 0xffb000) > 300);
    h->app->help_open = false;
    /* back to Convolution with its default scene for the tests after (C and O changed it) */
    lab = open_lab(h, "convolution", &st);
    CHECK(opt(lab, st, "input", "nineties"));
    CHECK(opt(lab, st, "coverage", "off"));
}

/* A lesson open in a small window leaves the stage narrow: the Convolution lab still shows
 * input, kernel and output, the input's cells no smaller than 10 px and never outsized by
 * the kernel's, and every title at the body size. */
static void test_small_window(void)
{
    static const int sizes[][2] = {{800, 600}, {1024, 768}, {1280, 800}};
    const KernelsExampleData *ex = kernels_example(KERNELS_EX_NINETIES);
    int n90 = 0;
    for (int i = 0; i < ex->h * ex->w; i++)
        n90 += ex->x[i] == 90.0f;
    Color c90 = colormap_sequential(1.0f);
    uint32_t rgb90 = (uint32_t)c90.r << 16 | (uint32_t)c90.g << 8 | c90.b;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        Harness h;
        CHECK(harness_open(&h, sizes[s][0], sizes[s][1]));
        char err[512] = "";
        bool ok = h.r && h.app &&
                  lesson_host_open(h.app, CONVSCOPE_SOURCE_ROOT
                                   "/lessons/01-images-as-numbers.lesson", 1, err, sizeof err);
        CHECK(ok);
        if (!ok) {
            fprintf(stderr, "%s\n", err);
            harness_close(&h);
            continue;
        }
        grid_title_min_size();
        frame(&h);
        CHECK(lesson_host_sidebar(h.app).w > 0);
        int least = grid_title_min_size();
        if (least < 14)
            fprintf(stderr, "%dx%d: a title at %d px\n", sizes[s][0], sizes[s][1], least);
        CHECK(least >= 14);
        /* the input's bright cells, each at least 10x10 px less its grid lines */
        Rect stage = h.app->lay.stage;
        int bright = harness_count_color(&h, stage, rgb90);
        if (bright < n90 * 9 * 9)
            fprintf(stderr, "%dx%d: %d px of the 90s (want %d)\n", sizes[s][0], sizes[s][1],
                    bright, n90 * 9 * 9);
        CHECK(bright >= n90 * 9 * 9);
        CHECK(harness_count_color(&h, stage, 0xffb000) > 100); /* the amber window and the kernel */

        /* the layout itself on this stage: the 10x10 input, the 3x3 kernel, the 8x8 output */
        LsuTrioGrid g[3] = {{10, 10, 110, 60}, {3, 3, 88, 60}, {8, 8, 100, 60}};
        Rect area = {stage.x, stage.y, stage.w, stage.h - 70};
        LsuTrio t = lsu_layout_trio(area, g, 28, GRID_MAX_CELL, 36);
        CHECK(t.cell[0] >= 10);
        CHECK(t.cell[2] == t.cell[0]);
        CHECK(t.cell[1] * 3 <= t.cell[0] * 10 || t.cell[1] * 2 <= t.cell[0] * 3);
        for (int i = 0; i < 3; i++) {
            Rect a = t.area[i];
            CHECK(a.x >= area.x && a.y >= area.y && a.x + a.w <= area.x + area.w &&
                  a.y + a.h <= area.y + area.h);
            CHECK(a.w >= g[i].min_w && a.h >= g[i].rows * t.cell[i] + g[i].text_h);
            for (int j = 0; j < i; j++) {
                Rect b = t.area[j];
                CHECK(a.x >= b.x + b.w || b.x >= a.x + a.w || a.y >= b.y + b.h ||
                      b.y >= a.y + a.h);
            }
        }
        lesson_host_close(h.app);
        harness_close(&h);
    }
    /* a wide stage keeps the grids on one line, the kernel's values legible */
    LsuTrioGrid g[3] = {{10, 10, 110, 60}, {3, 3, 88, 60}, {8, 8, 100, 60}};
    LsuTrio t = lsu_layout_trio((Rect){0, 0, 1000, 560}, g, 28, GRID_MAX_CELL, 36);
    CHECK_INT_EQ(LSU_TRIO_ROW, t.arrange);
    CHECK(t.cell[1] >= 36 && t.cell[1] <= t.cell[0] * 3 / 2);
    CHECK(t.cell[0] >= 36);
    /* a narrow and tall one stacks them */
    t = lsu_layout_trio((Rect){0, 0, 200, 900}, g, 28, GRID_MAX_CELL, 36);
    CHECK_INT_EQ(LSU_TRIO_COLUMN, t.arrange);
    CHECK(t.cell[0] >= 15);
}

int main(void)
{
    if (SDL_Init(0) != 0)
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    if (h.r && h.app) {
        test_conv(&h);
        test_pool(&h);
        test_channels(&h);
        test_easing(&h);
        test_drop(&h);
        test_help(&h);
        test_title_sizes(&h);
        test_frame_time(&h);
    }
    harness_close(&h);
    test_small_window();
    SDL_Quit();
    return test_summary();
}
