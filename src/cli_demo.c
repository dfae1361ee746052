/* cli_demo.c — `shouhou demo`: fills an empty database with the deterministic demo company
 * (domain/demo.c) after loading the regions and the work calendar it needs, and prints the
 * accounts once. Apart from cli.c so that the subcommands that use others (here the
 * calendar's loader) sit above the common CLI code, not inside it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "config.h"
#include "domain/demo.h"
#include "domain/reference.h"
#include "rules/roles.h"
#include "store/reference.h"
#include "store/store.h"

static enum sh_status region_count(struct store_tx *tx, void *arg, struct sh_error *err) {
  return store_region_count(tx, arg, err);
}

/* A KPI in permille as the dashboard shows it ("—" when nothing was counted). */
static const char *permille(long value, char out[32]) {
  if (value < 0)
    return "—";
  snprintf(out, 32, "%ld‰", value);
  return out;
}

int cli_demo(struct cli_context *c) {
  static const struct option options[] = {{"seed", required_argument, NULL, 's'},
                                          {"customers", required_argument, NULL, 'c'},
                                          {"data-dir", required_argument, NULL, 'd'},
                                          {"regions", required_argument, NULL, 'r'},
                                          {NULL, 0, NULL, 0}};
  unsigned long long seed = 1;
  long customers = 300;
  const char *dir = SHOUHOU_DATA_DIR "/demo", *regions = SHOUHOU_REGIONS_FILE;
  int opt;
  optind = 1;
  while ((opt = getopt_long(c->argc, c->argv, "", options, NULL)) != -1) {
    char *end = NULL;
    switch (opt) {
    case 's':
      seed = strtoull(optarg, &end, 10);
      break;
    case 'c':
      customers = strtol(optarg, &end, 10);
      break;
    case 'd':
      dir = optarg;
      break;
    case 'r':
      regions = optarg;
      break;
    default:
      return EXIT_USAGE;
    }
    if (end && (*end || customers < 1 || customers > 1000000)) {
      fprintf(stderr, "shouhou demo: --seed takes a number, --customers 1..1000000\n");
      return EXIT_USAGE;
    }
  }
  int rc = cli_open(c, 1);
  if (rc != EXIT_OK)
    return rc;
  struct sh_error err;
  int64_t loaded = 0;
  if (store_read(c->app.store, region_count, &loaded, &err) == SH_OK && loaded == 0) {
    size_t n = 0;
    if (reference_load_regions(&c->app, regions, &n, &err) != SH_OK) {
      cli_print_error(regions, &err);
      return EXIT_FAILURE_GENERAL;
    }
    printf("loaded %zu regions\n", n);
  }
  rc = cli_calendar_ensure(c, SHOUHOU_CALENDAR_FILE);
  if (rc != EXIT_OK)
    return rc;
  struct demo_result result;
  if (demo_generate(&c->app, seed, dir, (size_t)customers, &result, &err) != SH_OK) {
    cli_print_error("demo", &err);
    return EXIT_FAILURE_GENERAL;
  }
  printf("demo company created: %zu customers, %zu users (seed %llu)\n", result.customers,
         result.naccounts, seed);
  const struct demo_service_result *sv = &result.service;
  char rate[32], satisfaction[32];
  printf("installed base: %zu projects (%zu warranty cards issued), %zu equipment units\n",
         sv->projects, sv->cards, sv->units);
  printf("service tickets: %zu (%zu new, %zu assigned, %zu on site, %zu cleared, %zu closed, "
         "%zu cancelled); %zu open past a deadline\n",
         sv->tickets, sv->tickets_new, sv->tickets_assigned, sv->tickets_on_site,
         sv->tickets_cleared, sv->tickets_closed, sv->tickets_cancelled, sv->tickets_breached);
  printf("return visits: %zu planned from %s (%zu on time, %zu late, %zu missing; %zu partial, "
         "%zu with a defect, %zu moved), %zu calls; %zu follow-ups (%zu reported); visit rate %s, "
         "satisfaction %s\n",
         sv->visits, sv->visits_from, sv->visits_on_time, sv->visits_late, sv->visits_missing,
         sv->visits_partial, sv->visit_defects, sv->visits_moved, sv->visit_calls, sv->followups,
         sv->followups_reported, permille(sv->visit_rate_permille, rate),
         permille(sv->satisfaction_permille, satisfaction));
  printf("survey: %zu questions, %zu customers (%zu answered, %zu declined)\n",
         sv->survey_questions, sv->survey_targets, sv->survey_answered, sv->survey_declined);
  printf("complaints: %zu (%zu registered, %zu assigned, %zu answered, %zu called back, "
         "%zu archived); %zu repeat, %zu in a second round\n",
         sv->complaints, sv->complaints_registered, sv->complaints_assigned,
         sv->complaints_answered, sv->complaints_called_back, sv->complaints_archived,
         sv->complaints_repeat, sv->complaints_second_round);
  printf("sign in with one of these (passwords are shown only now):\n");
  for (size_t i = 0; i < result.naccounts; i++)
    printf("  %-22s %-20s %s\n", result.accounts[i].username, result.accounts[i].password,
           role_label_zh(result.accounts[i].role));
  return EXIT_OK;
}
