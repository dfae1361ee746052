/* server.c — libmicrohttpd adapted to the api/ handler interface.
 *
 * Design: libmicrohttpd's polling threads (epoll) only read and write bytes. The first call
 * for a request allocates its state (*req_cls) and checks the headers: two Content-Length
 * headers are a 400 (libmicrohttpd 0.9.75 accepts them), a declared body over the limit is
 * a 413 before any of it is read, a body that is not JSON a 415. Upload calls append to a
 * bounded buffer. On the final call the request is suspended and handed to the handler pool;
 * the worker runs api_handle (which may wait for a group commit) and resumes the connection,
 * and the next call queues the response — never on the first call, so keep-alive works
 * (DESIGN.md pitfall). The completion callback writes the log line, counts the metrics and
 * frees the state. Limits: connections in total and per address, idle timeout, memory per
 * connection (which bounds headers), all from base/limits.h — and, since libmicrohttpd's idle
 * timeout restarts at every byte, a header deadline of our own (watch_headers): a request's
 * headers must all arrive within the idle timeout of the connection opening or of the
 * previous answer, or the connection is cut (slowloris).
 *
 * Two kinds of answer leave the route table: a path outside /api/ and /metrics is a web file
 * (static.c, answered in libmicrohttpd's thread on the final call — an open and an fstat);
 * the 200 of GET /api/v1/events becomes a live stream (events.c) once api_handle has
 * authenticated it in the pool like any request. libmicrohttpd decodes the path into a C
 * string, so "%00" would silently cut it short ("/index.html%00.js" read as "/index.html"):
 * our unescape hook notes a decoded NUL on the connection, and such a path matches nothing. */
#include "server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../api/api.h"
#include "../base/buf.h"
#include "../base/limits.h"
#include "../base/log.h"
#include "../base/mem.h"
#include "events.h"
#include "pool.h"
#include "router.h"
#include "static.h"

struct conn_state;

struct server {
  struct app *app;
  struct MHD_Daemon *daemon;
  struct pool *pool;
  struct events *events;
  char web_dir[4096];
  int64_t idle_usec; /* the idle timeout, also the header deadline (base/limits.h) */
  /* The header deadline (watch_headers): every open connection, under mu. */
  pthread_mutex_t mu;
  pthread_cond_t wake;
  struct conn_state *conns;
  bool stopping;
  bool watching; /* the watcher thread runs */
  pthread_t watcher;
};

/* Per connection (libmicrohttpd's socket context): what the unescape hook saw while the
 * current request's target was decoded, and what the header deadline needs. */
struct conn_state {
  bool nul;                       /* a %00 was decoded in the path or the query */
  struct conn_state *prev, *next; /* in server.conns, under server.mu */
  int fd;                         /* the socket (never closed by us: shut down at most) */
  bool busy;                      /* a request's headers are in: it is read, handled, answered */
  bool cut;                       /* the watcher shut the socket down */
  int64_t waiting_since;          /* monotonic µs: opened, or its last answer was sent */
  char address[INET6_ADDRSTRLEN]; /* the client, for the log line of a cut */
};

enum request_state { RECEIVING, DISPATCHED, ANSWERED };

struct request {
  struct server *server;
  struct MHD_Connection *conn;
  enum request_state state;
  struct buf body;
  size_t discarded; /* bytes of an oversized chunked body thrown away */
  int64_t start_usec;
  struct route_match match;
  bool is_static; /* a web file, not a route (static.c) */
  bool path_bad;  /* the path held a %00, or was too long to keep */
  char scratch[512];
  char path[1024];
  char address[64];
  const char *method;
  struct api_request api;
  struct api_response resp;
};

static int64_t now_usec(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The idle timeout and header deadline in seconds: SH_CONNECTION_IDLE_SECONDS, or
 * SHOUHOU_HTTP_IDLE_SECONDS (1 to 3600), which the tests set to shorten it. */
static int idle_seconds(void) {
  const char *v = getenv("SHOUHOU_HTTP_IDLE_SECONDS");
  if (!v || !*v)
    return SH_CONNECTION_IDLE_SECONDS;
  char *end = NULL;
  long seconds = strtol(v, &end, 10);
  return *end || seconds < 1 || seconds > 3600 ? SH_CONNECTION_IDLE_SECONDS : (int)seconds;
}

static struct conn_state *conn_state_of(struct MHD_Connection *conn) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return ci ? ci->socket_context : NULL;
}

/* Notes whether the connection has a request under way; while it has none, its header
 * deadline runs from now. */
static void watch_busy(struct server *s, struct conn_state *cs, bool busy) {
  if (!cs)
    return;
  pthread_mutex_lock(&s->mu);
  cs->busy = busy;
  cs->waiting_since = now_usec();
  pthread_mutex_unlock(&s->mu);
}

/* The header deadline. libmicrohttpd's idle timeout restarts with every byte received, so a
 * client sending a request's headers a byte at a time (slowloris) would hold its connection
 * for ever. Once a second this thread shuts down the socket of every connection that has had
 * no request under way for longer than the idle timeout — its headers have not all arrived
 * since it opened or since its last answer was sent — and libmicrohttpd closes it as if the
 * client had hung up. Only libmicrohttpd closes the socket, after NOTIFY_CLOSED took it off
 * the list under mu: the descriptor shut down here is always this connection's. */
static void *watch_headers(void *arg) {
  struct server *s = arg;
  pthread_mutex_lock(&s->mu);
  while (!s->stopping) {
    int64_t now = now_usec();
    for (struct conn_state *cs = s->conns; cs; cs = cs->next) {
      if (cs->busy || cs->cut || now - cs->waiting_since <= s->idle_usec)
        continue;
      cs->cut = true;
      shutdown(cs->fd, SHUT_RDWR);
      sh_log(LOG_PRIO_INFO, "msg=request_header_timeout address=%s", cs->address);
    }
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += 1;
    pthread_cond_timedwait(&s->wake, &s->mu, &until);
  }
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value) {
  (void)kind;
  (void)value;
  if (strcasecmp(key, "Content-Length") == 0)
    (*(int *)cls)++;
  return MHD_YES;
}

enum api_lang server_lang(const char *accept_language) {
  return accept_language && strncasecmp(accept_language, "en", 2) == 0 ? API_LANG_EN : API_LANG_ZH;
}

enum server_framing server_body_framing(int lengths, const char *length, bool chunked,
                                        size_t max_body, unsigned long long *declared) {
  *declared = 0;
  /* Two lengths, or a length beside chunked encoding, let a proxy and this server disagree
   * on where the request ends (request smuggling; RFC 9112 §6.3). */
  if (lengths > 1 || (lengths == 1 && chunked))
    return SERVER_FRAMING_BAD;
  *declared = length ? strtoull(length, NULL, 10) : 0;
  return *declared > max_body ? SERVER_FRAMING_TOO_LARGE : SERVER_FRAMING_OK;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     size_t key_size, const char *value, size_t value_size) {
  (void)kind;
  struct api_request *r = cls;
  /* A %00 would silently cut the value short when read as a C string ("version=1%00zzz"
   * would read as 1): refuse it, naming the parameter. */
  if ((value && strlen(value) != value_size) || strlen(key) != key_size) {
    if (!r->query_nul)
      r->query_nul = key;
    return MHD_YES;
  }
  if (r->nquery == API_MAX_QUERY_ARGS) {
    r->query_overflow = true;
    return MHD_NO;
  }
  r->query[r->nquery].key = key;
  r->query[r->nquery].value = value;
  r->nquery++;
  return MHD_YES;
}

static void add_common_headers(struct MHD_Response *response, const struct api_response *r) {
  MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(response, "Referrer-Policy", "same-origin");
  MHD_add_response_header(response, "X-Frame-Options", "DENY");
  MHD_add_response_header(response, "Content-Security-Policy",
                          "default-src 'none'; frame-ancestors 'none'");
  MHD_add_response_header(response, "Cache-Control", "no-store");
  if (r->set_cookie[0])
    MHD_add_response_header(response, "Set-Cookie", r->set_cookie);
  if (r->disposition[0])
    MHD_add_response_header(response, "Content-Disposition", r->disposition);
  if (r->allow[0])
    MHD_add_response_header(response, "Allow", r->allow);
  if (r->retry_after > 0) {
    char seconds[16];
    snprintf(seconds, sizeof seconds, "%d", r->retry_after);
    MHD_add_response_header(response, "Retry-After", seconds);
  }
}

static enum MHD_Result send_response(struct request *r);

/* The 200 of GET /api/v1/events: the live stream (events.c), or a 503 past its bound. */
static enum MHD_Result send_stream(struct request *r) {
  enum events_refusal why;
  struct MHD_Response *response = events_open(r->server->events, r->conn, &why);
  if (!response) {
    r->resp.event_stream = false;
    api_fail(&r->api, &r->resp, SH_ERR_UNAVAILABLE,
             why == EVENTS_STOPPING ? "shutting_down" : "unavailable", NULL);
    r->resp.retry_after = 5;
    return send_response(r);
  }
  add_common_headers(response, &r->resp);
  enum MHD_Result ret = MHD_queue_response(r->conn, 200, response);
  MHD_destroy_response(response);
  r->state = ANSWERED;
  return ret;
}

static enum MHD_Result send_response(struct request *r) {
  struct api_response *resp = &r->resp;
  if (resp->event_stream && resp->status == 200 && strcmp(r->method, "HEAD") != 0)
    return send_stream(r);
  char *data = NULL;
  size_t len = 0;
  const char *type = NULL;
  if (resp->json) {
    data = json_dumps(resp->json, JSON_COMPACT);
    len = data ? strlen(data) : 0;
    type = "application/json; charset=utf-8";
    if (!data)
      resp->status = 500;
  } else if (resp->raw) {
    data = resp->raw;
    len = resp->raw_len;
    resp->raw = NULL;
    type = resp->content_type;
  } else if (resp->event_stream) {
    type = "text/event-stream"; /* HEAD of the stream: its headers, no stream */
  }
  struct MHD_Response *response = MHD_create_response_from_buffer(
      len, data ? data : (void *)"", data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
  if (!response) {
    free(data);
    return MHD_NO;
  }
  if (type)
    MHD_add_response_header(response, "Content-Type", type);
  add_common_headers(response, resp);
  enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)resp->status, response);
  MHD_destroy_response(response);
  r->state = ANSWERED;
  return ret;
}

/* An error decided by the HTTP layer itself (no route, body too large, …). */
static enum MHD_Result send_error(struct request *r, enum sh_status status, const char *code) {
  api_fail(&r->api, &r->resp, status, code, NULL);
  return send_response(r);
}

/* A web file (static.c), answered here in libmicrohttpd's thread. */
static enum MHD_Result send_static(struct request *r) {
  struct static_request q = {
      .dir = r->server->web_dir,
      .method = r->method,
      .path = r->path,
      .path_bad = r->path_bad,
      .accept_encoding = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Encoding"),
      .if_none_match = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-None-Match"),
  };
  int status = 500;
  struct MHD_Response *response = static_answer(&q, &status);
  if (!response)
    return MHD_NO;
  enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)status, response);
  MHD_destroy_response(response);
  r->resp.status = status;
  r->state = ANSWERED;
  return ret;
}

static void run_job(void *job) {
  struct request *r = job;
  api_handle(r->match.route, &r->api, &r->resp);
  r->state = ANSWERED;
  MHD_resume_connection(r->conn);
}

static void fill_request(struct request *r, const char *url) {
  struct api_request *a = &r->api;
  struct MHD_Connection *c = r->conn;
  a->app = r->server->app;
  a->method = r->method;
  snprintf(r->path, sizeof r->path, "%s", url);
  a->path = r->path;
  a->content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
  a->authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
  a->csrf_token = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
  a->idempotency_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
  a->cookie_session = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "shouhou_session");
  a->lang = server_lang(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language"));
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  snprintf(r->address, sizeof r->address, "unknown");
  if (info && info->client_addr) {
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
      const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
      inet_ntop(AF_INET, &in->sin_addr, r->address, sizeof r->address);
      a->loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    } else if (sa->sa_family == AF_INET6) {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
      inet_ntop(AF_INET6, &in6->sin6_addr, r->address, sizeof r->address);
      a->loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
  }
  a->remote_address = r->address;
  const union MHD_ConnectionInfo *tls = MHD_get_connection_info(c, MHD_CONNECTION_INFO_PROTOCOL);
  a->tls = tls != NULL;
  MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect_query, a);
}

static bool has_body(struct MHD_Connection *c) {
  const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
  const char *chunked = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
  return (length && strcmp(length, "0") != 0) || chunked;
}

/* The first call: allocate, look at the headers, and refuse what cannot be served. */
static enum MHD_Result first_call(struct server *s, struct MHD_Connection *conn, const char *url,
                                  const char *method, void **req_cls) {
  struct request *r = sh_calloc(1, sizeof *r);
  if (!r)
    return MHD_NO;
  r->server = s;
  r->conn = conn;
  r->method = method;
  r->start_usec = now_usec();
  r->resp.status = 500;
  *req_cls = r;
  fill_request(r, url);
  /* A path cut short — at a decoded %00 (the unescape hook saw it; one in the query is
   * refused by the handler, naming the parameter) or by the length of r->path — names
   * nothing, rather than the shorter path. */
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  struct conn_state *cs = ci ? ci->socket_context : NULL;
  r->path_bad = strlen(url) >= sizeof r->path || (cs && cs->nul && !r->api.query_nul);
  if (cs)
    cs->nul = false;
  watch_busy(s, cs, true);
  r->is_static = static_handles(r->path);
  if (r->is_static)
    r->api.route_pattern = "static";
  /* The route is known from the headers: it sets how large a body may be and of what type.
   * An unknown path or method is answered on the final call (keeping the connection). */
  else if (!r->path_bad)
    router_match(api_routes, api_route_count, method, r->path, r->scratch, sizeof r->scratch,
                 &r->match);
  else
    r->match.status = 404;
  size_t max_body = api_route_max_body(r->match.route);
  buf_init(&r->body, max_body);
  int lengths = 0;
  MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &lengths);
  const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
  bool chunked = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding") != NULL;
  unsigned long long declared = 0;
  enum server_framing framing = server_body_framing(lengths, length, chunked, max_body, &declared);
  if (framing == SERVER_FRAMING_BAD)
    return send_error(r, SH_ERR_MALFORMED, "bad_request");
  if (framing == SERVER_FRAMING_TOO_LARGE) {
    /* Too large. A client that asked "Expect: 100-continue" has not sent the body: answer at
     * once. Any other client is sending it right now and, were we to answer and close, would
     * see a reset instead of the 413 (a browser upload would show "connection failed"): read
     * and throw the body away, storing nothing, and answer when it is in — unless it is
     * past the discard bound, then answer at once and close. */
    const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
    if ((expect && strcasecmp(expect, "100-continue") == 0) || declared > SH_MAX_DISCARD_BYTES)
      return send_error(r, SH_ERR_TOO_LARGE, "too_large");
    r->discarded = 1;
  }
  if (has_body(conn) && r->match.route && !api_route_accepts(r->match.route, r->api.content_type))
    return send_error(r, SH_ERR_MEDIA_TYPE,
                      r->match.route->body == API_BODY_FILE ? "not_multipart"
                                                            : "unsupported_media_type");
  return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls) {
  (void)version;
  struct server *s = cls;
  struct request *r = *req_cls;
  if (!r)
    return first_call(s, conn, url, method, req_cls);
  if (*upload_data_size > 0) {
    /* A chunked body past the limit (a declared one was refused before): throw the rest
     * away so the client can read its 413, up to a bound. */
    if (r->discarded || buf_append(&r->body, upload_data, *upload_data_size) != SH_OK) {
      r->discarded += *upload_data_size;
      if (r->discarded > SH_MAX_DISCARD_BYTES)
        return MHD_NO;
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (r->state == ANSWERED)
    return send_response(r);
  if (r->state == DISPATCHED)
    return MHD_YES; /* resumed before the worker was done: cannot happen, be safe */
  if (r->is_static)
    return send_static(r);
  if (r->discarded)
    return send_error(r, SH_ERR_TOO_LARGE, "too_large");
  if (buf_append(&r->body, "", 0) != SH_OK)
    return MHD_NO;
  r->api.body = r->body.data ? r->body.data : "";
  r->api.body_len = r->body.len;
  if (r->match.status == 404)
    return send_error(r, SH_ERR_NOT_FOUND, "not_found");
  if (r->match.status == 405) {
    snprintf(r->resp.allow, sizeof r->resp.allow, "%s", r->match.allow);
    return send_error(r, SH_ERR_METHOD, "method_not_allowed");
  }
  r->api.route_pattern = r->match.route->pattern;
  for (int i = 0; i < r->match.nparams; i++)
    r->api.path_params[i] = r->match.params[i];
  r->api.npath_params = r->match.nparams;
  r->state = DISPATCHED;
  MHD_suspend_connection(conn);
  pool_submit(s->pool, r);
  return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode code) {
  watch_busy(cls, conn_state_of(conn), false);
  struct request *r = *req_cls;
  if (!r)
    return;
  int64_t duration = now_usec() - r->start_usec;
  int status = r->state == ANSWERED ? r->resp.status : 0;
  char path[300], user[100];
  /* A path that carries a secret (the iCalendar feed's {token}) is logged as its pattern:
   * the log must not hand out a key to someone's calendar. */
  const char *pattern = r->api.route_pattern;
  log_quote(path, sizeof path, pattern && strstr(pattern, "{token}") ? pattern : r->path);
  log_quote(user, sizeof user, r->resp.user[0] ? r->resp.user : "-");
  sh_log(LOG_PRIO_INFO,
         "msg=request method=%s route=%s path=%s status=%d duration_ms=%.3f user=%s "
         "address=%s%s",
         r->method, r->api.route_pattern ? r->api.route_pattern : "-", path, status,
         (double)duration / 1000.0, user, r->address,
         code == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=true");
  if (r->is_static)
    api_metrics_observe_static(status, duration);
  else
    api_metrics_observe(r->match.route, status, duration);
  api_response_free(&r->resp);
  buf_free(&r->body);
  free(r);
  *req_cls = NULL;
}

static void on_log(void *cls, const char *fmt, va_list ap) {
  (void)cls;
  char text[512], quoted[600];
  vsnprintf(text, sizeof text, fmt, ap);
  text[strcspn(text, "\n")] = '\0';
  log_quote(quoted, sizeof quoted, text);
  sh_log(LOG_PRIO_WARNING, "msg=http_library error=%s", quoted);
}

/* A connection opens (its state joins the header deadline's list) or closes (leaves it). */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
  struct server *s = cls;
  struct conn_state *cs = *socket_context;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    cs = sh_calloc(1, sizeof *cs);
    *socket_context = cs;
    if (!cs)
      return;
    const union MHD_ConnectionInfo *fd =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    const union MHD_ConnectionInfo *peer =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    cs->fd = fd ? fd->connect_fd : -1;
    snprintf(cs->address, sizeof cs->address, "unknown");
    if (peer && peer->client_addr && peer->client_addr->sa_family == AF_INET)
      inet_ntop(AF_INET, &((const struct sockaddr_in *)peer->client_addr)->sin_addr, cs->address,
                sizeof cs->address);
    pthread_mutex_lock(&s->mu);
    cs->busy = cs->fd < 0; /* nothing to shut down: never watched */
    cs->waiting_since = now_usec();
    cs->next = s->conns;
    if (s->conns)
      s->conns->prev = cs;
    s->conns = cs;
    pthread_mutex_unlock(&s->mu);
  } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && cs) {
    pthread_mutex_lock(&s->mu);
    if (cs->prev)
      cs->prev->next = cs->next;
    else
      s->conns = cs->next;
    if (cs->next)
      cs->next->prev = cs->prev;
    pthread_mutex_unlock(&s->mu);
    free(cs);
    *socket_context = NULL;
  }
}

/* libmicrohttpd's own decoding, noting on the connection whether it produced a NUL. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s) {
  (void)cls;
  size_t n = MHD_http_unescape(s);
  if (memchr(s, '\0', n)) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct conn_state *cs = ci ? ci->socket_context : NULL;
    if (cs)
      cs->nul = true;
  }
  return n;
}

enum sh_status server_start(struct app *app, const struct server_options *o, struct server **out,
                            int *bound_port, struct sh_error *err) {
  struct server *s = sh_calloc(1, sizeof *s);
  if (!s)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  s->app = app;
  const char *web_dir = o->web_dir ? o->web_dir : "";
  if (strlen(web_dir) >= sizeof s->web_dir) {
    free(s);
    return sh_fail(err, SH_ERR_INVALID, "field_length", "web-dir", NULL);
  }
  snprintf(s->web_dir, sizeof s->web_dir, "%s", web_dir);
  static_check_dir(s->web_dir);
  s->events = events_start(app);
  s->pool = s->events ? pool_start(o->workers > 0 ? o->workers : 64, run_job) : NULL;
  if (!s->pool) {
    events_free(s->events);
    free(s);
    return sh_fail(err, SH_ERR_INTERNAL, "thread_create_failed", NULL, NULL);
  }
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
  if (inet_pton(AF_INET, o->listen ? o->listen : "127.0.0.1", &addr.sin_addr) != 1) {
    pool_stop(s->pool);
    events_free(s->events);
    free(s);
    return sh_fail(err, SH_ERR_INVALID, "invalid_listen_address", "listen", o->listen);
  }
  int idle = idle_seconds();
  s->idle_usec = (int64_t)idle * 1000000;
  pthread_condattr_t clock;
  pthread_condattr_init(&clock);
  pthread_condattr_setclock(&clock, CLOCK_MONOTONIC);
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->wake, &clock);
  pthread_condattr_destroy(&clock);
  s->daemon = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
          MHD_USE_ERROR_LOG,
      (uint16_t)o->port, NULL, NULL, on_request, s,
      /* The logger first: libmicrohttpd uses its own for anything before it. */
      MHD_OPTION_EXTERNAL_LOGGER, on_log, s, MHD_OPTION_SOCK_ADDR, &addr,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->io_threads > 0 ? o->io_threads : 2),
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)SH_MAX_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
      (unsigned)SH_MAX_CONNECTIONS_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)idle,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SH_MAX_HEADER_BYTES, MHD_OPTION_NOTIFY_COMPLETED,
      on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_UNESCAPE_CALLBACK,
      unescape, s, MHD_OPTION_END);
  if (!s->daemon) {
    pool_stop(s->pool);
    events_free(s->events);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->mu);
    free(s);
    return sh_fail(err, SH_ERR_UNAVAILABLE, "listen_failed", "port", NULL);
  }
  s->watching = pthread_create(&s->watcher, NULL, watch_headers, s) == 0;
  if (!s->watching) {
    server_stop(s);
    return sh_fail(err, SH_ERR_INTERNAL, "thread_create_failed", NULL, NULL);
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  *bound_port = info ? info->port : o->port;
  *out = s;
  return SH_OK;
}

void server_stop(struct server *s) {
  if (!s)
    return;
  /* Stop accepting; end every live stream (resuming the suspended ones, refusing new ones);
   * let the workers finish (each resumes its connection); give the streams a moment to send
   * their last chunk; then stop: libmicrohttpd must not be stopped with a connection still
   * suspended. The hub goes last: stopping the daemon releases the streams still open. */
  MHD_quiesce_daemon(s->daemon);
  events_end_all(s->events, 0);
  pool_stop(s->pool);
  events_end_all(s->events, 2000);
  if (s->watching) {
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->watcher, NULL);
  }
  MHD_stop_daemon(s->daemon); /* closing the connections still takes mu (on_connection) */
  events_free(s->events);
  pthread_cond_destroy(&s->wake);
  pthread_mutex_destroy(&s->mu);
  free(s);
}
