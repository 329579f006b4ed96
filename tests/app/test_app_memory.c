/* test_app_memory.c - exploratory driver (temporary) */
#include "app/app.h"
#include "app/lesson_host.h"
#include "labs/lab.h"
#include "test.h"

#include <SDL.h>
#include <malloc.h>
#include <stdlib.h>

static long heap(void)
{
    struct mallinfo2 mi = mallinfo2();
    return (long)mi.uordblks;
}
static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &v) == 1)
            break;
    if (f)
        fclose(f);
    return v;
}

typedef struct Out {
    SDL_Surface *s;
    SDL_Renderer *sdl;
    Render *r;
} Out;

static void out_open(Out *o, int w, int h)
{
    if (getenv("MEM_WINDOW")) {
        SDL_Init(SDL_INIT_VIDEO);
        SDL_Window *win = SDL_CreateWindow("mem", 0, 0, w, h, 0);
        o->sdl = SDL_CreateRenderer(win, -1, SDL_RENDERER_ACCELERATED);
        SDL_RendererInfo info;
        SDL_GetRendererInfo(o->sdl, &info);
        printf("renderer %s\n", info.name);
    } else {
        o->s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
        o->sdl = SDL_CreateSoftwareRenderer(o->s);
    }
    char err[256];
    o->r = render_create(o->sdl, NULL, err, sizeof err);
}

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 5;
    Out small, big;
    out_open(&small, 800, 600);
    out_open(&big, 1920, 1080);
    App *app = app_create(THEME_DARK, 1.0f);
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;
    static const char *lessons[] = {"01-images-as-numbers", "03-sliding-a-kernel", "09-counting-parameters",
                                    "12-flatten-dense-softmax", "13-training", "14-backprop", "15-receptive-fields"};
    app_key(app, SDLK_5, false, false);
    app_frame(app, small.r, &in, 0.016, false);
    app_key(app, SDLK_SPACE, false, false);
    for (int f = 0; f < (argc > 2 ? atoi(argv[2]) : 0); f++) {
        { Out *o = ((f / 50) & 1) ? &big : &small; app_frame(app, o->r, &in, 0.016, false); if (!o->s) SDL_RenderPresent(o->sdl); }
        SDL_Delay(16);
        if (f % 100 == 99) {
            if (getenv("TRIM"))
                malloc_trim(0);
            int ns, nb;
            render_text_stats(small.r, &ns, NULL, NULL);
            render_text_stats(big.r, &nb, NULL, NULL);
            long m0, m1;
            render_text_stats(big.r, NULL, NULL, &m0);
            app_frame(app, big.r, &in, 0.016, false);
            render_text_stats(big.r, NULL, NULL, &m1);
            printf("train frame %d: heap %ld rss %ld kB, text entries %d + %d, bytes %ld + %ld, big misses/frame %ld\n", f + 1, heap(), rss_kb(), ns, nb, render_text_bytes(small.r), render_text_bytes(big.r), m1 - m0);
            fflush(stdout);
        }
    }
    for (int it = 0; it < iters; it++) {
        long h0 = heap();
        for (int k = 0; k < 8; k++) {
            app_key(app, SDLK_1 + k, false, false);
            app_frame(app, (k & 1) ? big.r : small.r, &in, 0.016, false);
        }
        long h1 = heap();
        for (size_t l = 0; l < sizeof lessons / sizeof *lessons; l++) {
            char path[512], err[512];
            snprintf(path, sizeof path, CONVSCOPE_SOURCE_ROOT "/lessons/%s.lesson", lessons[l]);
            if (!lesson_host_open(app, path, 1, err, sizeof err))
                printf("open %s: %s\n", path, err);
            for (int s = 2; s < 30; s++) {
                if (!lesson_host_go(app, s))
                    break;
                app_frame(app, (s & 1) ? big.r : small.r, &in, 0.016, false);
            }
            lesson_host_close(app);
        }
        long h2 = heap();
        app_key(app, SDLK_1, false, false);
        static const char *bad[] = {"/tmp/soakdrv/bad/huge.png", "/tmp/soakdrv/bad/cut.png", "/tmp/soakdrv/bad/huge.jpg",
                                    "/tmp/soakdrv/bad/notes.png", "/tmp/soakdrv/bad/a-folder.png", "/tmp/soakdrv/bad/missing.png"};
        for (int b = 0; b < 6; b++) {
            app_drop_file(app, bad[b]);
            app_frame(app, small.r, &in, 0.016, false);
        }
        if (getenv("TRIM"))
            malloc_trim(0);
        long h3 = heap();
        printf("iter %d: labs %+ld lessons %+ld bad %+ld  heap %ld  rss %ld kB\n", it, h1 - h0, h2 - h1,
               h3 - h2, h3, rss_kb());
        fflush(stdout);
    }
    app_destroy(app);
    return 0;
}
