/* labs/channels/model.h - the Channels lab's scene without any drawing: the notes' 5x5x3 input
 * (three planes R, G, B), two 3x3x3 filters W0 and W1 with their biases, stride and zero
 * padding; every output cell asked of the engine (conv_cell), each plane's partial sum asked of
 * it on that plane alone (sweep_plane_partial), and the text the lab writes: the partial
 * sums, the total with the bias, the size formula and the parameter count, the cells' names.
 * Depends on: engine (conv, sweep, kernels). */
#ifndef CONVSCOPE_LAB_CHANNELS_MODEL_H
#define CONVSCOPE_LAB_CHANNELS_MODEL_H

#include "engine/conv.h"
#include "engine/sweep.h"

#include <stdbool.h>
#include <stddef.h>

#define CHANLAB_C       3 /* input planes */
#define CHANLAB_N       5 /* input side */
#define CHANLAB_O       2 /* filters */
#define CHANLAB_K       3 /* kernel side */
#define CHANLAB_MAX_OUT 8 /* 5 + 2*2 padding - 3 + 1 at stride 1 */

typedef struct ChanScene {
    float x[CHANLAB_C * CHANLAB_N * CHANLAB_N];             /* (C, H, W) */
    float w[CHANLAB_O * CHANLAB_C * CHANLAB_K * CHANLAB_K]; /* (O, C, KH, KW) */
    float b[CHANLAB_O];
    int stride, pad;
    int force_o, force_r, force_c; /* hover=out:O,R,C from the options; force_r < 0: none */

    /* derived by chanscene_rebuild when dirty */
    bool dirty;
    Sweep sweep;
    char why[512];                                            /* why there is no output */
    float out[CHANLAB_O * CHANLAB_MAX_OUT * CHANLAB_MAX_OUT]; /* (O, OH, OW) from conv_cell */
} ChanScene;

/* The notes' example (input, filters, biases, stride 2, padding 1), no hover forced. Call
 * chanscene_rebuild after. */
void chanscene_init(ChanScene *sc);
/* Back to the notes' input, filters, biases, stride and padding. */
void chanscene_load_notes(ChanScene *sc);
/* Recomputes the sweep and every output cell. */
void chanscene_rebuild(ChanScene *sc);

/* Parses n comma-separated floats into v (the x=, w= and bias= options); false with a message
 * naming key, value and the count wanted. */
bool chanscene_parse_floats(const char *key, const char *value, float *v, int n, char *err,
                            size_t err_size);
/* Parses the hover= option: "out:FILTER,ROW,COL" (filter 0 or 1) or "none"; false with a
 * message (and the hover unchanged) otherwise. */
bool chanscene_parse_hover(ChanScene *sc, const char *value, char *err, size_t err_size);
/* The forced hover when its cell exists: true with its filter, row and column. */
bool chanscene_forced_hover(const ChanScene *sc, int *o, int *oy, int *ox);
/* The output cell computed at timeline position pos (filter o, then row and column): cell
 * pos-1 of the sweep; false (and -1s) at position 0 or without output. */
bool chanscene_current(const ChanScene *sc, int pos, int *o, int *oy, int *ox);

/* The plane's letter: "R", "G", "B". */
const char *chanscene_plane_name(int c);
/* The name of input value i (into x): "G[1,3]"; of weight i (into w): "W1B[0,2]". */
void chanscene_input_name(int i, char *out, size_t cap);
void chanscene_weight_name(int i, char *out, size_t cap);
/* Plane c's part of out_o[oy, ox] (no bias) as "R·W0R:  2×1 + 1×1 + … = 3", its equation
 * folded to width characters on one line; returns the partial sum. */
float chanscene_partial_line(const ChanScene *sc, int o, int c, int oy, int ox, int width,
                             char *out, size_t cap);
/* The total of out_o[oy, ox] from the parts (CHANLAB_C of them) and the bias:
 * "out0[0,0] = 3 + 2 + 3 + b 1 = 9"; with_names adds "R + G + B + b0 = " after the name. */
void chanscene_sum_line(const ChanScene *sc, const float *parts, int o, int oy, int ox,
                        bool with_names, char *out, size_t cap);
/* "+ b1 = 0": the bias under filter o's planes. */
void chanscene_bias_label(const ChanScene *sc, int o, char *out, size_t cap);
/* The size formula, "size ⌊(5 + 1 + 1 − 1·(3−1) − 1)/2⌋ + 1 = 3", followed by the parameter
 * count when with_params; chanscene_params_line is the count alone. */
void chanscene_size_line(const ChanScene *sc, bool with_params, char *out, size_t cap);
void chanscene_params_line(char *out, size_t cap);

#endif
