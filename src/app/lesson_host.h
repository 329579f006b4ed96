/* lesson_host.h - the application's side of lessons: it shows a lesson's steps in the real labs
 * (each `set` goes to the lab's set_option, `step` to its timeline) and draws the lesson sidebar
 * on the right (title, step k/n, narration with *emphasis* and `numbers`, the question with its
 * answer checked, hint, feedback, prev/next). It also hands `convscope check` a host that
 * dry-runs lessons against the same labs.
 * It includes no app header: it reaches the app only through the small shell interface below,
 * which the app implements (app.c), so the app and the host do not include each other.
 * Depends on: labs/lab.h, lesson/lesson.h, ui, viz. */
#ifndef CONVSCOPE_LESSON_HOST_H
#define CONVSCOPE_LESSON_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "lesson/lesson.h"
#include "ui/ui.h"
#include "viz/render.h"
#include "viz/theme.h"

/* The app (app/app.h), opaque here; the host's entry points take it as the app's code does. */
typedef struct App App;
/* The open lesson and its sidebar (lesson_host.c). */
struct LessonPlayer;

/* ==== the shell: what the host needs of the app ================================================
 */

/* The app as the lesson host sees it: pointers into the app and two calls back. */
typedef struct LessonShell {
    App *app;                     /* handed back to show_lab and error */
    struct LessonPlayer **lesson; /* where the app keeps the open lesson (NULL: none) */
    int screen;                   /* the screen shown: -1 home, else the lab's index */
    bool *help_open;              /* the help overlay (modal: while open its keys are the app's) */
    const Theme *th;              /* the frame's theme and widgets, for the sidebar */
    Ui *ui;
    Rect *stage; /* the frame's stage: the sidebar is carved off its right */
    Rect window; /* the frame's size and effective UI scale, as laid out */
    float scale;
    /* Shows lab index afresh: its state re-created with the lab's defaults (a scene starts from
     * them). Returns the state, or NULL with the reason in err. */
    void *(*show_lab)(App *app, int index, char *err, size_t n);
    /* Shows message in the app's error banner (the app carries on). */
    void (*error)(App *app, const char *message);
} LessonShell;

/* The shell of app as it is now (the frame's parts as of its last layout). The app implements
 * it. */
LessonShell app_lesson_shell(App *app);
/* The open lesson (NULL: none), and the screen shown in *screen unless screen is NULL: what the
 * host's queries read of a const app. The app implements it. */
const struct LessonPlayer *app_lesson_player(const App *app, int *screen);

/* ==== the host =================================================================================
 */

/* Opens the lesson file at path on step (1-based) in app (app->lesson; any open lesson closes
 * first) and shows that step's lab and scene. false with `FILE:LINE: ...` in err when the file
 * does not parse or step is out of range (then nothing opens), or when the step's scene is
 * refused (then the lesson stays open on that step, so its text can still be read). */
bool lesson_host_open(App *app, const char *path, int step, char *err, size_t err_size);
/* Closes the open lesson (no-op when none); the labs keep their last scene. */
void lesson_host_close(App *app);
/* Goes to step (1-based); errors go to the app's banner. false when out of range. */
bool lesson_host_go(App *app, int step);
/* The open lesson's current step, 1-based (0 when none). */
int lesson_host_step(const App *app);

/* Carves the sidebar off the right of the frame's stage when a lesson is open on a lab screen.
 * Called by app_frame right after the layout. */
void lesson_host_layout(App *app);
/* Draws the sidebar (after the lab, before the banner); handles its buttons and fields. */
void lesson_host_draw(App *app, Render *r);
/* The lesson's keys while it is open on a lab screen: Page Down / Page Up next / previous
 * step; Tab gives the sidebar the keyboard (a click in it does too) and takes it back; while it
 * has it, A, B, C, ... pick this question's choices (letters: 1-8 open labs), Enter checks the
 * typed number (or puts the caret in the empty field), Esc gives the keyboard back to the lab.
 * Other keys fall through (false) to the app and the lab. */
bool lesson_host_key(App *app, int keycode, bool ctrl, bool shift);
/* The lab the open lesson's current step shows (its index), or -1 when no lesson is open. */
int lesson_host_lab(const App *app);
/* The open lesson's title ("" when none). */
const char *lesson_host_title(const App *app);
/* A character typed outside any field while the lesson is open: when the current step asks
 * for a number and c can start or continue one (a digit, '-', '.', '/'), it goes to the answer
 * field, which takes the keyboard (true); otherwise false and nothing changes. */
bool lesson_host_type(App *app, char c);
/* Whether the sidebar has the keyboard (Tab or a click in it). */
bool lesson_host_has_keys(const App *app);
/* The current step's verdict and the answer field's text ("" when none); for tests. */
LessonVerdict lesson_host_verdict(const App *app);
const char *lesson_host_answer(const App *app);
/* The sidebar's rectangle in the last frame (empty when not shown); for tests. */
Rect lesson_host_sidebar(const App *app);

/* A LessonHost that dry-runs scenes against fresh states of the real labs (no window needed);
 * its lab states are freed at exit. For `convscope check` and the tests. */
const LessonHost *lesson_host_checker(void);
/* Frees the checker's lab state now (tests under a leak checker). */
void lesson_host_checker_release(void);

#endif
