/* multipart.c — multipart/form-data parsing, safe file names and type sniffing (see
 * multipart.h for the contract and what is refused).
 *
 * Design: one forward pass. The body is walked from delimiter to delimiter; a part's header
 * lines are looked for only inside the MULTIPART_MAX_HEADER_BYTES after its delimiter, and
 * the search for the next delimiter starts where the part's data starts, so no byte is
 * scanned twice except by the boundary comparison (at most 74 bytes per CR). The form is
 * built in a local and copied out only on success. */
#include "multipart.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* ---- Characters and small text helpers ---- */

/* RFC 7230 tchar: the characters of a token (header names, parameter names, bare values). */
static bool is_tchar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* RFC 2046 5.1.1 bchars: what a boundary may be made of. */
static bool is_bchar(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL);
}

/* RFC 5987 attr-char: what may stand unencoded in an ext-value. */
static bool is_attr_char(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c != '\0' && strchr("!#$&+-.^_`|~", c) != NULL);
}

static unsigned char ascii_lower(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* True if s[0..n) equals the lower-case word, ignoring ASCII case. */
static bool equals_word(const char *s, size_t n, const char *word) {
  if (strlen(word) != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (ascii_lower((unsigned char)s[i]) != (unsigned char)word[i])
      return false;
  return true;
}

static int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = ascii_lower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* ---- Header values: tokens, quoted strings, parameters ---- */

/* A position in a header value, which is not NUL-terminated. */
struct cursor {
  const char *p;
  const char *end;
};

static void skip_blanks(struct cursor *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
    c->p++;
}

/* Takes the token at the cursor; its length is 0 if there is none. */
static size_t take_token(struct cursor *c, const char **start) {
  *start = c->p;
  while (c->p < c->end && is_tchar((unsigned char)*c->p))
    c->p++;
  return (size_t)(c->p - *start);
}

enum value_result { VALUE_OK, VALUE_MALFORMED, VALUE_TOO_LONG };

/* Reads a parameter value, a token or a quoted string, into out[0..size) (NUL-terminated,
 * *len without the NUL). In a quoted string \" and \\ stand for " and \; any other
 * backslash is itself (see multipart.h). */
static enum value_result take_value(struct cursor *c, char *out, size_t size, size_t *len,
                                    bool *quoted) {
  size_t n = 0;
  *quoted = c->p < c->end && *c->p == '"';
  if (!*quoted) {
    const char *start;
    size_t token = take_token(c, &start);
    if (token == 0)
      return VALUE_MALFORMED;
    if (token >= size)
      return VALUE_TOO_LONG;
    memcpy(out, start, token);
    out[token] = '\0';
    *len = token;
    return VALUE_OK;
  }
  c->p++;
  for (;;) {
    if (c->p >= c->end)
      return VALUE_MALFORMED; /* the quote is never closed */
    char ch = *c->p++;
    if (ch == '"')
      break;
    if (ch == '\\' && c->p < c->end && (*c->p == '"' || *c->p == '\\'))
      ch = *c->p++;
    if (n + 1 >= size)
      return VALUE_TOO_LONG;
    out[n++] = ch;
  }
  out[n] = '\0';
  *len = n;
  return VALUE_OK;
}

enum param_result { PARAM_FOUND, PARAM_END, PARAM_MALFORMED, PARAM_TOO_LONG };

/* Reads the next "; attribute=value" (spaces allowed around ; and =, a trailing ; ignored).
 * *attribute and *attribute_len point into the header value. */
static enum param_result next_param(struct cursor *c, const char **attribute, size_t *attribute_len,
                                    char *value, size_t size, size_t *value_len, bool *quoted) {
  skip_blanks(c);
  if (c->p == c->end)
    return PARAM_END;
  if (*c->p != ';')
    return PARAM_MALFORMED;
  c->p++;
  skip_blanks(c);
  if (c->p == c->end)
    return PARAM_END;
  *attribute_len = take_token(c, attribute);
  if (*attribute_len == 0)
    return PARAM_MALFORMED;
  skip_blanks(c);
  if (c->p == c->end || *c->p != '=')
    return PARAM_MALFORMED;
  c->p++;
  skip_blanks(c);
  switch (take_value(c, value, size, value_len, quoted)) {
  case VALUE_OK:
    return PARAM_FOUND;
  case VALUE_TOO_LONG:
    return PARAM_TOO_LONG;
  case VALUE_MALFORMED:
    break;
  }
  return PARAM_MALFORMED;
}

/* Reads "type/subtype" at the cursor and tells whether it is the given lower-case pair. */
static bool media_type_is(struct cursor *c, const char *type, const char *subtype) {
  const char *start;
  size_t n = take_token(c, &start);
  if (!equals_word(start, n, type) || c->p == c->end || *c->p != '/')
    return false;
  c->p++;
  n = take_token(c, &start);
  return equals_word(start, n, subtype);
}

/* ---- The request's Content-Type and its boundary ---- */

static enum sh_status read_boundary(const char *content_type, char *boundary, size_t *blen,
                                    struct sh_error *err) {
  if (!content_type)
    return sh_fail(err, SH_ERR_MEDIA_TYPE, "not_multipart", NULL, NULL);
  struct cursor c = {content_type, content_type + strlen(content_type)};
  skip_blanks(&c);
  if (!media_type_is(&c, "multipart", "form-data"))
    return sh_fail(err, SH_ERR_MEDIA_TYPE, "not_multipart", NULL, NULL);
  bool found = false;
  for (;;) {
    const char *attribute;
    size_t attribute_len, len;
    bool quoted;
    char value[256]; /* room for any sane parameter; the boundary is checked below */
    enum param_result r =
        next_param(&c, &attribute, &attribute_len, value, sizeof value, &len, &quoted);
    if (r == PARAM_END)
      break;
    if (r != PARAM_FOUND)
      return sh_fail(err, SH_ERR_MALFORMED, "bad_boundary", NULL, "Content-Type parameters");
    if (!equals_word(attribute, attribute_len, "boundary"))
      continue; /* charset and the like mean nothing for form-data */
    if (len > MULTIPART_MAX_BOUNDARY_BYTES)
      return sh_fail(err, SH_ERR_MALFORMED, "bad_boundary", NULL, "over 70 characters");
    if (found)
      return sh_fail(err, SH_ERR_MALFORMED, "bad_boundary", NULL, "given twice");
    found = true;
    if (len == 0 || value[len - 1] == ' ')
      return sh_fail(err, SH_ERR_MALFORMED, "bad_boundary", NULL, "empty or ends in a space");
    for (size_t i = 0; i < len; i++)
      if (!is_bchar((unsigned char)value[i]))
        return sh_fail(err, SH_ERR_MALFORMED, "bad_boundary", NULL, "character not allowed");
    memcpy(boundary, value, len + 1);
    *blen = len;
  }
  if (!found)
    return sh_fail(err, SH_ERR_MALFORMED, "bad_boundary", NULL, "missing");
  return SH_OK;
}

/* ---- Delimiter lines ---- */

struct delimiter {
  size_t start; /* offset of the CRLF before "--boundary" (or 0 for the body's first line) */
  size_t next;  /* offset just after the line's CRLF: where the next part's headers start */
  bool closing; /* "--boundary--": the last delimiter */
};

/* Checks what follows "--boundary" at offset at: "--" and optional blanks then CRLF or the
 * end of the body (close delimiter), or optional blanks then CRLF. Anything else means the
 * bytes were data that merely starts like the boundary. */
static bool delimiter_end(const char *body, size_t len, size_t at, struct delimiter *d) {
  size_t q = at;
  d->closing = len - at >= 2 && body[at] == '-' && body[at + 1] == '-';
  if (d->closing)
    q += 2;
  while (q < len && (body[q] == ' ' || body[q] == '\t'))
    q++;
  if (d->closing && q == len) {
    d->next = len;
    return true;
  }
  if (len - q >= 2 && body[q] == '\r' && body[q + 1] == '\n') {
    d->next = q + 2;
    return true;
  }
  return false;
}

/* Finds the first delimiter line (CRLF "--" boundary …) starting at or after from. */
static bool find_delimiter(const char *body, size_t len, size_t from, const char *boundary,
                           size_t blen, struct delimiter *d) {
  size_t need = 4 + blen;
  if (len < need)
    return false;
  size_t last = len - need; /* the last offset where a delimiter can start */
  size_t i = from;
  while (i <= last) {
    const char *cr = memchr(body + i, '\r', last - i + 1);
    if (!cr)
      return false;
    i = (size_t)(cr - body);
    if (body[i + 1] == '\n' && body[i + 2] == '-' && body[i + 3] == '-' &&
        memcmp(body + i + 4, boundary, blen) == 0 && delimiter_end(body, len, i + need, d)) {
      d->start = i;
      return true;
    }
    i++;
  }
  return false;
}

/* The first delimiter may open the body without a CRLF before it (no preamble). */
static bool find_first_delimiter(const char *body, size_t len, const char *boundary, size_t blen,
                                 struct delimiter *d) {
  if (len >= 2 + blen && body[0] == '-' && body[1] == '-' &&
      memcmp(body + 2, boundary, blen) == 0 && delimiter_end(body, len, 2 + blen, d)) {
    d->start = 0;
    return true;
  }
  return find_delimiter(body, len, 0, boundary, blen, d);
}

/* ---- Part headers ---- */

/* A header value, trimmed; not NUL-terminated. text is NULL while the header was not seen. */
struct header_value {
  const char *text;
  size_t len;
};

/* The headers of one part that mean something for a form field. All lines are read and
 * checked before any value is interpreted, so a folded or broken line is reported as such
 * even when the line before it would already be wrong on its own. */
struct part_headers {
  struct header_value disposition;
  struct header_value type;
  struct header_value encoding;
};

static enum sh_status part_fail(struct sh_error *err, enum sh_status status, const char *code,
                                const struct multipart_part *part, size_t number) {
  char detail[32];
  snprintf(detail, sizeof detail, "part %zu", number);
  return sh_fail(err, status, code, part->name, detail);
}

/* Decodes an RFC 5987 ext-value (charset'language'percent-encoded) into out as UTF-8.
 * Returns SH_OK, SH_ERR_MALFORMED (bad syntax or charset) or SH_ERR_INVALID (too long). */
static enum sh_status decode_ext_value(const char *value, size_t len, char *out, size_t size) {
  const char *quote1 = memchr(value, '\'', len);
  const char *quote2 = quote1 ? memchr(quote1 + 1, '\'', len - (size_t)(quote1 + 1 - value)) : NULL;
  if (!quote2)
    return SH_ERR_MALFORMED;
  bool latin1;
  if (equals_word(value, (size_t)(quote1 - value), "utf-8"))
    latin1 = false;
  else if (equals_word(value, (size_t)(quote1 - value), "iso-8859-1"))
    latin1 = true;
  else
    return SH_ERR_MALFORMED;
  size_t n = 0;
  for (const char *p = quote2 + 1; p < value + len; p++) {
    unsigned byte = (unsigned char)*p;
    if (byte == '%') {
      int high = p + 2 < value + len ? hex_value((unsigned char)p[1]) : -1;
      int low = high >= 0 ? hex_value((unsigned char)p[2]) : -1;
      if (low < 0)
        return SH_ERR_MALFORMED;
      byte = (unsigned)(high * 16 + low);
      p += 2;
    } else if (!is_attr_char((unsigned char)byte)) {
      return SH_ERR_MALFORMED;
    }
    size_t need = latin1 && byte >= 0x80 ? 2 : 1;
    if (n + need >= size)
      return SH_ERR_INVALID;
    if (need == 2) {
      out[n++] = (char)(0xC0 | (byte >> 6));
      out[n++] = (char)(0x80 | (byte & 0x3F));
    } else {
      out[n++] = (char)byte;
    }
  }
  out[n] = '\0';
  return utf8_valid(out, n) ? SH_OK : SH_ERR_MALFORMED;
}

/* Parses a Content-Disposition value into part's name and filename. */
static enum sh_status parse_disposition(const char *text, size_t len, struct multipart_part *part,
                                        size_t number, struct sh_error *err) {
  struct cursor c = {text, text + len};
  const char *type;
  size_t type_len = take_token(&c, &type);
  if (!equals_word(type, type_len, "form-data"))
    return part_fail(err, SH_ERR_MALFORMED, "bad_content_disposition", part, number);
  /* filename as a quoted string and filename* are kept apart: filename* wins at the end. */
  char plain[MULTIPART_MAX_FILENAME_BYTES + 1] = "";
  char extended[MULTIPART_MAX_FILENAME_BYTES + 1] = "";
  char value[MULTIPART_MAX_HEADER_BYTES + 1];
  bool seen_name = false, seen_plain = false, seen_extended = false;
  for (;;) {
    const char *attribute;
    size_t attribute_len, value_len;
    bool quoted;
    enum param_result r =
        next_param(&c, &attribute, &attribute_len, value, sizeof value, &value_len, &quoted);
    if (r == PARAM_END)
      break;
    if (r != PARAM_FOUND) /* a value can hardly outgrow the header that holds it */
      return part_fail(err, SH_ERR_MALFORMED, "bad_content_disposition", part, number);
    if (equals_word(attribute, attribute_len, "name")) {
      if (seen_name || value_len == 0 || value_len > MULTIPART_MAX_NAME_BYTES)
        return part_fail(err, SH_ERR_MALFORMED, "bad_content_disposition", part, number);
      if (!utf8_valid(value, value_len))
        return part_fail(err, SH_ERR_MALFORMED, "invalid_utf8", part, number);
      memcpy(part->name, value, value_len + 1);
      seen_name = true;
    } else if (equals_word(attribute, attribute_len, "filename")) {
      if (seen_plain)
        return part_fail(err, SH_ERR_MALFORMED, "bad_content_disposition", part, number);
      if (value_len > MULTIPART_MAX_FILENAME_BYTES)
        return part_fail(err, SH_ERR_INVALID, "filename_too_long", part, number);
      if (!utf8_valid(value, value_len))
        return part_fail(err, SH_ERR_MALFORMED, "invalid_utf8", part, number);
      memcpy(plain, value, value_len + 1);
      seen_plain = true;
    } else if (equals_word(attribute, attribute_len, "filename*")) {
      if (seen_extended || quoted)
        return part_fail(err, SH_ERR_MALFORMED, "bad_content_disposition", part, number);
      enum sh_status rc = decode_ext_value(value, value_len, extended, sizeof extended);
      if (rc == SH_ERR_INVALID)
        return part_fail(err, SH_ERR_INVALID, "filename_too_long", part, number);
      if (rc != SH_OK)
        return part_fail(err, SH_ERR_MALFORMED, "bad_content_disposition", part, number);
      seen_extended = true;
    }
  }
  if (!seen_name)
    return part_fail(err, SH_ERR_MALFORMED, "bad_content_disposition", part, number);
  part->has_filename = seen_plain || seen_extended;
  memcpy(part->filename, seen_extended ? extended : plain,
         strlen(seen_extended ? extended : plain) + 1);
  return SH_OK;
}

/* Reads one header line "Name: value" (line has no CRLF and no control character but tab)
 * and remembers the value if the name is one we use. */
static enum sh_status read_header_line(const char *line, size_t len, struct multipart_part *part,
                                       struct part_headers *headers, size_t number,
                                       struct sh_error *err) {
  const char *colon = memchr(line, ':', len);
  size_t name_len = colon ? (size_t)(colon - line) : 0;
  for (size_t i = 0; i < name_len; i++)
    if (!is_tchar((unsigned char)line[i]))
      name_len = 0;
  if (name_len == 0)
    return part_fail(err, SH_ERR_MALFORMED, "bad_part_header", part, number);
  struct cursor c = {colon + 1, line + len};
  skip_blanks(&c);
  while (c.end > c.p && (c.end[-1] == ' ' || c.end[-1] == '\t'))
    c.end--;
  struct header_value *slot = NULL;
  if (equals_word(line, name_len, "content-disposition"))
    slot = &headers->disposition;
  else if (equals_word(line, name_len, "content-type"))
    slot = &headers->type;
  else if (equals_word(line, name_len, "content-transfer-encoding"))
    slot = &headers->encoding;
  if (!slot)
    return SH_OK; /* any other header means nothing for a form field */
  if (slot->text)
    return part_fail(err, SH_ERR_MALFORMED, "bad_part_header", part, number); /* twice */
  slot->text = c.p;
  slot->len = (size_t)(c.end - c.p);
  return SH_OK;
}

/* Interprets the headers once they are all read: Content-Disposition, then Content-Type and
 * Content-Transfer-Encoding. */
static enum sh_status interpret_headers(const struct part_headers *headers,
                                        struct multipart_part *part, size_t number,
                                        struct sh_error *err) {
  if (!headers->disposition.text)
    return part_fail(err, SH_ERR_MALFORMED, "no_content_disposition", part, number);
  enum sh_status rc =
      parse_disposition(headers->disposition.text, headers->disposition.len, part, number, err);
  if (rc != SH_OK)
    return rc;
  const struct header_value *type = &headers->type;
  if (type->text) {
    if (type->len > MULTIPART_MAX_TYPE_BYTES)
      return part_fail(err, SH_ERR_MALFORMED, "bad_part_header", part, number);
    for (size_t i = 0; i < type->len; i++)
      if ((unsigned char)type->text[i] < 0x20 || (unsigned char)type->text[i] > 0x7e)
        return part_fail(err, SH_ERR_MALFORMED, "bad_part_header", part, number);
    memcpy(part->content_type, type->text, type->len);
    part->content_type[type->len] = '\0';
  }
  const struct header_value *encoding = &headers->encoding;
  if (encoding->text && !equals_word(encoding->text, encoding->len, "7bit") &&
      !equals_word(encoding->text, encoding->len, "8bit") &&
      !equals_word(encoding->text, encoding->len, "binary"))
    return part_fail(err, SH_ERR_MALFORMED, "bad_transfer_encoding", part, number);
  return SH_OK;
}

/* The offset of the next CRLF in body[from..limit), or limit if there is none. */
static size_t find_crlf(const char *body, size_t from, size_t limit) {
  for (size_t i = from; i + 1 < limit; i++) {
    const char *cr = memchr(body + i, '\r', limit - 1 - i);
    if (!cr)
      break;
    i = (size_t)(cr - body);
    if (body[i + 1] == '\n')
      return i;
  }
  return limit;
}

/* Reads the header lines of part number from *pos up to and including the empty line, and
 * moves *pos to the first byte of the part's data. */
static enum sh_status parse_headers(const char *body, size_t len, size_t *pos,
                                    struct multipart_part *part, size_t number,
                                    struct sh_error *err) {
  size_t start = *pos;
  size_t limit =
      len - start > MULTIPART_MAX_HEADER_BYTES ? start + MULTIPART_MAX_HEADER_BYTES : len;
  struct part_headers headers = {{NULL, 0}, {NULL, 0}, {NULL, 0}};
  size_t p = start;
  for (;;) {
    size_t eol = find_crlf(body, p, limit);
    if (eol == limit)
      return limit == len ? part_fail(err, SH_ERR_MALFORMED, "truncated", part, number)
                          : part_fail(err, SH_ERR_TOO_LARGE, "header_too_large", part, number);
    if (eol == p)
      break; /* the empty line */
    if (body[p] == ' ' || body[p] == '\t')
      return part_fail(err, SH_ERR_MALFORMED, "folded_header", part, number);
    for (size_t i = p; i < eol; i++) {
      unsigned char ch = (unsigned char)body[i];
      if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
        return part_fail(err, SH_ERR_MALFORMED, "bad_part_header", part, number);
    }
    enum sh_status rc = read_header_line(body + p, eol - p, part, &headers, number, err);
    if (rc != SH_OK)
      return rc;
    p = eol + 2;
  }
  enum sh_status rc = interpret_headers(&headers, part, number, err);
  if (rc == SH_OK)
    *pos = p + 2;
  return rc;
}

/* ---- The body ---- */

enum sh_status multipart_parse(const char *content_type, const void *body_bytes, size_t len,
                               struct multipart_form *out, struct sh_error *err) {
  char boundary[MULTIPART_MAX_BOUNDARY_BYTES + 1];
  size_t blen = 0;
  enum sh_status rc = read_boundary(content_type, boundary, &blen, err);
  if (rc != SH_OK)
    return rc;
  const char *body = body_bytes ? body_bytes : "";
  if (!body_bytes)
    len = 0;
  struct delimiter d;
  if (!find_first_delimiter(body, len, boundary, blen, &d))
    return sh_fail(err, SH_ERR_MALFORMED, "missing_boundary", NULL, NULL);
  /* Built here (about 11 KB of stack) and copied out only on success. */
  struct multipart_form form;
  form.count = 0;
  while (!d.closing) {
    if (form.count == MULTIPART_MAX_PARTS) {
      char detail[32];
      snprintf(detail, sizeof detail, "over %d", MULTIPART_MAX_PARTS);
      return sh_fail(err, SH_ERR_TOO_LARGE, "too_many_parts", NULL, detail);
    }
    struct multipart_part *part = &form.parts[form.count];
    memset(part, 0, sizeof *part);
    size_t pos = d.next;
    rc = parse_headers(body, len, &pos, part, form.count + 1, err);
    if (rc != SH_OK)
      return rc;
    if (!find_delimiter(body, len, pos, boundary, blen, &d))
      return part_fail(err, SH_ERR_MALFORMED, "truncated", part, form.count + 1);
    part->data = (const unsigned char *)body + pos;
    part->len = d.start - pos;
    form.count++;
  }
  memcpy(out, &form, sizeof form);
  return SH_OK;
}

const struct multipart_part *multipart_find(const struct multipart_form *form, const char *name) {
  for (size_t i = 0; form && name && i < form->count; i++)
    if (strcmp(form->parts[i].name, name) == 0)
      return &form->parts[i];
  return NULL;
}

/* ---- Safe file names ---- */

/* The longest extension kept whole when a name is cut, in bytes with its dot (".jpeg"). */
#define SAFE_EXTENSION_BYTES 16
/* The most of a stem looked at; a longer name is cut anyway. */
#define SAFE_STEM_BYTES 1024

/* The length of the UTF-8 character at s[0..n), 0 if the bytes there are not UTF-8; *cp gets
 * its code point. */
static size_t utf8_char(const unsigned char *s, size_t n, uint32_t *cp) {
  size_t len = s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
  if (len > n || utf8_invalid_at((const char *)s, len) != len)
    return 0;
  static const unsigned char lead_mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  *cp = s[0] & lead_mask[len];
  for (size_t i = 1; i < len; i++)
    *cp = (*cp << 6) | (s[i] & 0x3F);
  return len;
}

/* Characters a stored file name must not hold (multipart.h). */
static bool is_dropped(uint32_t cp) {
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
    return true; /* C0, DEL, C1 controls */
  if (cp < 0x80)
    return strchr("<>:\"|?*/\\", (int)cp) != NULL; /* forbidden on Windows */
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069); /* direction marks, embeddings, overrides, isolates */
}

/* Copies the kept characters of s[0..n) into out[0..size), stopping at the first that does
 * not fit; bytes that are not UTF-8 are skipped. Returns the length (out is terminated). */
static size_t keep_characters(const char *s, size_t n, char *out, size_t size) {
  size_t len = 0;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t clen = utf8_char((const unsigned char *)s + i, n - i, &cp);
    if (clen == 0) {
      i++;
      continue;
    }
    if (!is_dropped(cp)) {
      if (len + clen >= size)
        break;
      memcpy(out + len, s + i, clen);
      len += clen;
    }
    i += clen;
  }
  out[len] = '\0';
  return len;
}

static void strip_leading(char *s, size_t *len) {
  size_t skip = 0;
  while (skip < *len && (s[skip] == '.' || s[skip] == ' '))
    skip++;
  memmove(s, s + skip, *len - skip + 1);
  *len -= skip;
}

static void strip_trailing(char *s, size_t *len) {
  while (*len > 0 && (s[*len - 1] == '.' || s[*len - 1] == ' '))
    s[--*len] = '\0';
}

/* True if the name before its first dot (trailing spaces ignored) is a Windows device. */
static bool is_reserved_device(const char *stem, size_t len) {
  const char *dot = memchr(stem, '.', len);
  size_t n = dot ? (size_t)(dot - stem) : len;
  while (n > 0 && stem[n - 1] == ' ')
    n--;
  static const char *const devices[] = {"con", "prn", "aux", "nul"};
  for (size_t i = 0; i < sizeof devices / sizeof devices[0]; i++)
    if (equals_word(stem, n, devices[i]))
      return true;
  return n == 4 && (equals_word(stem, 3, "com") || equals_word(stem, 3, "lpt")) && stem[3] >= '1' &&
         stem[3] <= '9';
}

/* The longest prefix of s[0..len) of at most limit bytes that ends on a character boundary. */
static size_t cut_at_boundary(const char *s, size_t len, size_t limit) {
  if (len <= limit)
    return len;
  size_t k = limit;
  while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
    k--;
  return k;
}

size_t multipart_safe_filename(const char *name, char *out, size_t size) {
  if (size == 0)
    return 0;
  char stem[SAFE_STEM_BYTES + 2]; /* + 1 for the "_" before a device name */
  char extension[SAFE_EXTENSION_BYTES + 1];
  size_t stem_len = 0, extension_len = 0;
  stem[0] = extension[0] = '\0';
  if (name) {
    const char *base = name;
    for (const char *p = name; *p; p++)
      if (*p == '/' || *p == '\\')
        base = p + 1;
    size_t n = strlen(base), stem_source = n;
    const char *dot = strrchr(base, '.');
    if (dot && dot > base && (size_t)(base + n - dot) <= SAFE_EXTENSION_BYTES) {
      extension_len = keep_characters(dot, (size_t)(base + n - dot), extension, sizeof extension);
      stem_source = (size_t)(dot - base);
    }
    stem_len = keep_characters(base, stem_source, stem, SAFE_STEM_BYTES + 1);
  }
  strip_trailing(extension, &extension_len); /* "." or ". " alone is no extension */
  strip_leading(stem, &stem_len);
  if (stem_len == 0 && extension_len > 0) { /* "..jpg": the extension is all there is */
    memcpy(stem, extension, extension_len + 1);
    stem_len = extension_len;
    extension_len = 0;
    strip_leading(stem, &stem_len);
  }
  if (extension_len == 0)
    strip_trailing(stem, &stem_len);
  if (stem_len > 0 && is_reserved_device(stem, stem_len)) {
    memmove(stem + 1, stem, stem_len + 1);
    stem[0] = '_';
    stem_len++;
  }
  size_t room = size - 1, len = 0;
  if (stem_len + extension_len <= room) {
    memcpy(out, stem, stem_len);
    memcpy(out + stem_len, extension, extension_len);
    len = stem_len + extension_len;
  } else if (extension_len > 0 && extension_len < room &&
             cut_at_boundary(stem, stem_len, room - extension_len) > 0) {
    len = cut_at_boundary(stem, stem_len, room - extension_len);
    memcpy(out, stem, len);
    memcpy(out + len, extension, extension_len);
    len += extension_len;
  } else { /* the extension does not fit beside a character of the stem: cut the stem */
    len = cut_at_boundary(stem, stem_len, room);
    memcpy(out, stem, len);
  }
  out[len] = '\0';
  strip_trailing(out, &len); /* a cut may end in a dot or a space */
  if (len == 0) {
    len = cut_at_boundary("file", 4, room);
    memcpy(out, "file", len);
    out[len] = '\0';
  }
  return len;
}

/* ---- Types by magic bytes ---- */

const char *multipart_sniff_type(const unsigned char *data, size_t len) {
  if (!data)
    return NULL;
  if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
    return "image/jpeg";
  if (len >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  if (len >= 12 && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WEBP", 4) == 0)
    return "image/webp";
  if (len >= 5 && memcmp(data, "%PDF-", 5) == 0)
    return "application/pdf";
  return NULL;
}
