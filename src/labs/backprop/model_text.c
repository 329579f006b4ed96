/* labs/backprop/model_text.c - the Backprop lab's texts (see model.h): each step's equation
 * written out with the numbers and folded to a width, the phases' captions, the notes and the
 * finite-difference check as the lab writes them.
 * Depends on: model_int.h, engine (net). */
#include "labs/backprop/model_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------- equations */

/* v with prec decimals, trailing zeros trimmed, no exponent, true minus sign. */
static void fmt_fixed(float v, int prec, char *out, size_t cap)
{
    char tmp[48];
    if (v == 0.0f)
        snprintf(tmp, sizeof tmp, "0");
    else
        snprintf(tmp, sizeof tmp, "%.*f", prec, (double)v);
    if (strchr(tmp, '.')) {
        size_t n = strlen(tmp);
        while (n > 0 && tmp[n - 1] == '0')
            tmp[--n] = '\0';
        if (n > 0 && tmp[n - 1] == '.')
            tmp[--n] = '\0';
    }
    if (strcmp(tmp, "-0") == 0)
        snprintf(tmp, sizeof tmp, "0");
    if (tmp[0] == '-')
        snprintf(out, cap, "\xE2\x88\x92%.24s", tmp + 1);
    else
        snprintf(out, cap, "%s", tmp);
}

/* A number as the equations print it: short, no exponent, true minus sign. */
static void fmt_num(float v, char *out, size_t cap)
{
    float a = fabsf(v);
    fmt_fixed(v, a >= 100.0f ? 1 : a >= 1.0f ? 3 : a >= 0.001f ? 4 : 6, out, cap);
}

static int utf8_width(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Greedy folding of tokens joined by spaces into lines of at most width characters. Writes
 * the text when out is not NULL; returns the line count. */
static int fold_tokens(const char *const *tok, int n, int width, char *out, size_t cap)
{
    int lines = n > 0 ? 1 : 0, col = 0;
    size_t used = 0;
    if (out && cap)
        out[0] = '\0';
    for (int t = 0; t < n; t++) {
        int w = utf8_width(tok[t]);
        bool br = col > 0 && col + 1 + w > width;
        if (br) {
            lines++;
            col = 0;
        }
        if (out && used < cap) {
            int k = snprintf(out + used, cap - used, "%s%s", br ? "\n" : (t ? " " : ""), tok[t]);
            used += k > 0 ? (size_t)k : 0;
            if (used >= cap)
                used = cap - 1;
        }
        col += (col ? 1 : 0) + w;
    }
    return lines;
}

/* A term as a token of the written sum: "+ a×b" after the first (plus), in slot's buffer. */
static const char *term_token(const char *term, bool plus, int slot)
{
    static char buf[BP_MAX_TERMS + 16][176];
    snprintf(buf[slot], sizeof buf[slot], "%s%s", plus ? "+ " : "", term);
    return buf[slot];
}

/* The left-hand side: what the step's value is the derivative of, at its coordinates
 * ("∂L/∂K₁[0,0,1,2] =", the max pool's winner in its input, "W₂[3,7] ←" for the update). */
static void equation_lhs(const BpModel *m, const BpStep *st, int route, char *lhs, size_t size)
{
    const BpPhase *ph = st->ph;
    const Layer *l = layer_of(m, ph);
    int i = ph->layer;
    char coords[48], name[32];
    bp_model_cell_coords(m, ph, st->focus, coords, sizeof coords);
    switch (ph->kind) {
    case BP_LOSS_XENT:
        bp_model_tensor_name(m, i - 1, name, sizeof name);
        break;
    case BP_LOSS_SSE:
        bp_model_tensor_name(m, i, name, sizeof name);
        break;
    case BP_DENSE_W:
    case BP_CONV_W:
        bp_model_weight_name(m, i, false, name, sizeof name);
        break;
    case BP_CONV_B:
        bp_model_weight_name(m, i, true, name, sizeof name);
        break;
    case BP_UPDATE:
        bp_model_weight_name(m, i, st->focus >= l->n_w, name, sizeof name);
        break;
    default:
        bp_model_tensor_name(m, i - 1, name, sizeof name);
        break;
    }
    if (ph->kind == BP_POOL) {
        /* the winner's coordinates in the pool's input */
        char rc[48];
        Shape s = l->in;
        long plane = (long)s.h * s.w;
        snprintf(rc, sizeof rc, "[%ld,%ld,%ld]", (long)route / plane, (long)route % plane / s.w,
                 (long)route % s.w);
        snprintf(lhs, size, "\xE2\x88\x82L/\xE2\x88\x82%s%s =", name, rc);
    } else if (ph->kind == BP_UPDATE) {
        snprintf(lhs, size, "%s%s \xE2\x86\x90", name, coords);
    } else {
        snprintf(lhs, size, "\xE2\x88\x82L/\xE2\x88\x82%s%s =", name, coords);
    }
}

/* What the sum is, in symbols, before the numbers ("Σ ∂L/∂z₁·x ="); "" when nothing is
 * summed. */
static void equation_symbols(const BpModel *m, const BpStep *st, char *expl, size_t size)
{
    const BpPhase *ph = st->ph;
    const Layer *l = layer_of(m, ph);
    int i = ph->layer;
    expl[0] = '\0';
    char zn[32], xn2[32];
    bp_model_tensor_name(m, i, zn, sizeof zn);
    bp_model_tensor_name(m, i - 1, xn2, sizeof xn2);
    switch (ph->kind) {
    case BP_LOSS_XENT:
    case BP_LOSS_SSE:
        snprintf(expl, size, "%s[%ld] \xE2\x88\x92 %s[%ld] =", ph->kind == BP_LOSS_XENT ? "p" : "y",
                 st->focus, ph->kind == BP_LOSS_XENT ? "y" : "t", st->focus);
        break;
    case BP_DENSE_W:
        snprintf(expl, size, "\xCE\xB4[%ld]\xC2\xB7%s[%ld] =", st->focus / l->in.c, xn2,
                 st->focus % l->in.c);
        break;
    case BP_DENSE_X:
        snprintf(expl, size, "\xCE\xA3 W[o,%ld]\xC2\xB7\xCE\xB4[o] =", st->focus);
        break;
    case BP_ACT:
        snprintf(expl, size,
                 "\xE2\x88\x82L/\xE2\x88\x82%s\xC2\xB7"
                 "f\xE2\x80\xB2(%s) =",
                 zn, xn2);
        break;
    case BP_CONV_W:
        snprintf(expl, size, "\xCE\xA3 \xE2\x88\x82L/\xE2\x88\x82%s\xC2\xB7%s =", zn,
                 i > 0 ? xn2 : "x");
        break;
    case BP_CONV_B:
        snprintf(expl, size, "\xCE\xA3 \xE2\x88\x82L/\xE2\x88\x82%s =", zn);
        break;
    case BP_CONV_X:
        snprintf(expl, size, "\xCE\xA3 w\xC2\xB7\xE2\x88\x82L/\xE2\x88\x82%s =", zn);
        break;
    default:
        break;
    }
}

/* The max pool's terms: the upstream cell, its value a, then the window it won: max(…).
 * Returns the count written into tstr. */
static int pool_window_terms(const BpModel *m, const BpStep *st, const char *a, char (*tstr)[160])
{
    const Layer *l = layer_of(m, st->ph);
    int i = st->ph->layer, n = 0;
    char zn[32];
    bp_model_tensor_name(m, i, zn, sizeof zn);
    long po = (long)l->pool.oh * l->pool.ow;
    snprintf(tstr[n++], sizeof tstr[0], "\xE2\x88\x82L/\xE2\x88\x82%s[%ld,%ld,%ld] =", zn,
             st->focus / po, st->focus % po / l->pool.ow, st->focus % l->pool.ow);
    snprintf(tstr[n++], sizeof tstr[0], "%s,", a);
    const PoolGeom *g = &l->pool;
    const float *xin = layer_input(m, i) + (st->focus / po) * g->h * g->w;
    int oy = (int)(st->focus % po / g->ow), ox = (int)(st->focus % g->ow);
    snprintf(tstr[n++], sizeof tstr[0], "the winner of");
    for (int dy = 0; dy < g->kh; dy++)
        for (int dx = 0; dx < g->kw; dx++) {
            char wv[32];
            fmt_num(xin[(oy * g->sh + dy) * g->w + ox * g->sw + dx], wv, sizeof wv);
            bool first = dy == 0 && dx == 0, lastc = dy == g->kh - 1 && dx == g->kw - 1;
            snprintf(tstr[n++], sizeof tstr[0], "%s%s%s", first ? "max(" : "", wv,
                     lastc ? ")" : ",");
        }
    return n;
}

/* The terms of the right-hand side as text into tstr, the nt products of terms (or the one
 * difference, route, update); zero[k] says term k adds nothing (a factor is 0) and *sum
 * whether the terms are added. Returns their count. */
static int equation_terms(const BpModel *m, const BpStep *st, const BpTerm *terms, int nt,
                          char (*tstr)[160], bool *zero, bool *sum)
{
    const BpPhase *ph = st->ph;
    const Layer *l = layer_of(m, ph);
    int i = ph->layer, n = 0;
    char a[32], b[32];
    switch (ph->kind) {
    case BP_LOSS_XENT:
    case BP_LOSS_SSE:
        /* an output within 0.001 of its target keeps six decimals, so that the difference
         * printed after it (six decimals) follows from it: 0.999985 − 1, not 1 − 1 */
        if (fabsf(terms[0].a - terms[0].b) < 0.001f)
            fmt_fixed(terms[0].a, 6, a, sizeof a);
        else
            fmt_num(terms[0].a, a, sizeof a);
        snprintf(tstr[n++], sizeof tstr[0], "%s \xE2\x88\x92 %s", a,
                 terms[0].b != 0.0f ? "1" : "0");
        break;
    case BP_POOL:
        fmt_num(terms[0].a, a, sizeof a);
        if (l->kind == LAYER_MAXPOOL)
            n = pool_window_terms(m, st, a, tstr);
        else
            snprintf(tstr[n++], sizeof tstr[0], "%s/%d", a, l->pool.kh * l->pool.kw);
        break;
    case BP_UPDATE: {
        char e[32];
        fmt_num(terms[0].a, a, sizeof a);
        fmt_num(terms[0].b, b, sizeof b);
        fmt_num(m->lr, e, sizeof e);
        snprintf(tstr[n++], sizeof tstr[0], "%s \xE2\x88\x92 %s\xC3\x97(%s)", a, e, b);
        break;
    }
    case BP_FLATTEN:
    case BP_OTHER: {
        char src[32];
        bp_model_tensor_name(m, i, src, sizeof src);
        if (ph->kind == BP_FLATTEN) {
            char c2[32];
            snprintf(c2, sizeof c2, "[%ld]", st->focus);
            snprintf(tstr[n++], sizeof tstr[0], "\xE2\x88\x82L/\xE2\x88\x82%s%s", src, c2);
        } else {
            snprintf(tstr[n++], sizeof tstr[0], "(the engine's %s backward)",
                     layer_kind_name(l->kind));
        }
        break;
    }
    case BP_CONV_B:
        *sum = true;
        for (int t = 0; t < nt; t++) {
            fmt_num(terms[t].a, a, sizeof a);
            snprintf(tstr[n], sizeof tstr[0], "%s", a);
            zero[n++] = terms[t].a == 0.0f;
        }
        break;
    default:
        *sum = true;
        for (int t = 0; t < nt; t++) {
            fmt_num(terms[t].a, a, sizeof a);
            fmt_num(terms[t].b, b, sizeof b);
            snprintf(tstr[n], sizeof tstr[0], "%s\xC3\x97%s", a, b);
            zero[n++] = terms[t].a == 0.0f || terms[t].b == 0.0f;
        }
        break;
    }
    return n;
}

/* Folds lhs, expl (may be ""), the n terms tstr and rhs (NULL: none) into lines of at most
 * width characters and max_lines lines: the first and last terms kept, middle ones dropped
 * into "+ …" until it fits. Returns the line count. */
static int fold_equation(const char *lhs, const char *expl, char (*tstr)[160], const bool *zero,
                         int n, bool sum, const char *rhs, int width, int max_lines, char *out,
                         size_t cap)
{
    static const char *tok[BP_MAX_TERMS + 8];
    /* keep the first and last terms, dropping middle ones into "+ …" until it fits; in a sum
     * the zero products go first (they add nothing, and a fold that kept them while hiding
     * the one that matters would show the wrong part), counted in the "+ …" */
    static int idx[2 * (BP_MAX_TERMS + 8)];
    int all = 0, nz = 0;
    for (int t = 0; t < n; t++)
        idx[all++] = t;
    if (sum)
        for (int t = 0; t < n; t++)
            if (!zero[t])
                idx[all + nz++] = t;
    bool can_skip = sum && nz > 0 && nz < n;
    char more[96];
    int lines = 0;
    for (int pass = 0; pass < 2; pass++) {
        /* pass 0: every term (only whole when zeros can go instead); pass 1: the nonzero */
        bool nonzero = pass == 1;
        if (nonzero && !can_skip)
            break;
        const int *list = nonzero ? idx + all : idx;
        int len = nonzero ? nz : n;
        int least = can_skip && !nonzero ? len : (len < 1 ? len : 1);
        for (int keep = len; keep >= least; keep--) {
            int k = 0;
            tok[k++] = lhs;
            if (expl[0])
                tok[k++] = expl;
            int head = keep == len ? len : (keep + 1) / 2, tail = keep == len ? 0 : keep / 2;
            int folded = len - head - tail, skipped = n - len;
            for (int t = 0; t < head; t++, k++)
                tok[k] = term_token(tstr[list[t]], sum && t > 0, k);
            if (folded > 0 || skipped > 0) {
                if (skipped > 0 && folded > 0)
                    snprintf(more, sizeof more, "+ \xE2\x80\xA6 (%d more, %d zero term%s)", folded,
                             skipped, skipped == 1 ? "" : "s");
                else if (skipped > 0)
                    snprintf(more, sizeof more, "+ \xE2\x80\xA6 (%d zero term%s)", skipped,
                             skipped == 1 ? "" : "s");
                else
                    snprintf(more, sizeof more, "+ \xE2\x80\xA6");
                tok[k++] = more;
                for (int t = len - tail; t < len; t++, k++)
                    tok[k] = term_token(tstr[list[t]], sum, k);
            }
            if (rhs)
                tok[k++] = rhs;
            lines = fold_tokens(tok, k, width, NULL, 0);
            if (lines <= max_lines || keep <= 1) {
                return fold_tokens(tok, k, width, out, cap);
            }
        }
    }
    return lines;
}

int bp_model_equation(const BpModel *m, const BpStep *st, int width, int max_lines, char *out,
                      size_t cap)
{
    const BpPhase *ph = st->ph;
    if (!ph || cap == 0)
        return 0;
    static BpTerm terms[BP_MAX_TERMS];
    static char tstr[BP_MAX_TERMS + 8][160];
    static bool zero[BP_MAX_TERMS + 8]; /* the term adds nothing (a factor is 0) */
    bool sum = false;                   /* the terms are added (zero ones may be left out) */
    int nt = 0, route = -1;
    float v = bp_model_cell(m, ph, st->focus, terms, BP_MAX_TERMS, &nt, &route);
    if (nt > BP_MAX_TERMS)
        nt = BP_MAX_TERMS;
    char lhs[160], expl[160], vs[32], rhs[48];
    equation_lhs(m, st, route, lhs, sizeof lhs);
    equation_symbols(m, st, expl, sizeof expl);
    int n = equation_terms(m, st, terms, nt, tstr, zero, &sum);
    fmt_num(v, vs, sizeof vs);
    snprintf(rhs, sizeof rhs, "= %s", vs);
    bool pool_max = ph->kind == BP_POOL && layer_of(m, ph)->kind == LAYER_MAXPOOL;
    return fold_equation(lhs, expl, tstr, zero, n, sum, pool_max ? NULL : rhs, width, max_lines,
                         out, cap);
}

/* The caption of a convolution's phases: the kernel gradient as a sweep, the bias, the input. */
static void conv_caption(const BpModel *m, const BpPhase *ph, char *buf, size_t size)
{
    char name[32], in[32];
    int i = ph->layer;
    switch (ph->kind) {
    case BP_CONV_W:
        bp_model_weight_name(m, i, false, name, sizeof name);
        bp_model_tensor_name(m, i, in, sizeof in);
        snprintf(buf, size,
                 "Kernel gradient: \xE2\x88\x82L/\xE2\x88\x82%s[o,c,i,j] = \xCE\xA3 "
                 "\xE2\x88\x82L/\xE2\x88\x82%s[o,y,x]\xC2\xB7x[c,y+i,x+j]. The upstream "
                 "gradient map slides over the input like a kernel: one position per kernel "
                 "cell.",
                 name, in);
        break;
    case BP_CONV_B:
        bp_model_weight_name(m, i, true, name, sizeof name);
        bp_model_tensor_name(m, i, in, sizeof in);
        snprintf(buf, size,
                 "Bias gradient: \xE2\x88\x82L/\xE2\x88\x82%s[o] = \xCE\xA3 "
                 "\xE2\x88\x82L/\xE2\x88\x82%s[o] over the whole map (the bias is added at "
                 "every position).",
                 name, in);
        break;
    case BP_CONV_X:
        snprintf(buf, size,
                 "Convolution, back to its input: each input cell collects w \xC3\x97 "
                 "\xE2\x88\x82L/\xE2\x88\x82z from every window that used it.");
        break;
    default:
        break;
    }
}

/* The caption of an activation's phase: ∂L/∂z = ∂L/∂a · f′(z), ReLU's mask spelled out. */
static void act_caption(const BpModel *m, const BpPhase *ph, char *buf, size_t size)
{
    const Layer *l = layer_of(m, ph);
    char name[32], in[32];
    int i = ph->layer;
    bp_model_tensor_name(m, i - 1, in, sizeof in);
    bp_model_tensor_name(m, i, name, sizeof name);
    if (l->kind == LAYER_RELU)
        snprintf(buf, size,
                 "ReLU: \xE2\x88\x82L/\xE2\x88\x82%s = \xE2\x88\x82L/\xE2\x88\x82%s \xC2\xB7 "
                 "f\xE2\x80\xB2(%s); the gradient passes where %s > 0 (mask 1) and stops "
                 "where %s \xE2\x89\xA4 0.",
                 in, name, in, in, in);
    else
        snprintf(buf, size,
                 "%s: \xE2\x88\x82L/\xE2\x88\x82%s = \xE2\x88\x82L/\xE2\x88\x82%s \xC2\xB7 "
                 "f\xE2\x80\xB2(%s), the slope of the activation at each cell.",
                 layer_kind_name(l->kind), in, name, in);
}

const char *bp_model_other_reason(const BpModel *m, const BpPhase *ph, char *buf, size_t size)
{
    const Layer *l = layer_of(m, ph);
    const char *why = "";
    if (ph->kind != BP_OTHER) {
        snprintf(buf, size, "%s", "");
        return buf;
    }
    switch (l->kind) {
    case LAYER_DECONV:
        why = "deconv (a transposed convolution): each input cell stamps its kernel into the "
              "output, so "
              "its gradients gather those stamps back; its input and kernel gradients are "
              "shown as the engine's result";
        break;
    case LAYER_L2POOL:
        why = "l2pool: each cell's gradient is \xE2\x88\x82L/\xE2\x88\x82m \xC2\xB7 x/m over "
              "its window (m the window's root of the sum of squares); shown as the engine's "
              "result";
        break;
    case LAYER_LRN:
        why = "lrn: each cell is divided by a sum over neighbouring channels, so its gradient "
              "mixes those channels; shown as the engine's result";
        break;
    case LAYER_BATCHNORM:
        why = m->acts->training
                  ? "batchnorm (training mode): its gradient passes through the batch's mean and "
                    "variance; shown as the engine's result, with \xCE\xB3 and \xCE\xB2's "
                    "gradients"
                  : "batchnorm (evaluation mode): a fixed scale \xCE\xB3/\xE2\x88\x9A(var + "
                    "\xCE\xB5) per channel from the running statistics; shown as the engine's "
                    "result, with \xCE\xB3 and \xCE\xB2's gradients";
        break;
    case LAYER_SOFTMAX:
        why = "softmax before the last layer: every output depends on every input (a full "
              "Jacobian); shown as the engine's result";
        break;
    default:
        why = "not stepped cell by cell; shown as the engine's result";
        break;
    }
    snprintf(buf, size, "Layer %d, %s.", ph->layer + 1, why);
    return buf;
}

const char *bp_model_phase_caption(const BpModel *m, const BpPhase *ph, char *buf, size_t size)
{
    const Layer *l = layer_of(m, ph);
    char name[32], shape[32], e[32];
    int i = ph->layer;
    switch (ph->kind) {
    case BP_LOSS_XENT:
        snprintf(buf, size,
                 "Softmax with cross-entropy: \xE2\x88\x82L/\xE2\x88\x82z = p \xE2\x88\x92 y, the "
                 "probabilities minus the one-hot label (%d). The entries sum to 0.",
                 m->label);
        break;
    case BP_LOSS_SSE:
        snprintf(buf, size,
                 "Sum of squared errors L = \xC2\xBD\xC2\xB7\xCE\xA3(y \xE2\x88\x92 t)\xC2\xB2: "
                 "\xE2\x88\x82L/\xE2\x88\x82y = y \xE2\x88\x92 t, t the one-hot label (%d).",
                 m->label);
        break;
    case BP_DENSE_W:
        snprintf(buf, size,
                 "Dense layer: a weight's gradient is its output's \xCE\xB4 times the input it "
                 "multiplies, \xE2\x88\x82L/\xE2\x88\x82W = \xCE\xB4\xC2\xB7x\xE1\xB5\x80 (a row "
                 "a step), and \xE2\x88\x82L/\xE2\x88\x82"
                 "b = \xCE\xB4.");
        break;
    case BP_DENSE_X:
        snprintf(buf, size,
                 "Dense layer, back to its input: \xE2\x88\x82L/\xE2\x88\x82x = "
                 "W\xE1\xB5\x80\xCE\xB4; each input sums the weights leaving it times their "
                 "outputs' \xCE\xB4.");
        break;
    case BP_FLATTEN:
        bp_model_shape(m, i - 1, shape, sizeof shape);
        snprintf(buf, size,
                 "Flatten has no numbers of its own: the %ld gradients fold back into maps of "
                 "%s (C, H, W order).",
                 ph->cells, shape);
        break;
    case BP_POOL:
        if (l->kind == LAYER_MAXPOOL)
            snprintf(buf, size,
                     "Max pooling: each pooled cell's gradient goes to the cell that won its "
                     "window (the argmax); every other cell gets 0.");
        else
            snprintf(buf, size,
                     "Average pooling: each pooled cell's gradient is shared equally by the %d "
                     "cells of its window.",
                     l->pool.kh * l->pool.kw);
        break;
    case BP_ACT:
        act_caption(m, ph, buf, size);
        break;
    case BP_CONV_W:
    case BP_CONV_B:
    case BP_CONV_X:
        conv_caption(m, ph, buf, size);
        break;
    case BP_OTHER:
        bp_model_other_reason(m, ph, buf, size);
        break;
    case BP_UPDATE:
        bp_model_weight_name(m, i, false, name, sizeof name);
        fmt_num(m->lr, e, sizeof e);
        snprintf(buf, size,
                 "Update of %s with learning rate \xCE\xB7 = %s: %s \xE2\x86\x90 %s \xE2\x88\x92 "
                 "\xCE\xB7\xC2\xB7\xE2\x88\x82L/\xE2\x88\x82%s. Loss on this example %.4f "
                 "\xE2\x86\x92 %.4f after the step.",
                 name, e, name, name, name, (double)m->loss, (double)m->loss_after);
        break;
    default:
        snprintf(buf, size, "%s", "");
        break;
    }
    return buf;
}

/* The note under the gradient's title: what the entries filled in so far add up to. For
 * cross-entropy Σ(p − y) ends at 0 (p and the one-hot y both sum to 1); for the sum of squared
 * errors ½·Σ(y − t)² ends at the loss L itself. */
const char *bp_model_loss_note(const BpPhase *ph, long done, char *buf, size_t size)
{
    long k = ph->cells;
    double sum = 0.0;
    for (long c = 0; c < done && c < k; c++)
        sum += ph->kind == BP_LOSS_XENT ? ph->val[c] : 0.5 * ph->val[c] * ph->val[c];
    /* a float sum of ten entries is 0 to about 1e-8; say 0, not −0.0000 */
    if (fabs(sum) < 5e-5)
        sum = 0.0;
    char v[32];
    snprintf(v, sizeof v, "%s%.4f", sum < 0.0 ? "\xE2\x88\x92" : "", fabs(sum));
    if (ph->kind == BP_LOSS_XENT)
        snprintf(buf, size, "\xCE\xA3 so far = %s%s", v,
                 done >= k ? "  (p and y both sum to 1)" : "");
    else
        snprintf(buf, size, "\xC2\xBD\xC2\xB7\xCE\xA3(y \xE2\x88\x92 t)\xC2\xB2 so far = %s%s", v,
                 done >= k ? "  = L" : "");
    return buf;
}

const char *bp_model_intro_caption(const BpModel *m, char *buf, size_t size)
{
    snprintf(
        buf, size,
        "Forward pass done: digit #%d (label %d) gives L = %.4f. Backpropagation now goes from "
        "the loss back to the first kernel, one gradient cell a step (\xE2\x86\x92 or Space). "
        "Weights: %s.",
        m->digit, m->label, (double)m->loss,
        m->weights_from[0] ? m->weights_from : "the seeded initial weights");
    return buf;
}

/* text with a true minus sign (U+2212) for each printf'd number's '-' into out. */
static void true_minus(const char *text, char *out, size_t size)
{
    size_t o = 0;
    for (const char *q = text; *q && o + 4 < size; q++) {
        bool minus = *q == '-' &&
                     (q == text || q[-1] == ' ' || q[-1] == '(' || q[-1] == '\n' || q[-1] == '|');
        if (minus) {
            memcpy(out + o, "\xE2\x88\x92", 3);
            o += 3;
        } else {
            out[o++] = *q;
        }
    }
    out[o] = '\0';
}

/* The finite-difference check fd against backprop's bp: the central difference with its two
 * losses and the verdict (agree, a kink, disagree). Returns whether they agree. */
static bool fd_text(const GradCheckResult *f, float bp, char *text, size_t size)
{
    bool agree = gradcheck_agrees(f->fd, bp, BP_FD_ATOL, BP_FD_RTOL);
    bool kink = gradcheck_kink(f);
    char verdict[256];
    if (agree)
        snprintf(verdict, sizeof verdict, "backprop %.5f  \xE2\x9C\x93 agree", (double)bp);
    else if (kink)
        snprintf(verdict, sizeof verdict,
                 "backprop %.5f: a kink (one-sided %.4f | %.4f); ReLU\xE2\x80\xB2(0) = 0, "
                 "ties go to the first cell",
                 (double)bp, (double)f->left, (double)f->right);
    else
        snprintf(verdict, sizeof verdict, "backprop %.5f  \xE2\x9C\x97 disagree", (double)bp);
    snprintf(
        text, size,
        "Finite differences, h = %g: (L(\xCE\xB8+h) \xE2\x88\x92 L(\xCE\xB8\xE2\x88\x92h))/2h\n"
        "= (%.6f \xE2\x88\x92 %.6f)/%g = %.5f\n%s",
        (double)f->h, (double)f->lplus, (double)f->lminus, (double)(2.0f * f->h), (double)f->fd,
        verdict);
    return agree;
}

bool bp_model_check_text(const BpModel *m, const BpStep *st, bool have, const GradCheckResult *fd,
                         float bp, char *out, size_t size)
{
    char text[768];
    bool agree = true;
    if (st->ph && st->ph->kind == BP_UPDATE)
        snprintf(text, sizeof text,
                 "After the step (\xCE\xB7 = %g)\nL: %.5f \xE2\x86\x92 %.5f\npredicted %d "
                 "\xE2\x86\x92 %d "
                 "(label %d)\nthe engine's SGD on a copy of the net",
                 (double)m->lr, (double)m->loss, (double)m->loss_after, m->predicted,
                 m->predicted_after, m->label);
    else if (!have)
        snprintf(text, sizeof text, "Finite-difference check\n(none for this step)");
    else
        agree = fd_text(fd, bp, text, sizeof text);
    true_minus(text, out, size);
    return agree;
}
