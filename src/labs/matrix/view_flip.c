/* labs/matrix/view_flip.c - the Matrix lab's flip mode: cross-correlation (what a CNN layer
 * computes) beside true convolution (the kernel turned 180 degrees), one output cell a step,
 * both equations written out, the hovered cell shown in both bands.
 * Depends on: labs/matrix/view_int.h, labs/matrix/model.h, ui, viz. */
#include "labs/matrix/view_int.h"

#include "viz/colormap.h"

#include <stdio.h>
#include <string.h>

/* each band's heading: what it is, then its formula */
static const char *const head_what[2] = {"Cross-correlation — what a CNN layer computes",
                                         "True convolution — the kernel flipped"};
static const char *const head_formula[2] = {
    "(I ⋆ K)(i, j) = Σ I(i+m, j+n)·K(m, n)",
    "(I ∗ K)(i, j) = Σ I(i−m, j−n)·K(m, n) = (I ⋆ flip K)(i, j)"};

/* The stage in two bands, cross-correlation above true convolution: a heading, the grids, an
 * equation line. */
typedef struct FlipPlace {
    int gap;
    bool one_line;    /* both headings fit on one line with their formulas */
    int head_lh;      /* the heading's line */
    int formula_lh;   /* the formula's line when it goes under the heading */
    int head_h, eq_h; /* a band's heading and its equation line, with their air */
    int band_h;       /* a band */
} FlipPlace;

/* The bands' heights; each heading on one line when both bands' fit, else the formula on a
 * second line in the mono body size. */
static FlipPlace place_flip(Render *r, const Theme *th, Rect st)
{
    FlipPlace fp;
    fp.gap = theme_px(th, 16);
    int head_size = theme_px(th, THEME_HEADING);
    fp.head_lh = render_line_height(r, FONT_SANS_BOLD, head_size);
    fp.one_line = true;
    for (int b = 0; b < 2; b++) {
        char both_text[256];
        snprintf(both_text, sizeof both_text, "%s:  %s", head_what[b], head_formula[b]);
        int w = 0;
        render_text_size(r, FONT_SANS_BOLD, head_size, both_text, &w, NULL);
        fp.one_line = fp.one_line && w <= st.w;
    }
    fp.formula_lh = render_line_height(r, FONT_MONO, theme_px(th, THEME_BODY));
    fp.head_h = fp.head_lh + (fp.one_line ? 0 : fp.formula_lh) + fp.gap / 2;
    fp.eq_h = render_line_height(r, FONT_MONO, theme_px(th, THEME_BODY)) + fp.gap / 2;
    fp.band_h = (st.h - fp.gap) / 2;
    return fp;
}

static Rect band_rect(const FlipPlace *fp, Rect st, int band)
{
    return (Rect){st.x, st.y + band * (fp->band_h + fp->gap), st.w, fp->band_h};
}

/* The grids' part of band rectangle br: under the heading, above the equation line. */
static Rect band_grids(const FlipPlace *fp, Rect br)
{
    return (Rect){br.x, br.y + fp->head_h, br.w, br.h - fp->head_h - fp->eq_h};
}

/* The colours and the shape labels both bands share: one scale for both outputs so their
 * colours compare. */
typedef struct FlipLook {
    ColorScale sx, sw, sy;
    char shape_in[32], shape_k[32], shape_out[32];
} FlipLook;

/* The output cell under the mouse in either band (-1: none), found before anything is drawn,
 * so both bands show the hovered cell. */
static int flip_hover(MatrixLab *L, LabContext *ctx, const FlipPlace *fp, const FlipLook *look)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const MatScene *s = &L->sc;
    Ui *ui = ctx->ui;
    int mx = ui->in.mx, my = ui->in.my;
    bool mouse_ok = !ctx->headless && !ui->mouse_used && rect_contains(ctx->stage, mx, my);
    int hover_out = -1;
    if (!mouse_ok)
        return hover_out;
    for (int band = 0; band < 2; band++) {
        Rect gr = band_grids(fp, band_rect(fp, ctx->stage, band));
        int w3 = gr.w / 3;
        GridView go = grid_view_make("I ⋆ K", L->out, s->out_h, s->out_w, COLORMAP_SEQUENTIAL);
        go.shape = look->shape_out;
        GridLayout lo =
            matview_place_grid(r, th, &go, (Rect){gr.x + 2 * w3, gr.y, w3 - fp->gap, gr.h});
        GridHit h = grid_hit_test(&go, &lo, mx, my);
        if (h.inside && !h.in_padding)
            hover_out = h.row * s->out_w + h.col;
    }
    return hover_out;
}

/* Band band's heading in br: what and formula on one line, or the formula under it. */
static void draw_band_head(Render *r, const Theme *th, const FlipPlace *fp, Rect br, int band)
{
    if (fp->one_line) {
        char head[256];
        snprintf(head, sizeof head, "%s:  %s", head_what[band], head_formula[band]);
        matview_text_line(r, th, FONT_SANS_BOLD, THEME_HEADING, head,
                          (Rect){br.x, br.y, br.w, fp->head_h}, ALIGN_LEFT | ALIGN_MIDDLE,
                          th->text);
    } else {
        matview_text_line(r, th, FONT_SANS_BOLD, THEME_HEADING, head_what[band],
                          (Rect){br.x, br.y, br.w, fp->head_lh}, ALIGN_LEFT | ALIGN_MIDDLE,
                          th->text);
        matview_text_line(r, th, FONT_MONO, THEME_BODY, head_formula[band],
                          (Rect){br.x, br.y + fp->head_lh, br.w, fp->formula_lh},
                          ALIGN_LEFT | ALIGN_MIDDLE, th->text_dim);
    }
}

/* Band band (0: I ⋆ K, 1: I ∗ K): its heading, input, kernel (flipped in band 1) and output with
 * the window of cell show (the hovered one when hovered, else the current step's; -1 none) and
 * K(0,0) marked, and the equation of that cell. */
static void draw_band(MatrixLab *L, LabContext *ctx, const FlipPlace *fp, const FlipLook *look,
                      int band, int show, bool hovered)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    const MatScene *s = &L->sc;
    int gap = fp->gap;
    Rect br = band_rect(fp, ctx->stage, band);
    draw_band_head(r, th, fp, br, band);
    Rect gr = band_grids(fp, br);
    int w3 = gr.w / 3;
    GridView gin = grid_view_make("input I", s->x, s->n, s->n, COLORMAP_SEQUENTIAL);
    gin.shape = look->shape_in;
    gin.scale = look->sx;
    gin.show_values = ctx->show_values;
    gin.pad_top = gin.pad_bottom = gin.pad_left = gin.pad_right = s->pad;
    GridView gk = grid_view_make(band == 0 ? "kernel K" : "flip K (turned 180°)",
                                 band == 0 ? s->w : s->wflip, s->k, s->k, COLORMAP_DIVERGING);
    gk.shape = look->shape_k;
    gk.scale = look->sw;
    gk.show_values = ctx->show_values;
    GridView gout = grid_view_make(band == 0 ? "I ⋆ K" : "I ∗ K", band == 0 ? L->out : L->out2,
                                   s->out_h, s->out_w, COLORMAP_SEQUENTIAL);
    gout.shape = look->shape_out;
    gout.scale = look->sy;
    gout.show_values = ctx->show_values;
    gout.shown = L->shown;
    Rect a0 = {gr.x, gr.y, w3 - gap, gr.h}, a1 = {gr.x + w3, gr.y, w3 - gap, gr.h},
         a2 = {gr.x + 2 * w3, gr.y, w3 - gap, gr.h};
    GridLayout lin = matview_place_grid(r, th, &gin, a0);
    GridLayout lk = matview_place_grid(r, th, &gk, a1);
    GridLayout lout = matview_place_grid(r, th, &gout, a2);
    if (show >= 0) {
        int oy = show / s->out_w, ox = show % s->out_w;
        GridHighlightKind kind = hovered ? GRID_HL_HOVER : GRID_HL_CURRENT;
        int y0 = oy * s->stride - s->pad, x0 = ox * s->stride - s->pad;
        grid_add_highlight(&gout, oy, ox, 1, 1, kind);
        grid_add_highlight(&gin, y0, x0, s->k, s->k, kind);
        /* the cell K(0,0) meets: the window's first cell for ⋆, its last for ∗ */
        if (band == 0)
            grid_add_highlight(&gin, y0, x0, 1, 1, GRID_HL_MARK);
        else
            grid_add_highlight(&gin, y0 + s->k - 1, x0 + s->k - 1, 1, 1, GRID_HL_MARK);
    }
    /* K(0,0) marked in both kernels: top-left in K, bottom-right in flip K */
    if (band == 0)
        grid_add_highlight(&gk, 0, 0, 1, 1, GRID_HL_MARK);
    else
        grid_add_highlight(&gk, s->k - 1, s->k - 1, 1, 1, GRID_HL_MARK);
    grid_draw(r, th, &gin, &lin);
    grid_draw(r, th, &gk, &lk);
    grid_draw(r, th, &gout, &lout);
    /* the operator glyphs between the grids */
    int oy = lk.cells.y + lk.cells.h / 2;
    render_text(r, FONT_SANS_BOLD, theme_px(th, band == 0 ? 34 : 22), band == 0 ? "⋆" : "∗",
                gr.x + w3 - gap / 2, oy, ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
    render_text(r, FONT_SANS_BOLD, theme_px(th, 22), "=", gr.x + 2 * w3 - gap / 2, oy,
                ALIGN_CENTER | ALIGN_MIDDLE, th->text_dim);
    /* this band's equation for the current (or hovered) cell */
    Rect er = {br.x, br.y + br.h - fp->eq_h, br.w, fp->eq_h};
    char eq[768];
    matscene_band_equation(s, band, show, show >= 0 && L->shown[show], eq, sizeof eq);
    matview_text_line(r, th, FONT_MONO, THEME_BODY, eq, er, ALIGN_LEFT | ALIGN_MIDDLE, th->text);
}

/* The hovered output cell's tooltip: both results, or when the step computes it. */
static void flip_tip(MatrixLab *L, Ui *ui, int hover_out)
{
    const MatScene *s = &L->sc;
    if (hover_out >= 0 && !L->shown[hover_out]) {
        char sub[24];
        snprintf(L->tip, sizeof L->tip,
                 "output y%s: not yet computed\nstep %d computes it both ways",
                 matscene_subscript(hover_out / s->out_w, hover_out % s->out_w, sub, sizeof sub),
                 hover_out + 1);
        ui_tooltip(ui, L->tip);
    } else if (hover_out >= 0) {
        char a[32], b[32], sub[24];
        snprintf(L->tip, sizeof L->tip,
                 "output y%s\ncross-correlation (conv_forward, K) = %s\n"
                 "true convolution (conv_forward, flip K) = %s",
                 matscene_subscript(hover_out / s->out_w, hover_out % s->out_w, sub, sizeof sub),
                 colormap_format_value(s->y[hover_out], 3, a, sizeof a),
                 colormap_format_value(s->yflip[hover_out], 3, b, sizeof b));
        ui_tooltip(ui, L->tip);
    }
}

void matview_draw_flip(MatrixLab *L, LabContext *ctx)
{
    const Theme *th = ctx->th;
    MatScene *s = &L->sc;
    int cur = matscene_current(s, L->tl.pos);
    int n_in = s->n * s->n, n_out = s->out_h * s->out_w;
    matscene_output_at(s, L->tl.pos, L->out, L->shown, L->out2);
    FlipPlace fp = place_flip(ctx->r, th, ctx->stage);

    FlipLook look;
    snprintf(look.shape_in, sizeof look.shape_in, "%d×%d", s->n, s->n);
    snprintf(look.shape_k, sizeof look.shape_k, "%d×%d", s->k, s->k);
    snprintf(look.shape_out, sizeof look.shape_out, "%d×%d", s->out_h, s->out_w);
    look.sx = matview_value_scale(s->x, n_in);
    look.sw = colorscale_fit(COLORMAP_DIVERGING, s->w, s->k * s->k);
    /* one scale for both outputs so their colours compare */
    float both[2 * MATLAB_MAX_CELLS];
    memcpy(both, s->y, (size_t)n_out * sizeof(float));
    memcpy(both + n_out, s->yflip, (size_t)n_out * sizeof(float));
    look.sy = matview_value_scale(both, 2 * n_out);

    L->tip[0] = '\0';
    int hover_out = flip_hover(L, ctx, &fp, &look);
    int show = hover_out >= 0 ? hover_out : cur;
    for (int band = 0; band < 2; band++)
        draw_band(L, ctx, &fp, &look, band, show, hover_out >= 0);
    flip_tip(L, ctx->ui, hover_out);
    if (cur >= 0) {
        matscene_equation(s, cur, L->eq, sizeof L->eq);
        matscene_flip_equation(s, cur, L->eq2, sizeof L->eq2);
    } else {
        snprintf(L->eq, sizeof L->eq, "step 0: each step computes one output cell both ways");
        L->eq2[0] = '\0';
    }
}
