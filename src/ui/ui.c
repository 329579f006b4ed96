/* ui.c - widget behaviours (pure), the Timeline model (pure), and their drawing through the
 * render seam. Behaviour functions touch only UiState, the input and the value. */
#include "ui/ui.h"

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

static void format_number(char *out, size_t n, float v, int decimals)
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
    size_t n = 0;
    while (n + 1 < cap && buf[n])
        n++;
    size_t add = strlen(in->text);
    if (add > 0 && n + add < cap) {
        memcpy(buf + n, in->text, add + 1);
        res.changed = true;
    }
    switch (in->key) {
    case UI_KEY_BACKSPACE:
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
        res.submitted = true;
        break;
    case UI_KEY_TAB:
        /* Tab moves the keyboard on; it is not an Enter (a lesson's answer is not checked, a
         * path is not loaded until Enter or the button) */
    case UI_KEY_ESCAPE:
        st->focus = 0;
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
                format_number(st->edit, sizeof st->edit, v, decimals);
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
        case UI_KEY_UP:
        case UI_KEY_DOWN:
            v = snap(v + (in->key == UI_KEY_UP ? step : -step), lo, hi, step);
            format_number(st->edit, sizeof st->edit, v, decimals);
            st->replace = true;
            break;
        default:
            break;
        }
    }
    if ((res.hovered || st->focus == id) && in->wheel != 0 && st->active != id) {
        v = snap(v + (float)in->wheel * step, lo, hi, step);
        if (st->focus == id) {
            format_number(st->edit, sizeof st->edit, v, decimals);
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

/* ==== Timeline ================================================================================ */

static const float speed_table[TIMELINE_SPEEDS] = {0.25f, 0.5f, 1.0f, 2.0f, 4.0f, 8.0f, 16.0f,
                                                   0.0f};
static const char *const speed_labels[TIMELINE_SPEEDS] = {
    "0.25\xC3\x97", "0.5\xC3\x97", "1\xC3\x97", "2\xC3\x97", "4\xC3\x97", "8\xC3\x97", "16\xC3\x97",
    "instant"};

void timeline_init(Timeline *t, int count)
{
    memset(t, 0, sizeof *t);
    t->count = count < 0 ? 0 : count;
    t->speed = TIMELINE_SPEED_1X;
    t->rate = 2.0f;
}

void timeline_set_count(Timeline *t, int count)
{
    t->count = count < 0 ? 0 : count;
    if (t->pos > t->count)
        t->pos = t->count;
    if (t->pos >= t->count)
        t->playing = false;
}

bool timeline_advance(Timeline *t, double dt)
{
    if (!t->playing)
        return false;
    int before = t->pos;
    if (t->speed == TIMELINE_SPEED_INSTANT) {
        t->pos = t->count;
    } else {
        float rate = t->rate > 0.0f ? t->rate : 2.0f;
        t->carry += dt * (double)rate * (double)speed_table[t->speed];
        int k = (int)floor(t->carry);
        t->carry -= k;
        t->pos += k;
    }
    if (t->pos >= t->count) {
        t->pos = t->count;
        t->playing = false;
        t->carry = 0.0;
    }
    return t->pos != before;
}

void timeline_seek(Timeline *t, int pos)
{
    t->pos = pos < 0 ? 0 : (pos > t->count ? t->count : pos);
    t->playing = false;
    t->carry = 0.0;
}

void timeline_step(Timeline *t, int delta)
{
    timeline_seek(t, t->pos + delta);
}

void timeline_toggle(Timeline *t)
{
    if (t->playing) {
        t->playing = false;
        return;
    }
    if (t->count <= 0)
        return;
    if (t->pos >= t->count)
        t->pos = 0;
    t->playing = true;
    t->carry = 0.0;
}

void timeline_faster(Timeline *t)
{
    if (t->speed < TIMELINE_SPEEDS - 1)
        t->speed++;
}

void timeline_slower(Timeline *t)
{
    if (t->speed > 0)
        t->speed--;
}

float timeline_speed_factor(const Timeline *t)
{
    return speed_table[t->speed < 0 || t->speed >= TIMELINE_SPEEDS ? TIMELINE_SPEED_1X : t->speed];
}

const char *timeline_speed_label(const Timeline *t)
{
    return speed_labels[t->speed < 0 || t->speed >= TIMELINE_SPEEDS ? TIMELINE_SPEED_1X
                                                                     : t->speed];
}

UiTimelineLayout ui_timeline_layout(Rect rc, const Theme *th, int label_w)
{
    UiTimelineLayout L;
    int bs = theme_px(th, 32);
    if (bs > rc.h)
        bs = rc.h;
    int gap = theme_px(th, 4);
    int y = rc.y + (rc.h - bs) / 2;
    int x = rc.x;
    Rect *btn[5] = {&L.first, &L.back, &L.play, &L.fwd, &L.last};
    for (int i = 0; i < 5; i++) {
        *btn[i] = (Rect){x, y, bs, bs};
        x += bs + gap;
    }
    int speed_w = theme_px(th, 76);
    /* the label never gets cut: it takes its measured width plus air on both sides, and the
     * scrub bar gives way (a 4-digit count needs about 60 % more than "step 25 / 25") */
    int air = theme_px(th, 8);
    int lw = (label_w > 0 ? label_w : theme_px(th, 101)) + 2 * air;
    int right = rc.x + rc.w;
    L.speed = (Rect){right - speed_w, y, speed_w, bs};
    L.label = (Rect){L.speed.x - gap - lw, y, lw, bs};
    int sx = x + theme_px(th, 8);
    L.scrub = (Rect){sx, y, L.label.x - theme_px(th, 8) - sx, bs};
    if (L.scrub.w < 0)
        L.scrub.w = 0;
    return L;
}

UiResult ui_timeline_behavior(UiState *st, UiId id, const UiTimelineLayout *lay,
                              const UiInput *in, Timeline *t)
{
    UiResult res = {false, false, false, false};
    int pos = t->pos, speed = t->speed;
    bool playing = t->playing;
    const Rect *btn[5] = {&lay->first, &lay->back, &lay->play, &lay->fwd, &lay->last};
    for (int i = 0; i < 5; i++) {
        UiResult b = ui_button_behavior(st, ui_id_index(id, i), *btn[i], in);
        res.hovered |= b.hovered;
        if (!b.submitted)
            continue;
        switch (i) {
        case 0:
            timeline_seek(t, 0);
            break;
        case 1:
            timeline_step(t, -1);
            break;
        case 2:
            timeline_toggle(t);
            break;
        case 3:
            timeline_step(t, 1);
            break;
        default:
            timeline_seek(t, t->count);
            break;
        }
    }
    UiResult sp = ui_button_behavior(st, ui_id_index(id, 5), lay->speed, in);
    res.hovered |= sp.hovered;
    if (sp.submitted)
        t->speed = (t->speed + 1) % TIMELINE_SPEEDS;
    /* scrubbing: press and drag anywhere on the bar */
    UiId sid = ui_id_index(id, 6);
    bool over = ui_mouse_over(st, sid, lay->scrub, in);
    res.hovered |= over;
    if (over)
        st->hot = sid;
    if (over && in->mouse_pressed)
        st->active = sid;
    if (st->active == sid) {
        if ((in->mouse_down || in->mouse_pressed) && lay->scrub.w > 1) {
            float f = (float)(in->mx - lay->scrub.x) / (float)(lay->scrub.w - 1);
            f = f < 0.0f ? 0.0f : (f > 1.0f ? 1.0f : f);
            timeline_seek(t, (int)lroundf(f * (float)t->count));
        }
        if (in->mouse_released)
            st->active = 0;
    }
    res.active = st->active == sid;
    res.changed = pos != t->pos || speed != t->speed || playing != t->playing;
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

static int body(const Ui *ui)
{
    return theme_px(ui->th, THEME_BODY);
}

static int radius(const Ui *ui)
{
    return theme_px(ui->th, 6);
}

static void note_mouse(Ui *ui, UiResult res)
{
    if (res.hovered || res.active)
        ui->mouse_used = true;
}

static void draw_box(Ui *ui, Rect rc, bool hot, bool active)
{
    const Theme *th = ui->th;
    render_round_rect(ui->r, rc, radius(ui), hot ? th->control_hot : th->control);
    render_round_rect_outline(ui->r, rc, radius(ui), active ? theme_px(th, 2) : 1,
                              active ? th->accent : th->border);
}

bool ui_button(Ui *ui, UiId id, Rect rc, const char *label)
{
    if (rc.w <= 0 || rc.h <= 0)
        return false;
    UiResult res = ui_button_behavior(&ui->st, id, rc, &ui->in);
    note_mouse(ui, res);
    draw_box(ui, rc, res.hovered, res.active);
    render_text_in(ui->r, FONT_SANS, body(ui), label, rect_inset(rc, theme_px(ui->th, 4)),
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
    render_round_rect_outline(ui->r, rc, radius(ui), 1, th->border);
    render_text_in(ui->r, FONT_SANS, body(ui), label, rect_inset(rc, theme_px(th, 4)),
                   ALIGN_CENTER | ALIGN_MIDDLE, color_mix(th->text_dim, th->panel, 0.45f));
    return false;
}

bool ui_toggle(Ui *ui, UiId id, Rect rc, const char *label, bool *value)
{
    if (rc.w <= 0 || rc.h <= 0)
        return false;
    UiResult res = ui_toggle_behavior(&ui->st, id, rc, &ui->in, value);
    note_mouse(ui, res);
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
    render_text_in(ui->r, FONT_SANS, body(ui), label, lab, ALIGN_LEFT | ALIGN_MIDDLE, th->text);
    return res.changed;
}

void ui_slider_parts(Rect rc, const Theme *th, int label_w, Rect *label, Rect *track,
                     Rect *value)
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
        render_text_size(ui->r, FONT_SANS, body(ui), labels[i], &w, NULL);
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
    render_text_size(ui->r, FONT_SANS, body(ui), label, &own, NULL);
    own += theme_px(ui->th, 8);
    int lw = ui->label_w > 0 ? ui->label_w : rc.w * 38 / 100;
    Rect lr, tr, vr;
    ui_slider_parts(rc, ui->th, own > lw ? own : lw, &lr, &tr, &vr);
    UiResult res = ui_slider_behavior(&ui->st, id, tr, &ui->in, value, lo, hi, step);
    note_mouse(ui, res);
    const Theme *th = ui->th;
    render_text_line(ui->r, FONT_SANS, body(ui), theme_px(th, 11), label, lr,
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
    format_number(buf, sizeof buf, *value, decimals);
    render_text_in(ui->r, FONT_MONO, body(ui), buf, vr, ALIGN_RIGHT | ALIGN_MIDDLE, th->text);
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

bool ui_number(Ui *ui, UiId id, Rect rc, float *value, float lo, float hi, float step,
               int decimals)
{
    if (rc.w <= 0 || rc.h <= 0)
        return false;
    UiResult res = ui_number_behavior(&ui->st, id, rc, &ui->in, value, lo, hi, step, decimals);
    note_mouse(ui, res);
    bool focused = ui->st.focus == id;
    if (focused)
        ui->focus_seen = true;
    const Theme *th = ui->th;
    draw_box(ui, rc, res.hovered, focused);
    char buf[40];
    Rect in = rect_inset(rc, theme_px(th, 6));
    if (focused) {
        int w = 0;
        render_text_size(ui->r, FONT_MONO, body(ui), ui->st.edit[0] ? ui->st.edit : " ", &w, NULL);
        if (!ui->st.edit[0])
            w = 0;
        int x = in.x + in.w / 2 - w / 2;
        if (ui->st.replace && w > 0)
            render_rect(ui->r, (Rect){x - 1, in.y + 2, w + 2, in.h - 4},
                        color_alpha(th->accent, 90));
        render_text_in(ui->r, FONT_MONO, body(ui), ui->st.edit, in, ALIGN_CENTER | ALIGN_MIDDLE,
                       th->text);
        render_rect(ui->r, (Rect){x + w + 1, in.y + 3, theme_px(th, 2), in.h - 6}, th->accent);
    } else {
        format_number(buf, sizeof buf, *value, decimals);
        render_text_in(ui->r, FONT_MONO, body(ui), buf, in, ALIGN_CENTER | ALIGN_MIDDLE, th->text);
    }
    return res.changed;
}

bool ui_text_field(Ui *ui, UiId id, Rect rc, char *buf, size_t cap, const char *placeholder)
{
    if (rc.w <= 0 || rc.h <= 0)
        return false;
    UiResult res = ui_text_behavior(&ui->st, id, rc, &ui->in, buf, cap);
    note_mouse(ui, res);
    bool focused = ui->st.focus == id;
    if (focused)
        ui->focus_seen = true;
    const Theme *th = ui->th;
    draw_box(ui, rc, res.hovered, focused);
    Rect in = rect_inset(rc, theme_px(th, 6));
    int size = body(ui);
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
    UiResult res =
        ui_dropdown_behavior(&ui->st, id, rc, &ui->in, selected, n, item_h, ui->bounds);
    note_mouse(ui, res);
    const Theme *th = ui->th;
    draw_box(ui, rc, res.hovered, res.active);
    int arrow = theme_px(th, 5);
    Rect tr = {rc.x + theme_px(th, 8), rc.y, rc.w - theme_px(th, 16) - 2 * arrow, rc.h};
    char fit[128];
    const char *label = (*selected >= 0 && *selected < n) ? items[*selected] : "";
    render_text_fit(ui->r, FONT_SANS, body(ui), label, tr.w, fit, sizeof fit);
    render_text_in(ui->r, FONT_SANS, body(ui), fit, tr, ALIGN_LEFT | ALIGN_MIDDLE, th->text);
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
    note_mouse(ui, res);
    const Theme *th = ui->th;
    for (int i = 0; i < n; i++) {
        bool sel = i == *selected;
        bool hot = ui->st.hot == ui_id_index(id, i);
        if (hot && !sel)
            render_rect(ui->r, tabs[i], th->control_hot);
        render_text_in(ui->r, FONT_SANS, body(ui), labels[i], tabs[i], ALIGN_CENTER | ALIGN_MIDDLE,
                       sel ? th->text : th->text_dim);
        if (sel)
            render_rect(ui->r, (Rect){tabs[i].x, tabs[i].y + tabs[i].h - theme_px(th, 3),
                                      tabs[i].w, theme_px(th, 3)},
                        th->accent);
    }
    return res.changed;
}

/* The timeline's transport glyphs, drawn as shapes so they look the same on every font. */
static void draw_transport(Ui *ui, Rect b, int kind, bool playing, Color c)
{
    float cx = (float)b.x + (float)b.w / 2.0f, cy = (float)b.y + (float)b.h / 2.0f;
    float s = (float)b.h * 0.22f;
    float bar = fmaxf(2.0f, s * 0.35f);
    switch (kind) {
    case 0: /* first: bar + left triangle */
        render_rect(ui->r, (Rect){(int)(cx - s - bar), (int)(cy - s), (int)bar, (int)(2 * s)}, c);
        render_triangle(ui->r, cx + s, cy - s, cx + s, cy + s, cx - s, cy, c);
        break;
    case 1: /* back */
        render_triangle(ui->r, cx + s * 0.8f, cy - s, cx + s * 0.8f, cy + s, cx - s * 0.8f, cy, c);
        break;
    case 2: /* play / pause */
        if (playing) {
            render_rect(ui->r, (Rect){(int)(cx - s * 0.8f), (int)(cy - s), (int)(s * 0.6f),
                                      (int)(2 * s)}, c);
            render_rect(ui->r, (Rect){(int)(cx + s * 0.2f), (int)(cy - s), (int)(s * 0.6f),
                                      (int)(2 * s)}, c);
        } else {
            render_triangle(ui->r, cx - s * 0.7f, cy - s * 1.1f, cx - s * 0.7f, cy + s * 1.1f,
                            cx + s * 1.1f, cy, c);
        }
        break;
    case 3: /* forward */
        render_triangle(ui->r, cx - s * 0.8f, cy - s, cx - s * 0.8f, cy + s, cx + s * 0.8f, cy, c);
        break;
    default: /* last: right triangle + bar */
        render_triangle(ui->r, cx - s, cy - s, cx - s, cy + s, cx + s, cy, c);
        render_rect(ui->r, (Rect){(int)(cx + s), (int)(cy - s), (int)bar, (int)(2 * s)}, c);
        break;
    }
}

static void timeline_label(char *buf, size_t n, int pos, int count)
{
    snprintf(buf, n, "step %d / %d", pos, count);
}

int ui_timeline_label_width(Render *r, const Theme *th, int count)
{
    char buf[48];
    timeline_label(buf, sizeof buf, count, count);
    int w = 0;
    render_text_size(r, FONT_MONO, theme_px(th, THEME_BODY), buf, &w, NULL);
    return w;
}

bool ui_timeline(Ui *ui, UiId id, Rect rc, Timeline *t)
{
    if (rc.w <= 0 || rc.h <= 0)
        return false;
    const Theme *th = ui->th;
    UiTimelineLayout L =
        ui_timeline_layout(rc, th, ui_timeline_label_width(ui->r, th, t->count));
    UiResult res = ui_timeline_behavior(&ui->st, id, &L, &ui->in, t);
    note_mouse(ui, res);
    const Rect *btn[5] = {&L.first, &L.back, &L.play, &L.fwd, &L.last};
    for (int i = 0; i < 5; i++) {
        UiId bid = ui_id_index(id, i);
        bool hot = ui->st.hot == bid;
        bool main = i == 2;
        Color face = main ? th->accent : (hot ? th->control_hot : th->control);
        render_round_rect(ui->r, *btn[i], radius(ui), face);
        if (hot && main)
            render_round_rect_outline(ui->r, *btn[i], radius(ui), theme_px(th, 2), th->text);
        draw_transport(ui, *btn[i], i, t->playing, main ? color_text_on(th->accent) : th->text);
    }
    /* scrub bar: track, progress, knob */
    Rect s = L.scrub;
    if (s.w > 0) {
        int h = theme_px(th, 6), cy = s.y + s.h / 2;
        float f = t->count > 0 ? (float)t->pos / (float)t->count : 0.0f;
        int kx = s.x + (int)lroundf(f * (float)(s.w - 1));
        render_round_rect(ui->r, (Rect){s.x, cy - h / 2, s.w, h}, h / 2, th->border);
        render_round_rect(ui->r, (Rect){s.x, cy - h / 2, kx - s.x, h}, h / 2, th->accent);
        bool hot = ui->st.hot == ui_id_index(id, 6) || ui->st.active == ui_id_index(id, 6);
        render_circle(ui->r, (float)kx, (float)cy, (float)theme_px(th, hot ? 9 : 8), th->accent);
    }
    char buf[48];
    timeline_label(buf, sizeof buf, t->pos, t->count);
    render_text_in(ui->r, FONT_MONO, body(ui), buf, L.label, ALIGN_CENTER | ALIGN_MIDDLE,
                   th->text);
    bool shot = ui->st.hot == ui_id_index(id, 5);
    draw_box(ui, L.speed, shot, false);
    render_text_in(ui->r, FONT_MONO, body(ui), timeline_speed_label(t), L.speed,
                   ALIGN_CENTER | ALIGN_MIDDLE, th->text);
    return res.changed;
}

void ui_label(Ui *ui, Rect rc, const char *text, FontFace face, int size, int align, Color c)
{
    render_text_in(ui->r, face, theme_px(ui->th, (float)size), text, rc, align, c);
}

void ui_tooltip(Ui *ui, const char *text)
{
    snprintf(ui->tooltip, sizeof ui->tooltip, "%s", text ? text : "");
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
    int size = body(ui), lh = render_line_height(ui->r, FONT_SANS, size);
    int w = 0;
    for (int i = 0; i < n; i++) {
        int lw = 0;
        render_text_size(ui->r, FONT_SANS, size, lines[i], &lw, NULL);
        if (lw > w)
            w = lw;
    }
    int pad = theme_px(th, 8);
    Rect box = {ui->in.mx + theme_px(th, 16), ui->in.my + theme_px(th, 18), w + 2 * pad,
                n * lh + 2 * pad};
    Rect b = ui->bounds;
    if (box.x + box.w > b.x + b.w)
        box.x = ui->in.mx - theme_px(th, 12) - box.w;
    if (box.y + box.h > b.y + b.h)
        box.y = ui->in.my - theme_px(th, 12) - box.h;
    if (box.x < b.x)
        box.x = b.x;
    if (box.y < b.y)
        box.y = b.y;
    render_round_rect(ui->r, rect_inset(box, -1), radius(ui), th->border);
    render_round_rect(ui->r, box, radius(ui), th->panel);
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
        render_round_rect(ui->r, rect_inset(L, -1), radius(ui), th->border);
        render_round_rect(ui->r, L, radius(ui), th->panel);
        for (int i = 0; i < ui->drop_n; i++) {
            Rect it = {L.x, L.y + i * ui->drop_item_h, L.w, ui->drop_item_h};
            if (rect_contains(it, ui->in.mx, ui->in.my))
                render_rect(ui->r, rect_inset(it, 1), th->control_hot);
            Rect tr = {it.x + theme_px(th, 8), it.y, it.w - theme_px(th, 16), it.h};
            render_text_in(ui->r, FONT_SANS, body(ui), ui->drop_items[i], tr,
                           ALIGN_LEFT | ALIGN_MIDDLE,
                           i == ui->drop_selected ? th->accent : th->text);
        }
    }
    if (ui->tooltip[0])
        draw_tooltip(ui);
}

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

void ui_help_overlay_sections(Ui *ui, const char *title, const UiHelpSection *secs, int n_secs)
{
    const Theme *th = ui->th;
    Rect b = ui->bounds;
    render_rect(ui->r, b, th->shadow);
    int pad = theme_px(th, 24), gap = theme_px(th, 32), kgap = theme_px(th, 16);
    int title_h = theme_px(th, THEME_TITLE) * 2;
    int max_w = b.w - theme_px(th, 16);
    int avail_h = b.h - 2 * pad - title_h - theme_px(th, 16);
    int min_size = theme_px(th, 11);
    HelpItem items[HELP_MAX_ITEMS];
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
    /* the largest size, then the fewest columns, at which everything fits: descriptions wrap
     * in a column narrower than the longest one, and are cut only as the very last resort */
    int size = body(ui), cols = 1, lh = 0, key_w = 0, col_w = 0, what_w = 0, head_size = 0;
    bool fits = false;
    for (size = body(ui); size >= min_size && !fits; size--) {
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
    int rows_h = 0;
    for (int k = 0; k < n_items; k++)
        if (items[k].col >= 0 && (items[k].line + items[k].lines) * lh > rows_h)
            rows_h = (items[k].line + items[k].lines) * lh;
    Rect box = {0, 0, cols * col_w + (cols - 1) * gap + 2 * pad, title_h + rows_h + 2 * pad};
    box.w = box.w < max_w ? box.w : max_w;
    box.x = b.x + (b.w - box.w) / 2;
    box.y = b.y + (b.h - box.h) / 2;
    if (box.y < b.y)
        box.y = b.y;
    render_round_rect(ui->r, rect_inset(box, -1), theme_px(th, THEME_RADIUS), th->border);
    render_round_rect(ui->r, box, theme_px(th, THEME_RADIUS), th->panel);
    render_clip_push(ui->r, box);
    render_text(ui->r, FONT_SANS_BOLD, theme_px(th, THEME_TITLE), title, box.x + pad, box.y + pad,
                ALIGN_LEFT | ALIGN_TOP, th->text);
    for (int k = 0; k < n_items; k++) {
        const HelpItem *it = &items[k];
        if (it->row == -2 || it->col < 0)
            continue;
        int x = box.x + pad + it->col * (col_w + gap);
        int y = box.y + pad + title_h + it->line * lh;
        if (it->row == -1) {
            render_text_in(ui->r, FONT_SANS_BOLD, head_size, secs[it->sec].heading,
                           (Rect){x, y, col_w, lh}, ALIGN_LEFT | ALIGN_BOTTOM, th->text_dim);
            continue;
        }
        const UiHelpRow *row = &secs[it->sec].rows[it->row];
        render_text(ui->r, FONT_MONO, size, row->key, x, y, ALIGN_LEFT | ALIGN_TOP, th->accent);
        render_text_wrap(ui->r, FONT_SANS, size, row->what,
                         (Rect){x + key_w + kgap, y, what_w, it->lines * lh}, th->text, true);
    }
    render_clip_pop(ui->r);
}
