/* events.h — live updates for the web UI: GET /api/v1/events as server-sent events (issue 6:
 * "refresh the dispatcher board and dashboard live without polling"; docs/web.md "Live
 * updates").
 *
 * One hub per server. Its watcher thread reads the audit rows written since it last looked,
 * once a second and only while a stream is open, so it sees the changes of every node that
 * shares the database; it sends each open stream the names of the entities that changed
 * ("ticket", "customer", …) — never an id or a value, so nothing crosses a region. A stream
 * with nothing to send has its connection suspended (it costs no thread and no CPU) and is
 * resumed when there is something: a change, a ": ping" comment every 20 s, the end after
 * 300 s (the browser reconnects and is authenticated afresh). */
#ifndef SHOUHOU_EVENTS_H
#define SHOUHOU_EVENTS_H

struct app;
struct events;
struct MHD_Connection;
struct MHD_Response;

/* Starts the hub and its watcher thread (asleep until a stream opens). NULL if it could not.
 * SHOUHOU_EVENTS_PING_SECONDS and SHOUHOU_EVENTS_LIFETIME_SECONDS shorten the 20 s and 300 s
 * for tests. */
struct events *events_start(struct app *app);

enum events_refusal { EVENTS_OK, EVENTS_FULL, EVENTS_STOPPING, EVENTS_NO_MEMORY };

/* A new stream on conn, from libmicrohttpd's thread when the request is answered: the
 * response to queue (and destroy). NULL with *why set when the stream bound
 * (SH_MAX_EVENT_STREAMS) is reached, the server is stopping, or memory ran out. */
struct MHD_Response *events_open(struct events *ev, struct MHD_Connection *conn,
                                 enum events_refusal *why);

/* Refuses new streams, ends every open one (resuming the suspended) and waits up to
 * wait_ms for them to finish. Afterwards no stream connection is suspended, so
 * MHD_stop_daemon may run. */
void events_end_all(struct events *ev, int wait_ms);

/* Stops the watcher and frees the hub: after MHD_stop_daemon (which releases the streams
 * still open). NULL is fine. */
void events_free(struct events *ev);

#endif
