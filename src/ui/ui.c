/* ui.c - the widgets' core: ids and hit-testing, the pure behaviours of every widget but the
 * timeline, the immediate-mode frame (ui_begin / ui_end with the dropdown list and the tooltip
 * on top), the column layout, and the plain widgets (button, toggle, label). Behaviour
 * functions touch only UiState, the input and the value. The other widgets are drawn in
 * ui_fields.c, the timeline in ui_timeline.c, the help overlay in ui_help.c.
 * Depends on: viz (render seam, theme, colormap). */
#include "ui/ui.h"

#include "ui/ui_int.h"
#include "viz/colormap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== ids and hit-testing ==================================================================== */

UiId ui_id(const char *label)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)label; p && *p; p++)
        h = (h ^ *p) * 16777619u;
    return h ? h : 1u;
}

UiId ui_id_index(UiId base, int i)
{
    uint32_t h = base;
    h = (h ^ (uint32_t)i) * 16777619u;
    h = (h ^ 0x9e3779b9u) * 16777619u;
    return h ? h : 1u;
}

bool ui_mouse_over(const UiState *st, UiId id, Rect rc, const UiInput *in)
{
    if (st->open && st->open != id && rect_contains(st->overlay, in->mx, in->my))
        return false;
    return rect_contains(rc, in->mx, in->my);
}

/* ==== pure behaviours ========================================================================= */

UiResult ui_button_behavior(UiState *st, UiId id, Rect rc, const UiInput *in)
{
    UiResult res = {false, false, false, false};
    res.hovered = ui_mouse_over(st, id, rc, in);
    if (res.hovered)
        st->hot = id;
    if (res.hovered && in->mouse_pressed)
        st->active = id;
    if (st->active == id && in->mouse_released) {
        res.submitted = res.hovered;
        st->active = 0;
    }
    res.active = st->active == id;
    return res;
}

UiResult ui_toggle_behavior(UiState *st, UiId id, Rect rc, const UiInput *in, bool *value)
{
    UiResult res = ui_button_behavior(st, id, rc, in);
    if (res.submitted) {
        *value = !*value;
        res.changed = true;
    }
    return res;
}

static float snap(float v, float lo, float hi, float step)
{
    if (step > 0.0f)
        v = lo + roundf((v - lo) / step) * step;
    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    return v;
}

UiResult ui_slider_behavior(UiState *st, UiId id, Rect rc, const UiInput *in, float *value,
                            float lo, float hi, float step)
{
    UiResult res = {false, false, false, false};
    float old = *value, v = old;
    res.hovered = ui_mouse_over(st, id, rc, in);
    if (res.hovered)
        st->hot = id;
    if (res.hovered && in->mouse_pressed)
        st->active = id;
    if (st->active == id && (in->mouse_down || in->mouse_pressed) && rc.w > 1) {
        float t = (float)(in->mx - rc.x) / (float)(rc.w - 1);
        t = t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t);
        v = lo + t * (hi - lo);
    }
    if (res.hovered && in->wheel != 0 && st->active != id) {
        float s = step > 0.0f ? step : (hi - lo) / 20.0f;
        v = v + (float)in->wheel * s;
    }
    v = snap(v, lo, hi, step);
    if (st->active == id && in->mouse_released) {
        st->active = 0;
        res.submitted = true;
    }
    res.active = st->active == id;
    res.changed = v != old;
    *value = v;
    return res;
}

UiResult ui_slider_int_behavior(UiState *st, UiId id, Rect rc, const UiInput *in, int *value,
                                int lo, int hi)
{
    float v = (float)*value;
    UiResult res = ui_slider_behavior(st, id, rc, in, &v, (float)lo, (float)hi, 1.0f);
    *value = (int)lroundf(v);
    return res;
}

void ui_format_number(char *out, size_t n, float v, int decimals)
{
    snprintf(out, n, "%.*f", decimals < 0 ? 0 : decimals, (double)v);
}

UiResult ui_text_behavior(UiState *st, UiId id, Rect rc, const UiInput *in, char *buf, size_t cap)
{
    UiResult res = {false, false, false, false};
    bool focused = st->focus == id;
    res.hovered = ui_mouse_over(st, id, rc, in);
    if (res.hovered)
        st->hot = id;
    if (in->mouse_pressed) {
        if (res.hovered && !focused) {
            st->focus = id;
            st->replace = false;
            focused = true;
        } else if (!res.hovered && focused) {
            st->focus = 0;
            focused = false;
        }
    }
    if (!focused || cap == 0)
        return res;
    res.active = true;
    if (in->key == UI_KEY_SELECT_ALL)
        st->replace = buf[0] != '\0';
    size_t n = 0;
    while (n + 1 < cap && buf[n])
        n++;
    size_t add = strlen(in->text);
    if (add > 0 && st->replace && add < cap) {
        /* the selected text is replaced by what is typed */
        n = 0;
        st->replace = false;
    }
    if (add > 0 && n + add < cap) {
        memcpy(buf + n, in->text, add + 1);
        n += add;
        res.changed = true;
    }
    switch (in->key) {
    case UI_KEY_BACKSPACE:
    case UI_KEY_DELETE:
        if (st->replace) {
            st->replace = false;
            if (n > 0) {
                buf[0] = '\0';
                res.changed = true;
            }
            break;
        }
        if (in->key == UI_KEY_DELETE)
            break; /* the caret is at the end: nothing after it */
        if (n > 0) {
            /* back over continuation bytes to the start of the last character */
            while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
                n--;
            if (n > 0)
                n--;
            buf[n] = '\0';
            res.changed = true;
        }
        break;
    case UI_KEY_ENTER:
        st->focus = 0;
        st->replace = false;
        res.submitted = true;
        break;
    case UI_KEY_TAB:
        /* Tab moves the keyboard on; it is not an Enter (a lesson's answer is not checked, a
         * path is not loaded until Enter or the button) */
    case UI_KEY_ESCAPE:
        st->focus = 0;
        st->replace = false;
        break;
    case UI_KEY_LEFT:
    case UI_KEY_RIGHT:
    case UI_KEY_HOME:
    case UI_KEY_END:
        st->replace = false;
        break;
    default:
        break;
    }
    return res;
}

UiResult ui_number_behavior(UiState *st, UiId id, Rect rc, const UiInput *in, float *value,
                            float lo, float hi, float step, int decimals)
{
    UiResult res = {false, false, false, false};
    float old = *value, v = old;
    bool focused = st->focus == id;
    res.hovered = ui_mouse_over(st, id, rc, in);
    if (res.hovered)
        st->hot = id;

    if (res.hovered && in->mouse_pressed && !focused) {
        st->active = id;
        st->drag_from = v;
        st->drag_x = in->mx;
        st->dragged = false;
    } else if (focused && in->mouse_pressed && !res.hovered) {
        /* a click elsewhere abandons the edit */
        st->focus = 0;
        focused = false;
    }
    if (st->active == id) {
        if (in->mouse_down && step > 0.0f) {
            int steps = (in->mx - st->drag_x) / 6;
            if (steps != 0)
                st->dragged = true;
            if (st->dragged)
                v = snap(st->drag_from + (float)steps * step, lo, hi, step);
        }
        if (in->mouse_released) {
            st->active = 0;
            if (st->dragged) {
                res.submitted = true;
            } else if (res.hovered) {
                st->focus = id;
                focused = true;
                st->replace = true;
                ui_format_number(st->edit, sizeof st->edit, v, decimals);
            }
        }
    }
    if (focused) {
        for (const char *p = in->text; *p; p++) {
            char ch = *p;
            if (!((ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
                continue;
            if (st->replace) {
                st->edit[0] = '\0';
                st->replace = false;
            }
            size_t n = strlen(st->edit);
            if (n + 1 < sizeof st->edit) {
                st->edit[n] = ch;
                st->edit[n + 1] = '\0';
            }
        }
        switch (in->key) {
        case UI_KEY_BACKSPACE:
            if (st->replace) {
                st->edit[0] = '\0';
                st->replace = false;
            } else if (st->edit[0]) {
                st->edit[strlen(st->edit) - 1] = '\0';
            }
            break;
        case UI_KEY_ENTER:
        case UI_KEY_TAB: {
            char *end = NULL;
            float parsed = strtof(st->edit, &end);
            if (end != st->edit && *end == '\0' && isfinite(parsed))
                v = snap(parsed, lo, hi, step);
            st->focus = 0;
            res.submitted = true;
            break;
        }
        case UI_KEY_ESCAPE:
            st->focus = 0;
            break;
        case UI_KEY_SELECT_ALL:
            st->replace = st->edit[0] != '\0';
            break;
        case UI_KEY_UP:
        case UI_KEY_DOWN:
            v = snap(v + (in->key == UI_KEY_UP ? step : -step), lo, hi, step);
            ui_format_number(st->edit, sizeof st->edit, v, decimals);
            st->replace = true;
            break;
        default:
            break;
        }
    }
    if ((res.hovered || st->focus == id) && in->wheel != 0 && st->active != id) {
        v = snap(v + (float)in->wheel * step, lo, hi, step);
        if (st->focus == id) {
            ui_format_number(st->edit, sizeof st->edit, v, decimals);
            st->replace = true;
        }
    }
    res.active = st->active == id || st->focus == id;
    res.changed = v != old;
    *value = v;
    return res;
}

Rect ui_dropdown_list_rect(Rect rc, int n, int item_h, Rect bounds)
{
    int h = n * item_h;
    Rect list = {rc.x, rc.y + rc.h, rc.w, h};
    if (list.y + h > bounds.y + bounds.h && rc.y - h >= bounds.y)
        list.y = rc.y - h;
    else if (list.y + h > bounds.y + bounds.h)
        list.y = bounds.y + bounds.h - h < bounds.y ? bounds.y : bounds.y + bounds.h - h;
    return list;
}

UiResult ui_dropdown_behavior(UiState *st, UiId id, Rect rc, const UiInput *in, int *selected,
                              int n, int item_h, Rect bounds)
{
    UiResult res = {false, false, false, false};
    Rect list = ui_dropdown_list_rect(rc, n, item_h, bounds);
    res.hovered = ui_mouse_over(st, id, rc, in);
    if (res.hovered)
        st->hot = id;
    if (st->open != id) {
        if (res.hovered && in->mouse_pressed)
            st->active = id;
        if (st->active == id && in->mouse_released) {
            st->active = 0;
            if (res.hovered && n > 0) {
                st->open = id;
                st->overlay = list;
            }
        }
    } else {
        st->overlay = list;
        if (in->mouse_pressed) {
            if (rect_contains(list, in->mx, in->my) && item_h > 0) {
                int k = (in->my - list.y) / item_h;
                if (k >= 0 && k < n) {
                    res.changed = k != *selected;
                    *selected = k;
                    res.submitted = true;
                }
            }
            /* any press closes it; the press on the box itself must not reopen on release */
            st->open = 0;
            st->overlay = (Rect){0, 0, 0, 0};
            st->active = 0;
        } else if (in->key == UI_KEY_ESCAPE) {
            st->open = 0;
            st->overlay = (Rect){0, 0, 0, 0};
        }
    }
    res.active = st->open == id;
    return res;
}

UiResult ui_tabs_behavior(UiState *st, UiId id, const Rect *tabs, int n, const UiInput *in,
                          int *selected)
{
    UiResult res = {false, false, false, false};
    for (int i = 0; i < n; i++) {
        if (!ui_mouse_over(st, id, tabs[i], in))
            continue;
        res.hovered = true;
        st->hot = ui_id_index(id, i);
        if (in->mouse_pressed) {
            res.changed = i != *selected;
            res.submitted = true;
            *selected = i;
        }
    }
    return res;
}

/* ==== immediate mode: drawing ================================================================= */

void ui_begin(Ui *ui, Render *r, const Theme *th, const UiInput *in, Rect bounds)
{
    ui->in = *in;
    ui->r = r;
    ui->th = th;
    ui->bounds = bounds;
    ui->tooltip[0] = '\0';
    ui->mouse_used = ui->st.open && rect_contains(ui->st.overlay, in->mx, in->my);
    ui->drop_items = NULL;
    ui->focus_seen = false;
    ui->label_w = 0;
    ui->st.hot = 0;
}

bool ui_wants_keys(const Ui *ui)
{
    return ui->st.focus != 0 || ui->st.open != 0;
}

int ui_row_height(const Theme *th)
{
    return theme_px(th, 32);
}

int ui_gap(const Theme *th)
{
    return theme_px(th, 8);
}

int ui_body_size(const Ui *ui)
{
    return theme_px(ui->th, THEME_BODY);
}

int ui_radius(const Ui *ui)
{
    return theme_px(ui->th, 6);
}

void ui_note_mouse(Ui *ui, UiResult res)
{
    if (res.hovered || res.active)
        ui->mouse_used = true;
}

void ui_draw_box(Ui *ui, Rect rc, bool hot, bool active)
{
    const Theme *th = ui->th;
    render_round_rect(ui->r, rc, ui_radius(ui), hot ? th->control_hot : th->control);
    render_round_rect_outline(ui->r, rc, ui_radius(ui), active ? theme_px(th, 2) : 1,
                              active ? th->accent : th->border);
}

bool ui_button(Ui *ui, UiId id, Rect rc, const char *label)
{
    if (rc.w <= 0 || rc.h <= 0)
        return false;
    UiResult res = ui_button_behavior(&ui->st, id, rc, &ui->in);
    ui_note_mouse(ui, res);
    ui_draw_box(ui, rc, res.hovered, res.active);
    render_text_in(ui->r, FONT_SANS, ui_body_size(ui), label, rect_inset(rc, theme_px(ui->th, 4)),
                   ALIGN_CENTER | ALIGN_MIDDLE, ui->th->text);
    return res.submitted;
}

bool ui_button_enabled(Ui *ui, UiId id, Rect rc, const char *label, bool enabled)
{
    if (enabled)
        return ui_button(ui, id, rc, label);
    if (rc.w <= 0 || rc.h <= 0)
        return false;
    if (ui_mouse_over(&ui->st, id, rc, &ui->in))
        ui->mouse_used = true;
    const Theme *th = ui->th;
    /* no face, a border and a label half-way to the panel: visibly there, visibly inert */
    render_round_rect_outline(ui->r, rc, ui_radius(ui), 1, th->border);
    render_text_in(ui->r, FONT_SANS, ui_body_size(ui), label, rect_inset(rc, theme_px(th, 4)),
                   ALIGN_CENTER | ALIGN_MIDDLE, color_mix(th->text_dim, th->panel, 0.45f));
    return false;
}

bool ui_toggle(Ui *ui, UiId id, Rect rc, const char *label, bool *value)
{
    if (rc.w <= 0 || rc.h <= 0)
        return false;
    UiResult res = ui_toggle_behavior(&ui->st, id, rc, &ui->in, value);
    ui_note_mouse(ui, res);
    const Theme *th = ui->th;
    int s = theme_px(th, 18);
    Rect box = {rc.x, rc.y + (rc.h - s) / 2, s, s};
    if (*value) {
        render_round_rect(ui->r, box, theme_px(th, 4), th->accent);
        /* a check mark: two strokes */
        float t = (float)theme_px(th, 2);
        float x0 = (float)box.x + s * 0.22f, y0 = (float)box.y + s * 0.52f;
        float x1 = (float)box.x + s * 0.42f, y1 = (float)box.y + s * 0.72f;
        float x2 = (float)box.x + s * 0.78f, y2 = (float)box.y + s * 0.30f;
        Color ink = color_text_on(th->accent);
        render_line(ui->r, x0, y0, x1, y1, t, ink);
        render_line(ui->r, x1, y1, x2, y2, t, ink);
    } else {
        render_round_rect(ui->r, box, theme_px(th, 4), res.hovered ? th->control_hot : th->control);
        render_round_rect_outline(ui->r, box, theme_px(th, 4), 1, th->text_dim);
    }
    Rect lab = {box.x + s + theme_px(th, 8), rc.y, rc.w - s - theme_px(th, 8), rc.h};
    render_text_in(ui->r, FONT_SANS, ui_body_size(ui), label, lab, ALIGN_LEFT | ALIGN_MIDDLE,
                   th->text);
    return res.changed;
}

void ui_label(Ui *ui, Rect rc, const char *text, FontFace face, int size, int align, Color c)
{
    render_text_in(ui->r, face, theme_px(ui->th, (float)size), text, rc, align, c);
}

void ui_tooltip(Ui *ui, const char *text)
{
    snprintf(ui->tooltip, sizeof ui->tooltip, "%s", text ? text : "");
    ui->tooltip_anchor = (Rect){0, 0, 0, 0};
}

void ui_tooltip_at(Ui *ui, const char *text, Rect anchor)
{
    ui_tooltip(ui, text);
    ui->tooltip_anchor = anchor;
}

/* lo, or as far from it as keeps [v, v + len) inside [lo, hi): v clamped into the range. */
static int slide_into(int v, int len, int lo, int hi)
{
    if (v + len > hi)
        v = hi - len;
    return v < lo ? lo : v;
}

Rect ui_tooltip_place(int w, int h, Rect anchor, Rect bounds, int gap)
{
    int bx1 = bounds.x + bounds.w, by1 = bounds.y + bounds.h;
    int ax1 = anchor.x + anchor.w, ay1 = anchor.y + anchor.h;
    int x = slide_into(anchor.x, w, bounds.x, bx1), y = slide_into(anchor.y, h, bounds.y, by1);
    /* below, above, right, left: each with its room along the side's axis */
    Rect side[4] = {{x, ay1 + gap, w, h},
                    {x, anchor.y - gap - h, w, h},
                    {ax1 + gap, y, w, h},
                    {anchor.x - gap - w, y, w, h}};
    int room[4] = {by1 - ay1 - gap - h, anchor.y - gap - h - bounds.y, bx1 - ax1 - gap - w,
                   anchor.x - gap - w - bounds.x};
    int best = 0;
    for (int k = 0; k < 4; k++) {
        if (room[k] >= 0 && w <= bounds.w && h <= bounds.h)
            return side[k];
        if (room[k] > room[best])
            best = k;
    }
    Rect b = side[best];
    b.x = slide_into(b.x, w, bounds.x, bx1);
    b.y = slide_into(b.y, h, bounds.y, by1);
    return b;
}

UiColumn ui_column(Rect area, const Theme *th)
{
    UiColumn c = {area, area.y, ui_row_height(th), ui_gap(th)};
    return c;
}

Rect ui_column_next(UiColumn *col, int rows)
{
    if (rows < 1)
        rows = 1;
    int h = rows * col->row_h + (rows - 1) * col->gap;
    if (col->y + h > col->area.y + col->area.h)
        return (Rect){col->area.x, col->y, 0, 0};
    Rect r = {col->area.x, col->y, col->area.w, h};
    col->y += h + col->gap;
    return r;
}

void ui_column_heading(Ui *ui, UiColumn *col, const char *text)
{
    Rect rc = ui_column_next(col, 1);
    if (rc.w > 0)
        render_text_in(ui->r, FONT_SANS_BOLD, theme_px(ui->th, THEME_HEADING), text, rc,
                       ALIGN_LEFT | ALIGN_BOTTOM, ui->th->text_dim);
}

/* Splits text at '\n' into up to max lines, copied into buf; returns the line count. */
static int split_lines(const char *text, char *buf, size_t n, const char **lines, int max)
{
    snprintf(buf, n, "%s", text);
    int k = 0;
    char *p = buf;
    while (k < max) {
        lines[k++] = p;
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    return k;
}

static void draw_tooltip(Ui *ui)
{
    const Theme *th = ui->th;
    char buf[UI_TOOLTIP_MAX];
    const char *lines[16];
    int n = split_lines(ui->tooltip, buf, sizeof buf, lines, 16);
    int size = ui_body_size(ui), lh = render_line_height(ui->r, FONT_SANS, size);
    int w = 0;
    for (int i = 0; i < n; i++) {
        int lw = 0;
        render_text_size(ui->r, FONT_SANS, size, lines[i], &lw, NULL);
        if (lw > w)
            w = lw;
    }
    int pad = theme_px(th, 8);
    /* beside what it explains; without an anchor, beside the pointer (its arrow's size) */
    Rect anchor = ui->tooltip_anchor;
    if (anchor.w <= 0 || anchor.h <= 0)
        anchor = (Rect){ui->in.mx, ui->in.my, theme_px(th, 12), theme_px(th, 18)};
    Rect box = ui_tooltip_place(w + 2 * pad, n * lh + 2 * pad, anchor, ui->bounds, theme_px(th, 6));
    ui->tooltip_box = box;
    render_round_rect(ui->r, rect_inset(box, -1), ui_radius(ui), th->border);
    render_round_rect(ui->r, box, ui_radius(ui), th->panel);
    for (int i = 0; i < n; i++)
        render_text(ui->r, FONT_SANS, size, lines[i], box.x + pad, box.y + pad + i * lh,
                    ALIGN_LEFT | ALIGN_TOP, th->text);
}

void ui_end(Ui *ui)
{
    const Theme *th = ui->th;
    if (ui->st.open && !ui->drop_items) {
        /* the dropdown was not drawn this frame (its lab went away): close it */
        ui->st.open = 0;
        ui->st.overlay = (Rect){0, 0, 0, 0};
    }
    if (ui->st.focus && !ui->focus_seen)
        ui->st.focus = 0;
    if (ui->drop_items) {
        Rect L = ui->drop_rect;
        render_round_rect(ui->r, rect_inset(L, -1), ui_radius(ui), th->border);
        render_round_rect(ui->r, L, ui_radius(ui), th->panel);
        for (int i = 0; i < ui->drop_n; i++) {
            Rect it = {L.x, L.y + i * ui->drop_item_h, L.w, ui->drop_item_h};
            if (rect_contains(it, ui->in.mx, ui->in.my))
                render_rect(ui->r, rect_inset(it, 1), th->control_hot);
            Rect tr = {it.x + theme_px(th, 8), it.y, it.w - theme_px(th, 16), it.h};
            render_text_in(ui->r, FONT_SANS, ui_body_size(ui), ui->drop_items[i], tr,
                           ALIGN_LEFT | ALIGN_MIDDLE,
                           i == ui->drop_selected ? th->accent : th->text);
        }
    }
    if (ui->tooltip[0])
        draw_tooltip(ui);
}
