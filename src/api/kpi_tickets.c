/* kpi_tickets.c (api) — GET /api/v1/kpi/tickets and GET /api/v1/kpi/complaints: the managers'
 * dashboard beyond the return visits (SPEC H2; issue 6: SLA on time per stage, complaints by
 * class, the trend over weeks, the targets). Parses from and to ("YYYY-MM-DD"; defaults as
 * for /kpi/visits: from the first of January of this year, to today in the company's zone)
 * and group, and calls domain/kpi_tickets. */
#include <stdio.h>
#include <string.h>

#include "../base/timefmt.h"
#include "../domain/kpi.h"
#include "../domain/kpi_tickets.h"
#include "handlers.h"
#include "list.h"

/* from and to, with their defaults; false (resp filled, naming the field) on a bad date. */
static bool period_of(struct api_request *req, struct api_response *resp, char from[11],
                      char to[11]) {
  char today[11];
  kpi_today(req->app, today);
  const char *keys[] = {"from", "to"};
  char *targets[] = {from, to};
  for (size_t i = 0; i < 2; i++) {
    const char *v = api_query(req, keys[i]);
    if (v && !date_valid(v)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", keys[i]);
      return false;
    }
    if (v)
      snprintf(targets[i], 11, "%s", v);
    else if (i == 0)
      snprintf(from, 11, "%.4s-01-01", today);
    else
      snprintf(to, 11, "%s", today);
  }
  return true;
}

/* ?group= among the first n of none, week, month, province (default none). */
static bool group_of(struct api_request *req, struct api_response *resp, int n,
                     enum kpi_service_group *group) {
  static const char *const groups[] = {"none", "week", "month", "province"};
  const char *g = api_query(req, "group");
  *group = KPI_SERVICE_NONE;
  bool ok = !g;
  for (int i = 0; g && i < n; i++)
    if (strcmp(g, groups[i]) == 0) {
      *group = (enum kpi_service_group)i;
      ok = true;
    }
  if (!ok)
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "group");
  return ok;
}

void api_kpi_tickets(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"from", "to", "group", NULL};
  char from[11], to[11];
  enum kpi_service_group group;
  if (!api_query_check(req, resp, allowed) || !period_of(req, resp, from, to) ||
      !group_of(req, resp, 4, &group))
    return;
  json_t *out = NULL;
  struct sh_error err;
  if (kpi_ticket_report(req->app, &req->actor, from, to, group, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
}

void api_kpi_complaints(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"from", "to", "group", NULL};
  char from[11], to[11];
  enum kpi_service_group group;
  if (!api_query_check(req, resp, allowed) || !period_of(req, resp, from, to) ||
      !group_of(req, resp, 2, &group))
    return;
  json_t *out = NULL;
  struct sh_error err;
  if (kpi_complaint_report(req->app, &req->actor, from, to, group, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
}
