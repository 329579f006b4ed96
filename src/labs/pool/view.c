/* labs/pool/view.c - the Pooling lab: max, average or L2 windows sweep over one or several
 * feature maps with their stride; each output cell is asked of the engine (pool_cell, with its
 * argmax), written out as arithmetic, and every channel is pooled side by side.
 * This file: the LabDef, the lab's life, options, keys and help; the scene is model.c, the
 * controls view_controls.c, the stage and equation strip view_stage.c.
 * Depends on: labs/pool/model, labs/common (options, digits, grids, picture), labs/lab.h. */
#include "labs/pool/view_int.h"
#include "labs/common/digits.h"
#include "labs/common/grids.h"
#include "labs/common/options.h"
#include "labs/common/picture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void poollab_recompute(PoolLab *L)
{
    PoolScene *sc = &L->sc;
    poolscene_rebuild(sc);
    int steps = 0;
    if (sc->valid) {
        int opl = sc->g.oh * sc->g.ow;
        for (int c = 0; c < sc->nch; c++)
            L->out_scale[c] = lsu_scale_fit(COLORMAP_SEQUENTIAL, sc->out + c * opl, opl);
        steps = opl;
    }
    for (int c = 0; c < sc->nch; c++)
        L->in_scale[c] =
            lsu_scale_fit(COLORMAP_SEQUENTIAL, sc->x + c * sc->h * sc->w, sc->h * sc->w);
    timeline_set_count(&L->tl, steps);
    L->shown_pos = -1;
}

static void *pool_create(char *err, size_t err_size)
{
    PoolLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "pooling lab: out of memory");
        return NULL;
    }
    poolscene_init(&L->sc, lsu_digits_acquire(L->digits_err, sizeof L->digits_err));
    L->sel_input = -1;
    timeline_init(&L->tl, 0);
    L->tl.unit = "window"; /* each step moves the window one place */
    poollab_recompute(L);
    /* the notes' example, three of its four windows done */
    timeline_seek(&L->tl, 3);
    return L;
}

static void pool_destroy(void *state)
{
    PoolLab *L = state;
    if (!L)
        return;
    if (L->sc.digits)
        lsu_digits_release();
    free(L);
}

bool poollab_load_file(PoolLab *L, const char *path, char *err, size_t err_size)
{
    float img[28 * 28];
    char name[256];
    if (!lsu_picture_load(path, img, name, sizeof name, err, err_size))
        return false;
    poolscene_set_file(&L->sc, img, name);
    if (path != L->path_edit)
        snprintf(L->path_edit, sizeof L->path_edit, "%s", path);
    poollab_recompute(L);
    return true;
}

static bool pool_drop(void *state, const char *path, char *err, size_t err_size)
{
    return poollab_load_file(state, path, err, err_size);
}

static bool pool_set_option(void *state, const char *key, const char *value, char *err,
                            size_t err_size)
{
    PoolLab *L = state;
    PoolScene *sc = &L->sc;
    int v[2], n;
    if (strcmp(key, "input") == 0 || strcmp(key, "preset") == 0) {
        /* a source by name, digit:N (its edge maps, or the digit itself when that shows), or
         * a picture's path */
        PoolSource src;
        int idx = poolscene_source_find(value, &src) ? (int)src : -1;
        if (idx < 0 && strncmp(value, "digit:", 6) == 0) {
            if (!lsu_parse_ints(key, value + 6, v, 1, 0, 1999, err, err_size))
                return false;
            sc->digit_index = v[0];
            idx = sc->src == POOL_SRC_DIGIT ? POOL_SRC_DIGIT : POOL_SRC_MAPS;
        }
        if (idx == POOL_SRC_FILE && !sc->have_file) {
            snprintf(err, err_size, "%s=file: no picture loaded yet; give %s=PATH", key, key);
            return false;
        }
        if (idx < 0 && (strchr(value, '/') || strchr(value, '.')))
            return poollab_load_file(L, value, err, err_size);
        if (idx < 0) {
            snprintf(err, err_size,
                     "%s=%s: expected pool4 (the notes' 4x4), maps, digit, digit:N, matrix or a "
                     "picture's path",
                     key, value);
            return false;
        }
        if ((idx == POOL_SRC_MAPS || idx == POOL_SRC_DIGIT) && !sc->digits) {
            snprintf(err, err_size, "%s=%s: %s", key, value, L->digits_err);
            return false;
        }
        sc->src = (PoolSource)idx;
    } else if (strcmp(key, "kind") == 0) {
        if (!poolscene_kind_find(value, &sc->kind)) {
            snprintf(err, err_size, "kind=%s: expected max, avg or l2", value);
            return false;
        }
    } else if (strcmp(key, "k") == 0) {
        if (!(n = lsu_parse_ints(key, value, v, 2, 1, POOLLAB_MAX_WIN, err, err_size)))
            return false;
        sc->kh = v[0];
        sc->kw = n > 1 ? v[1] : v[0];
    } else if (strcmp(key, "stride") == 0) {
        if (!(n = lsu_parse_ints(key, value, v, 2, 1, POOLLAB_MAX_WIN, err, err_size)))
            return false;
        sc->sh = v[0];
        sc->sw = n > 1 ? v[1] : v[0];
    } else if (strcmp(key, "size") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 2, 16, err, err_size))
            return false;
        sc->msize = v[0];
        sc->src = POOL_SRC_MATRIX;
    } else if (strcmp(key, "hover") == 0) {
        return poolscene_parse_hover(sc, value, err, err_size);
    } else {
        snprintf(err, err_size,
                 "pooling: unknown option '%s' (input, kind, k, stride, size, hover, step)", key);
        return false;
    }
    poollab_recompute(L);
    return true;
}

static Timeline *pool_timeline(void *state)
{
    PoolLab *L = state;
    if (L->sc.dirty)
        poollab_recompute(L);
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

static void pool_draw(void *state, LabContext *ctx)
{
    PoolLab *L = state;
    if (L->sc.dirty)
        poollab_recompute(L);
    poollab_draw_controls(L, ctx);
    if (L->sc.dirty)
        poollab_recompute(L);
    if (L->sc.valid && L->shown_pos != L->tl.pos) {
        for (int i = 0; i < L->sc.g.oh * L->sc.g.ow; i++)
            L->shown[i] = i < L->tl.pos;
        L->shown_pos = L->tl.pos;
    }
    poollab_draw_stage(L, ctx);
}

static bool pool_key(void *state, int key, bool ctrl, bool shift)
{
    (void)shift;
    PoolLab *L = state;
    if (ctrl)
        return false;
    /* 'o' as in the Convolution lab: the input becomes a picture file, its path field focused */
    if (key == 'o') {
        L->sc.src = POOL_SRC_FILE;
        L->sc.dirty = true;
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
    {"presets", "2\xC3\x97"
                "2 s2, 3\xC3\x97"
                "3 s2, 3\xC3\x97"
                "3 s3 in one click"},
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
