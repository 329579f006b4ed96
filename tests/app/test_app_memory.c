/* test_app_memory.c - the soak's events through the app's own API, many times over, with the
 * heap in use measured (issue 9: resident memory must stay flat over a long session). One round
 * is what the soak does in a few minutes: every lab shown, lessons opened and stepped through
 * (each step re-creates its lab, the Train and Network labs load the digits), the six bad
 * pictures of tests/soak dropped on Convolution, and frames drawn alternately at 800x600 and
 * 1920x1080. The heap in use (mallinfo2) after round 6 must be within 1 MB of round 3 (the
 * first rounds fill caches; the Network lab's background training adds a few hundred KB of
 * noise) once the text cache's own growth (bounded by its byte budget, checked here too) is
 * taken out: a lab state or a digits set kept per round would add megabytes (the Train lab's
 * digits alone are 7.8 MB). */
#include "labs/app_harness.h"

#include "app/lesson_host.h"
#include "test.h"

#include <SDL.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#define ROUNDS    6
#define SLACK     (1L << 20)
#define BAD       "memory-bad"
#define LESSONDIR CONVSCOPE_SOURCE_ROOT "/lessons/"

static long heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return (long)mi.uordblks;
}

/* A render target of w x h (the window's two sizes in the soak). */
typedef struct Target {
    SDL_Surface *s;
    SDL_Renderer *sdl;
    Render *r;
} Target;

static bool target_open(Target *t, int w, int h)
{
    char err[256];
    t->s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    t->sdl = t->s ? SDL_CreateSoftwareRenderer(t->s) : NULL;
    t->r = t->sdl ? render_create(t->sdl, NULL, err, sizeof err) : NULL;
    return t->r != NULL;
}

static void target_close(Target *t)
{
    render_destroy(t->r);
    SDL_DestroyRenderer(t->sdl);
    SDL_FreeSurface(t->s);
}

static Target small, big;
static int frames;
static long text_peak; /* the most bytes either text cache held after a frame */

static void frame(App *app)
{
    UiInput in;
    memset(&in, 0, sizeof in);
    in.mx = in.my = -1;
    Target *t = (frames++ / 3) % 2 ? &big : &small;
    app_frame(app, t->r, &in, 1.0 / 60.0, false);
    long b = render_text_bytes(t->r);
    if (b > text_peak)
        text_peak = b;
}

static long text_bytes(void)
{
    return render_text_bytes(small.r) + render_text_bytes(big.r);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void round_of_events(App *app)
{
    static const char *lessons[] = {"01-images-as-numbers", "09-counting-parameters", "13-training",
                                    "14-backprop"};
    static const char *bad[] = {BAD "/huge.png",  BAD "/cut.png",      BAD "/huge.jpg",
                                BAD "/notes.png", BAD "/a-folder.png", BAD "/missing.png"};
    for (int k = 0; k < LAB_COUNT; k++) {
        app_key(app, SDLK_1 + k, false, false);
        frame(app);
    }
    for (size_t l = 0; l < sizeof lessons / sizeof *lessons; l++) {
        char path[512], err[1400];
        snprintf(path, sizeof path, LESSONDIR "%s.lesson", lessons[l]);
        CHECK(lesson_host_open(app, path, 1, err, sizeof err));
        frame(app);
        for (int s = 2; lesson_host_go(app, s); s++)
            frame(app);
        for (int s = lesson_host_step(app) - 1; s >= 1 && lesson_host_go(app, s); s -= 3)
            frame(app);
        lesson_host_close(app);
    }
    app_key(app, SDLK_1, false, false);
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
        CHECK(!app_drop_file(app, bad[b]));
        frame(app);
    }
    app->banner[0] = '\0';
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    mkdir(BAD, 0755);
    mkdir(BAD "/a-folder.png", 0755);
    /* the soak's bad pictures that need no PNG checksums (test_app_hostile has the rest) */
    write_text(BAD "/huge.png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\x01\x86\xa0\0\x01\x86\xa0");
    write_text(BAD "/cut.png", "\x89PNG\r\n\x1a\n\0\0");
    write_text(BAD "/huge.jpg", "\xff\xd8\xff\xc0\0\x0b\x08\xff\xff\xff\xff\x01\x01\x11");
    write_text(BAD "/notes.png", "these are not pixels\n");

    CHECK(target_open(&small, 800, 600));
    CHECK(target_open(&big, 1920, 1080));
    App *app = app_create(THEME_DARK, 1.0f);
    CHECK(app != NULL);
    if (!app || !small.r || !big.r)
        return test_summary();
    long heap[ROUNDS + 1], text[ROUNDS + 1];
    for (int i = 1; i <= ROUNDS; i++) {
        round_of_events(app);
        heap[i] = heap_in_use();
        text[i] = text_bytes();
        printf("round %d: heap in use %ld bytes (%+ld), text cache %ld bytes\n", i, heap[i],
               i > 1 ? heap[i] - heap[i - 1] : 0L, text[i]);
    }
    /* what stays per round, beyond the text cache filling up to its budget */
    long kept = (heap[ROUNDS] - heap[3]) - (text[ROUNDS] - text[3]);
    printf("kept over rounds 4..%d: %ld bytes (%ld a round)\n", ROUNDS, kept, kept / (ROUNDS - 3));
    CHECK(kept <= SLACK);
    /* the text cache stays inside its budget (one entry may overshoot it by itself; a label at
     * 1920x1080 is far under 1 MB) */
    printf("text cache peak: %ld bytes (budget %ld)\n", text_peak, (long)RENDER_TEXT_BUDGET);
    CHECK(text_peak <= RENDER_TEXT_BUDGET + (1L << 20));
    app_destroy(app);
    /* the first render made owns SDL_ttf: it closes last */
    target_close(&big);
    target_close(&small);
    return test_summary();
}
