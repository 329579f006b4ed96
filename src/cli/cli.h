/* cli.h - the command-line subcommands. Depends on: engine, viz, lesson.
 * Each subcommand returns a process exit status; errors go to stderr as FILE:LINE: message. */
#ifndef CONVSCOPE_CLI_H
#define CONVSCOPE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "lesson/lesson.h"

/* Runs argv[1] as a subcommand when it names one (train, eval, predict, dump, check, bench,
 * --help, --version): returns true and stores the exit status in *status. Returns false when
 * argv[1] is not a command-line subcommand (the application handles it). */
bool cli_dispatch(int argc, char **argv, int *status);

/* The application's frame-time benchmark (cli/ cannot include app/, so app/ hands it over
 * before dispatch). It prints its figures to out; with json it prints one JSON member,
 * `"frames": {...}`, for `bench --json` to place inside its object. */
typedef void (*CliFrameBench)(FILE *out, bool json);
void cli_set_frame_bench(CliFrameBench fn);
/* The hook, or NULL when the program was built without the application. */
CliFrameBench cli_frame_bench(void);

/* The lesson host `convscope check` dry-runs scenes through: the real labs' set_option, handed
 * over by app/ before dispatch (cli/ cannot include app/). Without it, check only parses. */
void cli_set_lesson_host(const LessonHost *host);
const LessonHost *cli_lesson_host(void);
/* `convscope check LESSON...`: parse and dry-run each lesson; "FILE: ok: N steps" on out,
 * FILE:LINE: messages on err; status 1 when any file has a mistake (cmd_check.c). */
int cmd_check(int argc, char **argv);
int cmd_check_run(int argc, char **argv, FILE *out, FILE *err);

/* `convscope dump --net F | --model F.cnn [--seed S] [--mode eval|train] --input IMAGE|X.npy
 * --label K --out DIR`: one example's every output, gradient and parameter as .npy files
 * (cmd_dump.c). */
int cmd_dump(int argc, char **argv);
/* `convscope export --model F.cnn --out DIR [--force]`: the model as DIR/model.py (a
 * torch.nn.Module), DIR/weights.npz and DIR/check.py (its accuracy on the test digits in eval's
 * format) (cmd_export.c). */
int cmd_export(int argc, char **argv);
int cmd_export_run(int argc, char **argv, FILE *out, FILE *err);
/* True when export has a PyTorch form for layer kind (a LayerKind of engine/net.h). */
bool cmd_export_supports(int kind);
/* `convscope bench [--net F] [--seconds S] [--json]`: training images/s of the default net
 * (or F) on the fast path (1 and 2 threads) and the reference ops, one-image inference
 * latency, GFLOP/s against a one-thread sgemm, and (default net) the frame times of
 * cli_frame_bench() (cmd_bench.c). */
int cmd_bench(int argc, char **argv);
int cmd_bench_run(int argc, char **argv, FILE *out, FILE *err);

/* `convscope train|eval|predict ...` (cmd_train.c, cmd_eval.c, cmd_predict.c). argv[0] is the
 * subcommand's name; the _run forms write to the given streams (the tests use them). */
int cmd_train(int argc, char **argv);
int cmd_train_run(int argc, char **argv, FILE *out, FILE *err);
int cmd_eval(int argc, char **argv);
int cmd_eval_run(int argc, char **argv, FILE *out, FILE *err);
int cmd_predict(int argc, char **argv);
int cmd_predict_run(int argc, char **argv, FILE *out, FILE *err);

/* The --help text, listing every subcommand. */
void cli_print_help(void);

#endif
