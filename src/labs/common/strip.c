/* strip.c - the equation strip's sizes and sentences (see strip.h). */
#include "labs/common/strip.h"

void lsu_equation_metrics(Render *r, const Theme *th, Rect rc, int want, int min, int need_lines,
                          int *size, int *chars, int *lines)
{
    int s = theme_px(th, (float)want), lo = theme_px(th, (float)min);
    for (;; s--) {
        int cw = 0;
        render_text_size(r, FONT_MONO, s, "0", &cw, NULL);
        int lh = render_line_height(r, FONT_MONO, s);
        int n = lh > 0 ? rc.h / lh : 1;
        if (n >= need_lines || s <= lo) {
            *size = s;
            *chars = cw > 0 ? rc.w / cw : 40;
            *lines = n < 1 ? 1 : n;
            return;
        }
    }
}

void lsu_draw_note(Render *r, const Theme *th, Rect rc, const char *text, Color c)
{
    int size = theme_px(th, THEME_BODY), min_size = theme_px(th, 10);
    int h = render_text_wrap(r, FONT_SANS, size, text, rc, c, false);
    while (h > rc.h && size > min_size) {
        size--;
        h = render_text_wrap(r, FONT_SANS, size, text, rc, c, false);
    }
    int y = rc.y + (rc.h - h) / 2;
    if (y < rc.y)
        y = rc.y;
    render_text_wrap(r, FONT_SANS, size, text, (Rect){rc.x, y, rc.w, rc.y + rc.h - y}, c, true);
}
