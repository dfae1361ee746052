/* sla.h — the 24/48/72 commitment as deadlines (SPEC C2; 售后部门管理细则1 2)、应急维修时间安排:
 * 在接到故障电话通知后,24小时内技术维修人员赶到现场对设备进行维修,如不能及时解决故障,提供相同
 * 型号或者相同品质的备用机器或部件替换,以保证系统正常运行).
 *
 * Three stages run from the call: a technician on site (24 h), the fault cleared (48 h), and
 * if it is not cleared, a spare unit or part of the same model or equal quality in place
 * (72 h). The rulebook anchors the 24 h to the call; our reading (SPEC C2) counts the 48 h
 * and 72 h from the call too. The hours are settings (sla.onsite_hours, ...).
 *
 * The clock:
 *   SLA_CLOCK_CALENDAR  (default) every second counts: due = called_at + hours.
 *   SLA_CLOCK_WORKING   only time inside the policy's daily windows (local time of the
 *                       company's zone) on working days of the work calendar counts; a
 *                       call outside them starts counting at the next window. With no
 *                       windows the whole of each working day counts. A count that has to
 *                       walk through a day of a year that is not loaded stops with
 *                       SLA_NOT_LOADED and names the year: the product says "calendar for
 *                       2027 not loaded" rather than guess. The calendar is asked only about
 *                       a day that holds window time the count needs (a count that ends at
 *                       the last window instant of 2026-12-31 does not ask about 2027). A
 *                       NULL calendar is one with no years loaded (calendar.h): SLA_NOT_LOADED
 *                       naming the first year the count needs, not SLA_INVALID — an
 *                       installation that has loaded no calendar yet is told which to load.
 * A warning falls warning_lead wall-clock seconds before each deadline (never before the
 * call). Customer-caused delays: when the policy pauses for them, the clock time inside
 * each delay interval is added to every deadline it starts before (sla_deadlines' pauses);
 * when it does not (the default), the caller computes the deadlines both ways and keeps the
 * paused ones for the technician's appraisal only.
 * After a deadline passes unmet, the breach escalates one level at the deadline and one
 * more every escalation step, up to the number of levels in the chain.
 *
 * A valid policy (every function that takes one answers SLA_INVALID otherwise): clock is one
 * of the two; every stage_seconds > 0; warning_lead_seconds >= 0; tz_offset_minutes within
 * -720..840 (UTC-12:00..UTC+14:00). On the working clock also nwindows <= SLA_MAX_WINDOWS and
 * every window 0 <= start < end <= 1440, ascending and not overlapping (a window may start
 * where the one before ends). The calendar clock ignores windows and calendar.
 * Times (start, from, to, called_at, pause ends) lie in the years 1900..9999 UTC
 * (as time_parse_iso accepts), else SLA_INVALID.
 *
 * Pure: "now" and the calendar are arguments; no I/O, no clock, no allocation. Times are
 * UTC seconds; every output is written only on SLA_OK, and *missing_year (which may be NULL
 * in every function) only on SLA_NOT_LOADED. */
#ifndef SHOUHOU_SLA_H
#define SHOUHOU_SLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"

#define SLA_MAX_WINDOWS 8
/* A count never walks more than this many days (a policy with tiny windows and a long
 * term would otherwise loop for ever): beyond it, SLA_INVALID. On the working clock a count
 * may walk through SLA_MAX_DAYS local days, the day of its start being the first (a count
 * that ends at midnight has not walked the day that midnight begins); on the calendar clock
 * it may count SLA_MAX_DAYS × 86400 seconds. */
#define SLA_MAX_DAYS 3660

enum sla_clock { SLA_CLOCK_CALENDAR, SLA_CLOCK_WORKING };

enum sla_stage { SLA_STAGE_ONSITE, SLA_STAGE_CLEAR, SLA_STAGE_SUBSTITUTE, SLA_STAGE_COUNT };

/* A daily window of local time, [start_minute, end_minute), 0 ≤ start < end ≤ 1440. */
struct sla_window {
  int start_minute;
  int end_minute;
};

struct sla_policy {
  enum sla_clock clock;
  int64_t stage_seconds[SLA_STAGE_COUNT];     /* 24 h, 48 h, 72 h by default; each > 0 */
  int64_t warning_lead_seconds;               /* ≥ 0 */
  int tz_offset_minutes;                      /* the company's zone (Asia/Shanghai: 480) */
  const struct calendar *calendar;            /* SLA_CLOCK_WORKING only */
  struct sla_window windows[SLA_MAX_WINDOWS]; /* ascending, not overlapping */
  size_t nwindows;                            /* 0: the whole working day counts */
};

/* An interval of wall-clock time, [from, to), UTC seconds. */
struct sla_interval {
  int64_t from;
  int64_t to;
};

enum sla_result {
  SLA_OK,
  SLA_NOT_LOADED, /* the count needs a year the calendar lacks; *missing_year names it */
  SLA_INVALID,    /* a bad policy or argument, or more than SLA_MAX_DAYS walked */
};

struct sla_deadline {
  int64_t due_at;  /* the deadline */
  int64_t warn_at; /* max(due_at - warning_lead_seconds, called_at) */
};

/* *out = the instant when `seconds` (≥ 0) of clock time have run since start. On the
 * working clock, 0 seconds from a start outside the windows gives the next window's start,
 * and a count that runs out at a window's end gives that end (12:00, not 13:30), so that
 * sla_elapsed(start, *out) is `seconds` again. missing_year may be NULL. */
enum sla_result sla_add(const struct sla_policy *policy, int64_t start, int64_t seconds,
                        int64_t *out, int *missing_year);

/* *out = the clock seconds that run between from and to (0 when to ≤ from). */
enum sla_result sla_elapsed(const struct sla_policy *policy, int64_t from, int64_t to, int64_t *out,
                            int *missing_year);

/* The deadline and warning of every stage for a call at called_at. Each pause interval
 * (not overlapping, else SLA_INVALID; empty when to <= from; the part before the call is
 * ignored) that starts before a stage's deadline adds the clock time inside it to that
 * deadline — a pause that ends after the deadline still moves it, by its whole clock time.
 * Pauses are taken in order of their start, each against the deadline as the earlier ones
 * moved it. A pause that starts at or after a stage's deadline leaves it where it is: the
 * stage was already breached (or met) and a later delay does not undo that. */
enum sla_result sla_deadlines(const struct sla_policy *policy, int64_t called_at,
                              const struct sla_interval *pauses, size_t npauses,
                              struct sla_deadline out[SLA_STAGE_COUNT], int *missing_year);

enum sla_state {
  SLA_PENDING,  /* not met, before the warning */
  SLA_WARNING,  /* not met, at or after warn_at, before due_at */
  SLA_BREACHED, /* not met, at or after due_at (a deadline is met by due_at itself) */
  SLA_MET,      /* met at or before due_at */
  SLA_MET_LATE, /* met after due_at */
};

/* The state of a stage at now; met_at is 0 while the stage is not met. A stage met at
 * exactly due_at is on time: 届满 includes the last instant (SPEC intro). deadline is not
 * NULL (here and in the two functions below; asserted). */
enum sla_state sla_stage_state(const struct sla_deadline *deadline, int64_t met_at, int64_t now);

/* How late the stage is, in seconds: met_at - due_at when met late, now - due_at when
 * breached and still open, otherwise 0. */
int64_t sla_overdue_seconds(const struct sla_deadline *deadline, int64_t met_at, int64_t now);

/* The escalation level a breach has reached at now: 0 before due_at; 1 from due_at; one
 * more every step_seconds after it (step_seconds ≤ 0: only level 1); never above levels
 * (levels ≤ 0 gives 0). */
int sla_escalation_level(int64_t due_at, int64_t now, int64_t step_seconds, int levels);

/* The next instant a watcher must look at an unmet stage that has been warned (`warned`)
 * and escalated to `level`: warn_at if not warned yet, else due_at if level is 0, else the
 * instant the next level is reached; 0 when nothing is left to do (warned and escalated to
 * every level). Always > the instant of the last thing done, so a watcher that sets it
 * after acting never loops — provided it does everything due at its visit: with
 * warning_lead 0 the warning and level 1 fall on the same instant (warn_at = due_at).
 * An answer past INT64_MAX is INT64_MAX. */
int64_t sla_next_check(const struct sla_deadline *deadline, bool warned, int level,
                       int64_t step_seconds, int levels);

/* "onsite", "clear", "substitute"; "?" out of range. */
const char *sla_stage_name(enum sla_stage stage);
/* "pending", "warning", "breached", "met", "met_late". */
const char *sla_state_name(enum sla_state state);

#endif
