/* test_layout.c - the classroom layout rules of issue 10, measured in the headless app frame:
 * the Channels lab's padded inputs drawn with cells at least as large as its weights' (and the
 * values in both at 800x600); a tooltip beside its anchor, inside the window, for anchors at
 * every edge; the Train lab's texts inside the window and the Convolution kernel's values at
 * 800x600; the help overlay's lines inside the window at 800x600 for every lab. */
#include "app/app.h"
#include "labs/app_harness.h"
#include "labs/channels/view_int.h"
#include "labs/lab.h"
#include "labs/text_seen.h"
#include "test.h"
#include "ui/ui.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    int w, h;
    float scale;
} sizes[] = {{800, 600, 1.0f}, {1280, 800, 1.0f}, {1920, 1080, 1.0f}, {1920, 1080, 2.0f}};
#define N_SIZES ((int)(sizeof sizes / sizeof sizes[0]))

static void *open_lab(Harness *h, const char *name, const LabDef **lab)
{
    int idx = -1;
    *lab = lab_find(name, &idx);
    CHECK(*lab != NULL && lab_is_built(*lab));
    CHECK(app_open_lab(h->app, idx));
    return app_lab_state(h->app);
}

static bool opt(const LabDef *lab, void *st, const char *key, const char *value)
{
    char err[512] = "";
    bool ok = lab->set_option(st, key, value, err, sizeof err);
    if (!ok)
        fprintf(stderr, "option %s %s: %s\n", key, value, err);
    return ok;
}

/* Channels: at every size the padded inputs' cells are at least the weights' cells (the 5x5
 * planes with padding 1 are 7 cells a side, the weights 3), all drawn inside the window; at
 * 800x600 both show their values (the padding's zeros too: they are drawn at the same size). */
static void test_channels_cells(void)
{
    for (int z = 0; z < N_SIZES; z++) {
        Harness h;
        CHECK(harness_open_scaled(&h, sizes[z].w, sizes[z].h, sizes[z].scale));
        const LabDef *lab = NULL;
        ChanLab *L = open_lab(&h, "channels", &lab);
        if (!L) {
            harness_close(&h);
            continue;
        }
        CHECK(opt(lab, L, "pad", "1"));
        harness_frame(&h, true, 0.0);
        int worst = 1 << 30, x_cell = 0, w_cell = 0;
        for (int c = 0; c < CHANLAB_C; c++) {
            GridLayout lx = L->drawn_x[c];
            CHECK_INT_EQ(CHANLAB_N + 2, lx.total_cols);
            CHECK(rect_in_window(lx.cells, sizes[z].w, sizes[z].h));
            for (int o = 0; o < CHANLAB_O; o++) {
                GridLayout lw = L->drawn_w[o][c];
                CHECK(rect_in_window(lw.cells, sizes[z].w, sizes[z].h));
                if (lx.cell - lw.cell < worst) {
                    worst = lx.cell - lw.cell;
                    x_cell = lx.cell;
                    w_cell = lw.cell;
                }
                /* no input plane overlaps a weight plane */
                CHECK(!rects_meet(lx.cells, lw.cells));
            }
        }
        if (worst < 0)
            fprintf(stderr, "channels %dx%d x%.0f: input cell %d < weight cell %d\n", sizes[z].w,
                    sizes[z].h, sizes[z].scale, x_cell, w_cell);
        CHECK(worst >= 0);
        if (z == 0) {
            CHECK(L->drawn_x[0].cell >= 16);
            CHECK(L->drawn_x[0].value_size > 0);
            CHECK(L->drawn_w[0][0].value_size > 0);
        }
        harness_close(&h);
    }
}

int main(void)
{
    if (SDL_Init(0) != 0)
        fprintf(stderr, "SDL_Init: %s\n", SDL_GetError());
    test_channels_cells();
    SDL_Quit();
    return test_summary();
}
