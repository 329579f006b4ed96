/* labs/network/view.c - the Network lab: the whole digit classifier on one input. The input (a
 * test digit picked by index or class, a drawing, a picture file), every layer's feature maps
 * left to right with the layer's line, output shape and parameter formula, the flattened vector,
 * the logits and the softmax bars with p_k = e^z_k / Σ e^z_j written out with the numbers, the
 * prediction. Hovering (or clicking, to pin) any unit traces its receptive field back through
 * every layer to the input. The timeline computes one layer per step.
 * This file: the lab's life cycle, options, keys and the frame (the mouse, the equation strip);
 * the panels are view_controls.c, view_layout.c and view_stage.c (view_int.h). Numbers and
 * texts: model*.c over the engine (net_forward, softmax, receptive_trace, the single-cell
 * queries conv_cell / pool_cell / dense_cell).
 * Depends on: view_int.h, labs/network/view.h, labs/network/model.h, viz/imgfile.h, ui. */
#include "labs/network/view_int.h"
#include "labs/common/netshare.h"
#include "labs/network/view.h"
#include "viz/imgfile.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const source_names[NETLAB_SRC_COUNT] = {"digit", "canvas", "file"};

/* ---- scene ---------------------------------------------------------------------------------- */

void netview_apply_input(NetLab *L)
{
    netlab_input_apply(&L->in, &L->m);
    L->gen++;
}

static void set_timeline(NetLab *L)
{
    timeline_init(&L->tl, L->m.n_layers);
    L->tl.pos = L->tl.count; /* the whole net computed */
}

bool netview_load_net(NetLab *L, int i, char *err, size_t err_size)
{
    char path[1024];
    netlab_catalog_path(&L->nets, i, path, sizeof path);
    NetLabModel fresh;
    if (!netlab_model_load(&fresh, path, err, err_size)) {
        netlab_model_free(&fresh);
        return false;
    }
    netview_swap_model(L, &fresh);
    L->net_sel = i;
    /* the learner's net for the other labs too (the editor follows it) */
    char file[128];
    snprintf(file, sizeof file, "%s.net", L->m.name);
    if (L->ed.doc && netshare_set_net(L->m.net->text, file, L->m.name, err, err_size))
        netview_follow_share(L);
    return true;
}

void netview_swap_model(NetLab *L, NetLabModel *fresh)
{
    if (L->have_model)
        netlab_model_free(&L->m);
    L->m = *fresh;
    L->have_model = true;
    netlab_input_forget_file(&L->in);
    L->pinned.valid = false;
    L->hover.valid = false;
    L->img_valid = false;
    L->want_train = L->weights_sel == 0;
    netview_apply_input(L);
    set_timeline(L);
}

static void net_destroy_lab(void *state);

static void *net_create_lab(char *err, size_t err_size)
{
    NetLab *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, err_size, "network lab: out of memory");
        return NULL;
    }
    char derr[512] = "";
    if (!netlab_input_init(&L->in, derr, sizeof derr)) {
        snprintf(err, err_size, "network lab: %s", derr);
        free(L);
        return NULL;
    }
    netlab_catalog_scan(&L->nets);
    for (int i = 0; i < L->nets.n; i++)
        L->net_items[i] = L->nets.names[i];
    int i = netlab_catalog_find(&L->nets, "lenet-tiny");
    char nerr[512] = "";
    if (!netview_load_net(L, i >= 0 ? i : 0, nerr, sizeof nerr)) {
        snprintf(err, err_size, "network lab: %s", nerr);
        netlab_input_free(&L->in);
        free(L);
        return NULL;
    }
    if (!netview_editor_init(L, err, err_size)) {
        net_destroy_lab(L);
        return NULL;
    }
    return L;
}

static void net_destroy_lab(void *state)
{
    NetLab *L = state;
    if (!L)
        return;
    netview_editor_free(L);
    if (L->have_model)
        netlab_model_free(&L->m);
    for (int c = 0; c < MAX_COLS; c++) {
        for (int k = 0; k < MAX_MAPS; k++)
            render_image_destroy(L->img[c][k]);
        render_image_destroy(L->strip_img[c]);
    }
    free(L->px);
    netlab_input_free(&L->in);
    free(L);
}

void netview_pick_digit(NetLab *L, int index)
{
    netlab_input_pick_digit(&L->in, index);
    netview_apply_input(L);
}

void netview_pick_class(NetLab *L, int k)
{
    if (netlab_input_pick_class(&L->in, k))
        netview_apply_input(L);
}

bool netview_load_file(NetLab *L, const char *path, char *err, size_t err_size)
{
    Shape s = L->m.net->spec.input;
    float *x = malloc(sizeof(float) * (size_t)shape_elems(s));
    if (!x) {
        snprintf(err, err_size, "%s: out of memory", path);
        return false;
    }
    if (!imgfile_load_input(path, x, s.c, s.h, s.w, err, err_size)) {
        free(x);
        return false;
    }
    netlab_input_set_file(&L->in, x, path);
    netview_apply_input(L);
    return true;
}

/* A .net or .cnn opens in the editor (the net, and a model's weights); anything else is a
 * picture for the input. */
static bool net_drop(void *state, const char *path, char *err, size_t err_size)
{
    NetLab *L = state;
    size_t n = strlen(path);
    if (n > 4 && (strcmp(path + n - 4, ".net") == 0 || strcmp(path + n - 4, ".cnn") == 0)) {
        if (!netview_editor_open(L, path, err, err_size))
            return false;
        snprintf(L->ed.status, sizeof L->ed.status, "opened %.400s", path);
        return true;
    }
    return netview_load_file(L, path, err, err_size);
}

void netview_set_weights(NetLab *L, int sel)
{
    L->weights_sel = sel;
    if (sel == 1) {
        L->want_train = false;
        if (L->m.train != NETLAB_INIT)
            netlab_model_reset_weights(&L->m);
    } else if (L->m.train == NETLAB_INIT) {
        L->want_train = true;
    }
    L->gen++;
}

/* ---- options ------------------------------------------------------------------------------ */

static bool parse_int(const char *value, int lo, int hi, int *out)
{
    char *end = NULL;
    long v = strtol(value, &end, 10);
    if (!value[0] || *end || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

/* net=NAME: a net of assets/nets. */
static bool option_net(NetLab *L, const char *value, char *err, size_t err_size)
{
    int i = netlab_catalog_find(&L->nets, value);
    if (i < 0) {
        char list[512] = "";
        netlab_catalog_list(&L->nets, list, sizeof list);
        snprintf(err, err_size, "network: net=%s is not in assets/nets (%s)", value, list);
        return false;
    }
    return netview_load_net(L, i, err, err_size);
}

/* source=digit|canvas|file (file once a picture is loaded). */
static bool option_source(NetLab *L, const char *value, char *err, size_t err_size)
{
    for (int i = 0; i < NETLAB_SRC_COUNT; i++)
        if (strcmp(value, source_names[i]) == 0 && (i != NETLAB_SRC_FILE || L->in.file_x)) {
            L->in.src = (NetLabSource)i;
            netview_apply_input(L);
            return true;
        }
    snprintf(err, err_size,
             "network: source=%s is not allowed (digit, canvas; file after "
             "input=PATH)",
             value);
    return false;
}

/* hover=L,C,Y,X (a unit pinned) or none. */
static bool option_hover(NetLab *L, const char *value, char *err, size_t err_size)
{
    NetLabUnit u;
    if (strcmp(value, "none") == 0) {
        L->pinned.valid = false;
        return true;
    }
    if (!netlab_parse_unit(&L->m, value, &u)) {
        snprintf(err, err_size,
                 "network: hover=%s is not a unit (L,C,Y,X or L,Y,X for maps, L,I for "
                 "vectors; L = 0 input .. %d)",
                 value, L->m.n_layers);
        return false;
    }
    L->pinned = u;
    return true;
}

static bool net_set_option(void *state, const char *key, const char *value, char *err,
                           size_t err_size)
{
    NetLab *L = state;
    int v = 0;
    if (strcmp(key, "net") == 0)
        return option_net(L, value, err, err_size);
    if (strcmp(key, "weights") == 0) {
        if (strcmp(value, "trained") == 0)
            netview_set_weights(L, 0);
        else if (strcmp(value, "init") == 0 || strcmp(value, "initial") == 0)
            netview_set_weights(L, 1);
        else {
            snprintf(err, err_size, "network: weights=%s is unknown (trained, init)", value);
            return false;
        }
        return true;
    }
    if (strcmp(key, "digit") == 0) {
        if (!parse_int(value, 0, L->in.digits.n - 1, &v)) {
            snprintf(err, err_size, "network: digit=%s is not allowed (an index 0..%d)", value,
                     L->in.digits.n - 1);
            return false;
        }
        netview_pick_digit(L, v);
        return true;
    }
    if (strcmp(key, "class") == 0) {
        if (!parse_int(value, 0, 9, &v)) {
            snprintf(err, err_size, "network: class=%s is not allowed (0..9)", value);
            return false;
        }
        netview_pick_class(L, v);
        return true;
    }
    if (strcmp(key, "input") == 0 || strcmp(key, "file") == 0) {
        char ferr[512] = "";
        if (!netview_load_file(L, value, ferr, sizeof ferr)) {
            snprintf(err, err_size, "network: %s=%s", key, ferr);
            return false;
        }
        return true;
    }
    if (strcmp(key, "source") == 0)
        return option_source(L, value, err, err_size);
    if (strcmp(key, "edit") == 0) {
        if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0) {
            snprintf(err, err_size, "network: edit=%s is not allowed (on, off)", value);
            return false;
        }
        L->ed.on = strcmp(value, "on") == 0;
        return true;
    }
    if (strcmp(key, "preset") == 0) {
        for (int i = 0; i < netdoc_preset_count(); i++)
            if (strcmp(value, netdoc_preset_name(i)) == 0)
                return netview_editor_preset(L, i, err, err_size);
        char list[512] = "";
        for (int i = 0; i < netdoc_preset_count(); i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     netdoc_preset_name(i));
        snprintf(err, err_size, "network: preset=%s is not a preset (%s)", value, list);
        return false;
    }
    if (strcmp(key, "hover") == 0)
        return option_hover(L, value, err, err_size);
    snprintf(err, err_size,
             "network: unknown option '%s' (net, weights, digit, class, input, source, hover, "
             "edit, preset, step)",
             key);
    return false;
}

static Timeline *net_timeline(void *state)
{
    return &((NetLab *)state)->tl;
}

static bool net_update(void *state, double dt)
{
    (void)dt;
    NetLab *L = state;
    /* another lab may have changed the learner's net or published weights for it */
    bool moved = netview_follow_share(L);
    if (netlab_train_poll(&L->m))
        L->gen++;
    return moved || L->m.train == NETLAB_TRAINING || L->painting;
}

static bool net_key(void *state, int key, bool ctrl, bool shift)
{
    NetLab *L = state;
    if (ctrl)
        return key == SDLK_z && netview_editor_history(L, shift ? 1 : -1);
    switch (key) {
    case SDLK_e:
        L->ed.on = !L->ed.on;
        return true;
    case SDLK_d:
        netview_pick_digit(L, L->in.digit_index + (shift ? -1 : 1));
        return true;
    case SDLK_k:
        netview_pick_class(L, (L->in.class_sel + (shift ? 9 : 1)) % 10);
        return true;
    case SDLK_w:
        netview_set_weights(L, 1 - L->weights_sel);
        return true;
    case SDLK_c:
        memset(L->in.canvas, 0, sizeof L->in.canvas);
        L->in.src = NETLAB_SRC_CANVAS;
        netview_apply_input(L);
        return true;
    case SDLK_x:
        L->want_export = true;
        return true;
    case SDLK_n: {
        char err[512];
        int i = (L->net_sel + (shift ? L->nets.n - 1 : 1)) % L->nets.n;
        return netview_load_net(L, i, err, sizeof err);
    }
    default:
        return false;
    }
}

/* ---- the frame ------------------------------------------------------------------------------ */

/* Training: on the worker in the window, to the end at once for a picture. */
static void train_tick(NetLab *L, LabContext *ctx)
{
    NetLabModel *m = &L->m;
    if (L->want_train) {
        L->want_train = false;
        /* a net that cannot train on the digits keeps (and says) its initial weights */
        if (!netlab_train_start(m, L->in.digits_dir, &L->in.digits))
            L->weights_sel = 1;
    }
    if (ctx->headless && m->train == NETLAB_TRAINING) {
        netlab_train_wait(m);
        L->gen++;
    }
    if (netlab_train_poll(m))
        L->gen++;
}

/* The stage's title line (the net, its size, the input); returns the stage below it. */
static Rect draw_title(NetLab *L, LabContext *ctx)
{
    const NetLabModel *m = &L->m;
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect st = ctx->stage;
    int body = theme_px(th, THEME_BODY);
    int tl_h = render_line_height(r, FONT_SANS_BOLD, body) + theme_px(th, 8);
    char input_desc[160];
    netlab_input_text(&L->in, input_desc, sizeof input_desc);
    snprintf(L->head_text, sizeof L->head_text, "%s.net: %d layers, %ld parameters    input: %s",
             m->name, m->n_layers, m->total_params, input_desc);
    netview_line_in(r, th, FONT_SANS_BOLD, THEME_BODY, L->head_text, (Rect){st.x, st.y, st.w, tl_h},
                    ALIGN_LEFT | ALIGN_TOP, th->text);
    return (Rect){st.x, st.y + tl_h, st.w, st.h - tl_h};
}

/* Paints (or erases) the canvas at the mouse over the input map. */
static void paint(NetLab *L, Rect map, int mx, int my)
{
    float fy = (float)(my - map.y) * NETLAB_CANVAS / (float)map.h;
    float fx = (float)(mx - map.x) * NETLAB_CANVAS / (float)map.w;
    netlab_input_paint(&L->in, fy, fx, L->erasing);
    netview_apply_input(L);
}

/* The mouse: hover a unit, click to pin it, drag on the input to draw. Returns the unit under
 * the mouse (valid false: none). */
static NetLabUnit track_mouse(NetLab *L, LabContext *ctx)
{
    Ui *ui = ctx->ui;
    NetLabUnit hov = {false, 0, 0, 0, 0};
    if (!ctx->headless && !ui->mouse_used && ui->st.open == 0) {
        hov = netview_unit_at(L, ui->in.mx, ui->in.my);
        const MapCol *in_col = netview_col_of(L, 0);
        bool on_input = hov.valid && hov.L == 0 && in_col;
        if (ui->in.mouse_pressed && on_input && L->in.src == NETLAB_SRC_CANVAS) {
            L->painting = true;
            L->erasing = ui->in.shift;
        } else if (ui->in.mouse_pressed && hov.valid) {
            bool same = L->pinned.valid && L->pinned.L == hov.L && L->pinned.c == hov.c &&
                        L->pinned.y == hov.y && L->pinned.x == hov.x;
            L->pinned = same ? (NetLabUnit){false, 0, 0, 0, 0} : hov;
        }
        if (L->painting && ui->in.mouse_down && in_col)
            paint(L, in_col->map[0], ui->in.mx, ui->in.my);
        if (!ui->in.mouse_down)
            L->painting = false;
    }
    return hov;
}

/* The hovered unit itself: a 2 px cyan outline just outside its cell (the cell keeps its
 * colour), ringed in the background colour so it reads on light cells too. */
static void outline_hovered(NetLab *L, LabContext *ctx)
{
    const Theme *th = ctx->th;
    const MapCol *c = netview_col_of(L, L->hover.L);
    if (c && L->hover.c < c->n_maps) {
        Shape s = L->m.info[c->L].out;
        Rect cr = netview_cell_rect(c->map[L->hover.c], s.h, s.w, L->hover.y, L->hover.y,
                                    L->hover.x, L->hover.x);
        int t = theme_px(th, 2);
        render_rect_outline(ctx->r, rect_inset(cr, -t - 1), 1, th->bg);
        render_rect_outline(ctx->r, rect_inset(cr, -t), t, th->hover);
    }
}

/* A header's full text when its column is too narrow to show it. */
static void head_tooltips(NetLab *L, LabContext *ctx)
{
    Ui *ui = ctx->ui;
    for (int i = 0; i < L->n_cols; i++)
        if (rect_contains(L->cols[i].head, ui->in.mx, ui->in.my)) {
            const NetLabLayer *li = &L->m.info[L->cols[i].L];
            snprintf(L->tip, sizeof L->tip, "layer %d: %s \xE2\x86\x92 %s\n%s", L->cols[i].L,
                     li->line, li->shape, li->formula[0] ? li->formula : "no parameters");
            ui_tooltip(ui, L->tip);
        }
}

/* The equation strip: eq1 over eq2 (eq1 in cyan for a hovered unit). */
static void draw_equation(NetLab *L, LabContext *ctx, bool have_rf)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Rect e = ctx->equation;
    if (e.w > 0 && e.h > 0) {
        int size = theme_px(th, THEME_BODY);
        int lh = render_line_height(r, FONT_MONO, size);
        bool two = 2 * lh <= e.h;
        int y = e.y + (e.h - (two ? 2 : 1) * lh) / 2;
        /* a hover line too long for the strip: its receptive field moves to the second line
         * (the tooltip keeps the engine's account) */
        char *semi = strstr(L->eq1, ";  ");
        int w1 = 0;
        render_text_size(r, FONT_MONO, theme_px(th, 10), L->eq1, &w1, NULL);
        if (two && have_rf && semi && w1 > e.w) {
            snprintf(L->eq2, sizeof L->eq2, "%s", semi + 3);
            *semi = '\0';
        }
        render_text_line(r, FONT_MONO, size, theme_px(th, 10), L->eq1, (Rect){e.x, y, e.w, lh},
                         ALIGN_LEFT | ALIGN_TOP, have_rf ? th->hover : th->text);
        if (two)
            render_text_line(r, FONT_MONO, size, theme_px(th, 10), L->eq2,
                             (Rect){e.x, y + lh, e.w, lh}, ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    }
}

static void net_draw(void *state, LabContext *ctx)
{
    NetLab *L = state;
    NetLabModel *m = &L->m;
    train_tick(L, ctx);
    netview_draw_controls(L, ctx);
    int step = L->tl.pos;

    if (L->ed.on) {
        /* Edit mode: the net as rows on the stage (the maps come back with E) */
        L->n_cols = L->n_strips = 0;
        L->has_out = false;
        netview_draw_editor(L, ctx, draw_title(L, ctx));
        netlab_step_text(m, &L->in, step, L->eq1, sizeof L->eq1, L->eq2, sizeof L->eq2);
        draw_equation(L, ctx, false);
        return;
    }
    /* the stage: a title line, then the maps, the vectors and the output table */
    netview_layout(L, ctx, draw_title(L, ctx));
    NetLabUnit hov = track_mouse(L, ctx);
    L->hover = hov.valid ? hov : L->pinned;
    /* a unit of a layer not computed yet has no value to show */
    if (L->hover.valid && L->hover.L > step)
        L->hover.valid = false;

    RfBox rf[NET_MAX_LAYERS + 2];
    bool have_rf =
        L->hover.valid && netlab_model_trace(m, L->hover.L, L->hover.c, L->hover.y, L->hover.x, rf);
    bool images = netview_update_images(L, ctx->r);
    (void)images;
    for (int i = 0; i < L->n_cols; i++)
        netview_draw_col(L, ctx, &L->cols[i], L->cols[i].L <= step,
                         L->cols[i].L == step && step > 0, have_rf ? rf : NULL, L->hover.L);
    for (int i = 0; i < L->n_strips; i++)
        netview_draw_strip(L, ctx, &L->strips[i], L->strips[i].L <= step, L->strips[i].L == step,
                           have_rf ? rf : NULL, L->hover.L);
    if (L->has_out)
        netview_draw_out(L, ctx, step, have_rf ? rf : NULL, L->hover.L);
    if (have_rf) {
        outline_hovered(L, ctx);
        netlab_unit_text(m, &L->hover, rf, L->eq1, sizeof L->eq1, L->eq2, sizeof L->eq2, L->tip,
                         sizeof L->tip);
        if (hov.valid)
            ui_tooltip(ctx->ui, L->tip);
    } else {
        netlab_step_text(m, &L->in, step, L->eq1, sizeof L->eq1, L->eq2, sizeof L->eq2);
    }
    if (!ctx->headless && !hov.valid)
        head_tooltips(L, ctx);
    draw_equation(L, ctx, have_rf);
}

/* The H overlay's rows for this lab (net_key and the mouse in net_draw). */
static const UiHelpRow net_help[] = {
    {"D  \xE2\x87\xA7"
     "D",
     "next / previous test digit"},
    {"K  \xE2\x87\xA7"
     "K",
     "next / previous class: the next test digit of that class"},
    {"W", "trained / initial weights"},
    {"N  \xE2\x87\xA7"
     "N",
     "next / previous net in assets/nets"},
    {"C", "clear the canvas and draw: drag on the input, Shift+drag erases"},
    {"X", "export the net and its weights for PyTorch to convscope-export-NAME/ here"},
    {"hover", "a unit: its value and receptive field traced back to the input"},
    {"click", "a unit pins it (click it again to unpin)"},
    {"E", "Edit mode: the net as rows (shape, parameters, FLOPs, memory), editable"},
    {"Ctrl+Z  Ctrl+\xE2\x87\xA7Z", "undo / redo an edit of the net"},
    {"drop", "a PNG, JPEG, BMP or PGM becomes the input; a .net or .cnn opens in the editor"},
    {NULL, NULL},
};

const LabDef lab_network = {
    .name = "network",
    .title = "Network",
    .blurb = "The whole digit classifier: every feature map, shapes, parameter counts, softmax.",
    .create = net_create_lab,
    .destroy = net_destroy_lab,
    .set_option = net_set_option,
    .update = net_update,
    .draw = net_draw,
    .timeline = net_timeline,
    .key = net_key,
    .drop = net_drop,
    .help = net_help,
};

/* ---- test-facing reads (view.h) ---------------------------------------------------- */

const NetLabModel *lab_network_model(void *state)
{
    return &((NetLab *)state)->m;
}

bool lab_network_map_rect(void *state, int Lx, int c, Rect *out)
{
    const MapCol *col = netview_col_of(state, Lx);
    if (!col || c < 0 || c >= col->n_maps)
        return false;
    *out = col->map[c];
    return true;
}

bool lab_network_head_rect(void *state, int Lx, Rect *out)
{
    const MapCol *col = netview_col_of(state, Lx);
    if (!col)
        return false;
    *out = col->head;
    return true;
}

bool lab_network_strip_rect(void *state, int Lx, Rect *out)
{
    const NetLab *L = state;
    for (int i = 0; i < L->n_strips; i++)
        if (L->strips[i].L == Lx) {
            *out = L->strips[i].cells;
            return true;
        }
    return false;
}

bool lab_network_bar_rect(void *state, int k, Rect *out)
{
    const NetLab *L = state;
    if (!L->has_out || k < 0 || k >= L->out.rows)
        return false;
    *out = L->out.bar[k];
    return true;
}

bool lab_network_legend_rect(void *state, int Lx, Rect *out)
{
    const MapCol *col = netview_col_of(state, Lx);
    if (!col)
        return false;
    *out = col->legend;
    return true;
}

int lab_network_class(void *state)
{
    return ((const NetLab *)state)->in.class_sel;
}

const char *lab_network_equation(void *state, int line)
{
    const NetLab *L = state;
    return line == 0 ? L->eq1 : L->eq2;
}

const NetDoc *lab_network_editor_doc(void *state)
{
    return ((const NetLab *)state)->ed.doc;
}

bool lab_network_editor_on(void *state)
{
    return ((const NetLab *)state)->ed.on;
}

const char *lab_network_editor_cell(void *state, int r, int col, Rect *rc)
{
    NetLab *L = state;
    const NetEditor *ed = &L->ed;
    if (r < 0 || r >= ed->n_rows || col < 0 || col > 4)
        return NULL;
    const Rect cells[5] = {ed->line[r], ed->shape[r], ed->formula[r], ed->flops[r], ed->mem[r]};
    if (rc)
        *rc = cells[col];
    if (col == 0) {
        /* the words drawn: the line without its comment */
        netview_line_words(netdoc_row_line(ed->doc, r), L->tip, sizeof L->tip);
        return L->tip;
    }
    return ed->cell[r][col - 1];
}

bool lab_network_editor_rect(void *state, const char *name, Rect *rc)
{
    const NetEditor *ed = &((const NetLab *)state)->ed;
    static const char *const names[] = {"field", "apply", "above", "below", "delete", "up",
                                        "down",  "file",  "open",  "save",  "totals", "weights"};
    const Rect rects[] = {ed->field, ed->apply, ed->above, ed->below, ed->del,    ed->up,
                          ed->down,  ed->file,  ed->open,  ed->save,  ed->totals, ed->weights};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) {
            *rc = rects[i];
            return true;
        }
    return false;
}

const char *lab_network_editor_totals(void *state)
{
    return ((const NetLab *)state)->ed.totals_text;
}

const char *lab_network_editor_status(void *state)
{
    return ((const NetLab *)state)->ed.status;
}
