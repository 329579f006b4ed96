/* labs/matrix/view.c - the Matrix lab: convolution as a sparse (Toeplitz) matrix times the
 * unrolled input, its transpose as the transposed convolution (each input cell stamping the
 * kernel into the output), and convolution versus cross-correlation with the flipped kernel.
 * The scene (every number) is model.c over engine/convmat. This file keeps the lab's state and
 * takes its options and keys, draws the equation strip and holds the drawing helpers the panels
 * share; the panels are view_controls.c (the control column), view_matrix.c (conv and
 * transposed: the grids and the matrix product) and view_flip.c (flip: cross-correlation beside
 * true convolution).
 * Depends on: labs/lab.h, labs/matrix/model.h, labs/matrix/view_int.h, ui, viz. */
#include "labs/lab.h"
#include "labs/matrix/model.h"
#include "labs/matrix/view_int.h"
#include "ui/ui.h"
#include "viz/colormap.h"
#include "viz/grid.h"
#include "viz/render.h"
#include "viz/theme.h"

#include <SDL.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Recomputes the scene; refill takes fresh values from the preset (sizes changed). */
bool matview_rebuild(MatrixLab *L, bool refill)
{
    matscene_clamp(&L->sc);
    if (refill)
        matscene_fill_preset(&L->sc);
    char err[256];
    if (!matscene_rebuild(&L->sc, err, sizeof err)) {
        snprintf(L->err, sizeof L->err, "%s", err);
        return false;
    }
    L->err[0] = '\0';
    matscene_display(&L->sc, &L->d);
    L->mode_sel = (int)L->sc.mode;
    L->preset_sel = (int)L->sc.preset;
    timeline_set_count(&L->tl, matscene_steps(&L->sc));
    return true;
}

static void *matrix_create(char *err, size_t err_size)
{
    MatrixLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "matrix lab: out of memory");
        return NULL;
    }
    matscene_init(&L->sc);
    timeline_init(&L->tl, 0);
    L->tl.unit = "row"; /* each step is one row of M: one output */
    if (!matview_rebuild(L, true)) {
        snprintf(err, err_size, "matrix lab: %s", L->err);
        matscene_free(&L->sc);
        free(L);
        return NULL;
    }
    /* the default scene shows the second row of M being used: half the output filled */
    timeline_seek(&L->tl, 2);
    return L;
}

static void matrix_destroy(void *state)
{
    MatrixLab *L = state;
    if (!L)
        return;
    matscene_free(&L->sc);
    free(L);
}

static bool matrix_set_option(void *state, const char *key, const char *value, char *err,
                              size_t err_size)
{
    MatrixLab *L = state;
    bool refill = false;
    if (!matscene_set_option(&L->sc, key, value, &refill, err, err_size))
        return false;
    if (!matview_rebuild(L, refill)) {
        snprintf(err, err_size, "matrix: %s", L->err);
        return false;
    }
    return true;
}

static Timeline *matrix_timeline(void *state)
{
    return &((MatrixLab *)state)->tl;
}

static bool matrix_update(void *state, double dt)
{
    (void)state;
    (void)dt;
    return false;
}

static bool matrix_key(void *state, int key, bool ctrl, bool shift)
{
    MatrixLab *L = state;
    MatScene *s = &L->sc;
    if (ctrl)
        return false;
    int lo, hi;
    switch (key) {
    case SDLK_m:
        s->mode = (MatMode)(((int)s->mode + (shift ? MATMODE_COUNT - 1 : 1)) % MATMODE_COUNT);
        matview_rebuild(L, true);
        return true;
    case SDLK_r:
        s->preset =
            (MatPreset)(((int)s->preset + (shift ? MATPRESET_COUNT - 1 : 1)) % MATPRESET_COUNT);
        matview_rebuild(L, true);
        return true;
    case SDLK_k:
        s->k = s->k == 2 ? 3 : 2;
        matview_rebuild(L, true);
        return true;
    case SDLK_n:
        matscene_range_n(s, &lo, &hi);
        s->n = s->n >= hi ? lo : s->n + 1;
        matview_rebuild(L, true);
        return true;
    case SDLK_s:
        s->stride = s->stride == 1 ? 2 : 1;
        matview_rebuild(L, false);
        return true;
    case SDLK_p:
        s->pad = 1 - s->pad;
        matview_rebuild(L, false);
        return true;
    case SDLK_o:
        if (s->mode != MATMODE_TRANSPOSED)
            return false;
        s->outpad = s->outpad + 1 < s->stride ? s->outpad + 1 : 0;
        matview_rebuild(L, false);
        return true;
    default:
        return false;
    }
}

/* ---- drawing helpers the panels share ---------------------------------------------------- */

/* The scale for values that may be signed: diverging when any is negative, else
 * sequential from 0. */
ColorScale matview_value_scale(const float *v, int n)
{
    bool neg = false;
    for (int i = 0; i < n; i++)
        neg = neg || v[i] < 0.0f;
    if (neg)
        return colorscale_fit(COLORMAP_DIVERGING, v, n);
    float hi = 0.0f;
    for (int i = 0; i < n; i++)
        hi = fmaxf(hi, v[i]);
    return colorscale_make(COLORMAP_SEQUENTIAL, 0.0f, hi > 0.0f ? hi : 1.0f);
}

void matview_text_line(Render *r, const Theme *th, FontFace face, int base, const char *s, Rect rc,
                       int align, Color c)
{
    char fit[1024];
    render_text_fit(r, face, theme_px(th, (float)base), s, rc.w, fit, sizeof fit);
    render_text_in(r, face, theme_px(th, (float)base), fit, rc, align, c);
}

/* Lays a grid view into avail, with the title line height of the body font. */
GridLayout matview_place_grid(Render *r, const Theme *th, const GridView *v, Rect avail)
{
    int line_h = render_line_height(r, FONT_SANS_BOLD, theme_px(th, THEME_BODY));
    return grid_layout(v, avail, th, line_h);
}

static void draw_equation_strip(MatrixLab *L, LabContext *ctx)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect e = ctx->equation;
    if (e.w <= 0 || e.h <= 0)
        return;
    int size = theme_px(th, THEME_BODY);
    int lh = render_line_height(r, FONT_MONO, size);
    int lines = L->eq2[0] ? 2 : 1;
    if (lines * lh > e.h)
        lines = 1;
    int y = e.y + (e.h - lines * lh) / 2;
    char fit[1024];
    render_text_fit(r, FONT_MONO, size, L->eq, e.w, fit, sizeof fit);
    render_text(r, FONT_MONO, size, fit, e.x, y, ALIGN_LEFT | ALIGN_TOP, th->text);
    if (lines == 2) {
        render_text_fit(r, FONT_MONO, size, L->eq2, e.w, fit, sizeof fit);
        render_text(r, FONT_MONO, size, fit, e.x, y + lh, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    }
}

static void matrix_draw(void *state, LabContext *ctx)
{
    MatrixLab *L = state;
    matview_draw_controls(L, ctx);
    if (L->err[0]) {
        lab_report_error(ctx, L->err);
        L->err[0] = '\0';
    }
    if (L->sc.mode == MATMODE_FLIP)
        matview_draw_flip(L, ctx);
    else
        matview_draw_matrix(L, ctx);
    draw_equation_strip(L, ctx);
}

/* The H overlay's rows for this lab (matrix_key and the mouse in matrix_draw). */
static const UiHelpRow matrix_help[] = {
    {"M  \xE2\x87\xA7M", "mode: conv as matrix, transposed conv, conv vs cross-correlation"},
    {"R  \xE2\x87\xA7R", "values: count 0, 1, 2, \xE2\x80\xA6 / edge + Sobel-like / random"},
    {"N", "input size one larger (wraps to the smallest)"},
    {"K", "kernel 2\xC3\x97"
          "2 \xE2\x86\x94 3\xC3\x97"
          "3"},
    {"S", "stride 1 \xE2\x86\x94 2"},
    {"P", "padding 0 \xE2\x86\x94 1"},
    {"O", "transposed mode: output padding (with stride 2)"},
    {"wheel", "on an input cell x or a kernel tap K: its value \xC2\xB1"
              "1"},
    {"hover", "a cell of x, K, M or the output: the cells linked to it"},
    {NULL, NULL},
};

const LabDef lab_matrix = {
    .name = "matrix",
    .title = "Matrix",
    .blurb = "Convolution as a Toeplitz matrix, its transpose as transposed convolution; vs "
             "cross-correlation.",
    .create = matrix_create,
    .destroy = matrix_destroy,
    .set_option = matrix_set_option,
    .update = matrix_update,
    .draw = matrix_draw,
    .timeline = matrix_timeline,
    .key = matrix_key,
    .help = matrix_help,
};
