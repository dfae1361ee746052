/* kpi.c — the return-visit rate and the satisfaction rate, and how each visit counts in them
 * (SPEC D5; the formulas and our readings are in kpi.h). Design: integers only — a rate is
 * kept as its numerator and denominator, shown in permille rounded down, and a target is
 * compared by cross-multiplying, so no rounding ever turns a missed target into a met one. */
#include "kpi.h"

#include <string.h>

#include "../base/timefmt.h"

/* The largest denominator whose products with 1000 (and so with any target 0..1000, and
 * with any numerator up to it) fit in int64_t. */
#define KPI_MAX_DENOMINATOR (INT64_MAX / 1000)

/* IMP: SPEC D5 — 保修期内客户回访率: a visit counts once its due date has passed or it is
 * done; done on or before the due date is on time, after it late; cancelled is left out. */
enum kpi_visit_class kpi_visit_classify(const char *due_date, const char *status,
                                        const char *done_on, const char *as_of) {
  if (!status || !date_valid(due_date) || !date_valid(as_of))
    return KPI_VISIT_EXCLUDED;
  if (strcmp(status, "done") == 0 || strcmp(status, "partial") == 0) {
    /* a partial visit was made: its unfinished items carry to the next one (SPEC D1) */
    if (!date_valid(done_on))
      return KPI_VISIT_EXCLUDED;
    return strcmp(done_on, due_date) <= 0 ? KPI_VISIT_ON_TIME : KPI_VISIT_LATE;
  }
  if (strcmp(status, "planned") == 0)
    /* a visit due today can still be made today */
    return strcmp(due_date, as_of) < 0 ? KPI_VISIT_MISSING : KPI_VISIT_NOT_DUE;
  return KPI_VISIT_EXCLUDED; /* "cancelled", or a status we do not know */
}

const char *kpi_visit_class_name(enum kpi_visit_class c) {
  switch (c) {
  case KPI_VISIT_NOT_DUE:
    return "not_due";
  case KPI_VISIT_ON_TIME:
    return "on_time";
  case KPI_VISIT_LATE:
    return "late";
  case KPI_VISIT_MISSING:
    return "missing";
  default:
    return "excluded";
  }
}

/* IMP: SPEC D5 — 回访率100%, 满意率98%以上: permille rounded down for display; the target is
 * met when numerator × 1000 ≥ target × denominator, compared exactly. */
bool kpi_rate(int64_t numerator, int64_t denominator, int64_t target_permille,
              struct kpi_rate *out) {
  if (!out || numerator < 0 || denominator < numerator || target_permille < 0 ||
      target_permille > 1000 || denominator > KPI_MAX_DENOMINATOR)
    return false;
  struct kpi_rate r = {.numerator = numerator, .denominator = denominator};
  r.defined = denominator > 0;
  if (r.defined) {
    r.permille = numerator * 1000 / denominator; /* both ≥ 0: C's division is the floor */
    r.target_met = numerator * 1000 >= target_permille * denominator;
  }
  *out = r;
  return true;
}

/* IMP: SPEC D5 — an explicit yes/no decides; else the 1-5 score against the setting
 * visit.satisfied_min_score; else the customer did not answer. */
int kpi_satisfied(int satisfied, int score, int min_score) {
  if (satisfied == 0 || satisfied == 1)
    return satisfied;
  if (score < 1 || score > 5 || min_score < 1 || min_score > 5)
    return -1;
  return score >= min_score ? 1 : 0;
}
