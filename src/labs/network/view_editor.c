/* labs/network/view_editor.c - the Network lab's net editor (Edit mode, key E): the net as a
 * column of rows, each with its line (click to select, retype in the field, Enter applies),
 * its output shape, parameter formula with the numbers, forward MFLOP and memory, all from
 * netdoc's analysis (the parser is the only judge); a row the parser refuses shows its message
 * in the error colour and the rows after it are greyed, while the maps keep the last valid net.
 * Every edit that leaves a valid net is published to netshare (the Train and Backprop labs
 * follow it) and the lab rebuilds its own net from the share; weights published by another lab
 * (or a .cnn opened here) are taken over with a line saying where they came from.
 * Depends on: view_int.h, engine/netedit.h, engine/model.h, labs/common/netshare.h, ui. */
#include "labs/network/view_int.h"

#include "engine/model.h"
#include "labs/common/netshare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the document and the share ----------------------------------------------------------- */

/* The name for titles: the path's last component without ".net" / ".cnn". */
static void title_of(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    snprintf(out, size, "%s", base ? base + 1 : path);
    char *dot = strrchr(out, '.');
    if (dot && (strcmp(dot, ".net") == 0 || strcmp(dot, ".cnn") == 0))
        *dot = '\0';
}

static const char *base_of(const char *path)
{
    const char *base = strrchr(path, '/');
    return base ? base + 1 : path;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

static void set_doc(NetLab *L, NetDoc *d)
{
    netdoc_destroy(L->ed.doc);
    L->ed.doc = d;
    L->ed.sel = netdoc_row_count(d) > 1 ? 1 : 0;
    L->ed.sel_shown = -1;
}

bool netview_follow_share(NetLab *L)
{
    NetEditor *ed = &L->ed;
    const NetShare *s = netshare_get();
    bool changed = false;
    if (s->net_gen != ed->net_gen) {
        ed->net_gen = s->net_gen;
        if (!L->have_model || strcmp(s->text, L->m.net->text) != 0) {
            char err[512] = "";
            NetLabModel fresh;
            if (netlab_model_load_text(&fresh, s->text, s->file, err, sizeof err)) {
                netview_swap_model(L, &fresh);
                snprintf(L->m.name, sizeof L->m.name, "%s", s->name);
                changed = true;
            } else {
                netlab_model_free(&fresh);
            }
        }
        if (!ed->doc || strcmp(netdoc_text(ed->doc), s->text) != 0) {
            char err[512] = "";
            NetDoc *d = netdoc_create(s->text, s->file, err, sizeof err);
            if (d)
                set_doc(L, d);
        }
        int i = netlab_catalog_find(&L->nets, s->name);
        if (i >= 0)
            L->net_sel = i;
    }
    if (s->weights_gen != ed->weights_gen) {
        ed->weights_gen = s->weights_gen;
        if (s->weights && netlab_model_set_model(&L->m, s->weights, s->n_weights, s->state,
                                                 s->n_state, s->weights_from)) {
            L->weights_sel = 0;
            L->want_train = false;
            L->gen++;
            changed = true;
        }
    }
    return changed;
}

bool netview_editor_init(NetLab *L, char *err, size_t err_size)
{
    NetEditor *ed = &L->ed;
    int n = netdoc_preset_count();
    for (int i = 0; i < n && i < 16; i++)
        ed->preset_items[i] = netdoc_preset_name(i);
    for (int k = 0; k < LAYER_KIND_COUNT; k++)
        ed->kind_items[k] = layer_kind_name((LayerKind)k);
    ed->kind_sel = LAYER_CONV;
    ed->preset_sel = 0;
    ed->net_gen = 0;
    ed->weights_gen = 0;
    netview_follow_share(L);
    if (!ed->doc) {
        snprintf(err, err_size, "network lab: the net editor's document cannot be made");
        return false;
    }
    return true;
}

void netview_editor_free(NetLab *L)
{
    netdoc_destroy(L->ed.doc);
    L->ed.doc = NULL;
}

void netview_editor_publish(NetLab *L)
{
    NetDoc *d = L->ed.doc;
    L->ed.sel_shown = -1;
    if (!netdoc_valid(d))
        return; /* the row shows the parser's message; the maps keep the last valid net */
    char name[64], err[512] = "";
    title_of(netdoc_name(d), name, sizeof name);
    /* an edited net is not the file's any more: its title and its export folder say so
     * ("lenet-tiny-edited"), until it is saved under a name of its own */
    if (netdoc_modified(d)) {
        size_t n = strlen(name);
        snprintf(name + (n < 54 ? n : 54), sizeof name - (n < 54 ? n : 54), "-edited");
    }
    if (netshare_set_net(netdoc_text(d), netdoc_name(d), name, err, sizeof err))
        netview_follow_share(L);
}

/* A new document d (opened or a preset) replaces the current one when it parses and is
 * published; else err gets the parser's message and d is freed. */
static bool take_doc(NetLab *L, NetDoc *d, char *err, size_t err_size)
{
    if (!netdoc_valid(d)) {
        snprintf(err, err_size, "%s", netdoc_error(d));
        netdoc_destroy(d);
        return false;
    }
    char name[64];
    title_of(netdoc_name(d), name, sizeof name);
    if (!netshare_set_net(netdoc_text(d), netdoc_name(d), name, err, err_size)) {
        netdoc_destroy(d);
        return false;
    }
    set_doc(L, d);
    netview_follow_share(L);
    return true;
}

bool netview_editor_preset(NetLab *L, int i, char *err, size_t err_size)
{
    if (i < 0 || i >= netdoc_preset_count()) {
        snprintf(err, err_size, "network: no preset %d", i);
        return false;
    }
    NetDoc *d = netdoc_load_preset(i, err, err_size);
    if (!d || !take_doc(L, d, err, err_size))
        return false;
    L->ed.preset_sel = i;
    return true;
}

bool netview_editor_open(NetLab *L, const char *path, char *err, size_t err_size)
{
    if (ends_with(path, ".cnn")) {
        Net *net = model_load(path, err, err_size);
        if (!net)
            return false;
        char name[64];
        title_of(path, name, sizeof name);
        bool ok = netshare_set_net(net->text, base_of(path), name, err, err_size);
        if (ok) {
            netview_follow_share(L);
            char from[96];
            snprintf(from, sizeof from, "file %.80s", base_of(path));
            ok = netshare_set_model(net->params, net->n_params, net->state, net->n_state, from);
            if (!ok)
                snprintf(err, err_size, "%s: its weights do not fit its net", path);
            netview_follow_share(L);
        }
        net_destroy(net);
        return ok;
    }
    if (!ends_with(path, ".net")) {
        snprintf(err, err_size, "%s: the editor opens .net (a net text) or .cnn (a model) files",
                 path);
        return false;
    }
    NetDoc *d = netdoc_load(path, err, err_size);
    return d && take_doc(L, d, err, err_size);
}

bool netview_editor_save(NetLab *L, const char *path, char *err, size_t err_size)
{
    bool ok;
    if (ends_with(path, ".cnn")) {
        ok = model_save(L->m.net, path, err, err_size);
        if (ok)
            snprintf(L->ed.status, sizeof L->ed.status, "saved %s: the net shown, %s", path,
                     L->m.train_msg);
    } else if (ends_with(path, ".net")) {
        ok = netdoc_save(L->ed.doc, path, err, err_size);
        if (ok)
            snprintf(L->ed.status, sizeof L->ed.status, "saved %s (%zu bytes of net text)", path,
                     netdoc_text_size(L->ed.doc));
    } else {
        snprintf(err, err_size, "%s: save as .net (the text) or .cnn (the net with its weights)",
                 path);
        ok = false;
    }
    return ok;
}

bool netview_editor_history(NetLab *L, int dir)
{
    NetDoc *d = L->ed.doc;
    bool ok = dir < 0 ? netdoc_undo(d) : netdoc_redo(d);
    if (ok) {
        if (L->ed.sel >= netdoc_row_count(d))
            L->ed.sel = netdoc_row_count(d) - 1;
        netview_editor_publish(L);
    }
    return ok;
}

/* ---- the control column's part ------------------------------------------------------------ */

static void file_action(NetLab *L, LabContext *ctx, bool save)
{
    NetEditor *ed = &L->ed;
    char err[1024] = "";
    if (!ed->path_edit[0]) {
        lab_report_error(ctx, "network: type a file path first (.net or .cnn)");
        return;
    }
    bool ok = save ? netview_editor_save(L, ed->path_edit, err, sizeof err)
                   : netview_editor_open(L, ed->path_edit, err, sizeof err);
    if (!ok)
        lab_report_error(ctx, err);
    else if (!save)
        snprintf(ed->status, sizeof ed->status, "opened %.400s", ed->path_edit);
}

void netview_editor_controls(NetLab *L, LabContext *ctx, UiColumn *col)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    NetEditor *ed = &L->ed;
    int gap = theme_px(th, 4);
    int sel = ed->preset_sel;
    int n_presets = netdoc_preset_count() < 16 ? netdoc_preset_count() : 16;
    if (ui_dropdown(ui, ui_id("net.preset"), ui_column_next(col, 1), ed->preset_items, n_presets,
                    &sel)) {
        char err[512] = "";
        if (!netview_editor_preset(L, sel, err, sizeof err))
            lab_report_error(ctx, err);
    }
    /* Undo, Redo, the path field, Open and Save: on three rows when they fit under what is
     * above, else (800x600) the four buttons share one row above the field */
    bool tight = col->area.y + col->area.h - col->y < 3 * (col->row_h + col->gap);
    Rect row = ui_column_next(col, 1);
    int n_buttons = tight ? 4 : 2;
    int bw = (row.w - (n_buttons - 1) * gap) / n_buttons;
    Rect b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (Rect){row.x + (i % n_buttons) * (bw + gap), row.y, bw, row.h};
    if (ui_button_enabled(ui, ui_id("net.undo"), b[0], "Undo", netdoc_can_undo(ed->doc)))
        netview_editor_history(L, -1);
    if (ui_button_enabled(ui, ui_id("net.redo"), b[1], "Redo", netdoc_can_redo(ed->doc)))
        netview_editor_history(L, 1);

    Rect pf = ui_column_next(col, 1);
    if (!tight) {
        Rect below = ui_column_next(col, 1);
        b[2].y = b[3].y = below.y;
        if (below.w == 0)
            b[2].w = b[3].w = 0;
    }
    ed->file = pf;
    bool go = ui_text_field(ui, ui_id("net.file"), pf, ed->path_edit, sizeof ed->path_edit,
                            "a .net / .cnn path");
    if (go)
        file_action(L, ctx, false);
    ed->open = b[2];
    ed->save = b[3];
    if (b[2].w > 0 && ui_button(ui, ui_id("net.open"), b[2], "Open"))
        file_action(L, ctx, false);
    if (b[3].w > 0 && ui_button(ui, ui_id("net.save"), b[3], "Save"))
        file_action(L, ctx, true);
}

void netview_line_words(const char *line, char *out, size_t size)
{
    snprintf(out, size, "%s", line);
    char *hash = strchr(out, '#');
    if (hash)
        *hash = '\0';
    for (size_t n = strlen(out); n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'); n--)
        out[n - 1] = '\0';
}

/* ---- the stage ------------------------------------------------------------------------------ */

static void format_bytes(long b, char *out, size_t size)
{
    if (b < 1024)
        snprintf(out, size, "%ld B", b);
    else if (b < 1024L * 1024)
        snprintf(out, size, "%.1f KB", (double)b / 1024.0);
    else
        snprintf(out, size, "%.2f MB", (double)b / (1024.0 * 1024.0));
}

/* The cells' texts of every row: shape, formula (or the parser's message), MFLOP, memory. */
static void fill_cells(NetLab *L)
{
    NetEditor *ed = &L->ed;
    const NetDoc *d = ed->doc;
    char raw[160];
    for (int r = 0; r < ed->n_rows; r++) {
        const NetRowInfo *ri = netdoc_row(d, r);
        char(*c)[160] = ed->cell[r];
        for (int k = 0; k < 4; k++)
            c[k][0] = '\0';
        if (ri->state == NETROW_ERROR) {
            snprintf(c[1], sizeof c[1], "%s", ri->error);
            continue;
        }
        if (ri->state == NETROW_SKIPPED) {
            snprintf(c[1], sizeof c[1], "not evaluated");
            continue;
        }
        if (ri->out.rank > 0)
            netlab_times(shape_format(ri->out, raw, sizeof raw), c[0], sizeof c[0]);
        if (!ri->is_input) {
            netlab_times(ri->formula, c[1], sizeof c[1]);
            snprintf(c[2], sizeof c[2], "%.3f", (double)ri->flops_fwd / 1e6);
        }
        format_bytes(ri->param_bytes + ri->act_bytes, c[3], sizeof c[3]);
    }
}

static void fill_totals(NetLab *L)
{
    NetEditor *ed = &L->ed;
    const NetDocTotals *t = netdoc_totals(ed->doc);
    char fwd[32], train[32], rf[48];
    format_bytes(t->mem_fwd, fwd, sizeof fwd);
    format_bytes(t->mem_train, train, sizeof train);
    if (t->rf_whole)
        snprintf(rf, sizeof rf, "whole input");
    else
        snprintf(rf, sizeof rf, "%d\xC3\x97%d", t->rf_h, t->rf_w);
    snprintf(ed->totals_text, sizeof ed->totals_text,
             "%s%ld parameters   %.3f MFLOP forward, %.3f training per image\nmemory %s "
             "forward, %s training   receptive field: %s",
             t->complete ? "total: " : "rows above the error: ", t->params,
             (double)t->flops_fwd / 1e6, (double)t->flops_train / 1e6, fwd, train, rf);
}

/* The rows' tooltip: everything netdoc says of row r. */
static void row_tooltip(NetLab *L, LabContext *ctx, int r)
{
    const NetRowInfo *ri = netdoc_row(L->ed.doc, r);
    const char *line = netdoc_row_line(L->ed.doc, r);
    char in[64];
    if (ri->state == NETROW_ERROR)
        snprintf(L->tip, sizeof L->tip, "%s\n%s", line, ri->error);
    else if (ri->state == NETROW_SKIPPED)
        snprintf(L->tip, sizeof L->tip, "%s\nnot evaluated (a row above is in error)", line);
    else
        snprintf(L->tip, sizeof L->tip,
                 "%s\n%s \xE2\x86\x92 %s\nparameters %s\nMACs %lld   FLOPs forward %lld, "
                 "backward %lld, training %lld\nbytes: weights %ld, output %ld\nreceptive field "
                 "%dx%d%s",
                 line, shape_format(ri->in, in, sizeof in), L->ed.cell[r][0],
                 ri->formula[0] ? ri->formula : "0", ri->macs, ri->flops_fwd, ri->flops_bwd,
                 ri->flops_train, ri->param_bytes, ri->act_bytes, ri->rf_h, ri->rf_w,
                 ri->rf_whole ? " (the whole input)" : "");
    ui_tooltip(ctx->ui, L->tip);
}

/* The toolbar's buttons: as wide as their longest word. */
static int button_width(LabContext *ctx)
{
    const Theme *th = ctx->th;
    int bw = 0;
    static const char *const words[] = {"Apply", "Above", "Below", "Delete"};
    for (int i = 0; i < 4; i++) {
        int tw = 0;
        render_text_size(ctx->r, FONT_SANS, theme_px(th, THEME_BODY), words[i], &tw, NULL);
        bw = tw > bw ? tw : bw;
    }
    return bw + theme_px(th, 14);
}

/* The new row's kind dropdown: as wide as its longest item ("batchnorm") plus the chevron, so
 * the open list (as wide as the box) shows every name whole. */
static int kind_width(LabContext *ctx, const NetEditor *ed)
{
    const Theme *th = ctx->th;
    int w = 0;
    for (int i = 0; i < LAYER_KIND_COUNT; i++) {
        int tw = 0;
        render_text_size(ctx->r, FONT_SANS, theme_px(th, THEME_BODY), ed->kind_items[i], &tw, NULL);
        w = tw > w ? tw : w;
    }
    w += theme_px(th, 16) + 2 * theme_px(th, 5) + theme_px(th, 4);
    return w > theme_px(th, 84) ? w : theme_px(th, 84);
}

/* The row toolbar: the selected row's line, Apply, the new row's kind, add above / below,
 * delete, move up / down. */
static void draw_toolbar(NetLab *L, LabContext *ctx, Rect bar)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    NetEditor *ed = &L->ed;
    NetDoc *d = ed->doc;
    int gap = theme_px(th, 4), h = bar.h;
    int bw = button_width(ctx), aw = h, kw = kind_width(ctx, ed);
    /* one row when the line's field keeps 200 px, else the field and Apply on a row of their
     * own above the buttons */
    int fixed = bw * 4 + kw + 2 * aw + 7 * gap;
    bool two = bar.w - fixed < theme_px(th, 200);
    int fw = two ? bar.w - bw - gap : bar.w - fixed;
    if (ed->sel_shown != ed->sel) {
        /* the row's words: its comment stays on the line unless the text writes one */
        netview_line_words(netdoc_row_line(d, ed->sel), ed->line_edit, sizeof ed->line_edit);
        ed->sel_shown = ed->sel;
    }
    ed->field = (Rect){bar.x, bar.y, fw, h};
    ed->apply = (Rect){bar.x + fw + gap, bar.y, bw, h};
    int x0 = two ? bar.x : bar.x + fw + bw + 2 * gap;
    int y = two ? bar.y + h + gap : bar.y;
    ed->above = (Rect){x0 + kw + gap, y, bw, h};
    ed->below = (Rect){x0 + kw + bw + 2 * gap, y, bw, h};
    ed->del = (Rect){x0 + kw + 2 * bw + 3 * gap, y, bw, h};
    ed->up = (Rect){x0 + kw + 3 * bw + 4 * gap, y, aw, h};
    ed->down = (Rect){x0 + kw + 3 * bw + aw + 5 * gap, y, aw, h};
    bool apply = ui_text_field(ui, ui_id("net.line"), ed->field, ed->line_edit,
                               sizeof ed->line_edit, "the row's line");
    apply |= ui_button(ui, ui_id("net.apply"), ed->apply, "Apply");
    int x = x0;
    bar.y = y;
    bool refused = false;
    if (apply)
        refused = !netdoc_set_row_text(d, ed->sel, ed->line_edit);
    int ks = ed->kind_sel;
    if (ui_dropdown(ui, ui_id("net.kind"), (Rect){x, bar.y, kw, h}, ed->kind_items,
                    LAYER_KIND_COUNT, &ks))
        ed->kind_sel = ks;
    x += kw + gap;
    int rows = netdoc_row_count(d);
    if (ui_button_enabled(ui, ui_id("net.above"), (Rect){x, bar.y, bw, h}, "Above", ed->sel > 0)) {
        refused = !netdoc_insert(d, ed->sel, false, (LayerKind)ed->kind_sel);
        apply = true;
    }
    x += bw + gap;
    if (ui_button(ui, ui_id("net.below"), (Rect){x, bar.y, bw, h}, "Below")) {
        refused = !netdoc_insert(d, ed->sel, true, (LayerKind)ed->kind_sel);
        if (!refused)
            ed->sel++;
        apply = true;
    }
    x += bw + gap;
    if (ui_button_enabled(ui, ui_id("net.delete"), (Rect){x, bar.y, bw, h}, "Delete",
                          ed->sel > 0)) {
        refused = !netdoc_delete(d, ed->sel);
        if (!refused && ed->sel >= netdoc_row_count(d))
            ed->sel = netdoc_row_count(d) - 1;
        apply = true;
    }
    x += bw + gap;
    for (int dir = -1; dir <= 1; dir += 2) {
        bool can = dir < 0 ? ed->sel > 1 : ed->sel > 0 && ed->sel < rows - 1;
        if (ui_button_enabled(ui, ui_id(dir < 0 ? "net.up" : "net.down"), (Rect){x, bar.y, aw, h},
                              dir < 0 ? "\xE2\x96\xB2" : "\xE2\x96\xBC", can)) {
            refused = !netdoc_move(d, ed->sel, dir);
            if (!refused)
                ed->sel += dir;
            apply = true;
        }
        x += aw + gap;
    }
    if (refused) {
        char msg[512];
        snprintf(msg, sizeof msg, "network: %s", netdoc_why(d));
        lab_report_error(ctx, msg);
        ed->sel_shown = -1;
    } else if (apply) {
        netview_editor_publish(L);
    }
}

/* The toolbar's height on a stage w px wide: one row or two. */
static int toolbar_height(LabContext *ctx, int w)
{
    const Theme *th = ctx->th;
    int h = ui_row_height(th), gap = theme_px(th, 4), bw = button_width(ctx);
    int fixed = bw * 4 + theme_px(th, 84) + 2 * h + 7 * gap;
    return w - fixed < theme_px(th, 200) ? 2 * h + gap : h;
}

void netview_draw_editor(NetLab *L, LabContext *ctx, Rect st)
{
    Render *r = ctx->r;
    const Theme *th = ctx->th;
    Ui *ui = ctx->ui;
    NetEditor *ed = &L->ed;
    int gap = theme_px(th, 6);
    int row_h = toolbar_height(ctx, st.w);
    draw_toolbar(L, ctx, (Rect){st.x, st.y, st.w, ui_row_height(th)});

    int lh = render_line_height(r, FONT_MONO, theme_px(th, THEME_SMALL));
    ed->n_rows = netdoc_row_count(ed->doc);
    if (ed->n_rows > EDIT_MAX_ROWS)
        ed->n_rows = EDIT_MAX_ROWS;
    fill_cells(L);
    fill_totals(L);

    /* below the rows: the totals, the weights and the last save/open */
    int foot_h = 4 * lh + gap;
    int y = st.y + row_h + gap;
    int head_h = lh + theme_px(th, 2);
    int avail = st.y + st.h - foot_h - y - head_h;
    int rh = ed->n_rows > 0 ? avail / ed->n_rows : lh;
    int rmax = theme_px(th, 24);
    rh = rh > rmax ? rmax : rh < lh ? lh : rh;

    /* columns: #, line, output, parameters (or the parser's message), MFLOP, memory */
    static const int frac[6] = {4, 31, 13, 28, 10, 14};
    static const char *const heads[6] = {"#", "line", "output", "parameters", "MFLOP", "memory"};
    int cx[7];
    cx[0] = st.x;
    for (int k = 0; k < 6; k++)
        cx[k + 1] = cx[k] + st.w * frac[k] / 100;
    cx[6] = st.x + st.w;
    int pad = theme_px(th, 4);
    for (int k = 0; k < 6; k++)
        netview_line_in(r, th, FONT_SANS_BOLD, THEME_SMALL, heads[k],
                        (Rect){cx[k] + pad, y, cx[k + 1] - cx[k] - 2 * pad, lh},
                        ALIGN_LEFT | ALIGN_TOP, th->text_dim);
    y += head_h;
    int err_row = netdoc_error_row(ed->doc);
    bool err_cut = false; /* the parser's message does not fit its row even at the least size */
    for (int i = 0; i < ed->n_rows; i++) {
        const NetRowInfo *ri = netdoc_row(ed->doc, i);
        Rect row = {st.x, y + i * rh, st.w, rh};
        ed->row[i] = row;
        if (i == ed->sel)
            render_rect(r, row, th->control);
        else if (i % 2 == 1)
            render_rect(r, row, th->panel);
        if (i == ed->sel)
            render_rect_outline(r, row, 1, th->accent);
        Color fg = ri->state == NETROW_SKIPPED ? th->text_dim : th->text;
        Rect cell[6];
        for (int k = 0; k < 6; k++)
            cell[k] = (Rect){cx[k] + pad, row.y, cx[k + 1] - cx[k] - 2 * pad, rh};
        ed->line[i] = cell[1];
        ed->shape[i] = cell[2];
        ed->formula[i] = cell[3];
        ed->flops[i] = cell[4];
        ed->mem[i] = cell[5];
        char num[16];
        snprintf(num, sizeof num, "%d", i);
        int mid = ALIGN_LEFT | ALIGN_MIDDLE;
        netview_line_in(r, th, FONT_MONO, THEME_SMALL, num, cell[0], mid, th->text_dim);
        /* the line's words (its comment is in the field and the tooltip) */
        char words[160];
        netview_line_words(netdoc_row_line(ed->doc, i), words, sizeof words);
        netview_line_in(r, th, FONT_MONO, THEME_SMALL, words, cell[1], mid,
                        i == err_row ? th->error : fg);
        if (ri->state != NETROW_OK) {
            /* the parser's message (or "not evaluated") across the number columns */
            ed->formula[i] = (Rect){cell[2].x, row.y, cx[6] - pad - cell[2].x, rh};
            if (i == err_row) {
                int tw = 0;
                render_text_size(r, FONT_SANS, theme_px(th, 9.0f), ed->cell[i][1], &tw, NULL);
                err_cut = tw > ed->formula[i].w;
            }
            netview_line_in(r, th, FONT_SANS, THEME_SMALL, ed->cell[i][1], ed->formula[i], mid,
                            ri->state == NETROW_ERROR ? th->error : th->text_dim);
        } else {
            netview_line_in(r, th, FONT_MONO, THEME_SMALL, ed->cell[i][0], cell[2], mid, fg);
            netview_line_in(r, th, FONT_MONO, THEME_SMALL, ed->cell[i][1], cell[3], mid, fg);
            netview_line_in(r, th, FONT_MONO, THEME_SMALL, ed->cell[i][2], cell[4],
                            ALIGN_RIGHT | ALIGN_MIDDLE, fg);
            netview_line_in(r, th, FONT_MONO, THEME_SMALL, ed->cell[i][3], cell[5],
                            ALIGN_RIGHT | ALIGN_MIDDLE, fg);
        }
        if (!ctx->headless && ui->st.open == 0 && rect_contains(row, ui->in.mx, ui->in.my)) {
            if (ui->in.mouse_pressed && !ui->mouse_used && ed->sel != i) {
                ed->sel = i;
                ed->sel_shown = -1;
            }
            row_tooltip(L, ctx, i);
        }
    }
    y += ed->n_rows * rh + gap;
    ed->totals = (Rect){st.x, y, st.w, 2 * lh};
    char t1[320];
    snprintf(t1, sizeof t1, "%s", ed->totals_text);
    char *nl = strchr(t1, '\n');
    if (nl)
        *nl = '\0';
    /* the two lines of totals at one size: the smaller of the sizes each fits at */
    int small = theme_px(th, THEME_SMALL), least = theme_px(th, 9.0f);
    int s1 = render_text_fit_size(r, FONT_SANS_BOLD, small, least, t1, st.w);
    int s2 = render_text_fit_size(r, FONT_SANS_BOLD, small, least, nl ? nl + 1 : "", st.w);
    int ts = s1 < s2 ? s1 : s2;
    render_text_line(r, FONT_SANS_BOLD, ts, least, t1, (Rect){st.x, y, st.w, lh},
                     ALIGN_LEFT | ALIGN_TOP, th->text);
    render_text_line(r, FONT_SANS_BOLD, ts, least, nl ? nl + 1 : "", (Rect){st.x, y + lh, st.w, lh},
                     ALIGN_LEFT | ALIGN_TOP, th->text);
    if (!ctx->headless && rect_contains(ed->totals, ui->in.mx, ui->in.my))
        ui_tooltip(ui, ed->totals_text);
    y += lh;
    char wl[512];
    if (netdoc_valid(ed->doc))
        snprintf(wl, sizeof wl, "%s", L->m.train_msg);
    else
        snprintf(wl, sizeof wl,
                 "the maps keep the last valid net (%d layers) until the error is "
                 "fixed   %s",
                 L->m.n_layers, L->m.train_msg);
    ed->weights = (Rect){st.x, y + lh, st.w, lh};
    if (err_cut) {
        /* a narrow window: the row shows the message's start, these two lines all of it */
        char msg[600];
        snprintf(msg, sizeof msg, "row %d: %s", err_row, ed->cell[err_row][1]);
        render_text_wrap(r, FONT_SANS, theme_px(th, THEME_SMALL), msg,
                         (Rect){st.x, y + lh, st.w, 2 * lh}, th->error, true);
        return;
    }
    netview_line_in(r, th, FONT_SANS, THEME_SMALL, wl, ed->weights, ALIGN_LEFT | ALIGN_TOP,
                    th->text_dim);
    if (ed->status[0])
        netview_line_in(r, th, FONT_SANS, THEME_SMALL, ed->status,
                        (Rect){st.x, y + 2 * lh, st.w, lh}, ALIGN_LEFT | ALIGN_TOP,
                        th->accent_text);
}
