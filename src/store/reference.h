/* reference.h — reference data: GB/T 2260 regions and the dictionaries of enumerated values
 * (UI.md 5: one endpoint returns every dictionary, so no label is hard-coded). */
#ifndef SHOUHOU_STORE_REFERENCE_H
#define SHOUHOU_STORE_REFERENCE_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct region_row {
  char code[8];
  char *name;
  char parent_code[8]; /* "" for a province */
  int level;           /* 1 province, 2 city, 3 district */
  bool administrative; /* false for statistical-only units (市辖区 and the like) */
  bool leaf;           /* no region below it (every district; cities like 东莞 that have none) */
};

/* Inserts or replaces one region. */
enum sh_status store_region_put(struct store_tx *tx, const struct region_row *r,
                                struct sh_error *err);
/* Number of regions loaded. */
enum sh_status store_region_count(struct store_tx *tx, int64_t *count, struct sh_error *err);
/* The name of one region, NULL in *name if the code is unknown. Caller frees *name. */
enum sh_status store_region_name(struct store_tx *tx, const char *code, char **name,
                                 struct sh_error *err);
/* "省 市 区" names of a district or city, joined by spaces; NULL if unknown. Caller frees. */
enum sh_status store_region_full_name(struct store_tx *tx, const char *code, char **name,
                                      struct sh_error *err);
/* The code of the region named name directly below parent ("" for provinces); or, with
 * skip_level, two levels below (a district named without its statistical grouping:
 * "北京市 东城区" for 北京市 市辖区 东城区). out gets "" when there is none or more than one. */
enum sh_status store_region_find(struct store_tx *tx, const char *parent, const char *name,
                                 bool skip_level, char out[8], struct sh_error *err);
/* Children of parent ("" for provinces), ordered by code. Caller frees names and array. */
enum sh_status store_region_children(struct store_tx *tx, const char *parent,
                                     struct region_row **out, size_t *count, struct sh_error *err);
void region_rows_free(struct region_row *rows, size_t count);

struct dict_row {
  char *type, *value, *label_zh, *label_en, *tag_type;
  int64_t sort;
  bool disabled;
};
/* Every dictionary item ordered by type, sort. */
enum sh_status store_dict_list(struct store_tx *tx, struct dict_row **out, size_t *count,
                               struct sh_error *err);
/* True in *found if (type, value) exists and is not disabled. */
enum sh_status store_dict_has(struct store_tx *tx, const char *type, const char *value, bool *found,
                              struct sh_error *err);
/* The Chinese label of (type, value) into *label (caller frees); NULL when there is none. */
enum sh_status store_dict_label(struct store_tx *tx, const char *type, const char *value,
                                char **label, struct sh_error *err);
void dict_rows_free(struct dict_row *rows, size_t count);

#endif
