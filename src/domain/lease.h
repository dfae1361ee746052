/* lease.h — the job lease: of every `shouhou serve` node on one database, the one holding
 * a named lease runs the background jobs (DESIGN.md "jobs/ (one leader by DB lease)").
 *
 * A holder is "host:pid:random", unique per process. The holder renews the lease every tick
 * well inside its time to live; a node that dies stops renewing and another takes over once
 * the lease expired. Taking and renewing are one atomic upsert, so two nodes never both
 * hold it (store/jobs.h). Expiry is judged on each node's own clock: nodes keep their clocks
 * synchronised (NTP), and the time to live (30 s) dwarfs any sane skew. */
#ifndef SHOUHOU_DOMAIN_LEASE_H
#define SHOUHOU_DOMAIN_LEASE_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/status.h"
#include "app.h"

#define LEASE_HOLDER_LEN 128

/* Writes this process's holder name, "host:pid:random" (at most LEASE_HOLDER_LEN - 1). */
void lease_holder_make(char out[LEASE_HOLDER_LEN]);

/* One unit: takes or renews lease `name` for holder until now + ttl_seconds. *held tells
 * whether holder has it now (false: another live holder has it). */
enum sh_status lease_acquire(struct app *app, const char *name, const char *holder,
                             int64_t ttl_seconds, int64_t now, bool *held, struct sh_error *err);

/* One unit: gives the lease up if holder has it (at shutdown, so another node takes over at
 * once rather than after the time to live). */
enum sh_status lease_release(struct app *app, const char *name, const char *holder,
                             struct sh_error *err);

#endif
