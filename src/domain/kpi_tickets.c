/* kpi_tickets.c (domain) — the dashboard's ticket and complaint figures (see kpi_tickets.h):
 * reads the targets, the stage hours and the caller's grants, has the store count per group
 * and local day, and folds the days into ISO weeks or months with the rules of kpi_trend.h —
 * a loop over aggregated rows (a few per day), never over tickets. */
#include "kpi_tickets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../rules/kpi.h"
#include "../rules/kpi_trend.h"
#include "../store/kpi_tickets.h"
#include "settings.h"

/* The store counts in SQL in the order of the rules' classes (store/kpi_tickets.h). */
_Static_assert(STORE_KPI_DEADLINE_COUNTS == KPI_DEADLINE_CLASSES && KPI_DEADLINE_ON_TIME == 0 &&
                   KPI_DEADLINE_LATE == 1 && KPI_DEADLINE_BREACHED == 2 && KPI_DEADLINE_OPEN == 3 &&
                   KPI_DEADLINE_NOT_NEEDED == 4,
               "deadline counts: store and rules disagree");
_Static_assert(STORE_KPI_NOTICE_COUNTS == KPI_NOTICE_CLASSES && KPI_NOTICE_ON_TIME == 0 &&
                   KPI_NOTICE_LATE == 1 && KPI_NOTICE_OVERDUE == 2 && KPI_NOTICE_PENDING == 3,
               "notice counts: store and rules disagree");

#define OOM(err) sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL)

static const char *const group_names[] = {"none", "week", "month", "province"};

/* ---- the period and its buckets ---- */

struct period {
  const char *from, *to;
  int64_t from_day, to_day, now, today;
  enum kpi_service_group group;
  enum kpi_bucket bucket;
  int64_t nbuckets; /* week or month: every bucket of the period, empty ones too */
};

static enum sh_status period_of(struct app *app, const char *from, const char *to,
                                enum kpi_service_group group, struct period *p,
                                struct sh_error *err) {
  *p = (struct period){.from = from, .to = to, .group = group};
  if (!kpi_date_day(from, &p->from_day))
    return sh_fail(err, SH_ERR_INVALID, "invalid_date", "from", NULL);
  if (!kpi_date_day(to, &p->to_day))
    return sh_fail(err, SH_ERR_INVALID, "invalid_date", "to", NULL);
  if (p->to_day < p->from_day)
    return sh_fail(err, SH_ERR_INVALID, "end_before_start", "to", NULL);
  if (p->to_day - p->from_day + 1 > KPI_SERVICE_MAX_DAYS)
    return sh_fail(err, SH_ERR_INVALID, "out_of_range", "to", NULL);
  p->now = time_now();
  p->today = kpi_local_day(p->now, app->tz_offset_minutes);
  p->bucket = group == KPI_SERVICE_MONTH ? KPI_BUCKET_MONTH : KPI_BUCKET_WEEK;
  if (group == KPI_SERVICE_WEEK || group == KPI_SERVICE_MONTH)
    p->nbuckets = kpi_bucket_count(p->bucket, p->from_day, p->to_day);
  return SH_OK;
}

static bool trend(const struct period *p) {
  return p->group == KPI_SERVICE_WEEK || p->group == KPI_SERVICE_MONTH;
}

/* The bucket of a local day, -1 outside the period. */
static int64_t bucket_index(const struct period *p, int64_t day) {
  if (day < p->from_day || day > p->to_day)
    return -1;
  if (p->bucket == KPI_BUCKET_WEEK)
    return (kpi_bucket_start(p->bucket, day) - kpi_bucket_start(p->bucket, p->from_day)) / 7;
  return kpi_bucket_count(p->bucket, p->from_day, day) - 1;
}

/* Sets key, from and to of the bucket starting on *start (the period's first bucket: the
 * bucket start of from_day) — from and to clipped to the period — and moves *start on. */
static void bucket_json(const struct period *p, int64_t *start, json_t *o) {
  char key[9] = "", a[11] = "", b[11] = "";
  int64_t next = kpi_bucket_next(p->bucket, *start);
  kpi_bucket_key(p->bucket, *start, key);
  kpi_day_date(*start < p->from_day ? p->from_day : *start, a);
  kpi_day_date(next - 1 > p->to_day ? p->to_day : next - 1, b);
  jsonx_set_str(o, "key", key);
  jsonx_set_str(o, "from", a);
  jsonx_set_str(o, "to", b);
  *start = next;
}

static struct kpi_service_query query_of(const struct app *app, const struct period *p,
                                         const struct kpi_scope *scope, char today[11]) {
  kpi_day_date(p->today, today);
  enum kpi_rows_by by = trend(p)                           ? KPI_ROWS_DAY
                        : p->group == KPI_SERVICE_PROVINCE ? KPI_ROWS_PROVINCE
                                                           : KPI_ROWS_ALL;
  return (struct kpi_service_query){
      .from_at = kpi_day_start(p->from_day, app->tz_offset_minutes),
      .to_at = kpi_day_start(p->to_day + 1, app->tz_offset_minutes),
      .now = p->now,
      .tz_offset_minutes = app->tz_offset_minutes,
      .by = by,
      .scope = scope,
      .today = today,
  };
}

/* {…counts, rate_permille, target_permille, met}: rate and met null while nothing counted. */
static json_t *with_rate(json_t *o, int64_t num, int64_t den, int64_t target, bool has_target) {
  struct kpi_rate r;
  if (!o || !kpi_rate(num, den, has_target ? target : 0, &r)) {
    json_decref(o);
    return NULL;
  }
  json_object_set_new(o, "rate_permille", r.defined ? json_integer(r.permille) : json_null());
  if (has_target) {
    json_object_set_new(o, "target_permille", json_integer(target));
    json_object_set_new(o, "met", r.defined ? json_boolean(r.target_met) : json_null());
  }
  return o;
}

/* ---- tickets ---- */

#define NSTAGES 4 /* the three stages of C2 and the promised replies of C5 */
static const char *const stage_names[NSTAGES] = {"onsite", "clear", "substitute", "promise"};
static const char *const hour_keys[3] = {"sla.onsite_hours", "sla.clear_hours",
                                         "sla.substitute_hours"};

struct tbucket {
  char key[16];
  const char *name; /* borrowed from the rows */
  int64_t n[NSTAGES][KPI_DEADLINE_CLASSES];
  int64_t created, closed;
};

struct ticket_arg {
  struct app *app;
  const struct actor *actor;
  struct period p;
  json_t *out;
};

/* One stage's counts (stage NULL: the three C2 stages together). */
static json_t *stage_json(const char *stage, int64_t hours, const int64_t *n, int64_t target) {
  json_t *o = json_object();
  if (stage) {
    jsonx_set_str(o, "stage", stage);
    json_object_set_new(o, "hours", hours ? json_integer(hours) : json_null());
  }
  int64_t due = n[KPI_DEADLINE_ON_TIME] + n[KPI_DEADLINE_LATE] + n[KPI_DEADLINE_BREACHED];
  jsonx_set_int(o, "due", due);
  for (int c = 0; c < KPI_DEADLINE_CLASSES; c++)
    jsonx_set_int(o, kpi_deadline_class_name((enum kpi_deadline_class)c), n[c]);
  return with_rate(o, n[KPI_DEADLINE_ON_TIME], due, target, true);
}

/* stages[] and overall of one bucket into o. */
static bool stages_into(json_t *o, const struct tbucket *b, const int64_t *hours, int64_t target) {
  json_t *arr = json_array();
  int64_t c2[KPI_DEADLINE_CLASSES] = {0};
  for (int s = 0; arr && s < NSTAGES; s++) {
    if (json_array_append_new(
            arr, stage_json(stage_names[s], s < 3 ? hours[s] : 0, b->n[s], target)) != 0) {
      json_decref(arr);
      arr = NULL;
    }
    for (int c = 0; s < 3 && c < KPI_DEADLINE_CLASSES; c++)
      c2[c] += b->n[s][c];
  }
  json_t *overall = stage_json(NULL, 0, c2, target);
  json_object_set_new(o, "stages", arr ? arr : json_null());
  json_object_set_new(o, "overall", overall ? overall : json_null());
  return arr && overall;
}

/* The bucket a row goes to: by day (trends), by province key (found or added), or the one. */
static struct tbucket *tbucket_of(const struct period *p, struct tbucket *list, size_t *n,
                                  size_t cap, const char *key, const char *name, int64_t day) {
  if (trend(p)) {
    int64_t i = bucket_index(p, day);
    return i < 0 || i >= p->nbuckets ? NULL : &list[i];
  }
  if (p->group != KPI_SERVICE_PROVINCE)
    return &list[0];
  for (size_t i = 0; i < *n; i++)
    if (strcmp(list[i].key, key) == 0)
      return &list[i];
  if (*n == cap)
    return NULL;
  snprintf(list[*n].key, sizeof list[*n].key, "%s", key);
  list[*n].name = name;
  return &list[(*n)++];
}

static int stage_index(const char *stage) {
  for (int s = 0; s < NSTAGES; s++)
    if (strcmp(stage, stage_names[s]) == 0)
      return s;
  return -1;
}

static int by_key(const void *a, const void *b) {
  return strcmp(((const struct tbucket *)a)->key, ((const struct tbucket *)b)->key);
}

static json_t *ticket_json(const struct ticket_arg *a, struct tbucket *list, size_t n,
                           const struct tbucket *all, const struct kpi_ticket_summary *sum,
                           const int64_t *hours, int64_t target, const char *today) {
  json_t *o = json_object(), *groups = json_array();
  jsonx_set_str(o, "from", a->p.from);
  jsonx_set_str(o, "to", a->p.to);
  jsonx_set_str(o, "group", group_names[a->p.group]);
  jsonx_set_str(o, "today", today);
  jsonx_set_int(o, "target_permille", target);
  jsonx_set_int(o, "created", all->created);
  jsonx_set_int(o, "closed", all->closed);
  bool ok = o && groups && stages_into(o, all, hours, target);
  json_t *s = json_pack("{s:I,s:I,s:I,s:I,s:I}", "created_today", (json_int_t)sum->created_today,
                        "waiting_dispatch", (json_int_t)sum->waiting_dispatch, "in_progress",
                        (json_int_t)sum->in_progress, "overdue", (json_int_t)sum->overdue,
                        "closed_today", (json_int_t)sum->closed_today);
  ok = ok && s && json_object_set_new(o, "summary", s) == 0;
  if (a->p.group == KPI_SERVICE_PROVINCE)
    qsort(list, n, sizeof *list, by_key);
  int64_t start = kpi_bucket_start(a->p.bucket, a->p.from_day);
  for (size_t i = 0; ok && a->p.group != KPI_SERVICE_NONE && i < n; i++) {
    json_t *g = json_object();
    if (trend(&a->p)) {
      bucket_json(&a->p, &start, g);
    } else {
      jsonx_set_str(g, "key", list[i].key);
      jsonx_set_str(g, "name", list[i].name);
    }
    jsonx_set_int(g, "created", list[i].created);
    jsonx_set_int(g, "closed", list[i].closed);
    ok = g && stages_into(g, &list[i], hours, target) && json_array_append_new(groups, g) == 0;
  }
  if (o && groups && json_object_set_new(o, "groups", groups) == 0)
    groups = NULL;
  json_decref(groups);
  if (!ok) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static enum sh_status ticket_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct ticket_arg *a = arg;
  struct kpi_scope scope = {0};
  int64_t target = 950, hours[3] = {0};
  enum sh_status rc = settings_int(tx, "targets.sla_on_time_permille", &target, err);
  for (int s = 0; rc == SH_OK && s < 3; s++)
    rc = settings_int(tx, hour_keys[s], &hours[s], err);
  if (rc == SH_OK)
    rc = store_kpi_scope(tx, a->actor->user_id, &scope, err);
  char today[11] = "";
  struct kpi_service_query q = query_of(a->app, &a->p, &scope, today);
  struct kpi_deadline_row *dl = NULL;
  struct kpi_count_row *called = NULL, *closed = NULL;
  size_t nd = 0, ncalled = 0, nclosed = 0;
  struct kpi_ticket_summary sum = {0};
  if (rc == SH_OK)
    rc = store_kpi_deadlines(tx, &q, &dl, &nd, err);
  if (rc == SH_OK)
    rc = store_kpi_tickets_called(tx, &q, &called, &ncalled, err);
  if (rc == SH_OK)
    rc = store_kpi_tickets_closed(tx, &q, &closed, &nclosed, err);
  /* The cards are about today, whatever the period. */
  struct kpi_service_query tq = q;
  tq.from_at = kpi_day_start(a->p.today, a->app->tz_offset_minutes);
  tq.to_at = kpi_day_start(a->p.today + 1, a->app->tz_offset_minutes);
  if (rc == SH_OK)
    rc = store_kpi_ticket_summary(tx, &tq, &sum, err);
  /* Buckets: every week or month of a trend; for provinces at most one per row. */
  size_t cap = trend(&a->p)                         ? (size_t)a->p.nbuckets
               : a->p.group == KPI_SERVICE_PROVINCE ? nd + ncalled + nclosed
                                                    : 1;
  size_t n = trend(&a->p) ? cap : a->p.group == KPI_SERVICE_PROVINCE ? 0 : 1;
  struct tbucket *list = rc == SH_OK ? sh_calloc(cap ? cap : 1, sizeof *list) : NULL;
  struct tbucket all = {0};
  if (rc == SH_OK && !list)
    rc = OOM(err);
  for (size_t i = 0; rc == SH_OK && i < nd; i++) {
    int s = stage_index(dl[i].stage);
    struct tbucket *b = tbucket_of(&a->p, list, &n, cap, dl[i].key, dl[i].name, dl[i].day);
    for (int c = 0; s >= 0 && c < KPI_DEADLINE_CLASSES; c++) {
      all.n[s][c] += dl[i].n[c];
      if (b)
        b->n[s][c] += dl[i].n[c];
    }
  }
  for (size_t i = 0; rc == SH_OK && i < ncalled + nclosed; i++) {
    const struct kpi_count_row *r = i < ncalled ? &called[i] : &closed[i - ncalled];
    struct tbucket *b = tbucket_of(&a->p, list, &n, cap, r->key, r->name, r->day);
    int64_t *all_n = i < ncalled ? &all.created : &all.closed;
    *all_n += r->n;
    if (b)
      *(i < ncalled ? &b->created : &b->closed) += r->n;
  }
  if (rc == SH_OK && !(a->out = ticket_json(a, list, n, &all, &sum, hours, target, today)))
    rc = OOM(err);
  free(list);
  kpi_deadline_rows_free(dl, nd);
  kpi_count_rows_free(called, ncalled);
  kpi_count_rows_free(closed, nclosed);
  kpi_scope_clear(&scope);
  return rc;
}

enum sh_status kpi_ticket_report(struct app *app, const struct actor *actor, const char *from,
                                 const char *to, enum kpi_service_group group, json_t **out,
                                 struct sh_error *err) {
  struct ticket_arg a = {.app = app, .actor = actor};
  enum sh_status rc = period_of(app, from, to, group, &a.p, err);
  if (rc == SH_OK)
    rc = store_read(app->store, ticket_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  else
    json_decref(a.out);
  return rc;
}

/* ---- complaints ---- */

#define NSTATES 5
static const char *const state_names[NSTATES] = {"registered", "assigned", "answered",
                                                 "called_back", "archived"};

/* One week's (or the period's) complaint figures; cat[i] per top-level category, sev[i]
 * per severity, in the order of the labels. */
struct cbucket {
  int64_t received, repeats;
  int64_t *cat, *sev;
  int64_t state[NSTATES];
  int64_t notice[KPI_NOTICE_CLASSES];
};

struct complaint_arg {
  struct app *app;
  const struct actor *actor;
  struct period p;
  json_t *out;
};

static size_t label_index(const struct kpi_label *l, size_t n, const char *code) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(l[i].code, code) == 0)
      return i;
  return n;
}

static json_t *notices_json(const int64_t *n) {
  json_t *o = json_object();
  for (int c = 0; o && c < KPI_NOTICE_CLASSES; c++)
    jsonx_set_int(o, kpi_notice_class_name((enum kpi_notice_class)c), n[c]);
  int64_t due = n[KPI_NOTICE_ON_TIME] + n[KPI_NOTICE_LATE] + n[KPI_NOTICE_OVERDUE];
  jsonx_set_int(o, "due", due);
  return with_rate(o, n[KPI_NOTICE_ON_TIME], due, 0, false);
}

/* [{code, count}] of a bucket's categories (only the listed ones). */
static json_t *counts_json(const struct kpi_label *l, const bool *listed, size_t n,
                           const int64_t *count, bool names) {
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < n; i++) {
    if (!listed[i])
      continue;
    json_t *o = json_object();
    jsonx_set_str(o, "code", l[i].code);
    if (names) {
      jsonx_set_str(o, "name", l[i].name);
      jsonx_set_str(o, "name_en", l[i].name_en);
    }
    jsonx_set_int(o, "count", count[i]);
    if (json_array_append_new(arr, o) != 0) {
      json_decref(arr);
      arr = NULL;
    }
  }
  return arr;
}

static bool set(json_t *o, const char *key, json_t *v) {
  return v && json_object_set_new(o, key, v) == 0;
}

static json_t *complaint_json(const struct complaint_arg *a, const struct cbucket *all,
                              const struct cbucket *weeks, const struct kpi_label *roots,
                              const bool *listed, size_t nroots, const struct kpi_label *sevs,
                              const bool *sev_listed, size_t nsev, const char *today) {
  json_t *o = json_object();
  jsonx_set_str(o, "from", a->p.from);
  jsonx_set_str(o, "to", a->p.to);
  jsonx_set_str(o, "group", group_names[a->p.group]);
  jsonx_set_str(o, "today", today);
  jsonx_set_int(o, "received", all->received);
  jsonx_set_int(o, "repeats", all->repeats);
  bool ok = o && set(o, "categories", counts_json(roots, listed, nroots, all->cat, true)) &&
            set(o, "severities", counts_json(sevs, sev_listed, nsev, all->sev, true));
  json_t *states = json_array();
  for (int s = 0; states && s < NSTATES; s++)
    json_array_append_new(
        states, json_pack("{s:s,s:I}", "code", state_names[s], "count", (json_int_t)all->state[s]));
  ok = ok && set(o, "states", states) && set(o, "notices", notices_json(all->notice));
  json_t *groups = json_array();
  int64_t start = kpi_bucket_start(a->p.bucket, a->p.from_day);
  for (int64_t w = 0; ok && groups && a->p.group == KPI_SERVICE_WEEK && w < a->p.nbuckets; w++) {
    json_t *g = json_object();
    bucket_json(&a->p, &start, g);
    jsonx_set_int(g, "received", weeks[w].received);
    jsonx_set_int(g, "repeats", weeks[w].repeats);
    ok = g && set(g, "categories", counts_json(roots, listed, nroots, weeks[w].cat, false)) &&
         set(g, "notices", notices_json(weeks[w].notice)) && json_array_append_new(groups, g) == 0;
  }
  ok = ok && set(o, "groups", groups);
  if (!ok) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static enum sh_status complaint_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct complaint_arg *a = arg;
  struct kpi_scope scope = {0};
  struct kpi_label *roots = NULL, *sevs = NULL;
  size_t nroots = 0, nsev = 0, nrows = 0, nnotice = 0;
  struct kpi_complaint_row *rows = NULL;
  struct kpi_notice_row *notices = NULL;
  enum sh_status rc = store_kpi_scope(tx, a->actor->user_id, &scope, err);
  char today[11] = "";
  struct kpi_service_query q = query_of(a->app, &a->p, &scope, today);
  if (rc == SH_OK)
    rc = store_kpi_complaint_roots(tx, &roots, &nroots, err);
  if (rc == SH_OK)
    rc = store_kpi_severities(tx, &sevs, &nsev, err);
  if (rc == SH_OK)
    rc = store_kpi_complaints(tx, &q, &rows, &nrows, err);
  if (rc == SH_OK)
    rc = store_kpi_notices(tx, &q, &notices, &nnotice, err);
  /* One bucket for the period and one per week, each with its category and severity
   * counts in a single block. */
  size_t nb = 1 + (size_t)(a->p.group == KPI_SERVICE_WEEK ? a->p.nbuckets : 0);
  size_t width = nroots + nsev + 2;
  struct cbucket *b = rc == SH_OK ? sh_calloc(nb, sizeof *b) : NULL;
  int64_t *cells = rc == SH_OK ? sh_calloc(nb * width, sizeof *cells) : NULL;
  bool *listed = rc == SH_OK ? sh_calloc(width, sizeof *listed) : NULL;
  if (rc == SH_OK && (!b || !cells || !listed))
    rc = OOM(err);
  for (size_t i = 0; rc == SH_OK && i < nb; i++) {
    b[i].cat = cells + i * width;
    b[i].sev = b[i].cat + nroots + 1;
  }
  for (size_t i = 0; rc == SH_OK && i < nrows + nnotice; i++) {
    int64_t day = i < nrows ? rows[i].day : notices[i - nrows].day;
    int64_t w = a->p.group == KPI_SERVICE_WEEK ? bucket_index(&a->p, day) : -1;
    struct cbucket *targets[2] = {&b[0], w >= 0 && w < a->p.nbuckets ? &b[1 + w] : NULL};
    for (int t = 0; t < 2 && targets[t]; t++) {
      struct cbucket *x = targets[t];
      if (i >= nrows) {
        for (int c = 0; c < KPI_NOTICE_CLASSES; c++)
          x->notice[c] += notices[i - nrows].n[c];
        continue;
      }
      const struct kpi_complaint_row *r = &rows[i];
      x->received += r->n;
      x->repeats += r->repeats;
      /* an unknown code (a category or severity removed since) counts in the total only */
      x->cat[label_index(roots, nroots, r->root)] += r->n;
      x->sev[label_index(sevs, nsev, r->severity)] += r->n;
      for (int s = 0; s < NSTATES; s++)
        if (strcmp(r->status, state_names[s]) == 0)
          x->state[s] += r->n;
    }
  }
  /* Disabled top-level categories are listed only when they hold complaints. */
  for (size_t i = 0; rc == SH_OK && i < nroots; i++)
    listed[i] = !roots[i].disabled || b[0].cat[i] > 0;
  for (size_t i = 0; rc == SH_OK && i < nsev; i++)
    listed[nroots + 1 + i] = true;
  if (rc == SH_OK && !(a->out = complaint_json(a, &b[0], b + 1, roots, listed, nroots, sevs,
                                               listed + nroots + 1, nsev, today)))
    rc = OOM(err);
  free(b);
  free(cells);
  free(listed);
  kpi_complaint_rows_free(rows, nrows);
  free(notices);
  kpi_labels_free(roots, nroots);
  kpi_labels_free(sevs, nsev);
  kpi_scope_clear(&scope);
  return rc;
}

enum sh_status kpi_complaint_report(struct app *app, const struct actor *actor, const char *from,
                                    const char *to, enum kpi_service_group group, json_t **out,
                                    struct sh_error *err) {
  struct complaint_arg a = {.app = app, .actor = actor};
  enum sh_status rc = period_of(app, from, to, group, &a.p, err);
  if (rc == SH_OK)
    rc = store_read(app->store, complaint_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  else
    json_decref(a.out);
  return rc;
}
