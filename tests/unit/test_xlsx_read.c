/* test_xlsx_read.c — src/export/xlsx_read.c: .xlsx uploads read into a sheet (SPEC B1:
 * "Import customers, projects and equipment from the spreadsheets users already have … .xlsx.
 * A dry run reports every bad row with its row number, column and reason"), and the ceilings
 * that keep an untrusted upload from costing more than they allow (DESIGN.md quality bar:
 * "Every … Excel import is untrusted: size limits, UTF-8 checked, a clear 4xx error").
 *
 * Cases are tables under tests/unit/data/ (read_xlsx_sheet, read_xlsx_serial,
 * read_xlsx_formats), one a line. Whole workbooks come from openpyxl and by hand
 * (read_make_fixtures.py), from libxlsxwriter, and from libzip here for the hostile ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "../../src/export/xlsx_read.h"

/* ---- Case tables ---- */

static const char *skip_blanks(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

/* Reads the double-quoted string at *p (escapes \n \r \t \" \\ \xHH) into out; returns its
 * length and moves *p past it. */
static size_t read_quoted(const char **p, char *out, size_t max, int lineno) {
  const char *s = *p;
  size_t n = 0;
  if (*s++ != '"')
    fail_msg("case line %d: expected a quoted string at \"%s\"", lineno, *p);
  while (*s != '"') {
    char c = *s++;
    if (c == '\0')
      fail_msg("case line %d: unterminated string", lineno);
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
          fail_msg("case line %d: bad \\x escape", lineno);
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

/* Checks a reader's outcome against the expected text of a case: rows "R<n>" and their
 * quoted cells, or "error <status> <code> "<detail piece>"" (as in test_csv_read.c). */
static void check_outcome(int lineno, const char *expected, enum sh_status rc,
                          const struct sheet *sheet, const struct sh_error *err) {
  static char cell[4096];
  const char *p = skip_blanks(expected);
  if (strncmp(p, "error", 5) == 0) {
    char status[32], code[48];
    int used;
    if (sscanf(p, "error %31s %47s %n", status, code, &used) != 2)
      fail_msg("case line %d: bad error line", lineno);
    p += used;
    size_t n = read_quoted(&p, cell, sizeof cell - 1, lineno);
    cell[n] = '\0';
    if (rc == SH_OK || strcmp(sh_strerror(rc), status) != 0 || strcmp(err->code, code) != 0 ||
        !strstr(err->detail, cell) || strcmp(err->field, "file") != 0)
      fail_msg("case line %d: expected %s %s \"%s\", got %s %s \"%s\"", lineno, status, code, cell,
               sh_strerror(rc), err->code, err->detail);
    return;
  }
  if (rc != SH_OK)
    fail_msg("case line %d: failed with %s: %s", lineno, err->code, err->detail);
  size_t row = SIZE_MAX, column = 0;
  for (p = skip_blanks(p); *p; p = skip_blanks(p)) {
    if (*p == 'R') {
      char *end;
      size_t number = strtoul(p + 1, &end, 10);
      p = end;
      if (row != SIZE_MAX && column != sheet->rows[row].count)
        fail_msg("case line %d: row %zu has %zu cells, expected %zu", lineno,
                 sheet->rows[row].number, sheet->rows[row].count, column);
      if (++row >= sheet->count || sheet->rows[row].number != number)
        fail_msg("case line %d: expected row %zu as stored row %zu", lineno, number, row + 1);
      column = 0;
      continue;
    }
    size_t n = read_quoted(&p, cell, sizeof cell, lineno);
    if (row == SIZE_MAX || column >= sheet->rows[row].count)
      fail_msg("case line %d: a cell too many", lineno);
    const char *got = sheet->rows[row].cells[column];
    if (strlen(got) != n || memcmp(got, cell, n) != 0)
      fail_msg("case line %d: row %zu cell %zu is \"%s\"", lineno, sheet->rows[row].number,
               column + 1, got);
    column++;
  }
  if (row != SIZE_MAX && column != sheet->rows[row].count)
    fail_msg("case line %d: last row has %zu cells, expected %zu", lineno, sheet->rows[row].count,
             column);
  if (row + 1 != sheet->count)
    fail_msg("case line %d: %zu rows, expected %zu", lineno, sheet->count, row + 1);
}

/* ---- Workbooks made here with libzip ---- */

struct entry {
  const char *name;
  const void *data;
  size_t len; /* 0: strlen(data) */
};

/* Zips the entries (deflated) into a new buffer; the caller frees it. */
static void *make_zip(const struct entry *entries, size_t count, size_t *len) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *out = zip_source_buffer_create(NULL, 0, 0, &error);
  assert_non_null(out);
  zip_source_keep(out);
  zip_t *zip = zip_open_from_source(out, ZIP_TRUNCATE, &error);
  assert_non_null(zip);
  for (size_t i = 0; i < count; i++) {
    size_t n = entries[i].len ? entries[i].len : strlen(entries[i].data);
    zip_source_t *s = zip_source_buffer(zip, entries[i].data, n, 0);
    zip_int64_t index = zip_file_add(zip, entries[i].name, s, ZIP_FL_ENC_UTF_8);
    assert_true(index >= 0);
    assert_int_equal(zip_set_file_compression(zip, (zip_uint64_t)index, ZIP_CM_DEFLATE, 1), 0);
  }
  assert_int_equal(zip_close(zip), 0);
  assert_int_equal(zip_source_open(out), 0);
  assert_int_equal(zip_source_seek(out, 0, SEEK_END), 0);
  zip_int64_t size = zip_source_tell(out);
  assert_int_equal(zip_source_seek(out, 0, SEEK_SET), 0);
  void *data = malloc((size_t)size);
  assert_non_null(data);
  assert_int_equal(zip_source_read(out, data, (zip_uint64_t)size), size);
  zip_source_close(out);
  zip_source_free(out);
  zip_error_fini(&error);
  *len = (size_t)size;
  return data;
}

#define MAIN_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define RELS_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define PACKAGE_RELS                                                                               \
  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"

static const char root_rels[] =
    PACKAGE_RELS "<Relationship Id=\"rId1\" Type=\"" RELS_NS "/officeDocument\" "
                 "Target=\"xl/workbook.xml\"/></Relationships>";
static const char workbook[] =
    "<workbook xmlns=\"" MAIN_NS "\" xmlns:r=\"" RELS_NS "\"><sheets>"
    "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char workbook_rels[] =
    PACKAGE_RELS "<Relationship Id=\"rId1\" Type=\"" RELS_NS "/worksheet\" "
                 "Target=\"worksheets/sheet1.xml\"/>"
                 "<Relationship Id=\"rId2\" Type=\"" RELS_NS "/sharedStrings\" "
                 "Target=\"sharedStrings.xml\"/>"
                 "<Relationship Id=\"rId3\" Type=\"" RELS_NS "/styles\" Target=\"styles.xml\"/>"
                 "</Relationships>";
/* The shared strings and cell formats that read_xlsx_sheet.cases describes. */
static const char shared_strings[] =
    "<sst xmlns=\"" MAIN_NS "\"><si><t>零</t></si>"
    "<si><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r><rPh><t>ふ</t></rPh></si>"
    "<si><t>a_x000D_b</t></si><si><t/></si></sst>";
static const char styles[] =
    "<styleSheet xmlns=\"" MAIN_NS "\"><numFmts count=\"3\">"
    "<numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"h:mm\"/>"
    "<numFmt numFmtId=\"166\" formatCode=\"[$-804]yyyy/m/d;@\"/></numFmts>"
    "<cellXfs count=\"7\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"22\"/>"
    "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"10\"/><xf numFmtId=\"166\"/>"
    "</cellXfs></styleSheet>";

/* A workbook of the standard parts above around a worksheet part of n bytes (0: strlen). */
static void *make_workbook(const char *sheet, size_t n, size_t *len) {
  const struct entry entries[] = {
      {"_rels/.rels", root_rels, 0},
      {"xl/workbook.xml", workbook, 0},
      {"xl/_rels/workbook.xml.rels", workbook_rels, 0},
      {"xl/sharedStrings.xml", shared_strings, 0},
      {"xl/styles.xml", styles, 0},
      {"xl/worksheets/sheet1.xml", sheet, n},
  };
  return make_zip(entries, sizeof entries / sizeof *entries, len);
}

/* The same around <sheetData> holding `rows`. */
static void *make_workbook_rows(const char *rows, size_t *len) {
  static const char head[] = "<worksheet xmlns=\"" MAIN_NS "\"><sheetData>";
  static const char tail[] = "</sheetData></worksheet>";
  size_t n = strlen(head) + strlen(rows) + strlen(tail);
  char *sheet = malloc(n + 1);
  assert_non_null(sheet);
  snprintf(sheet, n + 1, "%s%s%s", head, rows, tail);
  void *zip = make_workbook(sheet, n, len);
  free(sheet);
  return zip;
}

/* Reads data and returns the status, leaving the sheet and the error to the caller. */
static enum sh_status read_xlsx(const void *data, size_t len, struct sheet **sheet,
                                struct sh_error *err) {
  sh_error_clear(err);
  *sheet = NULL;
  return xlsx_read(data, len, sheet, err);
}

/* EVIDENCE: SPEC B1 (.xlsx import; row number, column and reason of a bad row) */
static void xlsx_read_agrees_with_every_case_of_the_sheet_table(void **state) {
  (void)state;
  FILE *f = fopen("data/read_xlsx_sheet.cases", "r");
  assert_non_null(f);
  char line[2048];
  int lineno = 0, cases = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    const char *p = skip_blanks(line);
    if (*p == '#' || *p == '\0')
      continue;
    char *arrow = strstr(line, "=>");
    if (!arrow)
      fail_msg("read_xlsx_sheet.cases line %d: no =>", lineno);
    *arrow = '\0';
    for (char *end = arrow; end > line && (end[-1] == ' ' || end[-1] == '\t');)
      *--end = '\0';
    size_t len;
    void *zip = make_workbook_rows(p, &len);
    struct sheet *sheet;
    struct sh_error err;
    enum sh_status rc = read_xlsx(zip, len, &sheet, &err);
    check_outcome(lineno, arrow + 2, rc, sheet, &err);
    sheet_free(sheet);
    free(zip);
    cases++;
  }
  fclose(f);
  assert_true(cases >= 40);
}

/* EVIDENCE: SPEC B1 (dates in .xlsx imports) */
static void xlsx_serial_text_agrees_with_every_case_of_the_table(void **state) {
  (void)state;
  FILE *f = fopen("data/read_xlsx_serial.cases", "r");
  assert_non_null(f);
  char line[256];
  int lineno = 0, cases = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *hash = strchr(line, '#');
    if (hash)
      *hash = '\0';
    char serial[64], format[16];
    unsigned system;
    int used;
    if (sscanf(line, " %63s %15s %u %n", serial, format, &system, &used) != 3)
      continue;
    char *expected = line + used;
    for (size_t n = strlen(expected); n && strchr(" \t\r\n", expected[n - 1]); n--)
      expected[n - 1] = '\0';
    enum xlsx_format kind = strcmp(format, "date") == 0 ? XLSX_FORMAT_DATE : XLSX_FORMAT_DATETIME;
    assert_true(kind == XLSX_FORMAT_DATE || strcmp(format, "datetime") == 0);
    char out[XLSX_DATE_TEXT_LEN] = "untouched";
    bool ok = xlsx_serial_text(serial, kind, system == 1904, out);
    if (strcmp(expected, "-") == 0 ? ok || strcmp(out, "untouched") != 0
                                   : !ok || strcmp(out, expected) != 0)
      fail_msg("read_xlsx_serial.cases line %d: %s gave %s \"%s\"", lineno, serial,
               ok ? "true" : "false", out);
    cases++;
  }
  fclose(f);
  assert_true(cases >= 30);
}

/* EVIDENCE: SPEC B1 (dates in .xlsx imports) */
static void xlsx_custom_format_agrees_with_every_case_of_the_table(void **state) {
  (void)state;
  FILE *f = fopen("data/read_xlsx_formats.cases", "r");
  assert_non_null(f);
  char line[256];
  int lineno = 0, cases = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char kind[16];
    int used;
    if (line[0] == '#' || sscanf(line, " %15s %n", kind, &used) != 1)
      continue;
    char *code = line + used;
    code[strcspn(code, "\r\n")] = '\0';
    enum xlsx_format expected = strcmp(kind, "date") == 0       ? XLSX_FORMAT_DATE
                                : strcmp(kind, "datetime") == 0 ? XLSX_FORMAT_DATETIME
                                                                : XLSX_FORMAT_NUMBER;
    assert_true(expected != XLSX_FORMAT_NUMBER || strcmp(kind, "number") == 0);
    if (xlsx_custom_format(code) != expected)
      fail_msg("read_xlsx_formats.cases line %d: %s is not %s", lineno, code, kind);
    cases++;
  }
  fclose(f);
  assert_true(cases >= 30);
}

static void xlsx_builtin_format_knows_the_date_ids(void **state) {
  (void)state;
  /* ECMA-376 Part 1 §18.8.30: 14-17 and 22; the CJK locales' 27-31, 36, 50-54, 57-58. */
  for (unsigned id = 0; id < 300; id++) {
    enum xlsx_format expected = XLSX_FORMAT_NUMBER;
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) ||
        id == 57 || id == 58)
      expected = XLSX_FORMAT_DATE;
    if (id == 22)
      expected = XLSX_FORMAT_DATETIME;
    if (xlsx_builtin_format(id) != expected)
      fail_msg("built-in format %u", id);
  }
}

/* ---- Workbooks made by other programs ---- */

static void *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s (tests run in tests/unit)", path);
  char *data = malloc(1 << 20);
  assert_non_null(data);
  *len = fread(data, 1, 1 << 20, f);
  fclose(f);
  return data;
}

static void assert_file_reads_as(const char *path, const char *expected) {
  size_t len;
  void *data = read_file(path, &len);
  struct sheet *sheet;
  struct sh_error err;
  enum sh_status rc = read_xlsx(data, len, &sheet, &err);
  check_outcome(0, expected, rc, sheet, &err);
  sheet_free(sheet);
  free(data);
}

/* EVIDENCE: SPEC B1 (.xlsx import) */
static void xlsx_read_reads_a_workbook_made_by_openpyxl(void **state) {
  (void)state;
  /* Inline strings in Chinese, numbers as written, a date and a date-time with custom
   * formats, a date with built-in format 14, a Chinese date format, TRUE and FALSE, the
   * empty C3, the blank row 4, a percentage kept a number; the second sheet not read. */
  assert_file_reads_as("data/read_customers.xlsx",
                       "R1 \"客户名称\" \"电话\" \"数量\" \"单价\" \"安装日期\" \"登记时间\" "
                       "\"在保\" \"备注\" "
                       "R2 \"华信科技\" \"0571-88886666\" \"3\" \"1234.5\" \"2026-11-28\" "
                       "\"2026-11-28 14:30:00\" \"TRUE\" \"第一行\\n第二行\" "
                       "R3 \"东方电气\" \"13800138000\" \"\" \"0.1\" \"2025-01-31\" \"\" "
                       "\"FALSE\" \"-7\" "
                       "R5 \"西湖水务\" \"\" \"\" \"\" \"2024-02-29\" \"0.25\"");
}

/* EVIDENCE: SPEC B1 (row numbers as the user sees them) */
static void xlsx_read_numbers_rows_as_excel_does_when_the_first_rows_are_empty(void **state) {
  (void)state;
  assert_file_reads_as("data/read_offset.xlsx",
                       "R3 \"\" \"名称\" \"型号\" R4 \"\" \"空压机\" \"GA-37\"");
}

/* EVIDENCE: SPEC B1 (.xlsx import) */
static void xlsx_read_reads_a_handmade_workbook_with_prefixes_and_shared_strings(void **state) {
  (void)state;
  /* The first sheet in tab order is stored as sheet2.xml and named by an absolute target; the
   * parts use an "x:" prefix; see read_make_fixtures.py for each cell. */
  assert_file_reads_as("data/read_handmade.xlsx",
                       "R1 \"售后服务\" \"华信科技 \" \"第一行\\r\\n第二行 _x0041_\" "
                       "\"  两端空格  \" "
                       "R2 \"行内文字\" \"空压机\" \"A\\rB\" \"售后服务!\" \"#DIV/0!\" \"TRUE\" "
                       "R3 \"1\" \"2\" \"\" \"4\" \"5\" "
                       "R6 \"2026-11-28\" \"2026-11-28 18:00:00\" \"2024-02-29\" \"0.5\" "
                       "\"2026-11-28\"");
}

/* EVIDENCE: SPEC B1 (dates in .xlsx imports) */
static void xlsx_read_counts_days_from_1904_when_the_workbook_says_so(void **state) {
  (void)state;
  assert_file_reads_as("data/read_date1904.xlsx", "R1 \"1904-01-01\" \"2026-11-28\"");
}

/* EVIDENCE: SPEC B1 (.xlsx import) */
static void xlsx_read_reads_what_libxlsxwriter_writes(void **state) {
  (void)state;
  char path[64];
  snprintf(path, sizeof path, "/tmp/test_xlsx_read_%ld.xlsx", (long)getpid());
  lxw_workbook *book = workbook_new(path);
  lxw_worksheet *sheet = workbook_add_worksheet(book, "客户");
  lxw_format *date = workbook_add_format(book);
  format_set_num_format(date, "yyyy-mm-dd");
  lxw_datetime when = {2026, 11, 28, 0, 0, 0};
  worksheet_write_string(sheet, 0, 0, "客户名称", NULL);
  worksheet_write_string(sheet, 0, 1, "安装日期", NULL);
  worksheet_write_string(sheet, 2, 0, "华信科技", NULL);
  worksheet_write_datetime(sheet, 2, 1, &when, date);
  worksheet_write_number(sheet, 2, 3, 1234.5, NULL);
  worksheet_write_boolean(sheet, 2, 4, 1, NULL);
  worksheet_write_string(sheet, 3, 0, "客户名称", NULL); /* the same shared string again */
  assert_int_equal(workbook_close(book), LXW_NO_ERROR);
  assert_file_reads_as(path, "R1 \"客户名称\" \"安装日期\" "
                             "R3 \"华信科技\" \"2026-11-28\" \"\" \"1234.5\" \"TRUE\" "
                             "R4 \"客户名称\"");
  unlink(path);
}

/* ---- Hostile and broken files ---- */

/* A workbook whose sheet part is `n` bytes: an open <worksheet>, then spaces. */
static void *make_spacious_workbook(size_t n, size_t *len) {
  static const char head[] = "<worksheet xmlns=\"" MAIN_NS "\">";
  char *sheet = malloc(n);
  assert_non_null(sheet);
  memset(sheet, ' ', n);
  memcpy(sheet, head, strlen(head));
  void *zip = make_workbook(sheet, n, len);
  free(sheet);
  return zip;
}

/* EVIDENCE: DESIGN.md quality bar (size limits on every Excel import) */
static void xlsx_read_refuses_a_zip_bomb_by_its_declared_size(void **state) {
  (void)state;
  size_t len;
  void *zip = make_spacious_workbook(XLSX_MAX_UNZIPPED_BYTES + 1, &len);
  assert_true(len < 2 * 1024 * 1024); /* a small file */
  struct sheet *sheet;
  struct sh_error err;
  assert_int_equal(read_xlsx(zip, len, &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "unzipped_too_large");
  assert_null(sheet);
  free(zip);
}

/* Overwrites the uncompressed size of every entry named `name` with `size`, in its local
 * header and in the central directory, as a lying archive would. */
static void lie_about_size(unsigned char *zip, size_t len, const char *name, uint32_t size) {
  size_t k = strlen(name), patched = 0;
  for (size_t at = 0; at + 46 + k <= len; at++) {
    size_t field = 0, name_at = 0;
    if (memcmp(zip + at, "PK\3\4", 4) == 0)
      field = at + 22, name_at = at + 30;
    else if (memcmp(zip + at, "PK\1\2", 4) == 0)
      field = at + 24, name_at = at + 46;
    else
      continue;
    if (memcmp(zip + name_at, name, k) != 0)
      continue;
    for (int i = 0; i < 4; i++)
      zip[field + i] = (unsigned char)(size >> (8 * i));
    patched++;
  }
  assert_int_equal(patched, 2);
}

/* EVIDENCE: DESIGN.md quality bar (size limits on every Excel import) */
static void xlsx_read_refuses_a_zip_bomb_whose_header_lies_by_counting_bytes(void **state) {
  (void)state;
  size_t len;
  unsigned char *zip = make_spacious_workbook(XLSX_MAX_UNZIPPED_BYTES + 1, &len);
  lie_about_size(zip, len, "xl/worksheets/sheet1.xml", 1000);
  struct sheet *sheet;
  struct sh_error err;
  assert_int_equal(read_xlsx(zip, len, &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "unzipped_too_large");
  assert_null(sheet);
  free(zip);
}

static void xlsx_read_refuses_a_file_over_64_mib_before_reading_it(void **state) {
  (void)state;
  char *big = calloc(XLSX_MAX_FILE_BYTES + 1, 1);
  assert_non_null(big);
  struct sheet *sheet = (struct sheet *)big; /* a sentinel: must stay as it is */
  struct sh_error err = {0};
  assert_int_equal(xlsx_read(big, XLSX_MAX_FILE_BYTES + 1, &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "file_too_large");
  assert_ptr_equal(sheet, big);
  free(big);
}

/* EVIDENCE: DESIGN.md quality bar (a clear 4xx error, nothing half-written) */
static void xlsx_read_refuses_a_truncated_file(void **state) {
  (void)state;
  size_t len;
  void *data = read_file("data/read_customers.xlsx", &len);
  struct sheet *sheet;
  struct sh_error err;
  size_t cuts[] = {len - 1, len - 22, len / 2, 100, 4, 0};
  for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
    assert_int_equal(read_xlsx(data, cuts[i], &sheet, &err), SH_ERR_INVALID);
    assert_string_equal(err.code, "bad_xlsx");
    assert_string_equal(err.field, "file");
    assert_null(sheet);
  }
  free(data);
}

static void xlsx_read_refuses_random_bytes(void **state) {
  (void)state;
  unsigned char data[4096];
  uint64_t seed = 0x9E3779B97F4A7C15u;
  for (int round = 0; round < 200; round++) {
    size_t len = (size_t)round * 20 % sizeof data;
    for (size_t i = 0; i < len; i++) {
      seed = seed * 6364136223846793005u + 1442695040888963407u;
      data[i] = (unsigned char)(seed >> 56);
    }
    if (round % 2 && len >= 4)
      memcpy(data, "PK\3\4", 4); /* looks like a zip at first sight */
    struct sheet *sheet;
    struct sh_error err;
    assert_int_equal(read_xlsx(data, len, &sheet, &err), SH_ERR_INVALID);
    assert_string_equal(err.code, "bad_xlsx");
    assert_null(sheet);
  }
}

static void xlsx_read_tells_an_old_xls_file_apart(void **state) {
  (void)state;
  static const unsigned char xls[512] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
  struct sheet *sheet;
  struct sh_error err;
  assert_int_equal(read_xlsx(xls, sizeof xls, &sheet, &err), SH_ERR_INVALID);
  assert_string_equal(err.code, "bad_xlsx");
  assert_string_equal(err.detail, "an old .xls workbook: save it as .xlsx");
}

/* Reads a workbook around a whole worksheet part and checks the error code. */
static void assert_sheet_refused(const char *sheet_xml, size_t n, enum sh_status status,
                                 const char *code) {
  size_t len;
  void *zip = make_workbook(sheet_xml, n, &len);
  struct sheet *sheet;
  struct sh_error err;
  assert_int_equal(read_xlsx(zip, len, &sheet, &err), status);
  assert_string_equal(err.code, code);
  assert_null(sheet);
  free(zip);
}

/* EVIDENCE: DESIGN.md quality bar (untrusted imports) */
static void xlsx_read_refuses_a_dtd_so_no_entity_is_ever_expanded(void **state) {
  (void)state;
  assert_sheet_refused("<?xml version=\"1.0\"?><!DOCTYPE worksheet ["
                       "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">"
                       "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                       "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
                       "<worksheet xmlns=\"" MAIN_NS "\"><sheetData><row r=\"1\">"
                       "<c r=\"A1\" t=\"inlineStr\"><is><t>&c;&c;&c;</t></is></c>"
                       "</row></sheetData></worksheet>",
                       0, SH_ERR_INVALID, "bad_xlsx");
  assert_sheet_refused("<!DOCTYPE worksheet SYSTEM \"file:///etc/passwd\"><worksheet/>", 0,
                       SH_ERR_INVALID, "bad_xlsx");
}

static void xlsx_read_refuses_xml_nested_more_than_64_deep(void **state) {
  (void)state;
  char deep[2048] = "";
  size_t n = 0;
  for (int i = 0; i < XLSX_MAX_XML_DEPTH; i++)
    n += (size_t)snprintf(deep + n, sizeof deep - n, "<a>");
  for (int i = 0; i < XLSX_MAX_XML_DEPTH; i++)
    n += (size_t)snprintf(deep + n, sizeof deep - n, "</a>");
  size_t len;
  void *zip = make_workbook(deep, n, &len); /* 64 deep: read, no rows */
  struct sheet *sheet;
  struct sh_error err;
  assert_int_equal(read_xlsx(zip, len, &sheet, &err), SH_OK);
  assert_int_equal(sheet->count, 0);
  sheet_free(sheet);
  free(zip);
  memmove(deep + 3, deep, n);
  memcpy(deep, "<a>", 3);
  memcpy(deep + n + 3, "</a>", 4);
  assert_sheet_refused(deep, n + 7, SH_ERR_TOO_LARGE, "xml_too_deep");
}

static void xlsx_read_refuses_a_start_tag_too_large_for_the_parser(void **state) {
  (void)state;
  /* One attribute of 2 MiB: expat must hold the whole tag. */
  size_t n = 2 * 1024 * 1024;
  char *sheet_xml = malloc(n);
  assert_non_null(sheet_xml);
  memset(sheet_xml, 'x', n);
  memcpy(sheet_xml, "<worksheet a=\"", 14);
  memcpy(sheet_xml + n - 3, "\"/>", 3);
  assert_sheet_refused(sheet_xml, n, SH_ERR_TOO_LARGE, "xml_too_large");
  free(sheet_xml);
}

static void xlsx_read_takes_a_cell_of_32_kib_and_refuses_one_byte_more(void **state) {
  (void)state;
  static const char head[] = "<worksheet><sheetData><row r=\"1\"><c r=\"B1\" t=\"inlineStr\">"
                             "<is><t>";
  static const char tail[] = "</t></is></c></row></sheetData></worksheet>";
  for (size_t cell = SHEET_MAX_CELL_BYTES; cell <= SHEET_MAX_CELL_BYTES + 1; cell++) {
    size_t n = strlen(head) + cell + strlen(tail), len;
    char *xml = malloc(n);
    assert_non_null(xml);
    memcpy(xml, head, strlen(head));
    memset(xml + strlen(head), 'a', cell);
    memcpy(xml + strlen(head) + cell, tail, strlen(tail));
    void *zip = make_workbook(xml, n, &len);
    struct sheet *sheet;
    struct sh_error err;
    enum sh_status rc = read_xlsx(zip, len, &sheet, &err);
    if (cell == SHEET_MAX_CELL_BYTES) {
      assert_int_equal(rc, SH_OK);
      assert_int_equal(strlen(sheet->rows[0].cells[1]), cell);
    } else {
      assert_int_equal(rc, SH_ERR_TOO_LARGE);
      assert_string_equal(err.code, "cell_too_large");
      assert_string_equal(err.detail, "row 1, column B: a cell longer than 32768 bytes");
    }
    sheet_free(sheet);
    free(zip);
    free(xml);
  }
}

static void xlsx_read_refuses_more_than_a_million_shared_strings(void **state) {
  (void)state;
  static const char head[] = "<sst>", tail[] = "</sst>";
  size_t count = XLSX_MAX_SHARED_STRINGS + 1, n = strlen(head) + 5 * count + strlen(tail), len;
  char *sst = malloc(n);
  assert_non_null(sst);
  memcpy(sst, head, strlen(head));
  for (size_t i = 0; i < count; i++)
    memcpy(sst + strlen(head) + 5 * i, "<si/>", 5);
  memcpy(sst + n - strlen(tail), tail, strlen(tail));
  const struct entry entries[] = {
      {"_rels/.rels", root_rels, 0},
      {"xl/workbook.xml", workbook, 0},
      {"xl/_rels/workbook.xml.rels", workbook_rels, 0},
      {"xl/sharedStrings.xml", sst, n},
      {"xl/worksheets/sheet1.xml", "<worksheet/>", 0},
  };
  void *zip = make_zip(entries, sizeof entries / sizeof *entries, &len);
  struct sheet *sheet;
  struct sh_error err;
  assert_int_equal(read_xlsx(zip, len, &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "too_many_shared_strings");
  free(zip);
  free(sst);
}

/* Styles of `custom` custom number formats (ids from 164) and `cells` cell formats, each using
 * the custom format of its index modulo `custom`; the last custom one shows a date. */
static char *make_styles(size_t custom, size_t cells, size_t *n) {
  size_t max = 64 + custom * 64 + cells * 32;
  char *xml = malloc(max);
  assert_non_null(xml);
  size_t k = (size_t)snprintf(xml, max, "<styleSheet><numFmts>");
  for (size_t i = 0; i < custom; i++)
    k += (size_t)snprintf(xml + k, max - k, "<numFmt numFmtId=\"%zu\" formatCode=\"%s\"/>", 164 + i,
                          i + 1 == custom ? "yy-m-d" : "0.0");
  k += (size_t)snprintf(xml + k, max - k, "</numFmts><cellXfs>");
  for (size_t i = 0; i < cells; i++)
    k += (size_t)snprintf(xml + k, max - k, "<xf numFmtId=\"%zu\"/>", 164 + i % custom);
  k += (size_t)snprintf(xml + k, max - k, "</cellXfs></styleSheet>");
  *n = k;
  return xml;
}

static void xlsx_read_takes_65536_formats_and_refuses_one_more(void **state) {
  (void)state;
  size_t n, len;
  char *xml = make_styles(XLSX_MAX_STYLES, XLSX_MAX_STYLES, &n);
  struct entry entries[] = {
      {"_rels/.rels", root_rels, 0},
      {"xl/workbook.xml", workbook, 0},
      {"xl/_rels/workbook.xml.rels", workbook_rels, 0},
      {"xl/styles.xml", xml, n},
      {"xl/worksheets/sheet1.xml",
       "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" s=\"65535\"><v>46354</v></c>"
       "<c r=\"B1\" s=\"65534\"><v>46354</v></c></row></sheetData></worksheet>",
       0},
  };
  void *zip = make_zip(entries, sizeof entries / sizeof *entries, &len);
  struct sheet *sheet;
  struct sh_error err;
  enum sh_status rc = read_xlsx(zip, len, &sheet, &err);
  check_outcome(0, "R1 \"2026-11-28\" \"46354\"", rc, sheet, &err);
  sheet_free(sheet);
  free(zip);
  free(xml);
  xml = make_styles(1, XLSX_MAX_STYLES + 1, &n);
  entries[3].len = n;
  entries[3].data = xml;
  zip = make_zip(entries, sizeof entries / sizeof *entries, &len);
  assert_int_equal(read_xlsx(zip, len, &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "too_many_styles");
  free(zip);
  free(xml);
}

static void xlsx_read_names_the_cell_of_a_shared_string_over_32_kib(void **state) {
  (void)state;
  size_t n = 16 + SHEET_MAX_CELL_BYTES + 1 + 16, len;
  char *sst = malloc(n);
  assert_non_null(sst);
  memset(sst, 'a', n);
  memcpy(sst, "<sst><si><t>", 12);
  memcpy(sst + n - 16, "</t></si></sst> ", 16);
  const struct entry entries[] = {
      {"_rels/.rels", root_rels, 0},
      {"xl/workbook.xml", workbook, 0},
      {"xl/_rels/workbook.xml.rels", workbook_rels, 0},
      {"xl/sharedStrings.xml", sst, n},
      {"xl/worksheets/sheet1.xml",
       "<worksheet><sheetData><row r=\"4\"><c r=\"C4\" t=\"s\"><v>0</v></c></row>"
       "</sheetData></worksheet>",
       0},
  };
  void *zip = make_zip(entries, sizeof entries / sizeof *entries, &len);
  struct sheet *sheet;
  struct sh_error err;
  assert_int_equal(read_xlsx(zip, len, &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "cell_too_large");
  assert_string_equal(err.detail, "row 4, column C: a cell longer than 32768 bytes");
  free(zip);
  free(sst);
}

static void xlsx_read_refuses_an_archive_of_more_than_10000_entries(void **state) {
  (void)state;
  size_t count = XLSX_MAX_ZIP_ENTRIES + 1, len;
  struct entry *entries = calloc(count, sizeof *entries);
  char(*names)[16] = calloc(count, sizeof *names);
  assert_true(entries && names);
  for (size_t i = 0; i < count; i++) {
    snprintf(names[i], sizeof *names, "e%zu", i);
    entries[i] = (struct entry){names[i], "x", 0};
  }
  void *zip = make_zip(entries, count, &len);
  struct sheet *sheet;
  struct sh_error err;
  assert_int_equal(read_xlsx(zip, len, &sheet, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "too_many_zip_entries");
  free(zip);
  free(names);
  free(entries);
}

/* Reads a workbook of the given parts and checks the error code and a piece of the detail. */
static void assert_parts_refused(const struct entry *entries, size_t count, const char *code,
                                 const char *detail) {
  size_t len;
  void *zip = make_zip(entries, count, &len);
  struct sheet *sheet;
  struct sh_error err;
  assert_int_equal(read_xlsx(zip, len, &sheet, &err), SH_ERR_INVALID);
  assert_string_equal(err.code, code);
  if (!strstr(err.detail, detail))
    fail_msg("detail \"%s\" lacks \"%s\"", err.detail, detail);
  free(zip);
}

static void xlsx_read_refuses_a_workbook_missing_a_part_or_a_worksheet(void **state) {
  (void)state;
  static const char chart_rels[] =
      PACKAGE_RELS "<Relationship Id=\"rId1\" Type=\"" RELS_NS "/chartsheet\" "
                   "Target=\"chartsheets/sheet1.xml\"/></Relationships>";
  static const char no_sheets[] = "<workbook xmlns=\"" MAIN_NS "\"><sheets/></workbook>";
  const struct entry no_workbook[] = {{"_rels/.rels", root_rels, 0}};
  assert_parts_refused(no_workbook, 1, "bad_xlsx", "xl/workbook.xml: missing");
  const struct entry no_rels[] = {{"xl/workbook.xml", workbook, 0}};
  assert_parts_refused(no_rels, 1, "bad_xlsx", "xl/_rels/workbook.xml.rels: missing");
  const struct entry no_sheet[] = {{"xl/workbook.xml", workbook, 0},
                                   {"xl/_rels/workbook.xml.rels", workbook_rels, 0}};
  assert_parts_refused(no_sheet, 2, "bad_xlsx", "xl/worksheets/sheet1.xml: missing");
  const struct entry chart[] = {{"xl/workbook.xml", workbook, 0},
                                {"xl/_rels/workbook.xml.rels", chart_rels, 0}};
  assert_parts_refused(chart, 2, "bad_xlsx", "not a worksheet");
  const struct entry empty[] = {{"xl/workbook.xml", no_sheets, 0}};
  assert_parts_refused(empty, 1, "bad_xlsx", "no sheet");
}

static void xlsx_read_follows_relationships_to_parts_in_any_folder(void **state) {
  (void)state;
  static const char rels[] =
      PACKAGE_RELS "<Relationship Id=\"rId1\" Type=\"" RELS_NS "/officeDocument\" "
                   "Target=\"/book/main.xml\"/></Relationships>";
  static const char book_rels[] =
      PACKAGE_RELS "<Relationship Id=\"rId1\" Type=\"" RELS_NS "/worksheet\" "
                   "Target=\"./../tables/./one.xml\"/></Relationships>";
  static const char escape_rels[] =
      PACKAGE_RELS "<Relationship Id=\"rId1\" Type=\"" RELS_NS "/worksheet\" "
                   "Target=\"../../one.xml\"/></Relationships>";
  const struct entry entries[] = {
      {"_rels/.rels", rels, 0},
      {"book/main.xml", workbook, 0},
      {"book/_rels/main.xml.rels", book_rels, 0},
      {"TABLES/ONE.XML",
       "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>ok</t></is>"
       "</c></row></sheetData></worksheet>",
       0},
  };
  size_t len;
  void *zip = make_zip(entries, sizeof entries / sizeof *entries, &len);
  struct sheet *sheet;
  struct sh_error err;
  enum sh_status rc = read_xlsx(zip, len, &sheet, &err);
  check_outcome(0, "R1 \"ok\"", rc, sheet, &err);
  sheet_free(sheet);
  free(zip);
  const struct entry outside[] = {{"_rels/.rels", rels, 0},
                                  {"book/main.xml", workbook, 0},
                                  {"book/_rels/main.xml.rels", escape_rels, 0}};
  assert_parts_refused(outside, 3, "bad_xlsx", "path is not usable");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(xlsx_read_agrees_with_every_case_of_the_sheet_table),
      cmocka_unit_test(xlsx_serial_text_agrees_with_every_case_of_the_table),
      cmocka_unit_test(xlsx_custom_format_agrees_with_every_case_of_the_table),
      cmocka_unit_test(xlsx_builtin_format_knows_the_date_ids),
      cmocka_unit_test(xlsx_read_reads_a_workbook_made_by_openpyxl),
      cmocka_unit_test(xlsx_read_numbers_rows_as_excel_does_when_the_first_rows_are_empty),
      cmocka_unit_test(xlsx_read_reads_a_handmade_workbook_with_prefixes_and_shared_strings),
      cmocka_unit_test(xlsx_read_counts_days_from_1904_when_the_workbook_says_so),
      cmocka_unit_test(xlsx_read_reads_what_libxlsxwriter_writes),
      cmocka_unit_test(xlsx_read_refuses_a_zip_bomb_by_its_declared_size),
      cmocka_unit_test(xlsx_read_refuses_a_zip_bomb_whose_header_lies_by_counting_bytes),
      cmocka_unit_test(xlsx_read_refuses_a_file_over_64_mib_before_reading_it),
      cmocka_unit_test(xlsx_read_refuses_a_truncated_file),
      cmocka_unit_test(xlsx_read_refuses_random_bytes),
      cmocka_unit_test(xlsx_read_tells_an_old_xls_file_apart),
      cmocka_unit_test(xlsx_read_refuses_a_dtd_so_no_entity_is_ever_expanded),
      cmocka_unit_test(xlsx_read_refuses_xml_nested_more_than_64_deep),
      cmocka_unit_test(xlsx_read_refuses_a_start_tag_too_large_for_the_parser),
      cmocka_unit_test(xlsx_read_takes_a_cell_of_32_kib_and_refuses_one_byte_more),
      cmocka_unit_test(xlsx_read_refuses_more_than_a_million_shared_strings),
      cmocka_unit_test(xlsx_read_takes_65536_formats_and_refuses_one_more),
      cmocka_unit_test(xlsx_read_names_the_cell_of_a_shared_string_over_32_kib),
      cmocka_unit_test(xlsx_read_refuses_an_archive_of_more_than_10000_entries),
      cmocka_unit_test(xlsx_read_refuses_a_workbook_missing_a_part_or_a_worksheet),
      cmocka_unit_test(xlsx_read_follows_relationships_to_parts_in_any_folder),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
