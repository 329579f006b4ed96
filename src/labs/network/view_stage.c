/* labs/network/view_stage.c - the Network lab's stage, drawn: each map column (its header with
 * the layer's line, shape and formula, its maps, its legend), each vector strip, the output
 * table of logits, bars and softmax arithmetic, and the receptive field outlined in all of them.
 * Depends on: view_int.h (the layout of view_layout.c), labs/network/model.h, viz. */
#include "labs/network/view_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text helpers --------------------------------------------------------------------------- */

/* The largest size from base down to lo (scale 1.0 sizes) at which text fits max_w; lo when
 * nothing fits. */
static int fit_size(Render *r, const Theme *th, FontFace face, float base, float lo,
                    const char *text, int max_w)
{
    int min_size = theme_px(th, lo);
    for (int size = theme_px(th, base); size > min_size; size--) {
        int w = 0;
        render_text_size(r, face, size, text, &w, NULL);
        if (w <= max_w)
            return size;
    }
    return min_size;
}

void netview_line_in(Render *r, const Theme *th, FontFace face, float base, const char *text,
                     Rect rc, int align, Color c)
{
    render_text_line(r, face, theme_px(th, base), theme_px(th, 9.0f), text, rc, align, c);
}

static uint32_t word_of(Color c)
{
    return (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a;
}

/* The colour scale of layer L: the input in gray 0..1 (pixels), signed layers diverging
 * around 0 (conv outputs), the rest sequential from 0 (after relu, pooling). A signed layer's
 * scale is ±(95th percentile of |value|, NETVIEW_SCALE_QUANTILE) rounded up, not ±max: a few
 * large values would otherwise wash every other unit out to near-white (layer 4 of lenet-tiny:
 * max 9.87, median 1.6); the 5% beyond take the end colours and the legend says
 * "≤−4.8  0  ≥4.8". A vector of
 * at most 64 values (logits) keeps ±max: each of its cells shows its number. */
ColorScale netview_layer_scale(const NetLab *L, int Lx)
{
    const NetLabLayer *li = &L->m.info[Lx];
    if (Lx == 0 && li->lo >= 0.0f && li->hi <= 1.0f)
        return colorscale_make(COLORMAP_GRAY, 0.0f, 1.0f);
    if (li->diverging) {
        long n = shape_elems(li->out);
        if (n > 64)
            return colorscale_fit_robust(COLORMAP_DIVERGING, netlab_layer_data(&L->m, Lx), n,
                                         NETVIEW_SCALE_QUANTILE);
        float m = fmaxf(fabsf(li->lo), fabsf(li->hi));
        return colorscale_make(COLORMAP_DIVERGING, -m, m);
    }
    return colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, li->hi > 0.0f ? li->hi : 1.0f);
}

/* The legend's numbers: "lo  hi", or "lo  0  hi" for a diverging scale ("≤lo", "≥hi" when
 * clipped). */
static void legend_texts(const ColorScale *s, char *lo, char *hi, size_t size)
{
    colormap_legend_ends(s, 2, lo, hi, size);
}

/* Whether the legend's min and max fit on one line under a bar w px wide at 9 px or more;
 * when not, they stack on two lines (min left, max right) rather than lose the max. */
static bool legend_one_line(Render *r, const Theme *th, const ColorScale *s, int w)
{
    char lo[32], hi[32], all[80];
    legend_texts(s, lo, hi, sizeof lo);
    snprintf(all, sizeof all, "%s %s", lo, hi);
    int tw = 0;
    render_text_size(r, FONT_MONO, theme_px(th, 9), all, &tw, NULL);
    return tw <= w;
}

/* The height a legend under a bar w px wide needs: the bar and one or two lines of numbers. */
int netview_legend_height_for(Render *r, const Theme *th, const ColorScale *s, int w)
{
    int one = theme_px(th, 6) + theme_px(th, 1) +
              render_line_height(r, FONT_MONO, theme_px(th, THEME_SMALL));
    if (legend_one_line(r, th, s, w))
        return one;
    return theme_px(th, 6) + theme_px(th, 1) +
           2 * render_line_height(r, FONT_MONO, theme_px(th, 9));
}

/* A legend bar across rc.w with min, 0 (diverging) and max under it, sized to fit; in a
 * column too narrow for both numbers on one line the max goes on a second line. */
static void draw_legend(Render *r, const Theme *th, Rect rc, const ColorScale *s)
{
    int bar_h = theme_px(th, 6);
    if (rc.w < 8 || rc.h < bar_h)
        return;
    int step = 2;
    for (int x = 0; x < rc.w; x += step) {
        float t = ((float)x + 0.5f * (float)step) / (float)rc.w;
        int w = x + step > rc.w ? rc.w - x : step;
        render_rect(r, (Rect){rc.x + x, rc.y, w, bar_h},
                    colorscale_color(s, s->lo + (s->hi - s->lo) * t));
    }
    render_rect_outline(r, (Rect){rc.x, rc.y, rc.w, bar_h}, 1, th->border);
    char lo[32], hi[32], all[80];
    legend_texts(s, lo, hi, sizeof lo);
    bool div = s->kind == COLORMAP_DIVERGING;
    int ty = rc.y + bar_h + theme_px(th, 1);
    if (!legend_one_line(r, th, s, rc.w)) {
        /* stacked: min under the bar's left end, max on the next line at its right end, and
         * the tick in the middle marks 0 */
        int size = theme_px(th, 9);
        int lh = render_line_height(r, FONT_MONO, size);
        /* a number wider than the bar loses decimals (-9.87, -9.9, -10) rather than be cut */
        for (int d = 1; d >= 0; d--) {
            int wl = 0, wh = 0;
            render_text_size(r, FONT_MONO, size, lo, &wl, NULL);
            render_text_size(r, FONT_MONO, size, hi, &wh, NULL);
            if (wl <= rc.w && wh <= rc.w)
                break;
            colormap_legend_ends(s, d, lo, hi, sizeof lo);
        }
        if (div)
            render_rect(r, (Rect){rc.x + rc.w / 2, rc.y + bar_h, 1, theme_px(th, 2)}, th->text_dim);
        render_text_line(r, FONT_MONO, size, size, lo, (Rect){rc.x, ty, rc.w, lh},
                         ALIGN_LEFT | ALIGN_TOP, th->text_dim);
        render_text_line(r, FONT_MONO, size, size, hi, (Rect){rc.x, ty + lh, rc.w, lh},
                         ALIGN_RIGHT | ALIGN_TOP, th->text_dim);
        return;
    }
    snprintf(all, sizeof all, div ? "%s  0  %s" : "%s  %s", lo, hi);
    int size = fit_size(r, th, FONT_MONO, THEME_SMALL, 9.0f, all, rc.w);
    if (ty + render_line_height(r, FONT_MONO, size) > rc.y + rc.h + theme_px(th, 2))
        return;
    int w = 0;
    render_text_size(r, FONT_MONO, size, all, &w, NULL);
    if (w > rc.w) {
        /* without the 0 (the tick in the middle still marks it), one space apart */
        if (div)
            render_rect(r, (Rect){rc.x + rc.w / 2, rc.y + bar_h, 1, theme_px(th, 2)}, th->text_dim);
        div = false;
        snprintf(all, sizeof all, "%s %s", lo, hi);
        size = fit_size(r, th, FONT_MONO, THEME_SMALL, 9.0f, all, rc.w);
    }
    render_text(r, FONT_MONO, size, lo, rc.x, ty, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    render_text(r, FONT_MONO, size, hi, rc.x + rc.w, ty, ALIGN_RIGHT | ALIGN_TOP, th->text_dim);
    if (div)
        render_text(r, FONT_MONO, size, "0", rc.x + rc.w / 2, ty, ALIGN_CENTER | ALIGN_TOP,
                    th->text_dim);
}

int netview_legend_height(Render *r, const Theme *th)
{
    return theme_px(th, 6) + theme_px(th, 1) +
           render_line_height(r, FONT_MONO, theme_px(th, THEME_SMALL));
}

/* ---- images and drawing ------------------------------------------------------------------- */

static bool ensure_px(NetLab *L, long n)
{
    if (n <= L->px_cap)
        return true;
    uint32_t *p = realloc(L->px, sizeof(uint32_t) * (size_t)n);
    if (!p)
        return false;
    L->px = p;
    L->px_cap = n;
    return true;
}

bool netview_update_images(NetLab *L, Render *r)
{
    const NetLabModel *m = &L->m;
    if (L->img_r != r || !L->img_valid) {
        for (int c = 0; c < MAX_COLS; c++) {
            for (int k = 0; k < MAX_MAPS; k++) {
                render_image_destroy(L->img[c][k]);
                L->img[c][k] = NULL;
            }
            render_image_destroy(L->strip_img[c]);
            L->strip_img[c] = NULL;
        }
        for (int Lx = 0; Lx <= m->n_layers; Lx++) {
            Shape s = m->info[Lx].out;
            if (s.rank == 3) {
                for (int k = 0; k < s.c && k < MAX_MAPS; k++)
                    if (!(L->img[Lx][k] = render_image_create(r, s.w, s.h)))
                        return false;
            } else if (!(L->strip_img[Lx] = render_image_create(r, s.c, 1))) {
                return false;
            }
        }
        L->img_r = r;
        L->img_valid = true;
        L->img_gen = L->gen - 1;
    }
    if (L->img_gen == L->gen)
        return true;
    for (int Lx = 0; Lx <= m->n_layers; Lx++) {
        Shape s = m->info[Lx].out;
        ColorScale cs = netview_layer_scale(L, Lx);
        const float *d = netlab_layer_data(m, Lx);
        long plane = (long)s.h * s.w;
        if (!ensure_px(L, s.rank == 3 ? plane : s.c))
            return false;
        if (s.rank == 3) {
            for (int k = 0; k < s.c && k < MAX_MAPS; k++) {
                for (long j = 0; j < plane; j++)
                    L->px[j] = word_of(colorscale_color(&cs, d[k * plane + j]));
                render_image_update(r, L->img[Lx][k], L->px);
            }
        } else {
            for (int j = 0; j < s.c; j++)
                L->px[j] = word_of(colorscale_color(&cs, d[j]));
            render_image_update(r, L->strip_img[Lx], L->px);
        }
    }
    L->img_gen = L->gen;
    return true;
}

/* Cyan outline of a box (clipped to its map) in a map drawn at rc. */
static void outline_box(Render *r, const Theme *th, Rect rc, Shape s, const RfBox *b)
{
    Rect cr = netview_cell_rect(rc, s.h, s.w, b->y0, b->y1, b->x0, b->x1);
    int t = theme_px(th, 2);
    render_rect_outline(r, rect_inset(cr, -t / 2), t, th->hover);
}

/* An amber frame around a column's maps: the layer computed at this step. */
static void frame_maps(Render *r, const Theme *th, const MapCol *c)
{
    Rect a = c->map[0];
    int x1 = a.x + a.w, y1 = a.y + a.h;
    for (int k = 0; k < c->n_maps; k++) {
        Rect rc = c->map[k];
        a.x = rc.x < a.x ? rc.x : a.x;
        a.y = rc.y < a.y ? rc.y : a.y;
        x1 = rc.x + rc.w > x1 ? rc.x + rc.w : x1;
        y1 = rc.y + rc.h > y1 ? rc.y + rc.h : y1;
    }
    Rect fr = {a.x - theme_px(th, 4), a.y - theme_px(th, 4), x1 - a.x + theme_px(th, 8),
               y1 - a.y + theme_px(th, 8)};
    render_round_rect_outline(r, fr, theme_px(th, 4), theme_px(th, 2), th->accent);
}

/* A map column's header: the layer's line (in two when head_lines is 4), its shape and its
 * parameter formula (or count), underlined in amber when current. */
static void draw_col_head(NetLab *L, LabContext *ctx, const MapCol *c, bool current)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const NetLabLayer *li = &L->m.info[c->L];
    int lh = render_line_height(r, FONT_MONO, theme_px(th, THEME_SMALL));
    Rect h = c->head;
    char t1[160], t1b[96] = "", t2[96];
    snprintf(t1, sizeof t1, "%d %s", c->L, li->line);
    if (c->L == 0)
        snprintf(t1, sizeof t1, "input");
    else if (L->head_lines == 4) {
        /* "4 conv 16" over "k=5": the kind (and its count) on the first line */
        const char *sp = strchr(li->line, ' ');
        const char *next = sp ? strchr(sp + 1, ' ') : NULL;
        size_t tok = sp ? (next ? (size_t)(next - sp - 1) : strlen(sp + 1)) : 0;
        /* a count ("16") stays with its kind; "k=5" starts the second line */
        if (sp && !memchr(sp + 1, '=', tok))
            sp = next;
        if (sp) {
            snprintf(t1, sizeof t1, "%d %.*s", c->L, (int)(sp - li->line), li->line);
            snprintf(t1b, sizeof t1b, "%s", sp + 1);
        }
    }
    int y = h.y;
    netview_line_in(r, th, FONT_SANS_BOLD, THEME_SMALL, t1, (Rect){h.x, y, h.w, lh},
                    ALIGN_CENTER | ALIGN_TOP, current ? th->accent_text : th->text);
    y += lh;
    if (L->head_lines == 4) {
        netview_line_in(r, th, FONT_SANS_BOLD, THEME_SMALL, t1b, (Rect){h.x, y, h.w, lh},
                        ALIGN_CENTER | ALIGN_TOP, current ? th->accent_text : th->text);
        y += lh;
    }
    snprintf(t2, sizeof t2, "\xE2\x86\x92 %s", li->shape);
    if (li->out.c > MAX_MAPS)
        snprintf(t2, sizeof t2, "\xE2\x86\x92 %s (first %d)", li->shape, MAX_MAPS);
    netview_line_in(r, th, FONT_MONO, THEME_SMALL, t2, (Rect){h.x, y, h.w, lh},
                    ALIGN_CENTER | ALIGN_TOP, th->text);
    y += lh;
    /* the parameter formula, or its total when the column is too narrow for it */
    char t3[96];
    snprintf(t3, sizeof t3, "%s",
             li->formula[0] ? li->formula : (c->L == 0 ? "" : "no parameters"));
    int tw = 0;
    render_text_size(r, FONT_MONO, theme_px(th, 9), t3, &tw, NULL);
    if (tw > h.w && c->L > 0) {
        snprintf(t3, sizeof t3, "%ld params", li->params);
        render_text_size(r, FONT_MONO, theme_px(th, 9), t3, &tw, NULL);
        if (tw > h.w)
            snprintf(t3, sizeof t3, "%ld", li->params);
    }
    netview_line_in(r, th, FONT_MONO, THEME_SMALL, t3, (Rect){h.x, y, h.w, lh},
                    ALIGN_CENTER | ALIGN_TOP, th->text_dim);
    if (current) {
        Rect u = {h.x + theme_px(th, 4), h.y + L->head_lines * lh + theme_px(th, 1),
                  h.w - theme_px(th, 8), theme_px(th, 2)};
        render_rect(r, u, th->accent);
    }
}

void netview_draw_col(NetLab *L, LabContext *ctx, const MapCol *c, bool computed, bool current,
                      const RfBox *rf, int rf_L)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const NetLabLayer *li = &L->m.info[c->L];
    draw_col_head(L, ctx, c, current);
    Shape s = li->out;
    for (int k = 0; k < c->n_maps; k++) {
        Rect rc = c->map[k];
        if (computed && L->img[c->L][k]) {
            render_image_draw(r, L->img[c->L][k], rc, false);
        } else {
            render_rect(r, rc, th->panel);
            render_rect_outline(r, rc, 1, th->border);
        }
    }
    if (computed) {
        ColorScale cs = netview_layer_scale(L, c->L);
        draw_legend(r, th, c->legend, &cs);
    } else {
        /* the short form in a narrow column rather than a cut one */
        int w = 0;
        render_text_size(r, FONT_SANS, theme_px(th, 9), "not computed yet", &w, NULL);
        netview_line_in(r, th, FONT_SANS, THEME_SMALL,
                        w <= c->legend.w ? "not computed yet" : "not yet", c->legend,
                        ALIGN_CENTER | ALIGN_TOP, th->text_dim);
    }
    if (current && c->n_maps > 0)
        frame_maps(r, th, c);
    /* the receptive field in this layer */
    if (rf && c->L <= rf_L) {
        const RfBox *b = &rf[c->L];
        if (!b->empty)
            for (int k = b->c0; k <= b->c1 && k < c->n_maps; k++)
                outline_box(r, th, c->map[k], s, b);
    }
}

void netview_draw_strip(NetLab *L, LabContext *ctx, const Strip *s, bool computed, bool current,
                        const RfBox *rf, int rf_L)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const NetLabLayer *li = &L->m.info[s->L];
    char t[320];
    if (li->formula[0])
        snprintf(t, sizeof t, "%d %s \xE2\x86\x92 %s    %s", s->L, li->line, li->shape,
                 li->formula);
    else if (L->m.net->spec.layers[s->L - 1].kind == LAYER_FLATTEN) {
        char in[48];
        snprintf(in, sizeof in, "%s", L->m.info[s->L - 1].shape);
        snprintf(t, sizeof t,
                 "%d flatten \xE2\x86\x92 %s: the %s values in one line (C, H, "
                 "W order), nothing computed",
                 s->L, li->shape, in);
    } else
        snprintf(t, sizeof t, "%d %s \xE2\x86\x92 %s    no parameters", s->L, li->line, li->shape);
    netview_line_in(r, th, FONT_MONO, THEME_SMALL, t, s->head, ALIGN_LEFT | ALIGN_TOP,
                    current ? th->accent_text : th->text);
    Rect cells = s->cells;
    int n = li->out.c;
    if (computed && L->strip_img[s->L]) {
        render_image_draw(r, L->strip_img[s->L], cells, false);
        /* values when the cells are wide enough to read */
        int cw = cells.w / (n > 0 ? n : 1);
        if (ctx->show_values && cw >= theme_px(th, 34)) {
            const float *d = netlab_layer_data(&L->m, s->L);
            ColorScale cs = netview_layer_scale(L, s->L);
            for (int j = 0; j < n; j++) {
                char v[32];
                Rect rc = netview_cell_rect(cells, 1, n, 0, 0, j, j);
                netlab_format_fixed(d[j], 2, v, sizeof v);
                netview_line_in(r, th, FONT_MONO, 10.0f, v, rc, ALIGN_CENTER | ALIGN_MIDDLE,
                                color_text_on(colorscale_color(&cs, d[j])));
            }
        }
        ColorScale cs = netview_layer_scale(L, s->L);
        draw_legend(r, th, s->legend, &cs);
    } else {
        render_rect(r, cells, th->panel);
        netview_line_in(r, th, FONT_SANS, THEME_SMALL, "not computed yet", s->legend,
                        ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    }
    render_rect_outline(r, rect_inset(cells, -1), 1, current ? th->accent : th->border);
    if (rf && s->L <= rf_L && !rf[s->L].empty) {
        const RfBox *b = &rf[s->L];
        Rect cr = netview_cell_rect(cells, 1, n, 0, 0, b->c0, b->c1);
        int t2 = theme_px(th, 2);
        render_rect_outline(r, rect_inset(cr, -t2), t2, th->hover);
    }
}

/* The output table's head: line 1 the logits' layer, line 2 the softmax formula with its sum
 * (or the output layer alone), and the prediction right-aligned on line 2. */
static void draw_out_head(NetLab *L, LabContext *ctx, int step)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const NetLabModel *m = &L->m;
    const OutTable *o = &L->out;
    int lh = render_line_height(r, FONT_MONO, theme_px(th, THEME_SMALL));
    bool p_done = step >= o->pL;
    const NetLabLayer *zi = &m->info[o->zL], *pi = &m->info[o->pL];
    char t[400];
    /* line 1: the logits' layer; line 2: the softmax formula with its sum, and the answer */
    if (o->zL != o->pL) {
        snprintf(t, sizeof t, "%d %s \xE2\x86\x92 %s logits z    %s", o->zL, zi->line, zi->shape,
                 zi->formula[0] ? zi->formula : "no parameters");
        netview_line_in(r, th, FONT_MONO, THEME_SMALL, t,
                        (Rect){o->head.x, o->head.y, o->head.w, lh}, ALIGN_LEFT | ALIGN_TOP,
                        step == o->zL ? th->accent_text : th->text);
        if (p_done)
            snprintf(t, sizeof t,
                     "%d softmax: p\xE2\x82\x96 = e^z\xE2\x82\x96 / \xCE\xA3\xE2\xB1\xBC "
                     "e^z\xE2\xB1\xBC    %s",
                     o->pL, m->sum_text);
        else
            snprintf(t, sizeof t,
                     "%d softmax: p\xE2\x82\x96 = e^z\xE2\x82\x96 / \xCE\xA3\xE2\xB1\xBC "
                     "e^z\xE2\xB1\xBC",
                     o->pL);
    } else {
        snprintf(t, sizeof t, "%d %s \xE2\x86\x92 %s outputs    %s", o->pL, pi->line, pi->shape,
                 pi->formula[0] ? pi->formula : "no parameters");
    }
    Rect l2 = {o->head.x, o->head.y + lh + theme_px(th, 2), o->head.w * 62 / 100, lh};
    if (o->zL == o->pL)
        l2.y = o->head.y;
    netview_line_in(r, th, FONT_MONO, THEME_SMALL, t, l2, ALIGN_LEFT | ALIGN_TOP,
                    step == o->pL ? th->accent_text : th->text);
    /* the prediction, right-aligned on line 2 */
    if (p_done) {
        netlab_prediction_text(m, &L->in, t, sizeof t);
        Rect pr = {o->head.x + o->head.w * 62 / 100, l2.y - theme_px(th, 2), o->head.w * 38 / 100,
                   lh + theme_px(th, 4)};
        render_text_line(r, FONT_SANS_BOLD, theme_px(th, THEME_BODY), theme_px(th, 9), t, pr,
                         ALIGN_RIGHT | ALIGN_MIDDLE, th->accent_text);
    }
}

void netview_draw_out(NetLab *L, LabContext *ctx, int step, const RfBox *rf, int rf_L)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const NetLabModel *m = &L->m;
    const OutTable *o = &L->out;
    int small = theme_px(th, THEME_SMALL);
    bool z_done = step >= o->zL, p_done = step >= o->pL;
    draw_out_head(L, ctx, step);
    ColorScale zs = netview_layer_scale(L, o->zL);
    float pmax = 1.0f;
    if (!m->softmax) {
        pmax = 0.0f;
        for (int k = 0; k < o->rows; k++)
            pmax = fmaxf(pmax, fabsf(m->p[k]));
        if (pmax <= 0.0f)
            pmax = 1.0f;
    }
    for (int k = 0; k < o->rows; k++) {
        Rect row = o->row[k];
        bool top = p_done && k == m->predicted;
        if (top)
            render_rect(r, row, color_alpha(th->accent, 36));
        char lab[16];
        snprintf(lab, sizeof lab, "%s", dataset_class_name_of(false, k));
        netview_line_in(r, th, FONT_MONO, THEME_SMALL, lab,
                        (Rect){row.x, row.y, o->zcell[k].x - row.x, row.h},
                        ALIGN_CENTER | ALIGN_MIDDLE, top ? th->accent_text : th->text);
        Rect zc = o->zcell[k];
        if (z_done) {
            Color bg = colorscale_color(&zs, m->z[k]);
            render_rect(r, zc, bg);
            char v[32];
            netlab_format_fixed(m->z[k], 2, v, sizeof v);
            netview_line_in(r, th, FONT_MONO, THEME_SMALL, v, zc, ALIGN_CENTER | ALIGN_MIDDLE,
                            color_text_on(bg));
        } else {
            render_rect(r, zc, th->panel);
            render_rect_outline(r, zc, 1, th->border);
        }
        Rect b = o->bar[k];
        render_rect(r, b, th->panel);
        if (p_done) {
            float f = m->softmax ? m->p[k] : fabsf(m->p[k]) / pmax;
            int w = (int)lroundf(f * (float)b.w);
            render_rect(r, (Rect){b.x, b.y, w, b.h}, top ? th->accent : th->hover);
            char v[32];
            netlab_format_fixed(m->p[k], m->softmax ? 2 : 3, v, sizeof v);
            render_text(r, FONT_MONO, small, v, o->val[k].x + theme_px(th, 4),
                        o->val[k].y + o->val[k].h / 2, ALIGN_LEFT | ALIGN_MIDDLE, th->text);
            if (m->softmax && k < NETLAB_MAX_CLASSES)
                netview_line_in(r, th, FONT_MONO, THEME_SMALL, m->arith[k], o->arith[k],
                                ALIGN_LEFT | ALIGN_MIDDLE, top ? th->text : th->text_dim);
        }
        /* receptive fields: a logit or a bar in range */
        int t2 = theme_px(th, 2);
        if (rf && o->zL <= rf_L && o->zL != o->pL && rf_contains(&rf[o->zL], k, 0, 0))
            render_rect_outline(r, rect_inset(zc, -t2), t2, th->hover);
        if (rf && o->pL <= rf_L && rf_contains(&rf[o->pL], k, 0, 0))
            render_rect_outline(r, rect_inset(o->zL == o->pL ? zc : b, -t2), t2, th->hover);
    }
}
