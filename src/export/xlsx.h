/* xlsx.h — Excel export of one sheet with libxlsxwriter (SPEC H5; DESIGN.md dependency
 * "Excel": Chinese sheet names and text read back exactly by a real reader).
 *
 * Streaming: xlsx_writer_begin() starts a workbook in libxlsxwriter's constant_memory mode
 * and writes the header row (bold, frozen, with column widths); xlsx_writer_row() writes one
 * row per call, flushed to a temporary file; xlsx_writer_finish() closes the workbook into a
 * temporary .xlsx, reads it back into memory (bounded by max_bytes) and removes it. Memory
 * stays flat however many rows; the temporary files live in tmpdir and are gone when the
 * writer is finished or freed. What each type becomes:
 *   EXPORT_TEXT      a string cell, exactly the text (never a formula: "=1+1" stays text;
 *                    no ' prefix is needed or added)
 *   EXPORT_INT       a number (|n| <= EXPORT_MAX_INT)
 *   EXPORT_MONEY_FEN a number, the yuan amount, formatted "¥"#,##0.00; see below
 *   EXPORT_DATE      a date cell, formatted yyyy-mm-dd
 *   EXPORT_DATETIME  a date-time cell (local at table.offset_minutes), yyyy-mm-dd hh:mm:ss
 *   EXPORT_BOOL      a string cell 是 / 否
 *   null             no cell at all
 *
 * Money: Excel keeps every number as a binary double. The cell holds (double)fen / 100,
 * the double nearest the exact yuan amount: the very value Excel stores when a person types
 * 1234.56. For |fen| <= EXPORT_MAX_MONEY_FEN (15 digits) that double reads back as exactly
 * the amount in Excel (15 significant digits shown) and in any reader that prints the
 * shortest round trip (openpyxl: 1234.56). libxlsxwriter writes it with "%.16G", which may
 * put 17 digits in the XML (0.07 → 0.07000000000000001), but they parse back to the same
 * double; test_xlsx proves it for every fen up to 10^6 and for the extremes. Never call
 * setlocale(LC_NUMERIC) in the process: "%.16G" would then write a decimal comma.
 *
 * Text goes through the ST_Xstring escape Excel applies: a literal "_xHHHH_" in the text is
 * written as "_x005F_xHHHH_" so that Excel shows it as typed, and control characters are
 * written as "_x0001_" by libxlsxwriter (XML cannot hold them). A reader of our files
 * (src/export/xlsx_read.c) must undo both, and must read inline strings (t="inlineStr"),
 * which constant_memory mode writes instead of the shared-string table. */
#ifndef SHOUHOU_EXPORT_XLSX_H
#define SHOUHOU_EXPORT_XLSX_H

#include <stddef.h>

#include "../base/status.h"
#include "table.h"

/* Ceilings (STYLE.md 11; they belong with the others in base/limits.h). */
/* The finished .xlsx, read back into memory and sent as one response body (a 100 000-row,
 * 15-column customer list is a few MB compressed). */
#define XLSX_MAX_BYTES (16 * 1024 * 1024)
/* Data rows: Excel's 1 048 576 rows less the header row. */
#define XLSX_MAX_ROWS (1048576 - 1)
/* Characters of one cell's text, Excel's limit (after the _xHHHH_ escape above). */
#define XLSX_MAX_CELL_CHARS 32767
/* Bytes of a sanitised sheet name with its NUL: 31 UTF-16 units of at most 3 UTF-8 bytes
 * (a 4-byte character counts as 2 units). */
#define XLSX_SHEET_NAME_BYTES 128

struct xlsx_writer;

/* Makes a valid Excel sheet name of name: the characters [ ] : * ? / \ and control
 * characters become '_', the name is cut to 31 UTF-16 units on a character boundary, a
 * leading or trailing apostrophe becomes '_', an empty or NULL name becomes "Sheet1" and
 * "History" (any case, reserved by Excel) gets a '_' appended. "客户" stays "客户".
 * Returns SH_OK, or SH_ERR_MALFORMED if name is not well-formed UTF-8 (out untouched). */
enum sh_status xlsx_sheet_name(const char *name, char out[XLSX_SHEET_NAME_BYTES]);

/* Starts a workbook with one sheet named xlsx_sheet_name(table->name) and writes the header
 * row (bold, frozen; widths from the columns, or a default per type that fits the header).
 * tmpdir is where the temporary files go (NULL: /tmp); it must exist and be writable, and
 * should be on disk, not in memory. max_bytes bounds the finished file (pass XLSX_MAX_BYTES).
 * table->columns is borrowed until xlsx_writer_free(); table->name only for this call.
 * Returns SH_OK and *out (caller frees with xlsx_writer_free()), or: SH_ERR_INVALID /
 * SH_ERR_MALFORMED for a bad table (export_table_check()) or sheet name (invalid_utf8,
 * field "name"), SH_ERR_INVALID (field_length, field "columns": a header over
 * XLSX_MAX_CELL_CHARS), SH_ERR_UNAVAILABLE (disk_full: no temporary file could be made),
 * SH_ERR_INTERNAL (out_of_memory, internal); *out is untouched on failure. */
enum sh_status xlsx_writer_begin(const struct export_table *table, const char *tmpdir,
                                 size_t max_bytes, struct xlsx_writer **out, struct sh_error *err);

/* Writes one row: cells[0..column_count), read per the column's type (table.h). Borrowed:
 * cells and their texts, for the duration of the call.
 * Returns SH_OK, or with err's field = the column name and detail = "row N" (1-based data
 * row): SH_ERR_MALFORMED (invalid_utf8), SH_ERR_INVALID (invalid_date; out_of_range: an
 * integer or amount past EXPORT_MAX_INT / EXPORT_MAX_MONEY_FEN, a date-time outside years
 * 1900..9999; field_length: a text over XLSX_MAX_CELL_CHARS), SH_ERR_TOO_LARGE (too_large,
 * field "rows": more than XLSX_MAX_ROWS), SH_ERR_INTERNAL (out_of_memory, internal).
 * Every cell is checked before any is written, but a failure still spends the writer:
 * every later call returns SH_ERR_INTERNAL; free it. */
enum sh_status xlsx_writer_row(struct xlsx_writer *w, const struct export_cell *cells,
                               struct sh_error *err);

/* Closes the workbook and hands over the .xlsx: *out_data (caller frees with free()) and
 * *out_len. The temporary files are removed, also on failure. The writer is spent
 * afterwards; free it. Returns SH_OK, or SH_ERR_TOO_LARGE (too_large, field "xlsx": the file
 * is over max_bytes), SH_ERR_UNAVAILABLE (disk_full: writing or reading the file failed),
 * SH_ERR_INTERNAL (out_of_memory, internal); outputs untouched on failure. */
enum sh_status xlsx_writer_finish(struct xlsx_writer *w, char **out_data, size_t *out_len,
                                  struct sh_error *err);

/* Frees the writer, dropping an unfinished workbook and removing its temporary files;
 * accepts NULL. */
void xlsx_writer_free(struct xlsx_writer *w);

#endif
