/* test_report.c — src/export/report.c: the service report (服务报告) of SPEC C6 as PDF.
 *
 * As test_pdf.c does for the warranty card, the report is read the way a customer meets
 * it: poppler's pdftotext must find the customer, the parts, the totals and the signature
 * box as text, pdfinfo counts the pages. The text is compared with spaces and line breaks
 * taken out, since Pango may wrap between any two Chinese characters. The signature is a
 * PNG drawn here with cairo. REPORT_TEST_DIR=folder keeps the reports drawn for a look. */
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

#include <cairo.h>

#include "../../src/export/pdf.h"
#include "../../src/export/report.h"

/* Three parts, as SPEC B3 bills them. Worked out by hand:
 *   主板电源模块    1 × 860.00, free in warranty → 0.00 (its value 860.00 is internal)
 *   红外摄像机镜头  2 × 125.50, charged          → 251.00
 *   电源适配器12V   3 ×  35.05, charged          → 105.15
 *   parts charged 251.00 + 105.15 = 356.15; with 人工费 150.00 the total payable is 506.15. */
static const struct report_part three_parts[] = {
    {"主板电源模块", "PWR-7816-01", 1, 86000, true},
    {"红外摄像机镜头", "LENS-2CD-4MM", 2, 12550, false},
    {"电源适配器12V", "ADP-12V-2A", 3, 3505, false},
};
static const struct report_charge labour[] = {{"人工费", 15000}};

/* The internal costs: amounts that appear nowhere else in the report. */
#define VEHICLE_COST 8765     /* 87.65 */
#define CONSUMABLES_COST 1234 /* 12.34 */

struct bytes {
  unsigned char *data;
  size_t len, cap;
};

static cairo_status_t collect(void *closure, const unsigned char *data, unsigned int length) {
  struct bytes *b = closure;
  if (b->len + length > b->cap) {
    b->cap = (b->len + length) * 2;
    b->data = realloc(b->data, b->cap);
    assert_non_null(b->data);
  }
  memcpy(b->data + b->len, data, length);
  b->len += length;
  return CAIRO_STATUS_SUCCESS;
}

/* A signature of a few strokes on a transparent w × h PNG, as a signature pad sends it.
 * Caller frees .data. */
static struct bytes signature_png(int w, int h) {
  struct bytes png = {0};
  cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create(surface);
  cairo_scale(cr, w / 400.0, h / 140.0);
  cairo_set_source_rgb(cr, 0.05, 0.1, 0.35);
  cairo_set_line_width(cr, 5.0);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to(cr, 30, 90);
  cairo_curve_to(cr, 60, 20, 90, 130, 120, 60);
  cairo_curve_to(cr, 140, 20, 170, 110, 200, 70);
  cairo_move_to(cr, 210, 40);
  cairo_line_to(cr, 250, 110);
  cairo_move_to(cr, 260, 80);
  cairo_curve_to(cr, 300, 30, 330, 120, 370, 50);
  cairo_move_to(cr, 40, 115);
  cairo_line_to(cr, 360, 105);
  cairo_stroke(cr);
  cairo_destroy(cr);
  assert_int_equal(cairo_surface_write_to_png_stream(surface, collect, &png), CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy(surface);
  return png;
}

/* A completed ticket as the caller of SPEC C6 fills it: a customer's copy, signed. */
static struct service_report sample_report(const struct bytes *png) {
  struct service_report r = {
      .company = "海口天赏电子科技有限公司",
      .hotline = "400-800-6688",
      .ticket_no = "SH-20261128-0007",
      .printed_on = "2026-11-28",
      .customer_name = "海口椰城花园物业服务中心",
      .contact = "林晓梅",
      .phone = "0898-66881234",
      .address = "海南省海口市龙华区滨海大道88号椰城花园3栋",
      .unit_name = "网络硬盘录像机",
      .unit_model = "DS-7816N-K2",
      .serial = "SN-NVR-0001",
      .warranty = "保修期内（至2027-03-15）",
      .called_at = "2026-11-28 09:12",
      .arrived = {"2026-11-28 14:05", "按时（24小时内到达）"},
      .cleared = {"2026-11-28 17:40", "按时（48小时内排除）"},
      .fault_reported = "录像机无法开机，前面板指示灯不亮；3号摄像机图像模糊。",
      .diagnosis = "录像机电源模块损坏，主板供电正常；3号摄像机镜头进水起雾。",
      .work_done = "更换录像机电源模块，更换3号、5号摄像机镜头及电源适配器，"
                   "重新配置录像计划，恢复全部16路录像。",
      .test_result = "通电运行2小时，16路图像清晰，录像及回放正常，远程查看正常。",
      .responsibility = "客户要求在大门处加装一个摄像机支架（不在本次报修范围），"
                        "经客户同意按收费处理，已在人工费中计收。",
      .parts = three_parts,
      .part_count = 3,
      .charges = labour,
      .charge_count = 1,
      .outcome = "修复",
      .technician = "王建国",
      .vehicle_cost = VEHICLE_COST,
      .consumables_cost = CONSUMABLES_COST,
      .cost_note = "耗材超出定额：防水胶带两卷、热缩管一包",
  };
  if (png) {
    r.signature_png = png->data;
    r.signature_png_len = png->len;
    r.signer = "林晓梅";
    r.signed_at = "2026-11-28 17:55";
  }
  return r;
}

/* Writes bytes to a new temporary file whose name goes to path. */
static void write_temp(const char *data, size_t len, char path[64]) {
  const char *dir = getenv("TMPDIR");
  snprintf(path, 64, "%s/test_report_XXXXXX", dir && *dir ? dir : "/tmp");
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

/* The text of a PDF by pdftotext in reading order, spaces and newlines removed (pages end
 * with a form feed). Caller frees. */
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

/* The page count by pdfinfo. */
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

static size_t count(const char *text, const char *needle) {
  size_t n = 0;
  for (const char *at = strstr(text, needle); at; at = strstr(at + strlen(needle), needle))
    n++;
  return n;
}

/* Writes a report to $REPORT_TEST_DIR/name.pdf when that is set, for a person to look at. */
static void keep(const char *pdf, size_t len, const char *name) {
  const char *dir = getenv("REPORT_TEST_DIR");
  char path[512];
  if (!dir || !*dir)
    return;
  snprintf(path, sizeof path, "%s/%s.pdf", dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(pdf, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

static void render_ok(const struct service_report *r, char **pdf, size_t *len) {
  struct sh_error err = {0};
  enum sh_status rc = report_service_pdf(r, pdf, len, &err);
  if (rc != SH_OK)
    print_error("refused: %s %s %s\n", err.code, err.field, err.detail);
  assert_int_equal(rc, SH_OK);
  assert_non_null(*pdf);
  assert_memory_equal(*pdf, "%PDF-", 5);
}

/* Renders, keeps the PDF as name (see keep) and returns its text; caller frees. */
static char *render_text(const struct service_report *r, const char *name) {
  char *pdf = NULL;
  size_t len = 0;
  render_ok(r, &pdf, &len);
  keep(pdf, len, name);
  char *text = pdf_text(pdf, len);
  free(pdf);
  return text;
}

/* EVIDENCE: SPEC C6 — the signed receipt names the customer, the ticket, every part with
 * its number, and the sums as worked out above; the box 客户签字 holds the signature. */
static void report_text_has_the_customer_the_parts_the_totals_and_the_signature(void **state) {
  (void)state;
  struct bytes png = signature_png(400, 140);
  struct service_report r = sample_report(&png);
  char *pdf = NULL;
  size_t len = 0;
  render_ok(&r, &pdf, &len);
  keep(pdf, len, "signed");
  char *text = pdf_text(pdf, len);
  print_message("# signed report, 3 parts: %zu bytes, %d page(s)\n", len, pdf_pages(pdf, len));
  assert_int_equal(pdf_pages(pdf, len), 1);
  assert_non_null(strstr(text, "服务报告"));
  assert_non_null(strstr(text, "SH-20261128-0007"));
  assert_non_null(strstr(text, "海口椰城花园物业服务中心"));
  assert_non_null(strstr(text, "保修期内（至2027-03-15）"));
  for (size_t i = 0; i < 3; i++) {
    assert_non_null(strstr(text, three_parts[i].name));
    assert_non_null(strstr(text, three_parts[i].part_no));
  }
  /* EVIDENCE: SPEC B3 — the free part's line is 0.00, the charged lines their product. */
  assert_non_null(strstr(text, "保内免费0.00"));
  assert_non_null(strstr(text, "收费251.00"));
  assert_non_null(strstr(text, "收费105.15"));
  assert_non_null(strstr(text, "收费配件合计356.15"));
  assert_non_null(strstr(text, "人工费150.00"));
  assert_non_null(strstr(text, "应付合计（元）506.15"));
  assert_non_null(strstr(text, "客户签字"));
  assert_non_null(strstr(text, "签字人：林晓梅"));
  assert_non_null(strstr(text, "签字时间：2026-11-2817:55"));
  assert_null(strstr(text, "超出定额")); /* the cost note is internal */
  assert_non_null(strstr(text, "责任界定"));
  assert_null(strstr(text, "备品替代")); /* no spare unit: no row for it */
  assert_non_null(strstr(text, "第1页共1页"));
  free(text);
  free(pdf);
  free(png.data);
}

/* EVIDENCE: SPEC C6 — without a signature the box stays empty for a pen. */
static void report_without_signature_or_parts_has_an_empty_box_and_says_no_parts(void **state) {
  (void)state;
  struct service_report r = sample_report(NULL);
  r.parts = NULL;
  r.part_count = 0;
  r.responsibility = NULL;
  r.diagnosis = "";
  r.spare = (struct report_stage){"2026-12-01 10:30", "超时 2小时15分"};
  r.outcome = "备品替代";
  char *text = render_text(&r, "unsigned");
  assert_non_null(strstr(text, "客户签字"));
  assert_non_null(strstr(text, "签字人：＿"));
  assert_non_null(strstr(text, "本次服务未更换配件"));
  assert_non_null(strstr(text, "收费配件合计0.00"));
  assert_non_null(strstr(text, "应付合计（元）150.00"));
  assert_null(strstr(text, "责任界定"));
  assert_non_null(strstr(text, "故障诊断—")); /* an empty optional text shows a dash */
  /* EVIDENCE: SPEC C2 — the 72-hour stage, with the caller's words on its lateness. */
  assert_non_null(strstr(text, "备品替代2026-12-0110:30超时2小时15分"));
  assert_non_null(strstr(text, "处理结果备品替代"));
  free(text);
}

/* Money is integer fen written with two decimals; the edges of int64_t too. */
static void report_format_yuan_writes_two_decimals_at_every_edge(void **state) {
  (void)state;
  static const struct {
    int64_t fen;
    const char *text;
  } cases[] = {
      {0, "0.00"},
      {5, "0.05"},
      {50, "0.50"},
      {100, "1.00"},
      {123450, "1234.50"},
      {123456789, "1234567.89"},
      {-5, "-0.05"},
      {-123450, "-1234.50"},
      {INT64_MAX, "92233720368547758.07"},
      {INT64_MIN, "-92233720368547758.08"},
  };
  char out[REPORT_YUAN_LEN];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_true(report_format_yuan(cases[i].fen, out, sizeof out));
    assert_string_equal(out, cases[i].text);
  }
  char small[5] = "keep";
  assert_false(report_format_yuan(123450, small, sizeof small)); /* "1234.50" needs 8 */
  assert_string_equal(small, "keep");
  char exact[8];
  assert_true(report_format_yuan(123450, exact, sizeof exact));
  assert_string_equal(exact, "1234.50");
}

/* EVIDENCE: SPEC B3 — 0.05 元 and 1234567.89 元 reach the page exactly. */
static void report_prints_five_fen_and_a_million_yuan_exactly(void **state) {
  (void)state;
  const struct report_part parts[] = {{"螺丝", "M3-8", 1, 5, false}};
  const struct report_charge charges[] = {{"整机更换费", 123456789}};
  struct service_report r = sample_report(NULL);
  r.parts = parts;
  r.part_count = 1;
  r.charges = charges;
  r.charge_count = 1;
  char *text = render_text(&r, "edges");
  assert_non_null(strstr(text, "收费0.05"));
  assert_non_null(strstr(text, "整机更换费1234567.89"));
  assert_non_null(strstr(text, "应付合计（元）1234567.94")); /* 0.05 + 1234567.89 */
  free(text);
}

/* EVIDENCE: SPEC C4 — vehicle and consumables are internal: not on the customer's copy by
 * default, printed on the internal copy with the value of the free parts. */
static void report_internal_costs_are_printed_only_on_the_internal_copy(void **state) {
  (void)state;
  struct service_report r = sample_report(NULL);
  char *text = render_text(&r, "customer_copy");
  assert_non_null(strstr(text, "客户联"));
  assert_null(strstr(text, "87.65"));
  assert_null(strstr(text, "12.34"));
  assert_null(strstr(text, "车辆费用"));
  assert_null(strstr(text, "内部"));
  assert_null(strstr(text, "免费配件价值")); /* 860.00 is there only as the unit price */
  free(text);
  r.internal_copy = true;
  text = render_text(&r, "internal_copy");
  assert_non_null(strstr(text, "内部联"));
  assert_non_null(strstr(text, "车辆费用87.65元"));
  assert_non_null(strstr(text, "耗材费用12.34元"));
  assert_non_null(strstr(text, "免费配件价值860.00元"));
  assert_non_null(strstr(text, "防水胶带两卷"));
  assert_non_null(strstr(text, "应付合计（元）506.15")); /* the customer's total is the same */
  free(text);
}

/* Renders a bad report and checks the error; the outputs must stay untouched. */
static void expect_refused(const struct service_report *r, enum sh_status status, const char *code,
                           const char *field) {
  struct sh_error err = {0};
  char *pdf = (char *)"untouched";
  size_t len = 12345;
  enum sh_status rc = report_service_pdf(r, &pdf, &len, &err);
  if (rc != status || strcmp(err.field, field) != 0)
    print_error("got %s %s (%s), expected %s %s\n", err.code, err.field, err.detail, code, field);
  assert_int_equal(rc, status);
  assert_int_equal(err.status, status);
  assert_string_equal(err.code, code);
  assert_string_equal(err.field, field);
  assert_string_equal(pdf, "untouched");
  assert_int_equal(len, 12345);
}

/* A signature that is not a whole PNG is refused, not drawn and not a crash. */
static void report_with_a_corrupt_or_oversized_signature_is_refused(void **state) {
  (void)state;
  struct bytes png = signature_png(400, 140);
  struct service_report r = sample_report(&png);
  r.signature_png_len = png.len / 2; /* cut in the middle of the picture */
  expect_refused(&r, SH_ERR_MALFORMED, "invalid_image", "signature_png");
  r.signature_png_len = png.len;
  unsigned char *idat = NULL;
  for (size_t i = 8; i + 4 <= png.len && !idat; i++)
    if (memcmp(png.data + i, "IDAT", 4) == 0)
      idat = png.data + i;
  assert_non_null(idat);
  for (size_t i = 8; i < 40; i++)
    idat[i] ^= 0x5a; /* the compressed pixels, so the chunk's CRC fails */
  expect_refused(&r, SH_ERR_MALFORMED, "invalid_image", "signature_png");
  r.signature_png = (const unsigned char *)"GIF89a not a PNG at all, really";
  r.signature_png_len = 31;
  expect_refused(&r, SH_ERR_MALFORMED, "invalid_image", "signature_png");
  free(png.data);
  png = signature_png(REPORT_MAX_SIGNATURE_PIXELS + 1, 10);
  r = sample_report(&png);
  expect_refused(&r, SH_ERR_TOO_LARGE, "too_large", "signature_png");
  free(png.data);
  unsigned char *huge = calloc(REPORT_MAX_SIGNATURE_BYTES + 1, 1);
  assert_non_null(huge);
  r.signature_png = huge;
  r.signature_png_len = REPORT_MAX_SIGNATURE_BYTES + 1;
  expect_refused(&r, SH_ERR_TOO_LARGE, "too_large", "signature_png");
  free(huge);
}

/* Copies n times the UTF-8 character ch into out (which has room) and terminates it. */
static char *repeat(char *out, const char *ch, size_t n) {
  size_t len = strlen(ch);
  for (size_t i = 0; i < n; i++)
    memcpy(out + i * len, ch, len);
  out[n * len] = '\0';
  return out;
}

/* A signature at the pixel limit is accepted and resampled: the PDF stays small. */
static void report_with_a_signature_at_the_limit_stays_small(void **state) {
  (void)state;
  struct bytes png = signature_png(REPORT_MAX_SIGNATURE_PIXELS, REPORT_MAX_SIGNATURE_PIXELS);
  struct service_report r = sample_report(&png);
  char *pdf = NULL;
  size_t len = 0;
  render_ok(&r, &pdf, &len);
  print_message("# %dx%d signature (%zu bytes of PNG): %zu bytes of PDF\n",
                REPORT_MAX_SIGNATURE_PIXELS, REPORT_MAX_SIGNATURE_PIXELS, png.len, len);
  assert_true(len < 200 * 1024);
  free(pdf);
  free(png.data);
}

/* EVIDENCE: SPEC L — bad input gets a clear error naming the field. */
static void report_over_a_limit_is_refused_naming_the_field(void **state) {
  (void)state;
  static char name[101 * 3 + 1], part_no[66], text[(REPORT_MAX_TEXT_CHARS + 1) * 3 + 1], sla[200];
  struct report_part parts[3];
  memcpy(parts, three_parts, sizeof parts);
  struct service_report r = sample_report(NULL);
  r.parts = parts;
  r.customer_name = repeat(name, "椰", 101);
  expect_refused(&r, SH_ERR_INVALID, "field_length", "customer_name");
  r.customer_name = name + 3; /* exactly 100: accepted */
  char *pdf = NULL;
  size_t len = 0;
  render_ok(&r, &pdf, &len);
  free(pdf);
  r.customer_name = "海口\n椰城";
  expect_refused(&r, SH_ERR_INVALID, "invalid_character", "customer_name");
  r.customer_name = NULL;
  expect_refused(&r, SH_ERR_INVALID, "field_required", "customer_name");
  r.customer_name = "海口椰城";
  r.work_done = repeat(text, "修", REPORT_MAX_TEXT_CHARS + 1);
  expect_refused(&r, SH_ERR_INVALID, "field_length", "work_done");
  r.work_done = "第一步\n第二步\t完成"; /* line breaks and tabs are fine in a long text */
  r.arrived.sla = repeat(sla, "超", 51);
  expect_refused(&r, SH_ERR_INVALID, "field_length", "arrived.sla");
  r.arrived.sla = "按时";
  parts[1].part_no = repeat(part_no, "9", 65);
  expect_refused(&r, SH_ERR_INVALID, "field_length", "parts[1].part_no");
  parts[1].part_no = "LENS-\xff";
  expect_refused(&r, SH_ERR_MALFORMED, "invalid_utf8", "parts[1].part_no");
  parts[1].part_no = "LENS-2CD-4MM";
  parts[2].quantity = 0;
  expect_refused(&r, SH_ERR_INVALID, "out_of_range", "parts[2].quantity");
  parts[2].quantity = 3;
  parts[0].unit_price = REPORT_MAX_AMOUNT_FEN + 1;
  expect_refused(&r, SH_ERR_INVALID, "out_of_range", "parts[0].unit_price");
  parts[0].unit_price = 86000;
  r.part_count = REPORT_MAX_PARTS + 1;
  expect_refused(&r, SH_ERR_INVALID, "too_many_items", "parts");
  r.part_count = 3;
  const struct report_charge discount[] = {{"优惠", -400000}}; /* more than 356.15 */
  r.charges = discount;
  expect_refused(&r, SH_ERR_INVALID, "out_of_range", "charges");
  r.charges = labour;
  r.vehicle_cost = -1;
  expect_refused(&r, SH_ERR_INVALID, "out_of_range", "vehicle_cost");
  r.vehicle_cost = VEHICLE_COST;
  r.printed_on = "2026-02-30";
  expect_refused(&r, SH_ERR_INVALID, "invalid_date", "printed_on");
  r.printed_on = "2026-11-28";
  struct bytes png = signature_png(400, 140);
  r.signature_png = png.data;
  r.signature_png_len = png.len;
  expect_refused(&r, SH_ERR_INVALID, "field_required", "signer"); /* a signature needs a name */
  free(png.data);
  expect_refused(NULL, SH_ERR_INVALID, "field_required", "report");
}

/* EVIDENCE: SPEC C6 — 200 parts run over pages under a repeated header, none lost. */
static void report_of_two_hundred_parts_runs_over_pages_and_lists_every_part(void **state) {
  (void)state;
  struct report_part parts[REPORT_MAX_PARTS];
  char numbers[REPORT_MAX_PARTS][24];
  for (size_t i = 0; i < REPORT_MAX_PARTS; i++) {
    snprintf(numbers[i], sizeof numbers[i], "PN-%05zu", i + 1);
    parts[i] = three_parts[i % 3];
    parts[i].part_no = numbers[i];
  }
  struct service_report r = sample_report(NULL);
  r.parts = parts;
  r.part_count = REPORT_MAX_PARTS;
  char *pdf = NULL;
  size_t len = 0;
  render_ok(&r, &pdf, &len);
  keep(pdf, len, "parts200");
  int pages = pdf_pages(pdf, len);
  char *text = pdf_text(pdf, len);
  print_message("# 200 parts: %d pages, %zu bytes\n", pages, len);
  assert_true(pages >= 4);
  assert_int_equal(count(text, "PN-"), REPORT_MAX_PARTS); /* each once */
  for (size_t i = 0; i < REPORT_MAX_PARTS; i++)
    assert_non_null(strstr(text, numbers[i]));
  /* Rows i % 3 = 0, 1, 2 are free, lenses, adapters: 67, 67 and 66 of them, so the parts
   * charged are 67 × 251.00 + 66 × 105.15 = 16817.00 + 6939.90. */
  assert_non_null(strstr(text, "收费配件合计23756.90"));
  assert_non_null(strstr(text, "服务报告（续）"));
  /* The table starts on page 1 and ends on the last: its header (配件编号 is in no other
   * text) opens it on every page. */
  assert_int_equal(count(text, "配件编号"), pages);
  char last[64];
  snprintf(last, sizeof last, "第%d页共%d页", pages, pages);
  assert_non_null(strstr(text, last));
  free(text);
  free(pdf);
}

/* EVIDENCE: SPEC C4 — a long record wraps and continues on the next page, every line kept. */
static void report_with_long_texts_continues_them_on_the_next_page(void **state) {
  (void)state;
  static char work[REPORT_MAX_TEXT_CHARS * 3 + 1], fault[REPORT_MAX_TEXT_CHARS * 3 + 1];
  size_t at = 0;
  for (int step = 1; step <= 80; step++) /* 80 lines of ≤ 20 characters */
    at += (size_t)snprintf(work + at, sizeof work - at, "第%02d步：检查并紧固接线端子\n", step);
  struct service_report r = sample_report(NULL);
  r.work_done = work;
  r.fault_reported = repeat(fault, "障", REPORT_MAX_TEXT_CHARS);
  char *pdf = NULL;
  size_t len = 0;
  render_ok(&r, &pdf, &len);
  keep(pdf, len, "long_texts");
  char *text = pdf_text(pdf, len);
  assert_true(pdf_pages(pdf, len) >= 3);
  for (int step = 1; step <= 80; step++) {
    char line[64];
    snprintf(line, sizeof line, "第%02d步：检查并紧固接线端子", step);
    assert_int_equal(count(text, line), 1);
  }
  assert_non_null(strstr(text, "处理过程（续）"));
  /* Every 障 of the fault is there: the others are those of the labels, each after 故. */
  assert_int_equal(count(text, "障"), REPORT_MAX_TEXT_CHARS + count(text, "故障"));
  free(text);
  free(pdf);
}

/* The report is a function of its input: the same bytes twice, signature included. */
static void report_is_the_same_bytes_for_the_same_input(void **state) {
  (void)state;
  struct bytes png = signature_png(400, 140);
  struct service_report r = sample_report(&png);
  char *a = NULL, *b = NULL;
  size_t alen = 0, blen = 0;
  render_ok(&r, &a, &alen);
  render_ok(&r, &b, &blen);
  assert_int_equal(alen, blen);
  assert_memory_equal(a, b, alen);
  free(a);
  free(b);
  free(png.data);
}

/* cairo and fontconfig keep caches for the life of the process; drop them so that a leak
 * checker sees only what the reports left behind. */
static int teardown(void **state) {
  (void)state;
  pdf_shutdown();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(report_text_has_the_customer_the_parts_the_totals_and_the_signature),
      cmocka_unit_test(report_without_signature_or_parts_has_an_empty_box_and_says_no_parts),
      cmocka_unit_test(report_format_yuan_writes_two_decimals_at_every_edge),
      cmocka_unit_test(report_prints_five_fen_and_a_million_yuan_exactly),
      cmocka_unit_test(report_internal_costs_are_printed_only_on_the_internal_copy),
      cmocka_unit_test(report_with_a_corrupt_or_oversized_signature_is_refused),
      cmocka_unit_test(report_with_a_signature_at_the_limit_stays_small),
      cmocka_unit_test(report_over_a_limit_is_refused_naming_the_field),
      cmocka_unit_test(report_of_two_hundred_parts_runs_over_pages_and_lists_every_part),
      cmocka_unit_test(report_with_long_texts_continues_them_on_the_next_page),
      cmocka_unit_test(report_is_the_same_bytes_for_the_same_input),
  };
  return cmocka_run_group_tests(tests, NULL, teardown);
}
