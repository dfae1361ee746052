/* ticket_internal.h — what ticket.c (intake, reading, the workflow) and ticket_work.c (the
 * records the field and the desk add) share. Not for other modules. */
#ifndef SHOUHOU_DOMAIN_TICKET_INTERNAL_H
#define SHOUHOU_DOMAIN_TICKET_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../store/ticket_work.h"
#include "../store/tickets.h"
#include "actor.h"
#include "app.h"
#include "ticket.h"

/* One action in its unit of work. */
struct ticket_ctx {
  struct app *app;
  const struct actor *actor;
  struct store_tx *tx;
  int64_t now;
  struct ticket *t; /* loaded within the caller's scope; saved when save is set */
  json_t *body;     /* the request */
  json_t *detail;   /* the timeline event's detail, filled by the action (owned) */
  bool save;        /* the ticket's row changed */
};

/* The tickets the actor may see (store/tickets.h scope). */
struct ticket_scope ticket_scope_of(const struct actor *actor);

/* A ticket closed or cancelled takes no more field work: 409 ticket_closed. */
enum sh_status ticket_require_open(const struct ticket *t, struct sh_error *err);

/* Checks the body's "version" against the ticket's (409 stale_version) and makes the save
 * conditional on it. */
enum sh_status ticket_require_version(struct ticket_ctx *c, int64_t version, struct sh_error *err);

/* Marks the stage met at `at` if it is not met yet (and stops watching it). */
enum sh_status ticket_meet(struct ticket_ctx *c, const char *stage, int64_t seq, int64_t at,
                           struct sh_error *err);

/* Recomputes the three stage deadlines from the call and the customer delays recorded so
 * far (after a customer delay is added). */
enum sh_status ticket_recompute(struct ticket_ctx *c, struct sh_error *err);

/* "2026-11-29 09:30" in the company's zone. */
void ticket_local_text(int64_t utc, int tz_offset_minutes, char out[20]);

/* The ticket's own fields as JSON (NULL when out of memory); internal: staff see the
 * company's own costs, dealers and customers do not. */
json_t *ticket_fields_json(const struct ticket *t, int tz, bool internal);
bool ticket_internal_view(const struct actor *actor);

/* The folded text the ticket search looks in: number, customer, contact, phone, serial,
 * fault. *out is a new string. */
enum sh_status ticket_search_text(const struct ticket *t, const char *customer_name,
                                  const char *serial, char **out, struct sh_error *err);

/* Sets t's warranty fields from the unit's warranty on the local day of `at` (SPEC B2,
 * B3). */
struct equipment;
enum sh_status ticket_warranty_on(struct store_tx *tx, const struct equipment *e, int64_t at,
                                  int tz, struct ticket *t, struct sh_error *err);

/* Stops watching every unmet deadline (the ticket is closed or cancelled); a breach
 * already recorded stays on the record. */
enum sh_status ticket_stop_watching(struct ticket_ctx *c, struct sh_error *err);

/* The records of ticket_work.c, run inside the unit. */
enum sh_status ticket_work_act(struct ticket_ctx *c, enum ticket_action action,
                               struct sh_error *err);

/* Adds the ticket's records (parts and bill, loans, appointments, delays, receipt,
 * attachments) to obj, as ticket_get shows them. */
enum sh_status ticket_work_json(struct store_tx *tx, const struct ticket *t, int tz, bool internal,
                                json_t *obj, struct sh_error *err);

/* Decodes body by a field table (jsonx), failing with the field named. */
struct jfield;
enum sh_status ticket_decode(json_t *body, const struct jfield *fields, size_t n, void *target,
                             struct sh_error *err);

#endif
