/* download.c — .xlsx and CSV downloads of lists (see download.h). */
#include "download.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/limits.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../export/csv.h"
#include "../export/xlsx.h"
#include "list.h"

struct download {
  bool xlsx;
  struct csv_writer *csv;
  struct xlsx_writer *book;
};

struct download *api_download_begin(struct api_request *req, struct api_response *resp,
                                    const struct export_table *table) {
  const char *format = api_query(req, "format");
  struct sh_error err;
  struct download *d = sh_calloc(1, sizeof *d);
  if (!d) {
    api_fail(req, resp, SH_ERR_INTERNAL, "out_of_memory", NULL);
    return NULL;
  }
  d->xlsx = !format || strcmp(format, "xlsx") == 0;
  enum sh_status rc;
  if (d->xlsx)
    rc = xlsx_writer_begin(table, NULL, SH_MAX_DOWNLOAD_BYTES, &d->book, &err);
  else if (strcmp(format, "csv") == 0)
    rc = csv_writer_begin(table, SH_MAX_DOWNLOAD_BYTES, &d->csv, &err);
  else
    rc = sh_fail(&err, SH_ERR_MALFORMED, "invalid_parameter", "format", "xlsx, csv");
  if (rc != SH_OK) {
    api_error(req, resp, &err);
    api_download_free(d);
    return NULL;
  }
  return d;
}

bool api_download_row(struct api_request *req, struct api_response *resp, struct download *d,
                      const struct export_cell *cells) {
  struct sh_error err;
  enum sh_status rc =
      d->xlsx ? xlsx_writer_row(d->book, cells, &err) : csv_writer_row(d->csv, cells, &err);
  if (rc != SH_OK)
    api_error(req, resp, &err);
  return rc == SH_OK;
}

/* filename*=UTF-8''… (RFC 5987): every byte outside the unreserved set percent-encoded. */
static void encode_filename(const char *name, char *out, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)name; *p && o + 4 < n; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        *p == '.' || *p == '_' || *p == '-') {
      out[o++] = (char)*p;
    } else {
      out[o++] = '%';
      out[o++] = hex[*p >> 4];
      out[o++] = hex[*p & 15];
    }
  }
  out[o] = '\0';
}

void api_download_finish(struct api_request *req, struct api_response *resp, struct download *d,
                         const char *entity) {
  struct sh_error err;
  char *data = NULL;
  size_t len = 0;
  enum sh_status rc = d->xlsx ? xlsx_writer_finish(d->book, &data, &len, &err)
                              : csv_writer_finish(d->csv, &data, &len, &err);
  if (rc != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  char local[TIME_ISO_LEN], stamp[16], name[128], encoded[400];
  time_format_iso(time_now(), req->app->tz_offset_minutes, local);
  /* "2026-11-28T20:41:54+08:00" → "20261128204154" */
  snprintf(stamp, sizeof stamp, "%.4s%.2s%.2s%.2s%.2s%.2s", local, local + 5, local + 8, local + 11,
           local + 14, local + 17);
  const char *ext = d->xlsx ? "xlsx" : "csv";
  snprintf(name, sizeof name, "%s_%s.%s", entity, stamp, ext);
  encode_filename(name, encoded, sizeof encoded);
  /* An ASCII name for old clients, the Chinese one for every browser of this decade. */
  snprintf(resp->disposition, sizeof resp->disposition,
           "attachment; filename=\"export_%s.%s\"; filename*=UTF-8''%s", stamp, ext, encoded);
  resp->status = 200;
  resp->raw = data;
  resp->raw_len = len;
  resp->content_type = d->xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                               : "text/csv; charset=utf-8";
}

void api_download_free(struct download *d) {
  if (!d)
    return;
  csv_writer_free(d->csv);
  xlsx_writer_free(d->book);
  free(d);
}

const char *api_dict_label(const struct dict_row *rows, size_t n, const char *type,
                           const char *value) {
  for (size_t i = 0; value && i < n; i++)
    if (strcmp(rows[i].type, type) == 0 && strcmp(rows[i].value, value) == 0)
      return rows[i].label_zh;
  return value ? value : "";
}

bool api_export_fits(int64_t total, struct sh_error *err) {
  if (total <= SH_MAX_EXPORT_ROWS)
    return true;
  char detail[32];
  snprintf(detail, sizeof detail, "%d", SH_MAX_EXPORT_ROWS);
  sh_fail(err, SH_ERR_INVALID, "export_too_large", NULL, detail);
  return false;
}
