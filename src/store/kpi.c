/* kpi.c (store) — the return-visit KPIs as sums over the day counts that migration 0007's
 * triggers keep (visit_due_days, visit_done_days; see kpi.h). The statement is put
 * together from fixed pieces: the group's key expression, the counts, the period on the
 * index's leading column, and the caller's region grants as one `substr(region_code, 1, N)
 * = $k` test per prefix (N the prefix's length, a number of ours; the prefix bound). The
 * grants are read once up front instead of an EXISTS per row, so the scan stays on the
 * covering index. The same text runs on SQLite and PostgreSQL. */
#include "kpi.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/limits.h"
#include "../base/mem.h"

#define OOM(err) sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL)

void kpi_scope_clear(struct kpi_scope *s) {
  for (size_t i = 0; s && s->prefixes && i < s->count; i++)
    free(s->prefixes[i]);
  if (s)
    free(s->prefixes);
}

enum sh_status store_kpi_scope(struct store_tx *tx, int64_t user_id, struct kpi_scope *out,
                               struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(user_id)};
  enum sh_status rc =
      store_exec(tx, "SELECT prefix FROM user_regions WHERE user_id = $1", v, 1, &rows, err);
  size_t n = rc == SH_OK ? store_rows_count(rows) : 0, i = 0;
  if (rc == SH_OK && n > KPI_MAX_GRANTS)
    rc = sh_fail(err, SH_ERR_INVALID, "too_many_items", "regions", NULL);
  char **list = NULL;
  if (rc == SH_OK && !(list = sh_calloc(n ? n : 1, sizeof *list)))
    rc = OOM(err);
  for (; rc == SH_OK && i < n; i++)
    if (!(list[i] = store_rows_strdup(rows, i, 0)))
      rc = OOM(err);
  store_rows_free(rows);
  out->prefixes = list;
  out->count = i;
  if (rc != SH_OK) {
    kpi_scope_clear(out);
    out->prefixes = NULL;
    out->count = 0;
  }
  return rc;
}

enum sh_status store_kpi_append_scope(struct buf *sql, const struct kpi_scope *s,
                                      const char *column, struct store_param *p, int first,
                                      int *nparams) {
  *nparams = first;
  for (size_t i = 0; i < s->count; i++)
    if (!s->prefixes[i][0])
      return SH_OK; /* the whole country: no test */
  if (s->count == 0)
    return buf_append_str(sql, " AND 1 = 0");
  enum sh_status rc = buf_append_str(sql, " AND (");
  for (size_t i = 0; rc == SH_OK && i < s->count; i++) {
    rc = buf_printf(sql, "%ssubstr(%s, 1, %zu) = $%d", i ? " OR " : "", column,
                    strlen(s->prefixes[i]), *nparams + 1);
    p[(*nparams)++] = SP_TEXT(s->prefixes[i]);
  }
  return rc == SH_OK ? buf_append_str(sql, ")") : rc;
}

/* The key of each group and the name joined to it, for the period's column (due_date or
 * done_on). */
struct group_sql {
  const char *key;   /* over v */
  const char *outer; /* SELECT list prefix over g (and r / u) */
  const char *join;  /* after the subquery */
};
static struct group_sql group_sql(enum kpi_group g, const char *column, char month[64]) {
  switch (g) {
  case KPI_GROUP_REGION:
    return (struct group_sql){"substr(v.region_code, 1, 2) || '0000'", "g.k, COALESCE(r.name, '')",
                              " LEFT JOIN regions r ON r.code = g.k"};
  case KPI_GROUP_LEADER:
    return (struct group_sql){"v.leader_id", "CAST(g.k AS TEXT), COALESCE(u.display_name, '')",
                              " LEFT JOIN users u ON u.id = g.k"};
  case KPI_GROUP_MONTH:
    snprintf(month, 64, "substr(v.%s, 1, 7)", column);
    return (struct group_sql){month, "g.k, ''", ""};
  default:
    return (struct group_sql){NULL, "'', ''", ""};
  }
}

/* Runs SELECT <outer>, g.* FROM (SELECT <key> AS k, <counts> FROM <table> v WHERE <where>
 * <scope> GROUP BY <key>) g <join> ORDER BY 1, filling ncounts members of struct
 * kpi_counts from offset first_member on. */
static enum sh_status run(struct store_tx *tx, const struct kpi_query *q, const char *table,
                          const char *column, const char *counts, const char *where,
                          struct store_param *p, int nfixed, size_t ncounts, size_t first_member,
                          struct kpi_counts **out, size_t *count, struct sh_error *err) {
  struct buf sql;
  buf_init(&sql, 16384);
  char month[64];
  struct group_sql gs = group_sql(q->group, column, month);
  int np = 0;
  enum sh_status rc = buf_printf(&sql,
                                 "SELECT %s, g.a, g.b, g.c, g.d FROM (SELECT %s AS k, %s "
                                 "FROM %s v WHERE %s",
                                 gs.outer, gs.key ? gs.key : "''", counts, table, where);
  if (rc == SH_OK)
    rc = store_kpi_append_scope(&sql, q->scope, "v.region_code", p, nfixed, &np);
  if (rc == SH_OK && gs.key)
    rc = buf_printf(&sql, " GROUP BY %s", gs.key);
  /* A group whose visits all moved away keeps day rows of zeros: not shown. */
  if (rc == SH_OK)
    rc = buf_printf(&sql, ") g%s%s ORDER BY 1", gs.join,
                    gs.key ? " WHERE g.a <> 0 OR g.b <> 0 OR g.c <> 0 OR g.d <> 0" : "");
  char *text = rc == SH_OK ? buf_detach(&sql) : NULL;
  buf_free(&sql);
  if (!text)
    return rc == SH_OK ? OOM(err) : sh_fail(err, rc, "internal", NULL, "statement too long");
  struct store_rows *rows = NULL;
  rc = store_exec(tx, text, p, np, &rows, err);
  free(text);
  size_t n = rc == SH_OK ? store_rows_count(rows) : 0, i = 0;
  struct kpi_counts *list = NULL;
  if (rc == SH_OK && !(list = sh_calloc(n ? n : 1, sizeof *list)))
    rc = OOM(err);
  for (; rc == SH_OK && i < n; i++) {
    list[i].key = store_rows_strdup(rows, i, 0);
    list[i].name = store_rows_strdup(rows, i, 1);
    int64_t *members = (int64_t *)((char *)&list[i] + first_member);
    for (size_t k = 0; k < ncounts; k++)
      members[k] = store_rows_int(rows, i, 2 + k);
    if (!list[i].key || !list[i].name)
      rc = OOM(err);
  }
  store_rows_free(rows);
  if (rc != SH_OK) {
    kpi_counts_free(list, i);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}

void kpi_counts_free(struct kpi_counts *list, size_t count) {
  for (size_t i = 0; list && i < count; i++) {
    free(list[i].key);
    free(list[i].name);
  }
  free(list);
}

/* IMP: SPEC D5 — kpi_visit_classify (rules/kpi.h): the day counts hold on_time and late;
 * the visits still open are missing when their due date is before as_of ($3), else not due
 * yet. */
static const char visit_counts[] =
    "COALESCE(SUM(v.on_time), 0) AS a, COALESCE(SUM(v.late), 0) AS b, "
    "COALESCE(SUM(CASE WHEN v.due_date < $3 THEN v.undone ELSE 0 END), 0) AS c, "
    "COALESCE(SUM(CASE WHEN v.due_date >= $3 THEN v.undone ELSE 0 END), 0) AS d";

enum sh_status store_kpi_visit_rate(struct store_tx *tx, const struct kpi_query *q,
                                    struct kpi_counts **out, size_t *count, struct sh_error *err) {
  struct store_param p[3 + KPI_MAX_GRANTS] = {SP_TEXT(q->from), SP_TEXT(q->to), SP_TEXT(q->as_of)};
  return run(tx, q, "visit_due_days", "due_date", visit_counts,
             "v.due_date >= $1 AND v.due_date <= $2", p, 3, 4, offsetof(struct kpi_counts, on_time),
             out, count, err);
}

/* IMP: SPEC D5 — kpi_satisfied (rules/kpi.h): explicit answers as counted, then the
 * visits with only a score, satisfied at or above min_score ($3). The unused c and d keep
 * one outer SELECT for both statements. */
static const char satisfaction_counts[] =
    "COALESCE(SUM(v.satisfied + CASE WHEN 1 >= $3 THEN v.s1 ELSE 0 END + CASE WHEN 2 >= $3 "
    "THEN v.s2 ELSE 0 END + CASE WHEN 3 >= $3 THEN v.s3 ELSE 0 END + CASE WHEN 4 >= $3 THEN "
    "v.s4 ELSE 0 END + CASE WHEN 5 >= $3 THEN v.s5 ELSE 0 END), 0) AS a, "
    "COALESCE(SUM(v.answered + v.s1 + v.s2 + v.s3 + v.s4 + v.s5), 0) AS b, 0 AS c, 0 AS d";

enum sh_status store_kpi_satisfaction(struct store_tx *tx, const struct kpi_query *q,
                                      struct kpi_counts **out, size_t *count,
                                      struct sh_error *err) {
  struct store_param p[3 + KPI_MAX_GRANTS] = {SP_TEXT(q->from), SP_TEXT(q->to),
                                              SP_INT(q->min_score)};
  return run(tx, q, "visit_done_days", "done_on", satisfaction_counts,
             "v.done_on >= $1 AND v.done_on <= $2", p, 3, 2, offsetof(struct kpi_counts, satisfied),
             out, count, err);
}

#define M(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct kpi_missing_visit, member) }
static const struct store_field missing_fields[] = {
    M(INT, id),
    M(INT, seq),
    M(INT, project_id),
    M(TEXT, project_name),
    M(INT, customer_id),
    M(TEXT, customer_name),
    M(TEXT, customer_phone),
    M(TEXT, region_code),
    M(TEXT, region_name),
    M(TEXT, due_date),
    M(TEXT, planned_date),
    M(TEXT, status),
    M(TEXT, done_on),
    M(INT, leader_id),
    M(TEXT, leader_name),
};
#undef M
#define NMISSING (sizeof missing_fields / sizeof missing_fields[0])

void kpi_missing_visits_free(struct kpi_missing_visit *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(missing_fields, NMISSING, &list[i]);
  free(list);
}

/* IMP: SPEC D5 — the visits kpi_visit_classify calls missing or late; $3 is as_of. */
#define MISSING_WHERE                                                                              \
  " WHERE v.due_date >= $1 AND v.due_date <= $2 AND v.kind = 'planned' AND ((v.status = "          \
  "'planned' AND v.due_date < $3) OR (v.status IN ('done', 'partial') AND v.done_on > "            \
  "v.due_date)) AND $4 = $4 AND $5 = $5"

enum sh_status store_kpi_missing(struct store_tx *tx, const struct kpi_query *q, int64_t limit,
                                 int64_t offset, struct kpi_missing_visit **out, size_t *count,
                                 int64_t *total, struct sh_error *err) {
  struct store_param p[5 + KPI_MAX_GRANTS] = {SP_TEXT(q->from), SP_TEXT(q->to), SP_TEXT(q->as_of),
                                              SP_INT(limit), SP_INT(offset)};
  struct buf sql, scope;
  buf_init(&sql, 16384);
  buf_init(&scope, 8192);
  int np = 0;
  enum sh_status rc = store_kpi_append_scope(&scope, q->scope, "v.region_code", p, 5, &np);
  char *scope_text = rc == SH_OK ? buf_detach(&scope) : NULL;
  buf_free(&scope);
  if (!scope_text)
    return OOM(err);
  rc = buf_printf(&sql,
                  "SELECT v.id, v.seq, COALESCE(v.project_id, 0), COALESCE(p.name, ''), "
                  "v.customer_id, c.name, c.phone, v.region_code, COALESCE(r.name, ''), "
                  "v.due_date, v.planned_date, v.status, v.done_on, COALESCE(v.leader_id, 0), "
                  "u.display_name FROM visits v JOIN customers c ON c.id = v.customer_id "
                  "LEFT JOIN projects p ON p.id = v.project_id "
                  "LEFT JOIN regions r ON r.code = v.region_code "
                  "LEFT JOIN users u ON u.id = v.leader_id" MISSING_WHERE
                  "%s ORDER BY v.due_date, v.id LIMIT $4 OFFSET $5",
                  scope_text);
  char *text = rc == SH_OK ? buf_detach(&sql) : NULL;
  buf_free(&sql);
  struct store_rows *rows = NULL;
  void *list = NULL;
  size_t n = 0;
  rc = text ? store_exec(tx, text, p, np, &rows, err) : OOM(err);
  free(text);
  if (rc == SH_OK) {
    n = store_rows_count(rows);
    if (!(list = sh_calloc(n ? n : 1, sizeof(struct kpi_missing_visit))))
      rc = OOM(err);
    for (size_t i = 0; rc == SH_OK && i < n; i++)
      if (!store_rows_fill(rows, i, missing_fields, NMISSING, (struct kpi_missing_visit *)list + i))
        rc = OOM(err);
  }
  store_rows_free(rows);
  rows = NULL;
  buf_init(&sql, 16384);
  if (rc == SH_OK && (rc = buf_printf(&sql, "SELECT count(*) FROM visits v" MISSING_WHERE "%s",
                                      scope_text)) == SH_OK) {
    text = buf_detach(&sql);
    rc = text ? store_exec(tx, text, p, np, &rows, err) : OOM(err);
    free(text);
  }
  buf_free(&sql);
  if (rc == SH_OK)
    *total = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  free(scope_text);
  if (rc != SH_OK) {
    kpi_missing_visits_free(list, n);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}
