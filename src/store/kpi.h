/* kpi.h (store) — the return-visit KPIs (SPEC D5) as sums over the day counts the triggers of
 * migration 0007 keep per day, region and leader (a year is a few thousand rows where the
 * visits are hundreds of thousands). The counts are kpi_visit_classify and kpi_satisfied
 * (src/rules/kpi.h) kept in SQL:
 *   visit rate, over planned visits with due_date in [from, to] (visit_due_days):
 *     on_time  status done|partial and done_on <= due_date
 *     late     status done|partial and done_on >  due_date
 *     missing  status planned and due_date <  as_of   (undone, by the day asked)
 *     not_due  status planned and due_date >= as_of
 *     excluded everything else (cancelled; a done visit without done_on) — counted nowhere
 *   satisfaction, over visits of both kinds with done_on in [from, to] (visit_done_days):
 *     answered  satisfied is 0 or 1, or else score is 1..5
 *     satisfied satisfied = 1, or else (satisfied not 0/1) score 1..5 and ≥ min_score
 * The list of missing and late visits reads the visits themselves (index visits_due).
 * Dates are the stored 'YYYY-MM-DD' text, compared as text (the store writes only valid
 * dates, so kpi_visit_classify's invalid-date case does not arise). */
#ifndef SHOUHOU_STORE_KPI_H
#define SHOUHOU_STORE_KPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum kpi_group { KPI_GROUP_NONE, KPI_GROUP_REGION, KPI_GROUP_LEADER, KPI_GROUP_MONTH };

/* The caller's region grants as prefixes (region.h); an empty prefix covers everything. */
struct kpi_scope {
  char **prefixes;
  size_t count;
};
enum sh_status store_kpi_scope(struct store_tx *tx, int64_t user_id, struct kpi_scope *out,
                               struct sh_error *err);
void kpi_scope_clear(struct kpi_scope *s);

struct buf;
/* Appends " AND (substr(column, 1, N) = $k OR ...)", one test per grant (nothing for a
 * whole-country grant, " AND 1 = 0" for none), binding the prefixes to p from index first
 * (0-based) on; *nparams is then the number of parameters in p. column is SQL of ours (such
 * as "t.region_code"), never input. p must have room for KPI_MAX_GRANTS more: grants beyond
 * this many are not expected of a person, and store_kpi_scope refuses more rather than build
 * a statement of unbounded size. */
#define KPI_MAX_GRANTS 64
enum sh_status store_kpi_append_scope(struct buf *sql, const struct kpi_scope *s,
                                      const char *column, struct store_param *p, int first,
                                      int *nparams);

struct kpi_query {
  const char *from, *to, *as_of; /* "YYYY-MM-DD" */
  enum kpi_group group;
  int64_t min_score; /* visit.satisfied_min_score */
  const struct kpi_scope *scope;
};

/* One group's counts. key: "" (none), the province code "330000" (region), the leader's
 * user id as text, "0" for none (leader), "YYYY-MM" (month); name: the region's or user's
 * name ("" when none). */
struct kpi_counts {
  char *key, *name;
  int64_t on_time, late, missing, not_due; /* visit rate */
  int64_t satisfied, answered;             /* satisfaction */
};
void kpi_counts_free(struct kpi_counts *list, size_t count);

/* Visit-rate counts per group (only the four visit members are set), by key. */
enum sh_status store_kpi_visit_rate(struct store_tx *tx, const struct kpi_query *q,
                                    struct kpi_counts **out, size_t *count, struct sh_error *err);
/* Satisfaction counts per group (only satisfied and answered are set), by key. */
enum sh_status store_kpi_satisfaction(struct store_tx *tx, const struct kpi_query *q,
                                      struct kpi_counts **out, size_t *count, struct sh_error *err);

/* The planned visits due in the period that are missing or late, by due date then id. */
struct kpi_missing_visit {
  int64_t id, seq, project_id;
  char *project_name;
  int64_t customer_id;
  char *customer_name, *customer_phone, *region_code, *region_name;
  char *due_date, *planned_date, *status, *done_on;
  int64_t leader_id;
  char *leader_name;
};
void kpi_missing_visits_free(struct kpi_missing_visit *list, size_t count);
enum sh_status store_kpi_missing(struct store_tx *tx, const struct kpi_query *q, int64_t limit,
                                 int64_t offset, struct kpi_missing_visit **out, size_t *count,
                                 int64_t *total, struct sh_error *err);

#endif
