/* labs/train/view_common.c - what the Train lab's panels share: a heading or a text that fits,
 * a wrapped note, the colours of right and wrong answers.
 * Depends on: view_int.h, viz (render, theme). */
#include "labs/train/view_int.h"

Color trainview_right_color(const Theme *th)
{
    return th->hover; /* cyan */
}

Color trainview_wrong_color(const Theme *th)
{
    return th->error; /* #ff5d5d */
}

/* The first of n texts that fits max_w at size (the last one when none does; the caller's
 * render_text_line shrinks or cuts it then). */
const char *trainview_pick_fit(Render *r, FontFace face, int size, int max_w, int n,
                               const char *const *texts)
{
    for (int i = 0; i < n; i++) {
        int w = 0;
        render_text_size(r, face, size, texts[i], &w, NULL);
        if (w <= max_w)
            return texts[i];
    }
    return texts[n - 1];
}

/* A heading line at the top of rc; returns the rect below it. */
Rect trainview_heading_fit(Render *r, const Theme *th, Rect rc, int n, const char *const *texts)
{
    int size = theme_px(th, THEME_BODY);
    int lh = render_line_height(r, FONT_SANS_BOLD, size);
    const char *text = trainview_pick_fit(r, FONT_SANS_BOLD, size, rc.w, n, texts);
    render_text_line(r, FONT_SANS_BOLD, size, theme_px(th, 10), text, (Rect){rc.x, rc.y, rc.w, lh},
                     ALIGN_LEFT | ALIGN_TOP, th->text);
    int used = lh + theme_px(th, 4);
    return (Rect){rc.x, rc.y + used, rc.w, rc.h - used};
}

/* notes that did not fit their rect since the last trainview_notes_cut */
static int notes_cut;

/* Wrapped dim text at the top of rc; a note that needs more height than rc has is counted. */
int trainview_note(Render *r, const Theme *th, Rect rc, const char *text, Color c)
{
    if (rc.w <= 0 || rc.h <= 0) {
        notes_cut += text[0] != '\0';
        return 0;
    }
    int size = theme_px(th, THEME_SMALL);
    if (render_text_wrap(r, FONT_SANS, size, text, rc, c, false) > rc.h)
        notes_cut++;
    return render_text_wrap(r, FONT_SANS, size, text, rc, c, true);
}

int trainview_notes_cut(void)
{
    int n = notes_cut;
    notes_cut = 0;
    return n;
}
