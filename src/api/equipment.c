/* equipment.c — /api/v1/equipment: equipment units and their warranty on any date over
 * HTTP (SPEC B1, B2, B3). Decodes bodies into struct equipment (every error names its
 * field), calls domain/equipment, encodes the result. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/jsonx.h"
#include "../base/limits.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../domain/equipment.h"
#include "download.h"
#include "handlers.h"
#include "list.h"

/* The body of POST and PATCH: fields 0..11 in the order of enum equipment_field, then
 * version (PATCH only). */
struct equipment_body {
  int64_t project_id;
  char *serial_no, *model, *name, *category;
  int64_t supplier_id;
  char *batch;
  bool sold_by_company;
  char *install_site;
  int64_t manufacturer_months;
  char *acceptance_date, *note;
  int64_t version;
};

#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct equipment_body, name) }
static const struct jfield equipment_fields[] = {
    F(project_id, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
    F(serial_no, JF_STRING, JF_REQUIRED, 1, 64),
    F(model, JF_STRING, JF_REQUIRED, 1, 100),
    F(name, JF_STRING, JF_NULLABLE, 0, 100),
    F(category, JF_STRING, JF_NULLABLE, 0, 32),
    F(supplier_id, JF_INT, JF_NULLABLE, 1, INT64_MAX / 2),
    F(batch, JF_STRING, JF_NULLABLE, 0, 64),
    F(sold_by_company, JF_BOOL, 0, 0, 0),
    F(install_site, JF_STRING, JF_NULLABLE, 0, 200),
    F(manufacturer_months, JF_INT, 0, 0, 240),
    F(acceptance_date, JF_DATE, JF_NULLABLE, 0, 0),
    F(note, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500),
    F(version, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
};
#undef F
#define NFIELDS (sizeof equipment_fields / sizeof *equipment_fields)
_Static_assert(NFIELDS == EQUIPMENT_FIELD_COUNT + 1, "one body field per equipment field");

#define BIT(f) ((uint64_t)1 << (f))

/* Moves the decoded body into e (strings are taken, not copied). */
static void body_to_equipment(struct equipment_body *b, struct equipment *e) {
  e->project_id = b->project_id;
  e->serial_no = b->serial_no;
  e->model = b->model;
  e->name = b->name;
  e->category = b->category;
  e->supplier_id = b->supplier_id;
  e->batch = b->batch;
  e->sold_by_company = b->sold_by_company;
  e->install_site = b->install_site;
  e->manufacturer_months = b->manufacturer_months;
  e->acceptance_date = b->acceptance_date;
  e->note = b->note;
  b->serial_no = b->model = b->name = b->category = b->batch = b->install_site =
      b->acceptance_date = b->note = NULL;
}

static void equipment_clear(struct equipment *e) {
  free(e->serial_no);
  free(e->model);
  free(e->name);
  free(e->category);
  free(e->batch);
  free(e->install_site);
  free(e->acceptance_date);
  free(e->note);
  memset(e, 0, sizeof *e);
}

/* A unit as the API shows it. */
static json_t *equipment_json(struct api_request *req, const struct equipment *e) {
  json_t *o = equipment_fields_json(e);
  if (!o)
    return NULL;
  int tz = req->app->tz_offset_minutes;
  jsonx_set_int(o, "id", e->id);
  jsonx_set_int(o, "version", e->version);
  jsonx_set_int(o, "customer_id", e->customer_id);
  jsonx_set_str(o, "customer_name", e->customer_name);
  jsonx_set_str(o, "project_name", e->project_name);
  jsonx_set_str(o, "project_acceptance_date", e->project_acceptance_date);
  jsonx_set_str(o, "category_label", e->category_label_zh);
  jsonx_set_str(o, "supplier_name", e->supplier_name);
  jsonx_set_time(o, "created_at", e->created_at, tz);
  jsonx_set_time(o, "updated_at", e->updated_at, tz);
  return o;
}

/* Decodes the body. Creation (creating): every required field needed, no version, and
 * sold_by_company true unless given; present gets the fields the body holds either way. */
static bool decode(struct api_request *req, struct api_response *resp, bool creating,
                   struct equipment_body *b, uint64_t *present) {
  json_t *root = NULL;
  struct sh_error err;
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  if (rc == SH_OK && creating) {
    rc = jsonx_decode(root, equipment_fields, NFIELDS - 1, b, NULL, NULL, &err);
    *present = 0;
    for (size_t i = 0; i < NFIELDS - 1; i++)
      if (json_object_get(root, equipment_fields[i].name))
        *present |= BIT(i);
    if (!(*present & BIT(EQUIPMENT_FIELD_SOLD_BY_COMPANY)))
      b->sold_by_company = true; /* the usual case: the company sold what it installed */
  } else if (rc == SH_OK) {
    rc = jsonx_decode(root, equipment_fields, NFIELDS, b, present, NULL, &err);
    if (rc == SH_OK && !(*present & BIT(EQUIPMENT_FIELD_COUNT))) {
      rc = sh_fail(&err, SH_ERR_INVALID, "field_required", "version", NULL);
      jsonx_free(equipment_fields, NFIELDS, b);
    }
  }
  json_decref(root);
  if (rc != SH_OK) {
    api_error(req, resp, &err);
    return false;
  }
  return true;
}

static bool path_id(struct api_request *req, struct api_response *resp, int64_t *id) {
  if (api_path_id(req, 0, id))
    return true;
  api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
  return false;
}

void api_equipment_create(struct api_request *req, struct api_response *resp) {
  struct equipment_body b = {0};
  struct equipment in = {0}, *out = NULL;
  struct sh_error err;
  uint64_t present = 0;
  bool replayed = false;
  if (!api_query_check(req, resp, NULL) || !decode(req, resp, true, &b, &present))
    return;
  body_to_equipment(&b, &in);
  if (equipment_create(req->app, &req->actor, &in, req->idempotency_key, &out, &replayed, &err) ==
      SH_OK)
    api_reply(resp, replayed ? 200 : 201, equipment_json(req, out));
  else
    api_error(req, resp, &err);
  equipment_free(out);
  equipment_clear(&in);
  jsonx_free(equipment_fields, NFIELDS, &b);
}

void api_equipment_get(struct api_request *req, struct api_response *resp) {
  int64_t id;
  struct equipment *e = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id))
    return;
  if (equipment_get(req->app, &req->actor, id, &e, &err) == SH_OK)
    api_reply(resp, 200, equipment_json(req, e));
  else
    api_error(req, resp, &err);
  equipment_free(e);
}

void api_equipment_update(struct api_request *req, struct api_response *resp) {
  struct equipment_body b = {0};
  struct equipment in = {0}, *out = NULL;
  struct sh_error err;
  uint64_t present = 0;
  int64_t id;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id) ||
      !decode(req, resp, false, &b, &present))
    return;
  body_to_equipment(&b, &in);
  if (equipment_update(req->app, &req->actor, id, b.version, &in,
                       present & ~BIT(EQUIPMENT_FIELD_COUNT), &out, &err) == SH_OK)
    api_reply(resp, 200, equipment_json(req, out));
  else
    api_error(req, resp, &err);
  equipment_free(out);
  equipment_clear(&in);
  jsonx_free(equipment_fields, NFIELDS, &b);
}

void api_equipment_delete(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"version", NULL};
  int64_t id, version;
  struct sh_error err;
  if (!api_query_check(req, resp, allowed) || !path_id(req, resp, &id))
    return;
  const char *v = api_query(req, "version");
  if (!v) {
    api_fail(req, resp, SH_ERR_INVALID, "field_required", "version");
    return;
  }
  if (!api_parse_int(v, 1, INT64_MAX / 2, &version)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "version");
    return;
  }
  if (equipment_delete(req->app, &req->actor, id, version, &err) == SH_OK)
    api_reply(resp, 204, NULL);
  else
    api_error(req, resp, &err);
}

static const char *const sort_keys[] = {"id", "serial_no", "created_at", NULL};
_Static_assert(EQUIPMENT_SORT_ID == 0 && EQUIPMENT_SORT_SERIAL == 1 && EQUIPMENT_SORT_CREATED == 2,
               "sort keys follow enum equipment_sort");

/* Texts the list's filters own (normalized serial and model, folded search). */
struct filter_texts {
  char *serial_no, *model, *q;
};

static void filter_texts_free(struct filter_texts *t) {
  free(t->serial_no);
  free(t->model);
  free(t->q);
}

static bool identifier(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 32)
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return false;
  return true;
}

/* The folded, trimmed search into t->q; f->q stays NULL when nothing is left. */
static bool read_search(struct api_request *req, struct api_response *resp, const char *q,
                        struct equipment_filter *f, struct filter_texts *t) {
  if (!q)
    return true;
  struct buf b;
  buf_init(&b, 4 * SH_MAX_SEARCH_BYTES);
  if (strlen(q) > SH_MAX_SEARCH_BYTES || utf8_fold(&b, q) != SH_OK) {
    buf_free(&b);
    api_fail(req, resp, SH_ERR_INVALID, "field_length", "q");
    return false;
  }
  t->q = buf_detach(&b);
  buf_free(&b);
  if (!t->q) {
    api_fail(req, resp, SH_ERR_INTERNAL, "out_of_memory", NULL);
    return false;
  }
  size_t start = strspn(t->q, " "), n = strlen(t->q + start);
  while (n && t->q[start + n - 1] == ' ')
    n--;
  memmove(t->q, t->q + start, n);
  t->q[n] = '\0';
  f->q = *t->q ? t->q : NULL;
  return true;
}

static bool read_filter(struct api_request *req, struct api_response *resp,
                        struct equipment_filter *f, struct filter_texts *t) {
  struct {
    const char *key;
    int64_t *out;
  } ids[] = {{"project_id", &f->project_id},
             {"customer_id", &f->customer_id},
             {"supplier_id", &f->supplier_id}};
  for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
    const char *v = api_query(req, ids[i].key);
    if (v && !api_parse_int(v, 1, INT64_MAX / 2, ids[i].out)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", ids[i].key);
      return false;
    }
  }
  const char *category = api_query(req, "category");
  if (category && !identifier(category)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "category");
    return false;
  }
  f->category = category;
  f->batch = api_query(req, "batch");
  const char *serial = api_query(req, "serial_no"), *model = api_query(req, "model");
  t->serial_no = equipment_normalize_code(serial);
  t->model = equipment_normalize_code(model);
  if ((serial && !t->serial_no) || (model && !t->model)) {
    api_fail(req, resp, SH_ERR_INTERNAL, "out_of_memory", NULL);
    return false;
  }
  f->serial_no = t->serial_no;
  f->model = t->model;
  return read_search(req, resp, api_query(req, "q"), f, t);
}

static json_t *sort_value(const struct equipment *e, enum equipment_sort sort) {
  switch (sort) {
  case EQUIPMENT_SORT_SERIAL:
    return json_string(e->serial_no);
  case EQUIPMENT_SORT_CREATED:
    return json_integer(e->created_at);
  default:
    return json_integer(e->id);
  }
}

/* What the list and its export share: the query check (allowed), the filters and the sort
 * (the newest units first unless told otherwise). On failure fills resp; either way the
 * caller frees t and lp. */
static bool read_list(struct api_request *req, struct api_response *resp,
                      const char *const *allowed, struct list_params *lp,
                      struct equipment_filter *f, struct filter_texts *t) {
  if (!api_list_params(req, resp, allowed, sort_keys, EQUIPMENT_SORT_CREATED, true, lp) ||
      !read_filter(req, resp, f, t))
    return false;
  f->sort = (enum equipment_sort)lp->sort;
  f->descending = lp->descending;
  return true;
}

void api_equipment_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"project_id", "customer_id", "serial_no",
                                        "model",      "category",    "supplier_id",
                                        "batch",      "q",           NULL};
  struct list_params lp = {0};
  struct equipment_filter f = {0};
  struct filter_texts texts = {0};
  struct equipment **list = NULL;
  int64_t total = 0;
  size_t count = 0;
  char *next = NULL;
  struct sh_error err;
  if (!read_list(req, resp, allowed, &lp, &f, &texts))
    goto out;
  f.keyset = lp.keyset;
  f.limit = lp.keyset ? lp.page_size + 1 : lp.page_size;
  f.offset = (lp.page - 1) * lp.page_size;
  if (lp.cursor) {
    json_t *v = json_object_get(lp.cursor, "v");
    f.after_id = json_integer_value(json_object_get(lp.cursor, "i"));
    if (f.sort == EQUIPMENT_SORT_SERIAL ? !json_is_string(v) : !json_is_integer(v)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_cursor", "cursor");
      goto out;
    }
    f.after_text = json_string_value(v);
    f.after_int = json_integer_value(v);
    f.after = true;
  }
  if (equipment_list(req->app, &req->actor, &f, &list, &count, &total, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  json_t *items = json_array();
  size_t shown = lp.keyset && count > (size_t)lp.page_size ? (size_t)lp.page_size : count;
  for (size_t i = 0; i < shown; i++)
    json_array_append_new(items, equipment_json(req, list[i]));
  if (shown < count)
    next = api_cursor_encode(sort_keys[f.sort], f.descending, sort_value(list[shown - 1], f.sort),
                             list[shown - 1]->id);
  api_reply(resp, 200, api_list_body(items, total, next));
out:
  equipment_list_free(list, count);
  filter_texts_free(&texts);
  free(next);
  api_list_params_free(&lp);
}

/* The list shows no warranty term (that is GET /equipment/{id}/warranty), so neither does
 * the export: it holds the list's fields. */
static const struct export_column export_columns[] = {
    {"设备编号", EXPORT_INT, 0},       {"序列号", EXPORT_TEXT, 20},
    {"型号", EXPORT_TEXT, 20},         {"设备名称", EXPORT_TEXT, 24},
    {"设备类别", EXPORT_TEXT, 0},      {"项目编号", EXPORT_INT, 0},
    {"工程项目", EXPORT_TEXT, 30},     {"客户编号", EXPORT_INT, 0},
    {"客户名称", EXPORT_TEXT, 30},     {"供应商编号", EXPORT_INT, 0},
    {"供应商", EXPORT_TEXT, 24},       {"生产批次", EXPORT_TEXT, 0},
    {"本公司销售", EXPORT_BOOL, 0},    {"安装位置", EXPORT_TEXT, 24},
    {"厂家保修期(月)", EXPORT_INT, 0}, {"设备验收日期", EXPORT_DATE, 0},
    {"项目验收日期", EXPORT_DATE, 0},  {"备注", EXPORT_TEXT, 30},
    {"创建时间", EXPORT_DATETIME, 0},  {"更新时间", EXPORT_DATETIME, 0},
};

/* GET /equipment/export: every unit of the list's filters and sort in the caller's scope
 * (not one page), as .xlsx or CSV (SPEC H5, UI.md 10). */
void api_equipment_export(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"project_id", "customer_id", "serial_no", "model",
                                        "category",   "supplier_id", "batch",     "q",
                                        "format",     "sort",        NULL};
  struct list_params lp = {0};
  struct equipment_filter f = {0};
  struct filter_texts texts = {0};
  json_t *after = NULL; /* the sort value of the last row written */
  struct download *d = NULL;
  struct sh_error err;
  struct export_table table = {"设备", export_columns,
                               sizeof export_columns / sizeof *export_columns,
                               req->app->tz_offset_minutes};
  if (!api_query_check(req, resp, allowed) || !read_list(req, resp, allowed, &lp, &f, &texts))
    goto out;
  f.keyset = true;
  f.limit = 500;
  d = api_download_begin(req, resp, &table);
  if (!d)
    goto out;
  for (;;) {
    struct equipment **list = NULL;
    int64_t total = 0;
    size_t count = 0;
    bool ok = equipment_list(req->app, &req->actor, &f, &list, &count, &total, &err) == SH_OK;
    if (ok && !api_export_fits(total, &err))
      ok = false;
    if (!ok)
      api_error(req, resp, &err);
    for (size_t i = 0; ok && i < count; i++) {
      const struct equipment *e = list[i];
      struct export_cell cells[] = {
          {.number = e->id},
          {.text = e->serial_no},
          {.text = e->model},
          {.text = e->name},
          {.text = e->category_label_zh ? e->category_label_zh : e->category},
          {.number = e->project_id},
          {.text = e->project_name},
          {.number = e->customer_id},
          {.text = e->customer_name},
          {.number = e->supplier_id, .null = e->supplier_id == 0},
          {.text = e->supplier_name},
          {.text = e->batch},
          {.number = e->sold_by_company},
          {.text = e->install_site},
          {.number = e->manufacturer_months},
          {.text = e->acceptance_date},
          {.text = e->project_acceptance_date},
          {.text = e->note},
          {.number = e->created_at},
          {.number = e->updated_at},
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
    equipment_list_free(list, count);
    if (!ok)
      goto out;
    if (!more)
      break;
  }
  api_download_finish(req, resp, d, "设备");
out:
  json_decref(after);
  api_download_free(d);
  filter_texts_free(&texts);
  api_list_params_free(&lp);
}

/* GET /equipment/{id}/warranty?date=: in warranty on date D, until when, and why (B2, B3). */
void api_equipment_warranty(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"date", NULL};
  int64_t id;
  struct equipment_warranty w;
  struct sh_error err;
  if (!api_query_check(req, resp, allowed) || !path_id(req, resp, &id))
    return;
  const char *date = api_query(req, "date");
  if (date && !date_valid(date)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "date");
    return;
  }
  if (equipment_warranty(req->app, &req->actor, id, date, &w, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  const struct warranty_answer *a = &w.answer;
  json_t *o = json_object();
  jsonx_set_int(o, "equipment_id", id);
  jsonx_set_str(o, "date", w.date);
  jsonx_set_str(o, "state", warranty_state_name(a->state));
  jsonx_set_str(o, "basis", warranty_basis_name(a->basis));
  jsonx_set_int(o, "months", a->months);
  jsonx_set_str(o, "first_day", a->first_day[0] ? a->first_day : NULL);
  jsonx_set_str(o, "last_day", a->last_day[0] ? a->last_day : NULL);
  jsonx_set_bool(o, "replacement_free", a->replacement_free);
  /* B3: out of warranty — and in it for what the company did not sell — parts are charged
   * at the manufacturer's price list. */
  jsonx_set_bool(o, "parts_charged", !a->replacement_free);
  jsonx_set_str(o, "reason", a->reason);
  jsonx_set_str(o, "text", a->text);
  jsonx_set_str(o, "acceptance_date_used", w.acceptance_date[0] ? w.acceptance_date : NULL);
  jsonx_set_str(o, "acceptance_source", w.acceptance_source);
  jsonx_set_int(o, "company_months", w.company_months);
  jsonx_set_int(o, "manufacturer_months", w.manufacturer_months);
  jsonx_set_bool(o, "sold_by_company", w.sold_by_company);
  api_reply(resp, 200, o);
}
