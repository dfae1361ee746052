/* kpi.c — /api/v1/kpi/visits: the dashboard's return-visit rate and satisfaction rate (SPEC
 * D5, H2) and the list of missing and late visits behind them. Parses the period from the
 * query (from, to, as_of: "YYYY-MM-DD"; as_of defaults to today in the company's zone, from
 * to the first of January of as_of's year, to to as_of) and calls domain/kpi; the same
 * figures as an .xlsx or CSV download (SPEC H5). */
#include <stdio.h>
#include <string.h>

#include "../base/timefmt.h"
#include "../domain/kpi.h"
#include "download.h"
#include "handlers.h"
#include "list.h"

struct period {
  char from[11], to[11], as_of[11];
};

/* Reads from, to and as_of; false (resp filled) on a bad date. */
static bool period_of(struct api_request *req, struct api_response *resp, struct period *p) {
  const char *keys[] = {"as_of", "from", "to"};
  char *targets[] = {p->as_of, p->from, p->to};
  for (size_t i = 0; i < 3; i++) {
    const char *v = api_query(req, keys[i]);
    if (v && !date_valid(v)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", keys[i]);
      return false;
    }
    if (v)
      snprintf(targets[i], 11, "%s", v);
    else if (i == 0)
      kpi_today(req->app, p->as_of);
    else if (i == 1)
      snprintf(p->from, 11, "%.4s-01-01", p->as_of);
    else
      snprintf(p->to, 11, "%s", p->as_of);
  }
  return true;
}

/* Reads ?group= (none, region, leader, month; default none); false (resp filled) else. */
static bool group_of(struct api_request *req, struct api_response *resp, enum kpi_group *group) {
  static const char *const groups[] = {"none", "region", "leader", "month"};
  const char *g = api_query(req, "group");
  *group = KPI_GROUP_NONE;
  bool ok = !g;
  for (int i = 0; g && i < 4; i++)
    if (strcmp(g, groups[i]) == 0) {
      *group = (enum kpi_group)i;
      ok = true;
    }
  if (!ok)
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "group");
  return ok;
}

void api_kpi_visits(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"from", "to", "as_of", "group", NULL};
  struct period p;
  enum kpi_group group;
  if (!api_query_check(req, resp, allowed) || !period_of(req, resp, &p) ||
      !group_of(req, resp, &group))
    return;
  json_t *out = NULL;
  struct sh_error err;
  if (kpi_visit_report(req->app, &req->actor, p.from, p.to, p.as_of, group, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
}

/* IMP: SPEC H5 — everything a manager reads exports to Excel: the figures of
 * GET /api/v1/kpi/visits, the overall row (合计) first, then one row per group. */
static const struct export_column export_columns[] = {
    {"统计起始日", EXPORT_DATE, 0}, {"统计截止日", EXPORT_DATE, 0}, {"统计日", EXPORT_DATE, 0},
    {"分组", EXPORT_TEXT, 0},       {"名称", EXPORT_TEXT, 20},      {"应回访", EXPORT_INT, 0},
    {"按时回访", EXPORT_INT, 0},    {"逾期回访", EXPORT_INT, 0},    {"未回访", EXPORT_INT, 0},
    {"未到期", EXPORT_INT, 0},      {"回访率‰", EXPORT_INT, 0},     {"回访率目标‰", EXPORT_INT, 0},
    {"回访率达标", EXPORT_BOOL, 0}, {"满意", EXPORT_INT, 0},        {"作答", EXPORT_INT, 0},
    {"满意率‰", EXPORT_INT, 0},     {"满意率目标‰", EXPORT_INT, 0}, {"满意率达标", EXPORT_BOOL, 0},
};
#define NEXPORT (sizeof export_columns / sizeof *export_columns)

/* A number of o (null or missing: an empty cell — a rate with nothing counted is "—"). */
static struct export_cell number_cell(const json_t *o, const char *key) {
  const json_t *v = json_object_get(o, key);
  if (json_is_boolean(v))
    return (struct export_cell){.number = json_is_true(v)};
  if (!json_is_integer(v))
    return (struct export_cell){.null = true};
  return (struct export_cell){.number = json_integer_value(v)};
}

/* One row of the sheet: a group (or the report itself for the overall row). */
static bool export_row(struct api_request *req, struct api_response *resp, struct download *d,
                       const json_t *report, const json_t *row, const char *key, const char *name) {
  const json_t *vr = json_object_get(row, "visit_rate"), *sr = json_object_get(row, "satisfaction");
  struct export_cell cells[NEXPORT] = {
      {.text = json_string_value(json_object_get(report, "from"))},
      {.text = json_string_value(json_object_get(report, "to"))},
      {.text = json_string_value(json_object_get(report, "as_of"))},
      {.text = key},
      {.text = name},
      number_cell(vr, "due"),
      number_cell(vr, "on_time"),
      number_cell(vr, "late"),
      number_cell(vr, "missing"),
      number_cell(vr, "not_due"),
      number_cell(vr, "rate_permille"),
      number_cell(vr, "target_permille"),
      number_cell(vr, "met"),
      number_cell(sr, "satisfied"),
      number_cell(sr, "answered"),
      number_cell(sr, "rate_permille"),
      number_cell(sr, "target_permille"),
      number_cell(sr, "met"),
  };
  return api_download_row(req, resp, d, cells);
}

void api_kpi_visits_export(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"from", "to", "as_of", "group", "format", NULL};
  struct period p;
  enum kpi_group group;
  if (!api_query_check(req, resp, allowed) || !period_of(req, resp, &p) ||
      !group_of(req, resp, &group))
    return;
  json_t *out = NULL;
  struct sh_error err;
  if (kpi_visit_report(req->app, &req->actor, p.from, p.to, p.as_of, group, &out, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  struct export_table table = {"回访KPI", export_columns, NEXPORT, req->app->tz_offset_minutes};
  struct download *d = api_download_begin(req, resp, &table);
  bool ok = d && export_row(req, resp, d, out, out, "合计", "");
  const json_t *groups = json_object_get(out, "groups"), *g;
  size_t i;
  json_array_foreach(groups, i, g) {
    if (!ok)
      break;
    /* the leader's key is the user id (null: none), the others' a text */
    const json_t *k = json_object_get(g, "key");
    char id[24] = "";
    if (json_is_integer(k))
      snprintf(id, sizeof id, "%lld", (long long)json_integer_value(k));
    ok = export_row(req, resp, d, out, g, json_is_string(k) ? json_string_value(k) : id,
                    json_string_value(json_object_get(g, "name")));
  }
  if (ok)
    api_download_finish(req, resp, d, "回访KPI");
  api_download_free(d);
  json_decref(out);
}

void api_kpi_visits_missing(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"from", "to", "as_of", NULL};
  static const char *const sort_keys[] = {"due_date", NULL};
  struct list_params lp;
  struct period p;
  if (!api_list_params(req, resp, allowed, sort_keys, 0, false, &lp))
    return;
  if (lp.keyset || lp.descending) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", lp.keyset ? "cursor" : "sort");
    api_list_params_free(&lp);
    return;
  }
  if (!period_of(req, resp, &p)) {
    api_list_params_free(&lp);
    return;
  }
  json_t *items = NULL;
  int64_t total = 0;
  struct sh_error err;
  if (kpi_visit_missing(req->app, &req->actor, p.from, p.to, p.as_of, lp.page_size,
                        (lp.page - 1) * lp.page_size, &items, &total, &err) == SH_OK)
    api_reply(resp, 200, api_list_body(items, total, NULL));
  else
    api_error(req, resp, &err);
  api_list_params_free(&lp);
}
