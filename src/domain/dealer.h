/* dealer.h — dealers (SPEC A3; work plan 2 §六): the dealer archive with region and contract,
 * the dealers made independent service stations, and the records of their after-sales work —
 * capability assessments with a score, training given, and supervision findings with the
 * penalty taken under the dealer contract (《经销商合同书》).
 *
 * Scope: staff see and change the dealers inside their region grants, as for customers; a
 * dealer's user sees only its own dealership (actor->dealer_id; nothing without one).
 * Anything outside the scope is 404, never revealing that it exists; a dealer's records
 * are visible exactly when the dealer is. Every change is one unit with its audit row:
 * entity "dealer" (create, update, delete) and "dealer_record" (create). */
#ifndef SHOUHOU_DOMAIN_DEALER_H
#define SHOUHOU_DOMAIN_DEALER_H

#include <jansson.h>
#include <stdint.h>

#include "../store/dealers.h"
#include "actor.h"
#include "app.h"

/* The fields of a dealer an update may carry, as bits of a present mask. */
enum dealer_field {
  DEALER_FIELD_NAME,
  DEALER_FIELD_REGION_CODE,
  DEALER_FIELD_CONTACT_PERSON,
  DEALER_FIELD_PHONE,
  DEALER_FIELD_ADDRESS,
  DEALER_FIELD_CONTRACT_NO,
  DEALER_FIELD_CONTRACT_START,
  DEALER_FIELD_CONTRACT_END,
  DEALER_FIELD_SERVICE_STATION,
  DEALER_FIELD_STATION_SINCE,
  DEALER_FIELD_NOTE,
  DEALER_FIELD_COUNT
};

/* Creates a dealer from in (id, version and timestamps ignored). The region must exist and
 * be granted to the actor (422 region_not_granted); contract_end may not precede
 * contract_start (422 end_before_start on contract_end); station_since only for a service
 * station (422 field_not_applicable). idempotency_key (may be NULL): a repeated key returns
 * the dealer it created before, with *replayed set. Caller frees *out with dealer_free. */
enum sh_status dealer_create(struct app *app, const struct actor *actor, const struct dealer *in,
                             const char *idempotency_key, struct dealer **out, bool *replayed,
                             struct sh_error *err);

enum sh_status dealer_get(struct app *app, const struct actor *actor, int64_t id,
                          struct dealer **out, struct sh_error *err);

/* Applies the fields of in marked in present, if version is the one stored (409
 * "stale_version" otherwise, nothing written). Ending the service station needs
 * station_since cleared too (422 field_not_applicable otherwise: nothing is dropped
 * silently). */
enum sh_status dealer_update(struct app *app, const struct actor *actor, int64_t id,
                             int64_t version, const struct dealer *in, uint64_t present,
                             struct dealer **out, struct sh_error *err);

/* Soft-deletes the dealer if version is current. Its records stay, unseen with it; users
 * and customers linked to it keep the link (a deleted dealership shows nothing). */
enum sh_status dealer_delete(struct app *app, const struct actor *actor, int64_t id,
                             int64_t version, struct sh_error *err);

/* A page of the list. The caller sets paging and sort in the filter; the scope comes from
 * the actor. Caller frees with dealer_list_free and free(*ranks). */
enum sh_status dealer_list(struct app *app, const struct actor *actor,
                           const struct dealer_filter *filter, struct dealer ***out,
                           int64_t **ranks, size_t *count, int64_t *total, struct sh_error *err);
void dealer_list_free(struct dealer **list, size_t count);

/* Records a dealer's assessment, training or supervision (in->dealer_id is the dealer, which
 * must be in the actor's scope). kind is a value of the dictionary dealer_record_kind;
 * held_on may not be after today in the configured zone (422 date_in_future: a record is of
 * something that happened). Our reading of work plan 2 §六: an assessment carries a score
 * 0..100; training names its topic; supervision states its findings and may carry the
 * penalty under the contract and a fine in fen; score is refused on other kinds, penalty and
 * fine on kinds other than supervision (422 field_not_applicable). in->score and
 * in->penalty_fen are -1 when absent. Caller clears and frees *out. */
enum sh_status dealer_record_create(struct app *app, const struct actor *actor,
                                    const struct dealer_record *in, const char *idempotency_key,
                                    struct dealer_record **out, bool *replayed,
                                    struct sh_error *err);

/* The records of a dealer in the actor's scope (404 otherwise), by held_on (newest first
 * when f->descending), ties by id. Caller frees with dealer_records_free. */
enum sh_status dealer_record_list(struct app *app, const struct actor *actor,
                                  const struct dealer_record_filter *f, struct dealer_record **out,
                                  size_t *count, int64_t *total, struct sh_error *err);

/* The dealer's fields as JSON, as they appear in audit rows and API bodies (no id, version
 * or timestamps); absent dates are null. */
json_t *dealer_fields_json(const struct dealer *d);
/* The same for a record (no id, recorder or timestamp); absent score and fine are null. */
json_t *dealer_record_fields_json(const struct dealer_record *r);

#endif
