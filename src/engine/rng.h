/* rng.h - explicit, seeded random state (splitmix64 seeding a xoshiro128+ style generator),
 * so every lesson and training run replays the same numbers. Depends on: nothing. */
#ifndef CONVSCOPE_RNG_H
#define CONVSCOPE_RNG_H

#include <stdint.h>

typedef struct Rng {
    uint64_t s[2];
} Rng;

/* Seeds the state; the same seed gives the same stream on every machine. */
void rng_seed(Rng *rng, uint64_t seed);
/* Next 64 random bits (xoroshiro128+). */
uint64_t rng_next(Rng *rng);
/* Uniform float in [0, 1). */
float rng_uniform(Rng *rng);
/* Standard normal (Box-Muller), mean 0, variance 1. */
float rng_normal(Rng *rng);
/* Uniform integer in [0, n), n > 0. */
uint32_t rng_below(Rng *rng, uint32_t n);
/* Fisher-Yates shuffle of idx[0..n). */
void rng_shuffle(Rng *rng, int *idx, int n);

#endif
