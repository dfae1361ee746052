/* equipment.h — equipment units (设备) installed under a project (SPEC B1): serial number,
 * model, category, supplier, production batch, install site and the terms their warranty
 * is computed from (SPEC B2, B3).
 *
 * A unit is visible exactly when its customer is (the customer scope of customers.h) and its
 * project is live; anything else is "not found". A serial number is unique per model among
 * the units not deleted (the partial index equipment_model_serial). */
#ifndef SHOUHOU_STORE_EQUIPMENT_H
#define SHOUHOU_STORE_EQUIPMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "customers.h"
#include "store.h"

struct equipment {
  int64_t id;
  int64_t project_id;
  int64_t customer_id; /* the project's, kept for scope */
  char *serial_no;
  char *model;
  char *name;
  char *category;      /* dictionary equipment_category */
  int64_t supplier_id; /* 0 if none */
  char *batch;         /* production batch, "" if unknown */
  bool sold_by_company;
  char *install_site;
  int64_t manufacturer_months; /* the manufacturer's free term, 0 if none */
  char *acceptance_date;       /* "YYYY-MM-DD" where it differs from the project's; NULL */
  char *note;
  int64_t created_at, updated_at, created_by, version, deleted_at; /* UTC seconds; 0 = none */
  /* Read-only, joined: */
  char *project_name;
  char *project_acceptance_date; /* the project's, NULL if none */
  char *customer_name;
  char *supplier_name;     /* NULL if none */
  char *category_label_zh; /* the dictionary label, NULL if unknown */
};

/* Frees everything the unit owns, and the unit; NULL is fine. */
void equipment_free(struct equipment *e);
void equipment_list_free(struct equipment **list, size_t count);

enum equipment_sort {
  EQUIPMENT_SORT_ID,
  EQUIPMENT_SORT_SERIAL,
  EQUIPMENT_SORT_CREATED,
  EQUIPMENT_SORT_COUNT
};

struct equipment_filter {
  int64_t project_id;    /* 0: any */
  int64_t customer_id;   /* 0: any */
  const char *serial_no; /* exact, NULL: any */
  const char *model;     /* exact, NULL: any */
  const char *category;  /* NULL: any */
  int64_t supplier_id;   /* 0: any */
  const char *batch;     /* exact, NULL: any */
  const char *q;         /* folded search text (utf8_fold) in serial, model, name; NULL: none */
  enum equipment_sort sort;
  bool descending;
  int64_t limit;
  int64_t offset; /* page mode */
  bool keyset;    /* keyset mode, as in customers.h */
  bool after;
  const char *after_text; /* for EQUIPMENT_SORT_SERIAL */
  int64_t after_int;      /* for EQUIPMENT_SORT_CREATED */
  int64_t after_id;
};

/* Inserts e (id, version, timestamps ignored); *id gets the new id. A serial number already
 * live for the model: SH_ERR_CONFLICT "duplicate" naming serial_no. */
enum sh_status store_equipment_insert(struct store_tx *tx, const struct equipment *e, int64_t now,
                                      int64_t user_id, int64_t *id, struct sh_error *err);
/* Loads one live unit within scope, or SH_ERR_NOT_FOUND. Caller frees with equipment_free. */
enum sh_status store_equipment_get(struct store_tx *tx, int64_t id,
                                   const struct customer_scope *scope, struct equipment **out,
                                   struct sh_error *err);
/* Writes every editable field of e if e->version is current (SH_ERR_CONFLICT
 * "stale_version" otherwise, "duplicate" naming serial_no for a taken serial). */
enum sh_status store_equipment_update(struct store_tx *tx, const struct equipment *e, int64_t now,
                                      struct sh_error *err);
/* Marks the unit deleted if version is current; its serial number is free again. */
enum sh_status store_equipment_delete(struct store_tx *tx, int64_t id, int64_t version, int64_t now,
                                      struct sh_error *err);
/* True in *taken if a live unit other than except_id has this model and serial number. */
enum sh_status store_equipment_serial_taken(struct store_tx *tx, const char *model,
                                            const char *serial_no, int64_t except_id, bool *taken,
                                            struct sh_error *err);
/* True in *exists if a live supplier has this id (no scope: suppliers are a reference). */
enum sh_status store_equipment_supplier_exists(struct store_tx *tx, int64_t supplier_id,
                                               bool *exists, struct sh_error *err);
/* One page of live units in scope. Caller frees with equipment_list_free. */
enum sh_status store_equipment_list(struct store_tx *tx, const struct equipment_filter *f,
                                    const struct customer_scope *scope, struct equipment ***out,
                                    size_t *count, int64_t *total, struct sh_error *err);
/* Every live unit of a project, by id (the caller proved the project visible), at most
 * limit. Caller frees with equipment_list_free. */
enum sh_status store_equipment_list_by_project(struct store_tx *tx, int64_t project_id,
                                               int64_t limit, struct equipment ***out,
                                               size_t *count, struct sh_error *err);

#endif
