/* session.c — sign-in, sessions and API tokens (see session.h). */
#include "session.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct login_check {
  const char *username;
  const char *address;
  struct user_record *user; /* NULL if no such user */
  struct throttle_policy policy;
  struct address_state address_state;
};

static enum sh_status login_read(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct login_check *c = arg;
  enum sh_status rc = read_policy(tx, &c->policy, err);
  if (rc == SH_OK)
    rc = store_throttle_get(tx, c->address, &c->address_state.failures,
                            &c->address_state.window_start, err);
  if (rc == SH_OK) {
    rc = store_user_get_by_username(tx, c->username, &c->user, err);
    if (rc == SH_ERR_NOT_FOUND) {
      c->user = NULL;
      rc = SH_OK;
    }
  }
  return rc;
}

struct login_write {
  struct login_check *check;
  bool success;
  const char *old_session_id;
  struct login_result *result;
};

static enum sh_status login_record(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct login_write *w = arg;
  struct login_check *c = w->check;
  int64_t now = time_now();
  enum sh_status rc = SH_OK;
  json_t *details = json_object();
  json_object_set_new(details, "address", json_string(c->address));
  if (!w->success) {
    /* Re-read inside the unit so concurrent failures all count. */
    struct address_state addr = {0};
    rc = store_throttle_get(tx, c->address, &addr.failures, &addr.window_start, err);
    if (rc == SH_OK) {
      addr = throttle_address_failed(&c->policy, addr, now);
      rc = store_throttle_put(tx, c->address, addr.failures, addr.window_start, err);
    }
    if (rc == SH_OK && c->user) {
      struct user_record *fresh = NULL;
      rc = store_user_get(tx, c->user->id, &fresh, err);
      if (rc == SH_OK) {
        struct account_state acc = {fresh->failed_logins, fresh->last_failed_at,
                                    fresh->locked_until};
        acc = throttle_account_failed(&c->policy, acc, now);
        rc = store_user_set_login_state(tx, fresh->id, acc.failures, acc.last_failed_at,
                                        acc.locked_until, err);
        if (rc == SH_OK && acc.locked_until > now)
          json_object_set_new(details, "locked_until", json_integer(acc.locked_until));
      }
      user_record_free(fresh);
    }
    if (rc == SH_OK) {
      json_object_set_new(details, "username", json_string(c->username));
      rc =
          audit_log(tx, NULL, "user", c->user ? c->user->id : 0, "login_failed", details, now, err);
    }
    json_decref(details);
    return rc;
  }
  struct login_result *out = w->result;
  char hash[SECRET_HASH_LEN + 1];
  if (w->old_session_id) {
    secret_hash(w->old_session_id, hash);
    rc = store_session_delete(tx, hash, err);
  }
  if (rc == SH_OK)
    rc = store_user_set_login_state(tx, c->user->id, 0, 0, 0, err);
  if (rc == SH_OK) {
    secret_hash(out->session_id, hash);
    rc = store_session_insert(tx, hash, c->user->id, out->actor.csrf_token, now, c->address, err);
  }
  if (rc == SH_OK)
    rc = audit_log(tx, &out->actor, "user", c->user->id, "login", details, now, err);
  json_decref(details);
  return rc;
}

enum sh_status session_login(struct app *app, const char *username, const char *password,
                             const char *address, const char *old_session_id,
                             struct login_result *out, struct sh_error *err) {
  struct login_check c = {.username = username, .address = address};
  enum sh_status rc = store_read(app->store, login_read, &c, err);
  if (rc != SH_OK)
    return rc;
  int64_t now = time_now();
  struct account_state account = {0};
  if (c.user)
    account =
        (struct account_state){c.user->failed_logins, c.user->last_failed_at, c.user->locked_until};
  int64_t wait = throttle_wait(&c.policy, c.user ? &account : NULL, &c.address_state, now);
  if (wait > 0) {
    rc = sh_fail(err, SH_ERR_RATE_LIMITED, "too_many_attempts", NULL, NULL);
    if (err)
      err->retry_after = (int)(wait > 86400 ? 86400 : wait);
    goto out;
  }
  /* Verify outside any unit. An unknown user still costs one hash, so timing does not tell
   * which usernames exist. */
  pthread_once(&dummy_once, make_dummy_hash);
  bool ok = secret_password_verify(
      c.user && c.user->password_hash ? c.user->password_hash : dummy_hash, password);
  ok = ok && c.user && c.user->active && c.user->password_hash;
  struct login_write w = {
      .check = &c, .success = ok, .old_session_id = old_session_id, .result = out};
  if (ok) {
    memset(out, 0, sizeof *out);
    actor_from_user(c.user, &out->actor);
    snprintf(out->actor.address, sizeof out->actor.address, "%s", address);
    secret_token(out->session_id);
    secret_token(out->actor.csrf_token);
  }
  struct sh_error werr;
  rc = store_write(app->store, login_record, &w, ok ? err : &werr);
  if (!ok) {
    if (rc == SH_OK)
      rc = sh_fail(err, SH_ERR_UNAUTHENTICATED, "invalid_credentials", NULL, NULL);
    else
      *err = werr;
  }
out:
  user_record_free(c.user);
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
