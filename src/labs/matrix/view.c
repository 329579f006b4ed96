/* lab_matrix.c - the Matrix lab: convolution as a sparse (Toeplitz) matrix times the unrolled
 * input, its transpose as the transposed convolution (each input cell stamping the kernel into
 * the output), and convolution versus cross-correlation with the flipped kernel.
 * The scene (every number) is lab_matrix_model.c over engine/convmat; this file lays it out,
 * draws it, links hover and steps across the views, and takes the options and keys. */
#include "labs/lab.h"
#include "labs/matrix/model.h"
#include "ui/ui.h"
#include "viz/colormap.h"
#include "viz/grid.h"
#include "viz/render.h"
#include "viz/theme.h"

#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DISPLAY (MATLAB_MAX_CELLS * MATLAB_MAX_IN * MATLAB_MAX_IN) /* 64 x 16 */

typedef struct MatrixLab {
    MatScene sc;
    Timeline tl;
    char err[256];
    int mode_sel, preset_sel;

    /* The matrix as displayed, A · v = u: conv and flip show M (v = unroll(x), u = y);
     * transposed shows Mᵀ (v = unroll(x) of the deconv, u = its output). Rebuilt on change. */
    int drows, dcols;
    float dense[MAX_DISPLAY]; /* (drows, dcols) */
    uint8_t nz[MAX_DISPLAY];  /* (drows, dcols) 1 where the matrix has a kernel tap */
    int dtap[MAX_DISPLAY];    /* (drows, dcols) ky*k + kx of the tap, -1 for zeros */
    /* A tall Mᵀ is drawn turned (as M, x as a column, out as a row below: outᵀ = xᵀ·M) so its
     * cells stay readable; sdense/snz hold the picture in screen order. */
    bool swap;
    float sdense[MAX_DISPLAY];
    uint8_t snz[MAX_DISPLAY];

    /* per frame, fixed size: the frame allocates nothing */
    float out[MATLAB_MAX_CELLS], out2[MATLAB_MAX_CELLS];
    uint8_t shown[MATLAB_MAX_CELLS];
    char eq[768], eq2[768];
    char tip[UI_TOOLTIP_MAX];
} MatrixLab;

static void fill_display(MatrixLab *L)
{
    const ConvMat *m = &L->sc.m;
    bool tr = L->sc.mode == MATMODE_TRANSPOSED;
    L->drows = tr ? m->cols : m->rows;
    L->dcols = tr ? m->rows : m->cols;
    int n = L->drows * L->dcols;
    memset(L->dense, 0, (size_t)n * sizeof L->dense[0]);
    memset(L->nz, 0, (size_t)n);
    for (int i = 0; i < n; i++)
        L->dtap[i] = -1;
    for (int e = 0; e < m->n_entries; e++) {
        const ConvMatEntry *en = &m->entries[e];
        int r = tr ? en->col : en->row, c = tr ? en->row : en->col;
        L->dense[r * L->dcols + c] = en->w;
        L->nz[r * L->dcols + c] = 1;
        L->dtap[r * L->dcols + c] = en->ky * L->sc.k + en->kx;
    }
    L->swap = tr && L->drows > 12;
    for (int r = 0; r < L->drows; r++)
        for (int c = 0; c < L->dcols; c++) {
            int si = L->swap ? c * L->drows + r : r * L->dcols + c;
            L->sdense[si] = L->dense[r * L->dcols + c];
            L->snz[si] = L->nz[r * L->dcols + c];
        }
}

/* Recomputes the scene; refill takes fresh values from the preset (sizes changed). */
static bool rebuild(MatrixLab *L, bool refill)
{
    matscene_clamp(&L->sc);
    if (refill)
        matscene_fill_preset(&L->sc);
    char err[256];
    if (!matscene_rebuild(&L->sc, err, sizeof err)) {
        snprintf(L->err, sizeof L->err, "%s", err);
        return false;
    }
    L->err[0] = '\0';
    fill_display(L);
    L->mode_sel = (int)L->sc.mode;
    L->preset_sel = (int)L->sc.preset;
    timeline_set_count(&L->tl, matscene_steps(&L->sc));
    return true;
}

static void *matrix_create(char *err, size_t err_size)
{
    MatrixLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "matrix lab: out of memory");
        return NULL;
    }
    matscene_init(&L->sc);
    timeline_init(&L->tl, 0);
    if (!rebuild(L, true)) {
        snprintf(err, err_size, "matrix lab: %s", L->err);
        matscene_free(&L->sc);
        free(L);
        return NULL;
    }
    /* the default scene shows the second row of M being used: half the output filled */
    timeline_seek(&L->tl, 2);
    return L;
}

static void matrix_destroy(void *state)
{
    MatrixLab *L = state;
    if (!L)
        return;
    matscene_free(&L->sc);
    free(L);
}

static bool parse_int(const char *key, const char *value, int lo, int hi, int *out, char *err,
                      size_t err_size)
{
    char *end = NULL;
    long v = strtol(value, &end, 10);
    if (!value[0] || *end || v < lo || v > hi) {
        snprintf(err, err_size, "matrix: %s=%s is not allowed (an integer %d..%d)", key, value,
                 lo, hi);
        return false;
    }
    *out = (int)v;
    return true;
}

static bool matrix_set_option(void *state, const char *key, const char *value, char *err,
                              size_t err_size)
{
    MatrixLab *L = state;
    MatScene *s = &L->sc;
    int v = 0, lo = 0, hi = 0;
    bool refill = false;
    if (strcmp(key, "mode") == 0) {
        MatMode m;
        if (!matscene_mode_find(value, &m)) {
            snprintf(err, err_size, "matrix: mode=%s is unknown (conv, transposed, flip)", value);
            return false;
        }
        s->mode = m;
        refill = true;
    } else if (strcmp(key, "preset") == 0) {
        MatPreset p;
        MatMode m;
        /* a mode name is accepted as a preset too: `--preset transposed` reads naturally */
        if (matscene_mode_find(value, &m)) {
            s->mode = m;
        } else if (matscene_preset_find(value, &p)) {
            s->preset = p;
        } else {
            snprintf(err, err_size,
                     "matrix: preset=%s is unknown (count, edge, random; or a mode: conv, "
                     "transposed, flip)",
                     value);
            return false;
        }
        refill = true;
    } else if (strcmp(key, "n") == 0 || strcmp(key, "size") == 0 || strcmp(key, "input") == 0) {
        matscene_range_n(s, &lo, &hi);
        if (!parse_int(key, value, lo, hi, &v, err, err_size))
            return false;
        s->n = v;
        refill = true;
    } else if (strcmp(key, "k") == 0 || strcmp(key, "kernel") == 0) {
        if (!parse_int(key, value, 2, MATLAB_MAX_K, &v, err, err_size))
            return false;
        s->k = v;
        refill = true;
    } else if (strcmp(key, "stride") == 0) {
        matscene_range_stride(s, &lo, &hi);
        if (!parse_int(key, value, lo, hi, &v, err, err_size))
            return false;
        s->stride = v;
    } else if (strcmp(key, "pad") == 0 || strcmp(key, "padding") == 0) {
        if (!parse_int(key, value, 0, 1, &v, err, err_size))
            return false;
        s->pad = v;
    } else if (strcmp(key, "outpad") == 0 || strcmp(key, "output_padding") == 0) {
        if (!parse_int(key, value, 0, 1, &v, err, err_size))
            return false;
        if (s->mode != MATMODE_TRANSPOSED || v >= s->stride) {
            snprintf(err, err_size,
                     "matrix: outpad=%s needs mode=transposed and a stride larger than it "
                     "(set mode and stride first)",
                     value);
            return false;
        }
        s->outpad = v;
    } else {
        snprintf(err, err_size,
                 "matrix: unknown option '%s' (mode, preset, n, k, stride, pad, outpad, step)",
                 key);
        return false;
    }
    if (!rebuild(L, refill)) {
        snprintf(err, err_size, "matrix: %s", L->err);
        return false;
    }
    return true;
}

static Timeline *matrix_timeline(void *state)
{
    return &((MatrixLab *)state)->tl;
}

static bool matrix_update(void *state, double dt)
{
    (void)state;
    (void)dt;
    return false;
}

static bool matrix_key(void *state, int key, bool ctrl, bool shift)
{
    MatrixLab *L = state;
    MatScene *s = &L->sc;
    if (ctrl)
        return false;
    int lo, hi;
    switch (key) {
    case SDLK_m:
        s->mode = (MatMode)(((int)s->mode + (shift ? MATMODE_COUNT - 1 : 1)) % MATMODE_COUNT);
        rebuild(L, true);
        return true;
    case SDLK_r:
        s->preset =
            (MatPreset)(((int)s->preset + (shift ? MATPRESET_COUNT - 1 : 1)) % MATPRESET_COUNT);
        rebuild(L, true);
        return true;
    case SDLK_k:
        s->k = s->k == 2 ? 3 : 2;
        rebuild(L, true);
        return true;
    case SDLK_n:
        matscene_range_n(s, &lo, &hi);
        s->n = s->n >= hi ? lo : s->n + 1;
        rebuild(L, true);
        return true;
    case SDLK_s:
        s->stride = s->stride == 1 ? 2 : 1;
        rebuild(L, false);
        return true;
    case SDLK_p:
        s->pad = 1 - s->pad;
        rebuild(L, false);
        return true;
    case SDLK_o:
        if (s->mode != MATMODE_TRANSPOSED)
            return false;
        s->outpad = s->outpad + 1 < s->stride ? s->outpad + 1 : 0;
        rebuild(L, false);
        return true;
    default:
        return false;
    }
}

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
                       const uint8_t *mask, const uint8_t *shown, const ColorScale *sc,
                       bool values)
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

/* The scale for values that may be signed: diverging when any is negative, else
 * sequential from 0. */
static ColorScale value_scale(const float *v, int n)
{
    bool neg = false;
    for (int i = 0; i < n; i++)
        neg = neg || v[i] < 0.0f;
    if (neg)
        return colorscale_fit(COLORMAP_DIVERGING, v, n);
    float hi = 0.0f;
    for (int i = 0; i < n; i++)
        hi = fmaxf(hi, v[i]);
    return colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, hi > 0.0f ? hi : 1.0f);
}

static void text_line(Render *r, const Theme *th, FontFace face, int base, const char *s, Rect rc,
                      int align, Color c)
{
    char fit[1024];
    render_text_fit(r, face, theme_px(th, (float)base), s, rc.w, fit, sizeof fit);
    render_text_in(r, face, theme_px(th, (float)base), fit, rc, align, c);
}

/* The long form of a line when it fits rc, else the short one (cut with "…" only if even that
 * is too wide). */
static void text_line_or(Render *r, const Theme *th, FontFace face, int base, const char *lng,
                         const char *shrt, Rect rc, int align, Color c)
{
    int w = 0;
    render_text_size(r, face, theme_px(th, (float)base), lng, &w, NULL);
    text_line(r, th, face, base, w <= rc.w ? lng : shrt, rc, align, c);
}

/* Lays a grid view into avail, with the title line height of the body font. */
static GridLayout place_grid(Render *r, const Theme *th, const GridView *v, Rect avail)
{
    int line_h = render_line_height(r, FONT_SANS_BOLD, theme_px(th, THEME_BODY));
    return grid_layout(v, avail, th, line_h);
}

/* ---- the controls ---------------------------------------------------------------------- */

/* Lines of text (split at '\n') taking their height from the control column. */
static void col_lines(Ui *ui, UiColumn *col, const char *text, FontFace face, int base, Color c)
{
    int size = theme_px(ui->th, (float)base);
    int lh = render_line_height(ui->r, face, size);
    char line[256];
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len >= sizeof line)
            len = sizeof line - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        if (col->y + lh > col->area.y + col->area.h)
            return;
        Rect rc = {col->area.x, col->y, col->area.w, lh};
        char fit[256];
        render_text_fit(ui->r, face, size, line, rc.w, fit, sizeof fit);
        /* not clipped to the line: underscores hang below it */
        render_text(ui->r, face, size, fit, rc.x, rc.y, ALIGN_LEFT | ALIGN_TOP, c);
        col->y += lh;
        p = nl ? nl + 1 : p + len;
    }
    col->y += col->gap;
}

/* The lab's key list under a "Keys" heading when it all fits the column, else without the
 * heading; else (a short window or a large UI scale) one dim line pointing at the H overlay,
 * which lists every key of the lab (LabDef.help), so nothing is cut off. */
static void col_keys(Ui *ui, UiColumn *col, const char *keys)
{
    int size = theme_px(ui->th, THEME_SMALL);
    int lh = render_line_height(ui->r, FONT_MONO, size);
    int lines = 1;
    for (const char *p = keys; *p; p++)
        lines += *p == '\n';
    int bottom = col->area.y + col->area.h;
    if (col->y + col->row_h + col->gap + lines * lh <= bottom) {
        ui_column_heading(ui, col, "Keys");
        col_lines(ui, col, keys, FONT_MONO, THEME_SMALL, ui->th->text_dim);
        return;
    }
    /* without the heading the lines still read as keys ("A function") */
    if (col->y + col->gap + lines * lh <= bottom) {
        col->y += col->gap;
        col_lines(ui, col, keys, FONT_MONO, THEME_SMALL, ui->th->text_dim);
        return;
    }
    int sl = render_line_height(ui->r, FONT_SANS, size);
    if (col->y + sl > bottom)
        return;
    col_lines(ui, col, "Keys: press H", FONT_SANS, THEME_SMALL, ui->th->text_dim);
}

static const char *const mode_items[MATMODE_COUNT] = {"Conv as matrix", "Transposed conv",
                                                       "Conv vs cross-corr"};
static const char *const preset_items[MATPRESET_COUNT] = {"Count 0, 1, 2, …",
                                                           "Edge + Sobel-like", "Random −3…3"};

static void draw_controls(MatrixLab *L, LabContext *ctx)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    MatScene *s = &L->sc;
    UiColumn col = ui_column(ctx->controls, th);
    /* all the slider labels of every mode: the tracks line up and stay put across modes */
    static const char *const labels[] = {"Input", "Kernel", "Stride", "Padding", "Out pad"};
    ui_column_labels(ui, &col, labels, (int)(sizeof labels / sizeof labels[0]));
    ui_column_heading(ui, &col, "Mode (M), values (R)");
    int sel = (int)s->mode;
    if (ui_dropdown(ui, ui_id("mx.mode"), ui_column_next(&col, 1), mode_items, MATMODE_COUNT,
                    &sel)) {
        s->mode = (MatMode)sel;
        rebuild(L, true);
    }
    sel = (int)s->preset;
    if (ui_dropdown(ui, ui_id("mx.preset"), ui_column_next(&col, 1), preset_items,
                    MATPRESET_COUNT, &sel)) {
        s->preset = (MatPreset)sel;
        rebuild(L, true);
    }
    int lo, hi, v;
    matscene_range_n(s, &lo, &hi);
    v = s->n;
    if (ui_slider_int(ui, ui_id("mx.n"), ui_column_next(&col, 1), "Input", &v, lo,
                      hi) &&
        v != s->n) {
        s->n = v;
        rebuild(L, true);
    }
    v = s->k;
    if (ui_slider_int(ui, ui_id("mx.k"), ui_column_next(&col, 1), "Kernel", &v, 2,
                      MATLAB_MAX_K) &&
        v != s->k) {
        s->k = v;
        rebuild(L, true);
    }
    matscene_range_stride(s, &lo, &hi);
    v = s->stride;
    if (ui_slider_int(ui, ui_id("mx.stride"), ui_column_next(&col, 1), "Stride", &v, lo,
                      hi) &&
        v != s->stride) {
        s->stride = v;
        rebuild(L, false);
    }
    v = s->pad;
    if (ui_slider_int(ui, ui_id("mx.pad"), ui_column_next(&col, 1), "Padding", &v, 0, 1) &&
        v != s->pad) {
        s->pad = v;
        rebuild(L, false);
    }
    if (s->mode == MATMODE_TRANSPOSED) {
        if (s->stride > 1) {
            Rect rc = ui_column_next(&col, 1);
            v = s->outpad;
            if (ui_slider_int(ui, ui_id("mx.outpad"), rc, "Out pad", &v, 0,
                              s->stride - 1) &&
                v != s->outpad) {
                s->outpad = v;
                rebuild(L, false);
            }
        } else {
            col_lines(ui, &col, "Out pad 0 (needs stride 2)", FONT_SANS, THEME_SMALL,
                      th->text_dim);
        }
    }

    /* the proof that the picture is the operation, from the engine; a line is kept free at
     * the bottom for the keys (their list, or the line that shows it on hover) */
    int keys_lh = render_line_height(ui->r, FONT_SANS, theme_px(th, THEME_SMALL)) + col.gap;
    int check_h = col.row_h + col.gap +
                  render_line_height(ui->r, FONT_MONO, theme_px(th, THEME_SMALL)) + col.gap;
    if (col.y + check_h + keys_lh > col.area.y + col.area.h)
        keys_lh = 0; /* the check comes first */
    col.area.h -= keys_lh;
    ui_column_heading(ui, &col, "Check");
    char buf[160];
    char d[32];
    colormap_format_value(s->max_diff, 6, d, sizeof d);
    if (s->mode == MATMODE_TRANSPOSED)
        snprintf(buf, sizeof buf, "max|Mᵀ·x − deconv| = %s", d);
    else
        snprintf(buf, sizeof buf, "max|M·x − conv| = %s", d);
    col_lines(ui, &col, buf, FONT_MONO, THEME_SMALL, s->max_diff == 0.0f ? th->text : th->warning);
    if (s->mode != MATMODE_FLIP) {
        snprintf(buf, sizeof buf, "M: %d×%d, %d non-zeros (%d%%)",
                 s->m.rows, s->m.cols, s->m.n_entries,
                 (int)lroundf(100.0f * (float)s->m.n_entries /
                              (float)(s->m.rows * s->m.cols)));
        col_lines(ui, &col, buf, FONT_MONO, THEME_SMALL, th->text_dim);
    }
    col.area.h += keys_lh;
    col_keys(ui, &col,
             "M mode   R values\nN input  K kernel\nS stride P padding\nO output padding\n"
             "wheel on x or K: ±1\nhover: linked cells");
}

/* ---- conv and transposed: grids + matrix ----------------------------------------------- */

/* What the mouse is on, in display-matrix terms: a row of A, a column of A, a kernel tap. */
typedef struct Hover {
    int row, col, tap;
    int grid_in_r, grid_in_c; /* input cell (2-D), -1 none */
} Hover;

static void draw_matrix_mode(MatrixLab *L, LabContext *ctx)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    MatScene *s = &L->sc;
    bool tr = s->mode == MATMODE_TRANSPOSED;
    Rect st = ctx->stage;
    int gap = theme_px(th, 16);
    int cur = matscene_current(s, L->tl.pos);
    int n_in = s->n * s->n, n_out = s->out_h * s->out_w;
    matscene_output_at(s, L->tl.pos, L->out, L->shown, NULL);

    /* where the matrix goes: below the grids (wide matrices) or right of them (tall ones) */
    int dr = L->drows, dc = L->dcols;
    int sr = L->swap ? dc : dr, sc = L->swap ? dr : dc; /* A's rows and columns on screen */
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

    /* the three 2-D views: input, kernel, output */
    char shape_in[32], shape_k[32], shape_out[32];
    snprintf(shape_in, sizeof shape_in, "%d×%d", s->n, s->n);
    snprintf(shape_k, sizeof shape_k, "%d×%d", s->k, s->k);
    snprintf(shape_out, sizeof shape_out, "%d×%d", s->out_h, s->out_w);
    ColorScale sx = value_scale(s->x, n_in);
    ColorScale sw = colorscale_fit(COLORMAP_DIVERGING, s->w, s->k * s->k);
    ColorScale sy = value_scale(s->y, n_out);
    GridView gin = grid_view_make("input x", s->x, s->n, s->n, COLORMAP_SEQUENTIAL);
    gin.shape = shape_in;
    gin.scale = sx;
    gin.show_values = ctx->show_values;
    GridView gk = grid_view_make("kernel K", s->w, s->k, s->k, COLORMAP_DIVERGING);
    gk.shape = shape_k;
    gk.scale = sw;
    gk.show_values = ctx->show_values;
    GridView gout = grid_view_make(tr ? "output (Mᵀ·x)" : "output y", L->out, s->out_h,
                                   s->out_w, COLORMAP_SEQUENTIAL);
    gout.shape = shape_out;
    gout.scale = sy;
    gout.show_values = ctx->show_values;
    gout.shown = L->shown;
    if (!tr) {
        gin.pad_top = gin.pad_bottom = gin.pad_left = gin.pad_right = s->pad;
    } else {
        /* the stamps reach `pad` cells past every edge of the output: those are cropped away
         * (drawn as the padding ring); output padding adds rows no stamp reaches */
        gout.pad_top = gout.pad_left = s->pad;
        int extra = s->pad - s->outpad;
        gout.pad_bottom = gout.pad_right = extra > 0 ? extra : 0;
    }
    Rect cells3[3];
    if (stacked) {
        int h3 = grids_rc.h / 3;
        for (int i = 0; i < 3; i++)
            cells3[i] = (Rect){grids_rc.x, grids_rc.y + i * h3, grids_rc.w, h3 - gap / 2};
    } else {
        int w3 = grids_rc.w / 3;
        for (int i = 0; i < 3; i++)
            cells3[i] = (Rect){grids_rc.x + i * w3, grids_rc.y, w3 - gap, grids_rc.h};
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
    int block_h = title_h + cell * sr + cell * 3 / 2 + title_h;
    int bx = mr.x + (mr.w - block_w) / 2 + label_w;
    int by = mr.y + title_h;
    (void)block_h;
    if (bx < mr.x + label_w)
        bx = mr.x + label_w;
    if (by < mr.y + title_h)
        by = mr.y + title_h;
    MatGeo geo = {.swap = L->swap, .dr = dr, .dc = dc, .cell = cell};
    if (!L->swap) {
        geo.bv = (Block){bx, by, 1, dc, cell};
        geo.ba = (Block){bx, by + cell * 3 / 2, dr, dc, cell};
        geo.bu = (Block){bx + cell * (dc + 2), geo.ba.y, dr, 1, cell};
    } else {
        /* x as a column left of M, out as a row under it */
        geo.bv = (Block){bx, by + cell, dc, 1, cell};
        geo.ba = (Block){bx + cell * 3 / 2, by + cell, dc, dr, cell};
        geo.bu = (Block){geo.ba.x, geo.ba.y + dc * cell + cell / 2, 1, dr, cell};
    }
    const Block bv = geo.bv, ba = geo.ba, bu = geo.bu;
    const float *vvals = s->x;
    float *uvals = L->out;
    /* conv: u fills row by row (shown mask); transposed: u is the running sum of stamps */

    /* ---- hover: find what the mouse is on, in any view ---- */
    Hover hv = {-1, -1, -1, -1, -1};
    Ui *ui = ctx->ui;
    int mx = ui->in.mx, my = ui->in.my;
    bool mouse_ok = !ctx->headless && !ui->mouse_used && rect_contains(st, mx, my);
    GridLayout lin = place_grid(r, th, &gin, cells3[0]);
    GridLayout lk = place_grid(r, th, &gk, cells3[1]);
    GridLayout lout = place_grid(r, th, &gout, cells3[2]);
    L->tip[0] = '\0';
    if (mouse_ok) {
        int hr, hc;
        GridHit h;
        if (block_hit(&ba, mx, my, &hr, &hc)) {
            hv.row = L->swap ? hc : hr;
            hv.col = L->swap ? hr : hc;
        } else if (block_hit(&bv, mx, my, &hr, &hc)) {
            hv.col = L->swap ? hr : hc;
        } else if (block_hit(&bu, mx, my, &hr, &hc)) {
            hv.row = L->swap ? hc : hr;
        } else if ((h = grid_hit_test(&gin, &lin, mx, my)).inside && !h.in_padding) {
            /* the input is v (the columns) in both modes */
            hv.col = h.row * s->n + h.col;
        } else if ((h = grid_hit_test(&gout, &lout, mx, my)).inside && !h.in_padding) {
            hv.row = h.row * s->out_w + h.col;
        } else if ((h = grid_hit_test(&gk, &lk, mx, my)).inside && !h.in_padding) {
            hv.tap = h.row * s->k + h.col;
        }
        /* the mouse wheel edits input and kernel values by 1 */
        if (ui->in.wheel != 0) {
            GridHit hi = grid_hit_test(&gin, &lin, mx, my);
            GridHit hk = grid_hit_test(&gk, &lk, mx, my);
            if (hi.inside && !hi.in_padding) {
                s->x[hi.row * s->n + hi.col] += (float)ui->in.wheel;
                rebuild(L, false);
            } else if (hk.inside && !hk.in_padding) {
                s->w[hk.row * s->k + hk.col] += (float)ui->in.wheel;
                rebuild(L, false);
            }
        }
    }

    /* ---- highlights on the 2-D grids ---- */
    /* conv: step = row of M = output cell; its window in the (padded) input.
     * transposed: step = column of Mᵀ = input cell; its stamp in the output. */
    if (cur >= 0) {
        if (!tr) {
            int oy = cur / s->out_w, ox = cur % s->out_w;
            grid_add_highlight(&gout, oy, ox, 1, 1, GRID_HL_CURRENT);
            grid_add_highlight(&gin, oy * s->stride - s->pad, ox * s->stride - s->pad, s->k,
                               s->k, GRID_HL_CURRENT);
            grid_add_highlight(&gk, 0, 0, s->k, s->k, GRID_HL_CURRENT);
        } else {
            int iy = cur / s->n, ix = cur % s->n;
            grid_add_highlight(&gin, iy, ix, 1, 1, GRID_HL_CURRENT);
            grid_add_highlight(&gout, iy * s->stride - s->pad, ix * s->stride - s->pad, s->k,
                               s->k, GRID_HL_CURRENT);
            grid_add_highlight(&gk, 0, 0, s->k, s->k, GRID_HL_CURRENT);
        }
    }
    /* hovered row / column of A: light up the cells they stand for */
    if (hv.row >= 0) {
        /* a row of A: conv -> output cell + its window; transposed -> output cell (the input
         * cells stamping into it are the row's non-zeros) */
        int oy = hv.row / s->out_w, ox = hv.row % s->out_w;
        grid_add_highlight(&gout, oy, ox, 1, 1, GRID_HL_HOVER);
        for (int c = 0; c < dc; c++)
            if (L->nz[hv.row * dc + c])
                grid_add_highlight(&gin, c / s->n, c % s->n, 1, 1, GRID_HL_HOVER);
    }
    if (hv.col >= 0) {
        grid_add_highlight(&gin, hv.col / s->n, hv.col % s->n, 1, 1, GRID_HL_HOVER);
        for (int rr = 0; rr < dr; rr++)
            if (L->nz[rr * dc + hv.col])
                grid_add_highlight(&gout, rr / s->out_w, rr % s->out_w, 1, 1, GRID_HL_HOVER);
    }
    if (hv.row >= 0 && hv.col >= 0 && L->dtap[hv.row * dc + hv.col] >= 0) {
        int t = L->dtap[hv.row * dc + hv.col];
        grid_add_highlight(&gk, t / s->k, t % s->k, 1, 1, GRID_HL_HOVER);
    }
    if (hv.tap >= 0)
        grid_add_highlight(&gk, hv.tap / s->k, hv.tap % s->k, 1, 1, GRID_HL_HOVER);

    grid_draw(r, th, &gin, &lin);
    grid_draw(r, th, &gk, &lk);
    grid_draw(r, th, &gout, &lout);

    /* ---- the matrix block ---- */
    char title[160], shrt[96];
    if (!tr) {
        snprintf(title, sizeof title, "M · unroll(x) = unroll(y)      M is %d×%d", dr, dc);
        snprintf(shrt, sizeof shrt, "M · unroll(x) = unroll(y), M %d×%d", dr, dc);
    } else if (!L->swap) {
        snprintf(title, sizeof title,
                 "Mᵀ · unroll(x) = unroll(out)      Mᵀ is %d×%d, the transpose of the %d×%d "
                 "conv matrix",
                 dr, dc, dc, dr);
        snprintf(shrt, sizeof shrt, "Mᵀ · unroll(x) = unroll(out), Mᵀ %d×%d", dr, dc);
    } else {
        snprintf(title, sizeof title,
                 "out = Mᵀ·x, drawn turned: outᵀ = xᵀ·M      row t of M (%d×%d) is x_t's stamp",
                 dc, dr);
        snprintf(shrt, sizeof shrt, "Mᵀ drawn turned: outᵀ = xᵀ·M, M %d×%d", dc, dr);
    }
    text_line_or(r, th, FONT_SANS_BOLD, THEME_BODY, title, shrt,
                 (Rect){mr.x, by - title_h, mr.w, title_h - gap / 4},
                 ALIGN_CENTER | ALIGN_MIDDLE, th->text);
    int lab_size = theme_px(th, THEME_BODY);
    int head = theme_px(th, THEME_HEADING), pad8 = theme_px(th, 8);
    if (!L->swap) {
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

    draw_block(r, th, &bv, vvals, NULL, NULL, &sx, ctx->show_values);
    draw_block(r, th, &ba, L->sdense, L->snz, NULL, &sw, ctx->show_values);
    draw_block(r, th, &bu, uvals, NULL, tr ? NULL : L->shown, &sy, ctx->show_values);

    /* current step: a row of M (conv) or a column of Mᵀ (transposed), with what it meets */
    int t3 = theme_px(th, 3), t2 = theme_px(th, 2);
    if (cur >= 0) {
        if (!tr) {
            outline(r, geo_row(&geo, cur), t3, th->accent);
            outline(r, geo_u(&geo, cur), t3, th->accent);
            for (int c = 0; c < dc; c++)
                if (L->nz[cur * dc + c])
                    outline(r, geo_v(&geo, c), t3, th->accent);
        } else {
            outline(r, geo_col(&geo, cur), t3, th->accent);
            outline(r, geo_v(&geo, cur), t3, th->accent);
            for (int rr = 0; rr < dr; rr++)
                if (L->nz[rr * dc + cur])
                    outline(r, geo_u(&geo, rr), t3, th->accent);
        }
    }
    if (hv.row >= 0) {
        outline(r, geo_row(&geo, hv.row), t2, th->hover);
        outline(r, geo_u(&geo, hv.row), t2, th->hover);
        for (int c = 0; c < dc; c++)
            if (L->nz[hv.row * dc + c])
                outline(r, geo_v(&geo, c), t2, th->hover);
    }
    if (hv.col >= 0) {
        outline(r, geo_col(&geo, hv.col), t2, th->hover);
        outline(r, geo_v(&geo, hv.col), t2, th->hover);
        for (int rr = 0; rr < dr; rr++)
            if (L->nz[rr * dc + hv.col])
                outline(r, geo_u(&geo, rr), t2, th->hover);
    }
    if (hv.tap >= 0) {
        /* one kernel tap sits on a diagonal of every block: the Toeplitz structure */
        for (int i = 0; i < dr * dc; i++)
            if (L->dtap[i] == hv.tap)
                outline(r, geo_a(&geo, i / dc, i % dc), t2, th->hover);
    }

    /* ---- tooltip and equations ---- */
    char a[32], b[32], sub[24], sub2[24];
    if (hv.row >= 0 && hv.col >= 0) {
        int i = hv.row * dc + hv.col;
        int t = L->dtap[i];
        if (!tr) {
            snprintf(L->tip, sizeof L->tip,
                     "M[%d][%d] = %s\nrow %d = output y%s, column %d = input x%s\n%s", hv.row,
                     hv.col, colormap_format_value(L->dense[i], 3, a, sizeof a), hv.row,
                     matscene_subscript(hv.row / s->out_w, hv.row % s->out_w, sub, sizeof sub),
                     hv.col, matscene_subscript(hv.col / s->n, hv.col % s->n, sub2, sizeof sub2),
                     t >= 0 ? "the kernel tap that multiplies this input for this output"
                            : "0: this input is outside the output's window");
        } else {
            snprintf(L->tip, sizeof L->tip,
                     "Mᵀ[%d][%d] = %s\nrow %d = output cell %d, column %d = input x%s\n%s",
                     hv.row, hv.col, colormap_format_value(L->dense[i], 3, a, sizeof a), hv.row,
                     hv.row, hv.col,
                     matscene_subscript(hv.col / s->n, hv.col % s->n, sub2, sizeof sub2),
                     t >= 0 ? "the kernel tap this input stamps onto this output"
                            : "0: this input's stamp does not reach this output");
        }
        if (t >= 0) {
            size_t len = strlen(L->tip);
            snprintf(L->tip + len, sizeof L->tip - len, " (K%s)",
                     matscene_subscript(t / s->k, t % s->k, sub, sizeof sub));
        }
    } else if (hv.col >= 0) {
        int uses = 0;
        for (int rr = 0; rr < dr; rr++)
            uses += L->nz[rr * dc + hv.col];
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
            ConvTerm terms[MATLAB_MAX_IN * MATLAB_MAX_IN];
            int nt = 0;
            float val = deconv_cell(&s->gd, s->x, s->w, NULL, 0, oy, ox, terms,
                                    MATLAB_MAX_IN * MATLAB_MAX_IN, &nt);
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
                                       colormap_format_value(L->out[hv.row], 3, b, sizeof b),
                                       done, nt, last + 1);
            len += (size_t)snprintf(L->tip + len, sizeof L->tip - len, "out%s = ",
                                    matscene_subscript(oy, ox, sub, sizeof sub));
            for (int t = 0; t < nt && len < sizeof L->tip; t++)
                len += (size_t)snprintf(L->tip + len, sizeof L->tip - len, "%s%s×%s",
                                        t ? " + " : "",
                                        colormap_format_value(terms[t].x, 3, a, sizeof a),
                                        colormap_format_value(terms[t].w, 3, b, sizeof b));
            if (len < sizeof L->tip)
                snprintf(L->tip + len, sizeof L->tip - len, "%s = %s\n(deconv_cell)",
                         nt ? "" : "0", colormap_format_value(val, 3, a, sizeof a));
        }
    } else if (hv.tap >= 0) {
        int uses = 0;
        for (int i = 0; i < dr * dc; i++)
            uses += L->dtap[i] == hv.tap;
        snprintf(L->tip, sizeof L->tip, "K%s = %s appears %d times in %s\n(one weight, shared)",
                 matscene_subscript(hv.tap / s->k, hv.tap % s->k, sub, sizeof sub),
                 colormap_format_value(s->w[hv.tap], 3, a, sizeof a), uses, tr ? "Mᵀ" : "M");
    }
    if (L->tip[0])
        ui_tooltip(ui, L->tip);

    if (cur >= 0)
        matscene_equation(s, cur, L->eq, sizeof L->eq);
    else
        snprintf(L->eq, sizeof L->eq, "%s",
                 tr ? "step 0: the output is empty; each step stamps one input cell × K"
                    : "step 0: no row of M used yet; each step is one row · x");
    if (tr && L->tl.pos >= L->tl.count && L->tl.count > 0) {
        char d[32];
        snprintf(L->eq2, sizeof L->eq2, "all %d stamps summed: Mᵀ·x = deconv_forward(x), "
                 "max |difference| %s", L->tl.count,
                 colormap_format_value(s->max_diff, 6, d, sizeof d));
    } else {
        L->eq2[0] = '\0';
    }
}

/* ---- flip: cross-correlation beside true convolution ----------------------------------- */

static void draw_flip_mode(MatrixLab *L, LabContext *ctx)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    MatScene *s = &L->sc;
    Rect st = ctx->stage;
    int gap = theme_px(th, 16);
    int cur = matscene_current(s, L->tl.pos);
    int n_in = s->n * s->n, n_out = s->out_h * s->out_w;
    matscene_output_at(s, L->tl.pos, L->out, L->shown, L->out2);
    /* each band's heading: what it is, then its formula; on one line when both bands' fit,
     * else the formula on a second line in the mono body size */
    static const char *const head_what[2] = {"Cross-correlation — what a CNN layer computes",
                                             "True convolution — the kernel flipped"};
    static const char *const head_formula[2] = {
        "(I ⋆ K)(i, j) = Σ I(i+m, j+n)·K(m, n)",
        "(I ∗ K)(i, j) = Σ I(i−m, j−n)·K(m, n) = (I ⋆ flip K)(i, j)"};
    int head_size = theme_px(th, THEME_HEADING);
    int head_lh = render_line_height(r, FONT_SANS_BOLD, head_size);
    bool one_line = true;
    for (int b = 0; b < 2; b++) {
        char both_text[256];
        snprintf(both_text, sizeof both_text, "%s:  %s", head_what[b], head_formula[b]);
        int w = 0;
        render_text_size(r, FONT_SANS_BOLD, head_size, both_text, &w, NULL);
        one_line = one_line && w <= st.w;
    }
    int formula_lh = render_line_height(r, FONT_MONO, theme_px(th, THEME_BODY));
    int head_h = head_lh + (one_line ? 0 : formula_lh) + gap / 2;
    int eq_h = render_line_height(r, FONT_MONO, theme_px(th, THEME_BODY)) + gap / 2;
    int band_h = (st.h - gap) / 2;

    char shape_in[32], shape_k[32], shape_out[32];
    snprintf(shape_in, sizeof shape_in, "%d×%d", s->n, s->n);
    snprintf(shape_k, sizeof shape_k, "%d×%d", s->k, s->k);
    snprintf(shape_out, sizeof shape_out, "%d×%d", s->out_h, s->out_w);
    ColorScale sx = value_scale(s->x, n_in);
    ColorScale sw = colorscale_fit(COLORMAP_DIVERGING, s->w, s->k * s->k);
    /* one scale for both outputs so their colours compare */
    float both[2 * MATLAB_MAX_CELLS];
    memcpy(both, s->y, (size_t)n_out * sizeof(float));
    memcpy(both + n_out, s->yflip, (size_t)n_out * sizeof(float));
    ColorScale sy = value_scale(both, 2 * n_out);

    Ui *ui = ctx->ui;
    int mx = ui->in.mx, my = ui->in.my;
    bool mouse_ok = !ctx->headless && !ui->mouse_used && rect_contains(st, mx, my);
    int hover_out = -1;
    L->tip[0] = '\0';

    /* hover first, over both bands' outputs, so both bands show the hovered cell */
    if (mouse_ok) {
        for (int band = 0; band < 2; band++) {
            Rect br = {st.x, st.y + band * (band_h + gap), st.w, band_h};
            Rect gr = {br.x, br.y + head_h, br.w, br.h - head_h - eq_h};
            int w3 = gr.w / 3;
            GridView go = grid_view_make("I ⋆ K", L->out, s->out_h, s->out_w,
                                         COLORMAP_SEQUENTIAL);
            go.shape = shape_out;
            GridLayout lo = place_grid(r, th, &go, (Rect){gr.x + 2 * w3, gr.y, w3 - gap, gr.h});
            GridHit h = grid_hit_test(&go, &lo, mx, my);
            if (h.inside && !h.in_padding)
                hover_out = h.row * s->out_w + h.col;
        }
    }
    for (int band = 0; band < 2; band++) {
        Rect br = {st.x, st.y + band * (band_h + gap), st.w, band_h};
        if (one_line) {
            char head[256];
            snprintf(head, sizeof head, "%s:  %s", head_what[band], head_formula[band]);
            text_line(r, th, FONT_SANS_BOLD, THEME_HEADING, head,
                      (Rect){br.x, br.y, br.w, head_h}, ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        } else {
            text_line(r, th, FONT_SANS_BOLD, THEME_HEADING, head_what[band],
                      (Rect){br.x, br.y, br.w, head_lh}, ALIGN_LEFT | ALIGN_MIDDLE, th->text);
            text_line(r, th, FONT_MONO, THEME_BODY, head_formula[band],
                      (Rect){br.x, br.y + head_lh, br.w, formula_lh}, ALIGN_LEFT | ALIGN_MIDDLE,
                      th->text_dim);
        }
        Rect gr = {br.x, br.y + head_h, br.w, br.h - head_h - eq_h};
        int w3 = gr.w / 3;
        GridView gin = grid_view_make("input I", s->x, s->n, s->n, COLORMAP_SEQUENTIAL);
        gin.shape = shape_in;
        gin.scale = sx;
        gin.show_values = ctx->show_values;
        gin.pad_top = gin.pad_bottom = gin.pad_left = gin.pad_right = s->pad;
        GridView gk = grid_view_make(band == 0 ? "kernel K" : "flip K (turned 180°)",
                                     band == 0 ? s->w : s->wflip, s->k, s->k,
                                     COLORMAP_DIVERGING);
        gk.shape = shape_k;
        gk.scale = sw;
        gk.show_values = ctx->show_values;
        GridView gout = grid_view_make(band == 0 ? "I ⋆ K" : "I ∗ K", band == 0 ? L->out : L->out2,
                                       s->out_h, s->out_w, COLORMAP_SEQUENTIAL);
        gout.shape = shape_out;
        gout.scale = sy;
        gout.show_values = ctx->show_values;
        gout.shown = L->shown;
        Rect a0 = {gr.x, gr.y, w3 - gap, gr.h}, a1 = {gr.x + w3, gr.y, w3 - gap, gr.h},
             a2 = {gr.x + 2 * w3, gr.y, w3 - gap, gr.h};
        GridLayout lin = place_grid(r, th, &gin, a0);
        GridLayout lk = place_grid(r, th, &gk, a1);
        GridLayout lout = place_grid(r, th, &gout, a2);
        int show = hover_out >= 0 ? hover_out : cur;
        bool computed = show >= 0 && L->shown[show];
        if (show >= 0) {
            int oy = show / s->out_w, ox = show % s->out_w;
            GridHighlightKind kind = hover_out >= 0 ? GRID_HL_HOVER : GRID_HL_CURRENT;
            int y0 = oy * s->stride - s->pad, x0 = ox * s->stride - s->pad;
            grid_add_highlight(&gout, oy, ox, 1, 1, kind);
            grid_add_highlight(&gin, y0, x0, s->k, s->k, kind);
            /* the cell K(0,0) meets: the window's first cell for ⋆, its last for ∗ */
            if (band == 0)
                grid_add_highlight(&gin, y0, x0, 1, 1, GRID_HL_MARK);
            else
                grid_add_highlight(&gin, y0 + s->k - 1, x0 + s->k - 1, 1, 1, GRID_HL_MARK);
        }
        /* K(0,0) marked in both kernels: top-left in K, bottom-right in flip K */
        if (band == 0)
            grid_add_highlight(&gk, 0, 0, 1, 1, GRID_HL_MARK);
        else
            grid_add_highlight(&gk, s->k - 1, s->k - 1, 1, 1, GRID_HL_MARK);
        grid_draw(r, th, &gin, &lin);
        grid_draw(r, th, &gk, &lk);
        grid_draw(r, th, &gout, &lout);
        /* the operator glyphs between the grids */
        int oy = lk.cells.y + lk.cells.h / 2;
        render_text(r, FONT_SANS_BOLD, theme_px(th, band == 0 ? 34 : 22), band == 0 ? "⋆" : "∗",
                    gr.x + w3 - gap / 2,
                    oy, ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
        render_text(r, FONT_SANS_BOLD, theme_px(th, 22), "=", gr.x + 2 * w3 - gap / 2, oy,
                    ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
        /* this band's equation for the current (or hovered) cell */
        Rect er = {br.x, br.y + br.h - eq_h, br.w, eq_h};
        char eq[768];
        if (show >= 0 && !computed) {
            char sub[24];
            snprintf(eq, sizeof eq, "%s%s: not yet computed (step %d)",
                     band == 0 ? "y" : "(I∗K)",
                     matscene_subscript(show / s->out_w, show % s->out_w, sub, sizeof sub),
                     show + 1);
        } else if (show >= 0) {
            if (band == 0)
                matscene_equation(s, show, eq, sizeof eq);
            else
                matscene_flip_equation(s, show, eq, sizeof eq);
        } else {
            snprintf(eq, sizeof eq, "%s",
                     band == 0 ? "K(0,0) (marked) meets the window's top-left cell"
                               : "K(0,0) (marked) meets the window's bottom-right cell");
        }
        text_line(r, th, FONT_MONO, THEME_BODY, eq, er, ALIGN_LEFT | ALIGN_MIDDLE, th->text);
    }
    if (hover_out >= 0 && !L->shown[hover_out]) {
        char sub[24];
        snprintf(L->tip, sizeof L->tip, "output y%s: not yet computed\nstep %d computes it both ways",
                 matscene_subscript(hover_out / s->out_w, hover_out % s->out_w, sub, sizeof sub),
                 hover_out + 1);
        ui_tooltip(ui, L->tip);
    } else if (hover_out >= 0) {
        char a[32], b[32], sub[24];
        snprintf(L->tip, sizeof L->tip,
                 "output y%s\ncross-correlation (conv_forward, K) = %s\n"
                 "true convolution (conv_forward, flip K) = %s",
                 matscene_subscript(hover_out / s->out_w, hover_out % s->out_w, sub, sizeof sub),
                 colormap_format_value(s->y[hover_out], 3, a, sizeof a),
                 colormap_format_value(s->yflip[hover_out], 3, b, sizeof b));
        ui_tooltip(ui, L->tip);
    }
    if (cur >= 0) {
        matscene_equation(s, cur, L->eq, sizeof L->eq);
        matscene_flip_equation(s, cur, L->eq2, sizeof L->eq2);
    } else {
        snprintf(L->eq, sizeof L->eq, "step 0: each step computes one output cell both ways");
        L->eq2[0] = '\0';
    }
}

static void draw_equation_strip(MatrixLab *L, LabContext *ctx)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect e = ctx->equation;
    if (e.w <= 0 || e.h <= 0)
        return;
    int size = theme_px(th, THEME_BODY);
    int lh = render_line_height(r, FONT_MONO, size);
    int lines = L->eq2[0] ? 2 : 1;
    if (lines * lh > e.h)
        lines = 1;
    int y = e.y + (e.h - lines * lh) / 2;
    char fit[1024];
    render_text_fit(r, FONT_MONO, size, L->eq, e.w, fit, sizeof fit);
    render_text(r, FONT_MONO, size, fit, e.x, y, ALIGN_LEFT | ALIGN_TOP, th->text);
    if (lines == 2) {
        render_text_fit(r, FONT_MONO, size, L->eq2, e.w, fit, sizeof fit);
        render_text(r, FONT_MONO, size, fit, e.x, y + lh, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    }
}

static void matrix_draw(void *state, LabContext *ctx)
{
    MatrixLab *L = state;
    draw_controls(L, ctx);
    if (L->err[0]) {
        lab_report_error(ctx, L->err);
        L->err[0] = '\0';
    }
    if (L->sc.mode == MATMODE_FLIP)
        draw_flip_mode(L, ctx);
    else
        draw_matrix_mode(L, ctx);
    draw_equation_strip(L, ctx);
}

/* The H overlay's rows for this lab (matrix_key and the mouse in matrix_draw). */
static const UiHelpRow matrix_help[] = {
    {"M  \xE2\x87\xA7M", "mode: conv as matrix, transposed conv, conv vs cross-correlation"},
    {"R  \xE2\x87\xA7R", "values: count 0, 1, 2, \xE2\x80\xA6 / edge + Sobel-like / random"},
    {"N", "input size one larger (wraps to the smallest)"},
    {"K", "kernel 2\xC3\x97" "2 \xE2\x86\x94 3\xC3\x97" "3"},
    {"S", "stride 1 \xE2\x86\x94 2"},
    {"P", "padding 0 \xE2\x86\x94 1"},
    {"O", "transposed mode: output padding (with stride 2)"},
    {"wheel", "on an input cell x or a kernel tap K: its value \xC2\xB1" "1"},
    {"hover", "a cell of x, K, M or the output: the cells linked to it"},
    {NULL, NULL},
};

const LabDef lab_matrix = {
    .name = "matrix",
    .title = "Matrix",
    .blurb = "Convolution as a Toeplitz matrix, its transpose as transposed convolution; "
             "convolution vs cross-correlation.",
    .create = matrix_create,
    .destroy = matrix_destroy,
    .set_option = matrix_set_option,
    .update = matrix_update,
    .draw = matrix_draw,
    .timeline = matrix_timeline,
    .key = matrix_key,
    .help = matrix_help,
};
