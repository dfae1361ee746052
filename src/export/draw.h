/* draw.h — the page machinery of the PDFs of export/ (the warranty card of pdf.c, the
 * service report of report.c): A4 pages drawn by cairo, text laid out by Pango, cells,
 * rules and table rows, the footer and the head of continued pages, and the PDF's bytes.
 *
 * Design: a document is laid out twice by the same code. draw_pdf calls the document's
 * lay_out once to measure (page->draw false), which learns where pages break and how many
 * there are, and once to draw, so that every page can say "第 N 页 共 M 页". Every function
 * here that draws measures in both passes and paints only in the second, so a document's
 * code runs unchanged in both; it must lay out the same way both times. All text goes
 * through Pango (line breaking by UAX 14, which knows Chinese) in WenQuanYi Micro Hei, a
 * 5 MB font of which cairo embeds only the glyphs used, so a page costs tens of KB.
 * Hinting of metrics is off so that both passes and every machine measure alike. Each
 * draw_pdf call makes its own font map and Pango context, so calls on different threads
 * share only the process-wide caches of fontconfig and cairo, which lock themselves. Sizes
 * are points (1/72 inch) from the top left of the page. It knows no card and no report:
 * what a document's pages say besides their content comes in struct draw_document. */
#ifndef SHOUHOU_DRAW_H
#define SHOUHOU_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "../base/status.h"

/* A4 portrait, in points, and the side margins of every document. */
#define DRAW_PAGE_W 595.276
#define DRAW_PAGE_H 841.890
#define DRAW_MARGIN_X 50.0
#define DRAW_CONTENT_W (DRAW_PAGE_W - 2 * DRAW_MARGIN_X)

/* The gray of notes and the footer, 0 black to 1 white (pages are black and gray only, so
 * that they print well in black and white). */
#define DRAW_GRAY_TEXT 0.40

/* A document as draw_pdf renders it. Every pointer is borrowed for the duration of the
 * call; the texts are UTF-8 that the document has checked. The frame of its pages is the
 * same on every document but for these words: the foot of every page has the reference at
 * the left ("编号：BXK-2024-0315"), the page number in the middle and the hotline at the
 * right ("服务热线：400-800-6688", or the name without one); a page after the first is
 * headed by the name ("保修卡（续）") with, on one line at the right, the reference and the
 * party ("编号：BXK-2024-0315　业主：…"). Texts of the frame that do not fit are cut with
 * "…". */
struct draw_document {
  const char *name;            /* "保修卡"; the PDF's title is the name and the reference */
  const char *reference_label; /* "编号" */
  const char *reference;       /* "BXK-2024-0315": the document's own number */
  const char *party_label;     /* "业主" */
  const char *party;           /* whom the document is for */
  const char *hotline;         /* optional (NULL or "") */
  const char *author;          /* the issuing company, in the PDF's own data */
  /* "YYYY-MM-DD", the PDF's own date, written as that day's midnight: a fixed date keeps
   * the bytes a function of the document, not of the clock. */
  const char *date;
  size_t max_bytes; /* ceiling of the PDF */
  double top;       /* y where the content of every page starts */
  double bottom;    /* lowest y of content; the footer lives below */
  double pad;       /* inside a table cell (draw_row), on every side */
  double name_size; /* type size of the name heading a continued page */
};

/* One pass over a document. draw_pdf makes it and hands it to lay_out; the document moves
 * y down the page as it lays its blocks out, and may read the rest. */
struct draw_page {
  cairo_t *cr; /* paint on it directly only when draw is true */
  PangoContext *pango;
  PangoFontDescription *font; /* the family; each layout sets its own size */
  const struct draw_document *document;
  bool draw;  /* false: the measuring pass, which paints nothing */
  int number; /* of the page being laid out, 1-based */
  int count;  /* of pages in all: known in the drawing pass, 0 while measuring */
  double y;   /* top of the free space on the page */
};

/* A column of a table drawn by draw_row. */
struct draw_column {
  const char *title;
  double width; /* points; a table's widths add up to the width it spans */
  PangoAlignment align;
  bool shaded; /* a label: gray (its alignment is the caller's) */
};

/* ---- texts to print ---- */

/* Checks a text a document is to print, err naming field (STYLE.md 12): required (NULL or
 * "" refused) or not, at most max_chars characters (code points), valid UTF-8, and no
 * control character, since a line break or a tab would add lines the layout did not plan
 * for; multiline allows line breaks and tabs (a long text flows line by line). Returns
 * SH_OK, or SH_ERR_INVALID field_required, field_length (err->detail "R-N": R 1 if
 * required else 0, N max_chars), invalid_character; SH_ERR_MALFORMED invalid_utf8. Reads at most
 * 4 × max_chars + 1 bytes of a text that is too long. */
enum sh_status draw_check_text(const char *field, const char *text, size_t max_chars, bool required,
                               bool multiline, struct sh_error *err);

/* ---- the PDF ---- */

/* Lays a whole document out from page->y on page 1, with draw_new_page where a page ends;
 * arg is what the caller gave draw_pdf. */
typedef void (*draw_lay_out_fn)(struct draw_page *page, const void *arg);

/* Renders a document as an A4 PDF: calls lay_out(page, arg) twice, first measuring then
 * drawing (see the Design above), each time on page 1 with page->y at document->top; draws
 * the footer of the last page itself (new pages draw theirs, draw_new_page).
 *
 * On success *out_pdf is a buffer of *out_len bytes that the caller frees with free().
 * On failure both are untouched and err (if not NULL) says why:
 *   SH_ERR_TOO_LARGE  too_large, field "pdf": the PDF would be over document->max_bytes;
 *   SH_ERR_INTERNAL   out_of_memory; internal: the font is not installed (then lay_out is
 *                     not called) or cairo failed (err->detail says which).
 * cairo and Pango objects are never NULL (cairo hands out objects in an error state, GLib
 * aborts on out of memory), so lay_out need check nothing. */
enum sh_status draw_pdf(const struct draw_document *document, draw_lay_out_fn lay_out,
                        const void *arg, char **out_pdf, size_t *out_len, struct sh_error *err);

/* ---- pages ---- */

/* Ends the page (its footer drawn) and starts the next one under the head of continued
 * pages; page->y is then below that head. */
void draw_new_page(struct draw_page *page);

/* Starts a new page unless height points still fit above document->bottom. */
void draw_need(struct draw_page *page, double height);

/* ---- text ---- */

/* A layout of text (NULL: "") at size points, wrapped to width points (0: not wrapped)
 * between words, or between any two characters where a word is wider than the line; never
 * with a hyphen where a line breaks: a serial or a part number must not seem to hold one. The
 * caller unrefs it with g_object_unref; never NULL (Pango aborts on out of memory). */
PangoLayout *draw_layout(struct draw_page *page, const char *text, double size, double width,
                         PangoAlignment align);

/* The height of a layout, in points. */
double draw_layout_height(PangoLayout *layout);

/* The height of text as draw_layout lays it out. */
double draw_text_height(struct draw_page *page, const char *text, double size, double width);

/* Paints a layout with its top left at (x, y) in the given gray (0 black), if drawing. */
void draw_show_layout(struct draw_page *page, PangoLayout *layout, double x, double y, double gray);

/* Draws text wrapped to width at (x, y) as draw_layout lays it out; returns its height. */
double draw_text(struct draw_page *page, const char *text, double size, double x, double y,
                 double width, PangoAlignment align, double gray);

/* Draws text on one line at (x, y), cut with "…" at width; returns its height. */
double draw_text_line(struct draw_page *page, const char *text, double size, double x, double y,
                      double width, PangoAlignment align, double gray);

/* Draws text in black centred across the content width at page->y, with spacing points
 * after each character, as a document's title (保 修 卡); returns its height and leaves
 * page->y where it was. */
double draw_spaced_text(struct draw_page *page, const char *text, double size, double spacing);

/* ---- lines, cells and tables ---- */

/* A black horizontal line from x0 to x1 at y, width points thick, if drawing. */
void draw_rule(struct draw_page *page, double x0, double x1, double y, double width);

/* A table cell's border and, if shaded, a gray fill under it, if drawing. */
void draw_cell(struct draw_page *page, double x, double y, double w, double h, bool shaded);

/* The height of a row of n cells of texts at size points: its tallest text, padded. */
double draw_row_height(struct draw_page *page, const struct draw_column *columns, size_t n,
                       const char *const *texts, double size);

/* Draws a row of n cells h high from x at page->y, each text padded and centred in the
 * height, and moves page->y below it. A head row is shaded and its texts centred; any
 * other takes each column's shading and alignment. Never starts a page: the caller checks
 * with draw_need or lays out its own breaks. */
void draw_row(struct draw_page *page, double x, const struct draw_column *columns, size_t n,
              const char *const *texts, double h, double size, bool head);

#endif
