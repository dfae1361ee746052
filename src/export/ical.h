/* ical.h — a technician's appointment feed as iCalendar (RFC 5545), for the calendar app on
 * their phone, subscribed to by a secret URL (DESIGN.md dependency "iCalendar").
 *
 * Design: our own small writer, because libical's time zone output broke two real parsers.
 * Pure: the caller gives every time, nothing reads the clock, so the same visits give the
 * same bytes (an unchanged feed keeps its ETag). What it writes:
 *   - CRLF after every line, also the last (RFC 5545 3.1);
 *   - TEXT values (names, summaries, locations, descriptions, UIDs) escaped: \ ; , become
 *     \\ \; \, and every line break (CRLF, LF or CR) becomes \n; a tab is kept; any other
 *     control character is refused rather than dropped (it would hide text);
 *   - lines folded at 75 octets, CRLF and a space before each continuation, never inside a
 *     UTF-8 character nor between the two bytes of an escape such as \, (both are allowed
 *     by RFC 5545, but some parsers unfold first and decode per line);
 *   - every DATE-TIME in UTC with a trailing Z ("20261128T010000Z").
 * Why UTC and not a VTIMEZONE for Asia/Shanghai: a visit is an instant, and UTC is the one
 * form every parser reads the same way. A TZID makes each client look the name up in its
 * own zone database or trust our VTIMEZONE block, and that lookup is where real parsers
 * disagreed; with UTC the phone shows the visit in whatever zone it is in, which for our
 * technicians is +08:00 anyway. DESIGN.md's "fixed +0800 block" was the fallback, not needed.
 * Why no METHOD property: a subscribed feed is not a scheduling message (RFC 5546); without
 * METHOD, DTSTAMP is the event's last change, which the caller knows (updated_at). */
#ifndef SHOUHOU_ICAL_H
#define SHOUHOU_ICAL_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/status.h"

/* Events in one feed. A technician has a few visits a day; 5000 is years of them, and the
 * caller sends a window (the past month and what is planned). */
#define ICAL_MAX_EVENTS 5000
/* The calendar name, the product id and each UID, in bytes. */
#define ICAL_MAX_NAME_BYTES 255
/* A summary or a location, in bytes (300 Chinese characters). */
#define ICAL_MAX_TEXT_BYTES 1024
/* A description, in bytes: the fault, the customer's contact, the equipment. */
#define ICAL_MAX_DESCRIPTION_BYTES 8192
/* A whole feed (STYLE.md 11; SH_MAX_RESPONSE_BYTES, since the API sends it as one body). */
#define ICAL_MAX_BYTES (16 * 1024 * 1024)

enum ical_event_status {
  ICAL_CONFIRMED, /* STATUS:CONFIRMED — the visit is agreed with the customer */
  ICAL_TENTATIVE, /* STATUS:TENTATIVE — planned, not yet confirmed */
  ICAL_CANCELLED, /* STATUS:CANCELLED — kept in the feed so that phones remove it */
};

struct ical_event {
  const char *uid;         /* required; stable for the visit, unique: "visit-123@shouhou" */
  int64_t dtstamp;         /* UTC seconds: when the event last changed (updated_at) */
  int64_t start;           /* UTC seconds */
  int64_t end;             /* UTC seconds, later than start (RFC 5545 3.8.2.2) */
  const char *summary;     /* required, one line or more */
  const char *location;    /* NULL or "" leaves LOCATION out */
  const char *description; /* NULL or "" leaves DESCRIPTION out; line breaks are kept */
  enum ical_event_status status;
  int sequence; /* >= 0; raise it when start, end or status change (RFC 5545 3.8.7.4) */
};

struct ical_calendar {
  const char *name; /* required: X-WR-CALNAME, what the phone lists ("王工的上门预约") */
  const char *product_id;          /* required: PRODID, "-//shouhou//shouhou 0.1.0//ZH" */
  const struct ical_event *events; /* borrowed for the call; written in the order given */
  size_t count;
};

/* Appends the calendar to out (give it a ceiling of ICAL_MAX_BYTES or less): BEGIN:VCALENDAR,
 * VERSION:2.0, PRODID, CALSCALE:GREGORIAN, X-WR-CALNAME, then per event BEGIN:VEVENT, UID,
 * DTSTAMP, DTSTART, DTEND, SUMMARY, LOCATION and DESCRIPTION when given, STATUS, SEQUENCE,
 * END:VEVENT, and END:VCALENDAR.
 *
 * Returns SH_OK, or on failure leaves out as it was and fills err, naming the field as
 * "name", "product_id" or "events[i].summary" (i from 0):
 *   SH_ERR_INVALID    field_required: a required text is NULL or ""
 *                     field_length: a text over its ICAL_MAX_*_BYTES
 *                     invalid_character: a control character other than tab or a line break
 *                     out_of_range: a time outside the years 1900..9999, a negative sequence,
 *                       an unknown status
 *                     end_before_start: end not later than start
 *   SH_ERR_MALFORMED  invalid_utf8: a text is not UTF-8 (or holds a NUL, which it cannot)
 *   SH_ERR_TOO_LARGE  too_many_events (over ICAL_MAX_EVENTS), too_large (out's ceiling)
 *   SH_ERR_INTERNAL   out_of_memory; internal: cal is NULL, or events is NULL with a count */
enum sh_status ical_write(const struct ical_calendar *cal, struct buf *out, struct sh_error *err);

#endif
