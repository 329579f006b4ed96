/* labs/pool/view_int.h - what the Pooling lab's view files share (room-private): the lab's
 * state around its scene (timeline, colour scales per channel, the matrix cell being edited,
 * eased highlights) and the pieces of drawing each file provides.
 * Depends on: labs/pool/model, labs/lab.h, ui, viz. */
#ifndef CONVSCOPE_LAB_POOL_VIEW_INT_H
#define CONVSCOPE_LAB_POOL_VIEW_INT_H

#include "labs/lab.h"
#include "labs/pool/model.h"
#include "viz/colormap.h"
#include "viz/ease.h"

#include <stdint.h>

typedef struct PoolLab {
    PoolScene sc;
    char digits_err[256]; /* why the bundled digits could not be read (sc.digits NULL) */
    char path_edit[512];  /* the typed path of the "Image file…" field */
    bool focus_path;      /* the path field takes the keyboard on the next frame */

    /* derived from the scene by poollab_recompute */
    uint8_t shown[POOLLAB_MAX_IN * POOLLAB_MAX_IN];
    int shown_pos;
    ColorScale in_scale[POOLLAB_MAX_CH], out_scale[POOLLAB_MAX_CH];
    Timeline tl;

    int sel_input; /* the matrix cell being edited, or -1 */
    /* eased highlights (the same window on every channel) */
    double clock; /* seconds of update() so far */
    EaseRect e_win, e_cell, e_hwin, e_hcell;
} PoolLab;

/* The scene rebuilt, then its colour scales and the timeline's step count. */
void poollab_recompute(PoolLab *L);
/* A picture (PNG, JPEG, BMP, PGM/PPM) made MNIST-like becomes the one-channel input; false
 * with a message naming the file. */
bool poollab_load_file(PoolLab *L, const char *path, char *err, size_t err_size);

/* The controls column (view_controls.c). */
void poollab_draw_controls(PoolLab *L, LabContext *ctx);
/* The stage and the equation strip (view_stage.c). */
void poollab_draw_stage(PoolLab *L, LabContext *ctx);

#endif
