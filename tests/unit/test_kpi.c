/* test_kpi.c — src/rules/kpi.c: the return-visit rate and the satisfaction rate (SPEC D5; 工作
 * 计划2 三: 保修期内客户回访率为100%, 服务满意率98%以上; the formulas and our readings are in
 * kpi.h).
 *
 * The cases are tables under tests/unit/data/: kpi_classify.cases (how each planned visit
 * counts on a day, every status × date combination) and kpi_rate.cases (rates in permille and
 * targets, with the arithmetic beside each line), every expected value worked out by hand.
 * The satisfaction answer and the names are checked below, with the reasoning beside them. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/rules/kpi.h"

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

/* "-" in a table stands for NULL (a date) or the empty string (a status). */
static const char *dash_null(const char *s) {
  return strcmp(s, "-") == 0 ? NULL : s;
}

static const char *dash_empty(const char *s) {
  return strcmp(s, "-") == 0 ? "" : s;
}

/* EVIDENCE: SPEC D5 — on time, late, missing, not yet due, excluded; worked out by hand */
static void kpi_visit_classify_follows_the_table(void **state) {
  (void)state;
  struct cases c;
  cases_open(&c, "data/kpi_classify.cases");
  int count = 0, seen[KPI_VISIT_EXCLUDED + 1] = {0};
  while (cases_next(&c)) {
    char due[32], status[32], done[32], as_of[32], arrow[8], expected[32];
    if (sscanf(c.line, "%31s %31s %31s %31s %7s %31s", due, status, done, as_of, arrow, expected) !=
            6 ||
        strcmp(arrow, "->") != 0)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    enum kpi_visit_class got =
        kpi_visit_classify(dash_null(due), dash_empty(status), dash_null(done), dash_null(as_of));
    if (strcmp(kpi_visit_class_name(got), expected) != 0)
      fail_msg("%s line %d: expected %s, got %s", c.path, c.lineno, expected,
               kpi_visit_class_name(got));
    seen[got]++;
    count++;
  }
  assert_true(count >= 30);
  for (int k = 0; k <= KPI_VISIT_EXCLUDED; k++)
    assert_true(seen[k] >= 3); /* every class is exercised */
}

/* EVIDENCE: SPEC D5 */
static void kpi_visit_classify_excludes_a_null_status(void **state) {
  (void)state;
  assert_int_equal(kpi_visit_classify("2026-03-10", NULL, "2026-03-10", "2026-03-11"),
                   KPI_VISIT_EXCLUDED);
  assert_int_equal(kpi_visit_classify("2026-03-10", NULL, NULL, "2026-03-11"), KPI_VISIT_EXCLUDED);
}

/* EVIDENCE: SPEC D5 */
static void kpi_visit_class_name_gives_the_stable_names(void **state) {
  (void)state;
  assert_string_equal(kpi_visit_class_name(KPI_VISIT_NOT_DUE), "not_due");
  assert_string_equal(kpi_visit_class_name(KPI_VISIT_ON_TIME), "on_time");
  assert_string_equal(kpi_visit_class_name(KPI_VISIT_LATE), "late");
  assert_string_equal(kpi_visit_class_name(KPI_VISIT_MISSING), "missing");
  assert_string_equal(kpi_visit_class_name(KPI_VISIT_EXCLUDED), "excluded");
  assert_string_equal(kpi_visit_class_name((enum kpi_visit_class)99), "excluded");
}

/* Reads an int64_t written in decimal; false when the text is not one. */
static bool read_int64(const char *s, int64_t *out) {
  long long v;
  char tail;
  if (sscanf(s, "%lld%c", &v, &tail) != 1)
    return false;
  *out = (int64_t)v;
  return true;
}

/* EVIDENCE: SPEC D5 — permille rounded down, targets met exactly; worked out by hand */
static void kpi_rate_follows_the_table(void **state) {
  (void)state;
  struct cases c;
  cases_open(&c, "data/kpi_rate.cases");
  int count = 0;
  while (cases_next(&c)) {
    char num[32], den[32], target[32], arrow[8], defined[8] = "", met[8] = "";
    int64_t n = 0, d = 0, t = 0, permille = -1;
    long long p = -1;
    int fields = sscanf(c.line, "%31s %31s %31s %7s %7s %lld %7s", num, den, target, arrow, defined,
                        &p, met);
    permille = (int64_t)p;
    if (fields < 5 || strcmp(arrow, "->") != 0 || !read_int64(num, &n) || !read_int64(den, &d) ||
        !read_int64(target, &t))
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    struct kpi_rate r = {.numerator = -7, .permille = -7};
    bool ok = kpi_rate(n, d, t, &r);
    if (strcmp(defined, "invalid") == 0) {
      if (ok || r.numerator != -7 || r.permille != -7)
        fail_msg("%s line %d: expected a refusal with out untouched", c.path, c.lineno);
    } else {
      if (fields != 7)
        fail_msg("%s line %d: cannot read the answer", c.path, c.lineno);
      if (!ok)
        fail_msg("%s line %d: expected a rate, got a refusal", c.path, c.lineno);
      if (r.numerator != n || r.denominator != d || r.defined != (strcmp(defined, "yes") == 0) ||
          r.permille != permille || r.target_met != (strcmp(met, "yes") == 0))
        fail_msg("%s line %d: expected %s %lld %s, got %s %lld %s", c.path, c.lineno, defined,
                 (long long)permille, met, r.defined ? "yes" : "no", (long long)r.permille,
                 r.target_met ? "yes" : "no");
    }
    count++;
  }
  assert_true(count >= 30);
}

/* EVIDENCE: SPEC D5 */
static void kpi_rate_refuses_a_null_out_and_the_extremes(void **state) {
  (void)state;
  assert_false(kpi_rate(1, 2, 500, NULL));
  struct kpi_rate r = {.permille = -7};
  assert_false(kpi_rate(INT64_MAX, INT64_MAX, 1000, &r));
  assert_false(kpi_rate(INT64_MIN, 0, 1000, &r));
  assert_false(kpi_rate(0, INT64_MAX, 0, &r));
  assert_false(kpi_rate(0, 10, INT64_MAX, &r));
  assert_false(kpi_rate(0, 10, INT64_MIN, &r));
  assert_int_equal(r.permille, -7);
  /* INT64_MAX / 1000 is allowed: 9223372036854775 × 1000 = 9223372036854775000 fits */
  assert_true(kpi_rate(0, INT64_MAX / 1000, 1000, &r));
  assert_true(r.defined);
  assert_int_equal(r.permille, 0);
  assert_false(r.target_met);
}

/* The answer of a visit: an explicit yes/no (0 or 1) decides whatever the score; else a
 * score 1..5 against min_score (the setting, ours 4: "满意" on the five-point scale); else -1.
 * Every value worked out from kpi.h. */
/* EVIDENCE: SPEC D5 — 满意率 over the visits where the customer answered */
static void kpi_satisfied_lets_an_explicit_answer_decide_then_the_score(void **state) {
  (void)state;
  static const int cases[][4] = {
      /* satisfied, score, min_score, expected */
      {1, 1, 4, 1},                   /* said satisfied, scored 1: the explicit answer wins */
      {0, 5, 4, 0},                   /* said not satisfied, scored 5: the explicit answer wins */
      {1, -1, 4, 1},                  /* said satisfied, no score */
      {0, 0, 0, 0},                   /* said not satisfied, no score, no threshold */
      {-1, 5, 4, 1},                  /* no answer, 5 ≥ 4 */
      {-1, 4, 4, 1},                  /* 4 ≥ 4: the threshold itself is satisfied */
      {-1, 3, 4, 0},                  /* 3 < 4 */
      {-1, 1, 4, 0},   {-1, 1, 1, 1}, /* min 1: every score satisfies */
      {-1, 4, 5, 0},                  /* min 5: only 5 */
      {-1, 5, 5, 1},                  /* 5 ≥ 5 */
      {-1, 0, 4, -1},                 /* a score of 0 is no score */
      {-1, 6, 4, -1},                 /* outside 1..5 */
      {-1, -1, 4, -1}, {2, 4, 4, 1},  /* satisfied not 0 or 1: not an answer, the score decides */
      {-1, 4, 0, -1},                 /* min_score outside 1..5: no decision from the score */
      {-1, 4, 6, -1},  {-1, 3, INT_MIN, -1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    if (kpi_satisfied(cases[i][0], cases[i][1], cases[i][2]) != cases[i][3])
      fail_msg("kpi_satisfied(%d, %d, %d): expected %d, got %d", cases[i][0], cases[i][1],
               cases[i][2], cases[i][3], kpi_satisfied(cases[i][0], cases[i][1], cases[i][2]));
}

/* The two rates put together over a small month, counted by hand: 6 planned visits — 3 done
 * on time (one partial), 1 done late, 1 missing, 1 not yet due — and one cancelled:
 * on time 3, due 3 + 1 + 1 = 5, rate 3000 / 5 = 600 ‰, the 100 % target missed. */
/* EVIDENCE: SPEC D5 */
static void kpi_rates_of_a_month_counted_by_hand(void **state) {
  (void)state;
  static const char *const visits[][3] = {
      {"2026-03-02", "done", "2026-03-02"}, {"2026-03-05", "partial", "2026-03-01"},
      {"2026-03-09", "done", "2026-02-27"}, {"2026-03-12", "done", "2026-03-14"},
      {"2026-03-16", "planned", NULL},      {"2026-03-20", "planned", NULL},
      {"2026-03-18", "cancelled", NULL},
  };
  int64_t on_time = 0, due = 0;
  for (size_t i = 0; i < sizeof visits / sizeof visits[0]; i++) {
    enum kpi_visit_class k = kpi_visit_classify(visits[i][0], visits[i][1], visits[i][2],
                                                "2026-03-20"); /* as of the 20th */
    on_time += k == KPI_VISIT_ON_TIME;
    due += k == KPI_VISIT_ON_TIME || k == KPI_VISIT_LATE || k == KPI_VISIT_MISSING;
  }
  assert_int_equal(on_time, 3);
  assert_int_equal(due, 5);
  struct kpi_rate r;
  assert_true(kpi_rate(on_time, due, 1000, &r));
  assert_int_equal(r.permille, 600);
  assert_false(r.target_met);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(kpi_visit_classify_follows_the_table),
      cmocka_unit_test(kpi_visit_classify_excludes_a_null_status),
      cmocka_unit_test(kpi_visit_class_name_gives_the_stable_names),
      cmocka_unit_test(kpi_rate_follows_the_table),
      cmocka_unit_test(kpi_rate_refuses_a_null_out_and_the_extremes),
      cmocka_unit_test(kpi_satisfied_lets_an_explicit_answer_decide_then_the_score),
      cmocka_unit_test(kpi_rates_of_a_month_counted_by_hand),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
