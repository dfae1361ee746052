/* report.c — the service report (服务报告) of a ticket as an A4 PDF, with cairo and Pango
 * (SPEC C6, with the on-site record of C4 and the parts billed by B3).
 *
 * Design: as in pdf.c, the report is laid out twice by the same code: a measuring pass
 * (draw = false) learns how many pages there are, the drawing pass prints "第 N 页 共 M
 * 页" on each. A table row and the signature block are never split; a long text is split
 * between two of its lines, drawn line by line, its label repeated with （续）. A parts
 * row that does not fit starts a new page under the table header again, and the last row
 * stays with the totals. The signature PNG's header is checked before it is decoded (a
 * small file cannot claim a huge image), and the decoded picture is resampled onto white
 * at no more than 300 dpi of its box, so the PDF's size does not follow the photo's.
 * Sums are integer fen, checked against the ceilings before anything is drawn. The
 * helpers that have the shape of pdf.c's (layouts, cells, the sink, the Pango context)
 * are private copies: pdf.c keeps its own static. Sizes are points from the top left. */
#include "report.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "../base/buf.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"

#define FONT_FAMILY "WenQuanYi Micro Hei"

/* A4 portrait, in points. */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN_X 50.0
#define MARGIN_TOP 36.0
#define BOTTOM (PAGE_H - 52.0) /* lowest y of content; the footer lives below */
#define CONTENT_W (PAGE_W - 2 * MARGIN_X)

/* Type sizes, in points. */
#define SIZE_TITLE 22.0
#define SIZE_COMPANY 15.0
#define SIZE_SECTION 12.0
#define SIZE_BODY 10.5
#define SIZE_TABLE 9.0
#define SIZE_SMALL 8.0
#define SIZE_TOTAL 11.5

#define PAD 3.5        /* inside a table cell */
#define GAP 8.0        /* after a section */
#define LABEL_W 74.0   /* the label cell of a field row: six characters */
#define LINE_W 0.6     /* table rules */
#define GRAY_FILL 0.90 /* label cells and table headers */
#define GRAY_TEXT 0.40 /* notes, the footer */
#define SIGN_W (CONTENT_W / 2 - 10.0)
#define SIGN_BOX_H 76.0 /* the box 客户签字 */
#define SIGN_DPI 300.0  /* the most the signature is kept at */

/* Field limits, in characters (code points). */
#define MAX_NAME 100
#define MAX_ADDRESS 200
#define MAX_NUMBER 40 /* ticket number, phone, times */
#define MAX_SERIAL 64
#define MAX_SHORT 50
#define MAX_LABEL 20

struct column {
  const char *title;
  double width; /* points; the widths of a table add up to CONTENT_W */
  PangoAlignment align;
  bool shaded; /* a label: gray, its text centred */
};

enum { PART_NO, PART_NAME, PART_CODE, PART_QTY, PART_PRICE, PART_BILLING, PART_TOTAL, PART_COLS };
#define TOTAL_COL_W (CONTENT_W - 416.0)
static const struct column part_columns[PART_COLS] = {
    {"序号", 26.0, PANGO_ALIGN_CENTER},
    {"配件名称", 134.0, PANGO_ALIGN_LEFT},
    {"配件编号", 100.0, PANGO_ALIGN_LEFT},
    {"数量", 36.0, PANGO_ALIGN_CENTER},
    {"单价（元）", 64.0, PANGO_ALIGN_RIGHT},
    {"计费", 56.0, PANGO_ALIGN_CENTER},
    {"金额（元）", TOTAL_COL_W, PANGO_ALIGN_RIGHT},
};

enum { TIME_STAGE, TIME_AT, TIME_SLA, TIME_COLS };
static const struct column time_columns[TIME_COLS] = {
    {"服务环节", 100.0, PANGO_ALIGN_CENTER},
    {"时间", 180.0, PANGO_ALIGN_CENTER},
    {"时限结果（24/48/72小时承诺）", CONTENT_W - 280.0, PANGO_ALIGN_LEFT},
};

/* Where the PDF bytes go: cairo's write callback appends here. */
struct sink {
  struct buf out;
  bool too_large;
  bool no_memory;
};

/* The sums of a report, in fen. */
struct totals {
  int64_t parts_charged; /* quantity × unit price of the charged lines */
  int64_t parts_free;    /* the same of the lines free in warranty (internal copy only) */
  int64_t payable;       /* parts_charged and every charge */
};

/* The state of one pass over the report. */
struct pager {
  cairo_t *cr;
  PangoContext *pango;
  PangoFontDescription *font;
  const struct service_report *report;
  struct totals totals;
  cairo_surface_t *signature; /* resampled onto white, or NULL */
  bool draw;                  /* false: only measure */
  int page;                   /* 1-based */
  int pages;                  /* total, known in the drawing pass */
  double y;                   /* top of the free space on the page */
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

static enum sh_status check_text(const char *field, const char *s, size_t max_chars, bool required,
                                 bool multiline, struct sh_error *err) {
  char detail[32];
  if (!s || !*s)
    return required ? sh_fail(err, SH_ERR_INVALID, "field_required", field, NULL) : SH_OK;
  snprintf(detail, sizeof detail, "%d-%zu", required ? 1 : 0, max_chars);
  size_t n = strnlen(s, max_chars * 4 + 1); /* never scans far past the limit */
  if (n > max_chars * 4)
    return sh_fail(err, SH_ERR_INVALID, "field_length", field, detail);
  if (!utf8_valid(s, n))
    return sh_fail(err, SH_ERR_MALFORMED, "invalid_utf8", field, NULL);
  if (utf8_length(s) > max_chars)
    return sh_fail(err, SH_ERR_INVALID, "field_length", field, detail);
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    bool breaks = *c == '\n' || *c == '\r' || *c == '\t';
    if ((*c < 0x20 && !(multiline && breaks)) || *c == 0x7f)
      return sh_fail(err, SH_ERR_INVALID, "invalid_character", field, NULL);
  }
  return SH_OK;
}

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
    if ((rc = check_text(PART_FIELD("name"), part->name, MAX_NAME, true, false, err)) ||
        (rc = check_text(PART_FIELD("part_no"), part->part_no, MAX_SERIAL, false, false, err)) ||
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
    if ((rc = check_text(field, c->label, MAX_LABEL, true, false, err)))
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
    if ((rc = check_text(rule->field, text, rule->max, rule->required, rule->multiline, err)))
      return rc;
  }
  if (!date_valid(r->printed_on))
    return sh_fail(err, SH_ERR_INVALID, "invalid_date", "printed_on", NULL);
  bool signed_png = r->signature_png && r->signature_png_len > 0;
  if ((rc = check_text("signer", r->signer, MAX_SHORT, signed_png, false, err)) ||
      (rc = check_text("signed_at", r->signed_at, MAX_NUMBER, signed_png, false, err)) ||
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

/* ---- text ---- */

/* A layout of text at size points, wrapped to width points (0: no wrapping), or, if
 * one_line, cut with "…". No hyphen where a line breaks: a part number must not seem to
 * hold one. The caller unrefs it; Pango aborts on out of memory, so this never fails. */
static PangoLayout *new_layout(struct pager *p, const char *text, double size, double width,
                               PangoAlignment align, bool one_line) {
  PangoLayout *layout = pango_layout_new(p->pango);
  pango_font_description_set_size(p->font, (gint)(size * PANGO_SCALE));
  pango_layout_set_font_description(layout, p->font);
  if (width > 0) {
    pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    if (one_line)
      pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
  }
  PangoAttrList *attrs = pango_attr_list_new();
  pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
  pango_layout_set_attributes(layout, attrs);
  pango_attr_list_unref(attrs);
  pango_layout_set_alignment(layout, align);
  pango_layout_set_text(layout, text ? text : "", -1);
  return layout;
}

static double layout_height(PangoLayout *layout) {
  int w, h;
  pango_layout_get_size(layout, &w, &h);
  return (double)h / PANGO_SCALE;
}

static double text_height(struct pager *p, const char *text, double size, double width) {
  PangoLayout *layout = new_layout(p, text, size, width, PANGO_ALIGN_LEFT, false);
  double h = layout_height(layout);
  g_object_unref(layout);
  return h;
}

static void show_layout(struct pager *p, PangoLayout *layout, double x, double y, double gray) {
  if (!p->draw)
    return;
  cairo_set_source_rgb(p->cr, gray, gray, gray);
  cairo_move_to(p->cr, x, y);
  pango_cairo_show_layout(p->cr, layout);
}

/* Draws text at (x, y), wrapped to width or, if one_line, cut; returns its height. */
static double show_text(struct pager *p, const char *text, double size, double x, double y,
                        double width, PangoAlignment align, double gray, bool one_line) {
  PangoLayout *layout = new_layout(p, text, size, width, align, one_line);
  double h = layout_height(layout);
  show_layout(p, layout, x, y, gray);
  g_object_unref(layout);
  return h;
}

/* An optional text, or a dash where it is missing. */
static const char *or_dash(const char *s) {
  return s && *s ? s : "—";
}

/* ---- pages ---- */

static void rule(struct pager *p, double x0, double x1, double y, double width) {
  if (!p->draw)
    return;
  cairo_set_source_rgb(p->cr, 0, 0, 0);
  cairo_set_line_width(p->cr, width);
  cairo_move_to(p->cr, x0, y);
  cairo_line_to(p->cr, x1, y);
  cairo_stroke(p->cr);
}

static void cell(struct pager *p, double x, double y, double w, double h, bool shaded) {
  if (!p->draw)
    return;
  cairo_rectangle(p->cr, x, y, w, h);
  if (shaded) {
    cairo_set_source_rgb(p->cr, GRAY_FILL, GRAY_FILL, GRAY_FILL);
    cairo_fill_preserve(p->cr);
  }
  cairo_set_source_rgb(p->cr, 0, 0, 0);
  cairo_set_line_width(p->cr, LINE_W);
  cairo_stroke(p->cr);
}

/* The foot of every page: the ticket number, the page number and the hotline. */
static void draw_footer(struct pager *p) {
  const struct service_report *r = p->report;
  char page[64], ticket[256], hotline[256] = "服务报告";
  snprintf(page, sizeof page, "第 %d 页 共 %d 页", p->page, p->pages);
  snprintf(ticket, sizeof ticket, "工单号：%s", r->ticket_no);
  if (r->hotline && *r->hotline)
    snprintf(hotline, sizeof hotline, "服务热线：%s", r->hotline);
  double y = PAGE_H - 44.0, side = CONTENT_W / 3 - 12.0;
  rule(p, MARGIN_X, PAGE_W - MARGIN_X, y - 6.0, 0.4);
  show_text(p, ticket, SIZE_SMALL, MARGIN_X, y, side, PANGO_ALIGN_LEFT, GRAY_TEXT, true);
  show_text(p, page, 9.0, MARGIN_X, y, CONTENT_W, PANGO_ALIGN_CENTER, 0, false);
  show_text(p, hotline, SIZE_SMALL, PAGE_W - MARGIN_X - side, y, side, PANGO_ALIGN_RIGHT, GRAY_TEXT,
            true);
}

/* The head of a page after the first: whose report this page belongs to. */
static void draw_continued(struct pager *p) {
  char who[1024];
  snprintf(who, sizeof who, "工单号：%s　客户：%s", p->report->ticket_no, p->report->customer_name);
  double h1 = show_text(p, "服务报告（续）", SIZE_SECTION, MARGIN_X, p->y, CONTENT_W / 3,
                        PANGO_ALIGN_LEFT, 0, false);
  double h2 = show_text(p, who, SIZE_TABLE, MARGIN_X + CONTENT_W / 3, p->y + 3.0, CONTENT_W * 2 / 3,
                        PANGO_ALIGN_RIGHT, 0, true);
  p->y += (h1 > h2 + 3.0 ? h1 : h2 + 3.0) + 4.0;
  rule(p, MARGIN_X, PAGE_W - MARGIN_X, p->y, 0.8);
  p->y += 12.0;
}

static void new_page(struct pager *p) {
  draw_footer(p);
  if (p->draw)
    cairo_show_page(p->cr);
  p->page++;
  p->y = MARGIN_TOP;
  draw_continued(p);
}

/* Starts a new page unless height points still fit on this one. */
static void need(struct pager *p, double height) {
  if (p->y + height > BOTTOM)
    new_page(p);
}

/* The height a block takes, by running it without drawing. The block must not break pages. */
static double measure(struct pager *p, void (*block)(struct pager *)) {
  bool draw = p->draw;
  double y = p->y;
  p->draw = false;
  block(p);
  double h = p->y - y;
  p->draw = draw;
  p->y = y;
  return h;
}

/* ---- blocks ---- */

/* The company, the title, which copy this is, the ticket number and the printed date. */
static void draw_title(struct pager *p) {
  const struct service_report *r = p->report;
  char ticket[256], right[256];
  p->y += show_text(p, r->company, SIZE_COMPANY, MARGIN_X, p->y, CONTENT_W, PANGO_ALIGN_CENTER, 0,
                    false);
  p->y += 2.0;
  PangoLayout *title = new_layout(p, "服务报告", SIZE_TITLE, CONTENT_W, PANGO_ALIGN_CENTER, false);
  PangoAttrList *attrs = pango_attr_list_copy(pango_layout_get_attributes(title));
  pango_attr_list_insert(attrs, pango_attr_letter_spacing_new(8 * PANGO_SCALE));
  pango_layout_set_attributes(title, attrs);
  pango_attr_list_unref(attrs);
  show_layout(p, title, MARGIN_X + 4.0, p->y, 0); /* +4: half the spacing after the last */
  double title_h = layout_height(title);
  g_object_unref(title);
  /* Which copy, boxed at the right of the title, so a photocopy still says it. */
  const double tag_w = 52.0, tag_h = 20.0, tag_x = PAGE_W - MARGIN_X - tag_w;
  double tag_y = p->y + (title_h - tag_h) / 2;
  cell(p, tag_x, tag_y, tag_w, tag_h, false);
  show_text(p, r->internal_copy ? "内部联" : "客户联", SIZE_BODY, tag_x, tag_y + 3.5, tag_w,
            PANGO_ALIGN_CENTER, 0, false);
  p->y += title_h + 6.0;
  snprintf(ticket, sizeof ticket, "工单号：%s", r->ticket_no);
  if (r->hotline && *r->hotline)
    snprintf(right, sizeof right, "服务热线：%s\n打印日期：%s", r->hotline, r->printed_on);
  else
    snprintf(right, sizeof right, "打印日期：%s", r->printed_on);
  double h1 = show_text(p, ticket, 11.0, MARGIN_X, p->y, CONTENT_W / 2, PANGO_ALIGN_LEFT, 0, false);
  double h2 = show_text(p, right, SIZE_TABLE, MARGIN_X + CONTENT_W / 2, p->y, CONTENT_W / 2,
                        PANGO_ALIGN_RIGHT, 0, false);
  p->y += (h1 > h2 ? h1 : h2) + 2.0;
  rule(p, MARGIN_X, PAGE_W - MARGIN_X, p->y + 3.0, 1.6);
  rule(p, MARGIN_X, PAGE_W - MARGIN_X, p->y + 6.0, 0.5);
  p->y += 16.0;
}

/* A section heading with a bar before it; keep_with must follow it on the same page. */
static void section(struct pager *p, const char *title, double keep_with) {
  double h = text_height(p, title, SIZE_SECTION, CONTENT_W - 8.0);
  need(p, h + 5.0 + keep_with);
  if (p->draw) {
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    cairo_rectangle(p->cr, MARGIN_X, p->y + 2.0, 3.0, h - 4.0);
    cairo_fill(p->cr);
  }
  p->y += show_text(p, title, SIZE_SECTION, MARGIN_X + 8.0, p->y, CONTENT_W - 8.0, PANGO_ALIGN_LEFT,
                    0, false);
  p->y += 5.0;
}

/* The height of a row: its tallest cell. */
static double row_height(struct pager *p, const struct column *columns, size_t n,
                         const char *const *texts, double size) {
  double h = 0;
  for (size_t c = 0; c < n; c++) {
    double t = text_height(p, texts[c], size, columns[c].width - 2 * PAD);
    h = t > h ? t : h;
  }
  return h + 2 * PAD;
}

/* A row of cells h high from x, each text centred in its height, at size points. */
static void table_row(struct pager *p, double x, const struct column *columns, size_t n,
                      const char *const *texts, double h, double size, bool head) {
  for (size_t c = 0; c < n; c++) {
    double w = columns[c].width;
    cell(p, x, p->y, w, h, head || columns[c].shaded);
    PangoLayout *layout = new_layout(p, texts[c], size, w - 2 * PAD,
                                     head ? PANGO_ALIGN_CENTER : columns[c].align, false);
    show_layout(p, layout, x + PAD, p->y + (h - layout_height(layout)) / 2, 0);
    g_object_unref(layout);
    x += w;
  }
  p->y += h;
}

/* The cells of a row of n ≤ 2 label/value pairs side by side, width points wide in all. */
static size_t pair_columns(const struct field *fields, size_t n, double width,
                           struct column columns[4], const char *texts[4]) {
  for (size_t i = 0; i < n; i++) {
    columns[2 * i] = (struct column){NULL, LABEL_W, PANGO_ALIGN_CENTER, true};
    columns[2 * i + 1] = (struct column){NULL, width / (double)n - LABEL_W, PANGO_ALIGN_LEFT};
    texts[2 * i] = fields[i].label;
    texts[2 * i + 1] = or_dash(fields[i].value);
  }
  return 2 * n;
}

static double field_row_height(struct pager *p, double width, const struct field *fields,
                               size_t n) {
  struct column columns[4];
  const char *texts[4];
  size_t count = pair_columns(fields, n, width, columns, texts);
  return row_height(p, columns, count, texts, SIZE_BODY) + 1.0;
}

/* One row of n label/value pairs from x, width points wide in all; it never starts a page. */
static void field_row_at(struct pager *p, double x, double width, const struct field *fields,
                         size_t n) {
  struct column columns[4];
  const char *texts[4];
  size_t count = pair_columns(fields, n, width, columns, texts);
  double h = row_height(p, columns, count, texts, SIZE_BODY) + 1.0;
  table_row(p, x, columns, count, texts, h, SIZE_BODY, false);
}

/* A row of one or two pairs as wide as the page, on a new page if it does not fit. */
static void field_row(struct pager *p, const struct field *fields, size_t n) {
  need(p, field_row_height(p, CONTENT_W, fields, n));
  field_row_at(p, MARGIN_X, CONTENT_W, fields, n);
}

/* IMP: SPEC C6 — whose unit it was: the customer, the contact, the unit and its warranty. */
static void draw_customer(struct pager *p) {
  const struct service_report *r = p->report;
  section(p, "一、客户及设备", 3 * 22.0);
  field_row(p, &(struct field){"客户名称", r->customer_name}, 1);
  field_row(p, (struct field[]){{"联系人", r->contact}, {"联系电话", r->phone}}, 2);
  field_row(p, &(struct field){"地址", r->address}, 1);
  field_row(p, (struct field[]){{"设备名称", r->unit_name}, {"型号", r->unit_model}}, 2);
  field_row(p, (struct field[]){{"序列号", r->serial}, {"保修状态", r->warranty}}, 2);
  p->y += GAP;
}

/* IMP: SPEC C2 — each stage's time with the caller's words on how it stood. */
static void draw_times(struct pager *p) {
  const struct service_report *r = p->report;
  const char *titles[TIME_COLS] = {time_columns[0].title, time_columns[1].title,
                                   time_columns[2].title};
  const char *rows[4][TIME_COLS] = {
      {"报修", r->called_at, "—"},
      {"到达现场", or_dash(r->arrived.at), or_dash(r->arrived.sla)},
      {"故障排除", or_dash(r->cleared.at), or_dash(r->cleared.sla)},
      {"备品替代", or_dash(r->spare.at), or_dash(r->spare.sla)},
  };
  size_t count = (r->spare.at && *r->spare.at) || (r->spare.sla && *r->spare.sla) ? 4 : 3;
  double head_h = row_height(p, time_columns, TIME_COLS, titles, SIZE_TABLE);
  double total = head_h;
  for (size_t i = 0; i < count; i++)
    total += row_height(p, time_columns, TIME_COLS, rows[i], SIZE_TABLE);
  section(p, "二、服务时间", total); /* four short rows: always together */
  table_row(p, MARGIN_X, time_columns, TIME_COLS, titles, head_h, SIZE_TABLE, true);
  for (size_t i = 0; i < count; i++)
    table_row(p, MARGIN_X, time_columns, TIME_COLS, rows[i],
              row_height(p, time_columns, TIME_COLS, rows[i], SIZE_TABLE), SIZE_TABLE, false);
  p->y += GAP;
}

/* The cells of one piece of a long text's row, h high (or as high as its label), its lines
 * already drawn. Only a piece at the top of a page has the taller label "…（续）". */
static void text_piece(struct pager *p, const char *label, bool continued, double h) {
  const struct column columns[2] = {{NULL, LABEL_W, PANGO_ALIGN_CENTER, true},
                                    {NULL, CONTENT_W - LABEL_W, PANGO_ALIGN_LEFT}};
  char text[64];
  snprintf(text, sizeof text, "%s%s", label, continued ? "（续）" : "");
  const char *texts[2] = {text, ""};
  double label_h = row_height(p, columns, 2, texts, SIZE_BODY);
  table_row(p, MARGIN_X, columns, 2, texts, h > label_h ? h : label_h, SIZE_BODY, false);
}

/* A label and a long text beside it. Where the page ends the text is split between two of
 * its lines (at least two lines stay with the label) and continues on the next page. */
static void text_row(struct pager *p, const char *label, const char *text) {
  const double x = MARGIN_X + LABEL_W + PAD;
  PangoLayout *layout = new_layout(p, or_dash(text), SIZE_BODY, CONTENT_W - LABEL_W - 2 * PAD,
                                   PANGO_ALIGN_LEFT, false);
  double total = layout_height(layout);
  int lines = pango_layout_get_line_count(layout);
  need(p, (lines > 1 ? 2 * total / lines : total) + 2 * PAD);
  PangoLayoutIter *it = pango_layout_get_iter(layout);
  double start = 0; /* layout y where this page's piece begins */
  bool continued = false;
  do {
    PangoRectangle line;
    pango_layout_iter_get_line_extents(it, NULL, &line);
    double top = (double)line.y / PANGO_SCALE;
    double bottom = (double)(line.y + line.height) / PANGO_SCALE;
    if (p->y + bottom - start + 2 * PAD > BOTTOM && top > start) {
      text_piece(p, label, continued, top - start + 2 * PAD);
      new_page(p);
      start = top;
      continued = true;
    }
    if (p->draw) {
      double baseline = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
      cairo_set_source_rgb(p->cr, 0, 0, 0);
      cairo_move_to(p->cr, x + (double)line.x / PANGO_SCALE, p->y + PAD + baseline - start);
      pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
    }
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
  g_object_unref(layout);
  text_piece(p, label, continued, total - start + 2 * PAD);
}

/* IMP: SPEC C4 — the on-site record: the fault, what was found and done, the test after
 * installation, and what was agreed with the customer outside the request. */
static void draw_record(struct pager *p) {
  const struct service_report *r = p->report;
  section(p, "三、服务内容", 3 * 22.0);
  text_row(p, "报修故障", r->fault_reported);
  text_row(p, "故障诊断", r->diagnosis);
  text_row(p, "处理过程", r->work_done);
  text_row(p, "安装后测试", r->test_result);
  if (r->responsibility && *r->responsibility)
    text_row(p, "责任界定", r->responsibility);
  p->y += GAP;
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
static void total_row(struct pager *p, const char *label, int64_t fen, bool strong) {
  char amount[REPORT_YUAN_LEN];
  double size = strong ? SIZE_TOTAL : SIZE_TABLE, label_w = CONTENT_W - TOTAL_COL_W;
  double h = text_height(p, label, size, label_w - 2 * PAD) + 2 * PAD;
  cell(p, MARGIN_X, p->y, label_w, h, strong);
  cell(p, MARGIN_X + label_w, p->y, TOTAL_COL_W, h, strong);
  show_text(p, label, size, MARGIN_X + PAD, p->y + PAD, label_w - 2 * PAD, PANGO_ALIGN_RIGHT, 0,
            false);
  show_text(p, yuan(fen, amount), size, MARGIN_X + label_w + PAD, p->y + PAD, TOTAL_COL_W - 2 * PAD,
            PANGO_ALIGN_RIGHT, 0, false);
  p->y += h;
}

/* IMP: SPEC C4 — vehicle and consumables are the company's costs: printed on the internal
 * copy only, with the value of the parts given free. */
static void draw_internal(struct pager *p) {
  const struct service_report *r = p->report;
  char vehicle[REPORT_YUAN_LEN + 8], consumables[REPORT_YUAN_LEN + 8];
  char given[REPORT_YUAN_LEN + 8], amount[REPORT_YUAN_LEN];
  snprintf(vehicle, sizeof vehicle, "%s 元", yuan(r->vehicle_cost, amount));
  snprintf(consumables, sizeof consumables, "%s 元", yuan(r->consumables_cost, amount));
  snprintf(given, sizeof given, "%s 元", yuan(p->totals.parts_free, amount));
  p->y += 8.0;
  p->y += show_text(p, "内部成本（仅限内部联，不向客户收取）", SIZE_TABLE, MARGIN_X, p->y,
                    CONTENT_W, PANGO_ALIGN_LEFT, 0, false) +
          3.0;
  field_row_at(p, MARGIN_X, CONTENT_W,
               (struct field[]){{"车辆费用", vehicle}, {"耗材费用", consumables}}, 2);
  field_row_at(p, MARGIN_X, CONTENT_W,
               (struct field[]){{"免费配件价值", given}, {"成本说明", r->cost_note}}, 2);
}

/* The totals under the parts, and the internal costs on an internal copy. */
static void draw_totals(struct pager *p) {
  const struct service_report *r = p->report;
  total_row(p, "收费配件合计", p->totals.parts_charged, false);
  for (size_t i = 0; i < r->charge_count; i++)
    total_row(p, r->charges[i].label, r->charges[i].amount, false);
  total_row(p, "应付合计（元）", p->totals.payable, true);
  if (r->internal_copy)
    draw_internal(p);
}

/* IMP: SPEC B3 — the parts table, then the sums. A row that does not fit goes to a new
 * page under a repeated header; the last row goes with the totals. */
static void draw_parts(struct pager *p) {
  const struct service_report *r = p->report;
  const char *titles[PART_COLS], *texts[PART_COLS];
  char no[24], qty[24], price[REPORT_YUAN_LEN], total[REPORT_YUAN_LEN], heading[64];
  for (int i = 0; i < PART_COLS; i++)
    titles[i] = part_columns[i].title;
  double head_h = row_height(p, part_columns, PART_COLS, titles, SIZE_TABLE) + 2.0;
  double closing = measure(p, draw_totals);
  snprintf(heading, sizeof heading, "四、更换配件及费用（共 %zu 项）", r->part_count);
  if (r->part_count == 0)
    snprintf(heading, sizeof heading, "四、更换配件及费用");
  if (r->part_count == 0) {
    const struct column none = {"", CONTENT_W, PANGO_ALIGN_CENTER};
    const char *text = "本次服务未更换配件";
    double h = row_height(p, &none, 1, &text, SIZE_TABLE);
    section(p, heading, h + closing);
    table_row(p, MARGIN_X, &none, 1, &text, h, SIZE_TABLE, false);
  } else {
    part_texts(&r->parts[0], 0, no, qty, price, total, texts);
    section(p, heading, head_h + row_height(p, part_columns, PART_COLS, texts, SIZE_TABLE));
    table_row(p, MARGIN_X, part_columns, PART_COLS, titles, head_h, SIZE_TABLE, true);
  }
  double page_top = p->y;
  for (size_t i = 0; i < r->part_count; i++) {
    part_texts(&r->parts[i], i, no, qty, price, total, texts);
    double h = row_height(p, part_columns, PART_COLS, texts, SIZE_TABLE);
    bool last = i + 1 == r->part_count;
    if (p->y + h > BOTTOM || (last && p->y > page_top && p->y + h + closing > BOTTOM)) {
      new_page(p);
      table_row(p, MARGIN_X, part_columns, PART_COLS, titles, head_h, SIZE_TABLE, true);
      page_top = p->y;
    }
    table_row(p, MARGIN_X, part_columns, PART_COLS, texts, h, SIZE_TABLE, false);
  }
  need(p, closing); /* only if the totals alone are taller than what is left */
  draw_totals(p);
  p->y += GAP;
}

/* The two lines under the signature box: who signed and when, or blanks for a pen. */
static void signer_line(const struct service_report *r, char out[512]) {
  if (r->signer && *r->signer)
    snprintf(out, 512, "签字人：%s　　签字时间：%s", r->signer, or_dash(r->signed_at));
  else
    snprintf(out, 512, "签字人：＿＿＿＿＿＿　日期：　　　年　　月　　日");
}

/* Draws the resampled signature centred in the picture area at (x, y). */
static void draw_picture(struct pager *p, double x, double y) {
  if (!p->draw || !p->signature)
    return;
  double w = cairo_image_surface_get_width(p->signature);
  double h = cairo_image_surface_get_height(p->signature);
  double k = SIGN_PICTURE_W / w < SIGN_PICTURE_H / h ? SIGN_PICTURE_W / w : SIGN_PICTURE_H / h;
  cairo_save(p->cr);
  cairo_translate(p->cr, x + (SIGN_PICTURE_W - w * k) / 2, y + (SIGN_PICTURE_H - h * k) / 2);
  cairo_scale(p->cr, k, k);
  cairo_set_source_surface(p->cr, p->signature, 0, 0);
  cairo_paint(p->cr);
  cairo_restore(p->cr);
}

/* IMP: SPEC C6, C7 — the receipt: on the left the outcome as the caller names it and the
 * technician, on the right the customer's signature box with the signer and the time, or
 * an empty box for a pen. */
static void draw_closing(struct pager *p) {
  const struct service_report *r = p->report;
  char signer[512];
  const double xr = MARGIN_X + CONTENT_W - SIGN_W, top = p->y;
  field_row_at(p, MARGIN_X, SIGN_W, &(struct field){"处理结果", r->outcome}, 1);
  field_row_at(p, MARGIN_X, SIGN_W, &(struct field){"服务技术员", r->technician}, 1);
  p->y += 8.0;
  p->y += show_text(p,
                    "客户签字即确认以上服务内容、更换配件及应付费用。"
                    "对服务如有意见或建议，请拨打服务热线。",
                    SIZE_SMALL, MARGIN_X, p->y, SIGN_W, PANGO_ALIGN_LEFT, GRAY_TEXT, false);
  double left = p->y;
  cell(p, xr, top, SIGN_W, SIGN_BOX_H, false);
  show_text(p, "客户签字", SIZE_TABLE, xr + PAD, top + 3.0, SIGN_W, PANGO_ALIGN_LEFT, GRAY_TEXT,
            false);
  draw_picture(p, xr + PAD, top + 16.0);
  signer_line(r, signer);
  p->y = top + SIGN_BOX_H + 4.0;
  p->y += show_text(p, signer, SIZE_TABLE, xr, p->y, SIGN_W, PANGO_ALIGN_LEFT, 0, false);
  p->y = p->y > left ? p->y : left;
}

static void draw_outcome(struct pager *p) {
  section(p, "五、处理结果及客户确认", measure(p, draw_closing));
  draw_closing(p);
}

/* One pass over the whole report; returns the number of pages. */
static int lay_out(struct pager *p) {
  p->page = 1;
  p->y = MARGIN_TOP;
  draw_title(p);
  draw_customer(p);
  draw_times(p);
  draw_record(p);
  draw_parts(p);
  draw_outcome(p);
  draw_footer(p);
  if (p->draw)
    cairo_show_page(p->cr);
  return p->page;
}

/* ---- the PDF ---- */

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length) {
  struct sink *s = closure;
  enum sh_status rc = buf_append(&s->out, data, length);
  if (rc == SH_OK)
    return CAIRO_STATUS_SUCCESS;
  if (rc == SH_ERR_TOO_LARGE)
    s->too_large = true;
  else
    s->no_memory = true;
  return CAIRO_STATUS_WRITE_ERROR;
}

/* True if fontconfig gives the report's font itself, not a substitute without Chinese. */
static bool font_installed(PangoFontMap *map, PangoContext *context,
                           const PangoFontDescription *font) {
  PangoFont *loaded = pango_font_map_load_font(map, context, font);
  if (!loaded)
    return false;
  PangoFontDescription *got = pango_font_describe(loaded);
  const char *family = pango_font_description_get_family(got);
  bool same = family && g_ascii_strcasecmp(family, FONT_FAMILY) == 0;
  pango_font_description_free(got);
  g_object_unref(loaded);
  return same;
}

/* Pango set up for print: 72 dpi (a point is a unit) and no hinting of metrics, so that
 * both passes and every machine measure alike. */
static PangoContext *print_context(PangoFontMap *map, cairo_t *cr) {
  PangoContext *context = pango_font_map_create_context(map);
  cairo_font_options_t *options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(context, options);
  cairo_font_options_destroy(options);
  pango_cairo_context_set_resolution(context, 72.0);
  pango_context_set_round_glyph_positions(context, FALSE);
  pango_cairo_update_context(cr, context);
  return context;
}

static void set_metadata(cairo_surface_t *surface, const struct service_report *r) {
  char title[256], date[32];
  snprintf(title, sizeof title, "服务报告 %s", r->ticket_no);
  snprintf(date, sizeof date, "%sT00:00:00", r->printed_on);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, r->company);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "shouhou");
  /* A fixed date keeps the bytes a function of the report, not of the clock. */
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date);
}

/* Lays the report out twice, measuring then drawing, and finishes the PDF into sink.
 * cairo and Pango objects are never NULL (cairo hands out objects in an error state, GLib
 * aborts on out of memory). */
static enum sh_status render(struct pager *pager, struct sink *sink, struct sh_error *err) {
  enum sh_status rc = SH_OK;
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(sink_write, sink, PAGE_W, PAGE_H);
  set_metadata(surface, pager->report);
  pager->cr = cairo_create(surface);
  PangoFontMap *map = pango_cairo_font_map_new();
  pager->pango = print_context(map, pager->cr);
  pager->font = pango_font_description_from_string(FONT_FAMILY);
  if (!font_installed(map, pager->pango, pager->font)) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "font " FONT_FAMILY " not installed");
    goto out;
  }
  pager->pages = lay_out(pager);
  pager->draw = true;
  lay_out(pager);
  cairo_surface_finish(surface);
  cairo_status_t status = cairo_status(pager->cr);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status(surface);
  if (sink->too_large)
    rc = sh_fail(err, SH_ERR_TOO_LARGE, "too_large", "pdf", NULL);
  else if (sink->no_memory || status == CAIRO_STATUS_NO_MEMORY)
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  else if (status != CAIRO_STATUS_SUCCESS)
    rc = sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, cairo_status_to_string(status));
out:
  pango_font_description_free(pager->font);
  g_object_unref(pager->pango);
  g_object_unref(map);
  cairo_destroy(pager->cr);
  cairo_surface_destroy(surface);
  return rc;
}

enum sh_status report_service_pdf(const struct service_report *report, char **out_pdf,
                                  size_t *out_len, struct sh_error *err) {
  struct sink sink = {.too_large = false, .no_memory = false};
  struct pager pager = {.report = report};
  buf_init(&sink.out, REPORT_MAX_BYTES);
  enum sh_status rc = check_report(report, &pager.totals, err);
  if (rc != SH_OK)
    goto out;
  rc = load_signature(report, &pager.signature, err);
  if (rc != SH_OK)
    goto out;
  rc = render(&pager, &sink, err);
  if (rc != SH_OK)
    goto out;
  size_t len = sink.out.len;
  char *pdf = buf_detach(&sink.out);
  if (!pdf) {
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
    goto out;
  }
  *out_pdf = pdf;
  *out_len = len;
out:
  if (pager.signature)
    cairo_surface_destroy(pager.signature);
  buf_free(&sink.out);
  return rc;
}
