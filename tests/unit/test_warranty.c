/* test_warranty.c — src/rules/warranty.c: whether a unit is in warranty on a date, until when
 * and why (SPEC B2: one year from acceptance, the manufacturer's longer term, then lifetime
 * paid maintenance; SPEC B3: free replacement in warranty for equipment the company sold;
 * our readings are written in warranty.h).
 *
 * The cases are a table, tests/unit/data/warranty_status.cases, one unit and date per line,
 * every expected value worked out by hand. The sentences of each reason are spelled out
 * below; the walking test checks the borders of the free period for every acceptance day of
 * six years. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/rules/warranty.h"

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

static const char *const state_words[] = {"not_accepted", "in", "out"};
static const char *const basis_words[] = {"none", "company", "manufacturer", "equal",
                                          "manufacturer_only"};

/* The index of word in words, or -1. */
static int word_index(const char *word, const char *const *words, int count) {
  for (int i = 0; i < count; i++)
    if (strcmp(word, words[i]) == 0)
      return i;
  return -1;
}

/* One table line: the unit and date, then either "invalid" or the expected answer. */
struct warranty_case {
  char acceptance[24], sold[8], date[24];
  int company, manufacturer;
  char state[24], basis[24], first[24], last[24], free[8], reason[64];
  int months;
};

static int read_case(const char *line, struct warranty_case *w) {
  return sscanf(line, "%23s %d %d %7s %23s %23s %23s %d %23s %23s %7s %63s", w->acceptance,
                &w->company, &w->manufacturer, w->sold, w->date, w->state, w->basis, &w->months,
                w->first, w->last, w->free, w->reason);
}

static void check_answer(const struct cases *c, const struct warranty_case *w,
                         const struct warranty_answer *a) {
  int state = word_index(w->state, state_words, 3), basis = word_index(w->basis, basis_words, 5);
  if (state < 0 || basis < 0 || (strcmp(w->free, "yes") != 0 && strcmp(w->free, "no") != 0))
    fail_msg("%s line %d: cannot read the answer", c->path, c->lineno);
  if ((int)a->state != state || (int)a->basis != basis || a->months != w->months ||
      strcmp(a->first_day, dash_empty(w->first)) != 0 ||
      strcmp(a->last_day, dash_empty(w->last)) != 0 ||
      a->replacement_free != (strcmp(w->free, "yes") == 0) || strcmp(a->reason, w->reason) != 0)
    fail_msg("%s line %d: expected %s %s %d %s %s %s %s, got %s %s %d %s %s %s %s", c->path,
             c->lineno, w->state, w->basis, w->months, w->first, w->last, w->free, w->reason,
             state_words[a->state], basis_words[a->basis], a->months, a->first_day, a->last_day,
             a->replacement_free ? "yes" : "no", a->reason);
  if (!a->text[0])
    fail_msg("%s line %d: no sentence", c->path, c->lineno);
}

/* EVIDENCE: SPEC B2; SPEC B3 — worked out by hand line by line */
static void warranty_status_follows_the_table(void **state) {
  (void)state;
  struct cases c;
  cases_open(&c, "data/warranty_status.cases");
  int count = 0;
  while (cases_next(&c)) {
    struct warranty_case w;
    int n = read_case(c.line, &w);
    struct warranty_unit unit = {strcmp(w.acceptance, "-") == 0 ? NULL : w.acceptance, w.company,
                                 w.manufacturer, strcmp(w.sold, "yes") == 0};
    struct warranty_answer answer;
    memset(&answer, 0x5a, sizeof answer);
    bool ok = warranty_status(&unit, w.date, &answer);
    if (n == 6 && strcmp(w.state, "invalid") == 0) {
      if (ok || answer.months != 0x5a5a5a5a)
        fail_msg("%s line %d: expected a refusal that leaves the answer untouched", c.path,
                 c.lineno);
    } else if (n == 12) {
      if (!ok)
        fail_msg("%s line %d: refused", c.path, c.lineno);
      check_answer(&c, &w, &answer);
    } else {
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    }
    count++;
  }
  assert_true(count >= 80);
}

/* The sentence for the unit and date, checked against one spelled out by hand. */
static void assert_sentence(const char *acceptance, int company, int manufacturer, bool sold,
                            const char *date, const char *reason, const char *expected) {
  struct warranty_unit unit = {acceptance, company, manufacturer, sold};
  struct warranty_answer answer;
  assert_true(warranty_status(&unit, date, &answer));
  assert_string_equal(answer.reason, reason);
  assert_string_equal(answer.text, expected);
}

/* EVIDENCE: SPEC B2; SPEC B3 */
static void warranty_status_explains_each_reason_in_a_chinese_sentence(void **state) {
  (void)state;
  assert_sentence(NULL, 12, 0, true, "2026-05-01", "not_accepted",
                  "尚未验收：免费保修期自验收之日起算，尚未开始");
  assert_sentence("2026-01-31", 12, 0, true, "2026-01-30", "before_acceptance",
                  "查询日期2026-01-30早于验收日期2026-01-31，尚未验收：免费保修期将为2026-01-31至"
                  "2027-01-31");
  assert_sentence("2026-01-31", 12, 0, false, "2026-01-30", "before_acceptance",
                  "查询日期2026-01-30早于验收日期2026-01-31，尚未验收：非我公司出售的设备且无厂家"
                  "免费保修，验收后为终身有偿维修，配件按厂家价目表收费");
  assert_sentence("2026-01-31", 12, 0, true, "2026-06-01", "company_term",
                  "验收日期2026-01-31起，公司免费保修12个月，至2027-01-31止");
  assert_sentence("2026-03-15", 12, 24, true, "2027-06-01", "manufacturer_term_longer",
                  "验收日期2026-03-15起，厂家免费保修24个月，长于公司的12个月，按厂家规定保修，至"
                  "2028-03-15止");
  assert_sentence("2026-03-15", 12, 12, true, "2026-06-01", "terms_equal",
                  "验收日期2026-03-15起，公司与厂家免费保修均为12个月，至2027-03-15止");
  assert_sentence("2026-01-31", 12, 6, false, "2026-02-01", "not_sold_by_company_manufacturer_term",
                  "非我公司出售的设备，公司免费保修不适用；验收日期2026-01-31起按厂家规定免费保修6"
                  "个月，至2026-07-31止，更换件不由我公司免费提供");
  assert_sentence("2026-01-31", 12, 0, false, "2026-02-01", "not_sold_by_company",
                  "非我公司出售的设备，公司免费保修不适用，且无厂家免费保修：终身有偿维修，配件按厂"
                  "家价目表收费");
  assert_sentence("2026-01-31", 12, 0, true, "2027-02-01", "expired_paid_maintenance",
                  "验收日期2026-01-31起，公司免费保修12个月，已于2027-01-31届满：终身有偿维修，配件"
                  "按厂家价目表收费");
  assert_sentence("2026-03-15", 12, 24, true, "2028-03-16", "expired_paid_maintenance",
                  "验收日期2026-03-15起，按厂家规定免费保修24个月，已于2028-03-15届满：终身有偿维修"
                  "，配件按厂家价目表收费");
  assert_sentence("2026-03-15", 12, 12, true, "2027-03-16", "expired_paid_maintenance",
                  "验收日期2026-03-15起，公司与厂家均免费保修12个月，已于2027-03-15届满：终身有偿"
                  "维修，配件按厂家价目表收费");
  assert_sentence("2026-01-31", 12, 6, false, "2026-08-01", "expired_paid_maintenance",
                  "验收日期2026-01-31起，按厂家规定（非我公司出售）免费保修6个月，已于2026-07-31届"
                  "满：终身有偿维修，配件按厂家价目表收费");
}

/* EVIDENCE: SPEC B2 */
static void warranty_status_refuses_null_and_leaves_the_answer_untouched(void **state) {
  (void)state;
  struct warranty_unit unit = {"2026-01-31", 12, 0, true};
  struct warranty_answer answer;
  memset(&answer, 0x5a, sizeof answer);
  assert_false(warranty_status(NULL, "2026-05-01", &answer));
  assert_false(warranty_status(&unit, NULL, &answer));
  assert_false(warranty_status(&unit, "", &answer));
  assert_false(warranty_status(&unit, "2026-05-01", NULL));
  assert_int_equal(answer.months, 0x5a5a5a5a);
}

/* The store may hold "" for a unit not accepted yet; it reads as no acceptance date. */
/* EVIDENCE: SPEC B2 */
static void warranty_status_takes_an_empty_acceptance_date_as_not_accepted(void **state) {
  (void)state;
  struct warranty_unit unit = {"", 12, 0, true};
  struct warranty_answer answer;
  assert_true(warranty_status(&unit, "2026-05-01", &answer));
  assert_int_equal(answer.state, WARRANTY_NOT_ACCEPTED);
  assert_string_equal(answer.reason, "not_accepted");
  assert_string_equal(answer.first_day, "");
  assert_string_equal(answer.last_day, "");
  assert_false(answer.replacement_free);
}

/* Calendar steps for the walking test, sharing nothing with period.c. */
struct civil {
  int year, month, day;
};

static int month_length(int year, int month) {
  if (month == 2)
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

static struct civil step_day(struct civil d, int by) {
  d.day += by;
  if (d.day > month_length(d.year, d.month)) {
    d.day = 1;
    if (++d.month > 12) {
      d.month = 1;
      d.year++;
    }
  } else if (d.day < 1) {
    if (--d.month < 1) {
      d.month = 12;
      d.year--;
    }
    d.day = month_length(d.year, d.month);
  }
  return d;
}

static struct civil parse_civil(const char *s) {
  struct civil d = {0, 0, 0};
  assert_int_equal(sscanf(s, "%4d-%2d-%2d", &d.year, &d.month, &d.day), 3);
  return d;
}

static void format_civil(struct civil d, char out[32]) {
  snprintf(out, 32, "%04d-%02d-%02d", d.year, d.month, d.day);
}

/* The answer's state and free replacement on one date. */
static void assert_state_on(const struct warranty_unit *unit, struct civil day,
                            enum warranty_state expected) {
  char date[32];
  struct warranty_answer answer;
  format_civil(day, date);
  assert_true(warranty_status(unit, date, &answer));
  if (answer.state != expected)
    fail_msg("accepted %s (%d, %d, %s), on %s: expected %s, got %s (%s)", unit->acceptance_date,
             unit->company_months, unit->manufacturer_months,
             unit->sold_by_company ? "sold" : "not sold", date, warranty_state_name(expected),
             warranty_state_name(answer.state), answer.reason);
  assert_int_equal(answer.replacement_free, expected == WARRANTY_IN && unit->sold_by_company);
}

/* For every acceptance day of 2023–2028 and a spread of terms: the day before acceptance is
 * not yet in warranty, the acceptance day and the last day are in, the day after the last day
 * is out; the last day ends the longer term (the manufacturer's only, for units not sold). */
/* EVIDENCE: SPEC B2; SPEC B3 */
static void warranty_status_is_in_warranty_from_acceptance_through_the_last_day(void **state) {
  (void)state;
  static const int terms[][2] = {{12, 0}, {12, 6}, {12, 12}, {12, 13}, {12, 24}, {1, 0}, {24, 36}};
  for (struct civil d = {2023, 1, 1}; d.year <= 2028; d = step_day(d, 1))
    for (size_t t = 0; t < sizeof terms / sizeof terms[0]; t++)
      for (int sold = 0; sold <= 1; sold++) {
        char acceptance[32];
        format_civil(d, acceptance);
        struct warranty_unit unit = {acceptance, terms[t][0], terms[t][1], sold == 1};
        int company = sold ? terms[t][0] : 0, manufacturer = terms[t][1];
        int months = company > manufacturer ? company : manufacturer;
        struct warranty_answer answer;
        assert_true(warranty_status(&unit, acceptance, &answer));
        assert_state_on(&unit, step_day(d, -1), WARRANTY_NOT_ACCEPTED);
        if (months == 0) {
          assert_state_on(&unit, d, WARRANTY_OUT);
          assert_string_equal(answer.last_day, "");
          continue;
        }
        char expected_last[PERIOD_DATE_LEN + 1];
        assert_true(period_last_day(acceptance, months, expected_last));
        assert_string_equal(answer.first_day, acceptance);
        assert_string_equal(answer.last_day, expected_last);
        assert_int_equal(answer.months, months);
        struct civil last = parse_civil(expected_last);
        assert_state_on(&unit, d, WARRANTY_IN);
        assert_state_on(&unit, last, WARRANTY_IN);
        assert_state_on(&unit, step_day(last, 1), WARRANTY_OUT);
      }
}

/* EVIDENCE: SPEC B2 */
static void warranty_state_and_basis_names_are_stable(void **state) {
  (void)state;
  assert_string_equal(warranty_state_name(WARRANTY_NOT_ACCEPTED), "not_accepted");
  assert_string_equal(warranty_state_name(WARRANTY_IN), "in_warranty");
  assert_string_equal(warranty_state_name(WARRANTY_OUT), "paid_maintenance");
  for (int b = WARRANTY_BASIS_NONE; b <= WARRANTY_BASIS_MANUFACTURER_ONLY; b++)
    assert_string_equal(warranty_basis_name((enum warranty_basis)b), basis_words[b]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(warranty_status_follows_the_table),
      cmocka_unit_test(warranty_status_explains_each_reason_in_a_chinese_sentence),
      cmocka_unit_test(warranty_status_refuses_null_and_leaves_the_answer_untouched),
      cmocka_unit_test(warranty_status_takes_an_empty_acceptance_date_as_not_accepted),
      cmocka_unit_test(warranty_status_is_in_warranty_from_acceptance_through_the_last_day),
      cmocka_unit_test(warranty_state_and_basis_names_are_stable),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
