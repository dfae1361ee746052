/* list.c — query checks, paging, sorting and cursors (see list.h). */
#include "list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/codec.h"
#include "../base/jsonx.h"
#include "../base/limits.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"

static const char *const list_keys[] = {"page", "page_size", "cursor", "sort", NULL};

static bool in_list(const char *const *list, const char *key) {
  for (size_t i = 0; list && list[i]; i++)
    if (strcmp(list[i], key) == 0)
      return true;
  return false;
}

static bool check(struct api_request *req, struct api_response *resp, const char *const *allowed,
                  bool lists) {
  if (req->query_overflow) {
    api_fail(req, resp, SH_ERR_MALFORMED, "too_many_items", "query");
    return false;
  }
  if (req->query_nul) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", req->query_nul);
    return false;
  }
  for (int i = 0; i < req->nquery; i++) {
    const char *key = req->query[i].key, *value = req->query[i].value;
    if (!in_list(allowed, key) && !(lists && in_list(list_keys, key))) {
      api_fail(req, resp, SH_ERR_MALFORMED, "unknown_parameter", key);
      return false;
    }
    for (int k = 0; k < i; k++)
      if (strcmp(req->query[k].key, key) == 0) {
        api_fail(req, resp, SH_ERR_MALFORMED, "duplicate_parameter", key);
        return false;
      }
    if (value && strlen(value) > SH_MAX_QUERY_BYTES) {
      api_fail(req, resp, SH_ERR_MALFORMED, "field_length", key);
      return false;
    }
    if (value && !utf8_valid(value, strlen(value))) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_utf8", key);
      return false;
    }
  }
  return true;
}

bool api_query_check(struct api_request *req, struct api_response *resp,
                     const char *const *allowed) {
  return check(req, resp, allowed, false);
}

bool api_parse_int(const char *s, int64_t min, int64_t max, int64_t *out) {
  if (!s || !*s || strlen(s) > 18)
    return false;
  int64_t v = 0;
  bool negative = *s == '-';
  if (negative)
    s++;
  if (!*s)
    return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return false;
    v = v * 10 + (*s - '0');
  }
  if (negative)
    v = -v;
  if (v < min || v > max)
    return false;
  *out = v;
  return true;
}

/* The sort a cursor belongs to: "name" or "-name". */
static void cursor_sort(char *out, size_t n, const char *sort_name, bool descending) {
  snprintf(out, n, "%s%s", descending ? "-" : "", sort_name);
}

bool api_list_params(struct api_request *req, struct api_response *resp, const char *const *allowed,
                     const char *const *sort_keys, int default_sort, bool default_descending,
                     struct list_params *out) {
  memset(out, 0, sizeof *out);
  out->page = 1;
  out->page_size = 20;
  out->sort = default_sort;
  out->descending = default_descending;
  if (!check(req, resp, allowed, true))
    return false;
  const char *page = api_query(req, "page"), *size = api_query(req, "page_size");
  const char *sort = api_query(req, "sort"), *cursor = api_query(req, "cursor");
  if (page && !api_parse_int(page, 1, SH_MAX_PAGE_WINDOW, &out->page)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "page");
    return false;
  }
  if (size && !api_parse_int(size, 1, SH_MAX_PAGE_SIZE, &out->page_size)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "page_size");
    return false;
  }
  if (out->page * out->page_size > SH_MAX_PAGE_WINDOW) {
    api_fail(req, resp, SH_ERR_INVALID, "page_window_exceeded", "page");
    return false;
  }
  if (sort) {
    bool desc = *sort == '-';
    const char *name = desc ? sort + 1 : sort;
    int found = -1;
    for (int i = 0; sort_keys && sort_keys[i]; i++)
      if (strcmp(sort_keys[i], name) == 0)
        found = i;
    if (found < 0) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "sort");
      return false;
    }
    out->sort = found;
    out->descending = desc;
  }
  if (cursor) {
    if (page) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "page");
      return false;
    }
    out->keyset = true;
    if (*cursor) {
      size_t len = 0;
      char *raw = base64url_decode(cursor, 2048, &len);
      json_error_t jerr;
      json_t *c = raw ? json_loadb(raw, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
      free(raw);
      const char *s = json_string_value(json_object_get(c, "s"));
      json_t *id = json_object_get(c, "i");
      char expected[64];
      cursor_sort(expected, sizeof expected, sort_keys[out->sort], out->descending);
      if (!c || !s || strcmp(s, expected) != 0 || !json_is_integer(id) ||
          !json_object_get(c, "v")) {
        json_decref(c);
        api_fail(req, resp, SH_ERR_MALFORMED, "invalid_cursor", "cursor");
        return false;
      }
      out->cursor = c;
    }
  }
  return true;
}

void api_list_params_free(struct list_params *p) {
  json_decref(p->cursor);
  p->cursor = NULL;
}

char *api_cursor_encode(const char *sort_name, bool descending, json_t *value, int64_t id) {
  char sort[64];
  cursor_sort(sort, sizeof sort, sort_name, descending);
  json_t *c = json_object();
  json_object_set_new(c, "s", json_string(sort));
  json_object_set_new(c, "v", value ? value : json_null());
  json_object_set_new(c, "i", json_integer(id));
  char *text = jsonx_dump(c);
  json_decref(c);
  if (!text)
    return NULL;
  char *out = base64url_encode(text, strlen(text));
  free(text);
  return out;
}

json_t *api_list_body(json_t *items, int64_t total, const char *next_cursor) {
  json_t *body = json_object();
  json_object_set_new(body, "items", items ? items : json_array());
  json_object_set_new(body, "total", json_integer(total));
  json_object_set_new(body, "next_cursor", next_cursor ? json_string(next_cursor) : json_null());
  return body;
}

bool api_id_page(struct api_request *req, struct api_response *resp, int64_t *before_id,
                 int64_t *page_size) {
  *before_id = 0;
  *page_size = 50;
  const char *size = api_query(req, "page_size"), *cursor = api_query(req, "cursor");
  if (size && !api_parse_int(size, 1, SH_MAX_PAGE_SIZE, page_size)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "page_size");
    return false;
  }
  if (cursor && *cursor) {
    size_t len = 0;
    char *raw = base64url_decode(cursor, 2048, &len);
    json_error_t jerr;
    json_t *c = raw ? json_loadb(raw, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    free(raw);
    const char *s = json_string_value(json_object_get(c, "s"));
    json_t *id = json_object_get(c, "i");
    bool ok = s && strcmp(s, "-id") == 0 && json_is_integer(id) && json_integer_value(id) > 0;
    if (ok)
      *before_id = json_integer_value(id);
    json_decref(c);
    if (!ok) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_cursor", "cursor");
      return false;
    }
  }
  return true;
}

bool api_query_folded(struct api_request *req, struct api_response *resp, char **folded) {
  const char *v = api_query(req, "q");
  *folded = NULL;
  if (!v || !*v)
    return true;
  struct buf b;
  buf_init(&b, 1024);
  bool ok = utf8_fold(&b, v) == SH_OK;
  if (ok)
    *folded = buf_detach(&b);
  else
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "q");
  buf_free(&b);
  return ok;
}

bool api_day_start(const char *day, int64_t plus_days, int tz_minutes, int64_t *out) {
  unsigned y, m, d;
  if (!date_valid(day) || sscanf(day, "%4u-%2u-%2u", &y, &m, &d) != 3)
    return false;
  *out = (days_from_civil(y, m, d) + plus_days) * 86400 - (int64_t)tz_minutes * 60;
  return true;
}
