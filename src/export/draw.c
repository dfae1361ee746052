/* draw.c — the page machinery of the PDFs of export/: cairo and Pango set up for print, the
 * two passes over a document, text, cells, table rows and the frame of every page (draw.h).
 *
 * Design: the PDF's bytes go through cairo's write callback into a struct buf with the
 * document's ceiling; cairo reports a failed write only as a status, so the sink keeps
 * why it failed. The texts of the frame are formatted on every page into fixed buffers;
 * the ceilings of the documents' fields (pdf.h, report.h) keep them well inside. */
#include "draw.h"

#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>

#include "../base/buf.h"
#include "../base/utf8.h"

#define FONT_FAMILY "WenQuanYi Micro Hei"
#define GRAY_FILL 0.90  /* shaded cells: labels and table headers */
#define LINE_W 0.6      /* table rules */
#define SIZE_SMALL 8.0  /* the ends of the footer */
#define SIZE_NUMBER 9.0 /* the page number */
#define SIZE_WHO 9.0    /* beside the title of a continued page */

/* Where the PDF bytes go: cairo's write callback appends here. */
struct sink {
  struct buf out;
  bool too_large; /* the ceiling was hit */
  bool no_memory;
};

/* ---- texts to print ---- */

enum sh_status draw_check_text(const char *field, const char *text, size_t max_chars, bool required,
                               bool multiline, struct sh_error *err) {
  char detail[32];
  if (!text || !*text)
    return required ? sh_fail(err, SH_ERR_INVALID, "field_required", field, NULL) : SH_OK;
  snprintf(detail, sizeof detail, "%d-%zu", required ? 1 : 0, max_chars);
  size_t n = strnlen(text, max_chars * 4 + 1); /* never scans far past the limit */
  if (n > max_chars * 4)
    return sh_fail(err, SH_ERR_INVALID, "field_length", field, detail);
  if (!utf8_valid(text, n))
    return sh_fail(err, SH_ERR_MALFORMED, "invalid_utf8", field, NULL);
  if (utf8_length(text) > max_chars)
    return sh_fail(err, SH_ERR_INVALID, "field_length", field, detail);
  for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
    bool breaks = *c == '\n' || *c == '\r' || *c == '\t';
    if ((*c < 0x20 && !(multiline && breaks)) || *c == 0x7f)
      return sh_fail(err, SH_ERR_INVALID, "invalid_character", field, NULL);
  }
  return SH_OK;
}

/* ---- text ---- */

/* draw_layout, or if one_line cut with "…" at width rather than wrapped. */
static PangoLayout *new_layout(struct draw_page *page, const char *text, double size, double width,
                               PangoAlignment align, bool one_line) {
  PangoLayout *layout = pango_layout_new(page->pango);
  pango_font_description_set_size(page->font, (gint)(size * PANGO_SCALE));
  pango_layout_set_font_description(layout, page->font);
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

PangoLayout *draw_layout(struct draw_page *page, const char *text, double size, double width,
                         PangoAlignment align) {
  return new_layout(page, text, size, width, align, false);
}

double draw_layout_height(PangoLayout *layout) {
  int w, h;
  pango_layout_get_size(layout, &w, &h);
  return (double)h / PANGO_SCALE;
}

double draw_text_height(struct draw_page *page, const char *text, double size, double width) {
  PangoLayout *layout = draw_layout(page, text, size, width, PANGO_ALIGN_LEFT);
  double h = draw_layout_height(layout);
  g_object_unref(layout);
  return h;
}

void draw_show_layout(struct draw_page *page, PangoLayout *layout, double x, double y,
                      double gray) {
  if (!page->draw)
    return;
  cairo_set_source_rgb(page->cr, gray, gray, gray);
  cairo_move_to(page->cr, x, y);
  pango_cairo_show_layout(page->cr, layout);
}

static double show_text(struct draw_page *page, const char *text, double size, double x, double y,
                        double width, PangoAlignment align, double gray, bool one_line) {
  PangoLayout *layout = new_layout(page, text, size, width, align, one_line);
  double h = draw_layout_height(layout);
  draw_show_layout(page, layout, x, y, gray);
  g_object_unref(layout);
  return h;
}

double draw_text(struct draw_page *page, const char *text, double size, double x, double y,
                 double width, PangoAlignment align, double gray) {
  return show_text(page, text, size, x, y, width, align, gray, false);
}

double draw_text_line(struct draw_page *page, const char *text, double size, double x, double y,
                      double width, PangoAlignment align, double gray) {
  return show_text(page, text, size, x, y, width, align, gray, true);
}

double draw_spaced_text(struct draw_page *page, const char *text, double size, double spacing) {
  PangoLayout *layout = draw_layout(page, text, size, DRAW_CONTENT_W, PANGO_ALIGN_CENTER);
  PangoAttrList *attrs = pango_attr_list_copy(pango_layout_get_attributes(layout));
  pango_attr_list_insert(attrs, pango_attr_letter_spacing_new((int)(spacing * PANGO_SCALE)));
  pango_layout_set_attributes(layout, attrs);
  pango_attr_list_unref(attrs);
  /* Pango spaces the last character too: half a spacing to the right keeps it centred. */
  draw_show_layout(page, layout, DRAW_MARGIN_X + spacing / 2, page->y, 0);
  double h = draw_layout_height(layout);
  g_object_unref(layout);
  return h;
}

/* ---- lines, cells and tables ---- */

void draw_rule(struct draw_page *page, double x0, double x1, double y, double width) {
  if (!page->draw)
    return;
  cairo_set_source_rgb(page->cr, 0, 0, 0);
  cairo_set_line_width(page->cr, width);
  cairo_move_to(page->cr, x0, y);
  cairo_line_to(page->cr, x1, y);
  cairo_stroke(page->cr);
}

void draw_cell(struct draw_page *page, double x, double y, double w, double h, bool shaded) {
  if (!page->draw)
    return;
  cairo_rectangle(page->cr, x, y, w, h);
  if (shaded) {
    cairo_set_source_rgb(page->cr, GRAY_FILL, GRAY_FILL, GRAY_FILL);
    cairo_fill_preserve(page->cr);
  }
  cairo_set_source_rgb(page->cr, 0, 0, 0);
  cairo_set_line_width(page->cr, LINE_W);
  cairo_stroke(page->cr);
}

double draw_row_height(struct draw_page *page, const struct draw_column *columns, size_t n,
                       const char *const *texts, double size) {
  double pad = page->document->pad;
  double h = 0;
  for (size_t c = 0; c < n; c++) {
    double t = draw_text_height(page, texts[c], size, columns[c].width - 2 * pad);
    h = t > h ? t : h;
  }
  return h + 2 * pad;
}

void draw_row(struct draw_page *page, double x, const struct draw_column *columns, size_t n,
              const char *const *texts, double h, double size, bool head) {
  double pad = page->document->pad;
  for (size_t c = 0; c < n; c++) {
    double w = columns[c].width;
    draw_cell(page, x, page->y, w, h, head || columns[c].shaded);
    PangoLayout *layout = draw_layout(page, texts[c], size, w - 2 * pad,
                                      head ? PANGO_ALIGN_CENTER : columns[c].align);
    draw_show_layout(page, layout, x + pad, page->y + (h - draw_layout_height(layout)) / 2, 0);
    g_object_unref(layout);
    x += w;
  }
  page->y += h;
}

/* ---- pages ---- */

/* The foot of every page: the reference, the page number and the hotline. */
static void draw_footer(struct draw_page *page) {
  const struct draw_document *d = page->document;
  char number[64], left[256], right[256];
  snprintf(number, sizeof number, "第 %d 页 共 %d 页", page->number, page->count);
  snprintf(left, sizeof left, "%s：%s", d->reference_label, d->reference);
  snprintf(right, sizeof right, "%s", d->name);
  if (d->hotline && *d->hotline)
    snprintf(right, sizeof right, "服务热线：%s", d->hotline);
  double y = DRAW_PAGE_H - 44.0, side = DRAW_CONTENT_W / 3 - 12.0;
  draw_rule(page, DRAW_MARGIN_X, DRAW_PAGE_W - DRAW_MARGIN_X, y - 6.0, 0.4);
  draw_text_line(page, left, SIZE_SMALL, DRAW_MARGIN_X, y, side, PANGO_ALIGN_LEFT, DRAW_GRAY_TEXT);
  draw_text(page, number, SIZE_NUMBER, DRAW_MARGIN_X, y, DRAW_CONTENT_W, PANGO_ALIGN_CENTER, 0);
  draw_text_line(page, right, SIZE_SMALL, DRAW_PAGE_W - DRAW_MARGIN_X - side, y, side,
                 PANGO_ALIGN_RIGHT, DRAW_GRAY_TEXT);
}

/* The head of a page after the first: which document this page belongs to, on one line. */
static void draw_continued(struct draw_page *page) {
  const struct draw_document *d = page->document;
  char title[256], who[1024];
  snprintf(title, sizeof title, "%s（续）", d->name);
  snprintf(who, sizeof who, "%s：%s　%s：%s", d->reference_label, d->reference, d->party_label,
           d->party);
  double h1 = draw_text(page, title, d->name_size, DRAW_MARGIN_X, page->y, DRAW_CONTENT_W / 3,
                        PANGO_ALIGN_LEFT, 0);
  double h2 = draw_text_line(page, who, SIZE_WHO, DRAW_MARGIN_X + DRAW_CONTENT_W / 3, page->y + 3.0,
                             DRAW_CONTENT_W * 2 / 3, PANGO_ALIGN_RIGHT, 0);
  page->y += (h1 > h2 + 3.0 ? h1 : h2 + 3.0) + 4.0;
  draw_rule(page, DRAW_MARGIN_X, DRAW_PAGE_W - DRAW_MARGIN_X, page->y, 0.8);
  page->y += 12.0;
}

void draw_new_page(struct draw_page *page) {
  draw_footer(page);
  if (page->draw)
    cairo_show_page(page->cr);
  page->number++;
  page->y = page->document->top;
  draw_continued(page);
}

void draw_need(struct draw_page *page, double height) {
  if (page->y + height > page->document->bottom)
    draw_new_page(page);
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

/* True if fontconfig gives the documents' font itself, not a substitute without Chinese. */
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

static void set_metadata(cairo_surface_t *surface, const struct draw_document *d) {
  char title[256], date[32];
  snprintf(title, sizeof title, "%s %s", d->name, d->reference);
  snprintf(date, sizeof date, "%sT00:00:00", d->date);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, d->author);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "shouhou");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date);
}

/* One pass over the document; returns the number of pages. */
static int pass(struct draw_page *page, draw_lay_out_fn lay_out, const void *arg) {
  page->number = 1;
  page->y = page->document->top;
  lay_out(page, arg);
  draw_footer(page);
  if (page->draw)
    cairo_show_page(page->cr);
  return page->number;
}

/* Lays the document out twice, measuring then drawing, and finishes the PDF into sink. */
static enum sh_status paint(struct draw_page *page, draw_lay_out_fn lay_out, const void *arg,
                            struct sink *sink, struct sh_error *err) {
  page->count = pass(page, lay_out, arg);
  page->draw = true;
  pass(page, lay_out, arg);
  cairo_surface_finish(cairo_get_target(page->cr));
  cairo_status_t status = cairo_status(page->cr);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status(cairo_get_target(page->cr));
  if (sink->too_large)
    return sh_fail(err, SH_ERR_TOO_LARGE, "too_large", "pdf", NULL);
  if (sink->no_memory || status == CAIRO_STATUS_NO_MEMORY)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (status != CAIRO_STATUS_SUCCESS)
    return sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, cairo_status_to_string(status));
  return SH_OK;
}

/* Renders into sink; returns a status with err filled. */
static enum sh_status render(const struct draw_document *document, draw_lay_out_fn lay_out,
                             const void *arg, struct sink *sink, struct sh_error *err) {
  enum sh_status rc;
  cairo_surface_t *surface =
      cairo_pdf_surface_create_for_stream(sink_write, sink, DRAW_PAGE_W, DRAW_PAGE_H);
  set_metadata(surface, document);
  struct draw_page page = {.cr = cairo_create(surface), .document = document};
  PangoFontMap *map = pango_cairo_font_map_new();
  page.pango = print_context(map, page.cr);
  page.font = pango_font_description_from_string(FONT_FAMILY);
  if (font_installed(map, page.pango, page.font))
    rc = paint(&page, lay_out, arg, sink, err);
  else
    rc = sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, "font " FONT_FAMILY " not installed");
  pango_font_description_free(page.font);
  g_object_unref(page.pango);
  g_object_unref(map);
  cairo_destroy(page.cr);
  cairo_surface_destroy(surface);
  return rc;
}

enum sh_status draw_pdf(const struct draw_document *document, draw_lay_out_fn lay_out,
                        const void *arg, char **out_pdf, size_t *out_len, struct sh_error *err) {
  struct sink sink = {.too_large = false, .no_memory = false};
  buf_init(&sink.out, document->max_bytes);
  enum sh_status rc = render(document, lay_out, arg, &sink, err);
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
