/* mailer.c — formats notification mail (RFC 5322, MIME, RFC 2047) and sends it over SMTP with
 * libcurl (contract in mailer.h).
 *
 * Design: every input is checked before a byte is written, so a refused message leaves the
 * output as it was. Header text never reaches the wire raw: names and subjects become quoted
 * strings or encoded-words, and control characters are refused outright, which is what keeps
 * a "\r\nBcc:" in a ticket title from becoming a header. The sender learns which SMTP step
 * failed from curl's protocol trace (the commands it sent, the replies it read) rather than
 * from the wording of curl's error text, and keeps only command verbs from it, so the AUTH
 * exchange never lands in memory it could log. */
#include "mailer.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../base/log.h"
#include "../base/utf8.h"

/* RFC 5322 2.1.1: a line SHOULD be at most 78 characters, without its CRLF. */
#define LINE_LIMIT 78
/* RFC 2047 2: an encoded-word is at most 75 characters; "=?UTF-8?B?" and "?=" take 12. */
#define WORD_LIMIT 75
#define WORD_OVERHEAD 12
/* The shortest useful encoded-word holds one 4-byte character: 8 base64 characters. */
#define WORD_MINIMUM (WORD_OVERHEAD + 8)
/* RFC 2045 6.8: base64 lines of at most 76 characters, i.e. 57 bytes of input. */
#define BASE64_LINE_BYTES 57
/* An ASCII display name longer than this (quoted) is encoded instead, so that it can fold. */
#define QUOTED_NAME_LIMIT 60
/* China Standard Time, the zone every Date header is written in. */
#define DATE_OFFSET_SECONDS (8 * 3600)
/* The last second of 9999-12-31 UTC: RFC 5322 years have four digits. */
#define DATE_LAST_SECOND INT64_C(253402300799)

#define DEFAULT_CONNECT_TIMEOUT_SECONDS 10
#define DEFAULT_TIMEOUT_SECONDS 30

static const char BASE64_DIGITS[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ---- checks ---------------------------------------------------------------------------- */

/* True for a host name: dot-separated labels of letters, digits and inner hyphens, each
 * 1..63 bytes, 253 bytes in all. A single label ("localhost") is a name too. */
static bool domain_valid(const char *s, size_t n) {
  if (n == 0 || n > 253)
    return false;
  size_t label = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '.') {
      if (label == 0 || s[i - 1] == '-')
        return false;
      label = 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      label++;
    } else if (c == '-' && label > 0) {
      label++;
    } else {
      return false;
    }
    if (label > 63)
      return false;
  }
  return label > 0 && s[n - 1] != '-';
}

/* True for an RFC 5321 dot-atom local part: printable ASCII without specials, no leading,
 * trailing or doubled dot, 64 bytes at most. */
static bool local_part_valid(const char *s, size_t n) {
  if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c <= 0x20 || c >= 0x7f || strchr("()<>[]:;@\\,\"", c))
      return false;
    if (c == '.' && s[i + 1] == '.')
      return false;
  }
  return true;
}

static bool address_valid(const char *s) {
  size_t n = strlen(s);
  const char *at = strchr(s, '@');
  if (n > 254 || !at)
    return false;
  size_t local = (size_t)(at - s);
  return local_part_valid(s, local) && domain_valid(at + 1, n - local - 1);
}

static enum sh_status check_address(const char *address, const char *field, struct sh_error *err) {
  if (!address || !*address)
    return sh_fail(err, SH_ERR_INVALID, "field_required", field, NULL);
  if (!address_valid(address))
    return sh_fail(err, SH_ERR_INVALID, "invalid_email", field, NULL);
  return SH_OK;
}

/* Text that goes into a header: no control character (CR and LF would start a new header),
 * and well-formed UTF-8. */
static enum sh_status check_header_text(const char *s, const char *field, struct sh_error *err) {
  size_t n = strlen(s);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f)
      return sh_fail(err, SH_ERR_INVALID, "invalid_character", field,
                     c == '\r' || c == '\n' ? "line break" : "control character");
  }
  if (!utf8_valid(s, n))
    return sh_fail(err, SH_ERR_MALFORMED, "invalid_utf8", field, NULL);
  return SH_OK;
}

static enum sh_status check_mailbox(const struct mail_address *mailbox, const char *prefix,
                                    struct sh_error *err) {
  char field[48];
  snprintf(field, sizeof field, "%s.name", prefix);
  if (mailbox->name) {
    enum sh_status rc = check_header_text(mailbox->name, field, err);
    if (rc != SH_OK)
      return rc;
  }
  snprintf(field, sizeof field, "%s.address", prefix);
  return check_address(mailbox->address, field, err);
}

static enum sh_status check_recipients(const struct mail *mail, struct sh_error *err) {
  if (mail->to_count == 0 || !mail->to)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "to", NULL);
  if (mail->to_count > MAILER_MAX_RECIPIENTS)
    return sh_fail(err, SH_ERR_INVALID, "too_many_items", "to", NULL);
  for (size_t i = 0; i < mail->to_count; i++) {
    char prefix[32];
    snprintf(prefix, sizeof prefix, "to[%zu]", i);
    enum sh_status rc = check_mailbox(&mail->to[i], prefix, err);
    if (rc != SH_OK)
      return rc;
  }
  return SH_OK;
}

/* The envelope: what mailer_send hands to curl. */
static enum sh_status check_envelope(const struct mail *mail, struct sh_error *err) {
  enum sh_status rc = check_mailbox(&mail->from, "from", err);
  if (rc == SH_OK)
    rc = check_recipients(mail, err);
  return rc;
}

static enum sh_status check_mail(const struct mail *mail, int64_t now, struct sh_error *err) {
  enum sh_status rc = check_envelope(mail, err);
  if (rc != SH_OK)
    return rc;
  if (!mail->subject || !*mail->subject)
    return sh_fail(err, SH_ERR_INVALID, "field_required", "subject", NULL);
  rc = check_header_text(mail->subject, "subject", err);
  if (rc != SH_OK)
    return rc;
  const char *body = mail->body ? mail->body : "";
  if (!utf8_valid(body, strlen(body)))
    return sh_fail(err, SH_ERR_MALFORMED, "invalid_utf8", "body", NULL);
  if (mail->id <= 0)
    return sh_fail(err, SH_ERR_INVALID, "out_of_range", "id", NULL);
  if (mail->created_at < 0)
    return sh_fail(err, SH_ERR_INVALID, "out_of_range", "created_at", NULL);
  if (now < 0 || now > DATE_LAST_SECOND - DATE_OFFSET_SECONDS)
    return sh_fail(err, SH_ERR_INVALID, "out_of_range", "now", NULL);
  return SH_OK;
}

/* ---- encoding -------------------------------------------------------------------------- */

/* Writes the base64 of n bytes (with '=' padding, no line breaks) to out, which holds
 * 4 * ((n + 2) / 3) characters; returns their number. */
static size_t base64_encode(const unsigned char *in, size_t n, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    unsigned long group = (unsigned long)in[i] << 16;
    if (i + 1 < n)
      group |= (unsigned long)in[i + 1] << 8;
    if (i + 2 < n)
      group |= in[i + 2];
    out[o++] = BASE64_DIGITS[(group >> 18) & 63];
    out[o++] = BASE64_DIGITS[(group >> 12) & 63];
    out[o++] = i + 1 < n ? BASE64_DIGITS[(group >> 6) & 63] : '=';
    out[o++] = i + 2 < n ? BASE64_DIGITS[group & 63] : '=';
  }
  return o;
}

/* The longest prefix of valid UTF-8 s[0..n) that is at most max bytes and ends on a
 * character boundary. */
static size_t utf8_prefix(const char *s, size_t n, size_t max) {
  if (n <= max)
    return n;
  size_t k = max;
  while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
    k--;
  return k;
}

/* ---- headers --------------------------------------------------------------------------- */

/* A header being written, with the column its current line has reached. */
struct header {
  struct buf *out;
  size_t column;
};

static enum sh_status header_begin(struct header *h, const char *name) {
  h->column = strlen(name) + 1;
  return buf_printf(h->out, "%s:", name);
}

/* Folds: the next token starts a continuation line. */
static enum sh_status header_fold(struct header *h) {
  h->column = 0;
  return buf_append(h->out, "\r\n", 2);
}

/* Writes a space and the token, folding first if the token would pass LINE_LIMIT on this
 * line and is not its first. */
static enum sh_status header_token(struct header *h, const char *token, size_t n) {
  enum sh_status rc = SH_OK;
  if (h->column > 0 && h->column + 1 + n > LINE_LIMIT)
    rc = header_fold(h);
  if (rc == SH_OK)
    rc = buf_append(h->out, " ", 1);
  if (rc == SH_OK)
    rc = buf_append(h->out, token, n);
  h->column += 1 + n;
  return rc;
}

/* Writes text as B-encoded UTF-8 encoded-words, each as long as the line allows (at most
 * WORD_LIMIT) and each holding whole characters, since a decoder may decode every word
 * on its own (RFC 2047 5). */
static enum sh_status header_words(struct header *h, const char *text) {
  size_t n = strlen(text);
  enum sh_status rc = SH_OK;
  for (size_t pos = 0; pos < n && rc == SH_OK;) {
    size_t room = h->column + 1 < LINE_LIMIT ? LINE_LIMIT - h->column - 1 : 0;
    if (room < WORD_MINIMUM) {
      rc = header_fold(h);
      room = LINE_LIMIT - 1;
    }
    if (room > WORD_LIMIT)
      room = WORD_LIMIT;
    size_t take = utf8_prefix(text + pos, n - pos, (room - WORD_OVERHEAD) / 4 * 3);
    char word[WORD_LIMIT + 1] = "=?UTF-8?B?";
    size_t len = 10;
    len += base64_encode((const unsigned char *)text + pos, take, word + len); /* ≤ 45 bytes */
    memcpy(word + len, "?=", 2);
    len += 2;
    if (rc == SH_OK)
      rc = header_token(h, word, len);
    pos += take;
  }
  return rc;
}

static bool printable_ascii(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
      return false;
  return true;
}

/* Writes a display name: a quoted string when it is short printable ASCII (readable in any
 * client and in logs), encoded-words otherwise. */
static enum sh_status header_name(struct header *h, const char *name) {
  char quoted[QUOTED_NAME_LIMIT + 1];
  size_t q = 0;
  bool fits = printable_ascii(name);
  quoted[q++] = '"';
  for (const char *p = name; fits && *p; p++) {
    if (q + 3 > QUOTED_NAME_LIMIT) {
      fits = false;
      break;
    }
    if (*p == '"' || *p == '\\')
      quoted[q++] = '\\';
    quoted[q++] = *p;
  }
  quoted[q++] = '"';
  if (fits)
    return header_token(h, quoted, q);
  return header_words(h, name);
}

/* Writes "name <address>" or a bare address, then the comma when more mailboxes follow. */
static enum sh_status header_mailbox(struct header *h, const struct mail_address *mailbox,
                                     bool comma) {
  enum sh_status rc = SH_OK;
  bool named = mailbox->name && *mailbox->name;
  if (named)
    rc = header_name(h, mailbox->name);
  char token[264];
  int n =
      snprintf(token, sizeof token, named ? "<%s>%s" : "%s%s", mailbox->address, comma ? "," : "");
  if (rc == SH_OK)
    rc = header_token(h, token, (size_t)n);
  return rc;
}

static enum sh_status header_end(struct header *h) {
  return buf_append(h->out, "\r\n", 2);
}

static enum sh_status write_date(struct buf *out, int64_t now) {
  static const char *const weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t local = (time_t)(now + DATE_OFFSET_SECONDS);
  struct tm tm;
  if (!gmtime_r(&local, &tm))
    return SH_ERR_INTERNAL;
  return buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0800\r\n", weekdays[tm.tm_wday],
                    tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                    tm.tm_sec);
}

static enum sh_status write_headers(struct buf *out, const struct mail *mail, int64_t now,
                                    const char *domain) {
  struct header h = {out, 0};
  enum sh_status rc = write_date(out, now);
  if (rc == SH_OK)
    rc = header_begin(&h, "From");
  if (rc == SH_OK)
    rc = header_mailbox(&h, &mail->from, false);
  if (rc == SH_OK)
    rc = header_end(&h);
  if (rc == SH_OK)
    rc = header_begin(&h, "To");
  for (size_t i = 0; i < mail->to_count && rc == SH_OK; i++) {
    if (i > 0)
      rc = header_fold(&h);
    if (rc == SH_OK)
      rc = header_mailbox(&h, &mail->to[i], i + 1 < mail->to_count);
  }
  if (rc == SH_OK)
    rc = header_end(&h);
  if (rc == SH_OK)
    rc = header_begin(&h, "Subject");
  if (rc == SH_OK)
    rc = header_words(&h, mail->subject);
  if (rc == SH_OK)
    rc = header_end(&h);
  char id[320];
  int n = snprintf(id, sizeof id, "<shouhou.%lld.%lld@%s>", (long long)mail->id,
                   (long long)mail->created_at, domain);
  if (rc == SH_OK)
    rc = header_begin(&h, "Message-ID");
  if (rc == SH_OK)
    rc = header_token(&h, id, (size_t)n);
  if (rc == SH_OK)
    rc = header_end(&h);
  if (rc == SH_OK)
    rc = buf_append_str(out, "MIME-Version: 1.0\r\n"
                             "Content-Type: text/plain; charset=UTF-8\r\n"
                             "Content-Transfer-Encoding: base64\r\n"
                             "Auto-Submitted: auto-generated\r\n"
                             "\r\n");
  return rc;
}

/* ---- body ------------------------------------------------------------------------------ */

/* Base64 output in lines of 76 characters, fed one byte at a time. The first failure
 * sticks. */
struct base64_lines {
  struct buf *out;
  unsigned char chunk[BASE64_LINE_BYTES];
  size_t n;
  enum sh_status rc;
};

static void lines_flush(struct base64_lines *lines) {
  if (lines->n == 0 || lines->rc != SH_OK)
    return;
  char line[BASE64_LINE_BYTES / 3 * 4 + 2];
  size_t k = base64_encode(lines->chunk, lines->n, line);
  line[k++] = '\r';
  line[k++] = '\n';
  lines->rc = buf_append(lines->out, line, k);
  lines->n = 0;
}

static void lines_put(struct base64_lines *lines, unsigned char c) {
  if (lines->rc != SH_OK)
    return;
  lines->chunk[lines->n++] = c;
  if (lines->n == BASE64_LINE_BYTES)
    lines_flush(lines);
}

/* Text in canonical form (RFC 2046 4.1.1: every line break CRLF) before base64, so that
 * clients on every platform show the lines the author wrote. */
static enum sh_status write_body(struct buf *out, const char *body) {
  struct base64_lines lines = {.out = out};
  for (const char *p = body; *p && lines.rc == SH_OK; p++) {
    if (*p == '\r' || *p == '\n') {
      if (*p == '\r' && p[1] == '\n')
        p++;
      lines_put(&lines, '\r');
      lines_put(&lines, '\n');
    } else {
      lines_put(&lines, (unsigned char)*p);
    }
  }
  lines_flush(&lines);
  return lines.rc;
}

enum sh_status mailer_format(const struct mail *mail, int64_t now, const char *message_id_domain,
                             struct buf *out, struct sh_error *err) {
  enum sh_status rc = check_mail(mail, now, err);
  if (rc != SH_OK)
    return rc;
  const char *domain = message_id_domain ? message_id_domain : strchr(mail->from.address, '@') + 1;
  if (!domain_valid(domain, strlen(domain)))
    return sh_fail(err, SH_ERR_INVALID, "invalid_setting_value", "message_id_domain", NULL);
  size_t start = out->len;
  rc = write_headers(out, mail, now, domain);
  if (rc == SH_OK)
    rc = write_body(out, mail->body ? mail->body : "");
  if (rc != SH_OK) {
    out->len = start;
    if (out->data)
      out->data[start] = '\0';
    return sh_fail(err, rc, rc == SH_ERR_TOO_LARGE ? "too_large" : "internal", NULL,
                   "mail message");
  }
  return SH_OK;
}

/* ---- configuration --------------------------------------------------------------------- */

/* A host for the URL: a name, an IPv4 address, or an IPv6 address in brackets. Nothing that
 * could end the authority part of the URL ('/', '@', '?', '#') gets through. */
static bool host_valid(const char *host) {
  size_t n = strlen(host);
  if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
    if (n > 2 + 45)
      return false;
    for (size_t i = 1; i + 1 < n; i++)
      if (!strchr("0123456789abcdefABCDEF:.", host[i]))
        return false;
    return n > 2;
  }
  return domain_valid(host, n);
}

static bool has_text(const char *s) {
  return s && *s;
}

enum sh_status mailer_config_check(const struct mailer_config *config, struct sh_error *err) {
  if (!config->host || !host_valid(config->host))
    return sh_fail(err, SH_ERR_INVALID, "invalid_setting_value", "host", NULL);
  if (config->port < 0 || config->port > 65535)
    return sh_fail(err, SH_ERR_INVALID, "invalid_setting_value", "port", "0..65535");
  if (config->tls != MAILER_TLS_NONE && config->tls != MAILER_TLS_STARTTLS &&
      config->tls != MAILER_TLS_IMPLICIT)
    return sh_fail(err, SH_ERR_INVALID, "invalid_setting_value", "tls", NULL);
  if (has_text(config->username) && config->tls == MAILER_TLS_NONE)
    return sh_fail(err, SH_ERR_INVALID, "invalid_setting_value", "username",
                   "a password is never sent without TLS");
  if (has_text(config->helo_domain) &&
      !domain_valid(config->helo_domain, strlen(config->helo_domain)))
    return sh_fail(err, SH_ERR_INVALID, "invalid_setting_value", "helo_domain", NULL);
  if (config->connect_timeout_seconds < 0)
    return sh_fail(err, SH_ERR_INVALID, "invalid_setting_value", "connect_timeout_seconds", NULL);
  if (config->timeout_seconds < 0)
    return sh_fail(err, SH_ERR_INVALID, "invalid_setting_value", "timeout_seconds", NULL);
  return SH_OK;
}

/* ---- sending --------------------------------------------------------------------------- */

enum sh_status mailer_global_init(void) {
  return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? SH_OK : SH_ERR_INTERNAL;
}

void mailer_global_cleanup(void) {
  curl_global_cleanup();
}

/* The message being uploaded. */
struct upload {
  const char *data;
  size_t len;
  size_t pos;
};

static size_t read_message(char *buffer, size_t size, size_t count, void *user) {
  struct upload *upload = user;
  size_t n = upload->len - upload->pos;
  if (n > size * count)
    n = size * count;
  memcpy(buffer, upload->data + upload->pos, n);
  upload->pos += n;
  return n;
}

/* What curl's protocol trace told us: the step that failed and the relay's last reply. */
struct transcript {
  char command[12];  /* verb of the last command sent ("MAIL", "RCPT", "DATA"), "" before */
  size_t rcpt_count; /* RCPT commands sent */
  int reply_code;    /* code of the last reply line, 0 before the greeting */
  char reply[160];   /* that line, control characters replaced, for the log */
  bool quitting;     /* QUIT sent: what follows says nothing about the failure */
};

/* Records the verb of a command line, if it is one of the known verbs: a line that is not
 * (an AUTH continuation carries credentials) is never copied. */
static void note_command(struct transcript *t, const char *line, size_t n) {
  static const char *const verbs[] = {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL",
                                      "RCPT", "DATA", "RSET",     "QUIT"};
  for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
    size_t k = strlen(verbs[i]);
    if (n >= k && memcmp(line, verbs[i], k) == 0 &&
        (n == k || line[k] == ' ' || line[k] == '\r' || line[k] == '\n')) {
      if (strcmp(verbs[i], "QUIT") == 0) {
        t->quitting = true; /* curl says goodbye after a failure: keep the failing step */
        return;
      }
      snprintf(t->command, sizeof t->command, "%s", verbs[i]);
      t->rcpt_count += strcmp(verbs[i], "RCPT") == 0;
      return;
    }
  }
}

static void note_reply(struct transcript *t, const char *line, size_t n) {
  if (n < 3 || line[0] < '1' || line[0] > '5' || line[1] < '0' || line[1] > '9' || line[2] < '0' ||
      line[2] > '9')
    return;
  t->reply_code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  size_t k = 0;
  for (size_t i = 0; i < n && k + 1 < sizeof t->reply; i++) {
    unsigned char c = (unsigned char)line[i];
    if (c == '\r' || c == '\n')
      break;
    t->reply[k++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
  }
  t->reply[k] = '\0';
}

static int on_trace(CURL *handle, curl_infotype type, char *data, size_t size, void *user) {
  (void)handle;
  struct transcript *t = user;
  if (t->quitting)
    return 0;
  if (type == CURLINFO_HEADER_OUT)
    note_command(t, data, size);
  else if (type == CURLINFO_HEADER_IN)
    note_reply(t, data, size);
  return 0;
}

static bool tls_failure(CURLcode code) {
  return code == CURLE_USE_SSL_FAILED || code == CURLE_SSL_CONNECT_ERROR ||
         code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE ||
         code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_ISSUER_ERROR ||
         code == CURLE_SSL_CRL_BADFILE || code == CURLE_SSL_ENGINE_INITFAILED;
}

/* Turns a failed transaction into a status: a 5xx to a recipient or to the message is the
 * message's fault and permanent; everything else is the relay's or ours and worth a retry. */
static enum sh_status classify(CURLcode code, const struct transcript *t, struct sh_error *err) {
  char detail[32] = "";
  if (t->reply_code > 0)
    snprintf(detail, sizeof detail, "smtp %d", t->reply_code);
  bool refused = t->reply_code >= 500 && t->reply_code <= 599;
  if (refused && strcmp(t->command, "RCPT") == 0 && t->rcpt_count > 0) {
    char field[48];
    snprintf(field, sizeof field, "to[%zu].address", t->rcpt_count - 1);
    return sh_fail(err, SH_ERR_INVALID, "mail_rejected", field, detail);
  }
  if (refused && strcmp(t->command, "DATA") == 0)
    return sh_fail(err, SH_ERR_INVALID, "mail_rejected", "body", detail);
  if (refused && strcmp(t->command, "MAIL") == 0)
    return sh_fail(err, SH_ERR_UNAVAILABLE, "mail_sender_rejected", "from.address", detail);
  if (code == CURLE_LOGIN_DENIED)
    return sh_fail(err, SH_ERR_UNAVAILABLE, "mail_login_denied", "username", detail);
  if (tls_failure(code))
    return sh_fail(err, SH_ERR_UNAVAILABLE, "mail_tls_failed", "tls", detail);
  if (code == CURLE_OUT_OF_MEMORY)
    return sh_fail(err, SH_ERR_INTERNAL, "internal", NULL, NULL);
  return sh_fail(err, SH_ERR_UNAVAILABLE, "mail_unavailable", NULL, detail);
}

static int default_port(enum mailer_tls tls) {
  return tls == MAILER_TLS_IMPLICIT ? 465 : tls == MAILER_TLS_STARTTLS ? 587 : 25;
}

/* Sets every option of one transaction; the first failure wins. */
static CURLcode configure(CURL *curl, const struct mailer_config *config, const char *url,
                          const struct mail *mail, struct curl_slist *recipients,
                          struct upload *upload, struct transcript *t, char *errors) {
  long connect_timeout = config->connect_timeout_seconds ? config->connect_timeout_seconds
                                                         : DEFAULT_CONNECT_TIMEOUT_SECONDS;
  long timeout = config->timeout_seconds ? config->timeout_seconds : DEFAULT_TIMEOUT_SECONDS;
  CURLcode c = curl_easy_setopt(curl, CURLOPT_URL, url);
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, connect_timeout);
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errors);
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail->from.address);
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_READDATA, upload);
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)upload->len);
  /* The trace is how we learn the failing step; the callback keeps it off stderr. */
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_trace);
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_DEBUGDATA, t);
  if (c == CURLE_OK)
    c = curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
  if (c == CURLE_OK && config->tls == MAILER_TLS_STARTTLS)
    c = curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
  if (c == CURLE_OK && has_text(config->username))
    c = curl_easy_setopt(curl, CURLOPT_USERNAME, config->username);
  if (c == CURLE_OK && has_text(config->username))
    c = curl_easy_setopt(curl, CURLOPT_PASSWORD, config->password ? config->password : "");
  if (c == CURLE_OK && has_text(config->ca_file))
    c = curl_easy_setopt(curl, CURLOPT_CAINFO, config->ca_file);
  return c;
}

static void log_failure(const struct mail *mail, const char *url, const struct sh_error *e,
                        const struct transcript *t, CURLcode code, const char *errors) {
  char reply[192], text[192], where[96];
  log_quote(reply, sizeof reply, t->reply);
  log_quote(text, sizeof text, errors[0] ? errors : curl_easy_strerror(code));
  log_quote(where, sizeof where, url);
  sh_log(LOG_PRIO_WARNING,
         "event=mail_send_failed mail_id=%lld status=%s code=%s relay=%s step=%s "
         "smtp_reply=%s curl=%s",
         (long long)mail->id, sh_strerror(e->status), e->code, where,
         t->command[0] ? t->command : "connect", reply, text);
}

/* The envelope recipients as curl wants them; NULL if out of memory. */
static struct curl_slist *recipient_list(const struct mail *mail) {
  struct curl_slist *list = NULL;
  for (size_t i = 0; i < mail->to_count; i++) {
    struct curl_slist *more = curl_slist_append(list, mail->to[i].address);
    if (!more) {
      curl_slist_free_all(list);
      return NULL;
    }
    list = more;
  }
  return list;
}

enum sh_status mailer_send(const struct mailer_config *config, const struct mail *mail,
                           const char *formatted, size_t len, struct sh_error *err) {
  struct sh_error local;
  struct sh_error *e = err ? err : &local;
  CURL *curl = NULL;
  struct curl_slist *recipients = NULL;
  char url[384];
  char errors[CURL_ERROR_SIZE] = "";
  struct upload upload = {formatted, len, 0};
  struct transcript t = {0};
  CURLcode code = CURLE_OK;
  enum sh_status rc = check_envelope(mail, e);
  if (rc == SH_OK && (!formatted || len == 0))
    rc = sh_fail(e, SH_ERR_INVALID, "field_required", "body", NULL);
  if (rc != SH_OK)
    goto out;
  if (mailer_config_check(config, e) != SH_OK) {
    /* The message is fine; the settings are not: it waits for them to be fixed. */
    sh_log(LOG_PRIO_ERR, "event=mail_config_invalid mail_id=%lld field=%s", (long long)mail->id,
           e->field);
    char field[sizeof e->field], detail[sizeof e->detail];
    memcpy(field, e->field, sizeof field);
    memcpy(detail, e->detail, sizeof detail);
    rc = sh_fail(e, SH_ERR_UNAVAILABLE, "mail_config_invalid", field, detail);
    goto out;
  }
  snprintf(url, sizeof url, "%s://%s:%d/%s", config->tls == MAILER_TLS_IMPLICIT ? "smtps" : "smtp",
           config->host, config->port ? config->port : default_port(config->tls),
           has_text(config->helo_domain) ? config->helo_domain : "");
  recipients = recipient_list(mail);
  curl = recipients ? curl_easy_init() : NULL;
  code = curl ? configure(curl, config, url, mail, recipients, &upload, &t, errors)
              : CURLE_OUT_OF_MEMORY;
  if (code != CURLE_OK) {
    sh_log(LOG_PRIO_ERR, "event=mail_init_failed mail_id=%lld curl=%d", (long long)mail->id,
           (int)code);
    rc = sh_fail(e, SH_ERR_INTERNAL, "mail_init", NULL, NULL);
    goto out;
  }
  code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    rc = classify(code, &t, e);
    log_failure(mail, url, e, &t, code, errors);
    goto out;
  }
  sh_log(LOG_PRIO_INFO, "event=mail_sent mail_id=%lld recipients=%zu", (long long)mail->id,
         mail->to_count);
out:
  curl_easy_cleanup(curl);
  curl_slist_free_all(recipients);
  return rc;
}

/* ---- retries --------------------------------------------------------------------------- */

int mailer_backoff_seconds(int attempts) {
  if (attempts <= 0)
    return 0;
  if (attempts >= 8)
    return 3600;
  return 30 << (attempts - 1);
}
