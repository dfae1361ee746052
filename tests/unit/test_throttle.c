/* test_throttle.c — src/rules/throttle.c: failed logins are slowed, then locked, per account
 * and per address (SPEC L; DESIGN.md "Auth": lockout thresholds are settings; the reading is
 * written in throttle.h).
 *
 * The cases are a table, tests/unit/data/throttle.cases: "policy" lines set the thresholds
 * for the lines after them; "wait", "account" and "address" lines check one call each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/rules/throttle.h"

/* 2026-11-28T12:02:17Z: the instant the table's times count from. */
#define T ((int64_t)1795867337)

/* Reads one time field of the table: "-" is the absolute 0 of a field never set, a number is
 * seconds after T. Returns false if the word is neither. */
static bool read_time(const char *word, int64_t *out) {
  long long rel;
  char rest;
  if (strcmp(word, "-") == 0) {
    *out = 0;
    return true;
  }
  if (sscanf(word, "%lld%c", &rel, &rest) != 1)
    return false;
  *out = T + rel;
  return true;
}

/* Splits a line into at most max words; returns their number. */
static int split_words(char *line, char words[][24], int max) {
  int n = 0, used;
  const char *p = line;
  while (n < max && sscanf(p, " %23s%n", words[n], &used) == 1) {
    n++;
    p += used;
  }
  return n;
}

static void check_wait_line(const struct throttle_policy *policy, char words[][24], int lineno) {
  struct account_state account = {0};
  struct address_state address = {0};
  int64_t now = 0;
  long long expected = 0;
  if (sscanf(words[1], "%d", &account.failures) != 1 ||
      !read_time(words[2], &account.last_failed_at) ||
      !read_time(words[3], &account.locked_until) ||
      sscanf(words[4], "%d", &address.failures) != 1 ||
      !read_time(words[5], &address.window_start) || !read_time(words[6], &now) ||
      sscanf(words[7], "%lld", &expected) != 1)
    fail_msg("throttle.cases line %d: cannot read", lineno);
  int64_t got = throttle_wait(policy, &account, &address, now);
  if (got != expected)
    fail_msg("throttle.cases line %d: expected a wait of %lld s, got %lld s", lineno, expected,
             (long long)got);
}

static void check_account_line(const struct throttle_policy *policy, char words[][24], int lineno) {
  struct account_state before = {0}, expected = {0};
  int64_t now = 0;
  if (sscanf(words[1], "%d", &before.failures) != 1 ||
      !read_time(words[2], &before.last_failed_at) || !read_time(words[3], &before.locked_until) ||
      !read_time(words[4], &now) || sscanf(words[5], "%d", &expected.failures) != 1 ||
      !read_time(words[6], &expected.last_failed_at) ||
      !read_time(words[7], &expected.locked_until))
    fail_msg("throttle.cases line %d: cannot read", lineno);
  struct account_state got = throttle_account_failed(policy, before, now);
  if (got.failures != expected.failures || got.last_failed_at != expected.last_failed_at ||
      got.locked_until != expected.locked_until)
    fail_msg("throttle.cases line %d: expected %d %lld %lld, got %d %lld %lld", lineno,
             expected.failures, (long long)expected.last_failed_at,
             (long long)expected.locked_until, got.failures, (long long)got.last_failed_at,
             (long long)got.locked_until);
}

static void check_address_line(const struct throttle_policy *policy, char words[][24], int lineno) {
  struct address_state before = {0}, expected = {0};
  int64_t now = 0;
  if (sscanf(words[1], "%d", &before.failures) != 1 || !read_time(words[2], &before.window_start) ||
      !read_time(words[3], &now) || sscanf(words[4], "%d", &expected.failures) != 1 ||
      !read_time(words[5], &expected.window_start))
    fail_msg("throttle.cases line %d: cannot read", lineno);
  struct address_state got = throttle_address_failed(policy, before, now);
  if (got.failures != expected.failures || got.window_start != expected.window_start)
    fail_msg("throttle.cases line %d: expected %d %lld, got %d %lld", lineno, expected.failures,
             (long long)expected.window_start, got.failures, (long long)got.window_start);
}

/* EVIDENCE: SPEC L — repeated failed logins are slowed, then locked */
static void throttle_follows_every_case_of_the_table(void **state) {
  (void)state;
  FILE *f = fopen("data/throttle.cases", "r");
  assert_non_null(f);
  struct throttle_policy policy = {0};
  bool have_policy = false;
  char line[256], words[9][24];
  int lineno = 0, count = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *hash = strchr(line, '#');
    if (hash)
      *hash = '\0';
    int n = split_words(line, words, 9);
    if (n == 0)
      continue;
    long long lock_seconds, window_seconds;
    if (strcmp(words[0], "policy") == 0 && n == 6 &&
        sscanf(words[1], "%d", &policy.slow_after) == 1 &&
        sscanf(words[2], "%d", &policy.lock_after) == 1 &&
        sscanf(words[3], "%lld", &lock_seconds) == 1 &&
        sscanf(words[4], "%d", &policy.address_max) == 1 &&
        sscanf(words[5], "%lld", &window_seconds) == 1) {
      policy.lock_seconds = lock_seconds;
      policy.window_seconds = window_seconds;
      have_policy = true;
      continue;
    }
    if (!have_policy)
      fail_msg("throttle.cases line %d: no policy line before it", lineno);
    if (strcmp(words[0], "wait") == 0 && n == 8)
      check_wait_line(&policy, words, lineno);
    else if (strcmp(words[0], "account") == 0 && n == 8)
      check_account_line(&policy, words, lineno);
    else if (strcmp(words[0], "address") == 0 && n == 6)
      check_address_line(&policy, words, lineno);
    else
      fail_msg("throttle.cases line %d: cannot read", lineno);
    count++;
  }
  fclose(f);
  assert_true(count >= 50);
}

/* Someone tries again as soon as allowed and fails every time: the waits after each failure
 * are 0, 0 (below slow_after = 3), then 1, 2, 4, 8, 16, 32, 64 s, and the 10th failure locks
 * for 900 s. */
/* EVIDENCE: SPEC L */
static void throttle_slows_a_run_of_failures_then_locks_at_the_tenth(void **state) {
  (void)state;
  const struct throttle_policy policy = {3, 10, 900, 0, 0};
  static const int64_t expected[10] = {0, 0, 1, 2, 4, 8, 16, 32, 64, 900};
  struct account_state account = {0};
  const struct address_state address = {0};
  int64_t now = T;
  for (int i = 0; i < 10; i++) {
    assert_int_equal(throttle_wait(&policy, &account, &address, now), 0);
    account = throttle_account_failed(&policy, account, now);
    assert_int_equal(account.failures, i + 1);
    int64_t wait = throttle_wait(&policy, &account, &address, now);
    if (wait != expected[i])
      fail_msg("after failure %d: expected %lld s, got %lld s", i + 1, (long long)expected[i],
               (long long)wait);
    assert_int_equal(throttle_wait(&policy, &account, &address, now + wait), 0);
    if (wait > 0)
      assert_int_equal(throttle_wait(&policy, &account, &address, now + wait - 1), 1);
    now += wait;
  }
  assert_int_equal(account.locked_until, now);
}

/* Under any policy, one more failure never shortens the wait. */
/* EVIDENCE: SPEC L */
static void throttle_never_waits_less_after_more_failures(void **state) {
  (void)state;
  static const struct throttle_policy policies[] = {
      {3, 10, 900, 5, 600},
      {3, 0, 60, 0, 0},
      {1, 5, 300, 0, 0},
      {3, 0, 0, 0, 0},
  };
  for (size_t k = 0; k < sizeof policies / sizeof policies[0]; k++) {
    struct account_state account = {0};
    const struct address_state address = {0};
    int64_t previous = 0;
    for (int n = 1; n <= 45; n++) {
      account = throttle_account_failed(&policies[k], account, T);
      int64_t wait = throttle_wait(&policies[k], &account, &address, T);
      if (wait < previous)
        fail_msg("policy %zu: %d failures wait %lld s, %d failures waited %lld s", k, n,
                 (long long)wait, n - 1, (long long)previous);
      previous = wait;
    }
  }
}

/* An address refused in one window is welcome again in the next. */
/* EVIDENCE: SPEC L */
static void throttle_address_window_resets_after_window_seconds(void **state) {
  (void)state;
  const struct throttle_policy policy = {0, 0, 0, 5, 600};
  const struct account_state account = {0};
  struct address_state address = {0};
  for (int i = 0; i < 5; i++)
    address = throttle_address_failed(&policy, address, T + i * 100);
  assert_int_equal(address.failures, 5);
  assert_true(address.window_start == T);
  assert_int_equal(throttle_wait(&policy, &account, &address, T + 400), 200);
  assert_int_equal(throttle_wait(&policy, &account, &address, T + 600), 0);
  address = throttle_address_failed(&policy, address, T + 600);
  assert_int_equal(address.failures, 1);
  assert_true(address.window_start == T + 600);
  assert_int_equal(throttle_wait(&policy, &account, &address, T + 600), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(throttle_follows_every_case_of_the_table),
      cmocka_unit_test(throttle_slows_a_run_of_failures_then_locks_at_the_tenth),
      cmocka_unit_test(throttle_never_waits_less_after_more_failures),
      cmocka_unit_test(throttle_address_window_resets_after_window_seconds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
