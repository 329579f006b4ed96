/* labs/conv/view_int.h - what the Convolution lab's view files share (room-private): the
 * lab's state around its scene (timeline, colour scales, editing, eased highlights) and the
 * pieces of drawing each file provides. Depends on: labs/conv/model, labs/lab.h, ui, viz. */
#ifndef CONVSCOPE_LAB_CONV_VIEW_INT_H
#define CONVSCOPE_LAB_CONV_VIEW_INT_H

#include "labs/lab.h"
#include "labs/conv/model.h"
#include "viz/colormap.h"
#include "viz/ease.h"

#include <stdint.h>

typedef struct ConvLab {
    ConvScene sc;
    char digits_err[256]; /* why the bundled digits could not be read (sc.digits NULL) */
    char path_edit[512];  /* the typed path of the "Image file…" field */
    bool focus_path;      /* key O: the path field takes the keyboard on the next frame */

    /* derived from the scene by convlab_recompute */
    uint8_t shown[CONVLAB_MAX_OUT * CONVLAB_MAX_OUT];
    ColorScale in_scale, k_scale, out_scale;
    Timeline tl;
    int shown_pos; /* the timeline position shown[] reflects */

    /* editing */
    int sel_kernel; /* selected kernel cell (ky*KW + kx) or -1 */
    int sel_input;  /* selected matrix cell or -1 */
    bool dragging_k, dragging_x, painting;
    /* eased highlights: the amber window and cell, the cyan receptive field and cell */
    double clock; /* seconds of update() so far */
    EaseRect e_win, e_cell, e_hwin, e_hcell;
    int drag_y;
    float drag_from;
    Rect drawn_kernel; /* the kernel's cells as last drawn (for the tests) */
} ConvLab;

/* The scene rebuilt, then its colour scales and the timeline's step count. */
void convlab_recompute(ConvLab *L);
/* The output cells shown filled: those the timeline has computed. */
void convlab_refresh_shown(ConvLab *L);
/* Makes s the input (no matrix cell selected any more). */
void convlab_choose_source(ConvLab *L, ConvSource s);
/* A picture file (typed, dropped or given as input=PATH) becomes the input; false with a
 * message naming the file. */
bool convlab_load_file(ConvLab *L, const char *path, char *err, size_t err_size);

/* The controls column (view_controls.c). */
void convlab_draw_controls(ConvLab *L, LabContext *ctx);
/* The stage: input ∗ kernel = output, the hover, editing by mouse, the 1-D picture and the
 * size formulas (view_stage.c). */
void convlab_draw_stage(ConvLab *L, LabContext *ctx);
/* The equation strip: output (eq_oy, eq_ox)'s equation, in cyan when hovered (view_strip.c). */
void convlab_draw_equation(ConvLab *L, LabContext *ctx, int eq_oy, int eq_ox, bool hovered);

#endif
