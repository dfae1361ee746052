/* users.h — users, their region grants, sessions, API tokens and the login throttle rows. */
#ifndef SHOUHOU_STORE_USERS_H
#define SHOUHOU_STORE_USERS_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct user_record {
  int64_t id;
  char *username;
  char *display_name;
  char *role;          /* a role name of rules/roles.h */
  char *password_hash; /* argon2id string, NULL for token-only accounts */
  int64_t dealer_id;   /* 0 if none */
  int64_t customer_id; /* 0 if none */
  char *email;         /* where the outbox mails notifications; "" if none (NULL writes "") */
  char *phone;         /* shown on the dispatch board; "" if none (NULL writes "") */
  bool active;
  /* Read-only, from the account's login_throttle row: */
  int failed_logins;
  int64_t last_failed_at; /* UTC seconds */
  int64_t locked_until;   /* UTC seconds */
  int64_t created_at, updated_at, version;
  char **regions; /* granted GB/T 2260 codes */
  size_t nregions;
  /* For writing only, set by the domain: the prefix each grant covers (rules/region.h
   * region_prefix), parallel to regions. Not filled when a user is read. */
  char **prefixes;
};

/* Frees a record and everything it owns; NULL is fine. */
void user_record_free(struct user_record *u);

/* Inserts u (id, version, timestamps ignored; created_at = updated_at = now) and its grants. */
enum sh_status store_user_insert(struct store_tx *tx, const struct user_record *u, int64_t now,
                                 int64_t *id, struct sh_error *err);
/* Loads a user with grants. SH_ERR_NOT_FOUND if none. Caller frees with user_record_free. */
enum sh_status store_user_get(struct store_tx *tx, int64_t id, struct user_record **out,
                              struct sh_error *err);
enum sh_status store_user_get_by_username(struct store_tx *tx, const char *username,
                                          struct user_record **out, struct sh_error *err);
/* Writes display_name, role, password_hash, dealer_id, customer_id, email, phone, active and
 * the grants
 * if u->version is current (version + 1); SH_ERR_CONFLICT "stale_version" otherwise. */
enum sh_status store_user_update(struct store_tx *tx, const struct user_record *u, int64_t now,
                                 struct sh_error *err);
/* A page of users ordered by id (descending if asked), each with grants. Caller frees each
 * and the array. */
enum sh_status store_user_list(struct store_tx *tx, bool descending, int64_t offset, int64_t limit,
                               struct user_record ***out, size_t *count, int64_t *total,
                               struct sh_error *err);

/* True in *covered if one of the user's grants covers the region code. */
enum sh_status store_user_covers_region(struct store_tx *tx, int64_t user_id, const char *code,
                                        bool *covered, struct sh_error *err);

/* Number of users. */
enum sh_status store_user_count(struct store_tx *tx, int64_t *count, struct sh_error *err);

struct session_record {
  int64_t user_id;
  char csrf_token[65];
  int64_t created_at, last_seen_at; /* UTC seconds */
};
enum sh_status store_session_insert(struct store_tx *tx, const char *token_hash, int64_t user_id,
                                    const char *csrf_token, int64_t now, const char *address,
                                    struct sh_error *err);
/* SH_ERR_NOT_FOUND if there is no such session. */
enum sh_status store_session_get(struct store_tx *tx, const char *token_hash,
                                 struct session_record *out, struct sh_error *err);
enum sh_status store_session_touch(struct store_tx *tx, const char *token_hash, int64_t now,
                                   struct sh_error *err);
enum sh_status store_session_delete(struct store_tx *tx, const char *token_hash,
                                    struct sh_error *err);
enum sh_status store_session_delete_for_user(struct store_tx *tx, int64_t user_id,
                                             struct sh_error *err);

struct token_record {
  int64_t id, user_id;
  char name[128];
  int64_t created_at, revoked_at, last_used_at; /* UTC seconds, 0 if never */
};
enum sh_status store_token_insert(struct store_tx *tx, int64_t user_id, const char *name,
                                  const char *token_hash, int64_t now, int64_t *id,
                                  struct sh_error *err);
/* SH_ERR_NOT_FOUND if no token has this hash (revoked ones are returned, with revoked_at). */
enum sh_status store_token_get_by_hash(struct store_tx *tx, const char *token_hash,
                                       struct token_record *out, struct sh_error *err);
enum sh_status store_token_revoke(struct store_tx *tx, int64_t id, int64_t now,
                                  struct sh_error *err);
enum sh_status store_token_touch(struct store_tx *tx, int64_t id, int64_t now,
                                 struct sh_error *err);
/* Every token of every user, newest first (at most 1000). Caller frees the array. */
enum sh_status store_token_list(struct store_tx *tx, struct token_record **out, size_t *count,
                                struct sh_error *err);

/* A login_throttle row: one per account name ("user:NAME") and per address ("addr:IP"). */
struct throttle_row {
  int failures;
  int64_t window_start;   /* UTC seconds: the address window */
  int64_t last_failed_at; /* UTC seconds */
  int64_t locked_until;   /* UTC seconds */
};
/* *out stays zeroed when there is no row. */
enum sh_status store_throttle_get(struct store_tx *tx, const char *key, struct throttle_row *out,
                                  struct sh_error *err);
/* Like store_throttle_get, but makes the row if missing and locks it until the unit ends, so
 * that concurrent attempts count one after the other (on SQLite the single writer already
 * serialises them). */
enum sh_status store_throttle_lock(struct store_tx *tx, const char *key, struct throttle_row *out,
                                   struct sh_error *err);
enum sh_status store_throttle_put(struct store_tx *tx, const char *key,
                                  const struct throttle_row *row, struct sh_error *err);
enum sh_status store_throttle_delete(struct store_tx *tx, const char *key, struct sh_error *err);

#endif
