/* test_timefmt.c — src/base/timefmt.c: UTC seconds shown at a fixed offset, ISO 8601 text
 * parsed back to UTC seconds, calendar dates and the day count they rest on (DESIGN.md data
 * conventions: UTC seconds stored, ISO 8601 with offset in JSON, dates YYYY-MM-DD).
 *
 * The cases are tables under tests/unit/data/ (days_from_civil, date_valid, time_format_iso,
 * time_parse_iso), one per line; every expected value there is worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../src/base/timefmt.h"

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

/* EVIDENCE: DESIGN.md data conventions */
static void days_from_civil_counts_days_from_the_epoch(void **state) {
  (void)state;
  struct cases c;
  int count = 0;
  cases_open(&c, "data/days_from_civil.cases");
  while (cases_next(&c)) {
    long long year, days;
    unsigned month, day;
    if (sscanf(c.line, "%lld %u %u %lld", &year, &month, &day, &days) != 4)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    int64_t got = days_from_civil(year, month, day);
    if (got != days)
      fail_msg("%s line %d: %04lld-%02u-%02u expected %lld, got %lld", c.path, c.lineno, year,
               month, day, days, (long long)got);
    count++;
  }
  assert_true(count >= 20);
}

/* Each day of the table, formatted at midnight UTC, shows the same date again. */
static void days_from_civil_and_time_format_iso_agree_on_every_date(void **state) {
  (void)state;
  struct cases c;
  cases_open(&c, "data/days_from_civil.cases");
  while (cases_next(&c)) {
    long long year, days;
    unsigned month, day;
    assert_int_equal(sscanf(c.line, "%lld %u %u %lld", &year, &month, &day, &days), 4);
    char expected[TIME_ISO_LEN], got[TIME_ISO_LEN];
    snprintf(expected, sizeof expected, "%04lld-%02u-%02uT00:00:00+00:00", year, month, day);
    time_format_iso((int64_t)days * 86400, 0, got);
    assert_string_equal(got, expected);
  }
}

static void days_from_civil_steps_one_day_at_a_time_across_four_centuries(void **state) {
  (void)state;
  /* 1600-01-01 .. 2000-12-31 walked day by day with the month lengths of the leap rule. */
  static const unsigned lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t expected = days_from_civil(1600, 1, 1);
  assert_int_equal(expected, -135140); /* -(370 × 365 + 90 leap days) */
  for (int year = 1600; year <= 2000; year++) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    for (unsigned month = 1; month <= 12; month++) {
      unsigned last = lengths[month - 1] + (month == 2 && leap);
      for (unsigned day = 1; day <= last; day++)
        assert_int_equal(days_from_civil(year, month, day), expected++);
    }
  }
  assert_int_equal(expected, days_from_civil(2001, 1, 1));
  assert_int_equal(expected, 11323); /* 10957 + 366 */
}

/* EVIDENCE: DESIGN.md data conventions */
static void date_valid_accepts_only_real_calendar_dates(void **state) {
  (void)state;
  struct cases c;
  int count = 0;
  cases_open(&c, "data/date_valid.cases");
  while (cases_next(&c)) {
    char verdict[16], text[64];
    if (sscanf(c.line, "%15s %63s", verdict, text) != 2)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    bool expected = strcmp(verdict, "valid") == 0;
    assert_true(expected || strcmp(verdict, "invalid") == 0);
    if (date_valid(text) != expected)
      fail_msg("%s line %d: %s should be %s", c.path, c.lineno, text, verdict);
    count++;
  }
  assert_true(count >= 30);
}

static void date_valid_rejects_null_empty_and_surrounding_blanks(void **state) {
  (void)state;
  assert_false(date_valid(NULL));
  assert_false(date_valid(""));
  assert_false(date_valid(" 2026-01-01"));
  assert_false(date_valid("2026-01-01 "));
  assert_false(date_valid("2026-01-01\n"));
}

/* EVIDENCE: DESIGN.md API conventions — times ISO 8601 with offset */
static void time_format_iso_writes_every_offset_of_the_table(void **state) {
  (void)state;
  struct cases c;
  int count = 0;
  cases_open(&c, "data/time_format_iso.cases");
  while (cases_next(&c)) {
    long long utc;
    int offset;
    char expected[64];
    if (sscanf(c.line, "%lld %d %63s", &utc, &offset, expected) != 3)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    char got[TIME_ISO_LEN];
    time_format_iso(utc, offset, got);
    if (strcmp(got, expected) != 0)
      fail_msg("%s line %d: expected %s, got %s", c.path, c.lineno, expected, got);
    count++;
  }
  assert_true(count >= 20);
}

/* EVIDENCE: DESIGN.md API conventions — times ISO 8601 with offset */
static void time_parse_iso_reads_every_case_of_the_table(void **state) {
  (void)state;
  struct cases c;
  int count = 0;
  cases_open(&c, "data/time_parse_iso.cases");
  while (cases_next(&c)) {
    char expected[32];
    int used;
    if (sscanf(c.line, "%31s %n", expected, &used) != 1)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    const char *text = c.line + used;
    const int64_t untouched = 4242;
    int64_t got = untouched;
    bool ok = time_parse_iso(text, &got);
    if (strcmp(expected, "reject") == 0) {
      if (ok)
        fail_msg("%s line %d: \"%s\" accepted as %lld", c.path, c.lineno, text, (long long)got);
      if (got != untouched)
        fail_msg("%s line %d: output changed on failure", c.path, c.lineno);
    } else {
      long long want;
      assert_int_equal(sscanf(expected, "%lld", &want), 1);
      if (!ok)
        fail_msg("%s line %d: \"%s\" rejected", c.path, c.lineno, text);
      if (got != want)
        fail_msg("%s line %d: \"%s\" expected %lld, got %lld", c.path, c.lineno, text, want,
                 (long long)got);
    }
    count++;
  }
  assert_true(count >= 40);
}

static void time_parse_iso_rejects_null_empty_and_trailing_blanks(void **state) {
  (void)state;
  int64_t utc = 7;
  assert_false(time_parse_iso(NULL, &utc));
  assert_false(time_parse_iso("", &utc));
  assert_false(time_parse_iso("2026-11-28T12:00:00Z ", &utc));
  assert_false(time_parse_iso(" 2026-11-28T12:00:00Z", &utc));
  assert_false(time_parse_iso("2026-11-28T12:00:00+08:00\n", &utc));
  assert_int_equal(utc, 7);
}

/* What is written at any offset reads back as the same instant. The earliest instant is
 * 1900-01-01T12:00:00Z, so that its local date at -12:00 is still in 1900, the first year
 * the parser reads (as date_valid). */
static void time_format_iso_reads_back_through_time_parse_iso(void **state) {
  (void)state;
  static const int offsets[] = {0, 480, -300, 330, 345, -570, -30, 840, -720};
  static const int64_t instants[] = {0, -1, 1795867337, 1798732800, 1709164800, -2208945600};
  for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++)
    for (size_t k = 0; k < sizeof offsets / sizeof offsets[0]; k++) {
      char text[TIME_ISO_LEN];
      time_format_iso(instants[i], offsets[k], text);
      int64_t back = 0;
      assert_true(time_parse_iso(text, &back));
      assert_int_equal(back, instants[i]);
    }
}

static void time_now_agrees_with_the_system_clock(void **state) {
  (void)state;
  int64_t before = (int64_t)time(NULL);
  int64_t now = time_now();
  int64_t after = (int64_t)time(NULL);
  assert_true(now >= before && now <= after);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(days_from_civil_counts_days_from_the_epoch),
      cmocka_unit_test(days_from_civil_and_time_format_iso_agree_on_every_date),
      cmocka_unit_test(days_from_civil_steps_one_day_at_a_time_across_four_centuries),
      cmocka_unit_test(date_valid_accepts_only_real_calendar_dates),
      cmocka_unit_test(date_valid_rejects_null_empty_and_surrounding_blanks),
      cmocka_unit_test(time_format_iso_writes_every_offset_of_the_table),
      cmocka_unit_test(time_parse_iso_reads_every_case_of_the_table),
      cmocka_unit_test(time_parse_iso_rejects_null_empty_and_trailing_blanks),
      cmocka_unit_test(time_format_iso_reads_back_through_time_parse_iso),
      cmocka_unit_test(time_now_agrees_with_the_system_clock),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
