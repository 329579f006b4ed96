/* dense.c - see dense.h. Fully connected layer, softmax and the two losses.
 * Legend: N batch, I inputs, O outputs, K classes. w (O, I) as PyTorch. */
#include "engine/dense.h"

#include <math.h>
#include <stddef.h>

float dense_cell(const float *x, const float *w, const float *b, int in, int o, DenseTerm *terms,
                 int max_terms, int *n_terms)
{
    const float *wo = w + (size_t)o * in; /* (I) */
    float sum = 0.0f;
    for (int i = 0; i < in; i++) {
        sum += x[i] * wo[i];
        if (terms && i < max_terms)
            terms[i] = (DenseTerm){i, x[i], wo[i]};
    }
    if (n_terms)
        *n_terms = in;
    return sum + (b ? b[o] : 0.0f);
}

void dense_forward(float *y, const float *x, const float *w, const float *b, int n, int in, int out)
{
    for (int s = 0; s < n; s++)
        for (int o = 0; o < out; o++)
            y[(size_t)s * out + o] = dense_cell(x + (size_t)s * in, w, b, in, o, NULL, 0, NULL);
}

void dense_backward(float *dx, float *dw, float *db, const float *dy, const float *x,
                    const float *w, int n, int in, int out)
{
    /* Differentiates y[s][o] = b[o] + sum_i x[s][i] * w[o][i]. */
    for (int s = 0; s < n; s++) {
        const float *xs = x + (size_t)s * in;    /* (I) */
        const float *dys = dy + (size_t)s * out; /* (O) */
        for (int o = 0; o < out; o++) {
            const float d = dys[o];
            const float *wo = w + (size_t)o * in; /* (I) */
            if (db)
                db[o] += d;
            if (dw)
                for (int i = 0; i < in; i++)
                    dw[(size_t)o * in + i] += d * xs[i];
            if (dx)
                for (int i = 0; i < in; i++)
                    dx[(size_t)s * in + i] += d * wo[i];
        }
    }
}

void softmax_forward(float *p, const float *z, int n, int k)
{
    for (int s = 0; s < n; s++) {
        const float *zs = z + (size_t)s * k; /* (K) */
        float *ps = p + (size_t)s * k;       /* (K) */
        /* Subtracting the max changes nothing mathematically and keeps exp() <= 1. */
        float m = zs[0];
        for (int j = 1; j < k; j++)
            m = zs[j] > m ? zs[j] : m;
        float sum = 0.0f;
        for (int j = 0; j < k; j++) {
            ps[j] = expf(zs[j] - m);
            sum += ps[j];
        }
        for (int j = 0; j < k; j++)
            ps[j] /= sum;
    }
}

float loss_softmax_xent(float *p, float *dz, const float *z, const int *labels, int n, int k)
{
    softmax_forward(p, z, n, k);
    double total = 0.0;
    for (int s = 0; s < n; s++) {
        const float *zs = z + (size_t)s * k; /* (K) */
        /* -log p[label] = log sum_j e^(z_j - m) - (z_label - m): exact even when p underflows. */
        float m = zs[0];
        for (int j = 1; j < k; j++)
            m = zs[j] > m ? zs[j] : m;
        double sum = 0.0;
        for (int j = 0; j < k; j++)
            sum += exp((double)zs[j] - m);
        total += log(sum) - ((double)zs[labels[s]] - m);
    }
    /* L = mean of -log p[label]  =>  dL/dz = (p - onehot) / N */
    if (dz)
        for (int s = 0; s < n; s++)
            for (int j = 0; j < k; j++)
                dz[(size_t)s * k + j] =
                    (p[(size_t)s * k + j] - (j == labels[s] ? 1.0f : 0.0f)) / (float)n;
    return (float)(total / n);
}

float loss_sse(float *dy, const float *y, const int *labels, int n, int k)
{
    double total = 0.0;
    for (int s = 0; s < n; s++)
        for (int j = 0; j < k; j++) {
            const float e = y[(size_t)s * k + j] - (j == labels[s] ? 1.0f : 0.0f);
            total += 0.5 * (double)e * e;
            /* E = mean over the batch of 1/2 sum (y - t)^2  =>  dE/dy = (y - t) / N */
            if (dy)
                dy[(size_t)s * k + j] = e / (float)n;
        }
    return (float)(total / n);
}
