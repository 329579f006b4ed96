/* test_textcache.c - the LRU text cache: hits, misses, eviction order, payload freeing. */
#include "test.h"
#include "viz/textcache.h"

#include <stdint.h>
#include <stdio.h>

static int freed[64];

static void free_payload(void *p, void *user)
{
    (void)user;
    freed[(intptr_t)p]++;
}

int main(void)
{
    TextCache *c = textcache_create(3, free_payload, NULL);
    CHECK(c != NULL);
    CHECK(textcache_get(c, 0, 14, "a") == NULL);
    CHECK(textcache_put(c, 0, 14, "a", (void *)(intptr_t)1, 10, 12) != NULL);
    CHECK(textcache_put(c, 0, 14, "b", (void *)(intptr_t)2, 20, 12) != NULL);
    CHECK(textcache_put(c, 2, 14, "a", (void *)(intptr_t)3, 30, 12) != NULL); /* other face */
    CHECK_INT_EQ(3, textcache_count(c));
    TextEntry *e = textcache_get(c, 0, 14, "a");
    CHECK(e && e->w == 10 && (intptr_t)e->payload == 1);
    e = textcache_get(c, 2, 14, "a");
    CHECK(e && e->w == 30);
    CHECK(textcache_get(c, 0, 16, "a") == NULL); /* other size */
    /* "b" is now the least recently used: inserting "d" evicts it and frees its payload */
    CHECK(textcache_put(c, 0, 14, "d", (void *)(intptr_t)4, 40, 12) != NULL);
    CHECK_INT_EQ(1, freed[2]);
    CHECK(textcache_get(c, 0, 14, "b") == NULL);
    CHECK(textcache_get(c, 0, 14, "a") != NULL);
    CHECK(textcache_get(c, 0, 14, "d") != NULL);
    CHECK_INT_EQ(3, textcache_count(c));
    /* many more keys through a small cache: every lookup of a recent key still hits */
    int ok = 1;
    char key[32];
    for (int i = 0; i < 40; i++) {
        snprintf(key, sizeof key, "k%d", i);
        textcache_put(c, 1, 12, key, (void *)(intptr_t)(10 + i % 50), i, 1);
        if (!textcache_get(c, 1, 12, key) || textcache_get(c, 1, 12, key)->w != i)
            ok = 0;
        if (i >= 1) {
            /* the key before is still held (the one before that may be gone) */
            snprintf(key, sizeof key, "k%d", i - 1);
            if (!textcache_get(c, 1, 12, key))
                ok = 0;
        }
    }
    CHECK(ok);
    CHECK_INT_EQ(3, textcache_count(c));
    long hits = textcache_hits(c), misses = textcache_misses(c);
    CHECK(hits > 70);
    CHECK_INT_EQ(3, misses);
    textcache_destroy(c);
    /* every payload ever inserted was freed exactly once in total */
    int total = 0;
    for (int i = 0; i < 64; i++)
        total += freed[i];
    CHECK_INT_EQ(4 + 40, total);
    return test_summary();
}
