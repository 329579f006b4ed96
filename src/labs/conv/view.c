/* lab_conv.c - the Convolution lab: input (with its padding ring), kernel and output side by
 * side; the window sweeps with the stride, each output cell asked of the engine (conv_cell)
 * and written out as an equation; the output-size formula filled in for both axes; the rows
 * and columns the stride never reaches; impossible settings explained in place; coverage
 * counts; a 1-D mode for a signal and a 3-tap filter with its shared weights. */
#include "labs/lab.h"
#include "labs/common/labkit.h"
#include "engine/conv.h"
#include "viz/colormap.h"
#include "viz/grid.h"
#include "viz/imgfile.h"
#include "viz/kernels.h"
#include "viz/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IN  32                   /* input side (the digit is 28) */
#define MAX_K   KERNELS_MAX_SIDE     /* kernel side */
#define MAX_OUT (MAX_IN + 2 * MAX_K) /* stride 1, kernel 1, padding k on both sides */

typedef enum ConvSource {
    SRC_GRID3,    /* the notes' 3x3 input 0..8 */
    SRC_NINETIES, /* the notes' 10x10 image of 90s */
    SRC_DIGIT,    /* a bundled MNIST digit */
    SRC_MATRIX,   /* a small matrix the user edits */
    SRC_CANVAS,   /* a 28x28 canvas to draw on */
    SRC_FILE,     /* a picture from a file, made MNIST-like */
    SRC_SIGNAL,   /* the 1-D signal S1..S8 */
    SRC_COUNT
} ConvSource;

static const char *const source_items[SRC_COUNT] = {
    "Notes: 3\xC3\x97"
    "3 input 0..8",
    "Notes: 10\xC3\x97"
    "10 of 90s",
    "Digit",
    "Matrix (edit)",
    "Canvas (draw)",
    "Image file\xE2\x80\xA6",
    "1-D signal",
};
static const char *const source_names[SRC_COUNT] = {"grid3",  "nineties", "digit", "matrix",
                                                    "canvas", "file",     "signal"};

typedef enum HoverKind { HOVER_NONE, HOVER_INPUT, HOVER_KERNEL, HOVER_OUTPUT } HoverKind;

typedef struct ConvLab {
    ConvSource src;
    int h, w;
    float x[MAX_IN * MAX_IN]; /* (H, W) the input in use */
    int msize;
    float matrix[MAX_IN * MAX_IN]; /* (msize, msize) the editable matrix */
    int csize;
    float canvas[MAX_IN * MAX_IN]; /* (csize, csize) the drawing */
    float file_img[28 * 28];       /* (28, 28) the picture, MNIST-like */
    char file_name[256];
    bool have_file;
    char path_edit[512]; /* the typed path of the "Image file…" field */
    bool focus_path;     /* key O: the path field takes the keyboard on the next frame */
    const Dataset *digits;
    char digits_err[256];
    int digit_index, digit_class;

    int kh, kw, sh, sw, pt, pb, pl, pr, dh, dw;
    bool pad_sides; /* per-side padding fields instead of one */
    float bias;
    int preset;             /* KernelsPreset, or -1 when edited by hand */
    float k[MAX_K * MAX_K]; /* (KH, KW) */

    /* derived, recomputed when dirty */
    bool dirty;
    Sweep sw_;
    char why[512];
    float out[MAX_OUT * MAX_OUT]; /* (OH, OW) each cell from conv_cell */
    uint8_t shown[MAX_OUT * MAX_OUT];
    int cov[MAX_IN * MAX_IN];
    float covf[MAX_IN * MAX_IN];
    ColorScale in_scale, k_scale, out_scale;
    Timeline tl;
    int shown_pos; /* the timeline position shown[] reflects */

    bool coverage;
    /* editing */
    int sel_kernel; /* selected kernel cell (ky*KW + kx) or -1 */
    int sel_input;  /* selected matrix cell or -1 */
    bool dragging_k, dragging_x, painting;
    /* eased highlights: the amber window and cell, the cyan receptive field and cell */
    double clock; /* seconds of update() so far */
    EaseRect e_win, e_cell, e_hwin, e_hcell;
    int drag_y;
    float drag_from;
    /* a hover forced by set_option (for headless renders and lessons) */
    HoverKind force_kind;
    int force_r, force_c;
} ConvLab;

static void set_kernel_preset(ConvLab *L, KernelsPreset p)
{
    kernels_preset_fill(p, L->kh, L->kw, L->k, &L->kh, &L->kw);
    L->preset = (int)p;
    L->dirty = true;
}

/* A new kernel size: identity and box are rebuilt at that size; any other kernel keeps the
 * values that still fit (top-left aligned), zeros elsewhere, and becomes "custom". */
static void resize_kernel(ConvLab *L, int old_kh, int old_kw)
{
    if (L->kh == old_kh && L->kw == old_kw)
        return;
    if (L->preset == KERNELS_IDENTITY || L->preset == KERNELS_BOX) {
        set_kernel_preset(L, (KernelsPreset)L->preset);
        return;
    }
    float old[MAX_K * MAX_K];
    memcpy(old, L->k, sizeof old);
    for (int y = 0; y < L->kh; y++)
        for (int x = 0; x < L->kw; x++)
            L->k[y * L->kw + x] = (y < old_kh && x < old_kw) ? old[y * old_kw + x] : 0.0f;
    L->preset = -1;
    L->dirty = true;
}

/* Symmetric padding keeps within 0..k; per side likewise. */
static void clamp_geometry(ConvLab *L)
{
#define CLAMP(v, lo, hi) ((v) < (lo) ? (lo) : (v) > (hi) ? (hi) : (v))
    L->kh = CLAMP(L->kh, 1, MAX_K);
    L->kw = CLAMP(L->kw, 1, MAX_K);
    if (L->src == SRC_SIGNAL)
        L->kh = 1;
    L->sh = CLAMP(L->sh, 1, 8);
    L->sw = CLAMP(L->sw, 1, 8);
    L->dh = CLAMP(L->dh, 1, 4);
    L->dw = CLAMP(L->dw, 1, 4);
    L->pt = CLAMP(L->pt, 0, L->kh);
    L->pb = CLAMP(L->pb, 0, L->kh);
    L->pl = CLAMP(L->pl, 0, L->kw);
    L->pr = CLAMP(L->pr, 0, L->kw);
    if (L->src == SRC_SIGNAL)
        L->pt = L->pb = 0;
#undef CLAMP
}

/* Copies the chosen source into x (H, W). */
static void load_source(ConvLab *L)
{
    switch (L->src) {
    case SRC_GRID3:
    case SRC_NINETIES:
    case SRC_SIGNAL: {
        const KernelsExampleData *ex =
            kernels_example(L->src == SRC_GRID3      ? KERNELS_EX_GRID3
                            : L->src == SRC_NINETIES ? KERNELS_EX_NINETIES
                                                     : KERNELS_EX_SIGNAL);
        L->h = ex->h;
        L->w = ex->w;
        memcpy(L->x, ex->x, sizeof(float) * (size_t)(ex->h * ex->w));
        break;
    }
    case SRC_DIGIT:
        L->h = L->w = 28;
        if (L->digits && L->digits->h == 28 && L->digits->w == 28)
            dataset_image(L->digits, L->digit_index % L->digits->n, L->x);
        else
            memset(L->x, 0, sizeof L->x);
        break;
    case SRC_MATRIX:
        L->h = L->w = L->msize;
        memcpy(L->x, L->matrix, sizeof(float) * (size_t)(L->msize * L->msize));
        break;
    case SRC_CANVAS:
        L->h = L->w = L->csize;
        memcpy(L->x, L->canvas, sizeof(float) * (size_t)(L->csize * L->csize));
        break;
    case SRC_FILE:
        L->h = L->w = 28;
        memcpy(L->x, L->file_img, sizeof L->file_img);
        break;
    default:
        break;
    }
}

/* Switching to an example of the notes brings its kernel and settings along. */
static void choose_source(ConvLab *L, ConvSource s)
{
    L->src = s;
    L->sel_input = -1;
    if (s == SRC_GRID3 || s == SRC_NINETIES || s == SRC_SIGNAL) {
        const KernelsExampleData *ex = kernels_example(s == SRC_GRID3      ? KERNELS_EX_GRID3
                                                       : s == SRC_NINETIES ? KERNELS_EX_NINETIES
                                                                           : KERNELS_EX_SIGNAL);
        L->kh = ex->kh;
        L->kw = ex->kw;
        memcpy(L->k, ex->k, sizeof(float) * (size_t)(ex->kh * ex->kw));
        L->preset = s == SRC_NINETIES ? KERNELS_BOX : -1;
        L->sh = L->sw = ex->stride;
        L->pt = L->pb = L->pl = L->pr = ex->pad;
        L->dh = L->dw = 1;
        L->bias = 0.0f;
    }
    clamp_geometry(L);
    L->dirty = true;
}

static void recompute(ConvLab *L)
{
    clamp_geometry(L);
    load_source(L);
    ConvGeom g = {0};
    g.n = 1;
    g.c = 1;
    g.h = L->h;
    g.w = L->w;
    g.o = 1;
    g.kh = L->kh;
    g.kw = L->kw;
    g.sh = L->sh;
    g.sw = L->sw;
    g.pt = L->pt;
    g.pb = L->pb;
    g.pl = L->pl;
    g.pr = L->pr;
    g.dh = L->dh;
    g.dw = L->dw;
    sweep_init(&L->sw_, &g, L->why, sizeof L->why);
    if (L->sw_.valid) {
        /* Each output cell is asked of the engine at its position, as the sweep shows it. */
        for (int oy = 0; oy < L->sw_.g.oh; oy++)
            for (int ox = 0; ox < L->sw_.g.ow; ox++)
                L->out[oy * L->sw_.g.ow + ox] =
                    conv_cell(&L->sw_.g, L->x, L->k, &L->bias, 0, oy, ox, NULL, 0, NULL);
        int n = L->sw_.g.oh * L->sw_.g.ow;
        bool neg = false;
        for (int i = 0; i < n; i++)
            neg = neg || L->out[i] < 0.0f;
        L->out_scale = colorscale_fit(neg ? COLORMAP_DIVERGING : COLORMAP_SEQUENTIAL, L->out, n);
    }
    sweep_coverage(&L->sw_, L->k, L->cov);
    for (int i = 0; i < L->h * L->w; i++)
        L->covf[i] = (float)L->cov[i];
    bool neg_in = false;
    for (int i = 0; i < L->h * L->w; i++)
        neg_in = neg_in || L->x[i] < 0.0f;
    L->in_scale =
        colorscale_fit(neg_in ? COLORMAP_DIVERGING : COLORMAP_SEQUENTIAL, L->x, L->h * L->w);
    L->k_scale = colorscale_fit(COLORMAP_DIVERGING, L->k, L->kh * L->kw);
    timeline_set_count(&L->tl, L->sw_.steps);
    L->shown_pos = -1;
    L->dirty = false;
}

static void refresh_shown(ConvLab *L)
{
    if (L->shown_pos == L->tl.pos || !L->sw_.valid)
        return;
    int n = L->sw_.g.oh * L->sw_.g.ow;
    for (int i = 0; i < n; i++)
        L->shown[i] = i < L->tl.pos;
    L->shown_pos = L->tl.pos;
}

static void *conv_create(char *err, size_t err_size)
{
    ConvLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "convolution lab: out of memory");
        return NULL;
    }
    L->digits = lsu_digits_acquire(L->digits_err, sizeof L->digits_err);
    L->msize = 6;
    /* a small matrix with a vertical edge: dark left half, bright right half */
    for (int i = 0; i < MAX_IN * MAX_IN; i++)
        L->matrix[i] = (float)((i % MAX_IN) >= 3 ? 1 : 0);
    for (int r = 0; r < L->msize; r++)
        for (int c = 0; c < L->msize; c++)
            L->matrix[r * L->msize + c] = c >= 3 ? 1.0f : 0.0f;
    L->csize = 28;
    snprintf(L->file_name, sizeof L->file_name, "(none: use input=PATH)");
    L->sel_kernel = L->sel_input = -1;
    L->kh = L->kw = 3;
    timeline_init(&L->tl, 0);
    /* The default scene is the notes' 10x10 image of 90s under the box filter, a dozen
     * windows in: numbers a student can check against the printed 8x8. */
    choose_source(L, SRC_NINETIES);
    recompute(L);
    timeline_seek(&L->tl, 12);
    return L;
}

static void conv_destroy(void *state)
{
    ConvLab *L = state;
    if (!L)
        return;
    if (L->digits)
        lsu_digits_release();
    free(L);
}

static bool parse_hover(ConvLab *L, const char *value, char *err, size_t err_size)
{
    char kind[16] = "";
    int r = 0, c = 0;
    if (strcmp(value, "none") == 0) {
        L->force_kind = HOVER_NONE;
        return true;
    }
    if (sscanf(value, "%15[a-z]:%d,%d", kind, &r, &c) != 3) {
        snprintf(err, err_size, "hover=%s: expected in:R,C, out:R,C, kernel:R,C or none", value);
        return false;
    }
    if (strcmp(kind, "in") == 0)
        L->force_kind = HOVER_INPUT;
    else if (strcmp(kind, "out") == 0)
        L->force_kind = HOVER_OUTPUT;
    else if (strcmp(kind, "kernel") == 0)
        L->force_kind = HOVER_KERNEL;
    else {
        snprintf(err, err_size, "hover=%s: expected in, out or kernel before ':'", value);
        return false;
    }
    L->force_r = r;
    L->force_c = c;
    return true;
}

static bool load_file(ConvLab *L, const char *path, char *err, size_t err_size)
{
    if (!imgfile_load_input(path, L->file_img, 1, 28, 28, err, err_size))
        return false;
    /* the name after the last '/' (a loop, not strrchr: GCC's sanitizer builds then see
     * that the argument is never NULL) */
    const char *base = path;
    for (const char *q = path; *q; q++)
        if (*q == '/')
            base = q + 1;
    snprintf(L->file_name, sizeof L->file_name, "%.255s", base);
    if (path != L->path_edit)
        snprintf(L->path_edit, sizeof L->path_edit, "%s", path);
    L->have_file = true;
    choose_source(L, SRC_FILE);
    return true;
}

/* A picture dropped on the window (or typed into the path field) becomes the input. */
static bool conv_drop(void *state, const char *path, char *err, size_t err_size)
{
    ConvLab *L = state;
    if (!load_file(L, path, err, err_size))
        return false;
    recompute(L);
    return true;
}

static bool conv_set_option(void *state, const char *key, const char *value, char *err,
                            size_t err_size)
{
    ConvLab *L = state;
    int v[4];
    int n;
    if (strcmp(key, "preset") == 0 || strcmp(key, "kernel") == 0) {
        KernelsPreset p;
        KernelsExample e;
        if (kernels_preset_find(value, &p)) {
            set_kernel_preset(L, p);
        } else if (kernels_example_find(value, &e) &&
                   (e == KERNELS_EX_GRID3 || e == KERNELS_EX_NINETIES || e == KERNELS_EX_SIGNAL)) {
            choose_source(L, e == KERNELS_EX_GRID3      ? SRC_GRID3
                             : e == KERNELS_EX_NINETIES ? SRC_NINETIES
                                                        : SRC_SIGNAL);
        } else {
            snprintf(err, err_size,
                     "%s=%s: expected identity, box, gaussian, sharpen, sobel-x, sobel-y, "
                     "laplacian, emboss, or the notes' examples grid3, nineties, signal",
                     key, value);
            return false;
        }
    } else if (strcmp(key, "input") == 0) {
        int idx = -1;
        for (int i = 0; i < SRC_COUNT; i++)
            if (strcmp(value, source_names[i]) == 0)
                idx = i;
        if (idx == SRC_FILE && !L->have_file) {
            snprintf(err, err_size, "input=file: no picture loaded yet; give input=PATH");
            return false;
        }
        if (idx >= 0) {
            choose_source(L, (ConvSource)idx);
        } else if (strncmp(value, "digit:", 6) == 0 || strncmp(value, "class:", 6) == 0) {
            if (!lsu_parse_ints(key, value + 6, v, 1, 0, value[0] == 'd' ? 1999 : 9, err, err_size))
                return false;
            if (!L->digits) {
                snprintf(err, err_size, "input=%s: %s", value, L->digits_err);
                return false;
            }
            if (value[0] == 'd') {
                L->digit_index = v[0];
            } else {
                L->digit_class = v[0];
                L->digit_index = lsu_digit_of_class(L->digits, v[0], 0);
            }
            L->src = SRC_DIGIT;
            L->dirty = true;
        } else if (!load_file(L, value, err, err_size)) {
            return false;
        }
    } else if (strcmp(key, "k") == 0) {
        if (!(n = lsu_parse_ints(key, value, v, 2, 1, MAX_K, err, err_size)))
            return false;
        int old_kh = L->kh, old_kw = L->kw;
        L->kh = v[0];
        L->kw = n > 1 ? v[1] : v[0];
        if (L->src == SRC_SIGNAL && n == 1)
            L->kh = 1;
        clamp_geometry(L);
        resize_kernel(L, old_kh, old_kw);
        L->dirty = true;
    } else if (strcmp(key, "stride") == 0) {
        if (!(n = lsu_parse_ints(key, value, v, 2, 1, 8, err, err_size)))
            return false;
        L->sh = v[0];
        L->sw = n > 1 ? v[1] : v[0];
        L->dirty = true;
    } else if (strcmp(key, "pad") == 0) {
        if (!(n = lsu_parse_ints(key, value, v, 4, 0, MAX_K, err, err_size)))
            return false;
        if (n == 3) {
            snprintf(err, err_size, "pad=%s: expected P, PH,PW or T,B,L,R", value);
            return false;
        }
        L->pt = L->pb = v[0];
        L->pl = L->pr = n >= 2 ? v[1] : v[0];
        if (n == 4) {
            L->pb = v[1];
            L->pl = v[2];
            L->pr = v[3];
        }
        L->pad_sides = n == 4;
        L->dirty = true;
    } else if (strcmp(key, "dilation") == 0) {
        if (!(n = lsu_parse_ints(key, value, v, 2, 1, 4, err, err_size)))
            return false;
        L->dh = v[0];
        L->dw = n > 1 ? v[1] : v[0];
        L->dirty = true;
    } else if (strcmp(key, "bias") == 0) {
        if (!lsu_parse_float(key, value, &L->bias, err, err_size))
            return false;
        L->dirty = true;
    } else if (strcmp(key, "size") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 3, MAX_IN, err, err_size))
            return false;
        if (L->src == SRC_CANVAS)
            L->csize = v[0];
        else {
            L->msize = v[0];
            L->src = SRC_MATRIX;
        }
        L->dirty = true;
    } else if (strcmp(key, "weights") == 0) {
        /* KH*KW comma-separated values, row by row */
        const char *p = value;
        int i = 0;
        while (*p && i < L->kh * L->kw) {
            char *end = NULL;
            float f = strtof(p, &end);
            if (end == p)
                break;
            L->k[i++] = f;
            p = *end == ',' ? end + 1 : end;
        }
        if (i != L->kh * L->kw || *p) {
            snprintf(err, err_size, "weights=%s: expected %d numbers (KH×KW = %d×%d)", value,
                     L->kh * L->kw, L->kh, L->kw);
            return false;
        }
        L->preset = -1;
        L->dirty = true;
    } else if (strcmp(key, "coverage") == 0) {
        if (!lsu_parse_bool(key, value, &L->coverage, err, err_size))
            return false;
    } else if (strcmp(key, "hover") == 0) {
        return parse_hover(L, value, err, err_size);
    } else {
        snprintf(err, err_size,
                 "convolution: unknown option '%s' (preset, input, k, stride, pad, dilation, "
                 "bias, size, weights, coverage, hover, step)",
                 key);
        return false;
    }
    if (L->dirty)
        recompute(L);
    return true;
}

static Timeline *conv_timeline(void *state)
{
    ConvLab *L = state;
    if (L->dirty)
        recompute(L);
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

/* --- drawing ------------------------------------------------------------------------------ */

/* The controls: 8 rows, so they fit at UI scale 2 on 1080 lines. */
static void draw_controls(ConvLab *L, LabContext *ctx)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    UiColumn col = ui_column(ctx->controls, th);
    int gap = ui_gap(th);
    int label_w = theme_px(th, 74);
    /* the Size slider's label in the same column as the number fields' labels */
    ui->label_w = label_w;

    int src = (int)L->src;
    if (ui_dropdown(ui, ui_id("conv.src"), ui_column_next(&col, 1), source_items, SRC_COUNT,
                    &src)) {
        choose_source(L, (ConvSource)src);
        /* no picture yet: the path field takes the keyboard at once */
        if (src == SRC_FILE && !L->have_file)
            L->focus_path = true;
    }

    Rect row = ui_column_next(&col, 1);
    if (L->src == SRC_DIGIT && L->digits) {
        Rect a = {row.x, row.y, label_w, row.h};
        ui_label(ui, a, "Digit #", FONT_SANS, THEME_BODY, ALIGN_LEFT | ALIGN_MIDDLE, ctx->th->text);
        int fw = (row.w - label_w - 2 * gap) / 2;
        Rect f = {row.x + label_w, row.y, fw, row.h};
        if (ui_number_int(ui, ui_id("conv.digit"), f, &L->digit_index, 0, L->digits->n - 1))
            L->dirty = true;
        static const char *const classes[10] = {"class 0", "class 1", "class 2", "class 3",
                                                "class 4", "class 5", "class 6", "class 7",
                                                "class 8", "class 9"};
        int cls = L->digits->labels[L->digit_index % L->digits->n];
        Rect d = {f.x + fw + gap, row.y, row.x + row.w - (f.x + fw + gap), row.h};
        if (ui_dropdown(ui, ui_id("conv.class"), d, classes, 10, &cls)) {
            L->digit_index = lsu_digit_of_class(L->digits, cls, 0);
            L->dirty = true;
        }
    } else if (L->src == SRC_DIGIT) {
        ui_label(ui, row, L->digits_err, FONT_SANS, THEME_SMALL, ALIGN_LEFT | ALIGN_MIDDLE,
                 th->error);
    } else if (L->src == SRC_MATRIX || L->src == SRC_CANVAS) {
        int *size = L->src == SRC_MATRIX ? &L->msize : &L->csize;
        int bw = L->src == SRC_CANVAS ? theme_px(th, 64) : 0;
        Rect s = {row.x, row.y, row.w - (bw ? bw + gap : 0), row.h};
        if (ui_slider_int(ui, ui_id("conv.size"), s, "Size", size, 3, MAX_IN))
            L->dirty = true;
        if (bw && ui_button(ui, ui_id("conv.clear"), (Rect){row.x + row.w - bw, row.y, bw, row.h},
                            "Clear")) {
            memset(L->canvas, 0, sizeof L->canvas);
            L->dirty = true;
        }
    } else if (L->src == SRC_FILE) {
        /* type a path (Enter or Load), or drop a picture on the window */
        UiId pid = ui_id("conv.path");
        if (L->focus_path) {
            ui->st.focus = pid;
            L->focus_path = false;
        }
        int bw = theme_px(th, 56);
        Rect f = {row.x, row.y, row.w - bw - gap, row.h};
        /* the longer hint where the field has room for it (a drop works too: see H) */
        const char *hint = "path to an image, Enter";
        int hint_w = 0;
        render_text_size(ctx->r, FONT_SANS, theme_px(th, THEME_BODY), hint, &hint_w, NULL);
        if (hint_w > f.w - 2 * theme_px(th, 6))
            hint = "image path + Enter";
        bool go = ui_text_field(ui, pid, f, L->path_edit, sizeof L->path_edit,
                                L->have_file ? L->file_name : hint);
        go = ui_button(ui, ui_id("conv.load"), (Rect){row.x + row.w - bw, row.y, bw, row.h},
                       "Load") ||
             go;
        if (go && L->path_edit[0]) {
            char err[1024];
            if (!conv_drop(L, L->path_edit, err, sizeof err))
                lab_report_error(ctx, err);
        }
    } else {
        ui_label(ui, row,
                 L->src == SRC_SIGNAL ? "S1..S8 and W1 W2 W3 (ours)" : "From the lecture notes",
                 FONT_SANS, THEME_BODY, ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
    }

    static const char *preset_items[KERNELS_PRESET_COUNT + 1];
    for (int i = 0; i < KERNELS_PRESET_COUNT; i++)
        preset_items[i] = kernels_preset_label((KernelsPreset)i);
    preset_items[KERNELS_PRESET_COUNT] = "Custom";
    int preset = L->preset < 0 ? KERNELS_PRESET_COUNT : L->preset;
    if (ui_dropdown(ui, ui_id("conv.preset"), ui_column_next(&col, 1), preset_items,
                    KERNELS_PRESET_COUNT + 1, &preset) &&
        preset < KERNELS_PRESET_COUNT)
        set_kernel_preset(L, (KernelsPreset)preset);

    /* "Label [a] [b]" rows of number fields: type, drag sideways, wheel or Up/Down. */
    struct {
        const char *label;
        int *a, *b, *c, *d;
        int lo, hi;
    } rows[4] = {
        {"Kernel", &L->kh, &L->kw, NULL, NULL, 1, MAX_K},
        {"Stride", &L->sh, &L->sw, NULL, NULL, 1, 8},
        {"Padding", &L->pt, L->pad_sides ? &L->pb : NULL, L->pad_sides ? &L->pl : NULL,
         L->pad_sides ? &L->pr : NULL, 0, MAX_K},
        {"Dilation", &L->dh, &L->dw, NULL, NULL, 1, 4},
    };
    for (int i = 0; i < 4; i++) {
        Rect rr = ui_column_next(&col, 1);
        if (rr.w <= 0)
            break;
        if (i == 2 && L->pad_sides) {
            /* per side: the label is the toggle back to one padding for all sides */
            if (ui_toggle(ui, ui_id("conv.padmode2"), (Rect){rr.x, rr.y, label_w, rr.h}, "TBLR",
                          &L->pad_sides)) {
                L->pb = L->pl = L->pr = L->pt;
                L->dirty = true;
            }
        } else {
            ui_label(ui, (Rect){rr.x, rr.y, label_w, rr.h}, rows[i].label, FONT_SANS, THEME_BODY,
                     ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        }
        int *fields[4] = {rows[i].a, rows[i].b, rows[i].c, rows[i].d};
        int nf = 0;
        while (nf < 4 && fields[nf])
            nf++;
        /* two fields a row (one padding field leaves the second place to "per side") */
        int fw = (rr.w - label_w - (nf > 2 ? nf - 1 : 1) * gap) / (nf > 2 ? nf : 2);
        int extra = fw + gap;
        for (int f = 0; f < nf; f++) {
            int hi = rows[i].hi;
            if (i == 2) /* padding up to the kernel size on that axis */
                hi = f < 2 ? L->kh : L->kw;
            Rect fr = {rr.x + label_w + f * (fw + gap), rr.y, fw, rr.h};
            int old_kh = L->kh, old_kw = L->kw;
            if (ui_number_int(ui, ui_id_index(ui_id(rows[i].label), f), fr, fields[f], rows[i].lo,
                              hi)) {
                L->dirty = true;
                if (i == 2 && !L->pad_sides)
                    L->pb = L->pl = L->pr = L->pt;
                if (i == 0) {
                    clamp_geometry(L);
                    resize_kernel(L, old_kh, old_kw);
                }
            }
        }
        if (i == 2 && !L->pad_sides) {
            Rect br = {rr.x + rr.w - extra + gap, rr.y, extra - gap, rr.h};
            if (ui_toggle(ui, ui_id("conv.padmode"), br, "sides", &L->pad_sides))
                L->dirty = true;
        }
    }

    Rect br = ui_column_next(&col, 1);
    if (br.w > 0) {
        ui_label(ui, (Rect){br.x, br.y, label_w, br.h}, "Bias", FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        int fw = (br.w - label_w - gap) / 2;
        if (ui_number(ui, ui_id("conv.bias"), (Rect){br.x + label_w, br.y, fw, br.h}, &L->bias,
                      -100.0f, 100.0f, 0.5f, 2))
            L->dirty = true;
        ui_toggle(ui, ui_id("conv.cov"), (Rect){br.x + label_w + fw + gap, br.y, fw, br.h},
                  "Visits", &L->coverage);
    }
}

/* Output cell label "out[1,3]" (or "O4" in 1-D). */
static void out_name(const ConvLab *L, int oy, int ox, char *s, size_t n)
{
    if (L->src == SRC_SIGNAL)
        snprintf(s, n, "O%d", ox + 1);
    else
        snprintf(s, n, "out[%d,%d]", oy, ox);
}

/* The equation strip: the hovered output cell's equation, else the current step's. */
static void draw_equation(ConvLab *L, LabContext *ctx, int eq_oy, int eq_ox, bool hovered)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect rc = rect_inset(ctx->equation, theme_px(th, 4));
    if (rc.w <= 0 || rc.h <= 0)
        return;
    render_clip_push(r, ctx->equation);
    if (!L->sw_.valid) {
        lsu_draw_note(r, th, rc,
                      "No output: the settings leave no room for a window (see the stage).",
                      th->error);
        render_clip_pop(r);
        return;
    }
    if (eq_oy < 0) {
        lsu_draw_note(r, th, rc,
                      "Step 0: the first window is outlined in amber. Press \xE2\x96\xB6 (Space) "
                      "to play or \xE2\x86\x92 to compute one cell.",
                      th->text_dim);
        render_clip_pop(r);
        return;
    }
    char name[32];
    out_name(L, eq_oy, eq_ox, name, sizeof name);
    int nsize = theme_px(th, THEME_HEADING);
    int nw = 0;
    render_text_size(r, FONT_MONO, nsize, name, &nw, NULL);
    render_text(r, FONT_MONO, nsize, name, rc.x, rc.y + rc.h / 2, ALIGN_LEFT | ALIGN_MIDDLE,
                hovered ? th->hover : th->accent);
    Rect er = {rc.x + nw + theme_px(th, 12), rc.y, rc.w - nw - theme_px(th, 12), rc.h};
    int size, chars, lines;
    lsu_equation_metrics(r, th, er, THEME_HEADING, 11, 2, &size, &chars, &lines);
    static ConvTerm terms[MAX_K * MAX_K];
    int n = 0;
    float v = conv_cell(&L->sw_.g, L->x, L->k, &L->bias, 0, eq_oy, eq_ox, terms, MAX_K * MAX_K, &n);
    static char eq[8192];
    int used = 0;
    /* glyph advances are not all exactly one digit wide: refold until the lines really fit */
    for (int tries = 0; tries < 8; tries++, chars--) {
        used = sweep_format_equation(terms, n, true, L->bias, v, chars, lines, eq, sizeof eq);
        if (lsu_widest_line(r, FONT_MONO, size, eq) <= er.w)
            break;
    }
    int lh = render_line_height(r, FONT_MONO, size);
    int y = er.y + (er.h - used * lh) / 2;
    lsu_draw_lines(r, FONT_MONO, size, eq, er.x, y, 0, th->text);
    render_clip_pop(r);
}

/* The 1-D picture: samples S1..Sn above, outputs O1..Om below, every connection coloured by
 * the weight it carries: W1, W2, W3 are the same three colours under every output. */
static void draw_network_1d(ConvLab *L, LabContext *ctx, Rect area, int cur_ox)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    static const Color wcol[4] = {{0x4c, 0xc9, 0xf0, 255},
                                  {0xe8, 0x77, 0x2e, 255},
                                  {0xb3, 0x8c, 0xf2, 255},
                                  {0x7c, 0xd9, 0x7c, 255}};
    int n_in = L->w, n_out = L->sw_.valid ? L->sw_.g.ow : 0;
    int total = n_in + L->pl + L->pr;
    float dx = (float)area.w / (float)(total + 1);
    float rad = fminf(dx * 0.32f, (float)theme_px(th, 16));
    int legend_h = render_line_height(r, FONT_MONO, theme_px(th, THEME_SMALL)) + theme_px(th, 8);
    float y_in = (float)(area.y + legend_h) + rad + (float)theme_px(th, 4);
    float y_out = (float)(area.y + area.h) - rad - (float)theme_px(th, 4);
    int size = theme_px(th, THEME_SMALL);
    char s[32];
    for (int ox = 0; ox < n_out; ox++) {
        float xo = (float)area.x + dx * (float)(1 + ox * L->sw + (L->kw - 1) * L->dw / 2.0f);
        for (int kx = 0; kx < L->kw; kx++) {
            int t = ox * L->sw + kx * L->dw; /* padded index */
            float xi = (float)area.x + dx * (float)(1 + t);
            Color c = wcol[kx % 4];
            bool cur = ox == cur_ox;
            if (!cur)
                c = color_alpha(c, 110);
            render_line(r, xi, y_in + rad, xo, y_out - rad,
                        cur ? 3.0f * th->scale : 1.5f * th->scale, c);
        }
    }
    for (int t = 0; t < total; t++) {
        float xi = (float)area.x + dx * (float)(1 + t);
        int ix = t - L->pl;
        bool pad = ix < 0 || ix >= n_in;
        render_circle(r, xi, y_in, rad, pad ? th->padding : th->panel);
        render_circle_outline(r, xi, y_in, rad, 2.0f, pad ? th->border : th->text_dim);
        if (pad)
            snprintf(s, sizeof s, "0");
        else
            snprintf(s, sizeof s, "S%d", ix + 1);
        render_text(r, FONT_MONO, size, s, (int)xi, (int)y_in, ALIGN_CENTER | ALIGN_MIDDLE,
                    pad ? th->padding_text : th->text);
    }
    for (int ox = 0; ox < n_out; ox++) {
        float xo = (float)area.x + dx * (float)(1 + ox * L->sw + (L->kw - 1) * L->dw / 2.0f);
        bool done = ox < L->tl.pos, cur = ox == cur_ox;
        render_circle(r, xo, y_out, rad, th->panel);
        render_circle_outline(r, xo, y_out, rad, cur ? 3.0f : 2.0f,
                              cur    ? th->accent
                              : done ? th->text
                                     : th->text_dim);
        snprintf(s, sizeof s, "O%d", ox + 1);
        render_text(r, FONT_MONO, size, s, (int)xo, (int)y_out, ALIGN_CENTER | ALIGN_MIDDLE,
                    th->text);
    }
    /* the weight legend above the samples: one colour per shared weight */
    int lx = area.x, ly = area.y + legend_h / 2;
    for (int kx = 0; kx < L->kw && kx < 11; kx++) {
        char ws[48], vs[24];
        sweep_format_value(L->k[kx], vs, sizeof vs);
        snprintf(ws, sizeof ws, "W%d = %s", kx + 1, vs);
        render_rect(r, (Rect){lx, ly - theme_px(th, 3), theme_px(th, 18), theme_px(th, 6)},
                    wcol[kx % 4]);
        int w = render_text(r, FONT_MONO, size, ws, lx + theme_px(th, 24), ly,
                            ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        lx += w + theme_px(th, 40);
    }
}

/* GridView.max_cell (px at scale 1.0) that gives cells of at most px pixels. */
static int trio_max_cell(const Theme *th, int px)
{
    int m = (int)((float)px / th->scale);
    while (m > 1 && theme_px(th, (float)m) > px)
        m--;
    return m > 0 ? m : 1;
}

static void conv_draw(void *state, LabContext *ctx)
{
    ConvLab *L = state;
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Ui *ui = ctx->ui;
    if (L->dirty)
        recompute(L);
    draw_controls(L, ctx);
    if (L->dirty)
        recompute(L);
    refresh_shown(L);

    Rect st = ctx->stage;
    int pad = theme_px(th, 8);
    int body = theme_px(th, THEME_BODY);
    int line = render_line_height(r, FONT_MONO, body);
    bool one_d = L->src == SRC_SIGNAL;

    /* The bottom of the stage: the two size formulas and what the stride leaves out. */
    char unr_r[512] = "", unr_c[512] = "", wrapped_r[1024] = "", wrapped_c[1024] = "";
    int info_lines = one_d ? 2 : 3;
    if (L->sw_.valid) {
        sweep_axis_unreached_text(&L->sw_.rows, "row", "rows", unr_r, sizeof unr_r);
        sweep_axis_unreached_text(&L->sw_.cols, "column", "columns", unr_c, sizeof unr_c);
        if (unr_r[0])
            info_lines +=
                lsu_wrap(r, FONT_SANS, body, unr_r, st.w - 2 * pad, wrapped_r, sizeof wrapped_r);
        if (unr_c[0])
            info_lines +=
                lsu_wrap(r, FONT_SANS, body, unr_c, st.w - 2 * pad, wrapped_c, sizeof wrapped_c);
    }
    int info_h = info_lines * (line + theme_px(th, 3)) + pad;
    Rect grids = {st.x, st.y, st.w, st.h - info_h};
    if (one_d) {
        /* the grids take the top half, the neuron picture the rest */
        grids.h = (st.h - info_h) * 55 / 100;
    }

    char in_title[64], in_shape[128], in_note[64] = "", k_shape[32], k_note[48] = "",
        out_shape[32];
    snprintf(in_title, sizeof in_title, "%s", L->coverage ? "visits per input cell" : "input");
    snprintf(in_shape, sizeof in_shape, "1\xC3\x97%d\xC3\x97%d", L->h, L->w);
    if (L->pt + L->pb + L->pl + L->pr > 0) {
        if (L->pt == L->pb && L->pl == L->pr && L->pt == L->pl)
            snprintf(in_note, sizeof in_note, "(padding %d)", L->pt);
        else
            snprintf(in_note, sizeof in_note, "(pad %d,%d,%d,%d)", L->pt, L->pb, L->pl, L->pr);
    }
    snprintf(k_shape, sizeof k_shape, "%d\xC3\x97%d", L->kh, L->kw);
    /* the dilation on the kernel's second title line: on the first it would shrink the title */
    if (L->dh > 1 || L->dw > 1)
        snprintf(k_note, sizeof k_note, "(dilation %d,%d)", L->dh, L->dw);
    if (L->sw_.valid)
        snprintf(out_shape, sizeof out_shape, "1\xC3\x97%d\xC3\x97%d", L->sw_.g.oh, L->sw_.g.ow);
    else
        out_shape[0] = '\0';

    /* Input, kernel and output placed together: one cell size for input and output, the
     * kernel's at most 1.5 times it (or legible while the input stays larger), side by side
     * or stacked, whichever shows the input largest; all three always show. */
    int title_line = render_line_height(r, FONT_SANS_BOLD, body);
    int legend_h = colormap_legend_height(th) + theme_px(th, 6);
    const char *titles[3] = {in_title, "kernel", "output"};
    const char *shapes[3] = {in_shape, k_shape, out_shape};
    const char *notes[3] = {in_note, k_note, ""};
    LsuTrioGrid tg[3] = {
        {L->w + L->pl + L->pr, L->h + L->pt + L->pb, 0, 0},
        {L->kw, L->kh, 0, 0},
        {L->sw_.valid ? L->sw_.g.ow : 1, L->sw_.valid ? L->sw_.g.oh : 1, 0, 0},
    };
    for (int i = 0; i < 3; i++) {
        int tw = 0, sw = 0, nw = 0;
        render_text_size(r, FONT_SANS_BOLD, body, titles[i], &tw, NULL);
        render_text_size(r, FONT_MONO, body, shapes[i], &sw, NULL);
        render_text_size(r, FONT_SANS, body, notes[i], &nw, NULL);
        tg[i].min_w = tw + theme_px(th, 6) + sw;
        if (nw > tg[i].min_w)
            tg[i].min_w = nw;
        /* the legend's min, zero and max stay apart */
        if (tg[i].min_w < theme_px(th, 88))
            tg[i].min_w = theme_px(th, 88);
        tg[i].text_h = (notes[i][0] ? 2 : 1) * title_line + theme_px(th, 4) + legend_h;
    }
    if (!L->sw_.valid) {
        /* room for the panel that explains why there is no output */
        tg[2].min_w = theme_px(th, 200);
        tg[2].text_h = theme_px(th, 160);
    }
    int op_w = theme_px(th, 28);
    LsuTrio trio = lsu_layout_trio(grids, tg, op_w, theme_px(th, GRID_MAX_CELL),
                                   theme_px(th, 36));
    Rect a_in = trio.area[0], a_k = trio.area[1], a_out = trio.area[2];
    if (in_note[0]) {
        /* "input 1×7×7  (padding 1)" on one line when it fits at the body size; else the
         * padding stays on the second line rather than the whole title shrinking */
        char one[128];
        snprintf(one, sizeof one, "%.40s  %.60s", in_shape, in_note);
        if (grid_title_fits(r, th, in_title, one, a_in.w)) {
            snprintf(in_shape, sizeof in_shape, "%s", one);
            in_note[0] = '\0';
        }
    }
    if (!grid_title_fits(r, th, in_title, in_shape, a_in.w) && L->coverage)
        snprintf(in_title, sizeof in_title, "visits");
    GridView vin =
        grid_view_make(in_title, L->coverage ? L->covf : L->x, L->h, L->w, COLORMAP_SEQUENTIAL);
    vin.shape = in_shape;
    vin.note = in_note[0] ? in_note : NULL;
    vin.scale =
        L->coverage ? colorscale_fit(COLORMAP_SEQUENTIAL, L->covf, L->h * L->w) : L->in_scale;
    vin.pad_top = L->pt;
    vin.pad_bottom = L->pb;
    vin.pad_left = L->pl;
    vin.pad_right = L->pr;
    vin.show_values = ctx->show_values;
    /* the cell sizes chosen together, not as large as each column alone would allow */
    vin.max_cell = trio_max_cell(th, trio.cell[0]);

    GridView vk = grid_view_make("kernel", L->k, L->kh, L->kw, COLORMAP_DIVERGING);
    vk.shape = k_shape;
    vk.note = k_note[0] ? k_note : NULL;
    vk.scale = L->k_scale;
    vk.show_values = ctx->show_values;
    vk.decimals = 3; /* as the equation prints the weights (0.111) */
    vk.max_cell = trio_max_cell(th, trio.cell[1]);

    GridView vo = grid_view_make("output", L->out, L->sw_.valid ? L->sw_.g.oh : 1,
                                 L->sw_.valid ? L->sw_.g.ow : 1, COLORMAP_SEQUENTIAL);
    vo.shape = out_shape;
    vo.max_cell = trio_max_cell(th, trio.cell[2]);
    vo.scale = L->out_scale;
    vo.shown = L->shown;
    vo.show_values = ctx->show_values;

    /* The current step: cell pos-1 (none at pos 0, when the first window waits, outlined). */
    int cur_oy = -1, cur_ox = -1, win_oy = 0, win_ox = 0;
    if (L->sw_.valid) {
        int o;
        if (L->tl.pos > 0) {
            sweep_step_cell(&L->sw_, L->tl.pos - 1, &o, &cur_oy, &cur_ox);
            win_oy = cur_oy;
            win_ox = cur_ox;
        }
    }

    GridLayout lin = lsu_grid_layout(r, th, &vin, a_in);
    GridLayout lk = lsu_grid_layout(r, th, &vk, a_k);
    GridLayout lo = lsu_grid_layout(r, th, &vo, a_out);

    /* Hover: the mouse (window) or the hover= option (headless renders, lessons). */
    HoverKind hk = HOVER_NONE;
    int hr = 0, hc = 0;
    if (ctx->headless || L->force_kind != HOVER_NONE) {
        hk = L->force_kind;
        hr = L->force_r;
        hc = L->force_c;
    }
    if (!ctx->headless && !ui->mouse_used) {
        GridHit h;
        if ((h = grid_hit_test(&vo, &lo, ui->in.mx, ui->in.my)).inside && L->sw_.valid) {
            hk = HOVER_OUTPUT;
            hr = h.row;
            hc = h.col;
        } else if ((h = grid_hit_test(&vin, &lin, ui->in.mx, ui->in.my)).inside && !h.in_padding) {
            hk = HOVER_INPUT;
            hr = h.row;
            hc = h.col;
        } else if ((h = grid_hit_test(&vk, &lk, ui->in.mx, ui->in.my)).inside) {
            hk = HOVER_KERNEL;
            hr = h.row;
            hc = h.col;
        }
    }
    if (hk == HOVER_OUTPUT &&
        (!L->sw_.valid || hr < 0 || hc < 0 || hr >= L->sw_.g.oh || hc >= L->sw_.g.ow))
        hk = HOVER_NONE;
    if (hk == HOVER_INPUT && (hr < 0 || hc < 0 || hr >= L->h || hc >= L->w))
        hk = HOVER_NONE;
    if (hk == HOVER_KERNEL && (hr < 0 || hc < 0 || hr >= L->kh || hc >= L->kw))
        hk = HOVER_NONE;

    /* Editing: drag a kernel value up/down; click a kernel cell to type into it; in the
     * matrix, the same for input cells; on the canvas, drag to draw (Shift erases). */
    if (!ctx->headless && !ui->mouse_used) {
        GridHit hkit = grid_hit_test(&vk, &lk, ui->in.mx, ui->in.my);
        GridHit hin = grid_hit_test(&vin, &lin, ui->in.mx, ui->in.my);
        if (ui->in.mouse_pressed && hkit.inside) {
            L->sel_kernel = hkit.row * L->kw + hkit.col;
            L->dragging_k = true;
            L->drag_y = ui->in.my;
            L->drag_from = L->k[L->sel_kernel];
        } else if (ui->in.mouse_pressed && hin.inside && !hin.in_padding && !L->coverage &&
                   (L->src == SRC_MATRIX || L->src == SRC_CANVAS)) {
            if (L->src == SRC_MATRIX) {
                L->sel_input = hin.row * L->w + hin.col;
                L->dragging_x = true;
                L->drag_y = ui->in.my;
                L->drag_from = L->matrix[L->sel_input];
            } else {
                L->painting = true;
            }
        }
        if (!ui->in.mouse_down) {
            L->dragging_k = L->dragging_x = L->painting = false;
        }
        float step = 0.1f;
        if (L->dragging_k && L->sel_kernel >= 0 && L->sel_kernel < L->kh * L->kw) {
            int dy = L->drag_y - ui->in.my;
            if (dy != 0) {
                float nv =
                    roundf((L->drag_from + (float)(dy / theme_px(th, 6)) * step) * 10.0f) / 10.0f;
                if (nv != L->k[L->sel_kernel] && abs(dy) >= theme_px(th, 6)) {
                    L->k[L->sel_kernel] = nv;
                    L->preset = -1;
                    L->dirty = true;
                }
            }
            ui->mouse_used = true;
        }
        if (L->dragging_x && L->sel_input >= 0) {
            int dy = L->drag_y - ui->in.my;
            if (abs(dy) >= theme_px(th, 6)) {
                L->matrix[L->sel_input] =
                    roundf((L->drag_from + (float)(dy / theme_px(th, 6)) * step) * 10.0f) / 10.0f;
                L->dirty = true;
            }
            ui->mouse_used = true;
        }
        if (L->painting && hin.inside && !hin.in_padding) {
            float ink = ui->in.shift ? 0.0f : 1.0f;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int y = hin.row + dy, x = hin.col + dx;
                    if (y < 0 || x < 0 || y >= L->csize || x >= L->csize)
                        continue;
                    float want = (dx == 0 && dy == 0) ? ink : ink * 0.5f;
                    float *p = &L->canvas[y * L->csize + x];
                    *p = ui->in.shift ? (dx == 0 && dy == 0 ? 0.0f : *p) : fmaxf(*p, want);
                }
            L->dirty = true;
            ui->mouse_used = true;
        }
        if (L->dirty) {
            recompute(L);
            vin.data = L->coverage ? L->covf : L->x;
            vin.scale = L->coverage ? colorscale_fit(COLORMAP_SEQUENTIAL, L->covf, L->h * L->w)
                                    : L->in_scale;
            vk.scale = L->k_scale;
            vo.scale = L->out_scale;
            refresh_shown(L);
        }
    }

    /* Highlights: the current window and cell in amber; the hovered links in cyan. */
    int iy0 = 0, ix0 = 0, wr = 0, wc = 0;
    if (L->sw_.valid) {
        sweep_window(&L->sw_, win_oy, win_ox, &iy0, &ix0, &wr, &wc);
        /* one step glides; a wrap to the next row or a scrub jumps */
        float jump = (float)(L->sh > L->sw ? L->sh : L->sw) + 1.0f;
        lsu_highlight_eased(&vin, &L->e_win, iy0, ix0, wr, wc, GRID_HL_CURRENT, L->clock, jump);
        if (cur_oy >= 0)
            lsu_highlight_eased(&vo, &L->e_cell, cur_oy, cur_ox, 1, 1, GRID_HL_CURRENT, L->clock,
                                2.0f);
        else
            ease_rect_reset(&L->e_cell);
        grid_add_highlight(&vk, 0, 0, L->kh, L->kw, GRID_HL_CURRENT);
    }
    if (hk != HOVER_OUTPUT) {
        /* the next hover appears where it is, without gliding in from the last one */
        ease_rect_reset(&L->e_hwin);
        ease_rect_reset(&L->e_hcell);
    }
    bool dilated = L->dh > 1 || L->dw > 1;
    int hy0 = 0, hx0 = 0;
    if (hk == HOVER_OUTPUT) {
        int rr, cc;
        sweep_window(&L->sw_, hr, hc, &hy0, &hx0, &rr, &cc);
        float jump = (float)(L->sh > L->sw ? L->sh : L->sw) + 1.0f;
        /* dilated: the receptive field is the taps alone (outlined after drawing), not the
         * box around them with the rows and columns it skips */
        if (!dilated)
            lsu_highlight_eased(&vin, &L->e_hwin, hy0, hx0, rr, cc, GRID_HL_HOVER, L->clock,
                                jump);
        lsu_highlight_eased(&vo, &L->e_hcell, hr, hc, 1, 1, GRID_HL_HOVER, L->clock, 2.0f);
    } else if (hk == HOVER_INPUT) {
        grid_add_highlight(&vin, hr, hc, 1, 1, GRID_HL_HOVER);
    } else if (hk == HOVER_KERNEL) {
        grid_add_highlight(&vk, hr, hc, 1, 1, GRID_HL_HOVER);
    }

    grid_draw(r, th, &vin, &lin);
    if (L->sw_.valid)
        lsu_mark_unreached(r, th, &vin, &lin, &L->sw_.rows, &L->sw_.cols);
    grid_draw(r, th, &vk, &lk);
    /* the dilated kernel's taps inside the window, outlined so the values multiplied stay
     * readable; the hovered output's taps in cyan */
    if (L->sw_.valid && dilated) {
        int t = lin.cell >= theme_px(th, 12) ? theme_px(th, 2) : 1;
        for (int ky = 0; ky < L->kh; ky++)
            for (int kx = 0; kx < L->kw; kx++) {
                Rect c = grid_cell_rect(&vin, &lin, iy0 + ky * L->dh, ix0 + kx * L->dw);
                lsu_outline_cell(r, th, rect_inset(c, t), th->accent, t);
                if (hk == HOVER_OUTPUT) {
                    Rect hcell = grid_cell_rect(&vin, &lin, hy0 + ky * L->dh, hx0 + kx * L->dw);
                    lsu_outline_cell(r, th, hcell, th->hover, t);
                }
            }
    }
    int cells_mid = lin.cells.y + lin.cells.h / 2;
    lsu_draw_operator(r, th, "\xE2\x88\x97", trio.op_x[0],
                      trio.op_y[0] >= 0 ? trio.op_y[0] : cells_mid);
    int eq_y = trio.op_y[1] >= 0 ? trio.op_y[1] : cells_mid;
    if (trio.arrange == LSU_TRIO_TWO_ROWS && L->sw_.valid)
        eq_y = lo.cells.y + lo.cells.h / 2;
    lsu_draw_operator(r, th, "=", trio.op_x[1], eq_y);
    if (L->sw_.valid) {
        grid_draw(r, th, &vo, &lo);
    } else {
        Rect pr = a_out;
        if (trio.arrange == LSU_TRIO_ROW)
            pr = (Rect){a_out.x, grids.y + grids.h / 6, a_out.w, grids.h * 2 / 3};
        lsu_draw_problem(r, th, pr, "No output", L->why);
    }

    /* Hovering an input cell: every output it feeds, and how many windows visit it. */
    char tip[UI_TOOLTIP_MAX] = "";
    if (hk == HOVER_INPUT && L->sw_.valid) {
        static ConvInputUse uses[MAX_K * MAX_K];
        int n = 0;
        conv_dx_cell(&L->sw_.g, NULL, L->k, 0, hr, hc, uses, MAX_K * MAX_K, &n);
        for (int i = 0; i < n && i < MAX_K * MAX_K; i++)
            lsu_outline_cell(r, th,
                             rect_inset(grid_cell_rect(&vo, &lo, uses[i].oy, uses[i].ox), -1),
                             th->hover, theme_px(th, 2));
        char vs[32];
        sweep_format_value(L->x[hr * L->w + hc], vs, sizeof vs);
        snprintf(tip, sizeof tip, "input[%d,%d] = %s\nvisited by %d window%s (feeds %d output%s)",
                 hr, hc, vs, n, n == 1 ? "" : "s", n, n == 1 ? "" : "s");
    } else if (hk == HOVER_OUTPUT) {
        char vs[32];
        sweep_format_value(L->out[hr * L->sw_.g.ow + hc], vs, sizeof vs);
        snprintf(tip, sizeof tip, "out[%d,%d] = %s\nits receptive field is outlined in cyan", hr,
                 hc, vs);
    } else if (hk == HOVER_KERNEL) {
        char vs[32];
        sweep_format_value(L->k[hr * L->kw + hc], vs, sizeof vs);
        snprintf(tip, sizeof tip,
                 "w[%d,%d] = %s\ndrag up/down to change it; click, then type in the field", hr, hc,
                 vs);
    }
    if (tip[0] && !ctx->headless)
        ui_tooltip(ui, tip);

    /* A number field on the selected kernel (or matrix) cell for typing its value. */
    if (!ctx->headless && L->sel_kernel >= 0 && L->sel_kernel < L->kh * L->kw) {
        Rect c = grid_cell_rect(&vk, &lk, L->sel_kernel / L->kw, L->sel_kernel % L->kw);
        int fw = c.w > theme_px(th, 64) ? c.w : theme_px(th, 64);
        Rect f = {c.x + c.w / 2 - fw / 2, lk.cells.y + lk.cells.h + theme_px(th, 4), fw,
                  ui_row_height(th)};
        f.y = lk.legend.y + lk.legend.h + theme_px(th, 6);
        if (ui_number(ui, ui_id("conv.kval"), f, &L->k[L->sel_kernel], -100.0f, 100.0f, 0.1f, 3)) {
            L->preset = -1;
            L->dirty = true;
        }
    }
    if (!ctx->headless && L->src == SRC_MATRIX && L->sel_input >= 0 &&
        L->sel_input < L->msize * L->msize) {
        Rect f = {lin.cells.x, lin.legend.y + lin.legend.h + theme_px(th, 6), theme_px(th, 80),
                  ui_row_height(th)};
        if (ui_number(ui, ui_id("conv.xval"), f, &L->matrix[L->sel_input], -1000.0f, 1000.0f, 0.1f,
                      3))
            L->dirty = true;
    }

    /* 1-D: the neurons and their shared weights. */
    if (one_d && L->sw_.valid) {
        Rect net = {st.x + pad, grids.y + grids.h + pad, st.w - 2 * pad,
                    st.h - info_h - grids.h - 2 * pad};
        draw_network_1d(L, ctx, net, cur_ox);
    }

    /* The size formulas, filled in, and the stride's leftovers. */
    int y = st.y + st.h - info_h + pad / 2;
    char f[256], text[400];
    if (!one_d) {
        sweep_axis_formula(&L->sw_.rows, f, sizeof f);
        snprintf(text, sizeof text, "rows     OH = %s", f);
        lsu_draw_fit_line(r, th, FONT_MONO, body, text, st.x + pad, y, st.w - 2 * pad,
                          L->sw_.rows.out > 0 ? th->text : th->error);
        y += line + theme_px(th, 3);
    }
    sweep_axis_formula(&L->sw_.cols, f, sizeof f);
    snprintf(text, sizeof text, "%s OW = %s", one_d ? "length" : "columns", f);
    lsu_draw_fit_line(r, th, FONT_MONO, body, text, st.x + pad, y, st.w - 2 * pad,
                      L->sw_.cols.out > 0 ? th->text : th->error);
    y += line + theme_px(th, 3);
    if (one_d && L->sw_.valid && cur_ox >= 0) {
        char sym[256], full[300];
        sweep_format_symbolic_1d(&L->sw_, cur_ox, sym, sizeof sym);
        snprintf(full, sizeof full, "shared weights:  %s", sym);
        lsu_draw_fit_line(r, th, FONT_MONO, body, full, st.x + pad, y, st.w - 2 * pad, th->accent);
        y += line + theme_px(th, 3);
    } else if (!one_d) {
        snprintf(text, sizeof text,
                 "%d window%s; parameters %d\xC2\xB7%d + 1 = %d (weights + bias)", L->sw_.steps,
                 L->sw_.steps == 1 ? "" : "s", L->kh, L->kw, L->kh * L->kw + 1);
        lsu_draw_fit_line(r, th, FONT_SANS, body, text, st.x + pad, y, st.w - 2 * pad,
                          th->text_dim);
        y += line + theme_px(th, 3);
    }
    if (wrapped_r[0])
        y += lsu_draw_lines(r, FONT_SANS, body, wrapped_r, st.x + pad, y, theme_px(th, 3),
                            th->warning);
    if (wrapped_c[0])
        lsu_draw_lines(r, FONT_SANS, body, wrapped_c, st.x + pad, y, theme_px(th, 3), th->warning);

    if (hk == HOVER_OUTPUT)
        draw_equation(L, ctx, hr, hc, true);
    else
        draw_equation(L, ctx, cur_oy, cur_ox, false);
}

static bool conv_key(void *state, int sdl_keycode, bool ctrl, bool shift)
{
    (void)ctrl;
    (void)shift;
    ConvLab *L = state;
    /* 'c' toggles the coverage (visits) view */
    if (sdl_keycode == 'c') {
        L->coverage = !L->coverage;
        return true;
    }
    /* 'o' opens a picture by typing its path: the input becomes the file, the field focused */
    if (sdl_keycode == 'o') {
        choose_source(L, SRC_FILE);
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
    {"drag \xE2\x86\x95", "a kernel value (or a Matrix input cell): \xC2\xB1" "0.1 per 6 px"},
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
