/* test_export.c - `convscope export` through cmd_export_run: the three files of a net with every
 * layer kind (each module line and its comment as written here by hand, weights.npz byte-equal
 * to an archive of the hand-shaped arrays), Python that parses whatever the paths and the net
 * text hold, every kind having a PyTorch form, and the refusals: usage mistakes, missing or
 * damaged models, a non-empty or non-folder DIR, --force, and a write failing half-way, each
 * with a message naming the file and nothing half-written left behind.
 * export_pytorch (engine/export.h) straight from a Net, as the Network lab calls it: the name
 * it is given in the files, its "PATH: what" refusals.
 * PyTorch running the files is tests/torch/check_export.py. */
#include "test.h"

#include "cli/cli.h"
#include "cmd_capture.h"
#include "engine/export.h"
#include "engine/model.h"
#include "engine/net.h"
#include "engine/npz.h"

#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define ERR_SIZE 512
static char tmp[] = "/tmp/convscope_export_XXXXXX";
static char err[ERR_SIZE];

/* Every layer kind, with output shapes worked out by hand in the comments. */
static const char every_kind[] =
    "input 1 8 8\n"
    "conv 2 k=3 pad=1                                   # 2x8x8\n"
    "conv 2 k=2,3 stride=1,2 pad=1,0,2,1 dilation=2,1 groups=2  # pads to 2x9x11 -> 2x7x5\n"
    "batchnorm                        # 2x7x5\n"
    "leaky alpha=0.1\n"
    "deconv 2 k=2 stride=2 outpad=1 groups=2   # (7-1)*2 + 1 + 1 + 1 = 15, (5-1)*2 + 3 = 11\n"
    "deconv 1 k=3 pad=1,0,0,2         # 1x17x13 uncropped -> 1x16x11\n"
    "maxpool k=2 stride=1             # 1x15x10\n"
    "avgpool k=2                      # 1x7x5\n"
    "l2pool k=2,1 stride=1            # 1x6x5\n"
    "relu\nsigmoid\ntanh\nabs\n"
    "softplus beta=0.5\n"
    "lrn size=3 alpha=0.001 beta=0.75 k=1.5\n"
    "flatten                          # 30\n"
    "dense 4\n"
    "batchnorm eps=0.001 momentum=0.25   # flat: 4\n"
    "softmax\n";

/* model.py's module lines for every_kind: code, then the comment (beside it or above it). */
static const char *const every_kind_lines[][2] = {
    {"self.L00 = nn.Conv2d(1, 2, kernel_size=3, padding=1)", "conv 2 k=3 pad=1 -> (N, 2, 8, 8)"},
    {"self.L01pad = nn.ZeroPad2d((2, 1, 1, 0))", "-> (N, 2, 9, 11)"},
    {"self.L01 = nn.Conv2d(2, 2, kernel_size=(2, 3), stride=(1, 2), dilation=(2, 1), groups=2)",
     "conv 2 k=2,3 stride=1,2 pad=1,0,2,1 dilation=2,1 groups=2 -> (N, 2, 7, 5)"},
    {"self.L02 = nn.BatchNorm2d(2, eps=1e-05, momentum=0.1)", "batchnorm -> (N, 2, 7, 5)"},
    {"self.L03 = nn.LeakyReLU(negative_slope=0.1)", "leaky alpha=0.1 -> (N, 2, 7, 5)"},
    {"self.L04 = nn.ConvTranspose2d(2, 2, kernel_size=2, stride=2, output_padding=1, groups=2)",
     "deconv 2 k=2 stride=2 outpad=1 groups=2 -> (N, 2, 15, 11)"},
    {"self.L05 = nn.ConvTranspose2d(2, 1, kernel_size=3)",
     "deconv 1 k=3 pad=1,0,0,2, before the crop -> (N, 1, 17, 13)"},
    {"self.L05crop = nn.ZeroPad2d((0, -2, -1, 0))", "-> (N, 1, 16, 11)"},
    {"self.L06 = nn.MaxPool2d(kernel_size=2, stride=1)", "maxpool k=2 stride=1 -> (N, 1, 15, 10)"},
    {"self.L07 = nn.AvgPool2d(kernel_size=2)", "avgpool k=2 -> (N, 1, 7, 5)"},
    {"self.L08 = nn.LPPool2d(2, kernel_size=(2, 1), stride=1)",
     "l2pool k=2,1 stride=1 -> (N, 1, 6, 5)"},
    {"self.L09 = nn.ReLU()", "relu -> (N, 1, 6, 5)"},
    {"self.L10 = nn.Sigmoid()", "sigmoid -> (N, 1, 6, 5)"},
    {"self.L11 = nn.Tanh()", "tanh -> (N, 1, 6, 5)"},
    {"self.L12 = Abs()", "abs -> (N, 1, 6, 5)"},
    {"self.L13 = nn.Softplus(beta=0.5)", "softplus beta=0.5 -> (N, 1, 6, 5)"},
    {"self.L14 = nn.LocalResponseNorm(3, alpha=0.001, beta=0.75, k=1.5)",
     "lrn size=3 alpha=0.001 beta=0.75 k=1.5 -> (N, 1, 6, 5)"},
    {"self.L15 = nn.Flatten()", "flatten -> (N, 30)"},
    {"self.L16 = nn.Linear(30, 4)", "dense 4 -> (N, 4)"},
    {"self.L17 = nn.BatchNorm1d(4, eps=0.001, momentum=0.25)",
     "batchnorm eps=0.001 momentum=0.25 -> (N, 4)"},
    {"self.L18 = nn.Softmax(dim=1)", "softmax -> (N, 4)"},
};

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static char *slurp(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    if (size)
        *size = (long)got;
    return s;
}

/* The names in dir, sorted and joined by spaces (hidden ones too). */
static void list_dir(const char *dir, char *buf, size_t size)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        const char *s = names[i]->d_name;
        if (strcmp(s, ".") != 0 && strcmp(s, "..") != 0) {
            size_t len = strlen(buf);
            snprintf(buf + len, size - len, "%s%s", len ? " " : "", s);
        }
        free(names[i]);
    }
    free(names);
}

/* A model of text with parameters 0.5*sin(i) saved at path; NULL on failure. */
static Net *save_model(const char *text, const char *path)
{
    Net *net = net_create(text, "test.net", 1, err, ERR_SIZE);
    CHECK(net != NULL);
    if (!net)
        return NULL;
    for (long i = 0; i < net->n_params; i++)
        net->params[i] = 0.5f * sinf((float)i);
    for (long i = 0; i < net->spec.n_state; i++) /* running means and variances (> 0) */
        net->state[i] = 0.75f + 0.5f * cosf((float)i);
    CHECK(model_save(net, path, err, ERR_SIZE));
    return net;
}

/* The line of text that contains needle, without its leading spaces ("" when absent). */
static const char *line_with(const char *text, const char *needle, char *buf, size_t size)
{
    const char *p = strstr(text, needle);
    buf[0] = '\0';
    if (!p)
        return buf;
    const char *start = p;
    while (start > text && start[-1] != '\n')
        start--;
    while (*start == ' ')
        start++;
    size_t n = strcspn(start, "\n");
    snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), start);
    return buf;
}

/* py holds the line `        CODE  # NOTE`, or `        # NOTE` and then `        CODE`. */
static bool module_commented(const char *py, const char *code, const char *note)
{
    char want[800];
    snprintf(want, sizeof want, "        # %s\n        %s\n", note, code);
    if (strstr(py, want))
        return true;
    snprintf(want, sizeof want, "        %s", code);
    const char *p = strstr(py, want);
    if (!p)
        return false;
    for (p += strlen(want); *p == ' ';)
        p++;
    snprintf(want, sizeof want, "# %s\n", note);
    return strncmp(p, want, strlen(want)) == 0;
}

static void test_every_kind(void)
{
    char cnn[600], out[600], path[700], line[400], want[4400];
    snprintf(cnn, sizeof cnn, "%s/every.cnn", tmp);
    snprintf(out, sizeof out, "%s/every", tmp);
    Net *net = save_model(every_kind, cnn);
    if (!net)
        return;
    Captured *c = capture_run(cmd_export_run, "export", "--model", cnn, "--out", out, NULL);
    CHECK_INT_EQ(0, c->status);
    CHECK_STR_EQ("", c->err);
    snprintf(want, sizeof want, "%s: 19 layers, %ld parameters; wrote %s/model.py", cnn,
             net->n_params, out);
    CHECK_CONTAINS(c->out, want);
    /* exactly the three files, and no staging folder beside them */
    list_dir(out, line, sizeof line);
    CHECK_STR_EQ("check.py model.py weights.npz", line);
    list_dir(tmp, line, sizeof line);
    CHECK_STR_EQ("every every.cnn", line);

    snprintf(path, sizeof path, "%s/model.py", out);
    char *py = slurp(path, NULL);
    CHECK(py != NULL);
    if (!py)
        py = calloc(1, 1);
    /* each module: its code, and the comment beside it or on the line above */
    for (size_t i = 0; i < sizeof every_kind_lines / sizeof every_kind_lines[0]; i++) {
        const char *code = every_kind_lines[i][0], *note = every_kind_lines[i][1];
        line_with(py, code, line, sizeof line);
        CHECK_CONTAINS(line, code);
        CHECK(module_commented(py, code, note));
        if (!module_commented(py, code, note))
            fprintf(stderr, "  module %s: no comment '%s' beside it or above it\n", code, note);
    }
    /* the modules in the net's order */
    const char *prev = py;
    for (size_t i = 0; i < sizeof every_kind_lines / sizeof every_kind_lines[0]; i++) {
        const char *at = strstr(py, every_kind_lines[i][0]);
        CHECK(at && at > prev);
        prev = at ? at : prev;
    }
    CHECK_CONTAINS(py, "class Abs(nn.Module):");
    CHECK_CONTAINS(py, "INPUT_SHAPE = (1, 8, 8)");
    CHECK_CONTAINS(py, "OUTPUTS = 4");
    CHECK_CONTAINS(py, "#     deconv 1 k=3 pad=1,0,0,2         # 1x17x13 uncropped -> 1x16x11\n");
    CHECK_CONTAINS(py, "cross-entropy");
    free(py);

    /* weights.npz: byte-equal to the archive of the arrays shaped here by hand */
    const long shapes[][6] = {
        /* layer, its bias's length, then the weight's shape (PyTorch layouts; 0 ends): conv
         * (O, C/G, KH, KW), deconv (C, O/G, KH, KW), dense (O, I), batchnorm (C) with its
         * running statistics */
        {0, 2, 2, 1, 3, 3}, {1, 2, 2, 1, 2, 3},   {2, 2, 2, 0, 0, 0},  {4, 2, 2, 1, 2, 2},
        {5, 1, 2, 1, 3, 3}, {16, 4, 4, 30, 0, 0}, {17, 4, 4, 0, 0, 0},
    };
    snprintf(path, sizeof path, "%s/expected.npz", tmp);
    NpzWriter *z = npz_create(path, err, ERR_SIZE);
    bool ok = z != NULL;
    for (size_t k = 0; ok && k < sizeof shapes / sizeof shapes[0]; k++) {
        int i = (int)shapes[k][0], nd = shapes[k][5] ? 4 : shapes[k][3] ? 2 : 1;
        char name[40];
        snprintf(name, sizeof name, "L%02d.weight", i);
        ok = npz_add(z, name, net_weights(net, i), shapes[k] + 2, nd, err, ERR_SIZE);
        snprintf(name, sizeof name, "L%02d.bias", i);
        ok = ok && npz_add(z, name, net_bias(net, i), shapes[k] + 1, 1, err, ERR_SIZE);
        if (net->spec.layers[i].kind != LAYER_BATCHNORM)
            continue;
        const float zero = 0.0f;
        CHECK(net_running_mean(net, i)[0] != 0.0f && net_running_var(net, i)[0] != 1.0f);
        snprintf(name, sizeof name, "L%02d.running_mean", i);
        ok = ok && npz_add(z, name, net_running_mean(net, i), shapes[k] + 1, 1, err, ERR_SIZE);
        snprintf(name, sizeof name, "L%02d.running_var", i);
        ok = ok && npz_add(z, name, net_running_var(net, i), shapes[k] + 1, 1, err, ERR_SIZE);
        snprintf(name, sizeof name, "L%02d.num_batches_tracked", i);
        ok = ok && npz_add(z, name, &zero, shapes[k], 0, err, ERR_SIZE);
    }
    CHECK(ok && npz_close(z, err, ERR_SIZE));
    long n_want = 0, n_got = 0;
    char *want_npz = slurp(path, &n_want);
    snprintf(path, sizeof path, "%s/weights.npz", out);
    char *got_npz = slurp(path, &n_got);
    CHECK(want_npz && got_npz && n_want == n_got && memcmp(want_npz, got_npz, (size_t)n_got) == 0);
    free(want_npz);
    free(got_npz);
    snprintf(path, sizeof path, "%s/expected.npz", tmp);
    remove(path);

    /* check.py names the model as given and this checkout's digits, by an absolute path */
    snprintf(path, sizeof path, "%s/check.py", out);
    char *ck = slurp(path, NULL);
    snprintf(want, sizeof want, "MODEL = \"%s\"", cnn);
    CHECK_CONTAINS(ck, want);
    snprintf(want, sizeof want, "DEFAULT_DATA = \"%s/assets/digits\"", CONVSCOPE_SOURCE_ROOT);
    char real[4096];
    if (realpath(CONVSCOPE_SOURCE_ROOT "/assets/digits", real))
        snprintf(want, sizeof want, "DEFAULT_DATA = \"%s\"", real);
    CHECK_CONTAINS(ck, want);
    CHECK_CONTAINS(ck, "def predict_class(y):");
    free(ck);
    net_destroy(net);

    /* an existing empty folder is fine too: the new one takes its place */
    snprintf(out, sizeof out, "%s/empty", tmp);
    CHECK(mkdir(out, 0777) == 0);
    c = capture_run(cmd_export_run, "export", "--out", out, "--model", cnn, NULL);
    CHECK_INT_EQ(0, c->status);
    list_dir(out, line, sizeof line);
    CHECK_STR_EQ("check.py model.py weights.npz", line);
    /* "." and a link to an empty folder cannot be renamed onto: they are filled */
    char cwd[4096], link[700];
    snprintf(out, sizeof out, "%s/dot", tmp);
    snprintf(link, sizeof link, "%s/link", tmp);
    CHECK(mkdir(out, 0777) == 0 && symlink("dot", link) == 0);
    CHECK(getcwd(cwd, sizeof cwd) && chdir(out) == 0);
    c = capture_run(cmd_export_run, "export", "--out", ".", "--model", cnn, NULL);
    CHECK(chdir(cwd) == 0);
    CHECK_INT_EQ(0, c->status);
    list_dir(out, line, sizeof line);
    CHECK_STR_EQ("check.py model.py weights.npz", line);
    snprintf(path, sizeof path, "rm -f '%s'/*", out);
    CHECK(system(path) == 0);
    c = capture_run(cmd_export_run, "export", "--out", link, "--model", cnn, NULL);
    CHECK_INT_EQ(0, c->status);
    struct stat ls;
    CHECK(lstat(link, &ls) == 0 && S_ISLNK(ls.st_mode));
    list_dir(out, line, sizeof line);
    CHECK_STR_EQ("check.py model.py weights.npz", line);
    /* and missing parents are made */
    snprintf(out, sizeof out, "%s/a/b/c/", tmp);
    c = capture_run(cmd_export_run, "export", "--out", out, "--model", cnn, NULL);
    CHECK_INT_EQ(0, c->status);
    snprintf(path, sizeof path, "%s/a/b/c/model.py", tmp);
    CHECK(exists(path));
}

/* Every layer kind the engine knows has its PyTorch form (a new kind fails here until its
 * entry is added to kind_exports in src/engine/export.c). */
static void test_kinds_covered(void)
{
    for (int k = 0; k < LAYER_KIND_COUNT; k++) {
        CHECK(cmd_export_supports(k));
        if (!cmd_export_supports(k))
            fprintf(stderr, "  layer kind '%s' has no entry in engine/export.c's kind_exports\n",
                    layer_kind_name((LayerKind)k));
    }
    CHECK(!cmd_export_supports(LAYER_KIND_COUNT));
    CHECK(!cmd_export_supports(-1));
}

/* A model path and a net text Python could choke on (quotes, backslashes, bytes that are not
 * UTF-8, a carriage return in a comment): both files still parse, and check.py's MODEL is the
 * path's very bytes. Needs /usr/bin/python3 (only the standard library). */
static void test_awkward_text(void)
{
    char cnn[600], out[600], cmd[2400], want[1300];
    snprintf(cnn, sizeof cnn, "%s/we\"ird\\ \xc3\xa9\xff.cnn", tmp);
    snprintf(out, sizeof out, "%s/weird", tmp);
    Net *net = save_model("input 1 4 4   # caf\xc3\xa9 \xff\xfe\r still a comment \"\"\"\n"
                          "flatten\ndense 2   # \x01\x7f\n",
                          cnn);
    if (!net)
        return;
    net_destroy(net);
    Captured *c = capture_run(cmd_export_run, "export", "--model", cnn, "--out", out, NULL);
    CHECK_INT_EQ(0, c->status);
    char *py = NULL;
    snprintf(want, sizeof want, "%s/model.py", out);
    py = slurp(want, NULL);
    CHECK_CONTAINS(py, "#     input 1 4 4   # caf\xc3\xa9 ??? still a comment \"\"\"\n");
    CHECK_CONTAINS(py, "#     dense 2   # ??\n");
    free(py);
    if (!exists("/usr/bin/python3"))
        return;
    char hex[700] = "";
    for (const unsigned char *p = (const unsigned char *)cnn; *p; p++)
        snprintf(hex + strlen(hex), sizeof hex - strlen(hex), "%02x", *p);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import ast, os, sys\n"
             "ast.parse(open(sys.argv[1], \"rb\").read())\n"
             "tree = ast.parse(open(sys.argv[2], \"rb\").read())\n"
             "v = [n.value for n in tree.body if isinstance(n, ast.Assign) and "
             "getattr(n.targets[0], \"id\", None) == \"MODEL\"][0]\n"
             "print(os.fsencode(eval(compile(ast.Expression(v), \"MODEL\", \"eval\"), "
             "{\"os\": os})).hex())' '%s/model.py' '%s/check.py' > '%s/hex.txt'",
             out, out, tmp);
    CHECK_INT_EQ(0, system(cmd));
    snprintf(want, sizeof want, "%s/hex.txt", tmp);
    char *got = slurp(want, NULL);
    snprintf(want, sizeof want, "%s\n", hex);
    CHECK_STR_EQ(want, got);
    free(got);
}

static void test_mistakes(void)
{
    char cnn[600], out[600], path[700], want[1200], line[400];
    snprintf(cnn, sizeof cnn, "%s/small.cnn", tmp);
    Net *net = save_model("input 1 6 6\nconv 2 k=3\nrelu\nflatten\ndense 3\n", cnn);
    if (!net)
        return;
    net_destroy(net);

    Captured *c = capture_run(cmd_export_run, "export", "--help", NULL);
    CHECK_INT_EQ(0, c->status);
    CHECK_CONTAINS(c->out, "usage: convscope export --model F.cnn --out DIR [--force]");
    c = capture_run(cmd_export_run, "export", NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "convscope export: --model F.cnn is required");
    CHECK_CONTAINS(c->err, "usage: convscope export");
    c = capture_run(cmd_export_run, "export", "--model", cnn, NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "convscope export: --out DIR is required");
    c = capture_run(cmd_export_run, "export", "--model", cnn, "--out", NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "convscope export: --out needs a value");
    c = capture_run(cmd_export_run, "export", "--model", cnn, "--model", cnn, NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "--model given twice");
    c = capture_run(cmd_export_run, "export", "--modle", cnn, NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "convscope export: unknown option '--modle'");
    c = capture_run(cmd_export_run, "export", cnn, NULL);
    CHECK_INT_EQ(2, c->status);
    CHECK_CONTAINS(c->err, "unexpected argument");

    /* models that cannot be read: FILE: what is wrong, status 1, no DIR made */
    snprintf(out, sizeof out, "%s/never", tmp);
    snprintf(path, sizeof path, "%s/missing.cnn", tmp);
    c = capture_run(cmd_export_run, "export", "--model", path, "--out", out, NULL);
    CHECK_INT_EQ(1, c->status);
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory\n", path);
    CHECK_STR_EQ(want, c->err);
    c = capture_run(cmd_export_run, "export", "--model", tmp, "--out", out, NULL);
    CHECK_INT_EQ(1, c->status);
    snprintf(want, sizeof want, "%s: is a folder, not a file\n", tmp);
    CHECK_STR_EQ(want, c->err);
    long size = 0;
    char *bytes = slurp(cnn, &size);
    snprintf(path, sizeof path, "%s/damaged.cnn", tmp);
    bytes[size - 9] ^= 0x40; /* a weight's byte */
    FILE *f = fopen(path, "wb");
    fwrite(bytes, 1, (size_t)size, f);
    fclose(f);
    c = capture_run(cmd_export_run, "export", "--model", path, "--out", out, NULL);
    CHECK_INT_EQ(1, c->status);
    snprintf(want, sizeof want, "%s: byte %ld: checksum mismatch", path, size - 4);
    CHECK_CONTAINS(c->err, want);
    f = fopen(path, "wb");
    fwrite(bytes, 1, (size_t)size / 2, f);
    fclose(f);
    c = capture_run(cmd_export_run, "export", "--model", path, "--out", out, NULL);
    CHECK_INT_EQ(1, c->status);
    snprintf(want, sizeof want, "%s: byte %ld: truncated", path, size / 2);
    CHECK_CONTAINS(c->err, want);
    free(bytes);
    CHECK(!exists(out));

    /* DIR is a file */
    c = capture_run(cmd_export_run, "export", "--model", cnn, "--out", cnn, NULL);
    CHECK_INT_EQ(1, c->status);
    snprintf(want, sizeof want, "%s: exists and is not a folder\n", cnn);
    CHECK_STR_EQ(want, c->err);

    /* DIR holds other files: refused, untouched; with --force our three files are replaced
     * and the others kept */
    snprintf(out, sizeof out, "%s/full", tmp);
    CHECK(mkdir(out, 0777) == 0);
    snprintf(path, sizeof path, "%s/model.py", out);
    f = fopen(path, "w");
    fputs("# mine\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/notes.txt", out);
    f = fopen(path, "w");
    fputs("keep me\n", f);
    fclose(f);
    c = capture_run(cmd_export_run, "export", "--model", cnn, "--out", out, NULL);
    CHECK_INT_EQ(1, c->status);
    snprintf(want, sizeof want, "%s: the folder is not empty (export wants a new or empty folder",
             out);
    CHECK_CONTAINS(c->err, want);
    list_dir(out, line, sizeof line);
    CHECK_STR_EQ("model.py notes.txt", line);
    snprintf(path, sizeof path, "%s/model.py", out);
    char *text = slurp(path, NULL);
    CHECK_STR_EQ("# mine\n", text);
    free(text);
    c = capture_run(cmd_export_run, "export", "--force", "--model", cnn, "--out", out, NULL);
    CHECK_INT_EQ(0, c->status);
    list_dir(out, line, sizeof line);
    CHECK_STR_EQ("check.py model.py notes.txt weights.npz", line);
    text = slurp(path, NULL);
    CHECK_CONTAINS(text, "self.L03 = nn.Linear(32, 3)");
    free(text);

    /* a write that fails half-way (a file-size limit of 4 KiB; weights.npz needs more): status
     * 1, the file named, and nothing of it left: no DIR, no staging folder; with --force into
     * a folder, its files as they were */
    char big[600];
    snprintf(big, sizeof big, "%s/big.cnn", tmp);
    net = save_model("input 1 6 6\nflatten\ndense 300\n", big);
    net_destroy(net);
    snprintf(out, sizeof out, "%s/fails", tmp);
    list_dir(tmp, want, sizeof want);
    struct rlimit old_lim, lim = {4096, 4096};
    getrlimit(RLIMIT_FSIZE, &old_lim);
    lim.rlim_max = old_lim.rlim_max;
    void (*old_sig)(int) = signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    Captured *c1 = capture_run(cmd_export_run, "export", "--model", big, "--out", out, NULL);
    int status1 = c1->status;
    char err1[sizeof c1->err];
    snprintf(err1, sizeof err1, "%s", c1->err);
    snprintf(out, sizeof out, "%s/full", tmp);
    Captured *c2 =
        capture_run(cmd_export_run, "export", "--model", big, "--out", out, "--force", NULL);
    setrlimit(RLIMIT_FSIZE, &old_lim);
    signal(SIGXFSZ, old_sig);
    CHECK_INT_EQ(1, status1);
    snprintf(path, sizeof path, "%s/fails/weights.npz: write error", tmp);
    CHECK_CONTAINS(err1, path);
    list_dir(tmp, line, sizeof line);
    CHECK_STR_EQ(want, line);
    CHECK_INT_EQ(1, c2->status);
    snprintf(path, sizeof path, "%s/weights.npz: write error", out);
    CHECK_CONTAINS(c2->err, path);
    list_dir(out, line, sizeof line);
    CHECK_STR_EQ("check.py model.py notes.txt weights.npz", line);
    snprintf(path, sizeof path, "%s/model.py", out);
    text = slurp(path, NULL);
    CHECK_CONTAINS(text, "self.L03 = nn.Linear(32, 3)");
    free(text);
}

/* The engine's export without a model file: a Net built from text in memory, named by the
 * caller, check.py's data folder as given; a second export into the now full folder is refused
 * with "DIR: ..." unless force. */
static void test_engine_export(void)
{
    char out[600], path[700], want[800], line[400];
    snprintf(out, sizeof out, "%s/lab", tmp);
    Net *net = net_create("input 1 6 6\nconv 2 k=3 groups=1\nbatchnorm\nflatten\ndense 3\n",
                          "lab.net", 1, err, ERR_SIZE);
    CHECK(net != NULL);
    if (!net)
        return;
    err[0] = '\0';
    CHECK(export_pytorch(net, "the lab's net", "/data/digits", out, false, err, ERR_SIZE));
    CHECK_STR_EQ("", err);
    list_dir(out, line, sizeof line);
    CHECK_STR_EQ("check.py model.py weights.npz", line);
    snprintf(path, sizeof path, "%s/model.py", out);
    char *py = slurp(path, NULL);
    CHECK_CONTAINS(py, "#     the lab's net\n");
    CHECK_CONTAINS(py, "self.L01 = nn.BatchNorm2d(2, eps=1e-05, momentum=0.1)");
    free(py);
    snprintf(path, sizeof path, "%s/check.py", out);
    char *ck = slurp(path, NULL);
    CHECK_CONTAINS(ck, "MODEL = \"the lab's net\"");
    CHECK_CONTAINS(ck, "DEFAULT_DATA = \"/data/digits\"");
    free(ck);
    /* again: the folder is full now */
    CHECK(!export_pytorch(net, "the lab's net", "/data/digits", out, false, err, ERR_SIZE));
    snprintf(want, sizeof want, "%s: the folder is not empty", out);
    CHECK_CONTAINS(err, want);
    CHECK(export_pytorch(net, "the lab's net", "/data/digits", out, true, err, ERR_SIZE));
    list_dir(out, line, sizeof line);
    CHECK_STR_EQ("check.py model.py weights.npz", line);
    net_destroy(net);
}

int main(void)
{
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    test_every_kind();
    test_kinds_covered();
    test_awkward_text();
    test_mistakes();
    test_engine_export();
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    CHECK(system(cmd) == 0);
    return test_summary();
}
