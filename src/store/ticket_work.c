/* ticket_work.c — parts, loans, appointments, delays, receipts and attachment descriptions
 * of tickets in SQL (see ticket_work.h). Each kind is described once: its columns and a
 * field table that fills its struct. */
#include "ticket_work.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "tickets.h"

#define P(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct ticket_part, member) }
static const struct store_field part_fields[] = {
    P(INT, id),
    P(INT, ticket_id),
    P(TEXT, name),
    P(TEXT, part_no),
    P(INT, quantity),
    P(INT, unit_price_fen),
    P(BOOL, free),
    P(INT, line_fen),
    P(TEXT, faulty_serial),
    P(TEXT, replacement_serial),
    P(INT, created_by),
    P(INT, created_at),
};
#undef P
#define L(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct spare_loan, member) }
static const struct store_field loan_fields[] = {
    L(INT, id),
    L(INT, ticket_id),
    L(INT, equipment_id),
    L(TEXT, faulty_serial),
    L(TEXT, spare_serial),
    L(TEXT, spare_model),
    L(INT, lent_at),
    L(INT, returned_at),
    L(TEXT, note),
    L(INT, created_by),
    L(INT, created_at),
    L(INT, updated_at),
    L(INT, version),
    L(TEXT, ticket_number),
};
#undef L
#define A(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct ticket_appointment, member) }
static const struct store_field appointment_fields[] = {
    A(INT, id),         A(INT, ticket_id), A(INT, technician_id), A(INT, starts_at),
    A(INT, ends_at),    A(INT, phoned_at), A(TEXT, agreed_with),  A(TEXT, status),
    A(TEXT, note),      A(INT, sequence),  A(INT, created_by),    A(INT, created_at),
    A(INT, updated_at),
};
#undef A
#define DL(type, member)                                                                           \
  { STORE_F_##type, offsetof(struct ticket_delay, member) }
static const struct store_field delay_fields[] = {
    DL(INT, id),           DL(INT, ticket_id),  DL(TEXT, party),
    DL(INT, from_at),      DL(INT, to_at),      DL(TEXT, reason),
    DL(BOOL, rescheduled), DL(INT, created_by), DL(INT, created_at),
};
#undef DL
#define R(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct ticket_receipt, member) }
static const struct store_field receipt_fields[] = {
    R(INT, id),         R(INT, ticket_id),      R(TEXT, receipt_no),    R(TEXT, returned_on),
    R(TEXT, signed_by), R(INT, satisfied),      R(TEXT, note),          R(INT, created_by),
    R(INT, created_at), R(TEXT, ticket_number), R(TEXT, customer_name),
};
#undef R
#define AT(type, member)                                                                           \
  { STORE_F_##type, offsetof(struct attachment_info, member) }
static const struct store_field attachment_fields[] = {
    AT(INT, id),         AT(TEXT, owner_kind),   AT(INT, owner_id), AT(TEXT, kind),
    AT(TEXT, name),      AT(TEXT, content_type), AT(INT, size),     AT(TEXT, sha256),
    AT(INT, created_by), AT(INT, created_at),
};
#undef AT

struct kind_desc {
  const struct store_field *fields;
  size_t nfields;
  size_t size;
  const char *sql; /* $1 ticket id */
};
#define KIND(f, type, sql)                                                                         \
  { f, sizeof f / sizeof f[0], sizeof(struct type), sql }
static const struct kind_desc kinds[WORK_KIND_COUNT] = {
    [WORK_PART] = KIND(part_fields, ticket_part,
                       "SELECT id, ticket_id, name, part_no, quantity, unit_price_fen, free, "
                       "line_fen, faulty_serial, replacement_serial, created_by, created_at "
                       "FROM ticket_parts WHERE ticket_id = $1 ORDER BY id"),
    [WORK_LOAN] = KIND(loan_fields, spare_loan,
                       "SELECT l.id, l.ticket_id, l.equipment_id, l.faulty_serial, "
                       "l.spare_serial, l.spare_model, l.lent_at, l.returned_at, l.note, "
                       "l.created_by, l.created_at, l.updated_at, l.version, t.number "
                       "FROM spare_loans l JOIN tickets t ON t.id = l.ticket_id "
                       "WHERE l.ticket_id = $1 ORDER BY l.id"),
    [WORK_APPOINTMENT] = KIND(appointment_fields, ticket_appointment,
                              "SELECT id, ticket_id, technician_id, starts_at, ends_at, "
                              "phoned_at, agreed_with, status, note, sequence, created_by, "
                              "created_at, updated_at FROM ticket_appointments "
                              "WHERE ticket_id = $1 ORDER BY id"),
    [WORK_DELAY] = KIND(delay_fields, ticket_delay,
                        "SELECT id, ticket_id, party, from_at, to_at, reason, rescheduled, "
                        "created_by, created_at FROM ticket_delays WHERE ticket_id = $1 "
                        "ORDER BY id"),
    [WORK_RECEIPT] = KIND(receipt_fields, ticket_receipt,
                          "SELECT r.id, r.ticket_id, r.receipt_no, r.returned_on, r.signed_by, "
                          "COALESCE(r.satisfied, -1), r.note, r.created_by, r.created_at, "
                          "t.number, c.name FROM receipts r JOIN tickets t ON t.id = "
                          "r.ticket_id JOIN customers c ON c.id = t.customer_id "
                          "WHERE r.ticket_id = $1"),
    [WORK_ATTACHMENT] = KIND(attachment_fields, attachment_info,
                             "SELECT id, owner_kind, owner_id, kind, name, content_type, size, "
                             "sha256, created_by, created_at FROM attachments "
                             "WHERE owner_kind = 'ticket' AND owner_id = $1 ORDER BY id"),
};

void work_list_free(enum work_kind kind, void *list, size_t count) {
  const struct kind_desc *k = &kinds[kind];
  store_list_free(k->fields, k->nfields, k->size, list, count);
}

/* Runs sql and fills an array of the kind's structs. */
static enum sh_status fetch(struct store_tx *tx, enum work_kind kind, const char *sql,
                            const struct store_param *params, int nparams, void **out,
                            size_t *count, struct sh_error *err) {
  const struct kind_desc *k = &kinds[kind];
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx, sql, params, nparams, &rows, err);
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, k->fields, k->nfields, k->size, out, count, err);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_work_list(struct store_tx *tx, enum work_kind kind, int64_t ticket_id,
                               void **out, size_t *count, struct sh_error *err) {
  struct store_param v[] = {SP_INT(ticket_id)};
  return fetch(tx, kind, kinds[kind].sql, v, 1, out, count, err);
}

static const char *nz(const char *s) {
  return s ? s : "";
}

static struct store_param opt_int(int64_t v) {
  return v ? SP_INT(v) : SP_NULL();
}

/* Runs an INSERT ... RETURNING id. */
static enum sh_status insert(struct store_tx *tx, const char *sql, const struct store_param *v,
                             int n, int64_t *id, struct sh_error *err) {
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx, sql, v, n, &rows, err);
  if (rc == SH_OK && id)
    *id = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_part_insert(struct store_tx *tx, const struct ticket_part *p, int64_t *id,
                                 struct sh_error *err) {
  struct store_param v[] = {
      SP_INT(p->ticket_id),
      SP_TEXT(p->name),
      SP_TEXT(nz(p->part_no)),
      SP_INT(p->quantity),
      SP_INT(p->unit_price_fen),
      SP_BOOL(p->free),
      SP_INT(p->line_fen),
      SP_TEXT(nz(p->faulty_serial)),
      SP_TEXT(nz(p->replacement_serial)),
      opt_int(p->created_by),
      SP_INT(p->created_at),
  };
  return insert(tx,
                "INSERT INTO ticket_parts (ticket_id, name, part_no, quantity, unit_price_fen, "
                "free, line_fen, faulty_serial, replacement_serial, created_by, created_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                v, 11, id, err);
}

enum sh_status store_loan_insert(struct store_tx *tx, const struct spare_loan *l, int64_t *id,
                                 struct sh_error *err) {
  struct store_param v[] = {
      SP_INT(l->ticket_id),     opt_int(l->equipment_id), SP_TEXT(nz(l->faulty_serial)),
      SP_TEXT(l->spare_serial), SP_TEXT(l->spare_model),  SP_INT(l->lent_at),
      SP_TEXT(nz(l->note)),     opt_int(l->created_by),   SP_INT(l->created_at),
  };
  return insert(tx,
                "INSERT INTO spare_loans (ticket_id, equipment_id, faulty_serial, spare_serial, "
                "spare_model, lent_at, note, created_by, created_at, updated_at) VALUES ($1, "
                "$2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
                v, 9, id, err);
}

enum sh_status store_loan_return(struct store_tx *tx, int64_t ticket_id, int64_t loan_id,
                                 int64_t returned_at, int64_t now, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(ticket_id), SP_INT(loan_id), SP_INT(returned_at), SP_INT(now)};
  enum sh_status rc = store_exec(
      tx, "SELECT returned_at, lent_at FROM spare_loans WHERE ticket_id = $1 AND id = $2", v, 2,
      &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", "loan_id", NULL);
  else if (rc == SH_OK && !store_rows_null(rows, 0, 0))
    rc = sh_fail(err, SH_ERR_CONFLICT, "already_returned", "loan_id", NULL);
  else if (rc == SH_OK && returned_at < store_rows_int(rows, 0, 1))
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "returned_at", NULL);
  store_rows_free(rows);
  /* "AND returned_at IS NULL": on PostgreSQL two returns may both have read the loan open;
   * the second UPDATE waits for the first and then finds nothing to change. */
  if (rc == SH_OK)
    rc = store_exec(tx,
                    "UPDATE spare_loans SET returned_at = $3, updated_at = $4, version = "
                    "version + 1 WHERE ticket_id = $1 AND id = $2 AND returned_at IS NULL",
                    v, 4, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "already_returned", "loan_id", NULL);
  return rc;
}

enum sh_status store_appointment_insert(struct store_tx *tx, const struct ticket_appointment *a,
                                        int64_t *id, struct sh_error *err) {
  struct store_param v[] = {
      SP_INT(a->ticket_id), SP_INT(a->technician_id), SP_INT(a->starts_at),
      SP_INT(a->ends_at),   SP_INT(a->phoned_at),     SP_TEXT(nz(a->agreed_with)),
      SP_TEXT(nz(a->note)), opt_int(a->created_by),   SP_INT(a->created_at),
  };
  return insert(tx,
                "INSERT INTO ticket_appointments (ticket_id, technician_id, starts_at, ends_at, "
                "phoned_at, agreed_with, status, note, created_by, created_at, updated_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, 'agreed', $7, $8, $9, $9) RETURNING id",
                v, 9, id, err);
}

enum sh_status store_appointments_reschedule(struct store_tx *tx, int64_t ticket_id, int64_t now,
                                             struct sh_error *err) {
  return store_appointments_finish(tx, ticket_id, "rescheduled", now, err);
}

enum sh_status store_appointments_finish(struct store_tx *tx, int64_t ticket_id, const char *status,
                                         int64_t now, struct sh_error *err) {
  struct store_param v[] = {SP_INT(ticket_id), SP_TEXT(status), SP_INT(now)};
  return store_exec(tx,
                    "UPDATE ticket_appointments SET status = $2, sequence = sequence + 1, "
                    "updated_at = $3 WHERE ticket_id = $1 AND status = 'agreed'",
                    v, 3, NULL, err);
}

enum sh_status store_delay_insert(struct store_tx *tx, const struct ticket_delay *d, int64_t *id,
                                  struct sh_error *err) {
  struct store_param v[] = {
      SP_INT(d->ticket_id),   SP_TEXT(d->party),      SP_INT(d->from_at),
      SP_INT(d->to_at),       SP_TEXT(nz(d->reason)), SP_BOOL(d->rescheduled),
      opt_int(d->created_by), SP_INT(d->created_at),
  };
  return insert(tx,
                "INSERT INTO ticket_delays (ticket_id, party, from_at, to_at, reason, "
                "rescheduled, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                "RETURNING id",
                v, 8, id, err);
}

enum sh_status store_customer_mark_late(struct store_tx *tx, int64_t customer_id,
                                        struct sh_error *err) {
  struct store_param v[] = {SP_INT(customer_id)};
  return store_exec(tx, "UPDATE customers SET late_marks = late_marks + 1 WHERE id = $1", v, 1,
                    NULL, err);
}

enum sh_status store_receipt_insert(struct store_tx *tx, const struct ticket_receipt *r,
                                    const char *search_text, int64_t *id, struct sh_error *err) {
  struct store_param v[] = {
      SP_INT(r->ticket_id),
      SP_TEXT(nz(r->receipt_no)),
      SP_TEXT(r->returned_on),
      SP_TEXT(nz(r->signed_by)),
      r->satisfied < 0 ? SP_NULL() : SP_INT(r->satisfied),
      SP_TEXT(nz(r->note)),
      SP_TEXT(nz(search_text)),
      opt_int(r->created_by),
      SP_INT(r->created_at),
  };
  enum sh_status rc =
      insert(tx,
             "INSERT INTO receipts (ticket_id, receipt_no, returned_on, signed_by, satisfied, "
             "note, search_text, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
             "$8, $9) RETURNING id",
             v, 9, id, err);
  if (rc == SH_ERR_CONFLICT && strcmp(err->code, "duplicate") == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "duplicate", "ticket_id", NULL);
  return rc;
}

#define RECEIPT_SCOPE                                                                              \
  STORE_TICKET_SCOPE " AND (CAST($5 AS TEXT) IS NULL OR r.search_text LIKE CAST($5 AS TEXT) "      \
                     "ESCAPE '!')"

enum sh_status store_receipt_search(struct store_tx *tx, const struct ticket_scope *scope,
                                    const char *q, int64_t before_id, int64_t limit, int64_t offset,
                                    struct ticket_receipt **out, size_t *count, int64_t *total,
                                    struct sh_error *err) {
  char *pattern = NULL;
  if (q && *q && !(pattern = store_like_pattern(q)))
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  struct store_param v[] = {
      SP_INT(scope->user_id),
      SP_INT(scope->dealer_id),
      SP_INT(scope->customer_id),
      SP_INT(scope->technician_id),
      pattern ? SP_TEXT(pattern) : SP_NULL(),
      SP_INT(limit),
      SP_INT(offset),
      SP_INT(before_id),
  };
  void *list = NULL;
  enum sh_status rc =
      fetch(tx, WORK_RECEIPT,
            "SELECT r.id, r.ticket_id, r.receipt_no, r.returned_on, "
            "r.signed_by, COALESCE(r.satisfied, -1), r.note, r.created_by, "
            "r.created_at, t.number, c.name FROM receipts r JOIN tickets t ON "
            "t.id = r.ticket_id JOIN customers c ON c.id = t.customer_id WHERE" RECEIPT_SCOPE
            " AND ($8 = 0 OR r.id < $8) ORDER BY r.id DESC LIMIT $6 OFFSET $7",
            v, 8, &list, count, err);
  struct store_rows *rows = NULL;
  if (rc == SH_OK)
    rc = store_exec(tx,
                    "SELECT count(*) FROM receipts r JOIN tickets t ON t.id = r.ticket_id "
                    "WHERE" RECEIPT_SCOPE,
                    v, 5, &rows, err);
  if (rc == SH_OK)
    *total = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  free(pattern);
  if (rc != SH_OK) {
    work_list_free(WORK_RECEIPT, list, list ? *count : 0);
    return rc;
  }
  *out = list;
  return SH_OK;
}

enum sh_status store_unit_parts(struct store_tx *tx, int64_t equipment_id, struct ticket_part **out,
                                size_t *count, struct sh_error *err) {
  struct store_param v[] = {SP_INT(equipment_id)};
  void *list = NULL;
  enum sh_status rc =
      fetch(tx, WORK_PART,
            "SELECT p.id, p.ticket_id, p.name, p.part_no, p.quantity, p.unit_price_fen, p.free, "
            "p.line_fen, p.faulty_serial, p.replacement_serial, p.created_by, p.created_at FROM "
            "ticket_parts p JOIN tickets t ON t.id = p.ticket_id WHERE t.equipment_id = $1 "
            "ORDER BY p.id",
            v, 1, &list, count, err);
  if (rc == SH_OK)
    *out = list;
  return rc;
}

enum sh_status store_unit_loans(struct store_tx *tx, int64_t equipment_id, struct spare_loan **out,
                                size_t *count, struct sh_error *err) {
  struct store_param v[] = {SP_INT(equipment_id)};
  void *list = NULL;
  enum sh_status rc =
      fetch(tx, WORK_LOAN,
            "SELECT l.id, l.ticket_id, l.equipment_id, l.faulty_serial, l.spare_serial, "
            "l.spare_model, l.lent_at, l.returned_at, l.note, l.created_by, l.created_at, "
            "l.updated_at, l.version, t.number FROM spare_loans l JOIN tickets t ON t.id = "
            "l.ticket_id WHERE l.equipment_id = $1 OR t.equipment_id = $1 ORDER BY l.id",
            v, 1, &list, count, err);
  if (rc == SH_OK)
    *out = list;
  return rc;
}
