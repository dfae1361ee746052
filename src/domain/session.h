/* session.h — signing in and out, resolving a session cookie or an API token to an actor
 * (DESIGN.md "Auth"; SPEC L).
 *
 * Sessions: a random 256-bit id in an HttpOnly cookie, stored only as its hash, with an idle
 * expiry and an absolute lifetime (settings). A login always makes a new session id (the old
 * one, if the request carried one, is deleted), so a planted id is useless (no fixation).
 * Tokens: "shh_" + 256 random bits, stored as a hash, revoked at once. Failed logins are
 * slowed and then locked per account and per address (rules/throttle.h). Password hashing
 * (argon2id, ~0.1 s) runs outside every store unit. */
#ifndef SHOUHOU_DOMAIN_SESSION_H
#define SHOUHOU_DOMAIN_SESSION_H

#include <stdint.h>

#include "../base/secret.h"
#include "../store/users.h"
#include "actor.h"
#include "app.h"

#define TOKEN_PREFIX "shh_"
#define TOKEN_TEXT_LEN (4 + SECRET_TOKEN_LEN)

struct login_result {
  char session_id[SECRET_TOKEN_LEN + 1]; /* goes into the cookie */
  struct actor actor;                    /* includes the CSRF token */
};

/* Checks the credentials; on success makes a new session (deleting old_session_id, if any).
 * Bad credentials and inactive users: 401 "invalid_credentials". Throttled: 429
 * "too_many_attempts" with err->retry_after. */
enum sh_status session_login(struct app *app, const char *username, const char *password,
                             const char *address, const char *old_session_id,
                             struct login_result *out, struct sh_error *err);

/* The actor of a session id. 401 "session_expired" when idle or too old, 401
 * "unauthenticated" when unknown. */
enum sh_status session_resolve(struct app *app, const char *session_id, const char *address,
                               struct actor *out, struct sh_error *err);

/* Ends the session (audited). */
enum sh_status session_logout(struct app *app, const struct actor *actor, const char *session_id,
                              struct sh_error *err);

/* The actor of an API token ("shh_..."). 401 "invalid_token" if unknown or revoked. */
enum sh_status token_resolve(struct app *app, const char *token, const char *address,
                             struct actor *out, struct sh_error *err);

/* Whether a session id or a token still authenticates, as session_resolve and token_resolve
 * answer (SH_OK, or 401 with their codes), but read-only: the last use is not touched. For a
 * live stream's repeated check (http/events.c via api/), which is no activity of the user and
 * must not cost a write per stream. */
enum sh_status session_check(struct app *app, const char *session_id, struct sh_error *err);
enum sh_status token_check(struct app *app, const char *token, struct sh_error *err);

/* Makes a token for username (command line; audited as "cli"). out gets the token text,
 * shown once. */
enum sh_status token_create(struct app *app, const char *username, const char *name,
                            char out[TOKEN_TEXT_LEN + 1], int64_t *id, struct sh_error *err);
enum sh_status token_revoke(struct app *app, int64_t id, struct sh_error *err);
enum sh_status token_list(struct app *app, struct token_record **out, size_t *count,
                          struct sh_error *err);

/* Fills an actor from a user record (shared by sessions, tokens and the command line). */
void actor_from_user(const struct user_record *u, struct actor *out);

#endif
