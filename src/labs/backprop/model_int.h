/* labs/backprop/model_int.h - what the Backprop lab's model files share (room-private): where
 * a layer's input and its gradient live, the layer a phase differentiates.
 * Files: model.c (the scene: the net, one forward and backward, the update, the phases),
 * model_cell.c (each step's value asked of the engine's single-cell queries, the full
 * backward's at the same place, the finite-difference check, what a step shows),
 * model_names.c (names, shapes, coordinates), model_text.c (equations, captions, notes).
 * Depends on: labs/backprop/model.h (the engine). */
#ifndef CONVSCOPE_LABS_BACKPROP_MODEL_INT_H
#define CONVSCOPE_LABS_BACKPROP_MODEL_INT_H

#include "labs/backprop/model.h"

/* The input of layer i (the example x for i = 0). */
static inline const float *layer_input(const BpModel *m, int i)
{
    return i > 0 ? m->acts->out[i - 1] : m->acts->x;
}

/* dL/d(input of layer i); only asked for i > 0 (the lab does not step into the input x) */
static inline const float *layer_input_grad(const BpModel *m, int i)
{
    return i > 0 ? m->acts->grad[i - 1] : m->acts->dx;
}

static inline const Layer *layer_of(const BpModel *m, const BpPhase *ph)
{
    return &m->net->spec.layers[ph->layer];
}

#endif
