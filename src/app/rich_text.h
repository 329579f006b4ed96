/* rich_text.h - a lesson's narration laid out: paragraphs of word-wrapped runs of plain,
 * *emphasis* and `mono` text (lesson_text_spans), measured or drawn through the render seam.
 * Depends on: viz/render.h (the spans come from lesson/lesson.h). */
#ifndef CONVSCOPE_RICH_TEXT_H
#define CONVSCOPE_RICH_TEXT_H

#include <stdbool.h>

#include "viz/render.h"

/* The text's size and the colours of its plain, emphasised and monospaced runs. */
typedef struct RichStyle {
    int size;
    Color text, emph, mono;
} RichStyle;

/* Lays out text (paragraphs split by '\n') in width rc.w from rc.y - scroll, drawing when draw;
 * returns the height it takes. Words never split; a word wider than the line sits alone; an
 * equation in `...` stays on one line when it fits one. */
int rich_text_layout(Render *r, const RichStyle *rs, const char *text, Rect rc, int scroll,
                     bool draw);

#endif
