/* projects.c — SQL for projects and their warranty cards (SPEC B1, B4).
 *
 * Design: as in customers.c, the list query is put together from fixed fragments chosen by
 * the sort key, the direction, the card filter and the dialect — never from request text,
 * which is always a bound parameter; every variant binds the same numbered parameters
 * ($1..$11 below). Scope is the customer's: each query joins the project's customer and
 * applies the region, dealer and customer-record conditions to it.
 *
 * The card's due date (SPEC B4: within warranty.card_due_months of completion, 以内 includes
 * the last day) is computed in SQL only to filter; the date an answer shows comes from
 * rules/period.c. The two agree because both count a period of months as the Civil Code
 * does (arts. 201–202: the same-numbered day of the final month, or its last day): SQLite
 * takes the smaller of "start of month + N months + (day − 1) days" and that month's last
 * day; PostgreSQL's date + interval 'N months' already clamps to the month's end.
 *
 * Search (q) looks in the folded name, site address and note (search_text) and in the
 * customer's folded name, with LIKE: projects are far fewer than customers, and the scope
 * join already bounds the scan. */
#include "projects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/limits.h"
#include "../base/mem.h"
#include "../base/utf8.h"

void project_free(struct project *p) {
  if (!p)
    return;
  free(p->name);
  free(p->site_region_code);
  free(p->site_address);
  free(p->completion_date);
  free(p->acceptance_date);
  free(p->card_number);
  free(p->card_issued_on);
  free(p->card_issue_method);
  free(p->note);
  free(p->customer_name);
  free(p->site_region_name);
  free(p->project_manager_name);
  free(p->card_issued_by_name);
  free(p);
}

void project_list_free(struct project **list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    project_free(list[i]);
  free(list);
}

static const char *nz(const char *s) {
  return s ? s : "";
}

/* NULL or "" binds SQL NULL (an optional date). */
static struct store_param optional_text(const char *s) {
  return SP_TEXT(s && *s ? s : NULL);
}

/* The folded text search looks in, one field a line. */
static enum sh_status search_text(const struct project *p, struct buf *out) {
  const char *fields[] = {p->name, p->site_address, p->note};
  enum sh_status rc = SH_OK;
  for (size_t i = 0; rc == SH_OK && i < sizeof fields / sizeof *fields; i++) {
    rc = utf8_fold(out, nz(fields[i]));
    if (rc == SH_OK)
      rc = buf_append(out, "\n", 1);
  }
  return rc;
}

enum sh_status store_project_insert(struct store_tx *tx, const struct project *p, int64_t now,
                                    int64_t user_id, int64_t *id, struct sh_error *err) {
  struct buf text;
  struct store_rows *rows = NULL;
  buf_init(&text, SH_MAX_SEARCH_TEXT_BYTES);
  enum sh_status rc = search_text(p, &text);
  if (rc != SH_OK) {
    rc = sh_fail(err, rc, "search_text_too_large", NULL, NULL);
    goto out;
  }
  struct store_param v[] = {
      SP_INT(p->customer_id),
      SP_TEXT(p->name),
      SP_TEXT(p->site_region_code),
      SP_TEXT(nz(p->site_address)),
      p->project_manager_id ? SP_INT(p->project_manager_id) : SP_NULL(),
      optional_text(p->completion_date),
      optional_text(p->acceptance_date),
      SP_TEXT(nz(p->note)),
      SP_TEXT(text.data ? text.data : ""),
      SP_INT(now),
      user_id ? SP_INT(user_id) : SP_NULL(),
  };
  rc = store_exec(tx,
                  "INSERT INTO projects (customer_id, name, site_region_code, site_address, "
                  "project_manager_id, completion_date, acceptance_date, note, search_text, "
                  "created_at, updated_at, created_by) VALUES "
                  "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING id",
                  v, 11, &rows, err);
  if (rc == SH_OK)
    *id = store_rows_int(rows, 0, 0);
out:
  store_rows_free(rows);
  buf_free(&text);
  return rc;
}

#define PROJECT_COLUMNS                                                                            \
  "p.id, p.customer_id, p.name, p.site_region_code, p.site_address, "                              \
  "COALESCE(p.project_manager_id, 0), p.completion_date, p.acceptance_date, p.card_number, "       \
  "p.card_issued_on, p.card_issue_method, COALESCE(p.card_issued_by, 0), p.note, p.created_at, "   \
  "p.updated_at, COALESCE(p.created_by, 0), p.version, COALESCE(p.deleted_at, 0), "                \
  "c.name AS customer_name, g.name AS province_name, "                                             \
  "CASE WHEN pr.administrative = 1 THEN pr.name END AS city_name, r.name AS district_name, "       \
  "um.display_name AS manager_name, ui.display_name AS issuer_name"

/* The customer (for scope and its name), the site's region names, the two users named. */
#define PROJECT_JOINS                                                                              \
  " JOIN customers c ON c.id = p.customer_id"                                                      \
  " LEFT JOIN regions r ON r.code = p.site_region_code"                                            \
  " LEFT JOIN regions pr ON pr.code = r.parent_code"                                               \
  " LEFT JOIN regions g ON g.code = pr.parent_code"                                                \
  " LEFT JOIN users um ON um.id = p.project_manager_id"                                            \
  " LEFT JOIN users ui ON ui.id = p.card_issued_by"

/* $1 user, $2 dealer scope, $3 customer scope: the customer's scope (customers.c). */
#define PROJECT_SCOPE                                                                              \
  " p.deleted_at IS NULL AND c.deleted_at IS NULL AND EXISTS (SELECT 1 FROM user_regions ur"       \
  " WHERE ur.user_id = $1 AND substr(c.region_code, 1, length(ur.prefix)) = ur.prefix)"            \
  " AND ($2 = 0 OR c.dealer_id = $2) AND ($3 = 0 OR c.id = $3)"

static struct project *project_from_row(const struct store_rows *rows, size_t r) {
  struct project *p = sh_calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->id = store_rows_int(rows, r, 0);
  p->customer_id = store_rows_int(rows, r, 1);
  p->name = store_rows_strdup(rows, r, 2);
  p->site_region_code = store_rows_strdup(rows, r, 3);
  p->site_address = store_rows_strdup(rows, r, 4);
  p->project_manager_id = store_rows_int(rows, r, 5);
  p->completion_date = store_rows_strdup(rows, r, 6);
  p->acceptance_date = store_rows_strdup(rows, r, 7);
  p->card_number = store_rows_strdup(rows, r, 8);
  p->card_issued_on = store_rows_strdup(rows, r, 9);
  p->card_issue_method = store_rows_strdup(rows, r, 10);
  p->card_issued_by = store_rows_int(rows, r, 11);
  p->note = store_rows_strdup(rows, r, 12);
  p->created_at = store_rows_int(rows, r, 13);
  p->updated_at = store_rows_int(rows, r, 14);
  p->created_by = store_rows_int(rows, r, 15);
  p->version = store_rows_int(rows, r, 16);
  p->deleted_at = store_rows_int(rows, r, 17);
  p->customer_name = store_rows_strdup(rows, r, 18);
  struct buf names;
  buf_init(&names, 512);
  for (size_t col = 19; col <= 21; col++) {
    const char *n = store_rows_text(rows, r, col);
    if (n) {
      if (names.len)
        buf_append(&names, " ", 1);
      buf_append_str(&names, n);
    }
  }
  p->site_region_name = names.len ? buf_detach(&names) : NULL;
  buf_free(&names);
  p->project_manager_name = store_rows_strdup(rows, r, 22);
  p->card_issued_by_name = store_rows_strdup(rows, r, 23);
  if (!p->name || !p->site_region_code || !p->site_address || !p->note || !p->customer_name) {
    project_free(p);
    return NULL;
  }
  return p;
}

enum sh_status store_project_get(struct store_tx *tx, int64_t id,
                                 const struct customer_scope *scope, struct project **out,
                                 struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(scope->user_id), SP_INT(scope->dealer_id),
                            SP_INT(scope->customer_id), SP_INT(id)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT " PROJECT_COLUMNS " FROM projects p" PROJECT_JOINS
                                 " WHERE" PROJECT_SCOPE " AND p.id = $4",
                                 v, 4, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK) {
    struct project *p = project_from_row(rows, 0);
    if (p)
      *out = p;
    else
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_project_update(struct store_tx *tx, const struct project *p, int64_t now,
                                    struct sh_error *err) {
  struct buf text;
  buf_init(&text, SH_MAX_SEARCH_TEXT_BYTES);
  enum sh_status rc = search_text(p, &text);
  if (rc != SH_OK) {
    rc = sh_fail(err, rc, "search_text_too_large", NULL, NULL);
    goto out;
  }
  struct store_param v[] = {
      SP_TEXT(p->name),
      SP_TEXT(p->site_region_code),
      SP_TEXT(nz(p->site_address)),
      p->project_manager_id ? SP_INT(p->project_manager_id) : SP_NULL(),
      optional_text(p->completion_date),
      optional_text(p->acceptance_date),
      SP_TEXT(nz(p->note)),
      SP_TEXT(text.data ? text.data : ""),
      SP_INT(now),
      SP_INT(p->id),
      SP_INT(p->version),
  };
  rc = store_exec(tx,
                  "UPDATE projects SET name = $1, site_region_code = $2, site_address = $3, "
                  "project_manager_id = $4, completion_date = $5, acceptance_date = $6, "
                  "note = $7, search_text = $8, updated_at = $9, version = version + 1 "
                  "WHERE id = $10 AND version = $11 AND deleted_at IS NULL",
                  v, 11, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
out:
  buf_free(&text);
  return rc;
}

enum sh_status store_project_delete(struct store_tx *tx, int64_t id, int64_t version, int64_t now,
                                    struct sh_error *err) {
  struct store_param v[] = {SP_INT(now), SP_INT(id), SP_INT(version)};
  enum sh_status rc = store_exec(tx,
                                 "UPDATE projects SET deleted_at = $1, updated_at = $1, "
                                 "version = version + 1 WHERE id = $2 AND version = $3 AND "
                                 "deleted_at IS NULL",
                                 v, 3, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return rc;
}

enum sh_status store_project_count_equipment(struct store_tx *tx, int64_t id, int64_t *count,
                                             struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(id)};
  enum sh_status rc =
      store_exec(tx, "SELECT count(*) FROM equipment WHERE project_id = $1 AND deleted_at IS NULL",
                 v, 1, &rows, err);
  if (rc == SH_OK)
    *count = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_project_last_card_seq(struct store_tx *tx, const char *prefix, int64_t *seq,
                                           struct sh_error *err) {
  struct store_rows *rows = NULL;
  char pattern[64];
  snprintf(pattern, sizeof pattern, "%s%%", prefix);
  struct store_param v[] = {SP_TEXT(pattern)};
  /* Longest first, then greatest: "…-10000" after "…-9999" although it sorts before it. */
  enum sh_status rc = store_exec(tx,
                                 "SELECT card_number FROM projects WHERE card_number LIKE $1 "
                                 "ORDER BY length(card_number) DESC, card_number DESC LIMIT 1",
                                 v, 1, &rows, err);
  if (rc != SH_OK)
    goto out;
  int64_t last = 0;
  const char *number = store_rows_count(rows) ? store_rows_text(rows, 0, 0) : NULL;
  if (number && strlen(number) > strlen(prefix)) {
    for (const char *s = number + strlen(prefix); *s >= '0' && *s <= '9' && last < 1000000000; s++)
      last = last * 10 + (*s - '0');
  }
  *seq = last;
out:
  store_rows_free(rows);
  return rc;
}

enum sh_status store_project_issue_card(struct store_tx *tx, int64_t id, int64_t version,
                                        const char *number, const char *issued_on,
                                        const char *method, int64_t user_id, int64_t now,
                                        struct sh_error *err) {
  struct store_param v[] = {
      SP_TEXT(number), SP_TEXT(issued_on), SP_TEXT(method), user_id ? SP_INT(user_id) : SP_NULL(),
      SP_INT(now),     SP_INT(id),         SP_INT(version)};
  enum sh_status rc = store_exec(tx,
                                 "UPDATE projects SET card_number = $1, card_issued_on = $2, "
                                 "card_issue_method = $3, card_issued_by = $4, updated_at = $5, "
                                 "version = version + 1 WHERE id = $6 AND version = $7 AND "
                                 "card_number IS NULL AND deleted_at IS NULL",
                                 v, 7, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return rc;
}

/* ---- the list ---- */

/* The card's due date of a row, per dialect ($7: warranty.card_due_months). */
static const char due_sqlite[] =
    "min(date(p.completion_date, 'start of month', '+' || $7 || ' months', '+' || "
    "(CAST(strftime('%d', p.completion_date) AS INTEGER) - 1) || ' days'), "
    "date(p.completion_date, 'start of month', '+' || ($7 + 1) || ' months', '-1 day'))";
static const char due_pg[] = "to_char(CAST(p.completion_date AS date) + "
                             "make_interval(months => CAST($7 AS integer)), 'YYYY-MM-DD')";

/* Card conditions: head, then the due date when tail is not NULL, then tail ($6 today). */
static const char *const card_condition[PROJECT_CARD_FILTER_COUNT][2] = {
    [PROJECT_CARD_ANY] = {"", NULL},
    [PROJECT_CARD_NOT_DUE] = {" AND p.completion_date IS NULL AND p.card_issued_on IS NULL", NULL},
    [PROJECT_CARD_DUE] = {" AND p.completion_date IS NOT NULL AND p.card_issued_on IS NULL"
                          " AND $6 <= ",
                          ""},
    [PROJECT_CARD_LATE] = {" AND p.completion_date IS NOT NULL AND p.card_issued_on IS NULL"
                           " AND $6 > ",
                           ""},
    /* A card issued before the completion date was cleared has no due date: on time. */
    [PROJECT_CARD_ISSUED] = {" AND p.card_issued_on IS NOT NULL AND (p.completion_date IS NULL"
                             " OR p.card_issued_on <= ",
                             ")"},
    [PROJECT_CARD_ISSUED_LATE] = {" AND p.card_issued_on IS NOT NULL AND p.completion_date IS NOT"
                                  " NULL AND p.card_issued_on > ",
                                  ""},
    [PROJECT_CARD_COMPLETED] = {" AND p.completion_date IS NOT NULL", NULL},
};

/* Keyset conditions and orders by sort key, ascending then descending: $8 value, $9 id. */
static const char *const keyset[PROJECT_SORT_COUNT][2] = {
    [PROJECT_SORT_ID] = {" AND k_id > $9", " AND k_id < $9"},
    [PROJECT_SORT_NAME] = {" AND (k_name > $8 OR (k_name = $8 AND k_id > $9))",
                           " AND (k_name < $8 OR (k_name = $8 AND k_id < $9))"},
    [PROJECT_SORT_CREATED] = {" AND (k_created > $8 OR (k_created = $8 AND k_id > $9))",
                              " AND (k_created < $8 OR (k_created = $8 AND k_id < $9))"},
    [PROJECT_SORT_COMPLETION] = {" AND (k_completion > $8 OR (k_completion = $8 AND k_id > $9))",
                                 " AND (k_completion < $8 OR (k_completion = $8 AND k_id < $9))"},
};
static const char *const order[PROJECT_SORT_COUNT][2] = {
    [PROJECT_SORT_ID] = {" ORDER BY k_id", " ORDER BY k_id DESC"},
    [PROJECT_SORT_NAME] = {" ORDER BY k_name, k_id", " ORDER BY k_name DESC, k_id DESC"},
    [PROJECT_SORT_CREATED] = {" ORDER BY k_created, k_id", " ORDER BY k_created DESC, k_id DESC"},
    [PROJECT_SORT_COMPLETION] = {" ORDER BY k_completion, k_id",
                                 " ORDER BY k_completion DESC, k_id DESC"},
};

/* Filters: $4 customer, $5 LIKE pattern of the search. */
#define PROJECT_FILTERS " AND ($4 = 0 OR p.customer_id = $4)"
#define PROJECT_SEARCH " AND (p.search_text LIKE $5 ESCAPE '!' OR c.name_folded LIKE $5 ESCAPE '!')"

/* Appends the fixed fragments of one list variant: the page is chosen from the sort keys
 * first, then only its rows are joined to their columns (as customers.c does). */
static enum sh_status compose(struct buf *sql, const struct project_filter *f,
                              enum store_dialect dialect, bool counting) {
  enum sh_status rc;
  if (counting)
    rc = buf_append_str(sql, "SELECT count(*) FROM projects p JOIN customers c ON "
                             "c.id = p.customer_id WHERE");
  else
    rc = buf_append_str(sql, "SELECT " PROJECT_COLUMNS " FROM (SELECT * FROM (SELECT p.id AS "
                             "k_id, p.name AS k_name, p.created_at AS k_created, "
                             "COALESCE(p.completion_date, '') AS k_completion FROM projects p "
                             "JOIN customers c ON c.id = p.customer_id WHERE");
  if (rc == SH_OK)
    rc = buf_append_str(sql, PROJECT_SCOPE PROJECT_FILTERS);
  if (rc == SH_OK && f->q && *f->q)
    rc = buf_append_str(sql, PROJECT_SEARCH);
  const char *const *card = card_condition[f->card];
  if (rc == SH_OK)
    rc = buf_append_str(sql, card[0]);
  if (rc == SH_OK && card[1]) {
    rc = buf_append_str(sql, dialect == STORE_SQLITE ? due_sqlite : due_pg);
    if (rc == SH_OK)
      rc = buf_append_str(sql, card[1]);
  }
  if (rc != SH_OK || counting)
    return rc;
  rc = buf_append_str(sql, ") m WHERE 1 = 1");
  if (rc == SH_OK && f->keyset && f->after)
    rc = buf_append_str(sql, keyset[f->sort][f->descending]);
  if (rc == SH_OK)
    rc = buf_append_str(sql, order[f->sort][f->descending]);
  if (rc == SH_OK)
    rc = buf_append_str(sql,
                        " LIMIT $10 OFFSET $11) k JOIN projects p ON p.id = k.k_id" PROJECT_JOINS);
  if (rc == SH_OK)
    rc = buf_append_str(sql, order[f->sort][f->descending]);
  return rc;
}

enum sh_status store_project_list(struct store_tx *tx, const struct project_filter *f,
                                  const struct customer_scope *scope, struct project ***out,
                                  size_t *count, int64_t *total, struct sh_error *err) {
  struct buf sql, count_sql;
  struct store_rows *rows = NULL, *counted = NULL;
  struct project **list = NULL;
  char *pattern = NULL;
  size_t n = 0;
  enum store_dialect dialect = store_tx_dialect(tx);
  buf_init(&sql, SH_MAX_SQL_BYTES);
  buf_init(&count_sql, SH_MAX_SQL_BYTES);
  enum sh_status rc = compose(&sql, f, dialect, false);
  if (rc == SH_OK)
    rc = compose(&count_sql, f, dialect, true);
  if (rc != SH_OK) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "query too long");
    goto out;
  }
  if (f->q && *f->q && !(pattern = store_like_pattern(f->q))) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  bool text_key = f->sort == PROJECT_SORT_NAME || f->sort == PROJECT_SORT_COMPLETION;
  struct store_param v[] = {
      SP_INT(scope->user_id),
      SP_INT(scope->dealer_id),
      SP_INT(scope->customer_id),
      SP_INT(f->customer_id),
      SP_TEXT(pattern),
      SP_TEXT(f->today ? f->today : ""),
      SP_INT(f->card_due_months),
      text_key ? SP_TEXT(f->after_text ? f->after_text : "") : SP_INT(f->after_int),
      SP_INT(f->after_id),
      SP_INT(f->limit),
      SP_INT(f->keyset ? 0 : f->offset),
  };
  rc = store_exec(tx, count_sql.data, v, 11, &counted, err);
  if (rc == SH_OK)
    rc = store_exec(tx, sql.data, v, 11, &rows, err);
  if (rc != SH_OK)
    goto out;
  size_t nrows = store_rows_count(rows);
  list = sh_calloc(nrows ? nrows : 1, sizeof *list);
  if (!list) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  for (; n < nrows; n++) {
    list[n] = project_from_row(rows, n);
    if (!list[n]) {
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      goto out;
    }
  }
  *total = store_rows_int(counted, 0, 0);
  *out = list;
  *count = n;
  list = NULL;
out:
  project_list_free(list, n);
  free(pattern);
  store_rows_free(rows);
  store_rows_free(counted);
  buf_free(&sql);
  buf_free(&count_sql);
  return rc;
}
