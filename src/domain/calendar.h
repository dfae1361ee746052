/* calendar.h (domain) — the work calendar kept in the database (calendar_years,
 * calendar_days; DESIGN.md: loaded from npm chinese-days, extended by administrators, a year
 * not loaded is reported, never guessed). rules/calendar.h holds the rule; this file reads
 * the table into it and keeps it. */
#ifndef SHOUHOU_DOMAIN_CALENDAR_H
#define SHOUHOU_DOMAIN_CALENDAR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../rules/calendar.h"
#include "../store/calendar.h"
#include "../store/store.h"
#include "actor.h"
#include "app.h"

/* A calendar read from the database; cal points into the owned arrays. */
struct work_calendar {
  struct calendar cal;
  int *years;
  struct calendar_day *days;
};

/* Inside a unit: the loaded years among first_year..last_year and their listed days. Years
 * not loaded are simply absent (the rule then answers CALENDAR_NOT_LOADED). Free with
 * work_calendar_free, also after a failure. */
enum sh_status work_calendar_read(struct store_tx *tx, int first_year, int last_year,
                                  struct work_calendar *out, struct sh_error *err);
void work_calendar_free(struct work_calendar *calendar);

/* The years a calendar may hold (as base/timefmt.h's date_valid accepts). */
#define CALENDAR_FIRST_YEAR 1900
#define CALENDAR_LAST_YEAR 9999
/* The source of a year an administrator marked or edited; never overwritten by a load
 * without force. */
#define CALENDAR_SOURCE_ADMIN "admin"

/* What calendar_load_file did. Caller frees with calendar_load_result_free. */
struct calendar_load_result {
  char source[64]; /* "chinese-days 1.5.7" */
  int *loaded;     /* the years written, ascending */
  size_t nloaded;
  int *kept; /* the years the file has but an administrator edited (source admin): untouched */
  size_t nkept;
  size_t days; /* listed days written */
};
void calendar_load_result_free(struct calendar_load_result *result);

/* Loads npm chinese-days' dist/chinese-days.json: {"holidays": {"2026-10-01": "National
 * Day,国庆节,3", ...}, "workdays": {...}, "inLieuDays": {...}}. Holidays are listed as days
 * off, workdays (调休上班) as make-up working days, each named by the second comma field;
 * inLieuDays must be holidays already and add nothing. Every year the file has is marked
 * loaded with source "chinese-days VERSION" (the version from the package.json beside the
 * dist folder, else plain "chinese-days") and its listed days are replaced by the file's —
 * except a year whose source is "admin", which is kept unless force. Every key is checked
 * first (a real date, a string value with a name, no day both off and on): bad data writes
 * nothing and fails with 422 bad_calendar_file naming the key. One unit, audited as the
 * command line (entity "calendar", action "load"). */
enum sh_status calendar_load_file(struct app *app, const char *path, bool force,
                                  struct calendar_load_result *out, struct sh_error *err);

/* A year as the calendar page shows it. Caller frees with calendar_year_view_free. */
struct calendar_year_view {
  int year;
  bool loaded;
  struct calendar_year_row row;  /* source, loaded_at, loaded_by: when loaded */
  struct calendar_day_row *days; /* the listed days, ascending */
  size_t ndays;
  int working_days[12]; /* working days in each month (when loaded) */
  int *loaded_years;    /* every loaded year, ascending (for a year picker) */
  size_t nloaded_years;
};
void calendar_year_view_free(struct calendar_year_view *view);

/* The year's row, listed days and working days per month; a year not loaded is not an
 * error (loaded false, no days). year must be CALENDAR_FIRST_YEAR..CALENDAR_LAST_YEAR. */
enum sh_status calendar_year_get(struct app *app, int year, struct calendar_year_view *out,
                                 struct sh_error *err);

/* How many years are loaded (0: no calendar yet). */
enum sh_status calendar_year_count(struct app *app, size_t *count, struct sh_error *err);

/* One day as the rule sees it. */
struct calendar_day_view {
  char day[11];
  enum calendar_kind kind;
  bool listed; /* a holiday or make-up working day of the table */
  char *name;  /* the listed day's name; NULL when not listed */
  int weekday; /* ISO: 1 Monday .. 7 Sunday */
};
void calendar_day_view_free(struct calendar_day_view *view);

/* What kind of day day ("YYYY-MM-DD") is: 422 invalid_date (field "day") if it is not a real
 * date. */
enum sh_status calendar_day_get(struct app *app, const char *day, struct calendar_day_view *out,
                                struct sh_error *err);

/* An administrator marks year loaded (source "admin"), e.g. next year before chinese-days
 * publishes it; the days already listed stay. Audited (entity "calendar_year", id the year).
 * *created tells whether the year was not loaded before. */
enum sh_status calendar_year_mark(struct app *app, const struct actor *actor, int year,
                                  bool *created, struct sh_error *err);
/* Unloads a year: its row and listed days go; 404 if it was not loaded. Audited. */
enum sh_status calendar_year_unload(struct app *app, const struct actor *actor, int year,
                                    struct sh_error *err);

/* Lists day as a holiday (workday false) or make-up working day (workday true) with a name
 * (may be NULL: ""). Its year must be loaded (422 calendar_not_loaded, field "day"); the
 * year's source becomes "admin". Audited (entity "calendar_day", id YYYYMMDD). *created (may
 * be NULL) tells whether the day was not listed before. */
enum sh_status calendar_day_put(struct app *app, const struct actor *actor, const char *day,
                                bool workday, const char *name, bool *created,
                                struct sh_error *err);
/* Removes a listed day (404 if not listed); the year's source becomes "admin". Audited. */
enum sh_status calendar_day_delete(struct app *app, const struct actor *actor, const char *day,
                                   struct sh_error *err);

#endif
