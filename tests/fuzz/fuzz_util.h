/* fuzz_util.h - helpers shared by the libFuzzer harnesses: the fuzz input written to a
 * per-process temporary file, for readers that take a path. Temporary files go to $TMPDIR
 * (run.sh points it at its own folder and removes it), else /tmp. */
#ifndef CONVSCOPE_FUZZ_UTIL_H
#define CONVSCOPE_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The folder for temporary files. */
static inline const char *fuzz_tmpdir(void)
{
    const char *t = getenv("TMPDIR");
    return t && t[0] ? t : "/tmp";
}

/* Writes data (size bytes) to TMPDIR/convscope_fuzz_<tag>_<pid><ext> and returns that path
 * (static storage); aborts when the file cannot be written: the harness itself is broken. */
static inline const char *fuzz_write_temp(const char *tag, const char *ext, const uint8_t *data,
                                          size_t size)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/convscope_fuzz_%s_%ld%s", fuzz_tmpdir(), tag, (long)getpid(),
             ext);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
    return path;
}

#endif
