/* visit_planner.c — runs one return-visit planner pass and logs it (see visit_planner.h). */
#include "visit_planner.h"

#include <string.h>

#include "../base/log.h"

static void log_pass(int64_t now, const struct visit_plan_stats *s) {
  if (s->changed > 0)
    sh_log(LOG_PRIO_INFO,
           "job=visit_planner now=%lld projects=%lld changed=%lld planned=%lld redated=%lld "
           "reopened=%lld cancelled=%lld invalid=%lld",
           (long long)now, (long long)s->projects, (long long)s->changed, (long long)s->planned,
           (long long)s->redated, (long long)s->reopened, (long long)s->cancelled,
           (long long)s->invalid);
}

static void log_failure(const struct sh_error *err) {
  sh_log(LOG_PRIO_ERR, "job=visit_planner msg=\"pass failed\" error=%s field=%s", err->code,
         err->field[0] ? err->field : "-");
}

enum sh_status visit_planner_run(struct app *app, int64_t now, struct visit_plan_stats *stats,
                                 struct sh_error *err) {
  struct visit_plan_stats s = {0};
  enum sh_status rc = visit_plan_pass(app, NULL, 0, now, &s, err);
  if (rc != SH_OK) {
    log_failure(err);
    return rc;
  }
  log_pass(now, &s);
  if (stats)
    *stats = s;
  return SH_OK;
}

void visit_planner_tick(struct app *app, struct visit_planner_state *state, int64_t now,
                        int64_t budget_seconds) {
  if (!state->running &&
      (!state->started_at || now - state->started_at >= VISIT_PLANNER_INTERVAL_SECONDS)) {
    memset(&state->cursor, 0, sizeof state->cursor);
    state->running = true;
    state->started_at = now;
  }
  if (!state->running)
    return;
  struct sh_error err;
  if (visit_plan_resume(app, NULL, now, &state->cursor, budget_seconds, &err) != SH_OK) {
    log_failure(&err);
    state->running = false;
    return;
  }
  if (state->cursor.finished) {
    log_pass(now, &state->cursor.stats);
    state->running = false;
  }
}
