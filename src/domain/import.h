/* import.h — loading the spreadsheets users already have (issue 3; SPEC A1, B1): a dry run
 * reports every bad row with its row number, column and reason; the real import is
 * all-or-nothing (one transaction) and reports progress.
 *
 * Columns are found by their heading, in Chinese as users write them or as shouhou's own
 * export writes them (an export can be imported again), or by the API field name. A heading
 * that is not recognised is reported (it would otherwise be silently lost). */
#ifndef SHOUHOU_DOMAIN_IMPORT_H
#define SHOUHOU_DOMAIN_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "../export/sheet.h"
#include "actor.h"
#include "app.h"

#define IMPORT_MAX_ERRORS 1000 /* errors listed in a report; all are counted */

struct import_error {
  size_t row;       /* as the user sees it in the file (1 is the heading row) */
  char column[64];  /* the heading of the column, "" when the row as a whole is wrong */
  char code[48];    /* an error code of docs/errors.md */
  char detail[192]; /* the field or value concerned */
};

struct import_report {
  size_t rows;    /* data rows read (headings and blank rows not counted) */
  size_t valid;   /* rows without error */
  size_t created; /* rows written (0 for a dry run or a refused import) */
  struct import_error *errors;
  size_t nerrors;      /* listed, at most IMPORT_MAX_ERRORS */
  size_t errors_total; /* counted */
};

/* Called every few rows from inside the import with rows done and rows in all. */
typedef void (*import_progress_fn)(size_t done, size_t total, void *arg);

/* Imports customers from sheet (its first row holds the headings). dry_run: check only.
 * A real import with any bad row writes nothing and fails with SH_ERR_INVALID
 * "import_rejected"; the report lists the rows. Caller frees with import_report_free. */
enum sh_status import_customers(struct app *app, const struct actor *actor,
                                const struct sheet *sheet, bool dry_run,
                                import_progress_fn progress, void *progress_arg,
                                struct import_report *out, struct sh_error *err);

void import_report_free(struct import_report *report);

#endif
