/* test_lab_backprop.c - the Backprop lab: its model against the engine (each step's value equals
 * the full backward's at that position, p − y sums to 0, max-pool routing only to the argmax,
 * the update equals W − η·∂L/∂W, the finite-difference check agrees, the equations carry the
 * engine's numbers), what it hands the view (names, notes, the check's text, each phase's shown
 * values), its options, and the lab in the real app frame drawn headless (the amber current
 * cell by its pixels, labels present, frame time). */
#include "app/app.h"
#include "labs/backprop/model.h"
#include "app/lesson_host.h"
#include "engine/assets.h"
#include "engine/idx.h"
#include "test.h"
#include "labs/app_harness.h"
#include "viz/grid.h"

#include "labs/lab_help_check.h"
#include "labs/backprop/view_int.h"
#include "labs/common/netshare.h"

#include <SDL.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static Dataset digits;

/* Every cell of every phase: the step-through value equals the engine's full backward. */
static void check_all_steps(const BpModel *m)
{
    int bad = 0, cells = 0;
    for (int p = 0; p < m->n_phases; p++) {
        const BpPhase *ph = &m->phases[p];
        /* average pooling: the share at the window's first cell, which is the engine's
         * gradient there only when windows do not overlap */
        const Layer *pl = &m->net->spec.layers[ph->layer];
        if (ph->kind == BP_POOL && pl->kind != LAYER_MAXPOOL &&
            (pl->pool.sh < pl->pool.kh || pl->pool.sw < pl->pool.kw))
            continue;
        for (long c = 0; c < ph->cells; c++) {
            float full = bp_model_full(m, ph, c);
            bool ok = fabsf(ph->val[c] - full) <= 1e-6f + 1e-5f * fabsf(full);
            if (!ok && bad < 5)
                fprintf(stderr, "phase %d kind %d cell %ld: step %g full %g\n", p, ph->kind, c,
                        (double)ph->val[c], (double)full);
            bad += !ok;
            cells++;
        }
    }
    CHECK_INT_EQ(0, bad);
    CHECK(cells > 0);
    /* and through bp_model_step, as the lab draws it */
    bad = 0;
    for (int s = 0; s < m->steps; s++) {
        BpStep st = bp_model_step(m, s);
        bad += st.ph == NULL || st.focus < st.cell0 || st.focus >= st.cell1 ||
               fabsf(st.value - st.full) > 1e-6f + 1e-5f * fabsf(st.full);
    }
    CHECK_INT_EQ(0, bad);
}

static void test_tiny(void)
{
    BpModel m;
    char err[512] = "";
    bool ok = bp_model_build(&m, "tiny", &digits, 0, 0.1f, 1, err, sizeof err);
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    const NetSpec *sp = &m.net->spec;
    CHECK_INT_EQ(6, sp->n_layers);
    CHECK_INT_EQ(digits.labels[0], m.label);
    /* phases: loss 10, dense W 10 rows, dense x 18, flatten 1, pool 18, relu 72, kernel 18,
     * bias 2, two updates */
    CHECK_INT_EQ(10, m.n_phases);
    CHECK_INT_EQ(BP_LOSS_XENT, m.phases[0].kind);
    CHECK_INT_EQ(BP_DENSE_W, m.phases[1].kind);
    CHECK_INT_EQ(10, m.phases[1].steps);
    CHECK_INT_EQ(BP_DENSE_X, m.phases[2].kind);
    CHECK_INT_EQ(BP_FLATTEN, m.phases[3].kind);
    CHECK_INT_EQ(BP_POOL, m.phases[4].kind);
    CHECK_INT_EQ(BP_ACT, m.phases[5].kind);
    CHECK_INT_EQ(72, m.phases[5].steps);
    CHECK_INT_EQ(BP_CONV_W, m.phases[6].kind);
    CHECK_INT_EQ(18, m.phases[6].steps);
    CHECK_INT_EQ(BP_CONV_B, m.phases[7].kind);
    CHECK_INT_EQ(BP_UPDATE, m.phases[8].kind);
    CHECK_INT_EQ(0, m.phases[8].layer); /* the kernel first */
    CHECK_INT_EQ(10 + 10 + 18 + 1 + 18 + 72 + 18 + 2 + 1 + 1, m.steps);

    check_all_steps(&m);

    /* p − y sums to 0 and is p − 1 at the label */
    const BpPhase *loss = &m.phases[0];
    double sum = 0.0;
    for (int k = 0; k < 10; k++)
        sum += loss->val[k];
    CHECK_NEAR(0.0, sum, 1e-6);
    CHECK_NEAR(m.acts->out[5][m.label] - 1.0f, loss->val[m.label], 1e-7);
    CHECK(loss->val[m.label] < 0.0f);

    /* max-pool routing: the routed map is the engine's dL/da, nonzero only at argmaxes */
    const BpPhase *pool = &m.phases[4];
    float routed[72] = {0};
    bool is_winner[72] = {false};
    for (long c = 0; c < pool->cells; c++) {
        routed[pool->route[c]] += pool->val[c];
        is_winner[pool->route[c]] = true;
        /* the winner is the largest of its 2x2 window of a (relu output) */
        int ch = (int)(c / 9), oy = (int)(c % 9 / 3), ox = (int)(c % 3);
        const float *a = m.acts->out[1] + ch * 36;
        float best = -INFINITY;
        for (int dy = 0; dy < 2; dy++)
            for (int dx = 0; dx < 2; dx++)
                best = fmaxf(best, a[(oy * 2 + dy) * 6 + ox * 2 + dx]);
        CHECK(a[pool->route[c] - ch * 36] == best);
    }
    int off_argmax_nonzero = 0;
    for (int j = 0; j < 72; j++) {
        CHECK_NEAR(m.acts->grad[1][j], routed[j], 1e-7);
        off_argmax_nonzero += !is_winner[j] && m.acts->grad[1][j] != 0.0f;
    }
    CHECK_INT_EQ(0, off_argmax_nonzero);

    /* ReLU mask: dL/dz is dL/da where z > 0 and exactly 0 elsewhere */
    int mask_bad = 0;
    for (int j = 0; j < 72; j++) {
        float z = m.acts->out[0][j];
        mask_bad +=
            z > 0.0f ? m.phases[5].val[j] != m.acts->grad[1][j] : m.phases[5].val[j] != 0.0f;
    }
    CHECK_INT_EQ(0, mask_bad);

    /* the update equals W − η·∂L/∂W for every parameter, and lowers this example's loss */
    for (int p = 8; p < 10; p++) {
        const BpPhase *up = &m.phases[p];
        const Layer *l = &sp->layers[up->layer];
        int bad = 0;
        for (long c = 0; c < up->cells; c++) {
            long off = c < l->n_w ? l->w_off + c : l->b_off + (c - l->n_w);
            float want = m.net->params[off] - 0.1f * m.net->grads[off];
            bad += fabsf(up->val[c] - want) > 1e-7f;
        }
        CHECK_INT_EQ(0, bad);
    }
    CHECK(m.loss_after < m.loss);

    /* the finite-difference check agrees at every step that has one */
    int fd_bad = 0, fd_n = 0, kinks = 0;
    for (int s = 0; s < m.steps; s++) {
        BpStep st = bp_model_step(&m, s);
        GradCheckResult fd;
        float bp;
        if (!bp_model_fd(&m, &st, &fd, &bp))
            continue;
        fd_n++;
        CHECK_NEAR(st.value, bp, 1e-6 + 1e-5 * fabs(bp));
        /* at a kink (ReLU at exactly 0, a tie of zeros in a max window) the derivative does
         * not exist: backprop's convention must then be one of the one-sided slopes */
        bool kink_ok = gradcheck_kink(&fd) && (gradcheck_agrees(fd.left, bp, 2e-3f, 0.05f) ||
                                               gradcheck_agrees(fd.right, bp, 2e-3f, 0.05f));
        kinks += kink_ok;
        if (!gradcheck_agrees(fd.fd, bp, BP_FD_ATOL, BP_FD_RTOL) && !kink_ok) {
            fprintf(stderr, "step %d: fd %g bp %g\n", s, (double)fd.fd, (double)bp);
            fd_bad++;
        }
    }
    CHECK_INT_EQ(m.steps - 2, fd_n);
    CHECK_INT_EQ(0, fd_bad);
    CHECK(kinks < fd_n / 4); /* most steps are smooth and agree outright */
    printf("finite differences: %d steps checked, %d at a kink\n", fd_n, kinks);

    /* the equations carry the engine's numbers */
    char eq[2048], want[64];
    BpStep st = bp_model_step(&m, m.label); /* the label's p − 1 */
    bp_model_equation(&m, &st, 200, 4, eq, sizeof eq);
    CHECK_CONTAINS(eq, "\xE2\x88\x82L/\xE2\x88\x82z\xE2\x82\x82[");
    CHECK_CONTAINS(eq, "\xE2\x88\x92 1 =");
    /* the first kernel cell: Σ of 36 products dout × x, folded with "+ …" */
    st = bp_model_step(&m, m.phases[6].first + 1);
    CHECK_INT_EQ(1, st.focus);
    int lines = bp_model_equation(&m, &st, 60, 3, eq, sizeof eq);
    CHECK(lines <= 3);
    CHECK_CONTAINS(eq, "\xE2\x88\x82L/\xE2\x88\x82K\xE2\x82\x81[0,0,0,1] =");
    CHECK_CONTAINS(eq, "+ \xE2\x80\xA6");
    CHECK_CONTAINS(eq, "\xC3\x97");
    float v = m.net->grads[1];
    snprintf(want, sizeof want, "= %s%.4f", v < 0 ? "\xE2\x88\x92" : "", (double)fabsf(v));
    /* trailing zeros are trimmed, so compare the leading digits */
    want[strlen(want) - 1] = '\0';
    CHECK_CONTAINS(eq, want);
    /* with room, every one of the 36 terms is written */
    bp_model_equation(&m, &st, 4000, 1, eq, sizeof eq);
    int times = 0;
    for (const char *q = eq; (q = strstr(q, "\xC3\x97")); q++)
        times++;
    CHECK_INT_EQ(36, times);
    /* folded, the zero products go before any that add something: every nonzero product of
     * ∂L/∂K₁ at a cell with zeros is written, the zeros counted in "+ … (N zero terms)" */
    {
        static BpTerm terms[BP_MAX_TERMS];
        int found = -1;
        for (long c = 0; c < st.ph->cells && found < 0; c++) {
            BpStep sc = bp_model_step(&m, st.ph->first + (int)c);
            int nt = 0, route = -1, nz = 0;
            bp_model_cell(&m, sc.ph, sc.focus, terms, BP_MAX_TERMS, &nt, &route);
            for (int t = 0; t < nt; t++)
                nz += terms[t].a != 0.0f && terms[t].b != 0.0f;
            if (nz >= 1 && nz <= 3 && nt - nz >= 20) {
                found = (int)c;
                st = sc;
                bp_model_equation(&m, &sc, 60, 3, eq, sizeof eq);
                char zeros[64];
                snprintf(zeros, sizeof zeros, "+ \xE2\x80\xA6 (%d zero terms)", nt - nz);
                CHECK_CONTAINS(eq, zeros);
                times = 0;
                for (const char *q = eq; (q = strstr(q, "\xC3\x97")); q++)
                    times++;
                CHECK_INT_EQ(nz, times);
            }
        }
        CHECK(found >= 0); /* the digit's blank border gives ∂L/∂K₁ cells of mostly zeros */
    }

    char name[32];
    CHECK_STR_EQ("z\xE2\x82\x81", bp_model_tensor_name(&m, 0, name, sizeof name));
    CHECK_STR_EQ("m\xE2\x82\x81", bp_model_tensor_name(&m, 2, name, sizeof name));
    CHECK_STR_EQ("W\xE2\x82\x82", bp_model_weight_name(&m, 4, false, name, sizeof name));
    bp_model_free(&m);
}

/* The notes' setting: sigmoid outputs on L = ½·Σ(y − t)² (assets/nets/backprop-sse.net). The
 * first phase is y − t at the output (not p − y), then the output sigmoid's slope; every step
 * equals net_backward's, the finite differences agree, and ½·Σ(y − t)² is the engine's loss. */
static void test_sse(void)
{
    BpModel m;
    char err[512] = "";
    bool ok = bp_model_build(&m, "sse", &digits, 0, 0.1f, 1, err, sizeof err);
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    const NetSpec *sp = &m.net->spec;
    CHECK(!sp->xent);
    CHECK_INT_EQ(6, sp->n_layers);
    CHECK_STR_EQ("sse", m.net_name);
    /* phases: y − t 10, sigmoid 10, dense W 10 rows, dense x 18, flatten 1, avg pool 18,
     * sigmoid 72, kernel 18, bias 2, two updates */
    CHECK_INT_EQ(11, m.n_phases);
    CHECK_INT_EQ(BP_LOSS_SSE, m.phases[0].kind);
    CHECK_INT_EQ(5, m.phases[0].layer); /* the output sigmoid's y */
    CHECK_INT_EQ(BP_ACT, m.phases[1].kind);
    CHECK_INT_EQ(BP_DENSE_W, m.phases[2].kind);
    CHECK_INT_EQ(BP_POOL, m.phases[5].kind);
    CHECK_INT_EQ(BP_ACT, m.phases[6].kind);
    CHECK_INT_EQ(BP_CONV_W, m.phases[7].kind);
    CHECK_INT_EQ(10 + 10 + 10 + 18 + 1 + 18 + 72 + 18 + 2 + 1 + 1, m.steps);

    check_all_steps(&m);

    /* y − t by hand from the output, and ½·Σ(y − t)² is the engine's loss */
    const float *y = m.acts->out[5];
    double half_sse = 0.0;
    for (int k = 0; k < 10; k++) {
        float t = k == m.label ? 1.0f : 0.0f;
        CHECK_NEAR(y[k] - t, m.phases[0].val[k], 1e-7);
        CHECK_NEAR(y[k] - t, m.acts->grad[5][k], 1e-7);
        half_sse += 0.5 * (y[k] - t) * (y[k] - t);
    }
    CHECK_NEAR(m.loss, half_sse, 1e-5);
    /* the output sigmoid: ∂L/∂z₂ = (y − t)·y·(1 − y) */
    for (int k = 0; k < 10; k++)
        CHECK_NEAR(m.phases[0].val[k] * y[k] * (1.0f - y[k]), m.phases[1].val[k], 1e-6);
    /* average pooling: each of the 4 cells of a window gets a quarter */
    const BpPhase *pool = &m.phases[5];
    for (long c = 0; c < pool->cells; c++)
        CHECK_NEAR(m.acts->grad[2][c] / 4.0f, pool->val[c], 1e-8);

    /* the finite-difference check agrees at every step (sigmoids have no kinks) */
    int fd_bad = 0, fd_n = 0;
    for (int s = 0; s < m.steps; s++) {
        BpStep st = bp_model_step(&m, s);
        GradCheckResult fd;
        float bp;
        if (!bp_model_fd(&m, &st, &fd, &bp))
            continue;
        fd_n++;
        CHECK_NEAR(st.value, bp, 1e-6 + 1e-5 * fabs(bp));
        if (!gradcheck_agrees(fd.fd, bp, BP_FD_ATOL, BP_FD_RTOL)) {
            fprintf(stderr, "sse step %d: fd %g bp %g\n", s, (double)fd.fd, (double)bp);
            fd_bad++;
        }
    }
    CHECK_INT_EQ(m.steps - 2, fd_n);
    CHECK_INT_EQ(0, fd_bad);

    /* the first equation and caption say y − t, not p − y */
    char eq[1024], cap[512];
    BpStep st = bp_model_step(&m, m.label);
    bp_model_equation(&m, &st, 200, 4, eq, sizeof eq);
    char want[64];
    snprintf(want, sizeof want,
             "\xE2\x88\x82L/\xE2\x88\x82"
             "a\xE2\x82\x82[%d] = y[%d] \xE2\x88\x92 t[%d] =",
             m.label, m.label, m.label);
    CHECK_CONTAINS(eq, want);
    CHECK_CONTAINS(eq, "\xE2\x88\x92 1 =");
    CHECK(strstr(eq, "p[") == NULL);
    bp_model_phase_caption(&m, &m.phases[0], cap, sizeof cap);
    CHECK_CONTAINS(cap, "y \xE2\x88\x92 t");
    CHECK_CONTAINS(cap, "\xC2\xBD\xC2\xB7\xCE\xA3(y \xE2\x88\x92 t)\xC2\xB2");
    bp_model_free(&m);
}

static void test_errors_and_lenet(void)
{
    BpModel m;
    char err[512] = "";
    CHECK(!bp_model_build(&m, "resnet", &digits, 0, 0.1f, 1, err, sizeof err));
    CHECK_CONTAINS(err, "net=resnet");
    CHECK(!bp_model_build(&m, "tiny", &digits, 0, -1.0f, 1, err, sizeof err));
    CHECK_CONTAINS(err, "lr=");
    bp_model_free(&m);
    /* lenet-tiny: the big phases step rows or planes; values still equal the engine's */
    bool ok = bp_model_build(&m, "lenet-tiny", &digits, 5, 0.05f, 2, err, sizeof err);
    CHECK(ok);
    if (!ok)
        return;
    for (int p = 0; p < m.n_phases; p++)
        CHECK(m.phases[p].steps <= BP_MAX_PHASE_STEPS);
    CHECK(m.steps < 400);
    check_all_steps(&m);
    bp_model_free(&m);
}

/* ---- the learner's net ("yours", bp_model_build_net) ---- */

/* A net of every layer kind the lab meets: a grouped conv, batchnorm, leaky, avgpool, tanh,
 * lrn, a grouped deconv, abs, softplus, l2pool, sigmoid. */
static const char mixed_net[] = "input 2 12 12\n"
                                "conv 4 k=3 pad=1\n"      /* 1: 4x12x12 */
                                "batchnorm\n"             /* 2 */
                                "leaky alpha=0.1\n"       /* 3 */
                                "conv 4 k=3 groups=2\n"   /* 4: 4x10x10, kernel 4x2x3x3 */
                                "avgpool k=2\n"           /* 5: 4x5x5 */
                                "tanh\n"                  /* 6 */
                                "lrn size=3\n"            /* 7 */
                                "deconv 4 k=2 groups=2\n" /* 8: 4x6x6 */
                                "abs\n"                   /* 9 */
                                "softplus\n"              /* 10 */
                                "l2pool k=2\n"            /* 11: 4x3x3 */
                                "sigmoid\n"               /* 12 */
                                "flatten\n"
                                "dense 10\n"
                                "softmax\n";

static char *read_text(const char *rel)
{
    char path[1024];
    assets_path(path, sizeof path, rel);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f)
        return NULL;
    static char text[NET_MAX_TEXT + 1];
    size_t n = fread(text, 1, NET_MAX_TEXT, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

static void test_yours_lenet(void)
{
    BpModel a, b;
    char err[512] = "";
    const char *text = read_text("assets/nets/lenet-tiny.net");
    if (!text)
        return;
    bool ok = bp_model_build(&a, "lenet-tiny", &digits, 5, 0.05f, 2, err, sizeof err);
    CHECK(ok);
    bool ok2 = bp_model_build_net(&b, "lenet-tiny", text, "lenet-tiny.net", NULL, 0, NULL, 0, NULL,
                                  false, &digits, 5, 0.05f, 2, err, sizeof err);
    CHECK(ok2);
    if (!ok || !ok2) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    /* the same scene, number for number */
    CHECK(a.loss == b.loss);
    CHECK(a.loss_after == b.loss_after);
    CHECK_INT_EQ(a.n_phases, b.n_phases);
    CHECK_INT_EQ(a.steps, b.steps);
    int differ = 0;
    for (int p = 0; p < a.n_phases && p < b.n_phases; p++) {
        CHECK_INT_EQ(a.phases[p].kind, b.phases[p].kind);
        CHECK(a.phases[p].cells == b.phases[p].cells);
        for (long c = 0; c < a.phases[p].cells && c < b.phases[p].cells; c++)
            differ += a.phases[p].val[c] != b.phases[p].val[c];
    }
    CHECK_INT_EQ(0, differ);
    char cap[512];
    CHECK_CONTAINS(bp_model_intro_caption(&b, cap, sizeof cap), "the seeded initial weights");
    bp_model_free(&b);

    /* published weights: the scene uses them and says whose they are */
    long n = a.net->n_params;
    float *w = malloc((size_t)n * sizeof *w);
    for (long k = 0; k < n; k++)
        w[k] = a.after->params[k]; /* the weights after one step: a different scene */
    ok2 = bp_model_build_net(&b, "lenet-tiny", text, "lenet-tiny.net", w, n, NULL, 0,
                             "Train lab, epoch 1.50", false, &digits, 5, 0.05f, 2, err, sizeof err);
    CHECK(ok2);
    if (ok2) {
        CHECK_NEAR(a.loss_after, b.loss, 1e-6); /* the loss after a's step is b's loss */
        CHECK(b.net->params[0] == w[0]);
        CHECK_CONTAINS(bp_model_intro_caption(&b, cap, sizeof cap), "Train lab, epoch 1.50");
        check_all_steps(&b);
        bp_model_free(&b);
    }
    /* a weight count that does not match is refused */
    CHECK(!bp_model_build_net(&b, "lenet-tiny", text, "lenet-tiny.net", w, n - 1, NULL, 0, "x",
                              false, &digits, 5, 0.05f, 2, err, sizeof err));
    CHECK_CONTAINS(err, "weights given for a net of");
    free(w);
    bp_model_free(&a);
}

/* A softmax output within 0.001 of its target is written with the digits its difference has:
 * "0.99998 − 1 = −0.00002", not "1 − 1 = −0.00002" (seen on a trained net's label). */
static void test_loss_near_target(void)
{
    BpModel a, b;
    char err[512] = "";
    const char *text = read_text("assets/nets/lenet-tiny.net");
    if (!text)
        return;
    bool ok = bp_model_build(&a, "lenet-tiny", &digits, 5, 0.05f, 2, err, sizeof err);
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    long n = a.net->n_params;
    float *w = malloc((size_t)n * sizeof *w);
    for (long k = 0; k < n; k++)
        w[k] = a.net->params[k];
    /* the last dense layer's bias of the label raised so that 1 − p = Σ_j≠label e^(z_j − z) is
     * 5e-5: p ≈ 0.99995, which four decimals would print as 1 */
    BpStep sa = bp_model_step(&a, a.label);
    const float *z = a.acts->out[sa.ph->layer - 1];
    double rest = 0.0;
    for (int j = 0; j < 10; j++)
        rest += j == a.label ? 0.0 : exp((double)z[j] - (double)z[a.label]);
    w[n - 10 + a.label] += (float)log(rest / 5e-5);
    ok = bp_model_build_net(&b, "lenet-tiny", text, "lenet-tiny.net", w, n, NULL, 0, "test", false,
                            &digits, 5, 0.05f, 2, err, sizeof err);
    CHECK(ok);
    if (ok) {
        BpStep st = bp_model_step(&b, b.label); /* the label's p − 1 */
        float v = bp_model_cell(&b, st.ph, st.focus, NULL, 0, NULL, NULL);
        CHECK(v < 0.0f && v > -0.001f); /* the scene: p within 0.001 of 1, not equal */
        char eq[2048];
        bp_model_equation(&b, &st, 200, 4, eq, sizeof eq);
        CHECK_CONTAINS(eq, "= 0.99");
        CHECK(!strstr(eq, "= 1 \xE2\x88\x92 1 ="));
        bp_model_free(&b);
    }
    free(w);
    bp_model_free(&a);
}

static void test_yours_mixed(void)
{
    BpModel m;
    char err[512] = "";
    bool ok = bp_model_build_net(&m, "mixed", mixed_net, "mixed.net", NULL, 0, NULL, 0, NULL, false,
                                 &digits, 3, 0.1f, 7, err, sizeof err);
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    /* every stepped value (and every shown engine result) equals the full backward */
    check_all_steps(&m);
    int stepped_grouped = 0, act = 0, avg = 0;
    bool other[NET_MAX_LAYERS] = {false};
    for (int p = 0; p < m.n_phases; p++) {
        const BpPhase *ph = &m.phases[p];
        const Layer *l = &m.net->spec.layers[ph->layer];
        if (ph->kind == BP_CONV_W && ph->layer == 3) {
            /* the grouped conv's kernel (4, C/G = 2, 3, 3), swept cell by cell: equal to the
             * engine's conv_backward's ∂L/∂K at every position */
            CHECK(ph->cells == 4 * 2 * 9);
            CHECK(ph->cells == l->n_w);
            for (long c = 0; c < ph->cells; c++)
                stepped_grouped += ph->val[c] == m.net->grads[l->w_off + c];
            /* and a finite difference agrees at a cell of the second group */
            BpStep st = bp_model_step(&m, ph->first + (int)((ph->cells - 1) / ph->chunk));
            GradCheckResult fd;
            float bp = 0.0f;
            CHECK(bp_model_fd(&m, &st, &fd, &bp));
            CHECK(fabsf(fd.fd - bp) <= BP_FD_ATOL + BP_FD_RTOL * fabsf(bp));
            char co[64];
            CHECK_STR_EQ("[3,1,2,2]", bp_model_cell_coords(&m, ph, ph->cells - 1, co, sizeof co));
        }
        if (ph->kind == BP_ACT)
            act++;
        if (ph->kind == BP_POOL && l->kind == LAYER_AVGPOOL)
            avg++;
        if (ph->kind == BP_OTHER) {
            other[ph->layer] = true;
            char why[512], cap[512];
            bp_model_other_reason(&m, ph, why, sizeof why);
            bp_model_phase_caption(&m, ph, cap, sizeof cap);
            CHECK_STR_EQ(why, cap);
            CHECK_CONTAINS(why, layer_kind_name(l->kind));
            CHECK_CONTAINS(why, "shown as the engine's result");
            /* the shown result is the engine's full input gradient */
            long n = 0;
            const float *res = bp_model_result(&m, ph, &n);
            CHECK(res == (ph->layer > 0 ? m.acts->grad[ph->layer - 1] : m.acts->dx));
            CHECK(n == shape_elems(l->in));
        }
    }
    CHECK_INT_EQ(4 * 2 * 9, stepped_grouped);
    CHECK_INT_EQ(5, act); /* leaky, tanh, abs, softplus, sigmoid: stepped with act_deriv */
    CHECK_INT_EQ(1, avg);
    /* the layers not stepped: batchnorm, lrn, deconv, l2pool; nothing else */
    int n_other = 0;
    for (int i = 0; i < NET_MAX_LAYERS; i++)
        n_other += other[i];
    CHECK_INT_EQ(4, n_other);
    CHECK(other[1] && other[6] && other[7] && other[10]);
    char why[512];
    for (int p = 0; p < m.n_phases; p++)
        if (m.phases[p].kind == BP_OTHER && m.phases[p].layer == 1)
            CHECK_CONTAINS(bp_model_other_reason(&m, &m.phases[p], why, sizeof why),
                           "batchnorm (evaluation mode)");
    /* the update of batchnorm's γ and of the grouped kernels: W − η·∂L/∂W */
    for (int p = 0; p < m.n_phases; p++) {
        const BpPhase *ph = &m.phases[p];
        if (ph->kind != BP_UPDATE)
            continue;
        const Layer *l = &m.net->spec.layers[ph->layer];
        long c = ph->cells - 1, off = l->b_off + (c - l->n_w);
        CHECK_NEAR(m.net->params[off] - m.lr * m.net->grads[off], ph->val[c], 1e-6);
    }
    /* training mode: batchnorm normalises with the example's own statistics; the steps still
     * equal the engine's full backward, the finite differences agree through the batchnorm, and
     * the sentence names the mode */
    float eval_dgamma = m.net->grads[m.net->spec.layers[1].w_off];
    bp_model_free(&m);
    ok = bp_model_build_net(&m, "mixed", mixed_net, "mixed.net", NULL, 0, NULL, 0, NULL, true,
                            &digits, 3, 0.1f, 7, err, sizeof err);
    CHECK(ok);
    if (ok) {
        CHECK(m.acts->training);
        check_all_steps(&m);
        CHECK(m.net->grads[m.net->spec.layers[1].w_off] != eval_dgamma);
        for (int p = 0; p < m.n_phases; p++) {
            if (m.phases[p].kind != BP_OTHER || m.phases[p].layer != 1)
                continue;
            CHECK_CONTAINS(bp_model_other_reason(&m, &m.phases[p], why, sizeof why),
                           "batchnorm (training mode): its gradient passes through the batch's "
                           "mean and variance");
            BpStep st = bp_model_step(&m, m.phases[p].first);
            GradCheckResult fd;
            float bp = 0.0f;
            CHECK(bp_model_fd(&m, &st, &fd, &bp));
            CHECK(fabsf(fd.fd - bp) <= BP_FD_ATOL + BP_FD_RTOL * fabsf(bp));
        }
    }
    bp_model_free(&m);

    /* nets the lab cannot take */
    CHECK(!bp_model_build_net(&m, "five", "input 1 8 8\nflatten\ndense 5\nsoftmax\n", "five.net",
                              NULL, 0, NULL, 0, NULL, false, &digits, 0, 0.1f, 1, err, sizeof err));
    CHECK_CONTAINS(err, "five.net: the lab needs 10 outputs");
    CHECK(!bp_model_build_net(&m, "wide", "input 1 100 100\nflatten\ndense 10\nsoftmax\n",
                              "wide.net", NULL, 0, NULL, 0, NULL, false, &digits, 0, 0.1f, 1, err,
                              sizeof err));
    CHECK_CONTAINS(err, "wide.net: the lab feeds a digit");
    CHECK(!bp_model_build_net(&m, "big",
                              "input 1 64 64\nconv 64 k=3 pad=1\nconv 64 k=3 pad=1\n"
                              "flatten\ndense 10\nsoftmax\n",
                              "big.net", NULL, 0, NULL, 0, NULL, false, &digits, 0, 0.1f, 1, err,
                              sizeof err));
    CHECK_CONTAINS(err, "big.net: too big to step through");
    CHECK(!bp_model_build_net(&m, "bad", "input 1 8 8\nconv\n", "bad.net", NULL, 0, NULL, 0, NULL,
                              false, &digits, 0, 0.1f, 1, err, sizeof err));
    CHECK_CONTAINS(err, "bad.net:2:");
    bp_model_free(&m);
}

/* The lab on "yours" follows the share: a new text rebuilds (and says so), new weights rebuild,
 * a net it cannot take keeps the previous scene with the reason. */
static void test_yours_follows_share(void)
{
    netshare_reset();
    char err[512] = "";
    const LabDef *lab = lab_find("backprop", NULL);
    CHECK(lab != NULL);
    if (!lab)
        return;
    BpLab *L = lab->create(err, sizeof err);
    CHECK(L != NULL);
    if (!L)
        return;
    BpModel ref;
    CHECK(bp_model_build(&ref, "lenet-tiny", &digits, 0, 0.1f, 1, err, sizeof err));
    CHECK(!lab->set_option(L, "bn", "sometimes", err, sizeof err));
    CHECK_CONTAINS(err, "bn=sometimes");
    CHECK(lab->set_option(L, "net", "yours", err, sizeof err));
    CHECK_INT_EQ(ref.steps, lab->timeline(L)->count);
    CHECK(L->m.loss == ref.loss);
    CHECK(!lab->update(L, 0.0)); /* nothing moved: no rebuild */
    CHECK_STR_EQ("", L->note);

    /* the Network lab publishes another net */
    CHECK(netshare_set_net(mixed_net, "mixed.net", "mixed", err, sizeof err));
    CHECK(lab->update(L, 0.0));
    CHECK_CONTAINS(L->note, "Rebuilt: your net changed in the Network lab");
    BpModel mixed;
    CHECK(bp_model_build_net(&mixed, "mixed", mixed_net, "mixed.net", NULL, 0, NULL, 0, NULL, false,
                             &digits, 0, 0.1f, 1, err, sizeof err));
    CHECK_INT_EQ(mixed.steps, lab->timeline(L)->count);
    CHECK(L->m.loss == mixed.loss);
    CHECK_STR_EQ("mixed", L->m.net_name);

    /* bn=train: the same net with its batchnorm in training mode, and back */
    CHECK(lab->set_option(L, "bn", "train", err, sizeof err));
    CHECK(L->m.acts->training);
    CHECK(L->m.loss != mixed.loss);
    CHECK(lab->set_option(L, "bn", "eval", err, sizeof err));
    CHECK(!L->m.acts->training);
    CHECK(L->m.loss == mixed.loss);

    /* the Train lab publishes weights for it */
    float *w = malloc((size_t)mixed.net->n_params * sizeof *w);
    memcpy(w, mixed.after->params, (size_t)mixed.net->n_params * sizeof *w);
    CHECK(netshare_set_weights(w, mixed.net->n_params, "Train lab, epoch 0.25"));
    CHECK(lab->update(L, 0.0));
    CHECK_CONTAINS(L->note, "new weights");
    CHECK_STR_EQ("Train lab, epoch 0.25", L->m.weights_from);
    CHECK_NEAR(mixed.loss_after, L->m.loss, 1e-6);
    free(w);

    /* a net the lab cannot take: refused, the previous scene kept */
    int count = lab->timeline(L)->count;
    CHECK(netshare_set_net("input 1 8 8\nflatten\ndense 5\nsoftmax\n", "five.net", "five", err,
                           sizeof err));
    CHECK(lab->update(L, 0.0));
    CHECK(L->ok);
    CHECK_CONTAINS(L->note, "Not shown: five.net: the lab needs 10 outputs");
    CHECK_CONTAINS(L->note, "previous scene is kept");
    CHECK_INT_EQ(count, lab->timeline(L)->count);
    CHECK_STR_EQ("mixed", L->m.net_name);
    CHECK(!lab->update(L, 0.0)); /* not retried every frame */

    /* asking for "yours" while the share holds such a net: an error, the scene kept */
    CHECK(lab->set_option(L, "net", "tiny", err, sizeof err));
    CHECK(!lab->set_option(L, "net", "yours", err, sizeof err));
    CHECK_CONTAINS(err, "five.net");
    CHECK_STR_EQ("tiny", L->net_name);
    CHECK_STR_EQ("tiny", L->m.net_name);
    bp_model_free(&mixed);
    bp_model_free(&ref);
    lab->destroy(L);
    netshare_reset();
}

/* ---- the lab in the app frame, drawn headless on the software renderer ---- */

static void frame(Harness *h)
{
    harness_frame(h, true, 0.0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* What the model hands the view (the names, the notes, the check's text, each phase's shown
 * values), on the tiny net and lenet-tiny's second convolution. */
static int phase_of(const BpModel *m, BpPhaseKind kind)
{
    for (int p = 0; p < m->n_phases; p++)
        if (m->phases[p].kind == kind)
            return p;
    return -1;
}

static void test_shown_and_texts(void)
{
    BpModel m;
    char err[512] = "", t[900], want[512];
    if (!bp_model_build(&m, "tiny", &digits, 0, 0.1f, 1, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        CHECK(false);
        return;
    }
    CHECK_STR_EQ("\xE2\x88\x82L/\xE2\x88\x82z\xE2\x82\x81", bp_model_grad_name(&m, 0, t, sizeof t));
    CHECK_STR_EQ("\xE2\x88\x82L/\xE2\x88\x82x", bp_model_grad_name(&m, -1, t, sizeof t));
    CHECK_STR_EQ("(2\xC3\x97"
                 "6\xC3\x97"
                 "6) ch 1",
                 bp_model_plane_shape(&m, 0, 1, t, sizeof t));
    CHECK_STR_EQ("(10)", bp_model_plane_shape(&m, 4, 0, t, sizeof t));
    CHECK_STR_EQ("(1\xC3\x97"
                 "8\xC3\x97"
                 "8)",
                 bp_model_plane_shape(&m, -1, 0, t, sizeof t));
    int px = phase_of(&m, BP_LOSS_XENT), pp = phase_of(&m, BP_POOL), pa = phase_of(&m, BP_ACT);
    int pw = phase_of(&m, BP_CONV_W), pd = phase_of(&m, BP_DENSE_W);
    CHECK(px == 0 && pp > 0 && pa > 0 && pw > 0 && pd > 0);
    if (px != 0 || pp < 0 || pa < 0 || pw < 0 || pd < 0) {
        bp_model_free(&m);
        return;
    }
    CHECK_STR_EQ("p \xE2\x88\x92 y at the softmax",
                 bp_model_phase_short(&m, &m.phases[px], t, sizeof t));
    CHECK_STR_EQ("max-pool routing", bp_model_phase_short(&m, &m.phases[pp], t, sizeof t));
    CHECK_STR_EQ("relu mask", bp_model_phase_short(&m, &m.phases[pa], t, sizeof t));
    CHECK_STR_EQ("\xE2\x88\x82L/\xE2\x88\x82K\xE2\x82\x81 sweep",
                 bp_model_phase_short(&m, &m.phases[pw], t, sizeof t));
    snprintf(want, sizeof want, "Forward pass done: digit #0 (label %d) gives L = %.4f.", m.label,
             (double)m.loss);
    CHECK_CONTAINS(bp_model_intro_caption(&m, t, sizeof t), want);

    /* p − y so far: after one entry its value, after all of them 0 */
    const BpPhase *xp = &m.phases[px];
    float v0 = xp->val[0];
    snprintf(want, sizeof want, "\xCE\xA3 so far = %s%.4f", v0 < 0.0f ? "\xE2\x88\x92" : "",
             fabs((double)v0));
    CHECK_STR_EQ(want, bp_model_loss_note(xp, 1, t, sizeof t));
    CHECK_STR_EQ("\xCE\xA3 so far = 0.0000  (p and y both sum to 1)",
                 bp_model_loss_note(xp, xp->cells, t, sizeof t));

    /* the values filled in so far: 3 of the 10, the rest of the mask cleared */
    float val[64];
    uint8_t mask[64];
    memset(mask, 7, sizeof mask);
    bp_model_shown(xp, 3, val, mask, 64);
    int bad = 0;
    for (int c = 0; c < 64; c++)
        bad += c < 10 ? (val[c] != xp->val[c] || mask[c] != (c < 3)) : mask[c] != 0;
    CHECK_INT_EQ(0, bad);

    /* max pooling, channel 0 all routed: each pooled gradient at its argmax, all cells shown;
     * nothing routed yet: every window's cells blank */
    const BpPhase *pph = &m.phases[pp];
    bp_model_pool_shown(&m, pph, 0, pph->cells, val, mask);
    float want_res[36] = {0};
    for (int c = 0; c < 9; c++)
        want_res[pph->route[c]] += pph->val[c];
    bad = 0;
    for (int k = 0; k < 36; k++)
        bad += val[k] != want_res[k] || mask[k] != 1;
    CHECK_INT_EQ(0, bad);
    bp_model_pool_shown(&m, pph, 0, 0, val, mask);
    bad = 0;
    for (int k = 0; k < 36; k++)
        bad += val[k] != 0.0f || mask[k] != 0;
    CHECK_INT_EQ(0, bad);

    /* ReLU's slope: 1 where the conv's output z > 0, else 0 */
    bp_model_act_slopes(&m, &m.phases[pa], 1, val, 64);
    bad = 0;
    for (int k = 0; k < 36; k++)
        bad += val[k] != (m.acts->out[0][36 + k] > 0.0f ? 1.0f : 0.0f);
    CHECK_INT_EQ(0, bad);

    /* ∂L/∂b = δ of the dense layer, rows 0 and 1 shown once two rows of W are */
    const Layer *dl = &m.net->spec.layers[m.phases[pd].layer];
    bp_model_dense_bias_shown(&m, &m.phases[pd], 2L * dl->in.c, val, mask);
    bad = 0;
    for (int o = 0; o < dl->units; o++)
        bad += val[o] != m.net->grads[dl->b_off + o] || mask[o] != (o < 2);
    CHECK_INT_EQ(0, bad);

    /* the check's text: the update's loss before and after; the step's finite differences */
    BpStep up = bp_model_step(&m, m.steps - 1);
    CHECK(bp_model_check_text(&m, &up, false, NULL, 0.0f, t, sizeof t));
    snprintf(want, sizeof want, "L: %.5f \xE2\x86\x92 %.5f", (double)m.loss, (double)m.loss_after);
    CHECK_CONTAINS(t, want);
    BpStep s0 = bp_model_step(&m, 0);
    GradCheckResult fd;
    float bp = 0.0f;
    CHECK(bp_model_fd(&m, &s0, &fd, &bp));
    CHECK(bp_model_check_text(&m, &s0, true, &fd, bp, t, sizeof t));
    CHECK_CONTAINS(t, "Finite differences, h = 0.001");
    CHECK_CONTAINS(t, "\xE2\x9C\x93 agree");
    CHECK(bp_model_check_text(&m, &s0, false, NULL, 0.0f, t, sizeof t));
    CHECK_STR_EQ("Finite-difference check\n(none for this step)", t);
    GradCheckResult off = {1e-3f, 0.5f, 0.501f, 0.499f, 1.0f, 1.0f, 1.0f};
    CHECK(!bp_model_check_text(&m, &s0, true, &off, -2.0f, t, sizeof t));
    CHECK_CONTAINS(t, "backprop \xE2\x88\x92"
                      "2.00000  \xE2\x9C\x97 disagree");
    bp_model_free(&m);

    /* lenet-tiny's second convolution (8x14x14 -> 16x10x10, 5x5): an input cell inside feeds
     * every output whose window covers it, in all 16 maps */
    if (!bp_model_build(&m, "lenet-tiny", &digits, 0, 0.1f, 1, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        CHECK(false);
        return;
    }
    int pc = phase_of(&m, BP_CONV_X);
    CHECK(pc >= 0);
    if (pc >= 0) {
        BpStep cs = bp_model_step(&m, m.phases[pc].first);
        const ConvGeom *g = &m.net->spec.layers[m.phases[pc].layer].conv;
        long plane = (long)g->h * g->w;
        int iy = (int)(cs.focus % plane / g->w), ix = (int)(cs.focus % g->w);
        int ny = 0, nx = 0;
        for (int oy = 0; oy < g->oh; oy++)
            ny += oy <= iy && iy < oy + g->kh;
        for (int ox = 0; ox < g->ow; ox++)
            nx += ox <= ix && ix < ox + g->kw;
        static ConvInputUse uses[BP_MAX_TERMS];
        int n = bp_model_conv_x_uses(&m, &cs, uses, BP_MAX_TERMS);
        CHECK_INT_EQ(g->o * ny * nx, n);
        CHECK(n > 0);
        bad = 0;
        for (int k = 0; k < n; k++)
            bad += !(uses[k].oy <= iy && iy < uses[k].oy + g->kh && uses[k].ox <= ix &&
                     ix < uses[k].ox + g->kw);
        CHECK_INT_EQ(0, bad);
    }
    bp_model_free(&m);
}

static void test_app_frame(void)
{
    Harness hh, *h = &hh;
    char err[512] = "";
    bool opened = harness_open(h, 1280, 800);
    CHECK(opened);
    if (!h->r || !h->app)
        return;
    int idx = -1;
    const LabDef *lab = lab_find("backprop", &idx);
    CHECK(lab != NULL && lab_is_built(lab));
    CHECK_INT_EQ(5, idx); /* tab 6 */
    CHECK(app_open_lab(h->app, idx));
    void *st = app_lab_state(h->app);
    CHECK(st != NULL);
    if (!st)
        return;
    Timeline *tl = lab->timeline(st);
    CHECK_INT_EQ(151, tl->count);
    CHECK_INT_EQ(0, tl->pos);

    /* options, and their errors naming the key */
    CHECK(lab->set_option(st, "digit", "3", err, sizeof err));
    CHECK(lab->set_option(st, "lr", "0.5", err, sizeof err));
    CHECK(!lab->set_option(st, "lr", "-1", err, sizeof err));
    CHECK_CONTAINS(err, "lr=-1");
    CHECK(!lab->set_option(st, "net", "vgg", err, sizeof err));
    CHECK_CONTAINS(err, "net=vgg");
    CHECK(!lab->set_option(st, "kernel", "3", err, sizeof err));
    CHECK_CONTAINS(err, "'kernel'");
    CHECK(lab->set_option(st, "net", "lenet-tiny", err, sizeof err));
    CHECK(lab->timeline(st)->count > 151);
    CHECK(lab->set_option(st, "net", "sse", err, sizeof err));
    CHECK_INT_EQ(161, lab->timeline(st)->count);
    CHECK(lab->set_option(st, "net", "tiny", err, sizeof err));
    CHECK(lab->set_option(st, "digit", "0", err, sizeof err));
    CHECK(lab->set_option(st, "lr", "0.1", err, sizeof err));
    tl = lab->timeline(st);
    CHECK_INT_EQ(151, tl->count);

    frame(h); /* lays the frame out */
    Rect stage = h->app->lay.stage, eq = h->app->lay.equation;
    /* step 0: the forward is done, nothing backward yet: no amber current cell in the grids,
     * the net strip has no amber box (the loss box is done) */
    timeline_seek(tl, 0);
    frame(h);
    Rect grids = {stage.x, stage.y + 100, stage.w, stage.h - 220};
    int amber0 = harness_count_color(h, grids, 0xffb000);
    /* step 5: the amber current cell on p, y and p − y, and the equation in amber */
    timeline_seek(tl, 5);
    frame(h);
    int amber5 = harness_count_color(h, grids, 0xffb000);
    CHECK(amber5 > amber0 + 3 * 4 * 30);
    CHECK(harness_count_color(h, eq, 0xffb000) > 50);
    CHECK(harness_count_color(h, stage, 0xff5d5d) == 0); /* no error panel */
    CHECK(harness_count_color(h, stage, 0x4cc9f0) == 0); /* no hover headless */
    /* the current cell moves with the step: the amber on the gradient row shifts right */
    Rect lower = {grids.x, grids.y + grids.h * 2 / 3, grids.w, grids.h / 3};
    int xa = -1, xb = -1;
    for (int pass = 0; pass < 2; pass++) {
        timeline_seek(tl, pass ? 8 : 5);
        frame(h);
        const uint32_t *p = h->s->pixels;
        int pitch = h->s->pitch / 4, right = -1;
        for (int y = lower.y; y < lower.y + lower.h; y++)
            for (int x = lower.x; x < lower.x + lower.w; x++)
                if ((p[y * pitch + x] & 0xffffff) == 0xffb000 && x > right)
                    right = x;
        *(pass ? &xb : &xa) = right;
    }
    CHECK(xa > 0 && xb > xa);
    /* every phase draws without an error panel, with amber, at 1280x800 */
    int starts[] = {1, 11, 21, 39, 40, 60, 130, 149, 150, 151};
    for (int k = 0; k < (int)(sizeof starts / sizeof starts[0]); k++) {
        timeline_seek(tl, starts[k]);
        frame(h);
        CHECK(harness_count_color(h, grids, 0xffb000) > 100);
        CHECK(harness_count_color(h, stage, 0xff5d5d) == 0);
    }

    /* the note beside p − y stays inside the stage (it used to run past the window's edge):
     * no text to the right of the grids' column at step 10, where Σ so far is written */
    timeline_seek(tl, 10);
    (void)grid_title_min_size(); /* resets it */
    frame(h);
    CHECK(grid_title_min_size() >= 14);
    {
        Rect right = {stage.x + stage.w * 82 / 100, grids.y, stage.w * 18 / 100 - 1, grids.h};
        const uint32_t *px = h->s->pixels;
        int pitch = h->s->pitch / 4, ink = 0;
        for (int y = right.y; y < right.y + right.h; y++)
            for (int x = right.x; x < right.x + right.w; x++) {
                uint32_t c = px[y * pitch + x] & 0xffffff;
                ink += ((c >> 16 & 0xff) + (c >> 8 & 0xff) + (c & 0xff)) > 3 * 120;
            }
        CHECK_INT_EQ(0, ink);
    }
    /* the sum-of-squares net: its first step is y − t, in the strip's equation */
    CHECK(lab->set_option(st, "net", "sse", err, sizeof err));
    tl = lab->timeline(st);
    timeline_seek(tl, 8);
    (void)grid_title_min_size();
    frame(h);
    CHECK(grid_title_min_size() >= 14);
    CHECK(harness_count_color(h, grids, 0xffb000) > 100);
    CHECK(lab->set_option(st, "net", "tiny", err, sizeof err));
    tl = lab->timeline(st);
    /* the H overlay's rows: D and N (and their shifted forms) are the lab's keys */
    CHECK_INT_EQ(4, lab_help_check(h->app, lab, st));
    CHECK(lab->set_option(st, "digit", "0", err, sizeof err));
    tl = lab->timeline(st);
    CHECK_INT_EQ(151, tl->count);

    /* frame time while stepping through the whole backward (software renderer) */
    static double ms[151];
    for (int f = 0; f < 151; f++) {
        timeline_seek(tl, f + 1);
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        frame(h);
        clock_gettime(CLOCK_MONOTONIC, &b);
        ms[f] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    }
    qsort(ms, 151, sizeof ms[0], cmp_double);
    printf("backprop frame at 1280x800: median %.2f ms, p99 %.2f ms, worst %.2f ms\n", ms[75],
           ms[149], ms[150]);
    /* generous: sanitizer builds are several times slower than release */
    CHECK(ms[149] < 100.0);

    /* lesson 14 beside its sidebar at 1280x800: the grids of every step keep their titles at
     * the body size (shapes go to a second line), steps 3-6 included */
    for (int k = 1; k <= 6; k++) {
        char lerr[512] = "";
        CHECK(lesson_host_open(h->app, CONVSCOPE_SOURCE_ROOT "/lessons/14-backprop.lesson", k, lerr,
                               sizeof lerr));
        frame(h);
        (void)grid_title_min_size();
        frame(h);
        int least = grid_title_min_size();
        if (least < 14)
            fprintf(stderr, "lesson 14 step %d: a grid title at %d px\n", k, least);
        CHECK(least >= 14);
    }
    lesson_host_close(h->app);

    /* your net with every layer kind: each phase's first step draws its current cell in amber
     * inside the stage (the not-stepped layers too: the focus in the engine's result) */
    CHECK(app_open_lab(h->app, idx));
    st = app_lab_state(h->app);
    CHECK(netshare_set_net(mixed_net, "mixed.net", "mixed", err, sizeof err));
    CHECK(lab->set_option(st, "net", "yours", err, sizeof err));
    BpLab *L = st;
    frame(h);
    stage = h->app->lay.stage;
    Rect below = {stage.x, stage.y + 100, stage.w, stage.h - 220};
    int dark = 0;
    for (int p = 0; p < L->m.n_phases; p++) {
        timeline_seek(lab->timeline(st), L->m.phases[p].first + 1);
        frame(h);
        int amber = harness_count_color(h, below, 0xffb000);
        if (amber == 0)
            fprintf(stderr, "mixed net, phase %d (kind %d): no amber cell\n", p,
                    L->m.phases[p].kind);
        dark += amber == 0;
    }
    CHECK_INT_EQ(0, dark);
    netshare_reset();

    harness_close(h);
}

/* 800x600, lenet-tiny (16 phases): the phase list is a window of readable rows around the
 * current phase (with its neighbours), never empty; the softmax phase's 10-vectors show their
 * values in their cells. */
static void test_small_window(void)
{
    Harness hh, *h = &hh;
    char err[512] = "";
    CHECK(harness_open(h, 800, 600));
    if (!h->r || !h->app)
        return;
    int idx = -1;
    const LabDef *lab = lab_find("backprop", &idx);
    CHECK(lab && app_open_lab(h->app, idx));
    BpLab *L = app_lab_state(h->app);
    CHECK(lab->set_option(L, "net", "lenet-tiny", err, sizeof err));
    CHECK(L->m.n_phases >= 16);
    Timeline *tl = lab->timeline(L);
    for (int p = 0; p < L->m.n_phases; p++) {
        timeline_seek(tl, L->m.phases[p].first + 1);
        frame(h);
        /* the current phase and both neighbours are rows of the list (not its end markers) */
        int lo = p > 0 ? p - 1 : p, hi = p + 1 < L->m.n_phases ? p + 1 : p;
        bool in = L->phase_shown >= 5 && lo >= L->phase_first + (L->phase_first > 0) &&
                  hi < L->phase_first + L->phase_shown -
                           (L->phase_first + L->phase_shown < L->m.n_phases);
        if (!in)
            fprintf(stderr, "phase %d: the list shows %d from %d\n", p, L->phase_shown,
                    L->phase_first);
        CHECK(in);
    }
    CHECK(L->phase_shown < L->m.n_phases); /* 800x600 cannot hold 16 readable rows */
    /* the softmax phase: p, y and the gradient with values in their cells */
    timeline_seek(tl, L->m.phases[0].first + 1);
    frame(h);
    int with_values = 0;
    for (int i = 0; i < L->n_hov; i++)
        with_values += L->hov[i].vector && L->hov[i].lay.value_size > 0;
    CHECK_INT_EQ(3, with_values);
    harness_close(h);
}

int main(void)
{
    char dir[1024], err[512];
    assets_path(dir, sizeof dir, "assets/digits");
    if (!dataset_load(&digits, dir, DATASET_TEST, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        CHECK(false);
        return test_summary();
    }
    test_tiny();
    test_sse();
    test_errors_and_lenet();
    test_shown_and_texts();
    test_yours_lenet();
    test_loss_near_target();
    test_yours_mixed();
    test_yours_follows_share();
    dataset_free(&digits);
    if (SDL_Init(0) != 0)
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
    test_app_frame();
    test_small_window();
    SDL_Quit();
    return test_summary();
}
