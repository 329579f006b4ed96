/* lab_pool.c - the Pooling lab: max, average or L2 windows sweep over one or several feature
 * maps with their stride; each output cell is asked of the engine (pool_cell, with its
 * argmax), written out as arithmetic, and every channel is pooled side by side. */
#include "labs/lab.h"
#include "labs/common/labkit.h"
#include "engine/act.h"
#include "engine/conv.h"
#include "engine/pool.h"
#include "viz/colormap.h"
#include "viz/grid.h"
#include "viz/imgfile.h"
#include "viz/kernels.h"
#include "viz/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CH  3
#define MAX_IN  28
#define MAX_WIN 6

typedef enum PoolSource {
    PSRC_NOTES,  /* the notes' 4x4 feature map */
    PSRC_MAPS,   /* a digit's three edge maps: relu(Sobel x), relu(Sobel y), relu(Laplacian) */
    PSRC_DIGIT,  /* the digit itself, one channel */
    PSRC_MATRIX, /* a small matrix the user edits */
    PSRC_FILE,   /* a picture from a file (typed path or dropped), made MNIST-like */
    PSRC_COUNT
} PoolSource;

static const char *const psrc_items[PSRC_COUNT] = {"Notes: 4\xC3\x97"
                                                   "4 map",
                                                   "Digit: 3 feature maps", "Digit pixels",
                                                   "Matrix (edit)", "Image file\xE2\x80\xA6"};
static const char *const psrc_names[PSRC_COUNT] = {"pool4", "maps", "digit", "matrix", "file"};
static const char *const kind_items[3] = {"Max", "Average", "L2"};
static const char *const kind_names[3] = {"max", "avg", "l2"};

typedef struct PoolLab {
    PoolSource src;
    PoolKind kind;
    int nch, h, w;
    float x[MAX_CH * MAX_IN * MAX_IN]; /* (C, H, W) */
    char ch_name[MAX_CH][32];
    int msize;
    float matrix[MAX_IN * MAX_IN];
    const Dataset *digits;
    char digits_err[256];
    int digit_index;
    float file_img[28 * 28]; /* (28, 28) the picture, MNIST-like */
    char file_name[256];
    bool have_file;
    char path_edit[512]; /* the typed path of the "Image file…" field */
    bool focus_path;     /* the path field takes the keyboard on the next frame */
    int kh, kw, sh, sw;

    bool dirty;
    PoolGeom g;
    SweepAxis rows, cols;
    bool valid;
    char why[512];
    float out[MAX_CH * MAX_IN * MAX_IN]; /* (C, OH, OW) each cell from pool_cell */
    int arg[MAX_CH * MAX_IN * MAX_IN];   /* argmax per output cell (max pooling) */
    uint8_t shown[MAX_IN * MAX_IN];
    int shown_pos;
    ColorScale in_scale[MAX_CH], out_scale[MAX_CH];
    Timeline tl;
    int sel_input;
    int force_ch, force_r, force_c; /* hover=out:C,R,C from set_option; force_r < 0: none */
    /* eased highlights (the same window on every channel) */
    double clock; /* seconds of update() so far */
    EaseRect e_win, e_cell, e_hwin, e_hcell;
} PoolLab;

static void load_source(PoolLab *L)
{
    L->nch = 1;
    switch (L->src) {
    case PSRC_NOTES: {
        const KernelsExampleData *ex = kernels_example(KERNELS_EX_POOL4);
        L->h = ex->h;
        L->w = ex->w;
        memcpy(L->x, ex->x, sizeof(float) * 16);
        snprintf(L->ch_name[0], sizeof L->ch_name[0], "feature map");
        break;
    }
    case PSRC_DIGIT:
    case PSRC_MAPS: {
        L->h = L->w = 28;
        float img[28 * 28];
        if (L->digits)
            dataset_image(L->digits, L->digit_index % L->digits->n, img);
        else
            memset(img, 0, sizeof img);
        if (L->src == PSRC_DIGIT) {
            memcpy(L->x, img, sizeof img);
            snprintf(L->ch_name[0], sizeof L->ch_name[0], "digit");
            break;
        }
        /* three feature maps the way a first conv layer makes them: conv, then ReLU */
        L->nch = 3;
        static const KernelsPreset ps[3] = {KERNELS_SOBEL_X, KERNELS_SOBEL_Y, KERNELS_LAPLACIAN};
        float w[3 * 9];
        for (int c = 0; c < 3; c++) {
            int kh, kw;
            kernels_preset_fill(ps[c], 3, 3, w + 9 * c, &kh, &kw);
            snprintf(L->ch_name[c], sizeof L->ch_name[c], "relu(%s)", kernels_preset_label(ps[c]));
        }
        ConvGeom g = {0};
        g.n = 1;
        g.c = 1;
        g.h = g.w = 28;
        g.o = 3;
        g.kh = g.kw = 3;
        g.sh = g.sw = g.dh = g.dw = 1;
        g.pt = g.pb = g.pl = g.pr = 1;
        conv_geom_finish(&g);
        float maps[3 * 28 * 28];
        conv_forward(maps, img, w, NULL, &g);
        act_forward(L->x, maps, 3 * 28 * 28, ACT_RELU, 0.0f);
        break;
    }
    case PSRC_FILE:
        L->h = L->w = 28;
        memcpy(L->x, L->file_img, sizeof L->file_img);
        snprintf(L->ch_name[0], sizeof L->ch_name[0], "%.31s", L->file_name);
        break;
    case PSRC_MATRIX:
        L->h = L->w = L->msize;
        memcpy(L->x, L->matrix, sizeof(float) * (size_t)(L->msize * L->msize));
        snprintf(L->ch_name[0], sizeof L->ch_name[0], "matrix");
        break;
    default:
        break;
    }
}

static void recompute(PoolLab *L)
{
    load_source(L);
    L->kh = L->kh < 1 ? 1 : L->kh > MAX_WIN ? MAX_WIN : L->kh;
    L->kw = L->kw < 1 ? 1 : L->kw > MAX_WIN ? MAX_WIN : L->kw;
    L->sh = L->sh < 1 ? 1 : L->sh > MAX_WIN ? MAX_WIN : L->sh;
    L->sw = L->sw < 1 ? 1 : L->sw > MAX_WIN ? MAX_WIN : L->sw;
    sweep_axis_init(&L->rows, L->h, 0, 0, L->kh, L->sh, 1);
    sweep_axis_init(&L->cols, L->w, 0, 0, L->kw, L->sw, 1);
    L->valid = sweep_explain(&L->rows, &L->cols, "window", L->why, sizeof L->why);
    PoolGeom g = {1, L->nch, L->h, L->w, L->kh, L->kw, L->sh, L->sw, 0, 0};
    L->g = g;
    if (L->valid) {
        bool ok = pool_geom_finish(&L->g);
        L->valid = ok && L->g.oh == L->rows.out && L->g.ow == L->cols.out;
    }
    int steps = 0;
    if (L->valid) {
        int plane = L->h * L->w, opl = L->g.oh * L->g.ow;
        for (int c = 0; c < L->nch; c++) {
            for (int oy = 0; oy < L->g.oh; oy++)
                for (int ox = 0; ox < L->g.ow; ox++) {
                    int i = c * opl + oy * L->g.ow + ox;
                    L->out[i] = pool_cell(&L->g, L->kind, L->x + c * plane, oy, ox, &L->arg[i]);
                }
            L->out_scale[c] = lsu_scale_fit(COLORMAP_SEQUENTIAL, L->out + c * opl, opl);
        }
        steps = opl;
    }
    for (int c = 0; c < L->nch; c++)
        L->in_scale[c] = lsu_scale_fit(COLORMAP_SEQUENTIAL, L->x + c * L->h * L->w, L->h * L->w);
    timeline_set_count(&L->tl, steps);
    L->shown_pos = -1;
    L->dirty = false;
}

static void *pool_create(char *err, size_t err_size)
{
    PoolLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "pooling lab: out of memory");
        return NULL;
    }
    L->digits = lsu_digits_acquire(L->digits_err, sizeof L->digits_err);
    L->msize = 6;
    for (int i = 0; i < 36; i++)
        L->matrix[i] = (float)((i * 7 + 3) % 10); /* a fixed, varied pattern to start from */
    L->src = PSRC_NOTES;
    L->kind = POOL_MAX;
    L->kh = L->kw = L->sh = L->sw = 2;
    L->sel_input = -1;
    L->force_r = -1;
    timeline_init(&L->tl, 0);
    recompute(L);
    /* the notes' example, three of its four windows done */
    timeline_seek(&L->tl, 3);
    return L;
}

static void pool_destroy(void *state)
{
    PoolLab *L = state;
    if (!L)
        return;
    if (L->digits)
        lsu_digits_release();
    free(L);
}

/* A picture (PNG, JPEG, BMP, PGM/PPM) made MNIST-like becomes the one-channel input. */
static bool load_file(PoolLab *L, const char *path, char *err, size_t err_size)
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
    L->src = PSRC_FILE;
    recompute(L);
    return true;
}

static bool pool_drop(void *state, const char *path, char *err, size_t err_size)
{
    return load_file(state, path, err, err_size);
}

static bool pool_set_option(void *state, const char *key, const char *value, char *err,
                            size_t err_size)
{
    PoolLab *L = state;
    int v[3], n;
    if (strcmp(key, "input") == 0 || strcmp(key, "preset") == 0) {
        int idx = -1;
        for (int i = 0; i < PSRC_COUNT; i++)
            if (strcmp(value, psrc_names[i]) == 0)
                idx = i;
        if (idx < 0 && strncmp(value, "digit:", 6) == 0) {
            if (!lsu_parse_ints(key, value + 6, v, 1, 0, 1999, err, err_size))
                return false;
            L->digit_index = v[0];
            idx = L->src == PSRC_DIGIT ? PSRC_DIGIT : PSRC_MAPS;
        }
        if (idx == PSRC_FILE && !L->have_file) {
            snprintf(err, err_size, "%s=file: no picture loaded yet; give %s=PATH", key, key);
            return false;
        }
        if (idx < 0 && (strchr(value, '/') || strchr(value, '.')))
            return load_file(L, value, err, err_size);
        if (idx < 0) {
            snprintf(err, err_size,
                     "%s=%s: expected pool4 (the notes' 4x4), maps, digit, digit:N, matrix or a "
                     "picture's path",
                     key, value);
            return false;
        }
        if ((idx == PSRC_MAPS || idx == PSRC_DIGIT) && !L->digits) {
            snprintf(err, err_size, "%s=%s: %s", key, value, L->digits_err);
            return false;
        }
        L->src = (PoolSource)idx;
    } else if (strcmp(key, "kind") == 0) {
        int k = -1;
        for (int i = 0; i < 3; i++)
            if (strcmp(value, kind_names[i]) == 0)
                k = i;
        if (strcmp(value, "average") == 0)
            k = POOL_AVG;
        if (k < 0) {
            snprintf(err, err_size, "kind=%s: expected max, avg or l2", value);
            return false;
        }
        L->kind = (PoolKind)k;
    } else if (strcmp(key, "k") == 0) {
        if (!(n = lsu_parse_ints(key, value, v, 2, 1, MAX_WIN, err, err_size)))
            return false;
        L->kh = v[0];
        L->kw = n > 1 ? v[1] : v[0];
    } else if (strcmp(key, "stride") == 0) {
        if (!(n = lsu_parse_ints(key, value, v, 2, 1, MAX_WIN, err, err_size)))
            return false;
        L->sh = v[0];
        L->sw = n > 1 ? v[1] : v[0];
    } else if (strcmp(key, "size") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 2, 16, err, err_size))
            return false;
        L->msize = v[0];
        L->src = PSRC_MATRIX;
    } else if (strcmp(key, "hover") == 0) {
        if (strcmp(value, "none") == 0) {
            L->force_r = -1;
            return true;
        }
        if (sscanf(value, "out:%d,%d,%d", &v[0], &v[1], &v[2]) != 3 || v[0] < 0 || v[0] >= MAX_CH) {
            snprintf(err, err_size, "hover=%s: expected out:CHANNEL,ROW,COL or none", value);
            return false;
        }
        L->force_ch = v[0];
        L->force_r = v[1];
        L->force_c = v[2];
        return true;
    } else {
        snprintf(err, err_size,
                 "pooling: unknown option '%s' (input, kind, k, stride, size, hover, step)", key);
        return false;
    }
    recompute(L);
    return true;
}

static Timeline *pool_timeline(void *state)
{
    PoolLab *L = state;
    if (L->dirty)
        recompute(L);
    return &L->tl;
}

static bool pool_update(void *state, double dt)
{
    PoolLab *L = state;
    L->clock += dt;
    bool gliding =
        ease_rect_moving(&L->e_win, L->clock) || ease_rect_moving(&L->e_cell, L->clock) ||
        ease_rect_moving(&L->e_hwin, L->clock) || ease_rect_moving(&L->e_hcell, L->clock);
    return L->tl.playing || gliding;
}

static void draw_controls(PoolLab *L, LabContext *ctx)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    UiColumn col = ui_column(ctx->controls, th);
    int gap = ui_gap(th), label_w = theme_px(th, 74);
    /* the Size slider's label in the same column as the number fields' labels */
    ui->label_w = label_w;
    int src = (int)L->src;
    if (ui_dropdown(ui, ui_id("pool.src"), ui_column_next(&col, 1), psrc_items, PSRC_COUNT, &src)) {
        if ((src == PSRC_MAPS || src == PSRC_DIGIT) && !L->digits)
            lab_report_error(ctx, L->digits_err);
        else {
            L->src = (PoolSource)src;
            L->dirty = true;
            /* no picture yet: the path field takes the keyboard at once */
            if (src == PSRC_FILE && !L->have_file)
                L->focus_path = true;
        }
    }
    Rect row = ui_column_next(&col, 1);
    if ((L->src == PSRC_MAPS || L->src == PSRC_DIGIT) && L->digits && row.w > 0) {
        ui_label(ui, (Rect){row.x, row.y, label_w, row.h}, "Digit #", FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        if (ui_number_int(ui, ui_id("pool.digit"),
                          (Rect){row.x + label_w, row.y, (row.w - label_w) / 2, row.h},
                          &L->digit_index, 0, L->digits->n - 1))
            L->dirty = true;
    } else if (L->src == PSRC_MATRIX) {
        if (ui_slider_int(ui, ui_id("pool.size"), row, "Size", &L->msize, 2, 16))
            L->dirty = true;
    } else if (L->src == PSRC_FILE && row.w > 0) {
        /* type a path (Enter or Load), or drop a picture on the window */
        UiId pid = ui_id("pool.path");
        if (L->focus_path) {
            ui->st.focus = pid;
            L->focus_path = false;
        }
        int bw = theme_px(th, 56);
        Rect f = {row.x, row.y, row.w - bw - gap, row.h};
        bool go = ui_text_field(ui, pid, f, L->path_edit, sizeof L->path_edit,
                                L->have_file ? L->file_name : "path, Enter (or drop a picture)");
        go = ui_button(ui, ui_id("pool.load"), (Rect){row.x + row.w - bw, row.y, bw, row.h},
                       "Load") ||
             go;
        if (go && L->path_edit[0]) {
            char err[1024];
            if (!load_file(L, L->path_edit, err, sizeof err))
                lab_report_error(ctx, err);
        }
    } else if (row.w > 0) {
        ui_label(ui, row, "From the lecture notes", FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
    }
    int kind = (int)L->kind;
    Rect kr = ui_column_next(&col, 1);
    if (kr.w > 0) {
        ui_label(ui, (Rect){kr.x, kr.y, label_w, kr.h}, "Pooling", FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        if (ui_dropdown(ui, ui_id("pool.kind"), (Rect){kr.x + label_w, kr.y, kr.w - label_w, kr.h},
                        kind_items, 3, &kind)) {
            L->kind = (PoolKind)kind;
            L->dirty = true;
        }
    }
    const char *labels[2] = {"Window", "Stride"};
    int *fields[2][2] = {{&L->kh, &L->kw}, {&L->sh, &L->sw}};
    for (int i = 0; i < 2; i++) {
        Rect rr = ui_column_next(&col, 1);
        if (rr.w <= 0)
            break;
        ui_label(ui, (Rect){rr.x, rr.y, label_w, rr.h}, labels[i], FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        int fw = (rr.w - label_w - gap) / 2;
        for (int f = 0; f < 2; f++)
            if (ui_number_int(ui, ui_id_index(ui_id(labels[i]), 10 + f),
                              (Rect){rr.x + label_w + f * (fw + gap), rr.y, fw, rr.h}, fields[i][f],
                              1, MAX_WIN))
                L->dirty = true;
    }
    Rect pr = ui_column_next(&col, 1);
    if (pr.w > 0) {
        /* the usual settings in one click */
        static const int presets[3][2] = {{2, 2}, {3, 2}, {3, 3}};
        static const char *const names[3] = {"2\xC3\x97"
                                             "2 s2",
                                             "3\xC3\x97"
                                             "3 s2",
                                             "3\xC3\x97"
                                             "3 s3"};
        int bw = (pr.w - 2 * gap) / 3;
        for (int i = 0; i < 3; i++)
            if (ui_button(ui, ui_id_index(ui_id("pool.preset"), i),
                          (Rect){pr.x + i * (bw + gap), pr.y, bw, pr.h}, names[i])) {
                L->kh = L->kw = presets[i][0];
                L->sh = L->sw = presets[i][1];
                L->dirty = true;
            }
    }
}

static void pool_draw(void *state, LabContext *ctx)
{
    PoolLab *L = state;
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Ui *ui = ctx->ui;
    if (L->dirty)
        recompute(L);
    draw_controls(L, ctx);
    if (L->dirty)
        recompute(L);
    if (L->valid && L->shown_pos != L->tl.pos) {
        for (int i = 0; i < L->g.oh * L->g.ow; i++)
            L->shown[i] = i < L->tl.pos;
        L->shown_pos = L->tl.pos;
    }

    Rect st = ctx->stage;
    int pad = theme_px(th, 8), body = theme_px(th, THEME_BODY);
    int line = render_line_height(r, FONT_MONO, body);
    char unr_r[512] = "", unr_c[512] = "", wr_r[1024] = "", wr_c[1024] = "";
    int info_lines = 2;
    /* "(channels kept: …)" follows the columns formula when both fit one line, else it gets a
     * line of its own */
    char f_cols[256], cols_line[400], kept[96];
    sweep_axis_pool_formula(&L->cols, f_cols, sizeof f_cols);
    snprintf(kept, sizeof kept, "(channels kept: %d in, %d out)", L->nch, L->nch);
    snprintf(cols_line, sizeof cols_line, "columns  OW = %s     %s", f_cols, kept);
    bool kept_apart = lsu_widest_line(r, FONT_MONO, body, cols_line) > st.w - 2 * pad;
    if (kept_apart) {
        snprintf(cols_line, sizeof cols_line, "columns  OW = %s", f_cols);
        info_lines++;
    }
    if (L->valid) {
        sweep_axis_unreached_text(&L->rows, "row", "rows", unr_r, sizeof unr_r);
        sweep_axis_unreached_text(&L->cols, "column", "columns", unr_c, sizeof unr_c);
        if (unr_r[0])
            info_lines += lsu_wrap(r, FONT_SANS, body, unr_r, st.w - 2 * pad, wr_r, sizeof wr_r);
        if (unr_c[0])
            info_lines += lsu_wrap(r, FONT_SANS, body, unr_c, st.w - 2 * pad, wr_c, sizeof wr_c);
    }
    int info_h = info_lines * (line + theme_px(th, 3)) + pad;
    Rect area = {st.x, st.y, st.w, st.h - info_h};

    int cur_oy = -1, cur_ox = -1, win_oy = 0, win_ox = 0;
    if (L->valid && L->tl.pos > 0) {
        cur_oy = (L->tl.pos - 1) / L->g.ow;
        cur_ox = (L->tl.pos - 1) % L->g.ow;
        win_oy = cur_oy;
        win_ox = cur_ox;
    }

    /* One channel: input and output side by side; several: a column per channel. */
    GridView vin[MAX_CH], vout[MAX_CH];
    GridLayout lin[MAX_CH], lout[MAX_CH];
    char in_t[MAX_CH][64], in_s[MAX_CH][32], out_s[MAX_CH][32];
    int op_w = theme_px(th, 36);
    int colw = (area.w - (L->nch - 1) * pad) / L->nch;
    /* "ch 2: relu(Laplacian) 28×28" at the body size when every channel's fits its column;
     * else the map's name goes to a second line under "ch 2 28×28" (all channels alike, so the
     * grids stay level) rather than the titles shrinking */
    bool names_below = false;
    for (int c = 0; c < L->nch && L->nch > 1; c++) {
        snprintf(in_t[c], sizeof in_t[c], "ch %d: %s", c, L->ch_name[c]);
        snprintf(in_s[c], sizeof in_s[c], "%d\xC3\x97%d", L->h, L->w);
        names_below |= !grid_title_fits(r, th, in_t[c], in_s[c], colw);
    }
    for (int c = 0; c < L->nch; c++) {
        snprintf(in_t[c], sizeof in_t[c], names_below ? "ch %d" : "ch %d: %s", c, L->ch_name[c]);
        snprintf(in_s[c], sizeof in_s[c], "%d\xC3\x97%d", L->h, L->w);
        vin[c] = grid_view_make(L->nch > 1 ? in_t[c] : "input", L->x + c * L->h * L->w, L->h, L->w,
                                COLORMAP_SEQUENTIAL);
        vin[c].shape = L->nch > 1 ? in_s[c] : NULL;
        vin[c].note = L->nch > 1 && names_below ? L->ch_name[c] : NULL;
        if (L->nch == 1) {
            snprintf(in_s[c], sizeof in_s[c], "1\xC3\x97%d\xC3\x97%d", L->h, L->w);
            vin[c].shape = in_s[c];
        }
        vin[c].scale = L->in_scale[c];
        vin[c].show_values = ctx->show_values;
        int oh = L->valid ? L->g.oh : 1, ow = L->valid ? L->g.ow : 1;
        if (L->valid)
            snprintf(out_s[c], sizeof out_s[c], "%s%d\xC3\x97%d", L->nch == 1 ? "1\xC3\x97" : "",
                     oh, ow);
        else
            snprintf(out_s[c], sizeof out_s[c], "none");
        vout[c] = grid_view_make(L->kind == POOL_MAX   ? "max pool"
                                 : L->kind == POOL_AVG ? "average pool"
                                                       : "L2 pool",
                                 L->out + c * oh * ow, oh, ow, COLORMAP_SEQUENTIAL);
        vout[c].shape = out_s[c];
        vout[c].scale = L->out_scale[c];
        /* an L2 or average of 10.05 must not read "10" */
        vout[c].decimals = lsu_value_decimals(L->out + c * oh * ow, oh * ow);
        vout[c].shown = L->shown;
        vout[c].show_values = ctx->show_values;
        Rect ai, ao;
        if (L->nch == 1) {
            int half = (area.w - op_w) * 55 / 100;
            ai = (Rect){area.x, area.y, half, area.h};
            ao = (Rect){area.x + half + op_w, area.y, area.w - half - op_w, area.h};
        } else {
            int x0 = area.x + c * (colw + pad);
            int top = area.h * 62 / 100;
            ai = (Rect){x0, area.y, colw, top};
            ao = (Rect){x0, area.y + top + pad, colw, area.h - top - pad};
        }
        if (L->valid) {
            int rr = L->kh, cc = L->kw;
            float jump = (float)(L->sh > L->sw ? L->sh : L->sw) + 1.0f;
            lsu_highlight_eased(&vin[c], &L->e_win, win_oy * L->sh, win_ox * L->sw, rr, cc,
                                GRID_HL_CURRENT, L->clock, jump);
            if (cur_oy < 0)
                ease_rect_reset(&L->e_cell);
            if (cur_oy >= 0) {
                lsu_highlight_eased(&vout[c], &L->e_cell, cur_oy, cur_ox, 1, 1, GRID_HL_CURRENT,
                                    L->clock, 2.0f);
                int a = L->arg[c * oh * ow + cur_oy * ow + cur_ox];
                if (L->kind == POOL_MAX && a >= 0)
                    grid_add_highlight(&vin[c], a / L->w, a % L->w, 1, 1, GRID_HL_MARK);
            }
        }
        lin[c] = lsu_grid_layout(r, th, &vin[c], ai);
        lout[c] = lsu_grid_layout(r, th, &vout[c], ao);
    }

    /* Hover: an output cell shows its window on its channel's map and its arithmetic. */
    int hch = -1, hy = -1, hx = -1;
    if (L->force_r >= 0 && L->valid && L->force_ch < L->nch && L->force_r < L->g.oh &&
        L->force_c < L->g.ow) {
        hch = L->force_ch;
        hy = L->force_r;
        hx = L->force_c;
    }
    for (int c = 0; c < L->nch && !ctx->headless && !ui->mouse_used && L->valid; c++) {
        GridHit h = grid_hit_test(&vout[c], &lout[c], ui->in.mx, ui->in.my);
        if (h.inside && !h.in_padding) {
            hch = c;
            hy = h.row;
            hx = h.col;
        }
        GridHit hi = grid_hit_test(&vin[c], &lin[c], ui->in.mx, ui->in.my);
        if (hi.inside && L->src == PSRC_MATRIX && ui->in.mouse_pressed)
            L->sel_input = hi.row * L->w + hi.col;
        if (hi.inside) {
            char tip[160], vs[32];
            sweep_format_value(hi.value, vs, sizeof vs);
            snprintf(tip, sizeof tip, "ch %d [%d,%d] = %s", c, hi.row, hi.col, vs);
            ui_tooltip(ui, tip);
        }
    }
    if (hch >= 0) {
        float jump = (float)(L->sh > L->sw ? L->sh : L->sw) + 1.0f;
        lsu_highlight_eased(&vin[hch], &L->e_hwin, hy * L->sh, hx * L->sw, L->kh, L->kw,
                            GRID_HL_HOVER, L->clock, jump);
        lsu_highlight_eased(&vout[hch], &L->e_hcell, hy, hx, 1, 1, GRID_HL_HOVER, L->clock, 2.0f);
    } else {
        ease_rect_reset(&L->e_hwin);
        ease_rect_reset(&L->e_hcell);
    }
    for (int c = 0; c < L->nch; c++) {
        lsu_grid_draw(r, th, &vin[c], &lin[c]);
        if (L->valid)
            lsu_mark_unreached(r, th, &vin[c], &lin[c], &L->rows, &L->cols);
        if (L->valid)
            lsu_grid_draw(r, th, &vout[c], &lout[c]);
        if (L->nch == 1)
            lsu_draw_operator(r, th, "\xE2\x86\x92", lin[c].bounds.x + lin[c].bounds.w + op_w / 2,
                              lin[c].cells.y + lin[c].cells.h / 2);
    }
    if (!L->valid) {
        Rect prc = L->nch == 1
                       ? lout[0].bounds
                       : (Rect){area.x, area.y + area.h * 64 / 100, area.w, area.h * 36 / 100};
        if (L->nch == 1)
            prc = (Rect){area.x + (area.w - op_w) * 55 / 100 + op_w, area.y + area.h / 5,
                         area.w - (area.w - op_w) * 55 / 100 - op_w, area.h * 3 / 5};
        lsu_draw_problem(r, th, prc, "No output", L->why);
    }
    if (!ctx->headless && L->src == PSRC_MATRIX && L->sel_input >= 0 &&
        L->sel_input < L->msize * L->msize) {
        Rect f = {lin[0].cells.x, lin[0].legend.y + lin[0].legend.h + theme_px(th, 6),
                  theme_px(th, 80), ui_row_height(th)};
        char lbl[32];
        snprintf(lbl, sizeof lbl, "[%d,%d]", L->sel_input / L->msize, L->sel_input % L->msize);
        render_text(r, FONT_MONO, body, lbl, f.x + f.w + pad, f.y + f.h / 2,
                    ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
        if (ui_number(ui, ui_id("pool.xval"), f, &L->matrix[L->sel_input], -1000.0f, 1000.0f, 1.0f,
                      2))
            L->dirty = true;
    }

    /* formulas and leftovers */
    int y = st.y + st.h - info_h + pad / 2;
    char f[256], text[400];
    sweep_axis_pool_formula(&L->rows, f, sizeof f);
    snprintf(text, sizeof text, "rows     OH = %s", f);
    int max_w = st.w - 2 * pad;
    lsu_draw_fit_line(r, th, FONT_MONO, body, text, st.x + pad, y, max_w,
                      L->rows.out > 0 ? th->text : th->error);
    y += line + theme_px(th, 3);
    lsu_draw_fit_line(r, th, FONT_MONO, body, cols_line, st.x + pad, y, max_w,
                      L->cols.out > 0 ? th->text : th->error);
    y += line + theme_px(th, 3);
    if (kept_apart) {
        lsu_draw_fit_line(r, th, FONT_MONO, body, kept, st.x + pad, y, max_w, th->text_dim);
        y += line + theme_px(th, 3);
    }
    if (wr_r[0])
        y += lsu_draw_lines(r, FONT_SANS, body, wr_r, st.x + pad, y, theme_px(th, 3), th->warning);
    if (wr_c[0])
        lsu_draw_lines(r, FONT_SANS, body, wr_c, st.x + pad, y, theme_px(th, 3), th->warning);

    /* The equation strip: one line per channel for the hovered or current cell. */
    Rect er = rect_inset(ctx->equation, theme_px(th, 4));
    render_clip_push(r, ctx->equation);
    int eq_oy = hch >= 0 ? hy : cur_oy, eq_ox = hch >= 0 ? hx : cur_ox;
    if (!L->valid) {
        lsu_draw_note(r, th, er, "No output: the window does not fit (see the stage).", th->error);
    } else if (eq_oy < 0) {
        lsu_draw_note(r, th, er,
                      "Step 0: the first window is outlined in amber. Press \xE2\x96\xB6 (Space) "
                      "to play or \xE2\x86\x92 to pool one window.",
                      th->text_dim);
    } else {
        int first = hch >= 0 ? hch : 0, last = hch >= 0 ? hch : L->nch - 1;
        int nl = last - first + 1;
        char name[48];
        snprintf(name, sizeof name, "out[%d,%d]", eq_oy, eq_ox);
        int nw = 0, hs = theme_px(th, THEME_HEADING);
        render_text_size(r, FONT_MONO, hs, name, &nw, NULL);
        render_text(r, FONT_MONO, hs, name, er.x, er.y + er.h / 2, ALIGN_LEFT | ALIGN_MIDDLE,
                    hch >= 0 ? th->hover : th->accent);
        Rect rc = {er.x + nw + theme_px(th, 12), er.y, er.w - nw - theme_px(th, 12), er.h};
        int size, chars, lines;
        lsu_equation_metrics(r, th, rc, THEME_HEADING, 10, nl, &size, &chars, &lines);
        int lh = render_line_height(r, FONT_MONO, size);
        int per = lines / nl < 1 ? 1 : lines / nl;
        /* format every channel's line(s) first, then centre the block vertically */
        static char block[MAX_CH * 2200];
        block[0] = 0;
        int total_lines = 0;
        size_t len = 0;
        for (int c = first; c <= last; c++) {
            float vals[MAX_WIN * MAX_WIN];
            int n = 0;
            const float *xc = L->x + c * L->h * L->w;
            for (int ky = 0; ky < L->kh; ky++)
                for (int kx = 0; kx < L->kw; kx++)
                    vals[n++] = xc[(eq_oy * L->sh + ky) * L->w + eq_ox * L->sw + kx];
            float v = pool_cell(&L->g, L->kind, xc, eq_oy, eq_ox, NULL);
            char eq[2048];
            char pre[16] = "";
            if (L->nch > 1)
                snprintf(pre, sizeof pre, "ch %d: ", c);
            int pw = sweep_text_width(pre), used = 0;
            for (int tries = 0; tries < 6; tries++) {
                used =
                    sweep_format_pool(L->kind, vals, n, v, chars - pw - tries, per, eq, sizeof eq);
                char probe[2100];
                snprintf(probe, sizeof probe, "%s%s", pre, eq);
                if (lsu_widest_line(r, FONT_MONO, size, probe) <= rc.w)
                    break;
            }
            len += (size_t)snprintf(block + len, sizeof block - len, "%s%s%s",
                                    total_lines ? "\n" : "", pre, eq);
            if (len >= sizeof block)
                len = sizeof block - 1;
            total_lines += used;
        }
        int yy = rc.y + (rc.h - total_lines * lh) / 2;
        lsu_draw_lines(r, FONT_MONO, size, block, rc.x, yy, 0, th->text);
    }
    render_clip_pop(r);
}

static bool pool_key(void *state, int key, bool ctrl, bool shift)
{
    (void)shift;
    PoolLab *L = state;
    if (ctrl)
        return false;
    /* 'o' as in the Convolution lab: the input becomes a picture file, its path field focused */
    if (key == 'o') {
        L->src = PSRC_FILE;
        L->dirty = true;
        L->focus_path = true;
        return true;
    }
    return false;
}

/* The H overlay's rows for this lab (pool_key and the mouse in pool_draw). */
static const UiHelpRow pool_help[] = {
    {"O", "Image file\xE2\x80\xA6 input: type a picture's path, Enter loads it"},
    {"drop", "a PNG, JPEG, BMP or PGM on the window becomes the input"},
    {"hover", "an output cell: its window, the argmax and the arithmetic"},
    {"hover", "an input cell: its channel, position and value"},
    {"fields", "window and stride: type, drag sideways, wheel or \xE2\x86\x91 \xE2\x86\x93"},
    {"presets", "2\xC3\x97" "2 s2, 3\xC3\x97" "3 s2, 3\xC3\x97" "3 s3 in one click"},
    {NULL, NULL},
};

const LabDef lab_pooling = {
    .name = "pooling",
    .title = "Pooling",
    .blurb = "Max, average and L2 windows sweep with their stride; the argmax is marked.",
    .create = pool_create,
    .destroy = pool_destroy,
    .set_option = pool_set_option,
    .update = pool_update,
    .draw = pool_draw,
    .timeline = pool_timeline,
    .key = pool_key,
    .drop = pool_drop,
    .help = pool_help,
};
