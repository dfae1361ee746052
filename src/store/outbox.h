/* outbox.h — SQL for the notification outbox: queuing rows for a user or for the users of a
 * role in a region, claiming due mail for the sender, recording each attempt, and the
 * user's in-app list. Times are UTC seconds. */
#ifndef SHOUHOU_STORE_OUTBOX_H
#define SHOUHOU_STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct outbox_row {
  int64_t id;
  int64_t user_id;   /* 0 if the user row is gone */
  char *to_address;  /* "" : in-app only */
  char *to_name;     /* the user's display name ("" if unknown) */
  char *subject;     /* UTF-8 */
  char *body;        /* UTF-8 */
  int64_t ticket_id; /* 0 if not about a ticket */
  int64_t created_at;
  int attempts;
  int64_t next_attempt_at;             /* 0: nothing to send */
  int64_t sent_at, failed_at, read_at; /* 0 if not */
  char *last_error;
};

/* Frees what a row owns (not the row itself); NULL is fine. */
void outbox_row_clear(struct outbox_row *row);
/* Frees count rows and the array. */
void outbox_rows_free(struct outbox_row *rows, size_t count);

/* Queues one row for the user if active; next_attempt_at is now when the user has a mail
 * address, NULL otherwise. *queued (may be NULL) gets the rows written (0 or 1) and *id (may
 * be NULL) the new row's id (0 if none). */
enum sh_status store_outbox_insert_for_user(struct store_tx *tx, int64_t user_id, int64_t ticket_id,
                                            const char *subject, const char *body, int64_t now,
                                            int64_t *queued, int64_t *id, struct sh_error *err);

/* Queues one row for every active user of role (a role name) with a region grant whose
 * prefix covers region_code. *queued gets the number of rows. */
enum sh_status store_outbox_insert_for_role(struct store_tx *tx, const char *role,
                                            const char *region_code, int64_t ticket_id,
                                            const char *subject, const char *body, int64_t now,
                                            int64_t *queued, struct sh_error *err);

/* *any tells whether some row is due at now (one probe of the partial index). */
enum sh_status store_outbox_due_any(struct store_tx *tx, int64_t now, bool *any,
                                    struct sh_error *err);

/* Claims up to limit rows due at now (next_attempt_at ≤ now, by the partial index, oldest
 * first) by moving their next_attempt_at to claim_until, so that no other sender takes them
 * meanwhile (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the one writer). Caller frees
 * *out with outbox_rows_free. */
enum sh_status store_outbox_claim(struct store_tx *tx, int64_t now, int64_t claim_until, int limit,
                                  struct outbox_row **out, size_t *count, struct sh_error *err);

/* The outcome of one attempt, each setting attempts = attempts + 1:
 * sent: sent_at = now, next_attempt_at NULL, last_error '';
 * retry: next_attempt_at = retry_at, last_error = error;
 * failed: failed_at = now, next_attempt_at NULL, last_error = error. */
enum sh_status store_outbox_mark_sent(struct store_tx *tx, int64_t id, int64_t now,
                                      struct sh_error *err);
enum sh_status store_outbox_mark_retry(struct store_tx *tx, int64_t id, int64_t retry_at,
                                       const char *error, struct sh_error *err);
enum sh_status store_outbox_mark_failed(struct store_tx *tx, int64_t id, int64_t now,
                                        const char *error, struct sh_error *err);

/* The user's rows, newest first (descending) or oldest first; unread_only: read_at NULL.
 * Keyset: after_id > 0 continues after that id in the order; else offset. *total (may be
 * NULL) counts every matching row. Caller frees *out with outbox_rows_free. */
struct outbox_filter {
  int64_t user_id;
  bool unread_only;
  bool descending;
  int64_t after_id;
  int64_t offset;
  int64_t limit;
};
enum sh_status store_outbox_list(struct store_tx *tx, const struct outbox_filter *f,
                                 struct outbox_row **out, size_t *count, int64_t *total,
                                 struct sh_error *err);

/* Loads the row if it belongs to user_id; SH_ERR_NOT_FOUND otherwise. */
enum sh_status store_outbox_get(struct store_tx *tx, int64_t user_id, int64_t id,
                                struct outbox_row *out, struct sh_error *err);

/* Sets read_at = now on the user's row if it is unread; SH_ERR_NOT_FOUND if the row is not
 * the user's. */
enum sh_status store_outbox_mark_read(struct store_tx *tx, int64_t user_id, int64_t id, int64_t now,
                                      struct sh_error *err);

#endif
