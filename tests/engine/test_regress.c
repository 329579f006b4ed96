/* test_regress.c - regressions found by the acceptance tests (tests/torch/fuzz_dump.py against
 * PyTorch, the libFuzzer harnesses of tests/fuzz): each case is an input that once went wrong,
 * with the value it must give now. */
#include "engine/net.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERR_SIZE 512
static char *err;

/* PyTorch's ConvTranspose2d accepts an output padding smaller than the stride OR the dilation;
 * the parser used to refuse every outpad >= stride, so "deconv 1 k=2 dilation=2 outpad=1" (a
 * valid PyTorch layer) was rejected. Hand example: one input pixel x = 2 stamps the dilated
 * kernel w = [1 2; 3 4] at rows/columns 0 and 2 of a (1-1)*1 + 2*(2-1) + 1 + 1 = 4 wide
 * output; row 3 and column 3 are the output padding, reached by no tap: bias only. */
static void test_deconv_outpad_below_dilation(void)
{
    Net *net =
        net_create("input 1 1 1\ndeconv 1 k=2 dilation=2 outpad=1\n", "t.net", 1, err, ERR_SIZE);
    CHECK(net != NULL);
    if (!net) {
        printf("%s\n", err);
        return;
    }
    const Layer *l = &net->spec.layers[0];
    CHECK_INT_EQ(4, l->out.h);
    CHECK_INT_EQ(4, l->out.w);
    const float w[4] = {1.0f, 2.0f, 3.0f, 4.0f}; /* (C=1, O=1, 2, 2) */
    memcpy(net_weights(net, 0), w, sizeof w);
    net_bias(net, 0)[0] = 0.5f;
    NetActs *a = net_acts_create(net, 1);
    const float x = 2.0f; /* (1, 1, 1) */
    net_forward(net, a, &x, 1);
    const float want[16] = {
        2.5f, 0.5f, 4.5f, 0.5f, /* */
        0.5f, 0.5f, 0.5f, 0.5f, /* */
        6.5f, 0.5f, 8.5f, 0.5f, /* */
        0.5f, 0.5f, 0.5f, 0.5f, /* row 3: output padding */
    };
    CHECK_TENSOR_NEAR(want, a->out[0], 16, 0.0, 0.0);
    net_acts_destroy(a);
    net_destroy(net);

    /* per axis: outpad must be below stride or dilation on each axis */
    NetSpec spec;
    CHECK(net_parse(&spec, "input 1 3 3\ndeconv 1 k=2 stride=2,1 dilation=1,3 outpad=1,2\n",
                    "t.net", err, ERR_SIZE));
    CHECK(!net_parse(&spec, "input 1 3 3\ndeconv 1 k=2 stride=2,1 dilation=1,3 outpad=2,2\n",
                     "t.net", err, ERR_SIZE));
    CHECK_CONTAINS(err, "t.net:2: deconv outpad=2,2 is not smaller than stride=2,1 or "
                        "dilation=1,3");
}

int main(void)
{
    err = calloc(ERR_SIZE, 1);
    test_deconv_outpad_below_dilation();
    free(err);
    return test_summary();
}
