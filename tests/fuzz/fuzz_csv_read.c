/* fuzz_csv_read.c — libFuzzer harness for csv_read() (src/export/csv_read.h): any bytes must
 * give either a sheet whose cells are valid UTF-8 with rows in increasing order, or an error
 * with a code; never a crash, a leak or an unbounded allocation.
 * Built and run by scripts/fuzz.sh (tests/fuzz/meson.build); replayed over its corpus and
 * regressions by the unit test fuzz_csv_read. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/base/utf8.h"
#include "../../src/export/csv_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct sheet *sheet = NULL;
  struct sh_error err = {0};
  enum sh_status rc = csv_read((const char *)data, size, &sheet, &err);
  if (rc != SH_OK) {
    if (sheet || !err.code[0])
      abort(); /* a failure leaves *out alone and names its code */
    return 0;
  }
  for (size_t r = 0; r < sheet->count; r++) {
    const struct sheet_row *row = &sheet->rows[r];
    if (row->count == 0 || row->count > SHEET_MAX_COLUMNS ||
        (r > 0 && row->number <= sheet->rows[r - 1].number))
      abort();
    for (size_t c = 0; c < row->count; c++)
      if (!utf8_valid(row->cells[c], strlen(row->cells[c])))
        abort();
    if (!row->cells[row->count - 1][0])
      abort(); /* the last stored cell is never empty */
  }
  sheet_free(sheet);
  return 0;
}
