/* complaints.c — complaints, notices, timeline and categories in SQL (see complaints.h).
 * Columns are described once (a field table with offsets) and read by store_rows_fill.
 * Every statement is fixed text with $N parameters; the category subtree and the class of
 * a repeat are recursive queries that SQLite and PostgreSQL both understand. */
#include "complaints.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"

static const char *nz(const char *s) {
  return s ? s : "";
}

static struct store_param opt_int(int64_t v) {
  return v ? SP_INT(v) : SP_NULL();
}

static struct store_param opt_text(const char *s) {
  return s && *s ? SP_TEXT(s) : SP_NULL();
}

#define F(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct complaint, member) }
static const struct store_field complaint_fields[] = {
    F(INT, id),
    F(TEXT, number),
    F(INT, customer_id),
    F(TEXT, region_code),
    F(INT, dealer_id),
    F(TEXT, channel),
    F(TEXT, complainant),
    F(TEXT, phone),
    F(INT, received_at),
    F(TEXT, occurred_on),
    F(TEXT, facts),
    F(TEXT, demand),
    F(TEXT, category),
    F(TEXT, severity),
    F(INT, ticket_id),
    F(INT, equipment_id),
    F(INT, visit_id),
    F(INT, repeat_of),
    F(TEXT, status),
    F(INT, owner_id),
    F(INT, round),
    F(INT, callback_at),
    F(INT, callback_by),
    F(INT, callback_satisfied),
    F(TEXT, callback_note),
    F(INT, archived_at),
    F(INT, archived_by),
    F(TEXT, search_text),
    F(INT, created_at),
    F(INT, updated_at),
    F(INT, created_by),
    F(INT, version),
    F(TEXT, customer_name),
    F(TEXT, region_name),
    F(TEXT, owner_name),
    F(TEXT, category_label),
    F(TEXT, channel_label),
    F(TEXT, severity_label),
    F(TEXT, ticket_number),
    F(TEXT, visit_date),
    F(TEXT, repeat_number),
    F(TEXT, serial_no),
    F(TEXT, archived_by_name),
};
#undef F
#define NFIELDS (sizeof complaint_fields / sizeof complaint_fields[0])

/* In the order of complaint_fields. */
#define COMPLAINT_COLUMNS                                                                          \
  "k.id, k.number, k.customer_id, k.region_code, k.dealer_id, k.channel, k.complainant, "          \
  "k.phone, k.received_at, k.occurred_on, k.facts, k.demand, k.category, k.severity, "             \
  "k.ticket_id, k.equipment_id, k.visit_id, k.repeat_of, k.status, k.owner_id, k.round, "          \
  "k.callback_at, k.callback_by, COALESCE(k.callback_satisfied, -1), k.callback_note, "            \
  "k.archived_at, k.archived_by, k.search_text, k.created_at, k.updated_at, k.created_by, "        \
  "k.version, c.name, r.name, uo.display_name, cat.label_zh, dch.label_zh, dsv.label_zh, "         \
  "t.number, COALESCE(v.done_on, v.planned_date), kr.number, e.serial_no, ua.display_name"

#define COMPLAINT_JOINS                                                                            \
  " JOIN customers c ON c.id = k.customer_id"                                                      \
  " LEFT JOIN regions r ON r.code = k.region_code"                                                 \
  " LEFT JOIN users uo ON uo.id = k.owner_id"                                                      \
  " LEFT JOIN users ua ON ua.id = k.archived_by"                                                   \
  " LEFT JOIN complaint_categories cat ON cat.code = k.category"                                   \
  " LEFT JOIN dict_items dch ON dch.type = 'complaint_channel' AND dch.value = k.channel"          \
  " LEFT JOIN dict_items dsv ON dsv.type = 'complaint_severity' AND dsv.value = k.severity"        \
  " LEFT JOIN tickets t ON t.id = k.ticket_id"                                                     \
  " LEFT JOIN visits v ON v.id = k.visit_id"                                                       \
  " LEFT JOIN complaints kr ON kr.id = k.repeat_of"                                                \
  " LEFT JOIN equipment e ON e.id = k.equipment_id"

void complaint_free(struct complaint *c) {
  if (!c)
    return;
  store_fields_free(complaint_fields, NFIELDS, c);
  free(c);
}

void complaint_list_free(struct complaint **list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    complaint_free(list[i]);
  free(list);
}

static struct complaint *complaint_from_row(const struct store_rows *rows, size_t r) {
  struct complaint *c = sh_calloc(1, sizeof *c);
  if (c && !store_rows_fill(rows, r, complaint_fields, NFIELDS, c)) {
    complaint_free(c);
    c = NULL;
  }
  return c;
}

enum sh_status store_complaint_next_seq(struct store_tx *tx, const char *day, int64_t *seq,
                                        struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_TEXT(day)};
  enum sh_status rc =
      store_exec(tx,
                 "INSERT INTO complaint_counters (day, last) VALUES ($1, 1) ON CONFLICT (day) "
                 "DO UPDATE SET last = complaint_counters.last + 1 RETURNING last",
                 v, 1, &rows, err);
  if (rc == SH_OK)
    *seq = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_complaint_insert(struct store_tx *tx, const struct complaint *c, int64_t now,
                                      int64_t *id, struct sh_error *err) {
  struct store_param v[] = {
      SP_TEXT(c->number),     SP_INT(c->customer_id),      SP_TEXT(c->region_code),
      opt_int(c->dealer_id),  SP_TEXT(c->channel),         SP_TEXT(nz(c->complainant)),
      SP_TEXT(nz(c->phone)),  SP_INT(c->received_at),      opt_text(c->occurred_on),
      SP_TEXT(c->facts),      SP_TEXT(nz(c->demand)),      SP_TEXT(c->category),
      SP_TEXT(c->severity),   opt_int(c->ticket_id),       opt_int(c->equipment_id),
      opt_int(c->visit_id),   opt_int(c->repeat_of),       SP_TEXT(c->status),
      SP_INT(c->owner_id),    SP_TEXT(nz(c->search_text)), SP_INT(now),
      opt_int(c->created_by),
  };
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(
      tx,
      "INSERT INTO complaints (number, customer_id, region_code, dealer_id, channel, "
      "complainant, phone, received_at, occurred_on, facts, demand, category, severity, "
      "ticket_id, equipment_id, visit_id, repeat_of, status, owner_id, search_text, created_at, "
      "updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
      "$14, $15, $16, $17, $18, $19, $20, $21, $21, $22) RETURNING id",
      v, (int)(sizeof v / sizeof v[0]), &rows, err);
  if (rc == SH_OK)
    *id = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_complaint_get(struct store_tx *tx, int64_t id, int64_t user_id,
                                   struct complaint **out, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(user_id), SP_INT(id)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT " COMPLAINT_COLUMNS " FROM complaints k" COMPLAINT_JOINS
                                 " WHERE" STORE_COMPLAINT_SCOPE " AND k.id = $2",
                                 v, 2, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK) {
    struct complaint *c = complaint_from_row(rows, 0);
    if (c)
      *out = c;
    else
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_complaint_lock(struct store_tx *tx, int64_t id, struct sh_error *err) {
  struct store_param v[] = {SP_INT(id)};
  enum sh_status rc = store_exec(tx, "UPDATE complaints SET updated_at = updated_at WHERE id = $1",
                                 v, 1, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  return rc;
}

enum sh_status store_complaint_save(struct store_tx *tx, const struct complaint *c, int64_t now,
                                    struct sh_error *err) {
  struct store_param v[] = {
      SP_INT(c->id),
      SP_INT(c->version),
      SP_TEXT(c->status),
      SP_INT(c->round),
      opt_int(c->callback_at),
      opt_int(c->callback_by),
      c->callback_satisfied < 0 ? SP_NULL() : SP_INT(c->callback_satisfied),
      SP_TEXT(nz(c->callback_note)),
      opt_int(c->archived_at),
      opt_int(c->archived_by),
      SP_TEXT(nz(c->search_text)),
      SP_INT(now),
  };
  enum sh_status rc = store_exec(
      tx,
      "UPDATE complaints SET version = version + 1, status = $3, round = $4, callback_at = $5, "
      "callback_by = $6, callback_satisfied = $7, callback_note = $8, archived_at = $9, "
      "archived_by = $10, search_text = $11, updated_at = $12 WHERE id = $1 AND version = $2",
      v, (int)(sizeof v / sizeof v[0]), NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return rc;
}

/* $2 status, $3 category (with its subtree), $4 severity, $5 customer, $6 repeat (-1 any),
 * $7 archived (-1 any), $8 overdue day, $9 received from, $10 received before, $11 LIKE. */
#define COMPLAINT_SUBTREE                                                                          \
  "WITH RECURSIVE sub(code) AS (SELECT code FROM complaint_categories WHERE code = "               \
  "CAST($3 AS TEXT) UNION SELECT cc.code FROM complaint_categories cc JOIN sub ON "                \
  "cc.parent_code = sub.code) "
#define COMPLAINT_FILTERS                                                                          \
  " AND (CAST($2 AS TEXT) IS NULL OR k.status = CAST($2 AS TEXT))"                                 \
  " AND (CAST($3 AS TEXT) IS NULL OR k.category IN (SELECT code FROM sub))"                        \
  " AND (CAST($4 AS TEXT) IS NULL OR k.severity = CAST($4 AS TEXT))"                               \
  " AND ($5 = 0 OR k.customer_id = $5)"                                                            \
  " AND ($6 = -1 OR ($6 = 1 AND k.repeat_of IS NOT NULL) OR ($6 = 0 AND k.repeat_of IS NULL))"     \
  " AND ($7 = -1 OR ($7 = 1 AND k.status = 'archived') OR ($7 = 0 AND k.status <> 'archived'))"    \
  " AND (CAST($8 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM complaint_assignments oa WHERE "        \
  "oa.complaint_id = k.id AND oa.answered_at IS NULL AND oa.due_date < CAST($8 AS TEXT)))"         \
  " AND ($9 = 0 OR k.received_at >= $9) AND ($10 = 0 OR k.received_at < $10)"                      \
  " AND (CAST($11 AS TEXT) IS NULL OR k.search_text LIKE CAST($11 AS TEXT) ESCAPE '!')"

static const char list_asc[] =
    COMPLAINT_SUBTREE "SELECT " COMPLAINT_COLUMNS " FROM complaints k" COMPLAINT_JOINS
                      " WHERE" STORE_COMPLAINT_SCOPE COMPLAINT_FILTERS
                      " AND k.id > $12 ORDER BY k.id LIMIT $13 OFFSET $14";
static const char list_desc[] =
    COMPLAINT_SUBTREE "SELECT " COMPLAINT_COLUMNS " FROM complaints k" COMPLAINT_JOINS
                      " WHERE" STORE_COMPLAINT_SCOPE COMPLAINT_FILTERS
                      " AND ($12 = 0 OR k.id < $12) ORDER BY k.id DESC LIMIT $13 OFFSET $14";
static const char count_sql[] = COMPLAINT_SUBTREE
    "SELECT count(*) FROM (SELECT 1 FROM complaints k WHERE" STORE_COMPLAINT_SCOPE COMPLAINT_FILTERS
    " AND $12 = $12 AND $13 = $13 AND $14 = $14 LIMIT 10001) AS capped";

enum sh_status store_complaint_list(struct store_tx *tx, int64_t user_id,
                                    const struct complaint_filter *f, struct complaint ***out,
                                    size_t *count, int64_t *total, struct sh_error *err) {
  char *pattern = NULL;
  if (f->q && *f->q && !(pattern = store_like_pattern(f->q)))
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  struct store_param v[] = {
      SP_INT(user_id),
      f->status ? SP_TEXT(f->status) : SP_NULL(),
      f->category ? SP_TEXT(f->category) : SP_NULL(),
      f->severity ? SP_TEXT(f->severity) : SP_NULL(),
      SP_INT(f->customer_id),
      SP_INT(f->repeat),
      SP_INT(f->archived),
      f->overdue_on ? SP_TEXT(f->overdue_on) : SP_NULL(),
      SP_INT(f->received_from),
      SP_INT(f->received_to),
      pattern ? SP_TEXT(pattern) : SP_NULL(),
      SP_INT(f->after_id),
      SP_INT(f->limit),
      SP_INT(f->offset),
  };
  int nv = (int)(sizeof v / sizeof v[0]);
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx, f->descending ? list_desc : list_asc, v, nv, &rows, err);
  struct complaint **list = NULL;
  size_t n = 0, nrows = rows ? store_rows_count(rows) : 0;
  if (rc == SH_OK && !(list = sh_calloc(nrows ? nrows : 1, sizeof *list)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  for (; rc == SH_OK && n < nrows; n++)
    if (!(list[n] = complaint_from_row(rows, n)))
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  store_rows_free(rows);
  rows = NULL;
  if (rc == SH_OK && total) {
    rc = store_exec(tx, count_sql, v, nv, &rows, err);
    if (rc == SH_OK)
      *total = store_rows_int(rows, 0, 0);
    store_rows_free(rows);
  }
  free(pattern);
  if (rc != SH_OK) {
    complaint_list_free(list, n);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}

enum sh_status store_complaint_find_repeat(struct store_tx *tx, int64_t customer_id,
                                           const char *category, int64_t since, int64_t until,
                                           int64_t *id, struct sh_error *err) {
  struct store_param v[] = {SP_INT(customer_id), SP_TEXT(category), SP_INT(since), SP_INT(until)};
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(
      tx,
      "WITH RECURSIVE up(code, parent_code) AS (SELECT code, parent_code FROM "
      "complaint_categories WHERE code = CAST($2 AS TEXT) UNION SELECT cc.code, cc.parent_code "
      "FROM complaint_categories cc JOIN up ON cc.code = up.parent_code), "
      "down(code) AS (SELECT code FROM complaint_categories WHERE code = CAST($2 AS TEXT) UNION "
      "SELECT cc.code FROM complaint_categories cc JOIN down ON cc.parent_code = down.code) "
      "SELECT k.id FROM complaints k WHERE k.customer_id = $1 AND k.received_at >= $3 AND "
      "k.received_at <= $4 AND (k.category IN (SELECT code FROM up) OR k.category IN (SELECT "
      "code FROM down)) ORDER BY k.received_at DESC, k.id DESC LIMIT 1",
      v, 4, &rows, err);
  if (rc == SH_OK)
    *id = store_rows_count(rows) ? store_rows_int(rows, 0, 0) : 0;
  store_rows_free(rows);
  return rc;
}

enum sh_status store_complaint_link_owner(struct store_tx *tx, const char *table, int64_t id,
                                          int64_t *customer_id, char **region,
                                          struct sh_error *err) {
  struct store_param v[] = {SP_INT(id)};
  struct store_rows *rows = NULL;
  /* Two fixed statements: the table name is never taken from input. */
  const char *sql = strcmp(table, "tickets") == 0
                        ? "SELECT customer_id, region_code FROM tickets WHERE id = $1"
                        : "SELECT customer_id, region_code FROM visits WHERE id = $1";
  enum sh_status rc = store_exec(tx, sql, v, 1, &rows, err);
  *customer_id = 0;
  if (rc == SH_OK && store_rows_count(rows)) {
    *customer_id = store_rows_int(rows, 0, 0);
    if (region && !(*region = store_rows_strdup(rows, 0, 1)))
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  store_rows_free(rows);
  return rc;
}

/* ---- notices ---- */

#define A(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct complaint_assignment, member) }
static const struct store_field assignment_fields[] = {
    A(INT, id),
    A(INT, complaint_id),
    A(INT, round),
    A(TEXT, department),
    A(INT, responsible_id),
    A(TEXT, notice_no),
    A(TEXT, due_date),
    A(TEXT, instructions),
    A(INT, notified_at),
    A(TEXT, root_cause),
    A(TEXT, corrective_action),
    A(TEXT, preventive_action),
    A(INT, answered_at),
    A(INT, answered_by),
    A(INT, created_by),
    A(INT, created_at),
    A(TEXT, department_label),
    A(TEXT, responsible_name),
    A(TEXT, answered_by_name),
    A(TEXT, created_by_name),
};
#undef A
#define NASSIGNMENT (sizeof assignment_fields / sizeof assignment_fields[0])

void complaint_assignments_free(struct complaint_assignment *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(assignment_fields, NASSIGNMENT, &list[i]);
  free(list);
}

enum sh_status store_complaint_assignment_insert(struct store_tx *tx,
                                                 const struct complaint_assignment *a, int64_t *id,
                                                 struct sh_error *err) {
  struct store_param v[] = {
      SP_INT(a->complaint_id),      SP_INT(a->round),       SP_TEXT(a->department),
      SP_INT(a->responsible_id),    SP_TEXT(a->notice_no),  SP_TEXT(a->due_date),
      SP_TEXT(nz(a->instructions)), SP_INT(a->notified_at), opt_int(a->created_by),
      SP_INT(a->created_at),
  };
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(
      tx,
      "INSERT INTO complaint_assignments (complaint_id, round, department, responsible_id, "
      "notice_no, due_date, instructions, notified_at, created_by, created_at) VALUES ($1, $2, "
      "$3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
      v, 10, &rows, err);
  if (rc == SH_OK)
    *id = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_complaint_assignments(struct store_tx *tx, int64_t complaint_id,
                                           struct complaint_assignment **out, size_t *count,
                                           struct sh_error *err) {
  struct store_param v[] = {SP_INT(complaint_id)};
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(
      tx,
      "SELECT a.id, a.complaint_id, a.round, a.department, a.responsible_id, a.notice_no, "
      "a.due_date, a.instructions, a.notified_at, a.root_cause, a.corrective_action, "
      "a.preventive_action, a.answered_at, a.answered_by, a.created_by, a.created_at, "
      "d.label_zh, ur.display_name, uw.display_name, uc.display_name "
      "FROM complaint_assignments a "
      "LEFT JOIN dict_items d ON d.type = 'department' AND d.value = a.department "
      "LEFT JOIN users ur ON ur.id = a.responsible_id "
      "LEFT JOIN users uw ON uw.id = a.answered_by "
      "LEFT JOIN users uc ON uc.id = a.created_by "
      "WHERE a.complaint_id = $1 ORDER BY a.id",
      v, 1, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, assignment_fields, NASSIGNMENT,
                             sizeof(struct complaint_assignment), &list, count, err);
  store_rows_free(rows);
  if (rc == SH_OK)
    *out = list;
  return rc;
}

enum sh_status store_complaint_assignment_answer(struct store_tx *tx,
                                                 const struct complaint_assignment *a,
                                                 struct sh_error *err) {
  struct store_param v[] = {SP_INT(a->id),
                            SP_TEXT(a->root_cause),
                            SP_TEXT(a->corrective_action),
                            SP_TEXT(a->preventive_action),
                            SP_INT(a->answered_at),
                            SP_INT(a->answered_by)};
  enum sh_status rc =
      store_exec(tx,
                 "UPDATE complaint_assignments SET root_cause = $2, corrective_action = $3, "
                 "preventive_action = $4, answered_at = $5, answered_by = $6 WHERE id = $1 AND "
                 "answered_at IS NULL",
                 v, 6, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "notice_already_answered", "assignment", NULL);
  return rc;
}

/* ---- the timeline ---- */

enum sh_status store_complaint_event_add(struct store_tx *tx, int64_t complaint_id, int64_t at,
                                         int64_t actor_id, const char *kind, const char *detail,
                                         struct sh_error *err) {
  struct store_param v[] = {SP_INT(complaint_id), SP_INT(at), opt_int(actor_id), SP_TEXT(kind),
                            SP_TEXT(detail ? detail : "{}")};
  return store_exec(tx,
                    "INSERT INTO complaint_events (complaint_id, at, actor_id, kind, detail) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    v, 5, NULL, err);
}

#define E(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct complaint_event, member) }
static const struct store_field event_fields[] = {
    E(INT, id),          E(INT, complaint_id), E(INT, at),      E(INT, actor_id),
    E(TEXT, actor_name), E(TEXT, kind),        E(TEXT, detail),
};
#undef E
#define NEVENT (sizeof event_fields / sizeof event_fields[0])

void complaint_events_free(struct complaint_event *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(event_fields, NEVENT, &list[i]);
  free(list);
}

enum sh_status store_complaint_events(struct store_tx *tx, int64_t complaint_id,
                                      struct complaint_event **out, size_t *count,
                                      struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(complaint_id)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT ev.id, ev.complaint_id, ev.at, ev.actor_id, "
                                 "u.display_name, ev.kind, ev.detail FROM complaint_events ev "
                                 "LEFT JOIN users u ON u.id = ev.actor_id "
                                 "WHERE ev.complaint_id = $1 ORDER BY ev.at, ev.id",
                                 v, 1, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, event_fields, NEVENT, sizeof(struct complaint_event), &list,
                             count, err);
  store_rows_free(rows);
  if (rc == SH_OK)
    *out = list;
  return rc;
}

/* ---- categories ---- */

#define C(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct complaint_category, member) }
static const struct store_field category_fields[] = {
    C(TEXT, code), C(TEXT, parent_code), C(TEXT, label_zh),  C(TEXT, label_en),
    C(INT, sort),  C(BOOL, disabled),    C(INT, updated_at), C(INT, updated_by),
};
#undef C
#define NCATEGORY (sizeof category_fields / sizeof category_fields[0])

void complaint_categories_free(struct complaint_category *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(category_fields, NCATEGORY, &list[i]);
  free(list);
}

enum sh_status store_complaint_categories(struct store_tx *tx, struct complaint_category **out,
                                          size_t *count, struct sh_error *err) {
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx,
                                 "SELECT code, parent_code, label_zh, label_en, sort, disabled, "
                                 "updated_at, updated_by FROM complaint_categories "
                                 "ORDER BY sort, code",
                                 NULL, 0, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, category_fields, NCATEGORY, sizeof(struct complaint_category),
                             &list, count, err);
  store_rows_free(rows);
  if (rc == SH_OK)
    *out = list;
  return rc;
}

enum sh_status store_complaint_category_insert(struct store_tx *tx,
                                               const struct complaint_category *c,
                                               struct sh_error *err) {
  struct store_param v[] = {
      SP_TEXT(c->code), opt_text(c->parent_code), SP_TEXT(c->label_zh),  SP_TEXT(nz(c->label_en)),
      SP_INT(c->sort),  SP_BOOL(c->disabled),     SP_INT(c->updated_at), opt_int(c->updated_by)};
  /* ON CONFLICT DO NOTHING: a taken code is answered without aborting the transaction. */
  enum sh_status rc = store_exec(tx,
                                 "INSERT INTO complaint_categories (code, parent_code, label_zh, "
                                 "label_en, sort, disabled, updated_at, updated_by) VALUES ($1, "
                                 "$2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING",
                                 v, 8, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "duplicate", "code", c->code);
  return rc;
}

enum sh_status store_complaint_category_update(struct store_tx *tx,
                                               const struct complaint_category *c,
                                               struct sh_error *err) {
  struct store_param v[] = {
      SP_TEXT(c->code), opt_text(c->parent_code), SP_TEXT(c->label_zh),  SP_TEXT(nz(c->label_en)),
      SP_INT(c->sort),  SP_BOOL(c->disabled),     SP_INT(c->updated_at), opt_int(c->updated_by)};
  enum sh_status rc = store_exec(tx,
                                 "UPDATE complaint_categories SET parent_code = $2, label_zh = $3, "
                                 "label_en = $4, sort = $5, disabled = $6, updated_at = $7, "
                                 "updated_by = $8 WHERE code = $1",
                                 v, 8, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  return rc;
}
