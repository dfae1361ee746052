/* tickets.c — service tickets, deadlines and timeline in SQL (see tickets.h). Columns are
 * described once (a field table with offsets) and read into struct ticket by
 * store_rows_fill. Every statement is fixed text with $N parameters; the list varies only
 * by direction, chosen from two fixed strings. */
#include "tickets.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"

#define F(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct ticket, member) }
static const struct store_field ticket_fields[] = {
    F(INT, id),
    F(TEXT, number),
    F(INT, customer_id),
    F(INT, project_id),
    F(INT, equipment_id),
    F(TEXT, region_code),
    F(INT, dealer_id),
    F(TEXT, channel),
    F(TEXT, contact_name),
    F(TEXT, contact_phone),
    F(TEXT, site_address),
    F(TEXT, fault),
    F(INT, called_at),
    F(TEXT, status),
    F(INT, owner_id),
    F(INT, handler_id),
    F(INT, technician_id),
    F(INT, assigned_at),
    F(TEXT, warranty_state),
    F(BOOL, parts_free),
    F(TEXT, warranty_text),
    F(TEXT, sla_clock),
    F(BOOL, sla_pause),
    F(INT, arrived_at),
    F(INT, cleared_at),
    F(INT, substituted_at),
    F(INT, closed_at),
    F(TEXT, diagnosis),
    F(TEXT, work_done),
    F(TEXT, test_result),
    F(TEXT, extra_work),
    F(TEXT, outcome),
    F(INT, labour_fen),
    F(INT, vehicle_cost_fen),
    F(INT, consumables_cost_fen),
    F(TEXT, consumables_reason),
    F(INT, signature_id),
    F(TEXT, signed_by),
    F(INT, signed_at),
    F(INT, customer_delay_seconds),
    F(TEXT, search_text),
    F(INT, created_at),
    F(INT, updated_at),
    F(INT, created_by),
    F(INT, version),
    F(TEXT, customer_name),
    F(TEXT, region_name),
    F(TEXT, owner_name),
    F(TEXT, handler_name),
    F(TEXT, technician_name),
    F(TEXT, serial_no),
    F(TEXT, model),
    F(TEXT, equipment_name),
    F(TEXT, project_name),
    F(TEXT, customer_address),
    F(INT, customer_late_marks),
};
#undef F
#define NFIELDS (sizeof ticket_fields / sizeof ticket_fields[0])

/* In the order of ticket_fields. */
#define TICKET_COLUMNS                                                                             \
  "t.id, t.number, t.customer_id, t.project_id, t.equipment_id, t.region_code, t.dealer_id, "      \
  "t.channel, t.contact_name, t.contact_phone, t.site_address, t.fault, t.called_at, t.status, "   \
  "t.owner_id, t.handler_id, t.technician_id, t.assigned_at, t.warranty_state, t.parts_free, "     \
  "t.warranty_text, t.sla_clock, t.sla_pause, t.arrived_at, t.cleared_at, t.substituted_at, "      \
  "t.closed_at, t.diagnosis, t.work_done, t.test_result, t.extra_work, t.outcome, t.labour_fen, "  \
  "t.vehicle_cost_fen, t.consumables_cost_fen, t.consumables_reason, t.signature_id, "             \
  "t.signed_by, t.signed_at, t.customer_delay_seconds, t.search_text, t.created_at, "              \
  "t.updated_at, t.created_by, t.version, c.name, r.name, uo.display_name, uh.display_name, "      \
  "ut.display_name, e.serial_no, e.model, e.name, p.name, c.address, c.late_marks"

#define TICKET_JOINS                                                                               \
  " JOIN customers c ON c.id = t.customer_id"                                                      \
  " LEFT JOIN regions r ON r.code = t.region_code"                                                 \
  " LEFT JOIN users uo ON uo.id = t.owner_id"                                                      \
  " LEFT JOIN users uh ON uh.id = t.handler_id"                                                    \
  " LEFT JOIN users ut ON ut.id = t.technician_id"                                                 \
  " LEFT JOIN equipment e ON e.id = t.equipment_id"                                                \
  " LEFT JOIN projects p ON p.id = t.project_id"

void ticket_free(struct ticket *t) {
  if (!t)
    return;
  store_fields_free(ticket_fields, NFIELDS, t);
  free(t);
}

void ticket_list_free(struct ticket **list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    ticket_free(list[i]);
  free(list);
}

static struct ticket *ticket_from_row(const struct store_rows *rows, size_t r) {
  struct ticket *t = sh_calloc(1, sizeof *t);
  if (t && !store_rows_fill(rows, r, ticket_fields, NFIELDS, t)) {
    ticket_free(t);
    t = NULL;
  }
  return t;
}

enum sh_status store_ticket_next_seq(struct store_tx *tx, const char *day, int64_t *seq,
                                     struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_TEXT(day)};
  enum sh_status rc = store_exec(tx,
                                 "INSERT INTO ticket_counters (day, last) VALUES ($1, 1) "
                                 "ON CONFLICT (day) DO UPDATE SET last = ticket_counters.last + 1 "
                                 "RETURNING last",
                                 v, 1, &rows, err);
  if (rc == SH_OK)
    *seq = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_ticket_project_site(struct store_tx *tx, int64_t project_id, char **region,
                                         char **address, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(project_id)};
  enum sh_status rc = store_exec(
      tx, "SELECT site_region_code, site_address FROM projects WHERE id = $1", v, 1, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK) {
    *region = store_rows_strdup(rows, 0, 0);
    *address = store_rows_strdup(rows, 0, 1);
    if (!*region || !*address) {
      free(*region);
      free(*address);
      *region = *address = NULL;
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    }
  }
  store_rows_free(rows);
  return rc;
}

static const char *nz(const char *s) {
  return s ? s : "";
}

static struct store_param opt_int(int64_t v) {
  return v ? SP_INT(v) : SP_NULL();
}

enum sh_status store_ticket_insert(struct store_tx *tx, const struct ticket *t, int64_t now,
                                   int64_t *id, struct sh_error *err) {
  struct store_param v[] = {
      SP_TEXT(t->number),
      SP_INT(t->customer_id),
      opt_int(t->project_id),
      opt_int(t->equipment_id),
      SP_TEXT(t->region_code),
      opt_int(t->dealer_id),
      SP_TEXT(t->channel),
      SP_TEXT(nz(t->contact_name)),
      SP_TEXT(nz(t->contact_phone)),
      SP_TEXT(nz(t->site_address)),
      SP_TEXT(t->fault),
      SP_INT(t->called_at),
      SP_TEXT(t->status),
      SP_INT(t->owner_id),
      SP_INT(t->handler_id),
      SP_TEXT(t->warranty_state),
      SP_BOOL(t->parts_free),
      SP_TEXT(nz(t->warranty_text)),
      SP_TEXT(t->sla_clock),
      SP_BOOL(t->sla_pause),
      SP_TEXT(nz(t->search_text)),
      SP_INT(now),
      opt_int(t->created_by),
  };
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(
      tx,
      "INSERT INTO tickets (number, customer_id, project_id, equipment_id, region_code, "
      "dealer_id, channel, contact_name, contact_phone, site_address, fault, called_at, status, "
      "owner_id, handler_id, warranty_state, parts_free, warranty_text, sla_clock, sla_pause, "
      "search_text, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
      "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22, $23) "
      "RETURNING id",
      v, (int)(sizeof v / sizeof v[0]), &rows, err);
  if (rc == SH_OK)
    *id = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

static struct store_param scope_param(int64_t v) {
  return SP_INT(v);
}

enum sh_status store_ticket_get(struct store_tx *tx, int64_t id, const struct ticket_scope *scope,
                                struct ticket **out, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {scope_param(scope->user_id), scope_param(scope->dealer_id),
                            scope_param(scope->customer_id), scope_param(scope->technician_id),
                            SP_INT(id)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT " TICKET_COLUMNS " FROM tickets t" TICKET_JOINS
                                 " WHERE" STORE_TICKET_SCOPE " AND t.id = $5",
                                 v, 5, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK) {
    struct ticket *t = ticket_from_row(rows, 0);
    if (t)
      *out = t;
    else
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_ticket_save(struct store_tx *tx, const struct ticket *t, int64_t now,
                                 struct sh_error *err) {
  struct store_param v[] = {
      SP_INT(t->id),
      SP_INT(t->version),
      opt_int(t->project_id),
      opt_int(t->equipment_id),
      SP_TEXT(t->region_code),
      SP_TEXT(nz(t->contact_name)),
      SP_TEXT(nz(t->contact_phone)),
      SP_TEXT(nz(t->site_address)),
      SP_TEXT(t->fault),
      SP_TEXT(t->status),
      SP_INT(t->handler_id),
      opt_int(t->technician_id),
      opt_int(t->assigned_at),
      SP_TEXT(t->warranty_state),
      SP_BOOL(t->parts_free),
      SP_TEXT(nz(t->warranty_text)),
      opt_int(t->arrived_at),
      opt_int(t->cleared_at),
      opt_int(t->substituted_at),
      opt_int(t->closed_at),
      SP_TEXT(nz(t->diagnosis)),
      SP_TEXT(nz(t->work_done)),
      SP_TEXT(nz(t->test_result)),
      SP_TEXT(nz(t->extra_work)),
      t->outcome ? SP_TEXT(t->outcome) : SP_NULL(),
      SP_INT(t->labour_fen),
      SP_INT(t->vehicle_cost_fen),
      SP_INT(t->consumables_cost_fen),
      SP_TEXT(nz(t->consumables_reason)),
      opt_int(t->signature_id),
      SP_TEXT(nz(t->signed_by)),
      opt_int(t->signed_at),
      SP_INT(t->customer_delay_seconds),
      SP_TEXT(nz(t->search_text)),
      SP_INT(now),
      SP_INT(t->owner_id),
  };
  enum sh_status rc = store_exec(
      tx,
      "UPDATE tickets SET version = version + 1, owner_id = $36, project_id = $3, equipment_id = "
      "$4, "
      "region_code = $5, contact_name = $6, contact_phone = $7, site_address = $8, fault = $9, "
      "status = $10, handler_id = $11, technician_id = $12, assigned_at = $13, "
      "warranty_state = $14, parts_free = $15, warranty_text = $16, arrived_at = $17, "
      "cleared_at = $18, substituted_at = $19, closed_at = $20, diagnosis = $21, "
      "work_done = $22, test_result = $23, extra_work = $24, outcome = $25, labour_fen = $26, "
      "vehicle_cost_fen = $27, consumables_cost_fen = $28, consumables_reason = $29, "
      "signature_id = $30, signed_by = $31, signed_at = $32, customer_delay_seconds = $33, "
      "search_text = $34, updated_at = $35 WHERE id = $1 AND version = $2",
      v, (int)(sizeof v / sizeof v[0]), NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return rc;
}

/* $5 status ('open' = not closed or cancelled), $6 region prefix, $7 technician (-1:
 * unassigned), $8 owner, $9 customer, $10 equipment, $11 due before, $12 LIKE pattern,
 * $16 mine, $17 / $18 called at or after / before (the index tickets_called serves them). */
#define TICKET_FILTERS                                                                             \
  " AND (CAST($5 AS TEXT) IS NULL OR (CAST($5 AS TEXT) = 'open' AND t.status NOT IN "              \
  "('closed', 'cancelled')) OR t.status = CAST($5 AS TEXT))"                                       \
  " AND (CAST($6 AS TEXT) IS NULL OR substr(t.region_code, 1, length(CAST($6 AS TEXT))) = "        \
  "CAST($6 AS TEXT))"                                                                              \
  " AND ($7 = 0 OR ($7 = -1 AND t.technician_id IS NULL) OR t.technician_id = $7)"                 \
  " AND ($8 = 0 OR t.owner_id = $8) AND ($9 = 0 OR t.customer_id = $9)"                            \
  " AND ($10 = 0 OR t.equipment_id = $10)"                                                         \
  " AND ($16 = 0 OR t.owner_id = $16 OR t.handler_id = $16)"                                       \
  " AND ($11 = 0 OR t.id IN (SELECT d.ticket_id FROM ticket_deadlines d WHERE d.active = 1 "       \
  "AND d.due_at < $11))"                                                                           \
  " AND (CAST($12 AS TEXT) IS NULL OR t.search_text LIKE CAST($12 AS TEXT) ESCAPE '!')"            \
  " AND ($17 = 0 OR t.called_at >= $17) AND ($18 = 0 OR t.called_at < $18)"

static const char list_asc[] =
    "SELECT " TICKET_COLUMNS " FROM tickets t" TICKET_JOINS
    " WHERE" STORE_TICKET_SCOPE TICKET_FILTERS " AND t.id > $13 ORDER BY t.id LIMIT $14 OFFSET $15";
static const char list_desc[] =
    "SELECT " TICKET_COLUMNS " FROM tickets t" TICKET_JOINS
    " WHERE" STORE_TICKET_SCOPE TICKET_FILTERS " AND ($13 = 0 OR t.id < $13) ORDER BY t.id DESC"
    " LIMIT $14 OFFSET $15";
/* Counting stops at STORE_TICKET_COUNT_CAP + 1 matches: an exact count of a million
 * tickets is a scan on every page, and no screen pages past 10 000 rows anyway. */
static const char count_sql[] =
    "SELECT count(*) FROM (SELECT 1 FROM tickets t WHERE" STORE_TICKET_SCOPE TICKET_FILTERS
    " AND $13 = $13 AND $14 = $14 AND $15 = $15 LIMIT 10001) AS capped";

enum sh_status store_ticket_list(struct store_tx *tx, const struct ticket_scope *scope,
                                 const struct ticket_filter *f, struct ticket ***out, size_t *count,
                                 int64_t *total, struct sh_error *err) {
  char *pattern = NULL;
  if (f->q && *f->q && !(pattern = store_like_pattern(f->q)))
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  struct store_param v[] = {
      SP_INT(scope->user_id),
      SP_INT(scope->dealer_id),
      SP_INT(scope->customer_id),
      SP_INT(scope->technician_id),
      f->status ? SP_TEXT(f->status) : SP_NULL(),
      f->region_prefix ? SP_TEXT(f->region_prefix) : SP_NULL(),
      SP_INT(f->technician_id),
      SP_INT(f->owner_id),
      SP_INT(f->customer_id),
      SP_INT(f->equipment_id),
      SP_INT(f->due_before),
      pattern ? SP_TEXT(pattern) : SP_NULL(),
      SP_INT(f->after_id),
      SP_INT(f->limit),
      SP_INT(f->offset),
      SP_INT(f->mine_user_id),
      SP_INT(f->called_from),
      SP_INT(f->called_to),
  };
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx, f->descending ? list_desc : list_asc, v, 18, &rows, err);
  struct ticket **list = NULL;
  size_t n = 0, nrows = rows ? store_rows_count(rows) : 0;
  if (rc == SH_OK && !(list = sh_calloc(nrows ? nrows : 1, sizeof *list)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  for (; rc == SH_OK && n < nrows; n++)
    if (!(list[n] = ticket_from_row(rows, n)))
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  store_rows_free(rows);
  rows = NULL;
  if (rc == SH_OK && total) {
    rc = store_exec(tx, count_sql, v, 18, &rows, err);
    if (rc == SH_OK)
      *total = store_rows_int(rows, 0, 0);
    store_rows_free(rows);
  }
  free(pattern);
  if (rc != SH_OK) {
    ticket_list_free(list, n);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}

#define DEADLINE_COLUMNS                                                                           \
  "ticket_id, stage, seq, due_at, warn_at, appraisal_due_at, met_at, warned_at, breached_at, "     \
  "level, next_check_at, note, created_by, created_at, active"
#define D(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct ticket_deadline, member) }
static const struct store_field deadline_fields[] = {
    D(INT, ticket_id),  D(TEXT, stage),        D(INT, seq),
    D(INT, due_at),     D(INT, warn_at),       D(INT, appraisal_due_at),
    D(INT, met_at),     D(INT, warned_at),     D(INT, breached_at),
    D(INT, level),      D(INT, next_check_at), D(TEXT, note),
    D(INT, created_by), D(INT, created_at),    D(BOOL, active),
};
#undef D
#define NDEADLINE (sizeof deadline_fields / sizeof deadline_fields[0])

void ticket_deadlines_free(struct ticket_deadline *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(deadline_fields, NDEADLINE, &list[i]);
  free(list);
}

enum sh_status store_deadline_insert(struct store_tx *tx, const struct ticket_deadline *d,
                                     struct sh_error *err) {
  struct store_param v[] = {
      SP_INT(d->ticket_id),   SP_TEXT(d->stage),         SP_INT(d->seq),
      SP_INT(d->due_at),      SP_INT(d->warn_at),        SP_INT(d->appraisal_due_at),
      opt_int(d->met_at),     opt_int(d->next_check_at), SP_TEXT(nz(d->note)),
      opt_int(d->created_by), SP_INT(d->created_at),
  };
  return store_exec(tx,
                    "INSERT INTO ticket_deadlines (ticket_id, stage, seq, due_at, warn_at, "
                    "appraisal_due_at, met_at, next_check_at, note, created_by, created_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    v, 11, NULL, err);
}

enum sh_status store_deadline_save(struct store_tx *tx, const struct ticket_deadline *d,
                                   struct sh_error *err) {
  struct store_param v[] = {
      SP_INT(d->ticket_id), SP_TEXT(d->stage),         SP_INT(d->seq),
      SP_INT(d->due_at),    SP_INT(d->warn_at),        SP_INT(d->appraisal_due_at),
      opt_int(d->met_at),   opt_int(d->warned_at),     opt_int(d->breached_at),
      SP_INT(d->level),     opt_int(d->next_check_at), SP_TEXT(nz(d->note)),
      SP_BOOL(d->active),
  };
  return store_exec(tx,
                    "UPDATE ticket_deadlines SET due_at = $4, warn_at = $5, "
                    "appraisal_due_at = $6, met_at = $7, warned_at = $8, breached_at = $9, "
                    "level = $10, next_check_at = $11, note = $12, active = $13 "
                    "WHERE ticket_id = $1 AND stage = $2 AND seq = $3",
                    v, 13, NULL, err);
}

enum sh_status store_ticket_lock(struct store_tx *tx, int64_t id, struct sh_error *err) {
  if (store_tx_dialect(tx) != STORE_POSTGRES)
    return SH_OK;
  struct store_param v[] = {SP_INT(id)};
  return store_exec(tx, "SELECT id FROM tickets WHERE id = $1 FOR UPDATE", v, 1, NULL, err);
}

enum sh_status store_deadline_meet(struct store_tx *tx, int64_t ticket_id, const char *stage,
                                   int64_t seq, int64_t at, bool *met, struct sh_error *err) {
  struct store_param v[] = {SP_INT(ticket_id), SP_TEXT(stage), SP_INT(seq), SP_INT(at),
                            SP_BOOL(false)};
  enum sh_status rc = store_exec(tx,
                                 "UPDATE ticket_deadlines SET met_at = $4, next_check_at = NULL, "
                                 "active = $5 WHERE ticket_id = $1 AND stage = $2 AND seq = $3 "
                                 "AND met_at IS NULL",
                                 v, 5, NULL, err);
  if (rc == SH_OK)
    *met = store_changes(tx) > 0;
  return rc;
}

enum sh_status store_deadlines_list(struct store_tx *tx, int64_t ticket_id,
                                    struct ticket_deadline **out, size_t *count,
                                    struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(ticket_id)};
  enum sh_status rc = store_exec(
      tx,
      "SELECT " DEADLINE_COLUMNS " FROM ticket_deadlines WHERE ticket_id = $1 ORDER BY "
      "CASE stage WHEN 'onsite' THEN 0 WHEN 'clear' THEN 1 WHEN 'substitute' THEN 2 ELSE 3 END, "
      "seq",
      v, 1, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, deadline_fields, NDEADLINE, sizeof(struct ticket_deadline),
                             &list, count, err);
  store_rows_free(rows);
  if (rc == SH_OK)
    *out = list;
  return rc;
}

enum sh_status store_ticket_event_add(struct store_tx *tx, int64_t ticket_id, int64_t at,
                                      int64_t actor_id, const char *kind, const char *detail,
                                      struct sh_error *err) {
  struct store_param v[] = {SP_INT(ticket_id), SP_INT(at), opt_int(actor_id), SP_TEXT(kind),
                            SP_TEXT(detail ? detail : "{}")};
  return store_exec(tx,
                    "INSERT INTO ticket_events (ticket_id, at, actor_id, kind, detail) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    v, 5, NULL, err);
}

#define E(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct ticket_event, member) }
static const struct store_field event_fields[] = {
    E(INT, id),          E(INT, ticket_id), E(INT, at),      E(INT, actor_id),
    E(TEXT, actor_name), E(TEXT, kind),     E(TEXT, detail),
};
#undef E
#define NEVENT (sizeof event_fields / sizeof event_fields[0])

void ticket_events_free(struct ticket_event *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(event_fields, NEVENT, &list[i]);
  free(list);
}

enum sh_status store_ticket_events(struct store_tx *tx, int64_t ticket_id,
                                   struct ticket_event **out, size_t *count, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(ticket_id)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT ev.id, ev.ticket_id, ev.at, ev.actor_id, "
                                 "u.display_name, ev.kind, ev.detail FROM ticket_events ev "
                                 "LEFT JOIN users u ON u.id = ev.actor_id "
                                 "WHERE ev.ticket_id = $1 ORDER BY ev.at, ev.id",
                                 v, 1, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, event_fields, NEVENT, sizeof(struct ticket_event), &list, count,
                             err);
  store_rows_free(rows);
  if (rc == SH_OK)
    *out = list;
  return rc;
}

void technician_loads_free(struct technician_load *list, size_t count) {
  for (size_t i = 0; list && i < count; i++) {
    free(list[i].username);
    free(list[i].display_name);
    free(list[i].phone);
  }
  free(list);
}

enum sh_status store_technician_loads(struct store_tx *tx, int64_t viewer_id,
                                      const char *region_code, int64_t at_risk_before,
                                      struct technician_load **out, size_t *count,
                                      struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {region_code ? SP_TEXT(region_code) : SP_NULL(), SP_INT(at_risk_before),
                            SP_INT(viewer_id)};
  enum sh_status rc = store_exec(
      tx,
      "SELECT u.id, u.username, u.display_name, u.phone, "
      "(SELECT count(*) FROM tickets t WHERE t.technician_id = u.id AND t.status NOT IN "
      "('closed', 'cancelled')), "
      "(SELECT count(*) FROM tickets t WHERE t.technician_id = u.id AND t.status NOT IN "
      "('closed', 'cancelled') AND EXISTS (SELECT 1 FROM ticket_deadlines d WHERE "
      "d.ticket_id = t.id AND d.met_at IS NULL AND d.due_at < $2)) "
      "FROM users u WHERE u.role = 'technician' AND u.active = 1 AND (CASE WHEN CAST($1 AS TEXT) "
      "IS NULL THEN EXISTS (SELECT 1 FROM user_regions tr JOIN user_regions vr ON vr.user_id = $3 "
      "WHERE tr.user_id = u.id AND (substr(tr.prefix, 1, length(vr.prefix)) = vr.prefix OR "
      "substr(vr.prefix, 1, length(tr.prefix)) = tr.prefix)) ELSE EXISTS (SELECT 1 FROM "
      "user_regions ur WHERE ur.user_id = u.id AND substr(CAST($1 AS TEXT), 1, "
      "length(ur.prefix)) = ur.prefix) END) ORDER BY 5, u.id LIMIT 500",
      v, 3, &rows, err);
  size_t n = rc == SH_OK ? store_rows_count(rows) : 0, i = 0;
  struct technician_load *list = NULL;
  if (rc == SH_OK && !(list = sh_calloc(n ? n : 1, sizeof *list)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  for (; rc == SH_OK && i < n; i++) {
    list[i].user_id = store_rows_int(rows, i, 0);
    list[i].username = store_rows_strdup(rows, i, 1);
    list[i].display_name = store_rows_strdup(rows, i, 2);
    list[i].phone = store_rows_strdup(rows, i, 3);
    list[i].open_tickets = store_rows_int(rows, i, 4);
    list[i].at_risk = store_rows_int(rows, i, 5);
    if (!list[i].username || !list[i].display_name || !list[i].phone)
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  store_rows_free(rows);
  if (rc != SH_OK) {
    technician_loads_free(list, n);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}
