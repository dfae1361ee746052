/* period.h — periods of months counted as the PRC Civil Code counts them (SPEC B2, D1, B4).
 *
 * 民法典 art. 201: 按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算.
 * art. 202: 按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，月末日为期间的
 * 最后一日. A year is twelve months. So a period of N months that starts on day d of month M
 * runs from the day after d and ends on day d of month M + N — "the last day", which belongs
 * to the period — or on the last day of month M + N when that month has no day d:
 * 2026-03-15 + 12 months ends on 2027-03-15, 2026-01-31 + 1 month on 2026-02-28.
 *
 * Design: dates are "YYYY-MM-DD" text, valid as date_valid (src/base/timefmt.h) has it,
 * years 1900..9999; a result past 9999-12-31 is refused, never wrapped. Pure: no I/O, no
 * clock, no allocation; every output is written only on success. */
#ifndef SHOUHOU_PERIOD_H
#define SHOUHOU_PERIOD_H

#include <stdbool.h>
#include <stdint.h>

#define PERIOD_DATE_LEN 10 /* "YYYY-MM-DD" without the NUL */

/* The last day of a period of `months` months whose starting day is `start` (SPEC B2; arts.
 * 201–202): the starting day itself is not counted, the period runs from the next day and
 * includes the day written to out — the same-numbered day of the final month, or that
 * month's last day when it has no such day. months 0 gives start itself (an empty period).
 * This is also the deadline of "within N months of start" (SPEC B4: 以内 includes the last
 * day, Civil Code art. 1259): a date is within it when it is on or before out.
 * Returns false, out untouched, when start is not a valid date, months < 0, or the last day
 * would fall after 9999-12-31. */
bool period_last_day(const char *start, int months, char out[PERIOD_DATE_LEN + 1]);

/* The due date of the n-th visit of an "every interval_months months" schedule that starts
 * on `start` (SPEC D1, e.g. 至少每二个月回访一次): the last day of a period of
 * n × interval_months months from start, as period_last_day counts it. Each due date is
 * counted from start, not from the previous due date, so a month-end start keeps its day:
 * from 2026-01-31 every 1 month, 2026-02-28 then 2026-03-31 (not 03-28). n 0 gives start.
 * Returns false, out untouched, when start is not a valid date, interval_months < 1, n < 0,
 * or the date would fall after 9999-12-31. */
bool period_nth_due(const char *start, int interval_months, int n, char out[PERIOD_DATE_LEN + 1]);

/* Days since 1970-01-01 of a valid date (via days_from_civil). Returns false, out untouched,
 * when date is not valid. */
bool period_day_number(const char *date, int64_t *out);

/* Negative, 0 or positive as date a is before, the same day as, or after date b. Meant for
 * valid dates (validate at the edge); text that is not a valid date counts as before every
 * valid date, and two invalid texts compare equal, so the order stays total. */
int period_compare_dates(const char *a, const char *b);

/* The number of days from `from` to `to` (negative when to is earlier); both must be valid
 * dates. Returns false, out untouched, when either is not. */
bool period_days_between(const char *from, const char *to, int64_t *out);

#endif
