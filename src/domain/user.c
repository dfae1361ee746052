/* user.c — adding and changing users (see user.h). */
#include "user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/secret.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../base/mem.h"
#include "../rules/region.h"
#include "../store/customers.h"
#include "../store/reference.h"
#include "audit.h"
#include "checks.h"

static bool username_valid(const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (n < 2 || n > SH_MAX_USERNAME_BYTES)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '.' || c == '-'))
      return false;
  }
  return true;
}

static enum sh_status check_password(const char *p, struct sh_error *err) {
  size_t n = strlen(p);
  if (n < 8 || n > SH_MAX_PASSWORD_BYTES)
    return sh_fail(err, SH_ERR_INVALID, "field_length", "password", "8-256");
  if (!utf8_valid(p, n))
    return sh_fail(err, SH_ERR_MALFORMED, "invalid_utf8", "password", NULL);
  return SH_OK;
}

static enum sh_status check_regions(char **regions, size_t n, struct sh_error *err) {
  if (n > SH_MAX_REGION_GRANTS)
    return sh_fail(err, SH_ERR_INVALID, "too_many_items", "regions", "64");
  for (size_t i = 0; i < n; i++)
    if (!region_code_valid(regions[i]))
      return sh_fail(err, SH_ERR_INVALID, "invalid_region", "regions", regions[i]);
  return SH_OK;
}

/* Checks the e-mail address (a command-line one may be any bytes) and folds the phone number
 * into *folded: a copy the caller frees, NULL if phone is. *folded is untouched on failure. */
static enum sh_status check_contact(const char *email, const char *phone, char **folded,
                                    struct sh_error *err) {
  char *copy = NULL;
  enum sh_status rc = SH_OK;
  if (email && !utf8_valid(email, strlen(email)))
    rc = sh_fail(err, SH_ERR_MALFORMED, "invalid_utf8", "email", NULL);
  if (rc == SH_OK)
    rc = check_email(email, "email", err);
  if (rc == SH_OK && phone && !(copy = sh_strdup(phone)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK)
    rc = check_phone(&copy, "phone", err);
  if (rc == SH_OK && copy && strlen(copy) > 40)
    rc = sh_fail(err, SH_ERR_INVALID, "field_length", "phone", "0-40");
  if (rc == SH_OK)
    *folded = copy;
  else
    free(copy);
  return rc;
}

/* The checks that need the database: regions exist, the customer exists. */
static enum sh_status check_references(struct store_tx *tx, const struct user_record *u,
                                       struct sh_error *err) {
  enum sh_status rc = SH_OK;
  for (size_t i = 0; rc == SH_OK && i < u->nregions; i++) {
    if (strcmp(u->regions[i], "000000") == 0)
      continue;
    char *name = NULL;
    rc = store_region_name(tx, u->regions[i], &name, err);
    if (rc == SH_OK && !name)
      rc = sh_fail(err, SH_ERR_INVALID, "unknown_region", "regions", u->regions[i]);
    free(name);
  }
  enum role role;
  role_parse(u->role, &role);
  if (rc == SH_OK && role == ROLE_CUSTOMER) {
    if (!u->customer_id)
      return sh_fail(err, SH_ERR_INVALID, "field_required", "customer_id", NULL);
    bool exists = false;
    rc = store_customer_exists(tx, u->customer_id, &exists, err);
    if (rc == SH_OK && !exists)
      rc = sh_fail(err, SH_ERR_INVALID, "unknown_customer", "customer_id", NULL);
  }
  return rc;
}

/* The prefix each grant covers, for the store to keep beside the code (SPEC L: a grant
 * covers every code below it). Codes were checked by check_regions. Caller frees with
 * prefixes_free. */
static char **grant_prefixes(char **regions, size_t n) {
  char **out = sh_calloc(n + 1, sizeof *out);
  for (size_t i = 0; out && i < n; i++) {
    out[i] = sh_calloc(REGION_CODE_LEN + 1, 1);
    if (!out[i]) {
      for (size_t k = 0; k < i; k++)
        free(out[k]);
      free(out);
      return NULL;
    }
    region_prefix(regions[i], out[i]);
  }
  return out;
}

static void prefixes_free(char **prefixes, size_t n) {
  for (size_t i = 0; prefixes && i < n; i++)
    free(prefixes[i]);
  free(prefixes);
}

static json_t *regions_json(char **regions, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < n; i++)
    json_array_append_new(a, json_string(regions[i]));
  return a;
}

struct add_arg {
  const struct actor *actor;
  struct user_record record;
  int64_t id;
};

static enum sh_status add_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct add_arg *a = arg;
  int64_t now = time_now();
  enum sh_status rc = check_references(tx, &a->record, err);
  if (rc == SH_OK) {
    rc = store_user_insert(tx, &a->record, now, &a->id, err);
    if (rc == SH_ERR_CONFLICT)
      rc = sh_fail(err, SH_ERR_CONFLICT, "duplicate", "username", NULL);
  }
  if (rc == SH_OK) {
    json_t *c = json_object();
    audit_change(c, "username", NULL, json_string(a->record.username));
    audit_change(c, "display_name", NULL, json_string(a->record.display_name));
    audit_change(c, "role", NULL, json_string(a->record.role));
    audit_change(c, "regions", NULL, regions_json(a->record.regions, a->record.nregions));
    audit_change(c, "active", NULL, json_boolean(a->record.active));
    if (a->record.customer_id)
      audit_change(c, "customer_id", NULL, json_integer(a->record.customer_id));
    if (a->record.email && *a->record.email)
      audit_change(c, "email", NULL, json_string(a->record.email));
    if (a->record.phone && *a->record.phone)
      audit_change(c, "phone", NULL, json_string(a->record.phone));
    rc = audit_log(tx, a->actor, "user", a->id, "create", c, now, err);
    json_decref(c);
  }
  return rc;
}

enum sh_status user_add(struct app *app, const struct actor *actor, const struct user_input *in,
                        int64_t *id, struct sh_error *err) {
  enum role role;
  char hash[SECRET_PWHASH_LEN];
  if (!username_valid(in->username))
    return sh_fail(err, SH_ERR_INVALID, "invalid_username", "username", NULL);
  if (!in->display_name || utf8_length(in->display_name) < 1 || utf8_length(in->display_name) > 50)
    return sh_fail(err, SH_ERR_INVALID, "field_length", "display_name", "1-50");
  if (!role_parse(in->role, &role))
    return sh_fail(err, SH_ERR_INVALID, "invalid_role", "role", in->role);
  char *phone = NULL;
  struct add_arg a = {.actor = actor};
  enum sh_status rc = check_regions(in->regions, in->nregions, err);
  if (rc == SH_OK)
    rc = check_contact(in->email, in->phone, &phone, err);
  if (rc == SH_OK && in->password) {
    rc = check_password(in->password, err);
    if (rc == SH_OK && secret_password_hash(in->password, hash) != SH_OK)
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  if (rc != SH_OK)
    goto out;
  a.record.username = in->username;
  a.record.display_name = in->display_name;
  a.record.role = in->role;
  a.record.password_hash = in->password ? hash : NULL;
  a.record.regions = in->regions;
  a.record.nregions = in->nregions;
  a.record.email = in->email;
  a.record.phone = phone;
  a.record.customer_id = role == ROLE_CUSTOMER ? in->customer_id : 0;
  a.record.dealer_id = role == ROLE_DEALER ? in->dealer_id : 0;
  a.record.active = in->active;
  a.record.prefixes = grant_prefixes(in->regions, in->nregions);
  if (!a.record.prefixes) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  rc = store_write(app->store, add_unit, &a, err);
  if (rc == SH_OK)
    *id = a.id;
out:
  prefixes_free(a.record.prefixes, in->nregions);
  free(phone);
  return rc;
}

struct update_arg {
  const struct actor *actor;
  int64_t id, version;
  const struct user_input *in;
  unsigned present;
  const char *hash;
  const char *phone; /* folded */
};

#define HAS(field) (a->present & (1u << (field)))

static enum sh_status update_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct update_arg *a = arg;
  struct user_record *u = NULL;
  int64_t now = time_now();
  enum sh_status rc = store_user_get(tx, a->id, &u, err);
  if (rc != SH_OK)
    return rc;
  if (u->version != a->version) {
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
    goto out;
  }
  json_t *c = json_object();
  struct user_record next = *u;
  if (HAS(USER_FIELD_DISPLAY_NAME)) {
    audit_change(c, "display_name", json_string(u->display_name), json_string(a->in->display_name));
    next.display_name = a->in->display_name;
  }
  if (HAS(USER_FIELD_ROLE)) {
    audit_change(c, "role", json_string(u->role), json_string(a->in->role));
    next.role = a->in->role;
  }
  if (HAS(USER_FIELD_REGIONS)) {
    audit_change(c, "regions", regions_json(u->regions, u->nregions),
                 regions_json(a->in->regions, a->in->nregions));
    next.regions = a->in->regions;
    next.nregions = a->in->nregions;
  }
  if (HAS(USER_FIELD_CUSTOMER_ID)) {
    audit_change(c, "customer_id", json_integer(u->customer_id), json_integer(a->in->customer_id));
    next.customer_id = a->in->customer_id;
  }
  if (HAS(USER_FIELD_DEALER_ID)) {
    audit_change(c, "dealer_id", json_integer(u->dealer_id), json_integer(a->in->dealer_id));
    next.dealer_id = a->in->dealer_id;
  }
  if (HAS(USER_FIELD_ACTIVE)) {
    audit_change(c, "active", json_boolean(u->active), json_boolean(a->in->active));
    next.active = a->in->active;
  }
  if (HAS(USER_FIELD_EMAIL)) {
    const char *email = a->in->email ? a->in->email : "";
    audit_change(c, "email", json_string(u->email), json_string(email));
    next.email = (char *)email;
  }
  if (HAS(USER_FIELD_PHONE)) {
    const char *phone = a->phone ? a->phone : "";
    audit_change(c, "phone", json_string(u->phone), json_string(phone));
    next.phone = (char *)phone;
  }
  if (HAS(USER_FIELD_PASSWORD)) {
    /* The hash itself never enters the audit trail. */
    json_object_set_new(c, "password", json_string("changed"));
    next.password_hash = (char *)a->hash;
  }
  rc = check_references(tx, &next, err);
  next.prefixes = rc == SH_OK ? grant_prefixes(next.regions, next.nregions) : NULL;
  if (rc == SH_OK && !next.prefixes)
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK)
    rc = store_user_update(tx, &next, now, err);
  prefixes_free(next.prefixes, next.nregions);
  if (rc == SH_OK && (HAS(USER_FIELD_PASSWORD) || (HAS(USER_FIELD_ACTIVE) && !next.active)))
    rc = store_session_delete_for_user(tx, a->id, err);
  if (rc == SH_OK)
    rc = audit_log(tx, a->actor, "user", a->id, "update", c, now, err);
  json_decref(c);
out:
  user_record_free(u);
  return rc;
}

enum sh_status user_update(struct app *app, const struct actor *actor, int64_t id, int64_t version,
                           const struct user_input *in, unsigned present, struct sh_error *err) {
  enum role role;
  char hash[SECRET_PWHASH_LEN];
  char *phone = NULL;
  enum sh_status rc = SH_OK;
  if ((present & (1u << USER_FIELD_DISPLAY_NAME)) &&
      (!in->display_name || utf8_length(in->display_name) < 1 ||
       utf8_length(in->display_name) > 50))
    return sh_fail(err, SH_ERR_INVALID, "field_length", "display_name", "1-50");
  if ((present & (1u << USER_FIELD_ROLE)) && !role_parse(in->role, &role))
    return sh_fail(err, SH_ERR_INVALID, "invalid_role", "role", in->role);
  if (present & (1u << USER_FIELD_REGIONS))
    rc = check_regions(in->regions, in->nregions, err);
  if (rc == SH_OK && (present & (1u << USER_FIELD_PASSWORD))) {
    if (!in->password)
      return sh_fail(err, SH_ERR_INVALID, "field_required", "password", NULL);
    rc = check_password(in->password, err);
    if (rc == SH_OK && secret_password_hash(in->password, hash) != SH_OK)
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  if (rc == SH_OK)
    rc = check_contact(present & (1u << USER_FIELD_EMAIL) ? in->email : NULL,
                       present & (1u << USER_FIELD_PHONE) ? in->phone : NULL, &phone, err);
  if (rc != SH_OK)
    return rc;
  struct update_arg a = {.actor = actor,
                         .id = id,
                         .version = version,
                         .in = in,
                         .present = present,
                         .hash = hash,
                         .phone = phone};
  rc = store_write(app->store, update_unit, &a, err);
  free(phone);
  return rc;
}

struct get_arg {
  int64_t id;
  struct user_record *u;
};

static enum sh_status get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct get_arg *a = arg;
  return store_user_get(tx, a->id, &a->u, err);
}

enum sh_status user_get(struct app *app, int64_t id, struct user_record **out,
                        struct sh_error *err) {
  struct get_arg a = {.id = id};
  enum sh_status rc = store_read(app->store, get_unit, &a, err);
  if (rc == SH_OK)
    *out = a.u;
  return rc;
}

struct by_name_arg {
  const char *username;
  struct user_record *u;
};

static enum sh_status by_name_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct by_name_arg *a = arg;
  enum sh_status rc = store_user_get_by_username(tx, a->username, &a->u, err);
  if (rc == SH_ERR_NOT_FOUND)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "user_not_found", "username", a->username);
  return rc;
}

enum sh_status user_get_by_username(struct app *app, const char *username, struct user_record **out,
                                    struct sh_error *err) {
  struct by_name_arg a = {.username = username};
  enum sh_status rc = store_read(app->store, by_name_unit, &a, err);
  if (rc == SH_OK)
    *out = a.u;
  return rc;
}

struct list_arg {
  bool descending;
  int64_t offset, limit;
  struct user_record **list;
  size_t count;
  int64_t total;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  return store_user_list(tx, a->descending, a->offset, a->limit, &a->list, &a->count, &a->total,
                         err);
}

struct staff_arg {
  const struct actor *actor;
  const char *role, *region;
  struct user_record **list;
  size_t count;
};

static bool grants_overlap(const struct user_record *a, const struct user_record *b) {
  for (size_t i = 0; i < a->nregions; i++)
    for (size_t j = 0; j < b->nregions; j++)
      if (region_covers(a->regions[i], b->regions[j]) ||
          region_covers(b->regions[j], a->regions[i]))
        return true;
  return false;
}

static bool covers_code(const struct user_record *u, const char *code) {
  for (size_t i = 0; i < u->nregions; i++)
    if (region_covers(u->regions[i], code))
      return true;
  return false;
}

/* Reads every user (a department has hundreds, USER_STAFF_MAX bounds it) and keeps the
 * colleagues the caller may pick; the filtering needs the grants of both sides, which the
 * list already loads. */
static enum sh_status staff_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct staff_arg *a = arg;
  struct user_record *me = NULL, **all = NULL;
  size_t n = 0;
  int64_t total = 0;
  enum sh_status rc = store_user_get(tx, a->actor->user_id, &me, err);
  if (rc == SH_OK)
    rc = store_user_list(tx, false, 0, USER_STAFF_MAX, &all, &n, &total, err);
  size_t kept = 0;
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    struct user_record *u = all[i];
    enum role r;
    bool keep = u->active && role_parse(u->role, &r) && r != ROLE_DEALER && r != ROLE_CUSTOMER &&
                (!a->role || strcmp(a->role, u->role) == 0) &&
                (!a->region || covers_code(u, a->region)) && grants_overlap(me, u);
    if (keep) {
      all[kept++] = u;
    } else {
      user_record_free(u);
    }
  }
  user_record_free(me);
  if (rc != SH_OK) {
    for (size_t i = 0; i < n; i++)
      user_record_free(all[i]);
    free(all);
    return rc;
  }
  a->list = all;
  a->count = kept;
  return SH_OK;
}

enum sh_status user_staff_list(struct app *app, const struct actor *actor, const char *role,
                               const char *region, struct user_record ***out, size_t *count,
                               struct sh_error *err) {
  enum role r;
  if (role && !role_parse(role, &r))
    return sh_fail(err, SH_ERR_INVALID, "invalid_role", "role", role);
  if (region && !region_code_valid(region))
    return sh_fail(err, SH_ERR_MALFORMED, "invalid_parameter", "region_code", NULL);
  struct staff_arg a = {.actor = actor, .role = role, .region = region};
  enum sh_status rc = store_read(app->store, staff_unit, &a, err);
  if (rc == SH_OK) {
    *out = a.list;
    *count = a.count;
  }
  return rc;
}

enum sh_status user_list(struct app *app, bool descending, int64_t offset, int64_t limit,
                         struct user_record ***out, size_t *count, int64_t *total,
                         struct sh_error *err) {
  struct list_arg a = {.descending = descending, .offset = offset, .limit = limit};
  enum sh_status rc = store_read(app->store, list_unit, &a, err);
  if (rc == SH_OK) {
    *out = a.list;
    *count = a.count;
    *total = a.total;
  }
  return rc;
}
