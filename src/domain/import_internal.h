/* import_internal.h — what the import engine (import.c) and the kinds of import
 * (import_rows.c: customers, projects, equipment units) share. Private to src/domain/. */
#ifndef SHOUHOU_DOMAIN_IMPORT_INTERNAL_H
#define SHOUHOU_DOMAIN_IMPORT_INTERNAL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../rules/region.h"
#include "../store/customers.h"
#include "../store/reference.h"
#include "../store/suppliers.h"
#include "../store/users.h"
#include "customer.h"
#include "equipment.h"
#include "project.h"

/* Rows fetched per page while loading a lookup map: few queries, bounded memory. */
#define LOOKUP_PAGE 2000
/* The id of a name that two records share. */
#define AMBIGUOUS (-1)

/* Every column any import knows; each kind's headings map onto some of them. */
enum column {
  /* customers */
  COL_NAME,
  COL_KIND,
  COL_REGION_CODE, /* also the site of a project, as are the four below */
  COL_REGION_NAME,
  COL_PROVINCE,
  COL_CITY,
  COL_DISTRICT,
  COL_ADDRESS,
  COL_PHONE,
  COL_RESPONSIBLE,
  COL_GROUP,
  COL_PRODUCTS,
  COL_KEY,
  COL_NOTE, /* every kind */
  COL_CONTACT,
  COL_CONTACT_PHONE,
  COL_CONTACT_TITLE,
  /* projects, and the project and customer of a unit */
  COL_CUSTOMER_NAME,
  COL_CUSTOMER_ID,
  COL_PROJECT_NAME,
  COL_PROJECT_ID,
  COL_SITE_ADDRESS,
  COL_MANAGER,
  COL_COMPLETION,
  COL_ACCEPTANCE, /* a project's, or a unit's own */
  /* equipment */
  COL_SERIAL,
  COL_MODEL,
  COL_UNIT_NAME,
  COL_CATEGORY,
  COL_SUPPLIER,
  COL_BATCH,
  COL_SOLD,
  COL_INSTALL_SITE,
  COL_MONTHS,
  COL_IGNORED, /* the export's own id and timestamps: read back, never written */
  COL_COUNT
};

struct heading {
  enum column column;
  const char *text;
};

/* The column behind a field name an error of a create names. */
struct field_column {
  const char *field;
  enum column column;
};

/* Text → id, open addressing; keys are owned copies. */
struct name_map {
  char **keys;
  int64_t *ids;
  size_t capacity; /* a power of two; 0 before the first key */
  size_t count;
};

struct import_state;

struct kind {
  const char *name; /* the report's kind */
  const struct heading *headings;
  size_t nheadings;
  const struct field_column *fields;
  size_t nfields;
  /* Adds missing_column errors for the required columns absent from heading row `row`. */
  void (*required)(struct import_state *s, size_t row);
  /* Checks one row and, in a real import without earlier errors, inserts it. A bad row is
   * recorded in the report (SH_OK); err gets only what stops the import. */
  enum sh_status (*row)(struct store_tx *tx, struct import_state *s, const struct sheet_row *row,
                        int64_t now, struct sh_error *err);
};

struct import_state {
  const struct kind *kind;
  const struct actor *actor;
  const struct sheet *sheet;
  bool dry_run;
  import_progress_fn progress;
  void *progress_arg;
  int column_of[COL_COUNT];     /* the sheet column of each field, -1 if absent */
  char heading[COL_COUNT][128]; /* its heading as the file writes it (trimmed) */
  struct import_report *report;
  struct dict_row *dict;
  size_t ndict;
  /* Lookups, loaded on first need (see the file comment). */
  bool customers_loaded, projects_loaded, suppliers_loaded, users_loaded;
  struct name_map customers;         /* name → id */
  struct name_map projects;          /* name → id */
  struct name_map customer_projects; /* "customer id\x1fname" → id */
  struct name_map suppliers;         /* name → id */
  struct name_map managers;          /* username or display name of an active manager → id */
  struct name_map users;             /* any username → id */
  struct name_map serials;           /* "model\x1fserial" → the row that first gave it */
  struct name_map regions;           /* region names as typed → code, or AMBIGUOUS: none */
};

/* The three kinds of import (import_rows.c). */
extern const struct kind import_customers_kind;
extern const struct kind import_projects_kind;
extern const struct kind import_equipment_kind;

/* Helpers of the engine (import.c) the kinds use. */
int64_t import_map_get(const struct name_map *m, const char *key);
enum sh_status import_map_add(struct name_map *m, const char *key, int64_t id,
                              struct sh_error *err);
void import_add_error(struct import_report *r, size_t row, const char *column, const char *code,
                      const char *detail);
void import_trimmed(const char *cell, char *out, size_t n);
const char *import_cell_of(const struct import_state *s, const struct sheet_row *row, enum column c,
                           char *buf, size_t n);
const char *import_heading_of(const struct import_state *s, enum column c, const char *fallback);
const char *import_column_of_field(const struct import_state *s, const char *field);
enum sh_status import_row_failed(struct import_state *s, size_t row, enum sh_status rc,
                                 const struct sh_error *err, const char *region_column,
                                 struct sh_error *fatal);
const char *import_dict_value(const struct import_state *s, const char *type, const char *text);
int import_yes_no(const char *t);
bool import_too_long(const char *text, size_t max);
bool import_read_digits(const char **p, int max_digits, int64_t *out);
int64_t import_parse_id(const char *text);
void import_row_date(struct import_state *s, const struct sheet_row *row, enum column c,
                     const char *fallback, char buf[PROJECT_DATE_SIZE], char **out);
struct customer_scope import_scope_of(const struct actor *a);
enum sh_status import_row_region(struct store_tx *tx, struct import_state *s,
                                 const struct sheet_row *row, const char *code_heading,
                                 char code[8], const char **column, struct sh_error *err);

#endif
