/* kpi_trend.c — local days, ISO weeks and months of the dashboard's trends, and how a deadline
 * or a complaint notice counts (see kpi_trend.h). IMP: SPEC H2 — the KPI dashboard with the
 * SLA of C2 (a deadline met on time, late, breached) and the answers of E2 (a notice answered
 * by its due day). */
#include "kpi_trend.h"

#include <stdio.h>
#include <string.h>

#include "../base/timefmt.h"

#define DAY 86400

/* Floor division for a positive divisor (C division truncates toward zero). */
static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

int64_t kpi_local_day(int64_t utc, int tz_offset_minutes) {
  return floor_div(utc + (int64_t)tz_offset_minutes * 60, DAY);
}

int64_t kpi_day_start(int64_t day, int tz_offset_minutes) {
  return day * DAY - (int64_t)tz_offset_minutes * 60;
}

/* The inverse of days_from_civil (H. Hinnant's civil_from_days): eras of 400 years,
 * March-based years so that the leap day is the last of the year. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = floor_div(z, 146097);
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Days of 1900-01-01 and 9999-12-31: the years timefmt accepts. */
#define FIRST_DAY (-25567)
#define LAST_DAY 2932896

bool kpi_day_date(int64_t day, char out[11]) {
  if (day < FIRST_DAY || day > LAST_DAY)
    return false;
  int64_t y;
  unsigned m, d;
  civil_from_days(day, &y, &m, &d);
  snprintf(out, 11, "%04d-%02u-%02u", (int)y, m, d);
  return true;
}

bool kpi_date_day(const char *date, int64_t *day) {
  if (!date || !date_valid(date))
    return false;
  int y = 0, m = 0, d = 0;
  if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
    return false;
  *day = days_from_civil(y, (unsigned)m, (unsigned)d);
  return true;
}

/* 1970-01-01 (day 0) was a Thursday, so day + 3 is 0 (mod 7) on Mondays. */
static int64_t monday_of(int64_t day) {
  return day - (day + 3 - floor_div(day + 3, 7) * 7);
}

int64_t kpi_bucket_start(enum kpi_bucket b, int64_t day) {
  if (b == KPI_BUCKET_WEEK)
    return monday_of(day);
  int64_t y;
  unsigned m, d;
  civil_from_days(day, &y, &m, &d);
  return day - (d - 1);
}

int64_t kpi_bucket_next(enum kpi_bucket b, int64_t start) {
  if (b == KPI_BUCKET_WEEK)
    return monday_of(start) + 7;
  int64_t y;
  unsigned m, d;
  civil_from_days(start, &y, &m, &d);
  return m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1);
}

bool kpi_bucket_key(enum kpi_bucket b, int64_t start, char out[9]) {
  if (start < FIRST_DAY || start > LAST_DAY)
    return false;
  int64_t y;
  unsigned m, d;
  if (b == KPI_BUCKET_MONTH) {
    civil_from_days(start, &y, &m, &d);
    snprintf(out, 9, "%04d-%02u", (int)y, m);
    return true;
  }
  /* ISO 8601: a week belongs to the year of its Thursday, and week 1 is the week holding
   * that year's first Thursday — so the week number is (Thursday's day of year) / 7 + 1. */
  int64_t thursday = monday_of(start) + 3;
  civil_from_days(thursday, &y, &m, &d);
  int64_t week = (thursday - days_from_civil(y, 1, 1)) / 7 + 1;
  if (y < 1900 || y > 9999)
    return false;
  snprintf(out, 9, "%04d-W%02d", (int)y, (int)week);
  return true;
}

int64_t kpi_bucket_count(enum kpi_bucket b, int64_t from_day, int64_t to_day) {
  if (to_day < from_day)
    return 0;
  if (b == KPI_BUCKET_WEEK)
    return (monday_of(to_day) - monday_of(from_day)) / 7 + 1;
  int64_t y1, y2;
  unsigned m1, m2, d;
  civil_from_days(from_day, &y1, &m1, &d);
  civil_from_days(to_day, &y2, &m2, &d);
  return (y2 - y1) * 12 + (int64_t)m2 - (int64_t)m1 + 1;
}

enum kpi_deadline_class kpi_deadline_classify(int64_t due_at, int64_t met_at, bool ended,
                                              int64_t ended_at, int64_t now) {
  if (met_at)
    return met_at <= due_at ? KPI_DEADLINE_ON_TIME : KPI_DEADLINE_LATE;
  if (ended) {
    int64_t end = ended_at ? ended_at : now;
    return due_at >= end ? KPI_DEADLINE_NOT_NEEDED : KPI_DEADLINE_BREACHED;
  }
  return due_at <= now ? KPI_DEADLINE_BREACHED : KPI_DEADLINE_OPEN;
}

const char *kpi_deadline_class_name(enum kpi_deadline_class c) {
  static const char *const names[] = {"on_time", "late", "breached", "open", "not_needed"};
  return (unsigned)c < KPI_DEADLINE_CLASSES ? names[c] : "?";
}

enum kpi_notice_class kpi_notice_classify(int64_t due_day, bool answered, int64_t answered_day,
                                          int64_t today) {
  if (answered)
    return answered_day <= due_day ? KPI_NOTICE_ON_TIME : KPI_NOTICE_LATE;
  return due_day < today ? KPI_NOTICE_OVERDUE : KPI_NOTICE_PENDING;
}

const char *kpi_notice_class_name(enum kpi_notice_class c) {
  static const char *const names[] = {"on_time", "late", "overdue", "pending"};
  return (unsigned)c < KPI_NOTICE_CLASSES ? names[c] : "?";
}
