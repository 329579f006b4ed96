/* labs/network/view_int.h - what the Network lab's view files share (room-private): the lab's
 * state and this frame's layout, and the functions one panel's file calls in another's.
 * Files: view.c (the lab: life cycle, options, keys, the frame), view_controls.c (the control
 * column), view_layout.c (where the maps, strips and output table go; what is under the
 * mouse), view_stage.c (drawing them), view_editor.c (the net editor: Edit mode, its state
 * NetLab.ed). A new panel is a file of its own beside these, called from net_draw.
 * Depends on: labs/network/model.h, labs/lab.h, ui, viz (render, colormap, theme). */
#ifndef CONVSCOPE_LABS_NETWORK_VIEW_INT_H
#define CONVSCOPE_LABS_NETWORK_VIEW_INT_H

#include "labs/lab.h"
#include "engine/netedit.h"
#include "labs/network/model.h"
#include "ui/ui.h"
#include "viz/colormap.h"
#include "viz/render.h"
#include "viz/theme.h"

#include <stdbool.h>
#include <stdint.h>

#define MAX_MAPS 32 /* feature maps drawn per layer (the rest are counted in the header) */
#define MAX_COLS (NET_MAX_LAYERS + 1)

/* One column of feature maps (the input or a C x H x W layer), laid out this frame. */
typedef struct MapCol {
    int L;
    Rect col, head, maps, legend;
    int n_maps;
    Rect map[MAX_MAPS];
} MapCol;

/* One row of a vector layer (flatten, dense, ...), laid out this frame. */
typedef struct Strip {
    int L;
    Rect head, cells, legend;
} Strip;

/* The output table: a row per class with the logit, the bar and the arithmetic. */
typedef struct OutTable {
    Rect area, head;
    int zL, pL; /* the layers of the logits and of the bars (equal without softmax) */
    int rows;
    Rect row[NETLAB_MAX_CLASSES], zcell[NETLAB_MAX_CLASSES], bar[NETLAB_MAX_CLASSES];
    Rect val[NETLAB_MAX_CLASSES]; /* the bar's value, beside it (never on the bar's colour) */
    Rect arith[NETLAB_MAX_CLASSES];
} OutTable;

#define EDIT_MAX_ROWS (NET_MAX_LAYERS + 2) /* the input line and every layer's */

/* The net editor (view_editor.c): the document, the row being edited, the file field, and
 * this frame's layout (a rectangle per row and per cell, read by tests). */
typedef struct NetEditor {
    bool on;       /* Edit mode: the stage shows the rows instead of the maps */
    NetDoc *doc;   /* the net's text as rows (follows netshare's text) */
    int sel;       /* the selected row */
    int sel_shown; /* the row whose line the field holds (-1: refill it) */
    char line_edit[256];
    char path_edit[512];
    int kind_sel; /* the kind a new row starts as */
    int preset_sel;
    const char *preset_items[16];
    const char *kind_items[LAYER_KIND_COUNT];
    unsigned net_gen, weights_gen; /* of netshare, as last followed */
    char status[512];              /* the last save/open, on the stage */

    /* layout of this frame */
    int n_rows;
    Rect row[EDIT_MAX_ROWS], line[EDIT_MAX_ROWS], shape[EDIT_MAX_ROWS];
    Rect formula[EDIT_MAX_ROWS], flops[EDIT_MAX_ROWS], mem[EDIT_MAX_ROWS];
    char cell[EDIT_MAX_ROWS][4][160]; /* shape, formula (or the error), MFLOP, memory */
    Rect field, apply, above, below, del, up, down; /* the row toolbar */
    Rect file, open, save;                          /* the control column's file row */
    Rect totals, weights;
    char totals_text[320];
} NetEditor;

typedef struct NetLab {
    NetLabModel m;
    bool have_model;
    NetLabInput in;     /* the input: a test digit, the drawing, a picture */
    NetLabCatalog nets; /* assets/nets */
    const char *net_items[NETLAB_MAX_NETS];
    int net_sel;
    int weights_sel; /* 0 trained, 1 initial */
    bool want_train; /* start training at the next draw */
    char path_edit[512];
    bool painting, erasing;
    Timeline tl;
    NetLabUnit pinned, hover;

    /* layout of this frame */
    int n_cols, n_strips;
    int head_lines; /* 3, or 4 when the layer lines break in two */
    MapCol cols[MAX_COLS];
    Strip strips[NET_MAX_LAYERS];
    OutTable out;
    bool has_out;

    /* images of the maps, refilled when the forward pass changed (gen != img_gen); made with
     * the Render the lab first draws with (the app destroys a lab before its Render) */
    Render *img_r;
    RenderImage *img[MAX_COLS][MAX_MAPS];
    RenderImage *strip_img[MAX_COLS];
    unsigned gen, img_gen;
    bool img_valid;
    uint32_t *px; /* the upload buffer, as large as the largest plane or vector */
    long px_cap;

    NetEditor ed;

    char tip[UI_TOOLTIP_MAX];
    char eq1[512], eq2[512];
    char head_text[512];
    char msg[512];
    bool want_export;     /* X or the Export button: exported in the controls' draw (it has ctx) */
    char export_msg[640]; /* where the last export went, shown under the button */
    char export_dir[128]; /* its folder's name, shown instead when the column is short */
} NetLab;

/* ---- view.c: changes of the scene (each refreshes what depends on it) ---------------------- */

/* The current input as the net wants it, then the forward pass. */
void netview_apply_input(NetLab *L);
/* fresh (loaded) becomes the lab's net: the input refilled, the timeline and images reset. */
void netview_swap_model(NetLab *L, NetLabModel *fresh);
/* Loads net i of the catalogue (and publishes it); on failure the previous net stays. */
bool netview_load_net(NetLab *L, int i, char *err, size_t err_size);
/* Test digit index (wrapping), or the next test digit of class k, becomes the input. */
void netview_pick_digit(NetLab *L, int index);
void netview_pick_class(NetLab *L, int k);
/* A picture file becomes the input (resampled to the net's input). */
bool netview_load_file(NetLab *L, const char *path, char *err, size_t err_size);
/* Sets the weights: 0 trained (training starts at the next draw), 1 initial. */
void netview_set_weights(NetLab *L, int sel);

/* ---- view_editor.c: the net editor ------------------------------------------------------ */

/* Makes the document from netshare's net and follows it; false with err when it cannot. */
bool netview_editor_init(NetLab *L, char *err, size_t err_size);
void netview_editor_free(NetLab *L);
/* Follows netshare: a new net text rebuilds the lab's net (and the document when its text
 * differs), new weights of the right count are taken over. Returns true when something
 * changed. */
bool netview_follow_share(NetLab *L);
/* Publishes the document's text when it parses and follows it (the maps show the new net). */
void netview_editor_publish(NetLab *L);
/* Opens a .net (its text) or a .cnn (its text and weights) file; false with "PATH: why" and
 * nothing changed. Saves the document (.net) or the net with its current weights (.cnn). */
bool netview_editor_open(NetLab *L, const char *path, char *err, size_t err_size);
bool netview_editor_save(NetLab *L, const char *path, char *err, size_t err_size);
/* Preset i of netdoc's list becomes the document's text (one undo step) and is published. */
bool netview_editor_preset(NetLab *L, int i, char *err, size_t err_size);
/* Undo (dir -1) or redo (+1) of the document, then publishes. */
bool netview_editor_history(NetLab *L, int dir);
/* The editor's part of the control column (presets, undo/redo, the file field). */
void netview_editor_controls(NetLab *L, LabContext *ctx, UiColumn *col);
/* A line's words: cut at its '#' comment, trailing blanks dropped. */
void netview_line_words(const char *line, char *out, size_t size);
/* The editor on the stage st: the row toolbar, the rows, the totals and the weights line. */
void netview_draw_editor(NetLab *L, LabContext *ctx, Rect st);

/* ---- view_controls.c ------------------------------------------------------------------------ */

/* The control column: the net and its weights, the input, the keys. */
void netview_draw_controls(NetLab *L, LabContext *ctx);

/* ---- view_layout.c -------------------------------------------------------------------------- */

/* Lays out the map columns, vector strips and output table of the net in st. */
void netview_layout(NetLab *L, LabContext *ctx, Rect st);
/* The unit under (mx, my) in this frame's layout (valid false: none). */
NetLabUnit netview_unit_at(const NetLab *L, int mx, int my);
/* The map column that shows layer Lx, or NULL. */
const MapCol *netview_col_of(const NetLab *L, int Lx);
/* The rectangle of cells y0..y1, x0..x1 of a map of h x w drawn in rc. */
Rect netview_cell_rect(Rect rc, int h, int w, int y0, int y1, int x0, int x1);

/* ---- view_stage.c --------------------------------------------------------------------------- */

/* One line in rc: shrunk down to 9 px x scale, then cut with "…". */
void netview_line_in(Render *r, const Theme *th, FontFace face, float base, const char *text,
                     Rect rc, int align, Color c);
/* The colour scale of layer Lx. */
ColorScale netview_layer_scale(const NetLab *L, int Lx);
/* The share of a signed layer's |values| its colour scale spans (the rest clip to the ends). */
#define NETVIEW_SCALE_QUANTILE 0.95f
/* The height of a legend at the small size, and of one under a bar w px wide. */
int netview_legend_height(Render *r, const Theme *th);
int netview_legend_height_for(Render *r, const Theme *th, const ColorScale *s, int w);
/* Makes the images for the maps and strips (for a new Render, a new net) and refills them when
 * the forward pass changed. Returns false when images cannot be made. */
bool netview_update_images(NetLab *L, Render *r);
/* A map column, a vector strip and the output table, at timeline step `step`; rf (may be NULL)
 * the receptive field of the unit of layer rf_L. */
void netview_draw_col(NetLab *L, LabContext *ctx, const MapCol *c, bool computed, bool current,
                      const RfBox *rf, int rf_L);
void netview_draw_strip(NetLab *L, LabContext *ctx, const Strip *s, bool computed, bool current,
                        const RfBox *rf, int rf_L);
void netview_draw_out(NetLab *L, LabContext *ctx, int step, const RfBox *rf, int rf_L);

#endif
