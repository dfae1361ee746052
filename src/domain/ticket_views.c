/* ticket_views.c — what people read about tickets besides the ticket itself: its records
 * and bill as JSON, the dispatch board (SPEC C3), a unit's service history and the receipt
 * search (C6). Read-only units. */
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../base/buf.h"
#include "../store/equipment.h"
#include "checks.h"
#include "settings.h"
#include "ticket_internal.h"

static json_t *part_json(const struct ticket_part *p) {
  json_t *o = json_object();
  jsonx_set_int(o, "id", p->id);
  jsonx_set_int(o, "ticket_id", p->ticket_id);
  jsonx_set_str(o, "name", p->name);
  jsonx_set_str(o, "part_no", p->part_no);
  jsonx_set_int(o, "quantity", p->quantity);
  jsonx_set_int(o, "unit_price_fen", p->unit_price_fen);
  jsonx_set_bool(o, "free", p->free);
  jsonx_set_int(o, "line_fen", p->line_fen);
  jsonx_set_str(o, "faulty_serial", p->faulty_serial);
  jsonx_set_str(o, "replacement_serial", p->replacement_serial);
  return o;
}

static json_t *loan_json(const struct spare_loan *l, int tz) {
  json_t *o = json_object();
  jsonx_set_int(o, "id", l->id);
  jsonx_set_int(o, "ticket_id", l->ticket_id);
  jsonx_set_str(o, "ticket_number", l->ticket_number);
  jsonx_set_str(o, "faulty_serial", l->faulty_serial);
  jsonx_set_str(o, "spare_serial", l->spare_serial);
  jsonx_set_str(o, "spare_model", l->spare_model);
  jsonx_set_time(o, "lent_at", l->lent_at, tz);
  jsonx_set_time(o, "returned_at", l->returned_at, tz);
  jsonx_set_bool(o, "open", l->returned_at == 0);
  jsonx_set_str(o, "note", l->note);
  return o;
}

static json_t *work_item_json(enum work_kind kind, const void *item, int tz) {
  json_t *o = NULL;
  switch (kind) {
  case WORK_PART:
    return part_json(item);
  case WORK_LOAN:
    return loan_json(item, tz);
  case WORK_APPOINTMENT: {
    const struct ticket_appointment *a = item;
    o = json_object();
    jsonx_set_int(o, "id", a->id);
    jsonx_set_int(o, "technician_id", a->technician_id);
    jsonx_set_time(o, "starts_at", a->starts_at, tz);
    jsonx_set_time(o, "ends_at", a->ends_at, tz);
    jsonx_set_time(o, "phoned_at", a->phoned_at, tz);
    jsonx_set_str(o, "agreed_with", a->agreed_with);
    jsonx_set_str(o, "status", a->status);
    jsonx_set_str(o, "note", a->note);
    return o;
  }
  case WORK_DELAY: {
    const struct ticket_delay *d = item;
    o = json_object();
    jsonx_set_int(o, "id", d->id);
    jsonx_set_str(o, "party", d->party);
    jsonx_set_time(o, "from", d->from_at, tz);
    jsonx_set_time(o, "to", d->to_at, tz);
    jsonx_set_int(o, "minutes", (d->to_at - d->from_at) / 60);
    jsonx_set_str(o, "reason", d->reason);
    jsonx_set_bool(o, "rescheduled", d->rescheduled);
    return o;
  }
  case WORK_RECEIPT: {
    const struct ticket_receipt *r = item;
    o = json_object();
    jsonx_set_int(o, "id", r->id);
    jsonx_set_int(o, "ticket_id", r->ticket_id);
    jsonx_set_str(o, "ticket_number", r->ticket_number);
    jsonx_set_str(o, "customer_name", r->customer_name);
    jsonx_set_str(o, "receipt_no", r->receipt_no);
    jsonx_set_str(o, "returned_on", r->returned_on);
    jsonx_set_str(o, "signed_by", r->signed_by);
    if (r->satisfied < 0)
      json_object_set_new(o, "satisfied", json_null());
    else
      jsonx_set_bool(o, "satisfied", r->satisfied == 1);
    jsonx_set_str(o, "note", r->note);
    jsonx_set_time(o, "created_at", r->created_at, tz);
    return o;
  }
  case WORK_ATTACHMENT: {
    const struct attachment_info *a = item;
    o = json_object();
    jsonx_set_int(o, "id", a->id);
    jsonx_set_str(o, "kind", a->kind);
    jsonx_set_str(o, "name", a->name);
    jsonx_set_str(o, "content_type", a->content_type);
    jsonx_set_int(o, "size", a->size);
    jsonx_set_str(o, "sha256", a->sha256);
    jsonx_set_time(o, "created_at", a->created_at, tz);
    return o;
  }
  default:
    return json_null();
  }
}

static const size_t item_size[WORK_KIND_COUNT] = {
    [WORK_PART] = sizeof(struct ticket_part),
    [WORK_LOAN] = sizeof(struct spare_loan),
    [WORK_APPOINTMENT] = sizeof(struct ticket_appointment),
    [WORK_DELAY] = sizeof(struct ticket_delay),
    [WORK_RECEIPT] = sizeof(struct ticket_receipt),
    [WORK_ATTACHMENT] = sizeof(struct attachment_info),
};
static const char *const item_key[WORK_KIND_COUNT] = {
    [WORK_PART] = "parts",   [WORK_LOAN] = "loans",      [WORK_APPOINTMENT] = "appointments",
    [WORK_DELAY] = "delays", [WORK_RECEIPT] = "receipt", [WORK_ATTACHMENT] = "attachments",
};

enum sh_status ticket_work_json(struct store_tx *tx, const struct ticket *t, int tz, bool internal,
                                json_t *obj, struct sh_error *err) {
  enum sh_status rc = SH_OK;
  int64_t parts_fen = 0, parts_list_fen = 0;
  for (int k = 0; rc == SH_OK && k < WORK_KIND_COUNT; k++) {
    void *list = NULL;
    size_t n = 0;
    rc = store_work_list(tx, (enum work_kind)k, t->id, &list, &n, err);
    if (rc != SH_OK)
      break;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
      const void *item = (const char *)list + i * item_size[k];
      if (k == WORK_PART) {
        const struct ticket_part *p = item;
        parts_fen += p->line_fen;
        parts_list_fen += p->quantity * p->unit_price_fen;
      }
      json_array_append_new(arr, work_item_json((enum work_kind)k, item, tz));
    }
    if (k == WORK_RECEIPT) {
      json_object_set(obj, item_key[k], n ? json_array_get(arr, 0) : json_null());
      json_decref(arr);
    } else {
      json_object_set_new(obj, item_key[k], arr);
    }
    work_list_free((enum work_kind)k, list, n);
  }
  if (rc != SH_OK)
    return rc;
  /* The bill (B3): parts at the list price unless free in warranty, plus labour. Vehicle
   * and consumables are the company's own costs: staff see them, the customer does not. */
  json_t *bill = json_object();
  jsonx_set_bool(bill, "parts_free", t->parts_free);
  jsonx_set_int(bill, "parts_list_fen", parts_list_fen);
  jsonx_set_int(bill, "parts_fen", parts_fen);
  jsonx_set_int(bill, "labour_fen", t->labour_fen);
  jsonx_set_int(bill, "total_fen", parts_fen + t->labour_fen);
  if (internal)
    jsonx_set_int(bill, "internal_cost_fen", t->vehicle_cost_fen + t->consumables_cost_fen);
  json_object_set_new(obj, "bill", bill);
  return SH_OK;
}

/* ---- the dispatch board -------------------------------------------------------------- */

struct board_arg {
  struct app *app;
  const struct actor *actor;
  const char *region;
  json_t *out;
};

static enum sh_status board_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct board_arg *a = arg;
  int64_t lead = 0;
  enum sh_status rc = settings_int(tx, "sla.warning_lead_minutes", &lead, err);
  if (rc == SH_OK && a->region)
    rc = check_region_granted(tx, a->actor, a->region, "region", err);
  struct technician_load *list = NULL;
  size_t n = 0;
  if (rc == SH_OK)
    rc = store_technician_loads(tx, a->actor->user_id, a->region, time_now() + lead * 60, &list, &n,
                                err);
  json_t *arr = rc == SH_OK ? json_array() : NULL;
  for (size_t i = 0; arr && i < n; i++) {
    json_t *o = json_object();
    jsonx_set_int(o, "user_id", list[i].user_id);
    jsonx_set_str(o, "username", list[i].username);
    jsonx_set_str(o, "display_name", list[i].display_name);
    jsonx_set_str(o, "phone", list[i].phone);
    jsonx_set_int(o, "open_tickets", list[i].open_tickets);
    jsonx_set_int(o, "at_risk", list[i].at_risk);
    json_array_append_new(arr, o);
  }
  technician_loads_free(list, n);
  if (rc == SH_OK)
    a->out = arr;
  return rc;
}

enum sh_status ticket_technicians(struct app *app, const struct actor *actor,
                                  const char *region_code, json_t **out, struct sh_error *err) {
  struct board_arg a = {.app = app, .actor = actor, .region = region_code};
  enum sh_status rc = store_read(app->store, board_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  return rc;
}

/* ---- a unit's service history -------------------------------------------------------- */

struct history_arg {
  struct app *app;
  const struct actor *actor;
  int64_t equipment_id;
  json_t *out;
};

static enum sh_status history_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct history_arg *a = arg;
  int tz = a->app->tz_offset_minutes;
  struct customer_scope cs = customer_scope_of(a->actor);
  struct equipment *e = NULL;
  enum sh_status rc = store_equipment_get(tx, a->equipment_id, &cs, &e, err);
  struct ticket_scope scope = ticket_scope_of(a->actor);
  struct ticket_filter f = {.equipment_id = a->equipment_id, .descending = true, .limit = 500};
  struct ticket **tickets = NULL;
  size_t nt = 0, np = 0, nl = 0;
  struct ticket_part *parts = NULL;
  struct spare_loan *loans = NULL;
  if (rc == SH_OK)
    rc = store_ticket_list(tx, &scope, &f, &tickets, &nt, NULL, err);
  if (rc == SH_OK)
    rc = store_unit_parts(tx, a->equipment_id, &parts, &np, err);
  if (rc == SH_OK)
    rc = store_unit_loans(tx, a->equipment_id, &loans, &nl, err);
  if (rc == SH_OK) {
    json_t *o = json_object(), *ta = json_array(), *pa = json_array(), *la = json_array();
    jsonx_set_int(o, "equipment_id", e->id);
    jsonx_set_str(o, "serial_no", e->serial_no);
    jsonx_set_str(o, "model", e->model);
    for (size_t i = 0; i < nt; i++) {
      json_t *t = json_object();
      jsonx_set_int(t, "id", tickets[i]->id);
      jsonx_set_str(t, "number", tickets[i]->number);
      jsonx_set_time(t, "called_at", tickets[i]->called_at, tz);
      jsonx_set_str(t, "status", tickets[i]->status);
      jsonx_set_str(t, "fault", tickets[i]->fault);
      jsonx_set_str(t, "outcome", tickets[i]->outcome);
      jsonx_set_str(t, "technician_name", tickets[i]->technician_name);
      json_array_append_new(ta, t);
    }
    for (size_t i = 0; i < np; i++)
      json_array_append_new(pa, part_json(&parts[i]));
    for (size_t i = 0; i < nl; i++)
      json_array_append_new(la, loan_json(&loans[i], tz));
    json_object_set_new(o, "tickets", ta);
    json_object_set_new(o, "parts", pa);
    json_object_set_new(o, "loans", la);
    a->out = o;
  }
  ticket_list_free(tickets, nt);
  work_list_free(WORK_PART, parts, np);
  work_list_free(WORK_LOAN, loans, nl);
  equipment_free(e);
  return rc;
}

enum sh_status ticket_unit_history(struct app *app, const struct actor *actor, int64_t equipment_id,
                                   json_t **out, struct sh_error *err) {
  struct history_arg a = {.app = app, .actor = actor, .equipment_id = equipment_id};
  enum sh_status rc = store_read(app->store, history_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  return rc;
}

/* ---- receipts ------------------------------------------------------------------------ */

struct receipts_arg {
  struct app *app;
  const struct actor *actor;
  const char *q;
  int64_t before_id, limit, offset, total;
  json_t *items;
};

static enum sh_status receipts_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct receipts_arg *a = arg;
  struct ticket_scope scope = ticket_scope_of(a->actor);
  struct buf folded;
  buf_init(&folded, 4096);
  enum sh_status rc = a->q ? utf8_fold(&folded, a->q) : SH_OK;
  struct ticket_receipt *list = NULL;
  size_t n = 0;
  if (rc == SH_OK)
    rc = store_receipt_search(tx, &scope, a->q ? folded.data : NULL, a->before_id, a->limit,
                              a->offset, &list, &n, &a->total, err);
  else
    rc = sh_fail(err, rc, "query_too_long", "q", NULL);
  buf_free(&folded);
  if (rc != SH_OK)
    return rc;
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(arr, work_item_json(WORK_RECEIPT, &list[i], a->app->tz_offset_minutes));
  work_list_free(WORK_RECEIPT, list, n);
  a->items = arr;
  return SH_OK;
}

enum sh_status ticket_receipts(struct app *app, const struct actor *actor, const char *q,
                               int64_t before_id, int64_t limit, int64_t offset, json_t **items,
                               int64_t *total, struct sh_error *err) {
  struct receipts_arg a = {
      .app = app, .actor = actor, .q = q, .before_id = before_id, .limit = limit, .offset = offset};
  enum sh_status rc = store_read(app->store, receipts_unit, &a, err);
  if (rc == SH_OK) {
    *items = a.items;
    *total = a.total;
  }
  return rc;
}
