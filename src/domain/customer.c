/* customer.c — the customer archive's business rules (see customer.h). */
#include "customer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../rules/region.h"
#include "../store/dealers.h"
#include "../store/idempotency.h"
#include "../store/reference.h"
#include "../store/users.h"
#include "audit.h"
#include "checks.h"

static const char *nz(const char *s) {
  return s ? s : "";
}

static json_t *contacts_json(const struct customer *c) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < c->ncontacts; i++) {
    const struct customer_contact *k = &c->contacts[i];
    json_t *o = json_object();
    jsonx_set_str(o, "name", nz(k->name));
    jsonx_set_str(o, "phone", nz(k->phone));
    jsonx_set_str(o, "title", nz(k->title));
    jsonx_set_str(o, "email", nz(k->email));
    jsonx_set_bool(o, "is_primary", k->is_primary);
    json_array_append_new(a, o);
  }
  return a;
}

static json_t *addresses_json(const struct customer *c) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < c->naddresses; i++) {
    const struct customer_address *k = &c->addresses[i];
    json_t *o = json_object();
    jsonx_set_str(o, "label", nz(k->label));
    jsonx_set_str(o, "region_code", nz(k->region_code));
    jsonx_set_str(o, "detail", nz(k->detail));
    jsonx_set_bool(o, "is_default", k->is_default);
    json_array_append_new(a, o);
  }
  return a;
}

json_t *customer_fields_json(const struct customer *c) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  json_error_t jerr;
  json_t *types = json_loads(c->product_types ? c->product_types : "[]", 0, &jerr);
  jsonx_set_str(o, "name", nz(c->name));
  jsonx_set_str(o, "kind", nz(c->kind));
  jsonx_set_str(o, "region_code", nz(c->region_code));
  jsonx_set_str(o, "address", nz(c->address));
  jsonx_set_str(o, "phone", nz(c->phone));
  jsonx_set_str(o, "responsible_person", nz(c->responsible_person));
  jsonx_set_str(o, "customer_group", nz(c->customer_group));
  json_object_set_new(o, "product_types", types ? types : json_array());
  jsonx_set_bool(o, "key_customer", c->key_customer);
  jsonx_set_str(o, "note", nz(c->note));
  json_object_set_new(o, "dealer_id", c->dealer_id ? json_integer(c->dealer_id) : json_null());
  json_object_set_new(o, "contacts", contacts_json(c));
  json_object_set_new(o, "addresses", addresses_json(c));
  return o;
}

#define ALL_FIELDS (((uint64_t)1 << CUSTOMER_FIELD_COUNT) - 1)
#define CHANGED(f) (fields & ((uint64_t)1 << (f)))

/* What the database must confirm about the fields being set (all of them on creation):
 * an update re-checks only what it changes, so an address in a region the editor was not
 * granted, or a dictionary value disabled since, does not block changing a phone number. */
static enum sh_status check_references(struct store_tx *tx, const struct actor *actor,
                                       const struct customer *c, uint64_t fields,
                                       struct sh_error *err) {
  enum sh_status rc = SH_OK;
  if (CHANGED(CUSTOMER_FIELD_REGION_CODE))
    rc = check_region_granted(tx, actor, c->region_code, "region_code", err);
  if (rc == SH_OK && CHANGED(CUSTOMER_FIELD_KIND))
    rc = check_dict(tx, "customer_kind", c->kind, "kind", err);
  if (rc == SH_OK && CHANGED(CUSTOMER_FIELD_CUSTOMER_GROUP) && c->customer_group &&
      *c->customer_group)
    rc = check_dict(tx, "customer_group", c->customer_group, "customer_group", err);
  /* A customer is linked only to a dealer the caller can see (SPEC A3: its dealer's user
   * then sees the customer). */
  if (rc == SH_OK && CHANGED(CUSTOMER_FIELD_DEALER_ID) && c->dealer_id) {
    struct dealer_scope scope = {.user_id = actor->user_id};
    struct dealer *d = NULL;
    rc = store_dealer_get(tx, c->dealer_id, &scope, &d, err);
    dealer_free(d);
    if (rc == SH_ERR_NOT_FOUND)
      rc = sh_fail(err, SH_ERR_INVALID, "unknown_dealer", "dealer_id", NULL);
  }
  if (rc == SH_OK && CHANGED(CUSTOMER_FIELD_PRODUCT_TYPES)) {
    json_error_t jerr;
    json_t *types = json_loads(c->product_types ? c->product_types : "[]", 0, &jerr);
    size_t i;
    json_t *v;
    json_array_foreach(types, i, v) {
      if (rc != SH_OK)
        break;
      rc = check_dict(tx, "product_type", json_string_value(v), "product_types", err);
    }
    json_decref(types);
  }
  for (size_t i = 0; rc == SH_OK && CHANGED(CUSTOMER_FIELD_ADDRESSES) && i < c->naddresses; i++) {
    char field[48];
    snprintf(field, sizeof field, "addresses[%zu].region_code", i);
    rc = check_region_granted(tx, actor, c->addresses[i].region_code, field, err);
  }
  return rc;
}

/* Checks that need no database, and folds phone numbers. */
static enum sh_status check_fields(struct customer *c, struct sh_error *err) {
  enum sh_status rc = check_phone(&c->phone, "phone", err);
  int primaries = 0, defaults = 0;
  for (size_t i = 0; rc == SH_OK && i < c->ncontacts; i++) {
    char field[48];
    snprintf(field, sizeof field, "contacts[%zu].phone", i);
    rc = check_phone(&c->contacts[i].phone, field, err);
    const char *email = c->contacts[i].email;
    if (rc == SH_OK && email && *email && (!strchr(email, '@') || strchr(email, ' '))) {
      snprintf(field, sizeof field, "contacts[%zu].email", i);
      rc = sh_fail(err, SH_ERR_INVALID, "invalid_email", field, NULL);
    }
    primaries += c->contacts[i].is_primary;
  }
  for (size_t i = 0; i < c->naddresses; i++)
    defaults += c->addresses[i].is_default;
  if (rc == SH_OK && primaries > 1)
    rc = sh_fail(err, SH_ERR_INVALID, "more_than_one_primary", "contacts", NULL);
  if (rc == SH_OK && defaults > 1)
    rc = sh_fail(err, SH_ERR_INVALID, "more_than_one_default", "addresses", NULL);
  return rc;
}

/* The audit row of a new customer: every field, from nothing to its value. */
static enum sh_status audit_create(struct store_tx *tx, const struct actor *actor,
                                   const struct customer *c, int64_t id, int64_t now,
                                   struct sh_error *err) {
  json_t *fields = customer_fields_json(c), *changes = json_object();
  const char *k;
  json_t *v;
  json_object_foreach(fields, k, v) audit_change(changes, k, NULL, json_incref(v));
  enum sh_status rc = audit_log(tx, actor, "customer", id, "create", changes, now, err);
  json_decref(changes);
  json_decref(fields);
  return rc;
}

enum sh_status customer_create_in(struct store_tx *tx, const struct actor *actor,
                                  struct customer *c, bool insert, int64_t now, int64_t *id,
                                  struct sh_error *err) {
  enum sh_status rc = check_fields(c, err);
  if (rc == SH_OK)
    rc = check_references(tx, actor, c, ALL_FIELDS, err);
  if (rc == SH_OK && insert)
    rc = store_customer_insert(tx, c, now, actor->user_id, id, err);
  if (rc == SH_OK && insert)
    rc = audit_create(tx, actor, c, *id, now, err);
  return rc;
}

struct create_arg {
  const struct actor *actor;
  const struct customer *in;
  const char *key;
  int64_t id;
  bool replayed;
};

static enum sh_status create_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct create_arg *a = arg;
  int64_t now = time_now();
  enum sh_status rc = SH_OK;
  if (a->key) {
    rc = store_idempotency_get(tx, a->actor->user_id, a->key, "customer.create", &a->id, err);
    if (rc != SH_OK || a->id) {
      a->replayed = a->id != 0;
      return rc;
    }
  }
  /* The phones were folded and checked before the unit (check_fields on a copy). */
  rc = check_references(tx, a->actor, a->in, ALL_FIELDS, err);
  if (rc == SH_OK)
    rc = store_customer_insert(tx, a->in, now, a->actor->user_id, &a->id, err);
  if (rc == SH_OK && a->key)
    rc = store_idempotency_put(tx, a->actor->user_id, a->key, "customer.create", a->id, now, err);
  if (rc == SH_OK)
    rc = audit_create(tx, a->actor, a->in, a->id, now, err);
  return rc;
}

struct get_arg {
  struct customer_scope scope;
  int64_t id;
  struct customer *c;
};

static enum sh_status get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct get_arg *a = arg;
  return store_customer_get(tx, a->id, &a->scope, &a->c, err);
}

enum sh_status customer_get(struct app *app, const struct actor *actor, int64_t id,
                            struct customer **out, struct sh_error *err) {
  struct get_arg a = {.scope = customer_scope_of(actor), .id = id};
  enum sh_status rc = store_read(app->store, get_unit, &a, err);
  if (rc == SH_OK)
    *out = a.c;
  return rc;
}

enum sh_status customer_create(struct app *app, const struct actor *actor,
                               const struct customer *in, const char *idempotency_key,
                               struct customer **out, bool *replayed, struct sh_error *err) {
  /* check_fields folds phone numbers in place: work on copies, the caller's stay as given. */
  struct customer *copy = sh_calloc(1, sizeof *copy);
  if (!copy)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  *copy = *in;
  copy->phone = sh_strdup(in->phone);
  copy->contacts = sh_calloc(in->ncontacts, sizeof *copy->contacts);
  for (size_t i = 0; copy->contacts && i < in->ncontacts; i++) {
    copy->contacts[i] = in->contacts[i];
    copy->contacts[i].phone = sh_strdup(in->contacts[i].phone);
  }
  enum sh_status rc = copy->contacts ? check_fields(copy, err)
                                     : sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  struct create_arg a = {.actor = actor, .in = copy, .key = idempotency_key};
  if (rc == SH_OK) {
    rc = store_write(app->store, create_unit, &a, err);
    if (rc == SH_ERR_CONFLICT && idempotency_key && strcmp(err->code, "duplicate") == 0) {
      /* Two requests with one key raced (PostgreSQL): the other one created it. */
      struct sh_error again;
      rc = store_write(app->store, create_unit, &a, &again);
      if (rc != SH_OK)
        *err = again;
    }
  }
  free(copy->phone);
  for (size_t i = 0; copy->contacts && i < in->ncontacts; i++)
    free(copy->contacts[i].phone);
  free(copy->contacts);
  free(copy);
  if (rc != SH_OK)
    return rc;
  if (replayed)
    *replayed = a.replayed;
  return customer_get(app, actor, a.id, out, err);
}

struct update_arg {
  const struct actor *actor;
  int64_t id, version;
  const struct customer *in;
  uint64_t present;
};

#define HAS(f) (a->present & ((uint64_t)1 << (f)))

static enum sh_status replace_str(char **dst, const char *src) {
  char *copy = sh_strdup(src ? src : "");
  if (!copy)
    return SH_ERR_INTERNAL;
  free(*dst);
  *dst = copy;
  return SH_OK;
}

/* Moves the fields marked present from in into c (deep copies). */
static enum sh_status apply_patch(struct customer *c, const struct customer *in, uint64_t present) {
  struct {
    enum customer_field f;
    char **dst;
    char *const *src;
  } strings[] = {
      {CUSTOMER_FIELD_NAME, &c->name, &in->name},
      {CUSTOMER_FIELD_KIND, &c->kind, &in->kind},
      {CUSTOMER_FIELD_REGION_CODE, &c->region_code, &in->region_code},
      {CUSTOMER_FIELD_ADDRESS, &c->address, &in->address},
      {CUSTOMER_FIELD_PHONE, &c->phone, &in->phone},
      {CUSTOMER_FIELD_RESPONSIBLE_PERSON, &c->responsible_person, &in->responsible_person},
      {CUSTOMER_FIELD_CUSTOMER_GROUP, &c->customer_group, &in->customer_group},
      {CUSTOMER_FIELD_PRODUCT_TYPES, &c->product_types, &in->product_types},
      {CUSTOMER_FIELD_NOTE, &c->note, &in->note},
  };
  for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
    if ((present & ((uint64_t)1 << strings[i].f)) &&
        replace_str(strings[i].dst, *strings[i].src) != SH_OK)
      return SH_ERR_INTERNAL;
  if (present & ((uint64_t)1 << CUSTOMER_FIELD_KEY_CUSTOMER))
    c->key_customer = in->key_customer;
  if (present & ((uint64_t)1 << CUSTOMER_FIELD_DEALER_ID))
    c->dealer_id = in->dealer_id;
  if (present & ((uint64_t)1 << CUSTOMER_FIELD_CONTACTS)) {
    for (size_t i = 0; i < c->ncontacts; i++)
      customer_contact_clear(&c->contacts[i]);
    free(c->contacts);
    c->ncontacts = 0;
    c->contacts = sh_calloc(in->ncontacts, sizeof *c->contacts);
    if (!c->contacts)
      return SH_ERR_INTERNAL;
    for (size_t i = 0; i < in->ncontacts; i++, c->ncontacts++) {
      const struct customer_contact *s = &in->contacts[i];
      struct customer_contact *d = &c->contacts[i];
      d->name = sh_strdup(nz(s->name));
      d->phone = sh_strdup(nz(s->phone));
      d->title = sh_strdup(nz(s->title));
      d->email = sh_strdup(nz(s->email));
      d->is_primary = s->is_primary;
    }
  }
  if (present & ((uint64_t)1 << CUSTOMER_FIELD_ADDRESSES)) {
    for (size_t i = 0; i < c->naddresses; i++)
      customer_address_clear(&c->addresses[i]);
    free(c->addresses);
    c->naddresses = 0;
    c->addresses = sh_calloc(in->naddresses, sizeof *c->addresses);
    if (!c->addresses)
      return SH_ERR_INTERNAL;
    for (size_t i = 0; i < in->naddresses; i++, c->naddresses++) {
      const struct customer_address *s = &in->addresses[i];
      struct customer_address *d = &c->addresses[i];
      d->label = sh_strdup(nz(s->label));
      d->region_code = sh_strdup(nz(s->region_code));
      d->detail = sh_strdup(nz(s->detail));
      d->is_default = s->is_default;
    }
  }
  return SH_OK;
}

static enum sh_status update_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct update_arg *a = arg;
  struct customer_scope scope = customer_scope_of(a->actor);
  struct customer *c = NULL;
  json_t *before = NULL, *after = NULL, *changes = NULL;
  int64_t now = time_now();
  enum sh_status rc = store_customer_get(tx, a->id, &scope, &c, err);
  if (rc != SH_OK)
    return rc;
  if (c->version != a->version) {
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
    goto out;
  }
  /* Moving a customer needs both regions: the scope of the get above proved the current one
   * granted, check_references proves the new one. */
  before = customer_fields_json(c);
  if (apply_patch(c, a->in, a->present) != SH_OK) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  rc = check_fields(c, err);
  if (rc == SH_OK)
    rc = check_references(tx, a->actor, c, a->present, err);
  if (rc == SH_OK)
    rc = store_customer_update(tx, c, now, err);
  if (rc != SH_OK)
    goto out;
  after = customer_fields_json(c);
  changes = json_object();
  const char *k;
  json_t *v;
  json_object_foreach(after, k, v) {
    audit_change(changes, k, json_incref(json_object_get(before, k)), json_incref(v));
  }
  rc = audit_log(tx, a->actor, "customer", a->id, "update", changes, now, err);
out:
  json_decref(before);
  json_decref(after);
  json_decref(changes);
  customer_free(c);
  return rc;
}

enum sh_status customer_update(struct app *app, const struct actor *actor, int64_t id,
                               int64_t version, const struct customer *in, uint64_t present,
                               struct customer **out, struct sh_error *err) {
  struct update_arg a = {
      .actor = actor, .id = id, .version = version, .in = in, .present = present};
  enum sh_status rc = store_write(app->store, update_unit, &a, err);
  if (rc != SH_OK)
    return rc;
  return customer_get(app, actor, id, out, err);
}

struct delete_arg {
  const struct actor *actor;
  int64_t id, version;
};

static enum sh_status delete_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct delete_arg *a = arg;
  struct customer_scope scope = customer_scope_of(a->actor);
  struct customer *c = NULL;
  int64_t now = time_now();
  enum sh_status rc = store_customer_get(tx, a->id, &scope, &c, err);
  if (rc != SH_OK)
    return rc;
  if (c->version != a->version)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  if (rc == SH_OK)
    rc = store_customer_delete(tx, a->id, a->version, now, err);
  if (rc == SH_OK) {
    json_t *changes = json_object();
    audit_change(changes, "deleted", json_false(), json_true());
    audit_change(changes, "name", json_string(c->name), NULL);
    rc = audit_log(tx, a->actor, "customer", a->id, "delete", changes, now, err);
    json_decref(changes);
  }
  customer_free(c);
  return rc;
}

enum sh_status customer_delete(struct app *app, const struct actor *actor, int64_t id,
                               int64_t version, struct sh_error *err) {
  struct delete_arg a = {.actor = actor, .id = id, .version = version};
  return store_write(app->store, delete_unit, &a, err);
}

struct list_arg {
  struct customer_scope scope;
  const struct customer_filter *filter;
  struct customer **list;
  int64_t *ranks;
  size_t count;
  int64_t total;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  return store_customer_list(tx, a->filter, &a->scope, &a->list, &a->ranks, &a->count, &a->total,
                             err);
}

enum sh_status customer_list(struct app *app, const struct actor *actor,
                             const struct customer_filter *filter, struct customer ***out,
                             int64_t **ranks, size_t *count, int64_t *total, struct sh_error *err) {
  struct list_arg a = {.scope = customer_scope_of(actor), .filter = filter};
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

void customer_list_free(struct customer **list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    customer_free(list[i]);
  free(list);
}

struct history_arg {
  struct customer_scope scope;
  int64_t id;
  struct audit_filter filter;
  struct audit_record *list;
  size_t count;
  int64_t total;
};

static enum sh_status history_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct history_arg *a = arg;
  struct customer *c = NULL;
  enum sh_status rc = store_customer_get(tx, a->id, &a->scope, &c, err);
  customer_free(c);
  if (rc == SH_OK)
    rc = store_audit_list(tx, &a->filter, &a->list, &a->count, &a->total, err);
  return rc;
}

enum sh_status customer_history(struct app *app, const struct actor *actor, int64_t id,
                                int64_t before_id, int64_t limit, struct audit_record **out,
                                size_t *count, int64_t *total, struct sh_error *err) {
  struct history_arg a = {.scope = customer_scope_of(actor), .id = id};
  a.filter.entity = "customer";
  a.filter.entity_id = id;
  a.filter.before_id = before_id;
  a.filter.limit = limit;
  enum sh_status rc = store_read(app->store, history_unit, &a, err);
  if (rc == SH_OK) {
    *out = a.list;
    *count = a.count;
    *total = a.total;
  }
  return rc;
}
