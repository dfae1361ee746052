/* complaints.c — the /api/v1/complaints endpoints (SPEC E1-E4): registration, the list
 * and the detail, the steps of the procedure (notices, answers, callback, archive), the
 * notice and form PDFs, document uploads, and the category tree. Bodies are decoded here
 * (registration) or by the domain's field tables (the steps); this file owns the query
 * strings, the status codes and the wire. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/multipart.h"
#include "../base/timefmt.h"
#include "../domain/complaint.h"
#include "handlers.h"
#include "list.h"

static bool path_id(struct api_request *req, struct api_response *resp, int i, int64_t *id) {
  if (api_path_id(req, i, id))
    return true;
  api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
  return false;
}

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
  int64_t customer_id, received_at, ticket_id, equipment_id, visit_id;
  char *channel, *complainant, *phone, *occurred_on, *facts, *demand, *category, *severity;
};

#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct intake_body, name) }
static const struct jfield intake_fields[] = {
    F(customer_id, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
    F(channel, JF_STRING, JF_REQUIRED, 1, 32),
    F(complainant, JF_STRING, JF_NULLABLE, 0, 50),
    F(phone, JF_STRING, JF_NULLABLE, 0, 40),
    F(received_at, JF_TIME, JF_NULLABLE, 0, 0),
    F(occurred_on, JF_DATE, JF_NULLABLE, 0, 0),
    F(facts, JF_STRING, JF_REQUIRED | JF_MULTILINE, 1, 2000),
    F(demand, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 1000),
    F(category, JF_STRING, JF_REQUIRED, 1, 40),
    F(severity, JF_STRING, JF_REQUIRED, 1, 32),
    F(ticket_id, JF_INT, JF_NULLABLE, 1, INT64_MAX / 2),
    F(equipment_id, JF_INT, JF_NULLABLE, 1, INT64_MAX / 2),
    F(visit_id, JF_INT, JF_NULLABLE, 1, INT64_MAX / 2),
};
#undef F
#define NINTAKE (sizeof intake_fields / sizeof intake_fields[0])

void api_complaints_create(struct api_request *req, struct api_response *resp) {
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
    struct complaint_intake in = {.customer_id = b.customer_id,
                                  .channel = b.channel,
                                  .complainant = b.complainant,
                                  .phone = b.phone,
                                  .received_at = b.received_at,
                                  .occurred_on = b.occurred_on,
                                  .facts = b.facts,
                                  .demand = b.demand,
                                  .category = b.category,
                                  .severity = b.severity,
                                  .ticket_id = b.ticket_id,
                                  .equipment_id = b.equipment_id,
                                  .visit_id = b.visit_id};
    rc = complaint_create(req->app, &req->actor, &in, req->idempotency_key, &out, &replayed, &err);
  }
  if (rc == SH_OK)
    api_reply(resp, replayed ? 200 : 201, out);
  else
    api_error(req, resp, &err);
  jsonx_free(intake_fields, NINTAKE, &b);
  json_decref(root);
}

void api_complaints_get(struct api_request *req, struct api_response *resp) {
  int64_t id;
  json_t *out = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, 0, &id))
    return;
  if (complaint_get(req->app, &req->actor, id, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
}

/* A cursor page was fetched one row longer than it shows: drops that row and answers the
 * cursor after the last row shown, or NULL. */
static char *next_cursor(const struct list_params *lp, json_t *items, bool descending) {
  if (!lp->keyset || json_array_size(items) <= (size_t)lp->page_size)
    return NULL;
  json_array_remove(items, json_array_size(items) - 1);
  json_t *last = json_array_get(items, json_array_size(items) - 1);
  int64_t id = json_integer_value(json_object_get(last, "id"));
  return api_cursor_encode("id", descending, json_integer(id), id);
}

static bool one_of(const char *v, const char *const *choices) {
  for (size_t i = 0; choices[i]; i++)
    if (strcmp(v, choices[i]) == 0)
      return true;
  return false;
}

/* "true" 1, "false" 0; -1 when absent; false (and resp filled) when malformed. */
static bool bool_param(struct api_request *req, struct api_response *resp, const char *key,
                       int *out) {
  const char *v = api_query(req, key);
  *out = -1;
  if (!v)
    return true;
  if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", key);
    return false;
  }
  *out = strcmp(v, "true") == 0;
  return true;
}

/* The list's filters from the query; false with resp filled on a bad one. today receives
 * the company's date when overdue=true. Shared with the export (exports_work.c; handlers.h). */
bool api_complaint_list_filter(struct api_request *req, struct api_response *resp,
                               struct complaint_filter *f, char today[11], char **folded) {
  static const char *const statuses[] = {"registered",  "assigned", "answered",
                                         "called_back", "archived", NULL};
  static const char *const severities[] = {"minor", "major", "critical", NULL};
  int tz = req->app->tz_offset_minutes, overdue = -1;
  const char *v;
  *folded = NULL;
  const char *const keys[] = {"status", "severity"};
  const char *const *choices[] = {statuses, severities};
  const char **targets[] = {&f->status, &f->severity};
  for (int i = 0; i < 2; i++)
    if ((v = api_query(req, keys[i]))) {
      if (!one_of(v, choices[i])) {
        api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", keys[i]);
        return false;
      }
      *targets[i] = v;
    }
  if ((v = api_query(req, "category"))) {
    if (!*v || strlen(v) > 40) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "category");
      return false;
    }
    f->category = v;
  }
  if ((v = api_query(req, "customer_id")) && !api_parse_int(v, 1, INT64_MAX / 2, &f->customer_id)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "customer_id");
    return false;
  }
  if (!bool_param(req, resp, "repeat", &f->repeat) ||
      !bool_param(req, resp, "archived", &f->archived) ||
      !bool_param(req, resp, "overdue", &overdue))
    return false;
  /* IMP: SPEC E2 — the desk tracks progress: overdue = a notice unanswered past its due
   * date (the due day itself still counts as in time); only overdue=true filters. */
  if (overdue == 0) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "overdue");
    return false;
  }
  if (overdue == 1) {
    char now[TIME_ISO_LEN];
    time_format_iso(time_now(), tz, now);
    snprintf(today, 11, "%.10s", now);
    f->overdue_on = today;
  }
  if ((v = api_query(req, "received_from")) && !api_day_start(v, 0, tz, &f->received_from)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "received_from");
    return false;
  }
  if ((v = api_query(req, "received_to")) && !api_day_start(v, 1, tz, &f->received_to)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "received_to");
    return false;
  }
  if (!api_query_folded(req, resp, folded))
    return false;
  f->q = *folded;
  return true;
}

void api_complaints_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed_keys[] = {
      "q",       "status",   "category",      "severity",    "customer_id", "repeat",
      "overdue", "archived", "received_from", "received_to", NULL};
  static const char *const sort_keys[] = {"id", NULL};
  struct list_params lp;
  if (!api_list_params(req, resp, allowed_keys, sort_keys, 0, true, &lp))
    return;
  struct complaint_filter f = {.descending = lp.descending,
                               .limit = lp.keyset ? lp.page_size + 1 : lp.page_size,
                               .offset = lp.keyset ? 0 : (lp.page - 1) * lp.page_size};
  if (lp.cursor)
    f.after_id = json_integer_value(json_object_get(lp.cursor, "i"));
  char *folded = NULL, today[11] = "";
  bool ok = api_complaint_list_filter(req, resp, &f, today, &folded);
  json_t *items = NULL;
  int64_t total = 0;
  struct sh_error err;
  if (ok && complaint_list(req->app, &req->actor, &f, &items, &total, &err) != SH_OK) {
    api_error(req, resp, &err);
    ok = false;
  }
  if (ok) {
    char *next = next_cursor(&lp, items, f.descending);
    bool more = total > STORE_COMPLAINT_COUNT_CAP;
    json_t *body = api_list_body(items, more ? STORE_COMPLAINT_COUNT_CAP : total, next);
    json_object_set_new(body, "total_is_lower_bound", json_boolean(more));
    api_reply(resp, 200, body);
    free(next);
  }
  free(folded);
  api_list_params_free(&lp);
}

static void act(struct api_request *req, struct api_response *resp, enum complaint_action action) {
  int64_t id;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, 0, &id))
    return;
  json_t *root = body_object(req, resp), *out = NULL;
  if (!root)
    return;
  struct sh_error err;
  if (complaint_act(req->app, &req->actor, id, action, root, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
  json_decref(root);
}

void api_complaints_assign(struct api_request *req, struct api_response *resp) {
  act(req, resp, COMPLAINT_ASSIGN);
}

void api_complaints_callback(struct api_request *req, struct api_response *resp) {
  act(req, resp, COMPLAINT_CALLBACK);
}

void api_complaints_archive(struct api_request *req, struct api_response *resp) {
  act(req, resp, COMPLAINT_ARCHIVE);
}

void api_complaints_answer(struct api_request *req, struct api_response *resp) {
  int64_t id, aid;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, 0, &id) ||
      !path_id(req, resp, 1, &aid))
    return;
  json_t *root = body_object(req, resp), *out = NULL;
  if (!root)
    return;
  struct sh_error err;
  if (complaint_answer(req->app, &req->actor, id, aid, root, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
  json_decref(root);
}

/* Serves a PDF inline; the file name is <stem>-<number>.pdf, with the Chinese name in
 * filename* (RFC 5987). */
static void serve_pdf(struct api_response *resp, char *pdf, size_t len, const char *stem,
                      const char *encoded_zh, const char *number) {
  resp->status = 200;
  resp->raw = pdf;
  resp->raw_len = len;
  resp->content_type = "application/pdf";
  snprintf(resp->disposition, sizeof resp->disposition,
           "inline; filename=\"%s-%s.pdf\"; filename*=UTF-8''%s_%s.pdf", stem, number, encoded_zh,
           number);
}

void api_complaints_notice(struct api_request *req, struct api_response *resp) {
  int64_t id, aid;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, 0, &id) ||
      !path_id(req, resp, 1, &aid))
    return;
  char *pdf = NULL, name[64];
  size_t len = 0;
  struct sh_error err;
  if (complaint_notice_pdf(req->app, &req->actor, id, aid, &pdf, &len, name, sizeof name, &err) !=
      SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  /* 投诉处理通知单 */
  serve_pdf(resp, pdf, len, "complaint-notice",
            "%E6%8A%95%E8%AF%89%E5%A4%84%E7%90%86%E9%80%9A%E7%9F%A5%E5%8D%95", name);
}

void api_complaints_form(struct api_request *req, struct api_response *resp) {
  int64_t id;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, 0, &id))
    return;
  char *pdf = NULL, name[64];
  size_t len = 0;
  struct sh_error err;
  if (complaint_form_pdf(req->app, &req->actor, id, &pdf, &len, name, sizeof name, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  /* 投诉处理单 */
  serve_pdf(resp, pdf, len, "complaint-form", "%E6%8A%95%E8%AF%89%E5%A4%84%E7%90%86%E5%8D%95",
            name);
}

void api_complaints_attachment_upload(struct api_request *req, struct api_response *resp) {
  int64_t id;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, 0, &id))
    return;
  struct multipart_form form;
  struct sh_error err;
  if (multipart_parse(req->content_type, req->body, req->body_len, &form, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  const struct multipart_part *file = multipart_find(&form, "file");
  const struct multipart_part *kind = multipart_find(&form, "kind");
  if (!file || !file->has_filename) {
    api_fail(req, resp, SH_ERR_INVALID, "field_required", "file");
    return;
  }
  char kind_text[16] = "";
  if (kind && kind->len < sizeof kind_text) {
    memcpy(kind_text, kind->data, kind->len);
    kind_text[kind->len] = '\0';
  } else if (kind) {
    api_fail(req, resp, SH_ERR_INVALID, "invalid_choice", "kind");
    return;
  }
  json_t *out = NULL;
  if (attachment_add_to(req->app, &req->actor, &complaint_attachment_owner, id,
                        kind ? kind_text : NULL, file->filename, file->content_type, file->data,
                        file->len, &out, &err) == SH_OK)
    api_reply(resp, 201, out);
  else
    api_error(req, resp, &err);
}

void api_complaint_categories_list(struct api_request *req, struct api_response *resp) {
  json_t *out = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  if (complaint_categories_tree(req->app, &out, &err) == SH_OK)
    api_reply(resp, 200, json_pack("{s:o}", "items", out));
  else
    api_error(req, resp, &err);
}

void api_complaint_categories_create(struct api_request *req, struct api_response *resp) {
  if (!api_query_check(req, resp, NULL))
    return;
  json_t *root = body_object(req, resp), *out = NULL;
  if (!root)
    return;
  struct sh_error err;
  if (complaint_category_create(req->app, &req->actor, root, &out, &err) == SH_OK)
    api_reply(resp, 201, out);
  else
    api_error(req, resp, &err);
  json_decref(root);
}

void api_complaint_categories_update(struct api_request *req, struct api_response *resp) {
  if (!api_query_check(req, resp, NULL))
    return;
  /* The path's code, as the router matched it: a code is [a-z0-9_], so anything else is a
   * category that cannot exist. */
  const char *code = req->npath_params > 0 ? req->path_params[0] : NULL;
  if (!code || !*code || strlen(code) > 40 ||
      strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(code)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  json_t *root = body_object(req, resp), *out = NULL;
  if (!root)
    return;
  struct sh_error err;
  if (complaint_category_update(req->app, &req->actor, code, root, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
  json_decref(root);
}
