/* cli.c - dispatch of the subcommands and the --help text. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

typedef int (*CliCommand)(int argc, char **argv);

typedef struct CliEntry {
    const char *name;
    CliCommand run; /* NULL: not built yet, said honestly */
    const char *usage;
} CliEntry;

static const CliEntry commands[] = {
    {"train", cmd_train,
     "train [--net F] [--data DIR] [--epochs N] [--batch B] [--lr X] [--lr-decay D]\n"
     "        [--momentum M] [--optimizer sgd|adam] [--threads T] [--seed S] [--limit N]\n"
     "        [--save F.cnn] [--json]"},
    {"eval", cmd_eval, "eval --model F.cnn [--data DIR] [--limit N] [--threads T] [--json]"},
    {"predict", cmd_predict, "predict --model F.cnn [--data DIR] [--json] IMAGE..."},
    {"dump", cmd_dump,
     "dump --net F | --model F.cnn [--seed S] [--mode eval|train] --input IMAGE|X.npy\n"
     "        --label K --out DIR"},
    {"export", cmd_export, "export --model F.cnn --out DIR [--force]"},
    {"check", cmd_check, "check LESSON..."},
    {"bench", cmd_bench, "bench [--net F] [--seconds S] [--json]"},
};

static CliFrameBench frame_bench_hook = NULL;

void cli_set_frame_bench(CliFrameBench fn)
{
    frame_bench_hook = fn;
}

CliFrameBench cli_frame_bench(void)
{
    return frame_bench_hook;
}

void cli_print_help(void)
{
    printf("convscope %s - see every number a convolutional network computes\n\n",
           CONVSCOPE_VERSION);
    printf("usage:\n");
    printf("  convscope                     open the application (labs and lessons)\n");
    printf("  convscope --lesson F.lesson [--step N]   open the window on a lesson\n");
    printf("  convscope render (--lab NAME [--KEY VALUE...] | --lesson F --step N | --home)\n"
           "                  [--size WxH] [--scale F] [--theme dark|light|projector] --out F.png\n"
           "                  labs: convolution pooling channels network train backprop\n"
           "                        matrix activations\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        printf("  convscope %s%s\n", commands[i].usage,
               commands[i].run ? "" : "\n                  (not built yet)");
    printf("  convscope --help | --version\n");
}

bool cli_dispatch(int argc, char **argv, int *status)
{
    if (argc < 2)
        return false;
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        cli_print_help();
        *status = 0;
        return true;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("convscope %s\n", CONVSCOPE_VERSION);
        *status = 0;
        return true;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(cmd, commands[i].name) != 0)
            continue;
        if (!commands[i].run) {
            fprintf(stderr, "convscope: '%s' is not built yet\n", cmd);
            *status = 2;
            return true;
        }
        *status = commands[i].run(argc - 1, argv + 1);
        return true;
    }
    return false;
}
