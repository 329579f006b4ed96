/* labs/common/strip.h - the equation strip under a lab's stage: the mono size at which an
 * equation's lines fit it, and a sentence set in it when there is no equation to show.
 * Depends on: viz (render, theme). */
#ifndef CONVSCOPE_LABS_COMMON_STRIP_H
#define CONVSCOPE_LABS_COMMON_STRIP_H

#include "viz/render.h"
#include "viz/theme.h"

/* The mono font size, characters per line and line count for equations in rc: the largest
 * size from `want` down to `min` at which at least `need_lines` lines fit. */
void lsu_equation_metrics(Render *r, const Theme *th, Rect rc, int want, int min, int need_lines,
                          int *size, int *chars, int *lines);

/* A sentence in the equation strip's rect rc: word-wrapped and centred vertically, shrunk
 * toward 10 px × scale until every line fits rc (never cut while a smaller size fits). */
void lsu_draw_note(Render *r, const Theme *th, Rect rc, const char *text, Color c);

#endif
