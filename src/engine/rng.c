/* rng.c - see rng.h. */
#include "engine/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void rng_seed(Rng *rng, uint64_t seed)
{
    uint64_t x = seed;
    rng->s[0] = splitmix64(&x);
    rng->s[1] = splitmix64(&x);
}

uint64_t rng_next(Rng *rng)
{
    uint64_t s0 = rng->s[0], s1 = rng->s[1];
    uint64_t result = s0 + s1;
    s1 ^= s0;
    rng->s[0] = rotl(s0, 24) ^ s1 ^ (s1 << 16);
    rng->s[1] = rotl(s1, 37);
    return result;
}

float rng_uniform(Rng *rng)
{
    /* the top 24 bits give every float in [0, 1) with spacing 2^-24 */
    return (float)(rng_next(rng) >> 40) * (1.0f / 16777216.0f);
}

float rng_normal(Rng *rng)
{
    float u1 = rng_uniform(rng);
    float u2 = rng_uniform(rng);
    if (u1 < 1e-7f)
        u1 = 1e-7f;
    return sqrtf(-2.0f * logf(u1)) * cosf(6.28318530718f * u2);
}

uint32_t rng_below(Rng *rng, uint32_t n)
{
    return (uint32_t)(((rng_next(rng) >> 32) * (uint64_t)n) >> 32);
}

void rng_shuffle(Rng *rng, int *idx, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(rng, (uint32_t)(i + 1));
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}
