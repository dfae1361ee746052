/* attachment.h — photos and documents on a ticket, a return visit or a complaint (SPEC C4
 * on-site record, D3 visits documented with photos, E3 complaint documents; DESIGN.md "Data
 * conventions"): checked before anything is stored — the size against the setting
 * attachments.max_bytes, the type by the file's own bytes (JPEG, PNG, WebP, PDF; a file
 * whose bytes are not the type it claims is refused), the name reduced to a plain file
 * name (no folders, no control characters) — then kept in the database with its SHA-256.
 * An attachment is visible exactly when its owner (ticket, visit, complaint) is. */
#ifndef SHOUHOU_DOMAIN_ATTACHMENT_H
#define SHOUHOU_DOMAIN_ATTACHMENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../store/store.h"
#include "../store/ticket_work.h"
#include "actor.h"
#include "app.h"

/* What an attachment can hang on. Each owner module gives one of these (the ticket's is
 * attachment_ticket_owner below; visit.h and complaint.h give theirs). */
struct attachment_owner {
  const char *kind; /* owner_kind in the attachments table: "ticket", "visit", "complaint" */
  /* Inside the unit: SH_OK when the actor may see the owner `id` (404 not_found otherwise);
   * for_write: also that the owner still takes files (409 when, e.g., it is archived). */
  enum sh_status (*check)(struct store_tx *tx, const struct actor *actor, int64_t id,
                          bool for_write, struct sh_error *err);
  /* Inside the unit, after the insert: records the owner's own event (NULL: none); the
   * audit row is written by attachment.c. detail is the attachment's description. */
  enum sh_status (*added)(struct store_tx *tx, const struct actor *actor, int64_t id,
                          const char *detail, int64_t now, struct sh_error *err);
};
extern const struct attachment_owner attachment_ticket_owner;

/* Adds a file to an owner (kind and checks as attachment_add below). *out as there, with
 * "owner_kind" and "owner_id". */
enum sh_status attachment_add_to(struct app *app, const struct actor *actor,
                                 const struct attachment_owner *owner, int64_t owner_id,
                                 const char *kind, const char *name, const char *declared_type,
                                 const void *data, size_t len, json_t **out, struct sh_error *err);

/* Adds a file to a ticket. kind: "photo" or "document" (NULL: an image is a photo, a PDF a
 * document). name and declared_type as the
 * client sent them (declared_type may be "" or application/octet-stream: the bytes
 * decide). *out: the attachment's description. */
enum sh_status attachment_add(struct app *app, const struct actor *actor, int64_t ticket_id,
                              const char *kind, const char *name, const char *declared_type,
                              const void *data, size_t len, json_t **out, struct sh_error *err);

/* One attachment with its bytes, if the caller may see its owner — found among owners[0..n)
 * by kind (404 otherwise, also for an owner kind not listed). Caller frees *data, and *info
 * with attachment_free. */
enum sh_status attachment_get(struct app *app, const struct actor *actor, int64_t id,
                              const struct attachment_owner *const *owners, size_t n,
                              struct attachment_info **info, char **data, size_t *len,
                              struct sh_error *err);

/* The attachments of one owner, oldest first (descriptions as attachment_add gives them), to
 * show with the owner; inside the caller's unit, after the caller checked visibility. */
enum sh_status attachment_list_in(struct store_tx *tx, const char *owner_kind, int64_t owner_id,
                                  int tz, json_t **out, struct sh_error *err);

/* Frees what attachment_get gave as info; NULL is fine. */
void attachment_free(struct attachment_info *info);

#endif
