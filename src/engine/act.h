/* act.h - pointwise activations and local response normalisation, forward and backward.
 * Depends on: libc, libm.
 * The derivative of relu and abs at exactly 0 is 0. softplus follows PyTorch:
 * (1/beta)*log(1 + exp(beta*x)), and x itself where beta*x > 20. */
#ifndef CONVSCOPE_ACT_H
#define CONVSCOPE_ACT_H

typedef enum ActKind {
    ACT_RELU,     /* y = max(0, x) */
    ACT_LEAKY,    /* y = x > 0 ? x : alpha*x          (param = alpha) */
    ACT_SIGMOID,  /* y = 1 / (1 + exp(-x)) */
    ACT_TANH,     /* y = tanh(x) */
    ACT_ABS,      /* y = |x| (rectification) */
    ACT_SOFTPLUS, /* y = log(1 + exp(beta*x)) / beta  (param = beta) */
} ActKind;

/* y = f(x) */
float act_value(ActKind kind, float param, float x);
/* dy/dx at x */
float act_deriv(ActKind kind, float param, float x);
/* y[i] = f(x[i]) for i < n */
void act_forward(float *y, const float *x, long n, ActKind kind, float param);
/* dx[i] += dy[i] * f'(x[i]) */
void act_backward(float *dx, const float *dy, const float *x, long n, ActKind kind, float param);

/* Local response normalisation across channels, PyTorch local_response_norm semantics:
 * y = x / (k + alpha * mean_{window of `size` channels} x^2)^beta, where the channel window of
 * channel c is [c - size/2, c + (size-1)/2] clipped, and the mean always divides by size.
 * x, y (N, C, H, W). */
void lrn_forward(float *y, const float *x, int n, int c, int h, int w, int size, float alpha,
                 float beta, float k);
/* dx += dL/dx given dy; accumulates. */
void lrn_backward(float *dx, const float *dy, const float *x, int n, int c, int h, int w, int size,
                  float alpha, float beta, float k);

#endif
