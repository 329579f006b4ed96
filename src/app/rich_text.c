/* rich_text.c - a lesson's narration laid out: word-wrapped runs of plain, *emphasis* and
 * `mono` text (the spans of lesson_text_spans), measured or drawn.
 * Depends on: app/rich_text.h, lesson/lesson.h, viz/render.h. */
#include "app/rich_text.h"

#include "lesson/lesson.h"

#include <string.h>

#define MAX_RUNS 128

typedef struct Runs {
    int n;
    LessonSpanStyle style[MAX_RUNS];
    const char *s[MAX_RUNS];
    size_t len[MAX_RUNS];
} Runs;

static void add_run(void *user, LessonSpanStyle style, const char *s, size_t n)
{
    Runs *r = user;
    if (r->n < MAX_RUNS) {
        r->style[r->n] = style;
        r->s[r->n] = s;
        r->len[r->n] = n;
        r->n++;
    }
}

static FontFace face_of(LessonSpanStyle s)
{
    return s == LESSON_SPAN_EMPH ? FONT_SANS_BOLD : s == LESSON_SPAN_MONO ? FONT_MONO : FONT_SANS;
}

int rich_text_layout(Render *r, const RichStyle *rs, const char *text, Rect rc, int scroll,
                     bool draw)
{
    int lh = render_line_height(r, FONT_SANS, rs->size);
    int para_gap = lh / 2;
    int y = rc.y - scroll;
    const char *p = text;
    while (*p) {
        size_t plen = strcspn(p, "\n");
        Runs runs;
        runs.n = 0;
        lesson_text_spans(p, plen, add_run, &runs);
        int x = rc.x;
        bool line_empty = true;
        for (int k = 0; k < runs.n; k++) {
            FontFace face = face_of(runs.style[k]);
            Color c = runs.style[k] == LESSON_SPAN_EMPH   ? rs->emph
                      : runs.style[k] == LESSON_SPAN_MONO ? rs->mono
                                                          : rs->text;
            int space_w = 0;
            render_text_size(r, face, rs->size, " ", &space_w, NULL);
            const char *s = runs.s[k];
            size_t left = runs.len[k];
            while (left > 0) {
                /* one word and whether a space preceded it */
                bool space = false;
                while (left > 0 && *s == ' ') {
                    s++;
                    left--;
                    space = true;
                }
                if (left == 0) {
                    if (space)
                        x += space_w;
                    break;
                }
                size_t wl = 0;
                while (wl < left && s[wl] != ' ')
                    wl++;
                /* an equation in `...` stays on one line when it fits one */
                if (runs.style[k] == LESSON_SPAN_MONO && wl < left) {
                    char all[256];
                    size_t al = left < sizeof all - 1 ? left : sizeof all - 1;
                    memcpy(all, s, al);
                    all[al] = '\0';
                    int aw = 0;
                    render_text_size(r, face, rs->size, all, &aw, NULL);
                    if (aw <= rc.w && al == left)
                        wl = left;
                }
                char word[256];
                size_t cl = wl < sizeof word - 1 ? wl : sizeof word - 1;
                memcpy(word, s, cl);
                word[cl] = '\0';
                int ww = 0;
                render_text_size(r, face, rs->size, word, &ww, NULL);
                int gap = space && !line_empty ? space_w : 0;
                if (!line_empty && x + gap + ww > rc.x + rc.w) {
                    y += lh;
                    x = rc.x;
                    gap = 0;
                }
                x += gap;
                if (draw && y + lh > rc.y && y < rc.y + rc.h)
                    render_text(r, face, rs->size, word, x, y, ALIGN_LEFT | ALIGN_TOP, c);
                x += ww;
                line_empty = false;
                s += wl;
                left -= wl;
            }
        }
        y += lh;
        p += plen;
        if (*p == '\n') {
            p++;
            y += para_gap;
        }
    }
    return y - (rc.y - scroll);
}
