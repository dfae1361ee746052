/* jsonx.c — request JSON parsing and table-driven decoding (see jsonx.h). */
#include "jsonx.h"

#include <stdio.h>
#include <string.h>

#include "mem.h"
#include "timefmt.h"
#include "utf8.h"

/* The key whose string token ends just before byte end of body (a duplicate key jansson did
 * not quote), decoded, into out (cut on a character boundary); "" if there is none. Inside a
 * JSON string every quote is escaped, so the token starts at the first quote before its last
 * that has an even number of backslashes before it. */
static void duplicate_key_at(const char *body, size_t len, size_t end, char *out, size_t size) {
  out[0] = '\0';
  if (end < 2 || end > len || body[end - 1] != '"')
    return;
  size_t start = end - 1;
  while (start-- > 0) {
    size_t slashes = 0;
    while (slashes < start && body[start - 1 - slashes] == '\\')
      slashes++;
    if (body[start] == '"' && slashes % 2 == 0)
      break;
  }
  if (start >= end - 1)
    return;
  json_error_t jerr;
  json_t *s = json_loadb(body + start, end - start, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
  const char *text = jsonx_text(s);
  if (text && snprintf(out, size, "%s", text) >= (int)size)
    utf8_trim_tail(out);
  json_decref(s);
}

enum sh_status jsonx_parse(const char *body, size_t len, json_t **out, struct sh_error *err) {
  size_t bad = utf8_invalid_at(body, len);
  if (bad < len) {
    char where[48];
    snprintf(where, sizeof where, "byte %zu", bad);
    return sh_fail(err, SH_ERR_MALFORMED, "invalid_utf8", NULL, where);
  }
  json_error_t jerr;
  /* DECODE_ANY: a bare 42 or "x" is well-formed JSON and gets body_not_object below.
   * ALLOW_NUL: a \u0000 inside a string is refused by the field decoder, which can name
   * the field; every string read from a body goes through it or through jsonx_text. */
  json_t *root =
      json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
  if (!root) {
    if (strstr(jerr.text, "duplicate object key")) {
      /* jansson says: duplicate object key near '"name"' — but only for a key of at most 18
       * bytes; a longer one is read from the body, where the key's token ends at the error's
       * position (found by fuzz_api). */
      char key[64] = "";
      const char *q = strstr(jerr.text, "'\"");
      if (q) {
        snprintf(key, sizeof key, "%s", q + 2);
        char *end = strstr(key, "\"'");
        if (end)
          *end = '\0';
      } else {
        duplicate_key_at(body, len, (size_t)jerr.position, key, sizeof key);
      }
      return sh_fail(err, SH_ERR_MALFORMED, "duplicate_key", key, NULL);
    }
    char where[64];
    snprintf(where, sizeof where, "line %d column %d", jerr.line, jerr.column);
    return sh_fail(err, SH_ERR_MALFORMED, "invalid_json", NULL, where);
  }
  if (!json_is_object(root)) {
    json_decref(root);
    return sh_fail(err, SH_ERR_MALFORMED, "body_not_object", NULL, NULL);
  }
  *out = root;
  return SH_OK;
}

static void field_name(char *out, size_t n, const char *prefix, const char *name) {
  snprintf(out, n, "%s%s", prefix ? prefix : "", name);
}

static const struct jfield *find_field(const struct jfield *fields, size_t n, const char *key,
                                       size_t *index) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(fields[i].name, key) == 0) {
      *index = i;
      return &fields[i];
    }
  return NULL;
}

static enum sh_status decode_one(const struct jfield *f, json_t *v, void *target, const char *name,
                                 struct sh_error *err) {
  char *base = target;
  char detail[64];
  if (json_is_null(v)) {
    if (f->flags & JF_REQUIRED)
      return sh_fail(err, SH_ERR_INVALID, "field_required", name, NULL);
    if (!(f->flags & JF_NULLABLE))
      return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", name, NULL);
    return SH_OK; /* target already zero */
  }
  switch (f->type) {
  case JF_TIME: {
    int64_t t = 0;
    if (!json_is_string(v))
      return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", name, "string");
    if (!time_parse_iso(json_string_value(v), &t) ||
        strlen(json_string_value(v)) != json_string_length(v))
      return sh_fail(err, SH_ERR_INVALID, "invalid_time", name, NULL);
    *(int64_t *)(void *)(base + f->offset) = t;
    return SH_OK;
  }
  case JF_STRING:
  case JF_DATE: {
    if (!json_is_string(v))
      return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", name, "string");
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
      return sh_fail(err, SH_ERR_MALFORMED, "invalid_utf8", name, "NUL character");
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
      if ((*c < 0x20 || *c == 0x7f) &&
          !((f->flags & JF_MULTILINE) && (*c == '\n' || *c == '\r' || *c == '\t')))
        return sh_fail(err, SH_ERR_INVALID, "invalid_character", name, NULL);
    if (f->type == JF_DATE) {
      if (!date_valid(s))
        return sh_fail(err, SH_ERR_INVALID, "invalid_date", name, NULL);
    } else {
      size_t chars = utf8_length(s);
      if (chars == 0 && (f->flags & JF_REQUIRED))
        return sh_fail(err, SH_ERR_INVALID, "field_required", name, NULL);
      if ((int64_t)chars < f->min || (f->max && (int64_t)chars > f->max)) {
        snprintf(detail, sizeof detail, "%lld-%lld", (long long)f->min, (long long)f->max);
        return sh_fail(err, SH_ERR_INVALID, "field_length", name, detail);
      }
    }
    char *copy = sh_strdup(s);
    if (!copy)
      return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    memcpy(base + f->offset, &copy, sizeof copy);
    return SH_OK;
  }
  case JF_INT: {
    if (!json_is_integer(v))
      return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", name, "integer");
    int64_t n = (int64_t)json_integer_value(v);
    if (n < f->min || n > f->max) {
      snprintf(detail, sizeof detail, "%lld-%lld", (long long)f->min, (long long)f->max);
      return sh_fail(err, SH_ERR_INVALID, "out_of_range", name, detail);
    }
    memcpy(base + f->offset, &n, sizeof n);
    return SH_OK;
  }
  case JF_BOOL: {
    if (!json_is_boolean(v))
      return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", name, "boolean");
    bool b = json_is_true(v);
    memcpy(base + f->offset, &b, sizeof b);
    return SH_OK;
  }
  case JF_JSON: {
    if (!json_is_array(v) && !json_is_object(v))
      return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", name, "array");
    json_t *ref = json_incref(v);
    memcpy(base + f->offset, &ref, sizeof ref);
    return SH_OK;
  }
  }
  return sh_fail(err, SH_ERR_INTERNAL, "internal", name, NULL);
}

enum sh_status jsonx_decode(json_t *obj, const struct jfield *fields, size_t nfields, void *target,
                            uint64_t *present, const char *prefix, struct sh_error *err) {
  char name[96];
  uint64_t seen = 0;
  enum sh_status rc = SH_OK;
  if (!json_is_object(obj)) {
    field_name(name, sizeof name, prefix, "");
    size_t l = strlen(name);
    if (l && name[l - 1] == '.')
      name[l - 1] = '\0';
    return sh_fail(err, SH_ERR_MALFORMED, "wrong_type", name, "object");
  }
  const char *key;
  json_t *value;
  json_object_foreach(obj, key, value) {
    size_t index;
    const struct jfield *f = find_field(fields, nfields, key, &index);
    field_name(name, sizeof name, prefix, key);
    if (!f) {
      rc = sh_fail(err, SH_ERR_MALFORMED, "unknown_field", name, NULL);
      goto out;
    }
    rc = decode_one(f, value, target, name, err);
    if (rc != SH_OK)
      goto out;
    seen |= (uint64_t)1 << index;
  }
  if (!present) {
    /* Creation: every required field must be there. */
    for (size_t i = 0; i < nfields; i++)
      if ((fields[i].flags & JF_REQUIRED) && !(seen & ((uint64_t)1 << i))) {
        field_name(name, sizeof name, prefix, fields[i].name);
        rc = sh_fail(err, SH_ERR_INVALID, "field_required", name, NULL);
        goto out;
      }
  } else {
    *present = seen;
  }
out:
  if (rc != SH_OK)
    jsonx_free(fields, nfields, target);
  return rc;
}

void jsonx_free(const struct jfield *fields, size_t nfields, void *target) {
  char *base = target;
  for (size_t i = 0; i < nfields; i++) {
    if (fields[i].type == JF_STRING || fields[i].type == JF_DATE) {
      char *s;
      memcpy(&s, base + fields[i].offset, sizeof s);
      free(s);
      s = NULL;
      memcpy(base + fields[i].offset, &s, sizeof s);
    } else if (fields[i].type == JF_JSON) {
      json_t *j;
      memcpy(&j, base + fields[i].offset, sizeof j);
      json_decref(j);
      j = NULL;
      memcpy(base + fields[i].offset, &j, sizeof j);
    }
  }
}

const char *jsonx_text(const json_t *v) {
  const char *s = json_string_value(v);
  return s && strlen(s) == json_string_length(v) ? s : NULL;
}

char *jsonx_dump(const json_t *value) {
  return json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
}

bool jsonx_set_str(json_t *obj, const char *key, const char *s) {
  json_t *v = s ? json_string(s) : json_null();
  return v && json_object_set_new(obj, key, v) == 0;
}

bool jsonx_set_int(json_t *obj, const char *key, int64_t v) {
  json_t *j = json_integer((json_int_t)v);
  return j && json_object_set_new(obj, key, j) == 0;
}

bool jsonx_set_bool(json_t *obj, const char *key, bool v) {
  return json_object_set_new(obj, key, json_boolean(v)) == 0;
}

bool jsonx_set_time(json_t *obj, const char *key, int64_t utc, int offset_minutes) {
  if (utc == 0)
    return json_object_set_new(obj, key, json_null()) == 0;
  char iso[TIME_ISO_LEN];
  time_format_iso(utc, offset_minutes, iso);
  return jsonx_set_str(obj, key, iso);
}
