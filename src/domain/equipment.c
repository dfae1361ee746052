/* equipment.c — equipment units and their warranty answer: business rules (see
 * equipment.h). */
#include "equipment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../store/idempotency.h"
#include "../store/projects.h"
#include "../store/reference.h"
#include "audit.h"
#include "project.h"
#include "settings.h"

static struct customer_scope scope_of(const struct actor *a) {
  struct customer_scope s = {.user_id = a->user_id};
  if (a->role == ROLE_DEALER)
    s.dealer_id = a->dealer_id ? a->dealer_id : -1;
  if (a->role == ROLE_CUSTOMER)
    s.customer_id = a->customer_id ? a->customer_id : -1;
  return s;
}

static const char *nz(const char *s) {
  return s ? s : "";
}

static bool given(const char *s) {
  return s && *s;
}

char *equipment_normalize_code(const char *s) {
  if (!s)
    return NULL;
  struct buf b;
  buf_init(&b, strlen(s) + 1);
  enum sh_status rc = SH_OK;
  for (const unsigned char *p = (const unsigned char *)s; rc == SH_OK && *p;) {
    char c;
    if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x81 && p[2] <= 0xBF) {
      c = (char)(p[2] - 0x60); /* U+FF01..U+FF3F → ! .. _ */
      p += 3;
    } else if (p[0] == 0xEF && p[1] == 0xBD && p[2] >= 0x80 && p[2] <= 0x9E) {
      c = (char)(p[2] - 0x20); /* U+FF40..U+FF5E → ` .. ~ */
      p += 3;
    } else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
      c = ' '; /* U+3000 ideographic space */
      p += 3;
    } else {
      c = (char)*p++;
    }
    rc = buf_append(&b, &c, 1);
  }
  char *out = rc == SH_OK ? buf_detach(&b) : NULL;
  buf_free(&b);
  if (!out)
    return NULL;
  size_t start = strspn(out, " "), n = strlen(out + start);
  while (n && out[start + n - 1] == ' ')
    n--;
  memmove(out, out + start, n);
  out[n] = '\0';
  return out;
}

json_t *equipment_fields_json(const struct equipment *e) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  jsonx_set_int(o, "project_id", e->project_id);
  jsonx_set_str(o, "serial_no", nz(e->serial_no));
  jsonx_set_str(o, "model", nz(e->model));
  jsonx_set_str(o, "name", nz(e->name));
  jsonx_set_str(o, "category", nz(e->category));
  json_object_set_new(o, "supplier_id",
                      e->supplier_id ? json_integer(e->supplier_id) : json_null());
  jsonx_set_str(o, "batch", nz(e->batch));
  jsonx_set_bool(o, "sold_by_company", e->sold_by_company);
  jsonx_set_str(o, "install_site", nz(e->install_site));
  jsonx_set_int(o, "manufacturer_months", e->manufacturer_months);
  jsonx_set_str(o, "acceptance_date", given(e->acceptance_date) ? e->acceptance_date : NULL);
  jsonx_set_str(o, "note", nz(e->note));
  return o;
}

/* The project must be one the actor sees; *customer_id gets its customer. */
static enum sh_status check_project(struct store_tx *tx, const struct actor *actor, int64_t id,
                                    int64_t *customer_id, struct sh_error *err) {
  struct customer_scope scope = scope_of(actor);
  struct project *p = NULL;
  enum sh_status rc = store_project_get(tx, id, &scope, &p, err);
  if (rc == SH_OK)
    *customer_id = p->customer_id;
  project_free(p);
  if (rc == SH_ERR_NOT_FOUND) {
    char detail[24];
    snprintf(detail, sizeof detail, "%lld", (long long)id);
    rc = sh_fail(err, SH_ERR_INVALID, "unknown_project", "project_id", detail);
  }
  return rc;
}

#define ALL_FIELDS (((uint64_t)1 << EQUIPMENT_FIELD_COUNT) - 1)
#define CHANGED(f) (fields & ((uint64_t)1 << (f)))

/* Checks the fields being set against the database (all of them on creation). */
static enum sh_status check_references(struct store_tx *tx, const struct actor *actor,
                                       struct equipment *e, uint64_t fields, struct sh_error *err) {
  enum sh_status rc = SH_OK;
  if (CHANGED(EQUIPMENT_FIELD_PROJECT_ID))
    rc = check_project(tx, actor, e->project_id, &e->customer_id, err);
  if (rc == SH_OK && CHANGED(EQUIPMENT_FIELD_CATEGORY)) {
    bool found = false;
    rc = store_dict_has(tx, "equipment_category", e->category, &found, err);
    if (rc == SH_OK && !found)
      rc = sh_fail(err, SH_ERR_INVALID, "invalid_choice", "category", e->category);
  }
  if (rc == SH_OK && CHANGED(EQUIPMENT_FIELD_SUPPLIER_ID) && e->supplier_id) {
    bool exists = false;
    rc = store_equipment_supplier_exists(tx, e->supplier_id, &exists, err);
    if (rc == SH_OK && !exists) {
      char detail[24];
      snprintf(detail, sizeof detail, "%lld", (long long)e->supplier_id);
      rc = sh_fail(err, SH_ERR_INVALID, "unknown_supplier", "supplier_id", detail);
    }
  }
  return rc;
}

/* Serial and model as stored; both required. Replaces the strings in e. */
static enum sh_status normalize(struct equipment *e, uint64_t fields, struct sh_error *err) {
  struct {
    enum equipment_field f;
    char **value;
    const char *name;
  } codes[] = {{EQUIPMENT_FIELD_SERIAL_NO, &e->serial_no, "serial_no"},
               {EQUIPMENT_FIELD_MODEL, &e->model, "model"}};
  for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
    if (!CHANGED(codes[i].f))
      continue;
    char *folded = equipment_normalize_code(*codes[i].value);
    if (!folded)
      return sh_fail(err, SH_ERR_INVALID, "field_required", codes[i].name, NULL);
    free(*codes[i].value);
    *codes[i].value = folded;
    if (!*folded)
      return sh_fail(err, SH_ERR_INVALID, "field_required", codes[i].name, NULL);
  }
  return SH_OK;
}

static enum sh_status replace_str(char **dst, const char *src, bool nullable) {
  char *copy = NULL;
  if (given(src) || !nullable) {
    copy = sh_strdup(nz(src));
    if (!copy)
      return SH_ERR_INTERNAL;
  }
  free(*dst);
  *dst = copy;
  return SH_OK;
}

/* Copies the fields marked present from in into e (deep copies). */
static enum sh_status apply_patch(struct equipment *e, const struct equipment *in,
                                  uint64_t present) {
  struct {
    enum equipment_field f;
    char **dst;
    char *const *src;
    bool nullable;
  } strings[] = {
      {EQUIPMENT_FIELD_SERIAL_NO, &e->serial_no, &in->serial_no, false},
      {EQUIPMENT_FIELD_MODEL, &e->model, &in->model, false},
      {EQUIPMENT_FIELD_NAME, &e->name, &in->name, false},
      {EQUIPMENT_FIELD_CATEGORY, &e->category, &in->category, false},
      {EQUIPMENT_FIELD_BATCH, &e->batch, &in->batch, false},
      {EQUIPMENT_FIELD_INSTALL_SITE, &e->install_site, &in->install_site, false},
      {EQUIPMENT_FIELD_ACCEPTANCE_DATE, &e->acceptance_date, &in->acceptance_date, true},
      {EQUIPMENT_FIELD_NOTE, &e->note, &in->note, false},
  };
  for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
    if ((present & ((uint64_t)1 << strings[i].f)) &&
        replace_str(strings[i].dst, *strings[i].src, strings[i].nullable) != SH_OK)
      return SH_ERR_INTERNAL;
  if (present & ((uint64_t)1 << EQUIPMENT_FIELD_PROJECT_ID))
    e->project_id = in->project_id;
  if (present & ((uint64_t)1 << EQUIPMENT_FIELD_SUPPLIER_ID))
    e->supplier_id = in->supplier_id;
  if (present & ((uint64_t)1 << EQUIPMENT_FIELD_SOLD_BY_COMPANY))
    e->sold_by_company = in->sold_by_company;
  if (present & ((uint64_t)1 << EQUIPMENT_FIELD_MANUFACTURER_MONTHS))
    e->manufacturer_months = in->manufacturer_months;
  return SH_OK;
}

/* The audit row of a new unit: every field, from nothing to its value, and its customer. */
static enum sh_status audit_create(struct store_tx *tx, const struct actor *actor,
                                   const struct equipment *e, int64_t id, int64_t now,
                                   struct sh_error *err) {
  json_t *fields = equipment_fields_json(e), *changes = json_object();
  const char *k;
  json_t *v;
  json_object_foreach(fields, k, v) audit_change(changes, k, NULL, json_incref(v));
  jsonx_set_int(changes, "customer_id", e->customer_id);
  enum sh_status rc = audit_log(tx, actor, "equipment", id, "create", changes, now, err);
  json_decref(changes);
  json_decref(fields);
  return rc;
}

enum sh_status equipment_create_in(struct store_tx *tx, const struct actor *actor,
                                   struct equipment *e, bool insert, int64_t now, int64_t *id,
                                   struct sh_error *err) {
  enum sh_status rc = SH_OK;
  if (!given(e->category)) {
    char *other = sh_strdup("other");
    if (!other)
      return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    free(e->category);
    e->category = other;
  }
  e->id = 0;
  rc = normalize(e, ALL_FIELDS, err);
  if (rc == SH_OK)
    rc = check_references(tx, actor, e, ALL_FIELDS, err);
  if (rc == SH_OK && !insert) {
    /* The insert checks this itself; a check alone must ask. */
    bool taken = false;
    rc = store_equipment_serial_taken(tx, e->model, e->serial_no, 0, &taken, err);
    if (rc == SH_OK && taken)
      rc = sh_fail(err, SH_ERR_CONFLICT, "duplicate", "serial_no", e->serial_no);
  }
  if (rc == SH_OK && insert)
    rc = store_equipment_insert(tx, e, now, actor->user_id, id, err);
  if (rc == SH_OK && insert)
    rc = audit_create(tx, actor, e, *id, now, err);
  return rc;
}

struct create_arg {
  const struct actor *actor;
  struct equipment *in;
  const char *key;
  int64_t id;
  bool replayed;
};

static enum sh_status create_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct create_arg *a = arg;
  int64_t now = time_now();
  enum sh_status rc = SH_OK;
  if (a->key) {
    rc = store_idempotency_get(tx, a->actor->user_id, a->key, "equipment.create", &a->id, err);
    if (rc != SH_OK || a->id) {
      a->replayed = a->id != 0;
      return rc;
    }
  }
  rc = equipment_create_in(tx, a->actor, a->in, true, now, &a->id, err);
  if (rc == SH_OK && a->key)
    rc = store_idempotency_put(tx, a->actor->user_id, a->key, "equipment.create", a->id, now, err);
  return rc;
}

struct get_arg {
  struct customer_scope scope;
  int64_t id;
  struct equipment *e;
};

static enum sh_status get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct get_arg *a = arg;
  return store_equipment_get(tx, a->id, &a->scope, &a->e, err);
}

enum sh_status equipment_get(struct app *app, const struct actor *actor, int64_t id,
                             struct equipment **out, struct sh_error *err) {
  struct get_arg a = {.scope = scope_of(actor), .id = id};
  enum sh_status rc = store_read(app->store, get_unit, &a, err);
  if (rc == SH_OK)
    *out = a.e;
  return rc;
}

enum sh_status equipment_create(struct app *app, const struct actor *actor,
                                const struct equipment *in, const char *idempotency_key,
                                struct equipment **out, bool *replayed, struct sh_error *err) {
  /* Work on a copy: the serial and model are normalized, the category defaulted, in the
   * unit (equipment_create_in). */
  struct equipment copy = *in;
  copy.serial_no = sh_strdup(in->serial_no);
  copy.model = sh_strdup(in->model);
  copy.category = sh_strdup(in->category);
  copy.id = 0;
  enum sh_status rc = SH_OK;
  if ((in->serial_no && !copy.serial_no) || (in->model && !copy.model) ||
      (in->category && !copy.category))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  struct create_arg a = {.actor = actor, .in = &copy, .key = idempotency_key};
  if (rc == SH_OK) {
    rc = store_write(app->store, create_unit, &a, err);
    if (rc == SH_ERR_CONFLICT && idempotency_key && strcmp(err->code, "duplicate") == 0 &&
        strcmp(err->field, "serial_no") != 0) {
      struct sh_error again;
      rc = store_write(app->store, create_unit, &a, &again);
      if (rc != SH_OK)
        *err = again;
    }
  }
  free(copy.serial_no);
  free(copy.model);
  free(copy.category);
  if (rc != SH_OK)
    return rc;
  if (replayed)
    *replayed = a.replayed;
  return equipment_get(app, actor, a.id, out, err);
}

struct update_arg {
  const struct actor *actor;
  int64_t id, version;
  const struct equipment *in;
  uint64_t present;
};

static enum sh_status update_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct update_arg *a = arg;
  struct customer_scope scope = scope_of(a->actor);
  struct equipment *e = NULL;
  json_t *before = NULL, *after = NULL, *changes = NULL;
  int64_t now = time_now(), customer_before;
  enum sh_status rc = store_equipment_get(tx, a->id, &scope, &e, err);
  if (rc != SH_OK)
    return rc;
  customer_before = e->customer_id;
  if (e->version != a->version) {
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
    goto out;
  }
  before = equipment_fields_json(e);
  if (apply_patch(e, a->in, a->present) != SH_OK) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  rc = normalize(e, a->present, err);
  if (rc == SH_OK)
    rc = check_references(tx, a->actor, e, a->present, err);
  if (rc == SH_OK)
    rc = store_equipment_update(tx, e, now, err);
  if (rc != SH_OK)
    goto out;
  after = equipment_fields_json(e);
  changes = json_object();
  const char *k;
  json_t *v;
  json_object_foreach(after, k, v) {
    audit_change(changes, k, json_incref(json_object_get(before, k)), json_incref(v));
  }
  audit_change(changes, "customer_id", json_integer(customer_before), json_integer(e->customer_id));
  rc = audit_log(tx, a->actor, "equipment", a->id, "update", changes, now, err);
out:
  json_decref(before);
  json_decref(after);
  json_decref(changes);
  equipment_free(e);
  return rc;
}

enum sh_status equipment_update(struct app *app, const struct actor *actor, int64_t id,
                                int64_t version, const struct equipment *in, uint64_t present,
                                struct equipment **out, struct sh_error *err) {
  struct update_arg a = {
      .actor = actor, .id = id, .version = version, .in = in, .present = present};
  enum sh_status rc = store_write(app->store, update_unit, &a, err);
  if (rc != SH_OK)
    return rc;
  return equipment_get(app, actor, id, out, err);
}

struct delete_arg {
  const struct actor *actor;
  int64_t id, version;
};

static enum sh_status delete_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct delete_arg *a = arg;
  struct customer_scope scope = scope_of(a->actor);
  struct equipment *e = NULL;
  int64_t now = time_now();
  enum sh_status rc = store_equipment_get(tx, a->id, &scope, &e, err);
  if (rc != SH_OK)
    return rc;
  if (e->version != a->version)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  if (rc == SH_OK)
    rc = store_equipment_delete(tx, a->id, a->version, now, err);
  if (rc == SH_OK) {
    json_t *changes = json_object();
    audit_change(changes, "deleted", json_false(), json_true());
    audit_change(changes, "serial_no", json_string(e->serial_no), NULL);
    audit_change(changes, "model", json_string(e->model), NULL);
    rc = audit_log(tx, a->actor, "equipment", a->id, "delete", changes, now, err);
    json_decref(changes);
  }
  equipment_free(e);
  return rc;
}

enum sh_status equipment_delete(struct app *app, const struct actor *actor, int64_t id,
                                int64_t version, struct sh_error *err) {
  struct delete_arg a = {.actor = actor, .id = id, .version = version};
  return store_write(app->store, delete_unit, &a, err);
}

struct list_arg {
  struct customer_scope scope;
  const struct equipment_filter *filter;
  struct equipment **list;
  size_t count;
  int64_t total;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  return store_equipment_list(tx, a->filter, &a->scope, &a->list, &a->count, &a->total, err);
}

enum sh_status equipment_list(struct app *app, const struct actor *actor,
                              const struct equipment_filter *filter, struct equipment ***out,
                              size_t *count, int64_t *total, struct sh_error *err) {
  struct list_arg a = {.scope = scope_of(actor), .filter = filter};
  enum sh_status rc = store_read(app->store, list_unit, &a, err);
  if (rc == SH_OK) {
    *out = a.list;
    *count = a.count;
    *total = a.total;
  }
  return rc;
}

struct warranty_arg {
  struct customer_scope scope;
  int64_t id;
  struct equipment_warranty *out;
};

/* IMP: SPEC B2 — the unit's terms, fed to warranty_status. */
static enum sh_status warranty_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct warranty_arg *a = arg;
  struct equipment_warranty *w = a->out;
  struct equipment *e = NULL;
  int64_t company_months = 0;
  enum sh_status rc = store_equipment_get(tx, a->id, &a->scope, &e, err);
  if (rc == SH_OK)
    rc = settings_int(tx, "warranty.company_months", &company_months, err);
  if (rc != SH_OK)
    goto out;
  const char *accepted = given(e->acceptance_date)           ? e->acceptance_date
                         : given(e->project_acceptance_date) ? e->project_acceptance_date
                                                             : NULL;
  w->acceptance_source = !accepted                        ? NULL
                         : accepted == e->acceptance_date ? "equipment"
                                                          : "project";
  snprintf(w->acceptance_date, sizeof w->acceptance_date, "%s", nz(accepted));
  w->company_months = (int)company_months;
  w->manufacturer_months = (int)e->manufacturer_months;
  w->sold_by_company = e->sold_by_company;
  struct warranty_unit unit = {.acceptance_date = accepted,
                               .company_months = w->company_months,
                               .manufacturer_months = w->manufacturer_months,
                               .sold_by_company = w->sold_by_company};
  if (!warranty_status(&unit, w->date, &w->answer))
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_date", "date", w->date);
out:
  equipment_free(e);
  return rc;
}

enum sh_status equipment_warranty(struct app *app, const struct actor *actor, int64_t id,
                                  const char *date, struct equipment_warranty *out,
                                  struct sh_error *err) {
  struct equipment_warranty w = {0};
  if (date) {
    if (!date_valid(date))
      return sh_fail(err, SH_ERR_INVALID, "invalid_date", "date", NULL);
    snprintf(w.date, sizeof w.date, "%s", date);
  } else {
    project_today(app, w.date);
  }
  struct warranty_arg a = {.scope = scope_of(actor), .id = id, .out = &w};
  enum sh_status rc = store_read(app->store, warranty_unit, &a, err);
  if (rc == SH_OK)
    *out = w;
  return rc;
}
