/* settings.c — SQL for stored setting values. */
#include "settings.h"

#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"

void setting_row_free(struct setting_row *s) {
  if (!s)
    return;
  free(s->key);
  free(s->value);
  memset(s, 0, sizeof *s);
}

static void from_row(const struct store_rows *rows, size_t r, struct setting_row *s) {
  s->key = store_rows_strdup(rows, r, 0);
  s->value = store_rows_strdup(rows, r, 1);
  s->updated_at = store_rows_int(rows, r, 2);
  s->updated_by = store_rows_int(rows, r, 3);
  s->version = store_rows_int(rows, r, 4);
}

#define SETTING_COLUMNS "key, value, updated_at, COALESCE(updated_by, 0), version"

enum sh_status store_setting_get(struct store_tx *tx, const char *key, struct setting_row *out,
                                 struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(key)};
  enum sh_status rc =
      store_exec(tx, "SELECT " SETTING_COLUMNS " FROM settings WHERE key = $1", p, 1, &rows, err);
  memset(out, 0, sizeof *out);
  if (rc == SH_OK && store_rows_count(rows) > 0) {
    from_row(rows, 0, out);
    if (!out->key || !out->value) {
      setting_row_free(out);
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    }
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_setting_list(struct store_tx *tx, struct setting_row **out, size_t *count,
                                  struct sh_error *err) {
  struct store_rows *rows = NULL;
  enum sh_status rc =
      store_exec(tx, "SELECT " SETTING_COLUMNS " FROM settings ORDER BY key", NULL, 0, &rows, err);
  if (rc != SH_OK)
    return rc;
  size_t n = store_rows_count(rows);
  struct setting_row *list = sh_calloc(n, sizeof *list);
  if (!list) {
    store_rows_free(rows);
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  for (size_t i = 0; i < n; i++)
    from_row(rows, i, &list[i]);
  store_rows_free(rows);
  *out = list;
  *count = n;
  return SH_OK;
}

enum sh_status store_setting_put(struct store_tx *tx, const char *key, const char *value,
                                 int64_t version, int64_t now, int64_t user_id,
                                 struct sh_error *err) {
  enum sh_status rc;
  if (version == 0) {
    struct store_param p[] = {SP_TEXT(key), SP_TEXT(value), SP_INT(now),
                              user_id ? SP_INT(user_id) : SP_NULL()};
    rc = store_exec(tx,
                    "INSERT INTO settings (key, value, updated_at, updated_by, version) "
                    "VALUES ($1, $2, $3, $4, 1) ON CONFLICT (key) DO NOTHING",
                    p, 4, NULL, err);
  } else {
    struct store_param p[] = {SP_TEXT(value), SP_INT(now), user_id ? SP_INT(user_id) : SP_NULL(),
                              SP_TEXT(key), SP_INT(version)};
    rc = store_exec(tx,
                    "UPDATE settings SET value = $1, updated_at = $2, updated_by = $3, "
                    "version = version + 1 WHERE key = $4 AND version = $5",
                    p, 5, NULL, err);
  }
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return rc;
}
