/* visits.c — return visits, calls, defects and timeline in SQL (see visits.h). Columns are
 * described once (a field table with offsets) and read by store_rows_fill. Every statement
 * is fixed text with $N parameters; the list picks one of a few fixed orders. The planner's
 * bulk writes take their rows as one JSON text and unpack it in SQL (json_each on SQLite,
 * jsonb_to_recordset on PostgreSQL), so a batch of a few hundred projects costs a handful of
 * statements. */
#include "visits.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"

#define F(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct visit, member) }
static const struct store_field visit_fields[] = {
    F(INT, id),
    F(TEXT, kind),
    F(INT, project_id),
    F(INT, ticket_id),
    F(INT, customer_id),
    F(TEXT, region_code),
    F(INT, seq),
    F(TEXT, due_date),
    F(TEXT, planned_date),
    F(TEXT, moved_reason),
    F(INT, leader_id),
    F(TEXT, status),
    F(TEXT, carried_items),
    F(TEXT, unfinished_items),
    F(TEXT, done_on),
    F(TEXT, method),
    F(TEXT, findings),
    F(TEXT, opinion),
    F(INT, score),
    F(INT, satisfied),
    F(INT, reported_by),
    F(INT, reported_at),
    F(INT, attempts),
    F(INT, retry_at),
    F(TEXT, cancelled_reason),
    F(INT, created_at),
    F(INT, updated_at),
    F(INT, created_by),
    F(INT, version),
    F(TEXT, project_name),
    F(TEXT, customer_name),
    F(TEXT, region_name),
    F(TEXT, leader_name),
    F(TEXT, ticket_number),
    F(TEXT, contact_name),
    F(TEXT, contact_phone),
    F(TEXT, project_acceptance),
    F(TEXT, last_call_result),
    F(INT, last_call_at),
    F(INT, call_seconds),
};
#undef F
#define NFIELDS (sizeof visit_fields / sizeof visit_fields[0])

/* The customer's first contact: the primary one, else the first listed. */
#define FIRST_CONTACT(col)                                                                         \
  "(SELECT " col " FROM customer_contacts cc WHERE cc.customer_id = v.customer_id"                 \
  " ORDER BY cc.is_primary DESC, cc.position LIMIT 1)"

/* In the order of visit_fields. */
#define VISIT_COLUMNS                                                                              \
  "v.id, v.kind, v.project_id, v.ticket_id, v.customer_id, v.region_code, v.seq, v.due_date, "     \
  "v.planned_date, v.moved_reason, v.leader_id, v.status, v.carried_items, v.unfinished_items, "   \
  "v.done_on, v.method, v.findings, v.opinion, v.score, COALESCE(v.satisfied, -1), "               \
  "v.reported_by, v.reported_at, v.attempts, v.retry_at, v.cancelled_reason, v.created_at, "       \
  "v.updated_at, v.created_by, v.version, p.name, c.name, r.name, ul.display_name, tk.number, "    \
  "COALESCE(NULLIF(tk.contact_name, ''), " FIRST_CONTACT(                                          \
      "cc.name") ", c.responsible_person), "                                                       \
                 "COALESCE(NULLIF(tk.contact_phone, ''), " FIRST_CONTACT(                          \
                     "NULLIF(cc.phone, '')") ", c.phone), "                                        \
                                             "p.acceptance_date, "                                 \
                                             "(SELECT vc.result FROM visit_calls vc WHERE "        \
                                             "vc.visit_id = v.id ORDER BY vc.id DESC LIMIT 1), "   \
                                             "(SELECT max(vc.called_at) FROM visit_calls vc "      \
                                             "WHERE vc.visit_id = v.id), "                         \
                                             "(SELECT COALESCE(sum(vc.duration_seconds), 0) FROM " \
                                             "visit_calls vc WHERE vc.visit_id = v.id)"

#define VISIT_JOINS                                                                                \
  " JOIN customers c ON c.id = v.customer_id"                                                      \
  " LEFT JOIN projects p ON p.id = v.project_id"                                                   \
  " LEFT JOIN regions r ON r.code = v.region_code"                                                 \
  " LEFT JOIN users ul ON ul.id = v.leader_id"                                                     \
  " LEFT JOIN tickets tk ON tk.id = v.ticket_id"

static enum sh_status oom(struct sh_error *err) {
  return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
}

static const char *nz(const char *s) {
  return s ? s : "";
}

static struct store_param opt_int(int64_t v) {
  return v ? SP_INT(v) : SP_NULL();
}

static struct store_param opt_text(const char *s) {
  return s ? SP_TEXT(s) : SP_NULL();
}

void visit_free(struct visit *v) {
  if (!v)
    return;
  store_fields_free(visit_fields, NFIELDS, v);
  free(v);
}

void visit_list_free(struct visit **list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    visit_free(list[i]);
  free(list);
}

/* Every row of rows as a visit by fields[0..nfields). */
static enum sh_status visits_from_rows(const struct store_rows *rows, size_t nfields,
                                       struct visit ***out, size_t *count, struct sh_error *err) {
  size_t n = store_rows_count(rows), i = 0;
  struct visit **list = sh_calloc(n ? n : 1, sizeof *list);
  enum sh_status rc = list ? SH_OK : oom(err);
  for (; rc == SH_OK && i < n; i++) {
    list[i] = sh_calloc(1, sizeof *list[i]);
    if (!list[i] || !store_rows_fill(rows, i, visit_fields, nfields, list[i]))
      rc = oom(err);
  }
  if (rc != SH_OK) {
    visit_list_free(list, i);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}

enum sh_status store_visit_get(struct store_tx *tx, int64_t id, int64_t user_id, struct visit **out,
                               struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(user_id), SP_INT(id)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT " VISIT_COLUMNS " FROM visits v" VISIT_JOINS
                                 " WHERE" STORE_VISIT_SCOPE " AND v.id = $2",
                                 v, 2, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  struct visit **list = NULL;
  size_t n = 0;
  if (rc == SH_OK)
    rc = visits_from_rows(rows, NFIELDS, &list, &n, err);
  if (rc == SH_OK) {
    *out = list[0];
    list[0] = NULL;
  }
  visit_list_free(list, n);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_visit_save(struct store_tx *tx, const struct visit *x, int64_t now,
                                struct sh_error *err) {
  struct store_param v[] = {
      SP_INT(x->id),
      SP_INT(x->version),
      SP_TEXT(x->planned_date),
      SP_TEXT(nz(x->moved_reason)),
      opt_int(x->leader_id),
      SP_TEXT(x->status),
      SP_TEXT(nz(x->carried_items)),
      SP_TEXT(nz(x->unfinished_items)),
      opt_text(x->done_on),
      opt_text(x->method),
      SP_TEXT(nz(x->findings)),
      SP_TEXT(nz(x->opinion)),
      opt_int(x->score),
      x->satisfied < 0 ? SP_NULL() : SP_INT(x->satisfied),
      opt_int(x->reported_by),
      opt_int(x->reported_at),
      SP_INT(x->attempts),
      opt_int(x->retry_at),
      SP_TEXT(nz(x->cancelled_reason)),
      SP_INT(now),
  };
  enum sh_status rc = store_exec(
      tx,
      "UPDATE visits SET version = version + 1, planned_date = $3, moved_reason = $4, "
      "leader_id = $5, status = $6, carried_items = $7, unfinished_items = $8, done_on = $9, "
      "method = $10, findings = $11, opinion = $12, score = $13, satisfied = $14, "
      "reported_by = $15, reported_at = $16, attempts = $17, retry_at = $18, "
      "cancelled_reason = $19, updated_at = $20 WHERE id = $1 AND version = $2",
      v, (int)(sizeof v / sizeof v[0]), NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return rc;
}

enum sh_status store_visit_insert_followup(struct store_tx *tx, const struct visit *x, int64_t now,
                                           int64_t *id, struct sh_error *err) {
  struct store_param v[] = {
      opt_int(x->project_id), SP_INT(x->ticket_id), SP_INT(x->customer_id), SP_TEXT(x->region_code),
      SP_TEXT(x->due_date),   SP_INT(now),          opt_int(x->created_by),
  };
  struct store_rows *rows = NULL;
  /* ON CONFLICT on the partial unique index visits_followup: a ticket closed, re-opened by
   * a correction and closed again keeps its one follow-up visit. */
  enum sh_status rc = store_exec(
      tx,
      "INSERT INTO visits (kind, project_id, ticket_id, customer_id, region_code, seq, "
      "due_date, planned_date, status, created_at, updated_at, created_by) VALUES ('followup', "
      "$1, $2, $3, $4, 0, $5, $5, 'planned', $6, $6, $7) "
      "ON CONFLICT (ticket_id) WHERE kind = 'followup' DO NOTHING RETURNING id",
      v, 7, &rows, err);
  if (rc == SH_OK)
    *id = store_rows_count(rows) ? store_rows_int(rows, 0, 0) : 0;
  store_rows_free(rows);
  return rc;
}

/* $1 user; $2 kind, $3 status, $4 project, $5 ticket, $6 leader, $7 customer, $8 region
 * prefix, $9 due from, $10 due to, $11 overdue before. */
#define VISIT_FILTERS                                                                              \
  " AND (CAST($2 AS TEXT) IS NULL OR v.kind = CAST($2 AS TEXT))"                                   \
  " AND (CAST($3 AS TEXT) IS NULL OR v.status = CAST($3 AS TEXT))"                                 \
  " AND ($4 = 0 OR v.project_id = $4) AND ($5 = 0 OR v.ticket_id = $5)"                            \
  " AND ($6 = 0 OR v.leader_id = $6) AND ($7 = 0 OR v.customer_id = $7)"                           \
  " AND (CAST($8 AS TEXT) IS NULL OR substr(v.region_code, 1, length(CAST($8 AS TEXT))) = "        \
  "CAST($8 AS TEXT))"                                                                              \
  " AND (CAST($9 AS TEXT) IS NULL OR v.due_date >= CAST($9 AS TEXT))"                              \
  " AND (CAST($10 AS TEXT) IS NULL OR v.due_date <= CAST($10 AS TEXT))"                            \
  " AND (CAST($11 AS TEXT) IS NULL OR (v.status = 'planned' AND v.planned_date < "                 \
  "CAST($11 AS TEXT)))"

#define LIST_HEAD "SELECT " VISIT_COLUMNS " FROM visits v" VISIT_JOINS " WHERE" STORE_VISIT_SCOPE
#define PAGE " LIMIT $14 OFFSET $15"
/* Keyset on (column, id): $12 the column's value, $13 the id (0: the first page). */
#define KEYSET(col, op)                                                                            \
  " AND ($13 = 0 OR " col " " op " CAST($12 AS TEXT) OR (" col " = CAST($12 AS TEXT) AND v.id " op \
  " $13))"
static const char *const list_sql[VISIT_SORT_COUNT][2] = {
    [VISIT_SORT_PLANNED] = {LIST_HEAD VISIT_FILTERS KEYSET(
                                "v.planned_date", ">") " ORDER BY v.planned_date, v.id" PAGE,
                            LIST_HEAD VISIT_FILTERS KEYSET(
                                "v.planned_date",
                                "<") " ORDER BY v.planned_date DESC, v.id DESC" PAGE},
    [VISIT_SORT_DUE] = {LIST_HEAD VISIT_FILTERS KEYSET("v.due_date",
                                                       ">") " ORDER BY v.due_date, v.id" PAGE,
                        LIST_HEAD VISIT_FILTERS KEYSET(
                            "v.due_date", "<") " ORDER BY v.due_date DESC, v.id DESC" PAGE},
    [VISIT_SORT_ID] = {LIST_HEAD VISIT_FILTERS " AND ($13 = 0 OR v.id > $13) AND (CAST($12 AS "
                                               "TEXT) IS NULL OR 1 = 1) ORDER BY v.id" PAGE,
                       LIST_HEAD VISIT_FILTERS " AND ($13 = 0 OR v.id < $13) AND (CAST($12 AS "
                                               "TEXT) IS NULL OR 1 = 1) ORDER BY v.id DESC" PAGE},
};
/* Counting stops at STORE_VISIT_COUNT_CAP + 1 matches (see STORE_TICKET_COUNT_CAP). */
static const char count_sql[] =
    "SELECT count(*) FROM (SELECT 1 FROM visits v WHERE" STORE_VISIT_SCOPE VISIT_FILTERS
    " LIMIT 10001) AS capped";

enum sh_status store_visit_list(struct store_tx *tx, int64_t user_id, const struct visit_filter *f,
                                struct visit ***out, size_t *count, int64_t *total,
                                struct sh_error *err) {
  if ((unsigned)f->sort >= VISIT_SORT_COUNT)
    return sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "visit sort");
  struct store_param v[] = {
      SP_INT(user_id),
      opt_text(f->kind),
      opt_text(f->status),
      SP_INT(f->project_id),
      SP_INT(f->ticket_id),
      SP_INT(f->leader_id),
      SP_INT(f->customer_id),
      opt_text(f->region_prefix),
      opt_text(f->due_from),
      opt_text(f->due_to),
      opt_text(f->overdue_before),
      opt_text(f->after_text),
      SP_INT(f->after_id),
      SP_INT(f->limit),
      SP_INT(f->offset),
  };
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx, list_sql[f->sort][f->descending ? 1 : 0], v, 15, &rows, err);
  struct visit **list = NULL;
  size_t n = 0;
  if (rc == SH_OK)
    rc = visits_from_rows(rows, NFIELDS, &list, &n, err);
  store_rows_free(rows);
  rows = NULL;
  if (rc == SH_OK && total) {
    rc = store_exec(tx, count_sql, v, 11, &rows, err);
    if (rc == SH_OK)
      *total = store_rows_int(rows, 0, 0);
    store_rows_free(rows);
  }
  if (rc != SH_OK) {
    visit_list_free(list, n);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}

enum sh_status store_visit_calls_due(struct store_tx *tx, int64_t user_id, bool leader_only,
                                     const char *today, int64_t now, int64_t limit,
                                     struct visit ***out, size_t *count, struct sh_error *err) {
  struct store_param v[] = {SP_INT(user_id), SP_TEXT(today), SP_INT(now), SP_BOOL(leader_only),
                            SP_INT(limit)};
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(
      tx,
      "SELECT " VISIT_COLUMNS " FROM visits v" VISIT_JOINS
      " WHERE v.status = 'planned' AND v.planned_date <= CAST($2 AS TEXT)"
      " AND (v.retry_at IS NULL OR v.retry_at <= $3)"
      " AND (($4 = 1 AND v.leader_id = $1) OR ($4 = 0 AND" STORE_VISIT_SCOPE "))"
      " ORDER BY CASE WHEN v.planned_date < CAST($2 AS TEXT) THEN 0 ELSE 1 END, v.due_date, v.id"
      " LIMIT $5",
      v, 5, &rows, err);
  if (rc == SH_OK)
    rc = visits_from_rows(rows, NFIELDS, out, count, err);
  store_rows_free(rows);
  return rc;
}

/* One id from a one-column query, 0 when no row. */
static enum sh_status one_id(struct store_tx *tx, const char *sql, const struct store_param *v,
                             int n, int64_t *id, struct sh_error *err) {
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx, sql, v, n, &rows, err);
  if (rc == SH_OK)
    *id = store_rows_count(rows) && !store_rows_null(rows, 0, 0) ? store_rows_int(rows, 0, 0) : 0;
  store_rows_free(rows);
  return rc;
}

enum sh_status store_visit_next_open(struct store_tx *tx, int64_t project_id, int64_t after_visit,
                                     int64_t *id, struct sh_error *err) {
  struct store_param v[] = {SP_INT(project_id), SP_INT(after_visit)};
  return one_id(tx,
                "SELECT id FROM visits WHERE kind = 'planned' AND project_id = $1 "
                "AND status = 'planned' AND id <> $2 ORDER BY planned_date, seq LIMIT 1",
                v, 2, id, err);
}

enum sh_status store_visit_previous(struct store_tx *tx, int64_t project_id, int64_t seq,
                                    int64_t *id, struct sh_error *err) {
  struct store_param v[] = {SP_INT(project_id), SP_INT(seq)};
  return one_id(tx,
                "SELECT id FROM visits WHERE kind = 'planned' AND project_id = $1 AND seq < $2 "
                "AND status IN ('done', 'partial') ORDER BY seq DESC LIMIT 1",
                v, 2, id, err);
}

enum sh_status store_visit_carry(struct store_tx *tx, int64_t id, const char *text, int64_t now,
                                 struct sh_error *err) {
  /* The new line goes in as part of a parameter: char(10) is a function in SQLite but a
   * type in PostgreSQL. */
  size_t len = strlen(text);
  char *line = sh_calloc(1, len + 2);
  if (!line)
    return oom(err);
  line[0] = '\n';
  memcpy(line + 1, text, len + 1);
  struct store_param v[] = {SP_INT(id), SP_TEXT(text), SP_INT(now), SP_TEXT(line)};
  enum sh_status rc = store_exec(tx,
                                 "UPDATE visits SET carried_items = CASE WHEN carried_items = '' "
                                 "THEN $2 ELSE carried_items || $4 END, updated_at = $3, "
                                 "version = version + 1 WHERE id = $1 AND status = 'planned'",
                                 v, 4, NULL, err);
  free(line);
  return rc;
}

#define C(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct visit_call, member) }
static const struct store_field call_fields[] = {
    C(INT, id),          C(INT, visit_id),  C(INT, agent_id),
    C(TEXT, agent_name), C(INT, called_at), C(INT, duration_seconds),
    C(TEXT, result),     C(TEXT, note),     C(INT, created_at),
};
#undef C
#define NCALL (sizeof call_fields / sizeof call_fields[0])

void visit_calls_free(struct visit_call *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(call_fields, NCALL, &list[i]);
  free(list);
}

enum sh_status store_visit_call_insert(struct store_tx *tx, const struct visit_call *c, int64_t *id,
                                       struct sh_error *err) {
  struct store_param v[] = {SP_INT(c->visit_id),         SP_INT(c->agent_id), SP_INT(c->called_at),
                            SP_INT(c->duration_seconds), SP_TEXT(c->result),  SP_TEXT(nz(c->note)),
                            SP_INT(c->created_at)};
  return one_id(tx,
                "INSERT INTO visit_calls (visit_id, agent_id, called_at, duration_seconds, result, "
                "note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                v, 7, id, err);
}

enum sh_status store_visit_calls(struct store_tx *tx, int64_t visit_id, struct visit_call **out,
                                 size_t *count, struct sh_error *err) {
  struct store_param v[] = {SP_INT(visit_id)};
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx,
                                 "SELECT vc.id, vc.visit_id, vc.agent_id, u.display_name, "
                                 "vc.called_at, vc.duration_seconds, vc.result, vc.note, "
                                 "vc.created_at FROM visit_calls vc LEFT JOIN users u ON "
                                 "u.id = vc.agent_id WHERE vc.visit_id = $1 ORDER BY vc.id",
                                 v, 1, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc =
        store_rows_fill_all(rows, call_fields, NCALL, sizeof(struct visit_call), &list, count, err);
  if (rc == SH_OK)
    *out = list;
  store_rows_free(rows);
  return rc;
}

#define D(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct visit_defect, member) }
static const struct store_field defect_fields[] = {
    D(INT, id),           D(INT, visit_id),       D(INT, equipment_id),
    D(TEXT, description), D(INT, ticket_id),      D(INT, created_by),
    D(INT, created_at),   D(TEXT, ticket_number), D(TEXT, ticket_status),
    D(TEXT, serial_no),
};
#undef D
#define NDEFECT (sizeof defect_fields / sizeof defect_fields[0])

void visit_defects_free(struct visit_defect *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(defect_fields, NDEFECT, &list[i]);
  free(list);
}

enum sh_status store_visit_defect_insert(struct store_tx *tx, const struct visit_defect *d,
                                         struct sh_error *err) {
  struct store_param v[] = {SP_INT(d->visit_id),  opt_int(d->equipment_id), SP_TEXT(d->description),
                            SP_INT(d->ticket_id), opt_int(d->created_by),   SP_INT(d->created_at)};
  return store_exec(tx,
                    "INSERT INTO visit_defects (visit_id, equipment_id, description, ticket_id, "
                    "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    v, 6, NULL, err);
}

enum sh_status store_visit_defects(struct store_tx *tx, int64_t visit_id, struct visit_defect **out,
                                   size_t *count, struct sh_error *err) {
  struct store_param v[] = {SP_INT(visit_id)};
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(
      tx,
      "SELECT d.id, d.visit_id, d.equipment_id, d.description, d.ticket_id, d.created_by, "
      "d.created_at, t.number, t.status, e.serial_no FROM visit_defects d "
      "JOIN tickets t ON t.id = d.ticket_id LEFT JOIN equipment e ON e.id = d.equipment_id "
      "WHERE d.visit_id = $1 ORDER BY d.id",
      v, 1, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, defect_fields, NDEFECT, sizeof(struct visit_defect), &list,
                             count, err);
  if (rc == SH_OK)
    *out = list;
  store_rows_free(rows);
  return rc;
}

#define E(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct visit_event, member) }
static const struct store_field event_fields[] = {
    E(INT, id),          E(INT, visit_id), E(INT, at),      E(INT, actor_id),
    E(TEXT, actor_name), E(TEXT, kind),    E(TEXT, detail),
};
#undef E
#define NEVENT (sizeof event_fields / sizeof event_fields[0])

void visit_events_free(struct visit_event *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(event_fields, NEVENT, &list[i]);
  free(list);
}

enum sh_status store_visit_event_add(struct store_tx *tx, int64_t visit_id, int64_t at,
                                     int64_t actor_id, const char *kind, const char *detail,
                                     struct sh_error *err) {
  struct store_param v[] = {SP_INT(visit_id), SP_INT(at), opt_int(actor_id), SP_TEXT(kind),
                            SP_TEXT(detail ? detail : "{}")};
  return store_exec(tx,
                    "INSERT INTO visit_events (visit_id, at, actor_id, kind, detail) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    v, 5, NULL, err);
}

enum sh_status store_visit_events(struct store_tx *tx, int64_t visit_id, struct visit_event **out,
                                  size_t *count, struct sh_error *err) {
  struct store_param v[] = {SP_INT(visit_id)};
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx,
                                 "SELECT ev.id, ev.visit_id, ev.at, ev.actor_id, u.display_name, "
                                 "ev.kind, ev.detail FROM visit_events ev LEFT JOIN users u ON "
                                 "u.id = ev.actor_id WHERE ev.visit_id = $1 ORDER BY ev.at, ev.id",
                                 v, 1, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, event_fields, NEVENT, sizeof(struct visit_event), &list, count,
                             err);
  if (rc == SH_OK)
    *out = list;
  store_rows_free(rows);
  return rc;
}

enum sh_status store_visit_unit_project(struct store_tx *tx, int64_t equipment_id,
                                        int64_t *project_id, int64_t *customer_id,
                                        struct sh_error *err) {
  struct store_param v[] = {SP_INT(equipment_id)};
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx,
                                 "SELECT project_id, customer_id FROM equipment WHERE id = $1 "
                                 "AND deleted_at IS NULL",
                                 v, 1, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK) {
    *project_id = store_rows_int(rows, 0, 0);
    *customer_id = store_rows_int(rows, 0, 1);
  }
  store_rows_free(rows);
  return rc;
}

/* ---- the planner's batches ------------------------------------------------------------ */

void visit_plan_projects_free(struct visit_plan_project *list, size_t count) {
  for (size_t i = 0; list && i < count; i++) {
    free(list[i].region_code);
    free(list[i].acceptance_date);
    free(list[i].plan_key);
  }
  free(list);
}

void visit_plan_units_free(struct visit_plan_unit_row *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    free(list[i].acceptance_date);
  free(list);
}

enum sh_status store_visit_plan_projects(struct store_tx *tx, int64_t after_id, int64_t project_id,
                                         int64_t limit, struct visit_plan_project **out,
                                         size_t *count, struct sh_error *err) {
  struct store_param v[] = {SP_INT(after_id), SP_INT(project_id), SP_INT(limit)};
  struct store_rows *rows = NULL;
  /* PostgreSQL runs units side by side: the button's pass and the jobs' pass could read the
   * same old key and both insert the same (project, seq) — a unique violation that fails one
   * of them. FOR UPDATE makes the second wait and then read the key the first wrote (SQLite's
   * one writer serializes the units already). */
#define PLAN_PROJECTS                                                                              \
  "SELECT id, customer_id, COALESCE(project_manager_id, 0), COALESCE(deleted_at, 0), "             \
  "site_region_code, COALESCE(acceptance_date, ''), visit_plan_key FROM projects "                 \
  "WHERE id > $1 AND ($2 = 0 OR id = $2) ORDER BY id LIMIT $3"
  enum sh_status rc = store_exec(
      tx, store_tx_dialect(tx) == STORE_POSTGRES ? PLAN_PROJECTS " FOR UPDATE" : PLAN_PROJECTS, v,
      3, &rows, err);
#undef PLAN_PROJECTS
  size_t n = rc == SH_OK ? store_rows_count(rows) : 0, i = 0;
  struct visit_plan_project *list = NULL;
  if (rc == SH_OK && !(list = sh_calloc(n ? n : 1, sizeof *list)))
    rc = oom(err);
  for (; rc == SH_OK && i < n; i++) {
    struct visit_plan_project *p = &list[i];
    p->id = store_rows_int(rows, i, 0);
    p->customer_id = store_rows_int(rows, i, 1);
    p->project_manager_id = store_rows_int(rows, i, 2);
    p->deleted_at = store_rows_int(rows, i, 3);
    p->region_code = store_rows_strdup(rows, i, 4);
    p->acceptance_date = store_rows_strdup(rows, i, 5);
    p->plan_key = store_rows_strdup(rows, i, 6);
    if (!p->region_code || !p->acceptance_date || !p->plan_key)
      rc = oom(err);
  }
  store_rows_free(rows);
  if (rc != SH_OK) {
    visit_plan_projects_free(list, n);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}

enum sh_status store_visit_plan_units(struct store_tx *tx, int64_t first, int64_t last,
                                      struct visit_plan_unit_row **out, size_t *count,
                                      struct sh_error *err) {
  struct store_param v[] = {SP_INT(first), SP_INT(last)};
  struct store_rows *rows = NULL;
  enum sh_status rc =
      store_exec(tx,
                 "SELECT project_id, COALESCE(acceptance_date, ''), sold_by_company, "
                 "max(manufacturer_months) FROM equipment WHERE project_id BETWEEN $1 AND $2 "
                 "AND deleted_at IS NULL GROUP BY project_id, COALESCE(acceptance_date, ''), "
                 "sold_by_company ORDER BY project_id",
                 v, 2, &rows, err);
  size_t n = rc == SH_OK ? store_rows_count(rows) : 0, i = 0;
  struct visit_plan_unit_row *list = NULL;
  if (rc == SH_OK && !(list = sh_calloc(n ? n : 1, sizeof *list)))
    rc = oom(err);
  for (; rc == SH_OK && i < n; i++) {
    list[i].project_id = store_rows_int(rows, i, 0);
    list[i].acceptance_date = store_rows_strdup(rows, i, 1);
    list[i].sold_by_company = store_rows_int(rows, i, 2) != 0;
    list[i].manufacturer_months = store_rows_int(rows, i, 3);
    if (!list[i].acceptance_date)
      rc = oom(err);
  }
  store_rows_free(rows);
  if (rc != SH_OK) {
    visit_plan_units_free(list, n);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}

/* The columns the planner compares (a few of visit_fields, read by their own table). */
#define P(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct visit, member) }
static const struct store_field plan_fields[] = {
    P(INT, id),          P(INT, project_id),        P(INT, seq),       P(TEXT, status),
    P(TEXT, due_date),   P(TEXT, planned_date),     P(INT, leader_id), P(TEXT, region_code),
    P(INT, customer_id), P(TEXT, cancelled_reason), P(INT, version),   P(TEXT, moved_reason),
};
#undef P
#define NPLAN (sizeof plan_fields / sizeof plan_fields[0])

enum sh_status store_visit_plan_existing(struct store_tx *tx, int64_t first, int64_t last,
                                         struct visit ***out, size_t *count, struct sh_error *err) {
  struct store_param v[] = {SP_INT(first), SP_INT(last)};
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(
      tx,
      "SELECT id, project_id, seq, status, due_date, planned_date, COALESCE(leader_id, 0), "
      "region_code, customer_id, cancelled_reason, version, moved_reason FROM visits "
      "WHERE kind = 'planned' AND project_id BETWEEN $1 AND $2 ORDER BY project_id, seq",
      v, 2, &rows, err);
  size_t n = rc == SH_OK ? store_rows_count(rows) : 0, i = 0;
  struct visit **list = NULL;
  if (rc == SH_OK && !(list = sh_calloc(n ? n : 1, sizeof *list)))
    rc = oom(err);
  for (; rc == SH_OK && i < n; i++) {
    list[i] = sh_calloc(1, sizeof *list[i]);
    if (!list[i] || !store_rows_fill(rows, i, plan_fields, NPLAN, list[i]))
      rc = oom(err);
  }
  store_rows_free(rows);
  if (rc != SH_OK) {
    visit_list_free(list, i);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}

/* The JSON rows as a table: SQLite reads each object with json_extract, PostgreSQL by
 * jsonb_to_recordset with the column types. */
static const char insert_sqlite[] =
    "INSERT INTO visits (kind, project_id, customer_id, region_code, seq, due_date, "
    "planned_date, leader_id, status, created_at, updated_at) SELECT 'planned', "
    "json_extract(value, '$.p'), json_extract(value, '$.c'), json_extract(value, '$.r'), "
    "json_extract(value, '$.s'), json_extract(value, '$.d'), json_extract(value, '$.d'), "
    "json_extract(value, '$.l'), 'planned', $2, $2 FROM json_each($1)";
static const char insert_pg[] =
    "INSERT INTO visits (kind, project_id, customer_id, region_code, seq, due_date, "
    "planned_date, leader_id, status, created_at, updated_at) SELECT 'planned', j.p, j.c, j.r, "
    "j.s, j.d, j.d, j.l, 'planned', $2, $2 FROM jsonb_to_recordset(CAST($1 AS jsonb)) "
    "AS j(p bigint, c bigint, r text, s bigint, d text, l bigint)";

enum sh_status store_visit_plan_insert(struct store_tx *tx, const char *rows, int64_t now,
                                       struct sh_error *err) {
  struct store_param v[] = {SP_TEXT(rows), SP_INT(now)};
  return store_exec(tx, store_tx_dialect(tx) == STORE_POSTGRES ? insert_pg : insert_sqlite, v, 2,
                    NULL, err);
}

#define UPDATE_SET                                                                                 \
  "UPDATE visits SET due_date = j.d, planned_date = j.pd, status = j.st, "                         \
  "cancelled_reason = j.cr, leader_id = j.l, region_code = j.r, customer_id = j.c, "               \
  "updated_at = $2, version = visits.version + 1 FROM "
static const char update_sqlite[] =
    UPDATE_SET "(SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.v') AS v, "
               "json_extract(value, '$.d') AS d, json_extract(value, '$.pd') AS pd, "
               "json_extract(value, '$.st') AS st, json_extract(value, '$.cr') AS cr, "
               "json_extract(value, '$.l') AS l, json_extract(value, '$.r') AS r, "
               "json_extract(value, '$.c') AS c FROM json_each($1)) AS j "
               "WHERE visits.id = j.id AND visits.version = j.v";
static const char update_pg[] =
    UPDATE_SET "jsonb_to_recordset(CAST($1 AS jsonb)) AS j(id bigint, v bigint, d text, pd text, "
               "st text, cr text, l bigint, r text, c bigint) "
               "WHERE visits.id = j.id AND visits.version = j.v";

enum sh_status store_visit_plan_update(struct store_tx *tx, const char *rows, int64_t expected,
                                       int64_t now, struct sh_error *err) {
  struct store_param v[] = {SP_TEXT(rows), SP_INT(now)};
  enum sh_status rc = store_exec(
      tx, store_tx_dialect(tx) == STORE_POSTGRES ? update_pg : update_sqlite, v, 2, NULL, err);
  /* A visit changed by someone between the planner's read and this write (PostgreSQL runs
   * units side by side): the whole batch rolls back and the next pass plans it again. */
  if (rc == SH_OK && store_changes(tx) != expected)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return rc;
}

static const char events_sqlite[] =
    "INSERT INTO visit_events (visit_id, at, actor_id, kind, detail) SELECT "
    "json_extract(value, '$.id'), $2, $3, json_extract(value, '$.k'), "
    "json_extract(value, '$.dt') FROM json_each($1)";
static const char events_pg[] =
    "INSERT INTO visit_events (visit_id, at, actor_id, kind, detail) SELECT j.id, $2, $3, j.k, "
    "j.dt FROM jsonb_to_recordset(CAST($1 AS jsonb)) AS j(id bigint, k text, dt text)";

enum sh_status store_visit_plan_events(struct store_tx *tx, const char *rows, int64_t now,
                                       int64_t actor_id, struct sh_error *err) {
  struct store_param v[] = {SP_TEXT(rows), SP_INT(now), opt_int(actor_id)};
  return store_exec(tx, store_tx_dialect(tx) == STORE_POSTGRES ? events_pg : events_sqlite, v, 3,
                    NULL, err);
}

/* Only the key: a project's version and updated_at are its editors', not the planner's (a
 * pass must not make an open edit form stale). */
static const char keys_sqlite[] =
    "UPDATE projects SET visit_plan_key = j.k FROM (SELECT json_extract(value, '$.id') AS id, "
    "json_extract(value, '$.k') AS k FROM json_each($1)) AS j WHERE projects.id = j.id";
static const char keys_pg[] =
    "UPDATE projects SET visit_plan_key = j.k FROM jsonb_to_recordset(CAST($1 AS jsonb)) "
    "AS j(id bigint, k text) WHERE projects.id = j.id";

enum sh_status store_visit_plan_keys(struct store_tx *tx, const char *rows, struct sh_error *err) {
  struct store_param v[] = {SP_TEXT(rows)};
  return store_exec(tx, store_tx_dialect(tx) == STORE_POSTGRES ? keys_pg : keys_sqlite, v, 1, NULL,
                    err);
}
