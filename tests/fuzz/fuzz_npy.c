/* fuzz_npy.c - libFuzzer harness: bytes into npy_read; an array it accepts is written with
 * npy_write and read back, and must come back the same. */
#include "engine/npy.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp("npy", ".npy", data, size);
    char err[1024];
    long shape[NPY_MAX_DIMS];
    int nd = -1;
    float *x = npy_read(path, shape, &nd, err, sizeof err);
    if (!x) {
        if (strncmp(err, path, strlen(path)) != 0)
            abort();
        return 0;
    }
    if (nd < 0 || nd > NPY_MAX_DIMS)
        abort();
    long elems = 1;
    for (int i = 0; i < nd; i++)
        elems *= shape[i];
    char path2[600];
    snprintf(path2, sizeof path2, "%s.again.npy", path);
    if (!npy_write(path2, x, shape, nd, err, sizeof err))
        abort();
    long shape2[NPY_MAX_DIMS];
    int nd2 = -1;
    float *y = npy_read(path2, shape2, &nd2, err, sizeof err);
    if (!y || nd2 != nd || memcmp(shape, shape2, (size_t)nd * sizeof(long)) != 0 ||
        memcmp(x, y, (size_t)elems * sizeof(float)) != 0)
        abort();
    free(y);
    free(x);
    return 0;
}
