/* cmd_check.c - `convscope check LESSON...`: parses each lesson file and dry-runs every step
 * against the real labs (through the LessonHost that app/ hands over; cli/ cannot include
 * app/). Mistakes go to stderr as FILE:LINE: what is wrong; the exit status is 1 when any file
 * has one, 2 for a usage error. */
#include "cli/cli.h"

#include "lesson/lesson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const LessonHost *lesson_host_hook = NULL;

void cli_set_lesson_host(const LessonHost *host)
{
    lesson_host_hook = host;
}

const LessonHost *cli_lesson_host(void)
{
    return lesson_host_hook;
}

int cmd_check_run(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2) {
        fprintf(err, "convscope check: give one or more lesson files, e.g. convscope check "
                     "lessons/*.lesson\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(err,
                    "convscope check: unknown option '%s' (usage: convscope check "
                    "LESSON...)\n",
                    argv[i]);
            return 2;
        }
    }
    const LessonHost *host = lesson_host_hook;
    int bad = 0;
    /* room for every failing step's message */
    enum { MSG = 16384 };
    char *msg = malloc(MSG);
    if (!msg) {
        fprintf(err, "convscope check: out of memory\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        Lesson *ls = lesson_load(argv[i], msg, MSG);
        if (!ls) {
            fprintf(err, "%s\n", msg);
            bad++;
            continue;
        }
        int failed = host ? lesson_dry_run(ls, host, msg, MSG) : 0;
        if (failed > 0) {
            fprintf(err, "%s\n", msg);
            bad++;
        } else {
            fprintf(out, "%s: ok: %d step%s%s\n", argv[i], ls->n_steps, ls->n_steps == 1 ? "" : "s",
                    host ? "" : " (parsed only: built without the labs to check the scenes)");
        }
        lesson_free(ls);
    }
    free(msg);
    return bad ? 1 : 0;
}

int cmd_check(int argc, char **argv)
{
    return cmd_check_run(argc, argv, stdout, stderr);
}
