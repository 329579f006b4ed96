/* ui_timeline.c - the Timeline model every lab steps with (pure), the timeline bar's layout
 * and behaviour (pure), and the bar drawn: transport buttons, scrub bar, `step k / n`, speed.
 * Depends on: ui/ui.h, ui/ui_int.h (the widgets' shared look), viz. */
#include "ui/ui.h"

#include "ui/ui_int.h"
#include "viz/colormap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ==== Timeline ================================================================================ */

static const float speed_table[TIMELINE_SPEEDS] = {0.25f, 0.5f, 1.0f,  2.0f,
                                                   4.0f,  8.0f, 16.0f, 0.0f};
static const char *const speed_labels[TIMELINE_SPEEDS] = {
    "0.25\xC3\x97", "0.5\xC3\x97", "1\xC3\x97",  "2\xC3\x97",
    "4\xC3\x97",    "8\xC3\x97",   "16\xC3\x97", "instant"};

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
    return speed_labels[t->speed < 0 || t->speed >= TIMELINE_SPEEDS ? TIMELINE_SPEED_1X : t->speed];
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

UiResult ui_timeline_behavior(UiState *st, UiId id, const UiTimelineLayout *lay, const UiInput *in,
                              Timeline *t)
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
            render_rect(ui->r,
                        (Rect){(int)(cx - s * 0.8f), (int)(cy - s), (int)(s * 0.6f), (int)(2 * s)},
                        c);
            render_rect(ui->r,
                        (Rect){(int)(cx + s * 0.2f), (int)(cy - s), (int)(s * 0.6f), (int)(2 * s)},
                        c);
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

static void timeline_label(char *buf, size_t n, const char *unit, int pos, int count)
{
    snprintf(buf, n, "%.20s %d / %d", unit && unit[0] ? unit : "step", pos, count);
}

int ui_timeline_label_width(Render *r, const Theme *th, int count)
{
    return ui_timeline_unit_label_width(r, th, NULL, count);
}

int ui_timeline_unit_label_width(Render *r, const Theme *th, const char *unit, int count)
{
    char buf[64];
    timeline_label(buf, sizeof buf, unit, count, count);
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
        ui_timeline_layout(rc, th, ui_timeline_unit_label_width(ui->r, th, t->unit, t->count));
    UiResult res = ui_timeline_behavior(&ui->st, id, &L, &ui->in, t);
    ui_note_mouse(ui, res);
    const Rect *btn[5] = {&L.first, &L.back, &L.play, &L.fwd, &L.last};
    for (int i = 0; i < 5; i++) {
        UiId bid = ui_id_index(id, i);
        bool hot = ui->st.hot == bid;
        bool main = i == 2;
        Color face = main ? th->accent : (hot ? th->control_hot : th->control);
        render_round_rect(ui->r, *btn[i], ui_radius(ui), face);
        if (hot && main)
            render_round_rect_outline(ui->r, *btn[i], ui_radius(ui), theme_px(th, 2), th->text);
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
    char buf[64];
    timeline_label(buf, sizeof buf, t->unit, t->pos, t->count);
    render_text_in(ui->r, FONT_MONO, ui_body_size(ui), buf, L.label, ALIGN_CENTER | ALIGN_MIDDLE,
                   th->text);
    bool shot = ui->st.hot == ui_id_index(id, 5);
    ui_draw_box(ui, L.speed, shot, false);
    render_text_in(ui->r, FONT_MONO, ui_body_size(ui), timeline_speed_label(t), L.speed,
                   ALIGN_CENTER | ALIGN_MIDDLE, th->text);
    return res.changed;
}
