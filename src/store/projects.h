/* projects.h — projects (工程项目) with their site, dates and warranty card (SPEC B1, B4).
 *
 * A project belongs to one customer and is visible exactly when that customer is: every
 * query applies the customer scope of customers.h (region grants on the customer's region,
 * a dealer's user only its dealer's customers, a customer's user only its own record), so a
 * project outside it is "not found", never "forbidden". */
#ifndef SHOUHOU_STORE_PROJECTS_H
#define SHOUHOU_STORE_PROJECTS_H

#include <stdbool.h>
#include <stdint.h>

#include "customers.h"
#include "store.h"

#define PROJECT_DATE_SIZE 11 /* "YYYY-MM-DD" and its NUL */

struct project {
  int64_t id;
  int64_t customer_id;
  char *name;
  char *site_region_code; /* GB/T 2260 code of the site */
  char *site_address;
  int64_t project_manager_id; /* a user (project or engineering manager); 0 if none */
  char *completion_date;      /* 竣工, "YYYY-MM-DD"; NULL if not completed */
  char *acceptance_date;      /* 验收, "YYYY-MM-DD"; NULL if not accepted: warranty starts here */
  char *card_number;          /* the warranty card once issued (SPEC B4); NULL before */
  char *card_issued_on;       /* "YYYY-MM-DD"; NULL before */
  char *card_issue_method;    /* dictionary card_issue_method; NULL before */
  int64_t card_issued_by;     /* user id; 0 before */
  char *note;
  int64_t created_at, updated_at, created_by, version, deleted_at; /* UTC seconds; 0 = none */
  /* Read-only, joined: */
  char *customer_name;
  char *site_region_name;     /* "省 市 区"; NULL if unknown */
  char *project_manager_name; /* display name; NULL if none */
  char *card_issued_by_name;  /* display name; NULL if none */
  /* Filled by domain/project.c from the card deadline setting and today (SPEC B4): */
  char card_due_on[PROJECT_DATE_SIZE]; /* "" while the project is not completed */
  const char *card_status; /* "not_due", "due", "late", "issued", "issued_late"; static */
  int64_t card_days_late;  /* days past the due date (today or the issue day), else 0 */
};

/* Frees everything the project owns, and the project; NULL is fine. */
void project_free(struct project *p);

enum project_sort {
  PROJECT_SORT_ID,
  PROJECT_SORT_NAME,
  PROJECT_SORT_CREATED,
  PROJECT_SORT_COMPLETION, /* completion_date; projects not completed come first */
  PROJECT_SORT_COUNT
};

/* The state of a project's warranty card on a day (SPEC B4). */
enum project_card_filter {
  PROJECT_CARD_ANY,         /* no condition */
  PROJECT_CARD_NOT_DUE,     /* not completed yet: no card due */
  PROJECT_CARD_DUE,         /* completed, no card yet, today ≤ due date */
  PROJECT_CARD_LATE,        /* completed, no card yet, today > due date */
  PROJECT_CARD_ISSUED,      /* issued on or before the due date */
  PROJECT_CARD_ISSUED_LATE, /* issued after the due date */
  PROJECT_CARD_COMPLETED,   /* every completed project, whatever its card */
  PROJECT_CARD_FILTER_COUNT
};

struct project_filter {
  int64_t customer_id; /* 0: any */
  const char *q;       /* folded search text (utf8_fold), NULL: none */
  enum project_card_filter card;
  const char *today;   /* "YYYY-MM-DD" in the display zone; needed by the card filters */
  int card_due_months; /* the setting warranty.card_due_months; needed by the card filters */
  enum project_sort sort;
  bool descending;
  int64_t limit;
  int64_t offset; /* page mode */
  /* Keyset mode: offset 0, and when after is set, only rows after (after_text or
   * after_int, after_id) in sort order. */
  bool keyset;
  bool after;
  const char *after_text; /* for PROJECT_SORT_NAME and PROJECT_SORT_COMPLETION */
  int64_t after_int;      /* for PROJECT_SORT_CREATED */
  int64_t after_id;
};

/* Inserts p (id, version, card and timestamps ignored); *id gets the new id. */
enum sh_status store_project_insert(struct store_tx *tx, const struct project *p, int64_t now,
                                    int64_t user_id, int64_t *id, struct sh_error *err);
/* Loads one live project within scope. SH_ERR_NOT_FOUND if it does not exist, was deleted,
 * or it (or its customer) is outside the scope. Caller frees with project_free. */
enum sh_status store_project_get(struct store_tx *tx, int64_t id,
                                 const struct customer_scope *scope, struct project **out,
                                 struct sh_error *err);
/* Writes the editable fields of p (not the card) if p->version is current; SH_ERR_CONFLICT
 * "stale_version" otherwise. The caller loaded p within scope. */
enum sh_status store_project_update(struct store_tx *tx, const struct project *p, int64_t now,
                                    struct sh_error *err);
/* Marks the project deleted if version is current. */
enum sh_status store_project_delete(struct store_tx *tx, int64_t id, int64_t version, int64_t now,
                                    struct sh_error *err);
/* Number of live equipment units of the project. */
enum sh_status store_project_count_equipment(struct store_tx *tx, int64_t id, int64_t *count,
                                             struct sh_error *err);
/* The highest sequence number among card numbers that start with prefix followed by digits
 * ("BXK-20261128-" → 3 for BXK-20261128-0003), 0 if none. */
enum sh_status store_project_last_card_seq(struct store_tx *tx, const char *prefix, int64_t *seq,
                                           struct sh_error *err);
/* Records the card on a project that has none, if version is current: SH_ERR_CONFLICT
 * "stale_version" otherwise, "duplicate" if the number is taken. */
enum sh_status store_project_issue_card(struct store_tx *tx, int64_t id, int64_t version,
                                        const char *number, const char *issued_on,
                                        const char *method, int64_t user_id, int64_t now,
                                        struct sh_error *err);
/* One page of live projects in scope. Caller frees with project_list_free. */
enum sh_status store_project_list(struct store_tx *tx, const struct project_filter *f,
                                  const struct customer_scope *scope, struct project ***out,
                                  size_t *count, int64_t *total, struct sh_error *err);
void project_list_free(struct project **list, size_t count);

#endif
