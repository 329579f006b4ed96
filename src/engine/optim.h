/* optim.h - optimizers over the flat parameter buffer: SGD with momentum and Adam, with
 * PyTorch's semantics and defaults, each one loop. Depends on: libc, libm.
 * Legend: P parameters (Net.n_params). */
#ifndef CONVSCOPE_OPTIM_H
#define CONVSCOPE_OPTIM_H

#include <stdbool.h>

typedef enum OptimKind { OPTIM_SGD, OPTIM_ADAM } OptimKind;

typedef struct Optim {
    OptimKind kind;
    long n;         /* P */
    float lr;       /* learning rate, may be changed between steps */
    float momentum; /* SGD: m in v = m*v + g (0: plain SGD) */
    float beta1;    /* Adam: 0.9 */
    float beta2;    /* Adam: 0.999 */
    float eps;      /* Adam: 1e-8 */
    long t;         /* steps taken */
    float *m;       /* (P) SGD velocity v / Adam first moment */
    float *v;       /* (P) Adam second moment (NULL for SGD) */
} Optim;

/* SGD with momentum, PyTorch torch.optim.SGD (dampening 0, no Nesterov):
 * v = m*v + g; w -= lr*v (v starts at 0, so the first step is w -= lr*g). NULL when out of
 * memory. */
Optim *optim_create_sgd(long n_params, float lr, float momentum);
/* Adam, PyTorch torch.optim.Adam defaults (beta1 0.9, beta2 0.999, eps 1e-8):
 * m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
 * w -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps). */
Optim *optim_create_adam(long n_params, float lr);
void optim_destroy(Optim *opt);

/* One update of params (P) from grads (P). */
void optim_step(Optim *opt, float *params, const float *grads);
/* Forgets the state (velocity, moments, step count), as a freshly created optimizer. */
void optim_reset(Optim *opt);
/* The name as the command line spells it: "sgd" or "adam". */
const char *optim_name(OptimKind kind);

#endif
