/* reference.c — SQL for regions and dictionaries. */
#include "reference.h"

#include <stdio.h>
#include <stdlib.h>

#include "../base/mem.h"

enum sh_status store_region_put(struct store_tx *tx, const struct region_row *r,
                                struct sh_error *err) {
  struct store_param p[] = {SP_TEXT(r->code), SP_TEXT(r->name),
                            r->parent_code[0] ? SP_TEXT(r->parent_code) : SP_NULL(),
                            SP_INT(r->level), SP_BOOL(r->administrative)};
  return store_exec(tx,
                    "INSERT INTO regions (code, name, parent_code, level, administrative) "
                    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO UPDATE SET "
                    "name = excluded.name, parent_code = excluded.parent_code, "
                    "level = excluded.level, administrative = excluded.administrative",
                    p, 5, NULL, err);
}

enum sh_status store_region_count(struct store_tx *tx, int64_t *count, struct sh_error *err) {
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx, "SELECT count(*) FROM regions", NULL, 0, &rows, err);
  if (rc == SH_OK)
    *count = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_region_name(struct store_tx *tx, const char *code, char **name,
                                 struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(code)};
  enum sh_status rc = store_exec(tx, "SELECT name FROM regions WHERE code = $1", p, 1, &rows, err);
  *name = NULL;
  if (rc == SH_OK && store_rows_count(rows) > 0)
    *name = store_rows_strdup(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_region_full_name(struct store_tx *tx, const char *code, char **name,
                                      struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(code)};
  /* At most three levels: the region, its parent and its grandparent. */
  enum sh_status rc =
      store_exec(tx,
                 "SELECT r.name, p.name, g.name FROM regions r LEFT JOIN regions p ON p.code = "
                 "r.parent_code LEFT JOIN regions g ON g.code = p.parent_code WHERE r.code = $1",
                 p, 1, &rows, err);
  *name = NULL;
  if (rc == SH_OK && store_rows_count(rows) > 0) {
    const char *a = store_rows_text(rows, 0, 2), *b = store_rows_text(rows, 0, 1),
               *c = store_rows_text(rows, 0, 0);
    char joined[512];
    snprintf(joined, sizeof joined, "%s%s%s%s%s", a ? a : "", a ? " " : "", b ? b : "",
             b ? " " : "", c ? c : "");
    *name = sh_strdup(joined);
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_region_find(struct store_tx *tx, const char *parent, const char *name,
                                 bool skip_level, char out[8], struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(parent), SP_TEXT(name)};
  /* parent_code compared as is, never through COALESCE, so that the index serves it (an
   * import looks up three names a row: a scan of the whole table each made 100 000 rows
   * take a minute). Provinces have no parent. */
  const char *sql;
  if (!*parent)
    sql = skip_level ? "SELECT r.code FROM regions r JOIN regions g ON g.code = r.parent_code "
                       "WHERE g.parent_code IS NULL AND r.name = $2 LIMIT 2"
                     : "SELECT code FROM regions WHERE parent_code IS NULL AND name = $2 LIMIT 2";
  else
    sql = skip_level ? "SELECT r.code FROM regions r JOIN regions g ON g.code = r.parent_code "
                       "WHERE g.parent_code = $1 AND r.name = $2 LIMIT 2"
                     : "SELECT code FROM regions WHERE parent_code = $1 AND name = $2 LIMIT 2";
  enum sh_status rc = store_exec(tx, sql, p, 2, &rows, err);
  out[0] = '\0';
  if (rc == SH_OK && store_rows_count(rows) == 1)
    snprintf(out, 8, "%s", store_rows_text(rows, 0, 0));
  store_rows_free(rows);
  return rc;
}

void region_rows_free(struct region_row *rows, size_t count) {
  for (size_t i = 0; rows && i < count; i++)
    free(rows[i].name);
  free(rows);
}

enum sh_status store_region_children(struct store_tx *tx, const char *parent,
                                     struct region_row **out, size_t *count, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(parent)};
  enum sh_status rc = store_exec(
      tx,
      "SELECT r.code, r.name, COALESCE(r.parent_code, ''), r.level, r.administrative, "
      "CASE WHEN EXISTS (SELECT 1 FROM regions c WHERE c.parent_code = r.code) THEN 0 ELSE 1 "
      "END FROM regions r WHERE COALESCE(r.parent_code, '') = $1 ORDER BY r.code",
      p, 1, &rows, err);
  if (rc != SH_OK)
    return rc;
  size_t n = store_rows_count(rows);
  struct region_row *list = sh_calloc(n, sizeof *list);
  if (!list) {
    store_rows_free(rows);
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  for (size_t i = 0; i < n; i++) {
    snprintf(list[i].code, sizeof list[i].code, "%s", store_rows_text(rows, i, 0));
    list[i].name = store_rows_strdup(rows, i, 1);
    snprintf(list[i].parent_code, sizeof list[i].parent_code, "%s", store_rows_text(rows, i, 2));
    list[i].level = (int)store_rows_int(rows, i, 3);
    list[i].administrative = store_rows_int(rows, i, 4) != 0;
    list[i].leaf = store_rows_int(rows, i, 5) != 0;
  }
  store_rows_free(rows);
  *out = list;
  *count = n;
  return SH_OK;
}

void dict_rows_free(struct dict_row *rows, size_t count) {
  for (size_t i = 0; rows && i < count; i++) {
    free(rows[i].type);
    free(rows[i].value);
    free(rows[i].label_zh);
    free(rows[i].label_en);
    free(rows[i].tag_type);
  }
  free(rows);
}

enum sh_status store_dict_list(struct store_tx *tx, struct dict_row **out, size_t *count,
                               struct sh_error *err) {
  struct store_rows *rows = NULL;
  enum sh_status rc = store_exec(tx,
                                 "SELECT type, value, label_zh, label_en, tag_type, sort, "
                                 "disabled FROM dict_items ORDER BY type, sort, value",
                                 NULL, 0, &rows, err);
  if (rc != SH_OK)
    return rc;
  size_t n = store_rows_count(rows);
  struct dict_row *list = sh_calloc(n, sizeof *list);
  if (!list) {
    store_rows_free(rows);
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  for (size_t i = 0; i < n; i++) {
    list[i].type = store_rows_strdup(rows, i, 0);
    list[i].value = store_rows_strdup(rows, i, 1);
    list[i].label_zh = store_rows_strdup(rows, i, 2);
    list[i].label_en = store_rows_strdup(rows, i, 3);
    list[i].tag_type = store_rows_strdup(rows, i, 4);
    list[i].sort = store_rows_int(rows, i, 5);
    list[i].disabled = store_rows_int(rows, i, 6) != 0;
  }
  store_rows_free(rows);
  *out = list;
  *count = n;
  return SH_OK;
}

enum sh_status store_dict_has(struct store_tx *tx, const char *type, const char *value, bool *found,
                              struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(type), SP_TEXT(value)};
  enum sh_status rc =
      store_exec(tx, "SELECT 1 FROM dict_items WHERE type = $1 AND value = $2 AND disabled = 0", p,
                 2, &rows, err);
  if (rc == SH_OK)
    *found = store_rows_count(rows) > 0;
  store_rows_free(rows);
  return rc;
}

enum sh_status store_dict_label(struct store_tx *tx, const char *type, const char *value,
                                char **label, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_TEXT(type), SP_TEXT(value)};
  enum sh_status rc = store_exec(
      tx, "SELECT label_zh FROM dict_items WHERE type = $1 AND value = $2", p, 2, &rows, err);
  *label = NULL;
  if (rc == SH_OK && store_rows_count(rows) && !(*label = store_rows_strdup(rows, 0, 0)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  store_rows_free(rows);
  return rc;
}
