/* cli.h — the subcommands of the shouhou binary (docs/shouhou.1 describes each). */
#ifndef SHOUHOU_CLI_H
#define SHOUHOU_CLI_H

#include "domain/app.h"

/* Exit statuses (EXIT STATUS in the man page). */
enum cli_exit {
  EXIT_OK = 0,
  EXIT_FAILURE_GENERAL = 1, /* the command failed (message on stderr) */
  EXIT_USAGE = 2,           /* wrong arguments */
  EXIT_DATABASE = 3,        /* the database could not be opened or is at the wrong schema */
};

struct cli_context {
  const char *db_url;
  struct app app;
  int argc; /* the subcommand's arguments, argv[0] being its name */
  char **argv;
};

int cli_serve(struct cli_context *c);
int cli_migrate(struct cli_context *c);
int cli_region(struct cli_context *c);
int cli_demo(struct cli_context *c);
int cli_user(struct cli_context *c);
int cli_token(struct cli_context *c);
int cli_routes(struct cli_context *c);
int cli_import(struct cli_context *c);
int cli_calendar(struct cli_context *c); /* cli_calendar.c */
int cli_jobs(struct cli_context *c);     /* cli_jobs.c: jobs run [--now] */
/* Loads the work calendar from file when no year is loaded yet (for demo). */
int cli_calendar_ensure(struct cli_context *c, const char *file);

/* Opens the store named by c->db_url into c->app.store; migrate: apply migrations first;
 * else refuse a database whose schema differs from the binary's. Prints why on failure. */
int cli_open(struct cli_context *c, int migrate);

/* Prints "shouhou: WHAT: code (field)" and the detail on stderr. */
struct sh_error;
void cli_print_error(const char *what, const struct sh_error *err);

#endif
