/* test_act_model.c - the Activations lab's model without a window: the numbers written out
 * (significant digits, fixed decimals without a negative zero, superscripts), the equation
 * strip's, table's and tooltip's lines for the sigmoid at x = 0 (f = 1/2, f' = 1/4, bound
 * 0.25^k), the chain through stacked sigmoids against a product computed here, and the
 * scene's options with their messages. Links the model and the engine only. */
#include "labs/act/model.h"
#include "test.h"

#include <math.h>
#include <string.h>

static void test_formatting(void)
{
    char b[64];
    CHECK_STR_EQ("0", actscene_sig4(0.0f, b, sizeof b));
    CHECK_STR_EQ("0.25", actscene_sig4(0.25f, b, sizeof b));
    CHECK_STR_EQ("−0.5", actscene_sig4(-0.5f, b, sizeof b));
    CHECK_STR_EQ("0.0625", actscene_sig4(0.0625f, b, sizeof b));
    /* 0.25^10 = 9.5367431640625e-7 */
    CHECK_STR_EQ("9.537e−7", actscene_sig4(9.5367431640625e-7f, b, sizeof b));
    CHECK_STR_EQ("−1.000e−3", actscene_sig4(-0.001f, b, sizeof b));
    CHECK_STR_EQ("0.50", actscene_fixed2(0.5f, b, sizeof b));
    CHECK_STR_EQ("−0.50", actscene_fixed2(-0.5f, b, sizeof b));
    /* a value that rounds to zero is written without a sign */
    CHECK_STR_EQ("0.00", actscene_fixed2(-0.001f, b, sizeof b));
    CHECK_STR_EQ("0.0000", actscene_fixed4(-0.00001f, b, sizeof b));
    CHECK_STR_EQ("−0.0001", actscene_fixed4(-0.0001f, b, sizeof b));
    CHECK_STR_EQ("0.2500", actscene_fixed4(0.24999f, b, sizeof b));
    CHECK_STR_EQ("¹⁰", actscene_superscript(10, b, sizeof b));
    CHECK_STR_EQ("⁰", actscene_superscript(0, b, sizeof b));
    CHECK_STR_EQ("³", actscene_superscript(3, b, sizeof b));
}

/* The default scene: the sigmoid, the probe at 0, k = 10, a blank digit (so z = 0 everywhere). */
static void test_sigmoid_lines(void)
{
    static ActScene s;
    actscene_init(&s);
    actscene_rebuild(&s);
    char line[256];
    CHECK_STR_EQ("sigmoid(0.00) = 0.5000    sigmoid′(0.00) = 0.2500",
                 actscene_probe_line(&s, false, line, sizeof line));
    CHECK_STR_EQ("sigmoid(0.00) = 0.5000   f′ = 0.2500",
                 actscene_probe_line(&s, true, line, sizeof line));
    char base[16];
    CHECK_STR_EQ("0.25", actscene_bound_base(&s, base, sizeof base));

    /* the chain from x = 0 through 10 sigmoids: a_0 = 0, a_i = f(a_{i-1}), f'(a) = f(a)(1 - f(a))
     */
    double a = 0.0, chain = 1.0;
    for (int j = 0; j < 10; j++) {
        double f = 1.0 / (1.0 + exp(-a));
        chain *= f * (1.0 - f);
        a = f;
    }
    CHECK_NEAR(chain, s.chain[9], 1e-6 * chain);
    CHECK_NEAR(pow(0.25, 10), s.bound[9], 1e-12);
    char want_sig[32];
    actscene_sig4((float)chain, want_sig, sizeof want_sig);
    char want[256];
    snprintf(want, sizeof want, "k = 10 sigmoid: ∂out/∂in ≤ 0.25¹⁰ = 9.537e−7;  from x: %s",
             want_sig);
    CHECK_STR_EQ(want, actscene_stack_line(&s, false, line, sizeof line));
    snprintf(want, sizeof want, "0.25¹⁰ = 9.537e−7;  from x: %s", want_sig);
    CHECK_STR_EQ(want, actscene_stack_line(&s, true, line, sizeof line));
    /* row 1 of the table: the bound and the chain of one sigmoid at 0 are both f'(0) = 0.25 */
    CHECK_STR_EQ(" 1  0.25       0.25", actscene_stack_row(&s, 0, line, sizeof line));

    /* a blank digit convolved is 0 everywhere: sigmoid(0) = 0.5, sigmoid'(0) = 0.25 */
    char tip[256];
    CHECK_STR_EQ("row 1, col 2\nz = 0.0000\nsigmoid(z) = 0.5000\nsigmoid′(z) = 0.2500",
                 actscene_cell_text(&s, 30, tip, sizeof tip));
}

static void test_options(void)
{
    static ActScene s;
    actscene_init(&s);
    char err[256] = "";
    CHECK(actscene_set_option(&s, "function", "tanh", err, sizeof err));
    CHECK_INT_EQ(ACT_TANH, s.kind);
    CHECK(actscene_set_option(&s, "preset", "relu", err, sizeof err));
    CHECK_INT_EQ(ACT_RELU, s.kind);
    CHECK(actscene_set_option(&s, "x", "-1.5", err, sizeof err));
    CHECK_NEAR(-1.5f, s.probe, 0.0);
    CHECK(actscene_set_option(&s, "k", "3", err, sizeof err));
    CHECK_INT_EQ(3, s.k);
    CHECK(actscene_set_option(&s, "beta", "2", err, sizeof err));
    CHECK_NEAR(2.0f, s.beta, 0.0);

    CHECK(!actscene_set_option(&s, "k", "3.5", err, sizeof err));
    CHECK_STR_EQ("activations: k=3.5 is not allowed (an integer 1..10)", err);
    CHECK(!actscene_set_option(&s, "alpha", "2", err, sizeof err));
    CHECK_STR_EQ("activations: alpha=2 is not allowed (a number 0..1)", err);
    CHECK(!actscene_set_option(&s, "probe", "", err, sizeof err));
    CHECK_STR_EQ("activations: probe= is not allowed (a number -4..4)", err);
    /* kernels are the view's (it knows the offered ones): to the model it is no function */
    CHECK(!actscene_set_option(&s, "preset", "sobel-x", err, sizeof err));
    CHECK_STR_EQ("activations: preset=sobel-x is unknown (relu, leaky, sigmoid, tanh, abs, "
                 "softplus)",
                 err);
    CHECK(!actscene_set_option(&s, "zoom", "1", err, sizeof err));
    CHECK_STR_EQ("activations: unknown option 'zoom' (function, probe, k, alpha, beta, digit, "
                 "kernel, step)",
                 err);
    /* nothing changed by the refusals */
    CHECK_INT_EQ(ACT_RELU, s.kind);
    CHECK_INT_EQ(3, s.k);
    CHECK_NEAR(-1.5f, s.probe, 0.0);
    CHECK_NEAR(0.1f, s.alpha, 0.0);

    const char *const *labels = actscene_kind_labels();
    for (int k = 0; k < ACTLAB_KINDS; k++)
        CHECK_STR_EQ(actscene_kind_label((ActKind)k), labels[k]);
    CHECK_STR_EQ("abs |x|", labels[ACT_ABS]);
}

int main(void)
{
    test_formatting();
    test_sigmoid_lines();
    test_options();
    return test_summary();
}
