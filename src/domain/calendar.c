/* calendar.c — the work calendar kept in the database: loading npm chinese-days, the
 * administrator's changes, and reading a span of years into the rule (see calendar.h).
 *
 * Design: the tables hold only what differs from a Monday-Friday week; rules/calendar.c
 * decides what a day is. Invariant kept here: only days of loaded years are listed (a day can
 * be listed only while its year is loaded; unloading a year deletes its days). A year an
 * administrator touched has source "admin" and a load leaves it alone unless forced, so a
 * newer chinese-days never silently undoes a company's own holiday. */
#include "calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "audit.h"

#define NAME_MAX_CHARS 50 /* a day's name, as the API allows it */

/* "YYYY-MM-DD" (already date_valid) → year, month, day. */
static void split_date(const char *s, int *year, unsigned *month, unsigned *day) {
  *year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  *month = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
  *day = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
}

static int64_t day_number(const char *s) {
  int year;
  unsigned month, day;
  split_date(s, &year, &month, &day);
  return days_from_civil(year, month, day);
}

/* ISO weekday of a day number: 1 Monday .. 7 Sunday (1970-01-01 was a Thursday). */
static int iso_weekday(int64_t day) {
  int remainder = (int)(day % 7);
  return (remainder + 7 + 3) % 7 + 1;
}

/* The audit id of a day: 20261001 for 2026-10-01. */
static int64_t day_entity_id(const char *s) {
  int year;
  unsigned month, day;
  split_date(s, &year, &month, &day);
  return (int64_t)year * 10000 + month * 100 + day;
}

static int year_of_text(const char *s) {
  int year;
  unsigned month, day;
  split_date(s, &year, &month, &day);
  return year;
}

void work_calendar_free(struct work_calendar *calendar) {
  if (!calendar)
    return;
  free(calendar->years);
  free(calendar->days);
  memset(calendar, 0, sizeof *calendar);
}

/* Builds the rule's calendar from the rows: the loaded years, and the listed days of those
 * years only (a stray row of a year not loaded would otherwise answer for it). */
static enum sh_status to_calendar(const struct calendar_year_row *years, size_t nyears,
                                  const struct calendar_day_row *days, size_t ndays,
                                  struct work_calendar *out, struct sh_error *err) {
  out->years = sh_calloc(nyears ? nyears : 1, sizeof *out->years);
  out->days = sh_calloc(ndays ? ndays : 1, sizeof *out->days);
  if (!out->years || !out->days)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  for (size_t i = 0; i < nyears; i++)
    out->years[i] = years[i].year;
  size_t kept = 0;
  for (size_t i = 0, y = 0; i < ndays; i++) {
    if (!date_valid(days[i].day))
      return sh_fail(err, SH_ERR_INTERNAL, "internal", "day", days[i].day);
    int year = year_of_text(days[i].day);
    while (y < nyears && years[y].year < year)
      y++;
    if (y == nyears || years[y].year != year)
      continue;
    out->days[kept].day = day_number(days[i].day);
    out->days[kept].workday = days[i].workday;
    kept++;
  }
  out->cal.years = out->years;
  out->cal.nyears = nyears;
  out->cal.days = out->days;
  out->cal.ndays = kept;
  return SH_OK;
}

enum sh_status work_calendar_read(struct store_tx *tx, int first_year, int last_year,
                                  struct work_calendar *out, struct sh_error *err) {
  struct calendar_year_row *years = NULL;
  struct calendar_day_row *days = NULL;
  size_t nyears = 0, ndays = 0;
  memset(out, 0, sizeof *out);
  enum sh_status rc = store_calendar_year_list(tx, first_year, last_year, &years, &nyears, err);
  if (rc == SH_OK)
    rc = store_calendar_day_list(tx, first_year, last_year, &days, &ndays, err);
  if (rc == SH_OK)
    rc = to_calendar(years, nyears, days, ndays, out, err);
  calendar_year_rows_free(years, nyears);
  calendar_day_rows_free(days, ndays);
  return rc;
}

/* ---- loading chinese-days ---- */

struct load_day {
  char day[11];
  bool workday;
  char *name; /* owned */
};

struct load_arg {
  struct load_day *days; /* ascending */
  size_t ndays;
  int *years; /* the years the file has, ascending */
  size_t nyears;
  bool force;
  struct calendar_load_result *result;
};

static void load_days_free(struct load_day *days, size_t n) {
  for (size_t i = 0; days && i < n; i++)
    free(days[i].name);
  free(days);
}

void calendar_load_result_free(struct calendar_load_result *result) {
  if (!result)
    return;
  free(result->loaded);
  free(result->kept);
  memset(result, 0, sizeof *result);
}

static enum sh_status bad_file(struct sh_error *err, const char *section, const char *key,
                               const char *why) {
  char detail[160];
  snprintf(detail, sizeof detail, "%s%s%s: %s", section, key ? " " : "", key ? key : "", why);
  return sh_fail(err, SH_ERR_INVALID, "bad_calendar_file", "file", detail);
}

/* Appends the days of one section ("holidays" or "workdays"). */
static enum sh_status read_section(json_t *root, const char *section, bool workday,
                                   struct load_day *days, size_t *n, struct sh_error *err) {
  json_t *object = json_object_get(root, section);
  if (!json_is_object(object))
    return bad_file(err, section, NULL, "missing or not an object");
  const char *key;
  json_t *value;
  json_object_foreach(object, key, value) {
    if (!date_valid(key))
      return bad_file(err, section, key, "not a date YYYY-MM-DD");
    const char *text = json_string_value(value);
    const char *first = text ? strchr(text, ',') : NULL;
    if (!first)
      return bad_file(err, section, key, "value is not \"English,中文,N\"");
    const char *end = strchr(first + 1, ',');
    size_t len = end ? (size_t)(end - first - 1) : strlen(first + 1);
    struct load_day *d = &days[(*n)++];
    memcpy(d->day, key, sizeof d->day);
    d->workday = workday;
    d->name = sh_strndup(first + 1, len);
    if (!d->name)
      return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    if (!utf8_valid(d->name, len) || utf8_length(d->name) > NAME_MAX_CHARS)
      return bad_file(err, section, key, "name longer than 50 characters");
  }
  return SH_OK;
}

static int compare_days(const void *a, const void *b) {
  return strcmp(((const struct load_day *)a)->day, ((const struct load_day *)b)->day);
}

/* Reads and checks the whole file into a->days and a->years; writes nothing. */
static enum sh_status read_file(json_t *root, struct load_arg *a, struct sh_error *err) {
  if (!json_is_object(root))
    return bad_file(err, "file", NULL, "not a JSON object");
  size_t capacity = json_object_size(json_object_get(root, "holidays")) +
                    json_object_size(json_object_get(root, "workdays"));
  a->days = sh_calloc(capacity ? capacity : 1, sizeof *a->days);
  a->years = sh_calloc(capacity ? capacity : 1, sizeof *a->years);
  if (!a->days || !a->years)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  enum sh_status rc = read_section(root, "holidays", false, a->days, &a->ndays, err);
  if (rc == SH_OK)
    rc = read_section(root, "workdays", true, a->days, &a->ndays, err);
  if (rc != SH_OK)
    return rc;
  if (a->ndays == 0)
    return bad_file(err, "file", NULL, "no holidays and no workdays");
  qsort(a->days, a->ndays, sizeof *a->days, compare_days);
  for (size_t i = 0; i < a->ndays; i++) {
    if (i > 0 && strcmp(a->days[i - 1].day, a->days[i].day) == 0)
      return bad_file(err, "workdays", a->days[i].day, "also a holiday");
    int year = year_of_text(a->days[i].day);
    if (a->nyears == 0 || a->years[a->nyears - 1] != year)
      a->years[a->nyears++] = year;
  }
  /* inLieuDays (days off given for a make-up working day) are holidays already. */
  json_t *in_lieu = json_object_get(root, "inLieuDays");
  if (in_lieu && !json_is_object(in_lieu))
    return bad_file(err, "inLieuDays", NULL, "not an object");
  const char *key;
  json_t *value;
  json_object_foreach(in_lieu, key, value) {
    if (!date_valid(key))
      return bad_file(err, "inLieuDays", key, "not a date YYYY-MM-DD");
    struct load_day probe = {0};
    memcpy(probe.day, key, sizeof probe.day);
    const struct load_day *found =
        bsearch(&probe, a->days, a->ndays, sizeof *a->days, compare_days);
    if (!found || found->workday)
      return bad_file(err, "inLieuDays", key, "not listed as a holiday");
  }
  return SH_OK;
}

/* "chinese-days 1.5.7" from the package.json beside the dist folder of path, else
 * "chinese-days". */
static void source_of(const char *path, char out[64]) {
  snprintf(out, 64, "chinese-days");
  const char *slash = strrchr(path, '/');
  size_t dir_len = slash ? (size_t)(slash - path) : 0;
  if (dir_len < 4 || strncmp(path + dir_len - 4, "dist", 4) != 0 ||
      (dir_len > 4 && path[dir_len - 5] != '/'))
    return;
  char package[4096];
  int n = snprintf(package, sizeof package, "%.*spackage.json", (int)(dir_len - 4), path);
  if (n < 0 || (size_t)n >= sizeof package)
    return;
  json_error_t jerr;
  json_t *root = json_load_file(package, 0, &jerr);
  const char *name = json_string_value(json_object_get(root, "name"));
  const char *version = json_string_value(json_object_get(root, "version"));
  if (name && version && strcmp(name, "chinese-days") == 0 && strlen(version) < 32)
    snprintf(out, 64, "chinese-days %s", version);
  json_decref(root);
}

/* Writes one year: marks it loaded and replaces its listed days by the file's. */
static enum sh_status load_year(struct store_tx *tx, const struct load_arg *a, int year,
                                const char *source, int64_t now, size_t *written,
                                struct sh_error *err) {
  enum sh_status rc = store_calendar_year_put(tx, year, source, now, 0, err);
  if (rc == SH_OK)
    rc = store_calendar_day_delete_year(tx, year, NULL, err);
  for (size_t i = 0; rc == SH_OK && i < a->ndays; i++) {
    if (year_of_text(a->days[i].day) != year)
      continue;
    rc = store_calendar_day_put(tx, a->days[i].day, a->days[i].workday, a->days[i].name, now, 0,
                                err);
    (*written)++;
  }
  return rc;
}

static json_t *int_array(const int *values, size_t n) {
  json_t *array = json_array();
  for (size_t i = 0; array && i < n; i++)
    json_array_append_new(array, json_integer(values[i]));
  return array;
}

static enum sh_status load_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct load_arg *a = arg;
  struct calendar_load_result *r = a->result;
  int64_t now = time_now();
  enum sh_status rc = SH_OK;
  /* The writer may run a unit again after a failed batch: start from nothing. */
  r->nloaded = r->nkept = r->days = 0;
  for (size_t i = 0; rc == SH_OK && i < a->nyears; i++) {
    struct calendar_year_row row = {0};
    bool found = false;
    rc = store_calendar_year_get(tx, a->years[i], &row, &found, err);
    bool kept = found && strcmp(row.source, CALENDAR_SOURCE_ADMIN) == 0 && !a->force;
    calendar_year_row_free(&row);
    if (rc != SH_OK)
      break;
    if (kept) {
      r->kept[r->nkept++] = a->years[i];
      continue;
    }
    rc = load_year(tx, a, a->years[i], r->source, now, &r->days, err);
    r->loaded[r->nloaded++] = a->years[i];
  }
  if (rc == SH_OK) {
    json_t *details = json_object();
    json_object_set_new(details, "source", json_string(r->source));
    json_object_set_new(details, "years", int_array(r->loaded, r->nloaded));
    json_object_set_new(details, "kept", int_array(r->kept, r->nkept));
    json_object_set_new(details, "days", json_integer((json_int_t)r->days));
    json_object_set_new(details, "force", json_boolean(a->force));
    rc = audit_log(tx, NULL, "calendar", 0, "load", details, now, err);
    json_decref(details);
  }
  return rc;
}

enum sh_status calendar_load_file(struct app *app, const char *path, bool force,
                                  struct calendar_load_result *out, struct sh_error *err) {
  struct load_arg a = {.force = force};
  struct calendar_load_result r = {0};
  json_error_t jerr;
  json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  enum sh_status rc = SH_OK;
  if (!root) {
    rc = sh_fail(err, SH_ERR_INVALID, "bad_calendar_file", "file", jerr.text);
    goto out;
  }
  rc = read_file(root, &a, err);
  if (rc != SH_OK)
    goto out;
  source_of(path, r.source);
  r.loaded = sh_calloc(a.nyears, sizeof *r.loaded);
  r.kept = sh_calloc(a.nyears, sizeof *r.kept);
  if (!r.loaded || !r.kept) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  a.result = &r;
  rc = store_write(app->store, load_unit, &a, err);
  if (rc == SH_OK) {
    *out = r;
    memset(&r, 0, sizeof r);
  }
out:
  calendar_load_result_free(&r);
  load_days_free(a.days, a.ndays);
  free(a.years);
  json_decref(root);
  return rc;
}

/* ---- reading ---- */

void calendar_year_view_free(struct calendar_year_view *view) {
  if (!view)
    return;
  calendar_year_row_free(&view->row);
  calendar_day_rows_free(view->days, view->ndays);
  free(view->loaded_years);
  memset(view, 0, sizeof *view);
}

void calendar_day_view_free(struct calendar_day_view *view) {
  if (!view)
    return;
  free(view->name);
  memset(view, 0, sizeof *view);
}

/* Working days in each month of a loaded year. */
static void count_working_days(const struct calendar *cal, int year, int out[12]) {
  for (unsigned month = 1; month <= 12; month++) {
    int64_t first = days_from_civil(year, month, 1);
    int64_t next =
        month == 12 ? days_from_civil(year + 1, 1, 1) : days_from_civil(year, month + 1, 1);
    out[month - 1] = 0;
    for (int64_t day = first; day < next; day++)
      out[month - 1] += calendar_day_kind(cal, day) == CALENDAR_WORKDAY;
  }
}

static enum sh_status year_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct calendar_year_view *v = arg;
  struct calendar_year_row *all = NULL;
  size_t nall = 0;
  struct work_calendar wc = {0};
  enum sh_status rc = store_calendar_year_get(tx, v->year, &v->row, &v->loaded, err);
  if (rc == SH_OK && v->loaded)
    rc = store_calendar_day_list(tx, v->year, v->year, &v->days, &v->ndays, err);
  if (rc == SH_OK && v->loaded)
    rc = to_calendar(&v->row, 1, v->days, v->ndays, &wc, err);
  if (rc == SH_OK && v->loaded)
    count_working_days(&wc.cal, v->year, v->working_days);
  if (rc == SH_OK)
    rc = store_calendar_year_list(tx, CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, &all, &nall, err);
  if (rc == SH_OK) {
    v->loaded_years = sh_calloc(nall ? nall : 1, sizeof *v->loaded_years);
    if (!v->loaded_years)
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    for (size_t i = 0; v->loaded_years && i < nall; i++)
      v->loaded_years[i] = all[i].year;
    v->nloaded_years = v->loaded_years ? nall : 0;
  }
  calendar_year_rows_free(all, nall);
  work_calendar_free(&wc);
  return rc;
}

enum sh_status calendar_year_get(struct app *app, int year, struct calendar_year_view *out,
                                 struct sh_error *err) {
  if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR)
    return sh_fail(err, SH_ERR_INVALID, "out_of_range", "year", NULL);
  struct calendar_year_view v = {.year = year};
  enum sh_status rc = store_read(app->store, year_unit, &v, err);
  if (rc == SH_OK)
    *out = v;
  else
    calendar_year_view_free(&v);
  return rc;
}

static enum sh_status count_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct calendar_year_row *rows = NULL;
  size_t n = 0;
  enum sh_status rc =
      store_calendar_year_list(tx, CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, &rows, &n, err);
  if (rc == SH_OK)
    *(size_t *)arg = n;
  calendar_year_rows_free(rows, n);
  return rc;
}

enum sh_status calendar_year_count(struct app *app, size_t *count, struct sh_error *err) {
  return store_read(app->store, count_unit, count, err);
}

struct day_arg {
  const char *day;
  struct calendar_day_view *view;
};

static enum sh_status day_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct day_arg *a = arg;
  struct work_calendar wc;
  struct calendar_day_row row = {0};
  int year = year_of_text(a->day);
  enum sh_status rc = work_calendar_read(tx, year, year, &wc, err);
  if (rc == SH_OK)
    rc = store_calendar_day_get(tx, a->day, &row, &a->view->listed, err);
  if (rc == SH_OK) {
    a->view->kind = calendar_day_kind(&wc.cal, day_number(a->day));
    /* A stray row of a year not loaded is not a listed day. */
    a->view->listed = a->view->listed && a->view->kind != CALENDAR_NOT_LOADED;
    if (a->view->listed) {
      a->view->name = row.name;
      row.name = NULL;
    }
  }
  calendar_day_row_free(&row);
  work_calendar_free(&wc);
  return rc;
}

enum sh_status calendar_day_get(struct app *app, const char *day, struct calendar_day_view *out,
                                struct sh_error *err) {
  if (!date_valid(day))
    return sh_fail(err, SH_ERR_INVALID, "invalid_date", "day", NULL);
  struct calendar_day_view v = {0};
  memcpy(v.day, day, sizeof v.day);
  v.weekday = iso_weekday(day_number(day));
  struct day_arg a = {.day = day, .view = &v};
  enum sh_status rc = store_read(app->store, day_unit, &a, err);
  if (rc == SH_OK)
    *out = v;
  else
    calendar_day_view_free(&v);
  return rc;
}

/* ---- an administrator's changes ---- */

struct change_arg {
  const struct actor *actor;
  int year;
  const char *day;
  bool workday;
  const char *name;
  bool created;
};

/* Marks year as the administrator's (source admin), auditing the change of source.
 * before_source is the source it had, NULL if it was not loaded. */
static enum sh_status mark_admin(struct store_tx *tx, const struct actor *actor, int year,
                                 const char *before_source, int64_t now, struct sh_error *err) {
  enum sh_status rc = store_calendar_year_put(tx, year, CALENDAR_SOURCE_ADMIN, now,
                                              actor ? actor->user_id : 0, err);
  if (rc != SH_OK)
    return rc;
  json_t *changes = json_object();
  audit_change(changes, "source", before_source ? json_string(before_source) : NULL,
               json_string(CALENDAR_SOURCE_ADMIN));
  rc = audit_log(tx, actor, "calendar_year", year, before_source ? "update" : "create", changes,
                 now, err);
  json_decref(changes);
  return rc;
}

static enum sh_status mark_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct change_arg *a = arg;
  struct calendar_year_row row = {0};
  bool found = false;
  enum sh_status rc = store_calendar_year_get(tx, a->year, &row, &found, err);
  /* Already the administrator's: nothing changes, nothing is audited. */
  bool unchanged = found && strcmp(row.source, CALENDAR_SOURCE_ADMIN) == 0;
  if (rc == SH_OK && !unchanged)
    rc = mark_admin(tx, a->actor, a->year, found ? row.source : NULL, time_now(), err);
  a->created = !found;
  calendar_year_row_free(&row);
  return rc;
}

enum sh_status calendar_year_mark(struct app *app, const struct actor *actor, int year,
                                  bool *created, struct sh_error *err) {
  if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR)
    return sh_fail(err, SH_ERR_INVALID, "out_of_range", "year", NULL);
  struct change_arg a = {.actor = actor, .year = year};
  enum sh_status rc = store_write(app->store, mark_unit, &a, err);
  if (rc == SH_OK && created)
    *created = a.created;
  return rc;
}

static enum sh_status unload_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct change_arg *a = arg;
  struct calendar_year_row row = {0};
  bool found = false, deleted = false;
  int64_t days = 0, now = time_now();
  enum sh_status rc = store_calendar_year_get(tx, a->year, &row, &found, err);
  if (rc == SH_OK && !found)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", "year", NULL);
  if (rc == SH_OK)
    rc = store_calendar_day_delete_year(tx, a->year, &days, err);
  if (rc == SH_OK)
    rc = store_calendar_year_delete(tx, a->year, &deleted, err);
  if (rc == SH_OK) {
    json_t *changes = json_object();
    audit_change(changes, "source", json_string(row.source), NULL);
    json_object_set_new(changes, "days", json_integer((json_int_t)days));
    rc = audit_log(tx, a->actor, "calendar_year", a->year, "delete", changes, now, err);
    json_decref(changes);
  }
  calendar_year_row_free(&row);
  return rc;
}

enum sh_status calendar_year_unload(struct app *app, const struct actor *actor, int year,
                                    struct sh_error *err) {
  if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR)
    return sh_fail(err, SH_ERR_NOT_FOUND, "not_found", "year", NULL);
  struct change_arg a = {.actor = actor, .year = year};
  return store_write(app->store, unload_unit, &a, err);
}

/* The year of a->day must be loaded; makes it the administrator's if it is not yet. */
static enum sh_status claim_year(struct store_tx *tx, const struct change_arg *a, int64_t now,
                                 struct sh_error *err) {
  struct calendar_year_row row = {0};
  bool found = false;
  char year_text[8];
  snprintf(year_text, sizeof year_text, "%.4s", a->day);
  enum sh_status rc = store_calendar_year_get(tx, year_of_text(a->day), &row, &found, err);
  if (rc == SH_OK && !found)
    rc = sh_fail(err, SH_ERR_INVALID, "calendar_not_loaded", "day", year_text);
  if (rc == SH_OK && strcmp(row.source, CALENDAR_SOURCE_ADMIN) != 0)
    rc = mark_admin(tx, a->actor, row.year, row.source, now, err);
  calendar_year_row_free(&row);
  return rc;
}

static enum sh_status day_put_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct change_arg *a = arg;
  struct calendar_day_row before = {0};
  bool found = false;
  int64_t now = time_now();
  enum sh_status rc = claim_year(tx, a, now, err);
  if (rc == SH_OK)
    rc = store_calendar_day_get(tx, a->day, &before, &found, err);
  if (rc == SH_OK)
    rc = store_calendar_day_put(tx, a->day, a->workday, a->name, now, a->actor->user_id, err);
  if (rc == SH_OK) {
    json_t *changes = json_object();
    json_object_set_new(changes, "day", json_string(a->day));
    audit_change(changes, "workday", found ? json_boolean(before.workday) : NULL,
                 json_boolean(a->workday));
    audit_change(changes, "name", found ? json_string(before.name) : NULL,
                 json_string(a->name ? a->name : ""));
    rc = audit_log(tx, a->actor, "calendar_day", day_entity_id(a->day), found ? "update" : "create",
                   changes, now, err);
    json_decref(changes);
  }
  a->created = !found;
  calendar_day_row_free(&before);
  return rc;
}

enum sh_status calendar_day_put(struct app *app, const struct actor *actor, const char *day,
                                bool workday, const char *name, bool *created,
                                struct sh_error *err) {
  if (!date_valid(day))
    return sh_fail(err, SH_ERR_INVALID, "invalid_date", "day", NULL);
  if (name && (!utf8_valid(name, strlen(name)) || utf8_length(name) > NAME_MAX_CHARS))
    return sh_fail(err, SH_ERR_INVALID, "field_length", "name", NULL);
  struct change_arg a = {.actor = actor, .day = day, .workday = workday, .name = name};
  enum sh_status rc = store_write(app->store, day_put_unit, &a, err);
  if (rc == SH_OK && created)
    *created = a.created;
  return rc;
}

static enum sh_status day_delete_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct change_arg *a = arg;
  struct calendar_day_row before = {0};
  bool found = false, deleted = false;
  int64_t now = time_now();
  enum sh_status rc = store_calendar_day_get(tx, a->day, &before, &found, err);
  if (rc == SH_OK && !found)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", "day", NULL);
  if (rc == SH_OK)
    rc = claim_year(tx, a, now, err);
  if (rc == SH_OK)
    rc = store_calendar_day_delete(tx, a->day, &deleted, err);
  if (rc == SH_OK) {
    json_t *changes = json_object();
    json_object_set_new(changes, "day", json_string(a->day));
    audit_change(changes, "workday", json_boolean(before.workday), NULL);
    audit_change(changes, "name", json_string(before.name), NULL);
    rc =
        audit_log(tx, a->actor, "calendar_day", day_entity_id(a->day), "delete", changes, now, err);
    json_decref(changes);
  }
  calendar_day_row_free(&before);
  return rc;
}

enum sh_status calendar_day_delete(struct app *app, const struct actor *actor, const char *day,
                                   struct sh_error *err) {
  if (!date_valid(day))
    return sh_fail(err, SH_ERR_INVALID, "invalid_date", "day", NULL);
  struct change_arg a = {.actor = actor, .day = day};
  return store_write(app->store, day_delete_unit, &a, err);
}
