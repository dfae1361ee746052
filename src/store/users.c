/* users.c — SQL for users, grants, sessions, API tokens and login throttle rows. */
#include "users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"

#define USER_COLUMNS                                                                               \
  "id, username, display_name, role, password_hash, COALESCE(dealer_id, 0), "                      \
  "COALESCE(customer_id, 0), active, "                                                             \
  "COALESCE((SELECT t.failures FROM login_throttle t WHERE t.key = 'user:' || username), 0), "     \
  "COALESCE((SELECT t.last_failed_at FROM login_throttle t WHERE t.key = 'user:' || "              \
  "username), 0), "                                                                                \
  "COALESCE((SELECT t.locked_until FROM login_throttle t WHERE t.key = 'user:' || "                \
  "username), 0), created_at, updated_at, version, email, phone"

void user_record_free(struct user_record *u) {
  if (!u)
    return;
  free(u->username);
  free(u->display_name);
  free(u->role);
  free(u->password_hash);
  free(u->email);
  free(u->phone);
  for (size_t i = 0; i < u->nregions; i++)
    free(u->regions[i]);
  free(u->regions);
  free(u);
}

static struct user_record *user_from_row(const struct store_rows *rows, size_t r) {
  struct user_record *u = sh_calloc(1, sizeof *u);
  if (!u)
    return NULL;
  u->id = store_rows_int(rows, r, 0);
  u->username = store_rows_strdup(rows, r, 1);
  u->display_name = store_rows_strdup(rows, r, 2);
  u->role = store_rows_strdup(rows, r, 3);
  u->password_hash = store_rows_strdup(rows, r, 4);
  u->dealer_id = store_rows_int(rows, r, 5);
  u->customer_id = store_rows_int(rows, r, 6);
  u->active = store_rows_int(rows, r, 7) != 0;
  u->failed_logins = (int)store_rows_int(rows, r, 8);
  u->last_failed_at = store_rows_int(rows, r, 9);
  u->locked_until = store_rows_int(rows, r, 10);
  u->created_at = store_rows_int(rows, r, 11);
  u->updated_at = store_rows_int(rows, r, 12);
  u->version = store_rows_int(rows, r, 13);
  u->email = store_rows_strdup(rows, r, 14);
  u->phone = store_rows_strdup(rows, r, 15);
  if (!u->username || !u->display_name || !u->role || !u->email || !u->phone) {
    user_record_free(u);
    return NULL;
  }
  return u;
}

static enum sh_status load_regions(struct store_tx *tx, struct user_record *u,
                                   struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(u->id)};
  enum sh_status rc = store_exec(
      tx, "SELECT code FROM user_regions WHERE user_id = $1 ORDER BY code", p, 1, &rows, err);
  if (rc != SH_OK)
    return rc;
  size_t n = store_rows_count(rows);
  u->regions = sh_calloc(n, sizeof *u->regions);
  if (!u->regions) {
    store_rows_free(rows);
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  for (size_t i = 0; i < n; i++) {
    u->regions[i] = store_rows_strdup(rows, i, 0);
    if (u->regions[i])
      u->nregions++;
  }
  store_rows_free(rows);
  return SH_OK;
}

static enum sh_status write_regions(struct store_tx *tx, const struct user_record *u, int64_t id,
                                    struct sh_error *err) {
  struct store_param del[] = {SP_INT(id)};
  enum sh_status rc =
      store_exec(tx, "DELETE FROM user_regions WHERE user_id = $1", del, 1, NULL, err);
  for (size_t i = 0; rc == SH_OK && i < u->nregions; i++) {
    struct store_param p[] = {SP_INT(id), SP_TEXT(u->regions[i]), SP_TEXT(u->prefixes[i])};
    rc = store_exec(tx,
                    "INSERT INTO user_regions (user_id, code, prefix) VALUES ($1, $2, $3) "
                    "ON CONFLICT (user_id, code) DO NOTHING",
                    p, 3, NULL, err);
  }
  return rc;
}

enum sh_status store_user_insert(struct store_tx *tx, const struct user_record *u, int64_t now,
                                 int64_t *id, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {
      SP_TEXT(u->username),
      SP_TEXT(u->display_name),
      SP_TEXT(u->role),
      SP_TEXT(u->password_hash),
      u->dealer_id ? SP_INT(u->dealer_id) : SP_NULL(),
      u->customer_id ? SP_INT(u->customer_id) : SP_NULL(),
      SP_BOOL(u->active),
      SP_INT(now),
      SP_TEXT(u->email ? u->email : ""),
      SP_TEXT(u->phone ? u->phone : ""),
  };
  enum sh_status rc = store_exec(tx,
                                 "INSERT INTO users (username, display_name, role, password_hash, "
                                 "dealer_id, customer_id, active, created_at, updated_at, email, "
                                 "phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) "
                                 "RETURNING id",
                                 p, 10, &rows, err);
  if (rc == SH_OK) {
    int64_t new_id = store_rows_int(rows, 0, 0);
    rc = write_regions(tx, u, new_id, err);
    if (rc == SH_OK)
      *id = new_id;
  }
  store_rows_free(rows);
  return rc;
}

static enum sh_status get_one(struct store_tx *tx, const char *sql, struct store_param p,
                              struct user_record **out, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct user_record *u = NULL;
  enum sh_status rc = store_exec(tx, sql, &p, 1, &rows, err);
  if (rc != SH_OK)
    goto out;
  if (store_rows_count(rows) == 0) {
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
    goto out;
  }
  u = user_from_row(rows, 0);
  if (!u) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  rc = load_regions(tx, u, err);
  if (rc == SH_OK) {
    *out = u;
    u = NULL;
  }
out:
  user_record_free(u);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_user_get(struct store_tx *tx, int64_t id, struct user_record **out,
                              struct sh_error *err) {
  return get_one(tx, "SELECT " USER_COLUMNS " FROM users WHERE id = $1", SP_INT(id), out, err);
}

enum sh_status store_user_get_by_username(struct store_tx *tx, const char *username,
                                          struct user_record **out, struct sh_error *err) {
  return get_one(tx, "SELECT " USER_COLUMNS " FROM users WHERE username = $1", SP_TEXT(username),
                 out, err);
}

enum sh_status store_user_update(struct store_tx *tx, const struct user_record *u, int64_t now,
                                 struct sh_error *err) {
  struct store_param p[] = {
      SP_TEXT(u->display_name),
      SP_TEXT(u->role),
      SP_TEXT(u->password_hash),
      u->dealer_id ? SP_INT(u->dealer_id) : SP_NULL(),
      u->customer_id ? SP_INT(u->customer_id) : SP_NULL(),
      SP_BOOL(u->active),
      SP_INT(now),
      SP_INT(u->id),
      SP_INT(u->version),
      SP_TEXT(u->email ? u->email : ""),
      SP_TEXT(u->phone ? u->phone : ""),
  };
  enum sh_status rc = store_exec(
      tx,
      "UPDATE users SET display_name = $1, role = $2, password_hash = $3, dealer_id = $4, "
      "customer_id = $5, active = $6, updated_at = $7, version = version + 1, email = $10, "
      "phone = $11 WHERE id = $8 AND version = $9",
      p, 11, NULL, err);
  if (rc != SH_OK)
    return rc;
  if (store_changes(tx) == 0)
    return sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return write_regions(tx, u, u->id, err);
}

enum sh_status store_user_list(struct store_tx *tx, bool descending, int64_t offset, int64_t limit,
                               struct user_record ***out, size_t *count, int64_t *total,
                               struct sh_error *err) {
  struct store_rows *rows = NULL, *counted = NULL;
  struct user_record **list = NULL;
  size_t n = 0;
  struct store_param p[] = {SP_INT(limit), SP_INT(offset)};
  enum sh_status rc = store_exec(tx, "SELECT count(*) FROM users", NULL, 0, &counted, err);
  if (rc == SH_OK)
    rc = store_exec(tx,
                    descending
                        ? "SELECT " USER_COLUMNS " FROM users ORDER BY id DESC LIMIT $1 OFFSET $2"
                        : "SELECT " USER_COLUMNS " FROM users ORDER BY id LIMIT $1 OFFSET $2",
                    p, 2, &rows, err);
  if (rc != SH_OK)
    goto out;
  list = sh_calloc(store_rows_count(rows), sizeof *list);
  if (!list) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  for (; n < store_rows_count(rows); n++) {
    list[n] = user_from_row(rows, n);
    if (!list[n]) {
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      goto out;
    }
    rc = load_regions(tx, list[n], err);
    if (rc != SH_OK) {
      n++;
      goto out;
    }
  }
  *total = store_rows_int(counted, 0, 0);
  *out = list;
  *count = n;
  list = NULL;
out:
  if (list) {
    for (size_t i = 0; i < n; i++)
      user_record_free(list[i]);
    free(list);
  }
  store_rows_free(rows);
  store_rows_free(counted);
  return rc;
}

enum sh_status store_user_covers_region(struct store_tx *tx, int64_t user_id, const char *code,
                                        bool *covered, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(user_id), SP_TEXT(code)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT 1 FROM user_regions WHERE user_id = $1 AND "
                                 "substr($2, 1, length(prefix)) = prefix",
                                 p, 2, &rows, err);
  if (rc == SH_OK)
    *covered = store_rows_count(rows) > 0;
  store_rows_free(rows);
  return rc;
}

enum sh_status store_user_count(struct store_tx *tx, int64_t *count, struct sh_error *err) {
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx, "SELECT count(*) FROM users", NULL, 0, &rows, err);
  if (rc == SH_OK)
    *count = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_session_insert(struct store_tx *tx, const char *token_hash, int64_t user_id,
                                    const char *csrf_token, int64_t now, const char *address,
                                    struct sh_error *err) {
  struct store_param p[] = {SP_TEXT(token_hash), SP_INT(user_id), SP_TEXT(csrf_token), SP_INT(now),
                            SP_TEXT(address ? address : "")};
  return store_exec(tx,
                    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, "
                    "last_seen_at, address) VALUES ($1, $2, $3, $4, $4, $5)",
                    p, 5, NULL, err);
}

enum sh_status store_session_get(struct store_tx *tx, const char *token_hash,
                                 struct session_record *out, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(token_hash)};
  enum sh_status rc = store_exec(
      tx,
      "SELECT user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE token_hash = $1", p,
      1, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK) {
    out->user_id = store_rows_int(rows, 0, 0);
    snprintf(out->csrf_token, sizeof out->csrf_token, "%s", store_rows_text(rows, 0, 1));
    out->created_at = store_rows_int(rows, 0, 2);
    out->last_seen_at = store_rows_int(rows, 0, 3);
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_session_touch(struct store_tx *tx, const char *token_hash, int64_t now,
                                   struct sh_error *err) {
  struct store_param p[] = {SP_INT(now), SP_TEXT(token_hash)};
  return store_exec(tx, "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2", p, 2, NULL,
                    err);
}

enum sh_status store_session_delete(struct store_tx *tx, const char *token_hash,
                                    struct sh_error *err) {
  struct store_param p[] = {SP_TEXT(token_hash)};
  return store_exec(tx, "DELETE FROM sessions WHERE token_hash = $1", p, 1, NULL, err);
}

enum sh_status store_session_delete_for_user(struct store_tx *tx, int64_t user_id,
                                             struct sh_error *err) {
  struct store_param p[] = {SP_INT(user_id)};
  return store_exec(tx, "DELETE FROM sessions WHERE user_id = $1", p, 1, NULL, err);
}

enum sh_status store_token_insert(struct store_tx *tx, int64_t user_id, const char *name,
                                  const char *token_hash, int64_t now, int64_t *id,
                                  struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(user_id), SP_TEXT(name), SP_TEXT(token_hash), SP_INT(now)};
  enum sh_status rc = store_exec(tx,
                                 "INSERT INTO api_tokens (user_id, name, token_hash, created_at) "
                                 "VALUES ($1, $2, $3, $4) RETURNING id",
                                 p, 4, &rows, err);
  if (rc == SH_OK)
    *id = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

#define TOKEN_COLUMNS                                                                              \
  "id, user_id, name, created_at, COALESCE(revoked_at, 0), COALESCE(last_used_at, 0)"

static void token_from_row(const struct store_rows *rows, size_t r, struct token_record *t) {
  t->id = store_rows_int(rows, r, 0);
  t->user_id = store_rows_int(rows, r, 1);
  snprintf(t->name, sizeof t->name, "%s", store_rows_text(rows, r, 2));
  t->created_at = store_rows_int(rows, r, 3);
  t->revoked_at = store_rows_int(rows, r, 4);
  t->last_used_at = store_rows_int(rows, r, 5);
}

enum sh_status store_token_get_by_hash(struct store_tx *tx, const char *token_hash,
                                       struct token_record *out, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(token_hash)};
  enum sh_status rc = store_exec(
      tx, "SELECT " TOKEN_COLUMNS " FROM api_tokens WHERE token_hash = $1", p, 1, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK)
    token_from_row(rows, 0, out);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_token_revoke(struct store_tx *tx, int64_t id, int64_t now,
                                  struct sh_error *err) {
  struct store_param p[] = {SP_INT(now), SP_INT(id)};
  enum sh_status rc =
      store_exec(tx, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                 p, 2, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", "id", NULL);
  return rc;
}

enum sh_status store_token_touch(struct store_tx *tx, int64_t id, int64_t now,
                                 struct sh_error *err) {
  struct store_param p[] = {SP_INT(now), SP_INT(id)};
  return store_exec(tx, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", p, 2, NULL, err);
}

enum sh_status store_token_list(struct store_tx *tx, struct token_record **out, size_t *count,
                                struct sh_error *err) {
  struct store_rows *rows = NULL;
  enum sh_status rc =
      store_exec(tx, "SELECT " TOKEN_COLUMNS " FROM api_tokens ORDER BY id DESC LIMIT 1000", NULL,
                 0, &rows, err);
  if (rc != SH_OK)
    return rc;
  size_t n = store_rows_count(rows);
  struct token_record *list = sh_calloc(n, sizeof *list);
  if (!list) {
    store_rows_free(rows);
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  for (size_t i = 0; i < n; i++)
    token_from_row(rows, i, &list[i]);
  store_rows_free(rows);
  *out = list;
  *count = n;
  return SH_OK;
}

static enum sh_status throttle_select(struct store_tx *tx, const char *sql, const char *key,
                                      struct throttle_row *out, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(key)};
  enum sh_status rc = store_exec(tx, sql, p, 1, &rows, err);
  if (rc == SH_OK) {
    out->failures = (int)store_rows_int(rows, 0, 0);
    out->window_start = store_rows_int(rows, 0, 1);
    out->last_failed_at = store_rows_int(rows, 0, 2);
    out->locked_until = store_rows_int(rows, 0, 3);
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_throttle_get(struct store_tx *tx, const char *key, struct throttle_row *out,
                                  struct sh_error *err) {
  return throttle_select(tx,
                         "SELECT failures, window_start, last_failed_at, locked_until "
                         "FROM login_throttle WHERE key = $1",
                         key, out, err);
}

enum sh_status store_throttle_lock(struct store_tx *tx, const char *key, struct throttle_row *out,
                                   struct sh_error *err) {
  struct store_param p[] = {SP_TEXT(key)};
  enum sh_status rc =
      store_exec(tx, "INSERT INTO login_throttle (key) VALUES ($1) ON CONFLICT (key) DO NOTHING", p,
                 1, NULL, err);
  if (rc != SH_OK)
    return rc;
  return throttle_select(tx,
                         store_tx_dialect(tx) == STORE_POSTGRES
                             ? "SELECT failures, window_start, last_failed_at, locked_until "
                               "FROM login_throttle WHERE key = $1 FOR UPDATE"
                             : "SELECT failures, window_start, last_failed_at, locked_until "
                               "FROM login_throttle WHERE key = $1",
                         key, out, err);
}

enum sh_status store_throttle_put(struct store_tx *tx, const char *key,
                                  const struct throttle_row *row, struct sh_error *err) {
  struct store_param p[] = {SP_TEXT(key), SP_INT(row->failures), SP_INT(row->window_start),
                            SP_INT(row->last_failed_at), SP_INT(row->locked_until)};
  return store_exec(
      tx,
      "INSERT INTO login_throttle (key, failures, window_start, last_failed_at, "
      "locked_until) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO UPDATE SET "
      "failures = excluded.failures, window_start = excluded.window_start, "
      "last_failed_at = excluded.last_failed_at, locked_until = excluded.locked_until",
      p, 5, NULL, err);
}

enum sh_status store_throttle_delete(struct store_tx *tx, const char *key, struct sh_error *err) {
  struct store_param p[] = {SP_TEXT(key)};
  return store_exec(tx, "DELETE FROM login_throttle WHERE key = $1", p, 1, NULL, err);
}
