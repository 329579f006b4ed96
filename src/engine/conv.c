/* conv.c - see conv.h. The reference loops of convolution and transposed convolution.
 *
 * Legend: N batch, C input channels, H/W input height/width, O output channels, KH/KW kernel,
 * SH/SW stride, PT/PB/PL/PR padding, DH/DW dilation, OH/OW output height/width.
 *
 * Four static sums carry all the arithmetic, and every public function goes through them:
 *   window_sum   one output cell of a convolution        -> conv_cell, conv_forward,
 *                                                            deconv_backward (dx)
 *   kernel_grad  one kernel-gradient cell over the batch -> conv_dw_cell, conv_backward (dw),
 *                                                            deconv_backward (dw)
 *   input_grad   one input cell's uses and gradient      -> conv_dx_cell, conv_backward (dx)
 *   stamp_sum    one output cell of a transposed conv    -> deconv_cell, deconv_forward
 * so a step-through built on the *_cell queries shows exactly what the layer computes.
 *
 * Index map shared by everything below (the forward line all backward code differentiates):
 *   out[n][o][oy][ox] = b[o] + sum_{j,ky,kx} w[o][j][ky][kx] * x[n][c][iy][ix],
 *   c = (o / OG)*CG + j (j < CG, the group's channels),
 *   iy = oy*SH - PT + ky*DH,  ix = ox*SW - PL + kx*DW,  x = 0 outside [0,H) x [0,W). */
#include "engine/conv.h"

#include <stddef.h>

int conv_out_size(int in, int pad_lo, int pad_hi, int k, int stride, int dil)
{
    if (stride < 1 || dil < 1 || k < 1 || in < 1 || pad_lo < 0 || pad_hi < 0)
        return 0;
    int span = in + pad_lo + pad_hi - dil * (k - 1) - 1;
    /* span < 0: the dilated kernel does not fit; C division would round toward zero. */
    if (span < 0)
        return 0;
    return span / stride + 1;
}

int deconv_out_size(int in, int pad_lo, int pad_hi, int k, int stride, int dil, int outpad)
{
    if (stride < 1 || dil < 1 || k < 1 || in < 1 || pad_lo < 0 || pad_hi < 0 || outpad < 0)
        return 0;
    return (in - 1) * stride - pad_lo - pad_hi + dil * (k - 1) + outpad + 1;
}

int conv_groups(const ConvGeom *g)
{
    return g->groups > 1 ? g->groups : 1;
}

/* C and O are whole multiples of the groups. */
static bool groups_fit(const ConvGeom *g)
{
    return g->c % conv_groups(g) == 0 && g->o % conv_groups(g) == 0;
}

bool conv_geom_finish(ConvGeom *g)
{
    g->oh = conv_out_size(g->h, g->pt, g->pb, g->kh, g->sh, g->dh);
    g->ow = conv_out_size(g->w, g->pl, g->pr, g->kw, g->sw, g->dw);
    return g->oh > 0 && g->ow > 0 && groups_fit(g);
}

bool deconv_geom_finish(ConvGeom *g)
{
    g->oh = deconv_out_size(g->h, g->pt, g->pb, g->kh, g->sh, g->dh, g->oph);
    g->ow = deconv_out_size(g->w, g->pl, g->pr, g->kw, g->sw, g->dw, g->opw);
    return g->oh > 0 && g->ow > 0 && groups_fit(g);
}

/* sum_{j,ky,kx} w[o][j][ky][kx] * x[c][iy][ix] (c = the j-th channel of o's group) for one
 * example x (C, H, W), w (O, CG, KH, KW); records up to max_terms products in (c, ky, kx)
 * order when terms is not NULL. The bias is the caller's, so the written-out equation and
 * this sum agree term by term. */
static float window_sum(const ConvGeom *g, const float *x, const float *w, int o, int oy, int ox,
                        ConvTerm *terms, int max_terms)
{
    const int iy0 = oy * g->sh - g->pt; /* top-left of the window in input coordinates */
    const int ix0 = ox * g->sw - g->pl;
    const int cg = g->c / conv_groups(g), og = g->o / conv_groups(g);
    const int c0 = o / og * cg;                           /* the group's first input channel */
    const float *wo = w + (size_t)o * cg * g->kh * g->kw; /* (CG, KH, KW) */
    float sum = 0.0f;
    int t = 0;
    for (int j = 0; j < cg; j++) {
        const int c = c0 + j;
        const float *xc = x + (size_t)c * g->h * g->w; /* (H, W) */
        for (int ky = 0; ky < g->kh; ky++) {
            const int iy = iy0 + ky * g->dh;
            const bool row_in = iy >= 0 && iy < g->h;
            for (int kx = 0; kx < g->kw; kx++, t++) {
                const int ix = ix0 + kx * g->dw;
                const bool in = row_in && ix >= 0 && ix < g->w;
                const float xv = in ? xc[(size_t)iy * g->w + ix] : 0.0f;
                const float wv = wo[((size_t)j * g->kh + ky) * g->kw + kx];
                sum += xv * wv;
                if (terms && t < max_terms)
                    terms[t] = (ConvTerm){c, iy, ix, ky, kx, xv, wv, !in};
            }
        }
    }
    return sum;
}

float conv_cell(const ConvGeom *g, const float *x, const float *w, const float *b, int o, int oy,
                int ox, ConvTerm *terms, int max_terms, int *n_terms)
{
    if (n_terms)
        *n_terms = g->c / conv_groups(g) * g->kh * g->kw;
    return window_sum(g, x, w, o, oy, ox, terms, max_terms) + (b ? b[o] : 0.0f);
}

void conv_forward(float *out, const float *x, const float *w, const float *b, const ConvGeom *g)
{
    const size_t x_size = (size_t)g->c * g->h * g->w; /* one example of x (C, H, W) */
    const size_t out_plane = (size_t)g->oh * g->ow;   /* one map of out (OH, OW) */
    for (int n = 0; n < g->n; n++) {
        const float *xn = x + n * x_size;
        for (int o = 0; o < g->o; o++) {
            float *on = out + ((size_t)n * g->o + o) * out_plane; /* (OH, OW) */
            for (int oy = 0; oy < g->oh; oy++)
                for (int ox = 0; ox < g->ow; ox++)
                    on[(size_t)oy * g->ow + ox] = conv_cell(g, xn, w, b, o, oy, ox, NULL, 0, NULL);
        }
    }
}

/* dL/dw[o][j][ky][kx] = sum_{n,oy,ox} dout[n][o][oy][ox] * x[n][c][iy][ix] with c the j-th
 * channel of o's group: the forward sum with the roles of kernel and output swapped, so it
 * sweeps the input like the forward does. dout (N, O, OH, OW), x (N, C, H, W); terms in
 * (n, oy, ox) order. */
static float kernel_grad(const ConvGeom *g, const float *dout, const float *x, int o, int j, int ky,
                         int kx, ConvGradTerm *terms, int max_terms)
{
    const int cg = g->c / conv_groups(g), og = g->o / conv_groups(g);
    const int c = o / og * cg + j;
    float sum = 0.0f;
    int t = 0;
    for (int n = 0; n < g->n; n++) {
        const float *dn = dout + ((size_t)n * g->o + o) * g->oh * g->ow; /* (OH, OW) */
        const float *xn = x + ((size_t)n * g->c + c) * g->h * g->w;      /* (H, W) */
        for (int oy = 0; oy < g->oh; oy++) {
            const int iy = oy * g->sh - g->pt + ky * g->dh;
            const bool row_in = iy >= 0 && iy < g->h;
            for (int ox = 0; ox < g->ow; ox++, t++) {
                const int ix = ox * g->sw - g->pl + kx * g->dw;
                const bool in = row_in && ix >= 0 && ix < g->w;
                const float xv = in ? xn[(size_t)iy * g->w + ix] : 0.0f;
                const float dv = dn[(size_t)oy * g->ow + ox];
                sum += dv * xv;
                if (terms && t < max_terms)
                    terms[t] = (ConvGradTerm){n, oy, ox, iy, ix, dv, xv, !in};
            }
        }
    }
    return sum;
}

float conv_dw_cell(const ConvGeom *g, const float *dout, const float *x, int o, int c, int ky,
                   int kx, ConvGradTerm *terms, int max_terms, int *n_terms)
{
    if (n_terms)
        *n_terms = g->n * g->oh * g->ow;
    return kernel_grad(g, dout, x, o, c, ky, kx, terms, max_terms);
}

/* Inverts the index map for one input cell (c, iy, ix) of one example: the outputs whose window
 * contains it are those of c's group with oy*SH = iy + PT - ky*DH for some tap ky (likewise
 * x). Walking the taps from last to first visits oy (and ox) in increasing order, so uses come
 * in (o, oy, ox) order. Returns sum of w*dout (0 when dout (O, OH, OW) is NULL); *count gets
 * the use count. */
static float input_grad(const ConvGeom *g, const float *dout, const float *w, int c, int iy, int ix,
                        ConvInputUse *uses, int max_uses, int *count)
{
    const int cg = g->c / conv_groups(g), og = g->o / conv_groups(g);
    const int grp = c / cg, j = c - grp * cg; /* c is channel j of group grp */
    float sum = 0.0f;
    int u = 0;
    for (int o = grp * og; o < (grp + 1) * og; o++) {
        const float *woc = w + ((size_t)o * cg + j) * g->kh * g->kw; /* (KH, KW) */
        for (int ky = g->kh - 1; ky >= 0; ky--) {
            const int ty = iy + g->pt - ky * g->dh;
            if (ty < 0 || ty % g->sh != 0 || ty / g->sh >= g->oh)
                continue;
            const int oy = ty / g->sh;
            for (int kx = g->kw - 1; kx >= 0; kx--) {
                const int tx = ix + g->pl - kx * g->dw;
                if (tx < 0 || tx % g->sw != 0 || tx / g->sw >= g->ow)
                    continue;
                const int ox = tx / g->sw;
                const float wv = woc[(size_t)ky * g->kw + kx];
                const float dv = dout ? dout[((size_t)o * g->oh + oy) * g->ow + ox] : 0.0f;
                sum += wv * dv;
                if (uses && u < max_uses)
                    uses[u] = (ConvInputUse){o, oy, ox, ky, kx, wv, dv};
                u++;
            }
        }
    }
    if (count)
        *count = u;
    return sum;
}

float conv_dx_cell(const ConvGeom *g, const float *dout, const float *w, int c, int iy, int ix,
                   ConvInputUse *uses, int max_uses, int *n_uses)
{
    return input_grad(g, dout, w, c, iy, ix, uses, max_uses, n_uses);
}

void conv_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                   const float *w, const ConvGeom *g)
{
    const size_t out_plane = (size_t)g->oh * g->ow;
    /* out = b[o] + ...: every output cell of map o adds dout to db[o]. */
    if (db)
        for (int n = 0; n < g->n; n++)
            for (int o = 0; o < g->o; o++) {
                const float *dn = dout + ((size_t)n * g->o + o) * out_plane; /* (OH, OW) */
                for (size_t i = 0; i < out_plane; i++)
                    db[o] += dn[i];
            }
    /* out += w*x, differentiated by w: one kernel_grad sweep per kernel cell. */
    const int cg = g->c / conv_groups(g);
    if (dw)
        for (int o = 0; o < g->o; o++)
            for (int j = 0; j < cg; j++)
                for (int ky = 0; ky < g->kh; ky++)
                    for (int kx = 0; kx < g->kw; kx++)
                        dw[(((size_t)o * cg + j) * g->kh + ky) * g->kw + kx] +=
                            kernel_grad(g, dout, x, o, j, ky, kx, NULL, 0);
    /* out += w*x, differentiated by x: each input cell gathers w*dout over its uses. */
    if (dx)
        for (int n = 0; n < g->n; n++) {
            const float *dn = dout + (size_t)n * g->o * out_plane; /* (O, OH, OW) */
            for (int c = 0; c < g->c; c++) {
                float *dxc = dx + ((size_t)n * g->c + c) * g->h * g->w; /* (H, W) */
                for (int iy = 0; iy < g->h; iy++)
                    for (int ix = 0; ix < g->w; ix++)
                        dxc[(size_t)iy * g->w + ix] +=
                            input_grad(g, dn, w, c, iy, ix, NULL, 0, NULL);
            }
        }
}

/* One output cell (o, oy, ox) of a transposed convolution, for one example x (C, H, W) and
 * w (C, OG, KH, KW): input (c, iy, ix) of o's group stamps x*w[c][o mod OG][ky][kx] at
 * oy = iy*SH - PT + ky*DH, so the cell gathers every (c, ky, kx) whose tap lands on it with a
 * whole input row iy (and column ix) inside the input. Terms come in (c, ky, kx) order;
 * *count gets their number. */
static float stamp_sum(const ConvGeom *g, const float *x, const float *w, int o, int oy, int ox,
                       ConvTerm *terms, int max_terms, int *count)
{
    const int cg = g->c / conv_groups(g), og = g->o / conv_groups(g);
    const int grp = o / og, j = o - grp * og; /* o is output j of group grp */
    float sum = 0.0f;
    int t = 0;
    for (int c = grp * cg; c < (grp + 1) * cg; c++) {
        const float *xc = x + (size_t)c * g->h * g->w;               /* (H, W) */
        const float *wco = w + ((size_t)c * og + j) * g->kh * g->kw; /* (KH, KW) */
        for (int ky = 0; ky < g->kh; ky++) {
            const int ty = oy + g->pt - ky * g->dh;
            if (ty < 0 || ty % g->sh != 0 || ty / g->sh >= g->h)
                continue;
            const int iy = ty / g->sh;
            for (int kx = 0; kx < g->kw; kx++) {
                const int tx = ox + g->pl - kx * g->dw;
                if (tx < 0 || tx % g->sw != 0 || tx / g->sw >= g->w)
                    continue;
                const int ix = tx / g->sw;
                const float xv = xc[(size_t)iy * g->w + ix];
                const float wv = wco[(size_t)ky * g->kw + kx];
                sum += xv * wv;
                if (terms && t < max_terms)
                    terms[t] = (ConvTerm){c, iy, ix, ky, kx, xv, wv, false};
                t++;
            }
        }
    }
    if (count)
        *count = t;
    return sum;
}

float deconv_cell(const ConvGeom *g, const float *x, const float *w, const float *b, int o, int oy,
                  int ox, ConvTerm *terms, int max_terms, int *n_terms)
{
    return stamp_sum(g, x, w, o, oy, ox, terms, max_terms, n_terms) + (b ? b[o] : 0.0f);
}

void deconv_forward(float *out, const float *x, const float *w, const float *b, const ConvGeom *g)
{
    const size_t x_size = (size_t)g->c * g->h * g->w;
    const size_t out_plane = (size_t)g->oh * g->ow;
    for (int n = 0; n < g->n; n++) {
        const float *xn = x + n * x_size; /* (C, H, W) */
        for (int o = 0; o < g->o; o++) {
            float *on = out + ((size_t)n * g->o + o) * out_plane; /* (OH, OW) */
            for (int oy = 0; oy < g->oh; oy++)
                for (int ox = 0; ox < g->ow; ox++)
                    on[(size_t)oy * g->ow + ox] =
                        deconv_cell(g, xn, w, b, o, oy, ox, NULL, 0, NULL);
        }
    }
}

/* The transposed convolution read backwards is an ordinary convolution: from the deconv
 * output (O, OH, OW) down to the deconv input (C, H, W) with the same kernel, stride, padding,
 * dilation and groups, and w (C, OG, KH, KW) already in conv layout (out = C, in = O). */
static ConvGeom deconv_as_conv(const ConvGeom *g)
{
    ConvGeom t = *g;
    t.c = g->o;
    t.h = g->oh;
    t.w = g->ow;
    t.o = g->c;
    t.oh = g->h;
    t.ow = g->w;
    t.oph = t.opw = 0;
    return t;
}

void deconv_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                     const float *w, const ConvGeom *g)
{
    const size_t out_plane = (size_t)g->oh * g->ow;
    const ConvGeom t = deconv_as_conv(g);
    /* out = b[o] + ...: every output cell of map o adds dout to db[o]. */
    if (db)
        for (int n = 0; n < g->n; n++)
            for (int o = 0; o < g->o; o++) {
                const float *dn = dout + ((size_t)n * g->o + o) * out_plane; /* (OH, OW) */
                for (size_t i = 0; i < out_plane; i++)
                    db[o] += dn[i];
            }
    /* out[o][iy*SH-PT+ky*DH][..] += x[c][iy][ix]*w[c][o mod OG][ky][kx], by w: the conv
     * kernel gradient of the swapped geometry, with x in the role of dout and dout in that of
     * x. */
    const int og = g->o / conv_groups(g);
    if (dw)
        for (int c = 0; c < g->c; c++)
            for (int j = 0; j < og; j++)
                for (int ky = 0; ky < g->kh; ky++)
                    for (int kx = 0; kx < g->kw; kx++)
                        dw[(((size_t)c * og + j) * g->kh + ky) * g->kw + kx] +=
                            kernel_grad(&t, x, dout, c, j, ky, kx, NULL, 0);
    /* The same line by x: dx[c][iy][ix] = sum_{o,ky,kx} w*dout, a convolution window of dout. */
    if (dx)
        for (int n = 0; n < g->n; n++) {
            const float *dn = dout + (size_t)n * g->o * out_plane; /* (O, OH, OW) */
            for (int c = 0; c < g->c; c++) {
                float *dxc = dx + ((size_t)n * g->c + c) * g->h * g->w; /* (H, W) */
                for (int iy = 0; iy < g->h; iy++)
                    for (int ix = 0; ix < g->w; ix++)
                        dxc[(size_t)iy * g->w + ix] += window_sum(&t, dn, w, c, iy, ix, NULL, 0);
            }
        }
}
