/* main.c - the program's entry: `render` and no arguments are the application's (they draw its
 * screens); every other subcommand goes to cli/. */
#include "app/lesson_host.h"
#include "app/window.h"
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int status = 0;
    /* cli/ cannot include app/, so the frame bench is handed over before dispatch */
    cli_set_frame_bench(window_frame_bench);
    /* likewise the real labs for `convscope check` */
    cli_set_lesson_host(lesson_host_checker());
    if (argc >= 2 && strcmp(argv[1], "render") == 0)
        return window_render_command(argc - 1, argv + 1);
    if (cli_dispatch(argc, argv, &status))
        return status;
    if (argc >= 2 && strcmp(argv[1], "--lesson") == 0) {
        /* convscope --lesson FILE [--step N] */
        long step = 1;
        char *end = NULL;
        if (argc == 5 && strcmp(argv[3], "--step") == 0)
            step = strtol(argv[4], &end, 10);
        if (argc < 3 || (argc != 3 && argc != 5) || (end && (*end || step < 1))) {
            fprintf(stderr, "convscope: usage: convscope --lesson FILE [--step N] (N = 1, 2, ...)\n");
            return 2;
        }
        return window_run_lesson(argv[2], (int)step);
    }
    if (argc >= 2) {
        fprintf(stderr, "convscope: unknown command or option '%s' (see convscope --help)\n",
                argv[1]);
        return 2;
    }
    return window_run();
}
