/* sla_watch.c — runs one SLA watch pass and logs it (see sla_watch.h). */
#include "sla_watch.h"

#include <string.h>

#include "../base/log.h"

enum sh_status sla_watch_run(struct app *app, int64_t now, struct ticket_watch_stats *stats,
                             struct sh_error *err) {
  struct ticket_watch_stats s;
  enum sh_status rc = ticket_watch_pass(app, now, &s, err);
  if (rc != SH_OK) {
    sh_log(LOG_PRIO_ERR, "job=sla_watch msg=\"pass failed\" error=%s field=%s", err->code,
           err->field[0] ? err->field : "-");
    return rc;
  }
  if (s.rows > 0)
    sh_log(LOG_PRIO_INFO,
           "job=sla_watch now=%lld rows=%lld warnings=%lld breaches=%lld escalations=%lld "
           "notifications=%lld retired=%lld",
           (long long)now, (long long)s.rows, (long long)s.warnings, (long long)s.breaches,
           (long long)s.escalations, (long long)s.notifications, (long long)s.retired);
  if (stats)
    *stats = s;
  return SH_OK;
}
