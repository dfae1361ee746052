/* ticket_watch.h — the SLA watch (SPEC C2, C5): one pass at an instant warns before each
 * stage's deadline, records each breach and escalates it up the chain of roles.
 *
 * What a pass does, for every ticket_deadlines row whose next_check_at has come (found by the
 * partial index ticket_deadlines_watch, 500 rows a unit, until none is left — the pass costs
 * what is due, never a scan of the open tickets):
 *   - a row already met, or of a closed or cancelled ticket, leaves the watch
 *     (next_check_at NULL);
 *   - warn_at ≤ now < due_at, not warned yet: warned_at = now, a timeline row "sla_warning"
 *     {stage, seq, due_at}, and a notification to the technician (if assigned) and the
 *     handler — for a promised reply (stage "promise") to the handler and the owner;
 *   - now ≥ due_at, the first time: breached_at = due_at (the breach happened at the
 *     deadline, whenever the watch saw it), "sla_breach" {stage, seq, due_at,
 *     overdue_seconds}, and the same people are told;
 *   - each escalation level newly reached (rules/sla.h sla_escalation_level: level 1 at the
 *     deadline, one more every sla.escalation_step_minutes, as many levels as roles in
 *     sla.escalation_chain): "sla_escalation" {stage, seq, level, role} and a notification to
 *     every active user of that role whose region grants cover the ticket's region; for a
 *     promised reply the handler and owner too. A role name the chain holds that is not a
 *     role is logged and its level skipped; it never stops the pass;
 *   - next_check_at = sla_next_check(...), NULL when nothing is left to do.
 * A warning that was missed (the watch first saw the row after due_at) is not sent late: the
 * breach says more.
 *
 * System events are recorded by their timeline rows (actor NULL), not by audit rows: the
 * audit trail is for changes people make. Each row's changes are written only if its
 * next_check_at is still what the pass read (compare-and-set), so two passes at once (a
 * leader and `shouhou jobs run`) never warn or escalate twice; running a pass twice at one
 * instant does nothing the second time. */
#ifndef SHOUHOU_DOMAIN_TICKET_WATCH_H
#define SHOUHOU_DOMAIN_TICKET_WATCH_H

#include <stdint.h>

#include "../base/status.h"
#include "app.h"

/* Rows a unit takes: bounded so that one unit stays short on the SQLite writer. */
#define TICKET_WATCH_BATCH 500
/* Levels an escalation chain may hold. */
#define TICKET_WATCH_MAX_LEVELS 8
/* Without the settings (an older settings table), the chain and step used. */
#define TICKET_WATCH_DEFAULT_CHAIN "dispatcher,engineering_manager,gm"
#define TICKET_WATCH_DEFAULT_STEP_MINUTES 120

struct ticket_watch_stats {
  int64_t rows;          /* deadline rows looked at */
  int64_t warnings;      /* sla_warning events */
  int64_t breaches;      /* sla_breach events */
  int64_t escalations;   /* sla_escalation events */
  int64_t notifications; /* outbox rows queued */
  int64_t retired;       /* rows that left the watch (met, closed, nothing left to do) */
};

/* One pass at now (UTC seconds). *stats (zeroed first) counts what it did. A failing unit
 * stops the pass with its error; what the units before it wrote stays. */
enum sh_status ticket_watch_pass(struct app *app, int64_t now, struct ticket_watch_stats *stats,
                                 struct sh_error *err);

#endif
