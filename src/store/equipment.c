/* equipment.c — SQL for equipment units (SPEC B1).
 *
 * Design: as in customers.c and projects.c, the list is composed from fixed fragments
 * chosen by the sort key and direction, with every request value bound ($1..$15 below). The
 * scope is the customer's (the unit keeps its project's customer_id for that), and the
 * unit's project must be live. Search (q) matches the serial number, model and name with a
 * LIKE on their lower-case forms — the same text on both dialects. Serial numbers are
 * checked for uniqueness per model before writing (so the answer names the field); the
 * partial unique index still decides a race, and its violation is reported the same way. */
#include "equipment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/limits.h"
#include "../base/mem.h"

void equipment_free(struct equipment *e) {
  if (!e)
    return;
  free(e->serial_no);
  free(e->model);
  free(e->name);
  free(e->category);
  free(e->batch);
  free(e->install_site);
  free(e->acceptance_date);
  free(e->note);
  free(e->project_name);
  free(e->project_acceptance_date);
  free(e->customer_name);
  free(e->supplier_name);
  free(e->category_label_zh);
  free(e);
}

void equipment_list_free(struct equipment **list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    equipment_free(list[i]);
  free(list);
}

static const char *nz(const char *s) {
  return s ? s : "";
}

static struct store_param optional_text(const char *s) {
  return SP_TEXT(s && *s ? s : NULL);
}

enum sh_status store_equipment_serial_taken(struct store_tx *tx, const char *model,
                                            const char *serial_no, int64_t except_id, bool *taken,
                                            struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_TEXT(model), SP_TEXT(serial_no), SP_INT(except_id)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT 1 FROM equipment WHERE model = $1 AND serial_no = $2 "
                                 "AND deleted_at IS NULL AND id <> $3",
                                 v, 3, &rows, err);
  if (rc == SH_OK)
    *taken = store_rows_count(rows) > 0;
  store_rows_free(rows);
  return rc;
}

enum sh_status store_equipment_supplier_exists(struct store_tx *tx, int64_t supplier_id,
                                               bool *exists, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(supplier_id)};
  enum sh_status rc = store_exec(tx, "SELECT 1 FROM suppliers WHERE id = $1 AND deleted_at IS NULL",
                                 v, 1, &rows, err);
  if (rc == SH_OK)
    *exists = store_rows_count(rows) > 0;
  store_rows_free(rows);
  return rc;
}

/* The serial number must be free for the model; a lost race on the index says the same. */
static enum sh_status check_serial(struct store_tx *tx, const struct equipment *e,
                                   struct sh_error *err) {
  bool taken = false;
  enum sh_status rc = store_equipment_serial_taken(tx, e->model, e->serial_no, e->id, &taken, err);
  if (rc == SH_OK && taken)
    rc = sh_fail(err, SH_ERR_CONFLICT, "duplicate", "serial_no", e->serial_no);
  return rc;
}

static enum sh_status name_duplicate(enum sh_status rc, const struct equipment *e,
                                     struct sh_error *err) {
  if (rc == SH_ERR_CONFLICT && strcmp(err->code, "duplicate") == 0)
    return sh_fail(err, SH_ERR_CONFLICT, "duplicate", "serial_no", e->serial_no);
  return rc;
}

enum sh_status store_equipment_insert(struct store_tx *tx, const struct equipment *e, int64_t now,
                                      int64_t user_id, int64_t *id, struct sh_error *err) {
  struct store_rows *rows = NULL;
  enum sh_status rc = check_serial(tx, e, err);
  if (rc != SH_OK)
    return rc;
  struct store_param v[] = {
      SP_INT(e->project_id),
      SP_INT(e->customer_id),
      SP_TEXT(e->serial_no),
      SP_TEXT(e->model),
      SP_TEXT(nz(e->name)),
      SP_TEXT(e->category),
      e->supplier_id ? SP_INT(e->supplier_id) : SP_NULL(),
      SP_TEXT(nz(e->batch)),
      SP_BOOL(e->sold_by_company),
      SP_TEXT(nz(e->install_site)),
      SP_INT(e->manufacturer_months),
      optional_text(e->acceptance_date),
      SP_TEXT(nz(e->note)),
      SP_INT(now),
      user_id ? SP_INT(user_id) : SP_NULL(),
  };
  rc = store_exec(tx,
                  "INSERT INTO equipment (project_id, customer_id, serial_no, model, name, "
                  "category, supplier_id, batch, sold_by_company, install_site, "
                  "manufacturer_months, acceptance_date, note, created_at, updated_at, "
                  "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
                  "$14, $14, $15) RETURNING id",
                  v, 15, &rows, err);
  rc = name_duplicate(rc, e, err);
  if (rc == SH_OK)
    *id = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

#define EQUIPMENT_COLUMNS                                                                          \
  "e.id, e.project_id, e.customer_id, e.serial_no, e.model, e.name, e.category, "                  \
  "COALESCE(e.supplier_id, 0), e.batch, e.sold_by_company, e.install_site, "                       \
  "e.manufacturer_months, e.acceptance_date, e.note, e.created_at, e.updated_at, "                 \
  "COALESCE(e.created_by, 0), e.version, COALESCE(e.deleted_at, 0), p.name AS project_name, "      \
  "p.acceptance_date AS project_acceptance_date, c.name AS customer_name, "                        \
  "s.name AS supplier_name, d.label_zh AS category_label"

#define EQUIPMENT_JOINS                                                                            \
  " JOIN projects p ON p.id = e.project_id"                                                        \
  " JOIN customers c ON c.id = e.customer_id"                                                      \
  " LEFT JOIN suppliers s ON s.id = e.supplier_id"                                                 \
  " LEFT JOIN dict_items d ON d.type = 'equipment_category' AND d.value = e.category"

/* $1 user, $2 dealer scope, $3 customer scope: the customer's scope (customers.c). */
#define EQUIPMENT_SCOPE                                                                            \
  " e.deleted_at IS NULL AND p.deleted_at IS NULL AND c.deleted_at IS NULL AND EXISTS (SELECT 1"   \
  " FROM user_regions ur WHERE ur.user_id = $1"                                                    \
  " AND substr(c.region_code, 1, length(ur.prefix)) = ur.prefix)"                                  \
  " AND ($2 = 0 OR c.dealer_id = $2) AND ($3 = 0 OR c.id = $3)"

static struct equipment *equipment_from_row(const struct store_rows *rows, size_t r) {
  struct equipment *e = sh_calloc(1, sizeof *e);
  if (!e)
    return NULL;
  e->id = store_rows_int(rows, r, 0);
  e->project_id = store_rows_int(rows, r, 1);
  e->customer_id = store_rows_int(rows, r, 2);
  e->serial_no = store_rows_strdup(rows, r, 3);
  e->model = store_rows_strdup(rows, r, 4);
  e->name = store_rows_strdup(rows, r, 5);
  e->category = store_rows_strdup(rows, r, 6);
  e->supplier_id = store_rows_int(rows, r, 7);
  e->batch = store_rows_strdup(rows, r, 8);
  e->sold_by_company = store_rows_int(rows, r, 9) != 0;
  e->install_site = store_rows_strdup(rows, r, 10);
  e->manufacturer_months = store_rows_int(rows, r, 11);
  e->acceptance_date = store_rows_strdup(rows, r, 12);
  e->note = store_rows_strdup(rows, r, 13);
  e->created_at = store_rows_int(rows, r, 14);
  e->updated_at = store_rows_int(rows, r, 15);
  e->created_by = store_rows_int(rows, r, 16);
  e->version = store_rows_int(rows, r, 17);
  e->deleted_at = store_rows_int(rows, r, 18);
  e->project_name = store_rows_strdup(rows, r, 19);
  e->project_acceptance_date = store_rows_strdup(rows, r, 20);
  e->customer_name = store_rows_strdup(rows, r, 21);
  e->supplier_name = store_rows_strdup(rows, r, 22);
  e->category_label_zh = store_rows_strdup(rows, r, 23);
  if (!e->serial_no || !e->model || !e->name || !e->category || !e->batch || !e->install_site ||
      !e->note || !e->project_name || !e->customer_name) {
    equipment_free(e);
    return NULL;
  }
  return e;
}

/* Every row of a result as units; *out stays untouched on failure. */
static enum sh_status rows_to_list(const struct store_rows *rows, struct equipment ***out,
                                   size_t *count, struct sh_error *err) {
  size_t nrows = store_rows_count(rows), n = 0;
  struct equipment **list = sh_calloc(nrows ? nrows : 1, sizeof *list);
  if (!list)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  for (; n < nrows; n++) {
    list[n] = equipment_from_row(rows, n);
    if (!list[n]) {
      equipment_list_free(list, n);
      return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    }
  }
  *out = list;
  *count = n;
  return SH_OK;
}

enum sh_status store_equipment_get(struct store_tx *tx, int64_t id,
                                   const struct customer_scope *scope, struct equipment **out,
                                   struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(scope->user_id), SP_INT(scope->dealer_id),
                            SP_INT(scope->customer_id), SP_INT(id)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT " EQUIPMENT_COLUMNS " FROM equipment e" EQUIPMENT_JOINS
                                 " WHERE" EQUIPMENT_SCOPE " AND e.id = $4",
                                 v, 4, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK) {
    struct equipment *e = equipment_from_row(rows, 0);
    if (e)
      *out = e;
    else
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_equipment_update(struct store_tx *tx, const struct equipment *e, int64_t now,
                                      struct sh_error *err) {
  enum sh_status rc = check_serial(tx, e, err);
  if (rc != SH_OK)
    return rc;
  struct store_param v[] = {
      SP_INT(e->project_id),
      SP_INT(e->customer_id),
      SP_TEXT(e->serial_no),
      SP_TEXT(e->model),
      SP_TEXT(nz(e->name)),
      SP_TEXT(e->category),
      e->supplier_id ? SP_INT(e->supplier_id) : SP_NULL(),
      SP_TEXT(nz(e->batch)),
      SP_BOOL(e->sold_by_company),
      SP_TEXT(nz(e->install_site)),
      SP_INT(e->manufacturer_months),
      optional_text(e->acceptance_date),
      SP_TEXT(nz(e->note)),
      SP_INT(now),
      SP_INT(e->id),
      SP_INT(e->version),
  };
  rc = store_exec(tx,
                  "UPDATE equipment SET project_id = $1, customer_id = $2, serial_no = $3, "
                  "model = $4, name = $5, category = $6, supplier_id = $7, batch = $8, "
                  "sold_by_company = $9, install_site = $10, manufacturer_months = $11, "
                  "acceptance_date = $12, note = $13, updated_at = $14, version = version + 1 "
                  "WHERE id = $15 AND version = $16 AND deleted_at IS NULL",
                  v, 16, NULL, err);
  rc = name_duplicate(rc, e, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return rc;
}

enum sh_status store_equipment_delete(struct store_tx *tx, int64_t id, int64_t version, int64_t now,
                                      struct sh_error *err) {
  struct store_param v[] = {SP_INT(now), SP_INT(id), SP_INT(version)};
  enum sh_status rc = store_exec(tx,
                                 "UPDATE equipment SET deleted_at = $1, updated_at = $1, "
                                 "version = version + 1 WHERE id = $2 AND version = $3 AND "
                                 "deleted_at IS NULL",
                                 v, 3, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return rc;
}

enum sh_status store_equipment_list_by_project(struct store_tx *tx, int64_t project_id,
                                               int64_t limit, struct equipment ***out,
                                               size_t *count, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(project_id), SP_INT(limit)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT " EQUIPMENT_COLUMNS " FROM equipment e" EQUIPMENT_JOINS
                                 " WHERE e.project_id = $1 AND e.deleted_at IS NULL"
                                 " ORDER BY e.id LIMIT $2",
                                 v, 2, &rows, err);
  if (rc == SH_OK)
    rc = rows_to_list(rows, out, count, err);
  store_rows_free(rows);
  return rc;
}

/* ---- the list ---- */

/* Filters: $4 project, $5 customer, $6 serial, $7 model, $8 category, $9 supplier, $10 batch. */
#define EQUIPMENT_FILTERS                                                                          \
  " AND ($4 = 0 OR e.project_id = $4) AND ($5 = 0 OR e.customer_id = $5)"                          \
  " AND ($6 IS NULL OR e.serial_no = $6) AND ($7 IS NULL OR e.model = $7)"                         \
  " AND ($8 IS NULL OR e.category = $8) AND ($9 = 0 OR e.supplier_id = $9)"                        \
  " AND ($10 IS NULL OR e.batch = $10)"
/* Search: $11 a LIKE pattern of the folded (lower-case) query. */
#define EQUIPMENT_SEARCH                                                                           \
  " AND (lower(e.serial_no) LIKE $11 ESCAPE '!' OR lower(e.model) LIKE $11 ESCAPE '!'"             \
  " OR lower(e.name) LIKE $11 ESCAPE '!')"

/* Keyset conditions and orders, ascending then descending: $12 value, $13 id. */
static const char *const keyset[EQUIPMENT_SORT_COUNT][2] = {
    [EQUIPMENT_SORT_ID] = {" AND k_id > $13", " AND k_id < $13"},
    [EQUIPMENT_SORT_SERIAL] = {" AND (k_serial > $12 OR (k_serial = $12 AND k_id > $13))",
                               " AND (k_serial < $12 OR (k_serial = $12 AND k_id < $13))"},
    [EQUIPMENT_SORT_CREATED] = {" AND (k_created > $12 OR (k_created = $12 AND k_id > $13))",
                                " AND (k_created < $12 OR (k_created = $12 AND k_id < $13))"},
};
static const char *const order[EQUIPMENT_SORT_COUNT][2] = {
    [EQUIPMENT_SORT_ID] = {" ORDER BY k_id", " ORDER BY k_id DESC"},
    [EQUIPMENT_SORT_SERIAL] = {" ORDER BY k_serial, k_id", " ORDER BY k_serial DESC, k_id DESC"},
    [EQUIPMENT_SORT_CREATED] = {" ORDER BY k_created, k_id", " ORDER BY k_created DESC, k_id DESC"},
};

#define SCOPE_FROM                                                                                 \
  " FROM equipment e JOIN projects p ON p.id = e.project_id"                                       \
  " JOIN customers c ON c.id = e.customer_id WHERE"

static enum sh_status compose(struct buf *sql, const struct equipment_filter *f, bool counting) {
  enum sh_status rc;
  if (counting)
    rc = buf_append_str(sql, "SELECT count(*)" SCOPE_FROM);
  else
    rc = buf_append_str(sql, "SELECT " EQUIPMENT_COLUMNS " FROM (SELECT * FROM (SELECT e.id AS "
                             "k_id, e.serial_no AS k_serial, e.created_at AS k_created" SCOPE_FROM);
  if (rc == SH_OK)
    rc = buf_append_str(sql, EQUIPMENT_SCOPE EQUIPMENT_FILTERS);
  if (rc == SH_OK && f->q && *f->q)
    rc = buf_append_str(sql, EQUIPMENT_SEARCH);
  if (rc != SH_OK || counting)
    return rc;
  rc = buf_append_str(sql, ") m WHERE 1 = 1");
  if (rc == SH_OK && f->keyset && f->after)
    rc = buf_append_str(sql, keyset[f->sort][f->descending]);
  if (rc == SH_OK)
    rc = buf_append_str(sql, order[f->sort][f->descending]);
  if (rc == SH_OK)
    rc = buf_append_str(
        sql, " LIMIT $14 OFFSET $15) k JOIN equipment e ON e.id = k.k_id" EQUIPMENT_JOINS);
  if (rc == SH_OK)
    rc = buf_append_str(sql, order[f->sort][f->descending]);
  return rc;
}

enum sh_status store_equipment_list(struct store_tx *tx, const struct equipment_filter *f,
                                    const struct customer_scope *scope, struct equipment ***out,
                                    size_t *count, int64_t *total, struct sh_error *err) {
  struct buf sql, count_sql;
  struct store_rows *rows = NULL, *counted = NULL;
  char *pattern = NULL;
  buf_init(&sql, SH_MAX_SQL_BYTES);
  buf_init(&count_sql, SH_MAX_SQL_BYTES);
  enum sh_status rc = compose(&sql, f, false);
  if (rc == SH_OK)
    rc = compose(&count_sql, f, true);
  if (rc != SH_OK) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "query too long");
    goto out;
  }
  if (f->q && *f->q && !(pattern = store_like_pattern(f->q))) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  struct store_param v[] = {
      SP_INT(scope->user_id),
      SP_INT(scope->dealer_id),
      SP_INT(scope->customer_id),
      SP_INT(f->project_id),
      SP_INT(f->customer_id),
      SP_TEXT(f->serial_no),
      SP_TEXT(f->model),
      SP_TEXT(f->category),
      SP_INT(f->supplier_id),
      SP_TEXT(f->batch),
      SP_TEXT(pattern),
      f->sort == EQUIPMENT_SORT_SERIAL ? SP_TEXT(f->after_text ? f->after_text : "")
                                       : SP_INT(f->after_int),
      SP_INT(f->after_id),
      SP_INT(f->limit),
      SP_INT(f->keyset ? 0 : f->offset),
  };
  rc = store_exec(tx, count_sql.data, v, 15, &counted, err);
  if (rc == SH_OK)
    rc = store_exec(tx, sql.data, v, 15, &rows, err);
  if (rc == SH_OK)
    rc = rows_to_list(rows, out, count, err);
  if (rc == SH_OK)
    *total = store_rows_int(counted, 0, 0);
out:
  free(pattern);
  store_rows_free(rows);
  store_rows_free(counted);
  buf_free(&sql);
  buf_free(&count_sql);
  return rc;
}
