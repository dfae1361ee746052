/* notice.h — the written documents of the complaint procedure as A4 PDFs (SPEC E2, E3):
 * the notice to a responsible department (投诉处理通知单, work plan 2 §十.2: 客服部以书面形式
 * 通知相关部门和人员) and the complaint form (投诉处理单) archived with everything on record
 * (work plan 2 §七: 整理投诉单和各项处理文件归档备案).
 *
 * Pure functions of their input, as report.h: no clock, no database; the same document
 * gives the same bytes (its date comes from the data: the notice's day of issue, the
 * form's last change). Times arrive formatted in the company's zone, labels as the words
 * to print. Drawn with draw.h (Pango, WenQuanYi Micro Hei). */
#ifndef SHOUHOU_NOTICE_H
#define SHOUHOU_NOTICE_H

#include <stddef.h>

#include "../base/status.h"

/* Ceilings (STYLE.md 11). A long text (facts, an answer) of 2 000 characters fills a page;
 * longer ones are refused by the API's own limits before they get here. */
#define NOTICE_MAX_TEXT_CHARS 2000
#define NOTICE_MAX_NOTICES 50   /* notices on one form: 10 departments × 5 rounds */
#define NOTICE_MAX_CALLBACKS 50 /* callbacks on one form */
#define NOTICE_MAX_ATTACHMENTS 200
#define NOTICE_MAX_BYTES (8 * 1024 * 1024)

/* A department's answer (all three texts required when there is an answer). */
struct notice_answer {
  const char *root_cause;        /* ≤ NOTICE_MAX_TEXT_CHARS: 原因分析 */
  const char *corrective_action; /* ≤ NOTICE_MAX_TEXT_CHARS: 纠正措施 */
  const char *preventive_action; /* ≤ NOTICE_MAX_TEXT_CHARS: 预防措施 */
  const char *answered_by;       /* ≤ 50 */
  const char *answered_at;       /* ≤ 40, local "YYYY-MM-DD HH:MM" */
};

/* One notice to one department. Every pointer borrowed; an optional text NULL or "". */
struct notice_item {
  const char *notice_no;              /* required, ≤ 40: TS-20261128-0003-1 */
  int round;                          /* 1, 2, ...: 第N轮处理 */
  const char *department;             /* required, ≤ 50: 责任部门 */
  const char *responsible;            /* required, ≤ 50: 责任人 */
  const char *due_date;               /* required, "YYYY-MM-DD": 回复期限 */
  const char *instructions;           /* optional, ≤ NOTICE_MAX_TEXT_CHARS: 处理要求 */
  const char *issued_by;              /* optional, ≤ 50: 发出人 */
  const char *issued_at;              /* optional, ≤ 40: 发出时间 */
  const struct notice_answer *answer; /* NULL: the fields stay blank for the department */
};

/* The complaint as both documents show it. */
struct notice_complaint {
  const char *company;     /* required, ≤ 100: company.name */
  const char *number;      /* required, ≤ 40: 投诉编号 */
  const char *customer;    /* required, ≤ 100 */
  const char *region;      /* optional, ≤ 100 */
  const char *complainant; /* optional, ≤ 50 */
  const char *phone;       /* optional, ≤ 40 */
  const char *channel;     /* optional, ≤ 50: the label */
  const char *received_at; /* required, ≤ 40 */
  const char *occurred_on; /* optional, ≤ 10 */
  const char *category;    /* required, ≤ 100: the label */
  const char *severity;    /* required, ≤ 50: the label */
  const char *facts;       /* required, ≤ NOTICE_MAX_TEXT_CHARS, multi-line */
  const char *demand;      /* optional, ≤ NOTICE_MAX_TEXT_CHARS, multi-line */
  const char *links;       /* optional, ≤ 200: 关联工单/回访/设备 in words */
  const char *repeat_of;   /* optional, ≤ 40: the earlier complaint's number */
  const char *owner;       /* optional, ≤ 50: the desk agent who follows it */
};

/* Renders the notice (投诉处理通知单) to one department: company, title, notice and
 * complaint numbers, the complaint, what is asked and by when, and the department's answer
 * (or blank fields for it). date ("YYYY-MM-DD", the day of issue) is the PDF's date.
 * *out_pdf is the caller's to free(). Errors as report.h: SH_ERR_INVALID field_required,
 * field_length, invalid_character, invalid_date naming the field; SH_ERR_MALFORMED
 * invalid_utf8; SH_ERR_TOO_LARGE too_large ("pdf"); SH_ERR_INTERNAL. */
enum sh_status notice_pdf(const struct notice_complaint *complaint, const struct notice_item *item,
                          const char *date, char **out_pdf, size_t *out_len, struct sh_error *err);

/* One callback to the customer (回访确认, §十.2). */
struct notice_callback {
  const char *at;     /* required, ≤ 40 */
  const char *by;     /* optional, ≤ 50 */
  const char *result; /* required, ≤ 20: 满意 / 不满意 */
  const char *note;   /* optional, ≤ 500 */
};

/* The complaint form (投诉处理单) with everything on record. */
struct notice_form {
  const struct notice_complaint *complaint;
  const char *status;     /* required, ≤ 20: the status in words */
  const char *printed_on; /* required, "YYYY-MM-DD": the PDF's date (the last change) */
  const struct notice_item *notices;
  size_t notice_count; /* ≤ NOTICE_MAX_NOTICES */
  const struct notice_callback *callbacks;
  size_t callback_count;          /* ≤ NOTICE_MAX_CALLBACKS */
  const char *const *attachments; /* each ≤ 300: "现场照片.jpg（120 KB，2026-11-28 10:02）" */
  size_t attachment_count;        /* ≤ NOTICE_MAX_ATTACHMENTS */
  const char *archived_at;        /* optional, ≤ 40 */
  const char *archived_by;        /* optional, ≤ 50 */
};

/* Renders the complaint form: the registration, every notice with its answer, the
 * callbacks, the list of attachments and the archive entry. Errors as notice_pdf, plus
 * too_many_items (notices, callbacks, attachments). */
enum sh_status notice_form_pdf(const struct notice_form *form, char **out_pdf, size_t *out_len,
                               struct sh_error *err);

#endif
