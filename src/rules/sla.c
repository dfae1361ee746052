/* sla.c — deadlines of the 24/48/72-hour commitment (SPEC C2). Pure: takes "now" and the
 * work calendar as arguments; never reads the clock.
 *
 * Design: the calendar clock is plain arithmetic. The working clock walks local days, one
 * step per day, never per minute: a day that is not a working day costs one calendar
 * lookup, and a whole working day whose windows all fit in what is left to count is taken
 * in one subtraction of the day's capacity; only the first and the last day look at the
 * windows one by one. sla_add is called at every ticket intake, so a 72-hour count on
 * office hours costs about nine working days of work plus the weekends and holidays
 * between them. The calendar is consulted only for a day that holds time the count needs,
 * so a count that ends at the last instant of 2026 does not ask about 2027. Times are
 * limited to the years 1900..9999 (as time_parse_iso has them) and a count to SLA_MAX_DAYS,
 * which keeps every sum far from int64 overflow. */
#include "sla.h"

#include <assert.h>
#include <limits.h>

#include "../base/timefmt.h"

#define DAY_SECONDS 86400
#define MAX_COUNT_SECONDS ((int64_t)SLA_MAX_DAYS * DAY_SECONDS)
#define TZ_MIN_MINUTES (-12 * 60) /* the westernmost zone in use, UTC-12:00 */
#define TZ_MAX_MINUTES (14 * 60)  /* the easternmost, UTC+14:00 */

/* The first and last accepted instants: 1900-01-01T00:00Z and 9999-12-31T23:59:59Z. */
static int64_t time_min(void) {
  return days_from_civil(1900, 1, 1) * DAY_SECONDS;
}

static int64_t time_max(void) {
  return days_from_civil(10000, 1, 1) * DAY_SECONDS - 1;
}

static bool time_valid(int64_t t) {
  return t >= time_min() && t <= time_max();
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool windows_valid(const struct sla_policy *policy) {
  if (policy->nwindows > SLA_MAX_WINDOWS)
    return false;
  for (size_t i = 0; i < policy->nwindows; i++) {
    const struct sla_window *w = &policy->windows[i];
    if (w->start_minute < 0 || w->start_minute >= w->end_minute || w->end_minute > 1440)
      return false;
    if (i > 0 && w->start_minute < policy->windows[i - 1].end_minute)
      return false;
  }
  return true;
}

/* The checks every function makes on its policy (sla.h: "a policy is valid when ..."). */
static bool policy_valid(const struct sla_policy *policy) {
  if (!policy || (policy->clock != SLA_CLOCK_CALENDAR && policy->clock != SLA_CLOCK_WORKING))
    return false;
  for (int stage = 0; stage < SLA_STAGE_COUNT; stage++)
    if (policy->stage_seconds[stage] <= 0)
      return false;
  if (policy->warning_lead_seconds < 0 || policy->tz_offset_minutes < TZ_MIN_MINUTES ||
      policy->tz_offset_minutes > TZ_MAX_MINUTES)
    return false;
  return policy->clock == SLA_CLOCK_CALENDAR || windows_valid(policy);
}

/* Window i of a working day in seconds of the local day; no windows is one whole-day window. */
static size_t window_count(const struct sla_policy *policy) {
  return policy->nwindows ? policy->nwindows : 1;
}

static void window_at(const struct sla_policy *policy, size_t i, int64_t *start, int64_t *end) {
  if (policy->nwindows == 0) {
    *start = 0;
    *end = DAY_SECONDS;
    return;
  }
  *start = (int64_t)policy->windows[i].start_minute * 60;
  *end = (int64_t)policy->windows[i].end_minute * 60;
}

/* The clock seconds of a whole working day. */
static int64_t day_capacity(const struct sla_policy *policy) {
  int64_t total = 0, start, end;
  for (size_t i = 0; i < window_count(policy); i++) {
    window_at(policy, i, &start, &end);
    total += end - start;
  }
  return total;
}

/* The window seconds inside [from, to) of a local day (seconds of that day). */
static int64_t window_overlap(const struct sla_policy *policy, int64_t from, int64_t to) {
  int64_t total = 0, start, end;
  for (size_t i = 0; i < window_count(policy); i++) {
    window_at(policy, i, &start, &end);
    int64_t low = start > from ? start : from, high = end < to ? end : to;
    if (high > low)
      total += high - low;
  }
  return total;
}

/* Whether `day` counts: SLA_OK with *counts, or SLA_NOT_LOADED with the day's year named. */
static enum sla_result day_counts(const struct sla_policy *policy, int64_t day, bool *counts,
                                  int *missing_year) {
  enum calendar_kind kind = calendar_day_kind(policy->calendar, day);
  if (kind == CALENDAR_NOT_LOADED) {
    if (missing_year)
      *missing_year = calendar_year_of(day);
    return SLA_NOT_LOADED;
  }
  *counts = kind == CALENDAR_WORKDAY;
  return SLA_OK;
}

/* Within one working day, from second `position` of it: the local second at which
 * *remaining runs out (true), or false with *remaining reduced by all the day still held.
 * With *remaining 0 the answer is the first window instant at or after position. */
static bool finish_in_day(const struct sla_policy *policy, int64_t position, int64_t *remaining,
                          int64_t *at) {
  int64_t start, end;
  for (size_t i = 0; i < window_count(policy); i++) {
    window_at(policy, i, &start, &end);
    if (end <= position)
      continue;
    int64_t from = start > position ? start : position;
    if (*remaining <= end - from) {
      *at = from + *remaining;
      return true;
    }
    *remaining -= end - from;
  }
  return false;
}

/* IMP: SPEC C2 — working clock: only window time of working days counts; a start outside the
 * windows waits for the next one; a day of a year not loaded stops the count. */
static enum sla_result working_add(const struct sla_policy *policy, int64_t start, int64_t seconds,
                                   int64_t *out, int *missing_year) {
  int64_t offset = (int64_t)policy->tz_offset_minutes * 60, local = start + offset;
  int64_t day = floor_div(local, DAY_SECONDS), position = local - day * DAY_SECONDS;
  int64_t remaining = seconds, capacity = day_capacity(policy);
  for (int walked = 1; walked <= SLA_MAX_DAYS; walked++, day++, position = 0) {
    if (window_overlap(policy, position, DAY_SECONDS) == 0)
      continue; /* nothing left of this day's windows: no need to ask the calendar */
    bool counts;
    enum sla_result result = day_counts(policy, day, &counts, missing_year);
    if (result != SLA_OK)
      return result;
    if (!counts)
      continue;
    if (position == 0 && remaining > capacity) {
      remaining -= capacity; /* a whole working day in one step */
      continue;
    }
    int64_t at;
    if (finish_in_day(policy, position, &remaining, &at)) {
      *out = day * DAY_SECONDS + at - offset;
      return SLA_OK;
    }
  }
  return SLA_INVALID;
}

enum sla_result sla_add(const struct sla_policy *policy, int64_t start, int64_t seconds,
                        int64_t *out, int *missing_year) {
  if (!policy_valid(policy) || !out || !time_valid(start) || seconds < 0 ||
      seconds > MAX_COUNT_SECONDS)
    return SLA_INVALID;
  if (policy->clock == SLA_CLOCK_CALENDAR) {
    *out = start + seconds; /* IMP: SPEC C2 — calendar clock: every second counts */
    return SLA_OK;
  }
  return working_add(policy, start, seconds, out, missing_year);
}

static enum sla_result working_elapsed(const struct sla_policy *policy, int64_t from, int64_t to,
                                       int64_t *out, int *missing_year) {
  int64_t offset = (int64_t)policy->tz_offset_minutes * 60;
  int64_t local_from = from + offset, local_to = to + offset;
  int64_t first = floor_div(local_from, DAY_SECONDS), last = floor_div(local_to - 1, DAY_SECONDS);
  if (last - first + 1 > SLA_MAX_DAYS)
    return SLA_INVALID;
  int64_t total = 0;
  for (int64_t day = first; day <= last; day++) {
    int64_t low = day == first ? local_from - day * DAY_SECONDS : 0;
    int64_t high = day == last ? local_to - day * DAY_SECONDS : DAY_SECONDS;
    int64_t inside = window_overlap(policy, low, high);
    if (inside == 0)
      continue;
    bool counts;
    enum sla_result result = day_counts(policy, day, &counts, missing_year);
    if (result != SLA_OK)
      return result;
    if (counts)
      total += inside;
  }
  *out = total;
  return SLA_OK;
}

enum sla_result sla_elapsed(const struct sla_policy *policy, int64_t from, int64_t to, int64_t *out,
                            int *missing_year) {
  if (!policy_valid(policy) || !out || !time_valid(from) || !time_valid(to))
    return SLA_INVALID;
  if (to <= from) {
    *out = 0;
    return SLA_OK;
  }
  if (policy->clock == SLA_CLOCK_CALENDAR) {
    if (to - from > MAX_COUNT_SECONDS)
      return SLA_INVALID;
    *out = to - from;
    return SLA_OK;
  }
  return working_elapsed(policy, from, to, out, missing_year);
}

/* Pauses must lie in the accepted years and not overlap (empty ones overlap nothing). */
static bool pauses_valid(const struct sla_interval *pauses, size_t npauses) {
  if (npauses > 0 && !pauses)
    return false;
  for (size_t i = 0; i < npauses; i++) {
    if (!time_valid(pauses[i].from) || !time_valid(pauses[i].to))
      return false;
    for (size_t j = 0; j < i; j++)
      if (pauses[i].from < pauses[i].to && pauses[j].from < pauses[j].to &&
          pauses[i].from < pauses[j].to && pauses[j].from < pauses[i].to)
        return false;
  }
  return true;
}

/* The pause that starts first after `after`, clipped to begin at the call; NULL when none.
 * Clipped starts are distinct: two pauses that both began before the call would overlap. */
static const struct sla_interval *next_pause(const struct sla_interval *pauses, size_t npauses,
                                             int64_t called_at, int64_t after, int64_t *from) {
  const struct sla_interval *best = NULL;
  for (size_t i = 0; i < npauses; i++) {
    int64_t start = pauses[i].from > called_at ? pauses[i].from : called_at;
    if (pauses[i].to <= start || start <= after || (best && start >= *from))
      continue;
    best = &pauses[i];
    *from = start;
  }
  return best;
}

/* IMP: SPEC C2 — one stage: its clock time from the call, moved by the clock time of every
 * pause that starts before the deadline as the earlier pauses have already moved it. */
static enum sla_result stage_due(const struct sla_policy *policy, int64_t called_at,
                                 int64_t seconds, const struct sla_interval *pauses, size_t npauses,
                                 int64_t *due, int *missing_year) {
  int64_t total = seconds, deadline, after = INT64_MIN, from = 0;
  enum sla_result result = sla_add(policy, called_at, total, &deadline, missing_year);
  const struct sla_interval *pause;
  while (result == SLA_OK &&
         (pause = next_pause(pauses, npauses, called_at, after, &from)) != NULL &&
         from < deadline) {
    int64_t paused;
    result = sla_elapsed(policy, from, pause->to, &paused, missing_year);
    if (result != SLA_OK)
      break;
    if (paused > MAX_COUNT_SECONDS - total)
      return SLA_INVALID;
    total += paused;
    after = from;
    if (paused > 0)
      result = sla_add(policy, called_at, total, &deadline, missing_year);
  }
  if (result == SLA_OK)
    *due = deadline;
  return result;
}

enum sla_result sla_deadlines(const struct sla_policy *policy, int64_t called_at,
                              const struct sla_interval *pauses, size_t npauses,
                              struct sla_deadline out[SLA_STAGE_COUNT], int *missing_year) {
  if (!policy_valid(policy) || !out || !time_valid(called_at) || !pauses_valid(pauses, npauses))
    return SLA_INVALID;
  struct sla_deadline deadlines[SLA_STAGE_COUNT];
  for (int stage = 0; stage < SLA_STAGE_COUNT; stage++) {
    int64_t due;
    enum sla_result result = stage_due(policy, called_at, policy->stage_seconds[stage], pauses,
                                       npauses, &due, missing_year);
    if (result != SLA_OK)
      return result;
    /* IMP: SPEC C2 — the warning, warning_lead wall-clock seconds before, never before the
     * call (due - called_at is small, so this cannot overflow however long the lead). */
    deadlines[stage].due_at = due;
    deadlines[stage].warn_at = policy->warning_lead_seconds >= due - called_at
                                   ? called_at
                                   : due - policy->warning_lead_seconds;
  }
  for (int stage = 0; stage < SLA_STAGE_COUNT; stage++)
    out[stage] = deadlines[stage];
  return SLA_OK;
}

/* IMP: SPEC C2 — a deadline is met by due_at itself (届满 includes the last instant). */
enum sla_state sla_stage_state(const struct sla_deadline *deadline, int64_t met_at, int64_t now) {
  assert(deadline);
  if (met_at != 0)
    return met_at <= deadline->due_at ? SLA_MET : SLA_MET_LATE;
  if (now >= deadline->due_at)
    return SLA_BREACHED;
  return now >= deadline->warn_at ? SLA_WARNING : SLA_PENDING;
}

/* b - a for b > a, saturated at INT64_MAX (the difference of two int64 always fits in uint64). */
static int64_t seconds_after(int64_t a, int64_t b) {
  uint64_t difference = (uint64_t)b - (uint64_t)a;
  return difference > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)difference;
}

int64_t sla_overdue_seconds(const struct sla_deadline *deadline, int64_t met_at, int64_t now) {
  assert(deadline);
  int64_t until = met_at != 0 ? met_at : now;
  return until > deadline->due_at ? seconds_after(deadline->due_at, until) : 0;
}

/* The highest level a chain reaches: none without levels, one without a step. */
static int top_level(int64_t step_seconds, int levels) {
  if (levels <= 0)
    return 0;
  return step_seconds <= 0 ? 1 : levels;
}

/* IMP: SPEC C2 — escalation: level 1 at the deadline, one more every step, up to the chain. */
int sla_escalation_level(int64_t due_at, int64_t now, int64_t step_seconds, int levels) {
  int top = top_level(step_seconds, levels);
  if (top == 0 || now < due_at)
    return 0;
  if (top == 1)
    return 1;
  uint64_t steps = (uint64_t)seconds_after(due_at, now) / (uint64_t)step_seconds;
  return steps >= (uint64_t)top - 1 ? top : (int)steps + 1;
}

int64_t sla_next_check(const struct sla_deadline *deadline, bool warned, int level,
                       int64_t step_seconds, int levels) {
  assert(deadline);
  if (!warned)
    return deadline->warn_at;
  if (level >= top_level(step_seconds, levels))
    return 0;
  if (level <= 0)
    return deadline->due_at;
  /* level L was reached at due_at + (L - 1) × step; the next comes one step later */
  if (step_seconds > (INT64_MAX - (deadline->due_at > 0 ? deadline->due_at : 0)) / level)
    return INT64_MAX;
  return deadline->due_at + step_seconds * level;
}

const char *sla_stage_name(enum sla_stage stage) {
  switch (stage) {
  case SLA_STAGE_ONSITE:
    return "onsite";
  case SLA_STAGE_CLEAR:
    return "clear";
  case SLA_STAGE_SUBSTITUTE:
    return "substitute";
  default:
    return "?";
  }
}

const char *sla_state_name(enum sla_state state) {
  switch (state) {
  case SLA_PENDING:
    return "pending";
  case SLA_WARNING:
    return "warning";
  case SLA_BREACHED:
    return "breached";
  case SLA_MET:
    return "met";
  case SLA_MET_LATE:
    return "met_late";
  default:
    return "?";
  }
}
