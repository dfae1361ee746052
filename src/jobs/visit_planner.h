/* visit_planner.h — the jobs-level driver of the return-visit planner (SPEC D1): runs one
 * pass of domain/visit.h over every project at an instant and logs what it did. The rules
 * are in rules/visit_plan.h, the batches in domain/visit_plan.c. */
#ifndef SHOUHOU_JOBS_VISIT_PLANNER_H
#define SHOUHOU_JOBS_VISIT_PLANNER_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/status.h"
#include "../domain/app.h"
#include "../domain/visit.h"

/* How often the scheduler plans again: the inputs (projects, units, settings) change by hand,
 * and an unchanged installed base costs only reads. */
#define VISIT_PLANNER_INTERVAL_SECONDS 3600

/* One pass at now (UTC seconds); a pass that changed something is logged. *stats (may be
 * NULL) gets the counts. */
enum sh_status visit_planner_run(struct app *app, int64_t now, struct visit_plan_stats *stats,
                                 struct sh_error *err);

/* The scheduler's planner state (kept in struct scheduler, zeroed at start): a pass starts
 * at the first tick and then at most once an hour, and runs in steps of a time budget so the
 * thread renews its lease between them. */
struct visit_planner_state {
  struct visit_plan_cursor cursor;
  bool running;
  int64_t started_at; /* UTC seconds of the last pass's start; 0: none yet */
};

/* One tick's share: starts a pass when one is due, runs it for up to budget_seconds, logs
 * it when finished. A failed step ends the pass (logged); the next is due an hour after
 * its start. */
void visit_planner_tick(struct app *app, struct visit_planner_state *state, int64_t now,
                        int64_t budget_seconds);

#endif
