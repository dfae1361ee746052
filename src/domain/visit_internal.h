/* visit_internal.h — what visit.c (reading, the report), visit_plan.c (planner, manager's
 * actions) and visit_calls.c (call list, calls) share. Not for other modules. */
#ifndef SHOUHOU_DOMAIN_VISIT_INTERNAL_H
#define SHOUHOU_DOMAIN_VISIT_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../base/jsonx.h"
#include "../store/visits.h"
#include "actor.h"
#include "app.h"
#include "visit.h"

/* One change to one visit in its unit of work. */
struct visit_ctx {
  struct app *app;
  const struct actor *actor;
  struct store_tx *tx;
  int64_t now;
  char today[11];    /* local */
  struct visit *v;   /* loaded within the caller's scope; saved when save is set */
  json_t *body;      /* the request */
  json_t *detail;    /* the visit event's detail, filled by the action (owned) */
  bool save;         /* the visit's row changed */
  int64_t ticket_id; /* a ticket the change is about (a defect's), for the audit row */
};

typedef enum sh_status (*visit_action_fn)(struct visit_ctx *c, struct sh_error *err);

/* Runs fn on visit id as one unit: load in scope, act, save under its version, the event
 * `name` with the action's detail, one audit row of the differences; then *out gets the
 * visit as visit_get shows it. */
enum sh_status visit_run(struct app *app, const struct actor *actor, int64_t id, const char *name,
                         visit_action_fn fn, json_t *body, json_t **out, struct sh_error *err);

/* 409 visit_cancelled / visit_already_reported unless the visit is open (planned). */
enum sh_status visit_require_open(const struct visit *v, struct sh_error *err);

/* 409 stale_version unless version is the visit's. */
enum sh_status visit_require_version(const struct visit *v, int64_t version, struct sh_error *err);

/* Replaces *member with a copy of value ("" for NULL). */
enum sh_status visit_set_text(char **member, const char *value, struct sh_error *err);

/* The visit's own fields as JSON; today ("" for none) decides overdue. NULL if no memory. */
json_t *visit_fields_json(const struct visit *v, int tz, const char *today);

/* "YYYY-MM-DD" of the local day of utc. */
void visit_local_day(int64_t utc, int tz, char out[11]);

#endif
