/* jobs.h — SQL of the background jobs: the job lease (one holder per job name across every
 * node) and what the SLA watch reads and writes (due deadlines, their watch state, the
 * system's timeline rows). Times are UTC seconds. */
#ifndef SHOUHOU_STORE_JOBS_H
#define SHOUHOU_STORE_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Takes or renews the lease `name` for holder until expires_at, if nobody holds it, the
 * current lease expired before now, or holder already holds it: one atomic upsert (INSERT
 * … ON CONFLICT DO UPDATE … WHERE), so of several nodes trying at once exactly one wins.
 * *held tells whether holder has it now. */
enum sh_status store_job_lease_acquire(struct store_tx *tx, const char *name, const char *holder,
                                       int64_t now, int64_t expires_at, bool *held,
                                       struct sh_error *err);
/* Gives the lease up if holder has it (so another node may take it at once). */
enum sh_status store_job_lease_release(struct store_tx *tx, const char *name, const char *holder,
                                       struct sh_error *err);

/* One ticket_deadlines row due for a look, with what the watch needs of its ticket. */
struct watch_row {
  int64_t ticket_id;
  char stage[16]; /* onsite, clear, substitute, promise */
  int64_t seq;
  int64_t due_at, warn_at;
  int64_t met_at, warned_at, breached_at; /* 0 if not */
  int level;
  int64_t next_check_at;
  char number[32];       /* SH-20261128-0007 */
  char region_code[16];  /* the site's */
  char status[16];       /* the ticket's */
  int64_t technician_id; /* 0 if not assigned */
  int64_t handler_id, owner_id;
};

/* Up to limit rows with next_check_at ≤ now, earliest first, found through the partial
 * index ticket_deadlines_watch (never a scan of open tickets). Caller frees *out. */
enum sh_status store_watch_due_list(struct store_tx *tx, int64_t now, int limit,
                                    struct watch_row **out, size_t *count, struct sh_error *err);

/* *any tells whether some row is due at now (one index probe; for a read-only look before
 * a write unit, so that an idle pass writes nothing). */
enum sh_status store_watch_due_any(struct store_tx *tx, int64_t now, bool *any,
                                   struct sh_error *err);

/* Writes the watch state of row (warned_at, breached_at, level, next_check_at; 0 stores
 * NULL) if its next_check_at is still expected_next_check (compare-and-set: a concurrent
 * watcher that got there first wins). *applied tells whether it was written. */
enum sh_status store_watch_update(struct store_tx *tx, const struct watch_row *row,
                                  int64_t expected_next_check, bool *applied, struct sh_error *err);

/* A timeline row made by the system (actor NULL); detail is a JSON object's text. */
enum sh_status store_watch_event_insert(struct store_tx *tx, int64_t ticket_id, int64_t at,
                                        const char *kind, const char *detail, struct sh_error *err);

#endif
