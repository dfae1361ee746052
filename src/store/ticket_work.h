/* ticket_work.h — the records a ticket gathers in the field and at the desk, in SQL: parts
 * used (B3), spare-unit loans (C2), appointments and delays (C3), after-sales receipts (C6)
 * and the attachments' descriptions (SPEC C1-C7; tables of migration 0004). */
#ifndef SHOUHOU_STORE_TICKET_WORK_H
#define SHOUHOU_STORE_TICKET_WORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct ticket_part {
  int64_t id, ticket_id;
  char *name, *part_no;
  int64_t quantity, unit_price_fen;
  bool free;
  int64_t line_fen;
  char *faulty_serial, *replacement_serial;
  int64_t created_by, created_at;
};

struct spare_loan {
  int64_t id, ticket_id, equipment_id;
  char *faulty_serial, *spare_serial, *spare_model;
  int64_t lent_at, returned_at;
  char *note;
  int64_t created_by, created_at, updated_at, version;
  char *ticket_number; /* joined */
};

struct ticket_appointment {
  int64_t id, ticket_id, technician_id, starts_at, ends_at, phoned_at;
  char *agreed_with, *status, *note;
  int64_t sequence, created_by, created_at, updated_at;
};

struct ticket_delay {
  int64_t id, ticket_id;
  char *party;
  int64_t from_at, to_at;
  char *reason;
  bool rescheduled;
  int64_t created_by, created_at;
};

struct ticket_receipt {
  int64_t id, ticket_id;
  char *receipt_no, *returned_on, *signed_by;
  int64_t satisfied; /* -1 not ticked, 0 no, 1 yes */
  char *note;
  int64_t created_by, created_at;
  char *ticket_number, *customer_name; /* joined */
};

struct attachment_info {
  int64_t id;
  char *owner_kind;
  int64_t owner_id;
  char *kind, *name, *content_type;
  int64_t size;
  char *sha256;
  int64_t created_by, created_at;
};

/* One kind of record: its rows as an array of structs. */
enum work_kind {
  WORK_PART,
  WORK_LOAN,
  WORK_APPOINTMENT,
  WORK_DELAY,
  WORK_RECEIPT,
  WORK_ATTACHMENT,
  WORK_KIND_COUNT
};
/* Every record of the kind for a ticket (attachments: owner_kind 'ticket'), oldest first.
 * *out is an array of the kind's struct; free with work_list_free. */
enum sh_status store_work_list(struct store_tx *tx, enum work_kind kind, int64_t ticket_id,
                               void **out, size_t *count, struct sh_error *err);
void work_list_free(enum work_kind kind, void *list, size_t count);

enum sh_status store_part_insert(struct store_tx *tx, const struct ticket_part *p, int64_t *id,
                                 struct sh_error *err);
enum sh_status store_loan_insert(struct store_tx *tx, const struct spare_loan *l, int64_t *id,
                                 struct sh_error *err);
/* Marks a loan of the ticket returned; 404 not_found if the ticket has no such loan, 409
 * already_returned if it came back before, 422 invalid_time if returned_at is before the
 * loan began. */
enum sh_status store_loan_return(struct store_tx *tx, int64_t ticket_id, int64_t loan_id,
                                 int64_t returned_at, int64_t now, struct sh_error *err);
enum sh_status store_appointment_insert(struct store_tx *tx, const struct ticket_appointment *a,
                                        int64_t *id, struct sh_error *err);
/* The ticket's agreed appointments become "rescheduled" (sequence bumped). */
enum sh_status store_appointments_reschedule(struct store_tx *tx, int64_t ticket_id, int64_t now,
                                             struct sh_error *err);
/* The ticket's agreed appointments become status ("done" on arrival, "cancelled"). */
enum sh_status store_appointments_finish(struct store_tx *tx, int64_t ticket_id, const char *status,
                                         int64_t now, struct sh_error *err);
enum sh_status store_delay_insert(struct store_tx *tx, const struct ticket_delay *d, int64_t *id,
                                  struct sh_error *err);
/* Adds one to the customer's late marks (work plan 3 §三.2). */
enum sh_status store_customer_mark_late(struct store_tx *tx, int64_t customer_id,
                                        struct sh_error *err);
/* 409 duplicate naming ticket_id when the ticket already has its receipt. */
enum sh_status store_receipt_insert(struct store_tx *tx, const struct ticket_receipt *r,
                                    const char *search_text, int64_t *id, struct sh_error *err);

/* Receipts whose folded search text holds q (NULL: all), newest first (before_id > 0: only
 * older than that receipt, for cursors), within the ticket
 * scope parameters of store/tickets.h (user, dealer, customer, technician). */
struct ticket_scope;
enum sh_status store_receipt_search(struct store_tx *tx, const struct ticket_scope *scope,
                                    const char *q, int64_t before_id, int64_t limit, int64_t offset,
                                    struct ticket_receipt **out, size_t *count, int64_t *total,
                                    struct sh_error *err);

/* A unit's part changes and loans across all its tickets, for its service history. */
enum sh_status store_unit_parts(struct store_tx *tx, int64_t equipment_id, struct ticket_part **out,
                                size_t *count, struct sh_error *err);
enum sh_status store_unit_loans(struct store_tx *tx, int64_t equipment_id, struct spare_loan **out,
                                size_t *count, struct sh_error *err);

#endif
