/* kpi.c (domain) — the dashboard's return-visit KPIs (SPEC D5; see kpi.h): reads the targets and
 * the caller's grants, has the store count, and turns counts into rates with kpi_rate. */
#include "kpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/jsonx.h"
#include "../base/timefmt.h"
#include "../rules/kpi.h"
#include "settings.h"

#define OOM(err) sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL)

void kpi_today(const struct app *app, char out[11]) {
  time_t local = (time_t)(time_now() + app->tz_offset_minutes * 60);
  struct tm tm;
  gmtime_r(&local, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}

static const char *const group_names[] = {"none", "region", "leader", "month"};

/* {numerator, denominator, rate_permille, target_permille, met}: rate and met are null while
 * nothing is counted (kpi.h: "—", neither met nor missed). */
static json_t *rate_json(json_t *o, int64_t num, int64_t den, int64_t target) {
  struct kpi_rate r;
  if (!o || !kpi_rate(num, den, target, &r)) {
    json_decref(o);
    return NULL;
  }
  json_object_set_new(o, "rate_permille", r.defined ? json_integer(r.permille) : json_null());
  json_object_set_new(o, "target_permille", json_integer(target));
  json_object_set_new(o, "met", r.defined ? json_boolean(r.target_met) : json_null());
  return o;
}

static json_t *visit_rate_json(const struct kpi_counts *c, int64_t target) {
  int64_t due = c->on_time + c->late + c->missing;
  return rate_json(json_pack("{s:I,s:I,s:I,s:I,s:I}", "on_time", (json_int_t)c->on_time, "late",
                             (json_int_t)c->late, "missing", (json_int_t)c->missing, "not_due",
                             (json_int_t)c->not_due, "due", (json_int_t)due),
                   c->on_time, due, target);
}

static json_t *satisfaction_json(const struct kpi_counts *c, int64_t target) {
  return rate_json(json_pack("{s:I,s:I}", "satisfied", (json_int_t)c->satisfied, "answered",
                             (json_int_t)c->answered),
                   c->satisfied, c->answered, target);
}

struct report_arg {
  const struct actor *actor;
  struct kpi_query q;
  int64_t limit, offset, total;
  json_t *out;
};

/* The min score of kpi_satisfied: the visits' setting when it exists, else ours (4). */
static enum sh_status load_query(struct store_tx *tx, struct report_arg *a, struct kpi_scope *scope,
                                 struct sh_error *err) {
  a->q.min_score = 4;
  enum sh_status rc = SH_OK;
  if (setting_find("visit.satisfied_min_score"))
    rc = settings_int(tx, "visit.satisfied_min_score", &a->q.min_score, err);
  if (rc == SH_OK)
    rc = store_kpi_scope(tx, a->actor->user_id, scope, err);
  a->q.scope = scope;
  return rc;
}

/* Adds one group's figures under its key (merging visit and satisfaction rows). */
static json_t *group_json(const char *key, const char *name, enum kpi_group g,
                          const struct kpi_counts *c, int64_t vt, int64_t st) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  if (g == KPI_GROUP_LEADER) {
    long long id = strtoll(key, NULL, 10);
    json_object_set_new(o, "key", id ? json_integer(id) : json_null());
    jsonx_set_str(o, "name", id ? name : "未指定");
  } else {
    jsonx_set_str(o, "key", key);
    jsonx_set_str(o, "name", name);
  }
  json_object_set_new(o, "visit_rate", visit_rate_json(c, vt));
  json_object_set_new(o, "satisfaction", satisfaction_json(c, st));
  return o;
}

/* Joins the two lists — both ordered by key as the database orders the same text — into
 * groups in that order, summing every group into *all. */
static json_t *merge(const struct kpi_counts *v, size_t nv, const struct kpi_counts *s, size_t ns,
                     enum kpi_group g, int64_t vt, int64_t st, struct kpi_counts *all) {
  json_t *arr = json_array();
  size_t i = 0, k = 0;
  while (arr && (i < nv || k < ns)) {
    int order = i == nv ? 1 : k == ns ? -1 : strcmp(v[i].key, s[k].key);
    struct kpi_counts c = {0};
    const struct kpi_counts *named = order <= 0 ? &v[i] : &s[k];
    if (order <= 0) {
      c.on_time = v[i].on_time;
      c.late = v[i].late;
      c.missing = v[i].missing;
      c.not_due = v[i].not_due;
    }
    if (order >= 0) {
      c.satisfied = s[k].satisfied;
      c.answered = s[k].answered;
    }
    if (g != KPI_GROUP_NONE &&
        json_array_append_new(arr, group_json(named->key, named->name, g, &c, vt, st)) != 0) {
      json_decref(arr);
      arr = NULL;
    }
    all->on_time += c.on_time;
    all->late += c.late;
    all->missing += c.missing;
    all->not_due += c.not_due;
    all->satisfied += c.satisfied;
    all->answered += c.answered;
    i += order <= 0;
    k += order >= 0;
  }
  return arr;
}

static enum sh_status report_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct report_arg *a = arg;
  struct kpi_scope scope = {0};
  struct kpi_counts *v = NULL, *s = NULL, all = {0};
  size_t nv = 0, ns = 0;
  int64_t vt = 1000, st = 980;
  enum sh_status rc = load_query(tx, a, &scope, err);
  if (rc == SH_OK)
    rc = settings_int(tx, "targets.visit_rate_permille", &vt, err);
  if (rc == SH_OK)
    rc = settings_int(tx, "targets.satisfaction_permille", &st, err);
  if (rc == SH_OK)
    rc = store_kpi_visit_rate(tx, &a->q, &v, &nv, err);
  if (rc == SH_OK)
    rc = store_kpi_satisfaction(tx, &a->q, &s, &ns, err);
  json_t *groups = rc == SH_OK ? merge(v, nv, s, ns, a->q.group, vt, st, &all) : NULL;
  json_t *o = groups ? json_object() : NULL;
  if (o) {
    jsonx_set_str(o, "from", a->q.from);
    jsonx_set_str(o, "to", a->q.to);
    jsonx_set_str(o, "as_of", a->q.as_of);
    jsonx_set_str(o, "group", group_names[a->q.group]);
    jsonx_set_int(o, "satisfied_min_score", a->q.min_score);
    json_t *vr = visit_rate_json(&all, vt), *sr = satisfaction_json(&all, st);
    json_object_set_new(o, "visit_rate", vr);
    json_object_set_new(o, "satisfaction", sr);
    json_object_set_new(o, "groups", groups);
    groups = NULL;
    if (!vr || !sr) {
      json_decref(o);
      o = NULL;
    }
  }
  json_decref(groups);
  if (rc == SH_OK && !o)
    rc = OOM(err);
  kpi_counts_free(v, nv);
  kpi_counts_free(s, ns);
  kpi_scope_clear(&scope);
  a->out = o;
  return rc;
}

enum sh_status kpi_visit_report(struct app *app, const struct actor *actor, const char *from,
                                const char *to, const char *as_of, enum kpi_group group,
                                json_t **out, struct sh_error *err) {
  if (strcmp(to, from) < 0)
    return sh_fail(err, SH_ERR_INVALID, "end_before_start", "to", NULL);
  struct report_arg a = {.actor = actor,
                         .q = {.from = from, .to = to, .as_of = as_of, .group = group}};
  enum sh_status rc = store_read(app->store, report_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  else
    json_decref(a.out);
  return rc;
}

static enum sh_status missing_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct report_arg *a = arg;
  struct kpi_scope scope = {0};
  struct kpi_missing_visit *list = NULL;
  size_t n = 0;
  enum sh_status rc = load_query(tx, a, &scope, err);
  if (rc == SH_OK)
    rc = store_kpi_missing(tx, &a->q, a->limit, a->offset, &list, &n, &a->total, err);
  json_t *items = rc == SH_OK ? json_array() : NULL;
  for (size_t i = 0; items && i < n; i++) {
    const struct kpi_missing_visit *m = &list[i];
    json_t *o = json_pack("{s:I,s:I}", "id", (json_int_t)m->id, "seq", (json_int_t)m->seq);
    /* The rule itself names the class: the SQL only chose the candidates. */
    jsonx_set_str(
        o, "class",
        kpi_visit_class_name(kpi_visit_classify(m->due_date, m->status, m->done_on, a->q.as_of)));
    json_object_set_new(o, "project_id", m->project_id ? json_integer(m->project_id) : json_null());
    jsonx_set_str(o, "project_name", m->project_name);
    jsonx_set_int(o, "customer_id", m->customer_id);
    jsonx_set_str(o, "customer_name", m->customer_name);
    jsonx_set_str(o, "customer_phone", m->customer_phone);
    jsonx_set_str(o, "region_code", m->region_code);
    jsonx_set_str(o, "region_name", m->region_name);
    jsonx_set_str(o, "due_date", m->due_date);
    jsonx_set_str(o, "planned_date", m->planned_date);
    jsonx_set_str(o, "status", m->status);
    jsonx_set_str(o, "done_on", m->done_on);
    json_object_set_new(o, "leader_id", m->leader_id ? json_integer(m->leader_id) : json_null());
    jsonx_set_str(o, "leader_name", m->leader_id ? m->leader_name : "未指定");
    if (json_array_append_new(items, o) != 0) {
      json_decref(items);
      items = NULL;
    }
  }
  kpi_missing_visits_free(list, n);
  kpi_scope_clear(&scope);
  if (rc == SH_OK && !items)
    rc = OOM(err);
  a->out = items;
  return rc;
}

enum sh_status kpi_visit_missing(struct app *app, const struct actor *actor, const char *from,
                                 const char *to, const char *as_of, int64_t limit, int64_t offset,
                                 json_t **items, int64_t *total, struct sh_error *err) {
  if (strcmp(to, from) < 0)
    return sh_fail(err, SH_ERR_INVALID, "end_before_start", "to", NULL);
  struct report_arg a = {.actor = actor,
                         .q = {.from = from, .to = to, .as_of = as_of},
                         .limit = limit,
                         .offset = offset};
  enum sh_status rc = store_read(app->store, missing_unit, &a, err);
  if (rc == SH_OK) {
    *items = a.out;
    *total = a.total;
  } else {
    json_decref(a.out);
  }
  return rc;
}
