/* cmd_capture.h - runs a subcommand's _run form with its output and errors captured in
 * strings, for the cli tests. */
#ifndef CONVSCOPE_CMD_CAPTURE_H
#define CONVSCOPE_CMD_CAPTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*CmdRun)(int argc, char **argv, FILE *out, FILE *err);

typedef struct Captured {
    int status;
    char out[16384];
    char err[4096];
} Captured;

static inline void capture_read(FILE *f, char *buf, size_t size)
{
    rewind(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Runs fn with the NULL-terminated arguments (argv[0] first). */
static inline Captured *capture_run(CmdRun fn, ...)
{
    static Captured c;
    char *argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, fn);
    for (const char *a = va_arg(ap, const char *); a && argc < 63; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    FILE *out = tmpfile(), *err = tmpfile();
    c.status = fn(argc, argv, out, err);
    fflush(out);
    fflush(err);
    capture_read(out, c.out, sizeof c.out);
    capture_read(err, c.err, sizeof c.err);
    return &c;
}

/* The number after "\"key\": " in a one-line JSON object (NAN when absent). */
static inline double json_number(const char *json, const char *key)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(json, pat);
    return p ? strtod(p + strlen(pat), NULL) : (double)NAN;
}

#endif
