/* test_optim.c - SGD with momentum and Adam against values computed by hand with PyTorch's
 * update rules (torch.optim.SGD / torch.optim.Adam, default settings). */
#include "engine/optim.h"
#include "test.h"

int main(void)
{
    /* SGD, lr 0.1, momentum 0.9, constant gradient g = 2 on w = 1:
     * step 1: v = 2, w = 1 - 0.2 = 0.8; step 2: v = 0.9*2 + 2 = 3.8, w = 0.8 - 0.38 = 0.42;
     * step 3: v = 0.9*3.8 + 2 = 5.42, w = 0.42 - 0.542 = -0.122 */
    Optim *sgd = optim_create_sgd(2, 0.1f, 0.9f);
    float w[2] = {1.0f, -1.0f}, g[2] = {2.0f, 0.0f};
    optim_step(sgd, w, g);
    CHECK_NEAR(0.8, w[0], 1e-6);
    optim_step(sgd, w, g);
    CHECK_NEAR(0.42, w[0], 1e-6);
    optim_step(sgd, w, g);
    CHECK_NEAR(-0.122, w[0], 1e-6);
    CHECK_NEAR(-1.0, w[1], 0.0);
    CHECK_INT_EQ(3, sgd->t);
    /* plain SGD (momentum 0): w -= lr*g */
    sgd->momentum = 0.0f;
    optim_reset(sgd);
    w[0] = 1.0f;
    optim_step(sgd, w, g);
    optim_step(sgd, w, g);
    CHECK_NEAR(0.6, w[0], 1e-6);
    CHECK_STR_EQ("sgd", optim_name(sgd->kind));
    optim_destroy(sgd);

    /* Adam, lr 0.1: the first step moves every weight by lr*sign(g) (up to eps):
     * m = 0.1 g, v = 0.001 g^2, m/(1-0.9) / (sqrt(v)/sqrt(1-0.999)) = g/|g| */
    Optim *adam = optim_create_adam(3, 0.1f);
    float wa[3] = {0.5f, 0.5f, 0.5f}, ga[3] = {3.0f, -0.01f, 0.0f};
    optim_step(adam, wa, ga);
    CHECK_NEAR(0.4, wa[0], 1e-6);
    CHECK_NEAR(0.6, wa[1], 1e-5);
    CHECK_NEAR(0.5, wa[2], 0.0);
    /* step 2 with g = (1, ...): m = 0.9*0.3 + 0.1*1 = 0.37, v = 0.999*0.009 + 0.001*1 =
     * 0.009991; w -= 0.1/(1-0.81) * 0.37 / (sqrt(0.009991)/sqrt(1-0.998001) + 1e-8) */
    ga[0] = 1.0f;
    optim_step(adam, wa, ga);
    double expect = 0.4 - 0.1 / (1 - 0.81) * 0.37 / (sqrt(0.009991) / sqrt(1 - 0.998001) + 1e-8);
    CHECK_NEAR(expect, wa[0], 1e-6);
    CHECK_STR_EQ("adam", optim_name(adam->kind));
    /* reset: the next step is a first step again */
    optim_reset(adam);
    wa[0] = 0.0f;
    optim_step(adam, wa, ga);
    CHECK_NEAR(-0.1, wa[0], 1e-6);
    optim_destroy(adam);
    return test_summary();
}
