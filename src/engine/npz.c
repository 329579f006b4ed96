/* npz.c - see npz.h. The zip layout (PKWARE APPNOTE 6.3, the subset numpy.savez writes): per
 * entry a local header (30 bytes + name) and the .npy bytes; then a central directory of one
 * record (46 bytes + name) per entry; then the end record (22 bytes). Integers little-endian.
 * An entry's CRC-32 and size precede its data, so each array is packed twice: once for the
 * CRC, once to write (no seeking back: the file could be a pipe). */
#include "engine/npz.h"

#include "engine/npy.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define ZIP_LOCAL_SIG   0x04034b50u
#define ZIP_CENTRAL_SIG 0x02014b50u
#define ZIP_END_SIG     0x06054b50u
#define ZIP_VERSION     20     /* 2.0: what a stored entry needs */
#define ZIP_DOS_DATE    0x0021 /* 1980-01-01, the earliest DOS date: deterministic files */
#define ZIP_MAX_ENTRIES 65535
#define ZIP_MAX_OFFSET  0xffffffffLL
#define PACK_FLOATS     1024 /* floats packed per chunk */
#define TEXT_(x)        #x
#define TEXT(x)         TEXT_(x) /* a macro's value as a string literal */

typedef struct NpzEntry {
    char name[NPZ_NAME_MAX + 8]; /* with ".npy" */
    uint32_t crc, size, offset;  /* CRC-32 and size of the .npy bytes; its local header */
} NpzEntry;

struct NpzWriter {
    FILE *f;
    char *path;
    NpzEntry *entries;
    int n, cap;
    long long offset; /* bytes written so far */
};

/* "PATH: WHAT DETAIL" into err; returns false. */
static bool fail(const char *path, char *err, size_t err_size, const char *what, const char *detail)
{
    if (err && err_size)
        snprintf(err, err_size, "%s: %s%s", path, what, detail);
    return false;
}

static unsigned char *put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
    return p + 2;
}

static unsigned char *put32(unsigned char *p, uint32_t v)
{
    for (int b = 0; b < 4; b++)
        p[b] = (unsigned char)(v >> (8 * b));
    return p + 4;
}

static bool write_bytes(NpzWriter *z, const void *p, size_t n, char *err, size_t err_size)
{
    if (fwrite(p, 1, n, z->f) != n)
        return fail(z->path, err, err_size, "write error: ", strerror(errno));
    z->offset += (long long)n;
    return true;
}

NpzWriter *npz_create(const char *path, char *err, size_t err_size)
{
    NpzWriter *z = calloc(1, sizeof *z);
    char *copy = strdup(path);
    if (!z || !copy) {
        free(z);
        free(copy);
        fail(path, err, err_size, "out of memory", "");
        return NULL;
    }
    z->path = copy;
    z->f = fopen(path, "wb");
    if (!z->f) {
        fail(path, err, err_size, "cannot create: ", strerror(errno));
        free(z->path);
        free(z);
        return NULL;
    }
    return z;
}

/* The 30 + name bytes of a local header (crc and sizes known: no data descriptor). */
static size_t local_header(unsigned char *buf, const NpzEntry *e)
{
    size_t nl = strlen(e->name);
    unsigned char *p = put32(buf, ZIP_LOCAL_SIG);
    p = put16(p, ZIP_VERSION);
    p = put16(p, 0); /* flags */
    p = put16(p, 0); /* method: stored */
    p = put16(p, 0); /* time 00:00 */
    p = put16(p, ZIP_DOS_DATE);
    p = put32(p, e->crc);
    p = put32(p, e->size); /* compressed = uncompressed */
    p = put32(p, e->size);
    p = put16(p, (unsigned)nl);
    p = put16(p, 0); /* extra field */
    memcpy(p, e->name, nl);
    return 30 + nl;
}

/* The 46 + name bytes of its central-directory record. */
static size_t central_record(unsigned char *buf, const NpzEntry *e)
{
    size_t nl = strlen(e->name);
    unsigned char *p = put32(buf, ZIP_CENTRAL_SIG);
    p = put16(p, ZIP_VERSION); /* made by (MS-DOS attributes) */
    p = put16(p, ZIP_VERSION); /* needed */
    p = put16(p, 0);
    p = put16(p, 0);
    p = put16(p, 0);
    p = put16(p, ZIP_DOS_DATE);
    p = put32(p, e->crc);
    p = put32(p, e->size);
    p = put32(p, e->size);
    p = put16(p, (unsigned)nl);
    p = put16(p, 0); /* extra */
    p = put16(p, 0); /* comment */
    p = put16(p, 0); /* disk */
    p = put16(p, 0); /* internal attributes */
    p = put32(p, 0); /* external attributes */
    p = put32(p, e->offset);
    memcpy(p, e->name, nl);
    return 46 + nl;
}

bool npz_add(NpzWriter *z, const char *name, const float *data, const long *shape, int ndim,
             char *err, size_t err_size)
{
    size_t nl = strlen(name);
    if (nl == 0 || nl > NPZ_NAME_MAX)
        return fail(z->path, err, err_size,
                    "an array name must have 1 to " TEXT(NPZ_NAME_MAX) " bytes: ", name);
    if (z->n == ZIP_MAX_ENTRIES)
        return fail(z->path, err, err_size, "more than 65535 arrays (no zip64)", "");
    if (z->n == z->cap) {
        int cap = z->cap ? 2 * z->cap : 16;
        NpzEntry *e = realloc(z->entries, sizeof *e * (size_t)cap);
        if (!e)
            return fail(z->path, err, err_size, "out of memory", "");
        z->entries = e;
        z->cap = cap;
    }
    unsigned char header[NPY_HEADER_MAX];
    size_t hlen = npy_header(header, shape, ndim);
    long long elems = 1;
    for (int i = 0; i < ndim; i++)
        elems *= shape[i];
    long long size = (long long)hlen + 4 * elems;
    if (z->offset + 30 + (long long)nl + size > ZIP_MAX_OFFSET)
        return fail(z->path, err, err_size, "the archive would pass 4 GiB (no zip64) at array ",
                    name);
    NpzEntry *e = &z->entries[z->n];
    snprintf(e->name, sizeof e->name, "%s.npy", name);
    e->size = (uint32_t)size;
    e->offset = (uint32_t)z->offset;
    /* pass 1: the CRC-32 of the .npy bytes */
    unsigned char buf[4 * PACK_FLOATS];
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, header, (uInt)hlen);
    for (long long i = 0; i < elems; i += PACK_FLOATS) {
        size_t n = elems - i < PACK_FLOATS ? (size_t)(elems - i) : PACK_FLOATS;
        npy_pack_f32(buf, data + i, n);
        crc = crc32(crc, buf, (uInt)(4 * n));
    }
    e->crc = (uint32_t)crc;
    /* pass 2: local header, .npy header, data */
    unsigned char local[30 + NPZ_NAME_MAX + 8];
    size_t llen = local_header(local, e);
    if (!write_bytes(z, local, llen, err, err_size) || !write_bytes(z, header, hlen, err, err_size))
        return false;
    for (long long i = 0; i < elems; i += PACK_FLOATS) {
        size_t n = elems - i < PACK_FLOATS ? (size_t)(elems - i) : PACK_FLOATS;
        npy_pack_f32(buf, data + i, n);
        if (!write_bytes(z, buf, 4 * n, err, err_size))
            return false;
    }
    z->n++;
    return true;
}

static void npz_free(NpzWriter *z)
{
    free(z->entries);
    free(z->path);
    free(z);
}

void npz_discard(NpzWriter *z)
{
    if (!z)
        return;
    fclose(z->f);
    remove(z->path);
    npz_free(z);
}

bool npz_close(NpzWriter *z, char *err, size_t err_size)
{
    unsigned char rec[46 + NPZ_NAME_MAX + 8];
    long long start = z->offset;
    bool ok = true;
    for (int i = 0; ok && i < z->n; i++)
        ok = write_bytes(z, rec, central_record(rec, &z->entries[i]), err, err_size);
    if (ok && z->offset > ZIP_MAX_OFFSET)
        ok = fail(z->path, err, err_size, "the archive is larger than 4 GiB (no zip64)", "");
    if (ok) {
        unsigned char *p = put32(rec, ZIP_END_SIG);
        p = put16(p, 0); /* this disk */
        p = put16(p, 0); /* the directory's disk */
        p = put16(p, (unsigned)z->n);
        p = put16(p, (unsigned)z->n);
        p = put32(p, (uint32_t)(z->offset - start));
        p = put32(p, (uint32_t)start);
        put16(p, 0); /* comment */
        ok = write_bytes(z, rec, 22, err, err_size);
    }
    if (fclose(z->f) != 0 && ok)
        ok = fail(z->path, err, err_size, "write error: ", strerror(errno));
    if (!ok)
        remove(z->path);
    npz_free(z);
    return ok;
}
