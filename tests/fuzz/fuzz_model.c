/* fuzz_model.c - libFuzzer harness: bytes into model_load. When the first byte is odd the
 * harness repairs both CRC-32 fields before writing the file, so the fuzzer gets past the
 * checksums and reaches the length checks and the net text; a loaded model is saved and
 * loaded again and must hold the same parameters and running statistics. */
#include "engine/model.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool fix = data[0] & 1;
    data++;
    size--;
    uint8_t *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    if (fix && size >= MODEL_HEADER_SIZE + 4) {
        put_u32(buf + 28, (uint32_t)crc32(0, buf, 28));
        put_u32(buf + size - 4, (uint32_t)crc32(0, buf, (uInt)(size - 4)));
    }
    const char *path = fuzz_write_temp("model", ".cnn", buf, size);
    free(buf);
    char err[1024];
    Net *net = model_load(path, err, sizeof err);
    if (!net) {
        if (strncmp(err, path, strlen(path)) != 0)
            abort();
        return 0;
    }
    char path2[600];
    snprintf(path2, sizeof path2, "%s.again", path);
    if (!model_save(net, path2, err, sizeof err))
        abort();
    Net *again = model_load(path2, err, sizeof err);
    if (!again || again->n_params != net->n_params ||
        memcmp(again->params, net->params, (size_t)net->n_params * sizeof(float)) != 0 ||
        again->n_state != net->n_state ||
        memcmp(again->state, net->state, (size_t)net->n_state * sizeof(float)) != 0)
        abort();
    net_destroy(again);
    net_destroy(net);
    return 0;
}
