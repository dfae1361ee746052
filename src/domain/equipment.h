/* equipment.h — equipment units under projects (SPEC B1) and their warranty on any date
 * (SPEC B2, B3: rules/warranty.h holds the rule; this file feeds it the unit's terms).
 *
 * A unit is visible exactly when its customer is (outside: 404) and takes its customer from
 * its project. Serial numbers are kept as typed, with full-width letters and digits folded
 * to half-width and surrounding spaces removed, so "ＳＮ００１ " and "SN001" are one serial;
 * a serial is unique per model among live units (409 duplicate naming serial_no); a deleted
 * unit frees its serial. Each change is one unit of work with its audit row. */
#ifndef SHOUHOU_DOMAIN_EQUIPMENT_H
#define SHOUHOU_DOMAIN_EQUIPMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../rules/warranty.h"
#include "../store/equipment.h"
#include "actor.h"
#include "app.h"

/* The fields a create or update may carry, as bits of a present mask. */
enum equipment_field {
  EQUIPMENT_FIELD_PROJECT_ID,
  EQUIPMENT_FIELD_SERIAL_NO,
  EQUIPMENT_FIELD_MODEL,
  EQUIPMENT_FIELD_NAME,
  EQUIPMENT_FIELD_CATEGORY,
  EQUIPMENT_FIELD_SUPPLIER_ID,
  EQUIPMENT_FIELD_BATCH,
  EQUIPMENT_FIELD_SOLD_BY_COMPANY,
  EQUIPMENT_FIELD_INSTALL_SITE,
  EQUIPMENT_FIELD_MANUFACTURER_MONTHS,
  EQUIPMENT_FIELD_ACCEPTANCE_DATE,
  EQUIPMENT_FIELD_NOTE,
  EQUIPMENT_FIELD_COUNT
};

/* A serial number or model as stored: full-width ASCII folded to half-width, the
 * ideographic space to a space, surrounding spaces removed; case kept. NULL in gives NULL
 * out; NULL also when out of memory. Caller frees. */
char *equipment_normalize_code(const char *s);

/* Creates a unit from in. The project must be visible (422 unknown_project), the category
 * a dictionary value (default "other"), the supplier a live supplier (422
 * unknown_supplier). idempotency_key as in customer_create. Caller frees *out with
 * equipment_free. */
enum sh_status equipment_create(struct app *app, const struct actor *actor,
                                const struct equipment *in, const char *idempotency_key,
                                struct equipment **out, bool *replayed, struct sh_error *err);

/* Inside the caller's unit (imports add many units in one): checks e exactly as
 * equipment_create does — normalizing its serial number and model and defaulting its
 * category in place (e's serial_no, model and category are heap strings this call may
 * replace; the caller frees them), setting e->customer_id from the project — and, when
 * insert is set, inserts it with its audit row; *id gets the new id. Without insert, a
 * serial number taken for the model is 409 duplicate as the insert would say. */
enum sh_status equipment_create_in(struct store_tx *tx, const struct actor *actor,
                                   struct equipment *e, bool insert, int64_t now, int64_t *id,
                                   struct sh_error *err);

enum sh_status equipment_get(struct app *app, const struct actor *actor, int64_t id,
                             struct equipment **out, struct sh_error *err);

/* Applies the fields of in marked in present, if version is current. A new project must be
 * visible; the unit then takes that project's customer. */
enum sh_status equipment_update(struct app *app, const struct actor *actor, int64_t id,
                                int64_t version, const struct equipment *in, uint64_t present,
                                struct equipment **out, struct sh_error *err);

enum sh_status equipment_delete(struct app *app, const struct actor *actor, int64_t id,
                                int64_t version, struct sh_error *err);

/* A page of the list (scope from the actor). Caller frees with equipment_list_free. */
enum sh_status equipment_list(struct app *app, const struct actor *actor,
                              const struct equipment_filter *filter, struct equipment ***out,
                              size_t *count, int64_t *total, struct sh_error *err);

/* "Is this unit in warranty on date D, until when, and why?" (SPEC B2, B3). */
struct equipment_warranty {
  char date[PERIOD_DATE_LEN + 1];            /* the date asked */
  char acceptance_date[PERIOD_DATE_LEN + 1]; /* the one used, "" if none */
  const char *acceptance_source;             /* "equipment", "project" or NULL; static */
  int company_months;                        /* the setting warranty.company_months */
  int manufacturer_months;
  bool sold_by_company;
  struct warranty_answer answer;
};

/* The warranty of the unit on date ("YYYY-MM-DD"; NULL: today in the display zone), from
 * the unit's acceptance date or else its project's, the setting warranty.company_months,
 * the unit's manufacturer's term and whether the company sold it. */
enum sh_status equipment_warranty(struct app *app, const struct actor *actor, int64_t id,
                                  const char *date, struct equipment_warranty *out,
                                  struct sh_error *err);

/* The editable fields of a unit as JSON, as audit rows and API bodies show them. */
json_t *equipment_fields_json(const struct equipment *e);

#endif
