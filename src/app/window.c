/* window.c - the SDL window and event loop, the headless render subcommand and the frame bench.
 * All three draw through app_frame; only the target differs (a window's renderer or a software
 * renderer over an SDL_Surface). */
#include "app/window.h"

#include "app/app.h"
#include "app/lesson_host.h"

#include <SDL.h>
#include <SDL_image.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ==== headless target ========================================================================= */

typedef struct Headless {
    SDL_Surface *surf;
    SDL_Renderer *sdl;
    Render *r;
} Headless;

static bool headless_open(Headless *h, int w, int hh, char *err, size_t n)
{
    memset(h, 0, sizeof *h);
    h->surf = SDL_CreateRGBSurfaceWithFormat(0, w, hh, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!h->surf) {
        snprintf(err, n, "cannot make a %dx%d surface: %s", w, hh, SDL_GetError());
        return false;
    }
    h->sdl = SDL_CreateSoftwareRenderer(h->surf);
    if (!h->sdl) {
        snprintf(err, n, "cannot make a software renderer: %s", SDL_GetError());
        SDL_FreeSurface(h->surf);
        return false;
    }
    h->r = render_create(h->sdl, NULL, err, n);
    if (!h->r) {
        SDL_DestroyRenderer(h->sdl);
        SDL_FreeSurface(h->surf);
        return false;
    }
    return true;
}

static void headless_close(Headless *h)
{
    render_destroy(h->r);
    SDL_DestroyRenderer(h->sdl);
    SDL_FreeSurface(h->surf);
}

/* ==== render subcommand ======================================================================= */

#define MAX_OPTIONS 32

static void render_usage(FILE *f)
{
    fprintf(f, "usage: convscope render (--lab NAME | --lesson FILE | --home) [--size WxH]\n"
               "         [--scale F] [--theme dark|light|projector] [--step N] [--keys] "
               "[--KEY VALUE ...] --out FILE.png\n"
               "       (--step N: the lab's timeline step, or with --lesson FILE the "
               "lesson's step 1, 2, ...)\n"
               "labs: convolution pooling channels network train backprop matrix "
               "activations\n");
}

static int usage_error(const char *msg)
{
    fprintf(stderr, "convscope render: %s\n", msg);
    render_usage(stderr);
    return 2;
}

/* What `convscope render` was asked to draw. */
typedef struct RenderArgs {
    const char *lab_name, *out, *step_s, *lesson;
    bool home, help;
    int w, h;
    float scale;
    ThemeKind theme;
    const char *keys[MAX_OPTIONS], *vals[MAX_OPTIONS]; /* the lab's --KEY VALUE options */
    int n_opt;
} RenderArgs;

/* Reads the options into a (each --KEY VALUE it does not know is a lab option); 0, or the
 * usage error's exit status. */
static int parse_render_args(int argc, char **argv, RenderArgs *a)
{
    char msg[1024];
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
            snprintf(msg, sizeof msg, "unexpected argument '%s' (options start with --)", arg);
            return usage_error(msg);
        }
        const char *key = arg + 2;
        if (strcmp(key, "home") == 0) {
            a->home = true;
            continue;
        }
        if (strcmp(key, "keys") == 0) {
            /* the H overlay over the scene: the keys of that screen, for a slide */
            a->help = true;
            continue;
        }
        if (i + 1 >= argc) {
            snprintf(msg, sizeof msg, "--%s needs a value", key);
            return usage_error(msg);
        }
        const char *v = argv[++i];
        if (strcmp(key, "lab") == 0) {
            a->lab_name = v;
        } else if (strcmp(key, "out") == 0) {
            a->out = v;
        } else if (strcmp(key, "size") == 0) {
            char x = 0, extra = 0;
            if (sscanf(v, "%d%c%d%c", &a->w, &x, &a->h, &extra) != 3 || (x != 'x' && x != 'X') ||
                a->w < 320 || a->h < 240 || a->w > 7680 || a->h > 4320) {
                snprintf(msg, sizeof msg,
                         "--size '%s': expected WxH with W 320..7680 and H 240..4320, e.g. "
                         "1280x800",
                         v);
                return usage_error(msg);
            }
        } else if (strcmp(key, "scale") == 0) {
            char *end = NULL;
            double s = strtod(v, &end);
            if (end == v || *end || !(s >= THEME_SCALE_MIN && s <= THEME_SCALE_MAX)) {
                snprintf(msg, sizeof msg, "--scale '%s': expected a number from 1.0 to 2.5", v);
                return usage_error(msg);
            }
            a->scale = (float)s;
        } else if (strcmp(key, "theme") == 0) {
            if (!theme_parse(v, &a->theme)) {
                snprintf(msg, sizeof msg, "--theme '%s': expected dark, light or projector", v);
                return usage_error(msg);
            }
        } else if (strcmp(key, "step") == 0) {
            a->step_s = v;
        } else if (strcmp(key, "lesson") == 0) {
            a->lesson = v;
        } else {
            if (a->n_opt == MAX_OPTIONS)
                return usage_error("too many --KEY VALUE options (at most 32)");
            a->keys[a->n_opt] = key;
            a->vals[a->n_opt] = v;
            a->n_opt++;
        }
    }
    return 0;
}

/* Checks that the options go together: one screen, a PNG to write, lab options only for a lab.
 * 0 with the lab's index in *lab_index (-1 for none), or the usage error's exit status. */
static int check_render_args(const RenderArgs *a, int *lab_index)
{
    char msg[1024];
    if ((int)a->home + (a->lab_name != NULL) + (a->lesson != NULL) != 1)
        return usage_error("give exactly one of --lab NAME, --lesson FILE or --home");
    if (a->lesson && a->n_opt > 0) {
        snprintf(msg, sizeof msg, "--%s: a lesson sets its own scene (give --lesson and --step N)",
                 a->keys[0]);
        return usage_error(msg);
    }
    if (!a->out)
        return usage_error("--out FILE.png is required");
    size_t ol = strlen(a->out);
    if (ol < 5 || strcmp(a->out + ol - 4, ".png") != 0) {
        snprintf(msg, sizeof msg, "--out '%s': the file name must end in .png", a->out);
        return usage_error(msg);
    }
    *lab_index = -1;
    if (a->lab_name && !lab_find(a->lab_name, lab_index)) {
        snprintf(msg, sizeof msg, "--lab '%s': no such lab", a->lab_name);
        return usage_error(msg);
    }
    if (a->home && (a->n_opt > 0 || a->step_s)) {
        snprintf(msg, sizeof msg, "--%s: the home screen takes no lab options",
                 a->n_opt > 0 ? a->keys[0] : "step");
        return usage_error(msg);
    }
    return 0;
}

/* Opens the lesson on the step --step asks (1-based like its "step k / n"); 0 or the exit
 * status, the reason on stderr. */
static int render_open_lesson(App *app, const RenderArgs *a)
{
    char *end = NULL;
    long step = a->step_s ? strtol(a->step_s, &end, 10) : 1;
    if (a->step_s && (end == a->step_s || *end || step < 1 || step > 1000)) {
        fprintf(stderr, "convscope render: --step '%s': expected a lesson step 1, 2, ...\n",
                a->step_s);
        return 2;
    }
    char lerr[1400];
    if (!lesson_host_open(app, a->lesson, (int)step, lerr, sizeof lerr)) {
        fprintf(stderr, "convscope render: %s\n", lerr);
        return 2;
    }
    return 0;
}

/* Opens lab lab_index with the --KEY VALUE options and the timeline at --step; 0 or the exit
 * status, the reason on stderr. */
static int render_open_lab(App *app, int lab_index, const RenderArgs *a)
{
    app_open_lab(app, lab_index);
    const LabDef *lab = lab_get(lab_index);
    void *st = app_lab_state(app);
    if (lab_is_built(lab) && !st) {
        fprintf(stderr, "convscope render: %s\n", app->banner);
        return 1;
    }
    for (int i = 0; i < a->n_opt; i++) {
        char err[512] = "";
        if (!st) {
            fprintf(stderr,
                    "convscope render: --%s: the %s lab is not built yet and takes no options\n",
                    a->keys[i], lab->name);
            return 2;
        }
        if (!lab->set_option || !lab->set_option(st, a->keys[i], a->vals[i], err, sizeof err)) {
            if (!err[0])
                snprintf(err, sizeof err, "unknown option for the %s lab", lab->name);
            fprintf(stderr, "convscope render: --%s %s: %s\n", a->keys[i], a->vals[i], err);
            return 2;
        }
    }
    if (a->step_s) {
        char *end = NULL;
        long step = strtol(a->step_s, &end, 10);
        Timeline *tl = st && lab->timeline ? lab->timeline(st) : NULL;
        if (end == a->step_s || *end || step < 0) {
            fprintf(stderr, "convscope render: --step '%s': expected a whole number >= 0\n",
                    a->step_s);
            return 2;
        }
        if (!tl) {
            fprintf(stderr, "convscope render: --step: the %s lab has no timeline\n", lab->name);
            return 2;
        }
        if (step > tl->count) {
            fprintf(stderr, "convscope render: --step %ld: this scene has steps 0..%d\n", step,
                    tl->count);
            return 2;
        }
        timeline_seek(tl, (int)step);
    }
    return 0;
}

int window_render_command(int argc, char **argv)
{
    RenderArgs a;
    memset(&a, 0, sizeof a);
    a.w = 1280;
    a.h = 800;
    a.scale = 1.0f;
    a.theme = THEME_DARK;
    int lab_index = -1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            render_usage(stdout);
            return 0;
        }
    }
    int bad = parse_render_args(argc, argv, &a);
    if (!bad)
        bad = check_render_args(&a, &lab_index);
    if (bad)
        return bad;

    char msg[1024];
    Headless hd;
    if (!headless_open(&hd, a.w, a.h, msg, sizeof msg)) {
        fprintf(stderr, "convscope render: %s\n", msg);
        return 1;
    }
    App *app = app_create(a.theme, a.scale);
    if (!app) {
        fprintf(stderr, "convscope render: out of memory\n");
        headless_close(&hd);
        return 1;
    }
    int status = a.lesson ? render_open_lesson(app, &a) : 0;
    if (!status && lab_index >= 0)
        status = render_open_lab(app, lab_index, &a);
    if (!status) {
        app->help_open = a.help;
        UiInput in;
        memset(&in, 0, sizeof in);
        in.mx = in.my = -1;
        /* two frames: the second one sees whatever the first settled (eased highlights, layout) */
        app_frame(app, hd.r, &in, 0.0, true);
        app_frame(app, hd.r, &in, 1.0, true);
        SDL_RenderFlush(hd.sdl);
        if (app->banner[0])
            fprintf(stderr, "convscope render: warning: the lab reported: %s\n", app->banner);
        if (IMG_SavePNG(hd.surf, a.out) != 0) {
            fprintf(stderr, "convscope render: %s: cannot write the PNG: %s\n", a.out,
                    IMG_GetError());
            status = 1;
        }
    }
    app_destroy(app);
    headless_close(&hd);
    return status;
}

/* ==== frame bench ============================================================================= */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void window_frame_bench(FILE *out, bool json)
{
    enum { W = 1280, H = 800, WARM = 5, N = 100 };
    static double ms[N];
    Headless hd;
    char err[512];
    if (!headless_open(&hd, W, H, err, sizeof err)) {
        if (json)
            fprintf(out, "\"frames\": {\"error\": \"%s\"}", err);
        else
            fprintf(out, "frames: %s\n", err);
        return;
    }
    if (json)
        fprintf(out,
                "\"frames\": {\"size\": \"%dx%d\", \"renderer\": \"software\", "
                "\"frames\": %d, \"screens\": {",
                W, H, N);
    else
        fprintf(out, "frame time, %dx%d, software renderer, %d frames each (median / p99):\n", W, H,
                N);
    double freq = (double)SDL_GetPerformanceFrequency();
    for (int screen = -1; screen < LAB_COUNT; screen++) {
        App *app = app_create(THEME_DARK, 1.0f);
        if (!app)
            break;
        if (screen >= 0)
            app_open_lab(app, screen);
        /* the mouse rests on the middle of the stage, so hover paths run as they do live */
        UiInput in;
        memset(&in, 0, sizeof in);
        AppLayout L = app_layout(W, H, 1.0f, 1.0f, true);
        in.mx = L.stage.x + L.stage.w / 2;
        in.my = L.stage.y + L.stage.h / 2;
        for (int i = 0; i < WARM + N; i++) {
            Uint64 t0 = SDL_GetPerformanceCounter();
            app_frame(app, hd.r, &in, 1.0 / 60.0, false);
            SDL_RenderFlush(hd.sdl);
            Uint64 t1 = SDL_GetPerformanceCounter();
            if (i >= WARM)
                ms[i - WARM] = (double)(t1 - t0) * 1000.0 / freq;
        }
        qsort(ms, N, sizeof ms[0], cmp_double);
        double median = 0.5 * (ms[N / 2 - 1] + ms[N / 2]);
        double p99 = ms[(int)ceil(0.99 * N) - 1];
        const char *name = screen < 0 ? "home" : lab_get(screen)->name;
        bool built = screen < 0 || lab_is_built(lab_get(screen));
        if (json)
            fprintf(out, "%s\"%s\": {\"median_ms\": %.3f, \"p99_ms\": %.3f, \"built\": %s}",
                    screen < 0 ? "" : ", ", name, median, p99, built ? "true" : "false");
        else
            fprintf(out, "  %-12s %7.2f ms %7.2f ms%s\n", name, median, p99,
                    built ? "" : "   (lab not built: its frame only)");
        app_destroy(app);
    }
    if (json)
        fprintf(out, "}}");
    headless_close(&hd);
}

/* ==== the window ============================================================================== */

static UiKey ui_key_of(SDL_Keycode k)
{
    switch (k) {
    case SDLK_BACKSPACE:
        return UI_KEY_BACKSPACE;
    case SDLK_DELETE:
        return UI_KEY_DELETE;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
        return UI_KEY_ENTER;
    case SDLK_ESCAPE:
        return UI_KEY_ESCAPE;
    case SDLK_LEFT:
        return UI_KEY_LEFT;
    case SDLK_RIGHT:
        return UI_KEY_RIGHT;
    case SDLK_UP:
        return UI_KEY_UP;
    case SDLK_DOWN:
        return UI_KEY_DOWN;
    case SDLK_HOME:
        return UI_KEY_HOME;
    case SDLK_END:
        return UI_KEY_END;
    case SDLK_TAB:
        return UI_KEY_TAB;
    default:
        return UI_KEY_NONE;
    }
}

/* Saves the frame just drawn (before present) as convscope-YYYYmmdd-HHMMSS[-k].png. */
static void save_screenshot(App *app, SDL_Renderer *sdl)
{
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(sdl, &w, &h);
    char name[128], msg[400];
    time_t now = time(NULL);
    struct tm tmv;
    localtime_r(&now, &tmv);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tmv);
    snprintf(name, sizeof name, "convscope-%s.png", stamp);
    struct stat sb;
    for (int k = 2; stat(name, &sb) == 0 && k < 100; k++)
        snprintf(name, sizeof name, "convscope-%s-%d.png", stamp, k);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s || SDL_RenderReadPixels(sdl, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) != 0) {
        snprintf(msg, sizeof msg, "screenshot: cannot read the window: %s", SDL_GetError());
        app_error(app, msg);
    } else if (IMG_SavePNG(s, name) != 0) {
        snprintf(msg, sizeof msg, "%s: cannot write the screenshot: %s", name, IMG_GetError());
        app_error(app, msg);
    } else {
        /* the folder too: the file lands wherever convscope was started from */
        char cwd[256];
        if (getcwd(cwd, sizeof cwd))
            snprintf(msg, sizeof msg, "saved %s (%dx%d) in %s", name, w, h, cwd);
        else
            snprintf(msg, sizeof msg, "saved %s (%dx%d)", name, w, h);
        app_toast(app, msg);
    }
    SDL_FreeSurface(s);
}

/* Fullscreen over the desktop. SDL's FULLSCREEN_DESKTOP asks the window manager (X11:
 * _NET_WM_STATE_FULLSCREEN); with no window manager (a bare X server such as Xvfb, a kiosk)
 * nobody resizes the window, yet SDL reports the display's size, so the app laid out for
 * 1920x1080 in a 1280x800 window and F did not come back. There the window is made borderless
 * and moved over the display itself, and put back where it was. A window manager shows itself
 * by the frame it draws (SDL_GetWindowBordersSize); an undecorated one gets the same
 * borderless window, which is what it would show for fullscreen anyway. */
typedef struct Fullscreen {
    bool on, manual;
    SDL_Rect saved; /* the windowed position and size to come back to */
} Fullscreen;

static void toggle_fullscreen(SDL_Window *win, Fullscreen *fs)
{
    if (fs->on) {
        if (fs->manual) {
            SDL_SetWindowBordered(win, SDL_TRUE);
            SDL_SetWindowSize(win, fs->saved.w, fs->saved.h);
            SDL_SetWindowPosition(win, fs->saved.x, fs->saved.y);
        } else {
            SDL_SetWindowFullscreen(win, 0);
        }
        fs->on = fs->manual = false;
        return;
    }
    int top = 0, left = 0, bottom = 0, right = 0;
    const char *driver = SDL_GetCurrentVideoDriver();
    bool x11 = driver && strcmp(driver, "x11") == 0;
    bool framed = SDL_GetWindowBordersSize(win, &top, &left, &bottom, &right) == 0 &&
                  (top | left | bottom | right) != 0;
    SDL_Rect d;
    if (x11 && !framed && SDL_GetDisplayBounds(SDL_GetWindowDisplayIndex(win), &d) == 0) {
        SDL_GetWindowPosition(win, &fs->saved.x, &fs->saved.y);
        SDL_GetWindowSize(win, &fs->saved.w, &fs->saved.h);
        SDL_SetWindowBordered(win, SDL_FALSE);
        SDL_SetWindowPosition(win, d.x, d.y);
        SDL_SetWindowSize(win, d.w, d.h);
        fs->manual = true;
    } else {
        SDL_SetWindowFullscreen(win, SDL_WINDOW_FULLSCREEN_DESKTOP);
        fs->manual = false;
    }
    fs->on = true;
}

int window_run(void)
{
    return window_run_lesson(NULL, 1);
}

/* The window and what draws into it. */
typedef struct Window {
    SDL_Window *win;
    SDL_Renderer *sdl;
    Render *r;
    bool vsync; /* the renderer waits for the display's refresh */
} Window;

/* Whether sdl is an OpenGL renderer whose driver rasterises on the CPU (Mesa's llvmpipe,
 * softpipe or swrast: no GPU, as in a VM or under Xvfb). Such a driver draws on the CPU as SDL's
 * software renderer does (the one the frame bench measures), and its own heap climbs in steps of
 * tens of MB as text textures come and go (issue 9's soak: 144 -> 448 MB; 141-166 MB flat with
 * the software renderer), so the window draws with the software renderer instead.
 * SDL_RENDER_DRIVER, when set, wins. */
static bool renderer_is_cpu_gl(SDL_Renderer *sdl)
{
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(sdl, &info) != 0 || strncmp(info.name, "opengl", 6) != 0)
        return false;
    typedef const unsigned char *(*GlGetString)(unsigned int);
    GlGetString get_string = NULL;
    void *fn = SDL_GL_GetProcAddress("glGetString");
    if (!fn)
        return false;
    memcpy(&get_string, &fn, sizeof fn);
    const char *name = (const char *)get_string(0x1F01 /* GL_RENDERER */);
    return name && (strstr(name, "llvmpipe") || strstr(name, "softpipe") ||
                    strstr(name, "swrast") || strstr(name, "Software Rasterizer"));
}

/* Opens the display and a resizable window of up to 1280x800 (the usable desktop, not under
 * 800x600) with its renderer (accelerated with vsync, else software, as with a CPU GL driver);
 * false with the reason on stderr. */
static bool window_open(Window *wd)
{
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "convscope: cannot open the display: %s\n", SDL_GetError());
        return false;
    }
    int w = 1280, h = 800;
    SDL_Rect usable;
    if (SDL_GetDisplayUsableBounds(0, &usable) == 0) {
        if (w > usable.w)
            w = usable.w < 800 ? 800 : usable.w;
        if (h > usable.h)
            h = usable.h < 600 ? 600 : usable.h;
    }
    SDL_Window *win = SDL_CreateWindow("convscope", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                       w, h, SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!win) {
        fprintf(stderr, "convscope: cannot open a window: %s\n", SDL_GetError());
        SDL_Quit();
        return false;
    }
    SDL_SetWindowMinimumSize(win, 800, 600);
    SDL_Renderer *sdl =
        SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (sdl && !getenv("SDL_RENDER_DRIVER") && renderer_is_cpu_gl(sdl)) {
        SDL_DestroyRenderer(sdl);
        sdl = NULL;
        /* and the window's own surface straight to the display (X11 shared memory): by
         * default SDL would keep it in a texture of that same CPU GL driver, which cost
         * 140-170 ms a frame after each resize to 1920x1080 in the soak */
        if (!getenv("SDL_FRAMEBUFFER_ACCELERATION"))
            SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    }
    if (!sdl)
        sdl = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    if (!sdl) {
        fprintf(stderr, "convscope: cannot create a renderer: %s\n", SDL_GetError());
        SDL_DestroyWindow(win);
        SDL_Quit();
        return false;
    }
    SDL_RendererInfo info;
    SDL_GetRendererInfo(sdl, &info);
    char err[512];
    Render *r = render_create(sdl, NULL, err, sizeof err);
    if (!r) {
        fprintf(stderr, "convscope: %s\n", err);
        SDL_DestroyRenderer(sdl);
        SDL_DestroyWindow(win);
        SDL_Quit();
        return false;
    }
    *wd = (Window){win, sdl, r, (info.flags & SDL_RENDERER_PRESENTVSYNC) != 0};
    return true;
}

static void window_close(Window *wd)
{
    render_destroy(wd->r);
    SDL_DestroyRenderer(wd->sdl);
    SDL_DestroyWindow(wd->win);
    SDL_Quit();
}

/* glibc keeps freed heap pages (a lab's digits, a GL driver's texture storage) resident and lets
 * them fragment, so resident memory climbs in steps over a long session though the memory in
 * use stays flat (issue 9). Big blocks are mapped on their own (returned to the system when
 * freed), and every TRIM_SECONDS the free pages inside the heap are handed back. */
#define TRIM_SECONDS 10.0

static void memory_setup(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

static void memory_trim(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* The mouse between frames, in drawable pixels (-1, -1 off the window). */
typedef struct Pointer {
    int mx, my;
    bool down;
} Pointer;

/* Handles event e into this frame's input (clicks, wheel, editing keys, typed text) and the
 * app (shortcut keys, dropped files, quit), the mouse into ptr; ratio is drawable pixels per
 * window point. */
static void window_event(App *app, const SDL_Event *e, float ratio, UiInput *in, Pointer *ptr)
{
    switch (e->type) {
    case SDL_QUIT:
        app->req.quit = true;
        break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_LEAVE)
            ptr->mx = ptr->my = -1;
        break;
    case SDL_MOUSEMOTION:
        ptr->mx = (int)lroundf((float)e->motion.x * ratio);
        ptr->my = (int)lroundf((float)e->motion.y * ratio);
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT) {
            ptr->mx = (int)lroundf((float)e->button.x * ratio);
            ptr->my = (int)lroundf((float)e->button.y * ratio);
            in->mouse_pressed = true;
            ptr->down = true;
        }
        break;
    case SDL_MOUSEBUTTONUP:
        if (e->button.button == SDL_BUTTON_LEFT) {
            in->mouse_released = true;
            ptr->down = false;
        }
        break;
    case SDL_MOUSEWHEEL:
        in->wheel += e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e->wheel.y : e->wheel.y;
        break;
    case SDL_KEYDOWN: {
        SDL_Keycode k = e->key.keysym.sym;
        /* the event's own modifiers: reliable even when focus changed in between */
        Uint16 mod = e->key.keysym.mod;
        bool ctrl = (mod & KMOD_CTRL) != 0, shift = (mod & KMOD_SHIFT) != 0;
        if (ui_wants_keys(&app->ui) && !ctrl) {
            in->key = ui_key_of(k);
        } else if (ui_wants_keys(&app->ui) && k == SDLK_a && !shift) {
            in->key = UI_KEY_SELECT_ALL; /* Ctrl+A in a field: select its text */
        } else if (!app_key(app, (int)k, ctrl, shift)) {
            in->key = ui_key_of(k);
        }
        break;
    }
    case SDL_DROPFILE:
        /* a picture dropped on the window becomes the current lab's input */
        if (e->drop.file) {
            app_drop_file(app, e->drop.file);
            SDL_free(e->drop.file);
        }
        break;
    case SDL_DROPTEXT:
        SDL_free(e->drop.file); /* dragged text, not a file: nothing to load */
        break;
    case SDL_TEXTINPUT:
        if (ui_wants_keys(&app->ui) && strlen(in->text) + strlen(e->text.text) < sizeof in->text)
            strcat(in->text, e->text.text);
        break;
    default:
        break;
    }
}

int window_run_lesson(const char *lesson, int step)
{
    Window wd;
    memory_setup();
    if (!window_open(&wd))
        return 1;
    SDL_Window *win = wd.win;
    SDL_Renderer *sdl = wd.sdl;
    Render *r = wd.r;
    App *app = app_create(THEME_DARK, 1.0f);
    if (!app) {
        fprintf(stderr, "convscope: out of memory\n");
        window_close(&wd);
        return 1;
    }
    if (lesson) {
        char lerr[1400];
        if (!lesson_host_open(app, lesson, step, lerr, sizeof lerr)) {
            /* the window stays open with the message, as for any bad content */
            fprintf(stderr, "convscope: %s\n", lerr);
            app_error(app, lerr);
        }
    }
    SDL_StartTextInput();

    bool busy = true;
    Pointer ptr = {-1, -1, false};
    Fullscreen fs = {false, false, {0, 0, 0, 0}};
    Uint64 freq = SDL_GetPerformanceFrequency(), last = SDL_GetPerformanceCounter();
    /* CONVSCOPE_FRAME_LOG=FILE: each presented frame's milliseconds (drawing and presenting),
     * a line each, with the wall clock, for the soak test (tests/soak) */
    const char *frame_log_path = getenv("CONVSCOPE_FRAME_LOG");
    FILE *frame_log = frame_log_path && frame_log_path[0] ? fopen(frame_log_path, "w") : NULL;
    Uint64 next_trim = last + (Uint64)(TRIM_SECONDS * (double)freq);
    while (!app->req.quit) {
        UiInput in;
        memset(&in, 0, sizeof in);
        SDL_Event e;
        bool have = false;
        if (busy) {
            have = SDL_PollEvent(&e) != 0;
        } else {
            /* idle: sleep until something happens; nothing moves on its own */
            have = SDL_WaitEventTimeout(&e, 1000) != 0;
            if (!have)
                continue;
        }
        Uint64 start = SDL_GetPerformanceCounter(); /* the frame: its events, drawing, present */
        int ww = 1, wh = 1, pw = 1, ph = 1;
        SDL_GetWindowSize(win, &ww, &wh);
        SDL_GetRendererOutputSize(sdl, &pw, &ph);
        float ratio = ww > 0 ? (float)pw / (float)ww : 1.0f;
        app->pixel_ratio = ratio;
        /* any event but a bare mouse move may change what a widget shows during the frame:
         * app_frame_present then draws it settled before presenting */
        bool settle = false;
        for (; have; have = SDL_PollEvent(&e) != 0) {
            if (e.type != SDL_MOUSEMOTION)
                settle = true;
            window_event(app, &e, ratio, &in, &ptr);
        }
        if (app->req.toggle_fullscreen) {
            app->req.toggle_fullscreen = false;
            toggle_fullscreen(win, &fs);
            settle = true;
        }
        in.mx = ptr.mx;
        in.my = ptr.my;
        in.mouse_down = ptr.down;
        SDL_Keymod mod = SDL_GetModState();
        in.ctrl = (mod & KMOD_CTRL) != 0;
        in.shift = (mod & KMOD_SHIFT) != 0;

        Uint64 now = SDL_GetPerformanceCounter();
        double dt = (double)(now - last) / (double)freq;
        last = now;
        if (!busy || dt > 0.25)
            dt = busy ? 0.25 : 0.0; /* after idling, do not jump the animations */
        busy = app_frame_present(app, r, &in, dt, settle);
        if (app->req.screenshot) {
            app->req.screenshot = false;
            save_screenshot(app, sdl);
            busy = true;
        }
        Uint64 drawn = SDL_GetPerformanceCounter();
        SDL_RenderPresent(sdl);
        Uint64 shown = SDL_GetPerformanceCounter();
        if (now >= next_trim) {
            memory_trim();
            next_trim = now + (Uint64)(TRIM_SECONDS * (double)freq);
        }
        if (frame_log) {
            /* the frame's milliseconds from its first event to its end (events, drawing,
             * presenting, a trim), the wall clock at its end (the soak matches it with what it
             * did just before), then the events', the drawing's and the present's shares */
            double ms_per = 1000.0 / (double)freq;
            Uint64 end = SDL_GetPerformanceCounter();
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            fprintf(frame_log, "%.3f %.3f %.3f %.3f %.3f\n", ms_per * (double)(end - start),
                    (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec,
                    ms_per * (double)(now - start), ms_per * (double)(drawn - now),
                    ms_per * (double)(shown - drawn));
            fflush(frame_log);
        }
        if (!wd.vsync && busy) {
            /* no vsync (software fallback): hold to about 60 frames per second */
            double spent = (double)(SDL_GetPerformanceCounter() - now) / (double)freq;
            if (spent < 1.0 / 60.0)
                SDL_Delay((Uint32)((1.0 / 60.0 - spent) * 1000.0));
        }
    }
    SDL_StopTextInput();
    if (frame_log)
        fclose(frame_log);
    app_destroy(app);
    window_close(&wd);
    return 0;
}
