/* mailer.h — the mail transport of the notification outbox: formats a plain-text message
 * (RFC 5322 + MIME, Chinese subjects as RFC 2047 encoded-words) and sends it over SMTP with
 * libcurl, telling a failure worth retrying from one that is not.
 *
 * Design: the outbox owns the queue, the attempts and the clock; this module keeps no state
 * between calls, so senders on several threads may call it at once (each call uses its own
 * curl handle). Formatting is pure and separate from sending: a message can be checked and
 * tested without a network, and the sender only moves bytes. One message goes to its
 * recipients all at once or not at all: a recipient refused before DATA aborts the whole
 * transaction, so a retry never delivers twice to the others. Not done here: HTML parts,
 * attachments, Cc/Bcc, SMTPUTF8 (non-ASCII addresses), DKIM (the relay signs). */
#ifndef SHOUHOU_MAILER_H
#define SHOUHOU_MAILER_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/status.h"

/* Recipients of one message. Notifications go to a person or a small team; a longer list is
 * a bug upstream, not a mailing list to serve. */
#define MAILER_MAX_RECIPIENTS 50

/* One mailbox. Both strings are borrowed. */
struct mail_address {
  const char *name;    /* display name, UTF-8, no control characters; NULL or "" for none */
  const char *address; /* local@domain: printable ASCII, no spaces, no <>, ≤ 254 bytes */
};

/* One message. Every pointer is borrowed for the duration of the call. */
struct mail {
  int64_t id;                    /* > 0, unique per message: the outbox row id */
  int64_t created_at;            /* UTC seconds the message was queued, ≥ 0 */
  struct mail_address from;      /* author, also the envelope sender (MAIL FROM) */
  const struct mail_address *to; /* to_count recipients, also the envelope (RCPT TO) */
  size_t to_count;               /* 1..MAILER_MAX_RECIPIENTS */
  const char *subject;           /* UTF-8, not empty, no control characters */
  const char *body;              /* UTF-8 plain text; "\r\n", "\n" or "\r" ends a line */
};

/* How the connection to the relay is protected. */
enum mailer_tls {
  MAILER_TLS_NONE,     /* plain smtp://: only for a relay on this host or a trusted network */
  MAILER_TLS_STARTTLS, /* smtp:// upgraded with STARTTLS, which the relay must offer */
  MAILER_TLS_IMPLICIT, /* smtps://: TLS from the first byte */
};

/* Where and how to send. Strings are borrowed. The relay's certificate is always verified. */
struct mailer_config {
  const char *host;            /* relay: "smtp.example.com", "192.0.2.1" or "[2001:db8::1]" */
  int port;                    /* 1..65535; 0: 25 (NONE), 587 (STARTTLS), 465 (IMPLICIT) */
  enum mailer_tls tls;         /* MAILER_TLS_NONE refuses a username: no password in clear */
  const char *username;        /* NULL or "": no AUTH */
  const char *password;        /* with username; never logged */
  const char *helo_domain;     /* name given with EHLO; NULL or "": this host's name */
  const char *ca_file;         /* PEM file of trusted CAs; NULL or "": the system's */
  int connect_timeout_seconds; /* until ready for MAIL (TCP, TLS, EHLO, AUTH); 0: 10 */
  int timeout_seconds;         /* the whole transaction, 0: 30 */
};

/* Wrap curl_global_init and curl_global_cleanup: main calls each once, init before any
 * thread starts, cleanup after every sender stopped. mailer_global_init returns
 * SH_ERR_INTERNAL if curl (or GnuTLS under it) cannot start. */
enum sh_status mailer_global_init(void);
void mailer_global_cleanup(void);

/* Appends to out the whole message, ready for SMTP DATA, every line ending in CRLF:
 *
 *   Date: Sat, 28 Nov 2026 09:30:00 +0800       now, always shown at +0800 (China Standard
 *                                               Time, no daylight saving: what readers here
 *                                               expect; the instant is exact either way)
 *   From: =?UTF-8?B?5ZSu5ZCO5pyN5Yqh6YOo?= <noreply@example.com>
 *   To: =?UTF-8?B?...?= <a@example.com>,         one mailbox a line after the first
 *    b@example.com
 *   Subject: =?UTF-8?B?...?=                     always encoded-words (RFC 2047, B, UTF-8),
 *    =?UTF-8?B?...?=                             ≤ 75 characters each, never splitting a
 *                                               UTF-8 character, one continuation a line
 *   Message-ID: <shouhou.ID.CREATED_AT@DOMAIN>  the same for every attempt of a message
 *   MIME-Version: 1.0
 *   Content-Type: text/plain; charset=UTF-8
 *   Content-Transfer-Encoding: base64
 *   Auto-Submitted: auto-generated              RFC 3834: no auto-replies to notifications
 *
 *   body in base64, lines of 76 characters, line ends made CRLF first (RFC 2046 4.1.1)
 *
 * A display name of printable ASCII is a quoted string, any other an encoded-word phrase.
 * Every header line is at most 78 characters, except a line holding an address or a
 * Message-ID too long to fit, which is at most 998 (RFC 5322 2.1.1). message_id_domain is
 * a host name (letters, digits, '-', '.'); NULL takes the domain of the From address. now
 * is UTC seconds.
 *
 * Fails, leaving out as it was, with SH_ERR_INVALID: "field_required" (an empty subject or
 * address, no recipient), "invalid_email" (an address that is not local@domain as above),
 * "invalid_character" (a control character, CR and LF above all, in a name or the subject:
 * header injection), "too_many_items" (recipients), "out_of_range" (id, created_at, now),
 * "invalid_setting_value" (message_id_domain); with SH_ERR_MALFORMED "invalid_utf8". err->field
 * names the input: "from.name", "from.address", "to[2].address", "to[0].name", "subject", "body",
 * "message_id_domain", "id", "created_at", "now". SH_ERR_TOO_LARGE if out's ceiling is reached,
 * SH_ERR_INTERNAL if out of memory. None of these is worth a retry. */
enum sh_status mailer_format(const struct mail *mail, int64_t now, const char *message_id_domain,
                             struct buf *out, struct sh_error *err);

/* Checks a configuration without connecting: host, port, timeouts, TLS with credentials.
 * SH_ERR_INVALID "invalid_setting_value" naming "host", "port", "tls", "username",
 * "helo_domain", "connect_timeout_seconds" or "timeout_seconds" (ca_file is read when
 * sending). For main at startup, so that a bad setting stops the server, not the mail. */
enum sh_status mailer_config_check(const struct mailer_config *config, struct sh_error *err);

/* Sends formatted[0..len) (made by mailer_format) from mail->from.address to every
 * mail->to[i].address through the relay, after mailer_global_init. Blocks for at most the
 * configured timeouts; no signals (CURLOPT_NOSIGNAL). What went wrong in detail (curl's error text,
 * the relay's reply) is logged with the mail id; err carries only the code, field and reply code.
 *
 * SH_OK: the relay accepted the message for every recipient.
 * SH_ERR_UNAVAILABLE — transient, retry later (mailer_backoff_seconds):
 *   "mail_unavailable"     relay unreachable, connection refused or cut, timeout, a 4xx
 *                          reply at any step, a 5xx reply before MAIL (greeting, EHLO);
 *   "mail_sender_rejected" the relay refused the From address (our configuration);
 *   "mail_login_denied"    AUTH refused (our configuration);
 *   "mail_tls_failed"      STARTTLS not offered, handshake or certificate check failed;
 *   "mail_config_invalid"  the configuration fails mailer_config_check (same field).
 *   The message itself is fine: it will go once the relay or the settings are.
 * SH_ERR_INVALID — permanent, do not retry this message:
 *   "mail_rejected" a 5xx reply to a recipient (field "to[i].address") or to the message
 *                   after DATA (field "body"); detail "smtp 550";
 *   "invalid_email", "invalid_character", "field_required" as in mailer_format, for an
 *   envelope address (checked again: a CR or LF there would inject SMTP commands).
 * SH_ERR_INTERNAL — out of memory or curl unusable ("mail_init"). */
enum sh_status mailer_send(const struct mailer_config *config, const struct mail *mail,
                           const char *formatted, size_t len, struct sh_error *err);

/* The delay in seconds before the next attempt after `attempts` failed ones: 0 for none, then
 * 30 s doubling each time — 30, 60, 120, 240, 480, 960, 1920 — and 3600 (one hour) from the
 * 8th failure on. Pure. A relay that is down for a day costs about 30 attempts; the outbox
 * decides when to give up and may add jitter so queued messages do not retry in step. */
int mailer_backoff_seconds(int attempts);

#endif
