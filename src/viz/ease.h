/* ease.h - short eased motion for highlights (LOOK.md: 120-200 ms, never blocking input): an
 * easing curve and a rectangle that glides from where it is drawn to where it should be.
 * Depends on: libc only. Pure: time is passed in (seconds), so it is tested as plain data and
 * a headless render that waits one long frame shows the settled state. */
#ifndef CONVSCOPE_EASE_H
#define CONVSCOPE_EASE_H

#include <stdbool.h>

/* LOOK.md's highlight easing time. */
#define EASE_HIGHLIGHT_SECONDS 0.16

/* Ease-out cubic: 1 - (1 - t)^3 for t in [0, 1]; t is clamped, so 0 below and 1 above. */
float ease_out_cubic(float t);

/* A rectangle in cell units (row, col, rows, cols) that moves toward its target. */
typedef struct EaseRect {
    float from[4];  /* row, col, rows, cols where the motion started */
    float to[4];    /* the target */
    double start;   /* when the motion started (seconds) */
    double seconds; /* its duration */
    bool valid;     /* a target has been set (else the next target is taken at once) */
} EaseRect;

/* Sets the target at time now. The first target, a target far away (more than max_jump cells
 * in row or column from what is drawn: a wrap to the next row, a scrub) or max_jump < 0 snaps
 * at once; otherwise the rectangle glides from where it is drawn at now. Re-setting the same
 * target changes nothing. */
void ease_rect_target(EaseRect *e, float row, float col, float rows, float cols, double now,
                      double seconds, float max_jump);
/* Forgets the rectangle: the next target snaps (a hover that ended). */
void ease_rect_reset(EaseRect *e);
/* Where the rectangle is drawn at time now: out[4] = row, col, rows, cols. */
void ease_rect_at(const EaseRect *e, double now, float out[4]);
/* True while the rectangle is still moving at time now. */
bool ease_rect_moving(const EaseRect *e, double now);

#endif
