/* ical.c — the RFC 5545 writer of appointment feeds (see ical.h for what is written and why).
 *
 * Design: the whole calendar is checked before a byte is written, so a bad event leaves the
 * caller's buffer as it was without unwinding. Each content line is built unfolded in one
 * scratch buffer (reused for every line) and then copied out folded. */
#include "ical.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../base/timefmt.h"
#include "../base/utf8.h"

/* RFC 5545 3.1: a line SHOULD NOT be longer than 75 octets, not counting the line break. */
#define FOLD_OCTETS 75
/* The longest content line before folding: a description whose every byte is escaped, plus
 * the property name. */
#define LINE_MAX_BYTES (2 * ICAL_MAX_DESCRIPTION_BYTES + 64)
/* "20261128T010000Z" and its NUL. */
#define UTC_TEXT_BYTES 17

static const char *const status_names[] = {"CONFIRMED", "TENTATIVE", "CANCELLED"};

/* ---- Checking the input ---- */

/* A text field: given if required, at most max bytes, UTF-8, no control character except tab
 * and line breaks (which the writer escapes). NULL and "" count as not given. */
static enum sh_status check_text(const char *s, size_t max, bool required, const char *field,
                                 struct sh_error *err) {
  if (!s || !*s)
    return required ? sh_fail(err, SH_ERR_INVALID, "field_required", field, NULL) : SH_OK;
  size_t n = strnlen(s, max + 1);
  if (n > max) {
    char detail[48];
    snprintf(detail, sizeof detail, "at most %zu bytes", max);
    return sh_fail(err, SH_ERR_INVALID, "field_length", field, detail);
  }
  if (!utf8_valid(s, n))
    return sh_fail(err, SH_ERR_MALFORMED, "invalid_utf8", field, NULL);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7F)
      return sh_fail(err, SH_ERR_INVALID, "invalid_character", field, NULL);
  return SH_OK;
}

/* Writes utc as an RFC 5545 UTC DATE-TIME; false outside the years 1900..9999. */
static bool format_utc(int64_t utc, char out[UTC_TEXT_BYTES]) {
  if (utc < days_from_civil(1900, 1, 1) * 86400 || utc >= days_from_civil(10000, 1, 1) * 86400)
    return false;
  char iso[TIME_ISO_LEN]; /* "2026-11-28T01:00:00+00:00" */
  time_format_iso(utc, 0, iso);
  memcpy(out, iso, 4);
  memcpy(out + 4, iso + 5, 2);
  memcpy(out + 6, iso + 8, 2);
  out[8] = 'T';
  memcpy(out + 9, iso + 11, 2);
  memcpy(out + 11, iso + 14, 2);
  memcpy(out + 13, iso + 17, 2);
  out[15] = 'Z';
  out[16] = '\0';
  return true;
}

/* The field name that errors give for a field of event index: "events[3].summary". */
static const char *event_field(char field[64], size_t index, const char *name) {
  snprintf(field, 64, "events[%zu].%s", index, name);
  return field;
}

static enum sh_status check_event(const struct ical_event *e, size_t index, struct sh_error *err) {
  char field[64];
  char when[UTC_TEXT_BYTES];
  const struct {
    const char *value;
    size_t max;
    bool required;
    const char *name;
  } texts[] = {
      {e->uid, ICAL_MAX_NAME_BYTES, true, "uid"},
      {e->summary, ICAL_MAX_TEXT_BYTES, true, "summary"},
      {e->location, ICAL_MAX_TEXT_BYTES, false, "location"},
      {e->description, ICAL_MAX_DESCRIPTION_BYTES, false, "description"},
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    enum sh_status rc = check_text(texts[i].value, texts[i].max, texts[i].required,
                                   event_field(field, index, texts[i].name), err);
    if (rc != SH_OK)
      return rc;
  }
  const struct {
    int64_t utc;
    const char *name;
  } times[] = {{e->dtstamp, "dtstamp"}, {e->start, "start"}, {e->end, "end"}};
  for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
    if (!format_utc(times[i].utc, when))
      return sh_fail(err, SH_ERR_INVALID, "out_of_range", event_field(field, index, times[i].name),
                     "years 1900-9999");
  if (e->end <= e->start)
    return sh_fail(err, SH_ERR_INVALID, "end_before_start", event_field(field, index, "end"), NULL);
  if ((unsigned)e->status > ICAL_CANCELLED)
    return sh_fail(err, SH_ERR_INVALID, "out_of_range", event_field(field, index, "status"), NULL);
  if (e->sequence < 0)
    return sh_fail(err, SH_ERR_INVALID, "out_of_range", event_field(field, index, "sequence"),
                   ">= 0");
  return SH_OK;
}

/* ---- Writing lines ---- */

struct writer {
  struct buf *out;
  struct buf line; /* the current content line, unfolded */
};

/* Appends s as an RFC 5545 TEXT value (3.3.11). */
static enum sh_status escape_text(struct buf *line, const char *s) {
  enum sh_status rc = SH_OK;
  while (*s && rc == SH_OK) {
    size_t plain = strcspn(s, "\\;,\r\n");
    rc = buf_append(line, s, plain);
    s += plain;
    if (!*s || rc != SH_OK)
      break;
    char escaped[2] = {'\\', *s == '\r' || *s == '\n' ? 'n' : *s};
    if (s[0] == '\r' && s[1] == '\n')
      s++; /* CRLF is one line break */
    s++;
    rc = buf_append(line, escaped, sizeof escaped);
  }
  return rc;
}

/* The bytes that must stay on one physical line at s: an escape pair or a UTF-8 character. */
static size_t unit_length(const char *s, size_t left) {
  unsigned char c = (unsigned char)*s;
  size_t n = c == '\\' ? 2 : c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  return n < left ? n : left;
}

/* Appends one content line folded at FOLD_OCTETS (RFC 5545 3.1), each physical line ending
 * in CRLF and each continuation starting with one space. */
static enum sh_status put_folded(struct buf *out, const char *line, size_t n) {
  size_t pos = 0, room = FOLD_OCTETS;
  for (;;) {
    size_t take = 0;
    while (pos + take < n) {
      size_t unit = unit_length(line + pos + take, n - pos - take);
      if (take + unit > room)
        break;
      take += unit;
    }
    enum sh_status rc = buf_append(out, line + pos, take);
    pos += take;
    if (rc == SH_OK)
      rc = pos == n ? buf_append(out, "\r\n", 2) : buf_append(out, "\r\n ", 3);
    if (rc != SH_OK || pos == n)
      return rc;
    room = FOLD_OCTETS - 1; /* the leading space counts */
  }
}

/* Writes "NAME:value", the value escaped as TEXT when text is true. */
static enum sh_status put(struct writer *w, const char *name, const char *value, bool text) {
  w->line.len = 0;
  enum sh_status rc = buf_append_str(&w->line, name);
  if (rc == SH_OK)
    rc = buf_append(&w->line, ":", 1);
  if (rc == SH_OK)
    rc = text ? escape_text(&w->line, value) : buf_append_str(&w->line, value);
  if (rc == SH_OK)
    rc = put_folded(w->out, w->line.data, w->line.len);
  return rc;
}

static enum sh_status put_time(struct writer *w, const char *name, int64_t utc) {
  char text[UTC_TEXT_BYTES];
  format_utc(utc, text); /* in range: checked by check_event */
  return put(w, name, text, false);
}

static enum sh_status write_event(struct writer *w, const struct ical_event *e) {
  char sequence[16];
  snprintf(sequence, sizeof sequence, "%d", e->sequence);
  enum sh_status rc = put(w, "BEGIN", "VEVENT", false);
  if (rc == SH_OK)
    rc = put(w, "UID", e->uid, true);
  if (rc == SH_OK)
    rc = put_time(w, "DTSTAMP", e->dtstamp);
  if (rc == SH_OK)
    rc = put_time(w, "DTSTART", e->start);
  if (rc == SH_OK)
    rc = put_time(w, "DTEND", e->end);
  if (rc == SH_OK)
    rc = put(w, "SUMMARY", e->summary, true);
  if (rc == SH_OK && e->location && *e->location)
    rc = put(w, "LOCATION", e->location, true);
  if (rc == SH_OK && e->description && *e->description)
    rc = put(w, "DESCRIPTION", e->description, true);
  if (rc == SH_OK)
    rc = put(w, "STATUS", status_names[e->status], false);
  if (rc == SH_OK)
    rc = put(w, "SEQUENCE", sequence, false);
  if (rc == SH_OK)
    rc = put(w, "END", "VEVENT", false);
  return rc;
}

static enum sh_status write_calendar(struct writer *w, const struct ical_calendar *cal) {
  enum sh_status rc = put(w, "BEGIN", "VCALENDAR", false);
  if (rc == SH_OK)
    rc = put(w, "VERSION", "2.0", false);
  if (rc == SH_OK)
    rc = put(w, "PRODID", cal->product_id, true);
  if (rc == SH_OK)
    rc = put(w, "CALSCALE", "GREGORIAN", false);
  if (rc == SH_OK)
    rc = put(w, "X-WR-CALNAME", cal->name, true);
  for (size_t i = 0; i < cal->count && rc == SH_OK; i++)
    rc = write_event(w, &cal->events[i]);
  if (rc == SH_OK)
    rc = put(w, "END", "VCALENDAR", false);
  return rc;
}

enum sh_status ical_write(const struct ical_calendar *cal, struct buf *out, struct sh_error *err) {
  if (!cal || !out || (!cal->events && cal->count))
    return sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, NULL);
  if (cal->count > ICAL_MAX_EVENTS) {
    char detail[32];
    snprintf(detail, sizeof detail, "at most %d", ICAL_MAX_EVENTS);
    return sh_fail(err, SH_ERR_TOO_LARGE, "too_many_events", "events", detail);
  }
  enum sh_status rc = check_text(cal->name, ICAL_MAX_NAME_BYTES, true, "name", err);
  if (rc == SH_OK)
    rc = check_text(cal->product_id, ICAL_MAX_NAME_BYTES, true, "product_id", err);
  for (size_t i = 0; i < cal->count && rc == SH_OK; i++)
    rc = check_event(&cal->events[i], i, err);
  if (rc != SH_OK)
    return rc;
  size_t mark = out->len;
  struct writer w = {.out = out};
  buf_init(&w.line, LINE_MAX_BYTES);
  rc = write_calendar(&w, cal);
  buf_free(&w.line);
  if (rc != SH_OK) {
    out->len = mark; /* the caller's buffer as it was */
    if (out->data)
      out->data[mark] = '\0';
    return sh_fail(err, rc, rc == SH_ERR_TOO_LARGE ? "too_large" : "out_of_memory", NULL, NULL);
  }
  return SH_OK;
}
