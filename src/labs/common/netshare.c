/* netshare.c - the learner's net shared by the Network, Train and Backprop labs (see
 * netshare.h). */
#include "labs/common/netshare.h"

#include "engine/assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static NetShare share;
static bool started;

/* Reads the bundled lenet-tiny into the share; when the file cannot be read the share holds
 * nothing the parser accepts and every lab falls back to its own default. */
static void start(void)
{
    char path[1024];
    assets_path(path, sizeof path, "assets/nets/lenet-tiny.net");
    FILE *f = fopen(path, "rb");
    size_t n = 0;
    if (f) {
        n = fread(share.text, 1, NET_MAX_TEXT, f);
        fclose(f);
    }
    share.text[n] = '\0';
    snprintf(share.file, sizeof share.file, "lenet-tiny.net");
    snprintf(share.name, sizeof share.name, "lenet-tiny");
    share.net_gen = 1;
    share.weights_gen = 0;
    started = true;
}

const NetShare *netshare_get(void)
{
    if (!started)
        start();
    return &share;
}

static void forget_weights(void)
{
    free(share.weights);
    share.weights = NULL;
    share.n_weights = 0;
    free(share.state);
    share.state = NULL;
    share.n_state = 0;
    share.weights_from[0] = '\0';
}

bool netshare_set_net(const char *text, const char *file, const char *name, char *err,
                      size_t err_size)
{
    netshare_get();
    if (strlen(text) > NET_MAX_TEXT) {
        snprintf(err, err_size, "%s: the net text is longer than %d bytes", file, NET_MAX_TEXT);
        return false;
    }
    static NetSpec spec; /* large (64 layers); parsed on the window's thread only */
    if (!net_parse(&spec, text, file, err, err_size))
        return false;
    if (strcmp(text, share.text) == 0 && strcmp(name, share.name) == 0)
        return true;
    snprintf(share.text, sizeof share.text, "%s", text);
    snprintf(share.file, sizeof share.file, "%s", file);
    snprintf(share.name, sizeof share.name, "%s", name);
    share.net_gen++;
    forget_weights();
    return true;
}

bool netshare_set_weights(const float *w, long n, const char *from)
{
    return netshare_set_model(w, n, NULL, 0, from);
}

bool netshare_set_model(const float *w, long n, const float *state, long n_state, const char *from)
{
    netshare_get();
    static NetSpec spec;
    char err[256];
    if (!net_parse(&spec, share.text, share.file, err, sizeof err) || spec.n_params != n || n <= 0)
        return false;
    if (state ? n_state != spec.n_state : n_state != 0)
        return false;
    float *st = NULL;
    if (state && n_state > 0) {
        st = malloc((size_t)n_state * sizeof *st);
        if (!st)
            return false;
        memcpy(st, state, (size_t)n_state * sizeof *st);
    }
    if (share.n_weights != n) {
        float *grown = realloc(share.weights, (size_t)n * sizeof *grown);
        if (!grown) {
            free(st);
            return false;
        }
        share.weights = grown;
        share.n_weights = n;
    }
    memcpy(share.weights, w, (size_t)n * sizeof *w);
    free(share.state);
    share.state = st;
    share.n_state = st ? n_state : 0;
    snprintf(share.weights_from, sizeof share.weights_from, "%s", from);
    share.weights_gen++;
    return true;
}

void netshare_reset(void)
{
    forget_weights();
    memset(&share, 0, sizeof share);
    start();
}
