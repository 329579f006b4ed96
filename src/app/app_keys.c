/* app_keys.c - the app's keys: the shortcuts that work everywhere (labs 1-8, help, Esc, values,
 * theme, UI scale, fullscreen, save, quit), the timeline's keys, the help overlay's rows; keys
 * nobody here takes go to the lesson sidebar first and the current lab last.
 * Depends on: app/app.h, app/app_home.h, app/lesson_host.h, labs/lab.h, ui, viz. */
#include "app/app.h"

#include "app/app_home.h"
#include "app/lesson_host.h"
#include "viz/colormap.h"

#include <SDL_keycode.h>
#include <math.h>
#include <stdio.h>

static const UiHelpRow help_rows[] = {
    {"1 \xE2\x80\xA6 8", "open a lab (Convolution \xE2\x80\xA6 Activations)"},
    {"H  F1", "this help"},
    {"Esc", "close the help / the banner, then back to home"},
    {"Space", "play / pause the timeline"},
    {"\xE2\x86\x90  \xE2\x86\x92", "step back / forward one step"},
    {"Home  End", "first / last step"},
    {"[  ]", "slower / faster (0.25\xC3\x97 \xE2\x80\xA6 16\xC3\x97, instant)"},
    {"V", "values in the cells on / off"},
    {"T", "theme: dark, light, projector"},
    {"Ctrl+=  Ctrl+\xE2\x88\x92", "UI scale larger / smaller (1.0 \xE2\x80\xA6 2.5)"},
    {"Ctrl+0", "UI scale back to 1.0"},
    {"F", "fullscreen on / off"},
    {"Ctrl+S", "save a PNG of the window"},
    {"Ctrl+Q", "quit"},
    {"\xE2\x86\x91 \xE2\x86\x93 Enter", "home: choose a lab or lesson and open it"},
    {"PgUp  PgDn", "lesson: previous / next step"},
    {"mouse", "hover a cell for its value; drag sliders; click a field to type"},
};

/* The lesson sidebar's keys (lesson_host_key), shown while a lesson is open. */
static const UiHelpRow lesson_help_rows[] = {
    {"Tab", "the sidebar takes the keyboard / gives it back (or click it)"},
    {"A B C \xE2\x80\xA6", "sidebar has the keys: pick that choice of the question"},
    {"Enter", "sidebar has the keys: check the typed answer"},
    {"Esc", "sidebar has the keys: give them back to the lab"},
    {"PgUp  PgDn", "previous / next step"},
};

const UiHelpRow *app_help_rows(int *n)
{
    *n = (int)(sizeof help_rows / sizeof help_rows[0]);
    return help_rows;
}

int app_help_sections(const App *app, UiHelpSection *out, int max)
{
    int k = 0;
    if (k < max) {
        int n = 0;
        const UiHelpRow *rows = app_help_rows(&n);
        out[k++] = (UiHelpSection){NULL, rows, n};
    }
    const LabDef *lab = app->screen >= 0 ? lab_get(app->screen) : NULL;
    if (lab && lab->help && k < max)
        out[k++] = (UiHelpSection){lab->title, lab->help, ui_help_count(lab->help)};
    if (lab && app->lesson && k < max)
        out[k++] = (UiHelpSection){"Lesson sidebar", lesson_help_rows,
                                   (int)(sizeof lesson_help_rows / sizeof lesson_help_rows[0])};
    return k;
}

/* Sets the requested scale (quarter steps) and says which scale the window shows: the layout
 * caps it to what the window holds (app_layout), so past the cap the toast names both, and
 * Ctrl+= stops one step above it (so Ctrl+- is felt at once). Before the first frame the
 * window's size is unknown and nothing is capped. */
static void set_scale(App *app, float s)
{
    float want = theme_clamp_scale(roundf(s * 4.0f) / 4.0f);
    float ratio = app->pixel_ratio > 0.0f ? app->pixel_ratio : 1.0f;
    float shown = want;
    if (app->lay.window.w > 0 && app->lay.window.h > 0) {
        AppLayout L = app_layout(app->lay.window.w, app->lay.window.h, want, ratio, true);
        shown = L.scale / ratio;
        if (want > app->scale && app->scale > shown + 0.001f)
            want = app->scale; /* already past the cap: asking for more changes nothing */
    }
    app->scale = want;
    char msg[160], num[32], num2[32];
    if (shown < want - 0.001f)
        snprintf(msg, sizeof msg, "UI scale %s\xC3\x97 (window too small for %s\xC3\x97)",
                 colormap_format_value(shown, 2, num, sizeof num),
                 colormap_format_value(want, 2, num2, sizeof num2));
    else
        snprintf(msg, sizeof msg, "UI scale %s\xC3\x97",
                 colormap_format_value(want, 2, num, sizeof num));
    app_toast(app, msg);
}

/* The Ctrl shortcuts: quit, save a PNG, UI scale larger / smaller / back to 1.0. */
static bool ctrl_key(App *app, int key)
{
    switch (key) {
    case SDLK_q:
        app->req.quit = true;
        return true;
    case SDLK_s:
        app->req.screenshot = true;
        return true;
    case SDLK_EQUALS:
    case SDLK_PLUS:
    case SDLK_KP_PLUS:
        set_scale(app, app->scale + 0.25f);
        return true;
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        set_scale(app, app->scale - 0.25f);
        return true;
    case SDLK_0:
    case SDLK_KP_0:
        set_scale(app, 1.0f);
        return true;
    default:
        return false;
    }
}

/* The plain keys that work on every screen: help, Esc, values, theme, fullscreen. */
static bool global_key(App *app, int key)
{
    switch (key) {
    case SDLK_h:
    case SDLK_F1:
        app->help_open = !app->help_open;
        return true;
    case SDLK_ESCAPE:
        if (app->help_open)
            app->help_open = false;
        else if (app->banner[0])
            app->banner[0] = '\0', app->banner_extra = 0;
        else
            app_go_home(app);
        return true;
    case SDLK_v:
        app->show_values = !app->show_values;
        app_toast(app, app->show_values ? "values in cells: on" : "values in cells: off");
        return true;
    case SDLK_t: {
        app->theme_kind = (ThemeKind)((app->theme_kind + 1) % THEME_COUNT);
        char msg[64];
        snprintf(msg, sizeof msg, "theme: %s", theme_make(app->theme_kind, 1.0f).name);
        app_toast(app, msg);
        return true;
    }
    case SDLK_f:
        app->req.toggle_fullscreen = true;
        return true;
    default:
        return false;
    }
}

/* The timeline's keys: play / pause, step, first / last, slower / faster. */
static bool timeline_key(App *app, Timeline *tl, int key)
{
    switch (key) {
    case SDLK_SPACE:
        timeline_toggle(tl);
        return true;
    case SDLK_LEFT:
        timeline_step(tl, -1);
        return true;
    case SDLK_RIGHT:
        timeline_step(tl, 1);
        return true;
    case SDLK_HOME:
        timeline_seek(tl, 0);
        return true;
    case SDLK_END:
        timeline_seek(tl, tl->count);
        return true;
    case SDLK_LEFTBRACKET:
        timeline_slower(tl);
        app_toast(app, timeline_speed_label(tl));
        return true;
    case SDLK_RIGHTBRACKET:
        timeline_faster(tl);
        app_toast(app, timeline_speed_label(tl));
        return true;
    default:
        return false;
    }
}

/* A key typed on a lab screen while a lesson is open there, outside any field: digits (and
 * '-', '.') go to the answer when the step asks for a number; otherwise the lab keys 1-8 are
 * held back with a hint, so a stray key cannot leave the lesson's lab behind its narration. */
static bool lesson_key(App *app, int key, bool shift)
{
    if (!app->lesson || app->screen < 0 || app->screen != lesson_host_lab(app) || app->help_open)
        return false;
    char c = 0;
    if (key >= SDLK_0 && key <= SDLK_9 && !shift)
        c = (char)('0' + (key - SDLK_0));
    else if (key >= SDLK_KP_1 && key <= SDLK_KP_9)
        c = (char)('1' + (key - SDLK_KP_1));
    else if (key == SDLK_KP_0)
        c = '0';
    else if (key == SDLK_MINUS || key == SDLK_KP_MINUS)
        c = '-';
    else if (key == SDLK_PERIOD || key == SDLK_KP_PERIOD)
        c = '.';
    if (c && lesson_host_type(app, c))
        return true;
    if (key >= SDLK_1 && key <= SDLK_8 && !shift) {
        app_toast(app, "A lesson is open: click a lab's tab to leave it (it closes), or "
                       "\xC3\x97 to close it");
        return true;
    }
    return false;
}

bool app_key(App *app, int key, bool ctrl, bool shift)
{
    Timeline *tl = app_timeline(app);
    if (lesson_host_key(app, key, ctrl, shift))
        return true;
    if (ctrl) {
        if (ctrl_key(app, key))
            return true;
    } else {
        if (lesson_key(app, key, shift))
            return true;
        if (key >= SDLK_1 && key <= SDLK_8) {
            app->help_open = false;
            return app_switch_lab(app, key - SDLK_1);
        }
        if (key == SDLK_QUESTION || (key == SDLK_SLASH && shift)) {
            app->help_open = !app->help_open;
            return true;
        }
        if (global_key(app, key))
            return true;
        if (app->screen == APP_HOME)
            return app_home_key(app, key, shift);
        if (tl && timeline_key(app, tl, key))
            return true;
    }
    if (app->screen >= 0) {
        const LabDef *lab = lab_get(app->screen);
        void *st = app->lab_state[app->screen];
        if (st && lab->key)
            return lab->key(st, key, ctrl, shift);
    }
    return false;
}
