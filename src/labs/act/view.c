/* labs/act/view.c - the Activations lab: relu, leaky relu, sigmoid, tanh, abs and softplus with
 * their derivatives on one plot with a movable probe (value and slope written out), the
 * activation applied to a digit's signed feature map (before / after / the derivative backprop
 * multiplies by), and the vanishing gradient through k stacked copies of the selected function:
 * at best (max f')^k, which is 0.25^k for the sigmoid (drawn beside the others for comparison).
 * Numbers: model.c over engine/act and engine/conv. This file keeps the lab's state (the digits,
 * the kernel), takes its options and keys, lays out the stage and draws the equation strip; the
 * panels are view_controls.c (the control column), view_plots.c (the function plot and the
 * stack's plot and table) and view_maps.c (the feature maps).
 * Depends on: labs/lab.h, labs/act/model.h, labs/act/view_int.h, engine (assets, idx), ui, viz. */
#include "labs/lab.h"
#include "labs/act/model.h"
#include "labs/act/view_int.h"
#include "engine/assets.h"
#include "engine/idx.h"
#include "ui/ui.h"
#include "viz/kernels.h"
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

/* Recomputes the scene after a setting changed; the map images follow on the next draw. */
void actview_rebuild(ActLab *L)
{
    actscene_rebuild(&L->sc);
    L->gen++;
}

/* Keeps the timeline on the probe after the probe moved by other means. */
void actview_sync_timeline(ActLab *L)
{
    int pos = actscene_step_of(L->sc.probe);
    L->tl.pos = pos;
    L->last_pos = pos;
}

void actview_load_kernel(ActLab *L)
{
    float w[KERNELS_MAX_SIDE * KERNELS_MAX_SIDE];
    int kh = 3, kw = 3;
    KernelsPreset p = map_kernels[L->kernel_sel];
    kernels_preset_fill(p, 3, 3, w, &kh, &kw);
    actscene_set_kernel(&L->sc, w, kernels_preset_label(p));
}

void actview_load_digit(ActLab *L, int index)
{
    if (!L->have_digits)
        return;
    index = ((index % L->digits.n) + L->digits.n) % L->digits.n;
    float px[ACTLAB_MAP * ACTLAB_MAP];
    dataset_image(&L->digits, index, px);
    actscene_set_digit(&L->sc, px, L->digits.labels[index], index);
}

const char *const *actview_kernel_labels(int *n)
{
    static const char *labels[N_MAP_KERNELS];
    for (int i = 0; i < N_MAP_KERNELS; i++)
        labels[i] = kernels_preset_label(map_kernels[i]);
    *n = N_MAP_KERNELS;
    return labels;
}

/* The offered kernel named value (kernels_preset_find's names), or -1. */
static int find_map_kernel(const char *value)
{
    KernelsPreset p;
    int found = -1;
    if (kernels_preset_find(value, &p))
        for (int i = 0; i < N_MAP_KERNELS; i++)
            if (map_kernels[i] == p)
                found = i;
    return found;
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
    if (!dataset_load_part(&L->digits, dir, DATASET_TEST, DATASET_WINDOW_LIMIT, derr,
                           sizeof derr)) {
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
    actview_load_kernel(L);
    actview_load_digit(L, 0);
    actview_rebuild(L);
    timeline_init(&L->tl, ACTLAB_PROBE_STEPS);
    actview_sync_timeline(L);
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

static bool act_set_option(void *state, const char *key, const char *value, char *err,
                           size_t err_size)
{
    ActLab *L = state;
    ActScene *s = &L->sc;
    float f = 0.0f;
    ActKind kind;
    KernelsPreset p;
    if (strcmp(key, "preset") == 0 && !actscene_kind_find(value, &kind) &&
        kernels_preset_find(value, &p)) {
        /* preset may also name the feature map's kernel */
        int found = find_map_kernel(value);
        if (found < 0) {
            snprintf(err, err_size,
                     "activations: preset=%s: the feature map needs a signed kernel "
                     "(sobel-x, sobel-y, laplacian, sharpen, emboss)",
                     value);
            return false;
        }
        L->kernel_sel = found;
        actview_load_kernel(L);
    } else if (strcmp(key, "kernel") == 0) {
        int found = find_map_kernel(value);
        if (found < 0) {
            snprintf(err, err_size,
                     "activations: kernel=%s is not offered (sobel-x, sobel-y, laplacian, "
                     "sharpen, emboss)",
                     value);
            return false;
        }
        L->kernel_sel = found;
        actview_load_kernel(L);
    } else if (strcmp(key, "digit") == 0) {
        if (!actscene_parse_number(key, value, 0.0f, (float)(L->digits.n - 1), &f, err, err_size) ||
            f != floorf(f)) {
            snprintf(err, err_size, "activations: digit=%s is not allowed (an index 0..%d)", value,
                     L->digits.n - 1);
            return false;
        }
        actview_load_digit(L, (int)f);
    } else if (!actscene_set_option(s, key, value, err, err_size)) {
        return false;
    }
    actview_rebuild(L);
    actview_sync_timeline(L);
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
        actview_load_digit(L, s->digit_index + (shift ? -1 : 1));
        break;
    case SDLK_g:
        L->kernel_sel = (L->kernel_sel + (shift ? N_MAP_KERNELS - 1 : 1)) % N_MAP_KERNELS;
        actview_load_kernel(L);
        break;
    default:
        return false;
    }
    actview_rebuild(L);
    return true;
}

/* ---- drawing --------------------------------------------------------------------------- */

/* The largest size from base down to lo (both at scale 1.0) at which text fits max_w; 0 when
 * even lo is too wide. */
int actview_fitting_size(Render *r, const Theme *th, FontFace face, float base, float lo,
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

/* The equation strip: the value and slope at the probe, and the stack's bound at k (each the
 * long form when it fits, else the short one); the second line only when the strip holds two. */
static void draw_strip(ActLab *L, LabContext *ctx)
{
    Rect e = ctx->equation;
    if (e.w <= 0 || e.h <= 0)
        return;
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const ActScene *s = &L->sc;
    int size = theme_px(th, THEME_BODY);
    int lh = render_line_height(r, FONT_MONO, size);
    char line[256], fit[300];
    actscene_probe_line(s, false, line, sizeof line);
    /* the long form when it fits, else the short one */
    int lw = 0;
    render_text_size(r, FONT_MONO, size, line, &lw, NULL);
    if (lw > e.w)
        actscene_probe_line(s, true, line, sizeof line);
    bool two = 2 * lh <= e.h;
    int y = e.y + (e.h - (two ? 2 : 1) * lh) / 2;
    render_text_fit(r, FONT_MONO, size, line, e.w, fit, sizeof fit);
    render_text(r, FONT_MONO, size, fit, e.x, y, ALIGN_LEFT | ALIGN_TOP, th->text);
    if (two) {
        actscene_stack_line(s, false, line, sizeof line);
        int lw2 = 0;
        render_text_size(r, FONT_MONO, size, line, &lw2, NULL);
        if (lw2 > e.w)
            actscene_stack_line(s, true, line, sizeof line);
        render_text_fit(r, FONT_MONO, size, line, e.w, fit, sizeof fit);
        render_text(r, FONT_MONO, size, fit, e.x, y + lh, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    }
}

static void act_draw(void *state, LabContext *ctx)
{
    ActLab *L = state;
    /* a step taken through the timeline since the last update */
    if (L->tl.pos != L->last_pos)
        act_update(L, 0.0);
    actview_draw_controls(L, ctx);
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
    actview_draw_maps(L, ctx, maps);
    actview_draw_function_plot(L, ctx, fplot);
    actview_draw_vanishing_plot(L, ctx, van);
    actview_draw_vanishing_table(L, ctx, table);

    draw_strip(L, ctx);
}

/* The H overlay's rows for this lab (act_key, the timeline and the mouse in act_draw). */
static const UiHelpRow act_help[] = {
    {"A  \xE2\x87\xA7"
     "A",
     "function: ReLU, leaky, sigmoid, tanh, abs, softplus"},
    {"K  \xE2\x87\xA7K", "stack depth k of the vanishing-gradient plot (1 \xE2\x80\xA6 10)"},
    {"D  \xE2\x87\xA7"
     "D",
     "next / previous digit of the feature map"},
    {"G  \xE2\x87\xA7G", "next / previous kernel of the feature map"},
    {"\xE2\x86\x90  \xE2\x86\x92", "move the probe x by \xE2\x88\x93"
                                   "0.1 / \xC2\xB1"
                                   "0.1"},
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
