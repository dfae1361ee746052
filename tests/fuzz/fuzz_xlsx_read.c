/* fuzz_xlsx_read.c — libFuzzer harness for xlsx_read() (src/export/xlsx_read.h). The first
 * byte picks what the rest is: 0 a whole .xlsx file (seed the corpus with
 * tests/unit/data/read_*.xlsx); 1 the worksheet XML, 2 the shared strings XML, 3 the styles
 * XML of a workbook the harness zips around it (stored, not deflated), so that the fuzzer
 * reaches the XML handlers without having to learn the zip format. Any input must give a
 * sheet with valid UTF-8 cells and increasing rows, or an error with a code.
 * Built and run by scripts/fuzz.sh (tests/fuzz/meson.build); replayed over its corpus and
 * regressions by the unit test fuzz_xlsx_read. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "../../src/base/utf8.h"
#include "../../src/export/xlsx_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAIN_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define RELS_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define RELS                                                                                       \
  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"

static const char workbook[] =
    "<workbook xmlns=\"" MAIN_NS "\" xmlns:r=\"" RELS_NS "\"><sheets>"
    "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char workbook_rels[] =
    RELS "<Relationship Id=\"rId1\" Type=\"" RELS_NS "/worksheet\" Target=\"worksheets/s.xml\"/>"
         "<Relationship Id=\"rId2\" Type=\"" RELS_NS "/sharedStrings\" Target=\"strings.xml\"/>"
         "<Relationship Id=\"rId3\" Type=\"" RELS_NS "/styles\" Target=\"styles.xml\"/>"
         "</Relationships>";
static const char strings[] = "<sst><si><t>a</t></si><si><r><t>b</t></r><r><t>c</t></r></si>"
                              "<si><t>_x000D_</t></si></sst>";
static const char styles[] = "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy\"/>"
                             "</numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
                             "<xf numFmtId=\"22\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>";
/* Cells that use every shared string and style. */
static const char sheet_xml[] =
    "<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c>"
    "<c t=\"s\"><v>2</v></c><c t=\"s\"><v>3</v></c><c s=\"1\"><v>46354.5</v></c>"
    "<c s=\"2\"><v>60.5</v></c><c s=\"3\"><v>1</v></c><c s=\"4\"><v>2</v></c>"
    "<c s=\"5\"><v>3</v></c></row></sheetData></worksheet>";

/* Zips the workbook with `part` (n bytes) in place of part number `which` (1-3); returns the
 * archive (caller frees) or NULL. */
static void *make_workbook(int which, const void *part, size_t n, size_t *len) {
  struct {
    const char *name;
    const void *data;
    size_t len;
  } entries[] = {
      {"xl/workbook.xml", workbook, sizeof workbook - 1},
      {"xl/_rels/workbook.xml.rels", workbook_rels, sizeof workbook_rels - 1},
      {"xl/worksheets/s.xml", sheet_xml, sizeof sheet_xml - 1},
      {"xl/strings.xml", strings, sizeof strings - 1},
      {"xl/styles.xml", styles, sizeof styles - 1},
  };
  entries[which + 1].data = part;
  entries[which + 1].len = n;
  void *out = NULL;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *buffer = zip_source_buffer_create(NULL, 0, 0, &error);
  zip_t *zip = NULL;
  if (!buffer)
    goto out;
  zip_source_keep(buffer);
  if (!(zip = zip_open_from_source(buffer, ZIP_TRUNCATE, &error)))
    goto out;
  for (size_t i = 0; i < sizeof entries / sizeof *entries; i++) {
    zip_source_t *s = zip_source_buffer(zip, entries[i].data, entries[i].len, 0);
    zip_int64_t index = s ? zip_file_add(zip, entries[i].name, s, 0) : -1;
    if (index < 0 || zip_set_file_compression(zip, (zip_uint64_t)index, ZIP_CM_STORE, 0) != 0) {
      zip_source_free(s);
      zip_discard(zip);
      goto out;
    }
  }
  if (zip_close(zip) != 0) {
    zip_discard(zip);
    goto out;
  }
  if (zip_source_open(buffer) == 0) {
    zip_source_seek(buffer, 0, SEEK_END);
    zip_int64_t size = zip_source_tell(buffer);
    zip_source_seek(buffer, 0, SEEK_SET);
    if (size > 0 && (out = malloc((size_t)size)) &&
        zip_source_read(buffer, out, (zip_uint64_t)size) != size) {
      free(out);
      out = NULL;
    }
    *len = (size_t)size;
    zip_source_close(buffer);
  }
out:
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || data[0] > 3)
    return 0;
  const void *file = data + 1;
  size_t len = size - 1;
  void *made = NULL;
  if (data[0] > 0 && !(file = made = make_workbook(data[0], data + 1, size - 1, &len)))
    return 0;
  struct sheet *sheet = NULL;
  struct sh_error err = {0};
  enum sh_status rc = xlsx_read(file, len, &sheet, &err);
  free(made);
  if (rc != SH_OK) {
    if (sheet || !err.code[0])
      abort(); /* a failure leaves *out alone and names its code */
    return 0;
  }
  for (size_t r = 0; r < sheet->count; r++) {
    const struct sheet_row *row = &sheet->rows[r];
    if (row->count == 0 || row->count > SHEET_MAX_COLUMNS || row->number > SHEET_MAX_ROWS ||
        (r > 0 && row->number <= sheet->rows[r - 1].number))
      abort();
    for (size_t c = 0; c < row->count; c++)
      if (!utf8_valid(row->cells[c], strlen(row->cells[c])) ||
          strlen(row->cells[c]) > SHEET_MAX_CELL_BYTES)
        abort();
  }
  sheet_free(sheet);
  return 0;
}
