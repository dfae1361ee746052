/* scheduler.c — the jobs thread of `serve` (see scheduler.h).
 *
 * Design: one thread, a tick on the monotonic clock, a condition variable to wake it for
 * shutdown. Each tick renews the lease first; only when that succeeded does it run the
 * passes: the SLA watch, a step of the return-visit planner (a pass at start, then hourly, a
 * sixth of the lease's time to live per tick) and the sender (a third); the lease is renewed
 * again after a planner step, so a leader that plans and sends a long queue renews in time. A tick
 * that fails (database down) is logged and the next one tries again; the lease then lapses and
 * another node may lead. */
#include "scheduler.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/log.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../domain/lease.h"
#include "sla_watch.h"
#include "visit_planner.h"

/* The sender's share of a tick: a third of the lease's time to live. */
#define SCHEDULER_SEND_BUDGET_SECONDS (SCHEDULER_LEASE_TTL_SECONDS / 3)
/* The return-visit planner's share: a sixth. A first pass over 100 000 projects takes most
 * of a minute; in steps this short the SLA watch (the 24/48/72-hour commitment) still runs
 * every few seconds while it lasts, instead of waiting behind one long pass. */
#define SCHEDULER_PLAN_BUDGET_SECONDS (SCHEDULER_LEASE_TTL_SECONDS / 6)

struct scheduler {
  struct app *app;
  struct scheduler_options options;
  char holder[LEASE_HOLDER_LEN];
  bool held;
  pthread_t thread;
  pthread_mutex_t mutex;
  pthread_cond_t wake;
  atomic_bool stop;
  struct visit_planner_state planner; /* the return-visit planner's pass under way */
};

enum sh_status scheduler_options_from_env(struct scheduler_options *out, struct sh_error *err) {
  struct scheduler_options o;
  memset(&o, 0, sizeof o);
  const char *jobs = getenv("SHOUHOU_JOBS"), *tick = getenv("SHOUHOU_JOBS_TICK_MS");
  o.enabled = !(jobs && strcmp(jobs, "off") == 0);
  if (jobs && *jobs && strcmp(jobs, "off") != 0 && strcmp(jobs, "on") != 0)
    return sh_fail(err, SH_ERR_INVALID, "invalid_setting_value", "SHOUHOU_JOBS", "on, off");
  o.tick_ms = SCHEDULER_DEFAULT_TICK_MS;
  if (tick && *tick) {
    char *end = NULL;
    long v = strtol(tick, &end, 10);
    if (*end || v < 50 || v > 3600000)
      return sh_fail(err, SH_ERR_INVALID, "invalid_setting_value", "SHOUHOU_JOBS_TICK_MS",
                     "50-3600000");
    o.tick_ms = (int)v;
  }
  enum sh_status rc = sender_config_from_env(&o.sender, err);
  if (rc == SH_OK)
    *out = o;
  return rc;
}

/* Renews or takes the lease; logs when this node gains or loses it. */
static bool lead(struct scheduler *s) {
  struct sh_error err;
  bool held = false;
  enum sh_status rc = lease_acquire(s->app, SCHEDULER_LEASE_NAME, s->holder,
                                    SCHEDULER_LEASE_TTL_SECONDS, time_now(), &held, &err);
  if (rc != SH_OK) {
    sh_log(LOG_PRIO_WARNING, "job=scheduler msg=\"lease not renewed\" error=%s", err.code);
    held = false;
  }
  if (held != s->held)
    sh_log(LOG_PRIO_INFO, "job=scheduler msg=\"%s\" holder=%s",
           held ? "this node runs the jobs" : "this node no longer runs the jobs", s->holder);
  s->held = held;
  return held;
}

static void tick(struct scheduler *s) {
  if (!lead(s))
    return;
  struct sh_error err;
  struct ticket_watch_stats watched;
  struct sender_stats sent;
  sla_watch_run(s->app, time_now(), &watched, &err); /* logs its own failure */
  /* The planner: a pass at start, then hourly, in steps that leave the lease time to renew. */
  int64_t planned_from = time_now();
  if (!atomic_load(&s->stop))
    visit_planner_tick(s->app, &s->planner, planned_from, SCHEDULER_PLAN_BUDGET_SECONDS);
  /* Renewed again before the sender: the watch, the planner's step and the sender's budget
   * together could otherwise outlast the lease's time to live, and a second node would run
   * the jobs beside this one. */
  if (!atomic_load(&s->stop) && time_now() > planned_from && !lead(s))
    return;
  if (!atomic_load(&s->stop))
    sender_pass(s->app, &s->options.sender, time_now(), SCHEDULER_SEND_BUDGET_SECONDS, &s->stop,
                &sent, &err);
}

static void *run(void *arg) {
  struct scheduler *s = arg;
  pthread_mutex_lock(&s->mutex);
  while (!atomic_load(&s->stop)) {
    pthread_mutex_unlock(&s->mutex);
    tick(s);
    pthread_mutex_lock(&s->mutex);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += s->options.tick_ms / 1000;
    until.tv_nsec += (long)(s->options.tick_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    while (!atomic_load(&s->stop)) {
      int rc = pthread_cond_timedwait(&s->wake, &s->mutex, &until);
      if (rc == ETIMEDOUT)
        break;
    }
  }
  pthread_mutex_unlock(&s->mutex);
  return NULL;
}

enum sh_status scheduler_start(struct app *app, const struct scheduler_options *options,
                               struct scheduler **out, struct sh_error *err) {
  *out = NULL;
  if (!options->enabled) {
    sh_log(LOG_PRIO_INFO, "job=scheduler msg=\"background jobs are off on this node "
                          "(SHOUHOU_JOBS=off)\"");
    return SH_OK;
  }
  struct scheduler *s = sh_calloc(1, sizeof *s);
  if (!s)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  s->app = app;
  s->options = *options;
  atomic_init(&s->stop, false);
  lease_holder_make(s->holder);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_mutex_init(&s->mutex, NULL);
  pthread_cond_init(&s->wake, &attr);
  pthread_condattr_destroy(&attr);
  if (pthread_create(&s->thread, NULL, run, s) != 0) {
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->mutex);
    free(s);
    return sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "cannot start the jobs thread");
  }
  sh_log(LOG_PRIO_INFO, "job=scheduler msg=started tick_ms=%d holder=%s", s->options.tick_ms,
         s->holder);
  *out = s;
  return SH_OK;
}

void scheduler_stop(struct scheduler *s) {
  if (!s)
    return;
  pthread_mutex_lock(&s->mutex);
  atomic_store(&s->stop, true);
  pthread_cond_signal(&s->wake);
  pthread_mutex_unlock(&s->mutex);
  pthread_join(s->thread, NULL);
  if (s->held) {
    struct sh_error err;
    if (lease_release(s->app, SCHEDULER_LEASE_NAME, s->holder, &err) != SH_OK)
      sh_log(LOG_PRIO_WARNING, "job=scheduler msg=\"lease not released\" error=%s", err.code);
  }
  pthread_cond_destroy(&s->wake);
  pthread_mutex_destroy(&s->mutex);
  explicit_bzero(s->options.sender.password, sizeof s->options.sender.password);
  free(s);
}
