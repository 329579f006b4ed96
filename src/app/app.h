/* app.h - the application state and one frame of it: top bar with the lab tabs, home screen,
 * the current lab in its frame (control column, stage, bottom strip with the timeline), error
 * banner, toast, help overlay; and the key bindings. The same app_frame draws the window, the
 * headless `convscope render` and the frame bench. Implemented by app.c (the state),
 * app_layout.c (the layout), app_frame.c (the frame), app_home.c (the home screen) and
 * app_keys.c (the keys).
 * Depends on: labs/lab.h, ui, viz. Knows nothing of SDL windows (window.c does). */
#ifndef CONVSCOPE_APP_H
#define CONVSCOPE_APP_H

#include <stdbool.h>

#include "labs/lab.h"
#include "ui/ui.h"
#include "viz/render.h"
#include "viz/theme.h"

#define APP_HOME        (-1)
#define APP_MAX_LESSONS 64

/* The frame's regions in pixels (pure layout, see app_layout). */
typedef struct AppLayout {
    float scale; /* effective UI scale: requested × pixel ratio, capped to fit the window */
    Rect window;
    Rect top;                      /* top bar */
    Rect brand;                    /* "convscope" in the top bar */
    Rect tabs;                     /* the 1-8 tabs */
    Rect lessons;                  /* the Lessons button */
    Rect body;                     /* everything below the top bar */
    Rect controls_panel, controls; /* the left column and its inner area */
    Rect stage;
    Rect strip, timeline, equation; /* bottom strip, its timeline part, its equation part */
    Rect banner; /* the error banner's band under the top bar (h 0 when none shows) */
} AppLayout;

/* Window actions the app asks of its host (window.c), cleared by the host. */
typedef struct AppRequests {
    bool quit, toggle_fullscreen, screenshot;
} AppRequests;

typedef struct App {
    ThemeKind theme_kind;
    float scale;       /* requested UI scale, 1.0-2.5 */
    float pixel_ratio; /* HiDPI: drawable pixels per window point */
    Theme th;          /* this frame's theme at the effective scale */
    int screen;        /* APP_HOME or a lab index 0..LAB_COUNT-1 */
    void *lab_state[LAB_COUNT];
    Ui ui;
    bool help_open;
    bool show_values;
    char banner[1024];
    int banner_extra; /* further errors since the banner appeared */
    char toast[512];
    double toast_until;
    double time;
    int home_sel; /* keyboard selection on home: labs 0..7 then lessons */
    char lesson_path[APP_MAX_LESSONS][512];
    char lesson_title[APP_MAX_LESSONS][128];
    int n_lessons;
    struct LessonPlayer *lesson; /* the open lesson and its sidebar (lesson_host.h), or NULL */
    AppRequests req;
    AppLayout lay; /* last frame's layout */
} App;

/* A new app on the home screen with the given theme and requested scale; scans lessons/. */
App *app_create(ThemeKind theme, float scale);
/* Destroys every lab state. */
void app_destroy(App *app);

/* Pure: the frame layout for a w×h pixel target at the requested scale and pixel ratio. */
AppLayout app_layout(int w, int h, float scale, float pixel_ratio, bool has_timeline);
/* Makes room for the error banner: L->banner gets the band under the top bar, and the body,
 * the control column and the stage (so also the lesson sidebar carved from it) start below
 * it, so the banner covers nothing while it shows. */
void app_layout_reserve_banner(AppLayout *L);

/* The learner's switch to lab index (a tab, a card, a key): while a lesson is open on another
 * lab it is closed first, visibly (a toast names it), so the sidebar never shows a step beside
 * a lab it does not describe. */
bool app_switch_lab(App *app, int index);
/* Opens lab index (creating its state on first use); failure goes to the banner and the lab
 * shows its frame. Returns false for a bad index. */
bool app_open_lab(App *app, int index);
void app_go_home(App *app);
/* The current lab's state, or NULL (home, not built, or failed). */
void *app_lab_state(const App *app);
/* The current lab's timeline, or NULL (home, no state, or a lab without steps). */
Timeline *app_timeline(const App *app);

/* Shows message in the error banner (the app keeps running). */
void app_error(App *app, const char *message);
/* Shows a short message for 3 seconds. */
void app_toast(App *app, const char *message);

/* A shortcut key (SDL_Keycode) with modifiers; returns true when it was used. Keys the app
 * does not bind go to the current lab's key callback. */
bool app_key(App *app, int keycode, bool ctrl, bool shift);

/* A file dropped on the window: given to the current lab's drop callback (the labs that take
 * pictures load it as their input). Errors, and a drop where no lab takes files, go to the
 * banner; the app keeps running. Returns true when the lab loaded it. */
bool app_drop_file(App *app, const char *path);

/* Advances time by dt and draws one full frame into r (w×h pixels) with the given input.
 * headless: drawn for `convscope render` (no hover). Returns true while something moves
 * (playing, animating, a toast), i.e. when the host should keep drawing frames. */
bool app_frame(App *app, Render *r, const UiInput *in, double dt, bool headless);

/* One frame as the window presents it: app_frame with in; then, when in carries an event (a
 * press, release, wheel, key or text) or settle is set (any other event the host handled), a
 * second frame with the event spent and dt 0 over the first. Immediate-mode widgets change
 * state while the frame is drawn (the step button after the equation strip, a field's Enter,
 * the banner's close box), so without it the window would show the frame before the change
 * until the next event. Returns true while the host should keep drawing (as app_frame). */
bool app_frame_present(App *app, Render *r, const UiInput *in, double dt, bool settle);

/* The help overlay's global rows (the keys that work everywhere), for the overlay and tests. */
const UiHelpRow *app_help_rows(int *n);
/* The overlay's sections for the current screen into out (up to max): the global keys, then
 * the current lab's LabDef.help under its title, then the lesson sidebar's keys while a lesson
 * is open. Returns how many. */
int app_help_sections(const App *app, UiHelpSection *out, int max);

#endif
