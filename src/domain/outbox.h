/* outbox.h — notifications through a transactional outbox (DESIGN.md: "outbox row for any
 * notification", written in the same unit as the change that causes it; the sender job
 * delivers mail later with retries, so nothing is lost when the mail server is down).
 *
 * Each notification is one outbox row for one user: it is always the user's in-app
 * notice (GET /api/v1/notifications) and, when the user has a mail address, also a mail
 * the sender delivers (next_attempt_at set). Subjects and bodies are Chinese UTF-8. */
#ifndef SHOUHOU_DOMAIN_OUTBOX_H
#define SHOUHOU_DOMAIN_OUTBOX_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../rules/roles.h"
#include "../store/outbox.h"
#include "../store/store.h"
#include "actor.h"
#include "app.h"

/* Inside the caller's unit: queues a notification to one active user (an inactive or
 * unknown user gets none, without error). ticket_id 0: not about a ticket. */
enum sh_status outbox_notify_user(struct store_tx *tx, int64_t user_id, int64_t ticket_id,
                                  const char *subject, const char *body, int64_t now,
                                  struct sh_error *err);

/* Inside the caller's unit: queues it to every active user of the role whose region grants
 * cover region_code (a 6-digit GB/T 2260 code). *count (may be NULL) gets how many. */
enum sh_status outbox_notify_role(struct store_tx *tx, enum role role, const char *region_code,
                                  int64_t ticket_id, const char *subject, const char *body,
                                  int64_t now, int *count, struct sh_error *err);

/* The sender's side (jobs/sender.c): claim, then deliver outside any unit, then record.
 *
 * Guarantees: a row is never dropped. A claimed row whose sender dies is due again at
 * claim_until; an attempt is recorded only after it ended, so a mail may in the worst case
 * (a crash between the relay's acceptance and the record) go twice, never zero times. */

/* One unit: up to limit rows due at now, each moved to now + claim_seconds. Caller frees
 * *out with outbox_rows_free (store/outbox.h). */
enum sh_status outbox_claim(struct app *app, int64_t now, int64_t claim_seconds, int limit,
                            struct outbox_row **out, size_t *count, struct sh_error *err);
/* Each a small unit recording one attempt (attempts + 1): delivered; to be retried at
 * retry_at (a transient failure); failed for good (a permanent one). error is a short code
 * and detail, never a password. */
enum sh_status outbox_mark_sent(struct app *app, int64_t id, int64_t now, struct sh_error *err);
enum sh_status outbox_mark_retry(struct app *app, int64_t id, int64_t retry_at, const char *error,
                                 struct sh_error *err);
enum sh_status outbox_mark_failed(struct app *app, int64_t id, int64_t now, const char *error,
                                  struct sh_error *err);

/* A transient failure is retried this many times, then the row fails (about three days
 * at the mailer's hourly back-off ceiling). */
#define OUTBOX_MAX_ATTEMPTS 80

/* What happened to a row's mail: "none" (in-app only: no address), "queued", "sent",
 * "failed". */
const char *outbox_mail_state(const struct outbox_row *row);

/* The caller's own notifications (struct outbox_filter of store/outbox.h; user_id is set
 * from the actor). Caller frees *out with outbox_rows_free. */
enum sh_status outbox_list(struct app *app, const struct actor *actor, struct outbox_filter *f,
                           struct outbox_row **out, size_t *count, int64_t *total,
                           struct sh_error *err);
/* Marks the caller's notification read (again: no change) and returns it in *out (caller
 * clears with outbox_row_clear). 404 for anyone else's row. */
enum sh_status outbox_mark_read(struct app *app, const struct actor *actor, int64_t id,
                                struct outbox_row *out, struct sh_error *err);

/* The administrator's check that mail works: queues a test notification to user_id
 * (audited). 422 "unknown_user" (field user_id) for no such or an inactive user. *out gets
 * the new row (caller clears with outbox_row_clear). */
enum sh_status outbox_test_mail(struct app *app, const struct actor *actor, int64_t user_id,
                                struct outbox_row *out, struct sh_error *err);

#endif
