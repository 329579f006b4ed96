/* render.c - the render seam over SDL_Renderer and SDL2_ttf. Shapes are built from filled
 * rectangles (spans) and SDL_RenderGeometry triangles, which the software renderer supports, so
 * headless output matches the window. Text is rendered once per (string, face, size, colour) into
 * a cached texture, and sizes are measured without rendering; opaque shapes are drawn without
 * blending. Both keep the software renderer on its fast paths. */
#include "viz/render.h"

#include "engine/assets.h"
#include "viz/textcache.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define FONT_SLOTS 48
#define CLIP_DEPTH 32
/* the count bound; the byte bound is RENDER_TEXT_BUDGET (render.h): 4,096 labels at a large
 * window were hundreds of MB of textures under a GL driver (issue 9), while one frame of the
 * Train lab at 1920x1080 draws under 2 MB of text (no more misses with a 2 MB budget) */
#define TEXT_CACHE_CAPACITY 4096

typedef struct FontSlot {
    int face, size;
    TTF_Font *font;
} FontSlot;

struct Render {
    SDL_Renderer *sdl;
    char font_path[FONT_FACE_COUNT][1024];
    FontSlot fonts[FONT_SLOTS];
    int n_fonts;
    TextCache *text;
    Rect clip[CLIP_DEPTH];
    int clip_depth;
    bool clip_empty;
    bool ttf_owned; /* we called TTF_Init */
    int blend;      /* the SDL draw blend mode last set, -1 when unknown */
    RenderTextHook text_hook;
    void *text_hook_user;
    const char *fit_out; /* the buffer render_text_fit last shortened (for the hook) */
};

struct RenderImage {
    SDL_Texture *tex;
    int w, h;
};

static void free_texture(void *payload, void *user)
{
    (void)user;
    if (payload)
        SDL_DestroyTexture(payload);
}

Render *render_create(SDL_Renderer *sdl, const char *font_dir, char *err, size_t err_size)
{
    static const char *files[FONT_FACE_COUNT] = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf",
                                                 "DejaVuSansMono.ttf"};
    Render *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, err_size, "render: out of memory");
        return NULL;
    }
    r->sdl = sdl;
    for (int f = 0; f < FONT_FACE_COUNT; f++) {
        char rel[256];
        if (font_dir) {
            snprintf(r->font_path[f], sizeof r->font_path[f], "%s/%s", font_dir, files[f]);
        } else {
            snprintf(rel, sizeof rel, "assets/fonts/%s", files[f]);
            assets_path(r->font_path[f], sizeof r->font_path[f], rel);
        }
        FILE *fp = fopen(r->font_path[f], "rb");
        if (!fp && f == FONT_SANS_BOLD) {
            /* bold is optional: headings fall back to the regular face */
            memcpy(r->font_path[f], r->font_path[FONT_SANS], sizeof r->font_path[f]);
            continue;
        }
        if (!fp) {
            snprintf(err, err_size, "%s: cannot open the bundled font (is assets/fonts there?)",
                     r->font_path[f]);
            free(r);
            return NULL;
        }
        fclose(fp);
    }
    if (!TTF_WasInit()) {
        if (TTF_Init() != 0) {
            snprintf(err, err_size, "render: TTF_Init failed: %s", TTF_GetError());
            free(r);
            return NULL;
        }
        r->ttf_owned = true;
    }
    r->text = textcache_create(TEXT_CACHE_CAPACITY, free_texture, NULL);
    if (!r->text) {
        snprintf(err, err_size, "render: out of memory");
        render_destroy(r);
        return NULL;
    }
    textcache_set_budget(r->text, RENDER_TEXT_BUDGET);
    r->blend = -1;
    return r;
}

void render_destroy(Render *r)
{
    if (!r)
        return;
    textcache_destroy(r->text);
    for (int i = 0; i < r->n_fonts; i++)
        TTF_CloseFont(r->fonts[i].font);
    if (r->ttf_owned)
        TTF_Quit();
    free(r);
}

SDL_Renderer *render_sdl(Render *r)
{
    return r->sdl;
}

void render_output_size(Render *r, int *w, int *h)
{
    SDL_GetRendererOutputSize(r->sdl, w, h);
}

/* ---- rect helpers ------------------------------------------------------------------------ */

bool rect_contains(Rect rc, int x, int y)
{
    return x >= rc.x && y >= rc.y && x < rc.x + rc.w && y < rc.y + rc.h;
}

Rect rect_intersect(Rect a, Rect b)
{
    int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
    if (x1 <= x0 || y1 <= y0)
        return (Rect){x0, y0, 0, 0};
    return (Rect){x0, y0, x1 - x0, y1 - y0};
}

Rect rect_inset(Rect rc, int d)
{
    Rect o = {rc.x + d, rc.y + d, rc.w - 2 * d, rc.h - 2 * d};
    if (o.w < 0)
        o.w = 0;
    if (o.h < 0)
        o.h = 0;
    return o;
}

/* ---- shapes ------------------------------------------------------------------------------ */

static void set_blend(Render *r, SDL_BlendMode mode)
{
    if (r->blend != (int)mode) {
        SDL_SetRenderDrawBlendMode(r->sdl, mode);
        r->blend = (int)mode;
    }
}

/* Opaque colours draw without blending: the software renderer then fills spans with plain
 * stores instead of a per-pixel blend, several times faster for panels and cells, with the
 * same pixels. */
static void set_color(Render *r, Color c)
{
    set_blend(r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(r->sdl, c.r, c.g, c.b, c.a);
}

void render_clear(Render *r, Color c)
{
    r->clip_depth = 0;
    r->clip_empty = false;
    SDL_RenderSetClipRect(r->sdl, NULL);
    set_color(r, (Color){c.r, c.g, c.b, 255});
    SDL_RenderClear(r->sdl);
}

void render_rect(Render *r, Rect rc, Color c)
{
    if (rc.w <= 0 || rc.h <= 0 || r->clip_empty || c.a == 0)
        return;
    set_color(r, c);
    SDL_Rect s = {rc.x, rc.y, rc.w, rc.h};
    SDL_RenderFillRect(r->sdl, &s);
}

void render_rect_outline(Render *r, Rect rc, int t, Color c)
{
    if (rc.w <= 0 || rc.h <= 0 || t <= 0)
        return;
    if (2 * t >= rc.w || 2 * t >= rc.h) {
        render_rect(r, rc, c);
        return;
    }
    render_rect(r, (Rect){rc.x, rc.y, rc.w, t}, c);
    render_rect(r, (Rect){rc.x, rc.y + rc.h - t, rc.w, t}, c);
    render_rect(r, (Rect){rc.x, rc.y + t, t, rc.h - 2 * t}, c);
    render_rect(r, (Rect){rc.x + rc.w - t, rc.y + t, t, rc.h - 2 * t}, c);
}

/* Horizontal inset of row y (0 = top) of a rounded rectangle of height h and corner radius rad:
 * how far the shape starts from its left edge on that row. */
static int corner_inset(int y, int h, int rad)
{
    int dy = -1;
    if (y < rad)
        dy = rad - y;
    else if (y >= h - rad)
        dy = y - (h - rad) + 1;
    if (dy < 0)
        return 0;
    double fy = (double)dy - 0.5;
    double dx = (double)rad - sqrt((double)rad * rad - fy * fy);
    return (int)lround(dx);
}

void render_round_rect(Render *r, Rect rc, int rad, Color c)
{
    if (rc.w <= 0 || rc.h <= 0 || r->clip_empty || c.a == 0)
        return;
    if (rad > rc.w / 2)
        rad = rc.w / 2;
    if (rad > rc.h / 2)
        rad = rc.h / 2;
    if (rad > 64)
        rad = 64;
    if (rad <= 1) {
        render_rect(r, rc, c);
        return;
    }
    set_color(r, c);
    SDL_Rect spans[2 * 64 + 1];
    int n = 0;
    for (int y = 0; y < rad && n < 128; y++) {
        int in = corner_inset(y, rc.h, rad);
        spans[n++] = (SDL_Rect){rc.x + in, rc.y + y, rc.w - 2 * in, 1};
        spans[n++] = (SDL_Rect){rc.x + in, rc.y + rc.h - 1 - y, rc.w - 2 * in, 1};
    }
    spans[n++] = (SDL_Rect){rc.x, rc.y + rad, rc.w, rc.h - 2 * rad};
    SDL_RenderFillRects(r->sdl, spans, n);
}

void render_round_rect_outline(Render *r, Rect rc, int rad, int t, Color c)
{
    if (rc.w <= 0 || rc.h <= 0 || t <= 0 || r->clip_empty || c.a == 0)
        return;
    if (rad > rc.w / 2)
        rad = rc.w / 2;
    if (rad > rc.h / 2)
        rad = rc.h / 2;
    if (rad <= 1) {
        render_rect_outline(r, rc, t, c);
        return;
    }
    int irad = rad - t > 0 ? rad - t : 0;
    Rect inner = rect_inset(rc, t);
    set_color(r, c);
    for (int y = 0; y < rc.h; y++) {
        int out = corner_inset(y, rc.h, rad);
        int iy = y - t;
        if (iy < 0 || iy >= inner.h || inner.w <= 0) {
            SDL_Rect s = {rc.x + out, rc.y + y, rc.w - 2 * out, 1};
            SDL_RenderFillRect(r->sdl, &s);
            continue;
        }
        if (y >= rad && y < rc.h - rad) {
            /* straight sides: two columns; drawn once as tall rects below */
            continue;
        }
        int in = t + corner_inset(iy, inner.h, irad);
        SDL_Rect a = {rc.x + out, rc.y + y, in - out, 1};
        SDL_Rect b = {rc.x + rc.w - in, rc.y + y, in - out, 1};
        SDL_RenderFillRect(r->sdl, &a);
        SDL_RenderFillRect(r->sdl, &b);
    }
    SDL_Rect sides[2] = {{rc.x, rc.y + rad, t, rc.h - 2 * rad},
                         {rc.x + rc.w - t, rc.y + rad, t, rc.h - 2 * rad}};
    SDL_RenderFillRects(r->sdl, sides, 2);
}

static SDL_Vertex vert(float x, float y, Color c)
{
    SDL_Vertex v = {{x, y}, {c.r, c.g, c.b, c.a}, {0.0f, 0.0f}};
    return v;
}

void render_triangle(Render *r, float x0, float y0, float x1, float y1, float x2, float y2,
                     Color c)
{
    if (r->clip_empty || c.a == 0)
        return;
    SDL_Vertex v[3] = {vert(x0, y0, c), vert(x1, y1, c), vert(x2, y2, c)};
    set_blend(r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_RenderGeometry(r->sdl, NULL, v, 3, NULL, 0);
}

void render_line(Render *r, float x0, float y0, float x1, float y1, float t, Color c)
{
    if (r->clip_empty || c.a == 0)
        return;
    float dx = x1 - x0, dy = y1 - y0;
    float len = sqrtf(dx * dx + dy * dy);
    if (t <= 1.0f && len > 0.0f) {
        set_color(r, c);
        SDL_RenderDrawLineF(r->sdl, x0, y0, x1, y1);
        return;
    }
    if (len <= 0.0f) {
        render_rect(r, (Rect){(int)(x0 - t / 2), (int)(y0 - t / 2), (int)t, (int)t}, c);
        return;
    }
    /* a quad around the segment, extended by t/2 at both ends (square caps) */
    float ux = dx / len, uy = dy / len;
    float nx = -uy * t * 0.5f, ny = ux * t * 0.5f;
    float ex = ux * t * 0.5f, ey = uy * t * 0.5f;
    SDL_Vertex v[4] = {vert(x0 - ex + nx, y0 - ey + ny, c), vert(x1 + ex + nx, y1 + ey + ny, c),
                       vert(x1 + ex - nx, y1 + ey - ny, c), vert(x0 - ex - nx, y0 - ey - ny, c)};
    int idx[6] = {0, 1, 2, 0, 2, 3};
    set_blend(r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_RenderGeometry(r->sdl, NULL, v, 4, idx, 6);
}

void render_circle(Render *r, float cx, float cy, float rad, Color c)
{
    if (r->clip_empty || c.a == 0 || rad <= 0.0f)
        return;
    set_color(r, c);
    /* horizontal spans: exact coverage of pixel centres, identical on every renderer */
    int y0 = (int)floorf(cy - rad), y1 = (int)ceilf(cy + rad);
    for (int y = y0; y <= y1; y++) {
        float fy = (float)y + 0.5f - cy;
        float h2 = rad * rad - fy * fy;
        if (h2 < 0.0f)
            continue;
        float hw = sqrtf(h2);
        int xa = (int)lroundf(cx - hw), xb = (int)lroundf(cx + hw);
        if (xb > xa) {
            SDL_Rect s = {xa, y, xb - xa, 1};
            SDL_RenderFillRect(r->sdl, &s);
        }
    }
}

void render_circle_outline(Render *r, float cx, float cy, float rad, float t, Color c)
{
    if (r->clip_empty || c.a == 0 || rad <= 0.0f)
        return;
    float irad = rad - t;
    set_color(r, c);
    int y0 = (int)floorf(cy - rad), y1 = (int)ceilf(cy + rad);
    for (int y = y0; y <= y1; y++) {
        float fy = (float)y + 0.5f - cy;
        float h2 = rad * rad - fy * fy;
        if (h2 < 0.0f)
            continue;
        float hw = sqrtf(h2);
        int xa = (int)lroundf(cx - hw), xb = (int)lroundf(cx + hw);
        float i2 = irad * irad - fy * fy;
        if (irad <= 0.0f || i2 < 0.0f) {
            SDL_Rect s = {xa, y, xb - xa, 1};
            SDL_RenderFillRect(r->sdl, &s);
            continue;
        }
        float ihw = sqrtf(i2);
        int ia = (int)lroundf(cx - ihw), ib = (int)lroundf(cx + ihw);
        SDL_Rect s[2] = {{xa, y, ia - xa, 1}, {ib, y, xb - ib, 1}};
        SDL_RenderFillRects(r->sdl, s, 2);
    }
}

void render_hatch(Render *r, Rect rc, int spacing, Color c)
{
    if (rc.w <= 0 || rc.h <= 0 || r->clip_empty)
        return;
    if (spacing < 2)
        spacing = 2;
    render_clip_push(r, rc);
    set_color(r, c);
    /* 45-degree lines x - y = const, anchored to the window so neighbouring cells line up */
    int start = ((rc.x - rc.y - rc.h) / spacing - 1) * spacing;
    for (int k = start; k <= rc.x + rc.w - rc.y; k += spacing)
        SDL_RenderDrawLine(r->sdl, k + rc.y, rc.y, k + rc.y + rc.h, rc.y + rc.h);
    render_clip_pop(r);
}

/* ---- clipping ---------------------------------------------------------------------------- */

static void apply_clip(Render *r)
{
    if (r->clip_depth == 0) {
        r->clip_empty = false;
        SDL_RenderSetClipRect(r->sdl, NULL);
        return;
    }
    Rect c = r->clip[r->clip_depth - 1];
    r->clip_empty = c.w <= 0 || c.h <= 0;
    if (!r->clip_empty) {
        SDL_Rect s = {c.x, c.y, c.w, c.h};
        SDL_RenderSetClipRect(r->sdl, &s);
    }
}

void render_clip_push(Render *r, Rect rc)
{
    SDL_assert(r->clip_depth < CLIP_DEPTH);
    if (r->clip_depth >= CLIP_DEPTH)
        return;
    if (r->clip_depth > 0)
        rc = rect_intersect(rc, r->clip[r->clip_depth - 1]);
    if (rc.w < 0)
        rc.w = 0;
    if (rc.h < 0)
        rc.h = 0;
    r->clip[r->clip_depth++] = rc;
    apply_clip(r);
}

void render_clip_pop(Render *r)
{
    SDL_assert(r->clip_depth > 0);
    if (r->clip_depth > 0)
        r->clip_depth--;
    apply_clip(r);
}

/* ---- text -------------------------------------------------------------------------------- */

static TTF_Font *font_get(Render *r, FontFace face, int size)
{
    if (size < 4)
        size = 4;
    for (int i = 0; i < r->n_fonts; i++)
        if (r->fonts[i].face == (int)face && r->fonts[i].size == size)
            return r->fonts[i].font;
    TTF_Font *f = TTF_OpenFont(r->font_path[face], size);
    if (!f)
        return NULL;
    TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
    if (r->n_fonts == FONT_SLOTS) {
        /* rare (many scales in one run): recycle the oldest slot; its cached texts stay valid
         * because they are textures, not font references */
        TTF_CloseFont(r->fonts[0].font);
        memmove(r->fonts, r->fonts + 1, (FONT_SLOTS - 1) * sizeof r->fonts[0]);
        r->n_fonts--;
    }
    r->fonts[r->n_fonts++] = (FontSlot){(int)face, size, f};
    return f;
}

/* Cache keys: measurements live under the bare face (no texture, only the size from
 * TTF_SizeUTF8); drawn text under the face plus its RGB, so every colour has its own texture
 * already tinted. Tinted textures blit without colour modulation, which on the software
 * renderer takes SDL's fast alpha blitter instead of the generic per-pixel modulating one. */
static int key_measure(FontFace face)
{
    return (int)face;
}

static int key_drawn(FontFace face, Color c)
{
    return (int)face + 4 * (1 + ((int)c.r << 16 | (int)c.g << 8 | (int)c.b));
}

/* The cached size of the text (no drawing). NULL for "" or on failure. */
static TextEntry *text_measure(Render *r, FontFace face, int size, const char *utf8)
{
    if (!utf8 || !utf8[0])
        return NULL;
    TextEntry *e = textcache_get(r->text, key_measure(face), size, utf8);
    if (e)
        return e;
    TTF_Font *f = font_get(r, face, size);
    int w = 0, h = 0;
    if (!f || TTF_SizeUTF8(f, utf8, &w, &h) != 0)
        return NULL;
    return textcache_put(r->text, key_measure(face), size, utf8, NULL, w, h);
}

/* The cached texture of the text in colour c (alpha applied at draw time), rendering it on a
 * miss. NULL for "" or on failure. */
static TextEntry *text_entry(Render *r, FontFace face, int size, const char *utf8, Color c)
{
    if (!utf8 || !utf8[0])
        return NULL;
    int key = key_drawn(face, c);
    TextEntry *e = textcache_get(r->text, key, size, utf8);
    if (e)
        return e;
    TTF_Font *f = font_get(r, face, size);
    if (!f)
        return NULL;
    SDL_Surface *s = TTF_RenderUTF8_Blended(f, utf8, (SDL_Color){c.r, c.g, c.b, 255});
    if (!s)
        return NULL;
    SDL_Texture *t = SDL_CreateTextureFromSurface(r->sdl, s);
    int w = s->w, h = s->h;
    SDL_FreeSurface(s);
    if (!t)
        return NULL;
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    return textcache_put(r->text, key, size, utf8, t, w, h);
}

void render_text_size(Render *r, FontFace face, int size, const char *utf8, int *w, int *h)
{
    TextEntry *e = text_measure(r, face, size, utf8);
    if (w)
        *w = e ? e->w : 0;
    if (h)
        *h = e ? e->h : render_line_height(r, face, size);
}

int render_line_height(Render *r, FontFace face, int size)
{
    TTF_Font *f = font_get(r, face, size);
    return f ? TTF_FontHeight(f) : size;
}

int render_text(Render *r, FontFace face, int size, const char *utf8, int x, int y, int align,
                Color c)
{
    if (r->clip_empty || c.a == 0) {
        TextEntry *m = text_measure(r, face, size, utf8);
        return m ? m->w : 0;
    }
    TextEntry *e = text_entry(r, face, size, utf8, c);
    if (!e)
        return 0;
    int h = align & 3;
    int v = align & 12;
    if (h == ALIGN_CENTER)
        x -= e->w / 2;
    else if (h == ALIGN_RIGHT)
        x -= e->w;
    if (v == ALIGN_MIDDLE)
        y -= e->h / 2;
    else if (v == ALIGN_BOTTOM)
        y -= e->h;
    SDL_Texture *t = e->payload;
    SDL_SetTextureAlphaMod(t, c.a);
    SDL_Rect dst = {x, y, e->w, e->h};
    if (r->text_hook) {
        RenderTextDraw d = {utf8, {x, y, e->w, e->h}, {0, 0, 0, 0}, utf8 == r->fit_out, c};
        if (r->clip_depth > 0)
            d.clip = r->clip[r->clip_depth - 1];
        else
            SDL_GetRendererOutputSize(r->sdl, &d.clip.w, &d.clip.h);
        r->fit_out = NULL;
        r->text_hook(r->text_hook_user, &d);
    }
    SDL_RenderCopy(r->sdl, t, NULL, &dst);
    return e->w;
}

void render_set_text_hook(Render *r, RenderTextHook hook, void *user)
{
    r->text_hook = hook;
    r->text_hook_user = user;
    r->fit_out = NULL;
}

int render_text_in(Render *r, FontFace face, int size, const char *utf8, Rect rc, int align,
                   Color c)
{
    int x = rc.x, y = rc.y;
    if ((align & 3) == ALIGN_CENTER)
        x = rc.x + rc.w / 2;
    else if ((align & 3) == ALIGN_RIGHT)
        x = rc.x + rc.w;
    if ((align & 12) == ALIGN_MIDDLE)
        y = rc.y + rc.h / 2;
    else if ((align & 12) == ALIGN_BOTTOM)
        y = rc.y + rc.h;
    render_clip_push(r, rc);
    int w = render_text(r, face, size, utf8, x, y, align, c);
    render_clip_pop(r);
    return w;
}

const char *render_text_fit(Render *r, FontFace face, int size, const char *utf8, int max_w,
                            char *out, size_t out_size)
{
    if (out_size == 0)
        return out;
    snprintf(out, out_size, "%s", utf8 ? utf8 : "");
    int w = 0;
    render_text_size(r, face, size, out, &w, NULL);
    if (w <= max_w)
        return out;
    /* drop whole UTF-8 characters from the end until "text…" fits */
    size_t len = strlen(out);
    while (len > 0) {
        len--;
        while (len > 0 && ((unsigned char)out[len] & 0xC0) == 0x80)
            len--;
        if (len + 4 > out_size)
            continue;
        memcpy(out + len, "\xE2\x80\xA6", 4);
        render_text_size(r, face, size, out, &w, NULL);
        if (w <= max_w) {
            r->fit_out = out;
            return out;
        }
    }
    out[0] = '\0';
    return out;
}

int render_text_fit_size(Render *r, FontFace face, int size, int min_size, const char *utf8,
                         int max_w)
{
    if (min_size > size)
        min_size = size;
    int w = 0;
    render_text_size(r, face, size, utf8, &w, NULL);
    if (w <= max_w || size <= min_size)
        return size;
    /* text width is close to proportional to the size: jump near the answer, then step down */
    int s = (int)((long)size * max_w / (w > 0 ? w : 1));
    if (s >= size)
        s = size - 1;
    if (s < min_size)
        s = min_size;
    /* glyph metrics are hinted, so the estimate can be one or two off either way */
    render_text_size(r, face, s, utf8, &w, NULL);
    if (w <= max_w) {
        while (s + 1 < size) {
            render_text_size(r, face, s + 1, utf8, &w, NULL);
            if (w > max_w)
                break;
            s++;
        }
        return s;
    }
    for (s--; s > min_size; s--) {
        render_text_size(r, face, s, utf8, &w, NULL);
        if (w <= max_w)
            return s;
    }
    return min_size;
}

int render_text_line(Render *r, FontFace face, int size, int min_size, const char *utf8, Rect rc,
                     int align, Color c)
{
    if (!utf8 || !utf8[0] || rc.w <= 0)
        return 0;
    int s = render_text_fit_size(r, face, size, min_size, utf8, rc.w);
    int w = 0;
    render_text_size(r, face, s, utf8, &w, NULL);
    if (w <= rc.w)
        return render_text_in(r, face, s, utf8, rc, align, c);
    char fit[1024];
    render_text_fit(r, face, s, utf8, rc.w, fit, sizeof fit);
    return render_text_in(r, face, s, fit, rc, align, c);
}

int render_text_wrap(Render *r, FontFace face, int size, const char *utf8, Rect rc, Color c,
                     bool draw)
{
    if (!utf8 || !utf8[0] || rc.w <= 0)
        return 0;
    int lh = render_line_height(r, face, size);
    int max_lines = draw ? rc.h / lh : 1 << 20;
    /* trial holds a line plus one word: room for both, so nothing is silently cut */
    char line[512], trial[1040], fit[1048];
    int y = 0, lines = 0;
    const char *p = utf8;
    line[0] = '\0';
    while (*p && lines < max_lines) {
        /* next word (up to a space or newline) */
        const char *e = p;
        while (*e && *e != ' ' && *e != '\n')
            e++;
        int wl = (int)(e - p) < 500 ? (int)(e - p) : 500;
        snprintf(trial, sizeof trial, "%s%s%.*s", line, line[0] ? " " : "", wl, p);
        int w = 0;
        render_text_size(r, face, size, trial, &w, NULL);
        bool overflow = w > rc.w && line[0];
        if (!overflow)
            snprintf(line, sizeof line, "%.511s", trial);
        bool newline = *e == '\n';
        bool last_word = *e == '\0';
        if (overflow || newline || last_word) {
            bool final_line = lines + 1 == max_lines && (overflow || !last_word);
            if (draw) {
                const char *out = line;
                if (final_line) {
                    snprintf(trial, sizeof trial, "%s \xE2\x80\xA6", line);
                    out = render_text_fit(r, face, size, trial, rc.w, fit, sizeof fit);
                } else if (w > rc.w && !overflow) {
                    out = render_text_fit(r, face, size, line, rc.w, fit, sizeof fit);
                }
                render_text(r, face, size, out, rc.x, rc.y + y, ALIGN_LEFT | ALIGN_TOP, c);
            }
            y += lh;
            lines++;
            if (overflow) {
                /* the word that did not fit starts the next line */
                snprintf(line, sizeof line, "%.*s", wl, p);
                if (last_word || newline) {
                    if (lines < max_lines && draw)
                        render_text(r, face, size, line, rc.x, rc.y + y, ALIGN_LEFT | ALIGN_TOP,
                                    c);
                    if (lines < max_lines) {
                        y += lh;
                        lines++;
                    }
                    line[0] = '\0';
                }
            } else {
                line[0] = '\0';
            }
        }
        p = *e ? e + 1 : e;
    }
    return y;
}

void render_text_stats(const Render *r, int *entries, long *hits, long *misses)
{
    if (entries)
        *entries = textcache_count(r->text);
    if (hits)
        *hits = textcache_hits(r->text);
    if (misses)
        *misses = textcache_misses(r->text);
}

long render_text_bytes(const Render *r)
{
    return textcache_bytes(r->text);
}

/* ---- images ------------------------------------------------------------------------------ */

RenderImage *render_image_create(Render *r, int w, int h)
{
    if (w <= 0 || h <= 0)
        return NULL;
    RenderImage *img = calloc(1, sizeof *img);
    if (!img)
        return NULL;
    img->tex = SDL_CreateTexture(r->sdl, SDL_PIXELFORMAT_RGBA8888, SDL_TEXTUREACCESS_STREAMING, w,
                                 h);
    if (!img->tex) {
        free(img);
        return NULL;
    }
    SDL_SetTextureBlendMode(img->tex, SDL_BLENDMODE_BLEND);
    img->w = w;
    img->h = h;
    return img;
}

void render_image_update(Render *r, RenderImage *img, const uint32_t *rgba)
{
    (void)r;
    if (img)
        SDL_UpdateTexture(img->tex, NULL, rgba, img->w * (int)sizeof(uint32_t));
}

void render_image_draw(Render *r, RenderImage *img, Rect dst, bool smooth)
{
    if (!img || dst.w <= 0 || dst.h <= 0 || r->clip_empty)
        return;
    SDL_SetTextureScaleMode(img->tex, smooth ? SDL_ScaleModeLinear : SDL_ScaleModeNearest);
    SDL_Rect d = {dst.x, dst.y, dst.w, dst.h};
    SDL_RenderCopy(r->sdl, img->tex, NULL, &d);
}

void render_image_destroy(RenderImage *img)
{
    if (!img)
        return;
    SDL_DestroyTexture(img->tex);
    free(img);
}
