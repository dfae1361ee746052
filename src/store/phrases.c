/* phrases.c — quick phrases in SQL (see phrases.h). Same text on both dialects. */
#include "phrases.h"

#include <stddef.h>
#include <stdlib.h>

#include "../base/mem.h"

#define F(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct quick_phrase, member) }
static const struct store_field phrase_fields[] = {
    F(INT, id),        F(TEXT, category),  F(TEXT, title),     F(TEXT, text),      F(INT, sort),
    F(BOOL, disabled), F(INT, created_at), F(INT, updated_at), F(INT, created_by), F(INT, version),
};
#undef F
#define NFIELDS (sizeof phrase_fields / sizeof phrase_fields[0])
#define PHRASE_COLUMNS                                                                             \
  "id, category, title, text, sort, disabled, created_at, updated_at, created_by, version"

void quick_phrase_clear(struct quick_phrase *p) {
  if (p)
    store_fields_free(phrase_fields, NFIELDS, p);
}

void quick_phrases_free(struct quick_phrase *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    quick_phrase_clear(&list[i]);
  free(list);
}

enum sh_status store_phrase_list(struct store_tx *tx, const char *category, bool all,
                                 struct quick_phrase **out, size_t *count, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {category ? SP_TEXT(category) : SP_NULL(), SP_BOOL(all)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT " PHRASE_COLUMNS " FROM quick_phrases WHERE "
                                 "(CAST($1 AS TEXT) IS NULL OR category = CAST($1 AS TEXT)) "
                                 "AND ($2 = 1 OR disabled = 0) ORDER BY sort, id LIMIT 1000",
                                 v, 2, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, phrase_fields, NFIELDS, sizeof(struct quick_phrase), &list,
                             count, err);
  store_rows_free(rows);
  if (rc == SH_OK)
    *out = list;
  return rc;
}

enum sh_status store_phrase_get(struct store_tx *tx, int64_t id, struct quick_phrase *out,
                                struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(id)};
  enum sh_status rc = store_exec(tx, "SELECT " PHRASE_COLUMNS " FROM quick_phrases WHERE id = $1",
                                 v, 1, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK && !store_rows_fill(rows, 0, phrase_fields, NFIELDS, out)) {
    quick_phrase_clear(out);
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_phrase_insert(struct store_tx *tx, const struct quick_phrase *p, int64_t now,
                                   int64_t *id, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_TEXT(p->category), SP_TEXT(p->title), SP_TEXT(p->text),
                            SP_INT(p->sort),      SP_INT(now),       SP_INT(p->created_by)};
  enum sh_status rc =
      store_exec(tx,
                 "INSERT INTO quick_phrases (category, title, text, sort, created_at, updated_at, "
                 "created_by) VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id",
                 v, 6, &rows, err);
  if (rc == SH_OK)
    *id = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_phrase_save(struct store_tx *tx, const struct quick_phrase *p, int64_t now,
                                 struct sh_error *err) {
  struct store_param v[] = {SP_INT(p->id),        SP_INT(p->version), SP_TEXT(p->category),
                            SP_TEXT(p->title),    SP_TEXT(p->text),   SP_INT(p->sort),
                            SP_BOOL(p->disabled), SP_INT(now)};
  enum sh_status rc = store_exec(tx,
                                 "UPDATE quick_phrases SET version = version + 1, category = $3, "
                                 "title = $4, text = $5, sort = $6, disabled = $7, "
                                 "updated_at = $8 WHERE id = $1 AND version = $2",
                                 v, 8, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return rc;
}
