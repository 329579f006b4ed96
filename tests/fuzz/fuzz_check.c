/* fuzz_check.c - libFuzzer harness: bytes as a lesson file, then exactly what `convscope check
 * FILE` does, through the real labs: cmd_check_run with the application's checker
 * (lesson_host_checker), which replays every step's scene into the labs' own states and their
 * own `set` parsers. The lesson's folder holds a small picture, a link out of it and a
 * subfolder, so `picture` and file settings reach real files. Contract: the status is 0 or 1,
 * nothing goes to stdout on a failure, and every error line names the lesson file.
 * (fuzz_lesson covers the parser alone, with a recording host, much faster.) */
#include "app/lesson_host.h"
#include "cli/cli.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[512], lesson_path[600];

static void make_folder(void)
{
    snprintf(dir, sizeof dir, "%s/convscope_fuzz_check_%ld", fuzz_tmpdir(), (long)getpid());
    mkdir(dir, 0700);
    char p[700];
    snprintf(p, sizeof p, "%s/a.pgm", dir);
    FILE *f = fopen(p, "wb");
    if (!f)
        abort();
    fputs("P2\n3 3\n9\n0 1 2\n3 4 5\n6 7 8\n", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/out.png", dir);
    if (symlink("/etc/hostname", p) != 0) { /* an existing link is fine */
    }
    snprintf(p, sizeof p, "%s/sub", dir);
    mkdir(p, 0700);
    snprintf(lesson_path, sizeof lesson_path, "%s/x.lesson", dir);
    cli_set_lesson_host(lesson_host_checker());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0])
        make_folder();
    FILE *f = fopen(lesson_path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
    char *outs = NULL, *errs = NULL;
    size_t n_out = 0, n_err = 0;
    FILE *out = open_memstream(&outs, &n_out);
    FILE *err = open_memstream(&errs, &n_err);
    if (!out || !err)
        abort();
    char *argv[] = {"check", lesson_path, NULL};
    int status = cmd_check_run(2, argv, out, err);
    fclose(out);
    fclose(err);
    if (status != 0 && status != 1)
        abort();
    if ((status == 0) != (n_err == 0) || (status == 1 && n_out != 0))
        abort();
    /* every message is the lesson's own: FILE:LINE: ... (a multi-step report is one per line) */
    for (char *line = errs; line && *line;) {
        if (strncmp(line, lesson_path, strlen(lesson_path)) != 0 && line[0] != ' ')
            abort();
        char *nl = strchr(line, '\n');
        line = nl ? nl + 1 : NULL;
    }
    free(outs);
    free(errs);
    return 0;
}
