/* fuzz_idx_gz.c - libFuzzer harness: the input is an IDX file's content, written gzipped (so
 * the fuzzer explores the IDX structure behind the gzip path rather than broken deflate
 * streams, which fuzz_idx covers), then read with idx_read_part: without a limit, and with a
 * limit of the first item when the file is read whole. The limited read must give the same
 * first item. */
#include "engine/idx.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/convscope_fuzz_idxgz_%ld.gz", fuzz_tmpdir(), (long)getpid());
    gzFile g = gzopen(path, "wb1");
    if (!g || (size && gzwrite(g, data, (unsigned)size) != (int)size) || gzclose(g) != Z_OK)
        abort();
    char err[1024];
    IdxArray a, b;
    bool ok = idx_read_part(path, 0, &a, err, sizeof err);
    if (!ok) {
        if (strncmp(err, path, strlen(path)) != 0 || a.data)
            abort();
    } else if (a.ndims < 1 || a.ndims > IDX_MAX_DIMS || a.dims[0] != a.file_dim0) {
        abort();
    }
    /* the first item alone: read whenever the whole file was, and equal to it */
    bool ok1 = idx_read_part(path, 1, &b, err, sizeof err);
    if (ok && !ok1)
        abort();
    if (ok1) {
        if (b.dims[0] != 1 || (ok && b.count * a.dims[0] != a.count))
            abort();
        size_t esize = b.type == IDX_FLOAT ? 4 : 1;
        if (ok && memcmp(a.data, b.data, (size_t)b.count * esize) != 0)
            abort();
        idx_free(&b);
    }
    if (ok)
        idx_free(&a);
    return 0;
}
