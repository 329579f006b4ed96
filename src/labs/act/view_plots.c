/* labs/act/view_plots.c - the Activations lab's plots: the function and its derivative with the
 * probe (dragged along the plot) and their formulas and values, and the vanishing gradient
 * through k stacked copies of the function as a plot and as a table.
 * Depends on: labs/act/view_int.h, labs/act/model.h, ui, viz (plot, colormap). */
#include "labs/act/view_int.h"

#include "viz/colormap.h"
#include "viz/plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The colour for f (accent-free: amber means "current") and for f'. */
static Color curve_f(const Theme *th)
{
    return th->kind == THEME_LIGHT ? COLOR_HEX(0x1f5fbf) : COLOR_HEX(0x6fa8ff);
}

static Color curve_d(const Theme *th)
{
    return th->kind == THEME_LIGHT ? COLOR_HEX(0xc0561a) : COLOR_HEX(0xf08a4b);
}

/* The probe follows the mouse: a press on the plot area starts a drag, the probe moves to the
 * mouse's x (snapped to 0.01) while it is held, and the plot's probe and marks follow; over the
 * probe the tooltip says so. */
static void drag_probe(ActLab *L, LabContext *ctx, PlotView *v, const PlotLayout *lay)
{
    const Theme *th = ctx->th;
    ActScene *s = &L->sc;
    Ui *ui = ctx->ui;
    char a[32], b[32];
    bool over = rect_contains(rect_inset(lay->area, -theme_px(th, 6)), ui->in.mx, ui->in.my);
    if (ui->in.mouse_pressed && over && !ui->mouse_used)
        L->dragging = true;
    if (!ui->in.mouse_down)
        L->dragging = false;
    if (L->dragging) {
        float x = plot_px_to_x(v, lay, (float)ui->in.mx);
        x = fminf(fmaxf(x, ACTLAB_X_LO), ACTLAB_X_HI);
        /* snap to 0.01 so the written values are the values at a readable x */
        x = roundf(x * 100.0f) / 100.0f;
        if (x != s->probe) {
            s->probe = x;
            actscene_update_probe(s);
            actview_sync_timeline(L);
        }
        ui->mouse_used = true;
        v->probe_x = s->probe;
        v->marks[0].x = v->marks[1].x = s->probe;
        v->marks[0].y = s->probe_value;
        v->marks[1].y = s->probe_deriv;
        snprintf(L->mark_f, sizeof L->mark_f, "%s", actscene_fixed4(s->probe_value, a, sizeof a));
        snprintf(L->mark_d, sizeof L->mark_d, "%s", actscene_fixed4(s->probe_deriv, b, sizeof b));
    }
    if (over && !L->dragging && plot_hit_probe(v, lay, th, ui->in.mx, ui->in.my))
        ui_tooltip(ui, "drag the probe (or use ← →)");
}

/* Under the plot, from y: f's and f''s formulas on the left, their values at the probe on the
 * right when both fit (else the formulas alone: the values are on the plot's marks and in the
 * equation strip). */
static void draw_formulas(ActLab *L, LabContext *ctx, Rect area, int y)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const ActScene *s = &L->sc;
    const char *name = actscene_kind_name(s->kind);
    int line_h = render_line_height(r, FONT_MONO, theme_px(th, THEME_BODY));
    char a[32], b[32], px[32];
    actscene_fixed2(s->probe, px, sizeof px);
    /* formula on the left, its value at the probe on the right */
    snprintf(L->eq, sizeof L->eq, "%s(%s) = %s", name, px,
             actscene_fixed4(s->probe_value, a, sizeof a));
    snprintf(L->eq2, sizeof L->eq2, "%s′(%s) = %s", name, px,
             actscene_fixed4(s->probe_deriv, b, sizeof b));
    int size = theme_px(th, THEME_BODY);
    char fit[600];
    int gapx = theme_px(th, 16);
    int fw1 = 0, fw2 = 0, vw1 = 0, vw2 = 0;
    render_text_size(r, FONT_MONO, size, actscene_formula(s->kind), &fw1, NULL);
    render_text_size(r, FONT_MONO, size, actscene_deriv_formula(s->kind), &fw2, NULL);
    render_text_size(r, FONT_MONO, size, L->eq, &vw1, NULL);
    render_text_size(r, FONT_MONO, size, L->eq2, &vw2, NULL);
    bool values = fw1 + gapx + vw1 <= area.w && fw2 + gapx + vw2 <= area.w;
    if (values) {
        render_text(r, FONT_MONO, size, L->eq, area.x + area.w, y, ALIGN_RIGHT | ALIGN_TOP,
                    curve_f(th));
        render_text(r, FONT_MONO, size, L->eq2, area.x + area.w, y + line_h,
                    ALIGN_RIGHT | ALIGN_TOP, color_readable_on(curve_d(th), th->bg, 4.5f));
    }
    render_text_fit(r, FONT_MONO, size, actscene_formula(s->kind), area.w, fit, sizeof fit);
    render_text(r, FONT_MONO, size, fit, area.x, y, ALIGN_LEFT | ALIGN_TOP, curve_f(th));
    render_text_fit(r, FONT_MONO, size, actscene_deriv_formula(s->kind), area.w, fit, sizeof fit);
    render_text(r, FONT_MONO, size, fit, area.x, y + line_h, ALIGN_LEFT | ALIGN_TOP,
                color_readable_on(curve_d(th), th->bg, 4.5f));
}

void actview_draw_function_plot(ActLab *L, LabContext *ctx, Rect area)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    ActScene *s = &L->sc;
    const char *name = actscene_kind_name(s->kind);
    int line_h = render_line_height(r, FONT_MONO, theme_px(th, THEME_BODY));
    int text_h = 2 * line_h + theme_px(th, 8);
    Rect pr = {area.x, area.y, area.w, area.h - text_h};
    float lo, hi;
    actscene_y_range(s->kind, &lo, &hi);
    snprintf(L->title, sizeof L->title, "%s and its derivative", actscene_kind_label(s->kind));
    PlotView v = plot_view_make(L->title, ACTLAB_X_LO, ACTLAB_X_HI, lo, hi);
    v.x_label = "x";
    snprintf(L->fx_label, sizeof L->fx_label, "%s(x)", name);
    snprintf(L->dx_label, sizeof L->dx_label, "%s′(x)", name);
    plot_add_curve(&v, s->xs, s->fy, ACTLAB_SAMPLES, curve_f(th), L->fx_label);
    PlotCurve *cd = plot_add_curve(&v, s->xs, s->dy, ACTLAB_SAMPLES, curve_d(th), L->dx_label);
    if (cd)
        cd->thickness = 2.0f;
    v.show_probe = true;
    v.probe_x = s->probe;
    char a[32], b[32];
    snprintf(L->mark_f, sizeof L->mark_f, "%s", actscene_fixed4(s->probe_value, a, sizeof a));
    snprintf(L->mark_d, sizeof L->mark_d, "%s", actscene_fixed4(s->probe_deriv, b, sizeof b));
    plot_add_mark(&v, s->probe, s->probe_value, curve_f(th), L->mark_f);
    plot_add_mark(&v, s->probe, s->probe_deriv, curve_d(th), L->mark_d);
    if (L->hover_cell >= 0) {
        /* the hovered feature-map cell's z, on the curve */
        float z = s->z[L->hover_cell];
        if (z >= ACTLAB_X_LO && z <= ACTLAB_X_HI)
            plot_add_mark(&v, z, s->fz[L->hover_cell], th->hover, NULL);
    }
    PlotLayout lay = plot_layout(&v, pr, th);
    /* probe dragging: press on the plot area moves the probe there; drag follows */
    if (!ctx->headless)
        drag_probe(L, ctx, &v, &lay);
    plot_draw(r, th, &v, &lay);
    /* the formulas with the values at the probe */
    draw_formulas(L, ctx, area, pr.y + pr.h + theme_px(th, 6));
}

/* The stack plot's lowest decade (its y axis starts at 10^STACK_E_LO). */
#define STACK_E_LO (-8)

/* The evenly spaced ticks lo, lo + step, ..., hi whose step divides hi - lo and keeps them at
 * least min_px apart over px pixels (lo and hi alone when none does). */
static void even_ticks(PlotTicks *t, int lo, int hi, float px, float min_px, bool decades)
{
    int span = hi - lo, step = span;
    for (int s = 1; s < span; s++)
        if (span % s == 0 && (float)s / (float)span * px >= min_px) {
            step = s;
            break;
        }
    t->n = 0;
    for (int v = lo; v <= hi && t->n < PLOT_MAX_TICKS; v += step)
        t->v[t->n++] = decades ? powf(10.0f, (float)v) : (float)v;
    t->step = (float)step;
    t->decimals = 0;
}

/* Ticks at both ends of both axes: k = 1 and 10 (the first and last layer) with evenly spaced
 * k between, and the decades from the bottom (10⁻⁸) to the top (10^e_hi) evenly thinned, each
 * as dense as keeps the labels apart (x: four label widths, y: two lines). */
static void stack_ticks(PlotLayout *lay, const Theme *th, int e_hi)
{
    float advance = 0.61f * (float)lay->tick_size; /* the mono font's advance */
    even_ticks(&lay->xt, 1, ACTLAB_MAX_K, (float)lay->area.w * 9.0f / (float)ACTLAB_MAX_K,
               4.0f * advance + (float)theme_px(th, 6), false);
    even_ticks(&lay->yt, STACK_E_LO, e_hi, (float)lay->area.h, 2.0f * 1.4f * (float)lay->tick_size,
               true);
}

void actview_draw_vanishing_plot(ActLab *L, LabContext *ctx, Rect area)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    ActScene *s = &L->sc;
    bool sigmoid = s->kind == ACT_SIGMOID;
    /* room above 1 so a bound of 1ᵏ (tanh, relu...) is not drawn on the frame */
    snprintf(L->van_title, sizeof L->van_title, "gradient through k \xC3\x97 %s",
             actscene_kind_name(s->kind));
    int tw = 0;
    render_text_size(r, FONT_SANS_BOLD, theme_px(th, THEME_HEADING), L->van_title, &tw, NULL);
    if (tw > area.w)
        snprintf(L->van_title, sizeof L->van_title, "k stacked %s", actscene_kind_name(s->kind));
    /* y from 10⁻⁸ to 1 (sigmoid) or 10 (room above a bound of 1ᵏ): whole decades, so both
     * ends carry a tick */
    PlotView v = plot_view_make(L->van_title, 0.5f, (float)ACTLAB_MAX_K + 0.5f,
                                powf(10.0f, (float)STACK_E_LO), sigmoid ? 1.0f : 10.0f);
    v.log_y = true;
    v.x_label = "k (layers)";
    char base[16];
    snprintf(L->van_bound, sizeof L->van_bound, "%s\xE1\xB5\x8F",
             actscene_bound_base(s, base, sizeof base));
    PlotCurve *cb = plot_add_curve(&v, s->ks, s->bound, ACTLAB_MAX_K, th->text, L->van_bound);
    if (cb)
        cb->dots = true;
    /* the sigmoid's 0.25ᵏ stays in view as what the others are measured against */
    if (!sigmoid)
        plot_add_curve(&v, s->ks, s->sig_bound, ACTLAB_MAX_K, th->text_dim,
                       "sigmoid 0.25\xE1\xB5\x8F");
    PlotCurve *cc = plot_add_curve(&v, s->ks, s->chain, ACTLAB_MAX_K, curve_d(th), "from x");
    if (cc) {
        cc->dots = true;
        cc->thickness = 1.5f;
    }
    v.show_probe = true;
    v.probe_x = (float)s->k;
    char a[32];
    snprintf(L->mark_k, sizeof L->mark_k, "%s", actscene_sig4(s->bound[s->k - 1], a, sizeof a));
    plot_add_mark(&v, (float)s->k, s->bound[s->k - 1], th->accent, L->mark_k);
    PlotLayout lay = plot_layout(&v, area, th);
    stack_ticks(&lay, th, sigmoid ? 0 : 1);
    L->van_bounds = area;
    L->van_area = lay.area;
    plot_draw(r, th, &v, &lay);
}

/* The table: k, (max f')^k (the best case) and the real product starting from the probe, in the
 * largest mono size (up to the small-text size) at which all rows fit. */
void actview_draw_vanishing_table(ActLab *L, LabContext *ctx, Rect tr)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    ActScene *s = &L->sc;
    int head = theme_px(th, THEME_BODY);
    int head_h = render_line_height(r, FONT_SANS_BOLD, head) + theme_px(th, 4);
    /* 11 rows (header + 10) and the 24 characters of the widest row */
    int mono = theme_px(th, THEME_SMALL + 1);
    while (mono > 8) {
        int lh = render_line_height(r, FONT_MONO, mono);
        int w = 0;
        render_text_size(r, FONT_MONO, mono, "10  9.537e−7   3.875e−7", &w, NULL);
        if (head_h + 11 * (lh + 1) <= tr.h && w <= tr.w)
            break;
        mono--;
    }
    int lh = render_line_height(r, FONT_MONO, mono);
    int row_h = lh + 1;
    int y = tr.y;
    char fit[128], px[32], title[128];
    char base[16], head_row[64];
    actscene_bound_base(s, base, sizeof base);
    snprintf(title, sizeof title, "%s: %sᵏ vs from x = %s", actscene_kind_name(s->kind), base,
             actscene_fixed2(s->probe, px, sizeof px));
    /* the header's columns over the rows' "%2d  %-9s  %s" ("ᵏ" is one column, three bytes) */
    int gap = 8 - (int)strlen(base);
    snprintf(head_row, sizeof head_row, " k  %sᵏ%*s  from x", base, gap > 0 ? gap : 0, "");
    /* a narrow column writes the heading smaller before it cuts it */
    int hs = actview_fitting_size(r, th, FONT_SANS_BOLD, THEME_BODY, THEME_SMALL, title, tr.w);
    if (!hs) {
        /* the plot above names the function */
        snprintf(title, sizeof title, "%sᵏ vs from x = %s", base, px);
        hs = actview_fitting_size(r, th, FONT_SANS_BOLD, THEME_BODY, THEME_SMALL, title, tr.w);
    }
    render_text_fit(r, FONT_SANS_BOLD, hs ? hs : head, title, tr.w, fit, sizeof fit);
    render_text(r, FONT_SANS_BOLD, hs ? hs : head, fit, tr.x, y, ALIGN_LEFT | ALIGN_TOP, th->text);
    y += head_h;
    render_text_fit(r, FONT_MONO, mono, head_row, tr.w, fit, sizeof fit);
    render_text(r, FONT_MONO, mono, fit, tr.x, y, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    y += row_h;
    for (int j = 0; j < ACTLAB_MAX_K && y + row_h <= tr.y + tr.h; j++) {
        char line[96];
        actscene_stack_row(s, j, line, sizeof line);
        if (j + 1 == s->k)
            render_round_rect(r, (Rect){tr.x - theme_px(th, 4), y, tr.w + theme_px(th, 4), row_h},
                              theme_px(th, 4), color_alpha(th->accent, 60));
        render_text_fit(r, FONT_MONO, mono, line, tr.w, fit, sizeof fit);
        render_text(r, FONT_MONO, mono, fit, tr.x, y, ALIGN_LEFT | ALIGN_TOP,
                    j + 1 <= s->k ? th->text : th->text_dim);
        y += row_h;
    }
}
