/* session.c — sign-in, sessions and API tokens (see session.h). */
#include "session.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/limits.h"
#include "../base/timefmt.h"
#include "../rules/throttle.h"
#include "audit.h"
#include "settings.h"

/* Touching last_seen_at costs a write; once a minute is precise enough for an idle expiry
 * counted in minutes. */
#define TOUCH_INTERVAL 60

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[SECRET_PWHASH_LEN];

static void make_dummy_hash(void) {
  if (secret_password_hash("not a password of anybody", dummy_hash) != SH_OK)
    dummy_hash[0] = '\0';
}

/* Password checks under way at once (base/limits.h). argon2id holds 64 MiB and a core for
 * ~0.1 s: unbounded, a flood of sign-ins had every handler thread hashing at once (48 at once
 * took the server to 1.6 GB) and no thread left for anybody else. */
static pthread_once_t checks_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t checks_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t checks_free;
static int checks_running;

static void checks_init(void) {
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&checks_free, &attr);
  pthread_condattr_destroy(&attr);
}

/* Takes a password-check slot, waiting up to SH_PASSWORD_CHECK_WAIT_MS; false if none freed. */
static bool check_slot_take(void) {
  pthread_once(&checks_once, checks_init);
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_nsec += (long)SH_PASSWORD_CHECK_WAIT_MS * 1000000L;
  until.tv_sec += until.tv_nsec / 1000000000L;
  until.tv_nsec %= 1000000000L;
  pthread_mutex_lock(&checks_mu);
  int rc = 0;
  while (checks_running >= SH_MAX_PASSWORD_CHECKS && rc != ETIMEDOUT)
    rc = pthread_cond_timedwait(&checks_free, &checks_mu, &until);
  bool taken = checks_running < SH_MAX_PASSWORD_CHECKS;
  if (taken)
    checks_running++;
  pthread_mutex_unlock(&checks_mu);
  return taken;
}

static void check_slot_give(void) {
  pthread_mutex_lock(&checks_mu);
  checks_running--;
  pthread_cond_signal(&checks_free);
  pthread_mutex_unlock(&checks_mu);
}

void actor_from_user(const struct user_record *u, struct actor *out) {
  memset(out, 0, sizeof *out);
  out->user_id = u->id;
  snprintf(out->username, sizeof out->username, "%s", u->username);
  snprintf(out->display_name, sizeof out->display_name, "%s", u->display_name);
  if (!role_parse(u->role, &out->role))
    out->role = ROLE_COUNT; /* an unknown role is allowed nothing */
  out->dealer_id = u->dealer_id;
  out->customer_id = u->customer_id;
}

static enum sh_status read_policy(struct store_tx *tx, struct throttle_policy *p,
                                  struct sh_error *err) {
  int64_t slow, lock, lock_minutes, address_max, window;
  enum sh_status rc = settings_int(tx, "auth.slow_after_failures", &slow, err);
  if (rc == SH_OK)
    rc = settings_int(tx, "auth.lock_after_failures", &lock, err);
  if (rc == SH_OK)
    rc = settings_int(tx, "auth.lock_minutes", &lock_minutes, err);
  if (rc == SH_OK)
    rc = settings_int(tx, "auth.address_max_failures", &address_max, err);
  if (rc == SH_OK)
    rc = settings_int(tx, "auth.address_window_minutes", &window, err);
  if (rc == SH_OK) {
    p->slow_after = (int)slow;
    p->lock_after = (int)lock;
    p->lock_seconds = lock_minutes * 60;
    p->address_max = (int)address_max;
    p->window_seconds = window * 60;
  }
  return rc;
}

/* The throttle keys of an attempt. Usernames are at most 64 bytes (checked by the API). */
static void throttle_keys(const char *username, const char *address, char user_key[80],
                          char address_key[80]) {
  snprintf(user_key, 80, "user:%s", username);
  snprintf(address_key, 80, "addr:%s", address);
}

struct login_attempt {
  const char *username;
  const char *address;
  int64_t wait;             /* > 0: refused for that many seconds, nothing checked */
  int64_t locked_until;     /* set when this attempt, if it fails, locks the account */
  struct user_record *user; /* NULL if no such user */
  const char *old_session_id;
  bool success;
  struct login_result *result;
};

/* Counts the attempt as a failure before the password is checked, in one unit with the
 * check of the wait, so that concurrent attempts each count and a burst cannot outrun the
 * lock; a success then clears the account's count. */
static enum sh_status login_reserve(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct login_attempt *a = arg;
  struct throttle_policy policy;
  struct throttle_row account, address;
  char user_key[80], address_key[80];
  int64_t now = time_now();
  throttle_keys(a->username, a->address, user_key, address_key);
  enum sh_status rc = read_policy(tx, &policy, err);
  /* Always the account row first, then the address row: one order, no deadlock. */
  if (rc == SH_OK)
    rc = store_throttle_lock(tx, user_key, &account, err);
  if (rc == SH_OK)
    rc = store_throttle_lock(tx, address_key, &address, err);
  if (rc != SH_OK)
    return rc;
  struct account_state acc = {account.failures, account.last_failed_at, account.locked_until};
  struct address_state addr = {address.failures, address.window_start};
  a->wait = throttle_wait(&policy, &acc, &addr, now);
  if (a->wait > 0)
    return SH_OK;
  acc = throttle_account_failed(&policy, acc, now);
  if (acc.locked_until > now)
    a->locked_until = acc.locked_until;
  addr = throttle_address_failed(&policy, addr, now);
  account = (struct throttle_row){acc.failures, 0, acc.last_failed_at, acc.locked_until};
  address.failures = addr.failures;
  address.window_start = addr.window_start;
  address.last_failed_at = now;
  rc = store_throttle_put(tx, user_key, &account, err);
  if (rc == SH_OK)
    rc = store_throttle_put(tx, address_key, &address, err);
  if (rc == SH_OK) {
    rc = store_user_get_by_username(tx, a->username, &a->user, err);
    if (rc == SH_ERR_NOT_FOUND) {
      a->user = NULL;
      rc = SH_OK;
    }
  }
  return rc;
}

/* Records the outcome: a session and a cleared count, or the audit row of a failure. */
static enum sh_status login_record(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct login_attempt *a = arg;
  int64_t now = time_now();
  char user_key[80], address_key[80];
  throttle_keys(a->username, a->address, user_key, address_key);
  json_t *details = json_object();
  json_object_set_new(details, "username", json_string(a->username));
  json_object_set_new(details, "address", json_string(a->address));
  if (!a->success && a->locked_until)
    json_object_set_new(details, "locked_until", json_integer(a->locked_until));
  enum sh_status rc = SH_OK;
  if (!a->success) {
    /* The wait after a failure runs from its answer, not from its start: the password
     * check in between takes ~0.1 s (seconds under a sanitizer). */
    struct throttle_row account;
    rc = store_throttle_lock(tx, user_key, &account, err);
    if (rc == SH_OK && account.failures > 0) {
      account.last_failed_at = now;
      rc = store_throttle_put(tx, user_key, &account, err);
    }
    if (rc != SH_OK) {
      json_decref(details);
      return rc;
    }
    /* A failed sign-in has no actor: the row names the attempt and where it came from. */
    struct actor anonymous = {0};
    snprintf(anonymous.username, sizeof anonymous.username, "anonymous");
    snprintf(anonymous.address, sizeof anonymous.address, "%s", a->address);
    rc = audit_log(tx, &anonymous, "user", a->user ? a->user->id : 0, "login_failed", details, now,
                   err);
    json_decref(details);
    return rc;
  }
  struct login_result *out = a->result;
  char hash[SECRET_HASH_LEN + 1];
  if (a->old_session_id) {
    secret_hash(a->old_session_id, hash);
    rc = store_session_delete(tx, hash, err);
  }
  if (rc == SH_OK)
    rc = store_throttle_delete(tx, user_key, err);
  if (rc == SH_OK) {
    secret_hash(out->session_id, hash);
    rc = store_session_insert(tx, hash, a->user->id, out->actor.csrf_token, now, a->address, err);
  }
  if (rc == SH_OK)
    rc = audit_log(tx, &out->actor, "user", a->user->id, "login", details, now, err);
  json_decref(details);
  return rc;
}

enum sh_status session_login(struct app *app, const char *username, const char *password,
                             const char *address, const char *old_session_id,
                             struct login_result *out, struct sh_error *err) {
  struct login_attempt a = {
      .username = username, .address = address, .old_session_id = old_session_id, .result = out};
  bool slot = false;
  enum sh_status rc = store_write(app->store, login_reserve, &a, err);
  if (rc != SH_OK)
    goto out;
  if (a.wait > 0) {
    rc = sh_fail(err, SH_ERR_RATE_LIMITED, "too_many_attempts", NULL, NULL);
    if (err)
      err->retry_after = (int)(a.wait > 86400 ? 86400 : a.wait);
    goto out;
  }
  /* An attempt that finds no password-check slot is answered 503 (try again) and stays
   * counted as a failure: waiting for a slot must not buy a guess more checks. */
  slot = check_slot_take();
  if (!slot) {
    rc = sh_fail(err, SH_ERR_UNAVAILABLE, "unavailable", NULL, NULL);
    goto out;
  }
  /* Verify outside any unit. An unknown user still costs one hash, so timing does not tell
   * which usernames exist. */
  pthread_once(&dummy_once, make_dummy_hash);
  bool ok = secret_password_verify(
      a.user && a.user->password_hash ? a.user->password_hash : dummy_hash, password);
  ok = ok && a.user && a.user->active && a.user->password_hash;
  check_slot_give();
  slot = false;
  a.success = ok;
  if (ok) {
    memset(out, 0, sizeof *out);
    actor_from_user(a.user, &out->actor);
    snprintf(out->actor.address, sizeof out->actor.address, "%s", address);
    secret_token(out->session_id);
    secret_token(out->actor.csrf_token);
  }
  rc = store_write(app->store, login_record, &a, err);
  if (rc == SH_OK && !ok)
    rc = sh_fail(err, SH_ERR_UNAUTHENTICATED, "invalid_credentials", NULL, NULL);
out:
  if (slot)
    check_slot_give();
  user_record_free(a.user);
  return rc;
}

struct resolve_arg {
  const char *hash;
  const char *session_token; /* for sessions */
  bool is_token;
  struct actor *actor;
  int64_t last_seen_at;
  int64_t token_id;
};

static enum sh_status session_read(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct resolve_arg *a = arg;
  struct session_record s;
  struct user_record *u = NULL;
  int64_t idle, absolute, now = time_now();
  enum sh_status rc = store_session_get(tx, a->hash, &s, err);
  if (rc == SH_ERR_NOT_FOUND)
    return sh_fail(err, SH_ERR_UNAUTHENTICATED, "unauthenticated", NULL, NULL);
  if (rc == SH_OK)
    rc = settings_int(tx, "auth.session_idle_minutes", &idle, err);
  if (rc == SH_OK)
    rc = settings_int(tx, "auth.session_absolute_hours", &absolute, err);
  if (rc != SH_OK)
    return rc;
  if (s.last_seen_at + idle * 60 <= now || s.created_at + absolute * 3600 <= now)
    return sh_fail(err, SH_ERR_UNAUTHENTICATED, "session_expired", NULL, NULL);
  rc = store_user_get(tx, s.user_id, &u, err);
  if (rc == SH_OK && !u->active)
    rc = sh_fail(err, SH_ERR_UNAUTHENTICATED, "unauthenticated", NULL, NULL);
  if (rc == SH_OK) {
    actor_from_user(u, a->actor);
    snprintf(a->actor->csrf_token, sizeof a->actor->csrf_token, "%s", s.csrf_token);
    a->last_seen_at = s.last_seen_at;
  } else if (rc == SH_ERR_NOT_FOUND) {
    rc = sh_fail(err, SH_ERR_UNAUTHENTICATED, "unauthenticated", NULL, NULL);
  }
  user_record_free(u);
  return rc;
}

static enum sh_status session_touch_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct resolve_arg *a = arg;
  return store_session_touch(tx, a->hash, time_now(), err);
}

enum sh_status session_resolve(struct app *app, const char *session_id, const char *address,
                               struct actor *out, struct sh_error *err) {
  char hash[SECRET_HASH_LEN + 1];
  if (!session_id || strlen(session_id) != SECRET_TOKEN_LEN)
    return sh_fail(err, SH_ERR_UNAUTHENTICATED, "unauthenticated", NULL, NULL);
  secret_hash(session_id, hash);
  struct resolve_arg a = {.hash = hash, .actor = out};
  enum sh_status rc = store_read(app->store, session_read, &a, err);
  if (rc != SH_OK)
    return rc;
  snprintf(out->address, sizeof out->address, "%s", address);
  if (a.last_seen_at + TOUCH_INTERVAL <= time_now()) {
    struct sh_error ignored;
    store_write(app->store, session_touch_unit, &a, &ignored); /* best effort */
  }
  return SH_OK;
}

struct logout_arg {
  const struct actor *actor;
  const char *hash;
};

static enum sh_status logout_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct logout_arg *a = arg;
  enum sh_status rc = store_session_delete(tx, a->hash, err);
  if (rc == SH_OK) {
    json_t *details = json_object();
    rc = audit_log(tx, a->actor, "user", a->actor->user_id, "logout", details, time_now(), err);
    json_decref(details);
  }
  return rc;
}

enum sh_status session_logout(struct app *app, const struct actor *actor, const char *session_id,
                              struct sh_error *err) {
  char hash[SECRET_HASH_LEN + 1];
  secret_hash(session_id ? session_id : "", hash);
  struct logout_arg a = {.actor = actor, .hash = hash};
  return store_write(app->store, logout_unit, &a, err);
}

static enum sh_status token_read(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct resolve_arg *a = arg;
  struct token_record t;
  struct user_record *u = NULL;
  enum sh_status rc = store_token_get_by_hash(tx, a->hash, &t, err);
  if (rc == SH_ERR_NOT_FOUND || (rc == SH_OK && t.revoked_at))
    return sh_fail(err, SH_ERR_UNAUTHENTICATED, "invalid_token", NULL, NULL);
  if (rc == SH_OK)
    rc = store_user_get(tx, t.user_id, &u, err);
  if (rc == SH_OK && !u->active)
    rc = sh_fail(err, SH_ERR_UNAUTHENTICATED, "invalid_token", NULL, NULL);
  if (rc == SH_OK) {
    actor_from_user(u, a->actor);
    a->actor->via_token = true;
    a->last_seen_at = t.last_used_at;
    a->token_id = t.id;
  }
  user_record_free(u);
  return rc;
}

static enum sh_status token_touch_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct resolve_arg *a = arg;
  return store_token_touch(tx, a->token_id, time_now(), err);
}

enum sh_status token_resolve(struct app *app, const char *token, const char *address,
                             struct actor *out, struct sh_error *err) {
  char hash[SECRET_HASH_LEN + 1];
  if (!token || strlen(token) != TOKEN_TEXT_LEN || strncmp(token, TOKEN_PREFIX, 4) != 0)
    return sh_fail(err, SH_ERR_UNAUTHENTICATED, "invalid_token", NULL, NULL);
  secret_hash(token, hash);
  struct resolve_arg a = {.hash = hash, .actor = out, .is_token = true};
  enum sh_status rc = store_read(app->store, token_read, &a, err);
  if (rc != SH_OK)
    return rc;
  snprintf(out->address, sizeof out->address, "%s", address);
  if (a.last_seen_at + TOUCH_INTERVAL <= time_now()) {
    struct sh_error ignored;
    store_write(app->store, token_touch_unit, &a, &ignored); /* best effort */
  }
  return SH_OK;
}

enum sh_status session_check(struct app *app, const char *session_id, struct sh_error *err) {
  char hash[SECRET_HASH_LEN + 1];
  struct actor actor;
  if (!session_id || strlen(session_id) != SECRET_TOKEN_LEN)
    return sh_fail(err, SH_ERR_UNAUTHENTICATED, "unauthenticated", NULL, NULL);
  secret_hash(session_id, hash);
  struct resolve_arg a = {.hash = hash, .actor = &actor};
  return store_read(app->store, session_read, &a, err);
}

enum sh_status token_check(struct app *app, const char *token, struct sh_error *err) {
  char hash[SECRET_HASH_LEN + 1];
  struct actor actor;
  if (!token || strlen(token) != TOKEN_TEXT_LEN || strncmp(token, TOKEN_PREFIX, 4) != 0)
    return sh_fail(err, SH_ERR_UNAUTHENTICATED, "invalid_token", NULL, NULL);
  secret_hash(token, hash);
  struct resolve_arg a = {.hash = hash, .actor = &actor, .is_token = true};
  return store_read(app->store, token_read, &a, err);
}

struct token_create_arg {
  const char *username;
  const char *name;
  const char *hash;
  int64_t id;
};

static enum sh_status token_create_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct token_create_arg *a = arg;
  struct user_record *u = NULL;
  int64_t now = time_now();
  enum sh_status rc = store_user_get_by_username(tx, a->username, &u, err);
  if (rc == SH_ERR_NOT_FOUND)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "user_not_found", "username", NULL);
  if (rc == SH_OK)
    rc = store_token_insert(tx, u->id, a->name, a->hash, now, &a->id, err);
  if (rc == SH_OK) {
    json_t *details = json_object();
    json_object_set_new(details, "user", json_string(a->username));
    json_object_set_new(details, "name", json_string(a->name));
    rc = audit_log(tx, NULL, "token", a->id, "create", details, now, err);
    json_decref(details);
  }
  user_record_free(u);
  return rc;
}

enum sh_status token_create(struct app *app, const char *username, const char *name,
                            char out[TOKEN_TEXT_LEN + 1], int64_t *id, struct sh_error *err) {
  char secret[SECRET_TOKEN_LEN + 1], text[TOKEN_TEXT_LEN + 1], hash[SECRET_HASH_LEN + 1];
  secret_token(secret);
  snprintf(text, sizeof text, "%s%s", TOKEN_PREFIX, secret);
  secret_hash(text, hash);
  struct token_create_arg a = {.username = username, .name = name, .hash = hash};
  enum sh_status rc = store_write(app->store, token_create_unit, &a, err);
  if (rc == SH_OK) {
    memcpy(out, text, sizeof text);
    *id = a.id;
  }
  return rc;
}

struct token_revoke_arg {
  int64_t id;
};

static enum sh_status token_revoke_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct token_revoke_arg *a = arg;
  int64_t now = time_now();
  enum sh_status rc = store_token_revoke(tx, a->id, now, err);
  if (rc == SH_OK) {
    json_t *details = json_object();
    rc = audit_log(tx, NULL, "token", a->id, "revoke", details, now, err);
    json_decref(details);
  }
  return rc;
}

enum sh_status token_revoke(struct app *app, int64_t id, struct sh_error *err) {
  struct token_revoke_arg a = {.id = id};
  return store_write(app->store, token_revoke_unit, &a, err);
}

struct token_list_arg {
  struct token_record *list;
  size_t count;
};

static enum sh_status token_list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct token_list_arg *a = arg;
  return store_token_list(tx, &a->list, &a->count, err);
}

enum sh_status token_list(struct app *app, struct token_record **out, size_t *count,
                          struct sh_error *err) {
  struct token_list_arg a = {0};
  enum sh_status rc = store_read(app->store, token_list_unit, &a, err);
  if (rc == SH_OK) {
    *out = a.list;
    *count = a.count;
  }
  return rc;
}
