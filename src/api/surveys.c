/* surveys.c — /api/v1/surveys: satisfaction survey campaigns over HTTP (SPEC D4): the
 * campaign with its questions, opening and closing it, its targets, the desk's responses
 * and the results per question. Decodes bodies by field tables (nested arrays item by item,
 * errors naming "questions[2].kind"), calls domain/survey, answers JSON. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../domain/survey.h"
#include "../rules/region.h"
#include "handlers.h"
#include "list.h"

#define MAX_TARGET_IDS 1000
#define MAX_ANSWERS 50

static bool path_id(struct api_request *req, struct api_response *resp, int64_t *id) {
  if (api_path_id(req, 0, id))
    return true;
  api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
  return false;
}

/* The body as a JSON object, or an error answered. */
static json_t *body_object(struct api_request *req, struct api_response *resp) {
  json_t *root = NULL;
  struct sh_error err;
  if (jsonx_parse(req->body, req->body_len, &root, &err) != SH_OK) {
    api_error(req, resp, &err);
    return NULL;
  }
  return root;
}

/* An array member decoded by a field table item by item; fails on a non-array. */
static enum sh_status check_array(json_t *v, const char *name, size_t max, struct sh_error *err) {
  if (!json_is_array(v))
    return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", name, "array");
  if (json_array_size(v) > max)
    return sh_fail(err, SH_ERR_INVALID, "too_many_items", name, NULL);
  return SH_OK;
}

/* ---- the campaign ----------------------------------------------------------------------- */

/* Fields 0..5 in the order of enum survey_field, then version (PATCH only). */
struct survey_body {
  char *name, *starts_on, *ends_on, *note;
  json_t *questions;
  int64_t year, version;
};

#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct survey_body, name) }
static const struct jfield survey_fields[] = {
    F(name, JF_STRING, JF_REQUIRED, 1, 100),
    F(starts_on, JF_DATE, JF_NULLABLE, 0, 0),
    F(ends_on, JF_DATE, JF_NULLABLE, 0, 0),
    F(note, JF_STRING, JF_NULLABLE | JF_MULTILINE, 0, 1000),
    F(questions, JF_JSON, JF_REQUIRED, 0, 0),
    F(year, JF_INT, JF_NULLABLE, 1900, 9999),
    F(version, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
};
#undef F
#define NSURVEY (sizeof survey_fields / sizeof *survey_fields)
_Static_assert(NSURVEY == SURVEY_FIELD_COUNT + 1, "one body field per survey field");

struct question_body {
  char *text, *kind;
  bool required;
};
#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct question_body, name) }
static const struct jfield question_fields[] = {
    F(text, JF_STRING, JF_REQUIRED | JF_MULTILINE, 1, 200),
    F(kind, JF_STRING, JF_REQUIRED, 1, 16),
    F(required, JF_BOOL, 0, 0, 0),
};
#undef F
#define NQUESTION (sizeof question_fields / sizeof *question_fields)

static void questions_free(struct survey_question *qs, size_t n) {
  for (size_t i = 0; qs && i < n; i++) {
    free(qs[i].text);
    free(qs[i].kind);
  }
  free(qs);
}

/* Decodes the questions array into *out (text, kind, required: true unless false). */
static enum sh_status decode_questions(json_t *arr, struct survey_question **out, size_t *count,
                                       struct sh_error *err) {
  enum sh_status rc = check_array(arr, "questions", 50, err);
  size_t n = rc == SH_OK ? json_array_size(arr) : 0, i = 0;
  struct survey_question *qs = NULL;
  if (rc == SH_OK && !(qs = sh_calloc(n ? n : 1, sizeof *qs)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  for (; rc == SH_OK && i < n; i++) {
    char prefix[64];
    snprintf(prefix, sizeof prefix, "questions[%zu].", i);
    struct question_body b = {0};
    uint64_t present = 0;
    json_t *item = json_array_get(arr, i);
    if (!json_is_object(item)) {
      rc = sh_fail(err, SH_ERR_MALFORMED, "wrong_type", "questions", "object");
      break;
    }
    rc = jsonx_decode(item, question_fields, NQUESTION, &b, &present, prefix, err);
    if (rc == SH_OK && (!(present & 1) || !(present & 2))) {
      snprintf(prefix, sizeof prefix, "questions[%zu].%s", i, !(present & 1) ? "text" : "kind");
      rc = sh_fail(err, SH_ERR_INVALID, "field_required", prefix, NULL);
      jsonx_free(question_fields, NQUESTION, &b);
    }
    if (rc == SH_OK) {
      qs[i].text = b.text;
      qs[i].kind = b.kind;
      qs[i].required = (present & 4) ? b.required : true;
    }
  }
  if (rc != SH_OK) {
    questions_free(qs, i);
    return rc;
  }
  *out = qs;
  *count = n;
  return SH_OK;
}

/* Decodes POST (present NULL) or PATCH. On success the caller frees b and *qs. */
static bool decode_survey(struct api_request *req, struct api_response *resp, struct survey_body *b,
                          uint64_t *present, struct survey_question **qs, size_t *nq) {
  json_t *root = body_object(req, resp);
  if (!root)
    return false;
  struct sh_error err;
  uint64_t seen = 0;
  enum sh_status rc = jsonx_decode(root, survey_fields, present ? NSURVEY : NSURVEY - 1, b,
                                   present ? &seen : NULL, NULL, &err);
  json_decref(root);
  if (rc == SH_OK && present && !(seen & ((uint64_t)1 << SURVEY_FIELD_COUNT)))
    rc = sh_fail(&err, SH_ERR_INVALID, "field_required", "version", NULL);
  if (rc == SH_OK && present && (seen & ((uint64_t)1 << SURVEY_FIELD_YEAR)))
    rc = sh_fail(&err, SH_ERR_INVALID, "field_not_applicable", "year", NULL);
  *qs = NULL;
  *nq = 0;
  if (rc == SH_OK && b->questions)
    rc = decode_questions(b->questions, qs, nq, &err);
  if (present)
    *present = seen & ~((uint64_t)1 << SURVEY_FIELD_COUNT);
  if (rc != SH_OK) {
    jsonx_free(survey_fields, NSURVEY, b);
    api_error(req, resp, &err);
  }
  return rc == SH_OK;
}

static struct survey_input input_of(const struct survey_body *b, const struct survey_question *qs,
                                    size_t nq) {
  struct survey_input in = {.name = b->name,
                            .starts_on = b->starts_on,
                            .ends_on = b->ends_on,
                            .note = b->note,
                            .year = b->year,
                            .questions = qs,
                            .nquestions = nq};
  return in;
}

void api_surveys_create(struct api_request *req, struct api_response *resp) {
  struct survey_body b = {0};
  struct survey_question *qs = NULL;
  size_t nq = 0;
  if (!api_query_check(req, resp, NULL) || !decode_survey(req, resp, &b, NULL, &qs, &nq))
    return;
  struct survey_input in = input_of(&b, qs, nq);
  json_t *out = NULL;
  struct sh_error err;
  if (survey_create(req->app, &req->actor, &in, &out, &err) == SH_OK)
    api_reply(resp, 201, out);
  else
    api_error(req, resp, &err);
  questions_free(qs, nq);
  jsonx_free(survey_fields, NSURVEY, &b);
}

void api_surveys_update(struct api_request *req, struct api_response *resp) {
  int64_t id;
  struct survey_body b = {0};
  struct survey_question *qs = NULL;
  size_t nq = 0;
  uint64_t present = 0;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id) ||
      !decode_survey(req, resp, &b, &present, &qs, &nq))
    return;
  struct survey_input in = input_of(&b, qs, nq);
  json_t *out = NULL;
  struct sh_error err;
  if (survey_update(req->app, &req->actor, id, b.version, &in, present, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
  questions_free(qs, nq);
  jsonx_free(survey_fields, NSURVEY, &b);
}

void api_surveys_get(struct api_request *req, struct api_response *resp) {
  int64_t id;
  json_t *out = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id))
    return;
  if (survey_get(req->app, &req->actor, id, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
}

void api_surveys_results(struct api_request *req, struct api_response *resp) {
  int64_t id;
  json_t *out = NULL;
  struct sh_error err;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id))
    return;
  if (survey_results(req->app, &req->actor, id, &out, &err) == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
}

/* A page query whose only filter is status, one of values (NULL-terminated). */
static bool page_query(struct api_request *req, struct api_response *resp,
                       const char *const *values, struct list_params *lp, const char **status) {
  static const char *const allowed[] = {"status", NULL};
  static const char *const sort_keys[] = {"id", NULL};
  if (!api_list_params(req, resp, allowed, sort_keys, 0, false, lp))
    return false;
  *status = api_query(req, "status");
  bool ok = *status == NULL;
  for (size_t i = 0; !ok && values[i]; i++)
    ok = strcmp(*status, values[i]) == 0;
  if (ok && lp->keyset)
    ok = false; /* screens only: these lists page by number */
  if (!ok) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", lp->keyset ? "cursor" : "status");
    api_list_params_free(lp);
  }
  return ok;
}

void api_surveys_list(struct api_request *req, struct api_response *resp) {
  static const char *const statuses[] = {"draft", "open", "closed", NULL};
  struct list_params lp;
  const char *status;
  if (!page_query(req, resp, statuses, &lp, &status))
    return;
  json_t *items = NULL;
  int64_t total = 0;
  struct sh_error err;
  if (survey_list(req->app, &req->actor, status, lp.page_size, (lp.page - 1) * lp.page_size, &items,
                  &total, &err) == SH_OK)
    api_reply(resp, 200, api_list_body(items, total, NULL));
  else
    api_error(req, resp, &err);
  api_list_params_free(&lp);
}

/* {version}: opening and closing. */
static void transition(struct api_request *req, struct api_response *resp, bool open) {
  struct version_body {
    int64_t version;
  } b = {0};
  static const struct jfield fields[] = {
      {"version", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct version_body, version)}};
  int64_t id;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id))
    return;
  json_t *root = body_object(req, resp), *out = NULL;
  if (!root)
    return;
  struct sh_error err;
  enum sh_status rc = jsonx_decode(root, fields, 1, &b, NULL, NULL, &err);
  json_decref(root);
  if (rc == SH_OK)
    rc = open ? survey_open(req->app, &req->actor, id, b.version, &out, &err)
              : survey_close(req->app, &req->actor, id, b.version, &out, &err);
  if (rc == SH_OK)
    api_reply(resp, 200, out);
  else
    api_error(req, resp, &err);
}

void api_surveys_open(struct api_request *req, struct api_response *resp) {
  transition(req, resp, true);
}

void api_surveys_close(struct api_request *req, struct api_response *resp) {
  transition(req, resp, false);
}

/* ---- targets ---------------------------------------------------------------------------- */

struct targets_body {
  json_t *customer_ids;
  char *region_code, *customer_group, *product_type;
  bool key_only;
};
#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct targets_body, name) }
static const struct jfield targets_fields[] = {
    F(customer_ids, JF_JSON, JF_NULLABLE, 0, 0),
    F(region_code, JF_STRING, JF_NULLABLE, 6, 6),
    F(customer_group, JF_STRING, JF_NULLABLE, 1, 32),
    F(product_type, JF_STRING, JF_NULLABLE, 1, 32),
    F(key_only, JF_BOOL, 0, 0, 0),
};
#undef F
#define NTARGETS (sizeof targets_fields / sizeof *targets_fields)

/* The customer ids as integers 1..2^53 (400 wrong_type naming customer_ids[i]). */
static enum sh_status decode_ids(json_t *arr, int64_t **out, size_t *count, struct sh_error *err) {
  *out = NULL;
  *count = 0;
  if (!arr)
    return SH_OK;
  enum sh_status rc = check_array(arr, "customer_ids", MAX_TARGET_IDS, err);
  size_t n = rc == SH_OK ? json_array_size(arr) : 0;
  int64_t *ids = NULL;
  if (rc == SH_OK && !(ids = sh_calloc(n ? n : 1, sizeof *ids)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    json_t *v = json_array_get(arr, i);
    char field[48];
    snprintf(field, sizeof field, "customer_ids[%zu]", i);
    if (!json_is_integer(v))
      rc = sh_fail(err, SH_ERR_MALFORMED, "wrong_type", field, "integer");
    else if (json_integer_value(v) < 1 || json_integer_value(v) > ((int64_t)1 << 53))
      rc = sh_fail(err, SH_ERR_INVALID, "out_of_range", field, NULL);
    else
      ids[i] = json_integer_value(v);
  }
  if (rc != SH_OK) {
    free(ids);
    return rc;
  }
  *out = ids;
  *count = n;
  return SH_OK;
}

/* A dictionary value: lower-case letters, digits and underscores. */
static bool dict_value(const char *s) {
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
      return false;
  return true;
}

void api_survey_targets_add(struct api_request *req, struct api_response *resp) {
  int64_t id;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id))
    return;
  json_t *root = body_object(req, resp);
  if (!root)
    return;
  struct targets_body b = {0};
  struct sh_error err;
  int64_t *ids = NULL, added = 0;
  size_t nids = 0;
  char prefix[REGION_CODE_LEN + 1] = "";
  enum sh_status rc = jsonx_decode(root, targets_fields, NTARGETS, &b, NULL, NULL, &err);
  json_decref(root);
  if (rc == SH_OK)
    rc = decode_ids(b.customer_ids, &ids, &nids, &err);
  if (rc == SH_OK && b.region_code && !region_code_valid(b.region_code))
    rc = sh_fail(&err, SH_ERR_INVALID, "invalid_region", "region_code", b.region_code);
  if (rc == SH_OK && b.product_type && !dict_value(b.product_type))
    rc = sh_fail(&err, SH_ERR_INVALID, "invalid_choice", "product_type", NULL);
  if (rc == SH_OK && b.region_code)
    region_prefix(b.region_code, prefix);
  struct survey_target_filter f = {.region_prefix = b.region_code ? prefix : NULL,
                                   .customer_group = b.customer_group,
                                   .product_type = b.product_type,
                                   .key_only = b.key_only};
  bool filtered = b.region_code || b.customer_group || b.product_type || b.key_only;
  if (rc == SH_OK)
    rc = survey_add_targets(req->app, &req->actor, id, ids, nids, &f, filtered, &added, &err);
  if (rc == SH_OK)
    api_reply(resp, 200, json_pack("{s:I}", "added", (json_int_t)added));
  else
    api_error(req, resp, &err);
  free(ids);
  jsonx_free(targets_fields, NTARGETS, &b);
}

void api_survey_targets_list(struct api_request *req, struct api_response *resp) {
  static const char *const statuses[] = {"pending", "answered", "declined", NULL};
  int64_t id;
  struct list_params lp;
  const char *status;
  if (!path_id(req, resp, &id) || !page_query(req, resp, statuses, &lp, &status))
    return;
  json_t *items = NULL;
  int64_t total = 0;
  struct sh_error err;
  if (survey_targets(req->app, &req->actor, id, status, lp.page_size, (lp.page - 1) * lp.page_size,
                     &items, &total, &err) == SH_OK)
    api_reply(resp, 200, api_list_body(items, total, NULL));
  else
    api_error(req, resp, &err);
  api_list_params_free(&lp);
}

/* ---- responses -------------------------------------------------------------------------- */

struct response_body {
  int64_t customer_id;
  bool declined;
  json_t *answers;
};
#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct response_body, name) }
static const struct jfield response_fields[] = {
    F(customer_id, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
    F(declined, JF_BOOL, 0, 0, 0),
    F(answers, JF_JSON, JF_NULLABLE, 0, 0),
};
#undef F
#define NRESPONSE (sizeof response_fields / sizeof *response_fields)

struct answer_body {
  int64_t question_id, score;
  bool yes;
  char *text;
};
#define F(name, type, flags, min, max)                                                             \
  { #name, type, flags, min, max, offsetof(struct answer_body, name) }
static const struct jfield answer_fields[] = {
    F(question_id, JF_INT, JF_REQUIRED, 1, INT64_MAX / 2),
    F(score, JF_INT, 0, 1, 5),
    F(yes, JF_BOOL, 0, 0, 0),
    F(text, JF_STRING, JF_MULTILINE, 1, 500),
};
#undef F
#define NANSWER (sizeof answer_fields / sizeof *answer_fields)

static void answers_free(struct survey_answer *list, size_t n) {
  for (size_t i = 0; list && i < n; i++)
    free(list[i].text);
  free(list);
}

static enum sh_status decode_answers(json_t *arr, struct survey_answer **out, size_t *count,
                                     struct sh_error *err) {
  *out = NULL;
  *count = 0;
  if (!arr)
    return SH_OK;
  enum sh_status rc = check_array(arr, "answers", MAX_ANSWERS, err);
  size_t n = rc == SH_OK ? json_array_size(arr) : 0, i = 0;
  struct survey_answer *list = NULL;
  if (rc == SH_OK && !(list = sh_calloc(n ? n : 1, sizeof *list)))
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  for (; rc == SH_OK && i < n; i++) {
    char prefix[64];
    snprintf(prefix, sizeof prefix, "answers[%zu].", i);
    json_t *item = json_array_get(arr, i);
    struct answer_body b = {0};
    uint64_t present = 0;
    if (!json_is_object(item)) {
      rc = sh_fail(err, SH_ERR_MALFORMED, "wrong_type", "answers", "object");
      break;
    }
    rc = jsonx_decode(item, answer_fields, NANSWER, &b, &present, prefix, err);
    if (rc == SH_OK && !(present & 1)) {
      snprintf(prefix, sizeof prefix, "answers[%zu].question_id", i);
      rc = sh_fail(err, SH_ERR_INVALID, "field_required", prefix, NULL);
    }
    if (rc == SH_OK) {
      list[i] = (struct survey_answer){.question_id = b.question_id,
                                       .has_score = (present & 2) != 0,
                                       .score = b.score,
                                       .has_yes = (present & 4) != 0,
                                       .yes = b.yes,
                                       .has_text = (present & 8) != 0,
                                       .text = b.text};
      b.text = NULL;
    }
    jsonx_free(answer_fields, NANSWER, &b);
  }
  if (rc != SH_OK) {
    answers_free(list, i);
    return rc;
  }
  *out = list;
  *count = n;
  return SH_OK;
}

void api_survey_responses_create(struct api_request *req, struct api_response *resp) {
  int64_t id;
  if (!api_query_check(req, resp, NULL) || !path_id(req, resp, &id))
    return;
  json_t *root = body_object(req, resp), *out = NULL;
  if (!root)
    return;
  struct response_body b = {0};
  struct survey_answer *answers = NULL;
  size_t n = 0;
  struct sh_error err;
  enum sh_status rc = jsonx_decode(root, response_fields, NRESPONSE, &b, NULL, NULL, &err);
  json_decref(root);
  if (rc == SH_OK)
    rc = decode_answers(b.answers, &answers, &n, &err);
  if (rc == SH_OK)
    rc = survey_respond(req->app, &req->actor, id, b.customer_id, b.declined, answers, n, &out,
                        &err);
  if (rc == SH_OK)
    api_reply(resp, 201, out);
  else
    api_error(req, resp, &err);
  answers_free(answers, n);
  jsonx_free(response_fields, NRESPONSE, &b);
}
