/* sender.h — the outbox sender: delivers queued notification mail through the mailer, with
 * retries (the queue and its guarantees are domain/outbox.h; the transport jobs/mailer.h).
 *
 * Configuration comes from the environment, read once when serve or `jobs run` starts
 * (a configuration file is for later):
 *   SHOUHOU_SMTP_URL       smtp://host[:port] or smtps://host[:port]; unset: mail is not
 *                          sent and stays queued (never dropped), logged once
 *   SHOUHOU_SMTP_USER      AUTH user; with smtp:// the connection is then upgraded with
 *                          STARTTLS (credentials never travel in clear), without a user
 *                          smtp:// is plain (a relay on this host or a trusted network)
 *   SHOUHOU_SMTP_PASSWORD  AUTH password (never logged)
 *   SHOUHOU_MAIL_FROM      "Name <address>" or "address"; default
 *                          "售后服务部 <noreply@localhost>" */
#ifndef SHOUHOU_JOBS_SENDER_H
#define SHOUHOU_JOBS_SENDER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "../base/status.h"
#include "../domain/app.h"
#include "mailer.h"

#define SENDER_DEFAULT_FROM "售后服务部 <noreply@localhost>"
/* Rows claimed at a time, and how long a claim keeps them from other senders: longer than
 * a batch can take at the mailer's timeouts (10 × 40 s), so a live sender never loses its
 * claim, and a dead one's rows are due again after it. */
#define SENDER_BATCH 10
#define SENDER_CLAIM_SECONDS 600

struct sender_config {
  bool configured; /* SHOUHOU_SMTP_URL was set */
  char host[256];
  int port;
  enum mailer_tls tls;
  char username[256];
  char password[256];
  char from_name[128];
  char from_address[256];
  bool told_unconfigured; /* the "mail stays queued" line was logged */
};

/* Reads the environment into *out. SH_ERR_INVALID "invalid_setting_value" naming the
 * variable for a URL or From address that cannot be used (serve refuses to start then). */
enum sh_status sender_config_from_env(struct sender_config *out, struct sh_error *err);

struct sender_stats {
  int64_t claimed, sent, retried, failed;
};

/* One pass at now (UTC seconds): claims due rows in batches and delivers each outside any
 * unit, until none is due, *stop becomes true (may be NULL), or max_seconds of wall-clock
 * time have gone by (0: no limit; the scheduler passes a budget so that it renews its lease
 * in time). Without configuration it sends nothing. *stats is zeroed first. */
enum sh_status sender_pass(struct app *app, struct sender_config *config, int64_t now,
                           int max_seconds, const atomic_bool *stop, struct sender_stats *stats,
                           struct sh_error *err);

#endif
