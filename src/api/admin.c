/* admin.c — the administrator's resources: users with roles and region grants, settings,
 * and the audit trail (SPEC L). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/limits.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../domain/audit.h"
#include "../domain/settings.h"
#include "../domain/user.h"
#include "handlers.h"
#include "list.h"

/* What a colleague sees of a user (the staff pickers): name, role and regions, after the
 * id (and the username for the administrator) so the keys keep their order. */
static void set_staff_fields(json_t *o, const struct user_record *u) {
  jsonx_set_str(o, "display_name", u->display_name);
  jsonx_set_str(o, "role", u->role);
  enum role role;
  jsonx_set_str(o, "role_label", role_parse(u->role, &role) ? role_label_zh(role) : u->role);
  json_t *regions = json_array();
  for (size_t i = 0; i < u->nregions; i++)
    json_array_append_new(regions, json_string(u->regions[i]));
  json_object_set_new(o, "regions", regions);
}

static json_t *user_json(struct api_request *req, const struct user_record *u) {
  json_t *o = json_object();
  int tz = req->app->tz_offset_minutes;
  jsonx_set_int(o, "id", u->id);
  jsonx_set_str(o, "username", u->username);
  set_staff_fields(o, u);
  jsonx_set_str(o, "email", u->email);
  jsonx_set_str(o, "phone", u->phone);
  jsonx_set_bool(o, "active", u->active);
  jsonx_set_bool(o, "has_password", u->password_hash != NULL);
  json_object_set_new(o, "customer_id",
                      u->customer_id ? json_integer(u->customer_id) : json_null());
  json_object_set_new(o, "dealer_id", u->dealer_id ? json_integer(u->dealer_id) : json_null());
  jsonx_set_time(o, "locked_until", u->locked_until > time_now() ? u->locked_until : 0, tz);
  jsonx_set_int(o, "version", u->version);
  jsonx_set_time(o, "created_at", u->created_at, tz);
  jsonx_set_time(o, "updated_at", u->updated_at, tz);
  return o;
}

void api_users_list(struct api_request *req, struct api_response *resp) {
  static const char *const sorts[] = {"id", NULL};
  struct list_params lp;
  struct user_record **list = NULL;
  size_t count = 0;
  int64_t total = 0;
  struct sh_error err;
  if (!api_list_params(req, resp, NULL, sorts, 0, false, &lp))
    return;
  if (lp.keyset) {
    api_fail(req, resp, SH_ERR_MALFORMED, "unknown_parameter", "cursor");
  } else if (user_list(req->app, lp.descending, (lp.page - 1) * lp.page_size, lp.page_size, &list,
                       &count, &total, &err) != SH_OK) {
    api_error(req, resp, &err);
  } else {
    json_t *items = json_array();
    for (size_t i = 0; i < count; i++)
      json_array_append_new(items, user_json(req, list[i]));
    api_reply(resp, 200, api_list_body(items, total, NULL));
  }
  for (size_t i = 0; i < count; i++)
    user_record_free(list[i]);
  free(list);
  api_list_params_free(&lp);
}

/* GET /api/v1/staff — colleagues for pickers: names and roles only (no contact details, no
 * account state), filtered and scoped by user_staff_list. */
void api_staff_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"role", "region_code", NULL};
  struct user_record **list = NULL;
  size_t count = 0;
  struct sh_error err;
  if (!api_query_check(req, resp, allowed))
    return;
  if (user_staff_list(req->app, &req->actor, api_query(req, "role"), api_query(req, "region_code"),
                      &list, &count, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  json_t *items = json_array();
  for (size_t i = 0; i < count; i++) {
    json_t *o = json_object();
    jsonx_set_int(o, "id", list[i]->id);
    set_staff_fields(o, list[i]);
    json_array_append_new(items, o);
    user_record_free(list[i]);
  }
  free(list);
  api_reply(resp, 200, api_list_body(items, (int64_t)count, NULL));
}

struct user_body {
  char *username, *display_name, *role, *password;
  json_t *regions;
  int64_t customer_id, dealer_id;
  bool active;
  char *email, *phone;
  int64_t version;
};

/* Fields 1..9 follow enum user_field (display_name .. phone) after the username; the version
 * comes last. */
#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct user_body, name) }
static const struct jfield user_fields[] = {
    F(username, JF_STRING, JF_REQUIRED, 2, SH_MAX_USERNAME_BYTES),
    F(display_name, JF_STRING, JF_REQUIRED, 1, 50),
    F(role, JF_STRING, JF_REQUIRED, 1, 32),
    F(password, JF_STRING, JF_NULLABLE, 8, SH_MAX_PASSWORD_BYTES),
    F(regions, JF_JSON, JF_REQUIRED, 0, 0),
    F(customer_id, JF_INT, JF_NULLABLE, 1, INT64_MAX / 2),
    F(dealer_id, JF_INT, JF_NULLABLE, 1, INT64_MAX / 2),
    F(active, JF_BOOL, 0, 0, 0),
    F(email, JF_STRING, JF_NULLABLE, 0, 254),
    F(phone, JF_STRING, JF_NULLABLE, 0, 40),
    F(version, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
};
#undef F
#define USER_NFIELDS (sizeof user_fields / sizeof *user_fields)
_Static_assert(USER_NFIELDS == USER_FIELD_PHONE + 3, "username, enum user_field, version");

/* Regions as a C array of borrowed strings (caller frees the array only). */
static enum sh_status regions_of(json_t *a, char ***out, size_t *n, struct sh_error *err) {
  if (!json_is_array(a))
    return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", "regions", "array");
  if (json_array_size(a) > SH_MAX_REGION_GRANTS)
    return sh_fail(err, SH_ERR_INVALID, "too_many_items", "regions", NULL);
  char **list = sh_calloc(json_array_size(a), sizeof *list);
  if (!list)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) {
    if (!jsonx_text(v)) {
      free(list);
      return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", "regions", "string");
    }
    list[i] = (char *)jsonx_text(v);
  }
  *out = list;
  *n = json_array_size(a);
  return SH_OK;
}

void api_users_create(struct api_request *req, struct api_response *resp) {
  struct user_body b = {.active = true};
  struct user_input in = {0};
  struct user_record *u = NULL;
  struct sh_error err;
  json_t *root = NULL;
  int64_t id;
  if (!api_query_check(req, resp, NULL))
    return;
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  if (rc == SH_OK)
    rc = jsonx_decode(root, user_fields, USER_NFIELDS - 1, &b, NULL, NULL, &err);
  if (rc == SH_OK)
    rc = regions_of(b.regions, &in.regions, &in.nregions, &err);
  if (rc == SH_OK) {
    in.username = b.username;
    in.display_name = b.display_name;
    in.role = b.role;
    in.password = b.password;
    in.customer_id = b.customer_id;
    in.dealer_id = b.dealer_id;
    in.email = b.email;
    in.phone = b.phone;
    in.active = b.active;
    rc = user_add(req->app, &req->actor, &in, &id, &err);
  }
  if (rc == SH_OK)
    rc = user_get(req->app, id, &u, &err);
  if (rc == SH_OK)
    api_reply(resp, 201, user_json(req, u));
  else
    api_error(req, resp, &err);
  user_record_free(u);
  free(in.regions);
  json_decref(root);
  jsonx_free(user_fields, USER_NFIELDS, &b);
}

void api_users_get(struct api_request *req, struct api_response *resp) {
  int64_t id;
  struct user_record *u = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  if (user_get(req->app, id, &u, &err) == SH_OK)
    api_reply(resp, 200, user_json(req, u));
  else
    api_error(req, resp, &err);
  user_record_free(u);
}

void api_users_update(struct api_request *req, struct api_response *resp) {
  struct user_body b = {0};
  struct user_input in = {0};
  struct user_record *u = NULL;
  struct sh_error err;
  json_t *root = NULL;
  uint64_t present = 0;
  int64_t id;
  if (!api_query_check(req, resp, NULL))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  if (rc == SH_OK)
    rc = jsonx_decode(root, user_fields, USER_NFIELDS, &b, &present, NULL, &err);
  if (rc == SH_OK && (present & 1))
    rc = sh_fail(&err, SH_ERR_INVALID, "field_readonly", "username", NULL);
  if (rc == SH_OK && !(present & ((uint64_t)1 << (USER_NFIELDS - 1))))
    rc = sh_fail(&err, SH_ERR_INVALID, "field_required", "version", NULL);
  if (rc == SH_OK && (present & (1u << (USER_FIELD_REGIONS + 1))))
    rc = regions_of(b.regions, &in.regions, &in.nregions, &err);
  if (rc == SH_OK) {
    in.display_name = b.display_name;
    in.role = b.role;
    in.password = b.password;
    in.customer_id = b.customer_id;
    in.dealer_id = b.dealer_id;
    in.email = b.email;
    in.phone = b.phone;
    in.active = b.active;
    /* Body fields 1..9 are enum user_field 0..8. */
    unsigned fields = (unsigned)((present >> 1) & ((1u << (USER_FIELD_PHONE + 1)) - 1));
    rc = user_update(req->app, &req->actor, id, b.version, &in, fields, &err);
  }
  if (rc == SH_OK)
    rc = user_get(req->app, id, &u, &err);
  if (rc == SH_OK)
    api_reply(resp, 200, user_json(req, u));
  else
    api_error(req, resp, &err);
  user_record_free(u);
  free(in.regions);
  json_decref(root);
  jsonx_free(user_fields, USER_NFIELDS, &b);
}

void api_settings_list(struct api_request *req, struct api_response *resp) {
  json_t *items = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  if (settings_list(req->app, &items, &err) == SH_OK)
    api_reply(resp, 200, api_list_body(items, (int64_t)setting_def_count, NULL));
  else
    api_error(req, resp, &err);
}

void api_settings_update(struct api_request *req, struct api_response *resp) {
  json_t *root = NULL, *out = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  json_t *value = json_object_get(root, "value");
  if (rc == SH_OK && !value)
    rc = sh_fail(&err, SH_ERR_INVALID, "field_required", "value", NULL);
  if (rc == SH_OK) {
    /* Scalars are decoded here; the JSON helper only takes arrays and objects. */
    json_t *version = json_object_get(root, "version");
    const char *k;
    json_t *v;
    json_object_foreach(root, k, v) {
      if (strcmp(k, "value") != 0 && strcmp(k, "version") != 0) {
        rc = sh_fail(&err, SH_ERR_MALFORMED, "unknown_field", k, NULL);
        break;
      }
    }
    if (rc == SH_OK && !version)
      rc = sh_fail(&err, SH_ERR_INVALID, "field_required", "version", NULL);
    else if (rc == SH_OK && (!json_is_integer(version) || json_integer_value(version) < 0))
      rc = sh_fail(&err, SH_ERR_MALFORMED, "wrong_type", "version", "integer");
    if (rc == SH_OK)
      rc = settings_set(req->app, &req->actor, req->path_params[0], value,
                        json_integer_value(version), &out, &err);
  }
  if (rc == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
  json_decref(root);
}

json_t *api_audit_items(struct api_request *req, const struct audit_record *list, size_t count,
                        int64_t total, int64_t page_size) {
  bool more = count > (size_t)page_size;
  size_t shown = more ? (size_t)page_size : count;
  json_t *items = json_array();
  for (size_t i = 0; i < shown; i++) {
    const struct audit_record *a = &list[i];
    json_t *o = json_object();
    json_error_t jerr;
    json_t *changes = json_loads(a->changes ? a->changes : "{}", 0, &jerr);
    jsonx_set_int(o, "id", a->id);
    jsonx_set_time(o, "at", a->at, req->app->tz_offset_minutes);
    json_object_set_new(o, "actor_id", a->actor_id ? json_integer(a->actor_id) : json_null());
    jsonx_set_str(o, "actor_name", a->actor_name);
    jsonx_set_str(o, "entity", a->entity);
    json_object_set_new(o, "entity_id", a->entity_id ? json_integer(a->entity_id) : json_null());
    jsonx_set_str(o, "action", a->action);
    json_object_set_new(o, "changes", changes ? changes : json_object());
    jsonx_set_str(o, "address", a->address);
    json_array_append_new(items, o);
  }
  char *next =
      more ? api_cursor_encode("id", true, json_integer(list[shown - 1].id), list[shown - 1].id)
           : NULL;
  json_t *body = api_list_body(items, total, next);
  free(next);
  return body;
}

void api_audit_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"entity", "entity_id", "actor_id",  "action", "from",
                                        "to",     "cursor",    "page_size", NULL};
  struct audit_filter f = {.limit = 50};
  struct audit_record *list = NULL;
  size_t count = 0;
  int64_t total = 0;
  struct sh_error err;
  if (!api_query_check(req, resp, allowed))
    return;
  f.entity = api_query(req, "entity");
  f.action = api_query(req, "action");
  struct {
    const char *key;
    int64_t *out;
    int64_t max;
  } ints[] = {{"entity_id", &f.entity_id, INT64_MAX / 2}, {"actor_id", &f.actor_id, INT64_MAX / 2}};
  int64_t page_size;
  if (!api_id_page(req, resp, &f.before_id, &page_size))
    return;
  f.limit = page_size + 1;
  for (size_t i = 0; i < 2; i++) {
    const char *v = api_query(req, ints[i].key);
    if (v && !api_parse_int(v, 1, ints[i].max, ints[i].out)) {
      api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", ints[i].key);
      return;
    }
  }
  const char *from = api_query(req, "from"), *to = api_query(req, "to");
  if (from && !time_parse_iso(from, &f.from)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "from");
    return;
  }
  if (to && !time_parse_iso(to, &f.to)) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "to");
    return;
  }
  if (audit_list(req->app, &f, &list, &count, &total, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  api_reply(resp, 200, api_audit_items(req, list, count, total, page_size));
  audit_records_free(list, count);
}
