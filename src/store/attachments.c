/* attachments.c — attachments in SQL (see attachments.h). The bytes go in as a bound blob
 * and come back as hex text from both databases (hex() on SQLite, encode(…, 'hex') on
 * PostgreSQL: libpq's text result would otherwise escape bytea), decoded here. */
#include "attachments.h"

#include <stddef.h>
#include <stdlib.h>

#include "../base/codec.h"
#include "../base/mem.h"

void attachment_info_free(struct attachment_info *info) {
  if (!info)
    return;
  free(info->owner_kind);
  free(info->kind);
  free(info->name);
  free(info->content_type);
  free(info->sha256);
  free(info);
}

enum sh_status store_attachment_insert(struct store_tx *tx, const struct attachment_info *info,
                                       const void *data, size_t len, int64_t *id,
                                       struct sh_error *err) {
  struct store_param v[] = {
      SP_TEXT(info->owner_kind),
      SP_INT(info->owner_id),
      SP_TEXT(info->kind),
      SP_TEXT(info->name),
      SP_TEXT(info->content_type),
      SP_INT((int64_t)len),
      SP_TEXT(info->sha256),
      {.type = STORE_P_BLOB, .s = data, .len = len},
      info->created_by ? SP_INT(info->created_by) : SP_NULL(),
      SP_INT(info->created_at),
  };
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx,
                                 "INSERT INTO attachments (owner_kind, owner_id, kind, name, "
                                 "content_type, size, sha256, data, created_by, created_at) "
                                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                                 v, 10, &rows, err);
  if (rc == SH_OK)
    *id = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_attachment_get(struct store_tx *tx, int64_t id, struct attachment_info **info,
                                    char **data, size_t *len, struct sh_error *err) {
  const char *sql = store_tx_dialect(tx) == STORE_SQLITE
                        ? "SELECT owner_kind, owner_id, kind, name, content_type, size, sha256, "
                          "created_by, created_at, hex(data) FROM attachments WHERE id = $1"
                        : "SELECT owner_kind, owner_id, kind, name, content_type, size, sha256, "
                          "created_by, created_at, encode(data, 'hex') FROM attachments "
                          "WHERE id = $1";
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(id)};
  enum sh_status rc = store_exec(tx, sql, v, 1, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  struct attachment_info *a = NULL;
  char *bytes = NULL;
  size_t n = 0;
  if (rc == SH_OK && !(a = sh_calloc(1, sizeof *a)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK) {
    a->id = id;
    a->owner_kind = store_rows_strdup(rows, 0, 0);
    a->owner_id = store_rows_int(rows, 0, 1);
    a->kind = store_rows_strdup(rows, 0, 2);
    a->name = store_rows_strdup(rows, 0, 3);
    a->content_type = store_rows_strdup(rows, 0, 4);
    a->size = store_rows_int(rows, 0, 5);
    a->sha256 = store_rows_strdup(rows, 0, 6);
    a->created_by = store_rows_int(rows, 0, 7);
    a->created_at = store_rows_int(rows, 0, 8);
    bytes = hex_decode(store_rows_text(rows, 0, 9) ? store_rows_text(rows, 0, 9) : "", &n);
    if (!a->owner_kind || !a->kind || !a->name || !a->content_type || !a->sha256 || !bytes)
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  store_rows_free(rows);
  if (rc != SH_OK) {
    attachment_info_free(a);
    free(bytes);
    return rc;
  }
  *info = a;
  *data = bytes;
  *len = n;
  return SH_OK;
}

static const struct store_field info_fields[] = {
    {STORE_F_INT, offsetof(struct attachment_info, id)},
    {STORE_F_TEXT, offsetof(struct attachment_info, owner_kind)},
    {STORE_F_INT, offsetof(struct attachment_info, owner_id)},
    {STORE_F_TEXT, offsetof(struct attachment_info, kind)},
    {STORE_F_TEXT, offsetof(struct attachment_info, name)},
    {STORE_F_TEXT, offsetof(struct attachment_info, content_type)},
    {STORE_F_INT, offsetof(struct attachment_info, size)},
    {STORE_F_TEXT, offsetof(struct attachment_info, sha256)},
    {STORE_F_INT, offsetof(struct attachment_info, created_by)},
    {STORE_F_INT, offsetof(struct attachment_info, created_at)},
};
#define NINFO (sizeof info_fields / sizeof info_fields[0])

void attachment_infos_free(struct attachment_info *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(info_fields, NINFO, &list[i]);
  free(list);
}

enum sh_status store_attachment_list(struct store_tx *tx, const char *owner_kind, int64_t owner_id,
                                     struct attachment_info **out, size_t *count,
                                     struct sh_error *err) {
  struct store_param v[] = {SP_TEXT(owner_kind), SP_INT(owner_id)};
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx,
                                 "SELECT id, owner_kind, owner_id, kind, name, content_type, "
                                 "size, sha256, COALESCE(created_by, 0), created_at "
                                 "FROM attachments WHERE owner_kind = $1 AND owner_id = $2 "
                                 "ORDER BY id",
                                 v, 2, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, info_fields, NINFO, sizeof(struct attachment_info), &list, count,
                             err);
  store_rows_free(rows);
  if (rc == SH_OK)
    *out = list;
  return rc;
}
