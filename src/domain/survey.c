/* survey.c — satisfaction survey campaigns (see survey.h): the campaign and its questions,
 * the targets, the desk's responses and the results per question. One unit per change with
 * its audit row; every read that decides a write is on the unit's handle. */
#include "survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "audit.h"
#include "checks.h"
#include "settings.h"

#define OOM(err) sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL)
#define MAX_QUESTIONS 50
#define MAX_TEXT_ANSWERS 100

int64_t survey_average_tenths(int64_t sum, int64_t count) {
  return (20 * sum + count) / (2 * count);
}

int64_t survey_permille(int64_t part, int64_t whole) {
  return part * 1000 / whole;
}

static int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

/* IMP: SPEC D4 — 每年的x,x二个月: the campaign spans the months of the setting, read as a
 * cycle: it runs over the shortest run of consecutive months holding all of them, so "12,1"
 * is December to the next January (not January to December of one year). The run starts
 * after the longest gap of months not listed; on a tie the run that does not cross the year
 * end wins ("3,9": March to September). year is the year the campaign starts. */
bool survey_campaign_dates(const char *months, int year, char starts_on[11], char ends_on[11]) {
  bool listed[13] = {false};
  const char *s = months;
  if (!s || !*s || year < 1900 || year > 9999)
    return false;
  while (*s) {
    char *end = NULL;
    long m = strtol(s, &end, 10);
    if (end == s || m < 1 || m > 12)
      return false;
    listed[m] = true;
    s = *end == ',' ? end + 1 : end;
    if (*end && *end != ',')
      return false;
  }
  int first = 0, last = 0, best_gap = -1;
  for (int m = 1; m <= 12; m++) {
    if (!listed[m])
      continue;
    int next = m % 12 + 1, gap = 0;
    while (!listed[next]) {
      next = next % 12 + 1;
      gap++;
    }
    /* the run starts at next and ends at m; the gap before it is the months skipped */
    bool wraps = next > m;
    bool best_wraps = first > last;
    if (gap > best_gap || (gap == best_gap && best_wraps && !wraps)) {
      best_gap = gap;
      first = next;
      last = m;
    }
  }
  int end_year = first > last ? year + 1 : year;
  if (end_year > 9999)
    return false;
  /* Bounded for the compiler: first and last are months 1..12, the years 1..9999. */
  snprintf(starts_on, 11, "%04u-%02u-01", (unsigned)year % 10000u,
           (unsigned)(first - 1) % 12u + 1u);
  snprintf(ends_on, 11, "%04u-%02u-%02u", (unsigned)end_year % 10000u,
           (unsigned)(last - 1) % 12u + 1u, (unsigned)days_in_month(end_year, last) % 32u);
  return true;
}

/* ---- JSON ------------------------------------------------------------------------------ */

static json_t *question_json(const struct survey_question *q) {
  json_t *o = json_object();
  if (o && !(jsonx_set_int(o, "id", q->id) && jsonx_set_int(o, "ordinal", q->ordinal) &&
             jsonx_set_str(o, "text", q->text) && jsonx_set_str(o, "kind", q->kind) &&
             jsonx_set_bool(o, "required", q->required))) {
    json_decref(o);
    o = NULL;
  }
  return o;
}

static json_t *survey_json(const struct survey *s, int tz) {
  json_t *o = json_object();
  if (o &&
      !(jsonx_set_int(o, "id", s->id) && jsonx_set_str(o, "name", s->name) &&
        jsonx_set_str(o, "starts_on", s->starts_on) && jsonx_set_str(o, "ends_on", s->ends_on) &&
        jsonx_set_str(o, "status", s->status) && jsonx_set_str(o, "note", s->note) &&
        json_object_set_new(o, "created_by",
                            s->created_by ? json_integer(s->created_by) : json_null()) == 0 &&
        jsonx_set_time(o, "created_at", s->created_at, tz) &&
        jsonx_set_time(o, "updated_at", s->updated_at, tz) &&
        jsonx_set_int(o, "version", s->version))) {
    json_decref(o);
    o = NULL;
  }
  return o;
}

/* The survey with questions and progress in the actor's scope, read on tx. */
static enum sh_status full_json(struct store_tx *tx, const struct actor *actor, int64_t id, int tz,
                                json_t **out, struct sh_error *err) {
  struct survey s = {0};
  struct survey_question *qs = NULL;
  size_t nq = 0;
  int64_t counts[3] = {0, 0, 0};
  struct customer_scope scope = customer_scope_of(actor);
  enum sh_status rc = store_survey_get(tx, id, &s, err);
  if (rc == SH_OK)
    rc = store_survey_questions(tx, id, &qs, &nq, err);
  if (rc == SH_OK)
    rc = store_survey_progress(tx, id, &scope, counts, err);
  json_t *o = rc == SH_OK ? survey_json(&s, tz) : NULL;
  json_t *arr = o ? json_array() : NULL;
  for (size_t i = 0; arr && i < nq; i++)
    json_array_append_new(arr, question_json(&qs[i]));
  if (arr) {
    json_object_set_new(o, "questions", arr);
    json_object_set_new(o, "progress",
                        json_pack("{s:I,s:I,s:I,s:I}", "targets",
                                  (json_int_t)(counts[0] + counts[1] + counts[2]), "pending",
                                  (json_int_t)counts[0], "answered", (json_int_t)counts[1],
                                  "declined", (json_int_t)counts[2]));
  }
  survey_clear(&s);
  survey_questions_free(qs, nq);
  if (rc == SH_OK && !arr) {
    json_decref(o);
    rc = OOM(err);
  }
  if (rc == SH_OK)
    *out = o;
  return rc;
}

static json_t *questions_audit(const struct survey_question *qs, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < n; i++)
    json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "text", qs[i].text, "kind", qs[i].kind,
                                       "required", qs[i].required));
  return a;
}

/* ---- create, change, open, close -------------------------------------------------------- */

static enum sh_status check_questions(const struct survey_question *qs, size_t n,
                                      struct sh_error *err) {
  if (n == 0)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "questions", NULL);
  if (n > MAX_QUESTIONS)
    return sh_fail(err, SH_ERR_INVALID, "too_many_items", "questions", NULL);
  for (size_t i = 0; i < n; i++)
    if (strcmp(qs[i].kind, "score") != 0 && strcmp(qs[i].kind, "yes_no") != 0 &&
        strcmp(qs[i].kind, "text") != 0) {
      char field[40];
      snprintf(field, sizeof field, "questions[%zu].kind", i);
      return sh_fail(err, SH_ERR_INVALID, "invalid_choice", field, NULL);
    }
  return SH_OK;
}

struct change_arg {
  struct app *app;
  const struct actor *actor;
  const struct survey_input *in;
  uint64_t present;
  int64_t id, version;
  const char *action; /* create update open close */
  json_t *out;
};

static bool has(uint64_t present, enum survey_field f) {
  return (present & ((uint64_t)1 << f)) != 0;
}

/* The dates of a new campaign: both given, or the campaign months of the year. */
static enum sh_status default_dates(struct store_tx *tx, const struct change_arg *a,
                                    char starts[11], char ends[11], struct sh_error *err) {
  const struct survey_input *in = a->in;
  if (in->starts_on || in->ends_on) {
    if (!in->starts_on || !in->ends_on)
      return sh_fail(err, SH_ERR_INVALID, "field_required", in->starts_on ? "ends_on" : "starts_on",
                     NULL);
    snprintf(starts, 11, "%s", in->starts_on);
    snprintf(ends, 11, "%s", in->ends_on);
    return SH_OK;
  }
  char *months = NULL;
  enum sh_status rc = settings_text(tx, "survey.campaign_months", &months, err);
  if (rc == SH_OK && !months)
    rc = sh_fail(err, SH_ERR_INVALID, "setting_unset", "survey.campaign_months", NULL);
  int year = (int)in->year;
  if (!year) {
    time_t local = (time_t)(time_now() + a->app->tz_offset_minutes * 60);
    struct tm tm;
    gmtime_r(&local, &tm);
    year = tm.tm_year + 1900;
  }
  /* Valid months that still give no dates: a campaign crossing the year end of 9999. */
  if (rc == SH_OK && !survey_campaign_dates(months, year, starts, ends))
    rc = survey_campaign_dates(months, 2000, starts, ends)
             ? sh_fail(err, SH_ERR_INVALID, "out_of_range", "year", NULL)
             : sh_fail(err, SH_ERR_INTERNAL, "internal", "survey.campaign_months",
                       "bad stored value");
  free(months);
  return rc;
}

static enum sh_status change_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct change_arg *a = arg;
  const struct survey_input *in = a->in;
  int64_t now = time_now();
  struct survey old = {0}, s = {0};
  struct survey_question *oldq = NULL;
  size_t noldq = 0;
  char starts[11] = "", ends[11] = "";
  bool create = strcmp(a->action, "create") == 0;
  enum sh_status rc = SH_OK;
  if (!create) {
    rc = store_survey_get(tx, a->id, &old, err);
    if (rc == SH_OK && old.version != a->version)
      rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
    if (rc == SH_OK)
      rc = store_survey_questions(tx, a->id, &oldq, &noldq, err);
  }
  s = old; /* borrowed strings */
  if (rc == SH_OK && create) {
    rc = default_dates(tx, a, starts, ends, err);
    s.name = (char *)in->name;
    s.note = (char *)in->note;
    s.starts_on = starts;
    s.ends_on = ends;
    s.status = "draft";
    s.created_by = a->actor->user_id;
  } else if (rc == SH_OK && strcmp(a->action, "update") == 0) {
    if (strcmp(old.status, "draft") != 0)
      rc = sh_fail(err, SH_ERR_CONFLICT, "survey_not_draft", "status", old.status);
    if (has(a->present, SURVEY_FIELD_NAME))
      s.name = (char *)in->name;
    if (has(a->present, SURVEY_FIELD_NOTE))
      s.note = (char *)(in->note ? in->note : "");
    if (has(a->present, SURVEY_FIELD_STARTS_ON))
      s.starts_on = (char *)in->starts_on;
    if (has(a->present, SURVEY_FIELD_ENDS_ON))
      s.ends_on = (char *)in->ends_on;
    if (rc == SH_OK && (!s.name || !s.starts_on || !s.ends_on))
      rc = sh_fail(err, SH_ERR_INVALID, "field_required",
                   !s.name        ? "name"
                   : !s.starts_on ? "starts_on"
                                  : "ends_on",
                   NULL);
  } else if (rc == SH_OK && strcmp(a->action, "open") == 0) {
    if (strcmp(old.status, "draft") != 0)
      rc = sh_fail(err, SH_ERR_CONFLICT, "survey_not_draft", "status", old.status);
    s.status = "open";
  } else if (rc == SH_OK) {
    if (strcmp(old.status, "open") != 0)
      rc = sh_fail(err, SH_ERR_CONFLICT, "survey_not_open", "status", old.status);
    s.status = "closed";
  }
  if (rc == SH_OK && strcmp(s.ends_on, s.starts_on) < 0)
    rc = sh_fail(err, SH_ERR_INVALID, "end_before_start", "ends_on", NULL);
  bool new_questions =
      create || (strcmp(a->action, "update") == 0 && has(a->present, SURVEY_FIELD_QUESTIONS));
  if (rc == SH_OK && new_questions)
    rc = check_questions(in->questions, in->nquestions, err);
  if (rc == SH_OK)
    rc = create ? store_survey_insert(tx, &s, now, &a->id, err)
                : store_survey_save(tx, &s, now, err);
  if (rc == SH_OK && new_questions)
    rc = store_survey_questions_replace(tx, a->id, in->questions, in->nquestions, err);
  json_t *changes = json_object();
  if (rc == SH_OK) {
    audit_change(changes, "name", create ? NULL : json_string(old.name), json_string(s.name));
    audit_change(changes, "starts_on", create ? NULL : json_string(old.starts_on),
                 json_string(s.starts_on));
    audit_change(changes, "ends_on", create ? NULL : json_string(old.ends_on),
                 json_string(s.ends_on));
    audit_change(changes, "status", create ? NULL : json_string(old.status), json_string(s.status));
    audit_change(changes, "note", create ? NULL : json_string(old.note ? old.note : ""),
                 json_string(s.note ? s.note : ""));
    if (new_questions)
      audit_change(changes, "questions", create ? NULL : questions_audit(oldq, noldq),
                   questions_audit(in->questions, in->nquestions));
    rc = audit_log(tx, a->actor, "survey", a->id, a->action, changes, now, err);
  }
  json_decref(changes);
  survey_clear(&old);
  survey_questions_free(oldq, noldq);
  if (rc == SH_OK)
    rc = full_json(tx, a->actor, a->id, a->app->tz_offset_minutes, &a->out, err);
  return rc;
}

static enum sh_status run_change(struct change_arg *a, json_t **out, struct sh_error *err) {
  enum sh_status rc = store_write(a->app->store, change_unit, a, err);
  if (rc == SH_OK)
    *out = a->out;
  else
    json_decref(a->out);
  return rc;
}

enum sh_status survey_create(struct app *app, const struct actor *actor,
                             const struct survey_input *in, json_t **out, struct sh_error *err) {
  struct change_arg a = {.app = app, .actor = actor, .in = in, .action = "create"};
  return run_change(&a, out, err);
}

enum sh_status survey_update(struct app *app, const struct actor *actor, int64_t id,
                             int64_t version, const struct survey_input *in, uint64_t present,
                             json_t **out, struct sh_error *err) {
  struct change_arg a = {.app = app,
                         .actor = actor,
                         .in = in,
                         .present = present,
                         .id = id,
                         .version = version,
                         .action = "update"};
  return run_change(&a, out, err);
}

enum sh_status survey_open(struct app *app, const struct actor *actor, int64_t id, int64_t version,
                           json_t **out, struct sh_error *err) {
  struct change_arg a = {
      .app = app, .actor = actor, .id = id, .version = version, .action = "open"};
  return run_change(&a, out, err);
}

enum sh_status survey_close(struct app *app, const struct actor *actor, int64_t id, int64_t version,
                            json_t **out, struct sh_error *err) {
  struct change_arg a = {
      .app = app, .actor = actor, .id = id, .version = version, .action = "close"};
  return run_change(&a, out, err);
}

/* ---- reading ------------------------------------------------------------------------------ */

struct read_arg {
  struct app *app;
  const struct actor *actor;
  int64_t id;
  const char *status;
  int64_t limit, offset, total;
  json_t *out;
};

static enum sh_status get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct read_arg *a = arg;
  return full_json(tx, a->actor, a->id, a->app->tz_offset_minutes, &a->out, err);
}

enum sh_status survey_get(struct app *app, const struct actor *actor, int64_t id, json_t **out,
                          struct sh_error *err) {
  struct read_arg a = {.app = app, .actor = actor, .id = id};
  enum sh_status rc = store_read(app->store, get_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  return rc;
}

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct read_arg *a = arg;
  struct survey *list = NULL;
  size_t n = 0;
  enum sh_status rc =
      store_survey_list(tx, a->status, a->limit, a->offset, &list, &n, &a->total, err);
  json_t *items = rc == SH_OK ? json_array() : NULL;
  for (size_t i = 0; items && i < n; i++)
    json_array_append_new(items, survey_json(&list[i], a->app->tz_offset_minutes));
  surveys_free(list, n);
  if (rc == SH_OK && !items)
    rc = OOM(err);
  a->out = items;
  return rc;
}

enum sh_status survey_list(struct app *app, const struct actor *actor, const char *status,
                           int64_t limit, int64_t offset, json_t **items, int64_t *total,
                           struct sh_error *err) {
  struct read_arg a = {
      .app = app, .actor = actor, .status = status, .limit = limit, .offset = offset};
  enum sh_status rc = store_read(app->store, list_unit, &a, err);
  if (rc == SH_OK) {
    *items = a.out;
    *total = a.total;
  }
  return rc;
}

static enum sh_status targets_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct read_arg *a = arg;
  struct survey s = {0};
  struct survey_target *list = NULL;
  size_t n = 0;
  struct customer_scope scope = customer_scope_of(a->actor);
  int tz = a->app->tz_offset_minutes;
  enum sh_status rc = store_survey_get(tx, a->id, &s, err);
  survey_clear(&s);
  if (rc == SH_OK)
    rc = store_survey_targets(tx, a->id, &scope, a->status, a->limit, a->offset, &list, &n,
                              &a->total, err);
  json_t *items = rc == SH_OK ? json_array() : NULL;
  for (size_t i = 0; items && i < n; i++) {
    const struct survey_target *t = &list[i];
    json_t *o = json_object();
    jsonx_set_int(o, "customer_id", t->customer_id);
    jsonx_set_str(o, "customer_name", t->customer_name);
    jsonx_set_str(o, "phone", t->phone);
    jsonx_set_str(o, "contact_name", t->contact_name);
    jsonx_set_str(o, "contact_phone", t->contact_phone);
    jsonx_set_str(o, "region_code", t->region_code);
    jsonx_set_str(o, "region_name", t->region_name);
    jsonx_set_str(o, "status", t->status);
    jsonx_set_time(o, "answered_at", t->answered_at, tz);
    json_object_set_new(o, "answered_by",
                        t->answered_by ? json_integer(t->answered_by) : json_null());
    jsonx_set_str(o, "answered_by_name", t->answered_by_name);
    json_array_append_new(items, o);
  }
  survey_targets_free(list, n);
  if (rc == SH_OK && !items)
    rc = OOM(err);
  a->out = items;
  return rc;
}

enum sh_status survey_targets(struct app *app, const struct actor *actor, int64_t id,
                              const char *status, int64_t limit, int64_t offset, json_t **items,
                              int64_t *total, struct sh_error *err) {
  struct read_arg a = {
      .app = app, .actor = actor, .id = id, .status = status, .limit = limit, .offset = offset};
  enum sh_status rc = store_read(app->store, targets_unit, &a, err);
  if (rc == SH_OK) {
    *items = a.out;
    *total = a.total;
  }
  return rc;
}

/* ---- targets and responses ----------------------------------------------------------------- */

struct targets_arg {
  const struct actor *actor;
  int64_t id;
  const int64_t *ids;
  size_t nids;
  const struct survey_target_filter *filter;
  bool filtered;
  int64_t added;
};

static enum sh_status add_targets_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct targets_arg *a = arg;
  struct survey s = {0};
  struct customer_scope scope = customer_scope_of(a->actor);
  enum sh_status rc = store_survey_get(tx, a->id, &s, err);
  if (rc == SH_OK && strcmp(s.status, "closed") == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "survey_closed", "status", NULL);
  survey_clear(&s);
  a->added = 0;
  for (size_t i = 0; rc == SH_OK && i < a->nids; i++) {
    char field[40];
    int64_t one = 0;
    snprintf(field, sizeof field, "customer_ids[%zu]", i);
    rc = store_survey_target_add(tx, a->id, &scope, a->ids[i], field, &one, err);
    a->added += one;
  }
  if (rc == SH_OK && a->filtered) {
    int64_t more = 0;
    rc = store_survey_targets_add_matching(tx, a->id, &scope, a->filter, &more, err);
    a->added += more;
  }
  json_t *changes = json_object();
  if (rc == SH_OK) {
    audit_change(changes, "targets_added", NULL, json_integer(a->added));
    rc = audit_log(tx, a->actor, "survey", a->id, "targets", changes, time_now(), err);
  }
  json_decref(changes);
  return rc;
}

enum sh_status survey_add_targets(struct app *app, const struct actor *actor, int64_t id,
                                  const int64_t *customer_ids, size_t nids,
                                  const struct survey_target_filter *filter, bool filtered,
                                  int64_t *added, struct sh_error *err) {
  if (!nids && !filtered)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "customer_ids", NULL);
  struct targets_arg a = {.actor = actor,
                          .id = id,
                          .ids = customer_ids,
                          .nids = nids,
                          .filter = filter,
                          .filtered = filtered};
  enum sh_status rc = store_write(app->store, add_targets_unit, &a, err);
  if (rc == SH_OK)
    *added = a.added;
  return rc;
}

struct respond_arg {
  struct app *app;
  const struct actor *actor;
  int64_t id, customer_id;
  bool declined;
  const struct survey_answer *answers;
  size_t nanswers;
  json_t *out;
};

/* The answer fits its question (the API checked ranges and lengths). */
static enum sh_status check_answer(const struct survey_answer *an, size_t i,
                                   const struct survey_question *q, struct sh_error *err) {
  bool score = strcmp(q->kind, "score") == 0, yes = strcmp(q->kind, "yes_no") == 0;
  bool text = !score && !yes;
  const char *need = score ? "score" : yes ? "yes" : "text";
  bool given = score ? an->has_score : yes ? an->has_yes : an->has_text;
  char field[48];
  if ((an->has_score && !score) || (an->has_yes && !yes) || (an->has_text && !text)) {
    snprintf(field, sizeof field, "answers[%zu].%s", i,
             an->has_score && !score ? "score"
             : an->has_yes && !yes   ? "yes"
                                     : "text");
    return sh_fail(err, SH_ERR_INVALID, "field_not_applicable", field, NULL);
  }
  if (!given) {
    snprintf(field, sizeof field, "answers[%zu].%s", i, need);
    return sh_fail(err, SH_ERR_INVALID, "field_required", field, NULL);
  }
  return SH_OK;
}

static enum sh_status check_answers(const struct respond_arg *a, const struct survey_question *qs,
                                    size_t nq, struct sh_error *err) {
  char field[48];
  if (a->declined && a->nanswers)
    return sh_fail(err, SH_ERR_INVALID, "field_not_applicable", "answers", NULL);
  for (size_t i = 0; i < a->nanswers; i++) {
    const struct survey_question *q = NULL;
    for (size_t k = 0; k < nq; k++)
      if (qs[k].id == a->answers[i].question_id)
        q = &qs[k];
    snprintf(field, sizeof field, "answers[%zu].question_id", i);
    if (!q)
      return sh_fail(err, SH_ERR_INVALID, "unknown_question", field, NULL);
    for (size_t k = 0; k < i; k++)
      if (a->answers[k].question_id == q->id)
        return sh_fail(err, SH_ERR_INVALID, "duplicate", field, NULL);
    enum sh_status rc = check_answer(&a->answers[i], i, q, err);
    if (rc != SH_OK)
      return rc;
  }
  for (size_t k = 0; !a->declined && k < nq; k++) {
    bool answered = false;
    for (size_t i = 0; i < a->nanswers; i++)
      answered = answered || a->answers[i].question_id == qs[k].id;
    if (qs[k].required && !answered) {
      snprintf(field, sizeof field, "answers[question_id=%lld]", (long long)qs[k].id);
      return sh_fail(err, SH_ERR_INVALID, "field_required", field, NULL);
    }
  }
  return SH_OK;
}

static enum sh_status respond_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct respond_arg *a = arg;
  struct survey s = {0};
  struct survey_question *qs = NULL;
  size_t nq = 0;
  char *status = NULL;
  int64_t now = time_now();
  struct customer_scope scope = customer_scope_of(a->actor);
  enum sh_status rc = store_survey_get(tx, a->id, &s, err);
  if (rc == SH_OK && strcmp(s.status, "open") != 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "survey_not_open", "status", s.status);
  if (rc == SH_OK)
    rc = store_survey_target_status(tx, a->id, &scope, a->customer_id, &status, err);
  if (rc == SH_OK && strcmp(status, "pending") != 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "already_answered", "customer_id", status);
  if (rc == SH_OK)
    rc = store_survey_questions(tx, a->id, &qs, &nq, err);
  if (rc == SH_OK)
    rc = check_answers(a, qs, nq, err);
  const char *result = a->declined ? "declined" : "answered";
  if (rc == SH_OK)
    rc = store_survey_target_answer(tx, a->id, a->customer_id, result, now, a->actor->user_id, err);
  for (size_t i = 0; rc == SH_OK && i < a->nanswers; i++)
    rc = store_survey_answer_insert(tx, a->id, a->customer_id, &a->answers[i], err);
  json_t *changes = json_object();
  if (rc == SH_OK) {
    json_t *answers = json_array();
    for (size_t i = 0; answers && i < a->nanswers; i++) {
      const struct survey_answer *an = &a->answers[i];
      json_t *o = json_pack("{s:I}", "question_id", (json_int_t)an->question_id);
      if (an->has_score)
        jsonx_set_int(o, "score", an->score);
      if (an->has_yes)
        jsonx_set_bool(o, "yes", an->yes);
      if (an->has_text)
        jsonx_set_str(o, "text", an->text);
      json_array_append_new(answers, o);
    }
    audit_change(changes, "customer_id", NULL, json_integer(a->customer_id));
    audit_change(changes, "response", NULL, json_string(result));
    audit_change(changes, "answers", NULL, answers);
    rc = audit_log(tx, a->actor, "survey", a->id, "response", changes, now, err);
  }
  json_decref(changes);
  if (rc == SH_OK &&
      !(a->out = json_pack("{s:I,s:I,s:s}", "survey_id", (json_int_t)a->id, "customer_id",
                           (json_int_t)a->customer_id, "status", result)))
    rc = OOM(err);
  if (rc == SH_OK)
    jsonx_set_time(a->out, "answered_at", now, a->app->tz_offset_minutes);
  survey_clear(&s);
  survey_questions_free(qs, nq);
  free(status);
  return rc;
}

enum sh_status survey_respond(struct app *app, const struct actor *actor, int64_t id,
                              int64_t customer_id, bool declined,
                              const struct survey_answer *answers, size_t nanswers, json_t **out,
                              struct sh_error *err) {
  struct respond_arg a = {.app = app,
                          .actor = actor,
                          .id = id,
                          .customer_id = customer_id,
                          .declined = declined,
                          .answers = answers,
                          .nanswers = nanswers};
  enum sh_status rc = store_write(app->store, respond_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  else
    json_decref(a.out);
  return rc;
}

/* ---- results -------------------------------------------------------------------------------- */

/* The score at or above which a customer counts as satisfied: the visits' setting when it
 * exists (kpi.h: ours 4, "满意" on the usual five-point scale). */
static enum sh_status min_score(struct store_tx *tx, int64_t *out, struct sh_error *err) {
  *out = 4;
  if (!setting_find("visit.satisfied_min_score"))
    return SH_OK;
  return settings_int(tx, "visit.satisfied_min_score", out, err);
}

static json_t *permille_or_null(int64_t part, int64_t whole) {
  return whole > 0 ? json_integer(survey_permille(part, whole)) : json_null();
}

/* IMP: SPEC D4 — results per question. */
static enum sh_status question_result(struct store_tx *tx, const struct read_arg *a,
                                      const struct survey_question *q, const struct survey_tally *t,
                                      size_t nt, int64_t min, json_t *o, struct sh_error *err) {
  int64_t count = 0, sum = 0, hits = 0, dist[6] = {0};
  for (size_t i = 0; i < nt; i++) {
    if (t[i].question_id != q->id)
      continue;
    count += t[i].count;
    if (strcmp(q->kind, "score") == 0 && t[i].value >= 1 && t[i].value <= 5) {
      dist[t[i].value] += t[i].count;
      sum += t[i].value * t[i].count;
      hits += t[i].value >= min ? t[i].count : 0;
    } else if (t[i].value == 1) {
      hits += t[i].count;
    }
  }
  if (strcmp(q->kind, "score") == 0) {
    json_object_set_new(o, "count", json_integer(count));
    json_object_set_new(o, "distribution",
                        json_pack("{s:I,s:I,s:I,s:I,s:I}", "1", (json_int_t)dist[1], "2",
                                  (json_int_t)dist[2], "3", (json_int_t)dist[3], "4",
                                  (json_int_t)dist[4], "5", (json_int_t)dist[5]));
    json_object_set_new(o, "average_tenths",
                        count ? json_integer(survey_average_tenths(sum, count)) : json_null());
    json_object_set_new(o, "satisfied", json_integer(hits));
    json_object_set_new(o, "satisfied_permille", permille_or_null(hits, count));
    return SH_OK;
  }
  if (strcmp(q->kind, "yes_no") == 0) {
    json_object_set_new(o, "count", json_integer(count));
    json_object_set_new(o, "yes", json_integer(hits));
    json_object_set_new(o, "no", json_integer(count - hits));
    json_object_set_new(o, "yes_permille", permille_or_null(hits, count));
    return SH_OK;
  }
  struct customer_scope scope = customer_scope_of(a->actor);
  struct survey_text_answer *list = NULL;
  size_t n = 0;
  int64_t total = 0;
  enum sh_status rc =
      store_survey_text_answers(tx, a->id, q->id, &scope, MAX_TEXT_ANSWERS, &list, &n, &total, err);
  json_t *arr = rc == SH_OK ? json_array() : NULL;
  for (size_t i = 0; arr && i < n; i++) {
    json_t *x = json_pack("{s:I}", "customer_id", (json_int_t)list[i].customer_id);
    jsonx_set_str(x, "customer_name", list[i].customer_name);
    jsonx_set_str(x, "text", list[i].text);
    jsonx_set_time(x, "answered_at", list[i].answered_at, a->app->tz_offset_minutes);
    json_array_append_new(arr, x);
  }
  survey_text_answers_free(list, n);
  if (rc == SH_OK && !arr)
    return OOM(err);
  if (rc == SH_OK) {
    json_object_set_new(o, "count", json_integer(total));
    json_object_set_new(o, "answers", arr);
    json_object_set_new(o, "answers_capped", json_boolean(total > (int64_t)n));
  }
  return rc;
}

static enum sh_status results_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct read_arg *a = arg;
  struct survey_question *qs = NULL;
  struct survey_tally *tallies = NULL;
  size_t nq = 0, nt = 0;
  int64_t min = 4;
  struct customer_scope scope = customer_scope_of(a->actor);
  json_t *o = NULL;
  enum sh_status rc = full_json(tx, a->actor, a->id, a->app->tz_offset_minutes, &o, err);
  if (rc == SH_OK)
    rc = min_score(tx, &min, err);
  if (rc == SH_OK)
    rc = store_survey_questions(tx, a->id, &qs, &nq, err);
  if (rc == SH_OK)
    rc = store_survey_tallies(tx, a->id, &scope, &tallies, &nt, err);
  json_t *arr = rc == SH_OK ? json_array() : NULL;
  for (size_t i = 0; rc == SH_OK && arr && i < nq; i++) {
    json_t *q = question_json(&qs[i]);
    rc = q ? question_result(tx, a, &qs[i], tallies, nt, min, q, err) : OOM(err);
    json_array_append_new(arr, q);
  }
  if (rc == SH_OK && arr) {
    json_object_set_new(o, "satisfied_min_score", json_integer(min));
    json_object_set_new(o, "questions", arr);
    arr = NULL;
  }
  json_decref(arr);
  survey_questions_free(qs, nq);
  free(tallies);
  if (rc != SH_OK)
    json_decref(o);
  else
    a->out = o;
  return rc;
}

enum sh_status survey_results(struct app *app, const struct actor *actor, int64_t id, json_t **out,
                              struct sh_error *err) {
  struct read_arg a = {.app = app, .actor = actor, .id = id};
  enum sh_status rc = store_read(app->store, results_unit, &a, err);
  if (rc == SH_OK)
    *out = a.out;
  return rc;
}
