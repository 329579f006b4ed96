/* test_app.c - the application frame: layout at every window size and scale (nothing overlaps,
 * nothing leaves the window), the lab registry, the keys, the help rows, a headless frame checked
 * by its pixels, and the render subcommand's argument errors and output. */
#include "test.h"
#include "app/app.h"
#include "app/window.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_keycode.h>
#include <stdlib.h>
#include <unistd.h>

static int inside(Rect a, Rect outer)
{
    return a.x >= outer.x && a.y >= outer.y && a.x + a.w <= outer.x + outer.w &&
           a.y + a.h <= outer.y + outer.h && a.w > 0 && a.h > 0;
}

static int disjoint(Rect a, Rect b)
{
    return a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
}

static void test_layout(void)
{
    const int sizes[][2] = {{800, 600}, {1024, 768}, {1280, 800}, {1920, 1080}, {2560, 1440},
                            {3840, 2160}};
    const float scales[] = {1.0f, 1.5f, 2.0f, 2.5f};
    int ok = 1;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++) {
            AppLayout L = app_layout(sizes[i][0], sizes[i][1], scales[k], 1.0f, true);
            Rect win = L.window;
            Rect parts[] = {L.top, L.brand, L.tabs, L.lessons, L.controls_panel, L.stage,
                            L.strip, L.timeline, L.equation};
            for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++)
                if (!inside(parts[p], win)) {
                    fprintf(stderr, "%dx%d@%.1f: part %zu outside\n", sizes[i][0], sizes[i][1],
                            (double)scales[k], p);
                    ok = 0;
                }
            if (!disjoint(L.controls_panel, L.stage) || !disjoint(L.stage, L.strip) ||
                !disjoint(L.controls_panel, L.strip) || !disjoint(L.top, L.stage) ||
                !disjoint(L.timeline, L.equation) || !disjoint(L.brand, L.tabs) ||
                !disjoint(L.tabs, L.lessons))
                ok = 0;
            if (!inside(L.timeline, L.strip) || !inside(L.equation, L.strip) ||
                !inside(L.controls, L.controls_panel))
                ok = 0;
            /* the stage keeps most of the window */
            if (L.stage.w < sizes[i][0] / 2 || L.stage.h < sizes[i][1] / 3)
                ok = 0;
            /* and stops 16 px x scale short of the right edge, so no grid touches it */
            Theme th = theme_make(THEME_DARK, 1.0f);
            th.scale = L.scale;
            if (L.stage.x + L.stage.w > sizes[i][0] - 2 * theme_px(&th, 8))
                ok = 0;
            /* with the error banner: its band under the top bar covers nothing */
            CHECK_INT_EQ(0, L.banner.h);
            AppLayout B = L;
            app_layout_reserve_banner(&B);
            if (!inside(B.banner, win) || !disjoint(B.banner, B.top) ||
                !disjoint(B.banner, B.stage) || !disjoint(B.banner, B.controls_panel) ||
                !disjoint(B.banner, B.strip) || !disjoint(B.banner, B.body) ||
                !inside(B.stage, win) || !inside(B.controls, B.controls_panel) ||
                !disjoint(B.stage, B.strip) || B.stage.y + B.stage.h != L.stage.y + L.stage.h ||
                B.stage.x != L.stage.x || B.stage.w != L.stage.w) {
                fprintf(stderr, "%dx%d@%.1f: the banner's band overlaps\n", sizes[i][0],
                        sizes[i][1], (double)scales[k]);
                ok = 0;
            }
        }
    CHECK(ok);
    /* the requested scale is honoured where it fits and capped where it does not */
    CHECK_NEAR(2.0, app_layout(1920, 1080, 2.0f, 1.0f, true).scale, 1e-6);
    CHECK_NEAR(2.5, app_layout(3840, 2160, 2.5f, 1.0f, true).scale, 1e-6);
    CHECK(app_layout(800, 600, 2.5f, 1.0f, true).scale < 1.2f);
    CHECK_NEAR(1.0, app_layout(1280, 800, 1.0f, 1.0f, true).scale, 1e-6);
    /* HiDPI: a 2x drawable doubles the scale */
    CHECK_NEAR(2.0, app_layout(2560, 1600, 1.0f, 2.0f, true).scale, 1e-6);
}

static void test_registry(void)
{
    const char *names[LAB_COUNT] = {"convolution", "pooling", "channels", "network",
                                    "train", "backprop", "matrix", "activations"};
    for (int i = 0; i < LAB_COUNT; i++) {
        const LabDef *d = lab_get(i);
        CHECK(d != NULL);
        CHECK_STR_EQ(names[i], d->name);
        CHECK(d->title && d->title[0]);
        CHECK(d->blurb && d->blurb[0]);
        int idx = -1;
        CHECK(lab_find(names[i], &idx) == d);
        CHECK_INT_EQ(i, idx);
    }
    CHECK(lab_get(-1) == NULL);
    CHECK(lab_get(LAB_COUNT) == NULL);
    CHECK(lab_find("nope", NULL) == NULL);
    CHECK(lab_find(NULL, NULL) == NULL);
}

static void test_keys(void)
{
    App *app = app_create(THEME_DARK, 1.0f);
    CHECK(app != NULL);
    CHECK_INT_EQ(APP_HOME, app->screen);
    CHECK(app_key(app, SDLK_3, false, false));
    CHECK_INT_EQ(2, app->screen);
    CHECK(app_key(app, SDLK_ESCAPE, false, false));
    CHECK_INT_EQ(APP_HOME, app->screen);
    CHECK_INT_EQ(2, app->home_sel); /* home remembers where we came from */
    /* H toggles help; Esc closes help before anything else */
    app_key(app, SDLK_8, false, false);
    app_key(app, SDLK_h, false, false);
    CHECK(app->help_open);
    app_key(app, SDLK_ESCAPE, false, false);
    CHECK(!app->help_open);
    CHECK_INT_EQ(7, app->screen);
    app_key(app, SDLK_F1, false, false);
    CHECK(app->help_open);
    app_key(app, SDLK_F1, false, false);
    CHECK(!app->help_open);
    /* the banner: shown, counted, dismissed by Esc before going home */
    app_error(app, "x.lesson:3: first");
    app_error(app, "x.lesson:9: second");
    CHECK(strcmp("x.lesson:9: second", app->banner) == 0);
    CHECK_INT_EQ(1, app->banner_extra);
    app_key(app, SDLK_ESCAPE, false, false);
    CHECK(app->banner[0] == 0);
    CHECK_INT_EQ(7, app->screen);
    /* V, T, scale */
    bool v = app->show_values;
    app_key(app, SDLK_v, false, false);
    CHECK(app->show_values != v);
    app_key(app, SDLK_t, false, false);
    CHECK_INT_EQ(THEME_LIGHT, app->theme_kind);
    app_key(app, SDLK_t, false, false);
    CHECK_INT_EQ(THEME_PROJECTOR, app->theme_kind);
    app_key(app, SDLK_t, false, false);
    CHECK_INT_EQ(THEME_DARK, app->theme_kind);
    for (int i = 0; i < 10; i++)
        app_key(app, SDLK_EQUALS, true, false);
    CHECK_NEAR(2.5, app->scale, 1e-6);
    app_key(app, SDLK_MINUS, true, false);
    CHECK_NEAR(2.25, app->scale, 1e-6);
    app_key(app, SDLK_0, true, false);
    CHECK_NEAR(1.0, app->scale, 1e-6);
    app_key(app, SDLK_MINUS, true, false);
    CHECK_NEAR(1.0, app->scale, 1e-6);
    /* window requests */
    app_key(app, SDLK_s, true, false);
    CHECK(app->req.screenshot);
    app_key(app, SDLK_f, false, false);
    CHECK(app->req.toggle_fullscreen);
    app_key(app, SDLK_q, true, false);
    CHECK(app->req.quit);
    /* home navigation wraps around the labs (and lessons) */
    app_key(app, SDLK_ESCAPE, false, false);
    CHECK_INT_EQ(APP_HOME, app->screen);
    app->home_sel = 0;
    app_key(app, SDLK_UP, false, false);
    CHECK_INT_EQ(LAB_COUNT + app->n_lessons - 1, app->home_sel);
    app->home_sel = 4;
    app_key(app, SDLK_RETURN, false, false);
    CHECK_INT_EQ(4, app->screen);
    app_destroy(app);

    int n = 0;
    const UiHelpRow *rows = app_help_rows(&n);
    CHECK(n >= 15);
    const char *must[] = {"1 \xE2\x80\xA6 8", "H  F1", "Esc", "Space", "Home  End", "[  ]", "V",
                          "T", "F", "Ctrl+S", "Ctrl+Q", "Ctrl+0"};
    for (size_t k = 0; k < sizeof must / sizeof must[0]; k++) {
        int found = 0;
        for (int i = 0; i < n; i++)
            if (strcmp(rows[i].key, must[k]) == 0)
                found = 1;
        CHECK(found);
    }
}

/* Ctrl+= at 800x600: the window holds about 1.1x, and the toast says so instead of claiming
 * 2.5x; the requested scale stops one step above the cap, so one Ctrl+- is back to 1.0. At
 * 1920x1080 2.0x fits and is shown as asked. */
static void test_scale_cap(void)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 800, 600, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = SDL_CreateSoftwareRenderer(s);
    char err[256];
    Render *r = render_create(sdl, NULL, err, sizeof err);
    CHECK(r != NULL);
    App *app = app_create(THEME_DARK, 1.0f);
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;
    app_frame(app, r, &in, 0.0, true);
    for (int i = 0; i < 10; i++) {
        app_key(app, SDLK_EQUALS, true, false);
        app_frame(app, r, &in, 0.0, true);
        CHECK(app->lay.scale <= 800.0f / 720.0f + 1e-4f);
    }
    CHECK_NEAR(1.25, app->scale, 1e-6);
    CHECK_STR_EQ("UI scale 1.11\xC3\x97 (window too small for 1.25\xC3\x97)", app->toast);
    app_key(app, SDLK_MINUS, true, false);
    CHECK_NEAR(1.0, app->scale, 1e-6);
    CHECK_STR_EQ("UI scale 1\xC3\x97", app->toast);
    app_destroy(app);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);

    s = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_ARGB8888);
    sdl = SDL_CreateSoftwareRenderer(s);
    r = render_create(sdl, NULL, err, sizeof err);
    app = app_create(THEME_DARK, 1.0f);
    app_frame(app, r, &in, 0.0, true);
    for (int i = 0; i < 4; i++)
        app_key(app, SDLK_EQUALS, true, false);
    CHECK_NEAR(2.0, app->scale, 1e-6);
    CHECK_STR_EQ("UI scale 2\xC3\x97", app->toast);
    app_destroy(app);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);
}

/* A banner too long for one line wraps to two lines in its band (the Train lab's divergence
 * advice ended in "try a smaller lea…" at 800x600): ink in the band's upper and lower halves,
 * and its last word drawn (no tooltip needed). */
static void test_banner_wraps(void)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 800, 600, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = SDL_CreateSoftwareRenderer(s);
    char err[256];
    Render *r = render_create(sdl, NULL, err, sizeof err);
    CHECK(r != NULL);
    App *app = app_create(THEME_DARK, 1.0f);
    app_open_lab(app, 4);
    app_error(app, "training diverged at step 37: the loss became NaN (not a number); the "
                   "weights were put back to step 36 - try a smaller learning rate, 0.001");
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;
    app_frame(app, r, &in, 0.0, true);
    app_frame(app, r, &in, 0.0, true);
    SDL_RenderFlush(sdl);
    Rect b = app->lay.banner;
    CHECK(b.h > 0);
    const uint32_t *p = s->pixels;
    int upper = 0, lower = 0, right_half = 0;
    for (int y = b.y + 2; y < b.y + b.h - 2; y++)
        for (int x = b.x + 8; x < b.x + b.w - b.h; x++) {
            bool ink = (p[y * (s->pitch / 4) + x] & 0xffffff) != 0xff5d5d;
            if (!ink)
                continue;
            if (y < b.y + b.h / 2)
                upper++;
            else
                lower++;
            right_half += x > b.x + b.w / 2;
        }
    CHECK(upper > 100);
    CHECK(lower > 100);
    CHECK(right_half > 100);
    /* two lines: a row without ink between rows with ink */
    int first = -1, last = -1, gap = 0;
    for (int y = b.y + 2; y < b.y + b.h - 2; y++) {
        int n = 0;
        for (int x = b.x + 8; x < b.x + b.w - b.h; x++)
            n += (p[y * (s->pitch / 4) + x] & 0xffffff) != 0xff5d5d;
        if (n > 0) {
            if (first < 0)
                first = y;
            last = y;
        }
    }
    for (int y = first; y <= last; y++) {
        int n = 0;
        for (int x = b.x + 8; x < b.x + b.w - b.h; x++)
            n += (p[y * (s->pitch / 4) + x] & 0xffffff) != 0xff5d5d;
        gap += n == 0;
    }
    CHECK(gap > 0);
    CHECK(app->ui.tooltip[0] == '\0');
    app_destroy(app);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);
}

static void test_headless_frame(void)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = SDL_CreateSoftwareRenderer(s);
    char err[256];
    Render *r = render_create(sdl, NULL, err, sizeof err);
    CHECK(r != NULL);
    App *app = app_create(THEME_DARK, 1.0f);
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;
    app_frame(app, r, &in, 0.0, true);
    SDL_RenderFlush(sdl);
    const uint32_t *p = s->pixels;
    int pitch = s->pitch / 4;
    /* the background is the dark theme's #15171c; the top bar is the panel colour */
    CHECK((p[700 * pitch + 1270] & 0xffffff) == 0x15171c);
    CHECK((p[2 * pitch + 640] & 0xffffff) == 0x1d2027);
    /* text in the top bar's tab area and the brand */
    int ink = 0;
    Rect tabs = app->lay.tabs;
    for (int y = tabs.y; y < tabs.y + tabs.h; y++)
        for (int x = tabs.x; x < tabs.x + tabs.w; x++)
            if ((p[y * pitch + x] & 0xffffff) != 0x1d2027)
                ink++;
    CHECK(ink > 500);
    /* the selected first card has the amber outline on its left edge somewhere */
    int amber = 0;
    for (int y = 100; y < 400; y++)
        for (int x = 20; x < 30; x++)
            if ((p[y * pitch + x] & 0xffffff) == 0xffb000)
                amber++;
    CHECK(amber > 50);
    /* a lab frame: the control column panel and the strip appear */
    app_open_lab(app, 3);
    app_frame(app, r, &in, 0.0, true);
    SDL_RenderFlush(sdl);
    Rect cp = app->lay.controls_panel;
    CHECK((p[(cp.y + cp.h / 2) * pitch + cp.x + cp.w / 2] & 0xffffff) == 0x1d2027);
    CHECK((p[(cp.y + cp.h / 2) * pitch + cp.x] & 0xffffff) == 0x2a2e38);
    /* an error banner in the error colour */
    app_error(app, "demo.png: cannot read the image");
    app_frame(app, r, &in, 0.0, true);
    SDL_RenderFlush(sdl);
    Rect b = app->lay.banner;
    CHECK(b.h > 0);
    CHECK((p[(b.y + 4) * pitch + b.x + 40] & 0xffffff) == 0xff5d5d);
    /* the control panel starts below the banner, and its top edge is not covered */
    cp = app->lay.controls_panel;
    CHECK(cp.y >= b.y + b.h);
    CHECK((p[cp.y * pitch + cp.x + cp.w / 2] & 0xffffff) == 0x2a2e38);
    /* closed with Esc: the layout takes the band back */
    int stage_y = app->lay.stage.y;
    app_key(app, SDLK_ESCAPE, false, false);
    app_frame(app, r, &in, 0.0, true);
    CHECK_INT_EQ(0, app->lay.banner.h);
    CHECK(app->lay.stage.y < stage_y);
    app_destroy(app);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);
}

/* The timeline's `step k / n` label at 4 digits (the Train lab's 4000 steps) in the 1280×800
 * strip: drawn whole, with air on both sides inside its rectangle; the scrub bar shrank. */
static void test_timeline_label(void)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = SDL_CreateSoftwareRenderer(s);
    char err[256];
    Render *r = render_create(sdl, NULL, err, sizeof err);
    CHECK(r != NULL);
    AppLayout L = app_layout(1280, 800, 1.0f, 1.0f, true);
    Theme th = theme_make(THEME_DARK, 1.0f);
    th.scale = L.scale;
    int w_long = 0, w_short = 0;
    render_text_size(r, FONT_MONO, theme_px(&th, THEME_BODY), "step 3749 / 4000", &w_long, NULL);
    render_text_size(r, FONT_MONO, theme_px(&th, THEME_BODY), "step 25 / 25", &w_short, NULL);
    CHECK_INT_EQ(w_long, ui_timeline_label_width(r, &th, 4000));
    CHECK_INT_EQ(w_short, ui_timeline_label_width(r, &th, 25));
    UiTimelineLayout a = ui_timeline_layout(L.timeline, &th, w_long);
    UiTimelineLayout b = ui_timeline_layout(L.timeline, &th, w_short);
    CHECK(a.scrub.w < b.scrub.w);
    CHECK(a.scrub.w > theme_px(&th, 100));
    /* draw it and find the label's ink: none on the rectangle's edges */
    Ui ui;
    memset(&ui, 0, sizeof ui);
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;
    Timeline t;
    timeline_init(&t, 4000);
    timeline_seek(&t, 3749);
    render_clear(r, th.bg);
    ui_begin(&ui, r, &th, &in, L.window);
    ui_timeline(&ui, ui_id("tl"), L.timeline, &t);
    ui_end(&ui);
    SDL_RenderFlush(sdl);
    const uint32_t *p = s->pixels;
    int pitch = s->pitch / 4;
    int x0 = -1, x1 = -1;
    for (int x = a.label.x; x < a.label.x + a.label.w; x++)
        for (int y = a.label.y; y < a.label.y + a.label.h; y++)
            if ((p[y * pitch + x] & 0xffffff) != (uint32_t)((th.bg.r << 16) | (th.bg.g << 8) |
                                                            th.bg.b)) {
                if (x0 < 0)
                    x0 = x;
                x1 = x;
                break;
            }
    CHECK(x0 > a.label.x + 2);
    CHECK(x1 < a.label.x + a.label.w - 3);
    CHECK(x1 - x0 + 1 >= w_long - 4);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);
}

/* Sliders in a control column after ui_column_labels: every track starts at the same x, and
 * the longest label ("Sharpness β", which touched its slider at 38 %) ends a clear gap before
 * the knob at 1280x800 and at 2x. */
static void test_slider_labels(float scale)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 640, 400, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = SDL_CreateSoftwareRenderer(s);
    char err[256];
    Render *r = render_create(sdl, NULL, err, sizeof err);
    CHECK(r != NULL);
    Theme th = theme_make(THEME_DARK, scale);
    Ui ui;
    memset(&ui, 0, sizeof ui);
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;
    render_clear(r, th.bg);
    ui_begin(&ui, r, &th, &in, (Rect){0, 0, 640, 400});
    /* the Activations column at 1280x800: 240 px wide (times the scale) */
    UiColumn col = ui_column((Rect){8, 8, theme_px(&th, 240), 380}, &th);
    static const char *const labels[] = {"Slope \xCE\xB1", "Sharpness \xCE\xB2", "Probe x",
                                         "Stack k", "Digit"};
    int lw = ui_column_labels(&ui, &col, labels, 5);
    int beta_w = 0;
    render_text_size(r, FONT_SANS, theme_px(&th, THEME_BODY), labels[1], &beta_w, NULL);
    CHECK_INT_EQ(beta_w + theme_px(&th, 8), lw);
    float beta = 0.25f, probe = -4.0f;
    int k = 1;
    Rect rows[3];
    rows[0] = ui_column_next(&col, 1);
    ui_slider(&ui, ui_id("beta"), rows[0], labels[1], &beta, 0.25f, 10.0f, 0.25f, 2);
    rows[1] = ui_column_next(&col, 1);
    ui_slider(&ui, ui_id("probe"), rows[1], labels[2], &probe, -4.0f, 4.0f, 0.05f, 2);
    rows[2] = ui_column_next(&col, 1);
    ui_slider_int(&ui, ui_id("k"), rows[2], labels[3], &k, 1, 10);
    ui_end(&ui);
    SDL_RenderFlush(sdl);
    const uint32_t *p = s->pixels;
    int pitch = s->pitch / 4;
    uint32_t bg = (uint32_t)((th.bg.r << 16) | (th.bg.g << 8) | th.bg.b);
    uint32_t amber = (uint32_t)((th.accent.r << 16) | (th.accent.g << 8) | th.accent.b);
    int knob_x[3], text_end[3];
    for (int i = 0; i < 3; i++) {
        /* the knob (every value at its minimum): the leftmost amber pixel of the row */
        knob_x[i] = -1;
        text_end[i] = -1;
        for (int x = rows[i].x; x < rows[i].x + rows[i].w && knob_x[i] < 0; x++)
            for (int y = rows[i].y; y < rows[i].y + rows[i].h; y++)
                if ((p[y * pitch + x] & 0xffffff) == amber) {
                    knob_x[i] = x;
                    break;
                }
        /* the label's ink: the rightmost non-background pixel left of the knob */
        for (int x = rows[i].x; x < knob_x[i]; x++)
            for (int y = rows[i].y; y < rows[i].y + rows[i].h; y++)
                if ((p[y * pitch + x] & 0xffffff) != bg) {
                    text_end[i] = x;
                    break;
                }
        CHECK(knob_x[i] > rows[i].x);
        CHECK(text_end[i] > rows[i].x);
    }
    CHECK_INT_EQ(knob_x[0], knob_x[1]);
    CHECK_INT_EQ(knob_x[0], knob_x[2]);
    /* a spacing unit of air between the longest label and the knob; only the knob's
     * antialiased rim may be closer than that */
    CHECK(knob_x[0] - text_end[0] >= theme_px(&th, 8) - 2);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);
}

static int run_render(const char *const *args, int n)
{
    char *argv[32];
    for (int i = 0; i < n; i++)
        argv[i] = (char *)args[i];
    return window_render_command(n, argv);
}

static void test_render_command(void)
{
    char out[256];
    snprintf(out, sizeof out, "/tmp/convscope-test-render-%d.png", (int)getpid());
    /* bad arguments: non-zero, no file */
    const char *a1[] = {"render", "--out", out};
    CHECK(run_render(a1, 3) != 0);
    const char *a2[] = {"render", "--lab", "nope", "--out", out};
    CHECK(run_render(a2, 5) != 0);
    /* --help (anywhere) prints the usage and succeeds, drawing nothing */
    const char *ah[] = {"render", "--lab", "pooling", "--help"};
    CHECK_INT_EQ(0, run_render(ah, 4));
    CHECK(access(out, F_OK) != 0);
    const char *a3[] = {"render", "--home", "--size", "12x9", "--out", out};
    CHECK(run_render(a3, 6) != 0);
    const char *a4[] = {"render", "--home", "--scale", "3", "--out", out};
    CHECK(run_render(a4, 6) != 0);
    const char *a5[] = {"render", "--home", "--theme", "pink", "--out", out};
    CHECK(run_render(a5, 6) != 0);
    const char *a6[] = {"render", "--home", "--out", "/tmp/x.jpg"};
    CHECK(run_render(a6, 4) != 0);
    const char *a7[] = {"render", "--home", "--lab", "pooling", "--out", out};
    CHECK(run_render(a7, 6) != 0);
    const char *a8[] = {"render", "--home", "--k", "3", "--out", out};
    CHECK(run_render(a8, 6) != 0);
    const char *a9[] = {"render", "--home", "--size"};
    CHECK(run_render(a9, 3) != 0);
    CHECK(access(out, F_OK) != 0);
    /* a good one: the PNG exists with the asked size and theme */
    const char *g[] = {"render", "--home", "--size", "900x640", "--theme", "light", "--out", out};
    CHECK_INT_EQ(0, run_render(g, 8));
    SDL_Surface *s = IMG_Load(out);
    CHECK(s != NULL);
    if (s) {
        CHECK_INT_EQ(900, s->w);
        CHECK_INT_EQ(640, s->h);
        SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
        const uint32_t *p = c->pixels;
        /* light theme background #f3f4f7 near the bottom-right corner */
        CHECK((p[630 * (c->pitch / 4) + 895] & 0xffffff) == 0xf3f4f7);
        SDL_FreeSurface(c);
        SDL_FreeSurface(s);
    }
    remove(out);
}

/* Which lessons' rows on the home page the mouse finds (their button becomes the hot widget)
 * over a grid of points in the lower half of the window; adds them to seen, returns how
 * many new ones. */
static int scan_home_lessons(App *app, Render *r, int w, int h, bool *seen)
{
    UiId lid = ui_id("home.lesson");
    UiInput in;
    memset(&in, 0, sizeof in);
    int found = 0;
    /* rows are at least 27 px high with 4 px gaps, columns at least 220 px wide */
    for (int y = h / 2; y < h; y += 12)
        for (int x = 40; x < w; x += 110) {
            in.mx = x, in.my = y;
            app_frame(app, r, &in, 0.0, false);
            for (int i = 0; i < app->n_lessons; i++)
                if (app->ui.st.hot == ui_id_index(lid, i) && !seen[i])
                    seen[i] = true, found++;
        }
    return found;
}

/* Every bundled lesson has a row the mouse can reach on the home page: at 1280x800 all at once
 * (balanced columns, no row cut off by the window), at 800x600 and at scale 2 on 1920x1080 by
 * choosing it (↓, or the wheel over the list scrolls it into view). */
static void test_home_lessons(int w, int h, float scale, bool all_at_once)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = SDL_CreateSoftwareRenderer(s);
    char err[256];
    Render *r = render_create(sdl, NULL, err, sizeof err);
    App *app = app_create(THEME_DARK, scale);
    CHECK(r != NULL && app != NULL);
    if (!r || !app)
        goto out;
    CHECK(app->n_lessons >= 15);
    bool seen[APP_MAX_LESSONS] = {false};
    int n = scan_home_lessons(app, r, w, h, seen);
    if (all_at_once)
        CHECK_INT_EQ(app->n_lessons, n);
    else
        CHECK(n >= 4);
    /* choose the first lesson not seen yet: its row (and its neighbours) come into view */
    for (int round = 0; round < APP_MAX_LESSONS && n < app->n_lessons; round++) {
        int i = 0;
        while (seen[i])
            i++;
        app->home_sel = LAB_COUNT + i;
        int more = scan_home_lessons(app, r, w, h, seen);
        CHECK(seen[i]);
        if (more == 0)
            break;
        n += more;
    }
    CHECK_INT_EQ(app->n_lessons, n);
    /* the wheel (toward the user) over the list chooses a later lesson */
    if (!all_at_once) {
        app->home_sel = LAB_COUNT;
        UiInput in;
        memset(&in, 0, sizeof in);
        in.mx = -1, in.my = -1;
        app_frame(app, r, &in, 0.0, false);
        int y = h - 1;
        UiId lid = ui_id("home.lesson");
        for (; y > h / 3; y -= 4) {
            in.mx = w / 4, in.my = y;
            app_frame(app, r, &in, 0.0, false);
            if (app->ui.st.hot == ui_id_index(lid, 0))
                break;
        }
        in.wheel = -1;
        app_frame(app, r, &in, 0.0, false);
        CHECK(app->home_sel > LAB_COUNT);
    }
out:
    app_destroy(app);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);
}

int main(void)
{
    test_layout();
    test_registry();
    test_keys();
    test_scale_cap();
    test_banner_wraps();
    test_headless_frame();
    test_timeline_label();
    test_slider_labels(1.0f);
    test_slider_labels(2.0f);
    test_render_command();
    test_home_lessons(1280, 800, 1.0f, true);
    test_home_lessons(800, 600, 1.0f, false);
    test_home_lessons(1920, 1080, 2.0f, false);
    SDL_Quit();
    return test_summary();
}
