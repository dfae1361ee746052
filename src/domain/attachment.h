/* attachment.h — photos and documents on a ticket (SPEC C4 on-site record; DESIGN.md "Data
 * conventions"): checked before anything is stored — the size against the setting
 * attachments.max_bytes, the type by the file's own bytes (JPEG, PNG, WebP, PDF; a file
 * whose bytes are not the type it claims is refused), the name reduced to a plain file
 * name (no folders, no control characters) — then kept in the database with its SHA-256.
 * An attachment is visible exactly when its ticket is. */
#ifndef SHOUHOU_DOMAIN_ATTACHMENT_H
#define SHOUHOU_DOMAIN_ATTACHMENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../store/ticket_work.h"
#include "actor.h"
#include "app.h"

/* Adds a file to a ticket. kind: "photo" or "document" (NULL: an image is a photo, a PDF a
 * document). name and declared_type as the
 * client sent them (declared_type may be "" or application/octet-stream: the bytes
 * decide). *out: the attachment's description. */
enum sh_status attachment_add(struct app *app, const struct actor *actor, int64_t ticket_id,
                              const char *kind, const char *name, const char *declared_type,
                              const void *data, size_t len, json_t **out, struct sh_error *err);

/* One attachment with its bytes, if the caller may see its ticket (404 otherwise). Caller
 * frees *data, and *info with attachment_free. */
enum sh_status attachment_get(struct app *app, const struct actor *actor, int64_t id,
                              struct attachment_info **info, char **data, size_t *len,
                              struct sh_error *err);

/* Frees what attachment_get gave as info; NULL is fine. */
void attachment_free(struct attachment_info *info);

#endif
