/* kpi.c — /api/v1/kpi/visits: the dashboard's return-visit rate and satisfaction rate (SPEC
 * D5, H2) and the list of missing and late visits behind them. Parses the period from the
 * query (from, to, as_of: "YYYY-MM-DD"; as_of defaults to today in the company's zone, from
 * to the first of January of as_of's year, to to as_of) and calls domain/kpi. */
#include <stdio.h>
#include <string.h>

#include "../base/timefmt.h"
#include "../domain/kpi.h"
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

void api_kpi_visits(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"from", "to", "as_of", "group", NULL};
  static const char *const groups[] = {"none", "region", "leader", "month"};
  struct period p;
  if (!api_query_check(req, resp, allowed) || !period_of(req, resp, &p))
    return;
  const char *g = api_query(req, "group");
  enum kpi_group group = KPI_GROUP_NONE;
  bool ok = !g;
  for (int i = 0; g && i < 4; i++)
    if (strcmp(g, groups[i]) == 0) {
      group = (enum kpi_group)i;
      ok = true;
    }
  if (!ok) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "group");
    return;
  }
  json_t *out = NULL;
  struct sh_error err;
  if (kpi_visit_report(req->app, &req->actor, p.from, p.to, p.as_of, group, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
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
