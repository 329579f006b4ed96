/* labs/act/view_maps.c - the Activations lab's feature maps: the digit, z = digit ⋆ K, f(z) and
 * f'(z) side by side as images (refilled only when the scene changed), each with its legend, the
 * hovered cell linked across the four and marked on the function plot.
 * Depends on: labs/act/view_int.h, labs/act/model.h, ui, viz (grid, colormap). */
#include "labs/act/view_int.h"

#include "viz/colormap.h"

#include <math.h>
#include <stdio.h>

/* A legend bar in rc.w with min, 0 (diverging) and max written under it, the labels in the
 * largest small size that lets all three fit (a feature map's legend is as narrow as the map);
 * when even that is too wide, the 0 gives way, then the max (colormap_draw_legend's rule). */
static void draw_map_legend(Render *r, const Theme *th, Rect rc, const ColorScale *s)
{
    int bar_h = theme_px(th, 8);
    if (rc.w < 8)
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
    int dec = fabsf(s->hi - s->lo) >= 10.0f ? 1 : 2;
    colormap_format_value(s->lo, dec, lo, sizeof lo);
    colormap_format_value(s->hi, dec, hi, sizeof hi);
    bool diverging = s->kind == COLORMAP_DIVERGING;
    /* all three labels at 12 or 11 px; else min and max down to 10 px (the tick under the
     * bar still marks 0); else the min alone */
    snprintf(all, sizeof all, diverging ? "%s  0  %s" : "%s  %s", lo, hi);
    int size = actview_fitting_size(r, th, FONT_MONO, THEME_SMALL, THEME_SMALL - 1, all, rc.w);
    bool zero = diverging, both = true;
    if (size == 0) {
        zero = false;
        snprintf(all, sizeof all, "%s  %s", lo, hi);
        size = actview_fitting_size(r, th, FONT_MONO, THEME_SMALL, 10.0f, all, rc.w);
        if (size == 0) {
            size = theme_px(th, 10.0f);
            both = false;
        }
    }
    int ty = rc.y + bar_h + theme_px(th, 2);
    int mx = rc.x + rc.w / 2;
    render_text(r, FONT_MONO, size, lo, rc.x, ty, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    if (both)
        render_text(r, FONT_MONO, size, hi, rc.x + rc.w, ty, ALIGN_RIGHT | ALIGN_TOP, th->text_dim);
    if (diverging)
        render_rect(r, (Rect){mx, rc.y + bar_h, 1, theme_px(th, 2)}, th->text_dim);
    if (zero)
        render_text(r, FONT_MONO, size, "0", mx, ty, ALIGN_CENTER | ALIGN_TOP, th->text_dim);
}

/* Height of draw_map_legend's bar and labels. */
static int map_legend_height(Render *r, const Theme *th)
{
    return theme_px(th, 8) + theme_px(th, 2) +
           render_line_height(r, FONT_MONO, theme_px(th, THEME_SMALL));
}

/* Makes the map images on the first draw (or for a new Render) and refills them when the
 * scene was rebuilt since; false when images cannot be made (the grids draw cells then). */
static bool update_map_images(ActLab *L, Render *r, const GridView gv[4],
                              const float *const data[4] /* each (28, 28) */)
{
    if (L->img_r != r) {
        for (int i = 0; i < 4; i++) {
            render_image_destroy(L->img[i]);
            L->img[i] = render_image_create(r, ACTLAB_MAP, ACTLAB_MAP);
        }
        L->img_r = r;
        L->img_valid = false;
    }
    for (int i = 0; i < 4; i++)
        if (!L->img[i])
            return false;
    if (L->img_valid && L->img_gen == L->gen)
        return true;
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < ACTLAB_MAP * ACTLAB_MAP; j++) {
            Color c = colorscale_color(&gv[i].scale, data[i][j]);
            L->px[j] = (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a;
        }
        render_image_update(r, L->img[i], L->px);
    }
    L->img_gen = L->gen;
    L->img_valid = true;
    return true;
}

/* The four maps' titles: long ("digit (a 7)", "z = digit ⋆ K", "relu(z)", "relu′(z)") when
 * all four fit their columns, else the short ones ("digit", "z", "f(z)", "f′(z)") the caption
 * explains. Returns whether the long ones fit. */
static bool map_titles(const ActScene *s, Render *r, const Theme *th, int col_w, char t_long[4][64],
                       char t_short[4][32])
{
    const char *name = actscene_kind_name(s->kind);
    if (s->digit_label >= 0)
        snprintf(t_long[0], 64, "digit (a %d)", s->digit_label);
    else
        snprintf(t_long[0], 64, "digit");
    snprintf(t_long[1], 64, "z = digit ⋆ K");
    snprintf(t_long[2], 64, "%s(z)", name);
    snprintf(t_long[3], 64, "%s′(z)", name);
    snprintf(t_short[0], 32, "digit");
    snprintf(t_short[1], 32, "z");
    snprintf(t_short[2], 32, "f(z)");
    snprintf(t_short[3], 32, "f′(z)");
    int title_size = theme_px(th, THEME_BODY);
    bool long_titles = true;
    for (int i = 0; i < 4; i++) {
        int w = 0;
        render_text_size(r, FONT_SANS_BOLD, title_size, t_long[i], &w, NULL);
        long_titles = long_titles && w <= col_w;
    }
    return long_titles;
}

/* The band's caption at the top of area, saying what the titles leave out (two lines at most
 * when narrow); returns the height it takes with its air. */
static int draw_caption(const ActScene *s, Render *r, const Theme *th, Rect area, bool long_titles,
                        const char *digit_title)
{
    const char *name = actscene_kind_name(s->kind);
    char cap[400];
    if (long_titles)
        snprintf(cap, sizeof cap, "%d×%d feature maps: digit #%d ⋆ %s (pad 1), then %s", ACTLAB_MAP,
                 ACTLAB_MAP, s->digit_index, s->kernel_name ? s->kernel_name : "?", name);
    else
        snprintf(cap, sizeof cap, "%d×%d maps: z = digit #%d%s ⋆ %s (pad 1), f = %s", ACTLAB_MAP,
                 ACTLAB_MAP, s->digit_index, digit_title + 5, s->kernel_name ? s->kernel_name : "?",
                 name);
    int cap_size = theme_px(th, THEME_BODY);
    int cap_lh = render_line_height(r, FONT_SANS_BOLD, cap_size);
    int cap_h = render_text_wrap(r, FONT_SANS_BOLD, cap_size, cap, area, th->text, false);
    if (cap_h > 2 * cap_lh)
        cap_h = 2 * cap_lh;
    render_text_wrap(r, FONT_SANS_BOLD, cap_size, cap, (Rect){area.x, area.y, area.w, cap_h},
                     th->text, true);
    return cap_h + theme_px(th, 6);
}

/* The four maps' views and colour scales: the digit in gray; z on a diverging scale, and f(z)
 * on the same one where the function keeps z's units (sigmoid and tanh on their ranges); f'(z)
 * signed for abs, else a magnitude from 0. */
static void make_map_views(const ActScene *s, GridView gv[4])
{
    gv[0] = grid_view_make(NULL, s->digit, ACTLAB_MAP, ACTLAB_MAP, COLORMAP_GRAY);
    gv[0].scale = colorscale_make(COLORMAP_GRAY, 0.0f, 1.0f);
    gv[1] = grid_view_make(NULL, s->z, ACTLAB_MAP, ACTLAB_MAP, COLORMAP_DIVERGING);
    /* before and after on the same diverging scale: what changed is what the function did */
    float m = fmaxf(fabsf(s->z_min), fabsf(s->z_max));
    gv[1].scale = colorscale_make(COLORMAP_DIVERGING, -m, m);
    /* after: the same scale as z where the function keeps z's units (relu, leaky, abs,
     * softplus); sigmoid squashes into (0, 1) and tanh into (-1, 1), shown on those ranges */
    gv[2] = grid_view_make(NULL, s->fz, ACTLAB_MAP, ACTLAB_MAP, COLORMAP_DIVERGING);
    if (s->kind == ACT_SIGMOID) {
        gv[2].scale = colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, 1.0f);
    } else if (s->kind == ACT_TANH) {
        gv[2].scale = colorscale_make(COLORMAP_DIVERGING, -1.0f, 1.0f);
    } else {
        gv[2].scale = gv[1].scale;
    }
    /* |x| has slopes -1 and +1 (signed); every other derivative is >= 0, a magnitude from 0 */
    if (s->kind == ACT_ABS) {
        gv[3] = grid_view_make(NULL, s->dz, ACTLAB_MAP, ACTLAB_MAP, COLORMAP_DIVERGING);
        gv[3].scale = colorscale_make(COLORMAP_DIVERGING, -1.0f, 1.0f);
    } else {
        float dmax = 0.0f;
        for (int i = 0; i < ACTLAB_MAP * ACTLAB_MAP; i++)
            dmax = fmaxf(dmax, s->dz[i]);
        gv[3] = grid_view_make(NULL, s->dz, ACTLAB_MAP, ACTLAB_MAP, COLORMAP_SEQUENTIAL);
        gv[3].scale = colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, dmax > 0.0f ? dmax : 1.0f);
    }
}

/* The cell under the mouse in any of the four maps (L->hover_cell, -1 none): highlighted in all
 * four, its numbers in the tooltip. */
static void map_hover(ActLab *L, LabContext *ctx, GridView gv[4], const GridLayout lay[4])
{
    L->hover_cell = -1;
    Ui *ui = ctx->ui;
    if (!ctx->headless && !ui->mouse_used)
        for (int i = 0; i < 4; i++) {
            GridHit h = grid_hit_test(&gv[i], &lay[i], ui->in.mx, ui->in.my);
            if (h.inside && !h.in_padding)
                L->hover_cell = h.row * ACTLAB_MAP + h.col;
        }
    if (L->hover_cell >= 0) {
        int hr = L->hover_cell / ACTLAB_MAP, hc = L->hover_cell % ACTLAB_MAP;
        for (int i = 0; i < 4; i++)
            grid_add_highlight(&gv[i], hr, hc, 1, 1, GRID_HL_HOVER);
        actscene_cell_text(&L->sc, L->hover_cell, L->tip, sizeof L->tip);
        ui_tooltip(ui, L->tip);
    }
}

void actview_draw_maps(ActLab *L, LabContext *ctx, Rect area)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    ActScene *s = &L->sc;
    int gap = theme_px(th, 12);
    int w4 = (area.w + gap) / 4;
    int col_w = w4 - gap;

    /* long titles when all four fit their columns, else the short ones the caption explains */
    char t_long[4][64], t_short[4][32];
    bool long_titles = map_titles(s, r, th, col_w, t_long, t_short);
    int title_size = theme_px(th, THEME_BODY);
    int cap_h = draw_caption(s, r, th, area, long_titles, t_long[0]);
    area.y += cap_h;
    area.h -= cap_h;
    GridView gv[4];
    make_map_views(s, gv);
    /* title and legend are drawn here (fitted to the column), the cells by the grid */
    int title_h = render_line_height(r, FONT_SANS_BOLD, title_size) + theme_px(th, 4);
    int legend_h = map_legend_height(r, th) + theme_px(th, 4);
    GridLayout lay[4];
    for (int i = 0; i < 4; i++) {
        gv[i].show_values = false;
        gv[i].show_legend = false;
        Rect a = {area.x + i * w4, area.y + title_h, col_w, area.h - title_h - legend_h};
        lay[i] = grid_layout(&gv[i], a, th, 0);
        /* the maps sit under their titles, not centred in the height */
        lay[i].cells.y = a.y;
    }
    map_hover(L, ctx, gv, lay);
    const float *map_data[4] = {s->digit, s->z, s->fz, s->dz};
    bool images = update_map_images(L, r, gv, map_data);
    for (int i = 0; i < 4; i++) {
        Rect cells = lay[i].cells;
        char fit[96];
        render_text_fit(r, FONT_SANS_BOLD, title_size, long_titles ? t_long[i] : t_short[i], col_w,
                        fit, sizeof fit);
        render_text(r, FONT_SANS_BOLD, title_size, fit, cells.x + cells.w / 2,
                    cells.y - theme_px(th, 4), ALIGN_CENTER | ALIGN_BOTTOM, th->text);
        if (images && L->img[i]) {
            render_image_draw(r, L->img[i], cells, false);
            if (L->hover_cell >= 0) {
                /* the grid's hover outline: cyan, 2 px, just outside the cell */
                Rect hc = grid_cell_rect(&gv[i], &lay[i], L->hover_cell / ACTLAB_MAP,
                                         L->hover_cell % ACTLAB_MAP);
                render_rect_outline(r, rect_inset(hc, -1), theme_px(th, 2), th->hover);
            }
        } else {
            grid_draw(r, th, &gv[i], &lay[i]);
        }
        Rect lg = {area.x + i * w4, cells.y + cells.h + theme_px(th, 4), col_w, legend_h};
        draw_map_legend(r, th, lg, &gv[i].scale);
    }
    /* the arrows: conv, then the function */
    int ay = lay[1].cells.y + lay[1].cells.h / 2;
    int arrow =
        actview_fitting_size(r, th, FONT_SANS_BOLD, 20.0f, 9.0f, "→", gap + theme_px(th, 4));
    if (arrow > 0) {
        render_text(r, FONT_SANS_BOLD, arrow, "→", area.x + w4 - gap / 2, ay,
                    ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
        render_text(r, FONT_SANS_BOLD, arrow, "→", area.x + 2 * w4 - gap / 2, ay,
                    ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
    }
}
