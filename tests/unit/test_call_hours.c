/* test_call_hours.c — src/rules/call_hours.c: when the return-visit desk may phone a customer
 * (SPEC D3; 年终总结2 4: 拨打电话时要注意时间不宜太早或太晚,也不适宜在午休时间去电客户; the
 * windows and our readings are in call_hours.h).
 *
 * The cases are a table, tests/unit/data/call_hours.cases, one question per line with the
 * instants written as local ISO 8601 times (read by time_parse_iso, tested on its own) or as
 * raw seconds before 1970, every expected answer worked out by hand. The walking test checks
 * the three functions against each other and against a minute-by-minute search over two days
 * in several zones; the tests below it check the limits of the windows and of the instants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/base/timefmt.h"
#include "../../src/rules/call_hours.h"

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

/* Reads "HH:MM-HH:MM,..." (hours 0..24, minutes 0..59, not checked further: the windows'
 * checks are what is tested) or "none"; false when the text cannot be read. */
static bool read_windows(const char *text, struct call_window *w, size_t max, size_t *n) {
  *n = 0;
  if (strcmp(text, "none") == 0)
    return true;
  for (const char *p = text; *p;) {
    int h1, m1, h2, m2, used = 0;
    if (*n >= max || sscanf(p, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &used) != 4 || used != 11)
      return false;
    w[(*n)++] = (struct call_window){h1 * 60 + m1, h2 * 60 + m2};
    p += used;
    if (*p == ',')
      p++;
  }
  return true;
}

/* Reads an instant: "@N" seconds since the epoch, or ISO 8601 with an offset. */
static bool read_instant(const char *text, int64_t *out) {
  if (text[0] == '@') {
    long long v;
    char tail;
    if (sscanf(text + 1, "%lld%c", &v, &tail) != 1)
      return false;
    *out = (int64_t)v;
    return true;
  }
  return time_parse_iso(text, out);
}

/* EVIDENCE: SPEC D3 — calling hours, worked out by hand line by line */
static void call_hours_follow_the_table(void **state) {
  (void)state;
  struct cases c;
  cases_open(&c, "data/call_hours.cases");
  int count = 0;
  while (cases_next(&c)) {
    char op[16], windows[128], at[48], f4[48], f5[48], f6[48] = "";
    int tz;
    int fields =
        sscanf(c.line, "%15s %127s %d %47s %47s %47s %47s", op, windows, &tz, at, f4, f5, f6);
    struct call_window w[64];
    size_t n = 0;
    int64_t t;
    if (fields < 6 || !read_windows(windows, w, 64, &n) || !read_instant(at, &t))
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    if (strcmp(op, "inside") == 0) {
      if (fields != 6 || strcmp(f4, "->") != 0 || (strcmp(f5, "yes") && strcmp(f5, "no")))
        fail_msg("%s line %d: cannot read", c.path, c.lineno);
      bool got = call_hours_inside(w, n, tz, t);
      if (got != (strcmp(f5, "yes") == 0))
        fail_msg("%s line %d: expected %s, got %s", c.path, c.lineno, f5, got ? "yes" : "no");
      count++;
      continue;
    }
    int minutes = 0;
    const char *expected = f5;
    bool ok;
    int64_t got = INT64_MIN, want = 0;
    if (strcmp(op, "next") == 0 && fields == 6 && strcmp(f4, "->") == 0) {
      ok = call_hours_next(w, n, tz, t, &got);
    } else if (strcmp(op, "retry") == 0 && fields == 7 && strcmp(f5, "->") == 0 &&
               sscanf(f4, "%d", &minutes) == 1) {
      expected = f6;
      ok = call_hours_retry_at(w, n, tz, t, minutes, &got);
    } else {
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
      return;
    }
    if (strcmp(expected, "invalid") == 0) {
      if (ok || got != INT64_MIN)
        fail_msg("%s line %d: expected a refusal with out untouched", c.path, c.lineno);
    } else {
      if (!read_instant(expected, &want))
        fail_msg("%s line %d: cannot read %s", c.path, c.lineno, expected);
      if (!ok || got != want)
        fail_msg("%s line %d: expected %lld, got %s%lld", c.path, c.lineno, (long long)want,
                 ok ? "" : "a refusal ", (long long)got);
    }
    count++;
  }
  assert_true(count >= 100);
}

/* A second reading of the rule, with no arithmetic of its own: the next instant is found by
 * asking call_hours_inside minute by minute (zones are whole minutes, windows start on whole
 * local minutes, so a window cannot begin between two minutes). For every start second
 * tried over two days: next(t) is t exactly when t is inside, next(t) is inside, nothing
 * before it is, and a retry of 0 minutes is next(t). */
/* EVIDENCE: SPEC D3 */
static void call_hours_next_agrees_with_a_minute_by_minute_search(void **state) {
  (void)state;
  static const struct call_window sets[][2] = {
      {{540, 720}, {840, 1200}}, /* 09:00-12:00, 14:00-20:00 */
      {{720, 840}, {840, 900}},  /* touching */
      {{0, 1}, {1439, 1440}},    /* a minute after midnight and one before */
  };
  static const int zones[] = {480, -300, 0, 345, -570, 840, -720};
  int64_t base;
  assert_true(time_parse_iso("2026-03-10T00:00:00Z", &base));
  for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++)
    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++)
      for (int64_t t = base - 86400; t < base + 86400; t += 7 * 60 + 13) {
        int64_t next = 0, retry = 0;
        assert_true(call_hours_next(sets[s], 2, zones[z], t, &next));
        assert_true(call_hours_retry_at(sets[s], 2, zones[z], t, 0, &retry));
        assert_int_equal(retry, next);
        bool inside = call_hours_inside(sets[s], 2, zones[z], t);
        assert_int_equal(inside, next == t);
        assert_true(next >= t && next - t < 86400);
        assert_true(call_hours_inside(sets[s], 2, zones[z], next));
        /* from the next whole minute after t, minute by minute, nothing inside before next */
        for (int64_t m = t - ((t % 60) + 60) % 60 + 60; m < next; m += 60)
          if (call_hours_inside(sets[s], 2, zones[z], m))
            fail_msg("set %zu zone %d from %lld: %lld is inside, before %lld", s, zones[z],
                     (long long)t, (long long)m, (long long)next);
        if (!inside)
          assert_true(next % 60 == 0); /* a window starts on a whole minute */
      }
}

/* EVIDENCE: SPEC D3 */
static void call_hours_valid_checks_count_bounds_and_order(void **state) {
  (void)state;
  struct call_window w[49];
  for (int i = 0; i < 49; i++)
    w[i] = (struct call_window){i * 29, i * 29 + 29}; /* 49 × 29 = 1421 minutes, touching */
  assert_true(call_hours_valid(w, 48));
  assert_false(call_hours_valid(w, 49)); /* more than 48 */
  assert_true(call_hours_valid(NULL, 0));
  assert_false(call_hours_valid(NULL, 1));
  assert_false(call_hours_valid(&(struct call_window){-1, 10}, 1));
  assert_true(call_hours_valid(&(struct call_window){0, 1440}, 1));
  assert_false(call_hours_valid(&(struct call_window){0, 1441}, 1));
  assert_false(call_hours_valid(&(struct call_window){600, 600}, 1));
  /* the 48 half-hours of a day, touching: every instant is inside */
  struct call_window halves[48];
  for (int i = 0; i < 48; i++)
    halves[i] = (struct call_window){i * 30, i * 30 + 30};
  assert_true(call_hours_valid(halves, 48));
  for (int64_t t = 0; t < 86400; t += 599)
    assert_true(call_hours_inside(halves, 48, 480, t));
  /* with 49 windows nothing is inside and there is no next instant */
  int64_t out = 42;
  assert_false(call_hours_inside(w, 49, 480, 0));
  assert_false(call_hours_next(w, 49, 480, 0, &out));
  assert_int_equal(out, 42);
}

/* EVIDENCE: SPEC D3 */
static void call_hours_refuse_null_outputs_and_instants_too_far_out(void **state) {
  (void)state;
  const struct call_window w[2] = {{540, 720}, {840, 1200}};
  int64_t out = 42;
  assert_false(call_hours_next(w, 2, 480, 0, NULL));
  assert_false(call_hours_retry_at(w, 2, 480, 0, 30, NULL));
  assert_false(call_hours_next(NULL, 2, 480, 0, &out));
  assert_false(call_hours_inside(w, 2, 480, INT64_MAX));
  assert_false(call_hours_next(w, 2, 480, INT64_MAX, &out));
  assert_false(call_hours_next(w, 2, 480, INT64_MIN, &out));
  assert_false(call_hours_retry_at(w, 2, 480, INT64_MAX, 0, &out));
  assert_false(call_hours_retry_at(w, 2, 480, INT64_MIN, 10080, &out));
  int64_t limit = INT64_C(1) << 62;
  assert_false(call_hours_next(w, 2, 480, limit, &out));
  assert_false(call_hours_next(w, 2, 480, -limit, &out));
  /* a retry that carries now past the limit */
  assert_false(call_hours_retry_at(w, 2, 480, limit - 60, 1, &out));
  assert_int_equal(out, 42);
  /* just inside the limit the arithmetic holds (UBSan would stop on an overflow): the
   * answer is at most a day and a window later */
  assert_true(call_hours_next(w, 2, 840, limit - 1, &out));
  assert_true(out > limit - 1 && out - (limit - 1) < 2 * 86400);
  assert_true(call_hours_next(w, 2, -720, -limit + 1, &out));
  assert_true(out > -limit + 1 && out - (-limit + 1) < 2 * 86400);
  assert_true(call_hours_retry_at(w, 2, 840, limit - 3 * 86400, 1440, &out));
  assert_true(call_hours_inside(w, 2, 840, out));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(call_hours_follow_the_table),
      cmocka_unit_test(call_hours_next_agrees_with_a_minute_by_minute_search),
      cmocka_unit_test(call_hours_valid_checks_count_bounds_and_order),
      cmocka_unit_test(call_hours_refuse_null_outputs_and_instants_too_far_out),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
