/* pool.h — a fixed set of worker threads that run request handlers. libmicrohttpd's own
 * threads only move bytes: a complete request is suspended and handed here, so a handler
 * waiting for a commit never stalls other connections, and a slow client never holds a
 * worker (DESIGN.md "Writes"). */
#ifndef SHOUHOU_POOL_H
#define SHOUHOU_POOL_H

struct pool;

typedef void (*pool_job_fn)(void *job);

/* Starts threads workers that call fn for every submitted job. NULL if it could not. */
struct pool *pool_start(int threads, pool_job_fn fn);
/* Queues a job (never blocks; the queue is bounded by the connection limit upstream). */
void pool_submit(struct pool *pool, void *job);
/* Runs the jobs already queued, then stops and frees the pool. NULL is fine. */
void pool_stop(struct pool *pool);

#endif
