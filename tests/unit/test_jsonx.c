/* test_jsonx.c — src/base/jsonx.c: how a request body becomes a C struct, and every way it is
 * refused with a clear error naming the field (SPEC L: "Nothing is ever silently lost: bad
 * input gets a clear error naming the field"; DESIGN.md API conventions: 400 for bad JSON,
 * bad UTF-8, wrong type, unknown or duplicate key; 422 for a well-formed but invalid value).
 *
 * The tests decode into a made-up "person" with one field of every type and a nested list
 * of contacts decoded the way api/customers.c does it ("contacts[2].phone"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/base/jsonx.h"

struct person {
  char *name;       /* required, 1..100 characters */
  int64_t age;      /* 0..150 */
  bool vip;         /* */
  char *born;       /* YYYY-MM-DD */
  json_t *contacts; /* array of struct contact */
  char *note;       /* nullable, at most 10 characters */
  char *code;       /* 2..4 characters */
  int64_t big;      /* any 64-bit integer */
};

enum { NAME, AGE, VIP, BORN, CONTACTS, NOTE, CODE, BIG, NFIELDS };

static const struct jfield person_fields[NFIELDS] = {
    [NAME] = {"name", JF_STRING, JF_REQUIRED, 1, 100, offsetof(struct person, name)},
    [AGE] = {"age", JF_INT, 0, 0, 150, offsetof(struct person, age)},
    [VIP] = {"vip", JF_BOOL, 0, 0, 0, offsetof(struct person, vip)},
    [BORN] = {"born", JF_DATE, 0, 0, 0, offsetof(struct person, born)},
    [CONTACTS] = {"contacts", JF_JSON, 0, 0, 0, offsetof(struct person, contacts)},
    [NOTE] = {"note", JF_STRING, JF_NULLABLE, 0, 10, offsetof(struct person, note)},
    [CODE] = {"code", JF_STRING, 0, 2, 4, offsetof(struct person, code)},
    [BIG] = {"big", JF_INT, 0, INT64_MIN, INT64_MAX, offsetof(struct person, big)},
};

struct contact {
  char *phone; /* required, 1..20 characters */
  char *label; /* at most 30 characters */
};

static const struct jfield contact_fields[] = {
    {"phone", JF_STRING, JF_REQUIRED, 1, 20, offsetof(struct contact, phone)},
    {"label", JF_STRING, 0, 0, 30, offsetof(struct contact, label)},
};

#define BIT(i) ((uint64_t)1 << (i))

/* Parses text, which must be a JSON object. Caller json_decrefs. */
static json_t *object_of(const char *text) {
  json_t *root = NULL;
  struct sh_error err;
  enum sh_status rc = jsonx_parse(text, strlen(text), &root, &err);
  if (rc != SH_OK)
    fail_msg("cannot parse %s: %s", text, err.code);
  return root;
}

/* Decodes text into a zeroed person; present as for jsonx_decode. */
static enum sh_status decode_person(const char *text, struct person *p, uint64_t *present,
                                    struct sh_error *err) {
  memset(p, 0, sizeof *p);
  sh_error_clear(err);
  json_t *root = object_of(text);
  enum sh_status rc = jsonx_decode(root, person_fields, NFIELDS, p, present, NULL, err);
  json_decref(root);
  return rc;
}

/* Decoding text fails with status, code and field; nothing stays in the person. */
static void assert_decode_fails(const char *text, enum sh_status status, const char *code,
                                const char *field) {
  struct person p;
  struct sh_error err;
  enum sh_status rc = decode_person(text, &p, NULL, &err);
  if (rc != status || strcmp(err.code, code) != 0 || strcmp(err.field, field) != 0)
    fail_msg("%s: expected %d %s \"%s\", got %d %s \"%s\"", text, status, code, field, rc, err.code,
             err.field);
  assert_null(p.name);
  assert_null(p.born);
  assert_null(p.contacts);
  assert_null(p.note);
  assert_null(p.code);
}

/* Parsing text fails with a 400 and the code; *out is left alone. */
static void assert_parse_fails(const char *text, size_t len, const char *code) {
  json_t *root = NULL;
  struct sh_error err;
  sh_error_clear(&err);
  enum sh_status rc = jsonx_parse(text, len, &root, &err);
  if (rc != SH_ERR_MALFORMED || strcmp(err.code, code) != 0)
    fail_msg("%s: expected malformed %s, got %d %s", text, code, rc, err.code);
  assert_int_equal(sh_http_status(rc), 400);
  assert_null(root);
}

/* --- jsonx_parse --- */

static void jsonx_parse_accepts_an_object(void **state) {
  (void)state;
  json_t *root = NULL;
  struct sh_error err;
  const char *text = " {\"name\":\"售后\",\"n\":1} ";
  assert_int_equal(jsonx_parse(text, strlen(text), &root, &err), SH_OK);
  assert_true(json_is_object(root));
  assert_string_equal(json_string_value(json_object_get(root, "name")), "售后");
  json_decref(root);
}

/* EVIDENCE: SPEC L; DESIGN.md API conventions — 400 bad UTF-8 */
static void jsonx_parse_rejects_invalid_utf8(void **state) {
  (void)state;
  assert_parse_fails("{\"name\":\"\xff\"}", 12, "invalid_utf8");
  assert_parse_fails("{\"name\":\"\xc0\xaf\"}", 13, "invalid_utf8");     /* overlong */
  assert_parse_fails("{\"name\":\"\xed\xa0\x80\"}", 14, "invalid_utf8"); /* surrogate */
  assert_parse_fails("{\"name\":\"\xe5\x94\"}", 13, "invalid_utf8");     /* truncated 售 */
  assert_parse_fails("{\"\xff\":1}", 7, "invalid_utf8");                 /* in a key */
  assert_parse_fails("{\"a\":1}\0", 8, "invalid_utf8"); /* a raw NUL byte in the body */
}

/* EVIDENCE: SPEC L; DESIGN.md pitfall — jansson accepts duplicate keys unless told */
static void jsonx_parse_names_the_duplicate_key(void **state) {
  (void)state;
  static const struct {
    const char *text, *key;
  } cases[] = {
      {"{\"name\":\"a\",\"name\":\"b\"}", "name"},
      {"{\"name\":1,\"age\":2,\"name\":3}", "name"},
      {"{\"名称\":1,\"名称\":2}", "名称"},
      {"{\"contacts\":[{\"phone\":\"1\",\"phone\":\"2\"}]}", "phone"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_t *root = NULL;
    struct sh_error err;
    enum sh_status rc = jsonx_parse(cases[i].text, strlen(cases[i].text), &root, &err);
    assert_int_equal(rc, SH_ERR_MALFORMED);
    assert_string_equal(err.code, "duplicate_key");
    assert_string_equal(err.field, cases[i].key);
    assert_null(root);
  }
}

/* EVIDENCE: SPEC L; DESIGN.md API conventions — a body is an object */
static void jsonx_parse_rejects_a_body_that_is_not_an_object(void **state) {
  (void)state;
  /* Each of these is well-formed JSON (RFC 8259 allows any value at the top), so the error
   * is that the body is not an object, not that it is bad JSON. */
  static const char *const bodies[] = {"[]", "[1,2]", " [ {} ] ", "42", "\"x\"", "null", "true"};
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
    assert_parse_fails(bodies[i], strlen(bodies[i]), "body_not_object");
}

/* EVIDENCE: SPEC L; DESIGN.md API conventions — 400 bad JSON */
static void jsonx_parse_rejects_malformed_json(void **state) {
  (void)state;
  static const char *const bodies[] = {
      "",
      "{",
      "{\"a\":}",
      "{} x",
      "{'a':1}",
      "{\"a\":1,}",
      "{a:1}",
      "{\"a\":01}",
      "{\"a\":NaN}",
      "{\"a\":\"\\q\"}",
      "{\"a\":\"\\ud800\"}",
      "{}{}",
  };
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
    assert_parse_fails(bodies[i], strlen(bodies[i]), "invalid_json");
}

/* EVIDENCE: SPEC L — a NUL would silently cut the text short; the parser lets it through so
 * that the field decoder can refuse it naming the field ("bad input gets a clear error
 * naming the field"). */
static void jsonx_decode_refuses_a_nul_escape_naming_the_field(void **state) {
  (void)state;
  const char *text = "{\"name\":\"a\\u0000b\"}";
  json_t *root = NULL;
  struct sh_error err;
  assert_int_equal(jsonx_parse(text, strlen(text), &root, &err), SH_OK);
  struct person p = {0};
  assert_int_equal(jsonx_decode(root, person_fields, NFIELDS, &p, NULL, NULL, &err),
                   SH_ERR_MALFORMED);
  assert_string_equal(err.code, "invalid_utf8");
  assert_string_equal(err.field, "name");
  assert_null(p.name);
  /* jsonx_text refuses it too, for strings read without a table. */
  assert_null(jsonx_text(json_object_get(root, "name")));
  json_decref(root);
}

/* EVIDENCE: SPEC L — control characters hide text and corrupt logs; a multiline field may
 * hold line breaks and tabs, nothing else below U+0020. */
static void jsonx_decode_refuses_control_characters_except_in_multiline_text(void **state) {
  (void)state;
  static const struct jfield fields[] = {
      {"name", JF_STRING, 0, 0, 50, offsetof(struct person, name)},
      {"note", JF_STRING, JF_MULTILINE, 0, 50, offsetof(struct person, note)},
  };
  const char *bell = "{\"name\":\"a\\u0007b\"}";
  const char *lines = "{\"note\":\"a\\nb\\tc\"}";
  const char *escape = "{\"note\":\"a\\u001bb\"}";
  json_t *root = NULL;
  struct sh_error err;
  struct person p = {0};
  assert_int_equal(jsonx_parse(bell, strlen(bell), &root, &err), SH_OK);
  assert_int_equal(jsonx_decode(root, fields, 2, &p, NULL, NULL, &err), SH_ERR_INVALID);
  assert_string_equal(err.code, "invalid_character");
  assert_string_equal(err.field, "name");
  json_decref(root);
  assert_int_equal(jsonx_parse(lines, strlen(lines), &root, &err), SH_OK);
  assert_int_equal(jsonx_decode(root, fields, 2, &p, NULL, NULL, &err), SH_OK);
  assert_string_equal(p.note, "a\nb\tc");
  jsonx_free(fields, 2, &p);
  json_decref(root);
  assert_int_equal(jsonx_parse(escape, strlen(escape), &root, &err), SH_OK);
  assert_int_equal(jsonx_decode(root, fields, 2, &p, NULL, NULL, &err), SH_ERR_INVALID);
  assert_string_equal(err.field, "note");
  json_decref(root);
}

/* --- jsonx_decode --- */

static void jsonx_decode_fills_every_type_of_field(void **state) {
  (void)state;
  struct person p;
  struct sh_error err;
  const char *text = "{\"name\":\"张三\",\"age\":30,\"vip\":true,\"born\":\"2024-02-29\","
                     "\"contacts\":[{\"phone\":\"1\"}],\"note\":null,\"code\":\"ab\","
                     "\"big\":-9223372036854775808}";
  assert_int_equal(decode_person(text, &p, NULL, &err), SH_OK);
  assert_string_equal(p.name, "张三");
  assert_int_equal(p.age, 30);
  assert_true(p.vip);
  assert_string_equal(p.born, "2024-02-29");
  assert_true(json_is_array(p.contacts));
  assert_int_equal(json_array_size(p.contacts), 1);
  assert_int_equal(p.contacts->refcount, 1); /* the root is gone; ours is the only reference */
  assert_null(p.note);
  assert_string_equal(p.code, "ab");
  assert_true(p.big == INT64_MIN);
  jsonx_free(person_fields, NFIELDS, &p);
  assert_null(p.name);
  assert_null(p.born);
  assert_null(p.contacts);
  assert_null(p.code);
}

/* EVIDENCE: SPEC L; DESIGN.md API conventions — 400 unknown key */
static void jsonx_decode_refuses_an_unknown_field_by_name(void **state) {
  (void)state;
  assert_decode_fails("{\"name\":\"x\",\"colour\":\"red\"}", SH_ERR_MALFORMED, "unknown_field",
                      "colour");
  assert_decode_fails("{\"colour\":\"red\",\"name\":\"x\"}", SH_ERR_MALFORMED, "unknown_field",
                      "colour");
  assert_decode_fails("{\"name\":\"x\",\"颜色\":1}", SH_ERR_MALFORMED, "unknown_field", "颜色");
  assert_decode_fails("{\"name\":\"x\",\"Name\":\"y\"}", SH_ERR_MALFORMED, "unknown_field",
                      "Name"); /* names are case-sensitive */
  assert_int_equal(sh_http_status(SH_ERR_MALFORMED), 400);
}

/* EVIDENCE: SPEC L; DESIGN.md API conventions — 400 wrong type */
static void jsonx_decode_refuses_a_value_of_the_wrong_type(void **state) {
  (void)state;
  static const struct {
    const char *text, *field;
  } cases[] = {
      {"{\"name\":5}", "name"},
      {"{\"name\":[\"x\"]}", "name"},
      {"{\"name\":\"x\",\"age\":\"5\"}", "age"},
      {"{\"name\":\"x\",\"age\":1.5}", "age"},
      {"{\"name\":\"x\",\"age\":30.0}", "age"},
      {"{\"name\":\"x\",\"age\":true}", "age"},
      {"{\"name\":\"x\",\"vip\":1}", "vip"},
      {"{\"name\":\"x\",\"vip\":\"true\"}", "vip"},
      {"{\"name\":\"x\",\"born\":20240229}", "born"},
      {"{\"name\":\"x\",\"contacts\":\"x\"}", "contacts"},
      {"{\"name\":\"x\",\"contacts\":5}", "contacts"},
      {"{\"name\":\"x\",\"note\":5}", "note"},
      {"{\"name\":\"x\",\"code\":{}}", "code"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_decode_fails(cases[i].text, SH_ERR_MALFORMED, "wrong_type", cases[i].field);
}

/* A field that is neither required nor nullable does not take null: null is not its type. */
/* EVIDENCE: SPEC L */
static void jsonx_decode_refuses_null_for_a_field_that_is_not_nullable(void **state) {
  (void)state;
  assert_decode_fails("{\"name\":\"x\",\"age\":null}", SH_ERR_MALFORMED, "wrong_type", "age");
  assert_decode_fails("{\"name\":\"x\",\"code\":null}", SH_ERR_MALFORMED, "wrong_type", "code");
}

/* EVIDENCE: SPEC L; DESIGN.md API conventions — 422 names the field */
static void jsonx_decode_requires_a_required_field_on_creation(void **state) {
  (void)state;
  assert_decode_fails("{}", SH_ERR_INVALID, "field_required", "name");
  assert_decode_fails("{\"age\":3}", SH_ERR_INVALID, "field_required", "name");
  assert_decode_fails("{\"name\":null}", SH_ERR_INVALID, "field_required", "name");
  assert_decode_fails("{\"name\":\"\"}", SH_ERR_INVALID, "field_required", "name");
  assert_int_equal(sh_http_status(SH_ERR_INVALID), 422);
}

/* Builds {"name": <n copies of unit>} in a static area. */
static const char *name_of(const char *unit, int n) {
  static char text[1024];
  size_t len = strlen(unit), at = 0;
  at += (size_t)snprintf(text, sizeof text, "{\"name\":\"");
  for (int i = 0; i < n; i++, at += len) {
    assert_true(at + len + 3 < sizeof text);
    memcpy(text + at, unit, len);
  }
  memcpy(text + at, "\"}", 3);
  return text;
}

/* EVIDENCE: SPEC L — lengths count characters as users count them */
static void jsonx_decode_measures_length_in_characters_not_bytes(void **state) {
  (void)state;
  struct person p;
  struct sh_error err;
  /* 100 Chinese characters are 300 bytes and fit a maximum of 100. */
  assert_int_equal(decode_person(name_of("修", 100), &p, NULL, &err), SH_OK);
  assert_int_equal(strlen(p.name), 300);
  jsonx_free(person_fields, NFIELDS, &p);
  assert_decode_fails(name_of("修", 101), SH_ERR_INVALID, "field_length", "name");
  assert_int_equal(decode_person(name_of("a", 100), &p, NULL, &err), SH_OK);
  jsonx_free(person_fields, NFIELDS, &p);
  assert_decode_fails(name_of("a", 101), SH_ERR_INVALID, "field_length", "name");
  /* An emoji is one character of four bytes. */
  assert_int_equal(decode_person(name_of("\xf0\x9f\x98\x80", 100), &p, NULL, &err), SH_OK);
  jsonx_free(person_fields, NFIELDS, &p);
}

/* EVIDENCE: SPEC L */
static void jsonx_decode_checks_both_ends_of_a_length_range(void **state) {
  (void)state;
  struct person p;
  struct sh_error err;
  assert_decode_fails("{\"name\":\"x\",\"code\":\"a\"}", SH_ERR_INVALID, "field_length", "code");
  assert_decode_fails("{\"name\":\"x\",\"code\":\"\"}", SH_ERR_INVALID, "field_length", "code");
  assert_decode_fails("{\"name\":\"x\",\"code\":\"abcde\"}", SH_ERR_INVALID, "field_length",
                      "code");
  assert_decode_fails("{\"name\":\"x\",\"code\":\"售后服务部\"}", SH_ERR_INVALID, "field_length",
                      "code");
  static const char *const fit[] = {
      "{\"name\":\"x\",\"code\":\"ab\"}", "{\"name\":\"x\",\"code\":\"abcd\"}",
      "{\"name\":\"x\",\"code\":\"售后服务\"}", "{\"name\":\"x\",\"note\":\"\"}",
      "{\"name\":\"x\",\"note\":\"一二三四五六七八九十\"}"};
  for (size_t i = 0; i < sizeof fit / sizeof fit[0]; i++) {
    assert_int_equal(decode_person(fit[i], &p, NULL, &err), SH_OK);
    jsonx_free(person_fields, NFIELDS, &p);
  }
  assert_decode_fails("{\"name\":\"x\",\"note\":\"一二三四五六七八九十零\"}", SH_ERR_INVALID,
                      "field_length", "note");
}

/* EVIDENCE: SPEC L */
static void jsonx_decode_refuses_an_integer_out_of_range(void **state) {
  (void)state;
  struct person p;
  struct sh_error err;
  assert_decode_fails("{\"name\":\"x\",\"age\":-1}", SH_ERR_INVALID, "out_of_range", "age");
  assert_decode_fails("{\"name\":\"x\",\"age\":151}", SH_ERR_INVALID, "out_of_range", "age");
  assert_int_equal(decode_person("{\"name\":\"x\",\"age\":0}", &p, NULL, &err), SH_OK);
  assert_int_equal(p.age, 0);
  jsonx_free(person_fields, NFIELDS, &p);
  assert_int_equal(decode_person("{\"name\":\"x\",\"age\":150}", &p, NULL, &err), SH_OK);
  assert_int_equal(p.age, 150);
  jsonx_free(person_fields, NFIELDS, &p);
  assert_int_equal(decode_person("{\"name\":\"x\",\"big\":9223372036854775807}", &p, NULL, &err),
                   SH_OK);
  assert_true(p.big == INT64_MAX);
  jsonx_free(person_fields, NFIELDS, &p);
}

/* EVIDENCE: SPEC L; DESIGN.md data conventions — dates YYYY-MM-DD */
static void jsonx_decode_refuses_an_impossible_date_as_invalid(void **state) {
  (void)state;
  static const char *const bad[] = {"2026-02-29", "2026-13-01", "2026-1-1", "", "2026-02-28Z"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char text[96];
    struct person p;
    struct sh_error err;
    snprintf(text, sizeof text, "{\"name\":\"x\",\"born\":\"%s\"}", bad[i]);
    assert_int_equal(decode_person(text, &p, NULL, &err), SH_ERR_INVALID);
    assert_string_equal(err.field, "born");
    assert_null(p.name);
  }
}

/* jansson can hold a string with a NUL (built in code, not parsed); decoding refuses it. */
/* EVIDENCE: SPEC L — a NUL would silently cut the text short */
static void jsonx_decode_refuses_a_string_holding_a_nul(void **state) {
  (void)state;
  json_t *root = json_object();
  json_object_set_new(root, "name", json_stringn("a\0b", 3));
  struct person p = {0};
  struct sh_error err;
  assert_int_equal(jsonx_decode(root, person_fields, NFIELDS, &p, NULL, NULL, &err),
                   SH_ERR_MALFORMED);
  assert_string_equal(err.field, "name");
  assert_null(p.name);
  json_decref(root);
}

/* Decodes the contacts of p the way api/customers.c does, each with its own prefix. */
static enum sh_status decode_contacts(json_t *contacts, struct sh_error *err) {
  size_t i;
  json_t *v;
  json_array_foreach(contacts, i, v) {
    char prefix[32];
    struct contact k = {0};
    snprintf(prefix, sizeof prefix, "contacts[%zu].", i);
    enum sh_status rc = jsonx_decode(v, contact_fields, 2, &k, NULL, prefix, err);
    if (rc != SH_OK)
      return rc;
    jsonx_free(contact_fields, 2, &k);
  }
  return SH_OK;
}

/* Decodes a person, then its contacts; returns the contacts' status. */
static enum sh_status decode_with_contacts(const char *text, struct sh_error *err) {
  struct person p;
  assert_int_equal(decode_person(text, &p, NULL, err), SH_OK);
  enum sh_status rc = decode_contacts(p.contacts, err);
  jsonx_free(person_fields, NFIELDS, &p);
  return rc;
}

/* EVIDENCE: SPEC L — the error names the field, nested ones with their path */
static void jsonx_decode_names_a_nested_field_with_its_path(void **state) {
  (void)state;
  struct sh_error err;
  assert_int_equal(decode_with_contacts("{\"name\":\"x\",\"contacts\":[{\"phone\":\"1\"},"
                                        "{\"phone\":\"2\"},{\"phone\":3}]}",
                                        &err),
                   SH_ERR_MALFORMED);
  assert_string_equal(err.code, "wrong_type");
  assert_string_equal(err.field, "contacts[2].phone");

  assert_int_equal(
      decode_with_contacts("{\"name\":\"x\",\"contacts\":[{\"phone\":\"1\"},{\"label\":\"家\"}]}",
                           &err),
      SH_ERR_INVALID);
  assert_string_equal(err.code, "field_required");
  assert_string_equal(err.field, "contacts[1].phone");

  assert_int_equal(
      decode_with_contacts("{\"name\":\"x\",\"contacts\":[{\"phone\":\"1\",\"fax\":\"2\"}]}", &err),
      SH_ERR_MALFORMED);
  assert_string_equal(err.code, "unknown_field");
  assert_string_equal(err.field, "contacts[0].fax");

  assert_int_equal(
      decode_with_contacts("{\"name\":\"x\",\"contacts\":[{\"phone\":\"1\"},\"2\"]}", &err),
      SH_ERR_MALFORMED);
  assert_string_equal(err.code, "wrong_type");
  assert_string_equal(err.field, "contacts[1]");

  assert_int_equal(decode_with_contacts("{\"name\":\"x\",\"contacts\":[{\"phone\":\"1\"},"
                                        "{\"phone\":\"123456789012345678901\"}]}",
                                        &err),
                   SH_ERR_INVALID);
  assert_string_equal(err.code, "field_length");
  assert_string_equal(err.field, "contacts[1].phone");
}

/* EVIDENCE: SPEC L — an update can tell "absent" from "cleared" */
static void jsonx_decode_marks_the_fields_present_in_an_update(void **state) {
  (void)state;
  struct person p;
  struct sh_error err;
  uint64_t present = ~(uint64_t)0;
  /* name is required on creation, but an update that leaves it out is fine. */
  assert_int_equal(decode_person("{\"age\":4,\"note\":null}", &p, &present, &err), SH_OK);
  assert_true(present == (BIT(AGE) | BIT(NOTE)));
  assert_int_equal(p.age, 4);
  assert_null(p.note);
  assert_null(p.name);
  jsonx_free(person_fields, NFIELDS, &p);

  present = ~(uint64_t)0;
  assert_int_equal(decode_person("{}", &p, &present, &err), SH_OK);
  assert_true(present == 0);

  assert_int_equal(decode_person("{\"big\":1,\"name\":\"y\",\"vip\":false}", &p, &present, &err),
                   SH_OK);
  assert_true(present == (BIT(NAME) | BIT(VIP) | BIT(BIG)));
  assert_false(p.vip);
  jsonx_free(person_fields, NFIELDS, &p);
}

/* An update still may not clear a required field. */
/* EVIDENCE: SPEC L */
static void jsonx_decode_refuses_to_clear_a_required_field_in_an_update(void **state) {
  (void)state;
  struct person p;
  struct sh_error err;
  uint64_t present = 77;
  assert_int_equal(decode_person("{\"name\":null}", &p, &present, &err), SH_ERR_INVALID);
  assert_string_equal(err.code, "field_required");
  assert_string_equal(err.field, "name");
  assert_int_equal(present, 77); /* outputs are untouched on failure */
  assert_int_equal(decode_person("{\"name\":\"\"}", &p, &present, &err), SH_ERR_INVALID);
  assert_int_equal(present, 77);
}

/* EVIDENCE: STYLE.md 7 — nothing is half-decoded, nothing leaks */
static void jsonx_decode_leaves_nothing_behind_when_it_fails(void **state) {
  (void)state;
  /* Every field before the bad one has been copied by then (jansson keeps key order). */
  json_t *root = object_of("{\"name\":\"x\",\"born\":\"2024-01-01\",\"contacts\":[1],"
                           "\"note\":\"n\",\"code\":\"abc\",\"age\":999}");
  json_t *contacts = json_object_get(root, "contacts");
  struct person p = {0};
  struct sh_error err;
  uint64_t present = 5;
  assert_int_equal(jsonx_decode(root, person_fields, NFIELDS, &p, &present, NULL, &err),
                   SH_ERR_INVALID);
  assert_string_equal(err.code, "out_of_range");
  assert_string_equal(err.field, "age");
  assert_null(p.name);
  assert_null(p.born);
  assert_null(p.contacts);
  assert_null(p.note);
  assert_null(p.code);
  assert_int_equal(present, 5);
  assert_int_equal(contacts->refcount, 1); /* only the root holds the array again */
  json_decref(root);
}

static void jsonx_decode_refuses_a_value_that_is_not_an_object(void **state) {
  (void)state;
  struct person p = {0};
  struct sh_error err;
  json_t *array = json_array();
  assert_int_equal(jsonx_decode(array, person_fields, NFIELDS, &p, NULL, NULL, &err),
                   SH_ERR_MALFORMED);
  assert_string_equal(err.code, "wrong_type");
  assert_string_equal(err.field, "");
  assert_int_equal(jsonx_decode(array, person_fields, NFIELDS, &p, NULL, "contacts[4].", &err),
                   SH_ERR_MALFORMED);
  assert_string_equal(err.field, "contacts[4]");
  json_decref(array);
}

/* --- building responses --- */

static void jsonx_setters_build_a_compact_response(void **state) {
  (void)state;
  json_t *obj = json_object();
  assert_true(jsonx_set_str(obj, "name", "售后"));
  assert_true(jsonx_set_str(obj, "note", NULL));
  assert_true(jsonx_set_int(obj, "id", 9007199254740991)); /* 2^53 - 1 */
  assert_true(jsonx_set_bool(obj, "vip", true));
  assert_true(jsonx_set_time(obj, "at", 1795867337, 480));
  assert_true(jsonx_set_time(obj, "closed_at", 0, 480));
  char *text = jsonx_dump(obj);
  assert_non_null(text);
  assert_string_equal(text, "{\"name\":\"售后\",\"note\":null,\"id\":9007199254740991,"
                            "\"vip\":true,\"at\":\"2026-11-28T20:02:17+08:00\","
                            "\"closed_at\":null}");
  free(text);
  json_decref(obj);
}

/* EVIDENCE: DESIGN.md pitfall — json_string returns NULL on invalid UTF-8 */
static void jsonx_set_str_refuses_invalid_utf8(void **state) {
  (void)state;
  json_t *obj = json_object();
  assert_false(jsonx_set_str(obj, "name", "\xff"));
  assert_false(jsonx_set_str(obj, "name", "\xed\xa0\x80"));
  assert_int_equal(json_object_size(obj), 0);
  json_decref(obj);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(jsonx_parse_accepts_an_object),
      cmocka_unit_test(jsonx_parse_rejects_invalid_utf8),
      cmocka_unit_test(jsonx_parse_names_the_duplicate_key),
      cmocka_unit_test(jsonx_parse_rejects_a_body_that_is_not_an_object),
      cmocka_unit_test(jsonx_parse_rejects_malformed_json),
      cmocka_unit_test(jsonx_decode_refuses_a_nul_escape_naming_the_field),
      cmocka_unit_test(jsonx_decode_refuses_control_characters_except_in_multiline_text),
      cmocka_unit_test(jsonx_decode_fills_every_type_of_field),
      cmocka_unit_test(jsonx_decode_refuses_an_unknown_field_by_name),
      cmocka_unit_test(jsonx_decode_refuses_a_value_of_the_wrong_type),
      cmocka_unit_test(jsonx_decode_refuses_null_for_a_field_that_is_not_nullable),
      cmocka_unit_test(jsonx_decode_requires_a_required_field_on_creation),
      cmocka_unit_test(jsonx_decode_measures_length_in_characters_not_bytes),
      cmocka_unit_test(jsonx_decode_checks_both_ends_of_a_length_range),
      cmocka_unit_test(jsonx_decode_refuses_an_integer_out_of_range),
      cmocka_unit_test(jsonx_decode_refuses_an_impossible_date_as_invalid),
      cmocka_unit_test(jsonx_decode_refuses_a_string_holding_a_nul),
      cmocka_unit_test(jsonx_decode_names_a_nested_field_with_its_path),
      cmocka_unit_test(jsonx_decode_marks_the_fields_present_in_an_update),
      cmocka_unit_test(jsonx_decode_refuses_to_clear_a_required_field_in_an_update),
      cmocka_unit_test(jsonx_decode_leaves_nothing_behind_when_it_fails),
      cmocka_unit_test(jsonx_decode_refuses_a_value_that_is_not_an_object),
      cmocka_unit_test(jsonx_setters_build_a_compact_response),
      cmocka_unit_test(jsonx_set_str_refuses_invalid_utf8),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
