/* test_fastgroup.c - the fast path of the two newer layers: a grouped conv through fastgroup.h
 * equals conv.h's reference within float rounding (random groups, strides, padding, dilation),
 * and whole nets with grouped convs and batchnorm (after a CxHxW tensor and after a flat one,
 * first and last, in training and in evaluation mode) give, through netrun.c's dispatch, the
 * reference's numbers within float rounding and the same bits on 1, 2 and 3 threads: outputs,
 * loss, parameter and input gradients, and the running statistics a training step leaves. */
#include "engine/conv.h"
#include "engine/fastgroup.h"
#include "engine/net.h"
#include "engine/rng.h"
#include "test.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static float *random_floats(Rng *rng, long n)
{
    float *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    for (long i = 0; i < n; i++)
        v[i] = rng_uniform(rng) * 2.0f - 1.0f;
    return v;
}

static float *zeros(long n)
{
    return calloc((size_t)(n > 0 ? n : 1), sizeof(float));
}

static float *copy_floats(const float *src, long n)
{
    float *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    memcpy(v, src, (size_t)n * sizeof *v);
    return v;
}

static int rnd(Rng *rng, int lo, int hi)
{
    return lo + (int)rng_below(rng, (uint32_t)(hi - lo + 1));
}

/* fastgroup_forward_on / fastgroup_backward_on against conv_forward / conv_backward. */
static void test_ops(void)
{
    Rng rng;
    rng_seed(&rng, 31);
    int tried = 0, fwd_ok = 1, dx_ok = 1, dw_ok = 1, db_ok = 1;
    while (tried < 40) {
        ConvGeom g = {0};
        g.groups = rnd(&rng, 2, 4);
        g.n = rnd(&rng, 1, 5);
        g.c = g.groups * rnd(&rng, 1, 3);
        g.o = g.groups * rnd(&rng, 1, 3);
        g.h = rnd(&rng, 1, 10);
        g.w = rnd(&rng, 1, 10);
        g.kh = rnd(&rng, 1, 4);
        g.kw = rnd(&rng, 1, 4);
        g.sh = rnd(&rng, 1, 3);
        g.sw = rnd(&rng, 1, 3);
        g.pt = rnd(&rng, 0, 2);
        g.pb = rnd(&rng, 0, 2);
        g.pl = rnd(&rng, 0, 2);
        g.pr = rnd(&rng, 0, 2);
        g.dh = rnd(&rng, 1, 2);
        g.dw = rnd(&rng, 1, 2);
        if (!conv_geom_finish(&g) || !fastgroup_supported(&g))
            continue;
        tried++;
        const long xn = (long)g.n * g.c * g.h * g.w, on = (long)g.n * g.o * g.oh * g.ow;
        const long wn = (long)g.o * (g.c / g.groups) * g.kh * g.kw;
        float *x = random_floats(&rng, xn), *w = random_floats(&rng, wn);
        float *b = random_floats(&rng, g.o), *dout = random_floats(&rng, on);
        float *ref = zeros(on), *fast = zeros(on), *scratch = zeros(fastgroup_scratch_floats(&g));
        float *dx_ref = zeros(xn), *dw_ref = zeros(wn), *db_ref = zeros(g.o);
        float *dx = zeros(xn), *dw = random_floats(&rng, wn), *db = random_floats(&rng, g.o);
        conv_forward(ref, x, w, b, &g);
        fastgroup_forward_on(scratch, fast, x, w, b, &g);
        conv_backward(dx_ref, dw_ref, db_ref, dout, x, w, &g);
        /* dx accumulates (start at 1); dw and db are written (they start with garbage) */
        for (long i = 0; i < xn; i++)
            dx[i] = 1.0f;
        fastgroup_backward_on(scratch, dx, dw, db, dout, x, w, &g);
        for (long i = 0; i < xn; i++)
            dx[i] -= 1.0f;
        fwd_ok &= test_tensor_near(ref, fast, on, 1e-5, 1e-5, __FILE__, __LINE__, "forward");
        dx_ok &= test_tensor_near(dx_ref, dx, xn, 1e-5, 1e-4, __FILE__, __LINE__, "dx");
        dw_ok &= test_tensor_near(dw_ref, dw, wn, 1e-5, 1e-4, __FILE__, __LINE__, "dw");
        db_ok &= test_tensor_near(db_ref, db, g.o, 1e-5, 1e-4, __FILE__, __LINE__, "db");
        free(x);
        free(w);
        free(b);
        free(dout);
        free(ref);
        free(fast);
        free(scratch);
        free(dx_ref);
        free(dw_ref);
        free(db_ref);
        free(dx);
        free(dw);
        free(db);
    }
    CHECK(fwd_ok && dx_ok && dw_ok && db_ok);
    /* an ungrouped conv is not fastgroup's */
    ConvGeom plain = {1, 2, 5, 5, 2, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1};
    CHECK(conv_geom_finish(&plain));
    CHECK(!fastgroup_supported(&plain));
}

/* What one run of a net leaves: the training step's loss, output, gradients, input gradient
 * and running statistics, and an evaluation-mode forward's output afterwards. */
typedef struct Run {
    float loss;
    float *out, *grads, *dx, *state, *eval_out;
} Run;

static void run_free(Run *r)
{
    free(r->out);
    free(r->grads);
    free(r->dx);
    free(r->state);
    free(r->eval_out);
}

/* The net in `text` on `threads` threads (0: the reference ops), one step in `training` mode
 * on x (N examples), then a forward in evaluation mode. The running statistics start away from
 * (0, 1), the same for every run. */
static Run run_net(const char *text, int threads, bool training, const float *x, const int *labels,
                   int n)
{
    Run r = {0};
    char err[256];
    Net *net = net_create(text, "fast.net", 8, err, sizeof err);
    if (!net) {
        fprintf(stderr, "%s\n", err);
        CHECK(net != NULL);
        return r;
    }
    for (long i = 0; i < net->n_state; i++)
        net->state[i] = 0.5f + 0.25f * (float)(i % 5);
    CHECK(net_set_threads(net, threads));
    net_set_training(net, training);
    const int last = net->spec.n_layers - 1;
    const long in = shape_elems(net->spec.input), k = shape_elems(net->spec.layers[last].out);
    NetActs *a = net_acts_create(net, n + 2);
    r.loss = net_train_step(net, a, x, labels, n);
    r.out = copy_floats(a->out[last], n * k);
    r.grads = copy_floats(net->grads, net->n_params);
    r.dx = copy_floats(a->dx, n * in);
    r.state = copy_floats(net->state, net->n_state);
    /* the same step as three calls: the same bits (the running statistics aside, which only
     * net_train_step moves) */
    float *keep = copy_floats(net->state, net->n_state);
    net_zero_grad(net);
    net_forward(net, a, x, n);
    CHECK(net_loss(net, a, labels) == r.loss);
    net_backward(net, a);
    CHECK(memcmp(r.grads, net->grads, sizeof(float) * (size_t)net->n_params) == 0);
    CHECK(memcmp(r.dx, a->dx, sizeof(float) * (size_t)(n * in)) == 0);
    CHECK(memcmp(keep, net->state, sizeof(float) * (size_t)net->n_state) == 0);
    free(keep);
    net_set_training(net, false);
    net_forward(net, a, x, n);
    r.eval_out = copy_floats(a->out[last], n * k);
    net_acts_destroy(a);
    net_destroy(net);
    return r;
}

static void check_net(Rng *rng, const char *text, int c, int side, int n, int classes,
                      bool training)
{
    const long in = (long)c * side * side;
    float *x = random_floats(rng, n * in);
    int *labels = malloc(sizeof(int) * (size_t)n);
    for (int j = 0; j < n; j++)
        labels[j] = rnd(rng, 0, classes - 1);
    Run runs[4];
    for (int t = 0; t < 4; t++)
        runs[t] = run_net(text, t, training, x, labels, n);
    char err[256];
    Net *probe = net_create(text, "probe", 1, err, sizeof err);
    const long np = probe ? probe->n_params : 0, ns = probe ? probe->n_state : 0;
    net_destroy(probe);
    const long out = (long)n * classes;
    int same = 1;
    for (int t = 2; t < 4; t++) {
        same &= runs[t].loss == runs[1].loss;
        same &= memcmp(runs[t].out, runs[1].out, sizeof(float) * (size_t)out) == 0;
        same &= memcmp(runs[t].grads, runs[1].grads, sizeof(float) * (size_t)np) == 0;
        same &= memcmp(runs[t].dx, runs[1].dx, sizeof(float) * (size_t)(n * in)) == 0;
        same &= memcmp(runs[t].state, runs[1].state, sizeof(float) * (size_t)ns) == 0;
        same &= memcmp(runs[t].eval_out, runs[1].eval_out, sizeof(float) * (size_t)out) == 0;
    }
    if (!same)
        fprintf(stderr, "  threads 1, 2, 3 differ (%s mode) on:\n%s",
                training ? "training" : "eval", text);
    CHECK(same);
    CHECK_NEAR(runs[0].loss, runs[1].loss, 1e-5);
    int near = fabs((double)runs[0].loss - runs[1].loss) <= 1e-5;
    near &= CHECK_TENSOR_NEAR(runs[0].out, runs[1].out, out, 1e-5, 1e-4);
    near &= CHECK_TENSOR_NEAR(runs[0].grads, runs[1].grads, np, 1e-5, 1e-3);
    near &= CHECK_TENSOR_NEAR(runs[0].dx, runs[1].dx, n * in, 1e-6, 1e-3);
    near &= CHECK_TENSOR_NEAR(runs[0].state, runs[1].state, ns, 1e-6, 1e-5);
    near &= CHECK_TENSOR_NEAR(runs[0].eval_out, runs[1].eval_out, out, 1e-5, 1e-4);
    if (!near)
        fprintf(stderr, "  fast != reference (%s mode) on:\n%s", training ? "training" : "eval",
                text);
    for (int t = 0; t < 4; t++)
        run_free(&runs[t]);
    free(x);
    free(labels);
}

static void test_nets(void)
{
    Rng rng;
    rng_seed(&rng, 4242);
    /* a lenet-like net with a batchnorm after each conv, grouped and depthwise convs, a flat
     * batchnorm before the softmax; batches that do not fill the last group of 4 */
    const char *bn_net = "input 3 12 12\nconv 8 k=3 pad=1\nbatchnorm\nrelu\n"
                         "conv 8 k=3 groups=4\nbatchnorm momentum=0.3\nrelu\nmaxpool k=2\n"
                         "conv 16 k=3 pad=1 groups=8\nbatchnorm eps=0.001\nrelu\nflatten\n"
                         "dense 10\nbatchnorm\nsoftmax\n";
    for (int mode = 0; mode < 2; mode++) {
        check_net(&rng, bn_net, 3, 12, 11, 10, mode == 0);
        check_net(&rng, bn_net, 3, 12, 4, 10, mode == 0);
    }
    /* batchnorm first and last (no softmax: the squared error), a grouped deconv */
    const char *edges = "input 4 6 6\nbatchnorm\nconv 8 k=3 groups=2\nrelu\n"
                        "deconv 4 k=2 stride=2 groups=4\nflatten\ndense 5\nbatchnorm\n";
    check_net(&rng, edges, 4, 6, 9, 5, true);
    check_net(&rng, edges, 4, 6, 9, 5, false);
    /* a single example in training mode: the flat batchnorm has no spread */
    check_net(&rng, edges, 4, 6, 1, 5, true);
    /* a grouped conv without batchnorm still runs in one piece */
    check_net(&rng,
              "input 6 9 9\nconv 12 k=3 groups=3\nrelu\nconv 12 k=3 groups=12\nflatten\n"
              "dense 4\nsoftmax\n",
              6, 9, 7, 4, true);
}

int main(void)
{
    test_ops();
    test_nets();
    return test_summary();
}
