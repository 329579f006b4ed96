/* labs/backprop/model_names.c - the names the Backprop lab writes (see model.h): tensors and
 * weights by stage (z₁, a₁, m₁, f, p; K₁, b₁, W₂), their gradients (∂L/∂z₁), shapes, cell
 * coordinates and the phases' short names.
 * Depends on: model_int.h, engine (net). */
#include "labs/backprop/model_int.h"

#include <stdio.h>
#include <string.h>

/* UTF-8 subscript digits ₀..₉ for n >= 0. */
static void subscript(int n, char *buf, size_t size)
{
    char digits[16];
    snprintf(digits, sizeof digits, "%d", n);
    size_t k = 0;
    for (const char *d = digits; *d && k + 4 < size; d++) {
        buf[k++] = (char)0xE2;
        buf[k++] = (char)0x82;
        buf[k++] = (char)(0x80 + (*d - '0'));
    }
    buf[k] = '\0';
}

/* How many layers with parameters come at or before layer i (the stage number of the notes). */
static int stage_of(const BpModel *m, int i)
{
    int n = 0;
    for (int j = 0; j <= i && j < m->net->spec.n_layers; j++)
        n += layer_has_params(m->net->spec.layers[j].kind);
    return n;
}

const char *bp_model_tensor_name(const BpModel *m, int layer, char *buf, size_t size)
{
    if (layer < 0) {
        snprintf(buf, size, "x");
        return buf;
    }
    char sub[32];
    subscript(stage_of(m, layer), sub, sizeof sub);
    const char *letter = "h";
    switch (m->net->spec.layers[layer].kind) {
    case LAYER_CONV:
    case LAYER_DECONV:
    case LAYER_DENSE:
        letter = "z";
        break;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
    case LAYER_L2POOL:
        letter = "m";
        break;
    case LAYER_FLATTEN:
        snprintf(buf, size, "f");
        return buf;
    case LAYER_SOFTMAX:
        snprintf(buf, size, "p");
        return buf;
    case LAYER_LRN:
    case LAYER_BATCHNORM: /* both normalise */
        letter = "n";
        break;
    default:
        letter = "a";
        break;
    }
    snprintf(buf, size, "%s%s", letter, sub);
    return buf;
}

const char *bp_model_weight_name(const BpModel *m, int layer, bool bias, char *buf, size_t size)
{
    char sub[32];
    subscript(stage_of(m, layer), sub, sizeof sub);
    LayerKind kind = m->net->spec.layers[layer].kind;
    if (kind == LAYER_BATCHNORM) {
        snprintf(buf, size, "%s%s", bias ? "\xCE\xB2" : "\xCE\xB3", sub); /* β, γ */
        return buf;
    }
    bool conv = kind != LAYER_DENSE;
    snprintf(buf, size, "%s%s", bias ? "b" : conv ? "K" : "W", sub);
    return buf;
}

const char *bp_model_shape(const BpModel *m, int layer, char *buf, size_t size)
{
    Shape s = layer < 0 ? m->net->spec.input : m->net->spec.layers[layer].out;
    if (s.rank == 3)
        snprintf(buf, size, "%d\xC3\x97%d\xC3\x97%d", s.c, s.h, s.w);
    else
        snprintf(buf, size, "%d", s.c);
    return buf;
}

const char *bp_model_cell_coords(const BpModel *m, const BpPhase *ph, long cell, char *buf,
                                 size_t size)
{
    const Layer *l = layer_of(m, ph);
    Shape s = {1, 1, 1, 1};
    switch (ph->kind) {
    case BP_LOSS_XENT:
    case BP_LOSS_SSE:
    case BP_CONV_B:
        snprintf(buf, size, "[%ld]", cell);
        return buf;
    case BP_DENSE_W:
        snprintf(buf, size, "[%ld,%ld]", cell / l->in.c, cell % l->in.c);
        return buf;
    case BP_CONV_W: {
        const ConvGeom *g = &l->conv;
        long kk = (long)g->kh * g->kw, cg = g->c / conv_groups(g);
        snprintf(buf, size, "[%ld,%ld,%ld,%ld]", cell / (cg * kk), cell / kk % cg,
                 cell % kk / g->kw, cell % g->kw);
        return buf;
    }
    case BP_UPDATE:
        if (cell >= l->n_w) {
            snprintf(buf, size, "[%ld]", cell - l->n_w);
            return buf;
        }
        if (l->kind == LAYER_DENSE) {
            snprintf(buf, size, "[%ld,%ld]", cell / l->in.c, cell % l->in.c);
            return buf;
        } else if (l->kind == LAYER_BATCHNORM) {
            snprintf(buf, size, "[%ld]", cell);
            return buf;
        } else {
            /* conv (O, C/G, KH, KW); deconv (C, O/G, KH, KW) */
            const ConvGeom *g = &l->conv;
            long kk = (long)g->kh * g->kw;
            long ax = (l->kind == LAYER_DECONV ? g->o : g->c) / conv_groups(g);
            snprintf(buf, size, "[%ld,%ld,%ld,%ld]", cell / (ax * kk), cell / kk % ax,
                     cell % kk / g->kw, cell % g->kw);
            return buf;
        }
    case BP_POOL:
        s = l->out;
        break;
    default:
        s = l->in;
        break;
    }
    if (s.rank == 3) {
        long plane = (long)s.h * s.w;
        snprintf(buf, size, "[%ld,%ld,%ld]", cell / plane, cell % plane / s.w, cell % s.w);
    } else {
        snprintf(buf, size, "[%ld]", cell);
    }
    return buf;
}

const char *bp_model_grad_name(const BpModel *m, int layer, char *buf, size_t size)
{
    char n[32];
    bp_model_tensor_name(m, layer, n, sizeof n);
    snprintf(buf, size, "\xE2\x88\x82L/\xE2\x88\x82%.16s", n);
    return buf;
}

const char *bp_model_plane_shape(const BpModel *m, int layer, int c, char *buf, size_t size)
{
    char s[32];
    bp_model_shape(m, layer, s, sizeof s);
    Shape sh = layer < 0 ? m->net->spec.input : m->net->spec.layers[layer].out;
    if (sh.rank == 3 && sh.c > 1)
        snprintf(buf, size, "(%.20s) ch %d", s, c);
    else
        snprintf(buf, size, "(%s)", s);
    return buf;
}

const char *bp_model_phase_short(const BpModel *m, const BpPhase *ph, char *buf, size_t size)
{
    char n[32], w[32];
    const Layer *l = &m->net->spec.layers[ph->layer];
    switch (ph->kind) {
    case BP_LOSS_XENT:
        snprintf(buf, size, "p \xE2\x88\x92 y at the softmax");
        break;
    case BP_LOSS_SSE:
        snprintf(buf, size, "y \xE2\x88\x92 t at the output");
        break;
    case BP_DENSE_W:
        bp_model_weight_name(m, ph->layer, false, w, sizeof w);
        snprintf(buf, size, "\xE2\x88\x82L/\xE2\x88\x82%s = \xCE\xB4\xC2\xB7x\xE1\xB5\x80", w);
        break;
    case BP_DENSE_X:
        snprintf(buf, size, "%s = W\xE1\xB5\x80\xCE\xB4",
                 bp_model_grad_name(m, ph->layer - 1, n, sizeof n));
        break;
    case BP_FLATTEN:
        snprintf(buf, size, "unflatten to %s", bp_model_grad_name(m, ph->layer - 1, n, sizeof n));
        break;
    case BP_POOL:
        snprintf(buf, size, "%s routing", l->kind == LAYER_MAXPOOL ? "max-pool" : "avg-pool");
        break;
    case BP_ACT:
        snprintf(buf, size, "%s %s", layer_kind_name(l->kind),
                 l->kind == LAYER_RELU ? "mask" : "slope");
        break;
    case BP_CONV_W:
        bp_model_weight_name(m, ph->layer, false, w, sizeof w);
        snprintf(buf, size, "\xE2\x88\x82L/\xE2\x88\x82%s sweep", w);
        break;
    case BP_CONV_B:
        bp_model_weight_name(m, ph->layer, true, w, sizeof w);
        snprintf(buf, size, "\xE2\x88\x82L/\xE2\x88\x82%s = \xCE\xA3", w);
        break;
    case BP_CONV_X:
        snprintf(buf, size, "%s (conv back)", bp_model_grad_name(m, ph->layer - 1, n, sizeof n));
        break;
    case BP_UPDATE:
        bp_model_weight_name(m, ph->layer, false, w, sizeof w);
        snprintf(buf, size, "update %s \xE2\x86\x90 %s \xE2\x88\x92 \xCE\xB7\xC2\xB7\xE2\x88\x82L",
                 w, w);
        break;
    default:
        snprintf(buf, size, "%s", layer_kind_name(l->kind));
        break;
    }
    return buf;
}
