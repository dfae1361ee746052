/* pdf.c — the warranty card (保修卡) as an A4 PDF (SPEC B4), drawn with draw.h.
 *
 * Design: the card is laid out twice by the same code (draw.h: measure, then draw), so
 * that every page can say "第 N 页 共 M 页". A table row, a paragraph and the signature
 * block are never split; a row that does not fit starts a new page whose table header is
 * drawn again, and the last row goes with the signatures. The card is checked whole before
 * anything is drawn. Does not compute warranty dates (rules/).
 */
#include "pdf.h"

#include <stdio.h>

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "../base/timefmt.h"
#include "draw.h"

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

/* The page: A4 (draw.h) with these top and bottom. */
#define MARGIN_TOP 40.0
#define BOTTOM (DRAW_PAGE_H - 55.0) /* lowest y of content; the footer lives below */

/* Type sizes, in points. */
#define SIZE_TITLE 26.0
#define SIZE_COMPANY 15.0
#define SIZE_SECTION 12.5
#define SIZE_BODY 10.5
#define SIZE_TABLE 9.0
#define SIZE_SMALL 8.0

#define PAD 4.0                            /* inside a table cell */
#define LABEL_W 68.0                       /* the label cell of the header and service blocks */
#define SEAL_RADIUS 59.5                   /* 21 mm: a company seal is 42 mm across */
#define SIGN_W (DRAW_CONTENT_W / 2 - 10.0) /* each half of the signature block */
#define SIGN_GAP 18.0                      /* between the two lines of each half */

/* Field limits, in characters (code points). */
#define MAX_NAME 100
#define MAX_ADDRESS 200
#define MAX_CARD_NO 40
#define MAX_SERIAL 64
#define MAX_SHORT 50
#define MAX_PHONE 40

enum { COL_NO, COL_EQUIPMENT, COL_SERIAL, COL_CATEGORY, COL_BASIS, COL_UNTIL, COL_PARTS, NCOLS };

/* The table of units; the widths add up to DRAW_CONTENT_W. */
static const struct draw_column columns[NCOLS] = {
    {"序号", 26.0, PANGO_ALIGN_CENTER},
    {"设备名称/型号", 110.0, PANGO_ALIGN_LEFT},
    {"序列号", 102.0, PANGO_ALIGN_LEFT}, /* 20 characters of a serial on a line */
    {"类别", 50.0, PANGO_ALIGN_CENTER},
    {"保修依据", 90.0, PANGO_ALIGN_LEFT},
    {"保修截止日", 62.0, PANGO_ALIGN_CENTER},
    {"配件更换", DRAW_CONTENT_W - 440.0, PANGO_ALIGN_CENTER},
};

/* A label and its value in the header and service blocks. */
struct field {
  const char *label;
  const char *value;
};

/* ---- validation ---- */

/* No text of the card may hold a line break or a tab: its layout plans for none. */
static enum sh_status check_text(const char *field, const char *s, size_t max_chars, bool required,
                                 struct sh_error *err) {
  return draw_check_text(field, s, max_chars, required, false, err);
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

/* ---- blocks ---- */

static double natural_width(struct draw_page *page, const char *text, double size) {
  PangoLayout *layout = draw_layout(page, text, size, 0, PANGO_ALIGN_LEFT);
  int w, h;
  pango_layout_get_size(layout, &w, &h);
  g_object_unref(layout);
  return (double)w / PANGO_SCALE;
}

/* The issuer, the title and the card's number. */
static void draw_title(struct draw_page *page, const struct warranty_card *card) {
  char card_no[256];
  snprintf(card_no, sizeof card_no, "编号：%s", card->card_no);
  page->y += draw_text(page, card->company, SIZE_COMPANY, DRAW_MARGIN_X, page->y, DRAW_CONTENT_W,
                       PANGO_ALIGN_CENTER, 0);
  double title_h = draw_spaced_text(page, "保修卡", SIZE_TITLE, 10.0);
  /* The number sits at the right end of the title line if it fits there, else below. */
  double room = DRAW_CONTENT_W / 2 - natural_width(page, "保修卡", SIZE_TITLE) / 2 - 30.0;
  double no_h = draw_text_height(page, card_no, SIZE_BODY, DRAW_CONTENT_W);
  if (natural_width(page, card_no, SIZE_BODY) <= room) {
    draw_text(page, card_no, SIZE_BODY, DRAW_MARGIN_X, page->y + title_h - no_h - 2.0,
              DRAW_CONTENT_W, PANGO_ALIGN_RIGHT, 0);
    page->y += title_h;
  } else {
    page->y += title_h;
    page->y += draw_text(page, card_no, SIZE_BODY, DRAW_MARGIN_X, page->y, DRAW_CONTENT_W,
                         PANGO_ALIGN_RIGHT, 0);
  }
  draw_rule(page, DRAW_MARGIN_X, DRAW_PAGE_W - DRAW_MARGIN_X, page->y + 3.0, 1.6);
  draw_rule(page, DRAW_MARGIN_X, DRAW_PAGE_W - DRAW_MARGIN_X, page->y + 6.0, 0.5);
  page->y += 14.0;
}

static double field_row_height(struct draw_page *page, const struct field *fields, size_t n) {
  double value_w = DRAW_CONTENT_W / (double)n - LABEL_W;
  double h = 0;
  for (size_t i = 0; i < n; i++) {
    double t = draw_text_height(page, fields[i].value, SIZE_BODY, value_w - 2 * PAD);
    h = t > h ? t : h;
  }
  return h + 2 * PAD + 2.0;
}

/* One row of one or two label/value pairs side by side, as wide as the page. */
static void field_row(struct draw_page *page, const struct field *fields, size_t n) {
  double pair_w = DRAW_CONTENT_W / (double)n;
  double value_w = pair_w - LABEL_W;
  double h = field_row_height(page, fields, n);
  draw_need(page, h);
  for (size_t i = 0; i < n; i++) {
    double x = DRAW_MARGIN_X + pair_w * (double)i;
    draw_cell(page, x, page->y, LABEL_W, h, true);
    draw_cell(page, x + LABEL_W, page->y, value_w, h, false);
    double lh = draw_text_height(page, fields[i].label, SIZE_BODY, LABEL_W - 2 * PAD);
    draw_text(page, fields[i].label, SIZE_BODY, x + PAD, page->y + (h - lh) / 2, LABEL_W - 2 * PAD,
              PANGO_ALIGN_CENTER, 0);
    double vh = draw_text_height(page, fields[i].value, SIZE_BODY, value_w - 2 * PAD);
    draw_text(page, fields[i].value, SIZE_BODY, x + LABEL_W + PAD, page->y + (h - vh) / 2,
              value_w - 2 * PAD, PANGO_ALIGN_LEFT, 0);
  }
  page->y += h;
}

/* IMP: SPEC B4 — the owner's name heads the card, with the project it covers. */
static void draw_header(struct draw_page *page, const struct warranty_card *card) {
  char completed[32], accepted[32];
  date_chinese(card->completed_on, completed);
  date_chinese(card->accepted_on, accepted);
  field_row(page, &(struct field){"业主名称", card->owner}, 1);
  field_row(page, &(struct field){"工程名称", card->project}, 1);
  field_row(page, &(struct field){"工程地址", card->site_address ? card->site_address : ""}, 1);
  field_row(page, (struct field[]){{"竣工日期", completed}, {"验收日期", accepted}}, 2);
  page->y += 14.0;
}

/* A section heading; keep_with is the height that must follow it on the same page. */
static void section(struct draw_page *page, const char *title, double keep_with) {
  double h = draw_text_height(page, title, SIZE_SECTION, DRAW_CONTENT_W);
  draw_need(page, h + 5.0 + keep_with);
  page->y += draw_text(page, title, SIZE_SECTION, DRAW_MARGIN_X, page->y, DRAW_CONTENT_W,
                       PANGO_ALIGN_LEFT, 0);
  page->y += 5.0;
}

/* IMP: SPEC B4 — the principles and purpose, one numbered paragraph each. */
static void draw_principles(struct draw_page *page, const struct warranty_card *card) {
  const double hang = 2 * SIZE_BODY;
  for (size_t i = 0; i < card->principle_count; i++) {
    char no[24];
    snprintf(no, sizeof no, "%zu.", i + 1);
    PangoLayout *body =
        draw_layout(page, card->principles[i], SIZE_BODY, DRAW_CONTENT_W - hang, PANGO_ALIGN_LEFT);
    pango_layout_set_line_spacing(body, 1.3f);
    pango_layout_set_justify(body, TRUE);
    double h = draw_layout_height(body);
    if (i == 0)
      section(page, "一、保修原则和目的", h);
    else
      draw_need(page, h);
    draw_text(page, no, SIZE_BODY, DRAW_MARGIN_X, page->y, hang, PANGO_ALIGN_LEFT, 0);
    draw_show_layout(page, body, DRAW_MARGIN_X + hang, page->y, 0);
    g_object_unref(body);
    page->y += h + 3.0;
  }
  page->y += 10.0;
}

/* IMP: SPEC B4 — the department and staff responsible for the warranty. */
static void draw_service(struct draw_page *page, const struct warranty_card *card) {
  const struct field rows[2][2] = {{{"负责部门", card->department}, {"负责人", card->staff_name}},
                                   {{"联系电话", card->staff_phone}, {"服务热线", card->hotline}}};
  section(page, "二、保修负责部门及人员",
          field_row_height(page, rows[0], 2) + field_row_height(page, rows[1], 2));
  field_row(page, rows[0], 2);
  field_row(page, rows[1], 2);
  page->y += 14.0;
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

static double row_height(struct draw_page *page, const char *const texts[NCOLS]) {
  return draw_row_height(page, columns, NCOLS, texts, SIZE_TABLE);
}

static void table_row(struct draw_page *page, const char *const texts[NCOLS], double h, bool head) {
  draw_row(page, DRAW_MARGIN_X, columns, NCOLS, texts, h, SIZE_TABLE, head);
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
static double signature_height(struct draw_page *page, const struct warranty_card *card,
                               double *issuer_h) {
  char issuer[512], date[64];
  issuer_lines(card, issuer, date);
  *issuer_h = draw_text_height(page, issuer, SIZE_BODY, SIGN_W);
  double span = *issuer_h + SIGN_GAP + draw_text_height(page, date, SIZE_BODY, SIGN_W);
  return (span > 2 * SEAL_RADIUS ? span : 2 * SEAL_RADIUS) + 4.0;
}

/* The height of what ends the card: the note under the table and the signatures. */
static double closing_height(struct draw_page *page, const struct warranty_card *card) {
  double issuer_h;
  return 4.0 + draw_text_height(page, closing_note, SIZE_SMALL, DRAW_CONTENT_W) +
         signature_height(page, card, &issuer_h);
}

/* The table of units. A row that does not fit goes to a new page under a repeated header;
 * the last row goes with the signatures, so that they never stand on a page alone. */
static void draw_units(struct draw_page *page, const struct warranty_card *card) {
  const char *titles[NCOLS];
  const char *texts[NCOLS];
  char no[24];
  char equipment[1024]; /* name and model, each ≤ 100 characters of ≤ 4 bytes */
  char heading[64];
  for (int i = 0; i < NCOLS; i++)
    titles[i] = columns[i].title;
  double head_h = row_height(page, titles) + 2.0;
  double closing = closing_height(page, card);
  snprintf(heading, sizeof heading, "三、保修设备清单（共 %zu 台/套）", card->unit_count);
  unit_texts(&card->units[0], 0, no, equipment, sizeof equipment, texts);
  section(page, heading, head_h + row_height(page, texts));
  table_row(page, titles, head_h, true);
  double page_top = page->y; /* where rows start on this page */
  for (size_t i = 0; i < card->unit_count; i++) {
    unit_texts(&card->units[i], i, no, equipment, sizeof equipment, texts);
    double h = row_height(page, texts);
    bool last = i + 1 == card->unit_count;
    if (page->y + h > BOTTOM || (last && page->y > page_top && page->y + h + closing > BOTTOM)) {
      draw_new_page(page);
      table_row(page, titles, head_h, true);
      page_top = page->y;
    }
    table_row(page, texts, h, false);
  }
}

/* A dashed circle the size of a company seal (42 mm), marked 盖章处. */
static void seal_mark(struct draw_page *page, double cx, double cy) {
  const double dash[] = {3.0, 3.0};
  if (page->draw) {
    cairo_save(page->cr);
    cairo_set_source_rgb(page->cr, DRAW_GRAY_TEXT, DRAW_GRAY_TEXT, DRAW_GRAY_TEXT);
    cairo_set_line_width(page->cr, 0.6);
    cairo_set_dash(page->cr, dash, 2, 0);
    cairo_new_sub_path(page->cr);
    cairo_arc(page->cr, cx, cy, SEAL_RADIUS, 0, 2 * G_PI);
    cairo_stroke(page->cr);
    cairo_restore(page->cr);
  }
  draw_text(page, "（盖章处）", SIZE_SMALL, cx - SEAL_RADIUS, cy + SEAL_RADIUS - 20.0,
            2 * SEAL_RADIUS, PANGO_ALIGN_CENTER, DRAW_GRAY_TEXT);
}

/* The note under the table, then the owner's receipt on the left and the issuer with its
 * seal on the right; the seal goes over the issuer's name and the date, as is the custom. */
static void draw_closing(struct draw_page *page, const struct warranty_card *card) {
  char issuer[512], date[64];
  double issuer_h;
  issuer_lines(card, issuer, date);
  draw_need(page, closing_height(page, card));
  page->y += 4.0;
  page->y += draw_text(page, closing_note, SIZE_SMALL, DRAW_MARGIN_X, page->y, DRAW_CONTENT_W,
                       PANGO_ALIGN_LEFT, DRAW_GRAY_TEXT);
  double height = signature_height(page, card, &issuer_h);
  double cy = page->y + height / 2, xl = DRAW_MARGIN_X;
  double xr = DRAW_MARGIN_X + DRAW_CONTENT_W - SIGN_W;
  double top = cy - (issuer_h + SIGN_GAP + SIZE_BODY * 1.2) / 2;
  double bottom = top + issuer_h + SIGN_GAP;
  draw_text(page, "业主签收：", SIZE_BODY, xl, top, SIGN_W, PANGO_ALIGN_LEFT, 0);
  draw_rule(page, xl + 58.0, xl + SIGN_W - 40.0, top + 16.0, 0.5);
  draw_text(page, "签收日期：　　　　年　　月　　日", SIZE_BODY, xl, bottom, SIGN_W,
            PANGO_ALIGN_LEFT, 0);
  draw_text(page, issuer, SIZE_BODY, xr, top, SIGN_W, PANGO_ALIGN_LEFT, 0);
  draw_text(page, date, SIZE_BODY, xr, bottom, SIGN_W, PANGO_ALIGN_LEFT, 0);
  seal_mark(page, xr + SIGN_W / 2 + 20.0, cy);
  page->y += height;
}

/* One pass over the whole card (draw_pdf's lay_out). */
static void lay_out(struct draw_page *page, const void *arg) {
  const struct warranty_card *card = arg;
  draw_title(page, card);
  draw_header(page, card);
  draw_principles(page, card);
  draw_service(page, card);
  draw_units(page, card);
  draw_closing(page, card);
}

enum sh_status pdf_warranty_card(const struct warranty_card *card, char **out_pdf, size_t *out_len,
                                 struct sh_error *err) {
  enum sh_status rc = check_card(card, err);
  if (rc != SH_OK)
    return rc;
  const struct draw_document document = {
      .name = "保修卡",
      .reference_label = "编号",
      .reference = card->card_no,
      .party_label = "业主",
      .party = card->owner,
      .hotline = card->hotline,
      .author = card->company,
      .date = card->issued_on,
      .max_bytes = PDF_MAX_BYTES,
      .top = MARGIN_TOP,
      .bottom = BOTTOM,
      .pad = PAD,
      .name_size = SIZE_SECTION,
  };
  return draw_pdf(&document, lay_out, card, out_pdf, out_len, err);
}

void pdf_shutdown(void) {
  cairo_debug_reset_static_data();
  FcFini();
}
