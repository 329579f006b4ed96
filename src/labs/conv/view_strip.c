/* labs/conv/view_strip.c - the Convolution lab's equation strip: the output cell's name and its
 * equation with the actual numbers (convscene_equation), folded until its lines fit; a note
 * at step 0 or when there is no output. Depends on: labs/conv/view_int.h,
 * labs/common (strip, text), viz. */
#include "labs/conv/view_int.h"
#include "labs/common/strip.h"
#include "labs/common/text.h"

/* The equation strip: the hovered output cell's equation, else the current step's. */
void convlab_draw_equation(ConvLab *L, LabContext *ctx, int eq_oy, int eq_ox, bool hovered)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect rc = rect_inset(ctx->equation, theme_px(th, 4));
    if (rc.w <= 0 || rc.h <= 0)
        return;
    render_clip_push(r, ctx->equation);
    if (!L->sc.sweep.valid) {
        lsu_draw_note(r, th, rc,
                      "No output: the settings leave no room for a window (see the stage).",
                      th->error);
        render_clip_pop(r);
        return;
    }
    if (eq_oy < 0) {
        lsu_draw_note(r, th, rc,
                      "Step 0: the first window is outlined in amber. Press \xE2\x96\xB6 (Space) "
                      "to play or \xE2\x86\x92 to compute one cell.",
                      th->text_dim);
        render_clip_pop(r);
        return;
    }
    char name[32];
    convscene_out_name(&L->sc, eq_oy, eq_ox, name, sizeof name);
    int nsize = theme_px(th, THEME_HEADING);
    int nw = 0;
    render_text_size(r, FONT_MONO, nsize, name, &nw, NULL);
    render_text(r, FONT_MONO, nsize, name, rc.x, rc.y + rc.h / 2, ALIGN_LEFT | ALIGN_MIDDLE,
                hovered ? th->hover : th->accent_text);
    Rect er = {rc.x + nw + theme_px(th, 12), rc.y, rc.w - nw - theme_px(th, 12), rc.h};
    int size, chars, lines;
    lsu_equation_metrics(r, th, er, THEME_HEADING, 11, 2, &size, &chars, &lines);
    static char eq[8192];
    int used = 0;
    /* glyph advances are not all exactly one digit wide: refold until the lines really fit */
    for (int tries = 0; tries < 8; tries++, chars--) {
        used = convscene_equation(&L->sc, eq_oy, eq_ox, chars, lines, eq, sizeof eq);
        if (lsu_widest_line(r, FONT_MONO, size, eq) <= er.w)
            break;
    }
    int lh = render_line_height(r, FONT_MONO, size);
    int y = er.y + (er.h - used * lh) / 2;
    lsu_draw_lines(r, FONT_MONO, size, eq, er.x, y, 0, th->text);
    render_clip_pop(r);
}
