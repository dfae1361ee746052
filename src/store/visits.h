/* visits.h — return visits, their calls, defects and timeline in the database (SPEC D1-D3;
 * tables of migration 0006). The domain loads a visit within the caller's scope, changes it
 * and saves it back under its version; the planner reads projects in batches and writes the
 * visits of many projects with one statement each (a JSON array bound as one parameter:
 * the drivers bind at most SH_MAX_SQL_PARAMS values a statement).
 *
 * Scope: a visit is seen by a user whose region grants cover its region_code (the site's),
 * and by the user who leads it (the project manager named for it, also outside their
 * regions, as a technician keeps the tickets assigned to them). */
#ifndef SHOUHOU_STORE_VISITS_H
#define SHOUHOU_STORE_VISITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct visit {
  int64_t id;
  char *kind;                                 /* planned | followup */
  int64_t project_id, ticket_id, customer_id; /* 0: none */
  char *region_code;
  int64_t seq;
  char *due_date, *planned_date; /* "YYYY-MM-DD" local */
  char *moved_reason;
  int64_t leader_id; /* 0: none */
  char *status;      /* planned done partial cancelled */
  char *carried_items, *unfinished_items;
  char *done_on, *method; /* NULL until reported */
  char *findings, *opinion;
  int64_t score;                                        /* 0: none, else 1..5 */
  int64_t satisfied;                                    /* -1: not answered, 0 / 1 */
  int64_t reported_by, reported_at, attempts, retry_at; /* 0: none */
  char *cancelled_reason;
  int64_t created_at, updated_at, created_by, version;
  /* Joined, read-only. */
  char *project_name, *customer_name, *region_name, *leader_name, *ticket_number;
  char *contact_name, *contact_phone; /* the ticket's contact, else the customer's first */
  char *project_acceptance;           /* the project's acceptance date, NULL if none */
  char *last_call_result;             /* NULL: never called */
  int64_t last_call_at, call_seconds; /* the last call; every call's length summed */
};
void visit_free(struct visit *v);
void visit_list_free(struct visit **list, size_t count);

/* The scope as SQL over visits aliased v, $1 the user. */
#define STORE_VISIT_SCOPE                                                                          \
  " (EXISTS (SELECT 1 FROM user_regions ur WHERE ur.user_id = $1"                                  \
  " AND substr(v.region_code, 1, length(ur.prefix)) = ur.prefix) OR v.leader_id = $1)"

/* One visit in the user's scope, joined; 404 not_found outside it. */
enum sh_status store_visit_get(struct store_tx *tx, int64_t id, int64_t user_id, struct visit **out,
                               struct sh_error *err);

/* Writes the changeable columns of v (leader, dates, status, the report, calls, carried
 * items) if its version is still v->version (409 stale_version otherwise); bumps it. */
enum sh_status store_visit_save(struct store_tx *tx, const struct visit *v, int64_t now,
                                struct sh_error *err);

/* A follow-up visit of a closed ticket (kind followup): *id gets its id, or 0 when the
 * ticket has one already (unique per ticket). */
enum sh_status store_visit_insert_followup(struct store_tx *tx, const struct visit *v, int64_t now,
                                           int64_t *id, struct sh_error *err);

/* Sort orders of the list (fixed SQL each; keyset on (column, id)). */
enum visit_sort { VISIT_SORT_PLANNED, VISIT_SORT_DUE, VISIT_SORT_ID, VISIT_SORT_COUNT };

struct visit_filter {
  const char *kind, *status;                             /* NULL: any; status "open" = planned */
  int64_t project_id, ticket_id, leader_id, customer_id; /* 0: any */
  const char *region_prefix;                             /* NULL: any */
  const char *due_from, *due_to;                         /* inclusive dates, NULL: open */
  const char *overdue_before; /* "YYYY-MM-DD": open visits planned before it; NULL: any */
  enum visit_sort sort;
  bool descending;
  const char *after_text; /* keyset cursor: the sort column's value (dates) */
  int64_t after_id;       /* and the id (0: from the start) */
  int64_t limit, offset;
};

/* Where counting stops, as STORE_TICKET_COUNT_CAP. */
#define STORE_VISIT_COUNT_CAP 10000

enum sh_status store_visit_list(struct store_tx *tx, int64_t user_id, const struct visit_filter *f,
                                struct visit ***out, size_t *count, int64_t *total,
                                struct sh_error *err);

/* The call list: open visits planned on or before today, not waiting for a retry after
 * now; in the user's scope, or (leader_only) those the user leads. Overdue first
 * (planned before today), then by due date. At most limit. */
enum sh_status store_visit_calls_due(struct store_tx *tx, int64_t user_id, bool leader_only,
                                     const char *today, int64_t now, int64_t limit,
                                     struct visit ***out, size_t *count, struct sh_error *err);

/* The project's open planned visit that comes first by planned date (then seq), other than
 * after_visit; 0 if none. */
enum sh_status store_visit_next_open(struct store_tx *tx, int64_t project_id, int64_t after_visit,
                                     int64_t *id, struct sh_error *err);

/* The visit of the same project done most recently before this one (its seq), 0 if none. */
enum sh_status store_visit_previous(struct store_tx *tx, int64_t project_id, int64_t seq,
                                    int64_t *id, struct sh_error *err);

/* Appends text (a new line between) to carried_items of an open visit; bumps its version. */
enum sh_status store_visit_carry(struct store_tx *tx, int64_t id, const char *text, int64_t now,
                                 struct sh_error *err);

struct visit_call {
  int64_t id, visit_id, agent_id, called_at, duration_seconds, created_at;
  char *agent_name, *result, *note;
};
void visit_calls_free(struct visit_call *list, size_t count);
enum sh_status store_visit_call_insert(struct store_tx *tx, const struct visit_call *c, int64_t *id,
                                       struct sh_error *err);
enum sh_status store_visit_calls(struct store_tx *tx, int64_t visit_id, struct visit_call **out,
                                 size_t *count, struct sh_error *err);

struct visit_defect {
  int64_t id, visit_id, equipment_id, ticket_id, created_by, created_at;
  char *description, *ticket_number, *ticket_status, *serial_no;
};
void visit_defects_free(struct visit_defect *list, size_t count);
enum sh_status store_visit_defect_insert(struct store_tx *tx, const struct visit_defect *d,
                                         struct sh_error *err);
enum sh_status store_visit_defects(struct store_tx *tx, int64_t visit_id, struct visit_defect **out,
                                   size_t *count, struct sh_error *err);

struct visit_event {
  int64_t id, visit_id, at, actor_id;
  char *actor_name, *kind, *detail; /* detail: JSON text */
};
void visit_events_free(struct visit_event *list, size_t count);
enum sh_status store_visit_event_add(struct store_tx *tx, int64_t visit_id, int64_t at,
                                     int64_t actor_id, const char *kind, const char *detail,
                                     struct sh_error *err);
enum sh_status store_visit_events(struct store_tx *tx, int64_t visit_id, struct visit_event **out,
                                  size_t *count, struct sh_error *err);

/* The project a unit belongs to (live units only): 404 not_found when there is none. */
enum sh_status store_visit_unit_project(struct store_tx *tx, int64_t equipment_id,
                                        int64_t *project_id, int64_t *customer_id,
                                        struct sh_error *err);

/* ---- the planner's batches ------------------------------------------------------------ */

struct visit_plan_project {
  int64_t id, customer_id, project_manager_id, deleted_at; /* 0: none */
  char *region_code, *acceptance_date;                     /* acceptance "" when not accepted */
  char *plan_key;                                          /* projects.visit_plan_key */
};
struct visit_plan_unit_row {
  int64_t project_id;
  char *acceptance_date; /* "" : the project's */
  bool sold_by_company;
  int64_t manufacturer_months; /* the largest of the units alike */
};
void visit_plan_projects_free(struct visit_plan_project *list, size_t count);
void visit_plan_units_free(struct visit_plan_unit_row *list, size_t count);

/* Up to limit projects with id > after_id (only project_id when it is not 0), by id. */
enum sh_status store_visit_plan_projects(struct store_tx *tx, int64_t after_id, int64_t project_id,
                                         int64_t limit, struct visit_plan_project **out,
                                         size_t *count, struct sh_error *err);
/* The live units of projects first..last, one row per (project, own acceptance date, sold
 * by the company) with the longest manufacturer's term among them — all a warranty end
 * needs — ordered by project. */
enum sh_status store_visit_plan_units(struct store_tx *tx, int64_t first, int64_t last,
                                      struct visit_plan_unit_row **out, size_t *count,
                                      struct sh_error *err);
/* The planned visits of projects first..last, by project and seq, as struct visit with only
 * id, project_id, seq, status, due_date, planned_date, leader_id, region_code, customer_id,
 * cancelled_reason, version and moved_reason filled. */
enum sh_status store_visit_plan_existing(struct store_tx *tx, int64_t first, int64_t last,
                                         struct visit ***out, size_t *count, struct sh_error *err);

/* Bulk writes; rows is a JSON array text:
 *   insert: [{"p":project,"c":customer,"r":region,"s":seq,"d":due,"l":leader|null}]
 *   update: [{"id","v":version,"d":due,"pd":planned,"st":status,"cr":reason,"l","r","c"}]
 *           (every row must match its version: 409 stale_version otherwise)
 *   events: [{"id":visit,"k":kind,"dt":detail text}]
 *   keys:   [{"id":project,"k":key}] */
enum sh_status store_visit_plan_insert(struct store_tx *tx, const char *rows, int64_t now,
                                       struct sh_error *err);
enum sh_status store_visit_plan_update(struct store_tx *tx, const char *rows, int64_t expected,
                                       int64_t now, struct sh_error *err);
enum sh_status store_visit_plan_events(struct store_tx *tx, const char *rows, int64_t now,
                                       int64_t actor_id, struct sh_error *err);
enum sh_status store_visit_plan_keys(struct store_tx *tx, const char *rows, struct sh_error *err);

#endif
