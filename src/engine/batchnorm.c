/* batchnorm.c - see batchnorm.h. The reference loops of batch normalisation.
 *
 * Legend: N batch, C channels, P positions per channel and example, M = N*P.
 * Element (n, c, i) of a tensor (N, C, P) is at (n*C + c)*P + i. Statistics, sums and each
 * element's arithmetic in double; an element is rounded to float once, when it is stored. */
#include "engine/batchnorm.h"

#include <math.h>
#include <stddef.h>

double batchnorm_istd(double var, float eps)
{
    return 1.0 / sqrt(var + (double)eps);
}

/* The forward line every function below differentiates: xhat = (x - mean) istd, y = gamma xhat
 * + beta. */
static inline double normalise(float x, double mean, double istd)
{
    return ((double)x - mean) * istd;
}

BnCell batchnorm_cell(float x, double mean, double var, float eps, float gamma, float beta)
{
    BnCell cell = {x, mean, var, eps, batchnorm_istd(var, eps), 0.0, gamma, beta, 0.0f};
    cell.xhat = normalise(x, mean, cell.istd);
    cell.y = (float)(gamma * cell.xhat + beta);
    return cell;
}

/* The P values of channel c of example n. */
static inline const float *plane(const float *t, const BnGeom *g, int n, int c)
{
    return t + ((size_t)n * g->c + c) * g->p;
}

void batchnorm_stats_channel(double *mean, double *var, const float *x, const BnGeom *g, int c)
{
    const double m = (double)g->n * g->p;
    double sum = 0.0;
    for (int n = 0; n < g->n; n++) {
        const float *xc = plane(x, g, n, c); /* (P) */
        for (int i = 0; i < g->p; i++)
            sum += xc[i];
    }
    const double mu = sum / m;
    /* the second pass around the mean: no cancellation of two large sums */
    double sq = 0.0;
    for (int n = 0; n < g->n; n++) {
        const float *xc = plane(x, g, n, c);
        for (int i = 0; i < g->p; i++)
            sq += ((double)xc[i] - mu) * ((double)xc[i] - mu);
    }
    *mean = mu;
    *var = sq / m;
}

void batchnorm_stats(double *mean, double *var, const float *x, const BnGeom *g)
{
    for (int c = 0; c < g->c; c++)
        batchnorm_stats_channel(&mean[c], &var[c], x, g, c);
}

void batchnorm_forward(float *y, const float *x, const double *mean, const double *var,
                       const float *gamma, const float *beta, const BnGeom *g)
{
    for (int c = 0; c < g->c; c++) {
        const double istd = batchnorm_istd(var[c], g->eps);
        for (int n = 0; n < g->n; n++) {
            const float *xc = plane(x, g, n, c);           /* (P) */
            float *yc = y + ((size_t)n * g->c + c) * g->p; /* (P) */
            for (int i = 0; i < g->p; i++)
                yc[i] = (float)(gamma[c] * normalise(xc[i], mean[c], istd) + beta[c]);
        }
    }
}

void batchnorm_update_running(float *running_mean, float *running_var, const double *mean,
                              const double *var, long m, float momentum, int c)
{
    for (int k = 0; k < c; k++) {
        running_mean[k] = (float)((1.0 - momentum) * running_mean[k] + (double)momentum * mean[k]);
        /* the unbiased variance s2 * M / (M - 1): none from a single value */
        if (m > 1)
            running_var[k] = (float)((1.0 - momentum) * running_var[k] +
                                     (double)momentum * var[k] * (double)m / (double)(m - 1));
    }
}

void batchnorm_backward_eval(float *dx, float *dgamma, float *dbeta, const float *dy,
                             const float *x, const double *mean, const double *var,
                             const float *gamma, const BnGeom *g)
{
    for (int c = 0; c < g->c; c++) {
        const double istd = batchnorm_istd(var[c], g->eps);
        /* y = gamma xhat + beta with xhat = (x - mean) istd: dy/dx = gamma istd */
        const double scale = gamma[c] * istd;
        double sdy = 0.0, sdyx = 0.0;
        for (int n = 0; n < g->n; n++) {
            const float *xc = plane(x, g, n, c), *dc = plane(dy, g, n, c); /* (P) */
            float *dxc = dx ? dx + ((size_t)n * g->c + c) * g->p : NULL;
            for (int i = 0; i < g->p; i++) {
                sdy += dc[i];
                sdyx += dc[i] * normalise(xc[i], mean[c], istd);
                if (dxc)
                    dxc[i] += (float)(dc[i] * scale);
            }
        }
        if (dgamma)
            dgamma[c] += (float)sdyx;
        if (dbeta)
            dbeta[c] += (float)sdy;
    }
}

void batchnorm_grad_sums_channel(double *sdy, double *sdyx, const float *dy, const float *x,
                                 const double *mean, const double *var, const BnGeom *g, int c)
{
    const double istd = batchnorm_istd(var[c], g->eps);
    double s = 0.0, sx = 0.0;
    for (int n = 0; n < g->n; n++) {
        const float *xc = plane(x, g, n, c), *dc = plane(dy, g, n, c); /* (P) */
        for (int i = 0; i < g->p; i++) {
            s += dc[i];
            sx += dc[i] * normalise(xc[i], mean[c], istd);
        }
    }
    *sdy = s;
    *sdyx = sx;
}

/* dx += gamma istd (dy - sdy/m - xhat sdyx/m) for channel c of the g->n examples: the
 * derivative of y = gamma (x - mu) istd + beta when mu and istd are themselves functions of
 * every x of the channel (d mu/dx = 1/m, d s2/dx = 2 (x - mu)/m). */
static void train_dx_channel(float *dx, const float *dy, const float *x, double mean, double var,
                             float gamma, double sdy, double sdyx, long m, const BnGeom *g, int c)
{
    const double istd = batchnorm_istd(var, g->eps);
    const double scale = gamma * istd, mdy = sdy / (double)m, mdyx = sdyx / (double)m;
    for (int n = 0; n < g->n; n++) {
        const float *xc = plane(x, g, n, c), *dc = plane(dy, g, n, c); /* (P) */
        float *dxc = dx + ((size_t)n * g->c + c) * g->p;
        for (int i = 0; i < g->p; i++)
            dxc[i] += (float)(scale * (dc[i] - mdy - normalise(xc[i], mean, istd) * mdyx));
    }
}

void batchnorm_backward_train_dx(float *dx, const float *dy, const float *x, const double *mean,
                                 const double *var, const float *gamma, const double *sdy,
                                 const double *sdyx, long m, const BnGeom *g)
{
    for (int c = 0; c < g->c; c++)
        train_dx_channel(dx, dy, x, mean[c], var[c], gamma[c], sdy[c], sdyx[c], m, g, c);
}

void batchnorm_backward_train(float *dx, float *dgamma, float *dbeta, const float *dy,
                              const float *x, const double *mean, const double *var,
                              const float *gamma, const BnGeom *g)
{
    const long m = (long)g->n * g->p;
    for (int c = 0; c < g->c; c++) {
        double sdy = 0.0, sdyx = 0.0;
        batchnorm_grad_sums_channel(&sdy, &sdyx, dy, x, mean, var, g, c);
        if (dgamma)
            dgamma[c] += (float)sdyx;
        if (dbeta)
            dbeta[c] += (float)sdy;
        if (dx)
            train_dx_channel(dx, dy, x, mean[c], var[c], gamma[c], sdy, sdyx, m, g, c);
    }
}
