/* labs/pool/view_controls.c - the Pooling lab's controls column: the input source and its own
 * row (digit, matrix size, the picture's path), max/average/L2, the window and stride fields
 * and the usual settings in one click. Depends on: labs/pool/view_int.h, ui, viz. */
#include "labs/pool/view_int.h"

static const char *const psrc_items[POOL_SRC_COUNT] = {"Notes: 4\xC3\x97"
                                                       "4 map",
                                                       "Digit: 3 feature maps", "Digit pixels",
                                                       "Matrix (edit)", "Image file\xE2\x80\xA6"};
static const char *const kind_items[3] = {"Max", "Average", "L2"};

/* The row under the source: what that source lets you choose. */
static void draw_source_row(PoolLab *L, LabContext *ctx, Rect row, int label_w, int gap)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    if ((L->sc.src == POOL_SRC_MAPS || L->sc.src == POOL_SRC_DIGIT) && L->sc.digits && row.w > 0) {
        ui_label(ui, (Rect){row.x, row.y, label_w, row.h}, "Digit #", FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        if (ui_number_int(ui, ui_id("pool.digit"),
                          (Rect){row.x + label_w, row.y, (row.w - label_w) / 2, row.h},
                          &L->sc.digit_index, 0, L->sc.digits->n - 1))
            L->sc.dirty = true;
    } else if (L->sc.src == POOL_SRC_MATRIX) {
        if (ui_slider_int(ui, ui_id("pool.size"), row, "Size", &L->sc.msize, 2, 16))
            L->sc.dirty = true;
    } else if (L->sc.src == POOL_SRC_FILE && row.w > 0) {
        /* type a path (Enter or Load), or drop a picture on the window */
        UiId pid = ui_id("pool.path");
        if (L->focus_path) {
            ui->st.focus = pid;
            L->focus_path = false;
        }
        int bw = theme_px(th, 56);
        Rect f = {row.x, row.y, row.w - bw - gap, row.h};
        bool go =
            ui_text_field(ui, pid, f, L->path_edit, sizeof L->path_edit,
                          L->sc.have_file ? L->sc.file_name : "path, Enter (or drop a picture)");
        go = ui_button(ui, ui_id("pool.load"), (Rect){row.x + row.w - bw, row.y, bw, row.h},
                       "Load") ||
             go;
        if (go && L->path_edit[0]) {
            char err[1024];
            if (!poollab_load_file(L, L->path_edit, err, sizeof err))
                lab_report_error(ctx, err);
        }
    } else if (row.w > 0) {
        ui_label(ui, row, "From the lecture notes", FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
    }
}

/* Window and stride fields, then the usual settings in one click. */
static void draw_window_rows(PoolLab *L, LabContext *ctx, UiColumn *col, int label_w, int gap)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    const char *labels[2] = {"Window", "Stride"};
    int *fields[2][2] = {{&L->sc.kh, &L->sc.kw}, {&L->sc.sh, &L->sc.sw}};
    for (int i = 0; i < 2; i++) {
        Rect rr = ui_column_next(col, 1);
        if (rr.w <= 0)
            break;
        ui_label(ui, (Rect){rr.x, rr.y, label_w, rr.h}, labels[i], FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        int fw = (rr.w - label_w - gap) / 2;
        for (int f = 0; f < 2; f++)
            if (ui_number_int(ui, ui_id_index(ui_id(labels[i]), 10 + f),
                              (Rect){rr.x + label_w + f * (fw + gap), rr.y, fw, rr.h}, fields[i][f],
                              1, POOLLAB_MAX_WIN))
                L->sc.dirty = true;
    }
    Rect pr = ui_column_next(col, 1);
    if (pr.w > 0) {
        /* the usual settings in one click */
        static const int presets[3][2] = {{2, 2}, {3, 2}, {3, 3}};
        static const char *const names[3] = {"2\xC3\x97"
                                             "2 s2",
                                             "3\xC3\x97"
                                             "3 s2",
                                             "3\xC3\x97"
                                             "3 s3"};
        int bw = (pr.w - 2 * gap) / 3;
        for (int i = 0; i < 3; i++)
            if (ui_button(ui, ui_id_index(ui_id("pool.preset"), i),
                          (Rect){pr.x + i * (bw + gap), pr.y, bw, pr.h}, names[i])) {
                L->sc.kh = L->sc.kw = presets[i][0];
                L->sc.sh = L->sc.sw = presets[i][1];
                L->sc.dirty = true;
            }
    }
}

void poollab_draw_controls(PoolLab *L, LabContext *ctx)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    UiColumn col = ui_column(ctx->controls, th);
    int gap = ui_gap(th), label_w = theme_px(th, 74);
    /* the Size slider's label in the same column as the number fields' labels */
    ui->label_w = label_w;
    int src = (int)L->sc.src;
    if (ui_dropdown(ui, ui_id("pool.src"), ui_column_next(&col, 1), psrc_items, POOL_SRC_COUNT,
                    &src)) {
        if ((src == POOL_SRC_MAPS || src == POOL_SRC_DIGIT) && !L->sc.digits)
            lab_report_error(ctx, L->digits_err);
        else {
            L->sc.src = (PoolSource)src;
            L->sc.dirty = true;
            /* no picture yet: the path field takes the keyboard at once */
            if (src == POOL_SRC_FILE && !L->sc.have_file)
                L->focus_path = true;
        }
    }
    draw_source_row(L, ctx, ui_column_next(&col, 1), label_w, gap);
    int kind = (int)L->sc.kind;
    Rect kr = ui_column_next(&col, 1);
    if (kr.w > 0) {
        ui_label(ui, (Rect){kr.x, kr.y, label_w, kr.h}, "Pooling", FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        if (ui_dropdown(ui, ui_id("pool.kind"), (Rect){kr.x + label_w, kr.y, kr.w - label_w, kr.h},
                        kind_items, 3, &kind)) {
            L->sc.kind = (PoolKind)kind;
            L->sc.dirty = true;
        }
    }
    draw_window_rows(L, ctx, &col, label_w, gap);
}
