/* import.h — loading the spreadsheets users already have (issue 3; SPEC A1, B1): customers,
 * projects and equipment units. A dry run reports every bad row with its row number, column
 * and reason; the real import is all-or-nothing (one transaction) and reports progress.
 *
 * Columns are found by their heading, in Chinese as users write them or as shouhou's own
 * export writes them (an export can be imported again), or by the API field name. A heading
 * that is not recognised is reported (it would otherwise be silently lost).
 *
 * Projects name their customer by 客户名称 (the exact name among the customers the caller
 * sees) or 客户编号 (its id); units name their project by 工程名称 (with 客户名称 to tell
 * equal names apart) or 工程编号. A name that matches several records is an error naming
 * the column (ambiguous_name); so is one that matches none. Dates may be written
 * YYYY-MM-DD, YYYY/M/D or YYYY年M月D日 (an .xlsx date cell reads as YYYY-MM-DD). */
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
  const char *kind; /* "customers", "projects" or "equipment"; static */
  size_t rows;      /* data rows read (headings and blank rows not counted) */
  size_t valid;     /* rows without error */
  size_t created;   /* rows written (0 for a dry run or a refused import) */
  struct import_error *errors;
  size_t nerrors;      /* listed, at most IMPORT_MAX_ERRORS */
  size_t errors_total; /* counted */
};

/* Called every few rows from inside the import with rows done and rows in all. */
typedef void (*import_progress_fn)(size_t done, size_t total, void *arg);

/* The shape of every import below: rows of sheet (its first row holds the headings) checked
 * as the API's create checks them. dry_run: check only. A real import with any bad row
 * writes nothing and fails with SH_ERR_INVALID "import_rejected"; the report lists the rows.
 * Caller frees out with import_report_free, also on failure. */
typedef enum sh_status (*import_fn)(struct app *app, const struct actor *actor,
                                    const struct sheet *sheet, bool dry_run,
                                    import_progress_fn progress, void *progress_arg,
                                    struct import_report *out, struct sh_error *err);

/* Customers (SPEC A1): 客户名称 and the region (地区编码, 所在地区 or 省/市/区) required. */
enum sh_status import_customers(struct app *app, const struct actor *actor,
                                const struct sheet *sheet, bool dry_run,
                                import_progress_fn progress, void *progress_arg,
                                struct import_report *out, struct sh_error *err);

/* Projects (SPEC B1): the customer (客户名称 or 客户编号), 工程名称 and the site's region
 * (工程地区编码, 工程所在地区 or 省/市/区) required; 工程地址, 项目经理 (username or display
 * name of a project or engineering manager), 竣工日期, 验收日期, 备注. */
enum sh_status import_projects(struct app *app, const struct actor *actor,
                               const struct sheet *sheet, bool dry_run, import_progress_fn progress,
                               void *progress_arg, struct import_report *out, struct sh_error *err);

/* Equipment units (SPEC B1): the project (工程名称, optionally with 客户名称, or 工程编号),
 * 序列号 and 型号 required; 设备名称, 类别, 供应商 (exact name), 生产批次, 是否本公司销售
 * (default 是), 安装位置, 厂家保修月数 (0..240), 验收日期, 备注. A serial number repeated for
 * the same model is an error on its second row (duplicate_in_file), one already registered
 * an error too (duplicate). */
enum sh_status import_equipment(struct app *app, const struct actor *actor,
                                const struct sheet *sheet, bool dry_run,
                                import_progress_fn progress, void *progress_arg,
                                struct import_report *out, struct sh_error *err);

void import_report_free(struct import_report *report);

#endif
