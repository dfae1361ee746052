/* xlsx.c — Excel export of one sheet with libxlsxwriter (SPEC H5).
 *
 * Design: the workbook runs in constant_memory mode, so libxlsxwriter flushes each row to a
 * temporary file as the next begins and memory does not grow with the row count (strings are
 * then written inline rather than in a shared-string table). Rows are written strictly in
 * order, which is all that mode allows. A row's cells are all checked before the first is
 * written. The finished file goes to a mkstemp() file in tmpdir whose descriptor we keep, is
 * read back through that descriptor and unlinked. Text is only ever written with
 * worksheet_write_string(), which never makes a formula. Does not: write more than one
 * sheet, autofilters, or any formula. */
#include "xlsx.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "../base/buf.h"
#include "../base/mem.h"

struct xlsx_writer {
  lxw_workbook *book;                  /* open workbook; owned until closed; NULL once closed */
  lxw_worksheet *sheet;                /* owned by book */
  lxw_format *header;                  /* bold; owned by book */
  lxw_format *money;                   /* "¥"#,##0.00; owned by book */
  lxw_format *date;                    /* yyyy-mm-dd; owned by book */
  lxw_format *date_time;               /* yyyy-mm-dd hh:mm:ss; owned by book */
  const struct export_column *columns; /* borrowed from the table */
  size_t column_count;
  int offset_minutes; /* for EXPORT_DATETIME */
  size_t max_bytes;   /* ceiling on the finished file */
  uint32_t rows;      /* data rows written */
  char *tmpdir;       /* owned; libxlsxwriter keeps a pointer to it */
  char *path;         /* the temporary .xlsx; owned; unlinked by drop_file() */
  int fd;             /* open on path, -1 when none */
  struct buf scratch; /* the escaped text of one cell */
  bool spent;         /* a call failed, or the file was handed over */
};

/* The money format: Chinese Excel's own currency format, quoted so that ¥ is literal. */
static const char MONEY_FORMAT[] = "\"\xC2\xA5\"#,##0.00";

/* Column width in Excel character units when the column gives none. */
static double default_width(enum export_type type) {
  switch (type) {
  case EXPORT_TEXT:
    return 20;
  case EXPORT_INT:
    return 12;
  case EXPORT_MONEY_FEN:
    return 16;
  case EXPORT_DATE:
    return 12;
  case EXPORT_DATETIME:
    return 20;
  case EXPORT_BOOL:
    return 8;
  }
  return 12;
}

/* Display width of a UTF-8 text: 1 for ASCII, 2 for anything else (CJK is full width). */
static size_t display_width(const char *s) {
  size_t width = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p < 0x80)
      width++;
    else if (*p >= 0xC0)
      width += 2;
  }
  return width;
}

/* True if s starts with "_xHHHH_", which Excel would decode as an escaped character. */
static bool starts_escape(const char *s) {
  static const char hex[] = "0123456789abcdefABCDEF";
  if (s[0] != '_' || s[1] != 'x')
    return false;
  for (int i = 2; i < 6; i++)
    if (!s[i] || !strchr(hex, s[i]))
      return false;
  return s[6] == '_';
}

static size_t count_escapes(const char *s) {
  size_t n = 0;
  for (const char *p = strstr(s, "_x"); p; p = strstr(p + 1, "_x"))
    n += starts_escape(p);
  return n;
}

/* Sets *out to s, or to a copy in scratch in which every "_xHHHH_" reads "_x005F_xHHHH_"
 * (Excel's escape of '_'), so that Excel shows the text as it was. */
static enum sh_status escape_text(struct buf *scratch, const char *s, const char **out) {
  enum sh_status rc = SH_OK;
  *out = s;
  if (!count_escapes(s))
    return SH_OK;
  scratch->len = 0;
  for (const char *p = s; rc == SH_OK && *p; p++) {
    if (starts_escape(p))
      rc = buf_append(scratch, "_x005F", 6);
    if (rc == SH_OK)
      rc = buf_append(scratch, p, 1);
  }
  *out = scratch->data;
  return rc;
}

/* Checks a text the way a cell will hold it; returns an error code or NULL. */
static const char *text_problem(const char *s) {
  if (!utf8_valid(s, strlen(s)))
    return "invalid_utf8";
  if (utf8_length(s) + 6 * count_escapes(s) > XLSX_MAX_CELL_CHARS)
    return "field_length";
  return NULL;
}

static enum sh_status status_of_code(const char *code) {
  return strcmp(code, "invalid_utf8") == 0 ? SH_ERR_MALFORMED : SH_ERR_INVALID;
}

/* Maps a libxlsxwriter error to ours. */
static enum sh_status lxw_failure(lxw_error e, struct sh_error *err) {
  switch (e) {
  case LXW_ERROR_MEMORY_MALLOC_FAILED:
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  case LXW_ERROR_CREATING_XLSX_FILE:
  case LXW_ERROR_CREATING_TMPFILE:
  case LXW_ERROR_READING_TMPFILE:
  case LXW_ERROR_ZIP_FILE_OPERATION:
  case LXW_ERROR_ZIP_FILE_ADD:
  case LXW_ERROR_ZIP_CLOSE:
    return sh_fail(err, SH_ERR_UNAVAILABLE, "disk_full", "xlsx", lxw_strerror(e));
  default:
    return sh_fail(err, SH_ERR_INTERNAL, "internal", "xlsx", lxw_strerror(e));
  }
}

enum sh_status xlsx_sheet_name(const char *name, char out[XLSX_SHEET_NAME_BYTES]) {
  if (!name)
    name = "";
  size_t n = strlen(name);
  if (!utf8_valid(name, n))
    return SH_ERR_MALFORMED;
  char tmp[XLSX_SHEET_NAME_BYTES];
  size_t len = 0, units = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)name[i];
    size_t bytes = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    size_t width = bytes == 4 ? 2 : 1; /* UTF-16 units: Excel counts those */
    if (units + width > 31)
      break;
    if (bytes == 1 && (c < 0x20 || c == 0x7F || strchr("[]:*?/\\", c))) {
      tmp[len++] = '_';
    } else {
      memcpy(tmp + len, name + i, bytes);
      len += bytes;
    }
    units += width;
    i += bytes;
  }
  if (len > 0 && tmp[0] == '\'')
    tmp[0] = '_';
  if (len > 0 && tmp[len - 1] == '\'')
    tmp[len - 1] = '_';
  tmp[len] = '\0';
  if (len == 0)
    snprintf(out, XLSX_SHEET_NAME_BYTES, "Sheet1");
  else if (strcasecmp(tmp, "History") == 0) {
    /* Excel reserves "History": keep the user's case and add "_" (7 + 1 + NUL bytes). */
    memcpy(out, tmp, 7);
    memcpy(out + 7, "_", 2);
  } else
    memcpy(out, tmp, len + 1);
  return SH_OK;
}

/* Removes the temporary .xlsx and closes its descriptor; safe to call twice. */
static void drop_file(struct xlsx_writer *w) {
  if (w->fd >= 0)
    close(w->fd);
  w->fd = -1;
  if (w->path)
    unlink(w->path);
  free(w->path);
  w->path = NULL;
}

/* Makes the temporary file the workbook will be closed into. */
static enum sh_status make_file(struct xlsx_writer *w, const char *tmpdir, struct sh_error *err) {
  static const char NAME[] = "/shouhou-xlsx-XXXXXX";
  size_t n = strlen(tmpdir);
  w->tmpdir = sh_strdup(tmpdir);
  w->path = sh_calloc(n + sizeof NAME, 1);
  if (!w->tmpdir || !w->path)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  memcpy(w->path, tmpdir, n);
  memcpy(w->path + n, NAME, sizeof NAME);
  w->fd = mkstemp(w->path);
  if (w->fd < 0) {
    int e = errno;
    free(w->path);
    w->path = NULL;
    return sh_fail(err, SH_ERR_UNAVAILABLE, "disk_full", "tmpdir", strerror(e));
  }
  return SH_OK;
}

static lxw_format *number_format(lxw_workbook *book, const char *format) {
  lxw_format *f = workbook_add_format(book);
  if (f)
    format_set_num_format(f, format);
  return f;
}

/* Creates the workbook, its sheet and formats, and writes the header row. */
static enum sh_status open_book(struct xlsx_writer *w, const char *sheet_name,
                                struct sh_error *err) {
  lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = w->tmpdir};
  w->book = workbook_new_opt(w->path, &options);
  if (!w->book)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  w->sheet = workbook_add_worksheet(w->book, sheet_name);
  if (!w->sheet) /* the name is valid: the sheet's temporary file could not be made */
    return sh_fail(err, SH_ERR_UNAVAILABLE, "disk_full", "tmpdir", NULL);
  w->header = workbook_add_format(w->book);
  w->money = number_format(w->book, MONEY_FORMAT);
  w->date = number_format(w->book, "yyyy-mm-dd");
  w->date_time = number_format(w->book, "yyyy-mm-dd hh:mm:ss");
  if (!w->header || !w->money || !w->date || !w->date_time)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  format_set_bold(w->header);
  worksheet_freeze_panes(w->sheet, 1, 0);
  lxw_error e = LXW_NO_ERROR;
  for (size_t i = 0; e == LXW_NO_ERROR && i < w->column_count; i++) {
    const struct export_column *c = &w->columns[i];
    double width = c->width ? c->width : default_width(c->type);
    double fit = (double)display_width(c->name) + 2;
    if (!c->width && fit > width)
      width = fit;
    if (width > 255)
      width = 255;
    e = worksheet_set_column(w->sheet, (lxw_col_t)i, (lxw_col_t)i, width, NULL);
    const char *text = NULL;
    if (e == LXW_NO_ERROR && escape_text(&w->scratch, c->name, &text) != SH_OK)
      e = LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (e == LXW_NO_ERROR)
      e = worksheet_write_string(w->sheet, 0, (lxw_col_t)i, text, w->header);
  }
  return e == LXW_NO_ERROR ? SH_OK : lxw_failure(e, err);
}

enum sh_status xlsx_writer_begin(const struct export_table *table, const char *tmpdir,
                                 size_t max_bytes, struct xlsx_writer **out, struct sh_error *err) {
  struct xlsx_writer *w = NULL;
  char sheet_name[XLSX_SHEET_NAME_BYTES];
  enum sh_status rc = export_table_check(table, err);
  if (rc != SH_OK)
    goto out;
  if (xlsx_sheet_name(table->name, sheet_name) != SH_OK) {
    rc = sh_fail(err, SH_ERR_MALFORMED, "invalid_utf8", "name", NULL);
    goto out;
  }
  for (size_t i = 0; i < table->column_count; i++) {
    if (text_problem(table->columns[i].name)) {
      rc = sh_fail(err, SH_ERR_INVALID, "field_length", "columns", table->columns[i].name);
      goto out;
    }
  }
  w = sh_calloc(1, sizeof *w);
  if (!w) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  w->fd = -1;
  w->columns = table->columns;
  w->column_count = table->column_count;
  w->offset_minutes = table->offset_minutes;
  w->max_bytes = max_bytes;
  buf_init(&w->scratch, 4 * (XLSX_MAX_CELL_CHARS + 1));
  rc = make_file(w, tmpdir ? tmpdir : "/tmp", err);
  if (rc == SH_OK)
    rc = open_book(w, sheet_name, err);
  if (rc != SH_OK)
    goto out;
  *out = w;
  w = NULL;
out:
  xlsx_writer_free(w);
  return rc;
}

/* Checks one cell; returns an error code or NULL if it can be written. */
static const char *cell_problem(const struct xlsx_writer *w, const struct export_column *column,
                                const struct export_cell *cell) {
  char local[EXPORT_LOCAL_TIME_LEN];
  bool has_text = column->type == EXPORT_TEXT || column->type == EXPORT_DATE;
  if (cell->null || (has_text && !cell->text))
    return NULL;
  switch (column->type) {
  case EXPORT_TEXT:
    return text_problem(cell->text);
  case EXPORT_INT:
    return cell->number < -EXPORT_MAX_INT || cell->number > EXPORT_MAX_INT ? "out_of_range" : NULL;
  case EXPORT_MONEY_FEN:
    return cell->number < -EXPORT_MAX_MONEY_FEN || cell->number > EXPORT_MAX_MONEY_FEN
               ? "out_of_range"
               : NULL;
  case EXPORT_DATE:
    return date_valid(cell->text) ? NULL : "invalid_date";
  case EXPORT_DATETIME:
    return export_local_time(cell->number, w->offset_minutes, local) ? NULL : "out_of_range";
  case EXPORT_BOOL:
    return NULL;
  }
  return "out_of_range";
}

/* Reads "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" (already checked) into a libxlsxwriter date. */
static lxw_datetime datetime_of(const char *s) {
  lxw_datetime dt = {0};
  int hour = 0, minute = 0, second = 0;
  sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d", &dt.year, &dt.month, &dt.day, &hour, &minute, &second);
  dt.hour = hour;
  dt.min = minute;
  dt.sec = second;
  return dt;
}

/* Writes one checked cell. */
static lxw_error put_cell(struct xlsx_writer *w, lxw_row_t row, lxw_col_t col,
                          const struct export_column *column, const struct export_cell *cell) {
  char local[EXPORT_LOCAL_TIME_LEN];
  const char *text = NULL;
  lxw_datetime dt;
  bool has_text = column->type == EXPORT_TEXT || column->type == EXPORT_DATE;
  if (cell->null || (has_text && !cell->text))
    return LXW_NO_ERROR;
  switch (column->type) {
  case EXPORT_TEXT: /* IMP: DESIGN.md dependency Excel — text as a string, never a formula */
    if (escape_text(&w->scratch, cell->text, &text) != SH_OK)
      return LXW_ERROR_MEMORY_MALLOC_FAILED;
    return worksheet_write_string(w->sheet, row, col, text, NULL);
  case EXPORT_INT:
    return worksheet_write_number(w->sheet, row, col, (double)cell->number, NULL);
  case EXPORT_MONEY_FEN: /* the double nearest the exact amount; see xlsx.h */
    return worksheet_write_number(w->sheet, row, col, (double)cell->number / 100.0, w->money);
  case EXPORT_DATE:
    dt = datetime_of(cell->text);
    return worksheet_write_datetime(w->sheet, row, col, &dt, w->date);
  case EXPORT_DATETIME:
    export_local_time(cell->number, w->offset_minutes, local);
    dt = datetime_of(local);
    return worksheet_write_datetime(w->sheet, row, col, &dt, w->date_time);
  case EXPORT_BOOL:
    return worksheet_write_string(w->sheet, row, col, cell->number ? "是" : "否", NULL);
  }
  return LXW_ERROR_PARAMETER_VALIDATION;
}

/* IMP: SPEC H5 */
enum sh_status xlsx_writer_row(struct xlsx_writer *w, const struct export_cell *cells,
                               struct sh_error *err) {
  if (!w || w->spent)
    return sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "xlsx writer spent");
  w->spent = true; /* until the row is written */
  if (w->rows >= XLSX_MAX_ROWS)
    return sh_fail(err, SH_ERR_TOO_LARGE, "too_large", "rows", NULL);
  for (size_t i = 0; i < w->column_count; i++) {
    const char *code = cell_problem(w, &w->columns[i], &cells[i]);
    if (code) {
      char detail[32];
      snprintf(detail, sizeof detail, "row %" PRIu32, w->rows + 1);
      return sh_fail(err, status_of_code(code), code, w->columns[i].name, detail);
    }
  }
  lxw_row_t row = w->rows + 1;
  for (size_t i = 0; i < w->column_count; i++) {
    lxw_error e = put_cell(w, row, (lxw_col_t)i, &w->columns[i], &cells[i]);
    if (e != LXW_NO_ERROR)
      return lxw_failure(e, err);
  }
  w->rows++;
  w->spent = false;
  return SH_OK;
}

/* Reads the closed file back through the descriptor we kept. */
static enum sh_status read_file(struct xlsx_writer *w, char **out_data, size_t *out_len,
                                struct sh_error *err) {
  struct stat st;
  char *data = NULL;
  enum sh_status rc = SH_OK;
  if (fstat(w->fd, &st) != 0) {
    rc = sh_fail(err, SH_ERR_UNAVAILABLE, "disk_full", "xlsx", strerror(errno));
    goto out;
  }
  if ((uintmax_t)st.st_size > (uintmax_t)w->max_bytes) {
    rc = sh_fail(err, SH_ERR_TOO_LARGE, "too_large", "xlsx", NULL);
    goto out;
  }
  size_t size = (size_t)st.st_size, done = 0;
  data = sh_calloc(size + 1, 1);
  if (!data) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  while (done < size) {
    ssize_t n = pread(w->fd, data + done, size - done, (off_t)done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      rc = sh_fail(err, SH_ERR_UNAVAILABLE, "disk_full", "xlsx",
                   n < 0 ? strerror(errno) : "short read");
      goto out;
    }
    done += (size_t)n;
  }
  *out_data = data;
  *out_len = size;
  data = NULL;
out:
  free(data);
  return rc;
}

enum sh_status xlsx_writer_finish(struct xlsx_writer *w, char **out_data, size_t *out_len,
                                  struct sh_error *err) {
  if (!w || w->spent)
    return sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "xlsx writer spent");
  w->spent = true;
  lxw_error e = workbook_close(w->book); /* frees the workbook whatever it returns */
  w->book = NULL;
  enum sh_status rc =
      e == LXW_NO_ERROR ? read_file(w, out_data, out_len, err) : lxw_failure(e, err);
  drop_file(w);
  return rc;
}

void xlsx_writer_free(struct xlsx_writer *w) {
  if (!w)
    return;
  if (w->book) { /* an unfinished workbook: nothing is written */
    /* libxlsxwriter 1.1.4 closes a constant_memory sheet's temporary file only when it
     * writes the sheet out, and lxw_workbook_free() does not: close it here, or every
     * dropped export leaks a descriptor and the disk space of an unlinked file. */
    if (w->sheet && w->sheet->optimize_tmpfile) {
      fclose(w->sheet->optimize_tmpfile);
      w->sheet->optimize_tmpfile = NULL;
      w->sheet->file = NULL;
    }
    lxw_workbook_free(w->book);
  }
  drop_file(w);
  buf_free(&w->scratch);
  free(w->tmpdir);
  free(w);
}
