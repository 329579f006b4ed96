/* lab_backprop_model.c - the Backprop lab's scene (see lab_backprop_model.h). */
#include "labs/backprop/model.h"

#include "engine/act.h"
#include "engine/assets.h"
#include "engine/optim.h"
#include "engine/pool.h"
#include "engine/prep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------ helpers */

static const float *layer_input(const BpModel *m, int i)
{
    return i > 0 ? m->acts->out[i - 1] : m->acts->x;
}

/* dL/d(input of layer i); only asked for i > 0 (the lab does not step into the input x) */
static const float *layer_input_grad(const BpModel *m, int i)
{
    return i > 0 ? m->acts->grad[i - 1] : m->acts->dx;
}

static const Layer *layer_of(const BpModel *m, const BpPhase *ph)
{
    return &m->net->spec.layers[ph->layer];
}

static long ceil_div(long a, long b)
{
    return (a + b - 1) / b;
}

/* Cells per step: one cell when the phase is short, else a row, else whole planes. */
static long chunk_for(long cells, long row, long plane)
{
    if (cells <= BP_MAX_PHASE_STEPS)
        return 1;
    if (row > 0 && ceil_div(cells, row) <= BP_MAX_PHASE_STEPS)
        return row;
    if (plane > 0)
        return plane * ceil_div(ceil_div(cells, plane), BP_MAX_PHASE_STEPS);
    return ceil_div(cells, BP_MAX_PHASE_STEPS);
}

static void add_phase(BpModel *m, BpPhaseKind kind, int layer, long cells, long chunk)
{
    if (m->n_phases >= BP_MAX_PHASES || cells <= 0)
        return;
    BpPhase *ph = &m->phases[m->n_phases++];
    memset(ph, 0, sizeof *ph);
    ph->kind = kind;
    ph->layer = layer;
    ph->cells = cells;
    ph->chunk = chunk < 1 ? 1 : chunk;
    ph->steps = (int)ceil_div(cells, ph->chunk);
    ph->first = m->steps;
    m->steps += ph->steps;
}

static void map_chunk(BpModel *m, BpPhaseKind kind, int layer, Shape s)
{
    long cells = shape_elems(s);
    add_phase(m, kind, layer, cells,
              s.rank == 3 ? chunk_for(cells, s.w, (long)s.h * s.w) : chunk_for(cells, 0, 0));
}

/* The phases, last layer first (see the header). */
static void build_phases(BpModel *m)
{
    const NetSpec *sp = &m->net->spec;
    int last = sp->n_layers - 1;
    int i = last;
    long k = shape_elems(sp->layers[last].out);
    if (sp->xent) {
        add_phase(m, BP_LOSS_XENT, last, k, chunk_for(k, 0, 0));
        i = last - 1;
    } else {
        add_phase(m, BP_LOSS_SSE, last, k, chunk_for(k, 0, 0));
    }
    for (; i >= 0; i--) {
        const Layer *l = &sp->layers[i];
        bool need_dx = i > 0; /* the gradient of the image itself is not a step */
        switch (l->kind) {
        case LAYER_DENSE:
            add_phase(m, BP_DENSE_W, i, (long)l->units * l->in.c, l->in.c);
            if (need_dx)
                add_phase(m, BP_DENSE_X, i, l->in.c, chunk_for(l->in.c, 0, 0));
            break;
        case LAYER_FLATTEN:
            if (need_dx)
                add_phase(m, BP_FLATTEN, i, shape_elems(l->in), shape_elems(l->in));
            break;
        case LAYER_MAXPOOL:
        case LAYER_AVGPOOL:
            if (need_dx)
                map_chunk(m, BP_POOL, i, l->out);
            break;
        case LAYER_RELU:
        case LAYER_LEAKY:
        case LAYER_SIGMOID:
        case LAYER_TANH:
        case LAYER_ABS:
        case LAYER_SOFTPLUS:
            if (need_dx)
                map_chunk(m, BP_ACT, i, l->in);
            break;
        case LAYER_CONV: {
            const ConvGeom *g = &l->conv;
            long kk = (long)g->kh * g->kw;
            long cells = (long)g->o * g->c * kk;
            add_phase(m, BP_CONV_W, i, cells, chunk_for(cells, g->kw, kk));
            add_phase(m, BP_CONV_B, i, g->o, chunk_for(g->o, 0, 0));
            if (need_dx)
                map_chunk(m, BP_CONV_X, i, l->in);
            break;
        }
        default:
            if (need_dx)
                add_phase(m, BP_OTHER, i, shape_elems(l->in), shape_elems(l->in));
            break;
        }
    }
    for (i = 0; i <= last; i++)
        if (layer_has_params(sp->layers[i].kind))
            add_phase(m, BP_UPDATE, i, sp->layers[i].n_w + sp->layers[i].n_b,
                      sp->layers[i].n_w + sp->layers[i].n_b);
}

/* Wᵀ (I, O) of dense layer l into m->wt, so dense_cell sums a column of W. */
static void dense_transpose(const BpModel *m, const Layer *l)
{
    const float *w = m->net->params + l->w_off; /* (O, I) */
    int o_n = l->units, in = l->in.c;
    for (int o = 0; o < o_n; o++)
        for (int i = 0; i < in; i++)
            m->wt[(long)i * o_n + o] = w[(long)o * in + i];
}

/* ------------------------------------------------------------------------- the build */

bool bp_model_build(BpModel *m, const char *net_name, const Dataset *ds, int digit, float lr,
                    uint64_t seed, char *err, size_t err_size)
{
    memset(m, 0, sizeof *m);
    const char *rel = NULL, *name = NULL;
    if (strcmp(net_name, "tiny") == 0 || strcmp(net_name, "backprop-tiny") == 0)
        rel = "assets/nets/backprop-tiny.net", name = "tiny";
    else if (strcmp(net_name, "sse") == 0 || strcmp(net_name, "backprop-sse") == 0)
        rel = "assets/nets/backprop-sse.net", name = "sse";
    else if (strcmp(net_name, "lenet-tiny") == 0 || strcmp(net_name, "lenet") == 0)
        rel = "assets/nets/lenet-tiny.net", name = "lenet-tiny";
    if (!rel) {
        snprintf(err, err_size, "net=%s: expected tiny, sse or lenet-tiny", net_name);
        return false;
    }
    if (!ds || ds->n <= 0) {
        snprintf(err, err_size, "backprop: no digits to take an example from");
        return false;
    }
    if (!(lr > 0.0f && lr <= 10.0f)) {
        snprintf(err, err_size, "lr=%g: expected a learning rate in (0, 10]", (double)lr);
        return false;
    }
    snprintf(m->net_name, sizeof m->net_name, "%s", name);
    assets_path(m->net_file, sizeof m->net_file, rel);
    m->seed = seed;
    m->digit = ((digit % ds->n) + ds->n) % ds->n;
    m->label = ds->labels[m->digit];
    m->lr = lr;

    m->net = net_load(m->net_file, seed, err, err_size);
    if (!m->net)
        return false;
    const NetSpec *sp = &m->net->spec;
    int last = sp->n_layers - 1;
    if (shape_elems(sp->layers[last].out) != DATASET_CLASSES || sp->input.rank != 3) {
        snprintf(err, err_size, "%s: the lab needs a C×H×W input and %d classes", m->net_file,
                 DATASET_CLASSES);
        bp_model_free(m);
        return false;
    }
    m->after = net_create(m->net->text, m->net_file, seed, err, err_size);
    m->acts = net_acts_create(m->net, 1);
    m->acts_after = m->after ? net_acts_create(m->after, 1) : NULL;
    m->gc = gradcheck_create(m->net, err, err_size);
    long in_elems = shape_elems(sp->input), biggest = in_elems, dense_max = 1;
    for (int i = 0; i < sp->n_layers; i++) {
        long e = shape_elems(sp->layers[i].out);
        biggest = e > biggest ? e : biggest;
        if (sp->layers[i].kind == LAYER_DENSE && sp->layers[i].n_w > dense_max)
            dense_max = sp->layers[i].n_w;
    }
    m->x = calloc((size_t)in_elems, sizeof(float));
    m->wt = calloc((size_t)dense_max, sizeof(float));
    m->ones = malloc((size_t)biggest * sizeof(float));
    if (!m->after || !m->acts || !m->acts_after || !m->gc || !m->x || !m->wt || !m->ones) {
        snprintf(err, err_size, "backprop: out of memory");
        bp_model_free(m);
        return false;
    }
    for (long j = 0; j < biggest; j++)
        m->ones[j] = 1.0f;

    /* the example: the digit, area-averaged to the net's input size, in every channel */
    float img[28 * 28];
    if (ds->h != 28 || ds->w != 28) {
        snprintf(err, err_size, "backprop: expected 28×28 digits, got %d×%d", ds->h, ds->w);
        bp_model_free(m);
        return false;
    }
    dataset_image(ds, m->digit, img);
    int hw = sp->input.h * sp->input.w;
    prep_resample(m->x, sp->input.h, sp->input.w, img, 28, 28);
    for (int c = 1; c < sp->input.c; c++)
        memcpy(m->x + (long)c * hw, m->x, (size_t)hw * sizeof(float));

    /* one forward and one backward by the engine's reference ops */
    m->loss = net_train_step(m->net, m->acts, m->x, &m->label, 1);
    m->predicted = net_predict_class(m->net, m->acts, 0);

    /* the update: the engine's plain SGD step on a copy of the weights */
    memcpy(m->after->params, m->net->params, (size_t)m->net->n_params * sizeof(float));
    Optim *opt = optim_create_sgd(m->net->n_params, lr, 0.0f);
    if (!opt) {
        snprintf(err, err_size, "backprop: out of memory");
        bp_model_free(m);
        return false;
    }
    optim_step(opt, m->after->params, m->net->grads);
    optim_destroy(opt);
    net_forward(m->after, m->acts_after, m->x, 1);
    m->loss_after = net_loss(m->after, m->acts_after, &m->label);
    m->predicted_after = net_predict_class(m->after, m->acts_after, 0);

    build_phases(m);
    /* every step-through value, asked of the cell queries once */
    for (int p = 0; p < m->n_phases; p++) {
        BpPhase *ph = &m->phases[p];
        ph->val = malloc((size_t)ph->cells * sizeof(float));
        ph->route = malloc((size_t)ph->cells * sizeof(int));
        if (!ph->val || !ph->route) {
            snprintf(err, err_size, "backprop: out of memory");
            bp_model_free(m);
            return false;
        }
        for (long c = 0; c < ph->cells; c++) {
            int route = -1;
            ph->val[c] = bp_model_cell(m, ph, c, NULL, 0, NULL, &route);
            ph->route[c] = route;
        }
    }
    return true;
}

void bp_model_free(BpModel *m)
{
    for (int p = 0; p < m->n_phases; p++) {
        free(m->phases[p].val);
        free(m->phases[p].route);
    }
    gradcheck_destroy(m->gc);
    net_acts_destroy(m->acts);
    net_acts_destroy(m->acts_after);
    net_destroy(m->net);
    net_destroy(m->after);
    free(m->x);
    free(m->wt);
    free(m->ones);
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------------- one cell, two ways */

float bp_model_cell(const BpModel *m, const BpPhase *ph, long cell, BpTerm *terms, int max_terms,
                    int *n_terms, int *route_to)
{
    const Layer *l = layer_of(m, ph);
    const NetActs *a = m->acts;
    int i = ph->layer;
    int nt = 0;
    float v = 0.0f;
    if (route_to)
        *route_to = -1;
    switch (ph->kind) {
    case BP_LOSS_XENT: {
        /* ∂L/∂z_k = p_k − y_k with p the engine's softmax */
        float p = a->out[i][cell], y = cell == m->label ? 1.0f : 0.0f;
        v = p - y;
        if (terms && max_terms > 0)
            terms[0] = (BpTerm){p, y};
        nt = 1;
        break;
    }
    case BP_LOSS_SSE: {
        float y = a->out[i][cell], t = cell == m->label ? 1.0f : 0.0f;
        v = y - t;
        if (terms && max_terms > 0)
            terms[0] = (BpTerm){y, t};
        nt = 1;
        break;
    }
    case BP_DENSE_W: {
        /* ∂L/∂W[o,i] = δ[o] · x[i]: one product, asked of dense_cell */
        int in = l->in.c;
        int o = (int)(cell / in), k = (int)(cell % in);
        const float *delta = &a->grad[i][o], *x = &layer_input(m, i)[k];
        v = dense_cell(delta, x, NULL, 1, 0, NULL, 0, NULL);
        if (terms && max_terms > 0)
            terms[0] = (BpTerm){*delta, *x};
        nt = 1;
        break;
    }
    case BP_DENSE_X: {
        /* ∂L/∂x[i] = Σ_o W[o,i]·δ[o]: dense_cell over the column i of W, i.e. a row of Wᵀ */
        static DenseTerm dt[NET_MAX_CHANNELS];
        dense_transpose(m, l);
        int o_n = l->units;
        v = dense_cell(a->grad[i], m->wt, NULL, o_n, (int)cell, terms ? dt : NULL,
                       terms ? NET_MAX_CHANNELS : 0, &nt);
        for (int t = 0; terms && t < nt && t < max_terms; t++)
            terms[t] = (BpTerm){dt[t].w, dt[t].x};
        break;
    }
    case BP_FLATTEN:
    case BP_OTHER:
        /* flatten only renames the shape; other layers: the engine's backward as it is */
        v = ph->kind == BP_FLATTEN ? a->grad[i][cell] : a->grad[i - 1][cell];
        break;
    case BP_POOL: {
        PoolGeom g = l->pool;
        long plane = (long)g.oh * g.ow;
        int c = (int)(cell / plane), oy = (int)(cell % plane / g.ow), ox = (int)(cell % g.ow);
        const float *xin = layer_input(m, i) + (long)c * g.h * g.w; /* (H, W) */
        float dout = a->grad[i][cell];
        if (l->kind == LAYER_MAXPOOL) {
            int arg = -1;
            pool_cell(&g, POOL_MAX, xin, oy, ox, &arg);
            if (route_to)
                *route_to = (int)((long)c * g.h * g.w + arg);
            v = dout; /* all of it to the winner */
        } else {
            if (route_to)
                *route_to = (int)((long)c * g.h * g.w + (long)oy * g.sh * g.w + (long)ox * g.sw);
            v = dout / (float)(g.kh * g.kw); /* an equal share to every cell of the window */
        }
        if (terms && max_terms > 0)
            terms[0] = (BpTerm){dout, v};
        nt = 1;
        break;
    }
    case BP_ACT: {
        float z = layer_input(m, i)[cell], da = a->grad[i][cell];
        float d = act_deriv(l->act, l->param, z);
        v = da * d;
        if (terms && max_terms > 0)
            terms[0] = (BpTerm){da, d};
        nt = 1;
        break;
    }
    case BP_CONV_W: {
        const ConvGeom *g = &l->conv;
        long kk = (long)g->kh * g->kw;
        int o = (int)(cell / (g->c * kk)), c = (int)(cell / kk % g->c);
        int ky = (int)(cell % kk / g->kw), kx = (int)(cell % g->kw);
        static ConvGradTerm gt[BP_MAX_TERMS];
        v = conv_dw_cell(g, a->grad[i], layer_input(m, i), o, c, ky, kx, terms ? gt : NULL,
                         terms ? BP_MAX_TERMS : 0, &nt);
        for (int t = 0; terms && t < nt && t < max_terms && t < BP_MAX_TERMS; t++)
            terms[t] = (BpTerm){gt[t].dout, gt[t].x};
        break;
    }
    case BP_CONV_B: {
        /* ∂L/∂b[o] = Σ ∂L/∂z[o,y,x]·1: dense_cell of the map against ones */
        const ConvGeom *g = &l->conv;
        long plane = (long)g->oh * g->ow;
        const float *dout = a->grad[i] + cell * plane;
        static DenseTerm dt[BP_MAX_TERMS];
        v = dense_cell(dout, m->ones, NULL, (int)plane, 0, terms ? dt : NULL,
                       terms ? BP_MAX_TERMS : 0, &nt);
        for (int t = 0; terms && t < nt && t < max_terms && t < BP_MAX_TERMS; t++)
            terms[t] = (BpTerm){dt[t].x, dt[t].w};
        break;
    }
    case BP_CONV_X: {
        const ConvGeom *g = &l->conv;
        long plane = (long)g->h * g->w;
        int c = (int)(cell / plane), iy = (int)(cell % plane / g->w), ix = (int)(cell % g->w);
        static ConvInputUse uses[BP_MAX_TERMS];
        v = conv_dx_cell(g, a->grad[i], m->net->params + l->w_off, c, iy, ix, uses, BP_MAX_TERMS,
                         &nt);
        for (int t = 0; terms && t < nt && t < max_terms && t < BP_MAX_TERMS; t++)
            terms[t] = (BpTerm){uses[t].w, uses[t].dout};
        break;
    }
    case BP_UPDATE: {
        /* the engine's SGD step already ran on `after`; the terms are W and ∂L/∂W */
        long off = cell < l->n_w ? l->w_off + cell : l->b_off + (cell - l->n_w);
        v = m->after->params[off];
        if (terms && max_terms > 0)
            terms[0] = (BpTerm){m->net->params[off], m->net->grads[off]};
        nt = 1;
        break;
    }
    default:
        break;
    }
    if (n_terms)
        *n_terms = nt;
    return v;
}

float bp_model_full(const BpModel *m, const BpPhase *ph, long cell)
{
    const Layer *l = layer_of(m, ph);
    const NetActs *a = m->acts;
    int i = ph->layer;
    switch (ph->kind) {
    case BP_LOSS_XENT:
        return a->grad[i - 1][cell];
    case BP_LOSS_SSE:
        return a->grad[i][cell];
    case BP_DENSE_W:
    case BP_CONV_W:
        return m->net->grads[l->w_off + cell];
    case BP_CONV_B:
        return m->net->grads[l->b_off + cell];
    case BP_POOL:
        return layer_input_grad(m, i)[ph->route[cell]];
    case BP_UPDATE:
        return m->after->params[cell < l->n_w ? l->w_off + cell : l->b_off + (cell - l->n_w)];
    default:
        return layer_input_grad(m, i)[cell];
    }
}

const float *bp_model_result(const BpModel *m, const BpPhase *ph, long *n)
{
    const Layer *l = layer_of(m, ph);
    int i = ph->layer;
    *n = ph->cells;
    switch (ph->kind) {
    case BP_LOSS_XENT:
        return m->acts->grad[i - 1];
    case BP_LOSS_SSE:
        return m->acts->grad[i];
    case BP_DENSE_W:
    case BP_CONV_W:
        return m->net->grads + l->w_off;
    case BP_CONV_B:
        return m->net->grads + l->b_off;
    case BP_POOL:
        *n = shape_elems(l->in);
        return layer_input_grad(m, i);
    case BP_UPDATE:
        return m->after->params + l->w_off;
    default:
        return layer_input_grad(m, i);
    }
}

BpStep bp_model_step(const BpModel *m, int s)
{
    BpStep st;
    memset(&st, 0, sizeof st);
    if (m->n_phases == 0)
        return st;
    if (s < 0)
        s = 0;
    if (s >= m->steps)
        s = m->steps - 1;
    int p = 0;
    while (p + 1 < m->n_phases && m->phases[p + 1].first <= s)
        p++;
    const BpPhase *ph = &m->phases[p];
    st.phase = p;
    st.ph = ph;
    st.cell0 = (long)(s - ph->first) * ph->chunk;
    st.cell1 = st.cell0 + ph->chunk < ph->cells ? st.cell0 + ph->chunk : ph->cells;
    st.focus = st.cell0;
    if (ph->kind == BP_DENSE_W) {
        /* the row's most telling product: the input with the largest magnitude */
        const float *x = layer_input(m, ph->layer);
        int in = m->net->spec.layers[ph->layer].in.c;
        float best = -1.0f;
        for (long c = st.cell0; c < st.cell1; c++)
            if (fabsf(x[c % in]) > best) {
                best = fabsf(x[c % in]);
                st.focus = c;
            }
    } else if (ph->kind == BP_UPDATE) {
        const Layer *l = layer_of(m, ph);
        float best = -1.0f;
        for (long c = 0; c < l->n_w; c++)
            if (fabsf(m->net->grads[l->w_off + c]) > best) {
                best = fabsf(m->net->grads[l->w_off + c]);
                st.focus = c;
            }
    } else if (st.cell1 - st.cell0 > 1) {
        float best = 0.0f;
        for (long c = st.cell0; c < st.cell1; c++)
            if (fabsf(ph->val[c]) > best) {
                best = fabsf(ph->val[c]);
                st.focus = c;
            }
    }
    st.value = ph->val[st.focus];
    st.full = bp_model_full(m, ph, st.focus);
    return st;
}

bool bp_model_fd(BpModel *m, const BpStep *st, GradCheckResult *fd, float *bp)
{
    const BpPhase *ph = st->ph;
    if (!ph || ph->kind == BP_UPDATE)
        return false;
    const Layer *l = layer_of(m, ph);
    int i = ph->layer;
    long c = st->focus;
    switch (ph->kind) {
    case BP_LOSS_XENT:
        *fd = gradcheck_output(m->gc, m->net, i - 1, m->acts->out[i - 1], m->label, c, BP_FD_H);
        *bp = m->acts->grad[i - 1][c];
        return true;
    case BP_LOSS_SSE:
        *fd = gradcheck_output(m->gc, m->net, i, m->acts->out[i], m->label, c, BP_FD_H);
        *bp = m->acts->grad[i][c];
        return true;
    case BP_DENSE_W:
    case BP_CONV_W:
        *fd = gradcheck_param(m->gc, m->net, m->x, m->label, l->w_off + c, BP_FD_H);
        *bp = m->net->grads[l->w_off + c];
        return true;
    case BP_CONV_B:
        *fd = gradcheck_param(m->gc, m->net, m->x, m->label, l->b_off + c, BP_FD_H);
        *bp = m->net->grads[l->b_off + c];
        return true;
    case BP_POOL:
        c = ph->route[c];
        break;
    default:
        break;
    }
    if (i < 1)
        return false;
    *fd = gradcheck_output(m->gc, m->net, i - 1, m->acts->out[i - 1], m->label, c, BP_FD_H);
    *bp = m->acts->grad[i - 1][c];
    return true;
}

/* ------------------------------------------------------------------------------ names */

/* UTF-8 subscript digits ₀..₉ for n >= 0. */
static void subscript(int n, char *buf, size_t size)
{
    char digits[16];
    snprintf(digits, sizeof digits, "%d", n);
    size_t k = 0;
    for (const char *d = digits; *d && k + 4 < size; d++) {
        buf[k++] = (char)0xE2;
        buf[k++] = (char)0x82;
        buf[k++] = (char)(0x80 + (*d - '0'));
    }
    buf[k] = '\0';
}

/* How many layers with parameters come at or before layer i (the stage number of the notes). */
static int stage_of(const BpModel *m, int i)
{
    int n = 0;
    for (int j = 0; j <= i && j < m->net->spec.n_layers; j++)
        n += layer_has_params(m->net->spec.layers[j].kind);
    return n;
}

const char *bp_model_tensor_name(const BpModel *m, int layer, char *buf, size_t size)
{
    if (layer < 0) {
        snprintf(buf, size, "x");
        return buf;
    }
    char sub[32];
    subscript(stage_of(m, layer), sub, sizeof sub);
    const char *letter = "h";
    switch (m->net->spec.layers[layer].kind) {
    case LAYER_CONV:
    case LAYER_DECONV:
    case LAYER_DENSE:
        letter = "z";
        break;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
    case LAYER_L2POOL:
        letter = "m";
        break;
    case LAYER_FLATTEN:
        snprintf(buf, size, "f");
        return buf;
    case LAYER_SOFTMAX:
        snprintf(buf, size, "p");
        return buf;
    case LAYER_LRN:
        letter = "n";
        break;
    default:
        letter = "a";
        break;
    }
    snprintf(buf, size, "%s%s", letter, sub);
    return buf;
}

const char *bp_model_weight_name(const BpModel *m, int layer, bool bias, char *buf, size_t size)
{
    char sub[32];
    subscript(stage_of(m, layer), sub, sizeof sub);
    bool conv = m->net->spec.layers[layer].kind != LAYER_DENSE;
    snprintf(buf, size, "%s%s", bias ? "b" : conv ? "K" : "W", sub);
    return buf;
}

const char *bp_model_shape(const BpModel *m, int layer, char *buf, size_t size)
{
    Shape s = layer < 0 ? m->net->spec.input : m->net->spec.layers[layer].out;
    if (s.rank == 3)
        snprintf(buf, size, "%d\xC3\x97%d\xC3\x97%d", s.c, s.h, s.w);
    else
        snprintf(buf, size, "%d", s.c);
    return buf;
}

const char *bp_model_cell_coords(const BpModel *m, const BpPhase *ph, long cell, char *buf,
                                 size_t size)
{
    const Layer *l = layer_of(m, ph);
    Shape s = {1, 1, 1, 1};
    switch (ph->kind) {
    case BP_LOSS_XENT:
    case BP_LOSS_SSE:
    case BP_CONV_B:
        snprintf(buf, size, "[%ld]", cell);
        return buf;
    case BP_DENSE_W:
        snprintf(buf, size, "[%ld,%ld]", cell / l->in.c, cell % l->in.c);
        return buf;
    case BP_CONV_W: {
        const ConvGeom *g = &l->conv;
        long kk = (long)g->kh * g->kw;
        snprintf(buf, size, "[%ld,%ld,%ld,%ld]", cell / (g->c * kk), cell / kk % g->c,
                 cell % kk / g->kw, cell % g->kw);
        return buf;
    }
    case BP_UPDATE:
        if (cell >= l->n_w) {
            snprintf(buf, size, "[%ld]", cell - l->n_w);
            return buf;
        }
        if (l->kind == LAYER_DENSE) {
            snprintf(buf, size, "[%ld,%ld]", cell / l->in.c, cell % l->in.c);
            return buf;
        } else {
            const ConvGeom *g = &l->conv;
            long kk = (long)g->kh * g->kw;
            snprintf(buf, size, "[%ld,%ld,%ld,%ld]", cell / (g->c * kk), cell / kk % g->c,
                     cell % kk / g->kw, cell % g->kw);
            return buf;
        }
    case BP_POOL:
        s = l->out;
        break;
    default:
        s = l->in;
        break;
    }
    if (s.rank == 3) {
        long plane = (long)s.h * s.w;
        snprintf(buf, size, "[%ld,%ld,%ld]", cell / plane, cell % plane / s.w, cell % s.w);
    } else {
        snprintf(buf, size, "[%ld]", cell);
    }
    return buf;
}

/* ------------------------------------------------------------------------- equations */

/* A number as the equations print it: short, no exponent, true minus sign. */
static void fmt_num(float v, char *out, size_t cap)
{
    char tmp[48];
    float a = fabsf(v);
    if (v == 0.0f)
        snprintf(tmp, sizeof tmp, "0");
    else if (a >= 100.0f)
        snprintf(tmp, sizeof tmp, "%.1f", (double)v);
    else if (a >= 1.0f)
        snprintf(tmp, sizeof tmp, "%.3f", (double)v);
    else if (a >= 0.001f)
        snprintf(tmp, sizeof tmp, "%.4f", (double)v);
    else
        snprintf(tmp, sizeof tmp, "%.6f", (double)v);
    if (strchr(tmp, '.')) {
        size_t n = strlen(tmp);
        while (n > 0 && tmp[n - 1] == '0')
            tmp[--n] = '\0';
        if (n > 0 && tmp[n - 1] == '.')
            tmp[--n] = '\0';
    }
    if (strcmp(tmp, "-0") == 0)
        snprintf(tmp, sizeof tmp, "0");
    if (tmp[0] == '-')
        snprintf(out, cap, "\xE2\x88\x92%.24s", tmp + 1);
    else
        snprintf(out, cap, "%s", tmp);
}

static int utf8_width(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Greedy folding of tokens joined by spaces into lines of at most width characters. Writes
 * the text when out is not NULL; returns the line count. */
static int fold_tokens(const char *const *tok, int n, int width, char *out, size_t cap)
{
    int lines = n > 0 ? 1 : 0, col = 0;
    size_t used = 0;
    if (out && cap)
        out[0] = '\0';
    for (int t = 0; t < n; t++) {
        int w = utf8_width(tok[t]);
        bool br = col > 0 && col + 1 + w > width;
        if (br) {
            lines++;
            col = 0;
        }
        if (out && used < cap) {
            int k = snprintf(out + used, cap - used, "%s%s", br ? "\n" : (t ? " " : ""), tok[t]);
            used += k > 0 ? (size_t)k : 0;
            if (used >= cap)
                used = cap - 1;
        }
        col += (col ? 1 : 0) + w;
    }
    return lines;
}

/* A term as a token of the written sum: "+ a×b" after the first (plus), in slot's buffer. */
static const char *term_token(const char *term, bool plus, int slot)
{
    static char buf[BP_MAX_TERMS + 16][176];
    snprintf(buf[slot], sizeof buf[slot], "%s%s", plus ? "+ " : "", term);
    return buf[slot];
}

int bp_model_equation(const BpModel *m, const BpStep *st, int width, int max_lines, char *out,
                      size_t cap)
{
    const BpPhase *ph = st->ph;
    if (!ph || cap == 0)
        return 0;
    static BpTerm terms[BP_MAX_TERMS];
    static char tstr[BP_MAX_TERMS + 8][160];
    static const char *tok[BP_MAX_TERMS + 8];
    static bool zero[BP_MAX_TERMS + 8]; /* the term adds nothing (a factor is 0) */
    bool sum = false;                    /* the terms are added (zero ones may be left out) */
    int nt = 0, route = -1;
    float v = bp_model_cell(m, ph, st->focus, terms, BP_MAX_TERMS, &nt, &route);
    if (nt > BP_MAX_TERMS)
        nt = BP_MAX_TERMS;
    char lhs[160], coords[48], name[32], a[32], b[32], vs[32];
    const Layer *l = layer_of(m, ph);
    bp_model_cell_coords(m, ph, st->focus, coords, sizeof coords);
    fmt_num(v, vs, sizeof vs);
    int i = ph->layer;
    /* the left-hand side: what this is the derivative of */
    switch (ph->kind) {
    case BP_LOSS_XENT:
        bp_model_tensor_name(m, i - 1, name, sizeof name);
        break;
    case BP_LOSS_SSE:
        bp_model_tensor_name(m, i, name, sizeof name);
        break;
    case BP_DENSE_W:
    case BP_CONV_W:
        bp_model_weight_name(m, i, false, name, sizeof name);
        break;
    case BP_CONV_B:
        bp_model_weight_name(m, i, true, name, sizeof name);
        break;
    case BP_UPDATE:
        bp_model_weight_name(m, i, st->focus >= l->n_w, name, sizeof name);
        break;
    default:
        bp_model_tensor_name(m, i - 1, name, sizeof name);
        break;
    }
    if (ph->kind == BP_POOL) {
        /* the winner's coordinates in the pool's input */
        char rc[48];
        Shape s = l->in;
        long plane = (long)s.h * s.w;
        snprintf(rc, sizeof rc, "[%ld,%ld,%ld]", (long)route / plane, (long)route % plane / s.w,
                 (long)route % s.w);
        snprintf(lhs, sizeof lhs, "\xE2\x88\x82L/\xE2\x88\x82%s%s =", name, rc);
    } else if (ph->kind == BP_UPDATE) {
        snprintf(lhs, sizeof lhs, "%s%s \xE2\x86\x90", name, coords);
    } else {
        snprintf(lhs, sizeof lhs, "\xE2\x88\x82L/\xE2\x88\x82%s%s =", name, coords);
    }

    /* what the sum is, in symbols, before the numbers */
    char expl[160] = "";
    char zn[32], xn2[32];
    bp_model_tensor_name(m, i, zn, sizeof zn);
    bp_model_tensor_name(m, i - 1, xn2, sizeof xn2);
    switch (ph->kind) {
    case BP_LOSS_XENT:
    case BP_LOSS_SSE:
        snprintf(expl, sizeof expl, "%s[%ld] \xE2\x88\x92 %s[%ld] =",
                 ph->kind == BP_LOSS_XENT ? "p" : "y", st->focus,
                 ph->kind == BP_LOSS_XENT ? "y" : "t", st->focus);
        break;
    case BP_DENSE_W:
        snprintf(expl, sizeof expl, "\xCE\xB4[%ld]\xC2\xB7%s[%ld] =", st->focus / l->in.c, xn2,
                 st->focus % l->in.c);
        break;
    case BP_DENSE_X:
        snprintf(expl, sizeof expl, "\xCE\xA3 W[o,%ld]\xC2\xB7\xCE\xB4[o] =", st->focus);
        break;
    case BP_ACT:
        snprintf(expl, sizeof expl, "\xE2\x88\x82L/\xE2\x88\x82%s\xC2\xB7" "f\xE2\x80\xB2(%s) =", zn,
                 xn2);
        break;
    case BP_CONV_W:
        snprintf(expl, sizeof expl, "\xCE\xA3 \xE2\x88\x82L/\xE2\x88\x82%s\xC2\xB7%s =", zn,
                 i > 0 ? xn2 : "x");
        break;
    case BP_CONV_B:
        snprintf(expl, sizeof expl, "\xCE\xA3 \xE2\x88\x82L/\xE2\x88\x82%s =", zn);
        break;
    case BP_CONV_X:
        snprintf(expl, sizeof expl, "\xCE\xA3 w\xC2\xB7\xE2\x88\x82L/\xE2\x88\x82%s =", zn);
        break;
    default:
        break;
    }

    /* the terms of the right-hand side */
    int n = 0;
    switch (ph->kind) {
    case BP_LOSS_XENT:
    case BP_LOSS_SSE:
        fmt_num(terms[0].a, a, sizeof a);
        snprintf(tstr[n++], sizeof tstr[0], "%s \xE2\x88\x92 %s", a, terms[0].b != 0.0f ? "1" : "0");
        break;
    case BP_POOL:
        fmt_num(terms[0].a, a, sizeof a);
        if (l->kind == LAYER_MAXPOOL) {
            /* the upstream cell, then the window it won: max(…) */
            long po = (long)l->pool.oh * l->pool.ow;
            snprintf(tstr[n++], sizeof tstr[0], "\xE2\x88\x82L/\xE2\x88\x82%s[%ld,%ld,%ld] =", zn,
                     st->focus / po, st->focus % po / l->pool.ow, st->focus % l->pool.ow);
            snprintf(tstr[n++], sizeof tstr[0], "%s,", a);
            const PoolGeom *g = &l->pool;
            const float *xin = layer_input(m, i) + (st->focus / po) * g->h * g->w;
            int oy = (int)(st->focus % po / g->ow), ox = (int)(st->focus % g->ow);
            snprintf(tstr[n++], sizeof tstr[0], "the winner of");
            for (int dy = 0; dy < g->kh; dy++)
                for (int dx = 0; dx < g->kw; dx++) {
                    char wv[32];
                    fmt_num(xin[(oy * g->sh + dy) * g->w + ox * g->sw + dx], wv, sizeof wv);
                    bool first = dy == 0 && dx == 0, lastc = dy == g->kh - 1 && dx == g->kw - 1;
                    snprintf(tstr[n++], sizeof tstr[0], "%s%s%s", first ? "max(" : "", wv, lastc ? ")" : ",");
                }
        } else
            snprintf(tstr[n++], sizeof tstr[0], "%s/%d", a, l->pool.kh * l->pool.kw);
        break;
    case BP_UPDATE: {
        char e[32];
        fmt_num(terms[0].a, a, sizeof a);
        fmt_num(terms[0].b, b, sizeof b);
        fmt_num(m->lr, e, sizeof e);
        snprintf(tstr[n++], sizeof tstr[0], "%s \xE2\x88\x92 %s\xC3\x97(%s)", a, e, b);
        break;
    }
    case BP_FLATTEN:
    case BP_OTHER: {
        char src[32];
        bp_model_tensor_name(m, i, src, sizeof src);
        if (ph->kind == BP_FLATTEN) {
            char c2[32];
            snprintf(c2, sizeof c2, "[%ld]", st->focus);
            snprintf(tstr[n++], sizeof tstr[0], "\xE2\x88\x82L/\xE2\x88\x82%s%s", src, c2);
        } else {
            snprintf(tstr[n++], sizeof tstr[0], "(the engine's %s backward)",
                     layer_kind_name(l->kind));
        }
        break;
    }
    case BP_CONV_B:
        sum = true;
        for (int t = 0; t < nt; t++) {
            fmt_num(terms[t].a, a, sizeof a);
            snprintf(tstr[n], sizeof tstr[0], "%s", a);
            zero[n++] = terms[t].a == 0.0f;
        }
        break;
    default:
        sum = true;
        for (int t = 0; t < nt; t++) {
            fmt_num(terms[t].a, a, sizeof a);
            fmt_num(terms[t].b, b, sizeof b);
            snprintf(tstr[n], sizeof tstr[0], "%s\xC3\x97%s", a, b);
            zero[n++] = terms[t].a == 0.0f || terms[t].b == 0.0f;
        }
        break;
    }
    char rhs[48];
    snprintf(rhs, sizeof rhs, "= %s", vs);
    bool pool_max = ph->kind == BP_POOL && l->kind == LAYER_MAXPOOL;

    /* keep the first and last terms, dropping middle ones into "+ …" until it fits; in a sum
     * the zero products go first (they add nothing, and a fold that kept them while hiding
     * the one that matters would show the wrong part), counted in the "+ …" */
    static int idx[2 * (BP_MAX_TERMS + 8)];
    int all = 0, nz = 0;
    for (int t = 0; t < n; t++)
        idx[all++] = t;
    if (sum)
        for (int t = 0; t < n; t++)
            if (!zero[t])
                idx[all + nz++] = t;
    bool can_skip = sum && nz > 0 && nz < n;
    char more[96];
    int lines = 0;
    for (int pass = 0; pass < 2; pass++) {
        /* pass 0: every term (only whole when zeros can go instead); pass 1: the nonzero */
        bool nonzero = pass == 1;
        if (nonzero && !can_skip)
            break;
        const int *list = nonzero ? idx + all : idx;
        int len = nonzero ? nz : n;
        int least = can_skip && !nonzero ? len : (len < 1 ? len : 1);
        for (int keep = len; keep >= least; keep--) {
            int k = 0;
            tok[k++] = lhs;
            if (expl[0])
                tok[k++] = expl;
            int head = keep == len ? len : (keep + 1) / 2, tail = keep == len ? 0 : keep / 2;
            int folded = len - head - tail, skipped = n - len;
            for (int t = 0; t < head; t++, k++)
                tok[k] = term_token(tstr[list[t]], sum && t > 0, k);
            if (folded > 0 || skipped > 0) {
                if (skipped > 0 && folded > 0)
                    snprintf(more, sizeof more, "+ \xE2\x80\xA6 (%d more, %d zero term%s)",
                             folded, skipped, skipped == 1 ? "" : "s");
                else if (skipped > 0)
                    snprintf(more, sizeof more, "+ \xE2\x80\xA6 (%d zero term%s)", skipped,
                             skipped == 1 ? "" : "s");
                else
                    snprintf(more, sizeof more, "+ \xE2\x80\xA6");
                tok[k++] = more;
                for (int t = len - tail; t < len; t++, k++)
                    tok[k] = term_token(tstr[list[t]], sum, k);
            }
            if (!pool_max)
                tok[k++] = rhs;
            lines = fold_tokens(tok, k, width, NULL, 0);
            if (lines <= max_lines || keep <= 1) {
                return fold_tokens(tok, k, width, out, cap);
            }
        }
    }
    return lines;
}

const char *bp_model_phase_caption(const BpModel *m, const BpPhase *ph, char *buf, size_t size)
{
    const Layer *l = layer_of(m, ph);
    char name[32], in[32], shape[32], e[32];
    int i = ph->layer;
    switch (ph->kind) {
    case BP_LOSS_XENT:
        snprintf(buf, size,
                 "Softmax with cross-entropy: \xE2\x88\x82L/\xE2\x88\x82z = p \xE2\x88\x92 y, the "
                 "probabilities minus the one-hot label (%d). The entries sum to 0.",
                 m->label);
        break;
    case BP_LOSS_SSE:
        snprintf(buf, size,
                 "Sum of squared errors L = \xC2\xBD\xC2\xB7\xCE\xA3(y \xE2\x88\x92 t)\xC2\xB2: "
                 "\xE2\x88\x82L/\xE2\x88\x82y = y \xE2\x88\x92 t, t the one-hot label (%d).",
                 m->label);
        break;
    case BP_DENSE_W:
        snprintf(buf, size,
                 "Dense layer: a weight's gradient is its output's \xCE\xB4 times the input it "
                 "multiplies, \xE2\x88\x82L/\xE2\x88\x82W = \xCE\xB4\xC2\xB7x\xE1\xB5\x80 (a row "
                 "a step), and \xE2\x88\x82L/\xE2\x88\x82" "b = \xCE\xB4.");
        break;
    case BP_DENSE_X:
        snprintf(buf, size,
                 "Dense layer, back to its input: \xE2\x88\x82L/\xE2\x88\x82x = "
                 "W\xE1\xB5\x80\xCE\xB4; each input sums the weights leaving it times their "
                 "outputs' \xCE\xB4.");
        break;
    case BP_FLATTEN:
        bp_model_shape(m, i - 1, shape, sizeof shape);
        snprintf(buf, size,
                 "Flatten has no numbers of its own: the %ld gradients fold back into maps of "
                 "%s (C, H, W order).",
                 ph->cells, shape);
        break;
    case BP_POOL:
        if (l->kind == LAYER_MAXPOOL)
            snprintf(buf, size,
                     "Max pooling: each pooled cell's gradient goes to the cell that won its "
                     "window (the argmax); every other cell gets 0.");
        else
            snprintf(buf, size,
                     "Average pooling: each pooled cell's gradient is shared equally by the %d "
                     "cells of its window.",
                     l->pool.kh * l->pool.kw);
        break;
    case BP_ACT:
        bp_model_tensor_name(m, i - 1, in, sizeof in);
        bp_model_tensor_name(m, i, name, sizeof name);
        if (l->kind == LAYER_RELU)
            snprintf(buf, size,
                     "ReLU: \xE2\x88\x82L/\xE2\x88\x82%s = \xE2\x88\x82L/\xE2\x88\x82%s \xC2\xB7 "
                     "f\xE2\x80\xB2(%s); the gradient passes where %s > 0 (mask 1) and stops "
                     "where %s \xE2\x89\xA4 0.",
                     in, name, in, in, in);
        else
            snprintf(buf, size,
                     "%s: \xE2\x88\x82L/\xE2\x88\x82%s = \xE2\x88\x82L/\xE2\x88\x82%s \xC2\xB7 "
                     "f\xE2\x80\xB2(%s), the slope of the activation at each cell.",
                     layer_kind_name(l->kind), in, name, in);
        break;
    case BP_CONV_W:
        bp_model_weight_name(m, i, false, name, sizeof name);
        bp_model_tensor_name(m, i, in, sizeof in);
        snprintf(buf, size,
                 "Kernel gradient: \xE2\x88\x82L/\xE2\x88\x82%s[o,c,i,j] = \xCE\xA3 "
                 "\xE2\x88\x82L/\xE2\x88\x82%s[o,y,x]\xC2\xB7x[c,y+i,x+j]. The upstream "
                 "gradient map slides over the input like a kernel: one position per kernel "
                 "cell.",
                 name, in);
        break;
    case BP_CONV_B:
        bp_model_weight_name(m, i, true, name, sizeof name);
        bp_model_tensor_name(m, i, in, sizeof in);
        snprintf(buf, size,
                 "Bias gradient: \xE2\x88\x82L/\xE2\x88\x82%s[o] = \xCE\xA3 "
                 "\xE2\x88\x82L/\xE2\x88\x82%s[o] over the whole map (the bias is added at "
                 "every position).",
                 name, in);
        break;
    case BP_CONV_X:
        snprintf(buf, size,
                 "Convolution, back to its input: each input cell collects w \xC3\x97 "
                 "\xE2\x88\x82L/\xE2\x88\x82z from every window that used it.");
        break;
    case BP_OTHER:
        snprintf(buf, size, "%s: the engine's backward, shown as it comes.",
                 layer_kind_name(l->kind));
        break;
    case BP_UPDATE:
        bp_model_weight_name(m, i, false, name, sizeof name);
        fmt_num(m->lr, e, sizeof e);
        snprintf(buf, size,
                 "Update of %s with learning rate \xCE\xB7 = %s: %s \xE2\x86\x90 %s \xE2\x88\x92 "
                 "\xCE\xB7\xC2\xB7\xE2\x88\x82L/\xE2\x88\x82%s. Loss on this example %.4f "
                 "\xE2\x86\x92 %.4f after the step.",
                 name, e, name, name, name, (double)m->loss, (double)m->loss_after);
        break;
    default:
        snprintf(buf, size, "%s", "");
        break;
    }
    return buf;
}
