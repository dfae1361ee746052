/* suppliers.c — /api/v1/suppliers and /api/v1/suppliers/{id}/audits: the parts suppliers and
 * the audits of outsourced suppliers over HTTP (SPEC A4). Suppliers are company-wide (no
 * region scope, see domain/supplier.h). Decodes bodies into struct supplier and struct
 * supplier_audit (every error names its field), calls domain/supplier, encodes the result. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/jsonx.h"
#include "../base/limits.h"
#include "../base/mem.h"
#include "../base/utf8.h"
#include "../domain/supplier.h"
#include "../rules/region.h"
#include "download.h"
#include "handlers.h"
#include "list.h"

/* The body of POST and PATCH. Fields 0..8 are in the order of enum supplier_field. */
struct supplier_body {
  char *name, *region_code, *contact_person, *phone, *email, *address, *supplies;
  bool outsourced;
  char *note;
  int64_t version;
};

#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct supplier_body, name) }
static const struct jfield supplier_fields[] = {
    F(name, JF_STRING, JF_REQUIRED, 1, 100),
    F(region_code, JF_STRING, JF_NULLABLE, 6, 6),
    F(contact_person, JF_STRING, JF_NULLABLE, 0, 50),
    F(phone, JF_STRING, JF_NULLABLE, 0, 40),
    F(email, JF_STRING, JF_NULLABLE, 0, 100),
    F(address, JF_STRING, JF_NULLABLE, 0, 200),
    F(supplies, JF_STRING, JF_NULLABLE, 0, 200),
    F(outsourced, JF_BOOL, 0, 0, 0),
    F(note, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500),
    F(version, JF_INT, JF_REQUIRED, 1, INT64_MAX),
};
#undef F
#define NFIELDS (sizeof supplier_fields / sizeof *supplier_fields)
_Static_assert(NFIELDS == SUPPLIER_FIELD_COUNT + 1, "one body field per supplier field");

/* The body of POST /audits. */
struct audit_body {
  char *audited_on, *result, *findings;
};

#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct audit_body, name) }
static const struct jfield audit_fields[] = {
    F(audited_on, JF_DATE, JF_REQUIRED, 0, 0),
    F(result, JF_STRING, JF_REQUIRED, 1, 32),
    F(findings, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 2000),
};
#undef F
#define NAUDIT_FIELDS (sizeof audit_fields / sizeof *audit_fields)

/* Moves the decoded body into s (strings are taken, not copied). */
static void body_to_supplier(struct supplier_body *b, struct supplier *s) {
  s->name = b->name;
  s->region_code = b->region_code;
  s->contact_person = b->contact_person;
  s->phone = b->phone;
  s->email = b->email;
  s->address = b->address;
  s->supplies = b->supplies;
  s->outsourced = b->outsourced;
  s->note = b->note;
  memset(b, 0, offsetof(struct supplier_body, version));
}

/* The supplier's struct members only (the caller's struct is on its stack). */
static void supplier_clear(struct supplier *s) {
  struct supplier *heap = sh_calloc(1, sizeof *heap);
  if (heap) {
    *heap = *s;
    supplier_free(heap);
  }
  memset(s, 0, sizeof *s);
}

static json_t *supplier_json(struct api_request *req, const struct supplier *s) {
  json_t *o = supplier_fields_json(s);
  if (!o)
    return NULL;
  int tz = req->app->tz_offset_minutes;
  jsonx_set_int(o, "id", s->id);
  jsonx_set_int(o, "version", s->version);
  jsonx_set_str(o, "region_name", s->region_name);
  jsonx_set_time(o, "created_at", s->created_at, tz);
  jsonx_set_time(o, "updated_at", s->updated_at, tz);
  return o;
}

static json_t *audit_json(struct api_request *req, const struct supplier_audit *a) {
  json_t *o = supplier_audit_fields_json(a);
  if (!o)
    return NULL;
  jsonx_set_int(o, "id", a->id);
  json_object_set_new(o, "recorded_by",
                      a->recorded_by ? json_integer(a->recorded_by) : json_null());
  jsonx_set_str(o, "recorded_by_name", a->recorded_by_name);
  jsonx_set_time(o, "created_at", a->created_at, req->app->tz_offset_minutes);
  return o;
}

/* Decodes the body; present gets the fields given (NULL: creation, all required). */
static bool decode_body(struct api_request *req, struct api_response *resp, struct supplier_body *b,
                        uint64_t *present) {
  json_t *root = NULL;
  struct sh_error err;
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  if (rc == SH_OK) {
    /* On creation there is no version to carry: decode without the last field. */
    rc = jsonx_decode(root, supplier_fields, present ? NFIELDS : NFIELDS - 1, b, present, NULL,
                      &err);
    if (rc == SH_OK && present && !(*present & ((uint64_t)1 << SUPPLIER_FIELD_COUNT))) {
      rc = sh_fail(&err, SH_ERR_INVALID, "field_required", "version", NULL);
      jsonx_free(supplier_fields, NFIELDS, b);
    }
  }
  json_decref(root);
  if (rc != SH_OK) {
    api_error(req, resp, &err);
    return false;
  }
  return true;
}

void api_suppliers_create(struct api_request *req, struct api_response *resp) {
  struct supplier_body b = {0};
  struct supplier in = {0}, *out = NULL;
  struct sh_error err;
  bool replayed = false;
  if (!api_query_check(req, resp, NULL) || !decode_body(req, resp, &b, NULL))
    return;
  body_to_supplier(&b, &in);
  if (supplier_create(req->app, &req->actor, &in, req->idempotency_key, &out, &replayed, &err) ==
      SH_OK)
    api_reply(resp, replayed ? 200 : 201, supplier_json(req, out));
  else
    api_error(req, resp, &err);
  supplier_free(out);
  supplier_clear(&in);
}

void api_suppliers_get(struct api_request *req, struct api_response *resp) {
  int64_t id;
  struct supplier *s = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  if (supplier_get(req->app, id, &s, &err) == SH_OK)
    api_reply(resp, 200, supplier_json(req, s));
  else
    api_error(req, resp, &err);
  supplier_free(s);
}

void api_suppliers_update(struct api_request *req, struct api_response *resp) {
  struct supplier_body b = {0};
  struct supplier in = {0}, *out = NULL;
  struct sh_error err;
  uint64_t present = 0;
  int64_t id;
  if (!api_query_check(req, resp, NULL))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  if (!decode_body(req, resp, &b, &present))
    return;
  body_to_supplier(&b, &in);
  if (supplier_update(req->app, &req->actor, id, b.version, &in,
                      present & ~((uint64_t)1 << SUPPLIER_FIELD_COUNT), &out, &err) == SH_OK)
    api_reply(resp, 200, supplier_json(req, out));
  else
    api_error(req, resp, &err);
  supplier_free(out);
  supplier_clear(&in);
}

void api_suppliers_delete(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"version", NULL};
  int64_t id, version;
  struct sh_error err;
  if (!api_query_check(req, resp, allowed))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  const char *v = api_query(req, "version");
  if (!v) {
    api_fail(req, resp, SH_ERR_INVALID, "field_required", "version");
    return;
  }
  if (!api_parse_int(v, 1, INT64_MAX / 2, &version)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "version");
    return;
  }
  if (supplier_delete(req->app, &req->actor, id, version, &err) == SH_OK)
    api_reply(resp, 204, NULL);
  else
    api_error(req, resp, &err);
}

static const char *const sort_keys[] = {"id",         "name",      "created_at",
                                        "updated_at", "relevance", NULL};
_Static_assert(SUPPLIER_SORT_ID == 0 && SUPPLIER_SORT_NAME == 1 && SUPPLIER_SORT_CREATED == 2 &&
                   SUPPLIER_SORT_UPDATED == 3 && SUPPLIER_SORT_RELEVANCE == 4,
               "sort keys follow enum supplier_sort");

/* The folded search text of q without the spaces around it ("" if nothing is left). Caller
 * frees *folded. */
static bool read_query(struct api_request *req, struct api_response *resp, const char *q,
                       char **folded) {
  if (strlen(q) > SH_MAX_SEARCH_BYTES) {
    api_fail(req, resp, SH_ERR_INVALID, "field_length", "q");
    return false;
  }
  struct buf b;
  buf_init(&b, 4 * SH_MAX_SEARCH_BYTES);
  utf8_fold(&b, q);
  char *s = buf_detach(&b), *start = s;
  if (!s) {
    api_fail(req, resp, SH_ERR_INTERNAL, "out_of_memory", NULL);
    return false;
  }
  while (*start == ' ')
    start++;
  size_t n = strlen(start);
  while (n && start[n - 1] == ' ')
    start[--n] = '\0';
  memmove(s, start, n + 1);
  *folded = s;
  return true;
}

/* Reads the filter parameters into f; q is folded into *folded (caller frees). */
static bool read_filter(struct api_request *req, struct api_response *resp,
                        struct supplier_filter *f, char **folded, char prefix[8]) {
  const char *q = api_query(req, "q"), *region = api_query(req, "region_code");
  const char *outsourced = api_query(req, "outsourced");
  f->outsourced = -1;
  if (q) {
    if (!read_query(req, resp, q, folded))
      return false;
    f->q = **folded ? *folded : NULL;
  }
  if (region) {
    if (!region_code_valid(region)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "region_code");
      return false;
    }
    region_prefix(region, prefix);
    f->region_prefix = prefix;
  }
  if (outsourced) {
    if (strcmp(outsourced, "true") == 0 || strcmp(outsourced, "1") == 0)
      f->outsourced = 1;
    else if (strcmp(outsourced, "false") == 0 || strcmp(outsourced, "0") == 0)
      f->outsourced = 0;
    else {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "outsourced");
      return false;
    }
  }
  return true;
}

/* True if q holds something to search for once folded ("　" is as empty as " "). */
static bool search_given(const char *q) {
  if (!q)
    return false;
  if (!utf8_valid(q, strlen(q)))
    return true;
  struct buf b;
  buf_init(&b, 4 * SH_MAX_QUERY_BYTES);
  bool given = utf8_fold(&b, q) != SH_OK || (b.data && strspn(b.data, " ") < b.len);
  buf_free(&b);
  return given;
}

static json_t *sort_value(const struct supplier *s, int64_t rank, enum supplier_sort sort) {
  switch (sort) {
  case SUPPLIER_SORT_NAME:
    return json_string(s->name);
  case SUPPLIER_SORT_CREATED:
    return json_integer(s->created_at);
  case SUPPLIER_SORT_UPDATED:
    return json_integer(s->updated_at);
  case SUPPLIER_SORT_RELEVANCE:
    return json_integer(rank);
  default:
    return json_integer(s->id);
  }
}

/* What the list and its export share: the query check (allowed), the filters and the sort.
 * A search lists the best matches first; otherwise the newest suppliers come first. On
 * failure fills resp; either way the caller frees *folded and lp. */
static bool read_list(struct api_request *req, struct api_response *resp,
                      const char *const *allowed, struct list_params *lp, struct supplier_filter *f,
                      char **folded, char prefix[8]) {
  bool q_given = search_given(api_query(req, "q"));
  if (!api_list_params(req, resp, allowed, sort_keys,
                       q_given ? SUPPLIER_SORT_RELEVANCE : SUPPLIER_SORT_CREATED, !q_given, lp) ||
      !read_filter(req, resp, f, folded, prefix))
    return false;
  if (lp->sort == SUPPLIER_SORT_RELEVANCE && !f->q) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "sort");
    return false;
  }
  f->sort = (enum supplier_sort)lp->sort;
  f->descending = lp->descending;
  return true;
}

void api_suppliers_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"q", "region_code", "outsourced", NULL};
  struct list_params lp = {0};
  struct supplier_filter f = {0};
  struct supplier **list = NULL;
  int64_t *ranks = NULL, total = 0;
  size_t count = 0;
  char *folded = NULL, *next = NULL, prefix[8];
  struct sh_error err;
  if (!read_list(req, resp, allowed, &lp, &f, &folded, prefix))
    goto out;
  f.keyset = lp.keyset;
  f.limit = lp.keyset ? lp.page_size + 1 : lp.page_size;
  f.offset = (lp.page - 1) * lp.page_size;
  if (lp.cursor) {
    json_t *v = json_object_get(lp.cursor, "v");
    f.after_id = json_integer_value(json_object_get(lp.cursor, "i"));
    if (f.sort == SUPPLIER_SORT_NAME ? !json_is_string(v) : !json_is_integer(v)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_cursor", "cursor");
      goto out;
    }
    f.after_text = json_string_value(v);
    f.after_int = json_integer_value(v);
    f.after = true;
  }
  if (supplier_list(req->app, &f, &list, &ranks, &count, &total, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  json_t *items = json_array();
  size_t shown = lp.keyset && count > (size_t)lp.page_size ? (size_t)lp.page_size : count;
  for (size_t i = 0; i < shown; i++)
    json_array_append_new(items, supplier_json(req, list[i]));
  if (shown < count)
    next = api_cursor_encode(sort_keys[f.sort], f.descending,
                             sort_value(list[shown - 1], ranks[shown - 1], f.sort),
                             list[shown - 1]->id);
  api_reply(resp, 200, api_list_body(items, total, next));
out:
  supplier_list_free(list, count);
  free(ranks);
  free(folded);
  free(next);
  api_list_params_free(&lp);
}

static const struct export_column export_columns[] = {
    {"供应商编号", EXPORT_INT, 0},    {"供应商名称", EXPORT_TEXT, 30},
    {"地区编码", EXPORT_TEXT, 0},     {"所在地区", EXPORT_TEXT, 24},
    {"联系人", EXPORT_TEXT, 0},       {"电话", EXPORT_TEXT, 16},
    {"邮箱", EXPORT_TEXT, 24},        {"详细地址", EXPORT_TEXT, 30},
    {"供应内容", EXPORT_TEXT, 30},    {"外协供应商", EXPORT_BOOL, 0},
    {"备注", EXPORT_TEXT, 30},        {"创建时间", EXPORT_DATETIME, 0},
    {"更新时间", EXPORT_DATETIME, 0},
};

/* GET /suppliers/export: every supplier of the list's filters and sort (not one page), as
 * .xlsx or CSV (SPEC H5, UI.md 10). Suppliers are company-wide: no scope to apply. */
void api_suppliers_export(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"q", "region_code", "outsourced", "format", "sort", NULL};
  struct list_params lp = {0};
  struct supplier_filter f = {0};
  json_t *after = NULL; /* the sort value of the last row written */
  char *folded = NULL, prefix[8];
  struct download *d = NULL;
  struct sh_error err;
  struct export_table table = {"供应商", export_columns,
                               sizeof export_columns / sizeof *export_columns,
                               req->app->tz_offset_minutes};
  if (!api_query_check(req, resp, allowed) ||
      !read_list(req, resp, allowed, &lp, &f, &folded, prefix))
    goto out;
  f.keyset = true;
  f.limit = 500;
  d = api_download_begin(req, resp, &table);
  if (!d)
    goto out;
  for (;;) {
    struct supplier **list = NULL;
    int64_t *ranks = NULL, total = 0;
    size_t count = 0;
    bool ok = supplier_list(req->app, &f, &list, &ranks, &count, &total, &err) == SH_OK;
    if (ok && !api_export_fits(total, &err))
      ok = false;
    if (!ok)
      api_error(req, resp, &err);
    for (size_t i = 0; ok && i < count; i++) {
      const struct supplier *x = list[i];
      struct export_cell cells[] = {
          {.number = x->id},         {.text = x->name},           {.text = x->region_code},
          {.text = x->region_name},  {.text = x->contact_person}, {.text = x->phone},
          {.text = x->email},        {.text = x->address},        {.text = x->supplies},
          {.number = x->outsourced}, {.text = x->note},           {.number = x->created_at},
          {.number = x->updated_at},
      };
      ok = api_download_row(req, resp, d, cells);
    }
    bool more = ok && count == (size_t)f.limit;
    if (more) { /* the next page starts after the last row, as a cursor would */
      json_decref(after);
      after = sort_value(list[count - 1], ranks[count - 1], f.sort);
      f.after = true;
      f.after_id = list[count - 1]->id;
      f.after_text = json_string_value(after);
      f.after_int = json_integer_value(after);
    }
    supplier_list_free(list, count);
    free(ranks);
    if (!ok)
      goto out;
    if (!more)
      break;
  }
  api_download_finish(req, resp, d, "供应商");
out:
  json_decref(after);
  api_download_free(d);
  free(folded);
  api_list_params_free(&lp);
}

/* ---- audits ------------------------------------------------------------------------------- */

void api_supplier_audits_create(struct api_request *req, struct api_response *resp) {
  struct audit_body b = {0};
  struct supplier_audit *out = NULL;
  json_t *root = NULL;
  struct sh_error err;
  bool replayed = false;
  int64_t id;
  if (!api_query_check(req, resp, NULL))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  if (rc == SH_OK)
    rc = jsonx_decode(root, audit_fields, NAUDIT_FIELDS, &b, NULL, NULL, &err);
  if (rc == SH_OK) {
    struct supplier_audit in = {
        .supplier_id = id, .audited_on = b.audited_on, .result = b.result, .findings = b.findings};
    rc = supplier_audit_create(req->app, &req->actor, &in, req->idempotency_key, &out, &replayed,
                               &err);
  }
  if (rc == SH_OK)
    api_reply(resp, replayed ? 200 : 201, audit_json(req, out));
  else
    api_error(req, resp, &err);
  supplier_audit_clear(out);
  free(out);
  json_decref(root);
  jsonx_free(audit_fields, NAUDIT_FIELDS, &b);
}

void api_supplier_audits_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"result", NULL};
  static const char *const audit_sorts[] = {"audited_on", NULL};
  struct list_params lp;
  struct supplier_audit_filter f = {0};
  struct supplier_audit *list = NULL;
  size_t count = 0;
  int64_t total = 0, id;
  char *next = NULL;
  struct sh_error err;
  if (!api_list_params(req, resp, allowed, audit_sorts, 0, true, &lp))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    goto out;
  }
  f.supplier_id = id;
  f.result = api_query(req, "result");
  f.descending = lp.descending;
  f.keyset = lp.keyset;
  f.limit = lp.keyset ? lp.page_size + 1 : lp.page_size;
  f.offset = (lp.page - 1) * lp.page_size;
  if (lp.cursor) {
    json_t *v = json_object_get(lp.cursor, "v");
    if (!json_is_string(v)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_cursor", "cursor");
      goto out;
    }
    f.after_audited_on = json_string_value(v);
    f.after_id = json_integer_value(json_object_get(lp.cursor, "i"));
    f.after = true;
  }
  if (supplier_audit_list(req->app, &f, &list, &count, &total, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  json_t *items = json_array();
  size_t shown = lp.keyset && count > (size_t)lp.page_size ? (size_t)lp.page_size : count;
  for (size_t i = 0; i < shown; i++)
    json_array_append_new(items, audit_json(req, &list[i]));
  if (shown < count)
    next = api_cursor_encode(audit_sorts[0], f.descending, json_string(list[shown - 1].audited_on),
                             list[shown - 1].id);
  api_reply(resp, 200, api_list_body(items, total, next));
out:
  supplier_audits_free(list, count);
  free(next);
  api_list_params_free(&lp);
}
