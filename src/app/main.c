/* main.c - the program's entry: subcommands go to cli/, everything else opens the window. */
#include "cli/cli.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    int status = 0;
    if (cli_dispatch(argc, argv, &status))
        return status;
    if (argc >= 2) {
        fprintf(stderr, "convscope: unknown command or option '%s' (see convscope --help)\n",
                argv[1]);
        return 2;
    }
    fprintf(stderr, "convscope: the window is not built yet\n");
    return 2;
}
