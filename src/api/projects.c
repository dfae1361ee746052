/* projects.c — /api/v1/projects and /api/v1/warranty-cards: projects, the warranty card's
 * issue and its printable PDF over HTTP (SPEC B1, B4). Decodes bodies into struct project
 * (every error names its field), calls domain/project, encodes the result. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/jsonx.h"
#include "../base/limits.h"
#include "../base/mem.h"
#include "../base/utf8.h"
#include "../domain/project.h"
#include "../domain/reference.h"
#include "../export/pdf.h"
#include "download.h"
#include "handlers.h"
#include "list.h"

/* The body of POST and PATCH: fields 0..7 in the order of enum project_field, then
 * version (PATCH only). */
struct project_body {
  int64_t customer_id;
  char *name, *site_region_code, *site_address;
  int64_t project_manager_id;
  char *completion_date, *acceptance_date, *note;
  int64_t version;
};

#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct project_body, name) }
static const struct jfield project_fields[] = {
    F(customer_id, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
    F(name, JF_STRING, JF_REQUIRED, 1, 100),
    F(site_region_code, JF_STRING, JF_REQUIRED, 6, 6),
    F(site_address, JF_STRING, JF_NULLABLE, 0, 200),
    F(project_manager_id, JF_INT, JF_NULLABLE, 1, INT64_MAX / 2),
    F(completion_date, JF_DATE, JF_NULLABLE, 0, 0),
    F(acceptance_date, JF_DATE, JF_NULLABLE, 0, 0),
    F(note, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500),
    F(version, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
};
#undef F
#define NFIELDS (sizeof project_fields / sizeof *project_fields)
_Static_assert(NFIELDS == PROJECT_FIELD_COUNT + 1, "one body field per project field");

/* The body of POST /projects/{id}/warranty-card. */
struct issue_body {
  char *issued_on, *method;
  int64_t version;
};
#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct issue_body, name) }
static const struct jfield issue_fields[] = {
    F(issued_on, JF_DATE, JF_NULLABLE, 0, 0),
    F(method, JF_STRING, JF_REQUIRED, 1, 32),
    F(version, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
};
#undef F

/* Moves the decoded body into p (strings are taken, not copied). */
static void body_to_project(struct project_body *b, struct project *p) {
  p->customer_id = b->customer_id;
  p->name = b->name;
  p->site_region_code = b->site_region_code;
  p->site_address = b->site_address;
  p->project_manager_id = b->project_manager_id;
  p->completion_date = b->completion_date;
  p->acceptance_date = b->acceptance_date;
  p->note = b->note;
  b->name = b->site_region_code = b->site_address = b->completion_date = b->acceptance_date =
      b->note = NULL;
}

/* The members the body gave (the struct itself is on the caller's stack). */
static void project_clear(struct project *p) {
  free(p->name);
  free(p->site_region_code);
  free(p->site_address);
  free(p->completion_date);
  free(p->acceptance_date);
  free(p->note);
  memset(p, 0, sizeof *p);
}

static json_t *card_json(const struct project *p) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  jsonx_set_str(o, "status", p->card_status);
  jsonx_set_str(o, "due_on", p->card_due_on[0] ? p->card_due_on : NULL);
  jsonx_set_int(o, "days_late", p->card_days_late);
  jsonx_set_str(o, "number", p->card_number);
  jsonx_set_str(o, "issued_on", p->card_issued_on);
  jsonx_set_str(o, "method", p->card_issue_method);
  json_object_set_new(o, "issued_by",
                      p->card_issued_by ? json_integer(p->card_issued_by) : json_null());
  jsonx_set_str(o, "issued_by_name", p->card_issued_by_name);
  return o;
}

/* A project as the API shows it. */
static json_t *project_json(struct api_request *req, const struct project *p) {
  json_t *o = project_fields_json(p);
  if (!o)
    return NULL;
  int tz = req->app->tz_offset_minutes;
  jsonx_set_int(o, "id", p->id);
  jsonx_set_int(o, "version", p->version);
  jsonx_set_str(o, "customer_name", p->customer_name);
  jsonx_set_str(o, "site_region_name", p->site_region_name);
  jsonx_set_str(o, "project_manager_name", p->project_manager_name);
  json_object_set_new(o, "card", card_json(p));
  jsonx_set_time(o, "created_at", p->created_at, tz);
  jsonx_set_time(o, "updated_at", p->updated_at, tz);
  return o;
}

/* A row of the warranty-card list: the project seen from its card (SPEC B4). */
static json_t *card_row_json(const struct project *p) {
  json_t *o = card_json(p);
  if (!o)
    return NULL;
  jsonx_set_int(o, "project_id", p->id);
  jsonx_set_int(o, "version", p->version);
  jsonx_set_str(o, "project_name", p->name);
  jsonx_set_int(o, "customer_id", p->customer_id);
  jsonx_set_str(o, "customer_name", p->customer_name);
  jsonx_set_str(o, "completion_date", p->completion_date);
  jsonx_set_str(o, "acceptance_date", p->acceptance_date);
  jsonx_set_str(o, "project_manager_name", p->project_manager_name);
  return o;
}

/* Decodes a body by table; present gets the fields given (NULL: creation, the last field —
 * the version — left out and every required field needed). */
static bool decode(struct api_request *req, struct api_response *resp, const struct jfield *fields,
                   size_t nfields, void *target, uint64_t *present) {
  json_t *root = NULL;
  struct sh_error err;
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  if (rc == SH_OK) {
    rc = jsonx_decode(root, fields, present ? nfields : nfields - 1, target, present, NULL, &err);
    if (rc == SH_OK && present && !(*present & ((uint64_t)1 << (nfields - 1)))) {
      rc = sh_fail(&err, SH_ERR_INVALID, "field_required", fields[nfields - 1].name, NULL);
      jsonx_free(fields, nfields, target);
    }
  }
  json_decref(root);
  if (rc != SH_OK) {
    api_error(req, resp, &err);
    return false;
  }
  return true;
}

/* The path's id, or a 404 answer. */
static bool path_id(struct api_request *req, struct api_response *resp, int64_t *id) {
  if (api_path_id(req, 0, id))
    return true;
  api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
  return false;
}

void api_projects_create(struct api_request *req, struct api_response *resp) {
  struct project_body b = {0};
  struct project in = {0}, *out = NULL;
  struct sh_error err;
  bool replayed = false;
  if (!api_query_check(req, resp, NULL) || !decode(req, resp, project_fields, NFIELDS, &b, NULL))
    return;
  body_to_project(&b, &in);
  if (project_create(req->app, &req->actor, &in, req->idempotency_key, &out, &replayed, &err) ==
      SH_OK)
    api_reply(resp, replayed ? 200 : 201, project_json(req, out));
  else
    api_error(req, resp, &err);
  project_free(out);
  project_clear(&in);
  jsonx_free(project_fields, NFIELDS, &b);
}

void api_projects_get(struct api_request *req, struct api_response *resp) {
  int64_t id;
  struct project *p = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id))
    return;
  if (project_get(req->app, &req->actor, id, &p, &err) == SH_OK)
    api_reply(resp, 200, project_json(req, p));
  else
    api_error(req, resp, &err);
  project_free(p);
}

void api_projects_update(struct api_request *req, struct api_response *resp) {
  struct project_body b = {0};
  struct project in = {0}, *out = NULL;
  struct sh_error err;
  uint64_t present = 0;
  int64_t id;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id) ||
      !decode(req, resp, project_fields, NFIELDS, &b, &present))
    return;
  body_to_project(&b, &in);
  if (project_update(req->app, &req->actor, id, b.version, &in,
                     present & ~((uint64_t)1 << PROJECT_FIELD_COUNT), &out, &err) == SH_OK)
    api_reply(resp, 200, project_json(req, out));
  else
    api_error(req, resp, &err);
  project_free(out);
  project_clear(&in);
  jsonx_free(project_fields, NFIELDS, &b);
}

/* ?version=N of a DELETE; false after answering when it is missing or not a number. */
static bool query_version(struct api_request *req, struct api_response *resp, int64_t *version) {
  const char *v = api_query(req, "version");
  if (!v) {
    api_fail(req, resp, SH_ERR_INVALID, "field_required", "version");
    return false;
  }
  if (!api_parse_int(v, 1, INT64_MAX / 2, version)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "version");
    return false;
  }
  return true;
}

void api_projects_delete(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"version", NULL};
  int64_t id, version;
  struct sh_error err;
  if (!api_query_check(req, resp, allowed) || !path_id(req, resp, &id) ||
      !query_version(req, resp, &version))
    return;
  if (project_delete(req->app, &req->actor, id, version, &err) == SH_OK)
    api_reply(resp, 204, NULL);
  else
    api_error(req, resp, &err);
}

static const char *const sort_keys[] = {"id", "name", "created_at", "completion_date", NULL};
_Static_assert(PROJECT_SORT_ID == 0 && PROJECT_SORT_NAME == 1 && PROJECT_SORT_CREATED == 2 &&
                   PROJECT_SORT_COMPLETION == 3,
               "sort keys follow enum project_sort");

/* Card states by name; "all" is every completed project (the warranty-card list). */
static const struct {
  const char *name;
  enum project_card_filter filter;
} card_status_filters[] = {
    {"not_due", PROJECT_CARD_NOT_DUE},
    {"due", PROJECT_CARD_DUE},
    {"late", PROJECT_CARD_LATE},
    {"issued", PROJECT_CARD_ISSUED},
    {"issued_late", PROJECT_CARD_ISSUED_LATE},
};

static bool card_filter(const char *name, bool cards, enum project_card_filter *out) {
  if (cards && strcmp(name, "all") == 0) {
    *out = PROJECT_CARD_COMPLETED;
    return true;
  }
  for (size_t i = 0; i < sizeof card_status_filters / sizeof *card_status_filters; i++)
    /* The warranty-card list holds completed projects only: no "not_due" there. */
    if (strcmp(name, card_status_filters[i].name) == 0 && !(cards && i == 0)) {
      *out = card_status_filters[i].filter;
      return true;
    }
  return false;
}

/* The search text, folded and trimmed, into *folded (caller frees); f->q NULL if empty. */
static bool read_search(struct api_request *req, struct api_response *resp, const char *q,
                        struct project_filter *f, char **folded) {
  if (!q)
    return true;
  if (strlen(q) > SH_MAX_SEARCH_BYTES) {
    api_fail(req, resp, SH_ERR_INVALID, "field_length", "q");
    return false;
  }
  struct buf b;
  buf_init(&b, 4 * SH_MAX_SEARCH_BYTES);
  if (utf8_fold(&b, q) != SH_OK) {
    buf_free(&b);
    api_fail(req, resp, SH_ERR_INVALID, "field_length", "q");
    return false;
  }
  char *s = buf_detach(&b);
  buf_free(&b);
  if (!s) {
    api_fail(req, resp, SH_ERR_INTERNAL, "out_of_memory", NULL);
    return false;
  }
  size_t start = strspn(s, " "), n = strlen(s + start);
  while (n && s[start + n - 1] == ' ')
    n--;
  memmove(s, s + start, n);
  s[n] = '\0';
  *folded = s;
  f->q = *s ? s : NULL;
  return true;
}

/* Reads the filters of either list into f. */
static bool read_filter(struct api_request *req, struct api_response *resp, bool cards,
                        struct project_filter *f, char **folded) {
  const char *customer = api_query(req, "customer_id");
  const char *status = api_query(req, cards ? "status" : "card_status");
  f->card = cards ? PROJECT_CARD_COMPLETED : PROJECT_CARD_ANY;
  if (customer && !api_parse_int(customer, 1, INT64_MAX / 2, &f->customer_id)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "customer_id");
    return false;
  }
  if (status && !card_filter(status, cards, &f->card)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", cards ? "status" : "card_status");
    return false;
  }
  return read_search(req, resp, api_query(req, "q"), f, folded);
}

static json_t *sort_value(const struct project *p, enum project_sort sort) {
  switch (sort) {
  case PROJECT_SORT_NAME:
    return json_string(p->name);
  case PROJECT_SORT_CREATED:
    return json_integer(p->created_at);
  case PROJECT_SORT_COMPLETION:
    return json_string(p->completion_date ? p->completion_date : "");
  default:
    return json_integer(p->id);
  }
}

/* What a list (cards: the warranty-card list) and the project export share: the query check
 * (allowed), the filters and the sort. Projects: the newest first. Cards: the oldest
 * completion first — the most overdue. On failure fills resp; either way the caller frees
 * *folded and lp. */
static bool read_list(struct api_request *req, struct api_response *resp, bool cards,
                      const char *const *allowed, struct list_params *lp, struct project_filter *f,
                      char **folded) {
  if (!api_list_params(req, resp, allowed, sort_keys,
                       cards ? PROJECT_SORT_COMPLETION : PROJECT_SORT_CREATED, !cards, lp) ||
      !read_filter(req, resp, cards, f, folded))
    return false;
  f->sort = (enum project_sort)lp->sort;
  f->descending = lp->descending;
  return true;
}

/* The project list and the warranty-card list (cards): one query, two views. */
static void list_projects(struct api_request *req, struct api_response *resp, bool cards) {
  static const char *const project_params[] = {"q", "customer_id", "card_status", NULL};
  static const char *const card_params[] = {"q", "customer_id", "status", NULL};
  struct list_params lp = {0};
  struct project_filter f = {0};
  struct project **items_in = NULL;
  int64_t total = 0;
  size_t count = 0;
  char *folded = NULL, *next = NULL;
  struct sh_error err;
  if (!read_list(req, resp, cards, cards ? card_params : project_params, &lp, &f, &folded))
    goto out;
  f.keyset = lp.keyset;
  f.limit = lp.keyset ? lp.page_size + 1 : lp.page_size;
  f.offset = (lp.page - 1) * lp.page_size;
  if (lp.cursor) {
    json_t *v = json_object_get(lp.cursor, "v");
    bool text = f.sort == PROJECT_SORT_NAME || f.sort == PROJECT_SORT_COMPLETION;
    f.after_id = json_integer_value(json_object_get(lp.cursor, "i"));
    if (text ? !json_is_string(v) : !json_is_integer(v)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_cursor", "cursor");
      goto out;
    }
    f.after_text = json_string_value(v);
    f.after_int = json_integer_value(v);
    f.after = true;
  }
  if (project_list(req->app, &req->actor, &f, &items_in, &count, &total, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  json_t *items = json_array();
  size_t shown = lp.keyset && count > (size_t)lp.page_size ? (size_t)lp.page_size : count;
  for (size_t i = 0; i < shown; i++)
    json_array_append_new(items,
                          cards ? card_row_json(items_in[i]) : project_json(req, items_in[i]));
  if (shown < count)
    next = api_cursor_encode(sort_keys[f.sort], f.descending,
                             sort_value(items_in[shown - 1], f.sort), items_in[shown - 1]->id);
  api_reply(resp, 200, api_list_body(items, total, next));
out:
  project_list_free(items_in, count);
  free(folded);
  free(next);
  api_list_params_free(&lp);
}

void api_projects_list(struct api_request *req, struct api_response *resp) {
  list_projects(req, resp, false);
}

void api_warranty_cards_list(struct api_request *req, struct api_response *resp) {
  list_projects(req, resp, true);
}

/* The card states in Chinese (no dictionary holds them: they are computed, SPEC B4). */
static const char *card_status_label(const char *status) {
  static const struct {
    const char *name, *label;
  } labels[] = {
      {"not_due", "未竣工"}, {"due", "待发放"},           {"late", "逾期未发放"},
      {"issued", "已发放"},  {"issued_late", "逾期发放"},
  };
  for (size_t i = 0; status && i < sizeof labels / sizeof *labels; i++)
    if (strcmp(status, labels[i].name) == 0)
      return labels[i].label;
  return status;
}

static const struct export_column export_columns[] = {
    {"项目编号", EXPORT_INT, 0},        {"项目名称", EXPORT_TEXT, 30},
    {"客户编号", EXPORT_INT, 0},        {"客户名称", EXPORT_TEXT, 30},
    {"地区编码", EXPORT_TEXT, 0},       {"现场地区", EXPORT_TEXT, 24},
    {"现场地址", EXPORT_TEXT, 30},      {"项目经理", EXPORT_TEXT, 0},
    {"竣工日期", EXPORT_DATE, 0},       {"验收日期", EXPORT_DATE, 0},
    {"保修卡状态", EXPORT_TEXT, 12},    {"保修卡应发日期", EXPORT_DATE, 0},
    {"逾期天数", EXPORT_INT, 0},        {"保修卡编号", EXPORT_TEXT, 20},
    {"保修卡发放日期", EXPORT_DATE, 0}, {"发放方式", EXPORT_TEXT, 0},
    {"发放人", EXPORT_TEXT, 0},         {"备注", EXPORT_TEXT, 30},
    {"创建时间", EXPORT_DATETIME, 0},   {"更新时间", EXPORT_DATETIME, 0},
};

/* GET /projects/export: every project of the list's filters and sort in the caller's scope
 * (not one page) with its warranty card's state today, as .xlsx or CSV (SPEC H5, B4). */
void api_projects_export(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"q", "customer_id", "card_status", "format", "sort", NULL};
  struct list_params lp = {0};
  struct project_filter f = {0};
  struct dict_row *dict = NULL;
  size_t ndict = 0;
  json_t *after = NULL; /* the sort value of the last row written */
  char *folded = NULL;
  struct download *d = NULL;
  struct sh_error err;
  struct export_table table = {"工程项目", export_columns,
                               sizeof export_columns / sizeof *export_columns,
                               req->app->tz_offset_minutes};
  if (!api_query_check(req, resp, allowed) ||
      !read_list(req, resp, false, allowed, &lp, &f, &folded))
    goto out;
  f.keyset = true;
  f.limit = 500;
  if (reference_dictionaries(req->app, &dict, &ndict, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  d = api_download_begin(req, resp, &table);
  if (!d)
    goto out;
  for (;;) {
    struct project **list = NULL;
    int64_t total = 0;
    size_t count = 0;
    bool ok = project_list(req->app, &req->actor, &f, &list, &count, &total, &err) == SH_OK;
    if (ok && !api_export_fits(total, &err))
      ok = false;
    if (!ok)
      api_error(req, resp, &err);
    for (size_t i = 0; ok && i < count; i++) {
      const struct project *p = list[i];
      struct export_cell cells[] = {
          {.number = p->id},
          {.text = p->name},
          {.number = p->customer_id},
          {.text = p->customer_name},
          {.text = p->site_region_code},
          {.text = p->site_region_name},
          {.text = p->site_address},
          {.text = p->project_manager_name},
          {.text = p->completion_date},
          {.text = p->acceptance_date},
          {.text = card_status_label(p->card_status)},
          {.text = p->card_due_on[0] ? p->card_due_on : NULL},
          {.number = p->card_days_late},
          {.text = p->card_number},
          {.text = p->card_issued_on},
          {.text = api_dict_label(dict, ndict, "card_issue_method", p->card_issue_method)},
          {.text = p->card_issued_by_name},
          {.text = p->note},
          {.number = p->created_at},
          {.number = p->updated_at},
      };
      ok = api_download_row(req, resp, d, cells);
    }
    bool more = ok && count == (size_t)f.limit;
    if (more) { /* the next page starts after the last row, as a cursor would */
      json_decref(after);
      after = sort_value(list[count - 1], f.sort);
      f.after = true;
      f.after_id = list[count - 1]->id;
      f.after_text = json_string_value(after);
      f.after_int = json_integer_value(after);
    }
    project_list_free(list, count);
    if (!ok)
      goto out;
    if (!more)
      break;
  }
  api_download_finish(req, resp, d, "工程项目");
out:
  json_decref(after);
  api_download_free(d);
  dict_rows_free(dict, ndict);
  free(folded);
  api_list_params_free(&lp);
}

void api_projects_issue_card(struct api_request *req, struct api_response *resp) {
  struct issue_body b = {0};
  struct project *out = NULL;
  struct sh_error err;
  uint64_t present = 0;
  int64_t id;
  size_t n = sizeof issue_fields / sizeof *issue_fields;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id) ||
      !decode(req, resp, issue_fields, n, &b, &present))
    return;
  if (!(present & ((uint64_t)1 << 1)))
    api_fail(req, resp, SH_ERR_INVALID, "field_required", "method");
  else if (project_issue_card(req->app, &req->actor, id, b.version, b.issued_on, b.method, &out,
                              &err) == SH_OK)
    api_reply(resp, 200, project_json(req, out));
  else
    api_error(req, resp, &err);
  project_free(out);
  jsonx_free(issue_fields, n, &b);
}

/* The telephone printed on the card while the setting company.service_phone has no value:
 * the card must not invent one. */
static const char card_phone_unknown[] = "未登记";

void api_projects_card_pdf(struct api_request *req, struct api_response *resp) {
  int64_t id;
  struct project_card *card = NULL;
  struct card_unit *units = NULL;
  struct sh_error err;
  char *pdf = NULL;
  size_t len = 0;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id))
    return;
  if (project_card(req->app, &req->actor, id, &card, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  units = sh_calloc(card->nunits, sizeof *units);
  if (!units) {
    api_fail(req, resp, SH_ERR_INTERNAL, "out_of_memory", NULL);
    goto out;
  }
  for (size_t i = 0; i < card->nunits; i++) {
    const struct project_card_unit *u = &card->units[i];
    units[i] = (struct card_unit){.name = u->name,
                                  .model = u->model,
                                  .serial = u->serial_no,
                                  .category = u->category,
                                  .warranty_until = u->warranty_until,
                                  .basis = u->basis,
                                  .parts_free = u->parts_free};
  }
  struct warranty_card doc = {
      .company = card->company,
      .card_no = card->card_number,
      .owner = card->owner,
      .project = card->project,
      .site_address = card->site_address,
      .completed_on = card->completed_on,
      .accepted_on = card->accepted_on,
      .issued_on = card->issued_on,
      .units = units,
      .unit_count = card->nunits,
      .principles = pdf_warranty_default_principles,
      .principle_count = PDF_WARRANTY_DEFAULT_PRINCIPLE_COUNT,
      .department = card->department,
      .staff_name = card->staff_name,
      .staff_phone = card->staff_phone ? card->staff_phone : card_phone_unknown,
      .hotline = card->hotline,
  };
  if (pdf_warranty_card(&doc, &pdf, &len, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  resp->status = 200;
  resp->raw = pdf;
  resp->raw_len = len;
  resp->content_type = "application/pdf";
  /* Shown in the browser (a card is for printing); saved as 保修卡_<id>.pdf. */
  snprintf(resp->disposition, sizeof resp->disposition,
           "inline; filename=\"warranty-card-%lld.pdf\"; "
           "filename*=UTF-8''%%E4%%BF%%9D%%E4%%BF%%AE%%E5%%8D%%A1_%lld.pdf",
           (long long)id, (long long)id);
out:
  free(units);
  project_card_free(card);
}
