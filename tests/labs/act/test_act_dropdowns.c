/* test_act_dropdowns.c - the Activations lab's dropdowns in the real app frame: a click opens
 * each one, and the list ui_end draws (after the lab has drawn and returned) reads item labels
 * that are still there. The kernel list was once a local array of the control column's
 * function, read by ui_end after that function had returned (a crash when the stack was
 * reused); here the stack is overwritten between frames and the items must still read the
 * kernels' labels. */
#include "app/app.h"
#include "test.h"
#include "labs/app_harness.h"
#include "viz/kernels.h"

#include <SDL.h>
#include <stdio.h>
#include <string.h>

/* Writes over a stretch of the stack below the caller, as any later call would. */
static __attribute__((noinline)) int clobber_stack(int seed)
{
    volatile char junk[16384];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(seed + (int)i);
    return junk[seed % (int)sizeof junk];
}

static void click(Harness *h, int x, int y)
{
    h->in.mx = x;
    h->in.my = y;
    h->in.mouse_pressed = h->in.mouse_down = true;
    harness_frame(h, false, 0.0);
    h->in.mouse_pressed = h->in.mouse_down = false;
    h->in.mouse_released = true;
    harness_frame(h, false, 0.0);
    h->in.mouse_released = false;
}

/* Clicks down the middle of the control column until the dropdown id is open; its row's y, or
 * -1 when no click opened it. */
static int open_dropdown(Harness *h, UiId id)
{
    Rect c = h->app->lay.controls;
    for (int y = c.y + 4; y < c.y + c.h; y += 8) {
        click(h, c.x + c.w / 2, y);
        if (h->app->ui.st.open == id)
            return y;
        if (h->app->ui.st.open) {
            /* another dropdown opened: close it and go on */
            h->in.key = UI_KEY_ESCAPE;
            harness_frame(h, false, 0.0);
            h->in.key = UI_KEY_NONE;
        }
    }
    return -1;
}

static void test_kernel_dropdown(void)
{
    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    int idx = -1;
    CHECK(lab_find("activations", &idx) != NULL);
    CHECK(app_open_lab(h.app, idx));
    harness_frame(&h, false, 0.0);
    CHECK(open_dropdown(&h, ui_id("act.kernel")) > 0);
    /* the list the next ui_end draws: the offered kernels, Sobel x first */
    harness_frame(&h, false, 0.0);
    CHECK(clobber_stack(7) != 1000);
    CHECK_INT_EQ(5, h.app->ui.drop_n);
    CHECK(h.app->ui.drop_items != NULL);
    if (h.app->ui.drop_items && h.app->ui.drop_n == 5) {
        CHECK_STR_EQ(kernels_preset_label(KERNELS_SOBEL_X), h.app->ui.drop_items[0]);
        CHECK_STR_EQ(kernels_preset_label(KERNELS_EMBOSS), h.app->ui.drop_items[4]);
    }
    harness_close(&h);
}

static void test_function_dropdown(void)
{
    Harness h;
    CHECK(harness_open(&h, 1280, 800));
    int idx = -1;
    CHECK(lab_find("activations", &idx) != NULL);
    CHECK(app_open_lab(h.app, idx));
    harness_frame(&h, false, 0.0);
    CHECK(open_dropdown(&h, ui_id("act.kind")) > 0);
    harness_frame(&h, false, 0.0);
    CHECK(clobber_stack(3) != 1000);
    CHECK_INT_EQ(6, h.app->ui.drop_n);
    if (h.app->ui.drop_items && h.app->ui.drop_n == 6) {
        CHECK_STR_EQ("ReLU", h.app->ui.drop_items[0]);
        CHECK_STR_EQ("Softplus", h.app->ui.drop_items[5]);
    }
    harness_close(&h);
}

int main(void)
{
    if (SDL_Init(0) != 0)
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
    test_kernel_dropdown();
    test_function_dropdown();
    SDL_Quit();
    return test_summary();
}
