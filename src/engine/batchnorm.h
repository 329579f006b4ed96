/* batchnorm.h - batch normalisation (PyTorch BatchNorm2d over (N, C, H, W), BatchNorm1d over
 * (N, C)), forward and backward in training mode (batch statistics) and in evaluation mode
 * (running statistics), the running-statistics update, and the single-cell query the labs
 * draw from. Depends on: libc, libm.
 *
 * Legend: N batch, C channels, P positions of one channel in one example (H*W; 1 for a flat
 * tensor), M = N*P values of one channel in the batch. Tensors (N, C, P), float32, C order;
 * gamma, beta and the running statistics (C) float32; the statistics a pass normalises with,
 * mean and var (C), and the backward's sums (C) in double: a mean rounded to float would cost
 * x - mean most of its digits where a channel's spread is small against its mean (the
 * arithmetic of each element is done in double and rounded once).
 *
 * Per channel c, with mu and s2 the batch's (training) or the running (evaluation) statistics:
 *   xhat = (x - mu) * istd,  istd = 1 / sqrt(s2 + eps),  y = gamma * xhat + beta
 * Training statistics: mu = (1/M) sum x, s2 = (1/M) sum (x - mu)^2 (the biased variance, what
 * the normalisation uses), summed in double in (n, position) order. Evaluation: the running
 * statistics, widened to double. After a training step the
 * running statistics move toward them (PyTorch):
 *   running_mean = (1 - momentum) running_mean + momentum mu
 *   running_var  = (1 - momentum) running_var  + momentum s2 * M / (M - 1)   (unbiased)
 * With M = 1 (a flat batchnorm on a batch of one) the batch has no spread: s2 = 0, y = beta,
 * every input gradient is 0, and the running variance is left as it was (M / (M - 1) does not
 * exist; PyTorch refuses such a batch).
 *
 * Backward, evaluation mode (mu, s2 constants): dx = dy gamma istd, dgamma = sum dy xhat,
 * dbeta = sum dy. Training mode (mu and s2 depend on every x of the channel):
 *   dx = gamma istd (dy - Sdy / M - xhat Sdyx / M),  Sdy = sum dy,  Sdyx = sum dy xhat,
 * and dgamma = Sdyx, dbeta = Sdy. The two sums need the whole batch: the fast path computes
 * them at a join (batchnorm_grad_sums_channel), then dx in any piece of the batch
 * (batchnorm_backward_train_dx), with the same arithmetic as the reference. */
#ifndef CONVSCOPE_BATCHNORM_H
#define CONVSCOPE_BATCHNORM_H

#define BATCHNORM_EPS      1e-5f /* PyTorch's defaults */
#define BATCHNORM_MOMENTUM 0.1f

typedef struct BnGeom {
    int n;     /* examples in this call */
    int c;     /* channels */
    int p;     /* positions of one channel in one example: H*W, or 1 */
    float eps; /* added to the variance */
} BnGeom;

/* One normalised value written out, for the labs: y = gamma * (x - mean) * istd + beta. */
typedef struct BnCell {
    float x;
    double mean, var;
    float eps;
    double istd; /* 1 / sqrt(var + eps) */
    double xhat; /* (x - mean) * istd */
    float gamma, beta;
    float y; /* gamma * xhat + beta, rounded once */
} BnCell;

/* 1 / sqrt(var + eps). */
double batchnorm_istd(double var, float eps);
/* One value through the normalisation, every part kept; batchnorm_forward computes each
 * element with the same arithmetic. */
BnCell batchnorm_cell(float x, double mean, double var, float eps, float gamma, float beta);

/* *mean, *var = the batch statistics of channel c of x (N, C, P): the mean and the biased
 * variance (two passes). */
void batchnorm_stats_channel(double *mean, double *var, const float *x, const BnGeom *g, int c);
/* mean (C), var (C) for every channel, as batchnorm_stats_channel. */
void batchnorm_stats(double *mean, double *var, const float *x, const BnGeom *g);

/* y (N, C, P) = gamma (x - mean) istd + beta with the given statistics (batch or running). */
void batchnorm_forward(float *y, const float *x, const double *mean, const double *var,
                       const float *gamma, const float *beta, const BnGeom *g);

/* The running statistics (C) after a training batch of m values per channel whose statistics
 * were mean, var (biased); see the top of this file (the variance stays when m <= 1). */
void batchnorm_update_running(float *running_mean, float *running_var, const double *mean,
                              const double *var, long m, float momentum, int c);

/* Evaluation-mode backward (mean, var are constants): ACCUMULATES dx (N, C, P) += dy gamma istd,
 * dgamma (C) += sum dy xhat, dbeta (C) += sum dy. Any of dx, dgamma, dbeta may be NULL. */
void batchnorm_backward_eval(float *dx, float *dgamma, float *dbeta, const float *dy,
                             const float *x, const double *mean, const double *var,
                             const float *gamma, const BnGeom *g);

/* *sdy = sum dy, *sdyx = sum dy xhat over channel c of the whole batch dy, x (N, C, P) with its
 * batch statistics mean, var (C), in (n, position) order. */
void batchnorm_grad_sums_channel(double *sdy, double *sdyx, const float *dy, const float *x,
                                 const double *mean, const double *var, const BnGeom *g, int c);
/* Training-mode input gradient of g->n examples of a batch of m values per channel:
 * ACCUMULATES dx (N, C, P) += gamma istd (dy - sdy/m - xhat sdyx/m), with sdy, sdyx (C) the
 * sums of the WHOLE batch (batchnorm_grad_sums_channel). */
void batchnorm_backward_train_dx(float *dx, const float *dy, const float *x, const double *mean,
                                 const double *var, const float *gamma, const double *sdy,
                                 const double *sdyx, long m, const BnGeom *g);
/* Training-mode backward over the whole batch g->n (mean, var its batch statistics):
 * ACCUMULATES dx (N, C, P), dgamma (C) += Sdyx, dbeta (C) += Sdy (rounded once). Any of them
 * may be NULL. */
void batchnorm_backward_train(float *dx, float *dgamma, float *dbeta, const float *dy,
                              const float *x, const double *mean, const double *var,
                              const float *gamma, const BnGeom *g);

#endif
