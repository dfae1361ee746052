/* jsonx.h — request JSON parsing and schema-driven decoding into C structs (jansson).
 *
 * Design: a resource describes its body as a table of struct jfield; jsonx_decode checks
 * every key against it (unknown key → 400 unknown_field, wrong type → 400 wrong_type,
 * missing required → 422 field_required, too long / out of range → 422) and copies the
 * values into the caller's struct at the given offsets. Every error names the field, with
 * a prefix for nested objects ("contacts[2].phone"). Nothing is half-decoded: on failure
 * the strings already copied are freed by jsonx_free. */
#ifndef SHOUHOU_JSONX_H
#define SHOUHOU_JSONX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

enum jfield_type {
  JF_STRING, /* char * (owned copy), lengths in characters */
  JF_INT,    /* int64_t */
  JF_BOOL,   /* bool */
  JF_DATE,   /* char * holding "YYYY-MM-DD" */
  JF_JSON,   /* json_t * (a new reference), checked only to be an array or object */
  JF_TIME,   /* int64_t UTC seconds from an ISO 8601 time with offset (422 invalid_time) */
};

#define JF_REQUIRED 1u /* must be present and not null (strings: not empty) */
#define JF_NULLABLE 2u /* null is accepted and stored as NULL / 0 */
#define JF_MULTILINE                                                                               \
  4u /* a string may hold line breaks and tabs (other control characters                           \
      * are refused in every string: they hide text and corrupt logs) */

struct jfield {
  const char *name;
  enum jfield_type type;
  unsigned flags;
  int64_t min;   /* JF_INT: smallest value; JF_STRING: fewest characters */
  int64_t max;   /* JF_INT: largest value; JF_STRING: most characters */
  size_t offset; /* offsetof(target struct, member) */
};

/* Parses a request body: valid UTF-8 (400 invalid_utf8), valid JSON with no duplicate key
 * (400 invalid_json / duplicate_key naming the key), an object at the top (400
 * body_not_object). On success *out is a new reference the caller must json_decref. */
enum sh_status jsonx_parse(const char *body, size_t len, json_t **out, struct sh_error *err);

/* Decodes obj into target by the table. target must start zeroed: on failure the strings
 * already stored in it are freed. present (may be NULL) gets bit i set for each field
 * i that was present in obj (even as null), so updates can tell "absent" from "cleared".
 * prefix (may be NULL) is put before field names in errors. */
enum sh_status jsonx_decode(json_t *obj, const struct jfield *fields, size_t nfields, void *target,
                            uint64_t *present, const char *prefix, struct sh_error *err);

/* Frees the strings and JSON values that jsonx_decode stored in target, and zeroes them. */
void jsonx_free(const struct jfield *fields, size_t nfields, void *target);

/* The text of a JSON string, or NULL if v is not a string or holds a NUL character (bodies
 * are parsed with JSON_ALLOW_NUL). Borrowed from v. */
const char *jsonx_text(const json_t *v);

/* Serialises a value to a newly allocated compact string (caller frees), NULL if no memory. */
char *jsonx_dump(const json_t *value);

/* Sets key on obj to a string or JSON null when s is NULL. Returns false if no memory or if
 * s is not valid UTF-8 (json_string returns NULL then — DESIGN.md pitfall). */
bool jsonx_set_str(json_t *obj, const char *key, const char *s);
bool jsonx_set_int(json_t *obj, const char *key, int64_t v);
bool jsonx_set_bool(json_t *obj, const char *key, bool v);
/* Sets key to the ISO 8601 form of utc in the given offset, or null when utc is 0. */
bool jsonx_set_time(json_t *obj, const char *key, int64_t utc, int offset_minutes);

#endif
