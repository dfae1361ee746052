/* test_roles.c — src/rules/roles.c: the fourteen roles of SPEC L, their names, and the
 * role × action matrix that decides who may do what.
 *
 * The matrix is a table, tests/unit/data/permission_matrix.cases, one action a line with the
 * roles allowed; the test checks every role against every action, both ways, so a role that
 * gains or loses an action in the code fails here until the table says so too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/rules/roles.h"

/* The roles of SPEC L in its order, by their API names. */
static const char *const spec_roles[] = {
    "agent",      /* hotline/return-visit agent */
    "dispatcher", /* dispatcher */
    "technician", /* technician */
    "engineering_manager",
    "project_manager",
    "qc",
    "warehouse", /* warehouse/logistics */
    "finance",
    "department_head",
    "vice_gm",
    "gm",
    "dealer",
    "customer", /* customer (portal) */
    "admin",    /* administrator */
};

#define NROLES (sizeof spec_roles / sizeof spec_roles[0])

static const char *const spec_actions[] = {
    "customer:read",
    "customer:write",
    "customer:delete",
    "customer:history",
    "dealer:read",
    "dealer:write",
    "dealer:record",
    "supplier:read",
    "supplier:write",
    "supplier:audit",
    "project:read",
    "project:write",
    "equipment:write",
    "card:issue",
    "import",
    "audit:read",
    "setting:read",
    "setting:write",
    "user:read",
    "user:write",
    "reference:read",
    "self",
    /* issue 4: tickets (SPEC C1-C7) and the work calendar */
    "ticket:read",
    "ticket:create",
    "ticket:write",
    "ticket:dispatch",
    "ticket:field",
    "ticket:close",
    "calendar:write",
    "visit:read",
    "visit:plan",
    "visit:write",
    "phrase:write",
    "survey:write",
    "complaint:read",
    "complaint:write",
    "complaint:assign",
    "complaint:answer",
    "kpi:read",
    /* colleagues for the UI's pickers (issue 6) */
    "staff:read",
};

#define NACTIONS (sizeof spec_actions / sizeof spec_actions[0])

/* EVIDENCE: SPEC L — fourteen roles */
static void roles_are_the_fourteen_of_spec_l(void **state) {
  (void)state;
  assert_int_equal(ROLE_COUNT, 14);
  assert_int_equal(NROLES, 14);
}

/* EVIDENCE: SPEC L */
static void role_parse_and_role_name_round_trip_for_every_role(void **state) {
  (void)state;
  bool seen[ROLE_COUNT] = {false};
  for (size_t i = 0; i < NROLES; i++) {
    enum role role = ROLE_COUNT;
    if (!role_parse(spec_roles[i], &role))
      fail_msg("role \"%s\" does not parse", spec_roles[i]);
    assert_true((unsigned)role < ROLE_COUNT);
    assert_false(seen[role]); /* two names for one role */
    seen[role] = true;
    assert_string_equal(role_name(role), spec_roles[i]);
  }
  for (int r = 0; r < ROLE_COUNT; r++) {
    enum role back = ROLE_COUNT;
    assert_true(role_parse(role_name((enum role)r), &back));
    assert_int_equal(back, r);
  }
}

/* EVIDENCE: SPEC L */
static void role_parse_refuses_anything_but_an_exact_name(void **state) {
  (void)state;
  static const char *const bad[] = {"",         "Agent", "ADMIN",        "admin ",
                                    " admin",   "gm\n",  "vice-gm",      "?",
                                    "客服专员", "root",  "administrator"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    enum role role = ROLE_AGENT;
    if (role_parse(bad[i], &role))
      fail_msg("\"%s\" parsed as a role", bad[i]);
    assert_int_equal(role, ROLE_AGENT); /* untouched */
  }
  enum role role = ROLE_AGENT;
  assert_false(role_parse(NULL, &role));
}

/* EVIDENCE: SPEC L */
static void role_name_and_label_of_an_unknown_role_are_a_question_mark(void **state) {
  (void)state;
  assert_string_equal(role_name(ROLE_COUNT), "?");
  assert_string_equal(role_name((enum role) - 1), "?");
  assert_string_equal(role_label_zh(ROLE_COUNT), "?");
  assert_string_equal(role_label_zh((enum role)99), "?");
}

/* The Chinese terms of the SPEC glossary and the rulebook (总经理, 副总经理 in the travel
 * rules), and a distinct label for every role. */
/* EVIDENCE: SPEC L; SPEC glossary */
static void role_labels_are_the_chinese_terms_of_the_glossary(void **state) {
  (void)state;
  assert_string_equal(role_label_zh(ROLE_TECHNICIAN), "巡回服务人员");
  assert_string_equal(role_label_zh(ROLE_ENGINEERING_MANAGER), "工程部经理");
  assert_string_equal(role_label_zh(ROLE_PROJECT_MANAGER), "项目经理");
  assert_string_equal(role_label_zh(ROLE_DEALER), "经销商");
  assert_string_equal(role_label_zh(ROLE_GM), "总经理");
  assert_string_equal(role_label_zh(ROLE_VICE_GM), "副总经理");
  for (int a = 0; a < ROLE_COUNT; a++) {
    assert_string_not_equal(role_label_zh((enum role)a), "?");
    for (int b = a + 1; b < ROLE_COUNT; b++)
      assert_string_not_equal(role_label_zh((enum role)a), role_label_zh((enum role)b));
  }
}

/* EVIDENCE: SPEC L */
static void action_parse_and_action_name_round_trip_for_every_action(void **state) {
  (void)state;
  assert_int_equal(ACTION_COUNT, NACTIONS);
  bool seen[ACTION_COUNT] = {false};
  for (size_t i = 0; i < NACTIONS; i++) {
    enum action action = ACTION_COUNT;
    if (!action_parse(spec_actions[i], &action))
      fail_msg("action \"%s\" does not parse", spec_actions[i]);
    assert_true((unsigned)action < ACTION_COUNT);
    assert_false(seen[action]);
    seen[action] = true;
    assert_string_equal(action_name(action), spec_actions[i]);
  }
  enum action action = ACTION_SELF;
  assert_false(action_parse("public", &action)); /* public routes ask no permission */
  assert_false(action_parse("customer:READ", &action));
  assert_false(action_parse("", &action));
  assert_false(action_parse(NULL, &action));
  assert_int_equal(action, ACTION_SELF);
  assert_string_equal(action_name(ACTION_COUNT), "?");
}

/* Reads the matrix table into allowed[action][role]; fails on any line it cannot read. */
static void read_permission_matrix(bool allowed[ACTION_COUNT][ROLE_COUNT]) {
  FILE *f = fopen("data/permission_matrix.cases", "r");
  assert_non_null(f);
  bool listed[ACTION_COUNT] = {false};
  char line[512];
  int lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *hash = strchr(line, '#');
    if (hash)
      *hash = '\0';
    char word[64];
    int used;
    const char *p = line;
    if (sscanf(p, " %63s%n", word, &used) != 1)
      continue;
    enum action action;
    if (!action_parse(word, &action))
      fail_msg("permission_matrix.cases line %d: unknown action %s", lineno, word);
    if (listed[action])
      fail_msg("permission_matrix.cases line %d: %s listed twice", lineno, word);
    listed[action] = true;
    for (p += used; sscanf(p, " %63s%n", word, &used) == 1; p += used) {
      enum role role;
      if (!role_parse(word, &role))
        fail_msg("permission_matrix.cases line %d: unknown role %s", lineno, word);
      allowed[action][role] = true;
    }
  }
  fclose(f);
  for (int a = 0; a < ACTION_COUNT; a++)
    if (!listed[a])
      fail_msg("permission_matrix.cases has no line for %s", action_name((enum action)a));
}

/* EVIDENCE: SPEC L — each role sees and changes only what its role allows */
static void permission_allows_exactly_the_matrix_of_the_table(void **state) {
  (void)state;
  bool allowed[ACTION_COUNT][ROLE_COUNT] = {{false}};
  read_permission_matrix(allowed);
  int wrong = 0;
  for (int a = 0; a < ACTION_COUNT; a++)
    for (int r = 0; r < ROLE_COUNT; r++)
      if (permission_allows((enum role)r, (enum action)a) != allowed[a][r]) {
        print_error("%s × %s: table says %s, code says %s\n", role_name((enum role)r),
                    action_name((enum action)a), allowed[a][r] ? "allowed" : "refused",
                    allowed[a][r] ? "refused" : "allowed");
        wrong++;
      }
  assert_int_equal(wrong, 0);
}

/* EVIDENCE: SPEC L */
static void permission_allows_nothing_to_an_unknown_role_or_action(void **state) {
  (void)state;
  for (int a = 0; a < ACTION_COUNT; a++) {
    assert_false(permission_allows(ROLE_COUNT, (enum action)a));
    assert_false(permission_allows((enum role) - 1, (enum action)a));
    assert_false(permission_allows((enum role)31, (enum action)a));
    assert_false(permission_allows((enum role)32, (enum action)a));
  }
  for (int r = 0; r < ROLE_COUNT; r++) {
    assert_false(permission_allows((enum role)r, ACTION_COUNT));
    assert_false(permission_allows((enum role)r, (enum action) - 1));
  }
}

/* Whoever may delete a customer may also read and change one, and whoever may change a
 * setting may read it: a permission never stands without the ones it implies. */
/* EVIDENCE: SPEC L */
static void permission_to_delete_or_change_implies_permission_to_read(void **state) {
  (void)state;
  for (int r = 0; r < ROLE_COUNT; r++) {
    enum role role = (enum role)r;
    if (permission_allows(role, ACTION_CUSTOMER_DELETE))
      assert_true(permission_allows(role, ACTION_CUSTOMER_WRITE));
    if (permission_allows(role, ACTION_CUSTOMER_WRITE))
      assert_true(permission_allows(role, ACTION_CUSTOMER_READ));
    if (permission_allows(role, ACTION_SETTING_WRITE))
      assert_true(permission_allows(role, ACTION_SETTING_READ));
    if (permission_allows(role, ACTION_USER_WRITE))
      assert_true(permission_allows(role, ACTION_USER_READ));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(roles_are_the_fourteen_of_spec_l),
      cmocka_unit_test(role_parse_and_role_name_round_trip_for_every_role),
      cmocka_unit_test(role_parse_refuses_anything_but_an_exact_name),
      cmocka_unit_test(role_name_and_label_of_an_unknown_role_are_a_question_mark),
      cmocka_unit_test(role_labels_are_the_chinese_terms_of_the_glossary),
      cmocka_unit_test(action_parse_and_action_name_round_trip_for_every_action),
      cmocka_unit_test(permission_allows_exactly_the_matrix_of_the_table),
      cmocka_unit_test(permission_allows_nothing_to_an_unknown_role_or_action),
      cmocka_unit_test(permission_to_delete_or_change_implies_permission_to_read),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
