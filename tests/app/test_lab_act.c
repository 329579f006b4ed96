/* test_lab_act.c - the Activations lab's scene: plotted samples are the engine's values, the
 * 0.25^k table, the chain through stacked sigmoids, and the feature maps before/after. */
#include "app/lab_act_model.h"
#include "engine/conv.h"
#include "test.h"

static void test_samples_equal_engine(void)
{
    ActScene s;
    actscene_init(&s);
    int bad = 0, checked = 0;
    for (int kind = 0; kind < ACTLAB_KINDS; kind++) {
        s.kind = (ActKind)kind;
        actscene_rebuild(&s);
        float p = actscene_param(&s);
        for (int i = 0; i < ACTLAB_SAMPLES; i++) {
            bad += s.fy[i] != act_value(s.kind, p, s.xs[i]);
            bad += s.dy[i] != act_deriv(s.kind, p, s.xs[i]);
            checked++;
        }
    }
    CHECK_INT_EQ(0, bad);
    CHECK_INT_EQ(6 * ACTLAB_SAMPLES, checked);
    /* the samples span [-4, 4] every 0.025 and hit 0 */
    CHECK_NEAR(-4.0f, s.xs[0], 0.0);
    CHECK_NEAR(4.0f, s.xs[ACTLAB_SAMPLES - 1], 0.0);
    CHECK_NEAR(0.0f, s.xs[160], 1e-6);
    CHECK_NEAR(0.025f, s.xs[161] - s.xs[160], 1e-6);
}

/* Values at the probe, against hand-computed numbers. */
static void test_probe_values(void)
{
    ActScene s;
    actscene_init(&s);
    s.probe = 1.5f;
    s.kind = ACT_SIGMOID;
    actscene_rebuild(&s);
    /* s(1.5) = 1/(1+e^-1.5) = 0.8175745, s' = s(1-s) = 0.1491465 */
    CHECK_NEAR(0.8175745f, s.probe_value, 1e-6);
    CHECK_NEAR(0.1491465f, s.probe_deriv, 1e-6);
    s.kind = ACT_TANH;
    actscene_rebuild(&s);
    /* tanh(1.5) = 0.9051483, 1 - tanh^2 = 0.1807066 */
    CHECK_NEAR(0.9051483f, s.probe_value, 1e-6);
    CHECK_NEAR(0.1807066f, s.probe_deriv, 1e-6);
    s.kind = ACT_LEAKY;
    s.probe = -2.0f;
    actscene_rebuild(&s);
    CHECK_NEAR(-0.2f, s.probe_value, 1e-7);
    CHECK_NEAR(0.1f, s.probe_deriv, 1e-7);
    s.kind = ACT_SOFTPLUS;
    s.probe = 0.0f;
    actscene_rebuild(&s);
    /* ln 2 and 1/2 at 0 */
    CHECK_NEAR(0.6931472f, s.probe_value, 1e-6);
    CHECK_NEAR(0.5f, s.probe_deriv, 1e-7);
    s.beta = 4.0f;
    s.probe = 1.0f;
    actscene_rebuild(&s);
    /* ln(1 + e^4)/4 = 1.0045375, slope 1/(1+e^-4) = 0.9820138: sharper, closer to relu */
    CHECK_NEAR(1.0045375f, s.probe_value, 1e-5);
    CHECK_NEAR(0.9820138f, s.probe_deriv, 1e-6);
    s.kind = ACT_ABS;
    s.probe = -3.0f;
    actscene_rebuild(&s);
    CHECK_NEAR(3.0f, s.probe_value, 0.0);
    CHECK_NEAR(-1.0f, s.probe_deriv, 0.0);
    s.kind = ACT_RELU;
    s.probe = 0.0f;
    actscene_rebuild(&s);
    CHECK_NEAR(0.0f, s.probe_deriv, 0.0); /* the convention at exactly 0 */
    /* the probe is clamped to the plot */
    s.probe = 9.0f;
    actscene_update_probe(&s);
    CHECK_NEAR(4.0f, s.probe, 0.0);
}

static void test_vanishing(void)
{
    ActScene s;
    actscene_init(&s);
    actscene_rebuild(&s);
    /* 0.25^k for k = 1..10: exact in float (powers of two) */
    const float expected[10] = {0.25f,         0.0625f,         0.015625f,     0.00390625f,
                                0.0009765625f, 0.000244140625f, 6.103515625e-05f,
                                1.52587890625e-05f, 3.814697265625e-06f, 9.5367431640625e-07f};
    CHECK_TENSOR_NEAR(expected, s.bound, 10, 0.0, 0.0);
    /* through real stacked sigmoids the inputs drift off 0, so the product is smaller still:
     * s'(0) = 0.25, then s'(s(0)) = s'(0.5) = 0.2350037 */
    CHECK_NEAR(0.25f, s.chain[0], 1e-7);
    CHECK_NEAR(0.25f * 0.2350037f, s.chain[1], 1e-7);
    int above = 0;
    for (int probe10 = -40; probe10 <= 40; probe10 += 5) {
        s.probe = (float)probe10 / 10.0f;
        actscene_update_probe(&s);
        for (int j = 0; j < ACTLAB_MAX_K; j++)
            above += s.chain[j] > s.bound[j] * (1.0f + 1e-6f);
    }
    CHECK_INT_EQ(0, above);
    CHECK_NEAR(10.0f, s.ks[9], 0.0);
}

static void test_feature_map(void)
{
    ActScene s;
    actscene_init(&s);
    float digit[ACTLAB_MAP * ACTLAB_MAP];
    /* a vertical bar at columns 12..15 */
    for (int r = 0; r < ACTLAB_MAP; r++)
        for (int c = 0; c < ACTLAB_MAP; c++)
            digit[r * ACTLAB_MAP + c] = (r >= 4 && r < 24 && c >= 12 && c < 16) ? 1.0f : 0.0f;
    actscene_set_digit(&s, digit, 1, 5);
    s.kind = ACT_RELU;
    actscene_rebuild(&s);
    /* Sobel x [1 0 -1; 2 0 -2; 1 0 -1] on the bar's left edge: column 11 sees 0 on its left
     * and 1 on its right: z = -(1 + 2 + 1) = -4; the right edge column 16 gives +4 */
    CHECK_NEAR(-4.0f, s.z[10 * ACTLAB_MAP + 11], 1e-6);
    CHECK_NEAR(4.0f, s.z[10 * ACTLAB_MAP + 16], 1e-6);
    CHECK_NEAR(0.0f, s.fz[10 * ACTLAB_MAP + 11], 0.0);
    CHECK_NEAR(4.0f, s.fz[10 * ACTLAB_MAP + 16], 0.0);
    CHECK_NEAR(0.0f, s.dz[10 * ACTLAB_MAP + 11], 0.0);
    CHECK_NEAR(1.0f, s.dz[10 * ACTLAB_MAP + 16], 0.0);
    CHECK_NEAR(-4.0f, s.z_min, 1e-6);
    CHECK_NEAR(4.0f, s.z_max, 1e-6);
    CHECK(s.z_negative > 0);
    /* against the engine directly */
    ConvGeom g = {.n = 1, .c = 1, .h = 28, .w = 28, .o = 1, .kh = 3, .kw = 3, .sh = 1, .sw = 1,
                  .pt = 1, .pb = 1, .pl = 1, .pr = 1, .dh = 1, .dw = 1};
    CHECK(conv_geom_finish(&g));
    float z[28 * 28], f[28 * 28];
    conv_forward(z, digit, s.kernel, NULL, &g);
    CHECK_TENSOR_NEAR(z, s.z, 28 * 28, 0.0, 0.0);
    s.kind = ACT_TANH;
    actscene_rebuild(&s);
    act_forward(f, z, 28 * 28, ACT_TANH, 0.0f);
    CHECK_TENSOR_NEAR(f, s.fz, 28 * 28, 0.0, 0.0);
}

static void test_names_and_steps(void)
{
    ActKind k;
    CHECK(actscene_kind_find("softplus", &k) && k == ACT_SOFTPLUS);
    CHECK(actscene_kind_find("Leaky", &k) && k == ACT_LEAKY);
    CHECK(!actscene_kind_find("gelu", &k));
    CHECK_STR_EQ("abs", actscene_kind_name(ACT_ABS));
    CHECK_NEAR(-4.0f, actscene_probe_at(0), 0.0);
    CHECK_NEAR(0.0f, actscene_probe_at(40), 1e-6);
    CHECK_NEAR(1.5f, actscene_probe_at(55), 1e-6);
    CHECK_INT_EQ(55, actscene_step_of(1.5f));
    CHECK_INT_EQ(80, actscene_step_of(7.0f));
    float lo, hi;
    actscene_y_range(ACT_SIGMOID, &lo, &hi);
    CHECK(lo < 0.0f && hi > 1.0f);
}

int main(void)
{
    test_samples_equal_engine();
    test_probe_values();
    test_vanishing();
    test_feature_map();
    test_names_and_steps();
    return test_summary();
}
