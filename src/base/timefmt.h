/* timefmt.h — UTC seconds to and from ISO 8601, and calendar dates (DESIGN.md data
 * conventions: times are UTC seconds stored, shown in the configured zone's offset). */
#ifndef SHOUHOU_TIMEFMT_H
#define SHOUHOU_TIMEFMT_H

#include <stdbool.h>
#include <stdint.h>

#define TIME_ISO_LEN 48

/* Seconds since the epoch, UTC. The only place outside main.c that reads the clock; rules
 * never call it (they take "now" as an argument). */
int64_t time_now(void);

/* Writes utc as "YYYY-MM-DDTHH:MM:SS+08:00" for the given offset (minutes east of UTC). */
void time_format_iso(int64_t utc, int offset_minutes, char out[TIME_ISO_LEN]);

/* Parses "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+hh:mm"/"-hh:mm" (a space may stand for
 * the T). Rejects impossible dates and times, and local dates before 1900. */
bool time_parse_iso(const char *s, int64_t *out_utc);

/* True if s is a real calendar date "YYYY-MM-DD" (years 1900..9999). */
bool date_valid(const char *s);

/* Days since 1970-01-01 of a proleptic Gregorian date (no time zone involved). */
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

#endif
