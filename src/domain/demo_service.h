/* demo_service.h — the demo company's installed base and service tickets (SPEC B1-B4,
 * C1-C7): projects with equipment units and warranty cards for about one customer in three,
 * and about forty tickets called over the last ten days in every state of the workflow.
 *
 * Then (demo_visits.c) the return visits of issue 5 over those projects, a satisfaction
 * survey and complaints in every state of their procedure (SPEC D1-D5, E1-E4).
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
  /* Return visits (SPEC D1-D3, D5): the plan's visits by what became of them, follow-ups. */
  size_t visits, visits_on_time, visits_late, visits_missing, visits_partial, visits_moved;
  size_t visit_defects, visit_calls, followups, followups_reported;
  char visits_from[11];                            /* the plan's first day (visit.plan_from) */
  long visit_rate_permille, satisfaction_permille; /* the KPI since visits_from; -1: none */
  /* The survey campaign (D4). */
  size_t survey_questions, survey_targets, survey_answered, survey_declined;
  /* Complaints (E1-E4) by status, and the special ones. */
  size_t complaints, complaints_registered, complaints_assigned, complaints_answered,
      complaints_called_back, complaints_archived, complaints_repeat, complaints_second_round;
};

/* Adds the installed base and the tickets to the company demo_generate has just made: the
 * users of result->accounts (found by username; their region grants cover every customer),
 * every customer in the database, the part lists of dir (equipment_models.txt, faults.txt,
 * parts.txt, install_sites.txt, systems.txt). state is demo.c's generator, continued.
 * Fills result->service; on failure it holds what was made until then. */
enum sh_status demo_service_generate(struct app *app, uint64_t *state, const char *dir,
                                     struct demo_result *result, struct sh_error *err);

#endif
