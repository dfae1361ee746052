/* kpi_tickets.c (store) — the dashboard's ticket and complaint figures as aggregate statements
 * (see kpi_tickets.h). Each statement is put together from fixed pieces of ours: the group key
 * (nothing, the local day as (t + offset) / 86400 — plain integer arithmetic in both dialects —
 * or the province), the counts, the period on an indexed column, and the caller's grants as
 * `substr(region_code, 1, N) = $k` tests (store_kpi_append_scope). Only a due date's day
 * number differs between the dialects. Parameters are bound, never pasted. */
#include "kpi_tickets.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/mem.h"

#define OOM(err) sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL)
#define SQL_MAX 16384

/* The key and day columns of a statement over `table_alias` whose time column is `time`
 * and whose region column is `region`; offset_param is the parameter holding the zone's
 * offset in seconds. */
struct keying {
  char key[96], day[96];
  bool group_key, group_day; /* whether each is an expression to GROUP BY */
};
static struct keying keying_of(enum kpi_rows_by by, const char *time, const char *region,
                               int offset_param) {
  struct keying k = {"''", "0", false, false};
  if (by == KPI_ROWS_DAY) {
    snprintf(k.day, sizeof k.day, "((%s + $%d) / 86400)", time, offset_param);
    k.group_day = true;
  } else if (by == KPI_ROWS_PROVINCE) {
    snprintf(k.key, sizeof k.key, "(substr(%s, 1, 2) || '0000')", region);
    k.group_key = true;
  }
  return k;
}

/* Runs "SELECT g.gk, COALESCE(r.name, ''), g.dy, <outer> FROM (SELECT <key> AS gk, <day> AS dy,
 * <inner> FROM <from> WHERE <where> <scope> GROUP BY <key, day, extra>) g LEFT JOIN regions r
 * ON r.code = g.gk ORDER BY 1, 3<order>" with the fixed parameters p[0..nfixed) and the
 * grants after them. */
static enum sh_status run(struct store_tx *tx, const struct kpi_service_query *q,
                          const struct keying *k, const char *prefix, const char *outer,
                          const char *inner, const char *from, const char *where,
                          const char *region, const char *extra_group, const char *order,
                          struct store_param *p, int nfixed, struct store_rows **rows,
                          struct sh_error *err) {
  struct buf sql;
  buf_init(&sql, SQL_MAX);
  int np = 0;
  enum sh_status rc =
      buf_printf(&sql,
                 "%sSELECT g.gk, COALESCE(r.name, ''), g.dy%s FROM (SELECT %s AS gk, "
                 "%s AS dy%s FROM %s WHERE %s",
                 prefix, outer, k->key, k->day, inner, from, where);
  if (rc == SH_OK)
    rc = store_kpi_append_scope(&sql, q->scope, region, p, nfixed, &np);
  /* GROUP BY names only real expressions: PostgreSQL refuses a constant there. */
  const char *parts[] = {k->group_key ? k->key : NULL, k->group_day ? k->day : NULL, extra_group};
  bool first = true;
  for (size_t i = 0; rc == SH_OK && i < 3; i++)
    if (parts[i]) {
      rc = buf_printf(&sql, "%s%s", first ? " GROUP BY " : ", ", parts[i]);
      first = false;
    }
  if (rc == SH_OK)
    rc = buf_printf(&sql, ") g LEFT JOIN regions r ON r.code = g.gk ORDER BY 1, 3%s", order);
  char *text = rc == SH_OK ? buf_detach(&sql) : NULL;
  buf_free(&sql);
  if (!text)
    return rc == SH_OK ? OOM(err) : sh_fail(err, rc, "internal", NULL, "statement too long");
  rc = store_exec(tx, text, p, np, rows, err);
  free(text);
  return rc;
}

/* ---- deadlines ---- */

#define F(type, st, member)                                                                        \
  { STORE_F_##type, offsetof(struct st, member) }
static const struct store_field deadline_fields[] = {
    F(TEXT, kpi_deadline_row, key), F(TEXT, kpi_deadline_row, name),
    F(INT, kpi_deadline_row, day),  F(TEXT, kpi_deadline_row, stage),
    F(INT, kpi_deadline_row, n[0]), F(INT, kpi_deadline_row, n[1]),
    F(INT, kpi_deadline_row, n[2]), F(INT, kpi_deadline_row, n[3]),
    F(INT, kpi_deadline_row, n[4]),
};
#define NDEADLINE (sizeof deadline_fields / sizeof *deadline_fields)

void kpi_deadline_rows_free(struct kpi_deadline_row *list, size_t count) {
  store_list_free(deadline_fields, NDEADLINE, sizeof *list, list, count);
}

/* IMP: SPEC C2, C5 — kpi_deadline_classify (rules/kpi_trend.h) in SQL: $3 now. The order of
 * the sums is enum kpi_deadline_class. */
#define ENDED "t.status IN ('closed', 'cancelled')"
#define END_AT "COALESCE(t.closed_at, $3)"
static const char deadline_counts[] =
    ", d.stage AS stage"
    ", SUM(CASE WHEN d.met_at IS NOT NULL AND d.met_at <= d.due_at THEN 1 ELSE 0 END) AS c0"
    ", SUM(CASE WHEN d.met_at IS NOT NULL AND d.met_at > d.due_at THEN 1 ELSE 0 END) AS c1"
    ", SUM(CASE WHEN d.met_at IS NULL AND ((" ENDED " AND d.due_at < " END_AT ") OR (NOT " ENDED
    " AND d.due_at <= $3)) THEN 1 ELSE 0 END) AS c2"
    ", SUM(CASE WHEN d.met_at IS NULL AND NOT " ENDED " AND d.due_at > $3 THEN 1 ELSE 0 END) AS c3"
    ", SUM(CASE WHEN d.met_at IS NULL AND " ENDED " AND d.due_at >= " END_AT
    " THEN 1 ELSE 0 END) AS c4";

enum sh_status store_kpi_deadlines(struct store_tx *tx, const struct kpi_service_query *q,
                                   struct kpi_deadline_row **out, size_t *count,
                                   struct sh_error *err) {
  struct store_param p[4 + KPI_MAX_GRANTS] = {SP_INT(q->from_at), SP_INT(q->to_at), SP_INT(q->now),
                                              SP_INT(q->tz_offset_minutes * 60)};
  struct keying k = keying_of(q->by, "d.due_at", "t.region_code", 4);
  struct store_rows *rows = NULL;
  enum sh_status rc = run(tx, q, &k, "", ", g.stage, g.c0, g.c1, g.c2, g.c3, g.c4", deadline_counts,
                          "ticket_deadlines d JOIN tickets t ON t.id = d.ticket_id",
                          "d.due_at >= $1 AND d.due_at < $2 AND $4 = $4", "t.region_code",
                          "d.stage", ", 4", p, 4, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, deadline_fields, NDEADLINE, sizeof **out, &list, count, err);
  store_rows_free(rows);
  if (rc == SH_OK)
    *out = list;
  return rc;
}

/* ---- tickets called and closed ---- */

static const struct store_field count_fields[] = {
    F(TEXT, kpi_count_row, key),
    F(TEXT, kpi_count_row, name),
    F(INT, kpi_count_row, day),
    F(INT, kpi_count_row, n),
};
#define NCOUNT (sizeof count_fields / sizeof *count_fields)

void kpi_count_rows_free(struct kpi_count_row *list, size_t count) {
  store_list_free(count_fields, NCOUNT, sizeof *list, list, count);
}

static enum sh_status count_tickets(struct store_tx *tx, const struct kpi_service_query *q,
                                    const char *time, const char *where, struct kpi_count_row **out,
                                    size_t *count, struct sh_error *err) {
  struct store_param p[3 + KPI_MAX_GRANTS] = {SP_INT(q->from_at), SP_INT(q->to_at),
                                              SP_INT(q->tz_offset_minutes * 60)};
  struct keying k = keying_of(q->by, time, "t.region_code", 3);
  struct store_rows *rows = NULL;
  enum sh_status rc = run(tx, q, &k, "", ", g.n", ", count(*) AS n", "tickets t", where,
                          "t.region_code", NULL, "", p, 3, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, count_fields, NCOUNT, sizeof **out, &list, count, err);
  store_rows_free(rows);
  if (rc == SH_OK)
    *out = list;
  return rc;
}

enum sh_status store_kpi_tickets_called(struct store_tx *tx, const struct kpi_service_query *q,
                                        struct kpi_count_row **out, size_t *count,
                                        struct sh_error *err) {
  return count_tickets(tx, q, "t.called_at", "t.called_at >= $1 AND t.called_at < $2 AND $3 = $3",
                       out, count, err);
}

enum sh_status store_kpi_tickets_closed(struct store_tx *tx, const struct kpi_service_query *q,
                                        struct kpi_count_row **out, size_t *count,
                                        struct sh_error *err) {
  return count_tickets(tx, q, "t.closed_at",
                       "t.closed_at >= $1 AND t.closed_at < $2 AND t.status = 'closed' AND $3 = $3",
                       out, count, err);
}

/* ---- today's cards ---- */

enum sh_status store_kpi_ticket_summary(struct store_tx *tx, const struct kpi_service_query *q,
                                        struct kpi_ticket_summary *out, struct sh_error *err) {
  struct store_param p[3 + KPI_MAX_GRANTS] = {SP_INT(q->from_at), SP_INT(q->to_at), SP_INT(q->now)};
  struct buf scope;
  buf_init(&scope, SQL_MAX);
  int np = 0;
  enum sh_status rc = store_kpi_append_scope(&scope, q->scope, "t.region_code", p, 3, &np);
  char *s = rc == SH_OK ? buf_detach(&scope) : NULL;
  buf_free(&scope);
  if (!s)
    return rc == SH_OK ? OOM(err) : sh_fail(err, rc, "internal", NULL, "statement too long");
  struct buf sql;
  buf_init(&sql, 5 * SQL_MAX);
  /* Overdue from the running deadlines (index ticket_deadlines_open: active = 1 is "not met
   * and the ticket not ended", kept by the domain). */
  rc = buf_printf(
      &sql,
      "SELECT (SELECT count(*) FROM tickets t WHERE t.called_at >= $1 AND t.called_at < $2%s), "
      "(SELECT count(*) FROM tickets t WHERE t.status = 'new'%s), "
      "(SELECT count(*) FROM tickets t WHERE t.status IN ('assigned', 'on_site', 'cleared')%s), "
      "(SELECT count(DISTINCT d.ticket_id) FROM ticket_deadlines d JOIN tickets t ON t.id = "
      "d.ticket_id WHERE d.active = 1 AND d.due_at <= $3 AND d.met_at IS NULL AND t.status NOT "
      "IN ('closed', 'cancelled')%s), "
      "(SELECT count(*) FROM tickets t WHERE t.closed_at >= $1 AND t.closed_at < $2 AND "
      "t.status = 'closed'%s)",
      s, s, s, s, s);
  free(s);
  char *text = rc == SH_OK ? buf_detach(&sql) : NULL;
  buf_free(&sql);
  if (!text)
    return rc == SH_OK ? OOM(err) : sh_fail(err, rc, "internal", NULL, "statement too long");
  struct store_rows *rows = NULL;
  rc = store_exec(tx, text, p, np, &rows, err);
  free(text);
  if (rc == SH_OK) {
    out->created_today = store_rows_int(rows, 0, 0);
    out->waiting_dispatch = store_rows_int(rows, 0, 1);
    out->in_progress = store_rows_int(rows, 0, 2);
    out->overdue = store_rows_int(rows, 0, 3);
    out->closed_today = store_rows_int(rows, 0, 4);
  }
  store_rows_free(rows);
  return rc;
}

/* ---- complaints ---- */

static const struct store_field complaint_fields[] = {
    F(INT, kpi_complaint_row, day),       F(TEXT, kpi_complaint_row, root),
    F(TEXT, kpi_complaint_row, severity), F(TEXT, kpi_complaint_row, status),
    F(INT, kpi_complaint_row, repeats),   F(INT, kpi_complaint_row, n),
};
#define NCOMPLAINT (sizeof complaint_fields / sizeof *complaint_fields)

void kpi_complaint_rows_free(struct kpi_complaint_row *list, size_t count) {
  store_list_free(complaint_fields, NCOMPLAINT, sizeof *list, list, count);
}

/* Every category with the top-level category above it (itself for a top-level one). */
#define ROOTS                                                                                      \
  "WITH RECURSIVE tree(code, root) AS (SELECT code, code FROM complaint_categories WHERE "         \
  "parent_code IS NULL UNION ALL SELECT c.code, tree.root FROM complaint_categories c JOIN tree "  \
  "ON c.parent_code = tree.code) "

enum sh_status store_kpi_complaints(struct store_tx *tx, const struct kpi_service_query *q,
                                    struct kpi_complaint_row **out, size_t *count,
                                    struct sh_error *err) {
  struct store_param p[3 + KPI_MAX_GRANTS] = {SP_INT(q->from_at), SP_INT(q->to_at),
                                              SP_INT(q->tz_offset_minutes * 60)};
  struct keying k = keying_of(q->by == KPI_ROWS_DAY ? KPI_ROWS_DAY : KPI_ROWS_ALL, "k.received_at",
                              "k.region_code", 3);
  struct store_rows *rows = NULL;
  /* Columns 0-2 of run's SELECT are the group, its name and the day: the group is unused. */
  enum sh_status rc =
      run(tx, q, &k, ROOTS, ", g.root, g.severity, g.status, g.repeats, g.n",
          ", COALESCE(tr.root, k.category) AS root, k.severity AS severity, k.status AS status, "
          "SUM(CASE WHEN k.repeat_of IS NOT NULL THEN 1 ELSE 0 END) AS repeats, count(*) AS n",
          "complaints k LEFT JOIN tree tr ON tr.code = k.category",
          "k.received_at >= $1 AND k.received_at < $2 AND $3 = $3", "k.region_code",
          "COALESCE(tr.root, k.category), k.severity, k.status", ", 4, 5, 6", p, 3, &rows, err);
  struct kpi_complaint_row *list = NULL;
  size_t n = rc == SH_OK ? store_rows_count(rows) : 0, i = 0;
  if (rc == SH_OK && !(list = sh_calloc(n ? n : 1, sizeof *list)))
    rc = OOM(err);
  for (; rc == SH_OK && i < n; i++) {
    list[i].day = store_rows_int(rows, i, 2);
    list[i].root = store_rows_strdup(rows, i, 3);
    list[i].severity = store_rows_strdup(rows, i, 4);
    list[i].status = store_rows_strdup(rows, i, 5);
    list[i].repeats = store_rows_int(rows, i, 6);
    list[i].n = store_rows_int(rows, i, 7);
    if (!list[i].root || !list[i].severity || !list[i].status) {
      i++;
      rc = OOM(err);
      break;
    }
  }
  store_rows_free(rows);
  if (rc != SH_OK) {
    kpi_complaint_rows_free(list, i);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}

/* IMP: SPEC E2 — kpi_notice_classify (rules/kpi_trend.h) in SQL: $3 the offset in seconds,
 * $4 today. A due date's day number is the only piece the dialects write differently. */
enum sh_status store_kpi_notices(struct store_tx *tx, const struct kpi_service_query *q,
                                 struct kpi_notice_row **out, size_t *count, struct sh_error *err) {
  const char *due_day = store_tx_dialect(tx) == STORE_SQLITE
                            ? "CAST(julianday(a.due_date) - 2440587.5 AS INTEGER)"
                            : "(CAST(a.due_date AS DATE) - DATE '1970-01-01')";
  char counts[1024];
  snprintf(counts, sizeof counts,
           ", SUM(CASE WHEN a.answered_at IS NOT NULL AND (a.answered_at + $3) / 86400 <= %s "
           "THEN 1 ELSE 0 END) AS c0"
           ", SUM(CASE WHEN a.answered_at IS NOT NULL AND (a.answered_at + $3) / 86400 > %s "
           "THEN 1 ELSE 0 END) AS c1"
           ", SUM(CASE WHEN a.answered_at IS NULL AND a.due_date < $4 THEN 1 ELSE 0 END) AS c2"
           ", SUM(CASE WHEN a.answered_at IS NULL AND a.due_date >= $4 THEN 1 ELSE 0 END) AS c3",
           due_day, due_day);
  struct store_param p[4 + KPI_MAX_GRANTS] = {SP_INT(q->from_at), SP_INT(q->to_at),
                                              SP_INT(q->tz_offset_minutes * 60), SP_TEXT(q->today)};
  struct keying k = keying_of(q->by == KPI_ROWS_DAY ? KPI_ROWS_DAY : KPI_ROWS_ALL, "k.received_at",
                              "k.region_code", 3);
  struct store_rows *rows = NULL;
  enum sh_status rc = run(tx, q, &k, "", ", g.c0, g.c1, g.c2, g.c3", counts,
                          "complaint_assignments a JOIN complaints k ON k.id = a.complaint_id",
                          "k.received_at >= $1 AND k.received_at < $2", "k.region_code", NULL, "",
                          p, 4, &rows, err);
  struct kpi_notice_row *list = NULL;
  size_t n = rc == SH_OK ? store_rows_count(rows) : 0;
  if (rc == SH_OK && !(list = sh_calloc(n ? n : 1, sizeof *list)))
    rc = OOM(err);
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    list[i].day = store_rows_int(rows, i, 2);
    for (int c = 0; c < STORE_KPI_NOTICE_COUNTS; c++)
      list[i].n[c] = store_rows_int(rows, i, 3 + (size_t)c);
  }
  store_rows_free(rows);
  if (rc == SH_OK) {
    *out = list;
    *count = n;
  }
  return rc;
}

static const struct store_field label_fields[] = {
    F(TEXT, kpi_label, code),
    F(TEXT, kpi_label, name),
    F(TEXT, kpi_label, name_en),
    F(BOOL, kpi_label, disabled),
};
#undef F
#define NLABEL (sizeof label_fields / sizeof *label_fields)

void kpi_labels_free(struct kpi_label *list, size_t count) {
  store_list_free(label_fields, NLABEL, sizeof *list, list, count);
}

static enum sh_status labels(struct store_tx *tx, const char *sql, struct kpi_label **out,
                             size_t *count, struct sh_error *err) {
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx, sql, NULL, 0, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, label_fields, NLABEL, sizeof **out, &list, count, err);
  store_rows_free(rows);
  if (rc == SH_OK)
    *out = list;
  return rc;
}

enum sh_status store_kpi_complaint_roots(struct store_tx *tx, struct kpi_label **out, size_t *count,
                                         struct sh_error *err) {
  return labels(tx,
                "SELECT code, label_zh, label_en, disabled FROM complaint_categories WHERE "
                "parent_code IS NULL ORDER BY sort, code",
                out, count, err);
}

enum sh_status store_kpi_severities(struct store_tx *tx, struct kpi_label **out, size_t *count,
                                    struct sh_error *err) {
  return labels(tx,
                "SELECT value, label_zh, label_en, 0 FROM dict_items WHERE type = "
                "'complaint_severity' ORDER BY sort, value",
                out, count, err);
}
