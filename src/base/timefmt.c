/* timefmt.c — ISO 8601 formatting and parsing without the C library's time zone state
 * (localtime and TZ are process-global; we only ever need a fixed offset). */
#include "timefmt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t time_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec;
}

/* Howard Hinnant's civil-from-days algorithm (public domain description). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void time_format_iso(int64_t utc, int offset_minutes, char out[TIME_ISO_LEN]) {
  int64_t local = utc + (int64_t)offset_minutes * 60;
  int64_t days = local / 86400, secs = local % 86400;
  if (secs < 0) {
    secs += 86400;
    days--;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  snprintf(out, TIME_ISO_LEN, "%04lld-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", (long long)y, m, d,
           (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
           offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
}

static bool digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

static unsigned month_days(int y, int m) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

static bool parse_date(const char *s, int *y, int *m, int *d) {
  if (!digits(s, 4, y) || s[4] != '-' || !digits(s + 5, 2, m) || s[7] != '-' ||
      !digits(s + 8, 2, d))
    return false;
  return *y >= 1900 && *m >= 1 && *m <= 12 && *d >= 1 && (unsigned)*d <= month_days(*y, *m);
}

bool date_valid(const char *s) {
  int y, m, d;
  return s && strlen(s) == 10 && parse_date(s, &y, &m, &d);
}

bool time_parse_iso(const char *s, int64_t *out_utc) {
  int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 1;
  if (!s || strlen(s) < 20 || !parse_date(s, &y, &mo, &d))
    return false;
  if ((s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2, &h) || s[13] != ':' ||
      !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
    return false;
  if (h > 23 || mi > 59 || se > 59)
    return false;
  const char *z = s + 19;
  if (strcmp(z, "Z") == 0) {
    /* UTC */
  } else if ((z[0] == '+' || z[0] == '-') && strlen(z) == 6 && digits(z + 1, 2, &oh) &&
             z[3] == ':' && digits(z + 4, 2, &om) && oh <= 14 && om <= 59) {
    sign = z[0] == '-' ? -1 : 1;
  } else {
    return false;
  }
  int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
  *out_utc = days * 86400 + h * 3600 + mi * 60 + se - sign * (oh * 3600 + om * 60);
  return true;
}
