/* report.c — the service report (服务报告) of a ticket as an A4 PDF, drawn with draw.h
 * (SPEC C6, with the on-site record of C4 and the parts billed by B3).
 *
 * Design: as the warranty card of pdf.c, the report is laid out twice by the same code
 * (draw.h: measure, then draw), so that every page can say "第 N 页 共 M 页". A table row
 * and the signature block are never split; a long text is split between two of its lines,
 * drawn line by line, its label repeated with （续）. A parts row that does not fit starts
 * a new page under the table header again, and the last row stays with the totals. Sums
 * are integer fen, checked against the ceilings before anything is drawn. The signature
 * PNG's header is checked before it is decoded (a small file cannot claim a huge image),
 * and the decoded picture is resampled onto white at no more than 300 dpi of its box, so
 * the PDF's size does not follow the photo's. */
#include "report.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "../base/timefmt.h"
#include "draw.h"

/* The page: A4 (draw.h) with these top and bottom. */
#define MARGIN_TOP 36.0
#define BOTTOM (DRAW_PAGE_H - 52.0) /* lowest y of content; the footer lives below */

/* Type sizes, in points. */
#define SIZE_TITLE 22.0
#define SIZE_COMPANY 15.0
#define SIZE_SECTION 12.0
#define SIZE_BODY 10.5
#define SIZE_TABLE 9.0
#define SIZE_SMALL 8.0
#define SIZE_TOTAL 11.5

#define PAD 3.5      /* inside a table cell */
#define GAP 8.0      /* after a section */
#define LABEL_W 74.0 /* the label cell of a field row: six characters */
#define SIGN_W (DRAW_CONTENT_W / 2 - 10.0)
#define SIGN_BOX_H 76.0 /* the box 客户签字 */
#define SIGN_DPI 300.0  /* the most the signature is kept at */

/* Field limits, in characters (code points). */
#define MAX_NAME 100
#define MAX_ADDRESS 200
#define MAX_NUMBER 40 /* ticket number, phone, times */
#define MAX_SERIAL 64
#define MAX_SHORT 50
#define MAX_LABEL 20

enum { PART_NO, PART_NAME, PART_CODE, PART_QTY, PART_PRICE, PART_BILLING, PART_TOTAL, PART_COLS };
#define TOTAL_COL_W (DRAW_CONTENT_W - 416.0)
static const struct draw_column part_columns[PART_COLS] = {
    {"序号", 26.0, PANGO_ALIGN_CENTER},
    {"配件名称", 134.0, PANGO_ALIGN_LEFT},
    {"配件编号", 100.0, PANGO_ALIGN_LEFT},
    {"数量", 36.0, PANGO_ALIGN_CENTER},
    {"单价（元）", 64.0, PANGO_ALIGN_RIGHT},
    {"计费", 56.0, PANGO_ALIGN_CENTER},
    {"金额（元）", TOTAL_COL_W, PANGO_ALIGN_RIGHT},
};

enum { TIME_STAGE, TIME_AT, TIME_SLA, TIME_COLS };
static const struct draw_column time_columns[TIME_COLS] = {
    {"服务环节", 100.0, PANGO_ALIGN_CENTER},
    {"时间", 180.0, PANGO_ALIGN_CENTER},
    {"时限结果（24/48/72小时承诺）", DRAW_CONTENT_W - 280.0, PANGO_ALIGN_LEFT},
};

/* The sums of a report, in fen. */
struct totals {
  int64_t parts_charged; /* quantity × unit price of the charged lines */
  int64_t parts_free;    /* the same of the lines free in warranty (internal copy only) */
  int64_t payable;       /* parts_charged and every charge */
};

/* One report being drawn: the caller's report, its sums and its signature, all worked out
 * before the first pass. */
struct job {
  const struct service_report *report;
  struct totals totals;
  cairo_surface_t *signature; /* resampled onto white, or NULL */
};

struct field {
  const char *label;
  const char *value;
};

/* ---- money ---- */

bool report_format_yuan(int64_t fen, char *out, size_t size) {
  /* Unsigned negation is defined for INT64_MIN too. */
  uint64_t magnitude = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
  char text[REPORT_YUAN_LEN];
  int n = snprintf(text, sizeof text, "%s%" PRIu64 ".%02u", fen < 0 ? "-" : "", magnitude / 100,
                   (unsigned)(magnitude % 100));
  if (n < 0 || (size_t)n >= size)
    return false;
  memcpy(out, text, (size_t)n + 1);
  return true;
}

static const char *yuan(int64_t fen, char out[REPORT_YUAN_LEN]) {
  report_format_yuan(fen, out, REPORT_YUAN_LEN);
  return out;
}

/* ---- validation ---- */

static enum sh_status check_range(const char *field, int64_t value, int64_t min, int64_t max,
                                  struct sh_error *err) {
  char detail[64];
  if (value >= min && value <= max)
    return SH_OK;
  snprintf(detail, sizeof detail, "%" PRId64 "..%" PRId64, min, max);
  return sh_fail(err, SH_ERR_INVALID, "out_of_range", field, detail);
}

/* Checks the parts and the charges and adds them up into t (amounts are bounded first, so
 * no sum can overflow). */
static enum sh_status check_money(const struct service_report *r, struct totals *t,
                                  struct sh_error *err) {
  char field[64];
  enum sh_status rc;
  if (r->part_count > REPORT_MAX_PARTS)
    return sh_fail(err, SH_ERR_INVALID, "too_many_items", "parts", NULL);
  if (r->charge_count > REPORT_MAX_CHARGES)
    return sh_fail(err, SH_ERR_INVALID, "too_many_items", "charges", NULL);
  if ((r->part_count && !r->parts) || (r->charge_count && !r->charges))
    return sh_fail(err, SH_ERR_INVALID, "field_required",
                   r->part_count && !r->parts ? "parts" : "charges", NULL);
  *t = (struct totals){0, 0, 0};
  for (size_t i = 0; i < r->part_count; i++) {
    const struct report_part *part = &r->parts[i];
#define PART_FIELD(name) (snprintf(field, sizeof field, "parts[%zu]." name, i), field)
    if ((rc = draw_check_text(PART_FIELD("name"), part->name, MAX_NAME, true, false, err)) ||
        (rc = draw_check_text(PART_FIELD("part_no"), part->part_no, MAX_SERIAL, false, false,
                              err)) ||
        (rc = check_range(PART_FIELD("quantity"), part->quantity, 1, REPORT_MAX_QUANTITY, err)) ||
        (rc = check_range(PART_FIELD("unit_price"), part->unit_price, 0, REPORT_MAX_AMOUNT_FEN,
                          err)))
      return rc;
#undef PART_FIELD
    int64_t line = part->unit_price * part->quantity;
    if (part->free_in_warranty)
      t->parts_free += line;
    else
      t->parts_charged += line;
  }
  t->payable = t->parts_charged;
  for (size_t i = 0; i < r->charge_count; i++) {
    const struct report_charge *c = &r->charges[i];
    snprintf(field, sizeof field, "charges[%zu].label", i);
    if ((rc = draw_check_text(field, c->label, MAX_LABEL, true, false, err)))
      return rc;
    snprintf(field, sizeof field, "charges[%zu].amount", i);
    if ((rc = check_range(field, c->amount, -REPORT_MAX_AMOUNT_FEN, REPORT_MAX_AMOUNT_FEN, err)))
      return rc;
    t->payable += c->amount;
  }
  if (t->payable < 0) /* a discount larger than the bill */
    return sh_fail(err, SH_ERR_INVALID, "out_of_range", "charges", "total payable below 0");
  return SH_OK;
}

/* The texts of a report and their limits in characters. Long texts (the on-site record)
 * may hold line breaks and tabs; signer and signed_at are checked apart. */
struct text_rule {
  const char *field;
  size_t offset;
  size_t max;
  bool required, multiline;
};
#define TEXT(member, max, required)                                                                \
  { #member, offsetof(struct service_report, member), max, required, false }
#define LONG(member, required)                                                                     \
  { #member, offsetof(struct service_report, member), REPORT_MAX_TEXT_CHARS, required, true }
/* clang-format off */
static const struct text_rule text_rules[] = {
    TEXT(company, MAX_NAME, true),          TEXT(hotline, MAX_NUMBER, false),
    TEXT(ticket_no, MAX_NUMBER, true),      TEXT(printed_on, 10, true),
    TEXT(customer_name, MAX_NAME, true),    TEXT(contact, MAX_SHORT, false),
    TEXT(phone, MAX_NUMBER, false),         TEXT(address, MAX_ADDRESS, false),
    TEXT(unit_name, MAX_NAME, true),        TEXT(unit_model, MAX_NAME, false),
    TEXT(serial, MAX_SERIAL, false),        TEXT(warranty, MAX_SHORT, true),
    TEXT(called_at, MAX_NUMBER, true),
    TEXT(arrived.at, MAX_NUMBER, false),    TEXT(arrived.sla, MAX_SHORT, false),
    TEXT(cleared.at, MAX_NUMBER, false),    TEXT(cleared.sla, MAX_SHORT, false),
    TEXT(spare.at, MAX_NUMBER, false),      TEXT(spare.sla, MAX_SHORT, false),
    LONG(fault_reported, true),             LONG(diagnosis, false),
    LONG(work_done, true),                  LONG(test_result, false),
    LONG(responsibility, false),
    TEXT(outcome, MAX_LABEL, true),         TEXT(technician, MAX_SHORT, true),
    TEXT(cost_note, MAX_ADDRESS, false),
};
/* clang-format on */
#undef TEXT
#undef LONG

static enum sh_status check_report(const struct service_report *r, struct totals *t,
                                   struct sh_error *err) {
  enum sh_status rc;
  if (!r)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "report", NULL);
  for (size_t i = 0; i < sizeof text_rules / sizeof text_rules[0]; i++) {
    const struct text_rule *rule = &text_rules[i];
    const char *text = *(const char *const *)((const char *)r + rule->offset);
    if ((rc = draw_check_text(rule->field, text, rule->max, rule->required, rule->multiline, err)))
      return rc;
  }
  if (!date_valid(r->printed_on))
    return sh_fail(err, SH_ERR_INVALID, "invalid_date", "printed_on", NULL);
  bool signed_png = r->signature_png && r->signature_png_len > 0;
  if ((rc = draw_check_text("signer", r->signer, MAX_SHORT, signed_png, false, err)) ||
      (rc = draw_check_text("signed_at", r->signed_at, MAX_NUMBER, signed_png, false, err)) ||
      (rc = check_range("vehicle_cost", r->vehicle_cost, 0, REPORT_MAX_AMOUNT_FEN, err)) ||
      (rc = check_range("consumables_cost", r->consumables_cost, 0, REPORT_MAX_AMOUNT_FEN, err)))
    return rc;
  return check_money(r, t, err);
}

/* ---- the signature ---- */

/* The picture area inside the signature box, in points. */
#define SIGN_PICTURE_W (SIGN_W - 2 * PAD)
#define SIGN_PICTURE_H (SIGN_BOX_H - 16.0 - PAD)

struct png_reader {
  const unsigned char *data;
  size_t len, at;
};

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int length) {
  struct png_reader *r = closure;
  if (length > r->len - r->at)
    return CAIRO_STATUS_READ_ERROR;
  memcpy(data, r->data + r->at, length);
  r->at += length;
  return CAIRO_STATUS_SUCCESS;
}

static uint32_t big_endian32(const unsigned char *b) {
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The PNG's size from its IHDR chunk, which the format puts first; false if not a PNG. */
static bool png_size(const unsigned char *png, size_t len, uint32_t *w, uint32_t *h) {
  static const unsigned char magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (len < 24 || memcmp(png, magic, 8) != 0 || memcmp(png + 12, "IHDR", 4) != 0)
    return false;
  *w = big_endian32(png + 16);
  *h = big_endian32(png + 20);
  return *w > 0 && *h > 0;
}

/* Paints the decoded picture onto white at the resolution it will be printed at (never
 * more than its own): transparency flattened, the size bounded. */
static cairo_surface_t *resample(cairo_surface_t *picture, int w, int h) {
  double max_w = SIGN_PICTURE_W * SIGN_DPI / 72.0, max_h = SIGN_PICTURE_H * SIGN_DPI / 72.0;
  double scale = 1.0;
  if (w > max_w)
    scale = max_w / w;
  if (h * scale > max_h)
    scale = max_h / h;
  int tw = (int)(w * scale + 0.5), th = (int)(h * scale + 0.5);
  cairo_surface_t *out =
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, tw > 0 ? tw : 1, th > 0 ? th : 1);
  cairo_t *cr = cairo_create(out);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_scale(cr, (double)cairo_image_surface_get_width(out) / w,
              (double)cairo_image_surface_get_height(out) / h);
  cairo_set_source_surface(cr, picture, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_destroy(cr);
  cairo_surface_flush(out);
  return out;
}

/* Decodes and resamples the signature into *out (NULL when there is none). */
static enum sh_status load_signature(const struct service_report *r, cairo_surface_t **out,
                                     struct sh_error *err) {
  char detail[64];
  uint32_t w, h;
  *out = NULL;
  if (!r->signature_png || r->signature_png_len == 0)
    return SH_OK;
  if (r->signature_png_len > REPORT_MAX_SIGNATURE_BYTES) {
    snprintf(detail, sizeof detail, "over %d bytes", REPORT_MAX_SIGNATURE_BYTES);
    return sh_fail(err, SH_ERR_TOO_LARGE, "too_large", "signature_png", detail);
  }
  if (!png_size(r->signature_png, r->signature_png_len, &w, &h))
    return sh_fail(err, SH_ERR_MALFORMED, "invalid_image", "signature_png", "not a PNG");
  if (w > REPORT_MAX_SIGNATURE_PIXELS || h > REPORT_MAX_SIGNATURE_PIXELS) {
    snprintf(detail, sizeof detail, "%" PRIu32 "x%" PRIu32 " pixels, over %dx%d", w, h,
             REPORT_MAX_SIGNATURE_PIXELS, REPORT_MAX_SIGNATURE_PIXELS);
    return sh_fail(err, SH_ERR_TOO_LARGE, "too_large", "signature_png", detail);
  }
  struct png_reader reader = {r->signature_png, r->signature_png_len, 0};
  cairo_surface_t *picture = cairo_image_surface_create_from_png_stream(png_read, &reader);
  cairo_status_t status = cairo_surface_status(picture);
  enum sh_status rc = SH_OK;
  /* cairo 1.16 reports every libpng error (a bad CRC, broken pixels) as NO_MEMORY; with
   * the size bounded above, a failed decode is taken for a bad file. */
  if (status != CAIRO_STATUS_SUCCESS || cairo_image_surface_get_width(picture) != (int)w ||
      cairo_image_surface_get_height(picture) != (int)h)
    rc = sh_fail(err, SH_ERR_MALFORMED, "invalid_image", "signature_png",
                 status ? cairo_status_to_string(status) : "size differs from its header");
  if (rc == SH_OK) {
    cairo_surface_t *small = resample(picture, (int)w, (int)h);
    if (cairo_surface_status(small) != CAIRO_STATUS_SUCCESS) {
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
      cairo_surface_destroy(small);
    } else {
      *out = small;
    }
  }
  cairo_surface_destroy(picture);
  return rc;
}

enum sh_status report_signature_check(const unsigned char *png, size_t len, struct sh_error *err) {
  if (!png || len == 0)
    return sh_fail(err, SH_ERR_MALFORMED, "invalid_image", "signature_png", "empty");
  struct service_report r = {.signature_png = png, .signature_png_len = len};
  cairo_surface_t *picture = NULL;
  enum sh_status rc = load_signature(&r, &picture, err);
  if (picture)
    cairo_surface_destroy(picture);
  return rc;
}

/* ---- text ---- */

/* An optional text, or a dash where it is missing. */
static const char *or_dash(const char *s) {
  return s && *s ? s : "—";
}

/* ---- pages ---- */

/* The height a block takes, by running it without drawing. The block must not break pages. */
static double measure(struct draw_page *page, const struct job *job,
                      void (*block)(struct draw_page *, const struct job *)) {
  bool draw = page->draw;
  double y = page->y;
  page->draw = false;
  block(page, job);
  double h = page->y - y;
  page->draw = draw;
  page->y = y;
  return h;
}

/* ---- blocks ---- */

/* The company, the title, which copy this is, the ticket number and the printed date. */
static void draw_title(struct draw_page *page, const struct job *job) {
  const struct service_report *r = job->report;
  char ticket[256], right[256];
  page->y += draw_text(page, r->company, SIZE_COMPANY, DRAW_MARGIN_X, page->y, DRAW_CONTENT_W,
                       PANGO_ALIGN_CENTER, 0);
  page->y += 2.0;
  double title_h = draw_spaced_text(page, "服务报告", SIZE_TITLE, 8.0);
  /* Which copy, boxed at the right of the title, so a photocopy still says it. */
  const double tag_w = 52.0, tag_h = 20.0, tag_x = DRAW_PAGE_W - DRAW_MARGIN_X - tag_w;
  double tag_y = page->y + (title_h - tag_h) / 2;
  draw_cell(page, tag_x, tag_y, tag_w, tag_h, false);
  draw_text(page, r->internal_copy ? "内部联" : "客户联", SIZE_BODY, tag_x, tag_y + 3.5, tag_w,
            PANGO_ALIGN_CENTER, 0);
  page->y += title_h + 6.0;
  snprintf(ticket, sizeof ticket, "工单号：%s", r->ticket_no);
  if (r->hotline && *r->hotline)
    snprintf(right, sizeof right, "服务热线：%s\n打印日期：%s", r->hotline, r->printed_on);
  else
    snprintf(right, sizeof right, "打印日期：%s", r->printed_on);
  double h1 = draw_text(page, ticket, 11.0, DRAW_MARGIN_X, page->y, DRAW_CONTENT_W / 2,
                        PANGO_ALIGN_LEFT, 0);
  double h2 = draw_text(page, right, SIZE_TABLE, DRAW_MARGIN_X + DRAW_CONTENT_W / 2, page->y,
                        DRAW_CONTENT_W / 2, PANGO_ALIGN_RIGHT, 0);
  page->y += (h1 > h2 ? h1 : h2) + 2.0;
  draw_rule(page, DRAW_MARGIN_X, DRAW_PAGE_W - DRAW_MARGIN_X, page->y + 3.0, 1.6);
  draw_rule(page, DRAW_MARGIN_X, DRAW_PAGE_W - DRAW_MARGIN_X, page->y + 6.0, 0.5);
  page->y += 16.0;
}

/* A section heading with a bar before it; keep_with must follow it on the same page. */
static void section(struct draw_page *page, const char *title, double keep_with) {
  double h = draw_text_height(page, title, SIZE_SECTION, DRAW_CONTENT_W - 8.0);
  draw_need(page, h + 5.0 + keep_with);
  if (page->draw) {
    cairo_set_source_rgb(page->cr, 0, 0, 0);
    cairo_rectangle(page->cr, DRAW_MARGIN_X, page->y + 2.0, 3.0, h - 4.0);
    cairo_fill(page->cr);
  }
  page->y += draw_text(page, title, SIZE_SECTION, DRAW_MARGIN_X + 8.0, page->y,
                       DRAW_CONTENT_W - 8.0, PANGO_ALIGN_LEFT, 0);
  page->y += 5.0;
}

/* The cells of a row of n ≤ 2 label/value pairs side by side, width points wide in all. */
static size_t pair_columns(const struct field *fields, size_t n, double width,
                           struct draw_column columns[4], const char *texts[4]) {
  for (size_t i = 0; i < n; i++) {
    columns[2 * i] = (struct draw_column){NULL, LABEL_W, PANGO_ALIGN_CENTER, true};
    columns[2 * i + 1] = (struct draw_column){NULL, width / (double)n - LABEL_W, PANGO_ALIGN_LEFT};
    texts[2 * i] = fields[i].label;
    texts[2 * i + 1] = or_dash(fields[i].value);
  }
  return 2 * n;
}

static double field_row_height(struct draw_page *page, double width, const struct field *fields,
                               size_t n) {
  struct draw_column columns[4];
  const char *texts[4];
  size_t count = pair_columns(fields, n, width, columns, texts);
  return draw_row_height(page, columns, count, texts, SIZE_BODY) + 1.0;
}

/* One row of n label/value pairs from x, width points wide in all; it never starts a page. */
static void field_row_at(struct draw_page *page, double x, double width, const struct field *fields,
                         size_t n) {
  struct draw_column columns[4];
  const char *texts[4];
  size_t count = pair_columns(fields, n, width, columns, texts);
  double h = draw_row_height(page, columns, count, texts, SIZE_BODY) + 1.0;
  draw_row(page, x, columns, count, texts, h, SIZE_BODY, false);
}

/* A row of one or two pairs as wide as the page, on a new page if it does not fit. */
static void field_row(struct draw_page *page, const struct field *fields, size_t n) {
  draw_need(page, field_row_height(page, DRAW_CONTENT_W, fields, n));
  field_row_at(page, DRAW_MARGIN_X, DRAW_CONTENT_W, fields, n);
}

/* IMP: SPEC C6 — whose unit it was: the customer, the contact, the unit and its warranty. */
static void draw_customer(struct draw_page *page, const struct job *job) {
  const struct service_report *r = job->report;
  section(page, "一、客户及设备", 3 * 22.0);
  field_row(page, &(struct field){"客户名称", r->customer_name}, 1);
  field_row(page, (struct field[]){{"联系人", r->contact}, {"联系电话", r->phone}}, 2);
  field_row(page, &(struct field){"地址", r->address}, 1);
  field_row(page, (struct field[]){{"设备名称", r->unit_name}, {"型号", r->unit_model}}, 2);
  field_row(page, (struct field[]){{"序列号", r->serial}, {"保修状态", r->warranty}}, 2);
  page->y += GAP;
}

/* IMP: SPEC C2 — each stage's time with the caller's words on how it stood. */
static void draw_times(struct draw_page *page, const struct job *job) {
  const struct service_report *r = job->report;
  const char *titles[TIME_COLS] = {time_columns[0].title, time_columns[1].title,
                                   time_columns[2].title};
  const char *rows[4][TIME_COLS] = {
      {"报修", r->called_at, "—"},
      {"到达现场", or_dash(r->arrived.at), or_dash(r->arrived.sla)},
      {"故障排除", or_dash(r->cleared.at), or_dash(r->cleared.sla)},
      {"备品替代", or_dash(r->spare.at), or_dash(r->spare.sla)},
  };
  size_t count = (r->spare.at && *r->spare.at) || (r->spare.sla && *r->spare.sla) ? 4 : 3;
  double head_h = draw_row_height(page, time_columns, TIME_COLS, titles, SIZE_TABLE);
  double total = head_h;
  for (size_t i = 0; i < count; i++)
    total += draw_row_height(page, time_columns, TIME_COLS, rows[i], SIZE_TABLE);
  section(page, "二、服务时间", total); /* four short rows: always together */
  draw_row(page, DRAW_MARGIN_X, time_columns, TIME_COLS, titles, head_h, SIZE_TABLE, true);
  for (size_t i = 0; i < count; i++)
    draw_row(page, DRAW_MARGIN_X, time_columns, TIME_COLS, rows[i],
             draw_row_height(page, time_columns, TIME_COLS, rows[i], SIZE_TABLE), SIZE_TABLE,
             false);
  page->y += GAP;
}

/* The cells of one piece of a long text's row, h high (or as high as its label), its lines
 * already drawn. Only a piece at the top of a page has the taller label "…（续）". */
static void text_piece(struct draw_page *page, const char *label, bool continued, double h) {
  const struct draw_column columns[2] = {{NULL, LABEL_W, PANGO_ALIGN_CENTER, true},
                                         {NULL, DRAW_CONTENT_W - LABEL_W, PANGO_ALIGN_LEFT}};
  char text[64];
  snprintf(text, sizeof text, "%s%s", label, continued ? "（续）" : "");
  const char *texts[2] = {text, ""};
  double label_h = draw_row_height(page, columns, 2, texts, SIZE_BODY);
  draw_row(page, DRAW_MARGIN_X, columns, 2, texts, h > label_h ? h : label_h, SIZE_BODY, false);
}

/* A label and a long text beside it. Where the page ends the text is split between two of
 * its lines (at least two lines stay with the label) and continues on the next page. */
static void text_row(struct draw_page *page, const char *label, const char *text) {
  const double x = DRAW_MARGIN_X + LABEL_W + PAD;
  PangoLayout *layout = draw_layout(page, or_dash(text), SIZE_BODY,
                                    DRAW_CONTENT_W - LABEL_W - 2 * PAD, PANGO_ALIGN_LEFT);
  double total = draw_layout_height(layout);
  int lines = pango_layout_get_line_count(layout);
  draw_need(page, (lines > 1 ? 2 * total / lines : total) + 2 * PAD);
  PangoLayoutIter *it = pango_layout_get_iter(layout);
  double start = 0; /* layout y where this page's piece begins */
  bool continued = false;
  do {
    PangoRectangle line;
    pango_layout_iter_get_line_extents(it, NULL, &line);
    double top = (double)line.y / PANGO_SCALE;
    double bottom = (double)(line.y + line.height) / PANGO_SCALE;
    if (page->y + bottom - start + 2 * PAD > BOTTOM && top > start) {
      text_piece(page, label, continued, top - start + 2 * PAD);
      draw_new_page(page);
      start = top;
      continued = true;
    }
    if (page->draw) {
      double baseline = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
      cairo_set_source_rgb(page->cr, 0, 0, 0);
      cairo_move_to(page->cr, x + (double)line.x / PANGO_SCALE, page->y + PAD + baseline - start);
      pango_cairo_show_layout_line(page->cr, pango_layout_iter_get_line_readonly(it));
    }
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
  g_object_unref(layout);
  text_piece(page, label, continued, total - start + 2 * PAD);
}

/* IMP: SPEC C4 — the on-site record: the fault, what was found and done, the test after
 * installation, and what was agreed with the customer outside the request. */
static void draw_record(struct draw_page *page, const struct job *job) {
  const struct service_report *r = job->report;
  section(page, "三、服务内容", 3 * 22.0);
  text_row(page, "报修故障", r->fault_reported);
  text_row(page, "故障诊断", r->diagnosis);
  text_row(page, "处理过程", r->work_done);
  text_row(page, "安装后测试", r->test_result);
  if (r->responsibility && *r->responsibility)
    text_row(page, "责任界定", r->responsibility);
  page->y += GAP;
}

/* The texts of a part's cells; the buffers are the caller's. */
static void part_texts(const struct report_part *part, size_t i, char no[24], char qty[24],
                       char price[REPORT_YUAN_LEN], char total[REPORT_YUAN_LEN],
                       const char *texts[PART_COLS]) {
  snprintf(no, 24, "%zu", i + 1);
  snprintf(qty, 24, "%" PRId32, part->quantity);
  texts[PART_NO] = no;
  texts[PART_NAME] = part->name;
  texts[PART_CODE] = or_dash(part->part_no);
  texts[PART_QTY] = qty;
  texts[PART_PRICE] = yuan(part->unit_price, price);
  /* IMP: SPEC B3 — in warranty the part is free: its line costs nothing. */
  texts[PART_BILLING] = part->free_in_warranty ? "保内免费" : "收费";
  texts[PART_TOTAL] = yuan(part->free_in_warranty ? 0 : part->unit_price * part->quantity, total);
}

/* One line of the totals: a label over the first columns, the amount in the last. */
static void total_row(struct draw_page *page, const char *label, int64_t fen, bool strong) {
  char amount[REPORT_YUAN_LEN];
  double size = strong ? SIZE_TOTAL : SIZE_TABLE, label_w = DRAW_CONTENT_W - TOTAL_COL_W;
  double h = draw_text_height(page, label, size, label_w - 2 * PAD) + 2 * PAD;
  draw_cell(page, DRAW_MARGIN_X, page->y, label_w, h, strong);
  draw_cell(page, DRAW_MARGIN_X + label_w, page->y, TOTAL_COL_W, h, strong);
  draw_text(page, label, size, DRAW_MARGIN_X + PAD, page->y + PAD, label_w - 2 * PAD,
            PANGO_ALIGN_RIGHT, 0);
  draw_text(page, yuan(fen, amount), size, DRAW_MARGIN_X + label_w + PAD, page->y + PAD,
            TOTAL_COL_W - 2 * PAD, PANGO_ALIGN_RIGHT, 0);
  page->y += h;
}

/* IMP: SPEC C4 — vehicle and consumables are the company's costs: printed on the internal
 * copy only, with the value of the parts given free. */
static void draw_internal(struct draw_page *page, const struct job *job) {
  const struct service_report *r = job->report;
  char vehicle[REPORT_YUAN_LEN + 8], consumables[REPORT_YUAN_LEN + 8];
  char given[REPORT_YUAN_LEN + 8], amount[REPORT_YUAN_LEN];
  snprintf(vehicle, sizeof vehicle, "%s 元", yuan(r->vehicle_cost, amount));
  snprintf(consumables, sizeof consumables, "%s 元", yuan(r->consumables_cost, amount));
  snprintf(given, sizeof given, "%s 元", yuan(job->totals.parts_free, amount));
  page->y += 8.0;
  page->y += draw_text(page, "内部成本（仅限内部联，不向客户收取）", SIZE_TABLE, DRAW_MARGIN_X,
                       page->y, DRAW_CONTENT_W, PANGO_ALIGN_LEFT, 0) +
             3.0;
  field_row_at(page, DRAW_MARGIN_X, DRAW_CONTENT_W,
               (struct field[]){{"车辆费用", vehicle}, {"耗材费用", consumables}}, 2);
  field_row_at(page, DRAW_MARGIN_X, DRAW_CONTENT_W,
               (struct field[]){{"免费配件价值", given}, {"成本说明", r->cost_note}}, 2);
}

/* The totals under the parts, and the internal costs on an internal copy. */
static void draw_totals(struct draw_page *page, const struct job *job) {
  const struct service_report *r = job->report;
  total_row(page, "收费配件合计", job->totals.parts_charged, false);
  for (size_t i = 0; i < r->charge_count; i++)
    total_row(page, r->charges[i].label, r->charges[i].amount, false);
  total_row(page, "应付合计（元）", job->totals.payable, true);
  if (r->internal_copy)
    draw_internal(page, job);
}

/* IMP: SPEC B3 — the parts table, then the sums. A row that does not fit goes to a new
 * page under a repeated header; the last row goes with the totals. */
static void draw_parts(struct draw_page *page, const struct job *job) {
  const struct service_report *r = job->report;
  const char *titles[PART_COLS], *texts[PART_COLS];
  char no[24], qty[24], price[REPORT_YUAN_LEN], total[REPORT_YUAN_LEN], heading[64];
  for (int i = 0; i < PART_COLS; i++)
    titles[i] = part_columns[i].title;
  double head_h = draw_row_height(page, part_columns, PART_COLS, titles, SIZE_TABLE) + 2.0;
  double closing = measure(page, job, draw_totals);
  snprintf(heading, sizeof heading, "四、更换配件及费用（共 %zu 项）", r->part_count);
  if (r->part_count == 0)
    snprintf(heading, sizeof heading, "四、更换配件及费用");
  if (r->part_count == 0) {
    const struct draw_column none = {"", DRAW_CONTENT_W, PANGO_ALIGN_CENTER};
    const char *text = "本次服务未更换配件";
    double h = draw_row_height(page, &none, 1, &text, SIZE_TABLE);
    section(page, heading, h + closing);
    draw_row(page, DRAW_MARGIN_X, &none, 1, &text, h, SIZE_TABLE, false);
  } else {
    part_texts(&r->parts[0], 0, no, qty, price, total, texts);
    section(page, heading,
            head_h + draw_row_height(page, part_columns, PART_COLS, texts, SIZE_TABLE));
    draw_row(page, DRAW_MARGIN_X, part_columns, PART_COLS, titles, head_h, SIZE_TABLE, true);
  }
  double page_top = page->y;
  for (size_t i = 0; i < r->part_count; i++) {
    part_texts(&r->parts[i], i, no, qty, price, total, texts);
    double h = draw_row_height(page, part_columns, PART_COLS, texts, SIZE_TABLE);
    bool last = i + 1 == r->part_count;
    if (page->y + h > BOTTOM || (last && page->y > page_top && page->y + h + closing > BOTTOM)) {
      draw_new_page(page);
      draw_row(page, DRAW_MARGIN_X, part_columns, PART_COLS, titles, head_h, SIZE_TABLE, true);
      page_top = page->y;
    }
    draw_row(page, DRAW_MARGIN_X, part_columns, PART_COLS, texts, h, SIZE_TABLE, false);
  }
  draw_need(page, closing); /* only if the totals alone are taller than what is left */
  draw_totals(page, job);
  page->y += GAP;
}

/* The two lines under the signature box: who signed and when, or blanks for a pen. */
static void signer_line(const struct service_report *r, char out[512]) {
  if (r->signer && *r->signer)
    snprintf(out, 512, "签字人：%s　　签字时间：%s", r->signer, or_dash(r->signed_at));
  else
    snprintf(out, 512, "签字人：＿＿＿＿＿＿　日期：　　　年　　月　　日");
}

/* Draws the resampled signature centred in the picture area at (x, y). */
static void draw_picture(struct draw_page *page, cairo_surface_t *signature, double x, double y) {
  if (!page->draw || !signature)
    return;
  double w = cairo_image_surface_get_width(signature);
  double h = cairo_image_surface_get_height(signature);
  double k = SIGN_PICTURE_W / w < SIGN_PICTURE_H / h ? SIGN_PICTURE_W / w : SIGN_PICTURE_H / h;
  cairo_save(page->cr);
  cairo_translate(page->cr, x + (SIGN_PICTURE_W - w * k) / 2, y + (SIGN_PICTURE_H - h * k) / 2);
  cairo_scale(page->cr, k, k);
  cairo_set_source_surface(page->cr, signature, 0, 0);
  cairo_paint(page->cr);
  cairo_restore(page->cr);
}

/* IMP: SPEC C6, C7 — the receipt: on the left the outcome as the caller names it and the
 * technician, on the right the customer's signature box with the signer and the time, or
 * an empty box for a pen. */
static void draw_closing(struct draw_page *page, const struct job *job) {
  const struct service_report *r = job->report;
  char signer[512];
  const double xr = DRAW_MARGIN_X + DRAW_CONTENT_W - SIGN_W, top = page->y;
  field_row_at(page, DRAW_MARGIN_X, SIGN_W, &(struct field){"处理结果", r->outcome}, 1);
  field_row_at(page, DRAW_MARGIN_X, SIGN_W, &(struct field){"服务技术员", r->technician}, 1);
  page->y += 8.0;
  page->y +=
      draw_text(page,
                "客户签字即确认以上服务内容、更换配件及应付费用。"
                "对服务如有意见或建议，请拨打服务热线。",
                SIZE_SMALL, DRAW_MARGIN_X, page->y, SIGN_W, PANGO_ALIGN_LEFT, DRAW_GRAY_TEXT);
  double left = page->y;
  draw_cell(page, xr, top, SIGN_W, SIGN_BOX_H, false);
  draw_text(page, "客户签字", SIZE_TABLE, xr + PAD, top + 3.0, SIGN_W, PANGO_ALIGN_LEFT,
            DRAW_GRAY_TEXT);
  draw_picture(page, job->signature, xr + PAD, top + 16.0);
  signer_line(r, signer);
  page->y = top + SIGN_BOX_H + 4.0;
  page->y += draw_text(page, signer, SIZE_TABLE, xr, page->y, SIGN_W, PANGO_ALIGN_LEFT, 0);
  page->y = page->y > left ? page->y : left;
}

static void draw_outcome(struct draw_page *page, const struct job *job) {
  section(page, "五、处理结果及客户确认", measure(page, job, draw_closing));
  draw_closing(page, job);
}

/* One pass over the whole report (draw_pdf's lay_out). */
static void lay_out(struct draw_page *page, const void *arg) {
  const struct job *job = arg;
  draw_title(page, job);
  draw_customer(page, job);
  draw_times(page, job);
  draw_record(page, job);
  draw_parts(page, job);
  draw_outcome(page, job);
}

/* Draws a checked report with its sums and its signature into a PDF. */
static enum sh_status render(const struct job *job, char **out_pdf, size_t *out_len,
                             struct sh_error *err) {
  const struct service_report *r = job->report;
  const struct draw_document document = {
      .name = "服务报告",
      .reference_label = "工单号",
      .reference = r->ticket_no,
      .party_label = "客户",
      .party = r->customer_name,
      .hotline = r->hotline,
      .author = r->company,
      .date = r->printed_on,
      .max_bytes = REPORT_MAX_BYTES,
      .top = MARGIN_TOP,
      .bottom = BOTTOM,
      .pad = PAD,
      .name_size = SIZE_SECTION,
  };
  return draw_pdf(&document, lay_out, job, out_pdf, out_len, err);
}

enum sh_status report_service_pdf(const struct service_report *report, char **out_pdf,
                                  size_t *out_len, struct sh_error *err) {
  struct job job = {.report = report};
  enum sh_status rc = check_report(report, &job.totals, err);
  if (rc != SH_OK)
    goto out;
  rc = load_signature(report, &job.signature, err);
  if (rc != SH_OK)
    goto out;
  rc = render(&job, out_pdf, out_len, err);
out:
  if (job.signature)
    cairo_surface_destroy(job.signature);
  return rc;
}
