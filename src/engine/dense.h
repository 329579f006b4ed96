/* dense.h - fully connected layer, softmax and the two losses. Depends on: libc, libm.
 * Legend: N batch, I inputs (flattened C,H,W), O outputs, K classes. Dense w (O, I) as PyTorch. */
#ifndef CONVSCOPE_DENSE_H
#define CONVSCOPE_DENSE_H

/* y (N, O) = x (N, I) * w^T (I, O) + b (O); b may be NULL. */
void dense_forward(float *y, const float *x, const float *w, const float *b, int n, int in,
                   int out);
/* One product of a dense sum: input i times weight w[o][i]. */
typedef struct DenseTerm {
    int i;
    float x, w;
} DenseTerm;

/* The value of y[o] for ONE example x (I): b[o] + sum_i x[i]*w[o][i]. terms (may be NULL)
 * receives up to max_terms products in i order; *n_terms (may be NULL) gets I. b may be NULL.
 * dense_forward computes every cell through this function. */
float dense_cell(const float *x, const float *w, const float *b, int in, int o, DenseTerm *terms,
                 int max_terms, int *n_terms);

/* Accumulates dx (N, I), dw (O, I), db (O) from dy (N, O); any may be NULL to skip. */
void dense_backward(float *dx, float *dw, float *db, const float *dy, const float *x,
                    const float *w, int n, int in, int out);

/* p (N, K) = softmax(z (N, K)), computed stably (max subtracted). */
void softmax_forward(float *p, const float *z, int n, int k);

/* Cross-entropy of softmax: returns mean over the batch of -log p[label]; writes p (N, K) and,
 * when dz is not NULL, dz = (p - onehot(label)) / N (overwrites). */
float loss_softmax_xent(float *p, float *dz, const float *z, const int *labels, int n, int k);

/* Sum of squared errors, the notes' E = 1/2 * sum (y - t)^2 with t = onehot(label), averaged
 * over the batch; when dy is not NULL, dy = (y - t) / N (overwrites). */
float loss_sse(float *dy, const float *y, const int *labels, int n, int k);

#endif
