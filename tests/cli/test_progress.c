/* test_progress.c - the progress bar's line, and silence when the stream is not a terminal. */
#include "test.h"

#include "cli/progress.h"

int main(void)
{
    char buf[256];
    CHECK_STR_EQ("[##########..........]  50%  epoch 1/2",
                 progress_format(buf, sizeof buf, 50, 100, 20, "epoch 1/2"));
    CHECK_STR_EQ("[....]   0%", progress_format(buf, sizeof buf, 0, 8, 4, ""));
    /* 3 of 8 is 37.5 %: cells and percent round down */
    CHECK_STR_EQ("[#...]  37%", progress_format(buf, sizeof buf, 3, 8, 4, NULL));
    CHECK_STR_EQ("[####] 100%  done", progress_format(buf, sizeof buf, 8, 8, 4, "done"));
    /* out of range is clamped; no total is an empty bar */
    CHECK_STR_EQ("[####] 100%", progress_format(buf, sizeof buf, 99, 8, 4, ""));
    CHECK_STR_EQ("[....]   0%", progress_format(buf, sizeof buf, -5, 8, 4, ""));
    CHECK_STR_EQ("[....]   0%", progress_format(buf, sizeof buf, 5, 0, 4, ""));

    /* a file is not a terminal: nothing is drawn */
    FILE *f = tmpfile();
    Progress p;
    progress_begin(&p, f, 10);
    CHECK(!p.enabled);
    for (long i = 1; i <= 10; i++)
        progress_update(&p, i, "working");
    progress_end(&p);
    CHECK_INT_EQ(0, ftell(f));
    fclose(f);
    return test_summary();
}
