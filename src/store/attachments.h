/* attachments.h — photos, documents and signatures kept in the database (DESIGN.md "Data
 * conventions": BLOB in SQLite, bytea in PostgreSQL, with SHA-256, type and size), so that
 * several server nodes share them and one backup holds everything. Visibility is the
 * owner's (a ticket's, a visit's, a complaint's): the domain checks it before reading. */
#ifndef SHOUHOU_STORE_ATTACHMENTS_H
#define SHOUHOU_STORE_ATTACHMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "ticket_work.h"

/* Stores the bytes with the description in info (id and created_at from the caller's
 * unit); *id gets the new row's id. */
enum sh_status store_attachment_insert(struct store_tx *tx, const struct attachment_info *info,
                                       const void *data, size_t len, int64_t *id,
                                       struct sh_error *err);

/* The description and the bytes of one attachment. 404 not_found if none. Caller frees
 * *data and the info with attachment_info_free. */
enum sh_status store_attachment_get(struct store_tx *tx, int64_t id, struct attachment_info **info,
                                    char **data, size_t *len, struct sh_error *err);
void attachment_info_free(struct attachment_info *info);

/* The descriptions (no bytes) of one owner's attachments, oldest first. Caller frees *out
 * with attachment_infos_free. */
enum sh_status store_attachment_list(struct store_tx *tx, const char *owner_kind, int64_t owner_id,
                                     struct attachment_info **out, size_t *count,
                                     struct sh_error *err);
void attachment_infos_free(struct attachment_info *list, size_t count);

#endif
