/* labs/train/view.h - what tests may read of the Train lab (view.c) after a frame.
 * Depends on: nothing of ours. state is app_lab_state() of the lab; its TrainModel comes first
 * in it (labs/train/model.h). */
#ifndef CONVSCOPE_LAB_TRAIN_H
#define CONVSCOPE_LAB_TRAIN_H

#include <stdbool.h>

/* Whether the last frame's Loss and Accuracy plots ran their x axis in training steps (a run
 * shorter than one epoch) rather than in epochs; *x_hi (may be NULL) gets the axis' right end
 * in those units. */
bool lab_train_x_in_steps(void *state, float *x_hi);

#endif
