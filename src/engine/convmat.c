/* convmat.c - see convmat.h.
 * Legend: C input channels, H/W input size, O output channels, KH/KW kernel, OH/OW output. */
#include "engine/convmat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_err(char *err, size_t err_size, const char *msg)
{
    if (err && err_size > 0)
        snprintf(err, err_size, "%s", msg);
}

static bool geom_ok(const ConvGeom *g)
{
    return g->c >= 1 && g->h >= 1 && g->w >= 1 && g->o >= 1 && g->kh >= 1 && g->kw >= 1 &&
           g->sh >= 1 && g->sw >= 1 && g->pt >= 0 && g->pb >= 0 && g->pl >= 0 && g->pr >= 0 &&
           g->dh >= 1 && g->dw >= 1 && g->oh >= 1 && g->ow >= 1;
}

bool convmat_build(ConvMat *m, const ConvGeom *g, const float *w, char *err, size_t err_size)
{
    memset(m, 0, sizeof *m);
    if (!geom_ok(g)) {
        set_err(err, err_size,
                "convmat: bad geometry (sizes, stride, dilation must be >= 1, "
                "padding >= 0, output size filled and >= 1)");
        return false;
    }
    int rows = g->o * g->oh * g->ow;
    int cols = g->c * g->h * g->w;
    /* at most one tap per (row, input cell) since DH, DW >= 1, so O*OH*OW*C*KH*KW bounds it */
    long cap = (long)rows * g->c * g->kh * g->kw;
    ConvMatEntry *entries = malloc((size_t)(cap > 0 ? cap : 1) * sizeof *entries);
    int *row_start = malloc((size_t)(rows + 1) * sizeof *row_start);
    if (!entries || !row_start) {
        free(entries);
        free(row_start);
        set_err(err, err_size, "convmat: out of memory");
        return false;
    }
    int n = 0;
    for (int o = 0; o < g->o; o++) {
        for (int oy = 0; oy < g->oh; oy++) {
            for (int ox = 0; ox < g->ow; ox++) {
                int row = (o * g->oh + oy) * g->ow + ox;
                row_start[row] = n;
                /* (c, ky, kx) order visits the columns (c, iy, ix) in increasing order,
                 * because iy and ix grow with ky and kx */
                for (int c = 0; c < g->c; c++) {
                    for (int ky = 0; ky < g->kh; ky++) {
                        int iy = oy * g->sh - g->pt + ky * g->dh;
                        if (iy < 0 || iy >= g->h)
                            continue;
                        for (int kx = 0; kx < g->kw; kx++) {
                            int ix = ox * g->sw - g->pl + kx * g->dw;
                            if (ix < 0 || ix >= g->w)
                                continue;
                            ConvMatEntry *e = &entries[n++];
                            e->row = row;
                            e->col = (c * g->h + iy) * g->w + ix;
                            e->o = o;
                            e->oy = oy;
                            e->ox = ox;
                            e->c = c;
                            e->iy = iy;
                            e->ix = ix;
                            e->ky = ky;
                            e->kx = kx;
                            e->w = w[((o * g->c + c) * g->kh + ky) * g->kw + kx];
                        }
                    }
                }
            }
        }
    }
    row_start[rows] = n;
    m->rows = rows;
    m->cols = cols;
    m->c = g->c;
    m->h = g->h;
    m->w = g->w;
    m->o = g->o;
    m->oh = g->oh;
    m->ow = g->ow;
    m->n_entries = n;
    m->entries = entries;
    m->row_start = row_start;
    return true;
}

void convmat_free(ConvMat *m)
{
    free(m->entries);
    free(m->row_start);
    memset(m, 0, sizeof *m);
}

const ConvMatEntry *convmat_find(const ConvMat *m, int row, int col)
{
    if (!m->entries || row < 0 || row >= m->rows)
        return NULL;
    for (int i = m->row_start[row]; i < m->row_start[row + 1]; i++)
        if (m->entries[i].col == col)
            return &m->entries[i];
    return NULL;
}

float convmat_at(const ConvMat *m, int row, int col)
{
    const ConvMatEntry *e = convmat_find(m, row, col);
    return e ? e->w : 0.0f;
}

void convmat_apply(const ConvMat *m, float *y, const float *x)
{
    /* y_r = sum over the non-zeros of row r of M[r][col] * x[col]: each row is one output
     * cell's window sum, the same products conv_cell lists, in the same order */
    for (int r = 0; r < m->rows; r++) {
        float s = 0.0f;
        for (int i = m->row_start[r]; i < m->row_start[r + 1]; i++)
            s += m->entries[i].w * x[m->entries[i].col];
        y[r] = s;
    }
}

void convmat_apply_transposed_partial(const ConvMat *m, float *x, const float *y, int count)
{
    /* (M^T y)_col = sum over rows r of M[r][col] * y_r: walking the rows in order, row r
     * stamps y_r times its kernel taps into the columns of its window; overlaps sum */
    memset(x, 0, (size_t)m->cols * sizeof *x);
    if (count > m->rows)
        count = m->rows;
    for (int r = 0; r < count; r++)
        for (int i = m->row_start[r]; i < m->row_start[r + 1]; i++)
            x[m->entries[i].col] += m->entries[i].w * y[r];
}

void convmat_apply_transposed(const ConvMat *m, float *x, const float *y)
{
    convmat_apply_transposed_partial(m, x, y, m->rows);
}

/* The output padding that gives back the remainder the conv's floor division dropped. */
static int dropped_rows(int in, int pad_lo, int pad_hi, int k, int stride, int dil)
{
    return (in + pad_lo + pad_hi - dil * (k - 1) - 1) % stride;
}

bool convmat_geom_transpose(const ConvGeom *g, ConvGeom *gt)
{
    if (!geom_ok(g))
        return false;
    *gt = *g;
    gt->c = g->o;
    gt->o = g->c;
    gt->h = g->oh;
    gt->w = g->ow;
    gt->oph = dropped_rows(g->h, g->pt, g->pb, g->kh, g->sh, g->dh);
    gt->opw = dropped_rows(g->w, g->pl, g->pr, g->kw, g->sw, g->dw);
    gt->oh = g->h;
    gt->ow = g->w;
    return true;
}

bool convmat_geom_of_deconv(const ConvGeom *gd, ConvGeom *g)
{
    if (!geom_ok(gd) || gd->oph < 0 || gd->opw < 0 || gd->oph >= gd->sh || gd->opw >= gd->sw)
        return false;
    *g = *gd;
    g->c = gd->o;
    g->o = gd->c;
    g->h = gd->oh;
    g->w = gd->ow;
    g->oph = 0;
    g->opw = 0;
    g->oh = gd->h;
    g->ow = gd->w;
    /* with output padding < stride the conv of the deconv's output size lands exactly back
     * on the deconv's input size; check it rather than trust the algebra */
    return conv_out_size(g->h, g->pt, g->pb, g->kh, g->sh, g->dh) == g->oh &&
           conv_out_size(g->w, g->pl, g->pr, g->kw, g->sw, g->dw) == g->ow;
}

void convmat_flip_kernel(float *out, const float *w, int o, int c, int kh, int kw)
{
    for (int p = 0; p < o * c; p++) {
        const float *src = w + (long)p * kh * kw; /* (KH, KW) */
        float *dst = out + (long)p * kh * kw;     /* (KH, KW) */
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
                dst[ky * kw + kx] = src[(kh - 1 - ky) * kw + (kw - 1 - kx)];
    }
}

float convmat_true_conv_cell(const ConvGeom *g, const float *x, const float *w, int o, int oy,
                             int ox, ConvTerm *terms, int max_terms, int *n_terms)
{
    /* (I * K)(i, j) = sum_m sum_n I(i - m, j - n) K(m, n): the kernel index runs forward
     * while the image index runs backward; i, j sit at the window's far corner */
    int i = oy * g->sh - g->pt + (g->kh - 1) * g->dh;
    int j = ox * g->sw - g->pl + (g->kw - 1) * g->dw;
    float s = 0.0f;
    int t = 0;
    for (int c = 0; c < g->c; c++) {
        for (int mm = 0; mm < g->kh; mm++) {
            for (int nn = 0; nn < g->kw; nn++) {
                int iy = i - mm * g->dh;
                int ix = j - nn * g->dw;
                bool pad = iy < 0 || iy >= g->h || ix < 0 || ix >= g->w;
                float xv = pad ? 0.0f : x[((long)c * g->h + iy) * g->w + ix];
                float wv = w[((o * g->c + c) * g->kh + mm) * g->kw + nn];
                s += xv * wv;
                if (terms && t < max_terms) {
                    terms[t].c = c;
                    terms[t].iy = iy;
                    terms[t].ix = ix;
                    terms[t].ky = mm;
                    terms[t].kx = nn;
                    terms[t].x = xv;
                    terms[t].w = wv;
                    terms[t].pad = pad;
                }
                t++;
            }
        }
    }
    if (n_terms)
        *n_terms = t;
    return s;
}
