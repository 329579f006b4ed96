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

/* The byte budget: a payload of w x h counts w*h*4 bytes plus its key's length + 1; a put past
 * the budget evicts least recently used entries (never the new one) and their slots are reused,
 * so the count bound is never hit while bytes bound first. */
static void test_budget(void)
{
    memset(freed, 0, sizeof freed);
    TextCache *c = textcache_create(8, free_payload, NULL);
    textcache_set_budget(c, 1000);
    /* "a" 10x10 = 400 + 2, "b" 10x10 = 402: 804 bytes */
    textcache_put(c, 0, 14, "a", (void *)(intptr_t)1, 10, 10);
    textcache_put(c, 0, 14, "b", (void *)(intptr_t)2, 10, 10);
    CHECK_INT_EQ(804, textcache_bytes(c));
    /* a measurement (no payload) costs only its key: 3 bytes */
    textcache_put(c, 0, 14, "cc", NULL, 50, 10);
    CHECK_INT_EQ(807, textcache_bytes(c));
    /* "a" used again, then "d" (402) would make 1209: the LRU ("b"), then "cc" go */
    CHECK(textcache_get(c, 0, 14, "a") != NULL);
    textcache_put(c, 0, 14, "d", (void *)(intptr_t)4, 10, 10);
    CHECK_INT_EQ(1, freed[2]);
    CHECK(textcache_get(c, 0, 14, "b") == NULL);
    CHECK(textcache_get(c, 0, 14, "cc") != NULL || textcache_bytes(c) <= 1000);
    CHECK(textcache_bytes(c) <= 1000);
    CHECK(textcache_get(c, 0, 14, "a") != NULL);
    CHECK(textcache_get(c, 0, 14, "d") != NULL);
    /* one entry larger than the budget stays alone */
    textcache_put(c, 0, 14, "big", (void *)(intptr_t)5, 20, 20); /* 1604 bytes */
    CHECK_INT_EQ(1, textcache_count(c));
    CHECK_INT_EQ(1604, textcache_bytes(c));
    CHECK(textcache_get(c, 0, 14, "big") != NULL);
    /* many puts: the bytes never pass the budget, freed slots are reused (8 slots, 200 keys) */
    int over = 0;
    char key[32];
    for (int i = 0; i < 200; i++) {
        snprintf(key, sizeof key, "k%d", i);
        textcache_put(c, 1, 12, key, (void *)(intptr_t)(10 + i % 50), 5, 5 + i % 3);
        if (textcache_bytes(c) > 1000 || textcache_count(c) > 8)
            over++;
        if (!textcache_get(c, 1, 12, key))
            over++;
    }
    CHECK_INT_EQ(0, over);
    /* replacing a key's payload re-counts its bytes */
    textcache_put(c, 1, 12, "k199", (void *)(intptr_t)6, 1, 1);
    long before = textcache_bytes(c);
    textcache_put(c, 1, 12, "k199", (void *)(intptr_t)7, 2, 1);
    CHECK_INT_EQ(before + 4, textcache_bytes(c));
    textcache_destroy(c);
    int total = 0;
    for (int i = 0; i < 64; i++)
        total += freed[i];
    /* a, b, d, big, the 200 keys, k199's two replacements, and "cc"'s NULL (freed[0]) */
    CHECK_INT_EQ(4 + 200 + 2 + 1, total);
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
    test_budget();
    return test_summary();
}
