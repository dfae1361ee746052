/* calendar.h — the work calendar: which local days are working days (SPEC C2 work-hours
 * policy, I1; DESIGN.md: holidays and make-up working days (调休) come from npm
 * chinese-days into a table administrators extend; a day past the loaded years is
 * reported, never guessed).
 *
 * The rule: a day is a working day when its year is loaded and either it is listed as a
 * make-up working day (调休上班, e.g. Saturday 2026-02-14), or it is Monday..Friday and not
 * listed as a holiday (e.g. 2026-10-01..07). A day of a year that is not loaded has no
 * answer: CALENDAR_NOT_LOADED, and the caller says "calendar for YYYY not loaded".
 *
 * Days are counted as days since 1970-01-01 (days_from_civil in base/timefmt.h), local to
 * the company's zone. Pure: the calendar is data the caller loaded; no I/O, no clock. */
#ifndef SHOUHOU_CALENDAR_H
#define SHOUHOU_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One listed day: a holiday (not worked, whatever the weekday) or a make-up working day. */
struct calendar_day {
  int64_t day;  /* days since 1970-01-01 */
  bool workday; /* true: 调休 working day; false: holiday */
};

struct calendar {
  const int *years; /* the loaded years, ascending, no repeats */
  size_t nyears;
  const struct calendar_day *days; /* the listed days, ascending by day, no repeats */
  size_t ndays;
};

enum calendar_kind {
  CALENDAR_WORKDAY,    /* a working day */
  CALENDAR_OFFDAY,     /* a weekend or holiday */
  CALENDAR_NOT_LOADED, /* the day's year is not in the calendar */
};

/* What kind of day `day` is. A NULL calendar counts as one with no years loaded. */
enum calendar_kind calendar_day_kind(const struct calendar *calendar, int64_t day);

/* The civil year of a day number (1970-01-01 is day 0); clamped to INT_MIN..INT_MAX for
 * days beyond the years an int holds. */
int calendar_year_of(int64_t day);

/* True when year is loaded. */
bool calendar_has_year(const struct calendar *calendar, int year);

#endif
