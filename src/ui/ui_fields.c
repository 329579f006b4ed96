/* ui_fields.c - the value widgets drawn: slider (and its label column), number field, text
 * field, dropdown, tabs. Their behaviours are the pure functions of ui.c.
 * Depends on: ui/ui.h, ui/ui_int.h (the widgets' shared look), viz. */
#include "ui/ui.h"

#include "ui/ui_int.h"
#include "viz/colormap.h"

#include <math.h>

void ui_slider_parts(Rect rc, const Theme *th, int label_w, Rect *label, Rect *track, Rect *value)
{
    int lw = label_w > 0 ? label_w : rc.w * 38 / 100;
    int vw = theme_px(th, 52), g = theme_px(th, 8);
    if (lw > rc.w - vw - 2 * g)
        lw = rc.w - vw - 2 * g > 0 ? rc.w - vw - 2 * g : 0;
    *label = (Rect){rc.x, rc.y, lw, rc.h};
    *value = (Rect){rc.x + rc.w - vw, rc.y, vw, rc.h};
    *track = (Rect){rc.x + lw + g, rc.y, rc.w - lw - vw - 2 * g, rc.h};
    if (track->w < 0)
        track->w = 0;
}

int ui_column_labels(Ui *ui, const UiColumn *col, const char *const *labels, int n)
{
    int widest = 0;
    for (int i = 0; i < n; i++) {
        int w = 0;
        render_text_size(ui->r, FONT_SANS, ui_body_size(ui), labels[i], &w, NULL);
        widest = w > widest ? w : widest;
    }
    /* the text, then a spacing unit and the track's own gap: the knob (radius 7-8) at the
     * track's start keeps a unit of air from the longest label */
    int lw = widest + theme_px(ui->th, 8);
    if (lw > col->area.w / 2)
        lw = col->area.w / 2;
    ui->label_w = lw;
    return lw;
}

static bool slider_draw(Ui *ui, UiId id, Rect rc, const char *label, float *value, float lo,
                        float hi, float step, int decimals)
{
    if (rc.w <= 0 || rc.h <= 0)
        return false;
    /* the column's measured label width, or 38 %; a longer label than either pushes its own
     * track right rather than touch it */
    int own = 0;
    render_text_size(ui->r, FONT_SANS, ui_body_size(ui), label, &own, NULL);
    own += theme_px(ui->th, 8);
    int lw = ui->label_w > 0 ? ui->label_w : rc.w * 38 / 100;
    Rect lr, tr, vr;
    ui_slider_parts(rc, ui->th, own > lw ? own : lw, &lr, &tr, &vr);
    UiResult res = ui_slider_behavior(&ui->st, id, tr, &ui->in, value, lo, hi, step);
    ui_note_mouse(ui, res);
    const Theme *th = ui->th;
    render_text_line(ui->r, FONT_SANS, ui_body_size(ui), theme_px(th, 11), label, lr,
                     ALIGN_LEFT | ALIGN_MIDDLE, th->text);
    int th_h = theme_px(th, 4);
    int cy = tr.y + tr.h / 2;
    float f = hi > lo ? (*value - lo) / (hi - lo) : 0.0f;
    int kx = tr.x + (int)lroundf(f * (float)(tr.w - 1));
    render_round_rect(ui->r, (Rect){tr.x, cy - th_h / 2, tr.w, th_h}, th_h / 2, th->border);
    render_round_rect(ui->r, (Rect){tr.x, cy - th_h / 2, kx - tr.x, th_h}, th_h / 2, th->accent);
    float kr = (float)theme_px(th, res.hovered || res.active ? 8 : 7);
    render_circle(ui->r, (float)kx, (float)cy, kr, th->accent);
    render_circle(ui->r, (float)kx, (float)cy, kr * 0.45f, th->panel);
    char buf[32];
    ui_format_number(buf, sizeof buf, *value, decimals);
    render_text_in(ui->r, FONT_MONO, ui_body_size(ui), buf, vr, ALIGN_RIGHT | ALIGN_MIDDLE,
                   th->text);
    return res.changed;
}

bool ui_slider(Ui *ui, UiId id, Rect rc, const char *label, float *value, float lo, float hi,
               float step, int decimals)
{
    return slider_draw(ui, id, rc, label, value, lo, hi, step, decimals);
}

bool ui_slider_int(Ui *ui, UiId id, Rect rc, const char *label, int *value, int lo, int hi)
{
    float v = (float)*value;
    bool ch = slider_draw(ui, id, rc, label, &v, (float)lo, (float)hi, 1.0f, 0);
    *value = (int)lroundf(v);
    return ch;
}

bool ui_number(Ui *ui, UiId id, Rect rc, float *value, float lo, float hi, float step, int decimals)
{
    if (rc.w <= 0 || rc.h <= 0)
        return false;
    UiResult res = ui_number_behavior(&ui->st, id, rc, &ui->in, value, lo, hi, step, decimals);
    ui_note_mouse(ui, res);
    bool focused = ui->st.focus == id;
    if (focused)
        ui->focus_seen = true;
    const Theme *th = ui->th;
    ui_draw_box(ui, rc, res.hovered, focused);
    char buf[40];
    Rect in = rect_inset(rc, theme_px(th, 6));
    if (focused) {
        int w = 0;
        render_text_size(ui->r, FONT_MONO, ui_body_size(ui), ui->st.edit[0] ? ui->st.edit : " ", &w,
                         NULL);
        if (!ui->st.edit[0])
            w = 0;
        int x = in.x + in.w / 2 - w / 2;
        if (ui->st.replace && w > 0)
            render_rect(ui->r, (Rect){x - 1, in.y + 2, w + 2, in.h - 4},
                        color_alpha(th->accent, 90));
        render_text_in(ui->r, FONT_MONO, ui_body_size(ui), ui->st.edit, in,
                       ALIGN_CENTER | ALIGN_MIDDLE, th->text);
        render_rect(ui->r, (Rect){x + w + 1, in.y + 3, theme_px(th, 2), in.h - 6}, th->accent);
    } else {
        ui_format_number(buf, sizeof buf, *value, decimals);
        render_text_in(ui->r, FONT_MONO, ui_body_size(ui), buf, in, ALIGN_CENTER | ALIGN_MIDDLE,
                       th->text);
    }
    return res.changed;
}

bool ui_text_field(Ui *ui, UiId id, Rect rc, char *buf, size_t cap, const char *placeholder)
{
    if (rc.w <= 0 || rc.h <= 0)
        return false;
    UiResult res = ui_text_behavior(&ui->st, id, rc, &ui->in, buf, cap);
    ui_note_mouse(ui, res);
    bool focused = ui->st.focus == id;
    if (focused)
        ui->focus_seen = true;
    const Theme *th = ui->th;
    ui_draw_box(ui, rc, res.hovered, focused);
    Rect in = rect_inset(rc, theme_px(th, 6));
    int size = ui_body_size(ui);
    if (!buf[0] && !focused && placeholder) {
        char fit[256];
        render_text_fit(ui->r, FONT_SANS, size, placeholder, in.w, fit, sizeof fit);
        render_text_in(ui->r, FONT_SANS, size, fit, in, ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
        return res.submitted;
    }
    /* a long path shows its end (the file name), where the caret is */
    const char *shown = buf;
    int w = 0, caret = focused ? theme_px(th, 2) + 1 : 0;
    render_text_size(ui->r, FONT_MONO, size, shown, &w, NULL);
    while (*shown && w > in.w - caret) {
        shown++;
        while (((unsigned char)*shown & 0xC0) == 0x80)
            shown++;
        render_text_size(ui->r, FONT_MONO, size, shown, &w, NULL);
    }
    if (!shown[0])
        w = 0;
    if (focused && ui->st.replace && w > 0) /* Ctrl+A: the whole text selected */
        render_rect(ui->r, (Rect){in.x - 1, in.y + 2, w + 2, in.h - 4},
                    color_alpha(th->accent, 90));
    render_text_in(ui->r, FONT_MONO, size, shown, in, ALIGN_LEFT | ALIGN_MIDDLE, th->text);
    if (focused)
        render_rect(ui->r, (Rect){in.x + w + 1, in.y + 3, theme_px(th, 2), in.h - 6}, th->accent);
    return res.submitted;
}

bool ui_number_int(Ui *ui, UiId id, Rect rc, int *value, int lo, int hi)
{
    float v = (float)*value;
    bool ch = ui_number(ui, id, rc, &v, (float)lo, (float)hi, 1.0f, 0);
    *value = (int)lroundf(v);
    return ch;
}

static void draw_chevron(Ui *ui, int cx, int cy, int s, Color c)
{
    render_triangle(ui->r, (float)(cx - s), (float)(cy - s / 2), (float)(cx + s),
                    (float)(cy - s / 2), (float)cx, (float)(cy + s / 2), c);
}

bool ui_dropdown(Ui *ui, UiId id, Rect rc, const char *const *items, int n, int *selected)
{
    if (rc.w <= 0 || rc.h <= 0)
        return false;
    int item_h = ui_row_height(ui->th);
    UiResult res = ui_dropdown_behavior(&ui->st, id, rc, &ui->in, selected, n, item_h, ui->bounds);
    ui_note_mouse(ui, res);
    const Theme *th = ui->th;
    ui_draw_box(ui, rc, res.hovered, res.active);
    int arrow = theme_px(th, 5);
    Rect tr = {rc.x + theme_px(th, 8), rc.y, rc.w - theme_px(th, 16) - 2 * arrow, rc.h};
    char fit[128];
    const char *label = (*selected >= 0 && *selected < n) ? items[*selected] : "";
    render_text_fit(ui->r, FONT_SANS, ui_body_size(ui), label, tr.w, fit, sizeof fit);
    render_text_in(ui->r, FONT_SANS, ui_body_size(ui), fit, tr, ALIGN_LEFT | ALIGN_MIDDLE,
                   th->text);
    draw_chevron(ui, rc.x + rc.w - theme_px(th, 8) - arrow, rc.y + rc.h / 2, arrow, th->text_dim);
    if (ui->st.open == id) {
        ui->drop_items = items;
        ui->drop_n = n;
        ui->drop_selected = *selected;
        ui->drop_item_h = item_h;
        ui->drop_rect = ui->st.overlay;
    }
    return res.changed;
}

bool ui_tabs(Ui *ui, UiId id, Rect rc, const char *const *labels, int n, int *selected)
{
    if (n <= 0 || rc.w <= 0)
        return false;
    Rect tabs[16];
    if (n > 16)
        n = 16;
    for (int i = 0; i < n; i++)
        tabs[i] = (Rect){rc.x + rc.w * i / n, rc.y, rc.w * (i + 1) / n - rc.w * i / n, rc.h};
    UiResult res = ui_tabs_behavior(&ui->st, id, tabs, n, &ui->in, selected);
    ui_note_mouse(ui, res);
    const Theme *th = ui->th;
    for (int i = 0; i < n; i++) {
        bool sel = i == *selected;
        bool hot = ui->st.hot == ui_id_index(id, i);
        if (hot && !sel)
            render_rect(ui->r, tabs[i], th->control_hot);
        render_text_in(ui->r, FONT_SANS, ui_body_size(ui), labels[i], tabs[i],
                       ALIGN_CENTER | ALIGN_MIDDLE, sel ? th->text : th->text_dim);
        if (sel)
            render_rect(ui->r,
                        (Rect){tabs[i].x, tabs[i].y + tabs[i].h - theme_px(th, 3), tabs[i].w,
                               theme_px(th, 3)},
                        th->accent);
    }
    return res.changed;
}

/* The timeline's transport glyphs, drawn as shapes so they look the same on every font. */
