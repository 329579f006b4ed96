/* test_dump.c - `convscope dump` end to end through cmd_dump: the files it writes, their shapes
 * and values against the engine called directly, the manifest, an image input, a grouped conv
 * and batchnorm in both modes (PyTorch layouts, running statistics, the mode in the manifest),
 * and every usage mistake refused with a non-zero status, a message naming the file, and
 * nothing half-written. */
#include "cli/cli.h"
#include "engine/assets.h"
#include "engine/model.h"
#include "engine/net.h"
#include "engine/npy.h"
#include "test.h"

#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define ERR_SIZE 512
static char *err;

/* cmd_dump with the arguments up to the first NULL. */
static int run(const char *first, ...)
{
    const char *v[16] = {"dump"};
    int argc = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s && argc < 15; s = va_arg(ap, const char *))
        v[argc++] = s;
    va_end(ap);
    return cmd_dump(argc, (char **)v);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = calloc(1, 1 << 16);
    size_t n = fread(s, 1, (1 << 16) - 1, f);
    s[n] = '\0';
    fclose(f);
    return s;
}

static float *load(const char *dir, const char *name, long *shape, int *nd)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return npy_read(path, shape, nd, err, ERR_SIZE);
}

/* cmd_dump with argv (NULL-terminated); its stderr is captured into msg. */
static int run_msg(char *msg, size_t size, const char *const *argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    char path[] = "/tmp/convscope_dump_err_XXXXXX";
    int fd = mkstemp(path);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    int status = cmd_dump(argc, (char **)argv);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    ssize_t n = pread(fd, msg, size - 1, 0);
    msg[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(path);
    return status;
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Bad input on the command line: each mistake gives a message naming the file (and line or
 * byte), a non-zero status, and leaves nothing half-written (a regression: a write that
 * failed half-way used to leave truncated arrays behind). */
static void test_mistakes(void)
{
    char tmp[] = "/tmp/convscope_dumpbad_XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    char net[600], badnet[600], x[600], x5[600], trunc[600], cnn[600], out[600], msg[2048];
    char want[800];
    snprintf(net, sizeof net, "%s/ok.net", tmp);
    snprintf(badnet, sizeof badnet, "%s/bad.net", tmp);
    snprintf(x, sizeof x, "%s/x.npy", tmp);
    snprintf(x5, sizeof x5, "%s/x5.npy", tmp);
    snprintf(trunc, sizeof trunc, "%s/t.npy", tmp);
    snprintf(cnn, sizeof cnn, "%s/m.cnn", tmp);
    snprintf(out, sizeof out, "%s/out", tmp);
    FILE *f = fopen(net, "w");
    fprintf(f, "input 1 20 20\nconv 4 k=3\nflatten\ndense 3\nsoftmax\n");
    fclose(f);
    f = fopen(badnet, "w");
    fprintf(f, "input 1 20 20\n# fine so far\nconv 4 k=3 strid=2\n");
    fclose(f);
    float xv[20 * 20] = {0}; /* (1, 20, 20) */
    long s20[3] = {1, 20, 20}, s5[3] = {1, 5, 20};
    CHECK(npy_write(x, xv, s20, 3, err, ERR_SIZE));
    CHECK(npy_write(x5, xv, s5, 3, err, ERR_SIZE));
    CHECK(npy_write(trunc, xv, s20, 3, err, ERR_SIZE));
    CHECK(truncate(trunc, 128 + 400 * 4 - 6) == 0);

    const char *missing[] = {
        "dump", "--net", "/nonexistent/q.net", "--input", x, "--label", "0", "--out", out, NULL};
    CHECK_INT_EQ(1, run_msg(msg, sizeof msg, missing));
    CHECK_CONTAINS(msg, "/nonexistent/q.net: cannot open");
    /* folders where files belong: net, model, input (an .npy and a picture) */
    const char *dir_net[] = {"dump",    "--net", tmp,     "--input", x,
                             "--label", "0",     "--out", out,       NULL};
    CHECK_INT_EQ(1, run_msg(msg, sizeof msg, dir_net));
    snprintf(want, sizeof want, "%s: is a folder, not a file\n", tmp);
    CHECK_STR_EQ(want, msg);
    const char *dir_model[] = {"dump",    "--model", tmp,     "--input", x,
                               "--label", "0",       "--out", out,       NULL};
    CHECK_INT_EQ(1, run_msg(msg, sizeof msg, dir_model));
    CHECK_STR_EQ(want, msg);
    char dir_npy[700];
    snprintf(dir_npy, sizeof dir_npy, "%s/folder.npy", tmp);
    CHECK(mkdir(dir_npy, 0700) == 0);
    const char *dir_in[] = {"dump",    "--net", net,     "--input", dir_npy,
                            "--label", "0",     "--out", out,       NULL};
    CHECK_INT_EQ(1, run_msg(msg, sizeof msg, dir_in));
    snprintf(want, sizeof want, "%s: is a folder, not a file\n", dir_npy);
    CHECK_STR_EQ(want, msg);
    const char *dir_pic[] = {"dump",    "--net", net,     "--input", tmp,
                             "--label", "0",     "--out", out,       NULL};
    CHECK_INT_EQ(1, run_msg(msg, sizeof msg, dir_pic));
    snprintf(want, sizeof want, "%s: is a folder, not a file\n", tmp);
    CHECK_STR_EQ(want, msg);
    const char *bad_line[] = {"dump",    "--net", badnet,  "--input", x,
                              "--label", "0",     "--out", out,       NULL};
    CHECK_INT_EQ(1, run_msg(msg, sizeof msg, bad_line));
    snprintf(want, sizeof want, "%s:3: unknown key 'strid'", badnet);
    CHECK_CONTAINS(msg, want);
    const char *label[] = {"dump", "--net", net, "--input", x, "--label", "3", "--out", out, NULL};
    CHECK_INT_EQ(2, run_msg(msg, sizeof msg, label));
    CHECK_CONTAINS(msg, "--label 3: the net's last layer has 3 outputs");
    const char *shape[] = {"dump", "--net", net, "--input", x5, "--label", "0", "--out", out, NULL};
    CHECK_INT_EQ(1, run_msg(msg, sizeof msg, shape));
    snprintf(want, sizeof want, "%s: shape (1, 5, 20) does not match the net's input 1x20x20", x5);
    CHECK_CONTAINS(msg, want);
    const char *cut[] = {"dump",    "--net", net,     "--input", trunc,
                         "--label", "0",     "--out", out,       NULL};
    CHECK_INT_EQ(1, run_msg(msg, sizeof msg, cut));
    snprintf(want, sizeof want, "%s: byte %d: truncated", trunc, 128 + 400 * 4 - 6);
    CHECK_CONTAINS(msg, want);
    /* a damaged model: one flipped byte in the weights */
    Net *m =
        net_create("input 1 20 20\nconv 4 k=3\nflatten\ndense 3\nsoftmax\n", "m", 1, err, ERR_SIZE);
    CHECK(m && model_save(m, cnn, err, ERR_SIZE));
    net_destroy(m);
    f = fopen(cnn, "r+b");
    fseek(f, 100, SEEK_SET);
    int c = fgetc(f);
    fseek(f, 100, SEEK_SET);
    fputc(c ^ 0x10, f);
    fclose(f);
    const char *damaged[] = {"dump",    "--model", cnn,     "--input", x,
                             "--label", "0",       "--out", out,       NULL};
    CHECK_INT_EQ(1, run_msg(msg, sizeof msg, damaged));
    snprintf(want, sizeof want, "%s: byte ", cnn);
    CHECK_CONTAINS(msg, want);
    snprintf(want, sizeof want, ": checksum mismatch");
    CHECK_CONTAINS(msg, want);
    /* none of these created the output folder */
    CHECK(!exists(out));
    /* an output under a file */
    char under[700];
    snprintf(under, sizeof under, "%s/sub", x);
    const char *unwritable[] = {"dump",    "--net", net,     "--input", x,
                                "--label", "0",     "--out", under,     NULL};
    CHECK_INT_EQ(1, run_msg(msg, sizeof msg, unwritable));
    snprintf(want, sizeof want, "%s: cannot create directory: Not a directory", under);
    CHECK_CONTAINS(msg, want);

    /* a write that fails half-way (file-size limit of 4 KiB: L00.out.npy needs 5.3 KiB) */
    struct rlimit old_lim, lim = {4096, 4096};
    getrlimit(RLIMIT_FSIZE, &old_lim);
    lim.rlim_max = old_lim.rlim_max;
    void (*old_sig)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    const char *good[] = {"dump", "--net", net, "--input", x, "--label", "0", "--out", out, NULL};
    int status = run_msg(msg, sizeof msg, good);
    setrlimit(RLIMIT_FSIZE, &old_lim);
    signal(SIGXFSZ, old_sig);
    CHECK_INT_EQ(1, status);
    snprintf(want, sizeof want, "%s/L00.out.npy: write error", out);
    CHECK_CONTAINS(msg, want);
    CHECK(!exists(out));
    /* into a folder holding an earlier dump: the earlier files stay whole, nothing is added */
    CHECK_INT_EQ(0, run_msg(msg, sizeof msg, good));
    snprintf(want, sizeof want, "%s/manifest.json", out);
    char *before = slurp(want);
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    old_sig = signal(SIGXFSZ, SIG_IGN);
    const char *again[] = {"dump", "--net", net, "--input", x, "--label", "1", "--out", out, NULL};
    status = run_msg(msg, sizeof msg, again);
    setrlimit(RLIMIT_FSIZE, &old_lim);
    signal(SIGXFSZ, old_sig);
    CHECK_INT_EQ(1, status);
    char *after = slurp(want);
    CHECK(before && after && strcmp(before, after) == 0);
    free(before);
    free(after);
    long sh[4];
    int nd = 0;
    float *v = load(out, "L00.out.npy", sh, &nd);
    CHECK(v && nd == 3 && sh[0] == 4 && sh[1] == 18);
    free(v);
    /* no staging folder is left behind */
    char cmd[800];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s' | grep -v '\\.npy$' | grep -v manifest)\"",
             out);
    CHECK_INT_EQ(0, system(cmd));
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    CHECK_INT_EQ(0, system(cmd));
}

/* A NaN or inf in an .npy input is refused, naming the element and its (c, y, x) index (a
 * regression: it ran through max-pool and ReLU, which hid it, and dump exited 0 with a finite
 * loss where PyTorch gives NaN). Nothing is written. */
static void test_nonfinite_input(void)
{
    char tmp[] = "/tmp/convscope_dumpnan_XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    char net[600], x[600], out[600], msg[2048], want[800];
    snprintf(net, sizeof net, "%s/ok.net", tmp);
    snprintf(x, sizeof x, "%s/x.npy", tmp);
    snprintf(out, sizeof out, "%s/out", tmp);
    FILE *f = fopen(net, "w");
    fprintf(f, "input 2 4 5\nconv 2 k=3\nmaxpool k=2\nrelu\nflatten\ndense 3\nsoftmax\n");
    fclose(f);
    float xv[2 * 4 * 5] = {0}; /* (2, 4, 5) */
    long sh[3] = {2, 4, 5};
    const char *argv[] = {"dump", "--net", net, "--input", x, "--label", "1", "--out", out, NULL};
    /* element 33 = channel 1, row (33 - 20) / 5 = 2, column 3 */
    const struct {
        float v;
        const char *name;
    } bad[] = {{NAN, "NaN"}, {INFINITY, "inf"}, {-INFINITY, "-inf"}};
    for (int k = 0; k < 3; k++) {
        xv[33] = bad[k].v;
        CHECK(npy_write(x, xv, sh, 3, err, ERR_SIZE));
        CHECK_INT_EQ(1, run_msg(msg, sizeof msg, argv));
        snprintf(want, sizeof want, "%s: element 33 (index 1,2,3) is %s;", x, bad[k].name);
        CHECK_CONTAINS(msg, want);
        CHECK(!exists(out));
    }
    /* the same array finite goes through */
    xv[33] = 0.5f;
    CHECK(npy_write(x, xv, sh, 3, err, ERR_SIZE));
    CHECK_INT_EQ(0, run_msg(msg, sizeof msg, argv));
    char cmd[800];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    CHECK_INT_EQ(0, system(cmd));
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* A grouped conv and batchnorm: eval (the default) and train mode, from a net and from a model
 * with running statistics of its own. */
static void test_groups_batchnorm(void)
{
    char tmp[] = "/tmp/convscope_dump_bn_XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    char net_path[600], flat_path[600], x_path[600], model[600], out[600], msg[1024];
    snprintf(net_path, sizeof net_path, "%s/bn.net", tmp);
    snprintf(flat_path, sizeof flat_path, "%s/flat.net", tmp);
    snprintf(x_path, sizeof x_path, "%s/x.npy", tmp);
    snprintf(model, sizeof model, "%s/bn.cnn", tmp);
    snprintf(out, sizeof out, "%s/out", tmp);
    const char *text = "input 2 6 6\nconv 4 k=3 groups=2\nbatchnorm momentum=0.5\nrelu\n"
                       "flatten\ndense 3\nsoftmax\n";
    write_text(net_path, text);
    write_text(flat_path, "input 2 6 6\nconv 4 k=3 groups=2\nbatchnorm\nrelu\nflatten\n"
                          "dense 3\nbatchnorm\nsoftmax\n");
    float x[72];
    for (int i = 0; i < 72; i++)
        x[i] = (float)((i * 29) % 31) / 31.0f - 0.3f;
    long xs[3] = {2, 6, 6};
    CHECK(npy_write(x_path, x, xs, 3, err, ERR_SIZE));
    long shape[NPY_MAX_DIMS];
    int nd = 0, label = 1;

    for (int mode = 0; mode < 2; mode++) {
        const bool train = mode == 1;
        const char *argv[] = {"dump",  "--net",   net_path, "--seed", "3", "--input",
                              x_path,  "--label", "1",      "--out",  out, train ? "--mode" : NULL,
                              "train", NULL};
        CHECK_INT_EQ(0, run_msg(msg, sizeof msg, argv));
        Net *net = net_load(net_path, 3, err, ERR_SIZE);
        NetActs *a = net_acts_create(net, 1);
        net_set_training(net, train);
        net_train_step(net, a, x, &label, 1);
        float *v = load(out, "L00.W.npy", shape, &nd);
        /* the grouped kernel in PyTorch's layout (O, C/G, KH, KW) */
        CHECK(v && nd == 4 && shape[0] == 4 && shape[1] == 1 && shape[2] == 3 && shape[3] == 3);
        if (v)
            CHECK_TENSOR_NEAR(net_weights(net, 0), v, 36, 0.0, 0.0);
        free(v);
        v = load(out, "L01.out.npy", shape, &nd);
        CHECK(v && nd == 3 && shape[0] == 4 && shape[1] == 4);
        if (v)
            CHECK_TENSOR_NEAR(a->out[1], v, 64, 0.0, 0.0);
        free(v);
        static const char *const names[] = {
            "L01.W.npy",          "L01.b.npy", "L01.dW.npy", "L01.db.npy", "L01.running_mean.npy",
            "L01.running_var.npy"};
        const float *want[] = {net_weights(net, 1),      net_bias(net, 1),
                               net_dweights(net, 1),     net_dbias(net, 1),
                               net_running_mean(net, 1), net_running_var(net, 1)};
        for (int k = 0; k < 6; k++) {
            v = load(out, names[k], shape, &nd);
            CHECK(v && nd == 1 && shape[0] == 4);
            if (v)
                CHECK_TENSOR_NEAR(want[k], v, 4, 0.0, 0.0);
            free(v);
        }
        /* train: the running mean moved halfway (momentum 0.5) to the example's channel mean */
        v = load(out, "L01.running_mean.npy", shape, &nd);
        if (v) {
            double mean0 = 0.0;
            for (int i = 0; i < 16; i++)
                mean0 += a->out[0][i] / 16.0;
            CHECK_NEAR(train ? 0.5 * mean0 : 0.0, v[0], 1e-6);
        }
        free(v);
        char path[700];
        snprintf(path, sizeof path, "%s/manifest.json", out);
        char *m = slurp(path);
        CHECK(m != NULL);
        if (m) {
            CHECK_CONTAINS(m, train ? "\"mode\": \"train\"" : "\"mode\": \"eval\"");
            CHECK_CONTAINS(m, "\"groups\": 2");
            CHECK_CONTAINS(m, "\"param_shapes\": {\"W\": [4, 1, 3, 3], \"b\": [4]}");
            CHECK_CONTAINS(m, "\"kind\": \"batchnorm\"");
            CHECK_CONTAINS(m, "\"num_features\": 4, \"eps\": 9.99999975e-06, \"momentum\": 0.5");
            CHECK_CONTAINS(m, "\"param_shapes\": {\"W\": [4], \"b\": [4]}");
            CHECK_CONTAINS(m, "\"running_mean\": \"L01.running_mean.npy\"");
            CHECK_CONTAINS(m, "\"param_formula\": \"4 + 4 = 8\"");
        }
        free(m);
        net_acts_destroy(a);
        net_destroy(net);
    }

    /* a model with running statistics of its own: eval mode normalises with them */
    Net *net = net_load(net_path, 5, err, ERR_SIZE);
    for (int c = 0; c < 4; c++) {
        net_running_mean(net, 1)[c] = 0.2f * (float)c;
        net_running_var(net, 1)[c] = 0.5f + (float)c;
        net_weights(net, 1)[c] = 1.5f;
        net_bias(net, 1)[c] = -0.25f;
    }
    CHECK(model_save(net, model, err, ERR_SIZE));
    const char *argv_m[] = {"dump", "--model", model, "--input", x_path, "--label",
                            "0",    "--out",   out,   "--mode",  "eval", NULL};
    CHECK_INT_EQ(0, run_msg(msg, sizeof msg, argv_m));
    float *v = load(out, "L01.running_var.npy", shape, &nd);
    CHECK(v && v[3] == 3.5f);
    free(v);
    NetActs *a = net_acts_create(net, 1);
    net_forward(net, a, x, 1);
    v = load(out, "L01.out.npy", shape, &nd);
    if (v) {
        /* 1.5 (z - 0.6) / sqrt(3.5 + 1e-5) - 0.25 in channel 3 */
        CHECK_NEAR(1.5 * (a->out[0][3 * 16 + 5] - 0.6) / sqrt(3.5 + 1e-5) - 0.25, v[3 * 16 + 5],
                   1e-5);
        CHECK_TENSOR_NEAR(a->out[1], v, 64, 0.0, 0.0);
    }
    free(v);
    net_acts_destroy(a);
    net_destroy(net);

    /* train mode with a flat batchnorm on one example: refused, as PyTorch refuses it */
    const char *argv_f[] = {"dump", "--net", flat_path, "--input", x_path,  "--label",
                            "0",    "--out", out,       "--mode",  "train", NULL};
    CHECK_INT_EQ(2, run_msg(msg, sizeof msg, argv_f));
    CHECK_CONTAINS(msg, "--mode train: layer L05 (line 7: batchnorm) would normalise one value per "
                        "channel (input 3, one example)");
    CHECK_CONTAINS(msg, "use --mode eval");
    argv_f[10] = "eval";
    CHECK_INT_EQ(0, run_msg(msg, sizeof msg, argv_f));
    argv_f[10] = "training";
    CHECK_INT_EQ(2, run_msg(msg, sizeof msg, argv_f));
    CHECK_CONTAINS(msg, "--mode training: expected eval or train");

    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    CHECK_INT_EQ(0, system(cmd));
}

int main(void)
{
    err = calloc(ERR_SIZE, 1);
    test_mistakes();
    test_nonfinite_input();
    test_groups_batchnorm();
    char tmp[] = "/tmp/convscope_dump_XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    char net_path[1024], x_path[600], out[600], pgm[600], sub[600], text_net[600];
    CHECK(assets_path(net_path, sizeof net_path, "assets/nets/lenet-tiny.net"));
    snprintf(x_path, sizeof x_path, "%s/x.npy", tmp);
    snprintf(out, sizeof out, "%s/a/b/c", tmp); /* created with its parents */
    snprintf(pgm, sizeof pgm, "%s/d.pgm", tmp);
    snprintf(sub, sizeof sub, "%s/img", tmp);
    snprintf(text_net, sizeof text_net, "%s/bad.net", tmp);

    float x[28 * 28];
    for (int i = 0; i < 28 * 28; i++)
        x[i] = (float)((i * 37) % 101) / 101.0f;
    long xs[3] = {1, 28, 28};
    CHECK(npy_write(x_path, x, xs, 3, err, ERR_SIZE));

    CHECK_INT_EQ(0, run("--net", net_path, "--seed", "7", "--input", x_path, "--label", "3",
                        "--out", out, NULL));
    /* the engine called directly gives the very same numbers */
    Net *net = net_load(net_path, 7, err, ERR_SIZE);
    NetActs *a = net_acts_create(net, 1);
    int label = 3;
    float loss = net_train_step(net, a, x, &label, 1);
    long shape[NPY_MAX_DIMS];
    int nd = 0;
    float *v = load(out, "L00.out.npy", shape, &nd);
    CHECK(v && nd == 3 && shape[0] == 8 && shape[1] == 28 && shape[2] == 28);
    if (v)
        CHECK_TENSOR_NEAR(a->out[0], v, 8 * 28 * 28, 0.0, 0.0);
    free(v);
    v = load(out, "L06.grad.npy", shape, &nd);
    CHECK(v && nd == 1 && shape[0] == 400);
    if (v)
        CHECK_TENSOR_NEAR(a->grad[6], v, 400, 0.0, 0.0);
    free(v);
    v = load(out, "L03.W.npy", shape, &nd);
    CHECK(v && nd == 4 && shape[0] == 16 && shape[1] == 8 && shape[2] == 5 && shape[3] == 5);
    if (v)
        CHECK_TENSOR_NEAR(net_weights(net, 3), v, 3200, 0.0, 0.0);
    free(v);
    v = load(out, "L07.dW.npy", shape, &nd);
    CHECK(v && nd == 2 && shape[0] == 10 && shape[1] == 400);
    if (v)
        CHECK_TENSOR_NEAR(net_dweights(net, 7), v, 4000, 0.0, 0.0);
    free(v);
    v = load(out, "L07.db.npy", shape, &nd);
    CHECK(v && nd == 1 && shape[0] == 10);
    if (v)
        CHECK_TENSOR_NEAR(net_dbias(net, 7), v, 10, 0.0, 0.0);
    free(v);
    v = load(out, "input.grad.npy", shape, &nd);
    CHECK(v && nd == 3);
    if (v)
        CHECK_TENSOR_NEAR(a->dx, v, 784, 0.0, 0.0);
    free(v);
    /* layers without parameters have no W file */
    v = load(out, "L01.W.npy", shape, &nd);
    CHECK(v == NULL);
    char path[700];
    snprintf(path, sizeof path, "%s/manifest.json", out);
    char *m = slurp(path);
    CHECK(m != NULL);
    if (m) {
        char want[128];
        snprintf(want, sizeof want, "\"value\": %.9g", (double)loss);
        CHECK_CONTAINS(m, want);
        CHECK_CONTAINS(m, "\"label\": 3");
        CHECK_CONTAINS(m, "\"kind\": \"cross_entropy\"");
        CHECK_CONTAINS(m, "\"name\": \"L00\", \"kind\": \"conv\"");
        CHECK_CONTAINS(m, "\"output_shape\": [8, 28, 28]");
        CHECK_CONTAINS(m, "\"params\": [\"W\", \"b\"], \"param_shapes\": {\"W\": [8, 1, 5, 5], "
                          "\"b\": [8]}");
        CHECK_CONTAINS(m, "\"param_formula\": \"8x1x5x5 + 8 = 208\"");
        CHECK_CONTAINS(m, "\"name\": \"L08\", \"kind\": \"softmax\"");
        CHECK_CONTAINS(m, "\"seed\": 7");
    }
    free(m);
    net_acts_destroy(a);
    net_destroy(net);

    /* an image file as input (a 4x4 PGM becomes the 28x28 MNIST-like input) */
    FILE *f = fopen(pgm, "wb");
    fprintf(f, "P2\n4 4\n255\n0 0 0 0\n0 255 255 0\n0 255 255 0\n0 0 0 0\n");
    fclose(f);
    CHECK_INT_EQ(0, run("--net", net_path, "--input", pgm, "--label", "0", "--out", sub, NULL));
    v = load(sub, "input.npy", shape, &nd);
    CHECK(v && nd == 3 && shape[0] == 1 && shape[1] == 28);
    free(v);

    /* mistakes: non-zero status, nothing half-done */
    CHECK_INT_EQ(2, run("--net", net_path, "--input", x_path, "--label", "10", "--out", sub, NULL));
    CHECK_INT_EQ(2, run("--net", net_path, "--input", x_path, "--out", sub, NULL));
    CHECK_INT_EQ(2, run("--net", net_path, "--model", "m.cnn", "--input", x_path, "--label", "1",
                        "--out", sub, NULL));
    CHECK_INT_EQ(2, run("--input", x_path, "--label", "1", "--out", sub, NULL));
    CHECK_INT_EQ(2, run("--net", net_path, "--input", x_path, "--label", "x", "--out", sub, NULL));
    CHECK_INT_EQ(2, run("--net", net_path, "--input", x_path, "--label", "1", "--out", sub,
                        "--bogus", NULL));
    CHECK_INT_EQ(2, run("--net", net_path, "--input", x_path, "--label", "1", "--out", NULL));
    CHECK_INT_EQ(
        1, run("--net", "/nonexistent.net", "--input", x_path, "--label", "1", "--out", sub, NULL));
    CHECK_INT_EQ(1, run("--model", "/nonexistent.cnn", "--input", x_path, "--label", "1", "--out",
                        sub, NULL));
    f = fopen(text_net, "w");
    fprintf(f, "input 1 28 28\nconv 4 k=30\n");
    fclose(f);
    CHECK_INT_EQ(1, run("--net", text_net, "--input", x_path, "--label", "1", "--out", sub, NULL));
    /* an input of the wrong shape */
    f = fopen(text_net, "w");
    fprintf(f, "input 3 28 28\nflatten\ndense 2\n");
    fclose(f);
    CHECK_INT_EQ(1, run("--net", text_net, "--input", x_path, "--label", "1", "--out", sub, NULL));
    /* an output path under a file */
    snprintf(path, sizeof path, "%s/x.npy/sub", tmp);
    CHECK_INT_EQ(1, run("--net", net_path, "--input", x_path, "--label", "1", "--out", path, NULL));

    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    CHECK_INT_EQ(0, system(cmd));
    free(err);
    return test_summary();
}
