/* dealers.c — /api/v1/dealers and /api/v1/dealers/{id}/records: the dealer archive and the
 * records of the dealers' after-sales work over HTTP (SPEC A3). Decodes bodies into struct
 * dealer and struct dealer_record (every error names its field), calls domain/dealer,
 * encodes the result. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/jsonx.h"
#include "../base/limits.h"
#include "../base/mem.h"
#include "../base/utf8.h"
#include "../domain/dealer.h"
#include "../rules/region.h"
#include "download.h"
#include "handlers.h"
#include "list.h"

/* The body of POST and PATCH. Fields 0..10 are in the order of enum dealer_field. */
struct dealer_body {
  char *name, *region_code, *contact_person, *phone, *address, *contract_no, *contract_start,
      *contract_end;
  bool service_station;
  char *station_since, *note;
  int64_t version;
};

#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct dealer_body, name) }
static const struct jfield dealer_fields[] = {
    F(name, JF_STRING, JF_REQUIRED, 1, 100),
    F(region_code, JF_STRING, JF_REQUIRED, 6, 6),
    F(contact_person, JF_STRING, JF_NULLABLE, 0, 50),
    F(phone, JF_STRING, JF_NULLABLE, 0, 40),
    F(address, JF_STRING, JF_NULLABLE, 0, 200),
    F(contract_no, JF_STRING, JF_NULLABLE, 0, 64),
    F(contract_start, JF_DATE, JF_NULLABLE, 0, 0),
    F(contract_end, JF_DATE, JF_NULLABLE, 0, 0),
    F(service_station, JF_BOOL, 0, 0, 0),
    F(station_since, JF_DATE, JF_NULLABLE, 0, 0),
    F(note, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500),
    F(version, JF_INT, JF_REQUIRED, 1, INT64_MAX),
};
#undef F
#define NFIELDS (sizeof dealer_fields / sizeof *dealer_fields)
_Static_assert(NFIELDS == DEALER_FIELD_COUNT + 1, "one body field per dealer field");

/* The largest whole number JavaScript holds exactly (DESIGN.md: money in fen below 2^53). */
#define SAFE_INTEGER_MAX ((INT64_C(1) << 53) - 1)

/* The body of POST /records. score and penalty_fen are -1 when absent or null. */
struct record_body {
  char *kind, *held_on;
  int64_t score;
  char *topic, *findings, *penalty;
  int64_t penalty_fen;
};

#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct record_body, name) }
static const struct jfield record_fields[] = {
    F(kind, JF_STRING, JF_REQUIRED, 1, 32),
    F(held_on, JF_DATE, JF_REQUIRED, 0, 0),
    F(score, JF_INT, JF_NULLABLE, 0, 100),
    F(topic, JF_STRING, JF_NULLABLE, 0, 200),
    F(findings, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 2000),
    F(penalty, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500),
    F(penalty_fen, JF_INT, JF_NULLABLE, 0, SAFE_INTEGER_MAX),
};
#undef F
#define NRECORD_FIELDS (sizeof record_fields / sizeof *record_fields)

/* Moves the decoded body into d (strings are taken, not copied). */
static void body_to_dealer(struct dealer_body *b, struct dealer *d) {
  d->name = b->name;
  d->region_code = b->region_code;
  d->contact_person = b->contact_person;
  d->phone = b->phone;
  d->address = b->address;
  d->contract_no = b->contract_no;
  d->contract_start = b->contract_start;
  d->contract_end = b->contract_end;
  d->service_station = b->service_station;
  d->station_since = b->station_since;
  d->note = b->note;
  memset(b, 0, offsetof(struct dealer_body, version));
}

/* The dealer's struct members only (the caller's struct is on its stack). */
static void dealer_clear(struct dealer *d) {
  struct dealer *heap = sh_calloc(1, sizeof *heap);
  if (heap) {
    *heap = *d;
    dealer_free(heap);
  }
  memset(d, 0, sizeof *d);
}

static json_t *dealer_json(struct api_request *req, const struct dealer *d) {
  json_t *o = dealer_fields_json(d);
  if (!o)
    return NULL;
  int tz = req->app->tz_offset_minutes;
  jsonx_set_int(o, "id", d->id);
  jsonx_set_int(o, "version", d->version);
  jsonx_set_str(o, "region_name", d->region_name);
  jsonx_set_time(o, "created_at", d->created_at, tz);
  jsonx_set_time(o, "updated_at", d->updated_at, tz);
  return o;
}

static json_t *record_json(struct api_request *req, const struct dealer_record *r) {
  json_t *o = dealer_record_fields_json(r);
  if (!o)
    return NULL;
  jsonx_set_int(o, "id", r->id);
  json_object_set_new(o, "recorded_by",
                      r->recorded_by ? json_integer(r->recorded_by) : json_null());
  jsonx_set_str(o, "recorded_by_name", r->recorded_by_name);
  jsonx_set_time(o, "created_at", r->created_at, req->app->tz_offset_minutes);
  return o;
}

/* Decodes the body; present gets the fields given (NULL: creation, all required). */
static bool decode_body(struct api_request *req, struct api_response *resp, struct dealer_body *b,
                        uint64_t *present) {
  json_t *root = NULL;
  struct sh_error err;
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  if (rc == SH_OK) {
    /* On creation there is no version to carry: decode without the last field. */
    rc = jsonx_decode(root, dealer_fields, present ? NFIELDS : NFIELDS - 1, b, present, NULL, &err);
    if (rc == SH_OK && present && !(*present & ((uint64_t)1 << DEALER_FIELD_COUNT))) {
      rc = sh_fail(&err, SH_ERR_INVALID, "field_required", "version", NULL);
      jsonx_free(dealer_fields, NFIELDS, b);
    }
  }
  json_decref(root);
  if (rc != SH_OK) {
    api_error(req, resp, &err);
    return false;
  }
  return true;
}

void api_dealers_create(struct api_request *req, struct api_response *resp) {
  struct dealer_body b = {0};
  struct dealer in = {0}, *out = NULL;
  struct sh_error err;
  bool replayed = false;
  if (!api_query_check(req, resp, NULL) || !decode_body(req, resp, &b, NULL))
    return;
  body_to_dealer(&b, &in);
  if (dealer_create(req->app, &req->actor, &in, req->idempotency_key, &out, &replayed, &err) ==
      SH_OK)
    api_reply(resp, replayed ? 200 : 201, dealer_json(req, out));
  else
    api_error(req, resp, &err);
  dealer_free(out);
  dealer_clear(&in);
}

void api_dealers_get(struct api_request *req, struct api_response *resp) {
  int64_t id;
  struct dealer *d = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  if (dealer_get(req->app, &req->actor, id, &d, &err) == SH_OK)
    api_reply(resp, 200, dealer_json(req, d));
  else
    api_error(req, resp, &err);
  dealer_free(d);
}

void api_dealers_update(struct api_request *req, struct api_response *resp) {
  struct dealer_body b = {0};
  struct dealer in = {0}, *out = NULL;
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
  body_to_dealer(&b, &in);
  if (dealer_update(req->app, &req->actor, id, b.version, &in,
                    present & ~((uint64_t)1 << DEALER_FIELD_COUNT), &out, &err) == SH_OK)
    api_reply(resp, 200, dealer_json(req, out));
  else
    api_error(req, resp, &err);
  dealer_free(out);
  dealer_clear(&in);
}

void api_dealers_delete(struct api_request *req, struct api_response *resp) {
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
  if (dealer_delete(req->app, &req->actor, id, version, &err) == SH_OK)
    api_reply(resp, 204, NULL);
  else
    api_error(req, resp, &err);
}

static const char *const sort_keys[] = {"id",         "name",      "created_at",
                                        "updated_at", "relevance", NULL};
_Static_assert(DEALER_SORT_ID == 0 && DEALER_SORT_NAME == 1 && DEALER_SORT_CREATED == 2 &&
                   DEALER_SORT_UPDATED == 3 && DEALER_SORT_RELEVANCE == 4,
               "sort keys follow enum dealer_sort");

/* The folded search text of q without the spaces around it, NULL if nothing is left. Caller
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

/* Reads a true/false query flag into *out (1 or 0); absent leaves it. */
static bool read_flag(struct api_request *req, struct api_response *resp, const char *name,
                      int *out) {
  const char *v = api_query(req, name);
  if (!v)
    return true;
  if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
    *out = 1;
  else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
    *out = 0;
  else {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", name);
    return false;
  }
  return true;
}

/* Reads the filter parameters into f; q is folded into *folded (caller frees). */
static bool read_filter(struct api_request *req, struct api_response *resp, struct dealer_filter *f,
                        char **folded, char prefix[8]) {
  const char *q = api_query(req, "q"), *region = api_query(req, "region_code");
  f->service_station = -1;
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
  return read_flag(req, resp, "service_station", &f->service_station);
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

static json_t *sort_value(const struct dealer *d, int64_t rank, enum dealer_sort sort) {
  switch (sort) {
  case DEALER_SORT_NAME:
    return json_string(d->name);
  case DEALER_SORT_CREATED:
    return json_integer(d->created_at);
  case DEALER_SORT_UPDATED:
    return json_integer(d->updated_at);
  case DEALER_SORT_RELEVANCE:
    return json_integer(rank);
  default:
    return json_integer(d->id);
  }
}

/* What the list and its export share: the query check (allowed), the filters and the sort.
 * A search lists the best matches first; otherwise the newest dealers come first. On
 * failure fills resp; either way the caller frees *folded and lp. */
static bool read_list(struct api_request *req, struct api_response *resp,
                      const char *const *allowed, struct list_params *lp, struct dealer_filter *f,
                      char **folded, char prefix[8]) {
  bool q_given = search_given(api_query(req, "q"));
  if (!api_list_params(req, resp, allowed, sort_keys,
                       q_given ? DEALER_SORT_RELEVANCE : DEALER_SORT_CREATED, !q_given, lp) ||
      !read_filter(req, resp, f, folded, prefix))
    return false;
  if (lp->sort == DEALER_SORT_RELEVANCE && !f->q) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "sort");
    return false;
  }
  f->sort = (enum dealer_sort)lp->sort;
  f->descending = lp->descending;
  return true;
}

void api_dealers_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"q", "region_code", "service_station", NULL};
  struct list_params lp = {0};
  struct dealer_filter f = {0};
  struct dealer **list = NULL;
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
    if (f.sort == DEALER_SORT_NAME ? !json_is_string(v) : !json_is_integer(v)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_cursor", "cursor");
      goto out;
    }
    f.after_text = json_string_value(v);
    f.after_int = json_integer_value(v);
    f.after = true;
  }
  if (dealer_list(req->app, &req->actor, &f, &list, &ranks, &count, &total, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  json_t *items = json_array();
  size_t shown = lp.keyset && count > (size_t)lp.page_size ? (size_t)lp.page_size : count;
  for (size_t i = 0; i < shown; i++)
    json_array_append_new(items, dealer_json(req, list[i]));
  if (shown < count)
    next = api_cursor_encode(sort_keys[f.sort], f.descending,
                             sort_value(list[shown - 1], ranks[shown - 1], f.sort),
                             list[shown - 1]->id);
  api_reply(resp, 200, api_list_body(items, total, next));
out:
  dealer_list_free(list, count);
  free(ranks);
  free(folded);
  free(next);
  api_list_params_free(&lp);
}

static const struct export_column export_columns[] = {
    {"经销商编号", EXPORT_INT, 0},    {"经销商名称", EXPORT_TEXT, 30},
    {"地区编码", EXPORT_TEXT, 0},     {"所在地区", EXPORT_TEXT, 24},
    {"联系人", EXPORT_TEXT, 0},       {"电话", EXPORT_TEXT, 16},
    {"详细地址", EXPORT_TEXT, 30},    {"合同编号", EXPORT_TEXT, 16},
    {"合同开始日期", EXPORT_DATE, 0}, {"合同结束日期", EXPORT_DATE, 0},
    {"独立服务站", EXPORT_BOOL, 0},   {"服务站设立日期", EXPORT_DATE, 0},
    {"备注", EXPORT_TEXT, 30},        {"创建时间", EXPORT_DATETIME, 0},
    {"更新时间", EXPORT_DATETIME, 0},
};

/* GET /dealers/export: every dealer of the list's filters and sort in the caller's scope
 * (not one page), as .xlsx or CSV (SPEC H5, UI.md 10). */
void api_dealers_export(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"q",      "region_code", "service_station",
                                        "format", "sort",        NULL};
  struct list_params lp = {0};
  struct dealer_filter f = {0};
  json_t *after = NULL; /* the sort value of the last row written */
  char *folded = NULL, prefix[8];
  struct download *d = NULL;
  struct sh_error err;
  struct export_table table = {"经销商", export_columns,
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
    struct dealer **list = NULL;
    int64_t *ranks = NULL, total = 0;
    size_t count = 0;
    bool ok = dealer_list(req->app, &req->actor, &f, &list, &ranks, &count, &total, &err) == SH_OK;
    if (ok && !api_export_fits(total, &err))
      ok = false;
    if (!ok)
      api_error(req, resp, &err);
    for (size_t i = 0; ok && i < count; i++) {
      const struct dealer *x = list[i];
      struct export_cell cells[] = {
          {.number = x->id},
          {.text = x->name},
          {.text = x->region_code},
          {.text = x->region_name},
          {.text = x->contact_person},
          {.text = x->phone},
          {.text = x->address},
          {.text = x->contract_no},
          {.text = x->contract_start},
          {.text = x->contract_end},
          {.number = x->service_station},
          {.text = x->station_since},
          {.text = x->note},
          {.number = x->created_at},
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
    dealer_list_free(list, count);
    free(ranks);
    if (!ok)
      goto out;
    if (!more)
      break;
  }
  api_download_finish(req, resp, d, "经销商");
out:
  json_decref(after);
  api_download_free(d);
  free(folded);
  api_list_params_free(&lp);
}

/* ---- records ------------------------------------------------------------------------------ */

/* True if the body gave key a value other than null. */
static bool has_value(json_t *root, const char *key) {
  json_t *v = json_object_get(root, key);
  return v && !json_is_null(v);
}

void api_dealer_records_create(struct api_request *req, struct api_response *resp) {
  struct record_body b = {0};
  struct dealer_record in = {0}, *out = NULL;
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
    rc = jsonx_decode(root, record_fields, NRECORD_FIELDS, &b, NULL, NULL, &err);
  if (rc == SH_OK) {
    in = (struct dealer_record){.dealer_id = id,
                                .kind = b.kind,
                                .held_on = b.held_on,
                                .score = has_value(root, "score") ? b.score : -1,
                                .topic = b.topic,
                                .findings = b.findings,
                                .penalty = b.penalty,
                                .penalty_fen = has_value(root, "penalty_fen") ? b.penalty_fen : -1};
    rc = dealer_record_create(req->app, &req->actor, &in, req->idempotency_key, &out, &replayed,
                              &err);
  }
  if (rc == SH_OK)
    api_reply(resp, replayed ? 200 : 201, record_json(req, out));
  else
    api_error(req, resp, &err);
  dealer_record_clear(out);
  free(out);
  json_decref(root);
  jsonx_free(record_fields, NRECORD_FIELDS, &b);
}

void api_dealer_records_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"kind", NULL};
  static const char *const record_sorts[] = {"held_on", NULL};
  struct list_params lp;
  struct dealer_record_filter f = {0};
  struct dealer_record *list = NULL;
  size_t count = 0;
  int64_t total = 0, id;
  char *next = NULL;
  struct sh_error err;
  if (!api_list_params(req, resp, allowed, record_sorts, 0, true, &lp))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    goto out;
  }
  f.dealer_id = id;
  f.kind = api_query(req, "kind");
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
    f.after_held_on = json_string_value(v);
    f.after_id = json_integer_value(json_object_get(lp.cursor, "i"));
    f.after = true;
  }
  if (dealer_record_list(req->app, &req->actor, &f, &list, &count, &total, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  json_t *items = json_array();
  size_t shown = lp.keyset && count > (size_t)lp.page_size ? (size_t)lp.page_size : count;
  for (size_t i = 0; i < shown; i++)
    json_array_append_new(items, record_json(req, &list[i]));
  if (shown < count)
    next = api_cursor_encode(record_sorts[0], f.descending, json_string(list[shown - 1].held_on),
                             list[shown - 1].id);
  api_reply(resp, 200, api_list_body(items, total, next));
out:
  dealer_records_free(list, count);
  free(next);
  api_list_params_free(&lp);
}
