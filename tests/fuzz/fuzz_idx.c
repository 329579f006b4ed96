/* fuzz_idx.c - libFuzzer harness: bytes into idx_read (plain and gzip IDX files). The reader
 * belongs to engineer "data"; this harness only reports what it finds. */
#include "engine/idx.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_temp("idx", "-idx", data, size);
    char err[1024];
    IdxArray a;
    memset(&a, 0xab, sizeof a);
    if (!idx_read(path, &a, err, sizeof err)) {
        if (strncmp(err, path, strlen(path)) != 0)
            abort();
        return 0;
    }
    long count = 1;
    for (int i = 0; i < a.ndims; i++)
        count *= a.dims[i];
    if (a.ndims < 1 || a.ndims > IDX_MAX_DIMS || count != a.count)
        abort();
    /* touch every element so that a short buffer shows up under ASan */
    volatile unsigned sum = 0;
    size_t esize = a.type == IDX_FLOAT ? 4 : 1;
    for (size_t i = 0; i < (size_t)a.count * esize; i++)
        sum += ((const unsigned char *)a.data)[i];
    idx_free(&a);
    return 0;
}
