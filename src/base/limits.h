/* limits.h — every ceiling of shouhou in one place (STYLE.md 11). A comment per constant says
 * why it is that size. Growing past a ceiling fails with SH_ERR_TOO_LARGE, never silently. */
#ifndef SHOUHOU_LIMITS_H
#define SHOUHOU_LIMITS_H

/* A JSON request body. A customer with many contacts is a few KB; 1 MiB leaves room for
 * batch requests while bounding what one request can make the server hold. */
#define SH_MAX_BODY_BYTES (1024 * 1024)
/* A chunked body past SH_MAX_BODY_BYTES is read and thrown away up to this many bytes, so
 * that the client gets its 413; a client that sends more is cut off. */
#define SH_MAX_DISCARD_BYTES (16 * 1024 * 1024)
/* An Idempotency-Key header, in bytes of printable ASCII. */
#define SH_MAX_IDEMPOTENCY_KEY_BYTES 128
/* An uploaded spreadsheet (imports of customers, projects, units): 100 000 rows of a
 * dozen columns are 10-20 MB as CSV, less as .xlsx. */
#define SH_MAX_UPLOAD_BYTES (64 * 1024 * 1024)
/* A photo or document upload (multipart/form-data): the HTTP ceiling. The setting
 * attachments.max_bytes (default 10 MB) is the limit users meet; it may not exceed this
 * less the form's own overhead. */
#define SH_MAX_ATTACHMENT_UPLOAD_BYTES (32 * 1024 * 1024)
/* A downloaded export (.xlsx or CSV), and the most rows one export may hold: past that the
 * user is asked to narrow the filter (a screen never needs more; an integration pages). */
#define SH_MAX_DOWNLOAD_BYTES (16 * 1024 * 1024)
#define SH_MAX_EXPORT_ROWS 100000
/* All request headers together (libmicrohttpd's per-connection memory pool). */
#define SH_MAX_HEADER_BYTES (32 * 1024)
/* The query string of one request. */
#define SH_MAX_QUERY_BYTES 4096
/* A response body built in memory (a page of 100 customers is ~100 KB). */
#define SH_MAX_RESPONSE_BYTES (16 * 1024 * 1024)
/* Page size of list endpoints and the deepest offset page (DESIGN.md API conventions). */
#define SH_MAX_PAGE_SIZE 100
#define SH_MAX_PAGE_WINDOW 10000
/* A search query, in bytes. */
#define SH_MAX_SEARCH_BYTES 200
/* The /metrics page (about 1 KB per route and status seen). */
#define SH_MAX_METRICS_BYTES (4 * 1024 * 1024)
/* The folded search text of one customer: every field and contact, each ≤ 500 characters. */
#define SH_MAX_SEARCH_TEXT_BYTES (1024 * 1024)
/* One composed list query (fixed fragments only; see store/customers.c). */
#define SH_MAX_SQL_BYTES 8192
/* Contacts and addresses of one customer. */
#define SH_MAX_CONTACTS 50
#define SH_MAX_ADDRESSES 50
/* Region grants of one user. */
#define SH_MAX_REGION_GRANTS 64
/* A single SQL statement's bound parameters. */
#define SH_MAX_SQL_PARAMS 48
/* Concurrent connections, and per client address. */
#define SH_MAX_CONNECTIONS 1024
#define SH_MAX_CONNECTIONS_PER_IP 256
/* Seconds a connection may sit idle, and the most a request's headers may take to arrive from
 * the connection opening or the previous answer (http/server.c): a slow client — one sending
 * its headers a byte at a time included — cannot hold a connection slot for ever. The tests
 * shorten it with SHOUHOU_HTTP_IDLE_SECONDS. */
#define SH_CONNECTION_IDLE_SECONDS 30
/* Open live-update streams (GET /api/v1/events): each holds a connection for up to five
 * minutes, so they are bounded well below SH_MAX_CONNECTIONS; past this the server answers
 * 503 and the browser's EventSource retries. */
#define SH_MAX_EVENT_STREAMS 200
/* A username and a password, in bytes (argon2id hashes any length; this bounds the work). */
#define SH_MAX_USERNAME_BYTES 64
#define SH_MAX_PASSWORD_BYTES 256
/* Password checks (argon2id, 64 MiB and ~0.1 s of a core each) under way at once, and how
 * long a sign-in waits for one before it is answered 503 (try again): a flood of sign-ins
 * holds at most 4 × 64 MiB and four cores, and soon gives its handler threads back. */
#define SH_MAX_PASSWORD_CHECKS 4
#define SH_PASSWORD_CHECK_WAIT_MS 1000

#endif
