/* labs/act/view_controls.c - the Activations lab's control column: the function and its
 * parameter, the probe, the stack's depth, the feature map's digit and kernel, and the keys.
 * Depends on: labs/act/view_int.h, labs/act/model.h, ui, viz. */
#include "labs/act/view_int.h"
#include "labs/common/column.h"

#include <stdio.h>
#include <string.h>

void actview_draw_controls(ActLab *L, LabContext *ctx)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    ActScene *s = &L->sc;
    UiColumn col = ui_column(ctx->controls, th);
    /* every slider label this column can show, so the tracks stay put when the function
     * (and with it the parameter slider) changes */
    static const char *const labels[] = {"Slope \xCE\xB1", "Sharpness \xCE\xB2", "Probe x",
                                         "Stack k", "Digit"};
    ui_column_labels(ui, &col, labels, (int)(sizeof labels / sizeof labels[0]));
    bool changed = false;
    ui_column_heading(ui, &col, "Function  (A)");
    int sel = (int)s->kind;
    if (ui_dropdown(ui, ui_id("act.kind"), ui_column_next(&col, 1), actscene_kind_labels(),
                    ACTLAB_KINDS, &sel)) {
        s->kind = (ActKind)sel;
        changed = true;
    }
    if (s->kind == ACT_LEAKY) {
        changed |= ui_slider(ui, ui_id("act.alpha"), ui_column_next(&col, 1), "Slope α", &s->alpha,
                             0.0f, 0.5f, 0.01f, 2);
    } else if (s->kind == ACT_SOFTPLUS) {
        changed |= ui_slider(ui, ui_id("act.beta"), ui_column_next(&col, 1), "Sharpness β",
                             &s->beta, 0.25f, 10.0f, 0.25f, 2);
    }
    float probe = s->probe;
    if (ui_slider(ui, ui_id("act.probe"), ui_column_next(&col, 1), "Probe x", &probe, ACTLAB_X_LO,
                  ACTLAB_X_HI, 0.05f, 2)) {
        s->probe = probe;
        actscene_update_probe(s);
        actview_sync_timeline(L);
    }
    int k = s->k;
    if (ui_slider_int(ui, ui_id("act.k"), ui_column_next(&col, 1), "Stack k", &k, 1,
                      ACTLAB_MAX_K) &&
        k != s->k) {
        s->k = k;
        changed = true;
    }
    ui_column_heading(ui, &col, "Feature map");
    int d = s->digit_index;
    char dl[64];
    snprintf(dl, sizeof dl, "Digit");
    if (ui_slider_int(ui, ui_id("act.digit"), ui_column_next(&col, 1), dl, &d, 0,
                      L->digits.n - 1) &&
        d != s->digit_index) {
        actview_load_digit(L, d);
        changed = true;
    }
    int n_kernels = 0;
    const char *const *kitems = actview_kernel_labels(&n_kernels);
    sel = L->kernel_sel;
    if (ui_dropdown(ui, ui_id("act.kernel"), ui_column_next(&col, 1), kitems, n_kernels, &sel)) {
        L->kernel_sel = sel;
        actview_load_kernel(L);
        changed = true;
    }
    lsu_column_keys(ui, &col,
                    "← → probe ±0.1\nA function  K stack k\nD digit     G kernel\n"
                    "drag the probe on the plot\nhover a map: its z on the curve");
    if (changed)
        actview_rebuild(L);
}
