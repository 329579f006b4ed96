/* optim.c - see optim.h. Legend: P parameters. */
#include "engine/optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static Optim *create(OptimKind kind, long n, float lr, bool second_moment)
{
    Optim *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->kind = kind;
    o->n = n;
    o->lr = lr;
    o->beta1 = 0.9f;
    o->beta2 = 0.999f;
    o->eps = 1e-8f;
    /* +1 so a net without parameters still gets valid buffers */
    o->m = calloc((size_t)n + 1, sizeof(float));
    o->v = second_moment ? calloc((size_t)n + 1, sizeof(float)) : NULL;
    if (!o->m || (second_moment && !o->v)) {
        optim_destroy(o);
        return NULL;
    }
    return o;
}

Optim *optim_create_sgd(long n_params, float lr, float momentum)
{
    Optim *o = create(OPTIM_SGD, n_params, lr, false);
    if (o)
        o->momentum = momentum;
    return o;
}

Optim *optim_create_adam(long n_params, float lr)
{
    return create(OPTIM_ADAM, n_params, lr, true);
}

void optim_destroy(Optim *opt)
{
    if (!opt)
        return;
    free(opt->m);
    free(opt->v);
    free(opt);
}

void optim_reset(Optim *opt)
{
    opt->t = 0;
    memset(opt->m, 0, (size_t)opt->n * sizeof(float));
    if (opt->v)
        memset(opt->v, 0, (size_t)opt->n * sizeof(float));
}

const char *optim_name(OptimKind kind)
{
    return kind == OPTIM_ADAM ? "adam" : "sgd";
}

void optim_step(Optim *opt, float *params, const float *grads)
{
    float *w = params;      /* (P) */
    const float *g = grads; /* (P) */
    float *m = opt->m;      /* (P) */
    long n = opt->n;
    opt->t++;
    if (opt->kind == OPTIM_SGD) {
        float mom = opt->momentum, lr = opt->lr;
        for (long i = 0; i < n; i++) {
            m[i] = mom * m[i] + g[i];
            w[i] -= lr * m[i];
        }
        return;
    }
    /* Adam as torch.optim.Adam computes it: bias corrections folded into the step size and
     * the denominator (in double here, as Python floats there) */
    float *v = opt->v; /* (P) */
    float b1 = opt->beta1, b2 = opt->beta2, eps = opt->eps;
    double bc1 = 1.0 - pow((double)b1, (double)opt->t);
    double bc2 = 1.0 - pow((double)b2, (double)opt->t);
    float step = (float)(opt->lr / bc1);
    float bc2_sqrt = (float)sqrt(bc2);
    for (long i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1.0f - b1) * g[i];
        v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
        float denom = sqrtf(v[i]) / bc2_sqrt + eps;
        w[i] -= step * m[i] / denom;
    }
}
