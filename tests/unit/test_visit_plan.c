/* test_visit_plan.c — src/rules/visit_plan.c: the return visits a project in warranty is due
 * (SPEC D1: 在工程保修期内至少每二个月回访一次; months counted as SPEC B2 / 民法典 arts. 201–202
 * count them; our readings — the final visit at expiry, plan_from, units with their own
 * dates — are written in visit_plan.h).
 *
 * The cases are tables under tests/unit/data/: visit_plan_end.cases (the warranty's last day
 * over the units) and visit_plan_dues.cases (the plans), one case per line, every expected
 * value worked out by hand. The walking test checks a second statement of the rule, written
 * here from the header, over every acceptance day of 2024 and many terms and intervals; the
 * tests below it check the refusals that leave the outputs untouched and the size limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/rules/visit_plan.h"

/* Opens a case table and reads its cases one at a time, without comments and trailing
 * blanks; blank lines are skipped, and a line ending in "\" goes on on the next one. */
struct cases {
  FILE *file;
  const char *path;
  int lineno;
  char line[2048];
};

static void cases_open(struct cases *c, const char *path) {
  c->file = fopen(path, "r");
  c->path = path;
  c->lineno = 0;
  if (!c->file)
    fail_msg("cannot open %s (tests run in tests/unit)", path);
}

/* Reads one physical line into buf (comment and trailing blanks removed); false at the end. */
static bool read_line(struct cases *c, char *buf, size_t size) {
  if (!fgets(buf, (int)size, c->file))
    return false;
  c->lineno++;
  char *hash = strchr(buf, '#');
  if (hash)
    *hash = '\0';
  size_t n = strlen(buf);
  while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\n' || buf[n - 1] == '\r'))
    buf[--n] = '\0';
  return true;
}

static bool cases_next(struct cases *c) {
  for (;;) {
    if (!read_line(c, c->line, sizeof c->line)) {
      fclose(c->file);
      return false;
    }
    size_t n = strlen(c->line);
    while (n && c->line[n - 1] == '\\') {
      c->line[n - 1] = ' ';
      if (!read_line(c, c->line + n, sizeof c->line - n))
        fail_msg("%s line %d: a continuation at the end of the file", c->path, c->lineno);
      n = strlen(c->line);
    }
    if (strspn(c->line, " \t") < n)
      return true;
  }
}

/* Splits line into blank-separated words (in place); returns how many. */
static int split_words(char *line, char **words, int max) {
  int count = 0;
  char *p = line;
  while (*p && count < max) {
    p += strspn(p, " \t");
    if (!*p)
      break;
    words[count++] = p;
    p += strcspn(p, " \t");
    if (*p)
      *p++ = '\0';
  }
  return count;
}

/* "-" in a table stands for the empty string. */
static const char *dash_empty(const char *s) {
  return strcmp(s, "-") == 0 ? "" : s;
}

/* EVIDENCE: SPEC D1 — the warranty period over the units (SPEC B2), worked out by hand */
static void visit_plan_warranty_end_follows_the_table(void **state) {
  (void)state;
  struct cases c;
  cases_open(&c, "data/visit_plan_end.cases");
  int count = 0;
  while (cases_next(&c)) {
    char *w[32];
    int nw = split_words(c.line, w, 32);
    int arrow = 0;
    while (arrow < nw && strcmp(w[arrow], "->") != 0)
      arrow++;
    int months;
    if (arrow < 2 || arrow != nw - 2 || sscanf(w[1], "%d", &months) != 1)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    struct visit_plan_unit units[16];
    char dates[16][32];
    size_t nunits = 0;
    for (int i = 2; i < arrow; i++, nunits++) {
      char sold[8];
      struct visit_plan_unit *u = &units[nunits];
      if (nunits >= 16 ||
          sscanf(w[i], "%31[^:]:%d:%7s", dates[nunits], &u->manufacturer_months, sold) != 3)
        fail_msg("%s line %d: cannot read unit %s", c.path, c.lineno, w[i]);
      u->acceptance_date = dash_empty(dates[nunits]);
      u->sold_by_company = strcmp(sold, "yes") == 0;
    }
    char got[PERIOD_DATE_LEN + 1] = "untouched";
    bool ok = visit_plan_warranty_end(dash_empty(w[0]), months, units, nunits, got);
    const char *expected = w[nw - 1];
    if (strcmp(expected, "invalid") == 0) {
      if (ok || strcmp(got, "untouched") != 0)
        fail_msg("%s line %d: expected a refusal, got %s", c.path, c.lineno, got);
    } else if (!ok || strcmp(got, expected) != 0) {
      fail_msg("%s line %d: expected %s, got %s", c.path, c.lineno, expected,
               ok ? got : "a refusal");
    }
    count++;
  }
  assert_true(count >= 35);
}

/* Writes a plan as the table spells it: "none", or "SEQ:DATE" words with F on the final. */
static void plan_text(const struct visit_plan_entry *e, size_t n, char *out, size_t size) {
  size_t at = 0;
  out[0] = '\0';
  if (n == 0)
    snprintf(out, size, "none");
  for (size_t i = 0; i < n && at < size; i++)
    at += (size_t)snprintf(out + at, size - at, "%s%d:%s%s", i ? " " : "", e[i].seq, e[i].due_date,
                           e[i].final ? "F" : "");
}

/* EVIDENCE: SPEC D1 — every N months from the acceptance date over the warranty, worked out
 * by hand */
static void visit_plan_dues_follows_the_table(void **state) {
  (void)state;
  struct cases c;
  cases_open(&c, "data/visit_plan_dues.cases");
  int count = 0;
  while (cases_next(&c)) {
    char *w[64] = {0};
    int nw = split_words(c.line, w, 64);
    struct visit_plan_input in = {0};
    if (nw < 7 || strcmp(w[5], "->") != 0 || sscanf(w[2], "%d", &in.interval_months) != 1 ||
        (strcmp(w[3], "on") != 0 && strcmp(w[3], "off") != 0))
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    in.acceptance_date = dash_empty(w[0]);
    in.warranty_last_day = w[1];
    in.final_at_expiry = strcmp(w[3], "on") == 0;
    in.plan_from = strcmp(w[4], "-") == 0 ? NULL : w[4];
    char expected[2048] = "", got[2048];
    for (int i = 6; i < nw; i++) {
      strncat(expected, i > 6 ? " " : "", sizeof expected - strlen(expected) - 1);
      strncat(expected, w[i], sizeof expected - strlen(expected) - 1);
    }
    static struct visit_plan_entry plan[VISIT_PLAN_MAX];
    plan[0].seq = -7;
    size_t n = 12345;
    bool ok = visit_plan_dues(&in, plan, VISIT_PLAN_MAX, &n);
    if (strcmp(expected, "invalid") == 0) {
      if (ok || n != 12345 || plan[0].seq != -7)
        fail_msg("%s line %d: expected a refusal with the outputs untouched", c.path, c.lineno);
    } else {
      if (!ok)
        fail_msg("%s line %d: expected %s, got a refusal", c.path, c.lineno, expected);
      plan_text(plan, n, got, sizeof got);
      if (strcmp(got, expected) != 0)
        fail_msg("%s line %d:\n expected %s\n got      %s", c.path, c.lineno, expected, got);
    }
    count++;
  }
  assert_true(count >= 40);
}

/* A second statement of the rule, from visit_plan.h alone: the regular visits are the n with
 * period_nth_due(acceptance, interval, n) ≤ last day; the final one is there exactly when
 * final_at_expiry is on, the period is not empty and the last regular one is not on the last
 * day. Checked for every acceptance day of 2024, terms of 1..40 months, several intervals. */
/* EVIDENCE: SPEC D1 */
static void visit_plan_dues_agrees_with_the_rule_for_every_day_of_a_year(void **state) {
  (void)state;
  static const int intervals[] = {1, 2, 3, 5, 12, 24};
  static struct visit_plan_entry plan[VISIT_PLAN_MAX];
  for (int day = 0; day < 366; day++) {
    char acceptance[32], last[PERIOD_DATE_LEN + 1];
    /* 2024-01-01 + day, 2024 being a leap year */
    static const int lengths[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int month = 0, d = day;
    while (d >= lengths[month])
      d -= lengths[month++];
    snprintf(acceptance, sizeof acceptance, "2024-%02d-%02d", month + 1, d + 1);
    for (int term = 1; term <= 40; term++) {
      assert_true(period_last_day(acceptance, term, last));
      for (size_t k = 0; k < sizeof intervals / sizeof intervals[0]; k++)
        for (int final = 0; final <= 1; final++) {
          struct visit_plan_input in = {acceptance, last, intervals[k], final, NULL};
          size_t n;
          assert_true(visit_plan_dues(&in, plan, VISIT_PLAN_MAX, &n));
          int regular = term / intervals[k]; /* n × interval ≤ term months */
          bool on_last = regular > 0 && term % intervals[k] == 0;
          size_t expected = (size_t)regular + (final && !on_last ? 1 : 0);
          if (n != expected)
            fail_msg("%s, %d months, every %d, final %d: %zu visits, expected %zu", acceptance,
                     term, intervals[k], final, n, expected);
          for (size_t i = 0; i < n; i++) {
            char due[PERIOD_DATE_LEN + 1];
            assert_int_equal(plan[i].seq, (int)i + 1);
            assert_int_equal(plan[i].final, i == (size_t)regular);
            if (plan[i].final) {
              assert_string_equal(plan[i].due_date, last);
            } else {
              assert_true(period_nth_due(acceptance, intervals[k], (int)i + 1, due));
              assert_string_equal(plan[i].due_date, due);
            }
            if (i > 0)
              assert_true(period_compare_dates(plan[i - 1].due_date, plan[i].due_date) < 0);
          }
        }
    }
  }
}

/* EVIDENCE: SPEC D1 */
static void
visit_plan_dues_refuses_a_plan_larger_than_max_and_leaves_outputs_untouched(void **state) {
  (void)state;
  struct visit_plan_entry plan[8] = {{.seq = -7}};
  size_t n = 12345;
  /* 2026-01-31 every 2 over 12 months: 6 visits (visit_plan_dues.cases) */
  struct visit_plan_input in = {"2026-01-31", "2027-01-31", 2, true, NULL};
  assert_false(visit_plan_dues(&in, plan, 5, &n));
  assert_int_equal(n, 12345);
  assert_int_equal(plan[0].seq, -7);
  assert_true(visit_plan_dues(&in, plan, 6, &n));
  assert_int_equal(n, 6);
  assert_int_equal(plan[5].seq, 6);
  assert_string_equal(plan[5].due_date, "2027-01-31");
  /* 15 months at every 2 with the final visit: 8 entries, refused with room for 7 */
  struct visit_plan_input mid = {"2026-01-15", "2027-04-15", 2, true, NULL};
  n = 12345;
  plan[0].seq = -7;
  assert_false(visit_plan_dues(&mid, plan, 7, &n));
  assert_int_equal(n, 12345);
  assert_int_equal(plan[0].seq, -7);
  /* an empty plan needs no room at all */
  struct visit_plan_input empty = {"2026-01-31", "2027-01-31", 24, false, NULL};
  assert_true(visit_plan_dues(&empty, NULL, 0, &n));
  assert_int_equal(n, 0);
  /* NULL input, count or room */
  n = 12345;
  assert_false(visit_plan_dues(NULL, plan, 8, &n));
  assert_false(visit_plan_dues(&in, plan, 8, NULL));
  assert_false(visit_plan_dues(&in, NULL, 8, &n));
  assert_int_equal(n, 12345);
  struct visit_plan_input no_date = {NULL, "2027-01-31", 2, true, NULL};
  assert_false(visit_plan_dues(&no_date, plan, 8, &n));
  struct visit_plan_input no_last = {"2026-01-31", NULL, 2, true, NULL};
  assert_false(visit_plan_dues(&no_last, plan, 8, &n));
  assert_int_equal(n, 12345);
}

/* A 100-year term at one visit a month is VISIT_PLAN_MAX - 1 regular visits plus the final
 * one: 1900-01-15 to 2000-01-20 holds due dates at 1 … 1200 months (2000-01-15), and the
 * last day is 5 days later, so a 1201st entry on 2000-01-20. */
/* EVIDENCE: SPEC D1 */
static void visit_plan_dues_holds_a_hundred_years_in_visit_plan_max(void **state) {
  (void)state;
  static struct visit_plan_entry plan[VISIT_PLAN_MAX];
  size_t n = 0;
  struct visit_plan_input in = {"1900-01-15", "2000-01-20", 1, true, NULL};
  assert_true(visit_plan_dues(&in, plan, VISIT_PLAN_MAX, &n));
  assert_int_equal(n, VISIT_PLAN_MAX);
  assert_int_equal(plan[0].seq, 1);
  assert_string_equal(plan[0].due_date, "1900-02-15");
  assert_string_equal(plan[1199].due_date, "2000-01-15");
  assert_false(plan[1199].final);
  assert_int_equal(plan[1200].seq, 1201);
  assert_string_equal(plan[1200].due_date, "2000-01-20");
  assert_true(plan[1200].final);
  assert_false(visit_plan_dues(&in, plan, VISIT_PLAN_MAX - 1, &n));
  /* from a 31st: 1900-02-28 (1900 is not a leap year), 1904-02-29 (49 months, a leap year) */
  struct visit_plan_input end = {"1900-01-31", "2000-01-31", 1, true, NULL};
  assert_true(visit_plan_dues(&end, plan, VISIT_PLAN_MAX, &n));
  assert_int_equal(n, 1200); /* the 1200th is on the last day: no final visit */
  assert_string_equal(plan[0].due_date, "1900-02-28");
  assert_string_equal(plan[1].due_date, "1900-03-31");
  assert_string_equal(plan[48].due_date, "1904-02-29");
  assert_string_equal(plan[1199].due_date, "2000-01-31");
  assert_false(plan[1199].final);
}

/* EVIDENCE: SPEC D1 */
static void visit_plan_warranty_end_refuses_null_and_leaves_out_untouched(void **state) {
  (void)state;
  char out[PERIOD_DATE_LEN + 1] = "untouched";
  assert_false(visit_plan_warranty_end(NULL, 12, NULL, 0, out));
  assert_false(visit_plan_warranty_end("2026-01-31", 12, NULL, 1, out));
  assert_string_equal(out, "untouched");
  assert_false(visit_plan_warranty_end("2026-01-31", 12, NULL, 0, NULL));
  /* a unit with a NULL acceptance date takes the project's: 2026-01-31 + 18 months */
  struct visit_plan_unit unit = {NULL, 18, true};
  assert_true(visit_plan_warranty_end("2026-01-31", 12, &unit, 1, out));
  assert_string_equal(out, "2027-07-31");
  assert_true(visit_plan_warranty_end("2026-01-31", 12, NULL, 0, out));
  assert_string_equal(out, "2027-01-31");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(visit_plan_warranty_end_follows_the_table),
      cmocka_unit_test(visit_plan_dues_follows_the_table),
      cmocka_unit_test(visit_plan_dues_agrees_with_the_rule_for_every_day_of_a_year),
      cmocka_unit_test(visit_plan_dues_refuses_a_plan_larger_than_max_and_leaves_outputs_untouched),
      cmocka_unit_test(visit_plan_dues_holds_a_hundred_years_in_visit_plan_max),
      cmocka_unit_test(visit_plan_warranty_end_refuses_null_and_leaves_out_untouched),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
