/* period.c — periods of months as the Civil Code counts them (SPEC B2, D1, B4; arts. 201–202,
 * see period.h). Months are added on a month index (year × 12 + month − 1), then the day is
 * clamped to the final month's length: no day-by-day walking, so large counts cost nothing. */
#include "period.h"

#include <limits.h>

#include "../base/timefmt.h"

#define LAST_YEAR 9999

/* Splits a valid date into its numbers; false when the text is not a valid date. */
static bool split_date(const char *s, int *year, int *month, int *day) {
  if (!date_valid(s))
    return false;
  *year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  *month = (s[5] - '0') * 10 + (s[6] - '0');
  *day = (s[8] - '0') * 10 + (s[9] - '0');
  return true;
}

/* Writes a date of years 0..9999 as "YYYY-MM-DD". */
static void format_date(int year, int month, int day, char out[PERIOD_DATE_LEN + 1]) {
  const int fields[3][2] = {{year, 4}, {month, 2}, {day, 2}};
  int at = 0;
  for (int f = 0; f < 3; f++) {
    if (f > 0)
      out[at++] = '-';
    for (int i = fields[f][1] - 1, value = fields[f][0]; i >= 0; i--, value /= 10)
      out[at + i] = (char)('0' + value % 10);
    at += fields[f][1];
  }
  out[at] = '\0';
}

static bool leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap_year(year) ? 29 : days[month - 1];
}

/* IMP: SPEC B2 — arts. 201–202: the starting day is not counted; the period ends on the
 * same-numbered day of its final month, or on that month's last day where it has none. */
bool period_last_day(const char *start, int months, char out[PERIOD_DATE_LEN + 1]) {
  int year, month, day;
  if (months < 0 || !split_date(start, &year, &month, &day))
    return false;
  int64_t index = (int64_t)year * 12 + (month - 1) + months;
  if (index / 12 > LAST_YEAR)
    return false;
  int last_year = (int)(index / 12), last_month = (int)(index % 12) + 1;
  int length = days_in_month(last_year, last_month);
  int last_day = day <= length ? day : length;
  format_date(last_year, last_month, last_day, out);
  return true;
}

/* IMP: SPEC D1 — the n-th "every N months" date is the end of n × N months from the start. */
bool period_nth_due(const char *start, int interval_months, int n, char out[PERIOD_DATE_LEN + 1]) {
  if (interval_months < 1 || n < 0)
    return false;
  int64_t months = (int64_t)interval_months * n;
  if (months > INT_MAX)
    return false; /* past 9999 from any start */
  return period_last_day(start, (int)months, out);
}

bool period_day_number(const char *date, int64_t *out) {
  int year, month, day;
  if (!split_date(date, &year, &month, &day))
    return false;
  *out = days_from_civil(year, (unsigned)month, (unsigned)day);
  return true;
}

int period_compare_dates(const char *a, const char *b) {
  int64_t day_a, day_b;
  bool valid_a = period_day_number(a, &day_a), valid_b = period_day_number(b, &day_b);
  if (!valid_a || !valid_b)
    return (int)valid_a - (int)valid_b;
  return (day_a > day_b) - (day_a < day_b);
}

bool period_days_between(const char *from, const char *to, int64_t *out) {
  int64_t day_from, day_to;
  if (!period_day_number(from, &day_from) || !period_day_number(to, &day_to))
    return false;
  *out = day_to - day_from;
  return true;
}
