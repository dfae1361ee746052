/* visits.c — the /api/v1/visits endpoints (SPEC D1-D3): the list and one visit, the planner's
 * button, the engineering manager's actions (move, leader, cancel), the desk's call list and
 * calls, the visit report and its files. Bodies are decoded by the domain's field tables;
 * this file owns the query strings, status codes and the wire. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/multipart.h"
#include "../base/timefmt.h"
#include "../domain/visit.h"
#include "../rules/region.h"
#include "handlers.h"
#include "list.h"

static bool path_id(struct api_request *req, struct api_response *resp, int64_t *id) {
  if (api_path_id(req, 0, id))
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

static bool one_of(const char *v, const char *const *choices) {
  for (int i = 0; choices[i]; i++)
    if (strcmp(v, choices[i]) == 0)
      return true;
  return false;
}

static const char *const sort_keys[] = {"planned_date", "due_date", "id", NULL};

/* A page fetched one row longer for a cursor: that row says there is a next page. */
static char *next_cursor(const struct list_params *lp, json_t *items) {
  if (!lp->keyset || json_array_size(items) <= (size_t)lp->page_size)
    return NULL;
  json_array_remove(items, json_array_size(items) - 1);
  json_t *last = json_array_get(items, json_array_size(items) - 1);
  int64_t id = json_integer_value(json_object_get(last, "id"));
  json_t *value = lp->sort == VISIT_SORT_ID
                      ? json_integer(id)
                      : json_incref(json_object_get(last, sort_keys[lp->sort]));
  return api_cursor_encode(sort_keys[lp->sort], lp->descending, value, id);
}

/* The list's filters from the query; false with resp filled on a bad one. Shared with the
 * export (exports_work.c; handlers.h). */
bool api_visit_list_filter(struct api_request *req, struct api_response *resp,
                           struct visit_filter *f, char prefix[8]) {
  static const char *const kinds[] = {"planned", "followup", NULL};
  static const char *const statuses[] = {"open", "planned", "done", "partial", "cancelled", NULL};
  const char *v;
  if ((v = api_query(req, "kind")) && !one_of(v, kinds)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "kind");
    return false;
  }
  f->kind = v;
  if ((v = api_query(req, "status")) && !one_of(v, statuses)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "status");
    return false;
  }
  f->status = v && strcmp(v, "open") == 0 ? "planned" : v;
  struct {
    const char *key;
    int64_t *target;
  } ids[] = {{"project_id", &f->project_id},
             {"ticket_id", &f->ticket_id},
             {"leader_id", &f->leader_id},
             {"customer_id", &f->customer_id}};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
    if ((v = api_query(req, ids[i].key)) && !api_parse_int(v, 1, INT64_MAX / 2, ids[i].target)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", ids[i].key);
      return false;
    }
  if ((v = api_query(req, "region"))) {
    if (!region_code_valid(v)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "region");
      return false;
    }
    region_prefix(v, prefix);
    f->region_prefix = prefix;
  }
  const char *dates[] = {"due_from", "due_to"};
  const char **targets[] = {&f->due_from, &f->due_to};
  for (int i = 0; i < 2; i++)
    if ((v = api_query(req, dates[i]))) {
      if (!date_valid(v)) {
        api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", dates[i]);
        return false;
      }
      *targets[i] = v;
    }
  if ((v = api_query(req, "overdue"))) {
    if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "overdue");
      return false;
    }
    /* A marker: the domain puts today there. */
    f->overdue_before = strcmp(v, "true") == 0 ? "" : NULL;
  }
  return true;
}

void api_visit_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"kind",      "status",      "project_id", "ticket_id",
                                        "leader_id", "customer_id", "region",     "due_from",
                                        "due_to",    "overdue",     NULL};
  struct list_params lp;
  if (!api_list_params(req, resp, allowed, sort_keys, VISIT_SORT_PLANNED, false, &lp))
    return;
  struct visit_filter f = {.sort = (enum visit_sort)lp.sort,
                           .descending = lp.descending,
                           .limit = lp.keyset ? lp.page_size + 1 : lp.page_size,
                           .offset = lp.keyset ? 0 : (lp.page - 1) * lp.page_size};
  if (lp.cursor) {
    json_t *value = json_object_get(lp.cursor, "v");
    f.after_id = json_integer_value(json_object_get(lp.cursor, "i"));
    f.after_text = json_string_value(value);
    if (lp.sort != VISIT_SORT_ID && (!f.after_text || !date_valid(f.after_text))) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_cursor", "cursor");
      api_list_params_free(&lp);
      return;
    }
  }
  char prefix[8] = "";
  json_t *items = NULL;
  int64_t total = 0;
  struct sh_error err;
  if (api_visit_list_filter(req, resp, &f, prefix)) {
    if (visit_list(req->app, &req->actor, &f, &items, &total, &err) == SH_OK) {
      char *next = next_cursor(&lp, items);
      bool more = total > STORE_VISIT_COUNT_CAP;
      json_t *body = api_list_body(items, more ? STORE_VISIT_COUNT_CAP : total, next);
      json_object_set_new(body, "total_is_lower_bound", json_boolean(more));
      api_reply(resp, 200, body);
      free(next);
    } else {
      api_error(req, resp, &err);
    }
  }
  api_list_params_free(&lp);
}

void api_visit_get(struct api_request *req, struct api_response *resp) {
  int64_t id;
  json_t *out = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id))
    return;
  if (visit_get(req->app, &req->actor, id, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
}

struct plan_body {
  int64_t project_id, after_id;
};

/* The button's share of a pass over every project: what a request may spend before it
 * answers with where to go on (the jobs thread's steps are 5 s). */
#define PLAN_REQUEST_SECONDS 10

void api_visit_plan(struct api_request *req, struct api_response *resp) {
  static const struct jfield fields[] = {
      {"project_id", JF_INT, JF_NULLABLE, 1, INT64_MAX / 2, offsetof(struct plan_body, project_id)},
      {"after_id", JF_INT, JF_NULLABLE, 0, INT64_MAX / 2, offsetof(struct plan_body, after_id)},
  };
  if (!api_query_check(req, resp, NULL))
    return;
  /* The button may send no body at all: a pass over every project. */
  json_t *root = req->body_len ? body_object(req, resp) : json_object();
  if (!root)
    return;
  struct plan_body b = {0};
  struct visit_plan_cursor c = {0};
  struct sh_error err;
  enum sh_status rc = jsonx_decode(root, fields, 2, &b, NULL, NULL, &err);
  if (rc == SH_OK && b.project_id && b.after_id)
    rc = sh_fail(&err, SH_ERR_INVALID, "invalid_choice", "after_id", "project_id or after_id");
  /* One project: at once. Every project: in steps — a re-plan of 100 000 projects takes
   * minutes, so a request plans for PLAN_REQUEST_SECONDS and answers complete: false with
   * next_after_id; the button asks again with it until complete (the counts are the
   * step's). */
  if (rc == SH_OK && b.project_id) {
    rc = visit_plan_pass(req->app, &req->actor, b.project_id, time_now(), &c.stats, &err);
    c.finished = true;
  } else if (rc == SH_OK) {
    c.after_id = b.after_id;
    rc = visit_plan_resume(req->app, &req->actor, time_now(), &c, PLAN_REQUEST_SECONDS, &err);
  }
  const struct visit_plan_stats *s = &c.stats;
  json_t *out =
      rc == SH_OK ? json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:b}", "projects",
                              (json_int_t)s->projects, "changed", (json_int_t)s->changed, "planned",
                              (json_int_t)s->planned, "redated", (json_int_t)s->redated, "reopened",
                              (json_int_t)s->reopened, "cancelled", (json_int_t)s->cancelled,
                              "invalid", (json_int_t)s->invalid, "complete", c.finished)
                  : NULL;
  if (out && !c.finished)
    jsonx_set_int(out, "next_after_id", c.after_id);
  if (out)
    api_reply(resp, 200, out);
  else if (rc == SH_OK)
    api_fail(req, resp, SH_ERR_INTERNAL, "out_of_memory", NULL);
  else
    api_error(req, resp, &err);
  json_decref(root);
}

/* One handler per change: POST /api/v1/visits/{id}/<action>. */
enum change { CHANGE_MOVE, CHANGE_LEADER, CHANGE_CANCEL, CHANGE_REPORT, CHANGE_CALL };

static void change(struct api_request *req, struct api_response *resp, enum change which) {
  int64_t id;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id))
    return;
  json_t *root = body_object(req, resp), *out = NULL;
  if (!root)
    return;
  struct sh_error err;
  enum sh_status rc;
  switch (which) {
  case CHANGE_REPORT:
    rc = visit_report(req->app, &req->actor, id, root, &out, &err);
    break;
  case CHANGE_CALL:
    rc = visit_call_add(req->app, &req->actor, id, root, &out, &err);
    break;
  case CHANGE_MOVE:
    rc = visit_manage(req->app, &req->actor, id, VISIT_MOVE, root, &out, &err);
    break;
  case CHANGE_LEADER:
    rc = visit_manage(req->app, &req->actor, id, VISIT_LEADER, root, &out, &err);
    break;
  default:
    rc = visit_manage(req->app, &req->actor, id, VISIT_CANCEL, root, &out, &err);
    break;
  }
  if (rc == SH_OK)
    api_reply(resp, which == CHANGE_CALL ? 201 : 200, out);
  else
    api_error(req, resp, &err);
  json_decref(root);
}

void api_visit_move(struct api_request *req, struct api_response *resp) {
  change(req, resp, CHANGE_MOVE);
}
void api_visit_leader(struct api_request *req, struct api_response *resp) {
  change(req, resp, CHANGE_LEADER);
}
void api_visit_cancel(struct api_request *req, struct api_response *resp) {
  change(req, resp, CHANGE_CANCEL);
}
void api_visit_report(struct api_request *req, struct api_response *resp) {
  change(req, resp, CHANGE_REPORT);
}
void api_visit_call(struct api_request *req, struct api_response *resp) {
  change(req, resp, CHANGE_CALL);
}

void api_visit_calls(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"all", NULL};
  if (!api_query_check(req, resp, allowed))
    return;
  const char *all = api_query(req, "all");
  if (all && strcmp(all, "true") != 0 && strcmp(all, "false") != 0) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "all");
    return;
  }
  json_t *out = NULL;
  struct sh_error err;
  if (visit_call_list(req->app, &req->actor, all && strcmp(all, "true") == 0, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
}

void api_visit_attachment_upload(struct api_request *req, struct api_response *resp) {
  int64_t id;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id))
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
  if (attachment_add_to(req->app, &req->actor, &visit_attachment_owner, id, kind ? kind_text : NULL,
                        file->filename, file->content_type, file->data, file->len, &out,
                        &err) == SH_OK)
    api_reply(resp, 201, out);
  else
    api_error(req, resp, &err);
}
