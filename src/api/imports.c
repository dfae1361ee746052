/* imports.c — POST /api/v1/imports/{customers,projects,equipment}: a spreadsheet upload
 * (CSV in UTF-8 or GB18030, or .xlsx) checked (?dry_run=true) or imported all-or-nothing
 * (issue 3). One handler body for the three, given the domain's import function. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../base/jsonx.h"
#include "../domain/import.h"
#include "../export/csv_read.h"
#include "../export/xlsx_read.h"
#include "handlers.h"
#include "list.h"
#include "messages.h"

/* An .xlsx file is a zip: it starts with "PK\3\4". */
static bool looks_like_xlsx(const struct api_request *req) {
  const char *type = req->content_type ? req->content_type : "";
  if (strncasecmp(type, "text/csv", 8) == 0)
    return false;
  if (strncasecmp(type, "application/vnd.openxmlformats", 30) == 0)
    return true;
  return req->body_len >= 4 && memcmp(req->body, "PK\3\4", 4) == 0;
}

static json_t *report_json(struct api_request *req, const struct import_report *r, bool dry_run) {
  json_t *o = json_object();
  jsonx_set_str(o, "kind", r->kind ? r->kind : "");
  jsonx_set_bool(o, "dry_run", dry_run);
  jsonx_set_int(o, "rows", (int64_t)r->rows);
  jsonx_set_int(o, "valid", (int64_t)r->valid);
  jsonx_set_int(o, "created", (int64_t)r->created);
  jsonx_set_int(o, "errors_total", (int64_t)r->errors_total);
  json_t *errors = json_array();
  for (size_t i = 0; i < r->nerrors; i++) {
    const struct import_error *e = &r->errors[i];
    /* The message names the column as the user headed it: "客户名称不能为空". */
    struct sh_error as = {.status = SH_ERR_INVALID};
    snprintf(as.code, sizeof as.code, "%s", e->code);
    snprintf(as.field, sizeof as.field, "%s", e->column);
    snprintf(as.detail, sizeof as.detail, "%s", e->detail);
    char message[512];
    api_message(req->lang, &as, message, sizeof message);
    json_t *x = json_object();
    jsonx_set_int(x, "row", (int64_t)e->row);
    jsonx_set_str(x, "column", e->column);
    jsonx_set_str(x, "code", e->code);
    jsonx_set_str(x, "message", message);
    jsonx_set_str(x, "detail", e->detail);
    json_array_append_new(errors, x);
  }
  json_object_set_new(o, "errors", errors);
  return o;
}

/* Reads the upload, runs import (see domain/import.h) and answers with its report. */
static void import_upload(struct api_request *req, struct api_response *resp, import_fn import) {
  static const char *const allowed[] = {"dry_run", NULL};
  struct sheet *sheet = NULL;
  struct import_report report = {0};
  struct sh_error err;
  if (!api_query_check(req, resp, allowed))
    return;
  const char *dry = api_query(req, "dry_run");
  bool dry_run = false;
  if (dry && strcmp(dry, "true") != 0 && strcmp(dry, "false") != 0 && strcmp(dry, "1") != 0 &&
      strcmp(dry, "0") != 0) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "dry_run");
    return;
  }
  dry_run = dry && (strcmp(dry, "true") == 0 || strcmp(dry, "1") == 0);
  enum sh_status rc = looks_like_xlsx(req) ? xlsx_read(req->body, req->body_len, &sheet, &err)
                                           : csv_read(req->body, req->body_len, &sheet, &err);
  if (rc == SH_OK)
    rc = import(req->app, &req->actor, sheet, dry_run, NULL, NULL, &report, &err);
  if (rc == SH_OK) {
    api_reply(resp, 200, report_json(req, &report, dry_run));
  } else if (strcmp(err.code, "import_rejected") == 0) {
    api_error(req, resp, &err);
    json_object_set_new(resp->json, "report", report_json(req, &report, dry_run));
  } else {
    api_error(req, resp, &err);
  }
  import_report_free(&report);
  sheet_free(sheet);
}

void api_imports_customers(struct api_request *req, struct api_response *resp) {
  import_upload(req, resp, import_customers);
}

void api_imports_projects(struct api_request *req, struct api_response *resp) {
  import_upload(req, resp, import_projects);
}

void api_imports_equipment(struct api_request *req, struct api_response *resp) {
  import_upload(req, resp, import_equipment);
}
