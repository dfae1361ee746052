/* events.c — GET /api/v1/events, the live-update stream (issue 6: server-sent events refresh the
 * dispatcher board and the dashboard without polling). The route goes through api_handle like
 * every other (session cookie or Bearer token, action "self"); this handler only accepts the
 * request and marks the answer as a stream. The stream itself — suspended connections, the
 * watcher that reads new audit rows, the event text — is the wire's business: http/events.c,
 * which reads the changes through api_changes_after (below), never the domain itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "../domain/audit.h"
#include "handlers.h"
#include "list.h"

void api_events_get(struct api_request *req, struct api_response *resp) {
  if (!api_query_check(req, resp, NULL))
    return;
  resp->status = 200;
  resp->event_stream = true;
}

/* Audit rows after which a session or token may no longer be valid: a sign-in (it deletes the
 * session the browser sent), a sign-out, a change of a user (deactivated, new password: their
 * sessions are deleted) and a token's revocation. A failed sign-in ends nothing. */
static bool action_ends_access(const char *entity, const char *action) {
  if (strcmp(entity, "token") == 0)
    return strcmp(action, "create") != 0;
  return strcmp(entity, "user") == 0 && strcmp(action, "login_failed") != 0 &&
         strcmp(action, "create") != 0;
}

/* A sign-in or sign-out writes an audit row but changes nothing a page shows. */
static bool action_shown(const char *action) {
  return strcmp(action, "login") != 0 && strcmp(action, "login_failed") != 0 &&
         strcmp(action, "logout") != 0;
}

enum sh_status api_changes_after(struct app *app, int64_t after_id, size_t limit,
                                 struct api_change *out, size_t *count, int64_t *newest,
                                 struct sh_error *err) {
  struct audit_mark *marks = sh_calloc(limit ? limit : 1, sizeof *marks);
  if (!marks)
    return sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  size_t n = 0;
  enum sh_status rc = audit_after(app, after_id, limit, marks, &n, newest, err);
  for (size_t i = 0; rc == SH_OK && i < n; i++) {
    out[i].id = marks[i].id;
    snprintf(out[i].entity, sizeof out[i].entity, "%s", marks[i].entity);
    out[i].shown = action_shown(marks[i].action);
    out[i].ends_access = action_ends_access(marks[i].entity, marks[i].action);
  }
  *count = rc == SH_OK ? n : 0;
  free(marks);
  return rc;
}
