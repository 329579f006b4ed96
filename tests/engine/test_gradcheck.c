/* test_gradcheck.c - central finite differences against a hand-computed loss and against the
 * engine's backward: every parameter and every layer-output cell of the Backprop lab's tiny
 * net, a sum-of-squares net, a net with a grouped conv and batchnorm in both modes,
 * parameters restored bit for bit. */
#include "engine/gradcheck.h"
#include "engine/net.h"
#include "test.h"

#include <math.h>
#include <string.h>

/* float32 arithmetic: the loss is about 2.3, so a difference of h = 1e-3 carries rounding of
 * a few 1e-7 / 2e-3 ~ 1e-4 */
#define ATOL 4e-4f
#define RTOL 2e-2f

static const char *tiny_text = "input 1 8 8\n"
                               "conv 2 k=3\n"
                               "relu\n"
                               "maxpool k=2\n"
                               "flatten\n"
                               "dense 10\n"
                               "softmax\n";

/* A deterministic 8x8 "digit": a bright ring on a dark ground. */
static void ring(float *x /* (64) */)
{
    for (int y = 0; y < 8; y++)
        for (int c = 0; c < 8; c++) {
            float d = sqrtf((float)((y - 3.5) * (y - 3.5) + (c - 3.5) * (c - 3.5)));
            x[y * 8 + c] = d > 1.5f && d < 3.2f ? 0.9f - 0.05f * (float)((y + c) % 3) : 0.0f;
        }
}

/* The notes' sum of squared errors on one dense unit, by hand:
 * y = 0.5·2 + (−1)·1 + 0.25 = 0.25, t = 1, L = ½(0.25 − 1)² = 0.28125,
 * dL/dw1 = (y − t)·x1 = −1.5, dL/dw2 = −0.75, dL/db = −0.75. */
static void test_hand(void)
{
    char err[256];
    Net *net = net_create("input 1 1 2\nflatten\ndense 1\n", "hand.net", 1, err, sizeof err);
    CHECK(net != NULL);
    if (!net)
        return;
    float *w = net_weights(net, 1), *b = net_bias(net, 1);
    w[0] = 0.5f;
    w[1] = -1.0f;
    b[0] = 0.25f;
    GradCheck *gc = gradcheck_create(net, err, sizeof err);
    CHECK(gc != NULL);
    float x[2] = {2.0f, 1.0f};
    float loss = gradcheck_loss_from(gc, net, -1, x, 0);
    CHECK_NEAR(0.28125, loss, 1e-7);
    GradCheckResult r = gradcheck_param(gc, net, x, 0, 0, 1e-2f);
    CHECK_NEAR(-1.5, r.fd, 1e-4);
    /* the quadratic's central difference is exact: L(w1 ± h) = ½(−0.75 ± 2h)² */
    CHECK_NEAR(0.5 * (-0.75 + 0.02) * (-0.75 + 0.02), r.lplus, 1e-6);
    CHECK_NEAR(0.5 * (-0.75 - 0.02) * (-0.75 - 0.02), r.lminus, 1e-6);
    CHECK_NEAR(0.28125, r.l0, 1e-7);
    CHECK(!gradcheck_kink(&r)); /* one-sided slopes −1.5 ± 0.02: smooth */
    CHECK_NEAR(-1.5 - 0.02, r.left, 1e-4);
    CHECK_NEAR(-1.5 + 0.02, r.right, 1e-4);
    CHECK_NEAR(-0.75, gradcheck_param(gc, net, x, 0, 1, 1e-2f).fd, 1e-4);
    CHECK_NEAR(-0.75, gradcheck_param(gc, net, x, 0, 2, 1e-2f).fd, 1e-4);
    CHECK(w[0] == 0.5f && w[1] == -1.0f && b[0] == 0.25f);
    /* on the input: dL/dx1 = (y − t)·w1 = −0.375 */
    CHECK_NEAR(-0.375, gradcheck_output(gc, net, -1, x, 0, 0, 1e-2f).fd, 1e-4);
    CHECK(gradcheck_agrees(1.0f, 1.01f, 0.0f, 0.02f));
    CHECK(!gradcheck_agrees(1.0f, 1.05f, 0.0f, 0.02f));
    CHECK(gradcheck_agrees(0.0f, 3e-4f, 4e-4f, 0.0f));
    gradcheck_destroy(gc);
    net_destroy(net);
}

/* A kink: ReLU at exactly z = 0. y = relu(w·x) with w·x = 0 (x = 0 picked so), L = ½(y − 1)²:
 * from the left the slope is 0, from the right (y − 1)·1 = −1; the engine's ReLU′(0) = 0. */
static void test_kink(void)
{
    char err[256];
    Net *net = net_create("input 1 1 1\nflatten\ndense 1\nrelu\n", "kink.net", 1, err, sizeof err);
    CHECK(net != NULL);
    if (!net)
        return;
    net_weights(net, 1)[0] = 0.5f;
    net_bias(net, 1)[0] = 0.0f;
    GradCheck *gc = gradcheck_create(net, err, sizeof err);
    float x[1] = {0.0f};
    /* perturb the bias: z = b ± h crosses 0 */
    GradCheckResult r = gradcheck_param(gc, net, x, 0, 1, 1e-3f);
    CHECK(gradcheck_kink(&r));
    CHECK_NEAR(0.0, r.left, 1e-4);
    CHECK_NEAR(-1.0, r.right, 2e-3);
    CHECK_NEAR(-0.5, r.fd, 2e-3);
    gradcheck_destroy(gc);
    net_destroy(net);
}

static void test_tiny(void)
{
    char err[256];
    Net *net = net_create(tiny_text, "backprop-tiny.net", 7, err, sizeof err);
    CHECK(net != NULL);
    if (!net)
        return;
    NetActs *a = net_acts_create(net, 1);
    GradCheck *gc = gradcheck_create(net, err, sizeof err);
    float x[64];
    ring(x);
    int label = 3;
    float loss = net_train_step(net, a, x, &label, 1);
    /* the partial forward from the input scores exactly as net_forward + net_loss */
    CHECK_NEAR(loss, gradcheck_loss_from(gc, net, -1, x, label), 1e-6);
    for (int i = 0; i < net->spec.n_layers - 1; i++)
        CHECK_NEAR(loss, gradcheck_loss_from(gc, net, i, a->out[i], label), 1e-6);

    /* every parameter: 20 of the conv, 190 of the dense */
    CHECK_INT_EQ(210, net->n_params);
    float saved[210];
    memcpy(saved, net->params, sizeof saved);
    int bad = 0, nonzero = 0;
    for (long j = 0; j < net->n_params; j++) {
        GradCheckResult r = gradcheck_param(gc, net, x, label, j, 1e-3f);
        bad += !gradcheck_agrees(r.fd, net->grads[j], ATOL, RTOL);
        nonzero += fabsf(net->grads[j]) > 1e-3f;
        if (!gradcheck_agrees(r.fd, net->grads[j], ATOL, RTOL))
            fprintf(stderr, "param %ld: fd %g bp %g\n", j, (double)r.fd, (double)net->grads[j]);
    }
    CHECK_INT_EQ(0, bad);
    CHECK(nonzero > 40); /* a real check, not of zeros */
    CHECK(memcmp(saved, net->params, sizeof saved) == 0);

    /* every cell of every layer output below the softmax: dL/d out[i] */
    bad = 0;
    int checked = 0;
    for (int i = 0; i < net->spec.n_layers - 1; i++) {
        long e = shape_elems(net->spec.layers[i].out);
        for (long j = 0; j < e; j++) {
            GradCheckResult r = gradcheck_output(gc, net, i, a->out[i], label, j, 1e-3f);
            bool ok = gradcheck_agrees(r.fd, a->grad[i][j], ATOL, RTOL);
            if (!ok)
                fprintf(stderr, "layer %d cell %ld: fd %g bp %g\n", i, j, (double)r.fd,
                        (double)a->grad[i][j]);
            bad += !ok;
            checked++;
        }
    }
    CHECK_INT_EQ(72 + 72 + 18 + 18 + 10, checked);
    CHECK_INT_EQ(0, bad);
    /* and the input */
    bad = 0;
    for (long j = 0; j < 64; j++)
        bad += !gradcheck_agrees(gradcheck_output(gc, net, -1, x, label, j, 1e-3f).fd, a->dx[j],
                                 ATOL, RTOL);
    CHECK_INT_EQ(0, bad);
    gradcheck_destroy(gc);
    net_acts_destroy(a);
    net_destroy(net);
}

/* A grouped conv and a batchnorm, one example, in both modes: the partial forward scores as
 * net_forward + net_loss (training mode: the example's own statistics), and every parameter,
 * layer-output cell and input agrees with backprop; the running statistics are untouched. */
static void test_batchnorm_modes(void)
{
    char err[256];
    Net *net = net_create("input 2 6 6\nconv 4 k=3 groups=2\nbatchnorm\ntanh\nflatten\n"
                          "dense 5\nsoftmax\n",
                          "bn.net", 3, err, sizeof err);
    CHECK(net != NULL);
    if (!net)
        return;
    for (int c = 0; c < 4; c++) {
        net_running_mean(net, 1)[c] = 0.1f * (float)c - 0.1f;
        net_running_var(net, 1)[c] = 0.6f + 0.3f * (float)c;
    }
    float state[8];
    memcpy(state, net->state, sizeof state);
    NetActs *a = net_acts_create(net, 1);
    GradCheck *gc = gradcheck_create(net, err, sizeof err);
    float x[72];
    for (int i = 0; i < 72; i++)
        x[i] = 0.1f * (float)((i * 7) % 13) - 0.5f;
    int label = 2;
    for (int mode = 0; mode < 2; mode++) {
        net_set_training(net, mode == 0);
        net_zero_grad(net);
        net_forward(net, a, x, 1);
        float loss = net_loss(net, a, &label);
        net_backward(net, a);
        CHECK_NEAR(loss, gradcheck_loss_from(gc, net, -1, x, label), 1e-6);
        CHECK_NEAR(loss, gradcheck_loss_from(gc, net, 1, a->out[1], label), 1e-6);
        int bad = 0, checked = 0;
        for (long j = 0; j < net->n_params; j++) {
            GradCheckResult r = gradcheck_param(gc, net, x, label, j, 1e-2f);
            bool ok = gradcheck_agrees(r.fd, net->grads[j], ATOL, RTOL);
            if (!ok)
                fprintf(stderr, "mode %d param %ld: fd %g bp %g\n", mode, j, (double)r.fd,
                        (double)net->grads[j]);
            bad += !ok;
        }
        for (int i = -1; i < net->spec.n_layers - 1; i++) {
            long e = i < 0 ? 72 : shape_elems(net->spec.layers[i].out);
            const float *out = i < 0 ? x : a->out[i], *bp = i < 0 ? a->dx : a->grad[i];
            for (long j = 0; j < e; j++) {
                GradCheckResult r = gradcheck_output(gc, net, i, out, label, j, 1e-2f);
                bool ok = gradcheck_agrees(r.fd, bp[j], ATOL, RTOL);
                if (!ok)
                    fprintf(stderr, "mode %d layer %d cell %ld: fd %g bp %g\n", mode, i, j,
                            (double)r.fd, (double)bp[j]);
                bad += !ok;
                checked++;
            }
        }
        CHECK_INT_EQ(72 + 4 * 16 * 3 + 64 + 5, checked);
        CHECK_INT_EQ(0, bad);
    }
    CHECK(memcmp(state, net->state, sizeof state) == 0);
    gradcheck_destroy(gc);
    net_acts_destroy(a);
    net_destroy(net);
}

/* Without a softmax the loss is the notes' ½·Σ(y − t)², scored on the last output itself. */
static void test_sse(void)
{
    char err[256];
    Net *net = net_create("input 1 6 6\nconv 2 k=3\nsigmoid\navgpool k=2\nflatten\ndense 4\n"
                          "sigmoid\n",
                          "sse.net", 3, err, sizeof err);
    CHECK(net != NULL);
    if (!net)
        return;
    NetActs *a = net_acts_create(net, 1);
    GradCheck *gc = gradcheck_create(net, err, sizeof err);
    float x[36];
    for (int i = 0; i < 36; i++)
        x[i] = (float)((i * 7) % 11) / 10.0f;
    int label = 2;
    float loss = net_train_step(net, a, x, &label, 1);
    int last = net->spec.n_layers - 1;
    CHECK_NEAR(loss, gradcheck_loss_from(gc, net, last, a->out[last], label), 1e-6);
    int bad = 0;
    for (int j = 0; j < 4; j++)
        bad += !gradcheck_agrees(gradcheck_output(gc, net, last, a->out[last], label, j, 1e-3f).fd,
                                 a->grad[last][j], ATOL, RTOL);
    for (long j = 0; j < net->n_params; j++)
        bad += !gradcheck_agrees(gradcheck_param(gc, net, x, label, j, 1e-3f).fd, net->grads[j],
                                 ATOL, RTOL);
    CHECK_INT_EQ(0, bad);
    gradcheck_destroy(gc);
    net_acts_destroy(a);
    net_destroy(net);
}

int main(void)
{
    test_hand();
    test_kink();
    test_tiny();
    test_sse();
    test_batchnorm_modes();
    return test_summary();
}
