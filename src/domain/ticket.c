/* ticket.c — intake and reading of service tickets (see ticket.h), their JSON, and the
 * deadlines as the workflow meets or moves them. The workflow itself (new → assigned →
 * on_site → cleared → closed, or cancelled) is ticket_flow.c; the records it adds,
 * ticket_work.c. */
#include "ticket.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/buf.h"
#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../rules/warranty.h"
#include "../store/customers.h"
#include "../store/equipment.h"
#include "../store/idempotency.h"
#include "audit.h"
#include "checks.h"
#include "outbox.h"
#include "settings.h"
#include "ticket_internal.h"
#include "ticket_sla.h"

static const char *nz(const char *s) {
  return s ? s : "";
}

struct ticket_scope ticket_scope_of(const struct actor *actor) {
  struct customer_scope cs = customer_scope_of(actor);
  struct ticket_scope s = {.user_id = cs.user_id,
                           .dealer_id = cs.dealer_id,
                           .customer_id = cs.customer_id,
                           .technician_id = actor->role == ROLE_TECHNICIAN ? actor->user_id : 0};
  return s;
}

void ticket_local_text(int64_t utc, int tz_offset_minutes, char out[20]) {
  time_t t = (time_t)(utc + tz_offset_minutes * 60);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}

enum sh_status ticket_decode(json_t *body, const struct jfield *fields, size_t n, void *target,
                             struct sh_error *err) {
  return jsonx_decode(body, fields, n, target, NULL, NULL, err);
}

enum sh_status ticket_require_open(const struct ticket *t, struct sh_error *err) {
  if (strcmp(t->status, "closed") == 0 || strcmp(t->status, "cancelled") == 0)
    return sh_fail(err, SH_ERR_CONFLICT, "ticket_closed", "status", t->status);
  return SH_OK;
}

enum sh_status ticket_require_version(struct ticket_ctx *c, int64_t version, struct sh_error *err) {
  if (version != c->t->version)
    return sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  c->save = true;
  return SH_OK;
}

/* ---- JSON ---------------------------------------------------------------------------- */

enum jkind { J_INT, J_ID, J_TEXT, J_TIME, J_BOOL };
struct jcol {
  const char *name;
  enum jkind kind;
  size_t offset;
  bool internal; /* staff only: hidden from dealers and customers */
};
#define C(name, kind)                                                                              \
  { #name, kind, offsetof(struct ticket, name), false }
#define I(name, kind)                                                                              \
  { #name, kind, offsetof(struct ticket, name), true }
static const struct jcol ticket_json_cols[] = {
    C(id, J_INT),
    C(number, J_TEXT),
    C(customer_id, J_ID),
    C(customer_name, J_TEXT),
    I(customer_late_marks, J_INT),
    C(project_id, J_ID),
    C(project_name, J_TEXT),
    C(equipment_id, J_ID),
    C(serial_no, J_TEXT),
    C(model, J_TEXT),
    C(equipment_name, J_TEXT),
    C(region_code, J_TEXT),
    C(region_name, J_TEXT),
    C(channel, J_TEXT),
    C(contact_name, J_TEXT),
    C(contact_phone, J_TEXT),
    C(site_address, J_TEXT),
    C(fault, J_TEXT),
    C(called_at, J_TIME),
    C(status, J_TEXT),
    C(owner_id, J_ID),
    C(owner_name, J_TEXT),
    C(handler_id, J_ID),
    C(handler_name, J_TEXT),
    C(technician_id, J_ID),
    C(technician_name, J_TEXT),
    C(assigned_at, J_TIME),
    C(warranty_state, J_TEXT),
    C(parts_free, J_BOOL),
    C(warranty_text, J_TEXT),
    C(sla_clock, J_TEXT),
    C(sla_pause, J_BOOL),
    C(arrived_at, J_TIME),
    C(cleared_at, J_TIME),
    C(substituted_at, J_TIME),
    C(closed_at, J_TIME),
    C(diagnosis, J_TEXT),
    C(work_done, J_TEXT),
    C(test_result, J_TEXT),
    C(extra_work, J_TEXT),
    C(outcome, J_TEXT),
    C(labour_fen, J_INT),
    I(vehicle_cost_fen, J_INT),
    I(consumables_cost_fen, J_INT),
    I(consumables_reason, J_TEXT),
    C(signature_id, J_ID),
    C(signed_by, J_TEXT),
    C(signed_at, J_TIME),
    I(customer_delay_seconds, J_INT),
    C(created_at, J_TIME),
    C(updated_at, J_TIME),
    C(version, J_INT),
};
#undef C
#undef I

bool ticket_internal_view(const struct actor *actor) {
  return actor->role != ROLE_DEALER && actor->role != ROLE_CUSTOMER;
}

/* The ticket's own fields as JSON (NULL when out of memory). */
json_t *ticket_fields_json(const struct ticket *t, int tz, bool internal) {
  json_t *o = json_object();
  const char *base = (const char *)t;
  bool ok = o != NULL;
  for (size_t i = 0; ok && i < sizeof ticket_json_cols / sizeof ticket_json_cols[0]; i++) {
    const struct jcol *c = &ticket_json_cols[i];
    if (c->internal && !internal)
      continue;
    const void *m = base + c->offset;
    switch (c->kind) {
    case J_INT:
      ok = jsonx_set_int(o, c->name, *(const int64_t *)m);
      break;
    case J_ID:
      ok = *(const int64_t *)m ? jsonx_set_int(o, c->name, *(const int64_t *)m)
                               : json_object_set_new(o, c->name, json_null()) == 0;
      break;
    case J_TEXT:
      ok = jsonx_set_str(o, c->name, *(char *const *)m);
      break;
    case J_TIME:
      ok = jsonx_set_time(o, c->name, *(const int64_t *)m, tz);
      break;
    case J_BOOL:
      ok = jsonx_set_bool(o, c->name, *(const bool *)m);
      break;
    }
  }
  if (!ok) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* closed: the ticket is closed or cancelled and now is its closing time. */
static json_t *deadline_json(const struct ticket_deadline *d, int64_t now, int tz, bool closed) {
  struct sla_deadline sd = {.due_at = d->due_at, .warn_at = d->warn_at};
  struct sla_deadline ad = {.due_at = d->appraisal_due_at, .warn_at = d->warn_at};
  json_t *o = json_object();
  if (!o)
    return NULL;
  jsonx_set_str(o, "stage", d->stage);
  jsonx_set_int(o, "seq", d->seq);
  jsonx_set_time(o, "due_at", d->due_at, tz);
  jsonx_set_time(o, "warn_at", d->warn_at, tz);
  jsonx_set_time(o, "appraisal_due_at", d->appraisal_due_at, tz);
  jsonx_set_time(o, "met_at", d->met_at, tz);
  jsonx_set_time(o, "warned_at", d->warned_at, tz);
  jsonx_set_time(o, "breached_at", d->breached_at, tz);
  jsonx_set_int(o, "level", d->level);
  /* A stage still open when the ticket closed, and not yet due then, was not needed (a
   * fault solved by phone needs nobody on site): neither met nor missed. */
  bool not_needed = closed && !d->met_at && d->due_at >= now;
  jsonx_set_str(o, "state",
                not_needed ? "not_needed" : sla_state_name(sla_stage_state(&sd, d->met_at, now)));
  jsonx_set_int(o, "overdue_seconds", sla_overdue_seconds(&sd, d->met_at, now));
  /* The technician's appraisal counts the deadline with customer delays excluded. */
  jsonx_set_bool(o, "appraisal_on_time",
                 d->met_at ? d->met_at <= d->appraisal_due_at
                           : sla_stage_state(&ad, 0, now) != SLA_BREACHED);
  jsonx_set_str(o, "note", d->note);
  return o;
}

/* The ticket's deadlines as a JSON array, and the earliest unmet one (for lists). */
static enum sh_status deadlines_json(struct store_tx *tx, const struct ticket *t, int64_t now,
                                     int tz, json_t **out, json_t **next, struct sh_error *err) {
  struct ticket_deadline *list = NULL;
  size_t n = 0;
  enum sh_status rc = store_deadlines_list(tx, t->id, &list, &n, err);
  if (rc != SH_OK)
    return rc;
  json_t *a = json_array();
  const struct ticket_deadline *first = NULL;
  bool open = strcmp(t->status, "closed") != 0 && strcmp(t->status, "cancelled") != 0;
  /* A closed ticket's stages stand as they were when it closed: an unmet stage stays
   * breached by what it was late then, not by a number that grows for ever. */
  if (!open && t->closed_at)
    now = t->closed_at;
  for (size_t i = 0; a && i < n; i++) {
    json_array_append_new(a, deadline_json(&list[i], now, tz, !open));
    if (open && !list[i].met_at && (!first || list[i].due_at < first->due_at))
      first = &list[i];
  }
  if (next)
    *next = first ? deadline_json(first, now, tz, false) : json_null();
  ticket_deadlines_free(list, n);
  if (!a)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  *out = a;
  return SH_OK;
}

/* ---- intake -------------------------------------------------------------------------- */

struct create_arg {
  struct app *app;
  const struct actor *actor;
  const struct ticket_intake *in;
  const char *key;
  int64_t id;
  bool replayed;
};

/* The folded text search looks in: number, customer, contact, phone, serial, fault. */
enum sh_status ticket_search_text(const struct ticket *t, const char *customer_name,
                                  const char *serial, char **out, struct sh_error *err) {
  struct buf b;
  buf_init(&b, 64 * 1024);
  const char *parts[] = {t->number,        customer_name, t->contact_name,
                         t->contact_phone, serial,        t->fault};
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

/* The unit's warranty on the local day of the call (SPEC B2, B3). */
enum sh_status ticket_warranty_on(struct store_tx *tx, const struct equipment *e, int64_t at,
                                  int tz, struct ticket *t, struct sh_error *err) {
  int64_t months = 12;
  enum sh_status rc = settings_int(tx, "warranty.company_months", &months, err);
  if (rc != SH_OK)
    return rc;
  char day[20];
  ticket_local_text(at, tz, day);
  day[10] = '\0';
  const char *accepted = e->acceptance_date && *e->acceptance_date ? e->acceptance_date
                         : e->project_acceptance_date && *e->project_acceptance_date
                             ? e->project_acceptance_date
                             : NULL;
  struct warranty_unit unit = {.acceptance_date = accepted,
                               .company_months = (int)months,
                               .manufacturer_months = (int)e->manufacturer_months,
                               .sold_by_company = e->sold_by_company};
  struct warranty_answer a;
  if (!warranty_status(&unit, day, &a))
    return sh_fail(err, SH_ERR_INVALID, "invalid_date", "acceptance_date", NULL);
  char *state = sh_strdup(warranty_state_name(a.state)), *text = sh_strdup(a.text);
  if (!state || !text) {
    free(state);
    free(text);
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  free(t->warranty_state);
  free(t->warranty_text);
  t->warranty_state = state;
  t->warranty_text = text;
  t->parts_free = a.replacement_free;
  return SH_OK;
}

static const char *const stage_names[SLA_STAGE_COUNT] = {"onsite", "clear", "substitute"};

/* Writes the three stage deadlines of a new ticket. */
static enum sh_status insert_deadlines(struct store_tx *tx, int64_t ticket_id,
                                       const struct ticket_deadlines *d, int64_t now,
                                       int64_t actor_id, struct sh_error *err) {
  enum sh_status rc = SH_OK;
  for (int i = 0; rc == SH_OK && i < SLA_STAGE_COUNT; i++) {
    struct ticket_deadline row = {.ticket_id = ticket_id,
                                  .stage = (char *)stage_names[i],
                                  .due_at = d->due[i].due_at,
                                  .warn_at = d->due[i].warn_at,
                                  .appraisal_due_at = d->appraisal[i].due_at,
                                  .next_check_at = d->due[i].warn_at,
                                  .created_by = actor_id,
                                  .created_at = now};
    rc = store_deadline_insert(tx, &row, err);
  }
  return rc;
}

static enum sh_status create_in(struct store_tx *tx, struct create_arg *a, struct sh_error *err) {
  const struct ticket_intake *in = a->in;
  const struct actor *actor = a->actor;
  int tz = a->app->tz_offset_minutes;
  int64_t now = time_now(), called_at = in->called_at ? in->called_at : now;
  if (called_at > now + 300)
    return sh_fail(err, SH_ERR_INVALID, "time_in_future", "called_at", NULL);
  struct customer_scope scope = customer_scope_of(actor);
  struct customer *cust = NULL;
  struct equipment *e = NULL;
  char *site_region = NULL, *site_address = NULL;
  struct ticket t = {0};
  struct ticket_policy policy;
  bool policy_loaded = false;
  enum sh_status rc = store_customer_get(tx, in->customer_id, &scope, &cust, err);
  if (rc == SH_ERR_NOT_FOUND)
    rc = sh_fail(err, SH_ERR_INVALID, "unknown_customer", "customer_id", NULL);
  const char *channel = in->channel ? in->channel : "hotline";
  if (rc == SH_OK)
    rc = check_dict(tx, "ticket_channel", channel, "channel", err);
  if (rc == SH_OK && in->equipment_id) {
    rc = store_equipment_get(tx, in->equipment_id, &scope, &e, err);
    if (rc == SH_ERR_NOT_FOUND)
      rc = sh_fail(err, SH_ERR_INVALID, "unknown_equipment", "equipment_id", NULL);
    else if (rc == SH_OK && e->customer_id != cust->id)
      rc = sh_fail(err, SH_ERR_INVALID, "equipment_not_customers", "equipment_id", NULL);
    if (rc == SH_OK)
      rc = store_ticket_project_site(tx, e->project_id, &site_region, &site_address, err);
  }
  char day[20];
  ticket_local_text(called_at, tz, day);
  char ymd[9] = {day[0], day[1], day[2], day[3], day[5], day[6], day[8], day[9], '\0'};
  int64_t seq = 0;
  if (rc == SH_OK)
    rc = store_ticket_next_seq(tx, ymd, &seq, err);
  char number[40];
  snprintf(number, sizeof number, "SH-%s-%04lld", ymd, (long long)seq);
  t.number = number;
  t.customer_id = in->customer_id;
  t.project_id = e ? e->project_id : 0;
  t.equipment_id = e ? e->id : 0;
  t.region_code = site_region && *site_region ? site_region : cust ? cust->region_code : NULL;
  t.dealer_id = cust ? cust->dealer_id : 0;
  t.channel = (char *)channel;
  t.contact_name = (char *)(in->contact_name          ? in->contact_name
                            : cust && cust->ncontacts ? cust->contacts[0].name
                                                      : "");
  t.contact_phone = (char *)(in->contact_phone         ? in->contact_phone
                             : cust && cust->ncontacts ? cust->contacts[0].phone
                             : cust                    ? cust->phone
                                                       : "");
  t.site_address = (char *)(in->site_address                ? in->site_address
                            : site_address && *site_address ? site_address
                            : cust                          ? cust->address
                                                            : "");
  t.fault = (char *)in->fault;
  t.called_at = called_at;
  t.status = "new";
  t.owner_id = t.handler_id = actor->user_id;
  t.created_by = actor->user_id;
  t.sla_clock = "calendar";
  if (rc == SH_OK && e)
    rc = ticket_warranty_on(tx, e, called_at, tz, &t, err);
  else if (rc == SH_OK && !(t.warranty_state = sh_strdup("unknown")))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  struct ticket_deadlines d = {0};
  if (rc == SH_OK) {
    rc = ticket_policy_load(tx, tz, called_at, &policy, err);
    policy_loaded = true;
  }
  if (rc == SH_OK)
    rc = ticket_deadlines_compute(&policy, called_at, NULL, 0, &d, err);
  if (rc == SH_OK) {
    t.sla_clock =
        policy.sla.clock == SLA_CLOCK_WORKING && !d.calendar_fallback ? "working" : "calendar";
    t.sla_pause = policy.pause;
    rc = ticket_search_text(&t, cust->name, e ? e->serial_no : NULL, &t.search_text, err);
  }
  if (rc == SH_OK)
    rc = store_ticket_insert(tx, &t, now, &a->id, err);
  if (rc == SH_OK)
    rc = insert_deadlines(tx, a->id, &d, now, actor->user_id, err);
  json_t *detail = json_object();
  if (rc == SH_OK) {
    jsonx_set_str(detail, "channel", channel);
    jsonx_set_time(detail, "called_at", called_at, tz);
    jsonx_set_str(detail, "sla_clock", t.sla_clock);
    if (d.calendar_fallback) {
      char note[96];
      snprintf(note, sizeof note, "calendar for %d not loaded", d.missing_year);
      jsonx_set_str(detail, "calendar_not_loaded", note);
      jsonx_set_int(detail, "missing_year", d.missing_year);
    }
    char *text = jsonx_dump(detail);
    rc = text ? store_ticket_event_add(tx, a->id, now, actor->user_id, "created", text, err)
              : sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    free(text);
  }
  if (rc == SH_OK) {
    json_t *changes = json_object();
    audit_change(changes, "number", NULL, json_string(number));
    audit_change(changes, "customer_id", NULL, json_integer(t.customer_id));
    audit_change(changes, "equipment_id", NULL,
                 t.equipment_id ? json_integer(t.equipment_id) : NULL);
    audit_change(changes, "channel", NULL, json_string(channel));
    audit_change(changes, "fault", NULL, json_string(t.fault));
    audit_change(changes, "called_at", NULL, json_integer(called_at));
    audit_change(changes, "warranty_state", NULL, json_string(t.warranty_state));
    audit_change(changes, "sla_clock", NULL, json_string(t.sla_clock));
    rc = audit_log(tx, actor, "ticket", a->id, "create", changes, now, err);
    json_decref(changes);
  }
  if (rc == SH_OK) {
    /* The dispatchers of the site's region are told a new fault waits (SPEC C3). */
    char subject[160], body[1024], due[20];
    ticket_local_text(d.due[SLA_STAGE_ONSITE].due_at, tz, due);
    snprintf(subject, sizeof subject, "【工单%s】新报修待派工", number);
    /* Byte limits cut on a whole character: PostgreSQL refuses broken UTF-8. */
    snprintf(body, sizeof body, "客户：%s\n地址：%s\n故障：%.*s\n技术人员须于%s前到达现场。",
             cust->name, nz(t.site_address), (int)utf8_clip(t.fault, 600), t.fault, due);
    utf8_trim_tail(body);
    rc = outbox_notify_role(tx, ROLE_DISPATCHER, t.region_code, a->id, subject, body, now, NULL,
                            err);
  }
  json_decref(detail);
  if (policy_loaded)
    ticket_policy_free(&policy);
  free(t.warranty_state);
  free(t.warranty_text);
  free(t.search_text);
  free(site_region);
  free(site_address);
  customer_free(cust);
  equipment_free(e);
  return rc;
}

static enum sh_status create_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct create_arg *a = arg;
  enum sh_status rc = SH_OK;
  if (a->key) {
    rc = store_idempotency_get(tx, a->actor->user_id, a->key, "ticket.create", &a->id, err);
    if (rc != SH_OK || a->id) {
      a->replayed = a->id != 0;
      return rc;
    }
  }
  rc = create_in(tx, a, err);
  if (rc == SH_OK && a->key)
    rc = store_idempotency_put(tx, a->actor->user_id, a->key, "ticket.create", a->id, time_now(),
                               err);
  return rc;
}

enum sh_status ticket_create_in(struct store_tx *tx, struct app *app, const struct actor *actor,
                                const struct ticket_intake *in, int64_t *id, struct sh_error *err) {
  struct create_arg a = {.app = app, .actor = actor, .in = in};
  enum sh_status rc = create_in(tx, &a, err);
  if (rc == SH_OK)
    *id = a.id;
  return rc;
}

enum sh_status ticket_create(struct app *app, const struct actor *actor,
                             const struct ticket_intake *in, const char *idempotency_key,
                             json_t **out, bool *replayed, struct sh_error *err) {
  struct create_arg a = {.app = app, .actor = actor, .in = in, .key = idempotency_key};
  enum sh_status rc = store_write(app->store, create_unit, &a, err);
  if (rc == SH_ERR_CONFLICT && idempotency_key && strcmp(err->code, "duplicate") == 0) {
    /* Two requests with one key raced (PostgreSQL): both found no key, the other committed
     * first. Once more: the unit now finds the key and answers the other's ticket. */
    struct sh_error again;
    rc = store_write(app->store, create_unit, &a, &again);
    if (rc != SH_OK)
      *err = again;
  }
  if (rc != SH_OK)
    return rc;
  if (replayed)
    *replayed = a.replayed;
  return ticket_get(app, actor, a.id, out, err);
}

/* ---- reading ------------------------------------------------------------------------- */

struct get_arg {
  struct app *app;
  const struct actor *actor;
  int64_t id;
  json_t *out;
};

static enum sh_status get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct get_arg *a = arg;
  struct ticket_scope scope = ticket_scope_of(a->actor);
  struct ticket *t = NULL;
  int tz = a->app->tz_offset_minutes;
  bool internal = ticket_internal_view(a->actor);
  enum sh_status rc = store_ticket_get(tx, a->id, &scope, &t, err);
  json_t *o = NULL, *deadlines = NULL;
  if (rc == SH_OK && !(o = ticket_fields_json(t, tz, internal)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK)
    rc = deadlines_json(tx, t, time_now(), tz, &deadlines, NULL, err);
  if (rc == SH_OK) {
    json_object_set_new(o, "deadlines", deadlines);
    rc = ticket_work_json(tx, t, tz, internal, o, err);
  }
  ticket_free(t);
  if (rc != SH_OK) {
    json_decref(o);
    return rc;
  }
  a->out = o;
  return SH_OK;
}

enum sh_status ticket_get(struct app *app, const struct actor *actor, int64_t id, json_t **out,
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
  struct ticket_filter *filter;
  json_t *items;
  int64_t total;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  struct ticket_scope scope = ticket_scope_of(a->actor);
  struct ticket **list = NULL;
  size_t n = 0;
  int tz = a->app->tz_offset_minutes;
  int64_t now = time_now();
  bool internal = ticket_internal_view(a->actor);
  enum sh_status rc = store_ticket_list(tx, &scope, a->filter, &list, &n, &a->total, err);
  json_t *items = rc == SH_OK ? json_array() : NULL;
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    json_t *o = ticket_fields_json(list[i], tz, internal), *deadlines = NULL, *next = NULL;
    if (!o) {
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      break;
    }
    rc = deadlines_json(tx, list[i], now, tz, &deadlines, &next, err);
    if (rc == SH_OK) {
      json_object_set_new(o, "deadlines", deadlines);
      json_object_set_new(o, "next_deadline", next);
    }
    json_array_append_new(items, o);
  }
  ticket_list_free(list, n);
  if (rc != SH_OK) {
    json_decref(items);
    return rc;
  }
  a->items = items;
  return SH_OK;
}

enum sh_status ticket_list(struct app *app, const struct actor *actor, struct ticket_filter *filter,
                           json_t **items, int64_t *total, struct sh_error *err) {
  struct list_arg a = {.app = app, .actor = actor, .filter = filter};
  enum sh_status rc = store_read(app->store, list_unit, &a, err);
  if (rc == SH_OK) {
    *items = a.items;
    *total = a.total;
  }
  return rc;
}

struct timeline_arg {
  struct app *app;
  const struct actor *actor;
  int64_t id;
  json_t *out;
};

/* What a dealer or a customer sees of the timeline: the steps of the service, not the
 * company's internal work (hand-overs, escalations, promises to itself, SLA alarms), and no
 * free text staff wrote for each other. */
static bool external_event(const char *kind) {
  static const char *const shown[] = {"created", "assign",      "appointment", "arrive",    "clear",
                                      "loan",    "loan_return", "part",        "sign",      "close",
                                      "cancel",  "receipt",     "unit",        "attachment"};
  for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
    if (strcmp(kind, shown[i]) == 0)
      return true;
  return false;
}

static enum sh_status timeline_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct timeline_arg *a = arg;
  struct ticket_scope scope = ticket_scope_of(a->actor);
  struct ticket *t = NULL;
  enum sh_status rc = store_ticket_get(tx, a->id, &scope, &t, err);
  ticket_free(t);
  struct ticket_event *ev = NULL;
  size_t n = 0;
  if (rc == SH_OK)
    rc = store_ticket_events(tx, a->id, &ev, &n, err);
  json_t *arr = rc == SH_OK ? json_array() : NULL;
  bool internal = ticket_internal_view(a->actor);
  for (size_t i = 0; arr && i < n; i++) {
    if (!internal && !external_event(ev[i].kind))
      continue;
    json_t *o = json_object(), *detail = json_loads(nz(ev[i].detail), 0, NULL);
    if (detail && !internal) {
      json_object_del(detail, "note");
      json_object_del(detail, "reason");
    }
    jsonx_set_int(o, "id", ev[i].id);
    jsonx_set_time(o, "at", ev[i].at, a->app->tz_offset_minutes);
    if (ev[i].actor_id)
      jsonx_set_int(o, "actor_id", ev[i].actor_id);
    else
      json_object_set_new(o, "actor_id", json_null());
    jsonx_set_str(o, "actor_name", ev[i].actor_id ? ev[i].actor_name : "系统");
    jsonx_set_str(o, "kind", ev[i].kind);
    json_object_set_new(o, "detail", detail ? detail : json_object());
    json_array_append_new(arr, o);
  }
  ticket_events_free(ev, n);
  if (rc == SH_OK && !arr)
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK)
    a->out = arr;
  return rc;
}

enum sh_status ticket_timeline(struct app *app, const struct actor *actor, int64_t id, json_t **out,
                               struct sh_error *err) {
  struct timeline_arg a = {.app = app, .actor = actor, .id = id};
  enum sh_status rc = store_read(app->store, timeline_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  return rc;
}

/* ---- deadlines during the workflow --------------------------------------------------- */

enum sh_status ticket_meet(struct ticket_ctx *c, const char *stage, int64_t seq, int64_t at,
                           struct sh_error *err) {
  struct ticket_deadline *list = NULL;
  size_t n = 0;
  enum sh_status rc = store_deadlines_list(c->tx, c->t->id, &list, &n, err);
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    struct ticket_deadline *d = &list[i];
    if (strcmp(d->stage, stage) != 0 || d->seq != seq || d->met_at)
      continue;
    d->met_at = at;
    d->next_check_at = 0;
    d->active = false;
    rc = store_deadline_save(c->tx, d, err);
  }
  ticket_deadlines_free(list, n);
  return rc;
}

/* Stops watching every unmet deadline (the ticket is closed or cancelled): a breach
 * already recorded stays on the record. */
enum sh_status ticket_stop_watching(struct ticket_ctx *c, struct sh_error *err) {
  struct ticket_deadline *list = NULL;
  size_t n = 0;
  enum sh_status rc = store_deadlines_list(c->tx, c->t->id, &list, &n, err);
  for (size_t i = 0; rc == SH_OK && i < n; i++)
    if (list[i].next_check_at || list[i].active) {
      list[i].next_check_at = 0;
      list[i].active = false;
      rc = store_deadline_save(c->tx, &list[i], err);
    }
  ticket_deadlines_free(list, n);
  return rc;
}

enum sh_status ticket_recompute(struct ticket_ctx *c, struct sh_error *err) {
  struct ticket_delay *delays = NULL;
  size_t nd = 0;
  void *list = NULL;
  enum sh_status rc = store_work_list(c->tx, WORK_DELAY, c->t->id, &list, &nd, err);
  delays = list;
  struct sla_interval pauses[64];
  size_t np = 0;
  int64_t total = 0;
  for (size_t i = 0; rc == SH_OK && i < nd; i++)
    if (strcmp(delays[i].party, "customer") == 0 && np < 64) {
      pauses[np].from = delays[i].from_at;
      pauses[np].to = delays[i].to_at;
      total += delays[i].to_at - delays[i].from_at;
      np++;
    }
  work_list_free(WORK_DELAY, delays, nd);
  struct ticket_policy policy;
  bool loaded = false;
  struct ticket_deadlines d;
  if (rc == SH_OK) {
    rc = ticket_policy_load(c->tx, c->app->tz_offset_minutes, c->t->called_at, &policy, err);
    loaded = true;
    /* The ticket keeps the clock and pause policy it was registered under. */
    policy.sla.clock =
        strcmp(c->t->sla_clock, "working") == 0 ? SLA_CLOCK_WORKING : SLA_CLOCK_CALENDAR;
    policy.pause = c->t->sla_pause;
  }
  if (rc == SH_OK)
    rc = ticket_deadlines_compute(&policy, c->t->called_at, pauses, np, &d, err);
  struct ticket_deadline *rows = NULL;
  size_t n = 0;
  if (rc == SH_OK)
    rc = store_deadlines_list(c->tx, c->t->id, &rows, &n, err);
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    for (int s = 0; s < SLA_STAGE_COUNT; s++) {
      if (strcmp(rows[i].stage, stage_names[s]) != 0)
        continue;
      rows[i].due_at = d.due[s].due_at;
      rows[i].warn_at = d.due[s].warn_at;
      rows[i].appraisal_due_at = d.appraisal[s].due_at;
      if (!rows[i].met_at && rows[i].level == 0)
        rows[i].next_check_at = rows[i].warned_at ? rows[i].due_at : rows[i].warn_at;
      rc = store_deadline_save(c->tx, &rows[i], err);
    }
  }
  ticket_deadlines_free(rows, n);
  if (loaded)
    ticket_policy_free(&policy);
  if (rc == SH_OK) {
    c->t->customer_delay_seconds = total;
    c->save = true;
  }
  return rc;
}
