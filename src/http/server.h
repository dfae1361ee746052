/* server.h — the HTTP server: libmicrohttpd with its limits, the route table, the handler
 * pool, the web files (static.h), the live-update streams (events.h), one log line per
 * request. */
#ifndef SHOUHOU_SERVER_H
#define SHOUHOU_SERVER_H

#include <stdbool.h>

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

#endif
