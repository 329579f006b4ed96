/* labs/common/captions.h - what the sweep labs set between and in place of their grids: the
 * operator glyph between two grids ("∗", "=", "→") and the problem panel where an output
 * would be. Depends on: viz (render, theme), labs/common/text. */
#ifndef CONVSCOPE_LABS_COMMON_CAPTIONS_H
#define CONVSCOPE_LABS_COMMON_CAPTIONS_H

#include "viz/render.h"
#include "viz/theme.h"

/* A centred operator glyph ("∗", "=", "→") between two grids, at the height of cells. */
void lsu_draw_operator(Render *r, const Theme *th, const char *glyph, int x, int y);

/* An error panel (error-coloured border and title) with wrapped text in rc: impossible
 * combinations are explained where the output would be. */
void lsu_draw_problem(Render *r, const Theme *th, Rect rc, const char *title, const char *text);

#endif
