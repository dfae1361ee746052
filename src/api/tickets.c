/* tickets.c — the /api/v1/tickets endpoints (SPEC C1-C7): intake, list, detail, timeline,
 * one endpoint per workflow action, the dispatch board, a unit's service history, the
 * receipt search and the service report PDF. Bodies are decoded by the domain's field
 * tables; this file owns the query strings, status codes and the wire. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/timefmt.h"
#include "../domain/ticket.h"
#include "../rules/region.h"
#include "handlers.h"
#include "list.h"

static bool path_id(struct api_request *req, struct api_response *resp, int i, int64_t *id) {
  if (api_path_id(req, i, id))
    return true;
  api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
  return false;
}

/* The request body as a JSON object, or an error answered. */
static json_t *body_object(struct api_request *req, struct api_response *resp) {
  json_t *root = NULL;
  struct sh_error err;
  if (jsonx_parse(req->body, req->body_len, &root, &err) != SH_OK) {
    api_error(req, resp, &err);
    return NULL;
  }
  return root;
}

struct intake_body {
  int64_t customer_id, equipment_id, called_at;
  char *channel, *fault, *contact_name, *contact_phone, *site_address;
};

#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct intake_body, name) }
static const struct jfield intake_fields[] = {
    F(customer_id, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
    F(equipment_id, JF_INT, JF_NULLABLE, 1, INT64_MAX / 2),
    F(called_at, JF_TIME, JF_NULLABLE, 0, 0),
    F(channel, JF_STRING, JF_NULLABLE, 1, 32),
    F(fault, JF_STRING, JF_REQUIRED | JF_MULTILINE, 1, 2000),
    F(contact_name, JF_STRING, JF_NULLABLE, 0, 50),
    F(contact_phone, JF_STRING, JF_NULLABLE, 0, 40),
    F(site_address, JF_STRING, JF_NULLABLE, 0, 200),
};
#undef F
#define NINTAKE (sizeof intake_fields / sizeof intake_fields[0])

void api_ticket_create(struct api_request *req, struct api_response *resp) {
  if (!api_query_check(req, resp, NULL))
    return;
  json_t *root = body_object(req, resp), *out = NULL;
  if (!root)
    return;
  struct intake_body b = {0};
  struct sh_error err;
  bool replayed = false;
  enum sh_status rc = jsonx_decode(root, intake_fields, NINTAKE, &b, NULL, NULL, &err);
  if (rc == SH_OK) {
    struct ticket_intake in = {.customer_id = b.customer_id,
                               .equipment_id = b.equipment_id,
                               .channel = b.channel,
                               .fault = b.fault,
                               .contact_name = b.contact_name,
                               .contact_phone = b.contact_phone,
                               .site_address = b.site_address,
                               .called_at = b.called_at};
    rc = ticket_create(req->app, &req->actor, &in, req->idempotency_key, &out, &replayed, &err);
  }
  if (rc == SH_OK)
    api_reply(resp, replayed ? 200 : 201, out);
  else
    api_error(req, resp, &err);
  jsonx_free(intake_fields, NINTAKE, &b);
  json_decref(root);
}

void api_ticket_get(struct api_request *req, struct api_response *resp) {
  int64_t id;
  json_t *out = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, 0, &id))
    return;
  if (ticket_get(req->app, &req->actor, id, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
}

void api_ticket_timeline(struct api_request *req, struct api_response *resp) {
  int64_t id;
  json_t *out = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, 0, &id))
    return;
  if (ticket_timeline(req->app, &req->actor, id, &out, &err) == SH_OK)
    api_reply(resp, 200, json_pack("{s:o}", "items", out));
  else
    api_error(req, resp, &err);
}

/* A cursor page was fetched one row longer than it shows: that row says there is a next
 * page. Drops it and answers the cursor after the last row shown (by id), or NULL. */
static char *next_cursor(const struct list_params *lp, json_t *items, bool descending) {
  if (!lp->keyset || json_array_size(items) <= (size_t)lp->page_size)
    return NULL;
  json_array_remove(items, json_array_size(items) - 1);
  json_t *last = json_array_get(items, json_array_size(items) - 1);
  int64_t id = json_integer_value(json_object_get(last, "id"));
  return api_cursor_encode("id", descending, json_integer(id), id);
}

/* The list's filters from the query; false with resp filled on a bad one. Shared with the
 * export (exports_work.c; handlers.h). */
bool api_ticket_list_filter(struct api_request *req, struct api_response *resp,
                            struct ticket_filter *f, char prefix[8], char **folded) {
  static const char *const statuses[] = {"open",    "new",    "assigned",  "on_site",
                                         "cleared", "closed", "cancelled", NULL};
  const char *v;
  *folded = NULL;
  if ((v = api_query(req, "status"))) {
    bool found = false;
    for (int i = 0; statuses[i]; i++)
      found = found || strcmp(v, statuses[i]) == 0;
    if (!found) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "status");
      return false;
    }
    f->status = v;
  }
  if ((v = api_query(req, "region"))) {
    if (!region_code_valid(v)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "region");
      return false;
    }
    region_prefix(v, prefix);
    f->region_prefix = prefix;
  }
  struct {
    const char *key;
    int64_t *target, min;
  } ids[] = {{"technician_id", &f->technician_id, -1},
             {"owner_id", &f->owner_id, 1},
             {"customer_id", &f->customer_id, 1},
             {"equipment_id", &f->equipment_id, 1}};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    if ((v = api_query(req, ids[i].key)) &&
        !api_parse_int(v, ids[i].min, INT64_MAX / 2, ids[i].target)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", ids[i].key);
      return false;
    }
  if ((v = api_query(req, "mine"))) {
    /* "My tickets": the ones I own or handle at the desk, or that I work as technician. */
    if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "mine");
      return false;
    }
    if (strcmp(v, "true") == 0 && req->actor.role == ROLE_TECHNICIAN)
      f->technician_id = req->actor.user_id;
    else if (strcmp(v, "true") == 0)
      f->mine_user_id = req->actor.user_id;
  }
  int64_t within = 0;
  if ((v = api_query(req, "due_within_minutes"))) {
    if (!api_parse_int(v, 0, 525600, &within)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "due_within_minutes");
      return false;
    }
    f->due_before = time_now() + within * 60;
  }
  /* The day the customer called, in the company's days: from D to E counts E whole. */
  int tz = req->app->tz_offset_minutes;
  if ((v = api_query(req, "called_from")) && !api_day_start(v, 0, tz, &f->called_from)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "called_from");
    return false;
  }
  if ((v = api_query(req, "called_to")) && !api_day_start(v, 1, tz, &f->called_to)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "called_to");
    return false;
  }
  if (!api_query_folded(req, resp, folded))
    return false;
  f->q = *folded;
  return true;
}

void api_ticket_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {
      "q",        "status",      "region",       "technician_id",
      "owner_id", "customer_id", "equipment_id", "due_within_minutes",
      "mine",     "called_from", "called_to",    NULL};
  static const char *const sort_keys[] = {"id", NULL};
  struct list_params lp;
  if (!api_list_params(req, resp, allowed, sort_keys, 0, true, &lp))
    return;
  struct ticket_filter f = {.descending = lp.descending,
                            .limit = lp.keyset ? lp.page_size + 1 : lp.page_size,
                            .offset = lp.keyset ? 0 : (lp.page - 1) * lp.page_size};
  if (lp.cursor)
    f.after_id = json_integer_value(json_object_get(lp.cursor, "i"));
  struct sh_error err;
  char prefix[8] = "";
  char *folded = NULL;
  bool ok = api_ticket_list_filter(req, resp, &f, prefix, &folded);
  json_t *items = NULL;
  int64_t total = 0;
  char *next = NULL;
  if (ok && ticket_list(req->app, &req->actor, &f, &items, &total, &err) != SH_OK) {
    api_error(req, resp, &err);
    ok = false;
  }
  if (ok) {
    next = next_cursor(&lp, items, f.descending);
    /* Past the cap the count is a lower bound: "共 10000+ 条". */
    bool more = total > STORE_TICKET_COUNT_CAP;
    json_t *body = api_list_body(items, more ? STORE_TICKET_COUNT_CAP : total, next);
    json_object_set_new(body, "total_is_lower_bound", json_boolean(more));
    api_reply(resp, 200, body);
  }
  free(next);
  free(folded);
  api_list_params_free(&lp);
}

/* One handler per action: POST /api/v1/tickets/{id}/<action>. */
static void act(struct api_request *req, struct api_response *resp, enum ticket_action action) {
  int64_t id;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, 0, &id))
    return;
  json_t *root = body_object(req, resp), *out = NULL;
  if (!root)
    return;
  struct sh_error err;
  if (ticket_act(req->app, &req->actor, id, action, root, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
  json_decref(root);
}

#define ACTION_HANDLER(fn, action)                                                                 \
  void fn(struct api_request *req, struct api_response *resp) {                                    \
    act(req, resp, action);                                                                        \
  }
ACTION_HANDLER(api_ticket_assign, TICKET_ASSIGN)
ACTION_HANDLER(api_ticket_handover, TICKET_HANDOVER)
ACTION_HANDLER(api_ticket_arrive, TICKET_ARRIVE)
ACTION_HANDLER(api_ticket_record, TICKET_RECORD)
ACTION_HANDLER(api_ticket_clear, TICKET_CLEAR)
ACTION_HANDLER(api_ticket_close, TICKET_CLOSE)
ACTION_HANDLER(api_ticket_cancel, TICKET_CANCEL)
ACTION_HANDLER(api_ticket_unit, TICKET_UNIT)
ACTION_HANDLER(api_ticket_appointment, TICKET_APPOINTMENT)
ACTION_HANDLER(api_ticket_delay, TICKET_DELAY)
ACTION_HANDLER(api_ticket_part, TICKET_PART)
ACTION_HANDLER(api_ticket_loan, TICKET_LOAN)
ACTION_HANDLER(api_ticket_loan_return, TICKET_LOAN_RETURN)
ACTION_HANDLER(api_ticket_promise, TICKET_PROMISE)
ACTION_HANDLER(api_ticket_promise_kept, TICKET_PROMISE_KEPT)
ACTION_HANDLER(api_ticket_receipt, TICKET_RECEIPT)
ACTION_HANDLER(api_ticket_sign, TICKET_SIGN)
ACTION_HANDLER(api_ticket_escalate, TICKET_ESCALATE)

void api_dispatch_technicians(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"region", NULL};
  if (!api_query_check(req, resp, allowed))
    return;
  const char *region = api_query(req, "region");
  if (region && !region_code_valid(region)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "region");
    return;
  }
  json_t *out = NULL;
  struct sh_error err;
  if (ticket_technicians(req->app, &req->actor, region, &out, &err) == SH_OK)
    api_reply(resp, 200, json_pack("{s:o}", "items", out));
  else
    api_error(req, resp, &err);
}

void api_equipment_history(struct api_request *req, struct api_response *resp) {
  int64_t id;
  json_t *out = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, 0, &id))
    return;
  if (ticket_unit_history(req->app, &req->actor, id, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
}

void api_receipt_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"q", NULL};
  static const char *const sort_keys[] = {"id", NULL};
  struct list_params lp;
  if (!api_list_params(req, resp, allowed, sort_keys, 0, true, &lp))
    return;
  json_t *items = NULL;
  int64_t total = 0;
  struct sh_error err;
  int64_t before = lp.cursor ? json_integer_value(json_object_get(lp.cursor, "i")) : 0;
  char *next = NULL;
  if (ticket_receipts(req->app, &req->actor, api_query(req, "q"), before,
                      lp.keyset ? lp.page_size + 1 : lp.page_size,
                      lp.keyset ? 0 : (lp.page - 1) * lp.page_size, &items, &total,
                      &err) != SH_OK) {
    api_error(req, resp, &err);
    api_list_params_free(&lp);
    return;
  }
  next = next_cursor(&lp, items, true);
  api_reply(resp, 200, api_list_body(items, total, next));
  free(next);
  api_list_params_free(&lp);
}

void api_ticket_report(struct api_request *req, struct api_response *resp) {
  int64_t id;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, 0, &id))
    return;
  unsigned char *pdf = NULL;
  size_t len = 0;
  char name[64];
  if (ticket_report_pdf(req->app, &req->actor, id, &pdf, &len, name, sizeof name, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  resp->status = 200;
  resp->raw = (char *)pdf;
  resp->raw_len = len;
  resp->content_type = "application/pdf";
  /* 服务报告_<number>.pdf, the ASCII name for old clients. */
  snprintf(resp->disposition, sizeof resp->disposition,
           "inline; filename=\"service-report-%s.pdf\"; "
           "filename*=UTF-8''%%E6%%9C%%8D%%E5%%8A%%A1%%E6%%8A%%A5%%E5%%91%%8A_%s.pdf",
           name, name);
}
