/* kpi_tickets.h (domain) — the managers' KPI dashboard beyond the return visits (SPEC H2 "KPI
 * dashboard with the targets of D5 and G2 and the SLA of C2"; issue 6): the 24/48/72
 * deadlines and promised replies met on time per stage against the target
 * targets.sla_on_time_permille, today's cards, and the complaints received by class,
 * severity and state with their written notices answered on time. Trends per ISO week (and
 * month for tickets); per province for tickets. Definitions: src/rules/kpi_trend.h; counts:
 * src/store/kpi_tickets.h; docs/kpi.md. Only tickets and complaints in the caller's regions
 * count. Read-only: no audit. */
#ifndef SHOUHOU_DOMAIN_KPI_TICKETS_H
#define SHOUHOU_DOMAIN_KPI_TICKETS_H

#include <jansson.h>

#include "../base/status.h"
#include "actor.h"
#include "app.h"

/* The longest period asked at once: ten years of days (a trend of 523 weeks). */
#define KPI_SERVICE_MAX_DAYS 3660

enum kpi_service_group {
  KPI_SERVICE_NONE,
  KPI_SERVICE_WEEK,
  KPI_SERVICE_MONTH,
  KPI_SERVICE_PROVINCE,
};

/* The ticket figures for the local days [from, to] ("YYYY-MM-DD", checked by the caller):
 * 422 end_before_start (to) when to is before from, 422 out_of_range (to) when the period
 * is longer than KPI_SERVICE_MAX_DAYS. *out: {from, to, group, today, target_permille,
 * created, closed, stages[], overall, summary, groups[]} (docs/kpi.md). */
enum sh_status kpi_ticket_report(struct app *app, const struct actor *actor, const char *from,
                                 const char *to, enum kpi_service_group group, json_t **out,
                                 struct sh_error *err);

/* The complaint figures for [from, to]; group none or week (others: 400, refused by the
 * caller). *out: {from, to, group, today, received, repeats, categories[], severities[],
 * states[], notices, groups[]}. */
enum sh_status kpi_complaint_report(struct app *app, const struct actor *actor, const char *from,
                                    const char *to, enum kpi_service_group group, json_t **out,
                                    struct sh_error *err);

#endif
