/* kpi_tickets.h (store) — the managers' dashboard counted in SQL (SPEC H2, issue 6): the SLA
 * deadlines of tickets by stage and class, tickets called and closed, today's cards, and the
 * complaints received with their written notices. Every statement aggregates in the database
 * and returns one row per group (and local day, for trends): C never walks ticket rows.
 *
 * The classes (the rule is src/rules/kpi_trend.h; the domain asserts the two agree), kept in
 * SQL here, their counts in this order:
 *   deadline (ticket_deadlines d of ticket t; "ended" = t.status closed or cancelled, at
 *   COALESCE(t.closed_at, now)):
 *     on_time    d.met_at IS NOT NULL AND d.met_at <= d.due_at
 *     late       d.met_at > d.due_at
 *     breached   not met AND (ended AND d.due_at < end  OR  not ended AND d.due_at <= now)
 *     open       not met AND not ended AND d.due_at > now
 *     not_needed not met AND ended AND d.due_at >= end
 *   notice (complaint_assignments a; local days by the company's offset):
 *     on_time    answered AND (answered_at + offset) / 86400 <= the due date's day
 *     late       answered AND after it
 *     overdue    not answered AND a.due_date < today   (text: dates are 'YYYY-MM-DD')
 *     pending    not answered AND a.due_date >= today
 * Scope: the caller's region grants (store_kpi_scope) on the ticket's or complaint's region,
 * as for the visit KPI. */
#ifndef SHOUHOU_STORE_KPI_TICKETS_H
#define SHOUHOU_STORE_KPI_TICKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kpi.h"
#include "store.h"

/* The counts of a deadline row and of a notice row, in the order of the classes above. */
#define STORE_KPI_DEADLINE_COUNTS 5 /* on_time late breached open not_needed */
#define STORE_KPI_NOTICE_COUNTS 4   /* on_time late overdue pending */

/* How rows are keyed: one group, per local day (the domain folds days into weeks or
 * months), or per province (key "330000", name from the regions table). */
enum kpi_rows_by { KPI_ROWS_ALL, KPI_ROWS_DAY, KPI_ROWS_PROVINCE };

struct kpi_service_query {
  int64_t from_at, to_at; /* UTC seconds, [from_at, to_at) */
  int64_t now;
  int tz_offset_minutes;
  enum kpi_rows_by by;
  const struct kpi_scope *scope;
  const char *today; /* "YYYY-MM-DD", the local day of now (notices) */
};

/* Deadline counts of one group, day and stage ("onsite", "clear", "substitute", "promise"),
 * over the deadlines due in the period. key/name "" and day 0 when not keyed by them. */
struct kpi_deadline_row {
  char *key, *name;
  int64_t day;
  char *stage;
  int64_t n[STORE_KPI_DEADLINE_COUNTS];
};
void kpi_deadline_rows_free(struct kpi_deadline_row *list, size_t count);
enum sh_status store_kpi_deadlines(struct store_tx *tx, const struct kpi_service_query *q,
                                   struct kpi_deadline_row **out, size_t *count,
                                   struct sh_error *err);

/* A count of one group and day. */
struct kpi_count_row {
  char *key, *name;
  int64_t day, n;
};
void kpi_count_rows_free(struct kpi_count_row *list, size_t count);
/* Tickets called in the period (called_at: the SLA clock's start and the lists' date). */
enum sh_status store_kpi_tickets_called(struct store_tx *tx, const struct kpi_service_query *q,
                                        struct kpi_count_row **out, size_t *count,
                                        struct sh_error *err);
/* Tickets closed (status closed, not cancelled) in the period, by closed_at. */
enum sh_status store_kpi_tickets_closed(struct store_tx *tx, const struct kpi_service_query *q,
                                        struct kpi_count_row **out, size_t *count,
                                        struct sh_error *err);

/* The dashboard's cards, for [from_at, to_at) = today. */
struct kpi_ticket_summary {
  int64_t created_today;    /* called today */
  int64_t waiting_dispatch; /* status new */
  int64_t in_progress;      /* assigned, on_site, cleared */
  int64_t overdue;          /* open, with a running deadline due at or before now */
  int64_t closed_today;     /* closed (not cancelled) today */
};
enum sh_status store_kpi_ticket_summary(struct store_tx *tx, const struct kpi_service_query *q,
                                        struct kpi_ticket_summary *out, struct sh_error *err);

/* Complaints received in the period, counted per group, day, top-level category, severity
 * and state; repeats: those with repeat_of. */
struct kpi_complaint_row {
  int64_t day;
  char *root, *severity, *status;
  int64_t repeats, n;
};
void kpi_complaint_rows_free(struct kpi_complaint_row *list, size_t count);
enum sh_status store_kpi_complaints(struct store_tx *tx, const struct kpi_service_query *q,
                                    struct kpi_complaint_row **out, size_t *count,
                                    struct sh_error *err);

/* The notices of the complaints received in the period, per day of receipt, by class. */
struct kpi_notice_row {
  int64_t day;
  int64_t n[STORE_KPI_NOTICE_COUNTS];
};
enum sh_status store_kpi_notices(struct store_tx *tx, const struct kpi_service_query *q,
                                 struct kpi_notice_row **out, size_t *count, struct sh_error *err);

/* A labelled code: a top-level complaint category (by sort, code) or a severity of the
 * dictionary (by sort). */
struct kpi_label {
  char *code, *name, *name_en;
  bool disabled;
};
void kpi_labels_free(struct kpi_label *list, size_t count);
enum sh_status store_kpi_complaint_roots(struct store_tx *tx, struct kpi_label **out, size_t *count,
                                         struct sh_error *err);
enum sh_status store_kpi_severities(struct store_tx *tx, struct kpi_label **out, size_t *count,
                                    struct sh_error *err);

#endif
