/* labs/backprop/model.c - the Backprop lab's scene (see model.h): the net read from its file
 * with weights from the seed, the example, one forward and one backward by the engine, the
 * update on a copy, and the backward cut into phases and steps, last layer first.
 * Depends on: model_int.h, engine (net, optim, prep, assets). */
#include "labs/backprop/model_int.h"

#include "engine/assets.h"
#include "engine/optim.h"
#include "engine/prep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------ the phases */

static long ceil_div(long a, long b)
{
    return (a + b - 1) / b;
}

/* Cells per step: one cell when the phase is short, else a row, else whole planes. */
static long chunk_for(long cells, long row, long plane)
{
    if (cells <= BP_MAX_PHASE_STEPS)
        return 1;
    if (row > 0 && ceil_div(cells, row) <= BP_MAX_PHASE_STEPS)
        return row;
    if (plane > 0)
        return plane * ceil_div(ceil_div(cells, plane), BP_MAX_PHASE_STEPS);
    return ceil_div(cells, BP_MAX_PHASE_STEPS);
}

static void add_phase(BpModel *m, BpPhaseKind kind, int layer, long cells, long chunk)
{
    if (m->n_phases >= BP_MAX_PHASES || cells <= 0)
        return;
    BpPhase *ph = &m->phases[m->n_phases++];
    memset(ph, 0, sizeof *ph);
    ph->kind = kind;
    ph->layer = layer;
    ph->cells = cells;
    ph->chunk = chunk < 1 ? 1 : chunk;
    ph->steps = (int)ceil_div(cells, ph->chunk);
    ph->first = m->steps;
    m->steps += ph->steps;
}

static void map_chunk(BpModel *m, BpPhaseKind kind, int layer, Shape s)
{
    long cells = shape_elems(s);
    add_phase(m, kind, layer, cells,
              s.rank == 3 ? chunk_for(cells, s.w, (long)s.h * s.w) : chunk_for(cells, 0, 0));
}

/* The phases, last layer first (see the header). */
static void build_phases(BpModel *m)
{
    const NetSpec *sp = &m->net->spec;
    int last = sp->n_layers - 1;
    int i = last;
    long k = shape_elems(sp->layers[last].out);
    if (sp->xent) {
        add_phase(m, BP_LOSS_XENT, last, k, chunk_for(k, 0, 0));
        i = last - 1;
    } else {
        add_phase(m, BP_LOSS_SSE, last, k, chunk_for(k, 0, 0));
    }
    for (; i >= 0; i--) {
        const Layer *l = &sp->layers[i];
        bool need_dx = i > 0; /* the gradient of the image itself is not a step */
        switch (l->kind) {
        case LAYER_DENSE:
            add_phase(m, BP_DENSE_W, i, (long)l->units * l->in.c, l->in.c);
            if (need_dx)
                add_phase(m, BP_DENSE_X, i, l->in.c, chunk_for(l->in.c, 0, 0));
            break;
        case LAYER_FLATTEN:
            if (need_dx)
                add_phase(m, BP_FLATTEN, i, shape_elems(l->in), shape_elems(l->in));
            break;
        case LAYER_MAXPOOL:
        case LAYER_AVGPOOL:
            if (need_dx)
                map_chunk(m, BP_POOL, i, l->out);
            break;
        case LAYER_RELU:
        case LAYER_LEAKY:
        case LAYER_SIGMOID:
        case LAYER_TANH:
        case LAYER_ABS:
        case LAYER_SOFTPLUS:
            if (need_dx)
                map_chunk(m, BP_ACT, i, l->in);
            break;
        case LAYER_CONV: {
            const ConvGeom *g = &l->conv;
            long kk = (long)g->kh * g->kw;
            long cells = (long)g->o * (g->c / conv_groups(g)) * kk; /* (O, C/G, KH, KW) */
            add_phase(m, BP_CONV_W, i, cells, chunk_for(cells, g->kw, kk));
            add_phase(m, BP_CONV_B, i, g->o, chunk_for(g->o, 0, 0));
            if (need_dx)
                map_chunk(m, BP_CONV_X, i, l->in);
            break;
        }
        default:
            /* a layer with parameters is shown even as the first layer (its gradients are the
             * engine's; the input's gradient then is acts->dx) */
            if (need_dx || layer_has_params(l->kind))
                add_phase(m, BP_OTHER, i, shape_elems(l->in), shape_elems(l->in));
            break;
        }
    }
    for (i = 0; i <= last; i++)
        if (layer_has_params(sp->layers[i].kind))
            add_phase(m, BP_UPDATE, i, sp->layers[i].n_w + sp->layers[i].n_b,
                      sp->layers[i].n_w + sp->layers[i].n_b);
}

/* ------------------------------------------------------------------------- the build */

/* The file of net_name: "tiny" (or "backprop-tiny"), "sse" ("backprop-sse"), "lenet-tiny"
 * ("lenet"); *name the short name. false for another name. */
static bool net_file_of(const char *net_name, const char **rel, const char **name)
{
    if (strcmp(net_name, "tiny") == 0 || strcmp(net_name, "backprop-tiny") == 0)
        *rel = "assets/nets/backprop-tiny.net", *name = "tiny";
    else if (strcmp(net_name, "sse") == 0 || strcmp(net_name, "backprop-sse") == 0)
        *rel = "assets/nets/backprop-sse.net", *name = "sse";
    else if (strcmp(net_name, "lenet-tiny") == 0 || strcmp(net_name, "lenet") == 0)
        *rel = "assets/nets/lenet-tiny.net", *name = "lenet-tiny";
    else
        return false;
    return true;
}

/* What the steps need beside m->net: the net after the update (built from the same text and
 * seed), both nets' activations, the gradient checker, x, the scratch Wᵀ and a map of ones. */
static bool alloc_scene(BpModel *m, char *err, size_t err_size)
{
    const NetSpec *sp = &m->net->spec;
    m->after = net_create(m->net->text, m->net_file, m->seed, err, err_size);
    if (m->after)
        net_set_training(m->after, net_training(m->net)); /* the loss after, in the same mode */
    m->acts = net_acts_create(m->net, 1);
    m->acts_after = m->after ? net_acts_create(m->after, 1) : NULL;
    m->gc = gradcheck_create(m->net, err, err_size);
    long in_elems = shape_elems(sp->input), biggest = in_elems, dense_max = 1;
    for (int i = 0; i < sp->n_layers; i++) {
        long e = shape_elems(sp->layers[i].out);
        biggest = e > biggest ? e : biggest;
        if (sp->layers[i].kind == LAYER_DENSE && sp->layers[i].n_w > dense_max)
            dense_max = sp->layers[i].n_w;
    }
    m->x = calloc((size_t)in_elems, sizeof(float));
    m->wt = calloc((size_t)dense_max, sizeof(float));
    m->ones = malloc((size_t)biggest * sizeof(float));
    if (!m->after || !m->acts || !m->acts_after || !m->gc || !m->x || !m->wt || !m->ones) {
        snprintf(err, err_size, "backprop: out of memory");
        return false;
    }
    for (long j = 0; j < biggest; j++)
        m->ones[j] = 1.0f;
    return true;
}

/* The example: test digit m->digit of ds, area-averaged to the net's input size, in every
 * channel. */
static bool load_example(BpModel *m, const Dataset *ds, char *err, size_t err_size)
{
    const NetSpec *sp = &m->net->spec;
    float img[28 * 28];
    if (ds->h != 28 || ds->w != 28) {
        snprintf(err, err_size, "backprop: expected 28×28 digits, got %d×%d", ds->h, ds->w);
        return false;
    }
    dataset_image(ds, m->digit, img);
    int hw = sp->input.h * sp->input.w;
    prep_resample(m->x, sp->input.h, sp->input.w, img, 28, 28);
    for (int c = 1; c < sp->input.c; c++)
        memcpy(m->x + (long)c * hw, m->x, (size_t)hw * sizeof(float));
    return true;
}

/* One forward and one backward of the example by the engine's reference ops, then the update:
 * the engine's plain SGD step on a copy of the weights, and the loss after it. */
static bool run_engine(BpModel *m, char *err, size_t err_size)
{
    m->loss = net_train_step(m->net, m->acts, m->x, &m->label, 1);
    m->predicted = net_predict_class(m->net, m->acts, 0);
    memcpy(m->after->params, m->net->params, (size_t)m->net->n_params * sizeof(float));
    Optim *opt = optim_create_sgd(m->net->n_params, m->lr, 0.0f);
    if (!opt) {
        snprintf(err, err_size, "backprop: out of memory");
        return false;
    }
    optim_step(opt, m->after->params, m->net->grads);
    optim_destroy(opt);
    net_forward(m->after, m->acts_after, m->x, 1);
    m->loss_after = net_loss(m->after, m->acts_after, &m->label);
    m->predicted_after = net_predict_class(m->after, m->acts_after, 0);
    return true;
}

/* Every step-through value (and max-pool route), asked of the cell queries once. */
static bool compute_values(BpModel *m, char *err, size_t err_size)
{
    for (int p = 0; p < m->n_phases; p++) {
        BpPhase *ph = &m->phases[p];
        ph->val = malloc((size_t)ph->cells * sizeof(float));
        ph->route = malloc((size_t)ph->cells * sizeof(int));
        if (!ph->val || !ph->route) {
            snprintf(err, err_size, "backprop: out of memory");
            return false;
        }
        for (long c = 0; c < ph->cells; c++) {
            int route = -1;
            ph->val[c] = bp_model_cell(m, ph, c, NULL, 0, NULL, &route);
            ph->route[c] = route;
        }
    }
    return true;
}

/* Whether the lab can take the net of spec (see bp_model_build_net); false with why. */
static bool net_fits(const NetSpec *sp, const char *file, char *err, size_t err_size)
{
    int last = sp->n_layers - 1;
    long acts = shape_elems(sp->input);
    for (int i = 0; i <= last; i++)
        acts += shape_elems(sp->layers[i].out);
    if (sp->input.rank != 3 || sp->input.h > BP_MAX_INPUT_HW || sp->input.w > BP_MAX_INPUT_HW) {
        snprintf(err, err_size,
                 "%s: the lab feeds a digit, so it needs an input C H W of at most %d\xC3\x97%d "
                 "(this net's input is not)",
                 file, BP_MAX_INPUT_HW, BP_MAX_INPUT_HW);
        return false;
    }
    if (last < 0 || shape_elems(sp->layers[last].out) != DATASET_CLASSES) {
        snprintf(err, err_size, "%s: the lab needs %d outputs (one per digit class), not %ld", file,
                 DATASET_CLASSES, last < 0 ? 0L : shape_elems(sp->layers[last].out));
        return false;
    }
    if (sp->n_params > BP_MAX_NET_PARAMS || acts > BP_MAX_NET_ACTS) {
        snprintf(err, err_size,
                 "%s: too big to step through (%ld parameters, %ld activations; the lab takes "
                 "at most %ld and %ld)",
                 file, sp->n_params, acts, BP_MAX_NET_PARAMS, BP_MAX_NET_ACTS);
        return false;
    }
    return true;
}

/* The scene of m->net (the model's net, its weights in place; any net net_fits takes): its
 * copies and scratch, the example, the engine's forward, backward and update, the phases and
 * every step's value. false with err (the caller frees). */
static bool build_scene(BpModel *m, const Dataset *ds, char *err, size_t err_size)
{
    if (!net_fits(&m->net->spec, m->net_file, err, err_size))
        return false;
    if (!alloc_scene(m, err, err_size) || !load_example(m, ds, err, err_size) ||
        !run_engine(m, err, err_size))
        return false;
    build_phases(m);
    if (m->n_phases >= BP_MAX_PHASES || m->steps > BP_MAX_STEPS) {
        snprintf(err, err_size,
                 "%s: too many steps to walk through (%d in %d phases; the lab takes at most %d)",
                 m->net_file, m->steps, m->n_phases, BP_MAX_STEPS);
        return false;
    }
    return compute_values(m, err, err_size);
}

/* What every build checks and sets before the net: the digit, its label, η, the seed. */
static bool start_build(BpModel *m, const Dataset *ds, int digit, float lr, uint64_t seed,
                        char *err, size_t err_size)
{
    if (!ds || ds->n <= 0) {
        snprintf(err, err_size, "backprop: no digits to take an example from");
        return false;
    }
    if (!(lr > 0.0f && lr <= 10.0f)) {
        snprintf(err, err_size, "lr=%g: expected a learning rate in (0, 10]", (double)lr);
        return false;
    }
    m->seed = seed;
    m->digit = ((digit % ds->n) + ds->n) % ds->n;
    m->label = ds->labels[m->digit];
    m->lr = lr;
    return true;
}

bool bp_model_build_net(BpModel *m, const char *name, const char *text, const char *file,
                        const float *weights, long n_weights, const float *state, long n_state,
                        const char *weights_from, bool bn_training, const Dataset *ds, int digit,
                        float lr, uint64_t seed, char *err, size_t err_size)
{
    memset(m, 0, sizeof *m);
    if (!start_build(m, ds, digit, lr, seed, err, err_size))
        return false;
    snprintf(m->net_name, sizeof m->net_name, "%s", name);
    snprintf(m->net_file, sizeof m->net_file, "%s", file);
    static NetSpec spec; /* large; checked before anything is allocated */
    if (!net_parse(&spec, text, file, err, err_size) || !net_fits(&spec, file, err, err_size))
        return false;
    m->net = net_create(text, file, seed, err, err_size);
    if (!m->net)
        return false;
    if (weights) {
        if (n_weights != m->net->n_params) {
            snprintf(err, err_size, "%s: %ld weights given for a net of %ld parameters", file,
                     n_weights, m->net->n_params);
            bp_model_free(m);
            return false;
        }
        memcpy(m->net->params, weights, (size_t)n_weights * sizeof(float));
        if (state && n_state != m->net->n_state) {
            snprintf(err, err_size, "%s: %ld running statistics given for a net of %ld", file,
                     n_state, m->net->n_state);
            bp_model_free(m);
            return false;
        }
        if (state)
            memcpy(m->net->state, state, (size_t)n_state * sizeof(float));
        snprintf(m->weights_from, sizeof m->weights_from, "%s",
                 weights_from && *weights_from ? weights_from : "published weights");
    }
    net_set_training(m->net, bn_training);
    if (!build_scene(m, ds, err, err_size)) {
        bp_model_free(m);
        return false;
    }
    return true;
}

bool bp_model_build(BpModel *m, const char *net_name, const Dataset *ds, int digit, float lr,
                    uint64_t seed, char *err, size_t err_size)
{
    memset(m, 0, sizeof *m);
    const char *rel = NULL, *name = NULL;
    if (!net_file_of(net_name, &rel, &name)) {
        snprintf(err, err_size, "net=%s: expected tiny, sse or lenet-tiny", net_name);
        return false;
    }
    if (!start_build(m, ds, digit, lr, seed, err, err_size))
        return false;
    snprintf(m->net_name, sizeof m->net_name, "%s", name);
    assets_path(m->net_file, sizeof m->net_file, rel);
    m->net = net_load(m->net_file, seed, err, err_size);
    if (!m->net)
        return false;
    if (!build_scene(m, ds, err, err_size)) {
        bp_model_free(m);
        return false;
    }
    return true;
}

void bp_model_free(BpModel *m)
{
    for (int p = 0; p < m->n_phases; p++) {
        free(m->phases[p].val);
        free(m->phases[p].route);
    }
    gradcheck_destroy(m->gc);
    net_acts_destroy(m->acts);
    net_acts_destroy(m->acts_after);
    net_destroy(m->net);
    net_destroy(m->after);
    free(m->x);
    free(m->wt);
    free(m->ones);
    memset(m, 0, sizeof *m);
}
