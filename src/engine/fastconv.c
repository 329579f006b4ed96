/* fastconv.c - see fastconv.h.
 *
 * Legend: N batch, C input channels, H/W input, O output channels, KH/KW kernel, OH/OW output,
 * P = OH*OW, KC = C*KH*KW.
 *
 * Convolution as matrix products (the Matrix lab's picture, computed densely):
 *   forward       out_n (O, P)   = w (O, KC) . col_n (KC, P)          col = im2col(x_n)
 *   kernel grad   dw    (O, KC) += dout_n (O, P) . row_n (P, KC)      row = col^T, built directly
 *   input grad    dcol  (KC, P)  = w^T (KC, O) . dout_n (O, P)        dx_n += col2im(dcol)
 * so every multiply-add runs in the sgemm register tiles, and the gathers (im2col) cost one
 * copy of the input per kernel tap. */
#include "engine/fastconv.h"

#include "engine/gemm.h"

#include <stdlib.h>
#include <string.h>

/* Refuse the im2col path when one example's column matrix would pass this many floats
 * (64 MiB): such a layer is not what the fast path is for, and the reference copes. */
#define MAX_COL_FLOATS (16L * 1024 * 1024)

/* Elements of pointwise work per task (relu): large enough to hide the dispatch. */
#define ACT_CHUNK 32768L

bool fastconv_supported(const ConvGeom *g)
{
    if (g->n < 1 || g->c < 1 || g->o < 1 || g->kh < 1 || g->kw < 1 || g->sh < 1 || g->sw < 1 ||
        g->dh < 1 || g->dw < 1 || g->oh < 1 || g->ow < 1 || g->pt < 0 || g->pb < 0 ||
        g->pl < 0 || g->pr < 0)
        return false;
    long kc = (long)g->c * g->kh * g->kw, p = (long)g->oh * g->ow;
    /* sgemm takes int sizes; the col matrix lives in per-thread scratch */
    return kc * p <= MAX_COL_FLOATS && (long)g->o * kc <= MAX_COL_FLOATS;
}

/* The columns ox whose input column ix = ox*S - pad + k*dil lies in [0, size): [*lo, *hi). */
static void valid_range(int out, int size, int s, int pad, int off, int *lo, int *hi)
{
    /* ix = ox*s + base with base = off - pad; need 0 <= ix < size */
    int base = off - pad;
    int a = base >= 0 ? 0 : (-base + s - 1) / s;
    int b = size - base <= 0 ? 0 : (size - base - 1) / s + 1;
    *lo = a < out ? a : out;
    *hi = b < out ? b : out;
    if (*hi < *lo)
        *hi = *lo;
}

/* col (KC, P) = im2col(x (C, H, W)): col[(c, ky, kx)][(oy, ox)] = x[c][iy][ix], 0 in padding. */
static void im2col(float *col, const float *x, const ConvGeom *g)
{
    const int p = g->oh * g->ow;
    for (int c = 0; c < g->c; c++)
        for (int ky = 0; ky < g->kh; ky++)
            for (int kx = 0; kx < g->kw; kx++) {
                float *dst = col + (long)((c * g->kh + ky) * g->kw + kx) * p; /* (OH, OW) */
                int lo, hi;
                valid_range(g->ow, g->w, g->sw, g->pl, kx * g->dw, &lo, &hi);
                for (int oy = 0; oy < g->oh; oy++) {
                    float *d = dst + (long)oy * g->ow; /* (OW) */
                    int iy = oy * g->sh - g->pt + ky * g->dh;
                    if (iy < 0 || iy >= g->h) {
                        memset(d, 0, (size_t)g->ow * sizeof *d);
                        continue;
                    }
                    /* x index of column ox is base + ox*SW (an index, as base may be < 0) */
                    long base = ((long)c * g->h + iy) * g->w - g->pl + kx * g->dw;
                    for (int ox = 0; ox < lo; ox++)
                        d[ox] = 0.0f;
                    if (g->sw == 1)
                        memcpy(d + lo, x + base + lo, (size_t)(hi - lo) * sizeof *d);
                    else
                        for (int ox = lo; ox < hi; ox++)
                            d[ox] = x[base + (long)ox * g->sw];
                    for (int ox = hi; ox < g->ow; ox++)
                        d[ox] = 0.0f;
                }
            }
}

/* row (P, KC) = im2col(x)^T, built directly so the kernel gradient is a plain product. */
static void im2row(float *row, const float *x, const ConvGeom *g)
{
    const int kc = g->c * g->kh * g->kw;
    for (int oy = 0; oy < g->oh; oy++)
        for (int ox = 0; ox < g->ow; ox++) {
            float *d = row + (long)(oy * g->ow + ox) * kc; /* (C, KH, KW) */
            int iy0 = oy * g->sh - g->pt, ix0 = ox * g->sw - g->pl;
            for (int c = 0; c < g->c; c++) {
                const float *xc = x + (long)c * g->h * g->w; /* (H, W) */
                for (int ky = 0; ky < g->kh; ky++) {
                    int iy = iy0 + ky * g->dh;
                    float *dk = d + (c * g->kh + ky) * g->kw; /* (KW) */
                    if (iy < 0 || iy >= g->h) {
                        memset(dk, 0, (size_t)g->kw * sizeof *dk);
                        continue;
                    }
                    const float *xr = xc + (long)iy * g->w; /* (W) */
                    for (int kx = 0; kx < g->kw; kx++) {
                        int ix = ix0 + kx * g->dw;
                        dk[kx] = ix >= 0 && ix < g->w ? xr[ix] : 0.0f;
                    }
                }
            }
        }
}

/* dx (C, H, W) += col2im(dcol (KC, P)): the transpose of im2col, padding cells dropped. */
static void col2im_add(float *dx, const float *dcol, const ConvGeom *g)
{
    const int p = g->oh * g->ow;
    for (int c = 0; c < g->c; c++)
        for (int ky = 0; ky < g->kh; ky++)
            for (int kx = 0; kx < g->kw; kx++) {
                const float *s = dcol + (long)((c * g->kh + ky) * g->kw + kx) * p; /* (OH, OW) */
                int lo, hi;
                valid_range(g->ow, g->w, g->sw, g->pl, kx * g->dw, &lo, &hi);
                for (int oy = 0; oy < g->oh; oy++) {
                    int iy = oy * g->sh - g->pt + ky * g->dh;
                    if (iy < 0 || iy >= g->h)
                        continue;
                    long base = ((long)c * g->h + iy) * g->w - g->pl + kx * g->dw;
                    const float *sr = s + (long)oy * g->ow; /* (OW) */
                    if (g->sw == 1)
                        for (int ox = lo; ox < hi; ox++)
                            dx[base + ox] += sr[ox];
                    else
                        for (int ox = lo; ox < hi; ox++)
                            dx[base + (long)ox * g->sw] += sr[ox];
                }
            }
}

/* ---- convolution forward: one task per example ---- */

typedef struct ConvJob {
    const ConvGeom *g;
    float *out;        /* (N, O, OH, OW) */
    float *dx;         /* (N, C, H, W) or NULL */
    float *partial_w;  /* (groups, O, KC) kernel-gradient sums per group, or NULL */
    float *partial_b;  /* (groups, O) bias-gradient sums per group, or NULL */
    const float *x;    /* (N, C, H, W) */
    const float *w;    /* (O, C, KH, KW) */
    const float *b;    /* (O) or NULL */
    const float *dout; /* (N, O, OH, OW) */
    Workers *wk;
} ConvJob;

static bool is_pointwise(const ConvGeom *g)
{
    /* a 1x1 kernel with stride 1 and no padding: col is x itself */
    return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->pt == 0 && g->pb == 0 &&
           g->pl == 0 && g->pr == 0;
}

static void conv_forward_task(void *ctx, int n, int thread)
{
    const ConvJob *job = ctx;
    const ConvGeom *g = job->g;
    const int p = g->oh * g->ow, kc = g->c * g->kh * g->kw;
    const float *xn = job->x + (long)n * g->c * g->h * g->w; /* (C, H, W) */
    float *on = job->out + (long)n * g->o * p;                /* (O, P) */
    const float *col = xn;                                    /* (KC, P) */
    if (!is_pointwise(g)) {
        float *buf = workers_scratch(job->wk, thread);
        im2col(buf, xn, g);
        col = buf;
    }
    float beta = 0.0f;
    if (job->b) {
        /* start every map at its bias; the product is added on top */
        for (int o = 0; o < g->o; o++)
            for (int i = 0; i < p; i++)
                on[(long)o * p + i] = job->b[o];
        beta = 1.0f;
    }
    gemm_sgemm(false, false, g->o, p, kc, 1.0f, job->w, kc, col, p, beta, on, p);
}

void fastconv_forward(Workers *wk, float *out, const float *x, const float *w, const float *b,
                      const ConvGeom *g)
{
    long kc = (long)g->c * g->kh * g->kw, p = (long)g->oh * g->ow;
    if (!wk || !fastconv_supported(g) || !workers_reserve(wk, (size_t)(kc * p), 0)) {
        conv_forward(out, x, w, b, g);
        return;
    }
    ConvJob job = {.g = g, .out = out, .x = x, .w = w, .b = b, .wk = wk};
    workers_run(wk, g->n, conv_forward_task, &job);
}

/* ---- convolution backward: one task per group of FASTCONV_GROUP examples ---- */

static void conv_backward_task(void *ctx, int group, int thread)
{
    const ConvJob *job = ctx;
    const ConvGeom *g = job->g;
    const int p = g->oh * g->ow, kc = g->c * g->kh * g->kw;
    float *buf = workers_scratch(job->wk, thread); /* (P, KC) row or (KC, P) dcol */
    float *pw = job->partial_w ? job->partial_w + (long)group * g->o * kc : NULL; /* (O, KC) */
    float *pb = job->partial_b ? job->partial_b + (long)group * g->o : NULL;      /* (O) */
    int n0 = group * FASTCONV_GROUP;
    int n1 = n0 + FASTCONV_GROUP < g->n ? n0 + FASTCONV_GROUP : g->n;
    for (int n = n0; n < n1; n++) {
        const float *xn = job->x + (long)n * g->c * g->h * g->w; /* (C, H, W) */
        const float *dn = job->dout + (long)n * g->o * p;         /* (O, P) */
        if (pb)
            for (int o = 0; o < g->o; o++) {
                float s = n == n0 ? 0.0f : pb[o];
                for (int i = 0; i < p; i++)
                    s += dn[(long)o * p + i];
                pb[o] = s;
            }
        if (pw) {
            /* dw(o, (c,ky,kx)) = sum over positions of dout(o, pos) * x at that tap */
            im2row(buf, xn, g);
            gemm_sgemm(false, false, g->o, kc, p, 1.0f, dn, p, buf, kc, n == n0 ? 0.0f : 1.0f,
                       pw, kc);
        }
        if (job->dx) {
            /* each column of the input's unrolled windows receives w^T . dout */
            gemm_sgemm(true, false, kc, p, g->o, 1.0f, job->w, kc, dn, p, 0.0f, buf, p);
            col2im_add(job->dx + (long)n * g->c * g->h * g->w, buf, g);
        }
    }
}

typedef struct ReduceJob {
    float *dst;         /* (len) += the group sums */
    const float *parts; /* (groups, len) */
    long len;
    int groups;
} ReduceJob;

#define REDUCE_CHUNK 4096L

static void reduce_task(void *ctx, int t, int thread)
{
    (void)thread;
    const ReduceJob *job = ctx;
    long i0 = (long)t * REDUCE_CHUNK;
    long i1 = i0 + REDUCE_CHUNK < job->len ? i0 + REDUCE_CHUNK : job->len;
    for (long i = i0; i < i1; i++) {
        /* groups in order, whatever thread runs this chunk */
        float s = job->parts[i];
        for (int gi = 1; gi < job->groups; gi++)
            s += job->parts[(long)gi * job->len + i];
        job->dst[i] += s;
    }
}

void fastconv_backward(Workers *wk, float *dx, float *dw, float *db, const float *dout,
                       const float *x, const float *w, const ConvGeom *g)
{
    long kc = (long)g->c * g->kh * g->kw, p = (long)g->oh * g->ow;
    int groups = (g->n + FASTCONV_GROUP - 1) / FASTCONV_GROUP;
    long shared = (long)groups * g->o * (kc + 1);
    if (!wk || !fastconv_supported(g) ||
        !workers_reserve(wk, (size_t)(kc * p), (size_t)shared)) {
        conv_backward(dx, dw, db, dout, x, w, g);
        return;
    }
    if (!dx && !dw && !db)
        return;
    float *sh = workers_shared(wk);
    ConvJob job = {.g = g,
                   .dx = dx,
                   .partial_w = dw ? sh : NULL,
                   .partial_b = db ? sh + (long)groups * g->o * kc : NULL,
                   .x = x,
                   .w = w,
                   .dout = dout,
                   .wk = wk};
    workers_run(wk, groups, conv_backward_task, &job);
    if (dw) {
        long len = (long)g->o * kc;
        ReduceJob r = {dw, job.partial_w, len, groups};
        workers_run(wk, (int)((len + REDUCE_CHUNK - 1) / REDUCE_CHUNK), reduce_task, &r);
    }
    if (db) {
        ReduceJob r = {db, job.partial_b, g->o, groups};
        reduce_task(&r, 0, 0);
    }
}

/* ---- pooling: one task per example ---- */

typedef struct PoolJob {
    const PoolGeom *g;
    PoolKind kind;
    float *out;        /* (N, C, OH, OW) */
    float *dx;         /* (N, C, H, W) */
    const float *x;    /* (N, C, H, W) */
    const float *dout; /* (N, C, OH, OW) */
} PoolJob;

/* Flat index (in the plane) of the first maximum of window (oy, ox) of plane x (H, W): the
 * same strict comparison in the same row-major order as pool_cell. */
static inline int window_argmax(const PoolGeom *g, const float *x, int oy, int ox)
{
    const int iy0 = oy * g->sh, ix0 = ox * g->sw;
    int best_i = iy0 * g->w + ix0;
    float best = x[best_i];
    for (int ky = 0; ky < g->kh; ky++) {
        const float *r = x + (iy0 + ky) * g->w + ix0; /* (KW) */
        for (int kx = 0; kx < g->kw; kx++)
            if (r[kx] > best) {
                best = r[kx];
                best_i = (iy0 + ky) * g->w + ix0 + kx;
            }
    }
    return best_i;
}

static void pool_forward_task(void *ctx, int n, int thread)
{
    (void)thread;
    const PoolJob *job = ctx;
    const PoolGeom *g = job->g;
    const long in_plane = (long)g->h * g->w, out_plane = (long)g->oh * g->ow;
    const float inv_area = 1.0f / (float)(g->kh * g->kw);
    for (int c = 0; c < g->c; c++) {
        const float *xp = job->x + ((long)n * g->c + c) * in_plane; /* (H, W) */
        float *op = job->out + ((long)n * g->c + c) * out_plane;    /* (OH, OW) */
        if (job->kind == POOL_MAX && g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2) {
            /* the default nets' 2x2 window, comparisons in pool_cell's order */
            for (int oy = 0; oy < g->oh; oy++) {
                const float *r0 = xp + (long)(2 * oy) * g->w, *r1 = r0 + g->w;
                for (int ox = 0; ox < g->ow; ox++) {
                    float m = r0[2 * ox];
                    m = r0[2 * ox + 1] > m ? r0[2 * ox + 1] : m;
                    m = r1[2 * ox] > m ? r1[2 * ox] : m;
                    m = r1[2 * ox + 1] > m ? r1[2 * ox + 1] : m;
                    op[(long)oy * g->ow + ox] = m;
                }
            }
            continue;
        }
        for (int oy = 0; oy < g->oh; oy++)
            for (int ox = 0; ox < g->ow; ox++) {
                if (job->kind == POOL_MAX) {
                    op[(long)oy * g->ow + ox] = xp[window_argmax(g, xp, oy, ox)];
                    continue;
                }
                /* average: the sum in pool_cell's order, then one division as it does */
                float s = 0.0f;
                for (int ky = 0; ky < g->kh; ky++)
                    for (int kx = 0; kx < g->kw; kx++)
                        s += xp[(long)(oy * g->sh + ky) * g->w + ox * g->sw + kx];
                op[(long)oy * g->ow + ox] = s * inv_area;
            }
    }
}

static void pool_backward_task(void *ctx, int n, int thread)
{
    (void)thread;
    const PoolJob *job = ctx;
    const PoolGeom *g = job->g;
    const long in_plane = (long)g->h * g->w, out_plane = (long)g->oh * g->ow;
    const float inv_area = 1.0f / (float)(g->kh * g->kw);
    for (int c = 0; c < g->c; c++) {
        const float *xp = job->x + ((long)n * g->c + c) * in_plane;    /* (H, W) */
        float *dxp = job->dx + ((long)n * g->c + c) * in_plane;        /* (H, W) */
        const float *dp = job->dout + ((long)n * g->c + c) * out_plane; /* (OH, OW) */
        for (int oy = 0; oy < g->oh; oy++)
            for (int ox = 0; ox < g->ow; ox++) {
                const float d = dp[(long)oy * g->ow + ox];
                if (job->kind == POOL_MAX) {
                    dxp[window_argmax(g, xp, oy, ox)] += d;
                    continue;
                }
                const float s = d * inv_area;
                for (int ky = 0; ky < g->kh; ky++)
                    for (int kx = 0; kx < g->kw; kx++)
                        dxp[(long)(oy * g->sh + ky) * g->w + ox * g->sw + kx] += s;
            }
    }
}

void fastconv_pool_forward(Workers *wk, float *out, const float *x, PoolKind kind,
                           const PoolGeom *g)
{
    if (kind == POOL_L2) {
        pool_forward(out, x, kind, g);
        return;
    }
    PoolJob job = {.g = g, .kind = kind, .out = out, .x = x};
    workers_run(wk, g->n, pool_forward_task, &job);
}

void fastconv_pool_backward(Workers *wk, float *dx, const float *dout, const float *x,
                            const float *out, PoolKind kind, const PoolGeom *g)
{
    if (kind == POOL_L2) {
        pool_backward(dx, dout, x, out, kind, g);
        return;
    }
    PoolJob job = {.g = g, .kind = kind, .dx = dx, .x = x, .dout = dout};
    workers_run(wk, g->n, pool_backward_task, &job);
}

/* ---- activations: relu in chunks ---- */

typedef struct ActJob {
    float *y;        /* forward: (n) output; backward: dx (n) */
    const float *x;  /* (n) */
    const float *dy; /* (n), backward only */
    long n;
} ActJob;

static void relu_forward_task(void *ctx, int t, int thread)
{
    (void)thread;
    const ActJob *job = ctx;
    long i0 = (long)t * ACT_CHUNK, i1 = i0 + ACT_CHUNK < job->n ? i0 + ACT_CHUNK : job->n;
    float *y = job->y;
    const float *x = job->x;
    for (long i = i0; i < i1; i++)
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

static void relu_backward_task(void *ctx, int t, int thread)
{
    (void)thread;
    const ActJob *job = ctx;
    long i0 = (long)t * ACT_CHUNK, i1 = i0 + ACT_CHUNK < job->n ? i0 + ACT_CHUNK : job->n;
    float *dx = job->y;
    const float *x = job->x, *dy = job->dy;
    /* f'(x) is 1 for x > 0 and 0 otherwise (0 at exactly 0, as act.h says) */
    for (long i = i0; i < i1; i++)
        dx[i] += x[i] > 0.0f ? dy[i] : 0.0f;
}

void fastconv_act_forward(Workers *wk, float *y, const float *x, long n, ActKind kind,
                          float param)
{
    if (kind != ACT_RELU) {
        act_forward(y, x, n, kind, param);
        return;
    }
    ActJob job = {.y = y, .x = x, .n = n};
    workers_run(wk, (int)((n + ACT_CHUNK - 1) / ACT_CHUNK), relu_forward_task, &job);
}

void fastconv_act_backward(Workers *wk, float *dx, const float *dy, const float *x, long n,
                           ActKind kind, float param)
{
    if (kind != ACT_RELU) {
        act_backward(dx, dy, x, n, kind, param);
        return;
    }
    ActJob job = {.y = dx, .x = x, .dy = dy, .n = n};
    workers_run(wk, (int)((n + ACT_CHUNK - 1) / ACT_CHUNK), relu_backward_task, &job);
}

/* ---- dense: three products on the caller's thread (the default net's dense layer is
 * 1% of the work; splitting it would cost more in dispatch than it saves) ---- */

void fastconv_dense_forward(Workers *wk, float *y, const float *x, const float *w, const float *b,
                            int n, int in, int out)
{
    (void)wk;
    float beta = 0.0f;
    if (b) {
        for (int s = 0; s < n; s++)
            memcpy(y + (long)s * out, b, (size_t)out * sizeof *y);
        beta = 1.0f;
    }
    /* y (N, O) = x (N, I) . w^T (I, O) */
    gemm_sgemm(false, true, n, out, in, 1.0f, x, in, w, in, beta, y, out);
}

void fastconv_dense_backward(Workers *wk, float *dx, float *dw, float *db, const float *dy,
                             const float *x, const float *w, int n, int in, int out)
{
    (void)wk;
    if (db)
        for (int s = 0; s < n; s++)
            for (int o = 0; o < out; o++)
                db[o] += dy[(long)s * out + o];
    /* dw (O, I) += dy^T (O, N) . x (N, I) */
    if (dw)
        gemm_sgemm(true, false, out, in, n, 1.0f, dy, out, x, in, 1.0f, dw, in);
    /* dx (N, I) += dy (N, O) . w (O, I) */
    if (dx)
        gemm_sgemm(false, false, n, in, out, 1.0f, dy, out, w, in, 1.0f, dx, in);
}
