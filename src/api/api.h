/* api.h — the handler interface that http/ adapts libmicrohttpd to (DESIGN.md: api/ never
 * includes http/). A request struct goes in, a response struct comes out; the route table
 * is data (STYLE.md 4): one row per (method, path pattern, handler, permission).
 *
 * Ownership: everything in struct api_request is borrowed from the HTTP layer for the call.
 * The response's body (json) and raw bytes are owned by the response and freed by
 * api_response_free. */
#ifndef SHOUHOU_API_H
#define SHOUHOU_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"
#include "../domain/app.h"
#include "../domain/actor.h"

#define API_MAX_QUERY_ARGS 32
#define API_MAX_PATH_PARAMS 4
/* The most rows the route table may have: /metrics keeps a counter slot for each. */
#define API_MAX_ROUTES 256

struct api_kv {
  const char *key;
  const char *value; /* NULL when the parameter had no '=' */
};

enum api_lang { API_LANG_ZH = 0, API_LANG_EN = 1 };

struct api_request {
  struct app *app;
  const char *method;
  const char *path;
  const char *route_pattern; /* the matched pattern, for logs and metrics */
  struct api_kv query[API_MAX_QUERY_ARGS];
  int nquery;
  bool query_overflow;   /* more than API_MAX_QUERY_ARGS arguments were sent */
  const char *query_nul; /* the key of a query value holding a NUL byte (%00), or NULL */
  const char *path_params[API_MAX_PATH_PARAMS];
  int npath_params;
  const char *body; /* NUL-terminated copy of the body, "" if none */
  size_t body_len;
  const char *content_type;
  const char *cookie_session;  /* value of the shouhou_session cookie, NULL if none */
  const char *authorization;   /* Authorization header, NULL if none */
  const char *csrf_token;      /* X-CSRF-Token header, NULL if none */
  const char *idempotency_key; /* Idempotency-Key header, NULL if none */
  const char *remote_address;  /* the peer's address as text */
  bool loopback;               /* the peer is on 127.0.0.0/8 or ::1 */
  bool tls;
  enum api_lang lang;
  struct actor actor; /* filled by api_authenticate for non-public routes */
  bool authenticated;
};

struct api_response {
  int status;
  json_t *json; /* body as JSON, or NULL */
  char *raw;    /* body as bytes (when json is NULL), owned */
  size_t raw_len;
  const char *content_type; /* for raw bodies; static string */
  char set_cookie[512];     /* a Set-Cookie header value, "" if none */
  char disposition[512];    /* a Content-Disposition header value (downloads), "" if none */
  char allow[64];           /* an Allow header value (405), "" if none */
  int retry_after;          /* seconds for Retry-After, 0 if none */
  char user[72];            /* who made the request, for the access log */
  bool event_stream;        /* GET /api/v1/events: http/ answers with the stream */
};

typedef void (*api_handler)(struct api_request *req, struct api_response *resp);

/* Permissions of routes: "public" routes skip authentication; others name an action of the
 * role matrix (rules/permissions.h). */
struct api_route {
  const char *method;
  const char *pattern; /* "/api/v1/customers/{id}" */
  api_handler handler;
  const char *action; /* "public", or an action name such as "customer:read" */
  /* A route that takes an upload sets what it accepts: a spreadsheet (the raw file), or a
   * file in a multipart/form-data form (photos and documents); all others take
   * application/json bodies of at most SH_MAX_BODY_BYTES. */
  enum api_body { API_BODY_JSON = 0, API_BODY_SPREADSHEET, API_BODY_FILE } body;
};

/* The largest body the route accepts, in bytes. */
size_t api_route_max_body(const struct api_route *route);
/* True if a request body of this Content-Type (NULL: none given) suits the route. */
bool api_route_accepts(const struct api_route *route, const char *content_type);

extern const struct api_route api_routes[];
extern const size_t api_route_count;

/* Runs a matched route: authentication, CSRF, permission, then the handler. Always fills
 * resp (status and body). */
void api_handle(const struct api_route *route, struct api_request *req, struct api_response *resp);

/* Fills resp with the error shape {"error":{"code","message","field"}} and its status. */
void api_error(struct api_request *req, struct api_response *resp, const struct sh_error *err);
/* Shorthand for an error without a prepared struct sh_error. */
void api_fail(struct api_request *req, struct api_response *resp, enum sh_status status,
              const char *code, const char *field);

/* Sets a JSON body (takes ownership of body, also on failure) and the status. */
void api_reply(struct api_response *resp, int status, json_t *body);

/* Frees what the response owns. */
void api_response_free(struct api_response *resp);

/* The value of query parameter key, NULL if absent. */
const char *api_query(const struct api_request *req, const char *key);

/* Parses path parameter i as an id (1..2^53-1). False if it is not one. */
bool api_path_id(const struct api_request *req, int i, int64_t *id);

/* One audited change for the live-update stream (GET /api/v1/events; http/events.c keeps the
 * streams): its audit id, the entity name ("" if too long to keep), and whether a page shows it
 * (a sign-in or sign-out writes an audit row but changes nothing on any page). */
struct api_change {
  int64_t id;
  char entity[40];
  bool shown;
  bool ends_access; /* a sign-in, sign-out, user change or token revocation: a session or token
                       may have ended, so live streams check their credential again */
};

/* The audited changes after after_id, oldest first, at most limit into out (limit 0: none, only
 * *newest, the last id written). No permission check: the stream hands out entity names only. */
enum sh_status api_changes_after(struct app *app, int64_t after_id, size_t limit,
                                 struct api_change *out, size_t *count, int64_t *newest,
                                 struct sh_error *err);

/* The credential a request authenticates with, as api_handle picks it (a Bearer token wins over
 * the session cookie), kept by a live stream to check it again while the stream is open. The
 * secret is the token text or the session id: the holder wipes it (explicit_bzero) when done. */
struct api_credential {
  bool token;      /* an API token; else a session id */
  char secret[96]; /* "" when the request carried neither or a malformed one */
};

/* Fills out from the request's Authorization header and session cookie (either may be NULL). */
void api_credential_of(const char *authorization, const char *cookie_session,
                       struct api_credential *out);

/* Whether the credential still authenticates its user: false when it is refused (signed out,
 * expired, revoked, the user deactivated or the password changed); true also when the database
 * could not be asked (the caller asks again later rather than cut everybody off). */
bool api_credential_valid(struct app *app, const struct api_credential *cred);

/* Records a finished request for /metrics. route is NULL when no route matched. */
void api_metrics_observe(const struct api_route *route, int status, int64_t duration_usec);
/* The same for a request for the web files (http/static.c), counted as route "static". */
void api_metrics_observe_static(int status, int64_t duration_usec);

#endif
