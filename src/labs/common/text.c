/* text.c - multi-line, wrapped and fitted text for the labs (see text.h). */
#include "labs/common/text.h"

#include <stdio.h>
#include <string.h>

/* Copies the line at *p (up to '\n' or the end, cut to cap - 1 bytes) into line and moves *p
 * past it and its '\n'. */
static void take_line(const char **p, char *line, size_t cap)
{
    const char *nl = strchr(*p, '\n');
    size_t n = nl ? (size_t)(nl - *p) : strlen(*p);
    size_t k = n >= cap ? cap - 1 : n;
    memcpy(line, *p, k);
    line[k] = 0;
    *p += nl ? n + 1 : n;
}

int lsu_draw_lines(Render *r, FontFace face, int size, const char *text, int x, int y, int line_gap,
                   Color c)
{
    int lh = render_line_height(r, face, size) + line_gap;
    char line[1024];
    const char *p = text;
    int used = 0;
    while (*p) {
        take_line(&p, line, sizeof line);
        if (line[0])
            render_text(r, face, size, line, x, y + used, ALIGN_LEFT | ALIGN_TOP, c);
        used += lh;
    }
    return used;
}

int lsu_wrap(Render *r, FontFace face, int size, const char *text, int max_w, char *out, size_t cap)
{
    size_t len = 0;
    int lines = 1;
    char line[2048] = "";
    size_t line_len = 0;
    const char *p = text;
    if (cap)
        out[0] = 0;
    while (*p && cap) {
        /* next word, spaces before it dropped at line starts */
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ' ' && *e != '\n')
            e++;
        size_t wl = (size_t)(e - p);
        if (wl > 512)
            wl = 512; /* no word is that long; the bound keeps trial from truncating */
        char trial[2048];
        int tw = 0;
        size_t tl = 0;
        if (line_len + 1 + wl < sizeof trial) {
            memcpy(trial, line, line_len);
            tl = line_len;
            if (line_len)
                trial[tl++] = ' ';
        }
        memcpy(trial + tl, p, wl);
        trial[tl + wl] = 0;
        render_text_size(r, face, size, trial, &tw, NULL);
        if (line_len && tw > max_w) {
            len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
            if (len >= cap)
                len = cap - 1;
            lines++;
            snprintf(line, sizeof line, "%.*s", (int)wl, p);
        } else {
            snprintf(line, sizeof line, "%s", trial);
        }
        line_len = strlen(line);
        p = e;
        if (*p == '\n') {
            len += (size_t)snprintf(out + len, cap - len, "%s\n", line);
            if (len >= cap)
                len = cap - 1;
            lines++;
            line[0] = 0;
            line_len = 0;
            p++;
        }
    }
    if (cap && line_len)
        snprintf(out + len, cap - len, "%s", line);
    return lines;
}

int lsu_draw_fit_line(Render *r, const Theme *th, FontFace face, int size, const char *text, int x,
                      int y, int max_w, Color c)
{
    Rect rc = {x, y, max_w, render_line_height(r, face, size)};
    return render_text_line(r, face, size, theme_px(th, 10), text, rc, ALIGN_LEFT | ALIGN_TOP, c);
}

int lsu_widest_line(Render *r, FontFace face, int size, const char *text)
{
    int best = 0;
    char line[2048];
    const char *p = text;
    while (*p) {
        take_line(&p, line, sizeof line);
        int w = 0;
        render_text_size(r, face, size, line, &w, NULL);
        if (w > best)
            best = w;
    }
    return best;
}
