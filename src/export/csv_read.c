/* csv_read.c — an uploaded CSV file into a sheet (csv_read.h), and the sheet builder that
 * both readers share (sheet.h).
 *
 * Design: every byte that gives CSV its structure (quote, comma, tab, semicolon, CR, LF) is
 * ASCII below 0x40, and no such byte occurs inside a UTF-8 or GB18030 multi-byte character
 * (their trailing bytes are 0x80–0xBF, and 0x30–0x39 or 0x40–0xFE). So the raw bytes are
 * split into fields first and each field is checked or decoded on its own, and an encoding
 * error names its row and column. The encoding is chosen once for the whole file. The input
 * is a request body already in memory: one pass, copying only quoted fields (to undo "") and
 * GB18030 fields (to decode them), each into a buffer no larger than a cell may be. */
#include "csv_read.h"

#include <assert.h>
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "../base/utf8.h"

/* ---- The sheet and its builder (sheet.h) ---- */

void sheet_free(struct sheet *sheet) {
  if (!sheet)
    return;
  for (size_t i = 0; i < sheet->count; i++) {
    free(sheet->rows[i].cells);
    free(sheet->rows[i].text);
  }
  free(sheet->rows);
  free(sheet);
}

void sheet_column_name(size_t column, char out[SHEET_COLUMN_NAME_LEN]) {
  char reversed[SHEET_COLUMN_NAME_LEN];
  size_t n = 0;
  for (;;) { /* bijective base 26: A..Z, AA.. */
    reversed[n++] = (char)('A' + column % 26);
    if (column < 26)
      break;
    column = column / 26 - 1;
  }
  for (size_t i = 0; i < n; i++)
    out[i] = reversed[n - 1 - i];
  out[n] = '\0';
}

enum sh_status sheet_fail_at(struct sh_error *err, enum sh_status status, const char *code,
                             size_t row, size_t column, const char *what) {
  char detail[256];
  char name[SHEET_COLUMN_NAME_LEN];
  if (row && column != SIZE_MAX) {
    sheet_column_name(column, name);
    snprintf(detail, sizeof detail, "row %zu, column %s: %s", row, name, what);
  } else if (row) {
    snprintf(detail, sizeof detail, "row %zu: %s", row, what);
  } else {
    snprintf(detail, sizeof detail, "%s", what);
  }
  return sh_fail(err, status, code, "file", detail);
}

static enum sh_status out_of_memory(struct sh_error *err) {
  return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", "file", NULL);
}

void sheet_builder_init(struct sheet_builder *b) {
  memset(b, 0, sizeof *b);
  /* The leading NUL, then at most every column at its largest. */
  buf_init(&b->text, 1 + (size_t)SHEET_MAX_COLUMNS * (SHEET_MAX_CELL_BYTES + 1));
}

/* Moves the open row, if it has any cell, into the sheet. */
static enum sh_status close_row(struct sheet_builder *b, struct sh_error *err) {
  enum sh_status rc = SH_OK;
  char **cells = NULL;
  char *text = NULL;
  if (b->count == 0)
    goto out;
  if (!b->sheet && !(b->sheet = sh_calloc(1, sizeof *b->sheet))) {
    rc = out_of_memory(err);
    goto out;
  }
  struct sheet *s = b->sheet;
  if (s->count == b->rows_capacity) {
    size_t capacity = b->rows_capacity ? 2 * b->rows_capacity : 64;
    struct sheet_row *rows = sh_reallocarray(s->rows, capacity, sizeof *rows);
    if (!rows) {
      rc = out_of_memory(err);
      goto out;
    }
    s->rows = rows;
    b->rows_capacity = capacity;
  }
  cells = sh_calloc(b->count, sizeof *cells);
  text = buf_detach(&b->text);
  if (!cells || !text) {
    rc = out_of_memory(err);
    goto out;
  }
  for (size_t i = 0; i < b->count; i++)
    cells[i] = text + b->offsets[i];
  s->rows[s->count++] = (struct sheet_row){b->row, b->count, cells, text};
  cells = NULL;
  text = NULL;
out:
  b->count = 0;
  b->text.len = 0;
  free(cells);
  free(text);
  return rc;
}

enum sh_status sheet_builder_start_row(struct sheet_builder *b, size_t number,
                                       struct sh_error *err) {
  assert(number > b->row);
  enum sh_status rc = close_row(b, err);
  if (rc != SH_OK)
    return rc;
  if (number > SHEET_MAX_ROWS)
    return sheet_fail_at(err, SH_ERR_TOO_LARGE, "too_many_rows", number, SIZE_MAX,
                         "more than 1000000 rows");
  b->row = number;
  return SH_OK;
}

enum sh_status sheet_builder_add_cell(struct sheet_builder *b, size_t column, const char *text,
                                      size_t len, struct sh_error *err) {
  assert(b->row > 0 && column >= b->count);
  if (len == 0)
    return SH_OK;
  assert(utf8_valid(text, len));
  if (column >= SHEET_MAX_COLUMNS)
    return sheet_fail_at(err, SH_ERR_TOO_LARGE, "too_many_columns", b->row, column,
                         "more than 200 columns");
  if (len > SHEET_MAX_CELL_BYTES)
    return sheet_fail_at(err, SH_ERR_TOO_LARGE, "cell_too_large", b->row, column,
                         "a cell longer than 32768 bytes");
  size_t cells = column + 1 - b->count;
  if (cells > SHEET_MAX_CELLS - b->total_cells)
    return sheet_fail_at(err, SH_ERR_TOO_LARGE, "too_many_cells", b->row, column,
                         "more than 4000000 cells");
  if (len + 1 > SHEET_MAX_TEXT_BYTES - b->total_bytes)
    return sheet_fail_at(err, SH_ERR_TOO_LARGE, "sheet_too_large", b->row, column,
                         "more than 128 MiB of text");
  if (!b->offsets && !(b->offsets = sh_calloc(SHEET_MAX_COLUMNS, sizeof *b->offsets)))
    return out_of_memory(err);
  size_t start = b->text.len ? b->text.len : 1;
  if ((b->text.len == 0 && buf_append(&b->text, "", 1) != SH_OK) ||
      buf_append(&b->text, text, len) != SH_OK || buf_append(&b->text, "", 1) != SH_OK)
    return out_of_memory(err); /* the ceiling of text cannot be reached: see init */
  for (size_t i = b->count; i < column; i++)
    b->offsets[i] = 0; /* the leading NUL: an empty cell */
  b->offsets[column] = start;
  b->count = column + 1;
  b->total_cells += cells;
  b->total_bytes += len + 1;
  return SH_OK;
}

enum sh_status sheet_builder_finish(struct sheet_builder *b, struct sheet **out,
                                    struct sh_error *err) {
  enum sh_status rc = close_row(b, err);
  if (rc != SH_OK)
    return rc;
  if (!b->sheet && !(b->sheet = sh_calloc(1, sizeof *b->sheet)))
    return out_of_memory(err);
  *out = b->sheet;
  b->sheet = NULL;
  sheet_builder_free(b);
  return SH_OK;
}

void sheet_builder_free(struct sheet_builder *b) {
  sheet_free(b->sheet);
  buf_free(&b->text);
  free(b->offsets);
  sheet_builder_init(b);
}

/* ---- CSV ---- */

enum encoding { ENCODING_UTF8, ENCODING_GB18030 };

struct csv {
  const char *p;              /* next byte to read */
  const char *end;            /* one past the last byte */
  char separator;             /* ',' '\t' or ';' */
  enum encoding encoding;     /* of the whole file */
  iconv_t gb18030;            /* GB18030 → UTF-8, or (iconv_t)-1 */
  char *decoded;              /* SHEET_MAX_CELL_BYTES bytes: a field decoded from GB18030 */
  struct buf quoted;          /* a quoted field without its quotes, "" undone */
  size_t row;                 /* number of the record being read, from 1 */
  size_t column;              /* 0-based field of the record being read */
  struct sheet_builder sheet; /* the rows so far */
  struct sh_error *err;
};

/* True if s[0..n) is UTF-8 apart from NUL bytes (which field_add() refuses with their own
 * message, so that a NUL does not make a UTF-8 file look like GB18030). */
static bool utf8_but_nul(const char *s, size_t n) {
  size_t i = 0;
  while ((i += utf8_invalid_at(s + i, n - i)) < n) {
    if (s[i] != '\0')
      return false;
    i++;
  }
  return true;
}

/* The separator, from the counts of comma, tab and semicolon outside quotes on the first
 * non-blank line (csv_read.h). */
static char detect_separator(const char *p, const char *end) {
  size_t commas = 0, tabs = 0, semicolons = 0;
  bool quoted = false;
  while (p < end && (*p == '\r' || *p == '\n'))
    p++;
  for (; p < end; p++) {
    if (*p == '"')
      quoted = !quoted;
    else if (quoted)
      continue;
    else if (*p == '\r' || *p == '\n')
      break;
    else if (*p == ',')
      commas++;
    else if (*p == '\t')
      tabs++;
    else if (*p == ';')
      semicolons++;
  }
  if (tabs > commas && tabs >= semicolons)
    return '\t';
  if (semicolons > commas && semicolons > tabs)
    return ';';
  return ',';
}

/* Checks or decodes one field's raw bytes and adds it to the open row. */
static enum sh_status field_add(struct csv *c, const char *s, size_t n) {
  if (n == 0)
    return SH_OK;
  if (memchr(s, '\0', n))
    return sheet_fail_at(c->err, SH_ERR_INVALID, "bad_csv", c->row, c->column,
                         "a NUL byte (is the file UTF-16? save it as CSV UTF-8)");
  if (c->encoding == ENCODING_UTF8) {
    if (!utf8_valid(s, n))
      return sheet_fail_at(c->err, SH_ERR_INVALID, "bad_encoding", c->row, c->column,
                           "not UTF-8 text");
    return sheet_builder_add_cell(&c->sheet, c->column, s, n, c->err);
  }
  char *in = (char *)s, *out = c->decoded;
  size_t in_left = n, out_left = SHEET_MAX_CELL_BYTES;
  iconv(c->gb18030, NULL, NULL, NULL, NULL);
  if (iconv(c->gb18030, &in, &in_left, &out, &out_left) == (size_t)-1) {
    if (errno == E2BIG)
      return sheet_fail_at(c->err, SH_ERR_TOO_LARGE, "cell_too_large", c->row, c->column,
                           "a cell longer than 32768 bytes");
    return sheet_fail_at(c->err, SH_ERR_INVALID, "bad_encoding", c->row, c->column,
                         "text neither UTF-8 nor GB18030");
  }
  size_t len = SHEET_MAX_CELL_BYTES - out_left;
  if (!utf8_valid(c->decoded, len)) /* glibc writes UTF-8; this only guards the contract */
    return sheet_fail_at(c->err, SH_ERR_INVALID, "bad_encoding", c->row, c->column,
                         "text neither UTF-8 nor GB18030");
  return sheet_builder_add_cell(&c->sheet, c->column, c->decoded, len, c->err);
}

/* Reads the quoted field at c->p (its opening quote) into c->quoted and leaves c->p after
 * the closing quote. */
static enum sh_status field_quoted(struct csv *c) {
  const char *p = c->p + 1;
  c->quoted.len = 0;
  for (;;) {
    const char *quote = memchr(p, '"', (size_t)(c->end - p));
    if (!quote)
      return sheet_fail_at(c->err, SH_ERR_INVALID, "bad_csv", c->row, c->column,
                           "a quoted field is never closed");
    bool doubled = quote + 1 < c->end && quote[1] == '"';
    enum sh_status rc = buf_append(&c->quoted, p, (size_t)(quote - p) + doubled);
    if (rc == SH_ERR_TOO_LARGE)
      return sheet_fail_at(c->err, rc, "cell_too_large", c->row, c->column,
                           "a cell longer than 32768 bytes");
    if (rc != SH_OK)
      return out_of_memory(c->err);
    p = quote + 1 + doubled;
    if (!doubled)
      break;
  }
  if (p < c->end && *p != c->separator && *p != '\r' && *p != '\n')
    return sheet_fail_at(c->err, SH_ERR_INVALID, "bad_csv", c->row, c->column,
                         "text after the closing quote of a field");
  c->p = p;
  return SH_OK;
}

/* Reads every record into c->sheet. */
static enum sh_status parse(struct csv *c) {
  enum sh_status rc;
  c->row = 1;
  c->column = 0;
  if ((rc = sheet_builder_start_row(&c->sheet, c->row, c->err)) != SH_OK)
    return rc;
  while (c->p < c->end) {
    if (*c->p == '"') {
      if ((rc = field_quoted(c)) != SH_OK)
        return rc;
      rc = field_add(c, c->quoted.data, c->quoted.len);
    } else {
      const char *start = c->p;
      while (c->p < c->end && *c->p != c->separator && *c->p != '\r' && *c->p != '\n')
        c->p++;
      rc = field_add(c, start, (size_t)(c->p - start));
    }
    if (rc != SH_OK)
      return rc;
    if (c->p == c->end)
      break;
    char ch = *c->p++;
    if (ch == c->separator) {
      c->column++;
      continue;
    }
    if (ch == '\r' && c->p < c->end && *c->p == '\n')
      c->p++;
    if (c->p == c->end)
      break;  /* the line end of the last record */
    c->row++; /* IMP: SPEC B1 (a record is a row, blank or not: numbers stay true) */
    c->column = 0;
    if ((rc = sheet_builder_start_row(&c->sheet, c->row, c->err)) != SH_OK)
      return rc;
  }
  return SH_OK;
}

enum sh_status csv_read(const char *data, size_t len, struct sheet **out, struct sh_error *err) {
  enum sh_status rc;
  struct csv c = {.gb18030 = (iconv_t)-1, .err = err};
  sheet_builder_init(&c.sheet);
  buf_init(&c.quoted, SHEET_MAX_CELL_BYTES);
  if (len > CSV_MAX_FILE_BYTES) {
    rc = sh_fail(err, SH_ERR_TOO_LARGE, "file_too_large", "file", "larger than 64 MiB");
    goto out;
  }
  if (len == 0)
    data = "";
  const unsigned char *u = (const unsigned char *)data;
  c.p = data;
  c.end = data + len;
  if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
    rc = sh_fail(err, SH_ERR_INVALID, "bad_encoding", "file",
                 "UTF-16 text: save the file as CSV UTF-8");
    goto out;
  }
  if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
    c.p += 3; /* IMP: SPEC B1 (UTF-8 with or without BOM, and GB18030) */
    c.encoding = ENCODING_UTF8;
  } else {
    c.encoding = utf8_but_nul(data, len) ? ENCODING_UTF8 : ENCODING_GB18030;
  }
  if (c.encoding == ENCODING_GB18030) {
    if (len >= 4 && memcmp(data, "\x84\x31\x95\x33", 4) == 0)
      c.p += 4; /* GB18030's own byte order mark, U+FEFF */
    c.gb18030 = iconv_open("UTF-8", "GB18030");
    if (c.gb18030 == (iconv_t)-1) {
      rc = sh_fail(err, SH_ERR_INTERNAL, "gb18030_unavailable", "file",
                   "the system has no GB18030 converter (glibc gconv)");
      goto out;
    }
    if (!(c.decoded = sh_calloc(SHEET_MAX_CELL_BYTES, 1))) {
      rc = out_of_memory(err);
      goto out;
    }
  }
  c.separator = detect_separator(c.p, c.end);
  if ((rc = parse(&c)) != SH_OK)
    goto out;
  rc = sheet_builder_finish(&c.sheet, out, err);
out:
  free(c.decoded);
  if (c.gb18030 != (iconv_t)-1)
    iconv_close(c.gb18030);
  buf_free(&c.quoted);
  sheet_builder_free(&c.sheet);
  return rc;
}
