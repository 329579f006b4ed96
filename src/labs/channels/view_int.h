/* labs/channels/view_int.h - what the Channels lab's view files share (room-private): the
 * lab's state around its scene (timeline, colour scales, the value being edited, eased
 * highlights) and the stage view_stage.c draws. Depends on: labs/channels/model, labs/lab.h,
 * ui, viz. */
#ifndef CONVSCOPE_LAB_CHANNELS_VIEW_INT_H
#define CONVSCOPE_LAB_CHANNELS_VIEW_INT_H

#include "labs/lab.h"
#include "labs/channels/model.h"
#include "viz/colormap.h"
#include "viz/ease.h"
#include "viz/grid.h"

#include <stdint.h>

typedef enum ChanSel { CHAN_SEL_NONE, CHAN_SEL_INPUT, CHAN_SEL_WEIGHT } ChanSel;

typedef struct ChanLab {
    ChanScene sc;
    /* derived from the scene by chanlab_recompute */
    uint8_t shown[CHANLAB_O][CHANLAB_MAX_OUT * CHANLAB_MAX_OUT];
    int shown_pos;
    ColorScale x_scale, w_scale, out_scale;
    Timeline tl;
    ChanSel sel;   /* what the Selected field edits */
    int sel_index; /* into x or w */
    bool dragging;
    int drag_y;
    float drag_from;
    /* eased highlights: the window on all three planes, the current and hovered cells */
    double clock; /* seconds of update() so far */
    EaseRect e_win, e_cell[CHANLAB_O], e_hwin, e_hcell[CHANLAB_O];
    /* as last drawn: every input plane's and every weight plane's layout (for the tests) */
    GridLayout drawn_x[CHANLAB_C], drawn_w[CHANLAB_O][CHANLAB_C];
} ChanLab;

/* The scene rebuilt, then its colour scales and the timeline's step count. */
void chanlab_recompute(ChanLab *L);
/* The stage (planes, filters, outputs, partial sums, formulas) and the strip (view_stage.c). */
void chanlab_draw_stage(ChanLab *L, LabContext *ctx);

#endif
