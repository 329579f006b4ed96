/* netrun.c - forward, loss and backward of net.h over a batch: the layer dispatch (the
 * reference ops or the fast path of fastconv.h), batchnorm's whole-batch joins, and the fast
 * path's batch cut into groups on the thread pool.
 * Depends on: net.h, conv, pool, act, dense, batchnorm, fastconv, fastgroup, workers (libm).
 * Legend: N batch, C channels, H/W height/width, O outputs, K classes. */
#include "engine/net.h"

#include "engine/batchnorm.h"
#include "engine/dense.h"
#include "engine/fastconv.h"
#include "engine/fastgroup.h"
#include "engine/workers.h"

#include <assert.h>
#include <math.h>
#include <string.h>

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
