/* test_lesson.c - the lesson parser (every directive, every mistake with its exact message and
 * line), scene replay and the step runner driven by a fake host that records what it is told,
 * answer checking, file values kept inside the lesson's folder and assets/, narration markup. */
#include "lesson/lesson.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the fake host: records "lab:NAME", "KEY=VALUE" and "end" calls in one log string ---- */

typedef struct Fake {
    char log[4096];
    const char *refuse_lab; /* begin_scene fails for this lab */
    const char *refuse_key; /* set fails for this key */
    bool refuse_end;
} Fake;

static void fake_log(Fake *f, const char *s)
{
    size_t n = strlen(f->log);
    snprintf(f->log + n, sizeof f->log - n, "%s%s", n ? " " : "", s);
}

static bool fake_begin(void *user, const char *lab, char *err, size_t n)
{
    Fake *f = user;
    if (f->refuse_lab && strcmp(lab, f->refuse_lab) == 0) {
        snprintf(err, n, "no such lab");
        return false;
    }
    char s[64];
    snprintf(s, sizeof s, "lab:%s", lab);
    fake_log(f, s);
    return true;
}

static bool fake_set(void *user, const char *key, const char *value, char *err, size_t n)
{
    Fake *f = user;
    if (f->refuse_key && strcmp(key, f->refuse_key) == 0) {
        snprintf(err, n, "unknown option '%s'", key);
        return false;
    }
    char s[1200];
    snprintf(s, sizeof s, "%s=%s", key, value);
    fake_log(f, s);
    return true;
}

static bool fake_end(void *user, char *err, size_t n)
{
    Fake *f = user;
    if (f->refuse_end) {
        snprintf(err, n, "step 99 is past the end (0..25)");
        return false;
    }
    fake_log(f, "end");
    return true;
}

static LessonHost fake_host(Fake *f)
{
    memset(f, 0, sizeof *f);
    LessonHost h = {f, fake_begin, fake_set, fake_end, NULL};
    return h;
}

/* ---- parse helpers ----------------------------------------------------------------------- */

/* Parses text expecting failure; returns the message. */
static const char *parse_err(const char *text)
{
    static char err[1200];
    err[0] = '\0';
    Lesson *ls = lesson_parse(text, "t.lesson", err, sizeof err);
    if (ls) {
        lesson_free(ls);
        return "(parsed)";
    }
    return err;
}

static const char *const good = "# a comment\n"
                                "title Sliding a kernel\n"
                                "\n"
                                "step The first window\n"
                                "lab convolution\n"
                                "set preset grid3\n"
                                "set step 1\n"
                                "> The kernel covers the *top-left* 2×2 window:\n"
                                ">   `0×0 + 1×1 + 3×2 + 4×3 = 19`.\n"
                                ">\n"
                                "> A second paragraph.\n"
                                "ask What is the first output?\n"
                                "answer 19\n"
                                "hint Multiply cell by cell and add.\n"
                                "explain 0 + 1 + 6 + 12 = 19.\n"
                                "step\n"
                                "set step 4\n"
                                "ask Which output comes last?\n"
                                "choice 19\n"
                                "choice* 43\n"
                                "choice 37\n"
                                "step Pooling now\r\n"
                                "lab pooling\r\n"
                                "reset\n"
                                "set kind max\n"
                                "ask The window's maximum, within a tenth?\n"
                                "answer 7 0.1\n"
                                "step Back to the kernel\n"
                                "lab convolution\n"
                                "set stride 2\n";

static void test_parse_good(void)
{
    char err[512] = "";
    Lesson *ls = lesson_parse(good, "lessons/x.lesson", err, sizeof err);
    CHECK(ls != NULL);
    if (!ls) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_STR_EQ("Sliding a kernel", ls->title);
    CHECK_STR_EQ("lessons", ls->dir);
    CHECK_INT_EQ(4, ls->n_steps);
    const LessonStep *s0 = &ls->steps[0];
    CHECK_INT_EQ(4, s0->line);
    CHECK_STR_EQ("The first window", s0->title);
    CHECK_STR_EQ("convolution", s0->lab);
    CHECK_INT_EQ(2, s0->n_sets);
    CHECK_STR_EQ("preset", s0->sets[0].key);
    CHECK_STR_EQ("grid3", s0->sets[0].value);
    CHECK_INT_EQ(6, s0->sets[0].line);
    CHECK(!s0->sets[0].is_file);
    CHECK_STR_EQ("The kernel covers the *top-left* 2×2 window: `0×0 + 1×1 + 3×2 + 4×3 = 19`.\n"
                 "A second paragraph.",
                 s0->text);
    CHECK_INT_EQ(LESSON_ASK_NUMBER, s0->ask);
    CHECK_INT_EQ(12, s0->ask_line);
    CHECK_STR_EQ("What is the first output?", s0->question);
    CHECK_NEAR(19.0, s0->answer, 0.0);
    CHECK_NEAR(0.0, s0->tol, 0.0);
    CHECK_STR_EQ("Multiply cell by cell and add.", s0->hint);
    CHECK_STR_EQ("0 + 1 + 6 + 12 = 19.", s0->explain);

    const LessonStep *s1 = &ls->steps[1];
    CHECK_STR_EQ("", s1->title);
    CHECK_STR_EQ("convolution", s1->lab); /* carried over */
    CHECK_INT_EQ(5, s1->lab_line);
    CHECK_INT_EQ(LESSON_ASK_CHOICE, s1->ask);
    CHECK_INT_EQ(3, s1->n_choices);
    CHECK_INT_EQ(1, s1->right);
    CHECK_STR_EQ("43", s1->choices[1]);

    const LessonStep *s2 = &ls->steps[2];
    CHECK_STR_EQ("Pooling now", s2->title); /* CRLF trimmed */
    CHECK_STR_EQ("pooling", s2->lab);
    CHECK(s2->reset);
    CHECK_NEAR(0.1, s2->tol, 1e-12);
    lesson_free(ls);

    /* a UTF-8 byte-order mark and a path without a folder */
    ls = lesson_parse("\xEF\xBB\xBFtitle T\nstep\nlab matrix\n", "x.lesson", err, sizeof err);
    CHECK(ls != NULL);
    if (ls) {
        CHECK_STR_EQ("T", ls->title);
        CHECK_STR_EQ(".", ls->dir);
        lesson_free(ls);
    }
}

static void test_parse_errors(void)
{
    const char *T = "title T\nstep\nlab convolution\n";
    char buf[1024];
#define WITH(tail) (snprintf(buf, sizeof buf, "%s%s", T, tail), buf)
    CHECK_STR_EQ("t.lesson:4: unknown directive 'sett' (expected title, step, lab, reset, set, "
                 ">, ask, choice, choice*, answer, hint, explain or # comment)",
                 parse_err(WITH("sett k 3\n")));
    CHECK_STR_EQ("t.lesson:2: the lesson has no `title` line before its first step",
                 parse_err("# c\nstep\nlab convolution\n"));
    CHECK_STR_EQ("t.lesson:1: the lesson has no `title` line", parse_err(""));
    CHECK_STR_EQ("t.lesson:1: the lesson has no steps (add `step`, `lab` and narration)",
                 parse_err("title T\n"));
    CHECK_STR_EQ("t.lesson:2: a second `title` (the first is on line 1)",
                 parse_err("title A\ntitle B\n"));
    CHECK_STR_EQ("t.lesson:4: a second `title` (the first is on line 1)",
                 parse_err(WITH("title B\n")));
    CHECK_STR_EQ("t.lesson:1: `title` needs the lesson's title", parse_err("title\n"));
    CHECK_STR_EQ("t.lesson:2: narration before the first `step`", parse_err("title T\n> hi\n"));
    CHECK_STR_EQ("t.lesson:2: `set` before the first `step`", parse_err("title T\nset k 3\n"));
    CHECK_STR_EQ("t.lesson:2: the first step names no lab (add `lab NAME`)",
                 parse_err("title T\nstep\n> hello\n"));
    CHECK_STR_EQ("t.lesson:4: `lab` needs one lab name, e.g. `lab convolution`",
                 parse_err(WITH("lab two words\n")));
    CHECK_STR_EQ("t.lesson:4: `reset` takes nothing after it", parse_err(WITH("reset now\n")));
    CHECK_STR_EQ("t.lesson:4: `set` needs a key and a value, e.g. `set k 3`",
                 parse_err(WITH("set k\n")));
    CHECK_STR_EQ("t.lesson:4: set input ../secret.png: the file climbs out with '..'; a lesson "
                 "reaches only its own folder and assets/",
                 parse_err(WITH("set input ../secret.png\n")));
    CHECK_STR_EQ("t.lesson:4: set input /etc/passwd: the file is an absolute path; a lesson "
                 "reaches only its own folder and assets/",
                 parse_err(WITH("set input /etc/passwd\n")));
    CHECK_STR_EQ("t.lesson:4: set input pics/../../x.png: the file climbs out with '..'; a "
                 "lesson reaches only its own folder and assets/",
                 parse_err(WITH("set input pics/../../x.png\n")));
    CHECK_STR_EQ("t.lesson:4: set input ~/x.png: the file names a home folder; a lesson reaches "
                 "only its own folder and assets/",
                 parse_err(WITH("set input ~/x.png\n")));
    CHECK_STR_EQ("t.lesson:4: set input C:\\x.png: the file has a drive letter; a lesson "
                 "reaches only its own folder and assets/",
                 parse_err(WITH("set input C:\\x.png\n")));
    CHECK_STR_EQ("t.lesson:4: `ask` needs the question", parse_err(WITH("ask\n")));
    CHECK_STR_EQ("t.lesson:4: question without answer: add `answer NUMBER [TOLERANCE]` or "
                 "`choice`/`choice*` lines",
                 parse_err(WITH("ask Why?\n")));
    CHECK_STR_EQ("t.lesson:4: question without answer: add `answer NUMBER [TOLERANCE]` or "
                 "`choice`/`choice*` lines",
                 parse_err(WITH("ask Why?\nhint think\nstep\n")));
    CHECK_STR_EQ("t.lesson:5: a step asks one question (this one already asks on line 4)",
                 parse_err(WITH("ask A?\nask B?\n")));
    CHECK_STR_EQ("t.lesson:4: `choice` without a question (`ask ...` first)",
                 parse_err(WITH("choice 3\n")));
    CHECK_STR_EQ("t.lesson:4: `choice*` without a question (`ask ...` first)",
                 parse_err(WITH("choice* 3\n")));
    CHECK_STR_EQ("t.lesson:4: `answer` without a question (`ask ...` first)",
                 parse_err(WITH("answer 3\n")));
    CHECK_STR_EQ("t.lesson:4: `hint` without a question (`ask ...` first)",
                 parse_err(WITH("hint h\n")));
    CHECK_STR_EQ("t.lesson:4: `explain` without a question (`ask ...` first)",
                 parse_err(WITH("explain e\n")));
    CHECK_STR_EQ("t.lesson:4: the question has 1 choice; give at least two (the right one as "
                 "choice*)",
                 parse_err(WITH("ask Q?\nchoice* 3\n")));
    CHECK_STR_EQ("t.lesson:4: no choice is marked right; write the right one as `choice* TEXT`",
                 parse_err(WITH("ask Q?\nchoice 3\nchoice 4\n")));
    CHECK_STR_EQ("t.lesson:7: a second choice marked right (the first is choice 1); mark one",
                 parse_err(WITH("ask Q?\nchoice* 3\nchoice 4\nchoice* 5\n")));
    CHECK_STR_EQ("t.lesson:6: the question already has choices; use choices or an answer, not "
                 "both",
                 parse_err(WITH("ask Q?\nchoice* 3\nanswer 3\n")));
    CHECK_STR_EQ("t.lesson:6: the question already has a numeric `answer`; use choices or an "
                 "answer, not both",
                 parse_err(WITH("ask Q?\nanswer 3\nchoice 3\n")));
    CHECK_STR_EQ("t.lesson:6: a second `answer` for the question",
                 parse_err(WITH("ask Q?\nanswer 3\nanswer 4\n")));
    CHECK_STR_EQ("t.lesson:5: `answer` needs a number, got 'three'",
                 parse_err(WITH("ask Q?\nanswer three\n")));
    CHECK_STR_EQ("t.lesson:5: `answer NUMBER [TOLERANCE]`: the tolerance must be one number >= "
                 "0, got '3 -1'",
                 parse_err(WITH("ask Q?\nanswer 3 -1\n")));
    CHECK_STR_EQ("t.lesson:5: `answer NUMBER [TOLERANCE]`: the tolerance must be one number >= "
                 "0, got '3 0.1 9'",
                 parse_err(WITH("ask Q?\nanswer 3 0.1 9\n")));
    CHECK_STR_EQ("t.lesson:6: a second `hint` for the question",
                 parse_err(WITH("ask Q?\nhint a\nhint b\nanswer 1\n")));
    CHECK_STR_EQ("t.lesson:5: `choice` needs the choice's text",
                 parse_err(WITH("ask Q?\nchoice\n")));
    CHECK_STR_EQ("t.lesson:11: more than 6 choices",
                 parse_err(WITH("ask Q?\nchoice* 1\nchoice 2\nchoice 3\nchoice 4\nchoice 5\n"
                                "choice 6\nchoice 7\n")));
    /* a line longer than the limit */
    char *longline = malloc(LESSON_MAX_LINE + 64);
    snprintf(longline, LESSON_MAX_LINE + 64, "title T\nstep\nlab convolution\n> ");
    size_t n = strlen(longline);
    memset(longline + n, 'a', LESSON_MAX_LINE);
    longline[n + LESSON_MAX_LINE] = '\0';
    CHECK_STR_EQ("t.lesson:4: the line is longer than 1024 bytes", parse_err(longline));
    free(longline);
#undef WITH
}

static void test_load_file(void)
{
    char err[512] = "";
    CHECK(lesson_load("/nonexistent/x.lesson", err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "/nonexistent/x.lesson: cannot open");
    /* a folder (it used to give a bare "read error") */
    CHECK(lesson_load("/tmp", err, sizeof err) == NULL);
    CHECK_STR_EQ("/tmp: is a folder, not a file", err);
    const char *path = "test_lesson_nul.lesson";
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    fwrite("title T\nstep\n\0lab x\n", 1, 20, f);
    fclose(f);
    CHECK(lesson_load(path, err, sizeof err) == NULL);
    CHECK_STR_EQ("test_lesson_nul.lesson:3: a NUL byte: this is not a text file", err);
    f = fopen(path, "wb");
    fputs("title T\nstep\nlab convolution\n> hello\n", f);
    fclose(f);
    Lesson *ls = lesson_load(path, err, sizeof err);
    CHECK(ls != NULL);
    if (ls) {
        CHECK_STR_EQ("hello", ls->steps[0].text);
        lesson_free(ls);
    }
    remove(path);

    /* above LESSON_MAX_FILE: the first mistake inside the first megabyte is named when there
     * is one (a line too long, too many steps), else the size */
    size_t big = (size_t)LESSON_MAX_FILE + 4096;
    char *text = malloc(big + 1);
    CHECK(text != NULL);
    if (!text)
        return;
    int k = snprintf(text, big, "title T\nstep\nlab convolution\n> ");
    memset(text + k, 'x', big - (size_t)k);
    text[big] = '\0';
    f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
    CHECK(lesson_load(path, err, sizeof err) == NULL);
    CHECK_STR_EQ("test_lesson_nul.lesson:4: the line is longer than 1024 bytes (the limit)", err);
    size_t n = (size_t)snprintf(text, big, "title T\n");
    while (n + 32 < big)
        n += (size_t)snprintf(text + n, big - n, "step\nlab matrix\n");
    f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
    CHECK(lesson_load(path, err, sizeof err) == NULL);
    CHECK_STR_EQ("test_lesson_nul.lesson:130: more than 64 steps", err);
    n = (size_t)snprintf(text, big, "title T\nstep\nlab matrix\n");
    while (n + 32 < big)
        n += (size_t)snprintf(text + n, big - n, "# a comment line\n");
    f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
    CHECK(lesson_load(path, err, sizeof err) == NULL);
    CHECK_STR_EQ("test_lesson_nul.lesson: byte 1048576: the file is larger than 1048576 bytes (1 "
                 "MB), the limit for a lesson",
                 err);
    free(text);
    remove(path);
}

/* ---- scenes and the runner --------------------------------------------------------------- */

static void test_scene_replay(void)
{
    char err[1200] = "";
    Lesson *ls = lesson_parse(good, "lessons/x.lesson", err, sizeof err);
    CHECK(ls != NULL);
    if (!ls)
        return;
    Fake f;
    LessonHost h = fake_host(&f);
    CHECK(lesson_apply_step(ls, 0, &h, err, sizeof err));
    CHECK_STR_EQ("lab:convolution preset=grid3 step=1 end", f.log);
    /* step 2 inherits step 1's sets, then applies its own, in file order */
    f.log[0] = '\0';
    CHECK(lesson_apply_step(ls, 1, &h, err, sizeof err));
    CHECK_STR_EQ("lab:convolution preset=grid3 step=1 step=4 end", f.log);
    f.log[0] = '\0';
    CHECK(lesson_apply_step(ls, 2, &h, err, sizeof err));
    CHECK_STR_EQ("lab:pooling kind=max end", f.log);
    /* back on the first lab: its earlier sets replay, the pooling step's do not */
    f.log[0] = '\0';
    CHECK(lesson_apply_step(ls, 3, &h, err, sizeof err));
    CHECK_STR_EQ("lab:convolution preset=grid3 step=1 step=4 stride=2 end", f.log);
    CHECK(!lesson_apply_step(ls, 4, &h, err, sizeof err));
    CHECK_STR_EQ("lessons/x.lesson: no step 5 (the lesson has 4)", err);
    lesson_free(ls);

    /* reset: the scene starts again from the lab's defaults */
    ls = lesson_parse("title T\nstep\nlab conv\nset k 5\nstep\nreset\nset k 3\nstep\nset pad 1\n",
                      "t.lesson", err, sizeof err);
    CHECK(ls != NULL);
    if (!ls)
        return;
    f.log[0] = '\0';
    CHECK(lesson_apply_step(ls, 2, &h, err, sizeof err));
    CHECK_STR_EQ("lab:conv k=3 pad=1 end", f.log);
    lesson_free(ls);
}

static void test_scene_errors(void)
{
    char err[1200] = "";
    Lesson *ls = lesson_parse("title T\nstep\nlab network\nset k 3\nstep\nlab conv\nset k 3\n"
                              "set kk 4\nstep\nset pad 1\n",
                              "t.lesson", err, sizeof err);
    CHECK(ls != NULL);
    if (!ls)
        return;
    Fake f;
    LessonHost h = fake_host(&f);
    f.refuse_lab = "network";
    CHECK(!lesson_apply_step(ls, 0, &h, err, sizeof err));
    CHECK_STR_EQ("t.lesson:3: lab network: no such lab", err);
    f.refuse_key = "kk";
    CHECK(!lesson_apply_step(ls, 1, &h, err, sizeof err));
    CHECK_STR_EQ("t.lesson:8: set kk 4: unknown option 'kk'", err);
    /* the dry run reports every failing step once, with its line */
    CHECK_INT_EQ(2, lesson_dry_run(ls, &h, err, sizeof err));
    CHECK_STR_EQ("t.lesson:3: lab network: no such lab\nt.lesson:8: set kk 4: unknown option 'kk'",
                 err);
    f.refuse_lab = NULL;
    f.refuse_key = NULL;
    f.refuse_end = true;
    CHECK(!lesson_apply_step(ls, 2, &h, err, sizeof err));
    CHECK_STR_EQ("t.lesson:9: step 3: step 99 is past the end (0..25)", err); /* no `set step` */
    f.refuse_end = false;
    CHECK_INT_EQ(0, lesson_dry_run(ls, &h, err, sizeof err));
    CHECK_STR_EQ("", err);
    lesson_free(ls);
}

static void test_files(void)
{
    /* a lesson folder with a picture, and an assets folder with another */
    mkdir("tl_dir", 0755);
    mkdir("tl_assets", 0755);
    mkdir("tl_assets/pics", 0755);
    FILE *f = fopen("tl_dir/star.png", "wb");
    fputs("x", f);
    fclose(f);
    f = fopen("tl_assets/pics/seven.png", "wb");
    fputs("x", f);
    fclose(f);
    char err[1200] = "";
    Lesson *ls = lesson_parse("title T\nstep\nlab conv\nset input star.png\nstep\n"
                              "set input pics/seven.png\nstep\nset input gone.png\n",
                              "tl_dir/a.lesson", err, sizeof err);
    CHECK(ls != NULL);
    if (!ls)
        return;
    CHECK(ls->steps[0].sets[0].is_file);
    Fake fk;
    LessonHost h = fake_host(&fk);
    h.assets_dir = "tl_assets";
    CHECK(lesson_apply_step(ls, 0, &h, err, sizeof err));
    CHECK_STR_EQ("lab:conv input=tl_dir/star.png end", fk.log);
    fk.log[0] = '\0';
    CHECK(lesson_apply_step(ls, 1, &h, err, sizeof err));
    CHECK_STR_EQ("lab:conv input=tl_dir/star.png input=tl_assets/pics/seven.png end", fk.log);
    CHECK(!lesson_apply_step(ls, 2, &h, err, sizeof err));
    CHECK_STR_EQ("tl_dir/a.lesson:8: set input: 'gone.png': no such file in the lesson's folder "
                 "(tl_dir) or in assets/",
                 err);
    lesson_free(ls);
    /* a link in the lesson's folder that leads out of it is refused; one inside is fine */
    CHECK(symlink("/etc/passwd", "tl_dir/out.png") == 0);
    CHECK(symlink("star.png", "tl_dir/in.png") == 0);
    ls = lesson_parse("title T\nstep\nlab conv\nset input in.png\nstep\nset input out.png\n",
                      "tl_dir/a.lesson", err, sizeof err);
    CHECK(ls != NULL);
    if (ls) {
        CHECK(lesson_apply_step(ls, 0, &h, err, sizeof err));
        CHECK(!lesson_apply_step(ls, 1, &h, err, sizeof err));
        CHECK_STR_EQ("tl_dir/a.lesson:6: set input: 'out.png' leads out of tl_dir through a link; "
                     "a lesson reaches only its own folder and assets/",
                     err);
        lesson_free(ls);
    }
    remove("tl_dir/out.png");
    remove("tl_dir/in.png");
    CHECK(lesson_value_is_file("a/b"));
    CHECK(lesson_value_is_file("X.JPG"));
    CHECK(!lesson_value_is_file("digit:7"));
    CHECK(!lesson_value_is_file("0.5"));
    remove("tl_dir/star.png");
    remove("tl_assets/pics/seven.png");
    rmdir("tl_assets/pics");
    rmdir("tl_assets");
    rmdir("tl_dir");
}

static void test_answers(void)
{
    LessonStep st;
    memset(&st, 0, sizeof st);
    st.ask = LESSON_ASK_NUMBER;
    st.answer = 28.0;
    CHECK_INT_EQ(LESSON_RIGHT, lesson_check_number(&st, "28"));
    CHECK_INT_EQ(LESSON_RIGHT, lesson_check_number(&st, " 28.0 "));
    CHECK_INT_EQ(LESSON_RIGHT, lesson_check_number(&st, "2.8e1"));
    CHECK_INT_EQ(LESSON_WRONG, lesson_check_number(&st, "27"));
    CHECK_INT_EQ(LESSON_WRONG, lesson_check_number(&st, "28.001"));
    CHECK_INT_EQ(LESSON_NOT_A_NUMBER, lesson_check_number(&st, "twenty"));
    CHECK_INT_EQ(LESSON_NOT_A_NUMBER, lesson_check_number(&st, ""));
    CHECK_INT_EQ(LESSON_NOT_A_NUMBER, lesson_check_number(&st, "28 apples"));
    CHECK_INT_EQ(LESSON_NOT_A_NUMBER, lesson_check_number(&st, "1/0"));
    st.answer = -0.5;
    CHECK_INT_EQ(LESSON_RIGHT, lesson_check_number(&st, "\xE2\x88\x92"
                                                        "0.5")); /* U+2212 */
    CHECK_INT_EQ(LESSON_RIGHT, lesson_check_number(&st, "-1/2"));
    st.answer = 0.0009765625; /* 0.25^5 */
    st.tol = 0.00001;
    CHECK_INT_EQ(LESSON_RIGHT, lesson_check_number(&st, "0.00098"));
    CHECK_INT_EQ(LESSON_WRONG, lesson_check_number(&st, "0.001"));
    st.answer = 1.0 / 9.0;
    st.tol = 0.0;
    CHECK_INT_EQ(LESSON_RIGHT, lesson_check_number(&st, "1/9"));
    CHECK_INT_EQ(LESSON_UNANSWERED, lesson_check_choice(&st, 0)); /* not a choice question */

    st.ask = LESSON_ASK_CHOICE;
    st.n_choices = 3;
    st.right = 2;
    CHECK_INT_EQ(LESSON_RIGHT, lesson_check_choice(&st, 2));
    CHECK_INT_EQ(LESSON_WRONG, lesson_check_choice(&st, 0));
    CHECK_INT_EQ(LESSON_UNANSWERED, lesson_check_choice(&st, 3));
    CHECK_INT_EQ(LESSON_UNANSWERED, lesson_check_choice(&st, -1));
    CHECK_INT_EQ(LESSON_UNANSWERED, lesson_check_number(&st, "1"));
}

static void test_runner(void)
{
    char err[1200] = "", fb[256];
    Lesson *ls = lesson_parse(good, "lessons/x.lesson", err, sizeof err);
    CHECK(ls != NULL);
    if (!ls)
        return;
    Fake f;
    LessonHost h = fake_host(&f);
    LessonRun run;
    /* a start past the end is clamped to the last step */
    CHECK(lesson_run_start(&run, ls, 99, &h, err, sizeof err));
    CHECK_INT_EQ(3, run.step);
    CHECK(!lesson_run_next(&run, &h, err, sizeof err)); /* at the end: nothing happens */
    CHECK_INT_EQ(3, run.step);
    CHECK_STR_EQ("", err);
    f.log[0] = '\0';
    CHECK(lesson_run_start(&run, ls, 0, &h, err, sizeof err));
    CHECK_INT_EQ(0, run.step);
    CHECK_STR_EQ("lab:convolution preset=grid3 step=1 end", f.log);
    CHECK(!lesson_run_prev(&run, &h, err, sizeof err)); /* before the start: nothing */
    CHECK_INT_EQ(0, run.step);
    CHECK_STR_EQ("", lesson_run_feedback(&run, fb, sizeof fb));

    CHECK_INT_EQ(LESSON_WRONG, lesson_run_answer(&run, "18"));
    CHECK_STR_EQ("Not quite. Try again, or open the hint.",
                 lesson_run_feedback(&run, fb, sizeof fb));
    run.hint_shown[0] = true;
    CHECK_STR_EQ("Not quite. Try again.", lesson_run_feedback(&run, fb, sizeof fb));
    CHECK_INT_EQ(LESSON_NOT_A_NUMBER, lesson_run_answer(&run, "x"));
    CHECK_STR_EQ("Type a number, e.g. 28, -0.5, 1e-3 or 1/9.",
                 lesson_run_feedback(&run, fb, sizeof fb));
    CHECK_INT_EQ(LESSON_RIGHT, lesson_run_answer(&run, "19"));
    CHECK_STR_EQ("Right: 19.", lesson_run_feedback(&run, fb, sizeof fb));
    CHECK_INT_EQ(2, run.tries[0]); /* "x" is not a try */

    f.log[0] = '\0';
    CHECK(lesson_run_next(&run, &h, err, sizeof err));
    CHECK_INT_EQ(1, run.step);
    CHECK_STR_EQ("lab:convolution preset=grid3 step=1 step=4 end", f.log);
    CHECK_INT_EQ(LESSON_UNANSWERED, run.verdict[1]);
    CHECK_INT_EQ(LESSON_UNANSWERED, lesson_run_answer(&run, "43")); /* a choice question */
    CHECK_INT_EQ(LESSON_WRONG, lesson_run_choose(&run, 0));
    CHECK_INT_EQ(0, run.picked[1]);
    CHECK_INT_EQ(LESSON_RIGHT, lesson_run_choose(&run, 1));
    CHECK_STR_EQ("Right: 43.", lesson_run_feedback(&run, fb, sizeof fb));
    /* verdicts stay with their step across moves */
    CHECK(lesson_run_prev(&run, &h, err, sizeof err));
    CHECK_INT_EQ(LESSON_RIGHT, run.verdict[run.step]);
    CHECK(lesson_run_go(&run, 2, &h, err, sizeof err));
    CHECK_INT_EQ(LESSON_RIGHT, lesson_run_answer(&run, "7.05")); /* within 0.1 */
    CHECK(!lesson_run_go(&run, -1, &h, err, sizeof err));
    CHECK_INT_EQ(2, run.step);
    lesson_free(ls);
}

/* ---- narration markup -------------------------------------------------------------------- */

typedef struct Spans {
    char out[512];
} Spans;

static void span_cb(void *user, LessonSpanStyle style, const char *s, size_t n)
{
    Spans *sp = user;
    size_t have = strlen(sp->out);
    snprintf(sp->out + have, sizeof sp->out - have, "%s%.*s]",
             style == LESSON_SPAN_EMPH   ? "E["
             : style == LESSON_SPAN_MONO ? "M["
                                         : "P[",
             (int)n, s);
}

static const char *spans(const char *text)
{
    static Spans sp;
    sp.out[0] = '\0';
    lesson_text_spans(text, strlen(text), span_cb, &sp);
    return sp.out;
}

static void test_spans(void)
{
    CHECK_STR_EQ("P[the ]E[shared]P[ weights]", spans("the *shared* weights"));
    CHECK_STR_EQ("P[out = ]M[⌊(28 + 4 − 4 − 1)/1⌋ + 1 = 28]",
                 spans("out = `⌊(28 + 4 − 4 − 1)/1⌋ + 1 = 28`"));
    CHECK_STR_EQ("P[2 * 3 = 6]", spans("2 * 3 = 6")); /* a lone operator stays plain */
    CHECK_STR_EQ("P[a *dangling star]", spans("a *dangling star"));
    CHECK_STR_EQ("E[x]M[y]", spans("*x*`y`"));
    CHECK_STR_EQ("", spans(""));
}

int main(void)
{
    test_parse_good();
    test_parse_errors();
    test_load_file();
    test_scene_replay();
    test_scene_errors();
    test_files();
    test_answers();
    test_runner();
    test_spans();
    return test_summary();
}
