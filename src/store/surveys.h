/* surveys.h — satisfaction survey campaigns in the database (SPEC D4; tables surveys,
 * survey_questions, survey_targets, survey_answers of migration 0006). A campaign is
 * company-wide; what a caller sees of its targets, progress and results is limited to the
 * customers their region grants cover (the scope parameters below). */
#ifndef SHOUHOU_STORE_SURVEYS_H
#define SHOUHOU_STORE_SURVEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "customers.h"
#include "store.h"

struct survey {
  int64_t id;
  char *name, *starts_on, *ends_on; /* dates "YYYY-MM-DD" local */
  char *status;                     /* draft open closed */
  char *note;
  int64_t created_by, created_at, updated_at, version;
};
void survey_clear(struct survey *s);

struct survey_question {
  int64_t id, survey_id, ordinal;
  char *text, *kind; /* score | yes_no | text */
  bool required;
};
void survey_questions_free(struct survey_question *list, size_t count);

enum sh_status store_survey_insert(struct store_tx *tx, const struct survey *s, int64_t now,
                                   int64_t *id, struct sh_error *err);
/* 404 not_found if there is none. Caller clears *out. */
enum sh_status store_survey_get(struct store_tx *tx, int64_t id, struct survey *out,
                                struct sh_error *err);
/* Writes name, dates, status and note if the version is still s->version (409 stale_version),
 * and bumps it. */
enum sh_status store_survey_save(struct store_tx *tx, const struct survey *s, int64_t now,
                                 struct sh_error *err);
/* Newest first; status NULL: any. */
enum sh_status store_survey_list(struct store_tx *tx, const char *status, int64_t limit,
                                 int64_t offset, struct survey **out, size_t *count, int64_t *total,
                                 struct sh_error *err);
void surveys_free(struct survey *list, size_t count);

/* The questions in order. Caller frees with survey_questions_free. */
enum sh_status store_survey_questions(struct store_tx *tx, int64_t survey_id,
                                      struct survey_question **out, size_t *count,
                                      struct sh_error *err);
/* Deletes the questions of a survey (only while it has no answers: a draft) and inserts
 * list[0..n) as ordinals 1..n. */
enum sh_status store_survey_questions_replace(struct store_tx *tx, int64_t survey_id,
                                              const struct survey_question *list, size_t n,
                                              struct sh_error *err);

/* Targets in scope by status: counts[0] pending, [1] answered, [2] declined. */
enum sh_status store_survey_progress(struct store_tx *tx, int64_t survey_id,
                                     const struct customer_scope *scope, int64_t counts[3],
                                     struct sh_error *err);

/* Adds one customer as a pending target if it is a live customer in scope: *added 1 when
 * added, 0 when it already was a target; 422 unknown_customer (naming field) when it is not a
 * customer the caller sees. */
enum sh_status store_survey_target_add(struct store_tx *tx, int64_t survey_id,
                                       const struct customer_scope *scope, int64_t customer_id,
                                       const char *field, int64_t *added, struct sh_error *err);

/* Adds every live customer in scope that matches the filter (NULL / -1: any) and is not a
 * target yet; *added gets how many. */
struct survey_target_filter {
  const char *region_prefix;  /* region_prefix() of a code */
  const char *customer_group; /* dictionary customer_group */
  const char *product_type;   /* a dictionary value ([a-z0-9_]) */
  bool key_only;              /* 重点客户 only */
};
enum sh_status store_survey_targets_add_matching(struct store_tx *tx, int64_t survey_id,
                                                 const struct customer_scope *scope,
                                                 const struct survey_target_filter *f,
                                                 int64_t *added, struct sh_error *err);

struct survey_target {
  int64_t customer_id;
  char *customer_name, *phone, *contact_name, *contact_phone, *region_code, *region_name;
  char *status;
  int64_t answered_at, answered_by;
  char *answered_by_name;
};
void survey_targets_free(struct survey_target *list, size_t count);
/* A page of targets in scope by customer id; status NULL: any. */
enum sh_status store_survey_targets(struct store_tx *tx, int64_t survey_id,
                                    const struct customer_scope *scope, const char *status,
                                    int64_t limit, int64_t offset, struct survey_target **out,
                                    size_t *count, int64_t *total, struct sh_error *err);

/* The target's status, within scope; 422 not_a_target (field customer_id) when the customer
 * is not a target the caller sees. Caller frees *status. */
enum sh_status store_survey_target_status(struct store_tx *tx, int64_t survey_id,
                                          const struct customer_scope *scope, int64_t customer_id,
                                          char **status, struct sh_error *err);
/* Records the response: the target's status (answered or declined) if it is still pending
 * (409 already_answered otherwise). */
enum sh_status store_survey_target_answer(struct store_tx *tx, int64_t survey_id,
                                          int64_t customer_id, const char *status, int64_t at,
                                          int64_t by, struct sh_error *err);
struct survey_answer {
  int64_t question_id;
  bool has_score, has_yes, has_text;
  int64_t score; /* 1..5 */
  bool yes;
  char *text;
};
enum sh_status store_survey_answer_insert(struct store_tx *tx, int64_t survey_id,
                                          int64_t customer_id, const struct survey_answer *a,
                                          struct sh_error *err);

/* Results in scope. Rows of (question_id, value, count): for score questions the score,
 * for yes_no questions 1 / 0. */
struct survey_tally {
  int64_t question_id, value, count;
};
enum sh_status store_survey_tallies(struct store_tx *tx, int64_t survey_id,
                                    const struct customer_scope *scope, struct survey_tally **out,
                                    size_t *count, struct sh_error *err);
/* The text answers of one question in scope, newest response first, at most limit; *total
 * gets how many there are. */
struct survey_text_answer {
  int64_t customer_id;
  char *customer_name, *text;
  int64_t answered_at;
};
void survey_text_answers_free(struct survey_text_answer *list, size_t count);
enum sh_status store_survey_text_answers(struct store_tx *tx, int64_t survey_id,
                                         int64_t question_id, const struct customer_scope *scope,
                                         int64_t limit, struct survey_text_answer **out,
                                         size_t *count, int64_t *total, struct sh_error *err);

#endif
