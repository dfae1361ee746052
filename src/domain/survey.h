/* survey.h — satisfaction survey campaigns (SPEC D4; 工作计划1 三.2:
 * 客户满意度安排在每年的x,x二个月 集中进行回访、统计, reviewing the first half year's use to
 * prevent problems in the second).
 *
 * A campaign (draft → open → closed) has the questions an administrator defines (score 1..5,
 * yes/no, free text) and a chosen set of customers (targets). Any number of campaigns may
 * exist in a year. Without dates a new campaign runs over the months of the setting
 * survey.campaign_months in the given year (422 setting_unset while that setting has no
 * value). The desk records one response per target while the campaign is open; results are
 * tallied per question. Campaigns are company-wide; targets, progress and results show only
 * the customers the caller's region grants cover (as customers do). Every change is one unit
 * with its audit row, entity "survey". Per-ticket satisfaction is the follow-up visit's
 * report (domain/visit.h), not this. */
#ifndef SHOUHOU_DOMAIN_SURVEY_H
#define SHOUHOU_DOMAIN_SURVEY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../store/surveys.h"
#include "actor.h"
#include "app.h"

/* The fields a change may carry, as bits of a present mask. */
enum survey_field {
  SURVEY_FIELD_NAME,
  SURVEY_FIELD_STARTS_ON,
  SURVEY_FIELD_ENDS_ON,
  SURVEY_FIELD_NOTE,
  SURVEY_FIELD_QUESTIONS,
  SURVEY_FIELD_YEAR,
  SURVEY_FIELD_COUNT
};

struct survey_input {
  const char *name, *starts_on, *ends_on, *note; /* dates "YYYY-MM-DD" or NULL */
  int64_t year;                                  /* 0: this year (local) */
  const struct survey_question *questions;       /* text, kind, required */
  size_t nquestions;
};

/* The first and last day of the campaign months starting in year: months "M,M,..." (the
 * setting's text), read as a cycle — the campaign runs over the shortest run of consecutive
 * months holding them all ("6,7": 06-01..07-31; "12,1": 12-01..next year's 01-31; on a tie
 * the run inside the year: "3,9": 03-01..09-30). False if months is malformed, year outside
 * 1900..9999 or the campaign would end after 9999. */
bool survey_campaign_dates(const char *months, int year, char starts_on[11], char ends_on[11]);

/* Creates a draft. Questions 1..50 (422 field_required "questions"); kind score|yes_no|text
 * (422 invalid_choice). Both dates or neither (422 field_required); ends_on ≥ starts_on (422
 * end_before_start). *out: the survey as survey_get shows it. */
enum sh_status survey_create(struct app *app, const struct actor *actor,
                             const struct survey_input *in, json_t **out, struct sh_error *err);

/* Newest first; status NULL: any. */
enum sh_status survey_list(struct app *app, const struct actor *actor, const char *status,
                           int64_t limit, int64_t offset, json_t **items, int64_t *total,
                           struct sh_error *err);

/* The survey with its questions and progress (targets by status, in the caller's scope). */
enum sh_status survey_get(struct app *app, const struct actor *actor, int64_t id, json_t **out,
                          struct sh_error *err);

/* Changes a draft (409 survey_not_draft otherwise): the fields marked in present; questions
 * given replace all of them. year is not a field of a change. */
enum sh_status survey_update(struct app *app, const struct actor *actor, int64_t id,
                             int64_t version, const struct survey_input *in, uint64_t present,
                             json_t **out, struct sh_error *err);

/* draft → open (409 survey_not_draft), open → closed (409 survey_not_open). */
enum sh_status survey_open(struct app *app, const struct actor *actor, int64_t id, int64_t version,
                           json_t **out, struct sh_error *err);
enum sh_status survey_close(struct app *app, const struct actor *actor, int64_t id, int64_t version,
                            json_t **out, struct sh_error *err);

/* Adds customers as targets (not to a closed survey: 409 survey_closed): the ids given
 * (each a customer the caller sees, 422 unknown_customer naming customer_ids[i]) and every
 * customer in scope matching the filter when one is set. At least one of them (422
 * field_required customer_ids). Customers already targeted are skipped; *added: how many
 * were added. */
enum sh_status survey_add_targets(struct app *app, const struct actor *actor, int64_t id,
                                  const int64_t *customer_ids, size_t nids,
                                  const struct survey_target_filter *filter, bool filtered,
                                  int64_t *added, struct sh_error *err);

/* A page of targets in scope (status NULL: any) with name and phone for the desk. */
enum sh_status survey_targets(struct app *app, const struct actor *actor, int64_t id,
                              const char *status, int64_t limit, int64_t offset, json_t **items,
                              int64_t *total, struct sh_error *err);

/* One target's response while the survey is open (409 survey_not_open): declined, or the
 * answers (each to a question of this survey, 422 unknown_question; the value the question's
 * kind takes, 422 field_required / field_not_applicable naming answers[i].score|yes|text;
 * every required question answered, 422 field_required naming answers[question_id=N]).
 * A customer that is not a target: 422 not_a_target; a second response: 409
 * already_answered. */
enum sh_status survey_respond(struct app *app, const struct actor *actor, int64_t id,
                              int64_t customer_id, bool declined,
                              const struct survey_answer *answers, size_t nanswers, json_t **out,
                              struct sh_error *err);

/* Per question: score — count, distribution 1..5, average in tenths (rounded half up),
 * satisfied count and permille (score ≥ visit.satisfied_min_score); yes_no — yes, no,
 * yes_permille; text — the newest answers (at most 100) and their total. */
enum sh_status survey_results(struct app *app, const struct actor *actor, int64_t id, json_t **out,
                              struct sh_error *err);

/* The average of count scores summing to sum, in tenths, rounded half up (integers only:
 * (20 × sum + count) ÷ (2 × count)); and floor(1000 × part ÷ whole). Both need count/whole
 * > 0. */
int64_t survey_average_tenths(int64_t sum, int64_t count);
int64_t survey_permille(int64_t part, int64_t whole);

#endif
