/* visit.h — return visits (回访, SPEC D1-D3; 售后部门管理细则1 3、售后回访; 工作计划3 六.1).
 *
 * Two kinds. A *planned* visit is the n-th of a project's plan over its warranty period (D1:
 * 在工程保修期内至少每二个月回访一次): the planner writes them from rules/visit_plan.h, and
 * the engineering manager (由工程部经理统一安排 … 确定回访日期) moves a date with a reason,
 * names the project manager who leads (由工程部经理安排本项目的项目经理组织相关技术人员参加) or
 * cancels one. A *follow-up* visit confirms a closed ticket and the customer's satisfaction
 * within visit.followup_days (D2). Either is reported once: findings, the customer's opinion,
 * a 1-5 score and/or satisfied yes/no; defects found become tickets at once (应立即制订纠正措施
 * 并尽快维修); a partial visit's unfinished items carry to the project's next visit; the report
 * goes to the engineering manager (报送公司工程部经理). The desk works a call list inside the
 * calling hours (D3) and records every call with its result and length.
 *
 * The due date is the rule's and stays so (the KPIs measure against it, rules/kpi.h); the
 * planned date is the manager's. Every change is one unit of work with its visit event and
 * audit row. Visibility: the caller's region grants on the visit's region (the site's), or
 * the visit is one the caller leads. Outside: 404. */
#ifndef SHOUHOU_DOMAIN_VISIT_H
#define SHOUHOU_DOMAIN_VISIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../store/tickets.h"
#include "../store/visits.h"
#include "actor.h"
#include "app.h"
#include "attachment.h"

/* Photos and documents of a visit (D3: 外地回访有照片和资料为证). A visit takes files until it
 * is cancelled (409 visit_cancelled); a report's photos may follow the report. */
extern const struct attachment_owner visit_attachment_owner;

/* Inside the unit that closes ticket t (SPEC D2): its follow-up visit, due on the local day
 * of now plus visit.followup_days, for the ticket's customer, region and project, led by
 * nobody yet (the desk calls). A ticket that has one already keeps it. */
enum sh_status visit_followup_in(struct store_tx *tx, struct app *app, const struct actor *actor,
                                 const struct ticket *t, int64_t now, struct sh_error *err);

/* ---- reading (visit.c) ---------------------------------------------------------------- */

/* One visit with its calls, defects (and their tickets), events, attachments and the
 * previous visit of the plan with what it left unfinished. */
enum sh_status visit_get(struct app *app, const struct actor *actor, int64_t id, json_t **out,
                         struct sh_error *err);

/* A page of visits (summary rows with overdue and beyond_rule). */
enum sh_status visit_list(struct app *app, const struct actor *actor, struct visit_filter *filter,
                          json_t **items, int64_t *total, struct sh_error *err);

/* "YYYY-MM-DD" today in the display zone. */
void visit_today(const struct app *app, char out[11]);

/* ---- the report (visit.c) ------------------------------------------------------------- */

/* body: {version, done_on?, method, findings?, opinion?, score?, satisfied?, partial?,
 * unfinished_items?, defects?: [{description, equipment_id?}]}. *out: the visit again. */
enum sh_status visit_report(struct app *app, const struct actor *actor, int64_t id, json_t *body,
                            json_t **out, struct sh_error *err);

/* ---- the planner and the manager's actions (visit_plan.c) ------------------------------ */

struct visit_plan_stats {
  int64_t projects;  /* projects read */
  int64_t changed;   /* whose plan inputs had changed (or were forced) */
  int64_t planned;   /* visits added */
  int64_t redated;   /* open visits given a new due date (or region, customer, leader) */
  int64_t reopened;  /* visits the planner had cancelled, back in the plan */
  int64_t cancelled; /* open visits no longer in the plan */
  int64_t invalid;   /* projects whose dates the rule refused (logged, no plan) */
};

/* One pass (SPEC D1) at `now`: every project (project_id 0), or the one project (forced:
 * planned again whatever its key says). actor NULL: the jobs (audited as the planner);
 * with an actor, project_id must be visible to it (404). Batches of a few hundred projects,
 * each one unit of work. */
enum sh_status visit_plan_pass(struct app *app, const struct actor *actor, int64_t project_id,
                               int64_t now, struct visit_plan_stats *stats, struct sh_error *err);

/* A pass that runs in steps (the jobs thread must renew its lease between them; the button
 * must answer within an HTTP request at 100 000 projects): start with a zeroed cursor; each
 * call plans batches until the pass is finished or budget_seconds (0: no limit) have gone,
 * accumulating the counts in the cursor. actor NULL: the jobs (audited as the planner). */
struct visit_plan_cursor {
  int64_t after_id;
  bool finished;
  struct visit_plan_stats stats;
};
enum sh_status visit_plan_resume(struct app *app, const struct actor *actor, int64_t now,
                                 struct visit_plan_cursor *cursor, int64_t budget_seconds,
                                 struct sh_error *err);

/* The manager's actions; body decoded here; *out gets the visit again.
 *   move   {planned_date, reason, version}
 *   leader {leader_id, version}: an active project or engineering manager covering the
 *          visit's region (422 invalid_visit_leader); told by notification
 *   cancel {reason, version} */
enum visit_manage { VISIT_MOVE, VISIT_LEADER, VISIT_CANCEL };
enum sh_status visit_manage(struct app *app, const struct actor *actor, int64_t id,
                            enum visit_manage action, json_t *body, json_t **out,
                            struct sh_error *err);

/* ---- the call list and calls (visit_calls.c) ------------------------------------------ */

/* The caller's calls for today (SPEC D3): {calling_hours, within_hours, next_window_at,
 * items}. Outside the calling hours items is empty unless all is set (to prepare; each row
 * then has callable false). */
enum sh_status visit_call_list(struct app *app, const struct actor *actor, bool all, json_t **out,
                               struct sh_error *err);

/* body: {duration_seconds, result, called_at?, note?, call_back_at?}. *out: the visit. */
enum sh_status visit_call_add(struct app *app, const struct actor *actor, int64_t id, json_t *body,
                              json_t **out, struct sh_error *err);

#endif
