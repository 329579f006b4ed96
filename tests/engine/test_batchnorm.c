/* test_batchnorm.c - batch normalisation: a hand-computed example, the cell query against the
 * full forward, PyTorch reference values (BatchNorm2d and BatchNorm1d, training and evaluation
 * mode, the running statistics after a training batch; tests/engine/torch_ref.h), finite
 * differences of x, gamma and beta in both modes, the batch of one value per channel, and the
 * training backward cut in pieces (sums of the whole batch, dx of any slice) as the fast path
 * runs it. */
#include "engine/batchnorm.h"
#include "engine/rng.h"
#include "test.h"
#include "torch_ref.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static float *alloc_zero(long n)
{
    float *a = calloc((size_t)(n > 0 ? n : 1), sizeof(float));
    if (!a)
        abort();
    return a;
}

static double *alloc_zero_d(long n)
{
    double *a = calloc((size_t)(n > 0 ? n : 1), sizeof(double));
    if (!a)
        abort();
    return a;
}

/* (C) statistics in double from float values */
static double *widen(const float *v, int c)
{
    double *d = alloc_zero_d(c);
    for (int k = 0; k < c; k++)
        d[k] = v[k];
    return d;
}

static float *fill_random(Rng *rng, float *a, long n, float lo, float hi)
{
    for (long i = 0; i < n; i++)
        a[i] = lo + (hi - lo) * rng_uniform(rng);
    return a;
}

/* N=2, one channel of 2 positions: x = 1, 3 | 5, 7. mean 4, biased variance (9+1+1+9)/4 = 5. */
static void test_hand(void)
{
    const float x[4] = {1.0f, 3.0f, 5.0f, 7.0f}, gamma[1] = {2.0f}, beta[1] = {0.5f};
    BnGeom g = {2, 1, 2, 1e-5f};
    double mean[1], var[1];
    float y[4];
    batchnorm_stats(mean, var, x, &g);
    CHECK_NEAR(4.0, mean[0], 0.0);
    CHECK_NEAR(5.0, var[0], 0.0);
    batchnorm_forward(y, x, mean, var, gamma, beta, &g);
    const double istd = 1.0 / sqrt(5.0 + 1e-5);
    CHECK_NEAR(2.0 * -3.0 * istd + 0.5, y[0], 1e-6);
    CHECK_NEAR(2.0 * 3.0 * istd + 0.5, y[3], 1e-6);
    /* the cell query writes the same value out, with its parts */
    BnCell cell = batchnorm_cell(x[1], mean[0], var[0], g.eps, gamma[0], beta[0]);
    CHECK(cell.y == y[1]);
    CHECK_NEAR(-1.0 * istd, cell.xhat, 1e-12);
    CHECK_NEAR(istd, cell.istd, 1e-12);
    /* running: (1 - 0.1)*0 + 0.1*4 = 0.4; (1 - 0.1)*1 + 0.1*5*4/3 = 1.5666... */
    float rm[1] = {0.0f}, rv[1] = {1.0f};
    batchnorm_update_running(rm, rv, mean, var, 4, 0.1f, 1);
    CHECK_NEAR(0.4, rm[0], 1e-7);
    CHECK_NEAR(0.9 + 0.1 * 5.0 * 4.0 / 3.0, rv[0], 1e-6);
}

/* One value per channel in training mode: no spread, y = beta, dx = 0, running variance kept. */
static void test_single_value(void)
{
    const float x[3] = {0.3f, -2.0f, 7.0f}, gamma[3] = {1.5f, 2.0f, 0.5f};
    const float beta[3] = {0.1f, -0.2f, 0.3f}, dy[3] = {1.0f, -1.0f, 2.0f};
    BnGeom g = {1, 3, 1, 1e-5f};
    double mean[3], var[3];
    float y[3], dx[3] = {0}, dgamma[3] = {0}, dbeta[3] = {0};
    batchnorm_stats(mean, var, x, &g);
    batchnorm_forward(y, x, mean, var, gamma, beta, &g);
    CHECK_TENSOR_NEAR(beta, y, 3, 0.0, 0.0);
    batchnorm_backward_train(dx, dgamma, dbeta, dy, x, mean, var, gamma, &g);
    const float zero[3] = {0.0f, 0.0f, 0.0f};
    CHECK_TENSOR_NEAR(zero, dx, 3, 0.0, 0.0);
    CHECK_TENSOR_NEAR(zero, dgamma, 3, 0.0, 0.0);
    CHECK_TENSOR_NEAR(dy, dbeta, 3, 0.0, 0.0);
    float rm[3] = {0.0f, 0.0f, 0.0f}, rv[3] = {1.0f, 2.0f, 3.0f};
    batchnorm_update_running(rm, rv, mean, var, 1, 0.1f, 3);
    CHECK_NEAR(0.03, rm[0], 1e-7);
    CHECK_NEAR(0.7, rm[2], 1e-6);
    const float kept[3] = {1.0f, 2.0f, 3.0f};
    CHECK_TENSOR_NEAR(kept, rv, 3, 0.0, 0.0);
}

/* One PyTorch case of torch_ref.h: F.batch_norm in float64 from the same float32 inputs, in
 * training mode (then the running statistics after it) and in evaluation mode. */
typedef struct BnRef {
    const char *name;
    int n, c, p;
    float eps, momentum;
    const float *x, *gamma, *beta, *rmean, *rvar;
    const float *train_y, *train_dout, *train_dx, *train_dgamma, *train_dbeta;
    const float *train_rmean, *train_rvar;
    const float *eval_y, *eval_dout, *eval_dx, *eval_dgamma, *eval_dbeta;
} BnRef;

#define BN_REF(NAME, P, N, C, PP, EPS, MOM)                                                        \
    {                                                                                              \
        NAME, N, C, PP, EPS, MOM, TORCH_##P##_X, TORCH_##P##_GAMMA, TORCH_##P##_BETA,              \
            TORCH_##P##_RMEAN, TORCH_##P##_RVAR, TORCH_##P##_TRAIN_Y, TORCH_##P##_TRAIN_DOUT,      \
            TORCH_##P##_TRAIN_DX, TORCH_##P##_TRAIN_DGAMMA, TORCH_##P##_TRAIN_DBETA,               \
            TORCH_##P##_TRAIN_RMEAN, TORCH_##P##_TRAIN_RVAR, TORCH_##P##_EVAL_Y,                   \
            TORCH_##P##_EVAL_DOUT, TORCH_##P##_EVAL_DX, TORCH_##P##_EVAL_DGAMMA,                   \
            TORCH_##P##_EVAL_DBETA                                                                 \
    }

/* The engine against one PyTorch case, one mode; returns whether all agreed. */
static int torch_mode(const BnRef *r, bool train, double *worst)
{
    const int c = r->c;
    const long e = (long)r->n * c * r->p;
    BnGeom g = {r->n, c, r->p, r->eps};
    float *y = alloc_zero(e), *dx = alloc_zero(e);
    double *mean = alloc_zero_d(c), *var = alloc_zero_d(c);
    float *dgamma = alloc_zero(c), *dbeta = alloc_zero(c);
    int ok = 1;
    if (train) {
        batchnorm_stats(mean, var, r->x, &g);
        batchnorm_forward(y, r->x, mean, var, r->gamma, r->beta, &g);
        batchnorm_backward_train(dx, dgamma, dbeta, r->train_dout, r->x, mean, var, r->gamma, &g);
        float *rm = alloc_zero(c), *rv = alloc_zero(c);
        memcpy(rm, r->rmean, sizeof(float) * (size_t)c);
        memcpy(rv, r->rvar, sizeof(float) * (size_t)c);
        batchnorm_update_running(rm, rv, mean, var, (long)r->n * r->p, r->momentum, c);
        ok &= CHECK_TENSOR_NEAR(r->train_rmean, rm, c, 1e-6, 1e-6);
        ok &= CHECK_TENSOR_NEAR(r->train_rvar, rv, c, 1e-6, 1e-6);
        free(rm);
        free(rv);
    } else {
        double *rm = widen(r->rmean, c), *rv = widen(r->rvar, c);
        batchnorm_forward(y, r->x, rm, rv, r->gamma, r->beta, &g);
        batchnorm_backward_eval(dx, dgamma, dbeta, r->eval_dout, r->x, rm, rv, r->gamma, &g);
        free(rm);
        free(rv);
    }
    const float *want_y = train ? r->train_y : r->eval_y,
                *want_dx = train ? r->train_dx : r->eval_dx;
    ok &= CHECK_TENSOR_NEAR(want_y, y, e, 1e-5, 1e-5);
    ok &= CHECK_TENSOR_NEAR(want_dx, dx, e, 1e-5, 1e-4);
    ok &= CHECK_TENSOR_NEAR(train ? r->train_dgamma : r->eval_dgamma, dgamma, c, 1e-5, 1e-5);
    ok &= CHECK_TENSOR_NEAR(train ? r->train_dbeta : r->eval_dbeta, dbeta, c, 1e-5, 1e-5);
    for (long i = 0; i < e; i++) {
        *worst = fmax(*worst, fabs((double)y[i] - want_y[i]));
        *worst = fmax(*worst, fabs((double)dx[i] - want_dx[i]));
    }
    free(y);
    free(dx);
    free(mean);
    free(var);
    free(dgamma);
    free(dbeta);
    return ok;
}

static void test_torch(void)
{
    const BnRef refs[2] = {BN_REF("BatchNorm2d", BN2D, 3, 4, 6, 1e-5f, 0.1f),
                           BN_REF("BatchNorm1d", BN1D, 5, 3, 1, 1e-3f, 0.3f)};
    double worst = 0.0;
    for (int k = 0; k < 2; k++)
        for (int mode = 0; mode < 2; mode++)
            if (!torch_mode(&refs[k], mode == 0, &worst))
                fprintf(stderr, "  (in the PyTorch case %s, %s mode)\n", refs[k].name,
                        mode == 0 ? "training" : "evaluation");
    printf("torch batchnorm 2d and 1d, train and eval: max abs diff %.3g\n", worst);
}

/* L = sum(y * r) in double, y = batchnorm(x) with the batch's statistics (train) or the
 * constants mean, var. */
static double loss_of(bool train, const float *x, const float *gamma, const float *beta,
                      const double *mean, const double *var, const float *r, float *y,
                      const BnGeom *g)
{
    const int c = g->c;
    double *m = alloc_zero_d(c), *v = alloc_zero_d(c);
    if (train) {
        batchnorm_stats(m, v, x, g);
    } else {
        memcpy(m, mean, sizeof(double) * (size_t)c);
        memcpy(v, var, sizeof(double) * (size_t)c);
    }
    batchnorm_forward(y, x, m, v, gamma, beta, g);
    double s = 0.0;
    for (long i = 0; i < (long)g->n * c * g->p; i++)
        s += (double)y[i] * r[i];
    free(m);
    free(v);
    return s;
}

/* Central differences of L for each of the count values of p against grad. */
static void check_fd(bool train, float *x, float *gamma, float *beta, const double *mean,
                     const double *var, const float *r, float *y, const BnGeom *g, float *p,
                     long count, const float *grad, const char *what)
{
    const float h = 1e-2f;
    float *fd = alloc_zero(count);
    for (long i = 0; i < count; i++) {
        const float keep = p[i];
        p[i] = keep + h;
        double lp = loss_of(train, x, gamma, beta, mean, var, r, y, g);
        float up = p[i];
        p[i] = keep - h;
        double lm = loss_of(train, x, gamma, beta, mean, var, r, y, g);
        float down = p[i];
        p[i] = keep;
        fd[i] = (float)((lp - lm) / ((double)up - down));
    }
    test_tensor_near(fd, grad, count, 2e-3, 2e-2, __FILE__, __LINE__, what);
    free(fd);
}

static void fd_case(bool train, int n, int c, int p, float eps, uint64_t seed)
{
    Rng rng;
    rng_seed(&rng, seed);
    BnGeom g = {n, c, p, eps};
    const long e = (long)n * c * p;
    float *x = fill_random(&rng, alloc_zero(e), e, -2.0f, 2.0f);
    float *gamma = fill_random(&rng, alloc_zero(c), c, 0.5f, 1.5f);
    float *beta = fill_random(&rng, alloc_zero(c), c, -1.0f, 1.0f);
    float *mean_f = fill_random(&rng, alloc_zero(c), c, -0.5f, 0.5f);
    float *var_f = fill_random(&rng, alloc_zero(c), c, 0.5f, 2.0f);
    double *mean = widen(mean_f, c), *var = widen(var_f, c);
    float *r = fill_random(&rng, alloc_zero(e), e, -1.0f, 1.0f);
    float *y = alloc_zero(e), *dx = alloc_zero(e), *dgamma = alloc_zero(c), *dbeta = alloc_zero(c);
    /* start at 1: the backward adds */
    for (long i = 0; i < e; i++)
        dx[i] = 1.0f;
    for (int k = 0; k < c; k++)
        dgamma[k] = dbeta[k] = 1.0f;
    if (train) {
        double *bm = alloc_zero_d(c), *bv = alloc_zero_d(c);
        batchnorm_stats(bm, bv, x, &g);
        batchnorm_backward_train(dx, dgamma, dbeta, r, x, bm, bv, gamma, &g);
        free(bm);
        free(bv);
    } else {
        batchnorm_backward_eval(dx, dgamma, dbeta, r, x, mean, var, gamma, &g);
    }
    for (long i = 0; i < e; i++)
        dx[i] -= 1.0f;
    for (int k = 0; k < c; k++) {
        dgamma[k] -= 1.0f;
        dbeta[k] -= 1.0f;
    }
    char what[96];
    snprintf(what, sizeof what, "%s N%d C%d P%d: dx", train ? "train" : "eval", n, c, p);
    check_fd(train, x, gamma, beta, mean, var, r, y, &g, x, e, dx, what);
    snprintf(what, sizeof what, "%s N%d C%d P%d: dgamma", train ? "train" : "eval", n, c, p);
    check_fd(train, x, gamma, beta, mean, var, r, y, &g, gamma, c, dgamma, what);
    snprintf(what, sizeof what, "%s N%d C%d P%d: dbeta", train ? "train" : "eval", n, c, p);
    check_fd(train, x, gamma, beta, mean, var, r, y, &g, beta, c, dbeta, what);
    free(x);
    free(gamma);
    free(beta);
    free(mean);
    free(var);
    free(mean_f);
    free(var_f);
    free(r);
    free(y);
    free(dx);
    free(dgamma);
    free(dbeta);
}

static void test_finite_differences(void)
{
    /* 2d: several examples and positions; one example with many positions; 1d: flat */
    fd_case(true, 3, 2, 6, 1e-5f, 1);
    fd_case(true, 1, 3, 9, 1e-5f, 2);
    fd_case(true, 6, 4, 1, 1e-3f, 3);
    fd_case(true, 2, 2, 1, 1e-5f, 4);
    fd_case(false, 3, 2, 6, 1e-5f, 5);
    fd_case(false, 4, 3, 1, 1e-3f, 6);
}

/* The fast path's cut: the sums of the whole batch at the join, then dx of slices of the batch
 * (its groups of examples) gives exactly the reference's bits. */
static void test_pieces(void)
{
    Rng rng;
    rng_seed(&rng, 77);
    const int n = 7, c = 3, p = 5;
    const long e = (long)n * c * p, ex = (long)c * p;
    BnGeom g = {n, c, p, 1e-5f};
    float *x = fill_random(&rng, alloc_zero(e), e, -1.0f, 2.0f);
    float *dy = fill_random(&rng, alloc_zero(e), e, -1.0f, 1.0f);
    float *gamma = fill_random(&rng, alloc_zero(c), c, 0.5f, 1.5f);
    double mean[3], var[3], sdy[3], sdyx[3];
    float dgamma[3] = {0}, dbeta[3] = {0};
    float *dx_ref = alloc_zero(e), *dx_cut = alloc_zero(e);
    batchnorm_stats(mean, var, x, &g);
    batchnorm_backward_train(dx_ref, dgamma, dbeta, dy, x, mean, var, gamma, &g);
    for (int k = 0; k < c; k++)
        batchnorm_grad_sums_channel(&sdy[k], &sdyx[k], dy, x, mean, var, &g, k);
    for (int k = 0; k < c; k++) {
        CHECK(dbeta[k] == (float)sdy[k]);
        CHECK(dgamma[k] == (float)sdyx[k]);
    }
    for (int n0 = 0; n0 < n; n0 += 3) {
        BnGeom piece = {n - n0 < 3 ? n - n0 : 3, c, p, g.eps};
        batchnorm_backward_train_dx(dx_cut + n0 * ex, dy + n0 * ex, x + n0 * ex, mean, var, gamma,
                                    sdy, sdyx, (long)n * p, &piece);
    }
    CHECK_TENSOR_NEAR(dx_ref, dx_cut, e, 0.0, 0.0);
    free(x);
    free(dy);
    free(gamma);
    free(dx_ref);
    free(dx_cut);
}

int main(void)
{
    test_hand();
    test_single_value();
    test_torch();
    test_finite_differences();
    test_pieces();
    return test_summary();
}
