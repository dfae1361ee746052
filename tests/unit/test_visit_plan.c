/* test_visit_plan.c — src/rules/visit_plan.c: the return visits a project in warranty is due
 * (SPEC D1: 在工程保修期内至少每二个月回访一次; months counted as SPEC B2 / 民法典 arts. 201–202
 * count them; our readings — the final visit at expiry, plan_from, units with their own
 * dates — are written in visit_plan.h).
 *
 * The cases are tables under tests/unit/data/: visit_plan_end.cases (the warranty's last day
 * over the units), visit_plan_dues.cases (the plans) and visit_plan_reconcile.cases (what a
 * plan computed again does to the visits already there, the manager's moves and
 * cancellations among them), one case per line, every expected value worked out by hand. The
 * walking test checks a second statement of the rule, written here from the header, over every
 * acceptance day of 2024 and many terms and intervals; the tests below it check the refusals that
 * leave the outputs untouched and the size limit. */
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
  char line[4096];
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

/* ---- visit_plan_reconcile ----------------------------------------------------------------- */

#define RECONCILE_MAX 32

/* One case of visit_plan_reconcile.cases, read in place from the line's words. */
struct reconcile_case {
  struct visit_plan_entry plan[RECONCILE_MAX];
  struct visit_plan_visit x[RECONCILE_MAX];
  size_t nplan, nx;
  char *expected[RECONCILE_MAX]; /* one word per visit; expected[0] "invalid" for a refusal */
  size_t nexpected;
  bool is_new[RECONCILE_MAX]; /* the expected "new" seqs, by plan index */
  bool invalid;
};

static void reconcile_bad(const struct cases *c, const char *what) {
  fail_msg("%s line %d: cannot read %s", c->path, c->lineno, what);
}

/* Splits word at ':' into at most max fields (in place); returns how many. */
static int split_fields(char *word, char **fields, int max) {
  int n = 0;
  for (char *p = word; n < max;) {
    fields[n++] = p;
    p = strchr(p, ':');
    if (!p)
      break;
    *p++ = '\0';
  }
  return n;
}

static void reconcile_read_plan(const struct cases *c, char **w, int from, int to,
                                struct reconcile_case *rc) {
  for (int i = from; i < to; i++) {
    if (strcmp(w[i], "-") == 0)
      continue;
    char *f[3];
    struct visit_plan_entry *e = &rc->plan[rc->nplan];
    if (rc->nplan >= RECONCILE_MAX || split_fields(w[i], f, 3) != 2 ||
        sscanf(f[0], "%d", &e->seq) != 1 || strlen(f[1]) > PERIOD_DATE_LEN)
      reconcile_bad(c, w[i]);
    snprintf(e->due_date, sizeof e->due_date, "%s", f[1]);
    rc->nplan++;
  }
}

static void reconcile_read_visits(const struct cases *c, char **w, int from, int to,
                                  struct reconcile_case *rc) {
  for (int i = from; i < to; i++) {
    if (strcmp(w[i], "-") == 0)
      continue;
    char *f[6];
    int nf = split_fields(w[i], f, 6);
    struct visit_plan_visit *v = &rc->x[rc->nx];
    long long seq = 0;
    if (rc->nx >= RECONCILE_MAX || nf < 4 || nf > 5 || sscanf(f[0], "%lld", &seq) != 1)
      reconcile_bad(c, "a visit");
    const char *flags = nf == 5 ? f[4] : "";
    if (strspn(flags, "mpo") != strlen(flags))
      reconcile_bad(c, flags);
    *v = (struct visit_plan_visit){.seq = seq,
                                   .status = dash_empty(f[1]),
                                   .due_date = dash_empty(f[2]),
                                   .planned_date = dash_empty(f[3]),
                                   .moved = strchr(flags, 'm') != NULL,
                                   .cancelled_by_planner = strchr(flags, 'p') != NULL,
                                   .other_changed = strchr(flags, 'o') != NULL};
    if (strcmp(f[3], "=") == 0) /* the same as the due date */
      v->planned_date = v->due_date;
    rc->nx++;
  }
}

/* The new seqs expected: marks their plan entries. */
static void reconcile_read_new(const struct cases *c, char **w, int from, int to,
                               struct reconcile_case *rc) {
  for (int i = from; i < to; i++) {
    int seq;
    if (strcmp(w[i], "-") == 0)
      continue;
    size_t k = 0;
    if (sscanf(w[i], "%d", &seq) != 1)
      reconcile_bad(c, w[i]);
    while (k < rc->nplan && rc->plan[k].seq != seq)
      k++;
    if (k == rc->nplan)
      reconcile_bad(c, "a new seq that is not in the plan");
    rc->is_new[k] = true;
  }
}

/* Finds word in w[from..to); to when absent. */
static int word_at(char **w, int from, int to, const char *word) {
  while (from < to && strcmp(w[from], word) != 0)
    from++;
  return from;
}

static void reconcile_read(const struct cases *c, char **w, int nw, struct reconcile_case *rc) {
  memset(rc, 0, sizeof *rc);
  int visits = word_at(w, 0, nw, "visits"), arrow = word_at(w, 0, nw, "->");
  int fresh = word_at(w, arrow, nw, "new");
  if (nw < 5 || strcmp(w[0], "plan") != 0 || visits >= arrow || arrow >= nw)
    reconcile_bad(c, "the case");
  reconcile_read_plan(c, w, 1, visits, rc);
  reconcile_read_visits(c, w, visits + 1, arrow, rc);
  rc->invalid = strcmp(w[arrow + 1], "invalid") == 0;
  if (rc->invalid)
    return;
  for (int i = arrow + 1; i < fresh; i++)
    if (strcmp(w[i], "-") != 0)
      rc->expected[rc->nexpected++] = w[i];
  if (fresh >= nw || rc->nexpected != rc->nx)
    reconcile_bad(c, "one change per visit and a new list");
  reconcile_read_new(c, w, fresh + 1, nw, rc);
}

/* Checks one visit's change against its expected word. */
static void reconcile_check(const struct cases *c, size_t i, const struct visit_plan_visit *v,
                            const struct visit_plan_change *got, char *expected) {
  static const char *const verbs[] = {"keep", "redate", "reopen", "cancel"};
  char *f[3];
  int nf = split_fields(expected, f, 3);
  const char *due = v->due_date, *planned = v->planned_date;
  if (nf == 3) {
    due = f[1];
    planned = f[2];
  } else if (nf != 1) {
    reconcile_bad(c, "a change");
  }
  size_t verb = 0;
  while (verb < 4 && strcmp(verbs[verb], f[0]) != 0)
    verb++;
  if (verb == 4 || (nf == 3) != (verb == VISIT_PLAN_REDATE || verb == VISIT_PLAN_REOPEN))
    reconcile_bad(c, f[0]);
  if ((size_t)got->verb != verb || strcmp(got->due_date, due) != 0 ||
      strcmp(got->planned_date, planned) != 0)
    fail_msg("%s line %d, visit %zu (seq %lld): expected %s %s %s, got %s %s %s", c->path,
             c->lineno, i + 1, (long long)v->seq, f[0], due, planned,
             (size_t)got->verb < 4 ? verbs[got->verb] : "?", got->due_date, got->planned_date);
}

/* EVIDENCE: SPEC D1 — a plan computed again over the visits there: the manager's moves and
 * cancellations kept, done and partial visits never touched, worked out by hand */
static void visit_plan_reconcile_follows_the_table(void **state) {
  (void)state;
  struct cases c;
  cases_open(&c, "data/visit_plan_reconcile.cases");
  int count = 0, refusals = 0;
  while (cases_next(&c)) {
    char *w[128];
    int nw = split_words(c.line, w, 128);
    static struct reconcile_case rc;
    reconcile_read(&c, w, nw, &rc);
    struct visit_plan_change out[RECONCILE_MAX], before_out[RECONCILE_MAX];
    bool is_new[RECONCILE_MAX], before_new[RECONCILE_MAX];
    memset(out, 0x5a, sizeof out);
    memset(is_new, 0x5a, sizeof is_new);
    memcpy(before_out, out, sizeof out);
    memcpy(before_new, is_new, sizeof is_new);
    bool ok = visit_plan_reconcile(rc.plan, rc.nplan, rc.x, rc.nx, out, is_new);
    if (rc.invalid) {
      if (ok || memcmp(out, before_out, sizeof out) != 0 ||
          memcmp(is_new, before_new, sizeof is_new) != 0)
        fail_msg("%s line %d: expected a refusal with the outputs untouched", c.path, c.lineno);
      refusals++;
    } else {
      if (!ok)
        fail_msg("%s line %d: refused", c.path, c.lineno);
      for (size_t i = 0; i < rc.nx; i++)
        reconcile_check(&c, i, &rc.x[i], &out[i], rc.expected[i]);
      for (size_t k = 0; k < rc.nplan; k++)
        if (is_new[k] != rc.is_new[k])
          fail_msg("%s line %d: seq %d expected %s, got %s", c.path, c.lineno, rc.plan[k].seq,
                   rc.is_new[k] ? "new" : "not new", is_new[k] ? "new" : "not new");
      /* nothing written past the inputs' counts */
      assert_memory_equal(&out[rc.nx], &before_out[rc.nx], (RECONCILE_MAX - rc.nx) * sizeof out[0]);
      assert_memory_equal(&is_new[rc.nplan], &before_new[rc.nplan], RECONCILE_MAX - rc.nplan);
    }
    count++;
  }
  assert_true(count >= 28);
  assert_true(refusals >= 13);
}

/* The dates of a change point into the inputs, as the header says: the entry's due date, the
 * visit's own planned date when moved, the visit's own dates for keep and cancel. */
/* EVIDENCE: SPEC D1 */
static void visit_plan_reconcile_points_into_its_inputs(void **state) {
  (void)state;
  struct visit_plan_entry plan[2] = {{1, "2026-04-28", false}, {2, "2026-06-28", false}};
  struct visit_plan_visit x[3] = {
      {1, "planned", "2026-03-31", "2026-04-02", true, false, false},
      {2, "cancelled", "2026-05-31", "2026-05-31", false, true, false},
      {3, "planned", "2026-07-31", "2026-07-31", false, false, false},
  };
  struct visit_plan_change out[3];
  bool is_new[2];
  assert_true(visit_plan_reconcile(plan, 2, x, 3, out, is_new));
  /* 1: due 03-31 -> 04-28, the manager's 04-02 kept */
  assert_int_equal(out[0].verb, VISIT_PLAN_REDATE);
  assert_ptr_equal(out[0].due_date, plan[0].due_date);
  assert_ptr_equal(out[0].planned_date, x[0].planned_date);
  /* 2: cancelled by the planner, in the plan: re-opened on the rule's day 06-28 */
  assert_int_equal(out[1].verb, VISIT_PLAN_REOPEN);
  assert_ptr_equal(out[1].due_date, plan[1].due_date);
  assert_ptr_equal(out[1].planned_date, plan[1].due_date);
  /* 3: open, not in the plan: cancelled with its own dates */
  assert_int_equal(out[2].verb, VISIT_PLAN_CANCEL);
  assert_ptr_equal(out[2].due_date, x[2].due_date);
  assert_ptr_equal(out[2].planned_date, x[2].planned_date);
  assert_false(is_new[0]);
  assert_false(is_new[1]);
}

/* EVIDENCE: SPEC D1 */
static void visit_plan_reconcile_refuses_null_and_leaves_outputs_untouched(void **state) {
  (void)state;
  struct visit_plan_entry plan[1] = {{1, "2026-03-31", false}};
  struct visit_plan_visit x[1] = {{1, "planned", "2026-03-31", "2026-03-31", false, false, false}};
  struct visit_plan_change out[1] = {{VISIT_PLAN_REOPEN, "untouched", "untouched"}};
  bool is_new[1] = {false};
  assert_false(visit_plan_reconcile(NULL, 1, x, 1, out, is_new));
  assert_false(visit_plan_reconcile(plan, 1, NULL, 1, out, is_new));
  assert_false(visit_plan_reconcile(plan, 1, x, 1, NULL, is_new));
  assert_false(visit_plan_reconcile(plan, 1, x, 1, out, NULL));
  struct visit_plan_visit no_status = {1, NULL, "2026-03-31", "2026-03-31", false, false, false};
  assert_false(visit_plan_reconcile(plan, 1, &no_status, 1, out, is_new));
  struct visit_plan_visit no_due = {1, "planned", NULL, "2026-03-31", false, false, false};
  assert_false(visit_plan_reconcile(plan, 1, &no_due, 1, out, is_new));
  struct visit_plan_visit no_planned = {1, "planned", "2026-03-31", NULL, false, false, false};
  assert_false(visit_plan_reconcile(plan, 1, &no_planned, 1, out, is_new));
  assert_int_equal(out[0].verb, VISIT_PLAN_REOPEN);
  assert_string_equal(out[0].due_date, "untouched");
  assert_false(is_new[0]);
  /* NULL arrays with a count of 0 are fine: nothing to read or write */
  assert_true(visit_plan_reconcile(NULL, 0, NULL, 0, NULL, NULL));
  assert_true(visit_plan_reconcile(plan, 1, NULL, 0, NULL, is_new));
  assert_true(is_new[0]); /* 1 has no visit: new */
  assert_true(visit_plan_reconcile(NULL, 0, x, 1, out, NULL));
  assert_int_equal(out[0].verb, VISIT_PLAN_CANCEL); /* open, and the plan is empty */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(visit_plan_warranty_end_follows_the_table),
      cmocka_unit_test(visit_plan_dues_follows_the_table),
      cmocka_unit_test(visit_plan_dues_agrees_with_the_rule_for_every_day_of_a_year),
      cmocka_unit_test(visit_plan_dues_refuses_a_plan_larger_than_max_and_leaves_outputs_untouched),
      cmocka_unit_test(visit_plan_dues_holds_a_hundred_years_in_visit_plan_max),
      cmocka_unit_test(visit_plan_warranty_end_refuses_null_and_leaves_out_untouched),
      cmocka_unit_test(visit_plan_reconcile_follows_the_table),
      cmocka_unit_test(visit_plan_reconcile_points_into_its_inputs),
      cmocka_unit_test(visit_plan_reconcile_refuses_null_and_leaves_outputs_untouched),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
