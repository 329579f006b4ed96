/* netparse.c - the net-file parser of net.h (net_parse): tokens, keys and values, each
 * layer's shape with its checks, and the FILE:LINE messages. Depends on: net.h, batchnorm (libc,
 * libm). Legend: N batch, C channels, H/W height/width, O outputs, K classes. */
#include "engine/net.h"

#include "engine/net_int.h"

#include "engine/batchnorm.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        net_append(p->err, p->err_size, &len, "%s:%d: ", p->file, p->line);
    else
        net_append(p->err, p->err_size, &len, "%s: ", p->file);
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
        if (strcmp(tok[0], layer_kind_name(k)) == 0)
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
