/* metrics.c — Prometheus text for /metrics: requests by route and status, a latency
 * histogram by route, and the database's statement count and time. Written by hand (no C
 * Prometheus client is packaged; DESIGN.md); `promtool check metrics` accepts it.
 * Answers loopback callers, or any caller with a valid API token. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/limits.h"
#include "../domain/health.h"
#include "../domain/session.h"
#include "handlers.h"

/* routes.c asserts that the table fits (it once outgrew 64, and routes past that were counted
 * as unmatched). */
#define MAX_ROUTES API_MAX_ROUTES
static const int statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405,
                               409, 413, 415, 422, 429, 500, 503, 0};
#define NSTATUS (sizeof statuses / sizeof *statuses) /* the last slot is "other" */
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,   0.25,   0.5,   1.0,  2.5,   5.0};
#define NBUCKETS (sizeof buckets / sizeof *buckets)

/* Slot MAX_ROUTES counts requests that matched no route, slot STATIC_SLOT the web files
 * (http/static.c). The counters are the server's own state, shared by every worker thread,
 * hence atomics. */
#define STATIC_SLOT (MAX_ROUTES + 1)
#define NSLOTS (MAX_ROUTES + 2)
static _Atomic uint64_t requests[NSLOTS][NSTATUS];
static _Atomic uint64_t latency[NSLOTS][NBUCKETS + 1];
static _Atomic uint64_t latency_sum_usec[NSLOTS];

/* The slot of a route: its index in the table (GET and POST of one path are two routes). */
static size_t route_slot(const struct api_route *route) {
  if (!route || route < api_routes || route >= api_routes + api_route_count)
    return MAX_ROUTES;
  size_t i = (size_t)(route - api_routes);
  return i < MAX_ROUTES ? i : MAX_ROUTES;
}

static void observe(size_t r, int status, int64_t duration_usec) {
  size_t s = NSTATUS - 1, b = NBUCKETS;
  for (size_t i = 0; i + 1 < NSTATUS; i++)
    if (statuses[i] == status)
      s = i;
  for (size_t i = 0; i < NBUCKETS; i++)
    if ((double)duration_usec / 1e6 <= buckets[i]) {
      b = i;
      break;
    }
  atomic_fetch_add(&requests[r][s], 1);
  atomic_fetch_add(&latency[r][b], 1);
  atomic_fetch_add(&latency_sum_usec[r], (uint64_t)(duration_usec > 0 ? duration_usec : 0));
}

void api_metrics_observe(const struct api_route *route, int status, int64_t duration_usec) {
  observe(route_slot(route), status, duration_usec);
}

void api_metrics_observe_static(int status, int64_t duration_usec) {
  observe(STATIC_SLOT, status, duration_usec);
}

static void route_label(size_t r, char *out, size_t n) {
  if (r == STATIC_SLOT)
    snprintf(out, n, "method=\"GET\",route=\"static\"");
  else if (r == MAX_ROUTES)
    snprintf(out, n, "method=\"\",route=\"unmatched\"");
  else
    snprintf(out, n, "method=\"%s\",route=\"%s\"", api_routes[r].method, api_routes[r].pattern);
}

void api_metrics_get(struct api_request *req, struct api_response *resp) {
  struct actor who;
  struct sh_error err;
  if (!req->loopback) {
    const char *auth = req->authorization;
    if (!auth) {
      api_fail(req, resp, SH_ERR_UNAUTHENTICATED, "unauthenticated", NULL);
      return;
    }
    if (strncmp(auth, "Bearer ", 7) != 0 ||
        token_resolve(req->app, auth + 7, req->remote_address, &who, &err) != SH_OK) {
      api_fail(req, resp, SH_ERR_UNAUTHENTICATED, "invalid_token", NULL);
      return;
    }
  }
  struct buf b;
  buf_init(&b, SH_MAX_METRICS_BYTES);
  char label[160];
  buf_append_str(&b, "# HELP shouhou_http_requests_total HTTP requests by route and status.\n"
                     "# TYPE shouhou_http_requests_total counter\n");
  for (size_t r = 0; r < NSLOTS; r++) {
    if (r < MAX_ROUTES && r >= api_route_count)
      continue;
    route_label(r, label, sizeof label);
    for (size_t s = 0; s < NSTATUS; s++) {
      uint64_t n = atomic_load(&requests[r][s]);
      if (n == 0)
        continue;
      if (statuses[s])
        buf_printf(&b, "shouhou_http_requests_total{%s,status=\"%d\"} %llu\n", label, statuses[s],
                   (unsigned long long)n);
      else
        buf_printf(&b, "shouhou_http_requests_total{%s,status=\"other\"} %llu\n", label,
                   (unsigned long long)n);
    }
  }
  buf_append_str(&b, "# HELP shouhou_http_request_duration_seconds Time to answer a request.\n"
                     "# TYPE shouhou_http_request_duration_seconds histogram\n");
  for (size_t r = 0; r < NSLOTS; r++) {
    if (r < MAX_ROUTES && r >= api_route_count)
      continue;
    uint64_t total = 0;
    for (size_t i = 0; i <= NBUCKETS; i++)
      total += atomic_load(&latency[r][i]);
    if (total == 0)
      continue;
    route_label(r, label, sizeof label);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < NBUCKETS; i++) {
      cumulative += atomic_load(&latency[r][i]);
      buf_printf(&b, "shouhou_http_request_duration_seconds_bucket{%s,le=\"%g\"} %llu\n", label,
                 buckets[i], (unsigned long long)cumulative);
    }
    buf_printf(&b, "shouhou_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %llu\n", label,
               (unsigned long long)total);
    buf_printf(&b, "shouhou_http_request_duration_seconds_sum{%s} %.6f\n", label,
               (double)atomic_load(&latency_sum_usec[r]) / 1e6);
    buf_printf(&b, "shouhou_http_request_duration_seconds_count{%s} %llu\n", label,
               (unsigned long long)total);
  }
  uint64_t statements, nanos;
  health_db_stats(req->app, &statements, &nanos);
  buf_printf(&b,
             "# HELP shouhou_db_statements_total SQL statements run.\n"
             "# TYPE shouhou_db_statements_total counter\n"
             "shouhou_db_statements_total %llu\n"
             "# HELP shouhou_db_seconds_total Time spent in SQL statements.\n"
             "# TYPE shouhou_db_seconds_total counter\n"
             "shouhou_db_seconds_total %.6f\n",
             (unsigned long long)statements, (double)nanos / 1e9);
  resp->status = 200;
  resp->raw_len = b.len;
  resp->raw = buf_detach(&b);
  resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
}
