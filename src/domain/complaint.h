/* complaint.h — complaints (投诉) from the call to the archive (SPEC E1-E4; work plan 1
 * §二.C, work plan 2 §七 and §十.2).
 *
 * The procedure, as the after-sales desk runs it: register the facts and classify them
 * (E1; a number TS-YYYYMMDD-NNNN of the local day), and at once report to the superiors —
 * the roles of setting complaint.report_roles covering the complaint's region, and for a
 * critical one also complaint.critical_report_roles (应及时向上级领导反映) → notify each
 * responsible department in writing (书面通知, E2: a notice with its own number, a due
 * date, a PDF and a mail to the person named) → each department answers with the root
 * cause, the corrective and the preventive action → the desk calls the customer back to
 * confirm satisfaction (§十.2: 再次与客户联系, 确认客户满意程度); not satisfied starts a new
 * round of notices → archive (E3): read-only, still found by search. No step can be skipped
 * (409 complaint_wrong_state naming the state); an archived complaint takes no change (409
 * complaint_archived). Every change is one unit of work with a timeline event, an audit row
 * and its notifications.
 *
 * Visibility: staff whose region grants cover the complaint's region, the desk agent who
 * owns it, and anyone a notice names. Outside: 404. */
#ifndef SHOUHOU_DOMAIN_COMPLAINT_H
#define SHOUHOU_DOMAIN_COMPLAINT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../store/complaints.h"
#include "actor.h"
#include "app.h"
#include "attachment.h"

/* A complaint as the desk takes it down. Texts are borrowed for the call. */
struct complaint_intake {
  int64_t customer_id;
  const char *channel;             /* dictionary complaint_channel (required) */
  const char *complainant, *phone; /* NULL: the customer's first contact */
  int64_t received_at;             /* UTC seconds; 0: now */
  const char *occurred_on;         /* "YYYY-MM-DD" or NULL */
  const char *facts;               /* required */
  const char *demand;              /* NULL: none */
  const char *category;            /* a category code of the tree, not disabled (required) */
  const char *severity;            /* dictionary complaint_severity (required) */
  int64_t ticket_id, equipment_id, visit_id; /* 0: none; each must be the customer's */
};

/* Registers a complaint and reports it to the superiors. *out: as complaint_get gives it;
 * *replayed true when the Idempotency-Key had already created it. */
enum sh_status complaint_create(struct app *app, const struct actor *actor,
                                const struct complaint_intake *in, const char *idempotency_key,
                                json_t **out, bool *replayed, struct sh_error *err);

/* The complaint with its notices (overdue shown), timeline, attachments and links. */
enum sh_status complaint_get(struct app *app, const struct actor *actor, int64_t id, json_t **out,
                             struct sh_error *err);

/* A page of complaints (summary rows with their notices). */
enum sh_status complaint_list(struct app *app, const struct actor *actor,
                              struct complaint_filter *filter, json_t **items, int64_t *total,
                              struct sh_error *err);

/* The steps of the procedure (complaint_flow.c). body is the request's JSON object.
 *   ASSIGN   {version, departments: [{department, responsible_id, due_date?, instructions?}]}
 *   CALLBACK {version, satisfied, note?, called_at?}
 *   ARCHIVE  {version, note?}
 * *out gets the complaint again. */
enum complaint_action { COMPLAINT_ASSIGN, COMPLAINT_CALLBACK, COMPLAINT_ARCHIVE };
enum sh_status complaint_act(struct app *app, const struct actor *actor, int64_t id,
                             enum complaint_action action, json_t *body, json_t **out,
                             struct sh_error *err);

/* A department's answer to notice assignment_id: {root_cause, corrective_action,
 * preventive_action}. Given by the person the notice names, by management, or by the
 * engineering manager for the engineering department (403 otherwise). */
enum sh_status complaint_answer(struct app *app, const struct actor *actor, int64_t id,
                                int64_t assignment_id, json_t *body, json_t **out,
                                struct sh_error *err);

/* The written notice (投诉处理通知单) of one notice, and the complaint form (投诉处理单)
 * with everything on record, as PDF bytes the caller frees, and a file name stem (the
 * notice or complaint number). Drawn after the read unit, from the data only. */
enum sh_status complaint_notice_pdf(struct app *app, const struct actor *actor, int64_t id,
                                    int64_t assignment_id, char **pdf, size_t *len, char *name,
                                    size_t name_size, struct sh_error *err);
enum sh_status complaint_form_pdf(struct app *app, const struct actor *actor, int64_t id,
                                  char **pdf, size_t *len, char *name, size_t name_size,
                                  struct sh_error *err);

/* The category tree (E4): [{code, parent_code, label_zh, label_en, sort, disabled,
 * children: [...]}] in sort order. */
enum sh_status complaint_categories_tree(struct app *app, json_t **out, struct sh_error *err);
/* {code, parent_code?, label_zh, label_en?, sort?}: a new category under a parent (or at
 * the top). Audited. *out: the category. */
enum sh_status complaint_category_create(struct app *app, const struct actor *actor, json_t *body,
                                         json_t **out, struct sh_error *err);
/* {label_zh?, label_en?, sort?, disabled?, parent_code?}: never a cycle (a category cannot
 * move under itself or its own subtree). Audited. */
enum sh_status complaint_category_update(struct app *app, const struct actor *actor,
                                         const char *code, json_t *body, json_t **out,
                                         struct sh_error *err);

/* Complaints as owners of attachments (E3: all its documents): visible as the complaint
 * is; an archived complaint takes no more files (409 complaint_archived). */
extern const struct attachment_owner complaint_attachment_owner;

#endif
