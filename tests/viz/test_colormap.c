/* test_colormap.c - colour maps: exact ends, monotonic lightness, clamping, the symmetric
 * diverging scale, text colour by lightness, value formatting. No SDL needed. */
#include "test.h"
#include "viz/colormap.h"

static int same(Color a, Color b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

int main(void)
{
    /* ends: viridis #440154 .. #fde725; diverging #3b6fd8 / near-white / #e8772e */
    CHECK(same(colormap_sequential(0.0f), COLOR_HEX(0x440154)));
    CHECK(same(colormap_sequential(1.0f), COLOR_HEX(0xfde725)));
    CHECK(same(colormap_diverging(-1.0f), COLOR_HEX(0x3b6fd8)));
    CHECK(same(colormap_diverging(1.0f), COLOR_HEX(0xe8772e)));
    Color mid = colormap_diverging(0.0f);
    CHECK(color_lightness(mid) > 95.0f);

    /* clamping, and NaN maps to the low / zero end */
    CHECK(same(colormap_sequential(-3.0f), colormap_sequential(0.0f)));
    CHECK(same(colormap_sequential(7.0f), colormap_sequential(1.0f)));
    CHECK(same(colormap_diverging(-9.0f), colormap_diverging(-1.0f)));
    CHECK(same(colormap_diverging(9.0f), colormap_diverging(1.0f)));
    CHECK(same(colormap_sequential(NAN), colormap_sequential(0.0f)));
    CHECK(same(colormap_diverging(NAN), colormap_diverging(0.0f)));

    /* lightness rises monotonically along the sequential map (sampled finely) */
    int mono = 1;
    float prev = -1.0f;
    for (int i = 0; i <= 200; i++) {
        float l = color_lightness(colormap_sequential((float)i / 200.0f));
        if (l < prev - 0.05f)
            mono = 0;
        prev = l;
    }
    CHECK(mono);
    /* and falls monotonically with |t| on each side of the diverging map */
    int down_neg = 1, down_pos = 1;
    float pn = 101.0f, pp = 101.0f;
    for (int i = 0; i <= 100; i++) {
        float t = (float)i / 100.0f;
        float ln = color_lightness(colormap_diverging(-t));
        float lp = color_lightness(colormap_diverging(t));
        if (ln > pn + 0.05f)
            down_neg = 0;
        if (lp > pp + 0.05f)
            down_pos = 0;
        pn = ln;
        pp = lp;
    }
    CHECK(down_neg);
    CHECK(down_pos);

    /* lightness of black and white */
    CHECK_NEAR(0.0, color_lightness((Color){0, 0, 0, 255}), 1e-3);
    CHECK_NEAR(100.0, color_lightness((Color){255, 255, 255, 255}), 1e-2);
    /* text colour: black on the bright end, white on the dark end */
    CHECK(same(color_text_on(colormap_sequential(1.0f)), (Color){0, 0, 0, 255}));
    CHECK(same(color_text_on(colormap_sequential(0.0f)), (Color){255, 255, 255, 255}));
    CHECK(same(color_text_on(colormap_diverging(0.0f)), (Color){0, 0, 0, 255}));

    /* scales: diverging is symmetric with 0 at white; a flat map widens to a unit span */
    float v[4] = {-1.0f, 0.5f, 3.0f, 2.0f};
    ColorScale d = colorscale_fit(COLORMAP_DIVERGING, v, 4);
    CHECK_NEAR(-3.0, d.lo, 0.0);
    CHECK_NEAR(3.0, d.hi, 0.0);
    CHECK(same(colorscale_color(&d, 0.0f), colormap_diverging(0.0f)));
    CHECK(same(colorscale_color(&d, 3.0f), COLOR_HEX(0xe8772e)));
    CHECK(same(colorscale_color(&d, -3.0f), COLOR_HEX(0x3b6fd8)));
    ColorScale s = colorscale_fit(COLORMAP_SEQUENTIAL, v, 4);
    CHECK_NEAR(-1.0, s.lo, 0.0);
    CHECK_NEAR(3.0, s.hi, 0.0);
    CHECK(same(colorscale_color(&s, 10.0f), COLOR_HEX(0xfde725)));
    float flat[3] = {5.0f, 5.0f, 5.0f};
    ColorScale f = colorscale_fit(COLORMAP_SEQUENTIAL, flat, 3);
    CHECK_NEAR(5.0, f.lo, 0.0);
    CHECK_NEAR(6.0, f.hi, 0.0);
    ColorScale z = colorscale_fit(COLORMAP_DIVERGING, flat, 0);
    CHECK_NEAR(1.0, z.hi, 0.0);
    float withnan[3] = {NAN, 2.0f, INFINITY};
    ColorScale wn = colorscale_fit(COLORMAP_SEQUENTIAL, withnan, 3);
    CHECK_NEAR(2.0, wn.lo, 0.0);
    CHECK_NEAR(3.0, wn.hi, 0.0);

    /* mixing */
    Color m = color_mix((Color){0, 0, 0, 255}, (Color){200, 100, 50, 255}, 0.5f);
    CHECK_INT_EQ(100, m.r);
    CHECK_INT_EQ(50, m.g);
    CHECK_INT_EQ(25, m.b);

    /* formatting: integers bare, trailing zeros trimmed, U+2212 minus, no "-0" */
    char b[32];
    CHECK_STR_EQ("19", colormap_format_value(19.0f, 2, b, sizeof b));
    CHECK_STR_EQ("0.5", colormap_format_value(0.5f, 2, b, sizeof b));
    CHECK_STR_EQ("\xE2\x88\x92" "0.25", colormap_format_value(-0.25f, 2, b, sizeof b));
    CHECK_STR_EQ("0", colormap_format_value(-0.001f, 2, b, sizeof b));
    CHECK_STR_EQ("\xE2\x88\x92" "2", colormap_format_value(-2.0f, 1, b, sizeof b));
    CHECK_STR_EQ("0.11", colormap_format_value(1.0f / 9.0f, 2, b, sizeof b));
    CHECK_STR_EQ("NaN", colormap_format_value(NAN, 2, b, sizeof b));
    return test_summary();
}
