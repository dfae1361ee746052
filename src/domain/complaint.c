/* complaint.c — registration and reading of complaints (see complaint.h), their JSON, the
 * report to the superiors and complaints as attachment owners. The procedure after
 * registration (notices, answers, callback, archive) and the PDFs are complaint_flow.c; the
 * category tree (E4) is complaint_categories.c. */
#include "complaint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/buf.h"
#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../export/notice.h"
#include "../store/attachments.h"
#include "../store/customers.h"
#include "../store/equipment.h"
#include "../store/idempotency.h"
#include "../store/tickets.h"
#include "audit.h"
#include "checks.h"
#include "complaint_internal.h"
#include "outbox.h"
#include "settings.h"

static const char *nz(const char *s) {
  return s ? s : "";
}

void complaint_local_day(int64_t utc, int tz_offset_minutes, char out[11]) {
  time_t t = (time_t)(utc + tz_offset_minutes * 60);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}

enum sh_status complaint_require_open(const struct complaint *c, struct sh_error *err) {
  if (strcmp(c->status, "archived") == 0)
    return sh_fail(err, SH_ERR_CONFLICT, "complaint_archived", "status", c->status);
  return SH_OK;
}

enum sh_status complaint_event(struct store_tx *tx, int64_t complaint_id, int64_t now,
                               const struct actor *actor, const char *kind, json_t *detail,
                               struct sh_error *err) {
  char *text = detail ? jsonx_dump(detail) : sh_strdup("{}");
  json_decref(detail);
  if (!text)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  enum sh_status rc =
      store_complaint_event_add(tx, complaint_id, now, actor ? actor->user_id : 0, kind, text, err);
  free(text);
  return rc;
}

enum sh_status complaint_search_text(const struct complaint *c, const char *customer_name,
                                     char **out, struct sh_error *err) {
  struct buf b;
  buf_init(&b, 64 * 1024);
  const char *parts[] = {c->number, customer_name, c->complainant, c->phone, c->facts, c->demand};
  enum sh_status rc = SH_OK;
  for (size_t i = 0; rc == SH_OK && i < sizeof parts / sizeof parts[0]; i++) {
    rc = utf8_fold(&b, nz(parts[i]));
    if (rc == SH_OK)
      rc = buf_append_str(&b, "\n");
  }
  char *s = rc == SH_OK ? buf_detach(&b) : NULL;
  buf_free(&b);
  if (!s)
    return sh_fail(err, rc == SH_OK ? SH_ERR_INTERNAL : rc, "out_of_memory", NULL, NULL);
  *out = s;
  return SH_OK;
}

/* ---- registration -------------------------------------------------------------------- */

struct create_arg {
  struct app *app;
  const struct actor *actor;
  const struct complaint_intake *in;
  const char *key;
  int64_t id;
  bool replayed;
};

/* A ticket or a visit named on the complaint must be the customer's (422 naming field). */
static enum sh_status check_link(struct store_tx *tx, const char *table, int64_t id,
                                 int64_t customer_id, const char *field, char **region,
                                 struct sh_error *err) {
  int64_t owner = 0;
  enum sh_status rc = store_complaint_link_owner(tx, table, id, &owner, region, err);
  if (rc == SH_OK && !owner)
    rc = sh_fail(err, SH_ERR_INVALID,
                 strcmp(table, "tickets") == 0 ? "unknown_ticket" : "unknown_visit", field, NULL);
  else if (rc == SH_OK && owner != customer_id)
    rc = sh_fail(err, SH_ERR_INVALID, "link_not_customers", field, NULL);
  return rc;
}

/* Checks the intake, fills c (borrowing texts) and *region (the site, owned). */
static enum sh_status intake_check(struct store_tx *tx, const struct actor *actor,
                                   const struct complaint_intake *in, int64_t now, int tz,
                                   struct customer **cust, struct complaint *c, char **region,
                                   struct sh_error *err) {
  struct customer_scope scope = customer_scope_of(actor);
  struct equipment *e = NULL;
  char *ticket_region = NULL, *visit_region = NULL, *site = NULL, *address = NULL;
  enum sh_status rc = store_customer_get(tx, in->customer_id, &scope, cust, err);
  if (rc == SH_ERR_NOT_FOUND)
    rc = sh_fail(err, SH_ERR_INVALID, "unknown_customer", "customer_id", NULL);
  if (rc == SH_OK)
    rc = check_dict(tx, "complaint_channel", in->channel, "channel", err);
  if (rc == SH_OK)
    rc = complaint_category_check(tx, in->category, err);
  if (rc == SH_OK)
    rc = check_dict(tx, "complaint_severity", in->severity, "severity", err);
  c->received_at = in->received_at ? in->received_at : now;
  if (rc == SH_OK && c->received_at > now + 300)
    rc = sh_fail(err, SH_ERR_INVALID, "time_in_future", "received_at", NULL);
  char received_day[11];
  complaint_local_day(c->received_at, tz, received_day);
  if (rc == SH_OK && in->occurred_on && strcmp(in->occurred_on, received_day) > 0)
    rc = sh_fail(err, SH_ERR_INVALID, "date_in_future", "occurred_on", NULL);
  if (rc == SH_OK && in->ticket_id)
    rc =
        check_link(tx, "tickets", in->ticket_id, in->customer_id, "ticket_id", &ticket_region, err);
  if (rc == SH_OK && in->visit_id)
    rc = check_link(tx, "visits", in->visit_id, in->customer_id, "visit_id", &visit_region, err);
  if (rc == SH_OK && in->equipment_id) {
    rc = store_equipment_get(tx, in->equipment_id, &scope, &e, err);
    if (rc == SH_ERR_NOT_FOUND)
      rc = sh_fail(err, SH_ERR_INVALID, "unknown_equipment", "equipment_id", NULL);
    else if (rc == SH_OK && e->customer_id != in->customer_id)
      rc = sh_fail(err, SH_ERR_INVALID, "equipment_not_customers", "equipment_id", NULL);
    if (rc == SH_OK)
      rc = store_ticket_project_site(tx, e->project_id, &site, &address, err);
  }
  /* The region the complaint is handled in: where the matter is — the ticket's site, the
   * unit's site, the visited site — else the customer's own region. */
  const char *where = ticket_region && *ticket_region ? ticket_region
                      : site && *site                 ? site
                      : visit_region && *visit_region ? visit_region
                      : *cust                         ? (*cust)->region_code
                                                      : NULL;
  if (rc == SH_OK && !(*region = sh_strdup(where)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  equipment_free(e);
  free(ticket_region);
  free(visit_region);
  free(site);
  free(address);
  return rc;
}

static enum sh_status create_in(struct store_tx *tx, struct create_arg *a, struct sh_error *err) {
  const struct complaint_intake *in = a->in;
  int tz = a->app->tz_offset_minutes;
  int64_t now = time_now(), repeat_days = 0, seq = 0;
  struct customer *cust = NULL;
  struct complaint c = {0};
  char *region = NULL;
  json_t *roles = NULL;
  int told = 0;
  enum sh_status rc = intake_check(tx, a->actor, in, now, tz, &cust, &c, &region, err);
  if (rc == SH_OK)
    rc = settings_int(tx, "complaint.repeat_days", &repeat_days, err);
  /* IMP: SPEC E4 — a repeat: the same customer complained of the same class (the category,
   * one above it or one below it) within complaint.repeat_days before this one. Counted in
   * local days, the last one included (以内, Civil Code art. 1259): from the local midnight
   * that starts the day repeat_days days before the day this one was received — not the
   * same clock time, which would leave out the morning of that day. */
  int64_t local = c.received_at + (int64_t)tz * 60;
  int64_t midnight = (local - ((local % 86400) + 86400) % 86400) - (int64_t)tz * 60;
  if (rc == SH_OK)
    rc = store_complaint_find_repeat(tx, in->customer_id, in->category,
                                     midnight - repeat_days * 86400, c.received_at, &c.repeat_of,
                                     err);
  char day[11];
  complaint_local_day(now, tz, day);
  char ymd[9] = {day[0], day[1], day[2], day[3], day[5], day[6], day[8], day[9], '\0'};
  if (rc == SH_OK)
    rc = store_complaint_next_seq(tx, ymd, &seq, err);
  char number[40];
  snprintf(number, sizeof number, "TS-%s-%04lld", ymd, (long long)seq);
  c.number = number;
  c.customer_id = in->customer_id;
  c.region_code = region;
  c.dealer_id = cust ? cust->dealer_id : 0;
  c.channel = (char *)in->channel;
  c.complainant = (char *)(in->complainant           ? in->complainant
                           : cust && cust->ncontacts ? cust->contacts[0].name
                                                     : "");
  c.phone = (char *)(in->phone                 ? in->phone
                     : cust && cust->ncontacts ? cust->contacts[0].phone
                     : cust                    ? cust->phone
                                               : "");
  c.occurred_on = (char *)in->occurred_on;
  c.facts = (char *)in->facts;
  c.demand = (char *)in->demand;
  c.category = (char *)in->category;
  c.severity = (char *)in->severity;
  c.ticket_id = in->ticket_id;
  c.equipment_id = in->equipment_id;
  c.visit_id = in->visit_id;
  c.status = "registered";
  c.owner_id = a->actor->user_id;
  c.created_by = a->actor->user_id;
  c.round = 1;
  if (rc == SH_OK)
    rc = complaint_search_text(&c, cust->name, &c.search_text, err);
  if (rc == SH_OK)
    rc = store_complaint_insert(tx, &c, now, &a->id, err);
  c.id = a->id;
  if (rc == SH_OK) {
    json_t *d = json_pack("{s:s, s:s, s:s}", "channel", c.channel, "category", c.category,
                          "severity", c.severity);
    jsonx_set_time(d, "received_at", c.received_at, tz);
    if (c.repeat_of)
      jsonx_set_int(d, "repeat_of", c.repeat_of);
    rc = complaint_event(tx, a->id, now, a->actor, "registered", d, err);
  }
  if (rc == SH_OK) {
    json_t *changes = json_object();
    audit_change(changes, "number", NULL, json_string(number));
    audit_change(changes, "customer_id", NULL, json_integer(c.customer_id));
    audit_change(changes, "channel", NULL, json_string(c.channel));
    audit_change(changes, "category", NULL, json_string(c.category));
    audit_change(changes, "severity", NULL, json_string(c.severity));
    audit_change(changes, "facts", NULL, json_string(c.facts));
    audit_change(changes, "region_code", NULL, json_string(c.region_code));
    audit_change(changes, "repeat_of", NULL, c.repeat_of ? json_integer(c.repeat_of) : NULL);
    rc = audit_log(tx, a->actor, "complaint", a->id, "create", changes, now, err);
    json_decref(changes);
  }
  if (rc == SH_OK) {
    /* IMP: SPEC E1 — reported to the superior at once (work plan 2 §七: 应及时向上级领导反映). */
    char subject[200], body[1400];
    snprintf(subject, sizeof subject, "【投诉%s】%s投诉：%s%s", number,
             strcmp(c.severity, "critical") == 0 ? "严重" : "新", cust->name,
             c.repeat_of ? "（重复投诉）" : "");
    snprintf(body, sizeof body, "客户：%s\n投诉人：%s %s\n事实：%.*s\n诉求：%.*s\n登记人：%s",
             cust->name, nz(c.complainant), nz(c.phone), (int)utf8_clip(c.facts, 900), c.facts,
             (int)utf8_clip(nz(c.demand), 200), nz(c.demand), a->actor->display_name);
    utf8_trim_tail(subject);
    utf8_trim_tail(body);
    rc = complaint_report_up(tx, &c, subject, body, now, &told, &roles, err);
  }
  if (rc == SH_OK) {
    json_t *d = json_object();
    json_object_set_new(d, "roles", roles);
    roles = NULL;
    jsonx_set_int(d, "notified", told);
    rc = complaint_event(tx, a->id, now, a->actor, "reported", d, err);
  }
  json_decref(roles);
  free(c.search_text);
  free(region);
  customer_free(cust);
  return rc;
}

static enum sh_status create_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct create_arg *a = arg;
  enum sh_status rc = SH_OK;
  if (a->key) {
    rc = store_idempotency_get(tx, a->actor->user_id, a->key, "complaint.create", &a->id, err);
    if (rc != SH_OK || a->id) {
      a->replayed = a->id != 0;
      return rc;
    }
  }
  rc = create_in(tx, a, err);
  if (rc == SH_OK && a->key)
    rc = store_idempotency_put(tx, a->actor->user_id, a->key, "complaint.create", a->id, time_now(),
                               err);
  return rc;
}

enum sh_status complaint_create(struct app *app, const struct actor *actor,
                                const struct complaint_intake *in, const char *idempotency_key,
                                json_t **out, bool *replayed, struct sh_error *err) {
  struct create_arg a = {.app = app, .actor = actor, .in = in, .key = idempotency_key};
  enum sh_status rc = store_write(app->store, create_unit, &a, err);
  if (rc == SH_ERR_CONFLICT && idempotency_key && strcmp(err->code, "duplicate") == 0) {
    /* Two requests with one key raced (PostgreSQL): both found no key, the other committed
     * first. Once more: the unit now finds the key and answers the other's complaint. */
    struct sh_error again;
    rc = store_write(app->store, create_unit, &a, &again);
    if (rc != SH_OK)
      *err = again;
  }
  if (rc != SH_OK)
    return rc;
  if (replayed)
    *replayed = a.replayed;
  return complaint_get(app, actor, a.id, out, err);
}

/* ---- reading ------------------------------------------------------------------------- */

static bool set_id(json_t *o, const char *key, int64_t v) {
  return v ? jsonx_set_int(o, key, v) : json_object_set_new(o, key, json_null()) == 0;
}

static json_t *complaint_fields_json(const struct complaint *c, int tz) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  jsonx_set_int(o, "id", c->id);
  jsonx_set_str(o, "number", c->number);
  jsonx_set_int(o, "customer_id", c->customer_id);
  jsonx_set_str(o, "customer_name", c->customer_name);
  jsonx_set_str(o, "region_code", c->region_code);
  jsonx_set_str(o, "region_name", c->region_name);
  jsonx_set_str(o, "channel", c->channel);
  jsonx_set_str(o, "channel_label", c->channel_label);
  jsonx_set_str(o, "complainant", c->complainant);
  jsonx_set_str(o, "phone", c->phone);
  jsonx_set_time(o, "received_at", c->received_at, tz);
  jsonx_set_str(o, "occurred_on", c->occurred_on);
  jsonx_set_str(o, "facts", c->facts);
  jsonx_set_str(o, "demand", c->demand);
  jsonx_set_str(o, "category", c->category);
  jsonx_set_str(o, "category_label", c->category_label);
  jsonx_set_str(o, "severity", c->severity);
  jsonx_set_str(o, "severity_label", c->severity_label);
  set_id(o, "ticket_id", c->ticket_id);
  jsonx_set_str(o, "ticket_number", c->ticket_number);
  set_id(o, "equipment_id", c->equipment_id);
  jsonx_set_str(o, "serial_no", c->serial_no);
  set_id(o, "visit_id", c->visit_id);
  jsonx_set_str(o, "visit_date", c->visit_date);
  jsonx_set_bool(o, "repeat", c->repeat_of != 0);
  set_id(o, "repeat_of", c->repeat_of);
  jsonx_set_str(o, "repeat_of_number", c->repeat_number);
  jsonx_set_str(o, "status", c->status);
  jsonx_set_int(o, "owner_id", c->owner_id);
  jsonx_set_str(o, "owner_name", c->owner_name);
  jsonx_set_int(o, "round", c->round);
  jsonx_set_time(o, "callback_at", c->callback_at, tz);
  json_object_set_new(o, "callback_satisfied",
                      c->callback_satisfied < 0 ? json_null()
                                                : json_boolean(c->callback_satisfied == 1));
  jsonx_set_str(o, "callback_note", c->callback_note);
  jsonx_set_time(o, "archived_at", c->archived_at, tz);
  set_id(o, "archived_by", c->archived_by);
  jsonx_set_str(o, "archived_by_name", c->archived_by_name);
  jsonx_set_bool(o, "read_only", strcmp(c->status, "archived") == 0);
  jsonx_set_time(o, "created_at", c->created_at, tz);
  jsonx_set_time(o, "updated_at", c->updated_at, tz);
  jsonx_set_int(o, "version", c->version);
  return o;
}

/* The notices of a complaint; overdue: unanswered and its due date before today. */
static enum sh_status assignments_json(struct store_tx *tx, const struct complaint *c,
                                       const char *today, int tz, json_t **out, bool *overdue,
                                       struct sh_error *err) {
  struct complaint_assignment *list = NULL;
  size_t n = 0;
  enum sh_status rc = store_complaint_assignments(tx, c->id, &list, &n, err);
  json_t *arr = rc == SH_OK ? json_array() : NULL;
  *overdue = false;
  for (size_t i = 0; arr && i < n; i++) {
    const struct complaint_assignment *a = &list[i];
    json_t *o = json_object();
    bool late = !a->answered_at && strcmp(a->due_date, today) < 0;
    *overdue = *overdue || late;
    jsonx_set_int(o, "id", a->id);
    jsonx_set_int(o, "round", a->round);
    jsonx_set_str(o, "notice_no", a->notice_no);
    jsonx_set_str(o, "department", a->department);
    jsonx_set_str(o, "department_label", a->department_label);
    jsonx_set_int(o, "responsible_id", a->responsible_id);
    jsonx_set_str(o, "responsible_name", a->responsible_name);
    jsonx_set_str(o, "due_date", a->due_date);
    jsonx_set_str(o, "instructions", a->instructions);
    jsonx_set_time(o, "notified_at", a->notified_at, tz);
    jsonx_set_str(o, "issued_by_name", a->created_by_name);
    jsonx_set_bool(o, "answered", a->answered_at != 0);
    jsonx_set_bool(o, "overdue", late);
    jsonx_set_str(o, "root_cause", a->root_cause);
    jsonx_set_str(o, "corrective_action", a->corrective_action);
    jsonx_set_str(o, "preventive_action", a->preventive_action);
    jsonx_set_time(o, "answered_at", a->answered_at, tz);
    set_id(o, "answered_by", a->answered_by);
    jsonx_set_str(o, "answered_by_name", a->answered_by_name);
    char url[96];
    snprintf(url, sizeof url, "/api/v1/complaints/%lld/assignments/%lld/notice", (long long)c->id,
             (long long)a->id);
    jsonx_set_str(o, "notice_url", url);
    json_array_append_new(arr, o);
  }
  complaint_assignments_free(list, n);
  if (rc == SH_OK && !arr)
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK)
    *out = arr;
  return rc;
}

static enum sh_status events_json(struct store_tx *tx, int64_t id, int tz, json_t **out,
                                  struct sh_error *err) {
  struct complaint_event *ev = NULL;
  size_t n = 0;
  enum sh_status rc = store_complaint_events(tx, id, &ev, &n, err);
  json_t *arr = rc == SH_OK ? json_array() : NULL;
  for (size_t i = 0; arr && i < n; i++) {
    json_t *o = json_object(), *detail = json_loads(nz(ev[i].detail), 0, NULL);
    jsonx_set_int(o, "id", ev[i].id);
    jsonx_set_time(o, "at", ev[i].at, tz);
    set_id(o, "actor_id", ev[i].actor_id);
    jsonx_set_str(o, "actor_name", ev[i].actor_id ? ev[i].actor_name : "系统");
    jsonx_set_str(o, "kind", ev[i].kind);
    json_object_set_new(o, "detail", detail ? detail : json_object());
    json_array_append_new(arr, o);
  }
  complaint_events_free(ev, n);
  if (rc == SH_OK && !arr)
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK)
    *out = arr;
  return rc;
}

enum sh_status complaint_json_in(struct store_tx *tx, struct app *app, const struct actor *actor,
                                 int64_t id, json_t **out, struct sh_error *err) {
  int tz = app->tz_offset_minutes;
  struct complaint *c = NULL;
  json_t *o = NULL, *assignments = NULL, *events = NULL, *files = NULL;
  bool overdue = false;
  char today[11];
  complaint_local_day(time_now(), tz, today);
  enum sh_status rc = store_complaint_get(tx, id, actor->user_id, &c, err);
  if (rc == SH_OK && !(o = complaint_fields_json(c, tz)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK)
    rc = assignments_json(tx, c, today, tz, &assignments, &overdue, err);
  if (rc == SH_OK)
    rc = events_json(tx, id, tz, &events, err);
  if (rc == SH_OK)
    rc = attachment_list_in(tx, "complaint", id, tz, &files, err);
  if (rc == SH_OK) {
    jsonx_set_bool(o, "overdue", overdue);
    json_object_set_new(o, "assignments", assignments);
    json_object_set_new(o, "events", events);
    json_object_set_new(o, "attachments", files);
    assignments = events = files = NULL;
  }
  json_decref(assignments);
  json_decref(events);
  json_decref(files);
  complaint_free(c);
  if (rc != SH_OK) {
    json_decref(o);
    return rc;
  }
  *out = o;
  return SH_OK;
}

struct get_arg {
  struct app *app;
  const struct actor *actor;
  int64_t id;
  json_t *out;
};

static enum sh_status get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct get_arg *a = arg;
  return complaint_json_in(tx, a->app, a->actor, a->id, &a->out, err);
}

enum sh_status complaint_get(struct app *app, const struct actor *actor, int64_t id, json_t **out,
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
  struct complaint_filter *filter;
  json_t *items;
  int64_t total;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  struct complaint **list = NULL;
  size_t n = 0;
  int tz = a->app->tz_offset_minutes;
  char today[11];
  complaint_local_day(time_now(), tz, today);
  enum sh_status rc =
      store_complaint_list(tx, a->actor->user_id, a->filter, &list, &n, &a->total, err);
  json_t *items = rc == SH_OK ? json_array() : NULL;
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    json_t *o = complaint_fields_json(list[i], tz), *assignments = NULL;
    bool overdue = false;
    if (!o) {
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      break;
    }
    rc = assignments_json(tx, list[i], today, tz, &assignments, &overdue, err);
    if (rc == SH_OK) {
      jsonx_set_bool(o, "overdue", overdue);
      json_object_set_new(o, "assignments", assignments);
    }
    json_array_append_new(items, o);
  }
  complaint_list_free(list, n);
  if (rc != SH_OK) {
    json_decref(items);
    return rc;
  }
  a->items = items;
  return SH_OK;
}

enum sh_status complaint_list(struct app *app, const struct actor *actor,
                              struct complaint_filter *filter, json_t **items, int64_t *total,
                              struct sh_error *err) {
  struct list_arg a = {.app = app, .actor = actor, .filter = filter};
  enum sh_status rc = store_read(app->store, list_unit, &a, err);
  if (rc == SH_OK) {
    *items = a.items;
    *total = a.total;
  }
  return rc;
}

/* ---- complaints as owners of attachments --------------------------------------------- */

static enum sh_status owner_check(struct store_tx *tx, const struct actor *actor, int64_t id,
                                  bool for_write, struct sh_error *err) {
  struct complaint *c = NULL;
  struct attachment_info *files = NULL;
  size_t nfiles = 0;
  /* A new file takes the row first (as every step does), so an archive running at the same
   * time on PostgreSQL either sees the file or the upload sees the archive. */
  enum sh_status rc = for_write ? store_complaint_lock(tx, id, err) : SH_OK;
  if (rc == SH_OK)
    rc = store_complaint_get(tx, id, actor->user_id, &c, err);
  /* IMP: SPEC E3 — the archive is read-only: its documents stay as they were filed. */
  if (rc == SH_OK && for_write)
    rc = complaint_require_open(c, err);
  /* The complaint form lists every document (E3) and holds NOTICE_MAX_ATTACHMENTS: one
   * more is refused, never left off the archived form. */
  if (rc == SH_OK && for_write)
    rc = store_attachment_list(tx, "complaint", id, &files, &nfiles, err);
  if (rc == SH_OK && for_write && nfiles >= NOTICE_MAX_ATTACHMENTS) {
    char limit[16];
    snprintf(limit, sizeof limit, "%d", NOTICE_MAX_ATTACHMENTS);
    rc = sh_fail(err, SH_ERR_INVALID, "too_many_items", "file", limit);
  }
  attachment_infos_free(files, nfiles);
  complaint_free(c);
  return rc;
}

static enum sh_status owner_added(struct store_tx *tx, const struct actor *actor, int64_t id,
                                  const char *detail, int64_t now, struct sh_error *err) {
  return store_complaint_event_add(tx, id, now, actor->user_id, "attachment", detail, err);
}

const struct attachment_owner complaint_attachment_owner = {
    .kind = "complaint", .check = owner_check, .added = owner_added};
