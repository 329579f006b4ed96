/* labs/network/view_controls.c - the Network lab's control column: the net (N) and its
 * weights with the training's state, the input (a test digit by index or class, the canvas, a
 * picture file) and the keys when there is room.
 * Depends on: view_int.h, labs/network/model.h, ui. */
#include "labs/network/view_int.h"

#include "engine/export.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const source_items[NETLAB_SRC_COUNT] = {"Test digit", "Canvas (draw)",
                                                           "Image file"};
static const char *const weight_items[2] = {"Trained", "Initial (seed 1)"};
static const char *const class_items[10] = {"Class 0", "Class 1", "Class 2", "Class 3", "Class 4",
                                            "Class 5", "Class 6", "Class 7", "Class 8", "Class 9"};

/* The weights' state under their menu: what they are, the accuracy, or the training's
 * progress with its bar. */
static void weights_state(NetLab *L, LabContext *ctx, UiColumn *col)
{
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    int small = theme_px(th, THEME_SMALL);
    Rect st = {col->area.x, col->y, col->area.w, 3 * render_line_height(r, FONT_SANS, small)};
    if (st.y + st.h <= col->area.y + col->area.h) {
        char msg[320];
        if (L->m.train == NETLAB_TRAINING) {
            float f = netlab_train_progress(&L->m);
            snprintf(msg, sizeof msg, "%s %d%%", L->m.train_msg, (int)(100.0f * f));
            int bh = theme_px(th, 4);
            render_rect(r, (Rect){st.x, st.y + st.h - bh, st.w, bh}, th->border);
            render_rect(r, (Rect){st.x, st.y + st.h - bh, (int)(f * (float)st.w), bh}, th->accent);
        } else {
            snprintf(msg, sizeof msg, "%s", L->m.train_msg);
        }
        render_text_wrap(r, FONT_SANS, small, msg, st, th->text_dim, true);
        col->y += st.h + col->gap;
    }
}

/* Exports the net with the weights it shows (engine/export.h) to convscope-export-NAME in the
 * current folder, replacing the three files of an earlier export there; says where under the
 * button, or reports what went wrong. */
static void export_net(NetLab *L, LabContext *ctx)
{
    NetLabModel *m = &L->m;
    L->export_msg[0] = '\0';
    if (!L->have_model || !m->net) {
        lab_report_error(ctx, "network lab: no net to export");
        return;
    }
    char dir[128], name[160], data[PATH_MAX], cwd[PATH_MAX], err[1200];
    snprintf(dir, sizeof dir, "convscope-export-%s", m->name);
    snprintf(name, sizeof name, "%s (Network lab, %s weights)", m->name,
             m->train == NETLAB_TRAINED ? "trained" : "initial");
    if (!realpath(L->in.digits_dir, data))
        snprintf(data, sizeof data, "%s", L->in.digits_dir);
    if (!export_pytorch(m->net, name, data, dir, true, err, sizeof err)) {
        lab_report_error(ctx, err);
        return;
    }
    snprintf(L->export_dir, sizeof L->export_dir, "%s", dir);
    snprintf(L->export_msg, sizeof L->export_msg,
             "Exported to %.400s/%s (model.py, weights.npz, check.py)",
             getcwd(cwd, sizeof cwd) ? cwd : ".", dir);
}

/* The Export button (X) and where the last export went. */
static void controls_export(NetLab *L, LabContext *ctx, UiColumn *col)
{
    if (ui_button(ctx->ui, ui_id("net.export"), ui_column_next(col, 1), "Export to PyTorch  (X)"))
        L->want_export = true;
    if (L->want_export) {
        L->want_export = false;
        export_net(L, ctx);
    }
    if (!L->export_msg[0])
        return;
    /* the whole path when the input (a heading and at most 3 rows) still fits under it, else the
     * folder's name on one line, else nothing */
    int small = theme_px(ctx->th, THEME_SMALL);
    int lh = render_line_height(ctx->r, FONT_SANS, small);
    int room = col->area.y + col->area.h - col->y - 4 * (col->row_h + col->gap);
    if (room >= 3 * lh + col->gap) {
        render_text_wrap(ctx->r, FONT_SANS, small, L->export_msg,
                         (Rect){col->area.x, col->y, col->area.w, 3 * lh}, ctx->th->text_dim, true);
        col->y += 3 * lh + col->gap;
    } else if (room >= lh + col->gap) {
        char line[160];
        snprintf(line, sizeof line, "Exported to %s/", L->export_dir);
        netview_line_in(ctx->r, ctx->th, FONT_SANS, THEME_SMALL, line,
                        (Rect){col->area.x, col->y, col->area.w, lh}, ALIGN_LEFT | ALIGN_TOP,
                        ctx->th->text_dim);
        col->y += lh + col->gap;
    }
}

/* The net (N) and its weights (trained or initial). */
static void controls_net(NetLab *L, LabContext *ctx, UiColumn *col)
{
    Ui *ui = ctx->ui;
    ui_column_heading(ui, col, "Network  (N)");
    int sel = L->net_sel;
    if (ui_dropdown(ui, ui_id("net.net"), ui_column_next(col, 1), L->net_items, L->nets.n, &sel)) {
        char err[512] = "";
        if (!netview_load_net(L, sel, err, sizeof err))
            lab_report_error(ctx, err);
    }
    sel = L->weights_sel;
    if (ui_dropdown(ui, ui_id("net.weights"), ui_column_next(col, 1), weight_items, 2, &sel))
        netview_set_weights(L, sel);
    weights_state(L, ctx, col);
    ui_toggle(ui, ui_id("net.edit"), ui_column_next(col, 1), "Edit the net  (E)", &L->ed.on);
    controls_export(L, ctx, col);
}

/* The input: its source, then the digit's index and class, the canvas' Clear, or the path. */
static void controls_input(NetLab *L, LabContext *ctx, UiColumn *col)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    int small = theme_px(th, THEME_SMALL);
    ui_column_heading(ui, col, "Input");
    int sel = (int)L->in.src;
    if (ui_dropdown(ui, ui_id("net.src"), ui_column_next(col, 1), source_items, NETLAB_SRC_COUNT,
                    &sel)) {
        if (sel == NETLAB_SRC_FILE && !L->in.file_x) {
            L->in.src =
                NETLAB_SRC_FILE; /* shows the path field; the input stays until a file loads */
        } else {
            L->in.src = (NetLabSource)sel;
            netview_apply_input(L);
        }
    }
    Rect row = ui_column_next(col, 1);
    if (L->in.src == NETLAB_SRC_DIGIT && row.w > 0) {
        int bw = row.h;
        if (ui_button(ui, ui_id("net.prev"), (Rect){row.x, row.y, bw, row.h}, "\xE2\x97\x80"))
            netview_pick_digit(L, L->in.digit_index - 1);
        int idx = L->in.digit_index;
        Rect nf = {row.x + bw + theme_px(th, 4), row.y, row.w - 2 * bw - theme_px(th, 8), row.h};
        if (ui_number_int(ui, ui_id("net.index"), nf, &idx, 0, L->in.digits.n - 1))
            netview_pick_digit(L, idx);
        if (ui_button(ui, ui_id("net.next"), (Rect){row.x + row.w - bw, row.y, bw, row.h},
                      "\xE2\x96\xB6"))
            netview_pick_digit(L, L->in.digit_index + 1);
        int cls = L->in.class_sel;
        if (ui_dropdown(ui, ui_id("net.class"), ui_column_next(col, 1), class_items, 10, &cls))
            netview_pick_class(L, cls);
    } else if (L->in.src == NETLAB_SRC_CANVAS && row.w > 0) {
        if (ui_button(ui, ui_id("net.clear"), row, "Clear  (C)")) {
            memset(L->in.canvas, 0, sizeof L->in.canvas);
            netview_apply_input(L);
        }
        Rect note = ui_column_next(col, 1);
        render_text_wrap(r, FONT_SANS, small, "Drag on the input to draw; Shift erases.", note,
                         th->text_dim, true);
    } else if (L->in.src == NETLAB_SRC_FILE && row.w > 0) {
        int bw = theme_px(th, 56);
        Rect tf = {row.x, row.y, row.w - bw - theme_px(th, 4), row.h};
        bool go = ui_text_field(ui, ui_id("net.path"), tf, L->path_edit, sizeof L->path_edit,
                                L->in.file_x ? L->in.file_name : "path (or drop a picture)");
        if (ui_button(ui, ui_id("net.load"), (Rect){row.x + row.w - bw, row.y, bw, row.h}, "Load"))
            go = true;
        char err[512] = "";
        if (go && L->path_edit[0] && !netview_load_file(L, L->path_edit, err, sizeof err))
            lab_report_error(ctx, err);
    }
}

/* The keys, when there is room. */
static void controls_keys(LabContext *ctx, UiColumn *col)
{
    Ui *ui = ctx->ui;
    const Theme *th = ctx->th;
    Render *r = ctx->r;
    int small = theme_px(th, THEME_SMALL);
    const char *keys = "D / Shift+D  next / previous digit\nK  next class\n"
                       "W  trained / initial weights\nN  next net   C  clear canvas\n"
                       "click a unit to pin it";
    int lh = render_line_height(r, FONT_MONO, small);
    int lines = 5;
    if (col->y + col->row_h + col->gap + lines * lh <= col->area.y + col->area.h) {
        ui_column_heading(ui, col, "Keys");
        int y = col->y;
        const char *p = keys;
        char line[128];
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            if (len >= sizeof line)
                len = sizeof line - 1;
            memcpy(line, p, len);
            line[len] = '\0';
            netview_line_in(r, th, FONT_MONO, THEME_SMALL, line,
                            (Rect){col->area.x, y, col->area.w, lh}, ALIGN_LEFT | ALIGN_TOP,
                            th->text_dim);
            y += lh;
            p = nl ? nl + 1 : p + len;
        }
    }
}

void netview_draw_controls(NetLab *L, LabContext *ctx)
{
    UiColumn col = ui_column(ctx->controls, ctx->th);
    controls_net(L, ctx, &col);
    if (L->ed.on) {
        netview_editor_controls(L, ctx, &col);
        return;
    }
    controls_input(L, ctx, &col);
    controls_keys(ctx, &col);
}
