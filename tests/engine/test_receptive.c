/* test_receptive.c - receptive fields traced through lenet-tiny against hand-computed regions
 * (conv 5 pad 2 -> pool 2 -> conv 5 -> pool 2: a second-conv unit sees 14x14 of the input),
 * and against brute force on random small nets: perturb each input pixel, run the real
 * forward, and collect which outputs of every layer changed; the bounding box of the pixels
 * that move a unit must be exactly the traced box. */
#include "engine/assets.h"
#include "engine/net.h"
#include "engine/receptive.h"
#include "engine/rng.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_box(const RfBox *b, int c0, int c1, int y0, int y1, int x0, int x1, int line)
{
    char what[64];
    snprintf(what, sizeof what, "box from line %d", line);
    bool ok = !b->empty && b->c0 == c0 && b->c1 == c1 && b->y0 == y0 && b->y1 == y1 &&
              b->x0 == x0 && b->x1 == x1;
    if (!ok)
        fprintf(stderr, "  %s: got c %d..%d y %d..%d x %d..%d%s\n", what, b->c0, b->c1, b->y0,
                b->y1, b->x0, b->x1, b->empty ? " (empty)" : "");
    CHECK(ok);
}

static void test_lenet_tiny(void)
{
    char path[1024], err[512] = "";
    assets_path(path, sizeof path, "assets/nets/lenet-tiny.net");
    Net *net = net_load(path, 1, err, sizeof err);
    CHECK(net != NULL);
    if (!net) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    const NetSpec *sp = &net->spec;
    /* layers: 0 conv 8 k=5 pad=2, 1 relu, 2 maxpool, 3 conv 16 k=5, 4 relu, 5 maxpool,
     * 6 flatten, 7 dense 10, 8 softmax */
    CHECK_INT_EQ(9, sp->n_layers);
    RfBox b[NET_MAX_LAYERS + 1];

    /* a first-conv unit in the middle: its 5x5 window, the one input channel */
    CHECK(receptive_trace(sp, 0, 3, 10, 12, b));
    check_box(&b[1], 3, 3, 10, 10, 12, 12, __LINE__);
    check_box(&b[0], 0, 0, 8, 12, 10, 14, __LINE__);
    CHECK_INT_EQ(5, rf_rows(&b[0]));
    /* in the corner the window hangs 2 into the padding: 3x3 real pixels of a 5x5 field */
    CHECK(receptive_trace(sp, 0, 0, 0, 0, b));
    check_box(&b[0], 0, 0, 0, 2, 0, 2, __LINE__);
    CHECK_INT_EQ(-2, b[0].uy0);
    CHECK_INT_EQ(2, b[0].uy1);
    CHECK_INT_EQ(5, rf_unclipped_rows(&b[0]));

    /* a second-conv unit (5, 5): pool1 rows 5..9 of all 8 maps, conv1 rows 10..19, input rows
     * 10-2 .. 19+2 = 8..21: 14x14 (by hand: 5 + (2-1) = 6 after the pool, 6 + 2*(5-1) = 14) */
    CHECK(receptive_trace(sp, 3, 7, 5, 5, b));
    check_box(&b[4], 7, 7, 5, 5, 5, 5, __LINE__);
    check_box(&b[3], 0, 7, 5, 9, 5, 9, __LINE__);
    check_box(&b[2], 0, 7, 10, 19, 10, 19, __LINE__);
    check_box(&b[1], 0, 7, 10, 19, 10, 19, __LINE__);
    check_box(&b[0], 0, 0, 8, 21, 8, 21, __LINE__);
    CHECK_INT_EQ(14, rf_rows(&b[0]));
    CHECK_INT_EQ(14, rf_cols(&b[0]));
    CHECK_INT_EQ(14, rf_unclipped_rows(&b[0]));
    CHECK_INT_EQ(8, rf_channels(&b[3]));
    /* at (0, 0) the field is still 14 wide on paper, 12 of it real pixels */
    CHECK(receptive_trace(sp, 3, 0, 0, 0, b));
    check_box(&b[0], 0, 0, 0, 11, 0, 11, __LINE__);
    CHECK_INT_EQ(14, rf_unclipped_rows(&b[0]));
    CHECK_INT_EQ(-2, b[0].ux0);

    /* the second pool (2, 2): conv2 rows 4..5 -> pool1 4..9 -> conv1 8..19 -> input 6..21 */
    CHECK(receptive_trace(sp, 5, 4, 2, 2, b));
    check_box(&b[4], 4, 4, 4, 5, 4, 5, __LINE__);
    check_box(&b[0], 0, 0, 6, 21, 6, 21, __LINE__);
    CHECK_INT_EQ(16, rf_rows(&b[0]));

    /* flatten element 137 = channel 5 (137 / 25), rest 12 = row 2, column 2 of the 5x5 */
    CHECK(receptive_trace(sp, 6, 137, 0, 0, b));
    check_box(&b[7], 137, 137, 0, 0, 0, 0, __LINE__);
    check_box(&b[6], 5, 5, 2, 2, 2, 2, __LINE__);
    check_box(&b[0], 0, 0, 6, 21, 6, 21, __LINE__);

    /* a logit reads all 400 flattened values, so every unit of every layer */
    CHECK(receptive_trace(sp, 7, 3, 0, 0, b));
    check_box(&b[7], 0, 399, 0, 0, 0, 0, __LINE__);
    for (int l = 0; l <= 6; l++)
        CHECK(rf_covers(&b[l + 1], sp->layers[l].out));
    CHECK(rf_covers(&b[0], sp->input));
    /* and a probability reads every logit */
    CHECK(receptive_trace(sp, 8, 7, 0, 0, b));
    check_box(&b[8], 0, 9, 0, 0, 0, 0, __LINE__);
    CHECK(rf_contains(&b[7], 3, 0, 0));
    CHECK(!rf_contains(&b[1], 8, 0, 0));
    CHECK(rf_contains(&b[8], 0, 0, 0) == true);

    /* units outside the net are refused */
    CHECK(!receptive_trace(sp, 3, 16, 0, 0, b));
    CHECK(!receptive_trace(sp, 3, 0, 10, 0, b));
    CHECK(!receptive_trace(sp, 9, 0, 0, 0, b));
    net_destroy(net);
}

/* A stride that skips rows, and padding that a window can fall into completely. */
static void test_gaps_and_padding(void)
{
    NetSpec sp;
    char err[256] = "";
    /* k=1 stride=2 pad=1: output row 0 reads only padding row -1; row 1 reads input row 1 */
    CHECK(net_parse(&sp, "input 1 6 6\nconv 1 k=1 stride=2 pad=1\n", "t.net", err, sizeof err));
    RfBox b[3];
    CHECK(receptive_trace(&sp, 0, 0, 0, 0, b));
    CHECK(b[0].empty);
    CHECK_INT_EQ(0, rf_rows(&b[0]));
    CHECK(receptive_trace(&sp, 0, 0, 1, 2, b));
    check_box(&b[0], 0, 0, 1, 1, 3, 3, __LINE__);
    /* dilation 2: taps 0, 2, 4 of the window around row 3 */
    CHECK(net_parse(&sp, "input 2 9 9\nconv 3 k=3 dilation=2\n", "t.net", err, sizeof err));
    CHECK(receptive_trace(&sp, 0, 2, 1, 3, b));
    check_box(&b[0], 0, 1, 1, 5, 3, 7, __LINE__);
    /* lrn size 3 widens the channel range by one on each side, clipped */
    CHECK(net_parse(&sp, "input 4 5 5\nlrn size=3\n", "t.net", err, sizeof err));
    CHECK(receptive_trace(&sp, 0, 0, 2, 2, b));
    check_box(&b[0], 0, 1, 2, 2, 2, 2, __LINE__);
    CHECK(receptive_trace(&sp, 0, 2, 2, 2, b));
    check_box(&b[0], 1, 3, 2, 2, 2, 2, __LINE__);
}

/* ---- brute force ---------------------------------------------------------------------- */

static int pick(Rng *rng, int lo, int hi)
{
    return lo + (int)rng_below(rng, (uint32_t)(hi - lo + 1));
}

/* A random small net text: convs, transposed convs, average / L2 pools and smooth or leaky
 * activations (every unit moves when any input it reads moves), sometimes flatten + dense. */
static void random_net(Rng *rng, char *text, size_t size)
{
    size_t len = 0;
    int c = pick(rng, 1, 2), h = pick(rng, 6, 11), w = pick(rng, 6, 11);
    len += (size_t)snprintf(text + len, size - len, "input %d %d %d\n", c, h, w);
    int n = pick(rng, 2, 4);
    for (int i = 0; i < n; i++) {
        int kind = pick(rng, 0, 5);
        int k = pick(rng, 1, 3), s = pick(rng, 1, k < 2 ? 1 : 2), p = pick(rng, 0, k - 1);
        switch (kind) {
        case 0:
        case 1:
            len += (size_t)snprintf(text + len, size - len, "conv %d k=%d stride=%d pad=%d\n",
                                    pick(rng, 1, 2), k, s, p);
            break;
        case 2:
            len += (size_t)snprintf(text + len, size - len, "deconv %d k=%d stride=%d pad=%d\n",
                                    pick(rng, 1, 2), k, s, k > 1 ? p : 0);
            break;
        case 3:
            len += (size_t)snprintf(text + len, size - len, "%s k=%d stride=%d\n",
                                    pick(rng, 0, 1) ? "avgpool" : "l2pool", k < 2 ? 2 : k,
                                    pick(rng, 1, k < 2 ? 2 : k));
            break;
        case 4:
            len += (size_t)snprintf(text + len, size - len, "%s\n",
                                    pick(rng, 0, 1) ? "tanh" : "leaky alpha=0.1");
            break;
        default:
            len += (size_t)snprintf(text + len, size - len, "lrn size=3\n");
            break;
        }
    }
    if (pick(rng, 0, 3) == 0)
        len += (size_t)snprintf(text + len, size - len, "flatten\ndense 3\n");
}

/* For every unit of every layer: the bounding box (c, y, x min and max) of the input pixels
 * whose change moves it. */
typedef struct Seen {
    int c0, c1, y0, y1, x0, x1;
    bool any;
} Seen;

static int brute_force_net(const char *text)
{
    char err[512] = "";
    Net *net = net_create(text, "random.net", 7, err, sizeof err);
    if (!net)
        return 0; /* a random shape that does not fit: not a net */
    const NetSpec *sp = &net->spec;
    NetActs *base = net_acts_create(net, 1), *pert = net_acts_create(net, 1);
    Shape in = sp->input;
    long n_in = shape_elems(in);
    float *x = malloc(sizeof(float) * (size_t)n_in);
    float *x2 = malloc(sizeof(float) * (size_t)n_in);
    long off[NET_MAX_LAYERS + 1];
    long total = 0;
    for (int l = 0; l < sp->n_layers; l++) {
        off[l] = total;
        total += shape_elems(sp->layers[l].out);
    }
    Seen *seen = calloc((size_t)total, sizeof *seen);
    Rng rng;
    rng_seed(&rng, 99);
    for (long i = 0; i < n_in; i++)
        x[i] = rng_uniform(&rng) * 2.0f - 1.0f;
    net_forward(net, base, x, 1);
    for (long j = 0; j < n_in; j++) {
        memcpy(x2, x, sizeof(float) * (size_t)n_in);
        x2[j] += 1.0f;
        net_forward(net, pert, x2, 1);
        int jc = (int)(j / (in.h * in.w)), jy = (int)(j / in.w % in.h), jx = (int)(j % in.w);
        for (int l = 0; l < sp->n_layers; l++) {
            long n = shape_elems(sp->layers[l].out);
            for (long u = 0; u < n; u++) {
                if (pert->out[l][u] == base->out[l][u])
                    continue;
                Seen *s = &seen[off[l] + u];
                if (!s->any) {
                    *s = (Seen){jc, jc, jy, jy, jx, jx, true};
                    continue;
                }
                s->c0 = jc < s->c0 ? jc : s->c0;
                s->c1 = jc > s->c1 ? jc : s->c1;
                s->y0 = jy < s->y0 ? jy : s->y0;
                s->y1 = jy > s->y1 ? jy : s->y1;
                s->x0 = jx < s->x0 ? jx : s->x0;
                s->x1 = jx > s->x1 ? jx : s->x1;
            }
        }
    }
    int units = 0, bad = 0;
    RfBox b[NET_MAX_LAYERS + 1];
    for (int l = 0; l < sp->n_layers; l++) {
        Shape s = sp->layers[l].out;
        for (long u = 0; u < shape_elems(s); u++) {
            int c = (int)(u / (s.h * s.w)), y = (int)(u / s.w % s.h), xx = (int)(u % s.w);
            if (!receptive_trace(sp, l, c, y, xx, b)) {
                bad++;
                continue;
            }
            const Seen *e = &seen[off[l] + u];
            const RfBox *r = &b[0];
            bool ok = e->any ? (!r->empty && r->c0 == e->c0 && r->c1 == e->c1 && r->y0 == e->y0 &&
                                r->y1 == e->y1 && r->x0 == e->x0 && r->x1 == e->x1)
                             : r->empty;
            if (!ok && bad < 3)
                fprintf(stderr,
                        "net:\n%slayer %d unit (%d,%d,%d): brute force c %d..%d y %d..%d "
                        "x %d..%d%s, traced c %d..%d y %d..%d x %d..%d%s\n",
                        text, l, c, y, xx, e->c0, e->c1, e->y0, e->y1, e->x0, e->x1,
                        e->any ? "" : " (none)", r->c0, r->c1, r->y0, r->y1, r->x0, r->x1,
                        r->empty ? " (empty)" : "");
            bad += !ok;
            units++;
        }
    }
    CHECK_INT_EQ(0, bad);
    free(seen);
    free(x);
    free(x2);
    net_acts_destroy(base);
    net_acts_destroy(pert);
    net_destroy(net);
    return units;
}

static void test_brute_force(void)
{
    Rng rng;
    rng_seed(&rng, 2024);
    int nets = 0, units = 0;
    char text[1024];
    for (int attempt = 0; attempt < 200 && nets < 40; attempt++) {
        random_net(&rng, text, sizeof text);
        int u = brute_force_net(text);
        nets += u > 0;
        units += u;
    }
    /* enough real nets and units were compared */
    CHECK(nets >= 40);
    CHECK(units > 2000);
    /* grouped and depthwise convs and deconvs read only their group's channels; batchnorm
     * (evaluation mode) the same unit */
    CHECK(brute_force_net("input 4 8 8\nconv 4 k=3 groups=2\nbatchnorm\ntanh\n"
                          "conv 6 k=2 pad=1 groups=2\ndeconv 4 k=2 stride=2 groups=2\n"
                          "conv 4 k=3 groups=4\n") > 0);
    CHECK(brute_force_net("input 6 7 7\nconv 6 k=3 groups=3\nconv 12 k=2 stride=2 groups=6\n"
                          "batchnorm\nleaky alpha=0.1\nconv 4 k=1 groups=2\nflatten\ndense 3\n"
                          "batchnorm\n") > 0);
    for (int i = 0; i < 20; i++) {
        /* random grouped layers */
        int g1 = pick(&rng, 1, 3), g2 = pick(&rng, 1, 2);
        snprintf(text, sizeof text,
                 "input %d %d %d\nconv %d k=%d pad=%d groups=%d\nbatchnorm\ntanh\n"
                 "deconv %d k=2 stride=%d groups=%d\nconv %d k=%d groups=%d\n",
                 g1 * pick(&rng, 1, 2), pick(&rng, 5, 9), pick(&rng, 5, 9), g1 * g2 * 2,
                 pick(&rng, 1, 3), pick(&rng, 0, 1), g1, g2 * 2, pick(&rng, 1, 2), g2,
                 g2 * pick(&rng, 1, 2), pick(&rng, 1, 3), g2);
        int u = brute_force_net(text);
        CHECK(u > 0);
        if (u == 0)
            fprintf(stderr, "  not a net:\n%s", text);
    }
    /* lenet-tiny's geometry on a small input, with average pools so every pixel moves its
     * units: the same traces the Network lab draws */
    CHECK(brute_force_net("input 1 12 12\nconv 2 k=5 pad=2\nleaky alpha=0.1\navgpool k=2\n"
                          "conv 3 k=3\nleaky alpha=0.1\navgpool k=2\nflatten\ndense 4\n"
                          "softmax\n") > 0);
}

int main(void)
{
    test_lenet_tiny();
    test_gaps_and_padding();
    test_brute_force();
    return test_summary();
}
