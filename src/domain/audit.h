/* audit.h — writing and reading the audit trail (SPEC L: "Every change is audited (who,
 * when, before, after)"). audit_log is called inside the unit that makes the change, so the
 * change and its audit row commit or fail together. Secrets never enter a change record:
 * callers leave password and token hashes out. */
#ifndef SHOUHOU_DOMAIN_AUDIT_H
#define SHOUHOU_DOMAIN_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "../store/audit.h"
#include "actor.h"
#include "app.h"

/* Adds {"field":{"old":old,"new":new}} to changes if old and new differ (json_equal).
 * Takes ownership of old and new (either may be NULL for JSON null), also on failure. */
void audit_change(json_t *changes, const char *field, json_t *old_value, json_t *new_value);

/* Writes one audit row. actor NULL means the command line ("cli"). Does not take changes. */
enum sh_status audit_log(struct store_tx *tx, const struct actor *actor, const char *entity,
                         int64_t entity_id, const char *action, const json_t *changes, int64_t now,
                         struct sh_error *err);

/* Lists audit rows (administrators; the route checks the role). */
enum sh_status audit_list(struct app *app, const struct audit_filter *filter,
                          struct audit_record **out, size_t *count, int64_t *total,
                          struct sh_error *err);
void audit_records_free(struct audit_record *list, size_t count);

/* The rows after after_id for live updates (see store_audit_after): no permission check, the
 * caller hands out entity names only. */
enum sh_status audit_after(struct app *app, int64_t after_id, size_t limit, struct audit_mark *out,
                           size_t *count, int64_t *newest, struct sh_error *err);

#endif
