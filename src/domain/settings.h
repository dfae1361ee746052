/* settings.h — the rulebook's numbers as typed settings (SPEC intro: "every amount, duration
 * and threshold is configuration with the rulebook's value as its default").
 *
 * Each setting has a definition (settings_table.c): key, type, unit, default, origin —
 * "rulebook" (the seed gives the value), "ours" (the seed gives none; we chose one and the
 * settings page says so) or "unset" (no default: whatever needs it answers 422
 * setting_unset naming the key until an administrator fills it in) — and the SPEC id it
 * serves. Stored rows hold only values an administrator changed; every change is audited. */
#ifndef SHOUHOU_DOMAIN_SETTINGS_H
#define SHOUHOU_DOMAIN_SETTINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../store/settings.h"
#include "../store/store.h"
#include "actor.h"
#include "app.h"

enum setting_type {
  SETTING_INT,         /* a whole number within [min, max] in the unit */
  SETTING_BOOL,        /* true / false */
  SETTING_TIME,        /* "HH:MM", a local time of day */
  SETTING_TIME_RANGES, /* "HH:MM-HH:MM,HH:MM-HH:MM", increasing, not overlapping */
  SETTING_MONTHS,      /* "M,M", distinct months 1..12 */
  SETTING_CHOICE,      /* one of the comma-separated choices */
  SETTING_TEXT,        /* free text of min..max characters */
  SETTING_DATE,        /* "YYYY-MM-DD", a calendar date */
};

struct setting_def {
  const char *key;
  enum setting_type type;
  const char *unit;          /* "fen", "hours", "months", "permille", ... or "" */
  const char *default_value; /* NULL when origin is "unset" */
  const char *origin;        /* "rulebook", "ours", "unset" */
  const char *spec;          /* "B2", "C2", ... */
  int64_t min, max;          /* SETTING_INT bounds; SETTING_TEXT length in characters */
  const char *choices;       /* SETTING_CHOICE: "calendar,working" */
  const char *label_zh;      /* what the settings page shows */
};

extern const struct setting_def setting_defs[];
extern const size_t setting_def_count;

/* The definition of key, NULL if there is none. */
const struct setting_def *setting_find(const char *key);

/* A daily range of local time, [start_minute, end_minute), end ≤ 1440. */
struct setting_time_range {
  int start_minute;
  int end_minute;
};
/* Reads a SETTING_TIME_RANGES value ("08:30-12:00,13:30-17:30"; "24:00" only as an end;
 * increasing, not overlapping) into out[0..max) and *count (both may be NULL: validation
 * only, any number of ranges). False if malformed, or if out is given and more than max. */
bool setting_time_ranges_parse(const char *text, struct setting_time_range *out, size_t max,
                               size_t *count);

/* Checks that text is a valid value for def (SH_ERR_INVALID "invalid_setting_value"). */
enum sh_status setting_validate(const struct setting_def *def, const char *text,
                                struct sh_error *err);

/* Inside a unit: the effective value of an integer setting. 422 "setting_unset" naming the
 * key if it has no value yet. */
enum sh_status settings_int(struct store_tx *tx, const char *key, int64_t *out,
                            struct sh_error *err);

/* Inside a unit: the effective value of any setting that is not an integer, as its text
 * ("true", "09:00-12:00", a choice, a text), copied into *out (caller frees);
 * *out is NULL while the setting has no value (optional texts are not an error). */
enum sh_status settings_text(struct store_tx *tx, const char *key, char **out,
                             struct sh_error *err);

/* All the stored values at once, for a unit that reads several settings (one query instead
 * of one a key: the SLA policy reads nine). Read from it as from the unit. */
struct settings_snapshot {
  struct setting_row *rows;
  size_t count;
};
enum sh_status settings_snapshot_load(struct store_tx *tx, struct settings_snapshot *out,
                                      struct sh_error *err);
void settings_snapshot_free(struct settings_snapshot *snapshot);
/* As settings_int and settings_text, from the snapshot. */
enum sh_status settings_snapshot_int(const struct settings_snapshot *snapshot, const char *key,
                                     int64_t *out, struct sh_error *err);
enum sh_status settings_snapshot_text(const struct settings_snapshot *snapshot, const char *key,
                                      char **out, struct sh_error *err);

/* Every setting as JSON objects {key, type, unit, value, default, origin, changed, spec,
 * label, version, updated_at, choices?, min?, max?}. Caller decrefs *out. */
enum sh_status settings_list(struct app *app, json_t **out, struct sh_error *err);

/* Sets key to value (a JSON value of the setting's type) if version is the one the caller
 * read (0 for a never-changed setting); audited. *out gets the new JSON object. */
enum sh_status settings_set(struct app *app, const struct actor *actor, const char *key,
                            const json_t *value, int64_t version, json_t **out,
                            struct sh_error *err);

#endif
