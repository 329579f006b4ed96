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

/* The wrapped notes (hints, captions, the lab's note) the last frame had to cut short. */
int lab_train_notes_cut(void *state);
/* The accuracy plot's legend entries in the last frame (train and test: 2); *fits (may be
 * NULL) whether they fitted uncut. */
int lab_train_acc_legend(void *state, bool *fits);
/* The lab's note under its buttons: the stop at the set epochs, a new net from the Network
 * lab, or a refused net ("" none). */
const char *lab_train_note(void *state);

#endif
