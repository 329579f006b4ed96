/* test_ui.c - widget behaviours and the Timeline model, driven by synthetic input (no SDL). */
#include "test.h"
#include "ui/ui.h"

static UiInput at(int x, int y)
{
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = x;
    in.my = y;
    return in;
}

static UiInput press(int x, int y)
{
    UiInput in = at(x, y);
    in.mouse_pressed = in.mouse_down = true;
    return in;
}

static UiInput drag(int x, int y)
{
    UiInput in = at(x, y);
    in.mouse_down = true;
    return in;
}

static UiInput release(int x, int y)
{
    UiInput in = at(x, y);
    in.mouse_released = true;
    return in;
}

static UiInput typed(const char *text, UiKey key)
{
    UiInput in = at(-1, -1);
    snprintf(in.text, sizeof in.text, "%s", text);
    in.key = key;
    return in;
}

static void test_button(void)
{
    UiState st;
    memset(&st, 0, sizeof st);
    UiId id = ui_id("ok");
    Rect rc = {10, 10, 100, 30};
    UiInput i1 = at(50, 20);
    UiResult r = ui_button_behavior(&st, id, rc, &i1);
    CHECK(r.hovered && !r.submitted);
    UiInput i2 = press(50, 20);
    r = ui_button_behavior(&st, id, rc, &i2);
    CHECK(r.active && !r.submitted);
    UiInput i3 = release(52, 22);
    r = ui_button_behavior(&st, id, rc, &i3);
    CHECK(r.submitted);
    CHECK(!r.active);
    /* press inside, release outside: no click */
    UiInput i4 = press(50, 20), i5 = release(300, 300);
    ui_button_behavior(&st, id, rc, &i4);
    r = ui_button_behavior(&st, id, rc, &i5);
    CHECK(!r.submitted);
    /* press outside, release inside: no click either */
    UiInput i6 = press(300, 300), i7 = release(50, 20);
    ui_button_behavior(&st, id, rc, &i6);
    r = ui_button_behavior(&st, id, rc, &i7);
    CHECK(!r.submitted);
    /* press and release in one frame (a fast click) */
    UiInput i8 = press(50, 20);
    i8.mouse_released = true;
    r = ui_button_behavior(&st, id, rc, &i8);
    CHECK(r.submitted);
    /* ids: stable, distinct, never 0 */
    CHECK(ui_id("ok") == id);
    CHECK(ui_id("ok") != ui_id("cancel"));
    CHECK(ui_id_index(id, 0) != ui_id_index(id, 1));
    CHECK(ui_id("") != 0);
}

static void test_toggle(void)
{
    UiState st;
    memset(&st, 0, sizeof st);
    bool v = false;
    Rect rc = {0, 0, 100, 20};
    UiInput a = press(5, 5), b = release(5, 5);
    ui_toggle_behavior(&st, 1, rc, &a, &v);
    UiResult r = ui_toggle_behavior(&st, 1, rc, &b, &v);
    CHECK(r.changed && v);
    ui_toggle_behavior(&st, 1, rc, &a, &v);
    r = ui_toggle_behavior(&st, 1, rc, &b, &v);
    CHECK(r.changed && !v);
}

static void test_slider(void)
{
    UiState st;
    memset(&st, 0, sizeof st);
    Rect rc = {100, 0, 101, 20}; /* x 100..200 maps to lo..hi */
    float v = 0.0f;
    UiInput a = press(150, 10);
    UiResult r = ui_slider_behavior(&st, 7, rc, &a, &v, 0.0f, 10.0f, 0.0f);
    CHECK(r.changed && r.active);
    CHECK_NEAR(5.0, v, 1e-5);
    /* dragging beyond the ends clamps */
    UiInput b = drag(400, 10);
    ui_slider_behavior(&st, 7, rc, &b, &v, 0.0f, 10.0f, 0.0f);
    CHECK_NEAR(10.0, v, 1e-6);
    UiInput c = drag(0, 10);
    ui_slider_behavior(&st, 7, rc, &c, &v, 0.0f, 10.0f, 0.0f);
    CHECK_NEAR(0.0, v, 1e-6);
    UiInput d = release(0, 10);
    r = ui_slider_behavior(&st, 7, rc, &d, &v, 0.0f, 10.0f, 0.0f);
    CHECK(r.submitted && !r.active && !r.changed);
    /* snapping to a step */
    UiInput e = press(133, 10);
    ui_slider_behavior(&st, 7, rc, &e, &v, 0.0f, 10.0f, 2.5f);
    CHECK_NEAR(2.5, v, 1e-6);
    UiInput e2 = release(133, 10);
    ui_slider_behavior(&st, 7, rc, &e2, &v, 0.0f, 10.0f, 2.5f);
    /* the wheel moves one step */
    UiInput f = at(150, 10);
    f.wheel = 2;
    r = ui_slider_behavior(&st, 7, rc, &f, &v, 0.0f, 10.0f, 2.5f);
    CHECK(r.changed);
    CHECK_NEAR(7.5, v, 1e-6);
    /* integer slider */
    int k = 1;
    UiInput g = press(200, 10);
    r = ui_slider_int_behavior(&st, 8, rc, &g, &k, 1, 7);
    CHECK_INT_EQ(7, k);
    CHECK(r.changed);
    UiInput g2 = drag(117, 10); /* 17% of 6 -> 1.02 -> 1 step */
    ui_slider_int_behavior(&st, 8, rc, &g2, &k, 1, 7);
    CHECK_INT_EQ(2, k);
}

static void test_number(void)
{
    UiState st;
    memset(&st, 0, sizeof st);
    Rect rc = {0, 0, 80, 30};
    float v = 3.0f;
    UiId id = 42;
    /* click focuses with the text selected */
    UiInput a = press(10, 10), b = release(10, 10);
    ui_number_behavior(&st, id, rc, &a, &v, -10.0f, 10.0f, 1.0f, 0);
    UiResult r = ui_number_behavior(&st, id, rc, &b, &v, -10.0f, 10.0f, 1.0f, 0);
    CHECK(st.focus == id);
    CHECK(r.active);
    CHECK_STR_EQ("3", st.edit);
    CHECK(st.replace);
    /* typing replaces; letters are ignored */
    UiInput t1 = typed("-7x", UI_KEY_NONE);
    ui_number_behavior(&st, id, rc, &t1, &v, -10.0f, 10.0f, 1.0f, 0);
    CHECK_STR_EQ("-7", st.edit);
    CHECK_NEAR(3.0, v, 0.0); /* not committed yet */
    /* backspace and more digits, then Enter clamps to the range and submits */
    UiInput t2 = typed("", UI_KEY_BACKSPACE);
    ui_number_behavior(&st, id, rc, &t2, &v, -10.0f, 10.0f, 1.0f, 0);
    CHECK_STR_EQ("-", st.edit);
    UiInput t3 = typed("25", UI_KEY_NONE);
    ui_number_behavior(&st, id, rc, &t3, &v, -10.0f, 10.0f, 1.0f, 0);
    UiInput t4 = typed("", UI_KEY_ENTER);
    r = ui_number_behavior(&st, id, rc, &t4, &v, -10.0f, 10.0f, 1.0f, 0);
    CHECK(r.submitted && r.changed);
    CHECK_NEAR(-10.0, v, 0.0);
    CHECK(st.focus == 0);
    /* Escape cancels */
    ui_number_behavior(&st, id, rc, &a, &v, -10.0f, 10.0f, 1.0f, 0);
    ui_number_behavior(&st, id, rc, &b, &v, -10.0f, 10.0f, 1.0f, 0);
    UiInput t5 = typed("9", UI_KEY_NONE), t6 = typed("", UI_KEY_ESCAPE);
    ui_number_behavior(&st, id, rc, &t5, &v, -10.0f, 10.0f, 1.0f, 0);
    r = ui_number_behavior(&st, id, rc, &t6, &v, -10.0f, 10.0f, 1.0f, 0);
    CHECK(!r.changed);
    CHECK_NEAR(-10.0, v, 0.0);
    CHECK(st.focus == 0);
    /* garbage text leaves the value alone */
    ui_number_behavior(&st, id, rc, &a, &v, -10.0f, 10.0f, 1.0f, 0);
    ui_number_behavior(&st, id, rc, &b, &v, -10.0f, 10.0f, 1.0f, 0);
    UiInput t7 = typed("-", UI_KEY_ENTER);
    r = ui_number_behavior(&st, id, rc, &t7, &v, -10.0f, 10.0f, 1.0f, 0);
    CHECK(!r.changed);
    CHECK_NEAR(-10.0, v, 0.0);
    /* decimals snap to the step: 0.37 with step 0.25 -> 0.25 */
    float q = 0.0f;
    ui_number_behavior(&st, 43, rc, &a, &q, -1.0f, 1.0f, 0.25f, 2);
    ui_number_behavior(&st, 43, rc, &b, &q, -1.0f, 1.0f, 0.25f, 2);
    CHECK_STR_EQ("0.00", st.edit);
    UiInput t8 = typed("0.37", UI_KEY_ENTER);
    ui_number_behavior(&st, 43, rc, &t8, &q, -1.0f, 1.0f, 0.25f, 2);
    CHECK_NEAR(0.25, q, 1e-6);
    /* wheel over the unfocused field moves a step; Up while focused too */
    UiInput w = at(10, 10);
    w.wheel = 1;
    r = ui_number_behavior(&st, 43, rc, &w, &q, -1.0f, 1.0f, 0.25f, 2);
    CHECK(r.changed);
    CHECK_NEAR(0.5, q, 1e-6);
    /* horizontal drag: one step per 6 px, no focus afterwards */
    float d = 0.0f;
    UiInput d1 = press(10, 10), d2 = drag(40, 10), d3 = release(40, 10);
    ui_number_behavior(&st, 44, rc, &d1, &d, -10.0f, 10.0f, 1.0f, 0);
    r = ui_number_behavior(&st, 44, rc, &d2, &d, -10.0f, 10.0f, 1.0f, 0);
    CHECK(r.changed);
    CHECK_NEAR(5.0, d, 0.0);
    r = ui_number_behavior(&st, 44, rc, &d3, &d, -10.0f, 10.0f, 1.0f, 0);
    CHECK(r.submitted);
    CHECK(st.focus != 44);
    /* a click elsewhere drops the focus without committing */
    ui_number_behavior(&st, 45, rc, &a, &d, -10.0f, 10.0f, 1.0f, 0);
    ui_number_behavior(&st, 45, rc, &b, &d, -10.0f, 10.0f, 1.0f, 0);
    CHECK(st.focus == 45);
    UiInput t9 = typed("1", UI_KEY_NONE), away = press(500, 500);
    ui_number_behavior(&st, 45, rc, &t9, &d, -10.0f, 10.0f, 1.0f, 0);
    r = ui_number_behavior(&st, 45, rc, &away, &d, -10.0f, 10.0f, 1.0f, 0);
    CHECK(st.focus == 0);
    CHECK_NEAR(5.0, d, 0.0);
}

static void test_dropdown_tabs(void)
{
    UiState st;
    memset(&st, 0, sizeof st);
    Rect bounds = {0, 0, 400, 300};
    Rect rc = {10, 10, 120, 30};
    int sel = 0;
    UiId id = 9;
    Rect list = ui_dropdown_list_rect(rc, 4, 30, bounds);
    CHECK_INT_EQ(40, list.y);
    CHECK_INT_EQ(120, list.h);
    /* near the bottom the list opens upward */
    Rect low = {10, 250, 120, 30};
    Rect up = ui_dropdown_list_rect(low, 4, 30, bounds);
    CHECK_INT_EQ(250 - 120, up.y);
    /* click opens */
    UiInput a = press(20, 20), b = release(20, 20);
    ui_dropdown_behavior(&st, id, rc, &a, &sel, 4, 30, bounds);
    UiResult r = ui_dropdown_behavior(&st, id, rc, &b, &sel, 4, 30, bounds);
    CHECK(st.open == id && r.active);
    /* another widget under the list sees no mouse there */
    Rect under = {10, 75, 100, 20};
    UiInput over = at(20, 80);
    CHECK(!ui_mouse_over(&st, 77, under, &over));
    CHECK(ui_mouse_over(&st, id, list, &over));
    /* picking item 2 (y 40 + 2*30 .. ) */
    UiInput c = press(20, 40 + 2 * 30 + 5);
    r = ui_dropdown_behavior(&st, id, rc, &c, &sel, 4, 30, bounds);
    CHECK(r.changed && r.submitted);
    CHECK_INT_EQ(2, sel);
    CHECK(st.open == 0);
    /* the release that follows does not reopen it */
    UiInput c2 = release(20, 105);
    ui_dropdown_behavior(&st, id, rc, &c2, &sel, 4, 30, bounds);
    CHECK(st.open == 0);
    /* open, then Escape closes without a change */
    ui_dropdown_behavior(&st, id, rc, &a, &sel, 4, 30, bounds);
    ui_dropdown_behavior(&st, id, rc, &b, &sel, 4, 30, bounds);
    UiInput esc = typed("", UI_KEY_ESCAPE);
    r = ui_dropdown_behavior(&st, id, rc, &esc, &sel, 4, 30, bounds);
    CHECK(!r.changed && st.open == 0);
    CHECK_INT_EQ(2, sel);
    /* tabs */
    Rect tabs[3] = {{0, 0, 50, 20}, {50, 0, 50, 20}, {100, 0, 50, 20}};
    int t = 0;
    UiInput p = press(120, 5);
    r = ui_tabs_behavior(&st, 11, tabs, 3, &p, &t);
    CHECK(r.changed);
    CHECK_INT_EQ(2, t);
    r = ui_tabs_behavior(&st, 11, tabs, 3, &p, &t);
    CHECK(!r.changed && r.submitted);
}

static void test_timeline(void)
{
    Timeline t;
    timeline_init(&t, 25);
    CHECK_INT_EQ(0, t.pos);
    CHECK(!t.playing);
    CHECK_STR_EQ("1\xC3\x97", timeline_speed_label(&t));
    /* 2 steps per second at 1x: 1.25 s -> 2 steps, the fraction carried */
    timeline_toggle(&t);
    CHECK(t.playing);
    CHECK(timeline_advance(&t, 1.25));
    CHECK_INT_EQ(2, t.pos);
    CHECK(timeline_advance(&t, 0.25));
    CHECK_INT_EQ(3, t.pos);
    /* faster: 4x -> 8 steps per second */
    timeline_faster(&t);
    timeline_faster(&t);
    CHECK_NEAR(4.0, timeline_speed_factor(&t), 0.0);
    timeline_advance(&t, 0.5);
    CHECK_INT_EQ(7, t.pos);
    /* the end stops playing */
    timeline_advance(&t, 100.0);
    CHECK_INT_EQ(25, t.pos);
    CHECK(!t.playing);
    CHECK(!timeline_advance(&t, 1.0));
    /* play from the end restarts */
    timeline_toggle(&t);
    CHECK_INT_EQ(0, t.pos);
    CHECK(t.playing);
    /* stepping pauses and clamps */
    timeline_step(&t, -3);
    CHECK_INT_EQ(0, t.pos);
    CHECK(!t.playing);
    timeline_step(&t, 30);
    CHECK_INT_EQ(25, t.pos);
    timeline_seek(&t, 10);
    CHECK_INT_EQ(10, t.pos);
    /* speeds clamp at both ends; instant jumps to the end */
    for (int i = 0; i < 20; i++)
        timeline_slower(&t);
    CHECK_NEAR(0.25, timeline_speed_factor(&t), 0.0);
    CHECK_STR_EQ("0.25\xC3\x97", timeline_speed_label(&t));
    for (int i = 0; i < 20; i++)
        timeline_faster(&t);
    CHECK_STR_EQ("instant", timeline_speed_label(&t));
    CHECK_NEAR(0.0, timeline_speed_factor(&t), 0.0);
    timeline_toggle(&t);
    CHECK(timeline_advance(&t, 0.001));
    CHECK_INT_EQ(25, t.pos);
    /* a smaller count clamps the position */
    timeline_set_count(&t, 5);
    CHECK_INT_EQ(5, t.pos);
    timeline_set_count(&t, -1);
    CHECK_INT_EQ(0, t.count);
    timeline_toggle(&t); /* nothing to play */
    CHECK(!t.playing);
}

static void test_timeline_bar(void)
{
    Theme th = theme_make(THEME_DARK, 1.0f);
    Rect rc = {0, 0, 600, 48};
    UiTimelineLayout L = ui_timeline_layout(rc, &th, 101);
    /* parts in order, inside the bar, not overlapping */
    CHECK(L.first.x + L.first.w <= L.back.x);
    CHECK(L.last.x + L.last.w < L.scrub.x);
    CHECK(L.scrub.x + L.scrub.w < L.label.x);
    CHECK(L.label.x + L.label.w <= L.speed.x);
    CHECK(L.speed.x + L.speed.w <= 600);
    CHECK(L.scrub.w > 100);
    UiState st;
    memset(&st, 0, sizeof st);
    Timeline t;
    timeline_init(&t, 10);
    UiId id = ui_id("tl");
    /* click "last" */
    UiInput a = press(L.last.x + 2, L.last.y + 2), b = release(L.last.x + 2, L.last.y + 2);
    ui_timeline_behavior(&st, id, &L, &a, &t);
    UiResult r = ui_timeline_behavior(&st, id, &L, &b, &t);
    CHECK(r.changed);
    CHECK_INT_EQ(10, t.pos);
    /* click "back" */
    UiInput c = press(L.back.x + 2, L.back.y + 2), d = release(L.back.x + 2, L.back.y + 2);
    ui_timeline_behavior(&st, id, &L, &c, &t);
    ui_timeline_behavior(&st, id, &L, &d, &t);
    CHECK_INT_EQ(9, t.pos);
    /* scrub to the middle */
    UiInput e = press(L.scrub.x + (L.scrub.w - 1) / 2, L.scrub.y + 5);
    r = ui_timeline_behavior(&st, id, &L, &e, &t);
    CHECK(r.changed && r.active);
    CHECK_INT_EQ(5, t.pos);
    UiInput f = drag(L.scrub.x - 50, L.scrub.y + 5);
    ui_timeline_behavior(&st, id, &L, &f, &t);
    CHECK_INT_EQ(0, t.pos);
    UiInput g = release(L.scrub.x - 50, L.scrub.y + 5);
    ui_timeline_behavior(&st, id, &L, &g, &t);
    /* play, speed button cycles 1x -> 2x */
    UiInput h = press(L.play.x + 2, L.play.y + 2), i = release(L.play.x + 2, L.play.y + 2);
    ui_timeline_behavior(&st, id, &L, &h, &t);
    ui_timeline_behavior(&st, id, &L, &i, &t);
    CHECK(t.playing);
    UiInput j = press(L.speed.x + 2, L.speed.y + 2), k = release(L.speed.x + 2, L.speed.y + 2);
    ui_timeline_behavior(&st, id, &L, &j, &t);
    ui_timeline_behavior(&st, id, &L, &k, &t);
    CHECK_STR_EQ("2\xC3\x97", timeline_speed_label(&t));
}

/* The `step k / n` label keeps its measured width whatever the count; the scrub bar gives way. */
static void test_timeline_label_room(void)
{
    Theme th = theme_make(THEME_DARK, 1.0f);
    Rect rc = {40, 700, 600, 48};
    /* DejaVu Sans Mono 14 px advances 8.43 px a character: "step 25 / 25" is 12 characters,
     * "step 4000 / 4000" 16 (the Train lab), "step 784 / 784" 14 (a 28×28 convolution) */
    int short_w = 101, long_w = 135;
    UiTimelineLayout a = ui_timeline_layout(rc, &th, short_w);
    UiTimelineLayout b = ui_timeline_layout(rc, &th, long_w);
    CHECK(a.label.w >= short_w + 2 * theme_px(&th, 8));
    CHECK(b.label.w >= long_w + 2 * theme_px(&th, 8));
    /* the extra width comes out of the scrub bar, not the buttons or the speed box */
    CHECK_INT_EQ(a.scrub.w - (long_w - short_w), b.scrub.w);
    CHECK_INT_EQ(a.speed.x, b.speed.x);
    CHECK_INT_EQ(a.last.x, b.last.x);
    CHECK(b.scrub.x + b.scrub.w < b.label.x);
    CHECK(b.label.x + b.label.w <= b.speed.x);
    CHECK(b.speed.x + b.speed.w <= rc.x + rc.w);
    /* at 2× everything doubles, the measured label included */
    Theme th2 = theme_make(THEME_DARK, 2.0f);
    UiTimelineLayout c = ui_timeline_layout((Rect){0, 0, 1200, 96}, &th2, 2 * long_w);
    CHECK(c.label.w >= 2 * long_w + 2 * theme_px(&th2, 8));
    CHECK(c.scrub.x + c.scrub.w < c.label.x);
    /* a bar too narrow for everything: the scrub bar goes first, the label stays whole */
    UiTimelineLayout d = ui_timeline_layout((Rect){0, 0, 380, 48}, &th, long_w);
    CHECK_INT_EQ(0, d.scrub.w);
    CHECK(d.label.w >= long_w + 2 * theme_px(&th, 8));
    CHECK(d.label.x + d.label.w <= d.speed.x);
}

/* Slider rows: the label column as given (or 38 %), then the gap, the track and the value box. */
static void test_slider_parts(void)
{
    Theme th = theme_make(THEME_DARK, 1.0f);
    Rect rc = {24, 100, 240, 32}, l, t, v;
    ui_slider_parts(rc, &th, 0, &l, &t, &v);
    CHECK_INT_EQ(240 * 38 / 100, l.w);
    CHECK_INT_EQ(l.x + l.w + 8, t.x);
    CHECK_INT_EQ(rc.x + rc.w - 52, v.x);
    CHECK_INT_EQ(v.x - 8, t.x + t.w);
    /* a measured label column of 101 px ("Sharpness β" and air) moves every track alike */
    Rect l2, t2, v2;
    ui_slider_parts(rc, &th, 101, &l2, &t2, &v2);
    CHECK_INT_EQ(101, l2.w);
    CHECK_INT_EQ(24 + 101 + 8, t2.x);
    CHECK_INT_EQ(v.x, v2.x);
    CHECK_INT_EQ(t.x + t.w, t2.x + t2.w);
    /* a label column wider than the row leaves the value box whole and the track empty */
    ui_slider_parts(rc, &th, 400, &l2, &t2, &v2);
    CHECK_INT_EQ(0, t2.w);
    CHECK(l2.x + l2.w <= v2.x);
    CHECK_INT_EQ(v.x, v2.x);
    /* at 2x the gaps and the value box double */
    Theme th2 = theme_make(THEME_DARK, 2.0f);
    ui_slider_parts((Rect){0, 0, 480, 64}, &th2, 202, &l2, &t2, &v2);
    CHECK_INT_EQ(202 + 16, t2.x);
    CHECK_INT_EQ(480 - 104, v2.x);
}

static void test_help_count(void)
{
    static const UiHelpRow rows[] = {{"C", "visits"}, {"O", "open a file"}, {NULL, NULL}};
    CHECK_INT_EQ(2, ui_help_count(rows));
    CHECK_INT_EQ(0, ui_help_count(rows + 2));
    CHECK_INT_EQ(0, ui_help_count(NULL));
}

static void test_column(void)
{
    Theme th = theme_make(THEME_DARK, 1.0f);
    UiColumn col = ui_column((Rect){10, 10, 200, 100}, &th);
    Rect a = ui_column_next(&col, 1);
    CHECK_INT_EQ(10, a.y);
    CHECK_INT_EQ(32, a.h);
    Rect b = ui_column_next(&col, 1);
    CHECK_INT_EQ(50, b.y);
    Rect c = ui_column_next(&col, 1); /* 90 + 32 > 110: empty */
    CHECK_INT_EQ(0, c.w);
}

static void test_text(void)
{
    UiState st;
    memset(&st, 0, sizeof st);
    Rect rc = {0, 0, 200, 30};
    char buf[16] = "";
    UiId id = 77;
    /* unfocused, typing goes nowhere */
    UiInput t0 = typed("abc", UI_KEY_NONE);
    UiResult r = ui_text_behavior(&st, id, rc, &t0, buf, sizeof buf);
    CHECK_STR_EQ("", buf);
    CHECK(!r.changed);
    /* a click focuses; text is appended across frames */
    UiInput a = press(10, 10);
    ui_text_behavior(&st, id, rc, &a, buf, sizeof buf);
    CHECK(st.focus == id);
    UiInput t1 = typed("/tmp/", UI_KEY_NONE), t2 = typed("x\xC3\xA9", UI_KEY_NONE);
    r = ui_text_behavior(&st, id, rc, &t1, buf, sizeof buf);
    CHECK(r.changed && r.active);
    ui_text_behavior(&st, id, rc, &t2, buf, sizeof buf);
    CHECK_STR_EQ("/tmp/x\xC3\xA9", buf);
    /* Backspace removes the whole two-byte é, then the x */
    UiInput bs = typed("", UI_KEY_BACKSPACE);
    ui_text_behavior(&st, id, rc, &bs, buf, sizeof buf);
    CHECK_STR_EQ("/tmp/x", buf);
    ui_text_behavior(&st, id, rc, &bs, buf, sizeof buf);
    CHECK_STR_EQ("/tmp/", buf);
    /* text that would overflow the buffer is refused whole, never cut mid-character */
    UiInput big = typed("0123456789ab", UI_KEY_NONE);
    r = ui_text_behavior(&st, id, rc, &big, buf, sizeof buf);
    CHECK_STR_EQ("/tmp/", buf);
    CHECK(!r.changed);
    /* Enter submits and gives the keyboard back */
    UiInput t3 = typed("a.png", UI_KEY_ENTER);
    r = ui_text_behavior(&st, id, rc, &t3, buf, sizeof buf);
    CHECK(r.submitted);
    CHECK_STR_EQ("/tmp/a.png", buf);
    CHECK(st.focus == 0);
    /* a click elsewhere also unfocuses without submitting */
    ui_text_behavior(&st, id, rc, &a, buf, sizeof buf);
    CHECK(st.focus == id);
    UiInput away = press(500, 10);
    r = ui_text_behavior(&st, id, rc, &away, buf, sizeof buf);
    CHECK(st.focus == 0);
    CHECK(!r.submitted);
}

/* Ctrl+A selects a text field's whole text: typing replaces it, Backspace empties it, an arrow
 * drops the selection; in a number field it selects the edit text again. */
static void test_select_all(void)
{
    UiState st;
    memset(&st, 0, sizeof st);
    Rect rc = {0, 0, 200, 30};
    char buf[32] = "assets/nets/lenet-tiny.net";
    UiId id = 78;
    UiInput a = press(10, 10);
    ui_text_behavior(&st, id, rc, &a, buf, sizeof buf);
    CHECK(st.focus == id && !st.replace);
    UiInput all = typed("", UI_KEY_SELECT_ALL);
    UiResult r = ui_text_behavior(&st, id, rc, &all, buf, sizeof buf);
    CHECK(st.replace && !r.changed);
    UiInput t = typed("my.net", UI_KEY_NONE);
    r = ui_text_behavior(&st, id, rc, &t, buf, sizeof buf);
    CHECK(r.changed && !st.replace);
    CHECK_STR_EQ("my.net", buf);
    /* not selected any more: typing appends */
    UiInput t2 = typed("x", UI_KEY_NONE);
    ui_text_behavior(&st, id, rc, &t2, buf, sizeof buf);
    CHECK_STR_EQ("my.netx", buf);
    /* select all, Backspace: empty */
    ui_text_behavior(&st, id, rc, &all, buf, sizeof buf);
    UiInput bs = typed("", UI_KEY_BACKSPACE);
    r = ui_text_behavior(&st, id, rc, &bs, buf, sizeof buf);
    CHECK(r.changed && !st.replace);
    CHECK_STR_EQ("", buf);
    /* on an empty text nothing is selected */
    ui_text_behavior(&st, id, rc, &all, buf, sizeof buf);
    CHECK(!st.replace);
    /* select all, then an arrow: the selection is dropped, typing appends */
    snprintf(buf, sizeof buf, "abc");
    ui_text_behavior(&st, id, rc, &all, buf, sizeof buf);
    UiInput left = typed("", UI_KEY_LEFT);
    ui_text_behavior(&st, id, rc, &left, buf, sizeof buf);
    CHECK(!st.replace);
    ui_text_behavior(&st, id, rc, &t2, buf, sizeof buf);
    CHECK_STR_EQ("abcx", buf);
    /* a number field: after an edit, Ctrl+A selects again and typing replaces */
    float v = 2.0f;
    UiId nid = 79;
    UiInput up = press(10, 10);
    ui_number_behavior(&st, nid, rc, &up, &v, 0.0f, 100.0f, 1.0f, 0);
    UiInput rel = at(10, 10);
    rel.mouse_released = true;
    ui_number_behavior(&st, nid, rc, &rel, &v, 0.0f, 100.0f, 1.0f, 0);
    CHECK(st.focus == nid && st.replace);
    UiInput d = typed("4", UI_KEY_NONE);
    ui_number_behavior(&st, nid, rc, &d, &v, 0.0f, 100.0f, 1.0f, 0);
    CHECK(!st.replace);
    CHECK_STR_EQ("4", st.edit);
    ui_number_behavior(&st, nid, rc, &all, &v, 0.0f, 100.0f, 1.0f, 0);
    CHECK(st.replace);
    UiInput d2 = typed("7", UI_KEY_ENTER);
    ui_number_behavior(&st, nid, rc, &d2, &v, 0.0f, 100.0f, 1.0f, 0);
    CHECK_NEAR(7.0f, v, 0.0);
}

int main(void)
{
    test_button();
    test_toggle();
    test_slider();
    test_number();
    test_text();
    test_select_all();
    test_dropdown_tabs();
    test_timeline();
    test_timeline_bar();
    test_timeline_label_room();
    test_column();
    test_help_count();
    test_slider_parts();
    return test_summary();
}
