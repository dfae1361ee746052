/* supplier.h — parts suppliers (SPEC A4): accurate contact data (work plan 2 §五.1) and the
 * audits of outsourced suppliers with their findings (work plan 1 §三.1).
 *
 * Suppliers are company-wide, not region-scoped: every role with supplier:read sees every
 * supplier, whatever its region grants, because one supplier serves the whole company. A
 * deleted supplier is 404. Every change is one unit with its audit row: entity "supplier"
 * (create, update, delete) and "supplier_audit" (create). */
#ifndef SHOUHOU_DOMAIN_SUPPLIER_H
#define SHOUHOU_DOMAIN_SUPPLIER_H

#include <jansson.h>
#include <stdint.h>

#include "../store/suppliers.h"
#include "actor.h"
#include "app.h"

/* The fields of a supplier an update may carry, as bits of a present mask. */
enum supplier_field {
  SUPPLIER_FIELD_NAME,
  SUPPLIER_FIELD_REGION_CODE,
  SUPPLIER_FIELD_CONTACT_PERSON,
  SUPPLIER_FIELD_PHONE,
  SUPPLIER_FIELD_EMAIL,
  SUPPLIER_FIELD_ADDRESS,
  SUPPLIER_FIELD_SUPPLIES,
  SUPPLIER_FIELD_OUTSOURCED,
  SUPPLIER_FIELD_NOTE,
  SUPPLIER_FIELD_COUNT
};

/* Creates a supplier from in (id, version and timestamps ignored). region_code, when given,
 * must be a known region (no grant needed: suppliers are company-wide); the phone is folded
 * to half-width (422 invalid_phone); the e-mail must look like one (422 invalid_email).
 * idempotency_key (may be NULL): a repeated key returns the supplier it created before, with
 * *replayed set. Caller frees *out with supplier_free. */
enum sh_status supplier_create(struct app *app, const struct actor *actor,
                               const struct supplier *in, const char *idempotency_key,
                               struct supplier **out, bool *replayed, struct sh_error *err);

enum sh_status supplier_get(struct app *app, int64_t id, struct supplier **out,
                            struct sh_error *err);

/* Applies the fields of in marked in present, if version is the one stored (409
 * "stale_version" otherwise, nothing written). */
enum sh_status supplier_update(struct app *app, const struct actor *actor, int64_t id,
                               int64_t version, const struct supplier *in, uint64_t present,
                               struct supplier **out, struct sh_error *err);

/* Soft-deletes the supplier if version is current; its audits stay, unseen with it. */
enum sh_status supplier_delete(struct app *app, const struct actor *actor, int64_t id,
                               int64_t version, struct sh_error *err);

/* A page of the list; the caller sets paging and sort in the filter. Caller frees with
 * supplier_list_free and free(*ranks). */
enum sh_status supplier_list(struct app *app, const struct supplier_filter *filter,
                             struct supplier ***out, int64_t **ranks, size_t *count, int64_t *total,
                             struct sh_error *err);
void supplier_list_free(struct supplier **list, size_t count);

/* Records an audit of in->supplier_id (404 if there is no such live supplier). result is a
 * value of the dictionary supplier_audit_result; findings are required unless the result is
 * "passed" (a supplier that did not pass is told what to correct); audited_on may not be
 * after today in the configured zone (422 date_in_future). Any supplier may be audited, not
 * only outsourced ones: work plan 1 §三.1 asks for more audits of the outsourced, it does
 * not forbid auditing the others. Caller clears and frees *out. */
enum sh_status supplier_audit_create(struct app *app, const struct actor *actor,
                                     const struct supplier_audit *in, const char *idempotency_key,
                                     struct supplier_audit **out, bool *replayed,
                                     struct sh_error *err);

/* The audits of a live supplier (404 otherwise), by audited_on (newest first when
 * f->descending), ties by id. Caller frees with supplier_audits_free. */
enum sh_status supplier_audit_list(struct app *app, const struct supplier_audit_filter *f,
                                   struct supplier_audit **out, size_t *count, int64_t *total,
                                   struct sh_error *err);

/* The supplier's fields as JSON, as they appear in audit rows and API bodies (no id, version
 * or timestamps); a missing region is null. */
json_t *supplier_fields_json(const struct supplier *s);
/* The same for an audit (no id, recorder or timestamp). */
json_t *supplier_audit_fields_json(const struct supplier_audit *a);

#endif
