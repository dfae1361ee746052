/* reference.c — health, regions for the 省/市/区 cascader, and the dictionaries (UI.md 5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../domain/health.h"
#include "../domain/reference.h"
#include "../rules/region.h"
#include "handlers.h"
#include "list.h"

void api_health_get(struct api_request *req, struct api_response *resp) {
  struct health h = {0};
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  json_t *body = json_object();
  if (health_check(req->app, &h, &err) == SH_OK && h.schema_version == h.binary_schema_version) {
    jsonx_set_str(body, "status", "ok");
  } else {
    jsonx_set_str(body, "status", "unavailable");
  }
  jsonx_set_str(body, "version", req->app->version);
  jsonx_set_str(body, "database", h.database);
  jsonx_set_int(body, "schema_version", h.schema_version);
  api_reply(resp, strcmp(json_string_value(json_object_get(body, "status")), "ok") == 0 ? 200 : 503,
            body);
}

void api_regions_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"parent", NULL};
  struct region_row *rows = NULL;
  size_t count = 0;
  struct sh_error err;
  if (!api_query_check(req, resp, allowed))
    return;
  const char *parent = api_query(req, "parent");
  if (parent && (!region_code_valid(parent) || region_level(parent) == 3)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "parent");
    return;
  }
  if (parent && strcmp(parent, "000000") == 0)
    parent = NULL;
  if (reference_region_children(req->app, parent ? parent : "", &rows, &count, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  json_t *items = json_array();
  for (size_t i = 0; i < count; i++) {
    json_t *o = json_object();
    jsonx_set_str(o, "code", rows[i].code);
    jsonx_set_str(o, "name", rows[i].name);
    jsonx_set_int(o, "level", rows[i].level);
    jsonx_set_bool(o, "administrative", rows[i].administrative);
    jsonx_set_bool(o, "leaf", rows[i].leaf);
    json_array_append_new(items, o);
  }
  region_rows_free(rows, count);
  api_reply(resp, 200, api_list_body(items, (int64_t)count, NULL));
}

static json_t *item(const char *value, const char *label, const char *tag, int64_t sort,
                    bool disabled) {
  json_t *o = json_object();
  jsonx_set_str(o, "value", value);
  jsonx_set_str(o, "label", label);
  jsonx_set_str(o, "tag_type", tag);
  jsonx_set_int(o, "sort", sort);
  jsonx_set_bool(o, "disabled", disabled);
  return o;
}

void api_dictionaries_get(struct api_request *req, struct api_response *resp) {
  struct dict_row *rows = NULL;
  size_t count = 0;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  if (reference_dictionaries(req->app, &rows, &count, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  json_t *types = json_object();
  for (size_t i = 0; i < count; i++) {
    json_t *list = json_object_get(types, rows[i].type);
    if (!list) {
      list = json_array();
      json_object_set_new(types, rows[i].type, list);
    }
    const char *label = req->lang == API_LANG_EN ? rows[i].label_en : rows[i].label_zh;
    json_array_append_new(
        list, item(rows[i].value, label, rows[i].tag_type, rows[i].sort, rows[i].disabled));
  }
  /* Roles come from the permission table itself, so the two never disagree. */
  json_t *roles = json_array();
  for (int r = 0; r < ROLE_COUNT; r++)
    json_array_append_new(roles,
                          item(role_name((enum role)r), role_label_zh((enum role)r), "", r, false));
  json_object_set_new(types, "role", roles);
  dict_rows_free(rows, count);
  /* The version changes whenever any label does, so open pages can tell they are stale. */
  char *text = jsonx_dump(types);
  unsigned long hash = 5381;
  for (const char *p = text; p && *p; p++)
    hash = hash * 33 + (unsigned char)*p;
  free(text);
  char version[24];
  snprintf(version, sizeof version, "%08lx", hash & 0xffffffffUL);
  json_t *body = json_object();
  jsonx_set_str(body, "version", version);
  json_object_set_new(body, "types", types);
  api_reply(resp, 200, body);
}
