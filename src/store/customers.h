/* customers.h — customers with contacts and addresses (SPEC A1, A2). */
#ifndef SHOUHOU_STORE_CUSTOMERS_H
#define SHOUHOU_STORE_CUSTOMERS_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct customer_contact {
  int64_t id;
  char *name, *phone, *title, *email;
  bool is_primary;
};

struct customer_address {
  int64_t id;
  char *label, *region_code, *detail;
  bool is_default;
};

struct customer {
  int64_t id;
  char *name;
  char *kind;        /* dictionary customer_kind: company, person */
  char *region_code; /* GB/T 2260 */
  char *address;     /* 详细地址 */
  char *phone;
  char *responsible_person; /* 负责人 */
  char *customer_group;     /* dictionary customer_group, "" if none */
  char *product_types;      /* JSON array of dictionary product_type values */
  bool key_customer;        /* 重点客户 (SPEC A2) */
  int64_t dealer_id;        /* 0 if none */
  char *note;
  int64_t created_at, updated_at, created_by, version, deleted_at; /* UTC seconds; 0 = none */
  char *region_name; /* "省 市 区", from regions; NULL if unknown */
  struct customer_contact *contacts;
  size_t ncontacts;
  struct customer_address *addresses;
  size_t naddresses;
};

/* Frees everything the customer owns, and the customer; NULL is fine. */
void customer_free(struct customer *c);
/* Frees the members of a contact or an address (not the struct itself). */
void customer_contact_clear(struct customer_contact *c);
void customer_address_clear(struct customer_address *a);

/* Who may see what (SPEC L): the user's region grants always apply; a dealer's user sees
 * only customers of their dealer, a customer's user only their own record. */
struct customer_scope {
  int64_t user_id;
  int64_t dealer_id;   /* 0: no dealer limit; -1: the caller is a dealer without dealership */
  int64_t customer_id; /* 0: no limit; -1: a customer user without a record */
};

enum customer_sort {
  CUSTOMER_SORT_ID,
  CUSTOMER_SORT_NAME,
  CUSTOMER_SORT_CREATED,
  CUSTOMER_SORT_UPDATED,
  CUSTOMER_SORT_RELEVANCE, /* only with a search: name match first, then id */
  CUSTOMER_SORT_COUNT
};

struct customer_filter {
  const char *q;              /* folded search text (utf8_fold), NULL: none */
  const char *region_prefix;  /* region_prefix() of a code, NULL: any */
  const char *customer_group; /* NULL: any */
  const char *product_type;   /* a dictionary value ([a-z0-9_]), NULL: any */
  int key_customer;           /* -1 any, 0 no, 1 yes */
  int64_t dealer_id;          /* 0: any */
  enum customer_sort sort;
  bool descending;
  int64_t limit;
  int64_t offset; /* page mode */
  /* Keyset mode: offset 0, and when after is set, only rows after (after_text or
   * after_int, after_id) in sort order (the first page has no bound at all). */
  bool keyset;
  bool after;
  const char *after_text; /* for CUSTOMER_SORT_NAME */
  int64_t after_int;      /* for created, updated, relevance */
  int64_t after_id;
};

/* Inserts c with its contacts and addresses; *id gets the new id. */
enum sh_status store_customer_insert(struct store_tx *tx, const struct customer *c, int64_t now,
                                     int64_t user_id, int64_t *id, struct sh_error *err);
/* Loads one live customer within scope, with contacts and addresses. SH_ERR_NOT_FOUND if it
 * does not exist, was deleted, or is outside the scope (never reveal existence). */
enum sh_status store_customer_get(struct store_tx *tx, int64_t id,
                                  const struct customer_scope *scope, struct customer **out,
                                  struct sh_error *err);
/* True in *exists if a live customer has this id (no scope: for references). */
enum sh_status store_customer_exists(struct store_tx *tx, int64_t id, bool *exists,
                                     struct sh_error *err);
/* Number of customers, deleted ones included. */
enum sh_status store_customer_count(struct store_tx *tx, int64_t *count, struct sh_error *err);
/* Writes every field of c, contacts and addresses included, if c->version is current;
 * SH_ERR_CONFLICT "stale_version" otherwise. The caller loaded c within scope. */
enum sh_status store_customer_update(struct store_tx *tx, const struct customer *c, int64_t now,
                                     struct sh_error *err);
/* Marks the customer deleted if version is current. */
enum sh_status store_customer_delete(struct store_tx *tx, int64_t id, int64_t version, int64_t now,
                                     struct sh_error *err);
/* One page of live customers in scope (without contacts and addresses). rank (may be
 * NULL) receives each row's search rank, for cursors. Caller frees each and the arrays. */
enum sh_status store_customer_list(struct store_tx *tx, const struct customer_filter *f,
                                   const struct customer_scope *scope, struct customer ***out,
                                   int64_t **rank, size_t *count, int64_t *total,
                                   struct sh_error *err);

#endif
