/* grid.c - the labelled grid view: pure layout and hit-testing, then drawing. */
#include "viz/grid.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

GridView grid_view_make(const char *title, const float *data, int rows, int cols,
                        ColormapKind kind)
{
    GridView v;
    memset(&v, 0, sizeof v);
    v.title = title;
    v.data = data;
    v.rows = rows;
    v.cols = cols;
    v.scale = colorscale_fit(kind, data, rows * cols);
    v.show_values = true;
    v.decimals = -1;
    v.show_legend = true;
    return v;
}

void grid_add_highlight(GridView *v, int row, int col, int rows, int cols,
                        GridHighlightKind kind)
{
    if (v->n_highlights >= GRID_MAX_HIGHLIGHTS)
        return;
    GridHighlight h = {row, col, rows, cols, kind, {0, 0, 0, 0}, false, 0.0f, 0.0f, 0.0f, 0.0f};
    v->highlights[v->n_highlights++] = h;
}

void grid_add_highlight_eased(GridView *v, int row, int col, int rows, int cols,
                              GridHighlightKind kind, const float at[4])
{
    if (v->n_highlights >= GRID_MAX_HIGHLIGHTS)
        return;
    GridHighlight h = {row, col, rows, cols, kind, {0, 0, 0, 0}, true, at[0], at[1], at[2], at[3]};
    v->highlights[v->n_highlights++] = h;
}

/* Decimals for the values: the caller's choice, else 0 for integer data, 1 when values reach
 * 10, else 2. */
static int value_decimals(const GridView *v)
{
    if (v->decimals >= 0)
        return v->decimals;
    bool ints = true;
    float m = 0.0f;
    int n = v->rows * v->cols;
    for (int i = 0; i < n && v->data; i++) {
        float x = v->data[i];
        if (!isfinite(x))
            continue;
        if (fabsf(x - roundf(x)) > 1e-6f * fmaxf(1.0f, fabsf(x)))
            ints = false;
        m = fmaxf(m, fabsf(x));
    }
    if (ints)
        return 0;
    return m >= 10.0f ? 1 : 2;
}

/* Characters in a formatted value (the U+2212 minus counts once). */
static int value_chars(const char *s)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n;
}

/* The widest value in characters at the given decimals (every cell formatted alike). */
static int widest_value(const GridView *v, int decimals)
{
    int best = 1;
    int n = v->rows * v->cols;
    char buf[48];
    for (int i = 0; i < n && v->data; i++) {
        int c = value_chars(colormap_format_fixed(v->data[i], decimals, buf, sizeof buf));
        if (c > best)
            best = c;
    }
    return best;
}

/* The fewest decimals the grid may drop to so its values still fit: the largest |value| keeps
 * two significant digits (0 from 10 up, 1 from 1 up, 2 from 0.1 up, 3 below), never more than
 * the decimals asked for. */
static int fewest_decimals(const GridView *v, int want)
{
    float m = 0.0f;
    int n = v->rows * v->cols;
    for (int i = 0; i < n && v->data; i++)
        if (isfinite(v->data[i]))
            m = fmaxf(m, fabsf(v->data[i]));
    int d = m >= 10.0f ? 0 : m >= 1.0f ? 1 : m >= 0.1f ? 2 : 3;
    return d < want ? d : want;
}

/* The font size values of `chars` characters get in a cell of side cell (0: too small). Mono
 * digits are ~0.6 em wide; a 2 px margin each side of the cell. */
static int value_size_for(const Theme *th, int cell, int chars)
{
    float by_width = (float)(cell - 4) / (0.62f * (float)chars);
    float by_height = (float)cell * 0.6f;
    float size = fminf(fminf(by_width, by_height), (float)theme_px(th, 16));
    return size >= (float)theme_px(th, 9) ? (int)size : 0;
}

GridLayout grid_layout(const GridView *v, Rect avail, const Theme *th, int line_h)
{
    GridLayout L;
    memset(&L, 0, sizeof L);
    L.total_rows = v->rows + v->pad_top + v->pad_bottom;
    L.total_cols = v->cols + v->pad_left + v->pad_right;
    if (L.total_rows < 1)
        L.total_rows = 1;
    if (L.total_cols < 1)
        L.total_cols = 1;
    bool has_title = v->title != NULL;
    int title_h = has_title ? (v->note ? 2 : 1) * line_h + theme_px(th, 4) : 0;
    int legend_h = v->show_legend ? colormap_legend_height(th) + theme_px(th, 6) : 0;
    int room_h = avail.h - title_h - legend_h;
    int max_cell = theme_px(th, (float)(v->max_cell > 0 ? v->max_cell : GRID_MAX_CELL));
    int cell = max_cell;
    if (avail.w / L.total_cols < cell)
        cell = avail.w / L.total_cols;
    if (room_h / L.total_rows < cell)
        cell = room_h / L.total_rows;
    if (cell < 1)
        cell = 1;
    L.cell = cell;
    int bw = cell * L.total_cols, bh = cell * L.total_rows;
    int legend_w = bw;
    int legend_min = theme_px(th, 132);
    if (legend_w < legend_min)
        legend_w = legend_min < avail.w ? legend_min : avail.w;
    int total_h = title_h + bh + legend_h;
    int y = avail.y + (avail.h - total_h) / 2;
    if (y < avail.y)
        y = avail.y;
    int cx = avail.x + avail.w / 2;
    L.title = has_title ? (Rect){avail.x, y, avail.w, (v->note ? 2 : 1) * line_h}
                        : (Rect){avail.x, y, avail.w, 0};
    L.cells = (Rect){cx - bw / 2, y + title_h, bw, bh};
    L.legend = v->show_legend ? (Rect){cx - legend_w / 2, L.cells.y + bh + theme_px(th, 6),
                                       legend_w, colormap_legend_height(th)}
                              : (Rect){cx, L.cells.y + bh, 0, 0};
    int top = y, bottom = L.cells.y + bh + legend_h;
    int left = L.cells.x < L.legend.x ? L.cells.x : L.legend.x;
    int right = L.cells.x + bw > L.legend.x + L.legend.w ? L.cells.x + bw : L.legend.x + L.legend.w;
    if (has_title) {
        left = avail.x;
        right = avail.x + avail.w;
    }
    L.bounds = (Rect){left, top, right - left, bottom - top};

    /* values: one format for every cell (the same decimals, so "0.090" stands beside
     * "0.101", never "0.09"); when the values do not fit at 9 px, fewer decimals (down to two
     * significant digits of the largest) before they hide */
    L.value_size = 0;
    L.value_decimals = value_decimals(v);
    if (v->show_values && v->data) {
        int want = L.value_decimals;
        for (int d = want; d >= fewest_decimals(v, want); d--) {
            int size = value_size_for(th, cell, widest_value(v, d));
            if (size > 0) {
                L.value_size = size;
                L.value_decimals = d;
                break;
            }
        }
    }
    return L;
}

GridHit grid_hit_test(const GridView *v, const GridLayout *lay, int x, int y)
{
    GridHit h = {false, false, 0, 0, 0.0f};
    if (!rect_contains(lay->cells, x, y) || lay->cell <= 0)
        return h;
    int tc = (x - lay->cells.x) / lay->cell;
    int tr = (y - lay->cells.y) / lay->cell;
    if (tc >= lay->total_cols || tr >= lay->total_rows)
        return h;
    h.inside = true;
    h.row = tr - v->pad_top;
    h.col = tc - v->pad_left;
    h.in_padding = h.row < 0 || h.col < 0 || h.row >= v->rows || h.col >= v->cols;
    if (!h.in_padding && v->data)
        h.value = v->data[h.row * v->cols + h.col];
    return h;
}

Rect grid_cell_rect(const GridView *v, const GridLayout *lay, int row, int col)
{
    return (Rect){lay->cells.x + (col + v->pad_left) * lay->cell,
                  lay->cells.y + (row + v->pad_top) * lay->cell, lay->cell, lay->cell};
}

const char *grid_cell_text(const GridView *v, const GridLayout *lay, int row, int col, char *out,
                           size_t size)
{
    if (size == 0)
        return out;
    out[0] = '\0';
    if (lay->value_size <= 0 || !v->data || row < 0 || col < 0 || row >= v->rows || col >= v->cols)
        return out;
    return colormap_format_fixed(v->data[row * v->cols + col], lay->value_decimals, out, size);
}

static int title_min_size; /* see grid_title_min_size */

int grid_title_min_size(void)
{
    int s = title_min_size;
    title_min_size = 0;
    return s;
}

bool grid_title_fits(Render *r, const Theme *th, const char *title, const char *shape, int w)
{
    int size = theme_px(th, THEME_BODY), tw = 0, sw = 0;
    render_text_size(r, FONT_SANS_BOLD, size, title, &tw, NULL);
    render_text_size(r, FONT_MONO, size, shape, &sw, NULL);
    return tw + theme_px(th, 6) + sw <= w;
}

static void draw_title(Render *r, const Theme *th, const GridView *v, const GridLayout *lay)
{
    if (!v->title || lay->title.h <= 0)
        return;
    char shape[64];
    if (v->shape)
        snprintf(shape, sizeof shape, "%s", v->shape);
    else
        snprintf(shape, sizeof shape, "%d\xC3\x97%d", v->rows, v->cols);
    int size = theme_px(th, THEME_BODY), min_size = theme_px(th, 10);
    int tw = 0, sw = 0, gap = theme_px(th, 6);
    int avail = lay->title.w;
    /* a narrow column: the whole title shrinks (down to 10 px × scale) before anything is cut,
     * so "output 0 (W0) 3×3" stays whole where it can */
    for (;;) {
        render_text_size(r, FONT_SANS_BOLD, size, v->title, &tw, NULL);
        render_text_size(r, FONT_MONO, size, shape, &sw, NULL);
        if (tw + gap + sw <= avail || size <= min_size)
            break;
        int next = (int)((long)size * avail / (tw + gap + sw));
        size = next < size ? (next > min_size ? next : min_size) : size - 1;
        gap = theme_px(th, 6) * size / theme_px(th, THEME_BODY);
    }
    /* still too wide at the smallest size: the shape gives way first ("1×28×28  (pad…"), then
     * the title itself */
    char shape_fit[64], title_fit[160];
    const char *title = v->title;
    if (tw + gap + sw > avail) {
        int room = avail - tw - gap;
        if (room >= theme_px(th, 24)) {
            render_text_fit(r, FONT_MONO, size, shape, room, shape_fit, sizeof shape_fit);
            snprintf(shape, sizeof shape, "%s", shape_fit);
        } else {
            shape[0] = '\0';
            gap = 0;
            title = render_text_fit(r, FONT_SANS_BOLD, size, v->title, avail, title_fit,
                                    sizeof title_fit);
        }
        render_text_size(r, FONT_SANS_BOLD, size, title, &tw, NULL);
        render_text_size(r, FONT_MONO, size, shape, &sw, NULL);
    }
    int total = tw + gap + sw;
    int x = lay->cells.x + lay->cells.w / 2 - total / 2;
    if (x + total > lay->title.x + lay->title.w)
        x = lay->title.x + lay->title.w - total;
    if (x < lay->title.x)
        x = lay->title.x;
    if (title_min_size == 0 || size < title_min_size)
        title_min_size = size;
    render_clip_push(r, lay->title);
    int line_h = v->note ? lay->title.h / 2 : lay->title.h;
    int cy = lay->title.y + line_h / 2;
    render_text(r, FONT_SANS_BOLD, size, title, x, cy, ALIGN_LEFT | ALIGN_MIDDLE, th->text);
    if (shape[0])
        render_text(r, FONT_MONO, size, shape, x + tw + gap, cy, ALIGN_LEFT | ALIGN_MIDDLE,
                    th->text_dim);
    if (v->note) {
        /* centred under the grid like the first line, cut rather than shrunk */
        char fit[160];
        int nsize = size;
        render_text_fit(r, FONT_SANS, nsize, v->note, lay->title.w, fit, sizeof fit);
        int nw = 0;
        render_text_size(r, FONT_SANS, nsize, fit, &nw, NULL);
        int nx = lay->cells.x + lay->cells.w / 2 - nw / 2;
        if (nx + nw > lay->title.x + lay->title.w)
            nx = lay->title.x + lay->title.w - nw;
        if (nx < lay->title.x)
            nx = lay->title.x;
        render_text(r, FONT_SANS, nsize, fit, nx, lay->title.y + line_h + line_h / 2,
                    ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
    }
    render_clip_pop(r);
}

void grid_draw(Render *r, const Theme *th, const GridView *v, const GridLayout *lay)
{
    draw_title(r, th, v, lay);
    int cell = lay->cell;
    /* 1 px gaps between cells when cells are big enough for them to read as a grid */
    int gap = cell >= 6 ? 1 : 0;
    if (gap)
        render_rect(r, lay->cells, th->border);
    char buf[48];
    bool any_padding = v->pad_top || v->pad_bottom || v->pad_left || v->pad_right;
    for (int tr = 0; tr < lay->total_rows; tr++) {
        for (int tc = 0; tc < lay->total_cols; tc++) {
            int row = tr - v->pad_top, col = tc - v->pad_left;
            Rect c = {lay->cells.x + tc * cell + gap, lay->cells.y + tr * cell + gap, cell - gap,
                      cell - gap};
            bool pad = row < 0 || col < 0 || row >= v->rows || col >= v->cols;
            if (pad) {
                render_rect(r, c, th->padding);
                if (lay->value_size > 0)
                    render_text(r, FONT_MONO, lay->value_size, "0", c.x + c.w / 2, c.y + c.h / 2,
                                ALIGN_CENTER | ALIGN_MIDDLE, th->padding_text);
                continue;
            }
            int i = row * v->cols + col;
            if (v->shown && !v->shown[i]) {
                render_rect(r, c, th->panel);
                continue;
            }
            float x = v->data ? v->data[i] : 0.0f;
            Color fill = colorscale_color(&v->scale, x);
            render_rect(r, c, fill);
            if (lay->value_size > 0)
                render_text(r, FONT_MONO, lay->value_size,
                            grid_cell_text(v, lay, row, col, buf, sizeof buf), c.x + c.w / 2,
                            c.y + c.h / 2, ALIGN_CENTER | ALIGN_MIDDLE, color_text_on(fill));
        }
    }
    if (any_padding) {
        /* hatch the ring so padding reads as "not data" even with values off */
        Color hc = color_alpha(th->padding_text, 110);
        int sp = theme_px(th, 6);
        Rect b = lay->cells;
        render_hatch(r, (Rect){b.x, b.y, b.w, v->pad_top * cell}, sp, hc);
        render_hatch(r, (Rect){b.x, b.y + b.h - v->pad_bottom * cell, b.w, v->pad_bottom * cell},
                     sp, hc);
        int mid_y = b.y + v->pad_top * cell, mid_h = v->rows * cell;
        render_hatch(r, (Rect){b.x, mid_y, v->pad_left * cell, mid_h}, sp, hc);
        render_hatch(r, (Rect){b.x + b.w - v->pad_right * cell, mid_y, v->pad_right * cell, mid_h},
                     sp, hc);
    }
    for (int k = 0; k < v->n_highlights; k++) {
        const GridHighlight *h = &v->highlights[k];
        Rect a = grid_cell_rect(v, lay, h->row, h->col);
        Rect box = {a.x, a.y, h->cols * cell + gap, h->rows * cell + gap};
        if (h->eased && h->kind != GRID_HL_MARK) {
            /* on its way: the same box at fractional cells, rounded to whole pixels */
            float x0 = (float)lay->cells.x + (h->fcol + (float)v->pad_left) * (float)cell;
            float y0 = (float)lay->cells.y + (h->frow + (float)v->pad_top) * (float)cell;
            box = (Rect){(int)lroundf(x0), (int)lroundf(y0),
                         (int)lroundf(h->fcols * (float)cell) + gap,
                         (int)lroundf(h->frows * (float)cell) + gap};
        }
        switch (h->kind) {
        case GRID_HL_CURRENT: {
            int t = theme_px(th, 3);
            render_rect_outline(r, rect_inset(box, -t / 2), t, th->accent);
            break;
        }
        case GRID_HL_HOVER:
            render_rect_outline(r, rect_inset(box, -1), theme_px(th, 2), th->hover);
            break;
        case GRID_HL_CUSTOM:
            render_rect_outline(r, rect_inset(box, -1), theme_px(th, 2), h->color);
            break;
        case GRID_HL_MARK: {
            float rad = fmaxf(2.0f, (float)cell * 0.12f);
            for (int rr = 0; rr < h->rows; rr++)
                for (int cc = 0; cc < h->cols; cc++) {
                    Rect m = grid_cell_rect(v, lay, h->row + rr, h->col + cc);
                    float cx = (float)(m.x + m.w) - rad - 2.0f, cy = (float)m.y + rad + 2.0f;
                    render_circle(r, cx, cy, rad + 1.0f, th->bg);
                    render_circle(r, cx, cy, rad, th->accent);
                }
            break;
        }
        }
    }
    if (v->show_legend && lay->legend.h > 0)
        colormap_draw_legend(r, th, lay->legend, &v->scale);
}
