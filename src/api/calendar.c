/* calendar.c — the work calendar over HTTP (SPEC C2 working-hours policy, I1): a year with its
 * holidays and make-up working days, one day's kind, and the administrator's changes
 * (mark a year loaded, unload it, list or unlist a day). A year not loaded is answered as
 * such (loaded false, kind not_loaded), never guessed. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/timefmt.h"
#include "../domain/calendar.h"
#include "handlers.h"
#include "list.h"

static const char *const kind_names[] = {
    [CALENDAR_WORKDAY] = "workday",
    [CALENDAR_OFFDAY] = "offday",
    [CALENDAR_NOT_LOADED] = "not_loaded",
};

static json_t *year_json(struct api_request *req, const struct calendar_year_view *v) {
  json_t *o = json_object();
  jsonx_set_int(o, "year", v->year);
  jsonx_set_bool(o, "loaded", v->loaded);
  jsonx_set_str(o, "source", v->loaded ? v->row.source : NULL);
  jsonx_set_time(o, "loaded_at", v->loaded ? v->row.loaded_at : 0, req->app->tz_offset_minutes);
  json_object_set_new(o, "loaded_by",
                      v->loaded && v->row.loaded_by ? json_integer(v->row.loaded_by) : json_null());
  json_t *days = json_array();
  for (size_t i = 0; i < v->ndays; i++) {
    json_t *d = json_object();
    jsonx_set_str(d, "day", v->days[i].day);
    jsonx_set_bool(d, "workday", v->days[i].workday);
    jsonx_set_str(d, "name", v->days[i].name);
    json_array_append_new(days, d);
  }
  json_object_set_new(o, "days", days);
  json_t *months = v->loaded ? json_array() : json_null();
  int total = 0;
  for (size_t m = 0; v->loaded && m < 12; m++) {
    json_array_append_new(months, json_integer(v->working_days[m]));
    total += v->working_days[m];
  }
  json_object_set_new(o, "working_days_per_month", months);
  json_object_set_new(o, "working_days", v->loaded ? json_integer(total) : json_null());
  json_t *years = json_array();
  for (size_t i = 0; i < v->nloaded_years; i++)
    json_array_append_new(years, json_integer(v->loaded_years[i]));
  json_object_set_new(o, "loaded_years", years);
  return o;
}

static json_t *day_json(const struct calendar_day_view *v) {
  json_t *o = json_object();
  jsonx_set_str(o, "day", v->day);
  jsonx_set_str(o, "kind", kind_names[v->kind]);
  jsonx_set_bool(o, "listed", v->listed);
  jsonx_set_str(o, "name", v->name);
  jsonx_set_int(o, "weekday", v->weekday);
  return o;
}

/* Answers the year as it is now with status (200, or 201 when it was just created). */
static void reply_year(struct api_request *req, struct api_response *resp, int year, int status) {
  struct calendar_year_view v = {0};
  struct sh_error err;
  if (calendar_year_get(req->app, year, &v, &err) == SH_OK)
    api_reply(resp, status, year_json(req, &v));
  else
    api_error(req, resp, &err);
  calendar_year_view_free(&v);
}

static void reply_day(struct api_request *req, struct api_response *resp, const char *day,
                      int status) {
  struct calendar_day_view v = {0};
  struct sh_error err;
  if (calendar_day_get(req->app, day, &v, &err) == SH_OK)
    api_reply(resp, status, day_json(&v));
  else
    api_error(req, resp, &err);
  calendar_day_view_free(&v);
}

/* The {year} of the path; a number past the years a calendar holds is passed on as 0 so the
 * domain refuses it. False (404) when the segment is not a whole number. */
static bool path_year(struct api_request *req, struct api_response *resp, int *year) {
  int64_t v;
  if (!api_path_id(req, 0, &v)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", "year");
    return false;
  }
  *year = v <= CALENDAR_LAST_YEAR ? (int)v : 0;
  return true;
}

void api_calendar_get(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"year", NULL};
  if (!api_query_check(req, resp, allowed))
    return;
  const char *text = api_query(req, "year");
  int64_t year;
  if (!text) {
    /* The company's current year. */
    int64_t local = time_now() + (int64_t)req->app->tz_offset_minutes * 60;
    year = calendar_year_of(local / 86400);
  } else if (!api_parse_int(text, CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, &year)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "year");
    return;
  }
  reply_year(req, resp, (int)year, 200);
}

void api_calendar_days_get(struct api_request *req, struct api_response *resp) {
  if (!api_query_check(req, resp, NULL))
    return;
  reply_day(req, resp, req->path_params[0], 200);
}

struct day_body {
  bool workday;
  char *name;
};

#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct day_body, name) }
static const struct jfield day_fields[] = {
    F(workday, JF_BOOL, JF_REQUIRED, 0, 0),
    F(name, JF_STRING, JF_NULLABLE, 0, 50),
};
#undef F
#define DAY_NFIELDS (sizeof day_fields / sizeof *day_fields)

void api_calendar_days_put(struct api_request *req, struct api_response *resp) {
  struct day_body b = {0};
  struct sh_error err;
  json_t *root = NULL;
  bool created = false;
  if (!api_query_check(req, resp, NULL))
    return;
  const char *day = req->path_params[0];
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  if (rc == SH_OK)
    rc = jsonx_decode(root, day_fields, DAY_NFIELDS, &b, NULL, NULL, &err);
  if (rc == SH_OK)
    rc = calendar_day_put(req->app, &req->actor, day, b.workday, b.name, &created, &err);
  if (rc == SH_OK)
    reply_day(req, resp, day, created ? 201 : 200);
  else
    api_error(req, resp, &err);
  json_decref(root);
  jsonx_free(day_fields, DAY_NFIELDS, &b);
}

void api_calendar_days_delete(struct api_request *req, struct api_response *resp) {
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  if (calendar_day_delete(req->app, &req->actor, req->path_params[0], &err) == SH_OK)
    api_reply(resp, 204, NULL);
  else
    api_error(req, resp, &err);
}

struct year_body {
  char *source;
};

static const struct jfield year_fields[] = {
    {"source", JF_STRING, JF_REQUIRED, 1, 32, offsetof(struct year_body, source)},
};

void api_calendar_years_put(struct api_request *req, struct api_response *resp) {
  struct year_body b = {0};
  struct sh_error err;
  json_t *root = NULL;
  int year;
  bool created = false;
  if (!api_query_check(req, resp, NULL) || !path_year(req, resp, &year))
    return;
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  if (rc == SH_OK)
    rc = jsonx_decode(root, year_fields, 1, &b, NULL, NULL, &err);
  /* Only an administrator's mark is made here; chinese-days years come from `calendar load`. */
  if (rc == SH_OK && strcmp(b.source, CALENDAR_SOURCE_ADMIN) != 0)
    rc = sh_fail(&err, SH_ERR_INVALID, "invalid_choice", "source", NULL);
  if (rc == SH_OK)
    rc = calendar_year_mark(req->app, &req->actor, year, &created, &err);
  if (rc == SH_OK)
    reply_year(req, resp, year, created ? 201 : 200);
  else
    api_error(req, resp, &err);
  json_decref(root);
  jsonx_free(year_fields, 1, &b);
}

void api_calendar_years_delete(struct api_request *req, struct api_response *resp) {
  struct sh_error err;
  int year;
  if (!api_query_check(req, resp, NULL) || !path_year(req, resp, &year))
    return;
  if (calendar_year_unload(req->app, &req->actor, year, &err) == SH_OK)
    api_reply(resp, 204, NULL);
  else
    api_error(req, resp, &err);
}
