/* idx.c - see idx.h. Legend: N images, H height, W width. */
#include "engine/idx.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

static void set_err(char *err, size_t err_size, const char *fmt, ...)
{
    if (!err || err_size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
}

static const char *type_name(int t)
{
    switch (t) {
    case 0x08:
        return "uint8";
    case 0x09:
        return "int8";
    case 0x0B:
        return "int16";
    case 0x0C:
        return "int32";
    case 0x0D:
        return "float32";
    case 0x0E:
        return "float64";
    default:
        return "unknown";
    }
}

/* Reads exactly n bytes; returns the number read (short at end of file), or -1 on a gzip
 * data error. */
static long read_full(gzFile f, void *buf, long n)
{
    long got = 0;
    unsigned char *p = buf;
    while (got < n) {
        long want = n - got;
        if (want > (1L << 30))
            want = 1L << 30;
        int r = gzread(f, p + got, (unsigned)want);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += r;
    }
    return got;
}

static void gz_error(char *err, size_t err_size, const char *path, gzFile f, long offset)
{
    int code = 0;
    const char *msg = gzerror(f, &code);
    set_err(err, err_size, "%s: byte %ld: damaged gzip data (%s)", path, offset,
            msg && msg[0] ? msg : "read error");
}

bool idx_read(const char *path, IdxArray *out, char *err, size_t err_size)
{
    return idx_read_part(path, 0, out, err, err_size);
}

bool idx_read_part(const char *path, long max_items, IdxArray *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    /* gzopen opens a folder too; reading it then says "damaged gzip data" */
    struct stat path_st;
    if (stat(path, &path_st) == 0 && S_ISDIR(path_st.st_mode)) {
        set_err(err, err_size, "%s: is a folder, not a file", path);
        return false;
    }
    gzFile f = gzopen(path, "rb");
    if (!f) {
        set_err(err, err_size, "%s: cannot open: %s", path,
                errno ? strerror(errno) : "gzopen failed");
        return false;
    }
    bool ok = false;
    unsigned char *data = NULL;
    unsigned char head[4 + 4 * IDX_MAX_DIMS];

    long got = read_full(f, head, 4);
    if (got < 0) {
        gz_error(err, err_size, path, f, 0);
        goto done;
    }
    if (got < 4) {
        set_err(err, err_size, "%s: byte %ld: truncated: an IDX header needs at least 4 bytes",
                path, got);
        goto done;
    }
    if (head[0] != 0 || head[1] != 0) {
        set_err(err, err_size,
                "%s: byte 0: bad magic 0x%02X%02X%02X%02X, expected 0x0000TTDD (an IDX file: "
                "two zero bytes, type, dimension count)",
                path, head[0], head[1], head[2], head[3]);
        goto done;
    }
    int type = head[2];
    if (type != IDX_UBYTE && type != IDX_FLOAT) {
        set_err(err, err_size,
                "%s: byte 2: element type 0x%02X (%s) is not supported; expected 0x08 (uint8) "
                "or 0x0D (float32)",
                path, type, type_name(type));
        goto done;
    }
    int nd = head[3];
    if (nd < 1 || nd > IDX_MAX_DIMS) {
        set_err(err, err_size, "%s: byte 3: %d dimensions; expected 1 to %d", path, nd,
                IDX_MAX_DIMS);
        goto done;
    }
    got = read_full(f, head + 4, 4L * nd);
    if (got < 0) {
        gz_error(err, err_size, path, f, 4);
        goto done;
    }
    if (got < 4L * nd) {
        set_err(err, err_size, "%s: byte %ld: truncated header: %d sizes of 4 bytes expected", path,
                4 + got, nd);
        goto done;
    }
    long elem = type == IDX_UBYTE ? 1 : 4;
    long count = 1;
    for (int i = 0; i < nd; i++) {
        const unsigned char *p = head + 4 + 4 * i;
        uint32_t d = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        if (d == 0) {
            set_err(err, err_size, "%s: byte %d: size of dimension %d is 0", path, 4 + 4 * i, i);
            goto done;
        }
        /* >= keeps every dimension and the element count below 2^31, so the int fits */
        if ((long)d >= IDX_MAX_BYTES / elem / count) {
            set_err(err, err_size,
                    "%s: byte %d: size %u of dimension %d makes the array larger "
                    "than 2 GiB (a damaged header?)",
                    path, 4 + 4 * i, d, i);
            goto done;
        }
        out->dims[i] = (int)d;
        count *= (long)d;
    }
    long header = 4 + 4L * nd;
    long bytes = count * elem;
    /* with a limit only the first items are read: want bytes of the header's promise */
    long items = out->dims[0];
    if (max_items > 0 && max_items < items)
        items = max_items;
    long want = bytes / out->dims[0] * items;

    /* A plain file can be checked against its length before anything is allocated. */
    if (gzdirect(f)) {
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            long size = (long)st.st_size;
            if (size < header + bytes) {
                set_err(err, err_size,
                        "%s: byte %ld: truncated: the header promises %ld elements (%ld bytes "
                        "of data), the file ends %ld bytes short",
                        path, size, count, bytes, header + bytes - size);
                goto done;
            }
            if (size > header + bytes) {
                set_err(err, err_size,
                        "%s: byte %ld: %ld unexpected bytes after the %ld elements the header "
                        "promises",
                        path, header + bytes, size - header - bytes, count);
                goto done;
            }
        }
    }

    /* A gzip stream's length is only known by reading it, so the buffer grows with the data
     * actually present: a header that lies about the size costs no more than the file holds. */
    long cap = want < (1L << 20) ? want : (1L << 20);
    data = malloc((size_t)cap);
    if (!data) {
        set_err(err, err_size, "%s: out of memory for %ld bytes", path, cap);
        goto done;
    }
    long have = 0;
    while (have < want) {
        if (have == cap) {
            long ncap = cap * 2 < want ? cap * 2 : want;
            unsigned char *nd2 = realloc(data, (size_t)ncap);
            if (!nd2) {
                set_err(err, err_size, "%s: out of memory for %ld bytes", path, ncap);
                goto done;
            }
            data = nd2;
            cap = ncap;
        }
        long r = read_full(f, data + have, cap - have);
        if (r < 0) {
            gz_error(err, err_size, path, f, header + have);
            goto done;
        }
        have += r;
        if (have < cap)
            break; /* end of file */
    }
    if (have < want) {
        set_err(err, err_size,
                "%s: byte %ld: truncated: the header promises %ld elements (%ld bytes of data), "
                "the data ends %ld bytes short",
                path, header + have, count, bytes, bytes - have);
        goto done;
    }
    /* one byte more than the header promises means the stream goes on: refused without
     * inflating the rest (a gzip bomb behind a small header stops here) */
    if (want == bytes) {
        unsigned char extra;
        long r = read_full(f, &extra, 1);
        if (r < 0) {
            gz_error(err, err_size, path, f, header + bytes);
            goto done;
        }
        if (r > 0) {
            set_err(err, err_size,
                    "%s: byte %ld: the data goes on after the %ld elements (%ld bytes) the "
                    "header promises",
                    path, header + bytes, count, bytes);
            goto done;
        }
    }
    out->file_dim0 = out->dims[0];
    out->dims[0] = (int)items;
    count = want / elem;
    if (type == IDX_FLOAT) {
        /* big-endian float32 to host order */
        float *fl = (float *)(void *)data;
        for (long i = 0; i < count; i++) {
            const unsigned char *p = data + 4 * i;
            uint32_t u = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
            memcpy(&fl[i], &u, 4);
        }
    }
    out->type = (IdxType)type;
    out->ndims = nd;
    out->count = count;
    out->data = data;
    data = NULL;
    ok = true;
done:
    free(data);
    gzclose(f);
    if (!ok)
        memset(out, 0, sizeof *out);
    return ok;
}

void idx_free(IdxArray *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}

bool dataset_find_file(char *out, size_t out_size, const char *dir, const char *prefix,
                       const char *kind, char *err, size_t err_size)
{
    int d = strcmp(kind, "images") == 0 ? 3 : 1;
    /* the standard name, then the dotted spelling some mirrors use; each plain, then .gz */
    static const char *const patterns[] = {"%s/%s-%s-idx%d-ubyte", "%s/%s-%s.idx%d-ubyte"};
    static const char *const suffixes[] = {"", ".gz"};
    for (int p = 0; p < 2; p++) {
        for (int s = 0; s < 2; s++) {
            char name[1024];
            snprintf(name, sizeof name, patterns[p], dir, prefix, kind, d);
            if ((size_t)snprintf(out, out_size, "%s%s", name, suffixes[s]) >= out_size)
                continue;
            struct stat st;
            if (stat(out, &st) != 0)
                continue;
            if (S_ISDIR(st.st_mode)) {
                set_err(err, err_size, "%s: is a folder, not a file", out);
                return false;
            }
            if (S_ISREG(st.st_mode))
                return true;
        }
    }
    set_err(err, err_size, "%s: no %s-%s-idx%d-ubyte (or .gz) in this folder", dir, prefix, kind,
            d);
    return false;
}

bool dataset_path_is_fashion(const char *dir)
{
    static const char word[] = "fashion";
    size_t n = strlen(dir), k = sizeof word - 1;
    for (size_t i = 0; i + k <= n; i++) {
        size_t j = 0;
        while (j < k && tolower((unsigned char)dir[i + j]) == word[j])
            j++;
        if (j == k)
            return true;
    }
    return false;
}

bool dataset_load(Dataset *ds, const char *dir, DatasetSplit split, char *err, size_t err_size)
{
    return dataset_load_part(ds, dir, split, 0, err, err_size);
}

bool dataset_load_part(Dataset *ds, const char *dir, DatasetSplit split, long limit, char *err,
                       size_t err_size)
{
    memset(ds, 0, sizeof *ds);
    struct stat st;
    if (stat(dir, &st) != 0) {
        set_err(err, err_size, "%s: no such folder", dir);
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        set_err(err, err_size,
                "%s: not a folder (--data wants a folder holding the four IDX "
                "files)",
                dir);
        return false;
    }
    const char *prefix = split == DATASET_TRAIN ? "train" : "t10k";
    if (!dataset_find_file(ds->images_path, sizeof ds->images_path, dir, prefix, "images", err,
                           err_size) ||
        !dataset_find_file(ds->labels_path, sizeof ds->labels_path, dir, prefix, "labels", err,
                           err_size))
        return false;

    IdxArray im, lb;
    if (!idx_read_part(ds->images_path, limit, &im, err, err_size))
        return false;
    if (im.ndims != 3) {
        set_err(err, err_size, "%s: byte 3: %d dimensions; images need 3 (count, rows, columns)",
                ds->images_path, im.ndims);
        idx_free(&im);
        return false;
    }
    if (!idx_read_part(ds->labels_path, limit, &lb, err, err_size)) {
        idx_free(&im);
        return false;
    }
    bool ok = false;
    if (lb.ndims != 1 || lb.type != IDX_UBYTE) {
        set_err(err, err_size,
                "%s: byte 2: labels need 1 dimension of uint8 (type 0x08, "
                "1 dimension), found type 0x%02X with %d",
                ds->labels_path, lb.type, lb.ndims);
        goto done;
    }
    if (lb.file_dim0 != im.file_dim0) {
        set_err(err, err_size, "%s: byte 4: %ld labels, but %s holds %ld images", ds->labels_path,
                lb.file_dim0, ds->images_path, im.file_dim0);
        goto done;
    }
    const uint8_t *labels = lb.data;
    for (long i = 0; i < lb.count; i++) {
        if (labels[i] >= DATASET_CLASSES) {
            set_err(err, err_size, "%s: byte %ld: label %d of image %ld is out of range 0-%d",
                    ds->labels_path, 8 + i, labels[i], i, DATASET_CLASSES - 1);
            goto done;
        }
    }
    ds->n = im.dims[0];
    ds->h = im.dims[1];
    ds->w = im.dims[2];
    if (im.type == IDX_UBYTE)
        ds->pixels = im.data;
    else
        ds->fpixels = im.data;
    ds->labels = lb.data;
    ds->fashion = dataset_path_is_fashion(dir);
    im.data = NULL;
    lb.data = NULL;
    ok = true;
done:
    idx_free(&im);
    idx_free(&lb);
    return ok;
}

void dataset_free(Dataset *ds)
{
    free(ds->pixels);
    free(ds->fpixels);
    free(ds->labels);
    memset(ds, 0, sizeof *ds);
}

void dataset_truncate(Dataset *ds, int n)
{
    if (n >= 0 && n < ds->n)
        ds->n = n;
}

void dataset_image(const Dataset *ds, int i, float *out)
{
    long hw = (long)ds->h * ds->w;
    if (ds->pixels) {
        const uint8_t *p = ds->pixels + (long)i * hw;
        for (long k = 0; k < hw; k++)
            out[k] = (float)p[k] * (1.0f / 255.0f);
    } else {
        memcpy(out, ds->fpixels + (long)i * hw, (size_t)hw * sizeof *out);
    }
}

static const char *const digit_names[DATASET_CLASSES] = {"0", "1", "2", "3", "4",
                                                         "5", "6", "7", "8", "9"};
static const char *const fashion_names[DATASET_CLASSES] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

const char *dataset_class_name_of(bool fashion, int k)
{
    if (k < 0 || k >= DATASET_CLASSES)
        return "?";
    return fashion ? fashion_names[k] : digit_names[k];
}

const char *dataset_class_name(const Dataset *ds, int k)
{
    return dataset_class_name_of(ds->fashion, k);
}
