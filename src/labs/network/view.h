/* labs/network/view.h - what tests may read of the Network lab (view.c) after a frame: its
 * model and where the last frame put each layer's maps and header, and the equation strip.
 * Depends on: labs/network/model.h, viz/render.h. state is app_lab_state() of the lab. */
#ifndef CONVSCOPE_LAB_NETWORK_H
#define CONVSCOPE_LAB_NETWORK_H

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

#endif
