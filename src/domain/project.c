/* project.c — projects and warranty cards: business rules (see project.h). */
#include "project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../rules/period.h"
#include "../rules/region.h"
#include "../rules/warranty.h"
#include "../store/equipment.h"
#include "../store/idempotency.h"
#include "../store/reference.h"
#include "../store/settings.h"
#include "../store/users.h"
#include "audit.h"
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

void project_today(const struct app *app, char out[PROJECT_DATE_SIZE]) {
  char iso[TIME_ISO_LEN];
  time_format_iso(time_now(), app->tz_offset_minutes, iso);
  memcpy(out, iso, PROJECT_DATE_SIZE - 1);
  out[PROJECT_DATE_SIZE - 1] = '\0';
}

json_t *project_fields_json(const struct project *p) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  jsonx_set_int(o, "customer_id", p->customer_id);
  jsonx_set_str(o, "name", nz(p->name));
  jsonx_set_str(o, "site_region_code", nz(p->site_region_code));
  jsonx_set_str(o, "site_address", nz(p->site_address));
  json_object_set_new(o, "project_manager_id",
                      p->project_manager_id ? json_integer(p->project_manager_id) : json_null());
  jsonx_set_str(o, "completion_date", given(p->completion_date) ? p->completion_date : NULL);
  jsonx_set_str(o, "acceptance_date", given(p->acceptance_date) ? p->acceptance_date : NULL);
  jsonx_set_str(o, "note", nz(p->note));
  return o;
}

/* The card's due date and state on today (SPEC B4). IMP: SPEC B4 */
static void card_state(struct project *p, int months, const char *today) {
  char due[PERIOD_DATE_LEN + 1] = "";
  int64_t days = 0;
  p->card_due_on[0] = '\0';
  p->card_days_late = 0;
  if (given(p->completion_date) && period_last_day(p->completion_date, months, due))
    memcpy(p->card_due_on, due, sizeof due);
  if (given(p->card_issued_on)) {
    bool late = *due && period_compare_dates(p->card_issued_on, due) > 0;
    p->card_status = late ? "issued_late" : "issued";
    if (late && period_days_between(due, p->card_issued_on, &days))
      p->card_days_late = days;
  } else if (!*due) {
    p->card_status = "not_due";
  } else if (period_compare_dates(today, due) <= 0) {
    p->card_status = "due";
  } else {
    p->card_status = "late";
    if (period_days_between(due, today, &days))
      p->card_days_late = days;
  }
}

/* Reads the card deadline setting and fills the card state of each project. */
static enum sh_status card_states(struct store_tx *tx, struct project **list, size_t count,
                                  const char *today, struct sh_error *err) {
  int64_t months = 0;
  enum sh_status rc = settings_int(tx, "warranty.card_due_months", &months, err);
  for (size_t i = 0; rc == SH_OK && i < count; i++)
    card_state(list[i], (int)months, today);
  return rc;
}

static enum sh_status check_dict(struct store_tx *tx, const char *type, const char *value,
                                 const char *field, struct sh_error *err) {
  bool found = false;
  enum sh_status rc = store_dict_has(tx, type, value, &found, err);
  if (rc == SH_OK && !found)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_choice", field, value);
  return rc;
}

/* The site's region must exist and be inside the actor's grants (as for customers). */
static enum sh_status check_region(struct store_tx *tx, const struct actor *actor, const char *code,
                                   struct sh_error *err) {
  const char *field = "site_region_code";
  if (!code || !region_code_valid(code) || strcmp(code, "000000") == 0)
    return sh_fail(err, SH_ERR_INVALID, "invalid_region", field, code);
  char *name = NULL;
  enum sh_status rc = store_region_name(tx, code, &name, err);
  if (rc != SH_OK)
    return rc;
  bool known = name != NULL;
  free(name);
  if (!known)
    return sh_fail(err, SH_ERR_INVALID, "unknown_region", field, code);
  bool covered = false;
  rc = store_user_covers_region(tx, actor->user_id, code, &covered, err);
  if (rc == SH_OK && !covered)
    rc = sh_fail(err, SH_ERR_INVALID, "region_not_granted", field, code);
  return rc;
}

/* The project manager is an active user who manages projects: a project manager or the
 * engineering manager (售后部门管理细则1: 由工程部经理安排本项目的项目经理). */
static enum sh_status check_manager(struct store_tx *tx, int64_t user_id, struct sh_error *err) {
  struct user_record *u = NULL;
  enum sh_status rc = store_user_get(tx, user_id, &u, err);
  if (rc == SH_ERR_NOT_FOUND)
    return sh_fail(err, SH_ERR_INVALID, "invalid_project_manager", "project_manager_id", NULL);
  if (rc != SH_OK)
    return rc;
  enum role role;
  bool ok = u->active && role_parse(u->role, &role) &&
            (role == ROLE_PROJECT_MANAGER || role == ROLE_ENGINEERING_MANAGER);
  user_record_free(u);
  return ok ? SH_OK
            : sh_fail(err, SH_ERR_INVALID, "invalid_project_manager", "project_manager_id", NULL);
}

/* The customer must be one the actor sees: anything else is "no such customer". */
static enum sh_status check_customer(struct store_tx *tx, const struct actor *actor, int64_t id,
                                     struct sh_error *err) {
  struct customer_scope scope = scope_of(actor);
  struct customer *c = NULL;
  enum sh_status rc = store_customer_get(tx, id, &scope, &c, err);
  customer_free(c);
  if (rc == SH_ERR_NOT_FOUND) {
    char detail[24];
    snprintf(detail, sizeof detail, "%lld", (long long)id);
    rc = sh_fail(err, SH_ERR_INVALID, "unknown_customer", "customer_id", detail);
  }
  return rc;
}

/* Acceptance (验收) comes after completion (竣工), or on the same day. */
static enum sh_status check_dates(const struct project *p, struct sh_error *err) {
  if (given(p->completion_date) && given(p->acceptance_date) &&
      period_compare_dates(p->acceptance_date, p->completion_date) < 0)
    return sh_fail(err, SH_ERR_INVALID, "acceptance_before_completion", "acceptance_date", NULL);
  return SH_OK;
}

#define ALL_FIELDS (((uint64_t)1 << PROJECT_FIELD_COUNT) - 1)
#define CHANGED(f) (fields & ((uint64_t)1 << (f)))

/* What the database must confirm about the fields being set (all of them on creation). */
static enum sh_status check_references(struct store_tx *tx, const struct actor *actor,
                                       const struct project *p, uint64_t fields,
                                       struct sh_error *err) {
  enum sh_status rc = SH_OK;
  if (CHANGED(PROJECT_FIELD_CUSTOMER_ID))
    rc = check_customer(tx, actor, p->customer_id, err);
  if (rc == SH_OK && CHANGED(PROJECT_FIELD_SITE_REGION_CODE))
    rc = check_region(tx, actor, p->site_region_code, err);
  if (rc == SH_OK && CHANGED(PROJECT_FIELD_PROJECT_MANAGER_ID) && p->project_manager_id)
    rc = check_manager(tx, p->project_manager_id, err);
  if (rc == SH_OK)
    rc = check_dates(p, err);
  return rc;
}

static void audit_all(json_t *changes, json_t *fields) {
  const char *k;
  json_t *v;
  json_object_foreach(fields, k, v) audit_change(changes, k, NULL, json_incref(v));
}

enum sh_status project_create_in(struct store_tx *tx, const struct actor *actor,
                                 const struct project *p, bool insert, int64_t now, int64_t *id,
                                 struct sh_error *err) {
  enum sh_status rc = check_references(tx, actor, p, ALL_FIELDS, err);
  if (rc == SH_OK && insert)
    rc = store_project_insert(tx, p, now, actor->user_id, id, err);
  if (rc == SH_OK && insert) {
    json_t *fields = project_fields_json(p), *changes = json_object();
    audit_all(changes, fields);
    rc = audit_log(tx, actor, "project", *id, "create", changes, now, err);
    json_decref(changes);
    json_decref(fields);
  }
  return rc;
}

struct create_arg {
  const struct actor *actor;
  const struct project *in;
  const char *key;
  int64_t id;
  bool replayed;
};

static enum sh_status create_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct create_arg *a = arg;
  int64_t now = time_now();
  enum sh_status rc = SH_OK;
  if (a->key) {
    rc = store_idempotency_get(tx, a->actor->user_id, a->key, "project.create", &a->id, err);
    if (rc != SH_OK || a->id) {
      a->replayed = a->id != 0;
      return rc;
    }
  }
  rc = project_create_in(tx, a->actor, a->in, true, now, &a->id, err);
  if (rc == SH_OK && a->key)
    rc = store_idempotency_put(tx, a->actor->user_id, a->key, "project.create", a->id, now, err);
  return rc;
}

struct get_arg {
  struct customer_scope scope;
  int64_t id;
  char today[PROJECT_DATE_SIZE];
  struct project *p;
};

static enum sh_status get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct get_arg *a = arg;
  enum sh_status rc = store_project_get(tx, a->id, &a->scope, &a->p, err);
  if (rc == SH_OK)
    rc = card_states(tx, &a->p, 1, a->today, err);
  if (rc != SH_OK) {
    project_free(a->p);
    a->p = NULL;
  }
  return rc;
}

enum sh_status project_get(struct app *app, const struct actor *actor, int64_t id,
                           struct project **out, struct sh_error *err) {
  struct get_arg a = {.scope = scope_of(actor), .id = id};
  project_today(app, a.today);
  enum sh_status rc = store_read(app->store, get_unit, &a, err);
  if (rc == SH_OK)
    *out = a.p;
  return rc;
}

enum sh_status project_create(struct app *app, const struct actor *actor, const struct project *in,
                              const char *idempotency_key, struct project **out, bool *replayed,
                              struct sh_error *err) {
  struct create_arg a = {.actor = actor, .in = in, .key = idempotency_key};
  enum sh_status rc = store_write(app->store, create_unit, &a, err);
  if (rc == SH_ERR_CONFLICT && idempotency_key && strcmp(err->code, "duplicate") == 0) {
    /* Two requests with one key raced (PostgreSQL): the other one created it. */
    struct sh_error again;
    rc = store_write(app->store, create_unit, &a, &again);
    if (rc != SH_OK)
      *err = again;
  }
  if (rc != SH_OK)
    return rc;
  if (replayed)
    *replayed = a.replayed;
  return project_get(app, actor, a.id, out, err);
}

static enum sh_status replace_str(char **dst, const char *src, bool null_if_empty) {
  char *copy = NULL;
  if (given(src) || !null_if_empty) {
    copy = sh_strdup(nz(src));
    if (!copy)
      return SH_ERR_INTERNAL;
  }
  free(*dst);
  *dst = copy;
  return SH_OK;
}

/* Moves the fields marked present from in into p (deep copies). */
static enum sh_status apply_patch(struct project *p, const struct project *in, uint64_t present) {
  struct {
    enum project_field f;
    char **dst;
    char *const *src;
    bool nullable;
  } strings[] = {
      {PROJECT_FIELD_NAME, &p->name, &in->name, false},
      {PROJECT_FIELD_SITE_REGION_CODE, &p->site_region_code, &in->site_region_code, false},
      {PROJECT_FIELD_SITE_ADDRESS, &p->site_address, &in->site_address, false},
      {PROJECT_FIELD_COMPLETION_DATE, &p->completion_date, &in->completion_date, true},
      {PROJECT_FIELD_ACCEPTANCE_DATE, &p->acceptance_date, &in->acceptance_date, true},
      {PROJECT_FIELD_NOTE, &p->note, &in->note, false},
  };
  for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
    if ((present & ((uint64_t)1 << strings[i].f)) &&
        replace_str(strings[i].dst, *strings[i].src, strings[i].nullable) != SH_OK)
      return SH_ERR_INTERNAL;
  if (present & ((uint64_t)1 << PROJECT_FIELD_PROJECT_MANAGER_ID))
    p->project_manager_id = in->project_manager_id;
  return SH_OK;
}

struct update_arg {
  const struct actor *actor;
  int64_t id, version;
  const struct project *in;
  uint64_t present;
};

static enum sh_status update_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct update_arg *a = arg;
  struct customer_scope scope = scope_of(a->actor);
  struct project *p = NULL;
  json_t *before = NULL, *after = NULL, *changes = NULL;
  int64_t now = time_now();
  enum sh_status rc = store_project_get(tx, a->id, &scope, &p, err);
  if (rc != SH_OK)
    return rc;
  if (p->version != a->version) {
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
    goto out;
  }
  before = project_fields_json(p);
  if (apply_patch(p, a->in, a->present) != SH_OK) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  rc = check_references(tx, a->actor, p, a->present, err);
  if (rc == SH_OK)
    rc = store_project_update(tx, p, now, err);
  if (rc != SH_OK)
    goto out;
  after = project_fields_json(p);
  changes = json_object();
  const char *k;
  json_t *v;
  json_object_foreach(after, k, v) {
    audit_change(changes, k, json_incref(json_object_get(before, k)), json_incref(v));
  }
  rc = audit_log(tx, a->actor, "project", a->id, "update", changes, now, err);
out:
  json_decref(before);
  json_decref(after);
  json_decref(changes);
  project_free(p);
  return rc;
}

enum sh_status project_update(struct app *app, const struct actor *actor, int64_t id,
                              int64_t version, const struct project *in, uint64_t present,
                              struct project **out, struct sh_error *err) {
  if (present & ((uint64_t)1 << PROJECT_FIELD_CUSTOMER_ID))
    return sh_fail(err, SH_ERR_INVALID, "field_readonly", "customer_id", NULL);
  struct update_arg a = {
      .actor = actor, .id = id, .version = version, .in = in, .present = present};
  enum sh_status rc = store_write(app->store, update_unit, &a, err);
  if (rc != SH_OK)
    return rc;
  return project_get(app, actor, id, out, err);
}

struct delete_arg {
  const struct actor *actor;
  int64_t id, version;
};

static enum sh_status delete_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct delete_arg *a = arg;
  struct customer_scope scope = scope_of(a->actor);
  struct project *p = NULL;
  int64_t now = time_now(), units = 0;
  enum sh_status rc = store_project_get(tx, a->id, &scope, &p, err);
  if (rc != SH_OK)
    return rc;
  if (p->version != a->version)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  if (rc == SH_OK)
    rc = store_project_count_equipment(tx, a->id, &units, err);
  if (rc == SH_OK && units > 0) {
    char detail[24];
    snprintf(detail, sizeof detail, "%lld", (long long)units);
    rc = sh_fail(err, SH_ERR_CONFLICT, "project_has_equipment", NULL, detail);
  }
  if (rc == SH_OK)
    rc = store_project_delete(tx, a->id, a->version, now, err);
  if (rc == SH_OK) {
    json_t *changes = json_object();
    audit_change(changes, "deleted", json_false(), json_true());
    audit_change(changes, "name", json_string(p->name), NULL);
    rc = audit_log(tx, a->actor, "project", a->id, "delete", changes, now, err);
    json_decref(changes);
  }
  project_free(p);
  return rc;
}

enum sh_status project_delete(struct app *app, const struct actor *actor, int64_t id,
                              int64_t version, struct sh_error *err) {
  struct delete_arg a = {.actor = actor, .id = id, .version = version};
  return store_write(app->store, delete_unit, &a, err);
}

struct list_arg {
  struct customer_scope scope;
  struct project_filter *filter;
  struct project **list;
  size_t count;
  int64_t total;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  int64_t months = 0;
  enum sh_status rc = settings_int(tx, "warranty.card_due_months", &months, err);
  if (rc != SH_OK)
    return rc;
  a->filter->card_due_months = (int)months;
  rc = store_project_list(tx, a->filter, &a->scope, &a->list, &a->count, &a->total, err);
  if (rc == SH_OK)
    rc = card_states(tx, a->list, a->count, a->filter->today, err);
  if (rc != SH_OK) {
    project_list_free(a->list, a->count);
    a->list = NULL;
  }
  return rc;
}

enum sh_status project_list(struct app *app, const struct actor *actor,
                            struct project_filter *filter, struct project ***out, size_t *count,
                            int64_t *total, struct sh_error *err) {
  char today[PROJECT_DATE_SIZE];
  project_today(app, today);
  filter->today = today;
  struct list_arg a = {.scope = scope_of(actor), .filter = filter};
  enum sh_status rc = store_read(app->store, list_unit, &a, err);
  filter->today = NULL;
  if (rc == SH_OK) {
    *out = a.list;
    *count = a.count;
    *total = a.total;
  }
  return rc;
}

/* ---- the warranty card ---- */

struct issue_arg {
  const struct actor *actor;
  int64_t id, version;
  const char *issued_on, *method, *today;
};

/* The next free card number of the day: BXK-YYYYMMDD-NNNN (保修卡). */
static enum sh_status next_card_number(struct store_tx *tx, const char *issued_on, char *out,
                                       size_t n, struct sh_error *err) {
  char prefix[24];
  snprintf(prefix, sizeof prefix, "BXK-%.4s%.2s%.2s-", issued_on, issued_on + 5, issued_on + 8);
  int64_t seq = 0;
  enum sh_status rc = store_project_last_card_seq(tx, prefix, &seq, err);
  if (rc == SH_OK)
    snprintf(out, n, "%s%04lld", prefix, (long long)(seq + 1));
  return rc;
}

/* The order of the checks gives the most useful answer first: a card already out is
 * "already issued" whatever version the second request carried. */
static enum sh_status check_issue(struct store_tx *tx, const struct issue_arg *a,
                                  const struct project *p, struct sh_error *err) {
  if (given(p->card_number))
    return sh_fail(err, SH_ERR_CONFLICT, "card_already_issued", NULL, p->card_number);
  if (p->version != a->version)
    return sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  if (!given(p->completion_date))
    return sh_fail(err, SH_ERR_CONFLICT, "project_not_completed", "completion_date", NULL);
  if (!given(p->acceptance_date))
    return sh_fail(err, SH_ERR_CONFLICT, "project_not_accepted", "acceptance_date", NULL);
  if (period_compare_dates(a->issued_on, p->completion_date) < 0)
    return sh_fail(err, SH_ERR_INVALID, "issued_before_completion", "issued_on",
                   p->completion_date);
  if (period_compare_dates(a->issued_on, a->today) > 0)
    return sh_fail(err, SH_ERR_INVALID, "date_in_future", "issued_on", NULL);
  return check_dict(tx, "card_issue_method", a->method, "method", err);
}

static enum sh_status issue_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct issue_arg *a = arg;
  struct customer_scope scope = scope_of(a->actor);
  struct project *p = NULL;
  char number[48];
  int64_t now = time_now(), months = 0;
  enum sh_status rc = store_project_get(tx, a->id, &scope, &p, err);
  if (rc != SH_OK)
    return rc;
  rc = check_issue(tx, a, p, err);
  if (rc == SH_OK)
    rc = settings_int(tx, "warranty.card_due_months", &months, err);
  if (rc == SH_OK)
    rc = next_card_number(tx, a->issued_on, number, sizeof number, err);
  if (rc == SH_OK)
    rc = store_project_issue_card(tx, a->id, a->version, number, a->issued_on, a->method,
                                  a->actor->user_id, now, err);
  if (rc == SH_OK) {
    free(p->card_issued_on);
    p->card_issued_on = sh_strdup(a->issued_on);
    card_state(p, (int)months, a->today);
    json_t *changes = json_object();
    audit_change(changes, "card_number", NULL, json_string(number));
    audit_change(changes, "card_issued_on", NULL, json_string(a->issued_on));
    audit_change(changes, "card_issue_method", NULL, json_string(a->method));
    audit_change(changes, "card_due_on", NULL, json_string(p->card_due_on));
    audit_change(changes, "card_status", NULL, json_string(p->card_status));
    rc = audit_log(tx, a->actor, "project", a->id, "issue_card", changes, now, err);
    json_decref(changes);
  }
  project_free(p);
  return rc;
}

enum sh_status project_issue_card(struct app *app, const struct actor *actor, int64_t id,
                                  int64_t version, const char *issued_on, const char *method,
                                  struct project **out, struct sh_error *err) {
  char today[PROJECT_DATE_SIZE];
  project_today(app, today);
  if (issued_on && !date_valid(issued_on))
    return sh_fail(err, SH_ERR_INVALID, "invalid_date", "issued_on", NULL);
  struct issue_arg a = {.actor = actor,
                        .id = id,
                        .version = version,
                        .issued_on = issued_on ? issued_on : today,
                        .method = method,
                        .today = today};
  enum sh_status rc = store_write(app->store, issue_unit, &a, err);
  /* Two cards numbered at once on PostgreSQL: the loser takes the next number. */
  for (int retry = 0; retry < 3 && rc == SH_ERR_CONFLICT && strcmp(err->code, "duplicate") == 0;
       retry++)
    rc = store_write(app->store, issue_unit, &a, err);
  if (rc != SH_OK)
    return rc;
  return project_get(app, actor, id, out, err);
}

void project_card_free(struct project_card *card) {
  if (!card)
    return;
  free(card->company);
  free(card->card_number);
  free(card->owner);
  free(card->project);
  free(card->site_address);
  free(card->completed_on);
  free(card->accepted_on);
  free(card->issued_on);
  free(card->department);
  free(card->staff_name);
  free(card->staff_phone);
  free(card->hotline);
  for (size_t i = 0; i < card->nunits; i++) {
    free(card->units[i].name);
    free(card->units[i].model);
    free(card->units[i].serial_no);
    free(card->units[i].category);
  }
  free(card->units);
  free(card);
}

/* The term that governs a unit, as the card prints it (≤ 50 characters). */
static void basis_text(const struct warranty_answer *w, char *out, size_t n) {
  switch (w->basis) {
  case WARRANTY_BASIS_MANUFACTURER:
    snprintf(out, n, "厂家免费保修%d个月", w->months);
    break;
  case WARRANTY_BASIS_EQUAL:
    snprintf(out, n, "公司及厂家免费保修%d个月", w->months);
    break;
  case WARRANTY_BASIS_MANUFACTURER_ONLY:
    snprintf(out, n, "厂家免费保修%d个月(非本公司销售)", w->months);
    break;
  default:
    snprintf(out, n, "公司免费保修%d个月", w->months);
    break;
  }
}

/* One unit onto the card, if it has a free term (SPEC B2, B3). */
static bool card_unit(const struct equipment *e, const struct project *p, int company_months,
                      struct project_card_unit *u) {
  struct warranty_unit unit = {
      .acceptance_date = given(e->acceptance_date) ? e->acceptance_date : p->acceptance_date,
      .company_months = company_months,
      .manufacturer_months = (int)e->manufacturer_months,
      .sold_by_company = e->sold_by_company,
  };
  struct warranty_answer w;
  if (!warranty_status(&unit, p->card_issued_on, &w) || !w.last_day[0])
    return false;
  const char *label = given(e->category_label_zh) ? e->category_label_zh : e->category;
  u->name = sh_strdup(given(e->name) ? e->name : given(label) ? label : e->model);
  u->model = sh_strdup(e->model);
  u->serial_no = sh_strdup(e->serial_no);
  u->category = sh_strdup(nz(label));
  memcpy(u->warranty_until, w.last_day, sizeof u->warranty_until);
  basis_text(&w, u->basis, sizeof u->basis);
  /* In warranty when the card goes out, free replacement exactly for what the company sold;
   * the card states the promise, so it prints it for the whole free period. */
  u->parts_free = e->sold_by_company;
  return true;
}

struct card_arg {
  struct customer_scope scope;
  int64_t id;
  struct project_card *card;
};

/* The company's name: a text setting without a default (422 setting_unset until set). */
static enum sh_status company_name(struct store_tx *tx, char **out, struct sh_error *err) {
  struct setting_row row;
  enum sh_status rc = store_setting_get(tx, "company.name", &row, err);
  if (rc != SH_OK)
    return rc;
  if (!given(row.value))
    rc = sh_fail(err, SH_ERR_INVALID, "setting_unset", "company.name", NULL);
  else if (!(*out = sh_strdup(row.value)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  setting_row_free(&row);
  return rc;
}

static enum sh_status card_units(struct store_tx *tx, const struct project *p,
                                 struct project_card *card, struct sh_error *err) {
  struct equipment **units = NULL;
  size_t count = 0;
  int64_t company_months = 0;
  enum sh_status rc = settings_int(tx, "warranty.company_months", &company_months, err);
  if (rc == SH_OK)
    rc = store_equipment_list_by_project(tx, p->id, 100000, &units, &count, err);
  if (rc != SH_OK)
    return rc;
  card->units = sh_calloc(count ? count : 1, sizeof *card->units);
  if (!card->units)
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  for (size_t i = 0; rc == SH_OK && i < count; i++) {
    struct project_card_unit *u = &card->units[card->nunits];
    if (!card_unit(units[i], p, (int)company_months, u)) {
      card->units_without_term++;
      continue;
    }
    card->nunits++;
    if (!u->name || !u->model || !u->serial_no || !u->category)
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  if (rc == SH_OK && card->nunits == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "project_without_equipment", NULL, NULL);
  equipment_list_free(units, count);
  return rc;
}

static enum sh_status card_unit_of_work(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct card_arg *a = arg;
  struct project *p = NULL;
  struct project_card *card = NULL;
  enum sh_status rc = store_project_get(tx, a->id, &a->scope, &p, err);
  if (rc != SH_OK)
    return rc;
  if (!given(p->card_number)) {
    rc = sh_fail(err, SH_ERR_CONFLICT, "card_not_issued", NULL, NULL);
    goto out;
  }
  if (!(card = sh_calloc(1, sizeof *card))) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  rc = company_name(tx, &card->company, err);
  if (rc == SH_OK)
    rc = card_units(tx, p, card, err);
  if (rc != SH_OK)
    goto out;
  card->card_number = sh_strdup(p->card_number);
  card->owner = sh_strdup(p->customer_name);
  card->project = sh_strdup(p->name);
  card->site_address = sh_strdup(nz(p->site_address));
  card->completed_on = sh_strdup(nz(p->completion_date));
  card->accepted_on = sh_strdup(nz(p->acceptance_date));
  card->issued_on = sh_strdup(p->card_issued_on);
  /* The responsible department and how to reach it come from settings (SPEC B4). */
  rc = settings_text(tx, "company.service_department", &card->department, err);
  if (rc == SH_OK)
    rc = settings_text(tx, "company.service_phone", &card->staff_phone, err);
  if (rc == SH_OK)
    rc = settings_text(tx, "company.service_hotline", &card->hotline, err);
  if (rc != SH_OK)
    goto out;
  card->staff_name = sh_strdup(given(p->project_manager_name)  ? p->project_manager_name
                               : given(p->card_issued_by_name) ? p->card_issued_by_name
                                                               : card->department);
  if (!card->card_number || !card->owner || !card->project || !card->site_address ||
      !card->completed_on || !card->accepted_on || !card->issued_on || !card->department ||
      !card->staff_name) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  a->card = card;
  card = NULL;
out:
  project_card_free(card);
  project_free(p);
  return rc;
}

enum sh_status project_card(struct app *app, const struct actor *actor, int64_t id,
                            struct project_card **out, struct sh_error *err) {
  struct card_arg a = {.scope = scope_of(actor), .id = id};
  enum sh_status rc = store_read(app->store, card_unit_of_work, &a, err);
  if (rc == SH_OK)
    *out = a.card;
  return rc;
}
