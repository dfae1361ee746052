/* list.h — the list conventions of DESIGN.md: ?page=&page_size= (page_size ≤ 100,
 * page × page_size ≤ 10 000) for screens, ?cursor= (keyset, any depth) for exports,
 * sort=field / -field, and {"items":[…],"total":N,"next_cursor":…}. Also the strict query
 * check every endpoint uses: unknown or repeated parameters and bad UTF-8 are 400. */
#ifndef SHOUHOU_API_LIST_H
#define SHOUHOU_API_LIST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "api.h"

struct list_params {
  int64_t page;      /* from 1 */
  int64_t page_size; /* 1..100, default 20 */
  bool keyset;       /* a cursor parameter was given (possibly empty: the first page) */
  int sort;          /* index into the endpoint's sort keys */
  bool descending;
  /* The decoded cursor ({"s": sort name, "v": value, "i": id}), NULL at the first page. */
  json_t *cursor;
};

/* Checks the query: every key is in allowed (NULL-terminated; page, page_size, cursor and
 * sort are always allowed for lists), none repeats, every value is valid UTF-8 of at most
 * SH_MAX_QUERY_BYTES. On failure fills resp and returns false. */
bool api_query_check(struct api_request *req, struct api_response *resp,
                     const char *const *allowed);

/* api_query_check, then paging and sort. sort_keys is NULL-terminated. On failure fills
 * resp and returns false. Caller releases with api_list_params_free. */
bool api_list_params(struct api_request *req, struct api_response *resp, const char *const *allowed,
                     const char *const *sort_keys, int default_sort, bool default_descending,
                     struct list_params *out);
void api_list_params_free(struct list_params *p);

/* A cursor for the row after (value, id) in the order sort_name (descending if asked); a
 * cursor is valid only for the sort and direction it was made in. Takes value. Caller
 * frees. */
char *api_cursor_encode(const char *sort_name, bool descending, json_t *value, int64_t id);

/* {"items": items, "total": total, "next_cursor": next or null}. Takes items. */
json_t *api_list_body(json_t *items, int64_t total, const char *next_cursor);

/* For newest-first lists keyed by id (audit, history): page_size (1..100, default 50) and
 * cursor (made by api_cursor_encode("id", true, …)). *before_id is 0 for the first page.
 * On failure fills resp and returns false. */
bool api_id_page(struct api_request *req, struct api_response *resp, int64_t *before_id,
                 int64_t *page_size);

/* The folded search text of ?q= (full-width folded to half-width, as the search indexes keep
 * it) into *folded, NULL when absent or empty; false with resp filled (invalid_parameter q)
 * when it does not fold. The caller frees *folded. */
bool api_query_folded(struct api_request *req, struct api_response *resp, char **folded);

/* The UTC instant of the local midnight that starts day ("YYYY-MM-DD") plus plus_days, in a
 * zone tz_minutes east of UTC; false if day is not a date. A filter "from D to E" is the
 * instants [api_day_start(D, 0), api_day_start(E, 1)): the last day counts whole. */
bool api_day_start(const char *day, int64_t plus_days, int tz_minutes, int64_t *out);

/* Parses a query value as a whole number in [min, max]; false if it is not one. */
bool api_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
