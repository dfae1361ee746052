/* ical_feed.c — the feed secret and what a feed holds (see ical_feed.h). */
#include "ical_feed.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "../base/timefmt.h"
#include "audit.h"

struct token_arg {
  const struct actor *actor;
  const char *hash; /* NULL: revoke */
};

static enum sh_status token_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct token_arg *a = arg;
  int64_t now = time_now();
  enum sh_status rc = store_ical_token_set(tx, a->actor->user_id, a->hash, err);
  if (rc == SH_OK) {
    /* The change names what happened, never the secret or its hash. */
    json_t *changes = json_object();
    rc = audit_log(tx, a->actor, "user", a->actor->user_id,
                   a->hash ? "calendar_token_create" : "calendar_token_revoke", changes, now, err);
    json_decref(changes);
  }
  return rc;
}

enum sh_status ical_token_create(struct app *app, const struct actor *actor,
                                 char token[SECRET_TOKEN_LEN + 1], struct sh_error *err) {
  char secret[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_LEN + 1];
  secret_token(secret);
  secret_hash(secret, hash);
  struct token_arg a = {.actor = actor, .hash = hash};
  enum sh_status rc = store_write(app->store, token_unit, &a, err);
  if (rc == SH_OK)
    memcpy(token, secret, sizeof secret);
  explicit_bzero(secret, sizeof secret);
  return rc;
}

enum sh_status ical_token_revoke(struct app *app, const struct actor *actor, struct sh_error *err) {
  struct token_arg a = {.actor = actor, .hash = NULL};
  return store_write(app->store, token_unit, &a, err);
}

void ical_feed_free(struct ical_feed *feed) {
  if (!feed)
    return;
  free(feed->owner_name);
  ical_appointments_free(feed->appointments, feed->count);
  free(feed);
}

/* A secret as secret_token makes it: SECRET_TOKEN_LEN base64url characters. */
static bool secret_shape(const char *s, size_t len) {
  if (len != SECRET_TOKEN_LEN)
    return false;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return false;
  }
  return true;
}

struct feed_arg {
  const char *hash;
  int64_t now;
  struct ical_feed *feed;
};

static enum sh_status feed_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct feed_arg *a = arg;
  int64_t user_id = 0;
  enum sh_status rc = store_ical_user_by_hash(tx, a->hash, &user_id, &a->feed->owner_name, err);
  if (rc == SH_OK)
    rc = store_ical_appointments(tx, user_id, a->now - ICAL_FEED_DAYS_BACK * 86400,
                                 a->now + ICAL_FEED_DAYS_AHEAD * 86400, ICAL_FEED_MAX_EVENTS,
                                 &a->feed->appointments, &a->feed->count, err);
  return rc;
}

enum sh_status ical_feed_get(struct app *app, const char *secret, int64_t now,
                             struct ical_feed **out, struct sh_error *err) {
  size_t len = strlen(secret);
  if (len > 4 && strcmp(secret + len - 4, ".ics") == 0)
    len -= 4;
  if (!secret_shape(secret, len))
    return sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  char copy[SECRET_TOKEN_LEN + 1], hash[SECRET_HASH_LEN + 1];
  memcpy(copy, secret, len);
  copy[len] = '\0';
  secret_hash(copy, hash);
  explicit_bzero(copy, sizeof copy);
  struct feed_arg a = {.hash = hash, .now = now, .feed = sh_calloc(1, sizeof *a.feed)};
  if (!a.feed)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  enum sh_status rc = store_read(app->store, feed_unit, &a, err);
  if (rc != SH_OK) {
    ical_feed_free(a.feed);
    return rc;
  }
  *out = a.feed;
  return SH_OK;
}
