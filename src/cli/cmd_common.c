/* cmd_common.c - see cmd_common.h. */
#include "cli/cmd_common.h"

#include "engine/assets.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *cmd_value(FILE *err, const char *cmd, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(err, "convscope %s: %s needs a value\n", cmd, argv[*i]);
        return NULL;
    }
    (*i)++;
    return argv[*i];
}

bool cmd_parse_int(FILE *err, const char *cmd, const char *opt, const char *s, long lo, long hi,
                   long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!s[0] || *end || errno || v < lo || v > hi) {
        fprintf(err, "convscope %s: %s wants a whole number from %ld to %ld, got '%s'\n", cmd, opt,
                lo, hi, s);
        return false;
    }
    *out = v;
    return true;
}

bool cmd_parse_u64(FILE *err, const char *cmd, const char *opt, const char *s, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!s[0] || *end || errno || s[0] == '-') {
        fprintf(err, "convscope %s: %s wants a whole number from 0 to 2^64-1, got '%s'\n", cmd, opt,
                s);
        return false;
    }
    *out = (uint64_t)v;
    return true;
}

bool cmd_parse_float(FILE *err, const char *cmd, const char *opt, const char *s, double lo,
                     bool lo_open, double hi, float *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!s[0] || *end || errno || !isfinite(v) || v < lo || (lo_open && v == lo) || v > hi) {
        fprintf(err, "convscope %s: %s wants a number %s %g and <= %g, got '%s'\n", cmd, opt,
                lo_open ? ">" : ">=", lo, hi, s);
        return false;
    }
    *out = (float)v;
    return true;
}

char *cmd_read_text(const char *path, const char *what, long max_bytes, char *err_buf,
                    size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err_buf, err_size, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    /* fopen opens a folder too; reading it then fails with a bare "cannot read" */
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err_buf, err_size, "%s: is a folder, not a file", path);
        fclose(f);
        return NULL;
    }
    char *buf = malloc((size_t)max_bytes + 1);
    if (!buf) {
        fclose(f);
        snprintf(err_buf, err_size, "%s: out of memory", path);
        return NULL;
    }
    size_t n = fread(buf, 1, (size_t)max_bytes + 1, f);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad) {
        snprintf(err_buf, err_size, "%s: cannot read", path);
        free(buf);
        return NULL;
    }
    if ((long)n > max_bytes) {
        snprintf(err_buf, err_size, "%s: byte %ld: larger than %ld bytes, the limit for a %s", path,
                 max_bytes, max_bytes, what);
        free(buf);
        return NULL;
    }
    /* a NUL would cut the text short without a word */
    const char *nul = memchr(buf, '\0', n);
    if (nul) {
        snprintf(err_buf, err_size, "%s: byte %ld: a NUL byte; a %s is plain text", path,
                 (long)(nul - buf), what);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

void cmd_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

void cmd_default_path(char *out, size_t size, const char *rel)
{
    /* when no root has it, assets_path leaves the source-tree path, which the loader then
     * names in its message */
    assets_path(out, size, rel);
}
