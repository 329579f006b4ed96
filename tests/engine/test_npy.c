/* test_npy.c - .npy round trip, the exact bytes of a header, and damaged files refused with the
 * byte offset. */
#include "engine/npy.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* on the heap, so the compiler does not size-check messages against CHECK_CONTAINS's buffer */
#define ERR_SIZE 512
static char *err;

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(p, 1, n, f);
    fclose(f);
}

int main(void)
{
    err = calloc(ERR_SIZE, 1);
    char dir[] = "/tmp/convscope_npy_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], bad[256];
    snprintf(path, sizeof path, "%s/a.npy", dir);
    snprintf(bad, sizeof bad, "%s/bad.npy", dir);

    float data[24];
    for (int i = 0; i < 24; i++)
        data[i] = (float)i * 0.5f - 3.0f;
    long shape[3] = {2, 3, 4};
    CHECK(npy_write(path, data, shape, 3, err, ERR_SIZE));
    long got_shape[NPY_MAX_DIMS];
    int nd = 0;
    float *back = npy_read(path, got_shape, &nd, err, ERR_SIZE);
    CHECK(back != NULL);
    CHECK_INT_EQ(3, nd);
    CHECK_INT_EQ(2, got_shape[0]);
    CHECK_INT_EQ(4, got_shape[2]);
    if (back)
        CHECK_TENSOR_NEAR(data, back, 24, 0.0, 0.0);
    free(back);

    /* the file as NumPy writes it: 128 bytes of header here, the dict, then the data */
    FILE *f = fopen(path, "rb");
    unsigned char head[128];
    CHECK_INT_EQ(128, fread(head, 1, 128, f));
    fseek(f, 0, SEEK_END);
    CHECK_INT_EQ(128 + 24 * 4, ftell(f));
    fclose(f);
    CHECK(memcmp(head, "\x93NUMPY\x01\x00\x76\x00", 10) == 0);
    CHECK(memcmp(head + 10, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }", 61) ==
          0);
    CHECK_INT_EQ('\n', head[127]);

    /* 1-D shapes keep the tuple comma (byte for byte what NumPy writes); scalars are () */
    long one[1] = {5};
    CHECK(npy_write(path, data, one, 1, err, ERR_SIZE));
    f = fopen(path, "rb");
    CHECK_INT_EQ(128, fread(head, 1, 128, f));
    fclose(f);
    CHECK(memcmp(head + 10, "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", 57) == 0);
    back = npy_read(path, got_shape, &nd, err, ERR_SIZE);
    CHECK(back && nd == 1 && got_shape[0] == 5 && back[4] == data[4]);
    free(back);
    CHECK(npy_write(path, data, NULL, 0, err, ERR_SIZE));
    back = npy_read(path, got_shape, &nd, err, ERR_SIZE);
    CHECK(back && nd == 0 && back[0] == data[0]);
    free(back);

    /* other dtypes as NumPy writes them: uint8 and float64 */
    char hdr[128];
    unsigned char u8file[128 + 4];
    memset(hdr, ' ', sizeof hdr);
    const char *dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }";
    memcpy(u8file, "\x93NUMPY\x01\x00\x76\x00", 10);
    memset(u8file + 10, ' ', 118);
    memcpy(u8file + 10, dict, strlen(dict));
    u8file[127] = '\n';
    u8file[128] = 0, u8file[129] = 7, u8file[130] = 128, u8file[131] = 255;
    write_bytes(bad, u8file, sizeof u8file);
    back = npy_read(bad, got_shape, &nd, err, ERR_SIZE);
    CHECK(back != NULL);
    if (back)
        CHECK(back[1] == 7.0f && back[3] == 255.0f);
    free(back);

    /* damaged files: byte offsets in the message */
    write_bytes(bad, "hello", 5);
    CHECK(npy_read(bad, got_shape, &nd, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.npy: byte 0: not a NumPy .npy file");
    /* truncated data: 128 + 3 bytes of the 4 uint8 */
    write_bytes(bad, u8file, sizeof u8file - 1);
    CHECK(npy_read(bad, got_shape, &nd, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err,
                   "bad.npy: byte 131: truncated: the shape needs 4 bytes of data from byte 128");
    /* an unsupported dtype, with the offset of the value */
    memcpy(u8file + 10 + 11, "<c8", 3);
    write_bytes(bad, u8file, sizeof u8file);
    CHECK(npy_read(bad, got_shape, &nd, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.npy: byte 20: dtype '<c8' is not supported (expected '<f4'");
    /* big-endian: the dtype alone is quoted (a regression: the message quoted 12 bytes of
     * the dict, "'>f4', 'fort"), and the fix is named */
    memcpy(u8file + 10 + 11, ">f4", 3);
    write_bytes(bad, u8file, sizeof u8file);
    CHECK(npy_read(bad, got_shape, &nd, err, ERR_SIZE) == NULL);
    CHECK_STR_EQ("dtype '>f4': big-endian float32 is not supported; save with dtype '<f4'",
                 strstr(err, "dtype") ? strstr(err, "dtype") : err);
    CHECK_CONTAINS(err, "bad.npy: byte 20: dtype '>f4'");
    memcpy(u8file + 10 + 11, ">i8", 3);
    write_bytes(bad, u8file, sizeof u8file);
    CHECK(npy_read(bad, got_shape, &nd, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "dtype '>i8': big-endian int64 is not supported; save with dtype '<i8'");
    /* a one-byte type has no byte order: '>u1' reads as '|u1' */
    memcpy(u8file + 10 + 11, ">u1", 3);
    write_bytes(bad, u8file, sizeof u8file);
    back = npy_read(bad, got_shape, &nd, err, ERR_SIZE);
    CHECK(back && back[3] == 255.0f);
    free(back);
    /* a structured dtype (a list of fields) */
    memcpy(u8file + 10 + 10, "[('a', '<f4')]", 14);
    write_bytes(bad, u8file, sizeof u8file);
    CHECK(npy_read(bad, got_shape, &nd, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.npy: byte 20: 'descr' is not a dtype string (structured arrays");
    memcpy(u8file + 10, dict, strlen(dict));
    /* Fortran order refused */
    memcpy(u8file + 10 + 34, "True, ", 6);
    write_bytes(bad, u8file, sizeof u8file);
    CHECK(npy_read(bad, got_shape, &nd, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "only C order is supported");
    /* truncated header */
    write_bytes(bad, u8file, 40);
    CHECK(npy_read(bad, got_shape, &nd, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.npy: byte 40: truncated: the header needs 118 bytes");
    /* missing file */
    CHECK(npy_read("/nonexistent/q.npy", got_shape, &nd, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "/nonexistent/q.npy: cannot open");
    /* a folder (it used to be "byte 0: not a NumPy .npy file") */
    CHECK(npy_read(dir, got_shape, &nd, err, ERR_SIZE) == NULL);
    char want_dir[128];
    snprintf(want_dir, sizeof want_dir, "%s: is a folder, not a file", dir);
    CHECK_STR_EQ(want_dir, err);
    CHECK(!npy_write("/nonexistent/q.npy", data, one, 1, err, ERR_SIZE));
    CHECK_CONTAINS(err, "/nonexistent/q.npy: cannot create");
    (void)hdr;

    unlink(path);
    unlink(bad);
    rmdir(dir);
    free(err);
    return test_summary();
}
