/* lab_act.c - the Activations lab: relu, leaky relu, sigmoid, tanh, abs and softplus with their
 * derivatives on one plot with a movable probe (value and slope written out), the activation
 * applied to a digit's signed feature map (before / after / the derivative backprop multiplies
 * by), and the vanishing gradient through k stacked copies of the selected function: at best
 * (max f')^k, which is 0.25^k for the sigmoid (drawn beside the others for comparison).
 * Numbers: lab_act_model.c over engine/act and engine/conv. This file lays out and draws. */
#include "labs/lab.h"
#include "labs/act/model.h"
#include "engine/assets.h"
#include "engine/idx.h"
#include "ui/ui.h"
#include "viz/colormap.h"
#include "viz/grid.h"
#include "viz/kernels.h"
#include "viz/plot.h"
#include "viz/render.h"
#include "viz/theme.h"

#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kernels offered for the feature map: all signed, so the map has both signs. */
static const KernelsPreset map_kernels[] = {KERNELS_SOBEL_X, KERNELS_SOBEL_Y, KERNELS_LAPLACIAN,
                                            KERNELS_SHARPEN, KERNELS_EMBOSS};
#define N_MAP_KERNELS ((int)(sizeof map_kernels / sizeof map_kernels[0]))

typedef struct ActLab {
    ActScene sc;
    Timeline tl;
    int last_pos;      /* the timeline position the probe was last taken from */
    Dataset digits;    /* the bundled test digits */
    bool have_digits;
    int kernel_sel;    /* index into map_kernels */
    bool dragging;     /* the probe is being dragged */
    int hover_cell;    /* feature-map cell under the mouse, -1 none */
    char title[128], fx_label[64], dx_label[64];
    char mark_f[64], mark_d[64], mark_k[64], mark_c[64], mark_h[64];
    char van_title[64], van_bound[32]; /* the stack plot's title and bound label (borrowed by it) */
    char eq[512], eq2[512];
    char tip[UI_TOOLTIP_MAX];
    char err[256];
    /* The four 28x28 maps as images (one texture copy each instead of 784 rectangles), made
     * with the Render the lab first draws with and refilled only when the scene changed:
     * gen counts scene rebuilds, img_gen is the rebuild the images show. The app destroys
     * a lab before its Render, so the images never outlive their renderer. */
    RenderImage *img[4];
    Render *img_r;
    unsigned gen, img_gen;
    bool img_valid;
    uint32_t px[ACTLAB_MAP * ACTLAB_MAP]; /* (28, 28) 0xRRGGBBAA, the upload buffer */
} ActLab;

/* Recomputes the scene after a setting changed; the map images follow on the next draw. */
static void scene_rebuild(ActLab *L)
{
    actscene_rebuild(&L->sc);
    L->gen++;
}

/* Keeps the timeline on the probe after the probe moved by other means. */
static void sync_timeline_to_probe(ActLab *L)
{
    int pos = actscene_step_of(L->sc.probe);
    L->tl.pos = pos;
    L->last_pos = pos;
}

static void load_kernel(ActLab *L)
{
    float w[KERNELS_MAX_SIDE * KERNELS_MAX_SIDE];
    int kh = 3, kw = 3;
    KernelsPreset p = map_kernels[L->kernel_sel];
    kernels_preset_fill(p, 3, 3, w, &kh, &kw);
    actscene_set_kernel(&L->sc, w, kernels_preset_label(p));
}

static void load_digit(ActLab *L, int index)
{
    if (!L->have_digits)
        return;
    index = ((index % L->digits.n) + L->digits.n) % L->digits.n;
    float px[ACTLAB_MAP * ACTLAB_MAP];
    dataset_image(&L->digits, index, px);
    actscene_set_digit(&L->sc, px, L->digits.labels[index], index);
}

static void *act_create(char *err, size_t err_size)
{
    ActLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "activations lab: out of memory");
        return NULL;
    }
    actscene_init(&L->sc);
    char dir[1024];
    char derr[512] = "";
    assets_path(dir, sizeof dir, "assets/digits");
    if (!dataset_load(&L->digits, dir, DATASET_TEST, derr, sizeof derr)) {
        snprintf(err, err_size, "activations lab: %s", derr);
        free(L);
        return NULL;
    }
    if (L->digits.h != ACTLAB_MAP || L->digits.w != ACTLAB_MAP || L->digits.n < 1) {
        snprintf(err, err_size, "activations lab: %s: digits are %dx%d, expected 28x28",
                 L->digits.images_path, L->digits.h, L->digits.w);
        dataset_free(&L->digits);
        free(L);
        return NULL;
    }
    L->have_digits = true;
    L->hover_cell = -1;
    load_kernel(L);
    load_digit(L, 0);
    scene_rebuild(L);
    timeline_init(&L->tl, ACTLAB_PROBE_STEPS);
    sync_timeline_to_probe(L);
    return L;
}

static void act_destroy(void *state)
{
    ActLab *L = state;
    if (!L)
        return;
    if (L->have_digits)
        dataset_free(&L->digits);
    for (int i = 0; i < 4; i++)
        render_image_destroy(L->img[i]);
    free(L);
}

static bool parse_float(const char *key, const char *value, float lo, float hi, float *out,
                        char *err, size_t err_size)
{
    char *end = NULL;
    double v = strtod(value, &end);
    if (!value[0] || *end || !(v >= lo && v <= hi)) {
        snprintf(err, err_size, "activations: %s=%s is not allowed (a number %g..%g)", key,
                 value, (double)lo, (double)hi);
        return false;
    }
    *out = (float)v;
    return true;
}

static bool act_set_option(void *state, const char *key, const char *value, char *err,
                           size_t err_size)
{
    ActLab *L = state;
    ActScene *s = &L->sc;
    float f = 0.0f;
    if (strcmp(key, "function") == 0 || strcmp(key, "mode") == 0 || strcmp(key, "act") == 0 ||
        strcmp(key, "preset") == 0) {
        ActKind k;
        KernelsPreset p;
        if (actscene_kind_find(value, &k)) {
            s->kind = k;
        } else if (strcmp(key, "preset") == 0 && kernels_preset_find(value, &p)) {
            /* preset may also name the feature map's kernel */
            int found = -1;
            for (int i = 0; i < N_MAP_KERNELS; i++)
                if (map_kernels[i] == p)
                    found = i;
            if (found < 0) {
                snprintf(err, err_size,
                         "activations: preset=%s: the feature map needs a signed kernel "
                         "(sobel-x, sobel-y, laplacian, sharpen, emboss)",
                         value);
                return false;
            }
            L->kernel_sel = found;
            load_kernel(L);
        } else {
            snprintf(err, err_size,
                     "activations: %s=%s is unknown (relu, leaky, sigmoid, tanh, abs, softplus)",
                     key, value);
            return false;
        }
    } else if (strcmp(key, "kernel") == 0) {
        KernelsPreset p;
        int found = -1;
        if (kernels_preset_find(value, &p))
            for (int i = 0; i < N_MAP_KERNELS; i++)
                if (map_kernels[i] == p)
                    found = i;
        if (found < 0) {
            snprintf(err, err_size,
                     "activations: kernel=%s is not offered (sobel-x, sobel-y, laplacian, "
                     "sharpen, emboss)",
                     value);
            return false;
        }
        L->kernel_sel = found;
        load_kernel(L);
    } else if (strcmp(key, "probe") == 0 || strcmp(key, "x") == 0) {
        if (!parse_float(key, value, ACTLAB_X_LO, ACTLAB_X_HI, &f, err, err_size))
            return false;
        s->probe = f;
    } else if (strcmp(key, "k") == 0) {
        if (!parse_float(key, value, 1.0f, (float)ACTLAB_MAX_K, &f, err, err_size) ||
            f != floorf(f)) {
            snprintf(err, err_size, "activations: k=%s is not allowed (an integer 1..%d)", value,
                     ACTLAB_MAX_K);
            return false;
        }
        s->k = (int)f;
    } else if (strcmp(key, "alpha") == 0) {
        if (!parse_float(key, value, 0.0f, 1.0f, &f, err, err_size))
            return false;
        s->alpha = f;
    } else if (strcmp(key, "beta") == 0) {
        if (!parse_float(key, value, 0.25f, 10.0f, &f, err, err_size))
            return false;
        s->beta = f;
    } else if (strcmp(key, "digit") == 0) {
        if (!parse_float(key, value, 0.0f, (float)(L->digits.n - 1), &f, err, err_size) ||
            f != floorf(f)) {
            snprintf(err, err_size, "activations: digit=%s is not allowed (an index 0..%d)",
                     value, L->digits.n - 1);
            return false;
        }
        load_digit(L, (int)f);
    } else {
        snprintf(err, err_size,
                 "activations: unknown option '%s' (function, probe, k, alpha, beta, digit, "
                 "kernel, step)",
                 key);
        return false;
    }
    scene_rebuild(L);
    sync_timeline_to_probe(L);
    return true;
}

static Timeline *act_timeline(void *state)
{
    return &((ActLab *)state)->tl;
}

static bool act_update(void *state, double dt)
{
    (void)dt;
    ActLab *L = state;
    /* the timeline sweeps the probe across the plot */
    if (L->tl.pos != L->last_pos) {
        L->last_pos = L->tl.pos;
        L->sc.probe = actscene_probe_at(L->tl.pos);
        actscene_update_probe(&L->sc);
    }
    return false;
}

static bool act_key(void *state, int key, bool ctrl, bool shift)
{
    ActLab *L = state;
    ActScene *s = &L->sc;
    if (ctrl)
        return false;
    switch (key) {
    case SDLK_a:
        s->kind = (ActKind)(((int)s->kind + (shift ? ACTLAB_KINDS - 1 : 1)) % ACTLAB_KINDS);
        break;
    case SDLK_k:
        s->k = shift ? (s->k > 1 ? s->k - 1 : ACTLAB_MAX_K) : (s->k % ACTLAB_MAX_K) + 1;
        break;
    case SDLK_d:
        load_digit(L, s->digit_index + (shift ? -1 : 1));
        break;
    case SDLK_g:
        L->kernel_sel = (L->kernel_sel + (shift ? N_MAP_KERNELS - 1 : 1)) % N_MAP_KERNELS;
        load_kernel(L);
        break;
    default:
        return false;
    }
    scene_rebuild(L);
    return true;
}

/* ---- drawing --------------------------------------------------------------------------- */

/* 4 significant digits, plain for >= 0.01, else d.ddd e−n; U+2212 minus. */
static const char *sig4(float v, char *out, size_t size)
{
    if (v == 0.0f) {
        snprintf(out, size, "0");
        return out;
    }
    char buf[48];
    if (fabsf(v) >= 0.01f)
        snprintf(buf, sizeof buf, "%.4g", (double)v);
    else
        snprintf(buf, sizeof buf, "%.3e", (double)v);
    /* 9.537e-07 -> 9.537e−7 */
    char *e = strchr(buf, 'e');
    if (e) {
        int ex = atoi(e + 1);
        *e = '\0';
        snprintf(out, size, "%s%.12se%s%d", buf[0] == '-' ? "−" : "", buf[0] == '-' ? buf + 1 : buf,
                 ex < 0 ? "−" : "", ex < 0 ? -ex : ex);
    } else {
        snprintf(out, size, "%s%.16s", buf[0] == '-' ? "−" : "", buf[0] == '-' ? buf + 1 : buf);
    }
    return out;
}

/* x with 2 decimals (the probe snaps to 0.01). */
static const char *fixed2(float v, char *out, size_t size)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%.2f", (double)v);
    if (strcmp(buf, "-0.00") == 0)
        snprintf(buf, sizeof buf, "0.00");
    snprintf(out, size, "%s%.24s", buf[0] == '-' ? "−" : "", buf[0] == '-' ? buf + 1 : buf);
    return out;
}

static const char *fixed4(float v, char *out, size_t size)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%.4f", (double)v);
    if (strcmp(buf, "-0.0000") == 0)
        snprintf(buf, sizeof buf, "0.0000");
    snprintf(out, size, "%s%.24s", buf[0] == '-' ? "−" : "", buf[0] == '-' ? buf + 1 : buf);
    return out;
}

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
        char fit[256];
        render_text_fit(ui->r, face, size, line, col->area.w, fit, sizeof fit);
        render_text(ui->r, face, size, fit, col->area.x, col->y, ALIGN_LEFT | ALIGN_TOP, c);
        col->y += lh;
        p = nl ? nl + 1 : p + len;
    }
    col->y += col->gap;
}

/* The largest size from base down to lo (both at scale 1.0) at which text fits max_w; 0 when
 * even lo is too wide. */
static int fitting_size(Render *r, const Theme *th, FontFace face, float base, float lo,
                        const char *text, int max_w)
{
    int min_size = theme_px(th, lo);
    for (int size = theme_px(th, base); size >= min_size && size > 0; size--) {
        int w = 0;
        render_text_size(r, face, size, text, &w, NULL);
        if (w <= max_w)
            return size;
    }
    return 0;
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

/* n as superscript digits ("¹⁰"). */
static const char *superscript(int n, char *out, size_t size)
{
    static const char *const sup[10] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    char d[16];
    snprintf(d, sizeof d, "%d", n < 0 ? -n : n);
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = d; *p && len + 4 < size; p++)
        len += (size_t)snprintf(out + len, size - len, "%s", sup[*p - '0']);
    return out;
}

/* The stack's bound base, max f' written short ("0.25", "1"). */
static const char *bound_base(const ActScene *s, char *out, size_t size)
{
    snprintf(out, size, "%g", (double)s->max_deriv);
    return out;
}

static const char *const kind_items[ACTLAB_KINDS] = {"ReLU", "Leaky ReLU", "Sigmoid",
                                                      "tanh", "abs |x|", "Softplus"};

static void draw_controls(ActLab *L, LabContext *ctx)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    ActScene *s = &L->sc;
    UiColumn col = ui_column(ctx->controls, th);
    /* every slider label this column can show, so the tracks stay put when the function
     * (and with it the parameter slider) changes */
    static const char *const labels[] = {"Slope \xCE\xB1", "Sharpness \xCE\xB2", "Probe x",
                                         "Stack k", "Digit"};
    ui_column_labels(ui, &col, labels, (int)(sizeof labels / sizeof labels[0]));
    bool changed = false;
    ui_column_heading(ui, &col, "Function  (A)");
    int sel = (int)s->kind;
    if (ui_dropdown(ui, ui_id("act.kind"), ui_column_next(&col, 1), kind_items, ACTLAB_KINDS,
                    &sel)) {
        s->kind = (ActKind)sel;
        changed = true;
    }
    if (s->kind == ACT_LEAKY) {
        changed |= ui_slider(ui, ui_id("act.alpha"), ui_column_next(&col, 1), "Slope α",
                             &s->alpha, 0.0f, 0.5f, 0.01f, 2);
    } else if (s->kind == ACT_SOFTPLUS) {
        changed |= ui_slider(ui, ui_id("act.beta"), ui_column_next(&col, 1), "Sharpness β",
                             &s->beta, 0.25f, 10.0f, 0.25f, 2);
    }
    float probe = s->probe;
    if (ui_slider(ui, ui_id("act.probe"), ui_column_next(&col, 1), "Probe x", &probe,
                  ACTLAB_X_LO, ACTLAB_X_HI, 0.05f, 2)) {
        s->probe = probe;
        actscene_update_probe(s);
        sync_timeline_to_probe(L);
    }
    int k = s->k;
    if (ui_slider_int(ui, ui_id("act.k"), ui_column_next(&col, 1), "Stack k", &k,
                      1, ACTLAB_MAX_K) &&
        k != s->k) {
        s->k = k;
        changed = true;
    }
    ui_column_heading(ui, &col, "Feature map");
    int d = s->digit_index;
    char dl[64];
    snprintf(dl, sizeof dl, "Digit");
    if (ui_slider_int(ui, ui_id("act.digit"), ui_column_next(&col, 1), dl, &d, 0,
                      L->digits.n - 1) &&
        d != s->digit_index) {
        load_digit(L, d);
        changed = true;
    }
    const char *kitems[N_MAP_KERNELS];
    for (int i = 0; i < N_MAP_KERNELS; i++)
        kitems[i] = kernels_preset_label(map_kernels[i]);
    sel = L->kernel_sel;
    if (ui_dropdown(ui, ui_id("act.kernel"), ui_column_next(&col, 1), kitems, N_MAP_KERNELS,
                    &sel)) {
        L->kernel_sel = sel;
        load_kernel(L);
        changed = true;
    }
    col_keys(ui, &col,
             "← → probe ±0.1\nA function  K stack k\nD digit     G kernel\n"
             "drag the probe on the plot\nhover a map: its z on the curve");
    if (changed)
        scene_rebuild(L);
}

/* The colour for f (accent-free: amber means "current") and for f'. */
static Color curve_f(const Theme *th)
{
    return th->kind == THEME_LIGHT ? COLOR_HEX(0x1f5fbf) : COLOR_HEX(0x6fa8ff);
}

static Color curve_d(const Theme *th)
{
    return th->kind == THEME_LIGHT ? COLOR_HEX(0xc0561a) : COLOR_HEX(0xf08a4b);
}

static void draw_function_plot(ActLab *L, LabContext *ctx, Rect area)
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
    snprintf(L->mark_f, sizeof L->mark_f, "%s", fixed4(s->probe_value, a, sizeof a));
    snprintf(L->mark_d, sizeof L->mark_d, "%s", fixed4(s->probe_deriv, b, sizeof b));
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
    Ui *ui = ctx->ui;
    if (!ctx->headless) {
        bool over = rect_contains(rect_inset(lay.area, -theme_px(th, 6)), ui->in.mx, ui->in.my);
        if (ui->in.mouse_pressed && over && !ui->mouse_used)
            L->dragging = true;
        if (!ui->in.mouse_down)
            L->dragging = false;
        if (L->dragging) {
            float x = plot_px_to_x(&v, &lay, (float)ui->in.mx);
            x = fminf(fmaxf(x, ACTLAB_X_LO), ACTLAB_X_HI);
            /* snap to 0.01 so the written values are the values at a readable x */
            x = roundf(x * 100.0f) / 100.0f;
            if (x != s->probe) {
                s->probe = x;
                actscene_update_probe(s);
                sync_timeline_to_probe(L);
            }
            ui->mouse_used = true;
            v.probe_x = s->probe;
            v.marks[0].x = v.marks[1].x = s->probe;
            v.marks[0].y = s->probe_value;
            v.marks[1].y = s->probe_deriv;
            snprintf(L->mark_f, sizeof L->mark_f, "%s", fixed4(s->probe_value, a, sizeof a));
            snprintf(L->mark_d, sizeof L->mark_d, "%s", fixed4(s->probe_deriv, b, sizeof b));
        }
        if (over && !L->dragging && plot_hit_probe(&v, &lay, th, ui->in.mx, ui->in.my))
            ui_tooltip(ui, "drag the probe (or use ← →)");
    }
    plot_draw(r, th, &v, &lay);

    /* the formulas with the values at the probe */
    char px[32];
    fixed2(s->probe, px, sizeof px);
    /* formula on the left, its value at the probe on the right */
    snprintf(L->eq, sizeof L->eq, "%s(%s) = %s", name, px, fixed4(s->probe_value, a, sizeof a));
    snprintf(L->eq2, sizeof L->eq2, "%s′(%s) = %s", name, px,
             fixed4(s->probe_deriv, b, sizeof b));
    int size = theme_px(th, THEME_BODY);
    char fit[600];
    int ty = pr.y + pr.h + theme_px(th, 6);
    int gapx = theme_px(th, 16);
    /* the values beside the formulas when both fit; else the formulas alone (the values are
     * on the plot's marks and in the equation strip) */
    int fw1 = 0, fw2 = 0, vw1 = 0, vw2 = 0;
    render_text_size(r, FONT_MONO, size, actscene_formula(s->kind), &fw1, NULL);
    render_text_size(r, FONT_MONO, size, actscene_deriv_formula(s->kind), &fw2, NULL);
    render_text_size(r, FONT_MONO, size, L->eq, &vw1, NULL);
    render_text_size(r, FONT_MONO, size, L->eq2, &vw2, NULL);
    bool values = fw1 + gapx + vw1 <= area.w && fw2 + gapx + vw2 <= area.w;
    if (values) {
        render_text(r, FONT_MONO, size, L->eq, area.x + area.w, ty, ALIGN_RIGHT | ALIGN_TOP,
                    curve_f(th));
        render_text(r, FONT_MONO, size, L->eq2, area.x + area.w, ty + line_h,
                    ALIGN_RIGHT | ALIGN_TOP, curve_d(th));
    }
    render_text_fit(r, FONT_MONO, size, actscene_formula(s->kind), area.w, fit, sizeof fit);
    render_text(r, FONT_MONO, size, fit, area.x, ty, ALIGN_LEFT | ALIGN_TOP, curve_f(th));
    render_text_fit(r, FONT_MONO, size, actscene_deriv_formula(s->kind), area.w, fit, sizeof fit);
    render_text(r, FONT_MONO, size, fit, area.x, ty + line_h, ALIGN_LEFT | ALIGN_TOP,
                curve_d(th));
}

static void draw_vanishing_plot(ActLab *L, LabContext *ctx, Rect area)
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
    PlotView v = plot_view_make(L->van_title, 0.5f, (float)ACTLAB_MAX_K + 0.5f, 1e-7f,
                                sigmoid ? 1.0f : 3.0f);
    v.log_y = true;
    v.x_label = "k (layers)";
    char base[16];
    snprintf(L->van_bound, sizeof L->van_bound, "%s\xE1\xB5\x8F",
             bound_base(s, base, sizeof base));
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
    snprintf(L->mark_k, sizeof L->mark_k, "%s", sig4(s->bound[s->k - 1], a, sizeof a));
    plot_add_mark(&v, (float)s->k, s->bound[s->k - 1], th->accent, L->mark_k);
    PlotLayout lay = plot_layout(&v, area, th);
    plot_draw(r, th, &v, &lay);
}

/* The table: k, (max f')^k (the best case) and the real product starting from the probe, in the
 * largest mono size (up to the small-text size) at which all rows fit. */
static void draw_vanishing_table(ActLab *L, LabContext *ctx, Rect tr)
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
    bound_base(s, base, sizeof base);
    snprintf(title, sizeof title, "%s: %sᵏ vs from x = %s", actscene_kind_name(s->kind), base,
             fixed2(s->probe, px, sizeof px));
    /* the header's columns over the rows' "%2d  %-9s  %s" ("ᵏ" is one column, three bytes) */
    int gap = 8 - (int)strlen(base);
    snprintf(head_row, sizeof head_row, " k  %sᵏ%*s  from x", base, gap > 0 ? gap : 0, "");
    /* a narrow column writes the heading smaller before it cuts it */
    int hs = fitting_size(r, th, FONT_SANS_BOLD, THEME_BODY, THEME_SMALL, title, tr.w);
    if (!hs) {
        /* the plot above names the function */
        snprintf(title, sizeof title, "%sᵏ vs from x = %s", base, px);
        hs = fitting_size(r, th, FONT_SANS_BOLD, THEME_BODY, THEME_SMALL, title, tr.w);
    }
    render_text_fit(r, FONT_SANS_BOLD, hs ? hs : head, title, tr.w, fit, sizeof fit);
    render_text(r, FONT_SANS_BOLD, hs ? hs : head, fit, tr.x, y, ALIGN_LEFT | ALIGN_TOP,
                th->text);
    y += head_h;
    render_text_fit(r, FONT_MONO, mono, head_row, tr.w, fit, sizeof fit);
    render_text(r, FONT_MONO, mono, fit, tr.x, y, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    y += row_h;
    for (int j = 0; j < ACTLAB_MAX_K && y + row_h <= tr.y + tr.h; j++) {
        char b1[32], b2[32], line[96];
        snprintf(line, sizeof line, "%2d  %-9s  %s", j + 1, sig4(s->bound[j], b1, sizeof b1),
                 sig4(s->chain[j], b2, sizeof b2));
        if (j + 1 == s->k)
            render_round_rect(r, (Rect){tr.x - theme_px(th, 4), y, tr.w + theme_px(th, 4), row_h},
                              theme_px(th, 4), color_alpha(th->accent, 60));
        render_text_fit(r, FONT_MONO, mono, line, tr.w, fit, sizeof fit);
        render_text(r, FONT_MONO, mono, fit, tr.x, y, ALIGN_LEFT | ALIGN_TOP,
                    j + 1 <= s->k ? th->text : th->text_dim);
        y += row_h;
    }
}

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
    int size = fitting_size(r, th, FONT_MONO, THEME_SMALL, THEME_SMALL - 1, all, rc.w);
    bool zero = diverging, both = true;
    if (size == 0) {
        zero = false;
        snprintf(all, sizeof all, "%s  %s", lo, hi);
        size = fitting_size(r, th, FONT_MONO, THEME_SMALL, 10.0f, all, rc.w);
        if (size == 0) {
            size = theme_px(th, 10.0f);
            both = false;
        }
    }
    int ty = rc.y + bar_h + theme_px(th, 2);
    int mx = rc.x + rc.w / 2;
    render_text(r, FONT_MONO, size, lo, rc.x, ty, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    if (both)
        render_text(r, FONT_MONO, size, hi, rc.x + rc.w, ty, ALIGN_RIGHT | ALIGN_TOP,
                    th->text_dim);
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

static void draw_maps(ActLab *L, LabContext *ctx, Rect area)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    ActScene *s = &L->sc;
    int gap = theme_px(th, 12);
    int w4 = (area.w + gap) / 4;
    int col_w = w4 - gap;

    const char *name = actscene_kind_name(s->kind);
    /* long titles when all four fit their columns, else the short ones the caption explains */
    static char t_long[4][64], t_short[4][32];
    if (s->digit_label >= 0)
        snprintf(t_long[0], sizeof t_long[0], "digit (a %d)", s->digit_label);
    else
        snprintf(t_long[0], sizeof t_long[0], "digit");
    snprintf(t_long[1], sizeof t_long[1], "z = digit ⋆ K");
    snprintf(t_long[2], sizeof t_long[2], "%s(z)", name);
    snprintf(t_long[3], sizeof t_long[3], "%s′(z)", name);
    snprintf(t_short[0], sizeof t_short[0], "digit");
    snprintf(t_short[1], sizeof t_short[1], "z");
    snprintf(t_short[2], sizeof t_short[2], "f(z)");
    snprintf(t_short[3], sizeof t_short[3], "f′(z)");
    int title_size = theme_px(th, THEME_BODY);
    bool long_titles = true;
    for (int i = 0; i < 4; i++) {
        int w = 0;
        render_text_size(r, FONT_SANS_BOLD, title_size, t_long[i], &w, NULL);
        long_titles = long_titles && w <= col_w;
    }
    /* the band's caption says what the titles leave out; two lines when narrow */
    char cap[400];
    if (long_titles)
        snprintf(cap, sizeof cap, "%d×%d feature maps: digit #%d ⋆ %s (pad 1), then %s",
                 ACTLAB_MAP, ACTLAB_MAP, s->digit_index, s->kernel_name ? s->kernel_name : "?",
                 name);
    else
        snprintf(cap, sizeof cap, "%d×%d maps: z = digit #%d%s ⋆ %s (pad 1), f = %s",
                 ACTLAB_MAP, ACTLAB_MAP, s->digit_index, t_long[0] + 5,
                 s->kernel_name ? s->kernel_name : "?", name);
    int cap_size = theme_px(th, THEME_BODY);
    int cap_lh = render_line_height(r, FONT_SANS_BOLD, cap_size);
    int cap_h = render_text_wrap(r, FONT_SANS_BOLD, cap_size, cap, area, th->text, false);
    if (cap_h > 2 * cap_lh)
        cap_h = 2 * cap_lh;
    render_text_wrap(r, FONT_SANS_BOLD, cap_size, cap, (Rect){area.x, area.y, area.w, cap_h},
                     th->text, true);
    cap_h += theme_px(th, 6);
    area.y += cap_h;
    area.h -= cap_h;
    GridView gv[4];
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
        char a[32], b[32], c[32];
        snprintf(L->tip, sizeof L->tip, "row %d, col %d\nz = %s\n%s(z) = %s\n%s′(z) = %s", hr, hc,
                 fixed4(s->z[L->hover_cell], a, sizeof a), name,
                 fixed4(s->fz[L->hover_cell], b, sizeof b), name,
                 fixed4(s->dz[L->hover_cell], c, sizeof c));
        ui_tooltip(ui, L->tip);
    }
    const float *map_data[4] = {s->digit, s->z, s->fz, s->dz};
    bool images = update_map_images(L, r, gv, map_data);
    for (int i = 0; i < 4; i++) {
        Rect cells = lay[i].cells;
        char fit[96];
        render_text_fit(r, FONT_SANS_BOLD, title_size, long_titles ? t_long[i] : t_short[i],
                        col_w, fit, sizeof fit);
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
    int arrow = fitting_size(r, th, FONT_SANS_BOLD, 20.0f, 9.0f, "→", gap + theme_px(th, 4));
    if (arrow > 0) {
        render_text(r, FONT_SANS_BOLD, arrow, "→", area.x + w4 - gap / 2, ay,
                    ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
        render_text(r, FONT_SANS_BOLD, arrow, "→", area.x + 2 * w4 - gap / 2, ay,
                    ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
    }
}

static void act_draw(void *state, LabContext *ctx)
{
    ActLab *L = state;
    /* a step taken through the timeline since the last update */
    if (L->tl.pos != L->last_pos)
        act_update(L, 0.0);
    draw_controls(L, ctx);
    const Theme *th = ctx->th;
    Rect st = ctx->stage;
    int gap = theme_px(th, 20);
    int top_h = st.h * 56 / 100;
    /* top: f and f' | the stack's plot; bottom: the four maps | the stack's numbers */
    int right_w = st.w * 30 / 100;
    /* the stack's plot and table need about 190 px (its title, legend and 24-character rows);
     * on a narrow stage they take up to 40 % and the maps' titles shorten */
    int right_min = theme_px(th, 190);
    if (right_w < right_min)
        right_w = right_min < st.w * 40 / 100 ? right_min : st.w * 40 / 100;
    Rect fplot = {st.x, st.y, st.w - right_w - gap, top_h};
    Rect van = {st.x + st.w - right_w, st.y, right_w, top_h};
    Rect maps = {st.x, st.y + top_h + gap, st.w - right_w - gap, st.h - top_h - gap};
    Rect table = {st.x + st.w - right_w, st.y + top_h + gap, right_w, st.h - top_h - gap};
    /* the maps first: their hover puts a mark on the function plot */
    draw_maps(L, ctx, maps);
    draw_function_plot(L, ctx, fplot);
    draw_vanishing_plot(L, ctx, van);
    draw_vanishing_table(L, ctx, table);

    /* the equation strip: value and slope at the probe, and the stack's bound at k */
    Rect e = ctx->equation;
    if (e.w > 0 && e.h > 0) {
        Render *r = ctx->r;
        int size = theme_px(th, THEME_BODY);
        int lh = render_line_height(r, FONT_MONO, size);
        ActScene *s = &L->sc;
        char a[32], b[32], c[32], px[32], line[256], fit[300];
        const char *name = actscene_kind_name(s->kind);
        snprintf(line, sizeof line, "%s(%s) = %s    %s′(%s) = %s", name,
                 fixed2(s->probe, px, sizeof px), fixed4(s->probe_value, a, sizeof a), name, px,
                 fixed4(s->probe_deriv, b, sizeof b));
        /* the long form when it fits, else the short one */
        int lw = 0;
        render_text_size(r, FONT_MONO, size, line, &lw, NULL);
        if (lw > e.w)
            snprintf(line, sizeof line, "%s(%s) = %s   f′ = %s", name, px,
                     fixed4(s->probe_value, a, sizeof a), fixed4(s->probe_deriv, b, sizeof b));
        bool two = 2 * lh <= e.h;
        int y = e.y + (e.h - (two ? 2 : 1) * lh) / 2;
        render_text_fit(r, FONT_MONO, size, line, e.w, fit, sizeof fit);
        render_text(r, FONT_MONO, size, fit, e.x, y, ALIGN_LEFT | ALIGN_TOP, th->text);
        if (two) {
            char sup[32];
            char base[16];
            bound_base(s, base, sizeof base);
            snprintf(line, sizeof line, "k = %d %s: ∂out/∂in ≤ %s%s = %s;  from x: %s", s->k, name,
                     base, superscript(s->k, sup, sizeof sup),
                     sig4(s->bound[s->k - 1], a, sizeof a), sig4(s->chain[s->k - 1], c, sizeof c));
            int lw2 = 0;
            render_text_size(r, FONT_MONO, size, line, &lw2, NULL);
            if (lw2 > e.w)
                snprintf(line, sizeof line, "%s%s = %s;  from x: %s", base,
                         superscript(s->k, sup, sizeof sup), sig4(s->bound[s->k - 1], a, sizeof a),
                         sig4(s->chain[s->k - 1], c, sizeof c));
            render_text_fit(r, FONT_MONO, size, line, e.w, fit, sizeof fit);
            render_text(r, FONT_MONO, size, fit, e.x, y + lh, ALIGN_LEFT | ALIGN_TOP,
                        th->text_dim);
        }
    }
}

/* The H overlay's rows for this lab (act_key, the timeline and the mouse in act_draw). */
static const UiHelpRow act_help[] = {
    {"A  \xE2\x87\xA7" "A", "function: ReLU, leaky, sigmoid, tanh, abs, softplus"},
    {"K  \xE2\x87\xA7K", "stack depth k of the vanishing-gradient plot (1 \xE2\x80\xA6 10)"},
    {"D  \xE2\x87\xA7" "D", "next / previous digit of the feature map"},
    {"G  \xE2\x87\xA7G", "next / previous kernel of the feature map"},
    {"\xE2\x86\x90  \xE2\x86\x92", "move the probe x by \xE2\x88\x93" "0.1 / \xC2\xB1" "0.1"},
    {"drag", "the probe along the function plot"},
    {"hover", "a feature-map cell: its z marked on the curve"},
    {NULL, NULL},
};

const LabDef lab_activations = {
    .name = "activations",
    .title = "Activations",
    .blurb = "ReLU, sigmoid, tanh and friends with their derivatives; vanishing "
             "0.25\xE1\xB5\x8F.",
    .create = act_create,
    .destroy = act_destroy,
    .set_option = act_set_option,
    .update = act_update,
    .draw = act_draw,
    .timeline = act_timeline,
    .key = act_key,
    .help = act_help,
};
