/* project.h — projects (工程项目) and their warranty cards (SPEC B1, B4; 售后部门管理细则1 1)
 * 3: 业主发出保修卡，在工程竣工后一个月内发出，保修卡的内容包括工程业主的称谓：我公司关于保修的
 * 原则和目的，我们负责保修的部门和人员).
 *
 * A project is visible exactly when its customer is (region grants, dealer, customer user:
 * store/customers.h); outside that every call answers 404. Each change is one unit with its
 * audit row. The card is due within warranty.card_due_months (default 1) of the completion
 * date, counted as rules/period.h counts months (以内 includes the last day); its state on a
 * day is "not_due" (not completed), "due", "late", "issued" (on or before the due date) or
 * "issued_late".
 *
 * Our readings: the acceptance (验收) cannot be earlier than the completion (竣工) when both
 * are known — a date typed the wrong way round is refused, naming acceptance_date; a card
 * can be issued only for a project with both dates, because it states the warranty that
 * runs from acceptance; its issue day is neither before completion nor after today. The
 * customer of a project does not change (its units and their scope follow the customer):
 * a project registered under the wrong customer is deleted and registered again. */
#ifndef SHOUHOU_DOMAIN_PROJECT_H
#define SHOUHOU_DOMAIN_PROJECT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../store/projects.h"
#include "actor.h"
#include "app.h"

/* The fields a create or update may carry, as bits of a present mask. */
enum project_field {
  PROJECT_FIELD_CUSTOMER_ID, /* creation only */
  PROJECT_FIELD_NAME,
  PROJECT_FIELD_SITE_REGION_CODE,
  PROJECT_FIELD_SITE_ADDRESS,
  PROJECT_FIELD_PROJECT_MANAGER_ID,
  PROJECT_FIELD_COMPLETION_DATE,
  PROJECT_FIELD_ACCEPTANCE_DATE,
  PROJECT_FIELD_NOTE,
  PROJECT_FIELD_COUNT
};

/* Today in the display zone (app->tz_offset_minutes), "YYYY-MM-DD". */
void project_today(const struct app *app, char out[PROJECT_DATE_SIZE]);

/* Creates a project from in (id, version, card and timestamps ignored). The customer must
 * be visible to the actor (422 unknown_customer), the site region exist and be granted
 * (422 unknown_region / region_not_granted), the project manager a user whose role is
 * project_manager or engineering_manager (422 invalid_project_manager). idempotency_key
 * (may be NULL): a repeated key returns the project it created, with *replayed set. *out
 * gets the stored project; caller frees with project_free. */
enum sh_status project_create(struct app *app, const struct actor *actor, const struct project *in,
                              const char *idempotency_key, struct project **out, bool *replayed,
                              struct sh_error *err);

/* Inside the caller's unit (imports add many projects in one): checks p exactly as
 * project_create does and, when insert is set, inserts it with its audit row; *id gets the
 * new id. */
enum sh_status project_create_in(struct store_tx *tx, const struct actor *actor,
                                 const struct project *p, bool insert, int64_t now, int64_t *id,
                                 struct sh_error *err);

enum sh_status project_get(struct app *app, const struct actor *actor, int64_t id,
                           struct project **out, struct sh_error *err);

/* Applies the fields of in marked in present if version is the one stored (409
 * "stale_version" otherwise). PROJECT_FIELD_CUSTOMER_ID is refused (422 field_readonly). */
enum sh_status project_update(struct app *app, const struct actor *actor, int64_t id,
                              int64_t version, const struct project *in, uint64_t present,
                              struct project **out, struct sh_error *err);

/* Soft-deletes the project if version is current and no live unit is left under it (409
 * project_has_equipment: nothing is lost silently). */
enum sh_status project_delete(struct app *app, const struct actor *actor, int64_t id,
                              int64_t version, struct sh_error *err);

/* A page of the list; the caller sets paging, sort, customer, q and the card filter, this
 * call sets today and the card deadline. Caller frees with project_list_free. */
enum sh_status project_list(struct app *app, const struct actor *actor,
                            struct project_filter *filter, struct project ***out, size_t *count,
                            int64_t *total, struct sh_error *err);

/* Records that the warranty card went out (SPEC B4): issued_on ("YYYY-MM-DD"; NULL: today),
 * method (dictionary card_issue_method), if version is current. Assigns the next card
 * number of that day, BXK-YYYYMMDD-NNNN. 409 card_already_issued on a second issue, 409
 * project_not_completed / project_not_accepted without those dates, 422
 * issued_before_completion, date_in_future, invalid_choice naming the field. Audited. */
enum sh_status project_issue_card(struct app *app, const struct actor *actor, int64_t id,
                                  int64_t version, const char *issued_on, const char *method,
                                  struct project **out, struct sh_error *err);

/* What the printed card states (SPEC B4), gathered for export/pdf.h. */
struct project_card_unit {
  char *name; /* the unit's name, else its category's label, else its model */
  char *model;
  char *serial_no;
  char *category;                         /* the dictionary label */
  char warranty_until[PROJECT_DATE_SIZE]; /* last free day (SPEC B2) */
  char basis[128];                        /* "公司免费保修12个月", ... */
  bool parts_free;                        /* free replacement from the company (B3) */
};

struct project_card {
  char *company; /* the setting company.name */
  char *card_number, *owner, *project, *site_address;
  char *completed_on, *accepted_on, *issued_on;
  char *department;  /* the setting company.service_department */
  char *staff_name;  /* the project manager, else who issued the card */
  char *staff_phone; /* the setting company.service_phone, NULL while unset */
  char *hotline;     /* the setting company.service_hotline, NULL while unset */
  struct project_card_unit *units;
  size_t nunits;
  size_t units_without_term; /* units left off: no free term at all (not sold, no maker's) */
};
void project_card_free(struct project_card *card);

/* The card of a project whose card was issued: 409 card_not_issued before, 422
 * setting_unset naming company.name while the company has no name, 409
 * project_without_equipment when no unit has a free term to print. Caller frees with
 * project_card_free. */
enum sh_status project_card(struct app *app, const struct actor *actor, int64_t id,
                            struct project_card **out, struct sh_error *err);

/* The editable fields of a project as JSON, as audit rows and API bodies show them. */
json_t *project_fields_json(const struct project *p);

#endif
