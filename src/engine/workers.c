/* workers.c - the persistent pool. A job is (fn, ctx) plus one 64-bit atomic ticket:
 * job number (32 bits) | task count (16) | next task (16). Threads claim tasks by
 * compare-and-swap on the ticket, so a claim is valid exactly for the job it names, and a
 * worker that wakes late can neither run a finished job's task nor hold up the caller: the
 * caller waits for the tasks to be finished, not for every worker to check in.
 *
 * Why poll first: a training step issues a job per layer, forward and backward, a few
 * microseconds apart; waking a sleeping thread through the kernel costs tens of microseconds,
 * more than a layer of the default net. So a worker polls the ticket for a while after each
 * job (see PAUSE_POLLS) and only then sleeps on the condition variable. */
#include "engine/workers.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

/* Waiting is polling: PAUSE_POLLS polls with the CPU's pause hint (the next job or the last
 * task usually comes within microseconds), then polls that yield the CPU between looks, so
 * that on a busy machine, where two of our threads may share a core, the one holding work
 * gets to run; a worker that saw no job for YIELD_POLLS such looks sleeps on the condition
 * variable. On an idle machine sched_yield returns at once, so nothing is lost. */
#define PAUSE_POLLS 256
#define YIELD_POLLS 2000
/* Tasks in one job: the ticket holds them in 16 bits; larger runs are split into jobs. */
#define MAX_JOB_TASKS 65535

struct Workers {
    int n; /* threads, counting the caller */
    pthread_t threads[WORKERS_MAX];
    int started; /* worker threads actually running */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    _Atomic uint64_t ticket; /* job << 32 | n_tasks << 16 | next; changed under mu per job */
    atomic_int finished;     /* tasks of the current job that have returned */
    atomic_bool stop;
    uint32_t job; /* the caller's count of jobs started */
    /* the current job: written before its ticket is published, and not again until all its
     * tasks have finished, so whoever claims a task of it reads these safely */
    WorkersTask fn;
    void *ctx;
    int first_task; /* task numbers of this job start here (long runs are split) */
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

static inline uint32_t ticket_job(uint64_t t)
{
    return (uint32_t)(t >> 32);
}

static inline int ticket_count(uint64_t t)
{
    return (int)((t >> 16) & 0xFFFFu);
}

static inline int ticket_next(uint64_t t)
{
    return (int)(t & 0xFFFFu);
}

/* Claims and runs tasks of whatever job the ticket names until none is left. */
static void run_tasks(Workers *wk, int thread)
{
    uint64_t cur = atomic_load_explicit(&wk->ticket, memory_order_acquire);
    while (ticket_next(cur) < ticket_count(cur)) {
        if (!atomic_compare_exchange_weak_explicit(&wk->ticket, &cur, cur + 1, memory_order_acq_rel,
                                                   memory_order_acquire))
            continue; /* cur now holds the fresh ticket */
        /* the acquire above makes fn/ctx of job ticket_job(cur) visible, and they stay until
         * this task is counted as finished */
        wk->fn(wk->ctx, wk->first_task + ticket_next(cur), thread);
        atomic_fetch_add_explicit(&wk->finished, 1, memory_order_release);
        cur = atomic_load_explicit(&wk->ticket, memory_order_acquire);
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
    uint32_t seen = 0;
    for (;;) {
        uint64_t t = atomic_load_explicit(&wk->ticket, memory_order_acquire);
        for (int i = 0; ticket_job(t) == seen && i < PAUSE_POLLS + YIELD_POLLS; i++) {
            if (i < PAUSE_POLLS)
                cpu_relax();
            else
                sched_yield();
            t = atomic_load_explicit(&wk->ticket, memory_order_acquire);
        }
        if (ticket_job(t) == seen) {
            pthread_mutex_lock(&wk->mu);
            while (ticket_job(t = atomic_load_explicit(&wk->ticket, memory_order_acquire)) ==
                       seen &&
                   !atomic_load_explicit(&wk->stop, memory_order_acquire))
                pthread_cond_wait(&wk->cv, &wk->mu);
            pthread_mutex_unlock(&wk->mu);
        }
        if (atomic_load_explicit(&wk->stop, memory_order_acquire))
            return NULL;
        seen = ticket_job(t);
        run_tasks(wk, start.id);
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
    atomic_init(&wk->ticket, 0u);
    atomic_init(&wk->finished, 0);
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
    for (int first = 0; first < n_tasks; first += MAX_JOB_TASKS) {
        int count = n_tasks - first < MAX_JOB_TASKS ? n_tasks - first : MAX_JOB_TASKS;
        wk->fn = fn;
        wk->ctx = ctx;
        wk->first_task = first;
        wk->job++;
        if (wk->job == 0) /* 0 is the job a fresh worker has "seen" */
            wk->job = 1;
        atomic_store_explicit(&wk->finished, 0, memory_order_relaxed);
        /* publishing the ticket (release) publishes the fields above; under the mutex, so a
         * worker about to sleep cannot miss it */
        pthread_mutex_lock(&wk->mu);
        atomic_store_explicit(&wk->ticket, (uint64_t)wk->job << 32 | (uint64_t)count << 16,
                              memory_order_release);
        pthread_cond_broadcast(&wk->cv);
        pthread_mutex_unlock(&wk->mu);
        run_tasks(wk, 0);
        for (int i = 0; atomic_load_explicit(&wk->finished, memory_order_acquire) < count; i++) {
            if (i < PAUSE_POLLS)
                cpu_relax();
            else
                sched_yield();
        }
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
