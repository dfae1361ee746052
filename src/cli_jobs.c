/* cli_jobs.c — `shouhou jobs run [--now ISO8601]`: one SLA watch pass, one return-visit
 * planner pass and one sender pass at an instant, without the lease (each is safe beside a
 * leader: compare-and-set, versions and claims). For cron-less operation by hand, and for
 * deterministic tests: --now sets the instant the passes see, in the past or the future. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/timefmt.h"
#include "cli.h"
#include "jobs/sender.h"
#include "jobs/sla_watch.h"
#include "jobs/visit_planner.h"

static int usage(void) {
  fprintf(stderr, "usage: shouhou jobs run [--now YYYY-MM-DDTHH:MM:SS+08:00]\n");
  return EXIT_USAGE;
}

static int passes(struct cli_context *c, struct sender_config *config, int64_t now) {
  struct sh_error err;
  int rc = cli_open(c, 0);
  if (rc != EXIT_OK)
    return rc;
  struct ticket_watch_stats watched;
  struct sender_stats sent;
  if (sla_watch_run(&c->app, now, &watched, &err) != SH_OK) {
    fprintf(stderr, "shouhou jobs: sla watch failed: %s\n", err.code);
    return EXIT_FAILURE_GENERAL;
  }
  printf("sla_watch rows=%lld warnings=%lld breaches=%lld escalations=%lld notifications=%lld\n",
         (long long)watched.rows, (long long)watched.warnings, (long long)watched.breaches,
         (long long)watched.escalations, (long long)watched.notifications);
  struct visit_plan_stats planned;
  if (visit_planner_run(&c->app, now, &planned, &err) != SH_OK) {
    fprintf(stderr, "shouhou jobs: visit planner failed: %s\n", err.code);
    return EXIT_FAILURE_GENERAL;
  }
  printf("visit_planner projects=%lld changed=%lld planned=%lld redated=%lld reopened=%lld "
         "cancelled=%lld invalid=%lld\n",
         (long long)planned.projects, (long long)planned.changed, (long long)planned.planned,
         (long long)planned.redated, (long long)planned.reopened, (long long)planned.cancelled,
         (long long)planned.invalid);
  if (sender_pass(&c->app, config, now, 0, NULL, &sent, &err) != SH_OK) {
    fprintf(stderr, "shouhou jobs: sender failed: %s\n", err.code);
    return EXIT_FAILURE_GENERAL;
  }
  printf("sender configured=%s claimed=%lld sent=%lld retried=%lld failed=%lld\n",
         config->configured ? "yes" : "no", (long long)sent.claimed, (long long)sent.sent,
         (long long)sent.retried, (long long)sent.failed);
  return EXIT_OK;
}

static int run(struct cli_context *c, int64_t now) {
  struct sh_error err;
  struct sender_config config;
  if (sender_config_from_env(&config, &err) != SH_OK) {
    fprintf(stderr, "shouhou jobs: %s: %s\n", err.field, err.code);
    return EXIT_USAGE;
  }
  int rc = passes(c, &config, now);
  explicit_bzero(config.password, sizeof config.password);
  return rc;
}

int cli_jobs(struct cli_context *c) {
  static const struct option options[] = {{"now", required_argument, NULL, 'n'},
                                          {NULL, 0, NULL, 0}};
  if (c->argc < 2 || strcmp(c->argv[1], "run") != 0)
    return usage();
  int64_t now = time_now();
  int opt;
  optind = 2;
  while ((opt = getopt_long(c->argc, c->argv, "", options, NULL)) != -1) {
    if (opt != 'n' || !time_parse_iso(optarg, &now)) {
      if (opt == 'n')
        fprintf(stderr, "shouhou jobs run: --now takes an ISO 8601 time with its offset\n");
      return usage();
    }
  }
  if (optind != c->argc)
    return usage();
  return run(c, now);
}
