/* warranty.h — is this unit in warranty on a given date, until when, and why (SPEC B2, B3;
 * 售后部门管理细则1 1)、1–2: 我公司对所出售的产品提供从产品验收之日起一年的免费保修 … 若厂家免费
 * 质保超过壹年的，按厂家规定保修；并将向业主提供完善的终身有偿维护的保障售后服务).
 *
 * The rule: a unit is free for the company's term (the setting warranty.company_months,
 * default 12) from its acceptance date; where the manufacturer's free term is longer
 * (超过: strictly longer, Civil Code art. 1259), the manufacturer's term applies instead;
 * after the free period comes lifetime paid maintenance (终身有偿维修), parts charged at the
 * manufacturer's price list (B3). In warranty, replacement units and parts are free from the
 * company (B3: for equipment the company sold).
 *
 * Our readings, where the rulebook is not explicit:
 *   - The free period is counted by period_last_day (SPEC B2, arts. 201–202): the acceptance
 *     day is not counted in the term, so a 12-month term from 2026-01-31 ends on 2027-01-31;
 *     the unit is covered from the acceptance day itself (从产品验收之日起) through that last
 *     day, both included. The day after the last day it is out of warranty.
 *   - The manufacturer's term is given in months and counted from the same acceptance date:
 *     the rulebook compares the two terms by length (超过壹年).
 *   - For a unit the company did not sell (on site, but bought elsewhere), the company's own
 *     term does not apply — the promise is for 所出售的产品 and B3 limits free replacement to
 *     equipment the company sold. Only a manufacturer's term can put such a unit in warranty,
 *     and even then replacement is not free from the company (the owner's claim is on the
 *     manufacturer). Without a manufacturer's term it is in paid maintenance from acceptance.
 *   - Before acceptance (no acceptance date, or a date asked before it) a unit is not in
 *     warranty yet; the answer says so rather than "out of warranty".
 *
 * Pure: the date asked is an argument; no clock, no I/O, no allocation. */
#ifndef SHOUHOU_WARRANTY_H
#define SHOUHOU_WARRANTY_H

#include <stdbool.h>

#include "period.h"

#define WARRANTY_TEXT_SIZE 512 /* bytes of the explanation, NUL included (UTF-8) */

enum warranty_state {
  WARRANTY_NOT_ACCEPTED, /* not accepted yet on the date asked: the free period has not begun */
  WARRANTY_IN,           /* in the free period */
  WARRANTY_OUT,          /* out of warranty: lifetime paid maintenance (终身有偿维修) */
};

/* Which term sets the free period. It depends on the unit only, not on the date asked. */
enum warranty_basis {
  WARRANTY_BASIS_NONE,              /* no free term: not sold by the company, no manufacturer's */
  WARRANTY_BASIS_COMPANY,           /* the company's term (the manufacturer's is not longer) */
  WARRANTY_BASIS_MANUFACTURER,      /* the manufacturer's term, longer than the company's */
  WARRANTY_BASIS_EQUAL,             /* both terms equal: the company's, and they agree */
  WARRANTY_BASIS_MANUFACTURER_ONLY, /* not sold by the company: the manufacturer's term only */
};

struct warranty_unit {
  const char *acceptance_date; /* "YYYY-MM-DD"; NULL or "": not accepted yet */
  int company_months;          /* the setting warranty.company_months, at least 1 */
  int manufacturer_months;     /* the manufacturer's free term, 0 if none */
  bool sold_by_company;        /* false for equipment the company did not sell */
};

struct warranty_answer {
  enum warranty_state state;
  enum warranty_basis basis;
  int months;                          /* length of the applying term, 0 for none */
  char first_day[PERIOD_DATE_LEN + 1]; /* the acceptance date; "" when no free period */
  char last_day[PERIOD_DATE_LEN + 1];  /* last free day, included; "" when none */
  bool replacement_free;               /* units and parts free from the company (B3) */
  const char *reason;                  /* stable code, static storage (see below) */
  char text[WARRANTY_TEXT_SIZE];       /* the reason as a Chinese sentence */
};

/* The warranty of a unit on `date` (SPEC B2, B3). Fills out:
 *   state   WARRANTY_IN exactly when first_day ≤ date ≤ last_day; WARRANTY_NOT_ACCEPTED when
 *           the unit has no acceptance date or date is before it; WARRANTY_OUT otherwise.
 *   basis, months
 *           the term that governs the unit, whatever the date (also before acceptance and
 *           after expiry); months is that term's length.
 *   first_day, last_day
 *           the free period fixed by the acceptance date — also when date is before or after
 *           it, so the answer says "until when" or "since when"; both "" when there is no
 *           acceptance date or no free term (basis NONE).
 *   replacement_free
 *           true exactly when state is WARRANTY_IN and the company sold the unit. Out of
 *           warranty, parts are charged at the manufacturer's price list (B3).
 *   reason  one of
 *           "not_accepted"      no acceptance date;
 *           "before_acceptance" date is before the acceptance date;
 *           "company_term"      in warranty by the company's term;
 *           "manufacturer_term_longer"  in warranty by the manufacturer's longer term;
 *           "terms_equal"       in warranty, company's and manufacturer's terms equal;
 *           "not_sold_by_company_manufacturer_term"  in warranty by the manufacturer's term
 *                               only, the company did not sell the unit;
 *           "not_sold_by_company"  paid maintenance from acceptance: not sold by the
 *                               company and no manufacturer's term;
 *           "expired_paid_maintenance"  the free period ended before date.
 *   text    the same as one Chinese sentence with the dates and terms, e.g.
 *           "验收日期2026-01-31起，公司免费保修12个月，至2027-01-31止".
 * Returns false, out untouched, when unit, date or out is NULL, date or a non-empty
 * acceptance_date is not a valid date, company_months < 1, manufacturer_months < 0, or the
 * free period would end after 9999-12-31. */
bool warranty_status(const struct warranty_unit *unit, const char *date,
                     struct warranty_answer *out);

/* Stable names for the API: "not_accepted", "in_warranty", "paid_maintenance". */
const char *warranty_state_name(enum warranty_state state);

/* Stable names for the API: "none", "company", "manufacturer", "equal", "manufacturer_only". */
const char *warranty_basis_name(enum warranty_basis basis);

#endif
