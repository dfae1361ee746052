/* tickets.h — service tickets, their deadlines and their timeline in the database (SPEC
 * C1-C7; tables of migration 0004). The domain loads a ticket, changes it and saves it
 * back under its version; every query applies the caller's scope. */
#ifndef SHOUHOU_STORE_TICKETS_H
#define SHOUHOU_STORE_TICKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct ticket {
  int64_t id;
  char *number;
  int64_t customer_id, project_id, equipment_id;
  char *region_code;
  int64_t dealer_id;
  char *channel, *contact_name, *contact_phone, *site_address, *fault;
  int64_t called_at;
  char *status; /* new assigned on_site cleared closed cancelled */
  int64_t owner_id, handler_id, technician_id, assigned_at;
  char *warranty_state;
  bool parts_free;
  char *warranty_text, *sla_clock;
  bool sla_pause;
  int64_t arrived_at, cleared_at, substituted_at, closed_at;
  char *diagnosis, *work_done, *test_result, *extra_work, *outcome;
  int64_t labour_fen, vehicle_cost_fen, consumables_cost_fen;
  char *consumables_reason;
  int64_t signature_id;
  char *signed_by;
  int64_t signed_at, customer_delay_seconds;
  char *search_text;
  int64_t created_at, updated_at, created_by, version;
  /* Joined, read-only. */
  char *customer_name, *region_name, *owner_name, *handler_name, *technician_name;
  char *serial_no, *model, *equipment_name, *project_name, *customer_address;
  int64_t customer_late_marks;
};
void ticket_free(struct ticket *t);

/* Who may see which tickets: the user's region grants always apply (on the ticket's site
 * region); dealer, customer and technician limits when non-zero (-1: sees none). */
struct ticket_scope {
  int64_t user_id;
  int64_t dealer_id;
  int64_t customer_id;
  int64_t technician_id;
};

/* The scope as SQL over tickets aliased t, parameters $1 user, $2 dealer, $3 customer, $4
 * technician: the user's region grants cover the ticket's site — or the user owns, handles
 * or works the ticket (首问负责: the agent who took the call follows it to the end, also to a
 * site outside their regions; a technician keeps the tickets assigned to them); a dealer's
 * and a customer's limits, and a technician's (the tickets assigned to them), apply on
 * top. */
#define STORE_TICKET_SCOPE                                                                         \
  " (EXISTS (SELECT 1 FROM user_regions ur WHERE ur.user_id = $1"                                  \
  " AND substr(t.region_code, 1, length(ur.prefix)) = ur.prefix)"                                  \
  " OR t.owner_id = $1 OR t.handler_id = $1 OR t.technician_id = $1)"                              \
  " AND ($2 = 0 OR t.dealer_id = $2) AND ($3 = 0 OR t.customer_id = $3)"                           \
  " AND ($4 = 0 OR t.technician_id = $4)"

struct ticket_filter {
  const char *q;             /* folded search text, NULL: none */
  const char *status;        /* one status, "open" (not closed or cancelled), NULL: any */
  const char *region_prefix; /* NULL: any */
  int64_t technician_id;     /* 0 any, -1 unassigned */
  int64_t owner_id;          /* 0 any */
  int64_t mine_user_id;      /* 0 any: owned or handled by this user */
  int64_t customer_id;       /* 0 any */
  int64_t equipment_id;      /* 0 any */
  int64_t due_before;        /* 0 any: an unmet, unclosed deadline due before this instant */
  int64_t called_from;       /* 0 any: called_at >= this instant */
  int64_t called_to;         /* 0 any: called_at < this instant */
  bool descending;           /* by id */
  int64_t after_id;          /* keyset cursor (0: from the start) */
  int64_t limit, offset;
};

struct ticket_deadline {
  int64_t ticket_id;
  char *stage; /* onsite clear substitute promise */
  int64_t seq, due_at, warn_at, appraisal_due_at, met_at, warned_at, breached_at, level;
  int64_t next_check_at; /* 0 for NULL */
  bool active;           /* still running: not met, the ticket open (migration 0005) */
  char *note;
  int64_t created_by, created_at;
};
void ticket_deadlines_free(struct ticket_deadline *list, size_t count);

struct ticket_event {
  int64_t id, ticket_id, at, actor_id;
  char *actor_name, *kind, *detail; /* detail: JSON text */
};
void ticket_events_free(struct ticket_event *list, size_t count);

/* The next number of the local day "YYYYMMDD" (1, 2, ...), counted in the unit. */
enum sh_status store_ticket_next_seq(struct store_tx *tx, const char *day, int64_t *seq,
                                     struct sh_error *err);

/* A project's site region and address (for a ticket on one of its units). */
enum sh_status store_ticket_project_site(struct store_tx *tx, int64_t project_id, char **region,
                                         char **address, struct sh_error *err);

enum sh_status store_ticket_insert(struct store_tx *tx, const struct ticket *t, int64_t now,
                                   int64_t *id, struct sh_error *err);

/* Locks ticket id's row until the unit ends (PostgreSQL: SELECT … FOR UPDATE; SQLite: nothing,
 * its one writer runs units one at a time). A unit that acts on a ticket takes it first, so
 * that its checks (status, version, open loans, unmet promises, overlapping delays) read
 * what the unit before it committed and no two actions interleave. A missing id is no error
 * (the read that follows reports it). */
enum sh_status store_ticket_lock(struct store_tx *tx, int64_t id, struct sh_error *err);

/* One ticket within scope, joined; 404 not_found outside it. */
enum sh_status store_ticket_get(struct store_tx *tx, int64_t id, const struct ticket_scope *scope,
                                struct ticket **out, struct sh_error *err);

/* Writes every changeable column of t if its version is still t->version (409
 * stale_version otherwise), and bumps the version. */
enum sh_status store_ticket_save(struct store_tx *tx, const struct ticket *t, int64_t now,
                                 struct sh_error *err);

/* Where counting stops (see store_ticket_list; count_sql in tickets.c says LIMIT 10001 —
 * change them together). */
#define STORE_TICKET_COUNT_CAP 10000

/* A page of tickets in scope, and the total that matches (total may be NULL) — exact up to
 * STORE_TICKET_COUNT_CAP; above it *total is STORE_TICKET_COUNT_CAP + 1. */
enum sh_status store_ticket_list(struct store_tx *tx, const struct ticket_scope *scope,
                                 const struct ticket_filter *filter, struct ticket ***out,
                                 size_t *count, int64_t *total, struct sh_error *err);
void ticket_list_free(struct ticket **list, size_t count);

enum sh_status store_deadline_insert(struct store_tx *tx, const struct ticket_deadline *d,
                                     struct sh_error *err);
/* Writes due/warn/appraisal/met/warned/breached/level/next_check/note/active of (ticket,
 * stage, seq). A new deadline is active. */
enum sh_status store_deadline_save(struct store_tx *tx, const struct ticket_deadline *d,
                                   struct sh_error *err);
/* Marks the unmet deadline (ticket, stage, seq) met at `at` (UTC seconds) and stops watching
 * it, in one conditional UPDATE: *met is false when it was met already or does not exist, so
 * of two writers that both read it unmet (PostgreSQL, READ COMMITTED) only one meets it. */
enum sh_status store_deadline_meet(struct store_tx *tx, int64_t ticket_id, const char *stage,
                                   int64_t seq, int64_t at, bool *met, struct sh_error *err);
/* Every deadline of a ticket, stages first then promises by seq. */
enum sh_status store_deadlines_list(struct store_tx *tx, int64_t ticket_id,
                                    struct ticket_deadline **out, size_t *count,
                                    struct sh_error *err);

enum sh_status store_ticket_event_add(struct store_tx *tx, int64_t ticket_id, int64_t at,
                                      int64_t actor_id, const char *kind, const char *detail,
                                      struct sh_error *err);
enum sh_status store_ticket_events(struct store_tx *tx, int64_t ticket_id,
                                   struct ticket_event **out, size_t *count, struct sh_error *err);

/* Technicians for the dispatch board: active users of role technician whose grants cover
 * region — or, with region NULL, whose grants overlap the viewer's (one covers the other) —
 * with all their open tickets (their whole load, wherever) and how many of those have an
 * unmet deadline due before at_risk_before. */
struct technician_load {
  int64_t user_id;
  char *username, *display_name, *phone;
  int64_t open_tickets, at_risk;
};
enum sh_status store_technician_loads(struct store_tx *tx, int64_t viewer_id,
                                      const char *region_code, int64_t at_risk_before,
                                      struct technician_load **out, size_t *count,
                                      struct sh_error *err);
void technician_loads_free(struct technician_load *list, size_t count);

#endif
