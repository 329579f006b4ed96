/* labs/backprop/view.c - the Backprop lab: one bundled digit through a small net, stepped
 * BACKWARD layer by layer and cell by cell on the timeline: p − y at the softmax, the dense
 * layer's ∂L/∂W = δ·xᵀ, ∂L/∂b = δ and ∂L/∂x = Wᵀδ, max-pool routing to the argmax, the ReLU
 * mask, the kernel gradient as a sweep (the upstream map slides over the input), the bias, then
 * the update W ← W − η·∂L/∂W before and after; every gradient grid says what it is the
 * derivative of, and a finite-difference check from the engine sits beside the equation.
 * Nets: three bundled ones and "yours", the Network lab's (labs/common/netshare.h), followed
 * in update(): a new text or new weights rebuild the scene, a net the lab cannot take keeps
 * the previous scene and says why.
 * This file: the lab's life cycle, options, keys and the frame; the phases are drawn by
 * view_phases.c and view_kernels.c on view_grids.c, the frame around them by view_frame.c
 * (view_int.h). The numbers and texts come from the model (the engine); the view only draws.
 * Depends on: view_int.h, labs/backprop/model.h, labs/common/labkit.h, labs/common/netshare.h,
 * ui. */
#include "labs/backprop/view_int.h"

#include "labs/common/netshare.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const net_names[BPVIEW_N_NETS] = {"tiny", "sse", "lenet-tiny", "yours"};

/* A fresh scene of the net asked for into *m: a bundled net by name, or "yours" from the share
 * (its published weights when there are any). */
static bool build_model(BpLab *L, BpModel *m)
{
    if (strcmp(L->net_name, "yours") != 0)
        return bp_model_build(m, L->net_name, L->digits, L->digit, L->lr, (uint64_t)L->seed, L->err,
                              sizeof L->err);
    const NetShare *sh = netshare_get();
    L->built_net_gen = sh->net_gen;
    L->built_weights_gen = sh->weights_gen;
    bool w = sh->weights && sh->n_weights > 0;
    return bp_model_build_net(m, sh->name, sh->text, sh->file, w ? sh->weights : NULL,
                              w ? sh->n_weights : 0, w ? sh->state : NULL, w ? sh->n_state : 0,
                              sh->weights_from, L->bn_train, L->digits, L->digit, L->lr,
                              (uint64_t)L->seed, L->err, sizeof L->err);
}

/* Scratch for the largest phase of m; false when memory runs out. */
static bool alloc_shown(BpLab *L, const BpModel *m)
{
    long n = 1;
    for (int p = 0; p < m->n_phases; p++) {
        long k = 0;
        bp_model_result(m, &m->phases[p], &k);
        n = k > n ? k : n;
        n = m->phases[p].cells > n ? m->phases[p].cells : n;
    }
    float *val = calloc((size_t)n, sizeof(float));
    uint8_t *mask = calloc((size_t)n, 1);
    if (!val || !mask) {
        free(val);
        free(mask);
        return false;
    }
    free(L->shown_val);
    free(L->shown_mask);
    L->shown_val = val;
    L->shown_mask = mask;
    L->scratch_n = n;
    return true;
}

/* Builds the scene asked for; when the lab cannot take it and a scene is shown, that scene is
 * kept and L->note says why (L->err too). */
static void rebuild(BpLab *L)
{
    int pos = L->tl.pos;
    L->err[0] = '\0';
    static BpModel fresh; /* large (the phases); the window's thread only */
    bool ok = build_model(L, &fresh);
    if (ok && !alloc_shown(L, &fresh)) {
        bp_model_free(&fresh);
        snprintf(L->err, sizeof L->err, "backprop: out of memory");
        ok = false;
    }
    if (ok) {
        if (L->ok)
            bp_model_free(&L->m);
        L->m = fresh;
        memset(&fresh, 0, sizeof fresh);
        L->ok = true;
        snprintf(L->shown_name, sizeof L->shown_name, "%s", L->net_name);
    } else if (L->ok) {
        snprintf(L->note, sizeof L->note, "Not shown: %s. The previous scene is kept.", L->err);
        snprintf(L->net_name, sizeof L->net_name, "%s", L->shown_name);
    }
    timeline_set_count(&L->tl, L->ok ? L->m.steps : 0);
    timeline_seek(&L->tl, pos);
    L->fd_step = -2;
    L->dirty = false;
}

static void *bp_create(char *err, size_t err_size)
{
    BpLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "backprop lab: out of memory");
        return NULL;
    }
    L->digits = lsu_digits_acquire(L->digits_err, sizeof L->digits_err);
    if (!L->digits) {
        snprintf(err, err_size, "%s", L->digits_err);
        free(L);
        return NULL;
    }
    snprintf(L->net_name, sizeof L->net_name, "tiny");
    L->digit = 0;
    L->lr = 0.1f;
    L->seed = 1;
    timeline_init(&L->tl, 0);
    rebuild(L);
    if (!L->ok) {
        snprintf(err, err_size, "%s", L->err);
        lsu_digits_release();
        free(L);
        return NULL;
    }
    return L;
}

static void bp_destroy(void *state)
{
    BpLab *L = state;
    if (!L)
        return;
    if (L->ok)
        bp_model_free(&L->m);
    free(L->shown_val);
    free(L->shown_mask);
    if (L->digits)
        lsu_digits_release();
    free(L);
}

static bool bp_set_option(void *state, const char *key, const char *value, char *err,
                          size_t err_size)
{
    BpLab *L = state;
    int v[1];
    if (strcmp(key, "digit") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 0, L->digits->n - 1, err, err_size))
            return false;
        L->digit = v[0];
    } else if (strcmp(key, "class") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 0, 9, err, err_size))
            return false;
        L->digit = lsu_digit_of_class(L->digits, v[0], 0);
    } else if (strcmp(key, "lr") == 0 || strcmp(key, "eta") == 0) {
        float f;
        if (!lsu_parse_float(key, value, &f, err, err_size))
            return false;
        if (!(f > 0.0f && f <= 10.0f)) {
            snprintf(err, err_size, "%s=%s: expected a learning rate in (0, 10]", key, value);
            return false;
        }
        L->lr = f;
    } else if (strcmp(key, "net") == 0) {
        int idx = -1;
        for (int i = 0; i < BPVIEW_N_NETS; i++)
            if (strcmp(value, net_names[i]) == 0)
                idx = i;
        if (strcmp(value, "backprop-tiny") == 0)
            idx = 0;
        if (strcmp(value, "backprop-sse") == 0)
            idx = 1;
        if (idx < 0) {
            snprintf(err, err_size,
                     "net=%s: expected tiny (softmax, cross-entropy), sse (sigmoid outputs, sum "
                     "of squared errors), lenet-tiny or yours (the Network lab's net)",
                     value);
            return false;
        }
        snprintf(L->net_name, sizeof L->net_name, "%s", net_names[idx]);
        L->note[0] = '\0';
    } else if (strcmp(key, "bn") == 0) {
        if (strcmp(value, "train") != 0 && strcmp(value, "eval") != 0) {
            snprintf(err, err_size,
                     "bn=%s: expected train (batchnorm uses the example's own statistics) or "
                     "eval (the running statistics)",
                     value);
            return false;
        }
        L->bn_train = strcmp(value, "train") == 0;
    } else if (strcmp(key, "seed") == 0) {
        if (!lsu_parse_ints(key, value, v, 1, 0, 1000000, err, err_size))
            return false;
        L->seed = v[0];
    } else {
        snprintf(err, err_size,
                 "backprop: unknown option '%s' (digit, class, lr, net, bn, seed, step)", key);
        return false;
    }
    rebuild(L);
    if (!L->ok || L->err[0]) {
        snprintf(err, err_size, "%s", L->err);
        return false;
    }
    return true;
}

static Timeline *bp_timeline(void *state)
{
    BpLab *L = state;
    if (L->dirty)
        rebuild(L);
    return &L->tl;
}

/* "yours": follows the share; a new net text or new weights rebuild the scene (and say so). */
static bool bp_update(void *state, double dt)
{
    (void)dt;
    BpLab *L = state;
    const NetShare *sh = netshare_get();
    if (strcmp(L->net_name, "yours") == 0 &&
        (sh->net_gen != L->built_net_gen || sh->weights_gen != L->built_weights_gen)) {
        bool text = sh->net_gen != L->built_net_gen;
        rebuild(L);
        if (!L->err[0])
            snprintf(L->note, sizeof L->note, "Rebuilt: %s.",
                     text ? "your net changed in the Network lab"
                          : "new weights were published for your net");
        return true;
    }
    return L->tl.playing;
}

/* D / Shift+D: the next / previous test digit; N / Shift+N: the next / previous net. The scene
 * is rebuilt at the next frame (the timeline keeps its position where it can). */
static bool bp_key(void *state, int key, bool ctrl, bool shift)
{
    BpLab *L = state;
    if (ctrl)
        return false;
    if (key == SDLK_d) {
        int n = L->digits->n;
        L->digit = ((L->digit + (shift ? -1 : 1)) % n + n) % n;
        L->dirty = true;
        return true;
    }
    if (key == SDLK_n) {
        bpview_set_net(L, (bpview_net_index(L) + (shift ? BPVIEW_N_NETS - 1 : 1)) % BPVIEW_N_NETS);
        return true;
    }
    return false;
}

int bpview_net_index(const BpLab *L)
{
    int cur = 0;
    for (int k = 0; k < BPVIEW_N_NETS; k++)
        if (strcmp(L->net_name, net_names[k]) == 0)
            cur = k;
    return cur;
}

void bpview_set_net(BpLab *L, int index)
{
    snprintf(L->net_name, sizeof L->net_name, "%s", net_names[index]);
    L->note[0] = '\0';
    L->dirty = true;
}

/* ---- the frame ---------------------------------------------------------------------------- */

/* The caption under the net strip: the phase's sentence (before the first step, the forward
 * pass), smaller in a small window rather than taking the grids' pixels. Returns the y below. */
static int draw_caption(BpLab *L, LabContext *ctx, Rect strip, const BpStep *st, int step)
{
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    int pad = theme_px(th, 8);
    char cap[512], wrapped[1024];
    if (step < 0)
        bp_model_intro_caption(&L->m, cap, sizeof cap);
    else
        bp_model_phase_caption(&L->m, st->ph, cap, sizeof cap);
    int body = bpview_body_px(th);
    int cap_lines = lsu_wrap(r, FONT_SANS, body, cap, strip.w, wrapped, sizeof wrapped);
    /* a small window: a smaller caption rather than fewer pixels for the grids */
    for (; cap_lines > 2 && body > theme_px(th, 11); body--)
        cap_lines = lsu_wrap(r, FONT_SANS, body, cap, strip.w, wrapped, sizeof wrapped);
    int cap_y = strip.y + strip.h + pad;
    int lh = render_line_height(r, FONT_SANS, body);
    lsu_draw_lines(r, FONT_SANS, body, wrapped, strip.x, cap_y, 0, th->text);
    return cap_y + cap_lines * lh + pad;
}

/* Step cur of its phase in area, the phase's cells before done computed. */
static void draw_phase(BpLab *L, LabContext *ctx, Rect area, const BpStep *cur, long done)
{
    switch (cur->ph->kind) {
    case BP_LOSS_XENT:
    case BP_LOSS_SSE:
        bpview_draw_loss(L, ctx, area, cur, done);
        break;
    case BP_DENSE_W:
    case BP_DENSE_X:
        bpview_draw_dense(L, ctx, area, cur, done);
        break;
    case BP_FLATTEN:
        bpview_draw_flatten(L, ctx, area, cur);
        break;
    case BP_OTHER:
        bpview_draw_other(L, ctx, area, cur);
        break;
    case BP_POOL:
        bpview_draw_pool(L, ctx, area, cur, done);
        break;
    case BP_ACT:
        bpview_draw_act(L, ctx, area, cur, done);
        break;
    case BP_CONV_W:
    case BP_CONV_B:
        bpview_draw_conv_w(L, ctx, area, cur, done);
        break;
    case BP_CONV_X:
        bpview_draw_conv_x(L, ctx, area, cur, done);
        break;
    case BP_UPDATE:
        bpview_draw_update(L, ctx, area, cur);
        break;
    default:
        break;
    }
}

/* Hover: the value under the mouse, named by what it is the derivative of. */
static void hover_tooltip(BpLab *L, LabContext *ctx)
{
    for (int k = 0; k < L->n_hov; k++) {
        HoverGrid *h = &L->hov[k];
        GridHit hit = grid_hit_test(&h->v, &h->lay, ctx->ui->in.mx, ctx->ui->in.my);
        if (!hit.inside || hit.in_padding)
            continue;
        int idx = hit.row * h->v.cols + hit.col;
        if (h->v.shown && !h->v.shown[idx]) {
            ui_tooltip(ctx->ui, "not computed yet: step on to fill it in");
            break;
        }
        char tip[256];
        if (h->vector)
            snprintf(tip, sizeof tip, "%s%d] = %.6f", h->name, h->v.rows == 1 ? hit.col : hit.row,
                     (double)hit.value);
        else
            snprintf(tip, sizeof tip, "%s%d,%d] = %.6f", h->name, hit.row, hit.col,
                     (double)hit.value);
        ui_tooltip(ctx->ui, tip);
        bpview_outline_cell(ctx, &h->v, &h->lay, hit.row, hit.col, ctx->th->hover);
        break;
    }
}

static void bp_draw(void *state, LabContext *ctx)
{
    BpLab *L = state;
    if (L->dirty)
        rebuild(L);
    L->n_hov = 0;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    int pos = L->tl.pos;
    int step = pos > 0 ? pos - 1 : -1;
    BpStep st;
    memset(&st, 0, sizeof st);
    if (L->ok)
        st = bp_model_step(&L->m, step < 0 ? 0 : step);
    bpview_draw_controls(L, ctx, L->ok && step >= 0 ? st.phase : -1);
    Rect stage = ctx->stage;
    if (!L->ok) {
        lsu_draw_problem(r, th, rect_inset(stage, theme_px(th, 40)), "No scene", L->err);
        return;
    }
    BpModel *m = &L->m;
    int pad = theme_px(th, 8);
    /* the net strip, the caption */
    Rect strip = {stage.x + pad, stage.y + pad, stage.w - 2 * pad, theme_px(th, 36)};
    int cur_layer = step >= 0 ? st.ph->layer : m->net->spec.n_layers;
    bool update = step >= 0 && st.ph->kind == BP_UPDATE;
    bpview_draw_net_strip(L, ctx, strip, cur_layer, update);
    int top = draw_caption(L, ctx, strip, &st, step);
    /* the bottom band: the equation written out and the finite-difference check */
    int band_h = theme_px(th, 100);
    if (band_h > stage.h / 5)
        band_h = stage.h / 5;
    Rect band = {strip.x, stage.y + stage.h - pad - band_h, strip.w, band_h};
    int fd_w = band.w * 36 / 100;
    Rect fd = {band.x + band.w - fd_w, band.y, fd_w, band.h};
    Rect eqr = {band.x, band.y, band.w - fd_w - theme_px(th, 16), band.h};
    Rect area = {strip.x, top, strip.w, band.y - pad - top};

    BpStep first = bp_model_step(m, 0);
    if (step < 0)
        draw_phase(L, ctx, area, &first, 0);
    else
        draw_phase(L, ctx, area, &st, st.cell1);
    if (step >= 0) {
        render_round_rect(r, eqr, theme_px(th, THEME_RADIUS), th->panel);
        bpview_draw_equation_in(L, ctx, rect_inset(eqr, theme_px(th, 8)), &st, THEME_HEADING, 3,
                                th->text);
        bpview_draw_fd(L, ctx, fd, &st, step);
        /* the strip: the same equation, as much as two lines hold */
        bpview_draw_equation_in(L, ctx, rect_inset(ctx->equation, theme_px(th, 4)), &st, THEME_BODY,
                                2, th->accent);
    } else {
        lsu_draw_note(r, th, rect_inset(ctx->equation, theme_px(th, 4)),
                      "Step 0: forward done. \xE2\x86\x92 takes the first backward step.",
                      th->text_dim);
    }
    if (!ctx->headless && !ctx->ui->mouse_used)
        hover_tooltip(L, ctx);
}

/* The H overlay's rows for this lab (bp_key, the phase list and the mouse in bp_draw). */
static const UiHelpRow bp_help[] = {
    {"D  \xE2\x87\xA7"
     "D",
     "next / previous test digit (the whole backward is recomputed)"},
    {"N  \xE2\x87\xA7"
     "N",
     "net: tiny (softmax), sse (sigmoid, \xC2\xBD\xC2\xB7\xCE\xA3(y \xE2\x88\x92 t)\xC2\xB2), "
     "lenet-tiny, your net (the Network lab's)"},
    {"click", "a phase of the list: jump to its first step"},
    {"hover", "a cell: its value, named by what it is the derivative of"},
    {"fields",
     "Digit # and \xCE\xB7: type a number, drag sideways, wheel or \xE2\x86\x91 \xE2\x86\x93"},
    {NULL, NULL},
};

const LabDef lab_backprop = {
    .name = "backprop",
    .title = "Backprop",
    .blurb = "One example stepped backward: p \xE2\x88\x92 y, dense gradients, pooling routes, "
             "ReLU mask, "
             "kernel gradient, update.",
    .create = bp_create,
    .destroy = bp_destroy,
    .set_option = bp_set_option,
    .update = bp_update,
    .draw = bp_draw,
    .timeline = bp_timeline,
    .key = bp_key,
    .help = bp_help,
};
