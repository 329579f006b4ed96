/* app_harness.h - the whole application frame drawn headless into a surface, for the app tests:
 * open a software renderer on an ARGB surface, run frames with synthetic input, read pixels.
 * Depends on: SDL2, viz/render, app/app. */
#ifndef CONVSCOPE_APP_HARNESS_H
#define CONVSCOPE_APP_HARNESS_H

#include "app/app.h"
#include "viz/render.h"

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct Harness {
    SDL_Surface *s;
    SDL_Renderer *sdl;
    Render *r;
    App *app;
    UiInput in; /* the input the next frame sees; mouse starts outside the window */
} Harness;

/* Opens a w x ht surface, its renderer and an app at UI scale `scale` (dark theme). */
static inline bool harness_open_scaled(Harness *h, int w, int ht, float scale)
{
    memset(h, 0, sizeof *h);
    h->s = SDL_CreateRGBSurfaceWithFormat(0, w, ht, 32, SDL_PIXELFORMAT_ARGB8888);
    h->sdl = h->s ? SDL_CreateSoftwareRenderer(h->s) : NULL;
    char err[256];
    h->r = h->sdl ? render_create(h->sdl, NULL, err, sizeof err) : NULL;
    h->app = app_create(THEME_DARK, scale);
    h->in.mx = h->in.my = -1;
    return h->r && h->app;
}

static inline bool harness_open(Harness *h, int w, int ht)
{
    return harness_open_scaled(h, w, ht, 1.0f);
}

static inline void harness_close(Harness *h)
{
    app_destroy(h->app);
    render_destroy(h->r);
    SDL_DestroyRenderer(h->sdl);
    SDL_FreeSurface(h->s);
}

/* One application frame of dt seconds, flushed to the surface. */
static inline void harness_frame(Harness *h, bool headless, double dt)
{
    app_frame(h->app, h->r, &h->in, dt, headless);
    SDL_RenderFlush(h->sdl);
}

/* The RGB of pixel (x, y). */
static inline uint32_t harness_pixel(const Harness *h, int x, int y)
{
    const uint32_t *p = h->s->pixels;
    return p[y * (h->s->pitch / 4) + x] & 0xffffff;
}

/* How many pixels of rc are exactly rgb. */
static inline int harness_count_color(const Harness *h, Rect rc, uint32_t rgb)
{
    int n = 0;
    for (int y = rc.y; y < rc.y + rc.h; y++)
        for (int x = rc.x; x < rc.x + rc.w; x++)
            n += harness_pixel(h, x, y) == rgb;
    return n;
}

#endif
