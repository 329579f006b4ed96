/* net.c - see net.h: the layers' names, shapes and parameter formulas, building a net from
 * its spec (parameters, state, threads) and its buffers. The parser is netparse.c; forward,
 * loss and backward are netrun.c. Depends on: net.h, batchnorm, rng, workers (libc, libm).
 * Legend: N batch, C channels, H/W height/width, O outputs, K classes. */
#include "engine/net.h"

#include "engine/net_int.h"

#include "engine/batchnorm.h"
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
void net_append(char *buf, size_t size, size_t *len, const char *fmt, ...)
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
        net_append(buf, size, len, " %s=%d", key, a);
    else
        net_append(buf, size, len, " %s=%d,%d", key, a, b);
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
    net_append(buf, size, len, " %s=%s", key, num);
}

char *layer_format(const Layer *layer, char *buf, size_t size)
{
    const Layer *l = layer;
    size_t len = 0;
    buf[0] = '\0';
    net_append(buf, size, &len, "%s", layer_kind_name(l->kind));
    switch (l->kind) {
    case LAYER_CONV:
    case LAYER_DECONV: {
        const ConvGeom *g = &l->conv;
        net_append(buf, size, &len, " %d", g->o);
        append_pair(buf, size, &len, "k", g->kh, g->kw, -1);
        append_pair(buf, size, &len, "stride", g->sh, g->sw, 1);
        if (g->pt == g->pb && g->pl == g->pr)
            append_pair(buf, size, &len, "pad", g->pt, g->pl, 0);
        else
            net_append(buf, size, &len, " pad=%d,%d,%d,%d", g->pt, g->pb, g->pl, g->pr);
        append_pair(buf, size, &len, "dilation", g->dh, g->dw, 1);
        if (l->kind == LAYER_DECONV)
            append_pair(buf, size, &len, "outpad", g->oph, g->opw, 0);
        if (conv_groups(g) > 1)
            net_append(buf, size, &len, " groups=%d", conv_groups(g));
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
        net_append(buf, size, &len, " alpha=%.9g", (double)l->param);
        break;
    case LAYER_SOFTPLUS:
        net_append(buf, size, &len, " beta=%.9g", (double)l->param);
        break;
    case LAYER_LRN:
        net_append(buf, size, &len, " size=%d alpha=%.9g beta=%.9g k=%.9g", l->lrn_size,
                   (double)l->lrn_alpha, (double)l->lrn_beta, (double)l->lrn_k);
        break;
    case LAYER_DENSE:
        net_append(buf, size, &len, " %d", l->units);
        break;
    default:
        break;
    }
    return buf;
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
