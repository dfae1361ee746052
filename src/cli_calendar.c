/* cli_calendar.c — `shouhou calendar load [--force] [FILE]` (the work calendar from npm
 * chinese-days) and `shouhou calendar show YEAR` (what a year holds). A year not loaded is
 * reported, never shown as a plain Monday-Friday year. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"
#include "cli.h"
#include "config.h"
#include "domain/calendar.h"

/* "2004-2026" when the years run without a gap, else "2004, 2006, 2007". */
static void print_years(const int *years, size_t n) {
  bool contiguous = n > 0 && years[n - 1] - years[0] == (int)n - 1;
  if (contiguous && n > 1) {
    printf("%d-%d", years[0], years[n - 1]);
    return;
  }
  for (size_t i = 0; i < n; i++)
    printf("%s%d", i ? ", " : "", years[i]);
}

static int load(struct cli_context *c, const char *file, bool force) {
  struct calendar_load_result r = {0};
  struct sh_error err;
  sh_error_clear(&err);
  if (calendar_load_file(&c->app, file, force, &r, &err) != SH_OK) {
    cli_print_error(file, &err);
    return EXIT_FAILURE_GENERAL;
  }
  printf("loaded the work calendar ");
  print_years(r.loaded, r.nloaded);
  printf("%s(%zu listed days) from %s\n", r.nloaded ? " " : "no year ", r.days, r.source);
  if (r.nkept) {
    printf("kept ");
    print_years(r.kept, r.nkept);
    printf(" as an administrator edited %s (--force overwrites)\n", r.nkept == 1 ? "it" : "them");
  }
  calendar_load_result_free(&r);
  return EXIT_OK;
}

static int load_command(struct cli_context *c) {
  static const struct option options[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
  bool force = false;
  int opt;
  optind = 1;
  /* argv[0] is "load". */
  while ((opt = getopt_long(c->argc - 1, c->argv + 1, "", options, NULL)) != -1) {
    if (opt != 'f')
      return EXIT_USAGE;
    force = true;
  }
  int rest = c->argc - 1 - optind;
  if (rest > 1) {
    fprintf(stderr, "usage: shouhou calendar load [--force] [FILE]\n");
    return EXIT_USAGE;
  }
  const char *file = rest == 1 ? c->argv[1 + optind] : SHOUHOU_CALENDAR_FILE;
  int rc = cli_open(c, 1);
  return rc != EXIT_OK ? rc : load(c, file, force);
}

static int show_command(struct cli_context *c) {
  char *end = NULL;
  long year = c->argc == 3 ? strtol(c->argv[2], &end, 10) : 0;
  if (c->argc != 3 || *end || year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR) {
    fprintf(stderr, "usage: shouhou calendar show YEAR (%d-%d)\n", CALENDAR_FIRST_YEAR,
            CALENDAR_LAST_YEAR);
    return EXIT_USAGE;
  }
  int rc = cli_open(c, 0);
  if (rc != EXIT_OK)
    return rc;
  struct calendar_year_view v = {0};
  struct sh_error err;
  if (calendar_year_get(&c->app, (int)year, &v, &err) != SH_OK) {
    cli_print_error("calendar show", &err);
    return EXIT_FAILURE_GENERAL;
  }
  if (!v.loaded) {
    fprintf(stderr,
            "shouhou: calendar for %ld not loaded (shouhou calendar load, or an "
            "administrator marks it)\n",
            year);
    calendar_year_view_free(&v);
    return EXIT_FAILURE_GENERAL;
  }
  char at[TIME_ISO_LEN];
  time_format_iso(v.row.loaded_at, c->app.tz_offset_minutes, at);
  printf("%ld: loaded from %s at %s\n", year, v.row.source, at);
  int total = 0;
  printf("working days by month:");
  for (int m = 0; m < 12; m++) {
    printf(" %d", v.working_days[m]);
    total += v.working_days[m];
  }
  printf(" (%d in the year)\n", total);
  for (size_t i = 0; i < v.ndays; i++)
    printf("%s  %s  %s\n", v.days[i].day, v.days[i].workday ? "班 workday" : "休 holiday",
           v.days[i].name);
  calendar_year_view_free(&v);
  return EXIT_OK;
}

int cli_calendar(struct cli_context *c) {
  if (c->argc >= 2 && strcmp(c->argv[1], "load") == 0)
    return load_command(c);
  if (c->argc >= 2 && strcmp(c->argv[1], "show") == 0)
    return show_command(c);
  fprintf(stderr, "usage: shouhou calendar load [--force] [FILE]\n"
                  "       shouhou calendar show YEAR\n");
  return EXIT_USAGE;
}

int cli_calendar_ensure(struct cli_context *c, const char *file) {
  size_t years = 0;
  struct sh_error err;
  if (calendar_year_count(&c->app, &years, &err) != SH_OK) {
    cli_print_error("calendar", &err);
    return EXIT_FAILURE_GENERAL;
  }
  return years ? EXIT_OK : load(c, file, false);
}
