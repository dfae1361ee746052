/* download.h — exporting a list as .xlsx or CSV (SPEC H5, UI.md 10): the list endpoint's
 * own filters, every matching row (not the page), the file named <实体>_<YYYYMMDDHHmmss>. */
#ifndef SHOUHOU_API_DOWNLOAD_H
#define SHOUHOU_API_DOWNLOAD_H

#include <stdbool.h>

#include "../domain/reference.h"
#include "../export/table.h"
#include "api.h"

struct download; /* a writer of one format and the state of one export */

/* Reads ?format=xlsx|csv (default xlsx) and starts the file. On failure fills resp and
 * returns NULL. Free with api_download_free. */
struct download *api_download_begin(struct api_request *req, struct api_response *resp,
                                    const struct export_table *table);
/* Adds one row (cells borrowed for the call). On failure fills resp and returns false; the
 * download is then spent. */
bool api_download_row(struct api_request *req, struct api_response *resp, struct download *d,
                      const struct export_cell *cells);
/* Finishes the file into resp with its content type and a Content-Disposition naming
 * entity (a Chinese word such as "客户") and the local time. */
void api_download_finish(struct api_request *req, struct api_response *resp, struct download *d,
                         const char *entity);
void api_download_free(struct download *d);

/* The Chinese label of a dictionary value; the value itself when the dictionary lacks it
 * (an export never invents a label), "" for NULL. */
const char *api_dict_label(const struct dict_row *rows, size_t n, const char *type,
                           const char *value);

/* True if an export of total rows fits SH_MAX_EXPORT_ROWS; else fills err with 422
 * export_too_large (the user narrows the filter). */
bool api_export_fits(int64_t total, struct sh_error *err);

#endif
