/* complaint_internal.h — what complaint.c (registration, reading), complaint_flow.c (the
 * procedure and its documents) and complaint_categories.c (the tree) share. Not for other
 * modules. */
#ifndef SHOUHOU_DOMAIN_COMPLAINT_INTERNAL_H
#define SHOUHOU_DOMAIN_COMPLAINT_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../base/utf8.h" /* utf8_clip, utf8_trim_tail: below */
#include "../store/complaints.h"
#include "actor.h"
#include "app.h"

/* "YYYY-MM-DD" of utc in the company's zone. */
void complaint_local_day(int64_t utc, int tz_offset_minutes, char out[11]);
/* "YYYY-MM-DD HH:MM" of utc in the company's zone ("" for 0). */
void complaint_local_time(int64_t utc, int tz_offset_minutes, char out[20]);

/* Texts cut to fit a message or a document line stay UTF-8 through utf8_clip and
 * utf8_trim_tail (base/utf8.h): PostgreSQL refuses a broken character. */

/* IMP: SPEC E4 — 422 unknown_category unless code names a category of the tree, 422
 * category_disabled if it or a category above it is disabled. */
enum sh_status complaint_category_check(struct store_tx *tx, const char *code,
                                        struct sh_error *err);

/* An archived complaint takes no change: 409 complaint_archived. */
enum sh_status complaint_require_open(const struct complaint *c, struct sh_error *err);

/* Writes a timeline event with detail (taken, may be NULL). */
enum sh_status complaint_event(struct store_tx *tx, int64_t complaint_id, int64_t now,
                               const struct actor *actor, const char *kind, json_t *detail,
                               struct sh_error *err);

/* IMP: SPEC E1 — tells the superiors (the roles of complaint.report_roles, and for a
 * critical complaint also complaint.critical_report_roles) whose grants cover the
 * complaint's region; *count gets how many people were told and *roles the role names
 * (a new JSON array). */
enum sh_status complaint_report_up(struct store_tx *tx, const struct complaint *c,
                                   const char *subject, const char *body, int64_t now, int *count,
                                   json_t **roles, struct sh_error *err);

/* The folded text the search looks in: number, customer, complainant, phone, facts,
 * demand. *out is a new string. */
enum sh_status complaint_search_text(const struct complaint *c, const char *customer_name,
                                     char **out, struct sh_error *err);

/* The complaint as complaint_get shows it, read inside the caller's unit (scope applied). */
enum sh_status complaint_json_in(struct store_tx *tx, struct app *app, const struct actor *actor,
                                 int64_t id, json_t **out, struct sh_error *err);

#endif
