/* visit.c — return visits (see visit.h): reading them (one with its calls, defects, events
 * and files; a page of them), the report (SPEC D1, D2: findings, opinion, score and
 * satisfaction, defects → tickets at once, unfinished items → the next visit, the report →
 * the engineering manager), the follow-up visit of a closed ticket, the attachment owner,
 * and visit_run, the one unit of work every change of a visit goes through. */
#include "visit.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../rules/kpi.h"
#include "../rules/period.h"
#include "audit.h"
#include "checks.h"
#include "outbox.h"
#include "settings.h"
#include "ticket.h"
#include "visit_internal.h"

static const char *nz(const char *s) {
  return s ? s : "";
}

static enum sh_status oom(struct sh_error *err) {
  return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
}

void visit_local_day(int64_t utc, int tz, char out[11]) {
  char iso[TIME_ISO_LEN];
  time_format_iso(utc, tz, iso);
  memcpy(out, iso, 10);
  out[10] = '\0';
}

void visit_today(const struct app *app, char out[11]) {
  visit_local_day(time_now(), app->tz_offset_minutes, out);
}

enum sh_status visit_set_text(char **member, const char *value, struct sh_error *err) {
  char *copy = sh_strdup(value ? value : "");
  if (!copy)
    return oom(err);
  free(*member);
  *member = copy;
  return SH_OK;
}

enum sh_status visit_require_open(const struct visit *v, struct sh_error *err) {
  if (strcmp(v->status, "cancelled") == 0)
    return sh_fail(err, SH_ERR_CONFLICT, "visit_cancelled", "status", v->status);
  if (strcmp(v->status, "planned") != 0)
    return sh_fail(err, SH_ERR_CONFLICT, "visit_already_reported", "status", v->status);
  return SH_OK;
}

enum sh_status visit_require_version(const struct visit *v, int64_t version, struct sh_error *err) {
  return v->version == version ? SH_OK
                               : sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
}

static void set_opt_int(json_t *o, const char *key, int64_t v) {
  json_object_set_new(o, key, v ? json_integer(v) : json_null());
}

json_t *visit_fields_json(const struct visit *v, int tz, const char *today) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  bool open = strcmp(v->status, "planned") == 0;
  jsonx_set_int(o, "id", v->id);
  jsonx_set_str(o, "kind", v->kind);
  set_opt_int(o, "project_id", v->project_id);
  jsonx_set_str(o, "project_name", v->project_name);
  set_opt_int(o, "ticket_id", v->ticket_id);
  jsonx_set_str(o, "ticket_number", v->ticket_number);
  jsonx_set_int(o, "customer_id", v->customer_id);
  jsonx_set_str(o, "customer_name", v->customer_name);
  jsonx_set_str(o, "contact_name", v->contact_name);
  jsonx_set_str(o, "contact_phone", v->contact_phone);
  jsonx_set_str(o, "region_code", v->region_code);
  jsonx_set_str(o, "region_name", v->region_name);
  jsonx_set_int(o, "seq", v->seq);
  jsonx_set_str(o, "due_date", v->due_date);
  jsonx_set_str(o, "planned_date", v->planned_date);
  jsonx_set_str(o, "moved_reason", nz(v->moved_reason));
  /* The manager may plan past the rule's date; the KPI still counts from due_date. */
  jsonx_set_bool(o, "beyond_rule", period_compare_dates(v->planned_date, v->due_date) > 0);
  jsonx_set_bool(o, "overdue",
                 open && today && *today && period_compare_dates(v->planned_date, today) < 0);
  set_opt_int(o, "leader_id", v->leader_id);
  jsonx_set_str(o, "leader_name", v->leader_name);
  jsonx_set_str(o, "status", v->status);
  jsonx_set_str(o, "carried_items", nz(v->carried_items));
  jsonx_set_str(o, "unfinished_items", nz(v->unfinished_items));
  jsonx_set_str(o, "done_on", v->done_on);
  jsonx_set_str(o, "method", v->method);
  jsonx_set_str(o, "findings", nz(v->findings));
  jsonx_set_str(o, "opinion", nz(v->opinion));
  set_opt_int(o, "score", v->score);
  json_object_set_new(o, "satisfied", v->satisfied < 0 ? json_null() : json_boolean(v->satisfied));
  set_opt_int(o, "reported_by", v->reported_by);
  jsonx_set_time(o, "reported_at", v->reported_at, tz);
  jsonx_set_int(o, "attempts", v->attempts);
  jsonx_set_time(o, "retry_at", v->retry_at, tz);
  jsonx_set_str(o, "last_call_result", v->last_call_result);
  jsonx_set_time(o, "last_call_at", v->last_call_at, tz);
  jsonx_set_int(o, "call_seconds", v->call_seconds);
  jsonx_set_str(o, "cancelled_reason", nz(v->cancelled_reason));
  jsonx_set_time(o, "created_at", v->created_at, tz);
  jsonx_set_time(o, "updated_at", v->updated_at, tz);
  jsonx_set_int(o, "version", v->version);
  return o;
}

/* ---- the one unit of work of a change ---------------------------------------------------- */

struct run_arg {
  struct app *app;
  const struct actor *actor;
  int64_t id;
  const char *name;
  visit_action_fn fn;
  json_t *body;
};

/* The audited fields: the row's own, without what is derived or joined. */
static json_t *audit_view(const struct visit *v) {
  json_t *o = visit_fields_json(v, 0, "");
  static const char *const derived[] = {
      "overdue",       "project_name", "ticket_number", "customer_name",    "contact_name",
      "contact_phone", "region_name",  "leader_name",   "last_call_result", "last_call_at",
      "call_seconds",  "updated_at",   "version",       "beyond_rule"};
  for (size_t i = 0; o && i < sizeof derived / sizeof derived[0]; i++)
    json_object_del(o, derived[i]);
  return o;
}

static enum sh_status run_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct run_arg *a = arg;
  struct visit_ctx c = {
      .app = a->app, .actor = a->actor, .tx = tx, .now = time_now(), .body = a->body};
  visit_local_day(c.now, a->app->tz_offset_minutes, c.today);
  enum sh_status rc = store_visit_get(tx, a->id, a->actor->user_id, &c.v, err);
  if (rc != SH_OK)
    return rc;
  json_t *before = audit_view(c.v), *changes = NULL;
  c.detail = json_object();
  if (!before || !c.detail)
    rc = oom(err);
  if (rc == SH_OK)
    rc = a->fn(&c, err);
  if (rc == SH_OK && c.save)
    rc = store_visit_save(tx, c.v, c.now, err);
  if (rc == SH_OK) {
    json_t *after = audit_view(c.v);
    changes = json_object();
    if (!after || !changes)
      rc = oom(err);
    const char *k;
    json_t *val;
    json_object_foreach(after, k, val) {
      json_t *old = json_object_get(before, k);
      if (!json_equal(old, val))
        audit_change(changes, k, json_incref(old), json_incref(val));
    }
    json_decref(after);
  }
  if (rc == SH_OK) {
    json_object_set(changes, "record", c.detail);
    char *text = jsonx_dump(c.detail);
    rc = text ? store_visit_event_add(tx, c.v->id, c.now, a->actor->user_id, a->name, text, err)
              : oom(err);
    free(text);
  }
  if (rc == SH_OK)
    rc = audit_log(tx, a->actor, "visit", c.v->id, a->name, changes, c.now, err);
  json_decref(changes);
  json_decref(before);
  json_decref(c.detail);
  visit_free(c.v);
  return rc;
}

enum sh_status visit_run(struct app *app, const struct actor *actor, int64_t id, const char *name,
                         visit_action_fn fn, json_t *body, json_t **out, struct sh_error *err) {
  if (body && !json_is_object(body))
    return sh_fail(err, SH_ERR_MALFORMED, "body_not_object", NULL, NULL);
  struct run_arg a = {.app = app, .actor = actor, .id = id, .name = name, .fn = fn, .body = body};
  enum sh_status rc = store_write(app->store, run_unit, &a, err);
  if (rc != SH_OK)
    return rc;
  return visit_get(app, actor, id, out, err);
}

/* ---- the follow-up visit of a closed ticket (D2) ------------------------------------------ */

enum sh_status visit_followup_in(struct store_tx *tx, struct app *app, const struct actor *actor,
                                 const struct ticket *t, int64_t now, struct sh_error *err) {
  int64_t days = 0;
  enum sh_status rc = settings_int(tx, "visit.followup_days", &days, err);
  if (rc != SH_OK)
    return rc;
  /* IMP: SPEC D2 — due on the local day of the close plus visit.followup_days ("within N
   * days" includes the last day, Civil Code art. 1259). The zone is a fixed offset, so a
   * day is 86 400 seconds. */
  char due[11];
  visit_local_day(now + days * 86400, app->tz_offset_minutes, due);
  struct visit v = {.kind = "followup",
                    .project_id = t->project_id,
                    .ticket_id = t->id,
                    .customer_id = t->customer_id,
                    .region_code = t->region_code,
                    .due_date = due,
                    .created_by = actor ? actor->user_id : 0};
  int64_t id = 0;
  rc = store_visit_insert_followup(tx, &v, now, &id, err);
  if (rc == SH_OK && id) {
    json_t *changes = json_object();
    audit_change(changes, "kind", NULL, json_string("followup"));
    audit_change(changes, "ticket_id", NULL, json_integer(t->id));
    audit_change(changes, "due_date", NULL, json_string(due));
    rc = changes ? audit_log(tx, actor, "visit", id, "create", changes, now, err) : oom(err);
    json_decref(changes);
    char detail[96];
    snprintf(detail, sizeof detail, "{\"ticket_id\":%lld,\"due_date\":\"%s\"}", (long long)t->id,
             due);
    if (rc == SH_OK)
      rc = store_visit_event_add(tx, id, now, actor ? actor->user_id : 0, "created", detail, err);
  }
  return rc;
}

/* ---- attachments ------------------------------------------------------------------------ */

static enum sh_status owner_check(struct store_tx *tx, const struct actor *actor, int64_t id,
                                  bool for_write, struct sh_error *err) {
  struct visit *v = NULL;
  enum sh_status rc = store_visit_get(tx, id, actor->user_id, &v, err);
  /* A done visit still takes its report's photos; a cancelled one takes nothing more. */
  if (rc == SH_OK && for_write && strcmp(v->status, "cancelled") == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "visit_cancelled", "status", v->status);
  visit_free(v);
  return rc;
}

static enum sh_status owner_added(struct store_tx *tx, const struct actor *actor, int64_t id,
                                  const char *detail, int64_t now, struct sh_error *err) {
  return store_visit_event_add(tx, id, now, actor->user_id, "attachment", detail, err);
}

const struct attachment_owner visit_attachment_owner = {
    .kind = "visit", .check = owner_check, .added = owner_added};

/* ---- reading ---------------------------------------------------------------------------- */

struct get_arg {
  struct app *app;
  const struct actor *actor;
  int64_t id;
  json_t *out;
};

static json_t *calls_json(const struct visit_call *list, size_t n, int tz) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < n; i++) {
    json_t *o = json_object();
    jsonx_set_int(o, "id", list[i].id);
    jsonx_set_int(o, "agent_id", list[i].agent_id);
    jsonx_set_str(o, "agent_name", list[i].agent_name);
    jsonx_set_time(o, "called_at", list[i].called_at, tz);
    jsonx_set_int(o, "duration_seconds", list[i].duration_seconds);
    jsonx_set_str(o, "result", list[i].result);
    jsonx_set_str(o, "note", nz(list[i].note));
    json_array_append_new(a, o);
  }
  return a;
}

static json_t *defects_json(const struct visit_defect *list, size_t n, int tz) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < n; i++) {
    json_t *o = json_object();
    jsonx_set_int(o, "id", list[i].id);
    jsonx_set_str(o, "description", list[i].description);
    set_opt_int(o, "equipment_id", list[i].equipment_id);
    jsonx_set_str(o, "serial_no", list[i].serial_no);
    jsonx_set_int(o, "ticket_id", list[i].ticket_id);
    jsonx_set_str(o, "ticket_number", list[i].ticket_number);
    jsonx_set_str(o, "ticket_status", list[i].ticket_status);
    jsonx_set_time(o, "created_at", list[i].created_at, tz);
    json_array_append_new(a, o);
  }
  return a;
}

static json_t *events_json(const struct visit_event *list, size_t n, int tz) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < n; i++) {
    json_t *o = json_object();
    jsonx_set_int(o, "id", list[i].id);
    jsonx_set_time(o, "at", list[i].at, tz);
    set_opt_int(o, "actor_id", list[i].actor_id);
    jsonx_set_str(o, "actor_name", list[i].actor_name);
    jsonx_set_str(o, "kind", list[i].kind);
    json_t *detail = json_loads(nz(list[i].detail), 0, NULL);
    json_object_set_new(o, "detail", detail ? detail : json_object());
    json_array_append_new(a, o);
  }
  return a;
}

/* The plan's visit before this one that was made, with what it left open. */
static enum sh_status previous_json(struct store_tx *tx, const struct visit *v, int64_t user_id,
                                    json_t **out, struct sh_error *err) {
  *out = json_null();
  if (strcmp(v->kind, "planned") != 0 || !v->project_id)
    return SH_OK;
  int64_t id = 0;
  enum sh_status rc = store_visit_previous(tx, v->project_id, v->seq, &id, err);
  struct visit *p = NULL;
  if (rc == SH_OK && id) {
    rc = store_visit_get(tx, id, user_id, &p, err);
    if (rc == SH_ERR_NOT_FOUND) /* led by someone else outside the caller's regions */
      return SH_OK;
  }
  if (rc == SH_OK && p) {
    json_t *o = json_object();
    jsonx_set_int(o, "id", p->id);
    jsonx_set_int(o, "seq", p->seq);
    jsonx_set_str(o, "status", p->status);
    jsonx_set_str(o, "done_on", p->done_on);
    jsonx_set_str(o, "unfinished_items", nz(p->unfinished_items));
    json_decref(*out);
    *out = o;
  }
  visit_free(p);
  return rc;
}

static enum sh_status get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct get_arg *a = arg;
  int tz = a->app->tz_offset_minutes;
  char today[11];
  visit_today(a->app, today);
  struct visit *v = NULL;
  struct visit_call *calls = NULL;
  struct visit_defect *defects = NULL;
  struct visit_event *events = NULL;
  size_t ncalls = 0, ndefects = 0, nevents = 0;
  json_t *o = NULL, *files = NULL, *previous = NULL;
  enum sh_status rc = store_visit_get(tx, a->id, a->actor->user_id, &v, err);
  if (rc == SH_OK && !(o = visit_fields_json(v, tz, today)))
    rc = oom(err);
  if (rc == SH_OK)
    rc = store_visit_calls(tx, v->id, &calls, &ncalls, err);
  if (rc == SH_OK)
    rc = store_visit_defects(tx, v->id, &defects, &ndefects, err);
  if (rc == SH_OK)
    rc = store_visit_events(tx, v->id, &events, &nevents, err);
  if (rc == SH_OK)
    rc = attachment_list_in(tx, "visit", v->id, tz, &files, err);
  if (rc == SH_OK)
    rc = previous_json(tx, v, a->actor->user_id, &previous, err);
  if (rc == SH_OK) {
    json_object_set_new(o, "calls", calls_json(calls, ncalls, tz));
    json_object_set_new(o, "defects", defects_json(defects, ndefects, tz));
    json_object_set_new(o, "events", events_json(events, nevents, tz));
    json_object_set_new(o, "attachments", files);
    json_object_set_new(o, "previous", previous);
    files = previous = NULL;
    a->out = o;
    o = NULL;
  }
  json_decref(files);
  json_decref(previous);
  json_decref(o);
  visit_calls_free(calls, ncalls);
  visit_defects_free(defects, ndefects);
  visit_events_free(events, nevents);
  visit_free(v);
  return rc;
}

enum sh_status visit_get(struct app *app, const struct actor *actor, int64_t id, json_t **out,
                         struct sh_error *err) {
  struct get_arg a = {.app = app, .actor = actor, .id = id};
  enum sh_status rc = store_read(app->store, get_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  return rc;
}

struct list_arg {
  struct app *app;
  const struct actor *actor;
  struct visit_filter *filter;
  json_t *items;
  int64_t *total;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  struct visit **list = NULL;
  size_t n = 0;
  char today[11];
  visit_today(a->app, today);
  enum sh_status rc = store_visit_list(tx, a->actor->user_id, a->filter, &list, &n, a->total, err);
  json_t *items = rc == SH_OK ? json_array() : NULL;
  if (rc == SH_OK && !items)
    rc = oom(err);
  for (size_t i = 0; rc == SH_OK && i < n; i++)
    json_array_append_new(items, visit_fields_json(list[i], a->app->tz_offset_minutes, today));
  visit_list_free(list, n);
  if (rc == SH_OK)
    a->items = items;
  return rc;
}

enum sh_status visit_list(struct app *app, const struct actor *actor, struct visit_filter *filter,
                          json_t **items, int64_t *total, struct sh_error *err) {
  char today[11];
  visit_today(app, today);
  /* overdue=true arrives as a marker: the open visits planned before today. */
  if (filter->overdue_before)
    filter->overdue_before = today;
  struct list_arg a = {.app = app, .actor = actor, .filter = filter, .total = total};
  enum sh_status rc = store_read(app->store, list_unit, &a, err);
  filter->overdue_before = NULL;
  if (rc == SH_OK)
    *items = a.items;
  return rc;
}

/* ---- the report (D1, D2) -------------------------------------------------------------- */

struct report_body {
  int64_t version, score;
  char *done_on, *method, *findings, *opinion, *unfinished_items;
  bool satisfied, partial;
  json_t *defects;
};

#define RF(name, type, flags, min, max)                                                            \
  { #name, type, flags, min, max, offsetof(struct report_body, name) }
static const struct jfield report_fields[] = {
    RF(version, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
    RF(done_on, JF_DATE, JF_NULLABLE, 0, 0),
    RF(method, JF_STRING, JF_REQUIRED, 1, 32),
    RF(findings, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 4000),
    RF(opinion, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 2000),
    RF(score, JF_INT, JF_NULLABLE, 1, 5),
    RF(satisfied, JF_BOOL, JF_NULLABLE, 0, 0),
    RF(partial, JF_BOOL, JF_NULLABLE, 0, 0),
    RF(unfinished_items, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 2000),
    RF(defects, JF_JSON, JF_NULLABLE, 0, 0),
};
#undef RF
#define NREPORT (sizeof report_fields / sizeof report_fields[0])
enum { BIT_VERSION = 0, BIT_METHOD = 2, BIT_SATISFIED = 6, BIT_PARTIAL = 7 };

/* The most defects one report may open tickets for. */
#define VISIT_MAX_DEFECTS 20

struct defect_body {
  char *description;
  int64_t equipment_id;
};

/* One defect: checked, a ticket opened at once (SPEC D1: 发现的质量缺陷，应立即制订纠正措施并尽快
 * 维修), linked to the visit. */
static enum sh_status report_defect(struct visit_ctx *c, json_t *item, size_t i, json_t *tickets,
                                    struct sh_error *err) {
  static const struct jfield fields[] = {
      {"description", JF_STRING, JF_REQUIRED | JF_MULTILINE, 1, 2000,
       offsetof(struct defect_body, description)},
      {"equipment_id", JF_INT, JF_NULLABLE, 1, INT64_MAX / 2,
       offsetof(struct defect_body, equipment_id)},
  };
  char item_name[32], prefix[40], field[64];
  snprintf(item_name, sizeof item_name, "defects[%zu]", i);
  snprintf(prefix, sizeof prefix, "%s.", item_name);
  snprintf(field, sizeof field, "%sequipment_id", prefix);
  struct defect_body d = {0};
  enum sh_status rc = json_is_object(item)
                          ? jsonx_decode(item, fields, 2, &d, NULL, prefix, err)
                          : sh_fail(err, SH_ERR_MALFORMED, "wrong_type", item_name, NULL);
  int64_t project = 0, customer = 0;
  if (rc == SH_OK && d.equipment_id) {
    rc = store_visit_unit_project(c->tx, d.equipment_id, &project, &customer, err);
    if (rc == SH_ERR_NOT_FOUND)
      rc = sh_fail(err, SH_ERR_INVALID, "unknown_equipment", field, NULL);
    /* The unit must be the visited project's (or, for a follow-up without a project, the
     * customer's). */
    if (rc == SH_OK && c->v->project_id && project != c->v->project_id)
      rc = sh_fail(err, SH_ERR_INVALID, "equipment_not_in_project", field, NULL);
    if (rc == SH_OK && customer != c->v->customer_id)
      rc = sh_fail(err, SH_ERR_INVALID, "equipment_not_customers", field, NULL);
  }
  int64_t ticket_id = 0;
  if (rc == SH_OK) {
    struct ticket_intake in = {.customer_id = c->v->customer_id,
                               .equipment_id = d.equipment_id,
                               .channel = "visit",
                               .fault = d.description,
                               .contact_name = c->v->contact_name,
                               .contact_phone = c->v->contact_phone,
                               .called_at = c->now};
    rc = ticket_create_in(c->tx, c->app, c->actor, &in, &ticket_id, err);
  }
  if (rc == SH_OK) {
    struct visit_defect row = {.visit_id = c->v->id,
                               .equipment_id = d.equipment_id,
                               .description = d.description,
                               .ticket_id = ticket_id,
                               .created_by = c->actor->user_id,
                               .created_at = c->now};
    rc = store_visit_defect_insert(c->tx, &row, err);
  }
  if (rc == SH_OK) {
    json_array_append_new(tickets, json_integer(ticket_id));
    if (!c->ticket_id)
      c->ticket_id = ticket_id;
  }
  jsonx_free(fields, 2, &d);
  return rc;
}

/* The report to the engineering managers of the region (报送公司工程部经理). Every text is cut
 * on a character boundary (utf8_clip for each field, utf8_trim_tail for what snprintf cut
 * when the whole did not fit): PostgreSQL refuses a broken character and the unit fails. */
static enum sh_status report_notify(struct visit_ctx *c, struct sh_error *err) {
  struct visit_defect *defects = NULL;
  size_t n = 0;
  enum sh_status rc = store_visit_defects(c->tx, c->v->id, &defects, &n, err);
  if (rc != SH_OK)
    return rc;
  const struct visit *v = c->v;
  char subject[200], body[3000], what[120];
  if (strcmp(v->kind, "planned") == 0)
    snprintf(what, sizeof what, "%s 第%lld次回访", nz(v->project_name), (long long)v->seq);
  else
    snprintf(what, sizeof what, "工单%s 回访确认", nz(v->ticket_number));
  utf8_trim_tail(what);
  snprintf(subject, sizeof subject, "【回访报告】%s%s %s%s",
           v->satisfied == 0 ? "(客户不满意) " : "", nz(v->customer_name), what,
           strcmp(v->status, "partial") == 0 ? "(未全部完成)" : "");
  utf8_trim_tail(subject);
  char score[16] = "未评分";
  if (v->score)
    snprintf(score, sizeof score, "%lld分", (long long)v->score);
  const char *findings = nz(v->findings), *opinion = nz(v->opinion);
  int len =
      snprintf(body, sizeof body,
               "客户：%s\n回访：%s\n日期：%s  方式：%s\n评分：%s  满意：%s\n"
               "发现情况：%.*s\n客户意见：%.*s\n",
               nz(v->customer_name), what, nz(v->done_on),
               strcmp(nz(v->method), "on_site") == 0 ? "上门" : "电话", score,
               v->satisfied < 0 ? "未答复"
               : v->satisfied   ? "满意"
                                : "不满意",
               (int)utf8_clip(findings, 900), findings, (int)utf8_clip(opinion, 600), opinion);
  if (len > 0 && (size_t)len < sizeof body && *nz(v->unfinished_items))
    len += snprintf(body + len, sizeof body - (size_t)len, "未完成事项：%.*s\n",
                    (int)utf8_clip(v->unfinished_items, 500), v->unfinished_items);
  for (size_t i = 0; i < n && len > 0 && (size_t)len < sizeof body; i++)
    len += snprintf(body + len, sizeof body - (size_t)len, "缺陷→工单%s：%.*s\n",
                    nz(defects[i].ticket_number), (int)utf8_clip(defects[i].description, 200),
                    defects[i].description);
  utf8_trim_tail(body);
  visit_defects_free(defects, n);
  int count = 0;
  rc = outbox_notify_role(c->tx, ROLE_ENGINEERING_MANAGER, v->region_code, c->ticket_id, subject,
                          body, c->now, &count, err);
  if (rc == SH_OK)
    jsonx_set_int(c->detail, "notified", count);
  return rc;
}

static enum sh_status act_report(struct visit_ctx *c, struct sh_error *err) {
  struct report_body b = {0};
  uint64_t present = 0;
  enum sh_status rc = jsonx_decode(c->body, report_fields, NREPORT, &b, &present, NULL, err);
  /* Decoding with present leaves "required" to the caller. */
  if (rc == SH_OK && !(present & (1u << BIT_VERSION)))
    rc = sh_fail(err, SH_ERR_INVALID, "field_required", "version", NULL);
  if (rc == SH_OK && !(present & (1u << BIT_METHOD)))
    rc = sh_fail(err, SH_ERR_INVALID, "field_required", "method", NULL);
  if (rc == SH_OK && b.defects && !json_is_array(b.defects))
    rc = sh_fail(err, SH_ERR_MALFORMED, "wrong_type", "defects", NULL);
  if (rc == SH_OK && json_array_size(b.defects) > VISIT_MAX_DEFECTS)
    rc = sh_fail(err, SH_ERR_INVALID, "too_many_items", "defects", NULL);
  bool partial = (present & (1u << BIT_PARTIAL)) && b.partial;
  /* A partial visit says what is left (it carries to the next one); a complete visit with
   * items left open is a contradiction the desk must resolve, not one we guess. */
  if (rc == SH_OK && partial && !*nz(b.unfinished_items))
    rc = sh_fail(err, SH_ERR_INVALID, "field_required", "unfinished_items", NULL);
  if (rc == SH_OK && !partial && *nz(b.unfinished_items))
    rc = sh_fail(err, SH_ERR_INVALID, "unfinished_without_partial", "unfinished_items", NULL);
  if (rc == SH_OK)
    rc = check_dict(c->tx, "visit_method", b.method, "method", err);
  const char *done_on = b.done_on ? b.done_on : c->today;
  if (rc == SH_OK && period_compare_dates(done_on, c->today) > 0)
    rc = sh_fail(err, SH_ERR_INVALID, "date_in_future", "done_on", NULL);
  /* Not before the warranty began: no visit of the plan can be made before acceptance. */
  if (rc == SH_OK && c->v->project_acceptance &&
      period_compare_dates(done_on, c->v->project_acceptance) < 0)
    rc = sh_fail(err, SH_ERR_INVALID, "visit_before_acceptance", "done_on",
                 c->v->project_acceptance);
  if (rc == SH_OK)
    rc = visit_require_open(c->v, err);
  if (rc == SH_OK)
    rc = visit_require_version(c->v, b.version, err);
  int64_t min_score = 4;
  if (rc == SH_OK)
    rc = settings_int(c->tx, "visit.satisfied_min_score", &min_score, err);
  if (rc == SH_OK) {
    struct visit *v = c->v;
    c->save = true;
    rc = visit_set_text(&v->status, partial ? "partial" : "done", err);
    if (rc == SH_OK)
      rc = visit_set_text(&v->done_on, done_on, err);
    if (rc == SH_OK)
      rc = visit_set_text(&v->method, b.method, err);
    if (rc == SH_OK)
      rc = visit_set_text(&v->findings, b.findings, err);
    if (rc == SH_OK)
      rc = visit_set_text(&v->opinion, b.opinion, err);
    if (rc == SH_OK)
      rc = visit_set_text(&v->unfinished_items, b.unfinished_items, err);
    v->score = b.score;
    /* IMP: SPEC D5 — an explicit yes/no decides, else the score against
     * visit.satisfied_min_score (rules/kpi.h). */
    int said =
        (present & (1u << BIT_SATISFIED)) && !json_is_null(json_object_get(c->body, "satisfied"))
            ? (b.satisfied ? 1 : 0)
            : -1;
    v->satisfied = kpi_satisfied(said, (int)b.score, (int)min_score);
    v->reported_by = c->actor->user_id;
    v->reported_at = c->now;
    v->retry_at = 0;
  }
  json_t *tickets = json_array();
  for (size_t i = 0; rc == SH_OK && i < json_array_size(b.defects); i++)
    rc = report_defect(c, json_array_get(b.defects, i), i, tickets, err);
  if (rc == SH_OK)
    json_object_set(c->detail, "tickets", tickets);
  /* SPEC D1 (our reading of "the next visit"): what a partial visit left goes to the
   * project's open visit that comes first by its planned date — the one someone will make
   * next, also when an earlier one of the plan was moved later — which shows it as carried
   * items. */
  if (rc == SH_OK && partial && c->v->project_id) {
    int64_t next = 0;
    rc = store_visit_next_open(c->tx, c->v->project_id, c->v->id, &next, err);
    if (rc == SH_OK && next)
      rc = store_visit_carry(c->tx, next, b.unfinished_items, c->now, err);
    if (rc == SH_OK && next) {
      char detail[64];
      snprintf(detail, sizeof detail, "{\"from_visit_id\":%lld}", (long long)c->v->id);
      rc = store_visit_event_add(c->tx, next, c->now, c->actor->user_id, "carried", detail, err);
    }
    /* The next visit changed too (its carried items): its own audit row (SPEC L). */
    if (rc == SH_OK && next) {
      json_t *changes = json_object();
      audit_change(changes, "carried_items_added", NULL, json_string(b.unfinished_items));
      audit_change(changes, "from_visit_id", NULL, json_integer(c->v->id));
      rc = changes ? audit_log(c->tx, c->actor, "visit", next, "carry", changes, c->now, err)
                   : oom(err);
      json_decref(changes);
    }
    json_object_set_new(c->detail, "carried_to", next ? json_integer(next) : json_null());
  }
  if (rc == SH_OK)
    rc = report_notify(c, err);
  json_decref(tickets);
  jsonx_free(report_fields, NREPORT, &b);
  return rc;
}

enum sh_status visit_report(struct app *app, const struct actor *actor, int64_t id, json_t *body,
                            json_t **out, struct sh_error *err) {
  return visit_run(app, actor, id, "report", act_report, body, out, err);
}
