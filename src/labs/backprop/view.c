/* lab_backprop.c - the Backprop lab: one bundled digit through a small net, stepped BACKWARD
 * layer by layer and cell by cell on the timeline: p − y at the softmax, the dense layer's
 * ∂L/∂W = δ·xᵀ, ∂L/∂b = δ and ∂L/∂x = Wᵀδ, max-pool routing to the argmax, the ReLU mask, the
 * kernel gradient as a sweep (the upstream map slides over the input), the bias, then the
 * update W ← W − η·∂L/∂W before and after; every gradient grid says what it is the derivative
 * of, and a finite-difference check from the engine sits beside the equation.
 * The numbers come from lab_backprop_model (the engine); this file only draws them. */
#include "labs/lab.h"
#include "labs/backprop/model.h"
#include "labs/common/labkit.h"
#include "viz/colormap.h"
#include "viz/grid.h"

#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HOVER 8

/* A grid drawn this frame, for the hover tooltip. */
typedef struct HoverGrid {
    GridView v;
    GridLayout lay;
    char name[128]; /* "∂L/∂z₁[0," : the tooltip writes name + "r,c] = v" */
    bool vector;   /* a 1-row or 1-column vector: one index */
} HoverGrid;

typedef struct BpLab {
    BpModel m;
    bool ok;
    char err[512];
    const Dataset *digits;
    char digits_err[256];
    char net_name[32];
    int digit;
    float lr;
    int seed;
    bool dirty;
    Timeline tl;
    /* scratch sized at build time for the largest phase (no allocation per frame) */
    float *shown_val;    /* values on a result grid */
    uint8_t *shown_mask; /* cells computed so far */
    long scratch_n;
    float mask[BP_MAX_TERMS]; /* f′(z) of one plane */
    /* the finite-difference check of the current step, computed when the step changes */
    int fd_step;
    bool fd_have;
    GradCheckResult fd;
    float fd_bp;
    HoverGrid hov[MAX_HOVER];
    int n_hov;
} BpLab;

#define N_NETS 3
static const char *const net_items[N_NETS] = {"tiny (1\xC3\x97" "8\xC3\x97" "8)",
                                             "sse: sigmoid, \xC2\xBD\xC2\xB7\xCE\xA3(y\xE2\x88\x92t)\xC2\xB2",
                                             "lenet-tiny (28\xC3\x97" "28)"};
static const char *const net_names[N_NETS] = {"tiny", "sse", "lenet-tiny"};

static void rebuild(BpLab *L)
{
    int pos = L->tl.pos;
    if (L->ok)
        bp_model_free(&L->m);
    free(L->shown_val);
    free(L->shown_mask);
    L->shown_val = NULL;
    L->shown_mask = NULL;
    L->ok = bp_model_build(&L->m, L->net_name, L->digits, L->digit, L->lr, (uint64_t)L->seed,
                           L->err, sizeof L->err);
    if (L->ok) {
        long n = 1;
        for (int p = 0; p < L->m.n_phases; p++) {
            long k = 0;
            bp_model_result(&L->m, &L->m.phases[p], &k);
            n = k > n ? k : n;
            n = L->m.phases[p].cells > n ? L->m.phases[p].cells : n;
        }
        L->scratch_n = n;
        L->shown_val = calloc((size_t)n, sizeof(float));
        L->shown_mask = calloc((size_t)n, 1);
        if (!L->shown_val || !L->shown_mask) {
            bp_model_free(&L->m);
            L->ok = false;
            snprintf(L->err, sizeof L->err, "backprop: out of memory");
        }
    }
    timeline_set_count(&L->tl, L->ok ? L->m.steps : 0);
    timeline_seek(&L->tl, pos);
    L->fd_step = -2;
    L->dirty = false;
}

static void *bp_create(char *err, size_t err_size)
{
    BpLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "backprop lab: out of memory");
        return NULL;
    }
    L->digits = lsu_digits_acquire(L->digits_err, sizeof L->digits_err);
    if (!L->digits) {
        snprintf(err, err_size, "%s", L->digits_err);
        free(L);
        return NULL;
    }
    snprintf(L->net_name, sizeof L->net_name, "tiny");
    L->digit = 0;
    L->lr = 0.1f;
    L->seed = 1;
    timeline_init(&L->tl, 0);
    rebuild(L);
    if (!L->ok) {
        snprintf(err, err_size, "%s", L->err);
        lsu_digits_release();
        free(L);
        return NULL;
    }
    return L;
}

static void bp_destroy(void *state)
{
    BpLab *L = state;
    if (!L)
        return;
    if (L->ok)
        bp_model_free(&L->m);
    free(L->shown_val);
    free(L->shown_mask);
    if (L->digits)
        lsu_digits_release();
    free(L);
}

static bool bp_set_option(void *state, const char *key, const char *value, char *err,
                          size_t err_size)
{
    BpLab *L = state;
    int v[1];
    if (strcmp(key, "digit") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 0, L->digits->n - 1, err, err_size))
            return false;
        L->digit = v[0];
    } else if (strcmp(key, "class") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 0, 9, err, err_size))
            return false;
        L->digit = lsu_digit_of_class(L->digits, v[0], 0);
    } else if (strcmp(key, "lr") == 0 || strcmp(key, "eta") == 0) {
        float f;
        if (!lsu_parse_float(key, value, &f, err, err_size))
            return false;
        if (!(f > 0.0f && f <= 10.0f)) {
            snprintf(err, err_size, "%s=%s: expected a learning rate in (0, 10]", key, value);
            return false;
        }
        L->lr = f;
    } else if (strcmp(key, "net") == 0) {
        int idx = -1;
        for (int i = 0; i < N_NETS; i++)
            if (strcmp(value, net_names[i]) == 0)
                idx = i;
        if (strcmp(value, "backprop-tiny") == 0)
            idx = 0;
        if (strcmp(value, "backprop-sse") == 0)
            idx = 1;
        if (idx < 0) {
            snprintf(err, err_size,
                     "net=%s: expected tiny (softmax, cross-entropy), sse (sigmoid outputs, sum "
                     "of squared errors) or lenet-tiny",
                     value);
            return false;
        }
        snprintf(L->net_name, sizeof L->net_name, "%s", net_names[idx]);
    } else if (strcmp(key, "seed") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 0, 1000000, err, err_size))
            return false;
        L->seed = v[0];
    } else {
        snprintf(err, err_size, "backprop: unknown option '%s' (digit, class, lr, net, seed, step)",
                 key);
        return false;
    }
    rebuild(L);
    if (!L->ok) {
        snprintf(err, err_size, "%s", L->err);
        return false;
    }
    return true;
}

static Timeline *bp_timeline(void *state)
{
    BpLab *L = state;
    if (L->dirty)
        rebuild(L);
    return &L->tl;
}

static bool bp_update(void *state, double dt)
{
    (void)dt;
    BpLab *L = state;
    return L->tl.playing;
}

/* D / Shift+D: the next / previous test digit; N / Shift+N: the next / previous net. The scene
 * is rebuilt at the next frame (the timeline keeps its position where it can). */
static bool bp_key(void *state, int key, bool ctrl, bool shift)
{
    BpLab *L = state;
    if (ctrl)
        return false;
    if (key == SDLK_d) {
        int n = L->digits->n;
        L->digit = ((L->digit + (shift ? -1 : 1)) % n + n) % n;
        L->dirty = true;
        return true;
    }
    if (key == SDLK_n) {
        int cur = 0;
        for (int k = 0; k < N_NETS; k++)
            if (strcmp(L->net_name, net_names[k]) == 0)
                cur = k;
        cur = (cur + (shift ? N_NETS - 1 : 1)) % N_NETS;
        snprintf(L->net_name, sizeof L->net_name, "%s", net_names[cur]);
        L->dirty = true;
        return true;
    }
    return false;
}

/* ------------------------------------------------------------------------- drawing helpers */

static int body_px(const Theme *th)
{
    return theme_px(th, THEME_BODY);
}

/* The height a grid needs above and below its cells (title and legend). */
static int grid_chrome_h(Render *r, const Theme *th)
{
    int lh = render_line_height(r, FONT_SANS_BOLD, body_px(th));
    return lh + theme_px(th, 4) + colormap_legend_height(th) + theme_px(th, 6);
}

/* The narrowest column a grid may have: its legend's minimum width. */
static int grid_min_w(const Theme *th)
{
    return theme_px(th, 168);
}

/* A grid view of data (rows, cols) with a title and shape, values as the V key says. */
static GridView make_view(LabContext *ctx, const char *title, const char *shape, const float *data,
                          int rows, int cols, ColorScale scale, int decimals)
{
    GridView v = grid_view_make(title, data, rows, cols, scale.kind);
    v.shape = shape;
    v.scale = scale;
    v.show_values = ctx->show_values;
    v.decimals = decimals;
    return v;
}

/* Lays the view out in avail with cells of at most cell px, draws it, and remembers it for the
 * hover tooltip under name. */
static GridLayout draw_view(BpLab *L, LabContext *ctx, GridView *v, Rect avail, int cell,
                            const char *name)
{
    const Theme *th = ctx->th;
    v->max_cell = (int)floorf((float)cell / th->scale);
    if (v->max_cell < 1)
        v->max_cell = 1;
    GridLayout lay = lsu_grid_layout(ctx->r, th, v, avail);
    /* automatic values: fewer decimals before none at all */
    if (v->show_values && lay.value_size == 0 && v->decimals > 1) {
        v->decimals = 2;
        lay = lsu_grid_layout(ctx->r, th, v, avail);
    }
    grid_draw(ctx->r, th, v, &lay);
    if (L->n_hov < MAX_HOVER && name) {
        HoverGrid *h = &L->hov[L->n_hov++];
        h->v = *v;
        h->lay = lay;
        snprintf(h->name, sizeof h->name, "%s", name);
        h->vector = v->rows == 1 || v->cols == 1;
    }
    return lay;
}

/* Cell size so that n grids of (rows[i], cols[i]) fit side by side in area with gap between. */
/* The narrowest column for n grids in width w: the legend's width, or less when the window
 * is too narrow for that. */
static int eff_min_w(const Theme *th, int w, int n, int gap)
{
    int minw = grid_min_w(th), fit = (w - (n - 1) * gap) / (n > 0 ? n : 1);
    return fit < minw ? (fit > 8 ? fit : 8) : minw;
}

static int row_cell(Render *r, const Theme *th, Rect area, const int *rows, const int *cols,
                    int n, int gap)
{
    int chrome = grid_chrome_h(r, th), minw = eff_min_w(th, area.w, n, gap);
    int cell = theme_px(th, GRID_MAX_CELL);
    for (; cell > 2; cell--) {
        int w = 0, h = 0;
        for (int i = 0; i < n; i++) {
            int cw = cols[i] * cell;
            w += (cw > minw ? cw : minw) + (i ? gap : 0);
            h = rows[i] * cell + chrome > h ? rows[i] * cell + chrome : h;
        }
        if (w <= area.w && h <= area.h)
            break;
    }
    return cell;
}

/* The column rects of n grids side by side (centred in area, widths by content). */
static void row_rects(const Theme *th, Rect area, const int *cols, int n, int cell, int gap,
                      Rect *out)
{
    int minw = eff_min_w(th, area.w, n, gap), total = 0;
    int w[8];
    for (int i = 0; i < n; i++) {
        w[i] = cols[i] * cell > minw ? cols[i] * cell : minw;
        total += w[i] + (i ? gap : 0);
    }
    int x = area.x + (area.w - total) / 2;
    for (int i = 0; i < n; i++) {
        out[i] = (Rect){x, area.y, w[i], area.h};
        x += w[i] + gap;
    }
}

/* Cell size and column rects for the n grids v side by side in area (row_cell, row_rects;
 * each grid's padding ring counts). When a grid's "title shape" would not fit its column at
 * the body size, every grid of the row moves its shape to the second title line (all alike,
 * so the grids stay level) and the cells give that line room, rather than the titles
 * shrinking to 10 px. */
static int row_fit(LabContext *ctx, Rect area, GridView **v, int n, int gap, Rect *rc)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    int rows[8] = {0}, cols[8] = {0};
    n = n < 8 ? n : 8;
    for (int k = 0; k < n; k++) {
        rows[k] = v[k]->rows + v[k]->pad_top + v[k]->pad_bottom;
        cols[k] = v[k]->cols + v[k]->pad_left + v[k]->pad_right;
    }
    int cell = row_cell(r, th, area, rows, cols, n, gap);
    row_rects(th, area, cols, n, cell, gap, rc);
    bool below = false;
    for (int k = 0; k < n; k++)
        below |= v[k]->title && v[k]->shape && v[k]->shape[0] &&
                 !grid_title_fits(r, th, v[k]->title, v[k]->shape, rc[k].w);
    if (!below)
        return cell;
    for (int k = 0; k < n; k++)
        if (v[k]->shape && v[k]->shape[0]) {
            v[k]->note = v[k]->shape;
            v[k]->shape = "";
        }
    Rect shorter = area;
    shorter.h -= render_line_height(r, FONT_SANS_BOLD, body_px(th));
    cell = row_cell(r, th, shorter, rows, cols, n, gap);
    row_rects(th, area, cols, n, cell, gap, rc);
    return cell;
}

/* Amber outlines of the cells [c0, c1) (flat indices of a rows×cols view), as at most three
 * boxes: the partial first row, the full rows, the partial last row. */
static void outline_range(LabContext *ctx, const GridView *v, const GridLayout *lay, long c0,
                          long c1, Color col)
{
    if (c1 <= c0)
        return;
    int t = theme_px(ctx->th, 3);
    long w = v->cols;
    long r0 = c0 / w, r1 = (c1 - 1) / w;
    Rect boxes[3];
    int nb = 0;
    if (r0 == r1) {
        boxes[nb++] = (Rect){(int)(c0 % w), (int)r0, (int)(c1 - c0), 1};
    } else {
        long full0 = c0 % w == 0 ? r0 : r0 + 1, full1 = c1 % w == 0 ? r1 : r1 - 1;
        if (c0 % w)
            boxes[nb++] = (Rect){(int)(c0 % w), (int)r0, (int)(w - c0 % w), 1};
        if (full1 >= full0)
            boxes[nb++] = (Rect){0, (int)full0, (int)w, (int)(full1 - full0 + 1)};
        if (c1 % w)
            boxes[nb++] = (Rect){0, (int)r1, (int)(c1 % w), 1};
    }
    for (int b = 0; b < nb; b++) {
        Rect a = grid_cell_rect(v, lay, boxes[b].y, boxes[b].x);
        Rect box = {a.x, a.y, boxes[b].w * lay->cell + 1, boxes[b].h * lay->cell + 1};
        render_rect_outline(ctx->r, rect_inset(box, -t / 2), t, col);
    }
}

static void outline_cell(LabContext *ctx, const GridView *v, const GridLayout *lay, int row,
                         int col, Color c)
{
    outline_range(ctx, v, lay, (long)row * v->cols + col, (long)row * v->cols + col + 1, c);
}

/* An arrow from (x0, y0) to (x1, y1) with a head at the end. */
static void draw_arrow(Render *r, const Theme *th, float x0, float y0, float x1, float y1, Color c)
{
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len < 1.0f)
        return;
    dx /= len;
    dy /= len;
    float head = (float)theme_px(th, 10);
    render_line(r, x0, y0, x1 - dx * head * 0.8f, y1 - dy * head * 0.8f, (float)theme_px(th, 2),
                c);
    render_triangle(r, x1, y1, x1 - dx * head - dy * head * 0.5f, y1 - dy * head + dx * head * 0.5f,
                    x1 - dx * head + dy * head * 0.5f, y1 - dy * head - dx * head * 0.5f, c);
}

static void cell_centre(const GridView *v, const GridLayout *lay, int row, int col, float *x,
                        float *y)
{
    Rect c = grid_cell_rect(v, lay, row, col);
    *x = (float)c.x + (float)c.w / 2.0f;
    *y = (float)c.y + (float)c.h / 2.0f;
}

/* "∂L/∂z₁" into buf. */
static const char *dname(const BpModel *m, int layer, char *buf, size_t size)
{
    char n[32];
    bp_model_tensor_name(m, layer, n, sizeof n);
    snprintf(buf, size, "\xE2\x88\x82L/\xE2\x88\x82%.16s", n);
    return buf;
}

/* The shape "2×6×6" of layer's output, with ", channel c" when there are several. */
static const char *plane_shape(const BpModel *m, int layer, int c, char *buf, size_t size)
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

/* The shown-so-far copy of phase ph's per-cell values: cells before `done` carry their value,
 * the rest are blank. Values go to L->shown_val, the mask to L->shown_mask. */
static void fill_shown(BpLab *L, const BpPhase *ph, long done)
{
    memset(L->shown_mask, 0, (size_t)L->scratch_n);
    for (long c = 0; c < ph->cells; c++) {
        L->shown_val[c] = ph->val[c];
        L->shown_mask[c] = c < done;
    }
}

/* --------------------------------------------------------------------------- the phases */

/* The note under the gradient's title: what the entries filled in so far add up to. For
 * cross-entropy Σ(p − y) ends at 0 (p and the one-hot y both sum to 1); for the sum of squared
 * errors ½·Σ(y − t)² ends at the loss L itself. */
static void loss_note(const BpModel *m, const BpPhase *ph, long done, char *buf, size_t size)
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
    (void)m;
}

/* p − y (or y − t): three vectors stacked, p (y), the one-hot y (t) and the gradient filling
 * in, with what its entries add up to on the gradient's second title line. */
static void draw_loss(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    int last = m->net->spec.n_layers - 1;
    bool xent = ph->kind == BP_LOSS_XENT;
    static float onehot[DATASET_CLASSES];
    for (int k = 0; k < DATASET_CLASSES; k++)
        onehot[k] = k == m->label ? 1.0f : 0.0f;
    const float *p = m->acts->out[last];
    int k = (int)ph->cells;
    int rows[1] = {1}, cols[1] = {k};
    int gap = theme_px(ctx->th, 8);
    /* the gradient's third is a line taller: its second title line says what it sums to */
    int note_h = render_line_height(ctx->r, FONT_SANS_BOLD, body_px(ctx->th));
    Rect third = {area.x, area.y, area.w, (area.h - 2 * gap - note_h) / 3};
    int cell = row_cell(ctx->r, ctx->th, third, rows, cols, 1, gap);
    char t1[64], t2[64], t3[96], n3[48], logits[32], out[32], note[128];
    bp_model_tensor_name(m, last, out, sizeof out);
    if (xent)
        snprintf(t1, sizeof t1, "p = softmax(z)");
    else
        snprintf(t1, sizeof t1, "y = %s, the output", out);
    snprintf(t2, sizeof t2, "%s one-hot, label %d", xent ? "y" : "t", m->label);
    bp_model_tensor_name(m, xent ? last - 1 : last, logits, sizeof logits);
    snprintf(t3, sizeof t3, "\xE2\x88\x82L/\xE2\x88\x82%s = %s", logits, xent ? "p \xE2\x88\x92 y" : "y \xE2\x88\x92 t");
    char shape[16];
    snprintf(shape, sizeof shape, "(%d)", k);
    GridView vp = make_view(ctx, t1, shape, p, 1, k, colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, 1.0f), 3);
    GridView vy = make_view(ctx, t2, shape, onehot, 1, k, colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, 1.0f), 0);
    fill_shown(L, ph, done);
    GridView vg = make_view(ctx, t3, shape, L->shown_val, 1, k,
                            colorscale_fit(COLORMAP_DIVERGING, ph->val, k), 3);
    vg.shown = L->shown_mask;
    loss_note(m, ph, done, note, sizeof note);
    vg.note = note;
    char np[16];
    snprintf(np, sizeof np, "%s[", xent ? "p" : "y");
    GridLayout lp = draw_view(L, ctx, &vp, third, cell, np);
    third.y += third.h + gap;
    GridLayout ly = draw_view(L, ctx, &vy, third, cell, xent ? "y[" : "t[");
    third.y += third.h + gap;
    third.h += note_h;
    snprintf(n3, sizeof n3, "\xE2\x88\x82L/\xE2\x88\x82%s[", logits);
    GridLayout lg = draw_view(L, ctx, &vg, third, cell, n3);
    if (done > 0) {
        outline_cell(ctx, &vp, &lp, 0, (int)st->focus, ctx->th->accent);
        outline_cell(ctx, &vy, &ly, 0, (int)st->focus, ctx->th->accent);
        outline_range(ctx, &vg, &lg, st->cell0, st->cell1, ctx->th->accent);
    }
}

/* The dense layer as an outer product: δ down the left, x (or the result) along the top or
 * bottom, the matrix in the middle, the bias gradient on the right. */
static void draw_dense(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    int i = ph->layer;
    const Layer *l = &m->net->spec.layers[i];
    int O = l->units, I = l->in.c;
    bool wphase = ph->kind == BP_DENSE_W;
    const float *x = i > 0 ? m->acts->out[i - 1] : m->acts->x;
    const float *delta = m->acts->grad[i];
    int gap = theme_px(th, 24), chrome = grid_chrome_h(ctx->r, th);
    int minw = eff_min_w(th, area.w / 2, 2, gap);
    /* cell: the matrix plus a vector row (above or below) in height; δ, matrix, b in width */
    int cell = theme_px(th, GRID_MAX_CELL);
    for (; cell > 2; cell--) {
        int w = (I * cell > minw ? I * cell : minw) + 2 * gap + 2 * (cell > minw ? cell : minw);
        int h = 2 * chrome + (O + 1) * cell + theme_px(th, 8);
        if (w <= area.w && h <= area.h)
            break;
    }
    int mw = I * cell > minw ? I * cell : minw;
    int total_w = mw + 2 * gap + 2 * minw;
    int x0 = area.x + (area.w - total_w) / 2;
    int vec_h = chrome + cell + theme_px(th, 8);
    int mat_h = area.h - vec_h;
    Rect r_vec = {x0 + minw + gap, wphase ? area.y : area.y + mat_h, mw, vec_h};
    Rect r_mat = {x0 + minw + gap, wphase ? area.y + vec_h : area.y, mw, mat_h};
    Rect r_left = {x0, r_mat.y, minw, mat_h};
    Rect r_right = {x0 + minw + gap + mw + gap, r_mat.y, minw, mat_h};

    char wn[32], bn[32], xn[32], zn[32], t[96], sh[32], nm[128];
    bp_model_weight_name(m, i, false, wn, sizeof wn);
    bp_model_weight_name(m, i, true, bn, sizeof bn);
    bp_model_tensor_name(m, i - 1, xn, sizeof xn);
    bp_model_tensor_name(m, i, zn, sizeof zn);

    /* δ = ∂L/∂z down the left */
    snprintf(t, sizeof t, "\xCE\xB4 = \xE2\x88\x82L/\xE2\x88\x82%s", zn);
    snprintf(sh, sizeof sh, "(%d)", O);
    GridView vd = make_view(ctx, t, sh, delta, O, 1, colorscale_fit(COLORMAP_DIVERGING, delta, O), 3);
    snprintf(nm, sizeof nm, "\xCE\xB4[");
    GridLayout ld = draw_view(L, ctx, &vd, r_left, cell, nm);

    int f_o = (int)(st->focus / I), f_i = (int)(st->focus % I);
    if (wphase) {
        /* x along the top, ∂L/∂W filling row by row, ∂L/∂b = δ on the right */
        snprintf(t, sizeof t, "x = %s", xn);
        snprintf(sh, sizeof sh, "(%d)", I);
        bool neg = false;
        for (int k = 0; k < I; k++)
            neg = neg || x[k] < 0.0f;
        GridView vx = make_view(ctx, t, sh, x, 1, I,
                                colorscale_fit(neg ? COLORMAP_DIVERGING : COLORMAP_SEQUENTIAL, x, I), 3);
        snprintf(nm, sizeof nm, "%s[", xn);
        GridLayout lx = draw_view(L, ctx, &vx, r_vec, cell, nm);
        fill_shown(L, ph, done);
        snprintf(t, sizeof t, "\xE2\x88\x82L/\xE2\x88\x82%s = \xCE\xB4\xC2\xB7x\xE1\xB5\x80", wn);
        snprintf(sh, sizeof sh, "(%d\xC3\x97%d)", O, I);
        GridView vw = make_view(ctx, t, sh, L->shown_val, O, I,
                                colorscale_fit(COLORMAP_DIVERGING, ph->val, (int)ph->cells), 3);
        vw.shown = L->shown_mask;
        snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[", wn);
        GridLayout lw = draw_view(L, ctx, &vw, r_mat, cell, nm);
        /* ∂L/∂b = δ, row by row with W */
        static float db[NET_MAX_CHANNELS];
        static uint8_t dbm[NET_MAX_CHANNELS];
        const float *g = m->net->grads + l->b_off;
        for (int o = 0; o < O; o++) {
            db[o] = g[o];
            dbm[o] = (long)o * I < done;
        }
        snprintf(t, sizeof t, "\xE2\x88\x82L/\xE2\x88\x82%s = \xCE\xB4", bn);
        snprintf(sh, sizeof sh, "(%d)", O);
        GridView vb = make_view(ctx, t, sh, db, O, 1, colorscale_fit(COLORMAP_DIVERGING, g, O), 3);
        vb.shown = dbm;
        snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[", bn);
        GridLayout lb = draw_view(L, ctx, &vb, r_right, cell, nm);
        if (done > 0) {
            outline_range(ctx, &vw, &lw, st->cell0, st->cell1, th->accent);
            outline_cell(ctx, &vd, &ld, f_o, 0, th->accent);
            outline_cell(ctx, &vb, &lb, f_o, 0, th->accent);
            outline_range(ctx, &vx, &lx, 0, I, th->accent);
            /* the product written out below: amber inside the amber row */
            Rect c = grid_cell_rect(&vw, &lw, f_o, f_i);
            render_rect_outline(ctx->r, rect_inset(c, theme_px(th, 3)), theme_px(th, 2), th->accent);
            outline_cell(ctx, &vx, &lx, 0, f_i, th->accent);
        }
    } else {
        /* W in the middle, the column of the current input amber; ∂L/∂x = Wᵀδ filling below */
        const float *w = m->net->params + l->w_off;
        snprintf(t, sizeof t, "%s", wn);
        snprintf(sh, sizeof sh, "(%d\xC3\x97%d)", O, I);
        GridView vw = make_view(ctx, t, sh, w, O, I,
                                colorscale_fit(COLORMAP_DIVERGING, w, O * I), 3);
        snprintf(nm, sizeof nm, "%s[", wn);
        GridLayout lw = draw_view(L, ctx, &vw, r_mat, cell, nm);
        fill_shown(L, ph, done);
        snprintf(t, sizeof t, "\xE2\x88\x82L/\xE2\x88\x82%s = W\xE1\xB5\x80\xCE\xB4", xn);
        snprintf(sh, sizeof sh, "(%d)", I);
        GridView vx = make_view(ctx, t, sh, L->shown_val, 1, I,
                                colorscale_fit(COLORMAP_DIVERGING, ph->val, I), 3);
        vx.shown = L->shown_mask;
        snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[", xn);
        GridLayout lx = draw_view(L, ctx, &vx, r_vec, cell, nm);
        if (done > 0) {
            int fi = (int)st->focus;
            Rect a = grid_cell_rect(&vw, &lw, 0, fi);
            int t3 = theme_px(th, 3);
            render_rect_outline(ctx->r, rect_inset((Rect){a.x, a.y, cell + 1, O * cell + 1}, -t3 / 2),
                                t3, th->accent);
            outline_range(ctx, &vd, &ld, 0, O, th->accent);
            outline_range(ctx, &vx, &lx, st->cell0, st->cell1, th->accent);
        }
    }
}

/* Flatten: the vector above, the maps it folds back into below. */
static void draw_flatten(BpLab *L, LabContext *ctx, Rect area, const BpStep *st)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    int i = ph->layer;
    Shape s = m->net->spec.layers[i].in;
    const float *g = m->acts->grad[i]; /* (N) the flat gradient */
    int n = (int)ph->cells;
    char t[96], sh[48], nm[128], fn[32];
    bp_model_tensor_name(m, i, fn, sizeof fn);
    int gap = theme_px(ctx->th, 16);
    Rect top = {area.x, area.y, area.w, area.h / 3};
    Rect bot = {area.x, area.y + area.h / 3 + gap, area.w, area.h - area.h / 3 - gap};
    int rows1[1] = {1}, cols1[1] = {n};
    int cell = row_cell(ctx->r, ctx->th, top, rows1, cols1, 1, gap);
    ColorScale sc = colorscale_fit(COLORMAP_DIVERGING, g, n);
    snprintf(t, sizeof t, "\xE2\x88\x82L/\xE2\x88\x82%s", fn);
    snprintf(sh, sizeof sh, "(%d)", n);
    GridView vf = make_view(ctx, t, sh, g, 1, n, sc, 3);
    snprintf(nm, sizeof nm, "%s[", t);
    GridLayout lf = draw_view(L, ctx, &vf, top, cell, nm);
    /* the written-out cell, in the vector and where it lands in the maps */
    outline_cell(ctx, &vf, &lf, 0, (int)st->focus, ctx->th->accent);
    /* up to 4 planes side by side */
    int planes = s.c < 4 ? s.c : 4;
    char dn[48], shp[4][48];
    dname(m, i - 1, dn, sizeof dn);
    GridView vm[4];
    GridView *row[4];
    for (int c = 0; c < planes; c++) {
        plane_shape(m, i - 1, c, shp[c], sizeof shp[c]);
        vm[c] = make_view(ctx, dn, shp[c], g + (long)c * s.h * s.w, s.h, s.w, sc, 3);
        row[c] = &vm[c];
    }
    Rect rc[4];
    int pc = row_fit(ctx, bot, row, planes, gap, rc);
    for (int c = 0; c < planes; c++) {
        GridLayout lm = draw_view(L, ctx, &vm[c], rc[c], pc, NULL);
        long plane = (long)s.h * s.w;
        if (s.rank == 3 && st->focus / plane == c)
            outline_cell(ctx, &vm[c], &lm, (int)(st->focus % plane / s.w), (int)(st->focus % s.w),
                         ctx->th->accent);
    }
}

/* Max pooling: the forward map with its windows, the upstream gradient, the routed result. */
static void draw_pool(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    int i = ph->layer;
    const Layer *l = &m->net->spec.layers[i];
    const PoolGeom *g = &l->pool;
    long plane_out = (long)g->oh * g->ow, plane_in = (long)g->h * g->w;
    int ch = (int)(st->focus / plane_out);
    const float *a = m->acts->out[i - 1] + ch * plane_in;   /* (H, W) forward */
    const float *up = m->acts->grad[i] + ch * plane_out;    /* (OH, OW) upstream */
    /* the routed map, accumulated over the pooled cells done so far in this plane */
    float *res = L->shown_val;
    uint8_t *mask = L->shown_mask;
    memset(res, 0, (size_t)plane_in * sizeof(float));
    memset(mask, 1, (size_t)plane_in);
    for (long c = ch * plane_out; c < (ch + 1) * plane_out; c++) {
        if (c >= done) {
            /* not yet reached: the window's cells stay blank */
            int oy = (int)(c % plane_out / g->ow), ox = (int)(c % g->ow);
            for (int dy = 0; dy < g->kh; dy++)
                for (int dx = 0; dx < g->kw; dx++)
                    mask[(oy * g->sh + dy) * g->w + ox * g->sw + dx] = 0;
        }
    }
    for (long c = ch * plane_out; c < (ch + 1) * plane_out && c < done; c++) {
        if (l->kind == LAYER_MAXPOOL) {
            res[ph->route[c] - ch * plane_in] += ph->val[c];
        } else {
            int oy = (int)(c % plane_out / g->ow), ox = (int)(c % g->ow);
            for (int dy = 0; dy < g->kh; dy++)
                for (int dx = 0; dx < g->kw; dx++)
                    res[(oy * g->sh + dy) * g->w + ox * g->sw + dx] += ph->val[c];
        }
    }
    int gap = theme_px(th, 40);
    char an[32], t1[64], t2[64], t3[64], s1[48], s2[48], nm[128];
    bp_model_tensor_name(m, i - 1, an, sizeof an);
    snprintf(t1, sizeof t1, "%s (forward)", an);
    plane_shape(m, i - 1, ch, s1, sizeof s1);
    bool neg = false;
    for (long k = 0; k < plane_in; k++)
        neg = neg || a[k] < 0.0f;
    GridView va = make_view(ctx, t1, s1, a, g->h, g->w,
                            colorscale_fit(neg ? COLORMAP_DIVERGING : COLORMAP_SEQUENTIAL,
                                           m->acts->out[i - 1], (int)(plane_in * g->c)),
                            2);
    dname(m, i, t2, sizeof t2);
    plane_shape(m, i, ch, s2, sizeof s2);
    GridView vu = make_view(ctx, t2, s2, up, g->oh, g->ow,
                            colorscale_fit(COLORMAP_DIVERGING, m->acts->grad[i], (int)(plane_out * g->c)), 3);
    dname(m, i - 1, t3, sizeof t3);
    GridView vr = make_view(ctx, t3, s1, res, g->h, g->w,
                            colorscale_fit(COLORMAP_DIVERGING, m->acts->grad[i - 1], (int)(plane_in * g->c)), 3);
    vr.shown = mask;
    Rect rc[3];
    GridView *row[3] = {&va, &vu, &vr};
    int cell = row_fit(ctx, area, row, 3, gap, rc);
    snprintf(nm, sizeof nm, "%.100s[%d,", an, ch);
    GridLayout la = draw_view(L, ctx, &va, rc[0], cell, nm);
    snprintf(nm, sizeof nm, "%.100s[%d,", t2, ch);
    GridLayout lu = draw_view(L, ctx, &vu, rc[1], cell, nm);
    snprintf(nm, sizeof nm, "%.100s[%d,", t3, ch);
    GridLayout lr = draw_view(L, ctx, &vr, rc[2], cell, nm);
    lsu_draw_operator(ctx->r, th, "\xE2\x86\x92", rc[1].x + rc[1].w + gap / 2, lu.cells.y + lu.cells.h / 2);

    /* amber dots on the winners routed so far in this plane */
    float rad = fmaxf(2.0f, (float)cell * 0.12f);
    for (long c = ch * plane_out; c < (ch + 1) * plane_out && c < done && l->kind == LAYER_MAXPOOL; c++) {
        long w = ph->route[c] - ch * plane_in;
        Rect cr = grid_cell_rect(&va, &la, (int)(w / g->w), (int)(w % g->w));
        render_circle(ctx->r, (float)(cr.x + cr.w) - rad - 2.0f, (float)cr.y + rad + 2.0f, rad, th->accent);
        cr = grid_cell_rect(&vr, &lr, (int)(w / g->w), (int)(w % g->w));
        render_circle(ctx->r, (float)(cr.x + cr.w) - rad - 2.0f, (float)cr.y + rad + 2.0f, rad, th->accent);
    }
    if (done > 0 && st->focus / plane_out == ch) {
        long c = st->focus;
        int oy = (int)(c % plane_out / g->ow), ox = (int)(c % g->ow);
        Rect a0 = grid_cell_rect(&va, &la, oy * g->sh, ox * g->sw);
        int t = theme_px(th, 3);
        render_rect_outline(ctx->r, rect_inset((Rect){a0.x, a0.y, g->kw * cell + 1, g->kh * cell + 1}, -t / 2), t,
                            th->accent);
        outline_cell(ctx, &vu, &lu, oy, ox, th->accent);
        if (l->kind == LAYER_MAXPOOL) {
            long w = ph->route[c] - ch * plane_in;
            outline_cell(ctx, &vr, &lr, (int)(w / g->w), (int)(w % g->w), th->accent);
            float xa, ya, xb, yb;
            cell_centre(&vu, &lu, oy, ox, &xa, &ya);
            cell_centre(&vr, &lr, (int)(w / g->w), (int)(w % g->w), &xb, &yb);
            draw_arrow(ctx->r, th, xa + (float)cell / 2.0f, ya, xb - (float)cell / 2.0f, yb, th->accent);
        } else {
            Rect r0 = grid_cell_rect(&vr, &lr, oy * g->sh, ox * g->sw);
            render_rect_outline(ctx->r, rect_inset((Rect){r0.x, r0.y, g->kw * cell + 1, g->kh * cell + 1}, -t / 2),
                                t, th->accent);
        }
    }
}

/* An activation: z, the mask f′(z), the upstream gradient, their product. */
static void draw_act(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    int i = ph->layer;
    const Layer *l = &m->net->spec.layers[i];
    Shape s = l->in;
    long plane = s.rank == 3 ? (long)s.h * s.w : s.c;
    int h = s.rank == 3 ? s.h : 1, w = s.rank == 3 ? s.w : s.c;
    int ch = (int)(st->focus / plane);
    const float *z = m->acts->out[i - 1] + ch * plane;
    const float *up = m->acts->grad[i] + ch * plane;
    for (long k = 0; k < plane && k < BP_MAX_TERMS; k++)
        L->mask[k] = act_deriv(l->act, l->param, z[k]);
    fill_shown(L, ph, done);
    long total = shape_elems(s);
    int gap = theme_px(th, 32);
    char zn[32], an[32], t[4][80], shp[48], nm[128];
    bp_model_tensor_name(m, i - 1, zn, sizeof zn);
    bp_model_tensor_name(m, i, an, sizeof an);
    plane_shape(m, i - 1, ch, shp, sizeof shp);
    snprintf(t[0], sizeof t[0], "%s (forward)", zn);
    snprintf(t[1], sizeof t[1], "%s f\xE2\x80\xB2(%s)", l->kind == LAYER_RELU ? "mask" : "slope", zn);
    snprintf(t[2], sizeof t[2], "\xE2\x88\x82L/\xE2\x88\x82%s", an);
    snprintf(t[3], sizeof t[3], "\xE2\x88\x82L/\xE2\x88\x82%s", zn);
    GridView v[4];
    v[0] = make_view(ctx, t[0], shp, z, h, w, colorscale_fit(COLORMAP_DIVERGING, m->acts->out[i - 1], (int)total), 2);
    v[1] = make_view(ctx, t[1], shp, L->mask, h, w,
                     l->kind == LAYER_RELU ? colorscale_make(COLORMAP_GRAY, 0.0f, 1.0f)
                                           : colorscale_fit(COLORMAP_SEQUENTIAL, L->mask, (int)plane),
                     l->kind == LAYER_RELU ? 0 : 3);
    v[2] = make_view(ctx, t[2], shp, up, h, w, colorscale_fit(COLORMAP_DIVERGING, m->acts->grad[i], (int)total), 3);
    v[3] = make_view(ctx, t[3], shp, L->shown_val + ch * plane, h, w,
                     colorscale_fit(COLORMAP_DIVERGING, ph->val, (int)total), 3);
    v[3].shown = L->shown_mask + ch * plane;
    Rect rc[4];
    GridView *row[4] = {&v[0], &v[1], &v[2], &v[3]};
    int cell = row_fit(ctx, area, row, 4, gap, rc);
    GridLayout lay[4];
    for (int k = 0; k < 4; k++) {
        if (k == 1)
            snprintf(nm, sizeof nm, "f\xE2\x80\xB2(%s)[%d,", zn, ch);
        else
            snprintf(nm, sizeof nm, "%.100s[%d,", k == 0 ? zn : t[k], ch);
        lay[k] = draw_view(L, ctx, &v[k], rc[k], cell, nm);
    }
    int mid = lay[0].cells.y + lay[0].cells.h / 2;
    lsu_draw_operator(ctx->r, th, "\xE2\x86\x92", rc[0].x + rc[0].w + gap / 2, mid);
    lsu_draw_operator(ctx->r, th, "\xC3\x97", rc[1].x + rc[1].w + gap / 2, mid);
    lsu_draw_operator(ctx->r, th, "=", rc[2].x + rc[2].w + gap / 2, mid);
    if (done > 0) {
        long c0 = st->cell0 - ch * plane, c1 = st->cell1 - ch * plane;
        c0 = c0 < 0 ? 0 : c0;
        c1 = c1 > plane ? plane : c1;
        for (int k = 0; k < 4; k++)
            outline_range(ctx, &v[k], &lay[k], c0, c1, th->accent);
    }
}

/* The kernel gradient as a sweep: the upstream map (o) slides over the input plane (c); each
 * position is one cell of ∂L/∂K[o, c]. Or the bias: the whole upstream map summed. */
static void draw_conv_w(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    int i = ph->layer;
    const Layer *l = &m->net->spec.layers[i];
    const ConvGeom *g = &l->conv;
    long kk = (long)g->kh * g->kw, plane_out = (long)g->oh * g->ow, plane_in = (long)g->h * g->w;
    bool bias = ph->kind == BP_CONV_B;
    int o = bias ? (int)st->focus : (int)(st->focus / (g->c * kk));
    int c = bias ? 0 : (int)(st->focus / kk % g->c);
    int ky = bias ? 0 : (int)(st->focus % kk / g->kw), kx = bias ? 0 : (int)(st->focus % g->kw);
    const float *x = (i > 0 ? m->acts->out[i - 1] : m->acts->x) + c * plane_in;
    const float *dz = m->acts->grad[i] + o * plane_out;
    char xn[32], zn[32], kn[32], t[3][96], s[3][48], nm[128];
    bp_model_tensor_name(m, i - 1, xn, sizeof xn);
    bp_model_tensor_name(m, i, zn, sizeof zn);
    bp_model_weight_name(m, i, bias, kn, sizeof kn);
    fill_shown(L, ph, done);
    int gap = theme_px(th, 40);
    if (bias) {
        snprintf(t[0], sizeof t[0], "\xE2\x88\x82L/\xE2\x88\x82%s", zn);
        plane_shape(m, i, o, s[0], sizeof s[0]);
        GridView vz = make_view(ctx, t[0], s[0], dz, g->oh, g->ow,
                                colorscale_fit(COLORMAP_DIVERGING, m->acts->grad[i], (int)(plane_out * g->o)), 3);
        snprintf(t[1], sizeof t[1], "\xE2\x88\x82L/\xE2\x88\x82%s = \xCE\xA3", kn);
        snprintf(s[1], sizeof s[1], "(%d)", g->o);
        GridView vb = make_view(ctx, t[1], s[1], L->shown_val, g->o, 1,
                                colorscale_fit(COLORMAP_DIVERGING, ph->val, g->o), 3);
        vb.shown = L->shown_mask;
        Rect rc[2];
        GridView *row[2] = {&vz, &vb};
        int cell = row_fit(ctx, area, row, 2, gap, rc);
        snprintf(nm, sizeof nm, "%.100s[%d,", t[0], o);
        GridLayout lz = draw_view(L, ctx, &vz, rc[0], cell, nm);
        snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[", kn);
        GridLayout lb = draw_view(L, ctx, &vb, rc[1], cell, nm);
        lsu_draw_operator(ctx->r, th, "\xCE\xA3", rc[0].x + rc[0].w + gap / 2, lz.cells.y + lz.cells.h / 2);
        if (done > 0) {
            outline_range(ctx, &vz, &lz, 0, plane_out, th->accent);
            outline_range(ctx, &vb, &lb, st->cell0, st->cell1, th->accent);
        }
        return;
    }
    snprintf(t[0], sizeof t[0], "%s (input)", i > 0 ? xn : "x");
    plane_shape(m, i - 1, c, s[0], sizeof s[0]);
    bool neg = false;
    for (long k = 0; k < plane_in; k++)
        neg = neg || x[k] < 0.0f;
    GridView vx = make_view(ctx, t[0], s[0], x, g->h, g->w,
                            colorscale_fit(neg ? COLORMAP_DIVERGING : COLORMAP_SEQUENTIAL, x, (int)plane_in), 2);
    vx.pad_top = g->pt;
    vx.pad_bottom = g->pb;
    vx.pad_left = g->pl;
    vx.pad_right = g->pr;
    snprintf(t[1], sizeof t[1], "\xE2\x88\x82L/\xE2\x88\x82%s slides", zn);
    plane_shape(m, i, o, s[1], sizeof s[1]);
    GridView vz = make_view(ctx, t[1], s[1], dz, g->oh, g->ow,
                            colorscale_fit(COLORMAP_DIVERGING, m->acts->grad[i], (int)(plane_out * g->o)), 3);
    snprintf(t[2], sizeof t[2], "\xE2\x88\x82L/\xE2\x88\x82%s[%d,%d]", kn, o, c);
    snprintf(s[2], sizeof s[2], "(%d\xC3\x97%d)", g->kh, g->kw);
    long base = ((long)o * g->c + c) * kk;
    GridView vk = make_view(ctx, t[2], s[2], L->shown_val + base, g->kh, g->kw,
                            colorscale_fit(COLORMAP_DIVERGING, ph->val, (int)ph->cells), 3);
    vk.shown = L->shown_mask + base;
    Rect rc[3];
    GridView *row[3] = {&vx, &vz, &vk};
    int cell = row_fit(ctx, area, row, 3, gap, rc);
    snprintf(nm, sizeof nm, "%.100s[%d,", i > 0 ? xn : "x", c);
    GridLayout lx = draw_view(L, ctx, &vx, rc[0], cell, nm);
    snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[%d,", zn, o);
    GridLayout lz = draw_view(L, ctx, &vz, rc[1], cell, nm);
    snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[%d,%d,", kn, o, c);
    GridLayout lk = draw_view(L, ctx, &vk, rc[2], cell, nm);
    int mid = lx.cells.y + lx.cells.h / 2;
    lsu_draw_operator(ctx->r, th, "\xE2\x8B\x86", rc[0].x + rc[0].w + gap / 2, mid);
    lsu_draw_operator(ctx->r, th, "=", rc[1].x + rc[1].w + gap / 2, mid);
    if (done > 0) {
        /* the cells of x that meet the upstream map for tap (ky, kx): its window, stride apart */
        int t3 = theme_px(th, 3);
        int iy0 = ky * g->dh - g->pt, ix0 = kx * g->dw - g->pl;
        int spany = (g->oh - 1) * g->sh + 1, spanx = (g->ow - 1) * g->sw + 1;
        Rect a0 = grid_cell_rect(&vx, &lx, iy0, ix0);
        render_rect_outline(ctx->r,
                            rect_inset((Rect){a0.x, a0.y, spanx * cell + 1, spany * cell + 1}, -t3 / 2),
                            t3, th->accent);
        if (g->sh > 1 || g->sw > 1)
            for (int oy = 0; oy < g->oh; oy++)
                for (int ox = 0; ox < g->ow; ox++) {
                    Rect cc = grid_cell_rect(&vx, &lx, iy0 + oy * g->sh, ix0 + ox * g->sw);
                    render_rect(ctx->r, rect_inset(cc, cc.w / 3), color_alpha(th->accent, 200));
                }
        outline_range(ctx, &vz, &lz, 0, plane_out, th->accent);
        outline_range(ctx, &vk, &lk, st->cell0 - base < 0 ? 0 : st->cell0 - base,
                      st->cell1 - base > kk ? kk : st->cell1 - base, th->accent);
    }
}

/* ∂L/∂x of a conv (not the first layer): the kernel, the upstream map, the input gradient. */
static void draw_conv_x(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    int i = ph->layer;
    const Layer *l = &m->net->spec.layers[i];
    const ConvGeom *g = &l->conv;
    long plane_in = (long)g->h * g->w, plane_out = (long)g->oh * g->ow, kk = (long)g->kh * g->kw;
    int c = (int)(st->focus / plane_in);
    int o = 0;
    fill_shown(L, ph, done);
    const float *w = m->net->params + l->w_off + ((long)o * g->c + c) * kk;
    const float *dz = m->acts->grad[i] + o * plane_out;
    int gap = theme_px(th, 40);
    char zn[32], kn[32], t[3][80], s[3][48], nm[128];
    bp_model_tensor_name(m, i, zn, sizeof zn);
    bp_model_weight_name(m, i, false, kn, sizeof kn);
    snprintf(t[0], sizeof t[0], "\xE2\x88\x82L/\xE2\x88\x82%s", zn);
    plane_shape(m, i, o, s[0], sizeof s[0]);
    GridView vz = make_view(ctx, t[0], s[0], dz, g->oh, g->ow,
                            colorscale_fit(COLORMAP_DIVERGING, m->acts->grad[i], (int)(plane_out * g->o)), 3);
    snprintf(t[1], sizeof t[1], "%s[%d,%d]", kn, o, c);
    snprintf(s[1], sizeof s[1], "(%d\xC3\x97%d)", g->kh, g->kw);
    GridView vk = make_view(ctx, t[1], s[1], w, g->kh, g->kw, colorscale_fit(COLORMAP_DIVERGING, w, (int)kk), 3);
    dname(m, i - 1, t[2], sizeof t[2]);
    plane_shape(m, i - 1, c, s[2], sizeof s[2]);
    GridView vx = make_view(ctx, t[2], s[2], L->shown_val + c * plane_in, g->h, g->w,
                            colorscale_fit(COLORMAP_DIVERGING, ph->val, (int)ph->cells), 3);
    vx.shown = L->shown_mask + c * plane_in;
    Rect rc[3];
    GridView *row[3] = {&vz, &vk, &vx};
    int cell = row_fit(ctx, area, row, 3, gap, rc);
    snprintf(nm, sizeof nm, "%.100s[%d,", t[0], o);
    GridLayout lz = draw_view(L, ctx, &vz, rc[0], cell, nm);
    draw_view(L, ctx, &vk, rc[1], cell, NULL);
    snprintf(nm, sizeof nm, "%.100s[%d,", t[2], c);
    GridLayout lx = draw_view(L, ctx, &vx, rc[2], cell, nm);
    lsu_draw_operator(ctx->r, th, "\xE2\x86\x92", rc[1].x + rc[1].w + gap / 2, lz.cells.y + lz.cells.h / 2);
    if (done > 0) {
        long c0 = st->cell0 - c * plane_in, c1 = st->cell1 - c * plane_in;
        outline_range(ctx, &vx, &lx, c0 < 0 ? 0 : c0, c1 > plane_in ? plane_in : c1, th->accent);
        /* the upstream cells of channel 0 whose windows used the focus cell */
        static ConvInputUse uses[BP_MAX_TERMS];
        int n = 0;
        int iy = (int)(st->focus % plane_in / g->w), ix = (int)(st->focus % g->w);
        conv_dx_cell(g, NULL, m->net->params + l->w_off, c, iy, ix, uses, BP_MAX_TERMS, &n);
        for (int k = 0; k < n && k < BP_MAX_TERMS; k++)
            if (uses[k].o == o)
                outline_cell(ctx, &vz, &lz, uses[k].oy, uses[k].ox, th->accent);
    }
}

/* The update: before − η·gradient = after, for up to four kernels (or the dense matrix). */
static void draw_update(BpLab *L, LabContext *ctx, Rect area, const BpStep *st)
{
    BpModel *m = &L->m;
    const BpPhase *ph = st->ph;
    const Theme *th = ctx->th;
    int i = ph->layer;
    const Layer *l = &m->net->spec.layers[i];
    const float *before = m->net->params + l->w_off, *grad = m->net->grads + l->w_off;
    const float *after = m->after->params + l->w_off;
    char kn[32], eta[32], t[3][96], s[48], nm[128];
    bp_model_weight_name(m, i, false, kn, sizeof kn);
    snprintf(eta, sizeof eta, "%g", (double)m->lr);
    char op[48];
    snprintf(op, sizeof op, "\xE2\x88\x92 %s\xC2\xB7", eta);
    int opw = 0;
    render_text_size(ctx->r, FONT_MONO, theme_px(th, THEME_HEADING), op, &opw, NULL);
    int gap = opw + theme_px(th, 20);
    int nrows = 1, kh, kw;
    if (l->kind == LAYER_DENSE) {
        kh = l->units;
        kw = l->in.c;
    } else {
        kh = l->conv.kh;
        kw = l->conv.kw;
        nrows = l->conv.o * l->conv.c < 4 ? l->conv.o * l->conv.c : 4;
    }
    long kk = (long)kh * kw;
    ColorScale sw = colorscale_fit(COLORMAP_DIVERGING, before, (int)l->n_w);
    ColorScale sa = colorscale_fit(COLORMAP_DIVERGING, after, (int)l->n_w);
    if (sa.hi > sw.hi)
        sw = sa; /* before and after share one scale, so a change shows as a change of colour */
    ColorScale sg = colorscale_fit(COLORMAP_DIVERGING, grad, (int)l->n_w);
    int vgap = theme_px(th, 8);
    Rect row = {area.x, area.y, area.w, (area.h - (nrows - 1) * vgap) / nrows};
    /* the titles of every row alike: the first row decides the cell and where shapes go */
    int cell = 0;
    bool notes = false;
    for (int k = 0; k < nrows; k++) {
        Rect rc[3];
        int o = l->kind == LAYER_DENSE ? 0 : k / l->conv.c, c = l->kind == LAYER_DENSE ? 0 : k % l->conv.c;
        if (l->kind == LAYER_DENSE) {
            snprintf(t[0], sizeof t[0], "%s before", kn);
            snprintf(t[1], sizeof t[1], "\xE2\x88\x82L/\xE2\x88\x82%s", kn);
            snprintf(t[2], sizeof t[2], "%s after", kn);
            snprintf(s, sizeof s, "(%d\xC3\x97%d)", kh, kw);
        } else {
            snprintf(t[0], sizeof t[0], "%s[%d,%d] before", kn, o, c);
            snprintf(t[1], sizeof t[1], "\xE2\x88\x82L/\xE2\x88\x82%s[%d,%d]", kn, o, c);
            snprintf(t[2], sizeof t[2], "%s[%d,%d] after", kn, o, c);
            snprintf(s, sizeof s, "(%d\xC3\x97%d)", kh, kw);
        }
        long base = (long)k * kk;
        GridView v0 = make_view(ctx, t[0], s, before + base, kh, kw, sw, 3);
        GridView v1 = make_view(ctx, t[1], s, grad + base, kh, kw, sg, 3);
        GridView v2 = make_view(ctx, t[2], s, after + base, kh, kw, sw, 3);
        GridView *trio[3] = {&v0, &v1, &v2};
        if (k == 0) {
            cell = row_fit(ctx, row, trio, 3, gap, rc);
            notes = v0.note != NULL;
        } else {
            int cols[3] = {kw, kw, kw};
            row_rects(th, row, cols, 3, cell, gap, rc);
            for (int j = 0; notes && j < 3; j++) {
                trio[j]->note = trio[j]->shape;
                trio[j]->shape = "";
            }
        }
        snprintf(nm, sizeof nm, "%s before[%d,%d,", kn, o, c);
        GridLayout l0 = draw_view(L, ctx, &v0, rc[0], cell, nm);
        snprintf(nm, sizeof nm, "\xE2\x88\x82L/\xE2\x88\x82%s[%d,%d,", kn, o, c);
        GridLayout l1 = draw_view(L, ctx, &v1, rc[1], cell, nm);
        snprintf(nm, sizeof nm, "%s after[%d,%d,", kn, o, c);
        GridLayout l2 = draw_view(L, ctx, &v2, rc[2], cell, nm);
        int mid = l0.cells.y + l0.cells.h / 2;
        render_text(ctx->r, FONT_MONO, theme_px(th, THEME_HEADING), op, rc[0].x + rc[0].w + gap / 2, mid,
                    ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
        lsu_draw_operator(ctx->r, th, "=", rc[1].x + rc[1].w + gap / 2, mid);
        if (st->focus >= base && st->focus < base + kk) {
            int fr = (int)((st->focus - base) / kw), fc = (int)((st->focus - base) % kw);
            outline_cell(ctx, &v0, &l0, fr, fc, th->accent);
            outline_cell(ctx, &v1, &l1, fr, fc, th->accent);
            outline_cell(ctx, &v2, &l2, fr, fc, th->accent);
        }
        row.y += row.h + vgap;
    }
}

/* ------------------------------------------------------------------ the frame around them */

/* The short name of a phase for the control column's list. */
static const char *phase_short(const BpModel *m, const BpPhase *ph, char *buf, size_t size)
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
        snprintf(buf, size, "%s = W\xE1\xB5\x80\xCE\xB4", dname(m, ph->layer - 1, n, sizeof n));
        break;
    case BP_FLATTEN:
        snprintf(buf, size, "unflatten to %s", dname(m, ph->layer - 1, n, sizeof n));
        break;
    case BP_POOL:
        snprintf(buf, size, "%s routing", l->kind == LAYER_MAXPOOL ? "max-pool" : "avg-pool");
        break;
    case BP_ACT:
        snprintf(buf, size, "%s %s", layer_kind_name(l->kind), l->kind == LAYER_RELU ? "mask" : "slope");
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
        snprintf(buf, size, "%s (conv back)", dname(m, ph->layer - 1, n, sizeof n));
        break;
    case BP_UPDATE:
        bp_model_weight_name(m, ph->layer, false, w, sizeof w);
        snprintf(buf, size, "update %s \xE2\x86\x90 %s \xE2\x88\x92 \xCE\xB7\xC2\xB7\xE2\x88\x82L", w, w);
        break;
    default:
        snprintf(buf, size, "%s", layer_kind_name(l->kind));
        break;
    }
    return buf;
}

static void draw_controls(BpLab *L, LabContext *ctx, int cur_phase)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    UiColumn col = ui_column(ctx->controls, th);
    int gap = ui_gap(th), label_w = theme_px(th, 64);
    Rect row = ui_column_next(&col, 1);
    int net = 0;
    for (int k = 0; k < N_NETS; k++)
        if (strcmp(L->net_name, net_names[k]) == 0)
            net = k;
    if (ui_dropdown(ui, ui_id("bp.net"), row, net_items, N_NETS, &net)) {
        snprintf(L->net_name, sizeof L->net_name, "%s", net_names[net]);
        L->dirty = true;
    }
    row = ui_column_next(&col, 1);
    if (row.w > 0) {
        ui_label(ui, (Rect){row.x, row.y, label_w, row.h}, "Digit #", FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        int fw = (row.w - label_w - gap) / 2;
        if (ui_number_int(ui, ui_id("bp.digit"), (Rect){row.x + label_w, row.y, fw, row.h}, &L->digit, 0,
                          L->digits->n - 1))
            L->dirty = true;
        float lr = L->lr;
        Rect er = {row.x + label_w + fw + gap, row.y, row.w - label_w - fw - gap, row.h};
        int ew = theme_px(th, 20);
        ui_label(ui, (Rect){er.x, er.y, ew, er.h}, "\xCE\xB7", FONT_SANS, THEME_BODY, ALIGN_LEFT | ALIGN_MIDDLE,
                 th->text);
        if (ui_number(ui, ui_id("bp.lr"), (Rect){er.x + ew, er.y, er.w - ew, er.h}, &lr, 0.001f, 10.0f, 0.01f,
                      3)) {
            L->lr = lr;
            L->dirty = true;
        }
    }
    if (!L->ok)
        return;
    BpModel *m = &L->m;
    row = ui_column_next(&col, 1);
    if (row.w > 0) {
        char s[128];
        snprintf(s, sizeof s, "label %d \xC2\xB7 predicted %d \xC2\xB7 L = %.4f", m->label, m->predicted,
                 (double)m->loss);
        lsu_draw_fit_line(ctx->r, th, FONT_SANS, body_px(th), s, row.x, row.y + row.h / 2 - body_px(th) * 2 / 3,
                          row.w, th->text_dim);
    }
    ui_column_heading(ui, &col, "Backward, step by step");
    /* every phase gets a row: shorter rows when the column is short */
    int avail = col.area.y + col.area.h - col.y;
    int rh = col.row_h, rg = col.gap;
    if (m->n_phases * (rh + rg) > avail) {
        rh = avail / m->n_phases - theme_px(th, 2);
        rg = theme_px(th, 2);
    }
    for (int p = 0; p < m->n_phases; p++) {
        Rect r = {col.area.x, col.y + p * (rh + rg), col.area.w, rh};
        if (rh < theme_px(th, 12))
            break;
        char s[96], lab[112];
        phase_short(m, &m->phases[p], s, sizeof s);
        snprintf(lab, sizeof lab, "%d  %s", p + 1, s);
        /* a button whose label shrinks with the row, so a short column cuts nothing */
        UiId id = ui_id_index(ui_id("bp.phase"), p);
        UiResult res = ui_button_behavior(&ui->st, id, r, &ui->in);
        render_round_rect(ctx->r, r, theme_px(th, 4), res.hovered ? th->control_hot : th->control);
        int ts = body_px(th), lim = rh * 62 / 100;
        render_text_line(ctx->r, FONT_SANS, ts < lim ? ts : lim, theme_px(th, 8), lab,
                         rect_inset(r, theme_px(th, 4)), ALIGN_CENTER | ALIGN_MIDDLE, th->text);
        if (res.submitted)
            timeline_seek(&L->tl, m->phases[p].first + 1);
        if (p == cur_phase)
            render_round_rect_outline(ctx->r, r, theme_px(th, 4), theme_px(th, 2), th->accent);
    }
}

/* The net as a row of boxes, x → … → L, the layer being differentiated in amber, the layers
 * already passed on the way back marked done. */
static void draw_net_strip(BpLab *L, LabContext *ctx, Rect rc, int cur_layer, bool all_done)
{
    BpModel *m = &L->m;
    const Theme *th = ctx->th;
    const NetSpec *sp = &m->net->spec;
    int n = sp->n_layers + 2; /* x, every layer, L */
    int gap = theme_px(th, 14);
    int bw = (rc.w - (n - 1) * gap) / n;
    int size = theme_px(th, THEME_SMALL);
    for (int k = 0; k < n; k++) {
        Rect b = {rc.x + k * (bw + gap), rc.y, bw, rc.h};
        int layer = k - 1;
        char l1[48], l2[48];
        bool done = all_done || (layer > cur_layer && layer < sp->n_layers) || k == n - 1;
        bool cur = layer == cur_layer && !all_done;
        if (k == n - 1) {
            snprintf(l1, sizeof l1, "L");
            snprintf(l2, sizeof l2, "%.4f", (double)m->loss);
        } else {
            char nm[32], shp[32];
            bp_model_tensor_name(m, layer, nm, sizeof nm);
            bp_model_shape(m, layer, shp, sizeof shp);
            /* "maxpool m₁", else "max m₁", else "m₁": a shorter name before a smaller size, so
             * the strip keeps the small size beside the lesson sidebar */
            static const char *const short_kind[LAYER_KIND_COUNT] = {
                "conv", "deconv", "max",  "avg",   "l2",   "relu",  "leaky", "\xCF\x83",
                "tanh", "abs",    "s+",   "lrn",   "flat", "dense", "smax",
            };
            const char *kind = layer < 0 ? "input" : layer_kind_name(sp->layers[layer].kind);
            const char *brief = layer < 0 ? "in" : short_kind[sp->layers[layer].kind];
            char full[48], mid[48];
            snprintf(full, sizeof full, "%s %s", kind, nm);
            snprintf(mid, sizeof mid, "%s %s", brief, nm);
            const char *const names[3] = {full, mid, nm};
            snprintf(l1, sizeof l1, "%s", names[2]);
            for (int c = 0; c < 3; c++) {
                int tw = 0;
                render_text_size(ctx->r, FONT_SANS, size, names[c], &tw, NULL);
                if (tw <= bw - 4) {
                    snprintf(l1, sizeof l1, "%s", names[c]);
                    break;
                }
            }
            snprintf(l2, sizeof l2, "%s", shp);
        }
        render_round_rect(ctx->r, b, theme_px(th, 6), done ? color_mix(th->panel, th->accent, 0.12f) : th->panel);
        render_round_rect_outline(ctx->r, b, theme_px(th, 6), cur ? theme_px(th, 3) : 1,
                                  cur ? th->accent : th->border);
        Rect t1 = {b.x + 2, b.y + 2, b.w - 4, b.h / 2 - 2};
        Rect t2 = {b.x + 2, b.y + b.h / 2, b.w - 4, b.h / 2 - 2};
        render_text_line(ctx->r, FONT_SANS, size, theme_px(th, 9), l1, t1, ALIGN_CENTER | ALIGN_MIDDLE,
                         done || cur ? th->text : th->text_dim);
        render_text_line(ctx->r, FONT_MONO, size, theme_px(th, 9), l2, t2, ALIGN_CENTER | ALIGN_MIDDLE,
                         th->text_dim);
        if (k < n - 1) {
            /* forward → above, backward ← below */
            float x0 = (float)(b.x + b.w + 2), x1 = (float)(b.x + b.w + gap - 2);
            float y = (float)(b.y + b.h / 2);
            render_line(ctx->r, x0, y, x1, y, 1.0f, th->text_dim);
            /* the gradient has come back into box k from box k+1 (layer k) */
            if (all_done || k + 1 == n - 1 || k > cur_layer)
                render_triangle(ctx->r, x0, y, x0 + 6.0f, y - 4.0f, x0 + 6.0f, y + 4.0f, th->accent);
        }
    }
}

/* The finite-difference panel (or, for the update, the loss before and after). */
static void draw_fd(BpLab *L, LabContext *ctx, Rect rc, const BpStep *st, int step)
{
    BpModel *m = &L->m;
    const Theme *th = ctx->th;
    render_round_rect(ctx->r, rc, theme_px(th, THEME_RADIUS), th->panel);
    render_round_rect_outline(ctx->r, rc, theme_px(th, THEME_RADIUS), 1, th->border);
    Rect in = rect_inset(rc, theme_px(th, 8));
    int size = theme_px(th, THEME_SMALL) + (th->scale >= 1.5f ? 0 : 1);
    char text[768];
    Color col = th->text;
    if (st->ph && st->ph->kind == BP_UPDATE) {
        snprintf(text, sizeof text,
                 "After the step (\xCE\xB7 = %g)\nL: %.5f \xE2\x86\x92 %.5f\npredicted %d \xE2\x86\x92 %d "
                 "(label %d)\nthe engine's SGD on a copy of the net",
                 (double)m->lr, (double)m->loss, (double)m->loss_after, m->predicted, m->predicted_after,
                 m->label);
    } else {
        if (L->fd_step != step) {
            L->fd_have = bp_model_fd(m, st, &L->fd, &L->fd_bp);
            L->fd_step = step;
        }
        if (!L->fd_have) {
            snprintf(text, sizeof text, "Finite-difference check\n(none for this step)");
        } else {
            const GradCheckResult *f = &L->fd;
            bool agree = gradcheck_agrees(f->fd, L->fd_bp, BP_FD_ATOL, BP_FD_RTOL);
            bool kink = gradcheck_kink(f);
            char verdict[256];
            if (agree)
                snprintf(verdict, sizeof verdict, "backprop %.5f  \xE2\x9C\x93 agree", (double)L->fd_bp);
            else if (kink)
                snprintf(verdict, sizeof verdict,
                         "backprop %.5f: a kink (one-sided %.4f | %.4f); ReLU\xE2\x80\xB2(0) = 0, "
                         "ties go to the first cell",
                         (double)L->fd_bp, (double)f->left, (double)f->right);
            else
                snprintf(verdict, sizeof verdict, "backprop %.5f  \xE2\x9C\x97 disagree", (double)L->fd_bp);
            if (!agree)
                col = th->warning;
            snprintf(text, sizeof text,
                     "Finite differences, h = %g: (L(\xCE\xB8+h) \xE2\x88\x92 L(\xCE\xB8\xE2\x88\x92h))/2h\n"
                     "= (%.6f \xE2\x88\x92 %.6f)/%g = %.5f\n%s",
                     (double)f->h, (double)f->lplus, (double)f->lminus, (double)(2.0f * f->h), (double)f->fd,
                     verdict);
        }
    }
    /* true minus signs (U+2212) for the printf'd numbers */
    char fixed[900];
    size_t o = 0;
    for (const char *q = text; *q && o + 4 < sizeof fixed; q++) {
        bool minus = *q == '-' && (q == text || q[-1] == ' ' || q[-1] == '(' || q[-1] == '\n' || q[-1] == '|');
        if (minus) {
            memcpy(fixed + o, "\xE2\x88\x92", 3);
            o += 3;
        } else {
            fixed[o++] = *q;
        }
    }
    fixed[o] = '\0';
    /* shrink until it fits the panel */
    char wrapped[1024];
    int lines = 0, lh = 0;
    for (; size > theme_px(th, 9); size--) {
        lines = lsu_wrap(ctx->r, FONT_MONO, size, fixed, in.w, wrapped, sizeof wrapped);
        lh = render_line_height(ctx->r, FONT_MONO, size);
        if (lines * lh <= in.h)
            break;
    }
    render_clip_push(ctx->r, rc);
    lsu_draw_lines(ctx->r, FONT_MONO, size, wrapped, in.x, in.y, 0, col);
    render_clip_pop(ctx->r);
}

/* The equation of the current step written out in rc (mono, folded to fit). */
static void draw_equation_in(BpLab *L, LabContext *ctx, Rect rc, const BpStep *st, int want, int min_lines,
                             Color c)
{
    const Theme *th = ctx->th;
    int size, chars, lines;
    lsu_equation_metrics(ctx->r, th, rc, want, 10, min_lines, &size, &chars, &lines);
    static char eq[8192];
    int used = 0;
    for (int tries = 0; tries < 8; tries++, chars--) {
        used = bp_model_equation(&L->m, st, chars, lines, eq, sizeof eq);
        if (lsu_widest_line(ctx->r, FONT_MONO, size, eq) <= rc.w)
            break;
    }
    int lh = render_line_height(ctx->r, FONT_MONO, size);
    render_clip_push(ctx->r, rc);
    lsu_draw_lines(ctx->r, FONT_MONO, size, eq, rc.x, rc.y + (rc.h - used * lh) / 2, 0, c);
    render_clip_pop(ctx->r);
    /* folded ("+ …"): the mouse over it shows the sum as far as a tooltip holds it */
    if (!ctx->headless && strstr(eq, "\xE2\x80\xA6") &&
        rect_contains(rc, ctx->ui->in.mx, ctx->ui->in.my)) {
        static char full[UI_TOOLTIP_MAX];
        bp_model_equation(&L->m, st, 56, 8, full, sizeof full);
        ui_tooltip(ctx->ui, full);
    }
}

static void bp_draw(void *state, LabContext *ctx)
{
    BpLab *L = state;
    if (L->dirty)
        rebuild(L);
    L->n_hov = 0;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    int pos = L->tl.pos;
    int step = pos > 0 ? pos - 1 : -1;
    BpStep st;
    memset(&st, 0, sizeof st);
    if (L->ok)
        st = bp_model_step(&L->m, step < 0 ? 0 : step);
    draw_controls(L, ctx, L->ok && step >= 0 ? st.phase : -1);
    Rect stage = ctx->stage;
    if (!L->ok) {
        lsu_draw_problem(r, th, rect_inset(stage, theme_px(th, 40)), "No scene", L->err);
        return;
    }
    BpModel *m = &L->m;
    int pad = theme_px(th, 8);
    /* the net strip */
    Rect strip = {stage.x + pad, stage.y + pad, stage.w - 2 * pad, theme_px(th, 36)};
    int cur_layer = step >= 0 ? st.ph->layer : m->net->spec.n_layers;
    bool update = step >= 0 && st.ph->kind == BP_UPDATE;
    draw_net_strip(L, ctx, strip, cur_layer, update);
    /* the caption */
    char cap[512], wrapped[1024];
    if (step < 0)
        snprintf(cap, sizeof cap,
                 "Forward pass done: digit #%d (label %d) gives L = %.4f. Backpropagation now goes from "
                 "the loss back to the first kernel, one gradient cell a step (\xE2\x86\x92 or Space).",
                 m->digit, m->label, (double)m->loss);
    else
        bp_model_phase_caption(m, st.ph, cap, sizeof cap);
    int body = body_px(th);
    int cap_lines = lsu_wrap(r, FONT_SANS, body, cap, strip.w, wrapped, sizeof wrapped);
    /* a small window: a smaller caption rather than fewer pixels for the grids */
    for (; cap_lines > 2 && body > theme_px(th, 11); body--)
        cap_lines = lsu_wrap(r, FONT_SANS, body, cap, strip.w, wrapped, sizeof wrapped);
    int cap_y = strip.y + strip.h + pad;
    int lh = render_line_height(r, FONT_SANS, body);
    lsu_draw_lines(r, FONT_SANS, body, wrapped, strip.x, cap_y, 0, th->text);
    int top = cap_y + cap_lines * lh + pad;
    /* the bottom band: the equation written out and the finite-difference check */
    int band_h = theme_px(th, 100);
    if (band_h > stage.h / 5)
        band_h = stage.h / 5;
    Rect band = {strip.x, stage.y + stage.h - pad - band_h, strip.w, band_h};
    int fd_w = band.w * 36 / 100;
    Rect fd = {band.x + band.w - fd_w, band.y, fd_w, band.h};
    Rect eqr = {band.x, band.y, band.w - fd_w - theme_px(th, 16), band.h};
    Rect area = {strip.x, top, strip.w, band.y - pad - top};

    long done = 0;
    const BpStep *cur = &st;
    BpStep first = bp_model_step(m, 0);
    if (step < 0)
        cur = &first;
    else
        done = st.cell1;
    switch (cur->ph->kind) {
    case BP_LOSS_XENT:
    case BP_LOSS_SSE:
        draw_loss(L, ctx, area, cur, done);
        break;
    case BP_DENSE_W:
    case BP_DENSE_X:
        draw_dense(L, ctx, area, cur, done);
        break;
    case BP_FLATTEN:
    case BP_OTHER:
        draw_flatten(L, ctx, area, cur);
        break;
    case BP_POOL:
        draw_pool(L, ctx, area, cur, done);
        break;
    case BP_ACT:
        draw_act(L, ctx, area, cur, done);
        break;
    case BP_CONV_W:
    case BP_CONV_B:
        draw_conv_w(L, ctx, area, cur, done);
        break;
    case BP_CONV_X:
        draw_conv_x(L, ctx, area, cur, done);
        break;
    case BP_UPDATE:
        draw_update(L, ctx, area, cur);
        break;
    default:
        break;
    }

    if (step >= 0) {
        render_round_rect(r, eqr, theme_px(th, THEME_RADIUS), th->panel);
        draw_equation_in(L, ctx, rect_inset(eqr, theme_px(th, 8)), &st, THEME_HEADING, 3, th->text);
        draw_fd(L, ctx, fd, &st, step);
        /* the strip: the same equation, as much as two lines hold */
        draw_equation_in(L, ctx, rect_inset(ctx->equation, theme_px(th, 4)), &st, THEME_BODY, 2, th->accent);
    } else {
        lsu_draw_note(r, th, rect_inset(ctx->equation, theme_px(th, 4)),
                      "Step 0: forward done. \xE2\x86\x92 takes the first backward step.", th->text_dim);
    }

    /* hover: the value under the mouse, named by what it is the derivative of */
    if (!ctx->headless && !ctx->ui->mouse_used) {
        for (int k = 0; k < L->n_hov; k++) {
            HoverGrid *h = &L->hov[k];
            GridHit hit = grid_hit_test(&h->v, &h->lay, ctx->ui->in.mx, ctx->ui->in.my);
            if (!hit.inside || hit.in_padding)
                continue;
            int idx = hit.row * h->v.cols + hit.col;
            if (h->v.shown && !h->v.shown[idx]) {
                ui_tooltip(ctx->ui, "not computed yet: step on to fill it in");
                break;
            }
            char tip[256];
            if (h->vector)
                snprintf(tip, sizeof tip, "%s%d] = %.6f", h->name, h->v.rows == 1 ? hit.col : hit.row,
                         (double)hit.value);
            else
                snprintf(tip, sizeof tip, "%s%d,%d] = %.6f", h->name, hit.row, hit.col, (double)hit.value);
            ui_tooltip(ctx->ui, tip);
            outline_cell(ctx, &h->v, &h->lay, hit.row, hit.col, th->hover);
            break;
        }
    }
}

/* The H overlay's rows for this lab (bp_key, the phase list and the mouse in bp_draw). */
static const UiHelpRow bp_help[] = {
    {"D  \xE2\x87\xA7" "D", "next / previous test digit (the whole backward is recomputed)"},
    {"N  \xE2\x87\xA7" "N", "net: tiny (softmax), sse (sigmoid, \xC2\xBD\xC2\xB7\xCE\xA3(y \xE2\x88\x92 t)\xC2\xB2), lenet-tiny"},
    {"click", "a phase of the list: jump to its first step"},
    {"hover", "a cell: its value, named by what it is the derivative of"},
    {"fields", "Digit # and \xCE\xB7: type a number, drag sideways, wheel or \xE2\x86\x91 \xE2\x86\x93"},
    {NULL, NULL},
};

const LabDef lab_backprop = {
    .name = "backprop",
    .title = "Backprop",
    .blurb = "One example stepped backward: p \xE2\x88\x92 y, dense gradients, pooling routes, ReLU mask, "
             "kernel gradient, update.",
    .create = bp_create,
    .destroy = bp_destroy,
    .set_option = bp_set_option,
    .update = bp_update,
    .draw = bp_draw,
    .timeline = bp_timeline,
    .key = bp_key,
    .help = bp_help,
};
