/* export.c - a net as a PyTorch module a student can read (export.h): model.py, weights.npz and
 * check.py, staged and moved into place.
 *
 * How each layer kind becomes PyTorch is one entry of kind_exports below (its module line and
 * its arrays). Where PyTorch has no single module with the engine's meaning, the line is a
 * small composition, written out with a comment: per-side conv padding is nn.ZeroPad2d before
 * an unpadded nn.Conv2d; per-side deconv padding is an unpadded nn.ConvTranspose2d whose output
 * nn.ZeroPad2d crops with negative padding; abs is a three-line module. */
#include "engine/export.h"

#include "engine/npz.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_SIZE   4096
#define STAGE_SIZE  (2 * PATH_SIZE + 32) /* the staging folder's path */
#define STAGED_SIZE (STAGE_SIZE + 32)    /* a staged file's path */
#define CODE_SIZE   256
#define NOTE_SIZE   320
#define NOTE_COLUMN 56  /* model.py's comments start here (or 2 after longer code) */
#define LINE_MAX_PY 100 /* ...unless the line would grow longer: the comment goes above */

/* ---------------------------------------------------------------- Python text */

/* Appends printf output to buf (of size) at its end, truncating safely. */
static void append(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

/* ", key=A" or ", key=(A, B)"; nothing when both equal def. */
static void arg_pair(char *buf, size_t size, const char *key, int a, int b, int def)
{
    if (a == def && b == def)
        return;
    if (a == b)
        append(buf, size, ", %s=%d", key, a);
    else
        append(buf, size, ", %s=(%d, %d)", key, a, b);
}

/* The shortest Python float literal that reads back as v in float32 ("0.01", not
 * "0.00999999978"): what the net file most likely said. */
static const char *py_float(char *buf, size_t size, float v)
{
    for (int digits = 1; digits <= 9; digits++) {
        snprintf(buf, size, "%.*g", digits, (double)v);
        if (strtof(buf, NULL) == v)
            break;
    }
    if (!strpbrk(buf, ".eEn"))
        append(buf, size, ".0");
    return buf;
}

/* Length of the valid UTF-8 sequence at s (Python's strict decoder: no overlong forms, no
 * surrogates, nothing past U+10FFFF), 0 when it is not one. */
static int utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    int n = c >= 0xc2 && c <= 0xdf   ? 2
            : c >= 0xe0 && c <= 0xef ? 3
            : c >= 0xf0 && c <= 0xf4 ? 4
                                     : 0;
    if (n == 0)
        return 0;
    unsigned char lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (int i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

/* Writes each line of text as a Python comment, prefix first. What Python could not read in a
 * comment (a carriage return or another control character, bytes that are not UTF-8) becomes
 * '?', so the file always parses. */
static void py_comment_lines(FILE *f, const char *prefix, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        fputs(prefix, f);
        while (*s && *s != '\n') {
            int n = *s >= 0x80 ? utf8_len(s) : (*s >= 0x20 && *s != 0x7f) || *s == '\t';
            if (n == 0) {
                fputc('?', f);
                s++;
            } else {
                fwrite(s, 1, (size_t)n, f);
                s += n;
            }
        }
        fputc('\n', f);
        if (*s == '\n')
            s++;
    }
}

/* A Python expression for the string s: "..." when it is printable ASCII, else
 * os.fsdecode(b"...") (a path's bytes, whatever they are). */
static void py_string(FILE *f, const char *s)
{
    bool plain = true;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        plain = plain && *p >= 0x20 && *p < 0x7f;
    fputs(plain ? "\"" : "os.fsdecode(b\"", f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p >= 0x20 && *p < 0x7f)
            fputc(*p, f);
        else
            fprintf(f, "\\x%02x", *p);
    }
    fputs(plain ? "\"" : "\")", f);
}

/* ---------------------------------------------------------------- layers as modules */

/* model.py's __init__: module lines `self.ATTR = CODE  # NOTE`, and comment lines (no attr). */
typedef struct PyLine {
    char attr[16];
    char code[CODE_SIZE];
    char note[NOTE_SIZE];
} PyLine;

typedef struct PyModel {
    PyLine lines[3 * NET_MAX_LAYERS];
    int n;
    bool uses_abs; /* the Abs module class is written when a layer needs it */
} PyModel;

/* "(N, 8, 28, 28)" or "(N, 10)": a batch of the layer's output. */
static const char *batch_shape(Shape s, char *buf, size_t size)
{
    if (s.rank == 1)
        snprintf(buf, size, "(N, %d)", s.c);
    else
        snprintf(buf, size, "(N, %d, %d, %d)", s.c, s.h, s.w);
    return buf;
}

/* Adds the module line self.ATTR = CODE (with fmt's arguments), commented "SPEC -> SHAPE" (the
 * net-file line, when the module is the layer's, and the module's output shape). */
static void py_module(PyModel *py, const char *attr, const char *spec, Shape out, const char *fmt,
                      ...)
{
    assert(py->n < (int)(sizeof py->lines / sizeof py->lines[0]));
    PyLine *line = &py->lines[py->n++];
    char shape[64];
    snprintf(line->attr, sizeof line->attr, "%s", attr);
    snprintf(line->note, sizeof line->note, "%s%s-> %s", spec ? spec : "", spec ? " " : "",
             batch_shape(out, shape, sizeof shape));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line->code, sizeof line->code, fmt, ap);
    va_end(ap);
}

/* Adds a comment line of its own (the reason behind a composition of modules). */
static void py_explain(PyModel *py, const char *text)
{
    assert(py->n < (int)(sizeof py->lines / sizeof py->lines[0]));
    PyLine *line = &py->lines[py->n++];
    line->attr[0] = line->code[0] = '\0';
    snprintf(line->note, sizeof line->note, "%s", text);
}

/* Writes layer l's module(s) into py. name is its attribute ("L03"), which must hold its
 * parameters; spec is its net-file line, for that module's comment. */
typedef void (*EmitModule)(PyModel *py, const Layer *l, const char *name, const char *spec);

/* One array of a layer's state_dict: "<name>.<key>" in weights.npz. */
typedef struct LayerArray {
    const char *key; /* "weight", "bias", ... */
    const float *data;
    long dims[4];
    int nd;
} LayerArray;

/* Fills out[] with layer i's arrays (at most 8); returns how many. */
typedef int (*LayerArrays)(const Net *net, int i, LayerArray *out);

/* The keyword arguments of nn.Conv2d / nn.ConvTranspose2d after (in, out), in PyTorch's order;
 * padding only when it is the same on both sides of each axis (else the caller pads or crops). */
static void conv_args(char *args, size_t size, const ConvGeom *g, bool deconv)
{
    args[0] = '\0';
    arg_pair(args, size, "kernel_size", g->kh, g->kw, -1);
    arg_pair(args, size, "stride", g->sh, g->sw, 1);
    if (g->pt == g->pb && g->pl == g->pr)
        arg_pair(args, size, "padding", g->pt, g->pl, 0);
    if (deconv)
        arg_pair(args, size, "output_padding", g->oph, g->opw, 0);
    arg_pair(args, size, "dilation", g->dh, g->dw, 1);
    if (conv_groups(g) != 1)
        append(args, size, ", groups=%d", conv_groups(g));
}

static void emit_conv(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    const ConvGeom *g = &l->conv;
    char args[CODE_SIZE], attr[16];
    conv_args(args, sizeof args, g, false);
    if (g->pt != g->pb || g->pl != g->pr) {
        Shape padded = {3, g->c, g->h + g->pt + g->pb, g->w + g->pl + g->pr};
        snprintf(attr, sizeof attr, "%spad", name);
        py_explain(py, "pad=T,B,L,R differs per side: the zeros first (ZeroPad2d takes left, "
                       "right, top, bottom)");
        py_module(py, attr, NULL, padded, "nn.ZeroPad2d((%d, %d, %d, %d))", g->pl, g->pr, g->pt,
                  g->pb);
    }
    py_module(py, name, spec, l->out, "nn.Conv2d(%d, %d%s)", g->c, g->o, args);
}

static void emit_deconv(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    const ConvGeom *g = &l->conv;
    char args[CODE_SIZE], attr[16];
    conv_args(args, sizeof args, g, true);
    if (g->pt == g->pb && g->pl == g->pr) {
        py_module(py, name, spec, l->out, "nn.ConvTranspose2d(%d, %d%s)", g->c, g->o, args);
        return;
    }
    /* the padding a deconv takes is cropped off its output: here, per side, after it */
    Shape full = {3, g->o, g->oh + g->pt + g->pb, g->ow + g->pl + g->pr};
    char what[NOTE_SIZE];
    snprintf(what, sizeof what, "%s, before the crop", spec);
    py_module(py, name, what, full, "nn.ConvTranspose2d(%d, %d%s)", g->c, g->o, args);
    snprintf(attr, sizeof attr, "%scrop", name);
    py_explain(py, "pad=T,B,L,R differs per side: crop it off (negative ZeroPad2d padding crops)");
    py_module(py, attr, NULL, l->out, "nn.ZeroPad2d((%d, %d, %d, %d))", -g->pl, -g->pr, -g->pt,
              -g->pb);
}

static void emit_pool(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    const PoolGeom *g = &l->pool;
    char args[CODE_SIZE] = "";
    arg_pair(args, sizeof args, "kernel_size", g->kh, g->kw, -1);
    /* PyTorch's stride defaults to the window, as the net file's does */
    if (g->sh != g->kh || g->sw != g->kw)
        arg_pair(args, sizeof args, "stride", g->sh, g->sw, -1);
    if (l->kind == LAYER_MAXPOOL) {
        py_module(py, name, spec, l->out, "nn.MaxPool2d(%s)", args + 2);
    } else if (l->kind == LAYER_AVGPOOL) {
        py_module(py, name, spec, l->out, "nn.AvgPool2d(%s)", args + 2);
    } else {
        /* pool.c: out = sqrt(sum x^2); LPPool2d(2) = (mean x^2 * KH*KW)^(1/2), the same */
        py_explain(py, "l2pool: sqrt of the sum of x^2 over each window = LPPool2d with p = 2");
        py_module(py, name, spec, l->out, "nn.LPPool2d(2%s)", args);
    }
}

static void emit_relu(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    (void)l;
    py_module(py, name, spec, l->out, "nn.ReLU()");
}

static void emit_leaky(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    char v[32];
    py_module(py, name, spec, l->out, "nn.LeakyReLU(negative_slope=%s)",
              py_float(v, sizeof v, l->param));
}

static void emit_sigmoid(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    (void)l;
    py_module(py, name, spec, l->out, "nn.Sigmoid()");
}

static void emit_tanh(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    (void)l;
    py_module(py, name, spec, l->out, "nn.Tanh()");
}

static void emit_abs(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    (void)l;
    py->uses_abs = true;
    py_module(py, name, spec, l->out, "Abs()");
}

static void emit_softplus(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    char v[32];
    /* PyTorch's threshold 20 is the engine's too (act.h): x itself where beta*x > 20 */
    py_module(py, name, spec, l->out, "nn.Softplus(beta=%s)", py_float(v, sizeof v, l->param));
}

static void emit_lrn(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    char a[32], b[32], k[32];
    py_module(py, name, spec, l->out, "nn.LocalResponseNorm(%d, alpha=%s, beta=%s, k=%s)",
              l->lrn_size, py_float(a, sizeof a, l->lrn_alpha), py_float(b, sizeof b, l->lrn_beta),
              py_float(k, sizeof k, l->lrn_k));
}

static void emit_flatten(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    (void)l;
    py_module(py, name, spec, l->out, "nn.Flatten()");
}

static void emit_dense(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    py_module(py, name, spec, l->out, "nn.Linear(%d, %d)", l->in.c, l->units);
}

/* BatchNorm2d after a (C, H, W) input, BatchNorm1d after a flat one; evaluation mode (model.py's
 * load() calls eval()) normalises with the running statistics, as the engine's default mode. */
static void emit_batchnorm(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    char eps[32], momentum[32];
    py_module(py, name, spec, l->out, "nn.BatchNorm%dd(%d, eps=%s, momentum=%s)",
              l->in.rank == 1 ? 1 : 2, l->in.c, py_float(eps, sizeof eps, l->bn_eps),
              py_float(momentum, sizeof momentum, l->bn_momentum));
}

static void emit_softmax(PyModel *py, const Layer *l, const char *name, const char *spec)
{
    (void)l;
    py_module(py, name, spec, l->out, "nn.Softmax(dim=1)");
}

/* weight and bias, as net.h lays them out: conv (O, C, KH, KW), deconv (C, O, KH, KW), dense
 * (O, I), bias (O). The second axis is n_w over the others, so a layer whose weight has fewer
 * input channels per output (grouped convolution) is laid out right as well. */
static int arrays_weight_bias(const Net *net, int i, LayerArray *out)
{
    const Layer *l = &net->spec.layers[i];
    out[0] = (LayerArray){"weight", net_weights(net, i), {0, 0, 0, 0}, 4};
    out[1] = (LayerArray){"bias", net_bias(net, i), {l->n_b, 0, 0, 0}, 1};
    long *d = out[0].dims;
    if (l->kind == LAYER_DENSE) {
        out[0].nd = 2;
        d[0] = l->units;
        d[1] = l->n_w / l->units;
        return 2;
    }
    const ConvGeom *g = &l->conv;
    d[0] = l->kind == LAYER_CONV ? g->o : g->c;
    d[1] = l->n_w / ((long)d[0] * g->kh * g->kw);
    d[2] = g->kh;
    d[3] = g->kw;
    assert(d[0] * d[1] * d[2] * d[3] == l->n_w);
    return 2;
}

/* batchnorm: weight (gamma, C), bias (beta, C), running_mean (C), running_var (C) and
 * num_batches_tracked, a 0-d array PyTorch's strict loading asks for (0: the engine does not
 * count the batches; PyTorch uses the count only when momentum is None). */
static int arrays_batchnorm(const Net *net, int i, LayerArray *out)
{
    static const float no_batches = 0.0f;
    long c = net->spec.layers[i].in.c;
    out[0] = (LayerArray){"weight", net_weights(net, i), {c, 0, 0, 0}, 1};
    out[1] = (LayerArray){"bias", net_bias(net, i), {c, 0, 0, 0}, 1};
    out[2] = (LayerArray){"running_mean", net_running_mean(net, i), {c, 0, 0, 0}, 1};
    out[3] = (LayerArray){"running_var", net_running_var(net, i), {c, 0, 0, 0}, 1};
    out[4] = (LayerArray){"num_batches_tracked", &no_batches, {0, 0, 0, 0}, 0};
    return 5;
}

typedef struct KindExport {
    EmitModule module;  /* NULL: no PyTorch form yet (export refuses the model, naming it) */
    LayerArrays arrays; /* NULL: no parameters */
} KindExport;

/* Every layer kind's PyTorch form. A new kind needs its entry here (test_export.c checks that
 * every kind has one). */
static const KindExport kind_exports[LAYER_KIND_COUNT] = {
    [LAYER_CONV] = {emit_conv, arrays_weight_bias},
    [LAYER_DECONV] = {emit_deconv, arrays_weight_bias},
    [LAYER_MAXPOOL] = {emit_pool, NULL},
    [LAYER_AVGPOOL] = {emit_pool, NULL},
    [LAYER_L2POOL] = {emit_pool, NULL},
    [LAYER_RELU] = {emit_relu, NULL},
    [LAYER_LEAKY] = {emit_leaky, NULL},
    [LAYER_SIGMOID] = {emit_sigmoid, NULL},
    [LAYER_TANH] = {emit_tanh, NULL},
    [LAYER_ABS] = {emit_abs, NULL},
    [LAYER_SOFTPLUS] = {emit_softplus, NULL},
    [LAYER_LRN] = {emit_lrn, NULL},
    [LAYER_FLATTEN] = {emit_flatten, NULL},
    [LAYER_DENSE] = {emit_dense, arrays_weight_bias},
    [LAYER_SOFTMAX] = {emit_softmax, NULL},
    [LAYER_BATCHNORM] = {emit_batchnorm, arrays_batchnorm},
};

bool export_supports(int kind)
{
    return kind >= 0 && kind < LAYER_KIND_COUNT && kind_exports[kind].module != NULL &&
           (kind_exports[kind].arrays != NULL) == layer_has_params((LayerKind)kind);
}

/* ---------------------------------------------------------------- the three files */

static const char *const model_py_head[] = {
    "\"\"\"A convscope model as a plain PyTorch module, written by `convscope export`.",
    "",
    "Each layer of the net is one module of Net below, named L00, L01, ... in the net's order",
    "(the names `convscope dump` gives its files); the comment after it is the layer's net-file",
    "line and the shape of its output for a batch of N examples. The parameters are in",
    "weights.npz beside this file, named as Net's state_dict names them (L00.weight, L00.bias,",
    "...), in PyTorch's own layouts: conv (out, in, kh, kw), deconv (in, out, kh, kw), dense",
    "(out, in); batchnorm weight (gamma), bias (beta), running_mean, running_var (channels)",
    "and num_batches_tracked. load() puts the net in eval mode: batchnorm then normalises with",
    "the running statistics, as convscope does outside training.",
    "",
    "The input is a batch of images (N, C, H, W), float32, pixels in [0, 1] (byte * (1/255), as",
    "convscope scales them):",
    "",
    "    import model",
    "    net = model.load()          # Net with weights.npz loaded, in eval mode",
    "    out = net(x)                # x: (N, *model.INPUT_SHAPE); out: (N, model.OUTPUTS)",
    "\"\"\"",
};

static const char *const model_py_abs[] = {
    "class Abs(nn.Module):",
    "    \"\"\"abs: y = |x| (rectification). PyTorch has no module for it.\"\"\"",
    "",
    "    def forward(self, x):",
    "        return torch.abs(x)",
    "",
    "",
};

static const char *const model_py_tail[] = {
    "",
    "    def forward(self, x):",
    "        # the modules in the order they were assigned above: the net's order",
    "        for layer in self.children():",
    "            x = layer(x)",
    "        return x",
    "",
    "",
    "def load_weights(net, path=None):",
    "    \"\"\"Loads weights.npz (default: the one beside this file) into net: the array",
    "    \"L00.weight\" into the tensor net.state_dict() names L00.weight, and so on. Every name",
    "    and shape must match (strict loading).\"\"\"",
    "    if path is None:",
    "        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), \"weights.npz\")",
    "    with np.load(path) as arrays:",
    "        state = {name: torch.from_numpy(arrays[name]) for name in arrays.files}",
    "    net.load_state_dict(state)",
    "    return net",
    "",
    "",
    "def load(path=None):",
    "    \"\"\"A Net with the weights of weights.npz (or path), in eval mode.\"\"\"",
    "    return load_weights(Net(), path).eval()",
    "",
    "",
    "if __name__ == \"__main__\":",
    "    print(load())",
};

static void put_lines(FILE *f, const char *const *lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\n", lines[i]);
}
#define PUT_LINES(f, lines) put_lines((f), (lines), sizeof(lines) / sizeof((lines)[0]))

/* Line `line` (1-based) of the net text as the student wrote it, without its comment and with
 * each run of white space one space: "leaky alpha=0.1" (layer_format would say 0.100000001). */
static void net_line(const char *text, int line, char *buf, size_t size)
{
    for (int i = 1; i < line && *text; i++) {
        text = strchr(text, '\n');
        text = text ? text + 1 : "";
    }
    size_t n = 0;
    bool space = false;
    for (; *text && *text != '\n' && *text != '#' && n + 2 < size; text++) {
        if (strchr(" \t\r\v\f", *text)) {
            space = n > 0;
            continue;
        }
        if (space)
            buf[n++] = ' ';
        space = false;
        buf[n++] = *text;
    }
    buf[n] = '\0';
}

/* Builds model.py's module lines. false with "SOURCE: net line N: ..." in err for a layer kind
 * without a PyTorch form. */
static bool build_modules(PyModel *py, const Net *net, const char *source, char *err,
                          size_t err_size)
{
    const NetSpec *sp = &net->spec;
    py->n = 0;
    py->uses_abs = false;
    for (int i = 0; i < sp->n_layers; i++) {
        const Layer *l = &sp->layers[i];
        if (!export_supports(l->kind)) {
            snprintf(err, err_size,
                     "%s: net line %d: layer '%s' has no PyTorch form in convscope export yet",
                     source, l->line, layer_kind_name(l->kind));
            return false;
        }
        char name[16], spec[200];
        snprintf(name, sizeof name, "L%02d", i);
        net_line(net->text, l->line, spec, sizeof spec);
        kind_exports[l->kind].module(py, l, name, spec);
    }
    return true;
}

static void write_model_py(FILE *f, const Net *net, const PyModel *py, const char *source)
{
    const NetSpec *sp = &net->spec;
    PUT_LINES(f, model_py_head);
    fprintf(f, "# Exported by convscope %s from the model file\n", CONVSCOPE_VERSION);
    py_comment_lines(f, "#     ", source);
    fprintf(f, "# whose net is:\n#\n");
    py_comment_lines(f, "#     ", net->text);
    fprintf(f, "#\n# Loss it was trained on: %s.\n\n",
            sp->xent ? "cross-entropy, -log p[label] of the softmax output"
                     : "1/2 * sum (y - onehot(label))^2 (no softmax at the end)");
    fprintf(f, "import os\n\nimport numpy as np\nimport torch\nfrom torch import nn\n\n");
    fprintf(f, "INPUT_SHAPE = (%d, %d, %d)  # one example: channels, height, width\n", sp->input.c,
            sp->input.h, sp->input.w);
    fprintf(f, "OUTPUTS = %ld  # the last layer's outputs (the classes)\n\n\n",
            shape_elems(sp->layers[sp->n_layers - 1].out));
    if (py->uses_abs)
        PUT_LINES(f, model_py_abs);
    fprintf(f, "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n");
    for (int i = 0; i < py->n; i++) {
        const PyLine *line = &py->lines[i];
        if (!line->attr[0]) {
            fprintf(f, "        # %s\n", line->note);
            continue;
        }
        /* the comment beside the module, or above it when the line would grow too long */
        int len = 8 + 7 + (int)strlen(line->attr) + (int)strlen(line->code);
        int col = len + 2 > NOTE_COLUMN ? len + 2 : NOTE_COLUMN;
        bool above = col + 2 + (int)strlen(line->note) > LINE_MAX_PY;
        if (above)
            fprintf(f, "        # %s\n", line->note);
        fprintf(f, "        self.%s = %s", line->attr, line->code);
        if (!above)
            fprintf(f, "%*s# %s", col - len, "", line->note);
        fputc('\n', f);
    }
    PUT_LINES(f, model_py_tail);
}

static const char *const check_py_head[] = {
    "#!/usr/bin/env python3",
    "\"\"\"Runs the test digits through model.py (with weights.npz) in PyTorch and prints its",
    "accuracy and confusion matrix exactly as `convscope eval` prints them, so the two can be",
    "compared line by line. Written by `convscope export`.",
    "",
    "    python3 check.py [--data DIR] [--limit N] [--weights F.npz] [--json]",
    "",
    "--data DIR: a folder holding the MNIST test files t10k-images-idx3-ubyte and",
    "t10k-labels-idx1-ubyte (plain or .gz), by default the digits of the convscope checkout",
    "that exported the model. The pixels are scaled as convscope scales them: byte * (1/255),",
    "in float32.",
    "\"\"\"",
    "import argparse",
    "import gzip",
    "import importlib.util",
    "import os",
    "import struct",
    "import sys",
    "import zlib",
    "",
    "sys.dont_write_bytecode = True  # no model.pyc to outlive a model.py exported again",
    "",
    "import numpy as np  # noqa: E402",
    "import torch  # noqa: E402",
    "",
};

static const char *const check_py_body[] = {
#include "engine/export_check.inc"
};

static void write_check_py(FILE *f, const char *source, const char *data)
{
    PUT_LINES(f, check_py_head);
    fprintf(f, "MODEL = ");
    py_string(f, source);
    fprintf(f, "  # the model file (eval's first line names it)\n");
    fprintf(f, "DEFAULT_DATA = ");
    py_string(f, data);
    fprintf(f, "\nCLASSES = 10\nBATCH = 500  # images per forward pass\n\n");
    fprintf(f, "HERE = os.path.dirname(os.path.abspath(__file__))\n"
               "_spec = importlib.util.spec_from_file_location(\"model\", "
               "os.path.join(HERE, \"model.py\"))\n"
               "model = importlib.util.module_from_spec(_spec)\n"
               "_spec.loader.exec_module(model)\n\n");
    PUT_LINES(f, check_py_body);
}

/* Writes every layer's arrays into the .npz at path. */
static bool write_weights(const Net *net, const char *path, char *err, size_t err_size)
{
    NpzWriter *z = npz_create(path, err, err_size);
    if (!z)
        return false;
    for (int i = 0; i < net->spec.n_layers; i++) {
        LayerArrays arrays = kind_exports[net->spec.layers[i].kind].arrays;
        if (!arrays)
            continue;
        LayerArray a[8];
        int n = arrays(net, i, a);
        for (int k = 0; k < n; k++) {
            char name[64];
            snprintf(name, sizeof name, "L%02d.%s", i, a[k].key);
            if (!npz_add(z, name, a[k].data, a[k].dims, a[k].nd, err, err_size)) {
                npz_discard(z);
                return false;
            }
        }
    }
    return npz_close(z, err, err_size);
}

/* ---------------------------------------------------------------- staging and commit */

static const char *const export_files[] = {"weights.npz", "model.py", "check.py"};
#define N_EXPORT_FILES 3

typedef struct Staging {
    char out[PATH_SIZE];  /* DIR, without trailing slashes */
    char dir[STAGE_SIZE]; /* the staging folder */
    bool inside;          /* staged inside DIR (it holds files, or is ., .., or a link) */
    bool made[N_EXPORT_FILES];
} Staging;

static bool make_parents(const char *path, char *err, size_t err_size)
{
    char p[PATH_SIZE];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            snprintf(err, err_size, "%.900s: cannot create folder: %s", p, strerror(errno));
            return false;
        }
        *s = '/';
    }
    return true;
}

/* 1: dir has entries besides . and ..; 0: empty; -1: cannot be read. */
static int dir_has_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int found = 0;
    for (struct dirent *e = readdir(d); e && !found; e = readdir(d))
        found = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return found;
}

/* Decides where to stage (see the top of this file) and creates the staging folder. */
static bool staging_open(Staging *st, const char *out, bool force, char *err, size_t err_size)
{
    memset(st, 0, sizeof *st);
    if (snprintf(st->out, sizeof st->out, "%s", out) >= (int)sizeof st->out - 64) {
        snprintf(err, err_size, "%.200s...: path too long", out);
        return false;
    }
    size_t len = strlen(st->out);
    while (len > 1 && st->out[len - 1] == '/')
        st->out[--len] = '\0';
    struct stat s;
    if (stat(st->out, &s) == 0) {
        if (!S_ISDIR(s.st_mode)) {
            snprintf(err, err_size, "%s: exists and is not a folder", st->out);
            return false;
        }
        int full = dir_has_entries(st->out);
        if (full < 0) {
            snprintf(err, err_size, "%s: cannot read the folder: %s", st->out, strerror(errno));
            return false;
        }
        if (full && !force) {
            snprintf(err, err_size,
                     "%s: the folder is not empty (export wants a new or empty folder; --force "
                     "replaces model.py, weights.npz and check.py in it and keeps the rest)",
                     st->out);
            return false;
        }
        /* a folder named . or .., or reached through a link, cannot be renamed onto: fill it */
        const char *slash = strrchr(st->out, '/');
        const char *base = slash ? slash + 1 : st->out;
        struct stat ls;
        st->inside = full || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
                     strcmp(st->out, "/") == 0 || lstat(st->out, &ls) != 0 || !S_ISDIR(ls.st_mode);
    } else if (errno != ENOENT) {
        snprintf(err, err_size, "%s: %s", st->out, strerror(errno));
        return false;
    } else if (!make_parents(st->out, err, err_size)) {
        return false;
    }
    if (st->inside) {
        snprintf(st->dir, sizeof st->dir, "%s/.export.XXXXXX", st->out);
    } else {
        /* beside DIR, in its parent: PARENT/.NAME.export.XXXXXX */
        const char *slash = strrchr(st->out, '/');
        const char *base = slash ? slash + 1 : st->out;
        int plen = slash ? (int)(slash - st->out) + 1 : 0;
        snprintf(st->dir, sizeof st->dir, "%.*s.%s.export.XXXXXX", plen, st->out, base);
    }
    if (!mkdtemp(st->dir)) {
        snprintf(err, err_size, "%s: cannot create a folder beside it: %s", st->out,
                 strerror(errno));
        return false;
    }
    /* mkdtemp makes it 0700; as a new DIR it should have a folder's usual permissions */
    mode_t mask = umask(0);
    umask(mask);
    chmod(st->dir, 0777 & ~mask);
    return true;
}

static void staged_path(const Staging *st, int k, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", st->dir, export_files[k]);
}

/* Removes whatever was staged, and the staging folder. */
static void staging_discard(Staging *st)
{
    char path[STAGED_SIZE];
    for (int k = 0; k < N_EXPORT_FILES; k++) {
        staged_path(st, k, path, sizeof path);
        if (st->made[k])
            remove(path);
    }
    rmdir(st->dir);
}

static bool staging_commit(Staging *st, char *err, size_t err_size)
{
    if (!st->inside) {
        /* one rename: DIR appears whole (replacing it when it is an empty folder) */
        if (rename(st->dir, st->out) != 0) {
            snprintf(err, err_size, "%s: cannot move the files into place: %s", st->out,
                     strerror(errno));
            return false;
        }
        return true;
    }
    char from[STAGED_SIZE], to[STAGED_SIZE];
    for (int k = 0; k < N_EXPORT_FILES; k++) {
        staged_path(st, k, from, sizeof from);
        snprintf(to, sizeof to, "%s/%s", st->out, export_files[k]);
        if (rename(from, to) != 0) {
            snprintf(err, err_size, "%.900s: cannot move into place: %s", to, strerror(errno));
            return false;
        }
        st->made[k] = false;
    }
    rmdir(st->dir);
    return true;
}

/* Opens staged file k for writing text; NULL with the message in err. */
static FILE *staged_open(Staging *st, int k, char *err, size_t err_size)
{
    char path[STAGED_SIZE];
    staged_path(st, k, path, sizeof path);
    st->made[k] = true;
    FILE *f = fopen(path, "w");
    if (!f)
        snprintf(err, err_size, "%s/%s: cannot create: %s", st->out, export_files[k],
                 strerror(errno));
    return f;
}

static bool staged_close(const Staging *st, int k, FILE *f, char *err, size_t err_size)
{
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    if (!ok)
        snprintf(err, err_size, "%s/%s: write error", st->out, export_files[k]);
    return ok;
}

/* ---------------------------------------------------------------- the export */

/* Writes the three staged files; false with "PATH: why" in err (naming the file asked for, not
 * its staging copy). */
static bool write_staged(Staging *st, const Net *net, const PyModel *py, const char *model_name,
                         const char *digits_dir, char *err, size_t err_size)
{
    char path[STAGED_SIZE];
    staged_path(st, 0, path, sizeof path);
    st->made[0] = true;
    if (!write_weights(net, path, err, err_size)) {
        size_t plen = strlen(path);
        if (strncmp(err, path, plen) == 0) {
            char *why = strdup(err + plen);
            snprintf(err, err_size, "%.900s/%s%s", st->out, export_files[0], why ? why : ": error");
            free(why);
        }
        return false;
    }
    FILE *f = staged_open(st, 1, err, err_size);
    if (!f)
        return false;
    write_model_py(f, net, py, model_name);
    if (!staged_close(st, 1, f, err, err_size))
        return false;
    if (!(f = staged_open(st, 2, err, err_size)))
        return false;
    write_check_py(f, model_name, digits_dir);
    return staged_close(st, 2, f, err, err_size);
}

bool export_pytorch(const Net *net, const char *model_name, const char *digits_dir,
                    const char *out_dir, bool force, char *err, size_t err_size)
{
    PyModel *py = malloc(sizeof *py);
    Staging *st = malloc(sizeof *st);
    bool ok = false;
    if (!py || !st)
        snprintf(err, err_size, "%s: out of memory", out_dir);
    else if (build_modules(py, net, model_name, err, err_size) &&
             staging_open(st, out_dir, force, err, err_size)) {
        ok = write_staged(st, net, py, model_name, digits_dir, err, err_size) &&
             staging_commit(st, err, err_size);
        if (!ok)
            staging_discard(st);
    }
    free(st);
    free(py);
    return ok;
}
