/* test_legibility.c - every lab, as the classroom sees it: at 800x600, 1280x800 and 1920x1080
 * at scale 2, in the dark, light and projector themes, no drawn text lies partly outside the
 * window (found by the render seam's text hook; texts render_text_fit shortened are printed per
 * lab); every theme's text colours keep WCAG contrast on the grounds they are drawn on (4.5
 * body text, 3 for the coloured marks); the transport's play button shows a pause icon while
 * the lab plays (every lab with a timeline). Every lab's every text reads at 4.5:1 on its
 * ground, the dim zeros of padding included: no lab is exempt. */
#include "app/app.h"
#include "labs/lab.h"
#include "test.h"
#include "viz/colormap.h"

#include <SDL.h>
#include <math.h>
#include <stdlib.h>

/* ---- WCAG 2 contrast ---------------------------------------------------------------------- */

static double channel_lin(int v)
{
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(Color c)
{
    return 0.2126 * channel_lin(c.r) + 0.7152 * channel_lin(c.g) + 0.0722 * channel_lin(c.b);
}

static double contrast(Color a, Color b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

static const char *const theme_names[THEME_COUNT] = {"dark", "light", "projector"};

static void test_contrast_math(void)
{
    /* the WCAG reference points: black on white 21, equal colours 1, #777 on white 4.48 */
    CHECK_NEAR(21.0, contrast(COLOR_HEX(0x000000), COLOR_HEX(0xffffff)), 1e-9);
    CHECK_NEAR(1.0, contrast(COLOR_HEX(0x336699), COLOR_HEX(0x336699)), 1e-12);
    CHECK_NEAR(4.48, contrast(COLOR_HEX(0x777777), COLOR_HEX(0xffffff)), 0.01);
}

static void check_pair(const char *theme, const char *fg_name, Color fg, const char *bg_name,
                       Color bg, double need)
{
    double c = contrast(fg, bg);
    if (getenv("LEGIBILITY_VERBOSE") || c < need)
        fprintf(stderr, "contrast %s: %s on %s is %.2f, needs %.1f\n", theme, fg_name, bg_name, c,
                need);
    CHECK(c >= need);
}

static void test_contrast(void)
{
    for (int k = 0; k < THEME_COUNT; k++) {
        Theme th = theme_make((ThemeKind)k, 1.0f);
        const char *t = theme_names[k];
        struct {
            const char *name;
            Color c;
        } grounds[] = {{"bg", th.bg},
                       {"panel", th.panel},
                       {"control", th.control},
                       {"control_hot", th.control_hot}};
        for (int g = 0; g < 4; g++) {
            check_pair(t, "text", th.text, grounds[g].name, grounds[g].c, 4.5);
            check_pair(t, "text_dim", th.text_dim, grounds[g].name, grounds[g].c, 4.5);
            check_pair(t, "accent_text", th.accent_text, grounds[g].name, grounds[g].c, 4.5);
        }
        /* the accent's words on a row tinted with the accent (the Network's predicted class) */
        Color tint = color_mix(th.panel, th.accent, 36.0f / 255.0f);
        check_pair(t, "accent_text", th.accent_text, "accent-tinted panel", tint, 4.5);
        /* coloured marks and their large / bold words: 3 on the window and the panels */
        for (int g = 0; g < 2; g++) {
            check_pair(t, "accent", th.accent, grounds[g].name, grounds[g].c, 3.0);
            check_pair(t, "hover", th.hover, grounds[g].name, grounds[g].c, 3.0);
            check_pair(t, "error", th.error, grounds[g].name, grounds[g].c, 3.0);
            check_pair(t, "warning", th.warning, grounds[g].name, grounds[g].c, 3.0);
        }
        /* the dim "0" of padding and zero cells: quieter than the data, still 4.5 on the
         * padding face and the panel (a class reads the zeros off a projector) */
        check_pair(t, "padding_text", th.padding_text, "padding", th.padding, 4.5);
        check_pair(t, "padding_text", th.padding_text, "panel", th.panel, 4.5);
        /* the play button's icon and the words on amber */
        check_pair(t, "text on accent", color_text_on(th.accent), "accent", th.accent, 4.5);
    }
}

/* ---- texts inside the window --------------------------------------------------------------- */

typedef struct Seen {
    int w, h;
    int n, outside, shortened;
    int ends_cut; /* texts ending in "…" not by render_text_fit (a label may, a paragraph not) */
    SDL_Renderer *sdl;
    SDL_Surface *surf;
    int low; /* texts under 4.5 on the ground found at their corners */
    int bad; /* texts under 3 there */
    char low_list[600];
    char first_out[200], short_list[600];
} Seen;

/* The commonest colour of 64 pixels spread along rc's edge (a frame line touching a corner
 * does not count as the ground). */
static uint32_t ground_under(const SDL_Surface *surf, Rect rc)
{
    const uint32_t *p = surf->pixels;
    int pitch = surf->pitch / 4;
    uint32_t px[64];
    for (int i = 0; i < 16; i++) {
        int x = rc.x + (rc.w - 1) * i / 15, y = rc.y + (rc.h - 1) * i / 15;
        px[i] = p[rc.y * pitch + x];
        px[16 + i] = p[(rc.y + rc.h - 1) * pitch + x];
        px[32 + i] = p[y * pitch + rc.x];
        px[48 + i] = p[y * pitch + rc.x + rc.w - 1];
    }
    int best = 0, best_n = 0;
    for (int i = 0; i < 64; i++) {
        int n = 0;
        for (int j = 0; j < 64; j++)
            n += px[j] == px[i];
        if (n > best_n)
            best_n = n, best = i;
    }
    return px[best] & 0xffffff;
}

static void seen_text(void *user, const RenderTextDraw *d)
{
    Seen *s = user;
    s->n++;
    Rect vis = rect_intersect(d->rc, d->clip);
    if (vis.w <= 0 || vis.h <= 0)
        return; /* clipped away: not shown */
    if (s->sdl && d->c.a == 255 && vis.w > 2 && vis.h > 2) {
        /* the ground: the commonest pixel on the visible rectangle's edge, before the text */
        SDL_RenderFlush(s->sdl);
        uint32_t g = ground_under(s->surf, vis);
        Color ground = {(uint8_t)(g >> 16), (uint8_t)(g >> 8), (uint8_t)g, 255};
        double c = contrast(d->c, ground);
        if (c < 4.5) {
            size_t n = strlen(s->low_list);
            if (n + 80 < sizeof s->low_list)
                snprintf(s->low_list + n, sizeof s->low_list - n, "%s'%.30s' %.1f on %06x",
                         n ? ", " : "", d->utf8, c, g & 0xffffff);
            s->low++;
            s->bad += c < 3.0;
        }
    }
    bool inside =
        d->rc.x >= 0 && d->rc.y >= 0 && d->rc.x + d->rc.w <= s->w && d->rc.y + d->rc.h <= s->h;
    if (!inside) {
        if (!s->outside)
            snprintf(s->first_out, sizeof s->first_out, "'%.80s' at %d,%d %dx%d", d->utf8, d->rc.x,
                     d->rc.y, d->rc.w, d->rc.h);
        s->outside++;
    }
    /* a wrapped paragraph cut to its lines: render_text_wrap ends the last with "…" itself */
    size_t len = strlen(d->utf8);
    if (!d->shortened && len >= 3 && strcmp(d->utf8 + len - 3, "\xE2\x80\xA6") == 0) {
        size_t n = strlen(s->short_list);
        if (n + 60 < sizeof s->short_list)
            snprintf(s->short_list + n, sizeof s->short_list - n, "%s'%.50s'", n ? ", " : "",
                     d->utf8);
        s->ends_cut++;
    }
    if (d->shortened) {
        size_t n = strlen(s->short_list);
        if (n + 60 < sizeof s->short_list)
            snprintf(s->short_list + n, sizeof s->short_list - n, "%s'%.50s'", n ? ", " : "",
                     d->utf8);
        s->shortened++;
    }
}

/* The play button's centre pixel: the accent face between the pause bars while playing, the
 * triangle's colour over it while paused. */
static void check_pause_icon(App *app, Render *r, SDL_Renderer *sdl, SDL_Surface *s, int lab)
{
    Timeline *tl = app_timeline(app);
    if (!tl || tl->count <= 0)
        return;
    int pos = tl->pos;
    timeline_seek(tl, 0);
    tl->playing = true;
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;
    app_frame(app, r, &in, 0.0, true);
    SDL_RenderFlush(sdl);
    UiTimelineLayout L =
        ui_timeline_layout(app->lay.timeline, &app->th,
                           ui_timeline_unit_label_width(r, &app->th, tl->unit, tl->count));
    int cx = L.play.x + L.play.w / 2, cy = L.play.y + L.play.h / 2;
    const uint32_t *p = s->pixels;
    uint32_t accent = (uint32_t)(app->th.accent.r << 16 | app->th.accent.g << 8 | app->th.accent.b);
    uint32_t c = p[cy * (s->pitch / 4) + cx] & 0xffffff;
    uint32_t bar = p[cy * (s->pitch / 4) + cx - L.play.w * 11 / 100] & 0xffffff;
    bool pause = tl->playing && c == accent && bar != accent;
    if (!pause)
        fprintf(stderr, "%s: no pause icon while playing (centre %06x, bar %06x, accent %06x)\n",
                lab_get(lab)->title, c, bar, accent);
    CHECK(pause);
    tl->playing = false;
    timeline_seek(tl, pos);
}

static void test_labs_texts(void)
{
    static const struct {
        int w, h;
        float scale;
    } sizes[] = {{800, 600, 1.0f}, {1280, 800, 1.0f}, {1920, 1080, 2.0f}};
    for (int z = 0; z < 3; z++) {
        SDL_Surface *s =
            SDL_CreateRGBSurfaceWithFormat(0, sizes[z].w, sizes[z].h, 32, SDL_PIXELFORMAT_ARGB8888);
        SDL_Renderer *sdl = s ? SDL_CreateSoftwareRenderer(s) : NULL;
        char err[512] = "";
        Render *r = sdl ? render_create(sdl, NULL, err, sizeof err) : NULL;
        CHECK(r != NULL);
        if (!r)
            continue;
        for (int k = 0; k < THEME_COUNT; k++) {
            App *app = app_create((ThemeKind)k, sizes[z].scale);
            CHECK(app != NULL);
            if (!app)
                continue;
            for (int i = 0; i < LAB_COUNT; i++) {
                CHECK(app_open_lab(app, i));
                UiInput in;
                memset(&in, 0, sizeof in);
                in.mx = in.my = -1;
                app_frame(app, r, &in, 0.0, true);
                Seen seen;
                memset(&seen, 0, sizeof seen);
                seen.w = sizes[z].w;
                seen.h = sizes[z].h;
                seen.sdl = sdl;
                seen.surf = s;
                render_set_text_hook(r, seen_text, &seen);
                app_frame(app, r, &in, 0.0, true);
                render_set_text_hook(r, NULL, NULL);
                SDL_RenderFlush(sdl);
                const char *lab = lab_get(i)->title;
                CHECK(seen.n >= 10); /* the hook saw the lab's words */
                if (seen.shortened && k == 0)
                    printf("%s %dx%d scale %.0f: %d shortened: %s\n", lab, sizes[z].w, sizes[z].h,
                           sizes[z].scale, seen.shortened, seen.short_list);
                if (seen.low)
                    printf("%s %s %dx%d: %d texts under 4.5: %s\n", lab, theme_names[k], sizes[z].w,
                           sizes[z].h, seen.low, seen.low_list);
                CHECK_INT_EQ(0, seen.bad);
                CHECK_INT_EQ(0, seen.low);
                if (seen.outside)
                    fprintf(stderr, "%s %dx%d scale %.0f %s: %d texts partly outside, e.g. %s\n",
                            lab, sizes[z].w, sizes[z].h, sizes[z].scale, theme_names[k],
                            seen.outside, seen.first_out);
                CHECK_INT_EQ(0, seen.outside);
                if (k == THEME_PROJECTOR)
                    check_pause_icon(app, r, sdl, s, i);
            }
            app_destroy(app);
        }
        render_destroy(r);
        SDL_DestroyRenderer(sdl);
        SDL_FreeSurface(s);
    }
}

/* The home screen at 800x600 and 1280x800: no text cut with "…" (the key hint was cut at
 * "Ctrl+S save PN…", the Matrix card's blurb at "convolution vs …"), none outside. */
static void test_home_texts(void)
{
    static const int sizes[2][2] = {{800, 600}, {1280, 800}};
    for (int z = 0; z < 2; z++) {
        int w = sizes[z][0], h = sizes[z][1];
        SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
        SDL_Renderer *sdl = s ? SDL_CreateSoftwareRenderer(s) : NULL;
        char err[512] = "";
        Render *r = sdl ? render_create(sdl, NULL, err, sizeof err) : NULL;
        App *app = r ? app_create(THEME_DARK, 1.0f) : NULL;
        CHECK(app != NULL);
        if (app) {
            UiInput in;
            memset(&in, 0, sizeof in);
            in.mx = in.my = -1;
            app_frame(app, r, &in, 0.0, true);
            Seen seen;
            memset(&seen, 0, sizeof seen);
            seen.w = w;
            seen.h = h;
            seen.sdl = sdl;
            seen.surf = s;
            render_set_text_hook(r, seen_text, &seen);
            app_frame(app, r, &in, 0.0, true);
            render_set_text_hook(r, NULL, NULL);
            CHECK(seen.n >= 10);
            if (seen.shortened || seen.ends_cut)
                fprintf(stderr, "home %dx%d: %d cut: %s\n", w, h, seen.shortened + seen.ends_cut,
                        seen.short_list);
            CHECK_INT_EQ(0, seen.shortened);
            CHECK_INT_EQ(0, seen.ends_cut);
            CHECK_INT_EQ(0, seen.outside);
            app_destroy(app);
        }
        if (r)
            render_destroy(r);
        if (sdl)
            SDL_DestroyRenderer(sdl);
        if (s)
            SDL_FreeSurface(s);
    }
}

int main(void)
{
    test_contrast_math();
    test_contrast();
    test_labs_texts();
    test_home_texts();
    return test_summary();
}
