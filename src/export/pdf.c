/* pdf.c — the warranty card (保修卡) as an A4 PDF, with cairo and Pango (SPEC B4).
 *
 * Design: the card is laid out twice with the same code. The first pass (draw = false)
 * only measures, to learn where pages break and how many there are; the second draws, so
 * every page can say "第 N 页 共 M 页". A table row, a paragraph and the signature block
 * are never split; a row that does not fit starts a new page whose table header is drawn
 * again. All text goes through Pango (line breaking by UAX 14, which knows Chinese) in
 * WenQuanYi Micro Hei, a 5 MB font of which cairo embeds only the glyphs used, so a page
 * costs tens of KB. Each call makes its own font map and Pango context, so calls on
 * different threads share only the process-wide caches of fontconfig and cairo, which
 * lock themselves. Hinting of metrics is off
 * so that measures in the two passes and on any machine are the same. Sizes are points
 * (1/72 inch) from the top left of the page. Does not compute warranty dates (rules/).
 */
#include "pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "../base/buf.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"

/* IMP: SPEC B4 — the principles and purpose, quoted from 售后部门管理细则1: its preamble,
 * 1) items 1 and 2, 2), 3), and the first clause of 1) item 3. Only the punctuation is made
 * full-width, and a full stop ends the two that had none. */
const char *const pdf_warranty_default_principles[PDF_WARRANTY_DEFAULT_PRINCIPLE_COUNT] = {
    "坚持质量第一，用户至上的精神，维护本公司的声誉，确保工程项目及产品售后服务发挥其应有的"
    "效能。我们的宗旨是：“接一个项目，留一件精品；做一个工程，树一块样板！”",
    "我公司对所出售的产品提供从产品验收之日起一年的免费保修，同时将促使厂商提供更完善的产品"
    "质量保证及技术保证，向业主提供完善的终身售后服务。",
    "我公司对该整体工程实施所有设备免费质保一年，同时若厂家免费质保超过壹年的，按厂家规定保修；"
    "并将向业主提供完善的终身有偿维护的保障售后服务。如系统有故障，我司将在24小时内到达现场，"
    "48小时内排除故障，如在72小时内不能解决问题的，将以备品替代。",
    "在接到故障电话通知后，24小时内技术维修人员赶到现场对设备进行维修，如不能及时解决故障，"
    "提供相同型号或者相同品质的备用机器或部件替换，以保证系统正常运行。",
    "质保期内还是本公司购买的设备免费更换设备、免费更换配件。质保期过后监控系统主要设备（如："
    "监控设备、周界报警设备、可视对讲设备、停车场管理设备等）按生产厂规定收取需更换零件材料"
    "费用。",
    "在工程保修期内至少每二个月回访一次。",
};

#define FONT_FAMILY "WenQuanYi Micro Hei"

/* A4 portrait, in points. */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN_X 50.0
#define MARGIN_TOP 40.0
#define BOTTOM (PAGE_H - 55.0) /* lowest y of content; the footer lives below */
#define CONTENT_W (PAGE_W - 2 * MARGIN_X)

/* Type sizes, in points. */
#define SIZE_TITLE 26.0
#define SIZE_COMPANY 15.0
#define SIZE_SECTION 12.5
#define SIZE_BODY 10.5
#define SIZE_TABLE 9.0
#define SIZE_SMALL 8.0

#define PAD 4.0                       /* inside a table cell */
#define LABEL_W 68.0                  /* the label cell of the header and service blocks */
#define LINE_W 0.6                    /* table rules */
#define GRAY_FILL 0.90                /* label cells and the table header */
#define GRAY_TEXT 0.40                /* notes, the footer, the seal mark */
#define SEAL_RADIUS 59.5              /* 21 mm: a company seal is 42 mm across */
#define SIGN_W (CONTENT_W / 2 - 10.0) /* each half of the signature block */
#define SIGN_GAP 18.0                 /* between the two lines of each half */

/* Field limits, in characters (code points). */
#define MAX_NAME 100
#define MAX_ADDRESS 200
#define MAX_CARD_NO 40
#define MAX_SERIAL 64
#define MAX_SHORT 50
#define MAX_PHONE 40

struct column {
  const char *title;
  double width; /* points; the widths add up to CONTENT_W */
  PangoAlignment align;
};

enum { COL_NO, COL_EQUIPMENT, COL_SERIAL, COL_CATEGORY, COL_BASIS, COL_UNTIL, COL_PARTS, NCOLS };

static const struct column columns[NCOLS] = {
    {"序号", 26.0, PANGO_ALIGN_CENTER},       {"设备名称/型号", 110.0, PANGO_ALIGN_LEFT},
    {"序列号", 102.0, PANGO_ALIGN_LEFT}, /* 20 characters of a serial on a line */
    {"类别", 50.0, PANGO_ALIGN_CENTER},       {"保修依据", 90.0, PANGO_ALIGN_LEFT},
    {"保修截止日", 62.0, PANGO_ALIGN_CENTER}, {"配件更换", CONTENT_W - 440.0, PANGO_ALIGN_CENTER},
};

/* Where the PDF bytes go: cairo's write callback appends here. */
struct sink {
  struct buf out;
  bool too_large; /* the ceiling was hit */
  bool no_memory;
};

/* The state of one pass over the card. */
struct pager {
  cairo_t *cr;
  PangoContext *pango;
  PangoFontDescription *font; /* the family; the size is set per layout */
  const struct warranty_card *card;
  bool draw; /* false: only measure */
  int page;  /* 1-based */
  int pages; /* total, known in the drawing pass; 0 while measuring */
  double y;  /* top of the free space on the page */
};

/* A label and its value in the header and service blocks. */
struct field {
  const char *label;
  const char *value;
};

/* ---- validation ---- */

static enum sh_status check_text(const char *field, const char *s, size_t max_chars, bool required,
                                 struct sh_error *err) {
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
  /* A newline or other control would add lines the layout did not plan for. */
  for (const unsigned char *c = (const unsigned char *)s; *c; c++)
    if (*c < 0x20 || *c == 0x7f)
      return sh_fail(err, SH_ERR_INVALID, "invalid_character", field, NULL);
  return SH_OK;
}

static enum sh_status check_date(const char *field, const char *s, struct sh_error *err) {
  if (!s || !*s)
    return sh_fail(err, SH_ERR_INVALID, "field_required", field, NULL);
  if (!date_valid(s))
    return sh_fail(err, SH_ERR_INVALID, "invalid_date", field, NULL);
  return SH_OK;
}

static enum sh_status check_unit(const struct card_unit *u, size_t i, struct sh_error *err) {
  char field[64];
  enum sh_status rc;
#define UNIT_FIELD(name) (snprintf(field, sizeof field, "units[%zu]." name, i), field)
  if ((rc = check_text(UNIT_FIELD("name"), u->name, MAX_NAME, true, err)) ||
      (rc = check_text(UNIT_FIELD("model"), u->model, MAX_NAME, false, err)) ||
      (rc = check_text(UNIT_FIELD("serial"), u->serial, MAX_SERIAL, true, err)) ||
      (rc = check_text(UNIT_FIELD("category"), u->category, MAX_SHORT, false, err)) ||
      (rc = check_date(UNIT_FIELD("warranty_until"), u->warranty_until, err)) ||
      (rc = check_text(UNIT_FIELD("basis"), u->basis, MAX_SHORT, true, err)))
    return rc;
#undef UNIT_FIELD
  return SH_OK;
}

static enum sh_status check_lists(const struct warranty_card *c, struct sh_error *err) {
  enum sh_status rc;
  char field[64];
  if (!c->units || c->unit_count == 0)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "units", NULL);
  if (c->unit_count > PDF_MAX_UNITS)
    return sh_fail(err, SH_ERR_INVALID, "too_many_items", "units", NULL);
  if (!c->principles || c->principle_count == 0)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "principles", NULL);
  if (c->principle_count > PDF_MAX_PRINCIPLES)
    return sh_fail(err, SH_ERR_INVALID, "too_many_items", "principles", NULL);
  for (size_t i = 0; i < c->unit_count; i++)
    if ((rc = check_unit(&c->units[i], i, err)))
      return rc;
  for (size_t i = 0; i < c->principle_count; i++) {
    snprintf(field, sizeof field, "principles[%zu]", i);
    if ((rc = check_text(field, c->principles[i], PDF_MAX_PRINCIPLE_CHARS, true, err)))
      return rc;
  }
  return SH_OK;
}

static enum sh_status check_card(const struct warranty_card *c, struct sh_error *err) {
  enum sh_status rc;
  if (!c)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "card", NULL);
  if ((rc = check_text("company", c->company, MAX_NAME, true, err)) ||
      (rc = check_text("card_no", c->card_no, MAX_CARD_NO, true, err)) ||
      (rc = check_text("owner", c->owner, MAX_NAME, true, err)) ||
      (rc = check_text("project", c->project, MAX_NAME, true, err)) ||
      (rc = check_text("site_address", c->site_address, MAX_ADDRESS, false, err)) ||
      (rc = check_date("completed_on", c->completed_on, err)) ||
      (rc = check_date("accepted_on", c->accepted_on, err)) ||
      (rc = check_date("issued_on", c->issued_on, err)) ||
      (rc = check_text("department", c->department, MAX_SHORT, true, err)) ||
      (rc = check_text("staff_name", c->staff_name, MAX_SHORT, true, err)) ||
      (rc = check_text("staff_phone", c->staff_phone, MAX_PHONE, true, err)) ||
      (rc = check_text("hotline", c->hotline, MAX_PHONE, false, err)))
    return rc;
  return check_lists(c, err);
}

/* ---- text ---- */

/* "2024-03-05" (already valid) as "2024年3月5日", the way a dated Chinese document writes it. */
static void date_chinese(const char *iso, char out[32]) {
  unsigned y = 0, m = 0, d = 0;
  if (sscanf(iso, "%4u-%2u-%2u", &y, &m, &d) != 3)
    y = m = d = 0;
  snprintf(out, 32, "%u年%u月%u日", y, m, d);
}

/* A layout of text at size points, wrapped to width points (0: no wrapping), or, if
 * one_line, cut with "…" at width. Never a hyphen where a line breaks: a serial number
 * must not seem to hold one. The caller unrefs it. Pango aborts on out of memory (GLib's
 * policy), so this never fails. */
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

static PangoLayout *make_layout(struct pager *p, const char *text, double size, double width,
                                PangoAlignment align) {
  return new_layout(p, text, size, width, align, false);
}

static double layout_height(PangoLayout *layout) {
  int w, h;
  pango_layout_get_size(layout, &w, &h);
  return (double)h / PANGO_SCALE;
}

static double text_height(struct pager *p, const char *text, double size, double width) {
  PangoLayout *layout = make_layout(p, text, size, width, PANGO_ALIGN_LEFT);
  double h = layout_height(layout);
  g_object_unref(layout);
  return h;
}

/* Draws a layout with its top left at (x, y) in the given gray (0 black), if drawing. */
static void show_layout(struct pager *p, PangoLayout *layout, double x, double y, double gray) {
  if (!p->draw)
    return;
  cairo_set_source_rgb(p->cr, gray, gray, gray);
  cairo_move_to(p->cr, x, y);
  pango_cairo_show_layout(p->cr, layout);
}

/* Draws text wrapped to width at (x, y); returns its height. */
static double show_text(struct pager *p, const char *text, double size, double x, double y,
                        double width, PangoAlignment align, double gray) {
  PangoLayout *layout = make_layout(p, text, size, width, align);
  double h = layout_height(layout);
  show_layout(p, layout, x, y, gray);
  g_object_unref(layout);
  return h;
}

/* Draws text on one line at (x, y), cut with "…" at width; returns its height. */
static double show_line(struct pager *p, const char *text, double size, double x, double y,
                        double width, PangoAlignment align, double gray) {
  PangoLayout *layout = new_layout(p, text, size, width, align, true);
  double h = layout_height(layout);
  show_layout(p, layout, x, y, gray);
  g_object_unref(layout);
  return h;
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

/* The foot of every page: the card's number, the page number and the hotline. */
static void draw_footer(struct pager *p) {
  char text[64], card_no[256], hotline[256] = "保修卡";
  snprintf(text, sizeof text, "第 %d 页 共 %d 页", p->page, p->pages);
  snprintf(card_no, sizeof card_no, "编号：%s", p->card->card_no);
  if (p->card->hotline && *p->card->hotline)
    snprintf(hotline, sizeof hotline, "服务热线：%s", p->card->hotline);
  double y = PAGE_H - 44.0, side = CONTENT_W / 3 - 12.0;
  rule(p, MARGIN_X, PAGE_W - MARGIN_X, y - 6.0, 0.4);
  show_line(p, card_no, SIZE_SMALL, MARGIN_X, y, side, PANGO_ALIGN_LEFT, GRAY_TEXT);
  show_text(p, text, 9.0, MARGIN_X, y, CONTENT_W, PANGO_ALIGN_CENTER, 0);
  show_line(p, hotline, SIZE_SMALL, PAGE_W - MARGIN_X - side, y, side, PANGO_ALIGN_RIGHT,
            GRAY_TEXT);
}

/* The head of a page after the first: which card this page belongs to, on one line. */
static void draw_continued(struct pager *p) {
  char who[1024];
  snprintf(who, sizeof who, "编号：%s　业主：%s", p->card->card_no, p->card->owner);
  double h1 = show_text(p, "保修卡（续）", SIZE_SECTION, MARGIN_X, p->y, CONTENT_W / 3,
                        PANGO_ALIGN_LEFT, 0);
  double h2 = show_line(p, who, SIZE_TABLE, MARGIN_X + CONTENT_W / 3, p->y + 3.0, CONTENT_W * 2 / 3,
                        PANGO_ALIGN_RIGHT, 0);
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

/* ---- blocks ---- */

static double natural_width(struct pager *p, const char *text, double size) {
  PangoLayout *layout = make_layout(p, text, size, 0, PANGO_ALIGN_LEFT);
  int w, h;
  pango_layout_get_size(layout, &w, &h);
  g_object_unref(layout);
  return (double)w / PANGO_SCALE;
}

/* The issuer, the title and the card's number. */
static void draw_title(struct pager *p) {
  char card_no[256];
  snprintf(card_no, sizeof card_no, "编号：%s", p->card->card_no);
  p->y += show_text(p, p->card->company, SIZE_COMPANY, MARGIN_X, p->y, CONTENT_W,
                    PANGO_ALIGN_CENTER, 0);
  PangoLayout *title = make_layout(p, "保修卡", SIZE_TITLE, CONTENT_W, PANGO_ALIGN_CENTER);
  PangoAttrList *attrs = pango_attr_list_copy(pango_layout_get_attributes(title));
  pango_attr_list_insert(attrs, pango_attr_letter_spacing_new(10 * PANGO_SCALE));
  pango_layout_set_attributes(title, attrs);
  pango_attr_list_unref(attrs);
  show_layout(p, title, MARGIN_X + 5.0, p->y, 0); /* +5: half the spacing after the last */
  double title_h = layout_height(title);
  g_object_unref(title);
  /* The number sits at the right end of the title line if it fits there, else below. */
  double room = CONTENT_W / 2 - natural_width(p, "保修卡", SIZE_TITLE) / 2 - 30.0;
  double no_h = text_height(p, card_no, SIZE_BODY, CONTENT_W);
  if (natural_width(p, card_no, SIZE_BODY) <= room) {
    show_text(p, card_no, SIZE_BODY, MARGIN_X, p->y + title_h - no_h - 2.0, CONTENT_W,
              PANGO_ALIGN_RIGHT, 0);
    p->y += title_h;
  } else {
    p->y += title_h;
    p->y += show_text(p, card_no, SIZE_BODY, MARGIN_X, p->y, CONTENT_W, PANGO_ALIGN_RIGHT, 0);
  }
  rule(p, MARGIN_X, PAGE_W - MARGIN_X, p->y + 3.0, 1.6);
  rule(p, MARGIN_X, PAGE_W - MARGIN_X, p->y + 6.0, 0.5);
  p->y += 14.0;
}

/* A table cell: its border and, if shaded, a gray fill. */
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

static double field_row_height(struct pager *p, const struct field *fields, size_t n) {
  double value_w = CONTENT_W / (double)n - LABEL_W;
  double h = 0;
  for (size_t i = 0; i < n; i++) {
    double t = text_height(p, fields[i].value, SIZE_BODY, value_w - 2 * PAD);
    h = t > h ? t : h;
  }
  return h + 2 * PAD + 2.0;
}

/* One row of one or two label/value pairs side by side, as wide as the page. */
static void field_row(struct pager *p, const struct field *fields, size_t n) {
  double pair_w = CONTENT_W / (double)n;
  double value_w = pair_w - LABEL_W;
  double h = field_row_height(p, fields, n);
  need(p, h);
  for (size_t i = 0; i < n; i++) {
    double x = MARGIN_X + pair_w * (double)i;
    cell(p, x, p->y, LABEL_W, h, true);
    cell(p, x + LABEL_W, p->y, value_w, h, false);
    double lh = text_height(p, fields[i].label, SIZE_BODY, LABEL_W - 2 * PAD);
    show_text(p, fields[i].label, SIZE_BODY, x + PAD, p->y + (h - lh) / 2, LABEL_W - 2 * PAD,
              PANGO_ALIGN_CENTER, 0);
    double vh = text_height(p, fields[i].value, SIZE_BODY, value_w - 2 * PAD);
    show_text(p, fields[i].value, SIZE_BODY, x + LABEL_W + PAD, p->y + (h - vh) / 2,
              value_w - 2 * PAD, PANGO_ALIGN_LEFT, 0);
  }
  p->y += h;
}

/* IMP: SPEC B4 — the owner's name heads the card, with the project it covers. */
static void draw_header(struct pager *p) {
  const struct warranty_card *c = p->card;
  char completed[32], accepted[32];
  date_chinese(c->completed_on, completed);
  date_chinese(c->accepted_on, accepted);
  field_row(p, &(struct field){"业主名称", c->owner}, 1);
  field_row(p, &(struct field){"工程名称", c->project}, 1);
  field_row(p, &(struct field){"工程地址", c->site_address ? c->site_address : ""}, 1);
  field_row(p, (struct field[]){{"竣工日期", completed}, {"验收日期", accepted}}, 2);
  p->y += 14.0;
}

/* A section heading; keep_with is the height that must follow it on the same page. */
static void section(struct pager *p, const char *title, double keep_with) {
  double h = text_height(p, title, SIZE_SECTION, CONTENT_W);
  need(p, h + 5.0 + keep_with);
  p->y += show_text(p, title, SIZE_SECTION, MARGIN_X, p->y, CONTENT_W, PANGO_ALIGN_LEFT, 0);
  p->y += 5.0;
}

/* IMP: SPEC B4 — the principles and purpose, one numbered paragraph each. */
static void draw_principles(struct pager *p) {
  const struct warranty_card *c = p->card;
  const double hang = 2 * SIZE_BODY;
  for (size_t i = 0; i < c->principle_count; i++) {
    char no[24];
    snprintf(no, sizeof no, "%zu.", i + 1);
    PangoLayout *body =
        make_layout(p, c->principles[i], SIZE_BODY, CONTENT_W - hang, PANGO_ALIGN_LEFT);
    pango_layout_set_line_spacing(body, 1.3f);
    pango_layout_set_justify(body, TRUE);
    double h = layout_height(body);
    if (i == 0)
      section(p, "一、保修原则和目的", h);
    else
      need(p, h);
    show_text(p, no, SIZE_BODY, MARGIN_X, p->y, hang, PANGO_ALIGN_LEFT, 0);
    show_layout(p, body, MARGIN_X + hang, p->y, 0);
    g_object_unref(body);
    p->y += h + 3.0;
  }
  p->y += 10.0;
}

/* IMP: SPEC B4 — the department and staff responsible for the warranty. */
static void draw_service(struct pager *p) {
  const struct warranty_card *c = p->card;
  const struct field rows[2][2] = {{{"负责部门", c->department}, {"负责人", c->staff_name}},
                                   {{"联系电话", c->staff_phone}, {"服务热线", c->hotline}}};
  section(p, "二、保修负责部门及人员",
          field_row_height(p, rows[0], 2) + field_row_height(p, rows[1], 2));
  field_row(p, rows[0], 2);
  field_row(p, rows[1], 2);
  p->y += 14.0;
}

/* The texts of a unit's cells. equipment is the caller's buffer for "name\nmodel". */
static void unit_texts(const struct card_unit *u, size_t i, char no[24], char *equipment,
                       size_t equipment_size, const char *texts[NCOLS]) {
  snprintf(no, 24, "%zu", i + 1);
  if (u->model && *u->model)
    snprintf(equipment, equipment_size, "%s\n%s", u->name, u->model);
  else
    snprintf(equipment, equipment_size, "%s", u->name);
  texts[COL_NO] = no;
  texts[COL_EQUIPMENT] = equipment;
  texts[COL_SERIAL] = u->serial;
  texts[COL_CATEGORY] = u->category ? u->category : "";
  texts[COL_BASIS] = u->basis;
  texts[COL_UNTIL] = u->warranty_until;
  texts[COL_PARTS] = u->parts_free ? "免费" : "收费"; /* IMP: SPEC B3 */
}

static double row_height(struct pager *p, const char *const texts[NCOLS]) {
  double h = 0;
  for (int c = 0; c < NCOLS; c++) {
    double t = text_height(p, texts[c], SIZE_TABLE, columns[c].width - 2 * PAD);
    h = t > h ? t : h;
  }
  return h + 2 * PAD;
}

static void table_row(struct pager *p, const char *const texts[NCOLS], double h, bool head) {
  double x = MARGIN_X;
  for (int c = 0; c < NCOLS; c++) {
    double w = columns[c].width;
    cell(p, x, p->y, w, h, head);
    PangoLayout *layout = make_layout(p, texts[c], SIZE_TABLE, w - 2 * PAD,
                                      head ? PANGO_ALIGN_CENTER : columns[c].align);
    show_layout(p, layout, x + PAD, p->y + (h - layout_height(layout)) / 2, 0);
    g_object_unref(layout);
    x += w;
  }
  p->y += h;
}

static const char closing_note[] =
    "注：1. 保修截止日为免费保修的最后一天；“配件更换”指保修期内更换零配件是否免费，质保期过后"
    "按生产厂规定收费。\n　　2. 本卡请业主妥善保管，报修时请告知保修卡编号及设备序列号。";

/* The issuer's two lines of the signature block. */
static void issuer_lines(const struct warranty_card *c, char issuer[512], char date[64]) {
  char issued[32];
  date_chinese(c->issued_on, issued);
  snprintf(issuer, 512, "发卡单位（盖章）：%s", c->company);
  snprintf(date, 64, "发卡日期：%s", issued);
}

/* The height of the signature block: the seal, or the issuer's lines if they are taller. */
static double signature_height(struct pager *p, double *issuer_h) {
  char issuer[512], date[64];
  issuer_lines(p->card, issuer, date);
  *issuer_h = text_height(p, issuer, SIZE_BODY, SIGN_W);
  double span = *issuer_h + SIGN_GAP + text_height(p, date, SIZE_BODY, SIGN_W);
  return (span > 2 * SEAL_RADIUS ? span : 2 * SEAL_RADIUS) + 4.0;
}

/* The height of what ends the card: the note under the table and the signatures. */
static double closing_height(struct pager *p) {
  double issuer_h;
  return 4.0 + text_height(p, closing_note, SIZE_SMALL, CONTENT_W) + signature_height(p, &issuer_h);
}

/* The table of units. A row that does not fit goes to a new page under a repeated header;
 * the last row goes with the signatures, so that they never stand on a page alone. */
static void draw_units(struct pager *p) {
  const struct warranty_card *c = p->card;
  const char *titles[NCOLS];
  const char *texts[NCOLS];
  char no[24];
  char equipment[1024]; /* name and model, each ≤ 100 characters of ≤ 4 bytes */
  char heading[64];
  for (int i = 0; i < NCOLS; i++)
    titles[i] = columns[i].title;
  double head_h = row_height(p, titles) + 2.0;
  double closing = closing_height(p);
  snprintf(heading, sizeof heading, "三、保修设备清单（共 %zu 台/套）", c->unit_count);
  unit_texts(&c->units[0], 0, no, equipment, sizeof equipment, texts);
  section(p, heading, head_h + row_height(p, texts));
  table_row(p, titles, head_h, true);
  double page_top = p->y; /* where rows start on this page */
  for (size_t i = 0; i < c->unit_count; i++) {
    unit_texts(&c->units[i], i, no, equipment, sizeof equipment, texts);
    double h = row_height(p, texts);
    bool last = i + 1 == c->unit_count;
    if (p->y + h > BOTTOM || (last && p->y > page_top && p->y + h + closing > BOTTOM)) {
      new_page(p);
      table_row(p, titles, head_h, true);
      page_top = p->y;
    }
    table_row(p, texts, h, false);
  }
}

/* A dashed circle the size of a company seal (42 mm), marked 盖章处. */
static void seal_mark(struct pager *p, double cx, double cy) {
  const double dash[] = {3.0, 3.0};
  if (p->draw) {
    cairo_save(p->cr);
    cairo_set_source_rgb(p->cr, GRAY_TEXT, GRAY_TEXT, GRAY_TEXT);
    cairo_set_line_width(p->cr, 0.6);
    cairo_set_dash(p->cr, dash, 2, 0);
    cairo_new_sub_path(p->cr);
    cairo_arc(p->cr, cx, cy, SEAL_RADIUS, 0, 2 * G_PI);
    cairo_stroke(p->cr);
    cairo_restore(p->cr);
  }
  show_text(p, "（盖章处）", SIZE_SMALL, cx - SEAL_RADIUS, cy + SEAL_RADIUS - 20.0, 2 * SEAL_RADIUS,
            PANGO_ALIGN_CENTER, GRAY_TEXT);
}

/* The note under the table, then the owner's receipt on the left and the issuer with its
 * seal on the right; the seal goes over the issuer's name and the date, as is the custom. */
static void draw_closing(struct pager *p) {
  char issuer[512], date[64];
  double issuer_h;
  issuer_lines(p->card, issuer, date);
  need(p, closing_height(p));
  p->y += 4.0;
  p->y += show_text(p, closing_note, SIZE_SMALL, MARGIN_X, p->y, CONTENT_W, PANGO_ALIGN_LEFT,
                    GRAY_TEXT);
  double height = signature_height(p, &issuer_h);
  double cy = p->y + height / 2, xl = MARGIN_X, xr = MARGIN_X + CONTENT_W - SIGN_W;
  double top = cy - (issuer_h + SIGN_GAP + SIZE_BODY * 1.2) / 2;
  double bottom = top + issuer_h + SIGN_GAP;
  show_text(p, "业主签收：", SIZE_BODY, xl, top, SIGN_W, PANGO_ALIGN_LEFT, 0);
  rule(p, xl + 58.0, xl + SIGN_W - 40.0, top + 16.0, 0.5);
  show_text(p, "签收日期：　　　　年　　月　　日", SIZE_BODY, xl, bottom, SIGN_W, PANGO_ALIGN_LEFT,
            0);
  show_text(p, issuer, SIZE_BODY, xr, top, SIGN_W, PANGO_ALIGN_LEFT, 0);
  show_text(p, date, SIZE_BODY, xr, bottom, SIGN_W, PANGO_ALIGN_LEFT, 0);
  seal_mark(p, xr + SIGN_W / 2 + 20.0, cy);
  p->y += height;
}

/* One pass over the whole card; returns the number of pages. */
static int lay_out(struct pager *p) {
  p->page = 1;
  p->y = MARGIN_TOP;
  draw_title(p);
  draw_header(p);
  draw_principles(p);
  draw_service(p);
  draw_units(p);
  draw_closing(p);
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

/* True if fontconfig gives the card's font itself, not a substitute without Chinese. */
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

/* Pango set up for print: 72 dpi (a point is a unit) and no hinting of metrics. */
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

static void set_metadata(cairo_surface_t *surface, const struct warranty_card *c) {
  char title[256], date[32];
  snprintf(title, sizeof title, "保修卡 %s", c->card_no);
  snprintf(date, sizeof date, "%sT00:00:00", c->issued_on);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, c->company);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "shouhou");
  /* A fixed date keeps the bytes a function of the card, not of the clock. */
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date);
}

/* Lays the card out twice, measuring then drawing, and finishes the PDF into sink. */
static enum sh_status paint(cairo_t *cr, PangoContext *context, PangoFontDescription *font,
                            const struct warranty_card *card, struct sink *sink,
                            struct sh_error *err) {
  struct pager pager = {.cr = cr, .pango = context, .font = font, .card = card};
  pager.pages = lay_out(&pager);
  pager.draw = true;
  lay_out(&pager);
  cairo_surface_finish(cairo_get_target(cr));
  cairo_status_t status = cairo_status(cr);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status(cairo_get_target(cr));
  if (sink->too_large)
    return sh_fail(err, SH_ERR_TOO_LARGE, "too_large", "pdf", NULL);
  if (sink->no_memory || status == CAIRO_STATUS_NO_MEMORY)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (status != CAIRO_STATUS_SUCCESS)
    return sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, cairo_status_to_string(status));
  return SH_OK;
}

/* Renders into sink; returns a status with err filled. cairo and Pango objects are never
 * NULL (cairo hands out objects in an error state, GLib aborts on out of memory). */
static enum sh_status render(const struct warranty_card *card, struct sink *sink,
                             struct sh_error *err) {
  enum sh_status rc;
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(sink_write, sink, PAGE_W, PAGE_H);
  set_metadata(surface, card);
  cairo_t *cr = cairo_create(surface);
  PangoFontMap *map = pango_cairo_font_map_new();
  PangoContext *context = print_context(map, cr);
  PangoFontDescription *font = pango_font_description_from_string(FONT_FAMILY);
  if (font_installed(map, context, font))
    rc = paint(cr, context, font, card, sink, err);
  else
    rc = sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "font " FONT_FAMILY " not installed");
  pango_font_description_free(font);
  g_object_unref(context);
  g_object_unref(map);
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  return rc;
}

enum sh_status pdf_warranty_card(const struct warranty_card *card, char **out_pdf, size_t *out_len,
                                 struct sh_error *err) {
  struct sink sink = {.too_large = false, .no_memory = false};
  buf_init(&sink.out, PDF_MAX_BYTES);
  enum sh_status rc = check_card(card, err);
  if (rc != SH_OK)
    goto out;
  rc = render(card, &sink, err);
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
  buf_free(&sink.out);
  return rc;
}

void pdf_shutdown(void) {
  cairo_debug_reset_static_data();
  FcFini();
}
