/* visit_calls.c — the return-visit desk's call list and its calls (SPEC D3; 年终总结2 4:
 * 拨打电话时要注意时间不宜太早或太晚,也不适宜在午休时间去电客户 … 同时要注意控制通话时长).
 *
 * The list is today's work: the caller's open visits planned for today or earlier (overdue
 * first, then by the rule's due date), without those waiting for a retry. It is worked only
 * inside the calling hours (the setting calls.hours, rules/call_hours.h): outside them it is
 * empty unless asked for in full to prepare, and then no row is callable. Every call is
 * recorded with its result and length; no answer or busy puts the visit off the list until
 * the first calling time at least visit.retry_minutes later. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../rules/call_hours.h"
#include "checks.h"
#include "outbox.h"
#include "settings.h"
#include "visit_internal.h"

/* The most rows of one day's list: more than a desk calls in a day. */
#define VISIT_CALL_LIST_MAX 200

static enum sh_status oom(struct sh_error *err) {
  return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
}

static const char *nz(const char *s) {
  return s ? s : "";
}

struct hours {
  char *text; /* the setting */
  struct call_window w[48];
  size_t n;
};

/* The calling hours (calls.hours). An unparsable stored value cannot happen (settings are
 * validated on the way in); an unset one is refused naming the setting. */
static enum sh_status hours_load(struct store_tx *tx, struct hours *h, struct sh_error *err) {
  enum sh_status rc = settings_text(tx, "calls.hours", &h->text, err);
  if (rc == SH_OK && !h->text)
    return sh_fail(err, SH_ERR_INVALID, "setting_unset", "calls.hours", NULL);
  struct setting_time_range r[48];
  if (rc == SH_OK && !setting_time_ranges_parse(h->text, r, 48, &h->n))
    return sh_fail(err, SH_ERR_INTERNAL, "internal", "calls.hours", "stored value");
  for (size_t i = 0; rc == SH_OK && i < h->n; i++)
    h->w[i] = (struct call_window){.start = r[i].start_minute, .end = r[i].end_minute};
  return rc;
}

/* ---- the call list ---------------------------------------------------------------------- */

struct list_arg {
  struct app *app;
  const struct actor *actor;
  bool all;
  json_t *out;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  int tz = a->app->tz_offset_minutes;
  int64_t now = time_now();
  char today[11];
  visit_local_day(now, tz, today);
  struct hours h = {0};
  struct visit **list = NULL;
  size_t n = 0;
  enum sh_status rc = hours_load(tx, &h, err);
  /* IMP: SPEC D3 — only inside the calling hours. */
  bool within = rc == SH_OK && call_hours_inside(h.w, h.n, tz, now);
  int64_t next = 0;
  if (rc == SH_OK && !within && !call_hours_next(h.w, h.n, tz, now, &next))
    next = 0;
  /* A project manager's or a technician's list is the visits they lead; the desk's, every
   * visit of its regions. */
  bool leader_only = a->actor->role == ROLE_PROJECT_MANAGER || a->actor->role == ROLE_TECHNICIAN;
  if (rc == SH_OK && (within || a->all))
    rc = store_visit_calls_due(tx, a->actor->user_id, leader_only, today, now, VISIT_CALL_LIST_MAX,
                               &list, &n, err);
  json_t *o = rc == SH_OK ? json_object() : NULL, *items = rc == SH_OK ? json_array() : NULL;
  if (rc == SH_OK && (!o || !items))
    rc = oom(err);
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    json_t *row = visit_fields_json(list[i], tz, today);
    jsonx_set_bool(row, "callable", within);
    json_array_append_new(items, row);
  }
  if (rc == SH_OK) {
    jsonx_set_str(o, "calling_hours", h.text);
    jsonx_set_bool(o, "within_hours", within);
    jsonx_set_time(o, "next_window_at", within ? 0 : next, tz);
    jsonx_set_str(o, "today", today);
    json_object_set_new(o, "items", items);
    items = NULL;
    a->out = o;
    o = NULL;
  }
  json_decref(items);
  json_decref(o);
  visit_list_free(list, n);
  free(h.text);
  return rc;
}

enum sh_status visit_call_list(struct app *app, const struct actor *actor, bool all, json_t **out,
                               struct sh_error *err) {
  struct list_arg a = {.app = app, .actor = actor, .all = all};
  enum sh_status rc = store_read(app->store, list_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  return rc;
}

/* ---- recording a call ------------------------------------------------------------------- */

struct call_body {
  int64_t duration_seconds, called_at, call_back_at;
  char *result, *note;
};

#define CF(name, type, flags, min, max)                                                            \
  { #name, type, flags, min, max, offsetof(struct call_body, name) }
static const struct jfield call_fields[] = {
    CF(duration_seconds, JF_INT, JF_REQUIRED, 0, 36000),
    CF(result, JF_STRING, JF_REQUIRED, 1, 32),
    CF(called_at, JF_TIME, JF_NULLABLE, 0, 0),
    CF(note, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500),
    CF(call_back_at, JF_TIME, JF_NULLABLE, 0, 0),
};
#undef CF
#define NCALL (sizeof call_fields / sizeof call_fields[0])

/* A result someone must act on: the number is wrong, or the customer refuses the visit. The
 * engineering managers of the region (who plan the visits) and the visit's leader are told;
 * the visit stays open, its last result shown on the list, until they decide. */
static enum sh_status call_notify(struct visit_ctx *c, const char *result, struct sh_error *err) {
  bool wrong = strcmp(result, "wrong_number") == 0;
  char subject[240], body[600];
  snprintf(subject, sizeof subject, "【回访】%s：%s %s", wrong ? "客户电话错误" : "客户拒绝回访",
           nz(c->v->customer_name), nz(c->v->project_name));
  utf8_trim_tail(subject); /* whole characters only: PostgreSQL refuses a broken one */
  snprintf(body, sizeof body, "联系人：%s %s\n规定回访日期：%s\n%s", nz(c->v->contact_name),
           nz(c->v->contact_phone), c->v->due_date,
           wrong ? "请核实并更新客户联系方式后再安排回访。"
                 : "请决定改为上门回访、另行安排或取消此次回访(须注明原因)。");
  utf8_trim_tail(body);
  enum sh_status rc = outbox_notify_role(c->tx, ROLE_ENGINEERING_MANAGER, c->v->region_code,
                                         c->v->ticket_id, subject, body, c->now, NULL, err);
  if (rc == SH_OK && c->v->leader_id)
    rc = outbox_notify_user(c->tx, c->v->leader_id, c->v->ticket_id, subject, body, c->now, err);
  return rc;
}

static enum sh_status act_call(struct visit_ctx *c, struct sh_error *err) {
  struct call_body b = {0};
  enum sh_status rc = jsonx_decode(c->body, call_fields, NCALL, &b, NULL, NULL, err);
  int64_t at = b.called_at ? b.called_at : c->now;
  if (rc == SH_OK && at > c->now + 300)
    rc = sh_fail(err, SH_ERR_INVALID, "time_in_future", "called_at", NULL);
  if (rc == SH_OK && at < c->v->created_at)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "called_at", NULL);
  if (rc == SH_OK)
    rc = check_dict(c->tx, "call_result", b.result, "result", err);
  bool later = rc == SH_OK && strcmp(b.result, "call_back_later") == 0;
  if (rc == SH_OK && b.call_back_at && !later)
    rc = sh_fail(err, SH_ERR_INVALID, "call_back_without_later", "call_back_at", NULL);
  if (rc == SH_OK && b.call_back_at && b.call_back_at <= at)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "call_back_at", NULL);
  if (rc == SH_OK)
    rc = visit_require_open(c->v, err);
  struct hours h = {0};
  int64_t retry_minutes = 0;
  if (rc == SH_OK)
    rc = hours_load(c->tx, &h, err);
  if (rc == SH_OK)
    rc = settings_int(c->tx, "visit.retry_minutes", &retry_minutes, err);
  int64_t retry = 0;
  int tz = c->app->tz_offset_minutes;
  if (rc == SH_OK && (strcmp(b.result, "no_answer") == 0 || strcmp(b.result, "busy") == 0 ||
                      (later && !b.call_back_at))) {
    /* IMP: SPEC D3 — no answer: try again at the first calling time after the wait. */
    if (!call_hours_retry_at(h.w, h.n, tz, at, (int)retry_minutes, &retry))
      retry = at + retry_minutes * 60;
  } else if (rc == SH_OK && later) {
    retry = b.call_back_at; /* the time agreed with the customer */
  }
  struct visit_call call = {.visit_id = c->v->id,
                            .agent_id = c->actor->user_id,
                            .called_at = at,
                            .duration_seconds = b.duration_seconds,
                            .result = b.result,
                            .note = b.note,
                            .created_at = c->now};
  int64_t call_id = 0;
  if (rc == SH_OK)
    rc = store_visit_call_insert(c->tx, &call, &call_id, err);
  if (rc == SH_OK) {
    c->v->attempts++;
    c->v->retry_at = retry;
    c->save = true;
    jsonx_set_int(c->detail, "call_id", call_id);
    jsonx_set_str(c->detail, "result", b.result);
    jsonx_set_int(c->detail, "duration_seconds", b.duration_seconds);
    jsonx_set_time(c->detail, "called_at", at, tz);
    jsonx_set_time(c->detail, "retry_at", retry, tz);
    /* Recorded as it happened, but a call outside the hours is marked (D3). */
    jsonx_set_bool(c->detail, "outside_hours", !call_hours_inside(h.w, h.n, tz, at));
  }
  if (rc == SH_OK && (strcmp(b.result, "wrong_number") == 0 || strcmp(b.result, "refused") == 0))
    rc = call_notify(c, b.result, err);
  free(h.text);
  jsonx_free(call_fields, NCALL, &b);
  return rc;
}

enum sh_status visit_call_add(struct app *app, const struct actor *actor, int64_t id, json_t *body,
                              json_t **out, struct sh_error *err) {
  return visit_run(app, actor, id, "call", act_call, body, out, err);
}
