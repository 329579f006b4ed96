/* test_netshare.c - the learner's net shared by the labs: starts as lenet-tiny, refuses text
 * the parser refuses with the parser's message, bumps its generation only on a real change,
 * takes weights only of the right count, forgets them with a new net. */
#include "labs/common/netshare.h"

#include "test.h"

#include <stdlib.h>
#include <string.h>

static const char *mlp = "input 1 28 28\nflatten\ndense 32\nrelu\ndense 10\nsoftmax\n";

int main(void)
{
    const NetShare *s = netshare_get();
    CHECK_STR_EQ("lenet-tiny", s->name);
    CHECK_INT_EQ(1, (int)s->net_gen);
    CHECK_INT_EQ(0, (int)s->weights_gen);
    CHECK(s->weights == NULL);
    NetSpec spec;
    char err[512];
    CHECK(net_parse(&spec, s->text, s->file, err, sizeof err));
    CHECK_INT_EQ(7434, (int)spec.n_params);

    /* refused: the parser's own words, nothing changes */
    CHECK(!netshare_set_net("input 1 5 5\nconv 2 k=7\n", "bad.net", "bad", err, sizeof err));
    CHECK_CONTAINS(err, "bad.net:2: conv k=7 on input 1x5x5");
    CHECK_CONTAINS(err, "= -1 (height)");
    CHECK_INT_EQ(1, (int)s->net_gen);
    CHECK_STR_EQ("lenet-tiny", s->name);

    /* the same text again: no new generation */
    char same[NET_MAX_TEXT + 1];
    snprintf(same, sizeof same, "%s", s->text);
    CHECK(netshare_set_net(same, "lenet-tiny.net", "lenet-tiny", err, sizeof err));
    CHECK_INT_EQ(1, (int)s->net_gen);

    /* weights: only the parameter count of the current text (7434) */
    float *w = calloc(7434, sizeof *w);
    w[0] = 0.5f, w[7433] = -2.0f;
    CHECK(!netshare_set_weights(w, 7433, "short"));
    CHECK_INT_EQ(0, (int)s->weights_gen);
    CHECK(netshare_set_weights(w, 7434, "Train lab, epoch 1.00"));
    CHECK_INT_EQ(1, (int)s->weights_gen);
    CHECK_INT_EQ(7434, (int)s->n_weights);
    CHECK_NEAR(-2.0, s->weights[7433], 0.0);
    CHECK_STR_EQ("Train lab, epoch 1.00", s->weights_from);

    /* a new net: generation 2, the weights forgotten (their generation never goes back) */
    CHECK(netshare_set_net(mlp, "mlp.net", "mlp", err, sizeof err));
    CHECK_INT_EQ(2, (int)s->net_gen);
    CHECK(s->weights == NULL);
    CHECK_INT_EQ(0, (int)s->n_weights);
    CHECK_INT_EQ(1, (int)s->weights_gen);
    CHECK_STR_EQ("mlp", s->name);
    CHECK_STR_EQ(mlp, s->text);
    CHECK(!netshare_set_weights(w, 7434, "lenet weights on the mlp"));
    /* 784*32 + 32 + 32*10 + 10 = 25450 */
    float *w2 = calloc(25450, sizeof *w2);
    CHECK(netshare_set_weights(w2, 25450, "test"));
    CHECK_INT_EQ(2, (int)s->weights_gen);

    netshare_reset();
    CHECK_STR_EQ("lenet-tiny", s->name);
    CHECK_INT_EQ(1, (int)s->net_gen);
    CHECK(s->weights == NULL);
    free(w);
    free(w2);
    netshare_reset();
    return test_summary();
}
