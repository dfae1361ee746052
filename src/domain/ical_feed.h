/* ical_feed.h — a technician's appointments as a calendar their phone subscribes to by a
 * secret URL (SPEC C3: visits agreed by phone; DESIGN.md: the iCal feed is a public route
 * reached by its secret).
 *
 * The secret is 256 random bits (base/secret.h), shown once; only its BLAKE2b hash is kept
 * in users.ical_token_hash, so a copy of the database opens no feed. A new secret replaces
 * the old one (the old URL stops working at once); revoking removes it. The feed is found
 * by the hash through a unique index — never by comparing secrets — so an unknown secret
 * costs the same as a known one and tells nothing. Rendering is the API's (export/ical.h);
 * this module decides what the feed holds: appointments agreed or rescheduled, from 30 days
 * back to 180 days ahead. */
#ifndef SHOUHOU_DOMAIN_ICAL_FEED_H
#define SHOUHOU_DOMAIN_ICAL_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "../base/secret.h"
#include "../store/ical_feed.h"
#include "actor.h"
#include "app.h"

#define ICAL_FEED_DAYS_BACK 30
#define ICAL_FEED_DAYS_AHEAD 180
#define ICAL_FEED_MAX_EVENTS 2000
/* The feed path's prefix; the secret and ".ics" follow. */
#define ICAL_FEED_PATH "/api/v1/ical/"

/* Makes a new secret for the actor's own feed, keeps its hash (audited, without either),
 * and writes the secret into token. */
enum sh_status ical_token_create(struct app *app, const struct actor *actor,
                                 char token[SECRET_TOKEN_LEN + 1], struct sh_error *err);

/* Removes the actor's feed secret (audited; no feed is fine). */
enum sh_status ical_token_revoke(struct app *app, const struct actor *actor, struct sh_error *err);

struct ical_feed {
  char *owner_name; /* the user's display name */
  struct ical_appointment *appointments;
  size_t count;
};
void ical_feed_free(struct ical_feed *feed);

/* The feed of secret (with or without ".ics") at now. SH_ERR_NOT_FOUND "not_found" for a
 * malformed, unknown or revoked secret or an inactive user. Caller frees *out. */
enum sh_status ical_feed_get(struct app *app, const char *secret, int64_t now,
                             struct ical_feed **out, struct sh_error *err);

#endif
