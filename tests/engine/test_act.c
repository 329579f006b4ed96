/* test_act.c - activations and local response normalisation: hand values (the notes'
 * sigmoid'(0) = 0.25, derivatives at exactly 0, softplus's threshold), a hand-worked LRN with
 * an even window, finite differences of every activation and of LRN with several window
 * sizes, and PyTorch reference values (tests/engine/torch_ref.h). */
#include "engine/act.h"
#include "engine/rng.h"
#include "test.h"
#include "torch_ref.h"

#include <stdlib.h>

static void test_hand_values(void)
{
    CHECK_NEAR(0.0f, act_value(ACT_RELU, 0.0f, -1.5f), 0.0);
    CHECK_NEAR(2.5f, act_value(ACT_RELU, 0.0f, 2.5f), 0.0);
    CHECK_NEAR(-0.2f, act_value(ACT_LEAKY, 0.1f, -2.0f), 1e-7);
    CHECK_NEAR(3.0f, act_value(ACT_LEAKY, 0.1f, 3.0f), 0.0);
    CHECK_NEAR(0.5f, act_value(ACT_SIGMOID, 0.0f, 0.0f), 0.0);
    CHECK_NEAR(1.0f / (1.0f + expf(-2.0f)), act_value(ACT_SIGMOID, 0.0f, 2.0f), 1e-7);
    CHECK_NEAR(tanh(0.7), act_value(ACT_TANH, 0.0f, 0.7f), 1e-7);
    CHECK_NEAR(4.0f, act_value(ACT_ABS, 0.0f, -4.0f), 0.0);
    CHECK_NEAR(logf(2.0f), act_value(ACT_SOFTPLUS, 1.0f, 0.0f), 1e-7);
    CHECK_NEAR(logf(2.0f) / 2.0f, act_value(ACT_SOFTPLUS, 2.0f, 0.0f), 1e-7);
    /* Above the threshold beta*x > 20 softplus is x itself (and its slope 1); just below it
     * is the formula. */
    CHECK_NEAR(10.5f, act_value(ACT_SOFTPLUS, 2.0f, 10.5f), 0.0);
    CHECK_NEAR(1.0f, act_deriv(ACT_SOFTPLUS, 2.0f, 10.5f), 0.0);
    CHECK_NEAR(log1p(exp(19.8)) / 2.0, act_value(ACT_SOFTPLUS, 2.0f, 9.9f), 1e-5);
    /* Far below zero: tiny and positive, no overflow, no NaN; sigmoid likewise. */
    float sp = act_value(ACT_SOFTPLUS, 1.0f, -100.0f);
    CHECK(sp >= 0.0f && sp < 1e-30f);
    CHECK_NEAR(0.0f, act_value(ACT_SIGMOID, 0.0f, -200.0f), 1e-30);
    CHECK_NEAR(1.0f, act_value(ACT_SIGMOID, 0.0f, 200.0f), 0.0);
    /* The notes' smooth ReLU: a large k makes ln(1 + e^(kx))/k close to max(0, x). */
    CHECK_NEAR(1.0f, act_value(ACT_SOFTPLUS, 50.0f, 1.0f), 1e-6);
    CHECK_NEAR(0.0f, act_value(ACT_SOFTPLUS, 50.0f, -1.0f), 1e-6);

    /* Derivatives at exactly 0: relu and abs give 0, leaky its alpha (as PyTorch). */
    CHECK_NEAR(0.0f, act_deriv(ACT_RELU, 0.0f, 0.0f), 0.0);
    CHECK_NEAR(0.0f, act_deriv(ACT_ABS, 0.0f, 0.0f), 0.0);
    CHECK_NEAR(0.1f, act_deriv(ACT_LEAKY, 0.1f, 0.0f), 0.0);
    CHECK_NEAR(-1.0f, act_deriv(ACT_ABS, 0.0f, -0.3f), 0.0);
    CHECK_NEAR(1.0f, act_deriv(ACT_TANH, 0.0f, 0.0f), 0.0);
    CHECK_NEAR(0.5f, act_deriv(ACT_SOFTPLUS, 3.0f, 0.0f), 0.0);
    /* The notes: the sigmoid's derivative peaks at f'(0) = 0.25, so k stacked sigmoids
     * scale a gradient by at most 0.25^k. */
    CHECK_NEAR(0.25f, act_deriv(ACT_SIGMOID, 0.0f, 0.0f), 0.0);
    int below = 1;
    for (float x = -6.0f; x <= 6.0f; x += 0.37f)
        below &= act_deriv(ACT_SIGMOID, 0.0f, x) <= 0.25f;
    CHECK(below);
    float g = 1.0f;
    for (int k = 0; k < 5; k++)
        g *= act_deriv(ACT_SIGMOID, 0.0f, 0.0f);
    CHECK_NEAR(0.0009765625f, g, 0.0);

    /* act_forward / act_backward over arrays; backward accumulates. */
    const float x[4] = {-2.0f, -0.5f, 0.0f, 3.0f};
    const float dy[4] = {1.0f, 2.0f, 3.0f, 4.0f};
    float y[4], dx[4] = {10.0f, 10.0f, 10.0f, 10.0f};
    act_forward(y, x, 4, ACT_LEAKY, 0.2f);
    const float yl[4] = {-0.4f, -0.1f, 0.0f, 3.0f};
    CHECK_TENSOR_NEAR(yl, y, 4, 1e-7, 0.0);
    act_backward(dx, dy, x, 4, ACT_LEAKY, 0.2f);
    const float dxl[4] = {10.2f, 10.4f, 10.6f, 14.0f};
    CHECK_TENSOR_NEAR(dxl, dx, 4, 1e-6, 0.0);
}

static void test_lrn_hand(void)
{
    /* One pixel, channels x = [1, 2, 3], k = 1, beta = 1.
     * size 3, alpha 3: windows [0,1], [0,2], [1,2] -> sums 5, 14, 13, mean over 3 (not over
     * the clipped count), s = 1 + 3*sum/3 = 6, 15, 14. */
    const float x[3] = {1.0f, 2.0f, 3.0f};
    float y[3];
    lrn_forward(y, x, 1, 3, 1, 1, 3, 3.0f, 1.0f, 1.0f);
    const float y3[3] = {1.0f / 6.0f, 2.0f / 15.0f, 3.0f / 14.0f};
    CHECK_TENSOR_NEAR(y3, y, 3, 1e-7, 0.0);
    /* size 2 (even), alpha 2: size/2 = 1 channel before and (size-1)/2 = 0 after, so the
     * windows are [0], [0,1], [1,2] -> sums 1, 5, 13, s = 1 + sum = 2, 6, 14. */
    lrn_forward(y, x, 1, 3, 1, 1, 2, 2.0f, 1.0f, 1.0f);
    const float y2[3] = {1.0f / 2.0f, 2.0f / 6.0f, 3.0f / 14.0f};
    CHECK_TENSOR_NEAR(y2, y, 3, 1e-7, 0.0);
    /* beta 0.75, k 2, size 1: y = x / (2 + alpha*x^2)^0.75 */
    lrn_forward(y, x, 1, 3, 1, 1, 1, 0.5f, 0.75f, 2.0f);
    CHECK_NEAR(3.0f / powf(2.0f + 0.5f * 9.0f, 0.75f), y[2], 1e-6);
    /* Channels are `plane` apart: a 2x1 image normalises each pixel on its own. */
    const float x2[6] = {1.0f, 10.0f, 2.0f, 20.0f, 3.0f, 30.0f}; /* (C=3, H=2, W=1) */
    float yy[6];
    lrn_forward(yy, x2, 1, 3, 2, 1, 3, 3.0f, 1.0f, 1.0f);
    CHECK_NEAR(1.0f / 6.0f, yy[0], 1e-7);
    CHECK_NEAR(20.0f / (1.0f + 1400.0f), yy[3], 1e-6);
}

typedef struct ActCase {
    ActKind kind;
    float param;
    const char *name;
} ActCase;

static void test_act_finite_differences(void)
{
    const ActCase cases[] = {
        {ACT_RELU, 0.0f, "relu"},
        {ACT_LEAKY, 0.05f, "leaky"},
        {ACT_SIGMOID, 0.0f, "sigmoid"},
        {ACT_TANH, 0.0f, "tanh"},
        {ACT_ABS, 0.0f, "abs"},
        {ACT_SOFTPLUS, 1.0f, "softplus b=1"},
        {ACT_SOFTPLUS, 3.0f, "softplus b=3"},
        {ACT_SOFTPLUS, 0.5f, "softplus b=0.5"},
    };
    Rng rng;
    rng_seed(&rng, 17);
    enum { N = 64 };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        float x[N], dy[N], dx[N] = {0}, fd[N];
        for (int i = 0; i < N; i++) {
            /* away from the kinks at 0 (relu, leaky, abs) by at least 0.05 */
            float v = rng_uniform(&rng) * 4.0f - 2.0f;
            x[i] = v < 0.0f ? v - 0.05f : v + 0.05f;
            dy[i] = rng_uniform(&rng) * 2.0f - 1.0f;
        }
        act_backward(dx, dy, x, N, cases[k].kind, cases[k].param);
        const float eps = 1e-3f;
        for (int i = 0; i < N; i++) {
            double yp = act_value(cases[k].kind, cases[k].param, x[i] + eps);
            double ym = act_value(cases[k].kind, cases[k].param, x[i] - eps);
            fd[i] = (float)(dy[i] * (yp - ym) / (2.0 * eps));
        }
        test_tensor_near(fd, dx, N, 2e-4, 2e-3, __FILE__, __LINE__, cases[k].name);
    }
}

static double lrn_loss(const float *x, const float *r, float *y, int n, int c, int h, int w,
                       int size, float alpha, float beta, float k)
{
    lrn_forward(y, x, n, c, h, w, size, alpha, beta, k);
    double s = 0.0;
    for (int i = 0; i < n * c * h * w; i++)
        s += (double)y[i] * r[i];
    return s;
}

static void test_lrn_finite_differences(void)
{
    enum { N = 2, C = 6, H = 2, W = 3, T = N * C * H * W };
    const int sizes[] = {1, 2, 3, 4, 5, 8};
    Rng rng;
    rng_seed(&rng, 23);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        float x[T], r[T], y[T], dx[T], fd[T];
        for (int i = 0; i < T; i++) {
            x[i] = rng_uniform(&rng) * 4.0f - 2.0f;
            r[i] = rng_uniform(&rng) * 2.0f - 1.0f;
            dx[i] = 0.5f; /* backward accumulates */
        }
        const float alpha = 0.8f, beta = 0.75f, k = 1.2f;
        lrn_backward(dx, r, x, N, C, H, W, sizes[s], alpha, beta, k);
        for (int i = 0; i < T; i++)
            dx[i] -= 0.5f;
        const float eps = 1e-3f;
        for (int i = 0; i < T; i++) {
            const float keep = x[i];
            x[i] = keep + eps;
            double lp = lrn_loss(x, r, y, N, C, H, W, sizes[s], alpha, beta, k);
            x[i] = keep - eps;
            double lm = lrn_loss(x, r, y, N, C, H, W, sizes[s], alpha, beta, k);
            x[i] = keep;
            fd[i] = (float)((lp - lm) / (2.0 * eps));
        }
        char what[32];
        snprintf(what, sizeof what, "lrn size %d", sizes[s]);
        test_tensor_near(fd, dx, T, 5e-4, 5e-3, __FILE__, __LINE__, what);
    }
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
    enum { A = (int)(sizeof TORCH_ACT_X / sizeof(float)) };
    const struct {
        ActKind kind;
        float param;
        const float *y, *dx;
        const char *name;
    } acts[] = {
        {ACT_RELU, 0.0f, TORCH_ACT_RELU_Y, TORCH_ACT_RELU_DX, "relu"},
        {ACT_LEAKY, 0.1f, TORCH_ACT_LEAKY_Y, TORCH_ACT_LEAKY_DX, "leaky 0.1"},
        {ACT_SIGMOID, 0.0f, TORCH_ACT_SIGMOID_Y, TORCH_ACT_SIGMOID_DX, "sigmoid"},
        {ACT_TANH, 0.0f, TORCH_ACT_TANH_Y, TORCH_ACT_TANH_DX, "tanh"},
        {ACT_ABS, 0.0f, TORCH_ACT_ABS_Y, TORCH_ACT_ABS_DX, "abs"},
        {ACT_SOFTPLUS, 1.0f, TORCH_ACT_SOFTPLUS1_Y, TORCH_ACT_SOFTPLUS1_DX, "softplus b=1"},
        {ACT_SOFTPLUS, 2.0f, TORCH_ACT_SOFTPLUS2_Y, TORCH_ACT_SOFTPLUS2_DX, "softplus b=2"},
        {ACT_SOFTPLUS, 0.5f, TORCH_ACT_SOFTPLUS05_Y, TORCH_ACT_SOFTPLUS05_DX, "softplus b=0.5"},
    };
    for (size_t k = 0; k < sizeof acts / sizeof acts[0]; k++) {
        float y[A], dx[A] = {0};
        act_forward(y, TORCH_ACT_X, A, acts[k].kind, acts[k].param);
        act_backward(dx, TORCH_ACT_DOUT, TORCH_ACT_X, A, acts[k].kind, acts[k].param);
        test_tensor_near(acts[k].y, y, A, 1e-6, 1e-6, __FILE__, __LINE__, acts[k].name);
        test_tensor_near(acts[k].dx, dx, A, 1e-6, 1e-6, __FILE__, __LINE__, acts[k].name);
        double m = fmax(max_abs_diff(acts[k].y, y, A), max_abs_diff(acts[k].dx, dx, A));
        printf("torch %s: max abs diff %.3g\n", acts[k].name, m);
    }

    /* LRN: N2 C7 H2 W3, alpha 0.5, beta 0.75, k 1.5 */
    enum { L = 2 * 7 * 2 * 3 };
    const struct {
        int size;
        const float *x, *y, *dout, *dx;
    } lrns[] = {
        {1, TORCH_LRN1_X, TORCH_LRN1_Y, TORCH_LRN1_DOUT, TORCH_LRN1_DX},
        {2, TORCH_LRN2_X, TORCH_LRN2_Y, TORCH_LRN2_DOUT, TORCH_LRN2_DX},
        {3, TORCH_LRN3_X, TORCH_LRN3_Y, TORCH_LRN3_DOUT, TORCH_LRN3_DX},
        {5, TORCH_LRN5_X, TORCH_LRN5_Y, TORCH_LRN5_DOUT, TORCH_LRN5_DX},
        {8, TORCH_LRN8_X, TORCH_LRN8_Y, TORCH_LRN8_DOUT, TORCH_LRN8_DX},
    };
    for (size_t k = 0; k < sizeof lrns / sizeof lrns[0]; k++) {
        float y[L], dx[L] = {0};
        lrn_forward(y, lrns[k].x, 2, 7, 2, 3, lrns[k].size, 0.5f, 0.75f, 1.5f);
        lrn_backward(dx, lrns[k].dout, lrns[k].x, 2, 7, 2, 3, lrns[k].size, 0.5f, 0.75f, 1.5f);
        char what[32];
        snprintf(what, sizeof what, "lrn size %d", lrns[k].size);
        test_tensor_near(lrns[k].y, y, L, 1e-6, 1e-5, __FILE__, __LINE__, what);
        test_tensor_near(lrns[k].dx, dx, L, 1e-6, 1e-5, __FILE__, __LINE__, what);
        double m = fmax(max_abs_diff(lrns[k].y, y, L), max_abs_diff(lrns[k].dx, dx, L));
        printf("torch %s: max abs diff %.3g\n", what, m);
    }
}

int main(void)
{
    test_hand_values();
    test_lrn_hand();
    test_act_finite_differences();
    test_lrn_finite_differences();
    test_torch_reference();
    return test_summary();
}
