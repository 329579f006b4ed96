/* column.h - what the labs' control columns share besides widgets: lines of text that take their
 * height from the column, and the lab's key list that shrinks to fit. Depends on: ui, viz.
 * Used by the Activations and Matrix views. */
#ifndef CONVSCOPE_LABS_COMMON_COLUMN_H
#define CONVSCOPE_LABS_COMMON_COLUMN_H

#include "ui/ui.h"
#include "viz/render.h"

/* Lines of text (split at '\n') at the theme size base, top-left at the column's cursor, each
 * fitted to its width; stops at the column's bottom; moves the cursor down. */
void lsu_column_lines(Ui *ui, UiColumn *col, const char *text, FontFace face, int base, Color c);
/* The lab's key list under a "Keys" heading when it all fits, else without the heading, else
 * one dim line "Keys: press H" (the H overlay lists every key), so nothing is cut off. */
void lsu_column_keys(Ui *ui, UiColumn *col, const char *keys);

#endif
