/* call_hours.h — when the return-visit desk may phone a customer (SPEC D3; 年终总结2 4:
 * 拨打电话时要注意时间不宜太早或太晚,也不适宜在午休时间去电客户). The rulebook gives no hours: the
 * setting calls.hours holds ours (09:00-12:00,14:00-20:00 customer local time, which is the
 * company's zone for customers in China). Windows apply every day of the week: a desk that
 * calls at weekends uses the same hours (our reading; a customer's own preference is a note).
 *
 * Instants are UTC seconds, before 1970 too (negative); one 2^62 s or more away from the
 * epoch is refused (false), so that the arithmetic cannot overflow.
 *
 * Pure: the instant is an argument; no clock, no I/O. */
#ifndef SHOUHOU_CALL_HOURS_H
#define SHOUHOU_CALL_HOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct call_window {
  int start, end; /* minutes after local midnight, 0 <= start < end <= 1440 */
};

/* Valid windows: n <= 48, each as above, ascending and not overlapping (a window may start
 * where the one before ends). n 0 is valid: no calling hours at all. */
bool call_hours_valid(const struct call_window *w, size_t n);

/* Whether the UTC instant t falls inside a window (start included, end excluded) in the
 * zone tz_offset_minutes (-720..840). False also for invalid windows or zone. */
bool call_hours_inside(const struct call_window *w, size_t n, int tz_offset_minutes, int64_t t);

/* The first instant at or after t inside a window (t itself when inside). False, out
 * untouched, for invalid windows or zone, or no windows at all. */
bool call_hours_next(const struct call_window *w, size_t n, int tz_offset_minutes, int64_t t,
                     int64_t *out);

/* When to try a customer again after a call that did not reach them: the first instant
 * inside a window at or after now + retry_minutes (0..10080). False as call_hours_next. */
bool call_hours_retry_at(const struct call_window *w, size_t n, int tz_offset_minutes, int64_t now,
                         int retry_minutes, int64_t *out);

#endif
