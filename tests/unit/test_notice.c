/* test_notice.c — src/export/notice.c: the complaint notice (投诉处理通知单) and the
 * complaint form (投诉处理单) of SPEC E2, E3 as PDF.
 *
 * As test_report.c does for the service report, each document is read the way a
 * department or an auditor meets it: poppler's pdftotext must find the complaint, the
 * notice and its answer fields as text (spaces and line breaks taken out, since Pango may
 * wrap between any two Chinese characters); pdfinfo counts the pages. NOTICE_TEST_DIR=folder
 * keeps the documents drawn for a look. */
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

#include "../../src/export/notice.h"
#include "../../src/export/pdf.h"

/* A complaint as the desk registered it (SPEC E1): the class, the severity, the facts. */
static const struct notice_complaint complaint = {
    .company = "海口天赏电子科技有限公司",
    .number = "TS-20261128-0003",
    .customer = "杭州华信科技有限公司",
    .region = "浙江省 杭州市 西湖区",
    .complainant = "李娜",
    .phone = "13800001111",
    .channel = "投诉电话",
    .received_at = "2026-11-28 09:40",
    .occurred_on = "2026-11-25",
    .category = "尺寸超差",
    .severity = "严重",
    .facts = "新到的立柱安装孔距比图纸大3毫米，现场无法安装，工期已延误两天。",
    .demand = "三天内补发合格零件并承担返工费用。",
    .links = "工单 SH-20261127-0001",
    .repeat_of = "TS-20260901-0002",
    .owner = "王芳",
};

static const struct notice_item unanswered = {
    .notice_no = "TS-20261128-0003-1",
    .round = 1,
    .department = "品质部",
    .responsible = "张建军",
    .due_date = "2026-12-01",
    .instructions = "请核对图纸版本及来料检验记录。",
    .issued_by = "王芳",
    .issued_at = "2026-11-28 10:05",
};

static const struct notice_answer answer = {
    .root_cause = "外协供应商使用了旧版图纸加工。",
    .corrective_action = "补发按新版图纸加工的立柱十件，派人现场协助安装。",
    .preventive_action = "图纸变更时书面通知全部外协供应商并回收旧版图纸。",
    .answered_by = "张建军",
    .answered_at = "2026-11-30 16:20",
};

/* Writes bytes to a new temporary file whose name goes to path. */
static void write_temp(const char *data, size_t len, char path[64]) {
  const char *dir = getenv("TMPDIR");
  snprintf(path, 64, "%s/test_notice_XXXXXX", dir && *dir ? dir : "/tmp");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* Runs a shell command and returns its standard output (caller frees). */
static char *run(const char *command) {
  FILE *p = popen(command, "r");
  assert_non_null(p);
  size_t cap = 1 << 16, len = 0, n;
  char *out = malloc(cap);
  assert_non_null(out);
  while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
    len += n;
    if (cap - len < 4096) {
      cap *= 2;
      out = realloc(out, cap);
      assert_non_null(out);
    }
  }
  out[len] = '\0';
  assert_int_equal(pclose(p), 0);
  return out;
}

/* The text of a PDF by pdftotext, spaces and line breaks removed. Caller frees. */
static char *pdf_text(const char *pdf, size_t len) {
  char path[64], command[160];
  write_temp(pdf, len, path);
  snprintf(command, sizeof command, "pdftotext -enc UTF-8 %s -", path);
  char *text = run(command);
  unlink(path);
  char *w = text;
  for (const char *r = text; *r; r++)
    if (*r != ' ' && *r != '\n' && *r != '\r')
      *w++ = *r;
  *w = '\0';
  return text;
}

static int pdf_pages(const char *pdf, size_t len) {
  char path[64], command[160];
  int pages = -1;
  write_temp(pdf, len, path);
  snprintf(command, sizeof command, "pdfinfo %s", path);
  char *info = run(command);
  unlink(path);
  const char *at = strstr(info, "\nPages:");
  assert_non_null(at);
  assert_int_equal(sscanf(at, "\nPages: %d", &pages), 1);
  free(info);
  return pages;
}

static void keep(const char *pdf, size_t len, const char *name) {
  const char *dir = getenv("NOTICE_TEST_DIR");
  char path[512];
  if (!dir || !*dir)
    return;
  snprintf(path, sizeof path, "%s/%s.pdf", dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(pdf, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* Called after the rendering call (not with it as an argument: the order in which a call's
 * arguments are evaluated is unspecified, and pdf is filled by the call). */
static void expect_ok(enum sh_status rc, const struct sh_error *err, const char *pdf) {
  if (rc != SH_OK)
    print_error("refused: %s %s %s\n", err->code, err->field, err->detail);
  assert_int_equal(rc, SH_OK);
  assert_non_null(pdf);
  assert_memory_equal(pdf, "%PDF-", 5);
}

/* EVIDENCE: SPEC E2 — the written notice names the company, the notice and complaint
 * numbers, the complaint's facts, class and severity, the department, the person, the due
 * date and what is asked, and has the three answer fields blank for the department. */
static void notice_names_the_complaint_the_department_the_due_date_and_blank_answers(void **state) {
  (void)state;
  char *pdf = NULL;
  size_t len = 0;
  struct sh_error err = {0};
  enum sh_status rc;
  rc = notice_pdf(&complaint, &unanswered, "2026-11-28", &pdf, &len, &err);
  expect_ok(rc, &err, pdf);
  keep(pdf, len, "notice");
  char *text = pdf_text(pdf, len);
  assert_int_equal(pdf_pages(pdf, len), 1);
  const char *expected[] = {"海口天赏电子科技有限公司",
                            "投诉处理通知单",
                            "TS-20261128-0003-1",
                            "TS-20261128-0003",
                            "杭州华信科技有限公司",
                            "新到的立柱安装孔距比图纸大3毫米",
                            "尺寸超差",
                            "严重",
                            "品质部",
                            "张建军",
                            "回复期限2026-12-01",
                            "请核对图纸版本及来料检验记录。",
                            "原因分析",
                            "纠正措施",
                            "预防措施",
                            "TS-20260901-0002"};
  for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
    if (!strstr(text, expected[i]))
      fail_msg("missing \"%s\" in: %s", expected[i], text);
  /* Unanswered: none of the answer's words appear. */
  assert_null(strstr(text, "旧版图纸"));
  free(text);
  free(pdf);
}

/* EVIDENCE: SPEC E2 — once the department answered, the notice carries its answer. */
static void answered_notice_carries_the_answer(void **state) {
  (void)state;
  struct notice_item item = unanswered;
  item.answer = &answer;
  char *pdf = NULL;
  size_t len = 0;
  struct sh_error err = {0};
  enum sh_status rc;
  rc = notice_pdf(&complaint, &item, "2026-11-28", &pdf, &len, &err);
  expect_ok(rc, &err, pdf);
  char *text = pdf_text(pdf, len);
  assert_non_null(strstr(text, "外协供应商使用了旧版图纸加工。"));
  assert_non_null(strstr(text, "补发按新版图纸加工的立柱十件"));
  assert_non_null(strstr(text, "图纸变更时书面通知全部外协供应商"));
  assert_non_null(strstr(text, "2026-11-3016:20"));
  free(text);
  free(pdf);
}

/* EVIDENCE: SPEC E3 — the complaint form holds everything: both rounds' notices with their
 * answers, every callback with the customer's word, the list of attachments and the archive
 * entry. */
static void form_lists_notices_callbacks_attachments_and_the_archive(void **state) {
  (void)state;
  struct notice_item items[2] = {unanswered, unanswered};
  items[0].answer = &answer;
  items[1].notice_no = "TS-20261128-0003-2";
  items[1].round = 2;
  items[1].department = "采购部";
  items[1].responsible = "刘洋";
  items[1].answer = &answer;
  const struct notice_callback callbacks[2] = {
      {"2026-11-30 17:00", "王芳", "不满意", "客户要求书面说明返工费用承担"},
      {"2026-12-02 10:30", "王芳", "满意", "零件已到，安装完成"},
  };
  const char *files[2] = {"现场照片.jpg（120 KB，2026-11-28 10:02）",
                          "整改报告.pdf（36 KB，2026-12-01 09:15）"};
  struct notice_form form = {.complaint = &complaint,
                             .status = "已归档",
                             .printed_on = "2026-12-02",
                             .notices = items,
                             .notice_count = 2,
                             .callbacks = callbacks,
                             .callback_count = 2,
                             .attachments = files,
                             .attachment_count = 2,
                             .archived_at = "2026-12-02 11:00",
                             .archived_by = "王芳"};
  char *pdf = NULL;
  size_t len = 0;
  struct sh_error err = {0};
  enum sh_status rc;
  rc = notice_form_pdf(&form, &pdf, &len, &err);
  expect_ok(rc, &err, pdf);
  keep(pdf, len, "form");
  char *text = pdf_text(pdf, len);
  const char *expected[] = {"投诉处理单",
                            "TS-20261128-0003-1",
                            "TS-20261128-0003-2",
                            "采购部",
                            "刘洋",
                            "不满意",
                            "客户要求书面说明返工费用承担",
                            "零件已到，安装完成",
                            "现场照片.jpg",
                            "整改报告.pdf",
                            "2026-12-0211:00",
                            "已归档"};
  for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
    if (!strstr(text, expected[i]))
      fail_msg("missing \"%s\" in: %s", expected[i], text);
  free(text);
  free(pdf);
}

/* The same document gives the same bytes: its date comes from the data, not the clock. */
static void notice_is_the_same_bytes_for_the_same_input(void **state) {
  (void)state;
  char *a = NULL, *b = NULL;
  size_t alen = 0, blen = 0;
  struct sh_error err = {0};
  enum sh_status rc;
  rc = notice_pdf(&complaint, &unanswered, "2026-11-28", &a, &alen, &err);
  expect_ok(rc, &err, a);
  rc = notice_pdf(&complaint, &unanswered, "2026-11-28", &b, &blen, &err);
  expect_ok(rc, &err, b);
  assert_int_equal(alen, blen);
  assert_memory_equal(a, b, alen);
  free(a);
  free(b);
}

/* Bad input is refused naming the field, and nothing is drawn. */
static void notice_refuses_bad_input_naming_the_field(void **state) {
  (void)state;
  char *pdf = NULL;
  size_t len = 0;
  struct sh_error err = {0};
  struct notice_complaint c = complaint;
  c.facts = "";
  assert_int_equal(notice_pdf(&c, &unanswered, "2026-11-28", &pdf, &len, &err), SH_ERR_INVALID);
  assert_string_equal(err.code, "field_required");
  assert_string_equal(err.field, "facts");
  assert_null(pdf);
  struct notice_item item = unanswered;
  item.due_date = "2026-02-30";
  assert_int_equal(notice_pdf(&complaint, &item, "2026-11-28", &pdf, &len, &err), SH_ERR_INVALID);
  assert_string_equal(err.code, "invalid_date");
  assert_string_equal(err.field, "due_date");
  item = unanswered;
  item.department = "品质\x01部";
  assert_int_equal(notice_pdf(&complaint, &item, "2026-11-28", &pdf, &len, &err), SH_ERR_INVALID);
  assert_string_equal(err.code, "invalid_character");
  assert_string_equal(err.field, "department");
  struct notice_form form = {.complaint = &complaint,
                             .status = "处理中",
                             .printed_on = "2026-12-02",
                             .notice_count = NOTICE_MAX_NOTICES + 1,
                             .notices = &unanswered};
  assert_int_equal(notice_form_pdf(&form, &pdf, &len, &err), SH_ERR_INVALID);
  assert_string_equal(err.code, "too_many_items");
  assert_string_equal(err.field, "notices");
  assert_null(pdf);
}

/* A facts text of the full 2 000 characters flows onto a second page, all of it printed. */
static void long_facts_continue_on_the_next_page(void **state) {
  (void)state;
  static char facts[NOTICE_MAX_TEXT_CHARS * 3 + 1];
  size_t n = 0;
  /* 2 000 characters of 投 (three bytes each), the last three replaced by 终结句. */
  while (n / 3 < NOTICE_MAX_TEXT_CHARS) {
    memcpy(facts + n, "投", 3);
    n += 3;
  }
  facts[n] = '\0';
  memcpy(facts + n - 9, "终结句", 9); /* the last three characters, to find on page 2 */
  struct notice_complaint c = complaint;
  c.facts = facts;
  char *pdf = NULL;
  size_t len = 0;
  struct sh_error err = {0};
  enum sh_status rc;
  rc = notice_pdf(&c, &unanswered, "2026-11-28", &pdf, &len, &err);
  expect_ok(rc, &err, pdf);
  keep(pdf, len, "long");
  assert_true(pdf_pages(pdf, len) >= 2);
  char *text = pdf_text(pdf, len);
  assert_non_null(strstr(text, "终结句"));
  assert_non_null(strstr(text, "投诉事实（续）"));
  free(text);
  free(pdf);
}

/* The largest form the API can ask for still draws: NOTICE_MAX_NOTICES notices (the domain
 * refuses one more), each with its instructions (1 000 characters, the API's limit) and
 * three answers of NOTICE_MAX_TEXT_CHARS, NOTICE_MAX_CALLBACKS callbacks with 500-character
 * notes, under NOTICE_MAX_BYTES, and every notice's number is printed. */
static void the_largest_form_fits(void **state) {
  (void)state;
  static char text[NOTICE_MAX_TEXT_CHARS * 3 + 1], half[1000 * 3 + 1], note[500 * 3 + 1];
  for (size_t i = 0; i < NOTICE_MAX_TEXT_CHARS; i++)
    memcpy(text + 3 * i, "答", 3);
  for (size_t i = 0; i < 1000; i++)
    memcpy(half + 3 * i, "求", 3);
  for (size_t i = 0; i < 500; i++)
    memcpy(note + 3 * i, "意", 3);
  const struct notice_answer full = {text, text, text, "张建军", "2026-11-30 16:20"};
  static struct notice_item items[NOTICE_MAX_NOTICES];
  static char numbers[NOTICE_MAX_NOTICES][32];
  static struct notice_callback callbacks[NOTICE_MAX_CALLBACKS];
  for (size_t i = 0; i < NOTICE_MAX_NOTICES; i++) {
    snprintf(numbers[i], sizeof numbers[i], "TS-20261128-0003-%zu", i + 1);
    items[i] = unanswered;
    items[i].notice_no = numbers[i];
    items[i].instructions = half;
    items[i].answer = &full;
  }
  for (size_t i = 0; i < NOTICE_MAX_CALLBACKS; i++)
    callbacks[i] = (struct notice_callback){"2026-11-30 17:00", "王芳", "不满意", note};
  struct notice_form form = {.complaint = &complaint,
                             .status = "处理中",
                             .printed_on = "2026-12-02",
                             .notices = items,
                             .notice_count = NOTICE_MAX_NOTICES,
                             .callbacks = callbacks,
                             .callback_count = NOTICE_MAX_CALLBACKS};
  char *pdf = NULL;
  size_t len = 0;
  struct sh_error err = {0};
  enum sh_status rc;
  rc = notice_form_pdf(&form, &pdf, &len, &err);
  expect_ok(rc, &err, pdf);
  assert_true(len <= NOTICE_MAX_BYTES);
  char *printed = pdf_text(pdf, len);
  for (size_t i = 0; i < NOTICE_MAX_NOTICES; i++) {
    char want[1700];
    snprintf(want, sizeof want, "通知单号%s", numbers[i]);
    if (!strstr(printed, want))
      fail_msg("missing \"%s\"", want);
  }
  free(printed);
  free(pdf);
}

static int teardown(void **state) {
  (void)state;
  pdf_shutdown();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(notice_names_the_complaint_the_department_the_due_date_and_blank_answers),
      cmocka_unit_test(answered_notice_carries_the_answer),
      cmocka_unit_test(form_lists_notices_callbacks_attachments_and_the_archive),
      cmocka_unit_test(notice_is_the_same_bytes_for_the_same_input),
      cmocka_unit_test(notice_refuses_bad_input_naming_the_field),
      cmocka_unit_test(long_facts_continue_on_the_next_page),
      cmocka_unit_test(the_largest_form_fits),
  };
  return cmocka_run_group_tests(tests, NULL, teardown);
}
