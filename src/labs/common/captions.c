/* captions.c - the operator glyph and the problem panel (see captions.h). */
#include "labs/common/captions.h"

#include "labs/common/text.h"

void lsu_draw_operator(Render *r, const Theme *th, const char *glyph, int x, int y)
{
    render_text(r, FONT_SANS_BOLD, theme_px(th, 26), glyph, x, y, ALIGN_CENTER | ALIGN_MIDDLE,
                th->text_dim);
}

void lsu_draw_problem(Render *r, const Theme *th, Rect rc, const char *title, const char *text)
{
    render_round_rect(r, rc, theme_px(th, THEME_RADIUS), th->panel);
    render_round_rect_outline(r, rc, theme_px(th, THEME_RADIUS), theme_px(th, 2), th->error);
    int pad = theme_px(th, 12);
    int size = theme_px(th, THEME_BODY);
    int y = rc.y + pad;
    render_text(r, FONT_SANS_BOLD, theme_px(th, THEME_HEADING), title, rc.x + pad, y,
                ALIGN_LEFT | ALIGN_TOP, th->error);
    y += render_line_height(r, FONT_SANS_BOLD, theme_px(th, THEME_HEADING)) + theme_px(th, 6);
    char wrapped[2048];
    lsu_wrap(r, FONT_SANS, size, text, rc.w - 2 * pad, wrapped, sizeof wrapped);
    render_clip_push(r, rc);
    lsu_draw_lines(r, FONT_SANS, size, wrapped, rc.x + pad, y, theme_px(th, 3), th->text);
    render_clip_pop(r);
}
