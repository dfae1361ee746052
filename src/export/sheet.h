/* sheet.h — a spreadsheet as the importers see it: numbered rows of text cells, whatever file
 * (CSV or .xlsx, see csv_read.h and xlsx_read.h) they came from (SPEC B1, issue 3).
 *
 * Design: a cell is always UTF-8 text without NUL; the importer decides what the text means.
 * A row keeps the number the user sees in Excel or in the file (1-based, the header row is
 * row 1), so that a dry run can say "row 12, column C". Blank rows — no cell with any text —
 * are left out but still counted. Empty cells past the last non-empty one are not stored, so
 * a row may have fewer cells than the header: read cells with sheet_cell(), which answers ""
 * past the end. Each row's text is one allocation; the cells point into it.
 *
 * The builder below is how the readers make a sheet; its ceilings bound what any input can
 * make us hold. It is implemented in csv_read.c (the build compiles the readers' files; a
 * sheet.c of its own would do as well). */
#ifndef SHOUHOU_SHEET_H
#define SHOUHOU_SHEET_H

#include <stddef.h>

#include "../base/buf.h"
#include "../base/status.h"

/* Ceilings shared by both readers (to move into src/base/limits.h). Exceeding one fails with
 * SH_ERR_TOO_LARGE and the code in brackets. */
/* Row numbers, blank rows included [too_many_rows]. Excel stops at 1 048 576; an import of
 * customers or equipment has a few ten thousand. */
#define SHEET_MAX_ROWS 1000000
/* Columns of a row, counted to its last non-empty cell [too_many_columns]. Our widest import
 * (equipment) has about 30; 200 leaves room for users' own extra columns. */
#define SHEET_MAX_COLUMNS 200
/* UTF-8 bytes of one cell [cell_too_large]: 32 KiB is more than any field we store (notes
 * are at most a few thousand characters). */
#define SHEET_MAX_CELL_BYTES (32 * 1024)
/* Stored cells of a whole sheet, gaps before a non-empty cell included [too_many_cells]:
 * bounds the pointer arrays (8 bytes each) whatever the file size. */
#define SHEET_MAX_CELLS 4000000
/* UTF-8 bytes of all cells of a sheet [sheet_too_large]. A 64 MiB GB18030 CSV decodes to at
 * most 96 MiB; an .xlsx that repeats one long shared string stops here. */
#define SHEET_MAX_TEXT_BYTES (128 * 1024 * 1024)

/* Buffer size of sheet_column_name(): enough for any size_t column. */
#define SHEET_COLUMN_NAME_LEN 16

struct sheet_row {
  size_t number; /* as the user sees it: 1-based, counting the header and blank rows */
  size_t count;  /* cells stored: up to the last non-empty one, at least 1 */
  char **cells;  /* count NUL-terminated UTF-8 strings (column A first); a gap is "" */
  char *text;    /* private: the one block every cell of the row points into */
};

struct sheet {
  size_t count;           /* rows stored; blank rows are not */
  struct sheet_row *rows; /* in file order; numbers strictly increase */
};

/* Frees a sheet and every row and cell of it; accepts NULL. */
void sheet_free(struct sheet *sheet);

/* The text of a row's cell at a 0-based column; "" past the last stored cell. Borrowed:
 * valid until sheet_free(). */
static inline const char *sheet_cell(const struct sheet_row *row, size_t column) {
  return column < row->count ? row->cells[column] : "";
}

/* Writes the Excel name of a 0-based column ("A", "Z", "AA", …) into out. */
void sheet_column_name(size_t column, char out[SHEET_COLUMN_NAME_LEN]);

/* Fills err (if not NULL) like sh_fail() with field "file" and the detail "row R, column C:
 * what" (no row part when row is 0, no column part when column is SIZE_MAX) and returns
 * status. */
enum sh_status sheet_fail_at(struct sh_error *err, enum sh_status status, const char *code,
                             size_t row, size_t column, const char *what);

/* Makes a sheet row by row. A row is materialised only when a non-empty cell arrives, so
 * blank rows and empty cells cost nothing. Use: init; then per row start_row and add_cell
 * for its cells in column order; then finish (or free on any failure). */
struct sheet_builder {
  struct sheet *sheet;  /* the finished rows; owned */
  size_t rows_capacity; /* rows allocated in sheet->rows */
  size_t row;           /* number of the open row, 0 before the first */
  struct buf text;      /* the open row's text: a NUL (for gaps), then each cell and its NUL */
  size_t *offsets;      /* where each cell of the open row starts in text; SHEET_MAX_COLUMNS */
  size_t count;         /* cells of the open row */
  size_t total_cells;   /* cells of the sheet so far, towards SHEET_MAX_CELLS */
  size_t total_bytes;   /* text of the sheet so far, towards SHEET_MAX_TEXT_BYTES */
};

/* Starts an empty builder. Allocates nothing that sheet_builder_free() would not free. */
void sheet_builder_init(struct sheet_builder *b);

/* Ends the open row and opens row `number`, which must be greater than the last one
 * (asserted). SH_ERR_TOO_LARGE [too_many_rows] past SHEET_MAX_ROWS; SH_ERR_INTERNAL when out
 * of memory. */
enum sh_status sheet_builder_start_row(struct sheet_builder *b, size_t number,
                                       struct sh_error *err);

/* Adds the cell at a 0-based column of the open row: len bytes of UTF-8 without NUL
 * (asserted). column must be past the last cell added (asserted); cells skipped in between
 * are empty. Empty text adds nothing. SH_ERR_TOO_LARGE [too_many_columns, cell_too_large,
 * too_many_cells, sheet_too_large] names the row and column in err->detail. */
enum sh_status sheet_builder_add_cell(struct sheet_builder *b, size_t column, const char *text,
                                      size_t len, struct sh_error *err);

/* Ends the open row and hands the sheet to *out (caller frees with sheet_free()); the
 * builder is then empty. On failure *out is untouched and the builder still needs freeing. */
enum sh_status sheet_builder_finish(struct sheet_builder *b, struct sheet **out,
                                    struct sh_error *err);

/* Frees whatever the builder holds; accepts a finished or zeroed builder. */
void sheet_builder_free(struct sheet_builder *b);

#endif
