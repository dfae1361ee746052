/* fuzz_api.c — libFuzzer harness for the API's request decoding, in process: every route that
 * takes a JSON body (POST, PATCH, PUT) or a query (GET lists and their filter readers) is
 * called with fuzzed parameters on an app over a temporary SQLite database, as an admin.
 *
 * Input: byte 0 picks the route (modulo the routes fuzzed), or is '@' and the rest of the first
 * line names it ("@POST /api/v1/customers", as the seeds do); then up to the next LF the path
 * parameters, split at '/' (an empty or missing one is "1"); then up to the next LF the query
 * string ("k=v&k2", already decoded, as libmicrohttpd hands it over: a key without '=' has a
 * NULL value); the rest is the body. The handler is called directly (api_handle's
 * authentication is the cookie/header harness's business): the actor is the admin made once in
 * LLVMFuzzerInitialize, and regions and the work calendar are loaded so that valid bodies
 * reach the store.
 *
 * Invariants: the status is never 500 nor unset; an error (4xx/5xx) has the one error shape
 * {"error":{"code": non-empty string, "message": string, "field": string or null}}; a 400 or
 * 422 about the body or a parameter names it (code and message non-empty); every JSON answer
 * serializes; a 2xx has a body unless it is a 204.
 *
 * Left out, with reasons: uploads (the csv/xlsx/multipart harnesses), login (Argon2 is slow
 * on purpose), logout and the event stream (they end or hold the session), /metrics, the test
 * mail (network), and the PDF and export downloads (slow renderers; their filters are the
 * lists' filters, fuzzed here through the lists).
 *
 * The database lives in /dev/shm when there is one (fsync is free there) and is removed at
 * exit. State accumulates across inputs (a create makes id 1 exist for later updates): a
 * crash found here is replayed from a fresh database, which usually, not always, reproduces
 * it. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/api/api.h"
#include "../../src/base/utf8.h"
#include "fuzz_app.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct app *app;
static struct actor admin;
static const struct api_route *routes[API_MAX_ROUTES];
static size_t nroutes;

/* Routes left out (see the file comment). */
static bool fuzzed(const struct api_route *r) {
  static const char *const never[] = {"/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/events",
                                      "/metrics", "/api/v1/admin/test-mail"};
  static const char *const downloads[] = {"/export", "/warranty-card", "/report",
                                          "/notice", "/form",          "/attachments/{id}"};
  if (r->body != API_BODY_JSON || strcmp(r->method, "DELETE") == 0)
    return false;
  for (size_t i = 0; i < sizeof never / sizeof *never; i++)
    if (strcmp(r->pattern, never[i]) == 0)
      return false;
  for (size_t i = 0; i < sizeof downloads / sizeof *downloads; i++)
    if (strcmp(r->method, "GET") == 0 && strstr(r->pattern, downloads[i]))
      return false;
  return true;
}

static char last_answer[600];

/* A broken invariant: says what the handler answered, then aborts (libFuzzer keeps the input). */
static void fail(void) {
  fprintf(stderr, "fuzz_api: %s\n", last_answer);
  abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  app = fuzz_app_open(&admin);
  for (size_t i = 0; i < api_route_count && nroutes < API_MAX_ROUTES; i++)
    if (fuzzed(&api_routes[i]))
      routes[nroutes++] = &api_routes[i];
  return 0;
}

/* Checks the error shape of an answer with status >= 400. A query key that is not UTF-8
 * or empty cannot be named in JSON: then the field of a parameter error may be null; so may
 * the field of an unknown or duplicate key when the body has an empty key (""). */
static void check_error(const json_t *body, bool keys_utf8, bool empty_key) {
  const json_t *e = json_object_get(body, "error");
  const char *code = json_string_value(json_object_get(e, "code"));
  const json_t *field = json_object_get(e, "field");
  if (!code || !code[0] || !json_is_string(json_object_get(e, "message")) || !field ||
      !(json_is_string(field) || json_is_null(field)))
    fail();
  if (strcmp(code, "internal") == 0)
    fail();
  /* These codes are about one field or parameter, and name it (docs/errors.md). */
  static const char *const named[] = {"unknown_field", "wrong_type",          "field_required",
                                      "field_length",  "invalid_parameter",   "unknown_parameter",
                                      "duplicate_key", "duplicate_parameter", "invalid_date"};
  for (size_t i = 0; i < sizeof named / sizeof *named; i++)
    if (strcmp(code, named[i]) == 0 && !json_is_string(field) &&
        (keys_utf8 || !strstr(code, "parameter")) &&
        !(empty_key && (strcmp(code, "unknown_field") == 0 || strcmp(code, "duplicate_key") == 0)))
      fail();
}

/* Splits s (len bytes, writable copy) at sep into at most max NUL-terminated pieces. */
static int split(char *s, char sep, char **out, int max) {
  int n = 0;
  while (s && n < max) {
    out[n++] = s;
    s = strchr(s, sep);
    if (s)
      *s++ = '\0';
  }
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || nroutes == 0)
    return 0;
  const struct api_route *route = routes[data[0] % nroutes];
  size_t skip = 1;
  if (data[0] == '@') {
    /* "@METHOD PATTERN\n": the route by name (seeds stay meaningful when routes are added). */
    const uint8_t *nl = memchr(data, '\n', size);
    if (!nl)
      return 0;
    route = NULL;
    for (size_t i = 0; i < nroutes && !route; i++) {
      size_t m = strlen(routes[i]->method), p = strlen(routes[i]->pattern);
      if ((size_t)(nl - data) == 1 + m + 1 + p && memcmp(data + 1, routes[i]->method, m) == 0 &&
          data[1 + m] == ' ' && memcmp(data + 2 + m, routes[i]->pattern, p) == 0)
        route = routes[i];
    }
    if (!route)
      return 0;
    skip = (size_t)(nl - data) + 1;
  }
  /* One copy, NUL-terminated, cut into the three parts. */
  size_t rest = size - skip;
  char *copy = malloc(rest + 1);
  if (!copy)
    return 0;
  memcpy(copy, data + skip, rest);
  copy[rest] = '\0';
  char *params_line = copy, *query_line = "", *body = "";
  size_t body_len = 0;
  char *nl = memchr(copy, '\n', rest);
  if (nl) {
    *nl = '\0';
    query_line = nl + 1;
    char *nl2 = memchr(query_line, '\n', rest - (size_t)(query_line - copy));
    if (nl2) {
      *nl2 = '\0';
      body = nl2 + 1;
      body_len = rest - (size_t)(body - copy);
    }
  } else {
    params_line = copy;
  }
  /* Text with a NUL in it cannot come from libmicrohttpd: cut params and query there. */
  struct api_request req = {0};
  struct api_response resp = {.status = 0};
  char *params[API_MAX_PATH_PARAMS] = {0};
  int nparams = split(params_line, '/', params, API_MAX_PATH_PARAMS);
  int want = 0;
  for (const char *p = route->pattern; (p = strchr(p, '{')); p++)
    want++;
  for (int i = 0; i < want && i < API_MAX_PATH_PARAMS; i++)
    req.path_params[i] = i < nparams && params[i][0] ? params[i] : "1";
  req.npath_params = want < API_MAX_PATH_PARAMS ? want : API_MAX_PATH_PARAMS;
  char *pairs[API_MAX_QUERY_ARGS + 1];
  int npairs = query_line[0] ? split(query_line, '&', pairs, API_MAX_QUERY_ARGS + 1) : 0;
  for (int i = 0; i < npairs; i++) {
    if (i == API_MAX_QUERY_ARGS) {
      req.query_overflow = true;
      break;
    }
    char *eq = strchr(pairs[i], '=');
    if (eq)
      *eq++ = '\0';
    req.query[req.nquery].key = pairs[i];
    req.query[req.nquery].value = eq;
    req.nquery++;
  }
  req.app = app;
  req.method = route->method;
  req.path = route->pattern;
  req.route_pattern = route->pattern;
  req.body = body;
  req.body_len = body_len;
  req.content_type = "application/json";
  req.remote_address = "127.0.0.1";
  req.loopback = true;
  req.lang = size & 1 ? API_LANG_EN : API_LANG_ZH;
  req.actor = admin;
  req.authenticated = true;
  route->handler(&req, &resp);

  /* What the harness saw, for the crash report of a broken invariant (shown on abort). */
  char *answer = resp.json ? json_dumps(resp.json, JSON_COMPACT) : NULL;
  snprintf(last_answer, sizeof last_answer, "%s %s gave %d: %.400s", route->method, route->pattern,
           resp.status, answer ? answer : "(no JSON)");
  free(answer);
  if (resp.status < 200 || resp.status > 599 || resp.status == 500)
    fail();
  if (resp.json) {
    char *text = json_dumps(resp.json, JSON_COMPACT);
    if (!text)
      fail(); /* the answer must serialize */
    free(text);
  }
  if (resp.status >= 400) {
    if (!resp.json)
      fail();
    bool keys_utf8 = true;
    for (int i = 0; i < req.nquery; i++)
      keys_utf8 &= req.query[i].key[0] && utf8_valid(req.query[i].key, strlen(req.query[i].key));
    check_error(resp.json, keys_utf8, strstr(body, "\"\"") != NULL);
  } else if (resp.status != 204 && !resp.json && !resp.raw) {
    fail();
  }
  api_response_free(&resp);
  free(copy);
  return 0;
}
