/* test_dense.c - dense layer, softmax and the two losses: hand values, dense_cell against
 * dense_forward, finite differences of dense (x, w, b), softmax cross-entropy and SSE, and
 * PyTorch reference values (tests/engine/torch_ref.h). */
#include "engine/dense.h"
#include "engine/rng.h"
#include "test.h"
#include "torch_ref.h"

#include <stdlib.h>

static void fill(Rng *rng, float *a, int n)
{
    for (int i = 0; i < n; i++)
        a[i] = rng_uniform(rng) * 2.0f - 1.0f;
}

static void test_dense_hand(void)
{
    /* y = W x + b with W = [1 0; 0.5 -1], x = [1 2], b = [0.1 0.2] -> [1.1, -1.3] */
    const float x[2] = {1.0f, 2.0f}, w[4] = {1.0f, 0.0f, 0.5f, -1.0f}, b[2] = {0.1f, 0.2f};
    float y[2];
    dense_forward(y, x, w, b, 1, 2, 2);
    CHECK_NEAR(1.1f, y[0], 1e-6);
    CHECK_NEAR(-1.3f, y[1], 1e-6);
    DenseTerm t[2];
    int nt = -1;
    CHECK_NEAR(-1.3f, dense_cell(x, w, b, 2, 1, t, 2, &nt), 1e-6);
    CHECK_INT_EQ(2, nt);
    CHECK(t[0].i == 0 && t[0].x == 1.0f && t[0].w == 0.5f);
    CHECK(t[1].i == 1 && t[1].x == 2.0f && t[1].w == -1.0f);
    /* max_terms smaller than I: only the first products are written, the count is whole */
    DenseTerm one[1];
    dense_cell(x, w, NULL, 2, 0, one, 1, &nt);
    CHECK_INT_EQ(2, nt);
    CHECK(one[0].i == 0);
    dense_forward(y, x, w, NULL, 1, 2, 2);
    CHECK_NEAR(1.0f, y[0], 0.0);
}

static void test_dense_cells_random(void)
{
    Rng rng;
    rng_seed(&rng, 3);
    enum { N = 4, I = 13, O = 7 };
    float x[N * I], w[O * I], b[O], y[N * O];
    fill(&rng, x, N * I);
    fill(&rng, w, O * I);
    fill(&rng, b, O);
    dense_forward(y, x, w, b, N, I, O);
    int ok = 1;
    for (int n = 0; n < N; n++)
        for (int o = 0; o < O; o++) {
            DenseTerm t[I];
            int nt = 0;
            float v = dense_cell(x + n * I, w, b, I, o, t, I, &nt);
            ok &= v == y[n * O + o];
            double s = b[o];
            for (int i = 0; i < nt; i++)
                s += (double)t[i].x * t[i].w;
            ok &= fabs(s - v) < 1e-5;
        }
    CHECK(ok);
}

static double dense_loss(const float *x, const float *w, const float *b, const float *r, float *y,
                         int n, int in, int out)
{
    dense_forward(y, x, w, b, n, in, out);
    double s = 0.0;
    for (int i = 0; i < n * out; i++)
        s += (double)y[i] * r[i];
    return s;
}

static void fd_vector(float *p, int count, const float *grad, const float *x, const float *w,
                      const float *b, const float *r, float *y, int n, int in, int out,
                      const char *what)
{
    const float eps = 0.05f; /* linear in each parameter: no truncation error */
    float *fd = malloc(sizeof(float) * (size_t)count);
    for (int i = 0; i < count; i++) {
        const float keep = p[i];
        p[i] = keep + eps;
        double lp = dense_loss(x, w, b, r, y, n, in, out);
        p[i] = keep - eps;
        double lm = dense_loss(x, w, b, r, y, n, in, out);
        p[i] = keep;
        fd[i] = (float)((lp - lm) / (2.0 * eps));
    }
    test_tensor_near(fd, grad, count, 2e-4, 1e-3, __FILE__, __LINE__, what);
    free(fd);
}

static void test_dense_finite_differences(void)
{
    Rng rng;
    rng_seed(&rng, 4);
    enum { N = 3, I = 6, O = 4 };
    float x[N * I], w[O * I], b[O], r[N * O], y[N * O];
    float dx[N * I], dw[O * I], db[O];
    fill(&rng, x, N * I);
    fill(&rng, w, O * I);
    fill(&rng, b, O);
    fill(&rng, r, N * O);
    /* accumulators start at 1 to prove += */
    for (int i = 0; i < N * I; i++)
        dx[i] = 1.0f;
    for (int i = 0; i < O * I; i++)
        dw[i] = 1.0f;
    for (int i = 0; i < O; i++)
        db[i] = 1.0f;
    dense_backward(dx, dw, db, r, x, w, N, I, O);
    for (int i = 0; i < N * I; i++)
        dx[i] -= 1.0f;
    for (int i = 0; i < O * I; i++)
        dw[i] -= 1.0f;
    for (int i = 0; i < O; i++)
        db[i] -= 1.0f;
    fd_vector(x, N * I, dx, x, w, b, r, y, N, I, O, "dense dx");
    fd_vector(w, O * I, dw, x, w, b, r, y, N, I, O, "dense dw");
    fd_vector(b, O, db, x, w, b, r, y, N, I, O, "dense db");
    /* NULL skips a gradient without touching the others */
    float only_db[O] = {0};
    dense_backward(NULL, NULL, only_db, r, x, w, N, I, O);
    CHECK_TENSOR_NEAR(db, only_db, O, 1e-6, 0.0);
}

static void test_softmax_and_losses_hand(void)
{
    /* softmax([1 2 3]) = e^z / sum e^z; shifting z by 1000 changes nothing (stable). */
    const float z[3] = {1.0f, 2.0f, 3.0f}, zbig[3] = {1000.0f, 1001.0f, 1002.0f};
    float p[3], pb[3];
    softmax_forward(p, z, 1, 3);
    softmax_forward(pb, zbig, 1, 3);
    const double s = exp(1.0) + exp(2.0) + exp(3.0);
    const float expect[3] = {(float)(exp(1.0) / s), (float)(exp(2.0) / s), (float)(exp(3.0) / s)};
    CHECK_TENSOR_NEAR(expect, p, 3, 1e-7, 0.0);
    CHECK_TENSOR_NEAR(expect, pb, 3, 1e-7, 0.0);

    /* Equal logits over 4 classes: p = 1/4, loss = ln 4, dz = (p - onehot)/N. */
    const float zeq[8] = {0.5f, 0.5f, 0.5f, 0.5f, -2.0f, -2.0f, -2.0f, -2.0f};
    const int labels[2] = {1, 3};
    float p8[8], dz[8];
    CHECK_NEAR(logf(4.0f), loss_softmax_xent(p8, dz, zeq, labels, 2, 4), 1e-6);
    CHECK_NEAR(0.25f, p8[5], 1e-7);
    CHECK_NEAR((0.25f - 1.0f) / 2.0f, dz[1], 1e-7);
    CHECK_NEAR(0.25f / 2.0f, dz[0], 1e-7);
    CHECK_NEAR((0.25f - 1.0f) / 2.0f, dz[7], 1e-7);
    /* a confident wrong answer: -log p stays finite and exact even though p underflows */
    const float zfar[2] = {0.0f, -200.0f};
    const int wrong = 1;
    float p2[2];
    CHECK_NEAR(200.0f, loss_softmax_xent(p2, NULL, zfar, &wrong, 1, 2), 1e-4);

    /* SSE, the notes' E = 1/2 sum (y - t)^2, averaged over the batch:
     * y = [0.5 0.5] label 0 -> 1/2 (0.25 + 0.25) = 0.25; y = [0 2] label 1 -> 1/2 (0 + 1). */
    const float y[4] = {0.5f, 0.5f, 0.0f, 2.0f};
    const int lab[2] = {0, 1};
    float dy[4];
    CHECK_NEAR((0.25f + 0.5f) / 2.0f, loss_sse(dy, y, lab, 2, 2), 1e-7);
    const float dy_expect[4] = {-0.25f, 0.25f, 0.0f, 0.5f};
    CHECK_TENSOR_NEAR(dy_expect, dy, 4, 1e-7, 0.0);
}

static void test_loss_finite_differences(void)
{
    Rng rng;
    rng_seed(&rng, 8);
    enum { N = 3, K = 5 };
    float z[N * K], p[N * K], dz[N * K], fd[N * K];
    const int labels[N] = {4, 0, 2};
    for (int i = 0; i < N * K; i++)
        z[i] = rng_uniform(&rng) * 4.0f - 2.0f;
    loss_softmax_xent(p, dz, z, labels, N, K);
    const float eps = 1e-2f;
    for (int i = 0; i < N * K; i++) {
        const float keep = z[i];
        z[i] = keep + eps;
        double lp = loss_softmax_xent(p, NULL, z, labels, N, K);
        z[i] = keep - eps;
        double lm = loss_softmax_xent(p, NULL, z, labels, N, K);
        z[i] = keep;
        fd[i] = (float)((lp - lm) / (2.0 * eps));
    }
    CHECK_TENSOR_NEAR(fd, dz, N * K, 1e-4, 1e-3);

    float y[N * K], dy[N * K];
    for (int i = 0; i < N * K; i++)
        y[i] = rng_uniform(&rng) * 2.0f - 0.5f;
    loss_sse(dy, y, labels, N, K);
    for (int i = 0; i < N * K; i++) {
        const float keep = y[i];
        y[i] = keep + eps;
        double lp = loss_sse(NULL, y, labels, N, K);
        y[i] = keep - eps;
        double lm = loss_sse(NULL, y, labels, N, K);
        y[i] = keep;
        fd[i] = (float)((lp - lm) / (2.0 * eps));
    }
    CHECK_TENSOR_NEAR(fd, dy, N * K, 1e-4, 1e-3);
}

static double max_abs_diff(const float *a, const float *b, long n)
{
    double m = 0.0;
    for (long i = 0; i < n; i++)
        m = fmax(m, fabs((double)a[i] - b[i]));
    return m;
}

static void test_torch_reference(void)
{
    /* N3 I5 O4, labels [2 0 3]: dense -> softmax cross-entropy, and dense -> SSE */
    enum { N = 3, I = 5, O = 4 };
    const int labels[N] = {2, 0, 3};
    float y[N * O], p[N * O], dz[N * O], dx[N * I] = {0}, dw[O * I] = {0}, db[O] = {0};
    dense_forward(y, TORCH_DENSE_X, TORCH_DENSE_W, TORCH_DENSE_B, N, I, O);
    CHECK_TENSOR_NEAR(TORCH_DENSE_Y, y, N * O, 1e-6, 1e-6);
    float loss = loss_softmax_xent(p, dz, y, labels, N, O);
    CHECK_NEAR(TORCH_XENT_LOSS[0], loss, 1e-6);
    CHECK_TENSOR_NEAR(TORCH_XENT_P, p, N * O, 1e-6, 1e-6);
    dense_backward(dx, dw, db, dz, TORCH_DENSE_X, TORCH_DENSE_W, N, I, O);
    CHECK_TENSOR_NEAR(TORCH_XENT_DX, dx, N * I, 1e-6, 1e-6);
    CHECK_TENSOR_NEAR(TORCH_XENT_DW, dw, O * I, 1e-6, 1e-6);
    CHECK_TENSOR_NEAR(TORCH_XENT_DB, db, O, 1e-6, 1e-6);
    double m = fmax(max_abs_diff(TORCH_DENSE_Y, y, N * O), fabs(TORCH_XENT_LOSS[0] - loss));
    m = fmax(m, max_abs_diff(TORCH_XENT_P, p, N * O));
    m = fmax(m, max_abs_diff(TORCH_XENT_DX, dx, N * I));
    m = fmax(m, max_abs_diff(TORCH_XENT_DW, dw, O * I));
    printf("torch dense + softmax xent: max abs diff %.3g\n", m);

    float dy[N * O], sx[N * I] = {0}, sw[O * I] = {0}, sb[O] = {0};
    float sse = loss_sse(dy, y, labels, N, O);
    CHECK_NEAR(TORCH_SSE_LOSS[0], sse, 1e-6);
    dense_backward(sx, sw, sb, dy, TORCH_DENSE_X, TORCH_DENSE_W, N, I, O);
    CHECK_TENSOR_NEAR(TORCH_SSE_DX, sx, N * I, 1e-6, 1e-6);
    CHECK_TENSOR_NEAR(TORCH_SSE_DW, sw, O * I, 1e-6, 1e-6);
    CHECK_TENSOR_NEAR(TORCH_SSE_DB, sb, O, 1e-6, 1e-6);
    m = fabs(TORCH_SSE_LOSS[0] - sse);
    m = fmax(m, max_abs_diff(TORCH_SSE_DX, sx, N * I));
    m = fmax(m, max_abs_diff(TORCH_SSE_DW, sw, O * I));
    m = fmax(m, max_abs_diff(TORCH_SSE_DB, sb, O));
    printf("torch dense + sse: max abs diff %.3g\n", m);
}

int main(void)
{
    test_dense_hand();
    test_dense_cells_random();
    test_dense_finite_differences();
    test_softmax_and_losses_hand();
    test_loss_finite_differences();
    test_torch_reference();
    return test_summary();
}
