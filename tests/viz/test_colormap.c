/* test_colormap.c - colour maps: exact ends, monotonic lightness, clamping, the symmetric
 * diverging scale, text colour by lightness, value formatting. No SDL needed. */
#include "test.h"
#include "viz/colormap.h"

#include <math.h>

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
    /* viridis' teal #21918c: black 5.5:1 beats white 3.8:1; #26838d (Y 0.186): black 4.7:1
     * beats white 4.5:1; a shade darker, #1e7a84 (Y 0.159): white 5.0:1 beats black 4.2:1 */
    CHECK(same(color_text_on(COLOR_HEX(0x21918c)), (Color){0, 0, 0, 255}));
    CHECK(same(color_text_on(COLOR_HEX(0x26838d)), (Color){0, 0, 0, 255}));
    CHECK(same(color_text_on(COLOR_HEX(0x1e7a84)), (Color){255, 255, 255, 255}));

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
    CHECK_STR_EQ("\xE2\x88\x92"
                 "0.25",
                 colormap_format_value(-0.25f, 2, b, sizeof b));
    CHECK_STR_EQ("0", colormap_format_value(-0.001f, 2, b, sizeof b));
    CHECK_STR_EQ("\xE2\x88\x92"
                 "2",
                 colormap_format_value(-2.0f, 1, b, sizeof b));
    CHECK_STR_EQ("0.11", colormap_format_value(1.0f / 9.0f, 2, b, sizeof b));
    CHECK_STR_EQ("NaN", colormap_format_value(NAN, 2, b, sizeof b));
    /* the robust diverging scale: 100 values 1..100 (signs alternating) and one 1000 — the
     * 0.95-quantile of |v| over 101 values is the ceil(95.95) = 96th smallest, 96; rounded up
     * to 2 significant digits it stays 96; 1000 lies beyond, so the scale is clipped */
    {
        float v[101];
        for (int i = 0; i < 100; i++)
            v[i] = (float)((i % 2) ? -(i + 1) : (i + 1));
        v[100] = 1000.0f;
        float scratch[101];
        CHECK_NEAR(96.0, colormap_abs_quantile(v, 101, 0.95f, scratch), 0.0);
        CHECK_NEAR(1000.0, colormap_abs_quantile(v, 101, 1.0f, scratch), 0.0);
        CHECK_NEAR(1.0, colormap_abs_quantile(v, 101, 0.0f, scratch), 0.0);
        ColorScale r = colorscale_fit_robust(COLORMAP_DIVERGING, v, 101, 0.95f);
        CHECK_NEAR(-96.0, r.lo, 0.0);
        CHECK_NEAR(96.0, r.hi, 0.0);
        CHECK(r.clipped);
        /* beyond the scale: the end colours */
        CHECK(colorscale_color(&r, 1000.0f).r == colormap_diverging(1.0f).r);
        /* 0.1234 (q = 1: the max) rounds up to 0.13; nothing beyond, not clipped */
        float w[3] = {0.1234f, -0.05f, 0.0f};
        ColorScale t = colorscale_fit_robust(COLORMAP_DIVERGING, w, 3, 1.0f);
        CHECK_NEAR(0.13, t.hi, 1e-6);
        CHECK(!t.clipped);
        /* NaN and infinity are skipped; all zero falls back to the unit span */
        float z[3] = {0.0f, NAN, 0.0f};
        ColorScale u = colorscale_fit_robust(COLORMAP_DIVERGING, z, 3, 0.95f);
        CHECK_NEAR(1.0, u.hi, 0.0);
        CHECK(!u.clipped);
        /* other kinds: colorscale_fit */
        ColorScale q = colorscale_fit_robust(COLORMAP_SEQUENTIAL, w, 3, 0.95f);
        CHECK_NEAR(-0.05, q.lo, 1e-7);
        CHECK_NEAR(0.1234, q.hi, 1e-7);
        char lo[32], hi[32];
        colormap_legend_ends(&r, 2, lo, hi, sizeof lo);
        CHECK_STR_EQ("\xE2\x89\xA4\xE2\x88\x92"
                     "96",
                     lo);
        CHECK_STR_EQ("\xE2\x89\xA5"
                     "96",
                     hi);
        colormap_legend_ends(&t, 2, lo, hi, sizeof lo);
        CHECK_STR_EQ("\xE2\x88\x92"
                     "0.13",
                     lo);
        CHECK_STR_EQ("0.13", hi);
        /* the legend's decimals: a gradient of ±1.5e-5 (a trained net's p − y) reads
         * "−0.000015 … 0.000015", not "0 … 0"; ±0.05 reads 0.05; 0..1 and ±96 as before */
        CHECK_INT_EQ(2, colormap_legend_decimals(&t));
        CHECK_INT_EQ(1, colormap_legend_decimals(&r));
        ColorScale one = colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, 1.0f);
        CHECK_INT_EQ(2, colormap_legend_decimals(&one));
        ColorScale tiny = colorscale_make(COLORMAP_DIVERGING, -1.5e-5f, 1.5e-5f);
        CHECK_INT_EQ(6, colormap_legend_decimals(&tiny));
        colormap_legend_ends(&tiny, colormap_legend_decimals(&tiny), lo, hi, sizeof lo);
        CHECK_STR_EQ("\xE2\x88\x92"
                     "0.000015",
                     lo);
        CHECK_STR_EQ("0.000015", hi);
        ColorScale small = colorscale_make(COLORMAP_DIVERGING, -0.05f, 0.05f);
        CHECK_INT_EQ(3, colormap_legend_decimals(&small));
        colormap_legend_ends(&small, colormap_legend_decimals(&small), lo, hi, sizeof lo);
        CHECK_STR_EQ("0.05", hi);
    }
    /* WCAG contrast and a colour made readable: black on white 21, #777 on white 4.48; the
     * light theme's amber #c27400 on #f3f4f7 is 3.3, darkened toward black until 4.5 */
    CHECK_NEAR(21.0, color_contrast(COLOR_HEX(0x000000), COLOR_HEX(0xffffff)), 1e-4);
    CHECK_NEAR(4.48, color_contrast(COLOR_HEX(0x777777), COLOR_HEX(0xffffff)), 0.01);
    {
        Color amber = COLOR_HEX(0xc27400), ground = COLOR_HEX(0xf3f4f7);
        CHECK_NEAR(3.3, color_contrast(amber, ground), 0.05);
        Color rd = color_readable_on(amber, ground, 4.5f);
        CHECK(color_contrast(rd, ground) >= 4.5f);
        CHECK(rd.r < amber.r && rd.g < amber.g); /* darker, not lighter */
        /* one 5% step less would not do: the smallest mix that reaches 4.5 */
        Color less = color_mix(amber, COLOR_HEX(0x000000), 0.0f);
        for (int i = 1; i <= 20; i++) {
            Color c = color_mix(amber, COLOR_HEX(0x000000), (float)i / 20.0f);
            if (same(c, rd)) {
                less = color_mix(amber, COLOR_HEX(0x000000), (float)(i - 1) / 20.0f);
                break;
            }
        }
        CHECK(color_contrast(less, ground) < 4.5f);
        /* already readable: unchanged (the dark theme's amber on its ground) */
        Color dark_amber = COLOR_HEX(0xffb000);
        CHECK(same(dark_amber, color_readable_on(dark_amber, COLOR_HEX(0x15171c), 4.5f)));
    }
    /* fixed decimals: no trimming, no "-0" */
    {
        char b[32];
        CHECK_STR_EQ("0.090", colormap_format_fixed(0.09f, 3, b, sizeof b));
        CHECK_STR_EQ("1.000", colormap_format_fixed(1.0f, 3, b, sizeof b));
        CHECK_STR_EQ("0.00", colormap_format_fixed(-0.001f, 2, b, sizeof b));
        CHECK_STR_EQ("\xE2\x88\x92"
                     "2.5",
                     colormap_format_fixed(-2.5f, 1, b, sizeof b));
        CHECK_STR_EQ("3", colormap_format_fixed(2.6f, 0, b, sizeof b));
        CHECK_STR_EQ("NaN", colormap_format_fixed(NAN, 2, b, sizeof b));
    }
    return test_summary();
}
