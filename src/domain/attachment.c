/* attachment.c — photos and documents on tickets, visits and complaints (see attachment.h). */
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

/* The ticket as an owner: visible in the ticket scope; the timeline gets an event. */
static enum sh_status ticket_check(struct store_tx *tx, const struct actor *actor, int64_t id,
                                   bool for_write, struct sh_error *err) {
  (void)for_write; /* a closed ticket still takes photos and documents (the report's) */
  struct ticket_scope scope = ticket_scope_of(actor);
  struct ticket *t = NULL;
  enum sh_status rc = store_ticket_get(tx, id, &scope, &t, err);
  ticket_free(t);
  return rc;
}

static enum sh_status ticket_added(struct store_tx *tx, const struct actor *actor, int64_t id,
                                   const char *detail, int64_t now, struct sh_error *err) {
  return store_ticket_event_add(tx, id, now, actor->user_id, "attachment", detail, err);
}

const struct attachment_owner attachment_ticket_owner = {
    .kind = "ticket", .check = ticket_check, .added = ticket_added};

struct add_arg {
  const struct actor *actor;
  const struct attachment_owner *owner;
  int64_t owner_id;
  const char *kind, *name, *type;
  const void *data;
  size_t len;
  char sha[65];
  int64_t id, now;
};

static enum sh_status add_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct add_arg *a = arg;
  int64_t max = 0;
  enum sh_status rc = a->owner->check(tx, a->actor, a->owner_id, true, err);
  if (rc == SH_OK)
    rc = settings_int(tx, "attachments.max_bytes", &max, err);
  if (rc == SH_OK && (int64_t)a->len > max) {
    char limit[32];
    snprintf(limit, sizeof limit, "%lld", (long long)max);
    rc = sh_fail(err, SH_ERR_TOO_LARGE, "file_too_large", "file", limit);
  }
  struct attachment_info info = {.owner_kind = (char *)a->owner->kind,
                                 .owner_id = a->owner_id,
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
    if (a->owner->added)
      rc = a->owner->added(tx, a->actor, a->owner_id, detail, a->now, err);
    if (rc == SH_OK) {
      json_t *changes = json_object();
      json_object_set_new(changes, "attachment", d);
      d = NULL;
      rc = audit_log(tx, a->actor, a->owner->kind, a->owner_id, "attachment", changes, a->now, err);
      json_decref(changes);
    }
    json_decref(d);
  }
  return rc;
}

enum sh_status attachment_add_to(struct app *app, const struct actor *actor,
                                 const struct attachment_owner *owner, int64_t owner_id,
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
                      .owner = owner,
                      .owner_id = owner_id,
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
  jsonx_set_str(o, "owner_kind", owner->kind);
  jsonx_set_int(o, "owner_id", owner_id);
  if (owner == &attachment_ticket_owner)
    jsonx_set_int(o, "ticket_id", owner_id);
  jsonx_set_str(o, "kind", kind);
  jsonx_set_str(o, "name", safe);
  jsonx_set_str(o, "content_type", real);
  jsonx_set_int(o, "size", (int64_t)len);
  jsonx_set_str(o, "sha256", a.sha);
  jsonx_set_time(o, "created_at", a.now, app->tz_offset_minutes);
  *out = o;
  return SH_OK;
}

enum sh_status attachment_add(struct app *app, const struct actor *actor, int64_t ticket_id,
                              const char *kind, const char *name, const char *declared_type,
                              const void *data, size_t len, json_t **out, struct sh_error *err) {
  return attachment_add_to(app, actor, &attachment_ticket_owner, ticket_id, kind, name,
                           declared_type, data, len, out, err);
}

struct get_arg {
  const struct actor *actor;
  const struct attachment_owner *const *owners;
  size_t nowners;
  int64_t id;
  struct attachment_info *info;
  char *data;
  size_t len;
};

static enum sh_status get_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct get_arg *a = arg;
  enum sh_status rc = store_attachment_get(tx, a->id, &a->info, &a->data, &a->len, err);
  const struct attachment_owner *owner = NULL;
  for (size_t i = 0; rc == SH_OK && i < a->nowners; i++)
    if (strcmp(a->info->owner_kind, a->owners[i]->kind) == 0)
      owner = a->owners[i];
  if (rc == SH_OK && owner)
    rc = owner->check(tx, a->actor, a->info->owner_id, false, err);
  else if (rc == SH_OK)
    rc = sh_fail(err, SH_ERR_NOT_FOUND, "not_found", NULL, NULL);
  if (rc != SH_OK) {
    attachment_info_free(a->info);
    free(a->data);
    a->info = NULL;
    a->data = NULL;
  }
  return rc;
}

enum sh_status attachment_get(struct app *app, const struct actor *actor, int64_t id,
                              const struct attachment_owner *const *owners, size_t n,
                              struct attachment_info **info, char **data, size_t *len,
                              struct sh_error *err) {
  struct get_arg a = {.actor = actor, .owners = owners, .nowners = n, .id = id};
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

enum sh_status attachment_list_in(struct store_tx *tx, const char *owner_kind, int64_t owner_id,
                                  int tz, json_t **out, struct sh_error *err) {
  struct attachment_info *list = NULL;
  size_t n = 0;
  enum sh_status rc = store_attachment_list(tx, owner_kind, owner_id, &list, &n, err);
  json_t *arr = rc == SH_OK ? json_array() : NULL;
  for (size_t i = 0; arr && i < n; i++) {
    json_t *o = json_object();
    jsonx_set_int(o, "id", list[i].id);
    jsonx_set_str(o, "kind", list[i].kind);
    jsonx_set_str(o, "name", list[i].name);
    jsonx_set_str(o, "content_type", list[i].content_type);
    jsonx_set_int(o, "size", list[i].size);
    jsonx_set_str(o, "sha256", list[i].sha256);
    jsonx_set_time(o, "created_at", list[i].created_at, tz);
    json_array_append_new(arr, o);
  }
  attachment_infos_free(list, n);
  if (rc == SH_OK && !arr)
    rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  if (rc == SH_OK)
    *out = arr;
  return rc;
}
