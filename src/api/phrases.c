/* phrases.c — /api/v1/quick-phrases: the desk's quick phrases (快捷短语, SPEC D3) over HTTP.
 * Decodes bodies by a field table (title ≤ 50, text ≤ 500 characters; jansson has checked
 * the UTF-8), calls domain/phrase, answers JSON. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../domain/phrase.h"
#include "handlers.h"
#include "list.h"

/* Fields 0..4 in the order of enum phrase_field, then version (PATCH only). */
struct phrase_body {
  char *category, *title, *text;
  int64_t sort;
  bool disabled;
  int64_t version;
};

#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct phrase_body, name) }
static const struct jfield phrase_fields[] = {
    F(category, JF_STRING, JF_REQUIRED, 1, 20),
    F(title, JF_STRING, JF_REQUIRED, 1, 50),
    F(text, JF_STRING, JF_REQUIRED | JF_MULTILINE, 1, 500),
    F(sort, JF_INT, 0, 0, 1000000),
    F(disabled, JF_BOOL, 0, 0, 0),
    F(version, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
};
#undef F
#define NFIELDS (sizeof phrase_fields / sizeof *phrase_fields)
_Static_assert(NFIELDS == PHRASE_FIELD_COUNT + 1, "one body field per phrase field");

/* Creation takes neither disabled (a new phrase is enabled) nor version. */
#define NCREATE (NFIELDS - 2)

static bool decode(struct api_request *req, struct api_response *resp, struct phrase_body *b,
                   uint64_t *present) {
  json_t *root = NULL;
  struct sh_error err;
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  if (rc == SH_OK)
    rc = jsonx_decode(root, phrase_fields, present ? NFIELDS : NCREATE, b, present, NULL, &err);
  if (rc == SH_OK && present && !(*present & ((uint64_t)1 << PHRASE_FIELD_COUNT))) {
    rc = sh_fail(&err, SH_ERR_INVALID, "field_required", "version", NULL);
    jsonx_free(phrase_fields, NFIELDS, b);
  }
  json_decref(root);
  if (rc != SH_OK)
    api_error(req, resp, &err);
  return rc == SH_OK;
}

void api_phrases_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"category", "all", NULL};
  if (!api_query_check(req, resp, allowed))
    return;
  const char *all = api_query(req, "all");
  if (all && strcmp(all, "true") != 0 && strcmp(all, "false") != 0) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "all");
    return;
  }
  json_t *items = NULL;
  struct sh_error err;
  if (phrase_list(req->app, &req->actor, api_query(req, "category"),
                  all && strcmp(all, "true") == 0, &items, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  api_reply(resp, 200, api_list_body(items, (int64_t)json_array_size(items), NULL));
}

static struct phrase_input input_of(const struct phrase_body *b) {
  struct phrase_input in = {.category = b->category,
                            .title = b->title,
                            .text = b->text,
                            .sort = b->sort,
                            .disabled = b->disabled};
  return in;
}

void api_phrases_create(struct api_request *req, struct api_response *resp) {
  struct phrase_body b = {0};
  if (!api_query_check(req, resp, NULL) || !decode(req, resp, &b, NULL))
    return;
  struct phrase_input in = input_of(&b);
  json_t *out = NULL;
  struct sh_error err;
  if (phrase_create(req->app, &req->actor, &in, &out, &err) == SH_OK)
    api_reply(resp, 201, out);
  else
    api_error(req, resp, &err);
  jsonx_free(phrase_fields, NFIELDS, &b);
}

void api_phrases_update(struct api_request *req, struct api_response *resp) {
  int64_t id;
  if (!api_query_check(req, resp, NULL))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  struct phrase_body b = {0};
  uint64_t present = 0;
  if (!decode(req, resp, &b, &present))
    return;
  struct phrase_input in = input_of(&b);
  json_t *out = NULL;
  struct sh_error err;
  if (phrase_update(req->app, &req->actor, id, b.version, &in,
                    present & ~((uint64_t)1 << PHRASE_FIELD_COUNT), &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
  jsonx_free(phrase_fields, NFIELDS, &b);
}

void api_phrases_delete(struct api_request *req, struct api_response *resp) {
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
  if (phrase_disable(req->app, &req->actor, id, version, &err) == SH_OK)
    api_reply(resp, 204, NULL);
  else
    api_error(req, resp, &err);
}
