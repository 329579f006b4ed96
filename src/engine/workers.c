/* workers.c - the persistent pool: a job is (fn, ctx, n_tasks); threads take task numbers
 * from one atomic counter; a generation counter announces each job.
 *
 * Why spin first: a training step issues a job per layer, forward and backward, a few
 * microseconds apart; waking a sleeping thread through the kernel costs tens of microseconds,
 * more than a layer of the default net. So a worker polls the generation for a while
 * (~100 us) after each job and only then sleeps on the condition variable. */
#include "engine/workers.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Polls of the generation counter before a worker sleeps. */
#define SPIN_POLLS 20000

struct Workers {
    int n; /* threads, counting the caller */
    pthread_t threads[WORKERS_MAX];
    int started; /* worker threads actually running */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_uint gen;  /* bumped once per job (and once to stop) */
    atomic_int next;  /* the next task number to hand out */
    atomic_int done;  /* workers that finished the current job */
    atomic_bool stop;
    /* the current job; written before gen is bumped, read after it is seen */
    WorkersTask fn;
    void *ctx;
    int n_tasks;
    /* scratch */
    float *scratch[WORKERS_MAX]; /* (scratch_n) per thread */
    size_t scratch_n;
    float *shared; /* (shared_n) */
    size_t shared_n;
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void run_tasks(Workers *wk, int thread)
{
    for (;;) {
        int t = atomic_fetch_add_explicit(&wk->next, 1, memory_order_relaxed);
        if (t >= wk->n_tasks)
            break;
        wk->fn(wk->ctx, t, thread);
    }
}

typedef struct ThreadStart {
    Workers *wk;
    int id;
} ThreadStart;

static void *worker_main(void *arg)
{
    ThreadStart start = *(ThreadStart *)arg;
    free(arg);
    Workers *wk = start.wk;
    unsigned seen = 0;
    for (;;) {
        unsigned g = atomic_load_explicit(&wk->gen, memory_order_acquire);
        for (int i = 0; g == seen && i < SPIN_POLLS; i++) {
            cpu_relax();
            g = atomic_load_explicit(&wk->gen, memory_order_acquire);
        }
        if (g == seen) {
            pthread_mutex_lock(&wk->mu);
            while ((g = atomic_load_explicit(&wk->gen, memory_order_acquire)) == seen)
                pthread_cond_wait(&wk->cv, &wk->mu);
            pthread_mutex_unlock(&wk->mu);
        }
        seen = g;
        if (atomic_load_explicit(&wk->stop, memory_order_acquire))
            return NULL;
        run_tasks(wk, start.id);
        atomic_fetch_add_explicit(&wk->done, 1, memory_order_release);
    }
}

Workers *workers_create(int n_threads)
{
    if (n_threads < 1 || n_threads > WORKERS_MAX)
        return NULL;
    Workers *wk = calloc(1, sizeof *wk);
    if (!wk)
        return NULL;
    wk->n = n_threads;
    pthread_mutex_init(&wk->mu, NULL);
    pthread_cond_init(&wk->cv, NULL);
    atomic_init(&wk->gen, 0u);
    atomic_init(&wk->next, 0);
    atomic_init(&wk->done, 0);
    atomic_init(&wk->stop, false);
    for (int i = 1; i < n_threads; i++) {
        /* the thread frees its start record */
        ThreadStart *s = malloc(sizeof *s);
        if (s) {
            s->wk = wk;
            s->id = i;
        }
        if (!s || pthread_create(&wk->threads[i], NULL, worker_main, s) != 0) {
            free(s);
            workers_destroy(wk);
            return NULL;
        }
        wk->started = i;
    }
    return wk;
}

void workers_destroy(Workers *wk)
{
    if (!wk)
        return;
    pthread_mutex_lock(&wk->mu);
    atomic_store_explicit(&wk->stop, true, memory_order_release);
    atomic_fetch_add_explicit(&wk->gen, 1u, memory_order_release);
    pthread_cond_broadcast(&wk->cv);
    pthread_mutex_unlock(&wk->mu);
    for (int i = 1; i <= wk->started; i++)
        pthread_join(wk->threads[i], NULL);
    pthread_cond_destroy(&wk->cv);
    pthread_mutex_destroy(&wk->mu);
    for (int i = 0; i < wk->n; i++)
        free(wk->scratch[i]);
    free(wk->shared);
    free(wk);
}

int workers_count(const Workers *wk)
{
    return wk ? wk->n : 1;
}

void workers_run(Workers *wk, int n_tasks, WorkersTask fn, void *ctx)
{
    if (n_tasks <= 0)
        return;
    if (!wk || wk->n == 1 || n_tasks == 1) {
        for (int t = 0; t < n_tasks; t++)
            fn(ctx, t, 0);
        return;
    }
    wk->fn = fn;
    wk->ctx = ctx;
    wk->n_tasks = n_tasks;
    atomic_store_explicit(&wk->next, 0, memory_order_relaxed);
    atomic_store_explicit(&wk->done, 0, memory_order_relaxed);
    /* the release on gen publishes the job fields above to every worker */
    pthread_mutex_lock(&wk->mu);
    atomic_fetch_add_explicit(&wk->gen, 1u, memory_order_release);
    pthread_cond_broadcast(&wk->cv);
    pthread_mutex_unlock(&wk->mu);
    run_tasks(wk, 0);
    /* every worker reports once per job, even one that found no task left */
    for (int i = 0; atomic_load_explicit(&wk->done, memory_order_acquire) < wk->n - 1; i++) {
        if (i < SPIN_POLLS)
            cpu_relax();
        else
            sched_yield();
    }
}

/* 64-byte aligned block of n floats (at least one cache line); NULL when out of memory */
static float *alloc_floats(size_t n)
{
    size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
    return aligned_alloc(64, bytes ? bytes : 64);
}

bool workers_reserve(Workers *wk, size_t n_floats, size_t n_shared)
{
    if (!wk)
        return false;
    if (n_floats > wk->scratch_n) {
        float *fresh[WORKERS_MAX] = {0};
        for (int i = 0; i < wk->n; i++) {
            fresh[i] = alloc_floats(n_floats);
            if (!fresh[i]) {
                for (int j = 0; j < i; j++)
                    free(fresh[j]);
                return false;
            }
        }
        for (int i = 0; i < wk->n; i++) {
            free(wk->scratch[i]);
            wk->scratch[i] = fresh[i];
        }
        wk->scratch_n = n_floats;
    }
    if (n_shared > wk->shared_n) {
        float *fresh = alloc_floats(n_shared);
        if (!fresh)
            return false;
        free(wk->shared);
        wk->shared = fresh;
        wk->shared_n = n_shared;
    }
    return true;
}

float *workers_scratch(Workers *wk, int thread)
{
    return wk->scratch[thread];
}

float *workers_shared(Workers *wk)
{
    return wk->shared;
}
