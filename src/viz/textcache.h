/* textcache.h - an LRU map from (face, size, string) to a rendered payload (the render seam
 * stores text textures in it), so drawing the same label every frame costs a lookup. Bounded by
 * a count and, when set, by bytes (a payload of w x h counts w*h*4 bytes, plus its key), so
 * large text at a big window cannot pile up hundreds of MB of textures. Depends on: libc. Pure: the
 * payload is opaque and freed through a callback. Allocation happens only on a miss (a copy of the
 * key string). */
#ifndef CONVSCOPE_TEXTCACHE_H
#define CONVSCOPE_TEXTCACHE_H

#include <stdbool.h>

typedef struct TextCache TextCache;

typedef struct TextEntry {
    int face, size;
    char *text;    /* owned copy of the key */
    void *payload; /* owned through the free callback */
    int w, h;      /* the payload's size in px */
} TextEntry;

/* A cache of at most capacity entries; free_payload(payload, user) releases evicted ones. */
TextCache *textcache_create(int capacity, void (*free_payload)(void *payload, void *user),
                            void *user);
/* Frees every payload and the cache. */
void textcache_destroy(TextCache *c);
/* The entry for the key (now most recently used), or NULL. Counts a hit or a miss. */
TextEntry *textcache_get(TextCache *c, int face, int size, const char *text);
/* Inserts the key with payload (evicting the least recently used entry when full); returns
 * the entry, or NULL when out of memory (the payload is then freed). */
TextEntry *textcache_put(TextCache *c, int face, int size, const char *text, void *payload, int w,
                         int h);
/* Bounds the bytes held (0: no byte bound, the default): a put past it evicts the least
 * recently used entries, never the one just put (so one entry larger than the budget stays
 * alone until the next put). */
void textcache_set_budget(TextCache *c, long bytes);
/* Bytes held: w*h*4 for each entry with a payload, plus each key's length + 1. */
long textcache_bytes(const TextCache *c);
/* Entries held, hits, misses. */
int textcache_count(const TextCache *c);
long textcache_hits(const TextCache *c);
long textcache_misses(const TextCache *c);

#endif
