/* static.h — the built web UI (web/dist) served at / (DESIGN.md "Web files"): every request
 * whose path is not under /api/ and is not /metrics. No session is needed (the role matrix's
 * "public" row GET /{path}); the files are looked up beneath one directory without ever
 * leaving it, pre-compressed FILE.gz copies are sent to clients that accept gzip, hashed
 * names under /assets/ are cached for a year, and a path without an extension that names no
 * file is a route of the UI's history mode (index.html). */
#ifndef SHOUHOU_STATIC_H
#define SHOUHOU_STATIC_H

#include <stdbool.h>

struct MHD_Response;

/* The row `shouhou routes` prints for the web files (the matrix and openapi.yaml list it). */
#define STATIC_ROUTE_METHOD "GET"
#define STATIC_ROUTE_PATTERN "/{path}"
#define STATIC_ROUTE_ACTION "public"

/* True when path is answered by the web files rather than the route table. */
bool static_handles(const char *path);

/* Checks the directory at start: logs a warning when it or its index.html is missing (the
 * UI then answers 503 saying how to build it). */
void static_check_dir(const char *dir);

struct static_request {
  const char *dir;             /* the web directory (serve --web-dir) */
  const char *method;          /* GET and HEAD are served, anything else is a 405 */
  const char *path;            /* as libmicrohttpd decoded it */
  bool path_bad;               /* the target held a %00 or was too long to keep */
  const char *accept_encoding; /* header, NULL if absent */
  const char *if_none_match;   /* header, NULL if absent */
};

/* Builds the answer: sets *status and returns the response for the caller to queue and
 * destroy; NULL when out of memory or descriptors. */
struct MHD_Response *static_answer(const struct static_request *q, int *status);

#endif
