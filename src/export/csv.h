/* csv.h — CSV export for Excel on Chinese Windows (SPEC H5; DESIGN.md pitfall "CSV for Excel
 * on Chinese Windows"): a UTF-8 byte order mark, RFC 4180 fields, CRLF after every record,
 * and a ' before any text cell that Excel would take for a formula.
 *
 * Streaming: csv_writer_begin() writes the BOM and the header row, csv_writer_row() appends
 * one record per call, csv_writer_finish() hands over the bytes. Only the CSV text is held,
 * once, in a buffer bounded by max_bytes; no rows are kept. What each type looks like:
 *   EXPORT_TEXT      the text; "=1+1" → '=1+1 (a leading = + - @ tab or CR gets a ')
 *   EXPORT_INT       -5 (plain digits, never prefixed)
 *   EXPORT_MONEY_FEN 123456 → 1234.56, -5 → -0.05, 0 → 0.00 (no ¥, no grouping, so that
 *                    Excel reads a number)
 *   EXPORT_DATE      2024-02-29 (as given, after checking it)
 *   EXPORT_DATETIME  2026-11-28 20:02:17 (local at table.offset_minutes)
 *   EXPORT_BOOL      是 / 否
 *   null             an empty field
 * Fields holding a comma, a double quote, CR or LF are quoted, quotes doubled. */
#ifndef SHOUHOU_EXPORT_CSV_H
#define SHOUHOU_EXPORT_CSV_H

#include <stddef.h>

#include "../base/status.h"
#include "table.h"

/* The CSV of one export, BOM included (STYLE.md 11; it belongs with the others in
 * base/limits.h, at SH_MAX_RESPONSE_BYTES, since the API sends it as one response body).
 * At ~100 bytes a record that is ~160 000 records. */
#define CSV_MAX_BYTES (16 * 1024 * 1024)

struct csv_writer;

/* Starts a CSV of table's columns and writes the BOM and the header row (the column names,
 * as text cells). max_bytes bounds the whole CSV (pass CSV_MAX_BYTES). table->columns is
 * borrowed until csv_writer_free(); table->name is not used.
 * Returns SH_OK and *out (caller frees with csv_writer_free()), or: SH_ERR_INVALID /
 * SH_ERR_MALFORMED for a bad table (see export_table_check()), SH_ERR_TOO_LARGE (code
 * too_large) if the header alone passes max_bytes, SH_ERR_INTERNAL (out_of_memory);
 * *out is untouched on failure. */
enum sh_status csv_writer_begin(const struct export_table *table, size_t max_bytes,
                                struct csv_writer **out, struct sh_error *err);

/* Appends one record: cells[0..column_count), read per the column's type (table.h).
 * Borrowed: cells and their texts, for the duration of the call.
 * Returns SH_OK, or with err's field = the column name and detail = "row N" (1-based data
 * row): SH_ERR_MALFORMED (invalid_utf8: a text is not well-formed UTF-8), SH_ERR_INVALID
 * (invalid_date: a date that date_valid() refuses; out_of_range: a date-time outside years
 * 1900..9999), SH_ERR_TOO_LARGE (too_large: the CSV would pass max_bytes), SH_ERR_INTERNAL
 * (out_of_memory). On failure nothing of the record is written, but the writer is spent:
 * every later call returns SH_ERR_INTERNAL; free it. */
enum sh_status csv_writer_row(struct csv_writer *w, const struct export_cell *cells,
                              struct sh_error *err);

/* Hands over the CSV: *out_data (NUL-terminated after *out_len bytes; caller frees with
 * free()) and *out_len. The writer is spent afterwards; free it. Returns SH_OK, or
 * SH_ERR_INTERNAL (internal: the writer is spent; out_of_memory); outputs untouched on
 * failure. */
enum sh_status csv_writer_finish(struct csv_writer *w, char **out_data, size_t *out_len,
                                 struct sh_error *err);

/* Frees the writer and whatever CSV it still holds; accepts NULL. */
void csv_writer_free(struct csv_writer *w);

#endif
