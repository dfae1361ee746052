/* test_calendar.c — src/rules/calendar.c: which local days are working days (SPEC C2, I1;
 * holidays and make-up working days from npm chinese-days, a year not loaded is reported).
 *
 * The 2026 calendar is the table tests/unit/data/calendar_2026.cases (the real State
 * Council days as chinese-days lists them), loaded as the only year; the cases are
 * tests/unit/data/calendar_day_kind.cases and calendar_year_of.cases, every expected value
 * worked out by hand. The walking tests count a whole year against totals counted by hand
 * and check each plain day against a weekday counted independently of the module. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/base/timefmt.h"
#include "../../src/rules/calendar.h"

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

/* The day number of "YYYY-MM-DD", or fails the test. */
static int64_t day_of(const struct cases *c, const char *date) {
  int year, month, day;
  char rest;
  if (sscanf(date, "%4d-%2d-%2d%c", &year, &month, &day, &rest) != 3)
    fail_msg("%s line %d: cannot read the date %s", c->path, c->lineno, date);
  return days_from_civil(year, (unsigned)month, (unsigned)day);
}

#define MAX_LISTED 64

/* The 2026 calendar of calendar_2026.cases: runs of holidays and single make-up days. */
static const int years_2026[] = {2026};
static struct calendar_day days_2026[MAX_LISTED];

static struct calendar load_2026(void) {
  struct cases c;
  size_t count = 0;
  cases_open(&c, "data/calendar_2026.cases");
  while (cases_next(&c)) {
    char kind[16], first[16], last[16];
    int n = sscanf(c.line, "%15s %15s %15s", kind, first, last);
    if (n < 2 || (strcmp(kind, "holiday") != 0 && strcmp(kind, "workday") != 0))
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    int64_t from = day_of(&c, first), to = n == 3 ? day_of(&c, last) : from;
    for (int64_t day = from; day <= to; day++) {
      if (count == MAX_LISTED || (count > 0 && days_2026[count - 1].day >= day))
        fail_msg("%s line %d: too many days or out of order", c.path, c.lineno);
      days_2026[count++] = (struct calendar_day){day, strcmp(kind, "workday") == 0};
    }
  }
  return (struct calendar){years_2026, 1, days_2026, count};
}

static const char *const kind_words[] = {"workday", "offday", "not_loaded"};

/* EVIDENCE: SPEC C2 — worked out by hand line by line */
static void calendar_day_kind_follows_the_table(void **state) {
  (void)state;
  struct calendar calendar = load_2026();
  struct cases c;
  int count = 0;
  cases_open(&c, "data/calendar_day_kind.cases");
  while (cases_next(&c)) {
    char date[16], kind[16];
    if (sscanf(c.line, "%15s %15s", date, kind) != 2)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    enum calendar_kind got = calendar_day_kind(&calendar, day_of(&c, date));
    if (strcmp(kind_words[got], kind) != 0)
      fail_msg("%s line %d: %s: expected %s, got %s", c.path, c.lineno, date, kind,
               kind_words[got]);
    count++;
  }
  assert_true(count >= 30);
}

/* 2026 has 365 days from a Thursday: 52 weeks and one Thursday, so 52 × 5 + 1 = 261
 * weekdays and 104 weekend days. Holidays on weekdays: 元旦 01-01 Thu, 01-02 Fri (2); 春节
 * 02-16..20 Mon..Fri, 02-23 Mon (6); 清明 04-06 Mon (1); 劳动节 05-01 Fri, 05-04 Mon, 05-05
 * Tue (3); 端午 06-19 Fri (1); 中秋 09-25 Fri (1); 国庆 10-01 Thu, 10-02 Fri, 10-05..07
 * Mon..Wed (5): 19 in all. Make-up working days: 6. Working days 261 - 19 + 6 = 248; days
 * off 104 - 6 + 19 = 117; 248 + 117 = 365. */
/* EVIDENCE: SPEC C2 */
static void calendar_2026_has_248_working_days_and_117_days_off(void **state) {
  (void)state;
  struct calendar calendar = load_2026();
  int counts[3] = {0, 0, 0};
  int64_t first = days_from_civil(2026, 1, 1), last = days_from_civil(2026, 12, 31);
  for (int64_t day = first; day <= last; day++)
    counts[calendar_day_kind(&calendar, day)]++;
  assert_int_equal(counts[CALENDAR_WORKDAY], 248);
  assert_int_equal(counts[CALENDAR_OFFDAY], 117);
  assert_int_equal(counts[CALENDAR_NOT_LOADED], 0);
  assert_int_equal(calendar_day_kind(&calendar, first - 1), CALENDAR_NOT_LOADED);
  assert_int_equal(calendar_day_kind(&calendar, last + 1), CALENDAR_NOT_LOADED);
}

/* A calendar with years loaded but no listed day is the plain week: Monday..Friday work. The
 * weekday is counted here by stepping from 2020-01-06, a Monday: 2020..2025 hold 6 × 365 + 2
 * leap days (2020, 2024) = 2192 days = 313 weeks + 1 day, so 2020-01-01 was the day before
 * the weekday of 2026-01-01 (Thursday), a Wednesday, and 2020-01-06 a Monday. */
/* EVIDENCE: SPEC C2 */
static void calendar_day_kind_is_the_plain_week_when_nothing_is_listed(void **state) {
  (void)state;
  static const int years[] = {2020, 2021, 2022, 2023, 2024, 2025};
  struct calendar calendar = {years, 6, NULL, 0};
  int weekday = 0; /* Monday */
  for (int64_t day = days_from_civil(2020, 1, 6); day <= days_from_civil(2025, 12, 31); day++) {
    enum calendar_kind expected = weekday < 5 ? CALENDAR_WORKDAY : CALENDAR_OFFDAY;
    if (calendar_day_kind(&calendar, day) != expected)
      fail_msg("day %lld (weekday %d): expected %s", (long long)day, weekday, kind_words[expected]);
    weekday = (weekday + 1) % 7;
  }
}

/* EVIDENCE: SPEC C2 — a day of a year not loaded has no answer */
static void calendar_without_years_reports_every_day_not_loaded(void **state) {
  (void)state;
  int64_t day = days_from_civil(2026, 3, 4); /* a plain Wednesday */
  assert_int_equal(calendar_day_kind(NULL, day), CALENDAR_NOT_LOADED);
  assert_false(calendar_has_year(NULL, 2026));
  struct calendar empty = {NULL, 0, NULL, 0};
  assert_int_equal(calendar_day_kind(&empty, day), CALENDAR_NOT_LOADED);
  assert_false(calendar_has_year(&empty, 2026));
}

/* A listed day of a year that is not loaded is not an answer: the year decides first. */
/* EVIDENCE: SPEC C2 */
static void calendar_ignores_listed_days_of_years_not_loaded(void **state) {
  (void)state;
  static const int years[] = {2026};
  const struct calendar_day days[] = {
      {days_from_civil(2026, 10, 1), false},
      {days_from_civil(2027, 1, 1), false}, /* a 2027 holiday listed early */
      {days_from_civil(2027, 1, 9), true},  /* a 2027 make-up Saturday */
  };
  struct calendar calendar = {years, 1, days, 3};
  assert_int_equal(calendar_day_kind(&calendar, days[0].day), CALENDAR_OFFDAY);
  assert_int_equal(calendar_day_kind(&calendar, days[1].day), CALENDAR_NOT_LOADED);
  assert_int_equal(calendar_day_kind(&calendar, days[2].day), CALENDAR_NOT_LOADED);
}

/* Loading 2027 as a plain year (no listed days) answers for it, and still keeps 2026's. */
/* EVIDENCE: SPEC C2 */
static void calendar_answers_for_every_loaded_year(void **state) {
  (void)state;
  static const int years[] = {2025, 2026, 2027};
  struct calendar loaded = load_2026();
  struct calendar calendar = {years, 3, loaded.days, loaded.ndays};
  for (int year = 2025; year <= 2027; year++)
    assert_true(calendar_has_year(&calendar, year));
  assert_false(calendar_has_year(&calendar, 2024));
  assert_false(calendar_has_year(&calendar, 2028));
  /* 2027-03-03: 2027-01-01 is 2026-01-01 (Thu) + 365 days = Friday; + 31 + 28 + 2 = 61
   * days = 8 weeks + 5 days: Wednesday. 2025-12-31 = Thu - 1 = Wednesday. */
  assert_int_equal(calendar_day_kind(&calendar, days_from_civil(2027, 3, 3)), CALENDAR_WORKDAY);
  assert_int_equal(calendar_day_kind(&calendar, days_from_civil(2025, 12, 31)), CALENDAR_WORKDAY);
  assert_int_equal(calendar_day_kind(&calendar, days_from_civil(2026, 2, 14)), CALENDAR_WORKDAY);
  assert_int_equal(calendar_day_kind(&calendar, days_from_civil(2026, 10, 1)), CALENDAR_OFFDAY);
}

/* EVIDENCE: SPEC C2 — worked out by hand line by line */
static void calendar_year_of_follows_the_table(void **state) {
  (void)state;
  struct cases c;
  int count = 0;
  cases_open(&c, "data/calendar_year_of.cases");
  while (cases_next(&c)) {
    long long day;
    int year;
    if (sscanf(c.line, "%lld %d", &day, &year) != 2)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    if (calendar_year_of(day) != year)
      fail_msg("%s line %d: day %lld: expected %d, got %d", c.path, c.lineno, day, year,
               calendar_year_of(day));
    count++;
  }
  assert_true(count >= 15);
}

/* Every first and last day of the years 1600..2600 lands in its own year; the extremes of
 * int64 are clamped to the int range. */
/* EVIDENCE: SPEC C2 */
static void calendar_year_of_is_exact_at_every_new_year(void **state) {
  (void)state;
  for (int year = 1600; year <= 2600; year++) {
    int64_t first = days_from_civil(year, 1, 1);
    assert_int_equal(calendar_year_of(first), year);
    assert_int_equal(calendar_year_of(first - 1), year - 1);
  }
  assert_int_equal(calendar_year_of(INT64_MAX), INT_MAX);
  assert_int_equal(calendar_year_of(INT64_MIN), INT_MIN);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(calendar_day_kind_follows_the_table),
      cmocka_unit_test(calendar_2026_has_248_working_days_and_117_days_off),
      cmocka_unit_test(calendar_day_kind_is_the_plain_week_when_nothing_is_listed),
      cmocka_unit_test(calendar_without_years_reports_every_day_not_loaded),
      cmocka_unit_test(calendar_ignores_listed_days_of_years_not_loaded),
      cmocka_unit_test(calendar_answers_for_every_loaded_year),
      cmocka_unit_test(calendar_year_of_follows_the_table),
      cmocka_unit_test(calendar_year_of_is_exact_at_every_new_year),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
