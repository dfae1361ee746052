/* visit_plan.h — the return visits a project in warranty is due (SPEC D1; 售后部门管理细则1
 * 3、售后回访: 在工程保修期内至少每二个月回访一次,工程回访或维修时,由工程部经理统一安排,根据工程
 * 情况安排回访计划,确定回访日期).
 *
 * The warranty period of a project runs from its acceptance date (验收, SPEC B2) to the end
 * of the company's term or of a unit's longer manufacturer's term (若厂家免费质保超过壹年的,
 * 按厂家规定保修), whichever ends last: visit_plan_warranty_end. Over it, the n-th visit is
 * due on period_nth_due(acceptance, interval, n) — counted from the acceptance date, not from
 * the visit before, as the Civil Code counts months (SPEC B2, arts. 201–202) — for every n
 * whose due date is on or before the warranty's last day (保修期内: the last day belongs to
 * the period).
 *
 * Our readings, where the rulebook is silent:
 *   - A warranty that ends mid-interval (e.g. 15 months at every 2 months: visits at 2 … 14)
 *     gets one last visit on its last day when final_at_expiry is set (the setting
 *     visit.final_at_expiry, ours: on — a visit before the free period ends, which is when
 *     an owner most needs one); without it the regular visits alone meet "at least every N
 *     months" within the period. When a regular visit falls on the last day there is no
 *     extra one, and a last day equal to the acceptance date (no period) gets none.
 *   - Visits due before plan_from (the setting visit.plan_from: the day the company started
 *     with shouhou) are not planned: a project accepted years ago is not shown with visits
 *     nobody could have recorded here. Sequence numbers still count from the acceptance
 *     date, so the n-th visit keeps its number whatever plan_from is.
 *   - A unit with its own acceptance date counts its manufacturer's term from that date; a
 *     unit the company did not sell and with no manufacturer's term adds nothing.
 *
 * Pure: no clock, no I/O, no allocation; outputs written only on success. */
#ifndef SHOUHOU_VISIT_PLAN_H
#define SHOUHOU_VISIT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "period.h"

/* The most visits one plan may hold: a 100-year free term at one visit a month. */
#define VISIT_PLAN_MAX 1201

struct visit_plan_unit {
  const char *acceptance_date; /* the unit's own; NULL or "": the project's */
  int manufacturer_months;     /* 0: none */
  bool sold_by_company;
};

/* The last day of the project's warranty period: the latest of the company's term
 * (company_months from project_acceptance, period_last_day) and each unit's free period
 * as warranty_status (warranty.h) gives its last_day. False, out untouched, when
 * project_acceptance is not a valid date (a project not accepted has no plan), a unit's
 * non-empty acceptance date is not valid, company_months < 1, a manufacturer_months < 0, or
 * a date would pass 9999-12-31. */
bool visit_plan_warranty_end(const char *project_acceptance, int company_months,
                             const struct visit_plan_unit *units, size_t nunits,
                             char out[PERIOD_DATE_LEN + 1]);

struct visit_plan_input {
  const char *acceptance_date;   /* the project's, valid */
  const char *warranty_last_day; /* visit_plan_warranty_end, on or after acceptance_date */
  int interval_months;           /* the setting visit.interval_months, >= 1 */
  bool final_at_expiry;          /* the setting visit.final_at_expiry */
  const char *plan_from;         /* the setting visit.plan_from; NULL or "": no cut-off */
};

struct visit_plan_entry {
  /* 1, 2, ...: the n of period_nth_due; the final visit at expiry takes the next number */
  int seq;
  char due_date[PERIOD_DATE_LEN + 1];
  /* the extra visit on the warranty's last day added by final_at_expiry (a regular visit
   * that falls on the last day is not final) */
  bool final;
};

/* The plan: out[0..*count) in date order. False, outputs untouched, on invalid input (a date
 * not valid — plan_from too when not empty —, warranty_last_day before acceptance_date,
 * interval_months < 1, NULL in or count) or when the plan would hold more than max entries
 * (out may be NULL when max is 0). An empty plan (count 0) is valid: a warranty shorter
 * than one interval with final_at_expiry off, or everything before plan_from. */
bool visit_plan_dues(const struct visit_plan_input *in, struct visit_plan_entry *out, size_t max,
                     size_t *count);

/* ---- a plan computed again over the visits already there -------------------------------- */

/* An existing planned visit of the project, as the store has it. */
struct visit_plan_visit {
  int64_t seq;                         /* >= 1, the plan entry it was made from */
  const char *status;                  /* "planned" (open), "done", "partial", "cancelled" */
  const char *due_date, *planned_date; /* valid dates */
  bool moved;                /* the engineering manager moved it (a move needs a reason) */
  bool cancelled_by_planner; /* cancelled with one of the planner's own reasons */
  /* Something else the open visit follows from the project changed (the domain decides:
   * its leader, region or customer); the rule only passes it on, as a REDATE. */
  bool other_changed;
};

enum visit_plan_verb {
  VISIT_PLAN_KEEP,   /* nothing to write */
  VISIT_PLAN_REDATE, /* an open visit: write the dates (and what the domain follows) */
  VISIT_PLAN_REOPEN, /* a visit the planner had cancelled: open again with the dates */
  VISIT_PLAN_CANCEL, /* an open visit no longer in the plan: cancel, the dates as they are */
};

/* What becomes of one existing visit. The dates point into the inputs (the plan entry's
 * due_date, the visit's own dates): valid while they are; always set, the visit's own for
 * KEEP and CANCEL. */
struct visit_plan_change {
  enum visit_plan_verb verb;
  const char *due_date, *planned_date;
};

/* The changes a plan computed again brings to the project's visits: for each x[i] its change
 * in out[i], and for each plan[k] whether it is new (no visit has its seq) in is_new[k].
 *
 * IMP: SPEC D1 — 由工程部经理统一安排 … 确定回访日期; 在工程保修期内至少每二个月回访一次.
 * The rules, and our readings (the rulebook says nothing of plans computed again):
 *   1. An open visit whose seq is in the plan follows the plan's due date; its planned date
 *      is the manager's if he moved it, else the new due date. REDATE when either date
 *      changes or other_changed, else KEEP. The manager's move — not a planned date that
 *      merely differs — is what keeps a date: a move to the rule's own day stays a move and
 *      is kept when the rule's day changes.
 *   2. A visit the planner cancelled (cancelled_by_planner) whose seq is in the plan again
 *      is REOPENed with the dates of rule 1 (a move made before the cancellation is kept).
 *   3. An open visit whose seq is not in the plan is CANCELled: the warranty got shorter, the
 *      acceptance date moved, the project was deleted or lost its acceptance date.
 *   4. Done and partial visits are history, and a visit the manager cancelled is his
 *      decision: KEEP, whatever the plan (a partial visit counts as done: it took place;
 *      its unfinished items are carried to the next visit, issue 5).
 *   5. A plan entry whose seq no visit has is new; an entry with a visit is never new, even
 *      when that visit is kept cancelled or done.
 * Visits are matched to plan entries by seq alone: the n-th visit is the n-th in the plan
 * whatever its date (the n of period_nth_due).
 *
 * False, outputs untouched, on invalid input: plan, x, out or is_new NULL where its count is
 * not 0; plan seqs or x seqs not strictly increasing (the store's unique (project, seq),
 * ordered); a seq < 1; a status not one of the four; a date (the visits' and the entries')
 * not valid. An empty plan with no visits is valid and changes nothing. */
bool visit_plan_reconcile(const struct visit_plan_entry *plan, size_t nplan,
                          const struct visit_plan_visit *x, size_t nx,
                          struct visit_plan_change *out, bool *is_new);

#endif
