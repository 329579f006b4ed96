/* test_plot.c - the pure parts of the plot view: nice ticks, tick labels, data<->pixel
 * mapping, layout bounds and probe hit-testing. */
#include "viz/plot.h"
#include "test.h"

static void test_linear_ticks(void)
{
    PlotTicks t = plot_ticks_linear(-4.0f, 4.0f, 9);
    CHECK_INT_EQ(9, t.n);
    CHECK_NEAR(1.0f, t.step, 1e-6);
    CHECK_NEAR(-4.0f, t.v[0], 1e-6);
    CHECK_NEAR(0.0f, t.v[4], 0.0);
    CHECK_NEAR(4.0f, t.v[8], 1e-6);
    CHECK_INT_EQ(0, t.decimals);

    /* 8 ticks at most over [-4, 4]: step 2 -> -4 -2 0 2 4 */
    t = plot_ticks_linear(-4.0f, 4.0f, 8);
    CHECK_INT_EQ(5, t.n);
    CHECK_NEAR(2.0f, t.step, 1e-6);

    /* [-0.3, 1.1] with up to 8: step 0.2 -> -0.2 0 0.2 ... 1.0 */
    t = plot_ticks_linear(-0.3f, 1.1f, 8);
    CHECK_NEAR(0.2f, t.step, 1e-6);
    CHECK_INT_EQ(7, t.n);
    CHECK_NEAR(-0.2f, t.v[0], 1e-6);
    CHECK_NEAR(0.0f, t.v[1], 0.0); /* exactly zero, not 1e-17 */
    CHECK_NEAR(1.0f, t.v[6], 1e-6);
    CHECK_INT_EQ(1, t.decimals);

    /* [0, 0.25] with up to 6: step 0.05 */
    t = plot_ticks_linear(0.0f, 0.25f, 6);
    CHECK_NEAR(0.05f, t.step, 1e-7);
    CHECK_INT_EQ(6, t.n);
    CHECK_INT_EQ(2, t.decimals);

    /* every tick lies in range and they rise by the step */
    t = plot_ticks_linear(-7.3f, 123.0f, 10);
    int bad = 0;
    for (int i = 0; i < t.n; i++) {
        bad += t.v[i] < -7.3f - 1e-4f || t.v[i] > 123.0f + 1e-4f;
        if (i > 0)
            bad += fabsf(t.v[i] - t.v[i - 1] - t.step) > 1e-3f;
    }
    CHECK_INT_EQ(0, bad);
    CHECK(t.n <= 10 && t.n >= 5);
    CHECK_NEAR(20.0f, t.step, 1e-5);

    /* a degenerate range gives one tick, not a loop */
    t = plot_ticks_linear(1.0f, 1.0f, 5);
    CHECK_INT_EQ(1, t.n);
}

static void test_log_ticks(void)
{
    PlotTicks t = plot_ticks_log(1e-7f, 1.0f, 8);
    CHECK_INT_EQ(8, t.n);
    CHECK_NEAR(1e-7f, t.v[0], 1e-12);
    CHECK_NEAR(1.0f, t.v[7], 1e-6);
    /* thinned to every second decade, aligned on 10^0 */
    t = plot_ticks_log(1e-7f, 1.0f, 4);
    CHECK_INT_EQ(4, t.n);
    CHECK_NEAR(1e-6f, t.v[0], 1e-11);
    CHECK_NEAR(1.0f, t.v[3], 1e-6);
    t = plot_ticks_log(0.0f, 1.0f, 4);
    CHECK_INT_EQ(0, t.n);
}

static void test_format(void)
{
    char buf[32];
    CHECK_STR_EQ("−0.5", plot_format_tick(-0.5f, 1, false, buf, sizeof buf));
    CHECK_STR_EQ("2", plot_format_tick(2.0f, 0, false, buf, sizeof buf));
    CHECK_STR_EQ("0.25", plot_format_tick(0.25f, 2, false, buf, sizeof buf));
    CHECK_STR_EQ("0.0", plot_format_tick(-0.0001f, 1, false, buf, sizeof buf));
    CHECK_STR_EQ("10⁻³", plot_format_tick(1e-3f, 0, true, buf, sizeof buf));
    CHECK_STR_EQ("10⁻¹²", plot_format_tick(1e-12f, 0, true, buf, sizeof buf));
    CHECK_STR_EQ("1", plot_format_tick(1.0f, 0, true, buf, sizeof buf));
    CHECK_STR_EQ("10", plot_format_tick(10.0f, 0, true, buf, sizeof buf));
    CHECK_STR_EQ("10²", plot_format_tick(100.0f, 0, true, buf, sizeof buf));
}

static void test_mapping_and_layout(void)
{
    Theme th = theme_make(THEME_DARK, 1.0f);
    PlotView v = plot_view_make("relu", -4.0f, 4.0f, -1.0f, 4.0f);
    v.x_label = "x";
    v.y_label = "f(x)";
    static const float xs[3] = {-4, 0, 4}, ys[3] = {0, 0, 4};
    plot_add_curve(&v, xs, ys, 3, COLOR_HEX(0xffffff), "relu(x)");
    Rect avail = {100, 50, 600, 400};
    PlotLayout lay = plot_layout(&v, avail, &th);
    /* the data area lies inside the bounds, below the title and legend */
    CHECK(lay.area.x > avail.x && lay.area.y > avail.y);
    CHECK(lay.area.x + lay.area.w <= avail.x + avail.w);
    CHECK(lay.area.y + lay.area.h <= avail.y + avail.h);
    CHECK(lay.title.h > 0 && lay.legend.h > 0);
    CHECK(lay.legend.y >= lay.title.y + lay.title.h);
    CHECK(lay.area.y >= lay.legend.y + lay.legend.h);
    /* room for the x tick labels and the x label underneath */
    CHECK(avail.y + avail.h - (lay.area.y + lay.area.h) >= 2 * lay.tick_size);
    CHECK(lay.xt.n >= 3);
    CHECK(lay.yt.n >= 3);

    /* the corners of the range are the corners of the area; the mapping inverts */
    CHECK_NEAR((float)lay.area.x, plot_x_to_px(&v, &lay, -4.0f), 1e-3);
    CHECK_NEAR((float)(lay.area.x + lay.area.w), plot_x_to_px(&v, &lay, 4.0f), 1e-3);
    CHECK_NEAR((float)(lay.area.y + lay.area.h), plot_y_to_px(&v, &lay, -1.0f), 1e-3);
    CHECK_NEAR((float)lay.area.y, plot_y_to_px(&v, &lay, 4.0f), 1e-3);
    CHECK_NEAR(1.25f, plot_px_to_x(&v, &lay, plot_x_to_px(&v, &lay, 1.25f)), 1e-4);
    CHECK_NEAR(-0.3f, plot_px_to_y(&v, &lay, plot_y_to_px(&v, &lay, -0.3f)), 1e-4);
    /* x = 0 sits half way */
    CHECK_NEAR((float)lay.area.x + (float)lay.area.w / 2.0f, plot_x_to_px(&v, &lay, 0.0f), 1e-3);

    /* log scale: each decade the same height */
    PlotView lv = plot_view_make(NULL, 0.0f, 10.0f, 1e-6f, 1.0f);
    lv.log_y = true;
    PlotLayout ll = plot_layout(&lv, avail, &th);
    float d1 = plot_y_to_px(&lv, &ll, 1e-3f) - plot_y_to_px(&lv, &ll, 1e-2f);
    float d2 = plot_y_to_px(&lv, &ll, 1e-5f) - plot_y_to_px(&lv, &ll, 1e-4f);
    CHECK_NEAR(d1, d2, 1e-3);
    CHECK_NEAR((float)ll.area.h / 6.0f, d1, 1e-3);
    CHECK_NEAR(0.25f, plot_px_to_y(&lv, &ll, plot_y_to_px(&lv, &ll, 0.25f)), 1e-5);
    CHECK_INT_EQ(0, ll.title.h);
    CHECK_INT_EQ(0, ll.legend.h);

    /* scale 2 doubles the text, and the area shrinks but stays inside */
    Theme th2 = theme_make(THEME_DARK, 2.0f);
    PlotLayout l2 = plot_layout(&v, avail, &th2);
    CHECK_INT_EQ(2 * lay.tick_size, l2.tick_size);
    CHECK(l2.area.w < lay.area.w && l2.area.h < lay.area.h);
    CHECK(l2.area.x + l2.area.w <= avail.x + avail.w);

    /* the probe: grabbed near its line inside the area, not far from it */
    v.show_probe = true;
    v.probe_x = 1.0f;
    int px = (int)plot_x_to_px(&v, &lay, 1.0f);
    int py = lay.area.y + lay.area.h / 2;
    CHECK(plot_hit_probe(&v, &lay, &th, px + 3, py));
    CHECK(!plot_hit_probe(&v, &lay, &th, px + 40, py));
    CHECK(!plot_hit_probe(&v, &lay, &th, px, lay.area.y + lay.area.h + 40));
    v.show_probe = false;
    CHECK(!plot_hit_probe(&v, &lay, &th, px, py));
}

static void test_add_limits(void)
{
    PlotView v = plot_view_make(NULL, 0, 1, 0, 1);
    static const float xs[1] = {0}, ys[1] = {0};
    int added = 0;
    for (int i = 0; i < PLOT_MAX_CURVES + 3; i++)
        added += plot_add_curve(&v, xs, ys, 1, COLOR_HEX(0), NULL) != NULL;
    CHECK_INT_EQ(PLOT_MAX_CURVES, added);
    for (int i = 0; i < PLOT_MAX_MARKS + 3; i++)
        plot_add_mark(&v, 0, 0, COLOR_HEX(0), NULL);
    CHECK_INT_EQ(PLOT_MAX_MARKS, v.n_marks);
}

int main(void)
{
    test_linear_ticks();
    test_log_ticks();
    test_format();
    test_mapping_and_layout();
    test_add_limits();
    return test_summary();
}
