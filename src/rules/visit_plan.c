/* visit_plan.c — the return visits a project in warranty is due (SPEC D1; the rule and our
 * readings are in visit_plan.h). Design: the warranty's last day is the latest of the
 * company's term and each unit's free period as warranty.c gives it, so the plan and the
 * warranty answer never disagree about a unit; the plan is walked twice — once to count,
 * once to write — so that a refusal leaves the caller's array untouched. A plan computed
 * again is matched to the visits already there by seq in one merge walk (both in increasing
 * seq order), after a first pass that checks every input, so a refusal writes nothing. */
#include "visit_plan.h"

#include <string.h>

#include "warranty.h"

/* IMP: SPEC D1 — over the whole warranty period: from the acceptance date to the end of the
 * company's or the longer manufacturer's term (SPEC B2), whichever ends last. */
bool visit_plan_warranty_end(const char *project_acceptance, int company_months,
                             const struct visit_plan_unit *units, size_t nunits,
                             char out[PERIOD_DATE_LEN + 1]) {
  char end[PERIOD_DATE_LEN + 1];
  if (!out || (nunits > 0 && !units) || company_months < 1 ||
      !period_last_day(project_acceptance, company_months, end))
    return false;
  for (size_t i = 0; i < nunits; i++) {
    const struct visit_plan_unit *u = &units[i];
    const char *acceptance =
        u->acceptance_date && u->acceptance_date[0] ? u->acceptance_date : project_acceptance;
    struct warranty_unit w = {.acceptance_date = acceptance,
                              .company_months = company_months,
                              .manufacturer_months = u->manufacturer_months,
                              .sold_by_company = u->sold_by_company};
    struct warranty_answer a;
    /* the date asked does not change the free period; the acceptance date is a valid one */
    if (!warranty_status(&w, acceptance, &a))
      return false;
    /* a unit not sold by the company, without a manufacturer's term, has no free period */
    if (a.basis != WARRANTY_BASIS_NONE && period_compare_dates(a.last_day, end) > 0)
      memcpy(end, a.last_day, sizeof end);
  }
  memcpy(out, end, sizeof end);
  return true;
}

/* The checked input of a plan, as day numbers. */
struct plan_bounds {
  int64_t acceptance, last, from; /* from: plan_from, or the acceptance day without one */
};

static bool plan_bounds_of(const struct visit_plan_input *in, struct plan_bounds *b) {
  if (!in || in->interval_months < 1 || !period_day_number(in->acceptance_date, &b->acceptance) ||
      !period_day_number(in->warranty_last_day, &b->last) || b->last < b->acceptance)
    return false;
  b->from = b->acceptance;
  if (in->plan_from && in->plan_from[0] && !period_day_number(in->plan_from, &b->from))
    return false;
  return true;
}

/* Walks the plan: writes its entries to out when out is not NULL (the caller has made sure
 * they fit) and returns how many there are. */
static size_t plan_walk(const struct visit_plan_input *in, const struct plan_bounds *b,
                        struct visit_plan_entry *out) {
  size_t count = 0;
  int last_seq = 0;
  bool on_last_day = false;
  for (int n = 1;; n++) {
    char due[PERIOD_DATE_LEN + 1];
    int64_t day;
    /* IMP: SPEC D1 — the n-th visit is due n × interval months after acceptance (SPEC B2,
     * arts. 201–202), counted from the acceptance date, not from the visit before. A date
     * past 9999-12-31 is refused by period_nth_due, and is past the last day anyway. */
    if (!period_nth_due(in->acceptance_date, in->interval_months, n, due) ||
        !period_day_number(due, &day) || day > b->last)
      break;
    last_seq = n;
    on_last_day = day == b->last;
    if (day < b->from)
      continue; /* before plan_from: not planned, but the number is used */
    if (out) {
      out[count].seq = n;
      memcpy(out[count].due_date, due, sizeof due);
      out[count].final = false;
    }
    count++;
  }
  /* Our reading (visit_plan.h): a warranty ending mid-interval gets a visit on its last day;
   * none when the last regular visit is on it, or when the period is empty. */
  if (in->final_at_expiry && !on_last_day && b->last > b->acceptance && b->last >= b->from) {
    if (out) {
      out[count].seq = last_seq + 1;
      memcpy(out[count].due_date, in->warranty_last_day, PERIOD_DATE_LEN + 1);
      out[count].final = true;
    }
    count++;
  }
  return count;
}

bool visit_plan_dues(const struct visit_plan_input *in, struct visit_plan_entry *out, size_t max,
                     size_t *count) {
  struct plan_bounds b;
  if (!count || !plan_bounds_of(in, &b))
    return false;
  size_t total = plan_walk(in, &b, NULL);
  if (total > max || (total > 0 && !out))
    return false;
  plan_walk(in, &b, out);
  *count = total;
  return true;
}

/* ---- a plan computed again over the visits already there -------------------------------- */

static bool date_valid(const char *date) {
  int64_t day;
  return period_day_number(date, &day);
}

static bool status_valid(const char *status) {
  static const char *const known[] = {"planned", "done", "partial", "cancelled"};
  for (size_t i = 0; status && i < sizeof known / sizeof known[0]; i++)
    if (strcmp(status, known[i]) == 0)
      return true;
  return false;
}

static bool reconcile_input_valid(const struct visit_plan_entry *plan, size_t nplan,
                                  const struct visit_plan_visit *x, size_t nx,
                                  const struct visit_plan_change *out, const bool *is_new) {
  if ((nplan > 0 && (!plan || !is_new)) || (nx > 0 && (!x || !out)))
    return false;
  for (size_t k = 0; k < nplan; k++)
    if (plan[k].seq < 1 || (k > 0 && plan[k].seq <= plan[k - 1].seq) ||
        !date_valid(plan[k].due_date))
      return false;
  for (size_t i = 0; i < nx; i++)
    if (x[i].seq < 1 || (i > 0 && x[i].seq <= x[i - 1].seq) || !status_valid(x[i].status) ||
        !date_valid(x[i].due_date) || !date_valid(x[i].planned_date))
      return false;
  return true;
}

/* The change of one visit v; e its plan entry, NULL when its seq is not in the plan. */
static struct visit_plan_change reconcile_one(const struct visit_plan_visit *v,
                                              const struct visit_plan_entry *e) {
  struct visit_plan_change c = {VISIT_PLAN_KEEP, v->due_date, v->planned_date};
  bool open = strcmp(v->status, "planned") == 0;
  bool planner_cancelled = strcmp(v->status, "cancelled") == 0 && v->cancelled_by_planner;
  if (e && (open || planner_cancelled)) {
    /* IMP: SPEC D1 — 由工程部经理 … 确定回访日期: the manager's move keeps its date; the
     * rule's due date follows the plan (rules 1 and 2 in visit_plan.h). */
    const char *planned = v->moved ? v->planned_date : e->due_date;
    if (planner_cancelled)
      c.verb = VISIT_PLAN_REOPEN;
    else if (strcmp(e->due_date, v->due_date) != 0 || strcmp(planned, v->planned_date) != 0 ||
             v->other_changed)
      c.verb = VISIT_PLAN_REDATE;
    c.due_date = e->due_date;
    c.planned_date = planned;
  } else if (!e && open) {
    /* IMP: SPEC D1 — 在工程保修期内: a visit the plan no longer has is cancelled (rule 3) */
    c.verb = VISIT_PLAN_CANCEL;
  }
  /* rule 4: done, partial, cancelled by the manager — kept as they are */
  return c;
}

bool visit_plan_reconcile(const struct visit_plan_entry *plan, size_t nplan,
                          const struct visit_plan_visit *x, size_t nx,
                          struct visit_plan_change *out, bool *is_new) {
  if (!reconcile_input_valid(plan, nplan, x, nx, out, is_new))
    return false;
  for (size_t k = 0; k < nplan; k++)
    is_new[k] = true;
  size_t k = 0;
  for (size_t i = 0; i < nx; i++) {
    while (k < nplan && plan[k].seq < x[i].seq)
      k++;
    const struct visit_plan_entry *e = k < nplan && plan[k].seq == x[i].seq ? &plan[k] : NULL;
    /* rule 5: an entry with a visit is not new, whatever becomes of the visit */
    if (e)
      is_new[k] = false;
    out[i] = reconcile_one(&x[i], e);
  }
  return true;
}
