/* call_hours.c — whether the return-visit desk may phone a customer now, and when next (SPEC
 * D3; the windows and our readings are in call_hours.h). Design: an instant is turned into a
 * local day number and a second of that day by floor division, so instants before 1970 (a
 * negative epoch) fall on the right day; the next window is then on the same day or on the
 * next one, since the windows repeat every day. */
#include "call_hours.h"

#define DAY_SECONDS INT64_C(86400)
#define MINUTES_PER_DAY 1440
#define MAX_WINDOWS 48
#define MIN_TZ_MINUTES (-720)
#define MAX_TZ_MINUTES 840
#define MAX_RETRY_MINUTES 10080 /* a week */
/* Instants further out than this are refused, so that adding a zone, a day and a retry can
 * never overflow (2^62 s is some 146 billion years). */
#define INSTANT_LIMIT (INT64_C(1) << 62)

/* Rounds towards minus infinity, unlike C's division: -1 s is on day -1, not day 0. */
static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool call_hours_valid(const struct call_window *w, size_t n) {
  if (n > MAX_WINDOWS || (n > 0 && !w))
    return false;
  for (size_t i = 0; i < n; i++) {
    if (w[i].start < 0 || w[i].start >= w[i].end || w[i].end > MINUTES_PER_DAY)
      return false;
    /* a window may start where the one before ends (12:00-14:00, 14:00-15:00) */
    if (i > 0 && w[i].start < w[i - 1].end)
      return false;
  }
  return true;
}

/* The arguments every function checks: valid windows, a zone of -12:00..+14:00, an instant
 * within the limit. */
static bool arguments_valid(const struct call_window *w, size_t n, int tz_offset_minutes,
                            int64_t t) {
  return call_hours_valid(w, n) && tz_offset_minutes >= MIN_TZ_MINUTES &&
         tz_offset_minutes <= MAX_TZ_MINUTES && t > -INSTANT_LIMIT && t < INSTANT_LIMIT;
}

/* The local day of t (days since 1970-01-01 in the zone) and the second of that day. */
static void local_day(int tz_offset_minutes, int64_t t, int64_t *day, int64_t *second) {
  int64_t local = t + (int64_t)tz_offset_minutes * 60;
  *day = floor_div(local, DAY_SECONDS);
  *second = local - *day * DAY_SECONDS;
}

/* IMP: SPEC D3 — a start is included, an end excluded: at 12:00 the morning window is over. */
bool call_hours_inside(const struct call_window *w, size_t n, int tz_offset_minutes, int64_t t) {
  if (!arguments_valid(w, n, tz_offset_minutes, t))
    return false;
  int64_t day, second;
  local_day(tz_offset_minutes, t, &day, &second);
  for (size_t i = 0; i < n; i++)
    if (second >= (int64_t)w[i].start * 60 && second < (int64_t)w[i].end * 60)
      return true;
  return false;
}

/* IMP: SPEC D3 — the first instant at or after t inside a window: t itself, the start of a
 * later window the same local day, or the first window of the next day. */
bool call_hours_next(const struct call_window *w, size_t n, int tz_offset_minutes, int64_t t,
                     int64_t *out) {
  if (n == 0 || !out || !arguments_valid(w, n, tz_offset_minutes, t))
    return false;
  int64_t day, second, zone = (int64_t)tz_offset_minutes * 60;
  local_day(tz_offset_minutes, t, &day, &second);
  for (size_t i = 0; i < n; i++) {
    if (second < (int64_t)w[i].start * 60) {
      *out = day * DAY_SECONDS + (int64_t)w[i].start * 60 - zone;
      return true;
    }
    if (second < (int64_t)w[i].end * 60) {
      *out = t;
      return true;
    }
  }
  *out = (day + 1) * DAY_SECONDS + (int64_t)w[0].start * 60 - zone;
  return true;
}

/* IMP: SPEC D3 — no answer: try again after the delay, but only inside calling hours. */
bool call_hours_retry_at(const struct call_window *w, size_t n, int tz_offset_minutes, int64_t now,
                         int retry_minutes, int64_t *out) {
  if (retry_minutes < 0 || retry_minutes > MAX_RETRY_MINUTES || now <= -INSTANT_LIMIT ||
      now >= INSTANT_LIMIT)
    return false;
  return call_hours_next(w, n, tz_offset_minutes, now + (int64_t)retry_minutes * 60, out);
}
