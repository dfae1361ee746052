/* sender.c — the outbox sender (see sender.h): claim in one unit, format and send outside
 * any unit (slow work never holds the writer, DESIGN.md "Writes"), record each outcome in
 * a small unit of its own. */
#include "sender.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/log.h"
#include "../base/timefmt.h"
#include "../domain/outbox.h"

/* A formatted message: headers and a base64 body of at most a few notices. */
#define SENDER_MAX_MESSAGE_BYTES (1024 * 1024)

static enum sh_status bad(struct sh_error *err, const char *variable) {
  return sh_fail(err, SH_ERR_INVALID, "invalid_setting_value", variable, NULL);
}

/* smtp://host[:port][/] or smtps://…; host may be [IPv6]. */
static enum sh_status parse_url(const char *url, struct sender_config *c, struct sh_error *err) {
  const char *rest;
  if (strncmp(url, "smtp://", 7) == 0) {
    rest = url + 7;
    c->tls = c->username[0] ? MAILER_TLS_STARTTLS : MAILER_TLS_NONE;
  } else if (strncmp(url, "smtps://", 8) == 0) {
    rest = url + 8;
    c->tls = MAILER_TLS_IMPLICIT;
  } else {
    return bad(err, "SHOUHOU_SMTP_URL");
  }
  size_t len = strcspn(rest, "/");
  if (rest[len] && strcmp(rest + len, "/") != 0)
    return bad(err, "SHOUHOU_SMTP_URL");
  const char *colon = NULL;
  if (rest[0] == '[') {
    const char *close = memchr(rest, ']', len);
    if (!close)
      return bad(err, "SHOUHOU_SMTP_URL");
    colon = (size_t)(close + 1 - rest) < len && close[1] == ':' ? close + 1 : NULL;
  } else {
    colon = memchr(rest, ':', len);
  }
  size_t host_len = colon ? (size_t)(colon - rest) : len;
  if (host_len == 0 || host_len >= sizeof c->host)
    return bad(err, "SHOUHOU_SMTP_URL");
  memcpy(c->host, rest, host_len);
  c->host[host_len] = '\0';
  c->port = 0;
  if (colon) {
    char port[8] = "";
    size_t n = len - host_len - 1;
    if (n == 0 || n >= sizeof port)
      return bad(err, "SHOUHOU_SMTP_URL");
    memcpy(port, colon + 1, n);
    char *end = NULL;
    long v = strtol(port, &end, 10);
    if (*end || v < 1 || v > 65535)
      return bad(err, "SHOUHOU_SMTP_URL");
    c->port = (int)v;
  }
  return SH_OK;
}

/* "Name <address>" or "address". */
static enum sh_status parse_from(const char *from, struct sender_config *c, struct sh_error *err) {
  const char *open = strrchr(from, '<');
  if (!open) {
    if (!*from || strlen(from) >= sizeof c->from_address)
      return bad(err, "SHOUHOU_MAIL_FROM");
    snprintf(c->from_address, sizeof c->from_address, "%s", from);
    c->from_name[0] = '\0';
    return SH_OK;
  }
  const char *close = strchr(open, '>');
  size_t name_len = (size_t)(open - from), address_len = close ? (size_t)(close - open - 1) : 0;
  while (name_len && from[name_len - 1] == ' ')
    name_len--;
  if (!close || close[1] || address_len == 0 || address_len >= sizeof c->from_address ||
      name_len >= sizeof c->from_name)
    return bad(err, "SHOUHOU_MAIL_FROM");
  snprintf(c->from_name, sizeof c->from_name, "%.*s", (int)name_len, from);
  snprintf(c->from_address, sizeof c->from_address, "%.*s", (int)address_len, open + 1);
  return SH_OK;
}

static void mailer_config_of(const struct sender_config *c, struct mailer_config *out) {
  memset(out, 0, sizeof *out);
  out->host = c->host;
  out->port = c->port;
  out->tls = c->tls;
  out->username = c->username;
  out->password = c->password;
}

enum sh_status sender_config_from_env(struct sender_config *out, struct sh_error *err) {
  struct sender_config c;
  memset(&c, 0, sizeof c);
  const char *url = getenv("SHOUHOU_SMTP_URL"), *user = getenv("SHOUHOU_SMTP_USER");
  const char *password = getenv("SHOUHOU_SMTP_PASSWORD"), *from = getenv("SHOUHOU_MAIL_FROM");
  if (user && strlen(user) >= sizeof c.username)
    return bad(err, "SHOUHOU_SMTP_USER");
  if (password && strlen(password) >= sizeof c.password)
    return bad(err, "SHOUHOU_SMTP_PASSWORD");
  snprintf(c.username, sizeof c.username, "%s", user ? user : "");
  snprintf(c.password, sizeof c.password, "%s", password ? password : "");
  enum sh_status rc = parse_from(from && *from ? from : SENDER_DEFAULT_FROM, &c, err);
  if (rc == SH_OK && url && *url) {
    c.configured = true;
    rc = parse_url(url, &c, err);
    struct mailer_config m;
    mailer_config_of(&c, &m);
    if (rc == SH_OK && mailer_config_check(&m, err) != SH_OK)
      rc = bad(err, "SHOUHOU_SMTP_URL");
  }
  if (rc == SH_OK)
    *out = c;
  return rc;
}

/* "mail_unavailable" or "mail_rejected to[0].address smtp 550": what last_error keeps. */
static void error_text(const struct sh_error *e, char *out, size_t n) {
  snprintf(out, n, "%s%s%s%s%s", e->code[0] ? e->code : "internal", e->field[0] ? " " : "",
           e->field, e->detail[0] ? " " : "", e->detail);
}

/* Delivers one claimed row and records the outcome. A record that fails is logged: the
 * row is then due again when its claim runs out. */
static void deliver(struct app *app, const struct sender_config *c, const struct outbox_row *row,
                    int64_t now, struct sender_stats *stats) {
  struct mail_address to = {.name = row->to_name, .address = row->to_address};
  struct mail mail = {.id = row->id,
                      .created_at = row->created_at,
                      .from = {.name = c->from_name, .address = c->from_address},
                      .to = &to,
                      .to_count = 1,
                      .subject = row->subject,
                      .body = row->body};
  struct mailer_config m;
  mailer_config_of(c, &m);
  struct buf message;
  buf_init(&message, SENDER_MAX_MESSAGE_BYTES);
  struct sh_error e, record;
  sh_error_clear(&e);
  enum sh_status rc = mailer_format(&mail, now, NULL, &message, &e);
  if (rc == SH_OK)
    rc = mailer_send(&m, &mail, message.data, message.len, &e);
  buf_free(&message);
  char text[320];
  error_text(&e, text, sizeof text);
  enum sh_status recorded;
  if (rc == SH_OK) {
    recorded = outbox_mark_sent(app, row->id, now, &record);
    stats->sent++;
  } else if ((rc == SH_ERR_UNAVAILABLE || rc == SH_ERR_INTERNAL) &&
             row->attempts + 1 < OUTBOX_MAX_ATTEMPTS) {
    int64_t retry_at = now + mailer_backoff_seconds(row->attempts + 1);
    recorded = outbox_mark_retry(app, row->id, retry_at, text, &record);
    stats->retried++;
  } else {
    recorded = outbox_mark_failed(app, row->id, now, text, &record);
    stats->failed++;
  }
  if (rc != SH_OK)
    sh_log(LOG_PRIO_WARNING, "job=sender outbox_id=%lld attempt=%d outcome=%s error=\"%s\"",
           (long long)row->id, row->attempts + 1,
           rc == SH_ERR_UNAVAILABLE || rc == SH_ERR_INTERNAL ? "retry" : "failed", e.code);
  if (recorded != SH_OK)
    sh_log(LOG_PRIO_ERR, "job=sender outbox_id=%lld msg=\"outcome not recorded\" error=%s",
           (long long)row->id, record.code);
}

static enum sh_status pass(struct app *app, struct sender_config *config, int64_t now,
                           int max_seconds, const atomic_bool *stop, struct sender_stats *stats,
                           struct sh_error *err) {
  if (!config->configured) {
    if (!config->told_unconfigured)
      sh_log(LOG_PRIO_WARNING, "job=sender msg=\"SHOUHOU_SMTP_URL is not set: notification mail "
                               "stays queued until it is\"");
    config->told_unconfigured = true;
    return SH_OK;
  }
  int64_t started = time_now();
  for (;;) {
    if ((stop && atomic_load(stop)) || (max_seconds > 0 && time_now() - started >= max_seconds))
      return SH_OK;
    struct outbox_row *rows = NULL;
    size_t count = 0;
    enum sh_status rc =
        outbox_claim(app, now, SENDER_CLAIM_SECONDS, SENDER_BATCH, &rows, &count, err);
    if (rc != SH_OK)
      return rc;
    stats->claimed += (int64_t)count;
    for (size_t i = 0; i < count; i++) {
      /* At shutdown the rest of the batch waits for its claim to run out. */
      if (stop && atomic_load(stop))
        break;
      deliver(app, config, &rows[i], now, stats);
    }
    outbox_rows_free(rows, count);
    if (count < SENDER_BATCH)
      return SH_OK;
  }
}

enum sh_status sender_pass(struct app *app, struct sender_config *config, int64_t now,
                           int max_seconds, const atomic_bool *stop, struct sender_stats *stats,
                           struct sh_error *err) {
  memset(stats, 0, sizeof *stats);
  enum sh_status rc = pass(app, config, now, max_seconds, stop, stats, err);
  if (rc != SH_OK)
    sh_log(LOG_PRIO_ERR, "job=sender msg=\"pass failed\" error=%s", err->code);
  if (stats->claimed > 0)
    sh_log(LOG_PRIO_INFO, "job=sender now=%lld claimed=%lld sent=%lld retried=%lld failed=%lld",
           (long long)now, (long long)stats->claimed, (long long)stats->sent,
           (long long)stats->retried, (long long)stats->failed);
  return rc;
}
