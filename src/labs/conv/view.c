/* labs/conv/view.c - the Convolution lab: input (with its padding ring), kernel and output side
 * by side; the window sweeps with the stride, each output cell asked of the engine (conv_cell)
 * and written out as an equation; the output-size formula filled in for both axes; the rows
 * and columns the stride never reaches; impossible settings explained in place; coverage
 * counts; a 1-D mode for a signal and a 3-tap filter with its shared weights.
 * This file: the LabDef, the lab's life, options, keys and help; the scene is model.c, the
 * controls view_controls.c, the stage view_stage.c, the equation strip view_strip.c.
 * Depends on: labs/conv/model, labs/common (options, digits, picture), labs/lab.h. */
#include "labs/conv/view_int.h"
#include "labs/common/digits.h"
#include "labs/common/options.h"
#include "labs/common/picture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void convlab_recompute(ConvLab *L)
{
    ConvScene *sc = &L->sc;
    convscene_rebuild(sc);
    if (sc->sweep.valid) {
        int n = sc->sweep.g.oh * sc->sweep.g.ow;
        bool neg = false;
        for (int i = 0; i < n; i++)
            neg = neg || sc->out[i] < 0.0f;
        L->out_scale = colorscale_fit(neg ? COLORMAP_DIVERGING : COLORMAP_SEQUENTIAL, sc->out, n);
    }
    bool neg_in = false;
    for (int i = 0; i < sc->h * sc->w; i++)
        neg_in = neg_in || sc->x[i] < 0.0f;
    L->in_scale =
        colorscale_fit(neg_in ? COLORMAP_DIVERGING : COLORMAP_SEQUENTIAL, sc->x, sc->h * sc->w);
    L->k_scale = colorscale_fit(COLORMAP_DIVERGING, sc->k, sc->kh * sc->kw);
    timeline_set_count(&L->tl, sc->sweep.steps);
    L->shown_pos = -1;
}

void convlab_refresh_shown(ConvLab *L)
{
    if (L->shown_pos == L->tl.pos || !L->sc.sweep.valid)
        return;
    int n = L->sc.sweep.g.oh * L->sc.sweep.g.ow;
    for (int i = 0; i < n; i++)
        L->shown[i] = i < L->tl.pos;
    L->shown_pos = L->tl.pos;
}

void convlab_choose_source(ConvLab *L, ConvSource s)
{
    convscene_choose_source(&L->sc, s);
    L->sel_input = -1;
}

static void *conv_create(char *err, size_t err_size)
{
    ConvLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "convolution lab: out of memory");
        return NULL;
    }
    convscene_init(&L->sc, lsu_digits_acquire(L->digits_err, sizeof L->digits_err));
    L->sel_kernel = L->sel_input = -1;
    timeline_init(&L->tl, 0);
    L->tl.unit = "window"; /* each step moves the window one place */
    convlab_recompute(L);
    /* the notes' 90s a dozen windows in */
    timeline_seek(&L->tl, 12);
    return L;
}

static void conv_destroy(void *state)
{
    ConvLab *L = state;
    if (!L)
        return;
    if (L->sc.digits)
        lsu_digits_release();
    free(L);
}

bool convlab_load_file(ConvLab *L, const char *path, char *err, size_t err_size)
{
    float img[28 * 28];
    char name[256];
    if (!lsu_picture_load(path, img, name, sizeof name, err, err_size))
        return false;
    convscene_set_file(&L->sc, img, name);
    if (path != L->path_edit)
        snprintf(L->path_edit, sizeof L->path_edit, "%s", path);
    L->sel_input = -1;
    return true;
}

/* A picture dropped on the window (or typed into the path field) becomes the input. */
static bool conv_drop(void *state, const char *path, char *err, size_t err_size)
{
    ConvLab *L = state;
    if (!convlab_load_file(L, path, err, err_size))
        return false;
    convlab_recompute(L);
    return true;
}

/* input=: a source by name, digit:N or class:K of the bundled digits, or a picture's path. */
static bool set_input(ConvLab *L, const char *key, const char *value, char *err, size_t err_size)
{
    ConvScene *sc = &L->sc;
    ConvSource src;
    int v[1];
    bool known = convscene_source_find(value, &src);
    if (known && src == CONV_SRC_FILE && !sc->have_file) {
        snprintf(err, err_size, "input=file: no picture loaded yet; give input=PATH");
        return false;
    }
    if (known) {
        convlab_choose_source(L, src);
    } else if (strncmp(value, "digit:", 6) == 0 || strncmp(value, "class:", 6) == 0) {
        if (!lsu_parse_ints(key, value + 6, v, 1, 0, value[0] == 'd' ? 1999 : 9, err, err_size))
            return false;
        if (!sc->digits) {
            snprintf(err, err_size, "input=%s: %s", value, L->digits_err);
            return false;
        }
        if (value[0] == 'd') {
            sc->digit_index = v[0];
        } else {
            sc->digit_class = v[0];
            sc->digit_index = lsu_digit_of_class(sc->digits, v[0], 0);
        }
        sc->src = CONV_SRC_DIGIT;
        sc->dirty = true;
    } else if (!convlab_load_file(L, value, err, err_size)) {
        return false;
    }
    return true;
}

/* k=, stride= and dilation= ("A" or "A,B"), pad= ("P", "PH,PW" or "T,B,L,R"). */
static bool set_geometry(ConvScene *sc, const char *key, const char *value, char *err,
                         size_t err_size)
{
    int v[4];
    int n;
    if (strcmp(key, "k") == 0) {
        if (!(n = lsu_parse_ints(key, value, v, 2, 1, CONVLAB_MAX_K, err, err_size)))
            return false;
        int old_kh = sc->kh, old_kw = sc->kw;
        sc->kh = v[0];
        sc->kw = n > 1 ? v[1] : v[0];
        if (sc->src == CONV_SRC_SIGNAL && n == 1)
            sc->kh = 1;
        convscene_clamp(sc);
        convscene_resize_kernel(sc, old_kh, old_kw);
        sc->dirty = true;
    } else if (strcmp(key, "stride") == 0) {
        if (!(n = lsu_parse_ints(key, value, v, 2, 1, 8, err, err_size)))
            return false;
        sc->sh = v[0];
        sc->sw = n > 1 ? v[1] : v[0];
        sc->dirty = true;
    } else if (strcmp(key, "pad") == 0) {
        if (!(n = lsu_parse_ints(key, value, v, 4, 0, CONVLAB_MAX_K, err, err_size)))
            return false;
        if (n == 3) {
            snprintf(err, err_size, "pad=%s: expected P, PH,PW or T,B,L,R", value);
            return false;
        }
        sc->pt = sc->pb = v[0];
        sc->pl = sc->pr = n >= 2 ? v[1] : v[0];
        if (n == 4) {
            sc->pb = v[1];
            sc->pl = v[2];
            sc->pr = v[3];
        }
        sc->pad_sides = n == 4;
        sc->dirty = true;
    } else if (strcmp(key, "dilation") == 0) {
        if (!(n = lsu_parse_ints(key, value, v, 2, 1, 4, err, err_size)))
            return false;
        sc->dh = v[0];
        sc->dw = n > 1 ? v[1] : v[0];
        sc->dirty = true;
    }
    return true;
}

static bool conv_set_option(void *state, const char *key, const char *value, char *err,
                            size_t err_size)
{
    ConvLab *L = state;
    ConvScene *sc = &L->sc;
    int v[1];
    if (strcmp(key, "preset") == 0 || strcmp(key, "kernel") == 0) {
        KernelsPreset p;
        KernelsExample e;
        if (kernels_preset_find(value, &p)) {
            convscene_set_preset(sc, p);
        } else if (kernels_example_find(value, &e) &&
                   (e == KERNELS_EX_GRID3 || e == KERNELS_EX_NINETIES || e == KERNELS_EX_SIGNAL)) {
            convlab_choose_source(L, e == KERNELS_EX_GRID3      ? CONV_SRC_GRID3
                                     : e == KERNELS_EX_NINETIES ? CONV_SRC_NINETIES
                                                                : CONV_SRC_SIGNAL);
        } else {
            snprintf(err, err_size,
                     "%s=%s: expected identity, box, gaussian, sharpen, sobel-x, sobel-y, "
                     "laplacian, emboss, or the notes' examples grid3, nineties, signal",
                     key, value);
            return false;
        }
    } else if (strcmp(key, "input") == 0) {
        if (!set_input(L, key, value, err, err_size))
            return false;
    } else if (strcmp(key, "k") == 0 || strcmp(key, "stride") == 0 || strcmp(key, "pad") == 0 ||
               strcmp(key, "dilation") == 0) {
        if (!set_geometry(sc, key, value, err, err_size))
            return false;
    } else if (strcmp(key, "bias") == 0) {
        if (!lsu_parse_float(key, value, &sc->bias, err, err_size))
            return false;
        sc->dirty = true;
    } else if (strcmp(key, "size") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 3, CONVLAB_MAX_IN, err, err_size))
            return false;
        if (sc->src == CONV_SRC_CANVAS)
            sc->csize = v[0];
        else {
            sc->msize = v[0];
            sc->src = CONV_SRC_MATRIX;
        }
        sc->dirty = true;
    } else if (strcmp(key, "weights") == 0) {
        if (!convscene_parse_weights(sc, value, err, err_size))
            return false;
    } else if (strcmp(key, "coverage") == 0) {
        if (!lsu_parse_bool(key, value, &sc->coverage, err, err_size))
            return false;
    } else if (strcmp(key, "hover") == 0) {
        return convscene_parse_hover(value, &sc->force, err, err_size);
    } else {
        snprintf(err, err_size,
                 "convolution: unknown option '%s' (preset, input, k, stride, pad, dilation, "
                 "bias, size, weights, coverage, hover, step)",
                 key);
        return false;
    }
    if (sc->dirty)
        convlab_recompute(L);
    return true;
}

static Timeline *conv_timeline(void *state)
{
    ConvLab *L = state;
    if (L->sc.dirty)
        convlab_recompute(L);
    return &L->tl;
}

static bool conv_update(void *state, double dt)
{
    ConvLab *L = state;
    L->clock += dt;
    bool gliding =
        ease_rect_moving(&L->e_win, L->clock) || ease_rect_moving(&L->e_cell, L->clock) ||
        ease_rect_moving(&L->e_hwin, L->clock) || ease_rect_moving(&L->e_hcell, L->clock);
    return L->tl.playing || L->dragging_k || L->dragging_x || L->painting || gliding;
}

static void conv_draw(void *state, LabContext *ctx)
{
    ConvLab *L = state;
    if (L->sc.dirty)
        convlab_recompute(L);
    convlab_draw_controls(L, ctx);
    if (L->sc.dirty)
        convlab_recompute(L);
    convlab_refresh_shown(L);
    convlab_draw_stage(L, ctx);
}

static bool conv_key(void *state, int sdl_keycode, bool ctrl, bool shift)
{
    (void)ctrl;
    (void)shift;
    ConvLab *L = state;
    /* 'c' toggles the coverage (visits) view */
    if (sdl_keycode == 'c') {
        L->sc.coverage = !L->sc.coverage;
        return true;
    }
    /* 'o' opens a picture by typing its path: the input becomes the file, the field focused */
    if (sdl_keycode == 'o') {
        convlab_choose_source(L, CONV_SRC_FILE);
        L->focus_path = true;
        return true;
    }
    return false;
}

/* The H overlay's rows for this lab (conv_key and the mouse in conv_draw). */
static const UiHelpRow conv_help[] = {
    {"C", "visits per input cell (how often the kernel covers it) on / off"},
    {"O", "Image file\xE2\x80\xA6 input: type a picture's path, Enter loads it"},
    {"drop", "a PNG, JPEG, BMP or PGM on the window becomes the input"},
    {"hover", "an output cell: its window and sum; an input cell: the outputs it feeds"},
    {"drag \xE2\x86\x95", "a kernel value (or a Matrix input cell): \xC2\xB1"
                          "0.1 per 6 px"},
    {"drag", "Canvas input: draw with the mouse; Shift+drag erases"},
    {"fields", "type a number, drag sideways, wheel or \xE2\x86\x91 \xE2\x86\x93"},
    {NULL, NULL},
};

const LabDef lab_convolution = {
    .name = "convolution",
    .title = "Convolution",
    .blurb = "A kernel slides over the input: every output cell written out as its sum.",
    .create = conv_create,
    .destroy = conv_destroy,
    .set_option = conv_set_option,
    .update = conv_update,
    .draw = conv_draw,
    .timeline = conv_timeline,
    .key = conv_key,
    .drop = conv_drop,
    .help = conv_help,
};
