/* workers.h - a small persistent thread pool for the fast path: the caller and n-1 worker
 * threads run the tasks 0..n_tasks-1 of one job, then the caller returns. Depends on: libc,
 * pthreads.
 *
 * Determinism is the caller's side of the contract: a task must compute the same bits
 * whichever thread runs it (it may only use the scratch of the thread it is given, and only
 * as temporary space), so results never depend on the thread count or the scheduling.
 *
 * Workers spin briefly after a job (the next layer's job follows within microseconds during
 * training), then sleep on a condition variable, so an idle pool costs no CPU. */
#ifndef CONVSCOPE_WORKERS_H
#define CONVSCOPE_WORKERS_H

#include <stdbool.h>
#include <stddef.h>

#define WORKERS_MAX 64

typedef struct Workers Workers;

/* A task: run piece `task` of the job on thread `thread` (0 = the caller, < workers_count). */
typedef void (*WorkersTask)(void *ctx, int task, int thread);

/* A pool of n_threads threads in all, counting the caller (1 <= n_threads <= WORKERS_MAX;
 * 1 starts no thread). NULL when a thread cannot be started or memory runs out. */
Workers *workers_create(int n_threads);
/* Stops and joins the threads, frees the scratch. NULL is allowed. */
void workers_destroy(Workers *wk);
/* Threads in the pool, counting the caller; 1 for NULL. */
int workers_count(const Workers *wk);

/* Runs fn(ctx, t, thread) for every t in [0, n_tasks) on the pool's threads and returns when
 * all have finished. wk may be NULL (everything runs on the caller). Not re-entrant: one job
 * at a time per pool, started from one thread. */
void workers_run(Workers *wk, int n_tasks, WorkersTask fn, void *ctx);

/* Makes every thread's scratch at least n_floats long and the shared scratch at least
 * n_shared floats (grown, never shrunk; contents not kept); false when memory runs out or
 * wk is NULL. Call it from the caller's thread, outside workers_run. */
bool workers_reserve(Workers *wk, size_t n_floats, size_t n_shared);
/* Thread `thread`'s scratch, (n_floats) as reserved; 64-byte aligned. */
float *workers_scratch(Workers *wk, int thread);
/* The scratch shared by all threads, (n_shared) as reserved; 64-byte aligned. */
float *workers_shared(Workers *wk);

#endif
