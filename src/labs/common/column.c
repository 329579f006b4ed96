/* column.c - text lines and the key list in a lab's control column (see column.h). */
#include "labs/common/column.h"

#include <string.h>

/* Lines of text (split at '\n') taking their height from the control column. */
void lsu_column_lines(Ui *ui, UiColumn *col, const char *text, FontFace face, int base, Color c)
{
    int size = theme_px(ui->th, (float)base);
    int lh = render_line_height(ui->r, face, size);
    char line[256];
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len >= sizeof line)
            len = sizeof line - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        if (col->y + lh > col->area.y + col->area.h)
            return;
        char fit[256];
        render_text_fit(ui->r, face, size, line, col->area.w, fit, sizeof fit);
        render_text(ui->r, face, size, fit, col->area.x, col->y, ALIGN_LEFT | ALIGN_TOP, c);
        col->y += lh;
        p = nl ? nl + 1 : p + len;
    }
    col->y += col->gap;
}

/* The lab's key list under a "Keys" heading when it all fits the column, else without the
 * heading; else (a short window or a large UI scale) one dim line pointing at the H overlay,
 * which lists every key of the lab (LabDef.help), so nothing is cut off. */
void lsu_column_keys(Ui *ui, UiColumn *col, const char *keys)
{
    int size = theme_px(ui->th, THEME_SMALL);
    int lh = render_line_height(ui->r, FONT_MONO, size);
    int lines = 1;
    for (const char *p = keys; *p; p++)
        lines += *p == '\n';
    int bottom = col->area.y + col->area.h;
    if (col->y + col->row_h + col->gap + lines * lh <= bottom) {
        ui_column_heading(ui, col, "Keys");
        lsu_column_lines(ui, col, keys, FONT_MONO, THEME_SMALL, ui->th->text_dim);
        return;
    }
    /* without the heading the lines still read as keys ("A function") */
    if (col->y + col->gap + lines * lh <= bottom) {
        col->y += col->gap;
        lsu_column_lines(ui, col, keys, FONT_MONO, THEME_SMALL, ui->th->text_dim);
        return;
    }
    int sl = render_line_height(ui->r, FONT_SANS, size);
    if (col->y + sl > bottom)
        return;
    lsu_column_lines(ui, col, "Keys: press H", FONT_SANS, THEME_SMALL, ui->th->text_dim);
}
