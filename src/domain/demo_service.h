/* demo_service.h — the demo company's installed base and service tickets (SPEC B1-B4,
 * C1-C7): projects with equipment units and warranty cards for about one customer in three,
 * and about forty tickets called over the last ten days in every state of the workflow.
 *
 * Everything goes through the domain, each step by the demo user of the role that does it,
 * so every row has its audit row, deadlines and notifications: projects and units as an
 * import adds them (project_create_in, equipment_create_in: the same checks and audit rows,
 * a hundred customers' worth per unit of work), warranty cards by project_issue_card, and
 * every ticket step by ticket_create and ticket_act as the API calls them.
 *
 * Deterministic in content, not in time: the seed's stream picks every customer, model,
 * serial number, fault, part and outcome; the dates and times are offsets back from the
 * moment it runs (time_now()), so warranties and deadlines look the same whatever the day.
 * The same seed on another day gives the same names, models and serial digits with dates
 * shifted to that day (a serial's year is its production year). */
#ifndef SHOUHOU_DOMAIN_DEMO_SERVICE_H
#define SHOUHOU_DOMAIN_DEMO_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"
#include "app.h"

struct demo_result;

/* What was made, for the command line to print. */
struct demo_service_result {
  size_t projects, units, cards; /* cards: warranty cards issued (SPEC B4) */
  size_t tickets;
  /* Tickets by their status at the end. */
  size_t tickets_new, tickets_assigned, tickets_on_site, tickets_cleared, tickets_closed,
      tickets_cancelled;
  size_t tickets_breached; /* open tickets with a deadline already past (the board's risk) */
};

/* Adds the installed base and the tickets to the company demo_generate has just made: the
 * users of result->accounts (found by username; their region grants cover every customer),
 * every customer in the database, the part lists of dir (equipment_models.txt, faults.txt,
 * parts.txt, install_sites.txt, systems.txt). state is demo.c's generator, continued.
 * Fills result->service; on failure it holds what was made until then. */
enum sh_status demo_service_generate(struct app *app, uint64_t *state, const char *dir,
                                     struct demo_result *result, struct sh_error *err);

#endif
