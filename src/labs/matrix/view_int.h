/* labs/matrix/view_int.h - private to the Matrix lab's view: its state, and what its files
 * share (view.c: the state's rebuild and the drawing helpers; view_controls.c, view_matrix.c
 * and view_flip.c: the panels).
 * Depends on: labs/lab.h, labs/matrix/model.h, ui, viz. */
#ifndef CONVSCOPE_LAB_MATRIX_VIEW_INT_H
#define CONVSCOPE_LAB_MATRIX_VIEW_INT_H

#include "labs/lab.h"
#include "labs/matrix/model.h"
#include "ui/ui.h"
#include "viz/colormap.h"
#include "viz/grid.h"
#include "viz/render.h"
#include "viz/theme.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct MatrixLab {
    MatScene sc;
    Timeline tl;
    char err[256];
    int mode_sel, preset_sel;

    /* the matrix as displayed (model.h), rebuilt on change */
    MatDisplay d;

    /* per frame, fixed size: the frame allocates nothing */
    float out[MATLAB_MAX_CELLS], out2[MATLAB_MAX_CELLS];
    uint8_t shown[MATLAB_MAX_CELLS];
    char eq[768], eq2[768];
    char tip[UI_TOOLTIP_MAX];
} MatrixLab;

/* Recomputes the scene, the matrix as shown and the timeline's length; refill takes fresh values
 * from the preset (sizes changed). false with the reason in L->err. */
bool matview_rebuild(MatrixLab *L, bool refill);

/* The scale for values that may be signed: diverging when any is negative, else sequential
 * from 0. */
ColorScale matview_value_scale(const float *v, int n);
/* s in rc at the base size (scale 1) of face, cut with "…" to fit. */
void matview_text_line(Render *r, const Theme *th, FontFace face, int base, const char *s, Rect rc,
                       int align, Color c);
/* Lays a grid view into avail, with the title line height of the body font. */
GridLayout matview_place_grid(Render *r, const Theme *th, const GridView *v, Rect avail);

/* The panels: the control column (view_controls.c); the stage in conv and transposed mode
 * (view_matrix.c) and in flip mode (view_flip.c), each also writing the equation strip's lines
 * (L->eq, L->eq2). */
void matview_draw_controls(MatrixLab *L, LabContext *ctx);
void matview_draw_matrix(MatrixLab *L, LabContext *ctx);
void matview_draw_flip(MatrixLab *L, LabContext *ctx);

#endif
