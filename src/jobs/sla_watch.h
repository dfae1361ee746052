/* sla_watch.h — the jobs-level driver of the SLA watch: runs one pass of
 * domain/ticket_watch.h at an instant and logs what it did. The rules are in the domain. */
#ifndef SHOUHOU_JOBS_SLA_WATCH_H
#define SHOUHOU_JOBS_SLA_WATCH_H

#include <stdint.h>

#include "../base/status.h"
#include "../domain/app.h"
#include "../domain/ticket_watch.h"

/* One pass at now (UTC seconds); a pass that did something is logged. *stats (may be NULL)
 * gets the counts. */
enum sh_status sla_watch_run(struct app *app, int64_t now, struct ticket_watch_stats *stats,
                             struct sh_error *err);

#endif
