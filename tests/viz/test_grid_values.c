/* test_grid_values.c - one decimal rule per grid: every cell of a grid is written with the same
 * number of decimals ("0.090" beside "0.101", never "0.09"), fewer when the cells are small
 * (down to two significant digits of the largest value), and each written value fits its cell
 * as the real mono font measures it. */
#include "test.h"
#include "viz/grid.h"

#include <SDL.h>
#include <string.h>

/* Digits after the '.' of s (0 without one). */
static int decimals_of(const char *s)
{
    const char *dot = strchr(s, '.');
    return dot ? (int)strlen(dot + 1) : 0;
}

/* Lays v out in avail and checks its cells: all with `want` decimals, all inside the cell at
 * the layout's value size. Returns the layout. */
static GridLayout check_cells(Render *r, const Theme *th, const GridView *v, Rect avail, int want)
{
    GridLayout L = grid_layout(v, avail, th, 20);
    CHECK(L.value_size > 0);
    CHECK_INT_EQ(want, L.value_decimals);
    for (int i = 0; i < v->rows; i++)
        for (int j = 0; j < v->cols; j++) {
            char buf[48];
            const char *t = grid_cell_text(v, &L, i, j, buf, sizeof buf);
            CHECK_INT_EQ(want, decimals_of(t));
            int w = 0, h = 0;
            render_text_size(r, FONT_MONO, L.value_size, t, &w, &h);
            if (w > L.cell - 2)
                fprintf(stderr, "'%s' is %d px wide in a %d px cell\n", t, w, L.cell);
            CHECK(w > 0 && w <= L.cell - 2);
            CHECK(h <= L.cell);
        }
    return L;
}

int main(void)
{
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 320, 240, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    char err[512] = "";
    Render *r = sdl ? render_create(sdl, NULL, err, sizeof err) : NULL;
    CHECK(r != NULL);
    if (!r) {
        fprintf(stderr, "%s\n", err);
        return test_summary();
    }
    Theme th = theme_make(THEME_DARK, 1.0f);

    /* the softmax column of issue 10: 0.09 and 0.101 in one grid */
    float p[4] = {0.09f, 0.101f, 0.5f, 1.0f};
    GridView v = grid_view_make("p", p, 4, 1, COLORMAP_SEQUENTIAL);
    v.decimals = 3;
    GridLayout L = check_cells(r, &th, &v, (Rect){0, 0, 400, 400}, 3);
    char buf[48];
    CHECK_STR_EQ("0.090", grid_cell_text(&v, &L, 0, 0, buf, sizeof buf));
    CHECK_STR_EQ("0.101", grid_cell_text(&v, &L, 1, 0, buf, sizeof buf));
    CHECK_STR_EQ("0.500", grid_cell_text(&v, &L, 2, 0, buf, sizeof buf));
    CHECK_STR_EQ("1.000", grid_cell_text(&v, &L, 3, 0, buf, sizeof buf));
    /* padding and out-of-range cells carry no text */
    CHECK_STR_EQ("", grid_cell_text(&v, &L, -1, 0, buf, sizeof buf));
    CHECK_STR_EQ("", grid_cell_text(&v, &L, 4, 0, buf, sizeof buf));

    /* automatic decimals: 2 for these values, 1.0 written "1.00" like the others */
    v.decimals = -1;
    L = check_cells(r, &th, &v, (Rect){0, 0, 400, 400}, 2);
    CHECK_STR_EQ("0.09", grid_cell_text(&v, &L, 0, 0, buf, sizeof buf));
    CHECK_STR_EQ("0.10", grid_cell_text(&v, &L, 1, 0, buf, sizeof buf));
    CHECK_STR_EQ("1.00", grid_cell_text(&v, &L, 3, 0, buf, sizeof buf));

    /* 28 px cells: "0.101" at 9 px needs 5 × 0.62 × 9 + 4 = 32 px, so 3 decimals do not fit;
     * the whole grid drops to 2 (two significant digits of 1.0 need only 1, but 2 fit) */
    v.decimals = 3;
    Rect narrow = {0, 0, 28, 400};
    L = check_cells(r, &th, &v, narrow, 2);
    CHECK_INT_EQ(28, L.cell);
    CHECK_STR_EQ("0.09", grid_cell_text(&v, &L, 0, 0, buf, sizeof buf));

    /* signed values with a minus sign: the widest decides for all */
    float g[6] = {-0.0123f, 0.5f, 0.25f, -1.5f, 0.0f, 2.0f};
    GridView w = grid_view_make("grad", g, 2, 3, COLORMAP_DIVERGING);
    w.decimals = 3;
    L = check_cells(r, &th, &w, (Rect){0, 0, 600, 400}, 3);
    CHECK_STR_EQ("\xE2\x88\x92"
                 "0.012",
                 grid_cell_text(&w, &L, 0, 0, buf, sizeof buf));
    CHECK_STR_EQ("0.000", grid_cell_text(&w, &L, 1, 1, buf, sizeof buf));
    CHECK_STR_EQ("2.000", grid_cell_text(&w, &L, 1, 2, buf, sizeof buf));

    /* integers stay integers */
    float k[4] = {1, 0, -1, 2};
    GridView ki = grid_view_make("kernel", k, 2, 2, COLORMAP_DIVERGING);
    L = check_cells(r, &th, &ki, (Rect){0, 0, 400, 400}, 0);
    CHECK_STR_EQ("\xE2\x88\x92"
                 "1",
                 grid_cell_text(&ki, &L, 1, 0, buf, sizeof buf));

    /* cells too small even at the fewest decimals: values hide, and no cell has text */
    Rect tiny = {0, 0, 14, 400};
    L = grid_layout(&v, tiny, &th, 20);
    CHECK_INT_EQ(0, L.value_size);
    CHECK_STR_EQ("", grid_cell_text(&v, &L, 0, 0, buf, sizeof buf));

    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(surf);
    return test_summary();
}
