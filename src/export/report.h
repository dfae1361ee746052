/* report.h — the service report (服务报告) of a completed service ticket as PDF bytes: the
 * digital after-sales receipt that the customer signs (SPEC C6), with the on-site record
 * (SPEC C4) and the parts billed by warranty status (SPEC B3).
 *
 * It is a pure function of its input: it reads no clock, no database, no file other than
 * the font; the same report gives the same bytes. Times arrive already formatted in the
 * company's zone, SLA results and the outcome arrive as the words to print: the rules that
 * decide them live in rules/ and domain/, not here. Money is integer fen throughout. */
#ifndef SHOUHOU_REPORT_H
#define SHOUHOU_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"

/* Ceilings of one report (STYLE.md 11; like pdf.h's, they belong in base/limits.h). */
/* Part lines: a large repair replaces a few dozen parts; 200 lines are 6 pages. */
#define REPORT_MAX_PARTS 200
/* Extra charge lines (labour, call-out fee, discount). */
#define REPORT_MAX_CHARGES 10
/* Characters (code points) of one long text (fault, diagnosis, work done, test,
 * responsibility): two thousand are a full page; longer ones flow onto the next page. */
#define REPORT_MAX_TEXT_CHARS 2000
/* The customer's signature as PNG: its bytes, and its width and height in pixels. A
 * signature pad gives ~600×200; a phone photo of a signature ~2000 wide. Checked from the
 * PNG header before decoding, so a small file cannot claim a huge image. */
#define REPORT_MAX_SIGNATURE_BYTES (2 * 1024 * 1024)
#define REPORT_MAX_SIGNATURE_PIXELS 2000
/* One amount (a unit price, a charge, a cost), in fen: 100 million yuan. With the quantity
 * ceiling, every sum of a report stays far inside int64_t (2e17 < 9.2e18). */
#define REPORT_MAX_AMOUNT_FEN INT64_C(10000000000)
/* The quantity of one part line. */
#define REPORT_MAX_QUANTITY 100000
/* The PDF itself: a one-page report is ~50 KB (mostly the font subset), 200 parts ~65 KB;
 * the signature is resampled to at most 300 dpi of its box, so it adds at most ~1 MB. */
#define REPORT_MAX_BYTES (8 * 1024 * 1024)

/* Room for any amount that report_format_yuan writes, with its NUL. */
#define REPORT_YUAN_LEN 24

/* One part used. Text is UTF-8; lengths are in characters. */
struct report_part {
  const char *name;      /* required, ≤ 100: 配件名称 */
  const char *part_no;   /* optional, ≤ 64: 配件编号 */
  int32_t quantity;      /* 1..REPORT_MAX_QUANTITY */
  int64_t unit_price;    /* fen, 0..REPORT_MAX_AMOUNT_FEN: the price list's price (B3) */
  bool free_in_warranty; /* true: 保内免费, the line costs the customer nothing (B3) */
};

/* A charge besides the parts: "人工费", "上门费"; a negative amount is a discount. */
struct report_charge {
  const char *label; /* required, ≤ 20 */
  int64_t amount;    /* fen, -REPORT_MAX_AMOUNT_FEN..REPORT_MAX_AMOUNT_FEN */
};

/* A stage of the 24/48/72 commitment (SPEC C2): when it was reached and how it stood. */
struct report_stage {
  const char *at;  /* optional, ≤ 40: local time as the caller formats it, "2026-11-28 14:05" */
  const char *sla; /* optional, ≤ 50: the caller's words, "按时" / "超时 2小时15分" */
};

/* A completed ticket's report. Every pointer is borrowed for the duration of the call;
 * an optional text is NULL or "". A zeroed struct plus the required fields is a valid
 * customer's copy. */
struct service_report {
  /* The header. */
  const char *company;    /* required, ≤ 100: 公司名称 */
  const char *hotline;    /* optional, ≤ 40: 服务热线 */
  const char *ticket_no;  /* required, ≤ 40: 工单号, "SH-20261128-0007" */
  const char *printed_on; /* required, "YYYY-MM-DD": 打印日期, also the PDF's own date */
  /* The customer and the unit. */
  const char *customer_name; /* required, ≤ 100: 客户名称 */
  const char *contact;       /* optional, ≤ 50: 联系人 */
  const char *phone;         /* optional, ≤ 40: 联系电话 */
  const char *address;       /* optional, ≤ 200: 地址 */
  const char *unit_name;     /* required, ≤ 100: 设备名称 */
  const char *unit_model;    /* optional, ≤ 100: 型号 */
  const char *serial;        /* optional, ≤ 64: 序列号 */
  const char *warranty; /* required, ≤ 50: 保修状态, "保修期内（至2027-03-15）" (B2) */
  /* The times (SPEC C2), local, formatted by the caller. */
  const char *called_at;       /* required, ≤ 40: 报修时间 */
  struct report_stage arrived; /* 到达现场 (24 h) */
  struct report_stage cleared; /* 故障排除 (48 h) */
  struct report_stage spare;   /* 备品替代 (72 h); its row is left out when both are empty */
  /* The on-site record (SPEC C4). Multi-line: line breaks and tabs allowed. */
  const char *fault_reported; /* required, ≤ REPORT_MAX_TEXT_CHARS: 报修故障, as reported */
  const char *diagnosis;   /* optional, ≤ REPORT_MAX_TEXT_CHARS: 故障诊断 ("—" if empty) */
  const char *work_done;   /* required, ≤ REPORT_MAX_TEXT_CHARS: 处理过程 */
  const char *test_result; /* optional, ≤ REPORT_MAX_TEXT_CHARS: 安装后测试 ("—") */
  const char *responsibility; /* optional, ≤ REPORT_MAX_TEXT_CHARS: 责任界定, extra work
                                 agreed outside the request; its row is left out if empty */
  /* Parts and money (SPEC B3). */
  const struct report_part *parts; /* 0..REPORT_MAX_PARTS lines, printed in this order */
  size_t part_count;
  const struct report_charge *charges; /* 0..REPORT_MAX_CHARGES, after the parts total */
  size_t charge_count;
  /* The outcome (SPEC C7) and who did the work. */
  const char *outcome; /* required, ≤ 20: 修复 / 备品替代 / 退货 / 换货 / 返工 / 报废 */
  const char *technician; /* required, ≤ 50: 服务技术员 */
  /* The customer's signature (optional): a PNG drawn in the box 客户签字. Without it the
   * box stays empty for a pen. signer and signed_at are required with a PNG. */
  const unsigned char *signature_png; /* ≤ REPORT_MAX_SIGNATURE_BYTES */
  size_t signature_png_len;
  const char *signer;    /* ≤ 50: 签字人 */
  const char *signed_at; /* ≤ 40: 签字时间, local, formatted by the caller */
  /* Internal costs (SPEC C4): never on the customer's copy. internal_copy (default false)
   * prints them, with the value of the parts given free, on a copy marked 内部联. */
  bool internal_copy;
  int64_t vehicle_cost;     /* fen, 0..REPORT_MAX_AMOUNT_FEN: 车辆费用 */
  int64_t consumables_cost; /* fen, 0..REPORT_MAX_AMOUNT_FEN: 耗材费用 */
  const char *cost_note;    /* optional, ≤ 200: the reason when consumables are over (C4) */
};

/* Renders the report as an A4 portrait PDF: company, title 服务报告, ticket number and
 * printed date; the customer and the unit; the times with their SLA results; the fault,
 * diagnosis, work done, test and responsibility (long texts wrap and continue on the next
 * page); the parts table (its header repeated on every page it runs onto) with the parts
 * charged, the other charges and the total payable; the outcome and the technician; the
 * signature box. "第 N 页 共 M 页" on every page. Black and gray only: it prints well in
 * black and white. Font: WenQuanYi Micro Hei, through Pango.
 *
 * IMP: SPEC B3 — a part free in warranty prints its price but a line total of 0.00; the
 * parts charged are the sum of quantity × unit price over the other lines; the total
 * payable is that plus every charge.
 *
 * On success *out_pdf is a buffer of *out_len bytes that the caller frees with free().
 * On failure both are untouched and err (if not NULL) says why, naming the field
 * ("customer_name", "parts[3].part_no", "arrived.sla", "signature_png"):
 *   SH_ERR_INVALID    field_required, field_length, invalid_character (a control character;
 *                     line breaks and tabs are allowed in the long texts only),
 *                     invalid_date (printed_on), too_many_items (parts, charges),
 *                     out_of_range (a quantity, an amount; "charges" when the total payable
 *                     would be negative);
 *   SH_ERR_MALFORMED  invalid_utf8; invalid_image: signature_png is not a PNG cairo can
 *                     decode;
 *   SH_ERR_TOO_LARGE  too_large: signature_png over REPORT_MAX_SIGNATURE_BYTES or wider or
 *                     taller than REPORT_MAX_SIGNATURE_PIXELS (err->detail says which), or
 *                     the PDF over REPORT_MAX_BYTES (field "pdf");
 *   SH_ERR_INTERNAL   out_of_memory; internal: the font is not installed or cairo failed.
 * Thread-safe in the way pdf_warranty_card is; call pdf_shutdown() (pdf.h) at exit. */
enum sh_status report_service_pdf(const struct service_report *report, char **out_pdf,
                                  size_t *out_len, struct sh_error *err);

/* Checks a signature PNG exactly as the report will draw it: within
 * REPORT_MAX_SIGNATURE_BYTES and REPORT_MAX_SIGNATURE_PIXELS, and decodable (422/400
 * invalid_image or 413 too_large naming signature_png otherwise). The signature is checked
 * when it is taken, so that a report can always be drawn later. */
enum sh_status report_signature_check(const unsigned char *png, size_t len, struct sh_error *err);

/* Writes fen as yuan with two decimals and no grouping: 123450 → "1234.50", 5 → "0.05",
 * -5 → "-0.05"; any int64_t. Integer arithmetic only. Returns false, leaving out untouched,
 * if size is too small (REPORT_YUAN_LEN always suffices). */
bool report_format_yuan(int64_t fen, char *out, size_t size);

#endif
