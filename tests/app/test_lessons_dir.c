/* test_lessons_dir.c - every bundled lesson (each .lesson file in lessons/) parses and dry-runs against the
 * real labs' set_option and timelines (so a renamed option or lab breaks the build, STYLE 13);
 * the checker refuses unknown labs, options and steps with FILE:LINE; a lesson opened in the
 * app frame moves between steps and draws its sidebar, found by its pixels. */
#include "app/app.h"
#include "app/lesson_host.h"
#include "test.h"
#include "viz/grid.h"

#include <SDL.h>
#include <dirent.h>
#include <stdlib.h>

#define LESSONS_DIR CONVSCOPE_SOURCE_ROOT "/lessons"

static int cmp_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void test_bundled(void)
{
    static char names[64][256];
    int n = 0;
    DIR *d = opendir(LESSONS_DIR);
    CHECK(d != NULL);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64) {
        size_t len = strlen(e->d_name);
        if (len > 7 && strcmp(e->d_name + len - 7, ".lesson") == 0 && len < sizeof names[0])
            snprintf(names[n++], sizeof names[0], "%s", e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_names);
    /* the set the brief asks for, by what the labs can show now */
    CHECK(n >= 11);
    const LessonHost *host = lesson_host_checker();
    int steps = 0;
    for (int i = 0; i < n; i++) {
        char path[600], err[8192] = "";
        snprintf(path, sizeof path, "%s/%.255s", LESSONS_DIR, names[i]);
        Lesson *ls = lesson_load(path, err, sizeof err);
        CHECK(ls != NULL);
        if (!ls) {
            fprintf(stderr, "%s\n", err);
            continue;
        }
        /* NN-topic.lesson names, a title, and a question in most steps */
        CHECK(names[i][0] >= '0' && names[i][0] <= '9' && names[i][1] >= '0' &&
              names[i][1] <= '9' && names[i][2] == '-');
        CHECK(ls->title[0] != '\0');
        int failed = lesson_dry_run(ls, host, err, sizeof err);
        CHECK_INT_EQ(0, failed);
        if (failed)
            fprintf(stderr, "%s\n", err);
        int asks = 0;
        for (int s = 0; s < ls->n_steps; s++) {
            asks += ls->steps[s].ask != LESSON_ASK_NONE;
            CHECK(ls->steps[s].text[0] != '\0');
        }
        CHECK(asks * 2 >= ls->n_steps);
        steps += ls->n_steps;
        lesson_free(ls);
    }
    CHECK(steps >= 40);
    lesson_host_checker_release();
}

static void test_checker_refuses(void)
{
    const LessonHost *host = lesson_host_checker();
    char err[4096] = "";
    Lesson *ls = lesson_parse("title T\n"
                              "step\nlab convolution\nset kernel-size 3\n"
                              "step\nlab network\n"
                              "step\nlab nosuchlab\n"
                              "step\nlab pooling\nset step 99\n"
                              "step\nlab channels\nset stride 9\n"
                              "step\nlab activations\nset function relu\nset step 3\n",
                              "bad.lesson", err, sizeof err);
    CHECK(ls != NULL);
    if (!ls)
        return;
    /* every lab is linked here, so the bare `lab network` step (line 6) dry-runs clean */
    CHECK_INT_EQ(4, lesson_dry_run(ls, host, err, sizeof err));
    CHECK_CONTAINS(err, "bad.lesson:4: set kernel-size 3: convolution: unknown option "
                        "'kernel-size'");
    CHECK(strstr(err, "bad.lesson:6:") == NULL);
    CHECK_CONTAINS(err, "bad.lesson:8: lab nosuchlab: unknown lab 'nosuchlab' (convolution, "
                        "pooling, channels, network, train, backprop, matrix, activations)");
    CHECK_CONTAINS(err, "bad.lesson:11: step 4: set step 99: this scene has steps 0..4");
    CHECK_CONTAINS(err, "bad.lesson:14: set stride 9:");
    lesson_free(ls);
    lesson_host_checker_release();
}

/* Pixels of exactly colour rgb inside rc. */
static int count_color(const SDL_Surface *s, Rect rc, uint32_t rgb)
{
    const uint32_t *p = s->pixels;
    int pitch = s->pitch / 4, n = 0;
    for (int y = rc.y; y < rc.y + rc.h; y++)
        for (int x = rc.x; x < rc.x + rc.w; x++)
            n += (p[y * pitch + x] & 0xffffff) == rgb;
    return n;
}

/* Pixels brighter than the panel (text) inside rc. */
static int count_bright(const SDL_Surface *s, Rect rc)
{
    const uint32_t *p = s->pixels;
    int pitch = s->pitch / 4, n = 0;
    for (int y = rc.y; y < rc.y + rc.h; y++)
        for (int x = rc.x; x < rc.x + rc.w; x++) {
            uint32_t c = p[y * pitch + x];
            n += ((c >> 16) & 0xff) > 180 && ((c >> 8) & 0xff) > 180 && (c & 0xff) > 180;
        }
    return n;
}

static void test_sidebar(void)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    char err[1200] = "";
    Render *r = sdl ? render_create(sdl, NULL, err, sizeof err) : NULL;
    App *app = app_create(THEME_DARK, 1.0f);
    CHECK(r != NULL && app != NULL);
    if (!r || !app)
        goto out;
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;

    /* a missing step and a missing file are refused, and nothing opens */
    CHECK(!lesson_host_open(app, LESSONS_DIR "/03-sliding-a-kernel.lesson", 9, err, sizeof err));
    CHECK_CONTAINS(err, "03-sliding-a-kernel.lesson: no step 9 (the lesson has steps 1..3)");
    CHECK(app->lesson == NULL);
    CHECK(!lesson_host_open(app, LESSONS_DIR "/nope.lesson", 1, err, sizeof err));
    CHECK_CONTAINS(err, "nope.lesson: cannot open");

    CHECK(lesson_host_open(app, LESSONS_DIR "/03-sliding-a-kernel.lesson", 1, err, sizeof err));
    int conv = -1;
    lab_find("convolution", &conv);
    CHECK_INT_EQ(conv, app->screen);
    CHECK_INT_EQ(1, lesson_host_step(app));
    /* the scene's `set step 1`: the timeline is on the first window */
    const LabDef *lab = lab_get(conv);
    Timeline *tl = lab->timeline(app_lab_state(app));
    CHECK_INT_EQ(1, tl->pos);
    CHECK_INT_EQ(4, tl->count);

    app_frame(app, r, &in, 0.0, true);
    app_frame(app, r, &in, 0.0, true);
    SDL_RenderFlush(sdl);
    Rect side = lesson_host_sidebar(app);
    /* the sidebar is on the right, beside a narrower stage */
    CHECK(side.w >= 300 && side.x + side.w <= 1280 && side.x > 800);
    CHECK(app->lay.stage.x + app->lay.stage.w < side.x);
    /* the amber progress bar (1 of 3 steps) and the narration's light text are drawn */
    int amber = count_color(s, side, 0xffb000);
    CHECK(amber > 100);
    Rect text = {side.x, side.y + 100, side.w, 150};
    CHECK(count_bright(s, text) > 500);

    /* Page Down: step 2 (the scene replays step 1's sets, then `set step 3`) */
    CHECK(app_key(app, SDLK_PAGEDOWN, false, false));
    CHECK_INT_EQ(2, lesson_host_step(app));
    tl = lab->timeline(app_lab_state(app));
    CHECK_INT_EQ(3, tl->pos);
    app_frame(app, r, &in, 0.0, true);
    SDL_RenderFlush(sdl);
    /* the progress bar grew: 2 of 3 */
    CHECK(count_color(s, side, 0xffb000) > amber);
    CHECK(app_key(app, SDLK_PAGEDOWN, false, false));
    CHECK(app_key(app, SDLK_PAGEDOWN, false, false)); /* at the end: taken, nothing moves */
    CHECK_INT_EQ(3, lesson_host_step(app));
    CHECK(app_key(app, SDLK_PAGEUP, false, false));
    CHECK_INT_EQ(2, lesson_host_step(app));

    /* a lesson on another lab switches the screen; going home hides the sidebar */
    CHECK(lesson_host_open(app, LESSONS_DIR "/08-pooling.lesson", 2, err, sizeof err));
    int pool = -1;
    lab_find("pooling", &pool);
    CHECK_INT_EQ(pool, app->screen);
    app_go_home(app);
    app_frame(app, r, &in, 0.0, true);
    CHECK_INT_EQ(0, lesson_host_sidebar(app).w);
    lesson_host_close(app);
    CHECK(app->lesson == NULL);
out:
    app_destroy(app);
    render_destroy(r);
    if (sdl)
        SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);
}

/* One headless frame with in (then the input is cleared, as the window does). */
static void step_frame(App *app, Render *r, UiInput *in)
{
    app_frame(app, r, in, 0.0, true);
    memset(in, 0, sizeof *in);
    in->mx = in->my = -1;
}

/* Answering with the keyboard through the app frame: Tab gives the sidebar the keys, letters
 * pick choices (digits still open labs), the number field starts empty and Enter checks it;
 * Esc gives the keys back; Back is dimmed on step 1. */
static void test_sidebar_keys(void)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    char err[1200] = "";
    Render *r = sdl ? render_create(sdl, NULL, err, sizeof err) : NULL;
    App *app = app_create(THEME_DARK, 1.0f);
    CHECK(r != NULL && app != NULL);
    if (!r || !app)
        goto out;
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;

    /* step 3 of lesson 1 asks a choice: 25, 75* or 125 (on the Channels lab) */
    CHECK(lesson_host_open(app, LESSONS_DIR "/01-images-as-numbers.lesson", 3, err, sizeof err));
    step_frame(app, r, &in);
    CHECK(!lesson_host_has_keys(app));
    /* without the sidebar's focus a letter is the lab's (Channels takes none) */
    CHECK(!app_key(app, SDLK_b, false, false));
    CHECK_INT_EQ(LESSON_UNANSWERED, lesson_host_verdict(app));
    CHECK(app_key(app, SDLK_TAB, false, false));
    CHECK(lesson_host_has_keys(app));
    step_frame(app, r, &in);
    SDL_RenderFlush(sdl);
    /* the focused sidebar: an amber edge and the amber key hint */
    Rect side = lesson_host_sidebar(app);
    CHECK(count_color(s, (Rect){side.x, side.y + side.h / 2, 2, 40}, 0xffb000) >= 40);
    CHECK(app_key(app, SDLK_a, false, false));
    CHECK_INT_EQ(LESSON_WRONG, lesson_host_verdict(app));
    CHECK(app_key(app, SDLK_b, false, false));
    CHECK_INT_EQ(LESSON_RIGHT, lesson_host_verdict(app));
    /* D is no choice here: not the sidebar's */
    CHECK(!app_key(app, SDLK_d, false, false));
    CHECK_INT_EQ(LESSON_RIGHT, lesson_host_verdict(app));
    /* a stray digit cannot leave the lesson's lab (a choice question: 1 is held back with a
     * hint), the lesson stays open beside its own lab */
    int lesson_lab = app->screen;
    CHECK_INT_EQ(lesson_lab, lesson_host_lab(app));
    CHECK(app_key(app, SDLK_1, false, false));
    CHECK_INT_EQ(lesson_lab, app->screen);
    CHECK(app->lesson != NULL);
    /* Esc gives the keys back before it would go home */
    CHECK(app_key(app, SDLK_ESCAPE, false, false));
    CHECK(!lesson_host_has_keys(app));
    CHECK_INT_EQ(lesson_lab, app->screen);

    /* step 1 asks a number (100): the field starts empty, Back is dimmed */
    CHECK(lesson_host_open(app, LESSONS_DIR "/01-images-as-numbers.lesson", 1, err, sizeof err));
    step_frame(app, r, &in);
    SDL_RenderFlush(sdl);
    CHECK_STR_EQ("", lesson_host_answer(app));
    side = lesson_host_sidebar(app);
    int u = theme_px(&app->th, 8), row = ui_row_height(&app->th);
    Rect inner = rect_inset(side, 2 * u);
    Rect back = {inner.x, inner.y + inner.h - row, (inner.w - u) / 2, row};
    Rect next = {back.x + back.w + u, back.y, back.w, row};
    uint32_t face = (uint32_t)(app->th.control.r << 16 | app->th.control.g << 8 |
                               app->th.control.b);
    CHECK(count_color(s, rect_inset(back, 4), face) < 20);
    CHECK(count_color(s, rect_inset(next, 4), face) > 1000);
    CHECK(!ui_wants_keys(&app->ui));
    CHECK(app_key(app, SDLK_TAB, false, false));
    step_frame(app, r, &in);
    CHECK(ui_wants_keys(&app->ui)); /* the field has the caret: typing goes there */
    snprintf(in.text, sizeof in.text, "99");
    step_frame(app, r, &in);
    CHECK_STR_EQ("99", lesson_host_answer(app));
    in.key = UI_KEY_ENTER;
    step_frame(app, r, &in);
    CHECK_INT_EQ(LESSON_WRONG, lesson_host_verdict(app));
    /* the field let go on Enter; the sidebar still has the keys: fix the answer, Enter */
    CHECK(!ui_wants_keys(&app->ui));
    /* Enter with the caret gone is the sidebar's: it checks the text again */
    CHECK(app_key(app, SDLK_RETURN, false, false));
    CHECK_INT_EQ(LESSON_WRONG, lesson_host_verdict(app));
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;
    CHECK(app_key(app, SDLK_TAB, false, false)); /* keys back to the lab */
    CHECK(app_key(app, SDLK_TAB, false, false)); /* and to the sidebar: the caret again */
    step_frame(app, r, &in);
    CHECK(ui_wants_keys(&app->ui));
    in.key = UI_KEY_BACKSPACE;
    step_frame(app, r, &in);
    snprintf(in.text, sizeof in.text, "0");
    step_frame(app, r, &in);
    in.key = UI_KEY_BACKSPACE;
    step_frame(app, r, &in);
    snprintf(in.text, sizeof in.text, "100");
    step_frame(app, r, &in);
    /* the wrong "99" came back selected: the first Backspace emptied it (not "9100") */
    CHECK_STR_EQ("100", lesson_host_answer(app));
    for (int i = 0; i < 4; i++) {
        in.key = UI_KEY_BACKSPACE;
        step_frame(app, r, &in);
    }
    snprintf(in.text, sizeof in.text, "100");
    in.key = UI_KEY_ENTER;
    step_frame(app, r, &in);
    CHECK_INT_EQ(LESSON_RIGHT, lesson_host_verdict(app));
    /* the next step starts with an empty field that has the caret (the sidebar kept the keys) */
    CHECK(app_key(app, SDLK_PAGEDOWN, false, false));
    CHECK_STR_EQ("", lesson_host_answer(app));
    step_frame(app, r, &in);
    CHECK(ui_wants_keys(&app->ui));
    /* on step 2 Back is live */
    SDL_RenderFlush(sdl);
    CHECK(count_color(s, rect_inset(back, 4), face) > 1000);
    /* lesson 5 step 3 (Visits, padding 1) beside the sidebar: the input's title keeps the
     * body size, "(padding 1)" on a line of its own */
    CHECK(lesson_host_open(app, LESSONS_DIR "/05-padding-stride.lesson", 3, err, sizeof err));
    step_frame(app, r, &in);
    grid_title_min_size();
    step_frame(app, r, &in);
    CHECK_INT_EQ(theme_px(&app->th, THEME_BODY), grid_title_min_size());
    /* and lesson 8 step 5: three named feature maps side by side beside the sidebar */
    CHECK(lesson_host_open(app, LESSONS_DIR "/08-pooling.lesson", 5, err, sizeof err));
    step_frame(app, r, &in);
    grid_title_min_size();
    step_frame(app, r, &in);
    CHECK_INT_EQ(theme_px(&app->th, THEME_BODY), grid_title_min_size());
    /* the help overlay lists the sidebar's keys */
    UiHelpSection secs[4];
    int n = app_help_sections(app, secs, 4);
    CHECK_INT_EQ(3, n);
    CHECK_STR_EQ("Lesson sidebar", n == 3 ? secs[2].heading : "");
out:
    app_destroy(app);
    render_destroy(r);
    if (sdl)
        SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);
}

/* The lowest row with amber inside rc (the step bar and the step's heading), or -1. */
static int amber_bottom(const SDL_Surface *s, Rect rc)
{
    const uint32_t *p = s->pixels;
    int pitch = s->pitch / 4, bottom = -1;
    for (int y = rc.y; y < rc.y + rc.h; y++)
        for (int x = rc.x; x < rc.x + rc.w; x++)
            if ((p[y * pitch + x] & 0xffffff) == 0xffb000)
                bottom = y;
    return bottom;
}

/* 800x600: lesson 15 step 1's number question leaves its narration no room. The question box
 * (filled with the window background) never covers the step's heading: narration and question
 * scroll together under it; Tab brings the question into view with the caret in the field;
 * Tab in the field only moves the keyboard (back to the lab), it does not check the answer. */
static void test_sidebar_small(void)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 800, 600, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    char err[1200] = "";
    Render *r = sdl ? render_create(sdl, NULL, err, sizeof err) : NULL;
    App *app = app_create(THEME_DARK, 1.0f);
    CHECK(r != NULL && app != NULL);
    if (!r || !app)
        goto out;
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;
    CHECK(lesson_host_open(app, LESSONS_DIR "/15-receptive-fields.lesson", 1, err, sizeof err));
    step_frame(app, r, &in);
    step_frame(app, r, &in);
    SDL_RenderFlush(sdl);
    Rect side = lesson_host_sidebar(app);
    CHECK(side.w > 0);
    /* inside the rounded edge (the corners show the window background) */
    int rad = theme_px(&app->th, THEME_RADIUS) + 2;
    Rect inner = {side.x + rad, side.y + rad, side.w - 2 * rad, side.h - 2 * rad};
    int head = amber_bottom(s, (Rect){inner.x, inner.y, inner.w, inner.h / 2});
    CHECK(head > inner.y);
    Rect upper = {inner.x, inner.y, inner.w, head + 1 - inner.y};
    CHECK_INT_EQ(0, count_color(s, upper, 0x15171c));
    /* the narration shows first (text under the heading) */
    CHECK(count_bright(s, (Rect){inner.x, head + 4, inner.w, 40}) > 100);
    /* lesson 13 step 6: three choices under a long narration (its question box used to hide
     * the heading "A learning rate too large" entirely) */
    CHECK(lesson_host_open(app, LESSONS_DIR "/13-training.lesson", 6, err, sizeof err));
    step_frame(app, r, &in);
    step_frame(app, r, &in);
    SDL_RenderFlush(sdl);
    Rect side13 = lesson_host_sidebar(app);
    Rect inner13 = {side13.x + rad, side13.y + rad, side13.w - 2 * rad, side13.h - 2 * rad};
    int head13 = amber_bottom(s, (Rect){inner13.x, inner13.y, inner13.w, inner13.h / 2});
    /* the heading's two lines of amber text, not just the step bar */
    CHECK(head13 > inner13.y + 100);
    CHECK_INT_EQ(0, count_color(s, (Rect){inner13.x, inner13.y, inner13.w, head13 + 1 - inner13.y},
                                0x15171c));
    /* Esc closes the divergence banner (not this test's) */
    CHECK(app_key(app, SDLK_ESCAPE, false, false));
    CHECK(app->banner[0] == '\0');
    CHECK(lesson_host_open(app, LESSONS_DIR "/15-receptive-fields.lesson", 1, err, sizeof err));
    step_frame(app, r, &in);
    step_frame(app, r, &in);
    /* Tab: the sidebar takes the keys, the question scrolls into view, the field has the
     * caret; the heading is still not covered */
    CHECK(app_key(app, SDLK_TAB, false, false));
    step_frame(app, r, &in);
    step_frame(app, r, &in);
    SDL_RenderFlush(sdl);
    CHECK(ui_wants_keys(&app->ui));
    CHECK(count_color(s, (Rect){inner.x, head + 1, inner.w, inner.y + inner.h - head - 1},
                      0x15171c) > 2000);
    CHECK_INT_EQ(0, count_color(s, upper, 0x15171c));
    /* type 99, then Tab: the field lets go, the text stays, nothing is checked, and the
     * keyboard goes back to the lab */
    snprintf(in.text, sizeof in.text, "99");
    step_frame(app, r, &in);
    CHECK_STR_EQ("99", lesson_host_answer(app));
    in.key = UI_KEY_TAB;
    step_frame(app, r, &in);
    CHECK_INT_EQ(LESSON_UNANSWERED, lesson_host_verdict(app));
    CHECK_STR_EQ("99", lesson_host_answer(app));
    CHECK(!ui_wants_keys(&app->ui));
    CHECK(!lesson_host_has_keys(app));
    /* Enter is still the check: Tab back in, Enter */
    CHECK(app_key(app, SDLK_TAB, false, false));
    step_frame(app, r, &in);
    in.key = UI_KEY_ENTER;
    step_frame(app, r, &in);
    CHECK_INT_EQ(LESSON_WRONG, lesson_host_verdict(app));
out:
    app_destroy(app);
    render_destroy(r);
    if (sdl)
        SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);
}

/* The answer field's rectangle as the mouse finds it: rows of the sidebar where hovering makes
 * the field the hot widget (frames drawn with the mouse, not headless); w 0 when none. */
static Rect find_answer_field(App *app, Render *r)
{
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;
    app_frame(app, r, &in, 0.0, false); /* lays the sidebar out */
    Rect side = lesson_host_sidebar(app);
    UiId aid = ui_id("lesson.answer");
    int x = side.x + side.w / 4;
    int hit = -1;
    for (int y = side.y; y < side.y + side.h && hit < 0; y += 6) {
        in.mx = x, in.my = y;
        app_frame(app, r, &in, 0.0, false);
        app_frame(app, r, &in, 0.0, false); /* hot is last frame's */
        if (app->ui.st.hot == aid)
            hit = y;
    }
    if (hit < 0)
        return (Rect){0, 0, 0, 0};
    int top = hit, bottom = hit;
    for (in.my = hit - 1; in.my > hit - 8; in.my--) {
        app_frame(app, r, &in, 0.0, false);
        app_frame(app, r, &in, 0.0, false);
        if (app->ui.st.hot != aid)
            break;
        top = in.my;
    }
    for (in.my = hit + 1; in.my < hit + 80; in.my++) {
        app_frame(app, r, &in, 0.0, false);
        app_frame(app, r, &in, 0.0, false);
        if (app->ui.st.hot != aid)
            break;
        bottom = in.my;
    }
    return (Rect){x, top, 1, bottom + 1 - top};
}

/* A wrong answer's feedback line does not move the answer field: its room is kept while no
 * feedback shows, so a second click where the field was still lands in it (it moved up before,
 * and a typed digit then opened a lab). */
static void test_field_stays(int w, int h)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    char err[1200] = "";
    Render *r = sdl ? render_create(sdl, NULL, err, sizeof err) : NULL;
    App *app = app_create(THEME_DARK, 1.0f);
    CHECK(r != NULL && app != NULL);
    if (!r || !app)
        goto out;
    /* step 1 of lesson 1 asks a number (100) */
    CHECK(lesson_host_open(app, LESSONS_DIR "/01-images-as-numbers.lesson", 1, err, sizeof err));
    /* at 800x600 the question shares a scrolled column with the narration: Tab shows it */
    CHECK(app_key(app, SDLK_TAB, false, false));
    Rect before = find_answer_field(app, r);
    CHECK(before.h > 10);
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = before.x, in.my = before.y + before.h / 2;
    in.mouse_pressed = in.mouse_down = true;
    app_frame(app, r, &in, 0.0, false);
    in.mouse_pressed = in.mouse_down = false;
    in.mouse_released = true;
    app_frame(app, r, &in, 0.0, false);
    in.mouse_released = false;
    snprintf(in.text, sizeof in.text, "7");
    app_frame(app, r, &in, 0.0, false);
    in.text[0] = '\0';
    in.key = UI_KEY_ENTER;
    app_frame(app, r, &in, 0.0, false);
    in.key = UI_KEY_NONE;
    app_frame(app, r, &in, 0.0, false);
    CHECK_INT_EQ(LESSON_WRONG, lesson_host_verdict(app));
    CHECK_STR_EQ("7", lesson_host_answer(app));
    Rect after = find_answer_field(app, r);
    CHECK_INT_EQ(before.y, after.y);
    CHECK_INT_EQ(before.h, after.h);
    /* a click at the old spot focuses the field again: a digit is typed, no lab opens */
    int screen = app->screen;
    in.mx = before.x, in.my = before.y + before.h / 2;
    in.mouse_pressed = in.mouse_down = true;
    app_frame(app, r, &in, 0.0, false);
    in.mouse_pressed = in.mouse_down = false;
    in.mouse_released = true;
    app_frame(app, r, &in, 0.0, false);
    CHECK(app->ui.st.focus == ui_id("lesson.answer"));
    CHECK(ui_wants_keys(&app->ui));
    CHECK_INT_EQ(screen, app->screen);
out:
    app_destroy(app);
    render_destroy(r);
    if (sdl)
        SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);
}

int main(void)
{
    test_bundled();
    test_checker_refuses();
    test_sidebar();
    test_sidebar_keys();
    test_sidebar_small();
    test_field_stays(1280, 800);
    test_field_stays(800, 600);
    return test_summary();
}
