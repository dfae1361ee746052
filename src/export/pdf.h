/* pdf.h — the printable warranty card (保修卡) of a project, as PDF bytes (SPEC B4).
 *
 * The card states the owner's name, the company's warranty principles and purpose, the
 * department and staff responsible, and lists the project's units with the last day of
 * each unit's free warranty (computed by the caller, SPEC B2) and whether parts are free
 * (SPEC B3). It is a pure function of its input: it reads no clock, no database, no file
 * other than the font; the same card gives the same bytes. */
#ifndef SHOUHOU_PDF_H
#define SHOUHOU_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/status.h"

/* Ceilings of one card (STYLE.md 11; they belong with the others in base/limits.h). */
/* Units of one card: a large project is a few hundred units; 2000 are ~80 pages (~690 with
 * every text at its longest). */
#define PDF_MAX_UNITS 2000
/* Paragraphs of the principles text, and characters (code points) of one paragraph. */
#define PDF_MAX_PRINCIPLES 20
#define PDF_MAX_PRINCIPLE_CHARS 1000
/* The PDF itself. The first page is ~50 KB (the font subset), each further page ~4 KB;
 * 2000 units make ~300 KB, the longest possible card ~1.2 MB. */
#define PDF_MAX_BYTES (8 * 1024 * 1024)

/* The warranty principles and purpose as the rulebook states them ("售后部门管理细则1",
 * its preamble and 1)-3)): quoted word for word, with the punctuation set full-width as
 * printed Chinese wants it. Pass them as warranty_card.principles unless the company
 * has its own wording. */
#define PDF_WARRANTY_DEFAULT_PRINCIPLE_COUNT 6
extern const char *const pdf_warranty_default_principles[PDF_WARRANTY_DEFAULT_PRINCIPLE_COUNT];

/* One unit of equipment on the card. Text is UTF-8; lengths are in characters. */
struct card_unit {
  const char *name;           /* required, ≤ 100: "网络硬盘录像机" */
  const char *model;          /* optional (NULL or ""), ≤ 100: "DS-7816N-K2" */
  const char *serial;         /* required, ≤ 64: the serial number */
  const char *category;       /* optional, ≤ 50: "视频监控" */
  const char *warranty_until; /* required, "YYYY-MM-DD": last day of free warranty (B2) */
  const char *basis; /* required, ≤ 50: "公司免费保修12个月", "厂家免费保修24个月" */
  bool parts_free; /* true: parts replaced free in warranty (B3, sold by us) */
};

/* A project's card. Every pointer is borrowed for the duration of the call. */
struct warranty_card {
  const char *company;      /* required, ≤ 100: 公司名称, the issuer */
  const char *card_no;      /* required, ≤ 40: 保修卡编号 */
  const char *owner;        /* required, ≤ 100: 业主/客户名称 */
  const char *project;      /* required, ≤ 100: 工程名称 */
  const char *site_address; /* optional, ≤ 200: 工程地址 */
  const char *completed_on; /* required, "YYYY-MM-DD": 竣工日期 */
  const char *accepted_on;  /* required, "YYYY-MM-DD": 验收日期, warranty counts from it */
  const char *issued_on;    /* required, "YYYY-MM-DD": 发卡日期 (B4: ≤ one month after) */
  const struct card_unit *units; /* required, 1..PDF_MAX_UNITS, printed in this order */
  size_t unit_count;
  const char *const *principles; /* required, 1..PDF_MAX_PRINCIPLES paragraphs */
  size_t principle_count;
  const char *department;  /* required, ≤ 50: 负责保修的部门, "售后服务部" */
  const char *staff_name;  /* required, ≤ 50: 负责人 */
  const char *staff_phone; /* required, ≤ 40: 负责人电话 */
  const char *hotline;     /* optional, ≤ 40: 服务热线 */
};

/* Renders the card as an A4 portrait PDF: title and number, the owner and project, the
 * principles and purpose, the responsible department and staff, the table of units (it
 * continues over as many pages as needed, its header repeated), then the owner's receipt
 * and the seal area (盖章处); "第 N 页 共 M 页" on every page. Font: WenQuanYi Micro Hei,
 * through Pango. A4 rather than an A5 card: the list runs to dozens of rows of seven
 * columns, and the card is filed with the A4 handover papers and printed on A4. A card of
 * a few units fits on one page.
 *
 * On success *out_pdf is a buffer of *out_len bytes that the caller frees with free().
 * On failure both are untouched and err (if not NULL) says why:
 *   SH_ERR_INVALID    field_required (a required field NULL or ""), field_length (a text
 *                     over its length), invalid_character (a control character such
 *                     as a newline), invalid_date, too_many_items (units over
 *                     PDF_MAX_UNITS, principles over PDF_MAX_PRINCIPLES); err->field names
 *                     the field: "owner", "units", "units[3].serial", "principles[0]";
 *   SH_ERR_MALFORMED  invalid_utf8, with the field;
 *   SH_ERR_TOO_LARGE  too_large: the PDF would be over PDF_MAX_BYTES;
 *   SH_ERR_INTERNAL   out_of_memory; internal: the font is not installed or cairo failed
 *                     (err->detail says which). */
/* Releases the font caches the renderer filled (fontconfig, cairo), at process exit, so
 * that a leak checker sees only real leaks. No PDF may be rendered after it. */
void pdf_shutdown(void);

enum sh_status pdf_warranty_card(const struct warranty_card *card, char **out_pdf, size_t *out_len,
                                 struct sh_error *err);

#endif
