/* complaints.h — complaints (投诉), the written notices to departments with their answers,
 * the timeline and the category tree in the database (SPEC E1-E4; tables of migration
 * 0006). The domain loads a complaint, changes it and saves it back under its version;
 * every read of a complaint applies the caller's scope (STORE_COMPLAINT_SCOPE). */
#ifndef SHOUHOU_STORE_COMPLAINTS_H
#define SHOUHOU_STORE_COMPLAINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct complaint {
  int64_t id;
  char *number; /* TS-20261128-0003 */
  int64_t customer_id;
  char *region_code;
  int64_t dealer_id;
  char *channel, *complainant, *phone;
  int64_t received_at; /* UTC seconds */
  char *occurred_on;   /* "YYYY-MM-DD" or NULL */
  char *facts, *demand, *category, *severity;
  int64_t ticket_id, equipment_id, visit_id, repeat_of; /* 0: none */
  char *status; /* registered assigned answered called_back archived */
  int64_t owner_id, round, callback_at, callback_by;
  int64_t callback_satisfied; /* -1 no callback yet, 0 not satisfied, 1 satisfied */
  char *callback_note;
  int64_t archived_at, archived_by;
  char *search_text;
  int64_t created_at, updated_at, created_by, version;
  /* Joined, read-only. */
  char *customer_name, *region_name, *owner_name, *category_label, *channel_label;
  char *severity_label, *ticket_number, *visit_date, *repeat_number, *serial_no;
  char *archived_by_name;
};
void complaint_free(struct complaint *c);
void complaint_list_free(struct complaint **list, size_t count);

/* Who sees a complaint (SQL over complaints aliased k, $1 the user; 0 sees all): the user's
 * region grants cover its region, or the user follows it (the desk agent who owns it), or
 * a notice names the user as responsible (a department at head office answers a complaint
 * from anywhere). Only staff read complaints (roles.c), so there is no dealer limit. */
#define STORE_COMPLAINT_SCOPE                                                                      \
  " ($1 = 0 OR EXISTS (SELECT 1 FROM user_regions ur WHERE ur.user_id = $1"                        \
  " AND substr(k.region_code, 1, length(ur.prefix)) = ur.prefix) OR k.owner_id = $1"               \
  " OR EXISTS (SELECT 1 FROM complaint_assignments sa WHERE sa.complaint_id = k.id"                \
  " AND sa.responsible_id = $1))"

struct complaint_filter {
  const char *q;          /* folded search text, NULL: none */
  const char *status;     /* one status, NULL: any */
  const char *category;   /* the category and its whole subtree, NULL: any */
  const char *severity;   /* NULL: any */
  int64_t customer_id;    /* 0: any */
  int repeat;             /* -1 any, 1 only repeats, 0 only first complaints */
  int archived;           /* -1 any, 1 archived only, 0 not archived */
  const char *overdue_on; /* "YYYY-MM-DD" today: an unanswered notice due before it; NULL */
  int64_t received_from;  /* UTC seconds, inclusive; 0: any */
  int64_t received_to;    /* UTC seconds, exclusive; 0: any */
  bool descending;        /* by id */
  int64_t after_id;       /* keyset cursor (0: from the start) */
  int64_t limit, offset;
};

/* Where counting stops, as for tickets (count_sql in complaints.c says LIMIT 10001). */
#define STORE_COMPLAINT_COUNT_CAP 10000

/* The next number of the local day "YYYYMMDD" (1, 2, ...), counted in the unit. */
enum sh_status store_complaint_next_seq(struct store_tx *tx, const char *day, int64_t *seq,
                                        struct sh_error *err);

enum sh_status store_complaint_insert(struct store_tx *tx, const struct complaint *c, int64_t now,
                                      int64_t *id, struct sh_error *err);

/* One complaint within the scope of user_id (0: no scope), joined; 404 not_found outside. */
enum sh_status store_complaint_get(struct store_tx *tx, int64_t id, int64_t user_id,
                                   struct complaint **out, struct sh_error *err);

/* Takes the complaint's row for the unit (PostgreSQL: a row lock until commit, so two
 * departments answering at once see each other's answer); 404 if there is no such row. */
enum sh_status store_complaint_lock(struct store_tx *tx, int64_t id, struct sh_error *err);

/* Writes status, round, callback, archive and search text if c->version is still current
 * (409 stale_version otherwise), and bumps the version. */
enum sh_status store_complaint_save(struct store_tx *tx, const struct complaint *c, int64_t now,
                                    struct sh_error *err);

/* A page of complaints in the scope of user_id, and the total (may be NULL; capped). */
enum sh_status store_complaint_list(struct store_tx *tx, int64_t user_id,
                                    const struct complaint_filter *filter, struct complaint ***out,
                                    size_t *count, int64_t *total, struct sh_error *err);

/* The latest complaint of the customer received in [since, until] whose category is the
 * given one, one of its ancestors or one of its descendants (the same class, SPEC E4);
 * *id 0 if none. */
enum sh_status store_complaint_find_repeat(struct store_tx *tx, int64_t customer_id,
                                           const char *category, int64_t since, int64_t until,
                                           int64_t *id, struct sh_error *err);

/* The customer and site region of a ticket or a visit (0 customer when there is none). */
enum sh_status store_complaint_link_owner(struct store_tx *tx, const char *table, int64_t id,
                                          int64_t *customer_id, char **region,
                                          struct sh_error *err);

/* ---- the written notices (complaint_assignments) ---- */

struct complaint_assignment {
  int64_t id, complaint_id, round;
  char *department;
  int64_t responsible_id;
  char *notice_no, *due_date, *instructions;
  int64_t notified_at;
  char *root_cause, *corrective_action, *preventive_action;
  int64_t answered_at, answered_by, created_by, created_at;
  /* Joined. */
  char *department_label, *responsible_name, *answered_by_name, *created_by_name;
};
void complaint_assignments_free(struct complaint_assignment *list, size_t count);

enum sh_status store_complaint_assignment_insert(struct store_tx *tx,
                                                 const struct complaint_assignment *a, int64_t *id,
                                                 struct sh_error *err);
/* Every notice of a complaint, by id (rounds in order). */
enum sh_status store_complaint_assignments(struct store_tx *tx, int64_t complaint_id,
                                           struct complaint_assignment **out, size_t *count,
                                           struct sh_error *err);
/* Records a department's answer if the notice is still unanswered (409 already_answered). */
enum sh_status store_complaint_assignment_answer(struct store_tx *tx,
                                                 const struct complaint_assignment *a,
                                                 struct sh_error *err);

/* ---- the timeline ---- */

struct complaint_event {
  int64_t id, complaint_id, at, actor_id;
  char *actor_name, *kind, *detail; /* detail: JSON text */
};
void complaint_events_free(struct complaint_event *list, size_t count);
enum sh_status store_complaint_event_add(struct store_tx *tx, int64_t complaint_id, int64_t at,
                                         int64_t actor_id, const char *kind, const char *detail,
                                         struct sh_error *err);
enum sh_status store_complaint_events(struct store_tx *tx, int64_t complaint_id,
                                      struct complaint_event **out, size_t *count,
                                      struct sh_error *err);

/* ---- the category tree (E4) ---- */

struct complaint_category {
  char *code, *parent_code, *label_zh, *label_en; /* parent_code NULL at the top */
  int64_t sort;
  bool disabled;
  int64_t updated_at, updated_by;
};
void complaint_categories_free(struct complaint_category *list, size_t count);
/* Every category, ordered by sort then code. */
enum sh_status store_complaint_categories(struct store_tx *tx, struct complaint_category **out,
                                          size_t *count, struct sh_error *err);
/* 409 duplicate (field code) when the code exists. */
enum sh_status store_complaint_category_insert(struct store_tx *tx,
                                               const struct complaint_category *c,
                                               struct sh_error *err);
enum sh_status store_complaint_category_update(struct store_tx *tx,
                                               const struct complaint_category *c,
                                               struct sh_error *err);

#endif
