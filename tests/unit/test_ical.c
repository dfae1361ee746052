/* test_ical.c — src/export/ical.c: a technician's appointment feed as RFC 5545 text
 * (DESIGN.md dependency "iCalendar": CRLF, escaping, 75-octet folding on UTF-8 boundaries,
 * validated with python3-icalendar).
 *
 * Expected texts are written out by hand; the times were worked out from the calendar
 * (2026-11-28T00:00:00Z is day 20785 since 1970, so 1795824000). Every output is also held
 * to the line rules (CRLF only, at most 75 octets a line, each line whole UTF-8), and a real
 * parser, Debian's python3-icalendar, reads it back through data/ical_check.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/base/utf8.h"
#include "../../src/export/ical.h"

/* Debian's python3, which python3-icalendar installs into (a pyenv python3 on PATH lacks it). */
#define CHECKER "/usr/bin/python3 data/ical_check.py"

/* 2026-11-28T00:00:00Z: 56 years of 365 days and 14 leap days to 2026, then 331 days. */
#define NOV28 ((int64_t)20785 * 86400)
#define HOUR 3600

static const struct ical_event visit_one = {
    .uid = "visit-1@shouhou",
    .dtstamp = NOV28 - 24 * HOUR + 8 * HOUR + 1800, /* 2026-11-27T08:30:00Z */
    .start = NOV28 + 1 * HOUR,                      /* 09:00 in Beijing */
    .end = NOV28 + 3 * HOUR,
    .summary = "维修：空调不制冷",
    .location = "北京市海淀区中关村大街1号",
    .description = "客户：李先生\n电话：138-0013-8000",
    .status = ICAL_CONFIRMED,
    .sequence = 0,
};

static const struct ical_event visit_two = {
    .uid = "visit-2@shouhou",
    .dtstamp = NOV28 + 12 * HOUR,                 /* 2026-11-28T12:00:00Z */
    .start = NOV28 + 24 * HOUR + 6 * HOUR + 1800, /* 2026-11-29T06:30:00Z */
    .end = NOV28 + 24 * HOUR + 8 * HOUR,
    .summary = "保养, 冷水机组",
    .location = NULL,
    .description = "",
    .status = ICAL_CANCELLED,
    .sequence = 2,
};

/* ---- Helpers ---- */

/* Writes cal into a fresh buffer and returns the text (caller frees). */
static char *write_ok(const struct ical_calendar *cal, size_t *len) {
  struct buf out;
  struct sh_error err;
  buf_init(&out, ICAL_MAX_BYTES);
  if (ical_write(cal, &out, &err) != SH_OK)
    fail_msg("ical_write: %s %s %s", err.code, err.field, err.detail);
  *len = out.len;
  return buf_detach(&out);
}

/* Holds text to RFC 5545 3.1: lines end in CRLF (the last one too), no CR or LF elsewhere,
 * at most 75 octets a line, and every line valid UTF-8 by itself (so no character was split
 * by folding). */
static void check_lines(const char *text, size_t len) {
  assert_true(len >= 2);
  assert_memory_equal(text + len - 2, "\r\n", 2);
  size_t start = 0;
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '\n')
      assert_true(i > 0 && text[i - 1] == '\r');
    if (text[i] == '\r') {
      assert_true(i + 1 < len && text[i + 1] == '\n');
      if (i - start > 75)
        fail_msg("line of %zu octets: %.*s", i - start, (int)(i - start), text + start);
      if (!utf8_valid(text + start, i - start))
        fail_msg("line not UTF-8 by itself: %.*s", (int)(i - start), text + start);
      start = i + 2;
    }
  }
}

/* Undoes folding (RFC 5545 3.1: remove every CRLF followed by one space). Caller frees. */
static char *unfold(const char *text) {
  char *out = malloc(strlen(text) + 1);
  assert_non_null(out);
  size_t n = 0;
  for (const char *p = text; *p; p++) {
    if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
      p += 2;
      continue;
    }
    out[n++] = *p;
  }
  out[n] = '\0';
  return out;
}

/* "x" repeated n times, joined (caller frees). */
static char *repeat(const char *x, size_t n) {
  size_t len = strlen(x);
  char *out = malloc(len * n + 1);
  assert_non_null(out);
  for (size_t i = 0; i < n; i++)
    memcpy(out + i * len, x, len);
  out[len * n] = '\0';
  return out;
}

/* The calendar around one event, as written, with the event's lines in the middle. */
static const char calendar_head[] = "BEGIN:VCALENDAR\r\n"
                                    "VERSION:2.0\r\n"
                                    "PRODID:-//shouhou//shouhou 0.1.0//ZH\r\n"
                                    "CALSCALE:GREGORIAN\r\n"
                                    "X-WR-CALNAME:王工的上门预约\r\n";

static struct ical_calendar calendar_of(const struct ical_event *events, size_t count) {
  struct ical_calendar cal = {"王工的上门预约", "-//shouhou//shouhou 0.1.0//ZH", events, count};
  return cal;
}

/* Writes one event with the given summary and returns its SUMMARY lines as written, up to
 * the next property (caller frees). */
static char *summary_lines(const char *summary) {
  struct ical_event event = visit_two;
  event.summary = summary;
  struct ical_calendar cal = calendar_of(&event, 1);
  size_t len;
  char *text = write_ok(&cal, &len);
  check_lines(text, len);
  const char *from = strstr(text, "SUMMARY:");
  const char *to = strstr(text, "STATUS:");
  assert_non_null(from);
  assert_non_null(to);
  char *lines = strndup(from, (size_t)(to - from));
  assert_non_null(lines);
  char *unfolded = unfold(lines);
  char expected[4096];
  snprintf(expected, sizeof expected, "SUMMARY:%s\r\n", summary); /* no escapes in these */
  if (!strchr(summary, ','))
    assert_string_equal(unfolded, expected);
  free(unfolded);
  free(text);
  return lines;
}

/* Runs data/ical_check.py on text and returns its output (caller frees). */
static char *python_reads(const char *text, size_t len) {
  const char *dir = getenv("TMPDIR");
  char path[128], command[256];
  snprintf(path, sizeof path, "%s/test_ical_XXXXXX", dir && *dir ? dir : "/tmp");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
  snprintf(command, sizeof command, CHECKER " < %s", path);
  FILE *p = popen(command, "r");
  assert_non_null(p);
  size_t cap = 1 << 16, n = 0, got;
  char *out = malloc(cap);
  assert_non_null(out);
  while ((got = fread(out + n, 1, cap - n - 1, p)) > 0)
    n += got;
  out[n] = '\0';
  int status = pclose(p);
  unlink(path);
  if (status != 0)
    fail_msg("%s: exit %d, output %s", command, status, out);
  return out;
}

/* ---- Exact output ---- */

/* EVIDENCE: DESIGN.md dependency iCalendar (CRLF, escaping, UTC times) */
static void ical_writes_a_small_calendar_exactly(void **state) {
  (void)state;
  const struct ical_event events[] = {visit_one, visit_two};
  struct ical_calendar cal = calendar_of(events, 2);
  size_t len;
  char *text = write_ok(&cal, &len);
  const char *expected = "BEGIN:VCALENDAR\r\n"
                         "VERSION:2.0\r\n"
                         "PRODID:-//shouhou//shouhou 0.1.0//ZH\r\n"
                         "CALSCALE:GREGORIAN\r\n"
                         "X-WR-CALNAME:王工的上门预约\r\n"
                         "BEGIN:VEVENT\r\n"
                         "UID:visit-1@shouhou\r\n"
                         "DTSTAMP:20261127T083000Z\r\n"
                         "DTSTART:20261128T010000Z\r\n"
                         "DTEND:20261128T030000Z\r\n"
                         "SUMMARY:维修：空调不制冷\r\n"
                         "LOCATION:北京市海淀区中关村大街1号\r\n"
                         "DESCRIPTION:客户：李先生\\n电话：138-0013-8000\r\n"
                         "STATUS:CONFIRMED\r\n"
                         "SEQUENCE:0\r\n"
                         "END:VEVENT\r\n"
                         "BEGIN:VEVENT\r\n"
                         "UID:visit-2@shouhou\r\n"
                         "DTSTAMP:20261128T120000Z\r\n"
                         "DTSTART:20261129T063000Z\r\n"
                         "DTEND:20261129T080000Z\r\n"
                         "SUMMARY:保养\\, 冷水机组\r\n"
                         "STATUS:CANCELLED\r\n"
                         "SEQUENCE:2\r\n"
                         "END:VEVENT\r\n"
                         "END:VCALENDAR\r\n";
  assert_string_equal(text, expected);
  assert_int_equal(len, strlen(expected));
  check_lines(text, len);
  free(text);
}

static void ical_writes_a_calendar_without_events(void **state) {
  (void)state;
  struct ical_calendar cal = calendar_of(NULL, 0);
  size_t len;
  char *text = write_ok(&cal, &len);
  char expected[512];
  snprintf(expected, sizeof expected, "%sEND:VCALENDAR\r\n", calendar_head);
  assert_string_equal(text, expected);
  free(text);
}

static void ical_appends_to_what_the_buffer_holds(void **state) {
  (void)state;
  struct buf out;
  struct sh_error err;
  buf_init(&out, ICAL_MAX_BYTES);
  assert_int_equal(buf_append_str(&out, "HEAD"), SH_OK);
  struct ical_calendar cal = calendar_of(NULL, 0);
  assert_int_equal(ical_write(&cal, &out, &err), SH_OK);
  assert_memory_equal(out.data, "HEADBEGIN:VCALENDAR\r\n", 21);
  buf_free(&out);
}

/* EVIDENCE: DESIGN.md dependency iCalendar (TEXT escaping of backslash ; , and newlines) */
static void ical_escapes_backslash_semicolon_comma_and_line_breaks(void **state) {
  (void)state;
  struct ical_event event = visit_one;
  event.summary = "a\\b;c,d:e\"f\tg";
  event.description = "一\r\n二\n三\r四\r\n\r\n五";
  event.location = "路口;东侧,2号\\门";
  event.uid = "id,with;odd\\chars";
  struct ical_calendar cal = calendar_of(&event, 1);
  size_t len;
  char *text = write_ok(&cal, &len);
  check_lines(text, len);
  /* colon, double quote and tab need no escape in TEXT (RFC 5545 3.3.11) */
  assert_non_null(strstr(text, "\r\nSUMMARY:a\\\\b\\;c\\,d:e\"f\tg\r\n"));
  /* CRLF, LF and CR each are one line break; two in a row are two */
  assert_non_null(strstr(text, "\r\nDESCRIPTION:一\\n二\\n三\\n四\\n\\n五\r\n"));
  assert_non_null(strstr(text, "\r\nLOCATION:路口\\;东侧\\,2号\\\\门\r\n"));
  assert_non_null(strstr(text, "\r\nUID:id\\,with\\;odd\\\\chars\r\n"));
  free(text);
}

/* ---- Folding ---- */

/* EVIDENCE: DESIGN.md dependency iCalendar (75-octet folding on UTF-8 boundaries) */
static void ical_folds_a_long_chinese_summary_between_characters(void **state) {
  (void)state;
  /* 120 characters of 3 octets. "SUMMARY:" is 8 octets, so the first line holds 22
   * characters (74 octets; a 23rd would make 77); each continuation is a space and 24
   * characters (73; a 25th would make 76); 120 = 22 + 4 × 24 + 2. */
  char *summary = repeat("空调", 60);
  char *lines = summary_lines(summary);
  char *first = repeat("空调", 11), *middle = repeat("空调", 12);
  char expected[2048];
  snprintf(expected, sizeof expected, "SUMMARY:%s\r\n %s\r\n %s\r\n %s\r\n %s\r\n 空调\r\n", first,
           middle, middle, middle, middle);
  assert_string_equal(lines, expected);
  free(first);
  free(middle);
  free(lines);
  free(summary);
}

static void ical_fills_a_line_to_exactly_75_octets(void **state) {
  (void)state;
  /* "SUMMARY:A" is 9 octets and 22 characters of 3 make 75: the line is full, not folded
   * early; the 23rd character starts the continuation. */
  char *body = repeat("空调", 11);
  char summary[256], expected[512];
  snprintf(summary, sizeof summary, "A%s好", body);
  char *lines = summary_lines(summary);
  snprintf(expected, sizeof expected, "SUMMARY:A%s\r\n 好\r\n", body);
  assert_string_equal(lines, expected);
  assert_int_equal(strchr(lines, '\r') - lines, 75);
  free(lines);
  free(body);
}

static void ical_folds_ascii_at_75_and_74_octets(void **state) {
  (void)state;
  /* 8 + 67 = 75 on the first line; 100 - 67 = 33 on the next, after its space. */
  char *summary = repeat("x", 100);
  char *lines = summary_lines(summary);
  char *first = repeat("x", 67), *rest = repeat("x", 33);
  char expected[256];
  snprintf(expected, sizeof expected, "SUMMARY:%s\r\n %s\r\n", first, rest);
  assert_string_equal(lines, expected);
  free(first);
  free(rest);
  free(lines);
  free(summary);
}

static void ical_never_splits_an_escape_across_lines(void **state) {
  (void)state;
  /* "SUMMARY:" and 66 letters are 74 octets; "\," would make 76, so it opens the next line
   * whole instead of leaving a lone backslash at the end of this one. */
  char *letters = repeat("a", 66);
  char summary[128], expected[256];
  snprintf(summary, sizeof summary, "%s,b", letters);
  char *lines = summary_lines(summary);
  snprintf(expected, sizeof expected, "SUMMARY:%s\r\n \\,b\r\n", letters);
  assert_string_equal(lines, expected);
  free(lines);
  free(letters);
}

/* Folded, escaped, mixed text gives back, after unfolding, exactly the unfolded lines. */
static void ical_unfolding_gives_back_every_line(void **state) {
  (void)state;
  struct ical_event event = visit_one;
  char *description = repeat("压缩机异响，需更换；A相电流 12.5A\n", 40);
  char *summary = repeat("😀维修", 30); /* 4- and 3-octet characters mixed */
  event.description = description;
  event.summary = summary;
  struct ical_calendar cal = calendar_of(&event, 1);
  size_t len;
  char *text = write_ok(&cal, &len);
  check_lines(text, len);
  char *unfolded = unfold(text);
  /* the full-width ，and ；are not the ASCII , and ; — they stay as they are */
  char *escaped = repeat("压缩机异响，需更换；A相电流 12.5A\\n", 40);
  char *line = malloc(strlen(escaped) + 32);
  assert_non_null(line);
  snprintf(line, strlen(escaped) + 32, "\r\nDESCRIPTION:%s\r\n", escaped);
  assert_non_null(strstr(unfolded, line));
  snprintf(line, strlen(escaped) + 32, "\r\nSUMMARY:%s\r\n", summary);
  assert_non_null(strstr(unfolded, line));
  free(line);
  free(escaped);
  free(unfolded);
  free(text);
  free(summary);
  free(description);
}

/* ---- A real parser ---- */

/* EVIDENCE: DESIGN.md dependency iCalendar (validate with python3-icalendar) */
static void ical_is_read_back_by_python_icalendar(void **state) {
  (void)state;
  const struct ical_event events[] = {visit_one, visit_two};
  struct ical_calendar cal = calendar_of(events, 2);
  size_t len;
  char *text = write_ok(&cal, &len);
  char *read = python_reads(text, len);
  const char *expected =
      "{\"calname\": \"王工的上门预约\", \"prodid\": \"-//shouhou//shouhou 0.1.0//ZH\", "
      "\"version\": \"2.0\"}\n"
      "{\"description\": \"客户：李先生\\n电话：138-0013-8000\", "
      "\"end\": \"2026-11-28T03:00:00+00:00\", \"location\": \"北京市海淀区中关村大街1号\", "
      "\"sequence\": 0, \"start\": \"2026-11-28T01:00:00+00:00\", \"status\": \"CONFIRMED\", "
      "\"summary\": \"维修：空调不制冷\", \"uid\": \"visit-1@shouhou\"}\n"
      "{\"description\": null, \"end\": \"2026-11-29T08:00:00+00:00\", \"location\": null, "
      "\"sequence\": 2, \"start\": \"2026-11-29T06:30:00+00:00\", \"status\": \"CANCELLED\", "
      "\"summary\": \"保养, 冷水机组\", \"uid\": \"visit-2@shouhou\"}\n";
  assert_string_equal(read, expected);
  free(read);
  free(text);
}

static void ical_folded_and_escaped_text_reads_back_whole_in_python(void **state) {
  (void)state;
  struct ical_event event = visit_one;
  char *summary = repeat("空调,不制冷;", 20);
  event.summary = summary;
  event.description = "第一行\\路径\r\n第二行";
  event.location = NULL;
  struct ical_calendar cal = calendar_of(&event, 1);
  size_t len;
  char *text = write_ok(&cal, &len);
  check_lines(text, len);
  char *read = python_reads(text, len);
  char *expected_summary = repeat("空调,不制冷;", 20);
  char needle[1024];
  snprintf(needle, sizeof needle, "\"summary\": \"%s\"", expected_summary);
  assert_non_null(strstr(read, needle));
  /* JSON writes the backslash as \\ and the line break as \n */
  assert_non_null(strstr(read, "\"description\": \"第一行\\\\路径\\n第二行\""));
  free(expected_summary);
  free(read);
  free(text);
  free(summary);
}

/* ---- Refusals ---- */

/* Writes cal into a buffer holding "PREFIX" and checks the refusal and the untouched buffer. */
static void expect_refused(const struct ical_calendar *cal, enum sh_status status, const char *code,
                           const char *field) {
  struct buf out;
  struct sh_error err;
  buf_init(&out, ICAL_MAX_BYTES);
  assert_int_equal(buf_append_str(&out, "PREFIX"), SH_OK);
  enum sh_status rc = ical_write(cal, &out, &err);
  if (rc != status || strcmp(err.code, code) != 0 || strcmp(err.field, field) != 0)
    fail_msg("expected %s %s [%s], got %s %s [%s]", sh_strerror(status), code, field,
             sh_strerror(rc), err.code, err.field);
  assert_int_equal(out.len, 6);
  assert_string_equal(out.data, "PREFIX");
  buf_free(&out);
}

/* Refuses one changed copy of visit_one as the second event of a feed. */
static void expect_event_refused(struct ical_event bad, enum sh_status status, const char *code,
                                 const char *field) {
  const struct ical_event events[] = {visit_two, bad};
  struct ical_calendar cal = calendar_of(events, 2);
  expect_refused(&cal, status, code, field);
}

static void ical_refuses_bad_texts_naming_the_field(void **state) {
  (void)state;
  struct ical_event e = visit_one;
  e.summary = "坏\xe7\xa9";
  expect_event_refused(e, SH_ERR_MALFORMED, "invalid_utf8", "events[1].summary");
  e = visit_one;
  e.location = "\xc0\xaf";
  expect_event_refused(e, SH_ERR_MALFORMED, "invalid_utf8", "events[1].location");
  e = visit_one;
  e.description = "bell\x07";
  expect_event_refused(e, SH_ERR_INVALID, "invalid_character", "events[1].description");
  e = visit_one;
  e.summary = "";
  expect_event_refused(e, SH_ERR_INVALID, "field_required", "events[1].summary");
  e = visit_one;
  e.uid = NULL;
  expect_event_refused(e, SH_ERR_INVALID, "field_required", "events[1].uid");
  struct ical_calendar cal = calendar_of(&visit_one, 1);
  cal.name = NULL;
  expect_refused(&cal, SH_ERR_INVALID, "field_required", "name");
  cal = calendar_of(&visit_one, 1);
  cal.product_id = "\x7f";
  expect_refused(&cal, SH_ERR_INVALID, "invalid_character", "product_id");
}

static void ical_refuses_texts_over_their_ceiling(void **state) {
  (void)state;
  char *at = repeat("x", ICAL_MAX_TEXT_BYTES), *over = repeat("x", ICAL_MAX_TEXT_BYTES + 1);
  struct ical_event e = visit_one;
  e.summary = over;
  expect_event_refused(e, SH_ERR_INVALID, "field_length", "events[1].summary");
  e.summary = at;
  e.location = over;
  expect_event_refused(e, SH_ERR_INVALID, "field_length", "events[1].location");
  e.location = at;
  struct ical_calendar cal = calendar_of(&e, 1);
  size_t len;
  free(write_ok(&cal, &len)); /* 1024 bytes each is still fine */
  char *description = repeat("y", ICAL_MAX_DESCRIPTION_BYTES + 1);
  e.description = description;
  expect_event_refused(e, SH_ERR_INVALID, "field_length", "events[1].description");
  description[ICAL_MAX_DESCRIPTION_BYTES] = '\0';
  free(write_ok(&cal, &len));
  char *uid = repeat("u", ICAL_MAX_NAME_BYTES + 1);
  e.uid = uid;
  expect_event_refused(e, SH_ERR_INVALID, "field_length", "events[1].uid");
  cal = calendar_of(&visit_one, 1);
  cal.name = uid;
  expect_refused(&cal, SH_ERR_INVALID, "field_length", "name");
  free(uid);
  free(description);
  free(at);
  free(over);
}

static void ical_refuses_bad_times_statuses_and_sequences(void **state) {
  (void)state;
  struct ical_event e = visit_one;
  e.end = e.start;
  expect_event_refused(e, SH_ERR_INVALID, "end_before_start", "events[1].end");
  e.end = e.start - 1;
  expect_event_refused(e, SH_ERR_INVALID, "end_before_start", "events[1].end");
  e = visit_one;
  e.dtstamp = -2208988801; /* 1899-12-31T23:59:59Z */
  expect_event_refused(e, SH_ERR_INVALID, "out_of_range", "events[1].dtstamp");
  e = visit_one;
  e.end = 253402300800; /* 10000-01-01T00:00:00Z */
  expect_event_refused(e, SH_ERR_INVALID, "out_of_range", "events[1].end");
  e = visit_one;
  e.status = (enum ical_event_status)7;
  expect_event_refused(e, SH_ERR_INVALID, "out_of_range", "events[1].status");
  e = visit_one;
  e.sequence = -1;
  expect_event_refused(e, SH_ERR_INVALID, "out_of_range", "events[1].sequence");
}

static void ical_writes_the_first_and_last_second_of_the_range(void **state) {
  (void)state;
  struct ical_event e = visit_one;
  e.dtstamp = -2208988800; /* 1900-01-01T00:00:00Z: 25567 days before 1970 */
  e.start = 253402300798;
  e.end = 253402300799; /* 9999-12-31T23:59:59Z: 2932897 days to 10000, less a second */
  e.status = ICAL_TENTATIVE;
  struct ical_calendar cal = calendar_of(&e, 1);
  size_t len;
  char *text = write_ok(&cal, &len);
  assert_non_null(strstr(text, "\r\nDTSTAMP:19000101T000000Z\r\n"));
  assert_non_null(strstr(text, "\r\nDTSTART:99991231T235958Z\r\n"));
  assert_non_null(strstr(text, "\r\nDTEND:99991231T235959Z\r\n"));
  assert_non_null(strstr(text, "\r\nSTATUS:TENTATIVE\r\n"));
  free(text);
}

static void ical_refuses_more_than_5000_events(void **state) {
  (void)state;
  struct ical_event *events = calloc(ICAL_MAX_EVENTS + 1, sizeof *events);
  assert_non_null(events);
  for (size_t i = 0; i <= ICAL_MAX_EVENTS; i++)
    events[i] = visit_one;
  struct ical_calendar cal = calendar_of(events, ICAL_MAX_EVENTS + 1);
  expect_refused(&cal, SH_ERR_TOO_LARGE, "too_many_events", "events");
  /* 5000 are written, each with its own UID */
  static char uids[ICAL_MAX_EVENTS][32];
  for (size_t i = 0; i < ICAL_MAX_EVENTS; i++) {
    snprintf(uids[i], sizeof uids[i], "visit-%zu@shouhou", i);
    events[i].uid = uids[i];
  }
  cal.count = ICAL_MAX_EVENTS;
  size_t len, count = 0;
  char *text = write_ok(&cal, &len);
  for (const char *p = text; (p = strstr(p, "BEGIN:VEVENT\r\n")); p++)
    count++;
  assert_int_equal(count, ICAL_MAX_EVENTS);
  assert_non_null(strstr(text, "\r\nUID:visit-4999@shouhou\r\n"));
  assert_string_equal(text + len - 15, "END:VCALENDAR\r\n");
  free(text);
  free(events);
}

static void ical_stops_at_the_buffer_ceiling_and_leaves_it_as_it_was(void **state) {
  (void)state;
  struct ical_calendar cal = calendar_of(&visit_one, 1);
  struct buf out;
  struct sh_error err;
  buf_init(&out, 200); /* the calendar head fits, the event does not */
  assert_int_equal(buf_append_str(&out, "PREFIX"), SH_OK);
  assert_int_equal(ical_write(&cal, &out, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "too_large");
  assert_int_equal(out.len, 6);
  assert_string_equal(out.data, "PREFIX");
  buf_free(&out);
}

static void ical_refuses_a_null_calendar_or_events(void **state) {
  (void)state;
  struct buf out;
  struct sh_error err;
  buf_init(&out, ICAL_MAX_BYTES);
  assert_int_equal(ical_write(NULL, &out, &err), SH_ERR_INTERNAL);
  struct ical_calendar cal = calendar_of(NULL, 3);
  assert_int_equal(ical_write(&cal, &out, &err), SH_ERR_INTERNAL);
  assert_string_equal(err.code, "internal");
  assert_int_equal(out.len, 0);
  buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ical_writes_a_small_calendar_exactly),
      cmocka_unit_test(ical_writes_a_calendar_without_events),
      cmocka_unit_test(ical_appends_to_what_the_buffer_holds),
      cmocka_unit_test(ical_escapes_backslash_semicolon_comma_and_line_breaks),
      cmocka_unit_test(ical_folds_a_long_chinese_summary_between_characters),
      cmocka_unit_test(ical_fills_a_line_to_exactly_75_octets),
      cmocka_unit_test(ical_folds_ascii_at_75_and_74_octets),
      cmocka_unit_test(ical_never_splits_an_escape_across_lines),
      cmocka_unit_test(ical_unfolding_gives_back_every_line),
      cmocka_unit_test(ical_is_read_back_by_python_icalendar),
      cmocka_unit_test(ical_folded_and_escaped_text_reads_back_whole_in_python),
      cmocka_unit_test(ical_refuses_bad_texts_naming_the_field),
      cmocka_unit_test(ical_refuses_texts_over_their_ceiling),
      cmocka_unit_test(ical_refuses_bad_times_statuses_and_sequences),
      cmocka_unit_test(ical_writes_the_first_and_last_second_of_the_range),
      cmocka_unit_test(ical_refuses_more_than_5000_events),
      cmocka_unit_test(ical_stops_at_the_buffer_ceiling_and_leaves_it_as_it_was),
      cmocka_unit_test(ical_refuses_a_null_calendar_or_events),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
