/* lab.c - the registry of the eight labs. Each lab file defines its LabDef under a fixed name;
 * the references here are weak, so a lab that is not linked in yet resolves to NULL and the
 * registry falls back to a frame-only entry (names and blurb, no callbacks) that the app shows
 * with an honest "coming" note. */
#include "labs/lab.h"

#include <stdio.h>
#include <string.h>

extern const LabDef lab_convolution __attribute__((weak));
extern const LabDef lab_pooling __attribute__((weak));
extern const LabDef lab_channels __attribute__((weak));
extern const LabDef lab_network __attribute__((weak));
extern const LabDef lab_train __attribute__((weak));
extern const LabDef lab_backprop __attribute__((weak));
extern const LabDef lab_matrix __attribute__((weak));
extern const LabDef lab_activations __attribute__((weak));

/* Names and blurbs for labs not linked in (the real LabDef's own strings win when present). */
static const LabDef fallback[LAB_COUNT] = {
    {.name = "convolution",
     .title = "Convolution",
     .blurb = "A kernel slides over the input: padding, stride, dilation and the output-size "
              "formula."},
    {.name = "pooling",
     .title = "Pooling",
     .blurb = "Max, average and L2 windows sweep with their stride; argmax marked."},
    {.name = "channels",
     .title = "Channels",
     .blurb = "An RGB input as three planes, two 3\xC3\x97"
              "3\xC3\x97"
              "3 filters: partial sums, bias, two maps."},
    {.name = "network",
     .title = "Network",
     .blurb = "The whole digit classifier: every feature map, shapes, parameter counts, softmax."},
    {.name = "train",
     .title = "Train",
     .blurb = "Live training: loss and accuracy curves, kernels evolving, confusion matrix."},
    {.name = "backprop",
     .title = "Backprop",
     .blurb = "One example stepped backward: p\xC2\xA0\xE2\x88\x92\xC2\xA0y, pooling routes, "
              "ReLU mask, kernel gradient."},
    {.name = "matrix",
     .title = "Matrix",
     .blurb = "Convolution as a Toeplitz matrix, its transpose as transposed convolution."},
    {.name = "activations",
     .title = "Activations",
     .blurb = "ReLU, sigmoid, tanh and friends with their derivatives; vanishing "
              "0.25\xE1\xB5\x8F."},
};

static const LabDef *linked(int i)
{
    switch (i) {
    case 0:
        return &lab_convolution;
    case 1:
        return &lab_pooling;
    case 2:
        return &lab_channels;
    case 3:
        return &lab_network;
    case 4:
        return &lab_train;
    case 5:
        return &lab_backprop;
    case 6:
        return &lab_matrix;
    case 7:
        return &lab_activations;
    default:
        return NULL;
    }
}

const LabDef *lab_get(int index)
{
    if (index < 0 || index >= LAB_COUNT)
        return NULL;
    const LabDef *d = linked(index);
    return d ? d : &fallback[index];
}

const LabDef *lab_find(const char *name, int *index)
{
    for (int i = 0; i < LAB_COUNT && name; i++) {
        if (strcmp(lab_get(i)->name, name) == 0) {
            if (index)
                *index = i;
            return lab_get(i);
        }
    }
    return NULL;
}

bool lab_is_built(const LabDef *lab)
{
    return lab && lab->create && lab->draw;
}

void lab_report_error(const LabContext *ctx, const char *message)
{
    if (ctx && ctx->report)
        ctx->report(ctx->host, message);
}

void lab_draw_coming(const LabDef *lab, LabContext *ctx)
{
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    /* the control column says what will be there */
    UiColumn col = ui_column(ctx->controls, th);
    ui_column_heading(ctx->ui, &col, lab->title);
    Rect note = ui_column_next(&col, 3);
    render_text_wrap(r, FONT_SANS, theme_px(th, THEME_BODY),
                     "Controls for this lab appear here when it is built.", note, th->text_dim,
                     true);
    /* the stage: title, blurb and the plain statement that it is not built yet */
    Rect s = ctx->stage;
    int w = s.w < theme_px(th, 620) ? s.w - theme_px(th, 32) : theme_px(th, 620);
    int x = s.x + (s.w - w) / 2;
    int y = s.y + s.h / 3;
    char title[128];
    snprintf(title, sizeof title, "%s \xE2\x80\x94 coming", lab->title);
    render_text(r, FONT_SANS_BOLD, theme_px(th, THEME_TITLE), title, x, y, ALIGN_LEFT | ALIGN_TOP,
                th->text);
    y += render_line_height(r, FONT_SANS_BOLD, theme_px(th, THEME_TITLE)) + theme_px(th, 12);
    y += render_text_wrap(r, FONT_SANS, theme_px(th, THEME_BODY), lab->blurb,
                          (Rect){x, y, w, theme_px(th, 60)}, th->text, true);
    y += theme_px(th, 12);
    render_text_wrap(r, FONT_SANS, theme_px(th, THEME_BODY),
                     "This lab is not built in this version of convscope yet. The other labs "
                     "(keys 1\xE2\x80\x93" "8) and the home screen (Esc) work.",
                     (Rect){x, y, w, theme_px(th, 60)}, th->text_dim, true);
}
