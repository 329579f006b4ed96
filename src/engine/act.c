/* act.c - see act.h. Pointwise activations and local response normalisation.
 * Legend: N batch, C channels, H/W height/width; x, y, dx, dy are (N, C, H, W) or flat (n). */
#include "engine/act.h"

#include <math.h>
#include <stddef.h>

/* PyTorch's softplus switches to the identity above this value of beta*x (exp would overflow
 * long before it matters: log(1 + e^20) - 20 ~ 2e-9). */
#define SOFTPLUS_THRESHOLD 20.0f

/* 1 / (1 + e^-x) without overflowing exp for large |x|. */
static float sigmoid(float x)
{
    if (x >= 0.0f)
        return 1.0f / (1.0f + expf(-x));
    const float e = expf(x);
    return e / (1.0f + e);
}

float act_value(ActKind kind, float param, float x)
{
    switch (kind) {
    case ACT_RELU:
        return x > 0.0f ? x : 0.0f;
    case ACT_LEAKY:
        return x > 0.0f ? x : param * x;
    case ACT_SIGMOID:
        return sigmoid(x);
    case ACT_TANH:
        return tanhf(x);
    case ACT_ABS:
        return fabsf(x);
    case ACT_SOFTPLUS:
        if (param * x > SOFTPLUS_THRESHOLD)
            return x;
        /* log1p keeps precision where e^(beta*x) is tiny (large negative x). */
        return log1pf(expf(param * x)) / param;
    }
    return 0.0f;
}

float act_deriv(ActKind kind, float param, float x)
{
    switch (kind) {
    case ACT_RELU:
        /* 0 at exactly 0, like PyTorch's threshold_backward. */
        return x > 0.0f ? 1.0f : 0.0f;
    case ACT_LEAKY:
        return x > 0.0f ? 1.0f : param;
    case ACT_SIGMOID: {
        const float s = sigmoid(x);
        return s * (1.0f - s); /* 0.25 at x = 0, the notes' maximum */
    }
    case ACT_TANH: {
        const float t = tanhf(x);
        return 1.0f - t * t;
    }
    case ACT_ABS:
        /* sgn(x), 0 at exactly 0 */
        return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f);
    case ACT_SOFTPLUS:
        /* d/dx log(1 + e^(bx))/b = sigmoid(bx); the identity branch has slope 1. */
        return param * x > SOFTPLUS_THRESHOLD ? 1.0f : sigmoid(param * x);
    }
    return 0.0f;
}

void act_forward(float *y, const float *x, long n, ActKind kind, float param)
{
    for (long i = 0; i < n; i++)
        y[i] = act_value(kind, param, x[i]);
}

void act_backward(float *dx, const float *dy, const float *x, long n, ActKind kind, float param)
{
    /* y[i] = f(x[i])  =>  dx[i] += dy[i] * f'(x[i]) */
    for (long i = 0; i < n; i++)
        dx[i] += dy[i] * act_deriv(kind, param, x[i]);
}

/* s = k + alpha/size * sum of x^2 over the channel window of channel c at one pixel; xp points
 * at channel 0 of that pixel and channels are `plane` floats apart. The window is
 * [c - size/2, c + (size-1)/2] clipped to [0, C): PyTorch pads with zeros, which add nothing
 * to the sum, and its average still divides by size. */
static float lrn_scale(const float *xp, size_t plane, int channels, int c, int size, float alpha,
                       float k)
{
    const int lo = c - size / 2 < 0 ? 0 : c - size / 2;
    const int hi = c + (size - 1) / 2 >= channels ? channels - 1 : c + (size - 1) / 2;
    float sum = 0.0f;
    for (int j = lo; j <= hi; j++) {
        const float v = xp[(size_t)j * plane];
        sum += v * v;
    }
    return k + alpha * sum / (float)size;
}

void lrn_forward(float *y, const float *x, int n, int c, int h, int w, int size, float alpha,
                 float beta, float k)
{
    const size_t plane = (size_t)h * w;
    for (int b = 0; b < n; b++)
        for (size_t p = 0; p < plane; p++) {
            const float *xp = x + (size_t)b * c * plane + p; /* channel 0 of this pixel */
            float *yp = y + (size_t)b * c * plane + p;
            for (int ch = 0; ch < c; ch++) {
                const float s = lrn_scale(xp, plane, c, ch, size, alpha, k);
                yp[(size_t)ch * plane] = xp[(size_t)ch * plane] * powf(s, -beta);
            }
        }
}

void lrn_backward(float *dx, const float *dy, const float *x, int n, int c, int h, int w, int size,
                  float alpha, float beta, float k)
{
    /* Differentiates y_j = x_j * s_j^-beta, s_j = k + alpha/size * sum_{i in win(j)} x_i^2:
     *   dx_i += dy_i * s_i^-beta
     *         - 2*alpha*beta/size * x_i * sum_{j : i in win(j)} dy_j * x_j * s_j^(-beta-1).
     * i is in win(j) exactly when j is in [i - (size-1)/2, i + size/2]. */
    const size_t plane = (size_t)h * w;
    const float coef = 2.0f * alpha * beta / (float)size;
    for (int b = 0; b < n; b++)
        for (size_t p = 0; p < plane; p++) {
            const size_t base = (size_t)b * c * plane + p; /* channel 0 of this pixel */
            const float *xp = x + base, *dyp = dy + base;
            float *dxp = dx + base;
            for (int i = 0; i < c; i++) {
                const float si = lrn_scale(xp, plane, c, i, size, alpha, k);
                float cross = 0.0f;
                const int lo = i - (size - 1) / 2 < 0 ? 0 : i - (size - 1) / 2;
                const int hi = i + size / 2 >= c ? c - 1 : i + size / 2;
                for (int j = lo; j <= hi; j++) {
                    const float sj = lrn_scale(xp, plane, c, j, size, alpha, k);
                    cross +=
                        dyp[(size_t)j * plane] * xp[(size_t)j * plane] * powf(sj, -beta - 1.0f);
                }
                dxp[(size_t)i * plane] +=
                    dyp[(size_t)i * plane] * powf(si, -beta) - coef * xp[(size_t)i * plane] * cross;
            }
        }
}
