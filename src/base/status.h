/* status.h — the one status enum of shouhou and the error record that carries it.
 *
 * Every function that can fail returns an enum sh_status and, where the caller passed one,
 * fills a struct sh_error with a stable lower-case code, the field it concerns and a detail.
 * The API layer maps the status to an HTTP status and renders the message in the user's
 * language (docs/errors.md documents every code). */
#ifndef SHOUHOU_STATUS_H
#define SHOUHOU_STATUS_H

#include <stddef.h>

enum sh_status {
  SH_OK = 0,              /* success */
  SH_ERR_MALFORMED,       /* request not well-formed: bad JSON, bad UTF-8, wrong type → 400 */
  SH_ERR_INVALID,         /* well-formed but an invalid value or a broken business rule → 422 */
  SH_ERR_UNAUTHENTICATED, /* no session, expired session, bad credentials → 401 */
  SH_ERR_FORBIDDEN,       /* the caller's role lacks the action, or CSRF missing → 403 */
  SH_ERR_NOT_FOUND,       /* missing, or outside the caller's regions → 404 */
  SH_ERR_METHOD,          /* path exists, method does not → 405 */
  SH_ERR_CONFLICT,        /* stale version, duplicate, workflow step out of order → 409 */
  SH_ERR_TOO_LARGE,       /* body or buffer over its ceiling (limits.h) → 413 */
  SH_ERR_MEDIA_TYPE,      /* body is not application/json → 415 */
  SH_ERR_RATE_LIMITED,    /* too many attempts (login lockout) → 429 */
  SH_ERR_UNAVAILABLE,     /* database down, commit failed, disk full → 503 */
  SH_ERR_INTERNAL,        /* a bug or out of memory → 500 */
};

/* An error's details. Fixed-size so that filling one never allocates. */
struct sh_error {
  enum sh_status status;
  char code[48];    /* stable name, e.g. "field_required" (docs/errors.md) */
  char field[64];   /* JSON field or query parameter concerned, "" if none */
  char detail[192]; /* extra words for the message (a limit, a setting key), "" if none */
  int retry_after;  /* seconds, for SH_ERR_RATE_LIMITED; 0 otherwise */
};

/* Returns the HTTP status that goes with a status. */
int sh_http_status(enum sh_status status);

/* Returns a short English name of a status ("invalid", "not_found"), never NULL. */
const char *sh_strerror(enum sh_status status);

/* Fills err (if not NULL) and returns status, so callers can `return sh_fail(...)`.
 * field and detail may be NULL. Long strings are truncated. */
enum sh_status sh_fail(struct sh_error *err, enum sh_status status, const char *code,
                       const char *field, const char *detail);

/* Clears an error record to "no error". */
void sh_error_clear(struct sh_error *err);

#endif
