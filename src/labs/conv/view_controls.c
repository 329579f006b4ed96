/* labs/conv/view_controls.c - the Convolution lab's controls column: the input source and its
 * own row (digit and class, matrix or canvas size, the picture's path), the kernel preset, the
 * kernel, stride, padding and dilation fields, the bias and the Visits toggle.
 * Depends on: labs/conv/view_int.h, labs/common/digits, ui, viz. */
#include "labs/conv/view_int.h"
#include "labs/common/digits.h"

#include <string.h>

static const char *const source_items[CONV_SRC_COUNT] = {
    "Notes: 3\xC3\x97"
    "3 input 0..8",
    "Notes: 10\xC3\x97"
    "10 of 90s",
    "Digit",
    "Matrix (edit)",
    "Canvas (draw)",
    "Image file\xE2\x80\xA6",
    "1-D signal",
};

/* The Image file row: type a path (Enter or Load), or drop a picture on the window. */
static void draw_file_row(ConvLab *L, LabContext *ctx, Rect row, int gap)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    UiId pid = ui_id("conv.path");
    if (L->focus_path) {
        ui->st.focus = pid;
        L->focus_path = false;
    }
    int bw = theme_px(th, 56);
    Rect f = {row.x, row.y, row.w - bw - gap, row.h};
    /* the longer hint where the field has room for it (a drop works too: see H) */
    const char *hint = "path to an image, Enter";
    int hint_w = 0;
    render_text_size(ctx->r, FONT_SANS, theme_px(th, THEME_BODY), hint, &hint_w, NULL);
    if (hint_w > f.w - 2 * theme_px(th, 6))
        hint = "image path + Enter";
    bool go = ui_text_field(ui, pid, f, L->path_edit, sizeof L->path_edit,
                            L->sc.have_file ? L->sc.file_name : hint);
    go = ui_button(ui, ui_id("conv.load"), (Rect){row.x + row.w - bw, row.y, bw, row.h}, "Load") ||
         go;
    if (go && L->path_edit[0]) {
        char err[1024];
        if (convlab_load_file(L, L->path_edit, err, sizeof err))
            convlab_recompute(L);
        else
            lab_report_error(ctx, err);
    }
}

/* The row under the source: what that source lets you choose. */
static void draw_source_row(ConvLab *L, LabContext *ctx, Rect row, int label_w, int gap)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    if (L->sc.src == CONV_SRC_DIGIT && L->sc.digits) {
        Rect a = {row.x, row.y, label_w, row.h};
        ui_label(ui, a, "Digit #", FONT_SANS, THEME_BODY, ALIGN_LEFT | ALIGN_MIDDLE, ctx->th->text);
        int fw = (row.w - label_w - 2 * gap) / 2;
        Rect f = {row.x + label_w, row.y, fw, row.h};
        if (ui_number_int(ui, ui_id("conv.digit"), f, &L->sc.digit_index, 0, L->sc.digits->n - 1))
            L->sc.dirty = true;
        static const char *const classes[10] = {"class 0", "class 1", "class 2", "class 3",
                                                "class 4", "class 5", "class 6", "class 7",
                                                "class 8", "class 9"};
        int cls = L->sc.digits->labels[L->sc.digit_index % L->sc.digits->n];
        Rect d = {f.x + fw + gap, row.y, row.x + row.w - (f.x + fw + gap), row.h};
        if (ui_dropdown(ui, ui_id("conv.class"), d, classes, 10, &cls)) {
            L->sc.digit_index = lsu_digit_of_class(L->sc.digits, cls, 0);
            L->sc.dirty = true;
        }
    } else if (L->sc.src == CONV_SRC_DIGIT) {
        ui_label(ui, row, L->digits_err, FONT_SANS, THEME_SMALL, ALIGN_LEFT | ALIGN_MIDDLE,
                 th->error);
    } else if (L->sc.src == CONV_SRC_MATRIX || L->sc.src == CONV_SRC_CANVAS) {
        int *size = L->sc.src == CONV_SRC_MATRIX ? &L->sc.msize : &L->sc.csize;
        int bw = L->sc.src == CONV_SRC_CANVAS ? theme_px(th, 64) : 0;
        Rect s = {row.x, row.y, row.w - (bw ? bw + gap : 0), row.h};
        if (ui_slider_int(ui, ui_id("conv.size"), s, "Size", size, 3, CONVLAB_MAX_IN))
            L->sc.dirty = true;
        if (bw && ui_button(ui, ui_id("conv.clear"), (Rect){row.x + row.w - bw, row.y, bw, row.h},
                            "Clear"))
            convscene_clear_canvas(&L->sc);
    } else if (L->sc.src == CONV_SRC_FILE) {
        draw_file_row(L, ctx, row, gap);
    } else {
        ui_label(ui, row,
                 L->sc.src == CONV_SRC_SIGNAL ? "S1..S8 and W1 W2 W3 (ours)"
                                              : "From the lecture notes",
                 FONT_SANS, THEME_BODY, ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
    }
}

/* The kernel preset dropdown ("Custom" once a weight was edited by hand). */
static void draw_preset(ConvLab *L, Ui *ui, Rect row)
{
    static const char *preset_items[KERNELS_PRESET_COUNT + 1];
    for (int i = 0; i < KERNELS_PRESET_COUNT; i++)
        preset_items[i] = kernels_preset_label((KernelsPreset)i);
    preset_items[KERNELS_PRESET_COUNT] = "Custom";
    int preset = L->sc.preset < 0 ? KERNELS_PRESET_COUNT : L->sc.preset;
    if (ui_dropdown(ui, ui_id("conv.preset"), row, preset_items, KERNELS_PRESET_COUNT + 1,
                    &preset) &&
        preset < KERNELS_PRESET_COUNT)
        convscene_set_preset(&L->sc, (KernelsPreset)preset);
}

/* "Label [a] [b]" rows of number fields: type, drag sideways, wheel or Up/Down. */
static void draw_geometry_rows(ConvLab *L, LabContext *ctx, UiColumn *col, int label_w, int gap)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    ConvScene *sc = &L->sc;
    struct {
        const char *label;
        int *a, *b, *c, *d;
        int lo, hi;
    } rows[4] = {
        {"Kernel", &sc->kh, &sc->kw, NULL, NULL, 1, CONVLAB_MAX_K},
        {"Stride", &sc->sh, &sc->sw, NULL, NULL, 1, 8},
        {"Padding", &sc->pt, sc->pad_sides ? &sc->pb : NULL, sc->pad_sides ? &sc->pl : NULL,
         sc->pad_sides ? &sc->pr : NULL, 0, CONVLAB_MAX_K},
        {"Dilation", &sc->dh, &sc->dw, NULL, NULL, 1, 4},
    };
    for (int i = 0; i < 4; i++) {
        Rect rr = ui_column_next(col, 1);
        if (rr.w <= 0)
            break;
        if (i == 2 && sc->pad_sides) {
            /* per side: the label is the toggle back to one padding for all sides */
            if (ui_toggle(ui, ui_id("conv.padmode2"), (Rect){rr.x, rr.y, label_w, rr.h}, "TBLR",
                          &sc->pad_sides)) {
                sc->pb = sc->pl = sc->pr = sc->pt;
                sc->dirty = true;
            }
        } else {
            ui_label(ui, (Rect){rr.x, rr.y, label_w, rr.h}, rows[i].label, FONT_SANS, THEME_BODY,
                     ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        }
        int *fields[4] = {rows[i].a, rows[i].b, rows[i].c, rows[i].d};
        int nf = 0;
        while (nf < 4 && fields[nf])
            nf++;
        /* two fields a row (one padding field leaves the second place to "per side") */
        int fw = (rr.w - label_w - (nf > 2 ? nf - 1 : 1) * gap) / (nf > 2 ? nf : 2);
        int extra = fw + gap;
        for (int f = 0; f < nf; f++) {
            int hi = rows[i].hi;
            if (i == 2) /* padding up to the kernel size on that axis */
                hi = f < 2 ? sc->kh : sc->kw;
            Rect fr = {rr.x + label_w + f * (fw + gap), rr.y, fw, rr.h};
            int old_kh = sc->kh, old_kw = sc->kw;
            if (ui_number_int(ui, ui_id_index(ui_id(rows[i].label), f), fr, fields[f], rows[i].lo,
                              hi)) {
                sc->dirty = true;
                if (i == 2 && !sc->pad_sides)
                    sc->pb = sc->pl = sc->pr = sc->pt;
                if (i == 0) {
                    convscene_clamp(sc);
                    convscene_resize_kernel(sc, old_kh, old_kw);
                }
            }
        }
        if (i == 2 && !sc->pad_sides) {
            Rect br = {rr.x + rr.w - extra + gap, rr.y, extra - gap, rr.h};
            if (ui_toggle(ui, ui_id("conv.padmode"), br, "sides", &sc->pad_sides))
                sc->dirty = true;
        }
    }
}

/* The controls: 8 rows, so they fit at UI scale 2 on 1080 lines. */
void convlab_draw_controls(ConvLab *L, LabContext *ctx)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    UiColumn col = ui_column(ctx->controls, th);
    int gap = ui_gap(th);
    int label_w = theme_px(th, 74);
    /* the Size slider's label in the same column as the number fields' labels */
    ui->label_w = label_w;

    int src = (int)L->sc.src;
    if (ui_dropdown(ui, ui_id("conv.src"), ui_column_next(&col, 1), source_items, CONV_SRC_COUNT,
                    &src)) {
        convlab_choose_source(L, (ConvSource)src);
        /* no picture yet: the path field takes the keyboard at once */
        if (src == CONV_SRC_FILE && !L->sc.have_file)
            L->focus_path = true;
    }
    draw_source_row(L, ctx, ui_column_next(&col, 1), label_w, gap);
    draw_preset(L, ui, ui_column_next(&col, 1));
    draw_geometry_rows(L, ctx, &col, label_w, gap);

    Rect br = ui_column_next(&col, 1);
    if (br.w > 0) {
        ui_label(ui, (Rect){br.x, br.y, label_w, br.h}, "Bias", FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        int fw = (br.w - label_w - gap) / 2;
        if (ui_number(ui, ui_id("conv.bias"), (Rect){br.x + label_w, br.y, fw, br.h}, &L->sc.bias,
                      -100.0f, 100.0f, 0.5f, 2))
            L->sc.dirty = true;
        ui_toggle(ui, ui_id("conv.cov"), (Rect){br.x + label_w + fw + gap, br.y, fw, br.h},
                  "Visits", &L->sc.coverage);
    }
}
