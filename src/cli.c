/* cli.c — the subcommands (see cli.h and docs/shouhou.1). Each parses its own options,
 * opens the store, calls the domain and prints a result a person can read. */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "api/api.h"
#include "base/limits.h"
#include "base/mem.h"
#include "config.h"
#include "domain/import.h"
#include "export/csv_read.h"
#include "export/xlsx_read.h"
#include "domain/reference.h"
#include "domain/session.h"
#include "domain/user.h"
#include "http/server.h"
#include "http/static.h"
#include "jobs/scheduler.h"
#include "store/migrate.h"

void cli_print_error(const char *what, const struct sh_error *err) {
  fprintf(stderr, "shouhou: %s: %s%s%s%s%s\n", what, err->code[0] ? err->code : "failed",
          err->field[0] ? " (" : "", err->field, err->field[0] ? ")" : "",
          err->detail[0] ? "" : "");
  if (err->detail[0])
    fprintf(stderr, "  %s\n", err->detail);
}

int cli_open(struct cli_context *c, int migrate) {
  struct sh_error err;
  sh_error_clear(&err);
  struct store_options options = {.group_commit = true, .read_pool_size = 16};
  const char *group = getenv("SHOUHOU_GROUP_COMMIT");
  if (group && strcmp(group, "off") == 0)
    options.group_commit = false;
  if (store_open(c->db_url, &options, &c->app.store, &err) != SH_OK) {
    cli_print_error("cannot open the database", &err);
    return EXIT_DATABASE;
  }
  int applied = 0;
  enum sh_status rc = migrate ? store_migrate(c->app.store, &applied, &err)
                              : store_check_schema(c->app.store, &err);
  if (rc != SH_OK) {
    cli_print_error(migrate ? "migration failed" : "database not ready", &err);
    return EXIT_DATABASE;
  }
  return EXIT_OK;
}

int cli_migrate(struct cli_context *c) {
  int rc = cli_open(c, 1);
  if (rc != EXIT_OK)
    return rc;
  int version = 0;
  struct sh_error err;
  if (store_schema_version(c->app.store, &version, &err) == SH_OK)
    printf("database at schema version %d\n", version);
  return EXIT_OK;
}

static volatile sig_atomic_t unused_signal;

int cli_serve(struct cli_context *c) {
  struct server_options o = {
      .listen = "127.0.0.1", .port = 8080, .workers = 64, .web_dir = SHOUHOU_WEB_DIR};
  static const struct option options[] = {{"listen", required_argument, NULL, 'l'},
                                          {"port", required_argument, NULL, 'p'},
                                          {"workers", required_argument, NULL, 'w'},
                                          {"group-commit", required_argument, NULL, 'g'},
                                          {"secure-cookies", no_argument, NULL, 's'},
                                          {"web-dir", required_argument, NULL, 'd'},
                                          {NULL, 0, NULL, 0}};
  int opt;
  optind = 1;
  while ((opt = getopt_long(c->argc, c->argv, "", options, NULL)) != -1) {
    char *end = NULL;
    switch (opt) {
    case 'l':
      o.listen = optarg;
      break;
    case 'p':
      o.port = (int)strtol(optarg, &end, 10);
      if (*end || o.port < 0 || o.port > 65535) {
        fprintf(stderr, "shouhou serve: --port takes 0..65535\n");
        return EXIT_USAGE;
      }
      break;
    case 'w':
      o.workers = (int)strtol(optarg, &end, 10);
      if (*end || o.workers < 1 || o.workers > 1024) {
        fprintf(stderr, "shouhou serve: --workers takes 1..1024\n");
        return EXIT_USAGE;
      }
      break;
    case 'g':
      if (strcmp(optarg, "on") != 0 && strcmp(optarg, "off") != 0) {
        fprintf(stderr, "shouhou serve: --group-commit takes on or off\n");
        return EXIT_USAGE;
      }
      setenv("SHOUHOU_GROUP_COMMIT", optarg, 1);
      break;
    case 's':
      c->app.secure_cookies = true;
      break;
    case 'd':
      o.web_dir = optarg;
      break;
    default:
      return EXIT_USAGE;
    }
  }
  /* Block the stop signals before any thread starts, so only sigwait below sees them. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);
  (void)unused_signal;
  int rc = cli_open(c, 1);
  if (rc != EXIT_OK)
    return rc;
  struct server *server = NULL;
  struct sh_error err;
  int port = 0;
  struct scheduler_options jobs;
  if (scheduler_options_from_env(&jobs, &err) != SH_OK) {
    cli_print_error("background jobs", &err);
    return EXIT_USAGE;
  }
  if (server_start(&c->app, &o, &server, &port, &err) != SH_OK) {
    cli_print_error("cannot serve", &err);
    return EXIT_FAILURE_GENERAL;
  }
  struct scheduler *scheduler = NULL;
  if (scheduler_start(&c->app, &jobs, &scheduler, &err) != SH_OK) {
    cli_print_error("cannot start the background jobs", &err);
    server_stop(server);
    return EXIT_FAILURE_GENERAL;
  }
  printf("shouhou %s listening on http://%s:%d\n", SHOUHOU_VERSION, o.listen, port);
  fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  fprintf(stderr, "shouhou: stopping (signal %d)\n", sig);
  scheduler_stop(scheduler); /* before the server: a pass may be using the store */
  server_stop(server);
  return EXIT_OK;
}

int cli_region(struct cli_context *c) {
  if (c->argc < 2 || strcmp(c->argv[1], "load") != 0 || c->argc > 3) {
    fprintf(stderr, "usage: shouhou region load [FILE]\n");
    return EXIT_USAGE;
  }
  const char *file = c->argc == 3 ? c->argv[2] : SHOUHOU_REGIONS_FILE;
  int rc = cli_open(c, 1);
  if (rc != EXIT_OK)
    return rc;
  size_t count = 0;
  struct sh_error err;
  if (reference_load_regions(&c->app, file, &count, &err) != SH_OK) {
    cli_print_error(file, &err);
    return EXIT_FAILURE_GENERAL;
  }
  printf("loaded %zu regions from %s\n", count, file);
  return EXIT_OK;
}

/* Reads a password: without echo from a terminal, else one line of standard input. */
static bool read_password(char *out, size_t n) {
  struct termios old, quiet;
  bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    fprintf(stderr, "password: ");
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  bool ok = fgets(out, (int)n, stdin) != NULL;
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fprintf(stderr, "\n");
  }
  if (ok)
    out[strcspn(out, "\r\n")] = '\0';
  return ok && out[0];
}

/* Splits "110000,310000" into an array of copies. */
static char **split_codes(const char *text, size_t *n) {
  *n = 0;
  char **list = sh_calloc(SH_MAX_REGION_GRANTS + 1, sizeof *list);
  char *copy = sh_strdup(text), *save = NULL;
  for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && *n <= SH_MAX_REGION_GRANTS;
       t = strtok_r(NULL, ",", &save))
    list[(*n)++] = sh_strdup(t);
  free(copy);
  return list;
}

static int user_add_command(struct cli_context *c) {
  static const struct option options[] = {
      {"username", required_argument, NULL, 'u'},    {"role", required_argument, NULL, 'r'},
      {"name", required_argument, NULL, 'n'},        {"regions", required_argument, NULL, 'g'},
      {"customer-id", required_argument, NULL, 'c'}, {"dealer-id", required_argument, NULL, 'd'},
      {"no-password", no_argument, NULL, 'x'},       {"email", required_argument, NULL, 'e'},
      {"phone", required_argument, NULL, 'p'},       {NULL, 0, NULL, 0}};
  struct user_input in = {.active = true};
  const char *regions = "000000";
  bool no_password = false;
  int opt;
  optind = 1;
  while ((opt = getopt_long(c->argc - 1, c->argv + 1, "", options, NULL)) != -1) {
    switch (opt) {
    case 'u':
      in.username = optarg;
      break;
    case 'r':
      in.role = optarg;
      break;
    case 'n':
      in.display_name = optarg;
      break;
    case 'g':
      regions = optarg;
      break;
    case 'e':
      in.email = optarg;
      break;
    case 'p':
      in.phone = optarg;
      break;
    case 'c':
    case 'd': {
      char *end = NULL;
      long long id = strtoll(optarg, &end, 10);
      if (*end || id < 1) {
        fprintf(stderr, "shouhou user add: --%s takes a positive number\n",
                opt == 'c' ? "customer-id" : "dealer-id");
        return EXIT_USAGE;
      }
      if (opt == 'c')
        in.customer_id = id;
      else
        in.dealer_id = id;
      break;
    }
    case 'x':
      no_password = true;
      break;
    default:
      return EXIT_USAGE;
    }
  }
  if (!in.username || !in.role) {
    fprintf(stderr, "usage: shouhou user add --username U --role R [--name N] "
                    "[--regions CODES] [--customer-id N] [--dealer-id N] [--email ADDRESS] "
                    "[--phone NUMBER] [--no-password]\n");
    return EXIT_USAGE;
  }
  if (!in.display_name)
    in.display_name = in.username;
  char password[SH_MAX_PASSWORD_BYTES + 2];
  if (!no_password) {
    if (!read_password(password, sizeof password)) {
      fprintf(stderr, "shouhou user add: no password given (or use --no-password)\n");
      return EXIT_USAGE;
    }
    in.password = password;
  }
  in.regions = split_codes(regions, &in.nregions);
  int rc = cli_open(c, 1);
  int64_t id = 0;
  struct sh_error err;
  if (rc == EXIT_OK && user_add(&c->app, NULL, &in, &id, &err) != SH_OK) {
    cli_print_error("user add", &err);
    rc = EXIT_FAILURE_GENERAL;
  }
  if (rc == EXIT_OK)
    printf("user %s (%s) added with id %lld\n", in.username, in.role, (long long)id);
  for (size_t i = 0; i < in.nregions; i++)
    free(in.regions[i]);
  free(in.regions);
  memset(password, 0, sizeof password);
  return rc;
}

int cli_user(struct cli_context *c) {
  if (c->argc >= 2 && strcmp(c->argv[1], "add") == 0)
    return user_add_command(c);
  if (c->argc == 2 && strcmp(c->argv[1], "list") == 0) {
    int rc = cli_open(c, 0);
    if (rc != EXIT_OK)
      return rc;
    struct user_record **list = NULL;
    size_t count = 0;
    int64_t total = 0;
    struct sh_error err;
    if (user_list(&c->app, false, 0, 10000, &list, &count, &total, &err) != SH_OK) {
      cli_print_error("user list", &err);
      return EXIT_FAILURE_GENERAL;
    }
    for (size_t i = 0; i < count; i++) {
      printf("%lld\t%s\t%s\t%s\t%s\n", (long long)list[i]->id, list[i]->username, list[i]->role,
             list[i]->display_name, list[i]->active ? "active" : "inactive");
      user_record_free(list[i]);
    }
    free(list);
    return EXIT_OK;
  }
  fprintf(stderr, "usage: shouhou user add ... | shouhou user list\n");
  return EXIT_USAGE;
}

int cli_token(struct cli_context *c) {
  struct sh_error err;
  if (c->argc >= 2 && strcmp(c->argv[1], "create") == 0) {
    static const struct option options[] = {{"user", required_argument, NULL, 'u'},
                                            {"name", required_argument, NULL, 'n'},
                                            {NULL, 0, NULL, 0}};
    const char *user = NULL, *name = "api";
    int opt;
    optind = 1;
    while ((opt = getopt_long(c->argc - 1, c->argv + 1, "", options, NULL)) != -1) {
      if (opt == 'u')
        user = optarg;
      else if (opt == 'n')
        name = optarg;
      else
        return EXIT_USAGE;
    }
    if (!user) {
      fprintf(stderr, "usage: shouhou token create --user U [--name N]\n");
      return EXIT_USAGE;
    }
    int rc = cli_open(c, 0);
    if (rc != EXIT_OK)
      return rc;
    char token[TOKEN_TEXT_LEN + 1];
    int64_t id;
    if (token_create(&c->app, user, name, token, &id, &err) != SH_OK) {
      cli_print_error("token create", &err);
      return EXIT_FAILURE_GENERAL;
    }
    printf("%s\n", token);
    fprintf(stderr, "token %lld for %s: keep it now, it is not shown again\n", (long long)id, user);
    return EXIT_OK;
  }
  if (c->argc == 3 && strcmp(c->argv[1], "revoke") == 0) {
    char *end = NULL;
    long long id = strtoll(c->argv[2], &end, 10);
    if (*end || id < 1) {
      fprintf(stderr, "usage: shouhou token revoke ID\n");
      return EXIT_USAGE;
    }
    int rc = cli_open(c, 0);
    if (rc != EXIT_OK)
      return rc;
    if (token_revoke(&c->app, id, &err) != SH_OK) {
      cli_print_error("token revoke", &err);
      return EXIT_FAILURE_GENERAL;
    }
    printf("token %lld revoked\n", id);
    return EXIT_OK;
  }
  if (c->argc == 2 && strcmp(c->argv[1], "list") == 0) {
    int rc = cli_open(c, 0);
    if (rc != EXIT_OK)
      return rc;
    struct token_record *list = NULL;
    size_t count = 0;
    if (token_list(&c->app, &list, &count, &err) != SH_OK) {
      cli_print_error("token list", &err);
      return EXIT_FAILURE_GENERAL;
    }
    for (size_t i = 0; i < count; i++)
      printf("%lld\tuser %lld\t%s\t%s\n", (long long)list[i].id, (long long)list[i].user_id,
             list[i].name, list[i].revoked_at ? "revoked" : "active");
    free(list);
    return EXIT_OK;
  }
  fprintf(stderr, "usage: shouhou token create|revoke|list\n");
  return EXIT_USAGE;
}

int cli_routes(struct cli_context *c) {
  (void)c;
  json_t *list = json_array();
  for (size_t i = 0; i < api_route_count; i++) {
    json_t *o = json_object();
    json_object_set_new(o, "method", json_string(api_routes[i].method));
    json_object_set_new(o, "path", json_string(api_routes[i].pattern));
    json_object_set_new(o, "action", json_string(api_routes[i].action));
    json_array_append_new(list, o);
  }
  /* The web files are answered outside the table (http/static.c) but are a route all the
   * same: the role matrix and openapi.yaml hold them to it. */
  json_t *web = json_object();
  json_object_set_new(web, "method", json_string(STATIC_ROUTE_METHOD));
  json_object_set_new(web, "path", json_string(STATIC_ROUTE_PATTERN));
  json_object_set_new(web, "action", json_string(STATIC_ROUTE_ACTION));
  json_array_append_new(list, web);
  char *text = json_dumps(list, JSON_INDENT(2));
  printf("%s\n", text ? text : "[]");
  free(text);
  json_decref(list);
  return EXIT_OK;
}

/* A progress bar on standard error, redrawn in place (only on a terminal). */
static void show_progress(size_t done, size_t total, void *arg) {
  (void)arg;
  if (!isatty(STDERR_FILENO) || total == 0)
    return;
  int width = 40, filled = (int)((double)done / (double)total * width);
  fprintf(stderr, "\r[%.*s%*s] %zu/%zu", filled, "########################################",
          width - filled, "", done, total);
  if (done == total)
    fprintf(stderr, "\n");
}

/* Reads a whole file of at most max bytes. Caller frees. */
static char *read_file(const char *path, size_t max, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  struct buf b;
  buf_init(&b, max);
  char chunk[65536];
  size_t n;
  enum sh_status rc = SH_OK;
  while (rc == SH_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
    rc = buf_append(&b, chunk, n);
  fclose(f);
  if (rc != SH_OK) {
    buf_free(&b);
    return NULL;
  }
  *len = b.len;
  return buf_detach(&b);
}

int cli_import(struct cli_context *c) {
  static const struct option options[] = {{"user", required_argument, NULL, 'u'},
                                          {"dry-run", no_argument, NULL, 'n'},
                                          {NULL, 0, NULL, 0}};
  const char *user = NULL;
  bool dry_run = false;
  int opt;
  optind = 1;
  while ((opt = getopt_long(c->argc, c->argv, "", options, NULL)) != -1) {
    if (opt == 'u')
      user = optarg;
    else if (opt == 'n')
      dry_run = true;
    else
      return EXIT_USAGE;
  }
  /* getopt permutes: the operands (what, FILE) follow the options. */
  static const struct {
    const char *what;
    import_fn import;
  } kinds[] = {{"customers", import_customers},
               {"projects", import_projects},
               {"equipment", import_equipment}};
  import_fn import = NULL;
  for (size_t i = 0; c->argc - optind == 2 && i < sizeof kinds / sizeof *kinds; i++)
    if (strcmp(c->argv[optind], kinds[i].what) == 0)
      import = kinds[i].import;
  if (!import || !user) {
    fprintf(stderr,
            "usage: shouhou import customers|projects|equipment FILE --user NAME [--dry-run]\n");
    return EXIT_USAGE;
  }
  const char *path = c->argv[optind + 1];
  size_t len = 0;
  char *data = read_file(path, SH_MAX_UPLOAD_BYTES, &len);
  if (!data) {
    fprintf(stderr, "shouhou import: cannot read %s (missing, or over %d MiB)\n", path,
            SH_MAX_UPLOAD_BYTES / 1024 / 1024);
    return EXIT_FAILURE_GENERAL;
  }
  int rc = cli_open(c, 1);
  struct sheet *sheet = NULL;
  struct user_record *u = NULL;
  struct import_report report = {0};
  struct sh_error err;
  sh_error_clear(&err);
  if (rc != EXIT_OK)
    goto out;
  bool xlsx = len >= 4 && memcmp(data, "PK\3\4", 4) == 0;
  enum sh_status st = xlsx ? xlsx_read(data, len, &sheet, &err) : csv_read(data, len, &sheet, &err);
  if (st == SH_OK)
    st = user_get_by_username(&c->app, user, &u, &err);
  struct actor actor;
  if (st == SH_OK) {
    /* The import acts as that user: their regions, their name in the audit trail. */
    actor_from_user(u, &actor);
    snprintf(actor.address, sizeof actor.address, "cli");
    st = import(&c->app, &actor, sheet, dry_run, show_progress, NULL, &report, &err);
  }
  for (size_t i = 0; i < report.nerrors; i++) {
    const struct import_error *e = &report.errors[i];
    fprintf(stderr, "row %zu, %s: %s%s%s\n", e->row, e->column[0] ? e->column : "-", e->code,
            e->detail[0] ? " " : "", e->detail);
  }
  if (report.errors_total > report.nerrors)
    fprintf(stderr, "… and %zu more errors\n", report.errors_total - report.nerrors);
  if (st != SH_OK && strcmp(err.code, "import_rejected") != 0) {
    cli_print_error("import", &err);
    rc = EXIT_FAILURE_GENERAL;
  } else {
    printf("%s: %zu rows, %zu valid, %zu created, %zu errors%s\n", path, report.rows, report.valid,
           report.created, report.errors_total,
           st != SH_OK ? " — nothing was imported"
           : dry_run   ? " (dry run)"
                       : "");
    rc = st == SH_OK && report.errors_total == 0 ? EXIT_OK : EXIT_FAILURE_GENERAL;
  }
out:
  import_report_free(&report);
  user_record_free(u);
  sheet_free(sheet);
  free(data);
  return rc;
}
