/* outbox.c — SQL for the notification outbox (see outbox.h). */
#include "outbox.h"

#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"

void outbox_row_clear(struct outbox_row *row) {
  if (!row)
    return;
  free(row->to_address);
  free(row->to_name);
  free(row->subject);
  free(row->body);
  free(row->last_error);
  memset(row, 0, sizeof *row);
}

void outbox_rows_free(struct outbox_row *rows, size_t count) {
  for (size_t i = 0; rows && i < count; i++)
    outbox_row_clear(&rows[i]);
  free(rows);
}

/* The columns from_row reads, in order; o is the outbox, u the user (LEFT JOIN). */
#define OUTBOX_COLUMNS                                                                             \
  "o.id, COALESCE(o.user_id, 0), o.to_address, COALESCE(u.display_name, ''), o.subject, o.body, "  \
  "COALESCE(o.ticket_id, 0), o.created_at, o.attempts, COALESCE(o.next_attempt_at, 0), "           \
  "COALESCE(o.sent_at, 0), COALESCE(o.failed_at, 0), COALESCE(o.read_at, 0), o.last_error"
#define OUTBOX_FROM " FROM outbox o LEFT JOIN users u ON u.id = o.user_id"

static char *text_at(const struct store_rows *rows, size_t r, size_t c, bool *ok) {
  const char *s = store_rows_text(rows, r, c);
  char *copy = sh_strdup(s ? s : "");
  if (!copy)
    *ok = false;
  return copy;
}

static bool from_row(const struct store_rows *rows, size_t r, struct outbox_row *o) {
  bool ok = true;
  o->id = store_rows_int(rows, r, 0);
  o->user_id = store_rows_int(rows, r, 1);
  o->to_address = text_at(rows, r, 2, &ok);
  o->to_name = text_at(rows, r, 3, &ok);
  o->subject = text_at(rows, r, 4, &ok);
  o->body = text_at(rows, r, 5, &ok);
  o->ticket_id = store_rows_int(rows, r, 6);
  o->created_at = store_rows_int(rows, r, 7);
  o->attempts = (int)store_rows_int(rows, r, 8);
  o->next_attempt_at = store_rows_int(rows, r, 9);
  o->sent_at = store_rows_int(rows, r, 10);
  o->failed_at = store_rows_int(rows, r, 11);
  o->read_at = store_rows_int(rows, r, 12);
  o->last_error = text_at(rows, r, 13, &ok);
  if (!ok)
    outbox_row_clear(o);
  return ok;
}

/* Every row of a result as outbox rows. */
static enum sh_status rows_to_list(const struct store_rows *rows, struct outbox_row **out,
                                   size_t *count, struct sh_error *err) {
  size_t n = store_rows_count(rows);
  struct outbox_row *list = sh_calloc(n ? n : 1, sizeof *list);
  if (!list)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  for (size_t i = 0; i < n; i++)
    if (!from_row(rows, i, &list[i])) {
      outbox_rows_free(list, i);
      return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    }
  *out = list;
  *count = n;
  return SH_OK;
}

/* The values every insert writes, after the user's columns: a row for each user selected
 * by the WHERE clause that follows. next_attempt_at is set only for a mail address. */
#define OUTBOX_INSERT                                                                              \
  "INSERT INTO outbox (user_id, to_address, subject, body, ticket_id, created_at, attempts, "      \
  "next_attempt_at) SELECT u.id, u.email, $1, $2, NULLIF($3, 0), $4, 0, "                          \
  "CASE WHEN u.email <> '' THEN $4 ELSE NULL END FROM users u WHERE u.active = 1 "

enum sh_status store_outbox_insert_for_user(struct store_tx *tx, int64_t user_id, int64_t ticket_id,
                                            const char *subject, const char *body, int64_t now,
                                            int64_t *queued, int64_t *id, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(subject), SP_TEXT(body), SP_INT(ticket_id), SP_INT(now),
                            SP_INT(user_id)};
  enum sh_status rc = store_exec(tx, OUTBOX_INSERT "AND u.id = $5 RETURNING id", p, 5, &rows, err);
  if (rc == SH_OK) {
    if (queued)
      *queued = (int64_t)store_rows_count(rows);
    if (id)
      *id = store_rows_count(rows) ? store_rows_int(rows, 0, 0) : 0;
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_outbox_insert_for_role(struct store_tx *tx, const char *role,
                                            const char *region_code, int64_t ticket_id,
                                            const char *subject, const char *body, int64_t now,
                                            int64_t *queued, struct sh_error *err) {
  struct store_param p[] = {SP_TEXT(subject), SP_TEXT(body), SP_INT(ticket_id),
                            SP_INT(now),      SP_TEXT(role), SP_TEXT(region_code)};
  /* A grant covers every code below it: its prefix is a prefix of the region code. */
  enum sh_status rc = store_exec(tx,
                                 OUTBOX_INSERT "AND u.role = $5 AND EXISTS (SELECT 1 FROM "
                                               "user_regions ur WHERE ur.user_id = u.id AND "
                                               "substr($6, 1, length(ur.prefix)) = ur.prefix)",
                                 p, 6, NULL, err);
  if (rc == SH_OK && queued)
    *queued = store_changes(tx);
  return rc;
}

enum sh_status store_outbox_due_any(struct store_tx *tx, int64_t now, bool *any,
                                    struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(now)};
  enum sh_status rc = store_exec(
      tx,
      "SELECT 1 FROM outbox WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= $1 LIMIT 1", p,
      1, &rows, err);
  if (rc == SH_OK)
    *any = store_rows_count(rows) > 0;
  store_rows_free(rows);
  return rc;
}

enum sh_status store_outbox_claim(struct store_tx *tx, int64_t now, int64_t claim_until, int limit,
                                  struct outbox_row **out, size_t *count, struct sh_error *err) {
  /* The due rows come from the partial index outbox_due; on PostgreSQL a row another sender
   * has locked is skipped rather than waited for. */
  const char *sql = store_tx_dialect(tx) == STORE_POSTGRES
                        ? "SELECT " OUTBOX_COLUMNS OUTBOX_FROM
                          " WHERE o.next_attempt_at <= $1 ORDER BY o.next_attempt_at, o.id"
                          " LIMIT $2 FOR UPDATE OF o SKIP LOCKED"
                        : "SELECT " OUTBOX_COLUMNS OUTBOX_FROM
                          " WHERE o.next_attempt_at <= $1 ORDER BY o.next_attempt_at, o.id"
                          " LIMIT $2";
  struct store_rows *rows = NULL;
  struct outbox_row *list = NULL;
  size_t n = 0;
  struct store_param p[] = {SP_INT(now), SP_INT(limit)};
  enum sh_status rc = store_exec(tx, sql, p, 2, &rows, err);
  if (rc == SH_OK)
    rc = rows_to_list(rows, &list, &n, err);
  store_rows_free(rows);
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    struct store_param u[] = {SP_INT(claim_until), SP_INT(list[i].id)};
    rc = store_exec(tx, "UPDATE outbox SET next_attempt_at = $1 WHERE id = $2", u, 2, NULL, err);
    list[i].next_attempt_at = claim_until;
  }
  if (rc != SH_OK) {
    outbox_rows_free(list, n);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}

enum sh_status store_outbox_mark_sent(struct store_tx *tx, int64_t id, int64_t now,
                                      struct sh_error *err) {
  struct store_param p[] = {SP_INT(now), SP_INT(id)};
  return store_exec(tx,
                    "UPDATE outbox SET attempts = attempts + 1, sent_at = $1, "
                    "next_attempt_at = NULL, last_error = '' WHERE id = $2",
                    p, 2, NULL, err);
}

enum sh_status store_outbox_mark_retry(struct store_tx *tx, int64_t id, int64_t retry_at,
                                       const char *error, struct sh_error *err) {
  struct store_param p[] = {SP_INT(retry_at), SP_TEXT(error), SP_INT(id)};
  return store_exec(tx,
                    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, "
                    "last_error = $2 WHERE id = $3",
                    p, 3, NULL, err);
}

enum sh_status store_outbox_mark_failed(struct store_tx *tx, int64_t id, int64_t now,
                                        const char *error, struct sh_error *err) {
  struct store_param p[] = {SP_INT(now), SP_TEXT(error), SP_INT(id)};
  return store_exec(tx,
                    "UPDATE outbox SET attempts = attempts + 1, failed_at = $1, "
                    "next_attempt_at = NULL, last_error = $2 WHERE id = $3",
                    p, 3, NULL, err);
}

/* One text per direction; $2 the cursor (0: none), $5 unread only. */
#define OUTBOX_LIST_WHERE " WHERE o.user_id = $1 AND ($5 = 0 OR o.read_at IS NULL)"
static const char outbox_list_desc[] = "SELECT " OUTBOX_COLUMNS OUTBOX_FROM OUTBOX_LIST_WHERE
                                       " AND ($2 = 0 OR o.id < $2) ORDER BY o.id DESC"
                                       " LIMIT $3 OFFSET $4";
static const char outbox_list_asc[] = "SELECT " OUTBOX_COLUMNS OUTBOX_FROM OUTBOX_LIST_WHERE
                                      " AND ($2 = 0 OR o.id > $2) ORDER BY o.id"
                                      " LIMIT $3 OFFSET $4";

enum sh_status store_outbox_list(struct store_tx *tx, const struct outbox_filter *f,
                                 struct outbox_row **out, size_t *count, int64_t *total,
                                 struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(f->user_id), SP_INT(f->after_id), SP_INT(f->limit),
                            SP_INT(f->after_id ? 0 : f->offset), SP_BOOL(f->unread_only)};
  enum sh_status rc = SH_OK;
  if (total) {
    rc = store_exec(tx,
                    "SELECT count(*) FROM outbox o WHERE o.user_id = $1 AND ($5 = 0 OR "
                    "o.read_at IS NULL) AND $2 = $2 AND $3 = $3 AND $4 = $4",
                    p, 5, &rows, err);
    if (rc == SH_OK)
      *total = store_rows_int(rows, 0, 0);
    store_rows_free(rows);
    rows = NULL;
  }
  if (rc == SH_OK)
    rc = store_exec(tx, f->descending ? outbox_list_desc : outbox_list_asc, p, 5, &rows, err);
  if (rc == SH_OK)
    rc = rows_to_list(rows, out, count, err);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_outbox_get(struct store_tx *tx, int64_t user_id, int64_t id,
                                struct outbox_row *out, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(id), SP_INT(user_id)};
  enum sh_status rc =
      store_exec(tx, "SELECT " OUTBOX_COLUMNS OUTBOX_FROM " WHERE o.id = $1 AND o.user_id = $2", p,
                 2, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK && !from_row(rows, 0, out))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_outbox_mark_read(struct store_tx *tx, int64_t user_id, int64_t id, int64_t now,
                                      struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(id), SP_INT(user_id)};
  enum sh_status rc =
      store_exec(tx, "SELECT 1 FROM outbox WHERE id = $1 AND user_id = $2", p, 2, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  store_rows_free(rows);
  if (rc == SH_OK) {
    struct store_param u[] = {SP_INT(now), SP_INT(id)};
    rc = store_exec(tx, "UPDATE outbox SET read_at = $1 WHERE id = $2 AND read_at IS NULL", u, 2,
                    NULL, err);
  }
  return rc;
}
