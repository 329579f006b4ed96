/* labs/matrix/view_matrix.c - the Matrix lab's conv and transposed modes: the input, kernel and
 * output grids beside the matrix product A · v = u (M · unroll(x), or Mᵀ drawn as it is or
 * turned), the current step and the hovered cell linked across every view, the tooltips.
 * Depends on: labs/matrix/view_int.h, labs/matrix/model.h, engine/conv.h, ui, viz. */
#include "labs/matrix/view_int.h"

#include "viz/colormap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- drawing helpers ------------------------------------------------------------------- */

/* A block of square cells at (x, y). */
typedef struct Block {
    int x, y, rows, cols, cell;
} Block;

static Rect block_cell(const Block *b, int r, int c)
{
    return (Rect){b->x + c * b->cell, b->y + r * b->cell, b->cell, b->cell};
}

static Rect block_rect(const Block *b)
{
    return (Rect){b->x, b->y, b->cols * b->cell, b->rows * b->cell};
}

static bool block_hit(const Block *b, int mx, int my, int *r, int *c)
{
    if (b->cell <= 0 || !rect_contains(block_rect(b), mx, my))
        return false;
    *r = (my - b->y) / b->cell;
    *c = (mx - b->x) / b->cell;
    return *r >= 0 && *r < b->rows && *c >= 0 && *c < b->cols;
}

/* The matrix picture A·v = u: v, A, u blocks, and whether A is drawn turned. Helpers map
 * display-matrix coordinates (row r, column c of A) to screen rectangles. */
typedef struct MatGeo {
    Block bv, ba, bu;
    bool swap;
    int dr, dc, cell;
} MatGeo;

static Rect geo_a(const MatGeo *g, int r, int c)
{
    return g->swap ? block_cell(&g->ba, c, r) : block_cell(&g->ba, r, c);
}

static Rect geo_row(const MatGeo *g, int r)
{
    if (g->swap)
        return (Rect){g->ba.x + r * g->cell, g->ba.y, g->cell, g->dc * g->cell};
    return (Rect){g->ba.x, g->ba.y + r * g->cell, g->dc * g->cell, g->cell};
}

static Rect geo_col(const MatGeo *g, int c)
{
    if (g->swap)
        return (Rect){g->ba.x, g->ba.y + c * g->cell, g->dr * g->cell, g->cell};
    return (Rect){g->ba.x + c * g->cell, g->ba.y, g->cell, g->dr * g->cell};
}

static Rect geo_v(const MatGeo *g, int i)
{
    return g->swap ? block_cell(&g->bv, i, 0) : block_cell(&g->bv, 0, i);
}

static Rect geo_u(const MatGeo *g, int i)
{
    return g->swap ? block_cell(&g->bu, 0, i) : block_cell(&g->bu, i, 0);
}

/* Font size for values in cells of side cell, or 0 when they would be too small to read. */
static int value_font(const Theme *th, int cell, int chars)
{
    float by_w = (float)(cell - 4) / (0.62f * (float)(chars < 1 ? 1 : chars));
    float size = fminf(by_w, (float)cell * 0.55f);
    size = fminf(size, (float)theme_px(th, 16));
    return size >= (float)theme_px(th, 9) ? (int)size : 0;
}

static int chars_of(const char *s)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

/* Draws data (rows, cols) as coloured cells with values; structural zeros (mask 0) are drawn
 * as empty panel cells with a dim 0; cells with shown 0 are blank. */
static void draw_block(Render *r, const Theme *th, const Block *b, const float *data,
                       const uint8_t *mask, const uint8_t *shown, const ColorScale *sc, bool values)
{
    int gap = b->cell >= 6 ? 1 : 0;
    render_rect(r, block_rect(b), th->border);
    char buf[32];
    int widest = 1;
    for (int i = 0; i < b->rows * b->cols; i++) {
        int w = chars_of(colormap_format_value(data[i], 2, buf, sizeof buf));
        widest = w > widest ? w : widest;
    }
    int fs = values ? value_font(th, b->cell, widest) : 0;
    for (int rr = 0; rr < b->rows; rr++) {
        for (int cc = 0; cc < b->cols; cc++) {
            int i = rr * b->cols + cc;
            Rect c = block_cell(b, rr, cc);
            c = (Rect){c.x + gap, c.y + gap, c.w - gap, c.h - gap};
            if ((mask && !mask[i]) || (shown && !shown[i])) {
                render_rect(r, c, th->panel);
                if (fs > 0 && mask && !mask[i])
                    render_text(r, FONT_MONO, fs, "0", c.x + c.w / 2, c.y + c.h / 2,
                                ALIGN_CENTER | ALIGN_MIDDLE, th->padding_text);
                continue;
            }
            Color fill = colorscale_color(sc, data[i]);
            render_rect(r, c, fill);
            if (fs > 0)
                render_text(r, FONT_MONO, fs, colormap_format_value(data[i], 2, buf, sizeof buf),
                            c.x + c.w / 2, c.y + c.h / 2, ALIGN_CENTER | ALIGN_MIDDLE,
                            color_text_on(fill));
        }
    }
}

static void outline(Render *r, Rect rc, int t, Color c)
{
    render_rect_outline(r, rect_inset(rc, -t / 2), t, c);
}

/* The long form of a line when it fits rc, else the short one (cut with "…" only if even that
 * is too wide). */
static void text_line_or(Render *r, const Theme *th, FontFace face, int base, const char *lng,
                         const char *shrt, Rect rc, int align, Color c)
{
    int w = 0;
    render_text_size(r, face, theme_px(th, (float)base), lng, &w, NULL);
    matview_text_line(r, th, face, base, w <= rc.w ? lng : shrt, rc, align, c);
}

/* ---- conv and transposed: grids + matrix ----------------------------------------------- */

/* What the mouse is on, in display-matrix terms: a row of A, a column of A, a kernel tap (-1:
 * none). */
typedef struct Hover {
    int row, col, tap;
} Hover;

/* Where things go on the stage: the three 2-D grids, and the matrix block A · v = u. */
typedef struct MatPlace {
    Rect cells3[3]; /* the input's, the kernel's and the output's areas */
    Rect mr;        /* the matrix block's area */
    int title_h;    /* a title line with its air */
    int by;         /* the top of the block, under its title */
    MatGeo geo;     /* the blocks v, A and u */
} MatPlace;

/* The matrix goes below the grids (wide matrices) or right of them (tall ones), whichever gives
 * its cells more room; v as a row on top aligned with A's columns, A, then = u as a column (or,
 * turned, x as a column left of M and out as a row under it). */
static MatPlace place_matrix(const MatrixLab *L, LabContext *ctx)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect st = ctx->stage;
    int gap = theme_px(th, 16);
    MatPlace pl;
    memset(&pl, 0, sizeof pl);

    /* where the matrix goes: below the grids (wide matrices) or right of them (tall ones) */
    int dr = L->d.drows, dc = L->d.dcols;
    int sr = L->d.swap ? dc : dr, sc = L->d.swap ? dr : dc; /* A's rows and columns on screen */
    int title_h = render_line_height(r, FONT_SANS_BOLD, theme_px(th, THEME_BODY)) + gap / 2;
    int label_w = theme_px(th, 88);
    Rect grids_rc, mat_rc;
    {
        int band = st.h * 38 / 100;
        Rect a_mat = {st.x, st.y + band + gap, st.w, st.h - band - gap};
        int col_w = st.w * 30 / 100;
        Rect b_mat = {st.x + col_w + gap, st.y, st.w - col_w - gap, st.h};
        int ca = (a_mat.w - label_w) / (sc + 3);
        int ca2 = (a_mat.h - 2 * title_h) * 2 / (2 * sr + 5);
        int cb = (b_mat.w - label_w) / (sc + 3);
        int cb2 = (b_mat.h - 2 * title_h) * 2 / (2 * sr + 5);
        int cell_a = ca < ca2 ? ca : ca2, cell_b = cb < cb2 ? cb : cb2;
        if (cell_a >= cell_b) {
            grids_rc = (Rect){st.x, st.y, st.w, band};
            mat_rc = a_mat;
        } else {
            grids_rc = (Rect){st.x, st.y, col_w, st.h};
            mat_rc = b_mat;
        }
    }
    bool stacked = grids_rc.w < st.w; /* grids in a column on the left */
    if (stacked) {
        int h3 = grids_rc.h / 3;
        for (int i = 0; i < 3; i++)
            pl.cells3[i] = (Rect){grids_rc.x, grids_rc.y + i * h3, grids_rc.w, h3 - gap / 2};
    } else {
        int w3 = grids_rc.w / 3;
        for (int i = 0; i < 3; i++)
            pl.cells3[i] = (Rect){grids_rc.x + i * w3, grids_rc.y, w3 - gap, grids_rc.h};
    }

    /* the matrix block: v as a row on top aligned with A's columns, A, then = u as a column */
    Rect mr = mat_rc;
    int cell_w = (mr.w - label_w) / (sc + 3);
    int cell_h = (mr.h - 2 * title_h) * 2 / (2 * sr + 5);
    int cell = cell_w < cell_h ? cell_w : cell_h;
    int max_cell = theme_px(th, 44);
    if (cell > max_cell)
        cell = max_cell;
    if (cell < 2)
        cell = 2;
    int block_w = label_w + cell * (sc + 3);
    int bx = mr.x + (mr.w - block_w) / 2 + label_w;
    int by = mr.y + title_h;
    if (bx < mr.x + label_w)
        bx = mr.x + label_w;
    if (by < mr.y + title_h)
        by = mr.y + title_h;
    MatGeo geo = {.swap = L->d.swap, .dr = dr, .dc = dc, .cell = cell};
    if (!L->d.swap) {
        geo.bv = (Block){bx, by, 1, dc, cell};
        geo.ba = (Block){bx, by + cell * 3 / 2, dr, dc, cell};
        geo.bu = (Block){bx + cell * (dc + 2), geo.ba.y, dr, 1, cell};
    } else {
        /* x as a column left of M, out as a row under it */
        geo.bv = (Block){bx, by + cell, dc, 1, cell};
        geo.ba = (Block){bx + cell * 3 / 2, by + cell, dc, dr, cell};
        geo.bu = (Block){geo.ba.x, geo.ba.y + dc * cell + cell / 2, 1, dr, cell};
    }
    pl.mr = mr;
    pl.title_h = title_h;
    pl.by = by;
    pl.geo = geo;
    return pl;
}

/* The three 2-D views, laid out in their places: input x, kernel K, output (as far as the
 * timeline has got: L->out, L->shown). */
typedef struct MatGrids {
    GridView in, k, out;
    GridLayout lin, lk, lout;
    ColorScale sx, sw, sy; /* the input's, the kernel's and the output's colours */
    char shape_in[32], shape_k[32], shape_out[32];
} MatGrids;

static void make_grids(MatrixLab *L, LabContext *ctx, const MatPlace *pl, MatGrids *g)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    MatScene *s = &L->sc;
    bool tr = s->mode == MATMODE_TRANSPOSED;
    int n_in = s->n * s->n, n_out = s->out_h * s->out_w;
    snprintf(g->shape_in, sizeof g->shape_in, "%d×%d", s->n, s->n);
    snprintf(g->shape_k, sizeof g->shape_k, "%d×%d", s->k, s->k);
    snprintf(g->shape_out, sizeof g->shape_out, "%d×%d", s->out_h, s->out_w);
    g->sx = matview_value_scale(s->x, n_in);
    g->sw = colorscale_fit(COLORMAP_DIVERGING, s->w, s->k * s->k);
    g->sy = matview_value_scale(s->y, n_out);
    g->in = grid_view_make("input x", s->x, s->n, s->n, COLORMAP_SEQUENTIAL);
    g->in.shape = g->shape_in;
    g->in.scale = g->sx;
    g->in.show_values = ctx->show_values;
    g->k = grid_view_make("kernel K", s->w, s->k, s->k, COLORMAP_DIVERGING);
    g->k.shape = g->shape_k;
    g->k.scale = g->sw;
    g->k.show_values = ctx->show_values;
    g->out = grid_view_make(tr ? "output (Mᵀ·x)" : "output y", L->out, s->out_h, s->out_w,
                            COLORMAP_SEQUENTIAL);
    g->out.shape = g->shape_out;
    g->out.scale = g->sy;
    g->out.show_values = ctx->show_values;
    g->out.shown = L->shown;
    if (!tr) {
        g->in.pad_top = g->in.pad_bottom = g->in.pad_left = g->in.pad_right = s->pad;
    } else {
        /* the stamps reach `pad` cells past every edge of the output: those are cropped away
         * (drawn as the padding ring); output padding adds rows no stamp reaches */
        g->out.pad_top = g->out.pad_left = s->pad;
        int extra = s->pad - s->outpad;
        g->out.pad_bottom = g->out.pad_right = extra > 0 ? extra : 0;
    }
    g->lin = matview_place_grid(r, th, &g->in, pl->cells3[0]);
    g->lk = matview_place_grid(r, th, &g->k, pl->cells3[1]);
    g->lout = matview_place_grid(r, th, &g->out, pl->cells3[2]);
}

/* What the mouse is on, in any view; the wheel over an input cell or a kernel tap changes its
 * value by 1 (and rebuilds the scene). */
static Hover find_hover(MatrixLab *L, LabContext *ctx, const MatPlace *pl, MatGrids *g)
{
    MatScene *s = &L->sc;
    Hover hv = {-1, -1, -1};
    Ui *ui = ctx->ui;
    int mx = ui->in.mx, my = ui->in.my;
    bool mouse_ok = !ctx->headless && !ui->mouse_used && rect_contains(ctx->stage, mx, my);
    if (!mouse_ok)
        return hv;
    const Block *ba = &pl->geo.ba, *bv = &pl->geo.bv, *bu = &pl->geo.bu;
    int hr, hc;
    GridHit h;
    if (block_hit(ba, mx, my, &hr, &hc)) {
        hv.row = L->d.swap ? hc : hr;
        hv.col = L->d.swap ? hr : hc;
    } else if (block_hit(bv, mx, my, &hr, &hc)) {
        hv.col = L->d.swap ? hr : hc;
    } else if (block_hit(bu, mx, my, &hr, &hc)) {
        hv.row = L->d.swap ? hc : hr;
    } else if ((h = grid_hit_test(&g->in, &g->lin, mx, my)).inside && !h.in_padding) {
        /* the input is v (the columns) in both modes */
        hv.col = h.row * s->n + h.col;
    } else if ((h = grid_hit_test(&g->out, &g->lout, mx, my)).inside && !h.in_padding) {
        hv.row = h.row * s->out_w + h.col;
    } else if ((h = grid_hit_test(&g->k, &g->lk, mx, my)).inside && !h.in_padding) {
        hv.tap = h.row * s->k + h.col;
    }
    /* the mouse wheel edits input and kernel values by 1 */
    if (ui->in.wheel != 0) {
        GridHit hi = grid_hit_test(&g->in, &g->lin, mx, my);
        GridHit hk = grid_hit_test(&g->k, &g->lk, mx, my);
        if (hi.inside && !hi.in_padding) {
            s->x[hi.row * s->n + hi.col] += (float)ui->in.wheel;
            matview_rebuild(L, false);
        } else if (hk.inside && !hk.in_padding) {
            s->w[hk.row * s->k + hk.col] += (float)ui->in.wheel;
            matview_rebuild(L, false);
        }
    }
    return hv;
}

/* The current step and the hovered cells on the 2-D grids. conv: a step is a row of M = an
 * output cell, with its window in the (padded) input; transposed: a step is a column of Mᵀ = an
 * input cell, with its stamp in the output. */
static void highlight_grids(const MatrixLab *L, MatGrids *g, Hover hv, int cur)
{
    const MatScene *s = &L->sc;
    bool tr = s->mode == MATMODE_TRANSPOSED;
    int dr = L->d.drows, dc = L->d.dcols;
    if (cur >= 0) {
        if (!tr) {
            int oy = cur / s->out_w, ox = cur % s->out_w;
            grid_add_highlight(&g->out, oy, ox, 1, 1, GRID_HL_CURRENT);
            grid_add_highlight(&g->in, oy * s->stride - s->pad, ox * s->stride - s->pad, s->k, s->k,
                               GRID_HL_CURRENT);
            grid_add_highlight(&g->k, 0, 0, s->k, s->k, GRID_HL_CURRENT);
        } else {
            int iy = cur / s->n, ix = cur % s->n;
            grid_add_highlight(&g->in, iy, ix, 1, 1, GRID_HL_CURRENT);
            grid_add_highlight(&g->out, iy * s->stride - s->pad, ix * s->stride - s->pad, s->k,
                               s->k, GRID_HL_CURRENT);
            grid_add_highlight(&g->k, 0, 0, s->k, s->k, GRID_HL_CURRENT);
        }
    }
    /* hovered row / column of A: light up the cells they stand for */
    if (hv.row >= 0) {
        /* a row of A: conv -> output cell + its window; transposed -> output cell (the input
         * cells stamping into it are the row's non-zeros) */
        int oy = hv.row / s->out_w, ox = hv.row % s->out_w;
        grid_add_highlight(&g->out, oy, ox, 1, 1, GRID_HL_HOVER);
        for (int c = 0; c < dc; c++)
            if (L->d.nz[hv.row * dc + c])
                grid_add_highlight(&g->in, c / s->n, c % s->n, 1, 1, GRID_HL_HOVER);
    }
    if (hv.col >= 0) {
        grid_add_highlight(&g->in, hv.col / s->n, hv.col % s->n, 1, 1, GRID_HL_HOVER);
        for (int rr = 0; rr < dr; rr++)
            if (L->d.nz[rr * dc + hv.col])
                grid_add_highlight(&g->out, rr / s->out_w, rr % s->out_w, 1, 1, GRID_HL_HOVER);
    }
    if (hv.row >= 0 && hv.col >= 0 && L->d.dtap[hv.row * dc + hv.col] >= 0) {
        int t = L->d.dtap[hv.row * dc + hv.col];
        grid_add_highlight(&g->k, t / s->k, t % s->k, 1, 1, GRID_HL_HOVER);
    }
    if (hv.tap >= 0)
        grid_add_highlight(&g->k, hv.tap / s->k, hv.tap % s->k, 1, 1, GRID_HL_HOVER);
}

/* The matrix block's title over it (the long form, or the short one when it does not fit) and
 * the names of v, A and u beside their blocks. */
static void draw_block_titles(const MatrixLab *L, LabContext *ctx, const MatPlace *pl)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    bool tr = L->sc.mode == MATMODE_TRANSPOSED;
    int gap = theme_px(th, 16);
    int dr = L->d.drows, dc = L->d.dcols, cell = pl->geo.cell;
    const Block bv = pl->geo.bv, ba = pl->geo.ba, bu = pl->geo.bu;
    char title[160], shrt[96];
    if (!tr) {
        snprintf(title, sizeof title, "M · unroll(x) = unroll(y)      M is %d×%d", dr, dc);
        snprintf(shrt, sizeof shrt, "M · unroll(x) = unroll(y), M %d×%d", dr, dc);
    } else if (!L->d.swap) {
        snprintf(title, sizeof title,
                 "Mᵀ · unroll(x) = unroll(out)      Mᵀ is %d×%d, the transpose of the %d×%d "
                 "conv matrix",
                 dr, dc, dc, dr);
        snprintf(shrt, sizeof shrt, "Mᵀ · unroll(x) = unroll(out), Mᵀ %d×%d", dr, dc);
    } else {
        snprintf(title, sizeof title,
                 "out = Mᵀ·x, drawn turned: outᵀ = xᵀ·M      row t of M (%d×%d) is x_t's stamp", dc,
                 dr);
        snprintf(shrt, sizeof shrt, "Mᵀ drawn turned: outᵀ = xᵀ·M, M %d×%d", dc, dr);
    }
    text_line_or(r, th, FONT_SANS_BOLD, THEME_BODY, title, shrt,
                 (Rect){pl->mr.x, pl->by - pl->title_h, pl->mr.w, pl->title_h - gap / 4},
                 ALIGN_CENTER | ALIGN_MIDDLE, th->text);
    int lab_size = theme_px(th, THEME_BODY);
    int head = theme_px(th, THEME_HEADING), pad8 = theme_px(th, 8);
    if (!L->d.swap) {
        render_text(r, FONT_SANS, lab_size, "unroll(x)ᵀ", bv.x - pad8, bv.y + cell / 2,
                    ALIGN_RIGHT | ALIGN_MIDDLE, th->text_dim);
        render_text(r, FONT_SANS_BOLD, head, tr ? "Mᵀ" : "M", ba.x - pad8,
                    ba.y + ba.rows * cell / 2, ALIGN_RIGHT | ALIGN_MIDDLE, th->text);
        render_text(r, FONT_SANS, lab_size, tr ? "out" : "y", bu.x + cell / 2, bv.y + cell / 2,
                    ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
        render_text(r, FONT_SANS_BOLD, head, "=", ba.x + dc * cell + cell / 2,
                    ba.y + ba.rows * cell / 2, ALIGN_CENTER | ALIGN_MIDDLE, th->text);
    } else {
        render_text(r, FONT_SANS, lab_size, "x", bv.x + cell / 2, bv.y - cell / 2,
                    ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
        render_text(r, FONT_SANS_BOLD, head, "M", ba.x + ba.cols * cell / 2, ba.y - cell / 2,
                    ALIGN_CENTER | ALIGN_MIDDLE, th->text);
        render_text(r, FONT_SANS, lab_size, "outᵀ =", bu.x - pad8, bu.y + cell / 2,
                    ALIGN_RIGHT | ALIGN_MIDDLE, th->text_dim);
    }
}

/* Outlines on the blocks: the current step, a row of M (conv) or a column of Mᵀ (transposed),
 * with the cells of v and u it meets, in the accent; the hovered row, column or kernel tap (a
 * tap sits on a diagonal of every block: the Toeplitz structure) in the hover colour. */
static void outline_links(const MatrixLab *L, Render *r, const Theme *th, const MatGeo *geo,
                          Hover hv, int cur)
{
    bool tr = L->sc.mode == MATMODE_TRANSPOSED;
    int dr = L->d.drows, dc = L->d.dcols;
    int t3 = theme_px(th, 3), t2 = theme_px(th, 2);
    if (cur >= 0) {
        if (!tr) {
            outline(r, geo_row(geo, cur), t3, th->accent);
            outline(r, geo_u(geo, cur), t3, th->accent);
            for (int c = 0; c < dc; c++)
                if (L->d.nz[cur * dc + c])
                    outline(r, geo_v(geo, c), t3, th->accent);
        } else {
            outline(r, geo_col(geo, cur), t3, th->accent);
            outline(r, geo_v(geo, cur), t3, th->accent);
            for (int rr = 0; rr < dr; rr++)
                if (L->d.nz[rr * dc + cur])
                    outline(r, geo_u(geo, rr), t3, th->accent);
        }
    }
    if (hv.row >= 0) {
        outline(r, geo_row(geo, hv.row), t2, th->hover);
        outline(r, geo_u(geo, hv.row), t2, th->hover);
        for (int c = 0; c < dc; c++)
            if (L->d.nz[hv.row * dc + c])
                outline(r, geo_v(geo, c), t2, th->hover);
    }
    if (hv.col >= 0) {
        outline(r, geo_col(geo, hv.col), t2, th->hover);
        outline(r, geo_v(geo, hv.col), t2, th->hover);
        for (int rr = 0; rr < dr; rr++)
            if (L->d.nz[rr * dc + hv.col])
                outline(r, geo_u(geo, rr), t2, th->hover);
    }
    if (hv.tap >= 0) {
        /* one kernel tap sits on a diagonal of every block: the Toeplitz structure */
        for (int i = 0; i < dr * dc; i++)
            if (L->d.dtap[i] == hv.tap)
                outline(r, geo_a(geo, i / dc, i % dc), t2, th->hover);
    }
}

/* The tooltip of a cell of A (L->tip): its value, the output and the input its row and column
 * stand for, and the kernel tap it holds. */
static void tip_matrix_cell(MatrixLab *L, Hover hv)
{
    const MatScene *s = &L->sc;
    bool tr = s->mode == MATMODE_TRANSPOSED;
    int dc = L->d.dcols;
    char a[32], sub[24], sub2[24];
    int i = hv.row * dc + hv.col;
    int t = L->d.dtap[i];
    if (!tr) {
        snprintf(L->tip, sizeof L->tip,
                 "M[%d][%d] = %s\nrow %d = output y%s, column %d = input x%s\n%s", hv.row, hv.col,
                 colormap_format_value(L->d.dense[i], 3, a, sizeof a), hv.row,
                 matscene_subscript(hv.row / s->out_w, hv.row % s->out_w, sub, sizeof sub), hv.col,
                 matscene_subscript(hv.col / s->n, hv.col % s->n, sub2, sizeof sub2),
                 t >= 0 ? "the kernel tap that multiplies this input for this output"
                        : "0: this input is outside the output's window");
    } else {
        snprintf(L->tip, sizeof L->tip,
                 "Mᵀ[%d][%d] = %s\nrow %d = output cell %d, column %d = input x%s\n%s", hv.row,
                 hv.col, colormap_format_value(L->d.dense[i], 3, a, sizeof a), hv.row, hv.row,
                 hv.col, matscene_subscript(hv.col / s->n, hv.col % s->n, sub2, sizeof sub2),
                 t >= 0 ? "the kernel tap this input stamps onto this output"
                        : "0: this input's stamp does not reach this output");
    }
    if (t >= 0) {
        size_t len = strlen(L->tip);
        snprintf(L->tip + len, sizeof L->tip - len, " (K%s)",
                 matscene_subscript(t / s->k, t % s->k, sub, sizeof sub));
    }
}

/* The tooltip of output cell `row` in transposed mode (L->tip): the stamps summed into it so
 * far when some are still to come, then all of them (deconv_cell). */
static void tip_stamped_output(MatrixLab *L, int row)
{
    const MatScene *s = &L->sc;
    int n_in = s->n * s->n;
    int oy = row / s->out_w, ox = row % s->out_w;
    char a[32], b[32], sub[24];
    ConvTerm terms[MATLAB_MAX_IN * MATLAB_MAX_IN];
    int nt = 0;
    float val =
        deconv_cell(&s->gd, s->x, s->w, NULL, 0, oy, ox, terms, MATLAB_MAX_IN * MATLAB_MAX_IN, &nt);
    /* stamps come in input order, one a step: the first pos inputs are in so far */
    int pos = L->tl.pos < n_in ? L->tl.pos : n_in;
    int done = 0, last = -1;
    for (int t = 0; t < nt; t++) {
        int in = terms[t].iy * s->n + terms[t].ix;
        done += in < pos;
        last = in > last ? in : last;
    }
    size_t len = 0;
    if (done < nt)
        len = (size_t)snprintf(L->tip, sizeof L->tip,
                               "out%s so far = %s (%d of %d stamps in; the last at "
                               "step %d)\nwhen all are in: ",
                               matscene_subscript(oy, ox, sub, sizeof sub),
                               colormap_format_value(L->out[row], 3, b, sizeof b), done, nt,
                               last + 1);
    len += (size_t)snprintf(L->tip + len, sizeof L->tip - len,
                            "out%s = ", matscene_subscript(oy, ox, sub, sizeof sub));
    for (int t = 0; t < nt && len < sizeof L->tip; t++)
        len += (size_t)snprintf(L->tip + len, sizeof L->tip - len, "%s%s×%s", t ? " + " : "",
                                colormap_format_value(terms[t].x, 3, a, sizeof a),
                                colormap_format_value(terms[t].w, 3, b, sizeof b));
    if (len < sizeof L->tip)
        snprintf(L->tip + len, sizeof L->tip - len, "%s = %s\n(deconv_cell)", nt ? "" : "0",
                 colormap_format_value(val, 3, a, sizeof a));
}

/* The tooltip of what the mouse is on (L->tip, "" for nothing): a cell of A, an input (how many
 * outputs it feeds), an output (its equation once computed) or a kernel tap (how often M holds
 * it). */
static void hover_tip(MatrixLab *L, Hover hv)
{
    const MatScene *s = &L->sc;
    bool tr = s->mode == MATMODE_TRANSPOSED;
    int dr = L->d.drows, dc = L->d.dcols;
    char a[32], sub[24];
    if (hv.row >= 0 && hv.col >= 0) {
        tip_matrix_cell(L, hv);
    } else if (hv.col >= 0) {
        int uses = 0;
        for (int rr = 0; rr < dr; rr++)
            uses += L->d.nz[rr * dc + hv.col];
        snprintf(L->tip, sizeof L->tip, "input x%s = %s\n%s %d output cell%s",
                 matscene_subscript(hv.col / s->n, hv.col % s->n, sub, sizeof sub),
                 colormap_format_value(s->x[hv.col], 3, a, sizeof a),
                 tr ? "its stamp reaches" : "the kernel visits it for", uses, uses == 1 ? "" : "s");
    } else if (hv.row >= 0) {
        int oy = hv.row / s->out_w, ox = hv.row % s->out_w;
        if (!tr && !L->shown[hv.row]) {
            /* the equation belongs to the step that computes the cell, not before it */
            snprintf(L->tip, sizeof L->tip,
                     "y%s: not yet computed\nstep %d computes it (row %d of M · x)",
                     matscene_subscript(oy, ox, sub, sizeof sub), hv.row + 1, hv.row);
        } else if (!tr) {
            matscene_equation(s, hv.row, L->tip, sizeof L->tip);
        } else {
            tip_stamped_output(L, hv.row);
        }
    } else if (hv.tap >= 0) {
        int uses = 0;
        for (int i = 0; i < dr * dc; i++)
            uses += L->d.dtap[i] == hv.tap;
        snprintf(L->tip, sizeof L->tip, "K%s = %s appears %d times in %s\n(one weight, shared)",
                 matscene_subscript(hv.tap / s->k, hv.tap % s->k, sub, sizeof sub),
                 colormap_format_value(s->w[hv.tap], 3, a, sizeof a), uses, tr ? "Mᵀ" : "M");
    }
}

/* The equation strip's lines (L->eq, L->eq2) at step cur (-1: step 0). */
static void step_equations(MatrixLab *L, int cur)
{
    const MatScene *s = &L->sc;
    bool tr = s->mode == MATMODE_TRANSPOSED;
    if (cur >= 0)
        matscene_equation(s, cur, L->eq, sizeof L->eq);
    else
        snprintf(L->eq, sizeof L->eq, "%s",
                 tr ? "step 0: the output is empty; each step stamps one input cell × K"
                    : "step 0: no row of M used yet; each step is one row · x");
    if (tr && L->tl.pos >= L->tl.count && L->tl.count > 0) {
        char d[32];
        snprintf(L->eq2, sizeof L->eq2,
                 "all %d stamps summed: Mᵀ·x = deconv_forward(x), "
                 "max |difference| %s",
                 L->tl.count, colormap_format_value(s->max_diff, 6, d, sizeof d));
    } else {
        L->eq2[0] = '\0';
    }
}

void matview_draw_matrix(MatrixLab *L, LabContext *ctx)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    MatScene *s = &L->sc;
    bool tr = s->mode == MATMODE_TRANSPOSED;
    int cur = matscene_current(s, L->tl.pos);
    matscene_output_at(s, L->tl.pos, L->out, L->shown, NULL);
    MatPlace pl = place_matrix(L, ctx);
    MatGrids g;
    make_grids(L, ctx, &pl, &g);
    L->tip[0] = '\0';
    Hover hv = find_hover(L, ctx, &pl, &g);
    highlight_grids(L, &g, hv, cur);
    grid_draw(r, th, &g.in, &g.lin);
    grid_draw(r, th, &g.k, &g.lk);
    grid_draw(r, th, &g.out, &g.lout);

    /* the matrix block; conv: u fills row by row (shown mask); transposed: u is the running
     * sum of stamps */
    draw_block_titles(L, ctx, &pl);
    draw_block(r, th, &pl.geo.bv, s->x, NULL, NULL, &g.sx, ctx->show_values);
    draw_block(r, th, &pl.geo.ba, L->d.sdense, L->d.snz, NULL, &g.sw, ctx->show_values);
    draw_block(r, th, &pl.geo.bu, L->out, NULL, tr ? NULL : L->shown, &g.sy, ctx->show_values);
    outline_links(L, r, th, &pl.geo, hv, cur);

    hover_tip(L, hv);
    if (L->tip[0])
        ui_tooltip(ctx->ui, L->tip);
    step_equations(L, cur);
}
