/* table.h — the table that the export writers (csv.h, xlsx.h) take: typed columns, then rows
 * of cells streamed one at a time (SPEC H5: everything a manager reads can be exported).
 *
 * Design: a writer is begun with a struct export_table (the columns), given rows one by one
 * with an array of column_count cells each, and finished into bytes. Nothing here holds rows:
 * the caller produces each row from a keyset-paged query and may reuse its cell array and the
 * strings it points to as soon as the row call returns. The writers copy nothing of a row. */
#ifndef SHOUHOU_EXPORT_TABLE_H
#define SHOUHOU_EXPORT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../base/status.h"
#include "../base/timefmt.h"
#include "../base/utf8.h"

/* What a column holds, and which field of struct export_cell carries it. */
enum export_type {
  EXPORT_TEXT,      /* cell.text: UTF-8 text, written as text, never as a formula */
  EXPORT_INT,       /* cell.number: an integer, written as a number */
  EXPORT_MONEY_FEN, /* cell.number: fen; shown as yuan with 2 decimals (123456 → 1234.56) */
  EXPORT_DATE,      /* cell.text: a calendar date "YYYY-MM-DD" (1900..9999) → a date */
  EXPORT_DATETIME,  /* cell.number: UTC seconds, shown at export_table.offset_minutes as
                       local "YYYY-MM-DD HH:MM:SS" (1900..9999) */
  EXPORT_BOOL,      /* cell.number: 0 → 否, anything else → 是 */
};

struct export_column {
  const char *name;      /* header text, UTF-8, e.g. "客户名称" */
  enum export_type type; /* what the column's cells hold */
  unsigned width;        /* column width in Excel character units (a Chinese character is
                            about 2); 0 = a default for the type. CSV ignores it. */
};

/* One cell. A null cell, or a text or date cell whose text is NULL, is an empty cell. */
struct export_cell {
  const char *text; /* EXPORT_TEXT and EXPORT_DATE; borrowed for the duration of the call */
  int64_t number;   /* EXPORT_INT, EXPORT_MONEY_FEN (fen), EXPORT_DATETIME (UTC seconds),
                       EXPORT_BOOL */
  bool null;        /* true: an empty cell whatever the other fields say */
};

/* What a writer is begun with. Borrowed: columns (and the names they point to) must stay
 * valid until the writer is freed; name only for the begin call. */
struct export_table {
  const char *name;                    /* sheet name, e.g. "客户" (xlsx sanitises it; CSV
                                          ignores it) */
  const struct export_column *columns; /* column_count columns, in order */
  size_t column_count;                 /* 1..EXPORT_MAX_COLUMNS */
  int offset_minutes;                  /* minutes east of UTC for EXPORT_DATETIME (+480 for
                                          Asia/Shanghai); -1080..1080 */
};

/* Columns of one export (Excel allows 16 384; no list of ours comes near 256). */
#define EXPORT_MAX_COLUMNS 256
/* The largest money amount in fen either way: 15 decimal digits, so that the yuan value is
 * exact in Excel, which keeps 15 significant digits (xlsx refuses more; CSV writes any). */
#define EXPORT_MAX_MONEY_FEN INT64_C(999999999999999)
/* The largest integer either way that xlsx writes as a number, for the same reason. */
#define EXPORT_MAX_INT INT64_C(999999999999999)
/* The largest |offset_minutes| (UTC-18:00..UTC+18:00, the widest ISO 8601 allows). */
#define EXPORT_MAX_OFFSET_MINUTES 1080
/* "YYYY-MM-DD HH:MM:SS" and its NUL. */
#define EXPORT_LOCAL_TIME_LEN 20

/* Checks what both writers need of a table: 1..EXPORT_MAX_COLUMNS columns, each with a
 * well-formed UTF-8 name and a known type, and an offset in range. Fills err on failure:
 * SH_ERR_INVALID (field_required, too_many_items, out_of_range with field "columns" or
 * "offset_minutes") or SH_ERR_MALFORMED (invalid_utf8, field = "columns"). */
static inline enum sh_status export_table_check(const struct export_table *table,
                                                struct sh_error *err) {
  if (!table || !table->columns || table->column_count == 0)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "columns", NULL);
  if (table->column_count > EXPORT_MAX_COLUMNS)
    return sh_fail(err, SH_ERR_INVALID, "too_many_items", "columns", NULL);
  if (table->offset_minutes < -EXPORT_MAX_OFFSET_MINUTES ||
      table->offset_minutes > EXPORT_MAX_OFFSET_MINUTES)
    return sh_fail(err, SH_ERR_INVALID, "out_of_range", "offset_minutes", NULL);
  for (size_t i = 0; i < table->column_count; i++) {
    const struct export_column *c = &table->columns[i];
    if (!c->name)
      return sh_fail(err, SH_ERR_INVALID, "field_required", "columns", NULL);
    if (!utf8_valid(c->name, strlen(c->name)))
      return sh_fail(err, SH_ERR_MALFORMED, "invalid_utf8", "columns", NULL);
    if ((unsigned)c->type > (unsigned)EXPORT_BOOL)
      return sh_fail(err, SH_ERR_INVALID, "out_of_range", "columns", c->name);
  }
  return SH_OK;
}

/* Writes utc at offset_minutes as local "YYYY-MM-DD HH:MM:SS". False (out untouched) unless
 * the local time falls in 1900-01-01 00:00:00 .. 9999-12-31 23:59:59, the years Excel and
 * date_valid() know. offset_minutes must be within EXPORT_MAX_OFFSET_MINUTES. */
static inline bool export_local_time(int64_t utc, int offset_minutes,
                                     char out[EXPORT_LOCAL_TIME_LEN]) {
  const int64_t first = INT64_C(-2208988800);   /* 1900-01-01T00:00:00Z */
  const int64_t end = INT64_C(253402300800);    /* 10000-01-01T00:00:00Z */
  if (utc < first - 86400 || utc > end + 86400) /* keeps the sum below from overflowing */
    return false;
  int64_t local = utc + (int64_t)offset_minutes * 60;
  if (local < first || local >= end)
    return false;
  char iso[TIME_ISO_LEN];
  time_format_iso(utc, offset_minutes, iso);
  memcpy(out, iso, EXPORT_LOCAL_TIME_LEN - 1);
  out[10] = ' ';
  out[EXPORT_LOCAL_TIME_LEN - 1] = '\0';
  return true;
}

#endif
