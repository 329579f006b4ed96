/* lesson_host.c - lessons in the application: scenes applied to the real labs, the sidebar, and
 * the dry-run host of `convscope check`. The app is reached only through its LessonShell.
 * Depends on: app/rich_text.h (the narration), labs/lab.h, lesson, engine/assets.h, ui, viz. */
#include "app/lesson_host.h"

#include "app/rich_text.h"
#include "engine/assets.h"
#include "labs/lab.h"
#include "viz/colormap.h"

#include <SDL_keycode.h>
#include <math.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== scenes into labs =========================================================================
 */

/* Where a scene goes: the app's own lab states (the window, render) or private ones (check). */
typedef struct SceneTarget {
    App *app;             /* NULL for the checker */
    void *own[LAB_COUNT]; /* the checker's states */
    int lab;              /* the scene's lab index, -1 before begin_scene */
    void *state;          /* that lab's state from begin_scene on */
    long step;            /* timeline position asked by `set step`, -1 none */
} SceneTarget;

static void list_labs(char *out, size_t n, bool built_only)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < LAB_COUNT; i++) {
        const LabDef *lab = lab_get(i);
        if (built_only && !lab_is_built(lab))
            continue;
        int k = snprintf(out + used, n - used, "%s%s", used ? ", " : "", lab->name);
        if (k < 0 || (size_t)k >= n - used)
            break;
        used += (size_t)k;
    }
}

static bool scene_begin(void *user, const char *name, char *err, size_t n)
{
    SceneTarget *t = user;
    char names[256];
    int idx = -1;
    const LabDef *lab = lab_find(name, &idx);
    t->lab = -1;
    t->state = NULL;
    t->step = -1;
    if (!lab) {
        list_labs(names, sizeof names, false);
        snprintf(err, n, "unknown lab '%s' (%s)", name, names);
        return false;
    }
    if (!lab_is_built(lab)) {
        list_labs(names, sizeof names, true);
        snprintf(err, n, "the %s lab is not built yet (built: %s)", lab->name, names);
        return false;
    }
    /* every scene starts from the lab's defaults, so a step always shows the same numbers */
    char cerr[1024] = "";
    if (t->app) {
        t->state = app_lesson_shell(t->app).show_lab(t->app, idx, cerr, sizeof cerr);
    } else {
        if (t->own[idx]) {
            lab->destroy(t->own[idx]);
            t->own[idx] = NULL;
        }
        t->own[idx] = lab->create(cerr, sizeof cerr);
        t->state = t->own[idx];
    }
    if (!t->state) {
        snprintf(err, n, "the %s lab could not start: %s", lab->name,
                 cerr[0] ? cerr : "no reason given");
        return false;
    }
    t->lab = idx;
    return true;
}

static bool scene_set(void *user, const char *key, const char *value, char *err, size_t n)
{
    SceneTarget *t = user;
    const LabDef *lab = lab_get(t->lab);
    void *st = t->state;
    if (strcmp(key, "step") == 0) {
        /* the timeline position: applied once every other setting is in (lab.h) */
        char *end = NULL;
        long v = strtol(value, &end, 10);
        if (end == value || *end || v < 0 || v > 1000000) {
            snprintf(err, n, "step=%s: expected a whole number >= 0 (the timeline position)",
                     value);
            return false;
        }
        t->step = v;
        return true;
    }
    if (!lab->set_option) {
        snprintf(err, n, "the %s lab takes no settings", lab->name);
        return false;
    }
    if (!lab->set_option(st, key, value, err, n)) {
        if (!err[0])
            snprintf(err, n, "unknown option for the %s lab", lab->name);
        return false;
    }
    return true;
}

static bool scene_end(void *user, char *err, size_t n)
{
    SceneTarget *t = user;
    if (t->step < 0)
        return true;
    const LabDef *lab = lab_get(t->lab);
    void *st = t->state;
    Timeline *tl = lab->timeline ? lab->timeline(st) : NULL;
    if (!tl) {
        snprintf(err, n, "set step %ld: the %s lab has no timeline", t->step, lab->name);
        return false;
    }
    if (t->step > tl->count) {
        snprintf(err, n, "set step %ld: this scene has steps 0..%d", t->step, tl->count);
        return false;
    }
    tl->playing = false;
    timeline_seek(tl, (int)t->step);
    return true;
}

static char assets_dir[512];

static const char *find_assets_dir(void)
{
    if (!assets_dir[0] && !assets_path(assets_dir, sizeof assets_dir, "assets"))
        assets_dir[0] = '\0';
    return assets_dir[0] ? assets_dir : NULL;
}

/* ==== the checker ============================================================================ */

static SceneTarget checker_target = {.lab = -1, .state = NULL, .step = -1};
static LessonHost checker_host;
static bool checker_atexit;

void lesson_host_checker_release(void)
{
    for (int i = 0; i < LAB_COUNT; i++) {
        if (checker_target.own[i]) {
            lab_get(i)->destroy(checker_target.own[i]);
            checker_target.own[i] = NULL;
        }
    }
}

const LessonHost *lesson_host_checker(void)
{
    if (!checker_atexit) {
        checker_atexit = true;
        atexit(lesson_host_checker_release);
    }
    checker_host =
        (LessonHost){&checker_target, scene_begin, scene_set, scene_end, find_assets_dir()};
    return &checker_host;
}

/* ==== the player ===============================================================================
 */

typedef struct LessonPlayer {
    Lesson *ls;
    LessonRun run;
    SceneTarget target;
    LessonHost host;
    Rect side;          /* the sidebar this frame */
    char answer[32];    /* the numeric answer field's text ("" until typed: no made-up 0) */
    bool keys;          /* the sidebar has the keyboard: A-F pick, Enter checks, Esc leaves */
    bool focus_answer;  /* give the answer field the keyboard on the next frame */
    bool retype;        /* the answer was checked and not right: the next typing replaces it */
    int scroll;         /* narration scrolled by this many pixels */
    int shown_step;     /* the step the scroll belongs to */
    bool show_question; /* scroll the question into view on the next frame (Tab) */
} LessonPlayer;

void lesson_host_close(App *app)
{
    LessonShell sh = app_lesson_shell(app);
    LessonPlayer *p = *sh.lesson;
    if (!p)
        return;
    lesson_free(p->ls);
    free(p);
    *sh.lesson = NULL;
}

bool lesson_host_open(App *app, const char *path, int step, char *err, size_t err_size)
{
    Lesson *ls = lesson_load(path, err, err_size);
    if (!ls)
        return false;
    if (step < 1 || step > ls->n_steps) {
        snprintf(err, err_size, "%s: no step %d (the lesson has steps 1..%d)", path, step,
                 ls->n_steps);
        lesson_free(ls);
        return false;
    }
    /* the opening step dry-runs on fresh lab states first: a lesson that cannot show it
     * (an unknown lab, a bad setting) leaves the open lesson and the labs as they were */
    bool shows = lesson_apply_step(ls, step - 1, lesson_host_checker(), err, err_size);
    lesson_host_checker_release();
    if (!shows) {
        lesson_free(ls);
        return false;
    }
    LessonPlayer *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, err_size, "%s: out of memory", path);
        lesson_free(ls);
        return false;
    }
    lesson_host_close(app);
    p->ls = ls;
    p->target = (SceneTarget){app, {NULL}, -1, NULL, -1};
    p->host = (LessonHost){&p->target, scene_begin, scene_set, scene_end, find_assets_dir()};
    p->shown_step = -1;
    LessonShell sh = app_lesson_shell(app);
    *sh.lesson = p;
    *sh.help_open = false;
    return lesson_run_start(&p->run, ls, step - 1, &p->host, err, err_size);
}

bool lesson_host_go(App *app, int step)
{
    LessonShell sh = app_lesson_shell(app);
    LessonPlayer *p = *sh.lesson;
    if (!p || step < 1 || step > p->ls->n_steps)
        return false;
    char err[1000] = "";
    if (!lesson_run_go(&p->run, step - 1, &p->host, err, sizeof err) && err[0])
        sh.error(app, err);
    p->answer[0] = '\0';
    p->retype = false;
    /* keyboard answering carries on into the next question */
    p->focus_answer = p->keys && lesson_run_current(&p->run)->ask == LESSON_ASK_NUMBER;
    return true;
}

int lesson_host_step(const App *app)
{
    const LessonPlayer *p = app_lesson_player(app, NULL);
    return p ? p->run.step + 1 : 0;
}

int lesson_host_lab(const App *app)
{
    const LessonPlayer *p = app_lesson_player(app, NULL);
    return p ? p->target.lab : -1;
}

const char *lesson_host_title(const App *app)
{
    const LessonPlayer *p = app_lesson_player(app, NULL);
    return p ? p->ls->title : "";
}

/* Checks the typed answer; one that is not right stays in the field, selected, with the
 * keyboard, so the next try replaces it rather than adding to it. */
static void check_answer(LessonPlayer *p)
{
    if (lesson_run_answer(&p->run, p->answer) != LESSON_RIGHT) {
        p->retype = true;
        p->focus_answer = true;
    }
}

bool lesson_host_type(App *app, char c)
{
    LessonPlayer *p = *app_lesson_shell(app).lesson;
    if (!p || lesson_run_current(&p->run)->ask != LESSON_ASK_NUMBER ||
        !(isdigit((unsigned char)c) || c == '-' || c == '.' || c == '/'))
        return false;
    if (p->retype) { /* a checked answer that was not right: the next try replaces it */
        p->answer[0] = '\0';
        p->retype = false;
    }
    size_t n = strlen(p->answer);
    if (n + 1 < sizeof p->answer)
        p->answer[n] = c, p->answer[n + 1] = '\0';
    p->keys = true;
    p->focus_answer = true;
    p->show_question = true;
    return true;
}

bool lesson_host_has_keys(const App *app)
{
    int screen = -1;
    const LessonPlayer *p = app_lesson_player(app, &screen);
    return p && screen >= 0 && p->keys;
}

LessonVerdict lesson_host_verdict(const App *app)
{
    const LessonPlayer *p = app_lesson_player(app, NULL);
    return p ? p->run.verdict[p->run.step] : LESSON_UNANSWERED;
}

const char *lesson_host_answer(const App *app)
{
    const LessonPlayer *p = app_lesson_player(app, NULL);
    return p ? p->answer : "";
}

Rect lesson_host_sidebar(const App *app)
{
    int screen = -1;
    const LessonPlayer *p = app_lesson_player(app, &screen);
    return p && screen >= 0 ? p->side : (Rect){0, 0, 0, 0};
}

void lesson_host_layout(App *app)
{
    LessonShell sh = app_lesson_shell(app);
    LessonPlayer *p = *sh.lesson;
    if (!p)
        return;
    p->side = (Rect){0, 0, 0, 0};
    if (sh.screen < 0)
        return;
    Rect *stage = sh.stage;
    Theme th = theme_make(THEME_DARK, 1.0f);
    th.scale = sh.scale;
    int u = theme_px(&th, 8);
    int w = theme_px(&th, 360);
    if (w > sh.window.w * 34 / 100)
        w = sh.window.w * 34 / 100;
    /* the sidebar takes the stage's right part, from the top of the body to the strip */
    stage->w -= w + u;
    p->side = (Rect){stage->x + stage->w + u, stage->y, w, stage->h};
}

bool lesson_host_key(App *app, int key, bool ctrl, bool shift)
{
    (void)shift;
    LessonShell sh = app_lesson_shell(app);
    LessonPlayer *p = *sh.lesson;
    if (!p || sh.screen < 0 || ctrl)
        return false;
    const LessonStep *st = lesson_run_current(&p->run);
    /* at either end the key is still the lesson's: it does nothing rather than reach the lab */
    if (key == SDLK_PAGEDOWN) {
        lesson_host_go(app, p->run.step + 2);
        return true;
    }
    if (key == SDLK_PAGEUP) {
        lesson_host_go(app, p->run.step);
        return true;
    }
    /* the help overlay is modal: its Esc and H are the app's */
    if (*sh.help_open)
        return false;
    /* Tab hands the keyboard to the sidebar and back; a number question's field takes it */
    if (key == SDLK_TAB) {
        p->keys = !p->keys;
        p->focus_answer = p->keys && st->ask == LESSON_ASK_NUMBER;
        p->show_question = p->keys;
        return true;
    }
    if (!p->keys)
        return false;
    if (key == SDLK_ESCAPE) {
        p->keys = false;
        return true;
    }
    /* letters, not digits: 1-8 open the labs everywhere; only the letters of this question's
     * choices are taken, the others still reach the lab */
    if (st->ask == LESSON_ASK_CHOICE && key >= SDLK_a && key < SDLK_a + st->n_choices) {
        lesson_run_choose(&p->run, key - SDLK_a);
        return true;
    }
    if (st->ask == LESSON_ASK_NUMBER && (key == SDLK_RETURN || key == SDLK_KP_ENTER)) {
        /* nothing typed yet: Enter puts the caret in the field */
        if (p->answer[0])
            check_answer(p);
        else
            p->focus_answer = true;
        return true;
    }
    return false;
}

/* ---- the sidebar -------------------------------------------------------------------------- */

/* The question box's height for step st at width w (measured with the same calls that draw). */
static int question_height(Render *r, const Theme *th, const LessonPlayer *p, const LessonStep *st,
                           int w, const char *feedback)
{
    int u = theme_px(th, 8), pad = theme_px(th, 12);
    int body = theme_px(th, THEME_BODY), small = theme_px(th, THEME_SMALL);
    int row = ui_row_height(th);
    int h = pad + render_line_height(r, FONT_SANS_BOLD, small) + u / 2;
    h += render_text_wrap(r, FONT_SANS, body, st->question, (Rect){0, 0, w - 2 * pad, 0}, th->text,
                          false);
    h += u;
    if (st->ask == LESSON_ASK_CHOICE)
        h += st->n_choices * (row + u / 2);
    else
        h += row + u / 2;
    /* the feedback line's room is kept while none shows, so a wrong answer does not move the
     * box (anchored above the footer) and with it the field or the choices under the mouse */
    int fh = render_text_wrap(r, FONT_SANS_BOLD, body, "Not quite. Try again, or open the hint.",
                              (Rect){0, 0, w - 2 * pad, 0}, th->text, false);
    if (feedback[0]) {
        int now = render_text_wrap(r, FONT_SANS_BOLD, body, feedback, (Rect){0, 0, w - 2 * pad, 0},
                                   th->text, false);
        fh = now > fh ? now : fh;
    }
    h += fh + u / 2;
    const char *more = lesson_run_worked(&p->run)                      ? st->explain
                       : p->run.hint_shown[p->run.step] && st->hint[0] ? st->hint
                                                                       : NULL;
    if (more)
        h += render_text_wrap(r, FONT_SANS, body, more, (Rect){0, 0, w - 2 * pad, 0}, th->text,
                              false) +
             u / 2;
    else if (st->hint[0])
        h += row + u / 2;
    return h + pad - u / 2;
}

static void draw_question(const LessonShell *sh, Render *r, LessonPlayer *p, const LessonStep *st,
                          Rect box, const char *feedback)
{
    const Theme *th = sh->th;
    Ui *ui = sh->ui;
    int u = theme_px(th, 8), pad = theme_px(th, 12);
    int body = theme_px(th, THEME_BODY), small = theme_px(th, THEME_SMALL);
    int row = ui_row_height(th);
    LessonVerdict v = p->run.verdict[p->run.step];
    Color edge = v == LESSON_RIGHT ? th->hover : v == LESSON_WRONG ? th->error : th->border;
    int rad = theme_px(th, 6);
    render_round_rect(r, box, rad, edge);
    render_round_rect(r, rect_inset(box, v == LESSON_UNANSWERED ? 1 : theme_px(th, 2)), rad - 1,
                      th->bg);
    int x = box.x + pad, w = box.w - 2 * pad, y = box.y + pad;
    render_text(r, FONT_SANS_BOLD, small, "Question", x, y, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    y += render_line_height(r, FONT_SANS_BOLD, small) + u / 2;
    y += render_text_wrap(r, FONT_SANS, body, st->question, (Rect){x, y, w, 10000}, th->text, true);
    y += u;
    char label[220];
    if (st->ask == LESSON_ASK_CHOICE) {
        UiId base = ui_id("lesson.choice");
        for (int i = 0; i < st->n_choices; i++) {
            Rect rc = {x, y, w, row};
            bool picked = p->run.picked[p->run.step] == i;
            snprintf(label, sizeof label, "%c   %s", 'A' + i, st->choices[i]);
            UiResult res = ui_button_behavior(&ui->st, ui_id_index(base, i), rc, &ui->in);
            if (res.hovered)
                ui->mouse_used = true;
            render_round_rect(r, rc, rad, res.hovered ? th->control_hot : th->control);
            if (picked)
                render_round_rect_outline(r, rc, rad, theme_px(th, 2),
                                          v == LESSON_RIGHT ? th->hover : th->error);
            render_text_line(r, FONT_SANS, body, theme_px(th, 10), label,
                             rect_inset(rc, theme_px(th, 10)), ALIGN_LEFT | ALIGN_MIDDLE, th->text);
            if (res.submitted)
                lesson_run_choose(&p->run, i);
            y += row + u / 2;
        }
    } else {
        int bw = theme_px(th, 88);
        Rect field = {x, y, w - bw - u, row};
        Rect check = {x + w - bw, y, bw, row};
        /* a text field: it starts empty (a pre-filled 0 reads as a given answer) and takes
         * whatever lesson_check_number reads: 19, -0.5, 1e-3, 1/9, −2 */
        UiId aid = ui_id("lesson.answer");
        if (p->focus_answer) {
            ui->st.focus = aid;
            ui->st.replace = p->retype && p->answer[0];
            p->focus_answer = false;
        }
        bool had_caret = ui->st.focus == aid;
        char before[sizeof p->answer];
        memcpy(before, p->answer, sizeof before);
        bool entered = ui_text_field(ui, aid, field, p->answer, sizeof p->answer, "your answer");
        if (strcmp(before, p->answer) != 0)
            p->retype = false; /* retyped in the field (its selection replaced) */
        /* Tab only moves the keyboard: out of the field and back to the lab, as the Tab that
         * brought it here (the text stays; Enter or Check checks it) */
        if (had_caret && ui->in.key == UI_KEY_TAB && ui->st.focus != aid)
            p->keys = false;
        /* Enter on an empty field is not an answer; the button always is */
        if (ui_button(ui, ui_id("lesson.check"), check, "Check") || (entered && p->answer[0]))
            check_answer(p);
        y += row + u / 2;
    }
    if (feedback[0]) {
        Color c = v == LESSON_RIGHT ? th->hover : v == LESSON_WRONG ? th->error : th->warning;
        y += render_text_wrap(r, FONT_SANS_BOLD, body, feedback, (Rect){x, y, w, 10000}, c, true);
        y += u / 2;
    }
    if (lesson_run_worked(&p->run)) {
        render_text_wrap(r, FONT_SANS, body, st->explain, (Rect){x, y, w, 10000}, th->text, true);
    } else if (p->run.hint_shown[p->run.step] && st->hint[0]) {
        render_text_wrap(r, FONT_SANS, body, st->hint, (Rect){x, y, w, 10000}, th->text_dim, true);
    } else if (st->hint[0]) {
        if (ui_button(ui, ui_id("lesson.hint"), (Rect){x, y, w, row}, "Show the hint"))
            p->run.hint_shown[p->run.step] = true;
    }
}

/* A thin scroll bar right of rc, for content of height full scrolled by scroll px. */
static void scroll_bar(Render *r, const Theme *th, Rect rc, int full, int scroll)
{
    int max_scroll = full - rc.h;
    if (max_scroll <= 0)
        return;
    int knob = rc.h * rc.h / full;
    int ky = rc.y + (rc.h - knob) * scroll / max_scroll;
    render_rect(r, (Rect){rc.x + rc.w + theme_px(th, 4), ky, theme_px(th, 3), knob}, th->text_dim);
}

/* The narration and the question as one column scrolled inside region (a short sidebar: at
 * 800x600 a question can take most of it). The wheel scrolls it; the question's widgets take
 * the mouse only inside the region; giving the sidebar the keys (Tab) scrolls the question
 * into view. */
static void draw_scrolled(const LessonShell *sh, Render *r, LessonPlayer *p, const LessonStep *st,
                          Rect region, const RichStyle *rs, int full, int qh, const char *feedback)
{
    const Theme *th = sh->th;
    Ui *ui = sh->ui;
    int u = theme_px(th, 8);
    int text_lh = render_line_height(r, FONT_SANS, rs->size);
    int total = full + u + qh;
    int max_scroll = total > region.h ? total - region.h : 0;
    if (rect_contains(region, ui->in.mx, ui->in.my) && ui->in.wheel) {
        p->scroll -= ui->in.wheel * text_lh * 2;
        ui->mouse_used = true;
    }
    if (p->show_question) {
        /* the question's top at the region's top, or all of it when it is shorter */
        int want = full + u + (qh < region.h ? qh - region.h : 0);
        p->scroll = want > p->scroll ? want : p->scroll;
        p->show_question = false;
    }
    p->scroll = p->scroll < 0 ? 0 : p->scroll > max_scroll ? max_scroll : p->scroll;
    render_clip_push(r, region);
    rich_text_layout(r, rs, st->text, region, p->scroll, true);
    Rect q = {region.x, region.y - p->scroll + full + u, region.w, qh};
    /* the question's buttons and field see the mouse only where they show */
    UiInput saved = ui->in;
    if (!rect_contains(region, ui->in.mx, ui->in.my)) {
        ui->in.mx = ui->in.my = -1;
        ui->in.mouse_pressed = ui->in.mouse_released = ui->in.mouse_down = false;
    }
    draw_question(sh, r, p, st, q, feedback);
    ui->in = saved;
    render_clip_pop(r);
    scroll_bar(r, th, region, total, p->scroll);
}

/* The sidebar's head in `in` from its top: LESSON and the close button (*closing when clicked),
 * the lesson's title, step k / n with an amber progress bar, the step's title. Returns the y
 * under it. */
static int draw_head(const LessonShell *sh, Render *r, const LessonPlayer *p, const LessonStep *st,
                     Rect in, bool *closing)
{
    const Theme *th = sh->th;
    Ui *ui = sh->ui;
    const Lesson *ls = p->ls;
    int u = theme_px(th, 8);
    int small = theme_px(th, THEME_SMALL), head = theme_px(th, THEME_HEADING);
    int row = ui_row_height(th);

    /* header: "Lesson" and the close button, then the lesson's title */
    int y = in.y;
    Rect close = {in.x + in.w - row, y, row, row};
    render_text_in(r, FONT_SANS_BOLD, small, "LESSON", (Rect){in.x, y, in.w - row, row},
                   ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
    *closing = ui_button(ui, ui_id("lesson.close"), close, "\xC3\x97");
    if (ui_mouse_over(&ui->st, ui_id("lesson.close"), close, &ui->in))
        ui_tooltip(ui, "Close the lesson (the lab keeps its scene)");
    y += row;
    y += render_text_wrap(r, FONT_SANS_BOLD, head, ls->title, (Rect){in.x, y, in.w, 3 * head},
                          th->text, true);
    y += u;

    /* where we are: lesson k / n (the lab's timeline has its own step count) and a bar */
    char stepline[64];
    snprintf(stepline, sizeof stepline, "lesson %d / %d", p->run.step + 1, ls->n_steps);
    render_text(r, FONT_MONO, small, stepline, in.x, y, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    y += render_line_height(r, FONT_MONO, small) + u / 2;
    int bar_h = theme_px(th, 4);
    render_round_rect(r, (Rect){in.x, y, in.w, bar_h}, bar_h / 2, th->border);
    render_round_rect(r, (Rect){in.x, y, in.w * (p->run.step + 1) / ls->n_steps, bar_h}, bar_h / 2,
                      th->accent);
    y += bar_h + u;
    if (st->title[0]) {
        y += render_text_wrap(r, FONT_SANS_BOLD, theme_px(th, THEME_BODY + 2), st->title,
                              (Rect){in.x, y, in.w, 2 * head + u}, th->accent, true);
        y += u / 2;
    }
    return y;
}

/* What the keyboard does here, in rc: it changes with the sidebar's focus; the long form, or the
 * short one in a narrow sidebar. */
static void draw_key_hint(Render *r, const Theme *th, const LessonPlayer *p, const LessonStep *st,
                          Rect rc)
{
    int small = theme_px(th, THEME_SMALL);
    char hint[2][160];
    if (p->keys && st->ask == LESSON_ASK_CHOICE) {
        snprintf(hint[0], sizeof hint[0],
                 "A\xE2\x80\x93%c pick  \xC2\xB7  Esc back to the lab  "
                 "\xC2\xB7  PgUp / PgDn steps",
                 'A' + st->n_choices - 1);
        snprintf(hint[1], sizeof hint[1], "A\xE2\x80\x93%c pick  \xC2\xB7  Esc: back to the lab",
                 'A' + st->n_choices - 1);
    } else if (p->keys && st->ask == LESSON_ASK_NUMBER) {
        snprintf(hint[0], sizeof hint[0],
                 "type, Enter checks  \xC2\xB7  Esc back to the lab  "
                 "\xC2\xB7  PgUp / PgDn steps");
        snprintf(hint[1], sizeof hint[1], "Enter checks  \xC2\xB7  Esc: back to the lab");
    } else if (st->ask != LESSON_ASK_NONE) {
        snprintf(hint[0], sizeof hint[0],
                 "Tab: answer with the keys  \xC2\xB7  PgUp / PgDn: steps");
        snprintf(hint[1], sizeof hint[1], "Tab: answer by keys  \xC2\xB7  PgUp / PgDn");
    } else {
        snprintf(hint[0], sizeof hint[0], "Page Up / Page Down: previous / next step");
        snprintf(hint[1], sizeof hint[1], "PgUp / PgDn: previous / next step");
    }
    int hw = 0;
    render_text_size(r, FONT_SANS, small, hint[0], &hw, NULL);
    render_text_line(r, FONT_SANS, small, theme_px(th, 10), hint[hw <= rc.w ? 0 : 1], rc,
                     ALIGN_CENTER | ALIGN_MIDDLE, p->keys ? th->accent : th->text_dim);
}

/* The narration and the question in `in` between y and bottom (the key hint's top): the
 * question above the bottom, the narration filling what is left and scrolling. When the
 * question leaves the narration fewer than three lines, the narration and the question scroll
 * together in the whole space instead: nothing is ever drawn over the heading. */
static void draw_body(const LessonShell *sh, Render *r, LessonPlayer *p, const LessonStep *st,
                      Rect in, int y, int bottom)
{
    const Theme *th = sh->th;
    Ui *ui = sh->ui;
    int u = theme_px(th, 8);
    char feedback[400] = "";
    lesson_run_feedback(&p->run, feedback, sizeof feedback);
    bool asks = st->ask != LESSON_ASK_NONE;
    int qh = asks ? question_height(r, th, p, st, in.w, feedback) : 0;
    Rect region = {in.x, y, in.w, bottom - u - y};
    RichStyle rs = {theme_px(th, THEME_BODY + 1), th->text, th->text, th->text};
    rs.emph = th->text;
    rs.mono = color_mix(th->text, th->hover, 0.35f);
    int text_lh = render_line_height(r, FONT_SANS, rs.size);
    int full = rich_text_layout(r, &rs, st->text, (Rect){in.x, 0, in.w, 0}, 0, false);
    int least = full < 3 * text_lh ? full : 3 * text_lh;
    bool together = asks && qh + u + least > region.h;
    if (region.h > 0 && together)
        draw_scrolled(sh, r, p, st, region, &rs, full, qh, feedback);
    else if (region.h > 0) {
        int qy = bottom - u - qh;
        Rect text = {in.x, y, in.w, (asks ? qy - u : bottom - u) - y};
        if (text.h > 0) {
            int max_scroll = full > text.h ? full - text.h : 0;
            if (rect_contains(text, ui->in.mx, ui->in.my) && ui->in.wheel) {
                p->scroll -= ui->in.wheel * text_lh * 2;
                ui->mouse_used = true;
            }
            p->scroll = p->scroll < 0 ? 0 : p->scroll > max_scroll ? max_scroll : p->scroll;
            render_clip_push(r, text);
            rich_text_layout(r, &rs, st->text, text, p->scroll, true);
            render_clip_pop(r);
            if (max_scroll > 0)
                scroll_bar(r, th, text, full, p->scroll);
        }
        if (asks)
            draw_question(sh, r, p, st, (Rect){in.x, qy, in.w, qh}, feedback);
    }
}

void lesson_host_draw(App *app, Render *r)
{
    LessonShell sh = app_lesson_shell(app);
    LessonPlayer *p = *sh.lesson;
    if (!p || sh.screen < 0 || p->side.w <= 0)
        return;
    const Theme *th = sh.th;
    Ui *ui = sh.ui;
    const Lesson *ls = p->ls;
    const LessonStep *st = lesson_run_current(&p->run);
    int u = theme_px(th, 8), pad = 2 * u;
    int small = theme_px(th, THEME_SMALL);
    int row = ui_row_height(th);
    if (p->shown_step != p->run.step) {
        p->shown_step = p->run.step;
        p->scroll = 0;
    }

    Rect side = p->side;
    /* a click in the sidebar gives it the keyboard, a click elsewhere gives it back */
    if (ui->in.mouse_pressed)
        p->keys = rect_contains(side, ui->in.mx, ui->in.my);
    int rad = theme_px(th, THEME_RADIUS);
    int edge = p->keys ? theme_px(th, 2) : 1;
    render_round_rect(r, side, rad, p->keys ? th->accent : th->border);
    render_round_rect(r, rect_inset(side, edge), rad - edge, th->panel);
    Rect in = rect_inset(side, pad);
    render_clip_push(r, side);

    bool closing = false;
    int y = draw_head(&sh, r, p, st, in, &closing);

    /* footer: previous / next */
    Rect foot = {in.x, in.y + in.h - row, in.w, row};
    int bw = (in.w - u) / 2;
    bool first = p->run.step == 0, last = p->run.step == ls->n_steps - 1;
    /* at the ends the buttons stay in place, dimmed: nothing to go back or on to */
    bool prev = ui_button_enabled(ui, ui_id("lesson.prev"), (Rect){foot.x, foot.y, bw, row},
                                  "\xE2\x97\x80  Back", !first);
    bool next =
        ui_button_enabled(ui, ui_id("lesson.next"), (Rect){foot.x + bw + u, foot.y, bw, row},
                          "Next  \xE2\x96\xB6", !last);
    Rect keys = {in.x, foot.y - render_line_height(r, FONT_SANS, small) - u / 2, in.w,
                 render_line_height(r, FONT_SANS, small)};
    draw_key_hint(r, th, p, st, keys);
    draw_body(&sh, r, p, st, in, y, keys.y);
    render_clip_pop(r);

    if (prev && !first)
        lesson_host_go(app, p->run.step);
    else if (next && !last)
        lesson_host_go(app, p->run.step + 2);
    if (closing)
        lesson_host_close(app);
}
