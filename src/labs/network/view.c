/* lab_network.c - the Network lab: the whole digit classifier on one input. The input (a test
 * digit picked by index or class, a drawing, a picture file), every layer's feature maps left
 * to right with the layer's line, output shape and parameter formula, the flattened vector,
 * the logits and the softmax bars with p_k = e^z_k / Σ e^z_j written out with the numbers, the
 * prediction. Hovering (or clicking, to pin) any unit traces its receptive field back through
 * every layer to the input. The timeline computes one layer per step.
 * Numbers: lab_network_model.c over the engine (net_forward, softmax, receptive_trace, the
 * single-cell queries conv_cell / pool_cell / dense_cell). This file lays out and draws. */
#include "labs/lab.h"
#include "labs/network/view.h"
#include "labs/network/model.h"
#include "engine/assets.h"
#include "engine/conv.h"
#include "engine/dense.h"
#include "engine/idx.h"
#include "engine/pool.h"
#include "ui/ui.h"
#include "viz/colormap.h"
#include "viz/imgfile.h"
#include "viz/render.h"
#include "viz/theme.h"

#include <SDL.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NETS 16
#define MAX_MAPS 32   /* feature maps drawn per layer (the rest are counted in the header) */
#define MAX_COLS (NET_MAX_LAYERS + 1)
#define CANVAS 28
#define MAX_TERMS 4096

typedef enum Source { SRC_DIGIT, SRC_CANVAS, SRC_FILE, SRC_COUNT } Source;
static const char *const source_items[SRC_COUNT] = {"Test digit", "Canvas (draw)",
                                                    "Image file"};
static const char *const source_names[SRC_COUNT] = {"digit", "canvas", "file"};
static const char *const weight_items[2] = {"Trained (1 epoch)", "Initial (seed 1)"};
static const char *const class_items[10] = {"Class 0", "Class 1", "Class 2", "Class 3",
                                            "Class 4", "Class 5", "Class 6", "Class 7",
                                            "Class 8", "Class 9"};

/* One column of feature maps (the input or a C x H x W layer), laid out this frame. */
typedef struct MapCol {
    int L;
    Rect col, head, maps, legend;
    int n_maps;
    Rect map[MAX_MAPS];
} MapCol;

/* One row of a vector layer (flatten, dense, ...), laid out this frame. */
typedef struct Strip {
    int L;
    Rect head, cells, legend;
} Strip;

/* The output table: a row per class with the logit, the bar and the arithmetic. */
typedef struct OutTable {
    Rect area, head;
    int zL, pL; /* the layers of the logits and of the bars (equal without softmax) */
    int rows;
    Rect row[NETLAB_MAX_CLASSES], zcell[NETLAB_MAX_CLASSES], bar[NETLAB_MAX_CLASSES];
    Rect arith[NETLAB_MAX_CLASSES];
} OutTable;

/* A unit: layer L (0 = input), channel (or element) c, row y, column x. */
typedef struct Unit {
    bool valid;
    int L, c, y, x;
} Unit;

typedef struct NetLab {
    NetLabModel m;
    bool have_model;
    Dataset digits; /* the bundled test digits */
    char digits_dir[1024];
    char net_names[MAX_NETS][64];
    const char *net_items[MAX_NETS];
    int n_nets, net_sel;
    int weights_sel;  /* 0 trained, 1 initial */
    bool want_train;  /* start training at the next draw */
    Source src;
    int digit_index, class_sel;
    float canvas[CANVAS * CANVAS]; /* (28, 28) the drawing */
    float *file_x;                 /* (C, H, W) the loaded picture as the net's input */
    char file_name[256];
    char path_edit[512];
    bool painting, erasing;
    Timeline tl;
    Unit pinned, hover;

    /* layout of this frame */
    int n_cols, n_strips;
    int head_lines; /* 3, or 4 when the layer lines break in two */
    MapCol cols[MAX_COLS];
    Strip strips[NET_MAX_LAYERS];
    OutTable out;
    bool has_out;

    /* images of the maps, refilled when the forward pass changed (gen != img_gen); made with
     * the Render the lab first draws with (the app destroys a lab before its Render) */
    Render *img_r;
    RenderImage *img[MAX_COLS][MAX_MAPS];
    RenderImage *strip_img[MAX_COLS];
    unsigned gen, img_gen;
    bool img_valid;
    uint32_t *px; /* the upload buffer, as large as the largest plane or vector */
    long px_cap;

    char tip[UI_TOOLTIP_MAX];
    char eq1[512], eq2[512];
    char head_text[512];
    char msg[512];
} NetLab;

/* ---- scene ---------------------------------------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* The .net files in assets/nets, sorted by name. */
static void scan_nets(NetLab *L)
{
    char dir[1024];
    assets_path(dir, sizeof dir, "assets/nets");
    L->n_nets = 0;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL && L->n_nets < MAX_NETS) {
            size_t n = strlen(e->d_name);
            if (n > 4 && n < 60 && strcmp(e->d_name + n - 4, ".net") == 0) {
                memcpy(L->net_names[L->n_nets], e->d_name, n - 4);
                L->net_names[L->n_nets][n - 4] = '\0';
                L->n_nets++;
            }
        }
        closedir(d);
    }
    if (L->n_nets == 0) {
        snprintf(L->net_names[0], sizeof L->net_names[0], "lenet-tiny");
        L->n_nets = 1;
    }
    qsort(L->net_names, (size_t)L->n_nets, sizeof L->net_names[0], cmp_names);
    for (int i = 0; i < L->n_nets; i++)
        L->net_items[i] = L->net_names[i];
}

static int find_net(const NetLab *L, const char *name)
{
    char base[64];
    snprintf(base, sizeof base, "%s", name);
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".net") == 0)
        base[n - 4] = '\0';
    for (int i = 0; i < L->n_nets; i++)
        if (strcmp(L->net_names[i], base) == 0)
            return i;
    return -1;
}

/* The current input as the net wants it, then the forward pass. */
static void apply_input(NetLab *L)
{
    NetLabModel *m = &L->m;
    long n_in = shape_elems(m->net->spec.input);
    float pic[CANVAS * CANVAS];
    float *x = m->input;
    switch (L->src) {
    case SRC_DIGIT:
        dataset_image(&L->digits, L->digit_index, pic);
        netlab_model_fit_picture(m, pic, x);
        break;
    case SRC_CANVAS:
        netlab_model_fit_picture(m, L->canvas, x);
        break;
    case SRC_FILE:
        if (L->file_x)
            memcpy(x, L->file_x, sizeof(float) * (size_t)n_in);
        break;
    default:
        break;
    }
    netlab_model_set_input(m, x);
    L->gen++;
}

static void set_timeline(NetLab *L)
{
    timeline_init(&L->tl, L->m.n_layers);
    L->tl.pos = L->tl.count; /* the whole net computed */
}

/* Loads net index i; on failure the previous net stays. */
static bool load_net(NetLab *L, int i, char *err, size_t err_size)
{
    char rel[256], path[1024];
    snprintf(rel, sizeof rel, "assets/nets/%s.net", L->net_names[i]);
    assets_path(path, sizeof path, rel);
    NetLabModel fresh;
    if (!netlab_model_load(&fresh, path, err, err_size)) {
        netlab_model_free(&fresh);
        return false;
    }
    if (L->have_model)
        netlab_model_free(&L->m);
    L->m = fresh;
    L->have_model = true;
    L->net_sel = i;
    free(L->file_x);
    L->file_x = NULL;
    if (L->src == SRC_FILE)
        L->src = SRC_DIGIT;
    L->pinned.valid = false;
    L->hover.valid = false;
    L->img_valid = false;
    L->want_train = L->weights_sel == 0;
    apply_input(L);
    set_timeline(L);
    return true;
}

static void *net_create_lab(char *err, size_t err_size)
{
    NetLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "network lab: out of memory");
        return NULL;
    }
    char derr[512] = "";
    assets_path(L->digits_dir, sizeof L->digits_dir, "assets/digits");
    if (!dataset_load(&L->digits, L->digits_dir, DATASET_TEST, derr, sizeof derr)) {
        snprintf(err, err_size, "network lab: %s", derr);
        free(L);
        return NULL;
    }
    if (L->digits.h != CANVAS || L->digits.w != CANVAS || L->digits.n < 1) {
        snprintf(err, err_size, "network lab: %s: digits are %dx%d, expected 28x28",
                 L->digits.images_path, L->digits.h, L->digits.w);
        dataset_free(&L->digits);
        free(L);
        return NULL;
    }
    scan_nets(L);
    /* the default input is test digit #0: the class menu names its class */
    L->class_sel = L->digits.labels[0];
    int i = find_net(L, "lenet-tiny");
    char nerr[512] = "";
    if (!load_net(L, i >= 0 ? i : 0, nerr, sizeof nerr)) {
        snprintf(err, err_size, "network lab: %s", nerr);
        dataset_free(&L->digits);
        free(L);
        return NULL;
    }
    return L;
}

static void net_destroy_lab(void *state)
{
    NetLab *L = state;
    if (!L)
        return;
    if (L->have_model)
        netlab_model_free(&L->m);
    dataset_free(&L->digits);
    for (int c = 0; c < MAX_COLS; c++) {
        for (int k = 0; k < MAX_MAPS; k++)
            render_image_destroy(L->img[c][k]);
        render_image_destroy(L->strip_img[c]);
    }
    free(L->px);
    free(L->file_x);
    free(L);
}

static void pick_digit(NetLab *L, int index)
{
    int n = L->digits.n;
    L->digit_index = ((index % n) + n) % n;
    L->class_sel = L->digits.labels[L->digit_index];
    L->src = SRC_DIGIT;
    apply_input(L);
}

/* The next test digit of class k after the current one (wrapping). */
static void pick_class(NetLab *L, int k)
{
    int n = L->digits.n;
    int start = L->src == SRC_DIGIT && L->digits.labels[L->digit_index] == k
                    ? L->digit_index + 1
                    : 0;
    for (int j = 0; j < n; j++) {
        int i = (start + j) % n;
        if (L->digits.labels[i] == k) {
            pick_digit(L, i);
            return;
        }
    }
}

static bool load_file(NetLab *L, const char *path, char *err, size_t err_size)
{
    Shape s = L->m.net->spec.input;
    float *x = malloc(sizeof(float) * (size_t)shape_elems(s));
    if (!x) {
        snprintf(err, err_size, "%s: out of memory", path);
        return false;
    }
    if (!imgfile_load_input(path, x, s.c, s.h, s.w, err, err_size)) {
        free(x);
        return false;
    }
    free(L->file_x);
    L->file_x = x;
    const char *base = strrchr(path, '/');
    snprintf(L->file_name, sizeof L->file_name, "%s", base ? base + 1 : path);
    L->src = SRC_FILE;
    apply_input(L);
    return true;
}

static bool net_drop(void *state, const char *path, char *err, size_t err_size)
{
    return load_file(state, path, err, err_size);
}

/* Sets the weights: 0 trained (training starts at the next draw), 1 initial. */
static void set_weights(NetLab *L, int sel)
{
    L->weights_sel = sel;
    if (sel == 1) {
        L->want_train = false;
        if (L->m.train != NETLAB_INIT)
            netlab_model_reset_weights(&L->m);
    } else if (L->m.train == NETLAB_INIT) {
        L->want_train = true;
    }
    L->gen++;
}

/* ---- options ------------------------------------------------------------------------------ */

static bool parse_int(const char *value, int lo, int hi, int *out)
{
    char *end = NULL;
    long v = strtol(value, &end, 10);
    if (!value[0] || *end || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

/* "L,C,Y,X", "L,Y,X" (channel 0) or "L,I" (an element of a vector layer). */
static bool parse_unit(const NetLab *L, const char *value, Unit *u)
{
    int v[4] = {0, 0, 0, 0}, n = 0;
    const char *p = value;
    while (*p && n < 4) {
        char *end = NULL;
        long x = strtol(p, &end, 10);
        if (end == p)
            return false;
        v[n++] = (int)x;
        p = end;
        if (*p == ',')
            p++;
        else if (*p)
            return false;
    }
    if (*p || n < 2)
        return false;
    Unit t = {true, v[0], 0, 0, 0};
    if (t.L < 0 || t.L > L->m.n_layers)
        return false;
    Shape s = L->m.info[t.L].out;
    if (n == 2 && s.rank == 1)
        t.c = v[1];
    else if (n == 3 && s.rank == 3)
        t.y = v[1], t.x = v[2];
    else if (n == 4 && s.rank == 3)
        t.c = v[1], t.y = v[2], t.x = v[3];
    else
        return false;
    if (t.c < 0 || t.c >= s.c || t.y < 0 || t.y >= s.h || t.x < 0 || t.x >= s.w)
        return false;
    *u = t;
    return true;
}

static bool net_set_option(void *state, const char *key, const char *value, char *err,
                           size_t err_size)
{
    NetLab *L = state;
    int v = 0;
    if (strcmp(key, "net") == 0) {
        int i = find_net(L, value);
        if (i < 0) {
            size_t len = 0;
            char list[512] = "";
            for (int j = 0; j < L->n_nets && len + 70 < sizeof list; j++)
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "",
                                        L->net_names[j]);
            snprintf(err, err_size, "network: net=%s is not in assets/nets (%s)", value, list);
            return false;
        }
        return load_net(L, i, err, err_size);
    }
    if (strcmp(key, "weights") == 0) {
        if (strcmp(value, "trained") == 0)
            set_weights(L, 0);
        else if (strcmp(value, "init") == 0 || strcmp(value, "initial") == 0)
            set_weights(L, 1);
        else {
            snprintf(err, err_size, "network: weights=%s is unknown (trained, init)", value);
            return false;
        }
        return true;
    }
    if (strcmp(key, "digit") == 0) {
        if (!parse_int(value, 0, L->digits.n - 1, &v)) {
            snprintf(err, err_size, "network: digit=%s is not allowed (an index 0..%d)", value,
                     L->digits.n - 1);
            return false;
        }
        pick_digit(L, v);
        return true;
    }
    if (strcmp(key, "class") == 0) {
        if (!parse_int(value, 0, 9, &v)) {
            snprintf(err, err_size, "network: class=%s is not allowed (0..9)", value);
            return false;
        }
        pick_class(L, v);
        return true;
    }
    if (strcmp(key, "input") == 0 || strcmp(key, "file") == 0) {
        char ferr[512] = "";
        if (!load_file(L, value, ferr, sizeof ferr)) {
            snprintf(err, err_size, "network: %s=%s", key, ferr);
            return false;
        }
        return true;
    }
    if (strcmp(key, "source") == 0) {
        for (int i = 0; i < SRC_COUNT; i++)
            if (strcmp(value, source_names[i]) == 0 && (i != SRC_FILE || L->file_x)) {
                L->src = (Source)i;
                apply_input(L);
                return true;
            }
        snprintf(err, err_size, "network: source=%s is not allowed (digit, canvas; file after "
                 "input=PATH)", value);
        return false;
    }
    if (strcmp(key, "hover") == 0) {
        Unit u;
        if (strcmp(value, "none") == 0) {
            L->pinned.valid = false;
            return true;
        }
        if (!parse_unit(L, value, &u)) {
            snprintf(err, err_size,
                     "network: hover=%s is not a unit (L,C,Y,X or L,Y,X for maps, L,I for "
                     "vectors; L = 0 input .. %d)",
                     value, L->m.n_layers);
            return false;
        }
        L->pinned = u;
        return true;
    }
    snprintf(err, err_size,
             "network: unknown option '%s' (net, weights, digit, class, input, source, hover, "
             "step)",
             key);
    return false;
}

static Timeline *net_timeline(void *state)
{
    return &((NetLab *)state)->tl;
}

static bool net_update(void *state, double dt)
{
    (void)dt;
    NetLab *L = state;
    if (netlab_train_poll(&L->m))
        L->gen++;
    return L->m.train == NETLAB_TRAINING || L->painting;
}

static bool net_key(void *state, int key, bool ctrl, bool shift)
{
    NetLab *L = state;
    if (ctrl)
        return false;
    switch (key) {
    case SDLK_d:
        pick_digit(L, L->digit_index + (shift ? -1 : 1));
        return true;
    case SDLK_k:
        pick_class(L, (L->class_sel + (shift ? 9 : 1)) % 10);
        return true;
    case SDLK_w:
        set_weights(L, 1 - L->weights_sel);
        return true;
    case SDLK_c:
        memset(L->canvas, 0, sizeof L->canvas);
        L->src = SRC_CANVAS;
        apply_input(L);
        return true;
    case SDLK_n: {
        char err[512];
        int i = (L->net_sel + (shift ? L->n_nets - 1 : 1)) % L->n_nets;
        return load_net(L, i, err, sizeof err);
    }
    default:
        return false;
    }
}

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

/* One line in rc: shrunk down to 9 px x scale, then cut with "…". */
static void line_in(Render *r, const Theme *th, FontFace face, float base, const char *text,
                    Rect rc, int align, Color c)
{
    render_text_line(r, face, theme_px(th, base), theme_px(th, 9.0f), text, rc, align, c);
}

static uint32_t word_of(Color c)
{
    return (uint32_t)c.r << 24 | (uint32_t)c.g << 16 | (uint32_t)c.b << 8 | c.a;
}

/* The colour scale of layer L: the input in gray 0..1 (pixels), signed layers diverging
 * around 0 (conv outputs), the rest sequential from 0 (after relu, pooling). */
static ColorScale layer_scale(const NetLab *L, int Lx)
{
    const NetLabLayer *li = &L->m.info[Lx];
    if (Lx == 0 && li->lo >= 0.0f && li->hi <= 1.0f)
        return colorscale_make(COLORMAP_GRAY, 0.0f, 1.0f);
    if (li->diverging) {
        float m = fmaxf(fabsf(li->lo), fabsf(li->hi));
        return colorscale_make(COLORMAP_DIVERGING, -m, m);
    }
    return colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, li->hi > 0.0f ? li->hi : 1.0f);
}

/* The legend's numbers: "lo  hi", or "lo  0  hi" for a diverging scale. */
static void legend_texts(const ColorScale *s, char *lo, char *hi, size_t size)
{
    colormap_format_value(s->lo, 2, lo, size);
    colormap_format_value(s->hi, 2, hi, size);
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
static int legend_height_for(Render *r, const Theme *th, const ColorScale *s, int w)
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
            colormap_format_value(s->lo, d, lo, sizeof lo);
            colormap_format_value(s->hi, d, hi, sizeof hi);
        }
        if (div)
            render_rect(r, (Rect){rc.x + rc.w / 2, rc.y + bar_h, 1, theme_px(th, 2)},
                        th->text_dim);
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
            render_rect(r, (Rect){rc.x + rc.w / 2, rc.y + bar_h, 1, theme_px(th, 2)},
                        th->text_dim);
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

static int legend_height(Render *r, const Theme *th)
{
    return theme_px(th, 6) + theme_px(th, 1) +
           render_line_height(r, FONT_MONO, theme_px(th, THEME_SMALL));
}

/* n in subscript digits ("₁₂"). */
static const char *subscript(int n, char *out, size_t size)
{
    char d[16];
    snprintf(d, sizeof d, "%d", n < 0 ? -n : n);
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = d; *p && len + 4 < size; p++)
        len += (size_t)snprintf(out + len, size - len, "\xE2\x82%c", (char)(0x80 + (*p - '0')));
    return out;
}

/* ---- layout --------------------------------------------------------------------------------- */

/* Tiles n maps of h x w (data cells) into area: the column count that gives the largest cells
 * (at most max_cell px), top-aligned and centred; out gets the maps' rectangles. */
static void tile_maps(Rect area, int n, int h, int w, int gap, float max_cell, Rect *out)
{
    float best = 0.0f;
    int best_k = 1;
    for (int k = 1; k <= n; k++) {
        int rows = (n + k - 1) / k;
        float sw = (float)(area.w - (k - 1) * gap) / (float)(k * w);
        float sh = (float)(area.h - (rows - 1) * gap) / (float)(rows * h);
        float s = sw < sh ? sw : sh;
        if (s > best + 0.01f) {
            best = s;
            best_k = k;
        }
    }
    float s = best < max_cell ? best : max_cell;
    /* whole pixels per cell when there is room: crisp, even cells */
    if (s >= 2.0f)
        s = floorf(s);
    int mw = (int)(s * (float)w), mh = (int)(s * (float)h);
    if (mw < 1)
        mw = 1;
    if (mh < 1)
        mh = 1;
    int k = best_k, rows = (n + k - 1) / k;
    int block_w = k * mw + (k - 1) * gap;
    int x0 = area.x + (area.w - block_w) / 2;
    (void)rows;
    for (int i = 0; i < n; i++) {
        int cx = i % k, cy = i / k;
        out[i] = (Rect){x0 + cx * (mw + gap), area.y + cy * (mh + gap), mw, mh};
    }
}

/* The cell rectangle (y, x) of a map of h x w drawn in rc. */
static Rect cell_rect(Rect rc, int h, int w, int y0, int y1, int x0, int x1)
{
    int ax = rc.x + (int)floorf((float)x0 * (float)rc.w / (float)w);
    int bx = rc.x + (int)floorf((float)(x1 + 1) * (float)rc.w / (float)w);
    int ay = rc.y + (int)floorf((float)y0 * (float)rc.h / (float)h);
    int by = rc.y + (int)floorf((float)(y1 + 1) * (float)rc.h / (float)h);
    return (Rect){ax, ay, bx - ax, by - ay};
}

static void layout(NetLab *L, LabContext *ctx, Rect st)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const NetLabModel *m = &L->m;
    int gap = theme_px(th, 12);
    int small = theme_px(th, THEME_SMALL);
    int lh = render_line_height(r, FONT_MONO, small);
    int leg_h = legend_height(r, th);

    /* which layers are maps, which vectors, which form the output table */
    int spatial[MAX_COLS], n_sp = 0, vec[MAX_COLS], n_vec = 0;
    for (int k = 0; k <= m->n_layers; k++) {
        if (m->info[k].out.rank == 3)
            spatial[n_sp++] = k;
        else
            vec[n_vec++] = k;
    }
    L->has_out = n_vec > 0 && m->classes <= NETLAB_MAX_CLASSES;
    OutTable *o = &L->out;
    if (L->has_out) {
        o->pL = m->n_layers;
        o->zL = m->softmax && m->n_layers >= 2 && m->info[m->n_layers - 1].out.rank == 1
                    ? m->n_layers - 1
                    : m->n_layers;
        n_vec -= o->zL == o->pL ? 1 : 2;
    }
    L->n_strips = n_vec;

    /* vertical budget: the maps first (as large as the columns' width allows, the table's rows
     * at their smallest), then whatever the maps leave goes to the table's rows */
    int strip_h = lh + theme_px(th, 14) + theme_px(th, 6);
    int rows = L->has_out ? (m->classes < NETLAB_MAX_CLASSES ? m->classes : NETLAB_MAX_CLASSES)
                          : 0;
    int out_head = 2 * lh + theme_px(th, 6);
    int row_min = theme_px(th, 15), row_max = theme_px(th, 22);
    int below = n_vec * (strip_h + gap / 2) + (L->has_out ? out_head + rows * row_min : 0);
    int maps_h = n_sp > 0 ? st.h - below - gap / 2 : 0;
    /* a lone input column stays a picture, not a poster */
    if (n_sp == 1 && maps_h > st.h * 45 / 100)
        maps_h = st.h * 45 / 100;

    /* the map columns: the input a little wider (it is also the drawing canvas) */
    L->n_cols = n_sp;
    L->head_lines = 3;
    for (int i = 0; i < n_sp && n_sp > 1; i++) {
        /* a header line that does not fit at 10 px breaks in two */
        int w = 0;
        char t[160];
        snprintf(t, sizeof t, "%d %s", spatial[i], m->info[spatial[i]].line);
        render_text_size(r, FONT_SANS_BOLD, theme_px(th, 10), t, &w, NULL);
        if (w > (st.w - (n_sp - 1) * gap) / n_sp)
            L->head_lines = 4;
    }
    int head_h = L->head_lines * lh + theme_px(th, 4);
    float weights = 0.0f;
    for (int i = 0; i < n_sp; i++)
        weights += spatial[i] == 0 ? 1.5f : 1.0f;
    int x = st.x;
    int total_w = st.w - (n_sp - 1) * gap;
    if (n_sp == 1 && total_w > maps_h)
        total_w = maps_h;
    int used = 0;
    for (int i = 0; i < n_sp; i++) {
        MapCol *c = &L->cols[i];
        c->L = spatial[i];
        int w = (int)((float)total_w * (spatial[i] == 0 ? 1.5f : 1.0f) / weights);
        if (i == n_sp - 1 && n_sp > 1)
            w = st.x + st.w - x;
        c->head = (Rect){x, st.y, w, head_h};
        /* a column too narrow for "min max" on one line stacks them: a taller legend */
        ColorScale cs = layer_scale(L, c->L);
        int c_leg_h = legend_height_for(r, th, &cs, w * 3 / 4);
        c_leg_h = c_leg_h > leg_h ? c_leg_h : leg_h;
        c->maps = (Rect){x, st.y + head_h, w, maps_h - head_h - c_leg_h - theme_px(th, 6)};
        Shape s = m->info[c->L].out;
        c->n_maps = s.c < MAX_MAPS ? s.c : MAX_MAPS;
        float max_cell = (float)theme_px(th, c->L == 0 ? 16 : 12);
        tile_maps(c->maps, c->n_maps, s.h, s.w, theme_px(th, 3), max_cell, c->map);
        /* the legend sits under the maps, as wide as their block (at least 3/4 of the column) */
        int bottom = c->map[0].y, left = c->map[0].x, right = left;
        for (int k = 0; k < c->n_maps; k++) {
            Rect rc = c->map[k];
            bottom = rc.y + rc.h > bottom ? rc.y + rc.h : bottom;
            left = rc.x < left ? rc.x : left;
            right = rc.x + rc.w > right ? rc.x + rc.w : right;
        }
        int lw = right - left;
        int min_lw = w * 3 / 4;
        if (lw < min_lw) {
            left = x + (w - min_lw) / 2;
            lw = min_lw;
        }
        c->legend = (Rect){left, bottom + theme_px(th, 6), lw, c_leg_h};
        int u = c->legend.y + c_leg_h - st.y;
        used = u > used ? u : used;
        x += w + gap;
    }
    if (n_sp > 0 && used < maps_h)
        maps_h = used;
    for (int i = 0; i < n_sp; i++)
        L->cols[i].col = (Rect){L->cols[i].head.x, st.y, L->cols[i].head.w, maps_h};
    int row_h = rows > 0 ? (st.h - maps_h - gap / 2 - n_vec * (strip_h + gap / 2) - out_head) /
                               rows
                         : 0;
    row_h = row_h < row_min ? row_min : row_h > row_max ? row_max : row_h;

    /* the vector strips, full width */
    int y = st.y + maps_h + (n_sp > 0 ? gap / 2 : 0);
    for (int i = 0; i < n_vec; i++) {
        Strip *s = &L->strips[i];
        s->L = vec[i];
        s->head = (Rect){st.x, y, st.w, lh};
        int lw = st.w / 5;
        s->cells = (Rect){st.x, y + lh + theme_px(th, 2), st.w - lw - gap, theme_px(th, 14)};
        s->legend = (Rect){st.x + st.w - lw, y + lh + theme_px(th, 2), lw, leg_h};
        y += strip_h + gap / 2;
    }

    /* the output table */
    if (L->has_out) {
        o->area = (Rect){st.x, y, st.w, st.y + st.h - y};
        o->head = (Rect){st.x, y, st.w, out_head};
        o->rows = rows;
        int label_w = theme_px(th, 28);
        int z_w = theme_px(th, 64);
        int arith_w = 0;
        if (m->softmax) {
            int w = 0;
            for (int k = 0; k < rows; k++) {
                int tw = 0;
                render_text_size(r, FONT_MONO, small, m->arith[k], &tw, NULL);
                w = tw > w ? tw : w;
            }
            arith_w = w + theme_px(th, 8);
            if (arith_w > st.w * 45 / 100)
                arith_w = st.w * 45 / 100;
        }
        int bar_x = st.x + label_w + z_w + gap;
        int bar_w = st.w - label_w - z_w - gap - arith_w - gap;
        for (int k = 0; k < rows; k++) {
            int ry = y + out_head + k * row_h;
            o->row[k] = (Rect){st.x, ry, st.w, row_h};
            o->zcell[k] = (Rect){st.x + label_w, ry + 1, z_w, row_h - 2};
            o->bar[k] = (Rect){bar_x, ry + 2, bar_w, row_h - 4};
            o->arith[k] = (Rect){st.x + st.w - arith_w, ry, arith_w, row_h};
        }
    }
}

/* ---- hover ---------------------------------------------------------------------------------- */

static Unit unit_at(const NetLab *L, int mx, int my)
{
    Unit u = {false, 0, 0, 0, 0};
    for (int i = 0; i < L->n_cols; i++) {
        const MapCol *c = &L->cols[i];
        Shape s = L->m.info[c->L].out;
        for (int k = 0; k < c->n_maps; k++) {
            Rect rc = c->map[k];
            if (rect_contains(rc, mx, my)) {
                u = (Unit){true, c->L, k, (my - rc.y) * s.h / rc.h, (mx - rc.x) * s.w / rc.w};
                return u;
            }
        }
    }
    for (int i = 0; i < L->n_strips; i++) {
        const Strip *s = &L->strips[i];
        if (rect_contains(s->cells, mx, my)) {
            int n = L->m.info[s->L].out.c;
            u = (Unit){true, s->L, (mx - s->cells.x) * n / s->cells.w, 0, 0};
            return u;
        }
    }
    if (L->has_out) {
        const OutTable *o = &L->out;
        for (int k = 0; k < o->rows; k++) {
            if (rect_contains(o->zcell[k], mx, my))
                return (Unit){true, o->zL, k, 0, 0};
            if (rect_contains(o->bar[k], mx, my) || rect_contains(o->arith[k], mx, my))
                return (Unit){true, o->pL, k, 0, 0};
        }
    }
    return u;
}

/* The column or strip that shows layer Lx (for outlines). */
static const MapCol *col_of(const NetLab *L, int Lx)
{
    for (int i = 0; i < L->n_cols; i++)
        if (L->cols[i].L == Lx)
            return &L->cols[i];
    return NULL;
}

/* ---- drawing -------------------------------------------------------------------------------- */

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

/* Makes the images for the maps and strips (for a new Render, a new net) and refills them when
 * the forward pass changed. Returns false when images cannot be made. */
static bool update_images(NetLab *L, Render *r)
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
        ColorScale cs = layer_scale(L, Lx);
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
    Rect cr = cell_rect(rc, s.h, s.w, b->y0, b->y1, b->x0, b->x1);
    int t = theme_px(th, 2);
    render_rect_outline(r, rect_inset(cr, -t / 2), t, th->hover);
}

static void draw_col(NetLab *L, LabContext *ctx, const MapCol *c, bool computed, bool current,
                     const RfBox *rf, int rf_L)
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
    line_in(r, th, FONT_SANS_BOLD, THEME_SMALL, t1, (Rect){h.x, y, h.w, lh},
            ALIGN_CENTER | ALIGN_TOP, current ? th->accent : th->text);
    y += lh;
    if (L->head_lines == 4) {
        line_in(r, th, FONT_SANS_BOLD, THEME_SMALL, t1b, (Rect){h.x, y, h.w, lh},
                ALIGN_CENTER | ALIGN_TOP, current ? th->accent : th->text);
        y += lh;
    }
    snprintf(t2, sizeof t2, "\xE2\x86\x92 %s", li->shape);
    if (li->out.c > MAX_MAPS)
        snprintf(t2, sizeof t2, "\xE2\x86\x92 %s (first %d)", li->shape, MAX_MAPS);
    line_in(r, th, FONT_MONO, THEME_SMALL, t2, (Rect){h.x, y, h.w, lh}, ALIGN_CENTER | ALIGN_TOP,
            th->text);
    y += lh;
    /* the parameter formula, or its total when the column is too narrow for it */
    char t3[96];
    snprintf(t3, sizeof t3, "%s", li->formula[0] ? li->formula : (c->L == 0 ? "" : "no parameters"));
    int tw = 0;
    render_text_size(r, FONT_MONO, theme_px(th, 9), t3, &tw, NULL);
    if (tw > h.w && c->L > 0) {
        snprintf(t3, sizeof t3, "%ld params", li->params);
        render_text_size(r, FONT_MONO, theme_px(th, 9), t3, &tw, NULL);
        if (tw > h.w)
            snprintf(t3, sizeof t3, "%ld", li->params);
    }
    line_in(r, th, FONT_MONO, THEME_SMALL, t3, (Rect){h.x, y, h.w, lh}, ALIGN_CENTER | ALIGN_TOP,
            th->text_dim);
    if (current) {
        Rect u = {h.x + theme_px(th, 4), h.y + L->head_lines * lh + theme_px(th, 1), h.w - theme_px(th, 8),
                  theme_px(th, 2)};
        render_rect(r, u, th->accent);
    }
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
        ColorScale cs = layer_scale(L, c->L);
        draw_legend(r, th, c->legend, &cs);
    } else {
        /* the short form in a narrow column rather than a cut one */
        int w = 0;
        render_text_size(r, FONT_SANS, theme_px(th, 9), "not computed yet", &w, NULL);
        line_in(r, th, FONT_SANS, THEME_SMALL, w <= c->legend.w ? "not computed yet" : "not yet",
                c->legend, ALIGN_CENTER | ALIGN_TOP, th->text_dim);
    }
    if (current && c->n_maps > 0) {
        /* amber frame around the layer computed at this step */
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
    /* the receptive field in this layer */
    if (rf && c->L <= rf_L) {
        const RfBox *b = &rf[c->L];
        if (!b->empty)
            for (int k = b->c0; k <= b->c1 && k < c->n_maps; k++)
                outline_box(r, th, c->map[k], s, b);
    }
}

static void draw_strip(NetLab *L, LabContext *ctx, const Strip *s, bool computed, bool current,
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
        snprintf(t, sizeof t, "%d flatten \xE2\x86\x92 %s: the %s values in one line (C, H, "
                 "W order), nothing computed", s->L, li->shape, in);
    } else
        snprintf(t, sizeof t, "%d %s \xE2\x86\x92 %s    no parameters", s->L, li->line,
                 li->shape);
    line_in(r, th, FONT_MONO, THEME_SMALL, t, s->head, ALIGN_LEFT | ALIGN_TOP,
            current ? th->accent : th->text);
    Rect cells = s->cells;
    int n = li->out.c;
    if (computed && L->strip_img[s->L]) {
        render_image_draw(r, L->strip_img[s->L], cells, false);
        /* values when the cells are wide enough to read */
        int cw = cells.w / (n > 0 ? n : 1);
        if (ctx->show_values && cw >= theme_px(th, 34)) {
            const float *d = netlab_layer_data(&L->m, s->L);
            ColorScale cs = layer_scale(L, s->L);
            for (int j = 0; j < n; j++) {
                char v[32];
                Rect rc = cell_rect(cells, 1, n, 0, 0, j, j);
                netlab_format_fixed(d[j], 2, v, sizeof v);
                line_in(r, th, FONT_MONO, 10.0f, v, rc, ALIGN_CENTER | ALIGN_MIDDLE,
                        color_text_on(colorscale_color(&cs, d[j])));
            }
        }
        ColorScale cs = layer_scale(L, s->L);
        draw_legend(r, th, s->legend, &cs);
    } else {
        render_rect(r, cells, th->panel);
        line_in(r, th, FONT_SANS, THEME_SMALL, "not computed yet", s->legend,
                ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    }
    render_rect_outline(r, rect_inset(cells, -1), 1, current ? th->accent : th->border);
    if (rf && s->L <= rf_L && !rf[s->L].empty) {
        const RfBox *b = &rf[s->L];
        Rect cr = cell_rect(cells, 1, n, 0, 0, b->c0, b->c1);
        int t2 = theme_px(th, 2);
        render_rect_outline(r, rect_inset(cr, -t2), t2, th->hover);
    }
}

static void draw_out(NetLab *L, LabContext *ctx, int step, const RfBox *rf, int rf_L)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const NetLabModel *m = &L->m;
    const OutTable *o = &L->out;
    int small = theme_px(th, THEME_SMALL);
    int lh = render_line_height(r, FONT_MONO, small);
    bool z_done = step >= o->zL, p_done = step >= o->pL;
    const NetLabLayer *zi = &m->info[o->zL], *pi = &m->info[o->pL];
    char t[400];
    /* line 1: the logits' layer; line 2: the softmax formula with its sum, and the answer */
    if (o->zL != o->pL) {
        snprintf(t, sizeof t, "%d %s \xE2\x86\x92 %s logits z    %s", o->zL, zi->line, zi->shape,
                 zi->formula[0] ? zi->formula : "no parameters");
        line_in(r, th, FONT_MONO, THEME_SMALL, t, (Rect){o->head.x, o->head.y, o->head.w, lh},
                ALIGN_LEFT | ALIGN_TOP, step == o->zL ? th->accent : th->text);
        if (p_done)
            snprintf(t, sizeof t, "%d softmax: p\xE2\x82\x96 = e^z\xE2\x82\x96 / \xCE\xA3\xE2\xB1\xBC e^z\xE2\xB1\xBC    %s", o->pL,
                     m->sum_text);
        else
            snprintf(t, sizeof t, "%d softmax: p\xE2\x82\x96 = e^z\xE2\x82\x96 / \xCE\xA3\xE2\xB1\xBC e^z\xE2\xB1\xBC", o->pL);
    } else {
        snprintf(t, sizeof t, "%d %s \xE2\x86\x92 %s outputs    %s", o->pL, pi->line, pi->shape,
                 pi->formula[0] ? pi->formula : "no parameters");
    }
    Rect l2 = {o->head.x, o->head.y + lh + theme_px(th, 2), o->head.w * 62 / 100, lh};
    if (o->zL == o->pL)
        l2.y = o->head.y;
    line_in(r, th, FONT_MONO, THEME_SMALL, t, l2, ALIGN_LEFT | ALIGN_TOP,
            step == o->pL ? th->accent : th->text);
    /* the prediction, right-aligned on line 2 */
    if (p_done) {
        const char *name = dataset_class_name_of(false, m->predicted);
        char pv[32];
        netlab_format_fixed(m->p[m->predicted], 2, pv, sizeof pv);
        const char *pn = m->softmax ? "p" : "y";
        if (L->src == SRC_DIGIT)
            snprintf(t, sizeof t, "prediction %s (%s %s)  label %d %s", name, pn, pv,
                     L->digits.labels[L->digit_index],
                     L->digits.labels[L->digit_index] == m->predicted ? "\xE2\x9C\x93"
                                                                       : "\xE2\x9C\x97");
        else
            snprintf(t, sizeof t, "prediction %s (%s %s)", name, pn, pv);
        Rect pr = {o->head.x + o->head.w * 62 / 100, l2.y - theme_px(th, 2),
                   o->head.w * 38 / 100, lh + theme_px(th, 4)};
        render_text_line(r, FONT_SANS_BOLD, theme_px(th, THEME_BODY), theme_px(th, 9), t, pr,
                         ALIGN_RIGHT | ALIGN_MIDDLE, th->accent);
    }
    ColorScale zs = layer_scale(L, o->zL);
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
        line_in(r, th, FONT_MONO, THEME_SMALL, lab, (Rect){row.x, row.y, o->zcell[k].x - row.x,
                row.h}, ALIGN_CENTER | ALIGN_MIDDLE, top ? th->accent : th->text);
        Rect zc = o->zcell[k];
        if (z_done) {
            Color bg = colorscale_color(&zs, m->z[k]);
            render_rect(r, zc, bg);
            char v[32];
            netlab_format_fixed(m->z[k], 2, v, sizeof v);
            line_in(r, th, FONT_MONO, THEME_SMALL, v, zc, ALIGN_CENTER | ALIGN_MIDDLE,
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
            int tw = 0;
            render_text_size(r, FONT_MONO, small, v, &tw, NULL);
            int tx = b.x + w + theme_px(th, 4);
            if (tx + tw > b.x + b.w)
                tx = b.x + b.w - tw - theme_px(th, 2);
            render_text(r, FONT_MONO, small, v, tx, b.y + b.h / 2, ALIGN_LEFT | ALIGN_MIDDLE,
                        tx < b.x + w ? color_text_on(top ? th->accent : th->hover) : th->text);
            if (m->softmax && k < NETLAB_MAX_CLASSES)
                line_in(r, th, FONT_MONO, THEME_SMALL, m->arith[k], o->arith[k],
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

/* The output-size formula of a conv or pool layer along rows (and columns when they differ). */
static void size_formula(const Layer *l, char *out, size_t size)
{
    out[0] = '\0';
    if (l->kind == LAYER_CONV) {
        const ConvGeom *g = &l->conv;
        snprintf(out, size,
                 "out = \xE2\x8C\x8A(%d + %d + %d \xE2\x88\x92 %d\xC2\xB7(%d\xE2\x88\x92" "1) "
                 "\xE2\x88\x92 1)/%d\xE2\x8C\x8B + 1 = %d",
                 g->h, g->pt, g->pb, g->dh, g->kh, g->sh, g->oh);
    } else if (l->kind == LAYER_MAXPOOL || l->kind == LAYER_AVGPOOL || l->kind == LAYER_L2POOL) {
        const PoolGeom *g = &l->pool;
        snprintf(out, size, "out = \xE2\x8C\x8A(%d \xE2\x88\x92 %d)/%d\xE2\x8C\x8B + 1 = %d", g->h,
                 g->kh, g->sh, g->oh);
    }
}

/* The equation strip for the current step (no hover). */
static void step_text(NetLab *L, int step)
{
    const NetLabModel *m = &L->m;
    char f[256];
    if (step <= 0) {
        if (L->src == SRC_DIGIT)
            snprintf(L->eq1, sizeof L->eq1, "step 0: the input %s, test digit #%d (a %d)",
                     m->info[0].shape, L->digit_index, L->digits.labels[L->digit_index]);
        else
            snprintf(L->eq1, sizeof L->eq1, "step 0: the input %s, %s", m->info[0].shape,
                     L->src == SRC_CANVAS ? "your drawing" : L->file_name);
        snprintf(L->eq2, sizeof L->eq2, "\xE2\x86\x92 computes the next layer;  %ld parameters "
                 "in all;  hover any unit for its receptive field", m->total_params);
        return;
    }
    const Layer *l = &m->net->spec.layers[step - 1];
    const NetLabLayer *li = &m->info[step];
    size_formula(l, f, sizeof f);
    snprintf(L->eq1, sizeof L->eq1, "layer %d/%d: %s \xE2\x86\x92 %s%s%s", step, m->n_layers,
             li->line, li->shape, f[0] ? "   " : "", f);
    switch (l->kind) {
    case LAYER_CONV:
    case LAYER_DECONV:
    case LAYER_DENSE:
        snprintf(L->eq2, sizeof L->eq2, "parameters %s;  total %ld", li->formula,
                 m->total_params);
        break;
    case LAYER_FLATTEN:
        snprintf(L->eq2, sizeof L->eq2, "the %s maps read in C, H, W order: the same numbers "
                 "in one line, no parameters", m->info[step - 1].shape);
        break;
    case LAYER_SOFTMAX: {
        int k = m->predicted;
        char sub[32];
        snprintf(L->eq2, sizeof L->eq2, "p%s = %s  (%s)", subscript(k, sub, sizeof sub),
                 k < NETLAB_MAX_CLASSES ? m->arith[k] : "", m->sum_text);
        break;
    }
    case LAYER_MAXPOOL:
        snprintf(L->eq2, sizeof L->eq2, "the largest value of each window, per channel; no "
                 "parameters");
        break;
    case LAYER_AVGPOOL:
        snprintf(L->eq2, sizeof L->eq2, "the mean of each window, per channel; no parameters");
        break;
    case LAYER_RELU:
        snprintf(L->eq2, sizeof L->eq2, "y = max(0, x) for each value; no parameters");
        break;
    default:
        snprintf(L->eq2, sizeof L->eq2, "applied to each value; no parameters");
        break;
    }
}

/* Tooltip and equation strip for a hovered unit; the value is asked again of the engine's
 * single-cell query where there is one (it equals the full forward's). */
static void unit_text(NetLab *L, const Unit *u, const RfBox *rf)
{
    const NetLabModel *m = &L->m;
    const NetLabLayer *li = &m->info[u->L];
    Shape s = li->out;
    char v[48], pos[96], where[200], a[48];
    netlab_format_fixed(netlab_unit_value(m, u->L, u->c, u->y, u->x), 4, v, sizeof v);
    if (s.rank == 3)
        snprintf(pos, sizeof pos, "[c %d, y %d, x %d]", u->c, u->y, u->x);
    else
        snprintf(pos, sizeof pos, "[%d]", u->c);
    const RfBox *b = &rf[0];
    Shape in = m->info[0].out;
    if (b->empty)
        snprintf(where, sizeof where, "receptive field: only padding");
    else if (rf_covers(b, in))
        snprintf(where, sizeof where, "receptive field: the whole input %s", m->info[0].shape);
    else if (rf_rows(b) != rf_unclipped_rows(b) || rf_cols(b) != rf_unclipped_cols(b))
        snprintf(where, sizeof where,
                 "receptive field %d\xC3\x97%d (%d\xC3\x97%d inside the image): rows %d\xE2\x80\x93"
                 "%d, cols %d\xE2\x80\x93%d",
                 rf_unclipped_rows(b), rf_unclipped_cols(b), rf_rows(b), rf_cols(b), b->y0, b->y1,
                 b->x0, b->x1);
    else
        snprintf(where, sizeof where,
                 "receptive field %d\xC3\x97%d: rows %d\xE2\x80\x93%d, cols %d\xE2\x80\x93%d",
                 rf_rows(b), rf_cols(b), b->y0, b->y1, b->x0, b->x1);
    const char *name = u->L == 0 ? "input" : li->line;
    snprintf(L->eq1, sizeof L->eq1, "%s %s = %s;  %s", name, pos, v, where);
    /* the engine's own account of the unit */
    L->eq2[0] = '\0';
    if (u->L >= 1) {
        const Layer *l = &m->net->spec.layers[u->L - 1];
        const float *x = netlab_layer_data(m, u->L - 1);
        const float *w = net_weights(m->net, u->L - 1), *bias = net_bias(m->net, u->L - 1);
        int n_terms = 0;
        if (l->kind == LAYER_CONV) {
            float val = conv_cell(&l->conv, x, w, bias, u->c, u->y, u->x, NULL, 0, &n_terms);
            snprintf(L->eq2, sizeof L->eq2,
                     "= b + \xCE\xA3 of %d products (%d channel%s \xC3\x97 %d\xC3\x97%d window of "
                     "layer %d) = %s", n_terms, l->conv.c, l->conv.c == 1 ? "" : "s", l->conv.kh,
                     l->conv.kw, u->L - 1,
                     netlab_format_fixed(val, 4, a, sizeof a));
        } else if (l->kind == LAYER_MAXPOOL || l->kind == LAYER_AVGPOOL ||
                   l->kind == LAYER_L2POOL) {
            int am = -1;
            PoolKind pk = l->kind == LAYER_MAXPOOL   ? POOL_MAX
                          : l->kind == LAYER_AVGPOOL ? POOL_AVG
                                                     : POOL_L2;
            long plane = (long)l->pool.h * l->pool.w;
            float val = pool_cell(&l->pool, pk, x + u->c * plane, u->y, u->x, &am);
            if (pk == POOL_MAX)
                snprintf(L->eq2, sizeof L->eq2, "max of the %d\xC3\x97%d window of layer %d = "
                         "%s, at (%d, %d)", l->pool.kh, l->pool.kw, u->L - 1,
                         netlab_format_fixed(val, 4, a, sizeof a), am / l->pool.w,
                         am % l->pool.w);
            else
                snprintf(L->eq2, sizeof L->eq2, "%s of the %d\xC3\x97%d window of layer %d = %s",
                         pk == POOL_AVG ? "mean" : "L2 norm", l->pool.kh, l->pool.kw, u->L - 1,
                         netlab_format_fixed(val, 4, a, sizeof a));
        } else if (l->kind == LAYER_DENSE) {
            float val = dense_cell(x, w, bias, l->in.c, u->c, NULL, 0, &n_terms);
            snprintf(L->eq2, sizeof L->eq2,
                     "= b + \xCE\xA3 w\xC2\xB7x over all %d values of layer %d = %s: it reads "
                     "every unit before it", n_terms, u->L - 1,
                     netlab_format_fixed(val, 4, a, sizeof a));
        } else if (l->kind == LAYER_SOFTMAX && u->c < NETLAB_MAX_CLASSES) {
            char sub[32];
            snprintf(L->eq2, sizeof L->eq2, "p%s = %s  (%s)", subscript(u->c, sub, sizeof sub), m->arith[u->c],
                     m->sum_text);
        } else if (l->kind == LAYER_FLATTEN) {
            snprintf(L->eq2, sizeof L->eq2, "element %d = layer %d [c %d, y %d, x %d]", u->c,
                     u->L - 1, rf[u->L - 1].c0, rf[u->L - 1].y0, rf[u->L - 1].x0);
        }
    }
    if (u->L > 0) {
        char first[160];
        snprintf(first, sizeof first, "layer %d: %s \xE2\x86\x92 %s", u->L, name, li->shape);
        snprintf(L->tip, sizeof L->tip, "%.120s\n%.40s = %.24s\n%.160s%s%.100s", first, pos, v, where,
                 L->eq2[0] ? "\n" : "", L->eq2);
    } else {
        snprintf(L->tip, sizeof L->tip, "input %s\n%s = %s", m->info[0].shape, pos, v);
    }
}

static void draw_controls(NetLab *L, LabContext *ctx)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    UiColumn col = ui_column(ctx->controls, th);
    char err[512] = "";
    ui_column_heading(ui, &col, "Network  (N)");
    int sel = L->net_sel;
    if (ui_dropdown(ui, ui_id("net.net"), ui_column_next(&col, 1), L->net_items, L->n_nets,
                    &sel)) {
        if (!load_net(L, sel, err, sizeof err))
            lab_report_error(ctx, err);
    }
    sel = L->weights_sel;
    if (ui_dropdown(ui, ui_id("net.weights"), ui_column_next(&col, 1), weight_items, 2, &sel))
        set_weights(L, sel);
    /* the weights' state: what they are, the accuracy, or the training's progress */
    int small = theme_px(th, THEME_SMALL);
    Rect st = {col.area.x, col.y, col.area.w, 3 * render_line_height(r, FONT_SANS, small)};
    if (st.y + st.h <= col.area.y + col.area.h) {
        char msg[320];
        if (L->m.train == NETLAB_TRAINING) {
            float f = netlab_train_progress(&L->m);
            snprintf(msg, sizeof msg, "%s %d%%", L->m.train_msg, (int)(100.0f * f));
            int bh = theme_px(th, 4);
            render_rect(r, (Rect){st.x, st.y + st.h - bh, st.w, bh}, th->border);
            render_rect(r, (Rect){st.x, st.y + st.h - bh, (int)(f * (float)st.w), bh},
                        th->accent);
        } else {
            snprintf(msg, sizeof msg, "%s", L->m.train_msg);
        }
        render_text_wrap(r, FONT_SANS, small, msg, st, th->text_dim, true);
        col.y += st.h + col.gap;
    }
    ui_column_heading(ui, &col, "Input");
    sel = (int)L->src;
    if (ui_dropdown(ui, ui_id("net.src"), ui_column_next(&col, 1), source_items, SRC_COUNT,
                    &sel)) {
        if (sel == SRC_FILE && !L->file_x) {
            L->src = SRC_FILE; /* shows the path field; the input stays until a file loads */
        } else {
            L->src = (Source)sel;
            apply_input(L);
        }
    }
    Rect row = ui_column_next(&col, 1);
    if (L->src == SRC_DIGIT && row.w > 0) {
        int bw = row.h;
        if (ui_button(ui, ui_id("net.prev"), (Rect){row.x, row.y, bw, row.h}, "\xE2\x97\x80"))
            pick_digit(L, L->digit_index - 1);
        int idx = L->digit_index;
        Rect nf = {row.x + bw + theme_px(th, 4), row.y, row.w - 2 * bw - theme_px(th, 8), row.h};
        if (ui_number_int(ui, ui_id("net.index"), nf, &idx, 0, L->digits.n - 1))
            pick_digit(L, idx);
        if (ui_button(ui, ui_id("net.next"), (Rect){row.x + row.w - bw, row.y, bw, row.h},
                      "\xE2\x96\xB6"))
            pick_digit(L, L->digit_index + 1);
        int cls = L->class_sel;
        if (ui_dropdown(ui, ui_id("net.class"), ui_column_next(&col, 1), class_items, 10, &cls))
            pick_class(L, cls);
    } else if (L->src == SRC_CANVAS && row.w > 0) {
        if (ui_button(ui, ui_id("net.clear"), row, "Clear  (C)")) {
            memset(L->canvas, 0, sizeof L->canvas);
            apply_input(L);
        }
        Rect note = ui_column_next(&col, 1);
        render_text_wrap(r, FONT_SANS, small, "Drag on the input to draw; Shift erases.", note,
                         th->text_dim, true);
    } else if (L->src == SRC_FILE && row.w > 0) {
        int bw = theme_px(th, 56);
        Rect tf = {row.x, row.y, row.w - bw - theme_px(th, 4), row.h};
        bool go = ui_text_field(ui, ui_id("net.path"), tf, L->path_edit, sizeof L->path_edit,
                                L->file_x ? L->file_name : "path (or drop a picture)");
        if (ui_button(ui, ui_id("net.load"), (Rect){row.x + row.w - bw, row.y, bw, row.h},
                      "Load"))
            go = true;
        if (go && L->path_edit[0] && !load_file(L, L->path_edit, err, sizeof err))
            lab_report_error(ctx, err);
    }
    /* the keys, when there is room */
    const char *keys = "D / Shift+D  next / previous digit\nK  next class\n"
                       "W  trained / initial weights\nN  next net   C  clear canvas\n"
                       "click a unit to pin it";
    int lh = render_line_height(r, FONT_MONO, small);
    int lines = 5;
    if (col.y + col.row_h + col.gap + lines * lh <= col.area.y + col.area.h) {
        ui_column_heading(ui, &col, "Keys");
        int y = col.y;
        const char *p = keys;
        char line[128];
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            if (len >= sizeof line)
                len = sizeof line - 1;
            memcpy(line, p, len);
            line[len] = '\0';
            line_in(r, th, FONT_MONO, THEME_SMALL, line, (Rect){col.area.x, y, col.area.w, lh},
                    ALIGN_LEFT | ALIGN_TOP, th->text_dim);
            y += lh;
            p = nl ? nl + 1 : p + len;
        }
    }
}

/* Paints (or erases) the canvas at the mouse over the input map. */
static void paint(NetLab *L, Rect map, int mx, int my)
{
    float fy = (float)(my - map.y) * CANVAS / (float)map.h;
    float fx = (float)(mx - map.x) * CANVAS / (float)map.w;
    for (int y = 0; y < CANVAS; y++)
        for (int x = 0; x < CANVAS; x++) {
            float dy = (float)y + 0.5f - fy, dx = (float)x + 0.5f - fx;
            float d2 = dx * dx + dy * dy;
            /* a soft round brush about two pixels wide, like a pen stroke in MNIST */
            float ink = d2 < 1.0f ? 1.0f : d2 < 2.6f ? 0.6f : 0.0f;
            float *c = &L->canvas[y * CANVAS + x];
            if (L->erasing)
                *c = ink > 0.0f ? 0.0f : *c;
            else
                *c = ink > *c ? ink : *c;
        }
    apply_input(L);
}

static void net_draw(void *state, LabContext *ctx)
{
    NetLab *L = state;
    NetLabModel *m = &L->m;
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Ui *ui = ctx->ui;
    /* training: on the worker in the window, to the end at once for a picture */
    if (L->want_train) {
        L->want_train = false;
        /* a net that cannot train on the digits keeps (and says) its initial weights */
        if (!netlab_train_start(m, L->digits_dir, &L->digits))
            L->weights_sel = 1;
    }
    if (ctx->headless && m->train == NETLAB_TRAINING) {
        netlab_train_wait(m);
        L->gen++;
    }
    if (netlab_train_poll(m))
        L->gen++;

    draw_controls(L, ctx);
    int step = L->tl.pos;

    /* the stage: a title line, then the maps, the vectors and the output table */
    Rect st = ctx->stage;
    int body = theme_px(th, THEME_BODY);
    int tl_h = render_line_height(r, FONT_SANS_BOLD, body) + theme_px(th, 8);
    char input_desc[160];
    if (L->src == SRC_DIGIT)
        snprintf(input_desc, sizeof input_desc, "test digit #%d (a %d)", L->digit_index,
                 L->digits.labels[L->digit_index]);
    else if (L->src == SRC_CANVAS)
        snprintf(input_desc, sizeof input_desc, "your drawing");
    else
        snprintf(input_desc, sizeof input_desc, "%.150s", L->file_x ? L->file_name : "no file yet");
    snprintf(L->head_text, sizeof L->head_text, "%s.net: %d layers, %ld parameters    input: %s",
             m->name, m->n_layers, m->total_params, input_desc);
    line_in(r, th, FONT_SANS_BOLD, THEME_BODY, L->head_text, (Rect){st.x, st.y, st.w, tl_h},
            ALIGN_LEFT | ALIGN_TOP, th->text);
    Rect stage = {st.x, st.y + tl_h, st.w, st.h - tl_h};
    layout(L, ctx, stage);

    /* the mouse: hover a unit, click to pin it, drag on the input to draw */
    Unit hov = {false, 0, 0, 0, 0};
    if (!ctx->headless && !ui->mouse_used && ui->st.open == 0) {
        hov = unit_at(L, ui->in.mx, ui->in.my);
        const MapCol *in_col = col_of(L, 0);
        bool on_input = hov.valid && hov.L == 0 && in_col;
        if (ui->in.mouse_pressed && on_input && L->src == SRC_CANVAS) {
            L->painting = true;
            L->erasing = ui->in.shift;
        } else if (ui->in.mouse_pressed && hov.valid) {
            bool same = L->pinned.valid && L->pinned.L == hov.L && L->pinned.c == hov.c &&
                        L->pinned.y == hov.y && L->pinned.x == hov.x;
            L->pinned = same ? (Unit){false, 0, 0, 0, 0} : hov;
        }
        if (L->painting && ui->in.mouse_down && in_col)
            paint(L, in_col->map[0], ui->in.mx, ui->in.my);
        if (!ui->in.mouse_down)
            L->painting = false;
    }
    L->hover = hov.valid ? hov : L->pinned;
    /* a unit of a layer not computed yet has no value to show */
    if (L->hover.valid && L->hover.L > step)
        L->hover.valid = false;

    RfBox rf[NET_MAX_LAYERS + 2];
    bool have_rf = L->hover.valid &&
                   netlab_model_trace(m, L->hover.L, L->hover.c, L->hover.y, L->hover.x, rf);
    bool images = update_images(L, r);
    (void)images;
    for (int i = 0; i < L->n_cols; i++)
        draw_col(L, ctx, &L->cols[i], L->cols[i].L <= step, L->cols[i].L == step && step > 0,
                 have_rf ? rf : NULL, L->hover.L);
    for (int i = 0; i < L->n_strips; i++)
        draw_strip(L, ctx, &L->strips[i], L->strips[i].L <= step, L->strips[i].L == step,
                   have_rf ? rf : NULL, L->hover.L);
    if (L->has_out)
        draw_out(L, ctx, step, have_rf ? rf : NULL, L->hover.L);
    /* the hovered unit itself: a 2 px cyan outline just outside its cell (the cell keeps its
     * colour), ringed in the background colour so it reads on light cells too */
    if (have_rf) {
        const MapCol *c = col_of(L, L->hover.L);
        if (c && L->hover.c < c->n_maps) {
            Shape s = m->info[c->L].out;
            Rect cr = cell_rect(c->map[L->hover.c], s.h, s.w, L->hover.y, L->hover.y,
                                L->hover.x, L->hover.x);
            int t = theme_px(th, 2);
            render_rect_outline(r, rect_inset(cr, -t - 1), 1, th->bg);
            render_rect_outline(r, rect_inset(cr, -t), t, th->hover);
        }
        unit_text(L, &L->hover, rf);
        if (hov.valid)
            ui_tooltip(ui, L->tip);
    } else {
        step_text(L, step);
    }
    /* a header's full text when its column is too narrow to show it */
    if (!ctx->headless && !hov.valid)
        for (int i = 0; i < L->n_cols; i++)
            if (rect_contains(L->cols[i].head, ui->in.mx, ui->in.my)) {
                const NetLabLayer *li = &m->info[L->cols[i].L];
                snprintf(L->tip, sizeof L->tip, "layer %d: %s \xE2\x86\x92 %s\n%s",
                         L->cols[i].L, li->line, li->shape,
                         li->formula[0] ? li->formula : "no parameters");
                ui_tooltip(ui, L->tip);
            }

    /* the equation strip */
    Rect e = ctx->equation;
    if (e.w > 0 && e.h > 0) {
        int size = theme_px(th, THEME_BODY);
        int lh = render_line_height(r, FONT_MONO, size);
        bool two = 2 * lh <= e.h;
        int y = e.y + (e.h - (two ? 2 : 1) * lh) / 2;
        /* a hover line too long for the strip: its receptive field moves to the second line
         * (the tooltip keeps the engine's account) */
        char *semi = strstr(L->eq1, ";  ");
        int w1 = 0;
        render_text_size(r, FONT_MONO, theme_px(th, 10), L->eq1, &w1, NULL);
        if (two && have_rf && semi && w1 > e.w) {
            snprintf(L->eq2, sizeof L->eq2, "%s", semi + 3);
            *semi = '\0';
        }
        render_text_line(r, FONT_MONO, size, theme_px(th, 10), L->eq1, (Rect){e.x, y, e.w, lh},
                         ALIGN_LEFT | ALIGN_TOP, have_rf ? th->hover : th->text);
        if (two)
            render_text_line(r, FONT_MONO, size, theme_px(th, 10), L->eq2,
                             (Rect){e.x, y + lh, e.w, lh}, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    }
}

/* The H overlay's rows for this lab (net_key and the mouse in net_draw). */
static const UiHelpRow net_help[] = {
    {"D  \xE2\x87\xA7" "D", "next / previous test digit"},
    {"K  \xE2\x87\xA7" "K", "next / previous class: the next test digit of that class"},
    {"W", "trained (1 epoch) / initial weights"},
    {"N  \xE2\x87\xA7" "N", "next / previous net in assets/nets"},
    {"C", "clear the canvas and draw: drag on the input, Shift+drag erases"},
    {"hover", "a unit: its value and receptive field traced back to the input"},
    {"click", "a unit pins it (click it again to unpin)"},
    {"drop", "a PNG, JPEG, BMP or PGM on the window becomes the input"},
    {NULL, NULL},
};

const LabDef lab_network = {
    .name = "network",
    .title = "Network",
    .blurb = "The whole digit classifier: every feature map, shapes, parameter counts, softmax.",
    .create = net_create_lab,
    .destroy = net_destroy_lab,
    .set_option = net_set_option,
    .update = net_update,
    .draw = net_draw,
    .timeline = net_timeline,
    .key = net_key,
    .drop = net_drop,
    .help = net_help,
};

/* ---- test-facing reads (lab_network.h) ---------------------------------------------------- */

const NetLabModel *lab_network_model(void *state)
{
    return &((NetLab *)state)->m;
}

bool lab_network_map_rect(void *state, int Lx, int c, Rect *out)
{
    const MapCol *col = col_of(state, Lx);
    if (!col || c < 0 || c >= col->n_maps)
        return false;
    *out = col->map[c];
    return true;
}

bool lab_network_head_rect(void *state, int Lx, Rect *out)
{
    const MapCol *col = col_of(state, Lx);
    if (!col)
        return false;
    *out = col->head;
    return true;
}

bool lab_network_strip_rect(void *state, int Lx, Rect *out)
{
    const NetLab *L = state;
    for (int i = 0; i < L->n_strips; i++)
        if (L->strips[i].L == Lx) {
            *out = L->strips[i].cells;
            return true;
        }
    return false;
}

bool lab_network_bar_rect(void *state, int k, Rect *out)
{
    const NetLab *L = state;
    if (!L->has_out || k < 0 || k >= L->out.rows)
        return false;
    *out = L->out.bar[k];
    return true;
}

bool lab_network_legend_rect(void *state, int Lx, Rect *out)
{
    const MapCol *col = col_of(state, Lx);
    if (!col)
        return false;
    *out = col->legend;
    return true;
}

int lab_network_class(void *state)
{
    return ((const NetLab *)state)->class_sel;
}

const char *lab_network_equation(void *state, int line)
{
    const NetLab *L = state;
    return line == 0 ? L->eq1 : L->eq2;
}
