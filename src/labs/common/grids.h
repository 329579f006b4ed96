/* labs/common/grids.h - the sweep labs' grids: laid out with the title font, coloured so
 * that a constant map reads its one value, cell values with the decimals they need, eased
 * highlights, the rows and columns no window reaches, and outlined cells.
 * Depends on: engine (sweep), viz (grid, colormap, ease, render, theme). */
#ifndef CONVSCOPE_LABS_COMMON_GRIDS_H
#define CONVSCOPE_LABS_COMMON_GRIDS_H

#include "engine/sweep.h"
#include "viz/colormap.h"
#include "viz/ease.h"
#include "viz/grid.h"

/* Lays out a grid view inside avail (title and legend included). */
GridLayout lsu_grid_layout(Render *r, const Theme *th, const GridView *v, Rect avail);

/* Tints the rows and columns of the data that no window reaches (warning colour), so the
 * stride's leftovers show on the grid itself. */
void lsu_mark_unreached(Render *r, const Theme *th, const GridView *v, const GridLayout *lay,
                        const SweepAxis *rows, const SweepAxis *cols);

/* Adds a highlight on cells (row, col, rows, cols) to v that glides there through e (LOOK.md:
 * 160 ms ease-out) at time now; moves longer than max_jump cells snap. */
void lsu_highlight_eased(GridView *v, EaseRect *e, int row, int col, int rows, int cols,
                         GridHighlightKind kind, double now, float max_jump);

/* colorscale_fit, except that a constant map (every value v) gets the range v ± a hair
 * instead of colorscale_make's v..v+1, so its legend reads v at both ends (min = max). */
ColorScale lsu_scale_fit(ColormapKind kind, const float *v /* (n) */, int n);
/* Decimals for values in cells: 0 for whole numbers, else 2 (10.05 must not read "10"), 1
 * from 100 up so the cells stay legible. */
int lsu_value_decimals(const float *v /* (n) */, int n);
/* grid_draw, and for a constant map (lsu_scale_fit) the legend's bar in the one colour its
 * cells have, under the min = max labels. */
void lsu_grid_draw(Render *r, const Theme *th, const GridView *v, const GridLayout *lay);

/* Amber outline of one cell (the dilated kernel's taps inside the window). */
void lsu_outline_cell(Render *r, const Theme *th, Rect cell, Color c, int thickness);

#endif
