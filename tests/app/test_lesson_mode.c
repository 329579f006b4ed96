/* test_lesson_mode.c - lesson mode in the app frame, the classroom rules: a digit typed on a
 * number step fills the answer field (the lab stays); a tab click to another lab closes the
 * lesson and the toast names it (found drawn); two wrong answers show the step's worked
 * explain (found drawn by the render seam's text hook); ? (shift+/ or SDLK_QUESTION) opens
 * the help. */
#include "app/app.h"
#include "app/lesson_host.h"
#include "labs/lab.h"
#include "lesson/lesson.h"
#include "test.h"

#include <SDL.h>
#include <stdlib.h>

#define LESSON1 CONVSCOPE_SOURCE_ROOT "/lessons/01-images-as-numbers.lesson"

/* The texts one frame drew: strings and where. */
typedef struct Drawn {
    int n;
    char text[512][160];
    Rect rc[512];
} Drawn;

static void record(void *user, const RenderTextDraw *d)
{
    Drawn *dr = user;
    if (dr->n < 512) {
        snprintf(dr->text[dr->n], sizeof dr->text[0], "%s", d->utf8);
        dr->rc[dr->n++] = d->rc;
    }
}

/* Index of the first drawn text containing s, or -1. */
static int drawn_find(const Drawn *dr, const char *s)
{
    for (int i = 0; i < dr->n; i++)
        if (strstr(dr->text[i], s))
            return i;
    return -1;
}

static void frame(App *app, Render *r, UiInput *in, Drawn *dr)
{
    dr->n = 0;
    render_set_text_hook(r, record, dr);
    app_frame(app, r, in, 0.0, in->mx < 0); /* headless frames see no mouse */
    render_set_text_hook(r, NULL, NULL);
    memset(in, 0, sizeof *in);
    in->mx = in->my = -1;
}

static void test_lesson_mode(void)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    char err[1200] = "";
    Render *r = sdl ? render_create(sdl, NULL, err, sizeof err) : NULL;
    App *app = app_create(THEME_DARK, 1.0f);
    static Drawn dr;
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;
    Lesson *ls = lesson_load(LESSON1, err, sizeof err);
    CHECK(r != NULL && app != NULL && ls != NULL);
    if (!r || !app || !ls)
        goto out;

    /* step 1 asks a number (100) on the Convolution lab: a digit goes to the answer field */
    CHECK(lesson_host_open(app, LESSON1, 1, err, sizeof err));
    frame(app, r, &in, &dr);
    int lab = lesson_host_lab(app);
    CHECK_INT_EQ(lab, app->screen);
    CHECK_STR_EQ("", lesson_host_answer(app));
    /* one step counter each: the sidebar counts the lesson's parts, the timeline the windows */
    char part[32];
    snprintf(part, sizeof part, "lesson 1 / %d", ls->n_steps);
    CHECK(drawn_find(&dr, part) >= 0);
    CHECK(drawn_find(&dr, "window 0 / ") >= 0);
    CHECK_INT_EQ(-1, drawn_find(&dr, "step 1 / "));
    CHECK(app_key(app, SDLK_9, false, false));
    CHECK(app_key(app, SDLK_KP_9, false, false));
    CHECK_STR_EQ("99", lesson_host_answer(app));
    CHECK_INT_EQ(lab, app->screen);
    frame(app, r, &in, &dr);
    CHECK(drawn_find(&dr, "99") >= 0); /* the field shows it */
    CHECK_INT_EQ(LESSON_UNANSWERED, lesson_host_verdict(app));

    /* two wrong answers: the first gives "try again", the second the worked explain */
    const char *explain = ls->steps[0].explain; /* "10 rows × 10 columns = 100 pixels, ..." */
    char head[8];
    snprintf(head, sizeof head, "%.7s", explain);
    CHECK_STR_EQ("10 rows", head);
    CHECK(app_key(app, SDLK_RETURN, false, false));
    CHECK_INT_EQ(LESSON_WRONG, lesson_host_verdict(app));
    frame(app, r, &in, &dr);
    frame(app, r, &in, &dr);
    CHECK(drawn_find(&dr, "Try again") >= 0);
    CHECK_INT_EQ(-1, drawn_find(&dr, head));
    /* the wrong answer stays, selected: the next digit replaces it (not "998") */
    CHECK_STR_EQ("99", lesson_host_answer(app));
    CHECK(app_key(app, SDLK_8, false, false));
    CHECK_STR_EQ("8", lesson_host_answer(app));
    CHECK(app_key(app, SDLK_RETURN, false, false));
    CHECK_INT_EQ(LESSON_WRONG, lesson_host_verdict(app));
    frame(app, r, &in, &dr);
    frame(app, r, &in, &dr);
    int at = drawn_find(&dr, head);
    CHECK(at >= 0);
    CHECK(drawn_find(&dr, "Not quite (2 tries)") >= 0);
    /* the field has the keyboard with "8" selected: typing into it replaces, not "85" */
    snprintf(in.text, sizeof in.text, "5");
    frame(app, r, &in, &dr);
    CHECK_STR_EQ("5", lesson_host_answer(app));
    snprintf(in.text, sizeof in.text, "0");
    frame(app, r, &in, &dr);
    CHECK_STR_EQ("50", lesson_host_answer(app));
    Rect side = lesson_host_sidebar(app);
    if (at >= 0) /* inside the sidebar */
        CHECK(at >= 0 && dr.rc[at].x >= side.x && dr.rc[at].x + dr.rc[at].w <= side.x + side.w);

    /* ? opens the help (shift+/ on US keyboards, SDLK_QUESTION elsewhere), ? again closes */
    CHECK(!app->help_open);
    CHECK(app_key(app, SDLK_SLASH, false, true));
    CHECK(app->help_open);
    CHECK(app_key(app, SDLK_SLASH, false, true));
    CHECK(!app->help_open);
    CHECK(app_key(app, SDLK_QUESTION, false, false));
    CHECK(app->help_open);
    CHECK(app_key(app, SDLK_ESCAPE, false, false));
    CHECK(!app->help_open);
    CHECK(app->lesson != NULL);

    /* a click on another lab's tab closes the lesson: the toast names it */
    int other = lab == 0 ? 1 : 0;
    frame(app, r, &in, &dr);
    int tab = -1;
    for (int i = 0; i < dr.n && tab < 0; i++)
        if (strstr(dr.text[i], lab_get(other)->title) && dr.rc[i].y < 80)
            tab = i;
    CHECK(tab >= 0);
    if (tab < 0)
        goto out;
    in.mx = dr.rc[tab].x + dr.rc[tab].w / 2;
    in.my = dr.rc[tab].y + dr.rc[tab].h / 2;
    frame(app, r, &in, &dr);
    in.mx = dr.rc[tab].x + dr.rc[tab].w / 2;
    in.my = dr.rc[tab].y + dr.rc[tab].h / 2;
    in.mouse_down = in.mouse_pressed = true;
    frame(app, r, &in, &dr);
    in.mx = dr.rc[tab].x + dr.rc[tab].w / 2;
    in.my = dr.rc[tab].y + dr.rc[tab].h / 2;
    in.mouse_released = true;
    frame(app, r, &in, &dr);
    frame(app, r, &in, &dr);
    CHECK_INT_EQ(other, app->screen);
    CHECK(app->lesson == NULL);
    CHECK_CONTAINS(app->toast, "Lesson closed: Images are numbers");
    at = drawn_find(&dr, "Lesson closed");
    CHECK(at >= 0);
    if (at >= 0) /* on screen */
        CHECK(dr.rc[at].x >= 0 && dr.rc[at].x + dr.rc[at].w <= 1280 && dr.rc[at].y >= 0 &&
              dr.rc[at].y + dr.rc[at].h <= 800);
out:
    lesson_free(ls);
    app_destroy(app);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);
}

int main(void)
{
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    test_lesson_mode();
    return test_summary();
}
