/* test_pdf.c — src/export/pdf.c: the warranty card (保修卡) of SPEC B4 as PDF.
 *
 * The card is checked the way a reader meets it: poppler's pdftotext must find the owner,
 * the title, the serials and the last days of warranty as text (not as pictures or blank
 * glyphs), and pdftoppm must draw the page. The text is compared with line breaks and
 * spaces taken out, since Pango may wrap a phrase anywhere between two Chinese characters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <cairo.h>

#include "../../src/export/pdf.h"

#define SMALL_CARD_MAX_BYTES (100 * 1024)

static const struct card_unit three_units[] = {
    {"网络硬盘录像机", "DS-7816N-K2", "SN-NVR-0001", "视频监控", "2025-03-15", "公司免费保修12个月",
     true},
    {"红外枪式摄像机", "DS-2CD3T46WD", "SN-CAM-0002", "视频监控", "2026-03-15",
     "厂家免费保修24个月", true},
    {"可视对讲主机", NULL, "SN-VDP-0003", "可视对讲", "2025-03-15", "公司免费保修12个月", false},
};

/* A card as the caller of SPEC B4 fills it, with the rulebook's principles. */
static struct warranty_card sample_card(const struct card_unit *units, size_t count) {
  struct warranty_card card = {
      .company = "海口天赏电子科技有限公司",
      .card_no = "BXK-2024-0315",
      .owner = "海南椰城物业管理有限公司",
      .project = "椰城花园小区安防监控系统工程",
      .site_address = "海南省海口市龙华区滨海大道88号",
      .completed_on = "2024-03-01",
      .accepted_on = "2024-03-15",
      .issued_on = "2024-03-20",
      .units = units,
      .unit_count = count,
      .principles = pdf_warranty_default_principles,
      .principle_count = PDF_WARRANTY_DEFAULT_PRINCIPLE_COUNT,
      .department = "售后服务部",
      .staff_name = "王建国",
      .staff_phone = "0898-66881234",
      .hotline = "400-800-6688",
  };
  return card;
}

/* Writes bytes to a new temporary file whose name goes to path. */
static void write_temp(const char *pdf, size_t len, char path[64]) {
  const char *dir = getenv("TMPDIR");
  snprintf(path, 64, "%s/test_pdf_XXXXXX", dir && *dir ? dir : "/tmp");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(pdf, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* Runs a shell command and returns its standard output (caller frees). */
static char *run(const char *command) {
  FILE *p = popen(command, "r");
  assert_non_null(p);
  size_t cap = 1 << 16, len = 0;
  char *out = malloc(cap);
  assert_non_null(out);
  size_t n;
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

/* The text of a PDF by pdftotext (pages separated by form feeds), spaces and newlines
 * removed. In reading order, a table cell's lines come together; in physical layout
 * (-layout), a numbered paragraph's lines do. Caller frees. */
static char *pdf_text_as(const char *pdf, size_t len, bool layout) {
  char path[64], command[160];
  write_temp(pdf, len, path);
  snprintf(command, sizeof command, "pdftotext -enc UTF-8 %s %s -", layout ? "-layout" : "", path);
  char *text = run(command);
  unlink(path);
  char *w = text;
  for (const char *r = text; *r; r++)
    if (*r != ' ' && *r != '\n' && *r != '\r')
      *w++ = *r;
  *w = '\0';
  return text;
}

static char *pdf_text(const char *pdf, size_t len) {
  return pdf_text_as(pdf, len, false);
}

static size_t count(const char *text, const char *needle) {
  size_t n = 0;
  for (const char *at = strstr(text, needle); at; at = strstr(at + strlen(needle), needle))
    n++;
  return n;
}

static void render_ok(const struct warranty_card *card, char **pdf, size_t *len) {
  struct sh_error err = {0};
  assert_int_equal(pdf_warranty_card(card, pdf, len, &err), SH_OK);
  assert_non_null(*pdf);
  assert_memory_equal(*pdf, "%PDF-", 5);
}

/* EVIDENCE: SPEC B4 — the card states the owner, is titled 保修卡, and lists the units with
 * their serials and last days of warranty, as real text. */
static void pdf_card_text_has_the_owner_the_title_a_serial_and_the_last_day(void **state) {
  (void)state;
  struct warranty_card card = sample_card(three_units, 3);
  char *pdf = NULL;
  size_t len = 0;
  render_ok(&card, &pdf, &len);
  char *text = pdf_text(pdf, len);
  assert_non_null(strstr(text, "海南椰城物业管理有限公司"));
  assert_non_null(strstr(text, "保修卡"));
  assert_non_null(strstr(text, "SN-NVR-0001"));
  assert_non_null(strstr(text, "SN-VDP-0003"));
  assert_non_null(strstr(text, "2026-03-15"));
  assert_non_null(strstr(text, "厂家免费保修24个月"));
  assert_non_null(strstr(text, "第1页共1页"));
  free(text);
  free(pdf);
}

/* EVIDENCE: SPEC B4 — the principles and purpose, and the department and staff. */
static void pdf_card_states_the_principles_and_the_responsible_staff(void **state) {
  (void)state;
  struct warranty_card card = sample_card(three_units, 3);
  char *pdf = NULL;
  size_t len = 0;
  render_ok(&card, &pdf, &len);
  char *text = pdf_text_as(pdf, len, true);
  assert_non_null(strstr(text, "保修原则和目的"));
  assert_non_null(strstr(text, "接一个项目，留一件精品；做一个工程，树一块样板！"));
  for (size_t i = 0; i < PDF_WARRANTY_DEFAULT_PRINCIPLE_COUNT; i++)
    assert_non_null(strstr(text, pdf_warranty_default_principles[i])); /* whole paragraphs */
  assert_non_null(strstr(text, "售后服务部"));
  assert_non_null(strstr(text, "王建国"));
  assert_non_null(strstr(text, "0898-66881234"));
  assert_non_null(strstr(text, "400-800-6688"));
  assert_non_null(strstr(text, "盖章处"));
  free(text);
  free(pdf);
}

/* EVIDENCE: SPEC B4 — the page draws: pdftoppm makes a non-trivial image of it. */
static void pdf_card_page_renders_to_an_image(void **state) {
  (void)state;
  struct warranty_card card = sample_card(three_units, 3);
  char *pdf = NULL;
  size_t len = 0;
  char path[64], command[256], png[80];
  render_ok(&card, &pdf, &len);
  write_temp(pdf, len, path);
  snprintf(png, sizeof png, "%s-page", path);
  snprintf(command, sizeof command, "pdftoppm -r 50 -png -f 1 -singlefile %s %s", path, png);
  free(run(command));
  strncat(png, ".png", sizeof png - strlen(png) - 1);
  struct stat st;
  assert_int_equal(stat(png, &st), 0);
  print_message("# page 1 at 50 dpi: %lld bytes of PNG\n", (long long)st.st_size);
  assert_true(st.st_size > 8 * 1024); /* a blank A4 page at 50 dpi is ~1 KB */
  unlink(png);
  unlink(path);
  free(pdf);
}

/* EVIDENCE: SPEC B4 — a long list runs over pages with its header repeated, and none is lost. */
static void pdf_card_of_eighty_units_runs_over_pages_and_lists_every_serial(void **state) {
  (void)state;
  struct card_unit units[80];
  char serials[80][32];
  for (size_t i = 0; i < 80; i++) {
    snprintf(serials[i], sizeof serials[i], "SN-2024-%05zu", i + 1);
    units[i] = three_units[i % 3];
    units[i].serial = serials[i];
  }
  struct warranty_card card = sample_card(units, 80);
  char *pdf = NULL;
  size_t len = 0;
  render_ok(&card, &pdf, &len);
  char *text = pdf_text(pdf, len);
  size_t pages = count(text, "\f");
  print_message("# 80 units: %zu pages, %zu bytes, %zu bytes a page\n", pages, len, len / pages);
  assert_true(pages > 1);
  for (size_t i = 0; i < 80; i++)
    assert_non_null(strstr(text, serials[i]));
  assert_int_equal(count(text, "SN-2024-"), 80); /* each once: no row drawn twice */
  /* The table starts on page 1 and ends on the last: its header (序号 is in no other
   * text) is on every page. */
  assert_int_equal(count(text, "序号"), pages);
  assert_non_null(strstr(text, "保修卡（续）"));
  char last[64];
  snprintf(last, sizeof last, "第%zu页共%zu页", pages, pages);
  assert_non_null(strstr(text, last));
  free(text);
  free(pdf);
}

/* EVIDENCE: DESIGN.md Dependencies — the font is subset, so a page stays small. */
static void pdf_card_of_three_units_is_smaller_than_100_kb(void **state) {
  (void)state;
  struct warranty_card card = sample_card(three_units, 3);
  char *pdf = NULL;
  size_t len = 0;
  render_ok(&card, &pdf, &len);
  print_message("# 3 units, 1 page: %zu bytes\n", len);
  assert_true(len < SMALL_CARD_MAX_BYTES);
  free(pdf);
}

/* The card is a function of its input: no clock in the bytes. */
static void pdf_card_is_the_same_bytes_for_the_same_card(void **state) {
  (void)state;
  struct warranty_card card = sample_card(three_units, 3);
  char *a = NULL, *b = NULL;
  size_t alen = 0, blen = 0;
  render_ok(&card, &a, &alen);
  render_ok(&card, &b, &blen);
  assert_int_equal(alen, blen);
  assert_memory_equal(a, b, alen);
  free(a);
  free(b);
}

/* Copies n times the UTF-8 character ch into out (which has room) and terminates it. */
static char *repeat(char *out, const char *ch, size_t n) {
  size_t len = strlen(ch);
  for (size_t i = 0; i < n; i++)
    memcpy(out + i * len, ch, len);
  out[n * len] = '\0';
  return out;
}

/* Every text at its longest still reaches the page whole: nothing cut, nothing lost. */
static void pdf_card_with_every_text_at_its_limit_keeps_every_text_whole(void **state) {
  (void)state;
  static char owner[401], address[801], name[401], serial[65], card_no[41], basis[201];
  struct card_unit units[2] = {three_units[0], three_units[1]};
  units[0].name = repeat(name, "龍", 100);
  units[0].model = name;
  units[0].serial = repeat(serial, "7", 64);
  units[0].basis = repeat(basis, "修", 50);
  struct warranty_card card = sample_card(units, 2);
  card.owner = repeat(owner, "業", 100);
  card.company = owner;
  card.site_address = repeat(address, "路", 200);
  card.card_no = repeat(card_no, "9", 40);
  char *pdf = NULL;
  size_t len = 0;
  render_ok(&card, &pdf, &len);
  char *text = pdf_text(pdf, len);
  assert_non_null(strstr(text, owner));
  assert_non_null(strstr(text, address));
  assert_non_null(strstr(text, serial));
  assert_non_null(strstr(text, card_no));
  assert_non_null(strstr(text, "SN-CAM-0002"));
  free(text);
  free(pdf);
}

/* Renders a bad card and checks the error; the outputs must stay untouched. */
static void expect_refused(const struct warranty_card *card, enum sh_status status,
                           const char *code, const char *field) {
  struct sh_error err = {0};
  char *pdf = (char *)"untouched";
  size_t len = 12345;
  assert_int_equal(pdf_warranty_card(card, &pdf, &len, &err), status);
  assert_int_equal(err.status, status);
  assert_string_equal(err.code, code);
  assert_string_equal(err.field, field);
  assert_string_equal(pdf, "untouched");
  assert_int_equal(len, 12345);
}

/* EVIDENCE: SPEC B4 — no card without the owner's name. */
static void pdf_card_without_an_owner_is_refused_with_no_output(void **state) {
  (void)state;
  struct warranty_card card = sample_card(three_units, 3);
  card.owner = NULL;
  expect_refused(&card, SH_ERR_INVALID, "field_required", "owner");
  card.owner = "";
  expect_refused(&card, SH_ERR_INVALID, "field_required", "owner");
}

/* EVIDENCE: STYLE.md 11 — more units than the ceiling are refused before any work. */
static void pdf_card_with_too_many_units_is_refused_with_no_output(void **state) {
  (void)state;
  struct card_unit *units = calloc(PDF_MAX_UNITS + 1, sizeof *units);
  assert_non_null(units);
  for (size_t i = 0; i <= PDF_MAX_UNITS; i++)
    units[i] = three_units[0];
  struct warranty_card card = sample_card(units, PDF_MAX_UNITS + 1);
  expect_refused(&card, SH_ERR_INVALID, "too_many_items", "units");
  card.unit_count = 0;
  expect_refused(&card, SH_ERR_INVALID, "field_required", "units");
  free(units);
}

static void pdf_card_with_a_bad_field_names_it(void **state) {
  (void)state;
  struct card_unit units[3];
  memcpy(units, three_units, sizeof units);
  struct warranty_card card = sample_card(units, 3);
  char long_name[101 * 3 + 1] = "";
  for (int i = 0; i < 101; i++)
    memcpy(long_name + 3 * i, "海", 3); /* 101 characters, one over */
  long_name[303] = '\0';
  card.owner = long_name;
  expect_refused(&card, SH_ERR_INVALID, "field_length", "owner");
  card.owner = long_name + 3; /* exactly 100 characters: accepted */
  char *pdf = NULL;
  size_t len = 0;
  render_ok(&card, &pdf, &len);
  free(pdf);
  card.owner = "海南\n椰城物业";
  expect_refused(&card, SH_ERR_INVALID, "invalid_character", "owner");
  card.owner = "海南椰城物业";
  card.accepted_on = "2024-02-30";
  expect_refused(&card, SH_ERR_INVALID, "invalid_date", "accepted_on");
  card.accepted_on = "2024-03-15";
  units[2].serial = "";
  expect_refused(&card, SH_ERR_INVALID, "field_required", "units[2].serial");
  units[2].serial = "SN-\xff";
  expect_refused(&card, SH_ERR_MALFORMED, "invalid_utf8", "units[2].serial");
  units[2].serial = "SN-VDP-0003";
  card.principles = NULL;
  expect_refused(&card, SH_ERR_INVALID, "field_required", "principles");
}

/* cairo and fontconfig keep caches for the life of the process; drop them so that a leak
 * checker sees only what the cards left behind. FcFini is looked up at run time: the test
 * links fontconfig only through Pango and cairo. */
static int teardown(void **state) {
  (void)state;
  cairo_debug_reset_static_data();
  void *fontconfig = dlopen("libfontconfig.so.1", RTLD_LAZY);
  if (fontconfig) {
    void (*fc_fini)(void);
    *(void **)&fc_fini = dlsym(fontconfig, "FcFini");
    if (fc_fini)
      fc_fini();
    dlclose(fontconfig);
  }
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(pdf_card_text_has_the_owner_the_title_a_serial_and_the_last_day),
      cmocka_unit_test(pdf_card_states_the_principles_and_the_responsible_staff),
      cmocka_unit_test(pdf_card_page_renders_to_an_image),
      cmocka_unit_test(pdf_card_of_eighty_units_runs_over_pages_and_lists_every_serial),
      cmocka_unit_test(pdf_card_of_three_units_is_smaller_than_100_kb),
      cmocka_unit_test(pdf_card_is_the_same_bytes_for_the_same_card),
      cmocka_unit_test(pdf_card_with_every_text_at_its_limit_keeps_every_text_whole),
      cmocka_unit_test(pdf_card_without_an_owner_is_refused_with_no_output),
      cmocka_unit_test(pdf_card_with_too_many_units_is_refused_with_no_output),
      cmocka_unit_test(pdf_card_with_a_bad_field_names_it),
  };
  return cmocka_run_group_tests(tests, NULL, teardown);
}
