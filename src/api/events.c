/* events.c — GET /api/v1/events, the live-update stream (issue 6: server-sent events refresh the
 * dispatcher board and the dashboard without polling). The route goes through api_handle like
 * every other (session cookie or Bearer token, action "self"); this handler only accepts the
 * request and marks the answer as a stream. The stream itself — suspended connections, the
 * watcher that reads new audit rows, the event text — is the wire's business: http/events.c. */
#include "handlers.h"
#include "list.h"

void api_events_get(struct api_request *req, struct api_response *resp) {
  if (!api_query_check(req, resp, NULL))
    return;
  resp->status = 200;
  resp->event_stream = true;
}
