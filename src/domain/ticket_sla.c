/* ticket_sla.c — the SLA policy from settings and calendar, and a ticket's deadlines (see
 * ticket_sla.h). */
#include "ticket_sla.h"

#include <stdlib.h>
#include <string.h>

#include "settings.h"

/* The working clock's windows from sla.working_hours (settings.h reads the text). */
static bool parse_windows(const char *text, struct sla_policy *p) {
  struct setting_time_range ranges[SLA_MAX_WINDOWS];
  size_t n = 0;
  if (*text && !setting_time_ranges_parse(text, ranges, SLA_MAX_WINDOWS, &n))
    return false;
  for (size_t i = 0; i < n; i++) {
    p->windows[i].start_minute = ranges[i].start_minute;
    p->windows[i].end_minute = ranges[i].end_minute;
  }
  p->nwindows = n;
  /* The whole day is the same as no windows: the whole working day counts. */
  if (n == 1 && ranges[0].start_minute == 0 && ranges[0].end_minute == 1440)
    p->nwindows = 0;
  return true;
}

void ticket_policy_free(struct ticket_policy *policy) {
  if (policy)
    work_calendar_free(&policy->calendar);
}

enum sh_status ticket_policy_load(struct store_tx *tx, int tz_offset_minutes, int64_t around,
                                  struct ticket_policy *out, struct sh_error *err) {
  memset(out, 0, sizeof *out);
  static const char *const hours_keys[SLA_STAGE_COUNT] = {"sla.onsite_hours", "sla.clear_hours",
                                                          "sla.substitute_hours"};
  int64_t v = 0;
  struct settings_snapshot snap;
  enum sh_status rc = settings_snapshot_load(tx, &snap, err);
  for (int i = 0; rc == SH_OK && i < SLA_STAGE_COUNT; i++) {
    rc = settings_snapshot_int(&snap, hours_keys[i], &v, err);
    out->sla.stage_seconds[i] = v * 3600;
  }
  if (rc == SH_OK &&
      (rc = settings_snapshot_int(&snap, "sla.warning_lead_minutes", &v, err)) == SH_OK)
    out->sla.warning_lead_seconds = v * 60;
  if (rc == SH_OK &&
      (rc = settings_snapshot_int(&snap, "sla.escalation_step_minutes", &v, err)) == SH_OK)
    out->step_seconds = v * 60;
  out->sla.tz_offset_minutes = tz_offset_minutes;
  char *clock = NULL, *pause = NULL, *hours = NULL;
  if (rc == SH_OK)
    rc = settings_snapshot_text(&snap, "sla.clock", &clock, err);
  if (rc == SH_OK)
    rc = settings_snapshot_text(&snap, "sla.pause_for_customer_delay", &pause, err);
  if (rc == SH_OK)
    rc = settings_snapshot_text(&snap, "sla.working_hours", &hours, err);
  settings_snapshot_free(&snap);
  if (rc == SH_OK) {
    out->pause = pause && strcmp(pause, "true") == 0;
    out->sla.clock =
        clock && strcmp(clock, "working") == 0 ? SLA_CLOCK_WORKING : SLA_CLOCK_CALENDAR;
    if (!parse_windows(hours ? hours : "", &out->sla))
      rc = sh_fail(err, SH_ERR_INVALID, "invalid_setting_value", "sla.working_hours", hours);
  }
  if (rc == SH_OK && out->sla.clock == SLA_CLOCK_WORKING) {
    /* The year of the call and the next: a count over 72 h of working time can cross New
     * Year; anything beyond is reported as not loaded by the rule. */
    int year = calendar_year_of((around + tz_offset_minutes * 60) / 86400);
    rc = work_calendar_read(tx, year - 1, year + 1, &out->calendar, err);
    out->sla.calendar = &out->calendar.cal;
  }
  free(clock);
  free(pause);
  free(hours);
  return rc;
}

static enum sh_status compute(const struct sla_policy *p, int64_t called_at,
                              const struct sla_interval *pauses, size_t npauses,
                              struct sla_deadline out[SLA_STAGE_COUNT], int *missing_year,
                              bool *not_loaded, struct sh_error *err) {
  enum sla_result r = sla_deadlines(p, called_at, pauses, npauses, out, missing_year);
  if (r == SLA_NOT_LOADED) {
    *not_loaded = true;
    return SH_OK;
  }
  if (r != SLA_OK)
    return sh_fail(err, SH_ERR_INVALID, "invalid_sla_policy", "sla.working_hours", NULL);
  return SH_OK;
}

enum sh_status ticket_deadlines_compute(const struct ticket_policy *policy, int64_t called_at,
                                        const struct sla_interval *customer_delays, size_t ndelays,
                                        struct ticket_deadlines *out, struct sh_error *err) {
  struct ticket_deadlines d = {0};
  struct sla_policy p = policy->sla;
  bool not_loaded = false;
  enum sh_status rc = compute(&p, called_at, customer_delays, ndelays, d.appraisal, &d.missing_year,
                              &not_loaded, err);
  if (rc == SH_OK && not_loaded) {
    /* Fall back to the calendar clock (see the header) and say so. */
    d.calendar_fallback = true;
    p.clock = SLA_CLOCK_CALENDAR;
    not_loaded = false;
    int missing = 0;
    rc = compute(&p, called_at, customer_delays, ndelays, d.appraisal, &missing, &not_loaded, err);
  }
  if (rc == SH_OK)
    rc = compute(&p, called_at, customer_delays, policy->pause ? ndelays : 0, d.due, &(int){0},
                 &not_loaded, err);
  if (rc == SH_OK && not_loaded)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_sla_policy", "sla.clock", NULL);
  if (rc == SH_OK)
    *out = d;
  return rc;
}
