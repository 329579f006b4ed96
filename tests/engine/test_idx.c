/* test_idx.c - the IDX reader and the data set folder: the bundled digits, plain and gzip
 * files, and every kind of damage reported with the file and byte offset. */
#include "engine/assets.h"
#include "engine/idx.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static char tmpdir[256];

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void write_plain(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fwrite(data, 1, n, f);
    fclose(f);
}

static void write_gz(const char *path, const void *data, size_t n)
{
    gzFile f = gzopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    gzwrite(f, data, (unsigned)n);
    gzclose(f);
}

/* An images file of n images h x w, pixel (i, y, x) = (i*7 + y*3 + x) % 256. Returns bytes. */
static size_t make_images(unsigned char *buf, int n, int h, int w)
{
    buf[0] = 0;
    buf[1] = 0;
    buf[2] = 0x08;
    buf[3] = 3;
    put_be32(buf + 4, (uint32_t)n);
    put_be32(buf + 8, (uint32_t)h);
    put_be32(buf + 12, (uint32_t)w);
    size_t k = 16;
    for (int i = 0; i < n; i++)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                buf[k++] = (unsigned char)((i * 7 + y * 3 + x) % 256);
    return k;
}

static size_t make_labels(unsigned char *buf, int n)
{
    buf[0] = 0;
    buf[1] = 0;
    buf[2] = 0x08;
    buf[3] = 1;
    put_be32(buf + 4, (uint32_t)n);
    for (int i = 0; i < n; i++)
        buf[8 + i] = (unsigned char)(i % 10);
    return 8 + (size_t)n;
}

static void path_in(char *out, size_t size, const char *sub, const char *name)
{
    snprintf(out, size, "%s/%s%s%s", tmpdir, sub, sub[0] ? "/" : "", name);
}

static void test_bundled_digits(void)
{
    char dir[512];
    CHECK(assets_path(dir, sizeof dir, "assets/digits"));
    char err[256] = "";
    Dataset train, test;
    CHECK(dataset_load(&train, dir, DATASET_TRAIN, err, sizeof err));
    CHECK_STR_EQ("", err);
    CHECK(dataset_load(&test, dir, DATASET_TEST, err, sizeof err));
    CHECK_INT_EQ(8000, train.n);
    CHECK_INT_EQ(2000, test.n);
    CHECK_INT_EQ(28, train.h);
    CHECK_INT_EQ(28, train.w);
    CHECK(train.pixels != NULL && train.fpixels == NULL);
    CHECK(!train.fashion);
    /* the per-class counts stated in assets/digits/README.md */
    static const int test_counts[10] = {200, 225, 198, 206, 196, 173, 203, 214, 189, 196};
    static const int train_counts[10] = {801, 902, 793, 826, 784, 690, 811, 856, 755, 782};
    int tc[10] = {0}, rc[10] = {0};
    for (int i = 0; i < test.n; i++)
        tc[test.labels[i]]++;
    for (int i = 0; i < train.n; i++)
        rc[train.labels[i]]++;
    for (int k = 0; k < 10; k++) {
        CHECK_INT_EQ(test_counts[k], tc[k]);
        CHECK_INT_EQ(train_counts[k], rc[k]);
    }
    /* the split interleaves the classes: the first ten training labels are 0..9 */
    for (int k = 0; k < 10; k++)
        CHECK_INT_EQ(k, train.labels[k]);
    /* a digit has ink: some pixels at full intensity, a black border */
    float img[28 * 28];
    dataset_image(&train, 0, img);
    float mx = 0.0f;
    for (int k = 0; k < 28 * 28; k++)
        mx = img[k] > mx ? img[k] : mx;
    CHECK_NEAR(1.0, mx, 1e-6);
    CHECK_NEAR(0.0, img[0], 1e-6);
    CHECK_STR_EQ("7", dataset_class_name(&train, 7));
    dataset_truncate(&train, 100);
    CHECK_INT_EQ(100, train.n);
    dataset_free(&train);
    dataset_free(&test);
}

static void write_set(const char *sub, bool gz, int n_img, int n_lab)
{
    char d[512], p[512];
    path_in(d, sizeof d, sub, "");
    mkdir(d, 0700);
    static unsigned char buf[16 + 50 * 6 * 5];
    size_t k = make_images(buf, n_img, 6, 5);
    path_in(p, sizeof p, sub, gz ? "train-images-idx3-ubyte.gz" : "train-images-idx3-ubyte");
    (gz ? write_gz : write_plain)(p, buf, k);
    k = make_labels(buf, n_lab);
    path_in(p, sizeof p, sub, gz ? "train-labels-idx1-ubyte.gz" : "train-labels-idx1-ubyte");
    (gz ? write_gz : write_plain)(p, buf, k);
}

static void test_plain_and_gz(void)
{
    char err[256] = "", d[512];
    Dataset ds;
    write_set("plain", false, 12, 12);
    path_in(d, sizeof d, "plain", "");
    CHECK(dataset_load(&ds, d, DATASET_TRAIN, err, sizeof err));
    CHECK_STR_EQ("", err);
    CHECK_INT_EQ(12, ds.n);
    CHECK_INT_EQ(6, ds.h);
    CHECK_INT_EQ(5, ds.w);
    /* pixel (i=3, y=2, x=4) = (21 + 6 + 4) % 256 = 31 */
    CHECK_INT_EQ(31, ds.pixels[3 * 30 + 2 * 5 + 4]);
    CHECK_INT_EQ(3, ds.labels[3]);
    float img[30];
    dataset_image(&ds, 3, img);
    CHECK_NEAR(31.0 / 255.0, img[2 * 5 + 4], 1e-7);
    dataset_free(&ds);

    write_set("gz", true, 12, 12);
    path_in(d, sizeof d, "gz", "");
    CHECK(dataset_load(&ds, d, DATASET_TRAIN, err, sizeof err));
    CHECK_INT_EQ(12, ds.n);
    CHECK_INT_EQ(31, ds.pixels[3 * 30 + 2 * 5 + 4]);
    dataset_free(&ds);

    /* the test split is missing in these folders */
    CHECK(!dataset_load(&ds, d, DATASET_TEST, err, sizeof err));
    CHECK_CONTAINS(err, "no t10k-images-idx3-ubyte (or .gz) in this folder");
    CHECK(ds.pixels == NULL && ds.labels == NULL);

    /* a folder where an IDX file should be: named as such (it used to be "no
     * t10k-images-idx3-ubyte in this folder", or from idx_read "damaged gzip data") */
    char sub[600], want[700];
    path_in(sub, sizeof sub, "gz", "t10k-images-idx3-ubyte");
    CHECK(mkdir(sub, 0777) == 0);
    CHECK(!dataset_load(&ds, d, DATASET_TEST, err, sizeof err));
    CHECK_CONTAINS(err, "/t10k-images-idx3-ubyte: is a folder, not a file");
    IdxArray a;
    snprintf(want, sizeof want, "%s: is a folder, not a file", sub);
    CHECK(!idx_read(sub, &a, err, sizeof err));
    CHECK_STR_EQ(want, err);
    CHECK(a.data == NULL);
    rmdir(sub);
}

static void test_fashion_names(void)
{
    CHECK(dataset_path_is_fashion("/usr/share/datasets/fashion-mnist"));
    CHECK(dataset_path_is_fashion("/data/Fashion_MNIST"));
    CHECK(dataset_path_is_fashion("FASHION"));
    CHECK(!dataset_path_is_fashion("/data/mnist"));
    CHECK(!dataset_path_is_fashion("fashio"));
    CHECK_STR_EQ("T-shirt/top", dataset_class_name_of(true, 0));
    CHECK_STR_EQ("Ankle boot", dataset_class_name_of(true, 9));
    CHECK_STR_EQ("Bag", dataset_class_name_of(true, 8));
    CHECK_STR_EQ("4", dataset_class_name_of(false, 4));
    char err[256], d[512];
    write_set("my-Fashion-set", true, 4, 4);
    path_in(d, sizeof d, "my-Fashion-set", "");
    Dataset ds;
    CHECK(dataset_load(&ds, d, DATASET_TRAIN, err, sizeof err));
    CHECK(ds.fashion);
    CHECK_STR_EQ("Sneaker", dataset_class_name(&ds, 7));
    dataset_free(&ds);
}

static void test_errors(void)
{
    char err[256] = "", p[512], d[512];
    IdxArray a;
    unsigned char buf[16 + 3 * 6 * 5];
    size_t k = make_images(buf, 3, 6, 5);

    /* bad magic */
    unsigned char bad[sizeof buf + 1]; /* room for one byte too many */
    memcpy(bad, buf, k);
    bad[0] = 0x12;
    path_in(p, sizeof p, "", "badmagic");
    write_plain(p, bad, k);
    CHECK(!idx_read(p, &a, err, sizeof err));
    CHECK_CONTAINS(err, "badmagic: byte 0: bad magic 0x12000803");
    CHECK(a.data == NULL);

    /* unsupported type */
    memcpy(bad, buf, k);
    bad[2] = 0x0B;
    write_plain(p, bad, k);
    CHECK(!idx_read(p, &a, err, sizeof err));
    CHECK_CONTAINS(err, "byte 2: element type 0x0B (int16) is not supported");

    /* zero dimensions */
    memcpy(bad, buf, k);
    bad[3] = 0;
    write_plain(p, bad, k);
    CHECK(!idx_read(p, &a, err, sizeof err));
    CHECK_CONTAINS(err, "byte 3: 0 dimensions");

    /* truncated plain: header says 3 images, 10 bytes missing */
    path_in(p, sizeof p, "", "short");
    write_plain(p, buf, k - 10);
    CHECK(!idx_read(p, &a, err, sizeof err));
    CHECK_CONTAINS(err, "short: byte 96: truncated");
    CHECK_CONTAINS(err, "10 bytes short");

    /* truncated gzip: the same, discovered while reading */
    path_in(p, sizeof p, "", "short.gz");
    write_gz(p, buf, k - 10);
    CHECK(!idx_read(p, &a, err, sizeof err));
    CHECK_CONTAINS(err, "short.gz: byte 96: truncated");

    /* a header promising 2^31 images in a tiny file: refused, nothing huge allocated */
    memcpy(bad, buf, k);
    put_be32(bad + 4, 0x7fffffffu);
    path_in(p, sizeof p, "", "huge.gz");
    write_gz(p, bad, k);
    CHECK(!idx_read(p, &a, err, sizeof err));
    CHECK_CONTAINS(err, "byte 8: size 6 of dimension 1 makes the array larger than 2 GiB");

    /* a 1-D byte array of exactly 2^31 elements: refused by its header, before the length
     * check, so a gzip stream that really held that much could not overflow the int sizes */
    {
        char q[512];
        unsigned char big[8] = {0, 0, 0x08, 1};
        put_be32(big + 4, 0x80000000u);
        path_in(q, sizeof q, "", "two-gib");
        write_plain(q, big, sizeof big);
        CHECK(!idx_read(q, &a, err, sizeof err));
        CHECK_CONTAINS(err,
                       "two-gib: byte 4: size 2147483648 of dimension 0 makes the array larger "
                       "than 2 GiB");
    }

    /* a gzip header promising a million images (30 MB) over 90 bytes of data: the buffer
     * grows with the data actually read, and the shortfall is reported */
    memcpy(bad, buf, k);
    put_be32(bad + 4, 1000000u);
    write_gz(p, bad, k);
    CHECK(!idx_read(p, &a, err, sizeof err));
    CHECK_CONTAINS(err, "huge.gz: byte 106: truncated: the header promises 30000000 elements");

    /* extra bytes after the data */
    memcpy(bad, buf, k);
    bad[k] = 1;
    path_in(p, sizeof p, "", "long");
    write_plain(p, bad, k + 1);
    CHECK(!idx_read(p, &a, err, sizeof err));
    CHECK_CONTAINS(err, "long: byte 106: 1 unexpected bytes after the 90 elements");

    /* a damaged gzip stream */
    path_in(p, sizeof p, "", "damaged.gz");
    {
        write_gz(p, buf, k);
        FILE *f = fopen(p, "r+b");
        fseek(f, 12, SEEK_SET);
        unsigned char junk[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        fwrite(junk, 1, sizeof junk, f);
        fclose(f);
    }
    CHECK(!idx_read(p, &a, err, sizeof err));
    CHECK_CONTAINS(err, "damaged.gz: byte");

    /* missing file */
    path_in(p, sizeof p, "", "nothere");
    CHECK(!idx_read(p, &a, err, sizeof err));
    CHECK_CONTAINS(err, "nothere: cannot open");

    /* float32 files are read and converted from big-endian */
    {
        unsigned char fb[4 + 4 + 8];
        fb[0] = 0;
        fb[1] = 0;
        fb[2] = 0x0D;
        fb[3] = 1;
        put_be32(fb + 4, 2);
        put_be32(fb + 8, 0x3f800000u);  /* 1.0 */
        put_be32(fb + 12, 0xc0490fdbu); /* -3.14159274 */
        path_in(p, sizeof p, "", "floats");
        write_plain(p, fb, sizeof fb);
        CHECK(idx_read(p, &a, err, sizeof err));
        CHECK_INT_EQ(IDX_FLOAT, a.type);
        CHECK_INT_EQ(2, a.count);
        CHECK_NEAR(1.0, ((float *)a.data)[0], 0.0);
        CHECK_NEAR(-3.14159274, ((float *)a.data)[1], 1e-6);
        idx_free(&a);
    }

    Dataset ds;
    /* count mismatch images vs labels */
    write_set("mismatch", false, 12, 11);
    path_in(d, sizeof d, "mismatch", "");
    CHECK(!dataset_load(&ds, d, DATASET_TRAIN, err, sizeof err));
    CHECK_CONTAINS(err, "train-labels-idx1-ubyte: byte 4: 11 labels, but ");
    CHECK_CONTAINS(err, "holds 12 images");

    /* label out of range: label of image 5 set to 10 */
    write_set("range", false, 12, 12);
    path_in(p, sizeof p, "range", "train-labels-idx1-ubyte");
    {
        unsigned char lb[8 + 12];
        make_labels(lb, 12);
        lb[8 + 5] = 10;
        write_plain(p, lb, sizeof lb);
    }
    path_in(d, sizeof d, "range", "");
    CHECK(!dataset_load(&ds, d, DATASET_TRAIN, err, sizeof err));
    CHECK_CONTAINS(err,
                   "train-labels-idx1-ubyte: byte 13: label 10 of image 5 is out of range 0-9");

    /* a labels file where the images file should be */
    path_in(p, sizeof p, "range", "train-images-idx3-ubyte");
    {
        unsigned char lb[8 + 12];
        make_labels(lb, 12);
        write_plain(p, lb, sizeof lb);
    }
    CHECK(!dataset_load(&ds, d, DATASET_TRAIN, err, sizeof err));
    CHECK_CONTAINS(err, "train-images-idx3-ubyte: byte 3: 1 dimensions; images need 3");

    /* missing folder, and a file given as the folder */
    path_in(d, sizeof d, "", "no-such-dir");
    CHECK(!dataset_load(&ds, d, DATASET_TRAIN, err, sizeof err));
    CHECK_CONTAINS(err, "no-such-dir: no such folder");
    path_in(d, sizeof d, "", "long");
    CHECK(!dataset_load(&ds, d, DATASET_TRAIN, err, sizeof err));
    CHECK_CONTAINS(err, "long: not a folder");
}

/* A limit reads only the first items, and a gzip stream no further; a stream that goes on past
 * its header's promise is refused after one byte too many, not inflated to the end. */
static void test_limits(void)
{
    char err[256] = "", p[512], d[512];
    IdxArray a;
    unsigned char buf[16 + 3 * 6 * 5];
    size_t k = make_images(buf, 3, 6, 5);

    /* a header promising a million images over three: the first two read fine with limit 2,
     * without a limit the shortfall is reported */
    put_be32(buf + 4, 1000000u);
    path_in(p, sizeof p, "", "million.gz");
    write_gz(p, buf, k);
    CHECK(idx_read_part(p, 2, &a, err, sizeof err));
    CHECK_INT_EQ(2, a.dims[0]);
    CHECK_INT_EQ(1000000, a.file_dim0);
    CHECK_INT_EQ(2 * 6 * 5, a.count);
    /* pixel (i=1, y=2, x=4) = (7 + 6 + 4) % 256 = 17 */
    CHECK_INT_EQ(17, ((unsigned char *)a.data)[1 * 30 + 2 * 5 + 4]);
    idx_free(&a);
    CHECK(!idx_read_part(p, 4, &a, err, sizeof err));
    CHECK_CONTAINS(err, "million.gz: byte 106: truncated: the header promises 30000000 elements");
    /* a limit above the count reads everything */
    put_be32(buf + 4, 3u);
    write_gz(p, buf, k);
    CHECK(idx_read_part(p, 50, &a, err, sizeof err));
    CHECK_INT_EQ(3, a.dims[0]);
    CHECK_INT_EQ(3, a.file_dim0);
    idx_free(&a);

    /* a small gzip bomb: three images promised, 4 MB of zeros behind them (4 kB of gzip) */
    path_in(p, sizeof p, "", "bomb.gz");
    gzFile g = gzopen(p, "wb9");
    gzwrite(g, buf, (unsigned)k);
    static unsigned char zeros[1 << 20];
    for (int i = 0; i < 4; i++)
        gzwrite(g, zeros, sizeof zeros);
    gzclose(g);
    CHECK(!idx_read(p, &a, err, sizeof err));
    CHECK_CONTAINS(err, "bomb.gz: byte 106: the data goes on after the 90 elements (90 bytes) the "
                        "header promises");
    CHECK(a.data == NULL);
    /* with a limit below the count, only the first image is read and the rest never looked at */
    CHECK(idx_read_part(p, 1, &a, err, sizeof err));
    CHECK_INT_EQ(1, a.dims[0]);
    idx_free(&a);

    /* a data set with a limit: both files cut, counts compared as their headers give them */
    Dataset ds;
    write_set("limited", true, 12, 12);
    path_in(d, sizeof d, "limited", "");
    CHECK(dataset_load_part(&ds, d, DATASET_TRAIN, 5, err, sizeof err));
    CHECK_INT_EQ(5, ds.n);
    CHECK_INT_EQ(4, ds.labels[4]);
    CHECK_INT_EQ((4 * 7 + 1 * 3 + 2) % 256, ds.pixels[4 * 30 + 1 * 5 + 2]);
    dataset_free(&ds);
    write_set("limited-mismatch", true, 12, 11);
    path_in(d, sizeof d, "limited-mismatch", "");
    CHECK(!dataset_load_part(&ds, d, DATASET_TRAIN, 5, err, sizeof err));
    CHECK_CONTAINS(err, "train-labels-idx1-ubyte.gz: byte 4: 11 labels, but ");
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/convscope-test-idx-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_bundled_digits();
    test_plain_and_gz();
    test_fashion_names();
    test_errors();
    test_limits();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return test_summary();
}
