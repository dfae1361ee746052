/* ticket_sla.h — the 24/48/72 policy of a ticket from the settings and the work calendar,
 * and its deadlines (SPEC C2; the rule itself is rules/sla.h).
 *
 * Our reading when the working clock needs a year the calendar lacks: the ticket is still
 * registered — a hotline call is never refused — with deadlines on the calendar clock (the
 * stricter of the two: never later than working time would give), and the ticket and its
 * timeline say "calendar for YYYY not loaded" so an administrator loads it (DESIGN.md: a
 * date past the loaded calendar is reported, never silently treated as a plain weekday). */
#ifndef SHOUHOU_DOMAIN_TICKET_SLA_H
#define SHOUHOU_DOMAIN_TICKET_SLA_H

#include <stdbool.h>
#include <stdint.h>

#include "../rules/sla.h"
#include "../store/store.h"
#include "calendar.h"

struct ticket_policy {
  struct sla_policy sla;
  struct work_calendar calendar;
  bool pause;           /* sla.pause_for_customer_delay */
  int64_t step_seconds; /* sla.escalation_step_minutes */
};

/* Inside a unit: the policy in force, with the calendar of the years around `around`
 * (UTC seconds) loaded when the working clock is chosen. tz: the company's zone offset.
 * Free with ticket_policy_free, also after a failure. */
enum sh_status ticket_policy_load(struct store_tx *tx, int tz_offset_minutes, int64_t around,
                                  struct ticket_policy *out, struct sh_error *err);
void ticket_policy_free(struct ticket_policy *policy);

struct ticket_deadlines {
  struct sla_deadline due[SLA_STAGE_COUNT];       /* in force: pauses applied if the policy
                                                     pauses for customer delays */
  struct sla_deadline appraisal[SLA_STAGE_COUNT]; /* customer delays always excluded */
  bool calendar_fallback; /* the working clock lacked a year: calendar clock used */
  int missing_year;       /* that year */
};

/* The deadlines of a call at called_at with the customer-caused delays so far. */
enum sh_status ticket_deadlines_compute(const struct ticket_policy *policy, int64_t called_at,
                                        const struct sla_interval *customer_delays, size_t ndelays,
                                        struct ticket_deadlines *out, struct sh_error *err);

#endif
