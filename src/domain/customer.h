/* customer.h — the customer archive (SPEC A1, A2): registered by region, with contacts,
 * addresses and the responsible person, classified by customer group and product types,
 * key customers flagged; every change kept with who and when.
 *
 * Every call checks the caller's region grants in the query (404 for anything outside them,
 * never revealing that it exists) and writes the change with its audit row in one unit. */
#ifndef SHOUHOU_DOMAIN_CUSTOMER_H
#define SHOUHOU_DOMAIN_CUSTOMER_H

#include <jansson.h>
#include <stdint.h>

#include "../store/audit.h"
#include "../store/customers.h"
#include "actor.h"
#include "app.h"

/* The fields of a customer an update may carry, as bits of a present mask. */
enum customer_field {
  CUSTOMER_FIELD_NAME,
  CUSTOMER_FIELD_KIND,
  CUSTOMER_FIELD_REGION_CODE,
  CUSTOMER_FIELD_ADDRESS,
  CUSTOMER_FIELD_PHONE,
  CUSTOMER_FIELD_RESPONSIBLE_PERSON,
  CUSTOMER_FIELD_CUSTOMER_GROUP,
  CUSTOMER_FIELD_PRODUCT_TYPES,
  CUSTOMER_FIELD_KEY_CUSTOMER,
  CUSTOMER_FIELD_NOTE,
  CUSTOMER_FIELD_CONTACTS,
  CUSTOMER_FIELD_ADDRESSES,
  CUSTOMER_FIELD_DEALER_ID, /* the dealership that sold to the customer (SPEC A3) */
  CUSTOMER_FIELD_COUNT
};

/* Creates a customer from in (id, version and timestamps ignored). idempotency_key (may be
 * NULL): a repeated key returns the customer it created before, with *replayed set. *out
 * gets the stored customer; caller frees with customer_free. */
enum sh_status customer_create(struct app *app, const struct actor *actor,
                               const struct customer *in, const char *idempotency_key,
                               struct customer **out, bool *replayed, struct sh_error *err);

enum sh_status customer_get(struct app *app, const struct actor *actor, int64_t id,
                            struct customer **out, struct sh_error *err);

/* Inside the caller's unit (imports add many customers in one): checks c exactly as
 * customer_create does — folding its phone numbers in place — and, when insert is set,
 * inserts it with its audit row; *id gets the new id. */
enum sh_status customer_create_in(struct store_tx *tx, const struct actor *actor,
                                  struct customer *c, bool insert, int64_t now, int64_t *id,
                                  struct sh_error *err);

/* Applies the fields of in marked in present, if version is the one stored (409
 * "stale_version" otherwise, nothing written). */
enum sh_status customer_update(struct app *app, const struct actor *actor, int64_t id,
                               int64_t version, const struct customer *in, uint64_t present,
                               struct customer **out, struct sh_error *err);

/* Soft-deletes the customer if version is current. */
enum sh_status customer_delete(struct app *app, const struct actor *actor, int64_t id,
                               int64_t version, struct sh_error *err);

/* A page of the list. The caller sets paging and sort in the filter; the scope comes from
 * the actor. */
enum sh_status customer_list(struct app *app, const struct actor *actor,
                             const struct customer_filter *filter, struct customer ***out,
                             int64_t **ranks, size_t *count, int64_t *total, struct sh_error *err);
void customer_list_free(struct customer **list, size_t count);

/* The change history of one customer (audit rows, newest first), if the actor may see it. */
enum sh_status customer_history(struct app *app, const struct actor *actor, int64_t id,
                                int64_t before_id, int64_t limit, struct audit_record **out,
                                size_t *count, int64_t *total, struct sh_error *err);

/* The customer's fields as JSON, as they appear in audit rows and API bodies (no id,
 * version or timestamps). */
json_t *customer_fields_json(const struct customer *c);

#endif
