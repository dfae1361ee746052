/* warranty.c — warranty status of a unit on a date (SPEC B2, B3; the rule and our readings
 * are in warranty.h). Design: the governing term depends on the unit alone and is chosen
 * first; the date asked then only places itself before, inside or after the free period. */
#include "warranty.h"

#include <stdio.h>
#include <string.h>

#include "../base/timefmt.h"

/* IMP: SPEC B2 — the company's term, or the manufacturer's where it is longer (超过壹年);
 * SPEC B3 — for a unit the company did not sell, the manufacturer's term only (our reading). */
static enum warranty_basis governing_basis(const struct warranty_unit *unit, int *months) {
  int company = unit->company_months, manufacturer = unit->manufacturer_months;
  *months = manufacturer;
  if (!unit->sold_by_company)
    return manufacturer > 0 ? WARRANTY_BASIS_MANUFACTURER_ONLY : WARRANTY_BASIS_NONE;
  if (manufacturer > company)
    return WARRANTY_BASIS_MANUFACTURER;
  *months = company;
  return manufacturer == company ? WARRANTY_BASIS_EQUAL : WARRANTY_BASIS_COMPANY;
}

static const char *in_warranty_reason(enum warranty_basis basis) {
  switch (basis) {
  case WARRANTY_BASIS_MANUFACTURER:
    return "manufacturer_term_longer";
  case WARRANTY_BASIS_EQUAL:
    return "terms_equal";
  case WARRANTY_BASIS_MANUFACTURER_ONLY:
    return "not_sold_by_company_manufacturer_term";
  default:
    return "company_term";
  }
}

/* The sentence of a unit in its free period. */
static void explain_in(const struct warranty_answer *a, const struct warranty_unit *unit,
                       char text[WARRANTY_TEXT_SIZE]) {
  const char *first = a->first_day, *last = a->last_day;
  switch (a->basis) {
  case WARRANTY_BASIS_MANUFACTURER:
    snprintf(text, WARRANTY_TEXT_SIZE,
             "验收日期%s起，厂家免费保修%d个月，长于公司的%d个月，按厂家规定保修，至%s止", first,
             a->months, unit->company_months, last);
    break;
  case WARRANTY_BASIS_EQUAL:
    snprintf(text, WARRANTY_TEXT_SIZE, "验收日期%s起，公司与厂家免费保修均为%d个月，至%s止", first,
             a->months, last);
    break;
  case WARRANTY_BASIS_MANUFACTURER_ONLY:
    snprintf(text, WARRANTY_TEXT_SIZE,
             "非我公司出售的设备，公司免费保修不适用；验收日期%s起按厂家规定免费保修%d个月，"
             "至%s止，更换件不由我公司免费提供",
             first, a->months, last);
    break;
  default:
    snprintf(text, WARRANTY_TEXT_SIZE, "验收日期%s起，公司免费保修%d个月，至%s止", first, a->months,
             last);
  }
}

/* Who gives the free term, as the expiry sentence names it. */
static const char *term_giver(enum warranty_basis basis) {
  switch (basis) {
  case WARRANTY_BASIS_MANUFACTURER:
    return "按厂家规定";
  case WARRANTY_BASIS_EQUAL:
    return "公司与厂家均";
  case WARRANTY_BASIS_MANUFACTURER_ONLY:
    return "按厂家规定（非我公司出售）";
  default:
    return "公司";
  }
}

/* The sentence of the answer's reason. */
static void explain(const struct warranty_answer *a, const struct warranty_unit *unit,
                    const char *date, char text[WARRANTY_TEXT_SIZE]) {
  const char *paid = "终身有偿维修，配件按厂家价目表收费";
  if (strcmp(a->reason, "not_accepted") == 0)
    snprintf(text, WARRANTY_TEXT_SIZE, "尚未验收：免费保修期自验收之日起算，尚未开始");
  else if (strcmp(a->reason, "before_acceptance") == 0 && a->basis == WARRANTY_BASIS_NONE)
    snprintf(text, WARRANTY_TEXT_SIZE,
             "查询日期%s早于验收日期%s，尚未验收：非我公司出售的设备且无厂家免费保修，验收后为%s",
             date, unit->acceptance_date, paid);
  else if (strcmp(a->reason, "before_acceptance") == 0)
    snprintf(text, WARRANTY_TEXT_SIZE, "查询日期%s早于验收日期%s，尚未验收：免费保修期将为%s至%s",
             date, unit->acceptance_date, a->first_day, a->last_day);
  else if (strcmp(a->reason, "not_sold_by_company") == 0)
    snprintf(text, WARRANTY_TEXT_SIZE,
             "非我公司出售的设备，公司免费保修不适用，且无厂家免费保修：%s", paid);
  else if (strcmp(a->reason, "expired_paid_maintenance") == 0)
    snprintf(text, WARRANTY_TEXT_SIZE, "验收日期%s起，%s免费保修%d个月，已于%s届满：%s",
             a->first_day, term_giver(a->basis), a->months, a->last_day, paid);
  else
    explain_in(a, unit, text);
}

/* Places the date asked against the free period: state and reason. */
static void place_date(struct warranty_answer *a, const char *acceptance, const char *date) {
  if (!acceptance) {
    a->state = WARRANTY_NOT_ACCEPTED;
    a->reason = "not_accepted";
  } else if (period_compare_dates(date, acceptance) < 0) {
    a->state = WARRANTY_NOT_ACCEPTED;
    a->reason = "before_acceptance";
  } else if (a->basis == WARRANTY_BASIS_NONE) {
    a->state = WARRANTY_OUT;
    a->reason = "not_sold_by_company";
  } else if (period_compare_dates(date, a->last_day) <= 0) {
    a->state = WARRANTY_IN; /* IMP: SPEC B2 — from the acceptance day through the last day */
    a->reason = in_warranty_reason(a->basis);
  } else {
    a->state = WARRANTY_OUT; /* IMP: SPEC B2 — after that, lifetime paid maintenance */
    a->reason = "expired_paid_maintenance";
  }
}

bool warranty_status(const struct warranty_unit *unit, const char *date,
                     struct warranty_answer *out) {
  if (!unit || !out || !date_valid(date) || unit->company_months < 1 ||
      unit->manufacturer_months < 0)
    return false;
  const char *acceptance = unit->acceptance_date;
  if (acceptance && !acceptance[0])
    acceptance = NULL;
  if (acceptance && !date_valid(acceptance))
    return false;
  struct warranty_answer a = {0};
  a.basis = governing_basis(unit, &a.months);
  if (acceptance && a.basis != WARRANTY_BASIS_NONE) {
    if (!period_last_day(acceptance, a.months, a.last_day))
      return false;
    memcpy(a.first_day, acceptance, PERIOD_DATE_LEN + 1);
  }
  place_date(&a, acceptance, date);
  /* IMP: SPEC B3 — in warranty, replacement units and parts free, for equipment we sold */
  a.replacement_free = a.state == WARRANTY_IN && unit->sold_by_company;
  explain(&a, unit, date, a.text);
  *out = a;
  return true;
}

const char *warranty_state_name(enum warranty_state state) {
  switch (state) {
  case WARRANTY_IN:
    return "in_warranty";
  case WARRANTY_OUT:
    return "paid_maintenance";
  default:
    return "not_accepted";
  }
}

const char *warranty_basis_name(enum warranty_basis basis) {
  static const char *const names[] = {"none", "company", "manufacturer", "equal",
                                      "manufacturer_only"};
  return (unsigned)basis < sizeof names / sizeof names[0] ? names[basis] : "none";
}
