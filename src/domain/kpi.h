/* kpi.h (domain) — the KPI dashboard's return-visit figures (SPEC D5, H2): the return-visit
 * rate in warranty and the satisfaction rate over a period, overall and per region
 * (province), per project manager (the visit's leader) or per month, against the targets
 * targets.visit_rate_permille and targets.satisfaction_permille; and exactly which visits
 * are missing or late. The definitions are kpi_visit_classify / kpi_satisfied / kpi_rate of
 * src/rules/kpi.h; store/kpi.h counts them in SQL. Only visits in the caller's regions (the
 * visit's site region) are counted. Read-only: no audit. */
#ifndef SHOUHOU_DOMAIN_KPI_H
#define SHOUHOU_DOMAIN_KPI_H

#include <jansson.h>
#include <stdint.h>

#include "../store/kpi.h"
#include "actor.h"
#include "app.h"

/* The local day of now ("YYYY-MM-DD"), the default of as_of. */
void kpi_today(const struct app *app, char out[11]);

/* The figures for [from, to] as they stand on as_of (all "YYYY-MM-DD", checked by the
 * caller; to ≥ from else 422 end_before_start). *out: {from, to, as_of, group, visit_rate,
 * satisfaction, groups[]}. */
enum sh_status kpi_visit_report(struct app *app, const struct actor *actor, const char *from,
                                const char *to, const char *as_of, enum kpi_group group,
                                json_t **out, struct sh_error *err);

/* A page of the planned visits due in [from, to] that are missing or late on as_of, each
 * with its class as kpi_visit_classify names it. */
enum sh_status kpi_visit_missing(struct app *app, const struct actor *actor, const char *from,
                                 const char *to, const char *as_of, int64_t limit, int64_t offset,
                                 json_t **items, int64_t *total, struct sh_error *err);

#endif
