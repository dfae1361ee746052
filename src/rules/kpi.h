/* kpi.h — the return-visit and satisfaction KPIs and how each visit counts in them (SPEC D5;
 * 工作计划2 三: 1、保修期内客户回访率为100%. 2、服务满意率98%以上).
 *
 * Return-visit rate in warranty (回访率) = visits done on time ÷ visits due, over the planned
 * visits (D1) whose due date (by the rule, not a date the manager moved) lies in the period:
 *   - a visit done (status done or partial) on or before its due date is ON_TIME — also
 *     before the due date has come;
 *   - one done after its due date is LATE (due, not on time);
 *   - one not done whose due date is over (due_date < as_of) is MISSING (due, not done);
 *   - one not done whose due date is today or later is NOT_DUE and not counted yet — a visit
 *     due today can still be made today;
 *   - a cancelled visit (the warranty changed, the project was removed) is EXCLUDED.
 *   rate = ON_TIME ÷ (ON_TIME + LATE + MISSING).
 * Satisfaction rate (满意率) = visits whose customer was satisfied ÷ visits where the
 * customer answered the question, over the visits (planned and follow-up) done in the
 * period. A 1-5 score without an explicit answer counts as satisfied at or above the
 * setting visit.satisfied_min_score (ours: 4, "满意" on the usual five-point scale).
 *
 * Rates are shown in permille rounded down, so that 97.96 % never shows as a met 98 %; a
 * target is met when numerator × 1000 ≥ target × denominator, exactly. With nothing
 * counted (denominator 0) a rate is undefined and shown as "—" (no target is met or missed).
 *
 * Pure: no clock, no I/O. */
#ifndef SHOUHOU_KPI_H
#define SHOUHOU_KPI_H

#include <stdbool.h>
#include <stdint.h>

enum kpi_visit_class {
  KPI_VISIT_NOT_DUE,
  KPI_VISIT_ON_TIME,
  KPI_VISIT_LATE,
  KPI_VISIT_MISSING,
  KPI_VISIT_EXCLUDED,
};

/* How a planned visit counts on the day as_of. status: "planned", "done", "partial",
 * "cancelled"; done_on the local day it was done (NULL when not done). Dates "YYYY-MM-DD".
 * A status not listed, a missing or invalid date: KPI_VISIT_EXCLUDED. The status is taken
 * as it stands: done_on decides on time or late against due_date only (it is not compared
 * with as_of), and a planned visit's done_on is ignored. */
enum kpi_visit_class kpi_visit_classify(const char *due_date, const char *status,
                                        const char *done_on, const char *as_of);

/* "not_due", "on_time", "late", "missing", "excluded". */
const char *kpi_visit_class_name(enum kpi_visit_class c);

struct kpi_rate {
  int64_t numerator, denominator;
  bool defined;     /* denominator > 0 */
  int64_t permille; /* floor(1000 × numerator ÷ denominator); 0 when undefined */
  bool target_met;  /* defined and numerator × 1000 ≥ target × denominator */
};

/* The rate against target_permille (0..1000). False, out untouched, when out is NULL,
 * numerator < 0, denominator < numerator, target outside 0..1000, or a product would
 * overflow (denominator > INT64_MAX / 1000). */
bool kpi_rate(int64_t numerator, int64_t denominator, int64_t target_permille,
              struct kpi_rate *out);

/* Satisfied or not from a visit's answer: an explicit answer (satisfied 0 or 1) decides;
 * else a score 1..5 decides against min_score (1..5): 1 when score >= min_score, else 0;
 * else -1 (not answered; also when min_score is outside 1..5). */
int kpi_satisfied(int satisfied, int score, int min_score);

#endif
