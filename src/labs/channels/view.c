/* labs/channels/view.c - the Channels lab: the notes' 5x5x3 input as three planes (R, G, B)
 * with zero padding, two 3x3x3 filters W0 and W1 with their biases, stride 2 -> 3x3x2. Each
 * step is one output cell: the three per-plane partial sums (each asked of the engine on its
 * plane alone), their total plus the bias (conv_cell), and both output maps filling in.
 * Every input value, weight and bias is editable.
 * This file: the LabDef, the lab's life, options, controls and help; the scene is model.c,
 * the stage and equation strip view_stage.c.
 * Depends on: labs/channels/model, labs/common (options), labs/lab.h, ui, viz. */
#include "labs/channels/view_int.h"
#include "labs/common/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void chanlab_recompute(ChanLab *L)
{
    ChanScene *sc = &L->sc;
    chanscene_rebuild(sc);
    if (sc->sweep.valid)
        L->out_scale = colorscale_fit(COLORMAP_DIVERGING, sc->out, sc->sweep.steps);
    L->x_scale = colorscale_fit(COLORMAP_SEQUENTIAL, sc->x, CHANLAB_C * CHANLAB_N * CHANLAB_N);
    L->w_scale =
        colorscale_fit(COLORMAP_DIVERGING, sc->w, CHANLAB_O * CHANLAB_C * CHANLAB_K * CHANLAB_K);
    timeline_set_count(&L->tl, sc->sweep.steps);
    L->shown_pos = -1;
}

static void *chan_create(char *err, size_t err_size)
{
    ChanLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "channels lab: out of memory");
        return NULL;
    }
    chanscene_init(&L->sc);
    L->sel_index = -1;
    timeline_init(&L->tl, 0);
    L->tl.unit = "window"; /* each step moves the window one place */
    chanlab_recompute(L);
    /* W0's first output is done: the notes' 9 */
    timeline_seek(&L->tl, 1);
    return L;
}

static void chan_destroy(void *state)
{
    free(state);
}

static bool chan_set_option(void *state, const char *key, const char *value, char *err,
                            size_t err_size)
{
    ChanLab *L = state;
    ChanScene *sc = &L->sc;
    int v[1];
    if (strcmp(key, "preset") == 0 || strcmp(key, "input") == 0) {
        if (strcmp(value, "rgb5") != 0 && strcmp(value, "notes") != 0) {
            snprintf(err, err_size, "%s=%s: expected rgb5 (the notes' 5x5x3 example)", key, value);
            return false;
        }
        chanscene_load_notes(sc);
    } else if (strcmp(key, "stride") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 1, 3, err, err_size))
            return false;
        sc->stride = v[0];
    } else if (strcmp(key, "pad") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 0, 2, err, err_size))
            return false;
        sc->pad = v[0];
    } else if (strcmp(key, "bias") == 0) {
        if (!chanscene_parse_floats(key, value, sc->b, CHANLAB_O, err, err_size))
            return false;
    } else if (strcmp(key, "x") == 0) {
        if (!chanscene_parse_floats(key, value, sc->x, CHANLAB_C * CHANLAB_N * CHANLAB_N, err,
                                    err_size))
            return false;
    } else if (strcmp(key, "w") == 0) {
        if (!chanscene_parse_floats(key, value, sc->w,
                                    CHANLAB_O * CHANLAB_C * CHANLAB_K * CHANLAB_K, err, err_size))
            return false;
    } else if (strcmp(key, "hover") == 0) {
        return chanscene_parse_hover(sc, value, err, err_size);
    } else {
        snprintf(err, err_size,
                 "channels: unknown option '%s' (preset, stride, pad, bias, x, w, hover, step)",
                 key);
        return false;
    }
    chanlab_recompute(L);
    return true;
}

static Timeline *chan_timeline(void *state)
{
    ChanLab *L = state;
    if (L->sc.dirty)
        chanlab_recompute(L);
    return &L->tl;
}

static bool chan_update(void *state, double dt)
{
    ChanLab *L = state;
    L->clock += dt;
    bool gliding = ease_rect_moving(&L->e_win, L->clock) || ease_rect_moving(&L->e_hwin, L->clock);
    for (int o = 0; o < CHANLAB_O; o++)
        gliding = gliding || ease_rect_moving(&L->e_cell[o], L->clock) ||
                  ease_rect_moving(&L->e_hcell[o], L->clock);
    return L->tl.playing || L->dragging || gliding;
}

static void draw_controls(ChanLab *L, LabContext *ctx)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    UiColumn col = ui_column(ctx->controls, th);
    int gap = ui_gap(th), label_w = theme_px(th, 74);
    if (ui_button(ui, ui_id("chan.reset"), ui_column_next(&col, 1), "The notes' example")) {
        chanscene_load_notes(&L->sc);
        L->sel = CHAN_SEL_NONE;
    }
    struct {
        const char *label;
        int *v;
        int lo, hi;
    } ints[2] = {{"Stride", &L->sc.stride, 1, 3}, {"Padding", &L->sc.pad, 0, 2}};
    for (int i = 0; i < 2; i++) {
        Rect rr = ui_column_next(&col, 1);
        if (rr.w <= 0)
            return;
        ui_label(ui, (Rect){rr.x, rr.y, label_w, rr.h}, ints[i].label, FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        if (ui_number_int(ui, ui_id_index(ui_id("chan.int"), i),
                          (Rect){rr.x + label_w, rr.y, (rr.w - label_w - gap) / 2, rr.h}, ints[i].v,
                          ints[i].lo, ints[i].hi))
            L->sc.dirty = true;
    }
    for (int o = 0; o < CHANLAB_O; o++) {
        Rect rr = ui_column_next(&col, 1);
        if (rr.w <= 0)
            return;
        char lbl[16];
        snprintf(lbl, sizeof lbl, "Bias b%d", o);
        ui_label(ui, (Rect){rr.x, rr.y, label_w, rr.h}, lbl, FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text);
        if (ui_number(ui, ui_id_index(ui_id("chan.bias"), o),
                      (Rect){rr.x + label_w, rr.y, (rr.w - label_w - gap) / 2, rr.h}, &L->sc.b[o],
                      -100.0f, 100.0f, 1.0f, 2))
            L->sc.dirty = true;
    }
    Rect rr = ui_column_next(&col, 1);
    if (rr.w <= 0)
        return;
    if (L->sel == CHAN_SEL_NONE) {
        ui_label(ui, rr, "Click a cell to edit it", FONT_SANS, THEME_BODY,
                 ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
        return;
    }
    char lbl[32];
    float *v;
    if (L->sel == CHAN_SEL_INPUT) {
        chanscene_input_name(L->sel_index, lbl, sizeof lbl);
        v = &L->sc.x[L->sel_index];
    } else {
        chanscene_weight_name(L->sel_index, lbl, sizeof lbl);
        v = &L->sc.w[L->sel_index];
    }
    ui_label(ui, (Rect){rr.x, rr.y, label_w, rr.h}, lbl, FONT_MONO, THEME_BODY,
             ALIGN_LEFT | ALIGN_MIDDLE, th->accent_text);
    if (ui_number(ui, ui_id("chan.sel"),
                  (Rect){rr.x + label_w, rr.y, (rr.w - label_w - gap) / 2, rr.h}, v, -100.0f,
                  100.0f, 1.0f, 2))
        L->sc.dirty = true;
}

static void chan_draw(void *state, LabContext *ctx)
{
    ChanLab *L = state;
    if (L->sc.dirty)
        chanlab_recompute(L);
    draw_controls(L, ctx);
    if (L->sc.dirty)
        chanlab_recompute(L);
    int oh = L->sc.sweep.valid ? L->sc.sweep.g.oh : 0,
        ow = L->sc.sweep.valid ? L->sc.sweep.g.ow : 0;
    if (L->shown_pos != L->tl.pos && L->sc.sweep.valid) {
        for (int o = 0; o < CHANLAB_O; o++)
            for (int i = 0; i < oh * ow; i++)
                L->shown[o][i] = o * oh * ow + i < L->tl.pos;
        L->shown_pos = L->tl.pos;
    }
    chanlab_draw_stage(L, ctx);
}

/* The H overlay's rows for this lab (the mouse in chan_draw; the lab has no keys of its own). */
static const UiHelpRow chan_help[] = {
    {"hover", "an output cell: its window on all three planes and the partial sums"},
    {"click", "an input or weight value: edit it in the Selected field"},
    {"drag \xE2\x86\x95", "an input or weight value: \xC2\xB1"
                          "1 per 8 px"},
    {"fields", "biases and the selected value: type, drag sideways, wheel"},
    {NULL, NULL},
};

const LabDef lab_channels = {
    .name = "channels",
    .title = "Channels",
    .blurb = "An RGB input as three planes, two 3\xC3\x97"
             "3\xC3\x97"
             "3 filters: partial sums, bias, two maps.",
    .create = chan_create,
    .destroy = chan_destroy,
    .set_option = chan_set_option,
    .update = chan_update,
    .draw = chan_draw,
    .timeline = chan_timeline,
    .help = chan_help,
};
