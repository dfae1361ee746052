/* dealers.c — SQL for dealers, their records and the dealer search.
 *
 * Design: as in customers.c, the list query is put together from fixed fragments chosen by
 * the sort key, the direction and the dialect — never from request text, which is always a
 * bound parameter, and every variant binds the same array ($1..$10 below). Search: a folded
 * copy of the name, contact, phone, address and contract number is kept in search_text,
 * the name on its first line. There are a few thousand dealers at most, so the search is a
 * plain substring test (instr / strpos) over the rows in scope, for 1, 2 or more
 * characters alike; no trigram index is kept. Results rank exact name, name prefix, name
 * substring, then other fields, ties by id, so keyset cursors are stable. */
#include "dealers.h"

#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/limits.h"
#include "../base/mem.h"
#include "../base/utf8.h"

void dealer_free(struct dealer *d) {
  if (!d)
    return;
  free(d->name);
  free(d->region_code);
  free(d->contact_person);
  free(d->phone);
  free(d->address);
  free(d->contract_no);
  free(d->contract_start);
  free(d->contract_end);
  free(d->station_since);
  free(d->note);
  free(d->region_name);
  free(d);
}

void dealer_record_clear(struct dealer_record *r) {
  if (!r)
    return;
  free(r->kind);
  free(r->held_on);
  free(r->topic);
  free(r->findings);
  free(r->penalty);
  free(r->recorded_by_name);
  memset(r, 0, sizeof *r);
}

void dealer_records_free(struct dealer_record *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    dealer_record_clear(&list[i]);
  free(list);
}

static const char *nz(const char *s) {
  return s ? s : "";
}

/* The folded text search looks in, one field a line, the name first (the rank reads it). */
static enum sh_status search_text(const struct dealer *d, struct buf *out) {
  const char *fields[] = {d->name, d->contact_person, d->phone, d->address, d->contract_no};
  enum sh_status rc = SH_OK;
  for (size_t i = 0; rc == SH_OK && i < sizeof fields / sizeof *fields; i++) {
    rc = utf8_fold(out, nz(fields[i]));
    if (rc == SH_OK)
      rc = buf_append(out, "\n", 1);
  }
  return rc;
}

/* Parameters $1..$11 of insert and update, in this order; the caller adds its own. */
#define DEALER_PARAMS(d, text)                                                                     \
  SP_TEXT((d)->name), SP_TEXT((d)->region_code), SP_TEXT(nz((d)->contact_person)),                 \
      SP_TEXT(nz((d)->phone)), SP_TEXT(nz((d)->address)), SP_TEXT(nz((d)->contract_no)),           \
      SP_TEXT((d)->contract_start), SP_TEXT((d)->contract_end), SP_BOOL((d)->service_station),     \
      SP_TEXT((d)->station_since), SP_TEXT(nz((d)->note)), SP_TEXT((text))

enum sh_status store_dealer_insert(struct store_tx *tx, const struct dealer *d, int64_t now,
                                   int64_t user_id, int64_t *id, struct sh_error *err) {
  struct buf text;
  struct store_rows *rows = NULL;
  buf_init(&text, SH_MAX_SEARCH_TEXT_BYTES);
  enum sh_status rc = search_text(d, &text);
  if (rc != SH_OK) {
    rc = sh_fail(err, rc, "search_text_too_large", NULL, NULL);
    goto out;
  }
  struct store_param p[] = {
      DEALER_PARAMS(d, text.data),
      SP_INT(now),
      user_id ? SP_INT(user_id) : SP_NULL(),
  };
  rc = store_exec(tx,
                  "INSERT INTO dealers (name, region_code, contact_person, phone, address, "
                  "contract_no, contract_start, contract_end, service_station, station_since, "
                  "note, search_text, created_at, updated_at, created_by) VALUES "
                  "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) "
                  "RETURNING id",
                  p, 14, &rows, err);
  if (rc == SH_OK)
    *id = store_rows_int(rows, 0, 0);
out:
  store_rows_free(rows);
  buf_free(&text);
  return rc;
}

#define DEALER_COLUMNS                                                                             \
  "d.id, d.name, d.region_code, d.contact_person, d.phone, d.address, d.contract_no, "             \
  "d.contract_start, d.contract_end, d.service_station, d.station_since, d.note, "                 \
  "d.created_at, d.updated_at, COALESCE(d.created_by, 0), d.version, "                             \
  "COALESCE(d.deleted_at, 0), g.name AS province_name, "                                           \
  "CASE WHEN p.administrative = 1 THEN p.name END AS city_name, "                                  \
  "r.name AS district_name"

#define DEALER_JOINS                                                                               \
  " LEFT JOIN regions r ON r.code = d.region_code"                                                 \
  " LEFT JOIN regions p ON p.code = r.parent_code"                                                 \
  " LEFT JOIN regions g ON g.code = p.parent_code"

/* $1 user, $2 dealer scope. A dealer's user is bound to its dealership, not to regions. */
#define DEALER_SCOPE                                                                               \
  " d.deleted_at IS NULL AND (($2 = 0 AND EXISTS (SELECT 1 FROM user_regions ur"                   \
  " WHERE ur.user_id = $1 AND substr(d.region_code, 1, length(ur.prefix)) = ur.prefix))"           \
  " OR ($2 > 0 AND d.id = $2))"

static struct dealer *dealer_from_row(const struct store_rows *rows, size_t r) {
  struct dealer *d = sh_calloc(1, sizeof *d);
  if (!d)
    return NULL;
  d->id = store_rows_int(rows, r, 0);
  d->name = store_rows_strdup(rows, r, 1);
  d->region_code = store_rows_strdup(rows, r, 2);
  d->contact_person = store_rows_strdup(rows, r, 3);
  d->phone = store_rows_strdup(rows, r, 4);
  d->address = store_rows_strdup(rows, r, 5);
  d->contract_no = store_rows_strdup(rows, r, 6);
  d->contract_start = store_rows_strdup(rows, r, 7);
  d->contract_end = store_rows_strdup(rows, r, 8);
  d->service_station = store_rows_int(rows, r, 9) != 0;
  d->station_since = store_rows_strdup(rows, r, 10);
  d->note = store_rows_strdup(rows, r, 11);
  d->created_at = store_rows_int(rows, r, 12);
  d->updated_at = store_rows_int(rows, r, 13);
  d->created_by = store_rows_int(rows, r, 14);
  d->version = store_rows_int(rows, r, 15);
  d->deleted_at = store_rows_int(rows, r, 16);
  struct buf names;
  buf_init(&names, 512);
  for (size_t col = 17; col <= 19; col++) {
    const char *n = store_rows_text(rows, r, col);
    if (n) {
      if (names.len)
        buf_append(&names, " ", 1);
      buf_append_str(&names, n);
    }
  }
  d->region_name = names.len ? buf_detach(&names) : NULL;
  buf_free(&names);
  if (!d->name || !d->region_code || !d->contact_person || !d->phone || !d->address ||
      !d->contract_no || !d->note) {
    dealer_free(d);
    return NULL;
  }
  return d;
}

enum sh_status store_dealer_get(struct store_tx *tx, int64_t id, const struct dealer_scope *scope,
                                struct dealer **out, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {SP_INT(scope->user_id), SP_INT(scope->dealer_id), SP_INT(id)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT " DEALER_COLUMNS " FROM dealers d" DEALER_JOINS
                                 " WHERE" DEALER_SCOPE " AND d.id = $3",
                                 p, 3, &rows, err);
  if (rc != SH_OK)
    goto out;
  if (store_rows_count(rows) == 0) {
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
    goto out;
  }
  struct dealer *d = dealer_from_row(rows, 0);
  if (!d) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  *out = d;
out:
  store_rows_free(rows);
  return rc;
}

enum sh_status store_dealer_update(struct store_tx *tx, const struct dealer *d, int64_t now,
                                   struct sh_error *err) {
  struct buf text;
  buf_init(&text, SH_MAX_SEARCH_TEXT_BYTES);
  enum sh_status rc = search_text(d, &text);
  if (rc != SH_OK) {
    rc = sh_fail(err, rc, "search_text_too_large", NULL, NULL);
    goto out;
  }
  struct store_param p[] = {
      DEALER_PARAMS(d, text.data),
      SP_INT(now),
      SP_INT(d->id),
      SP_INT(d->version),
  };
  rc = store_exec(tx,
                  "UPDATE dealers SET name = $1, region_code = $2, contact_person = $3, "
                  "phone = $4, address = $5, contract_no = $6, contract_start = $7, "
                  "contract_end = $8, service_station = $9, station_since = $10, note = $11, "
                  "search_text = $12, updated_at = $13, version = version + 1 "
                  "WHERE id = $14 AND version = $15 AND deleted_at IS NULL",
                  p, 15, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
out:
  buf_free(&text);
  return rc;
}

enum sh_status store_dealer_delete(struct store_tx *tx, int64_t id, int64_t version, int64_t now,
                                   struct sh_error *err) {
  struct store_param p[] = {SP_INT(now), SP_INT(id), SP_INT(version)};
  enum sh_status rc = store_exec(tx,
                                 "UPDATE dealers SET deleted_at = $1, updated_at = $1, "
                                 "version = version + 1 WHERE id = $2 AND version = $3 AND "
                                 "deleted_at IS NULL",
                                 p, 3, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return rc;
}

/* Filters: $3 region prefix, $4 service-station flag. */
#define DEALER_FILTERS                                                                             \
  " AND ($3 IS NULL OR substr(d.region_code, 1, length($3)) = $3)"                                 \
  " AND ($4 < 0 OR d.service_station = $4)"

/* Search: $5 folded query, $6 the query and a line break (an exact name). */
static const char search_sqlite[] = " AND instr(d.search_text, $5) > 0";
static const char search_pg[] = " AND strpos(d.search_text, $5) > 0";

/* Rank: 0 exact name, 1 name prefix, 2 name contains, 3 another field. The name is the first
 * line of search_text, so "contains" means "found before the first line break". */
static const char rank_sqlite[] =
    "(CASE WHEN substr(d.search_text, 1, length($6)) = $6 THEN 0 "
    "WHEN substr(d.search_text, 1, length($5)) = $5 THEN 1 "
    "WHEN instr(d.search_text, $5) < instr(d.search_text, char(10)) THEN 2 ELSE 3 END)";
static const char rank_pg[] =
    "(CASE WHEN substr(d.search_text, 1, length($6)) = $6 THEN 0 "
    "WHEN substr(d.search_text, 1, length($5)) = $5 THEN 1 "
    "WHEN strpos(d.search_text, $5) < strpos(d.search_text, chr(10)) THEN 2 ELSE 3 END)";

/* Keyset conditions and orders by sort key, ascending then descending: $7 value, $8 id.
 * They name the columns of the page query (k_id, k_name, ...), never a table. */
static const char *const keyset[DEALER_SORT_COUNT][2] = {
    [DEALER_SORT_ID] = {" AND k_id > $8", " AND k_id < $8"},
    [DEALER_SORT_NAME] = {" AND (k_name > $7 OR (k_name = $7 AND k_id > $8))",
                          " AND (k_name < $7 OR (k_name = $7 AND k_id < $8))"},
    [DEALER_SORT_CREATED] = {" AND (k_created > $7 OR (k_created = $7 AND k_id > $8))",
                             " AND (k_created < $7 OR (k_created = $7 AND k_id < $8))"},
    [DEALER_SORT_UPDATED] = {" AND (k_updated > $7 OR (k_updated = $7 AND k_id > $8))",
                             " AND (k_updated < $7 OR (k_updated = $7 AND k_id < $8))"},
    [DEALER_SORT_RELEVANCE] = {" AND (k_rank > $7 OR (k_rank = $7 AND k_id > $8))",
                               " AND (k_rank > $7 OR (k_rank = $7 AND k_id > $8))"},
};
static const char *const order[DEALER_SORT_COUNT][2] = {
    [DEALER_SORT_ID] = {" ORDER BY k_id", " ORDER BY k_id DESC"},
    [DEALER_SORT_NAME] = {" ORDER BY k_name, k_id", " ORDER BY k_name DESC, k_id DESC"},
    [DEALER_SORT_CREATED] = {" ORDER BY k_created, k_id", " ORDER BY k_created DESC, k_id DESC"},
    [DEALER_SORT_UPDATED] = {" ORDER BY k_updated, k_id", " ORDER BY k_updated DESC, k_id DESC"},
    [DEALER_SORT_RELEVANCE] = {" ORDER BY k_rank, k_id", " ORDER BY k_rank, k_id"},
};

/* Appends the fixed fragments of one list variant: the page is chosen from the sort keys
 * alone, and only its rows are joined to their region names (as in customers.c). */
static enum sh_status compose(struct buf *sql, const struct dealer_filter *f,
                              enum store_dialect dialect, bool counting) {
  bool searching = f->q && *f->q;
  const char *search = "";
  if (searching)
    search = dialect == STORE_POSTGRES ? search_pg : search_sqlite;
  enum sh_status rc;
  if (counting) {
    rc = buf_append_str(sql, "SELECT count(*) FROM dealers d WHERE");
  } else {
    rc = buf_append_str(sql, "SELECT " DEALER_COLUMNS ", k.k_rank FROM (SELECT * FROM ("
                             "SELECT d.id AS k_id, d.name AS k_name, d.created_at AS k_created, "
                             "d.updated_at AS k_updated, ");
    if (rc == SH_OK)
      rc = buf_append_str(sql, !searching ? "0" : dialect == STORE_SQLITE ? rank_sqlite : rank_pg);
    if (rc == SH_OK)
      rc = buf_append_str(sql, " AS k_rank FROM dealers d WHERE");
  }
  if (rc == SH_OK)
    rc = buf_append_str(sql, DEALER_SCOPE DEALER_FILTERS);
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
    rc =
        buf_append_str(sql, " LIMIT $9 OFFSET $10) k JOIN dealers d ON d.id = k.k_id" DEALER_JOINS);
  if (rc == SH_OK)
    rc = buf_append_str(sql, order[f->sort][f->descending]);
  return rc;
}

/* The rank's column in the page query's result. */
#define RANK_COLUMN 20

enum sh_status store_dealer_list(struct store_tx *tx, const struct dealer_filter *f,
                                 const struct dealer_scope *scope, struct dealer ***out,
                                 int64_t **rank_out, size_t *count, int64_t *total,
                                 struct sh_error *err) {
  struct buf sql, count_sql, line;
  struct store_rows *rows = NULL, *counted = NULL;
  struct dealer **list = NULL;
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
      SP_INT(scope->user_id),
      SP_INT(scope->dealer_id),
      SP_TEXT(f->region_prefix),
      SP_INT(f->service_station),
      SP_TEXT(searching ? f->q : NULL),
      SP_TEXT(searching ? line.data : NULL),
      f->sort == DEALER_SORT_NAME ? SP_TEXT(f->after_text ? f->after_text : "")
                                  : SP_INT(f->after_int),
      SP_INT(f->after_id),
      SP_INT(f->limit),
      SP_INT(f->keyset ? 0 : f->offset),
  };
  rc = store_exec(tx, count_sql.data, p, 10, &counted, err);
  if (rc == SH_OK)
    rc = store_exec(tx, sql.data, p, 10, &rows, err);
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
    list[n] = dealer_from_row(rows, n);
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
      dealer_free(list[i]);
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

/* ---- records ------------------------------------------------------------------------------ */

enum sh_status store_dealer_record_insert(struct store_tx *tx, const struct dealer_record *r,
                                          int64_t now, int64_t user_id, int64_t *id,
                                          struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param p[] = {
      SP_INT(r->dealer_id),
      SP_TEXT(r->kind),
      SP_TEXT(r->held_on),
      r->score >= 0 ? SP_INT(r->score) : SP_NULL(),
      SP_TEXT(nz(r->topic)),
      SP_TEXT(nz(r->findings)),
      SP_TEXT(nz(r->penalty)),
      r->penalty_fen >= 0 ? SP_INT(r->penalty_fen) : SP_NULL(),
      user_id ? SP_INT(user_id) : SP_NULL(),
      SP_INT(now),
  };
  enum sh_status rc = store_exec(tx,
                                 "INSERT INTO dealer_records (dealer_id, kind, held_on, score, "
                                 "topic, findings, penalty, penalty_fen, recorded_by, "
                                 "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                                 "RETURNING id",
                                 p, 10, &rows, err);
  if (rc == SH_OK)
    *id = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

#define RECORD_COLUMNS                                                                             \
  "x.id, x.dealer_id, x.kind, x.held_on, COALESCE(x.score, -1), x.topic, x.findings, "             \
  "x.penalty, COALESCE(x.penalty_fen, -1), COALESCE(x.recorded_by, 0), "                           \
  "COALESCE(NULLIF(u.display_name, ''), u.username), x.created_at"
#define RECORD_FROM " FROM dealer_records x LEFT JOIN users u ON u.id = x.recorded_by"

static bool record_from_row(const struct store_rows *rows, size_t i, struct dealer_record *r) {
  r->id = store_rows_int(rows, i, 0);
  r->dealer_id = store_rows_int(rows, i, 1);
  r->kind = store_rows_strdup(rows, i, 2);
  r->held_on = store_rows_strdup(rows, i, 3);
  r->score = store_rows_int(rows, i, 4);
  r->topic = store_rows_strdup(rows, i, 5);
  r->findings = store_rows_strdup(rows, i, 6);
  r->penalty = store_rows_strdup(rows, i, 7);
  r->penalty_fen = store_rows_int(rows, i, 8);
  r->recorded_by = store_rows_int(rows, i, 9);
  r->recorded_by_name = store_rows_strdup(rows, i, 10);
  r->created_at = store_rows_int(rows, i, 11);
  return r->kind && r->held_on && r->topic && r->findings && r->penalty;
}

enum sh_status store_dealer_record_get(struct store_tx *tx, int64_t dealer_id, int64_t id,
                                       struct dealer_record **out, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct dealer_record *r = NULL;
  struct store_param p[] = {SP_INT(dealer_id), SP_INT(id)};
  enum sh_status rc =
      store_exec(tx, "SELECT " RECORD_COLUMNS RECORD_FROM " WHERE x.dealer_id = $1 AND x.id = $2",
                 p, 2, &rows, err);
  if (rc != SH_OK)
    goto out;
  if (store_rows_count(rows) == 0) {
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
    goto out;
  }
  r = sh_calloc(1, sizeof *r);
  if (!r || !record_from_row(rows, 0, r)) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  *out = r;
  r = NULL;
out:
  dealer_record_clear(r);
  free(r);
  store_rows_free(rows);
  return rc;
}

/* $1 dealer, $2 kind; keyset $3 held_on, $4 id; $5 limit, $6 offset. */
#define RECORD_WHERE " WHERE x.dealer_id = $1 AND ($2 IS NULL OR x.kind = $2)"
static const char *const record_after[2] = {
    " AND (x.held_on > $3 OR (x.held_on = $3 AND x.id > $4))",
    " AND (x.held_on < $3 OR (x.held_on = $3 AND x.id < $4))",
};
static const char *const record_order[2] = {
    " ORDER BY x.held_on, x.id LIMIT $5 OFFSET $6",
    " ORDER BY x.held_on DESC, x.id DESC LIMIT $5 OFFSET $6",
};

enum sh_status store_dealer_record_list(struct store_tx *tx, const struct dealer_record_filter *f,
                                        struct dealer_record **out, size_t *count, int64_t *total,
                                        struct sh_error *err) {
  struct buf sql;
  struct store_rows *rows = NULL, *counted = NULL;
  struct dealer_record *list = NULL;
  size_t n = 0;
  buf_init(&sql, SH_MAX_SQL_BYTES);
  enum sh_status rc = buf_append_str(&sql, "SELECT " RECORD_COLUMNS RECORD_FROM RECORD_WHERE);
  if (rc == SH_OK && f->keyset && f->after)
    rc = buf_append_str(&sql, record_after[f->descending]);
  if (rc == SH_OK)
    rc = buf_append_str(&sql, record_order[f->descending]);
  if (rc != SH_OK) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "query too long");
    goto out;
  }
  struct store_param p[] = {
      SP_INT(f->dealer_id), SP_TEXT(f->kind), SP_TEXT(f->after_held_on ? f->after_held_on : ""),
      SP_INT(f->after_id),  SP_INT(f->limit), SP_INT(f->keyset ? 0 : f->offset),
  };
  rc = store_exec(tx, "SELECT count(*) FROM dealer_records x" RECORD_WHERE, p, 2, &counted, err);
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
    if (!record_from_row(rows, n, &list[n])) {
      n++;
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      goto out;
    }
  *total = store_rows_int(counted, 0, 0);
  *out = list;
  *count = n;
  list = NULL;
out:
  dealer_records_free(list, n);
  store_rows_free(rows);
  store_rows_free(counted);
  buf_free(&sql);
  return rc;
}
