/* ticket_watch.c — one pass of the SLA watch: warnings, breaches and escalations of due
 * ticket deadlines (see ticket_watch.h). */
#include "ticket_watch.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/log.h"
#include "../base/timefmt.h"
#include "../rules/roles.h"
#include "../rules/sla.h"
#include "../store/jobs.h"
#include "../store/tickets.h"
#include "outbox.h"
#include "settings.h"

/* The escalation chain as read for one unit: levels[i] is the role of level i + 1. */
struct chain {
  int levels;
  bool valid[TICKET_WATCH_MAX_LEVELS];
  enum role roles[TICKET_WATCH_MAX_LEVELS];
  char names[TICKET_WATCH_MAX_LEVELS][32];
  int64_t step_seconds;
};

struct pass_arg {
  struct app *app;
  int64_t now;
  struct ticket_watch_stats *stats;
  size_t taken; /* rows the last unit took */
};

/* "dispatcher, engineering_manager,gm" → the chain. Unknown names keep their level (the
 * levels count as the administrator wrote them) but are marked invalid and logged. */
static void parse_chain(const char *text, struct chain *c) {
  c->levels = 0;
  for (const char *p = text; p && *p && c->levels < TICKET_WATCH_MAX_LEVELS;) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    while (n && (*p == ' ' || *p == '\t'))
      p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
      n--;
    if (n) {
      int l = c->levels++;
      snprintf(c->names[l], sizeof c->names[l], "%.*s", (int)n, p);
      c->valid[l] = role_parse(c->names[l], &c->roles[l]);
      if (!c->valid[l]) {
        char quoted[80];
        log_quote(quoted, sizeof quoted, c->names[l]);
        sh_log(LOG_PRIO_WARNING,
               "job=sla_watch msg=\"unknown role in sla.escalation_chain, level skipped\" "
               "level=%d role=%s",
               l + 1, quoted);
      }
    }
    p = comma ? comma + 1 : NULL;
  }
}

/* The settings the pass needs, read on the unit's own handle. A definition missing from the
 * settings table (an older binary's table) falls back to the documented defaults. */
static enum sh_status read_chain(struct store_tx *tx, struct chain *c, struct sh_error *err) {
  int64_t minutes = TICKET_WATCH_DEFAULT_STEP_MINUTES;
  const struct setting_def *step = setting_find("sla.escalation_step_minutes");
  if (step && step->type == SETTING_INT) {
    enum sh_status rc = settings_int(tx, step->key, &minutes, err);
    if (rc != SH_OK)
      return rc;
  }
  c->step_seconds = minutes * 60;
  char *text = NULL;
  const struct setting_def *chain = setting_find("sla.escalation_chain");
  if (chain && chain->type == SETTING_TEXT) {
    enum sh_status rc = settings_text(tx, chain->key, &text, err);
    if (rc != SH_OK)
      return rc;
  }
  parse_chain(text ? text : (chain ? chain->default_value : TICKET_WATCH_DEFAULT_CHAIN), c);
  free(text);
  return SH_OK;
}

/* What the stage's deadline is about, as the notices name it. */
static const char *stage_label(const char *stage) {
  static const struct {
    const char *stage, *label;
  } labels[] = {{"onsite", "技术人员到场"},
                {"clear", "排除故障"},
                {"substitute", "备品替代"},
                {"promise", "承诺答复"}};
  for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
    if (strcmp(labels[i].stage, stage) == 0)
      return labels[i].label;
  return stage;
}

static bool is_promise(const struct watch_row *w) {
  return strcmp(w->stage, "promise") == 0;
}

/* "2026-11-28 09:30" in the display zone. */
static void local_minute(int64_t utc, int tz, char out[20]) {
  char iso[TIME_ISO_LEN];
  time_format_iso(utc, tz, iso);
  snprintf(out, 20, "%.10s %.5s", iso, iso + 11);
}

/* "1小时05分" of a duration in seconds. */
static void duration_text(int64_t seconds, char *out, size_t n) {
  int64_t minutes = seconds / 60;
  snprintf(out, n, "%lld小时%02lld分", (long long)(minutes / 60), (long long)(minutes % 60));
}

struct notice {
  char subject[256];
  char body[1024];
};

enum notice_kind { NOTICE_WARNING, NOTICE_BREACH, NOTICE_ESCALATION };

static void notice_make(const struct pass_arg *a, const struct watch_row *w, enum notice_kind kind,
                        int level, const char *role_label, struct notice *out) {
  const char *label = stage_label(w->stage);
  char due[20], late[32] = "";
  local_minute(w->due_at, a->app->tz_offset_minutes, due);
  if (a->now > w->due_at)
    duration_text(a->now - w->due_at, late, sizeof late);
  switch (kind) {
  case NOTICE_WARNING:
    snprintf(out->subject, sizeof out->subject, "【工单%s】%s时限即将到期", w->number, label);
    snprintf(out->body, sizeof out->body,
             "工单 %s 的%s时限将于 %s 到期, 目前尚未完成。\n请尽快处理, 确保按时完成。", w->number,
             label, due);
    break;
  case NOTICE_BREACH:
    snprintf(out->subject, sizeof out->subject, "【工单%s】%s已超时", w->number, label);
    snprintf(out->body, sizeof out->body,
             "工单 %s 的%s时限已于 %s 到期, 至今尚未完成(已超时 %s)。\n请立即处理。", w->number,
             label, due, late);
    break;
  case NOTICE_ESCALATION:
    snprintf(out->subject, sizeof out->subject, "【工单%s】%s超时升级(第%d级: %s)", w->number,
             label, level, role_label);
    snprintf(out->body, sizeof out->body,
             "工单 %s 的%s时限已于 %s 到期, 至今尚未完成(已超时 %s)。\n按超时升级规定, "
             "现升级至第%d级(%s), 请督促处理。",
             w->number, label, due, late, level, role_label);
    break;
  }
}

/* Notifies the people of the ticket a stage concerns: the technician and the handler, or
 * for a promised reply the handler and the owner — each once. */
static enum sh_status notify_people(struct store_tx *tx, const struct pass_arg *a,
                                    const struct watch_row *w, bool technician,
                                    const struct notice *n, struct sh_error *err) {
  int64_t people[3] = {technician && !is_promise(w) ? w->technician_id : 0, w->handler_id,
                       is_promise(w) ? w->owner_id : 0};
  enum sh_status rc = SH_OK;
  for (int i = 0; rc == SH_OK && i < 3; i++) {
    bool repeat = false;
    for (int k = 0; k < i; k++)
      repeat = repeat || people[k] == people[i];
    if (!people[i] || repeat)
      continue;
    rc = outbox_notify_user(tx, people[i], w->ticket_id, n->subject, n->body, a->now, err);
    a->stats->notifications++;
  }
  return rc;
}

/* A timeline row of the system with a JSON detail built by the caller (consumed). */
static enum sh_status event(struct store_tx *tx, const struct pass_arg *a,
                            const struct watch_row *w, const char *kind, json_t *detail,
                            struct sh_error *err) {
  char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
  json_decref(detail);
  if (!text)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  enum sh_status rc = store_watch_event_insert(tx, w->ticket_id, a->now, kind, text, err);
  free(text);
  return rc;
}

static json_t *detail_base(const struct pass_arg *a, const struct watch_row *w) {
  char due[TIME_ISO_LEN];
  time_format_iso(w->due_at, a->app->tz_offset_minutes, due);
  json_t *d = json_object();
  if (d) {
    json_object_set_new(d, "stage", json_string(w->stage));
    json_object_set_new(d, "seq", json_integer(w->seq));
    json_object_set_new(d, "due_at", json_string(due));
  }
  return d;
}

static enum sh_status warn(struct store_tx *tx, const struct pass_arg *a, const struct watch_row *w,
                           struct sh_error *err) {
  struct notice n;
  notice_make(a, w, NOTICE_WARNING, 0, NULL, &n);
  enum sh_status rc = event(tx, a, w, "sla_warning", detail_base(a, w), err);
  if (rc == SH_OK)
    rc = notify_people(tx, a, w, true, &n, err);
  a->stats->warnings++;
  return rc;
}

static enum sh_status breach(struct store_tx *tx, const struct pass_arg *a,
                             const struct watch_row *w, struct sh_error *err) {
  struct notice n;
  notice_make(a, w, NOTICE_BREACH, 0, NULL, &n);
  json_t *d = detail_base(a, w);
  if (d)
    json_object_set_new(d, "overdue_seconds", json_integer(a->now - w->due_at));
  enum sh_status rc = event(tx, a, w, "sla_breach", d, err);
  if (rc == SH_OK)
    rc = notify_people(tx, a, w, true, &n, err);
  a->stats->breaches++;
  return rc;
}

static enum sh_status escalate(struct store_tx *tx, const struct pass_arg *a,
                               const struct watch_row *w, const struct chain *c, int level,
                               struct sh_error *err) {
  if (!c->valid[level - 1])
    return SH_OK; /* logged when the chain was read */
  enum role role = c->roles[level - 1];
  struct notice n;
  notice_make(a, w, NOTICE_ESCALATION, level, role_label_zh(role), &n);
  json_t *d = detail_base(a, w);
  if (d) {
    json_object_set_new(d, "level", json_integer(level));
    json_object_set_new(d, "role", json_string(role_name(role)));
  }
  enum sh_status rc = event(tx, a, w, "sla_escalation", d, err);
  int count = 0;
  if (rc == SH_OK)
    rc = outbox_notify_role(tx, role, w->region_code, w->ticket_id, n.subject, n.body, a->now,
                            &count, err);
  a->stats->notifications += count;
  if (rc == SH_OK && is_promise(w))
    rc = notify_people(tx, a, w, false, &n, err);
  a->stats->escalations++;
  return rc;
}

/* Decides and writes what one due row needs. */
static enum sh_status watch_row(struct store_tx *tx, const struct pass_arg *a,
                                const struct chain *c, const struct watch_row *row,
                                struct sh_error *err) {
  struct watch_row w = *row;
  int64_t now = a->now;
  bool done = w.met_at || strcmp(w.status, "closed") == 0 || strcmp(w.status, "cancelled") == 0;
  bool warning = false, breached = false;
  int from_level = w.level;
  if (done) {
    w.next_check_at = 0;
  } else {
    if (!w.warned_at && now >= w.warn_at && now < w.due_at) {
      w.warned_at = now;
      warning = true;
    }
    if (now >= w.due_at) {
      breached = !w.breached_at;
      if (breached)
        w.breached_at = w.due_at;
      int level = sla_escalation_level(w.due_at, now, c->step_seconds, c->levels);
      if (level > w.level)
        w.level = level;
    }
    /* A breached row counts as warned: a warning after the deadline says nothing. */
    struct sla_deadline d = {.due_at = w.due_at, .warn_at = w.warn_at};
    w.next_check_at = sla_next_check(&d, w.warned_at != 0 || now >= w.due_at, w.level,
                                     c->step_seconds, c->levels);
    if (w.next_check_at && w.next_check_at <= now) {
      /* Nothing left that a later look could do (an empty chain after the breach). */
      w.next_check_at = 0;
    }
  }
  /* The ticket's row lock, as every user action takes it (ticket_flow.c act_in): otherwise,
   * on PostgreSQL, an action that read the deadline before this pass wrote warned_at or the
   * level would save its older copy over them. The update below still applies only if
   * next_check_at is what this pass read. */
  bool applied = false;
  enum sh_status rc = store_ticket_lock(tx, row->ticket_id, err);
  if (rc == SH_OK)
    rc = store_watch_update(tx, &w, row->next_check_at, &applied, err);
  if (rc != SH_OK || !applied)
    return rc;
  if (!w.next_check_at)
    a->stats->retired++;
  if (warning)
    rc = warn(tx, a, &w, err);
  if (rc == SH_OK && breached)
    rc = breach(tx, a, &w, err);
  for (int level = from_level + 1; rc == SH_OK && level <= w.level; level++)
    rc = escalate(tx, a, &w, c, level, err);
  return rc;
}

static enum sh_status batch_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct pass_arg *a = arg;
  struct chain c;
  struct watch_row *rows = NULL;
  size_t count = 0;
  a->taken = 0;
  enum sh_status rc = read_chain(tx, &c, err);
  if (rc == SH_OK)
    rc = store_watch_due_list(tx, a->now, TICKET_WATCH_BATCH, &rows, &count, err);
  for (size_t i = 0; rc == SH_OK && i < count; i++) {
    rc = watch_row(tx, a, &c, &rows[i], err);
    a->stats->rows++;
  }
  if (rc == SH_OK)
    a->taken = count;
  free(rows);
  return rc;
}

struct peek_arg {
  int64_t now;
  bool any;
};

static enum sh_status peek_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct peek_arg *a = arg;
  return store_watch_due_any(tx, a->now, &a->any, err);
}

enum sh_status ticket_watch_pass(struct app *app, int64_t now, struct ticket_watch_stats *stats,
                                 struct sh_error *err) {
  memset(stats, 0, sizeof *stats);
  /* An idle pass costs one read, not a write unit on every tick. */
  struct peek_arg peek = {.now = now};
  enum sh_status rc = store_read(app->store, peek_unit, &peek, err);
  if (rc != SH_OK || !peek.any)
    return rc;
  /* Counts are kept per unit and added only when it committed. */
  struct ticket_watch_stats unit;
  struct pass_arg a = {.app = app, .now = now, .stats = &unit};
  for (;;) {
    memset(&unit, 0, sizeof unit);
    rc = store_write(app->store, batch_unit, &a, err);
    if (rc != SH_OK)
      return rc;
    stats->rows += unit.rows;
    stats->warnings += unit.warnings;
    stats->breaches += unit.breaches;
    stats->escalations += unit.escalations;
    stats->notifications += unit.notifications;
    stats->retired += unit.retired;
    /* Every row taken left the due set (its next_check_at is now later or NULL), so a
     * short batch means nothing is left. */
    if (a.taken < TICKET_WATCH_BATCH)
      return SH_OK;
  }
}
