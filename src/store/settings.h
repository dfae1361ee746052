/* settings.h — stored setting values (the definitions and defaults live in
 * domain/settings_table.c; a row here exists only once an administrator set a value). */
#ifndef SHOUHOU_STORE_SETTINGS_H
#define SHOUHOU_STORE_SETTINGS_H

#include <stdint.h>

#include "store.h"

struct setting_row {
  char *key;
  char *value;
  int64_t updated_at; /* UTC seconds */
  int64_t updated_by; /* user id, 0 for the command line */
  int64_t version;
};

void setting_row_free(struct setting_row *s);

/* *out gets the row, or stays zeroed (key NULL) when the key was never set. */
enum sh_status store_setting_get(struct store_tx *tx, const char *key, struct setting_row *out,
                                 struct sh_error *err);
/* All stored rows ordered by key. Caller frees each and the array. */
enum sh_status store_setting_list(struct store_tx *tx, struct setting_row **out, size_t *count,
                                  struct sh_error *err);
/* Inserts or updates. version is the version the caller read (0 for "never set"); a
 * different current version fails with SH_ERR_CONFLICT "stale_version". */
enum sh_status store_setting_put(struct store_tx *tx, const char *key, const char *value,
                                 int64_t version, int64_t now, int64_t user_id,
                                 struct sh_error *err);

#endif
