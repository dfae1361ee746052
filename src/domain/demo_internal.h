/* demo_internal.h — what the demo's installed base (demo_service.c), its tickets pass
 * (demo_tickets.c) and its return-visit pass (demo_visits.c) share: the part lists, the
 * seed's stream, the demo's state; and the complaints (demo_complaints.c). Private to those
 * files; the rest of the program uses demo_service.h. */
#ifndef SHOUHOU_DOMAIN_DEMO_INTERNAL_H
#define SHOUHOU_DOMAIN_DEMO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"
#include "actor.h"
#include "app.h"
#include "demo_service.h"
#include "project.h"

#define HOUR 3600      /* seconds */
#define DAY 86400      /* seconds */
#define SERIAL_SIZE 64 /* a unit's serial number and its NUL */

/* ---- part lists ---------------------------------------------------------------------- */

/* A list of lines of width '|'-separated fields; missing trailing fields are "". */
struct table {
  char **cells; /* rows × width, row-major */
  size_t rows, width;
};

/* The cell at row, column (both in range). Borrowed: valid while t is. */
const char *demo_cell(const struct table *t, size_t row, size_t column);

/* Row of the first cell in column equal to value, or -1 (also when value is NULL). */
long demo_table_find(const struct table *t, size_t column, const char *value);

/* ---- the seed's stream --------------------------------------------------------------- */

/* The same splitmix64 step as demo.c, continuing its state. */
uint64_t demo_next(uint64_t *state);

/* lo..hi inclusive (lo if hi < lo); always one draw, so the stream does not depend on the
 * range. */
int64_t demo_between(uint64_t *state, int64_t lo, int64_t hi);

/* A random row of t whose column equals value (any row when none does); one draw. t has at
 * least one row. */
size_t demo_pick_row(const struct table *t, size_t column, const char *value, uint64_t *state);

/* ---- what the passes share ----------------------------------------------------------- */

/* A customer, as the passes need it; the strings are owned by struct demo. */
struct client {
  int64_t id;
  char *name, *region, *address, *products;
  bool person;
};

/* An equipment unit the installed base made. */
struct unit {
  int64_t id, customer_id;
  size_t model; /* row of the models table */
  char serial[SERIAL_SIZE];
};

/* One run of demo_service_generate: its users, part lists, customers and units. */
struct demo {
  struct app *app;
  struct demo_service_result *out;
  struct actor admin, agent, dispatcher, technician, project_manager;
  /* Issue 5's passes: the manager who plans visits, and the people complaint notices name. */
  struct actor engineering_manager, department_head, qc, finance;
  struct table models, faults, parts, sites, systems;
  struct client *clients; /* every customer, in id order */
  size_t nclients;
  struct unit *units; /* in the order they were made */
  size_t nunits;
  int64_t now, today; /* UTC seconds; the local day number (days since 1970-01-01) */
};

/* day (days since 1970-01-01) as "YYYY-MM-DD". */
void demo_day_text(int64_t day, char out[PROJECT_DATE_SIZE]);

/* ---- the tickets (SPEC C1-C7), demo_tickets.c ---------------------------------------- */

/* About forty tickets called over the last ten days, ending in every state of the workflow,
 * on the units (and customers) of d, each step a domain call by the demo user of its role.
 * Continues state; counts them into d->out (tickets, by status, breached). On failure the
 * counts hold the tickets finished until then. */
enum sh_status demo_tickets(struct demo *d, uint64_t *state, struct sh_error *err);

/* ---- return visits, a survey, complaints (SPEC D1-D5, E1-E4) ------------------------- */

/* What the visits pass leaves for the complaints: the first visit a customer was not
 * satisfied with (0: none) and some closed tickets (their follow-ups' tickets). */
struct demo_links {
  int64_t unhappy_visit, unhappy_customer;
  int64_t tickets[8], ticket_customers[8];
  size_t ntickets;
};

/* After the tickets: the visit planner over the projects, the visits due before today
 * reported (most on time, some late, a few missing; one partial, one with a defect that
 * opens a ticket), calls on the overdue ones, a manager's move, the follow-ups of closed
 * tickets; a survey campaign with responses; complaints in every state. Continues state;
 * counts into d->out. */
enum sh_status demo_visits(struct demo *d, uint64_t *state, struct sh_error *err);

/* The complaints (demo_complaints.c), from their own seed, with what the visits left. */
enum sh_status demo_complaints(struct demo *d, uint64_t seed, const struct demo_links *l,
                               struct sh_error *err);

#endif
