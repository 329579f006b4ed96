/* receptive.c - see receptive.h. Legend: C channels, H/W height/width, K kernel, S stride,
 * P padding (low side), D dilation. Each axis is traced on its own: every layer's windows are
 * products of a row window and a column window. */
#include "engine/receptive.h"

/* floor(a / b) and ceil(a / b) for b > 0 and any sign of a (C's / truncates toward 0). */
static int floor_div(int a, int b)
{
    int q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int ceil_div(int a, int b)
{
    return -floor_div(-a, b);
}

/* Conv along one axis: output rows lo..hi read input rows o*S - P + k*D (k < K). *in_lo, *in_hi
 * get the smallest and largest of those inside 0..n-1; false when every one is padding. */
static bool conv_axis(int lo, int hi, int s, int p, int k, int d, int n, int *in_lo, int *in_hi)
{
    int best_lo = n, best_hi = -1;
    for (int o = lo; o <= hi; o++) {
        int base = o * s - p;
        /* the first tap at or after row 0, and the last at or before row n - 1 */
        int k_first = base >= 0 ? 0 : ceil_div(-base, d);
        int k_last = floor_div(n - 1 - base, d);
        if (k_last > k - 1)
            k_last = k - 1;
        if (k_first > k_last)
            continue;
        if (base + k_first * d < best_lo)
            best_lo = base + k_first * d;
        if (base + k_last * d > best_hi)
            best_hi = base + k_last * d;
    }
    *in_lo = best_lo;
    *in_hi = best_hi;
    return best_lo <= best_hi;
}

/* Transposed conv along one axis: input row i stamps output rows i*S - P + k*D (k < K); the
 * input rows that stamp at least one of lo..hi. */
static bool deconv_axis(int lo, int hi, int s, int p, int k, int d, int n, int *in_lo, int *in_hi)
{
    int best_lo = n, best_hi = -1;
    for (int i = 0; i < n; i++) {
        int base = i * s - p;
        /* some k with lo <= base + k*d <= hi */
        int k_first = ceil_div(lo - base, d);
        int k_last = floor_div(hi - base, d);
        if (k_first < 0)
            k_first = 0;
        if (k_last > k - 1)
            k_last = k - 1;
        if (k_first > k_last)
            continue;
        if (i < best_lo)
            best_lo = i;
        best_hi = i;
    }
    *in_lo = best_lo;
    *in_hi = best_hi;
    return best_lo <= best_hi;
}

static RfBox whole(Shape s)
{
    RfBox b = {0, s.c - 1, 0, s.h - 1, 0, s.w - 1, 0, s.h - 1, 0, s.w - 1, false};
    return b;
}

static RfBox empty_box(void)
{
    RfBox b = {0, -1, 0, -1, 0, -1, 0, -1, 0, -1, true};
    return b;
}

/* The input channels that output channels o->c0 .. o->c1 of a conv or deconv read: every one
 * without groups; with G groups, those of the groups the outputs belong to (CG = C/G input
 * channels per group, OG = O/G outputs). */
static void group_channels(const ConvGeom *g, const RfBox *o, RfBox *b)
{
    const int cg = g->c / conv_groups(g), og = g->o / conv_groups(g);
    b->c0 = o->c0 / og * cg;
    b->c1 = (o->c1 / og + 1) * cg - 1;
}

/* The region of layer l's input that region `o` of its output reads. */
static RfBox trace_layer(const Layer *l, const RfBox *o)
{
    if (o->empty)
        return empty_box();
    RfBox b = *o;
    switch (l->kind) {
    case LAYER_CONV: {
        const ConvGeom *g = &l->conv;
        group_channels(g, o, &b);
        bool rows = conv_axis(o->y0, o->y1, g->sh, g->pt, g->kh, g->dh, g->h, &b.y0, &b.y1);
        bool cols = conv_axis(o->x0, o->x1, g->sw, g->pl, g->kw, g->dw, g->w, &b.x0, &b.x1);
        /* the textbook extent: padding counted as input */
        b.uy0 = o->uy0 * g->sh - g->pt;
        b.uy1 = o->uy1 * g->sh - g->pt + (g->kh - 1) * g->dh;
        b.ux0 = o->ux0 * g->sw - g->pl;
        b.ux1 = o->ux1 * g->sw - g->pl + (g->kw - 1) * g->dw;
        if (!rows || !cols)
            return empty_box();
        return b;
    }
    case LAYER_DECONV: {
        const ConvGeom *g = &l->conv;
        group_channels(g, o, &b);
        bool rows = deconv_axis(o->y0, o->y1, g->sh, g->pt, g->kh, g->dh, g->h, &b.y0, &b.y1);
        bool cols = deconv_axis(o->x0, o->x1, g->sw, g->pl, g->kw, g->dw, g->w, &b.x0, &b.x1);
        b.uy0 = ceil_div(o->uy0 + g->pt - (g->kh - 1) * g->dh, g->sh);
        b.uy1 = floor_div(o->uy1 + g->pt, g->sh);
        b.ux0 = ceil_div(o->ux0 + g->pl - (g->kw - 1) * g->dw, g->sw);
        b.ux1 = floor_div(o->ux1 + g->pl, g->sw);
        if (!rows || !cols)
            return empty_box();
        return b;
    }
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
    case LAYER_L2POOL: {
        const PoolGeom *g = &l->pool;
        b.y0 = o->y0 * g->sh;
        b.y1 = o->y1 * g->sh + g->kh - 1;
        b.x0 = o->x0 * g->sw;
        b.x1 = o->x1 * g->sw + g->kw - 1;
        b.uy0 = o->uy0 * g->sh;
        b.uy1 = o->uy1 * g->sh + g->kh - 1;
        b.ux0 = o->ux0 * g->sw;
        b.ux1 = o->ux1 * g->sw + g->kw - 1;
        return b;
    }
    case LAYER_LRN: {
        int c0 = o->c0 - l->lrn_size / 2, c1 = o->c1 + (l->lrn_size - 1) / 2;
        b.c0 = c0 < 0 ? 0 : c0;
        b.c1 = c1 > l->in.c - 1 ? l->in.c - 1 : c1;
        return b;
    }
    case LAYER_FLATTEN: {
        Shape s = l->in;
        if (s.rank == 1)
            return b;
        int hw = s.h * s.w;
        int ca = o->c0 / hw, cb = o->c1 / hw;
        int ya = (o->c0 / s.w) % s.h, yb = (o->c1 / s.w) % s.h;
        if (ca != cb) {
            /* several planes: their whole area */
            b = whole(s);
            b.c0 = ca;
            b.c1 = cb;
        } else if (ya != yb) {
            b = (RfBox){ca, ca, ya, yb, 0, s.w - 1, ya, yb, 0, s.w - 1, false};
        } else {
            int xa = o->c0 % s.w, xb = o->c1 % s.w;
            b = (RfBox){ca, ca, ya, ya, xa, xb, ya, ya, xa, xb, false};
        }
        return b;
    }
    case LAYER_DENSE:
    case LAYER_SOFTMAX:
        /* every output reads every input (softmax through its sum) */
        return whole(l->in);
    default:
        /* pointwise activations: the same units */
        return b;
    }
}

bool receptive_trace(const NetSpec *spec, int layer, int c, int y, int x, RfBox *out)
{
    if (!spec || layer < 0 || layer >= spec->n_layers)
        return false;
    Shape s = spec->layers[layer].out;
    if (c < 0 || c >= s.c || y < 0 || y >= s.h || x < 0 || x >= s.w)
        return false;
    RfBox b = {c, c, y, y, x, x, y, y, x, x, false};
    out[layer + 1] = b;
    for (int l = layer; l >= 0; l--) {
        b = trace_layer(&spec->layers[l], &b);
        out[l] = b;
    }
    return true;
}

int rf_rows(const RfBox *b)
{
    return b->empty ? 0 : b->y1 - b->y0 + 1;
}

int rf_cols(const RfBox *b)
{
    return b->empty ? 0 : b->x1 - b->x0 + 1;
}

int rf_channels(const RfBox *b)
{
    return b->empty ? 0 : b->c1 - b->c0 + 1;
}

int rf_unclipped_rows(const RfBox *b)
{
    return b->empty ? 0 : b->uy1 - b->uy0 + 1;
}

int rf_unclipped_cols(const RfBox *b)
{
    return b->empty ? 0 : b->ux1 - b->ux0 + 1;
}

bool rf_covers(const RfBox *b, Shape s)
{
    return !b->empty && b->c0 <= 0 && b->c1 >= s.c - 1 && b->y0 <= 0 && b->y1 >= s.h - 1 &&
           b->x0 <= 0 && b->x1 >= s.w - 1;
}

bool rf_contains(const RfBox *b, int c, int y, int x)
{
    return !b->empty && c >= b->c0 && c <= b->c1 && y >= b->y0 && y <= b->y1 && x >= b->x0 &&
           x <= b->x1;
}
