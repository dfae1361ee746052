/* demo_tickets.c — the demo's service tickets (SPEC C1-C7): about forty calls over the last
 * ten days, worked through the domain to every state of the workflow (demo_internal.h).
 *
 * Design: the tickets are planned first — a fixed recipe of how many tickets end in which
 * state — each with its call time, unit, fault and a private seed, then replayed in call order
 * so that ticket numbers run with the calls. A ticket's steps draw only from its private seed,
 * so the time of day the demo runs changes times, never content. Every step is a domain call by
 * the demo user of the role that does it: the desk (agent) registers, promises, escalates,
 * takes the receipt and confirms the outcome; the dispatcher assigns; the technician makes the
 * appointment, arrives, records, puts parts and spare units in and clears. Actions cannot be
 * backdated except where the API takes a time (the call, arrival, clearing, loans,
 * appointments): the rest happen at the moment the demo runs, as they would for a desk
 * entering yesterday's paperwork. */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "../base/timefmt.h"
#include "demo_internal.h"
#include "ticket.h"

/* Where a ticket ends; the recipe below says how many of each and how old their calls
 * are. Old calls still open breach their deadlines, so the board shows risk. */
enum ending {
  END_NEW,           /* registered, waiting for dispatch */
  END_NEW_LATE,      /* nobody went: the on-site deadline passed */
  END_ASSIGNED,      /* assigned, appointment agreed */
  END_ASSIGNED_LATE, /* the appointment came and went */
  END_ON_SITE,       /* technician there, work recorded, part fitted */
  END_ON_SITE_LATE,  /* waiting for a part past the clear and substitute deadlines */
  END_CLEARED,       /* fault cleared, not confirmed yet */
  END_REPAIRED,      /* closed: repaired */
  END_SUBSTITUTED,   /* closed: a spare unit keeps the system running */
  END_NO_FAULT,      /* closed: nothing wrong */
  END_CANCELLED,
  END_COUNT
};

static const struct recipe {
  enum ending ending;
  int count;
  int youngest, oldest; /* hours since the call */
} recipes[] = {
    {END_NEW, 5, 1, 16},           {END_NEW_LATE, 2, 30, 100},
    {END_ASSIGNED, 6, 2, 20},      {END_ASSIGNED_LATE, 2, 28, 60},
    {END_ON_SITE, 4, 6, 40},       {END_ON_SITE_LATE, 2, 76, 130},
    {END_CLEARED, 4, 10, 70},      {END_REPAIRED, 9, 40, 236},
    {END_SUBSTITUTED, 3, 80, 236}, {END_NO_FAULT, 2, 24, 200},
    {END_CANCELLED, 1, 20, 120},
};

struct call {
  enum ending ending;
  int nth;                 /* among the calls of its ending, for the one-off extras */
  int64_t at;              /* UTC seconds */
  const struct unit *unit; /* the unit at fault; NULL when the company has none */
  bool named;              /* the caller said which unit; else the technician finds it */
  int64_t customer_id;
  size_t fault;  /* row of the faults table */
  uint64_t seed; /* the ticket's own stream */
  size_t order;  /* planning order: ties of the sort */
};

/* at moved into office hours (08:00-21:00 local, the same share of the day) when that
 * keeps it within [lo, hi], else at; to the minute. The same draw gives the same content
 * whatever the time of day the demo runs. */
static int64_t office_time(const struct demo *d, int64_t at, int64_t lo, int64_t hi) {
  int64_t tz = (int64_t)d->app->tz_offset_minutes * 60, local = at + tz;
  int64_t midnight = local - ((local % DAY) + DAY) % DAY;
  int64_t office = midnight + 8 * HOUR + (local - midnight) * 13 / 24 - tz;
  int64_t chosen = office >= lo && office <= hi ? office : at;
  int64_t minute = chosen - ((chosen % 60) + 60) % 60;
  return minute >= lo ? minute : chosen;
}

static int call_order(const void *a, const void *b) {
  const struct call *x = a, *y = b;
  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* One call of recipe r: its time, unit and fault. The first repaired and the first
 * assigned call are about the first customer's first unit, so the demo's portal user has
 * history and an open case. */
static void plan_call(const struct demo *d, const struct recipe *r, int nth, uint64_t *state,
                      struct call *c) {
  int64_t age = demo_between(state, r->youngest * HOUR, r->oldest * HOUR);
  int64_t named = demo_between(state, 0, 99),
          which = demo_between(state, 0, (int64_t)d->nunits - 1);
  int64_t customer = demo_between(state, 0, (int64_t)d->nclients - 1);
  bool first = nth == 0 && (r->ending == END_REPAIRED || r->ending == END_ASSIGNED);
  c->ending = r->ending;
  c->nth = nth;
  c->at = office_time(d, d->now - age, d->now - r->oldest * HOUR - 3 * HOUR,
                      d->now - r->youngest * HOUR);
  c->unit = d->nunits ? &d->units[first ? 0 : which] : NULL;
  c->named = c->unit && (named < 85 || first);
  c->customer_id = c->unit ? c->unit->customer_id : d->clients[customer].id;
  c->fault =
      demo_pick_row(&d->faults, 0, c->unit ? demo_cell(&d->models, c->unit->model, 0) : "", state);
  c->seed = demo_next(state);
}

/* The calls of the recipe, in call order. */
static enum sh_status plan_calls(struct demo *d, uint64_t *state, struct call **out, size_t *count,
                                 struct sh_error *err) {
  size_t n = 0;
  for (size_t i = 0; i < sizeof recipes / sizeof recipes[0]; i++)
    n += (size_t)recipes[i].count;
  struct call *calls = sh_calloc(n, sizeof *calls);
  if (!calls)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  size_t k = 0;
  for (size_t i = 0; i < sizeof recipes / sizeof recipes[0]; i++)
    for (int j = 0; j < recipes[i].count; j++, k++) {
      plan_call(d, &recipes[i], j, state, &calls[k]);
      calls[k].order = k;
    }
  qsort(calls, n, sizeof *calls, call_order);
  *out = calls;
  *count = n;
  return SH_OK;
}

/* One ticket being worked: the latest ticket JSON the domain returned. */
struct job {
  struct demo *d;
  const struct call *call;
  uint64_t state; /* the call's own stream */
  int64_t id;
  json_t *ticket;
  int64_t arrival; /* when the technician arrived (UTC seconds), once on site */
};

static int64_t version_of(const struct job *j) {
  return json_integer_value(json_object_get(j->ticket, "version"));
}

static const char *text_of(const struct job *j, const char *key) {
  const char *s = json_string_value(json_object_get(j->ticket, key));
  return s ? s : "";
}

/* Runs one action as who; takes body (also on failure). with_version adds the version the
 * desk read, as the API requires of actions that change the ticket's fields. */
static enum sh_status act(struct job *j, const struct actor *who, enum ticket_action action,
                          json_t *body, bool with_version, struct sh_error *err) {
  if (!body)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (with_version)
    json_object_set_new(body, "version", json_integer(version_of(j)));
  json_t *out = NULL;
  enum sh_status rc = ticket_act(j->d->app, who, j->id, action, body, &out, err);
  json_decref(body);
  if (rc == SH_OK) {
    json_decref(j->ticket);
    j->ticket = out;
  }
  return rc;
}

static json_t *iso(const struct job *j, int64_t utc) {
  char text[TIME_ISO_LEN];
  time_format_iso(utc, j->d->app->tz_offset_minutes, text);
  return json_string(text);
}

/* A time at least a few minutes before now: field work is not entered ahead of itself. */
static int64_t before_now(const struct job *j, int64_t at) {
  return at < j->d->now - 300 ? at : j->d->now - 300;
}

/* A field time: at, moved into office hours within [lo, hi] and before now. */
static int64_t field_time(const struct job *j, int64_t at, int64_t lo, int64_t hi) {
  return office_time(j->d, before_now(j, at), lo, before_now(j, hi));
}

static enum sh_status register_call(struct job *j, struct sh_error *err) {
  const struct call *c = j->call;
  int64_t channel = demo_between(&j->state, 0, 9);
  struct ticket_intake in = {.customer_id = c->customer_id,
                             .equipment_id = c->named ? c->unit->id : 0,
                             .channel = channel < 8   ? "hotline"
                                        : channel < 9 ? "im"
                                                      : "email",
                             .fault = demo_cell(&j->d->faults, c->fault, 1),
                             .called_at = c->at};
  enum sh_status rc = ticket_create(j->d->app, &j->d->agent, &in, NULL, &j->ticket, NULL, err);
  if (rc == SH_OK)
    j->id = json_integer_value(json_object_get(j->ticket, "id"));
  return rc;
}

static enum sh_status promise(struct job *j, int64_t hours, const char *note,
                              struct sh_error *err) {
  json_t *b = json_pack("{s:o, s:s}", "due_at", iso(j, j->d->now + hours * HOUR), "note", note);
  return act(j, &j->d->agent, TICKET_PROMISE, b, false, err);
}

static enum sh_status assign(struct job *j, struct sh_error *err) {
  /* Dispatched ten minutes after the call (the arrival and clearing are dated after it). */
  json_t *b = json_pack("{s:I, s:o}", "technician_id", (json_int_t)j->d->technician.user_id, "at",
                        iso(j, j->call->at + 600));
  return act(j, &j->d->dispatcher, TICKET_ASSIGN, b, true, err);
}

/* An appointment the technician phoned for, starting at `at` for an hour and a half. */
static enum sh_status appointment(struct job *j, int64_t at, struct sh_error *err) {
  at -= at % 1800;
  if (at < j->call->at)
    at += 1800;
  json_t *b = json_pack("{s:o, s:o, s:s}", "starts_at", iso(j, at), "ends_at", iso(j, at + 5400),
                        "agreed_with", text_of(j, "contact_name"));
  return act(j, &j->d->technician, TICKET_APPOINTMENT, b, false, err);
}

static enum sh_status arrive(struct job *j, int64_t at, struct sh_error *err) {
  return act(j, &j->d->technician, TICKET_ARRIVE, json_pack("{s:o}", "at", iso(j, at)), true, err);
}

static enum sh_status clear(struct job *j, int64_t at, struct sh_error *err) {
  return act(j, &j->d->technician, TICKET_CLEAR, json_pack("{s:o}", "at", iso(j, at)), true, err);
}

/* The on-site record (SPEC C4): labour is charged out of warranty only (B3). */
static enum sh_status record(struct job *j, const char *diagnosis, const char *work,
                             const char *test, struct sh_error *err) {
  int64_t labour = demo_between(&j->state, 10, 30) * 1000,
          vehicle = demo_between(&j->state, 2, 8) * 1000;
  int64_t consumables = demo_between(&j->state, 0, 6) * 1000;
  bool in_warranty = json_is_true(json_object_get(j->ticket, "parts_free"));
  json_t *b = json_pack("{s:s, s:I, s:I, s:I}", "diagnosis", diagnosis, "labour_fen",
                        (json_int_t)(in_warranty ? 0 : labour), "vehicle_cost_fen",
                        (json_int_t)vehicle, "consumables_cost_fen", (json_int_t)consumables);
  if (b && work)
    json_object_set_new(b, "work_done", json_string(work));
  if (b && test)
    json_object_set_new(b, "test_result", json_string(test));
  /* One job ran over the consumables allowance, with the reason it needs (C4). */
  if (b && j->call->ending == END_REPAIRED && j->call->nth == 1) {
    json_object_set_new(b, "consumables_cost_fen", json_integer(15000));
    json_object_set_new(b, "consumables_reason", json_string("机柜内线缆老化，更换网线和水晶头"));
  }
  return act(j, &j->d->technician, TICKET_RECORD, b, true, err);
}

/* The part the fault's line names, if any, billed by B3 (the domain decides free). */
static enum sh_status fit_part(struct job *j, struct sh_error *err) {
  long row = demo_table_find(&j->d->parts, 0, demo_cell(&j->d->faults, j->call->fault, 4));
  int64_t replacement = demo_between(&j->state, 100000, 999999);
  if (row < 0)
    return SH_OK;
  const struct table *p = &j->d->parts;
  char serial[32];
  snprintf(serial, sizeof serial, "RP%lld", (long long)replacement);
  json_t *b = json_pack("{s:s, s:s, s:i, s:I, s:s, s:s}", "name", demo_cell(p, (size_t)row, 1),
                        "part_no", demo_cell(p, (size_t)row, 0), "quantity", 1, "unit_price_fen",
                        (json_int_t)strtoll(demo_cell(p, (size_t)row, 2), NULL, 10),
                        "faulty_serial", text_of(j, "serial_no"), "replacement_serial", serial);
  return act(j, &j->d->technician, TICKET_PART, b, false, err);
}

static enum sh_status close_as(struct job *j, const char *outcome, struct sh_error *err) {
  return act(j, &j->d->agent, TICKET_CLOSE, json_pack("{s:s}", "outcome", outcome), true, err);
}

/* The after-sales receipt the customer sent back (C6). */
static enum sh_status receipt(struct job *j, struct sh_error *err) {
  char number[32], today[PROJECT_DATE_SIZE];
  snprintf(number, sizeof number, "HZ%06lld", (long long)demo_between(&j->state, 1, 999999));
  demo_day_text(j->d->today, today);
  json_t *b =
      json_pack("{s:s, s:s, s:s, s:b}", "receipt_no", number, "returned_on", today, "signed_by",
                text_of(j, "contact_name"), "satisfied", demo_between(&j->state, 0, 9) != 0);
  return act(j, &j->d->agent, TICKET_RECEIPT, b, false, err);
}

/* The first half-hour slot of office hours (09:00-18:00 local) at or after at. */
static int64_t office_slot(const struct job *j, int64_t at) {
  int64_t tz = (int64_t)j->d->app->tz_offset_minutes * 60, local = at + tz;
  local += (1800 - ((local % 1800) + 1800) % 1800) % 1800;
  int64_t midnight = local - ((local % DAY) + DAY) % DAY, hour = (local - midnight) / HOUR;
  if (hour < 9)
    local = midnight + 9 * HOUR;
  else if (hour >= 18)
    local = midnight + DAY + 9 * HOUR;
  return local - tz;
}

/* Registered only: a promised reply or an escalation on some (C5). */
static enum sh_status work_new(struct job *j, struct sh_error *err) {
  const struct call *c = j->call;
  if (c->ending == END_NEW && c->nth == 0)
    return promise(j, 2, "两小时内回电告知技术人员上门时间", err);
  if (c->ending == END_NEW && c->nth == 1)
    return promise(j, 5, "回复客户设备是否在保修期内及维修费用", err);
  if (c->ending == END_NEW_LATE && c->nth == 0) {
    json_t *b = json_pack("{s:s}", "reason", "客户要求免费更换整套系统，情绪激动，需公司决定");
    return act(j, &j->d->agent, TICKET_ESCALATE, b, false, err);
  }
  return SH_OK;
}

/* Dispatched with a phoned appointment (C3): ahead for fresh calls; for old ones it has
 * passed, and one customer who was out is rescheduled and marked. */
static enum sh_status work_assigned(struct job *j, struct sh_error *err) {
  const struct call *c = j->call;
  int64_t soon = demo_between(&j->state, 1, 18) * HOUR,
          past = demo_between(&j->state, 16, 22) * HOUR;
  bool late = c->ending == END_ASSIGNED_LATE;
  int64_t start = late ? c->at + past : office_slot(j, j->d->now + soon);
  enum sh_status rc = assign(j, err);
  if (rc == SH_OK)
    rc = appointment(j, start, err);
  if (rc == SH_OK && late && c->nth == 0) {
    json_t *b =
        json_pack("{s:s, s:o, s:o, s:o, s:s}", "party", "customer", "from", iso(j, start), "to",
                  iso(j, start + 2 * HOUR), "reschedule_to",
                  iso(j, office_slot(j, j->d->now + 3 * HOUR)), "reason", "客户临时外出，电话改约");
    rc = act(j, &j->d->technician, TICKET_DELAY, b, false, err);
  }
  /* A technician who may be late calls ahead (C3). */
  if (rc == SH_OK && !late && c->nth == 0) {
    json_t *b = json_pack("{s:s, s:o, s:o, s:s}", "party", "technician", "from", iso(j, start),
                          "to", iso(j, start + HOUR), "reason", "前一单现场延误，已提前致电客户");
    rc = act(j, &j->d->technician, TICKET_DELAY, b, false, err);
  }
  if (rc == SH_OK && !late && c->nth == 1)
    rc = promise(j, 3, "确认备件库存后回电客户", err);
  return rc;
}

/* Dispatch, appointment and arrival about `at` (within [lo, hi]); a unit the caller could
 * not name is found on site. */
static enum sh_status go_on_site(struct job *j, int64_t at, int64_t lo, int64_t hi,
                                 struct sh_error *err) {
  j->arrival = field_time(j, at, lo, hi);
  enum sh_status rc = assign(j, err);
  if (rc == SH_OK)
    rc = appointment(j, j->arrival - 1800, err);
  if (rc == SH_OK)
    rc = arrive(j, j->arrival, err);
  if (rc == SH_OK && j->call->unit && !j->call->named)
    rc = act(j, &j->d->technician, TICKET_UNIT,
             json_pack("{s:I}", "equipment_id", (json_int_t)j->call->unit->id), true, err);
  return rc;
}

/* On site: the work recorded so far; one waits for a part past its deadlines. */
static enum sh_status work_on_site(struct job *j, struct sh_error *err) {
  const struct call *c = j->call;
  bool late = c->ending == END_ON_SITE_LATE;
  int64_t age = j->d->now - c->at;
  int64_t in_time = demo_between(&j->state, HOUR, age - HOUR < 20 * HOUR ? age - HOUR : 20 * HOUR);
  int64_t slow = demo_between(&j->state, 6 * HOUR, 30 * HOUR);
  const char *diagnosis = demo_cell(&j->d->faults, c->fault, 2);
  char waiting[600];
  snprintf(waiting, sizeof waiting, "%s，配件在途", diagnosis);
  enum sh_status rc = late ? go_on_site(j, c->at + slow, c->at + 1800, j->d->now, err)
                           : go_on_site(j, c->at + in_time, c->at + 1800, c->at + 23 * HOUR, err);
  if (rc == SH_OK)
    rc = record(j, late ? waiting : diagnosis, NULL, NULL, err);
  if (rc == SH_OK && !late)
    rc = fit_part(j, err);
  if (rc == SH_OK && late && c->nth == 0)
    rc = promise(j, 20, "配件到货后回复客户上门更换时间", err);
  return rc;
}

/* A spare unit of the same model keeps the system running (C2); the repaired unit comes
 * back later for some. */
static enum sh_status substitute(struct job *j, struct sh_error *err) {
  const struct call *c = j->call;
  int64_t spare = demo_between(&j->state, 100000, 999999), days = demo_between(&j->state, 2, 4);
  char serial[32], diagnosis[600];
  snprintf(serial, sizeof serial, "BP%lld", (long long)spare);
  snprintf(diagnosis, sizeof diagnosis, "%s，需返厂维修", demo_cell(&j->d->faults, c->fault, 2));
  int64_t lent = field_time(j, j->arrival + HOUR, j->arrival + 600, j->d->now);
  enum sh_status rc = record(j, diagnosis, "安装同型号备品，系统恢复运行", "备品运行正常", err);
  if (rc == SH_OK) {
    json_t *b = json_pack("{s:s, s:s, s:o, s:s}", "spare_serial", serial, "spare_model",
                          text_of(j, "model"), "lent_at", iso(j, lent), "note", "原设备返厂维修");
    rc = act(j, &j->d->technician, TICKET_LOAN, b, false, err);
  }
  json_t *loans = json_object_get(j->ticket, "loans");
  json_int_t loan = json_integer_value(json_object_get(json_array_get(loans, 0), "id"));
  int64_t back = office_time(j->d, lent + days * DAY, lent + DAY, j->d->now - HOUR);
  if (rc == SH_OK && c->nth < 2 && back < j->d->now - HOUR) {
    json_t *b = json_pack("{s:I, s:o}", "loan_id", loan, "returned_at", iso(j, back));
    rc = act(j, &j->d->technician, TICKET_LOAN_RETURN, b, false, err);
  }
  if (rc == SH_OK)
    rc = close_as(j, "substituted", err);
  if (rc == SH_OK && c->nth == 0)
    rc = receipt(j, err);
  return rc;
}

/* Cleared, and for most confirmed and closed with their outcome (C7). */
static enum sh_status work_done(struct job *j, struct sh_error *err) {
  const struct call *c = j->call;
  int64_t age = j->d->now - c->at;
  int64_t in_time =
      demo_between(&j->state, 2 * HOUR, age - 5 * HOUR < 20 * HOUR ? age - 5 * HOUR : 20 * HOUR);
  int64_t slow = demo_between(&j->state, 25 * HOUR, 30 * HOUR);
  int64_t fixing = demo_between(&j->state, 40 * 60, 4 * HOUR);
  bool late = c->ending == END_REPAIRED && c->nth % 5 == 4; /* arrived after 24 h */
  enum sh_status rc = late ? go_on_site(j, c->at + slow, c->at + DAY + 1800, j->d->now, err)
                           : go_on_site(j, c->at + in_time, c->at + 1800, c->at + 23 * HOUR, err);
  if (rc == SH_OK && c->ending == END_SUBSTITUTED)
    return substitute(j, err);
  const char *diagnosis = demo_cell(&j->d->faults, c->fault, 2);
  const char *work = demo_cell(&j->d->faults, c->fault, 3);
  if (c->ending == END_NO_FAULT) {
    diagnosis = "现场检查设备运行正常，系使用人员操作不当";
    work = "现场演示正确操作方法并培训值班人员";
  }
  if (rc == SH_OK)
    rc = record(j, diagnosis, work, "系统运行测试正常，客户确认", err);
  if (rc == SH_OK && c->ending != END_NO_FAULT)
    rc = fit_part(j, err);
  if (rc == SH_OK && c->ending == END_REPAIRED && c->nth == 0)
    rc = promise(j, 4, "回复客户维修费用明细", err);
  if (rc == SH_OK && c->ending == END_REPAIRED && c->nth == 0)
    rc = act(j, &j->d->agent, TICKET_PROMISE_KEPT, json_pack("{s:i}", "seq", 1), false, err);
  if (rc == SH_OK)
    rc = clear(j, field_time(j, j->arrival + fixing, j->arrival + 1200, j->d->now), err);
  if (rc == SH_OK && c->ending == END_REPAIRED && c->nth % 2 == 0)
    rc = receipt(j, err);
  if (rc == SH_OK && c->ending != END_CLEARED)
    rc = close_as(j, c->ending == END_NO_FAULT ? "no_fault" : "repaired", err);
  return rc;
}

static void count_ticket(struct demo *d, const json_t *t) {
  const char *status = json_string_value(json_object_get(t, "status"));
  struct demo_service_result *o = d->out;
  static const char *const names[] = {"new",     "assigned", "on_site",
                                      "cleared", "closed",   "cancelled"};
  size_t *counters[] = {&o->tickets_new,     &o->tickets_assigned, &o->tickets_on_site,
                        &o->tickets_cleared, &o->tickets_closed,   &o->tickets_cancelled};
  for (size_t i = 0; status && i < 6; i++)
    if (strcmp(status, names[i]) == 0)
      (*counters[i])++;
  o->tickets++;
  if (!status || strcmp(status, "closed") == 0 || strcmp(status, "cancelled") == 0)
    return;
  const json_t *deadlines = json_object_get(t, "deadlines"), *dl;
  size_t i;
  bool breached = false;
  json_array_foreach(deadlines, i, dl) {
    const char *state = json_string_value(json_object_get(dl, "state"));
    breached = breached || (state && strcmp(state, "breached") == 0);
  }
  o->tickets_breached += breached;
}

static enum sh_status work_ticket(struct demo *d, const struct call *c, struct sh_error *err) {
  struct job j = {.d = d, .call = c, .state = c->seed};
  enum sh_status rc = register_call(&j, err);
  if (rc == SH_OK) {
    switch (c->ending) {
    case END_NEW:
    case END_NEW_LATE:
      rc = work_new(&j, err);
      break;
    case END_ASSIGNED:
    case END_ASSIGNED_LATE:
      rc = work_assigned(&j, err);
      break;
    case END_ON_SITE:
    case END_ON_SITE_LATE:
      rc = work_on_site(&j, err);
      break;
    case END_CANCELLED:
      rc = act(&j, &d->agent, TICKET_CANCEL,
               json_pack("{s:s}", "reason", "客户来电告知故障已自行排除，撤销报修"), true, err);
      break;
    default:
      rc = work_done(&j, err);
      break;
    }
  }
  if (rc == SH_OK)
    count_ticket(d, j.ticket);
  json_decref(j.ticket);
  return rc;
}

enum sh_status demo_tickets(struct demo *d, uint64_t *state, struct sh_error *err) {
  struct call *calls = NULL;
  size_t n = 0;
  enum sh_status rc = plan_calls(d, state, &calls, &n, err);
  for (size_t i = 0; rc == SH_OK && i < n; i++)
    rc = work_ticket(d, &calls[i], err);
  free(calls);
  return rc;
}
