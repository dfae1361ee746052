/* jobs.c — SQL of the job lease and of the SLA watch (see jobs.h). */
#include "jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"

enum sh_status store_job_lease_acquire(struct store_tx *tx, const char *name, const char *holder,
                                       int64_t now, int64_t expires_at, bool *held,
                                       struct sh_error *err) {
  /* The same text serves both dialects: SQLite ≥ 3.35 and PostgreSQL both have the upsert
   * with a WHERE on its update and RETURNING. On PostgreSQL the conflicting row is locked and
   * the WHERE is checked again on its newest version, so two nodes never both win. */
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(name), SP_TEXT(holder), SP_INT(expires_at), SP_INT(now)};
  enum sh_status rc = store_exec(tx,
                                 "INSERT INTO job_leases (name, holder, expires_at) "
                                 "VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET "
                                 "holder = excluded.holder, expires_at = excluded.expires_at "
                                 "WHERE job_leases.expires_at < $4 OR job_leases.holder = $2 "
                                 "RETURNING holder",
                                 p, 4, &rows, err);
  if (rc == SH_OK)
    *held = store_rows_count(rows) == 1 && store_rows_text(rows, 0, 0) &&
            strcmp(store_rows_text(rows, 0, 0), holder) == 0;
  store_rows_free(rows);
  return rc;
}

enum sh_status store_job_lease_release(struct store_tx *tx, const char *name, const char *holder,
                                       struct sh_error *err) {
  struct store_param p[] = {SP_TEXT(name), SP_TEXT(holder)};
  return store_exec(tx, "DELETE FROM job_leases WHERE name = $1 AND holder = $2", p, 2, NULL, err);
}

static void copy_text(char *out, size_t n, const struct store_rows *rows, size_t r, size_t c) {
  const char *s = store_rows_text(rows, r, c);
  snprintf(out, n, "%s", s ? s : "");
}

enum sh_status store_watch_due_list(struct store_tx *tx, int64_t now, int limit,
                                    struct watch_row **out, size_t *count, struct sh_error *err) {
  /* "next_check_at IS NOT NULL" names the partial index's condition, so both planners use
   * it whatever they prove from the comparison. */
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(now), SP_INT(limit)};
  enum sh_status rc =
      store_exec(tx,
                 "SELECT d.ticket_id, d.stage, d.seq, d.due_at, d.warn_at, COALESCE(d.met_at, 0), "
                 "COALESCE(d.warned_at, 0), COALESCE(d.breached_at, 0), d.level, d.next_check_at, "
                 "t.number, t.region_code, t.status, COALESCE(t.technician_id, 0), t.handler_id, "
                 "t.owner_id FROM ticket_deadlines d JOIN tickets t ON t.id = d.ticket_id "
                 "WHERE d.next_check_at IS NOT NULL AND d.next_check_at <= $1 "
                 "ORDER BY d.next_check_at LIMIT $2",
                 p, 2, &rows, err);
  if (rc != SH_OK)
    return rc;
  size_t n = store_rows_count(rows);
  struct watch_row *list = sh_calloc(n ? n : 1, sizeof *list);
  if (!list) {
    store_rows_free(rows);
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  for (size_t i = 0; i < n; i++) {
    struct watch_row *w = &list[i];
    w->ticket_id = store_rows_int(rows, i, 0);
    copy_text(w->stage, sizeof w->stage, rows, i, 1);
    w->seq = store_rows_int(rows, i, 2);
    w->due_at = store_rows_int(rows, i, 3);
    w->warn_at = store_rows_int(rows, i, 4);
    w->met_at = store_rows_int(rows, i, 5);
    w->warned_at = store_rows_int(rows, i, 6);
    w->breached_at = store_rows_int(rows, i, 7);
    w->level = (int)store_rows_int(rows, i, 8);
    w->next_check_at = store_rows_int(rows, i, 9);
    copy_text(w->number, sizeof w->number, rows, i, 10);
    copy_text(w->region_code, sizeof w->region_code, rows, i, 11);
    copy_text(w->status, sizeof w->status, rows, i, 12);
    w->technician_id = store_rows_int(rows, i, 13);
    w->handler_id = store_rows_int(rows, i, 14);
    w->owner_id = store_rows_int(rows, i, 15);
  }
  store_rows_free(rows);
  *out = list;
  *count = n;
  return SH_OK;
}

enum sh_status store_watch_due_any(struct store_tx *tx, int64_t now, bool *any,
                                   struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(now)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT 1 FROM ticket_deadlines WHERE next_check_at IS NOT NULL "
                                 "AND next_check_at <= $1 LIMIT 1",
                                 p, 1, &rows, err);
  if (rc == SH_OK)
    *any = store_rows_count(rows) > 0;
  store_rows_free(rows);
  return rc;
}

enum sh_status store_watch_update(struct store_tx *tx, const struct watch_row *row,
                                  int64_t expected_next_check, bool *applied,
                                  struct sh_error *err) {
  struct store_param p[] = {SP_INT(row->warned_at), SP_INT(row->breached_at),
                            SP_INT(row->level),     SP_INT(row->next_check_at),
                            SP_INT(row->ticket_id), SP_TEXT(row->stage),
                            SP_INT(row->seq),       SP_INT(expected_next_check)};
  enum sh_status rc = store_exec(tx,
                                 "UPDATE ticket_deadlines SET warned_at = NULLIF($1, 0), "
                                 "breached_at = NULLIF($2, 0), level = $3, "
                                 "next_check_at = NULLIF($4, 0) WHERE ticket_id = $5 AND "
                                 "stage = $6 AND seq = $7 AND next_check_at = $8",
                                 p, 8, NULL, err);
  if (rc == SH_OK)
    *applied = store_changes(tx) == 1;
  return rc;
}

enum sh_status store_watch_event_insert(struct store_tx *tx, int64_t ticket_id, int64_t at,
                                        const char *kind, const char *detail,
                                        struct sh_error *err) {
  struct store_param p[] = {SP_INT(ticket_id), SP_INT(at), SP_TEXT(kind), SP_TEXT(detail)};
  return store_exec(tx,
                    "INSERT INTO ticket_events (ticket_id, at, actor_id, kind, detail) "
                    "VALUES ($1, $2, NULL, $3, $4)",
                    p, 4, NULL, err);
}
