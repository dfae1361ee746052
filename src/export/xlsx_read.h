/* xlsx_read.h — reads the first worksheet of an uploaded .xlsx workbook into a sheet (SPEC B1:
 * import customers, projects and equipment from the spreadsheets users already have). */
#ifndef SHOUHOU_XLSX_READ_H
#define SHOUHOU_XLSX_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/status.h"
#include "sheet.h"

/* Ceilings of the .xlsx reader (to move into src/base/limits.h); the sheet's own are in
 * sheet.h. Exceeding one fails with SH_ERR_TOO_LARGE and the code in brackets. */
/* The largest upload, in bytes [file_too_large]. A workbook of half a million customer rows
 * is about 40 MiB. */
#define XLSX_MAX_FILE_BYTES (64 * 1024 * 1024)
/* Bytes inflated from the archive, all parts read together [unzipped_too_large]: checked
 * against each entry's declared size before reading it and against the bytes actually
 * inflated while reading, so a zip bomb stops here. XML is 5-10 times its deflated size. */
#define XLSX_MAX_UNZIPPED_BYTES (256 * 1024 * 1024)
/* Entries in the archive [too_many_zip_entries]. A workbook has a dozen or so; libzip keeps
 * a record of each one, so this bounds what the directory alone can make us allocate. */
#define XLSX_MAX_ZIP_ENTRIES 10000
/* Strings in xl/sharedStrings.xml [too_many_shared_strings]. All are held while the sheet is
 * read (a cell may use any); their text together is at most SHEET_MAX_TEXT_BYTES
 * [sheet_too_large], a ceiling of its own beside the sheet's. */
#define XLSX_MAX_SHARED_STRINGS 1000000
/* Cell formats (cellXfs) and number formats (numFmts) of xl/styles.xml [too_many_styles].
 * Excel itself stops at 64 000 cell formats. */
#define XLSX_MAX_STYLES 65536
/* Nesting of XML elements [xml_too_deep]. A worksheet nests 7 deep (worksheet, sheetData,
 * row, c, is, r, t); extension lists a few more. */
#define XLSX_MAX_XML_DEPTH 64
/* Memory expat may hold while parsing one part [xml_too_large]: its input buffer, which must
 * hold a whole tag or comment, and its name tables. A real part needs about 200 KiB (tags are
 * short; text is handed over piece by piece). Kept small because expat rescans an unfinished
 * tag at every 64 KiB piece: a tag of T bytes costs T²/128 KiB, so 1 MiB bounds that to 8
 * times the part's size. */
#define XLSX_MAX_XML_MEMORY (1024 * 1024)

/* Reads len bytes of an .xlsx file (untrusted: a request body) into a new sheet.
 *
 * The sheet is the workbook's first sheet in tab order (hidden or not), found through
 * _rels/.rels, the workbook and its relationships. Cells are text (sheet.h): a string as
 * written (shared strings with rich-text runs joined, phonetic guides left out, inline
 * strings, formula strings; OOXML escapes such as _x000D_ decoded); a number as the file
 * writes it ("123", "1234.5"); a number whose format shows a date as "YYYY-MM-DD", or
 * "YYYY-MM-DD HH:MM:SS" if the format also shows a time (xlsx_serial_text()); a boolean as
 * "TRUE" or "FALSE"; an error as its text ("#N/A"). A formula gives its cached value. Rows
 * keep their numbers; a cell's column comes from its reference ("C12"), skipped columns are
 * empty.
 *
 * Returns SH_OK and *out (caller frees with sheet_free()). On failure *out is untouched and
 * err says why, field "file", detail naming the part and the row (and column) where known:
 *   SH_ERR_TOO_LARGE  a ceiling above or in sheet.h, named by err->code
 *   SH_ERR_INVALID    bad_xlsx: not a zip archive (or an old .xls), a damaged entry, a
 *                     missing part, malformed XML or a DTD in it, the first sheet a chart,
 *                     rows or cells out of order, a shared string that does not exist
 *   SH_ERR_INTERNAL   out of memory */
enum sh_status xlsx_read(const void *data, size_t len, struct sheet **out, struct sh_error *err);

/* What a number format shows of a cell's number. */
enum xlsx_format {
  XLSX_FORMAT_NUMBER,   /* a number (also a time of day alone, a percentage, text "@") */
  XLSX_FORMAT_DATE,     /* a date */
  XLSX_FORMAT_DATETIME, /* a date and a time of day */
};

/* The kind of a built-in number format id (those Excel does not write into styles.xml):
 * 14-17 and the CJK locales' 27-31, 36, 50-54, 57, 58 are dates, 22 is a date and time,
 * every other id is a number. */
enum xlsx_format xlsx_builtin_format(unsigned id);

/* The kind of a custom number format code such as "yyyy-mm-dd" or 'yyyy"年"m"月"d"日"': its
 * first section shows a date if it has a y or d, or an m that is not minutes (no h or s
 * beside it), outside quoted text, escapes and [brackets]; a time as well if it has an h or
 * s. Letter case does not matter. */
enum xlsx_format xlsx_custom_format(const char *code);

/* Buffer size of xlsx_serial_text(): "YYYY-MM-DD HH:MM:SS" and its NUL. */
#define XLSX_DATE_TEXT_LEN 20

/* Writes the date (XLSX_FORMAT_DATE) or date and time (XLSX_FORMAT_DATETIME, seconds
 * rounded) of an Excel serial number written as decimal text ("46354", "46354.6041666") into
 * out. In the 1900 date system serial 1 is 1900-01-01 and serial 60 the 1900-02-29 that
 * Excel invented (kept, so the user sees what Excel shows); in the 1904 system (date1904)
 * serial 0 is 1904-01-01. Returns false, leaving out alone, for text that is not such a
 * number or a serial outside 1..9999-12-31 (the cell then keeps its number). */
bool xlsx_serial_text(const char *serial, enum xlsx_format format, bool date1904,
                      char out[XLSX_DATE_TEXT_LEN]);

#endif
