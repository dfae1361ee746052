/* test_csv.c — src/export/csv.c: CSV for Excel on Chinese Windows (SPEC H5; DESIGN.md
 * pitfall: UTF-8 BOM, and a ' before cells that start with = + - @, tab or CR).
 *
 * The field-level cases are tables under tests/unit/data/ (csv_injection, csv_fields), one
 * per line; each is written as a one-column CSV and compared byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/export/csv.h"

#define BOM "\xEF\xBB\xBF"

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
 * \t, \r, \n, \\; "(empty)" is ""). False if there is none. */
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
      c = e == 's' ? ' ' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'n' ? '\n' : e;
    }
    out[len++] = c;
  }
  out[len] = '\0';
  return true;
}

/* Writes one cell of the given type under the header "值" and returns the CSV (caller
 * frees), or NULL with *rc set if a call failed. */
static char *write_one(const char *type, const char *input, enum sh_status *rc) {
  struct export_column column = {"值", EXPORT_TEXT, 0};
  struct export_cell cell = {NULL, 0, false};
  if (strcmp(type, "text") == 0) {
    cell.text = input;
  } else if (strcmp(type, "date") == 0) {
    column.type = EXPORT_DATE;
    cell.text = input;
  } else if (strcmp(type, "null") == 0) {
    cell.null = true;
    cell.text = "ignored";
  } else {
    column.type = strcmp(type, "int") == 0     ? EXPORT_INT
                  : strcmp(type, "money") == 0 ? EXPORT_MONEY_FEN
                  : strcmp(type, "bool") == 0  ? EXPORT_BOOL
                                               : EXPORT_DATETIME;
    if (strcmp(type, "datetime") != 0 && column.type == EXPORT_DATETIME)
      fail_msg("unknown type %s", type);
    char *end = NULL;
    cell.number = strtoll(input, &end, 10);
    if (*end)
      fail_msg("not a number: %s", input);
  }
  struct export_table table = {"值", &column, 1, 480};
  struct csv_writer *w = NULL;
  char *data = NULL;
  size_t len = 0;
  *rc = csv_writer_begin(&table, CSV_MAX_BYTES, &w, NULL);
  if (*rc == SH_OK)
    *rc = csv_writer_row(w, &cell, NULL);
  if (*rc == SH_OK)
    *rc = csv_writer_finish(w, &data, &len, NULL);
  csv_writer_free(w);
  if (data)
    assert_int_equal(strlen(data), len);
  return data;
}

/* Runs every line of a field table through write_one(). Returns the number of cases. */
static int run_field_table(const char *path) {
  struct cases c;
  int count = 0;
  cases_open(&c, path);
  while (cases_next(&c)) {
    char type[16], input[256], expected[256], csv[600];
    char *p = c.line;
    if (!next_token(&p, type, sizeof type) || !next_token(&p, input, sizeof input) ||
        !next_token(&p, expected, sizeof expected) || *p)
      fail_msg("%s line %d: cannot read", c.path, c.lineno);
    enum sh_status rc;
    char *got = write_one(type, input, &rc);
    if (!got)
      fail_msg("%s line %d: %s", c.path, c.lineno, sh_strerror(rc));
    snprintf(csv, sizeof csv, BOM "值\r\n%s\r\n", expected);
    if (strcmp(got, csv) != 0)
      fail_msg("%s line %d: expected [%s], got [%s]", c.path, c.lineno, csv + 3, got + 3);
    free(got);
    count++;
  }
  return count;
}

/* EVIDENCE: DESIGN.md pitfall CSV for Excel (formula injection) */
static void csv_prefixes_text_that_excel_would_take_for_a_formula(void **state) {
  (void)state;
  assert_true(run_field_table("data/csv_injection.cases") >= 15);
}

/* EVIDENCE: SPEC H5 */
static void csv_writes_each_type_as_the_fields_table_says(void **state) {
  (void)state;
  assert_true(run_field_table("data/csv_fields.cases") >= 25);
}

static const struct export_column customer_columns[] = {
    {"客户名称", EXPORT_TEXT, 30}, {"联系电话", EXPORT_TEXT, 0},
    {"设备台数", EXPORT_INT, 0},   {"合同金额", EXPORT_MONEY_FEN, 0},
    {"签约日期", EXPORT_DATE, 0},  {"创建时间", EXPORT_DATETIME, 0},
    {"是否停用", EXPORT_BOOL, 0},
};

/* Writes the customers' table with two rows into *out (caller frees). */
static void write_customers(char **out, size_t *len) {
  const struct export_table table = {"客户", customer_columns, 7, 480};
  const struct export_cell rows[2][7] = {
      {{"北京华信制冷设备有限公司", 0, false},
       {"+86 138 0013 8000", 0, false},
       {NULL, 12, false},
       {NULL, 123456, false},
       {"2024-02-29", 0, false},
       {NULL, 1795867337, false},
       {NULL, 0, false}},
      {{"上海\"浦东\"维修站, 二部", 0, false},
       {NULL, 0, true},
       {NULL, -5, false},
       {NULL, -5, false},
       {NULL, 0, true},
       {NULL, 0, true},
       {NULL, 1, false}},
  };
  struct csv_writer *w = NULL;
  assert_int_equal(csv_writer_begin(&table, CSV_MAX_BYTES, &w, NULL), SH_OK);
  for (int i = 0; i < 2; i++)
    assert_int_equal(csv_writer_row(w, rows[i], NULL), SH_OK);
  assert_int_equal(csv_writer_finish(w, out, len, NULL), SH_OK);
  csv_writer_free(w);
}

/* EVIDENCE: SPEC H5 */
/* EVIDENCE: DESIGN.md pitfall CSV for Excel (UTF-8 BOM) */
static void csv_writes_a_chinese_table_byte_for_byte_with_bom_and_crlf(void **state) {
  (void)state;
  char *data = NULL;
  size_t len = 0;
  write_customers(&data, &len);
  const char expected[] = "\xEF\xBB\xBF"
                          "客户名称,联系电话,设备台数,合同金额,签约日期,创建时间,是否停用\r\n"
                          "北京华信制冷设备有限公司,'+86 138 0013 8000,12,1234.56,2024-02-29,"
                          "2026-11-28 20:02:17,否\r\n"
                          "\"上海\"\"浦东\"\"维修站, 二部\",,-5,-0.05,,,是\r\n";
  assert_int_equal(len, sizeof expected - 1);
  assert_memory_equal(data, expected, len);
  free(data);
}

static void csv_starts_with_the_bom_once_and_ends_every_record_with_crlf(void **state) {
  (void)state;
  char *data = NULL;
  size_t len = 0;
  write_customers(&data, &len);
  assert_memory_equal(data, BOM, 3);
  assert_null(strstr(data + 3, BOM));
  /* Three records (header + 2), each ending in CRLF; no LF without its CR outside quotes. */
  size_t crlf = 0;
  for (size_t i = 0; i < len; i++) {
    if (data[i] == '\n') {
      assert_true(i > 0 && data[i - 1] == '\r');
      crlf++;
    }
  }
  assert_int_equal(crlf, 3);
  assert_memory_equal(data + len - 2, "\r\n", 2);
  free(data);
}

static void csv_writes_a_header_only_csv_when_there_are_no_rows(void **state) {
  (void)state;
  const struct export_column columns[] = {{"=合计", EXPORT_TEXT, 0}, {"备注", EXPORT_TEXT, 0}};
  const struct export_table table = {"空", columns, 2, 0};
  struct csv_writer *w = NULL;
  char *data = NULL;
  size_t len = 0;
  assert_int_equal(csv_writer_begin(&table, CSV_MAX_BYTES, &w, NULL), SH_OK);
  assert_int_equal(csv_writer_finish(w, &data, &len, NULL), SH_OK);
  csv_writer_free(w);
  assert_string_equal(data, BOM "'=合计,备注\r\n"); /* headers are guarded too */
  free(data);
}

/* EVIDENCE: STYLE.md 11 — every growable buffer has a ceiling */
static void csv_refuses_to_grow_past_its_ceiling(void **state) {
  (void)state;
  const struct export_column column = {"名称", EXPORT_TEXT, 0};
  const struct export_table table = {"客户", &column, 1, 0};
  struct csv_writer *w = NULL;
  struct sh_error err;
  /* BOM (3) + "名称" (6) + CRLF (2) = 11 bytes: a ceiling of 10 refuses the header. */
  assert_int_equal(csv_writer_begin(&table, 10, &w, &err), SH_ERR_TOO_LARGE);
  assert_null(w);
  assert_string_equal(err.code, "too_large");
  assert_int_equal(csv_writer_begin(&table, 16, &w, &err), SH_OK);
  const struct export_cell ok = {"abc", 0, false}, big = {"abcd", 0, false};
  assert_int_equal(csv_writer_row(w, &ok, &err), SH_OK); /* 11 + 5 = 16: exactly fits */
  assert_int_equal(csv_writer_row(w, &big, &err), SH_ERR_TOO_LARGE);
  assert_string_equal(err.code, "too_large");
  /* The writer is spent; nothing more goes in or out. */
  assert_int_equal(csv_writer_row(w, &ok, &err), SH_ERR_INTERNAL);
  char *data = (char *)"untouched";
  size_t len = 7;
  assert_int_equal(csv_writer_finish(w, &data, &len, &err), SH_ERR_INTERNAL);
  assert_string_equal(data, "untouched");
  assert_int_equal(len, 7);
  csv_writer_free(w);
}

/* EVIDENCE: STYLE.md 11 — every growable buffer has a ceiling */
static void csv_stops_at_csv_max_bytes(void **state) {
  (void)state;
  const struct export_column column = {"备注", EXPORT_TEXT, 0};
  const struct export_table table = {"客户", &column, 1, 0};
  char text[1001];
  memset(text, 'x', 1000);
  text[1000] = '\0';
  const struct export_cell cell = {text, 0, false};
  struct csv_writer *w = NULL;
  assert_int_equal(csv_writer_begin(&table, CSV_MAX_BYTES, &w, NULL), SH_OK);
  size_t rows = 0;
  enum sh_status rc;
  while ((rc = csv_writer_row(w, &cell, NULL)) == SH_OK)
    rows++;
  assert_int_equal(rc, SH_ERR_TOO_LARGE);
  assert_int_equal(rows, (CSV_MAX_BYTES - 11) / 1002);
  csv_writer_free(w);
}

static void csv_names_the_column_and_row_of_a_bad_cell(void **state) {
  (void)state;
  const struct export_column columns[] = {
      {"名称", EXPORT_TEXT, 0}, {"日期", EXPORT_DATE, 0}, {"时间", EXPORT_DATETIME, 0}};
  const struct export_table table = {"客户", columns, 3, 480};
  const struct export_cell good[3] = {{"好", 0, false}, {"2026-01-31", 0, false}, {NULL, 0}};
  const struct {
    struct export_cell cells[3];
    enum sh_status status;
    const char *code, *field;
  } bad[] = {
      {{{"\xE5\xAE", 0, false}, {NULL, 0, true}, {NULL, 0, true}},
       SH_ERR_MALFORMED,
       "invalid_utf8",
       "名称"},
      {{{"a", 0, false}, {"2026-02-30", 0, false}, {NULL, 0, true}},
       SH_ERR_INVALID,
       "invalid_date",
       "日期"},
      {{{"a", 0, false}, {"1899-12-31", 0, false}, {NULL, 0, true}},
       SH_ERR_INVALID,
       "invalid_date",
       "日期"},
      {{{"a", 0, false}, {NULL, 0, true}, {NULL, INT64_C(253402300800) - 8 * 3600, false}},
       SH_ERR_INVALID,
       "out_of_range",
       "时间"},
      {{{"a", 0, false}, {NULL, 0, true}, {NULL, INT64_MIN, false}},
       SH_ERR_INVALID,
       "out_of_range",
       "时间"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct csv_writer *w = NULL;
    struct sh_error err;
    assert_int_equal(csv_writer_begin(&table, CSV_MAX_BYTES, &w, NULL), SH_OK);
    assert_int_equal(csv_writer_row(w, good, NULL), SH_OK);
    assert_int_equal(csv_writer_row(w, bad[i].cells, &err), bad[i].status);
    assert_string_equal(err.code, bad[i].code);
    assert_string_equal(err.field, bad[i].field);
    assert_string_equal(err.detail, "row 2");
    csv_writer_free(w);
  }
}

static void csv_refuses_a_table_it_cannot_write(void **state) {
  (void)state;
  const struct export_column ok = {"名称", EXPORT_TEXT, 0};
  const struct export_column no_name = {NULL, EXPORT_TEXT, 0};
  const struct export_column bad_name = {"\xFF", EXPORT_TEXT, 0};
  const struct export_column bad_type = {"名称", (enum export_type)99, 0};
  const struct {
    struct export_table table;
    enum sh_status status;
  } cases[] = {
      {{"客户", NULL, 1, 0}, SH_ERR_INVALID},
      {{"客户", &ok, 0, 0}, SH_ERR_INVALID},
      {{"客户", &ok, EXPORT_MAX_COLUMNS + 1, 0}, SH_ERR_INVALID},
      {{"客户", &no_name, 1, 0}, SH_ERR_INVALID},
      {{"客户", &bad_name, 1, 0}, SH_ERR_MALFORMED},
      {{"客户", &bad_type, 1, 0}, SH_ERR_INVALID},
      {{"客户", &ok, 1, EXPORT_MAX_OFFSET_MINUTES + 1}, SH_ERR_INVALID},
      {{"客户", &ok, 1, -EXPORT_MAX_OFFSET_MINUTES - 1}, SH_ERR_INVALID},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct csv_writer *w = NULL;
    assert_int_equal(csv_writer_begin(&cases[i].table, CSV_MAX_BYTES, &w, NULL), cases[i].status);
    assert_null(w);
  }
}

static void csv_writer_is_spent_once_the_csv_is_handed_over(void **state) {
  (void)state;
  const struct export_column column = {"名称", EXPORT_TEXT, 0};
  const struct export_table table = {"客户", &column, 1, 0};
  const struct export_cell cell = {"a", 0, false};
  struct csv_writer *w = NULL;
  char *data = NULL;
  size_t len = 0;
  assert_int_equal(csv_writer_begin(&table, CSV_MAX_BYTES, &w, NULL), SH_OK);
  assert_int_equal(csv_writer_finish(w, &data, &len, NULL), SH_OK);
  assert_int_equal(csv_writer_row(w, &cell, NULL), SH_ERR_INTERNAL);
  char *again = NULL;
  assert_int_equal(csv_writer_finish(w, &again, &len, NULL), SH_ERR_INTERNAL);
  assert_null(again);
  csv_writer_free(w);
  csv_writer_free(NULL);
  free(data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(csv_prefixes_text_that_excel_would_take_for_a_formula),
      cmocka_unit_test(csv_writes_each_type_as_the_fields_table_says),
      cmocka_unit_test(csv_writes_a_chinese_table_byte_for_byte_with_bom_and_crlf),
      cmocka_unit_test(csv_starts_with_the_bom_once_and_ends_every_record_with_crlf),
      cmocka_unit_test(csv_writes_a_header_only_csv_when_there_are_no_rows),
      cmocka_unit_test(csv_refuses_to_grow_past_its_ceiling),
      cmocka_unit_test(csv_stops_at_csv_max_bytes),
      cmocka_unit_test(csv_names_the_column_and_row_of_a_bad_cell),
      cmocka_unit_test(csv_refuses_a_table_it_cannot_write),
      cmocka_unit_test(csv_writer_is_spent_once_the_csv_is_handed_over),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
