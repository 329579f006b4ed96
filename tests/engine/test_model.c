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

/* Rewrites the header's and the file's CRC-32 after an edit of buf (n bytes). */
static void fix_crcs(unsigned char *buf, long n)
{
    uLong hc = crc32(0, buf, 28), fc;
    for (int i = 0; i < 4; i++)
        buf[28 + i] = (unsigned char)(hc >> (8 * i));
    fc = crc32(0, buf, (uInt)(n - 4));
    for (int i = 0; i < 4; i++)
        buf[n - 4 + i] = (unsigned char)(fc >> (8 * i));
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

/* A net with batchnorm (2d and 1d): its running statistics, moved by training steps, survive the
 * trip and give the same evaluation-mode outputs; old, short and damaged statistics are
 * refused with the reason. */
static void test_running_stats(const char *path, const char *bad)
{
    const char *text = "input 2 5 5\nconv 4 k=3 groups=2\nbatchnorm momentum=0.3\nrelu\n"
                       "flatten\ndense 6\nbatchnorm eps=0.001\ndense 3\nsoftmax\n";
    Net *net = net_create(text, "bn.net", 7, err, ERR_SIZE);
    CHECK(net != NULL);
    if (!net) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_INT_EQ(2 * 4 + 2 * 6, net->n_state);
    float x[4 * 50];
    int labels[4] = {0, 1, 2, 1};
    for (int i = 0; i < 4 * 50; i++)
        x[i] = (float)((i * 13) % 17) / 17.0f - 0.4f;
    NetActs *a = net_acts_create(net, 4);
    net_set_training(net, true);
    for (int step = 0; step < 3; step++)
        net_train_step(net, a, x, labels, 4);
    net_set_training(net, false);
    /* the statistics moved away from 0 and 1 */
    CHECK(net_running_mean(net, 1)[0] != 0.0f && net_running_var(net, 5)[5] != 1.0f);
    CHECK(model_save(net, path, err, ERR_SIZE));
    Net *back = model_load(path, err, ERR_SIZE);
    CHECK(back != NULL);
    if (back) {
        CHECK(!net_training(back));
        CHECK_INT_EQ(net->n_state, back->n_state);
        CHECK(memcmp(net->state, back->state, sizeof(float) * (size_t)net->n_state) == 0);
        NetActs *b = net_acts_create(back, 4);
        net_forward(net, a, x, 4);
        net_forward(back, b, x, 4);
        CHECK_TENSOR_NEAR(net_output(net, a, 0), net_output(back, b, 0), 12, 0.0, 0.0);
        net_acts_destroy(b);
        net_destroy(back);
    } else {
        fprintf(stderr, "%s\n", err);
    }
    unsigned char *buf = NULL;
    long n = read_all(path, &buf);
    CHECK_INT_EQ(MODEL_HEADER_SIZE + (long)strlen(text) + 4 * (net->n_params + net->n_state) + 4,
                 n);
    CHECK_INT_EQ(net->n_state, buf[24]);
    /* the last statistic is the second batchnorm's running variance 5 */
    float v = 0.0f;
    memcpy(&v, buf + n - 8, 4);
    CHECK(v == net_running_var(net, 5)[5]);
    /* a version 1 file cannot hold them */
    buf[8] = 1;
    fix_crcs(buf, n);
    write_all(bad, buf, n);
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    /* (as version 1, bytes 24..27 are reserved: the statistics are bytes too many) */
    CHECK_CONTAINS(err, "unexpected bytes after the end of the model");
    unsigned char *cut = malloc((size_t)n);
    long nc = n - 4 * net->n_state;
    memcpy(cut, buf, (size_t)(nc - 4));
    buf[24] = 0;
    memcpy(cut, buf, 32);
    fix_crcs(cut, nc);
    write_all(bad, cut, nc);
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.cnn: a version 1 model file holds no running statistics, but its net "
                        "text has batchnorm layers (20 statistics); save it again");
    /* version 2 with a count that does not match the net text */
    cut[8] = 2;
    fix_crcs(cut, nc);
    write_all(bad, cut, nc);
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.cnn: the net text needs 20 running statistics but the file holds 0");
    free(cut);
    free(buf);
    /* a negative running variance with good checksums */
    net_running_var(net, 1)[2] = -0.5f;
    CHECK(model_save(net, bad, err, ERR_SIZE));
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.cnn: running variance 2 of layer 1 (net text line 3: batchnorm "
                        "momentum=0.3) is -0.5; the model is damaged");
    net_running_mean(net, 5)[0] = NAN;
    net_running_var(net, 1)[2] = 1.0f;
    CHECK(model_save(net, bad, err, ERR_SIZE));
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "running mean 0 of layer 5");
    net_acts_destroy(a);
    net_destroy(net);
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

    /* a newer version, and version 0, with valid checksums, are refused by name */
    CHECK_INT_EQ(2, buf[8]);
    buf[8] = 3;
    fix_crcs(buf, n);
    write_all(bad, buf, n);
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.cnn: byte 8: model format version 3, but this program reads versions 1 to 2 "
                        "(written by a newer convscope?)");
    buf[8] = 0;
    fix_crcs(buf, n);
    write_all(bad, buf, n);
    CHECK(model_load(bad, err, ERR_SIZE) == NULL);
    CHECK_CONTAINS(err, "bad.cnn: byte 8: model format version 0, but this program reads versions 1 to 2");
    /* version 1 (before batchnorm: the same bytes, no running statistics) is still read */
    buf[8] = 1;
    fix_crcs(buf, n);
    write_all(bad, buf, n);
    Net *old = model_load(bad, err, ERR_SIZE);
    CHECK(old != NULL);
    if (old)
        CHECK(memcmp(net->params, old->params, sizeof(float) * (size_t)net->n_params) == 0);
    net_destroy(old);
    buf[8] = 2;
    fix_crcs(buf, n);

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
    test_running_stats(path, bad);
    unlink(path);
    unlink(bad);
    rmdir(dir);
    free(err);
    return test_summary();
}
