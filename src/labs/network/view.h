/* labs/network/view.h - what tests may read of the Network lab (view.c) after a frame: its
 * model and where the last frame put each layer's maps and header, and the equation strip.
 * Depends on: labs/network/model.h, viz/render.h. state is app_lab_state() of the lab. */
#ifndef CONVSCOPE_LAB_NETWORK_H
#define CONVSCOPE_LAB_NETWORK_H

#include "engine/netedit.h"
#include "labs/network/model.h"
#include "viz/render.h"

#include <stdbool.h>

/* The lab's model (net, forward pass, training state). */
const NetLabModel *lab_network_model(void *state);
/* Map c of layer L (0 = input) as last drawn; false when that layer has no map column. */
bool lab_network_map_rect(void *state, int L, int c, Rect *out);
/* The header of layer L's map column as last drawn. */
bool lab_network_head_rect(void *state, int L, Rect *out);
/* The vector strip of layer L, or a row's logit cell (L = the logits' layer) or bar. */
bool lab_network_strip_rect(void *state, int L, Rect *out);
bool lab_network_bar_rect(void *state, int k, Rect *out);
/* The legend under layer L's maps (bar and numbers) as last laid out. */
bool lab_network_legend_rect(void *state, int L, Rect *out);
/* The class the Class menu shows (the current test digit's label once one is picked). */
int lab_network_class(void *state);
/* Line 0 or 1 of the equation strip as last drawn. */
const char *lab_network_equation(void *state, int line);

/* ---- the net editor (Edit mode) ---- */

/* The editor's document (the rows and their analysis), or NULL. */
const NetDoc *lab_network_editor_doc(void *state);
/* Whether Edit mode is on. */
bool lab_network_editor_on(void *state);
/* Cell col of row r as last drawn: 0 the line's words, 1 the output shape, 2 the parameter
 * formula (on an error row the parser's message, on the rows after it "not evaluated", both
 * spanning the number columns), 3 the forward MFLOP, 4 the memory. Its rectangle into rc
 * (may be NULL); NULL when there is no such cell. */
const char *lab_network_editor_cell(void *state, int r, int col, Rect *rc);
/* A control of the editor as last drawn, by name: "field" (the row's line), "apply", "above",
 * "below", "delete", "up", "down", "file" (the path), "open", "save", "totals", "weights".
 * false when the name is unknown. */
bool lab_network_editor_rect(void *state, const char *name, Rect *rc);
/* The totals line, and the last save / open message ("" none). */
const char *lab_network_editor_totals(void *state);
const char *lab_network_editor_status(void *state);

#endif
