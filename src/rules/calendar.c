/* calendar.c — which local days are working days (SPEC C2, I1; the rule is in calendar.h).
 *
 * Design: the calendar is two sorted arrays the caller owns (the loaded years and the listed
 * days), searched by bisection, so a lookup costs O(log n) and nothing is allocated. The
 * year of a listed day is not looked at: a day of a year that is not loaded has no answer,
 * whatever the list says. Weekdays come from the day number alone (1970-01-01 was a
 * Thursday), so there is no table of weeks to keep. */
#include "calendar.h"

#include <limits.h>

#include "../base/timefmt.h"

#define DAYS_PER_400_YEARS 146097 /* 400 × 365 + 97 leap days */

/* The weekday of a day number, Monday 0 .. Sunday 6 (day 0, 1970-01-01, was a Thursday). */
static int weekday_of(int64_t day) {
  int remainder = (int)(day % 7); /* -6..6, taken before adding so nothing overflows */
  return (remainder + 7 + 3) % 7;
}

/* The listed day `day`, or NULL. */
static const struct calendar_day *listed_day(const struct calendar *calendar, int64_t day) {
  if (!calendar->days)
    return NULL;
  size_t low = 0, high = calendar->ndays;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (calendar->days[middle].day < day)
      low = middle + 1;
    else if (calendar->days[middle].day > day)
      high = middle;
    else
      return &calendar->days[middle];
  }
  return NULL;
}

bool calendar_has_year(const struct calendar *calendar, int year) {
  if (!calendar || !calendar->years)
    return false;
  size_t low = 0, high = calendar->nyears;
  while (low < high) {
    size_t middle = low + (high - low) / 2;
    if (calendar->years[middle] < year)
      low = middle + 1;
    else if (calendar->years[middle] > year)
      high = middle;
    else
      return true;
  }
  return false;
}

/* An estimate from the mean Gregorian year (146097 days in 400 years) is at most a year off;
 * days_from_civil corrects it. Days beyond the years an int holds are clamped. */
int calendar_year_of(int64_t day) {
  if (day < days_from_civil(INT_MIN, 1, 1))
    return INT_MIN;
  if (day >= days_from_civil((int64_t)INT_MAX + 1, 1, 1))
    return INT_MAX;
  int64_t cycles = day / DAYS_PER_400_YEARS, rest = day % DAYS_PER_400_YEARS;
  if (rest < 0) {
    cycles--;
    rest += DAYS_PER_400_YEARS;
  }
  int64_t year = 1970 + cycles * 400 + rest * 400 / DAYS_PER_400_YEARS;
  while (days_from_civil(year, 1, 1) > day)
    year--;
  while (days_from_civil(year + 1, 1, 1) <= day)
    year++;
  return (int)year;
}

/* IMP: SPEC C2 — a loaded day is a working day when it is a listed make-up working day, or a
 * Monday..Friday that is not a listed holiday; a day of a year not loaded has no answer. */
enum calendar_kind calendar_day_kind(const struct calendar *calendar, int64_t day) {
  if (!calendar_has_year(calendar, calendar_year_of(day)))
    return CALENDAR_NOT_LOADED;
  const struct calendar_day *listed = listed_day(calendar, day);
  if (listed)
    return listed->workday ? CALENDAR_WORKDAY : CALENDAR_OFFDAY;
  return weekday_of(day) < 5 ? CALENDAR_WORKDAY : CALENDAR_OFFDAY;
}
