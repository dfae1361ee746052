/* kpi_trend.h — the arithmetic of the managers' dashboard (SPEC H2, issue 6): local days, ISO
 * weeks and months as buckets of a trend, how one SLA deadline counts in the on-time rate (SPEC
 * C2, C5) and how one written complaint notice counts as answered on time or late (SPEC E2).
 * The rates themselves are kpi_rate of kpi.h (permille rounded down, met exactly).
 *
 * Days are numbered as days since 1970-01-01 in the company's zone (a fixed offset, as
 * everywhere in shouhou): "local day" d begins at the UTC instant d × 86400 − offset. The
 * store counts rows per local day in SQL — (t + offset) / 86400 is plain integer arithmetic
 * in both dialects — and these functions fold the days into weeks and months, so no period
 * walks ticket rows in C.
 *
 * Pure: no clock, no I/O, no allocation; outputs are written only on success. */
#ifndef SHOUHOU_KPI_TREND_H
#define SHOUHOU_KPI_TREND_H

#include <stdbool.h>
#include <stdint.h>

/* The local day of a UTC instant (floor, also before 1970). */
int64_t kpi_local_day(int64_t utc, int tz_offset_minutes);
/* The UTC instant at which local day `day` begins. */
int64_t kpi_day_start(int64_t day, int tz_offset_minutes);
/* "YYYY-MM-DD" of a day number; false (out untouched) outside the years 1900..9999. */
bool kpi_day_date(int64_t day, char out[11]);
/* The day number of a valid "YYYY-MM-DD" (years 1900..9999); false otherwise. */
bool kpi_date_day(const char *date, int64_t *day);

/* A trend's buckets: the ISO week (Monday to Sunday, ISO 8601) or the calendar month. */
enum kpi_bucket { KPI_BUCKET_WEEK, KPI_BUCKET_MONTH };

/* The first day of the bucket that holds day: its Monday, or the first of its month. */
int64_t kpi_bucket_start(enum kpi_bucket b, int64_t day);
/* The first day of the bucket after the one that starts on start. */
int64_t kpi_bucket_next(enum kpi_bucket b, int64_t start);
/* The bucket's name: "2026-W48" for an ISO week (the ISO year is the year of the week's
 * Thursday: 2024-12-30 is in 2025-W01), "2026-11" for a month. false outside 1900..9999. */
bool kpi_bucket_key(enum kpi_bucket b, int64_t start, char out[9]);
/* How many buckets the days [from_day, to_day] touch (0 when to_day < from_day). */
int64_t kpi_bucket_count(enum kpi_bucket b, int64_t from_day, int64_t to_day);

/* How one deadline of a ticket (a stage of the 24/48/72 commitment, or a promised reply)
 * counts, as the ticket's own page shows it (domain/ticket.c deadline_json):
 *   ON_TIME    met, at or before its due instant (a deadline is met by due_at itself);
 *   LATE       met after it;
 *   BREACHED   not met, and due before the ticket ended (closed or cancelled) — or, the
 *              ticket still open, due at or before now (a breach stays on the record);
 *   OPEN       not met, the ticket open, due after now: it can still be met;
 *   NOT_NEEDED not met, the ticket ended at or before the due instant: nobody needed to go
 *              (a fault solved by phone), neither met nor missed.
 * met_at 0: not met. ended: the ticket is closed or cancelled, at ended_at (0 taken as now).
 * The on-time rate is ON_TIME ÷ (ON_TIME + LATE + BREACHED). */
enum kpi_deadline_class {
  KPI_DEADLINE_ON_TIME,
  KPI_DEADLINE_LATE,
  KPI_DEADLINE_BREACHED,
  KPI_DEADLINE_OPEN,
  KPI_DEADLINE_NOT_NEEDED,
  KPI_DEADLINE_CLASSES
};
enum kpi_deadline_class kpi_deadline_classify(int64_t due_at, int64_t met_at, bool ended,
                                              int64_t ended_at, int64_t now);
/* "on_time", "late", "breached", "open", "not_needed"; "?" out of range. */
const char *kpi_deadline_class_name(enum kpi_deadline_class c);

/* How one written notice to a department counts (SPEC E2; docs/complaints.md: the due day
 * itself is in time), by local days:
 *   ON_TIME  answered on or before its due day;
 *   LATE     answered after it;
 *   OVERDUE  not answered, and the due day is before today;
 *   PENDING  not answered, due today or later.
 * answered false: answered_day is ignored. The answer rate is ON_TIME ÷ (ON_TIME + LATE +
 * OVERDUE). */
enum kpi_notice_class {
  KPI_NOTICE_ON_TIME,
  KPI_NOTICE_LATE,
  KPI_NOTICE_OVERDUE,
  KPI_NOTICE_PENDING,
  KPI_NOTICE_CLASSES
};
enum kpi_notice_class kpi_notice_classify(int64_t due_day, bool answered, int64_t answered_day,
                                          int64_t today);
/* "on_time", "late", "overdue", "pending"; "?" out of range. */
const char *kpi_notice_class_name(enum kpi_notice_class c);

#endif
