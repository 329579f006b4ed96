/* lesson_host.h - the application's side of lessons: it shows a lesson's steps in the real labs
 * (each `set` goes to the lab's set_option, `step` to its timeline) and draws the lesson sidebar
 * on the right (title, step k/n, narration with *emphasis* and `numbers`, the question with its
 * answer checked, hint, feedback, prev/next). It also hands `convscope check` a host that
 * dry-runs lessons against the same labs.
 * Depends on: app/app.h, app/lab.h, lesson/lesson.h, ui, viz. */
#ifndef CONVSCOPE_LESSON_HOST_H
#define CONVSCOPE_LESSON_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "lesson/lesson.h"

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

/* Carves the sidebar off the right of app->lay.stage when a lesson is open on a lab screen.
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
