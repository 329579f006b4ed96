/* main.c - the program's entry: `render` and no arguments are the application's (they draw its
 * screens); every other subcommand goes to cli/. */
#include "app/window.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    int status = 0;
    /* cli/ cannot include app/, so the frame bench is handed over before dispatch */
    cli_set_frame_bench(window_frame_bench);
    if (argc >= 2 && strcmp(argv[1], "render") == 0)
        return window_render_command(argc - 1, argv + 1);
    if (cli_dispatch(argc, argv, &status))
        return status;
    if (argc >= 2) {
        fprintf(stderr, "convscope: unknown command or option '%s' (see convscope --help)\n",
                argv[1]);
        return 2;
    }
    return window_run();
}
