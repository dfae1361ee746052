/* fuzz_jsonx.c — libFuzzer harness for the request-body decoder every resource uses
 * (src/base/jsonx.c: jsonx_parse, jsonx_decode over a table with every field type and flag,
 * jsonx_free, jsonx_dump) and the time and date readers it calls (src/base/timefmt.c:
 * time_parse_iso, time_format_iso, date_valid).
 *
 * Input: the whole input is a request body. Invariants: a parse failure names a code and
 * leaves *out alone; a parsed body is an object that dumps and parses back equal; a decode
 * either fails with a code and a field and leaves no string or JSON value in the target
 * (nothing half-decoded, nothing leaked), or every stored value keeps its field's rules (valid
 * UTF-8, length in characters within min..max, no control character except line breaks and tabs in
 * multiline fields, integers in range, real dates); "present" has a bit for exactly the keys sent.
 * Every string value is also read as an ISO 8601 time: a time that parses (within the years the
 * display zone can write, see check_time) formats and parses back to the same instant. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/base/jsonx.h"
#include "../../src/base/timefmt.h"
#include "../../src/base/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct target {
  char *name;
  char *note;
  int64_t count;
  bool flag;
  char *day;
  json_t *items;
  int64_t at;
  char *code;
};

static const struct jfield fields[] = {
    {"name", JF_STRING, JF_REQUIRED, 1, 10, offsetof(struct target, name)},
    {"note", JF_STRING, JF_MULTILINE | JF_NULLABLE, 0, 100, offsetof(struct target, note)},
    {"count", JF_INT, 0, -5, 1000, offsetof(struct target, count)},
    {"flag", JF_BOOL, JF_NULLABLE, 0, 0, offsetof(struct target, flag)},
    {"day", JF_DATE, JF_NULLABLE, 0, 0, offsetof(struct target, day)},
    {"items", JF_JSON, JF_NULLABLE, 0, 0, offsetof(struct target, items)},
    {"at", JF_TIME, JF_NULLABLE, 0, 0, offsetof(struct target, at)},
    {"code", JF_STRING, 0, 2, 3, offsetof(struct target, code)},
};
#define NFIELDS (sizeof fields / sizeof *fields)

static void check_string(const char *s, const struct jfield *f) {
  if (!s)
    return;
  if (!utf8_valid(s, strlen(s)))
    abort();
  size_t chars = utf8_length(s);
  if ((int64_t)chars < f->min || (f->max && (int64_t)chars > f->max))
    abort();
  for (const unsigned char *c = (const unsigned char *)s; *c; c++)
    if ((*c < 0x20 || *c == 0x7f) &&
        !((f->flags & JF_MULTILINE) && (*c == '\n' || *c == '\r' || *c == '\t')))
      abort();
}

/* time_parse_iso accepts a local date from 1900 to 9999 at offsets up to ±14:59, so an instant
 * at either end can be written at +08:00 in year 1899 or 10000, which does not read back
 * ("9999-12-31T23:59:59Z" is written "10000-01-01T07:59:59+08:00"; the unit cases pin the
 * accepted range, docs/reliability.md lists it as a finding): the round trip is checked for
 * the instants whose Beijing date is in 1900..9999. */
#define FIRST_INSTANT (-2209017600LL) /* 1900-01-01T00:00:00+08:00 */
#define LAST_INSTANT 253402271999LL   /* 9999-12-31T23:59:59+08:00 */

static void check_time(const char *s) {
  int64_t t = 0, back = 0;
  if (!time_parse_iso(s, &t) || t < FIRST_INSTANT || t > LAST_INSTANT)
    return;
  char iso[TIME_ISO_LEN];
  time_format_iso(t, 480, iso);
  if (!time_parse_iso(iso, &back) || back != t)
    abort();
}

/* True if the body holds "" (perhaps an empty key, which no error can name). */
static bool has_empty_key(const uint8_t *data, size_t size) {
  for (size_t i = 1; i < size; i++)
    if (data[i - 1] == '"' && data[i] == '"')
      return true;
  return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *root = (json_t *)1;
  struct sh_error err = {0};
  if (jsonx_parse((const char *)data, size, &root, &err) != SH_OK) {
    if (!err.code[0] || root != (json_t *)1)
      abort();
    /* a duplicate key is named (unless it is the empty key), in UTF-8 */
    if (strcmp(err.code, "duplicate_key") == 0 && ((!err.field[0] && !has_empty_key(data, size)) ||
                                                   !utf8_valid(err.field, strlen(err.field))))
      abort();
    return 0;
  }
  if (!json_is_object(root))
    abort();
  char *text = jsonx_dump(root);
  if (!text)
    abort();
  json_t *again = NULL;
  struct sh_error err2 = {0};
  if (jsonx_parse(text, strlen(text), &again, &err2) != SH_OK || !json_equal(root, again))
    abort();
  json_decref(again);
  free(text);

  const char *key;
  json_t *value;
  json_object_foreach(root, key, value) {
    if (json_is_string(value) && jsonx_text(value)) {
      check_time(jsonx_text(value));
      date_valid(jsonx_text(value));
    }
  }

  /* As a creation (required fields enforced) and as an update (present bits). */
  for (int update = 0; update < 2; update++) {
    struct target t;
    memset(&t, 0, sizeof t);
    uint64_t present = 0;
    struct sh_error e = {0};
    enum sh_status rc =
        jsonx_decode(root, fields, NFIELDS, &t, update ? &present : NULL, update ? "x." : NULL, &e);
    if (rc != SH_OK) {
      /* The field is named, in UTF-8 (a JSON string can carry nothing else), unless it is
       * the empty key; the strings and JSON values already decoded are freed and zeroed
       * (numbers and booleans may stay: jsonx.h). */
      if (!e.code[0] || (!e.field[0] && !json_object_get(root, "")) ||
          !utf8_valid(e.field, strlen(e.field)) || t.name || t.note || t.day || t.items || t.code)
        abort();
      continue;
    }
    for (size_t i = 0; i < NFIELDS; i++) {
      if (fields[i].type == JF_STRING) {
        char *s;
        memcpy(&s, (char *)&t + fields[i].offset, sizeof s);
        check_string(s, &fields[i]);
      }
      bool sent = json_object_get(root, fields[i].name) != NULL;
      if (update && sent != !!(present & ((uint64_t)1 << i)))
        abort();
    }
    if (!update && !t.name)
      abort();
    if (t.count < -5 || t.count > 1000 || (t.day && !date_valid(t.day)))
      abort();
    if (t.items && !json_is_array(t.items) && !json_is_object(t.items))
      abort();
    jsonx_free(fields, NFIELDS, &t);
    if (t.name || t.note || t.day || t.items || t.code)
      abort();
  }
  json_decref(root);
  return 0;
}
