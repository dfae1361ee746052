/* scheduler.h — the background jobs thread that `shouhou serve` starts: every tick it tries
 * to take or renew the job lease (domain/lease.h); the node holding it runs one SLA watch
 * pass, a step of the return-visit planner (jobs/visit_planner.h: a pass at start and then
 * at most hourly, in steps of a few seconds) and one sender pass. Of several nodes on one database
 * exactly one runs the jobs, and another takes over within the lease's time to live when it dies.
 *
 * Environment, read at start:
 *   SHOUHOU_JOBS=off       no jobs thread on this node (the benchmark; nodes that only
 *                          serve requests)
 *   SHOUHOU_JOBS_TICK_MS   the tick, 50..3600000 ms (default 5000; the tests use ~200)
 *   and the sender's SMTP variables (jobs/sender.h). */
#ifndef SHOUHOU_JOBS_SCHEDULER_H
#define SHOUHOU_JOBS_SCHEDULER_H

#include <stdbool.h>

#include "../base/status.h"
#include "../domain/app.h"
#include "sender.h"

#define SCHEDULER_LEASE_NAME "jobs"
#define SCHEDULER_LEASE_TTL_SECONDS 30
#define SCHEDULER_DEFAULT_TICK_MS 5000

struct scheduler_options {
  bool enabled;
  int tick_ms;
  struct sender_config sender;
};

/* Reads the environment. SH_ERR_INVALID "invalid_setting_value" naming the variable. */
enum sh_status scheduler_options_from_env(struct scheduler_options *out, struct sh_error *err);

struct scheduler;

/* Starts the thread (nothing when options->enabled is false: *out is then NULL). app must
 * outlive scheduler_stop. */
enum sh_status scheduler_start(struct app *app, const struct scheduler_options *options,
                               struct scheduler **out, struct sh_error *err);

/* Asks the thread to stop, waits for the pass under way (a sender stops between messages),
 * gives the lease up and frees the scheduler. NULL is fine. */
void scheduler_stop(struct scheduler *scheduler);

#endif
