/* test_net.c - the net-file parser (shapes, parameter counts of the notes, every mistake with
 * its exact message and line), forward/backward against finite differences on a net using
 * every layer kind (grouped conv and batchnorm in training and evaluation mode too), the
 * net's mode and running statistics, and a tiny deterministic training run whose loss falls. */
#include "engine/assets.h"
#include "engine/net.h"
#include "engine/optim.h"
#include "engine/rng.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

/* on the heap, so the compiler does not size-check messages against CHECK_STR_EQ's buffer */
#define ERR_SIZE 512
static char *err;

/* Parses text as "t.net"; returns the spec (static) or NULL with err set. */
static const NetSpec *parse(const char *text)
{
    static NetSpec spec;
    return net_parse(&spec, text, "t.net", err, ERR_SIZE) ? &spec : NULL;
}

/* Parses text, which must fail, and returns the message. */
static const char *parse_error(const char *text)
{
    NetSpec spec;
    if (net_parse(&spec, text, "t.net", err, ERR_SIZE))
        return "(parsed without error)";
    return err;
}

static long total_params(const char *text)
{
    const NetSpec *s = parse(text);
    return s ? s->n_params : -1;
}

static void test_lenet_tiny(void)
{
    char path[1024], buf[128];
    CHECK(assets_path(path, sizeof path, "assets/nets/lenet-tiny.net"));
    Net *net = net_load(path, 1, err, ERR_SIZE);
    CHECK(net != NULL);
    if (!net) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    const NetSpec *s = &net->spec;
    CHECK_INT_EQ(9, s->n_layers);
    CHECK(s->xent);
    static const char *shapes[] = {"8x28x28", "8x28x28", "8x14x14", "16x10x10", "16x10x10",
                                   "16x5x5",  "400",     "10",      "10"};
    static const char *kinds[] = {"conv",    "relu",    "maxpool", "conv",   "relu",
                                  "maxpool", "flatten", "dense",   "softmax"};
    for (int i = 0; i < 9 && i < s->n_layers; i++) {
        CHECK_STR_EQ(shapes[i], shape_format(s->layers[i].out, buf, sizeof buf));
        CHECK_STR_EQ(kinds[i], layer_kind_name(s->layers[i].kind));
    }
    CHECK_STR_EQ("8x1x5x5 + 8 = 208", layer_param_formula(&s->layers[0], buf, sizeof buf));
    CHECK_STR_EQ("16x8x5x5 + 16 = 3216", layer_param_formula(&s->layers[3], buf, sizeof buf));
    CHECK_STR_EQ("10x400 + 10 = 4010", layer_param_formula(&s->layers[7], buf, sizeof buf));
    CHECK_STR_EQ("0", layer_param_formula(&s->layers[2], buf, sizeof buf));
    CHECK_INT_EQ(208 + 3216 + 4010, net->n_params);
    CHECK_STR_EQ("conv 8 k=5 pad=2", layer_format(&s->layers[0], buf, sizeof buf));
    CHECK_STR_EQ("maxpool k=2", layer_format(&s->layers[2], buf, sizeof buf));
    CHECK_STR_EQ("dense 10", layer_format(&s->layers[7], buf, sizeof buf));
    /* the views are consecutive in the flat buffer: W0, b0, W3, b3, W7, b7 */
    CHECK_INT_EQ(0, s->layers[0].w_off);
    CHECK_INT_EQ(200, s->layers[0].b_off);
    CHECK_INT_EQ(208, s->layers[3].w_off);
    CHECK(net_weights(net, 3) == net->params + 208);
    CHECK(net_dbias(net, 7) == net->grads + 208 + 3216 + 4000);
    CHECK(net_weights(net, 1) == NULL);
    net_destroy(net);
}

/* The parameter counts of the lecture notes, through the parser. */
static void test_notes_counts(void)
{
    /* one 5x5 feature map: 25 + 1 = 26; on RGB 25+25+25+1 = 76; on 2 maps 5x5x2 + 1 = 51 */
    CHECK_INT_EQ(26, total_params("input 1 28 28\nconv 1 k=5\n"));
    CHECK_INT_EQ(76, total_params("input 3 32 32\nconv 1 k=5\n"));
    CHECK_INT_EQ(51, total_params("input 2 10 10\nconv 1 k=5\n"));
    /* n feature maps of 51 weights each: 51*n */
    CHECK_INT_EQ(51 * 7, total_params("input 2 10 10\nconv 7 k=5\n"));
    /* the FC layer (18914, 4096), 18914 = 7*7*386: (18914 + 1) x 4096 = 77,475,840; the notes
     * print 77,480,640, an arithmetic slip (18915 x 4096 is 77,475,840) */
    CHECK_INT_EQ(18915L * 4096, total_params("input 386 7 7\nflatten\ndense 4096\n"));
    CHECK_INT_EQ(77475840, total_params("input 386 7 7\nflatten\ndense 4096\n"));
    /* the FC layer (4096, 1000): (4096 + 1) x 1000 = 4,097,000 */
    CHECK_INT_EQ(4097000, total_params("input 4096 1 1\nflatten\ndense 1000\n"));
    /* the same layers as convolutions (the notes count weights only, without biases) */
    const NetSpec *s = parse("input 386 7 7\nconv 386 k=7\nconv 4096 k=1\nconv 1000 k=1\n");
    CHECK(s != NULL);
    if (s) {
        /* 7x7x386x386 is 7,300,804; the notes print 7,304,884, an arithmetic slip */
        CHECK_INT_EQ(7300804, s->layers[0].n_w);
        CHECK_INT_EQ(386, s->layers[0].n_b);
        CHECK_INT_EQ(1581056, s->layers[1].n_w); /* 1x1x386x4096 */
        CHECK_INT_EQ(4096000, s->layers[2].n_w); /* 1x1x4096x1000 */
        CHECK_INT_EQ(1, s->layers[2].out.h);
    }
    /* LeNet's 5*5*3*6 and 5*5*6*16 weights */
    s = parse("input 3 32 32\nconv 6 k=5\nmaxpool k=2\nconv 16 k=5\n");
    CHECK(s != NULL);
    if (s) {
        CHECK_INT_EQ(5 * 5 * 3 * 6, s->layers[0].n_w);
        CHECK_INT_EQ(5 * 5 * 6 * 16, s->layers[2].n_w);
    }
    /* the general formula wk*hk*din*dout + dout, for several shapes */
    static const int cases[][4] = {{3, 3, 1, 4}, {5, 3, 2, 7}, {1, 7, 16, 3}, {11, 11, 3, 96}};
    for (int i = 0; i < 4; i++) {
        char text[128];
        int kw = cases[i][0], kh = cases[i][1], din = cases[i][2], dout = cases[i][3];
        snprintf(text, sizeof text, "input %d 32 32\nconv %d k=%d,%d\n", din, dout, kh, kw);
        CHECK_INT_EQ((long)kw * kh * din * dout + dout, total_params(text));
        snprintf(text, sizeof text, "input %d 32 32\ndeconv %d k=%d,%d\n", din, dout, kh, kw);
        CHECK_INT_EQ((long)kw * kh * din * dout + dout, total_params(text));
    }
    /* pooling introduces no parameters */
    CHECK_INT_EQ(0, total_params("input 3 8 8\nmaxpool k=2\navgpool k=2\nl2pool k=2\n"));
}

static void test_shapes(void)
{
    char buf[64];
    const NetSpec *s =
        parse("input 3 9 11  # comment\n\n  # only a comment\nconv 4 k=3,5 stride=2,1 "
              "pad=1,2,0,3 dilation=1,2\ndeconv 2 k=3 stride=2 pad=1 outpad=1\n"
              "avgpool k=2,3 stride=1\nl2pool k=2\nleaky alpha=0.2\nsoftplus beta=2\n"
              "lrn size=3 alpha=0.001 beta=0.5 k=2\nsigmoid\ntanh\nabs\nflatten\ndense 5\n");
    CHECK(s != NULL);
    if (!s) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    /* conv: h = floor((9 + 1 + 2 - 1*(3-1) - 1)/2) + 1 = 5; w = floor((11 + 0 + 3 - 2*4 - 1)/1) + 1
     * = 6 */
    CHECK_STR_EQ("4x5x6", shape_format(s->layers[0].out, buf, sizeof buf));
    CHECK_INT_EQ(4, s->layers[0].line);
    CHECK_INT_EQ(1, s->layers[0].conv.pt);
    CHECK_INT_EQ(2, s->layers[0].conv.pb);
    CHECK_INT_EQ(3, s->layers[0].conv.pr);
    /* deconv: (5-1)*2 - 2 + 2 + 1 + 1 = 10, (6-1)*2 - 2 + 2 + 1 + 1 = 12 */
    CHECK_STR_EQ("2x10x12", shape_format(s->layers[1].out, buf, sizeof buf));
    CHECK_STR_EQ("2x9x10", shape_format(s->layers[2].out, buf, sizeof buf));
    CHECK_STR_EQ("2x4x5", shape_format(s->layers[3].out, buf, sizeof buf));
    CHECK_NEAR(0.2f, s->layers[4].param, 0.0);
    CHECK_NEAR(2.0f, s->layers[5].param, 0.0);
    CHECK_INT_EQ(3, s->layers[6].lrn_size);
    CHECK_NEAR(0.5f, s->layers[6].lrn_beta, 0.0);
    CHECK_STR_EQ("40", shape_format(s->layers[10].out, buf, sizeof buf));
    CHECK_INT_EQ(5 * 40 + 5, layer_param_count(&s->layers[11]));
    CHECK(!s->xent);
    CHECK_STR_EQ("conv 4 k=3,5 stride=2,1 pad=1,2,0,3 dilation=1,2",
                 layer_format(&s->layers[0], buf, sizeof buf));
    CHECK_STR_EQ("deconv 2 k=3 stride=2 pad=1 outpad=1",
                 layer_format(&s->layers[1], buf, sizeof buf));
    CHECK_STR_EQ("avgpool k=2,3 stride=1", layer_format(&s->layers[2], buf, sizeof buf));
    /* defaults: leaky alpha 0.01, softplus beta 1, lrn alpha 1e-4 beta 0.75 k 1 */
    s = parse("input 2 4 4\nleaky\nsoftplus\nlrn size=2\n");
    CHECK(s != NULL);
    if (s) {
        CHECK_NEAR(0.01f, s->layers[0].param, 0.0);
        CHECK_NEAR(1.0f, s->layers[1].param, 0.0);
        CHECK_NEAR(1e-4f, s->layers[2].lrn_alpha, 0.0);
        CHECK_NEAR(0.75f, s->layers[2].lrn_beta, 0.0);
        CHECK_NEAR(1.0f, s->layers[2].lrn_k, 0.0);
    }
    /* CRLF line ends and a missing final newline are fine */
    CHECK(parse("input 1 4 4\r\nrelu\r\nflatten") != NULL);
}

/* groups= and batchnorm: shapes, counts, formulas, the canonical line, the parser's errors. */
static void test_groups_batchnorm(void)
{
    char buf[128];
    const NetSpec *s = parse("input 8 12 12\nconv 16 k=5 groups=2\nbatchnorm\nrelu\n"
                             "conv 16 k=3 pad=1 groups=16\ndeconv 8 k=2 stride=2 groups=4\n"
                             "batchnorm eps=0.001 momentum=0.3\nflatten\ndense 10\n"
                             "batchnorm\nsoftmax\n");
    CHECK(s != NULL);
    if (!s) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    /* the kernel's channel axis is C/G: 16 x 8/2 x 5 x 5 + 16 */
    CHECK_STR_EQ("16x4x5x5 + 16 = 1616", layer_param_formula(&s->layers[0], buf, sizeof buf));
    CHECK_STR_EQ("conv 16 k=5 groups=2", layer_format(&s->layers[0], buf, sizeof buf));
    CHECK_STR_EQ("16x8x8", shape_format(s->layers[0].out, buf, sizeof buf));
    /* batchnorm: gamma and beta per channel, two running statistics per channel */
    CHECK_STR_EQ("16 + 16 = 32", layer_param_formula(&s->layers[1], buf, sizeof buf));
    CHECK_STR_EQ("batchnorm", layer_format(&s->layers[1], buf, sizeof buf));
    CHECK_INT_EQ(32, s->layers[1].n_s);
    CHECK_INT_EQ(0, s->layers[1].s_off);
    CHECK_NEAR(1e-5f, s->layers[1].bn_eps, 0.0);
    CHECK_NEAR(0.1f, s->layers[1].bn_momentum, 0.0);
    CHECK_STR_EQ("16x8x8", shape_format(s->layers[1].out, buf, sizeof buf));
    /* depthwise: 16 x 1 x 3 x 3 + 16 */
    CHECK_STR_EQ("16x1x3x3 + 16 = 160", layer_param_formula(&s->layers[3], buf, sizeof buf));
    /* grouped deconv (C, O/G, KH, KW): 16 x 8/4 x 2 x 2 + 8 */
    CHECK_STR_EQ("16x2x2x2 + 8 = 136", layer_param_formula(&s->layers[4], buf, sizeof buf));
    CHECK_STR_EQ("deconv 8 k=2 stride=2 groups=4", layer_format(&s->layers[4], buf, sizeof buf));
    CHECK_STR_EQ("batchnorm eps=0.001 momentum=0.3", layer_format(&s->layers[5], buf, sizeof buf));
    CHECK_INT_EQ(32, s->layers[5].s_off);
    /* after flatten: BatchNorm1d over the 10 outputs */
    CHECK_STR_EQ("10 + 10 = 20", layer_param_formula(&s->layers[8], buf, sizeof buf));
    CHECK_INT_EQ(1, s->layers[8].out.rank);
    CHECK_INT_EQ(32 + 16 + 20, s->n_state);
    CHECK_INT_EQ(1616 + 32 + 160 + 136 + 16 + 8 * 16 * 16 * 10 + 10 + 20, s->n_params);
    /* every canonical line parses back to the same layer */
    char text[1024] = "input 8 12 12\n";
    for (int i = 0; i < s->n_layers; i++) {
        strcat(text, layer_format(&s->layers[i], buf, sizeof buf));
        strcat(text, "\n");
    }
    static NetSpec again;
    CHECK(net_parse(&again, text, "again.net", err, ERR_SIZE));
    CHECK_INT_EQ(s->n_params, again.n_params);
    CHECK_INT_EQ(s->n_state, again.n_state);
    CHECK_INT_EQ(4, again.layers[4].conv.groups);
    CHECK_NEAR(0.3f, again.layers[5].bn_momentum, 0.0);

    CHECK_STR_EQ("t.net:2: conv 16 groups=3: the input's 8 channels (input 8x12x12) are not a "
                 "multiple of the groups (8 = 2x3 + 2); the input and output channels must both "
                 "divide by G",
                 parse_error("input 8 12 12\nconv 16 k=3 groups=3\n"));
    CHECK_STR_EQ("t.net:3: conv 10 groups=4: the 10 output channels are not a multiple of the "
                 "groups (10 = 2x4 + 2); the input and output channels must both divide by G",
                 parse_error("input 8 12 12\n# grouped\nconv 10 k=3 groups=4\n"));
    CHECK_STR_EQ("t.net:2: deconv 6 groups=4: the 6 output channels are not a multiple of the "
                 "groups (6 = 1x4 + 2); the input and output channels must both divide by G",
                 parse_error("input 8 5 5\ndeconv 6 k=3 groups=4\n"));
    CHECK_STR_EQ("t.net:2: groups=0 is too small (at least 1)",
                 parse_error("input 8 5 5\nconv 8 k=3 groups=0\n"));
    CHECK_STR_EQ("t.net:2: unknown key 'groups' for maxpool (known: k stride)",
                 parse_error("input 8 5 5\nmaxpool k=2 groups=2\n"));
    CHECK_STR_EQ("t.net:2: eps=0 must be greater than 0",
                 parse_error("input 2 3 3\nbatchnorm eps=0\n"));
    CHECK_STR_EQ("t.net:2: momentum=1.5 must be between 0 and 1 (the running statistics' step)",
                 parse_error("input 2 3 3\nbatchnorm momentum=1.5\n"));
    CHECK_STR_EQ("t.net:2: unknown key 'k' for batchnorm (known: eps momentum)",
                 parse_error("input 2 3 3\nbatchnorm k=3\n"));
    CHECK_STR_EQ("t.net:2: bad number 'x' for momentum (expected a number)",
                 parse_error("input 2 3 3\nbatchnorm momentum=x\n"));
}

static void test_errors(void)
{
    CHECK_STR_EQ("t.net:2: conv k=7 on input 1x5x5 (padding 0) gives an empty output: "
                 "floor((5 + 0 + 0 - 1*(7-1) - 1)/1) + 1 = -1 (height)",
                 parse_error("input 1 5 5\nconv 1 k=7\n"));
    CHECK_STR_EQ("t.net:3: conv k=3 on input 1x9x2 (padding 0) gives an empty output: "
                 "floor((2 + 0 + 0 - 1*(3-1) - 1)/1) + 1 = 0 (width)",
                 parse_error("input 1 9 2\nrelu\nconv 2 k=3 pad=0\n"));
    CHECK_STR_EQ("t.net:2: conv k=2 on input 1x5x5 (padding 0) gives an empty output: "
                 "floor((5 + 0 + 0 - 5*(2-1) - 1)/1) + 1 = 0 (height)",
                 parse_error("input 1 5 5\nconv 1 k=2 dilation=5\n"));
    CHECK_STR_EQ("t.net:2: deconv k=1 on input 1x3x3 (padding 2) gives an empty output: "
                 "(3 - 1)*1 - 2 - 2 + 1*(1-1) + 0 + 1 = -1 (height)",
                 parse_error("input 1 3 3\ndeconv 1 k=1 pad=2\n"));
    CHECK_STR_EQ("t.net:2: maxpool k=3 on input 1x2x8 gives an empty output: floor((2 - 3)/3) + 1 "
                 "= 0 (height)",
                 parse_error("input 1 2 8\nmaxpool k=3\n"));
    CHECK_STR_EQ(
        "t.net:2: unknown layer 'conv2d' (known: conv, deconv, maxpool, avgpool, l2pool, "
        "relu, leaky, sigmoid, tanh, abs, softplus, lrn, batchnorm, flatten, dense, softmax)",
        parse_error("input 1 5 5\nconv2d 1 k=3\n"));
    CHECK_STR_EQ("t.net:3: unknown key 'strid' for conv (known: k stride pad dilation groups)",
                 parse_error("input 1 5 5\n# c\nconv 1 k=3 strid=2\n"));
    CHECK_STR_EQ("t.net:2: unknown key 'outpad' for conv (known: k stride pad dilation groups)",
                 parse_error("input 1 5 5\nconv 1 k=3 outpad=1\n"));
    CHECK_STR_EQ("t.net:2: relu takes no options, but got 'alpha=0.1'",
                 parse_error("input 1 5 5\nrelu alpha=0.1\n"));
    CHECK_STR_EQ("t.net:2: bad number 'x5' for k (expected a positive integer)",
                 parse_error("input 1 5 5\nconv 1 k=x5\n"));
    CHECK_STR_EQ("t.net:2: bad number '2.5' for stride (expected a positive integer)",
                 parse_error("input 1 5 5\nconv 1 k=3 stride=2.5\n"));
    CHECK_STR_EQ("t.net:2: stride=0 is too small (at least 1)",
                 parse_error("input 1 5 5\nconv 1 k=3 stride=0\n"));
    CHECK_STR_EQ("t.net:2: bad number 'abc' for alpha (expected a number)",
                 parse_error("input 1 5 5\nleaky alpha=abc\n"));
    CHECK_STR_EQ("t.net:2: beta=0 must be greater than 0",
                 parse_error("input 1 5 5\nsoftplus beta=0\n"));
    CHECK_STR_EQ("t.net:2: k= is missing its value in 'k='",
                 parse_error("input 1 5 5\nconv 1 k=\n"));
    CHECK_STR_EQ("t.net:2: stride= is missing its value in 'stride'",
                 parse_error("input 1 5 5\nmaxpool k=2 stride\n"));
    CHECK_STR_EQ("t.net:2: conv needs a kernel size k=K or k=KH,KW",
                 parse_error("input 1 5 5\nconv 4 stride=2\n"));
    CHECK_STR_EQ("t.net:2: conv is missing its number of output channels (conv OUT ...)",
                 parse_error("input 1 5 5\nconv k=3\n"));
    CHECK_STR_EQ("t.net:4: dense is missing its number of outputs (dense N ...)",
                 parse_error("input 1 5 5\n\nflatten\ndense\n"));
    CHECK_STR_EQ("t.net:2: duplicate key k= in conv", parse_error("input 1 5 5\nconv 1 k=3 k=3\n"));
    CHECK_STR_EQ("t.net:2: pad=1,2,3 has 3 numbers (pad=P, pad=PH,PW or pad=T,B,L,R)",
                 parse_error("input 1 5 5\nconv 1 k=3 pad=1,2,3\n"));
    CHECK_STR_EQ("t.net:2: k=1,2,3 has too many numbers (k=N or k=NH,NW)",
                 parse_error("input 1 5 5\nconv 1 k=1,2,3\n"));
    CHECK_STR_EQ("t.net:5: softmax (line 4) must be the last layer, but 'relu' follows it",
                 parse_error("input 1 5 5\nflatten\ndense 3\nsoftmax\nrelu\n"));
    CHECK_STR_EQ("t.net:4: dense needs a flat input but gets 16x4x4; add 'flatten' before it",
                 parse_error("input 1 8 8\nconv 16 k=3 pad=1\nmaxpool k=2\ndense 10\n"));
    CHECK_STR_EQ("t.net:2: softmax needs a flat input but gets 1x5x5; add 'flatten' (and "
                 "'dense K') before it",
                 parse_error("input 1 5 5\nsoftmax\n"));
    CHECK_STR_EQ("t.net:3: conv needs a CxHxW input but gets a flat 25 (put it before flatten)",
                 parse_error("input 1 5 5\nflatten\nconv 2 k=1\n"));
    CHECK_STR_EQ("t.net:2: deconv outpad=2,2 is not smaller than stride=2,2 or dilation=1,1 "
                 "(PyTorch: output padding must be smaller than either the stride or the "
                 "dilation)",
                 parse_error("input 1 5 5\ndeconv 1 k=3 stride=2 outpad=2\n"));
    CHECK_STR_EQ("t.net:2: deconv outpad=1,1 is not smaller than stride=1,1 or dilation=1,1 "
                 "(PyTorch: output padding must be smaller than either the stride or the "
                 "dilation)",
                 parse_error("input 1 5 5\ndeconv 1 k=3 outpad=1\n"));
    CHECK_STR_EQ("t.net:1: the first line must be 'input C H W', not 'conv'",
                 parse_error("conv 1 k=3\n"));
    CHECK_STR_EQ("t.net:1: input needs 3 numbers: input C H W (got 2)",
                 parse_error("input 28 28\n"));
    CHECK_STR_EQ("t.net:3: 'input' may only be the first line",
                 parse_error("input 1 5 5\nrelu\ninput 1 5 5\n"));
    CHECK_STR_EQ("t.net: no layers after the input line", parse_error("# nothing\ninput 1 5 5\n"));
    CHECK_STR_EQ("t.net: empty net: the first line must be 'input C H W'", parse_error("\n# x\n"));
    CHECK_STR_EQ("t.net:2: lrn needs size=N (channels in the window)",
                 parse_error("input 3 5 5\nlrn alpha=1\n"));
    /* the limits that protect memory */
    CHECK_STR_EQ("t.net:2: conv 5000: 5000 output channels is more than the limit of 4096",
                 parse_error("input 1 5 5\nconv 5000 k=1\n"));
    CHECK_STR_EQ("t.net:1: input of 1x5000x5000 has 25000000 elements per example, more than the "
                 "limit of 16777216",
                 parse_error("input 1 5000 5000\n"));
    CHECK_STR_EQ("t.net:2: deconv output of 64x1000x1000 has 64000000 elements per example, more "
                 "than the limit of 16777216",
                 parse_error("input 1 100 100\ndeconv 64 k=10 stride=10\n"));
    /* 4096*4096 + 4096 + 4096*4096*49 + 4096 */
    CHECK_STR_EQ("t.net:3: the net reaches 838868992 parameters here, more than the limit of "
                 "100000000",
                 parse_error("input 4096 1 1\nconv 4096 k=1\nconv 4096 k=7 pad=3\n"));
    CHECK_STR_EQ("t.net:2: k=70000 is too large (at most 65536)",
                 parse_error("input 1 5 5\nconv 1 k=70000\n"));
    {
        char text[2048] = "input 1 2 2\n";
        for (int i = 0; i < NET_MAX_LAYERS + 1; i++)
            strcat(text, "relu\n");
        CHECK_STR_EQ("t.net:66: more than 64 layers (the limit)", parse_error(text));
    }
    /* a file that cannot be read names the path */
    Net *net = net_load("/nonexistent/x.net", 1, err, ERR_SIZE);
    CHECK(net == NULL);
    CHECK_CONTAINS(err, "/nonexistent/x.net: cannot open");
    /* a folder is said to be one, not reported as a read error */
    net = net_load("/tmp", 1, err, ERR_SIZE);
    CHECK(net == NULL);
    CHECK_STR_EQ("/tmp: is a folder, not a file", err);
}

/* Loss of the net on (x, labels) with the current parameters. */
static double loss_at(Net *net, NetActs *a, const float *x, const int *labels, int n)
{
    net_forward(net, a, x, n);
    return net_loss(net, a, labels);
}

/* dL/dv by central differences at *v (restored exactly): the 3-point stencil
 * (L(h) - L(-h)) / 2h, or the 5-point one (L(-2h) - 8 L(-h) + 8 L(h) - L(2h)) / 12h whose
 * truncation error is O(h^4) (a batchnorm in training mode is strongly curved where a channel
 * has little spread). */
static double fd_at(Net *net, NetActs *a, const float *x, const int *labels, int n, float *v,
                    float h, bool five_point)
{
    const float keep = *v;
    *v = keep + h;
    double lp = loss_at(net, a, x, labels, n);
    *v = keep - h;
    double lm = loss_at(net, a, x, labels, n);
    double fd = (lp - lm) / (2.0 * h);
    if (five_point) {
        *v = keep + 2.0f * h;
        double lp2 = loss_at(net, a, x, labels, n);
        *v = keep - 2.0f * h;
        double lm2 = loss_at(net, a, x, labels, n);
        fd = (lm2 - 8.0 * lm + 8.0 * lp - lp2) / (12.0 * h);
    }
    *v = keep;
    return fd;
}

/* Finite differences (fd_at) against net_backward for every parameter and input of a small
 * net, in the net's mode (training: batchnorm through the batch's statistics); returns the
 * worst relative error. */
static double grad_check_mode(const char *text, int n, uint64_t seed, float h, bool training,
                              bool five_point)
{
    Net *net = net_create(text, "fd.net", seed, err, ERR_SIZE);
    if (!net) {
        fprintf(stderr, "%s\n", err);
        return 1e9;
    }
    /* random biases too, so their gradients flow through nonzero values */
    Rng rng;
    rng_seed(&rng, seed + 7);
    for (int i = 0; i < net->spec.n_layers; i++) {
        float *b = net_bias(net, i);
        for (long j = 0; b && j < net->spec.layers[i].n_b; j++)
            b[j] = 0.2f * rng_normal(&rng);
        /* and batchnorm's gamma and running statistics away from 1 and (0, 1) */
        if (net->spec.layers[i].kind != LAYER_BATCHNORM)
            continue;
        for (int c = 0; c < net->spec.layers[i].in.c; c++) {
            net_weights(net, i)[c] = 1.0f + 0.3f * rng_normal(&rng);
            net_running_mean(net, i)[c] = 0.3f * rng_normal(&rng);
            net_running_var(net, i)[c] = 0.5f + rng_uniform(&rng);
        }
    }
    net_set_training(net, training);
    NetActs *a = net_acts_create(net, n);
    long in = shape_elems(net->spec.input);
    long k = shape_elems(net->spec.layers[net->spec.n_layers - 1].out);
    float *x = malloc(sizeof(float) * (size_t)(n * in)); /* (N, C, H, W) */
    int labels[8];
    for (long i = 0; i < n * in; i++)
        x[i] = rng_normal(&rng);
    for (int j = 0; j < n; j++)
        labels[j] = (int)rng_below(&rng, (uint32_t)k);
    net_train_step(net, a, x, labels, n);
    float *dx = malloc(sizeof(float) * (size_t)(n * in));
    memcpy(dx, a->dx, sizeof(float) * (size_t)(n * in));
    double worst = 0.0;
    for (long i = 0; i < net->n_params; i++) {
        double fd = fd_at(net, a, x, labels, n, &net->params[i], h, five_point);
        double e = fabs(fd - net->grads[i]) / (fabs(fd) + fabs(net->grads[i]) + 1e-2);
        worst = e > worst ? e : worst;
    }
    for (long i = 0; i < n * in; i++) {
        double fd = fd_at(net, a, x, labels, n, &x[i], h, five_point);
        double e = fabs(fd - dx[i]) / (fabs(fd) + fabs(dx[i]) + 1e-2);
        worst = e > worst ? e : worst;
    }
    free(dx);
    free(x);
    net_acts_destroy(a);
    net_destroy(net);
    return worst;
}

static double grad_check(const char *text, int n, uint64_t seed, float h)
{
    return grad_check_mode(text, n, seed, h, false, false);
}

static void test_gradients(void)
{
    /* smooth activations everywhere, so central differences are accurate */
    double e1 = grad_check("input 2 7 6\nconv 3 k=3,2 stride=1,2 pad=1,0,2,1 dilation=2,1\n"
                           "tanh\ndeconv 2 k=3 stride=2 pad=1 outpad=1 dilation=1\nsoftplus "
                           "beta=2\nlrn size=3 alpha=0.5 beta=0.75 k=2\navgpool k=2 stride=2,1\n"
                           "sigmoid\nl2pool k=2\nflatten\ndense 4\nsoftmax\n",
                           2, 11, 1e-2f);
    printf("finite differences, smooth net with softmax: worst relative error %.3g\n", e1);
    CHECK(e1 < 5e-3);
    /* the rectifiers and max pooling: a smaller step, so that few pre-activations cross a kink
     * (with h = 1e-2 several of the 144 do, and the differences are off by up to 20%) */
    double e2 = grad_check("input 1 6 6\nconv 2 k=3 pad=1\nrelu\nmaxpool k=2\nleaky alpha=0.1\n"
                           "abs\nflatten\ndense 3\n",
                           2, 5, 1e-3f);
    printf("finite differences, rectifier net with 1/2 sum (y-t)^2: worst relative error %.3g\n",
           e2);
    CHECK(e2 < 2e-2);
    /* grouped conv and deconv, batchnorm after a CxHxW tensor and after a flat one, in both
     * modes (training: the gradient through the batch's statistics) */
    const char *bn_net = "input 4 6 5\nconv 6 k=3,2 stride=1,2 pad=1 dilation=2,1 groups=2\n"
                         "batchnorm\ntanh\nconv 6 k=3 pad=1 groups=6\nbatchnorm eps=0.01 "
                         "momentum=0.5\nsoftplus\ndeconv 4 k=2 stride=2 groups=2\nsigmoid\n"
                         "avgpool k=2\nflatten\ndense 3\nsoftmax\n";
    const char *bn1d_net = "input 3 2 2\nflatten\ndense 5\nbatchnorm\ntanh\ndense 3\nsoftmax\n";
    double e3 = grad_check_mode(bn_net, 6, 21, 2e-2f, true, true);
    double e4 = grad_check_mode(bn_net, 3, 22, 2e-2f, false, true);
    double e6 = grad_check_mode(bn1d_net, 6, 24, 2e-2f, true, true);
    double e7 = grad_check_mode(bn1d_net, 3, 25, 2e-2f, false, true);
    printf("finite differences, groups and batchnorm: worst relative error %.3g (training mode), "
           "%.3g (evaluation mode); flat batchnorm %.3g, %.3g\n",
           e3, e4, e6, e7);
    CHECK(e3 < 5e-3);
    CHECK(e4 < 5e-3);
    CHECK(e6 < 5e-3);
    CHECK(e7 < 5e-3);
    /* a batchnorm first, and the last layer a batchnorm with the squared error */
    double e5 = grad_check_mode("input 2 3 3\nbatchnorm\nconv 4 k=2 groups=2\nflatten\n"
                                "batchnorm momentum=0\n",
                                3, 23, 2e-2f, true, true);
    printf("finite differences, batchnorm first and last: worst relative error %.3g\n", e5);
    CHECK(e5 < 5e-3);
}

/* A forward pass by hand: the loss of a 1-layer dense net (checks the loss definitions). */
static void test_loss_values(void)
{
    Net *net = net_create("input 1 1 2\nflatten\ndense 2\n", "l.net", 1, err, ERR_SIZE);
    CHECK(net != NULL);
    if (!net)
        return;
    float *w = net_weights(net, 1), *b = net_bias(net, 1);
    /* y = W x + b with W = [[1, 2], [3, 4]], b = [0.5, -1], x = [1, -1]: y = [-0.5, -2] */
    w[0] = 1.0f, w[1] = 2.0f, w[2] = 3.0f, w[3] = 4.0f;
    b[0] = 0.5f, b[1] = -1.0f;
    NetActs *a = net_acts_create(net, 1);
    float x[2] = {1.0f, -1.0f};
    int label = 1;
    float loss = net_train_step(net, a, x, &label, 1);
    /* E = 1/2 ((-0.5 - 0)^2 + (-2 - 1)^2) = 1/2 (0.25 + 9) = 4.625 */
    CHECK_NEAR(4.625, loss, 1e-6);
    CHECK_NEAR(-0.5, a->grad[1][0], 1e-6);
    CHECK_NEAR(-3.0, a->grad[1][1], 1e-6);
    /* dE/dW = (y - t) x^T = [[-0.5, 0.5], [-3, 3]] */
    CHECK_NEAR(-0.5, net->grads[0], 1e-6);
    CHECK_NEAR(3.0, net->grads[3], 1e-6);
    CHECK_NEAR(-3.0, net_dbias(net, 1)[1], 1e-6);
    /* dE/dx = W^T (y - t) = [1*-0.5 + 3*-3, 2*-0.5 + 4*-3] = [-9.5, -13] */
    CHECK_NEAR(-9.5, a->dx[0], 1e-6);
    CHECK_NEAR(-13.0, a->dx[1], 1e-6);
    net_acts_destroy(a);
    net_destroy(net);

    net = net_create("input 3 1 1\nflatten\nsoftmax\n", "s.net", 1, err, ERR_SIZE);
    CHECK(net != NULL);
    if (!net)
        return;
    a = net_acts_create(net, 1);
    float z[3] = {1.0f, 2.0f, 3.0f};
    label = 0;
    loss = net_train_step(net, a, z, &label, 1);
    /* -log(e^1 / (e^1 + e^2 + e^3)) = log(1 + e + e^2) = 2.40760596 */
    CHECK_NEAR(2.40760596, loss, 1e-5);
    double p0 = 1.0 / (1.0 + exp(1.0) + exp(2.0));
    CHECK_NEAR(-1.0 / p0, a->grad[1][0], 1e-3);
    CHECK_NEAR(p0 - 1.0, a->dx[0], 1e-6); /* p - y */
    CHECK_NEAR(p0 * exp(2.0), a->dx[2], 1e-6);
    CHECK_INT_EQ(2, net_predict_class(net, a, 0));
    net_acts_destroy(a);
    net_destroy(net);
}

/* Two classes of 8x8 images (a bright vertical or horizontal bar) and a small conv net. */
static void train(float *losses, float *params_out, long *n_params)
{
    static const char *text = "input 1 8 8\nconv 4 k=3 pad=1\nrelu\nmaxpool k=2\nflatten\n"
                              "dense 2\nsoftmax\n";
    Net *net = net_create(text, "train.net", 2024, err, ERR_SIZE);
    NetActs *a = net_acts_create(net, 8);
    Optim *opt = optim_create_sgd(net->n_params, 0.1f, 0.9f);
    Rng rng;
    rng_seed(&rng, 99);
    float x[8 * 64];
    int labels[8];
    for (int step = 0; step < 40; step++) {
        for (int j = 0; j < 8; j++) {
            labels[j] = (int)rng_below(&rng, 2);
            int pos = (int)rng_below(&rng, 8);
            for (int i = 0; i < 64; i++) {
                int r = i / 8, c = i % 8;
                bool on = labels[j] ? r == pos : c == pos;
                x[j * 64 + i] = (on ? 1.0f : 0.0f) + 0.1f * rng_normal(&rng);
            }
        }
        losses[step] = net_train_step(net, a, x, labels, 8);
        optim_step(opt, net->params, net->grads);
    }
    memcpy(params_out, net->params, sizeof(float) * (size_t)net->n_params);
    *n_params = net->n_params;
    optim_destroy(opt);
    net_acts_destroy(a);
    net_destroy(net);
}

static void test_training(void)
{
    float l1[40], l2[40], p1[1024], p2[1024];
    long n1 = 0, n2 = 0;
    train(l1, p1, &n1);
    train(l2, p2, &n2);
    float first = (l1[0] + l1[1] + l1[2] + l1[3]) / 4,
          last = (l1[36] + l1[37] + l1[38] + l1[39]) / 4;
    printf("tiny training run: loss %.4f (first 4 steps) -> %.4f (last 4 steps)\n", first, last);
    CHECK(last < 0.5f * first);
    CHECK(last < 0.2f);
    CHECK_INT_EQ(n1, n2);
    CHECK(memcmp(l1, l2, sizeof l1) == 0);
    CHECK(memcmp(p1, p2, sizeof(float) * (size_t)n1) == 0);
}

static void test_init(void)
{
    /* the same seed gives the same weights; another seed others; He scale before relu */
    const char *text = "input 1 28 28\nconv 8 k=5 pad=2\nrelu\nflatten\ndense 10\n";
    Net *a = net_create(text, "i.net", 3, err, ERR_SIZE);
    Net *b = net_create(text, "i.net", 3, err, ERR_SIZE);
    Net *c = net_create(text, "i.net", 4, err, ERR_SIZE);
    CHECK(a && b && c);
    if (!a || !b || !c)
        return;
    CHECK(memcmp(a->params, b->params, sizeof(float) * (size_t)a->n_params) == 0);
    CHECK(memcmp(a->params, c->params, sizeof(float) * (size_t)a->n_params) != 0);
    double ss = 0.0;
    for (int i = 0; i < 200; i++)
        ss += (double)a->params[i] * a->params[i];
    /* He: variance 2/fan_in = 2/25 */
    CHECK_NEAR(2.0 / 25.0, ss / 200, 0.025);
    for (int i = 200; i < 208; i++)
        CHECK_NEAR(0.0, a->params[i], 0.0);
    /* Xavier uniform for the last dense: |w| <= sqrt(6/(6272 + 10)) */
    float lim = (float)sqrt(6.0 / (8 * 28 * 28 + 10)), mx = 0.0f;
    for (long i = 208; i < 208 + 62720; i++)
        mx = fabsf(a->params[i]) > mx ? fabsf(a->params[i]) : mx;
    CHECK(mx <= lim && mx > 0.9f * lim);
    net_destroy(a);
    net_destroy(b);
    net_destroy(c);
    /* grouped: fan_in = C/G * KH * KW = 2 * 25; a batchnorm between conv and relu still means
     * He; batchnorm starts at gamma 1, beta 0, running mean 0, variance 1 */
    a = net_create("input 8 28 28\nconv 64 k=5 groups=4\nbatchnorm\nrelu\n", "g.net", 5, err,
                   ERR_SIZE);
    CHECK(a != NULL);
    if (!a)
        return;
    ss = 0.0;
    for (long i = 0; i < a->spec.layers[0].n_w; i++)
        ss += (double)a->params[i] * a->params[i];
    CHECK_NEAR(2.0 / 50.0, ss / (double)a->spec.layers[0].n_w, 0.004);
    for (int c = 0; c < 64; c++) {
        CHECK_NEAR(1.0, net_weights(a, 1)[c], 0.0);
        CHECK_NEAR(0.0, net_bias(a, 1)[c], 0.0);
        CHECK_NEAR(0.0, net_running_mean(a, 1)[c], 0.0);
        CHECK_NEAR(1.0, net_running_var(a, 1)[c], 0.0);
    }
    CHECK(net_running_mean(a, 0) == NULL);
    net_destroy(a);
}

/* The mode: evaluation (the start) normalises with the running statistics, so an example's
 * output does not depend on its batch; training uses the batch's and net_train_step moves the
 * running statistics by PyTorch's rule; net_forward never changes the net. */
static void test_modes(void)
{
    Net *net = net_create("input 2 3 3\nconv 4 k=2 groups=2\nbatchnorm momentum=0.25\n"
                          "flatten\ndense 3\nbatchnorm\n",
                          "m.net", 9, err, ERR_SIZE);
    CHECK(net != NULL);
    if (!net)
        return;
    CHECK(!net_training(net));
    Rng rng;
    rng_seed(&rng, 3);
    float x[4 * 18];
    for (int i = 0; i < 4 * 18; i++)
        x[i] = rng_normal(&rng);
    for (int c = 0; c < 4; c++) {
        net_running_mean(net, 1)[c] = 0.1f * (float)c;
        net_running_var(net, 1)[c] = 1.0f + 0.5f * (float)c;
    }
    NetActs *a = net_acts_create(net, 4), *one = net_acts_create(net, 1);
    float keep[40];
    memcpy(keep, net->state, sizeof(float) * 14);
    CHECK_INT_EQ(14, net->n_state);
    net_forward(net, a, x, 4);
    net_forward(net, one, x + 2 * 18, 1);
    CHECK_TENSOR_NEAR(net_output(net, a, 2), net_output(net, one, 0), 3, 0.0, 0.0);
    /* y = gamma (x - mean) / sqrt(var + eps) + beta with the running ones, gamma 1, beta 0 */
    const float *h = a->out[0] + 2 * 16; /* conv output of example 2, (4, 2, 2) */
    CHECK_NEAR((h[3 * 4 + 1] - 0.3) / sqrt(2.5 + 1e-5), a->out[1][2 * 16 + 3 * 4 + 1], 1e-6);

    net_set_training(net, true);
    net_forward(net, a, x, 4);
    net_forward(net, one, x + 2 * 18, 1);
    bool differs = false;
    for (int k = 0; k < 3; k++)
        differs |= net_output(net, a, 2)[k] != net_output(net, one, 0)[k];
    CHECK(differs);
    /* the flat batchnorm on a batch of one: no spread, every output is beta = 0 */
    const float zero[3] = {0.0f, 0.0f, 0.0f};
    CHECK_TENSOR_NEAR(zero, net_output(net, one, 0), 3, 0.0, 0.0);
    CHECK(memcmp(keep, net->state, sizeof(float) * 14) == 0);
    /* a training step: the running statistics move by momentum toward the batch's (the
     * unbiased variance, M = 4 examples x 4 positions) */
    int labels[4] = {0, 1, 2, 0};
    net_train_step(net, a, x, labels, 4);
    for (int c = 0; c < 4; c++) {
        double sum = 0.0, sq = 0.0;
        for (int n = 0; n < 4; n++)
            for (int i = 0; i < 4; i++)
                sum += a->out[0][n * 16 + c * 4 + i];
        double mu = sum / 16.0;
        for (int n = 0; n < 4; n++)
            for (int i = 0; i < 4; i++) {
                double d = a->out[0][n * 16 + c * 4 + i] - mu;
                sq += d * d;
            }
        CHECK_NEAR(0.75 * 0.1 * c + 0.25 * mu, net_running_mean(net, 1)[c], 1e-6);
        CHECK_NEAR(0.75 * (1.0 + 0.5 * c) + 0.25 * sq / 15.0, net_running_var(net, 1)[c], 1e-5);
    }
    /* a training step on one example: the flat batchnorm keeps its running variance */
    float var5[3];
    memcpy(var5, net_running_var(net, 4), sizeof var5);
    net_train_step(net, one, x, labels, 1);
    CHECK_TENSOR_NEAR(var5, net_running_var(net, 4), 3, 0.0, 0.0);
    /* an evaluation-mode step moves nothing */
    net_set_training(net, false);
    memcpy(keep, net->state, sizeof(float) * 14);
    net_train_step(net, a, x, labels, 4);
    CHECK(memcmp(keep, net->state, sizeof(float) * 14) == 0);
    net_reset_running_stats(net);
    CHECK_NEAR(1.0, net_running_var(net, 4)[2], 0.0);
    CHECK_NEAR(0.0, net_running_mean(net, 1)[3], 0.0);
    net_acts_destroy(a);
    net_acts_destroy(one);
    net_destroy(net);
}

int main(void)
{
    err = calloc(ERR_SIZE, 1);
    test_lenet_tiny();
    test_notes_counts();
    test_shapes();
    test_errors();
    test_groups_batchnorm();
    test_modes();
    test_loss_values();
    test_init();
    test_gradients();
    test_training();
    free(err);
    return test_summary();
}
