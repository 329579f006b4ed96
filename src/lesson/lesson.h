/* lesson.h - the lesson format: parser, scene replay and step runner. Pure C11 + libc; talks to
 * the application only through LessonHost (callbacks), so tests drive it with a fake host.
 * Depends on: nothing of ours.
 *
 * THE FORMAT (lessons/NN_topic.lesson, UTF-8 plain text, one directive a line)
 *
 *     # a comment (a line whose first non-blank character is '#')
 *     title Padding, stride and the output size        once, before the first step
 *
 *     step The border shrinks the output              a new step; the heading is optional
 *     lab convolution                                  the lab that shows this step
 *     reset                                            optional: start from the lab's defaults
 *     set input matrix                                 set KEY VALUE: one lab setting, exactly
 *     set size 5                                         as `convscope render --lab L --KEY V`
 *     set k 3                                            (the key `step` is the timeline
 *     set step 4                                          position, applied last)
 *     > A 3×3 kernel fits *3* times along a row of 5:  narration; `>` alone starts a new
 *     > `out = 5 − 3 + 1 = 3`.                           paragraph; *emphasis*, `numbers`
 *     ask How many outputs does a 7-wide row give?     one question per step, then either
 *     choice 3                                           choices (the right one `choice*`) ...
 *     choice* 5
 *     answer 5 0.01                                      ... or `answer NUMBER [TOLERANCE]`
 *     hint The kernel's centre cannot reach the border.  optional, shown on request
 *     explain 7 − 3 + 1 = 5.                           optional, shown once answered right or after
 * two wrong tries
 *
 * Scenes carry over: a step's scene is the lab's default scene plus every `set` of the earlier
 * steps on the same lab (since that lab's last `reset`) and then its own, in file order. So any
 * step can be shown on its own (`--step N`) and always shows the same numbers. A step without
 * `lab` keeps the previous step's lab.
 *
 * Lessons are data: nothing in them runs. A `set` value that names a file (it contains '/' or
 * '\', or ends in .png .jpg .jpeg .bmp .pgm .ppm .npy) must be a relative path without '..';
 * it is looked up in the lesson's own folder, then in assets/, and handed to the lab resolved;
 * a file that a symbolic link takes out of that folder is refused too.
 *
 * Limits: LESSON_MAX_FILE bytes in the file, LESSON_MAX_LINE in a line, LESSON_MAX_STEPS steps,
 * LESSON_MAX_SETS `set` lines in a step, LESSON_MAX_TEXT bytes of narration in a step.
 *
 * Every mistake is reported as `FILE:LINE: what is wrong`. */
#ifndef CONVSCOPE_LESSON_H
#define CONVSCOPE_LESSON_H

#include <stdbool.h>
#include <stddef.h>

#define LESSON_MAX_STEPS   64
#define LESSON_MAX_CHOICES 6
#define LESSON_MAX_SETS    32        /* `set` lines in one step */
#define LESSON_MAX_LINE    1024      /* bytes in one line */
#define LESSON_MAX_TEXT    4096      /* narration bytes in one step */
#define LESSON_MAX_FILE    (1 << 20) /* bytes in one lesson file (1 MB) */

typedef struct LessonSet {
    char key[32];
    char value[512]; /* as written; file values are resolved when the scene is applied */
    bool is_file;
    int line;
} LessonSet;

typedef enum LessonAskKind {
    LESSON_ASK_NONE,
    LESSON_ASK_CHOICE, /* pick one of choices[]; right is the index of the one marked choice* */
    LESSON_ASK_NUMBER  /* type a number; right when |x − answer| ≤ tol */
} LessonAskKind;

typedef struct LessonStep {
    int line;        /* the `step` line */
    char title[160]; /* "" when the step line has no heading */
    char lab[32];    /* never "" after a successful load */
    int lab_line;    /* where the lab was named (maybe an earlier step's line) */
    bool reset;
    int n_sets;
    LessonSet sets[LESSON_MAX_SETS];
    char text[LESSON_MAX_TEXT]; /* narration: lines joined by ' ', paragraphs by '\n' */
    LessonAskKind ask;
    int ask_line;
    char question[512];
    int n_choices;
    char choices[LESSON_MAX_CHOICES][160];
    int right;          /* LESSON_ASK_CHOICE: index of the right choice */
    double answer, tol; /* LESSON_ASK_NUMBER */
    char hint[512];
    char explain[512];
} LessonStep;

typedef struct Lesson {
    char path[512]; /* as given to lesson_load (used in messages) */
    char dir[512];  /* its folder ("." when the path has none) */
    char title[160];
    int n_steps;
    LessonStep *steps; /* (n_steps) */
} Lesson;

/* Reads and parses a lesson file. NULL with `FILE:LINE: what is wrong` in err on any mistake
 * (syntax only: lab names and settings are checked by lesson_dry_run). */
Lesson *lesson_load(const char *path, char *err, size_t err_size);
/* Parses lesson text held in memory; path names it in messages and its folder resolves files. */
Lesson *lesson_parse(const char *text, const char *path, char *err, size_t err_size);
void lesson_free(Lesson *ls);

/* What the lesson needs from the application. Every callback returns false with a message
 * (no file or line: the runner adds them) when the lab or the setting is refused. */
typedef struct LessonHost {
    void *user;
    /* Shows lab (by its command-line name) at its default scene. */
    bool (*begin_scene)(void *user, const char *lab, char *err, size_t err_size);
    /* Applies one setting to that lab; the key "step" moves its timeline. */
    bool (*set)(void *user, const char *key, const char *value, char *err, size_t err_size);
    /* All settings are in (e.g. the timeline position is applied now). May be NULL. */
    bool (*end_scene)(void *user, char *err, size_t err_size);
    /* The assets folder for file values (NULL: only the lesson's folder is searched). */
    const char *assets_dir;
} LessonHost;

/* Shows step index (0-based) through host: begin_scene, the replayed sets, end_scene.
 * false with `FILE:LINE: ...` (the line of the offending set or lab) in err. */
bool lesson_apply_step(const Lesson *ls, int index, const LessonHost *host, char *err,
                       size_t err_size);
/* Applies every step in turn (what `convscope check` does). Returns the number of failing
 * steps; their messages go to err one a line (cut when err is full). */
int lesson_dry_run(const Lesson *ls, const LessonHost *host, char *err, size_t err_size);

/* Resolves a file value of a set line: dir/value when that file exists, else assets/value.
 * false with a message when it is absolute, has '..', or is in neither place. */
bool lesson_resolve_file(const Lesson *ls, const char *value, const char *assets_dir, char *out,
                         size_t out_size, char *err, size_t err_size);
/* Whether a set value names a file (see the format above). */
bool lesson_value_is_file(const char *value);

/* ---- answers ---------------------------------------------------------------------------- */

typedef enum LessonVerdict {
    LESSON_UNANSWERED,
    LESSON_RIGHT,
    LESSON_WRONG,
    LESSON_NOT_A_NUMBER /* a typed answer that does not read as a number */
} LessonVerdict;

/* Whether choice index is the right one of step's question. */
LessonVerdict lesson_check_choice(const LessonStep *step, int index);
/* Reads text as a number ("19", "-0.5", "1e-3", "−2" with U+2212, "1/9") and compares it with
 * the step's answer within its tolerance. */
LessonVerdict lesson_check_number(const LessonStep *step, const char *text);

/* ---- the step runner -------------------------------------------------------------------- */

typedef struct LessonRun {
    const Lesson *ls;
    int step; /* 0-based current step */
    /* per step: the last verdict, the choice picked (-1 none), tries, whether the hint shows */
    LessonVerdict verdict[LESSON_MAX_STEPS];
    int picked[LESSON_MAX_STEPS];
    int tries[LESSON_MAX_STEPS];
    bool hint_shown[LESSON_MAX_STEPS];
} LessonRun;

/* A runner at step index (clamped to the lesson), scene applied through host. false with the
 * message when the scene is refused (the runner is still usable: it stays on that step). */
bool lesson_run_start(LessonRun *run, const Lesson *ls, int index, const LessonHost *host,
                      char *err, size_t err_size);
/* Moves to step index and applies its scene; an index outside 0..n-1 does nothing and returns
 * false with err "" (the buttons are at the end). */
bool lesson_run_go(LessonRun *run, int index, const LessonHost *host, char *err, size_t err_size);
bool lesson_run_next(LessonRun *run, const LessonHost *host, char *err, size_t err_size);
bool lesson_run_prev(LessonRun *run, const LessonHost *host, char *err, size_t err_size);
/* Answers the current step's question; the verdict is remembered for the step. */
LessonVerdict lesson_run_choose(LessonRun *run, int index);
LessonVerdict lesson_run_answer(LessonRun *run, const char *text);
/* The current step. */
const LessonStep *lesson_run_current(const LessonRun *run);
/* Wrong tries after which the step's worked answer (explain) is offered. */
#define LESSON_WORKED_AFTER 2
/* Whether the current step's explain shows: answered right, or wrong LESSON_WORKED_AFTER times
 * (a wrong answer then says why instead of only "Not quite"); false when it has none. */
bool lesson_run_worked(const LessonRun *run);
/* One line of feedback for the current step's verdict ("" when unanswered). */
const char *lesson_run_feedback(const LessonRun *run, char *out, size_t out_size);

/* ---- narration markup ------------------------------------------------------------------- */

typedef enum LessonSpanStyle {
    LESSON_SPAN_PLAIN,
    LESSON_SPAN_EMPH,
    LESSON_SPAN_MONO
} LessonSpanStyle;

/* Splits one paragraph into styled runs: *emphasis* and `mono`; a '*' or '`' without its
 * closing partner is plain text. Calls fn(user, style, text, len) for each run in order. */
void lesson_text_spans(const char *text, size_t len,
                       void (*fn)(void *user, LessonSpanStyle style, const char *s, size_t n),
                       void *user);

#endif
