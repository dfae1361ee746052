/* notifications.c — the user's notifications (the in-app side of the outbox), the
 * administrator's test mail, and the personal iCalendar feed: its secret URL and the feed
 * itself, rendered here as text/calendar (export/ical.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/jsonx.h"
#include "../base/mem.h"
#include "../base/timefmt.h"
#include "../domain/ical_feed.h"
#include "../domain/outbox.h"
#include "../export/ical.h"
#include "handlers.h"
#include "list.h"

static json_t *notification_json(struct api_request *req, const struct outbox_row *row) {
  json_t *o = json_object();
  jsonx_set_int(o, "id", row->id);
  jsonx_set_str(o, "subject", row->subject);
  jsonx_set_str(o, "body", row->body);
  json_object_set_new(o, "ticket_id", row->ticket_id ? json_integer(row->ticket_id) : json_null());
  jsonx_set_time(o, "created_at", row->created_at, req->app->tz_offset_minutes);
  jsonx_set_bool(o, "read", row->read_at != 0);
  jsonx_set_str(o, "mail", outbox_mail_state(row));
  return o;
}

void api_notifications_list(struct api_request *req, struct api_response *resp) {
  static const char *const allowed[] = {"unread", NULL};
  static const char *const sorts[] = {"id", NULL};
  struct list_params lp;
  struct outbox_row *rows = NULL;
  size_t count = 0;
  int64_t total = 0;
  struct sh_error err;
  if (!api_list_params(req, resp, allowed, sorts, 0, true, &lp))
    return;
  const char *unread = api_query(req, "unread");
  struct outbox_filter f = {.descending = lp.descending, .limit = lp.page_size};
  if (unread && strcmp(unread, "true") != 0 && strcmp(unread, "false") != 0) {
    api_fail(req, resp, SH_ERR_MALFORMED, "invalid_parameter", "unread");
    goto out;
  }
  f.unread_only = unread && strcmp(unread, "true") == 0;
  if (lp.keyset) {
    /* One row more than shown tells whether a next page exists. */
    f.after_id = lp.cursor ? json_integer_value(json_object_get(lp.cursor, "i")) : 0;
    f.limit = lp.page_size + 1;
  } else {
    f.offset = (lp.page - 1) * lp.page_size;
  }
  if (outbox_list(req->app, &req->actor, &f, &rows, &count, &total, &err) != SH_OK) {
    api_error(req, resp, &err);
    goto out;
  }
  bool more = lp.keyset && count > (size_t)lp.page_size;
  size_t shown = more ? (size_t)lp.page_size : count;
  json_t *items = json_array();
  for (size_t i = 0; i < shown; i++)
    json_array_append_new(items, notification_json(req, &rows[i]));
  char *next = more ? api_cursor_encode("id", lp.descending, json_integer(rows[shown - 1].id),
                                        rows[shown - 1].id)
                    : NULL;
  api_reply(resp, 200, api_list_body(items, total, next));
  free(next);
out:
  outbox_rows_free(rows, count);
  api_list_params_free(&lp);
}

void api_notifications_read(struct api_request *req, struct api_response *resp) {
  int64_t id;
  struct outbox_row row = {0};
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  if (!api_path_id(req, 0, &id)) {
    api_fail(req, resp, SH_ERR_NOT_FOUND, "not_found", NULL);
    return;
  }
  if (outbox_mark_read(req->app, &req->actor, id, &row, &err) == SH_OK)
    api_reply(resp, 200, notification_json(req, &row));
  else
    api_error(req, resp, &err);
  outbox_row_clear(&row);
}

struct test_mail_body {
  int64_t user_id;
};

static const struct jfield test_mail_fields[] = {
    {"user_id", JF_INT, JF_REQUIRED, 1, INT64_MAX / 2, offsetof(struct test_mail_body, user_id)},
};

void api_admin_test_mail(struct api_request *req, struct api_response *resp) {
  struct test_mail_body b = {0};
  struct outbox_row row = {0};
  struct sh_error err;
  json_t *root = NULL;
  if (!api_query_check(req, resp, NULL))
    return;
  enum sh_status rc = jsonx_parse(req->body, req->body_len, &root, &err);
  if (rc == SH_OK)
    rc = jsonx_decode(root, test_mail_fields, 1, &b, NULL, NULL, &err);
  if (rc == SH_OK)
    rc = outbox_test_mail(req->app, &req->actor, b.user_id, &row, &err);
  if (rc == SH_OK) {
    json_t *o = notification_json(req, &row);
    jsonx_set_int(o, "user_id", row.user_id);
    jsonx_set_str(o, "to_address", row.to_address);
    api_reply(resp, 202, o);
  } else {
    api_error(req, resp, &err);
  }
  outbox_row_clear(&row);
  json_decref(root);
  jsonx_free(test_mail_fields, 1, &b);
}

void api_calendar_token_create(struct api_request *req, struct api_response *resp) {
  char token[SECRET_TOKEN_LEN + 1];
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  if (ical_token_create(req->app, &req->actor, token, &err) != SH_OK) {
    api_error(req, resp, &err);
    return;
  }
  char url[sizeof ICAL_FEED_PATH + SECRET_TOKEN_LEN + 8];
  snprintf(url, sizeof url, "%s%s.ics", ICAL_FEED_PATH, token);
  json_t *body = json_object();
  jsonx_set_str(body, "url", url);
  api_reply(resp, 201, body);
  explicit_bzero(token, sizeof token);
  explicit_bzero(url, sizeof url);
}

void api_calendar_token_delete(struct api_request *req, struct api_response *resp) {
  struct sh_error err;
  if (!api_query_check(req, resp, NULL))
    return;
  if (ical_token_revoke(req->app, &req->actor, &err) == SH_OK)
    api_reply(resp, 204, NULL);
  else
    api_error(req, resp, &err);
}

/* The texts of one event, owned here until the feed is written. */
struct event_text {
  char uid[64];
  struct buf summary, description;
};

static enum sh_status event_of(const struct ical_appointment *a, struct event_text *t,
                               struct ical_event *e) {
  snprintf(t->uid, sizeof t->uid, "appointment-%lld@shouhou", (long long)a->id);
  buf_init(&t->summary, ICAL_MAX_TEXT_BYTES);
  buf_init(&t->description, ICAL_MAX_DESCRIPTION_BYTES);
  enum sh_status rc = buf_printf(&t->summary, "上门服务 %s %s", a->number, a->customer_name);
  if (rc == SH_OK)
    rc = buf_printf(&t->description, "故障: %s\n联系人: %s %s", a->fault, a->contact_name,
                    a->contact_phone);
  if (rc == SH_OK && a->agreed_with[0])
    rc = buf_printf(&t->description, "\n预约确认人: %s", a->agreed_with);
  if (rc == SH_OK && a->note[0])
    rc = buf_printf(&t->description, "\n备注: %s", a->note);
  *e = (struct ical_event){
      .uid = t->uid,
      .dtstamp = a->updated_at,
      .start = a->starts_at,
      /* A visit without a sensible end still shows, as an hour. */
      .end = a->ends_at > a->starts_at ? a->ends_at : a->starts_at + 3600,
      .summary = t->summary.data,
      .location = a->site_address,
      .description = t->description.data,
      .status = ICAL_CONFIRMED,
      .sequence = a->sequence > 0 ? (int)a->sequence : 0,
  };
  return rc;
}

static enum sh_status render(struct api_request *req, const struct ical_feed *feed, struct buf *out,
                             struct sh_error *err) {
  struct ical_event *events = sh_calloc(feed->count ? feed->count : 1, sizeof *events);
  struct event_text *texts = sh_calloc(feed->count ? feed->count : 1, sizeof *texts);
  enum sh_status rc =
      events && texts ? SH_OK : sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  size_t made = 0;
  for (; rc == SH_OK && made < feed->count; made++)
    if (event_of(&feed->appointments[made], &texts[made], &events[made]) != SH_OK)
      rc = sh_fail(err, SH_ERR_INTERNAL, "out_of_memory", NULL, NULL);
  char name[256], product[64];
  snprintf(name, sizeof name, "%s的上门预约", feed->owner_name);
  snprintf(product, sizeof product, "-//shouhou//shouhou %s//ZH", req->app->version);
  struct ical_calendar cal = {
      .name = name, .product_id = product, .events = events, .count = feed->count};
  if (rc == SH_OK)
    rc = ical_write(&cal, out, err);
  for (size_t i = 0; texts && i < made; i++) {
    buf_free(&texts[i].summary);
    buf_free(&texts[i].description);
  }
  free(texts);
  free(events);
  return rc;
}

void api_ical_feed(struct api_request *req, struct api_response *resp) {
  struct ical_feed *feed = NULL;
  struct sh_error err;
  struct buf out;
  buf_init(&out, ICAL_MAX_BYTES);
  /* The secret is the whole credential: no query is taken (it would end in logs). */
  if (!api_query_check(req, resp, NULL))
    return;
  enum sh_status rc = ical_feed_get(req->app, req->path_params[0], time_now(), &feed, &err);
  if (rc == SH_OK)
    rc = render(req, feed, &out, &err);
  if (rc == SH_OK) {
    resp->status = 200;
    resp->raw_len = out.len;
    resp->raw = buf_detach(&out);
    resp->content_type = "text/calendar; charset=utf-8";
    if (!resp->raw)
      api_fail(req, resp, SH_ERR_INTERNAL, "out_of_memory", NULL);
  } else {
    api_error(req, resp, &err);
  }
  buf_free(&out);
  ical_feed_free(feed);
}
