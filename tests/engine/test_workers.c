/* test_workers.c - the pool runs every task of a job exactly once, job after job, with any
 * thread count (also more tasks than one ticket holds), hands out thread numbers in range,
 * reserves aligned scratch, and an idle pool goes to sleep instead of burning CPU. */
#define _POSIX_C_SOURCE 200809L
#include "engine/workers.h"
#include "test.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* CPU seconds used by the whole process so far (every thread). */
static double process_cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct Count {
    atomic_int *hits; /* (n_tasks) */
    atomic_int bad_thread;
    int threads;
} Count;

static void count_task(void *ctx, int task, int thread)
{
    Count *c = ctx;
    atomic_fetch_add(&c->hits[task], 1);
    if (thread < 0 || thread >= c->threads)
        atomic_fetch_add(&c->bad_thread, 1);
}

/* Runs n_tasks on wk `jobs` times; true when every task ran exactly `jobs` times. */
static bool run_jobs(Workers *wk, int n_tasks, int jobs)
{
    Count c = {calloc((size_t)n_tasks, sizeof(atomic_int)), 0, workers_count(wk)};
    for (int j = 0; j < jobs; j++)
        workers_run(wk, n_tasks, count_task, &c);
    bool ok = atomic_load(&c.bad_thread) == 0;
    for (int t = 0; t < n_tasks; t++)
        ok = ok && atomic_load(&c.hits[t]) == jobs;
    free(c.hits);
    return ok;
}

int main(void)
{
    CHECK(workers_create(0) == NULL);
    CHECK(workers_create(WORKERS_MAX + 1) == NULL);
    CHECK(run_jobs(NULL, 17, 3));
    for (int threads = 1; threads <= 3; threads++) {
        Workers *wk = workers_create(threads);
        CHECK(wk != NULL);
        CHECK_INT_EQ(threads, workers_count(wk));
        /* many short jobs back to back: the spin/claim/finish handshake */
        CHECK(run_jobs(wk, 1, 200));
        CHECK(run_jobs(wk, 2, 2000));
        CHECK(run_jobs(wk, 33, 300));
        /* more tasks than one ticket holds: split into several jobs */
        CHECK(run_jobs(wk, 70000, 2));
        workers_run(wk, 0, count_task, NULL); /* nothing to do: returns at once */
        CHECK(workers_reserve(wk, 1000, 50));
        CHECK(workers_reserve(wk, 10, 5)); /* never shrinks */
        for (int t = 0; t < threads; t++) {
            float *s = workers_scratch(wk, t);
            CHECK(((uintptr_t)s & 63) == 0);
            s[999] = 1.0f; /* the reserved length is there (ASan would complain) */
        }
        CHECK(((uintptr_t)workers_shared(wk) & 63) == 0);
        workers_shared(wk)[49] = 1.0f;
        workers_destroy(wk);
    }
    CHECK(!workers_reserve(NULL, 10, 10));
    workers_destroy(NULL);

    /* idle between jobs: the workers poll for a moment after a job (the next one usually
     * follows within microseconds), then sleep; over 400 ms of idling the process uses
     * almost no CPU (a spinning pool of 3 would use 800 ms on two cores) */
    {
        Workers *wk = workers_create(3);
        CHECK(run_jobs(wk, 8, 5));
        struct timespec pause = {0, 100 * 1000 * 1000};
        nanosleep(&pause, NULL); /* the polling after the job ends in here */
        double cpu0 = process_cpu_seconds();
        for (int i = 0; i < 4; i++)
            nanosleep(&pause, NULL);
        double idle_cpu = process_cpu_seconds() - cpu0;
        CHECK(idle_cpu < 0.02);
        if (idle_cpu >= 0.02)
            fprintf(stderr, "  idle pool used %.3f s of CPU in 0.4 s\n", idle_cpu);
        /* and it still wakes for the next job */
        CHECK(run_jobs(wk, 8, 3));
        workers_destroy(wk);
    }
    return test_summary();
}
