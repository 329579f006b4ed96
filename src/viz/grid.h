/* grid.h - THE building block of every lab: a 2-D float array drawn as a labelled grid.
 * Title with shape (`input 1×28×28`) above, square cells as large as fit (up to 48 px × scale,
 * centred), values in cells when they fit, an optional padding ring drawn distinctly, highlight
 * rectangles (amber current window, cyan hover), and the colour legend below.
 * Depends on: viz/render.h, viz/theme.h, viz/colormap.h.
 *
 * Three steps, so layout and hit-testing are pure and tested without SDL:
 *   GridLayout lay = grid_layout(&view, avail, th, line_h);   (pure)
 *   GridHit hit = grid_hit_test(&view, &lay, mx, my);          (pure)
 *   grid_draw(r, th, &view, &lay);                              (draws)
 * Rows and columns are data coordinates: (0, 0) is the first data cell; padding cells have
 * row < 0, row >= rows, col < 0 or col >= cols. */
#ifndef CONVSCOPE_GRID_H
#define CONVSCOPE_GRID_H

#include "viz/colormap.h"
#include "viz/render.h"
#include "viz/theme.h"

#define GRID_MAX_CELL 48 /* px at scale 1.0 */
#define GRID_MAX_HIGHLIGHTS 16

typedef enum GridHighlightKind {
    GRID_HL_CURRENT, /* amber outline: the current window / cell */
    GRID_HL_HOVER,   /* cyan 2 px outline: hover, receptive field, linked cells */
    GRID_HL_MARK,    /* amber dot in each cell: e.g. the argmax of a pooling window */
    GRID_HL_CUSTOM   /* outline in .color */
} GridHighlightKind;

/* A rectangle of cells (may reach into the padding ring). */
typedef struct GridHighlight {
    int row, col, rows, cols;
    GridHighlightKind kind;
    Color color; /* GRID_HL_CUSTOM only */
    /* drawn at these fractional cell coordinates instead when eased (an EaseRect on its way
     * from one cell to the next, see viz/ease.h); row..cols stay the logical cells */
    bool eased;
    float frow, fcol, frows, fcols;
} GridHighlight;

typedef struct GridView {
    const char *title;    /* "input", "kernel", "∂L/∂out"...; NULL: no title line */
    const char *shape;    /* "1×28×28"; NULL: "rows×cols" is written */
    const float *data;    /* (rows, cols) row-major, borrowed */
    int rows, cols;
    int pad_top, pad_bottom, pad_left, pad_right; /* padding ring, in cells (>= 0) */
    ColorScale scale;     /* set with colorscale_fit/colorscale_make */
    bool show_values;     /* values in cells when they fit (key V) */
    int decimals;         /* places for values; -1: automatic (0 for integer data, else 1-2);
                           * every cell gets the same places, fewer (down to 2 significant
                           * digits of the largest) when its cells are too small for them */
    bool show_legend;
    const uint8_t *shown; /* (rows, cols) or NULL: cells with 0 are not computed yet (blank) */
    GridHighlight highlights[GRID_MAX_HIGHLIGHTS];
    int n_highlights;
    int max_cell;         /* px at scale 1.0; 0 means GRID_MAX_CELL */
    /* a second title line in secondary text under title and shape ("padding 1"), for what
     * would make the first line too long to stay at the body size; NULL: none */
    const char *note;
} GridView;

/* A view of data (rows, cols) titled title with scale fitted to the data; no padding, no
 * highlights, legend on. */
GridView grid_view_make(const char *title, const float *data, int rows, int cols,
                        ColormapKind kind);
/* Appends a highlight; ignored when GRID_MAX_HIGHLIGHTS are already set. */
void grid_add_highlight(GridView *v, int row, int col, int rows, int cols,
                        GridHighlightKind kind);

/* Appends a highlight on cells (row, col, rows, cols) drawn where the eased rectangle is at
 * time now (viz/ease.h), so it glides between positions. */
void grid_add_highlight_eased(GridView *v, int row, int col, int rows, int cols,
                              GridHighlightKind kind, const float at[4]);

typedef struct GridLayout {
    Rect bounds;  /* everything drawn: title, cells, legend */
    Rect title;   /* the title line and the note's under it (h 0 without title) */
    Rect cells;   /* the cell block including the padding ring */
    Rect legend;  /* the legend (h 0 without legend) */
    int cell;     /* cell side in px (>= 1) */
    int total_rows, total_cols; /* rows/cols including padding */
    int value_size; /* font px for values in cells; 0 when they do not fit (or are off) */
    int value_decimals; /* the one number of decimals every cell's value is written with */
} GridLayout;

/* Pure layout inside avail: square cells of side min(max_cell*scale, what fits), the block
 * centred horizontally, title above (two lines with a note) and legend below. line_h is the
 * title text height in px (theme_px(th, THEME_BODY) * 1.3 is a fine estimate when no Render
 * is at hand). */
GridLayout grid_layout(const GridView *v, Rect avail, const Theme *th, int line_h);

/* Whether "title shape" fits width w on one line at the body size (a lab that would rather
 * move part of the shape into the note asks this). */
bool grid_title_fits(Render *r, const Theme *th, const char *title, const char *shape, int w);
/* The smallest title font size grid_draw used since the last call (0: no title drawn), for
 * tests that every title of a screen stays at the body size; the call resets it. */
int grid_title_min_size(void);

typedef struct GridHit {
    bool inside;     /* the point is on a cell (data or padding) */
    bool in_padding; /* the cell is in the padding ring */
    int row, col;    /* data coordinates (negative / >= size in the padding) */
    float value;     /* the data value; 0 in the padding; 0 when !inside */
} GridHit;

/* Pure: which cell is under (x, y). */
GridHit grid_hit_test(const GridView *v, const GridLayout *lay, int x, int y);
/* Pure: the pixel rectangle of cell (row, col) in data coordinates (padding allowed). */
Rect grid_cell_rect(const GridView *v, const GridLayout *lay, int row, int col);

/* Pure: the text drawn in data cell (row, col): its value with lay->value_decimals places,
 * the same for every cell of the grid; "" when values are not shown or the cell is padding. */
const char *grid_cell_text(const GridView *v, const GridLayout *lay, int row, int col, char *out,
                           size_t size);

/* Draws the grid as laid out. */
void grid_draw(Render *r, const Theme *th, const GridView *v, const GridLayout *lay);

#endif
