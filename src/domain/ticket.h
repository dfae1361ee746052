/* ticket.h — service tickets from the first call to the confirmed repair (SPEC C1-C7, B3).
 *
 * Intake registers a fault against a customer (and, when known, a unit): a number people
 * can read over the phone (SH-20261128-0007, the local day of the call and its sequence),
 * the agent who took the call as its owner to the end (首问负责, work plan 2 §二.2 — a
 * hand-over changes the handler, never the owner), the unit's warranty on the day of the
 * call (B2, B3: parts free or charged) and the 24/48/72 deadlines (ticket_sla.h). Then:
 * assign a technician (dispatch, C3) → arrive → clear (or put a spare unit in) → close with
 * an outcome (C7). Every change is one unit of work with its timeline event and audit row;
 * a notification goes through the outbox in the same unit.
 *
 * Visibility: the caller's region grants on the ticket's site region; a technician sees the
 * tickets assigned to them, a dealer its customers', a customer its own. Outside: 404. */
#ifndef SHOUHOU_DOMAIN_TICKET_H
#define SHOUHOU_DOMAIN_TICKET_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../store/tickets.h"
#include "actor.h"
#include "app.h"

struct ticket_intake {
  int64_t customer_id;
  int64_t equipment_id; /* 0: not known yet */
  const char *channel;  /* dictionary ticket_channel; NULL: hotline */
  const char *fault;    /* required */
  const char *contact_name, *contact_phone, *site_address; /* NULL: from the customer */
  int64_t called_at;                                       /* 0: now */
};

/* Registers a fault. *out: the ticket as ticket_get returns it. A dealer registers only for
 * its customers, a customer only for itself (the scope: 422 unknown_customer otherwise). */
enum sh_status ticket_create(struct app *app, const struct actor *actor,
                             const struct ticket_intake *in, const char *idempotency_key,
                             json_t **out, bool *replayed, struct sh_error *err);

/* The same inside the caller's unit, for work another record causes (a defect found on a
 * return visit becomes corrective work at once, SPEC D1): no idempotency key; *id gets the
 * new ticket's id. The dispatchers are told in the same unit. */
enum sh_status ticket_create_in(struct store_tx *tx, struct app *app, const struct actor *actor,
                                const struct ticket_intake *in, int64_t *id, struct sh_error *err);

/* The ticket with its deadlines (state, overdue), parts, bill, spare loans, appointments,
 * delays, promises, receipt and attachments. */
enum sh_status ticket_get(struct app *app, const struct actor *actor, int64_t id, json_t **out,
                          struct sh_error *err);

/* A page of tickets (summary rows with their next deadline). */
enum sh_status ticket_list(struct app *app, const struct actor *actor, struct ticket_filter *filter,
                           json_t **items, int64_t *total, struct sh_error *err);

/* Every event in order with who and when. */
enum sh_status ticket_timeline(struct app *app, const struct actor *actor, int64_t id, json_t **out,
                               struct sh_error *err);

/* The actions. body is the request's JSON object, decoded here by each action's field
 * table (ticket_work.c). Actions that change the ticket's own fields require "version",
 * the one the caller read (409 stale_version when another change came first); actions that
 * only add a record (appointment, delay, part, loan, promise, receipt, signature) do not.
 * *out gets the ticket again. */
enum ticket_action {
  TICKET_ASSIGN,       /* {technician_id, note?}: dispatch (C3) */
  TICKET_HANDOVER,     /* {handler_id, note?}: the owner stays */
  TICKET_ARRIVE,       /* {at?}: technician on site, meets the onsite deadline */
  TICKET_RECORD,       /* {diagnosis?, work_done?, test_result?, extra_work?, labour_fen?,
                          vehicle_cost_fen?, consumables_cost_fen?, consumables_reason?} (C4) */
  TICKET_CLEAR,        /* {at?}: fault cleared: meets clear and substitute */
  TICKET_CLOSE,        /* {outcome}: C7 */
  TICKET_CANCEL,       /* {reason} */
  TICKET_UNIT,         /* {equipment_id}: the unit identified later; warranty recomputed */
  TICKET_APPOINTMENT,  /* {starts_at, ends_at?, agreed_with?, phoned_at?, note?} (C3) */
  TICKET_DELAY,        /* {party, from, to, reason?, reschedule_to?} (C3) */
  TICKET_PART,         /* {name, part_no?, quantity, unit_price_fen, faulty_serial?,
                          replacement_serial?} (B3, C4) */
  TICKET_LOAN,         /* {spare_serial, spare_model, lent_at?, note?}: spare unit in (C2) */
  TICKET_LOAN_RETURN,  /* {loan_id, returned_at?}: the repaired unit went back */
  TICKET_PROMISE,      /* {due_at, note}: a promised reply (C5) */
  TICKET_PROMISE_KEPT, /* {seq}: the reply was given */
  TICKET_RECEIPT,      /* {receipt_no?, returned_on, signed_by?, satisfied?, note?} (C6) */
  TICKET_SIGN,         /* {signed_by, png: base64}: the customer's signature */
  TICKET_ESCALATE,     /* {reason}: a demand the desk cannot meet goes up (C5, §四.4) */
  TICKET_ACTION_COUNT
};
enum sh_status ticket_act(struct app *app, const struct actor *actor, int64_t id,
                          enum ticket_action action, json_t *body, json_t **out,
                          struct sh_error *err);

/* "assign" ... "sign". */
const char *ticket_action_name(enum ticket_action action);

/* The dispatch board: technicians covering region (NULL: the caller's whole scope) with
 * their open tickets and those at risk (a deadline within the warning lead). */
enum sh_status ticket_technicians(struct app *app, const struct actor *actor,
                                  const char *region_code, json_t **out, struct sh_error *err);

/* The service history of a unit: its tickets, part changes and spare loans (by unit id). */
enum sh_status ticket_unit_history(struct app *app, const struct actor *actor, int64_t equipment_id,
                                   json_t **out, struct sh_error *err);

/* After-sales receipts returned by customers, searched by receipt number, ticket number,
 * customer or signer (C6). */
enum sh_status ticket_receipts(struct app *app, const struct actor *actor, const char *q,
                               int64_t before_id, int64_t limit, int64_t offset, json_t **items,
                               int64_t *total, struct sh_error *err);

/* The service report (服务报告) PDF of a ticket: bytes the caller frees, and a file name. */
enum sh_status ticket_report_pdf(struct app *app, const struct actor *actor, int64_t id,
                                 unsigned char **pdf, size_t *len, char *name, size_t name_size,
                                 struct sh_error *err);

#endif
