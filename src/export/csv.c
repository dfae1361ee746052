/* csv.c — CSV export for Excel on Chinese Windows (SPEC H5): BOM, RFC 4180, CRLF, and the
 * formula-injection prefix (DESIGN.md pitfall).
 *
 * Design: one struct buf holds the CSV as it grows, bounded by max_bytes. A record is
 * checked and appended cell by cell; if anything fails, the buffer is cut back to where the
 * record began, so the CSV never holds half a record, and the writer is marked spent. Money
 * is formatted from integer fen with integer arithmetic only. Does not stream to a socket:
 * the caller sends the finished bytes. */
#include "csv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/mem.h"

struct csv_writer {
  struct buf out;                      /* BOM, header and the records so far; owned */
  const struct export_column *columns; /* borrowed from the table */
  size_t column_count;
  int offset_minutes; /* for EXPORT_DATETIME */
  uint64_t rows;      /* data records written */
  bool spent;         /* a call failed, or the CSV was handed over */
};

static const char BOM[] = "\xEF\xBB\xBF";

/* Maps a struct buf failure to the error record. */
static enum sh_status buf_failure(enum sh_status rc, struct sh_error *err) {
  if (rc == SH_ERR_TOO_LARGE)
    return sh_fail(err, rc, "too_large", "csv", NULL);
  return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
}

/* True if Excel would read a text starting with c as a formula (or strip the character). */
static bool formula_lead(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* Appends a text field: the injection prefix for formula-like text (guard), then quoted if
 * it holds a comma, a quote, CR or LF. */
static enum sh_status put_text(struct buf *out, const char *s, bool guard) {
  bool quote = strpbrk(s, ",\"\r\n") != NULL;
  enum sh_status rc = SH_OK;
  if (quote)
    rc = buf_append(out, "\"", 1);
  if (rc == SH_OK && guard && formula_lead(s[0])) /* IMP: DESIGN.md pitfall CSV injection */
    rc = buf_append(out, "'", 1);
  while (rc == SH_OK && *s) {
    size_t n = quote ? strcspn(s, "\"") : strlen(s);
    rc = buf_append(out, s, n);
    s += n;
    if (rc == SH_OK && *s == '"') {
      rc = buf_append(out, "\"\"", 2);
      s++;
    }
  }
  if (rc == SH_OK && quote)
    rc = buf_append(out, "\"", 1);
  return rc;
}

/* Formats fen as yuan with two decimals using integers only: -5 → "-0.05". */
static void money_text(int64_t fen, char out[32]) {
  uint64_t magnitude = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
  snprintf(out, 32, "%s%" PRIu64 ".%02u", fen < 0 ? "-" : "", magnitude / 100,
           (unsigned)(magnitude % 100));
}

/* Checks one cell and, if it is fine, appends its field. A failure of the cell's content
 * sets *code (the error code); a failure of the buffer leaves it alone. */
static enum sh_status put_cell(struct csv_writer *w, const struct export_column *column,
                               const struct export_cell *cell, const char **code) {
  char text[32];
  bool has_text = column->type == EXPORT_TEXT || column->type == EXPORT_DATE;
  if (cell->null || (has_text && !cell->text))
    return SH_OK;
  switch (column->type) {
  case EXPORT_TEXT:
    if (!utf8_valid(cell->text, strlen(cell->text))) {
      *code = "invalid_utf8";
      return SH_ERR_MALFORMED;
    }
    return put_text(&w->out, cell->text, true);
  case EXPORT_INT:
    snprintf(text, sizeof text, "%" PRId64, cell->number);
    return buf_append_str(&w->out, text);
  case EXPORT_MONEY_FEN:
    money_text(cell->number, text);
    return buf_append_str(&w->out, text);
  case EXPORT_DATE:
    if (!date_valid(cell->text)) {
      *code = "invalid_date";
      return SH_ERR_INVALID;
    }
    return buf_append_str(&w->out, cell->text);
  case EXPORT_DATETIME:
    if (!export_local_time(cell->number, w->offset_minutes, text)) {
      *code = "out_of_range";
      return SH_ERR_INVALID;
    }
    return buf_append_str(&w->out, text);
  case EXPORT_BOOL:
    return buf_append_str(&w->out, cell->number ? "是" : "否");
  }
  *code = "out_of_range";
  return SH_ERR_INVALID;
}

enum sh_status csv_writer_begin(const struct export_table *table, size_t max_bytes,
                                struct csv_writer **out, struct sh_error *err) {
  struct csv_writer *w = NULL;
  enum sh_status rc = export_table_check(table, err);
  if (rc != SH_OK)
    goto out;
  w = sh_calloc(1, sizeof *w);
  if (!w) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  buf_init(&w->out, max_bytes);
  w->columns = table->columns;
  w->column_count = table->column_count;
  w->offset_minutes = table->offset_minutes;
  rc = buf_append(&w->out, BOM, sizeof BOM - 1); /* IMP: DESIGN.md pitfall CSV BOM */
  for (size_t i = 0; rc == SH_OK && i < w->column_count; i++) {
    if (i > 0)
      rc = buf_append(&w->out, ",", 1);
    if (rc == SH_OK)
      rc = put_text(&w->out, w->columns[i].name, true);
  }
  if (rc == SH_OK)
    rc = buf_append(&w->out, "\r\n", 2);
  if (rc != SH_OK) {
    rc = buf_failure(rc, err);
    goto out;
  }
  *out = w;
  w = NULL;
out:
  csv_writer_free(w);
  return rc;
}

/* IMP: SPEC H5 */
enum sh_status csv_writer_row(struct csv_writer *w, const struct export_cell *cells,
                              struct sh_error *err) {
  if (!w || w->spent)
    return sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "csv writer spent");
  size_t mark = w->out.len;
  const char *code = NULL;
  enum sh_status rc = SH_OK;
  size_t i = 0;
  for (; rc == SH_OK && i < w->column_count; i++) {
    if (i > 0)
      rc = buf_append(&w->out, ",", 1);
    if (rc == SH_OK)
      rc = put_cell(w, &w->columns[i], &cells[i], &code);
  }
  if (rc == SH_OK)
    rc = buf_append(&w->out, "\r\n", 2);
  if (rc != SH_OK) {
    w->spent = true;
    w->out.len = mark;
    if (w->out.data)
      w->out.data[mark] = '\0';
    if (code) {
      char detail[32];
      snprintf(detail, sizeof detail, "row %" PRIu64, w->rows + 1);
      return sh_fail(err, rc, code, w->columns[i - 1].name, detail);
    }
    return buf_failure(rc, err);
  }
  w->rows++;
  return SH_OK;
}

enum sh_status csv_writer_finish(struct csv_writer *w, char **out_data, size_t *out_len,
                                 struct sh_error *err) {
  if (!w || w->spent)
    return sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "csv writer spent");
  size_t len = w->out.len;
  char *data = buf_detach(&w->out);
  if (!data)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  w->spent = true;
  *out_data = data;
  *out_len = len;
  return SH_OK;
}

void csv_writer_free(struct csv_writer *w) {
  if (!w)
    return;
  buf_free(&w->out);
  free(w);
}
