/* textcache.c - open-addressing hash (linear probing, tombstone-free deletion by re-insertion)
 * over a slab of entries threaded on a doubly linked LRU list; slab slots freed by the byte
 * budget go on a free list (threaded through next). */
#include "viz/textcache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct Node {
    TextEntry e;
    uint32_t hash;
    int prev, next; /* LRU list: head = most recent */
    bool used;
} Node;

struct TextCache {
    Node *nodes; /* (capacity) */
    int *table;  /* (table_size) node index or -1 */
    int capacity, table_size, count;
    int fresh;     /* slab slots [fresh, capacity) never used yet */
    int free_list; /* slots given back by the byte budget, or -1 */
    int head, tail;
    long bytes, budget; /* budget 0: no byte limit */
    long hits, misses;
    void (*free_payload)(void *, void *);
    void *user;
};

static uint32_t key_hash(int face, int size, const char *text)
{
    uint32_t h = 2166136261u;
    h = (h ^ (uint32_t)face) * 16777619u;
    h = (h ^ (uint32_t)size) * 16777619u;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

TextCache *textcache_create(int capacity, void (*free_payload)(void *, void *), void *user)
{
    TextCache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->capacity = capacity < 1 ? 1 : capacity;
    /* a load factor of at most 1/2 keeps probe runs short */
    c->table_size = 1;
    while (c->table_size < 2 * c->capacity)
        c->table_size *= 2;
    c->nodes = calloc((size_t)c->capacity, sizeof *c->nodes);
    c->table = malloc((size_t)c->table_size * sizeof *c->table);
    if (!c->nodes || !c->table) {
        free(c->nodes);
        free(c->table);
        free(c);
        return NULL;
    }
    for (int i = 0; i < c->table_size; i++)
        c->table[i] = -1;
    c->head = c->tail = c->free_list = -1;
    c->free_payload = free_payload;
    c->user = user;
    return c;
}

void textcache_destroy(TextCache *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->fresh; i++) {
        if (!c->nodes[i].used)
            continue;
        if (c->free_payload)
            c->free_payload(c->nodes[i].e.payload, c->user);
        free(c->nodes[i].e.text);
    }
    free(c->nodes);
    free(c->table);
    free(c);
}

static void lru_unlink(TextCache *c, int i)
{
    Node *n = &c->nodes[i];
    if (n->prev >= 0)
        c->nodes[n->prev].next = n->next;
    else
        c->head = n->next;
    if (n->next >= 0)
        c->nodes[n->next].prev = n->prev;
    else
        c->tail = n->prev;
    n->prev = n->next = -1;
}

static void lru_push_front(TextCache *c, int i)
{
    Node *n = &c->nodes[i];
    n->prev = -1;
    n->next = c->head;
    if (c->head >= 0)
        c->nodes[c->head].prev = i;
    c->head = i;
    if (c->tail < 0)
        c->tail = i;
}

/* The table slot holding node i's key, or of the empty slot where it would go. */
static int find_slot(const TextCache *c, uint32_t hash, int face, int size, const char *text)
{
    int mask = c->table_size - 1;
    int s = (int)(hash & (uint32_t)mask);
    while (c->table[s] >= 0) {
        const Node *n = &c->nodes[c->table[s]];
        if (n->hash == hash && n->e.face == face && n->e.size == size &&
            strcmp(n->e.text, text) == 0)
            return s;
        s = (s + 1) & mask;
    }
    return s;
}

/* Removes table slot s and re-inserts the rest of its probe run (no tombstones needed). */
static void table_remove(TextCache *c, int s)
{
    int mask = c->table_size - 1;
    c->table[s] = -1;
    for (int t = (s + 1) & mask; c->table[t] >= 0; t = (t + 1) & mask) {
        int node = c->table[t];
        c->table[t] = -1;
        int u = (int)(c->nodes[node].hash & (uint32_t)mask);
        while (c->table[u] >= 0)
            u = (u + 1) & mask;
        c->table[u] = node;
    }
}

TextEntry *textcache_get(TextCache *c, int face, int size, const char *text)
{
    uint32_t h = key_hash(face, size, text);
    int s = find_slot(c, h, face, size, text);
    if (c->table[s] < 0) {
        c->misses++;
        return NULL;
    }
    c->hits++;
    int i = c->table[s];
    if (c->head != i) {
        lru_unlink(c, i);
        lru_push_front(c, i);
    }
    return &c->nodes[i].e;
}

/* What an entry holds: its key, and its payload as w x h 32-bit pixels when it has one. */
static long entry_bytes(const TextEntry *e)
{
    long px = e->payload ? (long)e->w * e->h * 4 : 0;
    return px + (long)strlen(e->text) + 1;
}

/* Drops node i, frees its payload and key, and puts its slot on the free list. */
static void evict(TextCache *c, int i)
{
    Node *old = &c->nodes[i];
    table_remove(c, find_slot(c, old->hash, old->e.face, old->e.size, old->e.text));
    lru_unlink(c, i);
    c->bytes -= entry_bytes(&old->e);
    if (c->free_payload)
        c->free_payload(old->e.payload, c->user);
    free(old->e.text);
    old->e = (TextEntry){0};
    old->used = false;
    old->next = c->free_list;
    c->free_list = i;
    c->count--;
}

TextEntry *textcache_put(TextCache *c, int face, int size, const char *text, void *payload, int w,
                         int h)
{
    uint32_t hash = key_hash(face, size, text);
    int s = find_slot(c, hash, face, size, text);
    int i = -1;
    if (c->table[s] >= 0) {
        /* same key again: replace the payload */
        i = c->table[s];
        Node *n = &c->nodes[i];
        c->bytes -= entry_bytes(&n->e);
        if (c->free_payload)
            c->free_payload(n->e.payload, c->user);
        n->e.payload = payload;
        n->e.w = w;
        n->e.h = h;
        c->bytes += entry_bytes(&n->e);
    } else {
        size_t len = strlen(text);
        char *copy = malloc(len + 1);
        if (!copy) {
            if (c->free_payload)
                c->free_payload(payload, c->user);
            return NULL;
        }
        memcpy(copy, text, len + 1);
        if (c->count == c->capacity) {
            /* full by count: the least recently used goes */
            evict(c, c->tail);
        }
        if (c->free_list >= 0) {
            i = c->free_list;
            c->free_list = c->nodes[i].next;
        } else {
            i = c->fresh++;
        }
        c->count++;
        Node *n = &c->nodes[i];
        n->used = true;
        n->hash = hash;
        n->e = (TextEntry){face, size, copy, payload, w, h};
        c->bytes += entry_bytes(&n->e);
        lru_push_front(c, i);
        /* the slot may have moved if an eviction re-packed the probe run */
        c->table[find_slot(c, hash, face, size, copy)] = i;
    }
    /* over the byte budget: older entries go until it fits (the new one always stays) */
    while (c->budget > 0 && c->bytes > c->budget && c->tail != i)
        evict(c, c->tail);
    return &c->nodes[i].e;
}

void textcache_set_budget(TextCache *c, long bytes)
{
    c->budget = bytes > 0 ? bytes : 0;
}

long textcache_bytes(const TextCache *c)
{
    return c->bytes;
}

int textcache_count(const TextCache *c)
{
    return c->count;
}

long textcache_hits(const TextCache *c)
{
    return c->hits;
}

long textcache_misses(const TextCache *c)
{
    return c->misses;
}
