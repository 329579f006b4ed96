/* labs/common/labkit.h - what the Convolution, Pooling and Channels labs share: option parsing,
 * the bundled digits, wrapped and multi-line text, the equation strip, and grid placement.
 * Depends on: engine (idx), viz (render, theme, grid), ui. Used only by lab_conv.c,
 * lab_pool.c and lab_channels.c. */
#ifndef CONVSCOPE_LABS_COMMON_LABKIT_H
#define CONVSCOPE_LABS_COMMON_LABKIT_H

#include "labs/lab.h"
#include "engine/idx.h"
#include "viz/ease.h"
#include "viz/grid.h"
#include "viz/sweep.h"

#include <stdbool.h>
#include <stddef.h>

/* Parses 1..max comma-separated integers ("3", "3,5", "1,1,2,2") into v, each in [lo, hi].
 * Returns how many, or 0 with a message naming key and value in err. */
int lsu_parse_ints(const char *key, const char *value, int *v, int max, int lo, int hi, char *err,
                   size_t err_size);
/* Parses a float; false with a message naming key and value. */
bool lsu_parse_float(const char *key, const char *value, float *v, char *err, size_t err_size);
/* "on"/"off"/"1"/"0"/"true"/"false"/"yes"/"no"; false with a message when none of these. */
bool lsu_parse_bool(const char *key, const char *value, bool *v, char *err, size_t err_size);

/* The bundled test digits (assets/digits, 2,000 images), loaded on first use and shared by
 * the labs; NULL with a message when they cannot be read. lsu_digits_release when done. */
const Dataset *lsu_digits_acquire(char *err, size_t err_size);
void lsu_digits_release(void);
/* The index of the n-th digit (n >= 0, wrapping) of class k in ds, or -1 if none. */
int lsu_digit_of_class(const Dataset *ds, int k, int n);

/* Draws lines of text split at '\n', top-left at (x, y); returns the height used. */
int lsu_draw_lines(Render *r, FontFace face, int size, const char *text, int x, int y, int line_gap,
                   Color c);
/* Inserts '\n' between words so that no line is wider than max_w px; returns the line count. */
int lsu_wrap(Render *r, FontFace face, int size, const char *text, int max_w, char *out,
             size_t cap);

/* The mono font size, characters per line and line count for equations in rc: the largest
 * size from `want` down to `min` at which at least `need_lines` lines fit. */
void lsu_equation_metrics(Render *r, const Theme *th, Rect rc, int want, int min, int need_lines,
                          int *size, int *chars, int *lines);

/* One line at (x, y) top-left that never runs past max_w: shrunk toward 10 px × scale, then
 * cut with "…" (render_text_line). Returns the width drawn. */
int lsu_draw_fit_line(Render *r, const Theme *th, FontFace face, int size, const char *text, int x,
                      int y, int max_w, Color c);

/* A sentence in the equation strip's rect rc: word-wrapped and centred vertically, shrunk
 * toward 10 px × scale until every line fits rc (never cut while a smaller size fits). */
void lsu_draw_note(Render *r, const Theme *th, Rect rc, const char *text, Color c);

/* The pixel width of the widest '\n'-separated line of text. */
int lsu_widest_line(Render *r, FontFace face, int size, const char *text);

/* Lays out a grid view inside avail (title and legend included). */
GridLayout lsu_grid_layout(Render *r, const Theme *th, const GridView *v, Rect avail);

/* A centred operator glyph ("∗", "=", "→") between two grids, at the height of cells. */
void lsu_draw_operator(Render *r, const Theme *th, const char *glyph, int x, int y);

/* An error panel (error-coloured border and title) with wrapped text in rc: impossible
 * combinations are explained where the output would be. */
void lsu_draw_problem(Render *r, const Theme *th, Rect rc, const char *title, const char *text);

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
    Rect area[3]; /* where each grid goes (title, cells and legend), for grid_layout */
    int cell[3];  /* cell side in px each grid is given (grid 0 and 2 share one size) */
    int op_x[2], op_y[2]; /* centres of "∗" (between 0 and 1) and "=" (before 2); y -1: at
                             the cells' middle, known only after grid_layout */
} LsuTrio;

/* Pure: places input g[0], kernel g[1] and output g[2] in area so that all three show.
 * Input and output share one cell size c, as large as fits (up to max_cell); the kernel's
 * cells are up to 1.5 c, or read_cell (its values legible) while the input block stays at
 * least as large as the kernel block. Of the row, two rows and column arrangements the one
 * giving the largest c wins (ties: the earlier). op is the room one operator glyph takes. */
LsuTrio lsu_layout_trio(Rect area, const LsuTrioGrid g[3], int op, int max_cell, int read_cell);

/* Amber outline of one cell (the dilated kernel's taps inside the window). */
void lsu_outline_cell(Render *r, const Theme *th, Rect cell, Color c, int thickness);

#endif
