/* customers.c — /api/v1/customers: the customer archive over HTTP (SPEC A1, A2).
 * Decodes bodies into struct customer (every error names its field), calls domain/customer,
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
#include "../domain/audit.h"
#include "../domain/customer.h"
#include "../rules/region.h"
#include "../domain/reference.h"
#include "download.h"
#include "handlers.h"
#include "list.h"

/* The body of POST and PATCH. Fields 0..11 are in the order of enum customer_field. */
struct customer_body {
  char *name, *kind, *region_code, *address, *phone, *responsible_person, *customer_group;
  json_t *product_types;
  bool key_customer;
  char *note;
  json_t *contacts, *addresses;
  int64_t dealer_id;
  int64_t version;
};

#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct customer_body, name) }
static const struct jfield customer_fields[] = {
    F(name, JF_STRING, JF_REQUIRED, 1, 100),
    F(kind, JF_STRING, JF_REQUIRED, 1, 32),
    F(region_code, JF_STRING, JF_REQUIRED, 6, 6),
    F(address, JF_STRING, JF_NULLABLE, 0, 200),
    F(phone, JF_STRING, JF_NULLABLE, 0, 40),
    F(responsible_person, JF_STRING, JF_NULLABLE, 0, 50),
    F(customer_group, JF_STRING, JF_NULLABLE, 0, 32),
    F(product_types, JF_JSON, JF_NULLABLE, 0, 0),
    F(key_customer, JF_BOOL, 0, 0, 0),
    F(note, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500),
    F(contacts, JF_JSON, JF_NULLABLE, 0, 0),
    F(addresses, JF_JSON, JF_NULLABLE, 0, 0),
    F(dealer_id, JF_INT, JF_NULLABLE, 1, ((int64_t)1 << 53) - 1),
    F(version, JF_INT, JF_REQUIRED, 1, INT64_MAX),
};
#undef F
#define NFIELDS (sizeof customer_fields / sizeof *customer_fields)
_Static_assert(NFIELDS == CUSTOMER_FIELD_COUNT + 1, "one body field per customer field");

struct contact_body {
  char *name, *phone, *title, *email;
  bool is_primary;
};
#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct contact_body, name) }
static const struct jfield contact_fields[] = {
    F(name, JF_STRING, JF_REQUIRED, 1, 50),  F(phone, JF_STRING, JF_NULLABLE, 0, 40),
    F(title, JF_STRING, JF_NULLABLE, 0, 50), F(email, JF_STRING, JF_NULLABLE, 0, 100),
    F(is_primary, JF_BOOL, 0, 0, 0),
};
#undef F

struct address_body {
  char *label, *region_code, *detail;
  bool is_default;
};
#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct address_body, name) }
static const struct jfield address_fields[] = {
    F(label, JF_STRING, JF_NULLABLE, 0, 50),
    F(region_code, JF_STRING, JF_REQUIRED, 6, 6),
    F(detail, JF_STRING, JF_REQUIRED, 1, 200),
    F(is_default, JF_BOOL, 0, 0, 0),
};
#undef F

static bool identifier(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 32)
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return false;
  return true;
}

/* Moves the decoded body into c (strings are taken, not copied). */
static enum sh_status body_to_customer(struct customer_body *b, struct customer *c,
                                       struct sh_error *err) {
  char field[48];
  c->name = b->name;
  c->kind = b->kind;
  c->region_code = b->region_code;
  c->address = b->address;
  c->phone = b->phone;
  c->responsible_person = b->responsible_person;
  c->customer_group = b->customer_group;
  c->note = b->note;
  c->key_customer = b->key_customer;
  c->dealer_id = b->dealer_id;
  b->name = b->kind = b->region_code = b->address = b->phone = b->responsible_person =
      b->customer_group = b->note = NULL;
  /* product_types: distinct dictionary identifiers */
  if (b->product_types) {
    if (!json_is_array(b->product_types))
      return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", "product_types", "array");
    if (json_array_size(b->product_types) > 20)
      return sh_fail(err, SH_ERR_INVALID, "too_many_items", "product_types", NULL);
    size_t i;
    json_t *v;
    json_array_foreach(b->product_types, i, v) {
      snprintf(field, sizeof field, "product_types[%zu]", i);
      if (!json_is_string(v))
        return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", field, "string");
      if (!jsonx_text(v) || !identifier(jsonx_text(v)))
        return sh_fail(err, SH_ERR_INVALID, "invalid_choice", field, NULL);
      for (size_t k = 0; k < i; k++)
        if (json_equal(v, json_array_get(b->product_types, k)))
          return sh_fail(err, SH_ERR_INVALID, "duplicate", field, NULL);
    }
    c->product_types = jsonx_dump(b->product_types);
  } else {
    c->product_types = sh_strdup("[]");
  }
  if (!c->product_types)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (b->contacts) {
    if (!json_is_array(b->contacts))
      return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", "contacts", "array");
    if (json_array_size(b->contacts) > SH_MAX_CONTACTS)
      return sh_fail(err, SH_ERR_INVALID, "too_many_items", "contacts", NULL);
    c->contacts = sh_calloc(json_array_size(b->contacts), sizeof *c->contacts);
    if (!c->contacts)
      return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    size_t i;
    json_t *v;
    json_array_foreach(b->contacts, i, v) {
      struct contact_body k = {0};
      snprintf(field, sizeof field, "contacts[%zu].", i);
      enum sh_status rc = jsonx_decode(v, contact_fields, 5, &k, NULL, field, err);
      if (rc != SH_OK)
        return rc;
      c->contacts[i] = (struct customer_contact){.name = k.name,
                                                 .phone = k.phone,
                                                 .title = k.title,
                                                 .email = k.email,
                                                 .is_primary = k.is_primary};
      c->ncontacts++;
    }
  }
  if (b->addresses) {
    if (!json_is_array(b->addresses))
      return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", "addresses", "array");
    if (json_array_size(b->addresses) > SH_MAX_ADDRESSES)
      return sh_fail(err, SH_ERR_INVALID, "too_many_items", "addresses", NULL);
    c->addresses = sh_calloc(json_array_size(b->addresses), sizeof *c->addresses);
    if (!c->addresses)
      return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    size_t i;
    json_t *v;
    json_array_foreach(b->addresses, i, v) {
      struct address_body a = {0};
      snprintf(field, sizeof field, "addresses[%zu].", i);
      enum sh_status rc = jsonx_decode(v, address_fields, 4, &a, NULL, field, err);
      if (rc != SH_OK)
        return rc;
      c->addresses[i] = (struct customer_address){.label = a.label,
                                                  .region_code = a.region_code,
                                                  .detail = a.detail,
                                                  .is_default = a.is_default};
      c->naddresses++;
    }
  }
  return SH_OK;
}

/* The customer's struct members only (the caller's struct is on its stack). */
static void customer_clear(struct customer *c) {
  struct customer *heap = sh_calloc(1, sizeof *heap);
  if (heap) {
    *heap = *c;
    customer_free(heap);
  }
  memset(c, 0, sizeof *c);
}

/* A customer as the API shows it. List rows are loaded without their contacts and
 * addresses, so they do not carry the (empty) arrays: a client must not read "no contacts". */
static json_t *customer_json(struct api_request *req, const struct customer *c, bool detail) {
  json_t *o = customer_fields_json(c);
  if (!o)
    return NULL;
  if (!detail) {
    json_object_del(o, "contacts");
    json_object_del(o, "addresses");
  }
  int tz = req->app->tz_offset_minutes;
  jsonx_set_int(o, "id", c->id);
  jsonx_set_int(o, "version", c->version);
  jsonx_set_str(o, "region_name", c->region_name);
  jsonx_set_time(o, "created_at", c->created_at, tz);
  jsonx_set_time(o, "updated_at", c->updated_at, tz);
  return o;
}

/* Decodes the body; present gets the fields given (NULL: creation, all required). */
static bool decode_body(struct api_request *req, struct api_response *resp, struct customer_body *b,
                        uint64_t *present) {
  json_t *root = NULL;
  struct sh_error err;
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  if (rc == SH_OK) {
    /* On creation there is no version to carry: decode without the last field. */
    rc = jsonx_decode(root, customer_fields, present ? NFIELDS : NFIELDS - 1, b, present, NULL,
                      &err);
    if (rc == SH_OK && present && !(*present & ((uint64_t)1 << CUSTOMER_FIELD_COUNT))) {
      rc = sh_fail(&err, SH_ERR_INVALID, "field_required", "version", NULL);
      jsonx_free(customer_fields, NFIELDS, b);
    }
  }
  json_decref(root);
  if (rc != SH_OK) {
    api_error(req, resp, &err);
    return false;
  }
  return true;
}

void api_customers_create(struct api_request *req, struct api_response *resp) {
  struct customer_body b = {0};
  struct customer in = {0}, *out = NULL;
  struct sh_error err;
  bool replayed = false;
  if (!api_query_check(req, resp, NULL) || !decode_body(req, resp, &b, NULL))
    return;
  enum sh_status rc = body_to_customer(&b, &in, &err);
  if (rc == SH_OK)
    rc = customer_create(req->app, &req->actor, &in, req->idempotency_key, &out, &replayed, &err);
  if (rc == SH_OK)
    api_reply(resp, replayed ? 200 : 201, customer_json(req, out, true));
  else
    api_error(req, resp, &err);
  customer_free(out);
  customer_clear(&in);
  jsonx_free(customer_fields, NFIELDS, &b);
}

void api_customers_get(struct api_request *req, struct api_response *resp) {
  int64_t id;
  struct customer *c = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  if (customer_get(req->app, &req->actor, id, &c, &err) == SH_OK)
    api_reply(resp, 200, customer_json(req, c, true));
  else
    api_error(req, resp, &err);
  customer_free(c);
}

void api_customers_update(struct api_request *req, struct api_response *resp) {
  struct customer_body b = {0};
  struct customer in = {0}, *out = NULL;
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
  enum sh_status rc = body_to_customer(&b, &in, &err);
  if (rc == SH_OK)
    rc = customer_update(req->app, &req->actor, id, b.version, &in,
                         present & ~((uint64_t)1 << CUSTOMER_FIELD_COUNT), &out, &err);
  if (rc == SH_OK)
    api_reply(resp, 200, customer_json(req, out, true));
  else
    api_error(req, resp, &err);
  customer_free(out);
  customer_clear(&in);
  jsonx_free(customer_fields, NFIELDS, &b);
}

void api_customers_delete(struct api_request *req, struct api_response *resp) {
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
  if (customer_delete(req->app, &req->actor, id, version, &err) == SH_OK)
    api_reply(resp, 204, NULL);
  else
    api_error(req, resp, &err);
}

static const char *const sort_keys[] = {"id",         "name",      "created_at",
                                        "updated_at", "relevance", NULL};
_Static_assert(CUSTOMER_SORT_ID == 0 && CUSTOMER_SORT_NAME == 1 && CUSTOMER_SORT_CREATED == 2 &&
                   CUSTOMER_SORT_UPDATED == 3 && CUSTOMER_SORT_RELEVANCE == 4,
               "sort keys follow enum customer_sort");

/* Reads the filter parameters into f; q is folded into *folded (caller frees). */
static bool read_filter(struct api_request *req, struct api_response *resp,
                        struct customer_filter *f, char **folded, char prefix[8]) {
  const char *q = api_query(req, "q"), *region = api_query(req, "region_code");
  const char *group = api_query(req, "customer_group"), *product = api_query(req, "product_type");
  const char *key = api_query(req, "key_customer");
  f->key_customer = -1;
  if (q) {
    if (strlen(q) > SH_MAX_SEARCH_BYTES) {
      api_fail(req, resp, SH_ERR_INVALID, "field_length", "q");
      return false;
    }
    struct buf b;
    buf_init(&b, 4 * SH_MAX_SEARCH_BYTES);
    utf8_fold(&b, q);
    /* Spaces around the query are not part of what the user looks for. */
    char *s = buf_detach(&b), *start = s;
    while (*start == ' ')
      start++;
    size_t n = strlen(start);
    while (n && start[n - 1] == ' ')
      start[--n] = '\0';
    memmove(s, start, n + 1);
    *folded = s;
    f->q = *s ? s : NULL;
  }
  if (region) {
    if (!region_code_valid(region)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "region_code");
      return false;
    }
    region_prefix(region, prefix);
    f->region_prefix = prefix;
  }
  if (group) {
    if (!identifier(group)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "customer_group");
      return false;
    }
    f->customer_group = group;
  }
  if (product) {
    if (!identifier(product)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "product_type");
      return false;
    }
    f->product_type = product;
  }
  if (key) {
    if (strcmp(key, "true") == 0 || strcmp(key, "1") == 0)
      f->key_customer = 1;
    else if (strcmp(key, "false") == 0 || strcmp(key, "0") == 0)
      f->key_customer = 0;
    else {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "key_customer");
      return false;
    }
  }
  return true;
}

/* True if q holds something to search for once folded: "　" (a full-width space) is as empty
 * as " ". Invalid UTF-8 counts as given; the query check refuses it before it matters. */
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

static json_t *sort_value(const struct customer *c, int64_t rank, enum customer_sort sort) {
  switch (sort) {
  case CUSTOMER_SORT_NAME:
    return json_string(c->name);
  case CUSTOMER_SORT_CREATED:
    return json_integer(c->created_at);
  case CUSTOMER_SORT_UPDATED:
    return json_integer(c->updated_at);
  case CUSTOMER_SORT_RELEVANCE:
    return json_integer(rank);
  default:
    return json_integer(c->id);
  }
}

void api_customers_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {
      "q", "region_code", "customer_group", "product_type", "key_customer", NULL};
  struct list_params lp;
  struct customer_filter f = {0};
  struct customer **list = NULL;
  int64_t *ranks = NULL, total = 0;
  size_t count = 0;
  char *folded = NULL, *next = NULL, prefix[8];
  struct sh_error err;
  bool searching = false;
  /* A search lists the best matches first; otherwise the newest customers come first. */
  bool q_given = search_given(api_query(req, "q"));
  if (!api_list_params(req, resp, allowed, sort_keys,
                       q_given ? CUSTOMER_SORT_RELEVANCE : CUSTOMER_SORT_CREATED, !q_given, &lp))
    return;
  if (!read_filter(req, resp, &f, &folded, prefix))
    goto out;
  searching = f.q != NULL;
  if (lp.sort == CUSTOMER_SORT_RELEVANCE && !searching) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "sort");
    goto out;
  }
  f.sort = (enum customer_sort)lp.sort;
  f.descending = lp.descending;
  f.keyset = lp.keyset;
  f.limit = lp.keyset ? lp.page_size + 1 : lp.page_size;
  f.offset = (lp.page - 1) * lp.page_size;
  if (lp.cursor) {
    json_t *v = json_object_get(lp.cursor, "v");
    f.after_id = json_integer_value(json_object_get(lp.cursor, "i"));
    if (f.sort == CUSTOMER_SORT_NAME ? !json_is_string(v) : !json_is_integer(v)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_cursor", "cursor");
      goto out;
    }
    f.after_text = json_string_value(v);
    f.after_int = json_integer_value(v);
    f.after = true;
  }
  if (customer_list(req->app, &req->actor, &f, &list, &ranks, &count, &total, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  json_t *items = json_array();
  size_t shown = lp.keyset && count > (size_t)lp.page_size ? (size_t)lp.page_size : count;
  for (size_t i = 0; i < shown; i++)
    json_array_append_new(items, customer_json(req, list[i], false));
  if (shown < count)
    next = api_cursor_encode(sort_keys[f.sort], f.descending,
                             sort_value(list[shown - 1], ranks[shown - 1], f.sort),
                             list[shown - 1]->id);
  api_reply(resp, 200, api_list_body(items, total, next));
out:
  customer_list_free(list, count);
  free(ranks);
  free(folded);
  free(next);
  api_list_params_free(&lp);
}

void api_customers_history(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"cursor", "page_size", NULL};
  int64_t id, before = 0, size = 50, total = 0;
  struct audit_record *list = NULL;
  size_t count = 0;
  struct sh_error err;
  if (!api_query_check(req, resp, allowed))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  if (!api_id_page(req, resp, &before, &size))
    return;
  if (customer_history(req->app, &req->actor, id, before, size + 1, &list, &count, &total, &err) !=
      SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  api_reply(resp, 200, api_audit_items(req, list, count, total, size));
  audit_records_free(list, count);
}

/* product_types ["surveillance","parking"] → "监控设备、停车场管理". Caller frees. */
static char *product_labels(const struct dict_row *rows, size_t n, const char *json) {
  json_error_t jerr;
  json_t *types = json_loads(json ? json : "[]", 0, &jerr);
  struct buf b;
  buf_init(&b, 4096);
  size_t i;
  json_t *v;
  json_array_foreach(types, i, v) {
    if (i)
      buf_append_str(&b, "、");
    buf_append_str(&b, api_dict_label(rows, n, "product_type", json_string_value(v)));
  }
  json_decref(types);
  return buf_detach(&b);
}

static const struct export_column export_columns[] = {
    {"客户编号", EXPORT_INT, 0},      {"客户名称", EXPORT_TEXT, 30},
    {"类型", EXPORT_TEXT, 0},         {"地区编码", EXPORT_TEXT, 0},
    {"所在地区", EXPORT_TEXT, 24},    {"详细地址", EXPORT_TEXT, 30},
    {"电话", EXPORT_TEXT, 16},        {"负责人", EXPORT_TEXT, 0},
    {"客户分组", EXPORT_TEXT, 0},     {"产品类型", EXPORT_TEXT, 24},
    {"重点客户", EXPORT_BOOL, 0},     {"备注", EXPORT_TEXT, 30},
    {"创建时间", EXPORT_DATETIME, 0}, {"更新时间", EXPORT_DATETIME, 0},
};

void api_customers_export(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {
      "q", "region_code", "customer_group", "product_type", "key_customer", "format", "sort", NULL};
  struct customer_filter f = {.keyset = true, .limit = 500};
  struct dict_row *dict = NULL;
  size_t ndict = 0;
  char *folded = NULL, prefix[8];
  struct download *d = NULL;
  struct sh_error err;
  struct export_table table = {"客户", export_columns,
                               sizeof export_columns / sizeof *export_columns,
                               req->app->tz_offset_minutes};
  if (!api_query_check(req, resp, allowed) || !read_filter(req, resp, &f, &folded, prefix))
    goto out;
  f.sort = f.q ? CUSTOMER_SORT_RELEVANCE : CUSTOMER_SORT_ID;
  const char *sort = api_query(req, "sort");
  if (sort) {
    bool desc = *sort == '-', found = false;
    for (int i = 0; sort_keys[i]; i++)
      if (strcmp(sort_keys[i], desc ? sort + 1 : sort) == 0) {
        f.sort = (enum customer_sort)i;
        f.descending = desc;
        found = true;
      }
    if (!found || (f.sort == CUSTOMER_SORT_RELEVANCE && !f.q)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "sort");
      goto out;
    }
  }
  if (reference_dictionaries(req->app, &dict, &ndict, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  d = api_download_begin(req, resp, &table);
  if (!d)
    goto out;
  for (;;) {
    struct customer **list = NULL;
    int64_t *ranks = NULL, total = 0;
    size_t count = 0;
    if (customer_list(req->app, &req->actor, &f, &list, &ranks, &count, &total, &err) != SH_OK) {
      api_error(req, resp, &err);
      goto out;
    }
    bool ok = api_export_fits(total, &err);
    if (!ok)
      api_error(req, resp, &err);
    for (size_t i = 0; ok && i < count; i++) {
      const struct customer *c = list[i];
      char *products = product_labels(dict, ndict, c->product_types);
      struct export_cell cells[] = {
          {.number = c->id},
          {.text = c->name},
          {.text = api_dict_label(dict, ndict, "customer_kind", c->kind)},
          {.text = c->region_code},
          {.text = c->region_name},
          {.text = c->address},
          {.text = c->phone},
          {.text = c->responsible_person},
          {.text = api_dict_label(dict, ndict, "customer_group", c->customer_group)},
          {.text = products},
          {.number = c->key_customer},
          {.text = c->note},
          {.number = c->created_at},
          {.number = c->updated_at},
      };
      ok = api_download_row(req, resp, d, cells);
      free(products);
    }
    if (ok && count == (size_t)f.limit) {
      const struct customer *last = list[count - 1];
      f.after = true;
      f.after_id = last->id;
      f.after_int = f.sort == CUSTOMER_SORT_CREATED   ? last->created_at
                    : f.sort == CUSTOMER_SORT_UPDATED ? last->updated_at
                                                      : ranks[count - 1];
      free((char *)f.after_text);
      f.after_text = f.sort == CUSTOMER_SORT_NAME ? sh_strdup(last->name) : NULL;
    }
    bool more = ok && count == (size_t)f.limit;
    customer_list_free(list, count);
    free(ranks);
    if (!ok)
      goto out;
    if (!more)
      break;
  }
  api_download_finish(req, resp, d, "客户");
out:
  free((char *)f.after_text);
  api_download_free(d);
  dict_rows_free(dict, ndict);
  free(folded);
}
