/* trio.c - three grids placed together (see trio.h). */
#include "labs/common/trio.h"

#include <string.h>

/* The kernel's cell beside an input cell c (see lsu_layout_trio): 1.5 c, or when legible
 * is set read_cell if that is larger and keeps the kernel block within the input block. */
static int trio_kernel_cell(int c, int max_cell, int read_cell, int in_cols, int k_cols,
                            bool legible)
{
    int k = c + c / 2;
    if (legible && read_cell > k && read_cell * k_cols <= c * in_cols)
        k = read_cell;
    if (k > max_cell)
        k = max_cell;
    return k < c ? c : k;
}

/* Block width/height of grid i at cell size cell: cells, or its title line when wider. */
static int trio_w(const LsuTrioGrid *g, int cell)
{
    int w = g->cols * cell;
    return w > g->min_w ? w : g->min_w;
}

static int trio_h(const LsuTrioGrid *g, int cell)
{
    return g->rows * cell + g->text_h;
}

static bool trio_fits(LsuTrioArrange a, Rect area, const LsuTrioGrid g[3], int op, int c, int k)
{
    int w0 = trio_w(&g[0], c), w1 = trio_w(&g[1], k), w2 = trio_w(&g[2], c);
    int h0 = trio_h(&g[0], c), h1 = trio_h(&g[1], k), h2 = trio_h(&g[2], c);
    int top = h0 > h1 ? h0 : h1;
    switch (a) {
    case LSU_TRIO_ROW:
        return w0 + w1 + w2 + 2 * op <= area.w && top <= area.h && h2 <= area.h;
    case LSU_TRIO_TWO_ROWS: {
        int wide = w0 + op + w1 > op + w2 ? w0 + op + w1 : op + w2;
        return wide <= area.w && top + h2 <= area.h;
    }
    default: {
        int wide = w0 > w1 ? w0 : w1;
        wide = wide > w2 ? wide : w2;
        return wide <= area.w && h0 + h1 + h2 + 2 * op <= area.h;
    }
    }
}

LsuTrio lsu_layout_trio(Rect area, const LsuTrioGrid g[3], int op, int max_cell, int read_cell)
{
    LsuTrio t;
    memset(&t, 0, sizeof t);
    int best_c = 0, best_k = 1;
    for (int a = LSU_TRIO_ROW; a <= LSU_TRIO_COLUMN; a++) {
        /* the largest c that fits with any kernel cell (c_any), and the largest with a legible
         * kernel (c_leg): the legible one wins when it costs the input at most a tenth and
         * leaves it at least 3/8 of read_cell (12 px beside a 32 px kernel cell) */
        int c_any = 0, k_any = 1, c_leg = 0, k_leg = 1;
        for (int c = max_cell; c > 1 && !c_leg && (!c_any || c * 10 >= c_any * 9); c--) {
            int kl = trio_kernel_cell(c, max_cell, read_cell, g[0].cols, g[1].cols, true);
            if (trio_fits((LsuTrioArrange)a, area, g, op, c, kl)) {
                if (!c_any) {
                    c_any = c;
                    k_any = kl;
                }
                if (kl >= read_cell) {
                    c_leg = c;
                    k_leg = kl;
                }
                continue;
            }
            /* at this c the smaller kernel may still fit */
            int ks = trio_kernel_cell(c, max_cell, read_cell, g[0].cols, g[1].cols, false);
            if (!c_any && trio_fits((LsuTrioArrange)a, area, g, op, c, ks)) {
                c_any = c;
                k_any = ks;
            }
        }
        bool leg = c_leg > 0 && c_leg * 10 >= c_any * 9 && c_leg * 8 >= read_cell * 3;
        int c = leg ? c_leg : (c_any > 0 ? c_any : 1), k = leg ? k_leg : k_any;
        if (c > best_c) {
            best_c = c;
            best_k = c > 1 ? k : trio_kernel_cell(1, max_cell, read_cell, 1, 1, false);
            t.arrange = (LsuTrioArrange)a;
        }
    }
    int c = best_c > 0 ? best_c : 1;
    int k = best_k;
    t.cell[0] = t.cell[2] = c;
    t.cell[1] = k;
    int w0 = trio_w(&g[0], c), w1 = trio_w(&g[1], k), w2 = trio_w(&g[2], c);
    int h0 = trio_h(&g[0], c), h1 = trio_h(&g[1], k), h2 = trio_h(&g[2], c);
    /* the space left over goes around the grids evenly, so they stay together and centred */
    if (t.arrange == LSU_TRIO_ROW) {
        int used = w0 + w1 + w2 + 2 * op;
        int gap = (area.w - used) / 4;
        int x = area.x + gap;
        t.area[0] = (Rect){x, area.y, w0, area.h};
        x += w0 + op;
        t.area[1] = (Rect){x, area.y, w1, area.h};
        x += w1 + op;
        t.area[2] = (Rect){x, area.y, w2, area.h};
        t.op_x[0] = t.area[0].x + w0 + op / 2;
        t.op_x[1] = t.area[1].x + w1 + op / 2;
        t.op_y[0] = t.op_y[1] = -1;
    } else if (t.arrange == LSU_TRIO_TWO_ROWS) {
        int top = h0 > h1 ? h0 : h1;
        int gap_y = (area.h - top - h2) / 3;
        int y = area.y + gap_y;
        int x = area.x + (area.w - (w0 + op + w1)) / 2;
        t.area[0] = (Rect){x, y, w0, top};
        t.area[1] = (Rect){x + w0 + op, y, w1, top};
        int x2 = area.x + (area.w - (op + w2)) / 2 + op;
        t.area[2] = (Rect){x2, y + top + gap_y, w2, h2};
        t.op_x[0] = x + w0 + op / 2;
        t.op_x[1] = x2 - op / 2;
        t.op_y[0] = -1;
        t.op_y[1] = t.area[2].y + h2 / 2;
    } else {
        int gap_y = (area.h - (h0 + h1 + h2 + 2 * op)) / 4;
        int y = area.y + gap_y;
        int cx = area.x + area.w / 2;
        t.area[0] = (Rect){cx - w0 / 2, y, w0, h0};
        y += h0;
        t.op_x[0] = cx;
        t.op_y[0] = y + op / 2;
        y += op;
        t.area[1] = (Rect){cx - w1 / 2, y, w1, h1};
        y += h1;
        t.op_x[1] = cx;
        t.op_y[1] = y + op / 2;
        y += op;
        t.area[2] = (Rect){cx - w2 / 2, y, w2, h2};
    }
    return t;
}
