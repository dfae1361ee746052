/* complaint_categories.c — the editable category tree of complaints (SPEC E4): the tree as
 * JSON, a new category, a changed one (label, order, disabled, a new parent — never one that
 * would make a cycle), and the check that a complaint is filed under a category in use.
 * Edited with setting:write (the route table); every change writes an audit row. */
#include "complaint.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/timefmt.h"
#include "audit.h"
#include "complaint_internal.h"

static const char *nz(const char *s) {
  return s ? s : "";
}

static const struct complaint_category *category_find(const struct complaint_category *list,
                                                      size_t n, const char *code) {
  for (size_t i = 0; code && i < n; i++)
    if (strcmp(list[i].code, code) == 0)
      return &list[i];
  return NULL;
}

/* IMP: SPEC E4 — a complaint is classified under a category of the tree that is in use:
 * neither it nor a category above it is disabled. */
enum sh_status complaint_category_check(struct store_tx *tx, const char *code,
                                        struct sh_error *err) {
  struct complaint_category *list = NULL;
  size_t n = 0;
  enum sh_status rc = store_complaint_categories(tx, &list, &n, err);
  const struct complaint_category *c = rc == SH_OK ? category_find(list, n, code) : NULL;
  if (rc == SH_OK && !c)
    rc = sh_fail(err, SH_ERR_INVALID, "unknown_category", "category", code);
  for (size_t depth = 0; rc == SH_OK && c && depth <= n; depth++) {
    if (c->disabled)
      rc = sh_fail(err, SH_ERR_INVALID, "category_disabled", "category", c->code);
    c = category_find(list, n, c->parent_code);
  }
  complaint_categories_free(list, n);
  return rc;
}

/* The children of parent (NULL: the top) in sort order, each with its own children. */
static json_t *category_children(const struct complaint_category *list, size_t n,
                                 const char *parent, size_t depth) {
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < n; i++) {
    const struct complaint_category *c = &list[i];
    bool under = parent ? c->parent_code && strcmp(c->parent_code, parent) == 0 : !c->parent_code;
    if (!under)
      continue;
    json_t *o = json_object();
    jsonx_set_str(o, "code", c->code);
    jsonx_set_str(o, "parent_code", c->parent_code);
    jsonx_set_str(o, "label_zh", c->label_zh);
    jsonx_set_str(o, "label_en", c->label_en);
    jsonx_set_int(o, "sort", c->sort);
    jsonx_set_bool(o, "disabled", c->disabled);
    /* The tree has no cycle (category_update refuses one); depth only bounds a broken
     * database. */
    json_object_set_new(o, "children",
                        depth < 32 ? category_children(list, n, c->code, depth + 1) : json_array());
    json_array_append_new(arr, o);
  }
  return arr;
}

struct tree_arg {
  json_t *out;
};

static enum sh_status tree_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct tree_arg *a = arg;
  struct complaint_category *list = NULL;
  size_t n = 0;
  enum sh_status rc = store_complaint_categories(tx, &list, &n, err);
  if (rc == SH_OK && !(a->out = category_children(list, n, NULL, 0)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  complaint_categories_free(list, n);
  return rc;
}

enum sh_status complaint_categories_tree(struct app *app, json_t **out, struct sh_error *err) {
  struct tree_arg a = {0};
  enum sh_status rc = store_read(app->store, tree_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  return rc;
}

struct category_body {
  char *code, *parent_code, *label_zh, *label_en;
  int64_t sort;
  bool disabled;
};

#define CF(name, type, flags, min, max)                                                            \
  { #name, type, flags, min, max, offsetof(struct category_body, name) }
static const struct jfield category_create_fields[] = {
    CF(code, JF_STRING, JF_REQUIRED, 1, 40),     CF(parent_code, JF_STRING, JF_NULLABLE, 1, 40),
    CF(label_zh, JF_STRING, JF_REQUIRED, 1, 50), CF(label_en, JF_STRING, JF_NULLABLE, 0, 80),
    CF(sort, JF_INT, JF_NULLABLE, 0, 9999),
};
/* The order of the update's present bits: label_zh 0, label_en 1, sort 2, disabled 3,
 * parent_code 4. */
static const struct jfield category_update_fields[] = {
    CF(label_zh, JF_STRING, JF_REQUIRED, 1, 50),    CF(label_en, JF_STRING, JF_NULLABLE, 0, 80),
    CF(sort, JF_INT, JF_REQUIRED, 0, 9999),         CF(disabled, JF_BOOL, JF_REQUIRED, 0, 0),
    CF(parent_code, JF_STRING, JF_NULLABLE, 1, 40),
};
#undef CF
#define NCREATE (sizeof category_create_fields / sizeof category_create_fields[0])
#define NUPDATE (sizeof category_update_fields / sizeof category_update_fields[0])

/* A code is what the API and the database key on: lower-case letters, digits and '_',
 * starting with a letter. */
static bool code_valid(const char *s) {
  if (!s || !(*s >= 'a' && *s <= 'z'))
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return false;
  return true;
}

struct category_arg {
  const struct actor *actor;
  const char *code; /* update: the path's */
  json_t *body;
  json_t *out;
};

static json_t *category_json(const struct complaint_category *c) {
  json_t *o = json_object();
  jsonx_set_str(o, "code", c->code);
  jsonx_set_str(o, "parent_code", c->parent_code);
  jsonx_set_str(o, "label_zh", c->label_zh);
  jsonx_set_str(o, "label_en", c->label_en);
  jsonx_set_int(o, "sort", c->sort);
  jsonx_set_bool(o, "disabled", c->disabled);
  return o;
}

static enum sh_status category_create_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct category_arg *a = arg;
  struct category_body b = {0};
  struct complaint_category *list = NULL;
  size_t n = 0;
  int64_t now = time_now();
  enum sh_status rc = jsonx_decode(a->body, category_create_fields, NCREATE, &b, NULL, NULL, err);
  if (rc == SH_OK && !code_valid(b.code))
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_category_code", "code", b.code);
  if (rc == SH_OK)
    rc = store_complaint_categories(tx, &list, &n, err);
  if (rc == SH_OK && b.parent_code && !category_find(list, n, b.parent_code))
    rc = sh_fail(err, SH_ERR_INVALID, "unknown_category", "parent_code", b.parent_code);
  struct complaint_category c = {.code = b.code,
                                 .parent_code = b.parent_code,
                                 .label_zh = b.label_zh,
                                 .label_en = b.label_en,
                                 .sort = b.sort,
                                 .updated_at = now,
                                 .updated_by = a->actor->user_id};
  if (rc == SH_OK)
    rc = store_complaint_category_insert(tx, &c, err);
  if (rc == SH_OK) {
    json_t *changes = json_object();
    audit_change(changes, "code", NULL, json_string(c.code));
    audit_change(changes, "parent_code", NULL, c.parent_code ? json_string(c.parent_code) : NULL);
    audit_change(changes, "label_zh", NULL, json_string(c.label_zh));
    audit_change(changes, "label_en", NULL, json_string(nz(c.label_en)));
    audit_change(changes, "sort", NULL, json_integer(c.sort));
    rc = audit_log(tx, a->actor, "complaint_category", 0, "create", changes, now, err);
    json_decref(changes);
  }
  if (rc == SH_OK)
    a->out = category_json(&c);
  complaint_categories_free(list, n);
  jsonx_free(category_create_fields, NCREATE, &b);
  return rc;
}

/* IMP: SPEC E4 — the tree stays a tree: a category never moves under itself or anything
 * below it. */
static bool would_cycle(const struct complaint_category *list, size_t n, const char *code,
                        const char *new_parent) {
  const struct complaint_category *p = category_find(list, n, new_parent);
  for (size_t depth = 0; p && depth <= n; depth++) {
    if (strcmp(p->code, code) == 0)
      return true;
    p = category_find(list, n, p->parent_code);
  }
  return false;
}

static enum sh_status category_update_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct category_arg *a = arg;
  struct category_body b = {0};
  struct complaint_category *list = NULL;
  size_t n = 0;
  uint64_t present = 0;
  int64_t now = time_now();
  enum sh_status rc = store_complaint_categories(tx, &list, &n, err);
  struct complaint_category *old =
      rc == SH_OK ? (struct complaint_category *)category_find(list, n, a->code) : NULL;
  if (rc == SH_OK && !old)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK)
    rc = jsonx_decode(a->body, category_update_fields, NUPDATE, &b, &present, NULL, err);
  struct complaint_category c = {0};
  if (rc == SH_OK) {
    c = (struct complaint_category){.code = old->code,
                                    .parent_code =
                                        present & (1u << 4) ? b.parent_code : old->parent_code,
                                    .label_zh = present & (1u << 0) ? b.label_zh : old->label_zh,
                                    .label_en = present & (1u << 1) ? b.label_en : old->label_en,
                                    .sort = present & (1u << 2) ? b.sort : old->sort,
                                    .disabled = present & (1u << 3) ? b.disabled : old->disabled,
                                    .updated_at = now,
                                    .updated_by = a->actor->user_id};
    if (c.parent_code && !category_find(list, n, c.parent_code))
      rc = sh_fail(err, SH_ERR_INVALID, "unknown_category", "parent_code", c.parent_code);
    else if (c.parent_code && would_cycle(list, n, c.code, c.parent_code))
      rc = sh_fail(err, SH_ERR_INVALID, "category_cycle", "parent_code", c.parent_code);
  }
  if (rc == SH_OK)
    rc = store_complaint_category_update(tx, &c, err);
  if (rc == SH_OK) {
    json_t *changes = json_object();
    json_object_set_new(changes, "code", json_string(c.code));
    audit_change(changes, "parent_code", old->parent_code ? json_string(old->parent_code) : NULL,
                 c.parent_code ? json_string(c.parent_code) : NULL);
    audit_change(changes, "label_zh", json_string(old->label_zh), json_string(c.label_zh));
    audit_change(changes, "label_en", json_string(nz(old->label_en)), json_string(nz(c.label_en)));
    audit_change(changes, "sort", json_integer(old->sort), json_integer(c.sort));
    audit_change(changes, "disabled", json_boolean(old->disabled), json_boolean(c.disabled));
    rc = audit_log(tx, a->actor, "complaint_category", 0, "update", changes, now, err);
    json_decref(changes);
  }
  if (rc == SH_OK)
    a->out = category_json(&c);
  jsonx_free(category_update_fields, NUPDATE, &b);
  complaint_categories_free(list, n);
  return rc;
}

enum sh_status complaint_category_create(struct app *app, const struct actor *actor, json_t *body,
                                         json_t **out, struct sh_error *err) {
  struct category_arg a = {.actor = actor, .body = body};
  enum sh_status rc = store_write(app->store, category_create_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  return rc;
}

enum sh_status complaint_category_update(struct app *app, const struct actor *actor,
                                         const char *code, json_t *body, json_t **out,
                                         struct sh_error *err) {
  struct category_arg a = {.actor = actor, .code = code, .body = body};
  enum sh_status rc = store_write(app->store, category_update_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  return rc;
}
