/* notice.c — the complaint notice (投诉处理通知单) and the complaint form (投诉处理单) as
 * A4 PDFs, drawn with draw.h (SPEC E2, E3; see notice.h).
 *
 * Design: as report.c, a document is laid out twice by the same code (measure, then draw).
 * Field rows and table rows are never split; a long text (the facts, an answer) is split
 * between two of its lines and continues on the next page with its label marked （续）.
 * Every text is checked before anything is drawn, so a drawn document never holds a
 * control character or a text longer than its field allows. */
#include "notice.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "../base/timefmt.h"
#include "draw.h"

#define MARGIN_TOP 36.0
#define BOTTOM (DRAW_PAGE_H - 52.0)
#define SIZE_TITLE 20.0
#define SIZE_COMPANY 15.0
#define SIZE_SECTION 12.0
#define SIZE_BODY 10.5
#define SIZE_TABLE 9.0
#define SIZE_SMALL 8.0
#define PAD 3.5
#define GAP 8.0
#define LABEL_W 74.0
#define BLANK_H 54.0 /* an empty answer field: room to write by hand */

static const char *or_dash(const char *s) {
  return s && *s ? s : "—";
}

/* ---- validation ---- */

struct text_rule {
  const char *field;
  const char *text;
  size_t max;
  bool required, multiline;
};

static enum sh_status check_rules(const struct text_rule *rules, size_t n, struct sh_error *err) {
  enum sh_status rc = SH_OK;
  for (size_t i = 0; rc == SH_OK && i < n; i++)
    rc = draw_check_text(rules[i].field, rules[i].text, rules[i].max, rules[i].required,
                         rules[i].multiline, err);
  return rc;
}

static enum sh_status check_complaint(const struct notice_complaint *c, struct sh_error *err) {
  if (!c)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "complaint", NULL);
  const struct text_rule rules[] = {
      {"company", c->company, 100, true, false},
      {"number", c->number, 40, true, false},
      {"customer", c->customer, 100, true, false},
      {"region", c->region, 100, false, false},
      {"complainant", c->complainant, 50, false, false},
      {"phone", c->phone, 40, false, false},
      {"channel", c->channel, 50, false, false},
      {"received_at", c->received_at, 40, true, false},
      {"occurred_on", c->occurred_on, 10, false, false},
      {"category", c->category, 100, true, false},
      {"severity", c->severity, 50, true, false},
      {"facts", c->facts, NOTICE_MAX_TEXT_CHARS, true, true},
      {"demand", c->demand, NOTICE_MAX_TEXT_CHARS, false, true},
      {"links", c->links, 200, false, false},
      {"repeat_of", c->repeat_of, 40, false, false},
      {"owner", c->owner, 50, false, false},
  };
  return check_rules(rules, sizeof rules / sizeof rules[0], err);
}

static enum sh_status check_item(const struct notice_item *it, struct sh_error *err) {
  if (!it)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "notice", NULL);
  const struct text_rule rules[] = {
      {"notice_no", it->notice_no, 40, true, false},
      {"department", it->department, 50, true, false},
      {"responsible", it->responsible, 50, true, false},
      {"due_date", it->due_date, 10, true, false},
      {"instructions", it->instructions, NOTICE_MAX_TEXT_CHARS, false, true},
      {"issued_by", it->issued_by, 50, false, false},
      {"issued_at", it->issued_at, 40, false, false},
  };
  enum sh_status rc = check_rules(rules, sizeof rules / sizeof rules[0], err);
  if (rc == SH_OK && !date_valid(it->due_date))
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_date", "due_date", NULL);
  if (rc == SH_OK && it->answer) {
    const struct notice_answer *a = it->answer;
    const struct text_rule answer[] = {
        {"root_cause", a->root_cause, NOTICE_MAX_TEXT_CHARS, true, true},
        {"corrective_action", a->corrective_action, NOTICE_MAX_TEXT_CHARS, true, true},
        {"preventive_action", a->preventive_action, NOTICE_MAX_TEXT_CHARS, true, true},
        {"answered_by", a->answered_by, 50, false, false},
        {"answered_at", a->answered_at, 40, false, false},
    };
    rc = check_rules(answer, sizeof answer / sizeof answer[0], err);
  }
  return rc;
}

/* ---- blocks ---- */

struct field {
  const char *label;
  const char *value;
};

/* A row of n ≤ 2 label/value pairs across the page, on a new page if it does not fit. */
static void field_row(struct draw_page *page, const struct field *fields, size_t n) {
  struct draw_column columns[4];
  const char *texts[4];
  for (size_t i = 0; i < n; i++) {
    columns[2 * i] = (struct draw_column){NULL, LABEL_W, PANGO_ALIGN_CENTER, true};
    columns[2 * i + 1] =
        (struct draw_column){NULL, DRAW_CONTENT_W / (double)n - LABEL_W, PANGO_ALIGN_LEFT};
    texts[2 * i] = fields[i].label;
    texts[2 * i + 1] = or_dash(fields[i].value);
  }
  double h = draw_row_height(page, columns, 2 * n, texts, SIZE_BODY) + 1.0;
  draw_need(page, h);
  draw_row(page, DRAW_MARGIN_X, columns, 2 * n, texts, h, SIZE_BODY, false);
}

/* The cells of one piece of a long text's row, h high, its lines already drawn. */
static void text_piece(struct draw_page *page, const char *label, bool continued, double h) {
  const struct draw_column columns[2] = {{NULL, LABEL_W, PANGO_ALIGN_CENTER, true},
                                         {NULL, DRAW_CONTENT_W - LABEL_W, PANGO_ALIGN_LEFT}};
  char text[64];
  snprintf(text, sizeof text, "%s%s", label, continued ? "（续）" : "");
  const char *texts[2] = {text, ""};
  double label_h = draw_row_height(page, columns, 2, texts, SIZE_BODY);
  draw_row(page, DRAW_MARGIN_X, columns, 2, texts, h > label_h ? h : label_h, SIZE_BODY, false);
}

/* A label and a long text beside it, at least min_h high (room to write by hand when the
 * text is empty). Where the page ends the text is split between two of its lines. */
static void text_row(struct draw_page *page, const char *label, const char *text, double min_h) {
  const double x = DRAW_MARGIN_X + LABEL_W + PAD;
  PangoLayout *layout = draw_layout(page, text && *text ? text : (min_h > 0 ? "" : "—"), SIZE_BODY,
                                    DRAW_CONTENT_W - LABEL_W - 2 * PAD, PANGO_ALIGN_LEFT);
  double total = draw_layout_height(layout);
  int lines = pango_layout_get_line_count(layout);
  double first = lines > 1 ? 2 * total / lines : total;
  draw_need(page, (first > min_h ? first : min_h) + 2 * PAD);
  PangoLayoutIter *it = pango_layout_get_iter(layout);
  double start = 0;
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
  double h = total - start + 2 * PAD;
  text_piece(page, label, continued, h > min_h ? h : min_h);
}

/* A section heading with a bar before it, kept with keep_with points after it. */
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

/* The company, the spaced title, and one line of references under it. */
static void title(struct draw_page *page, const char *company, const char *name, const char *left,
                  const char *right) {
  page->y += draw_text(page, company, SIZE_COMPANY, DRAW_MARGIN_X, page->y, DRAW_CONTENT_W,
                       PANGO_ALIGN_CENTER, 0);
  page->y += 2.0;
  page->y += draw_spaced_text(page, name, SIZE_TITLE, 6.0) + 6.0;
  double h1 =
      draw_text(page, left, 10.0, DRAW_MARGIN_X, page->y, DRAW_CONTENT_W / 2, PANGO_ALIGN_LEFT, 0);
  double h2 = draw_text(page, right, 10.0, DRAW_MARGIN_X + DRAW_CONTENT_W / 2, page->y,
                        DRAW_CONTENT_W / 2, PANGO_ALIGN_RIGHT, 0);
  page->y += (h1 > h2 ? h1 : h2) + 2.0;
  draw_rule(page, DRAW_MARGIN_X, DRAW_PAGE_W - DRAW_MARGIN_X, page->y + 3.0, 1.6);
  draw_rule(page, DRAW_MARGIN_X, DRAW_PAGE_W - DRAW_MARGIN_X, page->y + 6.0, 0.5);
  page->y += 16.0;
}

/* IMP: SPEC E1 — the complaint as registered: who, when, what, its class and severity. */
static void complaint_block(struct draw_page *page, const struct notice_complaint *c,
                            const char *heading) {
  section(page, heading, 3 * 22.0);
  field_row(page, (struct field[]){{"客户名称", c->customer}, {"所在地区", c->region}}, 2);
  field_row(page, (struct field[]){{"投诉人", c->complainant}, {"联系电话", c->phone}}, 2);
  field_row(page, (struct field[]){{"受理时间", c->received_at}, {"受理渠道", c->channel}}, 2);
  field_row(page, (struct field[]){{"投诉类别", c->category}, {"严重程度", c->severity}}, 2);
  if ((c->occurred_on && *c->occurred_on) || (c->repeat_of && *c->repeat_of))
    field_row(page,
              (struct field[]){{"发生日期", c->occurred_on},
                               {"重复投诉", c->repeat_of && *c->repeat_of ? c->repeat_of : "否"}},
              2);
  if (c->links && *c->links)
    field_row(page, &(struct field){"关联记录", c->links}, 1);
  text_row(page, "投诉事实", c->facts, 0);
  text_row(page, "客户诉求", c->demand, 0);
  page->y += GAP;
}

/* IMP: SPEC E2 — to whom, what is asked, by when; then the department's answer: root
 * cause, corrective and preventive action (blank fields when it has not answered). */
static void notice_block(struct draw_page *page, const struct notice_item *it) {
  char round[32];
  snprintf(round, sizeof round, "第 %d 轮", it->round);
  field_row(page, (struct field[]){{"通知单号", it->notice_no}, {"处理轮次", round}}, 2);
  field_row(page, (struct field[]){{"责任部门", it->department}, {"责任人", it->responsible}}, 2);
  field_row(page, (struct field[]){{"回复期限", it->due_date}, {"发出人", it->issued_by}}, 2);
  text_row(page, "处理要求", it->instructions, 0);
  const struct notice_answer *a = it->answer;
  double blank = a ? 0 : BLANK_H;
  text_row(page, "原因分析", a ? a->root_cause : NULL, blank);
  text_row(page, "纠正措施", a ? a->corrective_action : NULL, blank);
  text_row(page, "预防措施", a ? a->preventive_action : NULL, blank);
  field_row(page,
            (struct field[]){{"回复人", a ? a->answered_by : "（签字）"},
                             {"回复时间", a ? a->answered_at : "　　年　　月　　日"}},
            2);
}

/* ---- the notice ---- */

struct notice_job {
  const struct notice_complaint *complaint;
  const struct notice_item *item;
};

static void lay_out_notice(struct draw_page *page, const void *arg) {
  const struct notice_job *job = arg;
  const struct notice_complaint *c = job->complaint;
  const struct notice_item *it = job->item;
  char left[96], right[128];
  snprintf(left, sizeof left, "通知单号：%s", it->notice_no);
  snprintf(right, sizeof right, "投诉编号：%s\n发出时间：%s", c->number, or_dash(it->issued_at));
  title(page, c->company, "投诉处理通知单", left, right);
  page->y += draw_text(page,
                       "客服部受理客户投诉如下，请责任部门认真分析原因，于回复期限前将原因"
                       "分析、纠正措施和预防措施书面回复客服部，以便再次与客户联系确认满意程度。",
                       SIZE_TABLE, DRAW_MARGIN_X, page->y, DRAW_CONTENT_W, PANGO_ALIGN_LEFT,
                       DRAW_GRAY_TEXT) +
             GAP;
  complaint_block(page, c, "一、投诉情况");
  section(page, "二、处理通知及部门回复", 3 * 22.0);
  notice_block(page, it);
}

static enum sh_status render(const char *name, const char *reference, const char *party,
                             const char *company, const char *date, draw_lay_out_fn lay_out,
                             const void *job, char **out_pdf, size_t *out_len,
                             struct sh_error *err) {
  const struct draw_document document = {
      .name = name,
      .reference_label = "编号",
      .reference = reference,
      .party_label = "客户",
      .party = party,
      .hotline = NULL,
      .author = company,
      .date = date,
      .max_bytes = NOTICE_MAX_BYTES,
      .top = MARGIN_TOP,
      .bottom = BOTTOM,
      .pad = PAD,
      .name_size = SIZE_SECTION,
  };
  return draw_pdf(&document, lay_out, job, out_pdf, out_len, err);
}

enum sh_status notice_pdf(const struct notice_complaint *complaint, const struct notice_item *item,
                          const char *date, char **out_pdf, size_t *out_len, struct sh_error *err) {
  enum sh_status rc = check_complaint(complaint, err);
  if (rc == SH_OK)
    rc = check_item(item, err);
  if (rc == SH_OK && !date_valid(date))
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_date", "date", NULL);
  if (rc != SH_OK)
    return rc;
  struct notice_job job = {complaint, item};
  return render("投诉处理通知单", item->notice_no, complaint->customer, complaint->company, date,
                lay_out_notice, &job, out_pdf, out_len, err);
}

/* ---- the form ---- */

enum { CB_AT, CB_BY, CB_RESULT, CB_NOTE, CB_COLS };
static const struct draw_column callback_columns[CB_COLS] = {
    {"回访时间", 100.0, PANGO_ALIGN_CENTER},
    {"回访人", 70.0, PANGO_ALIGN_CENTER},
    {"客户意见", 60.0, PANGO_ALIGN_CENTER},
    {"说明", DRAW_CONTENT_W - 230.0, PANGO_ALIGN_LEFT},
};
enum { AT_NO, AT_NAME, AT_COLS };
static const struct draw_column attachment_columns[AT_COLS] = {
    {"序号", 36.0, PANGO_ALIGN_CENTER},
    {"文件", DRAW_CONTENT_W - 36.0, PANGO_ALIGN_LEFT},
};

/* A table of rows under its head; a row that does not fit starts a page under the head. */
static void table(struct draw_page *page, const struct draw_column *columns, size_t ncols,
                  const char *const *rows, size_t nrows) {
  const char *titles[4];
  for (size_t i = 0; i < ncols; i++)
    titles[i] = columns[i].title;
  double head_h = draw_row_height(page, columns, ncols, titles, SIZE_TABLE) + 2.0;
  draw_need(page, head_h + 20.0);
  draw_row(page, DRAW_MARGIN_X, columns, ncols, titles, head_h, SIZE_TABLE, true);
  for (size_t r = 0; r < nrows; r++) {
    const char *const *texts = rows + r * ncols;
    double h = draw_row_height(page, columns, ncols, texts, SIZE_TABLE);
    if (page->y + h > BOTTOM) {
      draw_new_page(page);
      draw_row(page, DRAW_MARGIN_X, columns, ncols, titles, head_h, SIZE_TABLE, true);
    }
    draw_row(page, DRAW_MARGIN_X, columns, ncols, texts, h, SIZE_TABLE, false);
  }
}

static void none_row(struct draw_page *page, const char *text) {
  const struct draw_column none = {"", DRAW_CONTENT_W, PANGO_ALIGN_CENTER};
  double h = draw_row_height(page, &none, 1, &text, SIZE_TABLE);
  draw_need(page, h);
  draw_row(page, DRAW_MARGIN_X, &none, 1, &text, h, SIZE_TABLE, false);
}

/* IMP: SPEC E2 (§十.2) — every callback to the customer and what the customer said. */
static void callbacks_block(struct draw_page *page, const struct notice_form *f) {
  section(page, "三、回访确认", 40.0);
  if (!f->callback_count) {
    none_row(page, "尚未回访");
  } else {
    const char *rows[NOTICE_MAX_CALLBACKS * CB_COLS];
    for (size_t i = 0; i < f->callback_count; i++) {
      const struct notice_callback *cb = &f->callbacks[i];
      rows[i * CB_COLS + CB_AT] = cb->at;
      rows[i * CB_COLS + CB_BY] = or_dash(cb->by);
      rows[i * CB_COLS + CB_RESULT] = cb->result;
      rows[i * CB_COLS + CB_NOTE] = or_dash(cb->note);
    }
    table(page, callback_columns, CB_COLS, rows, f->callback_count);
  }
  page->y += GAP;
}

/* IMP: SPEC E3 — the list of documents archived with the form. */
static void attachments_block(struct draw_page *page, const struct notice_form *f) {
  section(page, "四、附件清单", 40.0);
  if (!f->attachment_count)
    none_row(page, "无附件");
  for (size_t i = 0; i < f->attachment_count; i++) {
    char no[24];
    snprintf(no, sizeof no, "%zu", i + 1);
    const char *row[AT_COLS] = {no, f->attachments[i]};
    double h = draw_row_height(page, attachment_columns, AT_COLS, row, SIZE_TABLE);
    draw_need(page, h);
    draw_row(page, DRAW_MARGIN_X, attachment_columns, AT_COLS, row, h, SIZE_TABLE, false);
  }
  page->y += GAP;
}

static void lay_out_form(struct draw_page *page, const void *arg) {
  const struct notice_form *f = arg;
  const struct notice_complaint *c = f->complaint;
  char left[96], right[128];
  snprintf(left, sizeof left, "投诉编号：%s", c->number);
  snprintf(right, sizeof right, "状态：%s\n日期：%s", f->status, f->printed_on);
  title(page, c->company, "投诉处理单", left, right);
  complaint_block(page, c, "一、投诉登记");
  if (c->owner && *c->owner) {
    field_row(page, &(struct field){"跟踪客服", c->owner}, 1);
    page->y += GAP;
  }
  section(page, "二、处理通知及部门回复", 3 * 22.0);
  if (!f->notice_count)
    none_row(page, "尚未通知责任部门");
  for (size_t i = 0; i < f->notice_count; i++) {
    notice_block(page, &f->notices[i]);
    page->y += 6.0;
  }
  page->y += GAP;
  callbacks_block(page, f);
  attachments_block(page, f);
  section(page, "五、归档", 24.0);
  field_row(
      page,
      (struct field[]){{"归档时间", or_dash(f->archived_at)}, {"归档人", or_dash(f->archived_by)}},
      2);
}

enum sh_status notice_form_pdf(const struct notice_form *f, char **out_pdf, size_t *out_len,
                               struct sh_error *err) {
  if (!f)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "form", NULL);
  enum sh_status rc = check_complaint(f->complaint, err);
  const struct text_rule rules[] = {
      {"status", f->status, 20, true, false},
      {"printed_on", f->printed_on, 10, true, false},
      {"archived_at", f->archived_at, 40, false, false},
      {"archived_by", f->archived_by, 50, false, false},
  };
  if (rc == SH_OK)
    rc = check_rules(rules, sizeof rules / sizeof rules[0], err);
  if (rc == SH_OK && !date_valid(f->printed_on))
    rc = sh_fail(err, SH_ERR_INVALID, "invalid_date", "printed_on", NULL);
  if (rc == SH_OK && (f->notice_count > NOTICE_MAX_NOTICES || (f->notice_count && !f->notices)))
    rc = sh_fail(err, SH_ERR_INVALID, "too_many_items", "notices", NULL);
  if (rc == SH_OK &&
      (f->callback_count > NOTICE_MAX_CALLBACKS || (f->callback_count && !f->callbacks)))
    rc = sh_fail(err, SH_ERR_INVALID, "too_many_items", "callbacks", NULL);
  if (rc == SH_OK &&
      (f->attachment_count > NOTICE_MAX_ATTACHMENTS || (f->attachment_count && !f->attachments)))
    rc = sh_fail(err, SH_ERR_INVALID, "too_many_items", "attachments", NULL);
  for (size_t i = 0; rc == SH_OK && i < f->notice_count; i++)
    rc = check_item(&f->notices[i], err);
  for (size_t i = 0; rc == SH_OK && i < f->callback_count; i++) {
    const struct notice_callback *cb = &f->callbacks[i];
    const struct text_rule cbr[] = {{"callbacks.at", cb->at, 40, true, false},
                                    {"callbacks.by", cb->by, 50, false, false},
                                    {"callbacks.result", cb->result, 20, true, false},
                                    {"callbacks.note", cb->note, 500, false, true}};
    rc = check_rules(cbr, sizeof cbr / sizeof cbr[0], err);
  }
  for (size_t i = 0; rc == SH_OK && i < f->attachment_count; i++)
    rc = draw_check_text("attachments", f->attachments[i], 300, true, false, err);
  if (rc != SH_OK)
    return rc;
  return render("投诉处理单", f->complaint->number, f->complaint->customer, f->complaint->company,
                f->printed_on, lay_out_form, f, out_pdf, out_len, err);
}
