/* labs/backprop/model_cell.c - one cell of the Backprop lab's backward, two ways (see
 * model.h): the step-through value asked of the engine's single-cell queries (conv_dw_cell,
 * conv_dx_cell, pool_cell's argmax, act_deriv, dense_cell over Wᵀ) and the engine's full
 * backward at the same position; the step at a timeline position; the finite-difference check.
 * Depends on: model_int.h, engine (conv, dense, pool, act, gradcheck). */
#include "labs/backprop/model_int.h"

#include "engine/act.h"
#include "engine/pool.h"

#include <math.h>
#include <string.h>

/* Wᵀ (I, O) of dense layer l into m->wt, so dense_cell sums a column of W. */
static void dense_transpose(const BpModel *m, const Layer *l)
{
    const float *w = m->net->params + l->w_off; /* (O, I) */
    int o_n = l->units, in = l->in.c;
    for (int o = 0; o < o_n; o++)
        for (int i = 0; i < in; i++)
            m->wt[(long)i * o_n + o] = w[(long)o * in + i];
}

/* ∂L/∂x[i] = Σ_o W[o,i]·δ[o] of dense layer l (index i): dense_cell over the column
 * i of W, i.e. a row of Wᵀ. */
static float cell_dense_x(const BpModel *m, const Layer *l, int i, long cell, BpTerm *terms,
                          int max_terms, int *nt)
{
    const NetActs *a = m->acts;
    static DenseTerm dt[NET_MAX_CHANNELS];
    dense_transpose(m, l);
    int o_n = l->units;
    float v = dense_cell(a->grad[i], m->wt, NULL, o_n, (int)cell, terms ? dt : NULL,
                         terms ? NET_MAX_CHANNELS : 0, nt);
    for (int t = 0; terms && t < *nt && t < max_terms; t++)
        terms[t] = (BpTerm){dt[t].w, dt[t].x};
    return v;
}

/* The gradient pooled cell `cell` of layer l routes back: all of it to the argmax (max), an
 * equal share to every cell of the window (avg); *route_to the input cell it goes to. */
static float cell_pool(const BpModel *m, const Layer *l, int i, long cell, BpTerm *terms,
                       int max_terms, int *nt, int *route_to)
{
    const NetActs *a = m->acts;
    float v = 0.0f;
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
    *nt = 1;
    return v;
}

/* ∂L/∂K[o,c,ky,kx] of conv layer l: the upstream map slid over the input (conv_dw_cell). */
static float cell_conv_w(const BpModel *m, const Layer *l, int i, long cell, BpTerm *terms,
                         int max_terms, int *nt)
{
    const NetActs *a = m->acts;
    const ConvGeom *g = &l->conv;
    long kk = (long)g->kh * g->kw;
    int cg = g->c / conv_groups(g); /* the kernel's channel axis: C/G */
    int o = (int)(cell / (cg * kk)), c = (int)(cell / kk % cg);
    int ky = (int)(cell % kk / g->kw), kx = (int)(cell % g->kw);
    static ConvGradTerm gt[BP_MAX_TERMS];
    float v = conv_dw_cell(g, a->grad[i], layer_input(m, i), o, c, ky, kx, terms ? gt : NULL,
                           terms ? BP_MAX_TERMS : 0, nt);
    for (int t = 0; terms && t < *nt && t < max_terms && t < BP_MAX_TERMS; t++)
        terms[t] = (BpTerm){gt[t].dout, gt[t].x};
    return v;
}

/* ∂L/∂b[o] = Σ ∂L/∂z[o,y,x]·1 of conv layer l: dense_cell of the map against ones. */
static float cell_conv_b(const BpModel *m, const Layer *l, int i, long cell, BpTerm *terms,
                         int max_terms, int *nt)
{
    const NetActs *a = m->acts;
    const ConvGeom *g = &l->conv;
    long plane = (long)g->oh * g->ow;
    const float *dout = a->grad[i] + cell * plane;
    static DenseTerm dt[BP_MAX_TERMS];
    float v = dense_cell(dout, m->ones, NULL, (int)plane, 0, terms ? dt : NULL,
                         terms ? BP_MAX_TERMS : 0, nt);
    for (int t = 0; terms && t < *nt && t < max_terms && t < BP_MAX_TERMS; t++)
        terms[t] = (BpTerm){dt[t].x, dt[t].w};
    return v;
}

/* ∂L/∂x[c,y,x] of conv layer l: w × ∂L/∂z from every window that used the cell
 * (conv_dx_cell). */
static float cell_conv_x(const BpModel *m, const Layer *l, int i, long cell, BpTerm *terms,
                         int max_terms, int *nt)
{
    const NetActs *a = m->acts;
    const ConvGeom *g = &l->conv;
    long plane = (long)g->h * g->w;
    int c = (int)(cell / plane), iy = (int)(cell % plane / g->w), ix = (int)(cell % g->w);
    static ConvInputUse uses[BP_MAX_TERMS];
    float v =
        conv_dx_cell(g, a->grad[i], m->net->params + l->w_off, c, iy, ix, uses, BP_MAX_TERMS, nt);
    for (int t = 0; terms && t < *nt && t < max_terms && t < BP_MAX_TERMS; t++)
        terms[t] = (BpTerm){uses[t].w, uses[t].dout};
    return v;
}

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
    case BP_LOSS_XENT:
    case BP_LOSS_SSE: {
        /* ∂L/∂z_k = p_k − y_k with p the engine's softmax; ∂L/∂y_k = y_k − t_k for the sum of
         * squared errors */
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
    case BP_DENSE_X:
        v = cell_dense_x(m, l, i, cell, terms, max_terms, &nt);
        break;
    case BP_FLATTEN:
    case BP_OTHER:
        /* flatten only renames the shape; other layers: the engine's backward as it is */
        v = ph->kind == BP_FLATTEN ? a->grad[i][cell] : layer_input_grad(m, i)[cell];
        break;
    case BP_POOL:
        v = cell_pool(m, l, i, cell, terms, max_terms, &nt, route_to);
        break;
    case BP_ACT: {
        float z = layer_input(m, i)[cell], da = a->grad[i][cell];
        float d = act_deriv(l->act, l->param, z);
        v = da * d;
        if (terms && max_terms > 0)
            terms[0] = (BpTerm){da, d};
        nt = 1;
        break;
    }
    case BP_CONV_W:
        v = cell_conv_w(m, l, i, cell, terms, max_terms, &nt);
        break;
    case BP_CONV_B:
        v = cell_conv_b(m, l, i, cell, terms, max_terms, &nt);
        break;
    case BP_CONV_X:
        v = cell_conv_x(m, l, i, cell, terms, max_terms, &nt);
        break;
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

/* ------------------------------------------------------------------ what a step shows */

void bp_model_shown(const BpPhase *ph, long done, float *val, uint8_t *mask, long n)
{
    memset(mask, 0, (size_t)n);
    for (long c = 0; c < ph->cells; c++) {
        val[c] = ph->val[c];
        mask[c] = c < done;
    }
}

void bp_model_pool_shown(const BpModel *m, const BpPhase *ph, int ch, long done, float *res,
                         uint8_t *mask)
{
    const Layer *l = layer_of(m, ph);
    const PoolGeom *g = &l->pool;
    long plane_out = (long)g->oh * g->ow, plane_in = (long)g->h * g->w;
    memset(res, 0, (size_t)plane_in * sizeof(float));
    memset(mask, 1, (size_t)plane_in);
    for (long c = ch * plane_out; c < (ch + 1) * plane_out; c++) {
        if (c >= done) {
            /* not yet reached: the window's cells stay blank */
            int oy = (int)(c % plane_out / g->ow), ox = (int)(c % g->ow);
            for (int dy = 0; dy < g->kh; dy++)
                for (int dx = 0; dx < g->kw; dx++)
                    mask[(oy * g->sh + dy) * g->w + ox * g->sw + dx] = 0;
        }
    }
    for (long c = ch * plane_out; c < (ch + 1) * plane_out && c < done; c++) {
        if (l->kind == LAYER_MAXPOOL) {
            res[ph->route[c] - ch * plane_in] += ph->val[c];
        } else {
            int oy = (int)(c % plane_out / g->ow), ox = (int)(c % g->ow);
            for (int dy = 0; dy < g->kh; dy++)
                for (int dx = 0; dx < g->kw; dx++)
                    res[(oy * g->sh + dy) * g->w + ox * g->sw + dx] += ph->val[c];
        }
    }
}

void bp_model_act_slopes(const BpModel *m, const BpPhase *ph, int ch, float *out, long max)
{
    const Layer *l = layer_of(m, ph);
    int i = ph->layer;
    Shape s = l->in;
    long plane = s.rank == 3 ? (long)s.h * s.w : s.c;
    const float *z = m->acts->out[i - 1] + ch * plane;
    for (long k = 0; k < plane && k < max; k++)
        out[k] = act_deriv(l->act, l->param, z[k]);
}

void bp_model_dense_bias_shown(const BpModel *m, const BpPhase *ph, long done, float *db,
                               uint8_t *mask)
{
    const Layer *l = layer_of(m, ph);
    const float *g = m->net->grads + l->b_off;
    for (int o = 0; o < l->units; o++) {
        db[o] = g[o];
        mask[o] = (long)o * l->in.c < done;
    }
}

int bp_model_conv_x_uses(const BpModel *m, const BpStep *st, ConvInputUse *uses, int max)
{
    const Layer *l = layer_of(m, st->ph);
    const ConvGeom *g = &l->conv;
    long plane_in = (long)g->h * g->w;
    int c = (int)(st->focus / plane_in);
    int iy = (int)(st->focus % plane_in / g->w), ix = (int)(st->focus % g->w);
    int n = 0;
    conv_dx_cell(g, NULL, m->net->params + l->w_off, c, iy, ix, uses, max, &n);
    return n;
}
