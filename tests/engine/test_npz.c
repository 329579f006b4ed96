/* test_npz.c - the .npz writer: the zip read back by a small independent reader here (local
 * headers, CRC-32s recomputed with zlib, the central directory and end record and their
 * offsets), each entry's bytes equal to the .npy file npy_write makes of the same array,
 * determinism, and the refusals (bad names, an unwritable path, a write that fails half-way). */
#include "engine/npy.h"
#include "engine/npz.h"
#include "test.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#define ERR_SIZE 512
static char err[ERR_SIZE];

static unsigned char *slurp(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    rewind(f);
    unsigned char *b = malloc((size_t)*size + 1);
    if (fread(b, 1, (size_t)*size, f) != (size_t)*size) {
        free(b);
        b = NULL;
    }
    fclose(f);
    return b;
}

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

typedef struct Array {
    const char *name;
    const float *data;
    long shape[4];
    int nd;
} Array;

/* The archive at path holds exactly arrays[0..n) in order, each entry byte-equal to npy_write's
 * file of the array, with a true CRC-32, and a directory that points at them. */
static void check_archive(const char *path, const Array *arrays, int n, const char *tmp)
{
    long size = 0;
    unsigned char *z = slurp(path, &size);
    CHECK(z != NULL);
    if (!z)
        return;
    /* the end record: the last 22 bytes (no comment) */
    CHECK(size >= 22);
    const unsigned char *end = z + size - 22;
    CHECK_INT_EQ(0x06054b50u, get32(end));
    CHECK_INT_EQ(n, get16(end + 8));
    CHECK_INT_EQ(n, get16(end + 10));
    uint32_t cd_size = get32(end + 12), cd_off = get32(end + 16);
    CHECK_INT_EQ(size - 22, (long)cd_off + (long)cd_size);
    const unsigned char *cd = z + cd_off;
    long local = 0;
    for (int i = 0; i < n; i++) {
        char want_name[256], npy[600];
        snprintf(want_name, sizeof want_name, "%s.npy", arrays[i].name);
        snprintf(npy, sizeof npy, "%s/ref.npy", tmp);
        CHECK(npy_write(npy, arrays[i].data, arrays[i].shape, arrays[i].nd, err, ERR_SIZE));
        long ref_size = 0;
        unsigned char *ref = slurp(npy, &ref_size);
        /* local header */
        const unsigned char *lh = z + local;
        unsigned nl = get16(lh + 26);
        CHECK_INT_EQ(0x04034b50u, get32(lh));
        CHECK_INT_EQ(0, get16(lh + 8)); /* stored */
        CHECK_INT_EQ(ref_size, get32(lh + 18));
        CHECK_INT_EQ(ref_size, get32(lh + 22));
        CHECK_INT_EQ(0, get16(lh + 28));
        CHECK(nl == strlen(want_name) && memcmp(lh + 30, want_name, nl) == 0);
        const unsigned char *data = lh + 30 + nl;
        CHECK(ref && memcmp(data, ref, (size_t)ref_size) == 0);
        uLong crc = crc32(crc32(0L, Z_NULL, 0), data, (uInt)ref_size);
        CHECK_INT_EQ(crc, get32(lh + 14));
        /* its central record names the same entry, CRC and offset */
        CHECK_INT_EQ(0x02014b50u, get32(cd));
        CHECK_INT_EQ(crc, get32(cd + 16));
        CHECK_INT_EQ(ref_size, get32(cd + 20));
        CHECK_INT_EQ(nl, get16(cd + 28));
        CHECK_INT_EQ(local, get32(cd + 42));
        CHECK(memcmp(cd + 46, want_name, nl) == 0);
        cd += 46 + nl + get16(cd + 30) + get16(cd + 32);
        local += 30 + nl + ref_size;
        free(ref);
    }
    CHECK_INT_EQ(cd_off, local);
    CHECK(cd == end);
    free(z);
}

static void test_roundtrip(const char *tmp)
{
    float w[2 * 3 * 2 * 2], b[2] = {0.5f, -1.25f}, s[1] = {42.0f}; /* w (2, 3, 2, 2) */
    for (int i = 0; i < 24; i++)
        w[i] = (float)i * 0.37f - 3.0f;
    Array arrays[3] = {{"L00.weight", w, {2, 3, 2, 2}, 4},
                       {"L00.bias", b, {2}, 1},
                       {"L05.num_batches_tracked", s, {0}, 0}};
    char path[600], again[600];
    snprintf(path, sizeof path, "%s/w.npz", tmp);
    snprintf(again, sizeof again, "%s/w2.npz", tmp);
    for (int k = 0; k < 2; k++) {
        NpzWriter *z = npz_create(k ? again : path, err, ERR_SIZE);
        CHECK(z != NULL);
        bool ok = true;
        for (int i = 0; i < 3; i++)
            ok = ok && npz_add(z, arrays[i].name, arrays[i].data, arrays[i].shape, arrays[i].nd,
                               err, ERR_SIZE);
        CHECK(ok);
        CHECK(npz_close(z, err, ERR_SIZE));
    }
    check_archive(path, arrays, 3, tmp);
    /* the same arrays give the same bytes (fixed dates) */
    long n1 = 0, n2 = 0;
    unsigned char *a = slurp(path, &n1), *c = slurp(again, &n2);
    CHECK(a && c && n1 == n2 && memcmp(a, c, (size_t)n1) == 0);
    free(a);
    free(c);

    /* an empty archive is a valid zip too: the end record alone */
    NpzWriter *z = npz_create(path, err, ERR_SIZE);
    CHECK(z && npz_close(z, err, ERR_SIZE));
    check_archive(path, arrays, 0, tmp);
}

static void test_refusals(const char *tmp)
{
    char path[600], want[700];
    CHECK(npz_create("/nonexistent/dir/w.npz", err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "/nonexistent/dir/w.npz: cannot create");

    snprintf(path, sizeof path, "%s/bad.npz", tmp);
    float v[1] = {1.0f};
    long one[1] = {1};
    char longname[NPZ_NAME_MAX + 2];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    NpzWriter *z = npz_create(path, err, ERR_SIZE);
    CHECK(!npz_add(z, "", v, one, 1, err, ERR_SIZE));
    snprintf(want, sizeof want, "%s: an array name must have 1 to %d bytes: ", path, NPZ_NAME_MAX);
    CHECK_STR_EQ(want, err);
    CHECK(!npz_add(z, longname, v, one, 1, err, ERR_SIZE));
    CHECK_CONTAINS(err, "an array name must have 1 to 200 bytes: aaaa");
    npz_discard(z);
    CHECK(access(path, F_OK) != 0);

    /* a write that fails half-way (a file-size limit of 4 KiB against 16 KiB of floats): false,
     * the path named, and no file left */
    long big_shape[1] = {4096};
    float *big = calloc(4096, sizeof(float));
    struct rlimit old_lim, lim = {4096, 4096};
    getrlimit(RLIMIT_FSIZE, &old_lim);
    lim.rlim_max = old_lim.rlim_max;
    void (*old_sig)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    z = npz_create(path, err, ERR_SIZE);
    bool ok = z && npz_add(z, "big", big, big_shape, 1, err, ERR_SIZE);
    ok = z && (ok ? npz_close(z, err, ERR_SIZE) : (npz_discard(z), false));
    setrlimit(RLIMIT_FSIZE, &old_lim);
    signal(SIGXFSZ, old_sig);
    CHECK(!ok);
    snprintf(want, sizeof want, "%s: write error", path);
    CHECK_CONTAINS(err, want);
    CHECK(access(path, F_OK) != 0);
    free(big);
}

int main(void)
{
    char tmp[] = "/tmp/convscope_npz_XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    test_roundtrip(tmp);
    test_refusals(tmp);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    CHECK(system(cmd) == 0);
    return test_summary();
}
