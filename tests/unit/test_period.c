/* test_period.c — src/rules/period.c: periods of months counted as the Civil Code counts them
 * (SPEC B2: arts. 201–202; the same rule for "every N months" in SPEC D1 and "within one
 * month" in SPEC B4).
 *
 * The cases are tables under tests/unit/data/: period_last_day.cases and
 * period_nth_due.cases, one per line, every expected value worked out by hand. The walking
 * test checks every start day of several years against a second, day-by-day reading of the
 * articles that shares no code with period.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/rules/period.h"

/* Opens a case table and reads its lines one at a time, without comments and trailing
 * blanks; blank lines are skipped. */
struct cases {
  FILE *file;
  const char *path;
  int lineno;
  char line[256];
};

static void cases_open(struct cases *c, const char *path) {
  c->file = fopen(path, "r");
  c->path = path;
  c->lineno = 0;
  if (!c->file)
    fail_msg("cannot open %s (tests run in tests/unit)", path);
}

static bool cases_next(struct cases *c) {
  while (fgets(c->line, sizeof c->line, c->file)) {
    c->lineno++;
    char *hash = strchr(c->line, '#');
    if (hash)
      *hash = '\0';
    size_t n = strlen(c->line);
    while (n && (c->line[n - 1] == ' ' || c->line[n - 1] == '\t' || c->line[n - 1] == '\n' ||
                 c->line[n - 1] == '\r'))
      c->line[--n] = '\0';
    if (strspn(c->line, " \t") < n)
      return true;
  }
  fclose(c->file);
  return false;
}

/* "-" in a table stands for the empty string. */
static const char *dash_empty(const char *s) {
  return strcmp(s, "-") == 0 ? "" : s;
}

/* Checks one result against a table's expectation: a date, or "invalid" for a refusal that
 * leaves out untouched. */
static void check_result(const struct cases *c, bool ok, const char *got, const char *expected) {
  if (strcmp(expected, "invalid") == 0) {
    if (ok || strcmp(got, "untouched") != 0)
      fail_msg("%s line %d: expected a refusal, got \"%s\"", c->path, c->lineno, got);
  } else if (!ok || strcmp(got, expected) != 0) {
    fail_msg("%s line %d: expected %s, got %s", c->path, c->lineno, expected,
             ok ? got : "a refusal");
  }
}

/* EVIDENCE: SPEC B2 — arts. 201–202, worked out by hand line by line */
static void period_last_day_follows_the_table(void **state) {
  (void)state;
  struct cases c;
  cases_open(&c, "data/period_last_day.cases");
  int count = 0;
  while (cases_next(&c)) {
    char start[32], expected[32], got[PERIOD_DATE_LEN + 1] = "untouched";
    int months;
    if (sscanf(c.line, "%31s %d %31s", start, &months, expected) != 3)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    bool ok = period_last_day(dash_empty(start), months, got);
    check_result(&c, ok, got, expected);
    count++;
  }
  assert_true(count >= 80);
}

/* EVIDENCE: SPEC D1 — every N months, counted by SPEC B2 */
static void period_nth_due_follows_the_table(void **state) {
  (void)state;
  struct cases c;
  cases_open(&c, "data/period_nth_due.cases");
  int count = 0;
  while (cases_next(&c)) {
    char start[32], expected[32], got[PERIOD_DATE_LEN + 1] = "untouched";
    int interval, n;
    if (sscanf(c.line, "%31s %d %d %31s", start, &interval, &n, expected) != 4)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    bool ok = period_nth_due(start, interval, n, got);
    check_result(&c, ok, got, expected);
    count++;
  }
  assert_true(count >= 25);
}

/* EVIDENCE: SPEC B2 */
static void period_last_day_refuses_null_and_leaves_out_untouched(void **state) {
  (void)state;
  char out[PERIOD_DATE_LEN + 1] = "untouched";
  assert_false(period_last_day(NULL, 1, out));
  assert_false(period_last_day("2026-01-31", -1, out));
  assert_false(period_nth_due(NULL, 2, 1, out));
  assert_string_equal(out, "untouched");
}

/* A second reading of arts. 201–202 for the walking test, sharing nothing with period.c: walk
 * forward one day at a time from the day after the start; the period's last day is the last
 * day reached whose month is the final month and whose day number is at most the start's.
 * Dates are {year, month, day}. */
struct civil {
  int year, month, day;
};

static int month_length(int year, int month) {
  if (month == 2)
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

static struct civil next_day(struct civil d) {
  if (++d.day > month_length(d.year, d.month)) {
    d.day = 1;
    if (++d.month > 12) {
      d.month = 1;
      d.year++;
    }
  }
  return d;
}

static struct civil walked_last_day(struct civil start, int months, int *days) {
  int final_index = start.year * 12 + start.month - 1 + months;
  struct civil last = start, d = start;
  *days = 0;
  for (int walked = 1;; walked++) {
    d = next_day(d);
    int index = d.year * 12 + d.month - 1;
    if (index > final_index || (index == final_index && d.day > start.day))
      break;
    last = d;
    *days = walked;
  }
  return last;
}

/* Every start day of 2023–2029 and 2099–2101 (leap years, common years, the 2100 century),
 * 0 to 25 months: period_last_day agrees with the walk, and the period is as many days long
 * as the walk went (12 months: 365 or 366 days; 1 month: 28 to 31). */
/* EVIDENCE: SPEC B2 */
static void period_last_day_agrees_with_walking_day_by_day(void **state) {
  (void)state;
  static const int spans[][2] = {{2023, 2029}, {2099, 2101}};
  for (size_t s = 0; s < sizeof spans / sizeof spans[0]; s++)
    for (struct civil d = {spans[s][0], 1, 1}; d.year <= spans[s][1]; d = next_day(d))
      for (int months = 0; months <= 25; months++) {
        char start[32], expected[32], got[PERIOD_DATE_LEN + 1];
        int walked;
        struct civil last = walked_last_day(d, months, &walked);
        snprintf(start, sizeof start, "%04d-%02d-%02d", d.year, d.month, d.day);
        snprintf(expected, sizeof expected, "%04d-%02d-%02d", last.year, last.month, last.day);
        if (!period_last_day(start, months, got) || strcmp(got, expected) != 0)
          fail_msg("%s + %d months: expected %s, got %s", start, months, expected, got);
        int64_t length;
        assert_true(period_days_between(start, got, &length));
        assert_int_equal(length, walked);
        if (months == 12)
          assert_true(length == 365 || length == 366);
        if (months == 1)
          assert_true(length >= 28 && length <= 31);
      }
}

/* EVIDENCE: SPEC D1 */
static void period_nth_due_is_the_last_day_of_n_times_the_interval(void **state) {
  (void)state;
  static const char *const starts[] = {"2026-01-31", "2025-12-31", "2024-02-29", "2026-03-15",
                                       "2026-08-30"};
  for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++)
    for (int interval = 1; interval <= 12; interval++)
      for (int n = 0; n <= 30; n++) {
        char due[PERIOD_DATE_LEN + 1], last[PERIOD_DATE_LEN + 1];
        assert_true(period_nth_due(starts[s], interval, n, due));
        assert_true(period_last_day(starts[s], interval * n, last));
        assert_string_equal(due, last);
      }
}

/* EVIDENCE: SPEC B2 */
static void period_compare_dates_orders_days(void **state) {
  (void)state;
  assert_int_equal(period_compare_dates("2026-01-31", "2026-01-31"), 0);
  assert_true(period_compare_dates("2026-01-31", "2026-02-01") < 0);
  assert_true(period_compare_dates("2026-02-01", "2026-01-31") > 0);
  assert_true(period_compare_dates("2026-12-31", "2027-01-01") < 0);
  assert_true(period_compare_dates("2024-02-29", "2024-03-01") < 0);
  assert_true(period_compare_dates("1900-01-01", "9999-12-31") < 0);
  /* invalid text sorts before every valid date; two invalid texts are equal */
  assert_true(period_compare_dates("2026-02-29", "1900-01-01") < 0);
  assert_true(period_compare_dates("1900-01-01", NULL) > 0);
  assert_int_equal(period_compare_dates(NULL, "2026-13-01"), 0);
}

/* Days worked out by hand from the month lengths. */
/* EVIDENCE: SPEC B2 */
static void period_days_between_counts_calendar_days(void **state) {
  (void)state;
  int64_t days = 12345;
  assert_true(period_days_between("2026-01-31", "2026-01-31", &days));
  assert_int_equal(days, 0);
  assert_true(period_days_between("2026-01-31", "2026-02-28", &days));
  assert_int_equal(days, 28);
  assert_true(period_days_between("2024-01-31", "2024-02-29", &days));
  assert_int_equal(days, 29);
  assert_true(period_days_between("2026-01-31", "2027-01-31", &days));
  assert_int_equal(days, 365);
  assert_true(period_days_between("2024-01-01", "2025-01-01", &days));
  assert_int_equal(days, 366);
  assert_true(period_days_between("2027-01-31", "2026-01-31", &days));
  assert_int_equal(days, -365);
  assert_true(period_days_between("1970-01-01", "2000-01-01", &days));
  assert_int_equal(days, 10957); /* 30 × 365 + 7 leap days (1972 … 1996) */
  assert_false(period_days_between("2026-02-29", "2026-03-01", &days));
  assert_false(period_days_between("2026-03-01", "", &days));
  assert_int_equal(days, 10957);
  int64_t number = 7;
  assert_true(period_day_number("1970-01-02", &number));
  assert_int_equal(number, 1);
  assert_false(period_day_number("1970-1-2", &number));
  assert_int_equal(number, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(period_last_day_follows_the_table),
      cmocka_unit_test(period_nth_due_follows_the_table),
      cmocka_unit_test(period_last_day_refuses_null_and_leaves_out_untouched),
      cmocka_unit_test(period_last_day_agrees_with_walking_day_by_day),
      cmocka_unit_test(period_nth_due_is_the_last_day_of_n_times_the_interval),
      cmocka_unit_test(period_compare_dates_orders_days),
      cmocka_unit_test(period_days_between_counts_calendar_days),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
