/* fuzz_lesson.c - libFuzzer harness: bytes into lesson_load (a lesson file, whose folder holds
 * a picture, a link out of it and a subfolder), then what `convscope check` does with it:
 * lesson_dry_run over every step, here through a host that records and accepts every lab and
 * setting but refuses a few words (the real labs' checker lives in the application, which
 * needs SDL and the labs; this covers the parser, the scene replay, the file rules and the
 * runner). Then every step is answered and its narration split into spans.
 * A file value handed to the host must lie inside the lesson's folder or the assets folder. */
#include "lesson/lesson.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[512], assets[600], lesson_path[600];

static bool begin_scene(void *user, const char *lab, char *err, size_t n)
{
    (void)user;
    if (strcmp(lab, "nolab") == 0) {
        snprintf(err, n, "unknown lab '%s'", lab);
        return false;
    }
    return true;
}

static bool set(void *user, const char *key, const char *value, char *err, size_t n)
{
    (void)user;
    /* a resolved file is dir/... or assets/..., never anything else */
    if (strchr(value, '/') && strncmp(value, dir, strlen(dir)) != 0 &&
        strncmp(value, assets, strlen(assets)) != 0)
        abort();
    if (strcmp(key, "nokey") == 0) {
        snprintf(err, n, "unknown option '%s'", key);
        return false;
    }
    return true;
}

static bool end_scene(void *user, char *err, size_t n)
{
    (void)user;
    (void)err;
    (void)n;
    return true;
}

static void span(void *user, LessonSpanStyle style, const char *s, size_t n)
{
    (void)style;
    *(size_t *)user += n + (s[0] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s/convscope_fuzz_lesson_%ld", fuzz_tmpdir(), (long)getpid());
        snprintf(assets, sizeof assets, "%s_assets", dir);
        mkdir(dir, 0700);
        mkdir(assets, 0700);
        char p[700];
        snprintf(p, sizeof p, "%s/a.png", dir);
        fclose(fopen(p, "wb"));
        snprintf(p, sizeof p, "%s/b.png", assets);
        fclose(fopen(p, "wb"));
        snprintf(p, sizeof p, "%s/out.png", dir);
        if (symlink("/etc/hostname", p) != 0) { /* an existing link is fine */
        }
        snprintf(p, sizeof p, "%s/sub", dir);
        mkdir(p, 0700);
        snprintf(lesson_path, sizeof lesson_path, "%s/x.lesson", dir);
    }
    FILE *f = fopen(lesson_path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
    char err[16384];
    Lesson *ls = lesson_load(lesson_path, err, sizeof err);
    if (!ls) {
        if (strncmp(err, lesson_path, strlen(lesson_path)) != 0)
            abort();
        return 0;
    }
    if (ls->n_steps < 1 || ls->n_steps > LESSON_MAX_STEPS)
        abort();
    LessonHost host = {NULL, begin_scene, set, end_scene, assets};
    int failed = lesson_dry_run(ls, &host, err, sizeof err);
    if (failed < 0 || failed > ls->n_steps ||
        (failed && strncmp(err, lesson_path, strlen(lesson_path)) != 0))
        abort();
    LessonRun run;
    lesson_run_start(&run, ls, 0, &host, err, sizeof err);
    for (int i = 0; i < ls->n_steps; i++) {
        const LessonStep *st = lesson_run_current(&run);
        if (!st->lab[0])
            abort();
        for (int c = 0; c < st->n_choices; c++) {
            lesson_run_choose(&run, c);
            lesson_run_answer(&run, st->choices[c]);
        }
        lesson_run_answer(&run, st->question);
        char fb[256];
        lesson_run_feedback(&run, fb, sizeof fb);
        size_t total = 0;
        lesson_text_spans(st->text, strlen(st->text), span, &total);
        lesson_run_next(&run, &host, err, sizeof err);
    }
    lesson_run_prev(&run, &host, err, sizeof err);
    lesson_free(ls);
    return 0;
}
