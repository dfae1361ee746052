/* test_sla.c — src/rules/sla.c: deadlines of the 24/48/72-hour commitment (SPEC C2;
 * 售后部门管理细则1 2)、应急维修时间安排; the clocks and our readings are in sla.h).
 *
 * The counts are tables in tests/unit/data: sla_add.cases, sla_elapsed.cases and
 * sla_deadlines.cases, one case per line, every expected instant worked out by hand as UTC
 * seconds with the local Asia/Shanghai time beside it. The work calendar is the real 2026
 * one (calendar_2026.cases), loaded as the only year, so that a count into 2027 must be
 * refused. The tests below the tables check the properties that tie the functions together
 * (sla_elapsed undoes sla_add, a watcher's checks only move forward) and the edges of the
 * state, overdue and escalation rules, with the arithmetic beside each value. */
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
#include "../../src/rules/sla.h"

/* Opens a case table and reads its lines one at a time, without comments and trailing
 * blanks; blank lines are skipped. */
struct cases {
  FILE *file;
  const char *path;
  int lineno;
  char line[512];
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
static struct calendar calendar_2026;

static int load_2026(void **state) {
  (void)state;
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
  calendar_2026 = (struct calendar){years_2026, 1, days_2026, count};
  return 0;
}

/* The rulebook's policy: 24/48/72 h, no warning, Asia/Shanghai, the 2026 calendar. */
static struct sla_policy default_policy(enum sla_clock clock) {
  struct sla_policy policy = {clock, {86400, 172800, 259200}, 0, 480, &calendar_2026, {{0, 0}}, 0};
  return policy;
}

/* "HH:MM" as minutes of the day, not range-checked (so that 24:01 reaches the module). */
static bool read_minute(const char *s, int *out) {
  int hours, minutes;
  if (sscanf(s, "%2d:%2d", &hours, &minutes) != 2)
    return false;
  *out = hours * 60 + minutes;
  return true;
}

/* The policy of a table line: clock "calendar" | "working", windows "-" | "HH:MM-HH:MM,...". */
static struct sla_policy read_policy(const struct cases *c, const char *clock,
                                     const char *windows) {
  struct sla_policy policy =
      default_policy(strcmp(clock, "working") == 0 ? SLA_CLOCK_WORKING : SLA_CLOCK_CALENDAR);
  if (strcmp(clock, "working") != 0 && strcmp(clock, "calendar") != 0)
    fail_msg("%s line %d: unknown clock %s", c->path, c->lineno, clock);
  for (const char *at = windows; strcmp(windows, "-") != 0 && *at;) {
    if (policy.nwindows == SLA_MAX_WINDOWS ||
        !read_minute(at, &policy.windows[policy.nwindows].start_minute) || !strchr(at, '-') ||
        !read_minute(strchr(at, '-') + 1, &policy.windows[policy.nwindows].end_minute))
      fail_msg("%s line %d: cannot read the windows %s", c->path, c->lineno, windows);
    policy.nwindows++;
    const char *comma = strchr(at, ',');
    at = comma ? comma + 1 : at + strlen(at);
  }
  return policy;
}

/* The expected answer of a table line: a number, "not_loaded YEAR" or "invalid". */
struct expected {
  enum sla_result result;
  int64_t value;
  int year;
};

static struct expected read_expected(const struct cases *c, const char *text) {
  struct expected e = {SLA_OK, 0, 0};
  long long value;
  char word[16];
  if (sscanf(text, "not_loaded %d", &e.year) == 1)
    e.result = SLA_NOT_LOADED;
  else if (sscanf(text, "%15s", word) == 1 && strcmp(word, "invalid") == 0)
    e.result = SLA_INVALID;
  else if (sscanf(text, "%lld", &value) == 1)
    e.value = value;
  else
    fail_msg("%s line %d: cannot read the answer %s", c->path, c->lineno, text);
  return e;
}

static const char *const result_words[] = {"ok", "not_loaded", "invalid"};

/* Checks a result against the expected one; outputs must be untouched on failure. */
static void check_result(const struct cases *c, const struct expected *e, enum sla_result result,
                         int64_t value, int missing_year, int64_t untouched) {
  if (result != e->result)
    fail_msg("%s line %d: expected %s, got %s (%lld, year %d)", c->path, c->lineno,
             result_words[e->result], result_words[result], (long long)value, missing_year);
  if (result == SLA_OK && value != e->value)
    fail_msg("%s line %d: expected %lld, got %lld (off by %lld s)", c->path, c->lineno,
             (long long)e->value, (long long)value, (long long)(value - e->value));
  if (result != SLA_OK && value != untouched)
    fail_msg("%s line %d: the output was written on failure", c->path, c->lineno);
  if (result == SLA_NOT_LOADED && missing_year != e->year)
    fail_msg("%s line %d: expected year %d, got %d", c->path, c->lineno, e->year, missing_year);
  if (result != SLA_NOT_LOADED && missing_year != -1)
    fail_msg("%s line %d: missing_year written on %s", c->path, c->lineno, result_words[result]);
}

#define UNTOUCHED ((int64_t)0x5a5a5a5a5a5a5a5a)

/* EVIDENCE: SPEC C2 — worked out by hand line by line */
static void sla_add_follows_the_table(void **state) {
  (void)state;
  struct cases c;
  int count = 0;
  cases_open(&c, "data/sla_add.cases");
  while (cases_next(&c)) {
    char clock[16], windows[64];
    long long start, seconds;
    int used = 0;
    if (sscanf(c.line, "%15s %63s %lld %lld %n", clock, windows, &start, &seconds, &used) != 4)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    struct sla_policy policy = read_policy(&c, clock, windows);
    struct expected e = read_expected(&c, c.line + used);
    int64_t out = UNTOUCHED;
    int year = -1;
    enum sla_result result = sla_add(&policy, start, seconds, &out, &year);
    check_result(&c, &e, result, out, year, UNTOUCHED);
    count++;
  }
  assert_true(count >= 40);
}

/* EVIDENCE: SPEC C2 — worked out by hand line by line */
static void sla_elapsed_follows_the_table(void **state) {
  (void)state;
  struct cases c;
  int count = 0;
  cases_open(&c, "data/sla_elapsed.cases");
  while (cases_next(&c)) {
    char clock[16], windows[64];
    long long from, to;
    int used = 0;
    if (sscanf(c.line, "%15s %63s %lld %lld %n", clock, windows, &from, &to, &used) != 4)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    struct sla_policy policy = read_policy(&c, clock, windows);
    struct expected e = read_expected(&c, c.line + used);
    int64_t out = UNTOUCHED;
    int year = -1;
    enum sla_result result = sla_elapsed(&policy, from, to, &out, &year);
    check_result(&c, &e, result, out, year, UNTOUCHED);
    count++;
  }
  assert_true(count >= 18);
}

#define MAX_PAUSES 4

/* "-" or "from-to,from-to" into pauses; the count. */
static size_t read_pauses(const struct cases *c, const char *text,
                          struct sla_interval pauses[MAX_PAUSES]) {
  size_t n = 0;
  for (const char *at = text; strcmp(text, "-") != 0 && *at;) {
    long long from = 0, to = 0;
    if (n == MAX_PAUSES || sscanf(at, "%lld-%lld", &from, &to) != 2)
      fail_msg("%s line %d: cannot read the pauses %s", c->path, c->lineno, text);
    pauses[n++] = (struct sla_interval){from, to};
    const char *comma = strchr(at, ',');
    at = comma ? comma + 1 : at + strlen(at);
  }
  return n;
}

/* Checks one line of sla_deadlines.cases: six instants, or a failure. */
static void check_deadlines(const struct cases *c, const char *answer, enum sla_result result,
                            const struct sla_deadline out[SLA_STAGE_COUNT], int year) {
  long long v[6];
  if (sscanf(answer, "%lld %lld %lld %lld %lld %lld", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) ==
      6) {
    if (result != SLA_OK)
      fail_msg("%s line %d: expected ok, got %s", c->path, c->lineno, result_words[result]);
    for (int s = 0; s < SLA_STAGE_COUNT; s++)
      if (out[s].due_at != v[2 * s] || out[s].warn_at != v[2 * s + 1])
        fail_msg("%s line %d: %s: expected due %lld warn %lld, got %lld %lld", c->path, c->lineno,
                 sla_stage_name((enum sla_stage)s), v[2 * s], v[2 * s + 1],
                 (long long)out[s].due_at, (long long)out[s].warn_at);
    if (year != -1)
      fail_msg("%s line %d: missing_year written on ok", c->path, c->lineno);
    return;
  }
  struct expected e = read_expected(c, answer);
  check_result(c, &e, result, out[0].due_at, year, UNTOUCHED);
  for (int s = 0; s < SLA_STAGE_COUNT; s++)
    assert_true(out[s].due_at == UNTOUCHED && out[s].warn_at == UNTOUCHED);
}

/* EVIDENCE: SPEC C2 — worked out by hand line by line */
static void sla_deadlines_follows_the_table(void **state) {
  (void)state;
  struct cases c;
  int count = 0;
  cases_open(&c, "data/sla_deadlines.cases");
  while (cases_next(&c)) {
    char clock[16], windows[64], pause_text[128];
    long long lead, called;
    int used = 0;
    if (sscanf(c.line, "%15s %63s %lld %lld %127s %n", clock, windows, &lead, &called, pause_text,
               &used) != 5)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    struct sla_policy policy = read_policy(&c, clock, windows);
    policy.warning_lead_seconds = lead;
    struct sla_interval pauses[MAX_PAUSES];
    size_t npauses = read_pauses(&c, pause_text, pauses);
    struct sla_deadline out[SLA_STAGE_COUNT];
    for (int s = 0; s < SLA_STAGE_COUNT; s++)
      out[s] = (struct sla_deadline){UNTOUCHED, UNTOUCHED};
    int year = -1;
    enum sla_result result = sla_deadlines(&policy, called, pauses, npauses, out, &year);
    check_deadlines(&c, c.line + used, result, out, year);
    count++;
  }
  assert_true(count >= 20);
}

/* 2026-MM-DD hh:mm in Asia/Shanghai as UTC seconds (day number × 86400 - 8 h). */
static int64_t local_2026(unsigned month, unsigned day, int hour, int minute) {
  return days_from_civil(2026, month, day) * 86400 + hour * 3600 + minute * 60 - 8 * 3600;
}

/* For starts every 7 minutes from 09-26 to 10-14 (a holiday week and a make-up Saturday)
 * and for counts from one second to four days, under three window sets:
 * sla_elapsed(start, sla_add(start, s)) = s, and one second more always ends later. */
/* EVIDENCE: SPEC C2 */
static void sla_elapsed_undoes_sla_add(void **state) {
  (void)state;
  static const int64_t counts[] = {1, 59, 1800, 12600, 12601, 27000, 86399, 86400, 345600};
  static const struct sla_window office[] = {{510, 720}, {810, 1050}};
  static const struct sla_window touching[] = {{0, 60}, {60, 61}, {1439, 1440}};
  struct sla_policy policies[3] = {default_policy(SLA_CLOCK_WORKING),
                                   default_policy(SLA_CLOCK_WORKING),
                                   default_policy(SLA_CLOCK_WORKING)};
  policies[1].windows[0] = office[0];
  policies[1].windows[1] = office[1];
  policies[1].nwindows = 2;
  for (int i = 0; i < 3; i++)
    policies[2].windows[i] = touching[i];
  policies[2].nwindows = 3;
  for (int p = 0; p < 3; p++)
    for (int64_t start = local_2026(9, 26, 0, 0); start < local_2026(10, 14, 0, 0); start += 420)
      for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        if (p == 2 && counts[i] > 86400)
          continue; /* 62 minutes a day: four days of clock would walk into 2027 */
        int64_t end, later, back;
        assert_int_equal(sla_add(&policies[p], start, counts[i], &end, NULL), SLA_OK);
        assert_int_equal(sla_add(&policies[p], start, counts[i] + 1, &later, NULL), SLA_OK);
        assert_int_equal(sla_elapsed(&policies[p], start, end, &back, NULL), SLA_OK);
        if (back != counts[i] || later <= end || end <= start)
          fail_msg("policy %d, start %lld + %lld: end %lld, back %lld, later %lld", p,
                   (long long)start, (long long)counts[i], (long long)end, (long long)back,
                   (long long)later);
      }
}

/* A NULL calendar is one with no years loaded (calendar.h): the working clock names the
 * first year it needs — the start's — rather than call the policy invalid. */
/* EVIDENCE: SPEC C2 */
static void sla_working_clock_without_a_calendar_names_the_year_needed(void **state) {
  (void)state;
  struct sla_policy policy = default_policy(SLA_CLOCK_WORKING);
  policy.calendar = NULL;
  int64_t out = UNTOUCHED;
  int year = -1;
  int64_t wednesday = local_2026(3, 4, 10, 15);
  assert_int_equal(sla_add(&policy, wednesday, 3600, &out, &year), SLA_NOT_LOADED);
  assert_int_equal(year, 2026);
  assert_true(out == UNTOUCHED);
  assert_int_equal(sla_add(&policy, wednesday, 3600, &out, NULL), SLA_NOT_LOADED);
  /* 2030-06-03 10:00 local: the year named follows the start */
  int64_t in_2030 = days_from_civil(2030, 6, 3) * 86400 + 2 * 3600;
  assert_int_equal(sla_elapsed(&policy, in_2030, in_2030 + 60, &out, &year), SLA_NOT_LOADED);
  assert_int_equal(year, 2030);
  struct sla_deadline deadlines[SLA_STAGE_COUNT];
  assert_int_equal(sla_deadlines(&policy, wednesday, NULL, 0, deadlines, &year), SLA_NOT_LOADED);
  assert_int_equal(year, 2026);
  /* nothing to walk: an empty interval is 0 on any calendar */
  assert_int_equal(sla_elapsed(&policy, wednesday, wednesday, &out, &year), SLA_OK);
  assert_int_equal(out, 0);
  /* the calendar clock never asks for a calendar */
  policy.clock = SLA_CLOCK_CALENDAR;
  assert_int_equal(sla_add(&policy, wednesday, 3600, &out, &year), SLA_OK);
  assert_int_equal(out, wednesday + 3600);
}

/* Each bad policy or argument gives SLA_INVALID and leaves every output untouched. */
static void assert_invalid(const struct sla_policy *policy, int64_t start) {
  int64_t out = UNTOUCHED;
  int year = -1;
  struct sla_deadline deadlines[SLA_STAGE_COUNT] = {{UNTOUCHED, UNTOUCHED}};
  assert_int_equal(sla_add(policy, start, 3600, &out, &year), SLA_INVALID);
  assert_int_equal(sla_elapsed(policy, start, start + 3600, &out, &year), SLA_INVALID);
  assert_int_equal(sla_deadlines(policy, start, NULL, 0, deadlines, &year), SLA_INVALID);
  assert_true(out == UNTOUCHED && deadlines[0].due_at == UNTOUCHED && year == -1);
}

/* EVIDENCE: SPEC C2 */
static void sla_refuses_a_bad_policy_or_argument(void **state) {
  (void)state;
  int64_t call = local_2026(3, 4, 10, 15);
  assert_invalid(NULL, call);
  struct sla_policy policy = default_policy(SLA_CLOCK_WORKING);
  policy.stage_seconds[SLA_STAGE_CLEAR] = 0;
  assert_invalid(&policy, call);
  policy.stage_seconds[SLA_STAGE_CLEAR] = -172800;
  assert_invalid(&policy, call);
  policy = default_policy(SLA_CLOCK_CALENDAR);
  policy.warning_lead_seconds = -1;
  assert_invalid(&policy, call);
  policy = default_policy(SLA_CLOCK_CALENDAR);
  policy.tz_offset_minutes = 841; /* past UTC+14:00 */
  assert_invalid(&policy, call);
  policy.tz_offset_minutes = -721; /* past UTC-12:00 */
  assert_invalid(&policy, call);
  policy = default_policy(SLA_CLOCK_CALENDAR);
  policy.clock = (enum sla_clock)7;
  assert_invalid(&policy, call);
  policy = default_policy(SLA_CLOCK_WORKING);
  policy.nwindows = SLA_MAX_WINDOWS + 1;
  assert_invalid(&policy, call);
  policy.windows[0] = (struct sla_window){-1, 60};
  policy.nwindows = 1;
  assert_invalid(&policy, call);
  /* times before 1900 */
  policy = default_policy(SLA_CLOCK_CALENDAR);
  assert_invalid(&policy, days_from_civil(1899, 12, 31) * 86400);

  policy = default_policy(SLA_CLOCK_CALENDAR);
  int64_t out = UNTOUCHED;
  assert_int_equal(sla_add(&policy, call, 0, NULL, NULL), SLA_INVALID);
  assert_int_equal(sla_elapsed(&policy, call, call, NULL, NULL), SLA_INVALID);
  assert_int_equal(sla_deadlines(&policy, call, NULL, 0, NULL, NULL), SLA_INVALID);
  struct sla_deadline deadlines[SLA_STAGE_COUNT];
  assert_int_equal(sla_deadlines(&policy, call, NULL, 1, deadlines, NULL), SLA_INVALID);
  assert_int_equal(sla_add(&policy, INT64_MAX, 0, &out, NULL), SLA_INVALID);
  assert_int_equal(sla_elapsed(&policy, call, INT64_MAX, &out, NULL), SLA_INVALID);
  assert_true(out == UNTOUCHED);

  /* the edges of the accepted zones are fine: UTC+14:00 and UTC-12:00 */
  policy.tz_offset_minutes = 840;
  assert_int_equal(sla_add(&policy, call, 0, &out, NULL), SLA_OK);
  policy.tz_offset_minutes = -720;
  assert_int_equal(sla_add(&policy, call, 0, &out, NULL), SLA_OK);
  /* the calendar clock ignores the windows, even bad ones */
  policy = default_policy(SLA_CLOCK_CALENDAR);
  policy.nwindows = SLA_MAX_WINDOWS + 1;
  assert_int_equal(sla_add(&policy, call, 60, &out, NULL), SLA_OK);
  assert_int_equal(out, call + 60);
}

/* SLA_MAX_DAYS on the working clock, with the plain years 2026..2036 loaded (no holidays),
 * whole days counting, from Wed 2026-01-07 00:00 local. 3660 days are 522 weeks (3654
 * days, 2610 working days) and 6 days Wed Thu Fri Sat Sun Mon (4 working days): 2614
 * working days fit, the last of them ending at the midnight that opens day 3660 (a
 * Tuesday). One second more needs that Tuesday, a 3661st day: SLA_INVALID. */
/* EVIDENCE: SPEC C2 */
static void sla_counts_at_most_sla_max_days(void **state) {
  (void)state;
  static const int years[] = {2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035, 2036};
  struct calendar plain = {years, 11, NULL, 0};
  struct sla_policy policy = default_policy(SLA_CLOCK_WORKING);
  policy.calendar = &plain;
  int64_t start = local_2026(1, 7, 0, 0), out = UNTOUCHED, elapsed = UNTOUCHED;
  assert_int_equal(SLA_MAX_DAYS, 3660);
  assert_int_equal(sla_add(&policy, start, 2614 * 86400LL, &out, NULL), SLA_OK);
  assert_int_equal(out, start + 3660 * 86400LL);
  assert_int_equal(sla_elapsed(&policy, start, out, &elapsed, NULL), SLA_OK);
  assert_int_equal(elapsed, 2614 * 86400LL);
  out = UNTOUCHED;
  assert_int_equal(sla_add(&policy, start, 2614 * 86400LL + 1, &out, NULL), SLA_INVALID);
  assert_true(out == UNTOUCHED);
  assert_int_equal(sla_elapsed(&policy, start, start + 3660 * 86400LL + 1, &elapsed, NULL),
                   SLA_INVALID);
  /* a tiny window (one minute a day) and a long term: stopped, not looped for ever */
  policy.windows[0] = (struct sla_window){600, 601};
  policy.nwindows = 1;
  assert_int_equal(sla_add(&policy, start, 259200, &out, NULL), SLA_INVALID);
}

/* A call at 2026-03-04 10:15 local, due 24 h later, warned 2 h before:
 * D = 1772676900 (03-05 10:15), W = 1772669700 (03-05 08:15). */
static const struct sla_deadline onsite = {1772676900, 1772669700};
#define D 1772676900LL
#define W 1772669700LL

/* EVIDENCE: SPEC C2 — 届满 includes the last instant: met at exactly due_at is on time */
static void sla_stage_state_is_met_at_due_and_late_one_second_after(void **state) {
  (void)state;
  assert_int_equal(sla_stage_state(&onsite, D, D + 5), SLA_MET);
  assert_int_equal(sla_stage_state(&onsite, D + 1, D + 5), SLA_MET_LATE);
  assert_int_equal(sla_stage_state(&onsite, W - 3600, D + 5), SLA_MET);
  assert_int_equal(sla_stage_state(&onsite, 0, W - 1), SLA_PENDING);
  assert_int_equal(sla_stage_state(&onsite, 0, W), SLA_WARNING);
  assert_int_equal(sla_stage_state(&onsite, 0, D - 1), SLA_WARNING);
  assert_int_equal(sla_stage_state(&onsite, 0, D), SLA_BREACHED);
  assert_int_equal(sla_stage_state(&onsite, 0, D + 1), SLA_BREACHED);
}

/* EVIDENCE: SPEC C2 */
static void sla_overdue_seconds_counts_from_due(void **state) {
  (void)state;
  assert_int_equal(sla_overdue_seconds(&onsite, D, D + 500), 0);            /* met on time */
  assert_int_equal(sla_overdue_seconds(&onsite, D + 1, D + 500), 1);        /* met 1 s late */
  assert_int_equal(sla_overdue_seconds(&onsite, D + 5400, D + 9000), 5400); /* 1.5 h late */
  assert_int_equal(sla_overdue_seconds(&onsite, 0, D), 0);                  /* open, at due */
  assert_int_equal(sla_overdue_seconds(&onsite, 0, D + 90), 90);            /* open, 90 s past */
  assert_int_equal(sla_overdue_seconds(&onsite, 0, W), 0);                  /* still warning */
  struct sla_deadline far = {INT64_MIN + 1, INT64_MIN + 1};
  assert_true(sla_overdue_seconds(&far, 0, INT64_MAX) == INT64_MAX); /* saturated */
}

/* Due D, a step of 2 h (7200 s), a chain of 3: level 1 at D, 2 at D + 7200, 3 at D + 14400,
 * and never more. */
/* EVIDENCE: SPEC C2 */
static void sla_escalation_level_steps_up_to_the_chain(void **state) {
  (void)state;
  assert_int_equal(sla_escalation_level(D, D - 1, 7200, 3), 0);
  assert_int_equal(sla_escalation_level(D, D, 7200, 3), 1);
  assert_int_equal(sla_escalation_level(D, D + 7199, 7200, 3), 1);
  assert_int_equal(sla_escalation_level(D, D + 7200, 7200, 3), 2);
  assert_int_equal(sla_escalation_level(D, D + 14399, 7200, 3), 2);
  assert_int_equal(sla_escalation_level(D, D + 14400, 7200, 3), 3);
  assert_int_equal(sla_escalation_level(D, D + 1000000, 7200, 3), 3);
  assert_int_equal(sla_escalation_level(D, D + 1000000, 0, 3), 1); /* no step: level 1 only */
  assert_int_equal(sla_escalation_level(D, D + 1000000, -60, 3), 1);
  assert_int_equal(sla_escalation_level(D, D + 1000000, 7200, 1), 1);
  assert_int_equal(sla_escalation_level(D, D + 1000000, 7200, 0), 0); /* no chain */
  assert_int_equal(sla_escalation_level(D, D + 1000000, 7200, -2), 0);
  assert_int_equal(sla_escalation_level(INT64_MIN, INT64_MAX, 1, INT_MAX), INT_MAX);
}

/* The same deadline, step 7200, chain of 3: warn_at W, due_at D, D + 7200 (level 2),
 * D + 14400 (level 3), then nothing. */
/* EVIDENCE: SPEC C2 */
static void sla_next_check_walks_warning_due_and_levels_then_stops(void **state) {
  (void)state;
  assert_int_equal(sla_next_check(&onsite, false, 0, 7200, 3), W);
  assert_int_equal(sla_next_check(&onsite, true, 0, 7200, 3), D);
  assert_int_equal(sla_next_check(&onsite, true, 1, 7200, 3), D + 7200);
  assert_int_equal(sla_next_check(&onsite, true, 2, 7200, 3), D + 14400);
  assert_int_equal(sla_next_check(&onsite, true, 3, 7200, 3), 0);
  assert_int_equal(sla_next_check(&onsite, true, 1, 0, 3), 0);    /* no step: level 1 is all */
  assert_int_equal(sla_next_check(&onsite, true, 0, 7200, 0), 0); /* no chain: warned is all */
  assert_int_equal(sla_next_check(&onsite, false, 0, 7200, 0), W);
  struct sla_deadline late = {INT64_MAX - 10, INT64_MAX - 20};
  assert_true(sla_next_check(&late, true, 2, 7200, 3) == INT64_MAX);
}

/* A watcher that looks at each next check, does what is due then and asks again, visits
 * strictly later instants and stops; with a lead of 0 (warn_at = due_at) it warns and
 * escalates in one visit. Expected visits for a lead of 2 h: W, D, D + 7200, D + 14400. */
/* EVIDENCE: SPEC C2 */
static void sla_next_check_moves_a_watcher_strictly_forward(void **state) {
  (void)state;
  const struct sla_deadline deadlines[2] = {onsite, {D, D}};
  const int64_t expected[2][4] = {{W, D, D + 7200, D + 14400}, {D, D + 7200, D + 14400, 0}};
  for (int d = 0; d < 2; d++) {
    bool warned = false;
    int level = 0, visits = 0;
    int64_t last = 0, at;
    while ((at = sla_next_check(&deadlines[d], warned, level, 7200, 3)) != 0) {
      assert_true(at > last);
      assert_true(visits < 4);
      assert_int_equal(at, expected[d][visits]);
      warned = warned || at >= deadlines[d].warn_at;
      level = sla_escalation_level(deadlines[d].due_at, at, 7200, 3);
      last = at;
      visits++;
    }
    assert_int_equal(visits, d == 0 ? 4 : 3);
    assert_int_equal(level, 3);
  }
}

/* EVIDENCE: SPEC C2 */
static void sla_names_are_stable(void **state) {
  (void)state;
  assert_string_equal(sla_stage_name(SLA_STAGE_ONSITE), "onsite");
  assert_string_equal(sla_stage_name(SLA_STAGE_CLEAR), "clear");
  assert_string_equal(sla_stage_name(SLA_STAGE_SUBSTITUTE), "substitute");
  assert_string_equal(sla_stage_name(SLA_STAGE_COUNT), "?");
  assert_string_equal(sla_state_name(SLA_PENDING), "pending");
  assert_string_equal(sla_state_name(SLA_WARNING), "warning");
  assert_string_equal(sla_state_name(SLA_BREACHED), "breached");
  assert_string_equal(sla_state_name(SLA_MET), "met");
  assert_string_equal(sla_state_name(SLA_MET_LATE), "met_late");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sla_add_follows_the_table),
      cmocka_unit_test(sla_elapsed_follows_the_table),
      cmocka_unit_test(sla_deadlines_follows_the_table),
      cmocka_unit_test(sla_elapsed_undoes_sla_add),
      cmocka_unit_test(sla_working_clock_without_a_calendar_names_the_year_needed),
      cmocka_unit_test(sla_refuses_a_bad_policy_or_argument),
      cmocka_unit_test(sla_counts_at_most_sla_max_days),
      cmocka_unit_test(sla_stage_state_is_met_at_due_and_late_one_second_after),
      cmocka_unit_test(sla_overdue_seconds_counts_from_due),
      cmocka_unit_test(sla_escalation_level_steps_up_to_the_chain),
      cmocka_unit_test(sla_next_check_walks_warning_due_and_levels_then_stops),
      cmocka_unit_test(sla_next_check_moves_a_watcher_strictly_forward),
      cmocka_unit_test(sla_names_are_stable),
  };
  return cmocka_run_group_tests(tests, load_2026, NULL);
}
