/* labs/common/text.h - text the labs set in their stages: lines split at '\n', words wrapped
 * to a width, the widest of several lines, and one line that never runs past its room.
 * Depends on: viz (render, theme). */
#ifndef CONVSCOPE_LABS_COMMON_TEXT_H
#define CONVSCOPE_LABS_COMMON_TEXT_H

#include "viz/render.h"
#include "viz/theme.h"

#include <stddef.h>

/* Draws lines of text split at '\n', top-left at (x, y); returns the height used. */
int lsu_draw_lines(Render *r, FontFace face, int size, const char *text, int x, int y, int line_gap,
                   Color c);
/* Inserts '\n' between words so that no line is wider than max_w px; returns the line count. */
int lsu_wrap(Render *r, FontFace face, int size, const char *text, int max_w, char *out,
             size_t cap);

/* One line at (x, y) top-left that never runs past max_w: shrunk toward 10 px × scale, then
 * cut with "…" (render_text_line). Returns the width drawn. */
int lsu_draw_fit_line(Render *r, const Theme *th, FontFace face, int size, const char *text, int x,
                      int y, int max_w, Color c);

/* The pixel width of the widest '\n'-separated line of text. */
int lsu_widest_line(Render *r, FontFace face, int size, const char *text);

#endif
