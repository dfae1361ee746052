/* ticket_flow.c — the workflow of a service ticket (see ticket.h): assign, hand over,
 * arrive, record, clear, close, cancel, name the unit; and ticket_act, which runs every
 * action — these and ticket_work.c's — as one unit of work: load the ticket in the caller's
 * scope, let the action change it, save it under its version, write the timeline event and
 * one audit row holding the differences of the ticket before and after. Where someone must
 * act, the action queues a notification in the same unit. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../store/equipment.h"
#include "../store/users.h"
#include "audit.h"
#include "checks.h"
#include "outbox.h"
#include "settings.h"
#include "ticket_internal.h"
#include "visit.h"

static const char *nz(const char *s) {
  return s ? s : "";
}

/* ---- the workflow actions ------------------------------------------------------------ */

static const char *const action_names[TICKET_ACTION_COUNT] = {
    [TICKET_ASSIGN] = "assign",
    [TICKET_HANDOVER] = "handover",
    [TICKET_ARRIVE] = "arrive",
    [TICKET_RECORD] = "record",
    [TICKET_CLEAR] = "clear",
    [TICKET_CLOSE] = "close",
    [TICKET_CANCEL] = "cancel",
    [TICKET_UNIT] = "unit",
    [TICKET_APPOINTMENT] = "appointment",
    [TICKET_DELAY] = "delay",
    [TICKET_PART] = "part",
    [TICKET_LOAN] = "loan",
    [TICKET_LOAN_RETURN] = "loan_return",
    [TICKET_PROMISE] = "promise",
    [TICKET_PROMISE_KEPT] = "promise_kept",
    [TICKET_RECEIPT] = "receipt",
    [TICKET_SIGN] = "sign",
    [TICKET_ESCALATE] = "escalate",
};

const char *ticket_action_name(enum ticket_action action) {
  return (unsigned)action < TICKET_ACTION_COUNT ? action_names[action] : "?";
}

static enum sh_status set_text(char **member, const char *value, struct sh_error *err) {
  char *copy = sh_strdup(value ? value : "");
  if (!copy)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  free(*member);
  *member = copy;
  return SH_OK;
}

struct person_body {
  int64_t user_id;
  char *note;
  int64_t version, at;
};

/* Who a ticket may go to: the user's role if they exist and are active (ROLE_COUNT when
 * not), and whether their region grants cover the ticket's site. */
static enum sh_status user_fit(struct ticket_ctx *c, int64_t user_id, enum role *role, bool *covers,
                               struct sh_error *err) {
  struct user_record *u = NULL;
  *role = ROLE_COUNT;
  *covers = false;
  enum sh_status rc = store_user_get(c->tx, user_id, &u, err);
  if (rc == SH_ERR_NOT_FOUND)
    return SH_OK;
  if (rc == SH_OK && (!u->active || !role_parse(u->role, role)))
    *role = ROLE_COUNT;
  user_record_free(u);
  if (rc == SH_OK && *role != ROLE_COUNT)
    rc = store_user_covers_region(c->tx, user_id, c->t->region_code, covers, err);
  return rc;
}

static enum sh_status act_assign(struct ticket_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      {"technician_id", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2,
       offsetof(struct person_body, user_id)},
      {"note", JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500, offsetof(struct person_body, note)},
      {"version", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct person_body, version)},
      {"at", JF_TIME, JF_NULLABLE, 0, 0, offsetof(struct person_body, at)},
  };
  struct person_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 4, &b, err);
  /* The time of dispatch: now, or earlier for work entered after the fact. */
  int64_t at = b.at ? b.at : c->now;
  if (rc == SH_OK && (at < c->t->called_at || at > c->now + 300))
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "at", NULL);
  bool covers = false;
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  if (rc == SH_OK && strcmp(c->t->status, "new") != 0 && strcmp(c->t->status, "assigned") != 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "step_out_of_order", "status", c->t->status);
  if (rc == SH_OK)
    rc = ticket_require_version(c, b.version, err);
  enum role role = ROLE_COUNT;
  if (rc == SH_OK)
    rc = user_fit(c, b.user_id, &role, &covers, err);
  if (rc == SH_OK && (role != ROLE_TECHNICIAN || !covers))
    rc = sh_fail(err, SH_ERR_INVALID, "technician_not_available", "technician_id", NULL);
  int64_t previous = c->t->technician_id;
  if (rc == SH_OK) {
    c->t->technician_id = b.user_id;
    c->t->assigned_at = at;
    rc = set_text(&c->t->status, "assigned", err);
  }
  if (rc == SH_OK && previous && previous != b.user_id)
    rc = store_appointments_finish(c->tx, c->t->id, "cancelled", c->now, err);
  if (rc == SH_OK) {
    jsonx_set_int(c->detail, "technician_id", b.user_id);
    if (previous)
      jsonx_set_int(c->detail, "previous_technician_id", previous);
    jsonx_set_str(c->detail, "note", b.note);
    struct ticket_deadline *list = NULL;
    size_t n = 0;
    int64_t due = c->t->called_at;
    rc = store_deadlines_list(c->tx, c->t->id, &list, &n, err);
    for (size_t i = 0; rc == SH_OK && i < n; i++)
      if (strcmp(list[i].stage, "onsite") == 0)
        due = list[i].due_at;
    ticket_deadlines_free(list, n);
    char subject[160], body[1200], when[20];
    ticket_local_text(due, c->app->tz_offset_minutes, when);
    snprintf(subject, sizeof subject, "【工单%s】新派工：请于%s前到达现场", c->t->number, when);
    snprintf(body, sizeof body,
             "客户：%s\n联系人：%s %s\n地址：%s\n故障：%.*s\n请先电话预约上门时间。",
             nz(c->t->customer_name), nz(c->t->contact_name), nz(c->t->contact_phone),
             nz(c->t->site_address), (int)utf8_clip(c->t->fault, 600), c->t->fault);
    utf8_trim_tail(body); /* whole characters only: PostgreSQL refuses broken UTF-8 */
    if (rc == SH_OK)
      rc = outbox_notify_user(c->tx, b.user_id, c->t->id, subject, body, c->now, err);
  }
  free(b.note);
  return rc;
}

static enum sh_status act_handover(struct ticket_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      {"handler_id", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct person_body, user_id)},
      {"note", JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500, offsetof(struct person_body, note)},
      {"version", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct person_body, version)},
  };
  struct person_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 3, &b, err);
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  if (rc == SH_OK)
    rc = ticket_require_version(c, b.version, err);
  if (rc == SH_OK) {
    char subject[160];
    snprintf(subject, sizeof subject, "【工单%s】已转交给您跟进", c->t->number);
    jsonx_set_int(c->detail, "from_handler_id", c->t->handler_id);
    jsonx_set_int(c->detail, "handler_id", b.user_id);
    jsonx_set_int(c->detail, "owner_id", c->t->owner_id);
    jsonx_set_str(c->detail, "note", b.note);
    /* The owner (首问负责) stays: the hand-over changes who works the case, not whose it
     * is. It goes to an active member of staff who covers the ticket's region. */
    bool covers = false;
    enum role role = ROLE_COUNT;
    rc = user_fit(c, b.user_id, &role, &covers, err);
    if (rc == SH_OK && (role == ROLE_COUNT || role == ROLE_DEALER || role == ROLE_CUSTOMER))
      rc = sh_fail(err, SH_ERR_INVALID, "unknown_user", "handler_id", NULL);
    if (rc == SH_OK && !covers)
      rc = sh_fail(err, SH_ERR_INVALID, "region_not_granted", "handler_id", NULL);
    /* A fault registered through the portal or by a dealer has no agent yet: the first
     * member of staff it is handed to takes it as its owner (首问负责 begins with them). */
    struct user_record *owner = NULL;
    enum role owner_role = ROLE_COUNT;
    if (rc == SH_OK)
      rc = store_user_get(c->tx, c->t->owner_id, &owner, err);
    if (rc == SH_OK && role_parse(owner->role, &owner_role) &&
        (owner_role == ROLE_DEALER || owner_role == ROLE_CUSTOMER)) {
      jsonx_set_int(c->detail, "owner_id", b.user_id);
      c->t->owner_id = b.user_id;
    }
    user_record_free(owner);
    if (rc == SH_OK)
      c->t->handler_id = b.user_id;
    if (rc == SH_OK)
      rc = outbox_notify_user(c->tx, b.user_id, c->t->id, subject, nz(b.note), c->now, err);
  }
  free(b.note);
  return rc;
}

struct at_body {
  int64_t at, version;
  char *text;
};

static enum sh_status act_arrive(struct ticket_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      {"at", JF_TIME, JF_NULLABLE, 0, 0, offsetof(struct at_body, at)},
      {"version", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct at_body, version)},
  };
  struct at_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 2, &b, err);
  int64_t at = b.at ? b.at : c->now;
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  if (rc == SH_OK && strcmp(c->t->status, "assigned") != 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "step_out_of_order", "status", c->t->status);
  /* Not before the technician was sent. */
  if (rc == SH_OK && (at < c->t->assigned_at || at > c->now + 300))
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "at", NULL);
  if (rc == SH_OK)
    rc = ticket_require_version(c, b.version, err);
  if (rc == SH_OK) {
    c->t->arrived_at = at;
    rc = set_text(&c->t->status, "on_site", err);
  }
  if (rc == SH_OK)
    rc = ticket_meet(c, "onsite", 0, at, err);
  if (rc == SH_OK)
    rc = store_appointments_finish(c->tx, c->t->id, "done", c->now, err);
  if (rc == SH_OK)
    jsonx_set_time(c->detail, "at", at, c->app->tz_offset_minutes);
  return rc;
}

struct record_body {
  char *diagnosis, *work_done, *test_result, *extra_work, *consumables_reason;
  int64_t labour_fen, vehicle_cost_fen, consumables_cost_fen, version;
};

static enum sh_status act_record(struct ticket_ctx *c, struct sh_error *err) {
#define RF(name, type, flags, min, max)                                                            \
  { #name, type, flags, min, max, offsetof(struct record_body, name) }
  static const struct jfield fields[] = {
      RF(diagnosis, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 2000),
      RF(work_done, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 2000),
      RF(test_result, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 1000),
      RF(extra_work, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 1000),
      RF(consumables_reason, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500),
      RF(labour_fen, JF_INT, 0, 0, 100000000),
      RF(vehicle_cost_fen, JF_INT, 0, 0, 100000000),
      RF(consumables_cost_fen, JF_INT, 0, 0, 100000000),
      RF(version, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
  };
#undef RF
  struct record_body b = {.labour_fen = -1, .vehicle_cost_fen = -1, .consumables_cost_fen = -1};
  uint64_t present = 0;
  enum sh_status rc = jsonx_decode(c->body, fields, 9, &b, &present, NULL, err);
  /* Decoding with present leaves "required" to the caller: version must be there. */
  if (rc == SH_OK && !(present & (1u << 8)))
    rc = sh_fail(err, SH_ERR_INVALID, "field_required", "version", NULL);
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  /* Any open ticket: a fault solved on the phone is recorded without a visit. */
  if (rc == SH_OK)
    rc = ticket_require_version(c, b.version, err);
  char **texts[] = {&c->t->diagnosis, &c->t->work_done, &c->t->test_result, &c->t->extra_work,
                    &c->t->consumables_reason};
  char *values[] = {b.diagnosis, b.work_done, b.test_result, b.extra_work, b.consumables_reason};
  for (int i = 0; rc == SH_OK && i < 5; i++)
    if (present & (1u << i))
      rc = set_text(texts[i], values[i], err);
  int64_t *costs[] = {&c->t->labour_fen, &c->t->vehicle_cost_fen, &c->t->consumables_cost_fen};
  int64_t cost_values[] = {b.labour_fen, b.vehicle_cost_fen, b.consumables_cost_fen};
  for (int i = 0; rc == SH_OK && i < 3; i++)
    if (present & (1u << (5 + i)))
      *costs[i] = cost_values[i];
  /* SPEC C4 (work plan 3 §六.3): consumables beyond the allowance need a reason. */
  int64_t allowance = 0;
  if (rc == SH_OK)
    rc = settings_int(c->tx, "ticket.consumables_allowance_fen", &allowance, err);
  if (rc == SH_OK && c->t->consumables_cost_fen > allowance && !*nz(c->t->consumables_reason))
    rc = sh_fail(err, SH_ERR_INVALID, "consumables_reason_required", "consumables_reason", NULL);
  for (int i = 0; i < 5; i++)
    free(values[i]);
  return rc;
}

static enum sh_status act_clear(struct ticket_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      {"at", JF_TIME, JF_NULLABLE, 0, 0, offsetof(struct at_body, at)},
      {"version", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct at_body, version)},
  };
  struct at_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 2, &b, err);
  int64_t at = b.at ? b.at : c->now;
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  if (rc == SH_OK && (strcmp(c->t->status, "cleared") == 0))
    rc = sh_fail(err, SH_ERR_CONFLICT, "step_out_of_order", "status", c->t->status);
  /* Not before the call, nor before the technician arrived when one did. */
  if (rc == SH_OK &&
      (at < c->t->called_at || (c->t->arrived_at && at < c->t->arrived_at) || at > c->now + 300))
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "at", NULL);
  if (rc == SH_OK)
    rc = ticket_require_version(c, b.version, err);
  if (rc == SH_OK) {
    c->t->cleared_at = at;
    rc = set_text(&c->t->status, "cleared", err);
  }
  /* A fault cleared (on site, or remotely before anyone went) meets every stage still
   * open: nobody needs to go, and no spare unit is needed. */
  if (rc == SH_OK)
    rc = ticket_meet(c, "onsite", 0, at, err);
  if (rc == SH_OK)
    rc = ticket_meet(c, "clear", 0, at, err);
  if (rc == SH_OK)
    rc = ticket_meet(c, "substitute", 0, at, err);
  if (rc == SH_OK)
    jsonx_set_time(c->detail, "at", at, c->app->tz_offset_minutes);
  return rc;
}

/* Ends the ticket (closed or cancelled): the watch stops, agreed visits are called off. */
static enum sh_status finish(struct ticket_ctx *c, const char *status, struct sh_error *err) {
  c->t->closed_at = c->now;
  enum sh_status rc = set_text(&c->t->status, status, err);
  if (rc == SH_OK)
    rc = ticket_stop_watching(c, err);
  if (rc == SH_OK)
    rc = store_appointments_finish(c->tx, c->t->id, "cancelled", c->now, err);
  return rc;
}

struct close_body {
  char *outcome, *reason;
  int64_t version;
};

static enum sh_status act_close(struct ticket_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      {"outcome", JF_STRING, JF_REQUIRED, 1, 32, offsetof(struct close_body, outcome)},
      {"version", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct close_body, version)},
  };
  struct close_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 2, &b, err);
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  if (rc == SH_OK)
    rc = check_dict(c->tx, "ticket_outcome", b.outcome, "outcome", err);
  /* Repaired needs the fault cleared, a substitution the spare in; returns, exchanges,
   * rework, scrap and "no fault" close the case by the decision itself (SPEC C7). */
  if (rc == SH_OK && strcmp(b.outcome, "repaired") == 0 && !c->t->cleared_at)
    rc = sh_fail(err, SH_ERR_CONFLICT, "not_cleared", "outcome", NULL);
  if (rc == SH_OK && strcmp(b.outcome, "substituted") == 0 && !c->t->substituted_at)
    rc = sh_fail(err, SH_ERR_CONFLICT, "no_substitution", "outcome", NULL);
  if (rc == SH_OK && c->actor->role == ROLE_TECHNICIAN && !c->t->signed_at)
    rc = sh_fail(err, SH_ERR_CONFLICT, "signature_required", "signature", NULL);
  if (rc == SH_OK)
    rc = ticket_require_version(c, b.version, err);
  if (rc == SH_OK)
    rc = finish(c, "closed", err);
  if (rc == SH_OK)
    rc = set_text(&c->t->outcome, b.outcome, err);
  /* SPEC D2: a follow-up visit confirms the result and the customer's satisfaction. */
  if (rc == SH_OK)
    rc = visit_followup_in(c->tx, c->app, c->actor, c->t, c->now, err);
  if (rc == SH_OK)
    jsonx_set_str(c->detail, "outcome", b.outcome);
  free(b.outcome);
  return rc;
}

static enum sh_status act_cancel(struct ticket_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      {"reason", JF_STRING, JF_REQUIRED | JF_MULTILINE, 1, 500,
       offsetof(struct close_body, reason)},
      {"version", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct close_body, version)},
  };
  struct close_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 2, &b, err);
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  if (rc == SH_OK)
    rc = ticket_require_version(c, b.version, err);
  if (rc == SH_OK)
    rc = finish(c, "cancelled", err);
  if (rc == SH_OK)
    jsonx_set_str(c->detail, "reason", b.reason);
  free(b.reason);
  return rc;
}

static enum sh_status act_unit(struct ticket_ctx *c, struct sh_error *err) {
  static const struct jfield fields[] = {
      {"equipment_id", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2,
       offsetof(struct person_body, user_id)},
      {"version", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct person_body, version)},
  };
  struct person_body b = {0};
  enum sh_status rc = ticket_decode(c->body, fields, 2, &b, err);
  struct customer_scope scope = customer_scope_of(c->actor);
  struct equipment *e = NULL;
  if (rc == SH_OK)
    rc = ticket_require_open(c->t, err);
  if (rc == SH_OK)
    rc = ticket_require_version(c, b.version, err);
  if (rc == SH_OK) {
    rc = store_equipment_get(c->tx, b.user_id, &scope, &e, err);
    if (rc == SH_ERR_NOT_FOUND)
      rc = sh_fail(err, SH_ERR_INVALID, "unknown_equipment", "equipment_id", NULL);
  }
  if (rc == SH_OK && e->customer_id != c->t->customer_id)
    rc = sh_fail(err, SH_ERR_INVALID, "equipment_not_customers", "equipment_id", NULL);
  char *region = NULL, *address = NULL;
  if (rc == SH_OK)
    rc = store_ticket_project_site(c->tx, e->project_id, &region, &address, err);
  /* The site may move only where the caller still sees the ticket afterwards: into their
   * regions, or when the ticket is theirs (owner, handler, its technician). */
  bool covered = c->actor->user_id == c->t->owner_id || c->actor->user_id == c->t->handler_id ||
                 c->actor->user_id == c->t->technician_id;
  if (rc == SH_OK && !covered && region && *region)
    rc = store_user_covers_region(c->tx, c->actor->user_id, region, &covered, err);
  if (rc == SH_OK && !covered)
    rc = sh_fail(err, SH_ERR_INVALID, "region_not_granted", "equipment_id", region);
  if (rc == SH_OK) {
    c->t->equipment_id = e->id;
    c->t->project_id = e->project_id;
    /* The site moves to the unit's project, as at intake. */
    if (region && *region) {
      free(c->t->region_code);
      c->t->region_code = region;
      region = NULL;
    }
    if (address && *address) {
      free(c->t->site_address);
      c->t->site_address = address;
      address = NULL;
    }
    /* The warranty is the unit's on the day of the call, whenever the unit is named. */
    rc = ticket_warranty_on(c->tx, e, c->t->called_at, c->app->tz_offset_minutes, c->t, err);
  }
  free(region);
  free(address);
  if (rc == SH_OK) {
    free(c->t->search_text);
    c->t->search_text = NULL;
    rc = ticket_search_text(c->t, c->t->customer_name, e->serial_no, &c->t->search_text, err);
  }
  if (rc == SH_OK) {
    jsonx_set_int(c->detail, "equipment_id", e->id);
    jsonx_set_str(c->detail, "serial_no", e->serial_no);
    jsonx_set_str(c->detail, "warranty_state", c->t->warranty_state);
  }
  equipment_free(e);
  return rc;
}

struct act_arg {
  struct app *app;
  const struct actor *actor;
  int64_t id;
  enum ticket_action action;
  json_t *body;
};

/* The ticket's audited fields (a subset of its JSON that an action may change). */
static json_t *audit_view(const struct ticket *t) {
  return ticket_fields_json(t, 0, true);
}

static enum sh_status act_in(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct act_arg *a = arg;
  struct ticket_scope scope = ticket_scope_of(a->actor);
  struct ticket_ctx c = {
      .app = a->app, .actor = a->actor, .tx = tx, .now = time_now(), .body = a->body};
  /* Actions on one ticket run one after the other (PostgreSQL runs units side by side):
   * the second reads what the first committed, so it fails its version or step check with
   * 409 instead of both passing. */
  enum sh_status rc = store_ticket_lock(tx, a->id, err);
  if (rc == SH_OK)
    rc = store_ticket_get(tx, a->id, &scope, &c.t, err);
  if (rc != SH_OK)
    return rc;
  json_t *before = audit_view(c.t);
  c.detail = json_object();
  if (!before || !c.detail)
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK) {
    switch (a->action) {
    case TICKET_ASSIGN:
      rc = act_assign(&c, err);
      break;
    case TICKET_HANDOVER:
      rc = act_handover(&c, err);
      break;
    case TICKET_ARRIVE:
      rc = act_arrive(&c, err);
      break;
    case TICKET_RECORD:
      rc = act_record(&c, err);
      break;
    case TICKET_CLEAR:
      rc = act_clear(&c, err);
      break;
    case TICKET_CLOSE:
      rc = act_close(&c, err);
      break;
    case TICKET_CANCEL:
      rc = act_cancel(&c, err);
      break;
    case TICKET_UNIT:
      rc = act_unit(&c, err);
      break;
    default:
      rc = ticket_work_act(&c, a->action, err);
      break;
    }
  }
  if (rc == SH_OK && c.save)
    rc = store_ticket_save(tx, c.t, c.now, err);
  json_t *changes = NULL;
  if (rc == SH_OK) {
    json_t *after = audit_view(c.t);
    changes = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(after, k, v) {
      json_t *old = json_object_get(before, k);
      if (strcmp(k, "version") != 0 && strcmp(k, "updated_at") != 0 && !json_equal(old, v))
        audit_change(changes, k, json_incref(old), json_incref(v));
    }
    json_decref(after);
    /* What the action added (a part, a loan, an appointment, ...) is in the event detail. */
    json_object_set(changes, "record", c.detail);
    char *text = jsonx_dump(c.detail);
    rc = text ? store_ticket_event_add(tx, c.t->id, c.now, a->actor->user_id,
                                       ticket_action_name(a->action), text, err)
              : sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    free(text);
  }
  if (rc == SH_OK)
    rc = audit_log(tx, a->actor, "ticket", c.t->id, ticket_action_name(a->action), changes, c.now,
                   err);
  json_decref(changes);
  json_decref(before);
  json_decref(c.detail);
  ticket_free(c.t);
  return rc;
}

enum sh_status ticket_act(struct app *app, const struct actor *actor, int64_t id,
                          enum ticket_action action, json_t *body, json_t **out,
                          struct sh_error *err) {
  if ((unsigned)action >= TICKET_ACTION_COUNT || !json_is_object(body))
    return sh_fail(err, SH_ERR_MALFORMED, "body_not_object", NULL, NULL);
  struct act_arg a = {.app = app, .actor = actor, .id = id, .action = action, .body = body};
  enum sh_status rc = store_write(app->store, act_in, &a, err);
  if (rc != SH_OK)
    return rc;
  return ticket_get(app, actor, id, out, err);
}
