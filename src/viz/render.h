/* render.h - the thin render seam: the only code that calls SDL_Renderer drawing functions.
 * Depends on: SDL2, SDL2_ttf (text), viz/text cache. Works the same on a window's renderer and
 * on a software renderer over an SDL_Surface (headless `convscope render`, pixel tests).
 *
 * Coordinates are physical pixels of the render target; callers multiply by the UI scale
 * (theme.h: theme_px). Colours are straight (non-premultiplied) RGBA. Text is cached as
 * textures keyed by (string, face, size), so drawing the same label every frame costs a copy. */
#ifndef CONVSCOPE_RENDER_H
#define CONVSCOPE_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct SDL_Renderer SDL_Renderer;

/* An integer pixel rectangle; w or h <= 0 is empty. */
typedef struct Rect {
    int x, y, w, h;
} Rect;

typedef struct Color {
    uint8_t r, g, b, a;
} Color;

/* #rrggbb as an opaque colour. */
#define COLOR_HEX(hex) \
    ((Color){(uint8_t)(((hex) >> 16) & 0xff), (uint8_t)(((hex) >> 8) & 0xff), \
             (uint8_t)((hex) & 0xff), 255})

typedef enum FontFace {
    FONT_SANS,      /* DejaVu Sans: labels, narration */
    FONT_SANS_BOLD, /* DejaVu Sans Bold: headings (falls back to Sans if missing) */
    FONT_MONO,      /* DejaVu Sans Mono: numbers, equations */
    FONT_FACE_COUNT
} FontFace;

/* Text alignment relative to the anchor point: combine one horizontal and one vertical flag. */
enum {
    ALIGN_LEFT = 0,
    ALIGN_CENTER = 1,
    ALIGN_RIGHT = 2,
    ALIGN_TOP = 0,
    ALIGN_MIDDLE = 4,
    ALIGN_BOTTOM = 8,
};

typedef struct Render Render;
typedef struct RenderImage RenderImage;

/* Wraps sdl (borrowed; must outlive the Render) and opens the bundled fonts from font_dir
 * (NULL: found through assets_path("assets/fonts/...")). NULL with a message on failure. */
Render *render_create(SDL_Renderer *sdl, const char *font_dir, char *err, size_t err_size);
void render_destroy(Render *r);
/* The wrapped SDL renderer (for the app's present/readback only; views never need it). */
SDL_Renderer *render_sdl(Render *r);
/* Size of the render target in pixels. */
void render_output_size(Render *r, int *w, int *h);

/* Clears the target to c and resets the clip stack; call once per frame. */
void render_clear(Render *r, Color c);

/* Filled rectangle (alpha-blended when c.a < 255). */
void render_rect(Render *r, Rect rc, Color c);
/* Rectangle outline drawn inside rc, thickness pixels wide. */
void render_rect_outline(Render *r, Rect rc, int thickness, Color c);
/* Filled rectangle with corners of the given radius (clamped to half the short side). */
void render_round_rect(Render *r, Rect rc, int radius, Color c);
/* Rounded rectangle outline, thickness pixels wide, inside rc. */
void render_round_rect_outline(Render *r, Rect rc, int radius, int thickness, Color c);
/* Line from (x0, y0) to (x1, y1), thickness pixels wide (square caps). */
void render_line(Render *r, float x0, float y0, float x1, float y1, float thickness, Color c);
/* Filled disc centred at (cx, cy). */
void render_circle(Render *r, float cx, float cy, float radius, Color c);
/* Ring of the given thickness whose outer edge is radius. */
void render_circle_outline(Render *r, float cx, float cy, float radius, float thickness, Color c);
/* Filled triangle (for play/step glyphs and arrow heads). */
void render_triangle(Render *r, float x0, float y0, float x1, float y1, float x2, float y2,
                     Color c);
/* Diagonal hatching (lines spacing pixels apart, 1 px wide) clipped to rc: padding cells. */
void render_hatch(Render *r, Rect rc, int spacing, Color c);

/* Draws UTF-8 text with its anchor at (x, y) per align flags; returns the text's width. */
int render_text(Render *r, FontFace face, int size, const char *utf8, int x, int y, int align,
                Color c);
/* Text placed inside rc per align flags (ALIGN_CENTER|ALIGN_MIDDLE centres it); clipped to
 * rc. Returns the width. */
int render_text_in(Render *r, FontFace face, int size, const char *utf8, Rect rc, int align,
                   Color c);
/* Width and height in pixels the text would take (cached; no drawing). */
void render_text_size(Render *r, FontFace face, int size, const char *utf8, int *w, int *h);
/* Height of one line of the face at size (ascent + descent). */
int render_line_height(Render *r, FontFace face, int size);
/* Cut utf8 into out so it fits max_w pixels, ending with "…" when shortened; returns out. */
const char *render_text_fit(Render *r, FontFace face, int size, const char *utf8, int max_w,
                            char *out, size_t out_size);

/* The largest font size from size down to min_size at which utf8 fits max_w pixels on one line;
 * min_size when even that is too wide. */
int render_text_fit_size(Render *r, FontFace face, int size, int min_size, const char *utf8,
                         int max_w);
/* One line of text inside rc per align flags that never leaves rc: drawn at size when it fits,
 * else shrunk (not below min_size), else cut with "…" at min_size. Returns the width drawn. */
int render_text_line(Render *r, FontFace face, int size, int min_size, const char *utf8, Rect rc,
                     int align, Color c);

/* Word-wraps utf8 into rc's width (breaking at spaces, honouring '\n'), drawing at most the
 * lines that fit rc's height (the last one ending in "…" when text remains). Returns the height
 * used. With draw false it only measures (rc.h is then ignored). */
int render_text_wrap(Render *r, FontFace face, int size, const char *utf8, Rect rc, Color c,
                     bool draw);

/* An RGBA image that lives across frames (feature maps, digits): create once, update when the
 * data change, draw every frame. Pixels are 0xRRGGBBAA words, row-major, w*h of them. */
RenderImage *render_image_create(Render *r, int w, int h);
void render_image_update(Render *r, RenderImage *img, const uint32_t *rgba /* (h, w) */);
/* Draws the image scaled into dst; smooth false keeps pixels crisp (nearest neighbour). */
void render_image_draw(Render *r, RenderImage *img, Rect dst, bool smooth);
void render_image_destroy(RenderImage *img);

/* Clipping: push intersects with the current clip; pop restores. Depth up to 32. */
void render_clip_push(Render *r, Rect rc);
void render_clip_pop(Render *r);

/* A text draw as the test hook sees it: the string, the rectangle it covers, the clip it was
 * drawn under (the whole target when none), whether render_text_fit shortened it (an ellipsis),
 * and its colour. */
typedef struct RenderTextDraw {
    const char *utf8;
    Rect rc, clip;
    bool shortened;
    Color c;
} RenderTextDraw;
typedef void (*RenderTextHook)(void *user, const RenderTextDraw *d);
/* Calls hook for every text drawn from now on (NULL turns it off). For the legibility tests. */
void render_set_text_hook(Render *r, RenderTextHook hook, void *user);

/* Text-cache statistics for tests and the bench: entries held, hits and misses so far. */
void render_text_stats(const Render *r, int *entries, long *hits, long *misses);
/* Bytes the text cache holds (textures counted as w*h*4) and its bound, RENDER_TEXT_BUDGET. */
long render_text_bytes(const Render *r);
#define RENDER_TEXT_BUDGET (8L << 20)

/* Rect helpers (pure). */
bool rect_contains(Rect rc, int x, int y);
Rect rect_intersect(Rect a, Rect b);
/* rc shrunk by d on every side (grown when d < 0). */
Rect rect_inset(Rect rc, int d);

#endif
