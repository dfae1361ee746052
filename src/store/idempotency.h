/* idempotency.h — Idempotency-Key rows (DESIGN.md: a client that lost the connection during
 * COMMIT retries with the same key and never creates twice). The row is written in the same
 * unit as what it created, so it exists exactly when the creation committed. */
#ifndef SHOUHOU_STORE_IDEMPOTENCY_H
#define SHOUHOU_STORE_IDEMPOTENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

/* *entity_id gets the id created under (user, key, route), or 0 if the key is new.
 * SH_ERR_CONFLICT "idempotency_key_reused" if the key was used for another route. */
enum sh_status store_idempotency_get(struct store_tx *tx, int64_t user_id, const char *key,
                                     const char *route, int64_t *entity_id, struct sh_error *err);
enum sh_status store_idempotency_put(struct store_tx *tx, int64_t user_id, const char *key,
                                     const char *route, int64_t entity_id, int64_t now,
                                     struct sh_error *err);

#endif
