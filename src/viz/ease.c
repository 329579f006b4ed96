/* ease.c - easing curve and gliding rectangles for highlights. */
#include "viz/ease.h"

#include <math.h>

float ease_out_cubic(float t)
{
    if (!(t > 0.0f))
        return 0.0f;
    if (t >= 1.0f)
        return 1.0f;
    float u = 1.0f - t;
    return 1.0f - u * u * u;
}

void ease_rect_reset(EaseRect *e)
{
    e->valid = false;
}

void ease_rect_at(const EaseRect *e, double now, float out[4])
{
    float t = e->seconds > 0.0 ? (float)((now - e->start) / e->seconds) : 1.0f;
    float k = ease_out_cubic(t);
    for (int i = 0; i < 4; i++)
        out[i] = e->from[i] + (e->to[i] - e->from[i]) * k;
}

bool ease_rect_moving(const EaseRect *e, double now)
{
    return e->valid && e->seconds > 0.0 && now - e->start < e->seconds &&
           (e->from[0] != e->to[0] || e->from[1] != e->to[1] || e->from[2] != e->to[2] ||
            e->from[3] != e->to[3]);
}

void ease_rect_target(EaseRect *e, float row, float col, float rows, float cols, double now,
                      double seconds, float max_jump)
{
    float target[4] = {row, col, rows, cols};
    if (e->valid && e->to[0] == row && e->to[1] == col && e->to[2] == rows && e->to[3] == cols)
        return;
    float cur[4];
    if (e->valid)
        ease_rect_at(e, now, cur);
    bool snap = !e->valid || max_jump < 0.0f || fabsf(cur[0] - row) > max_jump ||
                fabsf(cur[1] - col) > max_jump;
    for (int i = 0; i < 4; i++) {
        e->from[i] = snap ? target[i] : cur[i];
        e->to[i] = target[i];
    }
    e->start = now;
    e->seconds = seconds;
    e->valid = true;
}
