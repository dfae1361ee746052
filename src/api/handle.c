/* handle.c — running a matched route: who is calling (session cookie or Bearer token), CSRF
 * for cookie-authenticated changes, the role × action check, then the handler; and the one
 * error shape of the API. Also the credential check a live stream repeats while it is open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/limits.h"
#include "../base/secret.h"
#include "../domain/session.h"
#include "api.h"
#include "messages.h"

void api_reply(struct api_response *resp, int status, json_t *body) {
  json_decref(resp->json);
  resp->json = body;
  resp->status = body || status == 204 ? status : 500;
}

void api_error(struct api_request *req, struct api_response *resp, const struct sh_error *err) {
  char message[512];
  api_message(req->lang, err, message, sizeof message);
  json_t *e = json_object();
  json_object_set_new(e, "code", json_string(err->code[0] ? err->code : "internal"));
  json_t *msg = json_string(message);
  json_object_set_new(e, "message", msg ? msg : json_string("?"));
  json_t *field = err->field[0] ? json_string(err->field) : NULL;
  json_object_set_new(e, "field", field ? field : json_null());
  json_t *body = json_object();
  json_object_set_new(body, "error", e);
  api_reply(resp, sh_http_status(err->status), body);
  if (err->status == SH_ERR_RATE_LIMITED)
    resp->retry_after = err->retry_after > 0 ? err->retry_after : 1;
}

void api_fail(struct api_request *req, struct api_response *resp, enum sh_status status,
              const char *code, const char *field) {
  struct sh_error err;
  sh_fail(&err, status, code, field, NULL);
  api_error(req, resp, &err);
}

void api_response_free(struct api_response *resp) {
  json_decref(resp->json);
  resp->json = NULL;
  free(resp->raw);
  resp->raw = NULL;
}

const char *api_query(const struct api_request *req, const char *key) {
  for (int i = 0; i < req->nquery; i++)
    if (strcmp(req->query[i].key, key) == 0)
      return req->query[i].value ? req->query[i].value : "";
  return NULL;
}

bool api_path_id(const struct api_request *req, int i, int64_t *id) {
  if (i >= req->npath_params)
    return false;
  const char *s = req->path_params[i];
  int64_t v = 0;
  if (!*s || *s == '0' || strlen(s) > 16)
    return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return false;
    v = v * 10 + (*s - '0');
  }
  if (v >= ((int64_t)1 << 53))
    return false;
  *id = v;
  return true;
}

static bool is_change(const char *method) {
  return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* Who is calling. A Bearer token wins over a cookie; neither: 401. */
static enum sh_status authenticate(struct api_request *req, struct sh_error *err) {
  const char *auth = req->authorization;
  if (auth) {
    if (strncmp(auth, "Bearer ", 7) != 0)
      return sh_fail(err, SH_ERR_UNAUTHENTICATED, "invalid_token", NULL, NULL);
    return token_resolve(req->app, auth + 7, req->remote_address, &req->actor, err);
  }
  if (!req->cookie_session)
    return sh_fail(err, SH_ERR_UNAUTHENTICATED, "unauthenticated", NULL, NULL);
  enum sh_status rc =
      session_resolve(req->app, req->cookie_session, req->remote_address, &req->actor, err);
  if (rc == SH_OK && is_change(req->method) &&
      (!req->csrf_token || !secret_equal(req->csrf_token, req->actor.csrf_token)))
    rc = sh_fail(err, SH_ERR_FORBIDDEN, "csrf_failed", NULL, NULL);
  return rc;
}

/* The same precedence as authenticate: a Bearer token wins over the cookie. */
void api_credential_of(const char *authorization, const char *cookie_session,
                       struct api_credential *out) {
  memset(out, 0, sizeof *out);
  if (authorization) {
    out->token = true;
    if (strncmp(authorization, "Bearer ", 7) == 0)
      snprintf(out->secret, sizeof out->secret, "%s", authorization + 7);
  } else if (cookie_session) {
    snprintf(out->secret, sizeof out->secret, "%s", cookie_session);
  }
}

bool api_credential_valid(struct app *app, const struct api_credential *cred) {
  struct sh_error err;
  sh_error_clear(&err);
  if (!cred->secret[0])
    return false;
  enum sh_status rc =
      cred->token ? token_check(app, cred->secret, &err) : session_check(app, cred->secret, &err);
  return rc != SH_ERR_UNAUTHENTICATED;
}

size_t api_route_max_body(const struct api_route *route) {
  if (route && route->body == API_BODY_SPREADSHEET)
    return SH_MAX_UPLOAD_BYTES;
  if (route && route->body == API_BODY_FILE)
    return SH_MAX_ATTACHMENT_UPLOAD_BYTES;
  return SH_MAX_BODY_BYTES;
}

/* Compares the media type of a Content-Type value (before any ";" parameters). */
static bool media_type_is(const char *content_type, const char *type) {
  size_t n = strlen(type);
  return strncasecmp(content_type, type, n) == 0 &&
         (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

bool api_route_accepts(const struct api_route *route, const char *content_type) {
  if (!content_type)
    return false;
  if (route && route->body == API_BODY_SPREADSHEET)
    return media_type_is(content_type, "text/csv") ||
           media_type_is(content_type,
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") ||
           media_type_is(content_type, "application/octet-stream");
  if (route && route->body == API_BODY_FILE)
    return media_type_is(content_type, "multipart/form-data");
  return media_type_is(content_type, "application/json");
}

/* An Idempotency-Key is 1..128 printable ASCII characters: an empty key would make every
 * create of a user replay the first one. */
static bool idempotency_key_valid(const char *key) {
  size_t n = strlen(key);
  if (n == 0 || n > SH_MAX_IDEMPOTENCY_KEY_BYTES)
    return false;
  for (; *key; key++)
    if (*key < 0x21 || *key > 0x7e)
      return false;
  return true;
}

void api_handle(const struct api_route *route, struct api_request *req, struct api_response *resp) {
  struct sh_error err;
  sh_error_clear(&err);
  req->route_pattern = route->pattern;
  if (req->idempotency_key && !idempotency_key_valid(req->idempotency_key)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "Idempotency-Key");
    return;
  }
  if (strcmp(route->action, "public") != 0) {
    enum action action;
    enum sh_status rc = authenticate(req, &err);
    if (rc == SH_OK && !action_parse(route->action, &action))
      rc = sh_fail(&err, SH_ERR_INTERNAL, "internal", NULL, "route names an unknown action");
    if (rc == SH_OK) {
      snprintf(resp->user, sizeof resp->user, "%s", req->actor.username);
      req->authenticated = true;
      if (!permission_allows(req->actor.role, action))
        rc = sh_fail(&err, SH_ERR_FORBIDDEN, "forbidden", NULL, NULL);
    }
    if (rc != SH_OK) {
      api_error(req, resp, &err);
      return;
    }
  }
  route->handler(req, resp);
}
