/* labs/network/model.c - the Network lab's net and its forward pass (see model.h): the net
 * read from its file, every layer's line, shape and formula, the value ranges, the output and
 * its softmax arithmetic, the receptive fields. Legend: C channels, H/W height/width, K classes,
 * P parameters. */
#include "labs/network/model.h"

#include "engine/prep.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the net and its forward pass --------------------------------------------------------- */

static void fill_info(NetLabModel *m)
{
    const NetSpec *sp = &m->net->spec;
    char raw[160];
    NetLabLayer *in = &m->info[0];
    memset(in, 0, sizeof *in);
    snprintf(in->line, sizeof in->line, "input");
    netlab_times(shape_format(sp->input, raw, sizeof raw), in->shape, sizeof in->shape);
    in->out = sp->input;
    m->total_params = 0;
    for (int k = 1; k <= m->n_layers; k++) {
        const Layer *l = &sp->layers[k - 1];
        NetLabLayer *li = &m->info[k];
        memset(li, 0, sizeof *li);
        layer_format(l, li->line, sizeof li->line);
        netlab_times(shape_format(l->out, raw, sizeof raw), li->shape, sizeof li->shape);
        li->out = l->out;
        li->params = layer_param_count(l);
        if (layer_has_params(l->kind))
            netlab_times(layer_param_formula(l, raw, sizeof raw), li->formula, sizeof li->formula);
        m->total_params += li->params;
    }
}

/* Takes over net (read from path) as m's net: its activations, input, name and forward pass. */
static bool model_adopt(NetLabModel *m, Net *net, const char *path, char *err, size_t err_size)
{
    m->net = net;
    m->acts = net_acts_create(m->net, 1);
    long n_in = shape_elems(m->net->spec.input);
    m->input = calloc((size_t)n_in, sizeof *m->input);
    m->trained = malloc(sizeof(float) * (size_t)m->net->n_params);
    if (!m->acts || !m->input || !m->trained) {
        snprintf(err, err_size, "%s: out of memory", path);
        netlab_model_free(m);
        return false;
    }
    snprintf(m->path, sizeof m->path, "%s", path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(m->name, sizeof m->name, "%s", base);
    char *dot = strrchr(m->name, '.');
    if (dot && strcmp(dot, ".net") == 0)
        *dot = '\0';
    m->n_layers = m->net->spec.n_layers;
    const Layer *last = &m->net->spec.layers[m->n_layers - 1];
    m->softmax = last->kind == LAYER_SOFTMAX;
    m->classes = last->out.c;
    m->train = NETLAB_INIT;
    atomic_init(&m->steps_done, 0);
    atomic_init(&m->cancel, false);
    atomic_init(&m->finished, false);
    snprintf(m->train_msg, sizeof m->train_msg, "initial weights (He/Xavier, seed %d)",
             NETLAB_SEED);
    fill_info(m);
    netlab_model_set_input(m, m->input);
    return true;
}

bool netlab_model_load(NetLabModel *m, const char *path, char *err, size_t err_size)
{
    memset(m, 0, sizeof *m);
    Net *net = net_load(path, NETLAB_SEED, err, err_size);
    return net && model_adopt(m, net, path, err, err_size);
}

bool netlab_model_load_text(NetLabModel *m, const char *text, const char *file, char *err,
                            size_t err_size)
{
    memset(m, 0, sizeof *m);
    Net *net = net_create(text, file, NETLAB_SEED, err, err_size);
    return net && model_adopt(m, net, file, err, err_size);
}

bool netlab_model_set_weights(NetLabModel *m, const float *w, long n, const char *from)
{
    return netlab_model_set_model(m, w, n, NULL, 0, from);
}

bool netlab_model_set_model(NetLabModel *m, const float *w, long n, const float *state,
                            long n_state, const char *from)
{
    if (!m->net || n != m->net->n_params || (state && n_state != m->net->n_state))
        return false;
    netlab_train_cancel(m);
    memcpy(m->net->params, w, sizeof(float) * (size_t)n);
    if (state && n_state > 0)
        memcpy(m->net->state, state, sizeof(float) * (size_t)n_state);
    else
        net_reset_running_stats(m->net);
    m->train = NETLAB_TRAINED;
    snprintf(m->train_msg, sizeof m->train_msg, "weights: %s", from);
    netlab_model_refresh(m);
    return true;
}

void netlab_model_free(NetLabModel *m)
{
    netlab_train_cancel(m);
    net_acts_destroy(m->acts);
    net_destroy(m->net);
    free(m->input);
    free(m->trained);
    memset(m, 0, sizeof *m);
}

/* Value range of n values. */
static void range_of(const float *v, long n, float *lo, float *hi)
{
    float a = FLT_MAX, b = -FLT_MAX;
    for (long i = 0; i < n; i++) {
        a = v[i] < a ? v[i] : a;
        b = v[i] > b ? v[i] : b;
    }
    if (n <= 0)
        a = b = 0.0f;
    *lo = a;
    *hi = b;
}

static void compute_output(NetLabModel *m)
{
    int K = m->classes;
    int n = m->n_layers;
    m->p = m->acts->out[n - 1];
    m->z = m->softmax ? (n >= 2 ? m->acts->out[n - 2] : m->input) : m->p;
    m->predicted = net_predict_class(m->net, m->acts, 0);
    if (!m->softmax)
        return;
    /* p_k = e^(z_k) / Σ e^(z_j), in double; when e^z would overflow, every exponent is taken
     * relative to the largest logit (the same ratio: the engine's stable form) */
    double zmax = -DBL_MAX;
    for (int k = 0; k < K; k++)
        zmax = m->z[k] > zmax ? m->z[k] : zmax;
    m->shift = zmax > 80.0 ? zmax : 0.0;
    m->sum = 0.0;
    for (int k = 0; k < K; k++)
        m->sum += exp((double)m->z[k] - m->shift);
    for (int k = 0; k < K && k < NETLAB_MAX_CLASSES; k++) {
        m->exps[k] = exp((double)m->z[k] - m->shift);
        netlab_softmax_text(m->z[k], m->shift, m->sum, m->p[k], m->arith[k], sizeof m->arith[k]);
    }
    char ss[48];
    snprintf(m->sum_text, sizeof m->sum_text, "\xCE\xA3 e^z\xE2\xB1\xBC = %s (%d terms)",
             netlab_format_sig(m->sum, 3, ss, sizeof ss), K);
}

void netlab_model_set_input(NetLabModel *m, const float *x)
{
    long n_in = shape_elems(m->net->spec.input);
    if (x != m->input)
        memcpy(m->input, x, sizeof(float) * (size_t)n_in);
    net_forward(m->net, m->acts, m->input, 1);
    range_of(m->input, n_in, &m->info[0].lo, &m->info[0].hi);
    m->info[0].diverging = m->info[0].lo < 0.0f;
    for (int k = 1; k <= m->n_layers; k++) {
        NetLabLayer *li = &m->info[k];
        range_of(m->acts->out[k - 1], shape_elems(li->out), &li->lo, &li->hi);
        li->diverging = li->lo < 0.0f;
    }
    compute_output(m);
}

void netlab_model_refresh(NetLabModel *m)
{
    netlab_model_set_input(m, m->input);
}

void netlab_model_reset_weights(NetLabModel *m)
{
    netlab_train_cancel(m);
    char err[256];
    Net *fresh = net_create(m->net->text, m->path, NETLAB_SEED, err, sizeof err);
    if (fresh) {
        memcpy(m->net->params, fresh->params, sizeof(float) * (size_t)m->net->n_params);
        net_destroy(fresh);
    }
    m->train = NETLAB_INIT;
    snprintf(m->train_msg, sizeof m->train_msg, "initial weights (He/Xavier, seed %d)",
             NETLAB_SEED);
    netlab_model_refresh(m);
}

void netlab_model_fit_picture(const NetLabModel *m, const float *pic, float *x)
{
    Shape s = m->net->spec.input;
    long plane = (long)s.h * s.w;
    if (s.h == PREP_SIZE && s.w == PREP_SIZE)
        memcpy(x, pic, sizeof(float) * (size_t)plane);
    else
        prep_resample(x, s.h, s.w, pic, PREP_SIZE, PREP_SIZE);
    for (int c = 1; c < s.c; c++)
        memcpy(x + c * plane, x, sizeof(float) * (size_t)plane);
}

const float *netlab_layer_data(const NetLabModel *m, int L)
{
    return L <= 0 ? m->input : m->acts->out[L - 1];
}

float netlab_unit_value(const NetLabModel *m, int L, int c, int y, int x)
{
    Shape s = m->info[L].out;
    return netlab_layer_data(m, L)[((long)c * s.h + y) * s.w + x];
}

bool netlab_model_trace(const NetLabModel *m, int L, int c, int y, int x, RfBox *out)
{
    if (L <= 0) {
        Shape s = m->info[0].out;
        if (c < 0 || c >= s.c || y < 0 || y >= s.h || x < 0 || x >= s.w)
            return false;
        out[0] = (RfBox){c, c, y, y, x, x, y, y, x, x, false};
        return true;
    }
    return receptive_trace(&m->net->spec, L - 1, c, y, x, out);
}
