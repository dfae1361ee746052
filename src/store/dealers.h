/* dealers.h — dealers (经销商) with region and contract, and their records: capability
 * assessments, training and supervision findings with penalties (SPEC A3; work plan 2 §六).
 *
 * Scope is part of every query: staff see the dealers in their region grants (prefix of
 * the GB/T 2260 code, as for customers), a dealer's user only its own dealership; anything
 * else is "not found". Records are visible exactly when their dealer is. */
#ifndef SHOUHOU_STORE_DEALERS_H
#define SHOUHOU_STORE_DEALERS_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct dealer {
  int64_t id;
  char *name;
  char *region_code; /* GB/T 2260 */
  char *contact_person;
  char *phone; /* folded to half-width */
  char *address;
  char *contract_no;    /* 经销商合同书 number, "" if none */
  char *contract_start; /* "YYYY-MM-DD", NULL if none */
  char *contract_end;   /* "YYYY-MM-DD", NULL if none; never before contract_start */
  bool service_station; /* an independent service station (work plan 2 §六.2) */
  char *station_since;  /* "YYYY-MM-DD", NULL if none; only for a service station */
  char *note;
  int64_t created_at, updated_at, created_by, version, deleted_at; /* UTC seconds; 0 = none */
  char *region_name; /* "省 市 区", from regions; NULL if unknown */
};

/* Frees everything the dealer owns, and the dealer; NULL is fine. */
void dealer_free(struct dealer *d);

/* A record of the dealer's after-sales work. Records are never changed: a correction is a
 * new record. */
struct dealer_record {
  int64_t id;
  int64_t dealer_id;
  char *kind;             /* dictionary dealer_record_kind: assessment, training, supervision */
  char *held_on;          /* "YYYY-MM-DD" */
  int64_t score;          /* assessments: 0..100; -1 for other kinds */
  char *topic;            /* training: what was taught */
  char *findings;         /* what was found (required for supervision) */
  char *penalty;          /* supervision: the measure under the dealer contract, "" if none */
  int64_t penalty_fen;    /* supervision: a fine in fen; -1 if none */
  int64_t recorded_by;    /* user id, 0 for the command line */
  char *recorded_by_name; /* display name of recorded_by; NULL if unknown */
  int64_t created_at;     /* UTC seconds */
};

/* Frees the members of a record (not the struct itself); NULL members are fine. */
void dealer_record_clear(struct dealer_record *r);

/* Who may see which dealers. */
struct dealer_scope {
  int64_t user_id;   /* staff: the user whose region grants apply */
  int64_t dealer_id; /* 0: by region grants; > 0: only this dealer (a dealer's user), no
                        region check; -1: nothing (a dealer's user without dealership) */
};

enum dealer_sort {
  DEALER_SORT_ID,
  DEALER_SORT_NAME,
  DEALER_SORT_CREATED,
  DEALER_SORT_UPDATED,
  DEALER_SORT_RELEVANCE, /* only with a search: name match first, then id */
  DEALER_SORT_COUNT
};

struct dealer_filter {
  const char *q;             /* folded search text (utf8_fold), NULL: none */
  const char *region_prefix; /* region_prefix() of a code, NULL: any */
  int service_station;       /* -1 any, 0 no, 1 yes */
  enum dealer_sort sort;
  bool descending;
  int64_t limit;
  int64_t offset; /* page mode */
  /* Keyset mode: offset 0, and when after is set, only rows after (after_text or
   * after_int, after_id) in sort order. */
  bool keyset;
  bool after;
  const char *after_text; /* for DEALER_SORT_NAME */
  int64_t after_int;      /* for created, updated, relevance */
  int64_t after_id;
};

/* Inserts d; *id gets the new id. */
enum sh_status store_dealer_insert(struct store_tx *tx, const struct dealer *d, int64_t now,
                                   int64_t user_id, int64_t *id, struct sh_error *err);
/* Loads one live dealer within scope. SH_ERR_NOT_FOUND if it does not exist, was deleted,
 * or is outside the scope (never reveal existence). Caller frees with dealer_free. */
enum sh_status store_dealer_get(struct store_tx *tx, int64_t id, const struct dealer_scope *scope,
                                struct dealer **out, struct sh_error *err);
/* Writes every field of d if d->version is current; SH_ERR_CONFLICT "stale_version"
 * otherwise. The caller loaded d within scope. */
enum sh_status store_dealer_update(struct store_tx *tx, const struct dealer *d, int64_t now,
                                   struct sh_error *err);
/* Marks the dealer deleted if version is current. */
enum sh_status store_dealer_delete(struct store_tx *tx, int64_t id, int64_t version, int64_t now,
                                   struct sh_error *err);
/* One page of live dealers in scope. rank (may be NULL) receives each row's search rank,
 * for cursors. Caller frees each dealer, the array and the ranks. */
enum sh_status store_dealer_list(struct store_tx *tx, const struct dealer_filter *f,
                                 const struct dealer_scope *scope, struct dealer ***out,
                                 int64_t **rank, size_t *count, int64_t *total,
                                 struct sh_error *err);

/* Inserts a record of r->dealer_id (which the caller loaded within scope). */
enum sh_status store_dealer_record_insert(struct store_tx *tx, const struct dealer_record *r,
                                          int64_t now, int64_t user_id, int64_t *id,
                                          struct sh_error *err);
/* Loads one record of dealer_id; SH_ERR_NOT_FOUND if that dealer has no such record. The
 * caller checks the dealer's scope. Caller clears and frees *out. */
enum sh_status store_dealer_record_get(struct store_tx *tx, int64_t dealer_id, int64_t id,
                                       struct dealer_record **out, struct sh_error *err);

struct dealer_record_filter {
  int64_t dealer_id;
  const char *kind; /* NULL: any */
  bool descending;  /* by held_on, then id; newest first when true */
  int64_t limit;
  int64_t offset; /* page mode */
  bool keyset;
  bool after; /* only rows after (after_held_on, after_id) in the order */
  const char *after_held_on;
  int64_t after_id;
};

/* A page of the records of one dealer (the caller checks the dealer's scope). Caller frees
 * with dealer_records_free. */
enum sh_status store_dealer_record_list(struct store_tx *tx, const struct dealer_record_filter *f,
                                        struct dealer_record **out, size_t *count, int64_t *total,
                                        struct sh_error *err);
void dealer_records_free(struct dealer_record *list, size_t count);

#endif
