/* labs/network/model_text.c - the Network lab's numbers and explanations as text (see
 * model.h): numbers with true minus signs, the softmax arithmetic, units parsed from options,
 * and the equation strip's lines for a timeline step or a hovered unit. */
#include "labs/network/model.h"

#include "engine/conv.h"
#include "engine/dense.h"
#include "engine/pool.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Replaces a leading '-' of buf by U+2212 into out. */
static const char *minus_sign(const char *buf, char *out, size_t size)
{
    if (buf[0] == '-')
        snprintf(out, size, "\xE2\x88\x92%.60s", buf + 1);
    else
        snprintf(out, size, "%s", buf);
    return out;
}

const char *netlab_format_fixed(double v, int dec, char *out, size_t size)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", dec, v);
    /* "-0.00" is zero */
    bool zero = true;
    for (const char *p = buf; *p; p++)
        zero = zero && (*p == '-' || *p == '0' || *p == '.');
    return minus_sign(zero && buf[0] == '-' ? buf + 1 : buf, out, size);
}

const char *netlab_format_sig(double v, int sig, char *out, size_t size)
{
    char buf[64];
    double a = fabs(v);
    if (v == 0.0) {
        snprintf(out, size, "0");
        return out;
    }
    if (a >= 0.001 && a < 1e6) {
        /* plain: as many decimals as the significant digits need */
        int mag = (int)floor(log10(a));
        int dec = sig - 1 - mag;
        snprintf(buf, sizeof buf, "%.*f", dec < 0 ? 0 : dec, v);
        return minus_sign(buf, out, size);
    }
    snprintf(buf, sizeof buf, "%.*e", sig - 1, v);
    /* 2.10e-05 -> 2.10e−5 */
    char *e = strchr(buf, 'e');
    int ex = e ? atoi(e + 1) : 0;
    if (e)
        *e = '\0';
    char mant[64];
    minus_sign(buf, mant, sizeof mant);
    snprintf(out, size, "%se%s%d", mant, ex < 0 ? "\xE2\x88\x92" : "", ex < 0 ? -ex : ex);
    return out;
}

const char *netlab_times(const char *s, char *out, size_t size)
{
    size_t len = 0;
    for (size_t i = 0; s[i] && len + 3 < size; i++) {
        bool between = s[i] == 'x' && i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9' &&
                       s[i + 1] >= '0' && s[i + 1] <= '9';
        if (between) {
            memcpy(out + len, "\xC3\x97", 2);
            len += 2;
        } else {
            out[len++] = s[i];
        }
    }
    out[len] = '\0';
    return out;
}

/* A probability: 2 decimals from 0.01 up, else 2 significant digits (p = 0.0031). */
static const char *format_prob(double p, char *out, size_t size)
{
    if (p >= 0.01 || p == 0.0)
        return netlab_format_fixed(p, 2, out, size);
    return netlab_format_sig(p, 2, out, size);
}

void netlab_softmax_text(double z, double shift, double sum, float p, char *out, size_t size)
{
    char zs[48], ss[48], ps[48], ms[48];
    netlab_format_fixed(z, 2, zs, sizeof zs);
    netlab_format_sig(sum, 3, ss, sizeof ss);
    format_prob(p, ps, sizeof ps);
    if (shift != 0.0)
        snprintf(out, size, "e^(%s\xE2\x88\x92%s) / %s = %s", zs,
                 netlab_format_fixed(shift, 2, ms, sizeof ms), ss, ps);
    else
        snprintf(out, size, "e^%s / %s = %s", zs, ss, ps);
}

/* ---- units and the equation strip ------------------------------------------------------ */

bool netlab_parse_unit(const NetLabModel *m, const char *value, NetLabUnit *u)
{
    int v[4] = {0, 0, 0, 0}, n = 0;
    const char *p = value;
    while (*p && n < 4) {
        char *end = NULL;
        long x = strtol(p, &end, 10);
        if (end == p)
            return false;
        v[n++] = (int)x;
        p = end;
        if (*p == ',')
            p++;
        else if (*p)
            return false;
    }
    if (*p || n < 2)
        return false;
    NetLabUnit t = {true, v[0], 0, 0, 0};
    if (t.L < 0 || t.L > m->n_layers)
        return false;
    Shape s = m->info[t.L].out;
    if (n == 2 && s.rank == 1)
        t.c = v[1];
    else if (n == 3 && s.rank == 3)
        t.y = v[1], t.x = v[2];
    else if (n == 4 && s.rank == 3)
        t.c = v[1], t.y = v[2], t.x = v[3];
    else
        return false;
    if (t.c < 0 || t.c >= s.c || t.y < 0 || t.y >= s.h || t.x < 0 || t.x >= s.w)
        return false;
    *u = t;
    return true;
}

/* n in subscript digits ("₁₂"). */
static const char *subscript(int n, char *out, size_t size)
{
    char d[16];
    snprintf(d, sizeof d, "%d", n < 0 ? -n : n);
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = d; *p && len + 4 < size; p++)
        len += (size_t)snprintf(out + len, size - len, "\xE2\x82%c", (char)(0x80 + (*p - '0')));
    return out;
}

/* The output-size formula of a conv or pool layer along rows (and columns when they differ). */
static void size_formula(const Layer *l, char *out, size_t size)
{
    out[0] = '\0';
    if (l->kind == LAYER_CONV) {
        const ConvGeom *g = &l->conv;
        snprintf(out, size,
                 "out = \xE2\x8C\x8A(%d + %d + %d \xE2\x88\x92 %d\xC2\xB7(%d\xE2\x88\x92"
                 "1) "
                 "\xE2\x88\x92 1)/%d\xE2\x8C\x8B + 1 = %d",
                 g->h, g->pt, g->pb, g->dh, g->kh, g->sh, g->oh);
    } else if (l->kind == LAYER_MAXPOOL || l->kind == LAYER_AVGPOOL || l->kind == LAYER_L2POOL) {
        const PoolGeom *g = &l->pool;
        snprintf(out, size, "out = \xE2\x8C\x8A(%d \xE2\x88\x92 %d)/%d\xE2\x8C\x8B + 1 = %d", g->h,
                 g->kh, g->sh, g->oh);
    }
}

void netlab_step_text(const NetLabModel *m, const NetLabInput *in, int step, char *eq1,
                      size_t eq1_size, char *eq2, size_t eq2_size)
{
    char f[256];
    if (step <= 0) {
        if (in->src == NETLAB_SRC_DIGIT)
            snprintf(eq1, eq1_size, "step 0: the input %s, test digit #%d (a %d)", m->info[0].shape,
                     in->digit_index, in->digits.labels[in->digit_index]);
        else
            snprintf(eq1, eq1_size, "step 0: the input %s, %s", m->info[0].shape,
                     in->src == NETLAB_SRC_CANVAS ? "your drawing" : in->file_name);
        snprintf(eq2, eq2_size,
                 "\xE2\x86\x92 computes the next layer;  %ld parameters "
                 "in all;  hover any unit for its receptive field",
                 m->total_params);
        return;
    }
    const Layer *l = &m->net->spec.layers[step - 1];
    const NetLabLayer *li = &m->info[step];
    size_formula(l, f, sizeof f);
    snprintf(eq1, eq1_size, "layer %d/%d: %s \xE2\x86\x92 %s%s%s", step, m->n_layers, li->line,
             li->shape, f[0] ? "   " : "", f);
    switch (l->kind) {
    case LAYER_CONV:
    case LAYER_DECONV:
    case LAYER_DENSE:
        snprintf(eq2, eq2_size, "parameters %s;  total %ld", li->formula, m->total_params);
        break;
    case LAYER_FLATTEN:
        snprintf(eq2, eq2_size,
                 "the %s maps read in C, H, W order: the same numbers "
                 "in one line, no parameters",
                 m->info[step - 1].shape);
        break;
    case LAYER_SOFTMAX: {
        int k = m->predicted;
        char sub[32];
        snprintf(eq2, eq2_size, "p%s = %s  (%s)", subscript(k, sub, sizeof sub),
                 k < NETLAB_MAX_CLASSES ? m->arith[k] : "", m->sum_text);
        break;
    }
    case LAYER_MAXPOOL:
        snprintf(eq2, eq2_size,
                 "the largest value of each window, per channel; no "
                 "parameters");
        break;
    case LAYER_AVGPOOL:
        snprintf(eq2, eq2_size, "the mean of each window, per channel; no parameters");
        break;
    case LAYER_RELU:
        snprintf(eq2, eq2_size, "y = max(0, x) for each value; no parameters");
        break;
    default:
        snprintf(eq2, eq2_size, "applied to each value; no parameters");
        break;
    }
}

const char *netlab_prediction_text(const NetLabModel *m, const NetLabInput *in, char *out,
                                   size_t size)
{
    const char *name = dataset_class_name_of(false, m->predicted);
    char pv[32];
    netlab_format_fixed(m->p[m->predicted], 2, pv, sizeof pv);
    const char *pn = m->softmax ? "p" : "y";
    if (in->src == NETLAB_SRC_DIGIT)
        snprintf(out, size, "prediction %s (%s %s)  label %d %s", name, pn, pv,
                 in->digits.labels[in->digit_index],
                 in->digits.labels[in->digit_index] == m->predicted ? "\xE2\x9C\x93"
                                                                    : "\xE2\x9C\x97");
    else
        snprintf(out, size, "prediction %s (%s %s)", name, pn, pv);
    return out;
}

/* Where the receptive field b of a unit lies in the input. */
static void field_text(const NetLabModel *m, const RfBox *b, char *out, size_t size)
{
    Shape in = m->info[0].out;
    if (b->empty)
        snprintf(out, size, "receptive field: only padding");
    else if (rf_covers(b, in))
        snprintf(out, size, "receptive field: the whole input %s", m->info[0].shape);
    else if (rf_rows(b) != rf_unclipped_rows(b) || rf_cols(b) != rf_unclipped_cols(b))
        snprintf(out, size,
                 "receptive field %d\xC3\x97%d (%d\xC3\x97%d inside the image): rows %d\xE2\x80\x93"
                 "%d, cols %d\xE2\x80\x93%d",
                 rf_unclipped_rows(b), rf_unclipped_cols(b), rf_rows(b), rf_cols(b), b->y0, b->y1,
                 b->x0, b->x1);
    else
        snprintf(out, size,
                 "receptive field %d\xC3\x97%d: rows %d\xE2\x80\x93%d, cols %d\xE2\x80\x93%d",
                 rf_rows(b), rf_cols(b), b->y0, b->y1, b->x0, b->x1);
}

/* The engine's own account of unit u of layer L >= 1, asked again of its single-cell query
 * (conv_cell, pool_cell, dense_cell), or the softmax's arithmetic; "" for other layers. */
static void unit_account(const NetLabModel *m, const NetLabUnit *u, const RfBox *rf, char *eq2,
                         size_t eq2_size)
{
    char a[48];
    const Layer *l = &m->net->spec.layers[u->L - 1];
    const float *x = netlab_layer_data(m, u->L - 1);
    const float *w = net_weights(m->net, u->L - 1), *bias = net_bias(m->net, u->L - 1);
    int n_terms = 0;
    if (l->kind == LAYER_CONV) {
        float val = conv_cell(&l->conv, x, w, bias, u->c, u->y, u->x, NULL, 0, &n_terms);
        snprintf(eq2, eq2_size,
                 "= b + \xCE\xA3 of %d products (%d channel%s \xC3\x97 %d\xC3\x97%d window of "
                 "layer %d) = %s",
                 n_terms, l->conv.c, l->conv.c == 1 ? "" : "s", l->conv.kh, l->conv.kw, u->L - 1,
                 netlab_format_fixed(val, 4, a, sizeof a));
    } else if (l->kind == LAYER_MAXPOOL || l->kind == LAYER_AVGPOOL || l->kind == LAYER_L2POOL) {
        int am = -1;
        PoolKind pk = l->kind == LAYER_MAXPOOL   ? POOL_MAX
                      : l->kind == LAYER_AVGPOOL ? POOL_AVG
                                                 : POOL_L2;
        long plane = (long)l->pool.h * l->pool.w;
        float val = pool_cell(&l->pool, pk, x + u->c * plane, u->y, u->x, &am);
        if (pk == POOL_MAX)
            snprintf(eq2, eq2_size,
                     "max of the %d\xC3\x97%d window of layer %d = "
                     "%s, at (%d, %d)",
                     l->pool.kh, l->pool.kw, u->L - 1, netlab_format_fixed(val, 4, a, sizeof a),
                     am / l->pool.w, am % l->pool.w);
        else
            snprintf(eq2, eq2_size, "%s of the %d\xC3\x97%d window of layer %d = %s",
                     pk == POOL_AVG ? "mean" : "L2 norm", l->pool.kh, l->pool.kw, u->L - 1,
                     netlab_format_fixed(val, 4, a, sizeof a));
    } else if (l->kind == LAYER_DENSE) {
        float val = dense_cell(x, w, bias, l->in.c, u->c, NULL, 0, &n_terms);
        snprintf(eq2, eq2_size,
                 "= b + \xCE\xA3 w\xC2\xB7x over all %d values of layer %d = %s: it reads "
                 "every unit before it",
                 n_terms, u->L - 1, netlab_format_fixed(val, 4, a, sizeof a));
    } else if (l->kind == LAYER_SOFTMAX && u->c < NETLAB_MAX_CLASSES) {
        char sub[32];
        snprintf(eq2, eq2_size, "p%s = %s  (%s)", subscript(u->c, sub, sizeof sub), m->arith[u->c],
                 m->sum_text);
    } else if (l->kind == LAYER_FLATTEN) {
        snprintf(eq2, eq2_size, "element %d = layer %d [c %d, y %d, x %d]", u->c, u->L - 1,
                 rf[u->L - 1].c0, rf[u->L - 1].y0, rf[u->L - 1].x0);
    }
}

/* The value is asked again of the engine's single-cell query where there is one (it equals the
 * full forward's). */
void netlab_unit_text(const NetLabModel *m, const NetLabUnit *u, const RfBox *rf, char *eq1,
                      size_t eq1_size, char *eq2, size_t eq2_size, char *tip, size_t tip_size)
{
    const NetLabLayer *li = &m->info[u->L];
    Shape s = li->out;
    char v[48], pos[96], where[200];
    netlab_format_fixed(netlab_unit_value(m, u->L, u->c, u->y, u->x), 4, v, sizeof v);
    if (s.rank == 3)
        snprintf(pos, sizeof pos, "[c %d, y %d, x %d]", u->c, u->y, u->x);
    else
        snprintf(pos, sizeof pos, "[%d]", u->c);
    field_text(m, &rf[0], where, sizeof where);
    const char *name = u->L == 0 ? "input" : li->line;
    snprintf(eq1, eq1_size, "%s %s = %s;  %s", name, pos, v, where);
    /* the engine's own account of the unit */
    eq2[0] = '\0';
    if (u->L >= 1)
        unit_account(m, u, rf, eq2, eq2_size);
    if (u->L > 0) {
        char first[160];
        snprintf(first, sizeof first, "layer %d: %s \xE2\x86\x92 %s", u->L, name, li->shape);
        snprintf(tip, tip_size, "%.120s\n%.40s = %.24s\n%.160s%s%.100s", first, pos, v, where,
                 eq2[0] ? "\n" : "", eq2);
    } else {
        snprintf(tip, tip_size, "input %s\n%s = %s", m->info[0].shape, pos, v);
    }
}
