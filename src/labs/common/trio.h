/* labs/common/trio.h - the placement of three grids a lab sets together (input ∗ kernel =
 * output): one cell size for input and output, the kernel's beside it, on one row, two rows
 * or a column, whichever shows them largest. Pure geometry. Depends on: viz (render: Rect). */
#ifndef CONVSCOPE_LABS_COMMON_TRIO_H
#define CONVSCOPE_LABS_COMMON_TRIO_H

#include "viz/render.h"

/* One of the three grids a lab sets side by side (input ∗ kernel = output): its cells
 * including padding, the widest its title line needs, and the height of its title lines and
 * legend together (what grid_layout adds above and below the cells). */
typedef struct LsuTrioGrid {
    int cols, rows;
    int min_w;
    int text_h;
} LsuTrioGrid;

typedef enum LsuTrioArrange {
    LSU_TRIO_ROW,      /* [0] ∗ [1] = [2] on one line */
    LSU_TRIO_TWO_ROWS, /* [0] ∗ [1] on the first line, = [2] under them */
    LSU_TRIO_COLUMN    /* all three stacked, the operators between */
} LsuTrioArrange;

typedef struct LsuTrio {
    LsuTrioArrange arrange;
    Rect area[3];         /* where each grid goes (title, cells and legend), for grid_layout */
    int cell[3];          /* cell side in px each grid is given (grid 0 and 2 share one size) */
    int op_x[2], op_y[2]; /* centres of "∗" (between 0 and 1) and "=" (before 2); y -1: at
                             the cells' middle, known only after grid_layout */
} LsuTrio;

/* Pure: places input g[0], kernel g[1] and output g[2] in area so that all three show.
 * Input and output share one cell size c, as large as fits (up to max_cell); the kernel's
 * cells are up to 1.5 c, or read_cell (its values legible) while the input block stays at
 * least as large as the kernel block; for a legible kernel c may give up a tenth of itself
 * while it stays at least 3/8 of read_cell. Of the row, two rows and column arrangements the one
 * giving the largest c wins (ties: the earlier). op is the room one operator glyph takes. */
LsuTrio lsu_layout_trio(Rect area, const LsuTrioGrid g[3], int op, int max_cell, int read_cell);

#endif
