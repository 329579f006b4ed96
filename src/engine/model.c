/* model.c - see model.h. */
#include "engine/model.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC "CNNSCOPE"

static bool fail(char *err, size_t err_size, const char *fmt, ...)
{
    if (!err || !err_size)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
    return false;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t crc(uint32_t c, const unsigned char *p, size_t n)
{
    /* zlib's crc32 takes uInt lengths: feed large buffers in pieces */
    while (n > 0) {
        uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
        c = (uint32_t)crc32(c, p, k);
        p += k;
        n -= k;
    }
    return c;
}

bool model_save(const Net *net, const char *path, char *err, size_t err_size)
{
    size_t tlen = strlen(net->text);
    size_t total = MODEL_HEADER_SIZE + tlen + (size_t)(net->n_params + net->n_state) * 4 + 4;
    unsigned char *buf = malloc(total);
    if (!buf)
        return fail(err, err_size, "%s: out of memory for %zu bytes", path, total);
    memcpy(buf, MAGIC, 8);
    put_u32(buf + 8, MODEL_VERSION);
    put_u32(buf + 12, (uint32_t)tlen);
    put_u32(buf + 16, (uint32_t)((uint64_t)net->n_params & 0xffffffffu));
    put_u32(buf + 20, (uint32_t)((uint64_t)net->n_params >> 32));
    put_u32(buf + 24, (uint32_t)net->n_state);
    put_u32(buf + 28, crc(0, buf, 28));
    memcpy(buf + MODEL_HEADER_SIZE, net->text, tlen);
    unsigned char *p = buf + MODEL_HEADER_SIZE + tlen;
    for (long i = 0; i < net->n_params; i++) {
        uint32_t u;
        memcpy(&u, &net->params[i], 4);
        put_u32(p + 4 * i, u);
    }
    p += (size_t)net->n_params * 4;
    for (long i = 0; i < net->n_state; i++) {
        uint32_t u;
        memcpy(&u, &net->state[i], 4);
        put_u32(p + 4 * i, u);
    }
    put_u32(buf + total - 4, crc(0, buf, total - 4));

    /* the temporary file lives beside the target so that rename is atomic */
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp) {
        free(buf);
        return fail(err, err_size, "%s: out of memory", path);
    }
    snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fail(err, err_size, "%s: cannot create a temporary file beside it: %s", path,
             strerror(errno));
        free(tmp);
        free(buf);
        return false;
    }
    FILE *f = fdopen(fd, "wb");
    bool ok = f && fwrite(buf, 1, total, f) == total && fflush(f) == 0 && fsync(fileno(f)) == 0;
    int saved = errno;
    if (f) {
        if (fclose(f) != 0 && ok) {
            ok = false;
            saved = errno;
        }
    } else {
        close(fd);
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        unlink(tmp);
        fail(err, err_size, "%s: cannot write: %s", path, strerror(saved));
    }
    free(tmp);
    free(buf);
    return ok;
}

/* False with "PATH: parameter N ... is NaN" naming the layer when a weight is not finite. */
static bool params_finite(const Net *net, const char *path, char *err, size_t err_size)
{
    for (long i = 0; i < net->n_params; i++) {
        float v = net->params[i];
        if (isfinite(v))
            continue;
        const char *what = isnan(v) ? "NaN" : v > 0.0f ? "inf" : "-inf";
        for (int k = 0; k < net->spec.n_layers; k++) {
            const Layer *l = &net->spec.layers[k];
            bool in_w = i >= l->w_off && i < l->w_off + l->n_w;
            bool in_b = i >= l->b_off && i < l->b_off + l->n_b;
            if (!in_w && !in_b)
                continue;
            char spec[128];
            return fail(err, err_size,
                        "%s: parameter %ld is %s: %s %ld of layer %d (net text line %d: %s); "
                        "the model is damaged (saved from a net that diverged?)",
                        path, i, what, in_w ? "weight" : "bias", in_w ? i - l->w_off : i - l->b_off,
                        k, l->line, layer_format(l, spec, sizeof spec));
        }
        return fail(err, err_size, "%s: parameter %ld is %s; the model is damaged", path, i, what);
    }
    return true;
}

/* False with the reason when a running statistic is not finite or a running variance is
 * negative (either would make every answer NaN). */
static bool state_valid(const Net *net, const char *path, char *err, size_t err_size)
{
    for (int k = 0; k < net->spec.n_layers; k++) {
        const Layer *l = &net->spec.layers[k];
        for (long j = 0; j < l->n_s; j++) {
            float v = net->state[l->s_off + j];
            bool is_var = j >= l->in.c;
            if (isfinite(v) && (!is_var || v >= 0.0f))
                continue;
            char spec[128];
            return fail(err, err_size,
                        "%s: running %s %ld of layer %d (net text line %d: %s) is %g; the "
                        "model is damaged",
                        path, is_var ? "variance" : "mean", is_var ? j - l->in.c : j, k, l->line,
                        layer_format(l, spec, sizeof spec), (double)v);
        }
    }
    return true;
}

Net *model_load(const char *path, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    /* fopen opens a folder too; reading it would then be reported as a truncated model */
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fail(err, err_size, "%s: is a folder, not a file", path);
        fclose(f);
        return NULL;
    }
    unsigned char hdr[MODEL_HEADER_SIZE];
    size_t got = fread(hdr, 1, sizeof hdr, f);
    unsigned char *buf = NULL;
    char *text = NULL;
    Net *net = NULL;
    /* a file cut short inside the magic is a truncated model, not some other file */
    if (memcmp(hdr, MAGIC, got < 8 ? got : 8) != 0) {
        fail(err, err_size, "%s: not a convscope model file (it does not start with %s)", path,
             MAGIC);
        goto done;
    }
    if (got < sizeof hdr) {
        fail(err, err_size, "%s: byte %zu: truncated (the header alone is %d bytes)", path, got,
             MODEL_HEADER_SIZE);
        goto done;
    }
    if (crc(0, hdr, 28) != get_u32(hdr + 28)) {
        fail(err, err_size,
             "%s: byte 28: checksum mismatch in the header (stored 0x%08x, computed 0x%08x over "
             "bytes 0-27): the file is damaged",
             path, get_u32(hdr + 28), crc(0, hdr, 28));
        goto done;
    }
    uint32_t version = get_u32(hdr + 8);
    if (version < MODEL_VERSION_MIN || version > MODEL_VERSION) {
        fail(err, err_size,
             "%s: byte 8: model format version %u, but this program reads versions %d to %d%s", path,
             version, MODEL_VERSION_MIN, MODEL_VERSION,
             version > MODEL_VERSION ? " (written by a newer convscope?)" : "");
        goto done;
    }
    uint64_t tlen = get_u32(hdr + 12);
    uint64_t np = (uint64_t)get_u32(hdr + 16) | (uint64_t)get_u32(hdr + 20) << 32;
    /* version 1 kept bytes 24..27 reserved: no running statistics */
    uint64_t ns = version >= 2 ? get_u32(hdr + 24) : 0;
    if (tlen > NET_MAX_TEXT || np > (uint64_t)NET_MAX_PARAMS || ns > (uint64_t)NET_MAX_PARAMS) {
        fail(err, err_size,
             "%s: byte 12: %llu bytes of net text, %llu parameters and %llu running statistics "
             "exceed the limits (%d, %ld, %ld)",
             path, (unsigned long long)tlen, (unsigned long long)np, (unsigned long long)ns,
             NET_MAX_TEXT, NET_MAX_PARAMS, NET_MAX_PARAMS);
        goto done;
    }
    size_t total = MODEL_HEADER_SIZE + (size_t)tlen + (size_t)(np + ns) * 4 + 4;
    /* the header's sizes against the file's length before the buffer is allocated */
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        (unsigned long long)st.st_size != total) {
        if ((unsigned long long)st.st_size < total)
            fail(err, err_size,
                 "%s: byte %lld: truncated (the header promises %zu bytes: header, %llu bytes of "
                 "net text, %llu parameters, %llu running statistics, checksum)",
                 path, (long long)st.st_size, total, (unsigned long long)tlen,
                 (unsigned long long)np, (unsigned long long)ns);
        else
            fail(err, err_size, "%s: byte %zu: %lld unexpected bytes after the end of the model",
                 path, total, (long long)st.st_size - (long long)total);
        goto done;
    }
    buf = malloc(total);
    if (!buf) {
        fail(err, err_size, "%s: out of memory for %zu bytes", path, total);
        goto done;
    }
    memcpy(buf, hdr, sizeof hdr);
    got = sizeof hdr + fread(buf + sizeof hdr, 1, total - sizeof hdr, f);
    if (got < total) {
        fail(err, err_size,
             "%s: byte %zu: truncated (the header promises %zu bytes: header, %llu bytes of "
             "net text, %llu parameters, %llu running statistics, checksum)",
             path, got, total, (unsigned long long)tlen, (unsigned long long)np,
             (unsigned long long)ns);
        goto done;
    }
    if (fgetc(f) != EOF) {
        fail(err, err_size, "%s: byte %zu: unexpected bytes after the end of the model", path,
             total);
        goto done;
    }
    uint32_t stored = get_u32(buf + total - 4), computed = crc(0, buf, total - 4);
    if (stored != computed) {
        fail(err, err_size,
             "%s: byte %zu: checksum mismatch (stored 0x%08x, computed 0x%08x over bytes "
             "0-%zu): the file is damaged",
             path, total - 4, stored, computed, total - 5);
        goto done;
    }
    text = malloc((size_t)tlen + 1);
    if (!text) {
        fail(err, err_size, "%s: out of memory", path);
        goto done;
    }
    memcpy(text, buf + MODEL_HEADER_SIZE, (size_t)tlen);
    text[tlen] = '\0';
    char label[4096 + 16];
    snprintf(label, sizeof label, "%s [net text]", path);
    net = net_create(text, label, 0, err, err_size);
    if (!net)
        goto done;
    if ((uint64_t)net->n_params != np) {
        fail(err, err_size, "%s: the net text needs %ld parameters but the file holds %llu", path,
             net->n_params, (unsigned long long)np);
        net_destroy(net);
        net = NULL;
        goto done;
    }
    if ((uint64_t)net->n_state != ns) {
        if (version < 2)
            fail(err, err_size,
                 "%s: a version %u model file holds no running statistics, but its net text "
                 "has batchnorm layers (%ld statistics); save it again with this program",
                 path, version, net->n_state);
        else
            fail(err, err_size,
                 "%s: the net text needs %ld running statistics but the file holds %llu", path,
                 net->n_state, (unsigned long long)ns);
        net_destroy(net);
        net = NULL;
        goto done;
    }
    const unsigned char *p = buf + MODEL_HEADER_SIZE + tlen;
    for (uint64_t i = 0; i < np; i++) {
        uint32_t u = get_u32(p + 4 * i);
        memcpy(&net->params[i], &u, 4);
    }
    p += np * 4;
    for (uint64_t i = 0; i < ns; i++) {
        uint32_t u = get_u32(p + 4 * i);
        memcpy(&net->state[i], &u, 4);
    }
    /* the checksum only says the bytes are those that were saved: weights saved from a net
     * that diverged are NaN or inf with a good checksum, and would make every answer NaN */
    if (!params_finite(net, path, err, err_size) || !state_valid(net, path, err, err_size)) {
        net_destroy(net);
        net = NULL;
    }
done:
    fclose(f);
    free(buf);
    free(text);
    return net;
}
