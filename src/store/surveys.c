/* surveys.c — survey campaigns, questions, targets and answers in SQL (see surveys.h). The
 * same text runs on both dialects. Every query about targets and answers takes the caller's
 * customer scope as $1 user, $2 dealer, $3 customer (the rules of store/customers.c). */
#include "surveys.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "../base/mem.h"

/* Over customers aliased c: live, covered by one of the user's region grants, and the
 * dealer's or customer's own limit (store/customers.c CUSTOMER_SCOPE). */
#define SURVEY_SCOPE                                                                               \
  " c.deleted_at IS NULL AND EXISTS (SELECT 1 FROM user_regions ur WHERE ur.user_id = $1"          \
  " AND substr(c.region_code, 1, length(ur.prefix)) = ur.prefix)"                                  \
  " AND ($2 = 0 OR c.dealer_id = $2) AND ($3 = 0 OR c.id = $3)"

#define OOM(err) sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL)

#define F(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct survey, member) }
static const struct store_field survey_fields[] = {
    F(INT, id),    F(TEXT, name),      F(TEXT, starts_on), F(TEXT, ends_on),   F(TEXT, status),
    F(TEXT, note), F(INT, created_by), F(INT, created_at), F(INT, updated_at), F(INT, version),
};
#undef F
#define NSURVEY (sizeof survey_fields / sizeof survey_fields[0])
#define SURVEY_COLUMNS                                                                             \
  "id, name, starts_on, ends_on, status, note, created_by, created_at, updated_at, version"

void survey_clear(struct survey *s) {
  if (s)
    store_fields_free(survey_fields, NSURVEY, s);
}

void surveys_free(struct survey *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    survey_clear(&list[i]);
  free(list);
}

enum sh_status store_survey_insert(struct store_tx *tx, const struct survey *s, int64_t now,
                                   int64_t *id, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {
      SP_TEXT(s->name),   SP_TEXT(s->starts_on),           SP_TEXT(s->ends_on),
      SP_TEXT(s->status), SP_TEXT(s->note ? s->note : ""), SP_INT(s->created_by),
      SP_INT(now)};
  enum sh_status rc =
      store_exec(tx,
                 "INSERT INTO surveys (name, starts_on, ends_on, status, note, created_by, "
                 "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                 v, 7, &rows, err);
  if (rc == SH_OK)
    *id = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_survey_get(struct store_tx *tx, int64_t id, struct survey *out,
                                struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(id)};
  enum sh_status rc =
      store_exec(tx, "SELECT " SURVEY_COLUMNS " FROM surveys WHERE id = $1", v, 1, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc == SH_OK && !store_rows_fill(rows, 0, survey_fields, NSURVEY, out)) {
    survey_clear(out);
    rc = OOM(err);
  }
  store_rows_free(rows);
  return rc;
}

enum sh_status store_survey_save(struct store_tx *tx, const struct survey *s, int64_t now,
                                 struct sh_error *err) {
  struct store_param v[] = {SP_INT(s->id),
                            SP_INT(s->version),
                            SP_TEXT(s->name),
                            SP_TEXT(s->starts_on),
                            SP_TEXT(s->ends_on),
                            SP_TEXT(s->status),
                            SP_TEXT(s->note ? s->note : ""),
                            SP_INT(now)};
  enum sh_status rc = store_exec(tx,
                                 "UPDATE surveys SET version = version + 1, name = $3, "
                                 "starts_on = $4, ends_on = $5, status = $6, note = $7, "
                                 "updated_at = $8 WHERE id = $1 AND version = $2",
                                 v, 8, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "stale_version", "version", NULL);
  return rc;
}

enum sh_status store_survey_list(struct store_tx *tx, const char *status, int64_t limit,
                                 int64_t offset, struct survey **out, size_t *count, int64_t *total,
                                 struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {status ? SP_TEXT(status) : SP_NULL(), SP_INT(limit), SP_INT(offset)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT " SURVEY_COLUMNS " FROM surveys WHERE "
                                 "(CAST($1 AS TEXT) IS NULL OR status = CAST($1 AS TEXT)) "
                                 "ORDER BY id DESC LIMIT $2 OFFSET $3",
                                 v, 3, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc =
        store_rows_fill_all(rows, survey_fields, NSURVEY, sizeof(struct survey), &list, count, err);
  store_rows_free(rows);
  rows = NULL;
  if (rc == SH_OK)
    rc = store_exec(tx,
                    "SELECT count(*) FROM surveys WHERE "
                    "(CAST($1 AS TEXT) IS NULL OR status = CAST($1 AS TEXT)) AND $2 = $2 "
                    "AND $3 = $3",
                    v, 3, &rows, err);
  if (rc == SH_OK)
    *total = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  if (rc != SH_OK) {
    surveys_free(list, list ? *count : 0);
    return rc;
  }
  *out = list;
  return SH_OK;
}

#define Q(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct survey_question, member) }
static const struct store_field question_fields[] = {
    Q(INT, id), Q(INT, survey_id), Q(INT, ordinal), Q(TEXT, text), Q(TEXT, kind), Q(BOOL, required),
};
#undef Q
#define NQUESTION (sizeof question_fields / sizeof question_fields[0])

void survey_questions_free(struct survey_question *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(question_fields, NQUESTION, &list[i]);
  free(list);
}

enum sh_status store_survey_questions(struct store_tx *tx, int64_t survey_id,
                                      struct survey_question **out, size_t *count,
                                      struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(survey_id)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT id, survey_id, ordinal, text, kind, required FROM "
                                 "survey_questions WHERE survey_id = $1 ORDER BY ordinal",
                                 v, 1, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, question_fields, NQUESTION, sizeof(struct survey_question),
                             &list, count, err);
  store_rows_free(rows);
  if (rc == SH_OK)
    *out = list;
  return rc;
}

enum sh_status store_survey_questions_replace(struct store_tx *tx, int64_t survey_id,
                                              const struct survey_question *list, size_t n,
                                              struct sh_error *err) {
  struct store_param id[] = {SP_INT(survey_id)};
  enum sh_status rc =
      store_exec(tx, "DELETE FROM survey_questions WHERE survey_id = $1", id, 1, NULL, err);
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    struct store_param v[] = {SP_INT(survey_id), SP_INT((int64_t)i + 1), SP_TEXT(list[i].text),
                              SP_TEXT(list[i].kind), SP_BOOL(list[i].required)};
    rc = store_exec(tx,
                    "INSERT INTO survey_questions (survey_id, ordinal, text, kind, required) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    v, 5, NULL, err);
  }
  return rc;
}

enum sh_status store_survey_progress(struct store_tx *tx, int64_t survey_id,
                                     const struct customer_scope *scope, int64_t counts[3],
                                     struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(scope->user_id), SP_INT(scope->dealer_id),
                            SP_INT(scope->customer_id), SP_INT(survey_id)};
  enum sh_status rc =
      store_exec(tx,
                 "SELECT count(CASE WHEN t.status = 'pending' THEN 1 END), "
                 "count(CASE WHEN t.status = 'answered' THEN 1 END), "
                 "count(CASE WHEN t.status = 'declined' THEN 1 END) FROM survey_targets t "
                 "JOIN customers c ON c.id = t.customer_id WHERE t.survey_id = $4 AND" SURVEY_SCOPE,
                 v, 4, &rows, err);
  for (int i = 0; rc == SH_OK && i < 3; i++)
    counts[i] = store_rows_int(rows, 0, (size_t)i);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_survey_target_add(struct store_tx *tx, int64_t survey_id,
                                       const struct customer_scope *scope, int64_t customer_id,
                                       const char *field, int64_t *added, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(scope->user_id), SP_INT(scope->dealer_id),
                            SP_INT(scope->customer_id), SP_INT(survey_id), SP_INT(customer_id)};
  enum sh_status rc =
      store_exec(tx, "SELECT 1 FROM customers c WHERE c.id = $5 AND $4 = $4 AND" SURVEY_SCOPE, v, 5,
                 &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_INVALID, "unknown_customer", field, NULL);
  store_rows_free(rows);
  if (rc == SH_OK)
    rc = store_exec(tx,
                    "INSERT INTO survey_targets (survey_id, customer_id, status) "
                    "VALUES ($4, $5, 'pending') ON CONFLICT DO NOTHING",
                    v + 0, 5, NULL, err);
  if (rc == SH_OK)
    *added = store_changes(tx);
  return rc;
}

enum sh_status store_survey_targets_add_matching(struct store_tx *tx, int64_t survey_id,
                                                 const struct customer_scope *scope,
                                                 const struct survey_target_filter *f,
                                                 int64_t *added, struct sh_error *err) {
  char product[80] = "";
  if (f->product_type)
    snprintf(product, sizeof product, "%%\"%s\"%%", f->product_type);
  struct store_param v[] = {
      SP_INT(scope->user_id),
      SP_INT(scope->dealer_id),
      SP_INT(scope->customer_id),
      SP_INT(survey_id),
      f->region_prefix ? SP_TEXT(f->region_prefix) : SP_NULL(),
      f->customer_group ? SP_TEXT(f->customer_group) : SP_NULL(),
      f->product_type ? SP_TEXT(product) : SP_NULL(),
      SP_BOOL(f->key_only),
  };
  enum sh_status rc = store_exec(
      tx,
      "INSERT INTO survey_targets (survey_id, customer_id, status) "
      "SELECT $4, c.id, 'pending' FROM customers c WHERE" SURVEY_SCOPE
      " AND (CAST($5 AS TEXT) IS NULL OR substr(c.region_code, 1, length(CAST($5 AS TEXT))) = "
      "CAST($5 AS TEXT)) AND (CAST($6 AS TEXT) IS NULL OR c.customer_group = CAST($6 AS TEXT))"
      " AND (CAST($7 AS TEXT) IS NULL OR c.product_types LIKE CAST($7 AS TEXT))"
      " AND ($8 = 0 OR c.key_customer = 1)"
      " AND NOT EXISTS (SELECT 1 FROM survey_targets x WHERE x.survey_id = $4 AND "
      "x.customer_id = c.id) ORDER BY c.id ON CONFLICT DO NOTHING",
      v, 8, NULL, err);
  if (rc == SH_OK)
    *added = store_changes(tx);
  return rc;
}

#define T(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct survey_target, member) }
static const struct store_field target_fields[] = {
    T(INT, customer_id),   T(TEXT, customer_name),    T(TEXT, phone),
    T(TEXT, contact_name), T(TEXT, contact_phone),    T(TEXT, region_code),
    T(TEXT, region_name),  T(TEXT, status),           T(INT, answered_at),
    T(INT, answered_by),   T(TEXT, answered_by_name),
};
#undef T
#define NTARGET (sizeof target_fields / sizeof target_fields[0])

void survey_targets_free(struct survey_target *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(target_fields, NTARGET, &list[i]);
  free(list);
}

/* $5 status filter. */
#define TARGET_WHERE                                                                               \
  " WHERE t.survey_id = $4 AND" SURVEY_SCOPE                                                       \
  " AND (CAST($5 AS TEXT) IS NULL OR t.status = CAST($5 AS TEXT))"

enum sh_status store_survey_targets(struct store_tx *tx, int64_t survey_id,
                                    const struct customer_scope *scope, const char *status,
                                    int64_t limit, int64_t offset, struct survey_target **out,
                                    size_t *count, int64_t *total, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(scope->user_id),
                            SP_INT(scope->dealer_id),
                            SP_INT(scope->customer_id),
                            SP_INT(survey_id),
                            status ? SP_TEXT(status) : SP_NULL(),
                            SP_INT(limit),
                            SP_INT(offset)};
  /* The desk phones the primary contact, else the customer's own number. */
  enum sh_status rc = store_exec(
      tx,
      "SELECT c.id, c.name, c.phone, COALESCE(pc.name, ''), COALESCE(pc.phone, ''), "
      "c.region_code, r.name, t.status, t.answered_at, t.answered_by, u.display_name "
      "FROM survey_targets t JOIN customers c ON c.id = t.customer_id "
      "LEFT JOIN regions r ON r.code = c.region_code "
      "LEFT JOIN users u ON u.id = t.answered_by "
      "LEFT JOIN customer_contacts pc ON pc.id = (SELECT min(k.id) FROM customer_contacts k "
      "WHERE k.customer_id = c.id AND k.is_primary = 1)" TARGET_WHERE
      " ORDER BY c.id LIMIT $6 OFFSET $7",
      v, 7, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, target_fields, NTARGET, sizeof(struct survey_target), &list,
                             count, err);
  store_rows_free(rows);
  rows = NULL;
  if (rc == SH_OK)
    rc = store_exec(tx,
                    "SELECT count(*) FROM survey_targets t JOIN customers c ON c.id = "
                    "t.customer_id" TARGET_WHERE " AND $6 = $6 AND $7 = $7",
                    v, 7, &rows, err);
  if (rc == SH_OK)
    *total = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  if (rc != SH_OK) {
    survey_targets_free(list, list ? *count : 0);
    return rc;
  }
  *out = list;
  return SH_OK;
}

enum sh_status store_survey_target_status(struct store_tx *tx, int64_t survey_id,
                                          const struct customer_scope *scope, int64_t customer_id,
                                          char **status, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(scope->user_id), SP_INT(scope->dealer_id),
                            SP_INT(scope->customer_id), SP_INT(survey_id), SP_INT(customer_id)};
  enum sh_status rc = store_exec(tx,
                                 "SELECT t.status FROM survey_targets t JOIN customers c ON "
                                 "c.id = t.customer_id WHERE t.survey_id = $4 AND "
                                 "t.customer_id = $5 AND" SURVEY_SCOPE,
                                 v, 5, &rows, err);
  if (rc == SH_OK && store_rows_count(rows) == 0)
    rc = sh_fail(err, SH_ERR_INVALID, "not_a_target", "customer_id", NULL);
  if (rc == SH_OK && !(*status = store_rows_strdup(rows, 0, 0)))
    rc = OOM(err);
  store_rows_free(rows);
  return rc;
}

enum sh_status store_survey_target_answer(struct store_tx *tx, int64_t survey_id,
                                          int64_t customer_id, const char *status, int64_t at,
                                          int64_t by, struct sh_error *err) {
  struct store_param v[] = {SP_INT(survey_id), SP_INT(customer_id), SP_TEXT(status), SP_INT(at),
                            SP_INT(by)};
  enum sh_status rc = store_exec(tx,
                                 "UPDATE survey_targets SET status = $3, answered_at = $4, "
                                 "answered_by = $5 WHERE survey_id = $1 AND customer_id = $2 "
                                 "AND status = 'pending'",
                                 v, 5, NULL, err);
  if (rc == SH_OK && store_changes(tx) == 0)
    rc = sh_fail(err, SH_ERR_CONFLICT, "already_answered", "customer_id", NULL);
  return rc;
}

enum sh_status store_survey_answer_insert(struct store_tx *tx, int64_t survey_id,
                                          int64_t customer_id, const struct survey_answer *a,
                                          struct sh_error *err) {
  struct store_param v[] = {SP_INT(survey_id),
                            SP_INT(customer_id),
                            SP_INT(a->question_id),
                            a->has_score ? SP_INT(a->score) : SP_NULL(),
                            a->has_yes ? SP_BOOL(a->yes) : SP_NULL(),
                            a->has_text ? SP_TEXT(a->text) : SP_NULL()};
  return store_exec(tx,
                    "INSERT INTO survey_answers (survey_id, customer_id, question_id, score, yes, "
                    "text) VALUES ($1, $2, $3, $4, $5, $6)",
                    v, 6, NULL, err);
}

enum sh_status store_survey_tallies(struct store_tx *tx, int64_t survey_id,
                                    const struct customer_scope *scope, struct survey_tally **out,
                                    size_t *count, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(scope->user_id), SP_INT(scope->dealer_id),
                            SP_INT(scope->customer_id), SP_INT(survey_id)};
  enum sh_status rc = store_exec(
      tx,
      "SELECT a.question_id, COALESCE(a.score, a.yes), count(*) FROM survey_answers a "
      "JOIN customers c ON c.id = a.customer_id WHERE a.survey_id = $4 AND (a.score IS NOT NULL "
      "OR a.yes IS NOT NULL) AND" SURVEY_SCOPE " GROUP BY a.question_id, COALESCE(a.score, a.yes) "
      "ORDER BY 1, 2",
      v, 4, &rows, err);
  size_t n = rc == SH_OK ? store_rows_count(rows) : 0;
  struct survey_tally *list = NULL;
  if (rc == SH_OK && !(list = sh_calloc(n ? n : 1, sizeof *list)))
    rc = OOM(err);
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    list[i].question_id = store_rows_int(rows, i, 0);
    list[i].value = store_rows_int(rows, i, 1);
    list[i].count = store_rows_int(rows, i, 2);
  }
  store_rows_free(rows);
  if (rc != SH_OK) {
    free(list);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}

#define X(type, member)                                                                            \
  { STORE_F_##type, offsetof(struct survey_text_answer, member) }
static const struct store_field text_fields[] = {X(INT, customer_id), X(TEXT, customer_name),
                                                 X(TEXT, text), X(INT, answered_at)};
#undef X
#define NTEXT (sizeof text_fields / sizeof text_fields[0])

void survey_text_answers_free(struct survey_text_answer *list, size_t count) {
  for (size_t i = 0; list && i < count; i++)
    store_fields_free(text_fields, NTEXT, &list[i]);
  free(list);
}

enum sh_status store_survey_text_answers(struct store_tx *tx, int64_t survey_id,
                                         int64_t question_id, const struct customer_scope *scope,
                                         int64_t limit, struct survey_text_answer **out,
                                         size_t *count, int64_t *total, struct sh_error *err) {
  struct store_rows *rows = NULL;
  struct store_param v[] = {SP_INT(scope->user_id),     SP_INT(scope->dealer_id),
                            SP_INT(scope->customer_id), SP_INT(survey_id),
                            SP_INT(question_id),        SP_INT(limit)};
#define TEXT_FROM                                                                                  \
  " FROM survey_answers a JOIN customers c ON c.id = a.customer_id JOIN survey_targets t ON "      \
  "t.survey_id = a.survey_id AND t.customer_id = a.customer_id WHERE a.survey_id = $4 AND "        \
  "a.question_id = $5 AND a.text IS NOT NULL AND" SURVEY_SCOPE
  enum sh_status rc = store_exec(tx,
                                 "SELECT c.id, c.name, a.text, t.answered_at" TEXT_FROM
                                 " ORDER BY t.answered_at DESC, c.id LIMIT $6",
                                 v, 6, &rows, err);
  void *list = NULL;
  if (rc == SH_OK)
    rc = store_rows_fill_all(rows, text_fields, NTEXT, sizeof(struct survey_text_answer), &list,
                             count, err);
  store_rows_free(rows);
  rows = NULL;
  if (rc == SH_OK)
    rc = store_exec(tx, "SELECT count(*)" TEXT_FROM " AND $6 = $6", v, 6, &rows, err);
#undef TEXT_FROM
  if (rc == SH_OK)
    *total = store_rows_int(rows, 0, 0);
  store_rows_free(rows);
  if (rc != SH_OK) {
    survey_text_answers_free(list, list ? *count : 0);
    return rc;
  }
  *out = list;
  return SH_OK;
}
