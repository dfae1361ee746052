/* visit_plan.c — the return-visit planner (SPEC D1) and the engineering manager's actions on a
 * visit: move its date, name its leader, cancel it (see visit.h).
 *
 * Design: a pass reads projects by id in batches of VISIT_PLAN_BATCH, each batch one unit of
 * work: the projects, the aggregates of their units (one row per project, own acceptance date
 * and sold flag — all the warranty end depends on), then for the projects whose plan inputs
 * changed their planned visits; the differences are written with one statement each for
 * new visits, changed visits, their events and the projects' keys (JSON rows, store/visits.h)
 * and one audit row for the batch. The key (projects.visit_plan_key) holds every input of a
 * project's plan — acceptance, warranty end, the settings, project manager, site region,
 * customer — so a pass over an unchanged installed base reads and writes nothing else: 100 000
 * projects are 400 batches of two reads.
 *
 * What a re-plan changes, and what it never does: an open visit (planned) gets the rule's new
 * due date, and its planned date follows unless the manager had moved it; the region and
 * customer follow the project; the leader follows the project manager unless the manager named
 * another. A visit the planner had cancelled comes back when it is in the plan again; one the
 * manager cancelled stays cancelled. Done and partial visits are history: never touched. That
 * decision is the rule's (visit_plan_reconcile, rules/visit_plan.h, unit-tested); here the
 * leader, region and customer an open visit follows, the rows, events and audit. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/log.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../rules/period.h"
#include "../rules/visit_plan.h"
#include "../store/projects.h"
#include "../store/users.h"
#include "audit.h"
#include "checks.h"
#include "outbox.h"
#include "settings.h"
#include "visit_internal.h"

/* Projects per unit of work: a few hundred keeps each commit short beside the requests. */
#define VISIT_PLAN_BATCH 250

/* The planner's own reasons: a visit cancelled with one of these may come back. */
static const char *const planner_reasons[] = {
    "保修期回访计划已变更, 不再需要此次回访",
    "工程已删除",
    "工程无验收日期(保修期未开始)",
};
enum { REASON_OUT, REASON_DELETED, REASON_NOT_ACCEPTED };

static enum sh_status oom(struct sh_error *err) {
  return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
}

struct plan_settings {
  int company_months, interval_months;
  bool final_at_expiry;
  char plan_from[11]; /* "" : no cut-off */
};

struct plan_arg {
  struct app *app;
  const struct actor *actor;
  int64_t project_id, now, after_id;
  bool done;
  struct plan_settings s;
  struct visit_plan_stats stats;
  struct visit_plan_entry *entries; /* VISIT_PLAN_MAX, scratch */
};

/* A project's plan as this pass computes it. */
struct project_plan {
  const struct visit_plan_project *p;
  char key[160];
  size_t count;
  struct visit_plan_entry *entries; /* owned copy of count entries */
  int reason;                       /* for cancellations */
  int64_t old_pm;                   /* from the stored key */
};

/* The project manager the stored key was made with (field 7), 0 if none. */
static int64_t key_pm(const char *key) {
  const char *p = key;
  for (int field = 0; field < 6 && p; field++) {
    p = strchr(p, '|');
    if (p)
      p++;
  }
  return p ? strtoll(p, NULL, 10) : 0;
}

/* Computes p's plan; false when the rule refused its dates (logged, no plan). */
static bool compute(struct plan_arg *a, const struct visit_plan_project *p,
                    const struct visit_plan_unit_row *units, size_t nunits,
                    struct project_plan *out, struct sh_error *err, enum sh_status *rc) {
  out->p = p;
  out->key[0] = '\0';
  out->count = 0;
  out->entries = NULL;
  out->old_pm = key_pm(p->plan_key);
  out->reason = p->deleted_at ? REASON_DELETED : REASON_NOT_ACCEPTED;
  if (p->deleted_at || !*p->acceptance_date)
    return true;
  /* Every unit row counts: a project whose units were accepted on many days has as many
   * rows, and the one that ends the warranty last may be any of them. */
  struct visit_plan_unit *list = sh_calloc(nunits ? nunits : 1, sizeof *list);
  if (!list) {
    *rc = oom(err);
    return true;
  }
  for (size_t i = 0; i < nunits; i++)
    list[i] = (struct visit_plan_unit){.acceptance_date = units[i].acceptance_date,
                                       .manufacturer_months = (int)units[i].manufacturer_months,
                                       .sold_by_company = units[i].sold_by_company};
  char end[PERIOD_DATE_LEN + 1];
  /* IMP: SPEC D1 — over the whole warranty: from acceptance to the end of the company's or
   * the longer manufacturer's term (rules/visit_plan.h). */
  bool valid = visit_plan_warranty_end(p->acceptance_date, a->s.company_months, list, nunits, end);
  free(list);
  if (!valid) {
    sh_log(LOG_PRIO_WARNING, "job=visit_planner project=%lld msg=\"dates refused by the rule\"",
           (long long)p->id);
    out->reason = REASON_OUT;
    return false;
  }
  struct visit_plan_input in = {.acceptance_date = p->acceptance_date,
                                .warranty_last_day = end,
                                .interval_months = a->s.interval_months,
                                .final_at_expiry = a->s.final_at_expiry,
                                .plan_from = a->s.plan_from};
  size_t count = 0;
  if (!visit_plan_dues(&in, a->entries, VISIT_PLAN_MAX, &count)) {
    sh_log(LOG_PRIO_WARNING, "job=visit_planner project=%lld msg=\"plan refused by the rule\"",
           (long long)p->id);
    out->reason = REASON_OUT;
    return false;
  }
  out->reason = REASON_OUT;
  out->entries = sh_calloc(count ? count : 1, sizeof *out->entries);
  if (!out->entries) {
    *rc = oom(err);
    return true;
  }
  memcpy(out->entries, a->entries, count * sizeof *out->entries);
  out->count = count;
  snprintf(out->key, sizeof out->key, "1|%s|%s|%d|%d|%s|%lld|%s|%lld", p->acceptance_date, end,
           a->s.interval_months, a->s.final_at_expiry ? 1 : 0, a->s.plan_from,
           (long long)p->project_manager_id, p->region_code, (long long)p->customer_id);
  return true;
}

static bool planner_reason(const char *reason) {
  for (size_t i = 0; i < sizeof planner_reasons / sizeof planner_reasons[0]; i++)
    if (reason && strcmp(reason, planner_reasons[i]) == 0)
      return true;
  return false;
}

/* The JSON rows of one batch's writes. */
struct plan_writes {
  json_t *inserts, *updates, *events, *keys, *audit;
};

static json_t *leader_json(int64_t id) {
  return id ? json_integer(id) : json_null();
}

static void add_event(struct plan_writes *w, int64_t visit_id, const char *kind, json_t *detail) {
  char *text = jsonx_dump(detail);
  json_array_append_new(w->events, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)visit_id, "k", kind,
                                             "dt", text ? text : "{}"));
  free(text);
  json_decref(detail);
}

/* One update row: the visit x as it will be. */
static void add_update(struct plan_writes *w, const struct visit *x, const char *due,
                       const char *planned, const char *status, const char *reason, int64_t leader,
                       const struct visit_plan_project *p) {
  json_array_append_new(w->updates,
                        json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:s,s:I}", "id", (json_int_t)x->id,
                                  "v", (json_int_t)x->version, "d", due, "pd", planned, "st",
                                  status, "cr", reason, "l", leader_json(leader), "r",
                                  p->region_code, "c", (json_int_t)p->customer_id));
}

/* The leader an open visit follows: the project manager, unless the manager named another
 * (a leader neither empty nor the project manager the plan was last made with). */
static int64_t followed_leader(const struct project_plan *pp, const struct visit *v) {
  return !v->leader_id || v->leader_id == pp->old_pm ? pp->p->project_manager_id : v->leader_id;
}

/* The rule's view of the visits x[0..n) (ordered by seq); the dates and status are borrowed. */
static void rule_visits(const struct project_plan *pp, struct visit **x, size_t n,
                        struct visit_plan_visit *out) {
  const struct visit_plan_project *p = pp->p;
  for (size_t i = 0; i < n; i++) {
    const struct visit *v = x[i];
    /* The manager's move (a reason is required) is what keeps a date, not a planned date that
     * happens to differ from the due date (rules/visit_plan.h, rule 1). */
    out[i] = (struct visit_plan_visit){
        .seq = v->seq,
        .status = v->status,
        .due_date = v->due_date,
        .planned_date = v->planned_date,
        .moved = v->moved_reason && *v->moved_reason,
        .cancelled_by_planner = planner_reason(v->cancelled_reason),
        .other_changed = followed_leader(pp, v) != v->leader_id ||
                         strcmp(v->region_code, p->region_code) != 0 ||
                         v->customer_id != p->customer_id,
    };
  }
}

/* The writes of one visit v as the rule decided (c). */
static void write_change(struct plan_arg *a, const struct project_plan *pp, const struct visit *v,
                         const struct visit_plan_change *c, json_t *summary,
                         struct plan_writes *w) {
  const struct visit_plan_project *p = pp->p;
  switch (c->verb) {
  case VISIT_PLAN_KEEP:
    return;
  case VISIT_PLAN_REDATE: {
    int64_t leader = followed_leader(pp, v);
    add_update(w, v, c->due_date, c->planned_date, "planned", "", leader, p);
    add_event(w, v->id, "replanned",
              json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "due_date_before", v->due_date, "due_date",
                        c->due_date, "planned_date_before", v->planned_date, "planned_date",
                        c->planned_date, "leader_before", leader_json(v->leader_id), "leader_id",
                        leader_json(leader)));
    json_array_append_new(json_object_get(summary, "redated"), json_integer(v->seq));
    a->stats.redated++;
    return;
  }
  case VISIT_PLAN_REOPEN:
    add_update(w, v, c->due_date, c->planned_date, "planned", "", p->project_manager_id, p);
    add_event(w, v->id, "reopened",
              json_pack("{s:s,s:s,s:s}", "due_date", c->due_date, "planned_date", c->planned_date,
                        "was", v->cancelled_reason));
    json_array_append_new(json_object_get(summary, "reopened"), json_integer(v->seq));
    a->stats.reopened++;
    return;
  case VISIT_PLAN_CANCEL: {
    const char *reason = planner_reasons[pp->reason];
    add_update(w, v, c->due_date, c->planned_date, "cancelled", reason, v->leader_id, p);
    add_event(w, v->id, "cancelled", json_pack("{s:s,s:b}", "reason", reason, "planner", 1));
    json_array_append_new(json_object_get(summary, "cancelled"), json_integer(v->seq));
    a->stats.cancelled++;
    return;
  }
  }
}

/* The writes that bring a project's visits x[0..n) (ordered by seq) to its plan: what becomes
 * of each visit and which entries are new is the rule's (visit_plan_reconcile); here the
 * leader, the rows, the events and the audit summary. False when the rule refused the visits
 * (logged; nothing written, the key neither, so the next pass tries again). */
static bool diff(struct plan_arg *a, const struct project_plan *pp, struct visit **x, size_t n,
                 struct plan_writes *w, struct sh_error *err, enum sh_status *rc) {
  const struct visit_plan_project *p = pp->p;
  struct visit_plan_visit *rx = sh_calloc(n ? n : 1, sizeof *rx);
  struct visit_plan_change *changes = sh_calloc(n ? n : 1, sizeof *changes);
  bool *is_new = sh_calloc(pp->count ? pp->count : 1, sizeof *is_new);
  json_t *summary = NULL;
  bool valid = true;
  if (!rx || !changes || !is_new) {
    *rc = oom(err);
    goto out;
  }
  rule_visits(pp, x, n, rx);
  /* IMP: SPEC D1 — what a plan computed again changes (rules/visit_plan.h) */
  if (!(valid = visit_plan_reconcile(pp->entries, pp->count, rx, n, changes, is_new))) {
    sh_log(LOG_PRIO_WARNING, "job=visit_planner project=%lld msg=\"visits refused by the rule\"",
           (long long)p->id);
    goto out;
  }
  summary = json_pack("{s:s,s:s,s:[],s:[],s:[],s:[]}", "key_before", p->plan_key, "key_after",
                      pp->key, "planned", "redated", "reopened", "cancelled");
  for (size_t i = 0; i < n; i++)
    write_change(a, pp, x[i], &changes[i], summary, w);
  for (size_t k = 0; k < pp->count; k++) {
    if (!is_new[k])
      continue;
    const struct visit_plan_entry *e = &pp->entries[k];
    json_array_append_new(w->inserts,
                          json_pack("{s:I,s:I,s:s,s:i,s:s,s:o}", "p", (json_int_t)p->id, "c",
                                    (json_int_t)p->customer_id, "r", p->region_code, "s", e->seq,
                                    "d", e->due_date, "l", leader_json(p->project_manager_id)));
    json_array_append_new(json_object_get(summary, "planned"), json_integer(e->seq));
    a->stats.planned++;
  }
  json_array_append_new(w->keys, json_pack("{s:I,s:s}", "id", (json_int_t)p->id, "k", pp->key));
  char id[24];
  snprintf(id, sizeof id, "%lld", (long long)p->id);
  json_object_set_new(w->audit, id, summary);
out:
  free(is_new);
  free(changes);
  free(rx);
  return valid;
}

/* Runs the batch's writes, each one statement. */
static enum sh_status write_batch(struct plan_arg *a, struct store_tx *tx, struct plan_writes *w,
                                  struct sh_error *err) {
  enum sh_status rc = SH_OK;
  int64_t actor_id = a->actor ? a->actor->user_id : 0;
  char *text = NULL;
  if (json_array_size(w->inserts)) {
    rc =
        (text = jsonx_dump(w->inserts)) ? store_visit_plan_insert(tx, text, a->now, err) : oom(err);
    free(text);
  }
  if (rc == SH_OK && json_array_size(w->updates)) {
    rc = (text = jsonx_dump(w->updates))
             ? store_visit_plan_update(tx, text, (int64_t)json_array_size(w->updates), a->now, err)
             : oom(err);
    free(text);
  }
  if (rc == SH_OK && json_array_size(w->events)) {
    rc = (text = jsonx_dump(w->events)) ? store_visit_plan_events(tx, text, a->now, actor_id, err)
                                        : oom(err);
    free(text);
  }
  if (rc == SH_OK && json_array_size(w->keys)) {
    rc = (text = jsonx_dump(w->keys)) ? store_visit_plan_keys(tx, text, err) : oom(err);
    free(text);
  }
  /* One audit row for the batch: per project its key before and after and the seq numbers
   * planned, re-dated, re-opened and cancelled (each visit's own event has the dates). */
  if (rc == SH_OK && json_object_size(w->audit)) {
    json_t *changes = json_pack("{s:O}", "projects", w->audit);
    rc =
        changes ? audit_log(tx, a->actor, "visit_plan", 0, "plan", changes, a->now, err) : oom(err);
    json_decref(changes);
  }
  return rc;
}

static enum sh_status batch_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct plan_arg *a = arg;
  struct visit_plan_project *projects = NULL;
  struct visit_plan_unit_row *units = NULL;
  struct visit **existing = NULL;
  struct project_plan *plans = NULL;
  size_t n = 0, nunits = 0, nexisting = 0, nplans = 0;
  struct plan_writes w = {json_array(), json_array(), json_array(), json_array(), json_object()};
  enum sh_status rc = store_visit_plan_projects(tx, a->after_id, a->project_id, VISIT_PLAN_BATCH,
                                                &projects, &n, err);
  if (rc == SH_OK && n == 0) {
    a->done = true;
    goto out;
  }
  int64_t first = n ? projects[0].id : 0, last = n ? projects[n - 1].id : 0;
  if (rc == SH_OK)
    rc = store_visit_plan_units(tx, first, last, &units, &nunits, err);
  if (rc == SH_OK && !(plans = sh_calloc(n, sizeof *plans)))
    rc = oom(err);
  size_t u = 0;
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    while (u < nunits && units[u].project_id < projects[i].id)
      u++;
    size_t from = u;
    while (u < nunits && units[u].project_id == projects[i].id)
      u++;
    struct project_plan *pp = &plans[nplans];
    if (!compute(a, &projects[i], units + from, u - from, pp, err, &rc))
      a->stats.invalid++;
    a->stats.projects++;
    /* The key decides, unless one project was asked for (the button re-checks it). */
    if (rc == SH_OK && (a->project_id || strcmp(pp->key, projects[i].plan_key) != 0))
      nplans++;
    else {
      free(pp->entries);
      pp->entries = NULL;
    }
  }
  if (rc == SH_OK && nplans)
    rc = store_visit_plan_existing(tx, first, last, &existing, &nexisting, err);
  size_t x = 0;
  for (size_t i = 0; rc == SH_OK && i < nplans; i++) {
    while (x < nexisting && existing[x]->project_id < plans[i].p->id)
      x++;
    size_t from = x;
    while (x < nexisting && existing[x]->project_id == plans[i].p->id)
      x++;
    if (diff(a, &plans[i], existing + from, x - from, &w, err, &rc))
      a->stats.changed++;
    else
      a->stats.invalid++;
  }
  if (rc == SH_OK && (!w.inserts || !w.updates || !w.events || !w.keys || !w.audit))
    rc = oom(err);
  if (rc == SH_OK)
    rc = write_batch(a, tx, &w, err);
  if (rc == SH_OK) {
    a->after_id = last;
    a->done = n < VISIT_PLAN_BATCH || a->project_id;
  }
out:
  for (size_t i = 0; plans && i < nplans; i++)
    free(plans[i].entries);
  free(plans);
  json_decref(w.inserts);
  json_decref(w.updates);
  json_decref(w.events);
  json_decref(w.keys);
  json_decref(w.audit);
  visit_list_free(existing, nexisting);
  visit_plan_units_free(units, nunits);
  visit_plan_projects_free(projects, n);
  return rc;
}

struct start_arg {
  const struct actor *actor;
  int64_t project_id;
  struct plan_settings *s;
};

/* The settings of the pass, and the project asked for visible to the actor. */
static enum sh_status start_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct start_arg *a = arg;
  int64_t company = 0, interval = 0;
  char *final = NULL, *from = NULL;
  enum sh_status rc = settings_int(tx, "warranty.company_months", &company, err);
  if (rc == SH_OK)
    rc = settings_int(tx, "visit.interval_months", &interval, err);
  if (rc == SH_OK)
    rc = settings_text(tx, "visit.final_at_expiry", &final, err);
  if (rc == SH_OK)
    rc = settings_text(tx, "visit.plan_from", &from, err);
  if (rc == SH_OK) {
    a->s->company_months = (int)company;
    a->s->interval_months = (int)interval;
    a->s->final_at_expiry = final && strcmp(final, "true") == 0;
    snprintf(a->s->plan_from, sizeof a->s->plan_from, "%s", from ? from : "");
  }
  if (rc == SH_OK && a->project_id && a->actor) {
    struct customer_scope scope = customer_scope_of(a->actor);
    struct project *p = NULL;
    rc = store_project_get(tx, a->project_id, &scope, &p, err);
    project_free(p);
  }
  free(final);
  free(from);
  return rc;
}

/* Batches from a->after_id until done or the wall clock passes deadline (0: none). */
static enum sh_status run_batches(struct plan_arg *a, int64_t deadline, struct sh_error *err) {
  enum sh_status rc = SH_OK;
  if (!(a->entries = sh_calloc(VISIT_PLAN_MAX, sizeof *a->entries)))
    return oom(err);
  while (rc == SH_OK && !a->done && (!deadline || time_now() < deadline))
    rc = store_write(a->app->store, batch_unit, a, err);
  free(a->entries);
  a->entries = NULL;
  return rc;
}

enum sh_status visit_plan_pass(struct app *app, const struct actor *actor, int64_t project_id,
                               int64_t now, struct visit_plan_stats *stats, struct sh_error *err) {
  struct plan_arg a = {.app = app, .actor = actor, .project_id = project_id, .now = now};
  struct start_arg s = {.actor = actor, .project_id = project_id, .s = &a.s};
  enum sh_status rc = store_read(app->store, start_unit, &s, err);
  if (rc == SH_OK)
    rc = run_batches(&a, 0, err);
  if (rc == SH_OK && stats)
    *stats = a.stats;
  return rc;
}

enum sh_status visit_plan_resume(struct app *app, const struct actor *actor, int64_t now,
                                 struct visit_plan_cursor *cursor, int64_t budget_seconds,
                                 struct sh_error *err) {
  struct plan_arg a = {
      .app = app, .actor = actor, .now = now, .after_id = cursor->after_id, .stats = cursor->stats};
  struct start_arg s = {.actor = actor, .s = &a.s};
  /* The settings are read again at each step: a change made meanwhile shows in the keys of
   * the projects planned after it, and the next pass plans the others again. */
  enum sh_status rc = store_read(app->store, start_unit, &s, err);
  if (rc == SH_OK)
    rc = run_batches(&a, budget_seconds ? time_now() + budget_seconds : 0, err);
  if (rc == SH_OK) {
    cursor->after_id = a.after_id;
    cursor->stats = a.stats;
    cursor->finished = a.done;
  }
  return rc;
}

/* ---- the engineering manager's actions ------------------------------------------------- */

struct manage_body {
  char *planned_date, *reason;
  int64_t leader_id, version;
};

#define MF(name, type, flags, min, max)                                                            \
  { #name, type, flags, min, max, offsetof(struct manage_body, name) }

/* IMP: SPEC D1 — 由工程部经理统一安排 … 确定回访日期: the manager's date, with a reason. A date
 * later than the rule's due date is allowed (the visit shows beyond_rule; the KPI still
 * measures against due_date); one before today is not (nobody can visit in the past). */
static enum sh_status act_move(struct visit_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      MF(planned_date, JF_DATE, JF_REQUIRED, 0, 0),
      MF(reason, JF_STRING, JF_REQUIRED | JF_MULTILINE, 1, 500),
      MF(version, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
  };
  struct manage_body b = {0};
  enum sh_status rc = jsonx_decode(c->body, fields, 3, &b, NULL, NULL, err);
  if (rc == SH_OK && period_compare_dates(b.planned_date, c->today) < 0)
    rc = sh_fail(err, SH_ERR_INVALID, "date_in_past", "planned_date", NULL);
  if (rc == SH_OK)
    rc = visit_require_open(c->v, err);
  if (rc == SH_OK)
    rc = visit_require_version(c->v, b.version, err);
  if (rc == SH_OK) {
    jsonx_set_str(c->detail, "planned_date_before", c->v->planned_date);
    jsonx_set_str(c->detail, "planned_date", b.planned_date);
    jsonx_set_str(c->detail, "reason", b.reason);
    jsonx_set_bool(c->detail, "beyond_rule",
                   period_compare_dates(b.planned_date, c->v->due_date) > 0);
    c->save = true;
    rc = visit_set_text(&c->v->planned_date, b.planned_date, err);
  }
  if (rc == SH_OK)
    rc = visit_set_text(&c->v->moved_reason, b.reason, err);
  jsonx_free(fields, 3, &b);
  return rc;
}

static const char *nz(const char *s) {
  return s ? s : "";
}

/* IMP: SPEC D1 — 由工程部经理安排本项目的项目经理组织相关技术人员参加: the leader is an active
 * project manager (or the engineering manager himself) whose regions cover the visit. */
static enum sh_status act_leader(struct visit_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      MF(leader_id, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
      MF(version, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
  };
  struct manage_body b = {0};
  enum sh_status rc = jsonx_decode(c->body, fields, 2, &b, NULL, NULL, err);
  if (rc == SH_OK)
    rc = visit_require_open(c->v, err);
  if (rc == SH_OK)
    rc = visit_require_version(c->v, b.version, err);
  struct user_record *u = NULL;
  bool fits = false;
  if (rc == SH_OK) {
    rc = store_user_get(c->tx, b.leader_id, &u, err);
    enum role role = ROLE_COUNT;
    if (rc == SH_ERR_NOT_FOUND)
      rc = SH_OK;
    else if (rc == SH_OK && u->active && role_parse(u->role, &role) &&
             (role == ROLE_PROJECT_MANAGER || role == ROLE_ENGINEERING_MANAGER))
      rc = store_user_covers_region(c->tx, b.leader_id, c->v->region_code, &fits, err);
  }
  if (rc == SH_OK && !fits)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_visit_leader", "leader_id", NULL);
  if (rc == SH_OK) {
    json_object_set_new(c->detail, "leader_before",
                        c->v->leader_id ? json_integer(c->v->leader_id) : json_null());
    jsonx_set_int(c->detail, "leader_id", b.leader_id);
    c->v->leader_id = b.leader_id;
    c->save = true;
    char subject[240], body[800];
    const struct visit *v = c->v;
    if (strcmp(v->kind, "planned") == 0)
      snprintf(subject, sizeof subject, "【回访安排】请您带队回访：%s %s(第%lld次)",
               nz(v->customer_name), nz(v->project_name), (long long)v->seq);
    else
      snprintf(subject, sizeof subject, "【回访安排】请您回访确认工单%s：%s", nz(v->ticket_number),
               nz(v->customer_name));
    snprintf(body, sizeof body,
             "回访日期：%s(规定日期 %s)\n联系人：%s %s\n%s%s\n回访后请提交回访报告。",
             v->planned_date, v->due_date, nz(v->contact_name), nz(v->contact_phone),
             *nz(v->carried_items) ? "上次遗留事项：" : "", nz(v->carried_items));
    /* Names and carried items are the users' text: cut on a character (PostgreSQL refuses a
     * broken one). */
    utf8_trim_tail(subject);
    utf8_trim_tail(body);
    rc = outbox_notify_user(c->tx, b.leader_id, v->ticket_id, subject, body, c->now, err);
  }
  user_record_free(u);
  return rc;
}

static enum sh_status act_cancel(struct visit_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      MF(reason, JF_STRING, JF_REQUIRED | JF_MULTILINE, 1, 500),
      MF(version, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
  };
  struct manage_body b = {0};
  enum sh_status rc = jsonx_decode(c->body, fields, 2, &b, NULL, NULL, err);
  if (rc == SH_OK)
    rc = visit_require_open(c->v, err);
  if (rc == SH_OK)
    rc = visit_require_version(c->v, b.version, err);
  if (rc == SH_OK) {
    jsonx_set_str(c->detail, "reason", b.reason);
    c->save = true;
    rc = visit_set_text(&c->v->status, "cancelled", err);
  }
  if (rc == SH_OK)
    rc = visit_set_text(&c->v->cancelled_reason, b.reason, err);
  jsonx_free(fields, 2, &b);
  return rc;
}
#undef MF

enum sh_status visit_manage(struct app *app, const struct actor *actor, int64_t id,
                            enum visit_manage action, json_t *body, json_t **out,
                            struct sh_error *err) {
  switch (action) {
  case VISIT_MOVE:
    return visit_run(app, actor, id, "move", act_move, body, out, err);
  case VISIT_LEADER:
    return visit_run(app, actor, id, "leader", act_leader, body, out, err);
  case VISIT_CANCEL:
    return visit_run(app, actor, id, "cancel", act_cancel, body, out, err);
  }
  return sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "visit action");
}
