/* test_multipart.c — src/base/multipart.c: multipart/form-data uploads of photos and
 * documents (RFC 7578, RFC 2046), the safe file name made of what a browser sent, and the
 * real type of a file by its first bytes.
 *
 * The refusals are a table, data/multipart_refuse.cases (status, code, Content-Type, body,
 * one case a line), and so are the file names, data/multipart_safe_filename.cases; the
 * bodies a browser sends, the limits and the cases found by fuzzing
 * (tests/fuzz/fuzz_multipart.c) are functions here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/base/multipart.h"

/* ---- Reading the case tables ---- */

/* Reads the double-quoted string at *p (escapes \" \\ \t \r \n \xHH) into out; returns its
 * length and moves *p past it. */
static size_t read_quoted(const char **p, char *out, size_t max, const char *table, int lineno) {
  const char *s = *p;
  size_t n = 0;
  if (*s++ != '"')
    fail_msg("%s line %d: expected a quoted string at \"%s\"", table, lineno, *p);
  while (*s != '"') {
    char c = *s++;
    if (c == '\0')
      fail_msg("%s line %d: unterminated string", table, lineno);
    if (c == '\\') {
      c = *s++;
      if (c == 'n')
        c = '\n';
      else if (c == 'r')
        c = '\r';
      else if (c == 't')
        c = '\t';
      else if (c == 'x') {
        unsigned byte;
        if (sscanf(s, "%2x", &byte) != 1)
          fail_msg("%s line %d: bad \\x escape", table, lineno);
        c = (char)byte;
        s += 2;
      } else if (c != '"' && c != '\\') {
        fail_msg("%s line %d: unknown escape \\%c", table, lineno, c);
      }
    }
    assert_true(n < max);
    out[n++] = c;
  }
  out[n] = '\0';
  *p = s + 1;
  return n;
}

static const char *skip_blanks(const char *p) {
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* Reads the next blank-separated word at *p into out. */
static void read_word(const char **p, char *out, size_t max) {
  const char *s = skip_blanks(*p);
  size_t n = strcspn(s, " \t\r\n");
  assert_true(n > 0 && n < max);
  memcpy(out, s, n);
  out[n] = '\0';
  *p = skip_blanks(s + n);
}

/* Opens a table and returns the next line that is not blank or a comment, NULL at the end
 * (the file is then closed). */
static const char *next_case(FILE **f, const char *path, char *line, size_t size, int *lineno) {
  if (!*f) {
    *f = fopen(path, "r");
    if (!*f)
      fail_msg("cannot open %s (tests run in tests/unit)", path);
  }
  while (fgets(line, (int)size, *f)) {
    ++*lineno;
    const char *s = skip_blanks(line);
    if (*s != '#' && *s != '\n' && *s != '\r' && *s != '\0')
      return s;
  }
  fclose(*f);
  *f = NULL;
  return NULL;
}

static enum sh_status status_named(const char *name) {
  for (int s = SH_OK; s <= SH_ERR_INTERNAL; s++)
    if (strcmp(sh_strerror((enum sh_status)s), name) == 0)
      return (enum sh_status)s;
  fail_msg("unknown status %s", name);
  return SH_ERR_INTERNAL;
}

/* ---- Helpers ---- */

static struct multipart_form form; /* big: kept off the test's stack */

/* Parses and fails the test, naming the error, if the body is refused. */
static void parse_ok(const char *content_type, const char *body, size_t len) {
  struct sh_error err;
  memset(&form, 0, sizeof form);
  if (multipart_parse(content_type, body, len, &form, &err) != SH_OK)
    fail_msg("refused: %s field [%s] %s", err.code, err.field, err.detail);
}

/* Parses, expects a refusal with status and code, and checks that the form is untouched. */
static struct sh_error parse_refused(const char *content_type, const char *body, size_t len,
                                     enum sh_status status, const char *code) {
  static struct multipart_form before;
  struct sh_error err;
  memset(&form, 0xA5, sizeof form);
  memcpy(&before, &form, sizeof form);
  enum sh_status rc = multipart_parse(content_type, body, len, &form, &err);
  if (rc != status || strcmp(err.code, code) != 0)
    fail_msg("expected %s %s, got %s %s (field [%s] %s)", sh_strerror(status), code,
             sh_strerror(rc), err.code, err.field, err.detail);
  assert_memory_equal(&form, &before, sizeof form);
  return err;
}

/* A body literal's length: bodies hold NULs, so not strlen. */
#define BODY(literal) literal, sizeof literal - 1

/* True if data[0..len) lies inside body[0..body_len). */
static bool inside(const unsigned char *data, size_t len, const char *body, size_t body_len) {
  return (const char *)data >= body && (const char *)data + len <= body + body_len;
}

#define CHROME "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"

/* ---- Bodies that are read ---- */

static void multipart_reads_a_photo_with_a_chinese_filename(void **state) {
  (void)state;
  /* As Chrome sends it: the file name raw UTF-8 in quotes, then the JPEG's first bytes. */
  static const char body[] = "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
                             "Content-Disposition: form-data; name=\"photo\"; "
                             "filename=\"现场照片.jpg\"\r\n"
                             "Content-Type: image/jpeg\r\n"
                             "\r\n"
                             "\xff\xd8\xff\xe0\x00\x10JFIF\x00"
                             "\r\n"
                             "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";
  parse_ok(CHROME, BODY(body));
  assert_int_equal(form.count, 1);
  const struct multipart_part *p = &form.parts[0];
  assert_string_equal(p->name, "photo");
  assert_true(p->has_filename);
  assert_string_equal(p->filename, "现场照片.jpg");
  assert_string_equal(p->content_type, "image/jpeg");
  assert_int_equal(p->len, 11);
  assert_memory_equal(p->data, "\xff\xd8\xff\xe0\x00\x10JFIF\x00", 11);
  /* the data is the body's own bytes, not a copy: before it end CRLF and the close
   * delimiter line, 2 + 6 dashes + 33 + 2 + 2 bytes */
  assert_ptr_equal(p->data, (const unsigned char *)body + sizeof body - 1 - 11 - 2 - 43);
  assert_string_equal(multipart_sniff_type(p->data, p->len), "image/jpeg");
  assert_ptr_equal(multipart_find(&form, "photo"), p);
  assert_null(multipart_find(&form, "note"));
}

static void multipart_prefers_filename_star_over_filename(void **state) {
  (void)state;
  /* 照 is U+7167 = E7 85 A7 and 片 U+7247 = E7 89 87 in UTF-8; é in ISO-8859-1 is E9. */
  static const char body[] =
      "--B\r\n"
      "Content-Disposition: form-data; name=\"photo\"; filename=\"photo.jpg\"; "
      "filename*=UTF-8''%E7%85%a7%E7%89%87.jpg\r\n"
      "\r\n"
      "x\r\n"
      "--B\r\n"
      "content-disposition: FORM-DATA; filename*=iso-8859-1'fr'caf%E9.txt; NAME=doc\r\n"
      "\r\n"
      "y\r\n"
      "--B--\r\n";
  parse_ok("multipart/form-data; boundary=B", BODY(body));
  assert_int_equal(form.count, 2);
  assert_string_equal(form.parts[0].filename, "照片.jpg");
  assert_string_equal(form.parts[1].name, "doc");
  assert_string_equal(form.parts[1].filename, "caf\xc3\xa9.txt");
  assert_true(form.parts[1].has_filename);
}

static void multipart_reads_a_text_field_and_a_file(void **state) {
  (void)state;
  static const char body[] =
      "--AaB03x\r\n"
      "Content-Disposition: form-data; name=\"note\"\r\n"
      "\r\n"
      "压缩机异响\r\n"
      "--AaB03x\r\n"
      "Content-Disposition: form-data; name=\"doc\"; filename=\"单据.pdf\"\r\n"
      "Content-Type:application/pdf  \r\n"
      "Content-Transfer-Encoding: binary\r\n"
      "X-Ignored: yes\r\n"
      "\r\n"
      "%PDF-1.7\r\n"
      "--AaB03x\r\n"
      "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
      "Content-Type: application/octet-stream\r\n"
      "\r\n"
      "\r\n"
      "--AaB03x--";
  parse_ok("multipart/form-data; boundary=AaB03x", BODY(body));
  assert_int_equal(form.count, 3);
  assert_string_equal(form.parts[0].name, "note");
  assert_false(form.parts[0].has_filename);
  assert_string_equal(form.parts[0].filename, "");
  assert_string_equal(form.parts[0].content_type, ""); /* none sent: text/plain by RFC 7578 */
  assert_int_equal(form.parts[0].len, strlen("压缩机异响"));
  assert_memory_equal(form.parts[0].data, "压缩机异响", strlen("压缩机异响"));
  assert_string_equal(form.parts[1].filename, "单据.pdf");
  assert_string_equal(form.parts[1].content_type, "application/pdf");
  assert_int_equal(form.parts[1].len, 8);
  assert_string_equal(multipart_sniff_type(form.parts[1].data, form.parts[1].len),
                      "application/pdf");
  /* a browser's "no file chosen": an empty file name and no data */
  assert_true(form.parts[2].has_filename);
  assert_string_equal(form.parts[2].filename, "");
  assert_int_equal(form.parts[2].len, 0);
  assert_ptr_equal(multipart_find(&form, "doc"), &form.parts[1]);
}

static void multipart_keeps_binary_data_with_crlf_and_dashes_inside(void **state) {
  (void)state;
  /* Line breaks, dashes, NULs, a lower-case boundary and a shorter one are all data. */
  static const char data[] = "\x00\x01\r\n--\r\n----\r\n-- BOUNDARY\r\n\r\n--BOUNDAR\r\n"
                             "--boundary\r\n\xff\x00\r\n\r\n";
  static const char body[] = "--BOUNDARY\r\n"
                             "Content-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n"
                             "\r\n"
                             "\x00\x01\r\n--\r\n----\r\n-- BOUNDARY\r\n\r\n--BOUNDAR\r\n"
                             "--boundary\r\n\xff\x00\r\n\r\n"
                             "\r\n--BOUNDARY--\r\n";
  parse_ok("multipart/form-data; boundary=BOUNDARY", BODY(body));
  assert_int_equal(form.count, 1);
  assert_int_equal(form.parts[0].len, sizeof data - 1);
  assert_memory_equal(form.parts[0].data, data, sizeof data - 1);
  assert_true(inside(form.parts[0].data, form.parts[0].len, body, sizeof body - 1));
}

static void multipart_reads_a_boundary_prefix_inside_data_as_data(void **state) {
  (void)state;
  /* "--XyZ" at the start of a line but followed by something other than "--", blanks and
   * CRLF, or "--" then CRLF, is not a delimiter (RFC 2046 5.1.1). */
  static const char data[] = "line1\r\n--XyZ0 not a delimiter\r\n--XyZ-x\r\n--XyZ--more\r\n"
                             "--XyZ\tx\r\n--XyZ--\n--XyZ end";
  static const char body[] = "--XyZ\r\n"
                             "Content-Disposition: form-data; name=\"f\"\r\n"
                             "\r\n"
                             "line1\r\n--XyZ0 not a delimiter\r\n--XyZ-x\r\n--XyZ--more\r\n"
                             "--XyZ\tx\r\n--XyZ--\n--XyZ end"
                             "\r\n--XyZ--\r\n";
  parse_ok("multipart/form-data; boundary=XyZ", BODY(body));
  assert_int_equal(form.count, 1);
  assert_int_equal(form.parts[0].len, sizeof data - 1);
  assert_memory_equal(form.parts[0].data, data, sizeof data - 1);
}

static void multipart_ignores_preamble_padding_and_epilogue(void **state) {
  (void)state;
  static const char body[] = "This is the preamble. --B is not here.\r\n"
                             "x--B\r\n"
                             "--B \t\r\n"
                             "Content-Disposition: form-data; name=\"a\"\r\n"
                             "\r\n"
                             "A\r\n"
                             "--B-- \r\n"
                             "epilogue\r\n--B\r\nContent-Disposition: form-data; name=\"b\"\r\n";
  parse_ok("multipart/form-data; boundary=B", BODY(body));
  assert_int_equal(form.count, 1);
  assert_int_equal(form.parts[0].len, 1);
  assert_memory_equal(form.parts[0].data, "A", 1);
}

static void multipart_reads_quoted_boundaries_and_media_type_in_any_case(void **state) {
  (void)state;
  static const char body[] = "--a:b=c?'()+_,./ d\r\n"
                             "Content-Disposition: form-data; name=\"a\"\r\n"
                             "\r\n"
                             "A\r\n"
                             "--a:b=c?'()+_,./ d--";
  parse_ok(" Multipart/Form-Data ; charset=\"utf-8\" ; BOUNDARY = \"a:b=c?'()+_,./ d\";",
           BODY(body));
  assert_int_equal(form.count, 1);
  assert_int_equal(form.parts[0].len, 1);
}

static void multipart_unescapes_only_quote_and_backslash_in_quoted_strings(void **state) {
  (void)state;
  /* \" and \\ are escapes; the backslashes of a Windows path are not (old browsers sent the
   * full path unescaped), so C:\x\照片.jpg arrives whole. */
  static const char body[] = "--B\r\n"
                             "Content-Disposition: form-data; name=\"a\\\"b\"; "
                             "filename=\"C:\\x\\照片.jpg\"\r\n"
                             "\r\n"
                             "x\r\n"
                             "--B\r\n"
                             "Content-Disposition: form-data; name=\"c;d\"; filename=\"a\\\\b\"\r\n"
                             "\r\n"
                             "y\r\n"
                             "--B--\r\n";
  parse_ok("multipart/form-data; boundary=B", BODY(body));
  assert_int_equal(form.count, 2);
  assert_string_equal(form.parts[0].name, "a\"b");
  assert_string_equal(form.parts[0].filename, "C:\\x\\照片.jpg");
  assert_string_equal(form.parts[1].name, "c;d");
  assert_string_equal(form.parts[1].filename, "a\\b");
  char safe[64];
  multipart_safe_filename(form.parts[0].filename, safe, sizeof safe);
  assert_string_equal(safe, "照片.jpg");
}

static void multipart_reads_a_form_without_fields(void **state) {
  (void)state;
  parse_ok("multipart/form-data; boundary=B", BODY("--B--\r\n"));
  assert_int_equal(form.count, 0);
  parse_ok("multipart/form-data; boundary=B", BODY("preamble\r\n--B--"));
  assert_int_equal(form.count, 0);
}

/* ---- Refusals ---- */

static void multipart_refuses_every_case_of_the_table(void **state) {
  (void)state;
  const char *table = "data/multipart_refuse.cases";
  FILE *f = NULL;
  char line[4096], status[32], code[48], content_type[512], body[2048];
  int lineno = 0, cases = 0;
  const char *p;
  while ((p = next_case(&f, table, line, sizeof line, &lineno))) {
    read_word(&p, status, sizeof status);
    read_word(&p, code, sizeof code);
    bool null_type = strncmp(p, "null", 4) == 0;
    if (null_type)
      p += 4;
    else
      read_quoted(&p, content_type, sizeof content_type - 1, table, lineno);
    p = skip_blanks(p);
    size_t len = read_quoted(&p, body, sizeof body - 1, table, lineno);
    struct sh_error err;
    memset(&form, 0xA5, sizeof form);
    struct multipart_form before;
    memcpy(&before, &form, sizeof form);
    enum sh_status rc = multipart_parse(null_type ? NULL : content_type, body, len, &form, &err);
    if (rc != status_named(status) || strcmp(err.code, code) != 0)
      fail_msg("%s line %d: expected %s %s, got %s %s (field [%s] %s)", table, lineno, status, code,
               sh_strerror(rc), err.code, err.field, err.detail);
    if (memcmp(&form, &before, sizeof form) != 0)
      fail_msg("%s line %d: the form was changed", table, lineno);
    cases++;
  }
  assert_true(cases >= 70);
}

static void multipart_names_the_field_and_part_of_an_error(void **state) {
  (void)state;
  static const char body[] =
      "--B\r\n"
      "Content-Disposition: form-data; name=\"note\"\r\n"
      "\r\n"
      "ok\r\n"
      "--B\r\n"
      "Content-Disposition: form-data; name=\"photo\"; filename=\"\xff.jpg\"\r\n"
      "\r\n"
      "x\r\n"
      "--B--\r\n";
  struct sh_error err = parse_refused("multipart/form-data; boundary=B", BODY(body),
                                      SH_ERR_MALFORMED, "invalid_utf8");
  assert_string_equal(err.field, "photo");
  assert_string_equal(err.detail, "part 2");
  assert_int_equal(err.status, SH_ERR_MALFORMED);
}

static void multipart_accepts_a_70_character_boundary_and_refuses_71(void **state) {
  (void)state;
  char boundary[72], content_type[128], body[256];
  memset(boundary, 'b', 70);
  boundary[70] = '\0';
  snprintf(content_type, sizeof content_type, "multipart/form-data; boundary=%s", boundary);
  int len = snprintf(body, sizeof body,
                     "--%s\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nA\r\n--%s--\r\n",
                     boundary, boundary);
  parse_ok(content_type, body, (size_t)len);
  assert_int_equal(form.count, 1);
  snprintf(content_type, sizeof content_type, "multipart/form-data; boundary=%sb", boundary);
  parse_refused(content_type, body, (size_t)len, SH_ERR_MALFORMED, "bad_boundary");
}

/* Appends n parts named f1..fn to body and the close delimiter; returns the length. */
static size_t body_of_parts(char *body, size_t size, int n) {
  size_t len = 0;
  for (int i = 1; i <= n; i++)
    len +=
        (size_t)snprintf(body + len, size - len,
                         "--B\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n%d\r\n", i, i);
  len += (size_t)snprintf(body + len, size - len, "--B--\r\n");
  assert_true(len < size);
  return len;
}

static void multipart_reads_8_parts_and_refuses_9(void **state) {
  (void)state;
  char body[2048];
  size_t len = body_of_parts(body, sizeof body, MULTIPART_MAX_PARTS);
  parse_ok("multipart/form-data; boundary=B", body, len);
  assert_int_equal(form.count, 8);
  assert_string_equal(form.parts[7].name, "f8");
  assert_memory_equal(form.parts[7].data, "8", 1);
  len = body_of_parts(body, sizeof body, MULTIPART_MAX_PARTS + 1);
  struct sh_error err = parse_refused("multipart/form-data; boundary=B", body, len,
                                      SH_ERR_TOO_LARGE, "too_many_parts");
  assert_string_equal(err.detail, "over 8");
}

/* A part whose header block (CRLFs and the empty line included) is total bytes long. The
 * Content-Disposition line is 42 bytes with its CRLF, "X-Pad: " 7, the pad's CRLF and the
 * empty line 4: 53 bytes and the pad. */
static size_t body_with_headers_of(char *body, size_t size, size_t total) {
  size_t pad = total - 53;
  size_t len = (size_t)snprintf(body, size,
                                "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n"
                                "X-Pad: ");
  assert_true(len + pad + 64 < size);
  memset(body + len, 'p', pad);
  len += pad;
  len += (size_t)snprintf(body + len, size - len, "\r\n\r\nDATA\r\n--B--\r\n");
  return len;
}

static void multipart_refuses_part_headers_over_4096_bytes(void **state) {
  (void)state;
  static char body[8192];
  size_t len = body_with_headers_of(body, sizeof body, MULTIPART_MAX_HEADER_BYTES);
  parse_ok("multipart/form-data; boundary=B", body, len);
  assert_int_equal(form.parts[0].len, 4);
  assert_memory_equal(form.parts[0].data, "DATA", 4);
  len = body_with_headers_of(body, sizeof body, MULTIPART_MAX_HEADER_BYTES + 1);
  struct sh_error err = parse_refused("multipart/form-data; boundary=B", body, len,
                                      SH_ERR_TOO_LARGE, "header_too_large");
  assert_string_equal(err.detail, "part 1");
  /* one endless header line and a body that goes on: too large, not cut off */
  memset(body, 'h', sizeof body);
  memcpy(body, "--B\r\nX-Long: ", 13);
  parse_refused("multipart/form-data; boundary=B", body, sizeof body, SH_ERR_TOO_LARGE,
                "header_too_large");
}

static void multipart_refuses_a_filename_over_1023_bytes(void **state) {
  (void)state;
  static char body[4096];
  for (int over = 0; over <= 1; over++) {
    size_t n = MULTIPART_MAX_FILENAME_BYTES + (size_t)over;
    size_t len = (size_t)snprintf(body, sizeof body,
                                  "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"");
    memset(body + len, 'a', n);
    len += n;
    len += (size_t)snprintf(body + len, sizeof body - len, "\"\r\n\r\nx\r\n--B--\r\n");
    if (!over) {
      parse_ok("multipart/form-data; boundary=B", body, len);
      assert_int_equal(strlen(form.parts[0].filename), MULTIPART_MAX_FILENAME_BYTES);
    } else {
      struct sh_error err = parse_refused("multipart/form-data; boundary=B", body, len,
                                          SH_ERR_INVALID, "filename_too_long");
      assert_string_equal(err.field, "f");
    }
  }
}

static void multipart_refuses_a_filename_star_over_1023_bytes(void **state) {
  (void)state;
  /* 图 is E5 9B BE: 341 of them decode to 1023 bytes, 342 to 1026. */
  static char body[4096];
  for (int over = 0; over <= 1; over++) {
    size_t len = (size_t)snprintf(
        body, sizeof body, "--B\r\nContent-Disposition: form-data; name=f; filename*=UTF-8''");
    for (int i = 0; i < 341 + over; i++)
      len += (size_t)snprintf(body + len, sizeof body - len, "%%E5%%9B%%BE");
    len += (size_t)snprintf(body + len, sizeof body - len, "\r\n\r\nx\r\n--B--\r\n");
    assert_true(len < sizeof body - 1);
    if (!over) {
      parse_ok("multipart/form-data; boundary=B", body, len);
      assert_int_equal(strlen(form.parts[0].filename), 1023);
    } else {
      parse_refused("multipart/form-data; boundary=B", body, len, SH_ERR_INVALID,
                    "filename_too_long");
    }
  }
}

static void multipart_refuses_a_name_over_127_bytes(void **state) {
  (void)state;
  char body[512], name[129];
  memset(name, 'n', 128);
  name[128] = '\0';
  int len =
      snprintf(body, sizeof body,
               "--B\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\nx\r\n--B--\r\n", name);
  parse_refused("multipart/form-data; boundary=B", body, (size_t)len, SH_ERR_MALFORMED,
                "bad_content_disposition");
  name[127] = '\0';
  len = snprintf(body, sizeof body,
                 "--B\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\nx\r\n--B--\r\n", name);
  parse_ok("multipart/form-data; boundary=B", body, (size_t)len);
  assert_string_equal(form.parts[0].name, name);
}

static void multipart_refuses_a_null_body_as_missing_boundary(void **state) {
  (void)state;
  parse_refused("multipart/form-data; boundary=B", NULL, 10, SH_ERR_MALFORMED, "missing_boundary");
}

/* ---- Safe file names ---- */

static void multipart_safe_filename_gives_every_name_of_the_table(void **state) {
  (void)state;
  const char *table = "data/multipart_safe_filename.cases";
  FILE *f = NULL;
  char line[1024], word[16], input[512], expected[512], out[512];
  int lineno = 0, cases = 0;
  const char *p;
  while ((p = next_case(&f, table, line, sizeof line, &lineno))) {
    read_word(&p, word, sizeof word);
    size_t size = (size_t)strtoul(word, NULL, 10);
    assert_true(size > 0 && size <= sizeof out);
    read_quoted(&p, input, sizeof input - 1, table, lineno);
    p = skip_blanks(p);
    size_t expected_len = read_quoted(&p, expected, sizeof expected - 1, table, lineno);
    memset(out, 'Z', sizeof out);
    size_t len = multipart_safe_filename(input, out, size);
    if (len != expected_len || strcmp(out, expected) != 0)
      fail_msg("%s line %d: expected \"%s\" (%zu), got \"%s\" (%zu)", table, lineno, expected,
               expected_len, out, len);
    assert_true(out[size] == 'Z'); /* nothing written past size */
    cases++;
  }
  assert_true(cases >= 40);
}

static void multipart_safe_filename_takes_null_and_size_zero(void **state) {
  (void)state;
  char out[8] = "xxxxxxx";
  assert_int_equal(multipart_safe_filename(NULL, out, sizeof out), 4);
  assert_string_equal(out, "file");
  out[0] = 'y';
  assert_int_equal(multipart_safe_filename("a.jpg", out, 0), 0);
  assert_int_equal(out[0], 'y');
}

static void multipart_safe_filename_cuts_a_long_chinese_name_keeping_the_extension(void **state) {
  (void)state;
  /* 100 characters of 3 bytes and ".jpeg": into 255 bytes + NUL, 250 bytes are left for the
   * stem, which hold 83 characters (249 bytes). */
  char name[400], out[256];
  size_t n = 0;
  for (int i = 0; i < 100; i++)
    n += (size_t)snprintf(name + n, sizeof name - n, "%s", "图");
  snprintf(name + n, sizeof name - n, ".jpeg");
  size_t len = multipart_safe_filename(name, out, sizeof out);
  assert_int_equal(len, 249 + 5);
  assert_memory_equal(out, name, 249);
  assert_string_equal(out + 249, ".jpeg");
}

/* ---- Sniffing ---- */

static void multipart_sniffs_the_four_accepted_types_by_magic_bytes(void **state) {
  (void)state;
  const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xDB};
  const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
  const unsigned char webp[] = "RIFF\x24\x00\x00\x00WEBPVP8 ";
  const unsigned char pdf[] = "%PDF-1.4\n";
  assert_string_equal(multipart_sniff_type(jpeg, sizeof jpeg), "image/jpeg");
  assert_string_equal(multipart_sniff_type(jpeg, 3), "image/jpeg");
  assert_string_equal(multipart_sniff_type(png, sizeof png), "image/png");
  assert_string_equal(multipart_sniff_type(png, 8), "image/png");
  assert_string_equal(multipart_sniff_type(webp, sizeof webp - 1), "image/webp");
  assert_string_equal(multipart_sniff_type(webp, 12), "image/webp");
  assert_string_equal(multipart_sniff_type(pdf, sizeof pdf - 1), "application/pdf");
}

static void multipart_sniffs_nothing_in_other_or_short_bytes(void **state) {
  (void)state;
  const unsigned char wav[] = "RIFF\x24\x00\x00\x00WAVEfmt ";
  const unsigned char gif[] = "GIF89a";
  const unsigned char html[] = "<html><img src=x onerror=alert(1)>";
  const unsigned char png_cut[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A};
  const unsigned char late_pdf[] = " %PDF-1.4";
  assert_null(multipart_sniff_type(wav, sizeof wav - 1));
  assert_null(multipart_sniff_type(gif, sizeof gif - 1));
  assert_null(multipart_sniff_type(html, sizeof html - 1));
  assert_null(multipart_sniff_type(png_cut, sizeof png_cut));
  assert_null(multipart_sniff_type((const unsigned char *)"\xff\xd8", 2));
  assert_null(multipart_sniff_type((const unsigned char *)"RIFF\0\0\0\0WEB", 11));
  assert_null(multipart_sniff_type((const unsigned char *)"%PDF", 4));
  assert_null(multipart_sniff_type(late_pdf, sizeof late_pdf - 1));
  assert_null(multipart_sniff_type(NULL, 10));
  assert_null(multipart_sniff_type(gif, 0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(multipart_reads_a_photo_with_a_chinese_filename),
      cmocka_unit_test(multipart_prefers_filename_star_over_filename),
      cmocka_unit_test(multipart_reads_a_text_field_and_a_file),
      cmocka_unit_test(multipart_keeps_binary_data_with_crlf_and_dashes_inside),
      cmocka_unit_test(multipart_reads_a_boundary_prefix_inside_data_as_data),
      cmocka_unit_test(multipart_ignores_preamble_padding_and_epilogue),
      cmocka_unit_test(multipart_reads_quoted_boundaries_and_media_type_in_any_case),
      cmocka_unit_test(multipart_unescapes_only_quote_and_backslash_in_quoted_strings),
      cmocka_unit_test(multipart_reads_a_form_without_fields),
      cmocka_unit_test(multipart_refuses_every_case_of_the_table),
      cmocka_unit_test(multipart_names_the_field_and_part_of_an_error),
      cmocka_unit_test(multipart_accepts_a_70_character_boundary_and_refuses_71),
      cmocka_unit_test(multipart_reads_8_parts_and_refuses_9),
      cmocka_unit_test(multipart_refuses_part_headers_over_4096_bytes),
      cmocka_unit_test(multipart_refuses_a_filename_over_1023_bytes),
      cmocka_unit_test(multipart_refuses_a_filename_star_over_1023_bytes),
      cmocka_unit_test(multipart_refuses_a_name_over_127_bytes),
      cmocka_unit_test(multipart_refuses_a_null_body_as_missing_boundary),
      cmocka_unit_test(multipart_safe_filename_gives_every_name_of_the_table),
      cmocka_unit_test(multipart_safe_filename_takes_null_and_size_zero),
      cmocka_unit_test(multipart_safe_filename_cuts_a_long_chinese_name_keeping_the_extension),
      cmocka_unit_test(multipart_sniffs_the_four_accepted_types_by_magic_bytes),
      cmocka_unit_test(multipart_sniffs_nothing_in_other_or_short_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
