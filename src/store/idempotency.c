/* idempotency.c — SQL for Idempotency-Key rows. */
#include "idempotency.h"

#include <stdio.h>
#include <string.h>

enum sh_status store_idempotency_get(struct store_tx *tx, int64_t user_id, const char *key,
                                     const char *route, int64_t *entity_id, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(user_id), SP_TEXT(key)};
  enum sh_status rc =
      store_exec(tx, "SELECT route, body FROM idempotency_keys WHERE user_id = $1 AND key = $2", p,
                 2, &rows, err);
  *entity_id = 0;
  if (rc == SH_OK && store_rows_count(rows) > 0) {
    if (strcmp(store_rows_text(rows, 0, 0), route) != 0)
      rc = sh_fail(err, SH_ERR_CONFLICT, "idempotency_key_reused", "Idempotency-Key", NULL);
    else
      *entity_id = store_rows_int(rows, 0, 1);
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_idempotency_put(struct store_tx *tx, int64_t user_id, const char *key,
                                     const char *route, int64_t entity_id, int64_t now,
                                     struct sh_error *err) {
  char body[24];
  snprintf(body, sizeof body, "%lld", (long long)entity_id);
  struct store_param p[] = {SP_INT(user_id), SP_TEXT(key),  SP_TEXT(route),
                            SP_INT(201),     SP_TEXT(body), SP_INT(now)};
  return store_exec(tx,
                    "INSERT INTO idempotency_keys (user_id, key, route, status, body, "
                    "created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    p, 6, NULL, err);
}
