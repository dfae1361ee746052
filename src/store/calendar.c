/* calendar.c — SQL for the work calendar's tables (see calendar.h). The same text runs on
 * SQLite and PostgreSQL: upserts use ON CONFLICT, days compare as 'YYYY-MM-DD' text, which
 * sorts as the dates do. */
#include "calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"

void calendar_year_row_free(struct calendar_year_row *row) {
  if (!row)
    return;
  free(row->source);
  memset(row, 0, sizeof *row);
}

void calendar_year_rows_free(struct calendar_year_row *rows, size_t count) {
  for (size_t i = 0; rows && i < count; i++)
    calendar_year_row_free(&rows[i]);
  free(rows);
}

void calendar_day_row_free(struct calendar_day_row *row) {
  if (!row)
    return;
  free(row->name);
  memset(row, 0, sizeof *row);
}

void calendar_day_rows_free(struct calendar_day_row *rows, size_t count) {
  for (size_t i = 0; rows && i < count; i++)
    calendar_day_row_free(&rows[i]);
  free(rows);
}

#define YEAR_COLUMNS "year, source, loaded_at, COALESCE(loaded_by, 0)"
#define DAY_COLUMNS "day, workday, name, updated_at, COALESCE(updated_by, 0)"

static bool year_from_row(const struct store_rows *rows, size_t r, struct calendar_year_row *out) {
  out->year = (int)store_rows_int(rows, r, 0);
  out->source = store_rows_strdup(rows, r, 1);
  out->loaded_at = store_rows_int(rows, r, 2);
  out->loaded_by = store_rows_int(rows, r, 3);
  return out->source != NULL;
}

static bool day_from_row(const struct store_rows *rows, size_t r, struct calendar_day_row *out) {
  const char *day = store_rows_text(rows, r, 0);
  snprintf(out->day, sizeof out->day, "%s", day ? day : "");
  out->workday = store_rows_int(rows, r, 1) != 0;
  out->name = store_rows_strdup(rows, r, 2);
  out->updated_at = store_rows_int(rows, r, 3);
  out->updated_by = store_rows_int(rows, r, 4);
  return out->name != NULL;
}

/* The first and last day of a year as text bounds. */
static void year_bounds(int first, int last, char from[24], char to[24]) {
  snprintf(from, 24, "%04d-01-01", first);
  snprintf(to, 24, "%04d-12-31", last);
}

enum sh_status store_calendar_year_get(struct store_tx *tx, int year, struct calendar_year_row *out,
                                       bool *found, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(year)};
  enum sh_status rc = store_exec(tx, "SELECT " YEAR_COLUMNS " FROM calendar_years WHERE year = $1",
                                 p, 1, &rows, err);
  if (rc == SH_OK) {
    *found = store_rows_count(rows) > 0;
    if (*found) {
      memset(out, 0, sizeof *out);
      if (!year_from_row(rows, 0, out)) {
        calendar_year_row_free(out);
        rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      }
    }
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_calendar_year_list(struct store_tx *tx, int first, int last,
                                        struct calendar_year_row **out, size_t *count,
                                        struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct calendar_year_row *list = NULL;
  struct store_param p[] = {SP_INT(first), SP_INT(last)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT " YEAR_COLUMNS " FROM calendar_years "
                                 "WHERE year >= $1 AND year <= $2 ORDER BY year",
                                 p, 2, &rows, err);
  if (rc != SH_OK)
    goto out;
  size_t n = store_rows_count(rows);
  list = sh_calloc(n ? n : 1, sizeof *list);
  if (!list) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    if (!year_from_row(rows, i, &list[i])) {
      calendar_year_rows_free(list, n);
      list = NULL;
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      goto out;
    }
  }
  *out = list;
  *count = n;
out:
  store_rows_free(rows);
  return rc;
}

enum sh_status store_calendar_year_put(struct store_tx *tx, int year, const char *source,
                                       int64_t now, int64_t user_id, struct sh_error *err) {
  struct store_param p[] = {SP_INT(year), SP_TEXT(source), SP_INT(now),
                            user_id ? SP_INT(user_id) : SP_NULL()};
  return store_exec(tx,
                    "INSERT INTO calendar_years (year, source, loaded_at, loaded_by) "
                    "VALUES ($1, $2, $3, $4) ON CONFLICT (year) DO UPDATE SET "
                    "source = excluded.source, loaded_at = excluded.loaded_at, "
                    "loaded_by = excluded.loaded_by",
                    p, 4, NULL, err);
}

enum sh_status store_calendar_year_delete(struct store_tx *tx, int year, bool *deleted,
                                          struct sh_error *err) {
  struct store_param p[] = {SP_INT(year)};
  enum sh_status rc = store_calendar_day_delete_year(tx, year, NULL, err);
  if (rc == SH_OK)
    rc = store_exec(tx, "DELETE FROM calendar_years WHERE year = $1", p, 1, NULL, err);
  if (rc == SH_OK)
    *deleted = store_changes(tx) > 0;
  return rc;
}

enum sh_status store_calendar_day_list(struct store_tx *tx, int first, int last,
                                       struct calendar_day_row **out, size_t *count,
                                       struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct calendar_day_row *list = NULL;
  char from[24], to[24];
  year_bounds(first, last, from, to);
  struct store_param p[] = {SP_TEXT(from), SP_TEXT(to)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT " DAY_COLUMNS " FROM calendar_days "
                                 "WHERE day >= $1 AND day <= $2 ORDER BY day",
                                 p, 2, &rows, err);
  if (rc != SH_OK)
    goto out;
  size_t n = store_rows_count(rows);
  list = sh_calloc(n ? n : 1, sizeof *list);
  if (!list) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    if (!day_from_row(rows, i, &list[i])) {
      calendar_day_rows_free(list, n);
      list = NULL;
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      goto out;
    }
  }
  *out = list;
  *count = n;
out:
  store_rows_free(rows);
  return rc;
}

enum sh_status store_calendar_day_get(struct store_tx *tx, const char *day,
                                      struct calendar_day_row *out, bool *found,
                                      struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(day)};
  enum sh_status rc =
      store_exec(tx, "SELECT " DAY_COLUMNS " FROM calendar_days WHERE day = $1", p, 1, &rows, err);
  if (rc == SH_OK) {
    *found = store_rows_count(rows) > 0;
    if (*found) {
      memset(out, 0, sizeof *out);
      if (!day_from_row(rows, 0, out)) {
        calendar_day_row_free(out);
        rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      }
    }
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_calendar_day_put(struct store_tx *tx, const char *day, bool workday,
                                      const char *name, int64_t now, int64_t user_id,
                                      struct sh_error *err) {
  struct store_param p[] = {SP_TEXT(day), SP_BOOL(workday), SP_TEXT(name ? name : ""), SP_INT(now),
                            user_id ? SP_INT(user_id) : SP_NULL()};
  return store_exec(tx,
                    "INSERT INTO calendar_days (day, workday, name, updated_at, updated_by) "
                    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day) DO UPDATE SET "
                    "workday = excluded.workday, name = excluded.name, "
                    "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                    p, 5, NULL, err);
}

enum sh_status store_calendar_day_delete(struct store_tx *tx, const char *day, bool *deleted,
                                         struct sh_error *err) {
  struct store_param p[] = {SP_TEXT(day)};
  enum sh_status rc = store_exec(tx, "DELETE FROM calendar_days WHERE day = $1", p, 1, NULL, err);
  if (rc == SH_OK)
    *deleted = store_changes(tx) > 0;
  return rc;
}

enum sh_status store_calendar_day_delete_year(struct store_tx *tx, int year, int64_t *count,
                                              struct sh_error *err) {
  char from[24], to[24];
  year_bounds(year, year, from, to);
  struct store_param p[] = {SP_TEXT(from), SP_TEXT(to)};
  enum sh_status rc =
      store_exec(tx, "DELETE FROM calendar_days WHERE day >= $1 AND day <= $2", p, 2, NULL, err);
  if (rc == SH_OK && count)
    *count = store_changes(tx);
  return rc;
}
