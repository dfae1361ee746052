/* audit.c — audit rows written in the same unit as the change they record. */
#include "audit.h"

#include <stdlib.h>

#include "../base/jsonx.h"

void audit_change(json_t *changes, const char *field, json_t *old_value, json_t *new_value) {
  json_t *o = old_value ? old_value : json_null();
  json_t *n = new_value ? new_value : json_null();
  if (!json_equal(o, n)) {
    json_t *pair = json_object();
    if (pair) {
      json_object_set(pair, "old", o);
      json_object_set(pair, "new", n);
      json_object_set_new(changes, field, pair);
    }
  }
  json_decref(o);
  json_decref(n);
}

enum sh_status audit_log(struct store_tx *tx, const struct actor *actor, const char *entity,
                         int64_t entity_id, const char *action, const json_t *changes, int64_t now,
                         struct sh_error *err) {
  char *text = jsonx_dump(changes);
  if (!text)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  struct audit_record a = {
      .at = now,
      .actor_id = actor ? actor->user_id : 0,
      .actor_name = actor ? (char *)actor->username : "cli",
      .entity = (char *)entity,
      .entity_id = entity_id,
      .action = (char *)action,
      .changes = text,
      .address = actor ? (char *)actor->address : "",
  };
  enum sh_status rc = store_audit_insert(tx, &a, err);
  free(text);
  return rc;
}

struct list_arg {
  const struct audit_filter *filter;
  struct audit_record *list;
  size_t count;
  int64_t total;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  return store_audit_list(tx, a->filter, &a->list, &a->count, &a->total, err);
}

enum sh_status audit_list(struct app *app, const struct audit_filter *filter,
                          struct audit_record **out, size_t *count, int64_t *total,
                          struct sh_error *err) {
  struct list_arg a = {.filter = filter};
  enum sh_status rc = store_read(app->store, list_unit, &a, err);
  if (rc == SH_OK) {
    *out = a.list;
    *count = a.count;
    *total = a.total;
  }
  return rc;
}

void audit_records_free(struct audit_record *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    audit_record_free(&list[i]);
  free(list);
}

struct after_arg {
  int64_t after_id;
  size_t limit;
  struct audit_mark *out;
  size_t count;
  int64_t newest;
};

static enum sh_status after_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct after_arg *a = arg;
  return store_audit_after(tx, a->after_id, a->limit, a->out, &a->count, &a->newest, err);
}

enum sh_status audit_after(struct app *app, int64_t after_id, size_t limit, struct audit_mark *out,
                           size_t *count, int64_t *newest, struct sh_error *err) {
  struct after_arg a = {.after_id = after_id, .limit = limit, .out = out};
  enum sh_status rc = store_read(app->store, after_unit, &a, err);
  *count = rc == SH_OK ? a.count : 0;
  *newest = a.newest;
  return rc;
}
