/* test_cmd_check.c - `convscope check`: usage errors, FILE:LINE messages and the exit status,
 * the "ok: N steps" line, and the lesson host hook (a fake host that refuses one option). */
#include "cli/cli.h"
#include "test.h"

#include <stdio.h>
#include <string.h>

static char out_buf[8192], err_buf[8192];

/* Runs check with the given arguments; out_buf/err_buf get what it printed. */
static int run(int argc, char **argv)
{
    FILE *o = tmpfile(), *e = tmpfile();
    int status = cmd_check_run(argc, argv, o, e);
    rewind(o);
    rewind(e);
    size_t no = fread(out_buf, 1, sizeof out_buf - 1, o);
    size_t ne = fread(err_buf, 1, sizeof err_buf - 1, e);
    out_buf[no] = '\0';
    err_buf[ne] = '\0';
    fclose(o);
    fclose(e);
    return status;
}

static bool begin(void *user, const char *lab, char *err, size_t n)
{
    (void)user;
    if (strcmp(lab, "convolution") != 0) {
        snprintf(err, n, "unknown lab '%s'", lab);
        return false;
    }
    return true;
}

static bool set(void *user, const char *key, const char *value, char *err, size_t n)
{
    (void)user;
    (void)value;
    if (strcmp(key, "k") != 0) {
        snprintf(err, n, "unknown option '%s'", key);
        return false;
    }
    return true;
}

int main(void)
{
    const char *good = "test_check_good.lesson", *bad = "test_check_bad.lesson";
    FILE *f = fopen(good, "w");
    fputs("title Good\nstep\nlab convolution\nset k 3\n> hi\nstep\n> again\n", f);
    fclose(f);
    f = fopen(bad, "w");
    fputs("title Bad\nstep\nlab convolution\nsett k 3\n", f);
    fclose(f);

    char *none[] = {"check"};
    CHECK_INT_EQ(2, run(1, none));
    CHECK_CONTAINS(err_buf, "give one or more lesson files");
    char *opt[] = {"check", "--fast", (char *)good};
    CHECK_INT_EQ(2, run(3, opt));
    CHECK_CONTAINS(err_buf, "unknown option '--fast'");

    /* without the app's host: parsed only, and said so */
    cli_set_lesson_host(NULL);
    char *one[] = {"check", (char *)good};
    CHECK_INT_EQ(0, run(2, one));
    CHECK_STR_EQ("test_check_good.lesson: ok: 2 steps (parsed only: built without the labs to "
                 "check the scenes)\n",
                 out_buf);
    char *two[] = {"check", (char *)good, (char *)bad};
    CHECK_INT_EQ(1, run(3, two));
    CHECK_CONTAINS(out_buf, "test_check_good.lesson: ok: 2 steps");
    CHECK_CONTAINS(err_buf, "test_check_bad.lesson:4: unknown directive 'sett'");
    char *missing[] = {"check", "no_such.lesson"};
    CHECK_INT_EQ(1, run(2, missing));
    CHECK_CONTAINS(err_buf, "no_such.lesson: cannot open");
    /* a folder (it used to be "read error") */
    char *folder[] = {"check", "/tmp"};
    CHECK_INT_EQ(1, run(2, folder));
    CHECK_STR_EQ("/tmp: is a folder, not a file\n", err_buf);

    /* with a host: every step is dry-run through it */
    LessonHost host = {NULL, begin, set, NULL, NULL};
    cli_set_lesson_host(&host);
    CHECK(cli_lesson_host() == &host);
    CHECK_INT_EQ(0, run(2, one));
    CHECK_STR_EQ("test_check_good.lesson: ok: 2 steps\n", out_buf);
    f = fopen(good, "w");
    fputs("title Good\nstep\nlab convolution\nset k 3\nset pad 1\nstep\nlab pooling\n", f);
    fclose(f);
    CHECK_INT_EQ(1, run(2, one));
    CHECK_STR_EQ("test_check_good.lesson:5: set pad 1: unknown option 'pad'\n"
                 "test_check_good.lesson:7: lab pooling: unknown lab 'pooling'\n",
                 err_buf);
    cli_set_lesson_host(NULL);
    remove(good);
    remove(bad);
    return test_summary();
}
