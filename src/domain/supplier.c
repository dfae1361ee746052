/* supplier.c — the supplier archive's business rules and the supplier audits (see
 * supplier.h). */
#include "supplier.h"

#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../rules/region.h"
#include "../store/idempotency.h"
#include "../store/reference.h"
#include "audit.h"
#include "checks.h"

static const char *nz(const char *s) {
  return s ? s : "";
}

static bool given(const char *s) {
  return s && *s;
}

/* Today's date "YYYY-MM-DD" in the configured zone. */
static void today(const struct app *app, char out[11]) {
  char iso[TIME_ISO_LEN];
  time_format_iso(time_now(), app->tz_offset_minutes, iso);
  memcpy(out, iso, 10);
  out[10] = '\0';
}

json_t *supplier_fields_json(const struct supplier *s) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  jsonx_set_str(o, "name", nz(s->name));
  jsonx_set_str(o, "region_code", given(s->region_code) ? s->region_code : NULL);
  jsonx_set_str(o, "contact_person", nz(s->contact_person));
  jsonx_set_str(o, "phone", nz(s->phone));
  jsonx_set_str(o, "email", nz(s->email));
  jsonx_set_str(o, "address", nz(s->address));
  jsonx_set_str(o, "supplies", nz(s->supplies));
  jsonx_set_bool(o, "outsourced", s->outsourced);
  jsonx_set_str(o, "note", nz(s->note));
  return o;
}

json_t *supplier_audit_fields_json(const struct supplier_audit *a) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  jsonx_set_int(o, "supplier_id", a->supplier_id);
  jsonx_set_str(o, "audited_on", nz(a->audited_on));
  jsonx_set_str(o, "result", nz(a->result));
  jsonx_set_str(o, "findings", nz(a->findings));
  return o;
}

/* Checks that need no database, and folds the phone number. */
static enum sh_status check_fields(struct supplier *s, struct sh_error *err) {
  enum sh_status rc = check_phone(&s->phone, "phone", err);
  /* IMP: SPEC A4 — the supplier's contact data is accurate. */
  if (rc == SH_OK)
    rc = check_email(s->email, "email", err);
  return rc;
}

/* A given region must exist; suppliers need no grant (supplier.h). */
static enum sh_status check_region(struct store_tx *tx, const char *code, struct sh_error *err) {
  return given(code) ? check_region_known(tx, code, "region_code", err) : SH_OK;
}

/* Runs a write unit and, when two requests with one Idempotency-Key raced (PostgreSQL: the
 * other one created it), runs it once more to find what the other one made. */
static enum sh_status write_idempotent(struct app *app, store_unit_fn fn, void *arg,
                                       const char *key, struct sh_error *err) {
  enum sh_status rc = store_write(app->store, fn, arg, err);
  if (rc == SH_ERR_CONFLICT && key && strcmp(err->code, "duplicate") == 0) {
    struct sh_error again;
    rc = store_write(app->store, fn, arg, &again);
    if (rc != SH_OK)
      *err = again;
  }
  return rc;
}

/* Writes the audit row of a creation: every field, from null. Takes fields. */
static enum sh_status log_creation(struct store_tx *tx, const struct actor *actor,
                                   const char *entity, int64_t id, json_t *fields, int64_t now,
                                   struct sh_error *err) {
  json_t *changes = json_object();
  const char *k;
  json_t *v;
  json_object_foreach(fields, k, v) audit_change(changes, k, NULL, json_incref(v));
  enum sh_status rc = audit_log(tx, actor, entity, id, "create", changes, now, err);
  json_decref(changes);
  json_decref(fields);
  return rc;
}

struct create_arg {
  const struct actor *actor;
  const struct supplier *in;
  const char *key;
  int64_t id;
  bool replayed;
};

static enum sh_status create_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct create_arg *a = arg;
  int64_t now = time_now();
  enum sh_status rc = SH_OK;
  if (a->key) {
    rc = store_idempotency_get(tx, a->actor->user_id, a->key, "supplier.create", &a->id, err);
    if (rc != SH_OK || a->id) {
      a->replayed = a->id != 0;
      return rc;
    }
  }
  rc = check_region(tx, a->in->region_code, err);
  if (rc == SH_OK)
    rc = store_supplier_insert(tx, a->in, now, a->actor->user_id, &a->id, err);
  if (rc == SH_OK && a->key)
    rc = store_idempotency_put(tx, a->actor->user_id, a->key, "supplier.create", a->id, now, err);
  if (rc == SH_OK)
    rc = log_creation(tx, a->actor, "supplier", a->id, supplier_fields_json(a->in), now, err);
  return rc;
}

struct get_arg {
  int64_t id;
  struct supplier *s;
};

static enum sh_status get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct get_arg *a = arg;
  return store_supplier_get(tx, a->id, &a->s, err);
}

enum sh_status supplier_get(struct app *app, int64_t id, struct supplier **out,
                            struct sh_error *err) {
  struct get_arg a = {.id = id};
  enum sh_status rc = store_read(app->store, get_unit, &a, err);
  if (rc == SH_OK)
    *out = a.s;
  return rc;
}

enum sh_status supplier_create(struct app *app, const struct actor *actor,
                               const struct supplier *in, const char *idempotency_key,
                               struct supplier **out, bool *replayed, struct sh_error *err) {
  /* check_fields folds the phone in place: work on a copy, the caller's stays as given. */
  struct supplier copy = *in;
  copy.phone = sh_strdup(in->phone);
  if (in->phone && !copy.phone)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  enum sh_status rc = check_fields(&copy, err);
  struct create_arg a = {.actor = actor, .in = &copy, .key = idempotency_key};
  if (rc == SH_OK)
    rc = write_idempotent(app, create_unit, &a, idempotency_key, err);
  free(copy.phone);
  if (rc != SH_OK)
    return rc;
  if (replayed)
    *replayed = a.replayed;
  return supplier_get(app, a.id, out, err);
}

struct update_arg {
  const struct actor *actor;
  int64_t id, version;
  const struct supplier *in;
  uint64_t present;
};

static enum sh_status replace_str(char **dst, const char *src, bool keep_null) {
  char *copy = NULL;
  if (src || !keep_null) {
    copy = sh_strdup(src ? src : "");
    if (!copy)
      return SH_ERR_INTERNAL;
  }
  free(*dst);
  *dst = copy;
  return SH_OK;
}

#define PRESENT(mask, f) ((mask) & ((uint64_t)1 << (f)))

/* Moves the fields marked present from in into s (deep copies); a cleared region is NULL. */
static enum sh_status apply_patch(struct supplier *s, const struct supplier *in, uint64_t present) {
  struct {
    enum supplier_field f;
    char **dst;
    char *const *src;
    bool keep_null;
  } fields[] = {
      {SUPPLIER_FIELD_NAME, &s->name, &in->name, false},
      {SUPPLIER_FIELD_REGION_CODE, &s->region_code, &in->region_code, true},
      {SUPPLIER_FIELD_CONTACT_PERSON, &s->contact_person, &in->contact_person, false},
      {SUPPLIER_FIELD_PHONE, &s->phone, &in->phone, false},
      {SUPPLIER_FIELD_EMAIL, &s->email, &in->email, false},
      {SUPPLIER_FIELD_ADDRESS, &s->address, &in->address, false},
      {SUPPLIER_FIELD_SUPPLIES, &s->supplies, &in->supplies, false},
      {SUPPLIER_FIELD_NOTE, &s->note, &in->note, false},
  };
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    if (PRESENT(present, fields[i].f) &&
        replace_str(fields[i].dst, *fields[i].src, fields[i].keep_null) != SH_OK)
      return SH_ERR_INTERNAL;
  if (PRESENT(present, SUPPLIER_FIELD_OUTSOURCED))
    s->outsourced = in->outsourced;
  return SH_OK;
}

static enum sh_status update_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct update_arg *a = arg;
  struct supplier *s = NULL;
  json_t *before = NULL, *after = NULL, *changes = NULL;
  int64_t now = time_now();
  enum sh_status rc = store_supplier_get(tx, a->id, &s, err);
  if (rc != SH_OK)
    return rc;
  if (s->version != a->version) {
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
    goto out;
  }
  before = supplier_fields_json(s);
  if (apply_patch(s, a->in, a->present) != SH_OK) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  rc = check_fields(s, err);
  if (rc == SH_OK && PRESENT(a->present, SUPPLIER_FIELD_REGION_CODE))
    rc = check_region(tx, s->region_code, err);
  if (rc == SH_OK)
    rc = store_supplier_update(tx, s, now, err);
  if (rc != SH_OK)
    goto out;
  after = supplier_fields_json(s);
  changes = json_object();
  const char *k;
  json_t *v;
  json_object_foreach(after, k, v) {
    audit_change(changes, k, json_incref(json_object_get(before, k)), json_incref(v));
  }
  rc = audit_log(tx, a->actor, "supplier", a->id, "update", changes, now, err);
out:
  json_decref(before);
  json_decref(after);
  json_decref(changes);
  supplier_free(s);
  return rc;
}

enum sh_status supplier_update(struct app *app, const struct actor *actor, int64_t id,
                               int64_t version, const struct supplier *in, uint64_t present,
                               struct supplier **out, struct sh_error *err) {
  struct update_arg a = {
      .actor = actor, .id = id, .version = version, .in = in, .present = present};
  enum sh_status rc = store_write(app->store, update_unit, &a, err);
  if (rc != SH_OK)
    return rc;
  return supplier_get(app, id, out, err);
}

struct delete_arg {
  const struct actor *actor;
  int64_t id, version;
};

static enum sh_status delete_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct delete_arg *a = arg;
  struct supplier *s = NULL;
  int64_t now = time_now();
  enum sh_status rc = store_supplier_get(tx, a->id, &s, err);
  if (rc != SH_OK)
    return rc;
  if (s->version != a->version)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  if (rc == SH_OK)
    rc = store_supplier_delete(tx, a->id, a->version, now, err);
  if (rc == SH_OK) {
    json_t *changes = json_object();
    audit_change(changes, "deleted", json_false(), json_true());
    audit_change(changes, "name", json_string(s->name), NULL);
    rc = audit_log(tx, a->actor, "supplier", a->id, "delete", changes, now, err);
    json_decref(changes);
  }
  supplier_free(s);
  return rc;
}

enum sh_status supplier_delete(struct app *app, const struct actor *actor, int64_t id,
                               int64_t version, struct sh_error *err) {
  struct delete_arg a = {.actor = actor, .id = id, .version = version};
  return store_write(app->store, delete_unit, &a, err);
}

struct list_arg {
  const struct supplier_filter *filter;
  struct supplier **list;
  int64_t *ranks;
  size_t count;
  int64_t total;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  return store_supplier_list(tx, a->filter, &a->list, &a->ranks, &a->count, &a->total, err);
}

enum sh_status supplier_list(struct app *app, const struct supplier_filter *filter,
                             struct supplier ***out, int64_t **ranks, size_t *count, int64_t *total,
                             struct sh_error *err) {
  struct list_arg a = {.filter = filter};
  enum sh_status rc = store_read(app->store, list_unit, &a, err);
  if (rc == SH_OK) {
    *out = a.list;
    *count = a.count;
    *total = a.total;
    if (ranks)
      *ranks = a.ranks;
    else
      free(a.ranks);
  }
  return rc;
}

void supplier_list_free(struct supplier **list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    supplier_free(list[i]);
  free(list);
}

/* ---- audits ------------------------------------------------------------------------------- */

struct audit_arg {
  const struct actor *actor;
  const struct supplier_audit *in;
  const char *key;
  int64_t id;
  bool replayed;
};

/* A repeated Idempotency-Key: the audit it made, which must be of the same supplier. */
static enum sh_status replay(struct store_tx *tx, struct audit_arg *a, struct sh_error *err) {
  struct supplier_audit *previous = NULL;
  enum sh_status rc = store_supplier_audit_get(tx, a->in->supplier_id, a->id, &previous, err);
  supplier_audit_clear(previous);
  free(previous);
  if (rc == SH_ERR_NOT_FOUND)
    rc = sh_fail(err, SH_ERR_CONFLICT, "idempotency_key_reused", "Idempotency-Key", NULL);
  a->replayed = rc == SH_OK;
  return rc;
}

static enum sh_status audit_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct audit_arg *a = arg;
  struct supplier *s = NULL;
  int64_t now = time_now();
  enum sh_status rc = store_supplier_get(tx, a->in->supplier_id, &s, err);
  supplier_free(s);
  if (rc != SH_OK)
    return rc;
  if (a->key) {
    rc = store_idempotency_get(tx, a->actor->user_id, a->key, "supplier_audit.create", &a->id, err);
    if (rc != SH_OK)
      return rc;
    if (a->id)
      return replay(tx, a, err);
  }
  bool found = false;
  rc = store_dict_has(tx, "supplier_audit_result", a->in->result, &found, err);
  if (rc == SH_OK && !found)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_choice", "result", a->in->result);
  /* IMP: SPEC A4 — an audit that is not passed states its findings. */
  if (rc == SH_OK && strcmp(a->in->result, "passed") != 0 && !given(a->in->findings))
    rc = sh_fail(err, SH_ERR_INVALID, "field_required", "findings", NULL);
  if (rc == SH_OK)
    rc = store_supplier_audit_insert(tx, a->in, now, a->actor->user_id, &a->id, err);
  if (rc == SH_OK && a->key)
    rc = store_idempotency_put(tx, a->actor->user_id, a->key, "supplier_audit.create", a->id, now,
                               err);
  if (rc == SH_OK)
    rc = log_creation(tx, a->actor, "supplier_audit", a->id, supplier_audit_fields_json(a->in), now,
                      err);
  return rc;
}

struct audit_get_arg {
  int64_t supplier_id, id;
  struct supplier_audit *a;
};

static enum sh_status audit_get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct audit_get_arg *a = arg;
  return store_supplier_audit_get(tx, a->supplier_id, a->id, &a->a, err);
}

enum sh_status supplier_audit_create(struct app *app, const struct actor *actor,
                                     const struct supplier_audit *in, const char *idempotency_key,
                                     struct supplier_audit **out, bool *replayed,
                                     struct sh_error *err) {
  char now[11];
  today(app, now);
  /* IMP: SPEC A4 — an audit is of something that happened: not after today. */
  if (in->audited_on && strcmp(in->audited_on, now) > 0)
    return sh_fail(err, SH_ERR_INVALID, "date_in_future", "audited_on", NULL);
  struct audit_arg a = {.actor = actor, .in = in, .key = idempotency_key};
  enum sh_status rc = write_idempotent(app, audit_unit, &a, idempotency_key, err);
  if (rc != SH_OK)
    return rc;
  if (replayed)
    *replayed = a.replayed;
  struct audit_get_arg g = {.supplier_id = in->supplier_id, .id = a.id};
  rc = store_read(app->store, audit_get_unit, &g, err);
  if (rc == SH_OK)
    *out = g.a;
  return rc;
}

struct audit_list_arg {
  const struct supplier_audit_filter *filter;
  struct supplier_audit *list;
  size_t count;
  int64_t total;
};

static enum sh_status audit_list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct audit_list_arg *a = arg;
  struct supplier *s = NULL;
  enum sh_status rc = store_supplier_get(tx, a->filter->supplier_id, &s, err);
  supplier_free(s);
  if (rc == SH_OK)
    rc = store_supplier_audit_list(tx, a->filter, &a->list, &a->count, &a->total, err);
  return rc;
}

enum sh_status supplier_audit_list(struct app *app, const struct supplier_audit_filter *f,
                                   struct supplier_audit **out, size_t *count, int64_t *total,
                                   struct sh_error *err) {
  struct audit_list_arg a = {.filter = f};
  enum sh_status rc = store_read(app->store, audit_list_unit, &a, err);
  if (rc == SH_OK) {
    *out = a.list;
    *count = a.count;
    *total = a.total;
  }
  return rc;
}
