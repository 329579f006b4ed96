/* labs/pool/model.c - the Pooling lab's scene (see model.h). */
#include "labs/pool/model.h"

#include "engine/act.h"
#include "engine/conv.h"
#include "engine/kernels.h"

#include <stdio.h>
#include <string.h>

static const char *const psrc_names[POOL_SRC_COUNT] = {"pool4", "maps", "digit", "matrix", "file"};
static const char *const kind_names[3] = {"max", "avg", "l2"};

static void load_source(PoolScene *sc)
{
    sc->nch = 1;
    switch (sc->src) {
    case POOL_SRC_NOTES: {
        const KernelsExampleData *ex = kernels_example(KERNELS_EX_POOL4);
        sc->h = ex->h;
        sc->w = ex->w;
        memcpy(sc->x, ex->x, sizeof(float) * 16);
        snprintf(sc->ch_name[0], sizeof sc->ch_name[0], "feature map");
        break;
    }
    case POOL_SRC_DIGIT:
    case POOL_SRC_MAPS: {
        sc->h = sc->w = 28;
        float img[28 * 28];
        if (sc->digits)
            dataset_image(sc->digits, sc->digit_index % sc->digits->n, img);
        else
            memset(img, 0, sizeof img);
        if (sc->src == POOL_SRC_DIGIT) {
            memcpy(sc->x, img, sizeof img);
            snprintf(sc->ch_name[0], sizeof sc->ch_name[0], "digit");
            break;
        }
        /* three feature maps the way a first conv layer makes them: conv, then ReLU */
        sc->nch = 3;
        static const KernelsPreset ps[3] = {KERNELS_SOBEL_X, KERNELS_SOBEL_Y, KERNELS_LAPLACIAN};
        float w[3 * 9];
        for (int c = 0; c < 3; c++) {
            int kh, kw;
            kernels_preset_fill(ps[c], 3, 3, w + 9 * c, &kh, &kw);
            snprintf(sc->ch_name[c], sizeof sc->ch_name[c], "relu(%s)",
                     kernels_preset_label(ps[c]));
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
        act_forward(sc->x, maps, 3 * 28 * 28, ACT_RELU, 0.0f);
        break;
    }
    case POOL_SRC_FILE:
        sc->h = sc->w = 28;
        memcpy(sc->x, sc->file_img, sizeof sc->file_img);
        snprintf(sc->ch_name[0], sizeof sc->ch_name[0], "%.31s", sc->file_name);
        break;
    case POOL_SRC_MATRIX:
        sc->h = sc->w = sc->msize;
        memcpy(sc->x, sc->matrix, sizeof(float) * (size_t)(sc->msize * sc->msize));
        snprintf(sc->ch_name[0], sizeof sc->ch_name[0], "matrix");
        break;
    default:
        break;
    }
}

void poolscene_rebuild(PoolScene *sc)
{
    load_source(sc);
    sc->kh = sc->kh < 1 ? 1 : sc->kh > POOLLAB_MAX_WIN ? POOLLAB_MAX_WIN : sc->kh;
    sc->kw = sc->kw < 1 ? 1 : sc->kw > POOLLAB_MAX_WIN ? POOLLAB_MAX_WIN : sc->kw;
    sc->sh = sc->sh < 1 ? 1 : sc->sh > POOLLAB_MAX_WIN ? POOLLAB_MAX_WIN : sc->sh;
    sc->sw = sc->sw < 1 ? 1 : sc->sw > POOLLAB_MAX_WIN ? POOLLAB_MAX_WIN : sc->sw;
    sweep_axis_init(&sc->rows, sc->h, 0, 0, sc->kh, sc->sh, 1);
    sweep_axis_init(&sc->cols, sc->w, 0, 0, sc->kw, sc->sw, 1);
    sc->valid = sweep_explain(&sc->rows, &sc->cols, "window", sc->why, sizeof sc->why);
    PoolGeom g = {1, sc->nch, sc->h, sc->w, sc->kh, sc->kw, sc->sh, sc->sw, 0, 0};
    sc->g = g;
    if (sc->valid) {
        bool ok = pool_geom_finish(&sc->g);
        sc->valid = ok && sc->g.oh == sc->rows.out && sc->g.ow == sc->cols.out;
    }
    if (sc->valid) {
        int plane = sc->h * sc->w, opl = sc->g.oh * sc->g.ow;
        for (int c = 0; c < sc->nch; c++)
            for (int oy = 0; oy < sc->g.oh; oy++)
                for (int ox = 0; ox < sc->g.ow; ox++) {
                    int i = c * opl + oy * sc->g.ow + ox;
                    sc->out[i] =
                        pool_cell(&sc->g, sc->kind, sc->x + c * plane, oy, ox, &sc->arg[i]);
                }
    }
    sc->dirty = false;
}

void poolscene_init(PoolScene *sc, const Dataset *digits)
{
    memset(sc, 0, sizeof *sc);
    sc->digits = digits;
    sc->msize = 6;
    for (int i = 0; i < 36; i++)
        sc->matrix[i] = (float)((i * 7 + 3) % 10); /* a fixed, varied pattern to start from */
    sc->src = POOL_SRC_NOTES;
    sc->kind = POOL_MAX;
    sc->kh = sc->kw = sc->sh = sc->sw = 2;
    sc->force_r = -1;
    sc->dirty = true;
}

bool poolscene_source_find(const char *name, PoolSource *src)
{
    for (int i = 0; i < POOL_SRC_COUNT; i++)
        if (strcmp(name, psrc_names[i]) == 0) {
            *src = (PoolSource)i;
            return true;
        }
    return false;
}

bool poolscene_kind_find(const char *name, PoolKind *kind)
{
    int k = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(name, kind_names[i]) == 0)
            k = i;
    if (strcmp(name, "average") == 0)
        k = POOL_AVG;
    if (k < 0)
        return false;
    *kind = (PoolKind)k;
    return true;
}

void poolscene_set_file(PoolScene *sc, const float *img, const char *name)
{
    memcpy(sc->file_img, img, sizeof sc->file_img);
    snprintf(sc->file_name, sizeof sc->file_name, "%s", name);
    sc->have_file = true;
    sc->src = POOL_SRC_FILE;
    sc->dirty = true;
}

bool poolscene_parse_hover(PoolScene *sc, const char *value, char *err, size_t err_size)
{
    int v[3];
    if (strcmp(value, "none") == 0) {
        sc->force_r = -1;
        return true;
    }
    if (sscanf(value, "out:%d,%d,%d", &v[0], &v[1], &v[2]) != 3 || v[0] < 0 ||
        v[0] >= POOLLAB_MAX_CH) {
        snprintf(err, err_size, "hover=%s: expected out:CHANNEL,ROW,COL or none", value);
        return false;
    }
    sc->force_ch = v[0];
    sc->force_r = v[1];
    sc->force_c = v[2];
    return true;
}

bool poolscene_forced_hover(const PoolScene *sc, int *ch, int *oy, int *ox)
{
    if (sc->force_r >= 0 && sc->valid && sc->force_ch < sc->nch && sc->force_r < sc->g.oh &&
        sc->force_c < sc->g.ow) {
        *ch = sc->force_ch;
        *oy = sc->force_r;
        *ox = sc->force_c;
        return true;
    }
    return false;
}

bool poolscene_current(const PoolScene *sc, int pos, int *oy, int *ox)
{
    *oy = *ox = -1;
    if (!sc->valid || pos <= 0)
        return false;
    *oy = (pos - 1) / sc->g.ow;
    *ox = (pos - 1) % sc->g.ow;
    return true;
}

int poolscene_equation(const PoolScene *sc, int c, int oy, int ox, int width, int max_lines,
                       char *out, size_t cap)
{
    float vals[POOLLAB_MAX_WIN * POOLLAB_MAX_WIN];
    int n = 0;
    const float *xc = sc->x + c * sc->h * sc->w;
    for (int ky = 0; ky < sc->kh; ky++)
        for (int kx = 0; kx < sc->kw; kx++)
            vals[n++] = xc[(oy * sc->sh + ky) * sc->w + ox * sc->sw + kx];
    float v = pool_cell(&sc->g, sc->kind, xc, oy, ox, NULL);
    return sweep_format_pool(sc->kind, vals, n, v, width, max_lines, out, cap);
}

const char *poolscene_kind_title(PoolKind kind)
{
    return kind == POOL_MAX ? "max pool" : kind == POOL_AVG ? "average pool" : "L2 pool";
}

void poolscene_rows_line(const PoolScene *sc, char *out, size_t cap)
{
    char f[256];
    sweep_axis_pool_formula(&sc->rows, f, sizeof f);
    snprintf(out, cap, "rows     OH = %s", f);
}

void poolscene_cols_line(const PoolScene *sc, char *out, size_t cap)
{
    char f[256];
    sweep_axis_pool_formula(&sc->cols, f, sizeof f);
    snprintf(out, cap, "columns  OW = %s", f);
}

void poolscene_kept_text(const PoolScene *sc, char *out, size_t cap)
{
    snprintf(out, cap, "(channels kept: %d in, %d out)", sc->nch, sc->nch);
}
