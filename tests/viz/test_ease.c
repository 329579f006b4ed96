/* test_ease.c - the easing curve's values and the gliding rectangle: first target snaps, a
 * short move glides and settles within the duration, a long jump snaps, a retarget starts from
 * where the rectangle is drawn. */
#include "test.h"
#include "viz/ease.h"

int main(void)
{
    /* 1 - (1 - t)^3 at hand-computed points, clamped outside [0, 1] */
    CHECK_NEAR(0.0, ease_out_cubic(0.0f), 1e-7);
    CHECK_NEAR(0.875, ease_out_cubic(0.5f), 1e-6); /* 1 - 0.125 */
    CHECK_NEAR(0.271, ease_out_cubic(0.1f), 1e-6); /* 1 - 0.729 */
    CHECK_NEAR(0.992, ease_out_cubic(0.8f), 1e-6); /* 1 - 0.008 */
    CHECK_NEAR(1.0, ease_out_cubic(1.0f), 1e-7);
    CHECK_NEAR(0.0, ease_out_cubic(-3.0f), 1e-7);
    CHECK_NEAR(1.0, ease_out_cubic(7.0f), 1e-7);
    /* monotonic: a highlight never overshoots or steps back */
    float prev = 0.0f;
    int mono = 1;
    for (int i = 1; i <= 100; i++) {
        float v = ease_out_cubic((float)i / 100.0f);
        mono = mono && v >= prev;
        prev = v;
    }
    CHECK(mono);

    EaseRect e = {0};
    float at[4];
    /* the first target is taken at once */
    ease_rect_target(&e, 2.0f, 3.0f, 3.0f, 3.0f, 10.0, 0.16, 4.0f);
    ease_rect_at(&e, 10.0, at);
    CHECK_NEAR(2.0, at[0], 1e-6);
    CHECK_NEAR(3.0, at[1], 1e-6);
    CHECK(!ease_rect_moving(&e, 10.0));
    /* one column to the right: halfway in time is 87.5 % of the way, then it settles */
    ease_rect_target(&e, 2.0f, 4.0f, 3.0f, 3.0f, 11.0, 0.16, 4.0f);
    ease_rect_at(&e, 11.0, at);
    CHECK_NEAR(3.0, at[1], 1e-6);
    CHECK(ease_rect_moving(&e, 11.0));
    ease_rect_at(&e, 11.08, at);
    CHECK_NEAR(3.875, at[1], 1e-4);
    CHECK_NEAR(2.0, at[0], 1e-6);
    CHECK(ease_rect_moving(&e, 11.08));
    ease_rect_at(&e, 11.16, at);
    CHECK_NEAR(4.0, at[1], 1e-6);
    CHECK(!ease_rect_moving(&e, 11.17));
    /* the same target again does not restart the motion */
    ease_rect_target(&e, 2.0f, 4.0f, 3.0f, 3.0f, 12.0, 0.16, 4.0f);
    CHECK(!ease_rect_moving(&e, 12.0));
    /* a retarget mid-way starts from where it is drawn, not from the old start */
    ease_rect_target(&e, 2.0f, 5.0f, 3.0f, 3.0f, 13.0, 0.16, 4.0f);
    ease_rect_target(&e, 3.0f, 5.0f, 3.0f, 3.0f, 13.08, 0.16, 4.0f);
    ease_rect_at(&e, 13.08, at);
    CHECK_NEAR(4.875, at[1], 1e-4);
    CHECK_NEAR(2.0, at[0], 1e-6);
    ease_rect_at(&e, 13.3, at);
    CHECK_NEAR(3.0, at[0], 1e-6);
    CHECK_NEAR(5.0, at[1], 1e-6);
    /* a wrap to the next row (7 columns back) snaps instead of sweeping across the grid */
    ease_rect_target(&e, 4.0f, 0.0f, 3.0f, 3.0f, 14.0, 0.16, 4.0f);
    ease_rect_at(&e, 14.0, at);
    CHECK_NEAR(0.0, at[1], 1e-6);
    CHECK(!ease_rect_moving(&e, 14.0));
    /* after a reset (the hover ended) the next target appears at once */
    ease_rect_reset(&e);
    ease_rect_target(&e, 1.0f, 1.0f, 1.0f, 1.0f, 15.0, 0.16, 4.0f);
    ease_rect_at(&e, 15.0, at);
    CHECK_NEAR(1.0, at[0], 1e-6);
    CHECK(!ease_rect_moving(&e, 15.0));
    return test_summary();
}
