/* fuzz_query.c — libFuzzer harness for the query conventions of every list (src/api/list.c):
 * api_query_check, api_list_params (page, page_size, sort, cursor), api_id_page,
 * api_query_folded, api_day_start and api_parse_int (the last four, as in the handlers, on a
 * query that passed api_query_check). The lists' own filter readers (static
 * in each api/ file) are fuzzed through their handlers by fuzz_api.c.
 *
 * Input: the query string as libmicrohttpd hands it over, already decoded: "k=v&k2&..." (a key
 * without '=' has a NULL value; at most API_MAX_QUERY_ARGS pairs, more sets query_overflow).
 * Invariants: an accepted query has only allowed keys, none twice, UTF-8 values within
 * SH_MAX_QUERY_BYTES; accepted paging is 1 <= page, 1 <= page_size <= 100, page × page_size
 * <= 10 000, a sort among the keys and a cursor only of that sort with an integer id and a
 * value; a refusal is a 400 or 422 with the error shape naming the parameter; a folded ?q= is
 * valid UTF-8; api_day_start accepts only real dates; api_parse_int's number is the text's
 * and within the bounds. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/api/list.h"
#include "../../src/base/limits.h"
#include "../../src/base/timefmt.h"
#include "../../src/base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const allowed[] = {"q", "status", "from", "to", NULL};
static const char *const sort_keys[] = {"id", "name", "created_at", NULL};

/* A refusal names the parameter, unless a key is empty or not UTF-8 (JSON cannot carry it:
 * null). */
static bool keys_utf8;

static void check_refusal(const struct api_response *resp) {
  const json_t *e = json_object_get(resp->json, "error");
  const char *code = json_string_value(json_object_get(e, "code"));
  const json_t *field = json_object_get(e, "field");
  if ((resp->status != 400 && resp->status != 422) || !code || !code[0] ||
      !json_is_string(json_object_get(e, "message")) ||
      !(json_is_string(field) || (!keys_utf8 && json_is_null(field))))
    abort();
}

static void check_accepted(const struct api_request *req) {
  for (int i = 0; i < req->nquery; i++) {
    const char *k = req->query[i].key, *v = req->query[i].value;
    bool ok = false;
    for (int a = 0; allowed[a]; a++)
      ok |= strcmp(allowed[a], k) == 0;
    static const char *const list_keys[] = {"page", "page_size", "cursor", "sort"};
    for (int a = 0; a < 4; a++)
      ok |= strcmp(list_keys[a], k) == 0;
    if (!ok || (v && (strlen(v) > SH_MAX_QUERY_BYTES || !utf8_valid(v, strlen(v)))))
      abort();
    for (int j = 0; j < i; j++)
      if (strcmp(req->query[j].key, k) == 0)
        abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 16384)
    return 0;
  char *copy = malloc(size + 1);
  if (!copy)
    abort();
  memcpy(copy, data, size);
  copy[size] = '\0';
  struct api_request req = {0};
  req.method = "GET";
  req.lang = size && (data[0] & 1) ? API_LANG_EN : API_LANG_ZH;
  char *s = copy;
  while (size > 0) {
    if (req.nquery == API_MAX_QUERY_ARGS) {
      req.query_overflow = true;
      break;
    }
    char *amp = strchr(s, '&');
    if (amp)
      *amp = '\0';
    char *eq = strchr(s, '=');
    if (eq)
      *eq++ = '\0';
    req.query[req.nquery].key = s;
    req.query[req.nquery].value = eq;
    req.nquery++;
    if (!amp)
      break;
    s = amp + 1;
  }

  keys_utf8 = true;
  for (int i = 0; i < req.nquery; i++)
    keys_utf8 &= req.query[i].key[0] && utf8_valid(req.query[i].key, strlen(req.query[i].key));
  struct api_response resp = {0};
  struct list_params lp;
  if (api_list_params(&req, &resp, allowed, sort_keys, 0, false, &lp)) {
    if (resp.json || req.query_overflow)
      abort();
    check_accepted(&req);
    if (lp.page < 1 || lp.page_size < 1 || lp.page_size > SH_MAX_PAGE_SIZE ||
        lp.page * lp.page_size > SH_MAX_PAGE_WINDOW || lp.sort < 0 || lp.sort > 2)
      abort();
    if (lp.cursor) {
      char expected[32];
      snprintf(expected, sizeof expected, "%s%s", lp.descending ? "-" : "", sort_keys[lp.sort]);
      const char *cs = json_string_value(json_object_get(lp.cursor, "s"));
      if (!lp.keyset || !cs || strcmp(cs, expected) != 0 ||
          !json_is_integer(json_object_get(lp.cursor, "i")) || !json_object_get(lp.cursor, "v"))
        abort();
    }
    api_list_params_free(&lp);
  } else {
    check_refusal(&resp);
  }
  api_response_free(&resp);

  /* The rest runs, as in the handlers, only on a query that passed the check. */
  static const char *const checked[] = {"q",         "status", "from", "to", "page",
                                        "page_size", "cursor", "sort", NULL};
  struct api_response r0 = {0};
  bool ok = api_query_check(&req, &r0, checked);
  if (ok)
    check_accepted(&req);
  else
    check_refusal(&r0);
  api_response_free(&r0);
  if (!ok) {
    free(copy);
    return 0;
  }

  struct api_response r2 = {0};
  int64_t before = -1, page_size = -1;
  if (api_id_page(&req, &r2, &before, &page_size)) {
    if (before < 0 || page_size < 1 || page_size > SH_MAX_PAGE_SIZE)
      abort();
  } else {
    check_refusal(&r2);
  }
  api_response_free(&r2);

  struct api_response r3 = {0};
  char *folded = NULL;
  if (api_query_folded(&req, &r3, &folded)) {
    if (folded && !utf8_valid(folded, strlen(folded)))
      abort();
  } else {
    check_refusal(&r3);
  }
  free(folded);
  api_response_free(&r3);

  const char *from = api_query(&req, "from");
  int64_t start = 0;
  if (from && api_day_start(from, 1, 480, &start) && !date_valid(from))
    abort();
  const char *page = api_query(&req, "page");
  int64_t v = 0;
  if (page && api_parse_int(page, -1000, 1000000, &v)) {
    errno = 0;
    char *end = NULL;
    long long back = strtoll(page, &end, 10);
    if (errno || *end || back != v || v < -1000 || v > 1000000)
      abort();
  }
  free(copy);
  return 0;
}
