/* text_seen.h - every text one frame draws, with its rectangle, caught by the render seam's text
 * hook: for the layout tests (labels apart, inside the window, beside what they explain).
 * Depends on: viz/render.h, labs/app_harness.h. */
#ifndef CONVSCOPE_TEXT_SEEN_H
#define CONVSCOPE_TEXT_SEEN_H

#include "labs/app_harness.h"
#include "viz/render.h"

#include <stdio.h>
#include <string.h>

#define SEEN_MAX 1024

typedef struct SeenText {
    char s[96];
    Rect rc;        /* where the text was drawn */
    Rect clip;      /* the clip it was drawn under */
    bool shortened; /* render_text_fit cut it ("…") */
} SeenText;

typedef struct TextsSeen {
    SeenText t[SEEN_MAX];
    int n;
} TextsSeen;

static inline void text_seen_hook(void *user, const RenderTextDraw *d)
{
    TextsSeen *ts = user;
    if (ts->n == SEEN_MAX)
        return;
    SeenText *t = &ts->t[ts->n++];
    snprintf(t->s, sizeof t->s, "%s", d->utf8);
    t->rc = d->rc;
    t->clip = d->clip;
    t->shortened = d->shortened;
}

/* Runs one frame of h and records its texts in ts. */
static inline void text_seen_frame(Harness *h, TextsSeen *ts)
{
    ts->n = 0;
    render_set_text_hook(h->r, text_seen_hook, ts);
    harness_frame(h, true, 0.0);
    render_set_text_hook(h->r, NULL, NULL);
}

/* Whether a and b share at least one pixel. */
static inline bool rects_meet(Rect a, Rect b)
{
    Rect i = rect_intersect(a, b);
    return i.w > 0 && i.h > 0;
}

/* Whether rc lies wholly inside a w x h window. */
static inline bool rect_in_window(Rect rc, int w, int h)
{
    return rc.x >= 0 && rc.y >= 0 && rc.x + rc.w <= w && rc.y + rc.h <= h;
}

#endif
