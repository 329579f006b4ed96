/* cmd_dump.c - `convscope dump`: one example through a net, every number written as .npy.
 *
 *   convscope dump --net F | --model F.cnn [--seed S] [--mode eval|train]
 *                  --input IMAGE|X.npy --label K --out DIR
 *
 * Writes into DIR (created with its parents; every file is staged and moved into place only when
 * all were written, so a failed dump leaves nothing half-written): manifest.json (the mode, the
 * layers with kind, output shape, parameter names and shapes, the loss and the label), input.npy,
 * input.grad.npy and, for the k-th layer after the input line (two digits from 00), Lkk.out.npy and
 * Lkk.grad.npy (dL/d output), and for conv, deconv, dense and batchnorm also Lkk.W.npy, Lkk.b.npy,
 * Lkk.dW.npy, Lkk.db.npy (batchnorm: gamma and beta), and for batchnorm Lkk.running_mean.npy and
 * Lkk.running_var.npy. Shapes without the batch axis; weight layouts as PyTorch's modules (a
 * grouped conv (O, C/G, KH, KW), a grouped deconv (C, O/G, KH, KW)).
 *
 * The mode is the net's (net.h): eval (the default, what predict computes; a batchnorm uses the
 * running statistics, which the files then hold unchanged) or train (a batchnorm uses the
 * statistics of this one example's channels and the files hold the running statistics after
 * this step moved them, as a PyTorch module in training mode holds them after its forward). A
 * batchnorm that would see one value per channel in train mode (a flat one) is refused, as
 * PyTorch refuses it. */
#include "cli/cli.h"
#include "engine/model.h"
#include "engine/net.h"
#include "engine/npy.h"
#include "viz/imgfile.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ERR_SIZE 1024

static int usage(const char *why)
{
    fprintf(stderr,
            "convscope dump: %s\nusage: convscope dump --net F | --model F.cnn [--seed S] "
            "[--mode eval|train] --input IMAGE|X.npy --label K --out DIR\n",
            why);
    return 2;
}

/* mkdir -p: creates dir and its missing parents. */
static bool make_dirs(const char *dir, char *err, size_t err_size)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        snprintf(err, err_size, "%s: path too long", dir);
        return false;
    }
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char keep = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            snprintf(err, err_size, "%.900s: cannot create directory: %s", path, strerror(errno));
            return false;
        }
        *p = keep;
        if (keep == '\0')
            break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, err_size, "%s: not a directory", dir);
        return false;
    }
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Reads the example from an .npy file into in (C, H, W). Accepted shapes: (C, H, W),
 * (1, C, H, W), and (H, W) when C is 1; every value must be finite. */
static bool read_npy_input(const char *path, Shape s, float *in, char *err, size_t err_size)
{
    long shape[NPY_MAX_DIMS];
    int nd = 0;
    float *data = npy_read(path, shape, &nd, err, err_size);
    if (!data)
        return false;
    bool ok = (nd == 3 && shape[0] == s.c && shape[1] == s.h && shape[2] == s.w) ||
              (nd == 4 && shape[0] == 1 && shape[1] == s.c && shape[2] == s.h && shape[3] == s.w) ||
              (nd == 2 && s.c == 1 && shape[0] == s.h && shape[1] == s.w);
    if (!ok) {
        char got[160] = "(";
        size_t len = 1;
        for (int i = 0; i < nd && len < sizeof got - 24; i++)
            len += (size_t)snprintf(got + len, sizeof got - len, i ? ", %ld" : "%ld", shape[i]);
        snprintf(got + len, sizeof got - len, ")");
        snprintf(err, err_size,
                 "%s: shape %s does not match the net's input %dx%dx%d (expected (%d, %d, %d)%s)",
                 path, got, s.c, s.h, s.w, s.c, s.h, s.w, s.c == 1 ? " or (H, W)" : "");
        free(data);
        return false;
    }
    /* a NaN or inf would run through every layer and give a loss that looks finite after a
     * max-pool or a ReLU drops it (PyTorch gives NaN): refuse it, naming the element */
    long hw = (long)s.h * s.w, n = shape_elems(s);
    for (long e = 0; e < n; e++) {
        if (isfinite(data[e]))
            continue;
        const char *what = isnan(data[e]) ? "NaN" : "inf";
        if (data[e] < 0.0f)
            what = "-inf";
        snprintf(err, err_size,
                 "%s: element %ld (index %ld,%ld,%ld) is %s; the input must be finite numbers",
                 path, e, e / hw, e % hw / s.w, e % s.w, what);
        free(data);
        return false;
    }
    memcpy(in, data, sizeof(float) * (size_t)n);
    free(data);
    return true;
}

/* Writes a JSON string literal. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* A float as JSON (null when not finite: JSON has no inf/nan). */
static void json_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.9g", v);
    else
        fprintf(f, "null");
}

static void json_shape(FILE *f, const long *shape, int nd)
{
    fputc('[', f);
    for (int i = 0; i < nd; i++)
        fprintf(f, i ? ", %ld" : "%ld", shape[i]);
    fputc(']', f);
}

/* The .npy shape of one example's tensor: (C, H, W) or (K). */
static int shape_dims(Shape s, long *dims)
{
    if (s.rank == 1) {
        dims[0] = s.c;
        return 1;
    }
    dims[0] = s.c;
    dims[1] = s.h;
    dims[2] = s.w;
    return 3;
}

/* The weight's .npy shape: conv (O, C/G, KH, KW), deconv (C, O/G, KH, KW), dense (O, I),
 * batchnorm gamma (C). */
static int weight_dims(const Layer *l, long *dims)
{
    if (l->kind == LAYER_DENSE) {
        dims[0] = l->units;
        dims[1] = l->in.c;
        return 2;
    }
    if (l->kind == LAYER_BATCHNORM) {
        dims[0] = l->in.c;
        return 1;
    }
    const int groups = conv_groups(&l->conv);
    dims[0] = l->kind == LAYER_CONV ? l->conv.o : l->conv.c;
    dims[1] = l->kind == LAYER_CONV ? l->conv.c / groups : l->conv.o / groups;
    dims[2] = l->conv.kh;
    dims[3] = l->conv.kw;
    return 4;
}

/* The files of one dump: written into a fresh staging folder inside DIR and renamed into DIR
 * only when every one of them was written, the manifest last. A dump that fails half-way (a
 * full disk, a file-size limit) so leaves no truncated array and no manifest naming arrays
 * that are missing or belong to another run. */
#define MAX_DUMP_FILES (3 + 8 * NET_MAX_LAYERS)

typedef struct Staging {
    const char *out;                /* DIR */
    char dir[4200];                 /* DIR/.dump.XXXXXX */
    char names[MAX_DUMP_FILES][32]; /* files created in it, in order */
    int n;
} Staging;

static bool staging_open(Staging *st, const char *out, char *err, size_t err_size)
{
    st->n = 0;
    st->out = out;
    snprintf(st->dir, sizeof st->dir, "%s/.dump.XXXXXX", out);
    if (!mkdtemp(st->dir)) {
        snprintf(err, err_size, "%.900s: cannot create a file in it: %s", out, strerror(errno));
        return false;
    }
    return true;
}

/* Removes every staged file and the staging folder (after a failure). */
static void staging_discard(Staging *st)
{
    char path[4300];
    for (int i = 0; i < st->n; i++) {
        snprintf(path, sizeof path, "%s/%s", st->dir, st->names[i]);
        remove(path);
    }
    rmdir(st->dir);
}

/* Moves every staged file into out, in the order written (the manifest is last). */
static bool staging_commit(Staging *st, const char *out, char *err, size_t err_size)
{
    char from[4300], to[4300];
    for (int i = 0; i < st->n; i++) {
        snprintf(from, sizeof from, "%s/%s", st->dir, st->names[i]);
        snprintf(to, sizeof to, "%s/%s", out, st->names[i]);
        if (rename(from, to) != 0) {
            snprintf(err, err_size, "%.900s: cannot move into place: %s", to, strerror(errno));
            return false;
        }
    }
    rmdir(st->dir);
    return true;
}

/* Records name as staged (before writing it, so a partial file is removed too). */
static void staging_add(Staging *st, const char *name)
{
    assert(st->n < MAX_DUMP_FILES);
    snprintf(st->names[st->n++], sizeof st->names[0], "%s", name);
}

static bool write_npy(Staging *st, const char *name, const float *data, const long *dims, int nd,
                      char *err, size_t err_size)
{
    char path[4300];
    staging_add(st, name);
    snprintf(path, sizeof path, "%s/%s", st->dir, name);
    if (npy_write(path, data, dims, nd, err, err_size))
        return true;
    /* name the file the user asked for, not its staging copy */
    size_t at = strlen(path);
    if (strncmp(err, path, at) == 0) {
        char *why = strdup(err + at);
        snprintf(err, err_size, "%.900s/%s%s", st->out, name, why ? why : ": write error");
        free(why);
    }
    return false;
}

/* The options that define the layer, as JSON members (for anyone rebuilding the net). */
static void json_options(FILE *f, const Layer *l)
{
    switch (l->kind) {
    case LAYER_CONV:
    case LAYER_DECONV: {
        const ConvGeom *g = &l->conv;
        fprintf(f,
                ", \"out_channels\": %d, \"k\": [%d, %d], \"stride\": [%d, %d], "
                "\"pad\": [%d, %d, %d, %d], \"dilation\": [%d, %d]",
                g->o, g->kh, g->kw, g->sh, g->sw, g->pt, g->pb, g->pl, g->pr, g->dh, g->dw);
        if (l->kind == LAYER_DECONV)
            fprintf(f, ", \"outpad\": [%d, %d]", g->oph, g->opw);
        fprintf(f, ", \"groups\": %d", conv_groups(g));
        break;
    }
    case LAYER_BATCHNORM:
        fprintf(f, ", \"num_features\": %d, \"eps\": %.9g, \"momentum\": %.9g", l->in.c,
                (double)l->bn_eps, (double)l->bn_momentum);
        break;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
    case LAYER_L2POOL:
        fprintf(f, ", \"k\": [%d, %d], \"stride\": [%d, %d]", l->pool.kh, l->pool.kw, l->pool.sh,
                l->pool.sw);
        break;
    case LAYER_LEAKY:
        fprintf(f, ", \"alpha\": %.9g", (double)l->param);
        break;
    case LAYER_SOFTPLUS:
        fprintf(f, ", \"beta\": %.9g", (double)l->param);
        break;
    case LAYER_LRN:
        fprintf(f, ", \"size\": %d, \"alpha\": %.9g, \"beta\": %.9g, \"k\": %.9g", l->lrn_size,
                (double)l->lrn_alpha, (double)l->lrn_beta, (double)l->lrn_k);
        break;
    case LAYER_DENSE:
        fprintf(f, ", \"units\": %d", l->units);
        break;
    default:
        break;
    }
}

static bool write_manifest(Staging *st, const Net *net, const NetActs *a, const char *source,
                           bool is_model, long seed, const char *input, int label, bool train,
                           char *err, size_t err_size)
{
    const NetSpec *sp = &net->spec;
    char path[4300], buf[256];
    staging_add(st, "manifest.json");
    snprintf(path, sizeof path, "%s/manifest.json", st->dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, err_size, "%.900s: cannot create: %s", path, strerror(errno));
        return false;
    }
    long dims[4];
    fprintf(f, "{\n  \"format\": \"convscope dump 1\",\n  \"%s\": ", is_model ? "model" : "net");
    json_str(f, source);
    if (!is_model)
        fprintf(f, ",\n  \"seed\": %ld", seed);
    fprintf(f, ",\n  \"mode\": \"%s\"", train ? "train" : "eval");
    fprintf(f, ",\n  \"input\": ");
    json_str(f, input);
    fprintf(f, ",\n  \"input_shape\": ");
    json_shape(f, dims, shape_dims(sp->input, dims));
    fprintf(f, ",\n  \"label\": %d,\n  \"loss\": {\"kind\": \"%s\", \"value\": ", label,
            sp->xent ? "cross_entropy" : "sum_squared_error");
    json_num(f, a->loss);
    fprintf(f, ", \"formula\": \"%s\"},\n",
            sp->xent ? "-log p[label]" : "1/2 * sum (y - onehot(label))^2");
    fprintf(f,
            "  \"param_count\": %ld,\n  \"files\": {\"input\": \"input.npy\", "
            "\"input_grad\": \"input.grad.npy\"},\n  \"layers\": [\n",
            net->n_params);
    for (int i = 0; i < sp->n_layers; i++) {
        const Layer *l = &sp->layers[i];
        fprintf(f, "    {\"index\": %d, \"name\": \"L%02d\", \"kind\": \"%s\", \"line\": %d, ", i,
                i, layer_kind_name(l->kind), l->line);
        fprintf(f, "\"spec\": ");
        json_str(f, layer_format(l, buf, sizeof buf));
        fprintf(f, ", \"input_shape\": ");
        json_shape(f, dims, shape_dims(l->in, dims));
        fprintf(f, ", \"output_shape\": ");
        json_shape(f, dims, shape_dims(l->out, dims));
        json_options(f, l);
        fprintf(f, ", \"out\": \"L%02d.out.npy\", \"grad\": \"L%02d.grad.npy\"", i, i);
        if (layer_has_params(l->kind)) {
            fprintf(f, ", \"params\": [\"W\", \"b\"], \"param_shapes\": {\"W\": ");
            json_shape(f, dims, weight_dims(l, dims));
            fprintf(f,
                    ", \"b\": [%ld]}, \"param_files\": {\"W\": \"L%02d.W.npy\", \"b\": "
                    "\"L%02d.b.npy\", \"dW\": \"L%02d.dW.npy\", \"db\": \"L%02d.db.npy\"}",
                    l->n_b, i, i, i, i);
        } else {
            fprintf(f, ", \"params\": []");
        }
        if (l->kind == LAYER_BATCHNORM)
            fprintf(f,
                    ", \"state_files\": {\"running_mean\": \"L%02d.running_mean.npy\", "
                    "\"running_var\": \"L%02d.running_var.npy\"}, \"running_stats\": \"%s\"",
                    i, i, train ? "after this step updated them" : "used by this pass");
        fprintf(f, ", \"param_count\": %ld, \"param_formula\": ", layer_param_count(l));
        json_str(f, layer_param_formula(l, buf, sizeof buf));
        fprintf(f, "}%s\n", i + 1 < sp->n_layers ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    if (!ok)
        snprintf(err, err_size, "%.900s: write error", path);
    return ok;
}

int cmd_dump(int argc, char **argv)
{
    const char *net_path = NULL, *model_path = NULL, *input = NULL, *out = NULL;
    const char *label_text = NULL, *seed_text = NULL, *mode_text = NULL;
    for (int i = 1; i < argc; i++) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--net") == 0)
            slot = &net_path;
        else if (strcmp(argv[i], "--model") == 0)
            slot = &model_path;
        else if (strcmp(argv[i], "--input") == 0)
            slot = &input;
        else if (strcmp(argv[i], "--out") == 0)
            slot = &out;
        else if (strcmp(argv[i], "--label") == 0)
            slot = &label_text;
        else if (strcmp(argv[i], "--seed") == 0)
            slot = &seed_text;
        else if (strcmp(argv[i], "--mode") == 0)
            slot = &mode_text;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: convscope dump --net F | --model F.cnn [--seed S] [--mode eval|train]\n"
                   "                      --input IMAGE|X.npy --label K --out DIR\n"
                   "  --mode eval (default): batchnorm normalises with its running statistics, as\n"
                   "  predict does; --mode train: with this example's own statistics, and the\n"
                   "  dumped running statistics are those after the step moved them (PyTorch's\n"
                   "  training mode)\n");
            return 0;
        } else {
            char why[256];
            snprintf(why, sizeof why, "unknown option '%s'", argv[i]);
            return usage(why);
        }
        if (i + 1 >= argc) {
            char why[256];
            snprintf(why, sizeof why, "%s needs a value", argv[i]);
            return usage(why);
        }
        if (*slot) {
            char why[256];
            snprintf(why, sizeof why, "%s given twice", argv[i]);
            return usage(why);
        }
        *slot = argv[++i];
    }
    if (!net_path == !model_path)
        return usage("give exactly one of --net F or --model F.cnn");
    if (model_path && seed_text)
        return usage("--seed applies to --net (a model file holds its weights)");
    if (!input)
        return usage("--input IMAGE|X.npy is required");
    if (!label_text)
        return usage("--label K is required");
    if (!out)
        return usage("--out DIR is required");
    if (mode_text && strcmp(mode_text, "train") != 0 && strcmp(mode_text, "eval") != 0) {
        char why[256];
        snprintf(why, sizeof why, "--mode %.100s: expected eval or train", mode_text);
        return usage(why);
    }
    const bool train = mode_text && strcmp(mode_text, "train") == 0;
    long seed = 1;
    char *end = NULL;
    if (seed_text) {
        errno = 0;
        seed = strtol(seed_text, &end, 10);
        if (*seed_text == '\0' || *end != '\0' || errno || seed < 0) {
            fprintf(stderr, "convscope dump: --seed %s: expected a non-negative integer\n",
                    seed_text);
            return 2;
        }
    }
    errno = 0;
    long label = strtol(label_text, &end, 10);
    if (*label_text == '\0' || *end != '\0' || errno || label < 0) {
        fprintf(stderr, "convscope dump: --label %s: expected a class number 0, 1, ...\n",
                label_text);
        return 2;
    }

    /* net_load (engine/net.c) would read a folder and say only "read error" */
    struct stat st_net;
    if (net_path && stat(net_path, &st_net) == 0 && S_ISDIR(st_net.st_mode)) {
        fprintf(stderr, "%s: is a folder, not a file\n", net_path);
        return 1;
    }
    char *err = calloc(ERR_SIZE, 1);
    Net *net = model_path ? model_load(model_path, err, ERR_SIZE)
                          : net_load(net_path, (uint64_t)seed, err, ERR_SIZE);
    NetActs *a = NULL;
    float *x = NULL;
    Staging *stage = NULL;
    int status = 1;
    if (!net) {
        fprintf(stderr, "%s\n", err);
        goto done;
    }
    const NetSpec *sp = &net->spec;
    const Layer *last = &sp->layers[sp->n_layers - 1];
    long classes = shape_elems(last->out);
    if (label >= classes) {
        fprintf(stderr,
                "convscope dump: --label %ld: the net's last layer has %ld outputs, so "
                "the label must be 0..%ld\n",
                label, classes, classes - 1);
        status = 2;
        goto done;
    }
    /* PyTorch refuses a training-mode batch norm over one value per channel; its statistics
     * would be those of a single number */
    for (int i = 0; train && i < sp->n_layers; i++) {
        const Layer *l = &sp->layers[i];
        if (l->kind != LAYER_BATCHNORM || l->in.h * l->in.w > 1)
            continue;
        char buf[128];
        fprintf(stderr,
                "convscope dump: --mode train: layer L%02d (line %d: %s) would normalise one "
                "value per channel (input %s, one example): a batch's mean and variance need "
                "more than one (PyTorch refuses it too); use --mode eval\n",
                i, l->line, layer_format(l, buf, sizeof buf),
                shape_format(l->in, buf + 64, sizeof buf - 64));
        status = 2;
        goto done;
    }
    net_set_training(net, train);
    x = calloc((size_t)shape_elems(sp->input), sizeof(float)); /* (C, H, W) */
    a = net_acts_create(net, 1);
    if (!x || !a) {
        fprintf(stderr, "convscope dump: out of memory\n");
        goto done;
    }
    bool read_ok = ends_with(input, ".npy") ? read_npy_input(input, sp->input, x, err, ERR_SIZE)
                                            : imgfile_load_input(input, x, sp->input.c, sp->input.h,
                                                                 sp->input.w, err, ERR_SIZE);
    if (!read_ok) {
        fprintf(stderr, "%s\n", err);
        goto done;
    }
    struct stat st_out;
    bool out_existed = stat(out, &st_out) == 0;
    if (!make_dirs(out, err, ERR_SIZE)) {
        fprintf(stderr, "%s\n", err);
        goto done;
    }
    stage = malloc(sizeof *stage);
    if (!stage || !staging_open(stage, out, err, ERR_SIZE)) {
        fprintf(stderr, "%s\n", stage ? err : "convscope dump: out of memory");
        free(stage);
        stage = NULL;
        if (!out_existed)
            rmdir(out);
        goto done;
    }

    int lab = (int)label;
    net_train_step(net, a, x, &lab, 1);

    long dims[4];
    bool ok =
        write_npy(stage, "input.npy", a->x, dims, shape_dims(sp->input, dims), err, ERR_SIZE) &&
        write_npy(stage, "input.grad.npy", a->dx, dims, shape_dims(sp->input, dims), err, ERR_SIZE);
    for (int i = 0; ok && i < sp->n_layers; i++) {
        const Layer *l = &sp->layers[i];
        char name[32];
        int nd = shape_dims(l->out, dims);
        snprintf(name, sizeof name, "L%02d.out.npy", i);
        ok = write_npy(stage, name, a->out[i], dims, nd, err, ERR_SIZE);
        snprintf(name, sizeof name, "L%02d.grad.npy", i);
        ok = ok && write_npy(stage, name, a->grad[i], dims, nd, err, ERR_SIZE);
        if (!ok || !layer_has_params(l->kind))
            continue;
        nd = weight_dims(l, dims);
        long bdims[1] = {l->n_b};
        snprintf(name, sizeof name, "L%02d.W.npy", i);
        ok = write_npy(stage, name, net_weights(net, i), dims, nd, err, ERR_SIZE);
        snprintf(name, sizeof name, "L%02d.dW.npy", i);
        ok = ok && write_npy(stage, name, net_dweights(net, i), dims, nd, err, ERR_SIZE);
        snprintf(name, sizeof name, "L%02d.b.npy", i);
        ok = ok && write_npy(stage, name, net_bias(net, i), bdims, 1, err, ERR_SIZE);
        snprintf(name, sizeof name, "L%02d.db.npy", i);
        ok = ok && write_npy(stage, name, net_dbias(net, i), bdims, 1, err, ERR_SIZE);
        if (!ok || l->kind != LAYER_BATCHNORM)
            continue;
        snprintf(name, sizeof name, "L%02d.running_mean.npy", i);
        ok = write_npy(stage, name, net_running_mean(net, i), bdims, 1, err, ERR_SIZE);
        snprintf(name, sizeof name, "L%02d.running_var.npy", i);
        ok = ok && write_npy(stage, name, net_running_var(net, i), bdims, 1, err, ERR_SIZE);
    }
    ok = ok &&
         write_manifest(stage, net, a, model_path ? model_path : net_path, model_path != NULL, seed,
                        input, lab, train, err, ERR_SIZE) &&
         staging_commit(stage, out, err, ERR_SIZE);
    if (!ok) {
        fprintf(stderr, "%s\n", err);
        staging_discard(stage);
        if (!out_existed)
            rmdir(out);
        goto done;
    }
    printf("%s: %d layers, %ld parameters, label %d, loss %.6g (%s mode); wrote %s/manifest.json\n",
           model_path ? model_path : net_path, sp->n_layers, net->n_params, lab, (double)a->loss,
           train ? "train" : "eval", out);
    status = 0;
done:
    free(stage);
    free(x);
    net_acts_destroy(a);
    net_destroy(net);
    free(err);
    return status;
}
