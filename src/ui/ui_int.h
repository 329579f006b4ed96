/* ui_int.h - private to src/ui: the look the widget files share (text size, corner radius, the
 * control box, the mouse note, number formatting), defined in ui.c and used by ui_fields.c,
 * ui_timeline.c and ui_help.c.
 * It declares with the types of ui.h but does not include it (ui.c includes this header, and no
 * two modules include each other): include ui/ui.h first.
 * Depends on: viz/render.h. */
#ifndef CONVSCOPE_UI_INT_H
#define CONVSCOPE_UI_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "viz/render.h"

typedef struct Ui Ui;
typedef struct UiResult UiResult;

/* The widgets' text size: the theme's body size at its scale. */
int ui_body_size(const Ui *ui);
/* The corner radius of a control box. */
int ui_radius(const Ui *ui);
/* A widget under the mouse or being used takes the mouse this frame (ui->mouse_used). */
void ui_note_mouse(Ui *ui, UiResult res);
/* A control's box: its face (hot when hovered) and outline (accent, thicker while active). */
void ui_draw_box(Ui *ui, Rect rc, bool hot, bool active);
/* v with decimals places (none below 0), as the number widgets show it. */
void ui_format_number(char *out, size_t n, float v, int decimals);

#endif
