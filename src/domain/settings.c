/* settings.c — reading, validating and changing settings (see settings.h). */
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"
#include "../rules/roles.h"
#include "../store/settings.h"
#include "audit.h"

const struct setting_def *setting_find(const char *key) {
  for (size_t i = 0; key && i < setting_def_count; i++)
    if (strcmp(setting_defs[i].key, key) == 0)
      return &setting_defs[i];
  return NULL;
}

static bool parse_int(const char *s, int64_t *out) {
  if (!s || !*s)
    return false;
  char *end = NULL;
  long long v = strtoll(s, &end, 10);
  if (*end || (s[0] == '0' && s[1]) || (s[0] == '-' && s[1] == '0'))
    return false;
  *out = v;
  return true;
}

/* "HH:MM" → minutes of the day; -1 if malformed. */
static int parse_hhmm(const char *s) {
  if (strlen(s) < 5 || s[2] != ':')
    return -1;
  for (int i = 0; i < 5; i++)
    if (i != 2 && (s[i] < '0' || s[i] > '9'))
      return -1;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  return h < 24 && m < 60 ? h * 60 + m : -1;
}

bool setting_time_ranges_parse(const char *s, struct setting_time_range *out, size_t max,
                               size_t *count) {
  int last_end = -1;
  size_t n = 0;
  while (*s) {
    int start = parse_hhmm(s);
    if (start < 0 || s[5] != '-')
      return false;
    /* A range may run to the end of the day: "24:00" as its end (and only there). */
    int end = strncmp(s + 6, "24:00", 5) == 0 ? 24 * 60 : parse_hhmm(s + 6);
    if (end < 0 || end <= start || start < last_end)
      return false;
    if (out && n == max)
      return false;
    if (out)
      out[n] = (struct setting_time_range){.start_minute = start, .end_minute = end};
    n++;
    last_end = end;
    s += 11;
    if (*s == ',' && s[1]) /* a comma must lead to another range */
      s++;
    else if (*s)
      return false;
  }
  if (count)
    *count = n;
  return last_end >= 0;
}

static bool valid_months(const char *s) {
  unsigned seen = 0;
  while (*s) {
    char *end = NULL;
    long m = strtol(s, &end, 10);
    if (end == s || m < 1 || m > 12 || (seen & (1u << m)))
      return false;
    seen |= 1u << m;
    s = end;
    if (*s == ',')
      s++;
    else if (*s)
      return false;
  }
  return seen != 0;
}

static bool valid_choice(const char *choices, const char *s) {
  size_t len = strlen(s);
  for (const char *p = choices; p && *p;) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    if (n == len && strncmp(p, s, n) == 0)
      return true;
    p = comma ? comma + 1 : NULL;
  }
  return false;
}

/* "dispatcher,engineering_manager,gm": 1..8 role names of staff who can act on a missed
 * deadline, no repeats (sla.escalation_chain; a dealer or a customer cannot be told to). */
static bool valid_role_list(const char *s) {
  unsigned seen = 0;
  int n = 0;
  while (*s) {
    const char *end = strchr(s, ',');
    size_t len = end ? (size_t)(end - s) : strlen(s);
    char name[40];
    enum role role;
    if (len == 0 || len >= sizeof name || ++n > 8)
      return false;
    memcpy(name, s, len);
    name[len] = '\0';
    if (!role_parse(name, &role) || role == ROLE_DEALER || role == ROLE_CUSTOMER ||
        (seen & (1u << role)))
      return false;
    seen |= 1u << role;
    s += len;
    if (*s == ',' && !*++s)
      return false;
  }
  return n > 0;
}

enum sh_status setting_validate(const struct setting_def *def, const char *text,
                                struct sh_error *err) {
  bool ok = false;
  int64_t v;
  switch (def->type) {
  case SETTING_INT:
    ok = parse_int(text, &v) && v >= def->min && v <= def->max;
    break;
  case SETTING_BOOL:
    ok = strcmp(text, "true") == 0 || strcmp(text, "false") == 0;
    break;
  case SETTING_TIME:
    ok = strlen(text) == 5 && parse_hhmm(text) >= 0;
    break;
  case SETTING_TIME_RANGES:
    ok = setting_time_ranges_parse(text, NULL, 0, NULL);
    break;
  case SETTING_MONTHS:
    ok = valid_months(text);
    break;
  case SETTING_CHOICE:
    ok = valid_choice(def->choices, text);
    break;
  case SETTING_DATE:
    ok = !*text || date_valid(text); /* "": cleared again (no date) */
    break;
  case SETTING_TEXT: {
    /* One line of text like every other string the API takes (jsonx.h JF_MULTILINE): a
     * control character would hide text on the warranty card and in mail subjects. */
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
      if (*c < 0x20 || *c == 0x7f)
        return sh_fail(err, SH_ERR_INVALID, "invalid_character", "value", NULL);
    size_t chars = utf8_length(text);
    ok = chars >= (size_t)def->min && chars <= (size_t)def->max && utf8_valid(text, strlen(text));
    if (ok && strcmp(def->key, "sla.escalation_chain") == 0)
      ok = valid_role_list(text);
    /* SPEC E1: the superiors told of a complaint, staff roles (complaint_flow.c). */
    if (ok && (strcmp(def->key, "complaint.report_roles") == 0 ||
               strcmp(def->key, "complaint.critical_report_roles") == 0))
      ok = valid_role_list(text);
    break;
  }
  }
  if (ok)
    return SH_OK;
  char detail[96] = "";
  if (def->type == SETTING_INT)
    snprintf(detail, sizeof detail, "%lld-%lld", (long long)def->min, (long long)def->max);
  else if (def->type == SETTING_CHOICE)
    snprintf(detail, sizeof detail, "%s", def->choices);
  else if (def->type == SETTING_TEXT)
    snprintf(detail, sizeof detail, "%lld-%lld characters", (long long)def->min,
             (long long)def->max);
  else if (def->type == SETTING_TIME)
    snprintf(detail, sizeof detail, "HH:MM");
  else if (def->type == SETTING_TIME_RANGES)
    snprintf(detail, sizeof detail, "HH:MM-HH:MM,HH:MM-HH:MM");
  else if (def->type == SETTING_MONTHS)
    snprintf(detail, sizeof detail, "1-12, e.g. 3,9");
  else if (def->type == SETTING_BOOL)
    snprintf(detail, sizeof detail, "true, false");
  else if (def->type == SETTING_DATE)
    snprintf(detail, sizeof detail, "YYYY-MM-DD");
  return sh_fail(err, SH_ERR_INVALID, "invalid_setting_value", "value", detail);
}

enum sh_status settings_int(struct store_tx *tx, const char *key, int64_t *out,
                            struct sh_error *err) {
  const struct setting_def *def = setting_find(key);
  if (!def || def->type != SETTING_INT)
    return sh_fail(err, SH_ERR_INTERNAL, "internal", key, "no such integer setting");
  struct setting_row row;
  enum sh_status rc = store_setting_get(tx, key, &row, err);
  if (rc != SH_OK)
    return rc;
  const char *text = row.value ? row.value : def->default_value;
  if (!text) {
    rc = sh_fail(err, SH_ERR_INVALID, "setting_unset", key, NULL);
  } else if (!parse_int(text, out)) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "internal", key, "stored value is not an integer");
  }
  setting_row_free(&row);
  return rc;
}

enum sh_status settings_text(struct store_tx *tx, const char *key, char **out,
                             struct sh_error *err) {
  const struct setting_def *def = setting_find(key);
  if (!def || def->type == SETTING_INT)
    return sh_fail(err, SH_ERR_INTERNAL, "internal", key, "no such text setting");
  struct setting_row row;
  enum sh_status rc = store_setting_get(tx, key, &row, err);
  if (rc != SH_OK)
    return rc;
  const char *text = row.value ? row.value : def->default_value;
  *out = text ? sh_strdup(text) : NULL;
  if (text && !*out)
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  setting_row_free(&row);
  return rc;
}

enum sh_status settings_snapshot_load(struct store_tx *tx, struct settings_snapshot *out,
                                      struct sh_error *err) {
  out->rows = NULL;
  out->count = 0;
  return store_setting_list(tx, &out->rows, &out->count, err);
}

void settings_snapshot_free(struct settings_snapshot *snapshot) {
  for (size_t i = 0; snapshot->rows && i < snapshot->count; i++)
    setting_row_free(&snapshot->rows[i]);
  free(snapshot->rows);
  snapshot->rows = NULL;
  snapshot->count = 0;
}

/* The effective text of key in the snapshot: the stored value, else the default. */
static const char *snapshot_value(const struct settings_snapshot *snapshot,
                                  const struct setting_def *def) {
  for (size_t i = 0; i < snapshot->count; i++)
    if (strcmp(snapshot->rows[i].key, def->key) == 0 && snapshot->rows[i].value)
      return snapshot->rows[i].value;
  return def->default_value;
}

enum sh_status settings_snapshot_int(const struct settings_snapshot *snapshot, const char *key,
                                     int64_t *out, struct sh_error *err) {
  const struct setting_def *def = setting_find(key);
  if (!def || def->type != SETTING_INT)
    return sh_fail(err, SH_ERR_INTERNAL, "internal", key, "no such integer setting");
  const char *text = snapshot_value(snapshot, def);
  if (!text)
    return sh_fail(err, SH_ERR_INVALID, "setting_unset", key, NULL);
  if (!parse_int(text, out))
    return sh_fail(err, SH_ERR_INTERNAL, "internal", key, "stored value is not an integer");
  return SH_OK;
}

enum sh_status settings_snapshot_text(const struct settings_snapshot *snapshot, const char *key,
                                      char **out, struct sh_error *err) {
  const struct setting_def *def = setting_find(key);
  if (!def || def->type == SETTING_INT)
    return sh_fail(err, SH_ERR_INTERNAL, "internal", key, "no such text setting");
  const char *text = snapshot_value(snapshot, def);
  *out = text ? sh_strdup(text) : NULL;
  if (text && !*out)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  return SH_OK;
}

/* A setting's value text as its JSON type. */
static json_t *value_json(const struct setting_def *def, const char *text) {
  if (!text)
    return json_null();
  if (def->type == SETTING_INT)
    return json_integer(strtoll(text, NULL, 10));
  if (def->type == SETTING_BOOL)
    return json_boolean(strcmp(text, "true") == 0);
  return json_string(text);
}

static json_t *setting_json(const struct app *app, const struct setting_def *def,
                            const struct setting_row *row) {
  static const char *const type_names[] = {"int",    "bool",   "time", "time_ranges",
                                           "months", "choice", "text", "date"};
  json_t *o = json_object();
  if (!o)
    return NULL;
  const char *value = row && row->value ? row->value : def->default_value;
  json_object_set_new(o, "key", json_string(def->key));
  json_object_set_new(o, "type", json_string(type_names[def->type]));
  json_object_set_new(o, "unit", json_string(def->unit));
  json_object_set_new(o, "value", value_json(def, value));
  json_object_set_new(o, "default", value_json(def, def->default_value));
  json_object_set_new(o, "origin", json_string(def->origin));
  json_object_set_new(o, "changed", json_boolean(row && row->value));
  json_object_set_new(o, "spec", json_string(def->spec));
  json_object_set_new(o, "label", json_string(def->label_zh));
  json_object_set_new(o, "version", json_integer(row && row->value ? row->version : 0));
  jsonx_set_time(o, "updated_at", row ? row->updated_at : 0, app->tz_offset_minutes);
  if (def->type == SETTING_INT || def->type == SETTING_TEXT) {
    json_object_set_new(o, "min", json_integer(def->min));
    json_object_set_new(o, "max", json_integer(def->max));
  }
  if (def->choices)
    json_object_set_new(o, "choices", json_string(def->choices));
  return o;
}

struct list_arg {
  struct setting_row *rows;
  size_t count;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  return store_setting_list(tx, &a->rows, &a->count, err);
}

enum sh_status settings_list(struct app *app, json_t **out, struct sh_error *err) {
  struct list_arg a = {0};
  enum sh_status rc = store_read(app->store, list_unit, &a, err);
  if (rc != SH_OK)
    return rc;
  json_t *items = json_array();
  for (size_t i = 0; items && i < setting_def_count; i++) {
    const struct setting_row *row = NULL;
    for (size_t k = 0; k < a.count; k++)
      if (a.rows[k].key && strcmp(a.rows[k].key, setting_defs[i].key) == 0)
        row = &a.rows[k];
    json_array_append_new(items, setting_json(app, &setting_defs[i], row));
  }
  for (size_t k = 0; k < a.count; k++)
    setting_row_free(&a.rows[k]);
  free(a.rows);
  if (!items)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  *out = items;
  return SH_OK;
}

/* Settings whose values must stay in order: the technician is on site before the fault is
 * cleared, which is before a spare unit is due (SPEC C2: 24/48/72 h); a fine range runs
 * from its minimum to its maximum (SPEC K2: 50~100元). */
static const struct {
  const char *lower, *upper;
} ordered[] = {
    {"sla.onsite_hours", "sla.clear_hours"},
    {"sla.clear_hours", "sla.substitute_hours"},
    {"dormitory.fine_min_fen", "dormitory.fine_max_fen"},
};

/* Inside the unit that changed key: fails if an order involving key is now broken. */
static enum sh_status check_order(struct store_tx *tx, const char *key, struct sh_error *err) {
  for (size_t i = 0; i < sizeof ordered / sizeof *ordered; i++) {
    if (strcmp(key, ordered[i].lower) != 0 && strcmp(key, ordered[i].upper) != 0)
      continue;
    int64_t lower, upper;
    enum sh_status rc = settings_int(tx, ordered[i].lower, &lower, err);
    if (rc == SH_OK)
      rc = settings_int(tx, ordered[i].upper, &upper, err);
    if (rc != SH_OK)
      return rc;
    if (lower > upper) {
      char detail[128];
      snprintf(detail, sizeof detail, "%s <= %s", ordered[i].lower, ordered[i].upper);
      return sh_fail(err, SH_ERR_INVALID, "invalid_setting_order", "value", detail);
    }
  }
  return SH_OK;
}

struct set_arg {
  const struct actor *actor;
  const struct setting_def *def;
  const char *text;
  int64_t version;
  struct setting_row after;
};

static enum sh_status set_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct set_arg *a = arg;
  struct setting_row before;
  int64_t now = time_now();
  enum sh_status rc = store_setting_get(tx, a->def->key, &before, err);
  if (rc != SH_OK)
    return rc;
  rc = store_setting_put(tx, a->def->key, a->text, a->version, now, a->actor->user_id, err);
  if (rc == SH_OK && a->def->type == SETTING_INT)
    rc = check_order(tx, a->def->key, err);
  if (rc == SH_OK) {
    /* Settings have no numeric id: the row names its key beside the change. */
    json_t *changes = json_object();
    json_object_set_new(changes, "key", json_string(a->def->key));
    audit_change(changes, "value",
                 value_json(a->def, before.value ? before.value : a->def->default_value),
                 value_json(a->def, a->text));
    rc = audit_log(tx, a->actor, "setting", 0, "update", changes, now, err);
    json_decref(changes);
  }
  if (rc == SH_OK)
    rc = store_setting_get(tx, a->def->key, &a->after, err);
  setting_row_free(&before);
  return rc;
}

enum sh_status settings_set(struct app *app, const struct actor *actor, const char *key,
                            const json_t *value, int64_t version, json_t **out,
                            struct sh_error *err) {
  const struct setting_def *def = setting_find(key);
  if (!def)
    return sh_fail(err, SH_ERR_NOT_FOUND, "not_found", "key", NULL);
  char number[24];
  const char *text = NULL;
  if (def->type == SETTING_INT && json_is_integer(value)) {
    snprintf(number, sizeof number, "%lld", (long long)json_integer_value(value));
    text = number;
  } else if (def->type == SETTING_BOOL && json_is_boolean(value)) {
    text = json_is_true(value) ? "true" : "false";
  } else if (def->type != SETTING_INT && def->type != SETTING_BOOL && jsonx_text(value)) {
    text = jsonx_text(value);
  } else if (json_is_null(value)) {
    return sh_fail(err, SH_ERR_INVALID, "field_required", "value", NULL);
  } else {
    return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", "value", NULL);
  }
  enum sh_status rc = setting_validate(def, text, err);
  if (rc != SH_OK)
    return rc;
  struct set_arg a = {.actor = actor, .def = def, .text = text, .version = version};
  rc = store_write(app->store, set_unit, &a, err);
  if (rc == SH_OK) {
    *out = setting_json(app, def, &a.after);
    if (!*out)
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  }
  setting_row_free(&a.after);
  return rc;
}
