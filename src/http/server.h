/* server.h — the HTTP server: libmicrohttpd with its limits, the route table, the handler
 * pool, the web files (static.h), the live-update streams (events.h), one log line per
 * request. */
#ifndef SHOUHOU_SERVER_H
#define SHOUHOU_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "../api/api.h"
#include "../base/status.h"
struct app; /* the application object of domain/app.h, passed through to api/ */

struct server;

struct server_options {
  const char *listen;  /* IPv4 address to bind, default 127.0.0.1 */
  int port;            /* 0: any free port (the bound one is returned) */
  int workers;         /* handler threads (default 64) */
  int io_threads;      /* libmicrohttpd polling threads (default 2) */
  const char *web_dir; /* the built web UI served at / (serve --web-dir) */
};

/* Starts serving. *bound_port gets the port actually bound. Caller stops with server_stop. */
enum sh_status server_start(struct app *app, const struct server_options *options,
                            struct server **out, int *bound_port, struct sh_error *err);
/* Stops accepting, finishes the requests under way, frees everything. NULL is fine. */
void server_stop(struct server *server);

/* The header decisions of a request's first call, as pure functions (tests/fuzz/fuzz_headers.c).
 * server_lang: the answer's language from Accept-Language (English when it starts with
 * "en", any case; else Chinese). server_body_framing: lengths is how many Content-Length
 * headers came, length the value of one (NULL: none), chunked whether Transfer-Encoding came;
 * two lengths, or a length beside chunked encoding, are SERVER_FRAMING_BAD (a 400: request
 * smuggling, RFC 9112 §6.3), a declared length over max_body SERVER_FRAMING_TOO_LARGE (a 413);
 * *declared gets the declared length (strtoull's reading, 0 when none or BAD). */
enum server_framing { SERVER_FRAMING_OK, SERVER_FRAMING_BAD, SERVER_FRAMING_TOO_LARGE };
enum api_lang server_lang(const char *accept_language);
enum server_framing server_body_framing(int lengths, const char *length, bool chunked,
                                        size_t max_body, unsigned long long *declared);

#endif
