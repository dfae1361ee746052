/* demo_complaints.c — the demo's complaints (SPEC E1-E4; demo_internal.h): a fixed recipe
 * of nine, one per line below, worked through the procedure to every state — registered,
 * assigned (notices to one or two departments), answered, called back, archived, and one
 * sent back for a second round by a dissatisfied callback — with the facts, demands and the
 * departments' answers a security-systems company hears: the product quality classes of
 * SPEC E4 (a part not as drawn, a size out of tolerance, holes that do not line up, a
 * coating that fails) and the service ones (attitude, response time, billing). One is
 * about the visit the customer was not satisfied with, one repeats an earlier complaint of
 * the same class, others name the unit or the closed ticket they are about. Each step is
 * the domain call of the user whose role does it: the desk registers, sends the notices,
 * calls back and archives; the person a notice names answers. */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "complaint.h"
#include "demo_internal.h"

static enum sh_status oom(struct sh_error *err) {
  return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
}

static int64_t version_of(json_t *v) {
  return json_integer_value(json_object_get(v, "version"));
}

enum ending { C_REGISTERED, C_ASSIGNED, C_ANSWERED, C_CALLED_BACK, C_ARCHIVED, C_SECOND_ROUND };
/* What the complaint is about: a unit whose model name has `unit`, a closed ticket, the
 * dissatisfied visit, any customer, or the customer of recipe line `repeat`. */
enum link { L_UNIT, L_TICKET, L_VISIT, L_CUSTOMER, L_REPEAT };

struct answer {
  const char *department, *root, *corrective, *preventive; /* root NULL: not answered */
};

static const struct recipe {
  enum ending ending;
  enum link link;
  const char *unit; /* L_UNIT: part of the model's name */
  int days_ago;
  const char *category, *severity, *channel, *facts, *demand, *callback;
  struct answer first[2], second; /* round 1's notices; round 2's (C_SECOND_ROUND) */
} recipes[] = {
    {C_ARCHIVED,
     L_UNIT,
     "道闸",
     75,
     "dimension_tolerance",
     "major",
     "letter",
     "停车场道闸杆实际长度比合同规格短约20厘米，落杆后与岗亭之间留有空隙，电动车可以钻过",
     "更换符合合同规格的闸杆",
     "更换后使用正常，客户满意",
     {{"quality", "出厂检验只核对型号，未实测闸杆长度，装箱时错装了短规格闸杆",
       "更换4.5米闸杆并重新调整限位", "出厂检验增加闸杆长度实测并记录，装箱单注明规格"}}},
    {C_ARCHIVED,
     L_CUSTOMER,
     NULL,
     40,
     "service_attitude",
     "minor",
     "hotline",
     "技术人员上门维修时态度生硬，客户询问故障原因时不耐烦，维修后未清理现场就离开",
     "要求公司批评教育并道歉",
     "客户接受道歉，表示满意",
     {{"after_sales", "技术人员连续加班情绪急躁，未按服务规范向客户说明并清理现场",
       "部门经理带技术人员上门道歉，重新讲解故障原因",
       "重新培训服务规范，回访中增加服务态度评价"}}},
    {C_SECOND_ROUND,
     L_UNIT,
     "门禁",
     20,
     "drawing_mismatch",
     "critical",
     "email",
     "门禁控制器安装支架与设计图纸不符，孔距与机柜导轨不匹配，现场临时钻孔固定，客户担心影响设备安"
     "全",
     "按图纸重新提供支架并派人规范安装",
     "客户反映更换的支架仍需现场扩孔，对处理结果不满意，要求公司领导重视",
     {{"quality", "支架由外协厂加工，来料检验抽检未发现孔距偏差", "更换合格支架",
       "外协件首件全检，不合格批次退回"}},
     {"production", NULL, NULL, NULL}},
    {C_CALLED_BACK,
     L_TICKET,
     NULL,
     12,
     "response_time",
     "major",
     "hotline",
     "录像机故障报修后，承诺24小时内上门，实际第三天才有技术人员到场，期间监控中断",
     "说明原因并保证今后按时响应",
     "客户表示理解，对处理结果满意",
     {{"after_sales", "当时技术人员集中在外地项目，调度未及时调配其他人员，也未主动告知客户",
       "向客户致歉，已修复设备并检查全部录像通道",
       "超过24小时未到场的工单升级处理，调度当天协调替补人员并电话告知客户"}}},
    {C_ANSWERED,
     L_TICKET,
     NULL,
     9,
     "billing",
     "minor",
     "im",
     "保修期内维修却被收取上门费和材料费共380元，客户认为保修期内应全部免费",
     "退还多收的费用并书面说明收费依据",
     NULL,
     {{"finance", "材料属于保修范围，结算时误计入材料费", "退还材料费，上门车费按收费标准书面说明",
       "维修结算单由售后服务部复核保修状态后再开具"},
      {"after_sales", "技术人员未事先向客户说明收费项目", "向客户致歉并解释收费标准",
       "上门前告知客户可能产生的费用，结算时逐项说明"}}},
    {C_ANSWERED,
     L_VISIT,
     NULL,
     0,
     "response_time",
     "minor",
     "visit",
     "回访时客户反映：上次报修后等了两天技术人员才到现场，对响应速度不满意",
     "今后报修当天响应",
     NULL,
     {{"after_sales", "该片区只有一名技术人员，当周报修集中，排期未及时告知客户",
       "电话向客户致歉，说明排期原因", "报修集中时由调度从相邻片区调派人员，并当天回电告知客户"}}},
    {C_ASSIGNED,
     L_UNIT,
     "摄像机",
     5,
     "hole_position",
     "major",
     "hotline",
     "新供的摄像机立杆法兰盘孔位与现场预埋地笼螺栓对不上，相差约15毫米，施工队无法安装，工期已耽误"
     "两天",
     "尽快提供孔位正确的法兰盘并承担返工费用",
     NULL,
     {{"quality", "法兰盘按旧版图纸下料，图纸变更后未通知生产部",
       "按新版图纸重新加工法兰盘，两日内送达现场并派人协助安装",
       "图纸变更实行发放登记，下料前核对图纸版本"},
      {"production", NULL, NULL, NULL}}},
    {C_ASSIGNED,
     L_REPEAT,
     NULL,
     3,
     "dimension_tolerance",
     "major",
     "hotline",
     "上次更换的道闸杆问题又出现：另一个出口的闸杆同样比规格短，落杆后仍有空隙",
     "全面检查所有出入口闸杆规格",
     NULL,
     {{"quality", NULL, NULL, NULL}}},
    {C_REGISTERED,
     L_UNIT,
     "摄像机",
     0,
     "surface_treatment",
     "minor",
     "hotline",
     "去年安装的室外摄像机防护罩喷涂层大面积起泡、脱落，部分已生锈，担心进水损坏设备",
     "更换防护罩或重新做防腐处理",
     NULL,
     {{NULL, NULL, NULL, NULL}}},
};
#define NRECIPES (sizeof recipes / sizeof recipes[0])

/* The person a department's notice names, among the demo's users. */
static const struct actor *responsible(const struct demo *d, const char *department) {
  if (strcmp(department, "quality") == 0)
    return &d->qc;
  if (strcmp(department, "finance") == 0)
    return &d->finance;
  if (strcmp(department, "engineering") == 0)
    return &d->engineering_manager;
  return &d->department_head; /* after-sales, production: the department's manager */
}

/* A unit whose model name contains `name` (from a random start), or any unit. */
static const struct unit *unit_named(const struct demo *d, const char *name, uint64_t *state) {
  size_t start = (size_t)demo_between(state, 0, (int64_t)d->nunits - 1);
  for (size_t k = 0; k < d->nunits; k++) {
    const struct unit *u = &d->units[(start + k) % d->nunits];
    if (strstr(demo_cell(&d->models, u->model, 1), name))
      return u;
  }
  return d->nunits ? &d->units[start] : NULL;
}

struct case_ {
  const struct recipe *r;
  json_t *c; /* the complaint as the domain last returned it */
};

static enum sh_status step(struct demo *d, struct case_ *k, const struct actor *who,
                           enum complaint_action action, json_t *body, struct sh_error *err) {
  if (!body)
    return oom(err);
  json_object_set_new(body, "version", json_integer(version_of(k->c)));
  json_t *out = NULL;
  enum sh_status rc = complaint_act(d->app, who, json_integer_value(json_object_get(k->c, "id")),
                                    action, body, &out, err);
  json_decref(body);
  if (rc == SH_OK) {
    json_decref(k->c);
    k->c = out;
  }
  return rc;
}

/* Written notices to the departments of answers (those with a department). */
static enum sh_status notify(struct demo *d, struct case_ *k, const struct answer *answers,
                             size_t n, struct sh_error *err) {
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++)
    if (answers[i].department)
      json_array_append_new(
          list, json_pack("{s:s, s:I, s:s}", "department", answers[i].department, "responsible_id",
                          (json_int_t)responsible(d, answers[i].department)->user_id,
                          "instructions", "请认真分析原因，书面回复原因分析、纠正措施和预防措施"));
  return step(d, k, &d->agent, COMPLAINT_ASSIGN, json_pack("{s:o}", "departments", list), err);
}

/* The answers of the round's notices whose recipe has one, each by the person named. */
static enum sh_status answer_round(struct demo *d, struct case_ *k, const struct answer *answers,
                                   size_t n, struct sh_error *err) {
  enum sh_status rc = SH_OK;
  json_t *list = json_object_get(k->c, "assignments");
  int64_t round = json_integer_value(json_object_get(k->c, "round"));
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    if (!answers[i].department || !answers[i].root)
      continue;
    int64_t aid = 0;
    for (size_t j = 0; j < json_array_size(list); j++) {
      json_t *a = json_array_get(list, j);
      if (json_integer_value(json_object_get(a, "round")) == round &&
          strcmp(json_string_value(json_object_get(a, "department")), answers[i].department) == 0)
        aid = json_integer_value(json_object_get(a, "id"));
    }
    json_t *body = json_pack("{s:s, s:s, s:s}", "root_cause", answers[i].root, "corrective_action",
                             answers[i].corrective, "preventive_action", answers[i].preventive);
    json_t *out = NULL;
    rc = body ? complaint_answer(d->app, responsible(d, answers[i].department),
                                 json_integer_value(json_object_get(k->c, "id")), aid, body, &out,
                                 err)
              : oom(err);
    json_decref(body);
    if (rc == SH_OK) {
      json_decref(k->c);
      k->c = out;
      list = json_object_get(k->c, "assignments");
    }
  }
  return rc;
}

static void count_complaint(struct demo_service_result *o, const json_t *c) {
  const char *status = json_string_value(json_object_get(c, "status"));
  static const char *const names[] = {"registered", "assigned", "answered", "called_back",
                                      "archived"};
  size_t *counters[] = {&o->complaints_registered, &o->complaints_assigned, &o->complaints_answered,
                        &o->complaints_called_back, &o->complaints_archived};
  for (size_t i = 0; status && i < 5; i++)
    if (strcmp(status, names[i]) == 0)
      (*counters[i])++;
  o->complaints++;
  o->complaints_repeat += json_is_true(json_object_get(c, "repeat"));
  o->complaints_second_round += json_integer_value(json_object_get(c, "round")) > 1;
}

/* One complaint of the recipe; customers and units get the customer and unit it is about
 * (a later repeat looks them up). */
static enum sh_status work_complaint(struct demo *d, const struct recipe *r, uint64_t *state,
                                     const struct demo_links *l, int64_t *customers, int64_t *units,
                                     size_t index, struct sh_error *err) {
  int64_t when = demo_between(state, 9 * HOUR, 17 * HOUR), pick_ticket = demo_between(state, 0, 7);
  int64_t any = demo_between(state, 0, (int64_t)d->nclients - 1);
  const struct unit *u = r->link == L_UNIT ? unit_named(d, r->unit, state) : NULL;
  int64_t tz = (int64_t)d->app->tz_offset_minutes * 60;
  struct complaint_intake in = {.channel = r->channel,
                                .facts = r->facts,
                                .demand = r->demand,
                                .category = r->category,
                                .severity = r->severity,
                                .received_at = (d->today - r->days_ago) * DAY + when - tz};
  if (in.received_at > d->now - 600)
    in.received_at = d->now - 600; /* a call of today: a little while ago */
  char occurred[PROJECT_DATE_SIZE];
  demo_day_text(d->today - r->days_ago - 1, occurred);
  in.occurred_on = r->link == L_UNIT ? occurred : NULL;
  switch (r->link) {
  case L_UNIT:
    in.customer_id = u ? u->customer_id : d->clients[any].id;
    in.equipment_id = u ? u->id : 0;
    break;
  case L_TICKET:
    in.customer_id =
        l->ntickets ? l->ticket_customers[pick_ticket % l->ntickets] : d->clients[any].id;
    in.ticket_id = l->ntickets ? l->tickets[pick_ticket % l->ntickets] : 0;
    break;
  case L_VISIT:
    in.customer_id = l->unhappy_visit ? l->unhappy_customer : d->clients[any].id;
    in.visit_id = l->unhappy_visit;
    break;
  case L_REPEAT: /* the customer of the first line of the same category */
    for (size_t i = 0; i < index; i++)
      if (strcmp(recipes[i].category, r->category) == 0 && !in.customer_id) {
        in.customer_id = customers[i];
        in.equipment_id = units[i];
      }
    break;
  default:
    in.customer_id = d->clients[any].id;
  }
  if (!in.customer_id)
    in.customer_id = d->clients[any].id;
  customers[index] = in.customer_id;
  units[index] = in.equipment_id;
  struct case_ k = {.r = r};
  enum sh_status rc = complaint_create(d->app, &d->agent, &in, NULL, &k.c, NULL, err);
  size_t nfirst = r->first[1].department ? 2 : 1;
  if (rc == SH_OK && r->ending != C_REGISTERED)
    rc = notify(d, &k, r->first, nfirst, err);
  if (rc == SH_OK && r->ending != C_REGISTERED)
    rc = answer_round(d, &k, r->first, nfirst, err);
  bool back = r->ending == C_CALLED_BACK || r->ending == C_ARCHIVED;
  if (rc == SH_OK && (back || r->ending == C_SECOND_ROUND))
    rc = step(d, &k, &d->agent, COMPLAINT_CALLBACK,
              json_pack("{s:b, s:s}", "satisfied", back, "note", r->callback), err);
  if (rc == SH_OK && r->ending == C_SECOND_ROUND)
    rc = notify(d, &k, &r->second, 1, err);
  if (rc == SH_OK && r->ending == C_ARCHIVED)
    rc = step(d, &k, &d->agent, COMPLAINT_ARCHIVE,
              json_pack("{s:s}", "note", "处理完毕，客户满意，资料归档"), err);
  if (rc == SH_OK)
    count_complaint(d->out, k.c);
  json_decref(k.c);
  return rc;
}

enum sh_status demo_complaints(struct demo *d, uint64_t seed, const struct demo_links *l,
                               struct sh_error *err) {
  int64_t customers[NRECIPES] = {0}, units[NRECIPES] = {0};
  enum sh_status rc = SH_OK;
  for (size_t i = 0; rc == SH_OK && i < NRECIPES; i++) {
    uint64_t state = seed + i * 0x9E3779B97F4A7C15ull;
    rc = work_complaint(d, &recipes[i], &state, l, customers, units, i, err);
  }
  return rc;
}
