/* test_xlsx.c — src/export/xlsx.c: one typed sheet for Excel (SPEC H5; DESIGN.md dependency
 * "Excel": Chinese sheet names and text read back exactly by a real reader).
 *
 * Each file is read back by a real reader, Debian's python3-openpyxl, through
 * data/xlsx_read_back.py, which prints the cells as JSON (text decoded as Excel decodes it,
 * numbers as the shortest decimal of the double read). Money and sheet-name cases are tables
 * under tests/unit/data/ (xlsx_money, xlsx_sheet_name). Every test also checks that the
 * writer leaves no temporary file behind. */
#include <dirent.h>
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
#include <jansson.h>

#include "../../src/export/xlsx.h"

/* Debian's python3, which python3-openpyxl installs into (a pyenv python3 on PATH lacks it). */
#define READER "/usr/bin/python3 data/xlsx_read_back.py"

static char tmpdir[64]; /* made for this run; every writer's temporary files go here */

static int make_tmpdir(void **state) {
  (void)state;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/test_xlsx-XXXXXX");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state) {
  (void)state;
  return rmdir(tmpdir);
}

/* Number of entries in tmpdir besides . and .. */
static int tmpdir_entries(void) {
  DIR *dir = opendir(tmpdir);
  int n = 0;
  assert_non_null(dir);
  for (struct dirent *e; (e = readdir(dir));)
    n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(dir);
  return n;
}

/* Number of open file descriptors of this process. */
static int open_fds(void) {
  DIR *dir = opendir("/proc/self/fd");
  int n = 0;
  assert_non_null(dir);
  for (struct dirent *e; (e = readdir(dir));)
    n++;
  closedir(dir);
  return n;
}

/* Opens a case table and reads its lines one at a time, without comments and trailing
 * blanks; blank lines are skipped. */
struct cases {
  FILE *file;
  const char *path;
  int lineno;
  char line[512];
};

static void cases_open(struct cases *c, const char *path) {
  c->file = fopen(path, "r");
  c->path = path;
  c->lineno = 0;
  if (!c->file)
    fail_msg("cannot open %s (tests run in tests/unit)", path);
}

static bool cases_next(struct cases *c) {
  while (fgets(c->line, sizeof c->line, c->file)) {
    c->lineno++;
    char *hash = strstr(c->line, " #");
    if (hash || c->line[0] == '#')
      *(hash ? hash : c->line) = '\0';
    size_t n = strlen(c->line);
    while (n && (c->line[n - 1] == ' ' || c->line[n - 1] == '\t' || c->line[n - 1] == '\n' ||
                 c->line[n - 1] == '\r'))
      c->line[--n] = '\0';
    if (strspn(c->line, " \t") < n)
      return true;
  }
  fclose(c->file);
  return false;
}

/* Takes the next blank-separated token of *s and undoes its escapes into out (\s space,
 * \t, \\; "(empty)" is ""). False if there is none. */
static bool next_token(char **s, char *out, size_t size) {
  char *p = *s + strspn(*s, " \t");
  if (!*p)
    return false;
  size_t n = strcspn(p, " \t");
  *s = p + n;
  size_t len = 0;
  if (n == 7 && strncmp(p, "(empty)", 7) == 0)
    n = 0;
  for (size_t i = 0; i < n && len + 1 < size; i++) {
    char c = p[i];
    if (c == '\\' && i + 1 < n) {
      char e = p[++i];
      c = e == 's' ? ' ' : e == 't' ? '\t' : e;
    }
    out[len++] = c;
  }
  out[len] = '\0';
  return true;
}

/* Finishes the writer, has the reader read the file and returns its JSON (caller frees with
 * json_decref()). The writer is freed. */
static json_t *read_back(struct xlsx_writer *w, const char *mode) {
  char *data = NULL, path[128], command[256];
  size_t len = 0;
  struct sh_error err;
  if (xlsx_writer_finish(w, &data, &len, &err) != SH_OK)
    fail_msg("finish: %s %s %s", err.code, err.field, err.detail);
  xlsx_writer_free(w);
  assert_int_equal(tmpdir_entries(), 0);
  assert_true(len > 4);
  assert_memory_equal(data, "PK\x03\x04", 4); /* a zip, as an .xlsx is */
  snprintf(path, sizeof path, "%s/read.xlsx", tmpdir);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
  free(data);
  snprintf(command, sizeof command, READER " %s %s", path, mode);
  FILE *p = popen(command, "r");
  assert_non_null(p);
  json_error_t jerr;
  json_t *root = json_loadf(p, 0, &jerr);
  int status = pclose(p);
  unlink(path);
  if (!root || status != 0)
    fail_msg("%s: exit %d, %s", command, status, jerr.text);
  return root;
}

/* The cell at row, col (0-based) of what read_back() returned; NULL if empty. */
static json_t *cell_at(json_t *root, size_t row, size_t col) {
  json_t *r = json_array_get(json_object_get(root, "rows"), row);
  return json_array_get(r, col) && !json_is_null(json_array_get(r, col)) ? json_array_get(r, col)
                                                                         : NULL;
}

static const char *cell_str(json_t *cell, const char *key) {
  return json_string_value(json_object_get(cell, key));
}

/* Asserts the cell's openpyxl type and value; names the cell if it differs. */
static void check_cell(json_t *root, size_t row, size_t col, const char *type, const char *value) {
  json_t *cell = cell_at(root, row, col);
  if (!cell)
    fail_msg("row %zu col %zu: empty, expected %s", row, col, value);
  if (strcmp(cell_str(cell, "t"), type) != 0 || strcmp(cell_str(cell, "v"), value) != 0)
    fail_msg("row %zu col %zu: expected %s [%s], got %s [%s]", row, col, type, value,
             cell_str(cell, "t"), cell_str(cell, "v"));
}

static struct xlsx_writer *begin(const struct export_table *table) {
  struct xlsx_writer *w = NULL;
  struct sh_error err;
  if (xlsx_writer_begin(table, tmpdir, XLSX_MAX_BYTES, &w, &err) != SH_OK)
    fail_msg("begin: %s %s %s", err.code, err.field, err.detail);
  return w;
}

static void row(struct xlsx_writer *w, const struct export_cell *cells) {
  struct sh_error err;
  if (xlsx_writer_row(w, cells, &err) != SH_OK)
    fail_msg("row: %s %s %s", err.code, err.field, err.detail);
}

static const struct export_column customer_columns[] = {
    {"客户名称", EXPORT_TEXT, 30}, {"联系电话", EXPORT_TEXT, 0},
    {"设备台数", EXPORT_INT, 0},   {"合同金额", EXPORT_MONEY_FEN, 0},
    {"签约日期", EXPORT_DATE, 0},  {"创建时间", EXPORT_DATETIME, 0},
    {"是否停用", EXPORT_BOOL, 0},
};

/* EVIDENCE: SPEC H5 */
/* EVIDENCE: DESIGN.md dependency Excel (Chinese text read back exactly by a real reader) */
static void xlsx_reads_back_chinese_text_numbers_and_dates_exactly(void **state) {
  (void)state;
  const struct export_table table = {"客户", customer_columns, 7, 480};
  struct xlsx_writer *w = begin(&table);
  const struct export_cell rows[3][7] = {
      {{"北京华信制冷设备有限公司", 0, false},
       {"+86 138 0013 8000", 0, false},
       {NULL, 12, false},
       {NULL, 123456, false},
       {"2024-02-29", 0, false},
       {NULL, 1795867337, false},
       {NULL, 0, false}},
      {{"上海\"浦东\"维修站, 二部\n第二行", 0, false},
       {NULL, 0, true},
       {NULL, -5, false},
       {NULL, -5, false},
       {NULL, 0, true},
       {NULL, 0, true},
       {NULL, 1, false}},
      {{NULL, 0, false}, /* a NULL text is an empty cell */
       {"", 0, false},
       {NULL, -999999999999999, false},
       {NULL, 0, false},
       {"9999-12-31", 0, false},
       {NULL, -1, false},
       {NULL, 0, true}},
  };
  for (int i = 0; i < 3; i++)
    row(w, rows[i]);
  json_t *root = read_back(w, "");
  assert_int_equal(json_array_size(json_object_get(root, "rows")), 4);
  for (size_t c = 0; c < 7; c++)
    check_cell(root, 0, c, "s", customer_columns[c].name);
  check_cell(root, 1, 0, "s", "北京华信制冷设备有限公司");
  check_cell(root, 1, 1, "s", "+86 138 0013 8000");
  check_cell(root, 1, 2, "n", "12");
  check_cell(root, 1, 3, "n", "1234.56");
  check_cell(root, 1, 4, "d", "2024-02-29 00:00:00");
  check_cell(root, 1, 5, "d", "2026-11-28 20:02:17");
  check_cell(root, 1, 6, "s", "否");
  check_cell(root, 2, 0, "s", "上海\"浦东\"维修站, 二部\n第二行");
  assert_null(cell_at(root, 2, 1));
  check_cell(root, 2, 2, "n", "-5");
  check_cell(root, 2, 3, "n", "-0.05");
  check_cell(root, 2, 6, "s", "是");
  assert_null(cell_at(root, 3, 0));
  assert_null(cell_at(root, 3, 1));
  check_cell(root, 3, 2, "n", "-999999999999999");
  check_cell(root, 3, 3, "n", "0");
  check_cell(root, 3, 4, "d", "9999-12-31 00:00:00");
  check_cell(root, 3, 5, "d", "1970-01-01 07:59:59");
  assert_null(cell_at(root, 3, 6));
  /* Typed formats: money in yuan, dates as dates. */
  assert_string_equal(cell_str(cell_at(root, 1, 3), "fmt"), "\"¥\"#,##0.00");
  assert_string_equal(cell_str(cell_at(root, 1, 4), "fmt"), "yyyy-mm-dd");
  assert_string_equal(cell_str(cell_at(root, 1, 5), "fmt"), "yyyy-mm-dd hh:mm:ss");
  assert_string_equal(cell_str(cell_at(root, 1, 2), "fmt"), "General");
  json_decref(root);
}

/* EVIDENCE: DESIGN.md dependency Excel (Chinese sheet names) */
static void xlsx_names_the_sheet_in_chinese(void **state) {
  (void)state;
  const struct export_table table = {"客户", customer_columns, 1, 480};
  json_t *root = read_back(begin(&table), "");
  json_t *sheets = json_object_get(root, "sheets");
  assert_int_equal(json_array_size(sheets), 1);
  assert_string_equal(json_string_value(json_array_get(sheets, 0)), "客户");
  json_decref(root);
}

static void xlsx_sanitises_the_sheet_name_in_the_file(void **state) {
  (void)state;
  const struct export_table table = {"报表[2026]/一月:汇总*?", customer_columns, 1, 480};
  json_t *root = read_back(begin(&table), "");
  assert_string_equal(json_string_value(json_array_get(json_object_get(root, "sheets"), 0)),
                      "报表_2026__一月_汇总__");
  json_decref(root);
}

static void xlsx_sheet_name_follows_excels_rules(void **state) {
  (void)state;
  struct cases c;
  int count = 0;
  cases_open(&c, "data/xlsx_sheet_name.cases");
  while (cases_next(&c)) {
    char input[256], expected[256], got[XLSX_SHEET_NAME_BYTES];
    char *p = c.line;
    if (!next_token(&p, input, sizeof input) || !next_token(&p, expected, sizeof expected) || *p)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    assert_int_equal(xlsx_sheet_name(input, got), SH_OK);
    if (strcmp(got, expected) != 0)
      fail_msg("%s line %d: expected [%s], got [%s]", c.path, c.lineno, expected, got);
    count++;
  }
  assert_true(count >= 15);
  char got[XLSX_SHEET_NAME_BYTES] = "untouched";
  assert_int_equal(xlsx_sheet_name("\xE5\xAE", got), SH_ERR_MALFORMED);
  assert_string_equal(got, "untouched");
  assert_int_equal(xlsx_sheet_name(NULL, got), SH_OK);
  assert_string_equal(got, "Sheet1");
}

/* EVIDENCE: DESIGN.md pitfall CSV for Excel (formula injection; xlsx text is never a
 * formula, so it needs no prefix) */
static void xlsx_writes_formula_like_text_as_text_without_a_prefix(void **state) {
  (void)state;
  const struct export_column column = {"备注", EXPORT_TEXT, 0};
  const struct export_table table = {"客户", &column, 1, 480};
  static const char *const texts[] = {
      "=1+1", "=SUM(A1:A3)", "@foo", "+86 138", "-5", "=HYPERLINK(\"http://x\",\"点\")", "'=1"};
  const size_t n = sizeof texts / sizeof texts[0];
  struct xlsx_writer *w = begin(&table);
  for (size_t i = 0; i < n; i++) {
    const struct export_cell cell = {texts[i], 0, false};
    row(w, &cell);
  }
  json_t *root = read_back(w, "");
  for (size_t i = 0; i < n; i++)
    check_cell(root, i + 1, 0, "s", texts[i]); /* "s", not "f": a string, not a formula */
  json_decref(root);
}

/* Text Excel would change (its _xHHHH_ escape) or XML cannot hold (control characters). */
static void xlsx_keeps_text_that_xml_or_excel_escapes_would_change(void **state) {
  (void)state;
  const struct export_column column = {"备注_x0041_", EXPORT_TEXT, 0};
  const struct export_table table = {"客户", &column, 1, 480};
  static const char *const texts[] = {
      "_x0041_", "a_x0041_b_x00e9_c", "_x004_", "__x0041__", "a\x01z\x1f", "\rx", "a\r\nb",
      "\tx",     " 前后空格 ",        "𠀀😀",    "&<>\"'",    "_x",
  };
  const size_t n = sizeof texts / sizeof texts[0];
  struct xlsx_writer *w = begin(&table);
  for (size_t i = 0; i < n; i++) {
    const struct export_cell cell = {texts[i], 0, false};
    row(w, &cell);
  }
  json_t *root = read_back(w, "");
  check_cell(root, 0, 0, "s", "备注_x0041_");
  for (size_t i = 0; i < n; i++)
    check_cell(root, i + 1, 0, "s", texts[i]);
  json_decref(root);
}

/* EVIDENCE: SPEC H5 */
static void xlsx_money_reads_back_as_the_exact_yuan_amount(void **state) {
  (void)state;
  const struct export_column column = {"金额", EXPORT_MONEY_FEN, 0};
  const struct export_table table = {"金额", &column, 1, 480};
  struct xlsx_writer *w = begin(&table);
  struct cases c;
  char expected[64][32];
  int count = 0;
  cases_open(&c, "data/xlsx_money.cases");
  while (cases_next(&c)) {
    long long fen;
    assert_true(count < 64);
    if (sscanf(c.line, "%lld %31s", &fen, expected[count]) != 2)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    const struct export_cell cell = {NULL, fen, false};
    row(w, &cell);
    count++;
  }
  assert_true(count >= 20);
  json_t *root = read_back(w, "");
  for (int i = 0; i < count; i++) {
    check_cell(root, (size_t)i + 1, 0, "n", expected[i]);
    assert_string_equal(cell_str(cell_at(root, (size_t)i + 1, 0), "fmt"), "\"¥\"#,##0.00");
  }
  json_decref(root);
}

/* The exact decimal of fen / 100 with trailing zeros dropped ("1234.5", "0", "-0.05"). */
static void exact_yuan(int64_t fen, char out[32]) {
  uint64_t m = fen < 0 ? 0 - (uint64_t)fen : (uint64_t)fen;
  unsigned cents = (unsigned)(m % 100);
  if (cents == 0)
    snprintf(out, 32, "%s%llu", fen < 0 ? "-" : "", (unsigned long long)(m / 100));
  else if (cents % 10 == 0)
    snprintf(out, 32, "%s%llu.%u", fen < 0 ? "-" : "", (unsigned long long)(m / 100), cents / 10);
  else
    snprintf(out, 32, "%s%llu.%02u", fen < 0 ? "-" : "", (unsigned long long)(m / 100), cents);
}

/* Checks one amount: the text libxlsxwriter writes ("%.16G", its lxw_sprintf_dbl) parses
 * back to the very double of the exact amount, and 15 significant digits (what Excel
 * shows) print the exact amount. */
static void check_amount(int64_t fen) {
  char exact[32], written[40], shown[40];
  double value = (double)fen / 100.0;
  exact_yuan(fen, exact);
  snprintf(written, sizeof written, "%.16G", value);
  snprintf(shown, sizeof shown, "%.15G", value);
  if (strtod(written, NULL) != strtod(exact, NULL) || strcmp(shown, exact) != 0)
    fail_msg("%lld fen: exact %s, written %s, shown %s", (long long)fen, exact, written, shown);
}

/* EVIDENCE: SPEC H5 — xlsx.h "Money": no amount loses a fen */
static void xlsx_money_double_is_exact_for_every_amount_up_to_15_digits(void **state) {
  (void)state;
  for (int64_t fen = -1000000; fen <= 1000000; fen++)
    check_amount(fen);
  uint64_t x = 88172645463325252u; /* xorshift64: a fixed spread over all 15-digit amounts */
  for (int i = 0; i < 1000000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    int64_t fen = (int64_t)(x % (uint64_t)(EXPORT_MAX_MONEY_FEN + 1));
    check_amount(i % 2 ? -fen : fen);
  }
  for (int64_t fen = EXPORT_MAX_MONEY_FEN - 1000; fen <= EXPORT_MAX_MONEY_FEN; fen++) {
    check_amount(fen);
    check_amount(-fen);
  }
}

static void xlsx_dates_read_back_as_dates(void **state) {
  (void)state;
  const struct export_column columns[] = {{"日期", EXPORT_DATE, 0}, {"时间", EXPORT_DATETIME, 0}};
  const struct export_table table = {"日期", columns, 2, 480};
  const struct {
    const char *date;
    int64_t utc;
    const char *date_read, *time_read;
  } cases[] = {
      {"1900-01-01", -2209017600, "1900-01-01 00:00:00", "1900-01-01 00:00:00"},
      {"1900-02-28", 0, "1900-02-28 00:00:00", "1970-01-01 08:00:00"},
      {"1900-03-01", 1709164800, "1900-03-01 00:00:00", "2024-02-29 08:00:00"},
      {"2024-02-29", 1795867337, "2024-02-29 00:00:00", "2026-11-28 20:02:17"},
      {"2026-12-31", 1798732799, "2026-12-31 00:00:00", "2026-12-31 23:59:59"},
      {"9999-12-31", 253402300799 - 8 * 3600, "9999-12-31 00:00:00", "9999-12-31 23:59:59"},
  };
  const size_t n = sizeof cases / sizeof cases[0];
  struct xlsx_writer *w = begin(&table);
  for (size_t i = 0; i < n; i++) {
    const struct export_cell cells[2] = {{cases[i].date, 0, false}, {NULL, cases[i].utc, false}};
    row(w, cells);
  }
  json_t *root = read_back(w, "");
  for (size_t i = 0; i < n; i++) {
    check_cell(root, i + 1, 0, "d", cases[i].date_read);
    check_cell(root, i + 1, 1, "d", cases[i].time_read);
  }
  json_decref(root);
}

static void xlsx_header_is_bold_frozen_and_sized(void **state) {
  (void)state;
  const struct export_column columns[] = {
      {"客户名称", EXPORT_TEXT, 30},
      {"最后一次保养完成的日期", EXPORT_DATE, 0}, /* 11 CJK: 22 + 2 beats the default 12 */
      {"金额", EXPORT_MONEY_FEN, 0},
  };
  const struct export_table table = {"客户", columns, 3, 480};
  struct xlsx_writer *w = begin(&table);
  const struct export_cell cells[3] = {{"甲", 0, false}, {"2026-01-01", 0, false}, {NULL, 1}};
  row(w, cells);
  json_t *root = read_back(w, "");
  assert_string_equal(json_string_value(json_object_get(root, "freeze")), "A2");
  for (size_t c = 0; c < 3; c++) {
    assert_true(json_is_true(json_object_get(cell_at(root, 0, c), "bold")));
    assert_false(json_is_true(json_object_get(cell_at(root, 1, c), "bold")));
  }
  /* libxlsxwriter stores a width plus the font's padding (30 → 30.7109375). */
  json_t *widths = json_object_get(root, "widths");
  double a = json_number_value(json_object_get(widths, "A"));
  double b = json_number_value(json_object_get(widths, "B"));
  double c = json_number_value(json_object_get(widths, "C"));
  assert_true(a >= 30 && a < 31);
  assert_true(b >= 24 && b < 25);
  assert_true(c >= 16 && c < 17);
  json_decref(root);
}

/* EVIDENCE: STYLE.md 11 — every growable buffer has a ceiling */
static void xlsx_refuses_a_file_past_its_ceiling_and_leaves_no_temporary_file(void **state) {
  (void)state;
  const struct export_table table = {"客户", customer_columns, 1, 480};
  struct xlsx_writer *w = NULL;
  struct sh_error err;
  int fds = open_fds();
  assert_int_equal(xlsx_writer_begin(&table, tmpdir, 1000, &w, &err), SH_OK);
  const struct export_cell cell = {"北京华信制冷设备有限公司", 0, false};
  for (int i = 0; i < 100; i++)
    assert_int_equal(xlsx_writer_row(w, &cell, &err), SH_OK);
  char *data = (char *)"untouched";
  size_t len = 7;
  assert_int_equal(xlsx_writer_finish(w, &data, &len, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "too_large");
  assert_string_equal(err.field, "xlsx");
  assert_string_equal(data, "untouched");
  assert_int_equal(len, 7);
  assert_int_equal(tmpdir_entries(), 0);
  assert_int_equal(xlsx_writer_row(w, &cell, &err), SH_ERR_INTERNAL); /* spent */
  xlsx_writer_free(w);
  assert_int_equal(open_fds(), fds);
}

static void xlsx_leaves_no_temporary_file_when_dropped_unfinished(void **state) {
  (void)state;
  const struct export_table table = {"客户", customer_columns, 7, 480};
  int fds = open_fds();
  struct xlsx_writer *w = begin(&table);
  assert_true(tmpdir_entries() >= 1); /* the .xlsx to be */
  assert_true(open_fds() > fds);
  const struct export_cell cells[7] = {{"甲", 0, false}, {"乙", 0, false},  {NULL, 1, false},
                                       {NULL, 2, false}, {"2026-01-01", 0}, {NULL, 3, false},
                                       {NULL, 1, false}};
  for (int i = 0; i < 1000; i++)
    row(w, cells);
  xlsx_writer_free(w);
  assert_int_equal(tmpdir_entries(), 0);
  assert_int_equal(open_fds(), fds); /* libxlsxwriter's own temporary file is closed too */
  xlsx_writer_free(NULL);
}

static void xlsx_names_the_column_and_row_of_a_bad_cell(void **state) {
  (void)state;
  const struct export_column columns[] = {{"名称", EXPORT_TEXT, 0},
                                          {"日期", EXPORT_DATE, 0},
                                          {"时间", EXPORT_DATETIME, 0},
                                          {"台数", EXPORT_INT, 0},
                                          {"金额", EXPORT_MONEY_FEN, 0}};
  const struct export_table table = {"客户", columns, 5, 480};
  const struct export_cell good[5] = {
      {"好", 0}, {"2026-01-31", 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}};
  char *long_text = malloc(XLSX_MAX_CELL_CHARS + 2);
  assert_non_null(long_text);
  memset(long_text, 'x', XLSX_MAX_CELL_CHARS + 1);
  long_text[XLSX_MAX_CELL_CHARS + 1] = '\0';
  const struct {
    int column;
    struct export_cell cell;
    enum sh_status status;
    const char *code;
  } bad[] = {
      {0, {"\xE5\xAE", 0, false}, SH_ERR_MALFORMED, "invalid_utf8"},
      {0, {long_text, 0, false}, SH_ERR_INVALID, "field_length"},
      {0, {long_text + 1, 0, false}, SH_OK, NULL},
      {1, {"2026-02-30", 0, false}, SH_ERR_INVALID, "invalid_date"},
      {1, {"1899-12-31", 0, false}, SH_ERR_INVALID, "invalid_date"},
      {2, {NULL, INT64_C(253402300800) - 8 * 3600, false}, SH_ERR_INVALID, "out_of_range"},
      {2, {NULL, INT64_C(-2209017601), false}, SH_ERR_INVALID, "out_of_range"},
      {3, {NULL, EXPORT_MAX_INT + 1, false}, SH_ERR_INVALID, "out_of_range"},
      {3, {NULL, INT64_MIN, false}, SH_ERR_INVALID, "out_of_range"},
      {4, {NULL, EXPORT_MAX_MONEY_FEN + 1, false}, SH_ERR_INVALID, "out_of_range"},
      {4, {NULL, -EXPORT_MAX_MONEY_FEN - 1, false}, SH_ERR_INVALID, "out_of_range"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct export_cell cells[5];
    memcpy(cells, good, sizeof cells);
    cells[bad[i].column] = bad[i].cell;
    struct xlsx_writer *w = begin(&table);
    struct sh_error err;
    row(w, good);
    if (!bad[i].code) { /* the case just inside the limit */
      row(w, cells);
      xlsx_writer_free(w);
      continue;
    }
    assert_int_equal(xlsx_writer_row(w, cells, &err), bad[i].status);
    assert_string_equal(err.code, bad[i].code);
    assert_string_equal(err.field, columns[bad[i].column].name);
    assert_string_equal(err.detail, "row 2");
    xlsx_writer_free(w);
  }
  free(long_text);
  assert_int_equal(tmpdir_entries(), 0);
}

static void xlsx_refuses_a_table_or_tmpdir_it_cannot_use(void **state) {
  (void)state;
  const struct export_column ok = {"名称", EXPORT_TEXT, 0};
  const struct export_column bad_name = {"\xFF", EXPORT_TEXT, 0};
  const struct export_table no_columns = {"客户", &ok, 0, 0};
  const struct export_table bad_header = {"客户", &bad_name, 1, 0};
  const struct export_table bad_sheet = {"\xE5\xAE", &ok, 1, 0};
  const struct export_table good = {"客户", &ok, 1, 0};
  struct xlsx_writer *w = NULL;
  struct sh_error err;
  assert_int_equal(xlsx_writer_begin(&no_columns, tmpdir, XLSX_MAX_BYTES, &w, &err),
                   SH_ERR_INVALID);
  assert_int_equal(xlsx_writer_begin(&bad_header, tmpdir, XLSX_MAX_BYTES, &w, &err),
                   SH_ERR_MALFORMED);
  assert_int_equal(xlsx_writer_begin(&bad_sheet, tmpdir, XLSX_MAX_BYTES, &w, &err),
                   SH_ERR_MALFORMED);
  assert_string_equal(err.field, "name");
  assert_int_equal(xlsx_writer_begin(&good, "/nonexistent/dir", XLSX_MAX_BYTES, &w, &err),
                   SH_ERR_UNAVAILABLE);
  assert_string_equal(err.code, "disk_full");
  assert_null(w);
  assert_int_equal(tmpdir_entries(), 0);
}

/* EVIDENCE: SPEC H5 — a manager's whole list, streamed in flat memory */
static void xlsx_streams_a_100000_row_export(void **state) {
  (void)state;
  const struct export_table table = {"客户", customer_columns, 7, 480};
  struct xlsx_writer *w = begin(&table);
  char name[64];
  struct export_cell cells[7] = {
      {name, 0, false},         {"138 0013 8000", 0, false}, {NULL, 0, false}, {NULL, 0, false},
      {"2026-01-31", 0, false}, {NULL, 1795867337, false},   {NULL, 0, false}};
  for (int i = 1; i <= 100000; i++) {
    snprintf(name, sizeof name, "客户%06d 华信制冷设备有限公司", i);
    cells[2].number = i;
    cells[3].number = (int64_t)i * 101;
    cells[6].number = i % 2;
    row(w, cells);
  }
  json_t *root = read_back(w, "--count");
  assert_int_equal(json_integer_value(json_object_get(root, "rows")), 100001);
  json_t *last = json_object_get(root, "last");
  assert_string_equal(json_string_value(json_array_get(last, 0)),
                      "客户100000 华信制冷设备有限公司");
  assert_string_equal(json_string_value(json_array_get(last, 2)), "100000");
  assert_string_equal(json_string_value(json_array_get(last, 3)), "101000");
  json_decref(root);
}

/* EVIDENCE: STYLE.md 11 — every growable buffer has a ceiling */
static void xlsx_refuses_more_rows_than_excel_holds(void **state) {
  (void)state;
  const struct export_column column = {"编号", EXPORT_INT, 0};
  const struct export_table table = {"客户", &column, 1, 480};
  const struct export_cell cell = {NULL, 1, false};
  struct xlsx_writer *w = begin(&table);
  struct sh_error err;
  uint32_t rows = 0;
  enum sh_status rc;
  while ((rc = xlsx_writer_row(w, &cell, &err)) == SH_OK)
    rows++;
  assert_int_equal(rc, SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "too_large");
  assert_string_equal(err.field, "rows");
  assert_int_equal(rows, XLSX_MAX_ROWS); /* with the header: Excel's 1 048 576 */
  xlsx_writer_free(w);
  assert_int_equal(tmpdir_entries(), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(xlsx_reads_back_chinese_text_numbers_and_dates_exactly),
      cmocka_unit_test(xlsx_names_the_sheet_in_chinese),
      cmocka_unit_test(xlsx_sanitises_the_sheet_name_in_the_file),
      cmocka_unit_test(xlsx_sheet_name_follows_excels_rules),
      cmocka_unit_test(xlsx_writes_formula_like_text_as_text_without_a_prefix),
      cmocka_unit_test(xlsx_keeps_text_that_xml_or_excel_escapes_would_change),
      cmocka_unit_test(xlsx_money_reads_back_as_the_exact_yuan_amount),
      cmocka_unit_test(xlsx_money_double_is_exact_for_every_amount_up_to_15_digits),
      cmocka_unit_test(xlsx_dates_read_back_as_dates),
      cmocka_unit_test(xlsx_header_is_bold_frozen_and_sized),
      cmocka_unit_test(xlsx_refuses_a_file_past_its_ceiling_and_leaves_no_temporary_file),
      cmocka_unit_test(xlsx_leaves_no_temporary_file_when_dropped_unfinished),
      cmocka_unit_test(xlsx_names_the_column_and_row_of_a_bad_cell),
      cmocka_unit_test(xlsx_refuses_a_table_or_tmpdir_it_cannot_use),
      cmocka_unit_test(xlsx_streams_a_100000_row_export),
      cmocka_unit_test(xlsx_refuses_more_rows_than_excel_holds),
  };
  return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
