/* suppliers.h — parts suppliers with their contact data (SPEC A4; work plan 2 §五.1 "配件供应
 * 厂商的信息要保证准确") and the audits of outsourced suppliers with findings (work plan 1
 * §三.1 "加大对外协供应商的审核力度").
 *
 * Suppliers are company-wide: they serve every region, so no region grant limits who sees
 * them (the route's permission does); region_code only says where a supplier sits. */
#ifndef SHOUHOU_STORE_SUPPLIERS_H
#define SHOUHOU_STORE_SUPPLIERS_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct supplier {
  int64_t id;
  char *name;
  char *region_code; /* GB/T 2260, NULL if not given */
  char *contact_person;
  char *phone; /* folded to half-width */
  char *email;
  char *address;
  char *supplies;  /* what they supply, free text */
  bool outsourced; /* an outsourced (外协) supplier, whose work is audited */
  char *note;
  int64_t created_at, updated_at, created_by, version, deleted_at; /* UTC seconds; 0 = none */
  char *region_name; /* "省 市 区", from regions; NULL if none or unknown */
};

/* Frees everything the supplier owns, and the supplier; NULL is fine. */
void supplier_free(struct supplier *s);

/* An audit of a supplier. Audits are never changed: a correction is a new audit. */
struct supplier_audit {
  int64_t id;
  int64_t supplier_id;
  char *audited_on;       /* "YYYY-MM-DD" */
  char *result;           /* dictionary supplier_audit_result: passed, conditional, failed */
  char *findings;         /* required unless passed */
  int64_t recorded_by;    /* user id, 0 for the command line */
  char *recorded_by_name; /* display name of recorded_by; NULL if unknown */
  int64_t created_at;     /* UTC seconds */
};

/* Frees the members of an audit (not the struct itself); NULL is fine. */
void supplier_audit_clear(struct supplier_audit *a);
void supplier_audits_free(struct supplier_audit *list, size_t count);

enum supplier_sort {
  SUPPLIER_SORT_ID,
  SUPPLIER_SORT_NAME,
  SUPPLIER_SORT_CREATED,
  SUPPLIER_SORT_UPDATED,
  SUPPLIER_SORT_RELEVANCE, /* only with a search: name match first, then id */
  SUPPLIER_SORT_COUNT
};

struct supplier_filter {
  const char *q;             /* folded search text (utf8_fold), NULL: none */
  const char *region_prefix; /* region_prefix() of a code, NULL: any */
  int outsourced;            /* -1 any, 0 no, 1 yes */
  enum supplier_sort sort;
  bool descending;
  int64_t limit;
  int64_t offset; /* page mode */
  /* Keyset mode: offset 0, and when after is set, only rows after (after_text or
   * after_int, after_id) in sort order. */
  bool keyset;
  bool after;
  const char *after_text; /* for SUPPLIER_SORT_NAME */
  int64_t after_int;      /* for created, updated, relevance */
  int64_t after_id;
};

/* Inserts s; *id gets the new id. */
enum sh_status store_supplier_insert(struct store_tx *tx, const struct supplier *s, int64_t now,
                                     int64_t user_id, int64_t *id, struct sh_error *err);
/* Loads one live supplier. SH_ERR_NOT_FOUND if it does not exist or was deleted. Caller
 * frees with supplier_free. */
enum sh_status store_supplier_get(struct store_tx *tx, int64_t id, struct supplier **out,
                                  struct sh_error *err);
/* Writes every field of s if s->version is current; SH_ERR_CONFLICT "stale_version"
 * otherwise. */
enum sh_status store_supplier_update(struct store_tx *tx, const struct supplier *s, int64_t now,
                                     struct sh_error *err);
/* Marks the supplier deleted if version is current. */
enum sh_status store_supplier_delete(struct store_tx *tx, int64_t id, int64_t version, int64_t now,
                                     struct sh_error *err);
/* One page of live suppliers. rank (may be NULL) receives each row's search rank, for
 * cursors. Caller frees each supplier, the array and the ranks. */
enum sh_status store_supplier_list(struct store_tx *tx, const struct supplier_filter *f,
                                   struct supplier ***out, int64_t **rank, size_t *count,
                                   int64_t *total, struct sh_error *err);

/* Inserts an audit of a->supplier_id (which the caller loaded). */
enum sh_status store_supplier_audit_insert(struct store_tx *tx, const struct supplier_audit *a,
                                           int64_t now, int64_t user_id, int64_t *id,
                                           struct sh_error *err);
/* Loads one audit of supplier_id; SH_ERR_NOT_FOUND if that supplier has no such audit.
 * Caller clears and frees *out. */
enum sh_status store_supplier_audit_get(struct store_tx *tx, int64_t supplier_id, int64_t id,
                                        struct supplier_audit **out, struct sh_error *err);

struct supplier_audit_filter {
  int64_t supplier_id;
  const char *result; /* NULL: any */
  bool descending;    /* by audited_on, then id; newest first when true */
  int64_t limit;
  int64_t offset; /* page mode */
  bool keyset;
  bool after; /* only rows after (after_audited_on, after_id) in the order */
  const char *after_audited_on;
  int64_t after_id;
};

/* A page of the audits of one supplier. Caller frees with supplier_audits_free. */
enum sh_status store_supplier_audit_list(struct store_tx *tx, const struct supplier_audit_filter *f,
                                         struct supplier_audit **out, size_t *count, int64_t *total,
                                         struct sh_error *err);

#endif
