/* labs/matrix/view_controls.c - the Matrix lab's control column: mode and values, the sizes,
 * the engine's check that the matrix IS the operation, and the keys.
 * Depends on: labs/matrix/view_int.h, labs/matrix/model.h, ui, viz. */
#include "labs/matrix/view_int.h"
#include "labs/common/column.h"

#include "viz/colormap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- the controls ---------------------------------------------------------------------- */

static const char *const preset_items[MATPRESET_COUNT] = {"Count 0, 1, 2, …", "Edge + Sobel-like",
                                                          "Random −3…3"};

/* The settings: mode and values (dropdowns), input and kernel size, stride, padding, and in
 * transposed mode the output padding; a change rebuilds the scene. */
static void draw_settings(MatrixLab *L, LabContext *ctx, UiColumn *colp)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    MatScene *s = &L->sc;
    UiColumn col = *colp;
    ui_column_heading(ui, &col, "Mode (M), values (R)");
    int sel = (int)s->mode;
    if (ui_dropdown(ui, ui_id("mx.mode"), ui_column_next(&col, 1), matscene_mode_labels(),
                    MATMODE_COUNT, &sel)) {
        s->mode = (MatMode)sel;
        matview_rebuild(L, true);
    }
    sel = (int)s->preset;
    if (ui_dropdown(ui, ui_id("mx.preset"), ui_column_next(&col, 1), preset_items, MATPRESET_COUNT,
                    &sel)) {
        s->preset = (MatPreset)sel;
        matview_rebuild(L, true);
    }
    int lo, hi, v;
    matscene_range_n(s, &lo, &hi);
    v = s->n;
    if (ui_slider_int(ui, ui_id("mx.n"), ui_column_next(&col, 1), "Input", &v, lo, hi) &&
        v != s->n) {
        s->n = v;
        matview_rebuild(L, true);
    }
    v = s->k;
    if (ui_slider_int(ui, ui_id("mx.k"), ui_column_next(&col, 1), "Kernel", &v, 2, MATLAB_MAX_K) &&
        v != s->k) {
        s->k = v;
        matview_rebuild(L, true);
    }
    matscene_range_stride(s, &lo, &hi);
    v = s->stride;
    if (ui_slider_int(ui, ui_id("mx.stride"), ui_column_next(&col, 1), "Stride", &v, lo, hi) &&
        v != s->stride) {
        s->stride = v;
        matview_rebuild(L, false);
    }
    v = s->pad;
    if (ui_slider_int(ui, ui_id("mx.pad"), ui_column_next(&col, 1), "Padding", &v, 0, 1) &&
        v != s->pad) {
        s->pad = v;
        matview_rebuild(L, false);
    }
    if (s->mode == MATMODE_TRANSPOSED) {
        if (s->stride > 1) {
            Rect rc = ui_column_next(&col, 1);
            v = s->outpad;
            if (ui_slider_int(ui, ui_id("mx.outpad"), rc, "Out pad", &v, 0, s->stride - 1) &&
                v != s->outpad) {
                s->outpad = v;
                matview_rebuild(L, false);
            }
        } else {
            lsu_column_lines(ui, &col, "Out pad 0 (needs stride 2)", FONT_SANS, THEME_SMALL,
                             th->text_dim);
        }
    }
    *colp = col;
}

/* The proof that the picture is the operation, from the engine (max |M·x - conv|, M's size and
 * non-zeros), then the keys; a line is kept free at the bottom for the keys (their list, or the
 * line that points at the H overlay). */
static void draw_check(const MatrixLab *L, LabContext *ctx, UiColumn *colp)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    const MatScene *s = &L->sc;
    UiColumn col = *colp;
    /* the proof that the picture is the operation, from the engine; a line is kept free at
     * the bottom for the keys (their list, or the line that shows it on hover) */
    int keys_lh = render_line_height(ui->r, FONT_SANS, theme_px(th, THEME_SMALL)) + col.gap;
    int check_h = col.row_h + col.gap +
                  render_line_height(ui->r, FONT_MONO, theme_px(th, THEME_SMALL)) + col.gap;
    if (col.y + check_h + keys_lh > col.area.y + col.area.h)
        keys_lh = 0; /* the check comes first */
    col.area.h -= keys_lh;
    ui_column_heading(ui, &col, "Check");
    char buf[160];
    char d[32];
    colormap_format_value(s->max_diff, 6, d, sizeof d);
    if (s->mode == MATMODE_TRANSPOSED)
        snprintf(buf, sizeof buf, "max|Mᵀ·x − deconv| = %s", d);
    else
        snprintf(buf, sizeof buf, "max|M·x − conv| = %s", d);
    lsu_column_lines(ui, &col, buf, FONT_MONO, THEME_SMALL,
                     s->max_diff == 0.0f ? th->text : th->warning);
    if (s->mode != MATMODE_FLIP) {
        snprintf(buf, sizeof buf, "M: %d×%d, %d non-zeros (%d%%)", s->m.rows, s->m.cols,
                 s->m.n_entries,
                 (int)lroundf(100.0f * (float)s->m.n_entries / (float)(s->m.rows * s->m.cols)));
        lsu_column_lines(ui, &col, buf, FONT_MONO, THEME_SMALL, th->text_dim);
    }
    col.area.h += keys_lh;
    lsu_column_keys(ui, &col,
                    "M mode   R values\nN input  K kernel\nS stride P padding\nO output padding\n"
                    "wheel on x or K: ±1\nhover: linked cells");
}

void matview_draw_controls(MatrixLab *L, LabContext *ctx)
{
    UiColumn col = ui_column(ctx->controls, ctx->th);
    /* all the slider labels of every mode: the tracks line up and stay put across modes */
    static const char *const labels[] = {"Input", "Kernel", "Stride", "Padding", "Out pad"};
    ui_column_labels(ctx->ui, &col, labels, (int)(sizeof labels / sizeof labels[0]));
    draw_settings(L, ctx, &col);
    draw_check(L, ctx, &col);
}
