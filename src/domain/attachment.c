/* attachment.c — photos and documents on tickets (see attachment.h). */
#include "attachment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/codec.h"
#include "../base/jsonx.h"
#include "../base/multipart.h"
#include "../base/timefmt.h"
#include "../store/attachments.h"
#include "../store/tickets.h"
#include "audit.h"
#include "settings.h"
#include "ticket_internal.h"

struct add_arg {
  const struct actor *actor;
  int64_t ticket_id;
  const char *kind, *name, *type;
  const void *data;
  size_t len;
  char sha[65];
  int64_t id, now;
};

static enum sh_status add_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct add_arg *a = arg;
  struct ticket_scope scope = ticket_scope_of(a->actor);
  struct ticket *t = NULL;
  int64_t max = 0;
  enum sh_status rc = store_ticket_get(tx, a->ticket_id, &scope, &t, err);
  if (rc == SH_OK)
    rc = settings_int(tx, "attachments.max_bytes", &max, err);
  if (rc == SH_OK && (int64_t)a->len > max) {
    char limit[32];
    snprintf(limit, sizeof limit, "%lld", (long long)max);
    rc = sh_fail(err, SH_ERR_TOO_LARGE, "file_too_large", "file", limit);
  }
  struct attachment_info info = {.owner_kind = "ticket",
                                 .owner_id = a->ticket_id,
                                 .kind = (char *)a->kind,
                                 .name = (char *)a->name,
                                 .content_type = (char *)a->type,
                                 .size = (int64_t)a->len,
                                 .sha256 = a->sha,
                                 .created_by = a->actor->user_id,
                                 .created_at = a->now};
  if (rc == SH_OK)
    rc = store_attachment_insert(tx, &info, a->data, a->len, &a->id, err);
  char detail[1400];
  if (rc == SH_OK) {
    json_t *d = json_object();
    jsonx_set_int(d, "attachment_id", a->id);
    jsonx_set_str(d, "kind", a->kind);
    jsonx_set_str(d, "name", a->name);
    jsonx_set_str(d, "content_type", a->type);
    jsonx_set_int(d, "size", (int64_t)a->len);
    jsonx_set_str(d, "sha256", a->sha);
    char *text = jsonx_dump(d);
    snprintf(detail, sizeof detail, "%s", text ? text : "{}");
    free(text);
    rc = store_ticket_event_add(tx, a->ticket_id, a->now, a->actor->user_id, "attachment", detail,
                                err);
    if (rc == SH_OK) {
      json_t *changes = json_object();
      json_object_set_new(changes, "attachment", d);
      d = NULL;
      rc = audit_log(tx, a->actor, "ticket", a->ticket_id, "attachment", changes, a->now, err);
      json_decref(changes);
    }
    json_decref(d);
  }
  ticket_free(t);
  return rc;
}

enum sh_status attachment_add(struct app *app, const struct actor *actor, int64_t ticket_id,
                              const char *kind, const char *name, const char *declared_type,
                              const void *data, size_t len, json_t **out, struct sh_error *err) {
  if (kind && strcmp(kind, "photo") != 0 && strcmp(kind, "document") != 0)
    return sh_fail(err, SH_ERR_INVALID, "invalid_choice", "kind", "photo,document");
  if (len == 0)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "file", NULL);
  const char *real = multipart_sniff_type(data, len);
  if (!real)
    return sh_fail(err, SH_ERR_MEDIA_TYPE, "file_type_not_allowed", "file",
                   "image/jpeg,image/png,image/webp,application/pdf");
  /* Without a kind, an image is a photo and a PDF a document. */
  if (!kind)
    kind = strncmp(real, "image/", 6) == 0 ? "photo" : "document";
  /* A declared type that is not what the bytes are is refused: a script named photo.jpg
   * stays out, and what is served is what was checked. */
  if (declared_type && *declared_type && strcmp(declared_type, "application/octet-stream") != 0 &&
      strcmp(declared_type, real) != 0)
    return sh_fail(err, SH_ERR_MEDIA_TYPE, "file_type_mismatch", "file", real);
  char safe[256];
  multipart_safe_filename(name ? name : "", safe, sizeof safe);
  struct add_arg a = {.actor = actor,
                      .ticket_id = ticket_id,
                      .kind = kind,
                      .name = safe,
                      .type = real,
                      .data = data,
                      .len = len,
                      .now = time_now()};
  sha256_hex(data, len, a.sha);
  enum sh_status rc = store_write(app->store, add_unit, &a, err);
  if (rc != SH_OK)
    return rc;
  json_t *o = json_object();
  jsonx_set_int(o, "id", a.id);
  jsonx_set_int(o, "ticket_id", ticket_id);
  jsonx_set_str(o, "kind", kind);
  jsonx_set_str(o, "name", safe);
  jsonx_set_str(o, "content_type", real);
  jsonx_set_int(o, "size", (int64_t)len);
  jsonx_set_str(o, "sha256", a.sha);
  jsonx_set_time(o, "created_at", a.now, app->tz_offset_minutes);
  *out = o;
  return SH_OK;
}

struct get_arg {
  const struct actor *actor;
  int64_t id;
  struct attachment_info *info;
  char *data;
  size_t len;
};

static enum sh_status get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct get_arg *a = arg;
  enum sh_status rc = store_attachment_get(tx, a->id, &a->info, &a->data, &a->len, err);
  struct ticket_scope scope = ticket_scope_of(a->actor);
  struct ticket *t = NULL;
  if (rc == SH_OK && strcmp(a->info->owner_kind, "ticket") == 0)
    rc = store_ticket_get(tx, a->info->owner_id, &scope, &t, err);
  else if (rc == SH_OK)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  ticket_free(t);
  if (rc != SH_OK) {
    attachment_info_free(a->info);
    free(a->data);
    a->info = NULL;
    a->data = NULL;
  }
  return rc;
}

enum sh_status attachment_get(struct app *app, const struct actor *actor, int64_t id,
                              struct attachment_info **info, char **data, size_t *len,
                              struct sh_error *err) {
  struct get_arg a = {.actor = actor, .id = id};
  enum sh_status rc = store_read(app->store, get_unit, &a, err);
  if (rc == SH_OK) {
    *info = a.info;
    *data = a.data;
    *len = a.len;
  }
  return rc;
}

void attachment_free(struct attachment_info *info) {
  attachment_info_free(info);
}
