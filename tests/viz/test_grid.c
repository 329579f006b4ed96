/* test_grid.c - the grid view's pure layout and hover hit-testing (no SDL). */
#include "test.h"
#include "viz/grid.h"

int main(void)
{
    Theme th = theme_make(THEME_DARK, 1.0f);
    float data[3 * 4] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; /* (3, 4) */
    GridView v = grid_view_make("input", data, 3, 4, COLORMAP_SEQUENTIAL);
    v.pad_top = v.pad_bottom = v.pad_left = v.pad_right = 1;

    /* plenty of room: cells at the 48 px maximum, block centred horizontally */
    Rect avail = {100, 50, 800, 600};
    GridLayout L = grid_layout(&v, avail, &th, 20);
    CHECK_INT_EQ(48, L.cell);
    CHECK_INT_EQ(5, L.total_rows);
    CHECK_INT_EQ(6, L.total_cols);
    CHECK_INT_EQ(6 * 48, L.cells.w);
    CHECK_INT_EQ(5 * 48, L.cells.h);
    CHECK_INT_EQ(100 + 400 - 3 * 48, L.cells.x);
    CHECK(L.title.h == 20);
    CHECK(L.cells.y >= L.title.y + L.title.h);
    CHECK(L.legend.y >= L.cells.y + L.cells.h);
    CHECK(L.legend.y + L.legend.h <= avail.y + avail.h);
    CHECK(L.value_size > 0 && L.value_size <= 16);

    /* scale 2: the maximum doubles */
    Theme th2 = theme_make(THEME_DARK, 2.0f);
    GridLayout L2 = grid_layout(&v, avail, &th2, 40);
    CHECK_INT_EQ(96, L2.cell);

    /* tight room: cells shrink to fit the width, square, and values hide below 9 px */
    Rect tight = {0, 0, 60, 600};
    GridLayout T = grid_layout(&v, tight, &th, 20);
    CHECK_INT_EQ(10, T.cell);
    CHECK_INT_EQ(0, T.value_size);
    CHECK(T.cells.x >= 0 && T.cells.x + T.cells.w <= 60);

    /* hover: the centre of data cell (row 1, col 2) */
    Rect c12 = grid_cell_rect(&v, &L, 1, 2);
    CHECK_INT_EQ(L.cells.x + 3 * 48, c12.x);
    CHECK_INT_EQ(L.cells.y + 2 * 48, c12.y);
    GridHit h = grid_hit_test(&v, &L, c12.x + 24, c12.y + 24);
    CHECK(h.inside);
    CHECK(!h.in_padding);
    CHECK_INT_EQ(1, h.row);
    CHECK_INT_EQ(2, h.col);
    CHECK_NEAR(7.0, h.value, 0.0);
    /* the top-left corner cell is padding at (-1, -1) with value 0 */
    h = grid_hit_test(&v, &L, L.cells.x, L.cells.y);
    CHECK(h.inside);
    CHECK(h.in_padding);
    CHECK_INT_EQ(-1, h.row);
    CHECK_INT_EQ(-1, h.col);
    CHECK_NEAR(0.0, h.value, 0.0);
    /* the last pixel of the block: padding (3, 4) */
    h = grid_hit_test(&v, &L, L.cells.x + L.cells.w - 1, L.cells.y + L.cells.h - 1);
    CHECK(h.inside && h.in_padding);
    CHECK_INT_EQ(3, h.row);
    CHECK_INT_EQ(4, h.col);
    /* one pixel outside: nothing */
    h = grid_hit_test(&v, &L, L.cells.x + L.cells.w, L.cells.y);
    CHECK(!h.inside);
    h = grid_hit_test(&v, &L, L.cells.x - 1, L.cells.y + 10);
    CHECK(!h.inside);
    /* data cell (0, 0) sits right after the padding ring */
    h = grid_hit_test(&v, &L, L.cells.x + 48, L.cells.y + 48);
    CHECK(h.inside && !h.in_padding);
    CHECK_INT_EQ(0, h.row);
    CHECK_INT_EQ(0, h.col);
    CHECK_NEAR(1.0, h.value, 0.0);

    /* without padding, every cell maps back to its own value */
    GridView w = grid_view_make("kernel", data, 3, 4, COLORMAP_DIVERGING);
    GridLayout WL = grid_layout(&w, avail, &th, 20);
    int all = 1;
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++) {
            Rect cr = grid_cell_rect(&w, &WL, r, c);
            GridHit g = grid_hit_test(&w, &WL, cr.x + cr.w - 1, cr.y);
            if (!g.inside || g.row != r || g.col != c || g.value != data[r * 4 + c])
                all = 0;
        }
    CHECK(all);

    /* highlights are capped */
    for (int i = 0; i < GRID_MAX_HIGHLIGHTS + 5; i++)
        grid_add_highlight(&w, 0, 0, 1, 1, GRID_HL_HOVER);
    CHECK_INT_EQ(GRID_MAX_HIGHLIGHTS, w.n_highlights);

    /* values off: no value size */
    v.show_values = false;
    GridLayout N = grid_layout(&v, avail, &th, 20);
    CHECK_INT_EQ(0, N.value_size);

    /* a note ("(padding 1)") takes a second title line: the cells move down by one line in a
     * tight box and shrink to make room; the title rect holds both lines */
    Rect box = {0, 0, 300, 5 * 40 + 20 + 4 + 40};
    v.note = NULL;
    GridLayout A = grid_layout(&v, box, &th, 20);
    v.note = "(padding 1)";
    GridLayout B = grid_layout(&v, box, &th, 20);
    CHECK_INT_EQ(20, A.title.h);
    CHECK_INT_EQ(40, B.title.h);
    CHECK_INT_EQ(B.title.y + 40 + 4, B.cells.y);
    CHECK(B.cell < A.cell);
    CHECK(B.cells.y + B.cells.h <= B.legend.y);
    CHECK(B.legend.y + B.legend.h <= box.y + box.h);
    return test_summary();
}
