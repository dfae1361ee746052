/* attachments.c — uploading photos and documents to a ticket (multipart/form-data, one
 * field "file", an optional field "kind": photo or document) and serving them back (SPEC
 * C4; DESIGN.md: Content-Disposition attachment, inline only for images we checked; every
 * response carries X-Content-Type-Options: nosniff from http/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/multipart.h"
#include "../domain/attachment.h"
#include "../domain/complaint.h"
#include "../domain/visit.h"
#include "handlers.h"
#include "list.h"

void api_ticket_attachment_upload(struct api_request *req, struct api_response *resp) {
  int64_t id;
  if (!api_query_check(req, resp, NULL))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  struct multipart_form form;
  struct sh_error err;
  if (multipart_parse(req->content_type, req->body, req->body_len, &form, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  const struct multipart_part *file = multipart_find(&form, "file");
  const struct multipart_part *kind = multipart_find(&form, "kind");
  if (!file || !file->has_filename) {
    api_fail(req, resp, SH_ERR_INVALID, "field_required", "file");
    return;
  }
  char kind_text[16] = "";
  if (kind && kind->len < sizeof kind_text) {
    memcpy(kind_text, kind->data, kind->len);
    kind_text[kind->len] = '\0';
  } else if (kind) {
    api_fail(req, resp, SH_ERR_INVALID, "invalid_choice", "kind");
    return;
  }
  json_t *out = NULL;
  if (attachment_add(req->app, &req->actor, id, kind ? kind_text : NULL, file->filename,
                     file->content_type, file->data, file->len, &out, &err) == SH_OK)
    api_reply(resp, 201, out);
  else
    api_error(req, resp, &err);
}

/* The file name for Content-Disposition: the ASCII fallback keeps letters, digits, dot,
 * dash and underscore; filename* carries the UTF-8 name percent-encoded (RFC 6266). */
static void disposition(const struct attachment_info *info, char *out, size_t size) {
  char ascii[96];
  size_t k = 0;
  for (const char *p = info->name; *p && k + 1 < sizeof ascii; p++) {
    unsigned char ch = (unsigned char)*p;
    bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '.' || ch == '-' || ch == '_';
    ascii[k++] = plain ? (char)ch : '_';
  }
  ascii[k] = '\0';
  char encoded[360];
  size_t e = 0;
  for (const unsigned char *p = (const unsigned char *)info->name; *p && e + 4 < sizeof encoded;
       p++) {
    bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 *p == '.' || *p == '-' || *p == '_';
    if (plain)
      encoded[e++] = (char)*p;
    else
      e += (size_t)snprintf(encoded + e, sizeof encoded - e, "%%%02X", *p);
  }
  encoded[e] = '\0';
  bool image = strncmp(info->content_type, "image/", 6) == 0;
  int n = snprintf(out, size, "%s; filename=\"%s\"; filename*=UTF-8''",
                   image ? "inline" : "attachment", ascii);
  if (n > 0 && (size_t)n < size)
    snprintf(out + n, size - (size_t)n, "%.*s", (int)(size - (size_t)n - 1), encoded);
}

void api_attachment_get(struct api_request *req, struct api_response *resp) {
  int64_t id;
  if (!api_query_check(req, resp, NULL))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  struct attachment_info *info = NULL;
  char *data = NULL;
  size_t len = 0;
  struct sh_error err;
  /* Every kind of owner an attachment can have, each checking its own visibility. */
  static const struct attachment_owner *const owners[] = {
      &attachment_ticket_owner, &complaint_attachment_owner, &visit_attachment_owner};
  if (attachment_get(req->app, &req->actor, id, owners, sizeof owners / sizeof owners[0], &info,
                     &data, &len, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  /* The content type comes from the bytes checked at upload, one of a fixed few. */
  static const char *const types[] = {"image/jpeg", "image/png", "image/webp", "application/pdf"};
  const char *type = "application/octet-stream";
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcmp(info->content_type, types[i]) == 0)
      type = types[i];
  resp->status = 200;
  resp->raw = data;
  resp->raw_len = len;
  resp->content_type = type;
  disposition(info, resp->disposition, sizeof resp->disposition);
  attachment_free(info);
}
