/* fuzz_net.c - libFuzzer harness: net text into net_parse / net_create, then (for small nets)
 * one training step on a fixed input in each mode (evaluation, then training), and the
 * canonical round trip: every layer written back
 * with layer_format must parse to the same shapes. Crashes, sanitizer reports, hangs. */
#include "engine/net.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* work limits so that a valid but big net does not time the fuzzer out (its 2 s a input):
 * multiply-adds of one forward pass, estimated per layer as weights times the larger of the
 * input's and output's planes (conv, deconv) or the tensor's elements times a window (pools,
 * lrn). 5e5 takes about 0.1 s for the step under ASan; the first limit, 20000 elements a
 * layer, let through a 1x28x88 lenet whose reference backward took 0.55 s, over 2 s when the
 * machine was busy (fuzz_net timeout, 10-minute run). */
#define FUZZ_MAX_WORK   500000L
#define FUZZ_MAX_PARAMS 20000L

static long layer_work(const Layer *l)
{
    long in_plane = (long)l->in.h * l->in.w, out_plane = (long)l->out.h * l->out.w;
    long plane = in_plane > out_plane ? in_plane : out_plane;
    long elems =
        shape_elems(l->in) > shape_elems(l->out) ? shape_elems(l->in) : shape_elems(l->out);
    long work = l->n_w * (l->kind == LAYER_DENSE ? 1 : plane) + elems;
    if (l->kind == LAYER_MAXPOOL || l->kind == LAYER_AVGPOOL || l->kind == LAYER_L2POOL)
        work += shape_elems(l->out) * (long)l->pool.kh * l->pool.kw;
    if (l->kind == LAYER_LRN)
        work += elems * l->lrn_size;
    return work;
}

static void check_roundtrip(const NetSpec *sp)
{
    static char text[NET_MAX_LAYERS * 160 + 64];
    size_t len = (size_t)snprintf(text, sizeof text, "input %d %d %d\n", sp->input.c, sp->input.h,
                                  sp->input.w);
    for (int i = 0; i < sp->n_layers; i++) {
        char line[160];
        layer_format(&sp->layers[i], line, sizeof line);
        len += (size_t)snprintf(text + len, sizeof text - len, "%s\n", line);
    }
    NetSpec *again = malloc(sizeof *again);
    char err[512];
    if (!again)
        abort();
    if (!net_parse(again, text, "roundtrip", err, sizeof err)) {
        fprintf(stderr, "canonical text refused: %s\n%s", err, text);
        abort();
    }
    if (again->n_layers != sp->n_layers || again->n_params != sp->n_params ||
        again->n_state != sp->n_state)
        abort();
    for (int i = 0; i < sp->n_layers; i++)
        if (memcmp(&again->layers[i].out, &sp->layers[i].out, sizeof(Shape)) != 0) {
            fprintf(stderr, "layer %d shape differs after round trip\n%s", i, text);
            abort();
        }
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[512];
    Net *net = net_create(text, "fuzz.net", 7, err, sizeof err);
    free(text);
    if (!net) {
        /* every refusal must name the file */
        if (strncmp(err, "fuzz.net", 8) != 0)
            abort();
        return 0;
    }
    const NetSpec *sp = &net->spec;
    check_roundtrip(sp);
    long work = 0;
    for (int i = 0; i < sp->n_layers; i++)
        work += layer_work(&sp->layers[i]);
    bool small = net->n_params <= FUZZ_MAX_PARAMS && work <= FUZZ_MAX_WORK;
    if (small) {
        NetActs *a = net_acts_create(net, 1);
        float *x = calloc((size_t)shape_elems(sp->input), sizeof(float));
        if (a && x) {
            for (long i = 0; i < shape_elems(sp->input); i++)
                x[i] = (float)(i % 7) - 3.0f;
            int label = (int)(shape_elems(sp->layers[sp->n_layers - 1].out) - 1);
            net_train_step(net, a, x, &label, 1);
            net_set_training(net, true);
            net_train_step(net, a, x, &label, 1);
        }
        free(x);
        net_acts_destroy(a);
    }
    net_destroy(net);
    return 0;
}
