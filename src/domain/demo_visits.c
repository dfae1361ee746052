/* demo_visits.c — the demo's return visits and survey (SPEC D1-D5), after its tickets, then
 * its complaints (demo_complaints.c; E1-E4) — see demo_internal.h.
 *
 * Design: the demo company started with shouhou PLAN_DAYS ago — the administrator sets
 * visit.plan_from to that day, as a company moving its archive in would — and the visit
 * planner (the job's domain call, visit_plan_pass) plans the projects' visits from it. The
 * visits due before today are then worked as the desk and the project manager would have:
 * each draws its fate from its own seed (most reported on time, some late, a few missing),
 * one partial visit carries what it left to the project's next one, one finds a defect
 * that opens a ticket, two customers are not satisfied (one complains). The desk works its
 * call list on the overdue ones (no answer, busy, call back later, one reached and reported
 * late); the engineering manager moves one coming visit; the follow-ups the closed tickets
 * made are mostly reported. A satisfaction survey with explicit dates (the setting
 * survey.campaign_months stays unset: an administrator chooses the months) runs over the
 * key customers and some with installations. Every step is the domain call of the user whose
 * role does it.
 *
 * Determinism: the pass takes three seeds from the stream (visits, survey, complaints), so
 * the survey and the complaints keep their content when the number of visits due before
 * today shifts with the date. Reports, calls and complaint steps happen at the moment the
 * demo runs; the dates the API takes (done_on, received_at) count back from today. */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "../base/timefmt.h"
#include "demo_internal.h"
#include "kpi.h"
#include "settings.h"
#include "survey.h"
#include "visit.h"

/* How long the demo company has kept its visits in shouhou (visit.plan_from). */
#define PLAN_DAYS 150

static enum sh_status oom(struct sh_error *err) {
  return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
}

static int64_t day_number(const char *date) {
  unsigned y = 0, m = 0, dd = 0;
  if (!date || sscanf(date, "%4u-%2u-%2u", &y, &m, &dd) != 3)
    return 0;
  return days_from_civil(y, m, dd);
}

static json_t *iso_json(const struct demo *d, int64_t utc) {
  char text[TIME_ISO_LEN];
  time_format_iso(utc, d->app->tz_offset_minutes, text);
  return json_string(text);
}

static json_t *day_json(int64_t day) {
  char text[PROJECT_DATE_SIZE];
  demo_day_text(day, text);
  return json_string(text);
}

static const char *pick(const char *const *list, size_t n, uint64_t *state) {
  return list[demo_between(state, 0, (int64_t)n - 1)];
}
#define PICK(list, state) pick(list, sizeof list / sizeof list[0], state)

/* ---- the visits ---------------------------------------------------------------------- */

enum fate { FATE_ON_TIME, FATE_LATE, FATE_MISSING, FATE_FUTURE };
enum special { SP_NONE, SP_PARTIAL, SP_DEFECT, SP_UNHAPPY };

struct planned {
  int64_t id, project_id, customer_id, due; /* due: local day number */
  int64_t version;                          /* as planned (a call or a carry changes it) */
  uint64_t seed;
  enum fate fate;
  enum special special;
};

static const char *const findings_phone[] = {
    "电话询问设备使用情况，客户反映系统运行正常", "客户反映录像保存完整，画面清晰",
    "客户反映门禁刷卡、报警联动均正常", "客户值班人员操作熟练，未反映问题",
    "客户反映道闸起落正常，车牌识别准确"};
static const char *const findings_site[] = {
    "检查机柜供电及线路，未见异常，各路图像正常", "测试报警主机及探测器布撤防，联动正常",
    "清洁摄像机镜头及防护罩，检查录像计划完整", "检查道闸限位及地感线圈，起落正常",
    "检查可视对讲主机及分机通话、开锁正常"};
static const char *const opinions_good[] = {"对售后服务满意", "技术人员上门及时，服务态度好",
                                            "系统好用，希望继续保持定期回访", "没有意见",
                                            "满意，建议再安排一次操作培训"};
static const char *const findings_fair[] = {"个别摄像机夜间画面偏暗，已调整参数",
                                            "录像机硬盘使用率较高，建议客户扩容"};
static const char *const opinions_fair[] = {"基本满意，希望夜间画面再清晰一些",
                                            "总体还可以，维修响应可以再快一点"};
static const char *const opinions_bad[] = {"报修后等了两天技术人员才到，对响应速度不满意",
                                           "同一台设备半年内坏了两次，对产品质量有意见"};

/* Every planned visit, in id order (the planner writes a project's visits by seq). */
static enum sh_status load_planned(struct demo *d, struct planned **out, size_t *count,
                                   struct sh_error *err) {
  struct visit_filter f = {.kind = "planned", .sort = VISIT_SORT_ID, .limit = 500};
  enum sh_status rc = SH_OK;
  for (;;) {
    json_t *items = NULL;
    rc = visit_list(d->app, &d->admin, &f, &items, NULL, err);
    size_t n = rc == SH_OK ? json_array_size(items) : 0;
    struct planned *list = n ? sh_reallocarray(*out, *count + n, sizeof *list) : *out;
    if (rc == SH_OK && !list)
      rc = oom(err);
    for (size_t i = 0; rc == SH_OK && i < n; i++) {
      json_t *v = json_array_get(items, i);
      list[(*count)++] =
          (struct planned){.id = json_integer_value(json_object_get(v, "id")),
                           .project_id = json_integer_value(json_object_get(v, "project_id")),
                           .customer_id = json_integer_value(json_object_get(v, "customer_id")),
                           .due = day_number(json_string_value(json_object_get(v, "due_date"))),
                           .version = json_integer_value(json_object_get(v, "version"))};
      f.after_id = list[*count - 1].id;
    }
    if (list)
      *out = list;
    json_decref(items);
    if (rc != SH_OK || n < (size_t)f.limit)
      return rc;
  }
}

static int64_t version_of(json_t *v) {
  return json_integer_value(json_object_get(v, "version"));
}

/* The visit's version now (a carried item or a call changes it). */
static enum sh_status current_version(struct demo *d, int64_t id, int64_t *version,
                                      struct sh_error *err) {
  json_t *v = NULL;
  enum sh_status rc = visit_get(d->app, &d->admin, id, &v, err);
  if (rc == SH_OK)
    *version = version_of(v);
  json_decref(v);
  return rc;
}

/* Reports visit id as who at version (0: as it is now); takes body. */
static enum sh_status report(struct demo *d, int64_t id, int64_t version, const struct actor *who,
                             json_t *body, struct sh_error *err) {
  enum sh_status rc = !body ? oom(err) : version ? SH_OK : current_version(d, id, &version, err);
  json_t *out = NULL;
  if (rc == SH_OK) {
    json_object_set_new(body, "version", json_integer(version));
    rc = visit_report(d->app, who, id, body, &out, err);
  }
  json_decref(body);
  json_decref(out);
  return rc;
}

/* A call on visit id by the desk at the moment the demo runs; takes extra (may be NULL). */
static enum sh_status call(struct demo *d, int64_t id, const char *result, int64_t seconds,
                           json_t *extra, struct sh_error *err) {
  json_t *body = json_pack("{s:s, s:I}", "result", result, "duration_seconds", (json_int_t)seconds);
  if (body && extra)
    json_object_update(body, extra);
  json_decref(extra);
  json_t *out = NULL;
  enum sh_status rc = body ? visit_call_add(d->app, &d->agent, id, body, &out, err) : oom(err);
  json_decref(body);
  json_decref(out);
  if (rc == SH_OK)
    d->out->visit_calls++;
  return rc;
}

/* The defect the project manager finds: the fault of a unit of the visited customer. */
static json_t *defect_of(const struct demo *d, int64_t customer_id) {
  for (size_t i = 0; i < d->nunits; i++) {
    if (d->units[i].customer_id != customer_id)
      continue;
    const char *model = demo_cell(&d->models, d->units[i].model, 0);
    long fault = demo_table_find(&d->faults, 0, model);
    char text[400];
    snprintf(text, sizeof text, "回访发现：%s（%s）%s", demo_cell(&d->models, d->units[i].model, 1),
             d->units[i].serial, fault >= 0 ? demo_cell(&d->faults, (size_t)fault, 1) : "运行异常");
    return json_pack("[{s:s, s:I}]", "description", text, "equipment_id",
                     (json_int_t)d->units[i].id);
  }
  return NULL;
}

/* One visit due before today, as its fate and special role say. */
static enum sh_status work_visit(struct demo *d, struct planned *p, struct demo_links *l,
                                 struct sh_error *err) {
  uint64_t s = p->seed;
  bool on_site = demo_between(&s, 0, 99) < 40 || p->special != SP_NONE;
  int64_t early = demo_between(&s, 0, 5), late = demo_between(&s, 3, 25);
  int64_t grade = demo_between(&s, 0, 99), scored = demo_between(&s, 0, 99);
  int score = grade < 52 ? 5 : grade < 86 ? 4 : grade < 98 ? 3 : 2;
  if (p->special == SP_UNHAPPY)
    score = 2;
  int64_t done = p->fate == FATE_LATE ? p->due + late : p->due - early;
  if (done > d->today)
    done = d->today;
  const char *findings = on_site ? PICK(findings_site, &s) : PICK(findings_phone, &s);
  const char *opinion = score >= 4 ? PICK(opinions_good, &s) : PICK(opinions_fair, &s);
  if (score == 3)
    findings = PICK(findings_fair, &s);
  if (score == 2)
    opinion = opinions_bad[p->special == SP_UNHAPPY && !l->unhappy_visit ? 0 : 1];
  json_t *b = json_pack("{s:o, s:s, s:s, s:s, s:b}", "done_on", day_json(done), "method",
                        on_site ? "on_site" : "phone", "findings", findings, "opinion", opinion,
                        "satisfied", score >= 3);
  /* A phone call does not always end with a score: the yes/no answer alone counts (D5). */
  if (b && (on_site || scored < 80))
    json_object_set_new(b, "score", json_integer(score));
  if (b && p->special == SP_PARTIAL) {
    json_object_set_new(
        b, "findings", json_string("监控中心及室内设备已检查正常；室外周界部分因雨天未能登高检查"));
    json_object_set_new(b, "partial", json_true());
    json_object_set_new(b, "unfinished_items",
                        json_string("室外周界摄像机及立杆未检查；报警主机备用电池待更换"));
  }
  if (b && p->special == SP_DEFECT) {
    json_t *defects = defect_of(d, p->customer_id);
    json_object_set_new(b, "findings", json_string("巡检中发现一台设备故障，已当场报修"));
    json_object_set_new(b, "defects", defects ? defects : json_array());
    d->out->visit_defects += defects ? 1 : 0;
  }
  /* The desk phones, the project manager goes on site (SPEC D1 工程部经理安排项目经理). */
  enum sh_status rc =
      report(d, p->id, p->version, on_site ? &d->project_manager : &d->agent, b, err);
  if (rc == SH_OK && p->special == SP_UNHAPPY && !l->unhappy_visit) {
    l->unhappy_visit = p->id;
    l->unhappy_customer = p->customer_id;
  }
  if (rc == SH_OK) {
    d->out->visits_on_time += p->fate == FATE_ON_TIME;
    d->out->visits_late += p->fate == FATE_LATE;
    d->out->visits_partial += p->special == SP_PARTIAL;
  }
  return rc;
}

/* Whether project has a visit left undone (a partial visit's items would carry to it). */
static bool has_missing(const struct planned *v, size_t n, int64_t project) {
  for (size_t i = 0; i < n; i++)
    if (v[i].project_id == project && v[i].fate == FATE_MISSING)
      return true;
  return false;
}

static bool has_unit(const struct demo *d, int64_t customer) {
  for (size_t i = 0; i < d->nunits; i++)
    if (d->units[i].customer_id == customer)
      return true;
  return false;
}

/* The special roles, on the latest visits made of projects with nothing missing (so a
 * partial visit's items carry to a coming visit), each on a project of its own. */
static void choose_specials(const struct demo *d, struct planned *v, size_t n) {
  enum special order[] = {SP_PARTIAL, SP_DEFECT, SP_UNHAPPY, SP_UNHAPPY};
  int64_t used[4] = {0};
  for (size_t k = 0; k < 4; k++) {
    struct planned *best = NULL;
    for (size_t i = 0; i < n; i++) {
      bool taken = false;
      for (size_t j = 0; j < k; j++)
        taken = taken || used[j] == v[i].project_id;
      if (taken || v[i].special != SP_NONE || (v[i].fate != FATE_ON_TIME && v[i].fate != FATE_LATE))
        continue;
      if (has_missing(v, n, v[i].project_id) ||
          (order[k] == SP_DEFECT && !has_unit(d, v[i].customer_id)))
        continue;
      if (!best || v[i].due > best->due)
        best = &v[i];
    }
    if (best) {
      best->special = order[k];
      used[k] = best->project_id;
    }
  }
}

static int by_due_desc(const void *a, const void *b) {
  const struct planned *x = *(const struct planned *const *)a,
                       *y = *(const struct planned *const *)b;
  if (x->due != y->due)
    return x->due > y->due ? -1 : 1;
  return x->id > y->id ? -1 : x->id < y->id;
}

/* The desk's calls on the overdue visits, the latest first: no answer (tried again after
 * visit.retry_minutes), a time agreed to call back, busy, and one reached and reported late. */
static enum sh_status work_call_list(struct demo *d, struct planned *v, size_t n,
                                     struct sh_error *err) {
  struct planned **missing = sh_calloc(n ? n : 1, sizeof *missing);
  size_t m = 0;
  if (!missing)
    return oom(err);
  for (size_t i = 0; i < n; i++)
    if (v[i].fate == FATE_MISSING)
      missing[m++] = &v[i];
  qsort(missing, m, sizeof *missing, by_due_desc);
  enum sh_status rc = SH_OK;
  int64_t tz = (int64_t)d->app->tz_offset_minutes * 60;
  int64_t tomorrow_ten = (d->today + 1) * DAY + 10 * HOUR - tz;
  for (size_t i = 0; rc == SH_OK && i < m && i < 4; i++) {
    int64_t id = missing[i]->id;
    if (i == 0)
      rc = call(d, id, "no_answer", 30, json_pack("{s:s}", "note", "响铃一分钟无人接听"), err);
    if (i == 1)
      rc = call(d, id, "call_back_later", 40,
                json_pack("{s:o, s:s}", "call_back_at", iso_json(d, tomorrow_ten), "note",
                          "客户正在开会，约明天上午十点再打"),
                err);
    if (i == 2)
      rc = call(d, id, "busy", 0, NULL, err);
    /* With a few more left undone, one is reached at last and reported late. */
    if (i == 3) {
      rc = call(d, id, "reached", 185, NULL, err);
      if (rc == SH_OK)
        rc = report(d, id, 0, &d->agent,
                    json_pack("{s:o, s:s, s:s, s:s, s:i, s:b}", "done_on", day_json(d->today),
                              "method", "phone", "findings",
                              "客户反映系统运行正常，前段时间联系不上", "opinion", "满意", "score",
                              4, "satisfied", true),
                    err);
      if (rc == SH_OK) {
        missing[i]->fate = FATE_LATE;
        d->out->visits_late++;
      }
    }
  }
  for (size_t i = 0; i < n; i++)
    d->out->visits_missing += v[i].fate == FATE_MISSING;
  free(missing);
  return rc;
}

/* The engineering manager moves one coming visit past its due date, with the reason. */
static enum sh_status move_one(struct demo *d, const struct planned *v, size_t n,
                               struct sh_error *err) {
  for (size_t i = 0; i < n; i++) {
    if (v[i].fate != FATE_FUTURE || v[i].due < d->today + 5 || v[i].due > d->today + 60)
      continue;
    int64_t version = 0;
    enum sh_status rc = current_version(d, v[i].id, &version, err);
    json_t *body = json_pack("{s:o, s:s, s:I}", "planned_date", day_json(v[i].due + 10), "reason",
                             "客户单位年底集中停产检修，约定检修结束后上门回访", "version",
                             (json_int_t)version);
    json_t *out = NULL;
    if (rc == SH_OK)
      rc = body
               ? visit_manage(d->app, &d->engineering_manager, v[i].id, VISIT_MOVE, body, &out, err)
               : oom(err);
    json_decref(body);
    json_decref(out);
    if (rc == SH_OK)
      d->out->visits_moved++;
    return rc;
  }
  return SH_OK;
}

/* The follow-ups of the closed tickets: two in three reported by phone at once. */
static enum sh_status work_followups(struct demo *d, uint64_t *state, struct demo_links *l,
                                     struct sh_error *err) {
  struct visit_filter f = {.kind = "followup", .sort = VISIT_SORT_ID, .limit = 200};
  json_t *items = NULL;
  enum sh_status rc = visit_list(d->app, &d->admin, &f, &items, NULL, err);
  size_t n = rc == SH_OK ? json_array_size(items) : 0;
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    json_t *v = json_array_get(items, i);
    int64_t id = json_integer_value(json_object_get(v, "id"));
    int64_t draw = demo_between(state, 0, 99), grade = demo_between(state, 0, 99);
    if (l->ntickets < 8) {
      l->tickets[l->ntickets] = json_integer_value(json_object_get(v, "ticket_id"));
      l->ticket_customers[l->ntickets++] = json_integer_value(json_object_get(v, "customer_id"));
    }
    d->out->followups++;
    if (draw >= 67)
      continue;
    rc = call(d, id, "reached", 90 + draw, NULL, err);
    if (rc == SH_OK)
      rc = report(d, id, 0, &d->agent,
                  json_pack("{s:o, s:s, s:s, s:s, s:i, s:b}", "done_on", day_json(d->today),
                            "method", "phone", "findings", "故障已排除，设备运行正常", "opinion",
                            grade < 60   ? "维修及时，问题已解决，满意"
                            : grade < 90 ? "满意，技术人员讲解清楚"
                                         : "问题解决了，但等待时间稍长",
                            "score",
                            grade < 60   ? 5
                            : grade < 90 ? 4
                                         : 3,
                            "satisfied", true),
                  err);
    d->out->followups_reported += rc == SH_OK;
  }
  json_decref(items);
  return rc;
}

/* The return-visit rate and satisfaction since the plan's first day, as the dashboard. */
static enum sh_status read_kpi(struct demo *d, struct sh_error *err) {
  char today[PROJECT_DATE_SIZE];
  demo_day_text(d->today, today);
  json_t *out = NULL;
  enum sh_status rc = kpi_visit_report(d->app, &d->admin, d->out->visits_from, today, today,
                                       KPI_GROUP_NONE, &out, err);
  json_t *rate = json_object_get(json_object_get(out, "visit_rate"), "rate_permille"),
         *sat = json_object_get(json_object_get(out, "satisfaction"), "rate_permille");
  d->out->visit_rate_permille = json_is_integer(rate) ? (long)json_integer_value(rate) : -1;
  d->out->satisfaction_permille = json_is_integer(sat) ? (long)json_integer_value(sat) : -1;
  json_decref(out);
  return rc;
}

static enum sh_status visits_pass(struct demo *d, uint64_t seed, struct demo_links *l,
                                  struct sh_error *err) {
  demo_day_text(d->today - PLAN_DAYS, d->out->visits_from);
  json_t *from = json_string(d->out->visits_from), *stored = NULL;
  enum sh_status rc =
      from ? settings_set(d->app, &d->admin, "visit.plan_from", from, 0, &stored, err) : oom(err);
  json_decref(from);
  json_decref(stored);
  /* IMP: SPEC D1 — the planner job's own call (jobs/visit_planner.c), audited as it. */
  struct visit_plan_stats stats = {0};
  if (rc == SH_OK)
    rc = visit_plan_pass(d->app, NULL, 0, d->now, &stats, err);
  struct planned *v = NULL;
  size_t n = 0;
  if (rc == SH_OK)
    rc = load_planned(d, &v, &n, err);
  for (size_t i = 0; i < n; i++) {
    uint64_t s = seed + (uint64_t)i * 0x9E3779B97F4A7C15ull;
    v[i].seed = demo_next(&s);
    int64_t r = demo_between(&s, 0, 99);
    v[i].fate = v[i].due >= d->today ? FATE_FUTURE
                : r < 10             ? FATE_MISSING
                : r < 22             ? FATE_LATE
                                     : FATE_ON_TIME;
  }
  d->out->visits = n;
  choose_specials(d, v, n);
  for (size_t i = 0; rc == SH_OK && i < n; i++)
    if (v[i].fate == FATE_ON_TIME || v[i].fate == FATE_LATE)
      rc = work_visit(d, &v[i], l, err);
  if (rc == SH_OK)
    rc = work_call_list(d, v, n, err);
  if (rc == SH_OK)
    rc = move_one(d, v, n, err);
  uint64_t s = seed ^ 0x5DEECE66Dull;
  if (rc == SH_OK)
    rc = work_followups(d, &s, l, err);
  if (rc == SH_OK)
    rc = read_kpi(d, err);
  free(v);
  return rc;
}

/* ---- the survey campaign (D4) --------------------------------------------------------- */

static const char *const suggestions[] = {
    "希望节假日也能安排值班技术人员", "建议每年安排一次系统操作培训", "回访电话很及时，谢谢",
    "希望报修后能告知技术人员大概到达时间", "设备用得很好，没有意见"};

/* One target's answers: overall score, running steadily, response speed, a suggestion. */
static enum sh_status respond(struct demo *d, int64_t survey, json_t *questions, int64_t customer,
                              uint64_t *state, struct sh_error *err) {
  int64_t r = demo_between(state, 0, 99), g = demo_between(state, 0, 99),
          y = demo_between(state, 0, 99), speed = demo_between(state, 3, 5),
          say = demo_between(state, 0, 99);
  const char *text = PICK(suggestions, state);
  if (r >= 78)
    return SH_OK; /* not reached yet: stays pending */
  struct survey_answer a[4] = {0};
  size_t na = 0;
  for (size_t i = 0; i < json_array_size(questions) && i < 4; i++) {
    int64_t q = json_integer_value(json_object_get(json_array_get(questions, i), "id"));
    if (i == 0)
      a[na++] = (struct survey_answer){.question_id = q,
                                       .has_score = true,
                                       .score = g < 50   ? 5
                                                : g < 85 ? 4
                                                : g < 95 ? 3
                                                         : 2};
    else if (i == 1)
      a[na++] = (struct survey_answer){.question_id = q, .has_yes = true, .yes = y < 90};
    else if (i == 2 && say < 80)
      a[na++] = (struct survey_answer){.question_id = q, .has_score = true, .score = speed};
    else if (i == 3 && say < 45)
      a[na++] = (struct survey_answer){.question_id = q, .has_text = true, .text = (char *)text};
  }
  json_t *out = NULL;
  bool declined = r >= 70;
  enum sh_status rc = survey_respond(d->app, &d->agent, survey, customer, declined, a,
                                     declined ? 0 : na, &out, err);
  json_decref(out);
  if (rc == SH_OK) {
    d->out->survey_answered += !declined;
    d->out->survey_declined += declined;
  }
  return rc;
}

static enum sh_status survey_pass(struct demo *d, uint64_t seed, struct sh_error *err) {
  static struct survey_question questions[] = {
      {.text = "您对我公司售后服务的总体满意程度(1-5分)", .kind = "score", .required = true},
      {.text = "设备目前是否运行稳定", .kind = "yes_no", .required = true},
      {.text = "报修后技术人员的响应速度(1-5分)", .kind = "score", .required = false},
      {.text = "您对我们的产品和服务还有什么意见或建议", .kind = "text", .required = false}};
  char name[64], starts[PROJECT_DATE_SIZE], ends[PROJECT_DATE_SIZE], today[PROJECT_DATE_SIZE];
  demo_day_text(d->today, today);
  demo_day_text(d->today - 20, starts);
  demo_day_text(d->today + 40, ends);
  snprintf(name, sizeof name, "%.4s年度客户满意度调查", today);
  /* Explicit dates: survey.campaign_months is the company's to choose (SPEC D4 每年的x,x二个月). */
  struct survey_input in = {.name = name,
                            .starts_on = starts,
                            .ends_on = ends,
                            .note = "集中回访，回顾上半年设备使用情况，预防下半年出现问题",
                            .questions = questions,
                            .nquestions = 4};
  json_t *s = NULL, *opened = NULL;
  enum sh_status rc = survey_create(d->app, &d->admin, &in, &s, err);
  int64_t id = rc == SH_OK ? json_integer_value(json_object_get(s, "id")) : 0, added = 0;
  /* The key customers everywhere, and the first dozen with an installation. */
  int64_t ids[12];
  size_t nids = 0;
  for (size_t i = 0; i < d->nunits && nids < 12; i++)
    if (!nids || ids[nids - 1] != d->units[i].customer_id)
      ids[nids++] = d->units[i].customer_id;
  struct survey_target_filter key = {.key_only = true};
  if (rc == SH_OK)
    rc = survey_add_targets(d->app, &d->admin, id, ids, nids, &key, true, &added, err);
  if (rc == SH_OK)
    rc = survey_open(d->app, &d->admin, id, version_of(s), &opened, err);
  d->out->survey_questions = 4;
  d->out->survey_targets = (size_t)added;
  uint64_t state = seed;
  for (int64_t offset = 0; rc == SH_OK;) {
    json_t *targets = NULL;
    int64_t total = 0;
    rc = survey_targets(d->app, &d->agent, id, NULL, 100, offset, &targets, &total, err);
    size_t n = rc == SH_OK ? json_array_size(targets) : 0;
    for (size_t i = 0; rc == SH_OK && i < n; i++)
      rc = respond(d, id, json_object_get(s, "questions"),
                   json_integer_value(json_object_get(json_array_get(targets, i), "customer_id")),
                   &state, err);
    json_decref(targets);
    offset += (int64_t)n;
    if (n < 100)
      break;
  }
  json_decref(opened);
  json_decref(s);
  return rc;
}

enum sh_status demo_visits(struct demo *d, uint64_t *state, struct sh_error *err) {
  uint64_t visits = demo_next(state), survey = demo_next(state), complaints = demo_next(state);
  struct demo_links l = {0};
  enum sh_status rc = visits_pass(d, visits, &l, err);
  if (rc == SH_OK)
    rc = survey_pass(d, survey, err);
  if (rc == SH_OK)
    rc = demo_complaints(d, complaints, &l, err);
  return rc;
}
