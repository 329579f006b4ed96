/* netshare.h - the learner's net, where the Network, Train and Backprop labs meet: its text
 * (what the net editor writes and the parser reads), where it came from, and the latest
 * weights someone made for it (the Train lab's, a loaded .cnn's). No lab includes another;
 * each keeps its own copy and follows the generation counters. Depends on: engine (net).
 *
 * Generations: net_gen bumps whenever the text changes (edit, open, preset); weights_gen
 * whenever new weights are published. A lab that built its net at net_gen g rebuilds (and
 * resets what it trained) when it sees another g; a lab that shows weights copies them when
 * weights_gen moves and their count matches its net. net_gen starts at 1 with the
 * bundled lenet-tiny net, weights_gen at 0 with no weights (each lab then uses its seeded initial
 * weights).
 *
 * One process-wide share, used from the window's thread only (the labs' create/update/draw);
 * netshare_reset puts it back to the start (tests, and before the window opens). */
#ifndef CONVSCOPE_LABS_COMMON_NETSHARE_H
#define CONVSCOPE_LABS_COMMON_NETSHARE_H

#include "engine/net.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct NetShare {
    char text[NET_MAX_TEXT + 1]; /* the net text */
    char file[1024];             /* the path it names in messages ("lenet-tiny.net", a .cnn) */
    char name[64];               /* for titles: "lenet-tiny", "my-net" */
    unsigned net_gen;
    float *weights; /* (n_weights) the latest published weights, or NULL */
    long n_weights;
    float *state; /* (n_state) the batchnorm running statistics that came with them (net.h's
                   * Net.state), or NULL: a net without batchnorm, or weights published
                   * without them (a lab then starts them afresh: mean 0, variance 1) */
    long n_state;
    unsigned weights_gen;  /* counts publications (never goes back; 0: none yet) */
    char weights_from[96]; /* who made them: "Train lab, epoch 1.50" */
} NetShare;

/* The share (never NULL). On first use it holds assets/nets/lenet-tiny.net. */
const NetShare *netshare_get(void);

/* Publishes a new net text: checked with net_parse first; false with the parser's
 * "FILE:LINE: ..." in err and the share unchanged when it does not parse. An identical text
 * (and name) changes nothing (no generation bump). New text forgets the weights. */
bool netshare_set_net(const char *text, const char *file, const char *name, char *err,
                      size_t err_size);

/* Publishes weights for the current text (n must equal its parameter count; false and nothing
 * changes otherwise). from says who made them (copied). */
bool netshare_set_weights(const float *w, long n, const char *from);
/* The same with the net's running statistics (state, n_state: the text's n_state values; a
 * .cnn's or a trainer's), kept with the weights so evaluation-mode outputs stay those of the
 * model: false and nothing changes when n or n_state does not fit the text. state may be NULL
 * with n_state 0 (then like netshare_set_weights). */
bool netshare_set_model(const float *w, long n, const float *state, long n_state, const char *from);

/* Back to the start: lenet-tiny, no weights, generations 1 and 0. Frees the weights. */
void netshare_reset(void);

#endif
