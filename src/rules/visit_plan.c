/* visit_plan.c — the return visits a project in warranty is due (SPEC D1; the rule and our
 * readings are in visit_plan.h). Design: the warranty's last day is the latest of the
 * company's term and each unit's free period as warranty.c gives it, so the plan and the
 * warranty answer never disagree about a unit; the plan is walked twice — once to count,
 * once to write — so that a refusal leaves the caller's array untouched. */
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
