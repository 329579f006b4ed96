/* gradcheck.c - central finite differences of the loss (see gradcheck.h). The partial forward
 * uses the same reference ops as netrun.c's layer dispatch, one example at a time. */
#include "engine/gradcheck.h"

#include "engine/act.h"
#include "engine/batchnorm.h"
#include "engine/conv.h"
#include "engine/dense.h"
#include "engine/pool.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct GradCheck {
    NetActs *acts;  /* (1 example) for gradcheck_param */
    long max_elems; /* the largest tensor of one example (input or any layer's output) */
    float *buf[2];  /* (max_elems) ping-pong buffers of the partial forward */
    float *stage;   /* (max_elems) the perturbed copy of a layer's output */
    float *p;       /* (K) softmax probabilities for the loss */
    double *stats;  /* (2, max_elems) a batchnorm's mean and variance for this example */
};

GradCheck *gradcheck_create(const Net *net, char *err, size_t err_size)
{
    GradCheck *gc = calloc(1, sizeof *gc);
    if (!gc)
        goto oom;
    const NetSpec *sp = &net->spec;
    gc->max_elems = shape_elems(sp->input);
    for (int i = 0; i < sp->n_layers; i++) {
        long e = shape_elems(sp->layers[i].out);
        gc->max_elems = e > gc->max_elems ? e : gc->max_elems;
    }
    gc->acts = net_acts_create(net, 1);
    gc->buf[0] = malloc((size_t)gc->max_elems * sizeof(float));
    gc->buf[1] = malloc((size_t)gc->max_elems * sizeof(float));
    gc->stage = malloc((size_t)gc->max_elems * sizeof(float));
    gc->p = malloc((size_t)gc->max_elems * sizeof(float));
    gc->stats = malloc(2 * (size_t)gc->max_elems * sizeof(double));
    if (!gc->acts || !gc->buf[0] || !gc->buf[1] || !gc->stage || !gc->p || !gc->stats)
        goto oom;
    return gc;
oom:
    gradcheck_destroy(gc);
    snprintf(err, err_size, "gradcheck: out of memory");
    return NULL;
}

void gradcheck_destroy(GradCheck *gc)
{
    if (!gc)
        return;
    net_acts_destroy(gc->acts);
    free(gc->buf[0]);
    free(gc->buf[1]);
    free(gc->stage);
    free(gc->p);
    free(gc->stats);
    free(gc);
}

GradCheckResult gradcheck_param(GradCheck *gc, Net *net, const float *x, int label, long index,
                                float h)
{
    assert(index >= 0 && index < net->n_params);
    GradCheckResult res = {h, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    float old = net->params[index];
    float up = old + h, down = old - h;
    net_forward(net, gc->acts, x, 1);
    res.l0 = net_loss(net, gc->acts, &label);
    net->params[index] = up;
    net_forward(net, gc->acts, x, 1);
    res.lplus = net_loss(net, gc->acts, &label);
    net->params[index] = down;
    net_forward(net, gc->acts, x, 1);
    res.lminus = net_loss(net, gc->acts, &label);
    net->params[index] = old;
    /* divide by the step float arithmetic really took, not the nominal 2h */
    res.fd = (res.lplus - res.lminus) / (up - down);
    res.left = (res.l0 - res.lminus) / (old - down);
    res.right = (res.lplus - res.l0) / (up - old);
    return res;
}

/* One layer of one example, reference ops: y (out) = layer(x (in)). The same dispatch as
 * netrun.c's layer_forward with no fast path; a batchnorm in the net's mode, as net_forward of
 * this one example (training: the example's own statistics; evaluation: the running ones). */
static void layer_ref_forward(GradCheck *gc, const Net *net, const Layer *l, float *y,
                              const float *x)
{
    const float *params = net->params;
    switch (l->kind) {
    case LAYER_CONV:
        conv_forward(y, x, params + l->w_off, params + l->b_off, &l->conv);
        break;
    case LAYER_DECONV:
        deconv_forward(y, x, params + l->w_off, params + l->b_off, &l->conv);
        break;
    case LAYER_MAXPOOL:
        pool_forward(y, x, POOL_MAX, &l->pool);
        break;
    case LAYER_AVGPOOL:
        pool_forward(y, x, POOL_AVG, &l->pool);
        break;
    case LAYER_L2POOL:
        pool_forward(y, x, POOL_L2, &l->pool);
        break;
    case LAYER_RELU:
    case LAYER_LEAKY:
    case LAYER_SIGMOID:
    case LAYER_TANH:
    case LAYER_ABS:
    case LAYER_SOFTPLUS:
        act_forward(y, x, shape_elems(l->in), l->act, l->param);
        break;
    case LAYER_LRN:
        lrn_forward(y, x, 1, l->in.c, l->in.h, l->in.w, l->lrn_size, l->lrn_alpha, l->lrn_beta,
                    l->lrn_k);
        break;
    case LAYER_FLATTEN:
        memcpy(y, x, (size_t)shape_elems(l->in) * sizeof(float));
        break;
    case LAYER_DENSE:
        dense_forward(y, x, params + l->w_off, params + l->b_off, 1, l->in.c, l->units);
        break;
    case LAYER_SOFTMAX:
        softmax_forward(y, x, 1, l->in.c);
        break;
    case LAYER_BATCHNORM: {
        BnGeom g = {1, l->in.c, l->in.h * l->in.w, l->bn_eps};
        double *mean = gc->stats, *var = gc->stats + g.c; /* (C) each */
        if (net->training) {
            batchnorm_stats(mean, var, x, &g);
        } else {
            for (int c = 0; c < g.c; c++) {
                mean[c] = net->state[l->s_off + c];
                var[c] = net->state[l->s_off + g.c + c];
            }
        }
        batchnorm_forward(y, x, mean, var, params + l->w_off, params + l->b_off, &g);
        break;
    }
    default:
        assert(!"unknown layer kind");
    }
}

float gradcheck_loss_from(GradCheck *gc, const Net *net, int layer, const float *out, int label)
{
    const NetSpec *sp = &net->spec;
    int last = sp->n_layers - 1;
    /* with a softmax at the end, net_loss scores the logits (the softmax's input) */
    int stop = sp->xent ? last - 1 : last;
    assert(layer >= -1 && layer <= stop);
    long e = layer < 0 ? shape_elems(sp->input) : shape_elems(sp->layers[layer].out);
    memcpy(gc->buf[0], out, (size_t)e * sizeof(float));
    int cur = 0;
    for (int i = layer + 1; i <= stop; i++) {
        layer_ref_forward(gc, net, &sp->layers[i], gc->buf[1 - cur], gc->buf[cur]);
        cur = 1 - cur;
    }
    int k = (int)shape_elems(sp->layers[stop].out);
    if (sp->xent)
        return loss_softmax_xent(gc->p, NULL, gc->buf[cur], &label, 1, k);
    return loss_sse(NULL, gc->buf[cur], &label, 1, k);
}

GradCheckResult gradcheck_output(GradCheck *gc, const Net *net, int layer, const float *out,
                                 int label, long index, float h)
{
    GradCheckResult res = {h, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    long e = layer < 0 ? shape_elems(net->spec.input) : shape_elems(net->spec.layers[layer].out);
    assert(index >= 0 && index < e);
    float up = out[index] + h, down = out[index] - h;
    memcpy(gc->stage, out, (size_t)e * sizeof(float));
    res.l0 = gradcheck_loss_from(gc, net, layer, gc->stage, label);
    gc->stage[index] = up;
    res.lplus = gradcheck_loss_from(gc, net, layer, gc->stage, label);
    gc->stage[index] = down;
    res.lminus = gradcheck_loss_from(gc, net, layer, gc->stage, label);
    /* divide by the step float arithmetic really took, not the nominal 2h */
    res.fd = (res.lplus - res.lminus) / (up - down);
    res.left = (res.l0 - res.lminus) / (out[index] - down);
    res.right = (res.lplus - res.l0) / (up - out[index]);
    return res;
}

bool gradcheck_kink(const GradCheckResult *r)
{
    return !gradcheck_agrees(r->left, r->right, 2e-3f, 0.1f);
}

bool gradcheck_agrees(float fd, float bp, float atol, float rtol)
{
    float m = fabsf(fd) > fabsf(bp) ? fabsf(fd) : fabsf(bp);
    return fabsf(fd - bp) <= atol + rtol * m;
}
