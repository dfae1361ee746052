/* phrase.c — the desk's quick phrases (快捷短语, SPEC D3; see phrase.h): one unit per change,
 * audited. */
#include "phrase.h"

#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../rules/roles.h"
#include "../store/phrases.h"
#include "audit.h"

static json_t *phrase_json(const struct quick_phrase *p, int tz) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  bool ok = jsonx_set_int(o, "id", p->id) && jsonx_set_str(o, "category", p->category) &&
            jsonx_set_str(o, "title", p->title) && jsonx_set_str(o, "text", p->text) &&
            jsonx_set_int(o, "sort", p->sort) && jsonx_set_bool(o, "disabled", p->disabled) &&
            jsonx_set_time(o, "created_at", p->created_at, tz) &&
            jsonx_set_time(o, "updated_at", p->updated_at, tz) &&
            jsonx_set_int(o, "version", p->version);
  if (!ok) {
    json_decref(o);
    return NULL;
  }
  return o;
}

struct list_arg {
  const char *category;
  bool all;
  int tz;
  json_t *items;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  struct quick_phrase *list = NULL;
  size_t n = 0;
  enum sh_status rc = store_phrase_list(tx, a->category, a->all, &list, &n, err);
  json_t *items = rc == SH_OK ? json_array() : NULL;
  for (size_t i = 0; items && i < n; i++)
    if (json_array_append_new(items, phrase_json(&list[i], a->tz)) != 0) {
      json_decref(items);
      items = NULL;
    }
  quick_phrases_free(list, n);
  if (rc == SH_OK && !items)
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  a->items = items;
  return rc;
}

enum sh_status phrase_list(struct app *app, const struct actor *actor, const char *category,
                           bool all, json_t **items, struct sh_error *err) {
  if (all && !permission_allows(actor->role, ACTION_PHRASE_WRITE))
    return sh_fail(err, SH_ERR_FORBIDDEN, "forbidden", "all", NULL);
  struct list_arg a = {.category = category, .all = all, .tz = app->tz_offset_minutes};
  enum sh_status rc = store_read(app->store, list_unit, &a, err);
  if (rc == SH_OK)
    *items = a.items;
  return rc;
}

/* The phrase's fields as audit values. */
static void audit_fields(json_t *changes, const struct quick_phrase *old,
                         const struct quick_phrase *p) {
  audit_change(changes, "category", old ? json_string(old->category) : NULL,
               json_string(p->category));
  audit_change(changes, "title", old ? json_string(old->title) : NULL, json_string(p->title));
  audit_change(changes, "text", old ? json_string(old->text) : NULL, json_string(p->text));
  audit_change(changes, "sort", old ? json_integer(old->sort) : NULL, json_integer(p->sort));
  audit_change(changes, "disabled", old ? json_boolean(old->disabled) : NULL,
               json_boolean(p->disabled));
}

struct change_arg {
  const struct actor *actor;
  const struct phrase_input *in;
  uint64_t present; /* 0 with id 0: create */
  int64_t id, version;
  bool disable; /* DELETE */
  int tz;
  json_t *out;
};

static bool has(uint64_t present, enum phrase_field f) {
  return (present & ((uint64_t)1 << f)) != 0;
}

static enum sh_status change_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct change_arg *a = arg;
  int64_t now = time_now();
  struct quick_phrase old = {0}, p = {0};
  const char *action = a->id ? (a->disable ? "delete" : "update") : "create";
  enum sh_status rc = SH_OK;
  if (a->id) {
    rc = store_phrase_get(tx, a->id, &old, err);
    if (rc == SH_OK && old.version != a->version)
      rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  }
  if (rc != SH_OK) {
    quick_phrase_clear(&old);
    return rc;
  }
  const struct phrase_input *in = a->in;
  uint64_t present = a->id ? a->present : ~(uint64_t)0;
  p = old; /* borrowed strings; nothing below frees p */
  p.created_by = a->actor->user_id;
  if (in && has(present, PHRASE_FIELD_CATEGORY))
    p.category = (char *)in->category;
  if (in && has(present, PHRASE_FIELD_TITLE))
    p.title = (char *)in->title;
  if (in && has(present, PHRASE_FIELD_TEXT))
    p.text = (char *)in->text;
  if (in && has(present, PHRASE_FIELD_SORT))
    p.sort = in->sort;
  if (in && a->id && has(present, PHRASE_FIELD_DISABLED))
    p.disabled = in->disabled;
  if (a->disable)
    p.disabled = true;
  if (a->id)
    rc = store_phrase_save(tx, &p, now, err);
  else
    rc = store_phrase_insert(tx, &p, now, &a->id, err);
  json_t *changes = json_object();
  if (rc == SH_OK) {
    audit_fields(changes, a->id && old.id ? &old : NULL, &p);
    rc = audit_log(tx, a->actor, "quick_phrase", a->id, action, changes, now, err);
  }
  json_decref(changes);
  quick_phrase_clear(&old);
  struct quick_phrase fresh = {0};
  if (rc == SH_OK)
    rc = store_phrase_get(tx, a->id, &fresh, err);
  if (rc == SH_OK && !(a->out = phrase_json(&fresh, a->tz)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  quick_phrase_clear(&fresh);
  return rc;
}

enum sh_status phrase_create(struct app *app, const struct actor *actor,
                             const struct phrase_input *in, json_t **out, struct sh_error *err) {
  struct change_arg a = {.actor = actor, .in = in, .tz = app->tz_offset_minutes};
  enum sh_status rc = store_write(app->store, change_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  else
    json_decref(a.out);
  return rc;
}

enum sh_status phrase_update(struct app *app, const struct actor *actor, int64_t id,
                             int64_t version, const struct phrase_input *in, uint64_t present,
                             json_t **out, struct sh_error *err) {
  struct change_arg a = {.actor = actor,
                         .in = in,
                         .present = present,
                         .id = id,
                         .version = version,
                         .tz = app->tz_offset_minutes};
  enum sh_status rc = store_write(app->store, change_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  else
    json_decref(a.out);
  return rc;
}

enum sh_status phrase_disable(struct app *app, const struct actor *actor, int64_t id,
                              int64_t version, struct sh_error *err) {
  struct change_arg a = {
      .actor = actor, .id = id, .version = version, .disable = true, .tz = app->tz_offset_minutes};
  enum sh_status rc = store_write(app->store, change_unit, &a, err);
  json_decref(a.out);
  return rc;
}
