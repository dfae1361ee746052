/* suppliers.c — SQL for suppliers, their audits and the supplier search.
 *
 * Design: the list is composed from fixed fragments as in dealers.c (request text is only
 * ever a bound parameter; every variant binds $1..$8). search_text holds a folded copy of
 * the name (first line, which the rank reads), contact, phone and what the supplier
 * supplies; the search is a substring test (instr / strpos) for queries of any length —
 * suppliers number in the hundreds, so no trigram index is kept. No scope: suppliers are
 * company-wide (suppliers.h). */
#include "suppliers.h"

#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/limits.h"
#include "../base/mem.h"
#include "../base/utf8.h"

void supplier_free(struct supplier *s) {
  if (!s)
    return;
  free(s->name);
  free(s->region_code);
  free(s->contact_person);
  free(s->phone);
  free(s->email);
  free(s->address);
  free(s->supplies);
  free(s->note);
  free(s->region_name);
  free(s);
}

void supplier_audit_clear(struct supplier_audit *a) {
  if (!a)
    return;
  free(a->audited_on);
  free(a->result);
  free(a->findings);
  free(a->recorded_by_name);
  memset(a, 0, sizeof *a);
}

void supplier_audits_free(struct supplier_audit *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    supplier_audit_clear(&list[i]);
  free(list);
}

static const char *nz(const char *s) {
  return s ? s : "";
}

/* The folded text search looks in, one field a line, the name first (the rank reads it). */
static enum sh_status search_text(const struct supplier *s, struct buf *out) {
  const char *fields[] = {s->name, s->contact_person, s->phone, s->supplies};
  enum sh_status rc = SH_OK;
  for (size_t i = 0; rc == SH_OK && i < sizeof fields / sizeof *fields; i++) {
    rc = utf8_fold(out, nz(fields[i]));
    if (rc == SH_OK)
      rc = buf_append(out, "\n", 1);
  }
  return rc;
}

/* Parameters $1..$11 of insert and update, in this order; the caller adds its own. */
#define SUPPLIER_PARAMS(s, text)                                                                   \
  SP_TEXT((s)->name), SP_TEXT((s)->region_code &&*(s)->region_code ? (s)->region_code : NULL),     \
      SP_TEXT(nz((s)->contact_person)), SP_TEXT(nz((s)->phone)), SP_TEXT(nz((s)->email)),          \
      SP_TEXT(nz((s)->address)), SP_TEXT(nz((s)->supplies)), SP_BOOL((s)->outsourced),             \
      SP_TEXT(nz((s)->note)), SP_TEXT((text))

enum sh_status store_supplier_insert(struct store_tx *tx, const struct supplier *s, int64_t now,
                                     int64_t user_id, int64_t *id, struct sh_error *err) {
  struct buf text;
  struct store_rows *rows = NULL;
  buf_init(&text, SH_MAX_SEARCH_TEXT_BYTES);
  enum sh_status rc = search_text(s, &text);
  if (rc != SH_OK) {
    rc = sh_fail(err, rc, "search_text_too_large", NULL, NULL);
    goto out;
  }
  struct store_param p[] = {
      SUPPLIER_PARAMS(s, text.data),
      SP_INT(now),
      user_id ? SP_INT(user_id) : SP_NULL(),
  };
  rc = store_exec(tx,
                  "INSERT INTO suppliers (name, region_code, contact_person, phone, email, "
                  "address, supplies, outsourced, note, search_text, created_at, updated_at, "
                  "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) "
                  "RETURNING id",
                  p, 12, &rows, err);
  if (rc == SH_OK)
    *id = store_rows_int(rows, 0, 0);
out:
  store_rows_free(rows);
  buf_free(&text);
  return rc;
}

#define SUPPLIER_COLUMNS                                                                           \
  "s.id, s.name, s.region_code, s.contact_person, s.phone, s.email, s.address, s.supplies, "       \
  "s.outsourced, s.note, s.created_at, s.updated_at, COALESCE(s.created_by, 0), s.version, "       \
  "COALESCE(s.deleted_at, 0), g.name AS province_name, "                                           \
  "CASE WHEN p.administrative = 1 THEN p.name END AS city_name, "                                  \
  "r.name AS district_name"

#define SUPPLIER_JOINS                                                                             \
  " LEFT JOIN regions r ON r.code = s.region_code"                                                 \
  " LEFT JOIN regions p ON p.code = r.parent_code"                                                 \
  " LEFT JOIN regions g ON g.code = p.parent_code"

static struct supplier *supplier_from_row(const struct store_rows *rows, size_t r) {
  struct supplier *s = sh_calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->id = store_rows_int(rows, r, 0);
  s->name = store_rows_strdup(rows, r, 1);
  s->region_code = store_rows_strdup(rows, r, 2);
  s->contact_person = store_rows_strdup(rows, r, 3);
  s->phone = store_rows_strdup(rows, r, 4);
  s->email = store_rows_strdup(rows, r, 5);
  s->address = store_rows_strdup(rows, r, 6);
  s->supplies = store_rows_strdup(rows, r, 7);
  s->outsourced = store_rows_int(rows, r, 8) != 0;
  s->note = store_rows_strdup(rows, r, 9);
  s->created_at = store_rows_int(rows, r, 10);
  s->updated_at = store_rows_int(rows, r, 11);
  s->created_by = store_rows_int(rows, r, 12);
  s->version = store_rows_int(rows, r, 13);
  s->deleted_at = store_rows_int(rows, r, 14);
  struct buf names;
  buf_init(&names, 512);
  for (size_t col = 15; col <= 17; col++) {
    const char *n = store_rows_text(rows, r, col);
    if (n) {
      if (names.len)
        buf_append(&names, " ", 1);
      buf_append_str(&names, n);
    }
  }
  s->region_name = names.len ? buf_detach(&names) : NULL;
  buf_free(&names);
  if (!s->name || !s->contact_person || !s->phone || !s->email || !s->address || !s->supplies ||
      !s->note) {
    supplier_free(s);
    return NULL;
  }
  return s;
}

enum sh_status store_supplier_get(struct store_tx *tx, int64_t id, struct supplier **out,
                                  struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(id)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT " SUPPLIER_COLUMNS " FROM suppliers s" SUPPLIER_JOINS
                                 " WHERE s.deleted_at IS NULL AND s.id = $1",
                                 p, 1, &rows, err);
  if (rc != SH_OK)
    goto out;
  if (store_rows_count(rows) == 0) {
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
    goto out;
  }
  struct supplier *s = supplier_from_row(rows, 0);
  if (!s) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  *out = s;
out:
  store_rows_free(rows);
  return rc;
}

enum sh_status store_supplier_update(struct store_tx *tx, const struct supplier *s, int64_t now,
                                     struct sh_error *err) {
  struct buf text;
  buf_init(&text, SH_MAX_SEARCH_TEXT_BYTES);
  enum sh_status rc = search_text(s, &text);
  if (rc != SH_OK) {
    rc = sh_fail(err, rc, "search_text_too_large", NULL, NULL);
    goto out;
  }
  struct store_param p[] = {
      SUPPLIER_PARAMS(s, text.data),
      SP_INT(now),
      SP_INT(s->id),
      SP_INT(s->version),
  };
  rc = store_exec(tx,
                  "UPDATE suppliers SET name = $1, region_code = $2, contact_person = $3, "
                  "phone = $4, email = $5, address = $6, supplies = $7, outsourced = $8, "
                  "note = $9, search_text = $10, updated_at = $11, version = version + 1 "
                  "WHERE id = $12 AND version = $13 AND deleted_at IS NULL",
                  p, 13, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
out:
  buf_free(&text);
  return rc;
}

enum sh_status store_supplier_delete(struct store_tx *tx, int64_t id, int64_t version, int64_t now,
                                     struct sh_error *err) {
  struct store_param p[] = {SP_INT(now), SP_INT(id), SP_INT(version)};
  enum sh_status rc = store_exec(tx,
                                 "UPDATE suppliers SET deleted_at = $1, updated_at = $1, "
                                 "version = version + 1 WHERE id = $2 AND version = $3 AND "
                                 "deleted_at IS NULL",
                                 p, 3, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return rc;
}

/* Filters: $1 region prefix, $2 outsourced flag. */
#define SUPPLIER_FILTERS                                                                           \
  " s.deleted_at IS NULL"                                                                          \
  " AND ($1 IS NULL OR substr(s.region_code, 1, length($1)) = $1)"                                 \
  " AND ($2 < 0 OR s.outsourced = $2)"

/* Search: $3 folded query, $4 the query and a line break (an exact name). */
static const char search_sqlite[] = " AND instr(s.search_text, $3) > 0";
static const char search_pg[] = " AND strpos(s.search_text, $3) > 0";

/* Rank: 0 exact name, 1 name prefix, 2 name contains, 3 another field (the name is the first
 * line of search_text). */
static const char rank_sqlite[] =
    "(CASE WHEN substr(s.search_text, 1, length($4)) = $4 THEN 0 "
    "WHEN substr(s.search_text, 1, length($3)) = $3 THEN 1 "
    "WHEN instr(s.search_text, $3) < instr(s.search_text, char(10)) THEN 2 ELSE 3 END)";
static const char rank_pg[] =
    "(CASE WHEN substr(s.search_text, 1, length($4)) = $4 THEN 0 "
    "WHEN substr(s.search_text, 1, length($3)) = $3 THEN 1 "
    "WHEN strpos(s.search_text, $3) < strpos(s.search_text, chr(10)) THEN 2 ELSE 3 END)";

/* Keyset conditions and orders by sort key, ascending then descending: $5 value, $6 id. */
static const char *const keyset[SUPPLIER_SORT_COUNT][2] = {
    [SUPPLIER_SORT_ID] = {" AND k_id > $6", " AND k_id < $6"},
    [SUPPLIER_SORT_NAME] = {" AND (k_name > $5 OR (k_name = $5 AND k_id > $6))",
                            " AND (k_name < $5 OR (k_name = $5 AND k_id < $6))"},
    [SUPPLIER_SORT_CREATED] = {" AND (k_created > $5 OR (k_created = $5 AND k_id > $6))",
                               " AND (k_created < $5 OR (k_created = $5 AND k_id < $6))"},
    [SUPPLIER_SORT_UPDATED] = {" AND (k_updated > $5 OR (k_updated = $5 AND k_id > $6))",
                               " AND (k_updated < $5 OR (k_updated = $5 AND k_id < $6))"},
    [SUPPLIER_SORT_RELEVANCE] = {" AND (k_rank > $5 OR (k_rank = $5 AND k_id > $6))",
                                 " AND (k_rank > $5 OR (k_rank = $5 AND k_id > $6))"},
};
static const char *const order[SUPPLIER_SORT_COUNT][2] = {
    [SUPPLIER_SORT_ID] = {" ORDER BY k_id", " ORDER BY k_id DESC"},
    [SUPPLIER_SORT_NAME] = {" ORDER BY k_name, k_id", " ORDER BY k_name DESC, k_id DESC"},
    [SUPPLIER_SORT_CREATED] = {" ORDER BY k_created, k_id", " ORDER BY k_created DESC, k_id DESC"},
    [SUPPLIER_SORT_UPDATED] = {" ORDER BY k_updated, k_id", " ORDER BY k_updated DESC, k_id DESC"},
    [SUPPLIER_SORT_RELEVANCE] = {" ORDER BY k_rank, k_id", " ORDER BY k_rank, k_id"},
};

/* Appends the fixed fragments of one list variant (see dealers.c). */
static enum sh_status compose(struct buf *sql, const struct supplier_filter *f,
                              enum store_dialect dialect, bool counting) {
  bool searching = f->q && *f->q;
  const char *search = "";
  if (searching)
    search = dialect == STORE_POSTGRES ? search_pg : search_sqlite;
  enum sh_status rc;
  if (counting) {
    rc = buf_append_str(sql, "SELECT count(*) FROM suppliers s WHERE");
  } else {
    rc = buf_append_str(sql, "SELECT " SUPPLIER_COLUMNS ", k.k_rank FROM (SELECT * FROM ("
                             "SELECT s.id AS k_id, s.name AS k_name, s.created_at AS k_created, "
                             "s.updated_at AS k_updated, ");
    if (rc == SH_OK)
      rc = buf_append_str(sql, !searching ? "0" : dialect == STORE_SQLITE ? rank_sqlite : rank_pg);
    if (rc == SH_OK)
      rc = buf_append_str(sql, " AS k_rank FROM suppliers s WHERE");
  }
  if (rc == SH_OK)
    rc = buf_append_str(sql, SUPPLIER_FILTERS);
  if (rc == SH_OK)
    rc = buf_append_str(sql, search);
  if (rc != SH_OK || counting)
    return rc;
  rc = buf_append_str(sql, ") m WHERE 1 = 1");
  if (rc == SH_OK && f->keyset && f->after)
    rc = buf_append_str(sql, keyset[f->sort][f->descending]);
  if (rc == SH_OK)
    rc = buf_append_str(sql, order[f->sort][f->descending]);
  if (rc == SH_OK)
    rc = buf_append_str(sql,
                        " LIMIT $7 OFFSET $8) k JOIN suppliers s ON s.id = k.k_id" SUPPLIER_JOINS);
  if (rc == SH_OK)
    rc = buf_append_str(sql, order[f->sort][f->descending]);
  return rc;
}

/* The rank's column in the page query's result. */
#define RANK_COLUMN 18

enum sh_status store_supplier_list(struct store_tx *tx, const struct supplier_filter *f,
                                   struct supplier ***out, int64_t **rank_out, size_t *count,
                                   int64_t *total, struct sh_error *err) {
  struct buf sql, count_sql, line;
  struct store_rows *rows = NULL, *counted = NULL;
  struct supplier **list = NULL;
  int64_t *ranks = NULL;
  size_t n = 0;
  enum store_dialect dialect = store_tx_dialect(tx);
  buf_init(&sql, SH_MAX_SQL_BYTES);
  buf_init(&count_sql, SH_MAX_SQL_BYTES);
  buf_init(&line, 4 * SH_MAX_SEARCH_BYTES + 8);
  bool searching = f->q && *f->q;
  enum sh_status rc = compose(&sql, f, dialect, false);
  if (rc == SH_OK)
    rc = compose(&count_sql, f, dialect, true);
  if (rc == SH_OK && searching)
    rc = buf_printf(&line, "%s\n", f->q);
  if (rc != SH_OK) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "query too long");
    goto out;
  }
  struct store_param p[] = {
      SP_TEXT(f->region_prefix),
      SP_INT(f->outsourced),
      SP_TEXT(searching ? f->q : NULL),
      SP_TEXT(searching ? line.data : NULL),
      f->sort == SUPPLIER_SORT_NAME ? SP_TEXT(f->after_text ? f->after_text : "")
                                    : SP_INT(f->after_int),
      SP_INT(f->after_id),
      SP_INT(f->limit),
      SP_INT(f->keyset ? 0 : f->offset),
  };
  rc = store_exec(tx, count_sql.data, p, 8, &counted, err);
  if (rc == SH_OK)
    rc = store_exec(tx, sql.data, p, 8, &rows, err);
  if (rc != SH_OK)
    goto out;
  size_t nrows = store_rows_count(rows);
  list = sh_calloc(nrows, sizeof *list);
  ranks = sh_calloc(nrows, sizeof *ranks);
  if (!list || !ranks) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  for (; n < nrows; n++) {
    list[n] = supplier_from_row(rows, n);
    if (!list[n]) {
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      goto out;
    }
    ranks[n] = store_rows_int(rows, n, RANK_COLUMN);
  }
  *total = store_rows_int(counted, 0, 0);
  *out = list;
  *count = n;
  list = NULL;
  if (rank_out) {
    *rank_out = ranks;
    ranks = NULL;
  }
out:
  if (list) {
    for (size_t i = 0; i < n; i++)
      supplier_free(list[i]);
    free(list);
  }
  free(ranks);
  store_rows_free(rows);
  store_rows_free(counted);
  buf_free(&sql);
  buf_free(&count_sql);
  buf_free(&line);
  return rc;
}

/* ---- audits ------------------------------------------------------------------------------- */

enum sh_status store_supplier_audit_insert(struct store_tx *tx, const struct supplier_audit *a,
                                           int64_t now, int64_t user_id, int64_t *id,
                                           struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {
      SP_INT(a->supplier_id),
      SP_TEXT(a->audited_on),
      SP_TEXT(a->result),
      SP_TEXT(nz(a->findings)),
      user_id ? SP_INT(user_id) : SP_NULL(),
      SP_INT(now),
  };
  enum sh_status rc = store_exec(tx,
                                 "INSERT INTO supplier_audits (supplier_id, audited_on, result, "
                                 "findings, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, "
                                 "$6) RETURNING id",
                                 p, 6, &rows, err);
  if (rc == SH_OK)
    *id = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

#define AUDIT_COLUMNS                                                                              \
  "x.id, x.supplier_id, x.audited_on, x.result, x.findings, COALESCE(x.recorded_by, 0), "          \
  "COALESCE(NULLIF(u.display_name, ''), u.username), x.created_at"
#define AUDIT_FROM " FROM supplier_audits x LEFT JOIN users u ON u.id = x.recorded_by"

static bool audit_from_row(const struct store_rows *rows, size_t i, struct supplier_audit *a) {
  a->id = store_rows_int(rows, i, 0);
  a->supplier_id = store_rows_int(rows, i, 1);
  a->audited_on = store_rows_strdup(rows, i, 2);
  a->result = store_rows_strdup(rows, i, 3);
  a->findings = store_rows_strdup(rows, i, 4);
  a->recorded_by = store_rows_int(rows, i, 5);
  a->recorded_by_name = store_rows_strdup(rows, i, 6);
  a->created_at = store_rows_int(rows, i, 7);
  return a->audited_on && a->result && a->findings;
}

enum sh_status store_supplier_audit_get(struct store_tx *tx, int64_t supplier_id, int64_t id,
                                        struct supplier_audit **out, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct supplier_audit *a = NULL;
  struct store_param p[] = {SP_INT(supplier_id), SP_INT(id)};
  enum sh_status rc =
      store_exec(tx, "SELECT " AUDIT_COLUMNS AUDIT_FROM " WHERE x.supplier_id = $1 AND x.id = $2",
                 p, 2, &rows, err);
  if (rc != SH_OK)
    goto out;
  if (store_rows_count(rows) == 0) {
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
    goto out;
  }
  a = sh_calloc(1, sizeof *a);
  if (!a || !audit_from_row(rows, 0, a)) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  *out = a;
  a = NULL;
out:
  supplier_audit_clear(a);
  free(a);
  store_rows_free(rows);
  return rc;
}

/* $1 supplier, $2 result; keyset $3 audited_on, $4 id; $5 limit, $6 offset. */
#define AUDIT_WHERE " WHERE x.supplier_id = $1 AND ($2 IS NULL OR x.result = $2)"
static const char *const audit_after[2] = {
    " AND (x.audited_on > $3 OR (x.audited_on = $3 AND x.id > $4))",
    " AND (x.audited_on < $3 OR (x.audited_on = $3 AND x.id < $4))",
};
static const char *const audit_order[2] = {
    " ORDER BY x.audited_on, x.id LIMIT $5 OFFSET $6",
    " ORDER BY x.audited_on DESC, x.id DESC LIMIT $5 OFFSET $6",
};

enum sh_status store_supplier_audit_list(struct store_tx *tx, const struct supplier_audit_filter *f,
                                         struct supplier_audit **out, size_t *count, int64_t *total,
                                         struct sh_error *err) {
  struct buf sql;
  struct store_rows *rows = NULL, *counted = NULL;
  struct supplier_audit *list = NULL;
  size_t n = 0;
  buf_init(&sql, SH_MAX_SQL_BYTES);
  enum sh_status rc = buf_append_str(&sql, "SELECT " AUDIT_COLUMNS AUDIT_FROM AUDIT_WHERE);
  if (rc == SH_OK && f->keyset && f->after)
    rc = buf_append_str(&sql, audit_after[f->descending]);
  if (rc == SH_OK)
    rc = buf_append_str(&sql, audit_order[f->descending]);
  if (rc != SH_OK) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "query too long");
    goto out;
  }
  struct store_param p[] = {
      SP_INT(f->supplier_id),
      SP_TEXT(f->result),
      SP_TEXT(f->after_audited_on ? f->after_audited_on : ""),
      SP_INT(f->after_id),
      SP_INT(f->limit),
      SP_INT(f->keyset ? 0 : f->offset),
  };
  rc = store_exec(tx, "SELECT count(*) FROM supplier_audits x" AUDIT_WHERE, p, 2, &counted, err);
  if (rc == SH_OK)
    rc = store_exec(tx, sql.data, p, 6, &rows, err);
  if (rc != SH_OK)
    goto out;
  size_t nrows = store_rows_count(rows);
  list = sh_calloc(nrows, sizeof *list);
  if (!list) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  for (; n < nrows; n++)
    if (!audit_from_row(rows, n, &list[n])) {
      n++;
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      goto out;
    }
  *total = store_rows_int(counted, 0, 0);
  *out = list;
  *count = n;
  list = NULL;
out:
  supplier_audits_free(list, n);
  store_rows_free(rows);
  store_rows_free(counted);
  buf_free(&sql);
  return rc;
}
