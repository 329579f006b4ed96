/* test_app_present.c - what the window presents after an event: app_frame_present draws the
 * changes immediate-mode widgets make during a frame (a step button, the banner's close box)
 * before the frame goes on screen, with the Convolution lab linked. */
#include "test.h"
#include "app/app.h"

#include <SDL.h>
#include <stdlib.h>
#include <string.h>

/* Pixels of rc in the surface (the caller frees), to compare two frames' regions. */
static uint32_t *grab(SDL_Surface *s, Rect rc)
{
    uint32_t *out = malloc((size_t)rc.w * (size_t)rc.h * sizeof *out);
    const uint32_t *p = s->pixels;
    for (int y = 0; y < rc.h; y++)
        for (int x = 0; x < rc.w; x++)
            out[y * rc.w + x] = p[(rc.y + y) * (s->pitch / 4) + rc.x + x] & 0xffffff;
    return out;
}

/* The window presents what a click changed without waiting for the mouse to move: on the
 * Convolution lab, after the press and the release on the step-forward button (one
 * app_frame_present each, as the window loop draws them), the equation strip shows step 1,
 * the same pixels as a lab sought to step 1 and drawn afresh with the mouse in the same place.
 * The release frame alone (the old loop) still shows step 0's equation. */
static void test_click_presents_change(void)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = SDL_CreateSoftwareRenderer(s);
    char err[256];
    Render *r = render_create(sdl, NULL, err, sizeof err);
    CHECK(r != NULL);
    uint32_t *want = NULL, *stale = NULL;
    Rect eq = {0, 0, 0, 0};
    for (int pass = 0; pass < 3; pass++) {
        /* pass 0: the reference at step 1; pass 1: the click as the window draws it;
         * pass 2: the click with only app_frame (the loop before the fix) */
        App *app = app_create(THEME_DARK, 1.0f);
        app_open_lab(app, 0);
        const LabDef *lab = lab_get(0);
        Timeline *tl = lab->timeline(app_lab_state(app));
        tl->playing = false;
        timeline_seek(tl, pass == 0 ? 1 : 0);
        UiInput in;
        memset(&in, 0, sizeof in);
        in.mx = in.my = -1;
        app_frame_present(app, r, &in, 0.0, true);
        UiTimelineLayout tlay = ui_timeline_layout(
            app->lay.timeline, &app->th, ui_timeline_unit_label_width(r, &app->th, tl->unit, tl->count));
        in.mx = tlay.fwd.x + tlay.fwd.w / 2;
        in.my = tlay.fwd.y + tlay.fwd.h / 2;
        if (pass == 0) {
            app_frame_present(app, r, &in, 0.0, true);
        } else {
            in.mouse_pressed = in.mouse_down = true;
            if (pass == 1)
                app_frame_present(app, r, &in, 0.0, true);
            else
                app_frame(app, r, &in, 0.0, false);
            in.mouse_pressed = in.mouse_down = false;
            in.mouse_released = true;
            if (pass == 1)
                app_frame_present(app, r, &in, 0.0, true);
            else
                app_frame(app, r, &in, 0.0, false);
        }
        SDL_RenderFlush(sdl);
        CHECK_INT_EQ(1, tl->pos);
        eq = app->lay.equation;
        uint32_t *px = grab(s, eq);
        if (pass == 0) {
            want = px;
        } else if (pass == 1) {
            CHECK(memcmp(want, px, (size_t)eq.w * (size_t)eq.h * sizeof *px) == 0);
            free(px);
        } else {
            stale = px;
        }
        app_destroy(app);
    }
    /* the check above means something: the stale frame's equation differs */
    CHECK(memcmp(want, stale, (size_t)eq.w * (size_t)eq.h * sizeof *want) != 0);
    free(want);
    free(stale);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);
}

/* The banner's close box: after the press and the release (one present each) the banner is
 * gone from the picture and its band from the layout, with the mouse never moved. */
static void test_banner_close_presents(void)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 1280, 800, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = SDL_CreateSoftwareRenderer(s);
    char err[256];
    Render *r = render_create(sdl, NULL, err, sizeof err);
    CHECK(r != NULL);
    App *app = app_create(THEME_DARK, 1.0f);
    app_open_lab(app, 0);
    app_error(app, "nope.png: cannot read the image (no such file)");
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;
    app_frame_present(app, r, &in, 0.0, true);
    Rect b = app->lay.banner;
    CHECK(b.h > 0);
    /* the close box is the banner's right square */
    in.mx = b.x + b.w - b.h / 2;
    in.my = b.y + b.h / 2;
    in.mouse_pressed = in.mouse_down = true;
    app_frame_present(app, r, &in, 0.0, true);
    in.mouse_pressed = in.mouse_down = false;
    in.mouse_released = true;
    app_frame_present(app, r, &in, 0.0, true);
    SDL_RenderFlush(sdl);
    CHECK(app->banner[0] == '\0');
    CHECK_INT_EQ(0, app->lay.banner.h);
    const uint32_t *p = s->pixels;
    int red = 0;
    for (int y = b.y; y < b.y + b.h; y++)
        for (int x = b.x; x < b.x + b.w; x++)
            red += (p[y * (s->pitch / 4) + x] & 0xffffff) == 0xff5d5d;
    CHECK_INT_EQ(0, red);
    app_destroy(app);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(s);
}

int main(void)
{
    test_click_presents_change();
    test_banner_close_presents();
    return test_summary();
}
