/* labkit.c - helpers shared by the sweep labs (see labkit.h). */
#include "labs/common/labkit.h"

#include "engine/assets.h"
#include "viz/colormap.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int lsu_parse_ints(const char *key, const char *value, int *v, int max, int lo, int hi, char *err,
                   size_t err_size)
{
    int n = 0;
    const char *p = value;
    while (*p) {
        char *end = NULL;
        errno = 0;
        long x = strtol(p, &end, 10);
        if (end == p || errno != 0 || n >= max || x < lo || x > hi) {
            snprintf(err, err_size, "%s=%s: expected %s%d integer%s in %d..%d", key, value,
                     max > 1 ? "1 to " : "", max, max > 1 ? "s (comma-separated)" : "", lo, hi);
            return 0;
        }
        v[n++] = (int)x;
        p = end;
        if (*p == ',')
            p++;
        else if (*p) {
            snprintf(err, err_size, "%s=%s: unexpected '%c'", key, value, *p);
            return 0;
        }
    }
    if (n == 0)
        snprintf(err, err_size, "%s: missing value", key);
    return n;
}

bool lsu_parse_float(const char *key, const char *value, float *v, char *err, size_t err_size)
{
    char *end = NULL;
    errno = 0;
    float x = strtof(value, &end);
    if (end == value || *end || errno != 0 || x != x) {
        snprintf(err, err_size, "%s=%s: expected a number", key, value);
        return false;
    }
    *v = x;
    return true;
}

bool lsu_parse_bool(const char *key, const char *value, bool *v, char *err, size_t err_size)
{
    static const char *const yes[] = {"on", "1", "true", "yes"};
    static const char *const no[] = {"off", "0", "false", "no"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(value, yes[i]) == 0) {
            *v = true;
            return true;
        }
        if (strcasecmp(value, no[i]) == 0) {
            *v = false;
            return true;
        }
    }
    snprintf(err, err_size, "%s=%s: expected on or off", key, value);
    return false;
}

/* One copy of the digits for all labs; the labs are created and destroyed on one thread. */
static Dataset digits;
static int digits_users = 0;
static bool digits_loaded = false;

const Dataset *lsu_digits_acquire(char *err, size_t err_size)
{
    if (!digits_loaded) {
        char dir[1024];
        assets_path(dir, sizeof dir, "assets/digits");
        if (!dataset_load(&digits, dir, DATASET_TEST, err, err_size))
            return NULL;
        digits_loaded = true;
    }
    digits_users++;
    return &digits;
}

void lsu_digits_release(void)
{
    if (digits_users > 0 && --digits_users == 0 && digits_loaded) {
        dataset_free(&digits);
        digits_loaded = false;
    }
}

int lsu_digit_of_class(const Dataset *ds, int k, int n)
{
    int count = 0;
    for (int i = 0; i < ds->n; i++)
        count += ds->labels[i] == k;
    if (count == 0)
        return -1;
    n %= count;
    for (int i = 0; i < ds->n; i++)
        if (ds->labels[i] == k && n-- == 0)
            return i;
    return -1;
}

int lsu_draw_lines(Render *r, FontFace face, int size, const char *text, int x, int y, int line_gap,
                   Color c)
{
    int lh = render_line_height(r, face, size) + line_gap;
    char line[1024];
    const char *p = text;
    int used = 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = 0;
        if (n)
            render_text(r, face, size, line, x, y + used, ALIGN_LEFT | ALIGN_TOP, c);
        used += lh;
        p += nl ? (size_t)(nl - p) + 1 : strlen(p);
    }
    return used;
}

int lsu_wrap(Render *r, FontFace face, int size, const char *text, int max_w, char *out, size_t cap)
{
    size_t len = 0;
    int lines = 1;
    char line[2048] = "";
    size_t line_len = 0;
    const char *p = text;
    if (cap)
        out[0] = 0;
    while (*p && cap) {
        /* next word, spaces before it dropped at line starts */
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ' ' && *e != '\n')
            e++;
        size_t wl = (size_t)(e - p);
        if (wl > 512)
            wl = 512; /* no word is that long; the bound keeps trial from truncating */
        char trial[2048];
        int tw = 0;
        size_t tl = 0;
        if (line_len + 1 + wl < sizeof trial) {
            memcpy(trial, line, line_len);
            tl = line_len;
            if (line_len)
                trial[tl++] = ' ';
        }
        memcpy(trial + tl, p, wl);
        trial[tl + wl] = 0;
        render_text_size(r, face, size, trial, &tw, NULL);
        if (line_len && tw > max_w) {
            len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
            if (len >= cap)
                len = cap - 1;
            lines++;
            snprintf(line, sizeof line, "%.*s", (int)wl, p);
        } else {
            snprintf(line, sizeof line, "%s", trial);
        }
        line_len = strlen(line);
        p = e;
        if (*p == '\n') {
            len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
            if (len >= cap)
                len = cap - 1;
            lines++;
            line[0] = 0;
            line_len = 0;
            p++;
        }
    }
    if (cap && line_len)
        snprintf(out + len, cap - len, "%s", line);
    return lines;
}

void lsu_equation_metrics(Render *r, const Theme *th, Rect rc, int want, int min, int need_lines,
                          int *size, int *chars, int *lines)
{
    int s = theme_px(th, (float)want), lo = theme_px(th, (float)min);
    for (;; s--) {
        int cw = 0;
        render_text_size(r, FONT_MONO, s, "0", &cw, NULL);
        int lh = render_line_height(r, FONT_MONO, s);
        int n = lh > 0 ? rc.h / lh : 1;
        if (n >= need_lines || s <= lo) {
            *size = s;
            *chars = cw > 0 ? rc.w / cw : 40;
            *lines = n < 1 ? 1 : n;
            return;
        }
    }
}

int lsu_draw_fit_line(Render *r, const Theme *th, FontFace face, int size, const char *text, int x,
                      int y, int max_w, Color c)
{
    Rect rc = {x, y, max_w, render_line_height(r, face, size)};
    return render_text_line(r, face, size, theme_px(th, 10), text, rc, ALIGN_LEFT | ALIGN_TOP, c);
}

void lsu_draw_note(Render *r, const Theme *th, Rect rc, const char *text, Color c)
{
    int size = theme_px(th, THEME_BODY), min_size = theme_px(th, 10);
    int h = render_text_wrap(r, FONT_SANS, size, text, rc, c, false);
    while (h > rc.h && size > min_size) {
        size--;
        h = render_text_wrap(r, FONT_SANS, size, text, rc, c, false);
    }
    int y = rc.y + (rc.h - h) / 2;
    if (y < rc.y)
        y = rc.y;
    render_text_wrap(r, FONT_SANS, size, text, (Rect){rc.x, y, rc.w, rc.y + rc.h - y}, c, true);
}

int lsu_widest_line(Render *r, FontFace face, int size, const char *text)
{
    int best = 0;
    char line[2048];
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = 0;
        int w = 0;
        render_text_size(r, face, size, line, &w, NULL);
        if (w > best)
            best = w;
        p += nl ? (size_t)(nl - p) + 1 : strlen(p);
    }
    return best;
}

GridLayout lsu_grid_layout(Render *r, const Theme *th, const GridView *v, Rect avail)
{
    int lh = render_line_height(r, FONT_SANS_BOLD, theme_px(th, THEME_BODY));
    return grid_layout(v, avail, th, lh);
}

void lsu_draw_operator(Render *r, const Theme *th, const char *glyph, int x, int y)
{
    render_text(r, FONT_SANS_BOLD, theme_px(th, 26), glyph, x, y, ALIGN_CENTER | ALIGN_MIDDLE,
                th->text_dim);
}

void lsu_draw_problem(Render *r, const Theme *th, Rect rc, const char *title, const char *text)
{
    render_round_rect(r, rc, theme_px(th, THEME_RADIUS), th->panel);
    render_round_rect_outline(r, rc, theme_px(th, THEME_RADIUS), theme_px(th, 2), th->error);
    int pad = theme_px(th, 12);
    int size = theme_px(th, THEME_BODY);
    int y = rc.y + pad;
    render_text(r, FONT_SANS_BOLD, theme_px(th, THEME_HEADING), title, rc.x + pad, y,
                ALIGN_LEFT | ALIGN_TOP, th->error);
    y += render_line_height(r, FONT_SANS_BOLD, theme_px(th, THEME_HEADING)) + theme_px(th, 6);
    char wrapped[2048];
    lsu_wrap(r, FONT_SANS, size, text, rc.w - 2 * pad, wrapped, sizeof wrapped);
    render_clip_push(r, rc);
    lsu_draw_lines(r, FONT_SANS, size, wrapped, rc.x + pad, y, theme_px(th, 3), th->text);
    render_clip_pop(r);
}

void lsu_highlight_eased(GridView *v, EaseRect *e, int row, int col, int rows, int cols,
                         GridHighlightKind kind, double now, float max_jump)
{
    ease_rect_target(e, (float)row, (float)col, (float)rows, (float)cols, now,
                     EASE_HIGHLIGHT_SECONDS, max_jump);
    float at[4];
    ease_rect_at(e, now, at);
    grid_add_highlight_eased(v, row, col, rows, cols, kind, at);
}

void lsu_outline_cell(Render *r, const Theme *th, Rect cell, Color c, int thickness)
{
    (void)th;
    render_rect_outline(r, cell, thickness, c);
}

void lsu_mark_unreached(Render *r, const Theme *th, const GridView *v, const GridLayout *lay,
                        const SweepAxis *rows, const SweepAxis *cols)
{
    Color tint = color_alpha(th->warning, 90);
    for (int i = 0; i < rows->n_unreached; i++) {
        Rect a = grid_cell_rect(v, lay, rows->unreached[i], 0);
        render_rect(r, (Rect){a.x, a.y, v->cols * lay->cell, lay->cell}, tint);
    }
    for (int i = 0; i < cols->n_unreached; i++) {
        Rect a = grid_cell_rect(v, lay, 0, cols->unreached[i]);
        render_rect(r, (Rect){a.x, a.y, lay->cell, v->rows * lay->cell}, tint);
    }
}

/* The kernel's cell beside an input cell c (see lsu_layout_trio): 1.5 c, or when legible
 * is set read_cell if that is larger and keeps the kernel block within the input block. */
static int trio_kernel_cell(int c, int max_cell, int read_cell, int in_cols, int k_cols,
                            bool legible)
{
    int k = c + c / 2;
    if (legible && read_cell > k && read_cell * k_cols <= c * in_cols)
        k = read_cell;
    if (k > max_cell)
        k = max_cell;
    return k < c ? c : k;
}

/* Block width/height of grid i at cell size cell: cells, or its title line when wider. */
static int trio_w(const LsuTrioGrid *g, int cell)
{
    int w = g->cols * cell;
    return w > g->min_w ? w : g->min_w;
}

static int trio_h(const LsuTrioGrid *g, int cell)
{
    return g->rows * cell + g->text_h;
}

static bool trio_fits(LsuTrioArrange a, Rect area, const LsuTrioGrid g[3], int op, int c, int k)
{
    int w0 = trio_w(&g[0], c), w1 = trio_w(&g[1], k), w2 = trio_w(&g[2], c);
    int h0 = trio_h(&g[0], c), h1 = trio_h(&g[1], k), h2 = trio_h(&g[2], c);
    int top = h0 > h1 ? h0 : h1;
    switch (a) {
    case LSU_TRIO_ROW:
        return w0 + w1 + w2 + 2 * op <= area.w && top <= area.h && h2 <= area.h;
    case LSU_TRIO_TWO_ROWS: {
        int wide = w0 + op + w1 > op + w2 ? w0 + op + w1 : op + w2;
        return wide <= area.w && top + h2 <= area.h;
    }
    default: {
        int wide = w0 > w1 ? w0 : w1;
        wide = wide > w2 ? wide : w2;
        return wide <= area.w && h0 + h1 + h2 + 2 * op <= area.h;
    }
    }
}

LsuTrio lsu_layout_trio(Rect area, const LsuTrioGrid g[3], int op, int max_cell, int read_cell)
{
    LsuTrio t;
    memset(&t, 0, sizeof t);
    int best_c = 0, best_k = 1;
    for (int a = LSU_TRIO_ROW; a <= LSU_TRIO_COLUMN; a++) {
        int c = max_cell, k = 1;
        for (; c > 1; c--) {
            /* the legible kernel first; at this c the smaller one may still fit */
            k = trio_kernel_cell(c, max_cell, read_cell, g[0].cols, g[1].cols, true);
            if (trio_fits((LsuTrioArrange)a, area, g, op, c, k))
                break;
            k = trio_kernel_cell(c, max_cell, read_cell, g[0].cols, g[1].cols, false);
            if (trio_fits((LsuTrioArrange)a, area, g, op, c, k))
                break;
        }
        if (c > best_c) {
            best_c = c;
            best_k = c > 1 ? k : trio_kernel_cell(1, max_cell, read_cell, 1, 1, false);
            t.arrange = (LsuTrioArrange)a;
        }
    }
    int c = best_c > 0 ? best_c : 1;
    int k = best_k;
    t.cell[0] = t.cell[2] = c;
    t.cell[1] = k;
    int w0 = trio_w(&g[0], c), w1 = trio_w(&g[1], k), w2 = trio_w(&g[2], c);
    int h0 = trio_h(&g[0], c), h1 = trio_h(&g[1], k), h2 = trio_h(&g[2], c);
    /* the space left over goes around the grids evenly, so they stay together and centred */
    if (t.arrange == LSU_TRIO_ROW) {
        int used = w0 + w1 + w2 + 2 * op;
        int gap = (area.w - used) / 4;
        int x = area.x + gap;
        t.area[0] = (Rect){x, area.y, w0, area.h};
        x += w0 + op;
        t.area[1] = (Rect){x, area.y, w1, area.h};
        x += w1 + op;
        t.area[2] = (Rect){x, area.y, w2, area.h};
        t.op_x[0] = t.area[0].x + w0 + op / 2;
        t.op_x[1] = t.area[1].x + w1 + op / 2;
        t.op_y[0] = t.op_y[1] = -1;
    } else if (t.arrange == LSU_TRIO_TWO_ROWS) {
        int top = h0 > h1 ? h0 : h1;
        int gap_y = (area.h - top - h2) / 3;
        int y = area.y + gap_y;
        int x = area.x + (area.w - (w0 + op + w1)) / 2;
        t.area[0] = (Rect){x, y, w0, top};
        t.area[1] = (Rect){x + w0 + op, y, w1, top};
        int x2 = area.x + (area.w - (op + w2)) / 2 + op;
        t.area[2] = (Rect){x2, y + top + gap_y, w2, h2};
        t.op_x[0] = x + w0 + op / 2;
        t.op_x[1] = x2 - op / 2;
        t.op_y[0] = -1;
        t.op_y[1] = t.area[2].y + h2 / 2;
    } else {
        int gap_y = (area.h - (h0 + h1 + h2 + 2 * op)) / 4;
        int y = area.y + gap_y;
        int cx = area.x + area.w / 2;
        t.area[0] = (Rect){cx - w0 / 2, y, w0, h0};
        y += h0;
        t.op_x[0] = cx;
        t.op_y[0] = y + op / 2;
        y += op;
        t.area[1] = (Rect){cx - w1 / 2, y, w1, h1};
        y += h1;
        t.op_x[1] = cx;
        t.op_y[1] = y + op / 2;
        y += op;
        t.area[2] = (Rect){cx - w2 / 2, y, w2, h2};
    }
    return t;
}

/* The half-width of the range lsu_scale_fit gives a constant map around its value: far
 * below what two decimals show, far above float rounding. */
static float flat_hair(float v)
{
    return 1e-4f * fmaxf(1.0f, fabsf(v));
}

ColorScale lsu_scale_fit(ColormapKind kind, const float *v, int n)
{
    ColorScale s = colorscale_fit(kind, v, n);
    if (kind != COLORMAP_SEQUENTIAL || n <= 0)
        return s;
    float lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        lo = fminf(lo, v[i]);
        hi = fmaxf(hi, v[i]);
    }
    if (lo == hi)
        s = colorscale_make(kind, lo - flat_hair(lo), lo + flat_hair(lo));
    return s;
}

int lsu_value_decimals(const float *v, int n)
{
    bool ints = true;
    float m = 0.0f;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        if (fabsf(v[i] - roundf(v[i])) > 1e-6f * fmaxf(1.0f, fabsf(v[i])))
            ints = false;
        m = fmaxf(m, fabsf(v[i]));
    }
    return ints ? 0 : m >= 100.0f ? 1 : 2;
}

void lsu_grid_draw(Render *r, const Theme *th, const GridView *v, const GridLayout *lay)
{
    grid_draw(r, th, v, lay);
    const ColorScale *s = &v->scale;
    float mid = 0.5f * (s->lo + s->hi);
    bool flat = s->kind == COLORMAP_SEQUENTIAL && s->hi - s->lo <= 2.5f * flat_hair(mid);
    if (!flat || !v->show_legend || lay->legend.w <= 0)
        return;
    Rect bar = {lay->legend.x, lay->legend.y, lay->legend.w, theme_px(th, 10)};
    render_rect(r, bar, colorscale_color(s, mid));
    render_rect_outline(r, bar, 1, th->border);
}
