/* pool.c — worker threads with one FIFO queue. */
#define _GNU_SOURCE /* pthread_setname_np: named threads show in top -H and perf */
#include "pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "../base/mem.h"

struct job {
  void *data;
  struct job *next;
};

struct pool {
  pthread_mutex_t lock;
  pthread_cond_t ready;
  struct job *head, *tail;
  bool stopping;
  int nthreads;
  pthread_t *threads;
  pool_job_fn fn;
};

static void *worker(void *arg) {
  struct pool *p = arg;
  pthread_setname_np(pthread_self(), "sh-worker");
  pthread_mutex_lock(&p->lock);
  for (;;) {
    while (!p->head && !p->stopping)
      pthread_cond_wait(&p->ready, &p->lock);
    if (!p->head)
      break;
    struct job *j = p->head;
    p->head = j->next;
    if (!p->head)
      p->tail = NULL;
    pthread_mutex_unlock(&p->lock);
    p->fn(j->data);
    free(j);
    pthread_mutex_lock(&p->lock);
  }
  pthread_mutex_unlock(&p->lock);
  return NULL;
}

struct pool *pool_start(int threads, pool_job_fn fn) {
  struct pool *p = sh_calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->threads = sh_calloc((size_t)threads, sizeof *p->threads);
  if (!p->threads) {
    free(p);
    return NULL;
  }
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->ready, NULL);
  p->fn = fn;
  for (int i = 0; i < threads; i++) {
    if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
      break;
    p->nthreads++;
  }
  if (p->nthreads == 0) {
    pool_stop(p);
    return NULL;
  }
  return p;
}

void pool_submit(struct pool *p, void *data) {
  struct job *j = sh_calloc(1, sizeof *j);
  if (!j) {
    p->fn(data); /* out of memory: run it here rather than lose it */
    return;
  }
  j->data = data;
  pthread_mutex_lock(&p->lock);
  if (p->stopping) {
    /* Shutting down: the workers may be gone; run it here rather than lose it. */
    pthread_mutex_unlock(&p->lock);
    free(j);
    p->fn(data);
    return;
  }
  if (p->tail)
    p->tail->next = j;
  else
    p->head = j;
  p->tail = j;
  pthread_cond_signal(&p->ready);
  pthread_mutex_unlock(&p->lock);
}

void pool_stop(struct pool *p) {
  if (!p)
    return;
  pthread_mutex_lock(&p->lock);
  p->stopping = true;
  pthread_cond_broadcast(&p->ready);
  pthread_mutex_unlock(&p->lock);
  for (int i = 0; i < p->nthreads; i++)
    pthread_join(p->threads[i], NULL);
  pthread_mutex_destroy(&p->lock);
  pthread_cond_destroy(&p->ready);
  free(p->threads);
  free(p);
}
