/* test_kpi_trend.c — src/rules/kpi_trend.c: local days, ISO weeks and months of the dashboard's
 * trends, and how a deadline (SPEC C2, C5) and a complaint notice (SPEC E2) count. Every
 * expected value is worked out by hand in the comment beside it.
 *
 * Reference days (days since 1970-01-01): 1970 → 2026 is 56 years with 14 leap days
 * (1972 … 2024), so 2026-01-01 is 56 × 365 + 14 = 20454; January to October 2026 have
 * 31+28+31+30+31+30+31+31+30+31 = 304 days, so 2026-11-28 is 20454 + 304 + 27 = 20785.
 * Day 0 was a Thursday: (20785 + 3) mod 7 = 20788 − 7 × 2969 = 5, Monday + 5 = Saturday. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/rules/kpi_trend.h"

#define D20261128 20785

static void local_days(void **state) {
  (void)state;
  /* 2026-11-28 00:00 +08:00 is 2026-11-27 16:00 UTC = 20784 × 86400 + 16 × 3600
   * = 1 795 737 600 + 57 600 = 1 795 795 200. */
  assert_int_equal(kpi_local_day(1795795200, 480), D20261128);
  assert_int_equal(kpi_local_day(1795795199, 480), D20261128 - 1); /* 23:59:59 the day before */
  assert_int_equal(kpi_local_day(1795795200, 0), D20261128 - 1);   /* 16:00 on the 27th in UTC */
  assert_int_equal(kpi_day_start(D20261128, 480), 1795795200);
  /* Floor, not truncation: one second before the epoch is day −1. */
  assert_int_equal(kpi_local_day(-1, 0), -1);
  assert_int_equal(kpi_local_day(-86400, 0), -1);
  assert_int_equal(kpi_local_day(-86401, 0), -2);
}

static void dates(void **state) {
  (void)state;
  char out[11];
  assert_true(kpi_day_date(D20261128, out));
  assert_string_equal(out, "2026-11-28");
  assert_true(kpi_day_date(0, out));
  assert_string_equal(out, "1970-01-01");
  /* 2024-02-29: 2025-01-01 is 20454 − 365 = 20089, 2024-01-01 is 20089 − 366 (a leap year)
   * = 19723; + 31 + 28 = 19782. */
  assert_true(kpi_day_date(19782, out));
  assert_string_equal(out, "2024-02-29");
  int64_t d = 0;
  assert_true(kpi_date_day("2026-11-28", &d));
  assert_int_equal(d, D20261128);
  assert_true(kpi_date_day("2024-02-29", &d));
  assert_int_equal(d, 19782);
  assert_false(kpi_date_day("2026-02-29", &d)); /* not a leap year */
  assert_false(kpi_date_day("2026-11-28x", &d));
  assert_false(kpi_date_day(NULL, &d));
  /* The bounds: 1900-01-01 is −25567 (70 years, 17 leap days: 70 × 365 + 17). */
  assert_true(kpi_day_date(-25567, out));
  assert_string_equal(out, "1900-01-01");
  assert_false(kpi_day_date(-25568, out));
}

static void weeks(void **state) {
  (void)state;
  char key[9];
  /* Saturday 2026-11-28: its Monday is 20785 − 5 = 20780 (2026-11-23); the Thursday
   * 20783 is day 20783 − 20454 = 329 of 2026 counted from 0, 329 / 7 + 1 = week 48. */
  assert_int_equal(kpi_bucket_start(KPI_BUCKET_WEEK, D20261128), 20780);
  assert_int_equal(kpi_bucket_start(KPI_BUCKET_WEEK, 20780), 20780); /* a Monday is its own */
  assert_int_equal(kpi_bucket_next(KPI_BUCKET_WEEK, 20780), 20787);
  assert_true(kpi_bucket_key(KPI_BUCKET_WEEK, 20780, key));
  assert_string_equal(key, "2026-W48");
  /* Monday 2024-12-30 (2025-01-01 is 20454 − 365 = 20089, so 20087; (20087 + 3) mod 7 = 0):
   * its Thursday 2025-01-02 is in 2025 — ISO week 2025-W01, not a week of 2024. */
  assert_true(kpi_bucket_key(KPI_BUCKET_WEEK, 20087, key));
  assert_string_equal(key, "2025-W01");
  /* Sunday 2021-01-03 (2021-01-01 is 51 × 365 + 13 = 18628, + 2): its Monday is 2020-12-28
   * (18624), its Thursday 2020-12-31 (18627) — day 18627 − 18262 = 365 of 2020 from 0,
   * 365 / 7 + 1 = 53: 2020-W53. */
  assert_int_equal(kpi_bucket_start(KPI_BUCKET_WEEK, 18630), 18624);
  assert_true(kpi_bucket_key(KPI_BUCKET_WEEK, 18624, key));
  assert_string_equal(key, "2020-W53");
  /* Before the epoch: Wednesday 1969-12-31 (day −1) is in the week of Monday 1969-12-29
   * (day −3), whose Thursday is 1970-01-01: 1970-W01. */
  assert_int_equal(kpi_bucket_start(KPI_BUCKET_WEEK, -1), -3);
  assert_true(kpi_bucket_key(KPI_BUCKET_WEEK, -3, key));
  assert_string_equal(key, "1970-W01");
  /* 2026-11-01 (Sunday, 20785 − 27 = 20758) to 2026-11-28: Mondays 10-26 (20752) and 11-23
   * (20780), (20780 − 20752) / 7 + 1 = 5 weeks: W44 … W48. */
  assert_int_equal(kpi_bucket_count(KPI_BUCKET_WEEK, 20758, D20261128), 5);
  assert_int_equal(kpi_bucket_count(KPI_BUCKET_WEEK, D20261128, D20261128), 1);
  assert_int_equal(kpi_bucket_count(KPI_BUCKET_WEEK, D20261128, D20261128 - 1), 0);
}

static void months(void **state) {
  (void)state;
  char key[9];
  /* 2026-11-28 → 2026-11-01 = 20785 − 27 = 20758; the next month 2026-12-01 = 20758 + 30. */
  assert_int_equal(kpi_bucket_start(KPI_BUCKET_MONTH, D20261128), 20758);
  assert_int_equal(kpi_bucket_next(KPI_BUCKET_MONTH, 20758), 20788);
  /* December goes to January of the next year: 2027-01-01 = 20454 + 365 = 20819. */
  assert_int_equal(kpi_bucket_next(KPI_BUCKET_MONTH, 20788), 20819);
  assert_true(kpi_bucket_key(KPI_BUCKET_MONTH, 20758, key));
  assert_string_equal(key, "2026-11");
  /* 2025-11-15 to 2026-02-01: Nov, Dec, Jan, Feb = (2026 − 2025) × 12 + 2 − 11 + 1 = 4. */
  int64_t a = 0, b = 0;
  assert_true(kpi_date_day("2025-11-15", &a));
  assert_true(kpi_date_day("2026-02-01", &b));
  assert_int_equal(kpi_bucket_count(KPI_BUCKET_MONTH, a, b), 4);
  assert_int_equal(kpi_bucket_count(KPI_BUCKET_MONTH, b, b), 1);
}

static void deadlines(void **state) {
  (void)state;
  const int64_t due = 1000, now = 5000;
  /* Met: by due_at itself is on time (届满 includes the last instant), a second later late —
   * whatever the ticket's state. */
  assert_int_equal(kpi_deadline_classify(due, 1000, false, 0, now), KPI_DEADLINE_ON_TIME);
  assert_int_equal(kpi_deadline_classify(due, 999, true, 3000, now), KPI_DEADLINE_ON_TIME);
  assert_int_equal(kpi_deadline_classify(due, 1001, false, 0, now), KPI_DEADLINE_LATE);
  /* Open ticket, not met: due at or before now is breached, after now still open. */
  assert_int_equal(kpi_deadline_classify(due, 0, false, 0, 1000), KPI_DEADLINE_BREACHED);
  assert_int_equal(kpi_deadline_classify(due, 0, false, 0, 999), KPI_DEADLINE_OPEN);
  /* Ended (closed or cancelled) at 3000: a deadline due before it was missed; one due at or
   * after it was not needed — even when now is long past it. */
  assert_int_equal(kpi_deadline_classify(due, 0, true, 3000, now), KPI_DEADLINE_BREACHED);
  assert_int_equal(kpi_deadline_classify(3000, 0, true, 3000, now), KPI_DEADLINE_NOT_NEEDED);
  assert_int_equal(kpi_deadline_classify(4000, 0, true, 3000, now), KPI_DEADLINE_NOT_NEEDED);
  /* Ended without a recorded end: taken as now (5000): due 1000 breached, 6000 not needed. */
  assert_int_equal(kpi_deadline_classify(due, 0, true, 0, now), KPI_DEADLINE_BREACHED);
  assert_int_equal(kpi_deadline_classify(6000, 0, true, 0, now), KPI_DEADLINE_NOT_NEEDED);
  assert_string_equal(kpi_deadline_class_name(KPI_DEADLINE_ON_TIME), "on_time");
  assert_string_equal(kpi_deadline_class_name(KPI_DEADLINE_NOT_NEEDED), "not_needed");
  assert_string_equal(kpi_deadline_class_name(KPI_DEADLINE_CLASSES), "?");
}

static void notices(void **state) {
  (void)state;
  /* Due day 100: answered on day 100 is in time (the due day itself), day 101 late; not
   * answered, it is overdue from day 101 on and pending until then. */
  assert_int_equal(kpi_notice_classify(100, true, 99, 200), KPI_NOTICE_ON_TIME);
  assert_int_equal(kpi_notice_classify(100, true, 100, 200), KPI_NOTICE_ON_TIME);
  assert_int_equal(kpi_notice_classify(100, true, 101, 101), KPI_NOTICE_LATE);
  assert_int_equal(kpi_notice_classify(100, false, 0, 100), KPI_NOTICE_PENDING);
  assert_int_equal(kpi_notice_classify(100, false, 0, 101), KPI_NOTICE_OVERDUE);
  assert_int_equal(kpi_notice_classify(100, false, 0, 50), KPI_NOTICE_PENDING);
  assert_string_equal(kpi_notice_class_name(KPI_NOTICE_OVERDUE), "overdue");
  assert_string_equal(kpi_notice_class_name(KPI_NOTICE_CLASSES), "?");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(local_days), cmocka_unit_test(dates),     cmocka_unit_test(weeks),
      cmocka_unit_test(months),     cmocka_unit_test(deadlines), cmocka_unit_test(notices),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
