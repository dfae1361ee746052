/* calendar.h — the work calendar's tables: calendar_years (the years loaded and where from)
 * and calendar_days (the days that differ from Monday-Friday: holidays and make-up working
 * days). A year without a row is not loaded; domain/calendar.c keeps the invariant that
 * only days of loaded years are listed. */
#ifndef SHOUHOU_STORE_CALENDAR_H
#define SHOUHOU_STORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct calendar_year_row {
  int year;
  char *source;      /* "chinese-days 1.5.7", "admin" */
  int64_t loaded_at; /* UTC seconds */
  int64_t loaded_by; /* user id, 0 for the command line */
};

struct calendar_day_row {
  char day[11];       /* "YYYY-MM-DD", local */
  bool workday;       /* true: make-up working day (调休上班); false: holiday */
  char *name;         /* "国庆节", "" if none */
  int64_t updated_at; /* UTC seconds */
  int64_t updated_by; /* user id, 0 for the command line */
};

void calendar_year_row_free(struct calendar_year_row *row);
void calendar_year_rows_free(struct calendar_year_row *rows, size_t count);
void calendar_day_row_free(struct calendar_day_row *row);
void calendar_day_rows_free(struct calendar_day_row *rows, size_t count);

/* *found tells whether the year is loaded; *out is filled only then (caller frees it with
 * calendar_year_row_free). */
enum sh_status store_calendar_year_get(struct store_tx *tx, int year, struct calendar_year_row *out,
                                       bool *found, struct sh_error *err);
/* The loaded years first..last (inclusive), ascending. Caller frees with
 * calendar_year_rows_free. */
enum sh_status store_calendar_year_list(struct store_tx *tx, int first, int last,
                                        struct calendar_year_row **out, size_t *count,
                                        struct sh_error *err);
/* Marks a year loaded from source (inserts or replaces its row). user_id 0: command line. */
enum sh_status store_calendar_year_put(struct store_tx *tx, int year, const char *source,
                                       int64_t now, int64_t user_id, struct sh_error *err);
/* Unloads a year: its row and its listed days. *deleted tells whether it was loaded. */
enum sh_status store_calendar_year_delete(struct store_tx *tx, int year, bool *deleted,
                                          struct sh_error *err);

/* The listed days of the years first..last (inclusive), ascending. Caller frees with
 * calendar_day_rows_free. */
enum sh_status store_calendar_day_list(struct store_tx *tx, int first, int last,
                                       struct calendar_day_row **out, size_t *count,
                                       struct sh_error *err);
/* *found tells whether day ("YYYY-MM-DD") is listed; *out is filled only then. */
enum sh_status store_calendar_day_get(struct store_tx *tx, const char *day,
                                      struct calendar_day_row *out, bool *found,
                                      struct sh_error *err);
/* Lists a day (inserts or replaces it). */
enum sh_status store_calendar_day_put(struct store_tx *tx, const char *day, bool workday,
                                      const char *name, int64_t now, int64_t user_id,
                                      struct sh_error *err);
/* Removes a listed day. *deleted tells whether it was listed. */
enum sh_status store_calendar_day_delete(struct store_tx *tx, const char *day, bool *deleted,
                                         struct sh_error *err);
/* Removes every listed day of a year; *count (may be NULL) gets how many. */
enum sh_status store_calendar_day_delete_year(struct store_tx *tx, int year, int64_t *count,
                                              struct sh_error *err);

#endif
