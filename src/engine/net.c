/* net.c - see net.h. Legend: N batch, C channels, H/W height/width, O outputs, K classes. */
#include "engine/net.h"

#include "engine/batchnorm.h"
#include "engine/dense.h"
#include "engine/fastconv.h"
#include "engine/fastgroup.h"
#include "engine/rng.h"
#include "engine/workers.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------- names and shapes */

static const char *const kind_names[LAYER_KIND_COUNT] = {
    "conv", "deconv", "maxpool",  "avgpool", "l2pool",  "relu",  "leaky",   "sigmoid",
    "tanh", "abs",    "softplus", "lrn",     "flatten", "dense", "softmax", "batchnorm",
};

const char *layer_kind_name(LayerKind kind)
{
    assert(kind >= 0 && kind < LAYER_KIND_COUNT);
    return kind_names[kind];
}

bool layer_has_params(LayerKind kind)
{
    return kind == LAYER_CONV || kind == LAYER_DECONV || kind == LAYER_DENSE ||
           kind == LAYER_BATCHNORM;
}

long shape_elems(Shape s)
{
    return (long)s.c * s.h * s.w;
}

char *shape_format(Shape s, char *buf, size_t size)
{
    if (s.rank == 1)
        snprintf(buf, size, "%d", s.c);
    else
        snprintf(buf, size, "%dx%dx%d", s.c, s.h, s.w);
    return buf;
}

long layer_param_count(const Layer *layer)
{
    return layer->n_w + layer->n_b;
}

char *layer_param_formula(const Layer *layer, char *buf, size_t size)
{
    const Layer *l = layer;
    switch (l->kind) {
    case LAYER_CONV: /* (O, C/G, KH, KW) */
        snprintf(buf, size, "%dx%dx%dx%d + %d = %ld", l->conv.o, l->conv.c / conv_groups(&l->conv),
                 l->conv.kh, l->conv.kw, l->conv.o, layer_param_count(l));
        break;
    case LAYER_DECONV: /* (C, O/G, KH, KW) */
        snprintf(buf, size, "%dx%dx%dx%d + %d = %ld", l->conv.c, l->conv.o / conv_groups(&l->conv),
                 l->conv.kh, l->conv.kw, l->conv.o, layer_param_count(l));
        break;
    case LAYER_BATCHNORM: /* gamma (C) + beta (C) */
        snprintf(buf, size, "%ld + %ld = %ld", l->n_w, l->n_b, layer_param_count(l));
        break;
    case LAYER_DENSE:
        snprintf(buf, size, "%dx%d + %d = %ld", l->units, l->in.c, l->units, layer_param_count(l));
        break;
    default:
        snprintf(buf, size, "0");
    }
    return buf;
}

/* Appends printf output to buf at *len (truncating safely). */
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
    if (*len >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *len, size - *len, fmt, ap);
    va_end(ap);
    if (k > 0)
        *len = *len + (size_t)k < size ? *len + (size_t)k : size;
}

/* " key=A" or " key=A,B" (omitted when both equal def) */
static void append_pair(char *buf, size_t size, size_t *len, const char *key, int a, int b, int def)
{
    if (a == def && b == def)
        return;
    if (a == b)
        append(buf, size, len, " %s=%d", key, a);
    else
        append(buf, size, len, " %s=%d,%d", key, a, b);
}

/* " key=V" with the shortest decimal that reads back as the same float (0.3, not 0.300000012) */
static void append_float(char *buf, size_t size, size_t *len, const char *key, float v)
{
    char num[32];
    for (int digits = 6; digits <= 9; digits++) {
        snprintf(num, sizeof num, "%.*g", digits, (double)v);
        if (strtof(num, NULL) == v)
            break;
    }
    append(buf, size, len, " %s=%s", key, num);
}

char *layer_format(const Layer *layer, char *buf, size_t size)
{
    const Layer *l = layer;
    size_t len = 0;
    buf[0] = '\0';
    append(buf, size, &len, "%s", layer_kind_name(l->kind));
    switch (l->kind) {
    case LAYER_CONV:
    case LAYER_DECONV: {
        const ConvGeom *g = &l->conv;
        append(buf, size, &len, " %d", g->o);
        append_pair(buf, size, &len, "k", g->kh, g->kw, -1);
        append_pair(buf, size, &len, "stride", g->sh, g->sw, 1);
        if (g->pt == g->pb && g->pl == g->pr)
            append_pair(buf, size, &len, "pad", g->pt, g->pl, 0);
        else
            append(buf, size, &len, " pad=%d,%d,%d,%d", g->pt, g->pb, g->pl, g->pr);
        append_pair(buf, size, &len, "dilation", g->dh, g->dw, 1);
        if (l->kind == LAYER_DECONV)
            append_pair(buf, size, &len, "outpad", g->oph, g->opw, 0);
        if (conv_groups(g) > 1)
            append(buf, size, &len, " groups=%d", conv_groups(g));
        break;
    }
    case LAYER_BATCHNORM:
        if (l->bn_eps != BATCHNORM_EPS)
            append_float(buf, size, &len, "eps", l->bn_eps);
        if (l->bn_momentum != BATCHNORM_MOMENTUM)
            append_float(buf, size, &len, "momentum", l->bn_momentum);
        break;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
    case LAYER_L2POOL:
        append_pair(buf, size, &len, "k", l->pool.kh, l->pool.kw, -1);
        if (l->pool.sh != l->pool.kh || l->pool.sw != l->pool.kw)
            append_pair(buf, size, &len, "stride", l->pool.sh, l->pool.sw, -1);
        break;
    case LAYER_LEAKY:
        append(buf, size, &len, " alpha=%.9g", (double)l->param);
        break;
    case LAYER_SOFTPLUS:
        append(buf, size, &len, " beta=%.9g", (double)l->param);
        break;
    case LAYER_LRN:
        append(buf, size, &len, " size=%d alpha=%.9g beta=%.9g k=%.9g", l->lrn_size,
               (double)l->lrn_alpha, (double)l->lrn_beta, (double)l->lrn_k);
        break;
    case LAYER_DENSE:
        append(buf, size, &len, " %d", l->units);
        break;
    default:
        break;
    }
    return buf;
}

/* ---------------------------------------------------------------- the parser */

typedef struct Parser {
    const char *file;
    int line;
    char *err;
    size_t err_size;
} Parser;

static bool fail(Parser *p, const char *fmt, ...)
{
    size_t len = 0;
    if (!p->err || p->err_size == 0)
        return false;
    p->err[0] = '\0';
    if (p->line > 0)
        append(p->err, p->err_size, &len, "%s:%d: ", p->file, p->line);
    else
        append(p->err, p->err_size, &len, "%s: ", p->file);
    va_list ap;
    va_start(ap, fmt);
    if (len < p->err_size)
        vsnprintf(p->err + len, p->err_size - len, fmt, ap);
    va_end(ap);
    return false;
}

#define MAX_TOKENS    16
#define MAX_INT_VALUE 65536

typedef struct KeyVal {
    const char *key; /* allowed key name */
    const char *val; /* its value text, NULL when absent */
} KeyVal;

/* Parses a decimal integer in [lo, MAX_INT_VALUE] from s (whole string). */
static bool parse_int(Parser *p, const char *key, const char *s, int lo, int *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno || *s == '+' || *s == ' ')
        return fail(p, "bad number '%s' for %s (expected %s integer)", s, key,
                    lo > 0 ? "a positive" : "a non-negative");
    if (v < lo)
        return fail(p, "%s=%ld is too small (at least %d)", key, v, lo);
    if (v > MAX_INT_VALUE)
        return fail(p, "%s=%ld is too large (at most %d)", key, v, MAX_INT_VALUE);
    *out = (int)v;
    return true;
}

/* Parses "A" or "A,B" or ... into vals; n_ok lists how many numbers are accepted. */
static bool parse_ints(Parser *p, const char *key, const char *s, int lo, int *vals, int *count,
                       int max_count, const char *forms)
{
    char tmp[64];
    if (strlen(s) >= sizeof tmp)
        return fail(p, "bad number '%s' for %s", s, key);
    strcpy(tmp, s);
    int n = 0;
    char *start = tmp;
    for (;;) {
        char *comma = strchr(start, ',');
        if (comma)
            *comma = '\0';
        if (n == max_count)
            return fail(p, "%s=%s has too many numbers (%s)", key, s, forms);
        if (*start == '\0')
            return fail(p, "%s=%s has an empty number (%s)", key, s, forms);
        if (!parse_int(p, key, start, lo, &vals[n]))
            return false;
        n++;
        if (!comma)
            break;
        start = comma + 1;
    }
    *count = n;
    return true;
}

/* K or KH,KW into (a, b). */
static bool parse_pair(Parser *p, const char *key, const char *s, int lo, int *a, int *b)
{
    int v[4] = {0, 0, 0, 0}, n = 0;
    char forms[64];
    snprintf(forms, sizeof forms, "%s=N or %s=NH,NW", key, key);
    if (!parse_ints(p, key, s, lo, v, &n, 2, forms))
        return false;
    *a = v[0];
    *b = n == 2 ? v[1] : v[0];
    return true;
}

static bool parse_float(Parser *p, const char *key, const char *s, bool positive, float *out)
{
    char *end = NULL;
    errno = 0;
    float v = strtof(s, &end);
    if (*s == '\0' || *end != '\0' || errno || !isfinite(v))
        return fail(p, "bad number '%s' for %s (expected a number)", s, key);
    if (positive && !(v > 0.0f))
        return fail(p, "%s=%s must be greater than 0", key, s);
    *out = v;
    return true;
}

static const char *kind_keys(LayerKind kind)
{
    switch (kind) {
    case LAYER_CONV:
        return "k stride pad dilation groups";
    case LAYER_DECONV:
        return "k stride pad dilation outpad groups";
    case LAYER_BATCHNORM:
        return "eps momentum";
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
    case LAYER_L2POOL:
        return "k stride";
    case LAYER_LEAKY:
        return "alpha";
    case LAYER_SOFTPLUS:
        return "beta";
    case LAYER_LRN:
        return "size alpha beta k";
    default:
        return "";
    }
}

const char *layer_kind_keys(LayerKind kind)
{
    assert(kind >= 0 && kind < LAYER_KIND_COUNT);
    return kind_keys(kind);
}

/* Finds key (length n) among the space-separated words of list. */
static bool key_known(const char *list, const char *key, size_t n)
{
    const char *s = list;
    while (*s) {
        size_t w = strcspn(s, " ");
        if (w == n && strncmp(s, key, n) == 0)
            return true;
        s += w;
        while (*s == ' ')
            s++;
    }
    return false;
}

static const char *val_of(const KeyVal *kv, int nkv, const char *key)
{
    for (int i = 0; i < nkv; i++)
        if (strcmp(kv[i].key, key) == 0)
            return kv[i].val;
    return NULL;
}

/* floor(a / b) for b > 0 (C division truncates toward zero). */
static long long floordiv(long long a, long long b)
{
    long long q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static void pad_text(const ConvGeom *g, char *buf, size_t size)
{
    if (g->pt == g->pb && g->pl == g->pr && g->pt == g->pl)
        snprintf(buf, size, "padding %d", g->pt);
    else if (g->pt == g->pb && g->pl == g->pr)
        snprintf(buf, size, "padding %d,%d", g->pt, g->pl);
    else
        snprintf(buf, size, "padding T,B,L,R = %d,%d,%d,%d", g->pt, g->pb, g->pl, g->pr);
}

static void kernel_text(int kh, int kw, char *buf, size_t size)
{
    if (kh == kw)
        snprintf(buf, size, "k=%d", kh);
    else
        snprintf(buf, size, "k=%d,%d", kh, kw);
}

/* Output sizes of a conv / deconv along one axis, with the formula written out on failure. */
static bool conv_axis(Parser *p, const Layer *l, bool deconv, int axis, long long *out)
{
    const ConvGeom *g = &l->conv;
    int in = axis == 0 ? g->h : g->w, k = axis == 0 ? g->kh : g->kw;
    int s = axis == 0 ? g->sh : g->sw, d = axis == 0 ? g->dh : g->dw;
    int lo = axis == 0 ? g->pt : g->pl, hi = axis == 0 ? g->pb : g->pr;
    int op = axis == 0 ? g->oph : g->opw;
    long long v;
    char formula[160];
    if (deconv) {
        v = (long long)(in - 1) * s - lo - hi + (long long)d * (k - 1) + op + 1;
        snprintf(formula, sizeof formula, "(%d - 1)*%d - %d - %d + %d*(%d-1) + %d + 1 = %lld", in,
                 s, lo, hi, d, k, op, v);
    } else {
        v = floordiv((long long)in + lo + hi - (long long)d * (k - 1) - 1, s) + 1;
        snprintf(formula, sizeof formula, "floor((%d + %d + %d - %d*(%d-1) - 1)/%d) + 1 = %lld", in,
                 lo, hi, d, k, s, v);
    }
    if (v <= 0) {
        char shape[48], pad[64], kern[32];
        pad_text(g, pad, sizeof pad);
        kernel_text(g->kh, g->kw, kern, sizeof kern);
        return fail(p, "%s %s on input %s (%s) gives an empty output: %s (%s)",
                    deconv ? "deconv" : "conv", kern, shape_format(l->in, shape, sizeof shape), pad,
                    formula, axis == 0 ? "height" : "width");
    }
    *out = v;
    return true;
}

static bool need_image(Parser *p, const Layer *l)
{
    if (l->in.rank == 3)
        return true;
    return fail(p, "%s needs a CxHxW input but gets a flat %d (put it before flatten)",
                layer_kind_name(l->kind), l->in.c);
}

/* Checks a tensor shape against the memory limits. */
static bool check_shape(Parser *p, const char *what, long long c, long long h, long long w)
{
    if (c > NET_MAX_CHANNELS)
        return fail(p, "%s has %lld channels, more than the limit of %d", what, c,
                    NET_MAX_CHANNELS);
    if (c * h * w > NET_MAX_ELEMS)
        return fail(p,
                    "%s of %lldx%lldx%lld has %lld elements per example, more than the "
                    "limit of %ld",
                    what, c, h, w, c * h * w, NET_MAX_ELEMS);
    return true;
}

/* Fills l->out (and the geometry) from l->in and the parsed keys; reports every mistake. */
static bool layer_shape(Parser *p, Layer *l)
{
    char shape[48];
    switch (l->kind) {
    case LAYER_CONV:
    case LAYER_DECONV: {
        if (!need_image(p, l))
            return false;
        bool de = l->kind == LAYER_DECONV;
        ConvGeom *g = &l->conv;
        g->n = 1;
        g->c = l->in.c;
        g->h = l->in.h;
        g->w = l->in.w;
        g->o = l->units;
        const int groups = conv_groups(g);
        if (g->c % groups != 0)
            return fail(p,
                        "%s %d groups=%d: the input's %d channels (input %s) are not a multiple "
                        "of the groups (%d = %dx%d + %d); the input and output channels must "
                        "both divide by G",
                        layer_kind_name(l->kind), g->o, groups, g->c,
                        shape_format(l->in, shape, sizeof shape), g->c, g->c / groups, groups,
                        g->c % groups);
        if (g->o % groups != 0)
            return fail(p,
                        "%s %d groups=%d: the %d output channels are not a multiple of the "
                        "groups (%d = %dx%d + %d); the input and output channels must both "
                        "divide by G",
                        layer_kind_name(l->kind), g->o, groups, g->o, g->o, g->o / groups, groups,
                        g->o % groups);
        /* PyTorch ConvTranspose2d's rule, per axis: the output padding is smaller than the
         * stride or than the dilation (its rows hold only the bias where no tap reaches) */
        if (de && ((g->oph >= g->sh && g->oph >= g->dh) || (g->opw >= g->sw && g->opw >= g->dw)))
            return fail(p,
                        "deconv outpad=%d,%d is not smaller than stride=%d,%d or dilation=%d,%d "
                        "(PyTorch: output padding must be smaller than either the stride or the "
                        "dilation)",
                        g->oph, g->opw, g->sh, g->sw, g->dh, g->dw);
        long long oh = 0, ow = 0;
        if (!conv_axis(p, l, de, 0, &oh) || !conv_axis(p, l, de, 1, &ow))
            return false;
        if (!check_shape(p, de ? "deconv output" : "conv output", g->o, oh, ow))
            return false;
        g->oh = (int)oh;
        g->ow = (int)ow;
        l->out = (Shape){3, g->o, g->oh, g->ow};
        /* conv (O, C/G, KH, KW), deconv (C, O/G, KH, KW): the same count */
        l->n_w = (long)g->o * (g->c / groups) * g->kh * g->kw;
        l->n_b = g->o;
        return true;
    }
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
    case LAYER_L2POOL: {
        if (!need_image(p, l))
            return false;
        PoolGeom *g = &l->pool;
        g->n = 1;
        g->c = l->in.c;
        g->h = l->in.h;
        g->w = l->in.w;
        long long oh = floordiv((long long)g->h - g->kh, g->sh) + 1;
        long long ow = floordiv((long long)g->w - g->kw, g->sw) + 1;
        if (oh <= 0 || ow <= 0) {
            char kern[32];
            kernel_text(g->kh, g->kw, kern, sizeof kern);
            bool hgt = oh <= 0;
            return fail(p,
                        "%s %s on input %s gives an empty output: floor((%d - %d)/%d) + 1 "
                        "= %lld (%s)",
                        layer_kind_name(l->kind), kern, shape_format(l->in, shape, sizeof shape),
                        hgt ? g->h : g->w, hgt ? g->kh : g->kw, hgt ? g->sh : g->sw, hgt ? oh : ow,
                        hgt ? "height" : "width");
        }
        g->oh = (int)oh;
        g->ow = (int)ow;
        l->out = (Shape){3, g->c, g->oh, g->ow};
        return true;
    }
    case LAYER_LRN:
        if (!need_image(p, l))
            return false;
        l->out = l->in;
        return true;
    case LAYER_BATCHNORM:
        /* BatchNorm2d over C x H x W, BatchNorm1d over a flat tensor: one gamma, beta, mean
         * and variance per channel (per element of a flat tensor) */
        l->out = l->in;
        l->n_w = l->in.c;
        l->n_b = l->in.c;
        l->n_s = 2L * l->in.c;
        return true;
    case LAYER_FLATTEN:
        l->out = (Shape){1, (int)shape_elems(l->in), 1, 1};
        return true;
    case LAYER_DENSE:
        if (l->in.rank != 1)
            return fail(p, "dense needs a flat input but gets %s; add 'flatten' before it",
                        shape_format(l->in, shape, sizeof shape));
        l->out = (Shape){1, l->units, 1, 1};
        l->n_w = (long)l->units * l->in.c;
        l->n_b = l->units;
        return true;
    case LAYER_SOFTMAX:
        if (l->in.rank != 1)
            return fail(p,
                        "softmax needs a flat input but gets %s; add 'flatten' (and "
                        "'dense K') before it",
                        shape_format(l->in, shape, sizeof shape));
        l->out = l->in;
        return true;
    default: /* activations keep the shape */
        l->out = l->in;
        return true;
    }
}

/* Parses one layer line (tokens tok[0..ntok)) into l, whose `in` is already set. */
static bool parse_layer(Parser *p, Layer *l, char **tok, int ntok)
{
    int kind = -1;
    for (int k = 0; k < LAYER_KIND_COUNT; k++)
        if (strcmp(tok[0], kind_names[k]) == 0)
            kind = k;
    if (kind < 0) {
        if (strcmp(tok[0], "input") == 0)
            return fail(p, "'input' may only be the first line");
        return fail(p,
                    "unknown layer '%s' (known: conv, deconv, maxpool, avgpool, l2pool, "
                    "relu, leaky, sigmoid, tanh, abs, softplus, lrn, batchnorm, flatten, "
                    "dense, softmax)",
                    tok[0]);
    }
    l->kind = (LayerKind)kind;
    const char *name = tok[0];
    int t = 1;
    /* the positional count of conv OUT, deconv OUT, dense N */
    if (kind == LAYER_CONV || kind == LAYER_DECONV || kind == LAYER_DENSE) {
        const char *what = kind == LAYER_DENSE ? "outputs" : "output channels";
        if (t >= ntok || strchr(tok[t], '='))
            return fail(p, "%s is missing its number of %s (%s %s ...)", name, what, name,
                        kind == LAYER_DENSE ? "N" : "OUT");
        if (!parse_int(p, what, tok[t], 1, &l->units))
            return false;
        if (l->units > NET_MAX_CHANNELS)
            return fail(p, "%s %d: %d %s is more than the limit of %d", name, l->units, l->units,
                        what, NET_MAX_CHANNELS);
        t++;
    }
    const char *keys = kind_keys(l->kind);
    /* the keys this kind accepts, each with the value text found on the line */
    KeyVal kv[8];
    int nkv = 0;
    char keybuf[64];
    snprintf(keybuf, sizeof keybuf, "%s", keys);
    char *save = NULL;
    for (char *s = strtok_r(keybuf, " ", &save); s && nkv < 8; s = strtok_r(NULL, " ", &save))
        kv[nkv++] = (KeyVal){s, NULL};
    for (; t < ntok; t++) {
        char *eq = strchr(tok[t], '=');
        size_t klen = eq ? (size_t)(eq - tok[t]) : strlen(tok[t]);
        if (!key_known(keys, tok[t], klen)) {
            if (nkv == 0)
                return fail(p, "%s takes no options, but got '%s'", name, tok[t]);
            return fail(p, "unknown key '%.*s' for %s (known: %s)", (int)klen, tok[t], name, keys);
        }
        if (!eq || eq[1] == '\0')
            return fail(p, "%.*s= is missing its value in '%s'", (int)klen, tok[t], tok[t]);
        for (int i = 0; i < nkv; i++) {
            if (strlen(kv[i].key) != klen || strncmp(kv[i].key, tok[t], klen) != 0)
                continue;
            if (kv[i].val)
                return fail(p, "duplicate key %s= in %s", kv[i].key, name);
            kv[i].val = eq + 1;
        }
    }

    const char *v;
    switch (l->kind) {
    case LAYER_CONV:
    case LAYER_DECONV: {
        ConvGeom *g = &l->conv;
        memset(g, 0, sizeof *g);
        g->sh = g->sw = g->dh = g->dw = 1;
        if (!(v = val_of(kv, nkv, "k")))
            return fail(p, "%s needs a kernel size k=K or k=KH,KW", name);
        if (!parse_pair(p, "k", v, 1, &g->kh, &g->kw))
            return false;
        if ((v = val_of(kv, nkv, "stride")) && !parse_pair(p, "stride", v, 1, &g->sh, &g->sw))
            return false;
        if ((v = val_of(kv, nkv, "dilation")) && !parse_pair(p, "dilation", v, 1, &g->dh, &g->dw))
            return false;
        if ((v = val_of(kv, nkv, "outpad")) && !parse_pair(p, "outpad", v, 0, &g->oph, &g->opw))
            return false;
        g->groups = 1;
        if ((v = val_of(kv, nkv, "groups")) && !parse_int(p, "groups", v, 1, &g->groups))
            return false;
        if ((v = val_of(kv, nkv, "pad"))) {
            int pv[4] = {0, 0, 0, 0}, n = 0;
            if (!parse_ints(p, "pad", v, 0, pv, &n, 4, "pad=P, pad=PH,PW or pad=T,B,L,R"))
                return false;
            if (n == 3)
                return fail(p, "pad=%s has 3 numbers (pad=P, pad=PH,PW or pad=T,B,L,R)", v);
            if (n == 1)
                g->pt = g->pb = g->pl = g->pr = pv[0];
            else if (n == 2) {
                g->pt = g->pb = pv[0];
                g->pl = g->pr = pv[1];
            } else {
                g->pt = pv[0];
                g->pb = pv[1];
                g->pl = pv[2];
                g->pr = pv[3];
            }
        }
        break;
    }
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
    case LAYER_L2POOL: {
        PoolGeom *g = &l->pool;
        memset(g, 0, sizeof *g);
        if (!(v = val_of(kv, nkv, "k")))
            return fail(p, "%s needs a window size k=K or k=KH,KW", name);
        if (!parse_pair(p, "k", v, 1, &g->kh, &g->kw))
            return false;
        g->sh = g->kh;
        g->sw = g->kw;
        if ((v = val_of(kv, nkv, "stride")) && !parse_pair(p, "stride", v, 1, &g->sh, &g->sw))
            return false;
        break;
    }
    case LAYER_RELU:
    case LAYER_LEAKY:
    case LAYER_SIGMOID:
    case LAYER_TANH:
    case LAYER_ABS:
    case LAYER_SOFTPLUS: {
        static const ActKind acts[] = {ACT_RELU, ACT_LEAKY, ACT_SIGMOID,
                                       ACT_TANH, ACT_ABS,   ACT_SOFTPLUS};
        l->act = acts[l->kind - LAYER_RELU];
        l->param = 0.0f;
        if (l->kind == LAYER_LEAKY) {
            l->param = 0.01f;
            if ((v = val_of(kv, nkv, "alpha")) && !parse_float(p, "alpha", v, false, &l->param))
                return false;
        } else if (l->kind == LAYER_SOFTPLUS) {
            l->param = 1.0f;
            if ((v = val_of(kv, nkv, "beta")) && !parse_float(p, "beta", v, true, &l->param))
                return false;
        }
        break;
    }
    case LAYER_LRN:
        /* PyTorch local_response_norm defaults */
        l->lrn_alpha = 1e-4f;
        l->lrn_beta = 0.75f;
        l->lrn_k = 1.0f;
        if (!(v = val_of(kv, nkv, "size")))
            return fail(p, "lrn needs size=N (channels in the window)");
        if (!parse_int(p, "size", v, 1, &l->lrn_size))
            return false;
        if ((v = val_of(kv, nkv, "alpha")) && !parse_float(p, "alpha", v, false, &l->lrn_alpha))
            return false;
        if ((v = val_of(kv, nkv, "beta")) && !parse_float(p, "beta", v, false, &l->lrn_beta))
            return false;
        if ((v = val_of(kv, nkv, "k")) && !parse_float(p, "k", v, true, &l->lrn_k))
            return false;
        break;
    case LAYER_BATCHNORM:
        l->bn_eps = BATCHNORM_EPS;
        l->bn_momentum = BATCHNORM_MOMENTUM;
        if ((v = val_of(kv, nkv, "eps")) && !parse_float(p, "eps", v, true, &l->bn_eps))
            return false;
        if ((v = val_of(kv, nkv, "momentum")) &&
            !parse_float(p, "momentum", v, false, &l->bn_momentum))
            return false;
        if (l->bn_momentum < 0.0f || l->bn_momentum > 1.0f)
            return fail(p, "momentum=%s must be between 0 and 1 (the running statistics' step)", v);
        break;
    default:
        break;
    }
    return layer_shape(p, l);
}

#define WS " \t\r\v\f"

/* Splits line (modified in place) into whitespace-separated tokens; comments removed. */
static int tokenize(char *line, char **tok, int max)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    int n = 0;
    char *save = NULL;
    for (char *s = strtok_r(line, WS, &save); s; s = strtok_r(NULL, WS, &save)) {
        if (n == max)
            return max + 1;
        tok[n++] = s;
    }
    return n;
}

bool net_parse(NetSpec *spec, const char *text, const char *file, char *err, size_t err_size)
{
    Parser p = {file ? file : "(net)", 0, err, err_size};
    if (err && err_size)
        err[0] = '\0';
    memset(spec, 0, sizeof *spec);
    size_t text_len = strlen(text);
    if (text_len > NET_MAX_TEXT)
        return fail(&p, "the net text has %zu bytes, more than the limit of %d", text_len,
                    NET_MAX_TEXT);
    bool have_input = false;
    int softmax_line = 0;
    long long n_params = 0;
    long n_state = 0;
    const char *s = text;
    while (*s) {
        size_t n = strcspn(s, "\n");
        char line[1024];
        p.line++;
        if (n >= sizeof line)
            return fail(&p, "line longer than %zu characters", sizeof line - 1);
        memcpy(line, s, n);
        line[n] = '\0';
        s += n;
        if (*s == '\n')
            s++;
        char *tok[MAX_TOKENS];
        int ntok = tokenize(line, tok, MAX_TOKENS);
        if (ntok == 0)
            continue;
        if (ntok > MAX_TOKENS)
            return fail(&p, "too many words on one line (at most %d)", MAX_TOKENS);
        if (!have_input) {
            if (strcmp(tok[0], "input") != 0)
                return fail(&p, "the first line must be 'input C H W', not '%s'", tok[0]);
            if (ntok != 4)
                return fail(&p, "input needs 3 numbers: input C H W (got %d)", ntok - 1);
            int c = 0, h = 0, w = 0;
            if (!parse_int(&p, "input C", tok[1], 1, &c) ||
                !parse_int(&p, "input H", tok[2], 1, &h) ||
                !parse_int(&p, "input W", tok[3], 1, &w))
                return false;
            if (!check_shape(&p, "input", c, h, w))
                return false;
            spec->input = (Shape){3, c, h, w};
            have_input = true;
            continue;
        }
        if (softmax_line)
            return fail(&p, "softmax (line %d) must be the last layer, but '%s' follows it",
                        softmax_line, tok[0]);
        if (spec->n_layers == NET_MAX_LAYERS)
            return fail(&p, "more than %d layers (the limit)", NET_MAX_LAYERS);
        Layer *l = &spec->layers[spec->n_layers];
        memset(l, 0, sizeof *l);
        l->line = p.line;
        l->in = spec->n_layers ? spec->layers[spec->n_layers - 1].out : spec->input;
        if (!parse_layer(&p, l, tok, ntok))
            return false;
        l->w_off = (long)n_params;
        l->b_off = (long)n_params + l->n_w;
        l->s_off = n_state;
        n_state += l->n_s;
        n_params += (long long)l->n_w + l->n_b;
        if (n_params > NET_MAX_PARAMS)
            return fail(&p, "the net reaches %lld parameters here, more than the limit of %ld",
                        n_params, NET_MAX_PARAMS);
        if (l->kind == LAYER_SOFTMAX)
            softmax_line = p.line;
        spec->n_layers++;
    }
    p.line = 0;
    if (!have_input)
        return fail(&p, "empty net: the first line must be 'input C H W'");
    if (spec->n_layers == 0)
        return fail(&p, "no layers after the input line");
    spec->n_params = (long)n_params;
    spec->n_state = n_state;
    spec->xent = spec->layers[spec->n_layers - 1].kind == LAYER_SOFTMAX;
    return true;
}

/* ---------------------------------------------------------------- building */

/* Fills the parameters from the seed (He or Xavier, see net.h); biases 0. */
static void init_params(Net *net, uint64_t seed)
{
    Rng rng;
    rng_seed(&rng, seed);
    const NetSpec *sp = &net->spec;
    for (int i = 0; i < sp->n_layers; i++) {
        const Layer *l = &sp->layers[i];
        if (!layer_has_params(l->kind))
            continue;
        if (l->kind == LAYER_BATCHNORM) {
            /* PyTorch's start: gamma 1, beta 0; no random draw */
            for (long j = 0; j < l->n_w; j++)
                net->params[l->w_off + j] = 1.0f;
            memset(net->params + l->b_off, 0, (size_t)l->n_b * sizeof(float));
            continue;
        }
        double fan_in, fan_out;
        if (l->kind == LAYER_DENSE) {
            fan_in = l->in.c;
            fan_out = l->units;
        } else {
            /* each output reads C/G channels of KH x KW */
            fan_in = (double)(l->conv.c / conv_groups(&l->conv)) * l->conv.kh * l->conv.kw;
            fan_out = (double)l->conv.o * l->conv.kh * l->conv.kw;
        }
        /* the next layer that decides the nonlinearity: skip pooling, normalisation, flatten */
        bool rectified = false;
        for (int j = i + 1; j < sp->n_layers; j++) {
            LayerKind k = sp->layers[j].kind;
            if (k == LAYER_MAXPOOL || k == LAYER_AVGPOOL || k == LAYER_L2POOL || k == LAYER_LRN ||
                k == LAYER_BATCHNORM || k == LAYER_FLATTEN)
                continue;
            rectified = k == LAYER_RELU || k == LAYER_LEAKY || k == LAYER_ABS;
            break;
        }
        float *w = net->params + l->w_off; /* layer's weight layout, n_w values */
        if (rectified) {
            float sd = (float)sqrt(2.0 / fan_in);
            for (long j = 0; j < l->n_w; j++)
                w[j] = sd * rng_normal(&rng);
        } else {
            float a = (float)sqrt(6.0 / (fan_in + fan_out));
            for (long j = 0; j < l->n_w; j++)
                w[j] = a * (2.0f * rng_uniform(&rng) - 1.0f);
        }
        memset(net->params + l->b_off, 0, (size_t)l->n_b * sizeof(float));
    }
}

Net *net_create(const char *text, const char *file, uint64_t seed, char *err, size_t err_size)
{
    Net *net = calloc(1, sizeof *net);
    if (!net) {
        snprintf(err, err_size, "%s: out of memory", file ? file : "(net)");
        return NULL;
    }
    if (!net_parse(&net->spec, text, file, err, err_size)) {
        free(net);
        return NULL;
    }
    net->n_params = net->spec.n_params;
    size_t len = strlen(text);
    net->text = malloc(len + 1);
    /* +1: a net without parameters still gets valid (non-NULL) buffers */
    net->params = calloc((size_t)net->n_params + 1, sizeof(float));
    net->grads = calloc((size_t)net->n_params + 1, sizeof(float));
    net->n_state = net->spec.n_state;
    net->state = calloc((size_t)net->n_state + 1, sizeof(float));
    if (!net->text || !net->params || !net->grads || !net->state) {
        snprintf(err, err_size, "%s: out of memory for %ld parameters", file ? file : "(net)",
                 net->n_params);
        net_destroy(net);
        return NULL;
    }
    memcpy(net->text, text, len + 1);
    init_params(net, seed);
    net_reset_running_stats(net);
    return net;
}

Net *net_load(const char *path, uint64_t seed, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    /* fopen opens a folder too; reading it would then be reported as a read error */
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        snprintf(err, err_size, "%s: is a folder, not a file", path);
        return NULL;
    }
    char *text = malloc(NET_MAX_TEXT + 2);
    if (!text) {
        fclose(f);
        snprintf(err, err_size, "%s: out of memory", path);
        return NULL;
    }
    size_t n = fread(text, 1, NET_MAX_TEXT + 1, f);
    bool bad = ferror(f) != 0;
    fclose(f);
    text[n] = '\0';
    Net *net = NULL;
    if (bad)
        snprintf(err, err_size, "%s: read error", path);
    else if (n > NET_MAX_TEXT)
        snprintf(err, err_size, "%s: larger than %d bytes, the limit for a net file", path,
                 NET_MAX_TEXT);
    else if (memchr(text, '\0', n))
        snprintf(err, err_size, "%s: byte %zu: a NUL byte; a net file is plain text", path,
                 (size_t)((char *)memchr(text, '\0', n) - text));
    else
        net = net_create(text, path, seed, err, err_size);
    free(text);
    return net;
}

void net_destroy(Net *net)
{
    if (!net)
        return;
    workers_destroy(net->workers);
    free(net->text);
    free(net->params);
    free(net->grads);
    free(net->state);
    free(net);
}

/* ---- fast path (engineer "fast"): the thread pool the layer dispatch hands to fastconv ---- */

bool net_set_threads(Net *net, int threads)
{
    if (threads < 0 || threads > WORKERS_MAX)
        return false;
    if (threads == net_threads(net))
        return true;
    Workers *wk = NULL;
    if (threads > 0 && !(wk = workers_create(threads)))
        return false;
    workers_destroy(net->workers);
    net->workers = wk;
    return true;
}

int net_threads(const Net *net)
{
    return net->workers ? workers_count(net->workers) : 0;
}

void net_set_training(Net *net, bool training)
{
    net->training = training;
}

bool net_training(const Net *net)
{
    return net->training;
}

float *net_running_mean(const Net *net, int i)
{
    const Layer *l = &net->spec.layers[i];
    return l->n_s ? net->state + l->s_off : NULL;
}

float *net_running_var(const Net *net, int i)
{
    const Layer *l = &net->spec.layers[i];
    return l->n_s ? net->state + l->s_off + l->in.c : NULL;
}

void net_reset_running_stats(Net *net)
{
    const NetSpec *sp = &net->spec;
    for (int i = 0; i < sp->n_layers; i++) {
        const Layer *l = &sp->layers[i];
        if (l->kind != LAYER_BATCHNORM)
            continue;
        float *mean = net_running_mean(net, i), *var = net_running_var(net, i); /* (C) */
        for (int c = 0; c < l->in.c; c++) {
            mean[c] = 0.0f;
            var[c] = 1.0f;
        }
    }
}

void net_update_running_stats(Net *net, const NetActs *a)
{
    const NetSpec *sp = &net->spec;
    if (!a->training)
        return;
    for (int i = 0; i < sp->n_layers; i++) {
        const Layer *l = &sp->layers[i];
        if (l->kind != LAYER_BATCHNORM)
            continue;
        const int c = l->in.c;
        const long m = (long)a->n * l->in.h * l->in.w; /* values per channel in the batch */
        batchnorm_update_running(net_running_mean(net, i), net_running_var(net, i), a->bn[i],
                                 a->bn[i] + c, m, l->bn_momentum, c);
    }
}

float *net_weights(const Net *net, int i)
{
    const Layer *l = &net->spec.layers[i];
    return l->n_w ? net->params + l->w_off : NULL;
}

float *net_bias(const Net *net, int i)
{
    const Layer *l = &net->spec.layers[i];
    return l->n_b ? net->params + l->b_off : NULL;
}

float *net_dweights(const Net *net, int i)
{
    const Layer *l = &net->spec.layers[i];
    return l->n_w ? net->grads + l->w_off : NULL;
}

float *net_dbias(const Net *net, int i)
{
    const Layer *l = &net->spec.layers[i];
    return l->n_b ? net->grads + l->b_off : NULL;
}

NetActs *net_acts_create(const Net *net, int cap)
{
    assert(cap >= 1);
    const NetSpec *sp = &net->spec;
    NetActs *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->cap = cap;
    size_t in = (size_t)cap * (size_t)shape_elems(sp->input);
    size_t k = (size_t)cap * (size_t)shape_elems(sp->layers[sp->n_layers - 1].out);
    bool ok = (a->x = calloc(in, sizeof(float))) && (a->dx = calloc(in, sizeof(float))) &&
              (a->scratch = calloc(k, sizeof(float))) &&
              (a->labels = calloc((size_t)cap, sizeof(int))) &&
              (a->loss_terms = calloc((size_t)cap, sizeof(double)));
    for (int i = 0; ok && i < sp->n_layers; i++) {
        size_t e = (size_t)cap * (size_t)shape_elems(sp->layers[i].out);
        ok = (a->out[i] = calloc(e, sizeof(float))) && (a->grad[i] = calloc(e, sizeof(float)));
        if (ok && sp->layers[i].kind == LAYER_BATCHNORM)
            ok = (a->bn[i] = calloc(4 * (size_t)sp->layers[i].in.c, sizeof(double))) != NULL;
    }
    if (!ok) {
        net_acts_destroy(a);
        return NULL;
    }
    return a;
}

void net_acts_destroy(NetActs *a)
{
    if (!a)
        return;
    free(a->x);
    free(a->dx);
    free(a->scratch);
    free(a->labels);
    free(a->loss_terms);
    for (int i = 0; i < NET_MAX_LAYERS; i++) {
        free(a->out[i]);
        free(a->grad[i]);
        free(a->bn[i]);
    }
    free(a);
}

/* ---------------------------------------------------------------- layer dispatch
 * The only two functions that know which op computes which layer: a faster path plugs in
 * here. x is the layer's input (N, in), y its output (N, out). fast NULL: the reference ops;
 * otherwise the fast path of fastconv.h on the calling thread (same contracts, same results
 * within float rounding; it falls back to the reference for what it does not handle). */

/* What the fast ops of one layer get: the scratch of the thread running them, and the layer's
 * prepared weights (fastconv_prepare_weights) or NULL. */
typedef struct FastOps {
    float *scratch;
    const float *wt;
} FastOps;

/* Whether the fast path runs conv layer l through fastconv (else through conv.h). */
static bool fast_conv(const Layer *l)
{
    return l->kind == LAYER_CONV && fastconv_supported(&l->conv);
}

/* Whether the fast path runs grouped conv layer l through fastgroup (else through conv.h). */
static bool fast_group(const Layer *l)
{
    return l->kind == LAYER_CONV && fastgroup_supported(&l->conv);
}

/* The batchnorm geometry of layer l over n examples: P = H*W (1 for a flat input). */
static BnGeom bn_geom(const Layer *l, int n)
{
    return (BnGeom){n, l->in.c, l->in.h * l->in.w, l->bn_eps};
}

/* The same for a deconv layer. */
static bool fast_deconv(const Layer *l)
{
    return l->kind == LAYER_DECONV && fastconv_deconv_supported(&l->conv);
}

/* bn: a batchnorm layer's (4, C) statistics and sums in NetActs (NULL for other layers). */
static void layer_forward(const FastOps *fast, const Layer *l, const float *params,
                          const double *bn, float *y, const float *x, int n)
{
    long in_elems = shape_elems(l->in);
    switch (l->kind) {
    case LAYER_CONV:
    case LAYER_DECONV: {
        ConvGeom g = l->conv;
        g.n = n;
        if (fast && fast_conv(l))
            fastconv_forward_on(fast->scratch, y, x, params + l->w_off, fast->wt, params + l->b_off,
                                &g);
        else if (fast && fast_group(l))
            fastgroup_forward_on(fast->scratch, y, x, params + l->w_off, params + l->b_off, &g);
        else if (fast && fast_deconv(l))
            fastconv_deconv_forward_on(fast->scratch, y, x, params + l->w_off, params + l->b_off,
                                       &g);
        else if (l->kind == LAYER_CONV)
            conv_forward(y, x, params + l->w_off, params + l->b_off, &g);
        else
            deconv_forward(y, x, params + l->w_off, params + l->b_off, &g);
        break;
    }
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
    case LAYER_L2POOL: {
        static const PoolKind kinds[] = {POOL_MAX, POOL_AVG, POOL_L2};
        PoolGeom g = l->pool;
        g.n = n;
        if (fast)
            fastconv_pool_forward(NULL, y, x, kinds[l->kind - LAYER_MAXPOOL], &g);
        else
            pool_forward(y, x, kinds[l->kind - LAYER_MAXPOOL], &g);
        break;
    }
    case LAYER_RELU:
    case LAYER_LEAKY:
    case LAYER_SIGMOID:
    case LAYER_TANH:
    case LAYER_ABS:
    case LAYER_SOFTPLUS:
        if (fast)
            fastconv_act_forward(NULL, y, x, n * in_elems, l->act, l->param);
        else
            act_forward(y, x, n * in_elems, l->act, l->param);
        break;
    case LAYER_LRN:
        if (fast)
            fastconv_lrn_forward(y, x, n, l->in.c, l->in.h, l->in.w, l->lrn_size, l->lrn_alpha,
                                 l->lrn_beta, l->lrn_k);
        else
            lrn_forward(y, x, n, l->in.c, l->in.h, l->in.w, l->lrn_size, l->lrn_alpha, l->lrn_beta,
                        l->lrn_k);
        break;
    case LAYER_FLATTEN:
        /* NCHW is already C,H,W order per example: flatten only renames the shape */
        memcpy(y, x, (size_t)(n * in_elems) * sizeof(float));
        break;
    case LAYER_DENSE:
        if (fast)
            fastconv_dense_forward(NULL, y, x, params + l->w_off, params + l->b_off, n, l->in.c,
                                   l->units);
        else
            dense_forward(y, x, params + l->w_off, params + l->b_off, n, l->in.c, l->units);
        break;
    case LAYER_SOFTMAX:
        if (fast)
            fastconv_softmax_forward(y, x, n, l->in.c);
        else
            softmax_forward(y, x, n, l->in.c);
        break;
    case LAYER_BATCHNORM: {
        /* with the statistics bn_forward_join put in place: the batch's or the running ones */
        BnGeom g = bn_geom(l, n);
        batchnorm_forward(y, x, bn, bn + g.c, params + l->w_off, params + l->b_off, &g);
        break;
    }
    default:
        assert(!"unknown layer kind");
    }
}

/* Backward of layer_forward over n examples of a batch of `batch`, from dy (N, out): dL/dx
 * into dx (N, in) (NULL: not wanted, allowed for conv, deconv and dense) and the parameter
 * gradients into dw and db (the layer's views). The reference ops (fast NULL) ACCUMULATE
 * into all three. The fast path WRITES dx (what it held does not matter, so it needs no
 * clearing where the op can write) and WRITES into dw and db the sums over these n examples
 * (a fast conv lays dw out as fastconv_backward_on does). The softmax is always the last
 * layer with the cross-entropy loss, so its backward is the fused p - onehot(label), divided
 * by the batch size (the mean over the batch), from y = p and labels. A batchnorm of a
 * training-mode forward (train) takes the whole batch's sums from bn (bn_backward_join, which
 * also added its dgamma and dbeta) and writes only dx. */
static void layer_backward(const FastOps *fast, const Layer *l, const float *params, float *dw,
                           float *db, float *dx, const float *dy, const float *x, const float *y,
                           const double *bn, bool train, const int *labels, int n, int batch)
{
    long in_elems = shape_elems(l->in);
    if (fast && layer_has_params(l->kind) && !fast_conv(l) && !fast_group(l)) {
        /* the ops below accumulate: they start from 0 for a sum over these examples */
        memset(dw, 0, (size_t)l->n_w * sizeof(float));
        memset(db, 0, (size_t)l->n_b * sizeof(float));
    }
    /* the fast path writes dx: the ops that only add to it start from 0 */
    bool set = fast != NULL;
    if (set && dx && l->kind != LAYER_MAXPOOL && l->kind != LAYER_AVGPOOL &&
        l->kind != LAYER_L2POOL && l->kind != LAYER_RELU && l->kind != LAYER_LEAKY &&
        l->kind != LAYER_SIGMOID && l->kind != LAYER_TANH && l->kind != LAYER_ABS &&
        l->kind != LAYER_SOFTPLUS && l->kind != LAYER_FLATTEN && l->kind != LAYER_SOFTMAX)
        memset(dx, 0, (size_t)(n * in_elems) * sizeof(float));
    switch (l->kind) {
    case LAYER_CONV:
    case LAYER_DECONV: {
        ConvGeom g = l->conv;
        g.n = n;
        if (fast && fast_conv(l))
            fastconv_backward_on(fast->scratch, dx, dw, db, dy, x, params + l->w_off, &g);
        else if (fast && fast_group(l))
            fastgroup_backward_on(fast->scratch, dx, dw, db, dy, x, params + l->w_off, &g);
        else if (fast && fast_deconv(l))
            fastconv_deconv_backward_on(fast->scratch, dx, dw, db, dy, x, params + l->w_off, &g);
        else if (l->kind == LAYER_CONV)
            conv_backward(dx, dw, db, dy, x, params + l->w_off, &g);
        else
            deconv_backward(dx, dw, db, dy, x, params + l->w_off, &g);
        break;
    }
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
    case LAYER_L2POOL: {
        static const PoolKind kinds[] = {POOL_MAX, POOL_AVG, POOL_L2};
        PoolGeom g = l->pool;
        g.n = n;
        if (set)
            fastconv_pool_backward_set(dx, dy, x, y, kinds[l->kind - LAYER_MAXPOOL], &g);
        else
            pool_backward(dx, dy, x, y, kinds[l->kind - LAYER_MAXPOOL], &g);
        break;
    }
    case LAYER_RELU:
    case LAYER_LEAKY:
    case LAYER_SIGMOID:
    case LAYER_TANH:
    case LAYER_ABS:
    case LAYER_SOFTPLUS:
        if (set)
            fastconv_act_backward_set(dx, dy, x, n * in_elems, l->act, l->param);
        else
            act_backward(dx, dy, x, n * in_elems, l->act, l->param);
        break;
    case LAYER_LRN:
        if (fast)
            fastconv_lrn_backward(fast->scratch, dx, dy, x, n, l->in.c, l->in.h, l->in.w,
                                  l->lrn_size, l->lrn_alpha, l->lrn_beta, l->lrn_k);
        else
            lrn_backward(dx, dy, x, n, l->in.c, l->in.h, l->in.w, l->lrn_size, l->lrn_alpha,
                         l->lrn_beta, l->lrn_k);
        break;
    case LAYER_FLATTEN:
        if (set)
            memcpy(dx, dy, (size_t)(n * in_elems) * sizeof(float));
        else
            for (long i = 0; i < n * in_elems; i++)
                dx[i] += dy[i];
        break;
    case LAYER_DENSE:
        if (fast)
            fastconv_dense_backward(NULL, dx, dw, db, dy, x, params + l->w_off, n, l->in.c,
                                    l->units);
        else
            dense_backward(dx, dw, db, dy, x, params + l->w_off, n, l->in.c, l->units);
        break;
    case LAYER_SOFTMAX: {
        /* dL/dz = (p - y) / N: the notes' "p minus the one-hot target" */
        int k = l->in.c;
        for (int j = 0; j < n; j++)
            for (int c = 0; c < k; c++) {
                float d = (y[(long)j * k + c] - (c == labels[j] ? 1.0f : 0.0f)) / (float)batch;
                dx[(long)j * k + c] = set ? d : dx[(long)j * k + c] + d;
            }
        break;
    }
    case LAYER_BATCHNORM: {
        BnGeom g = bn_geom(l, n);
        const float *gamma = params + l->w_off;
        const double *mean = bn, *var = bn + g.c;
        if (train && dx)
            batchnorm_backward_train_dx(dx, dy, x, mean, var, gamma, bn + 2 * g.c, bn + 3 * g.c,
                                        (long)batch * g.p, &g);
        else if (!train)
            batchnorm_backward_eval(dx, dw, db, dy, x, mean, var, gamma, &g);
        break;
    }
    default:
        assert(!"unknown layer kind");
    }
}

/* The input gradient of layer i, or NULL when it is not wanted: the first layer's, when the
 * caller said so (a->skip_dx) and the layer's backward allows it. */
static float *layer_dx(const NetSpec *sp, NetActs *a, int i)
{
    if (i > 0)
        return a->grad[i - 1];
    return a->skip_dx && layer_has_params(sp->layers[0].kind) ? NULL : a->dx;
}

/* ---------------------------------------------------------------- batchnorm joins
 * What a batchnorm needs from the whole batch, computed one channel per task (on the pool when
 * wk is given, else on the caller) over every example in a fixed order: the same bits on any
 * number of threads, and the same as the reference ops. */

typedef struct BnJoin {
    BnGeom g;        /* over the whole batch */
    const float *x;  /* (N, C, P) the layer's input */
    const float *dy; /* (N, C, P) dL/d its output (backward) */
    double *bn;      /* (4, C) NetActs.bn of the layer */
} BnJoin;

static void bn_stats_task(void *ctx, int c, int thread)
{
    const BnJoin *j = ctx;
    (void)thread;
    batchnorm_stats_channel(&j->bn[c], &j->bn[j->g.c + c], j->x, &j->g, c);
}

static void bn_sums_task(void *ctx, int c, int thread)
{
    const BnJoin *j = ctx;
    (void)thread;
    batchnorm_grad_sums_channel(&j->bn[2 * j->g.c + c], &j->bn[3 * j->g.c + c], j->dy, j->x, j->bn,
                                j->bn + j->g.c, &j->g, c);
}

/* Before batchnorm layer i's forward of the batch a->n: the statistics it normalises with into
 * a->bn[i], the batch's (training mode) or a copy of the running ones. */
static void bn_forward_join(const Net *net, Workers *wk, NetActs *a, int i)
{
    const Layer *l = &net->spec.layers[i];
    if (!a->training) {
        for (long k = 0; k < l->n_s; k++)
            a->bn[i][k] = net->state[l->s_off + k];
        return;
    }
    BnJoin j = {bn_geom(l, a->n), i ? a->out[i - 1] : a->x, NULL, a->bn[i]};
    workers_run(wk, j.g.c, bn_stats_task, &j);
}

/* Before a training-mode batchnorm layer i's backward: its batch sums Sdy, Sdyx into a->bn[i],
 * and dbeta += Sdy, dgamma += Sdyx into grads. */
static void bn_backward_join(const Net *net, Workers *wk, float *grads, NetActs *a, int i)
{
    const Layer *l = &net->spec.layers[i];
    BnJoin j = {bn_geom(l, a->n), i ? a->out[i - 1] : a->x, a->grad[i], a->bn[i]};
    workers_run(wk, j.g.c, bn_sums_task, &j);
    for (int c = 0; c < j.g.c; c++) {
        grads[l->w_off + c] += (float)j.bn[3 * j.g.c + c];
        grads[l->b_off + c] += (float)j.bn[2 * j.g.c + c];
    }
}

/* Whether layer i is a batchnorm normalising with batch statistics in this pass. */
static bool bn_train(const NetSpec *sp, const NetActs *a, int i)
{
    return sp->layers[i].kind == LAYER_BATCHNORM && a->training;
}

/* dL/dz (K) of one example for the cross-entropy of softmax(z) at label, in a batch of n:
 * nonzero only at the label, -1/(N p[label]), with 1/p = exp(logsumexp(z) - z[label]) in
 * double, so a tiny p still gives an accurate value (the float p itself has lost digits by
 * then). Returns -log p[label] in double, the term loss_softmax_xent sums, computed as it
 * does (the same bits). */
static double xent_example(float *dy, const float *z, int label, int n, int k)
{
    float m = z[0];
    for (int c = 1; c < k; c++)
        m = z[c] > m ? z[c] : m;
    double sum = 0.0;
    for (int c = 0; c < k; c++)
        sum += exp((double)z[c] - m);
    memset(dy, 0, (size_t)k * sizeof(float));
    dy[label] = (float)(-exp(m + log(sum) - z[label]) / n);
    return log(sum) - ((double)z[label] - m);
}

/* ---------------------------------------------------------------- the fast path's batch
 * With a pool (net_set_threads), a batch is cut into fixed groups of FASTCONV_GROUP examples
 * and each group runs through every layer in one task: one fork and one join per forward,
 * backward or whole training step, rather than one per layer. Each group writes the sums of
 * its parameter gradients into its own partial buffer; the groups are then added in order.
 * So the bits depend on neither the thread count nor which thread ran which group.
 *
 * A training-mode batchnorm cuts that run in pieces (step_run): the forward stops before it
 * for the batch statistics (bn_forward_join), the backward stops above it for the batch sums
 * (bn_backward_join). Without one, a training step stays one fork and one join. */

typedef struct StepJob {
    const Net *net;
    NetActs *a;
    const float *x;    /* (N, input) copied into a->x by each group (the first piece), or NULL */
    const int *labels; /* (N) the loss's gradient after this piece's forward, or NULL */
    int n;             /* the batch */
    int f_lo, f_hi;    /* this piece's forward: layers f_lo .. f_hi - 1 */
    int b_lo, b_hi;    /* this piece's backward: layers b_hi - 1 down to b_lo */
    const float *wt[NET_MAX_LAYERS]; /* prepared conv weights, or NULL */
    float *partial;                  /* (groups, n_params) each group's parameter-gradient sums */
    /* training (net_train_step with skip_dx): the gradients between the layers live in two
     * buffers of the thread's scratch, taken in turn, not in a->grad: they stay in cache from
     * one group to the next instead of passing through memory */
    bool lean;
    long lean_off, lean_floats; /* where the two start in the scratch, and the size of each */
} StepJob;

static int group_count(int n)
{
    return (n + FASTCONV_GROUP - 1) / FASTCONV_GROUP;
}

/* Reserves the pool's memory for a batch of n (per-thread conv scratch; the groups' gradient
 * sums, groups x n_params floats, for a backward) and prepares the conv weights (for a
 * forward). False when memory runs out: then the caller runs the reference ops. */
static bool step_prepare(const Net *net, StepJob *job, int n, bool forward, bool backward)
{
    const NetSpec *sp = &net->spec;
    long scratch = 1, shared = backward ? (long)group_count(n) * net->n_params : 0;
    for (int i = 0; i < sp->n_layers; i++) {
        const Layer *l = &sp->layers[i];
        long s = fast_conv(l)           ? fastconv_scratch_floats(&l->conv)
                 : fast_group(l)        ? fastgroup_scratch_floats(&l->conv)
                 : fast_deconv(l)       ? fastconv_deconv_scratch_floats(&l->conv)
                 : l->kind == LAYER_LRN ? fastconv_lrn_scratch_floats(l->in.c)
                                        : 0;
        scratch = s > scratch ? s : scratch;
        if (forward && fast_conv(l))
            shared += fastconv_prepared_floats(&l->conv);
    }
    if (job->lean) {
        long most = 1; /* the largest output of a layer */
        for (int i = 0; i < sp->n_layers; i++)
            most = shape_elems(sp->layers[i].out) > most ? shape_elems(sp->layers[i].out) : most;
        job->lean_off = (scratch + 15) / 16 * 16;
        job->lean_floats = (FASTCONV_GROUP * most + 15) / 16 * 16;
        scratch = job->lean_off + 2 * job->lean_floats;
    }
    if (!workers_reserve(net->workers, (size_t)scratch, (size_t)shared))
        return false;
    float *sh = workers_shared(net->workers);
    job->partial = sh;
    sh += backward ? (long)group_count(n) * net->n_params : 0;
    for (int i = 0; forward && i < sp->n_layers; i++) {
        const Layer *l = &sp->layers[i];
        job->wt[i] = NULL;
        if (fast_conv(l) && fastconv_prepared_floats(&l->conv) > 0) {
            fastconv_prepare_weights(sh, net->params + l->w_off, &l->conv);
            job->wt[i] = sh;
            sh += fastconv_prepared_floats(&l->conv);
        }
    }
    return true;
}

/* The fast path's fused pairs (fastconv.h): a conv layer and the relu after it run as one
 * pass forward, a relu and the max pool after it as one pass backward (both inside one piece). */
static bool fuse_conv_relu(const NetSpec *sp, int i, int hi)
{
    return fast_conv(&sp->layers[i]) && i + 1 < hi && sp->layers[i + 1].kind == LAYER_RELU;
}

static bool fuse_relu_maxpool(const NetSpec *sp, int i, int lo)
{
    return sp->layers[i].kind == LAYER_MAXPOOL && i - 1 >= lo &&
           sp->layers[i - 1].kind == LAYER_RELU;
}

/* Group `group` of the batch through this piece's forward, the loss's gradient and this
 * piece's backward, as the job asks. */
static void step_task(void *ctx, int group, int thread)
{
    const StepJob *job = ctx;
    const Net *net = job->net;
    const NetSpec *sp = &net->spec;
    NetActs *a = job->a;
    const int n0 = group * FASTCONV_GROUP;
    const int m = job->n - n0 < FASTCONV_GROUP ? job->n - n0 : FASTCONV_GROUP;
    const int last = sp->n_layers - 1;
    FastOps fast = {workers_scratch(net->workers, thread), NULL};
    long in = shape_elems(sp->input);
    if (job->x && job->x != a->x)
        memcpy(a->x + n0 * in, job->x + n0 * in, (size_t)(m * in) * sizeof(float));
    for (int i = job->f_lo; i < job->f_hi; i++) {
        const Layer *l = &sp->layers[i];
        long xe = shape_elems(l->in), ye = shape_elems(l->out);
        fast.wt = job->wt[i];
        if (fuse_conv_relu(sp, i, job->f_hi)) {
            ConvGeom g = l->conv;
            g.n = m;
            fastconv_forward_relu_on(fast.scratch, a->out[i] + n0 * ye, a->out[i + 1] + n0 * ye,
                                     (i ? a->out[i - 1] : a->x) + n0 * xe, net->params + l->w_off,
                                     fast.wt, net->params + l->b_off, &g);
            i++; /* the relu's output is written too */
            continue;
        }
        layer_forward(&fast, l, net->params, a->bn[i], a->out[i] + n0 * ye,
                      (i ? a->out[i - 1] : a->x) + n0 * xe, m);
    }
    if (job->labels) {
        int k = (int)shape_elems(sp->layers[last].out);
        for (int j = n0; j < n0 + m; j++) {
            /* (K) dL/d(last output) of example j */
            float *dy = job->lean ? fast.scratch + job->lean_off + (long)(j - n0) * k
                                  : a->grad[last] + (long)j * k;
            if (sp->xent) {
                const float *z = (last ? a->out[last - 1] : a->x) + (long)j * k; /* logits */
                a->loss_terms[j] = xent_example(dy, z, job->labels[j], job->n, k);
            } else {
                /* E = mean of 1/2 sum (y - t)^2  =>  dE/dy = (y - t) / N, as loss_sse */
                const float *y = a->out[last] + (long)j * k;
                for (int c = 0; c < k; c++)
                    dy[c] = (y[c] - (c == job->labels[j] ? 1.0f : 0.0f)) / (float)job->n;
            }
        }
    }
    float *pg = job->partial + (long)group * net->n_params; /* (n_params) */
    int cur = 0; /* lean: the buffer holding the output gradient of layer i */
    for (int i = job->b_hi - 1; i >= job->b_lo; i--) {
        const Layer *l = &sp->layers[i];
        long xe = shape_elems(l->in), ye = shape_elems(l->out);
        float *dy = a->grad[i] + n0 * ye; /* read by layer_backward */
        float *dx = layer_dx(sp, a, i);   /* written by layer_backward */
        if (dx)
            dx += n0 * xe;
        float *lean = fast.scratch + job->lean_off; /* (2, lean_floats) */
        if (job->lean) {
            dy = lean + cur * job->lean_floats;
            cur = 1 - cur;
            dx = i > 0 ? lean + cur * job->lean_floats : dx;
        }
        fast.wt = NULL;
        if (fuse_relu_maxpool(sp, i, job->b_lo)) {
            /* the relu's input gradient and, unless training, the pool's (dx): the same shape */
            PoolGeom g = l->pool;
            g.n = m;
            float *dconv = job->lean && i > 1 ? dx : layer_dx(sp, a, i - 1) + n0 * xe;
            fastconv_relu_maxpool_backward_set(dconv, a->skip_dx ? NULL : dx, dy,
                                               a->out[i - 1] + n0 * xe, a->out[i] + n0 * ye, &g);
            i--; /* the relu's backward is done too */
            continue;
        }
        layer_backward(&fast, l, net->params, pg + l->w_off, pg + l->b_off, dx, dy,
                       (i ? a->out[i - 1] : a->x) + n0 * xe, a->out[i] + n0 * ye, a->bn[i],
                       a->training, a->labels + n0, m, job->n);
    }
}

/* Runs the job on the pool: the forward of every layer (forward), the loss's gradient (labels
 * not NULL) and the backward of every layer (backward, adding a training-mode batchnorm's
 * gradients to grads at its join), in pieces cut at each training-mode batchnorm. The last
 * forward piece also runs the loss's gradient and the first backward piece. */
static void step_run(const Net *net, float *grads, StepJob *job, bool forward, const int *labels,
                     bool backward)
{
    const NetSpec *sp = &net->spec;
    NetActs *a = job->a;
    const int n_layers = sp->n_layers;
    int cut[NET_MAX_LAYERS], n_cut = 0; /* the training-mode batchnorms, in order */
    for (int i = 0; i < n_layers; i++) {
        if (bn_train(sp, a, i))
            cut[n_cut++] = i;
        else if (forward && sp->layers[i].kind == LAYER_BATCHNORM)
            bn_forward_join(net, NULL, a, i); /* a copy of the running statistics */
    }
    /* the backward's pieces run layers hi - 1 down to lo = (the batchnorm below) + 1 */
    const int first_lo = n_cut ? cut[n_cut - 1] + 1 : 0;
    for (int k = 0; forward && k <= n_cut; k++) {
        job->f_lo = k ? cut[k - 1] : 0;
        job->f_hi = k < n_cut ? cut[k] : n_layers;
        job->labels = k == n_cut ? labels : NULL;
        job->b_hi = k == n_cut && backward ? n_layers : 0;
        job->b_lo = k == n_cut && backward ? first_lo : 0;
        workers_run(net->workers, group_count(job->n), step_task, job);
        job->x = NULL;
        if (k < n_cut)
            bn_forward_join(net, net->workers, a, cut[k]);
    }
    for (int k = n_cut; backward && k >= 0; k--) {
        job->f_lo = job->f_hi = 0;
        job->labels = NULL;
        job->x = NULL;
        job->b_hi = k == n_cut ? n_layers : cut[k] + 1;
        job->b_lo = k ? cut[k - 1] + 1 : 0;
        if (!(forward && k == n_cut)) /* else it ran with the last forward piece */
            workers_run(net->workers, group_count(job->n), step_task, job);
        if (k > 0)
            bn_backward_join(net, net->workers, grads, a, cut[k - 1]);
    }
}

/* net->grads += the groups' partial sums, in group order (a training-mode batchnorm's
 * gradients were added at its join). */
static void step_reduce(Net *net, const StepJob *job)
{
    const NetSpec *sp = &net->spec;
    int groups = group_count(job->n);
    for (int i = 0; i < sp->n_layers; i++) {
        const Layer *l = &sp->layers[i];
        if (!layer_has_params(l->kind) || bn_train(sp, job->a, i))
            continue;
        if (fast_conv(l))
            fastconv_reduce_dw(net->grads + l->w_off, job->partial + l->w_off, groups,
                               net->n_params, &l->conv);
        else
            fastconv_reduce(net->grads + l->w_off, job->partial + l->w_off, groups, net->n_params,
                            l->n_w);
        fastconv_reduce(net->grads + l->b_off, job->partial + l->b_off, groups, net->n_params,
                        l->n_b);
    }
}

/* ---------------------------------------------------------------- forward, loss, backward */

void net_forward(const Net *net, NetActs *a, const float *x, int n)
{
    const NetSpec *sp = &net->spec;
    assert(n >= 1 && n <= a->cap);
    a->n = n;
    a->have_loss = false;
    a->training = net->training;
    StepJob job = {.net = net, .a = a, .x = x, .n = n};
    if (net->workers && step_prepare(net, &job, n, true, false)) {
        step_run(net, NULL, &job, true, NULL, false);
        return;
    }
    if (x != a->x)
        memcpy(a->x, x, (size_t)n * (size_t)shape_elems(sp->input) * sizeof(float));
    for (int i = 0; i < sp->n_layers; i++) {
        if (sp->layers[i].kind == LAYER_BATCHNORM)
            bn_forward_join(net, NULL, a, i);
        layer_forward(NULL, &sp->layers[i], net->params, a->bn[i], a->out[i],
                      i ? a->out[i - 1] : a->x, n);
    }
}

/* Checks and keeps the labels of the batch (N) for the backward. */
static void keep_labels(const Net *net, NetActs *a, const int *labels)
{
    const NetSpec *sp = &net->spec;
    int k = (int)shape_elems(sp->layers[sp->n_layers - 1].out);
    for (int j = 0; j < a->n; j++) {
        assert(labels[j] >= 0 && labels[j] < k);
        a->labels[j] = labels[j];
    }
}

float net_loss(const Net *net, NetActs *a, const int *labels)
{
    const NetSpec *sp = &net->spec;
    int last = sp->n_layers - 1, n = a->n;
    int k = (int)shape_elems(sp->layers[last].out);
    keep_labels(net, a, labels);
    float *dy = a->grad[last]; /* (N, K) */
    if (sp->xent) {
        const float *z = last ? a->out[last - 1] : a->x; /* (N, K) logits */
        a->loss = loss_softmax_xent(a->scratch, NULL, z, labels, n, k);
        for (int j = 0; j < n; j++)
            xent_example(dy + (long)j * k, z + (long)j * k, labels[j], n, k);
    } else {
        a->loss = loss_sse(dy, a->out[last], labels, n, k);
    }
    a->have_loss = true;
    return a->loss;
}

void net_backward(Net *net, NetActs *a)
{
    const NetSpec *sp = &net->spec;
    assert(a->have_loss);
    int n = a->n;
    StepJob job = {.net = net, .a = a, .n = n};
    if (net->workers && step_prepare(net, &job, n, false, true)) {
        step_run(net, net->grads, &job, false, NULL, true);
        step_reduce(net, &job);
        return;
    }
    for (int i = sp->n_layers - 1; i >= 0; i--) {
        const Layer *l = &sp->layers[i];
        float *dx = layer_dx(sp, a, i); /* (N, in) */
        if (dx)
            memset(dx, 0, (size_t)n * (size_t)shape_elems(l->in) * sizeof(float));
        if (bn_train(sp, a, i))
            bn_backward_join(net, NULL, net->grads, a, i);
        layer_backward(NULL, l, net->params, net->grads + l->w_off, net->grads + l->b_off, dx,
                       a->grad[i], i ? a->out[i - 1] : a->x, a->out[i], a->bn[i], a->training,
                       a->labels, n, n);
    }
}

void net_zero_grad(Net *net)
{
    memset(net->grads, 0, (size_t)net->n_params * sizeof(float));
}

float net_train_step(Net *net, NetActs *a, const float *x, const int *labels, int n)
{
    const NetSpec *sp = &net->spec;
    /* lean (the gradients between layers kept in the threads' scratch) needs the backward in
     * one piece: no training-mode batchnorm */
    bool pieces = false;
    for (int i = 0; i < sp->n_layers; i++)
        pieces = pieces || (net->training && sp->layers[i].kind == LAYER_BATCHNORM);
    StepJob job = {.net = net, .a = a, .x = x, .n = n, .lean = a->skip_dx && !pieces};
    if (!net->workers || !step_prepare(net, &job, n, true, true)) {
        net_zero_grad(net);
        net_forward(net, a, x, n);
        float loss = net_loss(net, a, labels);
        net_backward(net, a);
        net_update_running_stats(net, a);
        return loss;
    }
    /* the fast path: forward, the loss's gradient and backward of each group in one task
     * (in pieces around training-mode batchnorms) */
    assert(n >= 1 && n <= a->cap);
    a->n = n;
    a->have_loss = false;
    a->training = net->training;
    keep_labels(net, a, labels);
    net_zero_grad(net);
    step_run(net, net->grads, &job, true, a->labels, true);
    int last = sp->n_layers - 1, k = (int)shape_elems(sp->layers[last].out);
    if (sp->xent) {
        /* loss_softmax_xent's sum: the terms in example order, in double */
        double total = 0.0;
        for (int j = 0; j < n; j++)
            total += a->loss_terms[j];
        a->loss = (float)(total / n);
    } else {
        a->loss = loss_sse(NULL, a->out[last], a->labels, n, k);
    }
    a->have_loss = true;
    step_reduce(net, &job);
    net_update_running_stats(net, a);
    return a->loss;
}

const float *net_output(const Net *net, const NetActs *a, int j)
{
    const NetSpec *sp = &net->spec;
    int last = sp->n_layers - 1;
    return a->out[last] + (long)j * shape_elems(sp->layers[last].out);
}

int net_predict_class(const Net *net, const NetActs *a, int j)
{
    const NetSpec *sp = &net->spec;
    long k = shape_elems(sp->layers[sp->n_layers - 1].out);
    const float *y = net_output(net, a, j); /* (K) */
    int best = 0;
    for (long c = 1; c < k; c++)
        if (y[c] > y[best])
            best = (int)c;
    return best;
}
