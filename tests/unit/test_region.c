/* test_region.c — src/rules/region.c: GB/T 2260 region codes and what a region grant covers
 * (SPEC A1: customers registered by province / city / district; SPEC L: each role sees only
 * what its region allows; DESIGN.md "Regions": a grant covers every code below it).
 *
 * The cases are tables under tests/unit/data/: region_codes.cases (validity, level, prefix,
 * parent), region_covers.cases (grant × code) and region_is_statistical.cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/rules/region.h"

/* Reads the next line of a case table without its comment; false at the end of the file. */
static bool next_case(FILE *f, char *line, size_t size, int *lineno) {
  while (fgets(line, (int)size, f)) {
    (*lineno)++;
    char *hash = strchr(line, '#');
    if (hash)
      *hash = '\0';
    if (strspn(line, " \t\r\n") < strlen(line))
      return true;
  }
  return false;
}

static FILE *open_cases(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f)
    fail_msg("cannot open %s (tests run in tests/unit)", path);
  return f;
}

/* "-" in a table stands for the empty string. */
static const char *dash_empty(const char *s) {
  return strcmp(s, "-") == 0 ? "" : s;
}

/* EVIDENCE: SPEC A1 */
static void region_code_valid_level_prefix_and_parent_follow_the_table(void **state) {
  (void)state;
  FILE *f = open_cases("data/region_codes.cases");
  char line[256], verdict[16], code[32], prefix[16], parent[16];
  int lineno = 0, count = 0, level;
  while (next_case(f, line, sizeof line, &lineno)) {
    int n = sscanf(line, "%15s %31s %d %15s %15s", verdict, code, &level, prefix, parent);
    if (n == 2 && strcmp(verdict, "invalid") == 0) {
      if (region_code_valid(code))
        fail_msg("region_codes.cases line %d: %s accepted", lineno, code);
    } else if (n == 5 && strcmp(verdict, "valid") == 0) {
      if (!region_code_valid(code))
        fail_msg("region_codes.cases line %d: %s refused", lineno, code);
      char got_prefix[REGION_CODE_LEN + 1], got_parent[REGION_CODE_LEN + 1];
      int got_level = region_level(code);
      region_prefix(code, got_prefix);
      region_parent(code, got_parent);
      if (got_level != level || strcmp(got_prefix, dash_empty(prefix)) != 0 ||
          strcmp(got_parent, dash_empty(parent)) != 0)
        fail_msg("region_codes.cases line %d: %s expected %d \"%s\" \"%s\", got %d \"%s\" "
                 "\"%s\"",
                 lineno, code, level, dash_empty(prefix), dash_empty(parent), got_level, got_prefix,
                 got_parent);
    } else {
      fail_msg("region_codes.cases line %d: cannot read", lineno);
    }
    count++;
  }
  fclose(f);
  assert_true(count >= 25);
}

/* EVIDENCE: SPEC A1 */
static void region_code_valid_refuses_null_and_empty(void **state) {
  (void)state;
  assert_false(region_code_valid(NULL));
  assert_false(region_code_valid(""));
  assert_false(region_code_valid("330100 "));
  assert_false(region_code_valid("3301\0"
                                 "00"));
}

/* Walking up from a district reaches the whole country in three steps, one level each. */
/* EVIDENCE: SPEC A1 */
static void region_parent_walks_up_one_level_at_a_time(void **state) {
  (void)state;
  char code[REGION_CODE_LEN + 1] = "330106";
  static const char *const chain[] = {"330100", "330000", "000000", ""};
  for (int i = 0; i < 4; i++) {
    char parent[REGION_CODE_LEN + 1];
    int level = region_level(code);
    region_parent(code, parent);
    assert_string_equal(parent, chain[i]);
    if (parent[0]) {
      assert_true(region_code_valid(parent));
      assert_int_equal(region_level(parent), level - 1);
      assert_true(region_covers(parent, code));
    }
    memcpy(code, parent, sizeof code);
  }
}

/* EVIDENCE: SPEC L; SPEC A1 — a grant covers every code below it */
static void region_covers_follows_the_table(void **state) {
  (void)state;
  FILE *f = open_cases("data/region_covers.cases");
  char line[256], grant[32], code[32], verdict[8];
  int lineno = 0, count = 0;
  while (next_case(f, line, sizeof line, &lineno)) {
    if (sscanf(line, "%31s %31s %7s", grant, code, verdict) != 3 ||
        (strcmp(verdict, "yes") != 0 && strcmp(verdict, "no") != 0))
      fail_msg("region_covers.cases line %d: cannot read", lineno);
    assert_true(region_code_valid(grant));
    assert_true(region_code_valid(code));
    bool expected = strcmp(verdict, "yes") == 0;
    if (region_covers(grant, code) != expected)
      fail_msg("region_covers.cases line %d: %s covers %s should be %s", lineno, grant, code,
               verdict);
    count++;
  }
  fclose(f);
  assert_true(count >= 40);
}

/* EVIDENCE: SPEC L — the whole-country grant of the general manager and administrators */
static void region_grant_of_the_whole_country_covers_every_code(void **state) {
  (void)state;
  char code[REGION_CODE_LEN + 1];
  for (int province = 11; province <= 99; province += 11)
    for (int city = 0; city <= 90; city += 15)
      for (int district = 0; district <= 99; district += 33) {
        if (city == 0 && district != 0)
          continue;
        snprintf(code, sizeof code, "%02d%02d%02d", province, city, district);
        assert_true(region_code_valid(code));
        assert_true(region_covers("000000", code));
      }
}

/* EVIDENCE: SPEC L; SPEC A1 */
static void region_grant_of_a_city_covers_its_districts(void **state) {
  (void)state;
  assert_true(region_covers("330100", "330106"));
  assert_true(region_covers("330100", "330100"));
  assert_false(region_covers("330100", "330206"));
  assert_false(region_covers("330100", "330000"));
}

/* EVIDENCE: SPEC L; SPEC A1 */
static void region_grant_of_a_province_covers_its_cities_not_another_province(void **state) {
  (void)state;
  assert_true(region_covers("330000", "330106"));
  assert_true(region_covers("330000", "330200"));
  assert_false(region_covers("330000", "320106"));
  assert_false(region_covers("330000", "000000"));
}

/* A grant covers a code exactly when walking up from the code reaches the grant. */
/* EVIDENCE: SPEC L; SPEC A1 */
static void region_covers_agrees_with_walking_up_the_parents(void **state) {
  (void)state;
  static const char *const codes[] = {"000000", "330000", "330100", "330106", "330171",
                                      "330200", "330206", "331000", "331002", "320000",
                                      "320100", "320106", "110000", "110101"};
  size_t n = sizeof codes / sizeof codes[0];
  for (size_t g = 0; g < n; g++)
    for (size_t c = 0; c < n; c++) {
      bool reached = false;
      char walk[REGION_CODE_LEN + 1];
      memcpy(walk, codes[c], sizeof walk);
      while (walk[0] && !reached) {
        reached = strcmp(walk, codes[g]) == 0;
        char up[REGION_CODE_LEN + 1];
        region_parent(walk, up);
        memcpy(walk, up, sizeof walk);
      }
      if (region_covers(codes[g], codes[c]) != reached)
        fail_msg("%s covers %s should be %s", codes[g], codes[c], reached ? "yes" : "no");
    }
}

/* EVIDENCE: SPEC A1 — administrative divisions versus statistical units */
static void region_is_statistical_follows_the_table(void **state) {
  (void)state;
  FILE *f = open_cases("data/region_is_statistical.cases");
  char line[256], verdict[8], code[32], name[128];
  int lineno = 0, count = 0;
  while (next_case(f, line, sizeof line, &lineno)) {
    if (sscanf(line, "%7s %31s %127s", verdict, code, name) != 3 ||
        (strcmp(verdict, "yes") != 0 && strcmp(verdict, "no") != 0))
      fail_msg("region_is_statistical.cases line %d: cannot read", lineno);
    bool expected = strcmp(verdict, "yes") == 0;
    if (region_is_statistical(code, name) != expected)
      fail_msg("region_is_statistical.cases line %d: %s %s should be %s", lineno, code, name,
               verdict);
    count++;
  }
  fclose(f);
  assert_true(count >= 20);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(region_code_valid_level_prefix_and_parent_follow_the_table),
      cmocka_unit_test(region_code_valid_refuses_null_and_empty),
      cmocka_unit_test(region_parent_walks_up_one_level_at_a_time),
      cmocka_unit_test(region_covers_follows_the_table),
      cmocka_unit_test(region_grant_of_the_whole_country_covers_every_code),
      cmocka_unit_test(region_grant_of_a_city_covers_its_districts),
      cmocka_unit_test(region_grant_of_a_province_covers_its_cities_not_another_province),
      cmocka_unit_test(region_covers_agrees_with_walking_up_the_parents),
      cmocka_unit_test(region_is_statistical_follows_the_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
