/* auth.c — /api/v1/auth: sign in, sign out, who am I (DESIGN.md "Auth"). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/limits.h"
#include "../domain/session.h"
#include "handlers.h"
#include "list.h"

struct login_body {
  char *username, *password;
};

static const struct jfield login_fields[] = {
    {"username", JF_STRING, JF_REQUIRED, 1, SH_MAX_USERNAME_BYTES,
     offsetof(struct login_body, username)},
    {"password", JF_STRING, JF_REQUIRED, 1, SH_MAX_PASSWORD_BYTES,
     offsetof(struct login_body, password)},
};

/* The session cookie lives as long as the browser session: the server enforces the idle
 * and absolute limits (a Max-Age would log out an active user when it ran out). Clearing it
 * sets Max-Age=0. */
static void set_cookie(struct api_request *req, struct api_response *resp, const char *value,
                       bool clear) {
  bool secure = req->tls || req->app->secure_cookies;
  snprintf(resp->set_cookie, sizeof resp->set_cookie,
           "shouhou_session=%s; Path=/; HttpOnly; SameSite=Lax%s%s", value,
           clear ? "; Max-Age=0" : "", secure ? "; Secure" : "");
}

static json_t *actor_json(const struct actor *a) {
  json_t *o = json_object();
  jsonx_set_int(o, "id", a->user_id);
  jsonx_set_str(o, "username", a->username);
  jsonx_set_str(o, "display_name", a->display_name);
  jsonx_set_str(o, "role", role_name(a->role));
  jsonx_set_str(o, "role_label", role_label_zh(a->role));
  json_t *perms = json_array();
  for (int i = 0; i < ACTION_COUNT; i++)
    if (permission_allows(a->role, (enum action)i))
      json_array_append_new(perms, json_string(action_name((enum action)i)));
  json_object_set_new(o, "permissions", perms);
  if (a->customer_id)
    jsonx_set_int(o, "customer_id", a->customer_id);
  if (a->dealer_id)
    jsonx_set_int(o, "dealer_id", a->dealer_id);
  return o;
}

void api_auth_login(struct api_request *req, struct api_response *resp) {
  struct login_body b = {0};
  struct login_result result;
  struct sh_error err;
  json_t *root = NULL;
  if (!api_query_check(req, resp, NULL))
    return;
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  if (rc == SH_OK)
    rc = jsonx_decode(root, login_fields, 2, &b, NULL, NULL, &err);
  json_decref(root);
  if (rc == SH_OK)
    rc = session_login(req->app, b.username, b.password, req->remote_address, req->cookie_session,
                       &result, &err);
  if (rc == SH_OK) {
    set_cookie(req, resp, result.session_id, false);
    json_t *body = json_object();
    json_object_set_new(body, "user", actor_json(&result.actor));
    jsonx_set_str(body, "csrf_token", result.actor.csrf_token);
    snprintf(resp->user, sizeof resp->user, "%s", result.actor.username);
    api_reply(resp, 200, body);
  } else {
    api_error(req, resp, &err);
  }
  jsonx_free(login_fields, 2, &b);
}

void api_auth_logout(struct api_request *req, struct api_response *resp) {
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  if (!req->actor.via_token &&
      session_logout(req->app, &req->actor, req->cookie_session, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  if (!req->actor.via_token)
    set_cookie(req, resp, "", true);
  api_reply(resp, 204, NULL);
}

void api_auth_me(struct api_request *req, struct api_response *resp) {
  if (!api_query_check(req, resp, NULL))
    return;
  json_t *body = json_object();
  json_object_set_new(body, "user", actor_json(&req->actor));
  if (!req->actor.via_token)
    jsonx_set_str(body, "csrf_token", req->actor.csrf_token);
  api_reply(resp, 200, body);
}
