/* test_model.c - .cnn model files: round trip (bit-exact weights, same outputs), atomic write
 * (no temporary left behind), and damaged files refused with the reason: every flipped byte,
 * every truncation, a wrong version, a wrong magic, trailing bytes. */
#include "engine/model.h"
#include "engine/net.h"
#include "test.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* on the heap, so the compiler does not size-check messages against CHECK_CONTAINS's buffer */
#define ERR_SIZE 512
static char *err;

static long read_all(const char *path, unsigned char **out)
{
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *out = malloc((size_t)n);
    if (fread(*out, 1, (size_t)n, f) != (size_t)n)
        n = -1;
    fclose(f);
    return n;
}

static void write_all(const char *path, const unsigned char *p, long n)
{
    FILE *f = fopen(path, "wb");
    fwrite(p, 1, (size_t)n, f);
    fclose(f);
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

int main(void)
{
    err = calloc(ERR_SIZE, 1);
    char dir[] = "/tmp/convscope_model_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], bad[256];
    snprintf(path, sizeof path, "%s/m.cnn", dir);
    snprintf(bad, sizeof bad, "%s/bad.cnn", dir);

    const char *text = "input 1 6 6\nconv 2 k=3 pad=1\nrelu\nmaxpool k=2\nflatten\ndense 3\n"
                       "softmax\n";
    Net *net = net_create(text, "m.net", 42, err, ERR_SIZE);
    CHECK(net != NULL);
    if (!net)
        return test_summary();
    net->params[19] = 0.25f; /* a nonzero bias survives the trip too */
    CHECK(model_save(net, path, err, ERR_SIZE));
    CHECK_INT_EQ(1, count_files(dir)); /* the temporary file was renamed, not left behind */
    Net *back = model_load(path, err, ERR_SIZE);
    CHECK(back != NULL);
    if (back) {
        CHECK_STR_EQ(text, back->text);
        CHECK_INT_EQ(net->n_params, back->n_params);
        CHECK(memcmp(net->params, back->params, sizeof(float) * (size_t)net->n_params) == 0);
        /* same outputs */
        float x[36];
        for (int i = 0; i < 36; i++)
            x[i] = (float)((i * 7) % 11) / 11.0f;
        NetActs *a = net_acts_create(net, 1), *b = net_acts_create(back, 1);
        net_forward(net, a, x, 1);
        net_forward(back, b, x, 1);
        CHECK_TENSOR_NEAR(net_output(net, a, 0), net_output(back, b, 0), 3, 0.0, 0.0);
        net_acts_destroy(a);
        net_acts_destroy(b);
        net_destroy(back);
    } else {
        fprintf(stderr, "%s\n", err);
    }
    /* saving again replaces the file atomically */
    CHECK(model_save(net, path, err, ERR_SIZE));
    CHECK_INT_EQ(1, count_files(dir));

    unsigned char *buf = NULL;
    long n = read_all(path, &buf);
    long expect = MODEL_HEADER_SIZE + (long)strlen(text) + 4 * net->n_params + 4;
    CHECK_INT_EQ(expect, n);
    CHECK(memcmp(buf, "CNNSCOPE", 8) == 0);
    CHECK_INT_EQ(crc32(0, buf, (uInt)(n - 4)),
                 buf[n - 4] | buf[n - 3] << 8 | buf[n - 2] << 16 | (unsigned)buf[n - 1] << 24);

    /* every single flipped byte is refused; past the magic, always as a checksum mismatch */
    int refused = 0, checksum = 0;
    for (long i = 0; i < n; i++) {
        buf[i] ^= 0x40;
        write_all(bad, buf, n);
        buf[i] ^= 0x40;
        Net *m = model_load(bad, err, ERR_SIZE);
        refused += m == NULL;
        checksum += m == NULL && i >= 8 && strstr(err, ": checksum mismatch") != NULL;
        net_destroy(m);
    }
    CHECK_INT_EQ(n, refused);
    CHECK_INT_EQ(n - 8, checksum);
    buf[100] ^= 1;
    write_all(bad, buf, n);
    buf[100] ^= 1;
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.cnn: byte ");
    CHECK_CONTAINS(err, ": checksum mismatch (stored 0x");
    CHECK_CONTAINS(err, "the file is damaged");
    buf[10] ^= 1;
    write_all(bad, buf, n);
    buf[10] ^= 1;
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.cnn: byte 28: checksum mismatch in the header");
    buf[0] = 'X';
    write_all(bad, buf, n);
    buf[0] = 'C';
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.cnn: not a convscope model file");

    /* every truncation is refused, and names the byte */
    int truncated = 0;
    for (long k = 0; k < n; k++) {
        write_all(bad, buf, k);
        Net *m = model_load(bad, err, ERR_SIZE);
        char want[64];
        snprintf(want, sizeof want, "byte %ld: truncated", k);
        truncated += m == NULL && strstr(err, want) != NULL;
        net_destroy(m);
    }
    CHECK_INT_EQ(n, truncated);
    write_all(bad, buf, n - 10);
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    char want[128];
    snprintf(want, sizeof want, "bad.cnn: byte %ld: truncated (the header promises %ld bytes",
             n - 10, n);
    CHECK_CONTAINS(err, want);

    /* trailing bytes */
    unsigned char *longer = malloc((size_t)n + 3);
    memcpy(longer, buf, (size_t)n);
    memcpy(longer + n, "abc", 3);
    write_all(bad, longer, n + 3);
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "unexpected bytes after the end of the model");
    free(longer);

    /* a newer version, with a valid header checksum, is refused by name */
    buf[8] = 2;
    uLong hc = crc32(0, buf, 28);
    for (int i = 0; i < 4; i++)
        buf[28 + i] = (unsigned char)(hc >> (8 * i));
    write_all(bad, buf, n);
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err,
                   "bad.cnn: byte 8: model format version 2, but this program reads version 1");

    /* non-finite weights with a good checksum (a net that diverged, saved) are refused by
     * parameter, layer and line: params 0..17 conv W, 18..19 conv b, 20..73 dense W */
    float keep25 = net->params[25], keep19 = net->params[19];
    net->params[25] = NAN;
    CHECK(model_save(net, bad, err, ERR_SIZE));
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.cnn: parameter 25 is NaN: weight 5 of layer 4 (net text line 6: "
                        "dense 3); the model is damaged");
    net->params[25] = keep25;
    net->params[19] = -INFINITY;
    CHECK(model_save(net, bad, err, ERR_SIZE));
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.cnn: parameter 19 is -inf: bias 1 of layer 0 (net text line 2: "
                        "conv 2 k=3 pad=1)");
    net->params[19] = keep19;

    /* a directory that does not exist */
    CHECK(!model_save(net, "/nonexistent/dir/m.cnn", err, ERR_SIZE));
    CHECK_CONTAINS(err, "/nonexistent/dir/m.cnn: cannot create a temporary file");
    CHECK(model_load("/nonexistent/m.cnn", err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "/nonexistent/m.cnn: cannot open");
    /* a folder (it used to be "truncated at byte 0") */
    CHECK(model_load(dir, err, ERR_SIZE) == NULL);
    snprintf(want, sizeof want, "%s: is a folder, not a file", dir);
    CHECK_STR_EQ(want, err);

    free(buf);
    net_destroy(net);
    unlink(path);
    unlink(bad);
    rmdir(dir);
    free(err);
    return test_summary();
}
