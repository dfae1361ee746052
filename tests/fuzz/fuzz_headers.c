/* fuzz_headers.c — libFuzzer harness for the request headers shouhou reads itself: the answer's
 * language (Accept-Language) and the body framing (Content-Length count and value beside
 * Transfer-Encoding) of http/server.c (server_lang, server_body_framing), the Content-Type a
 * route accepts (api_route_accepts), and, through api_handle on an app over a temporary SQLite
 * database, the Idempotency-Key check, "Authorization: Bearer", the session cookie's value and
 * the X-CSRF-Token of cookie-authenticated changes. The Cookie header itself is split by
 * libmicrohttpd (MHD_COOKIE_KIND), not by shouhou: its value arrives here as one string.
 *
 * Input: byte 0 is a selector (bits 0-1: how many Content-Length headers, 0-2; bit 2:
 * Transfer-Encoding present; bit 3: a change (POST) rather than a read; bits 4-5: the body kind
 * of the route given to api_route_accepts); then LF-separated header values: Accept-Language,
 * Content-Length, Content-Type, Idempotency-Key, Authorization, session cookie, X-CSRF-Token. An
 * empty or missing line is a header not sent; a line of the one byte 0x01 is a header sent
 * empty. "$TOKEN", "$SESSION" and "$CSRF" in a value are replaced
 * by a real API token, session id and CSRF token made at start, so the fuzzer can reach the
 * accepting paths.
 *
 * Invariants: the language is English exactly when the value starts with "en" (any case); the
 * framing is refused exactly for two lengths or a length beside chunked, and a body declared
 * over the limit is never OK; an accepted Content-Type starts with a media type the route
 * takes; an invalid Idempotency-Key is a 400 naming the header; the request is authenticated
 * only by the real token, or by the real session with (for a change) the real CSRF token, and
 * never answers 500; every refusal has the error shape. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../src/api/api.h"
#include "../../src/base/limits.h"
#include "../../src/domain/session.h"
#include "../../src/http/server.h"
#include "fuzz_app.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct app *app;
static char token[TOKEN_TEXT_LEN + 1];
static char session[SECRET_TOKEN_LEN + 1];
static char csrf[65];
static const struct api_route *read_route, *change_route;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  struct actor admin;
  app = fuzz_app_open(&admin);
  struct sh_error err;
  sh_error_clear(&err);
  int64_t id = 0;
  if (token_create(app, "fuzz", "fuzz", token, &id, &err) != SH_OK)
    abort();
  struct login_result login;
  if (session_login(app, "fuzz", "fuzz-password", "127.0.0.1", NULL, &login, &err) != SH_OK)
    abort();
  snprintf(session, sizeof session, "%s", login.session_id);
  snprintf(csrf, sizeof csrf, "%s", login.actor.csrf_token);
  for (size_t i = 0; i < api_route_count; i++) {
    if (strcmp(api_routes[i].pattern, "/api/v1/auth/me") == 0)
      read_route = &api_routes[i];
    if (strcmp(api_routes[i].pattern, "/api/v1/notifications/{id}/read") == 0)
      change_route = &api_routes[i];
  }
  if (!read_route || !change_route || strcmp(change_route->method, "POST") != 0)
    abort();
  return 0;
}

/* The header values, NUL-terminated, with the placeholders replaced. */
enum { LANG, LENGTH, TYPE, IDEMPOTENCY, AUTHORIZATION, COOKIE, CSRF, NHEADERS };

static char *expand(const char *s, size_t n) {
  static const struct {
    const char *name;
    const char *value;
  } subst[] = {{"$TOKEN", token}, {"$SESSION", session}, {"$CSRF", csrf}};
  char *out = malloc(n + sizeof token + 1);
  if (!out)
    abort();
  memcpy(out, s, n);
  out[n] = '\0';
  for (size_t i = 0; i < sizeof subst / sizeof *subst; i++) {
    char *at = strstr(out, subst[i].name);
    if (at) {
      size_t before = (size_t)(at - out), name = strlen(subst[i].name);
      size_t size = strlen(out) - name + strlen(subst[i].value) + 1;
      char *next = malloc(size);
      if (!next)
        abort();
      snprintf(next, size, "%.*s%s%s", (int)before, out, subst[i].value, at + name);
      free(out);
      out = next;
    }
  }
  return out;
}

static bool starts_with_media(const char *value, const char *type) {
  size_t n = strlen(type);
  return strncasecmp(value, type, n) == 0 &&
         (value[n] == '\0' || value[n] == ';' || value[n] == ' ');
}

static bool key_valid(const char *key) {
  size_t n = strlen(key);
  if (n == 0 || n > SH_MAX_IDEMPOTENCY_KEY_BYTES)
    return false;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] > 0x7e)
      return false;
  return true;
}

static void check_error_shape(const json_t *body) {
  const json_t *e = json_object_get(body, "error");
  const char *code = json_string_value(json_object_get(e, "code"));
  const json_t *field = json_object_get(e, "field");
  if (!code || !code[0] || !json_is_string(json_object_get(e, "message")) || !field)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 4096)
    return 0;
  uint8_t sel = data[0];
  char *h[NHEADERS] = {0};
  const char *p = (const char *)data + 1, *end = (const char *)data + size;
  for (int i = 0; i < NHEADERS && p <= end; i++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    /* A header value with a NUL cannot reach shouhou as such: libmicrohttpd's strings end
     * there. */
    const char *nul = memchr(p, '\0', n);
    if (n == 1 && p[0] == 1)
      h[i] = expand("", 0);
    else if (n > 0)
      h[i] = expand(p, nul ? (size_t)(nul - p) : n);
    if (!nl)
      break;
    p = nl + 1;
  }

  /* Accept-Language */
  enum api_lang lang = server_lang(h[LANG]);
  bool english = h[LANG] && (h[LANG][0] | 0x20) == 'e' && (h[LANG][1] | 0x20) == 'n';
  if ((lang == API_LANG_EN) != english)
    abort();

  /* Content-Length and Transfer-Encoding */
  int lengths = sel & 3;
  if (lengths == 3)
    lengths = 1;
  if (!h[LENGTH] && lengths > 0)
    lengths = lengths > 1 ? 2 : 0; /* a count without a value: only "two of them" is testable */
  bool chunked = sel & 4;
  static const enum api_body kinds[] = {API_BODY_JSON, API_BODY_SPREADSHEET, API_BODY_FILE,
                                        API_BODY_JSON};
  struct api_route kind_route = {.body = kinds[(sel >> 4) & 3]};
  size_t max_body = api_route_max_body(&kind_route);
  unsigned long long declared = 1;
  enum server_framing framing =
      server_body_framing(lengths, lengths ? h[LENGTH] : NULL, chunked, max_body, &declared);
  bool bad = lengths > 1 || (lengths == 1 && chunked);
  if ((framing == SERVER_FRAMING_BAD) != bad)
    abort();
  if (framing == SERVER_FRAMING_OK && declared > max_body)
    abort();
  if (framing == SERVER_FRAMING_TOO_LARGE && declared <= max_body)
    abort();
  if (framing != SERVER_FRAMING_BAD && lengths == 0 && declared != 0)
    abort();

  /* Content-Type */
  if (api_route_accepts(&kind_route, h[TYPE])) {
    bool ok;
    if (kind_route.body == API_BODY_SPREADSHEET)
      ok = starts_with_media(h[TYPE], "text/csv") ||
           starts_with_media(h[TYPE],
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") ||
           starts_with_media(h[TYPE], "application/octet-stream");
    else if (kind_route.body == API_BODY_FILE)
      ok = starts_with_media(h[TYPE], "multipart/form-data");
    else
      ok = starts_with_media(h[TYPE], "application/json");
    if (!ok)
      abort();
  }

  /* Idempotency-Key, Authorization, the session cookie and CSRF, through api_handle. */
  bool change = sel & 8;
  const struct api_route *route = change ? change_route : read_route;
  struct api_request req = {0};
  struct api_response resp = {.status = 0};
  req.app = app;
  req.method = route->method;
  req.path = route->pattern;
  req.body = "";
  req.content_type = h[TYPE];
  req.idempotency_key = h[IDEMPOTENCY];
  req.authorization = h[AUTHORIZATION];
  req.cookie_session = h[COOKIE];
  req.csrf_token = h[CSRF];
  req.remote_address = "127.0.0.1";
  req.loopback = true;
  req.lang = lang;
  if (change) {
    req.path_params[0] = "999999999";
    req.npath_params = 1;
  }
  api_handle(route, &req, &resp);
  if (resp.status == 500 || resp.status < 200 || resp.status > 599)
    abort();
  if (h[IDEMPOTENCY] && !key_valid(h[IDEMPOTENCY])) {
    const json_t *e = json_object_get(resp.json, "error");
    const char *field = json_string_value(json_object_get(e, "field"));
    if (resp.status != 400 || req.authenticated || !field || strcmp(field, "Idempotency-Key") != 0)
      abort();
  }
  if (req.authenticated) {
    char bearer[sizeof token + 8];
    snprintf(bearer, sizeof bearer, "Bearer %s", token);
    bool by_token = h[AUTHORIZATION] && strcmp(h[AUTHORIZATION], bearer) == 0;
    bool by_cookie = !h[AUTHORIZATION] && h[COOKIE] && strcmp(h[COOKIE], session) == 0 &&
                     (!change || (h[CSRF] && strcmp(h[CSRF], csrf) == 0));
    if (!by_token && !by_cookie)
      abort(); /* fuzzed credentials got in */
  } else if (resp.status < 400) {
    abort();
  }
  if (resp.status >= 400)
    check_error_shape(resp.json);
  api_response_free(&resp);
  for (int i = 0; i < NHEADERS; i++)
    free(h[i]);
  return 0;
}
