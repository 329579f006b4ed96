/* labs/act/view_int.h - private to the Activations lab's view: its state, and what its files
 * share (view.c: the state's changes and the text fitting; view_controls.c, view_plots.c and
 * view_maps.c: the panels).
 * Depends on: labs/lab.h, labs/act/model.h, engine/idx.h, ui, viz. */
#ifndef CONVSCOPE_LAB_ACT_VIEW_INT_H
#define CONVSCOPE_LAB_ACT_VIEW_INT_H

#include "labs/lab.h"
#include "labs/act/model.h"
#include "engine/idx.h"
#include "ui/ui.h"
#include "viz/grid.h"
#include "viz/render.h"
#include "viz/theme.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct ActLab {
    ActScene sc;
    Timeline tl;
    int last_pos;   /* the timeline position the probe was last taken from */
    Dataset digits; /* the bundled test digits */
    bool have_digits;
    int kernel_sel; /* index into map_kernels */
    bool dragging;  /* the probe is being dragged */
    int hover_cell; /* feature-map cell under the mouse, -1 none */
    char title[128], fx_label[64], dx_label[64];
    char mark_f[64], mark_d[64], mark_k[64], mark_c[64], mark_h[64];
    char van_title[64], van_bound[32]; /* the stack plot's title and bound label (borrowed by it) */
    Rect van_bounds, van_area;         /* the stack plot as last drawn, and its data area */
    char eq[512], eq2[512];
    char tip[UI_TOOLTIP_MAX];
    char err[256];
    /* The four 28x28 maps as images (one texture copy each instead of 784 rectangles), made
     * with the Render the lab first draws with and refilled only when the scene changed:
     * gen counts scene rebuilds, img_gen is the rebuild the images show. The app destroys
     * a lab before its Render, so the images never outlive their renderer. */
    RenderImage *img[4];
    Render *img_r;
    unsigned gen, img_gen;
    bool img_valid;
    uint32_t px[ACTLAB_MAP * ACTLAB_MAP]; /* (28, 28) 0xRRGGBBAA, the upload buffer */
} ActLab;

/* Recomputes the scene after a setting changed; the map images follow on the next draw. */
void actview_rebuild(ActLab *L);
/* Keeps the timeline on the probe after the probe moved by other means. */
void actview_sync_timeline(ActLab *L);
/* Takes the selected kernel (L->kernel_sel) into the scene. */
void actview_load_kernel(ActLab *L);
/* Takes bundled test digit index (wrapped into range) into the scene. */
void actview_load_digit(ActLab *L, int index);
/* The offered kernels' labels, in L->kernel_sel order, and their number in *n. */
const char *const *actview_kernel_labels(int *n);

/* The largest size from base down to lo (both at scale 1.0) at which text fits max_w; 0 when
 * even lo is too wide. */
int actview_fitting_size(Render *r, const Theme *th, FontFace face, float base, float lo,
                         const char *text, int max_w);

/* The panels: the control column (view_controls.c); in the stage's areas the function plot,
 * the stack's plot and table (view_plots.c) and the feature maps (view_maps.c, drawn first:
 * their hover puts a mark on the function plot). */
void actview_draw_controls(ActLab *L, LabContext *ctx);
void actview_draw_function_plot(ActLab *L, LabContext *ctx, Rect area);
void actview_draw_vanishing_plot(ActLab *L, LabContext *ctx, Rect area);
void actview_draw_vanishing_table(ActLab *L, LabContext *ctx, Rect area);
void actview_draw_maps(ActLab *L, LabContext *ctx, Rect area);

#endif
