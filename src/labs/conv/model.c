/* labs/conv/model.c - the Convolution lab's scene (see model.h). */
#include "labs/conv/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const source_names[CONV_SRC_COUNT] = {"grid3",  "nineties", "digit", "matrix",
                                                         "canvas", "file",     "signal"};

void convscene_set_preset(ConvScene *sc, KernelsPreset p)
{
    kernels_preset_fill(p, sc->kh, sc->kw, sc->k, &sc->kh, &sc->kw);
    sc->preset = (int)p;
    sc->dirty = true;
}

void convscene_resize_kernel(ConvScene *sc, int old_kh, int old_kw)
{
    if (sc->kh == old_kh && sc->kw == old_kw)
        return;
    if (sc->preset == KERNELS_IDENTITY || sc->preset == KERNELS_BOX) {
        convscene_set_preset(sc, (KernelsPreset)sc->preset);
        return;
    }
    float old[CONVLAB_MAX_K * CONVLAB_MAX_K];
    memcpy(old, sc->k, sizeof old);
    for (int y = 0; y < sc->kh; y++)
        for (int x = 0; x < sc->kw; x++)
            sc->k[y * sc->kw + x] = (y < old_kh && x < old_kw) ? old[y * old_kw + x] : 0.0f;
    sc->preset = -1;
    sc->dirty = true;
}

/* Symmetric padding keeps within 0..k; per side likewise. */
void convscene_clamp(ConvScene *sc)
{
#define CLAMP(v, lo, hi) ((v) < (lo) ? (lo) : (v) > (hi) ? (hi) : (v))
    sc->kh = CLAMP(sc->kh, 1, CONVLAB_MAX_K);
    sc->kw = CLAMP(sc->kw, 1, CONVLAB_MAX_K);
    if (sc->src == CONV_SRC_SIGNAL)
        sc->kh = 1;
    sc->sh = CLAMP(sc->sh, 1, 8);
    sc->sw = CLAMP(sc->sw, 1, 8);
    sc->dh = CLAMP(sc->dh, 1, 4);
    sc->dw = CLAMP(sc->dw, 1, 4);
    sc->pt = CLAMP(sc->pt, 0, sc->kh);
    sc->pb = CLAMP(sc->pb, 0, sc->kh);
    sc->pl = CLAMP(sc->pl, 0, sc->kw);
    sc->pr = CLAMP(sc->pr, 0, sc->kw);
    if (sc->src == CONV_SRC_SIGNAL)
        sc->pt = sc->pb = 0;
#undef CLAMP
}

/* Copies the chosen source into x (H, W). */
static void load_source(ConvScene *sc)
{
    switch (sc->src) {
    case CONV_SRC_GRID3:
    case CONV_SRC_NINETIES:
    case CONV_SRC_SIGNAL: {
        const KernelsExampleData *ex =
            kernels_example(sc->src == CONV_SRC_GRID3      ? KERNELS_EX_GRID3
                            : sc->src == CONV_SRC_NINETIES ? KERNELS_EX_NINETIES
                                                           : KERNELS_EX_SIGNAL);
        sc->h = ex->h;
        sc->w = ex->w;
        memcpy(sc->x, ex->x, sizeof(float) * (size_t)(ex->h * ex->w));
        break;
    }
    case CONV_SRC_DIGIT:
        sc->h = sc->w = 28;
        if (sc->digits && sc->digits->h == 28 && sc->digits->w == 28)
            dataset_image(sc->digits, sc->digit_index % sc->digits->n, sc->x);
        else
            memset(sc->x, 0, sizeof sc->x);
        break;
    case CONV_SRC_MATRIX:
        sc->h = sc->w = sc->msize;
        memcpy(sc->x, sc->matrix, sizeof(float) * (size_t)(sc->msize * sc->msize));
        break;
    case CONV_SRC_CANVAS:
        sc->h = sc->w = sc->csize;
        memcpy(sc->x, sc->canvas, sizeof(float) * (size_t)(sc->csize * sc->csize));
        break;
    case CONV_SRC_FILE:
        sc->h = sc->w = 28;
        memcpy(sc->x, sc->file_img, sizeof sc->file_img);
        break;
    default:
        break;
    }
}

/* Switching to an example of the notes brings its kernel and settings along. */
void convscene_choose_source(ConvScene *sc, ConvSource s)
{
    sc->src = s;
    if (s == CONV_SRC_GRID3 || s == CONV_SRC_NINETIES || s == CONV_SRC_SIGNAL) {
        const KernelsExampleData *ex =
            kernels_example(s == CONV_SRC_GRID3      ? KERNELS_EX_GRID3
                            : s == CONV_SRC_NINETIES ? KERNELS_EX_NINETIES
                                                     : KERNELS_EX_SIGNAL);
        sc->kh = ex->kh;
        sc->kw = ex->kw;
        memcpy(sc->k, ex->k, sizeof(float) * (size_t)(ex->kh * ex->kw));
        sc->preset = s == CONV_SRC_NINETIES ? KERNELS_BOX : -1;
        sc->sh = sc->sw = ex->stride;
        sc->pt = sc->pb = sc->pl = sc->pr = ex->pad;
        sc->dh = sc->dw = 1;
        sc->bias = 0.0f;
    }
    convscene_clamp(sc);
    sc->dirty = true;
}

bool convscene_source_find(const char *name, ConvSource *src)
{
    for (int i = 0; i < CONV_SRC_COUNT; i++)
        if (strcmp(name, source_names[i]) == 0) {
            *src = (ConvSource)i;
            return true;
        }
    return false;
}

void convscene_rebuild(ConvScene *sc)
{
    convscene_clamp(sc);
    load_source(sc);
    ConvGeom g = {0};
    g.n = 1;
    g.c = 1;
    g.h = sc->h;
    g.w = sc->w;
    g.o = 1;
    g.kh = sc->kh;
    g.kw = sc->kw;
    g.sh = sc->sh;
    g.sw = sc->sw;
    g.pt = sc->pt;
    g.pb = sc->pb;
    g.pl = sc->pl;
    g.pr = sc->pr;
    g.dh = sc->dh;
    g.dw = sc->dw;
    sweep_init(&sc->sweep, &g, sc->why, sizeof sc->why);
    if (sc->sweep.valid) {
        /* Each output cell is asked of the engine at its position, as the sweep shows it. */
        for (int oy = 0; oy < sc->sweep.g.oh; oy++)
            for (int ox = 0; ox < sc->sweep.g.ow; ox++)
                sc->out[oy * sc->sweep.g.ow + ox] =
                    conv_cell(&sc->sweep.g, sc->x, sc->k, &sc->bias, 0, oy, ox, NULL, 0, NULL);
    }
    sweep_coverage(&sc->sweep, sc->k, sc->cov);
    for (int i = 0; i < sc->h * sc->w; i++)
        sc->covf[i] = (float)sc->cov[i];
    sc->dirty = false;
}

void convscene_init(ConvScene *sc, const Dataset *digits)
{
    memset(sc, 0, sizeof *sc);
    sc->digits = digits;
    sc->msize = 6;
    /* a small matrix with a vertical edge: dark left half, bright right half */
    for (int i = 0; i < CONVLAB_MAX_IN * CONVLAB_MAX_IN; i++)
        sc->matrix[i] = (float)((i % CONVLAB_MAX_IN) >= 3 ? 1 : 0);
    for (int r = 0; r < sc->msize; r++)
        for (int c = 0; c < sc->msize; c++)
            sc->matrix[r * sc->msize + c] = c >= 3 ? 1.0f : 0.0f;
    sc->csize = 28;
    snprintf(sc->file_name, sizeof sc->file_name, "(none: use input=PATH)");
    sc->kh = sc->kw = 3;
    /* The default scene is the notes' 10x10 image of 90s under the box filter: numbers a
     * student can check against the printed 8x8. */
    convscene_choose_source(sc, CONV_SRC_NINETIES);
}

void convscene_set_weight(ConvScene *sc, int i, float v)
{
    sc->k[i] = v;
    sc->preset = -1;
    sc->dirty = true;
}

float convscene_drag_value(float from, int notches)
{
    float step = 0.1f;
    return roundf((from + (float)notches * step) * 10.0f) / 10.0f;
}

void convscene_paint(ConvScene *sc, int row, int col, bool erase)
{
    float ink = erase ? 0.0f : 1.0f;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
            int y = row + dy, x = col + dx;
            if (y < 0 || x < 0 || y >= sc->csize || x >= sc->csize)
                continue;
            float want = (dx == 0 && dy == 0) ? ink : ink * 0.5f;
            float *p = &sc->canvas[y * sc->csize + x];
            *p = erase ? (dx == 0 && dy == 0 ? 0.0f : *p) : fmaxf(*p, want);
        }
    sc->dirty = true;
}

void convscene_clear_canvas(ConvScene *sc)
{
    memset(sc->canvas, 0, sizeof sc->canvas);
    sc->dirty = true;
}

void convscene_set_file(ConvScene *sc, const float *img, const char *name)
{
    memcpy(sc->file_img, img, sizeof sc->file_img);
    snprintf(sc->file_name, sizeof sc->file_name, "%s", name);
    sc->have_file = true;
    convscene_choose_source(sc, CONV_SRC_FILE);
}

bool convscene_parse_weights(ConvScene *sc, const char *value, char *err, size_t err_size)
{
    /* KH*KW comma-separated values, row by row */
    const char *p = value;
    int i = 0;
    while (*p && i < sc->kh * sc->kw) {
        char *end = NULL;
        float f = strtof(p, &end);
        if (end == p)
            break;
        sc->k[i++] = f;
        p = *end == ',' ? end + 1 : end;
    }
    if (i != sc->kh * sc->kw || *p) {
        snprintf(err, err_size, "weights=%s: expected %d numbers (KH×KW = %d×%d)", value,
                 sc->kh * sc->kw, sc->kh, sc->kw);
        return false;
    }
    sc->preset = -1;
    sc->dirty = true;
    return true;
}

bool convscene_parse_hover(const char *value, ConvHover *h, char *err, size_t err_size)
{
    char kind[16] = "";
    int r = 0, c = 0;
    if (strcmp(value, "none") == 0) {
        h->kind = CONV_HOVER_NONE;
        return true;
    }
    if (sscanf(value, "%15[a-z]:%d,%d", kind, &r, &c) != 3) {
        snprintf(err, err_size, "hover=%s: expected in:R,C, out:R,C, kernel:R,C or none", value);
        return false;
    }
    if (strcmp(kind, "in") == 0)
        h->kind = CONV_HOVER_INPUT;
    else if (strcmp(kind, "out") == 0)
        h->kind = CONV_HOVER_OUTPUT;
    else if (strcmp(kind, "kernel") == 0)
        h->kind = CONV_HOVER_KERNEL;
    else {
        snprintf(err, err_size, "hover=%s: expected in, out or kernel before ':'", value);
        return false;
    }
    h->r = r;
    h->c = c;
    return true;
}

bool convscene_current(const ConvScene *sc, int pos, int *oy, int *ox)
{
    *oy = *ox = -1;
    if (!sc->sweep.valid || pos <= 0)
        return false;
    int o;
    sweep_step_cell(&sc->sweep, pos - 1, &o, oy, ox);
    return true;
}

ConvHover convscene_hover_check(const ConvScene *sc, ConvHover h)
{
    int hr = h.r, hc = h.c;
    if (h.kind == CONV_HOVER_OUTPUT &&
        (!sc->sweep.valid || hr < 0 || hc < 0 || hr >= sc->sweep.g.oh || hc >= sc->sweep.g.ow))
        h.kind = CONV_HOVER_NONE;
    if (h.kind == CONV_HOVER_INPUT && (hr < 0 || hc < 0 || hr >= sc->h || hc >= sc->w))
        h.kind = CONV_HOVER_NONE;
    if (h.kind == CONV_HOVER_KERNEL && (hr < 0 || hc < 0 || hr >= sc->kh || hc >= sc->kw))
        h.kind = CONV_HOVER_NONE;
    return h;
}

int convscene_input_uses(const ConvScene *sc, int r, int c, ConvInputUse *uses, int max)
{
    int n = 0;
    conv_dx_cell(&sc->sweep.g, NULL, sc->k, 0, r, c, uses, max, &n);
    return n;
}

void convscene_hover_text(const ConvScene *sc, ConvHover h, char *out, size_t cap)
{
    int hr = h.r, hc = h.c;
    char vs[32];
    out[0] = '\0';
    if (h.kind == CONV_HOVER_INPUT && sc->sweep.valid) {
        ConvInputUse uses[CONVLAB_MAX_K * CONVLAB_MAX_K];
        int n = convscene_input_uses(sc, hr, hc, uses, CONVLAB_MAX_K * CONVLAB_MAX_K);
        sweep_format_value(sc->x[hr * sc->w + hc], vs, sizeof vs);
        snprintf(out, cap, "input[%d,%d] = %s\nvisited by %d window%s (feeds %d output%s)", hr, hc,
                 vs, n, n == 1 ? "" : "s", n, n == 1 ? "" : "s");
    } else if (h.kind == CONV_HOVER_OUTPUT) {
        sweep_format_value(sc->out[hr * sc->sweep.g.ow + hc], vs, sizeof vs);
        snprintf(out, cap, "out[%d,%d] = %s\nits receptive field is outlined in cyan", hr, hc, vs);
    } else if (h.kind == CONV_HOVER_KERNEL) {
        sweep_format_value(sc->k[hr * sc->kw + hc], vs, sizeof vs);
        snprintf(out, cap,
                 "w[%d,%d] = %s\ndrag up/down to change it; click, then type in the field", hr, hc,
                 vs);
    }
}

/* Output cell label "out[1,3]" (or "O4" in 1-D). */
void convscene_out_name(const ConvScene *sc, int oy, int ox, char *s, size_t n)
{
    if (sc->src == CONV_SRC_SIGNAL)
        snprintf(s, n, "O%d", ox + 1);
    else
        snprintf(s, n, "out[%d,%d]", oy, ox);
}

int convscene_equation(const ConvScene *sc, int oy, int ox, int width, int max_lines, char *out,
                       size_t cap)
{
    ConvTerm terms[CONVLAB_MAX_K * CONVLAB_MAX_K];
    int n = 0;
    float v = conv_cell(&sc->sweep.g, sc->x, sc->k, &sc->bias, 0, oy, ox, terms,
                        CONVLAB_MAX_K * CONVLAB_MAX_K, &n);
    return sweep_format_equation(terms, n, true, sc->bias, v, width, max_lines, out, cap);
}

void convscene_rows_line(const ConvScene *sc, char *out, size_t cap)
{
    char f[256];
    sweep_axis_formula(&sc->sweep.rows, f, sizeof f);
    snprintf(out, cap, "rows     OH = %s", f);
}

void convscene_cols_line(const ConvScene *sc, char *out, size_t cap)
{
    char f[256];
    sweep_axis_formula(&sc->sweep.cols, f, sizeof f);
    snprintf(out, cap, "%s OW = %s", sc->src == CONV_SRC_SIGNAL ? "length" : "columns", f);
}

void convscene_windows_line(const ConvScene *sc, char *out, size_t cap)
{
    snprintf(out, cap, "%d window%s; parameters %d\xC2\xB7%d + 1 = %d (weights + bias)",
             sc->sweep.steps, sc->sweep.steps == 1 ? "" : "s", sc->kh, sc->kw, sc->kh * sc->kw + 1);
}

void convscene_shared_weights_line(const ConvScene *sc, int ox, char *out, size_t cap)
{
    char sym[256];
    sweep_format_symbolic_1d(&sc->sweep, ox, sym, sizeof sym);
    snprintf(out, cap, "shared weights:  %s", sym);
}

void convscene_titles(const ConvScene *sc, ConvTitles *t)
{
    t->in_note[0] = t->k_note[0] = '\0';
    snprintf(t->in_title, sizeof t->in_title, "%s",
             sc->coverage ? "visits per input cell" : "input");
    snprintf(t->in_shape, sizeof t->in_shape, "1\xC3\x97%d\xC3\x97%d", sc->h, sc->w);
    if (sc->pt + sc->pb + sc->pl + sc->pr > 0) {
        if (sc->pt == sc->pb && sc->pl == sc->pr && sc->pt == sc->pl)
            snprintf(t->in_note, sizeof t->in_note, "(padding %d)", sc->pt);
        else
            snprintf(t->in_note, sizeof t->in_note, "(pad %d,%d,%d,%d)", sc->pt, sc->pb, sc->pl,
                     sc->pr);
    }
    snprintf(t->k_shape, sizeof t->k_shape, "%d\xC3\x97%d", sc->kh, sc->kw);
    /* the dilation on the kernel's second title line: on the first it would shrink the title */
    if (sc->dh > 1 || sc->dw > 1)
        snprintf(t->k_note, sizeof t->k_note, "(dilation %d,%d)", sc->dh, sc->dw);
    if (sc->sweep.valid)
        snprintf(t->out_shape, sizeof t->out_shape, "1\xC3\x97%d\xC3\x97%d", sc->sweep.g.oh,
                 sc->sweep.g.ow);
    else
        t->out_shape[0] = '\0';
}
