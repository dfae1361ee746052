/* dealer.c — the dealer archive's business rules and the dealer records (see dealer.h). */
#include "dealer.h"

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
#include "../store/users.h"
#include "audit.h"
#include "checks.h"

static struct dealer_scope scope_of(const struct actor *a) {
  struct dealer_scope s = {.user_id = a->user_id};
  if (a->role == ROLE_DEALER)
    s.dealer_id = a->dealer_id ? a->dealer_id : -1;
  return s;
}

static const char *nz(const char *s) {
  return s ? s : "";
}

/* Today's date "YYYY-MM-DD" in the configured zone. */
static void today(const struct app *app, char out[11]) {
  char iso[TIME_ISO_LEN];
  time_format_iso(time_now(), app->tz_offset_minutes, iso);
  memcpy(out, iso, 10);
  out[10] = '\0';
}

static json_t *date_json(const char *s) {
  return s && *s ? json_string(s) : json_null();
}

json_t *dealer_fields_json(const struct dealer *d) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  jsonx_set_str(o, "name", nz(d->name));
  jsonx_set_str(o, "region_code", nz(d->region_code));
  jsonx_set_str(o, "contact_person", nz(d->contact_person));
  jsonx_set_str(o, "phone", nz(d->phone));
  jsonx_set_str(o, "address", nz(d->address));
  jsonx_set_str(o, "contract_no", nz(d->contract_no));
  json_object_set_new(o, "contract_start", date_json(d->contract_start));
  json_object_set_new(o, "contract_end", date_json(d->contract_end));
  jsonx_set_bool(o, "service_station", d->service_station);
  json_object_set_new(o, "station_since", date_json(d->station_since));
  jsonx_set_str(o, "note", nz(d->note));
  return o;
}

json_t *dealer_record_fields_json(const struct dealer_record *r) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  jsonx_set_int(o, "dealer_id", r->dealer_id);
  jsonx_set_str(o, "kind", nz(r->kind));
  jsonx_set_str(o, "held_on", nz(r->held_on));
  json_object_set_new(o, "score", r->score >= 0 ? json_integer(r->score) : json_null());
  jsonx_set_str(o, "topic", nz(r->topic));
  jsonx_set_str(o, "findings", nz(r->findings));
  jsonx_set_str(o, "penalty", nz(r->penalty));
  json_object_set_new(o, "penalty_fen",
                      r->penalty_fen >= 0 ? json_integer(r->penalty_fen) : json_null());
  return o;
}

static bool given(const char *s) {
  return s && *s;
}

/* Checks that need no database, and folds the phone number. */
static enum sh_status check_fields(struct dealer *d, struct sh_error *err) {
  enum sh_status rc = check_phone(&d->phone, "phone", err);
  /* IMP: SPEC A3 — a contract ends on or after the day it starts. */
  if (rc == SH_OK && given(d->contract_start) && given(d->contract_end) &&
      strcmp(d->contract_end, d->contract_start) < 0)
    rc = sh_fail(err, SH_ERR_INVALID, "end_before_start", "contract_end", NULL);
  /* IMP: SPEC A3 — only a service station has a date it became one. */
  if (rc == SH_OK && !d->service_station && given(d->station_since))
    rc = sh_fail(err, SH_ERR_INVALID, "field_not_applicable", "station_since", NULL);
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
  const struct dealer *in;
  const char *key;
  int64_t id;
  bool replayed;
};

static enum sh_status create_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct create_arg *a = arg;
  int64_t now = time_now();
  enum sh_status rc = SH_OK;
  if (a->key) {
    rc = store_idempotency_get(tx, a->actor->user_id, a->key, "dealer.create", &a->id, err);
    if (rc != SH_OK || a->id) {
      a->replayed = a->id != 0;
      return rc;
    }
  }
  rc = check_region_granted(tx, a->actor, a->in->region_code, "region_code", err);
  if (rc == SH_OK)
    rc = store_dealer_insert(tx, a->in, now, a->actor->user_id, &a->id, err);
  if (rc == SH_OK && a->key)
    rc = store_idempotency_put(tx, a->actor->user_id, a->key, "dealer.create", a->id, now, err);
  if (rc == SH_OK)
    rc = log_creation(tx, a->actor, "dealer", a->id, dealer_fields_json(a->in), now, err);
  return rc;
}

struct get_arg {
  struct dealer_scope scope;
  int64_t id;
  struct dealer *d;
};

static enum sh_status get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct get_arg *a = arg;
  return store_dealer_get(tx, a->id, &a->scope, &a->d, err);
}

enum sh_status dealer_get(struct app *app, const struct actor *actor, int64_t id,
                          struct dealer **out, struct sh_error *err) {
  struct get_arg a = {.scope = scope_of(actor), .id = id};
  enum sh_status rc = store_read(app->store, get_unit, &a, err);
  if (rc == SH_OK)
    *out = a.d;
  return rc;
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

enum sh_status dealer_create(struct app *app, const struct actor *actor, const struct dealer *in,
                             const char *idempotency_key, struct dealer **out, bool *replayed,
                             struct sh_error *err) {
  /* check_fields folds the phone in place: work on a copy, the caller's stays as given. */
  struct dealer copy = *in;
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
  return dealer_get(app, actor, a.id, out, err);
}

struct update_arg {
  const struct actor *actor;
  int64_t id, version;
  const struct dealer *in;
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

/* Moves the fields marked present from in into d (deep copies). Dates stay NULL when
 * cleared; text fields become "". */
static enum sh_status apply_patch(struct dealer *d, const struct dealer *in, uint64_t present) {
  struct {
    enum dealer_field f;
    char **dst;
    char *const *src;
    bool date;
  } fields[] = {
      {DEALER_FIELD_NAME, &d->name, &in->name, false},
      {DEALER_FIELD_REGION_CODE, &d->region_code, &in->region_code, false},
      {DEALER_FIELD_CONTACT_PERSON, &d->contact_person, &in->contact_person, false},
      {DEALER_FIELD_PHONE, &d->phone, &in->phone, false},
      {DEALER_FIELD_ADDRESS, &d->address, &in->address, false},
      {DEALER_FIELD_CONTRACT_NO, &d->contract_no, &in->contract_no, false},
      {DEALER_FIELD_CONTRACT_START, &d->contract_start, &in->contract_start, true},
      {DEALER_FIELD_CONTRACT_END, &d->contract_end, &in->contract_end, true},
      {DEALER_FIELD_STATION_SINCE, &d->station_since, &in->station_since, true},
      {DEALER_FIELD_NOTE, &d->note, &in->note, false},
  };
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    if (PRESENT(present, fields[i].f) &&
        replace_str(fields[i].dst, *fields[i].src, fields[i].date) != SH_OK)
      return SH_ERR_INTERNAL;
  if (PRESENT(present, DEALER_FIELD_SERVICE_STATION))
    d->service_station = in->service_station;
  return SH_OK;
}

static enum sh_status update_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct update_arg *a = arg;
  struct dealer_scope scope = scope_of(a->actor);
  struct dealer *d = NULL;
  json_t *before = NULL, *after = NULL, *changes = NULL;
  int64_t now = time_now();
  enum sh_status rc = store_dealer_get(tx, a->id, &scope, &d, err);
  if (rc != SH_OK)
    return rc;
  if (d->version != a->version) {
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
    goto out;
  }
  before = dealer_fields_json(d);
  if (apply_patch(d, a->in, a->present) != SH_OK) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  rc = check_fields(d, err);
  /* Moving a dealer needs both regions: the scope of the get above proved the current one
   * granted, check_region proves the new one. */
  if (rc == SH_OK && PRESENT(a->present, DEALER_FIELD_REGION_CODE))
    rc = check_region_granted(tx, a->actor, d->region_code, "region_code", err);
  if (rc == SH_OK)
    rc = store_dealer_update(tx, d, now, err);
  if (rc != SH_OK)
    goto out;
  after = dealer_fields_json(d);
  changes = json_object();
  const char *k;
  json_t *v;
  json_object_foreach(after, k, v) {
    audit_change(changes, k, json_incref(json_object_get(before, k)), json_incref(v));
  }
  rc = audit_log(tx, a->actor, "dealer", a->id, "update", changes, now, err);
out:
  json_decref(before);
  json_decref(after);
  json_decref(changes);
  dealer_free(d);
  return rc;
}

enum sh_status dealer_update(struct app *app, const struct actor *actor, int64_t id,
                             int64_t version, const struct dealer *in, uint64_t present,
                             struct dealer **out, struct sh_error *err) {
  struct update_arg a = {
      .actor = actor, .id = id, .version = version, .in = in, .present = present};
  enum sh_status rc = store_write(app->store, update_unit, &a, err);
  if (rc != SH_OK)
    return rc;
  return dealer_get(app, actor, id, out, err);
}

struct delete_arg {
  const struct actor *actor;
  int64_t id, version;
};

static enum sh_status delete_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct delete_arg *a = arg;
  struct dealer_scope scope = scope_of(a->actor);
  struct dealer *d = NULL;
  int64_t now = time_now();
  enum sh_status rc = store_dealer_get(tx, a->id, &scope, &d, err);
  if (rc != SH_OK)
    return rc;
  if (d->version != a->version)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  if (rc == SH_OK)
    rc = store_dealer_delete(tx, a->id, a->version, now, err);
  if (rc == SH_OK) {
    json_t *changes = json_object();
    audit_change(changes, "deleted", json_false(), json_true());
    audit_change(changes, "name", json_string(d->name), NULL);
    rc = audit_log(tx, a->actor, "dealer", a->id, "delete", changes, now, err);
    json_decref(changes);
  }
  dealer_free(d);
  return rc;
}

enum sh_status dealer_delete(struct app *app, const struct actor *actor, int64_t id,
                             int64_t version, struct sh_error *err) {
  struct delete_arg a = {.actor = actor, .id = id, .version = version};
  return store_write(app->store, delete_unit, &a, err);
}

struct list_arg {
  struct dealer_scope scope;
  const struct dealer_filter *filter;
  struct dealer **list;
  int64_t *ranks;
  size_t count;
  int64_t total;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  return store_dealer_list(tx, a->filter, &a->scope, &a->list, &a->ranks, &a->count, &a->total,
                           err);
}

enum sh_status dealer_list(struct app *app, const struct actor *actor,
                           const struct dealer_filter *filter, struct dealer ***out,
                           int64_t **ranks, size_t *count, int64_t *total, struct sh_error *err) {
  struct list_arg a = {.scope = scope_of(actor), .filter = filter};
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

void dealer_list_free(struct dealer **list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    dealer_free(list[i]);
  free(list);
}

/* ---- records ------------------------------------------------------------------------------ */

/* The rules of each kind (see dealer.h); kinds an administrator adds to the dictionary later
 * carry whatever is given, except score and penalty, which belong to their kinds. */
static enum sh_status check_record_kind(const struct dealer_record *r, struct sh_error *err) {
  bool assessment = strcmp(r->kind, "assessment") == 0;
  bool supervision = strcmp(r->kind, "supervision") == 0;
  /* IMP: SPEC A3 — an assessment of after-sales capability is scored. */
  if (assessment && r->score < 0)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "score", NULL);
  if (!assessment && r->score >= 0)
    return sh_fail(err, SH_ERR_INVALID, "field_not_applicable", "score", NULL);
  /* IMP: SPEC A3 — training names what was taught. */
  if (strcmp(r->kind, "training") == 0 && !given(r->topic))
    return sh_fail(err, SH_ERR_INVALID, "field_required", "topic", NULL);
  /* IMP: SPEC A3 — supervision states its findings; penalties only follow supervision. */
  if (supervision && !given(r->findings))
    return sh_fail(err, SH_ERR_INVALID, "field_required", "findings", NULL);
  if (!supervision && given(r->penalty))
    return sh_fail(err, SH_ERR_INVALID, "field_not_applicable", "penalty", NULL);
  if (!supervision && r->penalty_fen >= 0)
    return sh_fail(err, SH_ERR_INVALID, "field_not_applicable", "penalty_fen", NULL);
  return SH_OK;
}

struct record_arg {
  const struct actor *actor;
  const struct dealer_record *in;
  const char *key;
  int64_t id;
  bool replayed;
};

/* A repeated Idempotency-Key: the record it made, which must be of the same dealer (a key
 * names one request; repeated on another dealer's records it is not the same). */
static enum sh_status replay(struct store_tx *tx, struct record_arg *a, struct sh_error *err) {
  struct dealer_record *previous = NULL;
  enum sh_status rc = store_dealer_record_get(tx, a->in->dealer_id, a->id, &previous, err);
  dealer_record_clear(previous);
  free(previous);
  if (rc == SH_ERR_NOT_FOUND)
    rc = sh_fail(err, SH_ERR_CONFLICT, "idempotency_key_reused", "Idempotency-Key", NULL);
  a->replayed = rc == SH_OK;
  return rc;
}

static enum sh_status record_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct record_arg *a = arg;
  struct dealer_scope scope = scope_of(a->actor);
  struct dealer *d = NULL;
  int64_t now = time_now();
  enum sh_status rc = store_dealer_get(tx, a->in->dealer_id, &scope, &d, err);
  dealer_free(d);
  if (rc != SH_OK)
    return rc;
  if (a->key) {
    rc = store_idempotency_get(tx, a->actor->user_id, a->key, "dealer_record.create", &a->id, err);
    if (rc != SH_OK)
      return rc;
    if (a->id)
      return replay(tx, a, err);
  }
  bool found = false;
  rc = store_dict_has(tx, "dealer_record_kind", a->in->kind, &found, err);
  if (rc == SH_OK && !found)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_choice", "kind", a->in->kind);
  if (rc == SH_OK)
    rc = check_record_kind(a->in, err);
  if (rc == SH_OK)
    rc = store_dealer_record_insert(tx, a->in, now, a->actor->user_id, &a->id, err);
  if (rc == SH_OK && a->key)
    rc = store_idempotency_put(tx, a->actor->user_id, a->key, "dealer_record.create", a->id, now,
                               err);
  if (rc == SH_OK)
    rc = log_creation(tx, a->actor, "dealer_record", a->id, dealer_record_fields_json(a->in), now,
                      err);
  return rc;
}

struct record_get_arg {
  int64_t dealer_id, id;
  struct dealer_record *r;
};

static enum sh_status record_get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct record_get_arg *a = arg;
  return store_dealer_record_get(tx, a->dealer_id, a->id, &a->r, err);
}

enum sh_status dealer_record_create(struct app *app, const struct actor *actor,
                                    const struct dealer_record *in, const char *idempotency_key,
                                    struct dealer_record **out, bool *replayed,
                                    struct sh_error *err) {
  char now[11];
  today(app, now);
  /* IMP: SPEC A3 — a record is of something that happened: not after today. */
  if (in->held_on && strcmp(in->held_on, now) > 0)
    return sh_fail(err, SH_ERR_INVALID, "date_in_future", "held_on", NULL);
  struct record_arg a = {.actor = actor, .in = in, .key = idempotency_key};
  enum sh_status rc = write_idempotent(app, record_unit, &a, idempotency_key, err);
  if (rc != SH_OK)
    return rc;
  if (replayed)
    *replayed = a.replayed;
  /* The unit proved the dealer in scope; the record is read back as stored. */
  struct record_get_arg g = {.dealer_id = in->dealer_id, .id = a.id};
  rc = store_read(app->store, record_get_unit, &g, err);
  if (rc == SH_OK)
    *out = g.r;
  return rc;
}

struct record_list_arg {
  struct dealer_scope scope;
  const struct dealer_record_filter *filter;
  struct dealer_record *list;
  size_t count;
  int64_t total;
};

static enum sh_status record_list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct record_list_arg *a = arg;
  struct dealer *d = NULL;
  enum sh_status rc = store_dealer_get(tx, a->filter->dealer_id, &a->scope, &d, err);
  dealer_free(d);
  if (rc == SH_OK)
    rc = store_dealer_record_list(tx, a->filter, &a->list, &a->count, &a->total, err);
  return rc;
}

enum sh_status dealer_record_list(struct app *app, const struct actor *actor,
                                  const struct dealer_record_filter *f, struct dealer_record **out,
                                  size_t *count, int64_t *total, struct sh_error *err) {
  struct record_list_arg a = {.scope = scope_of(actor), .filter = f};
  enum sh_status rc = store_read(app->store, record_list_unit, &a, err);
  if (rc == SH_OK) {
    *out = a.list;
    *count = a.count;
    *total = a.total;
  }
  return rc;
}
