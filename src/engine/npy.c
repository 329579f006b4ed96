/* npy.c - see npy.h. The format: "\x93NUMPY", major, minor, header length (2 bytes in v1, 4 in
 * v2/v3, little-endian), a Python dict literal padded with spaces to a multiple of 64 bytes and
 * ended by '\n', then the raw array. */
#include "engine/npy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

size_t npy_header(unsigned char *buf, const long *shape, int ndim)
{
    char *header = (char *)buf + 10; /* after magic (6), version (2) and length (2) */
    size_t size = NPY_HEADER_MAX - 10;
    int len = snprintf(header, size, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < ndim; i++)
        len += snprintf(header + len, size - (size_t)len, i ? " %ld," : "%ld,", shape[i]);
    /* a 1-tuple keeps its comma, "(5,)"; longer tuples drop the last one, as NumPy writes */
    if (ndim > 1)
        len--;
    len += snprintf(header + len, size - (size_t)len, "), }");
    /* as NumPy: room for the first axis to grow to 21 digits, then spaces so that magic (6) +
     * version (2) + length (2) + header is a multiple of 64 */
    if (ndim > 0) {
        char first[32];
        int digits = snprintf(first, sizeof first, "%ld", shape[0]);
        for (int i = digits; i < 21; i++)
            header[len++] = ' ';
    }
    while ((10 + len + 1) % 64 != 0)
        header[len++] = ' ';
    header[len++] = '\n';
    static const unsigned char magic[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    memcpy(buf, magic, sizeof magic);
    buf[8] = (unsigned char)(len & 0xff);
    buf[9] = (unsigned char)(len >> 8);
    return 10 + (size_t)len;
}

void npy_pack_f32(unsigned char *out, const float *data, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &data[i], 4);
        for (int b = 0; b < 4; b++)
            out[4 * i + (size_t)b] = (unsigned char)(u >> (8 * b));
    }
}

bool npy_write(const char *path, const float *data, const long *shape, int ndim, char *err,
               size_t err_size)
{
    unsigned char header[NPY_HEADER_MAX];
    size_t len = npy_header(header, shape, ndim);
    long elems = 1;
    for (int i = 0; i < ndim; i++)
        elems *= shape[i];
    FILE *f = fopen(path, "wb");
    if (!f)
        return fail(err, err_size, "%s: cannot create: %s", path, strerror(errno));
    bool ok = fwrite(header, 1, len, f) == len;
    /* little-endian float32, whatever the host's byte order, 1024 floats at a time */
    unsigned char buf[4096];
    for (long i = 0; ok && i < elems; i += 1024) {
        size_t n = elems - i < 1024 ? (size_t)(elems - i) : 1024;
        npy_pack_f32(buf, data + i, n);
        ok = fwrite(buf, 1, 4 * n, f) == 4 * n;
    }
    if (fclose(f) != 0)
        ok = false;
    if (!ok)
        return fail(err, err_size, "%s: write error: %s", path, strerror(errno));
    return true;
}

/* Position of the value of 'key' in the header dict (hdr, n bytes), or -1. */
static long find_key(const char *hdr, long n, const char *key)
{
    char q1[32], q2[32];
    snprintf(q1, sizeof q1, "'%s'", key);
    snprintf(q2, sizeof q2, "\"%s\"", key);
    size_t kl = strlen(q1);
    for (long i = 0; i + (long)kl <= n; i++) {
        if (memcmp(hdr + i, q1, kl) != 0 && memcmp(hdr + i, q2, kl) != 0)
            continue;
        long j = i + (long)kl;
        while (j < n && hdr[j] == ' ')
            j++;
        if (j < n && hdr[j] == ':') {
            j++;
            while (j < n && hdr[j] == ' ')
                j++;
            return j;
        }
    }
    return -1;
}

typedef enum { DT_F4, DT_F8, DT_U1, DT_I4, DT_I8 } DType;

float *npy_read(const char *path, long *shape, int *ndim, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    /* fopen opens a folder too; reading it would be reported as a file without the magic */
    struct stat st;
    bool have_st = fstat(fileno(f), &st) == 0;
    if (have_st && S_ISDIR(st.st_mode)) {
        fail(err, err_size, "%s: is a folder, not a file", path);
        fclose(f);
        return NULL;
    }
    unsigned char pre[12];
    size_t got = fread(pre, 1, 12, f);
    char *hdr = NULL;
    unsigned char *raw = NULL;
    float *out = NULL;
    if (got < 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        fail(err, err_size, "%s: byte 0: not a NumPy .npy file (no \\x93NUMPY magic)", path);
        goto done;
    }
    int major = pre[6];
    long hlen, hstart;
    if (major == 1) {
        hlen = pre[8] | (long)pre[9] << 8;
        hstart = 10;
    } else if (major == 2 || major == 3) {
        if (got < 12) {
            fail(err, err_size, "%s: byte %zu: truncated in the header length", path, got);
            goto done;
        }
        hlen = pre[8] | (long)pre[9] << 8 | (long)pre[10] << 16 | (long)pre[11] << 24;
        hstart = 12;
        if (hlen > 65536) {
            fail(err, err_size, "%s: byte 8: header length %ld is implausible", path, hlen);
            goto done;
        }
    } else {
        fail(err, err_size, "%s: byte 6: format version %d.%d is not 1.0, 2.0 or 3.0", path, major,
             pre[7]);
        goto done;
    }
    hdr = malloc((size_t)hlen + 1);
    if (!hdr || fseek(f, hstart, SEEK_SET) != 0) {
        fail(err, err_size, "%s: out of memory or cannot seek", path);
        goto done;
    }
    got = fread(hdr, 1, (size_t)hlen, f);
    if ((long)got < hlen) {
        fail(err, err_size, "%s: byte %ld: truncated: the header needs %ld bytes", path,
             hstart + (long)got, hlen);
        goto done;
    }
    hdr[hlen] = '\0';
    long at = find_key(hdr, hlen, "descr");
    if (at < 0) {
        fail(err, err_size, "%s: byte %ld: the header has no 'descr'", path, hstart);
        goto done;
    }
    /* the value is a quoted string such as '<f4'; a list there is a structured dtype */
    char quote = hdr[at], dtype[32];
    long dlen = 0;
    if (quote != '\'' && quote != '"') {
        fail(err, err_size, "%s: byte %ld: 'descr' is not a dtype string%s", path, hstart + at,
             quote == '[' ? " (structured arrays with named fields are not supported)" : "");
        goto done;
    }
    while (at + 1 + dlen < hlen && hdr[at + 1 + dlen] != quote && dlen < (long)sizeof dtype - 1) {
        dtype[dlen] = hdr[at + 1 + dlen];
        dlen++;
    }
    dtype[dlen] = '\0';
    if (at + 1 + dlen >= hlen || hdr[at + 1 + dlen] != quote) {
        fail(err, err_size, "%s: byte %ld: the dtype string is not closed or too long", path,
             hstart + at);
        goto done;
    }
    static const struct {
        const char *name; /* as NumPy writes it, without the byte-order character */
        const char *c_name;
        DType dt;
        int size;
    } types[] = {{"f4", "float32", DT_F4, 4},
                 {"f8", "float64", DT_F8, 8},
                 {"u1", "uint8", DT_U1, 1},
                 {"i4", "int32", DT_I4, 4},
                 {"i8", "int64", DT_I8, 8}};
    /* one-byte types have no byte order ('|u1'); the others must be little-endian ('<') */
    const char *code = dtype[0] && strchr("<>|=", dtype[0]) ? dtype + 1 : dtype;
    int ti = -1;
    for (int i = 0; i < (int)(sizeof types / sizeof types[0]); i++)
        if (strcmp(code, types[i].name) == 0)
            ti = i;
    if (ti >= 0 && dtype[0] == '>' && types[ti].size > 1) {
        fail(err, err_size,
             "%s: byte %ld: dtype '%s': big-endian %s is not supported; save with dtype '<%s'",
             path, hstart + at, dtype, types[ti].c_name, types[ti].name);
        goto done;
    }
    /* '=' is the writer's native order: NumPy always writes '<' or '>', so refuse the guess */
    if (ti >= 0 && types[ti].size > 1 && dtype[0] != '<')
        ti = -1;
    if (ti < 0) {
        fail(err, err_size,
             "%s: byte %ld: dtype '%s' is not supported (expected '<f4', '<f8', '|u1', '<i4' or "
             "'<i8')",
             path, hstart + at, dtype);
        goto done;
    }
    at = find_key(hdr, hlen, "fortran_order");
    if (at < 0 || strncmp(hdr + at, "False", 5) != 0) {
        fail(err, err_size, "%s: byte %ld: only C order is supported (fortran_order must be False)",
             path, hstart + (at < 0 ? 0 : at));
        goto done;
    }
    at = find_key(hdr, hlen, "shape");
    if (at < 0 || hdr[at] != '(') {
        fail(err, err_size, "%s: byte %ld: the header has no 'shape' tuple", path,
             hstart + (at < 0 ? 0 : at));
        goto done;
    }
    long elems = 1;
    int nd = 0;
    long i = at + 1;
    for (;;) {
        while (i < hlen && (hdr[i] == ' ' || hdr[i] == ','))
            i++;
        if (i < hlen && hdr[i] == ')')
            break;
        char *end = NULL;
        long v = strtol(hdr + i, &end, 10);
        if (end == hdr + i || v < 0 || nd == NPY_MAX_DIMS) {
            fail(err, err_size, "%s: byte %ld: bad shape entry (at most %d non-negative sizes)",
                 path, hstart + i, NPY_MAX_DIMS);
            goto done;
        }
        shape[nd++] = v;
        if (v > 0 && elems > NPY_MAX_ELEMS / v) {
            fail(err, err_size, "%s: byte %ld: the shape holds more than %ld elements (the limit)",
                 path, hstart + at, NPY_MAX_ELEMS);
            goto done;
        }
        elems *= v;
        i = end - hdr;
    }
    *ndim = nd;
    long data_at = hstart + hlen;
    size_t bytes = (size_t)elems * (size_t)types[ti].size;
    /* the shape against the file's length before the buffers are allocated */
    if (have_st && S_ISREG(st.st_mode) &&
        (long long)st.st_size != (long long)data_at + (long long)bytes) {
        if ((long long)st.st_size < (long long)data_at + (long long)bytes)
            fail(err, err_size,
                 "%s: byte %lld: truncated: the shape needs %zu bytes of data from byte %ld", path,
                 (long long)st.st_size, bytes, data_at);
        else
            fail(err, err_size, "%s: byte %ld: unexpected bytes after the data", path,
                 data_at + (long)bytes);
        goto done;
    }
    raw = malloc(bytes + 1);
    out = malloc((size_t)elems * sizeof(float) + 1);
    if (!raw || !out) {
        fail(err, err_size, "%s: out of memory for %ld elements", path, elems);
        free(out);
        out = NULL;
        goto done;
    }
    got = fread(raw, 1, bytes, f);
    if (got < bytes) {
        fail(err, err_size,
             "%s: byte %ld: truncated: the shape needs %zu bytes of data from byte %ld", path,
             data_at + (long)got, bytes, data_at);
        free(out);
        out = NULL;
        goto done;
    }
    if (fgetc(f) != EOF) {
        fail(err, err_size, "%s: byte %ld: unexpected bytes after the data", path,
             data_at + (long)bytes);
        free(out);
        out = NULL;
        goto done;
    }
    for (long e = 0; e < elems; e++) {
        const unsigned char *p = raw + e * types[ti].size;
        uint64_t u = 0;
        for (int b = types[ti].size - 1; b >= 0; b--)
            u = u << 8 | p[b];
        switch (types[ti].dt) {
        case DT_F4: {
            uint32_t u32 = (uint32_t)u;
            memcpy(&out[e], &u32, 4);
            break;
        }
        case DT_F8: {
            double d;
            memcpy(&d, &u, 8);
            out[e] = (float)d;
            break;
        }
        case DT_U1:
            out[e] = (float)u;
            break;
        case DT_I4:
            out[e] = (float)(int32_t)(uint32_t)u;
            break;
        case DT_I8:
            out[e] = (float)(int64_t)u;
            break;
        }
    }
done:
    fclose(f);
    free(hdr);
    free(raw);
    return out;
}
