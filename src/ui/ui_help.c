/* ui_help.c - the modal help overlay: (key, what) rows in sections, flowed into as many
 * columns as the window's height needs, the text stepping down in size before anything is cut.
 * Depends on: ui/ui.h, ui/ui_int.h (the widgets' shared look), viz. */
#include "ui/ui.h"

#include "ui/ui_int.h"

int ui_help_count(const UiHelpRow *rows)
{
    int n = 0;
    while (rows && rows[n].key)
        n++;
    return n;
}

void ui_help_overlay(Ui *ui, const char *title, const UiHelpRow *rows, int n)
{
    UiHelpSection one = {NULL, rows, n};
    ui_help_overlay_sections(ui, title, &one, 1);
}

#define HELP_MAX_ITEMS 160

/* One entry of the overlay: a section heading (row -1), a blank line before a heading (row -2)
 * or a row; lines > 1 when its description wraps. */
typedef struct HelpItem {
    int sec, row, lines;
    int col, line;
} HelpItem;

/* Flows the items into columns of per_col lines: a row never splits across columns, a heading
 * moves on with its first row, and a heading not at a column's top gets a blank line above.
 * Returns the number of columns. */
static int help_flow(HelpItem *items, int n, int per_col)
{
    int col = 0, line = 0;
    for (int k = 0; k < n; k++) {
        HelpItem *it = &items[k];
        int need = it->lines;
        if (it->row == -2) {
            /* the blank and the heading and its first row stay together, or the blank goes */
            int rest = 1 + (k + 2 < n ? items[k + 2].lines : 0);
            if (line == 0 || line + 1 + rest > per_col) {
                it->col = -1;
                if (line > 0) {
                    col++;
                    line = 0;
                }
                continue;
            }
        } else if (it->row == -1) {
            need += k + 1 < n ? items[k + 1].lines : 0;
        }
        if (line > 0 && line + need > per_col) {
            col++;
            line = 0;
        }
        it->col = col;
        it->line = line;
        line += it->lines;
    }
    return col + 1;
}

/* The overlay's entries in order: per section a blank line (but before the first), its heading
 * when it has one, then its rows. Returns how many (at most HELP_MAX_ITEMS). */
static int help_items(const UiHelpSection *secs, int n_secs, HelpItem *items)
{
    int n_items = 0;
    for (int s = 0; s < n_secs; s++) {
        if (secs[s].heading) {
            if (n_items > 0 && n_items < HELP_MAX_ITEMS)
                items[n_items++] = (HelpItem){s, -2, 1, 0, 0};
            if (n_items < HELP_MAX_ITEMS)
                items[n_items++] = (HelpItem){s, -1, 1, 0, 0};
        }
        for (int i = 0; i < secs[s].n && n_items < HELP_MAX_ITEMS; i++)
            items[n_items++] = (HelpItem){s, i, 1, 0, 0};
    }
    return n_items;
}

/* How the overlay's text is set: sizes, line height, columns and their parts. */
typedef struct HelpFit {
    int size, head_size; /* the rows' text size and the headings' */
    int lh;              /* a line's height */
    int cols, col_w;     /* the columns and a column's width */
    int key_w, what_w;   /* a column's key part and description part */
    bool cut;            /* even the smallest size did not hold everything */
} HelpFit;

/* The largest size, then the fewest columns, at which everything fits avail_h in max_w:
 * descriptions wrap in a column narrower than the longest one, and are cut only as the very
 * last resort. Sets the items' lines, columns and line positions. */
static HelpFit help_fit(Ui *ui, const UiHelpSection *secs, int n_secs, HelpItem *items, int n_items,
                        int max_w, int avail_h)
{
    const Theme *th = ui->th;
    int pad = theme_px(th, 24), gap = theme_px(th, 32), kgap = theme_px(th, 16);
    int min_size = theme_px(th, 11);
    int size = ui_body_size(ui), cols = 1, lh = 0, key_w = 0, col_w = 0, what_w = 0, head_size = 0;
    bool fits = false;
    for (size = ui_body_size(ui); size >= min_size && !fits; size--) {
        head_size = size + size / 7;
        lh = render_line_height(ui->r, FONT_SANS, size) + theme_px(th, 4);
        int per_col = avail_h / lh > 3 ? avail_h / lh : 3;
        int nat_what = 0, head_w = 0;
        key_w = 0;
        for (int s = 0; s < n_secs; s++) {
            int w = 0;
            if (secs[s].heading) {
                render_text_size(ui->r, FONT_SANS_BOLD, head_size, secs[s].heading, &w, NULL);
                head_w = w > head_w ? w : head_w;
            }
            for (int i = 0; i < secs[s].n; i++) {
                render_text_size(ui->r, FONT_MONO, size, secs[s].rows[i].key, &w, NULL);
                key_w = w > key_w ? w : key_w;
                render_text_size(ui->r, FONT_SANS, size, secs[s].rows[i].what, &w, NULL);
                nat_what = w > nat_what ? w : nat_what;
            }
        }
        for (cols = 1; cols <= 4 && !fits; cols++) {
            int room = (max_w - 2 * pad - (cols - 1) * gap) / cols;
            col_w = key_w + kgap + nat_what;
            col_w = head_w > col_w ? head_w : col_w;
            col_w = col_w < room ? col_w : room;
            what_w = col_w - key_w - kgap;
            /* a description at most 3 lines tall; else this width is too narrow */
            bool ok = what_w > 4 * size;
            for (int k = 0; k < n_items && ok; k++) {
                if (items[k].row < 0)
                    continue;
                int h = render_text_wrap(ui->r, FONT_SANS, size,
                                         secs[items[k].sec].rows[items[k].row].what,
                                         (Rect){0, 0, what_w, 0}, th->text, false);
                items[k].lines = (h + render_line_height(ui->r, FONT_SANS, size) - 1) /
                                 render_line_height(ui->r, FONT_SANS, size);
                items[k].lines = items[k].lines < 1 ? 1 : items[k].lines;
                ok = items[k].lines <= 3;
            }
            fits = ok && help_flow(items, n_items, per_col) <= cols;
        }
        cols--;
    }
    if (!fits) {
        /* the smallest size and the most columns: whatever does not fit is cut */
        size = min_size;
        for (int k = 0; k < n_items; k++)
            items[k].lines = 1;
        cols = help_flow(items, n_items, avail_h / lh > 3 ? avail_h / lh : 3);
        col_w = (max_w - 2 * pad - (cols - 1) * gap) / cols;
        what_w = col_w - key_w - kgap;
    } else {
        size++;
    }
    return (HelpFit){size, head_size, lh, cols, col_w, key_w, what_w, !fits};
}

void ui_help_overlay_sections(Ui *ui, const char *title, const UiHelpSection *secs, int n_secs)
{
    const Theme *th = ui->th;
    Rect b = ui->bounds;
    render_rect(ui->r, b, th->shadow);
    int pad = theme_px(th, 24), gap = theme_px(th, 32), kgap = theme_px(th, 16);
    int title_h = theme_px(th, THEME_TITLE) * 2;
    int max_w = b.w - theme_px(th, 16);
    int avail_h = b.h - 2 * pad - title_h - theme_px(th, 16);
    HelpItem items[HELP_MAX_ITEMS];
    int n_items = help_items(secs, n_secs, items);
    HelpFit f = help_fit(ui, secs, n_secs, items, n_items, max_w, avail_h);
    int hint_size = theme_px(th, 11);
    int hint_h = render_line_height(ui->r, FONT_SANS, hint_size) + theme_px(th, 4);
    if (f.cut) /* again, leaving a line for the hint that says so */
        f = help_fit(ui, secs, n_secs, items, n_items, max_w, avail_h - hint_h);
    int rows_h = 0;
    for (int k = 0; k < n_items; k++)
        if (items[k].col >= 0 && (items[k].line + items[k].lines) * f.lh > rows_h)
            rows_h = (items[k].line + items[k].lines) * f.lh;
    Rect box = {0, 0, f.cols * f.col_w + (f.cols - 1) * gap + 2 * pad,
                title_h + rows_h + 2 * pad + (f.cut ? hint_h : 0)};
    box.w = box.w < max_w ? box.w : max_w;
    box.x = b.x + (b.w - box.w) / 2;
    box.y = b.y + (b.h - box.h) / 2;
    if (box.y < b.y)
        box.y = b.y;
    render_round_rect(ui->r, rect_inset(box, -1), theme_px(th, THEME_RADIUS), th->border);
    render_round_rect(ui->r, box, theme_px(th, THEME_RADIUS), th->panel);
    /* the rows stop above the hint */
    render_clip_push(ui->r, (Rect){box.x, box.y, box.w, box.h - (f.cut ? hint_h + pad / 2 : 0)});
    render_text(ui->r, FONT_SANS_BOLD, theme_px(th, THEME_TITLE), title, box.x + pad, box.y + pad,
                ALIGN_LEFT | ALIGN_TOP, th->text);
    for (int k = 0; k < n_items; k++) {
        const HelpItem *it = &items[k];
        if (it->row == -2 || it->col < 0)
            continue;
        int x = box.x + pad + it->col * (f.col_w + gap);
        int y = box.y + pad + title_h + it->line * f.lh;
        if (it->row == -1) {
            render_text_in(ui->r, FONT_SANS_BOLD, f.head_size, secs[it->sec].heading,
                           (Rect){x, y, f.col_w, f.lh}, ALIGN_LEFT | ALIGN_BOTTOM, th->text_dim);
            continue;
        }
        const UiHelpRow *row = &secs[it->sec].rows[it->row];
        render_text(ui->r, FONT_MONO, f.size, row->key, x, y, ALIGN_LEFT | ALIGN_TOP, th->accent);
        render_text_wrap(ui->r, FONT_SANS, f.size, row->what,
                         (Rect){x + f.key_w + kgap, y, f.what_w, it->lines * f.lh}, th->text, true);
    }
    render_clip_pop(ui->r);
    if (f.cut) {
        /* what was cut is said, with the way to see it */
        Rect hint = {box.x + pad, box.y + box.h - pad / 2 - hint_h, box.w - 2 * pad, hint_h};
        render_text_in(
            ui->r, FONT_SANS, hint_size,
            "more \xE2\x86\x93 than fits: a larger window or Ctrl+\xE2\x88\x92 shows every key",
            hint, ALIGN_RIGHT | ALIGN_MIDDLE, th->warning);
    }
}
