/* complaint_flow.c — the complaint procedure after registration (see complaint.h): written
 * notices to the departments, their answers, the callback to the customer and the archive,
 * each one unit of work (load in scope, check the state, change, timeline event, audit row,
 * notifications); and the two documents, the notice and the complaint form, drawn from one
 * read unit's data outside any unit.
 *
 * States: registered → assigned → answered → called_back → archived. A dissatisfied
 * callback sends the complaint back to assigned in a new round (round + 1), whose notices
 * must be sent again. The row is locked first in every step (store_complaint_lock), so two
 * departments answering at once on PostgreSQL see each other's answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../export/notice.h"
#include "../store/attachments.h"
#include "../store/reference.h"
#include "../store/users.h"
#include "audit.h"
#include "checks.h"
#include "complaint.h"
#include "complaint_internal.h"
#include "outbox.h"
#include "settings.h"

static const char *nz(const char *s) {
  return s ? s : "";
}

/* IMP: SPEC E2 — no step can be skipped: 409 naming the state the complaint is in. */
static enum sh_status require_state(const struct complaint *c, const char *a, const char *b,
                                    struct sh_error *err) {
  enum sh_status rc = complaint_require_open(c, err);
  if (rc == SH_OK && strcmp(c->status, a) != 0 && (!b || strcmp(c->status, b) != 0))
    rc = sh_fail(err, SH_ERR_CONFLICT, "complaint_wrong_state", "status", c->status);
  return rc;
}

/* "YYYY-MM-DD" days after day (calendar days); day is valid. */
static void day_add(const char *day, int64_t days, char out[11]) {
  unsigned y = 0, m = 0, d = 0;
  sscanf(day, "%4u-%2u-%2u", &y, &m, &d);
  time_t t = (time_t)((days_from_civil(y, m, d) + days) * 86400);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}

void complaint_local_time(int64_t utc, int tz_offset_minutes, char out[20]) {
  out[0] = '\0';
  if (!utc)
    return;
  time_t t = (time_t)(utc + tz_offset_minutes * 60);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}

/* Adds the roles of a comma-separated setting to *mask; a name that is not a staff role
 * is skipped (the value is checked when an administrator sets it). */
static void roles_of(const char *list, unsigned *mask) {
  while (list && *list) {
    const char *end = strchr(list, ',');
    size_t len = end ? (size_t)(end - list) : strlen(list);
    char name[40];
    enum role role;
    if (len < sizeof name) {
      memcpy(name, list, len);
      name[len] = '\0';
      if (role_parse(name, &role) && role != ROLE_DEALER && role != ROLE_CUSTOMER)
        *mask |= 1u << role;
    }
    list = end ? end + 1 : NULL;
  }
}

enum sh_status complaint_report_up(struct store_tx *tx, const struct complaint *c,
                                   const char *subject, const char *body, int64_t now, int *count,
                                   json_t **roles, struct sh_error *err) {
  char *base = NULL, *critical = NULL;
  unsigned mask = 0;
  enum sh_status rc = settings_text(tx, "complaint.report_roles", &base, err);
  if (rc == SH_OK && strcmp(c->severity, "critical") == 0)
    rc = settings_text(tx, "complaint.critical_report_roles", &critical, err);
  roles_of(base, &mask);
  roles_of(critical, &mask);
  free(base);
  free(critical);
  json_t *names = json_array();
  *count = 0;
  for (int r = 0; rc == SH_OK && names && r < ROLE_COUNT; r++) {
    if (!(mask & (1u << r)))
      continue;
    int n = 0;
    rc = outbox_notify_role(tx, (enum role)r, c->region_code, 0, subject, body, now, &n, err);
    *count += n;
    json_array_append_new(names, json_string(role_name((enum role)r)));
  }
  if (rc == SH_OK && !names)
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc != SH_OK) {
    json_decref(names);
    return rc;
  }
  *roles = names;
  return SH_OK;
}

/* ---- one step in one unit ------------------------------------------------------------ */

struct step {
  struct app *app;
  const struct actor *actor;
  struct store_tx *tx;
  int64_t now;
  struct complaint *c;
  json_t *body;
  json_t *changes; /* the audit row's changes */
};

struct assign_body {
  int64_t version;
  json_t *departments;
};
struct department_body {
  char *department;
  int64_t responsible_id;
  char *due_date, *instructions;
};

/* The notice's mail: the notice's own words, and where its PDF is. */
static void notice_mail(const struct step *s, const struct complaint_assignment *a,
                        const char *department_label, char *subject, size_t ns, char *body,
                        size_t nb) {
  const char *instructions = a->instructions && *a->instructions ? a->instructions : "—";
  snprintf(subject, ns, "【投诉处理通知单%s】请于%s前书面回复", a->notice_no, a->due_date);
  snprintf(body, nb,
           "%s：\n客服部受理客户投诉（编号%s），请%s认真分析原因，于%s前书面回复原因分析、"
           "纠正措施和预防措施。\n客户：%s\n投诉事实：%.*s\n处理要求：%.*s\n"
           "通知单(PDF)：/api/v1/complaints/%lld/assignments/%lld/notice\n发出人：%s",
           department_label, s->c->number, department_label, a->due_date, nz(s->c->customer_name),
           (int)utf8_clip(s->c->facts, 800), s->c->facts, (int)utf8_clip(instructions, 400),
           instructions, (long long)s->c->id, (long long)a->id, s->actor->display_name);
  utf8_trim_tail(subject);
  utf8_trim_tail(body);
}

/* One department of an assignment: checked, then its notice written and its person told. */
static enum sh_status assign_one(struct step *s, struct department_body *d, size_t i, int64_t seq,
                                 const struct complaint_assignment *existing, size_t nexisting,
                                 json_t *notices, struct sh_error *err) {
  char field[64], today[11], received[11], due[11], number[48];
  struct user_record *u = NULL;
  enum role role = ROLE_COUNT;
  int64_t days = 0;
  snprintf(field, sizeof field, "departments[%zu].department", i);
  enum sh_status rc = check_dict(s->tx, "department", d->department, field, err);
  for (size_t k = 0; rc == SH_OK && k < nexisting; k++)
    if (existing[k].round == s->c->round && strcmp(existing[k].department, d->department) == 0)
      rc = sh_fail(err, SH_ERR_INVALID, "department_already_assigned", field, d->department);
  snprintf(field, sizeof field, "departments[%zu].responsible_id", i);
  if (rc == SH_OK) {
    rc = store_user_get(s->tx, d->responsible_id, &u, err);
    if (rc == SH_ERR_NOT_FOUND)
      rc = sh_fail(err, SH_ERR_INVALID, "unknown_user", field, NULL);
    else if (rc == SH_OK && (!u->active || !role_parse(u->role, &role) || role == ROLE_DEALER ||
                             role == ROLE_CUSTOMER))
      rc = sh_fail(err, SH_ERR_INVALID, "responsible_not_staff", field, NULL);
  }
  complaint_local_day(s->now, s->app->tz_offset_minutes, today);
  complaint_local_day(s->c->received_at, s->app->tz_offset_minutes, received);
  if (rc == SH_OK && !d->due_date) {
    /* IMP: SPEC E2 — a notice is due complaint.answer_days calendar days after it is sent. */
    rc = settings_int(s->tx, "complaint.answer_days", &days, err);
    day_add(today, days, due);
  } else if (rc == SH_OK) {
    snprintf(due, sizeof due, "%s", d->due_date);
    snprintf(field, sizeof field, "departments[%zu].due_date", i);
    if (strcmp(due, received) < 0)
      rc = sh_fail(err, SH_ERR_INVALID, "end_before_start", field, NULL);
  }
  snprintf(number, sizeof number, "%s-%lld", s->c->number, (long long)seq);
  struct complaint_assignment a = {.complaint_id = s->c->id,
                                   .round = s->c->round,
                                   .department = d->department,
                                   .responsible_id = d->responsible_id,
                                   .notice_no = number,
                                   .due_date = due,
                                   .instructions = d->instructions,
                                   .notified_at = s->now,
                                   .created_by = s->actor->user_id,
                                   .created_at = s->now};
  char *label = NULL;
  if (rc == SH_OK)
    rc = store_complaint_assignment_insert(s->tx, &a, &a.id, err);
  if (rc == SH_OK)
    rc = store_dict_label(s->tx, "department", d->department, &label, err);
  if (rc == SH_OK) {
    /* IMP: SPEC E2 — the department is notified in writing: the notice goes to the person
     * named, as a message and a mail naming its PDF. */
    char subject[200], body[2400];
    notice_mail(s, &a, label ? label : d->department, subject, sizeof subject, body, sizeof body);
    rc = outbox_notify_user(s->tx, d->responsible_id, 0, subject, body, s->now, err);
  }
  if (rc == SH_OK) {
    json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:s}", "assignment_id", (json_int_t)a.id,
                          "notice_no", number, "department", d->department, "responsible_id",
                          (json_int_t)d->responsible_id, "due_date", due);
    json_array_append_new(notices, o);
  }
  free(label);
  user_record_free(u);
  return rc;
}

static const struct jfield assign_fields[] = {
    {"version", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct assign_body, version)},
    {"departments", JF_JSON, JF_REQUIRED, 0, 0, offsetof(struct assign_body, departments)},
};
static const struct jfield department_fields[] = {
    {"department", JF_STRING, JF_REQUIRED, 1, 32, offsetof(struct department_body, department)},
    {"responsible_id", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2,
     offsetof(struct department_body, responsible_id)},
    {"due_date", JF_DATE, JF_NULLABLE, 0, 0, offsetof(struct department_body, due_date)},
    {"instructions", JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 1000,
     offsetof(struct department_body, instructions)},
};
#define NDEPARTMENT (sizeof department_fields / sizeof department_fields[0])
#define MAX_DEPARTMENTS 10

/* IMP: SPEC E2 — written notices to the responsible departments: from registered, or while
 * assigned to add a department to the round. */
static enum sh_status step_assign(struct step *s, struct sh_error *err) {
  struct assign_body b = {0};
  struct department_body d[MAX_DEPARTMENTS] = {0};
  size_t nd = 0, nexisting = 0;
  struct complaint_assignment *existing = NULL;
  json_t *notices = json_array();
  enum sh_status rc = jsonx_decode(s->body, assign_fields, 2, &b, NULL, NULL, err);
  if (rc == SH_OK && !json_is_array(b.departments))
    rc = sh_fail(err, SH_ERR_MALFORMED, "wrong_type", "departments", NULL);
  nd = rc == SH_OK ? json_array_size(b.departments) : 0;
  if (rc == SH_OK && nd == 0)
    rc = sh_fail(err, SH_ERR_INVALID, "field_required", "departments", NULL);
  if (rc == SH_OK && nd > MAX_DEPARTMENTS)
    rc = sh_fail(err, SH_ERR_INVALID, "too_many_items", "departments", NULL);
  for (size_t i = 0; rc == SH_OK && i < nd; i++) {
    char prefix[48];
    snprintf(prefix, sizeof prefix, "departments[%zu].", i);
    json_t *item = json_array_get(b.departments, i);
    rc = json_is_object(item)
             ? jsonx_decode(item, department_fields, NDEPARTMENT, &d[i], NULL, prefix, err)
             : sh_fail(err, SH_ERR_MALFORMED, "wrong_type", "departments", NULL);
  }
  for (size_t i = 0; rc == SH_OK && i < nd; i++)
    for (size_t k = 0; rc == SH_OK && k < i; k++)
      if (strcmp(d[i].department, d[k].department) == 0) {
        char field[64];
        snprintf(field, sizeof field, "departments[%zu].department", i);
        rc = sh_fail(err, SH_ERR_INVALID, "department_already_assigned", field, d[i].department);
      }
  if (rc == SH_OK)
    rc = require_state(s->c, "registered", "assigned", err);
  if (rc == SH_OK && b.version != s->c->version)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  if (rc == SH_OK)
    rc = store_complaint_assignments(s->tx, s->c->id, &existing, &nexisting, err);
  /* The complaint form prints every notice of every round (E3) and holds at most
   * NOTICE_MAX_NOTICES: one more is refused here, never left off the archived form. */
  if (rc == SH_OK && nexisting + nd > NOTICE_MAX_NOTICES) {
    char limit[16];
    snprintf(limit, sizeof limit, "%d", NOTICE_MAX_NOTICES);
    rc = sh_fail(err, SH_ERR_INVALID, "too_many_items", "departments", limit);
  }
  for (size_t i = 0; rc == SH_OK && i < nd; i++)
    rc = assign_one(s, &d[i], i, (int64_t)(nexisting + i + 1), existing, nexisting, notices, err);
  if (rc == SH_OK) {
    audit_change(s->changes, "status", json_string(s->c->status), json_string("assigned"));
    audit_change(s->changes, "notices", NULL, json_incref(notices));
    char *status = sh_strdup("assigned");
    if (!status)
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    else {
      free(s->c->status);
      s->c->status = status;
    }
  }
  if (rc == SH_OK) {
    json_t *detail = json_pack("{s:I, s:O}", "round", (json_int_t)s->c->round, "notices", notices);
    rc = complaint_event(s->tx, s->c->id, s->now, s->actor, "assigned", detail, err);
  }
  json_decref(notices);
  complaint_assignments_free(existing, nexisting);
  for (size_t i = 0; i < MAX_DEPARTMENTS; i++)
    jsonx_free(department_fields, NDEPARTMENT, &d[i]);
  jsonx_free(assign_fields, 2, &b);
  return rc;
}

static enum sh_status set_status(struct step *s, const char *status, struct sh_error *err) {
  char *copy = sh_strdup(status);
  if (!copy)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  audit_change(s->changes, "status", json_string(s->c->status), json_string(status));
  free(s->c->status);
  s->c->status = copy;
  return SH_OK;
}

struct callback_body {
  int64_t version, called_at;
  bool satisfied;
  char *note;
};
static const struct jfield callback_fields[] = {
    {"version", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct callback_body, version)},
    {"satisfied", JF_BOOL, JF_REQUIRED, 0, 0, offsetof(struct callback_body, satisfied)},
    {"note", JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500, offsetof(struct callback_body, note)},
    {"called_at", JF_TIME, JF_NULLABLE, 0, 0, offsetof(struct callback_body, called_at)},
};

/* IMP: SPEC E2 (work plan 2 §十.2) — the desk calls the customer back once every
 * department answered: satisfied closes the handling; not satisfied opens a new round of
 * notices, and the superiors are told again. */
static enum sh_status step_callback(struct step *s, struct sh_error *err) {
  struct callback_body b = {0};
  enum sh_status rc = jsonx_decode(s->body, callback_fields, 4, &b, NULL, NULL, err);
  int64_t at = b.called_at ? b.called_at : s->now;
  if (rc == SH_OK && at > s->now + 300)
    rc = sh_fail(err, SH_ERR_INVALID, "time_in_future", "called_at", NULL);
  if (rc == SH_OK)
    rc = require_state(s->c, "answered", NULL, err);
  if (rc == SH_OK && b.version != s->c->version)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  if (rc == SH_OK && at < s->c->received_at)
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_time", "called_at", NULL);
  char *note = rc == SH_OK ? sh_strdup(nz(b.note)) : NULL;
  if (rc == SH_OK && !note)
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK) {
    audit_change(s->changes, "callback_satisfied",
                 s->c->callback_satisfied < 0 ? NULL : json_boolean(s->c->callback_satisfied),
                 json_boolean(b.satisfied));
    audit_change(s->changes, "callback_note", json_string(nz(s->c->callback_note)),
                 json_string(note));
    free(s->c->callback_note);
    s->c->callback_note = note;
    s->c->callback_at = at;
    s->c->callback_by = s->actor->user_id;
    s->c->callback_satisfied = b.satisfied ? 1 : 0;
    rc = set_status(s, b.satisfied ? "called_back" : "assigned", err);
  }
  int64_t round = s->c->round;
  if (rc == SH_OK && !b.satisfied) {
    s->c->round = round + 1;
    audit_change(s->changes, "round", json_integer(round), json_integer(round + 1));
  }
  if (rc == SH_OK) {
    json_t *d = json_pack("{s:b, s:s, s:I}", "satisfied", b.satisfied, "note", nz(b.note), "round",
                          (json_int_t)round);
    jsonx_set_time(d, "called_at", at, s->app->tz_offset_minutes);
    rc = complaint_event(s->tx, s->c->id, s->now, s->actor, "callback", d, err);
  }
  if (rc == SH_OK && !b.satisfied) {
    char subject[200], body[1200];
    int told = 0;
    json_t *roles = NULL;
    snprintf(subject, sizeof subject, "【投诉%s】回访客户不满意，进入第%lld轮处理", s->c->number,
             (long long)s->c->round);
    snprintf(body, sizeof body, "客户：%s\n客户意见：%.*s\n回访人：%s\n请重新安排责任部门处理。",
             nz(s->c->customer_name), (int)utf8_clip(nz(b.note), 600), nz(b.note),
             s->actor->display_name);
    utf8_trim_tail(subject);
    utf8_trim_tail(body);
    rc = complaint_report_up(s->tx, s->c, subject, body, s->now, &told, &roles, err);
    if (rc == SH_OK) {
      json_t *d = json_pack("{s:o, s:i, s:I}", "roles", roles, "notified", told, "round",
                            (json_int_t)s->c->round);
      rc = complaint_event(s->tx, s->c->id, s->now, s->actor, "reported", d, err);
    }
  }
  jsonx_free(callback_fields, 4, &b);
  return rc;
}

struct archive_body {
  int64_t version;
  char *note;
};
static const struct jfield archive_fields[] = {
    {"version", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct archive_body, version)},
    {"note", JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 500, offsetof(struct archive_body, note)},
};

/* IMP: SPEC E3 — closed and archived with all its documents; read-only from now on. */
static enum sh_status step_archive(struct step *s, struct sh_error *err) {
  struct archive_body b = {0};
  enum sh_status rc = jsonx_decode(s->body, archive_fields, 2, &b, NULL, NULL, err);
  if (rc == SH_OK)
    rc = require_state(s->c, "called_back", NULL, err);
  if (rc == SH_OK && b.version != s->c->version)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  if (rc == SH_OK) {
    s->c->archived_at = s->now;
    s->c->archived_by = s->actor->user_id;
    audit_change(s->changes, "archived_at", NULL, json_integer(s->now));
    rc = set_status(s, "archived", err);
  }
  if (rc == SH_OK)
    rc = complaint_event(s->tx, s->c->id, s->now, s->actor, "archived",
                         json_pack("{s:s}", "note", nz(b.note)), err);
  jsonx_free(archive_fields, 2, &b);
  return rc;
}

struct answer_body {
  char *root_cause, *corrective_action, *preventive_action;
};
static const struct jfield answer_fields[] = {
    {"root_cause", JF_STRING, JF_REQUIRED | JF_MULTILINE, 1, 2000,
     offsetof(struct answer_body, root_cause)},
    {"corrective_action", JF_STRING, JF_REQUIRED | JF_MULTILINE, 1, 2000,
     offsetof(struct answer_body, corrective_action)},
    {"preventive_action", JF_STRING, JF_REQUIRED | JF_MULTILINE, 1, 2000,
     offsetof(struct answer_body, preventive_action)},
};

/* Who answers for a department: the person the notice names; management; the engineering
 * manager for the engineering department (工程部经理 heads it). */
static bool may_answer(const struct actor *actor, const struct complaint_assignment *a) {
  switch (actor->role) {
  case ROLE_DEPARTMENT_HEAD:
  case ROLE_VICE_GM:
  case ROLE_GM:
  case ROLE_ADMIN:
    return true;
  case ROLE_ENGINEERING_MANAGER:
    return strcmp(a->department, "engineering") == 0 || a->responsible_id == actor->user_id;
  default:
    return a->responsible_id == actor->user_id;
  }
}

/* IMP: SPEC E2 — a department's answer: root cause, corrective and preventive action. When
 * every notice of the round is answered the complaint is answered and the desk that owns it
 * is told to call the customer back. */
static enum sh_status step_answer(struct step *s, int64_t assignment_id, struct sh_error *err) {
  struct answer_body b = {0};
  struct complaint_assignment *list = NULL, *a = NULL;
  size_t n = 0;
  enum sh_status rc = jsonx_decode(s->body, answer_fields, 3, &b, NULL, NULL, err);
  if (rc == SH_OK)
    rc = require_state(s->c, "assigned", NULL, err);
  if (rc == SH_OK)
    rc = store_complaint_assignments(s->tx, s->c->id, &list, &n, err);
  for (size_t i = 0; rc == SH_OK && i < n; i++)
    if (list[i].id == assignment_id)
      a = &list[i];
  if (rc == SH_OK && !a)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK && !may_answer(s->actor, a))
    rc = sh_fail(err, SH_ERR_FORBIDDEN, "forbidden", NULL, NULL);
  if (rc == SH_OK && a->answered_at)
    rc = sh_fail(err, SH_ERR_CONFLICT, "notice_already_answered", "assignment", a->notice_no);
  if (rc == SH_OK && a->round != s->c->round)
    rc = sh_fail(err, SH_ERR_CONFLICT, "complaint_wrong_state", "round", NULL);
  if (rc == SH_OK) {
    struct complaint_assignment answer = *a;
    answer.root_cause = b.root_cause;
    answer.corrective_action = b.corrective_action;
    answer.preventive_action = b.preventive_action;
    answer.answered_at = a->answered_at = s->now;
    answer.answered_by = s->actor->user_id;
    rc = store_complaint_assignment_answer(s->tx, &answer, err);
  }
  bool all = rc == SH_OK;
  for (size_t i = 0; rc == SH_OK && i < n; i++)
    if (list[i].round == s->c->round && !list[i].answered_at)
      all = false;
  if (rc == SH_OK) {
    json_t *answer = json_pack("{s:s, s:s, s:s}", "root_cause", b.root_cause, "corrective_action",
                               b.corrective_action, "preventive_action", b.preventive_action);
    audit_change(s->changes, a->notice_no, NULL, answer);
    rc = complaint_event(s->tx, s->c->id, s->now, s->actor, "answered",
                         json_pack("{s:I, s:s, s:s}", "assignment_id", (json_int_t)a->id,
                                   "notice_no", a->notice_no, "department", a->department),
                         err);
  }
  if (rc == SH_OK && all) {
    rc = set_status(s, "answered", err);
    char subject[200], body[600];
    snprintf(subject, sizeof subject, "【投诉%s】各部门均已回复，请回访客户", s->c->number);
    snprintf(body, sizeof body,
             "客户：%s\n投诉人：%s %s\n请再次与客户联系，确认客户满意程度，并登记回访结果。",
             nz(s->c->customer_name), nz(s->c->complainant), nz(s->c->phone));
    utf8_trim_tail(subject);
    utf8_trim_tail(body);
    if (rc == SH_OK)
      rc = outbox_notify_user(s->tx, s->c->owner_id, 0, subject, body, s->now, err);
  }
  complaint_assignments_free(list, n);
  jsonx_free(answer_fields, 3, &b);
  return rc;
}

/* ---- the unit ------------------------------------------------------------------------ */

struct act_arg {
  struct app *app;
  const struct actor *actor;
  int64_t id, assignment_id;
  int action; /* enum complaint_action, or -1: answer */
  json_t *body;
};

static const char *const action_names[] = {"assign", "callback", "archive"};

static enum sh_status act_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct act_arg *a = arg;
  struct step s = {.app = a->app, .actor = a->actor, .tx = tx, .now = time_now(), .body = a->body};
  enum sh_status rc = store_complaint_lock(tx, a->id, err);
  if (rc == SH_OK)
    rc = store_complaint_get(tx, a->id, a->actor->user_id, &s.c, err);
  if (rc == SH_OK && !(s.changes = json_object()))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK) {
    switch (a->action) {
    case COMPLAINT_ASSIGN:
      rc = step_assign(&s, err);
      break;
    case COMPLAINT_CALLBACK:
      rc = step_callback(&s, err);
      break;
    case COMPLAINT_ARCHIVE:
      rc = step_archive(&s, err);
      break;
    default:
      rc = step_answer(&s, a->assignment_id, err);
      break;
    }
  }
  /* Every step changes the complaint (an answer too: a callback must see it), so the row's
   * version moves and a stale form is caught. */
  if (rc == SH_OK)
    rc = store_complaint_save(tx, s.c, s.now, err);
  if (rc == SH_OK)
    rc = audit_log(tx, a->actor, "complaint", a->id,
                   a->action >= 0 ? action_names[a->action] : "answer", s.changes, s.now, err);
  json_decref(s.changes);
  complaint_free(s.c);
  return rc;
}

enum sh_status complaint_act(struct app *app, const struct actor *actor, int64_t id,
                             enum complaint_action action, json_t *body, json_t **out,
                             struct sh_error *err) {
  if (!json_is_object(body) || (unsigned)action > COMPLAINT_ARCHIVE)
    return sh_fail(err, SH_ERR_MALFORMED, "body_not_object", NULL, NULL);
  struct act_arg a = {.app = app, .actor = actor, .id = id, .action = (int)action, .body = body};
  enum sh_status rc = store_write(app->store, act_unit, &a, err);
  return rc == SH_OK ? complaint_get(app, actor, id, out, err) : rc;
}

enum sh_status complaint_answer(struct app *app, const struct actor *actor, int64_t id,
                                int64_t assignment_id, json_t *body, json_t **out,
                                struct sh_error *err) {
  if (!json_is_object(body))
    return sh_fail(err, SH_ERR_MALFORMED, "body_not_object", NULL, NULL);
  struct act_arg a = {.app = app,
                      .actor = actor,
                      .id = id,
                      .assignment_id = assignment_id,
                      .action = -1,
                      .body = body};
  enum sh_status rc = store_write(app->store, act_unit, &a, err);
  return rc == SH_OK ? complaint_get(app, actor, id, out, err) : rc;
}

/* ---- the documents ------------------------------------------------------------------- */

struct docs_arg {
  const struct actor *actor;
  int64_t id;
  struct complaint *c;
  struct complaint_assignment *notices;
  size_t nnotices;
  struct complaint_event *events;
  size_t nevents;
  struct attachment_info *files;
  size_t nfiles;
  char *company, *department;
};

static enum sh_status docs_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct docs_arg *a = arg;
  enum sh_status rc = store_complaint_get(tx, a->id, a->actor->user_id, &a->c, err);
  if (rc == SH_OK)
    rc = store_complaint_assignments(tx, a->id, &a->notices, &a->nnotices, err);
  if (rc == SH_OK)
    rc = store_complaint_events(tx, a->id, &a->events, &a->nevents, err);
  if (rc == SH_OK)
    rc = store_attachment_list(tx, "complaint", a->id, &a->files, &a->nfiles, err);
  if (rc == SH_OK)
    rc = settings_text(tx, "company.name", &a->company, err);
  if (rc == SH_OK)
    rc = settings_text(tx, "company.service_department", &a->department, err);
  return rc;
}

static void docs_free(struct docs_arg *a) {
  complaint_free(a->c);
  complaint_assignments_free(a->notices, a->nnotices);
  complaint_events_free(a->events, a->nevents);
  attachment_infos_free(a->files, a->nfiles);
  free(a->company);
  free(a->department);
}

/* The complaint as the documents print it; the texts live in c and in the buffers. */
struct docs_text {
  char received[20], links[200];
};

static struct notice_complaint docs_complaint(const struct docs_arg *a, int tz,
                                              struct docs_text *t) {
  const struct complaint *c = a->c;
  complaint_local_time(c->received_at, tz, t->received);
  size_t n = 0;
  t->links[0] = '\0';
  if (c->ticket_number)
    n += (size_t)snprintf(t->links + n, sizeof t->links - n, "工单 %s　", c->ticket_number);
  if (c->visit_id && n < sizeof t->links)
    n += (size_t)snprintf(t->links + n, sizeof t->links - n, "回访 #%lld（%s）　",
                          (long long)c->visit_id, nz(c->visit_date));
  if (c->serial_no && n < sizeof t->links)
    snprintf(t->links + n, sizeof t->links - n, "设备 %s", c->serial_no);
  utf8_trim_tail(t->links);
  return (struct notice_complaint){
      .company = a->company ? a->company : nz(a->department),
      .number = c->number,
      .customer = c->customer_name,
      .region = c->region_name,
      .complainant = c->complainant,
      .phone = c->phone,
      .channel = c->channel_label ? c->channel_label : c->channel,
      .received_at = t->received,
      .occurred_on = c->occurred_on,
      .category = c->category_label ? c->category_label : c->category,
      .severity = c->severity_label ? c->severity_label : c->severity,
      .facts = c->facts,
      .demand = c->demand,
      .links = t->links,
      .repeat_of = c->repeat_number,
      .owner = c->owner_name,
  };
}

/* A notice as the documents print it; the times go into the caller's buffers. */
static struct notice_item docs_item(const struct complaint_assignment *n, int tz, char issued[20],
                                    char answered[20], struct notice_answer *answer) {
  complaint_local_time(n->notified_at, tz, issued);
  complaint_local_time(n->answered_at, tz, answered);
  *answer = (struct notice_answer){n->root_cause, n->corrective_action, n->preventive_action,
                                   n->answered_by_name, answered};
  return (struct notice_item){.notice_no = n->notice_no,
                              .round = (int)n->round,
                              .department =
                                  n->department_label ? n->department_label : n->department,
                              .responsible = nz(n->responsible_name),
                              .due_date = n->due_date,
                              .instructions = n->instructions,
                              .issued_by = n->created_by_name,
                              .issued_at = issued,
                              .answer = n->answered_at ? answer : NULL};
}

enum sh_status complaint_notice_pdf(struct app *app, const struct actor *actor, int64_t id,
                                    int64_t assignment_id, char **pdf, size_t *len, char *name,
                                    size_t name_size, struct sh_error *err) {
  struct docs_arg a = {.actor = actor, .id = id};
  enum sh_status rc = store_read(app->store, docs_unit, &a, err);
  const struct complaint_assignment *n = NULL;
  for (size_t i = 0; rc == SH_OK && i < a.nnotices; i++)
    if (a.notices[i].id == assignment_id)
      n = &a.notices[i];
  if (rc == SH_OK && !n)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK) {
    int tz = app->tz_offset_minutes;
    struct docs_text t;
    char issued[20], answered[20], day[11];
    struct notice_answer answer;
    struct notice_complaint c = docs_complaint(&a, tz, &t);
    struct notice_item item = docs_item(n, tz, issued, answered, &answer);
    complaint_local_day(n->notified_at, tz, day);
    rc = notice_pdf(&c, &item, day, pdf, len, err);
    if (rc == SH_OK)
      snprintf(name, name_size, "%s", n->notice_no);
  }
  docs_free(&a);
  return rc;
}

static const char *status_words(const char *status) {
  static const char *const words[][2] = {{"registered", "已登记"},
                                         {"assigned", "处理中"},
                                         {"answered", "部门已回复"},
                                         {"called_back", "已回访"},
                                         {"archived", "已归档"}};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcmp(status, words[i][0]) == 0)
      return words[i][1];
  return status;
}

/* "2026-11-28T10:05:00+08:00" (a callback's time as its event holds it) → "2026-11-28 10:05". */
static void event_time(const char *iso, char out[20]) {
  snprintf(out, 20, "%.10s %.5s", iso, strlen(iso) > 11 ? iso + 11 : "");
}

enum sh_status complaint_form_pdf(struct app *app, const struct actor *actor, int64_t id,
                                  char **pdf, size_t *len, char *name, size_t name_size,
                                  struct sh_error *err) {
  struct docs_arg a = {.actor = actor, .id = id};
  enum sh_status rc = store_read(app->store, docs_unit, &a, err);
  int tz = app->tz_offset_minutes;
  size_t nn = rc == SH_OK ? a.nnotices : 0, ne = rc == SH_OK ? a.nevents : 0;
  size_t nf = rc == SH_OK ? a.nfiles : 0;
  struct notice_item *items = sh_calloc(nn ? nn : 1, sizeof *items);
  struct notice_answer *answers = sh_calloc(nn ? nn : 1, sizeof *answers);
  char(*times)[2][20] = sh_calloc(nn ? nn : 1, sizeof *times);
  struct notice_callback *callbacks = sh_calloc(ne ? ne : 1, sizeof *callbacks);
  json_t **details = sh_calloc(ne ? ne : 1, sizeof *details);
  char(*at)[20] = sh_calloc(ne ? ne : 1, sizeof *at);
  char(*files)[320] = sh_calloc(nf ? nf : 1, sizeof *files);
  const char **file_texts = sh_calloc(nf ? nf : 1, sizeof *file_texts);
  size_t ncallbacks = 0;
  if (rc == SH_OK &&
      (!items || !answers || !times || !callbacks || !details || !at || !files || !file_texts))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  for (size_t i = 0; rc == SH_OK && i < nn; i++)
    items[i] = docs_item(&a.notices[i], tz, times[i][0], times[i][1], &answers[i]);
  for (size_t i = 0; rc == SH_OK && i < ne; i++) {
    if (strcmp(a.events[i].kind, "callback") != 0)
      continue;
    json_t *d = details[ncallbacks] = json_loads(nz(a.events[i].detail), 0, NULL);
    event_time(nz(json_string_value(json_object_get(d, "called_at"))), at[ncallbacks]);
    callbacks[ncallbacks] = (struct notice_callback){
        .at = at[ncallbacks],
        .by = a.events[i].actor_name,
        .result = json_is_true(json_object_get(d, "satisfied")) ? "满意" : "不满意",
        .note = json_string_value(json_object_get(d, "note"))};
    ncallbacks++;
  }
  for (size_t i = 0; rc == SH_OK && i < nf; i++) {
    char when[20];
    complaint_local_time(a.files[i].created_at, tz, when);
    /* Sizes in KB rounded up: a 1-byte file is not "0 KB". */
    snprintf(files[i], sizeof files[i], "%.*s（%lld KB，%s）", (int)utf8_clip(a.files[i].name, 200),
             a.files[i].name, (long long)((a.files[i].size + 1023) / 1024), when);
    file_texts[i] = files[i];
  }
  if (rc == SH_OK) {
    struct docs_text t;
    char archived[20], day[11];
    complaint_local_time(a.c->archived_at, tz, archived);
    complaint_local_day(a.c->updated_at, tz, day);
    struct notice_complaint c = docs_complaint(&a, tz, &t);
    struct notice_form form = {.complaint = &c,
                               .status = status_words(a.c->status),
                               .printed_on = day,
                               .notices = items,
                               .notice_count = nn,
                               .callbacks = callbacks,
                               .callback_count = ncallbacks,
                               .attachments = file_texts,
                               .attachment_count = nf,
                               .archived_at = archived,
                               .archived_by = a.c->archived_by_name};
    rc = notice_form_pdf(&form, pdf, len, err);
    if (rc == SH_OK)
      snprintf(name, name_size, "%s", a.c->number);
  }
  for (size_t i = 0; details && i < ncallbacks; i++)
    json_decref(details[i]);
  free(items);
  free(answers);
  free(times);
  free(callbacks);
  free(details);
  free(at);
  free(files);
  free(file_texts);
  docs_free(&a);
  return rc;
}
