/* csv_read.h — reads an uploaded CSV file into a sheet (SPEC B1: import customers, projects
 * and equipment from the spreadsheets users already have; CSV in UTF-8 with or without BOM,
 * or GB18030 as Excel on Chinese Windows saves it). */
#ifndef SHOUHOU_CSV_READ_H
#define SHOUHOU_CSV_READ_H

#include <stddef.h>

#include "../base/status.h"
#include "sheet.h"

/* The largest CSV upload, in bytes [file_too_large]. 64 MiB holds about half a million
 * customer rows — more than any company's archive — and bounds the memory of one import. */
#define CSV_MAX_FILE_BYTES (64 * 1024 * 1024)

/* Reads len bytes of CSV (untrusted: a request body) into a new sheet.
 *
 * Encoding: a UTF-8 byte order mark is dropped and the rest must be UTF-8; without one, text
 * that is valid UTF-8 is taken as UTF-8 and anything else is decoded from GB18030 (which
 * includes GBK and GB2312; its own byte order mark 84 31 95 33 is dropped too). A UTF-16 file (it
 * starts with FF FE or FE FF) is refused. Quoting is RFC 4180: a field that starts with a double
 * quote runs to the next lone one, so it may hold separators and line ends; "" inside it is one
 * quote. A quote inside an unquoted field is taken as text (12" pipe). Lines end in LF, CRLF or CR;
 * a final line end is optional. The separator is the comma, unless the header line (the first
 * non-blank line) has more tabs or more semicolons outside quotes than commas: then the most
 * frequent of the two (ties go to the comma, then the tab). A row is a record, so a quoted line end
 * does not start a new row number; blank records keep their number but are not stored.
 *
 * Returns SH_OK and *out (caller frees with sheet_free()); an empty file gives a sheet of no
 * rows. On failure *out is untouched and err says why, field "file", detail "row R, column
 * C: …" where known:
 *   SH_ERR_TOO_LARGE  file_too_large (CSV_MAX_FILE_BYTES) or a sheet ceiling of sheet.h
 *   SH_ERR_INVALID    bad_encoding: UTF-16, or bytes valid in neither UTF-8 nor GB18030
 *                     (or not UTF-8 after a UTF-8 byte order mark)
 *                     bad_csv: a NUL byte, a quoted field never closed, text after a
 *                     closing quote
 *   SH_ERR_INTERNAL   out of memory, or the system lacks the GB18030 converter */
enum sh_status csv_read(const char *data, size_t len, struct sheet **out, struct sh_error *err);

#endif
