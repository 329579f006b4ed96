/* test_rng.c - the generator is deterministic, uniform in range, and shuffles to a permutation. */
#include "engine/rng.h"
#include "test.h"

int main(void)
{
    Rng a, b;
    rng_seed(&a, 42);
    rng_seed(&b, 42);
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= rng_next(&a) == rng_next(&b);
    CHECK(same);

    rng_seed(&a, 1);
    double sum = 0.0, sumsq = 0.0;
    float lo = 1.0f, hi = 0.0f;
    for (int i = 0; i < 100000; i++) {
        float u = rng_uniform(&a);
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
        float z = rng_normal(&a);
        sum += z;
        sumsq += (double)z * z;
    }
    CHECK(lo >= 0.0f && hi < 1.0f);
    CHECK_NEAR(0.0, sum / 100000, 0.02);
    CHECK_NEAR(1.0, sumsq / 100000, 0.03);

    int idx[50], seen[50] = {0};
    for (int i = 0; i < 50; i++)
        idx[i] = i;
    rng_shuffle(&a, idx, 50);
    int perm = 1, moved = 0;
    for (int i = 0; i < 50; i++) {
        perm &= !seen[idx[i]];
        seen[idx[i]] = 1;
        moved += idx[i] != i;
    }
    CHECK(perm);
    CHECK(moved > 25);
    return test_summary();
}
