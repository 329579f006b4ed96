/* labs/backprop/view_int.h - what the Backprop lab's view files share (room-private): the
 * lab's state and the functions one file calls in another's.
 * Files: view.c (the lab: life cycle, options, keys, the frame), view_grids.c (grids laid out
 * side by side, outlines, arrows, the hover tooltip's record), view_phases.c (the loss, dense,
 * flatten, pooling and activation phases), view_kernels.c (the kernel and input gradients of
 * a convolution, the update), view_frame.c (the control column with the phases, the net strip,
 * the equation and the finite-difference panel).
 * Depends on: labs/backprop/model.h, labs/lab.h, labs/common/labkit.h, viz (grid, colormap). */
#ifndef CONVSCOPE_LABS_BACKPROP_VIEW_INT_H
#define CONVSCOPE_LABS_BACKPROP_VIEW_INT_H

#include "labs/backprop/model.h"
#include "labs/common/labkit.h"
#include "labs/lab.h"
#include "viz/colormap.h"
#include "viz/grid.h"

#include <stdbool.h>
#include <stdint.h>

#define MAX_HOVER 8
#define BPVIEW_N_NETS                                                                              \
    4 /* tiny, sse, lenet-tiny, yours (the Network lab's, labs/common/netshare.h) */

/* A grid drawn this frame, for the hover tooltip. */
typedef struct HoverGrid {
    GridView v;
    GridLayout lay;
    char name[128]; /* "∂L/∂z₁[0," : the tooltip writes name + "r,c] = v" */
    bool vector;    /* a 1-row or 1-column vector: one index */
} HoverGrid;

typedef struct BpLab {
    BpModel m;
    bool ok;
    char err[512];
    const Dataset *digits;
    char digits_err[256];
    char net_name[32];   /* asked for: tiny, sse, lenet-tiny or yours */
    char shown_name[32]; /* the one the scene shows (kept when a net is refused) */
    bool bn_train;       /* your net's batchnorm layers in training mode (option bn=train) */
    /* "yours": the share's generations the scene was built at (rebuilt when they move) */
    unsigned built_net_gen, built_weights_gen;
    /* what the last rebuild said: "Rebuilt: ..." or a refusal (the previous scene kept) */
    char note[640];
    int digit;
    float lr;
    int seed;
    bool dirty;
    Timeline tl;
    /* scratch sized at build time for the largest phase (no allocation per frame) */
    float *shown_val;    /* values on a result grid */
    uint8_t *shown_mask; /* cells computed so far */
    long scratch_n;
    float mask[BP_MAX_TERMS]; /* f′(z) of one plane */
    /* the finite-difference check of the current step, computed when the step changes */
    int fd_step;
    bool fd_have;
    GradCheckResult fd;
    float fd_bp;
    HoverGrid hov[MAX_HOVER];
    int n_hov;
    /* the phase list as last drawn: its first phase and how many rows it showed (a window
     * around the current phase when the column cannot hold them all) */
    int phase_first, phase_shown;
} BpLab;

/* ---- view.c --------------------------------------------------------------------------------- */

/* The index of the lab's net among tiny, sse, lenet-tiny, yours; and a new net by index
 * (rebuilt at the next frame). */
int bpview_net_index(const BpLab *L);
void bpview_set_net(BpLab *L, int index);

/* ---- view_grids.c --------------------------------------------------------------------------- */

/* The body text size. */
int bpview_body_px(const Theme *th);
/* The height a grid needs above and below its cells (title and legend). */
int bpview_grid_chrome_h(Render *r, const Theme *th);
/* A grid view of data (rows, cols) with a title and shape, values as the V key says. */
GridView bpview_make_view(LabContext *ctx, const char *title, const char *shape, const float *data,
                          int rows, int cols, ColorScale scale, int decimals);
/* Lays the view out in avail with cells of at most cell px, draws it, and remembers it for the
 * hover tooltip under name (NULL: not). */
GridLayout bpview_draw_view(BpLab *L, LabContext *ctx, GridView *v, Rect avail, int cell,
                            const char *name);
/* The narrowest column for n grids in width w: the legend's width, or less when the window is
 * too narrow for that. */
int bpview_eff_min_w(const Theme *th, int w, int n, int gap);
/* Cell size so that n grids of (rows[i], cols[i]) fit side by side in area with gap between;
 * their column rects; both for the grids v (bpview_row_fit). */
int bpview_row_cell(Render *r, const Theme *th, Rect area, const int *rows, const int *cols, int n,
                    int gap);
void bpview_row_rects(const Theme *th, Rect area, const int *cols, int n, int cell, int gap,
                      Rect *out);
int bpview_row_fit(LabContext *ctx, Rect area, GridView **v, int n, int gap, Rect *rc);
/* Outlines of the cells [c0, c1) of a view, or of one cell, in col. */
void bpview_outline_range(LabContext *ctx, const GridView *v, const GridLayout *lay, long c0,
                          long c1, Color col);
void bpview_outline_cell(LabContext *ctx, const GridView *v, const GridLayout *lay, int row,
                         int col, Color c);
/* An arrow from (x0, y0) to (x1, y1) with a head at the end; a cell's centre. */
void bpview_draw_arrow(Render *r, const Theme *th, float x0, float y0, float x1, float y1, Color c);
void bpview_cell_centre(const GridView *v, const GridLayout *lay, int row, int col, float *x,
                        float *y);

/* ---- the phases: view_phases.c, view_kernels.c -------------------------------------------- */

/* Each draws step st of its phase in area; done: the phase's cells computed so far. */
void bpview_draw_loss(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done);
void bpview_draw_dense(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done);
void bpview_draw_flatten(BpLab *L, LabContext *ctx, Rect area, const BpStep *st);
/* A layer the lab does not step: the gradient arriving at its output and the engine's full
 * result at its input, the reason in a note above them. */
void bpview_draw_other(BpLab *L, LabContext *ctx, Rect area, const BpStep *st);
void bpview_draw_pool(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done);
void bpview_draw_act(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done);
void bpview_draw_conv_w(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done);
void bpview_draw_conv_x(BpLab *L, LabContext *ctx, Rect area, const BpStep *st, long done);
void bpview_draw_update(BpLab *L, LabContext *ctx, Rect area, const BpStep *st);

/* ---- view_frame.c --------------------------------------------------------------------------- */

/* The control column: the net, the digit and η, the example's numbers, a button per phase
 * (cur_phase outlined). */
void bpview_draw_controls(BpLab *L, LabContext *ctx, int cur_phase);
/* The net as a row of boxes, x → … → L, the layer being differentiated in amber. */
void bpview_draw_net_strip(BpLab *L, LabContext *ctx, Rect rc, int cur_layer, bool all_done);
/* The finite-difference panel (or, for the update, the loss before and after). */
void bpview_draw_fd(BpLab *L, LabContext *ctx, Rect rc, const BpStep *st, int step);
/* The equation of the current step written out in rc (mono, folded to fit). */
void bpview_draw_equation_in(BpLab *L, LabContext *ctx, Rect rc, const BpStep *st, int want,
                             int min_lines, Color c);

#endif
