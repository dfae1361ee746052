/* outbox.c — queuing notifications inside the caller's unit, the sender's claim and record
 * units, and the user's in-app list (see outbox.h). */
#include "outbox.h"

#include <stdio.h>
#include <string.h>

#include "../base/timefmt.h"
#include "audit.h"

enum sh_status outbox_notify_user(struct store_tx *tx, int64_t user_id, int64_t ticket_id,
                                  const char *subject, const char *body, int64_t now,
                                  struct sh_error *err) {
  if (user_id <= 0)
    return SH_OK;
  return store_outbox_insert_for_user(tx, user_id, ticket_id, subject, body, now, NULL, NULL, err);
}

enum sh_status outbox_notify_role(struct store_tx *tx, enum role role, const char *region_code,
                                  int64_t ticket_id, const char *subject, const char *body,
                                  int64_t now, int *count, struct sh_error *err) {
  int64_t queued = 0;
  enum sh_status rc = store_outbox_insert_for_role(tx, role_name(role), region_code, ticket_id,
                                                   subject, body, now, &queued, err);
  if (rc == SH_OK && count)
    *count = (int)queued;
  return rc;
}

struct claim_arg {
  int64_t now, claim_until;
  int limit;
  struct outbox_row *rows;
  size_t count;
};

static enum sh_status claim_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct claim_arg *a = arg;
  return store_outbox_claim(tx, a->now, a->claim_until, a->limit, &a->rows, &a->count, err);
}

struct peek_arg {
  int64_t now;
  bool any;
};

static enum sh_status peek_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct peek_arg *a = arg;
  return store_outbox_due_any(tx, a->now, &a->any, err);
}

enum sh_status outbox_claim(struct app *app, int64_t now, int64_t claim_seconds, int limit,
                            struct outbox_row **out, size_t *count, struct sh_error *err) {
  struct claim_arg a = {.now = now, .claim_until = now + claim_seconds, .limit = limit};
  /* An idle queue costs one read, not a write unit on every tick. */
  struct peek_arg peek = {.now = now};
  enum sh_status rc = store_read(app->store, peek_unit, &peek, err);
  if (rc == SH_OK && !peek.any) {
    *out = NULL;
    *count = 0;
    return SH_OK;
  }
  if (rc == SH_OK)
    rc = store_write(app->store, claim_unit, &a, err);
  if (rc != SH_OK) {
    outbox_rows_free(a.rows, a.count);
    return rc;
  }
  *out = a.rows;
  *count = a.count;
  return SH_OK;
}

enum mark_kind { MARK_SENT, MARK_RETRY, MARK_FAILED };

struct mark_arg {
  enum mark_kind kind;
  int64_t id, at;
  const char *error;
};

static enum sh_status mark_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct mark_arg *a = arg;
  switch (a->kind) {
  case MARK_SENT:
    return store_outbox_mark_sent(tx, a->id, a->at, err);
  case MARK_RETRY:
    return store_outbox_mark_retry(tx, a->id, a->at, a->error, err);
  case MARK_FAILED:
    break;
  }
  return store_outbox_mark_failed(tx, a->id, a->at, a->error, err);
}

enum sh_status outbox_mark_sent(struct app *app, int64_t id, int64_t now, struct sh_error *err) {
  struct mark_arg a = {.kind = MARK_SENT, .id = id, .at = now, .error = ""};
  return store_write(app->store, mark_unit, &a, err);
}

enum sh_status outbox_mark_retry(struct app *app, int64_t id, int64_t retry_at, const char *error,
                                 struct sh_error *err) {
  struct mark_arg a = {.kind = MARK_RETRY, .id = id, .at = retry_at, .error = error};
  return store_write(app->store, mark_unit, &a, err);
}

enum sh_status outbox_mark_failed(struct app *app, int64_t id, int64_t now, const char *error,
                                  struct sh_error *err) {
  struct mark_arg a = {.kind = MARK_FAILED, .id = id, .at = now, .error = error};
  return store_write(app->store, mark_unit, &a, err);
}

const char *outbox_mail_state(const struct outbox_row *row) {
  if (!row->to_address || !row->to_address[0])
    return "none";
  if (row->sent_at)
    return "sent";
  if (row->failed_at)
    return "failed";
  return "queued";
}

struct list_arg {
  const struct outbox_filter *filter;
  struct outbox_row *rows;
  size_t count;
  int64_t total;
};

static enum sh_status list_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct list_arg *a = arg;
  return store_outbox_list(tx, a->filter, &a->rows, &a->count, &a->total, err);
}

enum sh_status outbox_list(struct app *app, const struct actor *actor, struct outbox_filter *f,
                           struct outbox_row **out, size_t *count, int64_t *total,
                           struct sh_error *err) {
  f->user_id = actor->user_id;
  struct list_arg a = {.filter = f};
  enum sh_status rc = store_read(app->store, list_unit, &a, err);
  if (rc != SH_OK) {
    outbox_rows_free(a.rows, a.count);
    return rc;
  }
  *out = a.rows;
  *count = a.count;
  *total = a.total;
  return SH_OK;
}

struct read_arg {
  int64_t user_id, id;
  struct outbox_row row;
};

static enum sh_status read_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct read_arg *a = arg;
  enum sh_status rc = store_outbox_mark_read(tx, a->user_id, a->id, time_now(), err);
  if (rc == SH_OK)
    rc = store_outbox_get(tx, a->user_id, a->id, &a->row, err);
  return rc;
}

enum sh_status outbox_mark_read(struct app *app, const struct actor *actor, int64_t id,
                                struct outbox_row *out, struct sh_error *err) {
  struct read_arg a = {.user_id = actor->user_id, .id = id};
  enum sh_status rc = store_write(app->store, read_unit, &a, err);
  if (rc != SH_OK) {
    outbox_row_clear(&a.row);
    return rc;
  }
  *out = a.row;
  return SH_OK;
}

struct test_arg {
  const struct actor *actor;
  int64_t user_id;
  int tz_offset_minutes;
  struct outbox_row row;
};

static enum sh_status test_unit(struct store_tx *tx, void *arg, struct sh_error *err) {
  struct test_arg *a = arg;
  int64_t now = time_now(), queued = 0, id = 0;
  char when[TIME_ISO_LEN], body[512];
  time_format_iso(now, a->tz_offset_minutes, when);
  snprintf(body, sizeof body,
           "这是一封测试邮件, 由系统管理员 %s 于 %s 发出, 用于确认售后服务管理系统的邮件通知"
           "可以送达。\n收到此邮件即说明邮件设置正确, 无需回复。",
           a->actor->display_name[0] ? a->actor->display_name : a->actor->username, when);
  enum sh_status rc = store_outbox_insert_for_user(tx, a->user_id, 0, "【售后服务系统】测试邮件",
                                                   body, now, &queued, &id, err);
  if (rc == SH_OK && queued == 0)
    rc = sh_fail(err, SH_ERR_INVALID, "unknown_user", "user_id", NULL);
  if (rc == SH_OK) {
    json_t *changes = json_object();
    json_object_set_new(changes, "outbox_id", json_integer(id));
    rc = audit_log(tx, a->actor, "user", a->user_id, "test_mail", changes, now, err);
    json_decref(changes);
  }
  if (rc == SH_OK)
    rc = store_outbox_get(tx, a->user_id, id, &a->row, err);
  return rc;
}

enum sh_status outbox_test_mail(struct app *app, const struct actor *actor, int64_t user_id,
                                struct outbox_row *out, struct sh_error *err) {
  struct test_arg a = {
      .actor = actor, .user_id = user_id, .tz_offset_minutes = app->tz_offset_minutes};
  enum sh_status rc = store_write(app->store, test_unit, &a, err);
  if (rc != SH_OK) {
    outbox_row_clear(&a.row);
    return rc;
  }
  *out = a.row;
  return SH_OK;
}
