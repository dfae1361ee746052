/* test_csv_read.c — src/export/csv_read.c: CSV uploads read into a sheet (SPEC B1: "CSV
 * (UTF-8 with or without BOM, and GB18030) … A dry run reports every bad row with its row
 * number, column and reason"), and the sheet builder both readers share (sheet.h) with its
 * ceilings (STYLE.md 11).
 *
 * The parsing cases are a table, tests/unit/data/read_csv.cases, one input a line; the files
 * read_*.csv are made by read_make_fixtures.py with Python's own GB18030 encoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/export/csv_read.h"

/* ---- Reading the case table ---- */

/* Reads the double-quoted string at *p (escapes \n \r \t \" \\ \xHH) into out; returns its
 * length and moves *p past it. */
static size_t read_quoted(const char **p, char *out, size_t max, int lineno) {
  const char *s = *p;
  size_t n = 0;
  if (*s++ != '"')
    fail_msg("read_csv.cases line %d: expected a quoted string at \"%s\"", lineno, *p);
  while (*s != '"') {
    char c = *s++;
    if (c == '\0')
      fail_msg("read_csv.cases line %d: unterminated string", lineno);
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
          fail_msg("read_csv.cases line %d: bad \\x escape", lineno);
        c = (char)byte;
        s += 2;
      }
    }
    assert_true(n < max);
    out[n++] = c;
  }
  *p = s + 1;
  return n;
}

static const char *skip_blanks(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

/* Checks a reader's outcome against the expected text of a case: rows "R<n>" and their
 * quoted cells, or "error <status> <code> "<detail piece>"". */
static void check_outcome(int lineno, const char *expected, enum sh_status rc,
                          const struct sheet *sheet, const struct sh_error *err) {
  static char cell[4096];
  const char *p = skip_blanks(expected);
  if (strncmp(p, "error", 5) == 0) {
    char status[32], code[48];
    int used;
    if (sscanf(p, "error %31s %47s %n", status, code, &used) != 2)
      fail_msg("read_csv.cases line %d: bad error line", lineno);
    p += used;
    size_t n = read_quoted(&p, cell, sizeof cell - 1, lineno);
    cell[n] = '\0';
    if (rc == SH_OK || strcmp(sh_strerror(rc), status) != 0 || strcmp(err->code, code) != 0 ||
        !strstr(err->detail, cell) || strcmp(err->field, "file") != 0)
      fail_msg("read_csv.cases line %d: expected %s %s \"%s\", got %s %s \"%s\"", lineno, status,
               code, cell, sh_strerror(rc), err->code, err->detail);
    return;
  }
  if (rc != SH_OK)
    fail_msg("read_csv.cases line %d: failed with %s: %s", lineno, err->code, err->detail);
  size_t row = SIZE_MAX, column = 0;
  for (p = skip_blanks(p); *p; p = skip_blanks(p)) {
    if (*p == 'R') {
      char *end;
      size_t number = strtoul(p + 1, &end, 10);
      p = end;
      if (row != SIZE_MAX && column != sheet->rows[row].count)
        fail_msg("read_csv.cases line %d: row %zu has %zu cells, expected %zu", lineno,
                 sheet->rows[row].number, sheet->rows[row].count, column);
      if (++row >= sheet->count || sheet->rows[row].number != number)
        fail_msg("read_csv.cases line %d: expected row %zu as stored row %zu", lineno, number,
                 row + 1);
      column = 0;
      continue;
    }
    size_t n = read_quoted(&p, cell, sizeof cell, lineno);
    if (row == SIZE_MAX || column >= sheet->rows[row].count)
      fail_msg("read_csv.cases line %d: a cell too many", lineno);
    const char *got = sheet->rows[row].cells[column];
    if (strlen(got) != n || memcmp(got, cell, n) != 0)
      fail_msg("read_csv.cases line %d: row %zu cell %zu is \"%s\"", lineno,
               sheet->rows[row].number, column + 1, got);
    column++;
  }
  if (row != SIZE_MAX && column != sheet->rows[row].count)
    fail_msg("read_csv.cases line %d: last row has %zu cells, expected %zu", lineno,
             sheet->rows[row].count, column);
  if (row + 1 != sheet->count)
    fail_msg("read_csv.cases line %d: %zu rows, expected %zu", lineno, sheet->count, row + 1);
}

/* EVIDENCE: SPEC B1 (CSV import: UTF-8 with or without BOM, GB18030; row and column of a
 * bad row); RFC 4180 */
static void csv_read_agrees_with_every_case_of_the_table(void **state) {
  (void)state;
  FILE *f = fopen("data/read_csv.cases", "r");
  assert_non_null(f);
  char line[1024], input[1024];
  int lineno = 0, cases = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    const char *p = skip_blanks(line);
    if (*p == '#' || *p == '\0')
      continue;
    size_t n = read_quoted(&p, input, sizeof input, lineno);
    p = skip_blanks(p);
    if (strncmp(p, "=>", 2) != 0)
      fail_msg("read_csv.cases line %d: expected =>", lineno);
    struct sheet *sheet = NULL;
    struct sh_error err = {0};
    enum sh_status rc = csv_read(input, n, &sheet, &err);
    check_outcome(lineno, p + 2, rc, sheet, &err);
    sheet_free(sheet);
    cases++;
  }
  fclose(f);
  assert_true(cases >= 50);
}

/* ---- Files made by Python ---- */

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s (tests run in tests/unit)", path);
  char *data = malloc(1 << 20);
  assert_non_null(data);
  *len = fread(data, 1, 1 << 20, f);
  fclose(f);
  return data;
}

/* Reads a file and checks its rows against expected, as in the case table. */
static void assert_file_reads_as(const char *path, const char *expected) {
  size_t len;
  char *data = read_file(path, &len);
  struct sheet *sheet = NULL;
  struct sh_error err = {0};
  enum sh_status rc = csv_read(data, len, &sheet, &err);
  check_outcome(0, expected, rc, sheet, &err);
  sheet_free(sheet);
  free(data);
}

/* EVIDENCE: SPEC B1 (GB18030) */
static void csv_read_decodes_gb18030_made_by_python_into_utf8(void **state) {
  (void)state;
  /* "笑脸,😀": U+1F600 is one of GB18030's four-byte sequences (95 32 82 36). */
  assert_file_reads_as("data/read_gb18030.csv",
                       "R1 \"客户名称\" \"电话\" R2 \"华信科技\" \"0571-88886666\" "
                       "R3 \"笑脸\" \"\xF0\x9F\x98\x80\"");
}

/* EVIDENCE: SPEC B1 (UTF-8 with or without BOM) */
static void csv_read_reads_utf8_with_and_without_a_byte_order_mark_alike(void **state) {
  (void)state;
  const char *rows = "R1 \"客户名称\" \"电话\" R2 \"华信科技\" \"0571-88886666\"";
  assert_file_reads_as("data/read_utf8.csv", rows);
  assert_file_reads_as("data/read_utf8_bom.csv", rows);
}

/* EVIDENCE: SPEC B1 (a dry run reports the row and column) */
static void
csv_read_names_the_row_and_column_of_a_byte_sequence_valid_in_no_encoding(void **state) {
  (void)state;
  assert_file_reads_as("data/read_bad_encoding.csv",
                       "error invalid bad_encoding \"row 3, column B\"");
}

/* ---- Ceilings (STYLE.md 11) ---- */

/* Reads text of n bytes and returns the status; sheet and err go to the caller's. */
static enum sh_status read_text(const char *text, size_t n, struct sheet **sheet,
                                struct sh_error *err) {
  sh_error_clear(err);
  return csv_read(text, n, sheet, err);
}

static void csv_read_refuses_a_file_over_64_mib_before_reading_it(void **state) {
  (void)state;
  char *big = calloc(CSV_MAX_FILE_BYTES + 1, 1); /* zero pages: not touched */
  assert_non_null(big);
  struct sheet *sheet = (struct sheet *)big; /* a sentinel: must stay as it is */
  struct sh_error err;
  assert_int_equal(read_text(big, CSV_MAX_FILE_BYTES + 1, &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "file_too_large");
  assert_string_equal(err.field, "file");
  assert_ptr_equal(sheet, big);
  free(big);
}

static void csv_read_takes_a_cell_of_32_kib_and_refuses_one_byte_more(void **state) {
  (void)state;
  size_t n = SHEET_MAX_CELL_BYTES + 3;
  char *text = malloc(n);
  assert_non_null(text);
  struct sheet *sheet = NULL;
  struct sh_error err;
  memset(text, 'a', n);
  assert_int_equal(read_text(text, SHEET_MAX_CELL_BYTES, &sheet, &err), SH_OK);
  assert_int_equal(strlen(sheet->rows[0].cells[0]), SHEET_MAX_CELL_BYTES);
  sheet_free(sheet);
  sheet = NULL;
  assert_int_equal(read_text(text, SHEET_MAX_CELL_BYTES + 1, &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "cell_too_large");
  assert_string_equal(err.detail, "row 1, column A: a cell longer than 32768 bytes");
  assert_null(sheet);
  /* Quoted, the same. */
  text[0] = '"';
  text[n - 1] = '"';
  assert_int_equal(read_text(text, n, &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "cell_too_large");
  free(text);
}

static void csv_read_counts_the_ceiling_of_a_cell_after_decoding_gb18030(void **state) {
  (void)state;
  /* 11 000 × 华 (BB AA): 22 000 bytes of GB18030, 33 000 bytes of UTF-8. */
  size_t n = 2 * 11000;
  char *text = malloc(n);
  assert_non_null(text);
  for (size_t i = 0; i < n; i += 2)
    memcpy(text + i, "\xBB\xAA", 2);
  struct sheet *sheet = NULL;
  struct sh_error err;
  assert_int_equal(read_text(text, n, &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "cell_too_large");
  assert_null(sheet);
  /* 10 000 of them fit: 30 000 bytes. */
  assert_int_equal(read_text(text, 20000, &sheet, &err), SH_OK);
  assert_int_equal(strlen(sheet->rows[0].cells[0]), 30000);
  assert_memory_equal(sheet->rows[0].cells[0], "华华", 6);
  sheet_free(sheet);
  free(text);
}

/* A row of `fields` fields, each "x" or empty. */
static char *make_row(size_t fields, bool filled) {
  char *text = malloc(2 * fields + 1);
  assert_non_null(text);
  size_t n = 0;
  for (size_t i = 0; i < fields; i++) {
    if (i)
      text[n++] = ',';
    if (filled || i + 1 == fields)
      text[n++] = 'x';
  }
  text[n] = '\0';
  return text;
}

static void csv_read_takes_200_columns_and_refuses_a_201st_that_is_not_empty(void **state) {
  (void)state;
  struct sheet *sheet = NULL;
  struct sh_error err;
  char *text = make_row(200, true);
  assert_int_equal(read_text(text, strlen(text), &sheet, &err), SH_OK);
  assert_int_equal(sheet->rows[0].count, 200);
  sheet_free(sheet);
  free(text);
  sheet = NULL;
  text = make_row(201, false);
  assert_int_equal(read_text(text, strlen(text), &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "too_many_columns");
  assert_string_equal(err.detail, "row 1, column GS: more than 200 columns");
  free(text);
  /* Empty fields far to the right cost nothing and are no error. */
  text = make_row(100000, true);
  memset(text + 2, ',', strlen(text) - 2);
  assert_int_equal(read_text(text, strlen(text), &sheet, &err), SH_OK);
  assert_int_equal(sheet->rows[0].count, 1);
  sheet_free(sheet);
  free(text);
}

static void csv_read_numbers_rows_up_to_a_million_and_refuses_more(void **state) {
  (void)state;
  size_t n = SHEET_MAX_ROWS + 1;
  char *text = malloc(n + 1);
  assert_non_null(text);
  memset(text, '\n', n);
  text[SHEET_MAX_ROWS - 1] = 'x'; /* row 1 000 000 */
  struct sheet *sheet = NULL;
  struct sh_error err;
  assert_int_equal(read_text(text, SHEET_MAX_ROWS, &sheet, &err), SH_OK);
  assert_int_equal(sheet->count, 1);
  assert_int_equal(sheet->rows[0].number, SHEET_MAX_ROWS);
  sheet_free(sheet);
  sheet = NULL;
  text[SHEET_MAX_ROWS - 1] = '\n';
  text[SHEET_MAX_ROWS] = 'x'; /* row 1 000 001 */
  assert_int_equal(read_text(text, n, &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "too_many_rows");
  assert_string_equal(err.detail, "row 1000001: more than 1000000 rows");
  assert_null(sheet);
  free(text);
}

static void csv_read_refuses_more_than_four_million_cells(void **state) {
  (void)state;
  /* 20 001 rows of 200 one-letter cells. */
  size_t rows = SHEET_MAX_CELLS / SHEET_MAX_COLUMNS + 1, n = rows * 2 * SHEET_MAX_COLUMNS;
  char *text = malloc(n);
  assert_non_null(text);
  for (size_t i = 0; i < n; i += 2) {
    text[i] = 'x';
    text[i + 1] = (i / 2 + 1) % SHEET_MAX_COLUMNS ? ',' : '\n';
  }
  struct sheet *sheet = NULL;
  struct sh_error err;
  assert_int_equal(read_text(text, n - 2 * SHEET_MAX_COLUMNS, &sheet, &err), SH_OK);
  assert_int_equal(sheet->count, rows - 1);
  sheet_free(sheet);
  sheet = NULL;
  assert_int_equal(read_text(text, n, &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "too_many_cells");
  assert_string_equal(err.detail, "row 20001, column A: more than 4000000 cells");
  assert_null(sheet);
  free(text);
}

/* ---- The sheet and its builder ---- */

static void sheet_column_name_counts_like_excel(void **state) {
  (void)state;
  static const struct {
    size_t column;
    const char *name;
  } cases[] = {{0, "A"},
               {25, "Z"},
               {26, "AA"},
               {51, "AZ"},
               {52, "BA"},
               {199, "GR"},
               {200, "GS"},
               {701, "ZZ"},
               {702, "AAA"},
               {16383, "XFD"},
               {SIZE_MAX - 1, "GKGWBYLWRXTLPO"}};
  char name[SHEET_COLUMN_NAME_LEN];
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    sheet_column_name(cases[i].column, name);
    assert_string_equal(name, cases[i].name);
  }
}

static void sheet_cell_answers_empty_text_past_the_last_cell(void **state) {
  (void)state;
  struct sheet *sheet = NULL;
  struct sh_error err;
  assert_int_equal(read_text("a,,c", 4, &sheet, &err), SH_OK);
  assert_string_equal(sheet_cell(&sheet->rows[0], 0), "a");
  assert_string_equal(sheet_cell(&sheet->rows[0], 1), "");
  assert_string_equal(sheet_cell(&sheet->rows[0], 2), "c");
  assert_string_equal(sheet_cell(&sheet->rows[0], 3), "");
  assert_string_equal(sheet_cell(&sheet->rows[0], SIZE_MAX), "");
  sheet_free(sheet);
  sheet_free(NULL);
}

static void sheet_builder_refuses_more_than_128_mib_of_text(void **state) {
  (void)state;
  static char cell[SHEET_MAX_CELL_BYTES];
  memset(cell, 'a', sizeof cell);
  struct sheet_builder b;
  struct sh_error err = {0};
  enum sh_status rc = SH_OK;
  size_t cells = 0;
  sheet_builder_init(&b);
  for (size_t row = 1; rc == SH_OK; row++) {
    assert_int_equal(sheet_builder_start_row(&b, row, &err), SH_OK);
    for (size_t column = 0; rc == SH_OK && column < SHEET_MAX_COLUMNS; column++, cells++)
      rc = sheet_builder_add_cell(&b, column, cell, sizeof cell, &err);
  }
  assert_int_equal(rc, SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "sheet_too_large");
  /* Each cell costs its text and a NUL: the 4096th cell no longer fits. */
  assert_int_equal(cells, SHEET_MAX_TEXT_BYTES / (sizeof cell + 1) + 1);
  sheet_builder_free(&b);
}

static void sheet_builder_finishes_an_empty_sheet_and_frees_twice_safely(void **state) {
  (void)state;
  struct sheet_builder b;
  struct sheet *sheet = NULL;
  sheet_builder_init(&b);
  assert_int_equal(sheet_builder_start_row(&b, 7, NULL), SH_OK);
  assert_int_equal(sheet_builder_add_cell(&b, 3, "", 0, NULL), SH_OK);
  assert_int_equal(sheet_builder_finish(&b, &sheet, NULL), SH_OK);
  assert_non_null(sheet);
  assert_int_equal(sheet->count, 0);
  sheet_builder_free(&b);
  sheet_builder_free(&b);
  sheet_free(sheet);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(csv_read_agrees_with_every_case_of_the_table),
      cmocka_unit_test(csv_read_decodes_gb18030_made_by_python_into_utf8),
      cmocka_unit_test(csv_read_reads_utf8_with_and_without_a_byte_order_mark_alike),
      cmocka_unit_test(csv_read_names_the_row_and_column_of_a_byte_sequence_valid_in_no_encoding),
      cmocka_unit_test(csv_read_refuses_a_file_over_64_mib_before_reading_it),
      cmocka_unit_test(csv_read_takes_a_cell_of_32_kib_and_refuses_one_byte_more),
      cmocka_unit_test(csv_read_counts_the_ceiling_of_a_cell_after_decoding_gb18030),
      cmocka_unit_test(csv_read_takes_200_columns_and_refuses_a_201st_that_is_not_empty),
      cmocka_unit_test(csv_read_numbers_rows_up_to_a_million_and_refuses_more),
      cmocka_unit_test(csv_read_refuses_more_than_four_million_cells),
      cmocka_unit_test(sheet_column_name_counts_like_excel),
      cmocka_unit_test(sheet_cell_answers_empty_text_past_the_last_cell),
      cmocka_unit_test(sheet_builder_refuses_more_than_128_mib_of_text),
      cmocka_unit_test(sheet_builder_finishes_an_empty_sheet_and_frees_twice_safely),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
