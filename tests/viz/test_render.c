/* test_render.c - the render seam and the grid view drawn headless (software renderer over an
 * SDL_Surface) and checked by their pixels: shapes, clipping, blending, text, images, and a grid's
 * highlighted cell, padding ring and legend ends. */
#include "test.h"
#include "viz/grid.h"
#include "viz/render.h"

#include <SDL.h>
#include <stdlib.h>

static SDL_Surface *surf;
static SDL_Renderer *sdl;

static Color px(int x, int y)
{
    SDL_RenderFlush(sdl);
    uint32_t v = ((uint32_t *)surf->pixels)[y * (surf->pitch / 4) + x];
    Color c = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v, 255};
    return c;
}

static int near(Color a, Color b, int tol)
{
    return abs(a.r - b.r) <= tol && abs(a.g - b.g) <= tol && abs(a.b - b.b) <= tol;
}

/* Pixels in rc that differ from bg by more than 40 in some channel. */
static int ink(Rect rc, Color bg)
{
    int n = 0;
    for (int y = rc.y; y < rc.y + rc.h; y++)
        for (int x = rc.x; x < rc.x + rc.w; x++)
            if (!near(px(x, y), bg, 40))
                n++;
    return n;
}

int main(void)
{
    surf = SDL_CreateRGBSurfaceWithFormat(0, 640, 480, 32, SDL_PIXELFORMAT_ARGB8888);
    sdl = SDL_CreateSoftwareRenderer(surf);
    CHECK(sdl != NULL);
    char err[512] = "";
    Render *r = render_create(sdl, NULL, err, sizeof err);
    CHECK(r != NULL);
    if (!r) {
        fprintf(stderr, "%s\n", err);
        return test_summary();
    }
    /* a missing font folder is reported, not fatal */
    char err2[512] = "";
    CHECK(render_create(sdl, "/nonexistent-fonts", err2, sizeof err2) == NULL);
    CHECK_CONTAINS(err2, "/nonexistent-fonts/DejaVuSans.ttf");

    Color bg = COLOR_HEX(0x15171c), red = COLOR_HEX(0xff0000), white = COLOR_HEX(0xffffff);
    int w = 0, h = 0;
    render_output_size(r, &w, &h);
    CHECK_INT_EQ(640, w);
    CHECK_INT_EQ(480, h);

    /* filled rect and outline */
    render_clear(r, bg);
    render_rect(r, (Rect){10, 10, 20, 20}, red);
    CHECK(near(px(15, 15), red, 0));
    CHECK(near(px(30, 15), bg, 0));
    CHECK(near(px(5, 5), bg, 0));
    render_rect_outline(r, (Rect){50, 10, 20, 20}, 3, white);
    CHECK(near(px(51, 20), white, 0));
    CHECK(near(px(60, 20), bg, 0));
    CHECK(near(px(68, 20), white, 0));

    /* alpha blending: half-transparent white on black */
    render_rect(r, (Rect){100, 10, 10, 10}, (Color){0, 0, 0, 255});
    render_rect(r, (Rect){100, 10, 10, 10}, (Color){255, 255, 255, 128});
    CHECK(near(px(105, 15), (Color){128, 128, 128, 255}, 2));

    /* clipping: only the part inside the clip is drawn, nested clips intersect */
    render_clip_push(r, (Rect){200, 0, 50, 50});
    render_clip_push(r, (Rect){220, 0, 100, 100});
    render_rect(r, (Rect){190, 10, 100, 10}, red);
    render_clip_pop(r);
    render_clip_pop(r);
    CHECK(near(px(210, 15), bg, 0));
    CHECK(near(px(230, 15), red, 0));
    CHECK(near(px(255, 15), bg, 0));

    /* rounded rect: corner pixel stays background, centre filled */
    render_round_rect(r, (Rect){300, 10, 40, 40}, 10, red);
    CHECK(near(px(300, 10), bg, 0));
    CHECK(near(px(320, 30), red, 0));
    CHECK(near(px(320, 10), red, 0));

    /* thick line and circle */
    render_line(r, 10.0f, 100.5f, 200.0f, 100.5f, 5.0f, white);
    CHECK(near(px(100, 100), white, 10));
    CHECK(near(px(100, 98), white, 10));
    CHECK(near(px(100, 106), bg, 0));
    render_circle(r, 400.0f, 100.0f, 20.0f, red);
    CHECK(near(px(400, 100), red, 0));
    CHECK(near(px(400, 85), red, 0));
    CHECK(near(px(385, 85), bg, 0));

    /* text: ink where it is drawn, none elsewhere; the second draw is a cache hit */
    render_clear(r, bg);
    int tw = render_text(r, FONT_SANS, 20, "Hello 19", 20, 20, ALIGN_LEFT | ALIGN_TOP, white);
    CHECK(tw > 40 && tw < 200);
    int th_ = 0;
    render_text_size(r, FONT_SANS, 20, "Hello 19", NULL, &th_);
    CHECK(th_ >= 20 && th_ <= 30);
    CHECK(ink((Rect){20, 20, tw, th_}, bg) > 60);
    CHECK_INT_EQ(0, ink((Rect){20, 60, tw, th_}, bg));
    long hits0 = 0, hits1 = 0;
    render_text_stats(r, NULL, &hits0, NULL);
    render_text(r, FONT_SANS, 20, "Hello 19", 20, 20, ALIGN_LEFT | ALIGN_TOP, white);
    render_text_stats(r, NULL, &hits1, NULL);
    CHECK(hits1 > hits0);
    /* measuring renders nothing, and the same size comes back as the drawn width */
    int entries0 = 0, entries1 = 0, mw = 0;
    render_text_stats(r, &entries0, NULL, NULL);
    render_text_size(r, FONT_SANS, 20, "Hello 19", &mw, NULL);
    render_text_stats(r, &entries1, NULL, NULL);
    CHECK_INT_EQ(tw, mw);
    CHECK_INT_EQ(entries0, entries1);
    render_text(r, FONT_SANS, 20, "Hello 19", 20, 20, ALIGN_LEFT | ALIGN_TOP, red);
    /* the tint applies: red text leaves red-dominant pixels */
    int reds = 0;
    for (int y = 20; y < 20 + th_; y++)
        for (int x = 20; x < 20 + tw; x++) {
            Color c = px(x, y);
            if (c.r > 200 && c.g < 90)
                reds++;
        }
    CHECK(reds > 30);
    /* centred alignment puts the ink around the anchor */
    render_clear(r, bg);
    render_text(r, FONT_MONO, 16, "88", 300, 200, ALIGN_CENTER | ALIGN_MIDDLE, white);
    CHECK(ink((Rect){290, 190, 20, 20}, bg) > 20);
    CHECK_INT_EQ(0, ink((Rect){260, 190, 20, 20}, bg));
    /* fitting with an ellipsis */
    char fit[64];
    render_text_fit(r, FONT_SANS, 14, "a rather long label that will not fit", 80, fit, sizeof fit);
    int fw = 0;
    render_text_size(r, FONT_SANS, 14, fit, &fw, NULL);
    CHECK(fw <= 80);
    CHECK_CONTAINS(fit, "\xE2\x80\xA6");
    /* shrinking to fit: the largest size that fits, never below the minimum */
    const char *label = "output 0 (W0) 3\xC3\x97"
                        "3";
    int w16 = 0, w_fit = 0;
    render_text_size(r, FONT_SANS, 16, label, &w16, NULL);
    CHECK_INT_EQ(16, render_text_fit_size(r, FONT_SANS, 16, 10, label, w16));
    int fs = render_text_fit_size(r, FONT_SANS, 16, 8, label, w16 * 3 / 4);
    render_text_size(r, FONT_SANS, fs, label, &w_fit, NULL);
    CHECK(fs < 16 && fs >= 8 && w_fit <= w16 * 3 / 4);
    int w_next = 0;
    render_text_size(r, FONT_SANS, fs + 1, label, &w_next, NULL);
    CHECK(w_next > w16 * 3 / 4); /* one size larger no longer fits: the largest was chosen */
    CHECK_INT_EQ(10, render_text_fit_size(r, FONT_SANS, 16, 10, label, 5));
    /* a fitted line never draws outside its rect, even when it must be cut */
    render_clear(r, bg);
    int drawn = render_text_line(r, FONT_SANS, 16, 10, "a line far too long for forty pixels",
                                 (Rect){100, 100, 40, 20}, ALIGN_LEFT | ALIGN_TOP, white);
    CHECK(drawn <= 40 && drawn > 0);
    CHECK(ink((Rect){100, 100, 40, 20}, bg) > 10);
    CHECK_INT_EQ(0, ink((Rect){140, 95, 200, 30}, bg));
    /* wrapping: measured height is a whole number of lines */
    int lh = render_line_height(r, FONT_SANS, 14);
    int hh = render_text_wrap(r, FONT_SANS, 14, "one two three four five six seven eight",
                              (Rect){0, 0, 90, 0}, white, false);
    CHECK(hh >= 2 * lh && hh % lh == 0);

    /* an image: 2x2 pixels scaled crisp into 20x20 */
    RenderImage *img = render_image_create(r, 2, 2);
    CHECK(img != NULL);
    uint32_t pix[4] = {0xff0000ffu, 0x00ff00ffu, 0x0000ffffu, 0xffffffffu}; /* RGBA words */
    render_image_update(r, img, pix);
    render_clear(r, bg);
    render_image_draw(r, img, (Rect){500, 300, 20, 20}, false);
    CHECK(near(px(504, 304), (Color){255, 0, 0, 255}, 0));
    CHECK(near(px(515, 304), (Color){0, 255, 0, 255}, 0));
    CHECK(near(px(504, 315), (Color){0, 0, 255, 255}, 0));
    CHECK(near(px(515, 315), white, 0));
    render_image_destroy(img);

    /* the grid: a 3x3 input with padding 1, the current window at (0, 0) size 2x2 */
    Theme th = theme_make(THEME_DARK, 1.0f);
    float data[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    GridView v = grid_view_make("input", data, 3, 3, COLORMAP_SEQUENTIAL);
    v.pad_top = v.pad_bottom = v.pad_left = v.pad_right = 1;
    v.show_values = false;
    grid_add_highlight(&v, 0, 0, 2, 2, GRID_HL_CURRENT);
    grid_add_highlight(&v, 2, 2, 1, 1, GRID_HL_HOVER);
    render_clear(r, th.bg);
    Rect avail = {20, 20, 400, 400};
    GridLayout L = grid_layout(&v, avail, &th, render_line_height(r, FONT_SANS_BOLD, 14));
    grid_draw(r, &th, &v, &L);
    CHECK_INT_EQ(48, L.cell);
    /* cell (1, 1) centre has the map's colour for 4 (untouched by highlight lines) */
    Rect c11 = grid_cell_rect(&v, &L, 1, 1);
    CHECK(near(px(c11.x + 24, c11.y + 24), colorscale_color(&v.scale, 4.0f), 0));
    /* the current window's outline is amber at its left edge (cell (0, 0)'s left side) */
    Rect c00 = grid_cell_rect(&v, &L, 0, 0);
    CHECK(near(px(c00.x, c00.y + 24), th.accent, 0));
    /* hovered cell (2, 2): cyan at its edge, its own colour inside */
    Rect c22 = grid_cell_rect(&v, &L, 2, 2);
    CHECK(near(px(c22.x + 24, c22.y), th.hover, 0));
    CHECK(near(px(c22.x + 24, c22.y + 24), colorscale_color(&v.scale, 8.0f), 0));
    /* the padding ring: mostly the padding colour (hatch lines cross it) */
    Rect p = grid_cell_rect(&v, &L, -1, 3);
    int pad_px = 0;
    for (int y = p.y + 2; y < p.y + p.h - 2; y++)
        for (int x = p.x + 2; x < p.x + p.w - 2; x++)
            if (near(px(x, y), th.padding, 0))
                pad_px++;
    CHECK(pad_px > (p.w - 4) * (p.h - 4) / 2);
    /* the legend's ends: the low and high colours of the map */
    CHECK(near(px(L.legend.x + 2, L.legend.y + 4), colorscale_color(&v.scale, 0.0f), 12));
    CHECK(near(px(L.legend.x + L.legend.w - 3, L.legend.y + 4), colorscale_color(&v.scale, 8.0f),
               12));
    /* title text sits above the cells; values off means no text inside cells */
    CHECK(ink(L.title, th.bg) > 30);
    /* with values on, cell (1, 1) gets dark/bright digits in its middle */
    v.show_values = true;
    v.n_highlights = 0;
    render_clear(r, th.bg);
    L = grid_layout(&v, avail, &th, 20);
    grid_draw(r, &th, &v, &L);
    CHECK(L.value_size >= 9);
    Color fill = colorscale_color(&v.scale, 4.0f);
    Rect mid = {c11.x + 14, c11.y + 14, 20, 20};
    CHECK(ink(mid, fill) > 5);

    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(surf);
    SDL_Quit();
    return test_summary();
}
